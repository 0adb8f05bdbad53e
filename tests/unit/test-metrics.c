/* test-metrics.c — FerryMetrics: labels and units, what a tick's samples do
 * to the properties and "updated", gaps, and where the metrics of a VM, a
 * node and the cluster are found (test:///default)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "ferry-metrics-private.h"
#include "ferry-test-util.h"

#define T0 ((gint64) 1000 * 60 * G_USEC_PER_SEC)

static guint
series_len (FerryStatsSeries *series)
{
  g_autofree gint64 *times = NULL;
  g_autofree double *values = NULL;
  guint n = 0;

  ferry_stats_series_get_range (series, G_MAXINT64 / 2, G_MAXINT64 / 2, &times, &values, &n);
  return n;
}

static void
count_updates (FerryMetrics *metrics,
               guint        *count)
{
  (*count)++;
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

static void
test_metrics (void)
{
  FerryMetrics *metrics = ferry_metrics_new ();
  guint updates = 0, notifies = 0;
  double cpu = -1;

  g_signal_connect (metrics, "updated", G_CALLBACK (count_updates), &updates);
  g_signal_connect (metrics, "notify::cpu", G_CALLBACK (count_notify), &notifies);

  for (guint m = 0; m < FERRY_N_METRICS; m++)
    {
      g_assert_nonnull (ferry_metrics_get_series (metrics, m));
      g_assert_nonnull (ferry_metric_get_label (m));
      g_assert_true (isnan (ferry_metrics_get_last (metrics, m)));
    }
  g_assert_cmpstr (ferry_metric_get_label (FERRY_METRIC_CPU), ==, "CPU");
  g_assert_cmpstr (ferry_metric_get_label (FERRY_METRIC_DISK_READ), ==, "Disk read");
  g_assert_cmpint (ferry_metric_get_unit (FERRY_METRIC_CPU), ==, FERRY_STATS_UNIT_PERCENT);
  g_assert_cmpint (ferry_metric_get_unit (FERRY_METRIC_MEMORY), ==, FERRY_STATS_UNIT_BYTES);
  g_assert_cmpint (ferry_metric_get_unit (FERRY_METRIC_NET_TX), ==, FERRY_STATS_UNIT_BYTES_PER_SECOND);
  g_assert_cmpint (ferry_metric_get_unit (FERRY_METRIC_DISK_IOPS), ==, FERRY_STATS_UNIT_PER_SECOND);

  /* g_object_get works: what a GtkPropertyExpression does. */
  g_object_get (metrics, "cpu", &cpu, NULL);
  g_assert_cmpfloat (cpu, ==, 0);

  g_assert_cmpfloat (ferry_metrics_get_cpu (metrics), ==, 0);
  g_assert_cmpfloat (ferry_metrics_get_memory (metrics), ==, 0);
  g_assert_cmpfloat (ferry_metrics_get_disk (metrics), ==, 0);
  g_assert_cmpfloat (ferry_metrics_get_net (metrics), ==, 0);
  g_assert_cmpuint (updates, ==, 0);
  g_assert_cmpuint (notifies, ==, 0);
  g_assert_finalize_object (metrics);
}


typedef struct
{
  guint cpu, memory, disk, net;
} Notifies;

static void
on_notify (GObject    *object,
           GParamSpec *pspec,
           Notifies   *n)
{
  const char *name = g_param_spec_get_name (pspec);

  if (g_str_equal (name, "cpu"))
    n->cpu++;
  else if (g_str_equal (name, "memory"))
    n->memory++;
  else if (g_str_equal (name, "disk"))
    n->disk++;
  else if (g_str_equal (name, "net"))
    n->net++;
}

/* A tick's samples are announced once, at its commit: the properties carry
 * the latest values (disk and network as sums of both directions) and
 * notify only when they changed. */
static void
test_commit (void)
{
  FerryMetrics *metrics = ferry_metrics_new ();
  Notifies notifies = { 0 };
  guint updates = 0;
  double disk = -1;

  g_signal_connect (metrics, "updated", G_CALLBACK (count_updates), &updates);
  g_signal_connect (metrics, "notify", G_CALLBACK (on_notify), &notifies);

  _ferry_metrics_push (metrics, FERRY_METRIC_CPU, T0, 12.5);
  _ferry_metrics_push (metrics, FERRY_METRIC_MEMORY, T0, 4096);
  _ferry_metrics_push (metrics, FERRY_METRIC_DISK_READ, T0, 100);
  _ferry_metrics_push (metrics, FERRY_METRIC_DISK_WRITE, T0, 50);
  _ferry_metrics_push (metrics, FERRY_METRIC_NET_RX, T0, 7);
  _ferry_metrics_push (metrics, FERRY_METRIC_NET_TX, T0, 3);
  /* Pushed, not yet announced: the series has it, the properties not. */
  g_assert_cmpfloat (ferry_metrics_get_last (metrics, FERRY_METRIC_CPU), ==, 12.5);
  g_assert_cmpfloat (ferry_metrics_get_cpu (metrics), ==, 0);
  g_assert_cmpuint (updates, ==, 0);

  _ferry_metrics_commit (metrics);
  g_assert_cmpuint (updates, ==, 1);
  g_assert_cmpfloat (ferry_metrics_get_cpu (metrics), ==, 12.5);
  g_assert_cmpfloat (ferry_metrics_get_memory (metrics), ==, 4096);
  g_assert_cmpfloat (ferry_metrics_get_disk (metrics), ==, 150);
  g_assert_cmpfloat (ferry_metrics_get_net (metrics), ==, 10);
  g_object_get (metrics, "disk", &disk, NULL);
  g_assert_cmpfloat (disk, ==, 150);
  g_assert_cmpuint (notifies.cpu, ==, 1);
  g_assert_cmpuint (notifies.memory, ==, 1);
  g_assert_cmpuint (notifies.disk, ==, 1);
  g_assert_cmpuint (notifies.net, ==, 1);

  /* Nothing pushed since: nothing to announce. */
  _ferry_metrics_commit (metrics);
  g_assert_cmpuint (updates, ==, 1);

  /* The same CPU again and a new read rate: a redraw, one notify. */
  _ferry_metrics_push (metrics, FERRY_METRIC_CPU, T0 + G_USEC_PER_SEC, 12.5);
  _ferry_metrics_push (metrics, FERRY_METRIC_DISK_READ, T0 + G_USEC_PER_SEC, 200);
  _ferry_metrics_commit (metrics);
  g_assert_cmpuint (updates, ==, 2);
  g_assert_cmpuint (notifies.cpu, ==, 1);
  g_assert_cmpuint (notifies.disk, ==, 2);
  g_assert_cmpfloat (ferry_metrics_get_disk (metrics), ==, 250);
  g_assert_cmpuint (series_len (ferry_metrics_get_series (metrics, FERRY_METRIC_CPU)), ==, 2);

  g_signal_handlers_disconnect_by_data (metrics, &updates);
  g_signal_handlers_disconnect_by_data (metrics, &notifies);
  g_assert_finalize_object (metrics);
}

/* A gap goes into the series that have a value (a chart breaks its line
 * there), not into those that never had one; the properties drop to 0. */
static void
test_gap (void)
{
  FerryMetrics *metrics = ferry_metrics_new ();
  guint updates = 0;

  g_signal_connect (metrics, "updated", G_CALLBACK (count_updates), &updates);

  /* Nothing to break yet: no sample, no announcement. */
  _ferry_metrics_gap (metrics, T0);
  _ferry_metrics_commit (metrics);
  g_assert_cmpuint (updates, ==, 0);

  _ferry_metrics_push (metrics, FERRY_METRIC_CPU, T0 + G_USEC_PER_SEC, 40);
  _ferry_metrics_push (metrics, FERRY_METRIC_NET_RX, T0 + G_USEC_PER_SEC, 1000);
  _ferry_metrics_commit (metrics);
  g_assert_cmpfloat (ferry_metrics_get_net (metrics), ==, 1000);

  _ferry_metrics_gap (metrics, T0 + 2 * G_USEC_PER_SEC);
  _ferry_metrics_commit (metrics);
  g_assert_cmpuint (updates, ==, 2);
  g_assert_true (isnan (ferry_metrics_get_last (metrics, FERRY_METRIC_CPU)));
  g_assert_true (isnan (ferry_metrics_get_last (metrics, FERRY_METRIC_NET_RX)));
  g_assert_cmpuint (series_len (ferry_metrics_get_series (metrics, FERRY_METRIC_CPU)), ==, 2);
  g_assert_cmpuint (series_len (ferry_metrics_get_series (metrics, FERRY_METRIC_DISK_READ)), ==, 0);
  g_assert_cmpfloat (ferry_metrics_get_cpu (metrics), ==, 0);
  g_assert_cmpfloat (ferry_metrics_get_net (metrics), ==, 0);

  /* A second gap in a row adds nothing. */
  _ferry_metrics_gap (metrics, T0 + 3 * G_USEC_PER_SEC);
  _ferry_metrics_commit (metrics);
  g_assert_cmpuint (updates, ==, 2);
  g_assert_cmpuint (series_len (ferry_metrics_get_series (metrics, FERRY_METRIC_CPU)), ==, 2);

  g_signal_handlers_disconnect_by_data (metrics, &updates);
  g_assert_finalize_object (metrics);
}

/* A series is made once per metric and kept; a metric out of range is a
 * programming error, answered with NULL/NAN. */
static void
test_series_kept (void)
{
  FerryMetrics *metrics = ferry_metrics_new ();
  FerryStatsSeries *cpu = ferry_metrics_get_series (metrics, FERRY_METRIC_CPU);

  g_assert_true (ferry_metrics_get_series (metrics, FERRY_METRIC_CPU) == cpu);
  g_assert_true (ferry_metrics_get_series (metrics, FERRY_METRIC_CPU_HOST) != cpu);
  g_assert_cmpstr (ferry_stats_series_get_name (cpu), ==, "cpu");
  g_assert_cmpstr (ferry_stats_series_get_name (ferry_metrics_get_series (metrics, FERRY_METRIC_NET_TX)), ==, "net-tx");
  g_assert_cmpint (ferry_stats_series_get_unit (ferry_metrics_get_series (metrics, FERRY_METRIC_MEMORY)), ==,
                   FERRY_STATS_UNIT_BYTES);

  g_test_expect_message ("ferry-core", G_LOG_LEVEL_CRITICAL, "*metric < FERRY_N_METRICS*");
  g_assert_null (ferry_metrics_get_series (metrics, FERRY_N_METRICS));
  g_test_assert_expected_messages ();
  g_test_expect_message ("ferry-core", G_LOG_LEVEL_CRITICAL, "*metric < FERRY_N_METRICS*");
  g_assert_true (isnan (ferry_metrics_get_last (metrics, FERRY_N_METRICS)));
  g_test_assert_expected_messages ();

  g_assert_finalize_object (metrics);
}

/* Where the metrics are: one per VM, one per node, one for the cluster,
 * each its own and the same every time it is asked for; unknown ids find
 * nothing. */
static void
test_lookups (void)
{
  FerryInventory *inventory = ferry_inventory_new ();
  FerryNode *node = ferry_test_add_connected_node (inventory, "test:///default");
  FerryMetrics *cluster = ferry_inventory_get_metrics (inventory);
  FerryMetrics *node_metrics = ferry_node_get_metrics (node);
  FerryVm *vm = ferry_inventory_find_vm_by_name (inventory, "test");
  FerryMetrics *vm_metrics;
  FerryMetrics *got = NULL;

  g_assert_nonnull (vm);
  vm_metrics = ferry_vm_get_metrics (vm);
  g_assert_true (FERRY_IS_METRICS (cluster));
  g_assert_true (FERRY_IS_METRICS (node_metrics));
  g_assert_true (FERRY_IS_METRICS (vm_metrics));
  g_assert_true (cluster != node_metrics && cluster != vm_metrics && node_metrics != vm_metrics);
  g_assert_true (ferry_inventory_get_metrics (inventory) == cluster);
  g_assert_true (ferry_node_get_metrics (node) == node_metrics);

  /* By UUID and by name: the same VM, the same metrics. */
  g_assert_true (ferry_inventory_lookup_vm (inventory, ferry_vm_get_uuid (vm)) == vm);
  g_assert_true (ferry_vm_get_metrics (ferry_inventory_lookup_vm (inventory, ferry_vm_get_uuid (vm))) == vm_metrics);
  g_object_get (vm, "metrics", &got, NULL);
  g_assert_true (got == vm_metrics);
  g_clear_object (&got);
  g_assert_true (ferry_inventory_find_node_by_id (inventory, ferry_node_get_id (node)) == node);

  /* Unknown ids. */
  g_assert_null (ferry_inventory_lookup_vm (inventory, "00000000-0000-4000-8000-000000000000"));
  g_assert_null (ferry_inventory_lookup_vm (inventory, "not a uuid"));
  g_assert_null (ferry_inventory_find_vm_by_name (inventory, "no-such-vm"));
  g_assert_null (ferry_inventory_find_node_by_id (inventory, "no-such-node"));
  g_assert_null (ferry_inventory_find_node_by_uri (inventory, "test:///nowhere"));

  /* Nothing sampled them: no values, the properties at 0. */
  g_assert_true (isnan (ferry_metrics_get_last (cluster, FERRY_METRIC_CPU)));
  g_assert_true (isnan (ferry_metrics_get_last (node_metrics, FERRY_METRIC_CPU)));
  g_assert_true (isnan (ferry_metrics_get_last (vm_metrics, FERRY_METRIC_CPU)));
  g_assert_cmpfloat (ferry_metrics_get_cpu (vm_metrics), ==, 0);

  ferry_inventory_remove_node (inventory, node);
  ferry_test_finalize_node (node);
  g_assert_finalize_object (inventory);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  ferry_core_init ();
  /* libvirt's event loop iterates GLib's default context on ferry-core's
   * event thread whenever the main thread lets go of it: own it all along,
   * as the application's main loop does. */
  g_main_context_acquire (NULL);

  g_test_add_func ("/stats/metrics", test_metrics);
  g_test_add_func ("/stats/metrics/commit", test_commit);
  g_test_add_func ("/stats/metrics/gap", test_gap);
  g_test_add_func ("/stats/metrics/series-kept", test_series_kept);
  g_test_add_func ("/stats/metrics/lookups", test_lookups);

  {
    int ret = g_test_run ();

    g_main_context_release (NULL);
    return ret;
  }
}
