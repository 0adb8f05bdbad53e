/* ferry-ha-flag.c — the per-VM "highly available" flag: reading it from a
 * definition, and setting it once every disk is shared
 *
 * Threads: every libvirt call runs on the worker of the node it talks to
 * (one call at a time per connection, see ferry-node.c). A job that needs
 * several nodes hops from worker to worker through the main thread, or
 * asks them all at once (ferry-fanout.h) where the order does not matter.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
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
  run_step (data->owner, outer, write_flag_thread, _ferry_task_forward_boolean);
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
    run_step (owner, task, write_flag_thread, _ferry_task_forward_boolean);
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
