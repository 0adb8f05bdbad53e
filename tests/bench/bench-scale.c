/* bench-scale.c — does Ferry stay quick with 10 000 VMs?
 *
 * The goal: with 10 test:/// nodes of 1000 VMs each, the list
 * appears in < 1 s from launch and the process stays < 100 MB.
 *
 * The bench writes the node files first (not Ferry's cost), then runs
 * each scenario in a fresh process of its own (this program, re-executed
 * with --scenario), so each launch pays GTK's start-up and each RSS is
 * the scenario's alone:
 *   0. 1 node without VMs: what GTK and Ferry cost by themselves;
 *   1. baseline: 1 node x 1000 VMs;
 *   2. 10 nodes x 1000 VMs.
 * In each, the clock starts just before g_application_run and stops when
 * the window's VM model holds every VM and the window has painted a frame
 * after that. Then it scrolls the list top to bottom in 50 steps (a frame
 * each), sorts by Memory, types a search and clears it, timing each to
 * its next frame. Also times libvirt alone opening the same nodes (the
 * test driver parses them in-process: a floor under Ferry's launch).
 * Prints a table, the ratio of the two launches and one line per goal.
 * Never fails on a number.
 *
 * To profile one launch:
 *   FERRY_BENCH_LAUNCH_ONLY=1 perf record -g bench-scale --scenario 1000 test:///…/node00.xml …
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdlib.h>
#include <sys/resource.h>

#include <libvirt/libvirt.h>

#include "ferry-test-util.h"
#include "ferry-bench-util.h"
#include "ferry-ui-test-util.h"

#define VMS_PER_NODE   1000
#define RUNNING        700
#define BIG_NODES      10
#define SCROLL_STEPS   50
#define SEARCH_TEXT    "-0500"
#define GOAL_LAUNCH_MS 1000.0
#define GOAL_RSS_MB    100.0

/* ---------------------------------------------------------------------- */
/* Child: one scenario in this process                                    */

static struct
{
  guint  n_nodes;
  guint  vms_per_node;
  guint  expected;
  gint64 start;          /* just before g_application_run */
  gint64 first_frame;    /* the window's first after-paint */
  double cpu_start;
} scenario;

typedef struct
{
  gint64 before;         /* before-paint of the frame in progress */
  gint64 mark;           /* a frame counts if it began at/after this */
  gint64 after;
  gint64 work;           /* before-paint → after-paint of that frame */
  gboolean painted;
} FrameMeter;

typedef struct
{
  GListModel *model;
  guint       target;
  gint64      first_rows;
  gint64      reached;
} RowMeter;


/* VmRSS and VmHWM in MB (10^6 bytes). */
static void
read_rss (double *rss,
          double *hwm)
{
  g_autofree char *status = NULL;
  g_auto(GStrv) lines = NULL;

  *rss = *hwm = -1;
  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return;
  lines = g_strsplit (status, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_str_has_prefix (lines[i], "VmRSS:"))
        *rss = g_ascii_strtod (lines[i] + 6, NULL) * 1024 / 1e6;
      else if (g_str_has_prefix (lines[i], "VmHWM:"))
        *hwm = g_ascii_strtod (lines[i] + 6, NULL) * 1024 / 1e6;
    }
}

static double
ms_since (gint64 t)
{
  return (g_get_monotonic_time () - t) / 1000.0;
}

static void
before_paint_cb (GdkFrameClock *clock,
                 FrameMeter    *f)
{
  f->before = g_get_monotonic_time ();
}

static void
after_paint_cb (GdkFrameClock *clock,
                FrameMeter    *f)
{
  if (f->painted || f->before < f->mark)
    return;
  f->after = g_get_monotonic_time ();
  f->work = f->after - f->before;
  f->painted = TRUE;
}

static gboolean
ask_for_frame (gpointer data)
{
  gtk_widget_queue_draw (data);
  return G_SOURCE_CONTINUE;
}

/* Iterates until a frame that began at or after @mark has been painted;
 * returns when it was. Asks for a redraw if none comes by itself within
 * 100 ms (nothing changed on screen). */
static gint64
wait_frame (FrameMeter *f,
            GtkWidget  *window,
            gint64      mark)
{
  guint ask = g_timeout_add (100, ask_for_frame, window);

  f->mark = mark;
  f->painted = FALSE;
  while (!f->painted)
    {
      if (g_get_monotonic_time () - mark > 10 * G_USEC_PER_SEC)
        g_error ("no frame painted within 10 s");
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (ask);
  return f->after;
}

static void
rows_changed_cb (GListModel *model,
                 guint       position,
                 guint       removed,
                 guint       added,
                 RowMeter   *r)
{
  guint n = g_list_model_get_n_items (model);

  if (n > 0 && r->first_rows == 0)
    r->first_rows = g_get_monotonic_time ();
  if (n >= r->target && r->reached == 0)
    r->reached = g_get_monotonic_time ();
}

static gboolean
rows_reached (gpointer data)
{
  RowMeter *r = data;
  return r->reached != 0;
}

typedef struct
{
  GListModel *model;
  guint       count;
} CountWait;

static gboolean
count_settled (gpointer data)
{
  CountWait *c = data;

  return g_list_model_get_n_items (c->model) == c->count &&
         gtk_sort_list_model_get_pending (GTK_SORT_LIST_MODEL (c->model)) == 0;
}

static gboolean
sort_done (gpointer data)
{
  return gtk_sort_list_model_get_pending (GTK_SORT_LIST_MODEL (data)) == 0;
}

static GtkWidget *
find_widget (GtkWidget *root,
             GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
sorted_by_memory (GListModel *model)
{
  guint64 prev = 0;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(FerryVm) vm = g_list_model_get_item (model, i);
      guint64 m = ferry_vm_get_memory (vm);

      if (m < prev)
        return FALSE;
      prev = m;
    }
  return TRUE;
}

/* Results go to the parent as "RESULT key value" lines. */
static void
result (const char *key,
        double      value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_print ("RESULT %s %s\n", key, g_ascii_dtostr (buf, sizeof buf, value));
}

static void
first_frame_cb (GdkFrameClock *clock,
                gpointer       data)
{
  if (scenario.first_frame == 0)
    scenario.first_frame = g_get_monotonic_time ();
  g_signal_handlers_disconnect_by_func (clock, first_frame_cb, data);
}

/* The window's first frame: hooked when it maps, which happens inside
 * g_application_run, before the bench function is called. */
static gboolean
map_hook (GSignalInvocationHint *hint,
          guint                  n_params,
          const GValue          *params,
          gpointer               data)
{
  GObject *widget = g_value_get_object (&params[0]);

  if (!FERRY_IS_WINDOW (widget))
    return TRUE;
  g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (widget)), "after-paint",
                    G_CALLBACK (first_frame_cb), NULL);
  return FALSE;
}

static void
run_scenario (FerryApplication *app,
              FerryWindow      *window)
{
  GtkWidget *win = GTK_WIDGET (window);
  GListModel *model = ferry_window_get_vm_model (window);
  GdkFrameClock *clock = gtk_widget_get_frame_clock (win);
  FrameMeter f = { 0 };
  RowMeter r = { model, scenario.expected, 0, 0 };
  GtkWidget *view;
  GtkAdjustment *vadj;
  gint64 window_up = g_get_monotonic_time ();
  gint64 painted, t0, t1;
  double cpu_ready, rss, hwm;
  gulong id;

  g_assert_nonnull (clock);
  g_signal_connect (clock, "before-paint", G_CALLBACK (before_paint_cb), &f);
  g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &f);

  /* 1. Launch → every VM in the model → a frame showing them. With no
   *    VMs, "ready" is the node connected. */
  if (scenario.expected == 0)
    {
      if (!ferry_test_wait_until (ferry_ui_test_all_connected,
                                  ferry_session_get_inventory (ferry_application_get_session (app)), 120000))
        g_error ("the node did not connect in 120 s");
      r.first_rows = r.reached = g_get_monotonic_time ();
    }
  else
    {
      id = g_signal_connect (model, "items-changed", G_CALLBACK (rows_changed_cb), &r);
      rows_changed_cb (model, 0, 0, 0, &r);
      if (!ferry_test_wait_until (rows_reached, &r, 120000))
        g_error ("the model reached only %u of %u VMs in 120 s",
                 g_list_model_get_n_items (model), scenario.expected);
      g_signal_handler_disconnect (model, id);
    }
  cpu_ready = ferry_bench_self_cpu_s () - scenario.cpu_start;
  painted = wait_frame (&f, win, r.reached);
  read_rss (&rss, &hwm);
  if (scenario.first_frame != 0)
    result ("first_frame_ms", (scenario.first_frame - scenario.start) / 1000.0);
  result ("window_up_ms", (window_up - scenario.start) / 1000.0);
  result ("first_rows_ms", (r.first_rows - scenario.start) / 1000.0);
  result ("ready_ms", (r.reached - scenario.start) / 1000.0);
  result ("frame_ms", (painted - scenario.start) / 1000.0);
  result ("ready_frame_work_ms", f.work / 1000.0);
  result ("cpu_ready_s", cpu_ready);
  result ("rss_ready_mb", rss);
  result ("hwm_ready_mb", hwm);

  /* Let the start-up finish (node details, late frames) before the
   * interactive measurements. */
  if (g_getenv ("FERRY_BENCH_LAUNCH_ONLY") == NULL)
    ferry_ui_test_settle (500);
  read_rss (&rss, &hwm);
  result ("rss_settled_mb", rss);
  /* For profiling the launch alone: FERRY_BENCH_LAUNCH_ONLY=1. */
  if (scenario.expected == 0 || g_getenv ("FERRY_BENCH_LAUNCH_ONLY") != NULL)
    goto out;

  /* 2. Scroll top to bottom. */
  view = find_widget (win, GTK_TYPE_COLUMN_VIEW);
  g_assert_nonnull (view);
  vadj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view));
  g_assert_nonnull (vadj);
  gtk_adjustment_set_value (vadj, gtk_adjustment_get_lower (vadj));
  wait_frame (&f, win, g_get_monotonic_time ());
  {
    double max_step = 0, sum_step = 0, max_work = 0, sum_work = 0;
    guint frames = 0;
    gint64 start = g_get_monotonic_time ();

    for (guint i = 1; i <= SCROLL_STEPS + 20; i++)
      {
        double lower = gtk_adjustment_get_lower (vadj);
        double bottom = gtk_adjustment_get_upper (vadj) - gtk_adjustment_get_page_size (vadj);
        double target = lower + (bottom - lower) * MIN (i, SCROLL_STEPS) / SCROLL_STEPS;
        double step, work;

        /* The list estimates its height; past the 50th step, go on only
         * while the estimate keeps moving the bottom away. */
        if (i > SCROLL_STEPS && gtk_adjustment_get_value (vadj) >= bottom - 1)
          break;
        t0 = g_get_monotonic_time ();
        gtk_adjustment_set_value (vadj, target);
        t1 = wait_frame (&f, win, t0);
        step = (t1 - t0) / 1000.0;
        work = f.work / 1000.0;
        sum_step += step;
        max_step = MAX (max_step, step);
        sum_work += work;
        max_work = MAX (max_work, work);
        frames++;
      }
    result ("scroll_total_ms", ms_since (start));
    result ("scroll_frames", frames);
    result ("scroll_step_mean_ms", sum_step / frames);
    result ("scroll_step_max_ms", max_step);
    result ("scroll_work_mean_ms", sum_work / frames);
    result ("scroll_work_max_ms", max_work);
    result ("scroll_at_bottom",
            gtk_adjustment_get_value (vadj) >=
            gtk_adjustment_get_upper (vadj) - gtk_adjustment_get_page_size (vadj) - 1);
  }
  read_rss (&rss, &hwm);
  result ("rss_scrolled_mb", rss);
  result ("hwm_scrolled_mb", hwm);

  /* 3. Sort by Memory (the allocated memory column). */
  {
    GListModel *columns = gtk_column_view_get_columns (GTK_COLUMN_VIEW (view));
    g_autoptr(GtkColumnViewColumn) column = NULL;
    double call_ms;

    for (guint i = 0; i < g_list_model_get_n_items (columns) && column == NULL; i++)
      {
        GtkColumnViewColumn *c = g_list_model_get_item (columns, i);

        if (g_strcmp0 (gtk_column_view_column_get_title (c), "Memory") == 0)
          column = c;
        else
          g_object_unref (c);
      }
    g_assert_nonnull (column);
    t0 = g_get_monotonic_time ();
    gtk_column_view_sort_by_column (GTK_COLUMN_VIEW (view), column, GTK_SORT_ASCENDING);
    call_ms = ms_since (t0);
    if (!ferry_test_wait_until (sort_done, model, 30000))
      g_error ("sorting did not finish in 30 s");
    t1 = g_get_monotonic_time ();
    painted = wait_frame (&f, win, t1);
    result ("sort_call_ms", call_ms);
    result ("sort_ready_ms", (t1 - t0) / 1000.0);
    result ("sort_frame_ms", (painted - t0) / 1000.0);
    result ("sort_frame_work_ms", f.work / 1000.0);
    result ("sort_ok", sorted_by_memory (model));
  }

  /* 4. Type a search, then clear it. */
  {
    CountWait c = { model, scenario.n_nodes };

    t0 = g_get_monotonic_time ();
    ferry_window_set_search_text (window, SEARCH_TEXT);
    if (!ferry_test_wait_until (count_settled, &c, 30000))
      g_error ("search: %u rows, expected %u", g_list_model_get_n_items (model), c.count);
    t1 = g_get_monotonic_time ();
    painted = wait_frame (&f, win, t1);
    result ("search_ready_ms", (t1 - t0) / 1000.0);
    result ("search_frame_ms", (painted - t0) / 1000.0);
    result ("search_frame_work_ms", f.work / 1000.0);
    result ("search_rows", g_list_model_get_n_items (model));

    c.count = scenario.expected;
    t0 = g_get_monotonic_time ();
    ferry_window_set_search_text (window, "");
    if (!ferry_test_wait_until (count_settled, &c, 30000))
      g_error ("clearing the search: %u rows, expected %u", g_list_model_get_n_items (model), c.count);
    t1 = g_get_monotonic_time ();
    painted = wait_frame (&f, win, t1);
    result ("clear_ready_ms", (t1 - t0) / 1000.0);
    result ("clear_frame_ms", (painted - t0) / 1000.0);
    result ("clear_frame_work_ms", f.work / 1000.0);
  }

out:
  read_rss (&rss, &hwm);
  result ("rss_end_mb", rss);
  result ("hwm_end_mb", hwm);
  result ("cpu_end_s", ferry_bench_self_cpu_s () - scenario.cpu_start);

  g_signal_handlers_disconnect_by_data (clock, &f);
}

static int
child_main (int   argc,
            char *argv[])
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) args = NULL;

  /* argv: --scenario VMS-PER-NODE URI... */
  g_assert_cmpint (argc, >=, 4);
  for (int i = 3; i < argc; i++)
    {
      g_strv_builder_add (builder, "--connect");
      g_strv_builder_add (builder, argv[i]);
    }
  args = g_strv_builder_end (builder);
  scenario.n_nodes = argc - 3;
  scenario.vms_per_node = atoi (argv[2]);
  scenario.expected = scenario.n_nodes * scenario.vms_per_node;
  g_set_prgname ("bench-scale");
  g_type_class_unref (g_type_class_ref (GTK_TYPE_WIDGET));   /* registers "map" */
  g_signal_add_emission_hook (g_signal_lookup ("map", GTK_TYPE_WIDGET), 0, map_hook, NULL, NULL);

  /* No gtk_init here: the application's start-up does it, on the clock. */
  scenario.cpu_start = ferry_bench_self_cpu_s ();
  scenario.start = g_get_monotonic_time ();
  ferry_ui_test_run_app ((const char * const *) args, run_scenario);
  return 0;
}

/* ---------------------------------------------------------------------- */
/* Parent: writes the nodes, runs the scenarios, prints the table         */

static GHashTable *
run_child (const char  *self_exe,
           GPtrArray   *uris,
           guint        n_nodes,
           guint        vms_per_node)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *count = g_strdup_printf ("%u", vms_per_node);
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  GHashTable *results = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  int status;

  g_ptr_array_add (argv, (char *) self_exe);
  g_ptr_array_add (argv, (char *) "--scenario");
  g_ptr_array_add (argv, count);
  for (guint i = 0; i < n_nodes; i++)
    g_ptr_array_add (argv, g_ptr_array_index (uris, i));
  g_ptr_array_add (argv, NULL);

  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                     &out, NULL, &status, &error))
    g_error ("spawning %s: %s", self_exe, error->message);
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) cols = NULL;

      if (!g_str_has_prefix (lines[i], "RESULT "))
        {
          if (*lines[i] != '\0')
            g_print ("  [%ux%u] %s\n", n_nodes, vms_per_node, lines[i]);
          continue;
        }
      cols = g_strsplit (lines[i], " ", 3);
      if (g_strv_length (cols) == 3)
        g_hash_table_insert (results, g_strdup (cols[1]), g_strdup (cols[2]));
    }
  if (!g_spawn_check_wait_status (status, &error))
    g_printerr ("bench-scale: the %ux%u scenario did not exit cleanly: %s\n",
                n_nodes, vms_per_node, error->message);
  return results;
}

/* What libvirt alone costs, without Ferry: open and list the nodes, one
 * thread each (as Ferry's workers do). The test driver parses the whole
 * node file in virConnectOpen, in this process. */
static gpointer
open_and_list (gpointer uri)
{
  virConnectPtr conn = virConnectOpen (uri);
  virDomainPtr *domains = NULL;
  int n;

  if (conn == NULL)
    g_error ("virConnectOpen %s failed", (const char *) uri);
  n = virConnectListAllDomains (conn, &domains, 0);
  for (int i = 0; i < n; i++)
    virDomainFree (domains[i]);
  free (domains);
  virConnectClose (conn);
  return GINT_TO_POINTER (n);
}

static double
libvirt_alone_ms (GPtrArray *uris,
                  guint      n_nodes,
                  double    *cpu_s)
{
  g_autoptr(GPtrArray) threads = g_ptr_array_new ();
  gint64 t0 = g_get_monotonic_time ();
  double cpu0 = ferry_bench_self_cpu_s ();

  for (guint i = 0; i < n_nodes; i++)
    g_ptr_array_add (threads, g_thread_new ("open", open_and_list, g_ptr_array_index (uris, i)));
  for (guint i = 0; i < n_nodes; i++)
    g_assert_cmpint (GPOINTER_TO_INT (g_thread_join (g_ptr_array_index (threads, i))), ==, VMS_PER_NODE);
  *cpu_s = ferry_bench_self_cpu_s () - cpu0;
  return ms_since (t0);
}

/* What libvirt's test driver itself keeps in memory for the open nodes:
 * the growth of this process's RSS while they are open. With remote nodes
 * this memory is on the hosts, not in Ferry. */
static double
libvirt_alone_rss_mb (GPtrArray *uris,
                      guint      n_nodes)
{
  g_autoptr(GPtrArray) conns = g_ptr_array_new ();
  double before, after, hwm;

  read_rss (&before, &hwm);
  for (guint i = 0; i < n_nodes; i++)
    {
      virConnectPtr conn = virConnectOpen (g_ptr_array_index (uris, i));

      if (conn == NULL)
        g_error ("virConnectOpen failed");
      g_ptr_array_add (conns, conn);
    }
  read_rss (&after, &hwm);
  for (guint i = 0; i < conns->len; i++)
    virConnectClose (g_ptr_array_index (conns, i));
  return after - before;
}

static double
get (GHashTable *results,
     const char *key)
{
  const char *v = g_hash_table_lookup (results, key);
  return v ? g_ascii_strtod (v, NULL) : -1;
}

static GHashTable *empty, *base, *big;

/* One line of the table; the ratio is 10x1000 against 1x1000. */
static void
row (const char *label,
     const char *unit,
     const char *key)
{
  double e = get (empty, key), x = get (base, key), y = get (big, key);
  int digits = g_str_equal (unit, "s") ? 2 : 1;
  char ecol[32] = "-", ratio[32] = "-";

  if (e >= 0)
    g_snprintf (ecol, sizeof ecol, "%.*f", digits, e);
  if (x > 0 && y >= 0)
    g_snprintf (ratio, sizeof ratio, "%.2fx", y / x);
  g_print ("%-44s %4s %9s %9.*f %9.*f %8s\n", label, unit, ecol, digits, x, digits, y, ratio);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmpdir = NULL;
  g_autofree char *self_exe = NULL;
  g_autofree char *empty_uri = NULL;
  g_autoptr(GPtrArray) uris = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) empty_uris = g_ptr_array_new ();
  double launch, hwm, libvirt_1, libvirt_10, libvirt_cpu_1, libvirt_cpu_10, libvirt_rss_10;
  gint64 t0;

  if (argc >= 2 && g_str_equal (argv[1], "--scenario"))
    return child_main (argc, argv);

  self_exe = g_file_read_link ("/proc/self/exe", &error);
  g_assert_no_error (error);
  tmpdir = g_dir_make_tmp ("ferry-bench-scale-XXXXXX", &error);
  g_assert_no_error (error);

  /* The nodes, before any clock: node00…node09, 1000 VMs each, 70 % up;
   * and a node without VMs, for what GTK and Ferry cost alone. */
  t0 = g_get_monotonic_time ();
  for (guint i = 0; i < BIG_NODES; i++)
    {
      g_autofree char *file = g_strdup_printf ("node%02u.xml", i);
      g_autofree char *prefix = g_strdup_printf ("node%02u", i);
      g_autofree char *uuid = g_strdup_printf ("%08x-0000-4000-8000-", 0x5ca1e000 + i);

      g_ptr_array_add (uris, ferry_test_write_node_file (tmpdir, file, prefix, VMS_PER_NODE,
                                                         RUNNING, uuid));
    }
  empty_uri = ferry_test_write_node_file (tmpdir, "empty.xml", "empty", 0, 0,
                                          "5ca1efff-0000-4000-8000-");
  g_ptr_array_add (empty_uris, empty_uri);
  g_print ("\n== bench-scale: %u nodes x %u VMs against 1 node x %u (node files written in %.0f ms, "
           "off the clock) ==\n", BIG_NODES, VMS_PER_NODE, VMS_PER_NODE, ms_since (t0));

  /* libvirt's own share, the floor under Ferry's launch. */
  libvirt_1 = libvirt_alone_ms (uris, 1, &libvirt_cpu_1);
  libvirt_10 = libvirt_alone_ms (uris, BIG_NODES, &libvirt_cpu_10);
  libvirt_rss_10 = libvirt_alone_rss_mb (uris, BIG_NODES);

  /* Baselines first, each scenario in a process of its own. */
  empty = run_child (self_exe, empty_uris, 1, 0);
  base = run_child (self_exe, uris, 1, VMS_PER_NODE);
  big = run_child (self_exe, uris, BIG_NODES, VMS_PER_NODE);
  ferry_test_remove_tree (tmpdir);

  g_print ("%-44s %4s %9s %9s %9s %8s\n", "measure (from launch = g_application_run)", "unit",
           "1x0", "1x1000", "10x1000", "ratio");
  row ("launch -> window's first frame", "ms", "first_frame_ms");
  row ("launch -> bench function called", "ms", "window_up_ms");
  row ("launch -> first rows in the model", "ms", "first_rows_ms");
  row ("launch -> all rows in the model (1x0: conn.)", "ms", "ready_ms");
  row ("launch -> first frame showing them", "ms", "frame_ms");
  row ("  that frame's work (before->after paint)", "ms", "ready_frame_work_ms");
  row ("CPU, launch -> all rows (user+sys)", "s", "cpu_ready_s");
  row ("VmRSS when the rows are shown", "MB", "rss_ready_mb");
  row ("VmRSS 0.5 s later", "MB", "rss_settled_mb");
  row ("scroll top->bottom, total", "ms", "scroll_total_ms");
  row ("scroll frames", "", "scroll_frames");
  row ("scroll step -> painted, mean", "ms", "scroll_step_mean_ms");
  row ("scroll step -> painted, max", "ms", "scroll_step_max_ms");
  row ("scroll frame work, mean", "ms", "scroll_work_mean_ms");
  row ("scroll frame work, max", "ms", "scroll_work_max_ms");
  row ("VmRSS after scrolling", "MB", "rss_scrolled_mb");
  row ("sort by Memory: -> sorted", "ms", "sort_ready_ms");
  row ("sort by Memory: -> next frame", "ms", "sort_frame_ms");
  row ("  that frame's work", "ms", "sort_frame_work_ms");
  row ("search \"" SEARCH_TEXT "\": -> filtered", "ms", "search_ready_ms");
  row ("search \"" SEARCH_TEXT "\": -> next frame", "ms", "search_frame_ms");
  row ("  that frame's work", "ms", "search_frame_work_ms");
  row ("clear search: -> all rows back", "ms", "clear_ready_ms");
  row ("clear search: -> next frame", "ms", "clear_frame_ms");
  row ("  that frame's work", "ms", "clear_frame_work_ms");
  row ("VmRSS at the end", "MB", "rss_end_mb");
  row ("VmHWM (peak) at the end", "MB", "hwm_end_mb");
  row ("CPU, launch -> end (user+sys)", "s", "cpu_end_s");

  g_print ("checks: scrolled to the bottom %s/%s, sorted by memory %s/%s, search rows %.0f/%.0f\n",
           get (base, "scroll_at_bottom") > 0 ? "yes" : "NO",
           get (big, "scroll_at_bottom") > 0 ? "yes" : "NO",
           get (base, "sort_ok") > 0 ? "yes" : "NO",
           get (big, "sort_ok") > 0 ? "yes" : "NO",
           get (base, "search_rows"), get (big, "search_rows"));
  g_print ("renderer: %s, GDK_DEBUG=%s (Xvfb has no GPU); MB = 10^6 bytes\n",
           g_getenv ("GSK_RENDERER") ? g_getenv ("GSK_RENDERER") : "default",
           g_getenv ("GDK_DEBUG") ? g_getenv ("GDK_DEBUG") : "");

  launch = get (big, "ready_ms");
  g_print ("launch to 10 000 rows: %.1f ms\n", launch);
  g_print ("launch to the first frame showing them: %.1f ms\n", get (big, "frame_ms"));
  if (get (base, "ready_ms") > 0 && launch > 0)
    g_print ("10 000-VM launch / 1 000-VM launch: %.2fx; per VM: %.1f us overall, "
             "%.1f us for each VM beyond the first 1000\n",
             launch / get (base, "ready_ms"), launch * 1000 / (BIG_NODES * VMS_PER_NODE),
             (launch - get (base, "ready_ms")) * 1000 / ((BIG_NODES - 1) * VMS_PER_NODE));
  if (get (empty, "hwm_end_mb") > 0 && get (big, "hwm_end_mb") > 0)
    g_print ("memory per VM: %.1f KB (10x1000 peak - 1x0 peak, / 10 000)\n",
             (get (big, "hwm_end_mb") - get (empty, "hwm_end_mb")) * 1000 / (BIG_NODES * VMS_PER_NODE));
  g_print ("libvirt alone (no Ferry, no GTK), open + list in a thread per node, on %u CPUs: "
           "1x1000 %.1f ms (%.2f s CPU), 10x1000 %.1f ms (%.2f s CPU)\n", g_get_num_processors (),
           libvirt_1, libvirt_cpu_1, libvirt_10, libvirt_cpu_10);
  if (launch > 0)
    g_print ("beyond libvirt alone: launch to 10 000 rows +%.1f ms, +%.2f s CPU "
             "(1x1000: +%.1f ms, +%.2f s CPU)\n",
             launch - libvirt_10, get (big, "cpu_ready_s") - libvirt_cpu_10,
             get (base, "ready_ms") - libvirt_1, get (base, "cpu_ready_s") - libvirt_cpu_1);
  hwm = get (big, "hwm_end_mb");
  g_print ("libvirt's test driver alone keeps %.1f MB in-process for the 10x1000 nodes (with remote "
           "nodes that memory is on the hosts); Ferry and GTK beyond it: %.1f MB peak\n",
           libvirt_rss_10, hwm - libvirt_rss_10);
  g_print ("goal: launch to 10 000 rows < %.0f ms: %.1f ms (%s)\n", GOAL_LAUNCH_MS, launch,
           launch > 0 && launch < GOAL_LAUNCH_MS ? "met" : "NOT met");
  g_print ("goal: RSS < %.0f MB: %.1f MB peak (VmHWM); %.1f MB after scrolling (%s)\n",
           GOAL_RSS_MB, hwm, get (big, "rss_scrolled_mb"),
           hwm > 0 && hwm < GOAL_RSS_MB ? "met" : "NOT met");

  g_hash_table_unref (empty);
  g_hash_table_unref (base);
  g_hash_table_unref (big);
  return 0;
}
