/* ferry-stats-sampler.c — fills the FerryMetrics of every VM, node and
 * the cluster from one bulk libvirt call per node and tick
 *
 * Per connected node, a main-thread timer starts a sample on the node's
 * worker: virConnectGetAllDomainStats for all active domains (never one
 * call per VM), plus the host's CPU and memory counters. The worker copies
 * plain numbers; the main thread turns them into rates against the
 * previous counters of the same (node, domain) and pushes them into the
 * series of the VMs (matched by UUID, only on their current owner), of the
 * node, and — on a timer of its own — of the cluster.
 *
 * Rates when the previous counters are missing or unusable (the first
 * sample of a domain on a node, a restart, a counter that went down) repeat
 * the VM's last known value: after a live migration the history goes on on
 * the destination without a gap or a spike. A VM that leaves its owner's
 * samples for two ticks in a row (it stopped), and a node that
 * disconnects, get a NAN so charts show a gap.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <time.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "ferry-core.h"
#include "ferry-libvirt.h"
#include "ferry-metrics-private.h"
#include "ferry-node-private.h"
#include "ferry-stats-math.h"
#include "ferry-stats-sampler.h"

#define STATS_GROUPS (VIR_DOMAIN_STATS_STATE | VIR_DOMAIN_STATS_CPU_TOTAL | \
                      VIR_DOMAIN_STATS_BALLOON | VIR_DOMAIN_STATS_VCPU |   \
                      VIR_DOMAIN_STATS_INTERFACE | VIR_DOMAIN_STATS_BLOCK)
/* Ticks a VM may be missing from its owner's samples before it gets a gap:
 * during a migration the source lets go a moment before the inventory
 * moves the VM to the destination. */
#define MISSING_TICKS_FOR_GAP 2

enum {
  HAVE_CPU     = 1 << 0,
  HAVE_VCPUS   = 1 << 1,
  HAVE_BLOCK   = 1 << 2,
  HAVE_NET     = 1 << 3,
  HAVE_WAIT    = 1 << 4,
};

/* One domain's counters as one sample saw them. */
typedef struct
{
  char              uuid[VIR_UUID_STRING_BUFLEN];
  unsigned int      id;
  guint             have;
  guint64           cpu_time;
  guint64           vcpu_wait;      /* ns its vCPUs waited on a run queue */
  guint             vcpus;
  FerryStatsBalloon balloon;
  guint64           rd_bytes, wr_bytes, rd_reqs, wr_reqs;
  guint64           rx_bytes, tx_bytes;
} DomainSample;

typedef struct
{
  DomainSample sample;
  gint64       time_us;
  guint        missing;
} VmCounters;

typedef struct
{
  FerryStatsSampler  *sampler;      /* borrowed: it owns us */
  FerryNode          *node;
  gulong              state_handler;
  gboolean            watched;
  gboolean            running;
  guint64             run_id;
  guint               source;
  gboolean            in_flight;
  GHashTable         *counters;     /* uuid → VmCounters */
  FerryStatsCpuTimes  cpu_prev;
  gint64              last_time;
  int                 n_cpu_params; /* 0: unknown yet, -1: unsupported */
  int                 n_mem_params;
} NodeSampler;

struct _FerryStatsSampler
{
  GObject         parent_instance;

  FerryInventory *inventory;
  GHashTable     *nodes;            /* FerryNode* → NodeSampler* */
  guint           interval_ms;
  guint           cluster_source;
  guint64         next_run_id;

  guint64         ticks;
  guint64         skipped;
  guint64         samples;
  guint64         worker_cpu_us;
  guint64         worker_wall_us;
  guint64         apply_us;
};

G_DEFINE_FINAL_TYPE (FerryStatsSampler, ferry_stats_sampler, G_TYPE_OBJECT)

/* ---------------------------------------------------------------------- */
/* Worker                                                                  */

typedef struct
{
  guint64             run_id;
  int                 n_cpu_params;
  int                 n_mem_params;
  gint64              time_us;
  GArray             *domains;      /* DomainSample */
  FerryStatsCpuTimes  cpu;
  gboolean            have_memory;
  guint64             mem_total, mem_free, mem_buffers, mem_cached;
  gint64              cpu_us;
  gint64              wall_us;
} SampleData;

static void
sample_data_free (SampleData *data)
{
  g_clear_pointer (&data->domains, g_array_unref);
  g_free (data);
}

static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  if (clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
    return 0;
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static guint64
param_u64 (const virTypedParameter *param)
{
  switch (param->type)
    {
    case VIR_TYPED_PARAM_UINT:    return param->value.ui;
    case VIR_TYPED_PARAM_ULLONG:  return param->value.ul;
    case VIR_TYPED_PARAM_INT:     return param->value.i > 0 ? (guint64) param->value.i : 0;
    case VIR_TYPED_PARAM_LLONG:   return param->value.l > 0 ? (guint64) param->value.l : 0;
    case VIR_TYPED_PARAM_DOUBLE:  return param->value.d > 0 ? (guint64) param->value.d : 0;
    default:                      return 0;
    }
}

static void
parse_record (virDomainStatsRecordPtr  record,
              DomainSample            *d)
{
  memset (d, 0, sizeof *d);
  /* Local accessors: no network traffic. */
  if (virDomainGetUUIDString (record->dom, d->uuid) < 0)
    d->uuid[0] = '\0';
  d->id = virDomainGetID (record->dom);

  for (int i = 0; i < record->nparams; i++)
    {
      const virTypedParameter *p = &record->params[i];
      const char *f = p->field;
      guint64 v = param_u64 (p);

      if (g_str_has_prefix (f, "block."))
        {
          if (g_str_equal (f, "block.count"))
            d->have |= HAVE_BLOCK;
          else if (g_str_has_suffix (f, ".rd.bytes"))
            d->rd_bytes += v;
          else if (g_str_has_suffix (f, ".wr.bytes"))
            d->wr_bytes += v;
          else if (g_str_has_suffix (f, ".rd.reqs"))
            d->rd_reqs += v;
          else if (g_str_has_suffix (f, ".wr.reqs"))
            d->wr_reqs += v;
        }
      else if (g_str_has_prefix (f, "net."))
        {
          if (g_str_equal (f, "net.count"))
            d->have |= HAVE_NET;
          else if (g_str_has_suffix (f, ".rx.bytes"))
            d->rx_bytes += v;
          else if (g_str_has_suffix (f, ".tx.bytes"))
            d->tx_bytes += v;
        }
      else if (g_str_equal (f, "cpu.time"))
        {
          d->cpu_time = v;
          d->have |= HAVE_CPU;
        }
      else if (g_str_equal (f, "vcpu.current"))
        {
          d->vcpus = (guint) v;
          d->have |= HAVE_VCPUS;
        }
      else if (g_str_has_prefix (f, "vcpu.") && g_str_has_suffix (f, ".delay"))
        {
          /* The run queue's wait (schedstat), what the guest sees as
           * steal time. libvirt's older "wait" field is another driver's
           * and is not added to it. */
          d->vcpu_wait += v;
          d->have |= HAVE_WAIT;
        }
      else if (g_str_equal (f, "balloon.current"))
        {
          d->balloon.current = v;
          d->balloon.have_current = TRUE;
        }
      else if (g_str_equal (f, "balloon.available"))
        {
          d->balloon.available = v;
          d->balloon.have_available = TRUE;
        }
      else if (g_str_equal (f, "balloon.unused"))
        {
          d->balloon.unused = v;
          d->balloon.have_unused = TRUE;
        }
      else if (g_str_equal (f, "balloon.rss"))
        {
          d->balloon.rss = v;
          d->balloon.have_rss = TRUE;
        }
    }
}

/* The parameter count is asked once per connection: it costs a round trip
 * and never changes. */
static void
sample_node_cpu (virConnectPtr  conn,
                 SampleData    *data)
{
  g_autofree virNodeCPUStatsPtr params = NULL;
  int n;

  if (data->n_cpu_params == 0)
    {
      n = 0;
      data->n_cpu_params = virNodeGetCPUStats (conn, VIR_NODE_CPU_STATS_ALL_CPUS, NULL, &n, 0) == 0 && n > 0
                           ? n : -1;
    }
  if (data->n_cpu_params <= 0)
    return;

  n = data->n_cpu_params;
  params = g_new0 (virNodeCPUStats, n);
  if (virNodeGetCPUStats (conn, VIR_NODE_CPU_STATS_ALL_CPUS, params, &n, 0) < 0)
    {
      data->n_cpu_params = 0;
      return;
    }
  for (int i = 0; i < n; i++)
    ferry_stats_cpu_times_add (&data->cpu, params[i].field, params[i].value);
}

static void
sample_node_memory (virConnectPtr  conn,
                    SampleData    *data)
{
  g_autofree virNodeMemoryStatsPtr params = NULL;
  gboolean have_total = FALSE;
  int n;

  if (data->n_mem_params == 0)
    {
      n = 0;
      data->n_mem_params = virNodeGetMemoryStats (conn, VIR_NODE_MEMORY_STATS_ALL_CELLS, NULL, &n, 0) == 0 && n > 0
                           ? n : -1;
    }
  if (data->n_mem_params <= 0)
    return;

  n = data->n_mem_params;
  params = g_new0 (virNodeMemoryStats, n);
  if (virNodeGetMemoryStats (conn, VIR_NODE_MEMORY_STATS_ALL_CELLS, params, &n, 0) < 0)
    {
      data->n_mem_params = 0;
      return;
    }
  for (int i = 0; i < n; i++)
    {
      if (g_str_equal (params[i].field, VIR_NODE_MEMORY_STATS_TOTAL))
        {
          data->mem_total = params[i].value;
          have_total = TRUE;
        }
      else if (g_str_equal (params[i].field, VIR_NODE_MEMORY_STATS_FREE))
        data->mem_free = params[i].value;
      else if (g_str_equal (params[i].field, VIR_NODE_MEMORY_STATS_BUFFERS))
        data->mem_buffers = params[i].value;
      else if (g_str_equal (params[i].field, VIR_NODE_MEMORY_STATS_CACHED))
        data->mem_cached = params[i].value;
    }
  data->have_memory = have_total;
}

static void
sample_thread (GTask         *task,
               FerryNode     *node,
               virConnectPtr  conn,
               gpointer       task_data,
               GCancellable  *cancellable)
{
  SampleData *data = task_data;
  g_autoptr(GError) error = NULL;
  virDomainStatsRecordPtr *records = NULL;
  gint64 wall0 = g_get_monotonic_time ();
  gint64 cpu0 = thread_cpu_us ();
  gint64 before, after;
  int n;

  FERRY_ASSERT_WORKER_THREAD ();

  data->domains = g_array_new (FALSE, FALSE, sizeof (DomainSample));

  /* Drivers without some groups (test:/// has only "state") leave them
   * out instead of failing, as long as we do not ask to enforce them. */
  before = g_get_monotonic_time ();
  n = virConnectGetAllDomainStats (conn, STATS_GROUPS, &records,
                                   VIR_CONNECT_GET_ALL_DOMAINS_STATS_ACTIVE);
  after = g_get_monotonic_time ();
  data->time_us = before + (after - before) / 2;

  if (n < 0)
    {
      virErrorPtr last = virGetLastError ();

      if (last == NULL || last->code != VIR_ERR_NO_SUPPORT)
        {
          ferry_libvirt_set_error (&error, NULL);
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      virResetLastError ();
    }

  for (int i = 0; i < n; i++)
    {
      DomainSample d;

      parse_record (records[i], &d);
      if (d.uuid[0] != '\0')
        g_array_append_val (data->domains, d);
    }
  if (records != NULL)
    virDomainStatsRecordListFree (records);

  sample_node_cpu (conn, data);
  sample_node_memory (conn, data);
  virResetLastError ();

  data->cpu_us = thread_cpu_us () - cpu0;
  data->wall_us = g_get_monotonic_time () - wall0;
  g_task_return_boolean (task, TRUE);
}

/* ---------------------------------------------------------------------- */
/* Main thread: counters → rates → series                                  */

static void
push_rate (FerryMetrics *metrics,
           FerryMetric   metric,
           gint64        time_us,
           gboolean      ok,
           double        value,
           double       *sum)
{
  double out;

  if (!ferry_stats_math_rate_or_last (ok, value, ferry_metrics_get_last (metrics, metric), &out))
    return;
  _ferry_metrics_push (metrics, metric, time_us, out);
  if (sum != NULL)
    *sum += out;
}

static void
push_counter_rate (FerryMetrics *metrics,
                   FerryMetric   metric,
                   gint64        time_us,
                   gboolean      have_prev,
                   guint64       prev,
                   guint64       cur,
                   gint64        dt_us,
                   double       *sum)
{
  double rate = 0;
  gboolean ok = ferry_stats_math_rate (have_prev, prev, cur, dt_us, &rate);

  push_rate (metrics, metric, time_us, ok, rate, sum);
}

/* Sums over a node's VMs; a metric counts once some VM reported it (or
 * when the node runs no VM at all, where 0 is the truth). */
typedef struct
{
  double   value[FERRY_N_METRICS];
  gboolean have[FERRY_N_METRICS];
} Sums;

static void
apply_domain (NodeSampler        *ns,
              FerryVm            *vm,
              const DomainSample *d,
              gint64              time_us,
              Sums               *sums)
{
  FerryMetrics *metrics = ferry_vm_get_metrics (vm);
  VmCounters *prev = g_hash_table_lookup (ns->counters, d->uuid);
  /* Counters of another run of the domain (it restarted) are no base. */
  gboolean same = prev != NULL && prev->sample.id == d->id;
  gint64 dt = same ? time_us - prev->time_us : 0;
  const DomainSample *p = same ? &prev->sample : d;
  VmCounters *counters;
  double used;

  if (d->have & HAVE_CPU)
    {
      double ns_per_s = 0, cpu = 0, host = 0;
      gboolean ok = same && (p->have & HAVE_CPU) &&
                    ferry_stats_math_rate (TRUE, p->cpu_time, d->cpu_time, dt, &ns_per_s);
      guint vcpus = (d->have & HAVE_VCPUS) && d->vcpus > 0 ? d->vcpus : ferry_vm_get_vcpus (vm);
      gboolean ok_cpu = ok && ferry_stats_math_cpu_percent (ns_per_s, vcpus, &cpu);
      gboolean ok_host = ok && ferry_stats_math_cpu_percent (ns_per_s, ferry_node_get_cpus (ns->node), &host);

      push_rate (metrics, FERRY_METRIC_CPU, time_us, ok_cpu, cpu, NULL);
      push_rate (metrics, FERRY_METRIC_CPU_HOST, time_us, ok_host, host,
                 &sums->value[FERRY_METRIC_CPU_HOST]);
      sums->have[FERRY_METRIC_CPU_HOST] = TRUE;
    }

  if (d->have & HAVE_WAIT)
    {
      double ns_per_s = 0, wait = 0, host = 0;
      gboolean ok = same && (p->have & HAVE_WAIT) &&
                    ferry_stats_math_rate (TRUE, p->vcpu_wait, d->vcpu_wait, dt, &ns_per_s);
      guint vcpus = (d->have & HAVE_VCPUS) && d->vcpus > 0 ? d->vcpus : ferry_vm_get_vcpus (vm);

      /* The VM's own series as a share of its vCPUs; the node's sum as a
       * share of the host's CPUs. */
      if (ok && ferry_stats_math_cpu_percent (ns_per_s, vcpus, &wait))
        {
          _ferry_metrics_push (metrics, FERRY_METRIC_CPU_WAIT, time_us, wait);
          if (ferry_stats_math_cpu_percent (ns_per_s, ferry_node_get_cpus (ns->node), &host))
            sums->value[FERRY_METRIC_CPU_WAIT] += host;
        }
      sums->have[FERRY_METRIC_CPU_WAIT] = TRUE;
    }

  if (ferry_stats_math_balloon_used (&d->balloon, &used))
    _ferry_metrics_push (metrics, FERRY_METRIC_MEMORY, time_us, used);
  if (d->balloon.have_current)
    _ferry_metrics_push (metrics, FERRY_METRIC_MEMORY_TOTAL, time_us, d->balloon.current * 1024.0);

  if (d->have & HAVE_BLOCK)
    {
      gboolean base = same && (p->have & HAVE_BLOCK);

      push_counter_rate (metrics, FERRY_METRIC_DISK_READ, time_us, base, p->rd_bytes, d->rd_bytes, dt,
                         &sums->value[FERRY_METRIC_DISK_READ]);
      push_counter_rate (metrics, FERRY_METRIC_DISK_WRITE, time_us, base, p->wr_bytes, d->wr_bytes, dt,
                         &sums->value[FERRY_METRIC_DISK_WRITE]);
      push_counter_rate (metrics, FERRY_METRIC_DISK_IOPS, time_us, base,
                         p->rd_reqs + p->wr_reqs, d->rd_reqs + d->wr_reqs, dt,
                         &sums->value[FERRY_METRIC_DISK_IOPS]);
      sums->have[FERRY_METRIC_DISK_READ] = TRUE;
      sums->have[FERRY_METRIC_DISK_WRITE] = TRUE;
      sums->have[FERRY_METRIC_DISK_IOPS] = TRUE;
    }

  if (d->have & HAVE_NET)
    {
      gboolean base = same && (p->have & HAVE_NET);

      push_counter_rate (metrics, FERRY_METRIC_NET_RX, time_us, base, p->rx_bytes, d->rx_bytes, dt,
                         &sums->value[FERRY_METRIC_NET_RX]);
      push_counter_rate (metrics, FERRY_METRIC_NET_TX, time_us, base, p->tx_bytes, d->tx_bytes, dt,
                         &sums->value[FERRY_METRIC_NET_TX]);
      sums->have[FERRY_METRIC_NET_RX] = TRUE;
      sums->have[FERRY_METRIC_NET_TX] = TRUE;
    }

  _ferry_metrics_commit (metrics);

  counters = g_new0 (VmCounters, 1);
  counters->sample = *d;
  counters->time_us = time_us;
  g_hash_table_replace (ns->counters, g_strdup (d->uuid), counters);
}

/* A VM owned by @ns's node that its samples no longer show. */
static gboolean
owned_here (NodeSampler *ns,
            const char  *uuid,
            FerryVm    **vm_out)
{
  FerryVm *vm = ferry_inventory_lookup_vm (ns->sampler->inventory, uuid);

  *vm_out = vm;
  return vm != NULL && ferry_vm_get_node (vm) == ns->node;
}

static void
apply_sample (NodeSampler *ns,
              SampleData  *data)
{
  FerryStatsSampler *self = ns->sampler;
  FerryMetrics *node_metrics = ferry_node_get_metrics (ns->node);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  Sums sums = { { 0 }, { 0 } };
  GHashTableIter iter;
  gpointer key, value;
  gint64 t = data->time_us;
  double percent;

  for (guint i = 0; i < data->domains->len; i++)
    {
      const DomainSample *d = &g_array_index (data->domains, DomainSample, i);
      FerryVm *vm = ferry_inventory_lookup_vm (self->inventory, d->uuid);

      /* Someone else's VM: the paused incoming copy during a migration. */
      if (vm == NULL || ferry_vm_get_node (vm) != ns->node)
        {
          g_hash_table_remove (ns->counters, d->uuid);
          continue;
        }
      g_hash_table_add (seen, (gpointer) d->uuid);
      apply_domain (ns, vm, d, t, &sums);
    }

  g_hash_table_iter_init (&iter, ns->counters);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      VmCounters *counters = value;
      FerryVm *vm;

      if (g_hash_table_contains (seen, key))
        continue;
      if (!owned_here (ns, key, &vm))
        {
          g_hash_table_iter_remove (&iter);
          continue;
        }
      if (++counters->missing >= MISSING_TICKS_FOR_GAP)
        {
          _ferry_metrics_gap (ferry_vm_get_metrics (vm), t);
          _ferry_metrics_commit (ferry_vm_get_metrics (vm));
          g_hash_table_iter_remove (&iter);
        }
    }

  if (ferry_stats_math_node_cpu (&ns->cpu_prev, &data->cpu, &percent))
    _ferry_metrics_push (node_metrics, FERRY_METRIC_CPU, t, percent);
  ns->cpu_prev = data->cpu;

  if (data->have_memory)
    {
      _ferry_metrics_push (node_metrics, FERRY_METRIC_MEMORY, t,
                           ferry_stats_math_node_memory_used (data->mem_total, data->mem_free,
                                                              data->mem_buffers, data->mem_cached));
      _ferry_metrics_push (node_metrics, FERRY_METRIC_MEMORY_TOTAL, t, data->mem_total * 1024.0);
    }

  for (guint m = FERRY_METRIC_CPU_HOST; m < FERRY_N_METRICS; m++)
    {
      if (m == FERRY_METRIC_MEMORY || m == FERRY_METRIC_MEMORY_TOTAL)
        continue;
      if (sums.have[m] || data->domains->len == 0)
        _ferry_metrics_push (node_metrics, m, t,
                             m == FERRY_METRIC_CPU_HOST || m == FERRY_METRIC_CPU_WAIT
                             ? MIN (sums.value[m], 100.0) : sums.value[m]);
    }

  _ferry_metrics_commit (node_metrics);
  ns->last_time = t;
}

/* ---------------------------------------------------------------------- */
/* Cluster                                                                 */

static guint
node_period_ms (FerryStatsSampler *self,
                NodeSampler       *ns)
{
  return ns->watched ? self->interval_ms : self->interval_ms * FERRY_STATS_SAMPLER_UNWATCHED_FACTOR;
}

static gboolean
cluster_tick_cb (gpointer user_data)
{
  FerryStatsSampler *self = user_data;
  FerryMetrics *metrics = ferry_inventory_get_metrics (self->inventory);
  gint64 now = g_get_monotonic_time ();
  double sum[FERRY_N_METRICS] = { 0 };
  guint count[FERRY_N_METRICS] = { 0 };
  guint n_nodes = 0;
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->nodes);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      NodeSampler *ns = value;
      FerryMetrics *node_metrics = ferry_node_get_metrics (ns->node);

      /* A node whose samples stopped coming is left out, not counted as
       * a stale value forever. */
      if (!ns->running || ns->last_time == 0 ||
          now - ns->last_time > 3 * (gint64) node_period_ms (self, ns) * 1000 + G_USEC_PER_SEC)
        continue;
      n_nodes++;
      for (guint m = 0; m < FERRY_N_METRICS; m++)
        {
          double v = ferry_metrics_get_last (node_metrics, m);

          if (isfinite (v))
            {
              sum[m] += v;
              count[m]++;
            }
        }
    }

  if (n_nodes == 0)
    {
      _ferry_metrics_gap (metrics, now);
      _ferry_metrics_commit (metrics);
      return G_SOURCE_CONTINUE;
    }

  for (guint m = 0; m < FERRY_N_METRICS; m++)
    {
      if (count[m] == 0)
        continue;
      if (m == FERRY_METRIC_CPU || m == FERRY_METRIC_CPU_HOST || m == FERRY_METRIC_CPU_WAIT)
        _ferry_metrics_push (metrics, m, now, sum[m] / count[m]);
      else
        _ferry_metrics_push (metrics, m, now, sum[m]);
    }
  _ferry_metrics_commit (metrics);
  return G_SOURCE_CONTINUE;
}

/* ---------------------------------------------------------------------- */
/* Scheduling                                                              */

static void
sample_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GWeakRef *weak = user_data;
  SampleData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(FerryStatsSampler) self = g_weak_ref_get (weak);
  g_autoptr(GError) error = NULL;
  NodeSampler *ns;
  gint64 start;

  g_weak_ref_clear (weak);
  g_free (weak);
  if (self == NULL)
    return;
  ns = g_hash_table_lookup (self->nodes, object);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_debug ("%s: sampling failed: %s", ferry_node_get_uri (FERRY_NODE (object)), error->message);
      if (ns != NULL && ns->run_id == data->run_id)
        ns->in_flight = FALSE;
      return;
    }

  self->samples++;
  self->worker_cpu_us += data->cpu_us;
  self->worker_wall_us += data->wall_us;

  /* Stale: the node disconnected (and maybe came back) meanwhile. */
  if (ns == NULL || !ns->running || ns->run_id != data->run_id)
    return;

  ns->in_flight = FALSE;
  ns->n_cpu_params = data->n_cpu_params;
  ns->n_mem_params = data->n_mem_params;

  start = g_get_monotonic_time ();
  apply_sample (ns, data);
  self->apply_us += g_get_monotonic_time () - start;
}

static void
start_sample (NodeSampler *ns)
{
  g_autoptr(GTask) task = NULL;
  SampleData *data;
  GWeakRef *weak;

  ns->sampler->ticks++;
  ns->in_flight = TRUE;

  data = g_new0 (SampleData, 1);
  data->run_id = ns->run_id;
  data->n_cpu_params = ns->n_cpu_params;
  data->n_mem_params = ns->n_mem_params;

  /* The sampler may go away while the sample runs. The weak reference is
   * made and dropped on the main thread only: GLib 2.74's GWeakRef raced
   * with a worker thread clearing it (the sampler kept a stray reference). */
  weak = g_new0 (GWeakRef, 1);
  g_weak_ref_init (weak, ns->sampler);
  task = g_task_new (ns->node, NULL, sample_done, weak);
  g_task_set_source_tag (task, start_sample);
  g_task_set_task_data (task, data, (GDestroyNotify) sample_data_free);
  _ferry_node_run_with_connection (ns->node, task, sample_thread);
}

static gboolean
tick_cb (gpointer user_data)
{
  NodeSampler *ns = user_data;

  /* One sample in flight per node: a slow node is sampled less often
   * instead of piling up calls on its worker. */
  if (ns->in_flight)
    ns->sampler->skipped++;
  else
    start_sample (ns);
  return G_SOURCE_CONTINUE;
}

static void
schedule (NodeSampler *ns)
{
  g_clear_handle_id (&ns->source, g_source_remove);
  if (ns->running)
    ns->source = g_timeout_add (node_period_ms (ns->sampler, ns), tick_cb, ns);
}

static void
node_start (NodeSampler *ns)
{
  if (ns->running)
    return;

  ns->running = TRUE;
  ns->run_id = ++ns->sampler->next_run_id;
  ns->in_flight = FALSE;
  ns->n_cpu_params = 0;
  ns->n_mem_params = 0;
  ns->last_time = 0;
  memset (&ns->cpu_prev, 0, sizeof ns->cpu_prev);
  g_hash_table_remove_all (ns->counters);

  start_sample (ns);
  schedule (ns);
}

static void
node_stop (NodeSampler *ns,
           gboolean     mark_gap)
{
  gint64 now = g_get_monotonic_time ();
  GHashTableIter iter;
  gpointer key;

  if (!ns->running)
    return;

  ns->running = FALSE;
  ns->in_flight = FALSE;
  ns->run_id = ++ns->sampler->next_run_id;
  g_clear_handle_id (&ns->source, g_source_remove);

  if (mark_gap)
    {
      g_hash_table_iter_init (&iter, ns->counters);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        {
          FerryVm *vm = ferry_inventory_lookup_vm (ns->sampler->inventory, key);
          FerryNode *owner = vm ? ferry_vm_get_node (vm) : NULL;

          if (vm != NULL && (owner == NULL || owner == ns->node))
            {
              _ferry_metrics_gap (ferry_vm_get_metrics (vm), now);
              _ferry_metrics_commit (ferry_vm_get_metrics (vm));
            }
        }
      _ferry_metrics_gap (ferry_node_get_metrics (ns->node), now);
      _ferry_metrics_commit (ferry_node_get_metrics (ns->node));
    }
  g_hash_table_remove_all (ns->counters);
}

static void
on_node_state (FerryNode   *node,
               GParamSpec  *pspec,
               NodeSampler *ns)
{
  if (ferry_node_get_state (node) == FERRY_NODE_STATE_CONNECTED)
    node_start (ns);
  else
    node_stop (ns, TRUE);
}

static void
node_sampler_free (NodeSampler *ns)
{
  node_stop (ns, FALSE);
  g_clear_signal_handler (&ns->state_handler, ns->node);
  g_clear_pointer (&ns->counters, g_hash_table_unref);
  g_clear_object (&ns->node);
  g_free (ns);
}

static void
add_node (FerryStatsSampler *self,
          FerryNode         *node)
{
  NodeSampler *ns = g_new0 (NodeSampler, 1);

  ns->sampler = self;
  ns->node = g_object_ref (node);
  ns->watched = TRUE;
  ns->counters = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  ns->state_handler = g_signal_connect (node, "notify::state", G_CALLBACK (on_node_state), ns);
  g_hash_table_insert (self->nodes, node, ns);
  on_node_state (node, NULL, ns);
}

/* Follows the inventory's node list. */
static void
on_nodes_changed (GListModel        *model,
                  guint              position,
                  guint              removed,
                  guint              added,
                  FerryStatsSampler *self)
{
  g_autoptr(GHashTable) listed = g_hash_table_new (NULL, NULL);
  GHashTableIter iter;
  gpointer key;
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FerryNode) node = g_list_model_get_item (model, i);

      g_hash_table_add (listed, node);
      if (!g_hash_table_contains (self->nodes, node))
        add_node (self, node);
    }

  g_hash_table_iter_init (&iter, self->nodes);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (listed, key))
      g_hash_table_iter_remove (&iter);
}

/* ---------------------------------------------------------------------- */

FerryStatsSampler *
ferry_stats_sampler_new (FerryInventory *inventory)
{
  FerryStatsSampler *self;
  GListModel *nodes;

  g_return_val_if_fail (FERRY_IS_INVENTORY (inventory), NULL);

  self = g_object_new (FERRY_TYPE_STATS_SAMPLER, NULL);
  self->inventory = g_object_ref (inventory);
  nodes = ferry_inventory_get_nodes (inventory);
  g_signal_connect_object (nodes, "items-changed", G_CALLBACK (on_nodes_changed), self, 0);
  on_nodes_changed (nodes, 0, 0, g_list_model_get_n_items (nodes), self);
  self->cluster_source = g_timeout_add (self->interval_ms, cluster_tick_cb, self);
  return self;
}

void
ferry_stats_sampler_set_interval (FerryStatsSampler *self,
                                  guint              ms)
{
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (FERRY_IS_STATS_SAMPLER (self));
  g_return_if_fail (ms > 0);

  if (self->interval_ms == ms)
    return;
  self->interval_ms = ms;

  g_hash_table_iter_init (&iter, self->nodes);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    schedule (value);
  if (self->cluster_source != 0)
    {
      g_source_remove (self->cluster_source);
      self->cluster_source = g_timeout_add (self->interval_ms, cluster_tick_cb, self);
    }
}

guint
ferry_stats_sampler_get_interval (FerryStatsSampler *self)
{
  g_return_val_if_fail (FERRY_IS_STATS_SAMPLER (self), 0);
  return self->interval_ms;
}

void
ferry_stats_sampler_watch_node (FerryStatsSampler *self,
                                FerryNode         *node,
                                gboolean           watched)
{
  NodeSampler *ns;

  g_return_if_fail (FERRY_IS_STATS_SAMPLER (self));
  g_return_if_fail (FERRY_IS_NODE (node));

  ns = g_hash_table_lookup (self->nodes, node);
  if (ns == NULL || ns->watched == !!watched)
    return;
  ns->watched = !!watched;
  schedule (ns);
}

guint64
ferry_stats_sampler_get_ticks (FerryStatsSampler *self)
{
  g_return_val_if_fail (FERRY_IS_STATS_SAMPLER (self), 0);
  return self->ticks;
}

guint64
ferry_stats_sampler_get_skipped (FerryStatsSampler *self)
{
  g_return_val_if_fail (FERRY_IS_STATS_SAMPLER (self), 0);
  return self->skipped;
}

guint64
ferry_stats_sampler_get_samples (FerryStatsSampler *self)
{
  g_return_val_if_fail (FERRY_IS_STATS_SAMPLER (self), 0);
  return self->samples;
}

guint64
ferry_stats_sampler_get_worker_cpu_us (FerryStatsSampler *self)
{
  g_return_val_if_fail (FERRY_IS_STATS_SAMPLER (self), 0);
  return self->worker_cpu_us;
}

guint64
ferry_stats_sampler_get_worker_wall_us (FerryStatsSampler *self)
{
  g_return_val_if_fail (FERRY_IS_STATS_SAMPLER (self), 0);
  return self->worker_wall_us;
}

guint64
ferry_stats_sampler_get_apply_us (FerryStatsSampler *self)
{
  g_return_val_if_fail (FERRY_IS_STATS_SAMPLER (self), 0);
  return self->apply_us;
}

static void
ferry_stats_sampler_dispose (GObject *object)
{
  FerryStatsSampler *self = FERRY_STATS_SAMPLER (object);

  g_clear_handle_id (&self->cluster_source, g_source_remove);
  if (self->nodes != NULL)
    g_hash_table_remove_all (self->nodes);
  if (self->inventory != NULL)
    g_signal_handlers_disconnect_by_data (ferry_inventory_get_nodes (self->inventory), self);
  g_clear_object (&self->inventory);

  G_OBJECT_CLASS (ferry_stats_sampler_parent_class)->dispose (object);
}

static void
ferry_stats_sampler_finalize (GObject *object)
{
  FerryStatsSampler *self = FERRY_STATS_SAMPLER (object);

  g_clear_pointer (&self->nodes, g_hash_table_unref);

  G_OBJECT_CLASS (ferry_stats_sampler_parent_class)->finalize (object);
}

static void
ferry_stats_sampler_class_init (FerryStatsSamplerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ferry_stats_sampler_dispose;
  object_class->finalize = ferry_stats_sampler_finalize;
}

static void
ferry_stats_sampler_init (FerryStatsSampler *self)
{
  self->interval_ms = FERRY_STATS_SAMPLER_DEFAULT_INTERVAL_MS;
  self->nodes = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) node_sampler_free);
}
