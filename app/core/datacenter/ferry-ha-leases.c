/* ferry-ha-leases.c — proving that libvirt's lock manager refuses a second
 * start of the same disk, across hosts
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
#include "ferry-domain-xml-edit.h"
#include "ferry-ha.h"
#include "ferry-host-xml.h"
#include "ferry-libvirt.h"
#include "ferry-node-private.h"

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

  return ferry_domain_xml_new_lease_holder (name, base, key, parent);
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
        g_autofree char *vol_xml = ferry_volume_xml_new (vol_name, 1024 * 1024, 1024 * 1024, "raw");
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
        xml = ferry_domain_xml_new_disk_holder (guest, data->path);
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
        g_autofree char *xml = ferry_domain_xml_new_disk_holder (guest, data->path);
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
