/* test-stats.c — statistics from real libvirtd + QEMU nodes
 *
 * Needs the local cluster of tests/cluster (`cluster up 3`). Without it
 * every test is skipped, unless FERRY_REQUIRE_CLUSTER=1 (CI) makes that a
 * failure. Only reads: the guests' states are left alone.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "ferry-test-util.h"

#define N_NODES 3

static FerryInventory *inventory;
static FerryNode *nodes[N_NODES];
static FerryStatsSampler *sampler;
static char *cluster_dir;

static gboolean
have_cluster (void)
{
  if (nodes[0] != NULL)
    return TRUE;
  if (g_strcmp0 (g_getenv ("FERRY_REQUIRE_CLUSTER"), "1") == 0)
    g_error ("the local cluster is not up (tests/cluster/cluster up 3)");
  g_test_skip ("the local cluster is not up (tests/cluster/cluster up 3)");
  return FALSE;
}

typedef struct
{
  FerryMetrics *metrics;
  FerryMetric   metric;
  double        threshold;
} MetricWait;

static gboolean
metric_above (gpointer data)
{
  MetricWait *w = data;
  double value = ferry_metrics_get_last (w->metrics, w->metric);

  return isfinite (value) && value > w->threshold;
}

/* For tests with busy guests: waits until @metric's latest value exceeds
 * @threshold (e.g. a CPU-burning guest above 50 %, a disk writer above
 * 1 MiB/s). Returns whether it did within @timeout_ms. */
static gboolean
wait_metric_above (FerryMetrics *metrics,
                   FerryMetric   metric,
                   double        threshold,
                   guint         timeout_ms)
{
  MetricWait w = { metrics, metric, threshold };

  return ferry_test_wait_until (metric_above, &w, timeout_ms);
}

static gboolean
wait_vm_metric_above (const char  *vm_name,
                      FerryMetric  metric,
                      double       threshold,
                      guint        timeout_ms)
{
  FerryVm *vm = ferry_inventory_find_vm_by_name (inventory, vm_name);

  g_assert_nonnull (vm);
  return wait_metric_above (ferry_vm_get_metrics (vm), metric, threshold, timeout_ms);
}

static GPtrArray *
running_vms (void)
{
  GPtrArray *vms = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < N_NODES; i++)
    {
      GListModel *list = ferry_node_get_vms (nodes[i]);

      for (guint j = 0; j < g_list_model_get_n_items (list); j++)
        {
          FerryVm *vm = g_list_model_get_item (list, j);

          if (ferry_vm_get_state (vm) == FERRY_VM_STATE_RUNNING)
            g_ptr_array_add (vms, vm);
          else
            g_object_unref (vm);
        }
    }
  return vms;
}

static gboolean
all_have_cpu (gpointer data)
{
  GPtrArray *vms = data;

  for (guint i = 0; i < vms->len; i++)
    if (!isfinite (ferry_metrics_get_last (ferry_vm_get_metrics (g_ptr_array_index (vms, i)),
                                           FERRY_METRIC_CPU)))
      return FALSE;
  return TRUE;
}

static void
test_vm_cpu (void)
{
  g_autoptr(GPtrArray) vms = NULL;
  guint per_node[N_NODES] = { 0 };

  if (!have_cluster ())
    return;

  vms = running_vms ();
  for (guint i = 0; i < vms->len; i++)
    for (guint n = 0; n < N_NODES; n++)
      if (ferry_vm_get_node (g_ptr_array_index (vms, i)) == nodes[n])
        per_node[n]++;
  for (guint n = 0; n < N_NODES; n++)
    g_assert_cmpuint (per_node[n], >, 0);

  /* Every running guest on all three nodes within 5 s. */
  g_assert_true (ferry_test_wait_until (all_have_cpu, vms, 5000));

  /* Idle guests still spend some CPU (timer ticks): 0 everywhere would
   * mean that the rates are not computed. */
  {
    double sum = 0;

    for (guint i = 0; i < vms->len; i++)
      sum += ferry_metrics_get_last (ferry_vm_get_metrics (g_ptr_array_index (vms, i)), FERRY_METRIC_CPU);
    g_assert_cmpfloat (sum, >, 0);
  }

  for (guint i = 0; i < vms->len; i++)
    {
      FerryVm *vm = g_ptr_array_index (vms, i);
      FerryMetrics *metrics = ferry_vm_get_metrics (vm);
      double cpu = ferry_metrics_get_last (metrics, FERRY_METRIC_CPU);
      double host = ferry_metrics_get_last (metrics, FERRY_METRIC_CPU_HOST);
      double used = ferry_metrics_get_last (metrics, FERRY_METRIC_MEMORY);
      double total = ferry_metrics_get_last (metrics, FERRY_METRIC_MEMORY_TOTAL);
      g_autofree char *cpu_text = ferry_stats_format_value (FERRY_STATS_UNIT_PERCENT, cpu);
      g_autofree char *used_text = ferry_stats_format_value (FERRY_STATS_UNIT_BYTES, used);

      g_test_message ("%s on %s: CPU %s, memory %s", ferry_vm_get_name (vm),
                      ferry_node_get_name (ferry_vm_get_node (vm)), cpu_text, used_text);
      g_assert_cmpfloat (cpu, >=, 0);
      g_assert_cmpfloat (cpu, <=, 100);
      g_assert_cmpfloat (host, >=, 0);
      g_assert_cmpfloat (host, <=, cpu);
      /* The same CPU time over the vCPUs and over the host's CPUs. */
      if (cpu < 100)
        g_assert_cmpfloat_with_epsilon (host * ferry_node_get_cpus (ferry_vm_get_node (vm)),
                                        cpu * ferry_vm_get_vcpus (vm), 1e-6);
      /* The nodes report current/maximum/rss: RSS capped at current. */
      g_assert_cmpfloat (total, ==, ferry_vm_get_memory (vm));
      g_assert_cmpfloat (used, >, 0);
      g_assert_cmpfloat (used, <=, total);
      /* Every guest has a disk: its rates are there (0 when idle). */
      g_assert_cmpfloat (ferry_metrics_get_last (metrics, FERRY_METRIC_DISK_READ), >=, 0);
      g_assert_cmpfloat (ferry_metrics_get_last (metrics, FERRY_METRIC_DISK_WRITE), >=, 0);
      g_assert_cmpfloat (ferry_metrics_get_last (metrics, FERRY_METRIC_DISK_IOPS), >=, 0);
      /* For sorting in the VM list. */
      g_assert_cmpfloat (ferry_metrics_get_cpu (metrics), ==, cpu);
      g_assert_cmpfloat (ferry_metrics_get_memory (metrics), ==, used);
    }
}

typedef struct
{
  FerryStatsSeries *series;
  guint             n;
} SeriesWait;

static guint
series_len (FerryStatsSeries *series)
{
  g_autofree gint64 *times = NULL;
  g_autofree double *values = NULL;
  guint n = 0;

  ferry_stats_series_get_range (series, G_MAXINT64 / 2, G_MAXINT64 / 2, &times, &values, &n);
  return n;
}

static gboolean
series_has (gpointer data)
{
  SeriesWait *w = data;

  return series_len (w->series) >= w->n;
}

static void
test_node_series (void)
{
  FerryMetrics *cluster;
  double cluster_total = 0;

  if (!have_cluster ())
    return;

  for (guint i = 0; i < N_NODES; i++)
    {
      FerryMetrics *metrics = ferry_node_get_metrics (nodes[i]);
      SeriesWait cpu = { ferry_metrics_get_series (metrics, FERRY_METRIC_CPU), 3 };
      SeriesWait mem = { ferry_metrics_get_series (metrics, FERRY_METRIC_MEMORY), 3 };
      double percent, used, total, vm_cpu;

      g_assert_true (ferry_test_wait_until (series_has, &cpu, 5000));
      g_assert_true (ferry_test_wait_until (series_has, &mem, 5000));

      percent = ferry_metrics_get_last (metrics, FERRY_METRIC_CPU);
      used = ferry_metrics_get_last (metrics, FERRY_METRIC_MEMORY);
      total = ferry_metrics_get_last (metrics, FERRY_METRIC_MEMORY_TOTAL);
      vm_cpu = ferry_metrics_get_last (metrics, FERRY_METRIC_CPU_HOST);
      g_test_message ("%s: CPU %.1f %%, VMs %.1f %% of the host, memory %.0f of %.0f MiB",
                      ferry_node_get_name (nodes[i]), percent, vm_cpu,
                      used / (1 << 20), total / (1 << 20));
      g_assert_cmpfloat (percent, >=, 0);
      g_assert_cmpfloat (percent, <=, 100);
      g_assert_cmpfloat (vm_cpu, >=, 0);
      g_assert_cmpfloat (vm_cpu, <=, 100);
      g_assert_cmpfloat (used, >, 0);
      g_assert_cmpfloat (used, <, total);
      g_assert_true (isfinite (ferry_metrics_get_last (metrics, FERRY_METRIC_DISK_WRITE)));
      g_assert_true (isfinite (ferry_metrics_get_last (metrics, FERRY_METRIC_NET_RX)));
      cluster_total += total;
    }

  /* The cluster sums memory (all nodes share one host here, so totals
   * match exactly) and averages CPU. */
  cluster = ferry_inventory_get_metrics (inventory);
  g_assert_true (wait_metric_above (cluster, FERRY_METRIC_MEMORY_TOTAL, cluster_total - 1, 5000));
  g_assert_cmpfloat (ferry_metrics_get_last (cluster, FERRY_METRIC_MEMORY_TOTAL), ==, cluster_total);
  g_assert_cmpfloat (ferry_metrics_get_last (cluster, FERRY_METRIC_CPU), >=, 0);
  g_assert_cmpfloat (ferry_metrics_get_last (cluster, FERRY_METRIC_CPU), <=, 100);
}

static void
test_cost (void)
{
  guint64 samples;

  if (!have_cluster ())
    return;

  samples = ferry_stats_sampler_get_samples (sampler);
  g_assert_cmpuint (samples, >, 0);
  g_test_message ("ticks %" G_GUINT64_FORMAT ", samples %" G_GUINT64_FORMAT ", skipped %" G_GUINT64_FORMAT,
                  ferry_stats_sampler_get_ticks (sampler), samples,
                  ferry_stats_sampler_get_skipped (sampler));
  g_test_message ("per node per tick: worker CPU %.0f µs, worker wall %.0f µs, main thread %.0f µs",
                  (double) ferry_stats_sampler_get_worker_cpu_us (sampler) / samples,
                  (double) ferry_stats_sampler_get_worker_wall_us (sampler) / samples,
                  (double) ferry_stats_sampler_get_apply_us (sampler) / samples);
  /* Nodes answering in a few ms never make a 1 s tick wait. */
  g_assert_cmpuint (ferry_stats_sampler_get_skipped (sampler), ==, 0);
}

static void
cluster_cmd (const char * const *argv_tail)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_ptr_array_add (argv, g_build_filename (g_getenv ("FERRY_SOURCE_DIR"), "tests", "cluster", "cluster", NULL));
  for (guint i = 0; argv_tail[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (argv_tail[i]));
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_STDOUT_TO_DEV_NULL,
                               NULL, NULL, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

static void
remove_guest (FerryNode  *node,
              const char *name)
{
  const char *destroy[] = { "virsh", "-q", "-c", ferry_node_get_uri (node), "destroy", name, NULL };
  const char *undefine[] = { "virsh", "-q", "-c", ferry_node_get_uri (node), "undefine", name,
                             "--remove-all-storage", NULL };

  g_spawn_sync (NULL, (char **) destroy, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, NULL, NULL);
  g_spawn_sync (NULL, (char **) undefine, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, NULL, NULL);
}

typedef struct { const char *name; } NameWait;

static gboolean
vm_listed_running (gpointer data)
{
  FerryVm *vm = ferry_inventory_find_vm_by_name (inventory, ((NameWait *) data)->name);
  return vm != NULL && ferry_vm_get_state (vm) == FERRY_VM_STATE_RUNNING;
}

/* A guest that burns its vCPU shows > 50 %, an idle one stays near 0; a
 * guest rewriting its disk shows write throughput. */
static void
test_busy_guests (void)
{
  NameWait burn = { "stats-burn" };
  NameWait disk = { "stats-disk" };
  const char *define_burn[] = { "define-guest", "node2", "stats-burn", "--start", "--load", "cpu", NULL };
  const char *define_disk[] = { "define-guest", "node3", "stats-disk", "--start", "--load", "disk",
                                "--pool", "local", NULL };
  FerryVm *idle;
  double idle_cpu, burn_cpu, write_rate;

  if (!have_cluster ())
    return;

  /* Leftovers of an interrupted run, wherever they went. */
  for (guint i = 0; i < N_NODES; i++)
    {
      remove_guest (nodes[i], "stats-burn");
      remove_guest (nodes[i], "stats-disk");
    }
  cluster_cmd (define_burn);
  cluster_cmd (define_disk);
  g_assert_true (ferry_test_wait_until (vm_listed_running, &burn, 10000));
  g_assert_true (ferry_test_wait_until (vm_listed_running, &disk, 10000));

  g_assert_true (wait_vm_metric_above ("stats-burn", FERRY_METRIC_CPU, 50, 60000));
  g_assert_true (wait_vm_metric_above ("stats-disk", FERRY_METRIC_DISK_WRITE, 1024 * 1024, 90000));
  /* Two CPUs shared by eight TCG guests: a busy one does not get a whole
   * core every second; its best of the last 10 s tells. */
  burn_cpu = ferry_stats_series_get_max (ferry_metrics_get_series (ferry_vm_get_metrics (
                                           ferry_inventory_find_vm_by_name (inventory, "stats-burn")),
                                         FERRY_METRIC_CPU),
                                         g_get_monotonic_time (), 10 * G_USEC_PER_SEC);
  write_rate = ferry_metrics_get_last (ferry_vm_get_metrics (ferry_inventory_find_vm_by_name (inventory, "stats-disk")),
                                       FERRY_METRIC_DISK_WRITE);
  idle = ferry_inventory_find_vm_by_name (inventory, "n1-db");
  idle_cpu = ferry_metrics_get_last (ferry_vm_get_metrics (idle), FERRY_METRIC_CPU);
  g_test_message ("busy guest %.1f %% CPU, idle guest %.1f %%, disk writer %.1f MiB/s",
                  burn_cpu, idle_cpu, write_rate / (1024 * 1024));
  g_assert_cmpfloat (burn_cpu, >, 50);
  g_assert_cmpfloat (idle_cpu, <, 15);
  /* The node's sums include them. */
  g_assert_cmpfloat (ferry_metrics_get_last (ferry_node_get_metrics (nodes[2]), FERRY_METRIC_DISK_WRITE), >, 0);

  remove_guest (nodes[2], "stats-disk");
}

typedef struct
{
  FerryVm   *vm;
  FerryNode *node;
} OwnerWait;

static gboolean
owned_by (gpointer data)
{
  OwnerWait *w = data;
  return ferry_vm_get_node (w->vm) == w->node && ferry_vm_get_state (w->vm) == FERRY_VM_STATE_RUNNING;
}

/* After a live migration the VM's graph goes on: no gap, no spike. */
static void
test_migration_continuity (void)
{
  FerryVm *vm;
  FerryStatsSeries *cpu;
  OwnerWait w;
  gint64 before, after;
  g_autofree gint64 *times = NULL;
  g_autofree double *values = NULL;
  guint n = 0;

  if (!have_cluster ())
    return;

  /* Its own busy guest when the previous test did not leave one. */
  if (ferry_inventory_find_vm_by_name (inventory, "stats-burn") == NULL)
    {
      NameWait burn = { "stats-burn" };
      const char *define_burn[] = { "define-guest", "node2", "stats-burn", "--start", "--load", "cpu", NULL };

      for (guint i = 0; i < N_NODES; i++)
        remove_guest (nodes[i], "stats-burn");
      cluster_cmd (define_burn);
      g_assert_true (ferry_test_wait_until (vm_listed_running, &burn, 10000));
    }
  vm = ferry_inventory_find_vm_by_name (inventory, "stats-burn");
  g_assert_nonnull (vm);
  cpu = ferry_metrics_get_series (ferry_vm_get_metrics (vm), FERRY_METRIC_CPU);
  g_assert_true (wait_vm_metric_above ("stats-burn", FERRY_METRIC_CPU, 50, 60000));

  before = g_get_monotonic_time ();
  w.vm = vm;
  w.node = ferry_vm_get_node (vm) == nodes[0] ? nodes[1] : nodes[0];
  g_assert_no_error (ferry_test_migrate (vm, w.node, 120000));
  g_assert_true (ferry_test_wait_until (owned_by, &w, 10000));
  /* A few ticks on the new node. */
  {
    gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
    while (g_get_monotonic_time () < end)
      g_main_context_iteration (NULL, TRUE);
  }
  after = g_get_monotonic_time ();

  ferry_stats_series_get_range (cpu, after, after - before + 3 * G_USEC_PER_SEC, &times, &values, &n);
  g_test_message ("%u CPU samples across the migration", n);
  g_assert_cmpuint (n, >=, 5);
  for (guint i = 0; i < n; i++)
    {
      g_assert_true (isfinite (values[i]));      /* no gap */
      g_assert_cmpfloat (values[i], >=, 0);
      g_assert_cmpfloat (values[i], <=, 100);    /* no spike */
      if (i > 0)
        /* Samples keep coming, also across the move (1 s apart; a loaded
         * two-CPU machine can delay a tick or two). */
        g_assert_cmpint (times[i] - times[i - 1], <, 8 * G_USEC_PER_SEC);
    }
  /* Still busy on the new node. */
  g_assert_cmpfloat (ferry_stats_series_get_max (cpu, after, 4 * G_USEC_PER_SEC), >, 40);

  remove_guest (w.node, "stats-burn");
}

static void
test_no_libvirt_on_main_thread (void)
{
  g_assert_cmpuint (ferry_core_get_libvirt_calls_on_main_thread (), ==, 0);
}

static void
setup_cluster (void)
{
  g_autoptr(GError) error = NULL;

  /* Not up (or not answering): the tests skip. */
  ferry_test_connect_cluster (inventory, nodes, NULL, N_NODES, &error);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  ferry_core_init ();

  cluster_dir = g_strdup (g_getenv ("FERRY_CLUSTER_DIR") ? g_getenv ("FERRY_CLUSTER_DIR")
                                                         : "/var/tmp/ferry-cluster");
  inventory = ferry_inventory_new ();
  /* Sampling starts as the nodes connect, as in the application. */
  sampler = ferry_stats_sampler_new (inventory);
  setup_cluster ();

  g_test_add_func ("/stats-cluster/vm-cpu", test_vm_cpu);
  g_test_add_func ("/stats-cluster/node-series", test_node_series);
  g_test_add_func ("/stats-cluster/cost", test_cost);
  g_test_add_func ("/stats-cluster/busy-guests", test_busy_guests);
  g_test_add_func ("/stats-cluster/migration-continuity", test_migration_continuity);
  g_test_add_func ("/stats-cluster/no-libvirt-on-main-thread", test_no_libvirt_on_main_thread);

  ret = g_test_run ();

  g_clear_object (&sampler);
  for (guint i = 0; i < N_NODES; i++)
    if (nodes[i] != NULL)
      ferry_inventory_remove_node (inventory, nodes[i]);
  /* Let the nodes' workers close their connections. */
  for (guint i = 0; i < 50; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }
  for (guint i = 0; i < N_NODES; i++)
    g_clear_object (&nodes[i]);
  g_clear_object (&inventory);
  g_free (cluster_dir);
  return ret;
}
