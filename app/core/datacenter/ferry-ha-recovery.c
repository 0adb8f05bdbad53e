/* ferry-ha-recovery.c — where the VMs of a failed host go, and starting
 * them there
 *
 * Safety: recovery needs the failed host to be fenced (the administrator's
 * word, or verified leases); each VM is started at most once per failure
 * (the target is asked first whether it already runs it); a VM that cannot
 * be placed is reported, not retried elsewhere behind the user's back.
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
/* Planning                                                                */

void
ferry_ha_manager_set_groups_func (FerryHaManager    *self,
                                  FerryHaGroupsFunc  func,
                                  gpointer           user_data)
{
  g_return_if_fail (FERRY_IS_HA_MANAGER (self));
  self->groups_func = func;
  self->groups_data = user_data;
}

GPtrArray *
ferry_ha_manager_plan_recovery (FerryHaManager *self,
                                FerryNode      *failed)
{
  g_autoptr(GHashTable) groups = NULL;
  g_autoptr(GArray) resident = g_array_new (FALSE, TRUE, sizeof (FerryPlacementVm));
  g_autoptr(GPtrArray) resident_refs = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) hosts_nodes = NULL;
  g_autoptr(GArray) hosts = g_array_new (FALSE, TRUE, sizeof (FerryPlacementHost));
  g_autoptr(GArray) vms = g_array_new (FALSE, TRUE, sizeof (FerryPlacementVm));
  g_autoptr(GPtrArray) at_risk = g_ptr_array_new ();
  GPtrArray *plan = g_ptr_array_new_with_free_func ((GDestroyNotify) ferry_ha_plan_item_free);
  GArray *placements;
  guint n;

  g_return_val_if_fail (FERRY_IS_HA_MANAGER (self), NULL);
  g_return_val_if_fail (FERRY_IS_NODE (failed), NULL);

  _ferry_ha_manager_update_at_risk_now (self);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->at_risk));
  for (guint i = 0; i < n; i++)
    {
      FerryVm *vm = g_list_model_get_item (G_LIST_MODEL (self->at_risk), i);

      if (ferry_vm_get_node (vm) == failed)
        g_ptr_array_add (at_risk, vm);   /* the model holds it too */
      g_object_unref (vm);
    }
  if (at_risk->len == 0)
    return plan;

  hosts_nodes = _ferry_ha_manager_connected_nodes (self, failed);
  for (guint i = 0; i < hosts_nodes->len; i++)
    {
      FerryNode *node = g_ptr_array_index (hosts_nodes, i);
      GListModel *on_node = ferry_node_get_vms (node);
      FerryPlacementHost host = { 0 };
      guint64 used = 0;

      for (guint j = 0; j < g_list_model_get_n_items (on_node); j++)
        {
          g_autoptr(FerryVm) vm = g_list_model_get_item (on_node, j);

          if (ferry_vm_state_is_active (ferry_vm_get_state (vm)))
            used += ferry_vm_get_memory (vm) + FERRY_PLACEMENT_MEMORY_OVERHEAD;
        }
      host.id = ferry_node_get_id (node);
      /* A node in maintenance takes nothing, not even a rescue. */
      host.available = !ferry_node_get_maintenance (node);
      host.memory_total = ferry_node_get_memory (node);
      host.memory_free = host.memory_total > used ? host.memory_total - used : 0;
      host.cpus = ferry_node_get_cpus (node);
      host.cpu_load = 0;
      g_array_append_val (hosts, host);
    }

  /* Keep-apart groups: who of a group already runs where. */
  if (self->groups_func != NULL)
    groups = self->groups_func (failed, self->groups_data);
  if (groups != NULL)
    _ferry_placement_add_group_residents (hosts_nodes, NULL, groups, resident, resident_refs);

  for (guint i = 0; i < at_risk->len; i++)
    {
      FerryVm *vm = g_ptr_array_index (at_risk, i);
      FerryPlacementVm p = { 0 };

      p.id = ferry_vm_get_uuid (vm);
      p.group = groups != NULL ? g_hash_table_lookup (groups, p.id) : NULL;
      p.memory = MAX (ferry_vm_get_memory (vm), ferry_vm_get_max_memory (vm));
      p.vcpus = ferry_vm_get_vcpus (vm);
      p.current_host = ferry_node_get_id (failed);
      g_array_append_val (vms, p);
    }

  placements = ferry_placement_plan ((FerryPlacementHost *) (void *) hosts->data, hosts->len,
                                     (FerryPlacementVm *) (void *) vms->data, vms->len,
                                     (FerryPlacementVm *) (void *) resident->data, resident->len);
  for (guint i = 0; i < placements->len; i++)
    {
      FerryPlacement *p = &g_array_index (placements, FerryPlacement, i);
      FerryHaPlanItem *item = g_new0 (FerryHaPlanItem, 1);

      item->vm = g_object_ref (g_ptr_array_index (at_risk, i));
      if (p->host != NULL)
        item->target = g_object_ref (ferry_inventory_find_node_by_id (self->inventory, p->host));
      else
        item->reason = g_strdup (p->reason ? p->reason : _("No host has room for it"));
      g_ptr_array_add (plan, item);
    }
  ferry_placement_free_array (placements);
  return plan;
}

/* ---------------------------------------------------------------------- */
/* Recovery                                                                */

typedef enum
{
  STEP_DEFINE,
  STEP_START,
} RecoverStep;

typedef struct
{
  FerryNode  *failed;
  GPtrArray  *plan;         /* FerryHaPlanItem */
  guint       next;
  guint       n_recovered;
  FerryTask  *parent;       /* in the log */
  /* the VM under way */
  FerryTask  *vm_task;
  RecoverStep step;
  char       *uuid;
  char       *name;
  char       *xml;
  gboolean    already_running;
} RecoverData;

static void
recover_data_free (RecoverData *data)
{
  g_clear_object (&data->failed);
  g_clear_pointer (&data->plan, g_ptr_array_unref);
  g_clear_object (&data->parent);
  g_clear_object (&data->vm_task);
  g_free (data->uuid);
  g_free (data->name);
  g_free (data->xml);
  g_free (data);
}

static void
recover_thread (GTask         *task,
                FerryNode     *target,
                virConnectPtr  conn,
                gpointer       task_data,
                GCancellable  *cancellable)
{
  RecoverData *data = task_data;
  g_autoptr(GError) error = NULL;
  virDomainPtr domain;

  /* Ask first: it must not run twice, not even on the target. */
  domain = virDomainLookupByUUIDString (conn, data->uuid);
  virResetLastError ();
  if (domain != NULL && virDomainIsActive (domain) == 1)
    {
      data->already_running = TRUE;
      virDomainFree (domain);
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (data->step == STEP_DEFINE)
    {
      if (domain != NULL)
        virDomainFree (domain);
      domain = virDomainDefineXML (conn, data->xml);
      if (domain == NULL)
        ferry_libvirt_set_error (&error, _("Could not define “%s” on %s"), data->name,
                                 ferry_node_get_name (target));
    }
  else if (domain == NULL)
    ferry_libvirt_set_error (&error, _("“%s” was not found"), data->name);
  else if (virDomainCreate (domain) < 0)
    ferry_libvirt_set_error (&error, _("Could not start “%s” on %s"), data->name,
                             ferry_node_get_name (target));

  if (domain != NULL)
    virDomainFree (domain);
  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void recover_next (GTask *task);

static void
vm_finished (GTask      *task,
             FerryVm    *vm,
             FerryNode  *target,
             GError     *error)
{
  FerryHaManager *self = g_task_get_source_object (task);
  RecoverData *data = g_task_get_task_data (task);

  g_hash_table_remove (self->busy, data->uuid);
  if (error == NULL)
    {
      g_autofree char *msg = g_strdup_printf (_("Runs on %s"), ferry_node_get_name (target));

      data->n_recovered++;
      g_hash_table_replace (self->recovered, g_strdup (data->uuid), g_strdup (ferry_node_get_id (data->failed)));
      if (data->vm_task != NULL)
        ferry_task_succeed (data->vm_task, msg);
      _ferry_node_refresh_domain (target, data->uuid);
    }
  else if (data->vm_task != NULL)
    ferry_task_fail (data->vm_task, error);

  _ferry_ha_manager_emit_vm_recovered (self, vm, error ? NULL : target, error ? error->message : NULL);
  g_clear_object (&data->vm_task);
  g_clear_pointer (&data->uuid, g_free);
  g_clear_pointer (&data->name, g_free);
  g_clear_pointer (&data->xml, g_free);
  _ferry_ha_manager_queue_update_at_risk (self);
  recover_next (task);
}

static void
recover_step_done (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RecoverData *data = g_task_get_task_data (task);
  FerryHaPlanItem *item = g_ptr_array_index (data->plan, data->next - 1);
  FerryNode *target = FERRY_NODE (object);
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      vm_finished (task, item->vm, target, error);
      return;
    }
  if (data->already_running || data->step == STEP_START)
    {
      if (data->already_running && data->vm_task != NULL)
        ferry_task_set_message (data->vm_task, _("It already runs there"));
      vm_finished (task, item->vm, target, NULL);
      return;
    }

  {
    g_autofree char *msg = g_strdup_printf (_("Starting on %s…"), ferry_node_get_name (target));
    g_autoptr(GTask) inner = g_task_new (target, NULL, recover_step_done, g_object_ref (task));

    if (data->vm_task != NULL)
      {
        ferry_task_set_message (data->vm_task, msg);
        ferry_task_set_progress (data->vm_task, 0.5);
      }
    data->step = STEP_START;
    g_task_set_task_data (inner, data, NULL);
    _ferry_node_run_with_connection (target, inner, recover_thread);
  }
}

static void
recover_next (GTask *task)
{
  FerryHaManager *self = g_task_get_source_object (task);
  RecoverData *data = g_task_get_task_data (task);
  FerryHaPlanItem *item;
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;
  g_autoptr(GTask) inner = NULL;
  FerryNode *owner;

  if (data->next >= data->plan->len)
    {
      if (data->parent != NULL)
        {
          g_autofree char *msg = g_strdup_printf (_("%u of %u VMs run on other hosts"),
                                                  data->n_recovered, data->plan->len);

          if (data->n_recovered == data->plan->len)
            ferry_task_succeed (data->parent, msg);
          else
            {
              g_autoptr(GError) partial = g_error_new_literal (FERRY_HA_ERROR, FERRY_HA_ERROR_FAILED, msg);

              ferry_task_fail (data->parent, partial);
            }
        }
      g_task_return_int (task, data->n_recovered);
      return;
    }

  item = g_ptr_array_index (data->plan, data->next++);
  data->uuid = g_strdup (ferry_vm_get_uuid (item->vm));
  data->name = g_strdup (ferry_vm_get_name (item->vm));
  data->step = STEP_DEFINE;
  data->already_running = FALSE;

  if (self->task_log != NULL)
    {
      title = g_strdup_printf (_("Recover “%s”"), data->name);
      data->vm_task = g_object_ref (ferry_task_log_start (self->task_log, title,
                                                          ferry_node_get_name (data->failed)));
    }

  owner = ferry_vm_get_node (item->vm);
  if (g_hash_table_contains (self->busy, data->uuid))
    g_set_error (&error, FERRY_HA_ERROR, FERRY_HA_ERROR_RUNNING,
                 _("“%s” is being recovered already"), data->name);
  else if (g_hash_table_contains (self->recovered, data->uuid) || owner != data->failed)
    g_set_error (&error, FERRY_HA_ERROR, FERRY_HA_ERROR_RUNNING,
                 _("“%s” was recovered already: it is not started again"), data->name);
  else if (item->target == NULL)
    g_set_error (&error, FERRY_HA_ERROR, FERRY_HA_ERROR_NO_PLACE,
                 _("No host can take “%s”: %s"), data->name, item->reason);
  else if (ferry_node_get_state (item->target) != FERRY_NODE_STATE_CONNECTED)
    g_set_error (&error, FERRY_HA_ERROR, FERRY_HA_ERROR_NO_PLACE,
                 _("%s is not connected any more"), ferry_node_get_name (item->target));
  else if ((data->xml = ferry_ha_cache_load (data->uuid, NULL)) == NULL)
    g_set_error (&error, FERRY_HA_ERROR, FERRY_HA_ERROR_NO_DEFINITION,
                 _("Ferry has no saved definition of “%s” to define it elsewhere"), data->name);

  if (error != NULL)
    {
      /* Busy and already recovered are not failures of this run. */
      if (error->code == FERRY_HA_ERROR_RUNNING)
        {
          if (data->vm_task != NULL)
            ferry_task_succeed (data->vm_task, error->message);
          g_clear_object (&data->vm_task);
          g_clear_pointer (&data->uuid, g_free);
          g_clear_pointer (&data->name, g_free);
          data->n_recovered++;
          recover_next (task);
          return;
        }
      vm_finished (task, item->vm, NULL, error);
      return;
    }

  g_hash_table_add (self->busy, g_strdup (data->uuid));
  if (data->vm_task != NULL)
    {
      g_autofree char *msg = g_strdup_printf (_("Defining on %s from the saved definition…"),
                                              ferry_node_get_name (item->target));

      ferry_task_set_message (data->vm_task, msg);
    }
  inner = g_task_new (item->target, NULL, recover_step_done, g_object_ref (task));
  g_task_set_source_tag (inner, recover_next);
  g_task_set_task_data (inner, data, NULL);
  _ferry_node_run_with_connection (item->target, inner, recover_thread);
}

void
ferry_ha_manager_recover_async (FerryHaManager      *self,
                                FerryNode           *failed,
                                FerryHaFence         fence,
                                GPtrArray           *plan,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  RecoverData *data;

  g_return_if_fail (FERRY_IS_HA_MANAGER (self));
  g_return_if_fail (FERRY_IS_NODE (failed));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ferry_ha_manager_recover_async);

  if (ferry_node_get_state (failed) != FERRY_NODE_STATE_UNREACHABLE)
    {
      g_task_return_new_error (task, FERRY_HA_ERROR, FERRY_HA_ERROR_NOT_FENCED,
                               _("%s is not unreachable: its VMs are not recovered elsewhere"),
                               ferry_node_get_name (failed));
      return;
    }
  if (fence == FERRY_HA_FENCE_LEASES && !self->leases_verified)
    {
      g_task_return_new_error (task, FERRY_HA_ERROR, FERRY_HA_ERROR_NOT_FENCED,
                               _("Disk leases have not been verified: confirm that %s is powered off"),
                               ferry_node_get_name (failed));
      return;
    }

  data = g_new0 (RecoverData, 1);
  data->failed = g_object_ref (failed);
  data->plan = plan != NULL ? g_ptr_array_ref (plan) : ferry_ha_manager_plan_recovery (self, failed);
  g_task_set_task_data (task, data, (GDestroyNotify) recover_data_free);
  if (self->task_log != NULL)
    {
      g_autofree char *title = g_strdup_printf (_("Recover the VMs of %s"), ferry_node_get_name (failed));

      data->parent = g_object_ref (ferry_task_log_start (self->task_log, title, ferry_node_get_name (failed)));
      ferry_task_set_message (data->parent,
                              fence == FERRY_HA_FENCE_MANUAL ? _("Fenced: the administrator confirmed it is powered off")
                                                             : _("Fenced by verified disk leases"));
    }
  recover_next (task);
}

guint
ferry_ha_manager_recover_finish (FerryHaManager  *self,
                                 GAsyncResult    *result,
                                 GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), 0);
  return _ferry_ha_manager_propagate_count (result, error);
}
