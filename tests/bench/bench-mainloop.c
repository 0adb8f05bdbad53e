/* bench-mainloop.c — does a frozen node stall Ferry's main loop?
 *
 * Runs the real application window connected to the local cluster, then
 * measures how long the main loop goes without running (a 1 ms timer that
 * records the gaps between its wake-ups):
 *   1. baseline: 5 s with every node healthy;
 *   2. 20 s with one node's libvirtd frozen (SIGSTOP) while the user keeps
 *      working: refreshes of every node and an operation on a VM of the
 *      frozen node, each second;
 *   3. the thaw and the reconnection.
 * Prints the largest stall of each phase (goal: < 16 ms, one frame) and
 * the ratio to the baseline. Never fails on a number.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ferry-test-util.h"
#include "ferry-ui-test-util.h"

#define FREEZE_SECONDS 20

typedef struct
{
  gint64  last;
  gint64  max_gap;
  GArray *gaps;
} StallMeter;

static gboolean
tick (gpointer data)
{
  StallMeter *m = data;
  gint64 now = g_get_monotonic_time ();

  if (m->last != 0)
    {
      gint64 gap = now - m->last;

      m->max_gap = MAX (m->max_gap, gap);
      g_array_append_val (m->gaps, gap);
    }
  m->last = now;
  return G_SOURCE_CONTINUE;
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return (x > y) - (x < y);
}

/* Runs the main loop for @seconds, calling @work once a second. */
static void
measure (StallMeter *m,
         guint       seconds,
         void      (*work) (gpointer),
         gpointer    data)
{
  guint id;
  gint64 end = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;
  gint64 next_work = g_get_monotonic_time ();

  m->last = 0;
  m->max_gap = 0;
  g_array_set_size (m->gaps, 0);
  id = g_timeout_add_full (G_PRIORITY_HIGH, 1, tick, m, NULL);
  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, TRUE);
      if (work != NULL && g_get_monotonic_time () >= next_work)
        {
          work (data);
          next_work += G_USEC_PER_SEC;
        }
    }
  g_source_remove (id);
}

static double
percentile_ms (StallMeter *m,
               double      p)
{
  if (m->gaps->len == 0)
    return 0;
  g_array_sort (m->gaps, compare_gint64);
  return g_array_index (m->gaps, gint64, (guint) ((m->gaps->len - 1) * p)) / 1000.0;
}

static void
cluster (const char *command,
         const char *node)
{
  const char *src = g_getenv ("FERRY_SOURCE_DIR");
  g_autofree char *script = g_build_filename (src ? src : ".", "tests", "cluster", "cluster", NULL);
  const char *argv[] = { script, command, node, NULL };
  g_autoptr(GError) error = NULL;
  int status;

  /* Synchronous on purpose: it only signals a process (a few ms), and the
   * bench accounts for it by measuring outside this call. */
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                     NULL, NULL, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    g_error ("cluster %s %s: %s", command, node, error->message);
}

typedef struct
{
  FerryInventory *inventory;
  FerryNode      *frozen;
  guint           ops;
} Work;

static void
op_done (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  ferry_vm_run_op_finish (FERRY_VM (object), result, NULL);
}

/* What an impatient administrator does while a host hangs. */
static void
keep_working (gpointer data)
{
  Work *w = data;
  GListModel *nodes = ferry_inventory_get_nodes (w->inventory);
  GListModel *vms = ferry_node_get_vms (w->frozen);

  for (guint i = 0; i < g_list_model_get_n_items (nodes); i++)
    {
      g_autoptr(FerryNode) node = g_list_model_get_item (nodes, i);
      ferry_node_refresh (node);
    }
  if (g_list_model_get_n_items (vms) > 0 && w->ops < 3)
    {
      g_autoptr(FerryVm) vm = g_list_model_get_item (vms, 0);

      /* Resume of a running VM: harmless, but a real round trip. */
      ferry_vm_run_op_async (vm, FERRY_VM_OP_RESUME, NULL, op_done, NULL);
      w->ops++;
    }
}

static void
bench (FerryApplication *app,
       FerryWindow      *window)
{
  FerryInventory *inventory = ferry_session_get_inventory (ferry_application_get_session (app));
  g_autoptr(FerryNode) frozen = NULL;
  StallMeter m = { 0, 0, g_array_new (FALSE, FALSE, sizeof (gint64)) };
  Work w = { inventory, NULL, 0 };
  double base_max, base_p99, freeze_max, freeze_p99, thaw_max;
  gint64 t0, unreachable_after = -1, reconnect_after = -1;

  if (!ferry_test_wait_until (ferry_ui_test_all_connected, inventory, 30000))
    g_error ("the cluster's nodes did not all connect");
  frozen = g_list_model_get_item (ferry_inventory_get_nodes (inventory), 1);
  w.frozen = frozen;
  ferry_ui_test_settle (1000);

  measure (&m, 5, keep_working, &w);
  base_max = m.max_gap / 1000.0;
  base_p99 = percentile_ms (&m, 0.99);

  w.ops = 0;
  cluster ("freeze", "node2");
  t0 = g_get_monotonic_time ();
  {
    gint64 end = t0 + FREEZE_SECONDS * G_USEC_PER_SEC;
    gint64 worst = 0;
    GArray *all = g_array_new (FALSE, FALSE, sizeof (gint64));

    /* One-second slices so we can note when the node is declared dead. */
    while (g_get_monotonic_time () < end)
      {
        measure (&m, 1, keep_working, &w);
        worst = MAX (worst, m.max_gap);
        g_array_append_vals (all, m.gaps->data, m.gaps->len);
        if (unreachable_after < 0 && ferry_node_get_state (frozen) == FERRY_NODE_STATE_UNREACHABLE)
          unreachable_after = g_get_monotonic_time () - t0;
      }
    g_array_set_size (m.gaps, 0);
    g_array_append_vals (m.gaps, all->data, all->len);
    g_array_unref (all);
    freeze_max = worst / 1000.0;
    freeze_p99 = percentile_ms (&m, 0.99);
  }
  cluster ("thaw", "node2");
  t0 = g_get_monotonic_time ();
  {
    gint64 worst = 0;

    while (g_get_monotonic_time () - t0 < 30 * G_USEC_PER_SEC)
      {
        measure (&m, 1, NULL, NULL);
        worst = MAX (worst, m.max_gap);
        if (ferry_node_get_state (frozen) == FERRY_NODE_STATE_CONNECTED)
          {
            reconnect_after = g_get_monotonic_time () - t0;
            break;
          }
      }
    thaw_max = worst / 1000.0;
  }

  g_print ("\n== bench-mainloop: main-loop stalls with one of 3 nodes frozen ==\n");
  g_print ("%-44s %10s %10s\n", "phase", "max (ms)", "p99 (ms)");
  g_print ("%-44s %10.2f %10.2f\n", "baseline, all nodes answering (5 s)", base_max, base_p99);
  g_print ("%-44s %10.2f %10.2f\n", "node2 frozen for 20 s, user working", freeze_max, freeze_p99);
  g_print ("%-44s %10.2f %10s\n", "thaw and reconnect", thaw_max, "-");
  g_print ("frozen node marked unreachable after: %.1f s (goal <= 15 s)\n",
           unreachable_after < 0 ? -1.0 : unreachable_after / 1e6);
  g_print ("reconnected after thaw: %.1f s\n", reconnect_after < 0 ? -1.0 : reconnect_after / 1e6);
  g_print ("largest stall while frozen: %.2f ms (goal < 16 ms), %.2fx the baseline's %.2f ms\n",
           freeze_max, base_max > 0 ? freeze_max / base_max : 0.0, base_max);
  g_print ("renderer: %s\n", g_getenv ("GSK_RENDERER") ? g_getenv ("GSK_RENDERER") : "default");
  g_print ("libvirt calls on the main thread: %" G_GUINT64_FORMAT "\n",
           ferry_core_get_libvirt_calls_on_main_thread ());

  g_array_unref (m.gaps);
}

int
main (int   argc,
      char *argv[])
{
  g_auto(GStrv) args = NULL;

  gtk_init ();
  adw_init ();
  g_set_prgname ("bench-mainloop");

  args = ferry_ui_test_cluster_args ();
  if (args == NULL)
    {
      g_printerr ("bench-mainloop: the local cluster is not up (tests/cluster/cluster up 3)\n");
      return 77;
    }
  ferry_ui_test_run_app ((const char * const *) args, bench);
  return 0;
}
