/* test-vnc-fake.c — the VNC display against a fake RFB server
 *
 * Under Xvfb (GSK_RENDERER=cairo), an undecorated 400x300 window holds a
 * FerryVncDisplay connected to tests/console/fake-rfb.py, a tiny RFB 3.8
 * server that logs every client message and sends what the test tells it
 * to (see the script). Without a guest, this covers what a guest with no
 * X or USB never does:
 *   - pattern: the server's four-colour pattern (320x200) is in the
 *     widget's own rendering, scaled by 1.25 into the window with black
 *     letterbox bars (each quadrant uniform: no seam between the display's
 *     tiles), and at 1:1 centred; in get_texture() pixel for pixel and
 *     opaque. One incremental update request per update, even for an
 *     update of four rectangles; none while the display is hidden, and
 *     one when it is shown again.
 *   - partial: a small rectangle changes one tile's render node, not the
 *     others, and shows where it should.
 *   - cursor: the server's cursor becomes the widget's GdkCursor (image,
 *     hotspot, transparent corner); an empty one hides the pointer.
 *   - bell: the "bell" signal fires.
 *   - clipboard: ServerCutText (Latin-1) lands in the GdkClipboard as
 *     UTF-8, without being echoed back; local clipboard text goes out as
 *     ClientCutText, characters outside Latin-1 as '?'.
 *   - resize: a DesktopSize rectangle changes the framebuffer and the
 *     widget's natural size, and the new frame is drawn.
 *   - pixel-format: WMVi switching to 32 bpp BGR, then 16 bpp RGB565: the
 *     colours stay right.
 *   - keys: key events through the controller's path and "send keys" go
 *     out as QEMU extended key events (scan codes); a key held when the
 *     display loses focus is released.
 *   - pointer (xdotool, X11 only): motion maps through the scale and
 *     letterbox offsets, clamps in the bars, buttons 1 and 3 set their
 *     mask bits, the wheel sends buttons 4 and 5 pressed and released; at
 *     1:1 the centring offset is taken off.
 * Skipped without a display or python3.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <gtk/gtk.h>
#include <linux/input-event-codes.h>
#ifdef GDK_WINDOWING_X11
#include <gdk/x11/gdkx.h>
#endif

#include "ferry-vnc-display.h"
#include "ferry-vnc-display-private.h"
#include "ferry-test-programs.h"

#define FB_WIDTH  320
#define FB_HEIGHT 200
#define WIN_WIDTH  400
#define WIN_HEIGHT 300

static gboolean have_display;

typedef struct
{
  GSubprocess *server;
  GOutputStream *commands;
  GDataInputStream *output;
  GPtrArray *lines;          /* what the server printed, one line each */
  GCancellable *cancellable;
  gboolean server_done;

  GtkWidget *window;
  FerryVncDisplay *display;
  gboolean initialized;
  gboolean disconnected;
  char *error;
  guint bells;
} Fixture;

/* ---------------------------------------------------------------------- */
/* Helpers                                                                 */

typedef gboolean (*Condition) (gpointer data);

static gboolean
wait_until (Condition cond,
            gpointer  data,
            guint     timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!cond (data))
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
  return TRUE;
}

static gboolean
never (gpointer data)
{
  return FALSE;
}

static void
settle (guint ms)
{
  wait_until (never, NULL, ms);
}

static void read_next_line (Fixture *f);

static void
line_read (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  Fixture *f = data;
  g_autoptr(GError) error = NULL;
  char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result,
                                                          NULL, &error);

  if (line == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        f->server_done = TRUE;
      return;
    }
  g_test_message ("server: %s", line);
  g_ptr_array_add (f->lines, line);
  read_next_line (f);
}

static void
read_next_line (Fixture *f)
{
  g_data_input_stream_read_line_async (f->output, G_PRIORITY_DEFAULT, f->cancellable,
                                       line_read, f);
}

typedef struct
{
  Fixture *f;
  guint from;
  const char *prefix;
  guint found;
} LineWait;

static gboolean
has_line (gpointer data)
{
  LineWait *w = data;

  for (guint i = w->from; i < w->f->lines->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (w->f->lines, i), w->prefix))
      {
        w->found = i;
        return TRUE;
      }
  return FALSE;
}

/* The index of the first line from @from starting with @prefix; fails the
 * test after @timeout_ms. */
static guint
wait_line (Fixture    *f,
           guint       from,
           const char *prefix,
           guint       timeout_ms)
{
  LineWait w = { f, from, prefix, 0 };

  if (!wait_until (has_line, &w, timeout_ms))
    g_error ("the server did not print \"%s…\" within %u ms", prefix, timeout_ms);
  return w.found;
}

static guint
count_lines (Fixture    *f,
             guint       from,
             const char *prefix)
{
  guint n = 0;

  for (guint i = from; i < f->lines->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (f->lines, i), prefix))
      n++;
  return n;
}

static void
command (Fixture    *f,
         const char *line)
{
  g_autofree char *text = g_strconcat (line, "\n", NULL);
  g_autoptr(GError) error = NULL;

  g_output_stream_write_all (f->commands, text, strlen (text), NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_flush (f->commands, NULL, &error);
  g_assert_no_error (error);
}

static void
on_initialized (FerryVncDisplay *display,
                int              width,
                int              height,
                Fixture         *f)
{
  f->initialized = TRUE;
}

static void
on_disconnected (FerryVncDisplay *display,
                 const char      *error,
                 Fixture         *f)
{
  f->disconnected = TRUE;
  g_free (f->error);
  f->error = g_strdup (error);
}

static void
on_bell (FerryVncDisplay *display,
         Fixture         *f)
{
  f->bells++;
}

static gboolean
is_initialized (gpointer data)
{
  Fixture *f = data;

  return f->initialized || f->disconnected;
}

static gboolean
is_disconnected (gpointer data)
{
  return ((Fixture *) data)->disconnected;
}

static gboolean
has_frames (gpointer data)
{
  Fixture *f = data;
  FerryVncDisplayStats stats;

  _ferry_vnc_display_get_stats (f->display, &stats);
  return stats.frames > 0 && gtk_widget_get_mapped (GTK_WIDGET (f->display));
}

/* A server left by a test that crashed would hold the test's output open. */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* Starts the server, shows the window, connects; FALSE to skip. */
static gboolean
fixture_setup (Fixture *f)
{
  const char *source = g_getenv ("FERRY_SOURCE_DIR");
  g_autofree char *script = g_build_filename (source ? source : ".", "tests", "console",
                                              "fake-rfb.py", NULL);
  g_autofree char *python = g_find_program_in_path ("python3");
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  const char *listen;
  guint port, line;

  memset (f, 0, sizeof *f);
  if (python == NULL)
    return FALSE;
  f->lines = g_ptr_array_new_with_free_func (g_free);
  f->cancellable = g_cancellable_new ();
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  f->server = g_subprocess_launcher_spawn (launcher, &error, python, script,
                                           "--width", G_STRINGIFY (FB_WIDTH),
                                           "--height", G_STRINGIFY (FB_HEIGHT), NULL);
  g_assert_no_error (error);
  f->commands = g_object_ref (g_subprocess_get_stdin_pipe (f->server));
  f->output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (f->server));
  read_next_line (f);
  line = wait_line (f, 0, "LISTEN ", 10000);
  listen = g_ptr_array_index (f->lines, line);
  port = (guint) g_ascii_strtoull (listen + strlen ("LISTEN "), NULL, 10);
  g_assert_cmpuint (port, >, 0);

  f->window = gtk_window_new ();
  /* No decorations: the window is the display, so xdotool's window
   * coordinates are widget coordinates. */
  gtk_window_set_decorated (GTK_WINDOW (f->window), FALSE);
  gtk_window_set_default_size (GTK_WINDOW (f->window), WIN_WIDTH, WIN_HEIGHT);
  f->display = FERRY_VNC_DISPLAY (ferry_vnc_display_new ());
  gtk_window_set_child (GTK_WINDOW (f->window), GTK_WIDGET (f->display));
  g_signal_connect (f->display, "initialized", G_CALLBACK (on_initialized), f);
  g_signal_connect (f->display, "disconnected", G_CALLBACK (on_disconnected), f);
  g_signal_connect (f->display, "bell", G_CALLBACK (on_bell), f);
  gtk_window_present (GTK_WINDOW (f->window));

  {
    g_autofree char *sport = g_strdup_printf ("%u", port);

    g_assert_true (ferry_vnc_display_open_host (f->display, "127.0.0.1", sport));
  }
  g_assert_true (wait_until (is_initialized, f, 10000));
  g_assert_null (f->error);
  g_assert_true (f->initialized);
  g_assert_true (wait_until (has_frames, f, 10000));
  wait_line (f, 0, "SENT update", 5000);
  /* Loopback: the display asked for Raw first. */
  line = wait_line (f, 0, "SET-ENCODINGS", 100);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (f->lines, line), "SET-ENCODINGS 0,"));
  settle (200);
  return TRUE;
}

static void
fixture_teardown (Fixture *f)
{
  FerryVncDisplay *display = g_object_ref (f->display);

  if (ferry_vnc_display_is_open (f->display))
    {
      ferry_vnc_display_close (f->display);
      g_assert_true (wait_until (is_disconnected, f, 5000));
    }
  g_signal_handlers_disconnect_by_data (f->display, f);
  gtk_window_destroy (GTK_WINDOW (f->window));
  settle (50);
  /* Nothing else (a cursor, the clipboard, a tick callback) holds it. */
  g_assert_finalize_object (display);

  g_cancellable_cancel (f->cancellable);
  g_output_stream_close (f->commands, NULL, NULL);
  g_subprocess_wait (f->server, NULL, NULL);
  settle (20);
  g_clear_object (&f->commands);
  g_clear_object (&f->output);
  g_clear_object (&f->server);
  g_clear_object (&f->cancellable);
  g_ptr_array_unref (f->lines);
  g_free (f->error);
}

#define SETUP_OR_SKIP(f)                                              \
  G_STMT_START {                                                      \
    if (!have_display)                                                \
      {                                                               \
        g_test_skip ("no display (DISPLAY unset?)");                  \
        return;                                                       \
      }                                                               \
    if (!fixture_setup (f))                                           \
      {                                                               \
        g_test_skip ("python3 is missing");                           \
        return;                                                       \
      }                                                               \
  } G_STMT_END

/* ---------------------------------------------------------------------- */
/* Pixels                                                                  */

typedef struct
{
  int width;
  int height;
  guint8 *data;  /* B8G8R8A8 premultiplied (GDK's default) */
} Image;

static void
image_clear (Image *image)
{
  g_clear_pointer (&image->data, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Image, image_clear)

static void
image_from_texture (Image      *image,
                    GdkTexture *texture)
{
  image->width = gdk_texture_get_width (texture);
  image->height = gdk_texture_get_height (texture);
  image->data = g_malloc ((gsize) image->width * image->height * 4);
  gdk_texture_download (texture, image->data, (gsize) image->width * 4);
}

/* What the widget draws, through the window's renderer (cairo here): the
 * path a user sees. */
static void
render_widget (GtkWidget *widget,
               Image     *image)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  image_from_texture (image, texture);
}

static void
assert_pixel (const Image *image,
              int          x,
              int          y,
              guint8       r,
              guint8       g,
              guint8       b,
              int          tolerance)
{
  const guint8 *p;

  g_assert_cmpint (x, <, image->width);
  g_assert_cmpint (y, <, image->height);
  p = image->data + ((gsize) y * image->width + x) * 4;
  if (ABS (p[2] - r) > tolerance || ABS (p[1] - g) > tolerance || ABS (p[0] - b) > tolerance
      || p[3] != 0xff)
    g_error ("pixel %d,%d of %dx%d is %02x%02x%02x (alpha %02x), not %02x%02x%02x",
             x, y, image->width, image->height, p[2], p[1], p[0], p[3], r, g, b);
}

/* The four quadrants of the server's pattern, their centres at
 * framebuffer coordinates mapped by @scale and offset @ox, @oy. */
static void
assert_pattern (const Image *image,
                int          fb_width,
                int          fb_height,
                double       scale,
                double       ox,
                double       oy,
                int          tolerance)
{
  static const guint8 colours[4][3] = {
    { 0xff, 0, 0 }, { 0, 0xff, 0 }, { 0, 0, 0xff }, { 0x12, 0x34, 0x56 },
  };

  for (guint q = 0; q < 4; q++)
    {
      double fx = fb_width * (q % 2 ? 0.75 : 0.25);
      double fy = fb_height * (q / 2 ? 0.75 : 0.25);

      assert_pixel (image, (int) (ox + fx * scale), (int) (oy + fy * scale),
                    colours[q][0], colours[q][1], colours[q][2], tolerance);
      /* near the quadrant's outer corner too: no offset error of a pixel */
      assert_pixel (image,
                    (int) (ox + (q % 2 ? fb_width - 2 : 1) * scale),
                    (int) (oy + (q / 2 ? fb_height - 2 : 1) * scale),
                    colours[q][0], colours[q][1], colours[q][2], tolerance);
    }
}

/* Every pixel of each quadrant, but for a border of @border widget
 * pixels along the quadrants' edges (where a scaled frame blends), is the
 * quadrant's colour: a seam between tiles would show. */
static void
assert_quadrants_uniform (const Image *image,
                          int          fb_width,
                          int          fb_height,
                          double       scale,
                          double       ox,
                          double       oy,
                          int          border)
{
  static const guint8 colours[4][3] = {
    { 0xff, 0, 0 }, { 0, 0xff, 0 }, { 0, 0, 0xff }, { 0x12, 0x34, 0x56 },
  };

  for (guint q = 0; q < 4; q++)
    {
      int x0 = (int) ceil (ox + (q % 2 ? fb_width / 2 : 0) * scale) + border;
      int x1 = (int) floor (ox + (q % 2 ? fb_width : fb_width / 2) * scale) - border;
      int y0 = (int) ceil (oy + (q / 2 ? fb_height / 2 : 0) * scale) + border;
      int y1 = (int) floor (oy + (q / 2 ? fb_height : fb_height / 2) * scale) - border;

      for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++)
          assert_pixel (image, x, y, colours[q][0], colours[q][1], colours[q][2], 0);
    }
}

/* ---------------------------------------------------------------------- */
/* Tests                                                                   */

static void
test_fake_pattern (void)
{
  Fixture f;
  g_auto(Image) image = { 0 };
  g_auto(Image) frame = { 0 };
  g_autoptr(GdkTexture) texture = NULL;
  FerryVncDisplayStats stats;
  guint mark, requests, n;

  SETUP_OR_SKIP (&f);

  g_assert_cmpint (ferry_vnc_display_get_fb_width (f.display), ==, FB_WIDTH);
  g_assert_cmpint (ferry_vnc_display_get_fb_height (f.display), ==, FB_HEIGHT);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (f.display)), ==, WIN_WIDTH);
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (f.display)), ==, WIN_HEIGHT);

  /* Scaled to the window: 320x200 x 1.25 = 400x250, 25 px bars. */
  render_widget (GTK_WIDGET (f.display), &image);
  assert_pattern (&image, FB_WIDTH, FB_HEIGHT, 1.25, 0, 25, 0);
  assert_quadrants_uniform (&image, FB_WIDTH, FB_HEIGHT, 1.25, 0, 25, 2);
  assert_pixel (&image, 200, 10, 0, 0, 0, 0);
  assert_pixel (&image, 200, WIN_HEIGHT - 10, 0, 0, 0, 0);
  image_clear (&image);

  /* 1:1, centred: 40 px left and right, 50 above and below. */
  ferry_vnc_display_set_scale_mode (f.display, FERRY_VNC_SCALE_NONE);
  settle (100);
  render_widget (GTK_WIDGET (f.display), &image);
  assert_pattern (&image, FB_WIDTH, FB_HEIGHT, 1.0, 40, 50, 0);
  assert_pixel (&image, 39, 100, 0, 0, 0, 0);
  assert_pixel (&image, 40 + FB_WIDTH, 100, 0, 0, 0, 0);
  assert_pixel (&image, 100, 49, 0, 0, 0, 0);
  ferry_vnc_display_set_scale_mode (f.display, FERRY_VNC_SCALE_FIT);

  /* The frame as a texture (screenshots): exact and opaque. */
  texture = ferry_vnc_display_get_texture (f.display);
  g_assert_nonnull (texture);
  image_from_texture (&frame, texture);
  g_assert_cmpint (frame.width, ==, FB_WIDTH);
  g_assert_cmpint (frame.height, ==, FB_HEIGHT);
  assert_pattern (&frame, FB_WIDTH, FB_HEIGHT, 1.0, 0, 0, 0);

  /* Flow control: an incremental request follows an update, four
   * rectangles or one; not one per rectangle. (Two only if the update's
   * data came with a gap: gvnc does not say where an update ends.) */
  for (guint i = 0; i < 3; i++)
    {
      mark = f.lines->len;
      command (&f, i == 1 ? "pattern" : "pattern-split");
      wait_line (&f, mark, "SENT update", 5000);
      wait_line (&f, mark, "UPDATE-REQUEST incremental=1", 5000);
      settle (300);
      g_assert_cmpuint (count_lines (&f, mark, "UPDATE-REQUEST"), <=, 2);
    }

  /* Hidden: what arrives is taken, but nothing more is asked for. */
  gtk_widget_set_visible (GTK_WIDGET (f.display), FALSE);
  settle (100);
  mark = f.lines->len;
  command (&f, "pattern");
  wait_line (&f, mark, "SENT update", 5000);
  command (&f, "pattern");
  settle (500);
  g_assert_cmpuint (count_lines (&f, mark, "UPDATE-REQUEST"), ==, 0);
  g_assert_cmpuint (count_lines (&f, mark, "SENT update"), ==, 1);
  /* Shown again: one request, and the update held back comes. */
  _ferry_vnc_display_get_stats (f.display, &stats);
  n = stats.updates;
  gtk_widget_set_visible (GTK_WIDGET (f.display), TRUE);
  requests = wait_line (&f, mark, "UPDATE-REQUEST incremental=1", 5000);
  wait_line (&f, requests, "SENT update", 5000);
  settle (300);
  _ferry_vnc_display_get_stats (f.display, &stats);
  g_assert_cmpuint (stats.updates, >, n);

  fixture_teardown (&f);
}

static gboolean
has_updates (gpointer data)
{
  Fixture *f = ((gpointer *) data)[0];
  guint64 *n = ((gpointer *) data)[1];
  FerryVncDisplayStats stats;

  _ferry_vnc_display_get_stats (f->display, &stats);
  return stats.updates > *n && stats.frames > 0;
}

/* A small change: one tile is drawn again, the others' render nodes stay
 * (so GTK repaints that tile only). */
static void
test_fake_partial (void)
{
  Fixture f;
  g_auto(Image) image = { 0 };
  FerryVncDisplayStats before, after;
  guint64 updates;
  gpointer data[2] = { &f, &updates };
  guint mark;

  SETUP_OR_SKIP (&f);

  /* 1:1 and centred (40, 50): 320x200 is 3x2 tiles of 128. */
  ferry_vnc_display_set_scale_mode (f.display, FERRY_VNC_SCALE_NONE);
  settle (200);
  render_widget (GTK_WIDGET (f.display), &image);
  image_clear (&image);
  _ferry_vnc_display_get_stats (f.display, &before);
  updates = before.updates;

  mark = f.lines->len;
  command (&f, "rect 10 20 8 16 ffffff");
  wait_line (&f, mark, "SENT update", 5000);
  g_assert_true (wait_until (has_updates, data, 5000));
  settle (300);
  render_widget (GTK_WIDGET (f.display), &image);
  _ferry_vnc_display_get_stats (f.display, &after);
  g_test_message ("tiles drawn for the small rectangle: %" G_GUINT64_FORMAT,
                  after.tiles - before.tiles);
  g_assert_cmpuint (after.tiles - before.tiles, ==, 1);

  assert_pixel (&image, 40 + 10, 50 + 20, 0xff, 0xff, 0xff, 0);
  assert_pixel (&image, 40 + 17, 50 + 35, 0xff, 0xff, 0xff, 0);
  assert_pixel (&image, 40 + 9, 50 + 20, 0xff, 0, 0, 0);
  assert_pixel (&image, 40 + 18, 50 + 35, 0xff, 0, 0, 0);
  assert_pixel (&image, 40 + 10, 50 + 36, 0xff, 0, 0, 0);
  assert_pattern (&image, FB_WIDTH, FB_HEIGHT, 1.0, 40, 50, 0);

  fixture_teardown (&f);
}

static gboolean
cursor_has_texture (gpointer data)
{
  Fixture *f = data;
  GdkCursor *cursor = gtk_widget_get_cursor (GTK_WIDGET (f->display));

  return cursor != NULL && gdk_cursor_get_texture (cursor) != NULL;
}

static gboolean
cursor_is_none (gpointer data)
{
  Fixture *f = data;
  GdkCursor *cursor = gtk_widget_get_cursor (GTK_WIDGET (f->display));

  return cursor != NULL && g_strcmp0 (gdk_cursor_get_name (cursor), "none") == 0;
}

static void
test_fake_cursor (void)
{
  Fixture f;
  g_auto(Image) image = { 0 };
  GdkCursor *cursor;

  SETUP_OR_SKIP (&f);

  /* The server draws no pointer of its own before it says so. */
  g_assert_false (cursor_has_texture (&f));

  command (&f, "cursor");
  g_assert_true (wait_until (cursor_has_texture, &f, 5000));
  cursor = gtk_widget_get_cursor (GTK_WIDGET (f.display));
  g_assert_cmpint (gdk_cursor_get_hotspot_x (cursor), ==, 3);
  g_assert_cmpint (gdk_cursor_get_hotspot_y (cursor), ==, 5);
  image_from_texture (&image, gdk_cursor_get_texture (cursor));
  g_assert_cmpint (image.width, ==, 16);
  g_assert_cmpint (image.height, ==, 16);
  assert_pixel (&image, 2, 2, 0xff, 0, 0, 0);
  assert_pixel (&image, 12, 12, 0xff, 0, 0, 0);
  /* the masked corner is transparent */
  g_assert_cmpuint (image.data[(2 * 16 + 12) * 4 + 3], ==, 0);

  command (&f, "cursor-empty");
  g_assert_true (wait_until (cursor_is_none, &f, 5000));

  fixture_teardown (&f);
}

static gboolean
has_bell (gpointer data)
{
  return ((Fixture *) data)->bells > 0;
}

static void
test_fake_bell (void)
{
  Fixture f;

  SETUP_OR_SKIP (&f);

  g_assert_cmpuint (f.bells, ==, 0);
  command (&f, "bell");
  g_assert_true (wait_until (has_bell, &f, 5000));
  settle (100);
  g_assert_cmpuint (f.bells, ==, 1);

  fixture_teardown (&f);
}

typedef struct
{
  gboolean done;
  char *text;
} ClipboardRead;

static void
clipboard_read (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  ClipboardRead *r = data;

  r->text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, NULL);
  r->done = TRUE;
}

static gboolean
clipboard_read_done (gpointer data)
{
  return ((ClipboardRead *) data)->done;
}

static char *
read_clipboard (GdkClipboard *clipboard)
{
  ClipboardRead r = { 0 };

  gdk_clipboard_read_text_async (clipboard, NULL, clipboard_read, &r);
  g_assert_true (wait_until (clipboard_read_done, &r, 5000));
  return r.text;
}

static gboolean
clipboard_has_text (gpointer data)
{
  return gdk_content_formats_contain_gtype (gdk_clipboard_get_formats (data), G_TYPE_STRING);
}

static void
test_fake_clipboard (void)
{
  Fixture f;
  GdkClipboard *clipboard;
  g_autofree char *text = NULL;
  guint mark, line;

  SETUP_OR_SKIP (&f);
  clipboard = gtk_widget_get_clipboard (GTK_WIDGET (f.display));

  /* Guest to host: Latin-1 on the wire, UTF-8 in the clipboard. */
  mark = f.lines->len;
  g_assert_false (clipboard_has_text (clipboard));
  command (&f, "cut Ferry clipboard \xc3\xa9t\xc3\xa9");
  g_assert_true (wait_until (clipboard_has_text, clipboard, 5000));
  text = read_clipboard (clipboard);
  g_assert_cmpstr (text, ==, "Ferry clipboard \xc3\xa9t\xc3\xa9");
  /* not sent back to the guest */
  settle (300);
  g_assert_cmpuint (count_lines (&f, mark, "CUT-TEXT"), ==, 0);

  /* Host to guest. */
  mark = f.lines->len;
  gdk_clipboard_set_text (clipboard, "from the host \xc3\xbc");
  line = wait_line (&f, mark, "CUT-TEXT", 5000);
  /* "from the host ü" in Latin-1 */
  g_assert_cmpstr (g_ptr_array_index (f.lines, line), ==,
                   "CUT-TEXT 66726f6d2074686520686f737420fc");

  /* Outside Latin-1: '?' */
  mark = f.lines->len;
  gdk_clipboard_set_text (clipboard, "a\xe2\x86\x92z");
  line = wait_line (&f, mark, "CUT-TEXT", 5000);
  g_assert_cmpstr (g_ptr_array_index (f.lines, line), ==, "CUT-TEXT 613f7a");

  fixture_teardown (&f);
}

static gboolean
is_resized (gpointer data)
{
  Fixture *f = data;

  return ferry_vnc_display_get_fb_width (f->display) == 480
         && ferry_vnc_display_get_fb_height (f->display) == 360;
}

static void
test_fake_resize (void)
{
  Fixture f;
  g_auto(Image) image = { 0 };
  int min = 0, nat = 0;

  SETUP_OR_SKIP (&f);

  gtk_widget_measure (GTK_WIDGET (f.display), GTK_ORIENTATION_HORIZONTAL, -1, &min, &nat, NULL, NULL);
  g_assert_cmpint (nat, ==, FB_WIDTH);

  command (&f, "resize 480 360");
  g_assert_true (wait_until (is_resized, &f, 5000));
  settle (300);
  gtk_widget_measure (GTK_WIDGET (f.display), GTK_ORIENTATION_HORIZONTAL, -1, &min, &nat, NULL, NULL);
  g_assert_cmpint (nat, ==, 480);
  gtk_widget_measure (GTK_WIDGET (f.display), GTK_ORIENTATION_VERTICAL, -1, &min, &nat, NULL, NULL);
  g_assert_cmpint (nat, ==, 360);

  /* 480x360 into 400x300: scale 5/6, no bars. */
  render_widget (GTK_WIDGET (f.display), &image);
  assert_pattern (&image, 480, 360, 400.0 / 480, 0, 0, 0);
  assert_quadrants_uniform (&image, 480, 360, 400.0 / 480, 0, 0, 2);

  fixture_teardown (&f);
}

static void
test_fake_pixel_format (void)
{
  Fixture f;
  g_auto(Image) image = { 0 };
  guint mark;

  SETUP_OR_SKIP (&f);

  ferry_vnc_display_set_scale_mode (f.display, FERRY_VNC_SCALE_NONE);
  mark = f.lines->len;
  command (&f, "format bgr");
  wait_line (&f, mark, "SENT update", 5000);
  settle (300);
  render_widget (GTK_WIDGET (f.display), &image);
  assert_pattern (&image, FB_WIDTH, FB_HEIGHT, 1.0, 40, 50, 0);
  image_clear (&image);

  mark = f.lines->len;
  command (&f, "format 16");
  wait_line (&f, mark, "SENT update", 5000);
  settle (300);
  render_widget (GTK_WIDGET (f.display), &image);
  /* 5 and 6 bits a channel: within 8 of the 8-bit colour */
  assert_pattern (&image, FB_WIDTH, FB_HEIGHT, 1.0, 40, 50, 8);

  fixture_teardown (&f);
}

static void
test_fake_keys (void)
{
  Fixture f;
  const guint ctrl_alt_del[] = { GDK_KEY_Control_L, GDK_KEY_Alt_L, GDK_KEY_Delete };
  static const char * const expected[] = {
    "QEMU-KEY down=1 keysym=0xffe3 keycode=0x1d",
    "QEMU-KEY down=1 keysym=0xffe9 keycode=0x38",
    "QEMU-KEY down=1 keysym=0xffff keycode=0xd3",
    "QEMU-KEY down=0 keysym=0xffff keycode=0xd3",
    "QEMU-KEY down=0 keysym=0xffe9 keycode=0x38",
    "QEMU-KEY down=0 keysym=0xffe3 keycode=0x1d",
  };
  guint mark, line;

  SETUP_OR_SKIP (&f);

  /* The server acknowledged the extended key event: scan codes go out. */
  mark = f.lines->len;
  g_assert_true (_ferry_vnc_display_key_event (f.display, TRUE, GDK_KEY_a, KEY_A + 8));
  g_assert_true (_ferry_vnc_display_key_event (f.display, FALSE, GDK_KEY_a, KEY_A + 8));
  line = wait_line (&f, mark, "QEMU-KEY down=1", 5000);
  g_assert_cmpstr (g_ptr_array_index (f.lines, line), ==, "QEMU-KEY down=1 keysym=0x61 keycode=0x1e");
  line = wait_line (&f, line, "QEMU-KEY down=0", 5000);
  g_assert_cmpstr (g_ptr_array_index (f.lines, line), ==, "QEMU-KEY down=0 keysym=0x61 keycode=0x1e");

  /* Ctrl+Alt+Del from the Send Key menu: pressed in order, released in
   * reverse. */
  mark = f.lines->len;
  g_assert_true (ferry_vnc_display_send_keys (f.display, ctrl_alt_del, G_N_ELEMENTS (ctrl_alt_del)));
  line = wait_line (&f, mark, "QEMU-KEY", 5000);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      line = wait_line (&f, line, "QEMU-KEY", 5000);
      g_assert_cmpstr (g_ptr_array_index (f.lines, line), ==, expected[i]);
      line++;
    }

  /* A key held when the display loses the focus is released. */
  gtk_widget_grab_focus (GTK_WIDGET (f.display));
  settle (50);
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (f.display)));
  mark = f.lines->len;
  g_assert_true (_ferry_vnc_display_key_event (f.display, TRUE, GDK_KEY_Shift_L, KEY_LEFTSHIFT + 8));
  wait_line (&f, mark, "QEMU-KEY down=1 keysym=0xffe1 keycode=0x2a", 5000);
  gtk_root_set_focus (GTK_ROOT (f.window), NULL);
  wait_line (&f, mark, "QEMU-KEY down=0 keysym=0xffe1 keycode=0x2a", 5000);

  fixture_teardown (&f);
}

#ifdef GDK_WINDOWING_X11
static void
xdotool (Fixture    *f,
         const char *first,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  int status = 0;
  va_list args;

  g_ptr_array_add (argv, g_strdup ("xdotool"));
  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, g_strdup (arg));
  va_end (args);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

/* Moves the pointer to widget (window) coordinates @x, @y and waits for
 * the server to log @expected. */
static void
move_and_expect (Fixture    *f,
                 const char *xid,
                 int         x,
                 int         y,
                 const char *expected)
{
  g_autofree char *sx = g_strdup_printf ("%d", x);
  g_autofree char *sy = g_strdup_printf ("%d", y);
  guint mark = f->lines->len;

  xdotool (f, "mousemove", "--window", xid, sx, sy, NULL);
  wait_line (f, mark, expected, 5000);
}
#endif

static void
test_fake_pointer (void)
{
#ifdef GDK_WINDOWING_X11
  Fixture f;
  GdkSurface *surface;
  g_autofree char *xid = NULL;
  g_autofree char *xdotool_path = g_find_program_in_path ("xdotool");
  guint mark, line;

  if (have_display && !GDK_IS_X11_DISPLAY (gdk_display_get_default ()))
    {
      g_test_skip ("not on X11: no xdotool");
      return;
    }
  if (xdotool_path == NULL)
    {
      g_test_skip ("xdotool is missing");
      return;
    }
  SETUP_OR_SKIP (&f);

  surface = gtk_native_get_surface (GTK_NATIVE (f.window));
  xid = g_strdup_printf ("%lu", (gulong) gdk_x11_surface_get_xid (surface));

  /* Scaled 1.25, 25 px bars above and below. */
  move_and_expect (&f, xid, 200, 150, "POINTER mask=0x00 x=160 y=100");
  move_and_expect (&f, xid, 100, 25, "POINTER mask=0x00 x=80 y=0");
  /* in the bars and at the far corner: clamped to the framebuffer */
  move_and_expect (&f, xid, 200, 5, "POINTER mask=0x00 x=160 y=0");
  move_and_expect (&f, xid, WIN_WIDTH - 1, WIN_HEIGHT - 1, "POINTER mask=0x00 x=319 y=199");

  /* Buttons where the pointer is. */
  move_and_expect (&f, xid, 100, 87, "POINTER mask=0x00 x=80 y=49");
  mark = f.lines->len;
  xdotool (&f, "mousedown", "1", NULL);
  line = wait_line (&f, mark, "POINTER mask=0x01", 5000);
  g_assert_cmpstr (g_ptr_array_index (f.lines, line), ==, "POINTER mask=0x01 x=80 y=49");
  xdotool (&f, "mouseup", "1", NULL);
  line = wait_line (&f, line, "POINTER mask=0x00", 5000);
  g_assert_cmpstr (g_ptr_array_index (f.lines, line), ==, "POINTER mask=0x00 x=80 y=49");
  g_assert_true (ferry_vnc_display_get_grabbed (f.display));

  mark = f.lines->len;
  xdotool (&f, "mousedown", "3", NULL);
  line = wait_line (&f, mark, "POINTER mask=0x04", 5000);
  g_assert_cmpstr (g_ptr_array_index (f.lines, line), ==, "POINTER mask=0x04 x=80 y=49");
  xdotool (&f, "mouseup", "3", NULL);
  wait_line (&f, line, "POINTER mask=0x00 x=80 y=49", 5000);

  /* The wheel: button 4 (up) and 5 (down), each pressed and released. */
  mark = f.lines->len;
  xdotool (&f, "click", "4", NULL);
  line = wait_line (&f, mark, "POINTER mask=0x08", 5000);
  g_assert_cmpstr (g_ptr_array_index (f.lines, line), ==, "POINTER mask=0x08 x=80 y=49");
  line = wait_line (&f, line, "POINTER mask=0x00", 5000);
  mark = f.lines->len;
  xdotool (&f, "click", "5", NULL);
  line = wait_line (&f, mark, "POINTER mask=0x10", 5000);
  g_assert_cmpstr (g_ptr_array_index (f.lines, line), ==, "POINTER mask=0x10 x=80 y=49");
  wait_line (&f, line, "POINTER mask=0x00", 5000);

  /* 1:1: the centring offset (40, 50) comes off. */
  ferry_vnc_display_set_scale_mode (f.display, FERRY_VNC_SCALE_NONE);
  settle (100);
  move_and_expect (&f, xid, 50, 70, "POINTER mask=0x00 x=10 y=20");
  move_and_expect (&f, xid, 10, 10, "POINTER mask=0x00 x=0 y=0");

  fixture_teardown (&f);
#else
  g_test_skip ("built without X11");
#endif
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  ferry_test_require_programs ("python3", "xdotool", NULL);

  /* The cairo renderer draws; no need to load Mesa's GL at all. */
  g_setenv ("GDK_DEBUG", "gl-disable", FALSE);
  have_display = gtk_init_check ();

  g_test_add_func ("/console/fake/pattern", test_fake_pattern);
  g_test_add_func ("/console/fake/partial", test_fake_partial);
  g_test_add_func ("/console/fake/cursor", test_fake_cursor);
  g_test_add_func ("/console/fake/bell", test_fake_bell);
  g_test_add_func ("/console/fake/clipboard", test_fake_clipboard);
  g_test_add_func ("/console/fake/resize", test_fake_resize);
  g_test_add_func ("/console/fake/pixel-format", test_fake_pixel_format);
  g_test_add_func ("/console/fake/keys", test_fake_keys);
  g_test_add_func ("/console/fake/pointer", test_fake_pointer);

  return g_test_run ();
}
