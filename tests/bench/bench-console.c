/* bench-console.c — what the VNC console costs on a continuously redrawn screen
 *
 * On the local cluster (tests/cluster): defines con-bench on node1 with
 * `--load screen` (the guest rewrites its whole 80x25 VGA text screen as
 * fast as it can, so nearly all of the 720x400 frame changes all the
 * time), then, one after the other, for the same window (20 s):
 *   - Ferry: in this process, a GtkWindow holding a FerryVncDisplay
 *     connected to the guest's VNC (under $DISPLAY, GSK_RENDERER=cairo).
 *     Frames = after-paint ticks of the window's frame clock at which the
 *     display had built a new texture; updated pixels = the sum of the
 *     areas of the framebuffer-update rectangles gvnc's VncConnection
 *     received (an emission hook on "vnc-framebuffer-update"); CPU
 *     seconds = getrusage (RUSAGE_SELF), every thread.
 *   - remote-viewer (virt-viewer 11, gtk-vnc on GTK 3) on the same guest:
 *     CPU seconds = utime + stime from /proc/PID/stat over its process
 *     tree. It is not instrumented: its updated pixels are taken as
 *     Ferry's rate (MPix/s) times the same window, since both are gvnc
 *     clients of the same QEMU VNC server on the same guest output; the
 *     output says so.
 * Prints a table, the ratio of CPU per megapixel and the goal (Ferry ≤
 * remote-viewer). The X server's own CPU is counted on neither side.
 * Never fails on a number; exit 77 when the cluster is not up or
 * remote-viewer is missing. Removes con-bench at the end.
 *
 *   bench-console [--window SECONDS] [--settle SECONDS]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <gtk/gtk.h>
#include <glib/gstdio.h>
#include <gvnc.h>

#include "ferry-vnc-display.h"
#include "ferry-vnc-display-private.h"

#include "ferry-bench-util.h"

#define GUEST "con-bench"

static int window_s = 20;
static int settle_s = 4;

/* ---------------------------------------------------------------------- */
/* Helpers                                                                 */

static gboolean
never (gpointer data)
{
  return FALSE;
}

static gboolean
wait_until (gboolean (*cond) (gpointer), gpointer data, guint timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!cond (data))
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (2000);
    }
  return TRUE;
}

static void
settle (guint ms)
{
  wait_until (never, NULL, ms);
}

static char *
run (const char * const *argv,
     gboolean           *ok)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;
  gboolean success;

  success = g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                          &out, &err, &status, NULL)
            && g_spawn_check_wait_status (status, NULL);
  if (!success && err != NULL && *err != '\0')
    g_printerr ("bench-console: %s: %s", argv[0], err);
  if (ok != NULL)
    *ok = success;
  return out != NULL ? g_strstrip (g_steal_pointer (&out)) : NULL;
}




/* ---------------------------------------------------------------------- */
/* The guest                                                               */

typedef struct
{
  const char *path;
  goffset offset;
  const char *needle;
} LogWait;

static goffset
file_size (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 ? st.st_size : 0;
}

static gboolean
log_has (gpointer data)
{
  LogWait *w = data;
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (w->path, &contents, &length, NULL) || (goffset) length < w->offset)
    return FALSE;
  return strstr (contents + w->offset, w->needle) != NULL;
}

static void
remove_guest (const char *uri)
{
  const char *destroy[] = { "virsh", "-q", "-c", uri, "destroy", GUEST, NULL };
  const char *undefine[] = { "virsh", "-q", "-c", uri, "undefine", GUEST, "--remove-all-storage", NULL };
  const char *state[] = { "virsh", "-q", "-c", uri, "domstate", GUEST, NULL };
  gboolean exists;
  int status = 0;

  exists = g_spawn_sync (NULL, (char **) state, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                         G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, NULL)
           && g_spawn_check_wait_status (status, NULL);
  if (!exists)
    return;
  g_spawn_sync (NULL, (char **) destroy, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, NULL, NULL);
  g_free (run (undefine, NULL));
}

/* ---------------------------------------------------------------------- */
/* Ferry                                                                   */

typedef struct
{
  double fps;
  double cpu_s;
  double mpix;
  double seconds;
  char *note;
} Result;

typedef struct
{
  FerryVncDisplay *display;
  gboolean initialized;
  gboolean disconnected;
  char *error;
  gboolean counting;
  guint64 last_frames;
  guint64 presented;
} FerrySide;

static guint64 updated_pixels;
static guint64 update_rects;

static gboolean
on_framebuffer_update_hook (GSignalInvocationHint *hint,
                            guint                  n_params,
                            const GValue          *params,
                            gpointer               data)
{
  if (n_params >= 5)
    {
      gint64 w = g_value_get_int (&params[3]);
      gint64 h = g_value_get_int (&params[4]);

      if (w > 0 && h > 0)
        updated_pixels += (guint64) (w * h);
      update_rects++;
    }
  return TRUE;
}

static void
on_initialized (FerryVncDisplay *display,
                int              width,
                int              height,
                FerrySide       *side)
{
  side->initialized = TRUE;
}

static void
on_disconnected (FerryVncDisplay *display,
                 const char      *error,
                 FerrySide       *side)
{
  side->disconnected = TRUE;
  g_free (side->error);
  side->error = g_strdup (error);
}

static gboolean
ferry_ready (gpointer data)
{
  FerrySide *side = data;

  return side->initialized || side->disconnected;
}

static void
on_after_paint (GdkFrameClock *clock,
                FerrySide     *side)
{
  FerryVncDisplayStats stats;

  _ferry_vnc_display_get_stats (side->display, &stats);
  if (side->counting && stats.frames != side->last_frames)
    side->presented++;
  side->last_frames = stats.frames;
}

static gboolean
measure_ferry (const char *port,
               Result     *r)
{
  FerrySide side = { 0 };
  GtkWidget *window = gtk_window_new ();
  GdkFrameClock *clock;
  FerryVncDisplayStats s0, s1;
  guint64 pix0;
  double cpu0, t0;

  gtk_window_set_title (GTK_WINDOW (window), "bench-console — Ferry");
  gtk_window_set_default_size (GTK_WINDOW (window), 720, 400);
  side.display = FERRY_VNC_DISPLAY (ferry_vnc_display_new ());
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (side.display));
  g_signal_connect (side.display, "initialized", G_CALLBACK (on_initialized), &side);
  g_signal_connect (side.display, "disconnected", G_CALLBACK (on_disconnected), &side);
  gtk_window_present (GTK_WINDOW (window));
  settle (300);

  ferry_vnc_display_open_host (side.display, "127.0.0.1", port);
  if (!wait_until (ferry_ready, &side, 15000) || !side.initialized)
    {
      r->note = g_strdup_printf ("Ferry could not connect: %s", side.error ? side.error : "timeout");
      gtk_window_destroy (GTK_WINDOW (window));
      return FALSE;
    }
  clock = gtk_widget_get_frame_clock (window);
  g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &side);
  settle (settle_s * 1000);

  _ferry_vnc_display_get_stats (side.display, &s0);
  pix0 = updated_pixels;
  cpu0 = ferry_bench_self_cpu_s ();
  t0 = g_get_monotonic_time () / 1e6;
  side.counting = TRUE;
  settle (window_s * 1000);
  side.counting = FALSE;
  r->seconds = g_get_monotonic_time () / 1e6 - t0;
  r->cpu_s = ferry_bench_self_cpu_s () - cpu0;
  _ferry_vnc_display_get_stats (side.display, &s1);
  r->mpix = (updated_pixels - pix0) / 1e6;
  r->fps = side.presented / r->seconds;

  g_print ("Ferry: display %dx%d in a %dx%d window, framebuffer %dx%d; "
           "%" G_GUINT64_FORMAT " update rectangles, %" G_GUINT64_FORMAT " textures built, "
           "%" G_GUINT64_FORMAT " presented, %.1f µs/texture\n",
           gtk_widget_get_width (GTK_WIDGET (side.display)), gtk_widget_get_height (GTK_WIDGET (side.display)),
           gtk_widget_get_width (window), gtk_widget_get_height (window),
           ferry_vnc_display_get_fb_width (side.display), ferry_vnc_display_get_fb_height (side.display),
           s1.updates - s0.updates, s1.frames - s0.frames, side.presented,
           (double) (s1.texture_us - s0.texture_us) / MAX (s1.frames - s0.frames, 1));

  g_signal_handlers_disconnect_by_data (clock, &side);
  ferry_vnc_display_close (side.display);
  wait_until (ferry_ready, &side, 0);
  {
    gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

    while (!side.disconnected && g_get_monotonic_time () < end)
      g_main_context_iteration (NULL, TRUE);
  }
  g_signal_handlers_disconnect_by_data (side.display, &side);
  gtk_window_destroy (GTK_WINDOW (window));
  settle (200);
  g_free (side.error);
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* remote-viewer                                                           */

static char *
window_geometry (int pid)
{
  g_autofree char *spid = g_strdup_printf ("%d", pid);
  const char *search[] = { "xdotool", "search", "--onlyvisible", "--pid", spid, NULL };
  g_autofree char *ids = NULL;
  g_auto(GStrv) lines = NULL;
  GString *out = g_string_new (NULL);

  if (g_find_program_in_path ("xdotool") == NULL)
    return g_string_free (out, TRUE), NULL;
  ids = run (search, NULL);
  if (ids == NULL)
    return g_string_free (out, TRUE), NULL;
  lines = g_strsplit (ids, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *geom[] = { "xdotool", "getwindowgeometry", lines[i], NULL };
      const char *getname[] = { "xdotool", "getwindowname", lines[i], NULL };
      g_autofree char *g = run (geom, NULL);
      g_autofree char *title = run (getname, NULL);
      const char *size = g != NULL ? strstr (g, "Geometry: ") : NULL;

      if (size != NULL)
        {
          g_autofree char *line = g_strndup (size + 10, strcspn (size + 10, "\n"));

          g_string_append_printf (out, "%s\"%s\" %s", out->len ? ", " : "", title ? title : "", line);
        }
    }
  return g_string_free (out, out->len == 0);
}

static gboolean
measure_remote_viewer (const char *port,
                       double      ferry_mpix_per_s,
                       Result     *r)
{
  /* remote-viewer takes the TCP port (not the display number that
   * `virsh domdisplay` gives). */
  g_autofree char *uri = g_strdup_printf ("vnc://127.0.0.1:%s", port);
  const char *argv[] = { "remote-viewer", uri, NULL };
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *geometry = NULL;
  double cpu0, cpu1, t0;
  int pid;

  /* GTK 3: none of GTK 4's renderer variables apply. */
  g_subprocess_launcher_unsetenv (launcher, "GSK_RENDERER");
  proc = g_subprocess_launcher_spawnv (launcher, argv, &error);
  if (proc == NULL)
    {
      r->note = g_strdup_printf ("remote-viewer: %s", error->message);
      return FALSE;
    }
  pid = atoi (g_subprocess_get_identifier (proc));
  settle (settle_s * 1000 + 2000);
  if (g_subprocess_get_identifier (proc) == NULL)
    {
      r->note = g_strdup ("remote-viewer exited early");
      return FALSE;
    }
  geometry = window_geometry (pid);
  cpu0 = ferry_bench_tree_cpu_s (pid, NULL);
  t0 = g_get_monotonic_time () / 1e6;
  g_usleep ((gulong) window_s * G_USEC_PER_SEC);
  cpu1 = ferry_bench_tree_cpu_s (pid, NULL);
  r->seconds = g_get_monotonic_time () / 1e6 - t0;
  r->cpu_s = cpu1 - cpu0;
  r->mpix = ferry_mpix_per_s * r->seconds;
  r->fps = -1;
  g_print ("remote-viewer: pid %d, window(s) %s\n", pid, geometry ? geometry : "(xdotool: unknown)");

  g_subprocess_send_signal (proc, SIGTERM);
  for (int i = 0; i < 100 && g_subprocess_get_identifier (proc) != NULL; i++)
    settle (20);
  if (g_subprocess_get_identifier (proc) != NULL)
    g_subprocess_force_exit (proc);
  g_subprocess_wait (proc, NULL, NULL);
  return cpu0 >= 0 && cpu1 >= 0;
}

/* ---------------------------------------------------------------------- */

static char *
node1_uri (void)
{
  const char *dir = g_getenv ("FERRY_CLUSTER_DIR") ? g_getenv ("FERRY_CLUSTER_DIR") : "/var/tmp/ferry-cluster";
  g_autofree char *nodes = g_build_filename (dir, "nodes", NULL);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents (nodes, &contents, NULL, NULL))
    return NULL;
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) f = g_strsplit (lines[i], " ", -1);

      if (g_strv_length (f) >= 2 && g_strcmp0 (f[0], "node1") == 0)
        return g_strdup (f[1]);
    }
  return NULL;
}

int
main (int   argc,
      char *argv[])
{
  const char *source = g_getenv ("FERRY_SOURCE_DIR") ? g_getenv ("FERRY_SOURCE_DIR") : ".";
  const char *cluster_dir = g_getenv ("FERRY_CLUSTER_DIR") ? g_getenv ("FERRY_CLUSTER_DIR") : "/var/tmp/ferry-cluster";
  GOptionEntry entries[] = {
    { "window", 0, 0, G_OPTION_ARG_INT, &window_s, "Seconds measured per side (20)", "S" },
    { "settle", 0, 0, G_OPTION_ARG_INT, &settle_s, "Seconds after connecting before measuring (4)", "S" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— the VNC console against remote-viewer");
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *cluster = NULL;
  g_autofree char *serial = NULL;
  g_autofree char *display = NULL;
  g_autofree char *port = NULL;
  g_autofree char *rv = NULL;
  const char *colon;
  Result ferry = { 0 }, viewer = { 0 };
  gboolean ok;
  LogWait lw;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("bench-console: %s\n", error->message);
      return 2;
    }
  window_s = MAX (window_s, 1);

  if ((uri = node1_uri ()) == NULL)
    {
      g_print ("SKIP: the local cluster is not up (tests/cluster/cluster up 3)\n");
      return 77;
    }
  if ((rv = g_find_program_in_path ("remote-viewer")) == NULL)
    {
      g_print ("SKIP: remote-viewer is missing (apt-get install virt-viewer)\n");
      return 77;
    }
  if (!gtk_init_check ())
    {
      g_print ("SKIP: no display (DISPLAY unset?)\n");
      return 77;
    }

  /* The guest: rewrites its text screen as fast as it can. */
  remove_guest (uri);
  serial = g_build_filename (cluster_dir, "serial", GUEST ".log", NULL);
  lw = (LogWait) { serial, file_size (serial), "FERRY-LOAD screen" };
  cluster = g_build_filename (source, "tests", "cluster", "cluster", NULL);
  {
    const char *define[] = { cluster, "define-guest", "node1", GUEST, "--start", "--load", "screen", NULL };

    g_free (run (define, &ok));
    if (!ok)
      {
        g_print ("SKIP: could not define %s on node1 (cluster define-guest needs root)\n", GUEST);
        remove_guest (uri);
        return 77;
      }
  }
  if (!wait_until (log_has, &lw, 90000))
    {
      g_print ("SKIP: %s did not print FERRY-LOAD screen within 90 s\n", GUEST);
      remove_guest (uri);
      return 77;
    }
  {
    const char *domdisplay[] = { "virsh", "-q", "-c", uri, "domdisplay", GUEST, NULL };

    display = run (domdisplay, NULL);
  }
  if (display == NULL || !g_str_has_prefix (display, "vnc://") || (colon = strrchr (display, ':')) == NULL)
    {
      g_print ("SKIP: no VNC display for %s (%s)\n", GUEST, display ? display : "virsh failed");
      remove_guest (uri);
      return 77;
    }
  port = g_strdup_printf ("%d", 5900 + atoi (colon + 1));
  g_print ("%s on node1 (%s), VNC %s (port %s), rewriting its 80x25 text screen; "
           "%d s per side after %d s of settling, one side after the other\n",
           GUEST, uri, display, port, window_s, settle_s);
  /* Let the first screens settle in (boot messages, banner). */
  settle (2000);

  g_type_class_unref (g_type_class_ref (VNC_TYPE_CONNECTION));
  g_signal_add_emission_hook (g_signal_lookup ("vnc-framebuffer-update", VNC_TYPE_CONNECTION), 0,
                              on_framebuffer_update_hook, NULL, NULL);

  if (!measure_ferry (port, &ferry))
    {
      g_print ("Ferry: %s\n", ferry.note);
      remove_guest (uri);
      return 0;
    }
  if (!measure_remote_viewer (port, ferry.mpix / ferry.seconds, &viewer))
    g_print ("remote-viewer: %s\n", viewer.note ? viewer.note : "could not read its CPU time");

  remove_guest (uri);

  g_print ("\n%-26s %10s %10s %14s %14s\n", "", "fps", "CPU s", "updated MPix", "CPU s / MPix");
  g_print ("%-26s %10.1f %10.2f %14.1f %14.4f\n", "Ferry (GTK 4, cairo)",
           ferry.fps, ferry.cpu_s, ferry.mpix, ferry.cpu_s / MAX (ferry.mpix, 1e-9));
  if (viewer.seconds > 0)
    g_print ("%-26s %10s %10.2f %13.1f* %14.4f\n", "remote-viewer (GTK 3)",
             "n/a", viewer.cpu_s, viewer.mpix, viewer.cpu_s / MAX (viewer.mpix, 1e-9));
  g_print ("\nFerry: frames = after-paint ticks with a new texture; MPix = areas of the VNC "
           "update rectangles received; CPU = getrusage (this process, all threads) over %.1f s.\n",
           ferry.seconds);
  if (viewer.seconds > 0)
    {
      double ratio = (ferry.cpu_s / MAX (ferry.mpix, 1e-9)) / (viewer.cpu_s / MAX (viewer.mpix, 1e-9));

      g_print ("remote-viewer: CPU = utime+stime of its process tree (/proc) over %.1f s; it is not "
               "instrumented: * its MPix are Ferry's rate (%.2f MPix/s) times its window, as both are "
               "gvnc clients of the same QEMU VNC server on the same guest output; its fps is not measured.\n"
               "The X server's CPU is counted on neither side.\n",
               viewer.seconds, ferry.mpix / ferry.seconds);
      g_print ("\nratio Ferry / remote-viewer, CPU s per MPix: %.2f\n", ratio);
      g_print ("goal: Ferry ≤ remote-viewer's CPU per MPix (ratio ≤ 1.00): %s\n",
               ratio <= 1.0 ? "met" : "NOT met");
    }
  return 0;
}
