/* ferry-balancer.c — which migrations would even out a cluster? A pure recommender
 *
 * The rule administrators know from Xen Orchestra and DRS, kept simple
 * enough to explain in one line per move: a host above the threshold (by
 * CPU or by memory) gives away the VM that brings it closest to the
 * cluster's average, to the host with the most room, as long as that host
 * stays below the threshold. A few moves at a time and a cooldown per VM,
 * so that it never ping-pongs.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <math.h>

#include "ferry-balancer.h"
#include "ferry-node.h"
#include "ferry-vm.h"

typedef struct
{
  const FerryBalanceHost *host;
  double                  cpu;      /* share 0..1 */
  double                  mem;      /* share 0..1 */
} HostState;

static double
vm_cpu_share (const FerryBalanceVm *vm,
              const HostState      *h)
{
  return h->host->cpus > 0 ? vm->cpu_load * MAX (vm->vcpus, 1) / h->host->cpus : 0;
}

static double
vm_mem_share (const FerryBalanceVm *vm,
              const HostState      *h)
{
  return h->host->memory_total > 0 ? (double) vm->memory / (double) h->host->memory_total : 0;
}

static double
pressure (const HostState *h)
{
  return MAX (h->cpu, h->mem);
}

GArray *
ferry_balance_recommend (const FerryBalanceHost *hosts,
                         guint                   n_hosts,
                         const FerryBalanceVm   *vms,
                         guint                   n_vms,
                         double                  threshold,
                         guint                   max_moves,
                         gint64                  now_us,
                         gint64                  cooldown_us)
{
  GArray *moves = g_array_new (FALSE, TRUE, sizeof (FerryBalanceMove));
  g_autofree HostState *states = g_new0 (HostState, MAX (n_hosts, 1));
  g_autofree gboolean *moved = g_new0 (gboolean, MAX (n_vms, 1));

  for (guint h = 0; h < n_hosts; h++)
    {
      states[h].host = &hosts[h];
      states[h].cpu = hosts[h].cpu_load;
      states[h].mem = hosts[h].memory_total > 0
                    ? (double) hosts[h].memory_used / (double) hosts[h].memory_total : 0;
    }

  while (moves->len < max_moves)
    {
      HostState *worst = NULL;
      const FerryBalanceVm *best_vm = NULL;
      HostState *best_to = NULL;
      double best_gain = 0;
      gboolean for_memory;
      guint best_index = 0;

      /* The most loaded available host above the threshold. */
      for (guint h = 0; h < n_hosts; h++)
        if (states[h].host->available && pressure (&states[h]) > threshold &&
            (worst == NULL || pressure (&states[h]) > pressure (worst) + 1e-9 ||
             (ABS (pressure (&states[h]) - pressure (worst)) <= 1e-9 &&
              g_strcmp0 (states[h].host->id, worst->host->id) < 0)))
          worst = &states[h];
      if (worst == NULL)
        break;
      for_memory = worst->mem >= worst->cpu;

      for (guint v = 0; v < n_vms; v++)
        {
          const FerryBalanceVm *vm = &vms[v];
          double give;

          if (moved[v] || g_strcmp0 (vm->host, worst->host->id) != 0)
            continue;
          if (vm->last_moved_us > 0 && now_us - vm->last_moved_us < cooldown_us)
            continue;
          give = for_memory ? vm_mem_share (vm, worst) : vm_cpu_share (vm, worst);
          if (give <= 0)
            continue;

          for (guint h = 0; h < n_hosts; h++)
            {
              HostState *to = &states[h];
              double to_cpu, to_mem, gain;

              if (to == worst || !to->host->available)
                continue;
              to_cpu = to->cpu + vm_cpu_share (vm, to);
              to_mem = to->mem + vm_mem_share (vm, to);
              if (to_cpu > threshold || to_mem > threshold)
                continue;
              /* Best: the source relieved the most while the destination
               * keeps the most room. */
              gain = give - 0.5 * MAX (to_cpu, to_mem);
              if (best_vm == NULL || gain > best_gain + 1e-9 ||
                  (ABS (gain - best_gain) <= 1e-9 &&
                   (g_strcmp0 (vm->id, best_vm->id) < 0 ||
                    (g_strcmp0 (vm->id, best_vm->id) == 0 && g_strcmp0 (to->host->id, best_to->host->id) < 0))))
                {
                  best_vm = vm;
                  best_to = to;
                  best_gain = gain;
                  best_index = v;
                }
            }
        }
      if (best_vm == NULL)
        break;

      {
        FerryBalanceMove move = { 0 };

        move.vm = best_vm->id;
        move.from = worst->host->id;
        move.to = best_to->host->id;
        move.for_memory = for_memory;
        move.from_before = for_memory ? worst->mem : worst->cpu;
        move.to_before = for_memory ? best_to->mem : best_to->cpu;
        worst->cpu -= vm_cpu_share (best_vm, worst);
        worst->mem -= vm_mem_share (best_vm, worst);
        best_to->cpu += vm_cpu_share (best_vm, best_to);
        best_to->mem += vm_mem_share (best_vm, best_to);
        move.from_after = for_memory ? worst->mem : worst->cpu;
        move.to_after = for_memory ? best_to->mem : best_to->cpu;
        moved[best_index] = TRUE;
        g_array_append_val (moves, move);
      }
    }
  return moves;
}

char *
ferry_balance_move_describe (const FerryBalanceMove *move)
{
  g_return_val_if_fail (move != NULL, NULL);

  /* Translators: "web: node1 memory 92 % → 61 %, node3 30 % → 51 %" */
  return g_strdup_printf (move->for_memory ? _("%s: %s memory %.0f %% → %.0f %%, %s %.0f %% → %.0f %%")
                                           : _("%s: %s CPU %.0f %% → %.0f %%, %s %.0f %% → %.0f %%"),
                          move->vm, move->from, move->from_before * 100, move->from_after * 100,
                          move->to, move->to_before * 100, move->to_after * 100);
}

void
ferry_balance_suggestion_free (FerryBalanceSuggestion *suggestion)
{
  if (suggestion == NULL)
    return;
  g_clear_object (&suggestion->vm);
  g_clear_object (&suggestion->from);
  g_clear_object (&suggestion->to);
  g_free (suggestion->text);
  g_free (suggestion);
}

static double
latest (FerryMetrics *metrics,
        FerryMetric   metric)
{
  double v = ferry_metrics_get_last (metrics, metric);

  return isnan (v) ? 0 : v;
}

/* Load over the last FERRY_BALANCE_WINDOW_US rather than one sample: a
 * spike moves nothing. The latest value when the window has none. */
static double
recent (FerryMetrics *metrics,
        FerryMetric   metric)
{
  g_autofree gint64 *times = NULL;
  g_autofree double *values = NULL;
  double sum = 0;
  guint n = 0, n_finite = 0;

  ferry_stats_series_get_range (ferry_metrics_get_series (metrics, metric), g_get_monotonic_time (),
                                FERRY_BALANCE_WINDOW_US, &times, &values, &n);
  for (guint i = 0; i < n; i++)
    if (isfinite (values[i]))
      {
        sum += values[i];
        n_finite++;
      }
  return n_finite > 0 ? sum / n_finite : latest (metrics, metric);
}

/* What the VMs ask of the CPUs: what they used plus what they waited
 * for (FERRY_METRIC_CPU_WAIT). On a saturated host, what they used is
 * only what the host could give. A driver that reports no waiting costs
 * no series for it. */
static double
demand (FerryMetrics *metrics,
        FerryMetric   used)
{
  double wait = isnan (ferry_metrics_get_last (metrics, FERRY_METRIC_CPU_WAIT))
                ? 0 : recent (metrics, FERRY_METRIC_CPU_WAIT);

  return CLAMP ((recent (metrics, used) + wait) / 100.0, 0, 1);
}

GPtrArray *
ferry_balance_suggest (GPtrArray  *nodes,
                       GHashTable *last_moved,
                       double      threshold,
                       guint       max_moves)
{
  GPtrArray *suggestions = g_ptr_array_new_with_free_func ((GDestroyNotify) ferry_balance_suggestion_free);
  g_autoptr(GArray) hosts = g_array_new (FALSE, TRUE, sizeof (FerryBalanceHost));
  g_autoptr(GArray) vms = g_array_new (FALSE, TRUE, sizeof (FerryBalanceVm));
  g_autoptr(GPtrArray) vm_refs = g_ptr_array_new_with_free_func (g_object_unref);
  GArray *moves;

  for (guint i = 0; i < nodes->len; i++)
    {
      FerryNode *node = g_ptr_array_index (nodes, i);
      FerryMetrics *m = ferry_node_get_metrics (node);
      GListModel *list = ferry_node_get_vms (node);
      FerryBalanceHost h = { 0 };

      h.id = ferry_node_get_id (node);
      h.available = ferry_node_get_state (node) == FERRY_NODE_STATE_CONNECTED && !ferry_node_get_maintenance (node);
      h.memory_total = ferry_node_get_memory (node);
      h.memory_used = (guint64) latest (m, FERRY_METRIC_MEMORY);
      h.cpus = MAX (ferry_node_get_cpus (node), 1);
      h.cpu_load = demand (m, FERRY_METRIC_CPU_HOST);
      g_array_append_val (hosts, h);

      for (guint v = 0; v < g_list_model_get_n_items (list); v++)
        {
          FerryVm *vm = g_list_model_get_item (list, v);
          FerryBalanceVm b = { 0 };
          gint64 *when;

          if (!ferry_vm_state_is_active (ferry_vm_get_state (vm)) || ferry_vm_get_migration (vm) != NULL)
            {
              g_object_unref (vm);
              continue;
            }
          g_ptr_array_add (vm_refs, vm);
          b.id = ferry_vm_get_uuid (vm);
          b.host = h.id;
          b.memory = ferry_vm_get_memory (vm);
          b.vcpus = ferry_vm_get_vcpus (vm);
          b.cpu_load = demand (ferry_vm_get_metrics (vm), FERRY_METRIC_CPU);
          when = last_moved != NULL ? g_hash_table_lookup (last_moved, b.id) : NULL;
          b.last_moved_us = when != NULL ? *when : 0;
          g_array_append_val (vms, b);
        }
    }

  moves = ferry_balance_recommend ((FerryBalanceHost *) hosts->data, hosts->len,
                                   (FerryBalanceVm *) vms->data, vms->len, threshold, max_moves,
                                   g_get_monotonic_time (), FERRY_BALANCE_COOLDOWN_US);
  for (guint i = 0; i < moves->len; i++)
    {
      FerryBalanceMove move = g_array_index (moves, FerryBalanceMove, i);
      FerryBalanceSuggestion *s = g_new0 (FerryBalanceSuggestion, 1);

      for (guint v = 0; v < vm_refs->len; v++)
        if (g_strcmp0 (ferry_vm_get_uuid (g_ptr_array_index (vm_refs, v)), move.vm) == 0)
          s->vm = g_object_ref (g_ptr_array_index (vm_refs, v));
      for (guint n = 0; n < nodes->len; n++)
        {
          FerryNode *node = g_ptr_array_index (nodes, n);

          if (g_strcmp0 (ferry_node_get_id (node), move.from) == 0)
            s->from = g_object_ref (node);
          if (g_strcmp0 (ferry_node_get_id (node), move.to) == 0)
            s->to = g_object_ref (node);
        }
      /* Names for people, ids for the planner. */
      move.vm = ferry_vm_get_name (s->vm);
      move.from = ferry_node_get_name (s->from);
      move.to = ferry_node_get_name (s->to);
      s->text = ferry_balance_move_describe (&move);
      g_ptr_array_add (suggestions, s);
    }
  g_array_unref (moves);
  return suggestions;
}
