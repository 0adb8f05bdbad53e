/* ferry-vm.c — one virtual machine, identified by its UUID across nodes
 *
 * A VM is one object for its whole life in the inventory, even while it
 * moves between nodes: each node that reports the domain is a "sighting",
 * and the VM shows the sighting of its owner. Ownership is sticky: it moves
 * only when another node has a better claim (the domain is active there
 * and not on the owner, or the owner no longer has it at all). So during a
 * live migration the VM stays on the source until the source lets go, then
 * appears on the destination — never twice, never missing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */


#include "config.h"

#include <glib/gi18n-lib.h>
#include <libvirt/virterror.h>

#include "ferry-core.h"
#include "ferry-domain-xml.h"
#include "ferry-libvirt.h"
#include "ferry-node-private.h"
#include "ferry-vm-private.h"

struct _FerryVm
{
  GObject       parent_instance;

  char         *uuid;
  char         *name;
  FerryVmState  state;
  int           reason;
  char         *state_text;
  guint         vcpus;
  guint64       memory;
  guint64       max_memory;
  gboolean      persistent;
  FerryNode    *node;           /* weak */
  FerryMetrics *metrics;
  GObject      *migration;      /* weak: the FerryMigration under way */
  gint64        migrated_at;    /* monotonic time a migration last started or ended */
  char         *activity;

  GHashTable   *sightings;      /* FerryNode* (borrowed) → FerryVmInfo* */
};

enum {
  PROP_0,
  PROP_UUID,
  PROP_NAME,
  PROP_STATE,
  PROP_STATE_TEXT,
  PROP_VCPUS,
  PROP_MEMORY,
  PROP_MAX_MEMORY,
  PROP_PERSISTENT,
  PROP_NODE,
  PROP_METRICS,
  PROP_MIGRATION,
  PROP_ACTIVITY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (FerryVm, ferry_vm, G_TYPE_OBJECT)

FerryVm *
_ferry_vm_new (const char *uuid)
{
  return g_object_new (FERRY_TYPE_VM, "uuid", uuid, NULL);
}

void
_ferry_vm_set_sighting (FerryVm           *self,
                        FerryNode         *node,
                        const FerryVmInfo *info)
{
  if (info == NULL || info->gone)
    {
      g_hash_table_remove (self->sightings, node);
      return;
    }

  /* reason == -1: an event told us only the new state. */
  if (info->reason == -1)
    {
      FerryVmInfo *known = g_hash_table_lookup (self->sightings, node);

      if (known != NULL)
        {
          known->state = info->state;
          known->reason = 0;    /* the refresh that follows tells why */
        }
      return;
    }

  g_hash_table_replace (self->sightings, node, ferry_vm_info_copy (info));
}

gboolean
_ferry_vm_has_sightings (FerryVm *self)
{
  return g_hash_table_size (self->sightings) > 0;
}

gboolean
_ferry_vm_sighted_on (FerryVm   *self,
                      FerryNode *node)
{
  return g_hash_table_contains (self->sightings, node);
}

void
_ferry_vm_forget_node (FerryVm   *self,
                       FerryNode *node)
{
  g_hash_table_remove (self->sightings, node);
}

static int
claim (FerryNode         *node,
       const FerryVmInfo *info)
{
  if (ferry_node_get_state (node) != FERRY_NODE_STATE_CONNECTED)
    return 1;
  if (ferry_vm_state_is_active (info->state))
    return 3;
  return 2;
}

static void
update_state_text (FerryVm *self)
{
  const char *state = ferry_vm_state_to_string (self->state);
  const char *reason = ferry_vm_state_reason_to_string (self->state, self->reason);
  g_autofree char *text = NULL;

  if (self->state == FERRY_VM_STATE_UNKNOWN && self->node != NULL)
    text = g_strdup_printf (_("Unknown (%s is not connected)"), ferry_node_get_name (self->node));
  else if (reason != NULL)
    /* Translators: a VM state and why, e.g. "Shut off (forced off)" */
    text = g_strdup_printf (_("%s (%s)"), state, reason);
  else
    text = g_strdup (state);

  if (g_strcmp0 (text, self->state_text) != 0)
    {
      g_free (self->state_text);
      self->state_text = g_steal_pointer (&text);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE_TEXT]);
    }
}

FerryNode *
_ferry_vm_resolve (FerryVm *self)
{
  GHashTableIter iter;
  gpointer key, value;
  FerryNode *owner = NULL;
  const FerryVmInfo *info = NULL;
  int best = 0;
  FerryVmState state;

  if (self->node != NULL && (info = g_hash_table_lookup (self->sightings, self->node)) != NULL)
    {
      owner = self->node;
      best = claim (owner, info);
    }

  g_hash_table_iter_init (&iter, self->sightings);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      int c = claim (key, value);

      if (c > best)
        {
          owner = key;
          info = value;
          best = c;
        }
    }

  g_object_freeze_notify (G_OBJECT (self));

  if (owner != self->node)
    {
      g_set_weak_pointer (&self->node, owner);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NODE]);
    }

  if (info != NULL)
    {
      if (info->name != NULL && g_strcmp0 (info->name, self->name) != 0)
        {
          g_free (self->name);
          self->name = g_strdup (info->name);
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
        }
      if (self->vcpus != info->vcpus)
        {
          self->vcpus = info->vcpus;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VCPUS]);
        }
      if (self->memory != info->memory)
        {
          self->memory = info->memory;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MEMORY]);
        }
      if (self->max_memory != info->max_memory)
        {
          self->max_memory = info->max_memory;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_MEMORY]);
        }
      if (self->persistent != info->persistent)
        {
          self->persistent = info->persistent;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PERSISTENT]);
        }

      state = ferry_node_get_state (owner) == FERRY_NODE_STATE_CONNECTED ? info->state
                                                                       : FERRY_VM_STATE_UNKNOWN;
      self->reason = info->reason;
      if (self->state != state)
        {
          self->state = state;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
        }
      update_state_text (self);
    }

  g_object_thaw_notify (G_OBJECT (self));

  return owner;
}

const char *
ferry_vm_get_uuid (FerryVm *self)
{
  g_return_val_if_fail (FERRY_IS_VM (self), NULL);
  return self->uuid;
}

const char *
ferry_vm_get_name (FerryVm *self)
{
  g_return_val_if_fail (FERRY_IS_VM (self), NULL);
  return self->name ? self->name : self->uuid;
}

FerryVmState
ferry_vm_get_state (FerryVm *self)
{
  g_return_val_if_fail (FERRY_IS_VM (self), FERRY_VM_STATE_UNKNOWN);
  return self->state;
}

const char *
ferry_vm_get_state_text (FerryVm *self)
{
  g_return_val_if_fail (FERRY_IS_VM (self), NULL);
  return self->state_text ? self->state_text : ferry_vm_state_to_string (self->state);
}

guint
ferry_vm_get_vcpus (FerryVm *self)
{
  g_return_val_if_fail (FERRY_IS_VM (self), 0);
  return self->vcpus;
}

guint64
ferry_vm_get_memory (FerryVm *self)
{
  g_return_val_if_fail (FERRY_IS_VM (self), 0);
  return self->memory;
}

guint64
ferry_vm_get_max_memory (FerryVm *self)
{
  g_return_val_if_fail (FERRY_IS_VM (self), 0);
  return self->max_memory;
}

gboolean
ferry_vm_get_persistent (FerryVm *self)
{
  g_return_val_if_fail (FERRY_IS_VM (self), FALSE);
  return self->persistent;
}

FerryNode *
ferry_vm_get_node (FerryVm *self)
{
  g_return_val_if_fail (FERRY_IS_VM (self), NULL);
  return self->node;
}

FerryMetrics *
ferry_vm_get_metrics (FerryVm *self)
{
  g_return_val_if_fail (FERRY_IS_VM (self), NULL);
  return self->metrics;
}

gboolean
ferry_vm_can_run_op (FerryVm   *self,
                     FerryVmOp  op)
{
  g_return_val_if_fail (FERRY_IS_VM (self), FALSE);

  if (self->node == NULL || ferry_node_get_state (self->node) != FERRY_NODE_STATE_CONNECTED)
    return FALSE;

  switch (op)
    {
    case FERRY_VM_OP_START:
      return self->state == FERRY_VM_STATE_SHUT_OFF || self->state == FERRY_VM_STATE_CRASHED;
    case FERRY_VM_OP_SHUTDOWN:
    case FERRY_VM_OP_REBOOT:
      return self->state == FERRY_VM_STATE_RUNNING || self->state == FERRY_VM_STATE_BLOCKED;
    case FERRY_VM_OP_FORCE_OFF:
      return ferry_vm_state_is_active (self->state) || self->state == FERRY_VM_STATE_CRASHED;
    case FERRY_VM_OP_PAUSE:
      return self->state == FERRY_VM_STATE_RUNNING || self->state == FERRY_VM_STATE_BLOCKED;
    case FERRY_VM_OP_RESUME:
      return self->state == FERRY_VM_STATE_PAUSED;
    case FERRY_VM_OP_DELETE:
    case FERRY_VM_OP_DELETE_WITH_STORAGE:
      return TRUE;
    default:
      return FALSE;
    }
}

/* ---------------------------------------------------------------------- */
/* Lifecycle operations                                                    */

typedef struct
{
  FerryVmOp  op;
  char      *uuid;
  char      *name;
  FerryNode *node;
} OpData;

static void
op_data_free (OpData *data)
{
  g_free (data->uuid);
  g_free (data->name);
  g_clear_object (&data->node);
  g_free (data);
}

/* Deleting storage: the disks (not CD-ROMs: ISOs are shared) whose files
 * are volumes of a storage pool on that node. */
static gboolean
delete_domain (virConnectPtr   conn,
               virDomainPtr    domain,
               gboolean        with_storage,
               const char     *name,
               GError        **error)
{
  g_auto(GStrv) paths = NULL;
  g_autoptr(GString) failed = NULL;
  int state = VIR_DOMAIN_NOSTATE;

  if (with_storage)
    {
      char *xml = virDomainGetXMLDesc (domain, VIR_DOMAIN_XML_INACTIVE);
      g_autoptr(FerryDomainXml) dom = NULL;

      if (xml == NULL)
        {
          ferry_libvirt_set_error (error, _("Could not read the configuration of “%s”"), name);
          return FALSE;
        }
      dom = ferry_domain_xml_new (xml, error);
      free (xml);
      /* Not deleted at all rather than deleted without the disks asked for. */
      if (dom == NULL)
        return FALSE;
      paths = ferry_domain_xml_dup_disk_paths (dom, FERRY_DISK_HARD_DISKS | FERRY_DISK_FILES);
    }

  if (virDomainGetState (domain, &state, NULL, 0) == 0 &&
      state != VIR_DOMAIN_SHUTOFF && state != VIR_DOMAIN_NOSTATE &&
      virDomainDestroy (domain) < 0)
    {
      ferry_libvirt_set_error (error, _("Could not stop “%s”"), name);
      return FALSE;
    }

  if (virDomainIsPersistent (domain) == 1)
    {
      /* Drivers that know no NVRAM or checkpoints refuse those flags. */
      static const unsigned int flag_sets[] = {
        VIR_DOMAIN_UNDEFINE_MANAGED_SAVE | VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA |
        VIR_DOMAIN_UNDEFINE_CHECKPOINTS_METADATA | VIR_DOMAIN_UNDEFINE_NVRAM,
        VIR_DOMAIN_UNDEFINE_MANAGED_SAVE | VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA,
        0,
      };
      int ret = -1;

      for (guint i = 0; i < G_N_ELEMENTS (flag_sets) && ret < 0; i++)
        {
          virErrorPtr last;

          ret = virDomainUndefineFlags (domain, flag_sets[i]);
          last = virGetLastError ();
          if (ret < 0 && (last == NULL || (last->code != VIR_ERR_INVALID_ARG &&
                                           last->code != VIR_ERR_NO_SUPPORT)))
            break;
        }
      if (ret < 0)
        {
          ferry_libvirt_set_error (error, _("Could not delete “%s”"), name);
          return FALSE;
        }
    }

  for (guint i = 0; paths != NULL && paths[i] != NULL; i++)
    {
      virStorageVolPtr vol = ferry_libvirt_lookup_volume (conn, paths[i]);

      if (vol == NULL || virStorageVolDelete (vol, 0) < 0)
        {
          virErrorPtr last = virGetLastError ();

          if (failed == NULL)
            failed = g_string_new (NULL);
          g_string_append_printf (failed, "\n%s: %s", paths[i],
                                  last && last->message ? last->message : _("not a storage volume"));
          virResetLastError ();
        }
      if (vol != NULL)
        virStorageVolFree (vol);
    }

  if (failed != NULL)
    {
      g_set_error (error, FERRY_LIBVIRT_ERROR, FERRY_LIBVIRT_ERROR_PARTIAL,
                   _("“%s” was deleted, but some of its disks were not:%s"), name, failed->str);
      return FALSE;
    }
  return TRUE;
}

static void
op_thread (GTask        *task,
           gpointer      source_object,
           gpointer      task_data,
           GCancellable *cancellable)
{
  OpData *data = task_data;
  g_autoptr(GError) error = NULL;
  virConnectPtr conn;
  virDomainPtr domain;
  int ret = 0;

  domain = _ferry_node_lookup_domain (data->node, data->uuid, data->name, &conn, &error);
  if (domain == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  switch (data->op)
    {
    case FERRY_VM_OP_START:     ret = virDomainCreate (domain); break;
    case FERRY_VM_OP_SHUTDOWN:  ret = virDomainShutdown (domain); break;
    case FERRY_VM_OP_REBOOT:    ret = virDomainReboot (domain, 0); break;
    case FERRY_VM_OP_FORCE_OFF: ret = virDomainDestroy (domain); break;
    case FERRY_VM_OP_PAUSE:     ret = virDomainSuspend (domain); break;
    case FERRY_VM_OP_RESUME:    ret = virDomainResume (domain); break;
    case FERRY_VM_OP_DELETE:
    case FERRY_VM_OP_DELETE_WITH_STORAGE:
      ret = delete_domain (conn, domain, data->op == FERRY_VM_OP_DELETE_WITH_STORAGE,
                           data->name, &error) ? 0 : -1;
      break;
    default:
      g_assert_not_reached ();
    }

  if (ret < 0 && error == NULL)
    /* Translators: "Could not <operation> “<vm name>”", e.g. "Could not Start “web”" */
    ferry_libvirt_set_error (&error, _("%s “%s” failed"),
                             ferry_vm_op_to_string (data->op), data->name);

  virDomainFree (domain);
  virConnectClose (conn);

  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

void
ferry_vm_run_op_async (FerryVm             *self,
                       FerryVmOp            op,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  OpData *data;

  g_return_if_fail (FERRY_IS_VM (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ferry_vm_run_op_async);

  if (self->node == NULL)
    {
      g_task_return_new_error (task, FERRY_LIBVIRT_ERROR, FERRY_LIBVIRT_ERROR_NOT_CONNECTED,
                               _("“%s” is not on any connected node"), ferry_vm_get_name (self));
      return;
    }

  data = g_new0 (OpData, 1);
  data->op = op;
  data->uuid = g_strdup (self->uuid);
  data->name = g_strdup (ferry_vm_get_name (self));
  data->node = g_object_ref (self->node);
  g_task_set_task_data (task, data, (GDestroyNotify) op_data_free);
  _ferry_node_run_in_worker (self->node, task, op_thread);
}

gboolean
ferry_vm_run_op_finish (FerryVm       *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  GTask *task = G_TASK (result);
  OpData *data;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  /* Whatever happened, look again: events may not cover every driver. */
  data = g_task_get_task_data (task);
  if (data != NULL)
    _ferry_node_refresh_domain (data->node, data->uuid);

  return g_task_propagate_boolean (task, error);
}

#define MIGRATION_GRACE_US (30 * G_USEC_PER_SEC)

void
_ferry_vm_note_migration (FerryVm *self)
{
  g_return_if_fail (FERRY_IS_VM (self));
  self->migrated_at = g_get_monotonic_time ();
}

gboolean
_ferry_vm_recently_migrated (FerryVm *self)
{
  g_return_val_if_fail (FERRY_IS_VM (self), FALSE);
  return self->migration != NULL ||
         (self->migrated_at != 0 && g_get_monotonic_time () - self->migrated_at < MIGRATION_GRACE_US);
}

gpointer
ferry_vm_get_migration (FerryVm *self)
{
  g_return_val_if_fail (FERRY_IS_VM (self), NULL);
  return self->migration;
}

const char *
ferry_vm_get_activity (FerryVm *self)
{
  g_return_val_if_fail (FERRY_IS_VM (self), NULL);
  return self->activity;
}

void
_ferry_vm_set_activity (FerryVm    *self,
                        GObject    *migration,
                        const char *activity)
{
  g_return_if_fail (FERRY_IS_VM (self));

  if (self->migration != migration)
    {
      g_clear_weak_pointer (&self->migration);
      g_set_weak_pointer (&self->migration, migration);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MIGRATION]);
    }
  if (g_strcmp0 (self->activity, activity) != 0)
    {
      g_free (self->activity);
      self->activity = g_strdup (activity);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIVITY]);
    }
}

/* ---------------------------------------------------------------------- */
/* Dirty-rate measurement                                                  */

typedef struct
{
  char      *uuid;
  char      *name;
  FerryNode *node;
  int        seconds;
} DirtyRateData;

static void
dirty_rate_data_free (DirtyRateData *data)
{
  g_free (data->uuid);
  g_free (data->name);
  g_clear_object (&data->node);
  g_free (data);
}

static void
dirty_rate_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  DirtyRateData *data = task_data;
  g_autoptr(GError) error = NULL;
  virConnectPtr conn;
  virDomainPtr domain = NULL;
  double rate = -1;
  gint64 deadline;

  /* It takes seconds: a connection of its own, not the node's worker. */
  conn = _ferry_node_open_private_connection (data->node, &error);
  if (conn == NULL)
    goto out;
  domain = virDomainLookupByUUIDString (conn, data->uuid);
  if (domain == NULL)
    {
      ferry_libvirt_set_error (&error, _("“%s” was not found"), data->name);
      goto out;
    }
  /* Page sampling (flags 0): the dirty-bitmap mode crashes TCG guests. */
  if (virDomainStartDirtyRateCalc (domain, data->seconds, 0) < 0)
    {
      ferry_libvirt_set_error (&error, _("Could not measure how fast “%s” writes its memory"), data->name);
      goto out;
    }

  deadline = g_get_monotonic_time () + (data->seconds + 10) * G_USEC_PER_SEC;
  while (rate < 0 && g_get_monotonic_time () < deadline)
    {
      virDomainPtr doms[] = { domain, NULL };
      virDomainStatsRecordPtr *records = NULL;
      int status = -1;
      long long mib = -1;

      if (g_cancellable_set_error_if_cancelled (cancellable, &error))
        goto out;
      g_usleep (data->seconds * G_USEC_PER_SEC / 4 + 100 * 1000);
      if (virDomainListGetStats (doms, VIR_DOMAIN_STATS_DIRTYRATE, &records, 0) > 0)
        {
          virTypedParamsGetInt (records[0]->params, records[0]->nparams, "dirtyrate.calc_status", &status);
          virTypedParamsGetLLong (records[0]->params, records[0]->nparams,
                                  "dirtyrate.megabytes_per_second", &mib);
          /* 2: VIR_DOMAIN_DIRTYRATE_MEASURED */
          if (status == 2 && mib >= 0)
            rate = (double) mib * 1024.0 * 1024.0;
        }
      virDomainStatsRecordListFree (records);
    }
  if (rate < 0)
    g_set_error (&error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                 _("The dirty-rate measurement of “%s” did not finish"), data->name);

out:
  if (domain != NULL)
    virDomainFree (domain);
  if (conn != NULL)
    virConnectClose (conn);
  virResetLastError ();
  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, g_memdup2 (&rate, sizeof rate), g_free);
}

void
ferry_vm_measure_dirty_rate_async (FerryVm             *self,
                                   int                  seconds,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  DirtyRateData *data;

  g_return_if_fail (FERRY_IS_VM (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ferry_vm_measure_dirty_rate_async);
  if (self->node == NULL || !ferry_vm_state_is_active (self->state))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("“%s” is not running"), ferry_vm_get_name (self));
      return;
    }
  data = g_new0 (DirtyRateData, 1);
  data->uuid = g_strdup (self->uuid);
  data->name = g_strdup (ferry_vm_get_name (self));
  data->node = g_object_ref (self->node);
  data->seconds = CLAMP (seconds, 1, 60);
  g_task_set_task_data (task, data, (GDestroyNotify) dirty_rate_data_free);
  g_task_run_in_thread (task, dirty_rate_thread);
}

double
ferry_vm_measure_dirty_rate_finish (FerryVm       *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_autofree double *rate = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), -1);
  rate = g_task_propagate_pointer (G_TASK (result), error);
  return rate != NULL ? *rate : -1;
}

/* ---------------------------------------------------------------------- */

static void
ferry_vm_finalize (GObject *object)
{
  FerryVm *self = FERRY_VM (object);

  g_clear_weak_pointer (&self->node);
  g_clear_weak_pointer (&self->migration);
  g_free (self->activity);
  g_clear_object (&self->metrics);
  g_clear_pointer (&self->sightings, g_hash_table_unref);
  g_free (self->uuid);
  g_free (self->name);
  g_free (self->state_text);

  G_OBJECT_CLASS (ferry_vm_parent_class)->finalize (object);
}

static void
ferry_vm_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  FerryVm *self = FERRY_VM (object);

  switch (prop_id)
    {
    case PROP_UUID:       g_value_set_string (value, self->uuid); break;
    case PROP_NAME:       g_value_set_string (value, ferry_vm_get_name (self)); break;
    case PROP_STATE:      g_value_set_int (value, self->state); break;
    case PROP_STATE_TEXT: g_value_set_string (value, ferry_vm_get_state_text (self)); break;
    case PROP_VCPUS:      g_value_set_uint (value, self->vcpus); break;
    case PROP_MEMORY:     g_value_set_uint64 (value, self->memory); break;
    case PROP_MAX_MEMORY: g_value_set_uint64 (value, self->max_memory); break;
    case PROP_PERSISTENT: g_value_set_boolean (value, self->persistent); break;
    case PROP_NODE:       g_value_set_object (value, self->node); break;
    case PROP_METRICS:    g_value_set_object (value, self->metrics); break;
    case PROP_MIGRATION:  g_value_set_object (value, self->migration); break;
    case PROP_ACTIVITY:   g_value_set_string (value, self->activity); break;
    default:              G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_vm_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  FerryVm *self = FERRY_VM (object);

  switch (prop_id)
    {
    case PROP_UUID: self->uuid = g_value_dup_string (value); break;
    default:        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_vm_class_init (FerryVmClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = ferry_vm_finalize;
  object_class->get_property = ferry_vm_get_property;
  object_class->set_property = ferry_vm_set_property;

  properties[PROP_UUID] =
    g_param_spec_string ("uuid", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, ro);
  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL, FERRY_VM_STATE_UNKNOWN, FERRY_VM_STATE_SUSPENDED,
                      FERRY_VM_STATE_UNKNOWN, ro);
  properties[PROP_STATE_TEXT] = g_param_spec_string ("state-text", NULL, NULL, NULL, ro);
  properties[PROP_VCPUS] = g_param_spec_uint ("vcpus", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_MEMORY] = g_param_spec_uint64 ("memory", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_MAX_MEMORY] = g_param_spec_uint64 ("max-memory", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_PERSISTENT] = g_param_spec_boolean ("persistent", NULL, NULL, FALSE, ro);
  properties[PROP_NODE] = g_param_spec_object ("node", NULL, NULL, FERRY_TYPE_NODE, ro);
  properties[PROP_METRICS] =
    g_param_spec_object ("metrics", NULL, NULL, FERRY_TYPE_METRICS,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /* The FerryMigration queued or running for this VM, or NULL. */
  properties[PROP_MIGRATION] =
    g_param_spec_object ("migration", NULL, NULL, G_TYPE_OBJECT,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* What is being done to it ("Migrating to node2: 45 %"), or NULL. */
  properties[PROP_ACTIVITY] =
    g_param_spec_string ("activity", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ferry_vm_init (FerryVm *self)
{
  self->sightings = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) ferry_vm_info_free);
  self->metrics = ferry_metrics_new ();
}
