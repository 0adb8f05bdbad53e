/* test-stats-sampler.c — FerryStatsSampler on libvirt's test:/// driver:
 * what a node's samples fill, disconnects and removals, the interval and
 * unwatched nodes, nodes that come and go while it samples, a node too
 * slow for the interval
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "ferry-test-util.h"

static void
count_updates (FerryMetrics *metrics,
               guint        *count)
{
  (*count)++;
}

static char *tmpdir;

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

typedef struct
{
  FerryStatsSampler *sampler;
  guint64            ticks;
} TicksWait;

static gboolean
ticks_reach (gpointer data)
{
  TicksWait *w = data;

  return ferry_stats_sampler_get_ticks (w->sampler) >= w->ticks;
}

static void
run_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static void
test_sampler (void)
{
  FerryInventory *inventory = ferry_inventory_new ();
  g_autofree char *uri = ferry_test_write_node_file (tmpdir, "stats.xml", "stats", 4, 3,
                                                     "cccccccc-0000-4000-8000-");
  FerryNode *node = ferry_test_add_connected_node (inventory, uri);
  FerryNode *other = ferry_test_add_connected_node (inventory, "test:///default");
  FerryStatsSampler *sampler = ferry_stats_sampler_new (inventory);
  FerryMetrics *node_metrics = ferry_node_get_metrics (node);
  FerryVm *vm = ferry_inventory_find_vm_by_name (inventory, "stats-0001");
  FerryMetrics *vm_metrics = NULL;
  SeriesWait w = { ferry_metrics_get_series (node_metrics, FERRY_METRIC_CPU), 3 };
  SeriesWait wc = { ferry_metrics_get_series (ferry_inventory_get_metrics (inventory), FERRY_METRIC_CPU), 2 };
  TicksWait tw = { sampler, 0 };
  guint node_updates = 0;
  guint64 ticks;
  double cpu = -1;

  g_assert_nonnull (vm);
  g_object_get (vm, "metrics", &vm_metrics, NULL);
  g_assert_true (vm_metrics == ferry_vm_get_metrics (vm));
  g_object_unref (vm_metrics);

  g_signal_connect (node_metrics, "updated", G_CALLBACK (count_updates), &node_updates);
  ferry_stats_sampler_set_interval (sampler, 50);
  g_assert_cmpuint (ferry_stats_sampler_get_interval (sampler), ==, 50);

  /* Node CPU works on the test driver: the series fills (its counters
   * are constants, so the host shows 0 % busy). */
  g_assert_true (ferry_test_wait_until (series_has, &w, 5000));
  g_assert_cmpfloat (ferry_metrics_get_last (node_metrics, FERRY_METRIC_CPU), >=, 0);
  g_assert_cmpfloat (ferry_metrics_get_last (node_metrics, FERRY_METRIC_CPU), <=, 100);
  g_assert_cmpuint (node_updates, >=, 3);
  g_assert_cmpuint (ferry_stats_sampler_get_ticks (sampler), >=, 3);
  g_assert_cmpuint (ferry_stats_sampler_get_samples (sampler), >=, 3);
  g_assert_cmpuint (ferry_stats_sampler_get_worker_wall_us (sampler), >, 0);
  /* The node's VM sums: its VMs report nothing, so nothing to sum. */
  g_assert_true (isnan (ferry_metrics_get_last (node_metrics, FERRY_METRIC_DISK_READ)));
  /* No memory statistics on the test driver: no memory series. */
  g_assert_true (isnan (ferry_metrics_get_last (node_metrics, FERRY_METRIC_MEMORY)));

  /* The test driver only has the "state" group: the VMs' series stay
   * empty, and nothing crashed getting there. */
  for (guint m = 0; m < FERRY_N_METRICS; m++)
    g_assert_cmpuint (series_len (ferry_metrics_get_series (ferry_vm_get_metrics (vm), m)), ==, 0);
  g_object_get (ferry_vm_get_metrics (vm), "cpu", &cpu, NULL);
  g_assert_cmpfloat (cpu, ==, 0);

  /* Cluster: the average of the nodes' CPU. */
  g_assert_true (ferry_test_wait_until (series_has, &wc, 5000));
  g_assert_cmpfloat (ferry_metrics_get_last (ferry_inventory_get_metrics (inventory), FERRY_METRIC_CPU), ==, 0);

  /* A node that disconnects stops ticking, with a gap in its series. */
  ferry_stats_sampler_watch_node (sampler, other, FALSE);
  ferry_node_disconnect (node);
  ferry_node_disconnect (other);
  g_assert_true (isnan (ferry_metrics_get_last (node_metrics, FERRY_METRIC_CPU)));
  run_for (100);
  ticks = ferry_stats_sampler_get_ticks (sampler);
  run_for (300);
  g_assert_cmpuint (ferry_stats_sampler_get_ticks (sampler), ==, ticks);

  /* …and resumes after reconnecting. */
  ferry_node_connect (node);
  g_assert_true (ferry_test_wait_node_state (node, FERRY_NODE_STATE_CONNECTED, 10000));
  tw.ticks = ticks + 3;
  g_assert_true (ferry_test_wait_until (ticks_reach, &tw, 5000));
  w.n = series_len (w.series) + 2;
  g_assert_true (ferry_test_wait_until (series_has, &w, 5000));
  g_assert_true (isfinite (ferry_metrics_get_last (node_metrics, FERRY_METRIC_CPU)));

  /* A node leaving the inventory is forgotten. */
  ferry_inventory_remove_node (inventory, node);
  run_for (100);
  ticks = ferry_stats_sampler_get_ticks (sampler);
  run_for (300);
  g_assert_cmpuint (ferry_stats_sampler_get_ticks (sampler), ==, ticks);

  g_assert_cmpuint (ferry_core_get_libvirt_calls_on_main_thread (), ==, 0);

  g_assert_finalize_object (sampler);
  g_assert_finalize_object (inventory);
  g_assert_finalize_object (node);
  g_assert_finalize_object (other);
}

/* Many ticks against a node that is slower than the interval: skipped,
 * never piled up. */
static void
test_sampler_skips (void)
{
  FerryInventory *inventory = ferry_inventory_new ();
  g_autofree char *uri = ferry_test_write_node_file (tmpdir, "many.xml", "many", 2000, 2000,
                                                     "dddddddd-0000-4000-8000-");
  FerryNode *node = ferry_test_add_connected_node (inventory, uri);
  FerryStatsSampler *sampler = ferry_stats_sampler_new (inventory);
  TicksWait tw = { sampler, 20 };

  ferry_stats_sampler_set_interval (sampler, 1);
  g_assert_true (ferry_test_wait_until (ticks_reach, &tw, 10000));
  run_for (100);
  /* Every tick either started a sample or was counted as skipped. */
  g_assert_cmpuint (ferry_stats_sampler_get_skipped (sampler), >, 0);
  g_assert_cmpuint (ferry_stats_sampler_get_samples (sampler), <=, ferry_stats_sampler_get_ticks (sampler));
  g_assert_cmpuint (ferry_stats_sampler_get_ticks (sampler) - ferry_stats_sampler_get_samples (sampler), <=, 1);
  g_assert_cmpuint (ferry_core_get_libvirt_calls_on_main_thread (), ==, 0);

  g_assert_finalize_object (sampler);
  ferry_inventory_remove_node (inventory, node);
  /* Let the last sample and the close finish on the node's worker. */
  run_for (500);
  g_assert_finalize_object (inventory);

  g_assert_finalize_object (node);
}

typedef struct
{
  FerryStatsSampler *sampler;
  guint64            value;
} CountWait;

static gboolean
samples_reach (gpointer data)
{
  CountWait *w = data;

  return ferry_stats_sampler_get_samples (w->sampler) >= w->value;
}

static gboolean
skipped_reach (gpointer data)
{
  CountWait *w = data;

  return ferry_stats_sampler_get_skipped (w->sampler) >= w->value;
}

static gboolean
ticks_pass (gpointer data)
{
  CountWait *w = data;

  return ferry_stats_sampler_get_ticks (w->sampler) > w->value;
}

/* Every sample started came back: nothing is in flight. */
static gboolean
settled (gpointer data)
{
  FerryStatsSampler *sampler = data;

  return ferry_stats_sampler_get_samples (sampler) == ferry_stats_sampler_get_ticks (sampler);
}

/* Whether no tick starts within @ms: the one wait that cannot end early,
 * kept short. */
static gboolean
no_tick_within (FerryStatsSampler *sampler,
                guint              ms)
{
  CountWait w = { sampler, ferry_stats_sampler_get_ticks (sampler) };

  return !ferry_test_wait_until (ticks_pass, &w, ms);
}

static FerryNode *
add_node (FerryInventory *inventory,
          const char     *file,
          const char     *prefix,
          const char     *uuid_prefix)
{
  g_autofree char *uri = ferry_test_write_node_file (tmpdir, file, prefix, 2, 2, uuid_prefix);

  return ferry_test_add_connected_node (inventory, uri);
}

/* A connected node is sampled at once, then at the interval; a new
 * interval applies at once, to the nodes and to the cluster. */
static void
test_sampler_interval (void)
{
  FerryInventory *inventory = ferry_inventory_new ();
  FerryNode *node = add_node (inventory, "interval.xml", "interval", "eeeeeeee-0000-4000-8000-");
  FerryStatsSampler *sampler = ferry_stats_sampler_new (inventory);
  SeriesWait cluster = { ferry_metrics_get_series (ferry_inventory_get_metrics (inventory), FERRY_METRIC_CPU), 0 };
  CountWait w = { sampler, 1 };

  g_assert_cmpuint (ferry_stats_sampler_get_interval (sampler), ==, FERRY_STATS_SAMPLER_DEFAULT_INTERVAL_MS);
  /* The first sample does not wait for the first tick. */
  g_assert_cmpuint (ferry_stats_sampler_get_ticks (sampler), ==, 1);
  g_assert_true (ferry_test_wait_until (samples_reach, &w, 5000));

  /* At the default (1 s), five more would take five seconds; at 20 ms
   * they come well within three. */
  ferry_stats_sampler_set_interval (sampler, 20);
  g_assert_cmpuint (ferry_stats_sampler_get_interval (sampler), ==, 20);
  w.value = 6;
  g_assert_true (ferry_test_wait_until (samples_reach, &w, 3000));
  cluster.n = series_len (cluster.series) + 3;
  g_assert_true (ferry_test_wait_until (series_has, &cluster, 3000));

  /* A long interval: once the sample in flight is back, nothing starts. */
  ferry_stats_sampler_set_interval (sampler, 600000);
  g_assert_true (ferry_test_wait_until (settled, sampler, 5000));
  g_assert_true (no_tick_within (sampler, 200));

  /* The same interval again changes nothing. */
  ferry_stats_sampler_set_interval (sampler, 600000);
  g_assert_cmpuint (ferry_stats_sampler_get_interval (sampler), ==, 600000);

  g_assert_cmpuint (ferry_core_get_libvirt_calls_on_main_thread (), ==, 0);
  g_assert_finalize_object (sampler);
  ferry_inventory_remove_node (inventory, node);
  ferry_test_finalize_node (node);
  g_assert_finalize_object (inventory);
}

/* A node that is not on screen is sampled FERRY_STATS_SAMPLER_UNWATCHED_FACTOR
 * times less often; watched again, at the interval. (Counted with a wide
 * margin: five times less often, checked as at least twice.) */
static void
test_sampler_unwatched (void)
{
  FerryInventory *inventory = ferry_inventory_new ();
  FerryNode *seen = add_node (inventory, "seen.xml", "seen", "abababab-0000-4000-8000-");
  FerryNode *hidden = add_node (inventory, "hidden.xml", "hidden", "cdcdcdcd-0000-4000-8000-");
  FerryStatsSampler *sampler = ferry_stats_sampler_new (inventory);
  FerryStatsSeries *seen_cpu = ferry_metrics_get_series (ferry_node_get_metrics (seen), FERRY_METRIC_CPU);
  FerryStatsSeries *hidden_cpu = ferry_metrics_get_series (ferry_node_get_metrics (hidden), FERRY_METRIC_CPU);
  SeriesWait w = { seen_cpu, 0 };
  guint seen_before, hidden_before;

  ferry_stats_sampler_set_interval (sampler, 20);
  ferry_stats_sampler_watch_node (sampler, hidden, FALSE);
  /* Not in the inventory: nothing to watch, nothing happens. */
  {
    FerryNode *stranger = ferry_node_new ("test:///default", "stranger", NULL);

    ferry_stats_sampler_watch_node (sampler, stranger, FALSE);
    g_assert_finalize_object (stranger);
  }

  seen_before = series_len (seen_cpu);
  hidden_before = series_len (hidden_cpu);
  w.n = seen_before + 30;
  g_assert_true (ferry_test_wait_until (series_has, &w, 10000));
  g_assert_cmpuint ((series_len (hidden_cpu) - hidden_before) * 2, <, series_len (seen_cpu) - seen_before);

  /* Watched again: it keeps up. */
  ferry_stats_sampler_watch_node (sampler, hidden, TRUE);
  w.series = hidden_cpu;
  w.n = series_len (hidden_cpu) + 10;
  g_assert_true (ferry_test_wait_until (series_has, &w, 5000));

  g_assert_finalize_object (sampler);
  ferry_inventory_remove_node (inventory, seen);
  ferry_inventory_remove_node (inventory, hidden);
  ferry_test_finalize_node (seen);
  ferry_test_finalize_node (hidden);
  g_assert_finalize_object (inventory);
}

/* The sampler follows the inventory: a node removed while its sample is
 * on the way gets nothing from it, and the sampler lets go of it; a node
 * added while it samples is sampled. */
static void
test_sampler_nodes_come_and_go (void)
{
  FerryInventory *inventory = ferry_inventory_new ();
  FerryStatsSampler *sampler = ferry_stats_sampler_new (inventory);
  FerryNode *first, *second;
  SeriesWait w = { NULL, 2 };
  CountWait skipped = { sampler, 0 };
  FerryTestHold *hold;
  guint updates = 0;

  ferry_stats_sampler_set_interval (sampler, 20);
  g_assert_cmpuint (ferry_stats_sampler_get_ticks (sampler), ==, 0);

  first = add_node (inventory, "first.xml", "first", "12121212-0000-4000-8000-");
  w.series = ferry_metrics_get_series (ferry_node_get_metrics (first), FERRY_METRIC_CPU);
  g_assert_true (ferry_test_wait_until (series_has, &w, 5000));

  /* "first" is the only node: a skipped tick means its sample waits on
   * its busy worker. Then it leaves. */
  hold = ferry_test_hold_worker (first);
  skipped.value = ferry_stats_sampler_get_skipped (sampler) + 1;
  g_assert_true (ferry_test_wait_until (skipped_reach, &skipped, 5000));
  g_signal_connect (ferry_node_get_metrics (first), "updated", G_CALLBACK (count_updates), &updates);
  ferry_inventory_remove_node (inventory, first);
  ferry_test_hold_end (hold);
  ferry_test_drain_worker (first);
  /* Leaving disconnected it: one update, the gap. Its late sample was
   * dropped (the gap stays the last value), and nothing ticks any more.
   * (That sample failed, its node being disconnected: it never counts
   * among the samples.) */
  g_assert_cmpuint (updates, ==, 1);
  g_assert_true (isnan (ferry_metrics_get_last (ferry_node_get_metrics (first), FERRY_METRIC_CPU)));
  g_assert_true (no_tick_within (sampler, 200));
  g_assert_cmpuint (updates, ==, 1);
  g_signal_handlers_disconnect_by_data (ferry_node_get_metrics (first), &updates);
  ferry_test_finalize_node (first);

  second = add_node (inventory, "second.xml", "second", "34343434-0000-4000-8000-");
  w.series = ferry_metrics_get_series (ferry_node_get_metrics (second), FERRY_METRIC_CPU);
  g_assert_true (ferry_test_wait_until (series_has, &w, 5000));

  g_assert_finalize_object (sampler);
  ferry_inventory_remove_node (inventory, second);
  ferry_test_finalize_node (second);
  g_assert_finalize_object (inventory);
}

/* A node whose worker is busy (a slow host) has one sample in flight:
 * every tick meanwhile is skipped, none piles up; once it answers,
 * sampling goes on. */
static void
test_sampler_slow_node (void)
{
  FerryInventory *inventory = ferry_inventory_new ();
  FerryNode *node = add_node (inventory, "slow.xml", "slow", "56565656-0000-4000-8000-");
  FerryStatsSampler *sampler = ferry_stats_sampler_new (inventory);
  CountWait samples = { sampler, 1 };
  CountWait skipped = { sampler, 0 };
  FerryTestHold *hold;
  guint64 held_samples, held_ticks;

  ferry_stats_sampler_set_interval (sampler, 20);
  g_assert_true (ferry_test_wait_until (samples_reach, &samples, 5000));
  g_assert_true (ferry_test_wait_until (settled, sampler, 5000));

  hold = ferry_test_hold_worker (node);
  skipped.value = ferry_stats_sampler_get_skipped (sampler) + 5;
  g_assert_true (ferry_test_wait_until (skipped_reach, &skipped, 5000));
  /* At most the sample queued behind the hold has started. */
  held_samples = ferry_stats_sampler_get_samples (sampler);
  held_ticks = ferry_stats_sampler_get_ticks (sampler);
  g_assert_cmpuint (held_ticks - held_samples, ==, 1);

  ferry_test_hold_release_later (hold, 0);
  samples.value = held_samples + 3;
  g_assert_true (ferry_test_wait_until (samples_reach, &samples, 5000));
  ferry_test_hold_end (hold);
  g_assert_cmpuint (ferry_stats_sampler_get_ticks (sampler) - ferry_stats_sampler_get_samples (sampler), <=, 1);
  g_assert_cmpuint (ferry_core_get_libvirt_calls_on_main_thread (), ==, 0);

  g_assert_finalize_object (sampler);
  ferry_test_drain_worker (node);
  ferry_inventory_remove_node (inventory, node);
  ferry_test_finalize_node (node);
  g_assert_finalize_object (inventory);
}

/* The sampler may go while a sample is on the way: the sample finds it
 * gone and drops its result. */
static void
test_sampler_gone_in_flight (void)
{
  FerryInventory *inventory = ferry_inventory_new ();
  FerryNode *node = add_node (inventory, "gone.xml", "gone", "78787878-0000-4000-8000-");
  FerryTestHold *hold = ferry_test_hold_worker (node);
  FerryStatsSampler *sampler = ferry_stats_sampler_new (inventory);
  guint updates = 0;

  /* Its first sample is queued behind the hold. */
  g_assert_cmpuint (ferry_stats_sampler_get_ticks (sampler), ==, 1);
  g_signal_connect (ferry_node_get_metrics (node), "updated", G_CALLBACK (count_updates), &updates);
  g_assert_finalize_object (sampler);

  ferry_test_hold_end (hold);
  ferry_test_drain_worker (node);
  g_assert_cmpuint (updates, ==, 0);
  g_signal_handlers_disconnect_by_data (ferry_node_get_metrics (node), &updates);

  ferry_inventory_remove_node (inventory, node);
  ferry_test_finalize_node (node);
  g_assert_finalize_object (inventory);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);
  ferry_core_init ();
  /* libvirt 9's default event loop iterates GLib's global default context
   * on ferry-core's event thread: whenever the main thread lets go of it
   * between iterations, that thread would dispatch our callbacks. Own it
   * all along, as g_main_loop_run () does in the application. */
  g_main_context_acquire (NULL);

  tmpdir = g_dir_make_tmp ("ferry-test-stats-sampler-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/stats/sampler/test-driver", test_sampler);
  g_test_add_func ("/stats/sampler/skips", test_sampler_skips);
  g_test_add_func ("/stats/sampler/interval", test_sampler_interval);
  g_test_add_func ("/stats/sampler/unwatched", test_sampler_unwatched);
  g_test_add_func ("/stats/sampler/nodes-come-and-go", test_sampler_nodes_come_and_go);
  g_test_add_func ("/stats/sampler/slow-node", test_sampler_slow_node);
  g_test_add_func ("/stats/sampler/gone-in-flight", test_sampler_gone_in_flight);

  ret = g_test_run ();
  g_main_context_release (NULL);

  ferry_test_remove_tree (tmpdir);
  g_free (tmpdir);
  return ret;
}
