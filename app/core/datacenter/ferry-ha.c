/* ferry-ha.c — high availability: the per-VM flag, saved definitions, leases
 *
 * Threads: every libvirt call runs on the worker of the node it talks to
 * (one call at a time per connection, see ferry-node.c). A job that needs
 * several nodes hops from worker to worker through the main thread, or
 * asks them all at once (ferry-fanout.h) where the order does not matter.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */


#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <libvirt/virterror.h>

#include "ferry-core.h"
#include "ferry-domain-xml.h"
#include "ferry-fanout.h"
#include "ferry-ha.h"
#include "ferry-libvirt.h"
#include "ferry-node-private.h"

G_DEFINE_QUARK (ferry-ha-error-quark, ferry_ha_error)

/* ---------------------------------------------------------------------- */
/* Pure helpers                                                            */

void
ferry_ha_disk_free (FerryHaDisk *disk)
{
  if (disk == NULL)
    return;
  g_free (disk->target);
  g_free (disk->type);
  g_free (disk->path);
  g_free (disk);
}

GPtrArray *
ferry_ha_list_disks (const char  *domain_xml,
                     GError     **error)
{
  g_autoptr(FerryDomainXml) dom = NULL;
  g_autoptr(GPtrArray) disks = g_ptr_array_new_with_free_func ((GDestroyNotify) ferry_ha_disk_free);
  GPtrArray *all;

  if ((dom = ferry_domain_xml_new (domain_xml, error)) == NULL)
    return NULL;
  all = ferry_domain_xml_get_disks (dom);
  for (guint i = 0; i < all->len; i++)
    {
      const FerryDomainDisk *from = g_ptr_array_index (all, i);
      FerryHaDisk *disk;

      disk = g_new0 (FerryHaDisk, 1);
      disk->target = g_strdup (from->target);
      disk->type = g_strdup (from->type);
      /* What the lock manager and QEMU lock: a file or device path, or
       * the volume of a pool; nothing for network or directory disks. */
      if (strcmp (from->type, "file") == 0 || strcmp (from->type, "block") == 0)
        disk->path = g_strdup (from->source);
      else if (strcmp (from->type, "volume") == 0 && from->pool != NULL && from->volume != NULL)
        disk->path = g_strdup_printf ("%s/%s", from->pool, from->volume);

      /* An empty CD-ROM or floppy drive opens nothing. */
      if ((strcmp (from->device, "cdrom") == 0 || strcmp (from->device, "floppy") == 0) &&
          disk->path == NULL && strcmp (disk->type, "network") != 0)
        {
          ferry_ha_disk_free (disk);
          continue;
        }
      g_ptr_array_add (disks, disk);
    }
  return g_steal_pointer (&disks);
}

const char *
ferry_ha_metadata_element (void)
{
  return "<ha enabled=\"yes\"/>";
}

gboolean
ferry_ha_xml_is_enabled (const char *xml)
{
  g_autofree char *enabled = NULL;

  if (xml == NULL)
    return FALSE;
  /* Either the bare element from virDomainGetMetadata (which carries the
   * namespace too) or the whole domain. */
  enabled = ferry_domain_xml_metadata_attribute (xml, FERRY_HA_XMLNS, "enabled");
  if (enabled == NULL)
    {
      g_autoptr(FerryDomainXml) dom = ferry_domain_xml_new (xml, NULL);
      g_autofree char *element = NULL;

      if (dom != NULL && (element = ferry_domain_xml_dup_metadata (dom, FERRY_HA_XMLNS)) != NULL)
        enabled = ferry_domain_xml_metadata_attribute (element, FERRY_HA_XMLNS, "enabled");
    }
  return g_strcmp0 (enabled, "yes") == 0;
}

FerryHaRefusal
ferry_ha_classify_refusal (int         libvirt_code,
                           const char *message)
{
  if (message == NULL)
    message = "";
  /* virtlockd: "resource busy: Lockspace resource '…' is locked";
   * sanlock: "Failed to acquire lock: …" */
  if (libvirt_code == VIR_ERR_RESOURCE_BUSY ||
      strstr (message, "Lockspace resource") != NULL ||
      strstr (message, "Failed to acquire lock") != NULL)
    return FERRY_HA_REFUSED_BY_LEASE;
  /* QEMU: 'Failed to get "write" lock' / 'Is another process using the image' */
  if (strstr (message, "Failed to get \"write\" lock") != NULL ||
      strstr (message, "Failed to get shared \"write\" lock") != NULL ||
      strstr (message, "Is another process using the image") != NULL)
    return FERRY_HA_REFUSED_BY_QEMU;
  return FERRY_HA_REFUSED_OTHER;
}

/* ---------------------------------------------------------------------- */
/* Saved definitions                                                       */

char *
ferry_ha_cache_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "ferry", "ha", NULL);
}

static char *
cache_path (const char *uuid)
{
  g_autofree char *dir = ferry_ha_cache_dir ();
  g_autofree char *file = NULL;

  /* Never a path from a string we did not check. */
  if (uuid == NULL || !g_uuid_string_is_valid (uuid))
    return NULL;
  file = g_strdup_printf ("%s.xml", uuid);
  return g_build_filename (dir, file, NULL);
}

gboolean
ferry_ha_cache_save (const char  *uuid,
                     const char  *xml,
                     GError     **error)
{
  g_autofree char *dir = ferry_ha_cache_dir ();
  g_autofree char *path = cache_path (uuid);

  if (path == NULL)
    {
      g_set_error (error, FERRY_HA_ERROR, FERRY_HA_ERROR_FAILED, _("“%s” is not a UUID"), uuid);
      return FALSE;
    }
  if (g_mkdir_with_parents (dir, 0700) < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not create %s: %s"), dir, g_strerror (saved));
      return FALSE;
    }
  /* Atomic (a temporary file renamed over the old one), private. */
  return g_file_set_contents_full (path, xml, -1,
                                   G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_ONLY_EXISTING,
                                   0600, error);
}

char *
ferry_ha_cache_load (const char  *uuid,
                     GError     **error)
{
  g_autofree char *path = cache_path (uuid);
  char *xml = NULL;

  if (path == NULL)
    {
      g_set_error (error, FERRY_HA_ERROR, FERRY_HA_ERROR_FAILED, _("“%s” is not a UUID"), uuid);
      return NULL;
    }
  if (!g_file_get_contents (path, &xml, NULL, error))
    return NULL;
  return xml;
}

void
ferry_ha_cache_remove (const char *uuid)
{
  g_autofree char *path = cache_path (uuid);

  if (path != NULL)
    g_unlink (path);
}

GStrv
ferry_ha_cache_list (void)
{
  g_autofree char *dir = ferry_ha_cache_dir ();
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *uuid = NULL;

      if (!g_str_has_suffix (name, ".xml"))
        continue;
      uuid = g_strndup (name, strlen (name) - 4);
      if (g_uuid_string_is_valid (uuid))
        g_strv_builder_add (builder, uuid);
    }
  return g_strv_builder_end (builder);
}

/* ---------------------------------------------------------------------- */
/* Running a step on a node's worker and coming back to the main thread    */

static void
run_step (FerryNode           *node,
          GTask               *outer,
          GTaskThreadFunc      func,
          GAsyncReadyCallback  done)
{
  g_autoptr(GTask) inner = g_task_new (node, g_task_get_cancellable (outer), done, g_object_ref (outer));

  g_task_set_source_tag (inner, run_step);
  g_task_set_task_data (inner, g_task_get_task_data (outer), NULL);
  _ferry_node_run_in_worker (node, inner, func);
}

/* ---------------------------------------------------------------------- */
/* The flag                                                                */

typedef struct
{
  char      *uuid;
  char      *name;
  gboolean   enabled;
  FerryNode *owner;
  GPtrArray *peers;          /* FerryNode */
  GPtrArray *disks;          /* FerryHaDisk, from the owner's definition */
  char      *xml;            /* the persistent definition after the change */
  gboolean   persistent;
} FlagData;

static void
flag_data_free (FlagData *data)
{
  g_free (data->uuid);
  g_free (data->name);
  g_clear_object (&data->owner);
  g_clear_pointer (&data->peers, g_ptr_array_unref);
  g_clear_pointer (&data->disks, g_ptr_array_unref);
  g_free (data->xml);
  g_free (data);
}

static char *
dup_persistent_xml (virDomainPtr   domain,
                    const char    *name,
                    GError       **error)
{
  char *xml = virDomainGetXMLDesc (domain, VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE);
  char *copy;

  if (xml == NULL)
    {
      ferry_libvirt_set_error (error, _("Could not read the configuration of “%s”"), name);
      return NULL;
    }
  copy = g_strdup (xml);
  free (xml);
  return copy;
}

/* Owner's worker: the definition and its disks. */
static void
read_disks_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  FlagData *data = task_data;
  g_autoptr(GError) error = NULL;
  virConnectPtr conn = NULL;
  virDomainPtr domain;

  domain = _ferry_node_lookup_domain (source_object, data->uuid, data->name, &conn, &error);
  if (domain == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  data->persistent = virDomainIsPersistent (domain) == 1;
  if (!data->persistent)
    g_set_error (&error, FERRY_HA_ERROR, FERRY_HA_ERROR_NOT_PERSISTENT,
                 _("“%s” is not persistent: it has no definition that could be started on another host"),
                 data->name);
  else if ((data->xml = dup_persistent_xml (domain, data->name, &error)) != NULL)
    data->disks = ferry_ha_list_disks (data->xml, &error);
  virDomainFree (domain);
  virConnectClose (conn);

  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/* Whether @disk can be opened through @conn at the same path. */
static gboolean
disk_visible (virConnectPtr      conn,
              const FerryHaDisk *disk)
{
  if (g_strcmp0 (disk->type, "network") == 0)
    return TRUE;    /* rbd, gluster, iSCSI…: every host reaches the server */
  if (disk->path == NULL)
    return FALSE;
  if (g_strcmp0 (disk->type, "volume") == 0)
    {
      g_autofree char *pool_name = g_strndup (disk->path, strchr (disk->path, '/') - disk->path);
      virStoragePoolPtr pool = virStoragePoolLookupByName (conn, pool_name);
      virStorageVolPtr vol = NULL;

      if (pool != NULL)
        {
          virStoragePoolRefresh (pool, 0);
          vol = virStorageVolLookupByName (pool, strchr (disk->path, '/') + 1);
          virStoragePoolFree (pool);
        }
      virResetLastError ();
      if (vol == NULL)
        return FALSE;
      virStorageVolFree (vol);
      return TRUE;
    }
  if (g_strcmp0 (disk->type, "file") == 0 || g_strcmp0 (disk->type, "block") == 0)
    {
      virStorageVolPtr vol = ferry_libvirt_lookup_volume (conn, disk->path);

      virResetLastError ();
      if (vol == NULL)
        return FALSE;
      virStorageVolFree (vol);
      return TRUE;
    }
  return FALSE;
}

/* A peer's worker: are all the disks (@user_data, the owner's) there?
 * Nothing, or the first that is not. */
static gpointer
check_peer_step (FerryNode     *peer,
                 virConnectPtr  conn,
                 guint          index,
                 gpointer       user_data,
                 GCancellable  *cancellable,
                 GError       **error)
{
  GPtrArray *disks = user_data;

  for (guint i = 0; i < disks->len; i++)
    {
      FerryHaDisk *disk = g_ptr_array_index (disks, i);

      if (disk_visible (conn, disk))
        continue;
      if (g_strcmp0 (disk->type, "file") == 0 || g_strcmp0 (disk->type, "block") == 0 ||
          g_strcmp0 (disk->type, "volume") == 0)
        g_set_error (error, FERRY_HA_ERROR, FERRY_HA_ERROR_NOT_SHARED,
                     /* Translators: disk target, its path, a host */
                     _("Disk %s (%s) is not on shared storage: %s has no storage volume at that path, "
                       "so the VM could not be started there"),
                     disk->target, disk->path ? disk->path : "?", ferry_node_get_name (peer));
      else
        g_set_error (error, FERRY_HA_ERROR, FERRY_HA_ERROR_NOT_SHARED,
                     _("Disk %s is of type “%s”, which Ferry cannot check for shared storage"),
                     disk->target, disk->type);
      break;
    }
  return NULL;
}

/* Owner's worker: write (or remove) the element. */
static void
write_flag_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  FlagData *data = task_data;
  g_autoptr(GError) error = NULL;
  virConnectPtr conn = NULL;
  virDomainPtr domain;
  unsigned int flags;
  int r;

  domain = _ferry_node_lookup_domain (source_object, data->uuid, data->name, &conn, &error);
  if (domain == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Live too when it runs, so a live migration carries it as well. */
  flags = VIR_DOMAIN_AFFECT_CONFIG;
  if (virDomainIsActive (domain) == 1)
    flags |= VIR_DOMAIN_AFFECT_LIVE;
  if (data->enabled)
    r = virDomainSetMetadata (domain, VIR_DOMAIN_METADATA_ELEMENT, ferry_ha_metadata_element (),
                              FERRY_HA_XMLNS_PREFIX, FERRY_HA_XMLNS, flags);
  else
    r = virDomainSetMetadata (domain, VIR_DOMAIN_METADATA_ELEMENT, NULL, NULL, FERRY_HA_XMLNS, flags);
  if (r < 0)
    ferry_libvirt_set_error (&error, _("Could not change the availability of “%s”"), data->name);
  else
    {
      g_clear_pointer (&data->xml, g_free);
      data->xml = dup_persistent_xml (domain, data->name, NULL);
    }
  virDomainFree (domain);
  virConnectClose (conn);

  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
flag_written (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) outer = user_data;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_task_return_error (outer, error);
  else
    g_task_return_boolean (outer, TRUE);
}

/* The first peer (in their order) that lacks a disk fails it all. */
static void
flag_peers_checked (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) outer = user_data;
  FlagData *data = g_task_get_task_data (outer);
  g_autoptr(GPtrArray) answers = NULL;
  GError *error = NULL;

  if (!(answers = ferry_fanout_run_finish (result, &error)))
    {
      g_task_return_error (outer, error);
      return;
    }
  for (guint i = 0; i < answers->len; i++)
    {
      FerryFanoutResult *answer = g_ptr_array_index (answers, i);

      if (answer->error != NULL)
        {
          g_task_return_error (outer, g_steal_pointer (&answer->error));
          return;
        }
    }
  run_step (data->owner, outer, write_flag_thread, flag_written);
}

static void
flag_disks_read (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) outer = user_data;
  FlagData *data = g_task_get_task_data (outer);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (outer, error);
      return;
    }
  /* The disks are the steps' own: a cancel may end @outer before them. */
  ferry_fanout_run_async (data->peers, 0, check_peer_step, g_ptr_array_ref (data->disks),
                          (GDestroyNotify) g_ptr_array_unref, NULL, g_task_get_cancellable (outer),
                          flag_peers_checked, g_object_ref (outer));
}

/* The host of @vm when it is connected; else @task fails and NULL. */
static FerryNode *
connected_owner (FerryVm *vm,
                 GTask   *task)
{
  FerryNode *owner = ferry_vm_get_node (vm);

  if (owner != NULL && ferry_node_get_state (owner) == FERRY_NODE_STATE_CONNECTED)
    return owner;
  g_task_return_new_error (task, FERRY_LIBVIRT_ERROR, FERRY_LIBVIRT_ERROR_NOT_CONNECTED,
                           _("The host of “%s” is not connected"), ferry_vm_get_name (vm));
  return NULL;
}

void
ferry_ha_set_enabled_async (FerryVm             *vm,
                            gboolean             enabled,
                            GPtrArray           *peers,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  FlagData *data;
  FerryNode *owner;

  g_return_if_fail (FERRY_IS_VM (vm));

  task = g_task_new (vm, cancellable, callback, user_data);
  g_task_set_source_tag (task, ferry_ha_set_enabled_async);

  if (!(owner = connected_owner (vm, task)))
    return;

  data = g_new0 (FlagData, 1);
  data->uuid = g_strdup (ferry_vm_get_uuid (vm));
  data->name = g_strdup (ferry_vm_get_name (vm));
  data->enabled = enabled;
  data->owner = g_object_ref (owner);
  data->peers = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; peers != NULL && i < peers->len; i++)
    {
      FerryNode *peer = g_ptr_array_index (peers, i);

      if (peer != owner && ferry_node_get_state (peer) == FERRY_NODE_STATE_CONNECTED)
        g_ptr_array_add (data->peers, g_object_ref (peer));
    }
  g_task_set_task_data (task, data, (GDestroyNotify) flag_data_free);

  if (enabled && data->peers->len == 0)
    {
      g_task_return_new_error (task, FERRY_HA_ERROR, FERRY_HA_ERROR_NO_PEERS,
                               _("No other host is connected: Ferry cannot check that the disks of "
                                 "“%s” are on storage that another host sees"),
                               data->name);
      return;
    }

  if (enabled)
    run_step (owner, task, read_disks_thread, flag_disks_read);
  else
    run_step (owner, task, write_flag_thread, flag_written);
}

gboolean
ferry_ha_set_enabled_finish (FerryVm       *vm,
                             GAsyncResult  *result,
                             char         **persistent_xml,
                             GError       **error)
{
  FlagData *data;

  g_return_val_if_fail (g_task_is_valid (result, vm), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  data = g_task_get_task_data (G_TASK (result));
  if (persistent_xml != NULL)
    *persistent_xml = g_strdup (data->xml);
  return TRUE;
}

typedef struct
{
  char     *uuid;
  char     *name;
  gboolean  enabled;
  char     *xml;
  FerryNode *node;     /* the VM's host: the task's source object is the VM */
} GetData;

static void
get_data_free (GetData *data)
{
  g_free (data->uuid);
  g_free (data->name);
  g_free (data->xml);
  g_clear_object (&data->node);
  g_free (data);
}

static void
get_flag_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  GetData *data = task_data;
  g_autoptr(GError) error = NULL;
  virConnectPtr conn = NULL;
  virDomainPtr domain;
  char *element;

  domain = _ferry_node_lookup_domain (data->node, data->uuid, data->name, &conn, &error);
  if (domain == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  element = virDomainGetMetadata (domain, VIR_DOMAIN_METADATA_ELEMENT, FERRY_HA_XMLNS,
                                  virDomainIsPersistent (domain) == 1 ? VIR_DOMAIN_AFFECT_CONFIG
                                                                      : VIR_DOMAIN_AFFECT_CURRENT);
  if (element == NULL)
    {
      virErrorPtr last = virGetLastError ();

      if (last == NULL || last->code != VIR_ERR_NO_DOMAIN_METADATA)
        ferry_libvirt_set_error (&error, _("Could not read the settings of “%s”"), data->name);
    }
  else
    {
      data->enabled = ferry_ha_xml_is_enabled (element);
      free (element);
      if (data->enabled)
        data->xml = dup_persistent_xml (domain, data->name, NULL);
    }
  virResetLastError ();
  virDomainFree (domain);
  virConnectClose (conn);

  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

void
ferry_ha_get_enabled_async (FerryVm             *vm,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  FerryNode *owner;
  GetData *data;

  g_return_if_fail (FERRY_IS_VM (vm));

  task = g_task_new (vm, cancellable, callback, user_data);
  g_task_set_source_tag (task, ferry_ha_get_enabled_async);
  if (!(owner = connected_owner (vm, task)))
    return;
  data = g_new0 (GetData, 1);
  data->uuid = g_strdup (ferry_vm_get_uuid (vm));
  data->name = g_strdup (ferry_vm_get_name (vm));
  data->node = g_object_ref (owner);
  g_task_set_task_data (task, data, (GDestroyNotify) get_data_free);
  _ferry_node_run_in_worker (owner, task, get_flag_thread);
}

gboolean
ferry_ha_get_enabled_finish (FerryVm       *vm,
                             GAsyncResult  *result,
                             gboolean      *enabled,
                             char         **persistent_xml,
                             GError       **error)
{
  GetData *data;

  g_return_val_if_fail (g_task_is_valid (result, vm), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  data = g_task_get_task_data (G_TASK (result));
  if (enabled != NULL)
    *enabled = data->enabled;
  if (persistent_xml != NULL)
    *persistent_xml = g_strdup (data->xml);
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* Leases                                                                  */

typedef enum
{
  LEASE_FIRST,
  LEASE_SECOND,
  LEASE_ONLY,
  LEASE_CLEANUP,
} LeaseStage;

typedef struct
{
  FerryNode  *a;
  FerryNode  *b;
  char       *shared_dir;
  char       *tag;           /* random, names the volume and the guests */
  char       *path;          /* the volume both guests use */
  LeaseStage  stage;
  gboolean    first_running;
  gboolean    second_started;
  gboolean    second_not_shared;
  int         second_code;
  char       *second_message;
  gboolean    lease_started;
  int         lease_code;
  char       *lease_message;
  GError     *error;         /* the check could not run */
  char       *cleanup_problem;
} LeaseData;

static void
lease_data_free (LeaseData *data)
{
  g_clear_object (&data->a);
  g_clear_object (&data->b);
  g_free (data->shared_dir);
  g_free (data->tag);
  g_free (data->path);
  g_free (data->second_message);
  g_free (data->lease_message);
  g_clear_error (&data->error);
  g_free (data->cleanup_problem);
  g_free (data);
}

static char *
lease_guest_xml (const char *name,
                 const char *path)
{
  g_autofree char *n = g_markup_escape_text (name, -1);
  g_autofree char *p = g_markup_escape_text (path, -1);

  /* Nothing to boot: the firmware waits, holding the disk open. TCG
   * ('qemu') works on every host; the guest lives for seconds. */
  return g_strdup_printf ("<domain type='qemu'>"
                          "<name>%s</name>"
                          "<memory unit='MiB'>32</memory>"
                          "<vcpu>1</vcpu>"
                          "<os><type>hvm</type></os>"
                          "<devices>"
                          "<disk type='file' device='disk'>"
                          "<driver name='qemu' type='raw'/>"
                          "<source file='%s'/>"
                          "<target dev='vda' bus='virtio'/>"
                          "</disk>"
                          "<memballoon model='none'/>"
                          "</devices>"
                          "</domain>", n, p);
}

/* A guest without disks holding the lease that libvirt's lockd takes for
 * @path (its file lockspace names a disk's lease after the SHA-256 of the
 * path). Its start asks the lock manager and nothing else. */
static char *
lease_only_guest_xml (const char *name,
                      const char *lockspace_dir,
                      const char *path)
{
  g_autofree char *key = g_compute_checksum_for_string (G_CHECKSUM_SHA256, path, -1);
  g_autofree char *parent = g_path_get_dirname (lockspace_dir);
  g_autofree char *base = g_path_get_basename (lockspace_dir);
  g_autofree char *n = g_markup_escape_text (name, -1);
  g_autofree char *p = g_markup_escape_text (parent, -1);
  g_autofree char *b = g_markup_escape_text (base, -1);

  return g_strdup_printf ("<domain type='qemu'>"
                          "<name>%s</name>"
                          "<memory unit='MiB'>32</memory>"
                          "<vcpu>1</vcpu>"
                          "<os><type>hvm</type></os>"
                          "<devices>"
                          "<lease><lockspace>%s</lockspace><key>%s</key><target path='%s'/></lease>"
                          "<memballoon model='none'/>"
                          "</devices>"
                          "</domain>", n, b, key, p);
}

static virDomainPtr
lookup_by_name (virConnectPtr conn,
                const char   *name)
{
  virDomainPtr domain = virDomainLookupByName (conn, name);

  virResetLastError ();
  return domain;
}

/* Records what it finds in the LeaseData; fails only when the node is
 * not connected (see lease_step_done). */
static void
lease_thread (GTask         *task,
              FerryNode     *node,
              virConnectPtr  conn,
              gpointer       task_data,
              GCancellable  *cancellable)
{
  LeaseData *data = task_data;
  g_autoptr(GError) error = NULL;

  switch (data->stage)
    {
    case LEASE_FIRST:
      {
        g_autofree char *vol_name = g_strdup_printf ("ferry-lease-check-%s.img", data->tag);
        g_autofree char *vol_xml = g_strdup_printf ("<volume><name>%s</name>"
                                                    "<capacity unit='MiB'>1</capacity>"
                                                    "<target><format type='raw'/></target>"
                                                    "</volume>", vol_name);
        g_autofree char *guest = g_strdup_printf ("ferry-lease-check-%s-a", data->tag);
        g_autofree char *xml = NULL;
        virStoragePoolPtr pool = ferry_libvirt_find_pool_by_dir (conn, data->shared_dir);
        virStorageVolPtr vol = NULL;
        virDomainPtr domain;
        char *path;

        if (pool == NULL)
          {
            g_set_error (&data->error, FERRY_HA_ERROR, FERRY_HA_ERROR_FAILED,
                         _("%s has no active storage pool at %s"), ferry_node_get_name (node),
                         data->shared_dir);
            break;
          }
        vol = virStorageVolCreateXML (pool, vol_xml, 0);
        virStoragePoolFree (pool);
        if (vol == NULL)
          {
            ferry_libvirt_set_error (&data->error, _("Could not create a test volume on %s"),
                                     ferry_node_get_name (node));
            break;
          }
        path = virStorageVolGetPath (vol);
        virStorageVolFree (vol);
        if (path == NULL)
          {
            ferry_libvirt_set_error (&data->error, _("Could not create a test volume on %s"),
                                     ferry_node_get_name (node));
            break;
          }
        data->path = g_strdup (path);
        free (path);

        /* AUTODESTROY: gone with our connection should Ferry stop here. */
        xml = lease_guest_xml (guest, data->path);
        domain = virDomainCreateXML (conn, xml, VIR_DOMAIN_START_AUTODESTROY);
        if (domain == NULL)
          {
            ferry_libvirt_set_error (&data->error, _("Could not start a test guest on %s"),
                                     ferry_node_get_name (node));
            break;
          }
        data->first_running = TRUE;
        virDomainFree (domain);
      }
      break;

    case LEASE_SECOND:
      {
        g_autofree char *guest = g_strdup_printf ("ferry-lease-check-%s-b", data->tag);
        g_autofree char *xml = lease_guest_xml (guest, data->path);
        virStorageVolPtr vol = ferry_libvirt_lookup_volume (conn, data->path);
        virDomainPtr domain;

        if (vol == NULL)
          {
            data->second_not_shared = TRUE;
            virResetLastError ();
            break;
          }
        virStorageVolFree (vol);
        domain = virDomainCreateXML (conn, xml, VIR_DOMAIN_START_AUTODESTROY);
        if (domain != NULL)
          {
            data->second_started = TRUE;
            /* Never leave the disk open twice a moment longer. */
            virDomainDestroy (domain);
            virDomainFree (domain);
          }
        else
          {
            virErrorPtr last = virGetLastError ();

            data->second_code = last ? last->code : 0;
            data->second_message = g_strdup (last && last->message ? last->message : "");
          }
        virResetLastError ();
      }
      break;

    case LEASE_ONLY:
      {
        g_autofree char *guest = g_strdup_printf ("ferry-lease-check-%s-c", data->tag);
        g_autofree char *lockspace = g_build_filename (data->shared_dir, FERRY_HA_LOCKSPACE_NAME, NULL);
        g_autofree char *xml = lease_only_guest_xml (guest, lockspace, data->path);
        virDomainPtr domain = virDomainCreateXML (conn, xml, VIR_DOMAIN_START_AUTODESTROY);

        if (domain != NULL)
          {
            data->lease_started = TRUE;
            virDomainDestroy (domain);
            virDomainFree (domain);
          }
        else
          {
            virErrorPtr last = virGetLastError ();

            data->lease_code = last ? last->code : 0;
            data->lease_message = g_strdup (last && last->message ? last->message : "");
          }
        virResetLastError ();
      }
      break;

    case LEASE_CLEANUP:
      {
        g_autofree char *guest = g_strdup_printf ("ferry-lease-check-%s-a", data->tag);
        virDomainPtr domain = lookup_by_name (conn, guest);

        if (domain != NULL)
          {
            if (virDomainDestroy (domain) < 0)
              ferry_libvirt_set_error (&error, NULL);
            virDomainFree (domain);
          }
        if (data->path != NULL)
          {
            virStorageVolPtr vol = ferry_libvirt_lookup_volume (conn, data->path);

            if (vol == NULL || virStorageVolDelete (vol, 0) < 0)
              if (error == NULL)
                ferry_libvirt_set_error (&error, NULL);
            if (vol != NULL)
              virStorageVolFree (vol);
          }
        if (error != NULL)
          data->cleanup_problem = g_strdup (error->message);
        virResetLastError ();
      }
      break;

    default:
      g_assert_not_reached ();
    }

  g_task_return_boolean (task, TRUE);
}

static void lease_step_done (GObject *object, GAsyncResult *result, gpointer user_data);

/* The current stage on @node. Its task has no cancellable (the stages
 * never looked at it): a check once begun runs to its cleanup, and a
 * cancel shows only in @outer's answer. */
static void
lease_run (FerryNode *node,
           GTask     *outer)
{
  g_autoptr(GTask) inner = g_task_new (node, NULL, lease_step_done, g_object_ref (outer));

  g_task_set_source_tag (inner, lease_run);
  g_task_set_task_data (inner, g_task_get_task_data (outer), NULL);
  _ferry_node_run_with_connection (node, inner, lease_thread);
}

static void
lease_finish (GTask *outer)
{
  LeaseData *data = g_task_get_task_data (outer);
  g_autofree char *explanation = NULL;
  const char *a = ferry_node_get_name (data->a);
  const char *b = ferry_node_get_name (data->b);
  gboolean ok = FALSE;

  if (data->cleanup_problem != NULL)
    g_warning ("Lease check: could not clean up on %s: %s", a, data->cleanup_problem);

  if (data->error != NULL)
    {
      g_task_return_error (outer, g_steal_pointer (&data->error));
      return;
    }

  if (data->second_not_shared)
    explanation = g_strdup_printf (_("%s does not see the test volume %s: %s is not shared with it"),
                                   b, data->path, data->shared_dir);
  else if (data->second_started)
    explanation = g_strdup_printf (_("%s started a second guest on the disk that a guest on %s was using: "
                                     "nothing prevents a VM from running twice"), b, a);
  else
    {
      g_autofree char *disk = NULL;
      g_autofree char *lease = NULL;
      FerryHaRefusal by = ferry_ha_classify_refusal (data->second_code, data->second_message);

      /* The same disk: QEMU opens its images before libvirt takes the
       * leases (when the CPUs start), so where QEMU's own image locking
       * works it refuses first and the lock manager is never asked. */
      if (by == FERRY_HA_REFUSED_BY_LEASE)
        disk = g_strdup_printf (_("A second start of the disk on %s was refused by libvirt’s lock manager (%s)."),
                                b, data->second_message);
      else if (by == FERRY_HA_REFUSED_BY_QEMU)
        disk = g_strdup_printf (_("A second start of the disk on %s was refused by QEMU’s own image locking "
                                  "(%s), which does not protect a disk across hosts on every shared file "
                                  "system."), b, data->second_message);
      else
        disk = g_strdup_printf (_("A second start of the disk on %s failed, but not because the disk is in "
                                  "use: %s."), b, data->second_message);

      /* The lease itself, asked for without the disk. */
      if (data->lease_started)
        lease = g_strdup_printf (_("A guest on %s holding the disk’s lease started: %s does not enforce "
                                   "leases (no lock manager, or a lockspace other than %s/%s)."),
                                 b, b, data->shared_dir, FERRY_HA_LOCKSPACE_NAME);
      else if (ferry_ha_classify_refusal (data->lease_code, data->lease_message) == FERRY_HA_REFUSED_BY_LEASE)
        {
          ok = TRUE;
          lease = g_strdup_printf (_("The disk’s lease, held on %s, was refused on %s by libvirt’s lock "
                                     "manager (%s): leases make a second start impossible."),
                                   a, b, data->lease_message);
        }
      else
        lease = g_strdup_printf (_("The disk’s lease could not be checked on %s: %s (Ferry expects the lock "
                                   "manager’s lockspace at %s/%s)."),
                                 b, data->lease_message, data->shared_dir, FERRY_HA_LOCKSPACE_NAME);
      explanation = g_strdup_printf ("%s %s", disk, lease);
    }

  g_task_set_task_data (outer, g_steal_pointer (&explanation), g_free);
  g_task_return_boolean (outer, ok);
}

static void
lease_next (GTask *outer)
{
  LeaseData *data = g_task_get_task_data (outer);

  switch (data->stage)
    {
    case LEASE_FIRST:
      if (data->error != NULL || !data->first_running)
        {
          data->stage = LEASE_CLEANUP;
          if (data->path != NULL)
            {
              lease_run (data->a, outer);
              return;
            }
          lease_finish (outer);
          return;
        }
      data->stage = LEASE_SECOND;
      lease_run (data->b, outer);
      return;
    case LEASE_SECOND:
      data->stage = data->second_not_shared || data->second_started ? LEASE_CLEANUP : LEASE_ONLY;
      lease_run (data->stage == LEASE_ONLY ? data->b : data->a, outer);
      return;
    case LEASE_ONLY:
      data->stage = LEASE_CLEANUP;
      lease_run (data->a, outer);
      return;
    case LEASE_CLEANUP:
    default:
      lease_finish (outer);
      return;
    }
}

static void
lease_step_done (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) outer = user_data;
  LeaseData *data = g_task_get_task_data (outer);
  g_autoptr(GError) error = NULL;

  /* Not connected: the check could not run (or not clean up). */
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (data->stage == LEASE_CLEANUP)
        data->cleanup_problem = g_strdup (error->message);
      else
        data->error = g_steal_pointer (&error);
    }
  lease_next (outer);
}

void
ferry_ha_verify_leases_async (GPtrArray           *nodes,
                              const char          *shared_dir,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  LeaseData *data;
  guint8 bytes[4];

  g_return_if_fail (nodes != NULL);
  g_return_if_fail (shared_dir != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ferry_ha_verify_leases_async);

  if (nodes->len < 2)
    {
      g_task_return_new_error (task, FERRY_HA_ERROR, FERRY_HA_ERROR_NO_PEERS,
                               _("Checking leases needs two hosts"));
      return;
    }
  for (guint i = 0; i < 2; i++)
    if (ferry_node_get_state (g_ptr_array_index (nodes, i)) != FERRY_NODE_STATE_CONNECTED)
      {
        g_task_return_new_error (task, FERRY_LIBVIRT_ERROR, FERRY_LIBVIRT_ERROR_NOT_CONNECTED,
                                 _("%s is not connected"),
                                 ferry_node_get_name (g_ptr_array_index (nodes, i)));
        return;
      }

  data = g_new0 (LeaseData, 1);
  data->a = g_object_ref (g_ptr_array_index (nodes, 0));
  data->b = g_object_ref (g_ptr_array_index (nodes, 1));
  data->shared_dir = g_strdup (shared_dir);
  for (guint i = 0; i < G_N_ELEMENTS (bytes); i++)
    bytes[i] = g_random_int_range (0, 256);
  data->tag = g_strdup_printf ("%02x%02x%02x%02x", bytes[0], bytes[1], bytes[2], bytes[3]);
  data->stage = LEASE_FIRST;
  g_task_set_task_data (task, data, (GDestroyNotify) lease_data_free);
  lease_run (data->a, task);
}

gboolean
ferry_ha_verify_leases_finish (GAsyncResult  *result,
                               char         **explanation,
                               GError       **error)
{
  GError *local_error = NULL;
  gboolean ok;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  ok = g_task_propagate_boolean (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  if (explanation != NULL)
    *explanation = g_strdup (g_task_get_task_data (G_TASK (result)));
  return ok;
}
