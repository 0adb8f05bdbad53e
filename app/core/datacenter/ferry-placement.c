/* ferry-placement.c — where should these VMs run? A pure planner
 *
 * Greedy, largest first (the classic first-fit-decreasing idea, which
 * packs well and is easy to explain in a preview): each VM goes to the
 * available host that keeps the most headroom, scored by the share of
 * memory left free after it and by CPU load (the VM's load added), with
 * the host id breaking ties so that the same inputs always give the same
 * plan.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "ferry-placement.h"

typedef struct
{
  const FerryPlacementHost *host;
  guint64                   free;
  double                    load;      /* in CPUs */
  GPtrArray                *groups;    /* const char *, borrowed */
} HostState;

static gint
by_memory_desc (gconstpointer a,
                gconstpointer b,
                gpointer      user_data)
{
  const FerryPlacementVm *vms = user_data;
  const FerryPlacementVm *va = &vms[*(const guint *) a];
  const FerryPlacementVm *vb = &vms[*(const guint *) b];

  if (va->memory != vb->memory)
    return va->memory > vb->memory ? -1 : 1;
  return g_strcmp0 (va->id, vb->id);
}

static gboolean
has_group (HostState  *state,
           const char *group)
{
  if (group == NULL)
    return FALSE;
  for (guint i = 0; i < state->groups->len; i++)
    if (g_strcmp0 (g_ptr_array_index (state->groups, i), group) == 0)
      return TRUE;
  return FALSE;
}

GArray *
ferry_placement_plan (const FerryPlacementHost *hosts,
                      guint                     n_hosts,
                      const FerryPlacementVm   *vms,
                      guint                     n_vms,
                      const FerryPlacementVm   *resident,
                      guint                     n_resident)
{
  GArray *result = g_array_sized_new (FALSE, TRUE, sizeof (FerryPlacement), n_vms);
  g_autofree HostState *states = g_new0 (HostState, MAX (n_hosts, 1));
  g_autofree guint *order = g_new (guint, MAX (n_vms, 1));

  g_array_set_size (result, n_vms);
  for (guint h = 0; h < n_hosts; h++)
    {
      states[h].host = &hosts[h];
      states[h].free = hosts[h].memory_free;
      states[h].load = hosts[h].cpu_load * hosts[h].cpus;
      states[h].groups = g_ptr_array_new ();
      for (guint r = 0; r < n_resident; r++)
        if (g_strcmp0 (resident[r].current_host, hosts[h].id) == 0 && resident[r].group != NULL)
          g_ptr_array_add (states[h].groups, (gpointer) resident[r].group);
    }

  for (guint i = 0; i < n_vms; i++)
    order[i] = i;
  g_qsort_with_data (order, n_vms, sizeof (guint), by_memory_desc, (gpointer) vms);

  for (guint k = 0; k < n_vms; k++)
    {
      const FerryPlacementVm *vm = &vms[order[k]];
      FerryPlacement *placement = &g_array_index (result, FerryPlacement, order[k]);
      guint64 need = vm->memory + FERRY_PLACEMENT_MEMORY_OVERHEAD;
      HostState *best = NULL;
      double best_score = 0;
      guint n_available = 0, n_memory = 0, n_group = 0;

      placement->vm = vm->id;
      for (guint h = 0; h < n_hosts; h++)
        {
          HostState *s = &states[h];
          double mem_left, cpu_after, score;

          if (!s->host->available || g_strcmp0 (s->host->id, vm->current_host) == 0)
            continue;
          n_available++;
          if (s->free < need)
            {
              n_memory++;
              continue;
            }
          if (has_group (s, vm->group))
            {
              n_group++;
              continue;
            }
          mem_left = s->host->memory_total > 0 ? (double) (s->free - need) / (double) s->host->memory_total : 0;
          cpu_after = s->host->cpus > 0 ? (s->load + vm->cpu_load * MAX (vm->vcpus, 1)) / s->host->cpus : 1;
          /* Memory decides (it is the hard limit), CPU tips the balance. */
          score = mem_left - 0.5 * MIN (cpu_after, 2.0);
          if (best == NULL || score > best_score + 1e-9 ||
              (ABS (score - best_score) <= 1e-9 && g_strcmp0 (s->host->id, best->host->id) < 0))
            {
              best = s;
              best_score = score;
            }
        }

      if (best != NULL)
        {
          placement->host = best->host->id;
          best->free -= need;
          best->load += vm->cpu_load * MAX (vm->vcpus, 1);
          if (vm->group != NULL)
            g_ptr_array_add (best->groups, (gpointer) vm->group);
        }
      else if (n_available == 0)
        placement->reason = g_strdup (_("no other host is available"));
      else if (n_group > 0 && n_memory + n_group == n_available)
        placement->reason = g_strdup_printf (_("every host with room already runs a VM of the group “%s”"),
                                             vm->group);
      else
        placement->reason = g_strdup_printf (_("no host has %llu MiB free"), (unsigned long long) (need >> 20));
    }

  for (guint h = 0; h < n_hosts; h++)
    g_ptr_array_unref (states[h].groups);
  return result;
}

void
ferry_placement_free_array (GArray *placements)
{
  if (placements == NULL)
    return;
  for (guint i = 0; i < placements->len; i++)
    g_free (g_array_index (placements, FerryPlacement, i).reason);
  g_array_unref (placements);
}
