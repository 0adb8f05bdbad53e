/* ferry-ha-stale.c — definitions left on a host that came back after its
 * highly available VMs were recovered elsewhere
 *
 * Stale definitions on a returning host are only ever undefined, never
 * started, and only after the caller asks (the UI asks the user).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libvirt/virterror.h>

#include "ferry-core.h"
#include "ferry-ha.h"
#include "ferry-ha-manager-private.h"
#include "ferry-libvirt.h"
#include "ferry-maintenance-private.h"
#include "ferry-node-private.h"
#include "ferry-placement.h"
#include "ferry-vm-private.h"


/* ---------------------------------------------------------------------- */
/* Stale definitions on a node that came back                              */

void
_ferry_ha_manager_find_stale (FerryHaManager *self,
                              FerryNode      *node)
{
  g_autoptr(GPtrArray) sighted = _ferry_ha_manager_vms_sighted_on (self, node);
  GPtrArray *stale = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < sighted->len; i++)
    {
      FerryVm *vm = g_ptr_array_index (sighted, i);
      const char *uuid = ferry_vm_get_uuid (vm);
      const char *from = g_hash_table_lookup (self->recovered, uuid);
      FerryNode *owner = ferry_vm_get_node (vm);
      gboolean recovered_from_here = g_strcmp0 (from, ferry_node_get_id (node)) == 0;

      if (owner == NULL || owner == node ||
          ferry_node_get_state (owner) != FERRY_NODE_STATE_CONNECTED)
        continue;
      /* Recovered from here by us; or (Ferry restarted since) an HA VM
       * running on another host. */
      if (recovered_from_here ||
          (g_hash_table_contains (self->ha, uuid) && ferry_vm_state_is_active (ferry_vm_get_state (vm))))
        g_ptr_array_add (stale, g_object_ref (vm));
    }

  if (stale->len == 0 && !g_hash_table_contains (self->stale, node))
    {
      g_ptr_array_unref (stale);
      return;
    }
  if (stale->len == 0)
    {
      g_ptr_array_unref (stale);
      g_hash_table_remove (self->stale, node);
    }
  else
    g_hash_table_replace (self->stale, node, stale);
  _ferry_ha_manager_emit_stale_changed (self, node);
}

GPtrArray *
ferry_ha_manager_get_stale (FerryHaManager *self,
                            FerryNode      *node)
{
  GPtrArray *stale;

  g_return_val_if_fail (FERRY_IS_HA_MANAGER (self), NULL);

  stale = g_hash_table_lookup (self->stale, node);
  return stale ? g_ptr_array_ref (stale) : g_ptr_array_new_with_free_func (g_object_unref);
}

typedef struct
{
  GPtrArray *uuids;      /* char* */
  GPtrArray *names;      /* char* */
  guint      removed;
  GString   *problems;
} StaleData;

static void
stale_data_free (StaleData *data)
{
  g_ptr_array_unref (data->uuids);
  g_ptr_array_unref (data->names);
  g_string_free (data->problems, TRUE);
  g_free (data);
}

static void
remove_stale_thread (GTask         *task,
                     FerryNode     *node,
                     virConnectPtr  conn,
                     gpointer       task_data,
                     GCancellable  *cancellable)
{
  StaleData *data = task_data;

  for (guint i = 0; i < data->uuids->len; i++)
    {
      const char *name = g_ptr_array_index (data->names, i);
      virDomainPtr domain = virDomainLookupByUUIDString (conn, g_ptr_array_index (data->uuids, i));
      static const unsigned int flag_sets[] = {
        VIR_DOMAIN_UNDEFINE_MANAGED_SAVE | VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA |
        VIR_DOMAIN_UNDEFINE_CHECKPOINTS_METADATA | VIR_DOMAIN_UNDEFINE_KEEP_NVRAM,
        VIR_DOMAIN_UNDEFINE_MANAGED_SAVE | VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA,
        0,
      };
      gboolean done = FALSE;

      if (domain == NULL)
        continue;
      if (virDomainIsActive (domain) == 1)
        {
          /* Never stop it here: it may be the copy that writes the disk. */
          g_string_append_printf (data->problems, "%s%s", data->problems->len ? "\n" : "",
                                  name);
          g_string_append_printf (data->problems, _(": it runs on %s too — both copies use the same disk"),
                                  ferry_node_get_name (node));
          virDomainFree (domain);
          continue;
        }
      for (guint f = 0; f < G_N_ELEMENTS (flag_sets) && !done; f++)
        done = virDomainUndefineFlags (domain, flag_sets[f]) == 0;
      if (done)
        data->removed++;
      else
        {
          virErrorPtr last = virGetLastError ();

          g_string_append_printf (data->problems, "%s%s: %s", data->problems->len ? "\n" : "", name,
                                  last && last->message ? last->message : _("unknown error"));
        }
      virDomainFree (domain);
    }
  virResetLastError ();
  g_task_return_boolean (task, TRUE);
}

static void
remove_stale_done (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FerryHaManager *self = g_task_get_source_object (task);
  FerryNode *node = FERRY_NODE (object);
  StaleData *data = g_task_get_task_data (G_TASK (result));
  FerryTask *log_task = g_object_get_data (G_OBJECT (task), "log-task");
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (log_task != NULL)
        ferry_task_fail (log_task, error);
      g_task_return_error (task, error);
      return;
    }

  for (guint i = 0; i < data->uuids->len; i++)
    {
      const char *uuid = g_ptr_array_index (data->uuids, i);

      _ferry_node_refresh_domain (node, uuid);
      g_hash_table_remove (self->recovered, uuid);
    }
  _ferry_ha_manager_find_stale (self, node);

  if (data->problems->len > 0)
    {
      error = g_error_new (FERRY_HA_ERROR, FERRY_HA_ERROR_RUNNING, "%s", data->problems->str);
      if (log_task != NULL)
        ferry_task_fail (log_task, error);
      g_task_return_error (task, error);
      return;
    }
  if (log_task != NULL)
    {
      g_autofree char *msg = g_strdup_printf (ngettext ("%u definition removed", "%u definitions removed",
                                                        data->removed), data->removed);

      ferry_task_succeed (log_task, msg);
    }
  g_task_return_int (task, data->removed);
}

void
ferry_ha_manager_remove_stale_async (FerryHaManager      *self,
                                     FerryNode           *node,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GPtrArray) stale = NULL;
  g_autoptr(GTask) inner = NULL;
  GTask *task;
  StaleData *data;

  g_return_if_fail (FERRY_IS_HA_MANAGER (self));
  g_return_if_fail (FERRY_IS_NODE (node));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ferry_ha_manager_remove_stale_async);

  stale = ferry_ha_manager_get_stale (self, node);
  if (stale->len == 0)
    {
      g_task_return_int (task, 0);
      g_object_unref (task);
      return;
    }

  data = g_new0 (StaleData, 1);
  data->uuids = g_ptr_array_new_with_free_func (g_free);
  data->names = g_ptr_array_new_with_free_func (g_free);
  data->problems = g_string_new (NULL);
  for (guint i = 0; i < stale->len; i++)
    {
      FerryVm *vm = g_ptr_array_index (stale, i);

      g_ptr_array_add (data->uuids, g_strdup (ferry_vm_get_uuid (vm)));
      g_ptr_array_add (data->names, g_strdup (ferry_vm_get_name (vm)));
    }
  if (self->task_log != NULL)
    {
      g_autofree char *title = g_strdup_printf (_("Remove stale definitions from %s"), ferry_node_get_name (node));
      FerryTask *log_task = ferry_task_log_start (self->task_log, title, ferry_node_get_name (node));

      g_object_set_data_full (G_OBJECT (task), "log-task", g_object_ref (log_task), g_object_unref);
    }

  inner = g_task_new (node, cancellable, remove_stale_done, task);
  g_task_set_source_tag (inner, ferry_ha_manager_remove_stale_async);
  g_task_set_task_data (inner, data, (GDestroyNotify) stale_data_free);
  _ferry_node_run_with_connection (node, inner, remove_stale_thread);
}

guint
ferry_ha_manager_remove_stale_finish (FerryHaManager  *self,
                                      GAsyncResult    *result,
                                      GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), 0);
  return _ferry_ha_manager_propagate_count (result, error);
}
