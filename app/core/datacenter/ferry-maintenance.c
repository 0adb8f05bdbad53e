/* ferry-maintenance.c — emptying a host for maintenance, and refilling it
 *
 * The plan is computed from what Ferry already knows (the hosts' latest
 * memory and CPU samples, the VMs' sizes and loads) so that the preview
 * appears at once; each migration re-checks its destination before it
 * starts. Running VMs move live, shut-off ones (when asked) offline.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "ferry-maintenance.h"
#include "ferry-maintenance-private.h"
#include "ferry-placement.h"

#define ASSUMED_LINK_MIB 119

void
ferry_maintenance_step_free (FerryMaintenanceStep *step)
{
  if (step == NULL)
    return;
  g_clear_object (&step->vm);
  g_clear_object (&step->destination);
  g_free (step->reason);
  g_free (step);
}

static double
last_value (FerryMetrics *metrics,
            FerryMetric   metric)
{
  FerryStatsSeries *series = ferry_metrics_get_series (metrics, metric);
  double v = series != NULL ? ferry_stats_series_get_last (series) : NAN;

  return isnan (v) ? 0 : v;
}

/* Used plus waited-for CPU (see FERRY_METRIC_CPU_WAIT): what the VMs ask. */
static double
cpu_demand (FerryMetrics *metrics,
            FerryMetric   used)
{
  double wait = ferry_metrics_get_last (metrics, FERRY_METRIC_CPU_WAIT);

  return CLAMP ((last_value (metrics, used) + (isnan (wait) ? 0 : wait)) / 100.0, 0, 1);
}

static GPtrArray *
new_steps (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) ferry_maintenance_step_free);
}

void
_ferry_placement_add_group_residents (GPtrArray  *nodes,
                                      FerryNode  *skip,
                                      GHashTable *groups,
                                      GArray     *resident,
                                      GPtrArray  *refs)
{
  for (guint i = 0; i < nodes->len; i++)
    {
      FerryNode *n = g_ptr_array_index (nodes, i);
      GListModel *list = ferry_node_get_vms (n);

      if (n == skip)
        continue;
      for (guint v = 0; v < g_list_model_get_n_items (list); v++)
        {
          FerryVm *vm = g_list_model_get_item (list, v);
          FerryPlacementVm r = { 0 };

          g_ptr_array_add (refs, vm);
          r.id = ferry_vm_get_uuid (vm);
          r.current_host = ferry_node_get_id (n);
          r.group = g_hash_table_lookup (groups, r.id);
          if (r.group != NULL && ferry_vm_state_is_active (ferry_vm_get_state (vm)))
            g_array_append_val (resident, r);
        }
    }
}

GPtrArray *
ferry_maintenance_plan (FerryInventory *inventory,
                        FerryNode      *node,
                        gboolean        include_shut_off,
                        guint64         link_mib_s,
                        GHashTable     *groups)
{
  GListModel *nodes = ferry_inventory_get_nodes (inventory);
  GListModel *vms = ferry_node_get_vms (node);
  guint n_nodes = g_list_model_get_n_items (nodes);
  g_autoptr(GPtrArray) node_refs = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) vm_refs = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree FerryPlacementHost *hosts = g_new0 (FerryPlacementHost, MAX (n_nodes, 1));
  g_autoptr(GArray) placement_vms = g_array_new (FALSE, TRUE, sizeof (FerryPlacementVm));
  g_autoptr(GArray) resident = g_array_new (FALSE, TRUE, sizeof (FerryPlacementVm));
  g_autoptr(GPtrArray) resident_refs = g_ptr_array_new_with_free_func (g_object_unref);
  GPtrArray *steps = new_steps ();
  GArray *plan;
  double link = (link_mib_s > 0 ? link_mib_s : ASSUMED_LINK_MIB) * 1024.0 * 1024.0;

  g_return_val_if_fail (FERRY_IS_INVENTORY (inventory), steps);
  g_return_val_if_fail (FERRY_IS_NODE (node), steps);

  for (guint i = 0; i < n_nodes; i++)
    {
      FerryNode *n = g_list_model_get_item (nodes, i);
      FerryMetrics *m = ferry_node_get_metrics (n);
      guint64 total = ferry_node_get_memory (n);
      double used = last_value (m, FERRY_METRIC_MEMORY);

      g_ptr_array_add (node_refs, n);
      hosts[i].id = ferry_node_get_id (n);
      hosts[i].available = n != node && ferry_node_get_state (n) == FERRY_NODE_STATE_CONNECTED &&
                           !ferry_node_get_maintenance (n);
      hosts[i].memory_total = total;
      /* Before the first sample: assume a quarter in use rather than none. */
      hosts[i].memory_free = used > 0 ? (guint64) MAX ((double) total - used, 0) : total * 3 / 4;
      hosts[i].cpus = MAX (ferry_node_get_cpus (n), 1);
      hosts[i].cpu_load = cpu_demand (m, FERRY_METRIC_CPU_HOST);
    }

  for (guint i = 0; i < g_list_model_get_n_items (vms); i++)
    {
      FerryVm *vm = g_list_model_get_item (vms, i);
      gboolean live = ferry_vm_state_is_active (ferry_vm_get_state (vm));
      FerryPlacementVm p = { 0 };

      if (!live && (!include_shut_off || !ferry_vm_get_persistent (vm)))
        {
          g_object_unref (vm);
          continue;
        }
      g_ptr_array_add (vm_refs, vm);
      p.id = ferry_vm_get_uuid (vm);
      /* A shut-off VM needs no memory now, only a definition. */
      p.memory = live ? MAX (ferry_vm_get_memory (vm), ferry_vm_get_max_memory (vm)) : 0;
      p.vcpus = ferry_vm_get_vcpus (vm);
      p.cpu_load = live ? cpu_demand (ferry_vm_get_metrics (vm), FERRY_METRIC_CPU) : 0;
      p.current_host = ferry_node_get_id (node);
      p.group = groups != NULL ? g_hash_table_lookup (groups, p.id) : NULL;
      g_array_append_val (placement_vms, p);
    }

  /* Where the groups' other members run now. */
  if (groups != NULL)
    _ferry_placement_add_group_residents (node_refs, node, groups, resident, resident_refs);

  plan = ferry_placement_plan (hosts, n_nodes, (FerryPlacementVm *) placement_vms->data,
                               placement_vms->len, (FerryPlacementVm *) resident->data, resident->len);
  for (guint i = 0; i < plan->len; i++)
    {
      const FerryPlacement *p = &g_array_index (plan, FerryPlacement, i);
      FerryMaintenanceStep *step = g_new0 (FerryMaintenanceStep, 1);
      FerryVm *vm = g_ptr_array_index (vm_refs, i);

      step->vm = g_object_ref (vm);
      step->live = ferry_vm_state_is_active (ferry_vm_get_state (vm));
      step->reason = g_strdup (p->reason);
      step->estimate_s = step->live ? (double) ferry_vm_get_memory (vm) / link : 1;
      for (guint h = 0; h < n_nodes && p->host != NULL; h++)
        if (g_strcmp0 (hosts[h].id, p->host) == 0)
          step->destination = g_object_ref (g_ptr_array_index (node_refs, h));
      g_ptr_array_add (steps, step);
    }
  ferry_placement_free_array (plan);
  return steps;
}

GPtrArray *
ferry_maintenance_plan_return (FerryInventory *inventory,
                               FerryNode      *node)
{
  const char * const *uuids = ferry_node_get_evacuated (node);
  GPtrArray *steps = new_steps ();

  for (guint i = 0; uuids != NULL && uuids[i] != NULL; i++)
    {
      FerryVm *vm = ferry_inventory_lookup_vm (inventory, uuids[i]);
      FerryMaintenanceStep *step;

      if (vm == NULL || ferry_vm_get_node (vm) == NULL || ferry_vm_get_node (vm) == node)
        continue;
      step = g_new0 (FerryMaintenanceStep, 1);
      step->vm = g_object_ref (vm);
      step->destination = g_object_ref (node);
      step->live = ferry_vm_state_is_active (ferry_vm_get_state (vm));
      step->estimate_s = -1;
      g_ptr_array_add (steps, step);
    }
  return steps;
}

GStrv
ferry_maintenance_start (FerryMigrationQueue  *queue,
                         GPtrArray            *steps,
                         GError              **error)
{
  g_autoptr(GStrvBuilder) queued = g_strv_builder_new ();
  g_autoptr(GString) failures = g_string_new (NULL);

  for (guint i = 0; i < steps->len; i++)
    {
      FerryMaintenanceStep *step = g_ptr_array_index (steps, i);
      g_autoptr(FerryMigrationOptions) options = NULL;
      g_autoptr(FerryMigration) migration = NULL;
      g_autoptr(GError) local = NULL;

      if (step->destination == NULL)
        continue;
      options = ferry_migration_options_new (FERRY_MIGRATION_PRESET_DEFAULT);
      options->live = step->live;
      /* Offline, disks the destination cannot see are copied (Ferry's copy
       * skips those it sees). Live, never: copying a shared disk onto
       * itself would destroy it; libvirt refuses an unsafe live move and
       * the VM stays. */
      if (!step->live)
        options->storage = FERRY_MIGRATION_STORAGE_COPY_ALL;
      migration = ferry_migration_new (step->vm, step->destination, options);
      if (ferry_migration_queue_add (queue, migration, &local))
        g_strv_builder_add (queued, ferry_vm_get_uuid (step->vm));
      else
        g_string_append_printf (failures, "%s%s", failures->len > 0 ? "\n" : "", local->message);
    }

  if (failures->len > 0)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, failures->str);
  return g_strv_builder_end (queued);
}
