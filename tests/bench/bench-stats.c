/* bench-stats.c — what do live statistics cost, against virt-manager?
 *
 * The benchmark: same machine, same run, same refresh interval,
 * under Xvfb, on test:/// node files of 1000 VMs each (70 % running):
 *   1 node x 1000 VMs, then 10 nodes x 1000 VMs.
 * For each, Ferry (the real application, in a child process: this
 * program re-executed with --ferry-child) and then virt-manager (the
 * Debian package, run with --debug so that its log says when every VM is
 * listed) run one after the other, never at the same time. Each is let
 * settle (--settle, 20 s) after every VM is listed, then its CPU time
 * (utime + stime from /proc/PID/stat, summed over its process tree) is
 * measured over a fixed window (--window, 60 s) and printed as CPU
 * seconds per minute; its RSS is the main process's VmRSS at the end of
 * the window and VmHWM (peak).
 *
 * The refresh interval (--interval, 1 s) goes to Ferry through its
 * GSettings key refresh-interval (set in the child, memory backend) and
 * to virt-manager through org.virt-manager.virt-manager.stats
 * update-interval, with its CPU, memory, disk and network polling all on
 * (Ferry samples all four). virt-manager's settings live in a keyfile
 * backend under a private XDG_CONFIG_HOME, never the user's.
 *
 * Prints a table, the ratio virt-manager / Ferry, and one line per goal
 * (Ferry's CPU <= 1/50 of virt-manager's; Ferry's RSS < 100 MB at 10 000
 * VMs). Never fails on a number. When Ferry's statistics engine does not
 * run (no sample arrives), it says so and prints no Ferry numbers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <glib-unix.h>
#include <glib/gstdio.h>
#include <libvirt/libvirt.h>

#include "ferry-test-util.h"
#include "ferry-bench-util.h"
#include "ferry-ui-test-util.h"

#define VMS_PER_NODE      1000
#define RUNNING           700
#define BIG_NODES         10
#define GOAL_CPU_FACTOR   50.0
#define GOAL_RSS_MB       100.0

static int    opt_window = 60;
static int    opt_settle = 20;
static int    opt_interval = 1;
static int    opt_startup_timeout = 180;
static gboolean opt_no_virt_manager = FALSE;

/* ---------------------------------------------------------------------- */
/* Child: the real application, until the parent says STOP                */

typedef struct
{
  FerryMetrics *metrics;
  guint64       updates;
  guint64       at_mark;
} UpdateCounter;

static struct
{
  guint     interval_s;
  guint     expected;
  gint64    start;
  gboolean  marked;
  gboolean  stop;
  gint64    mark_time;
  gint64    stop_time;
  GArray   *nodes;         /* UpdateCounter, one per node */
  UpdateCounter cluster;
} child;

static void
result (const char *key,
        double      value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_print ("RESULT %s %s\n", key, g_ascii_dtostr (buf, sizeof buf, value));
}

static void
updated_cb (FerryMetrics  *metrics,
            UpdateCounter *c)
{
  c->updates++;
}

static gboolean
stdin_cb (GIOChannel   *channel,
          GIOCondition  condition,
          gpointer      data)
{
  g_autofree char *line = NULL;
  GIOStatus status;

  status = g_io_channel_read_line (channel, &line, NULL, NULL, NULL);
  if (status == G_IO_STATUS_AGAIN)
    return G_SOURCE_CONTINUE;
  if (status != G_IO_STATUS_NORMAL || g_str_has_prefix (line, "STOP"))
    {
      child.stop_time = g_get_monotonic_time ();
      child.stop = TRUE;
      return G_SOURCE_REMOVE;
    }
  if (g_str_has_prefix (line, "MARK"))
    {
      child.mark_time = g_get_monotonic_time ();
      child.marked = TRUE;
      for (guint i = 0; i < child.nodes->len; i++)
        {
          UpdateCounter *c = &g_array_index (child.nodes, UpdateCounter, i);
          c->at_mark = c->updates;
        }
      child.cluster.at_mark = child.cluster.updates;
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
all_rows (gpointer data)
{
  return g_list_model_get_n_items (data) >= child.expected;
}

static void
run_child (FerryApplication *app,
           FerryWindow      *window)
{
  FerryInventory *inventory = ferry_session_get_inventory (ferry_application_get_session (app));
  GListModel *nodes = ferry_inventory_get_nodes (inventory);
  GListModel *model = ferry_window_get_vm_model (window);
  GSettings *settings = ferry_application_get_settings (app);
  g_autoptr(GIOChannel) in = NULL;
  guint64 min = G_MAXUINT64, max = 0, sum = 0;
  guint with_cpu = 0, running = 0, vms = 0;
  double window_s;

  if (!ferry_test_wait_until (all_rows, model, opt_startup_timeout * 1000))
    g_error ("the window listed %u of %u VMs in %d s",
             g_list_model_get_n_items (model), child.expected, opt_startup_timeout);
  if (!ferry_test_wait_until (ferry_ui_test_all_connected, inventory, 30000))
    g_error ("not every node connected");
  result ("ready_ms", (g_get_monotonic_time () - child.start) / 1000.0);

  /* The same interval as virt-manager's, the way a user sets it. */
  if (settings != NULL)
    {
      g_settings_set_uint (settings, "refresh-interval", child.interval_s);
      result ("interval_set_s", g_settings_get_uint (settings, "refresh-interval"));
    }
  else
    result ("interval_set_s", -1);

  child.nodes = g_array_new (FALSE, TRUE, sizeof (UpdateCounter));
  g_array_set_size (child.nodes, g_list_model_get_n_items (nodes));
  for (guint i = 0; i < child.nodes->len; i++)
    {
      g_autoptr(FerryNode) node = g_list_model_get_item (nodes, i);
      UpdateCounter *c = &g_array_index (child.nodes, UpdateCounter, i);

      c->metrics = ferry_node_get_metrics (node);
      g_signal_connect (c->metrics, "updated", G_CALLBACK (updated_cb), c);
    }
  child.cluster.metrics = ferry_inventory_get_metrics (inventory);
  g_signal_connect (child.cluster.metrics, "updated", G_CALLBACK (updated_cb), &child.cluster);

  in = g_io_channel_unix_new (STDIN_FILENO);
  g_io_add_watch (in, G_IO_IN | G_IO_HUP | G_IO_ERR, stdin_cb, NULL);
  g_print ("READY\n");
  fflush (stdout);

  /* The application runs as it would for a user until the parent is done
   * measuring. */
  while (!child.stop)
    g_main_context_iteration (NULL, TRUE);

  window_s = child.marked ? (child.stop_time - child.mark_time) / 1e6 : 0;
  for (guint i = 0; i < child.nodes->len; i++)
    {
      UpdateCounter *c = &g_array_index (child.nodes, UpdateCounter, i);
      guint64 n = c->updates - c->at_mark;

      min = MIN (min, n);
      max = MAX (max, n);
      sum += n;
      g_signal_handlers_disconnect_by_func (c->metrics, updated_cb, c);
    }
  g_signal_handlers_disconnect_by_func (child.cluster.metrics, updated_cb, &child.cluster);
  result ("window_s", window_s);
  result ("node_samples", sum);
  result ("node_samples_min", child.nodes->len ? min : 0);
  result ("node_samples_max", max);
  result ("cluster_samples", child.cluster.updates - child.cluster.at_mark);
  result ("cluster_samples_total", child.cluster.updates);

  /* Did the VMs themselves get statistics? */
  for (guint i = 0; i < g_list_model_get_n_items (nodes); i++)
    {
      g_autoptr(FerryNode) node = g_list_model_get_item (nodes, i);
      GListModel *list = ferry_node_get_vms (node);

      for (guint j = 0; j < g_list_model_get_n_items (list); j++)
        {
          g_autoptr(FerryVm) vm = g_list_model_get_item (list, j);

          vms++;
          if (ferry_vm_get_state (vm) != FERRY_VM_STATE_RUNNING)
            continue;
          running++;
          if (!isnan (ferry_metrics_get_last (ferry_vm_get_metrics (vm), FERRY_METRIC_CPU)))
            with_cpu++;
        }
    }
  result ("vms", vms);
  result ("vms_running", running);
  result ("vms_with_cpu", with_cpu);
  g_array_unref (child.nodes);
}

static int
child_main (int   argc,
            char *argv[])
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) args = NULL;

  /* argv: --ferry-child INTERVAL-S VMS-PER-NODE STARTUP-TIMEOUT-S URI... */
  g_assert_cmpint (argc, >=, 6);
  for (int i = 5; i < argc; i++)
    {
      g_strv_builder_add (builder, "--connect");
      g_strv_builder_add (builder, argv[i]);
    }
  args = g_strv_builder_end (builder);
  child.interval_s = atoi (argv[2]);
  child.expected = (argc - 5) * atoi (argv[3]);
  opt_startup_timeout = atoi (argv[4]);
  g_set_prgname ("bench-stats");
  child.start = g_get_monotonic_time ();
  ferry_ui_test_run_app ((const char * const *) args, run_child);
  return 0;
}

/* ---------------------------------------------------------------------- */
/* Parent: /proc readings                                                 */



/* VmRSS and VmHWM of @pid in MB (10^6 bytes). */
static void
proc_rss (int     pid,
          double *rss,
          double *hwm)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", pid);
  g_autofree char *status = NULL;
  g_auto(GStrv) lines = NULL;

  *rss = *hwm = -1;
  if (!g_file_get_contents (path, &status, NULL, NULL))
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
seconds_since (gint64 t)
{
  return (g_get_monotonic_time () - t) / 1e6;
}

/* ---------------------------------------------------------------------- */
/* Parent: one program, one scenario                                      */

typedef struct
{
  gboolean ran;             /* reached steady state and was measured */
  gboolean partial;         /* measured, but before every VM was listed */
  char    *note;            /* why not, or what was odd */
  double   startup_s;       /* spawn → every VM listed */
  double   startup_cpu_s;   /* CPU of the tree until then */
  double   window_s;
  double   window_cpu_s;
  double   cpu_per_min;
  double   rss_mb;          /* main process, end of the window */
  double   hwm_mb;
  guint    n_procs;
  guint    listed;          /* VMs listed when ready (or at the timeout) */
  GHashTable *results;      /* Ferry child's RESULT lines */
} Measure;

static void
measure_clear (Measure *m)
{
  g_free (m->note);
  g_clear_pointer (&m->results, g_hash_table_unref);
}

static double
get (Measure    *m,
     const char *key)
{
  const char *v = m->results ? g_hash_table_lookup (m->results, key) : NULL;
  return v ? g_ascii_strtod (v, NULL) : -1;
}

/* The steady-state part, the same for both programs. */
static void
measure_window (Measure *m,
                int      pid,
                void   (*at_start) (gpointer),
                gpointer data)
{
  double cpu0, cpu1;
  gint64 t0;

  g_usleep ((gulong) opt_settle * G_USEC_PER_SEC);
  cpu0 = ferry_bench_tree_cpu_s (pid, NULL);
  t0 = g_get_monotonic_time ();
  if (at_start != NULL)
    at_start (data);
  g_usleep ((gulong) opt_window * G_USEC_PER_SEC);
  cpu1 = ferry_bench_tree_cpu_s (pid, &m->n_procs);
  m->window_s = seconds_since (t0);
  proc_rss (pid, &m->rss_mb, &m->hwm_mb);
  if (cpu0 < 0 || cpu1 < 0)
    {
      m->note = g_strdup ("the process went away during the window");
      return;
    }
  m->window_cpu_s = cpu1 - cpu0;
  m->cpu_per_min = m->window_cpu_s / m->window_s * 60;
  m->ran = TRUE;
}

static void
send_line (gpointer data)
{
  GOutputStream *out = data;
  g_autoptr(GError) error = NULL;

  if (!g_output_stream_write_all (out, "MARK\n", 5, NULL, NULL, &error))
    g_printerr ("bench-stats: telling Ferry the window starts: %s\n", error->message);
}

static void
run_ferry (Measure    *m,
           const char *self_exe,
           GPtrArray  *uris,
           guint       n_nodes)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  GOutputStream *in;
  gboolean ready = FALSE;
  gint64 t0;
  int pid;
  char *line;

  memset (m, 0, sizeof *m);
  m->results = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_ptr_array_add (argv, g_strdup (self_exe));
  g_ptr_array_add (argv, g_strdup ("--ferry-child"));
  g_ptr_array_add (argv, g_strdup_printf ("%d", opt_interval));
  g_ptr_array_add (argv, g_strdup_printf ("%d", VMS_PER_NODE));
  g_ptr_array_add (argv, g_strdup_printf ("%d", opt_startup_timeout));
  for (guint i = 0; i < n_nodes; i++)
    g_ptr_array_add (argv, g_strdup (g_ptr_array_index (uris, i)));
  g_ptr_array_add (argv, NULL);

  t0 = g_get_monotonic_time ();
  proc = g_subprocess_newv ((const char * const *) argv->pdata,
                            G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  if (proc == NULL)
    g_error ("spawning %s: %s", self_exe, error->message);
  pid = atoi (g_subprocess_get_identifier (proc));
  in = g_subprocess_get_stdin_pipe (proc);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));

  /* Lines until READY (the child gives up by itself after the start-up
   * timeout), then the window, then STOP and the child's results. */
  while ((line = g_data_input_stream_read_line (out, NULL, NULL, NULL)) != NULL)
    {
      if (g_str_equal (line, "READY"))
        {
          g_free (line);
          ready = TRUE;
          m->startup_s = seconds_since (t0);
          m->startup_cpu_s = ferry_bench_tree_cpu_s (pid, NULL);
          m->listed = n_nodes * VMS_PER_NODE;
          measure_window (m, pid, send_line, in);
          if (!g_output_stream_write_all (in, "STOP\n", 5, NULL, NULL, &error))
            {
              g_printerr ("bench-stats: telling Ferry to stop: %s\n", error->message);
              g_clear_error (&error);
              g_subprocess_force_exit (proc);
            }
          continue;
        }
      if (g_str_has_prefix (line, "RESULT "))
        {
          g_auto(GStrv) cols = g_strsplit (line, " ", 3);

          if (g_strv_length (cols) == 3)
            g_hash_table_insert (m->results, g_strdup (cols[1]), g_strdup (cols[2]));
        }
      else if (*line != '\0')
        g_print ("  [Ferry %ux%u] %s\n", n_nodes, VMS_PER_NODE, line);
      g_free (line);
    }
  if (!g_subprocess_wait_check (proc, NULL, &error))
    {
      g_printerr ("bench-stats: Ferry's %ux%u run did not exit cleanly: %s\n",
                  n_nodes, VMS_PER_NODE, error->message);
      if (!ready)
        m->note = g_strdup_printf ("Ferry did not list every VM (%s)", error->message);
    }
  if (!ready && m->note == NULL)
    m->note = g_strdup ("Ferry never became ready");
  if (m->ran && get (m, "node_samples") <= 0)
    {
      /* Running, but nothing sampled: no numbers to compare. */
      m->ran = FALSE;
      g_free (m->note);
      m->note = g_strdup_printf ("stats engine not available (no statistics sample arrived in the "
                                 "%.0f s window; Ferry idled at %.2f CPU s/min, %.1f MB)",
                                 m->window_s, m->cpu_per_min, m->rss_mb);
    }
}

/* virt-manager's settings, in a keyfile backend of its own. */
static char *
write_virt_manager_config (const char *dir,
                           GPtrArray  *uris,
                           guint       n_nodes)
{
  g_autofree char *settings_dir = g_build_filename (dir, "config", "glib-2.0", "settings", NULL);
  g_autofree char *keyfile = g_build_filename (settings_dir, "keyfile", NULL);
  g_autoptr(GString) list = g_string_new ("[");
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < n_nodes; i++)
    {
      g_autofree char *quoted = g_strescape (g_ptr_array_index (uris, i), NULL);

      g_string_append_printf (list, "%s'%s'", i ? ", " : "", quoted);
    }
  g_string_append (list, "]");
  text = g_strdup_printf ("[org/virt-manager/virt-manager/stats]\n"
                          "update-interval=%d\n"
                          "enable-cpu-poll=true\n"
                          "enable-memory-poll=true\n"
                          "enable-disk-poll=true\n"
                          "enable-net-poll=true\n"
                          "\n"
                          "[org/virt-manager/virt-manager/connections]\n"
                          "uris=%s\n"
                          "autoconnect=%s\n",
                          opt_interval, list->str, list->str);
  g_mkdir_with_parents (settings_dir, 0700);
  g_file_set_contents (keyfile, text, -1, &error);
  g_assert_no_error (error);
  return g_build_filename (dir, "config", NULL);
}

/* Counts, in virt-manager's --debug log, the connections that became
 * active and the domains it added. */
static void
scan_log (const char *log,
          guint      *active,
          guint      *domains,
          gboolean   *error_seen)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  *active = *domains = 0;
  *error_seen = FALSE;
  if (!g_file_get_contents (log, &text, NULL, NULL))
    return;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *l = lines[i];

      if (strstr (l, "changed to state=Active") != NULL)
        (*active)++;
      else if (strstr (l, " domain=") != NULL && g_str_has_suffix (l, " added"))
        (*domains)++;
      else if (strstr (l, "Traceback") != NULL || strstr (l, " ERROR ") != NULL)
        *error_seen = TRUE;
    }
}

static void
stop_process (GSubprocess *proc)
{
  g_subprocess_send_signal (proc, SIGTERM);
  for (int i = 0; i < 100 && g_subprocess_get_identifier (proc) != NULL; i++)
    g_usleep (50000);
  if (g_subprocess_get_identifier (proc) != NULL)
    {
      g_subprocess_force_exit (proc);
    }
  g_subprocess_wait (proc, NULL, NULL);
}

static void
run_virt_manager (Measure    *m,
                  const char *tmpdir,
                  GPtrArray  *uris,
                  guint       n_nodes,
                  char      **log_out)
{
  g_autofree char *dir = g_strdup_printf ("%s/virt-manager-%u", tmpdir, n_nodes);
  g_autofree char *config = NULL;
  g_autofree char *cache = g_build_filename (dir, "cache", NULL);
  g_autofree char *data = g_build_filename (dir, "data", NULL);
  g_autofree char *log = g_build_filename (dir, "debug.log", NULL);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  guint expected = n_nodes * VMS_PER_NODE, active = 0, domains = 0;
  gboolean error_seen = FALSE, ready = FALSE;
  gint64 t0;
  int pid;

  memset (m, 0, sizeof *m);
  g_mkdir_with_parents (dir, 0700);
  config = write_virt_manager_config (dir, uris, n_nodes);
  *log_out = g_strdup (log);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_subprocess_launcher_set_stdout_file_path (launcher, log);
  g_subprocess_launcher_setenv (launcher, "GSETTINGS_BACKEND", "keyfile", TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", config, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CACHE_HOME", cache, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data, TRUE);
  /* GTK 3 needs none of the GTK 4 settings; NO_AT_BRIDGE=1 is kept, as
   * for Ferry (no accessibility bus for either). */
  g_subprocess_launcher_unsetenv (launcher, "GSK_RENDERER");
  g_subprocess_launcher_unsetenv (launcher, "GDK_DEBUG");

  t0 = g_get_monotonic_time ();
  /* --debug implies --no-fork and logs every domain it adds. */
  proc = g_subprocess_launcher_spawn (launcher, &error, "virt-manager", "--debug", NULL);
  if (proc == NULL)
    {
      m->note = g_strdup_printf ("could not start virt-manager: %s", error->message);
      return;
    }
  pid = atoi (g_subprocess_get_identifier (proc));

  while (seconds_since (t0) < opt_startup_timeout)
    {
      g_usleep (250000);
      if (g_subprocess_get_identifier (proc) == NULL)
        break;
      scan_log (log, &active, &domains, &error_seen);
      if (active >= n_nodes && domains >= expected)
        {
          ready = TRUE;
          break;
        }
    }
  m->startup_s = seconds_since (t0);
  m->startup_cpu_s = ferry_bench_tree_cpu_s (pid, NULL);
  m->listed = domains;

  if (g_subprocess_get_identifier (proc) == NULL)
    {
      m->note = g_strdup_printf ("virt-manager exited during start-up (%u of %u connections "
                                 "active, %u of %u VMs listed); see its log",
                                 active, n_nodes, domains, expected);
      g_subprocess_wait (proc, NULL, NULL);
      return;
    }
  if (!ready)
    {
      double rss, hwm;
      guint active_end, domains_end;
      int settle = opt_settle;

      /* No steady state to measure: say what it did, and what it costs
       * while it goes on connecting (the window, without the settling). */
      proc_rss (pid, &rss, &hwm);
      opt_settle = 0;
      measure_window (m, pid, NULL, NULL);
      opt_settle = settle;
      scan_log (log, &active_end, &domains_end, &error_seen);
      m->partial = m->ran;
      m->ran = FALSE;
      m->note = g_strdup_printf ("virt-manager had not listed every VM after %.0f s "
                                 "(%u of %u connections active, %u of %u VMs listed, "
                                 "%.1f CPU s so far, VmRSS %.1f MB); no steady state. "
                                 "Over the next %.0f s, still connecting: %.2f CPU s/min, "
                                 "%u connections active, %u VMs listed, VmRSS %.1f MB",
                                 m->startup_s, active, n_nodes, domains, expected,
                                 m->startup_cpu_s, rss, m->window_s, m->cpu_per_min,
                                 active_end, domains_end, m->rss_mb);
      stop_process (proc);
      return;
    }

  measure_window (m, pid, NULL, NULL);
  scan_log (log, &active, &domains, &error_seen);
  if (error_seen)
    m->note = g_strdup ("virt-manager logged an error or a traceback; see its log");
  stop_process (proc);
}

/* Keeps virt-manager's log where the build's other outputs go. */
static char *
keep_log (const char *log,
          guint       n_nodes)
{
  const char *build = g_getenv ("FERRY_BUILD_DIR");
  g_autofree char *dir = g_build_filename (build ? build : ".", "tests", "output", NULL);
  g_autofree char *name = g_strdup_printf ("bench-stats-virt-manager-%ux%u.log", n_nodes, VMS_PER_NODE);
  g_autofree char *dest = g_build_filename (dir, name, NULL);
  g_autofree char *text = NULL;
  gsize len;

  if (log == NULL || !g_file_get_contents (log, &text, &len, NULL))
    return NULL;
  g_mkdir_with_parents (dir, 0755);
  if (!g_file_set_contents (dest, text, (gssize) len, NULL))
    return NULL;
  return g_steal_pointer (&dest);
}

/* What libvirt's test driver itself keeps in memory for @n_nodes open
 * nodes: the growth of this process's RSS while they are open. */
static double
libvirt_alone_rss_mb (GPtrArray *uris,
                      guint      n_nodes)
{
  g_autoptr(GPtrArray) conns = g_ptr_array_new ();
  double before, after, hwm;

  proc_rss (getpid (), &before, &hwm);
  for (guint i = 0; i < n_nodes; i++)
    {
      virConnectPtr conn = virConnectOpen (g_ptr_array_index (uris, i));

      if (conn == NULL)
        g_error ("virConnectOpen %s failed", (const char *) g_ptr_array_index (uris, i));
      g_ptr_array_add (conns, conn);
    }
  proc_rss (getpid (), &after, &hwm);
  for (guint i = 0; i < conns->len; i++)
    virConnectClose (g_ptr_array_index (conns, i));
  return after - before;
}

/* ---------------------------------------------------------------------- */
/* Parent: the report                                                     */

static void
format_value (char   *buf,
              gsize   size,
              Measure *m,
              double  v,
              int     digits)
{
  if (m->ran)
    g_snprintf (buf, size, "%.*f", digits, v);
  else if (m->partial)
    g_snprintf (buf, size, "(%.*f)*", digits, v);
  else
    g_strlcpy (buf, "n/a", size);
}

static void
format_ratio (char    *buf,
              gsize    size,
              Measure *ferry,
              Measure *vm)
{
  if (!ferry->ran || !vm->ran)
    g_strlcpy (buf, "n/a", size);
  else if (ferry->cpu_per_min <= 0)
    /* Below /proc's resolution (one clock tick over the window). */
    g_snprintf (buf, size, "> %.0fx", vm->cpu_per_min / (60.0 / sysconf (_SC_CLK_TCK) / ferry->window_s));
  else
    g_snprintf (buf, size, "%.0fx", vm->cpu_per_min / ferry->cpu_per_min);
}

static void
print_row (const char *label,
           Measure    *ferry,
           Measure    *vm)
{
  char fc[32], vc[32], ratio[32], fr[32], vr[32];

  format_value (fc, sizeof fc, ferry, ferry->cpu_per_min, 3);
  format_value (vc, sizeof vc, vm, vm->cpu_per_min, 2);
  format_ratio (ratio, sizeof ratio, ferry, vm);
  if (ferry->ran && vm->partial && ferry->cpu_per_min > 0)
    g_snprintf (ratio, sizeof ratio, "(%.0fx)*", vm->cpu_per_min / ferry->cpu_per_min);
  format_value (fr, sizeof fr, ferry, ferry->rss_mb, 1);
  format_value (vr, sizeof vr, vm, vm->rss_mb, 1);
  g_print ("%-9s %14s %16s %12s %12s %16s\n", label, fc, vc, ratio, fr, vr);
}

static void
print_details (const char *program,
               const char *label,
               Measure    *m)
{
  g_print ("  %-12s %-8s", program, label);
  if (m->startup_s > 0)
    g_print (" start-up %.1f s (%.1f CPU s, %u VMs listed)", m->startup_s, m->startup_cpu_s, m->listed);
  if (m->ran || m->partial)
    g_print ("; window %.1f s: %.2f CPU s (%u process%s); VmRSS %.1f MB, VmHWM %.1f MB",
             m->window_s, m->window_cpu_s, m->n_procs, m->n_procs == 1 ? "" : "es",
             m->rss_mb, m->hwm_mb);
  if (m->note != NULL)
    g_print ("; %s", m->note);
  g_print ("\n");
}

static void
print_ferry_samples (const char *label,
                     Measure    *m,
                     guint       n_nodes)
{
  double w = get (m, "window_s");
  g_autofree char *interval = NULL;

  if (m->results == NULL || w <= 0)
    return;
  interval = get (m, "interval_set_s") < 0 ? g_strdup ("not set (no GSettings)")
                                           : g_strdup_printf ("%.0f s", get (m, "interval_set_s"));
  g_print ("  Ferry        %-8s refresh-interval %s; node samples in the window: %.0f "
           "(%.2f per node per second, slowest node %.0f, fastest %.0f); cluster %.0f; "
           "running VMs with a CPU value: %.0f of %.0f\n",
           label, interval,
           get (m, "node_samples"), get (m, "node_samples") / n_nodes / w,
           get (m, "node_samples_min"), get (m, "node_samples_max"),
           get (m, "cluster_samples"), get (m, "vms_with_cpu"), get (m, "vms_running"));
}

int
main (int   argc,
      char *argv[])
{
  GOptionEntry entries[] = {
    { "window", 'w', 0, G_OPTION_ARG_INT, &opt_window, "Steady-state window to measure, in seconds (60)", "S" },
    { "settle", 's', 0, G_OPTION_ARG_INT, &opt_settle, "Settling time after every VM is listed, in seconds (20)", "S" },
    { "interval", 'i', 0, G_OPTION_ARG_INT, &opt_interval, "Refresh interval for both programs, in seconds (1)", "S" },
    { "startup-timeout", 0, 0, G_OPTION_ARG_INT, &opt_startup_timeout, "Give up on a start-up after this many seconds (180)", "S" },
    { "no-virt-manager", 0, 0, G_OPTION_ARG_NONE, &opt_no_virt_manager, "Measure Ferry only", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *tmpdir = NULL;
  g_autofree char *self_exe = NULL;
  g_autofree char *vm_path = NULL;
  g_autofree char *vm_log_1 = NULL;
  g_autofree char *vm_log_10 = NULL;
  g_autoptr(GPtrArray) uris = g_ptr_array_new_with_free_func (g_free);
  Measure ferry1, ferry10, vm1 = { 0 }, vm10 = { 0 };
  gboolean cpu_goal_known = FALSE, cpu_goal_met = TRUE;
  double libvirt_rss_1, libvirt_rss_10;
  gint64 t0;

  if (argc >= 2 && g_str_equal (argv[1], "--ferry-child"))
    return child_main (argc, argv);

  context = g_option_context_new ("- Ferry's statistics against virt-manager's");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("bench-stats: %s\n", error->message);
      return 2;
    }
  ferry_test_require_programs ("virt-manager", NULL);
  opt_window = MAX (opt_window, 1);
  opt_settle = MAX (opt_settle, 0);
  opt_interval = CLAMP (opt_interval, 1, 60);

  self_exe = g_file_read_link ("/proc/self/exe", &error);
  g_assert_no_error (error);
  tmpdir = g_dir_make_tmp ("ferry-bench-stats-XXXXXX", &error);
  g_assert_no_error (error);

  t0 = g_get_monotonic_time ();
  for (guint i = 0; i < BIG_NODES; i++)
    {
      g_autofree char *file = g_strdup_printf ("node%02u.xml", i);
      g_autofree char *prefix = g_strdup_printf ("node%02u", i);
      g_autofree char *uuid = g_strdup_printf ("%08x-0000-4000-8000-", 0x5ca1e000 + i);

      g_ptr_array_add (uris, ferry_test_write_node_file (tmpdir, file, prefix, VMS_PER_NODE,
                                                         RUNNING, uuid));
    }
  vm_path = g_find_program_in_path ("virt-manager");
  g_print ("\n== bench-stats: live statistics, Ferry against virt-manager, 1x%u and %ux%u VMs "
           "(%u running per node), refresh every %d s, settle %d s, window %d s "
           "(node files written in %.0f ms) ==\n",
           VMS_PER_NODE, BIG_NODES, VMS_PER_NODE, RUNNING, opt_interval, opt_settle, opt_window,
           seconds_since (t0) * 1000);

  libvirt_rss_1 = libvirt_alone_rss_mb (uris, 1);
  libvirt_rss_10 = libvirt_alone_rss_mb (uris, BIG_NODES);

  /* One program at a time: neither competes with the other for the CPUs. */
  run_ferry (&ferry1, self_exe, uris, 1);
  if (!opt_no_virt_manager && vm_path != NULL)
    run_virt_manager (&vm1, tmpdir, uris, 1, &vm_log_1);
  run_ferry (&ferry10, self_exe, uris, BIG_NODES);
  if (!opt_no_virt_manager && vm_path != NULL)
    run_virt_manager (&vm10, tmpdir, uris, BIG_NODES, &vm_log_10);
  if (opt_no_virt_manager || vm_path == NULL)
    {
      const char *why = opt_no_virt_manager ? "--no-virt-manager" :
                        "virt-manager is not installed (apt-get install virt-manager)";
      vm1.note = g_strdup (why);
      vm10.note = g_strdup (why);
    }

  g_print ("%-9s %14s %16s %12s %12s %16s\n", "scenario", "Ferry CPU s/min", "virt-mgr CPU s/min",
           "ratio vm/F", "Ferry RSS MB", "virt-mgr RSS MB");
  print_row ("1x1000", &ferry1, &vm1);
  print_row ("10x1000", &ferry10, &vm10);
  g_print ("details (CPU = utime+stime+cutime+cstime of the process tree from /proc; RSS of the main "
           "process; MB = 10^6 bytes):\n");
  print_details ("Ferry", "1x1000", &ferry1);
  print_ferry_samples ("1x1000", &ferry1, 1);
  print_details ("virt-manager", "1x1000", &vm1);
  print_details ("Ferry", "10x1000", &ferry10);
  print_ferry_samples ("10x1000", &ferry10, BIG_NODES);
  print_details ("virt-manager", "10x1000", &vm10);
  if (vm1.partial || vm10.partial)
    g_print ("(...)* virt-manager had not listed every VM by the start-up timeout (%d s): measured while "
             "it was still connecting, not in a steady state; left out of the goals\n",
             opt_startup_timeout);
  for (guint i = 0; i < 2; i++)
    {
      Measure *f = i == 0 ? &ferry1 : &ferry10;

      if (f->results != NULL && get (f, "vms_running") > 0 && get (f, "vms_with_cpu") == 0)
        {
          g_print ("note: Ferry got no per-VM CPU values from test:/// (libvirt's test driver answers "
                   "virConnectGetAllDomainStats with the state group only), while virt-manager, on "
                   "test:/// only, samples each VM with its older per-domain calls (virDomainGetInfo, "
                   "memoryStats, ...: statsmanager.py uses them for the test driver on purpose); on "
                   "real hosts both make one bulk call per host and tick\n");
          break;
        }
    }
  g_print ("libvirt's test driver alone holds %.1f MB in-process for 1x%u and %.1f MB for %ux%u "
           "(in Ferry and in virt-manager alike; with remote hosts that memory is on the hosts)\n",
           libvirt_rss_1, VMS_PER_NODE, libvirt_rss_10, BIG_NODES, VMS_PER_NODE);
  g_print ("virt-manager: %s, run with --debug (implies --no-fork), GSETTINGS_BACKEND=keyfile under "
           "a private XDG_CONFIG_HOME: stats update-interval=%d, enable-cpu-poll, "
           "enable-memory-poll, enable-disk-poll, enable-net-poll all true (Ferry samples all four); "
           "connections uris = autoconnect = the node files; VM list columns left at their "
           "defaults (CPU usage graph only)\n",
           vm_path ? vm_path : "not found", opt_interval);
  {
    g_autofree char *kept_1 = keep_log (vm_log_1, 1);
    g_autofree char *kept_10 = keep_log (vm_log_10, BIG_NODES);

    if (kept_1 != NULL || kept_10 != NULL)
      g_print ("virt-manager's --debug logs: %s%s%s\n", kept_1 ? kept_1 : "",
               kept_1 && kept_10 ? ", " : "", kept_10 ? kept_10 : "");
  }
  g_print ("Ferry: the real application (this program re-executed with --ferry-child), "
           "refresh-interval set through its GSettings to %d s; both under the same X display (%s), "
           "GSK_RENDERER=%s for Ferry; %u CPUs\n",
           opt_interval, g_getenv ("DISPLAY") ? g_getenv ("DISPLAY") : "unset",
           g_getenv ("GSK_RENDERER") ? g_getenv ("GSK_RENDERER") : "default",
           g_get_num_processors ());
  if (!ferry1.ran || !ferry10.ran)
    g_print ("Ferry: %s\n", ferry10.note ? ferry10.note : ferry1.note ? ferry1.note : "not measured");

  /* Goals. */
  {
    Measure *pairs[2][2] = { { &ferry1, &vm1 }, { &ferry10, &vm10 } };
    const char *labels[2] = { "1x1000", "10x1000" };
    g_autoptr(GString) which = g_string_new (NULL);

    for (guint i = 0; i < 2; i++)
      {
        Measure *f = pairs[i][0], *v = pairs[i][1];
        char ratio[32];

        if (!f->ran || !v->ran)
          continue;
        format_ratio (ratio, sizeof ratio, f, v);
        cpu_goal_known = TRUE;
        if (f->cpu_per_min * GOAL_CPU_FACTOR > v->cpu_per_min)
          cpu_goal_met = FALSE;
        g_string_append_printf (which, "%s%s %s", which->len ? ", " : "", labels[i], ratio);
      }
    if (cpu_goal_known)
      g_print ("goal: Ferry CPU <= 1/%.0f of virt-manager's: %s (%s)\n", GOAL_CPU_FACTOR,
               cpu_goal_met ? "met" : "NOT met", which->str);
    else
      g_print ("goal: Ferry CPU <= 1/%.0f of virt-manager's: not measured\n", GOAL_CPU_FACTOR);
    if (ferry10.ran)
      g_print ("goal: Ferry RSS < %.0f MB at 10 000 VMs: %s (VmRSS %.1f MB at the end of the window; "
               "peak VmHWM %.1f MB)\n", GOAL_RSS_MB,
               ferry10.rss_mb < GOAL_RSS_MB ? "met" : "NOT met", ferry10.rss_mb, ferry10.hwm_mb);
    else
      g_print ("goal: Ferry RSS < %.0f MB at 10 000 VMs: not measured\n", GOAL_RSS_MB);
  }

  ferry_test_remove_tree (tmpdir);
  measure_clear (&ferry1);
  measure_clear (&ferry10);
  measure_clear (&vm1);
  measure_clear (&vm10);
  return 0;
}
