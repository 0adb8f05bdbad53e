/* test-graph.c — the graph widgets, drawn for real under Xvfb
 *
 * Each widget sits in a window of known size; what it draws is rendered
 * with the window's renderer and checked pixel by pixel where the pixels
 * say something a user would notice: where a 50 % line sits, that 0 %
 * draws nothing above the baseline, that a gap stays empty, that the
 * axis text follows the light or dark style, that hovering shows a
 * read-out and leaving hides it. Screenshots go to
 * $FERRY_BUILD_DIR/tests/output/. The last test times sparkline
 * snapshots (printed, never pass/fail on a time).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <adwaita.h>

#include "ferry-graph.h"
#include "ferry-graph-page.h"
#include "ferry-sparkline.h"
#include "ferry-ui-test-util.h"

#define SECOND ((gint64) G_USEC_PER_SEC)
#define MINUTE ((gint64) 60 * G_USEC_PER_SEC)

typedef double (*ValueFunc) (gint64 ago_us, gpointer data);

/* A series with a sample every @step_us over the last @span_us, ending
 * now; @func gives the value @ago_us before now (NAN for a gap). */
static FerryStatsSeries *
make_series (const char     *name,
             FerryStatsUnit  unit,
             gint64          span_us,
             gint64          step_us,
             ValueFunc       func,
             gpointer        data)
{
  FerryStatsSeries *series = ferry_stats_series_new (name, unit, 600, 1440);
  gint64 now = g_get_monotonic_time ();

  for (gint64 ago = span_us; ago >= 0; ago -= step_us)
    ferry_stats_series_push (series, now - ago, func (ago, data));
  return series;
}

static double
constant (gint64   ago_us,
          gpointer data)
{
  return *(double *) data;
}

/* 50 %, with nothing from 40 s to 20 s ago. */
static double
half_with_gap (gint64   ago_us,
               gpointer data)
{
  return ago_us > 20 * SECOND && ago_us < 40 * SECOND ? NAN : 50;
}

static double
wave (gint64   ago_us,
      gpointer data)
{
  double *p = data; /* base, amplitude, period (s), phase */
  double t = (double) ago_us / SECOND;

  return MAX (0, p[0] + p[1] * sin (t * 2 * G_PI / p[2] + p[3]) + p[1] * 0.3 * sin (t * 1.7 + p[3] * 3));
}

/* ---------------------------------------------------------------------- */
/* Windows and pixels */

static GtkWidget *
show_in_window (GtkWidget *child,
                int        width,
                int        height)
{
  GtkWidget *window = gtk_window_new ();
  gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_set_child (GTK_WINDOW (window), child);
  gtk_window_present (GTK_WINDOW (window));
  while (!(gtk_widget_get_mapped (child) && gtk_widget_get_width (child) > 0) &&
         g_get_monotonic_time () < end)
    ferry_ui_test_settle (20);
  g_assert_true (gtk_widget_get_mapped (child));
  ferry_ui_test_settle (100);
  return window;
}

typedef struct
{
  guchar *data;
  int     width;
  int     height;
  gsize   stride;
} Pixels;

static void
pixels_free (Pixels *pixels)
{
  g_free (pixels->data);
  g_free (pixels);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Pixels, pixels_free)

/* What @widget draws, on a transparent background. */
static Pixels *
render (GtkWidget *widget)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  Pixels *pixels = g_new0 (Pixels, 1);

  pixels->width = gtk_widget_get_width (widget);
  pixels->height = gtk_widget_get_height (widget);
  gdk_paintable_snapshot (paintable, snapshot, pixels->width, pixels->height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, pixels->width, pixels->height));
  pixels->stride = pixels->width * 4;
  pixels->data = g_malloc (pixels->stride * pixels->height);
  gdk_texture_download (texture, pixels->data, pixels->stride);
  return pixels;
}

/* Unpremultiplied RGBA in 0…1 (the download is premultiplied ARGB32). */
static void
pixel (const Pixels *pixels,
       int           x,
       int           y,
       GdkRGBA      *rgba)
{
  guint32 p;

  g_assert_true (x >= 0 && x < pixels->width && y >= 0 && y < pixels->height);
  p = *(guint32 *) (pixels->data + y * pixels->stride + x * 4);
  rgba->alpha = ((p >> 24) & 0xff) / 255.0;
  if (rgba->alpha == 0)
    {
      rgba->red = rgba->green = rgba->blue = 0;
      return;
    }
  rgba->red = ((p >> 16) & 0xff) / 255.0 / rgba->alpha;
  rgba->green = ((p >> 8) & 0xff) / 255.0 / rgba->alpha;
  rgba->blue = (p & 0xff) / 255.0 / rgba->alpha;
}

/* The series colours are blue first: tell them from grey text and grid. */
static gboolean
is_blue (const GdkRGBA *rgba)
{
  return rgba->alpha > 0.6 && rgba->blue - rgba->red > 0.25;
}

/* (gtk_test_accessible_assert_property would paste "%" into a format.) */
static void
assert_label (GtkWidget  *widget,
              const char *expected)
{
  g_autofree char *wrong = gtk_test_accessible_check_property (GTK_ACCESSIBLE (widget),
                                                               GTK_ACCESSIBLE_PROPERTY_LABEL, expected);

  if (wrong != NULL)
    g_error ("accessible label is \"%s\", expected \"%s\"", wrong, expected);
}

static void
destroy_window (GtkWidget *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  ferry_ui_test_settle (50);
}

/* ---------------------------------------------------------------------- */
/* Sparkline */

static GtkWidget *
sparkline_for (FerryStatsSeries *series)
{
  GtkWidget *sparkline = ferry_sparkline_new ();

  ferry_sparkline_set_series (FERRY_SPARKLINE (sparkline), series);
  gtk_widget_set_size_request (sparkline, 120, 36);
  gtk_widget_set_halign (sparkline, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (sparkline, GTK_ALIGN_CENTER);
  return sparkline;
}

static void
test_sparkline_half (void)
{
  double half = 50;
  g_autoptr(FerryStatsSeries) series = make_series ("CPU", FERRY_STATS_UNIT_PERCENT, MINUTE, SECOND,
                                                    constant, &half);
  GtkWidget *sparkline = sparkline_for (series);
  GtkWidget *window = show_in_window (sparkline, 200, 100);
  g_autoptr(Pixels) pixels = render (sparkline);

  g_assert_cmpint (pixels->width, ==, 120);
  g_assert_cmpint (pixels->height, ==, 36);
  gtk_test_accessible_assert_role (sparkline, GTK_ACCESSIBLE_ROLE_IMG);
  assert_label (sparkline, "CPU 50 %");

  /* Every column: the opaque line at half height, nothing above it,
   * the translucent area below it. */
  for (int x = 4; x < pixels->width - 4; x++)
    {
      double sum = 0;
      int n = 0;
      GdkRGBA p;

      for (int y = 0; y < pixels->height; y++)
        {
          pixel (pixels, x, y, &p);
          if (p.alpha > 0.9)
            {
              sum += y;
              n++;
            }
        }
      g_assert_cmpint (n, >, 0);
      g_assert_cmpfloat_with_epsilon (sum / n, pixels->height / 2.0, 2.0);
      pixel (pixels, x, 4, &p);
      g_assert_cmpfloat (p.alpha, ==, 0);
      pixel (pixels, x, pixels->height - 4, &p);
      g_assert_cmpfloat (p.alpha, >, 0.1);
      g_assert_cmpfloat (p.alpha, <, 0.6);
    }

  /* A new sample is a new label; a new binding stops listening to the old series. */
  ferry_stats_series_push (series, g_get_monotonic_time (), 7.25);
  assert_label (sparkline, "CPU 7.2 %");
  g_assert_true (g_signal_has_handler_pending (series, g_signal_lookup ("changed", FERRY_TYPE_STATS_SERIES), 0, FALSE));
  ferry_sparkline_set_series (FERRY_SPARKLINE (sparkline), NULL);
  g_assert_false (g_signal_has_handler_pending (series, g_signal_lookup ("changed", FERRY_TYPE_STATS_SERIES), 0, FALSE));

  ferry_sparkline_set_series (FERRY_SPARKLINE (sparkline), series);
  destroy_window (window);
  /* Disposed with its window: no handler left on the series. */
  g_assert_false (g_signal_has_handler_pending (series, g_signal_lookup ("changed", FERRY_TYPE_STATS_SERIES), 0, FALSE));
}

static void
test_sparkline_zero (void)
{
  double zero = 0;
  g_autoptr(FerryStatsSeries) series = make_series ("CPU", FERRY_STATS_UNIT_PERCENT, MINUTE, SECOND,
                                                    constant, &zero);
  GtkWidget *sparkline = sparkline_for (series);
  GtkWidget *window = show_in_window (sparkline, 200, 100);
  g_autoptr(Pixels) pixels = render (sparkline);
  int drawn = 0;

  for (int y = 0; y < pixels->height; y++)
    for (int x = 0; x < pixels->width; x++)
      {
        GdkRGBA p;

        pixel (pixels, x, y, &p);
        if (y < pixels->height - 3)
          g_assert_cmpfloat (p.alpha, ==, 0);
        else if (p.alpha > 0.9)
          drawn++;
      }
  /* …but the baseline is there: idle is not "no data". */
  g_assert_cmpint (drawn, >, pixels->width / 2);
  destroy_window (window);
}

static void
test_sparkline_gap (void)
{
  g_autoptr(FerryStatsSeries) series = make_series ("CPU", FERRY_STATS_UNIT_PERCENT, MINUTE, SECOND,
                                                    half_with_gap, NULL);
  GtkWidget *sparkline = sparkline_for (series);
  GtkWidget *window = show_in_window (sparkline, 200, 100);
  g_autoptr(Pixels) pixels = render (sparkline);
  int w = pixels->width;

  /* The edges move with the clock: 60 s ago has passed by now. */
  for (int x = 4; x < w - 4; x++)
    {
      /* The gap is 40 s to 20 s ago: the middle third of the width. */
      gboolean in_gap = x > w / 3 + 3 && x < 2 * w / 3 - 3;
      gboolean outside = x < w / 3 - 3 || x > 2 * w / 3 + 3;
      int n = 0;

      for (int y = 0; y < pixels->height; y++)
        {
          GdkRGBA p;

          pixel (pixels, x, y, &p);
          n += p.alpha > 0;
        }
      if (in_gap)
        g_assert_cmpint (n, ==, 0);
      else if (outside)
        g_assert_cmpint (n, >, 0);
    }
  destroy_window (window);
}

/* Rows as a list shows them, for a look at the sparkline in context. */
static void
test_sparkline_screenshot (void)
{
  static const char *names[] = { "web-01", "db-primary", "build-runner", "idle-vm", "backup" };
  static double params[][4] = { { 35, 15, 20, 0 }, { 70, 20, 45, 1 }, { 50, 45, 8, 2 }, { 1, 0.5, 10, 0 },
                                { 20, 15, 30, 4 } };
  GtkWidget *grid = gtk_grid_new ();
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func (g_object_unref);
  GtkWidget *window;

  gtk_grid_set_row_spacing (GTK_GRID (grid), 6);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 18);
  gtk_widget_set_margin_start (grid, 18);
  gtk_widget_set_margin_end (grid, 18);
  gtk_widget_set_margin_top (grid, 12);
  gtk_widget_set_margin_bottom (grid, 12);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      FerryStatsSeries *series = make_series ("CPU", FERRY_STATS_UNIT_PERCENT, MINUTE, SECOND, wave, params[i]);
      GtkWidget *label = gtk_label_new (names[i]);
      GtkWidget *sparkline = ferry_sparkline_new ();
      g_autofree char *value = ferry_stats_format_value (FERRY_STATS_UNIT_PERCENT,
                                                         ferry_stats_series_get_last (series));
      GtkWidget *value_label = gtk_label_new (value);

      g_ptr_array_add (all, series);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_xalign (GTK_LABEL (value_label), 1);
      gtk_widget_add_css_class (value_label, "numeric");
      gtk_widget_add_css_class (value_label, "dim-label");
      ferry_sparkline_set_series (FERRY_SPARKLINE (sparkline), series);
      gtk_widget_set_valign (sparkline, GTK_ALIGN_CENTER);
      gtk_grid_attach (GTK_GRID (grid), label, 0, i, 1, 1);
      gtk_grid_attach (GTK_GRID (grid), sparkline, 1, i, 1, 1);
      gtk_grid_attach (GTK_GRID (grid), value_label, 2, i, 1, 1);
    }
  window = show_in_window (grid, 300, 160);
  ferry_ui_test_screenshot (window, "sparkline.png");
  destroy_window (window);
}

/* ---------------------------------------------------------------------- */
/* Graph */

typedef struct
{
  GtkWidget  *window;
  FerryGraph *graph;
} GraphFixture;

static void
show_graph (GraphFixture     *f,
            const char       *title,
            FerryStatsSeries *series,
            const char       *label,
            FerryStatsSeries *second,
            const char       *second_label)
{
  f->graph = FERRY_GRAPH (ferry_graph_new ());
  ferry_graph_set_title (f->graph, title);
  ferry_graph_add_series (f->graph, series, label);
  if (second != NULL)
    ferry_graph_add_series (f->graph, second, second_label);
  gtk_widget_set_margin_start (GTK_WIDGET (f->graph), 18);
  gtk_widget_set_margin_end (GTK_WIDGET (f->graph), 18);
  gtk_widget_set_margin_top (GTK_WIDGET (f->graph), 18);
  gtk_widget_set_margin_bottom (GTK_WIDGET (f->graph), 18);
  f->window = show_in_window (GTK_WIDGET (f->graph), 640, 280);
}

/* The mean row of the blue line in each column of the plot area. */
static void
assert_line_at (const Pixels          *pixels,
                const graphene_rect_t *plot,
                double                 expected_y,
                double                 tolerance)
{
  int columns = 0;

  for (int x = plot->origin.x + 4; x < plot->origin.x + plot->size.width - 4; x++)
    {
      double sum = 0;
      int n = 0;

      for (int y = plot->origin.y - 2; y < plot->origin.y + plot->size.height + 2; y++)
        {
          GdkRGBA p;

          pixel (pixels, x, y, &p);
          if (is_blue (&p))
            {
              sum += y;
              n++;
            }
        }
      if (n == 0)
        continue;
      g_assert_cmpfloat_with_epsilon (sum / n, expected_y, tolerance);
      columns++;
    }
  /* The line runs across the plot. */
  g_assert_cmpint (columns, >, plot->size.width * 0.9);
}

static void
test_graph_half (void)
{
  double half = 50;
  g_autoptr(FerryStatsSeries) series = make_series ("CPU", FERRY_STATS_UNIT_PERCENT, MINUTE, SECOND,
                                                    constant, &half);
  GraphFixture f;
  g_autoptr(Pixels) pixels = NULL;
  graphene_rect_t plot;

  show_graph (&f, "CPU", series, "Usage", NULL, NULL);
  pixels = render (GTK_WIDGET (f.graph));
  g_assert_true (ferry_graph_get_plot_area (f.graph, &plot));
  g_assert_cmpfloat (plot.size.width, >, 400);
  g_assert_cmpfloat (plot.size.height, >, 120);
  assert_line_at (pixels, &plot, plot.origin.y + plot.size.height / 2, 3);
  gtk_test_accessible_assert_role (f.graph, GTK_ACCESSIBLE_ROLE_IMG);
  assert_label (GTK_WIDGET (f.graph), "CPU: Usage 50 %");
  destroy_window (f.window);
  g_assert_false (g_signal_has_handler_pending (series, g_signal_lookup ("changed", FERRY_TYPE_STATS_SERIES), 0, FALSE));
}

static void
test_graph_gap (void)
{
  g_autoptr(FerryStatsSeries) series = make_series ("CPU", FERRY_STATS_UNIT_PERCENT, MINUTE, SECOND,
                                                    half_with_gap, NULL);
  GraphFixture f;
  g_autoptr(Pixels) pixels = NULL;
  graphene_rect_t plot;
  double third;

  show_graph (&f, "CPU", series, "Usage", NULL, NULL);
  pixels = render (GTK_WIDGET (f.graph));
  g_assert_true (ferry_graph_get_plot_area (f.graph, &plot));
  third = plot.size.width / 3;
  ferry_ui_test_screenshot (f.window, "graph-gap.png");

  /* The oldest sample or two have left the span since they were pushed. */
  for (int x = plot.origin.x + plot.size.width / 30; x < plot.origin.x + plot.size.width - 6; x++)
    {
      gboolean in_gap = x > plot.origin.x + third + 4 && x < plot.origin.x + 2 * third - 4;
      gboolean outside = x < plot.origin.x + third - 4 || x > plot.origin.x + 2 * third + 4;
      int n = 0;

      for (int y = plot.origin.y; y < plot.origin.y + plot.size.height; y++)
        {
          GdkRGBA p;

          pixel (pixels, x, y, &p);
          n += is_blue (&p);
        }
      if ((in_gap && n != 0) || (outside && n == 0))
        g_error ("column %d (plot %g…%g): %d line pixels", x, plot.origin.x, plot.origin.x + plot.size.width, n);
    }
  destroy_window (f.window);
}

/* Mean luminance of the opaque pixels left of the plot: the value axis labels. */
static double
axis_text_luminance (FerryGraph *graph)
{
  g_autoptr(Pixels) pixels = render (GTK_WIDGET (graph));
  graphene_rect_t plot;
  double sum = 0;
  int n = 0;

  g_assert_true (ferry_graph_get_plot_area (graph, &plot));
  for (int y = plot.origin.y - 6; y < plot.origin.y + plot.size.height + 6; y++)
    for (int x = 0; x < plot.origin.x - 4; x++)
      {
        GdkRGBA p;

        pixel (pixels, x, y, &p);
        if (p.alpha > 0.4)
          {
            sum += 0.2126 * p.red + 0.7152 * p.green + 0.0722 * p.blue;
            n++;
          }
      }
  g_assert_cmpint (n, >, 20);
  return sum / n;
}

static void
test_graph_styles (void)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  static double read_p[] = { 40e6, 25e6, 60, 0 };
  static double write_p[] = { 15e6, 12e6, 25, 2 };
  g_autoptr(FerryStatsSeries) read = make_series ("Disk read", FERRY_STATS_UNIT_BYTES_PER_SECOND, 10 * MINUTE,
                                                  SECOND, wave, read_p);
  g_autoptr(FerryStatsSeries) write = make_series ("Disk write", FERRY_STATS_UNIT_BYTES_PER_SECOND, 10 * MINUTE,
                                                   SECOND, wave, write_p);
  GraphFixture f;
  double light, dark;

  show_graph (&f, "Disk", read, "Read", write, "Write");
  ferry_graph_set_span (f.graph, 10 * MINUTE);
  ferry_ui_test_settle (50);
  light = axis_text_luminance (f.graph);
  ferry_ui_test_screenshot (f.window, "graph-light.png");

  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  ferry_ui_test_settle (200);
  dark = axis_text_luminance (f.graph);
  ferry_ui_test_screenshot (f.window, "graph-dark.png");
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
  ferry_ui_test_settle (100);

  g_test_message ("axis text luminance: light style %.2f, dark style %.2f", light, dark);
  g_assert_cmpfloat (light, <, 0.4);
  g_assert_cmpfloat (dark, >, 0.6);
  destroy_window (f.window);
}

static GtkEventController *
motion_controller (GtkWidget *widget)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_MOTION (controller))
        return controller;
    }
  g_assert_not_reached ();
}

/* How much of a rectangle is opaque: the read-out box is, the plot is not. */
static double
opaque_fraction (const Pixels *pixels,
                 int           x0,
                 int           y0,
                 int           x1,
                 int           y1)
{
  int opaque = 0;

  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++)
      {
        GdkRGBA p;

        pixel (pixels, x, y, &p);
        opaque += p.alpha > 0.95;
      }
  return (double) opaque / ((x1 - x0) * (y1 - y0));
}

static void
test_graph_hover (void)
{
  static double cpu_p[] = { 45, 20, 15, 0 };
  g_autoptr(FerryStatsSeries) series = make_series ("CPU", FERRY_STATS_UNIT_PERCENT, MINUTE, SECOND,
                                                    wave, cpu_p);
  GraphFixture f;
  GtkEventController *controller;
  g_autoptr(Pixels) before = NULL;
  g_autoptr(Pixels) hover = NULL;
  g_autoptr(Pixels) after = NULL;
  graphene_rect_t plot;
  double x;
  int line_pixels = 0;

  show_graph (&f, "CPU", series, "Usage", NULL, NULL);
  /* No new samples while comparing frames. */
  ferry_graph_set_span (f.graph, 10 * MINUTE);
  ferry_ui_test_settle (50);
  before = render (GTK_WIDGET (f.graph));
  g_assert_true (ferry_graph_get_plot_area (f.graph, &plot));

  /* Pointer a third of the way in: 40 s ago in a 60 s graph → the left
   * of the plot in a 10 min one; use the 1 min span for a sample there. */
  ferry_graph_set_span (f.graph, MINUTE);
  ferry_ui_test_settle (50);
  g_clear_pointer (&before, pixels_free);
  before = render (GTK_WIDGET (f.graph));
  x = plot.origin.x + plot.size.width / 3;
  controller = motion_controller (GTK_WIDGET (f.graph));
  g_signal_emit_by_name (controller, "enter", x, plot.origin.y + plot.size.height / 2);
  g_signal_emit_by_name (controller, "motion", x, plot.origin.y + plot.size.height / 2);
  ferry_ui_test_settle (50);
  hover = render (GTK_WIDGET (f.graph));
  ferry_ui_test_screenshot (f.window, "graph-hover.png");

  /* A vertical line near the pointer, top to bottom of the plot. */
  for (int y = plot.origin.y; y < plot.origin.y + plot.size.height; y++)
    for (int dx = -4; dx <= 4; dx++)
      {
        GdkRGBA a, b;

        pixel (before, x + dx, y, &a);
        pixel (hover, x + dx, y, &b);
        if (b.alpha > a.alpha + 0.2)
          {
            line_pixels++;
            break;
          }
      }
  g_assert_cmpint (line_pixels, >, plot.size.height * 0.5);
  /* …and a read-out box beside it, gone once the pointer leaves. */
  g_assert_cmpfloat (opaque_fraction (before, x + 16, plot.origin.y + 12, x + 60, plot.origin.y + 30), <, 0.3);
  g_assert_cmpfloat (opaque_fraction (hover, x + 16, plot.origin.y + 12, x + 60, plot.origin.y + 30), >, 0.9);

  g_signal_emit_by_name (controller, "leave");
  ferry_ui_test_settle (50);
  after = render (GTK_WIDGET (f.graph));
  g_assert_cmpfloat (opaque_fraction (after, x + 16, plot.origin.y + 12, x + 60, plot.origin.y + 30), <, 0.3);
  destroy_window (f.window);
}

/* ---------------------------------------------------------------------- */
/* Page */

static int
count_visible_graphs (GtkWidget *page)
{
  int n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (page); child; child = gtk_widget_get_next_sibling (child))
    if (FERRY_IS_GRAPH (child) && gtk_widget_get_visible (child))
      n++;
  return n;
}

static void
test_graph_page (void)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  static double cpu_p[] = { 35, 18, 90, 0 };
  static double mem_p[] = { 2.6e9, 0.4e9, 300, 1 };
  static double total_p[] = { 4294967296.0, 0, 1, 0 };
  static double read_p[] = { 20e6, 15e6, 60, 0 };
  static double write_p[] = { 6e6, 5e6, 40, 2 };
  static double rx_p[] = { 3e6, 2.5e6, 120, 1 };
  static double tx_p[] = { 1e6, 0.8e6, 50, 3 };
  g_autoptr(FerryStatsSeries) cpu = make_series ("CPU", FERRY_STATS_UNIT_PERCENT, 10 * MINUTE, SECOND, wave, cpu_p);
  g_autoptr(FerryStatsSeries) mem = make_series ("Memory", FERRY_STATS_UNIT_BYTES, 10 * MINUTE, SECOND, wave, mem_p);
  g_autoptr(FerryStatsSeries) total = make_series ("Memory total", FERRY_STATS_UNIT_BYTES, 10 * MINUTE, SECOND,
                                                   wave, total_p);
  g_autoptr(FerryStatsSeries) read = make_series ("Disk read", FERRY_STATS_UNIT_BYTES_PER_SECOND, 10 * MINUTE,
                                                  SECOND, wave, read_p);
  g_autoptr(FerryStatsSeries) write = make_series ("Disk write", FERRY_STATS_UNIT_BYTES_PER_SECOND, 10 * MINUTE,
                                                   SECOND, wave, write_p);
  g_autoptr(FerryStatsSeries) rx = make_series ("Received", FERRY_STATS_UNIT_BYTES_PER_SECOND, 10 * MINUTE,
                                                SECOND, wave, rx_p);
  g_autoptr(FerryStatsSeries) tx = make_series ("Sent", FERRY_STATS_UNIT_BYTES_PER_SECOND, 10 * MINUTE,
                                                SECOND, wave, tx_p);
  GtkWidget *page = ferry_graph_page_new ();
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *window;

  gtk_widget_set_margin_start (page, 24);
  gtk_widget_set_margin_end (page, 24);
  gtk_widget_set_margin_top (page, 18);
  gtk_widget_set_margin_bottom (page, 18);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), page);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);

  ferry_graph_page_set_sources (FERRY_GRAPH_PAGE (page), cpu, mem, total, read, write, NULL, NULL);
  window = show_in_window (scrolled, 720, 1000);
  g_assert_cmpint (count_visible_graphs (page), ==, 3);

  ferry_graph_page_set_sources (FERRY_GRAPH_PAGE (page), cpu, mem, total, read, write, rx, tx);
  g_assert_cmpint (count_visible_graphs (page), ==, 4);
  g_assert_cmpint (ferry_graph_page_get_span (FERRY_GRAPH_PAGE (page)), ==, 10 * MINUTE);
  ferry_ui_test_settle (100);
  ferry_ui_test_screenshot (window, "graph-page-light.png");

  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  ferry_ui_test_settle (200);
  ferry_ui_test_screenshot (window, "graph-page-dark.png");
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);

  /* The "1 h" button sets every graph's span. */
  for (GtkWidget *child = gtk_widget_get_first_child (page); child; child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_BOX (child))
      {
        GtkWidget *button = gtk_widget_get_next_sibling (gtk_widget_get_next_sibling (gtk_widget_get_first_child (child)));

        g_assert_true (GTK_IS_TOGGLE_BUTTON (button));
        g_assert_true (gtk_widget_activate (button));
      }
  /* An activated button shows being pressed for a moment before "clicked". */
  ferry_ui_test_settle (400);
  g_assert_cmpint (ferry_graph_page_get_span (FERRY_GRAPH_PAGE (page)), ==, 60 * MINUTE);
  for (GtkWidget *child = gtk_widget_get_first_child (page); child; child = gtk_widget_get_next_sibling (child))
    if (FERRY_IS_GRAPH (child))
      g_assert_cmpint (ferry_graph_get_span (FERRY_GRAPH (child)), ==, 60 * MINUTE);
  /* Per-minute averages, then the minute in progress up to now. */
  ferry_ui_test_settle (100);
  ferry_ui_test_screenshot (window, "graph-page-1h.png");

  destroy_window (window);
}

/* ---------------------------------------------------------------------- */
/* Bench: 1000 sparklines of 60 samples, as a list rebinding rows does. */

/* The alternative measured against: one cairo path for area and line. */
static void
snapshot_cairo_sparkline (GtkSnapshot      *snapshot,
                          FerryStatsSeries *series,
                          int               width,
                          int               height)
{
  g_autofree gint64 *times = NULL;
  g_autofree double *values = NULL;
  gint64 now = g_get_monotonic_time ();
  guint n = 0;
  cairo_t *cr;

  ferry_stats_series_get_range (series, now, MINUTE, &times, &values, &n);
  if (n == 0)
    return;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  for (guint i = 0; i < n; i++)
    cairo_line_to (cr, (double) (times[i] - (now - MINUTE)) * width / MINUTE,
                   1 + (1 - values[i] / 100) * (height - 2));
  cairo_set_source_rgba (cr, 0.21, 0.52, 0.89, 1);
  cairo_set_line_width (cr, 1.5);
  cairo_stroke_preserve (cr);
  cairo_line_to (cr, width, height);
  cairo_line_to (cr, 0, height);
  cairo_close_path (cr);
  cairo_set_source_rgba (cr, 0.21, 0.52, 0.89, 0.25);
  cairo_fill (cr);
  cairo_destroy (cr);
}

static void
test_sparkline_bench (void)
{
  const guint n_series = 1000, columns = 20;
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func (g_object_unref);
  GtkWidget *sparkline = ferry_sparkline_new ();
  GtkWidget *window;
  GskRenderer *renderer;
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  int w, h;

  gtk_widget_set_size_request (sparkline, 60, 18);
  gtk_widget_set_halign (sparkline, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (sparkline, GTK_ALIGN_CENTER);
  window = show_in_window (sparkline, 200, 100);
  renderer = gtk_native_get_renderer (gtk_widget_get_native (sparkline));
  w = gtk_widget_get_width (sparkline);
  h = gtk_widget_get_height (sparkline);

  for (guint i = 0; i < n_series; i++)
    {
      FerryStatsSeries *series = ferry_stats_series_new ("CPU", FERRY_STATS_UNIT_PERCENT, 600, 1440);
      gint64 now = g_get_monotonic_time ();
      double v = g_rand_double_range (rand, 0, 100);

      for (int s = 59; s >= 0; s--)
        {
          v = CLAMP (v + g_rand_double_range (rand, -15, 15), 0, 100);
          ferry_stats_series_push (series, now - s * SECOND, v);
        }
      g_ptr_array_add (all, series);
    }

  for (guint method = 0; method < 2; method++)
    {
      const char *name = method == 0 ? "colour bars (FerrySparkline)" : "cairo path";
      double best_snapshot = G_MAXDOUBLE, best_render = G_MAXDOUBLE;
      guint n_nodes = 0;

      for (guint round = 0; round < 3; round++)
        {
          GtkSnapshot *snapshot = gtk_snapshot_new ();
          g_autoptr(GskRenderNode) node = NULL;
          g_autoptr(GdkTexture) texture = NULL;
          gint64 start, middle, end;

          start = g_get_monotonic_time ();
          for (guint i = 0; i < n_series; i++)
            {
              gtk_snapshot_save (snapshot);
              gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT ((i % columns) * w, (i / columns) * h));
              if (method == 0)
                {
                  /* Rebinding as a list item factory does, then the draw. */
                  ferry_sparkline_set_series (FERRY_SPARKLINE (sparkline), all->pdata[i]);
                  GTK_WIDGET_GET_CLASS (sparkline)->snapshot (sparkline, snapshot);
                }
              else
                snapshot_cairo_sparkline (snapshot, all->pdata[i], w, h);
              gtk_snapshot_restore (snapshot);
            }
          node = gtk_snapshot_free_to_node (snapshot);
          middle = g_get_monotonic_time ();
          texture = gsk_renderer_render_texture (renderer, node,
                                                 &GRAPHENE_RECT_INIT (0, 0, columns * w, n_series / columns * h));
          end = g_get_monotonic_time ();
          best_snapshot = MIN (best_snapshot, (double) (middle - start) / n_series);
          best_render = MIN (best_render, (double) (end - middle) / n_series);

          if (round == 0 && method == 0)
            {
              const char *build = g_getenv ("FERRY_BUILD_DIR");
              g_autofree char *path = g_build_filename (build ? build : ".", "tests", "output",
                                                        "sparkline-bench.png", NULL);

              gdk_texture_save_to_png (texture, path);
            }
          if (round == 0 && gsk_render_node_get_node_type (node) == GSK_CONTAINER_NODE)
            {
              /* Nodes per sparkline: children of each translate → container. */
              for (guint i = 0; i < gsk_container_node_get_n_children (node); i++)
                {
                  GskRenderNode *child = gsk_container_node_get_child (node, i);

                  if (gsk_render_node_get_node_type (child) == GSK_TRANSFORM_NODE)
                    child = gsk_transform_node_get_child (child);
                  n_nodes += gsk_render_node_get_node_type (child) == GSK_CONTAINER_NODE
                             ? gsk_container_node_get_n_children (child) : 1;
                }
            }
        }
      g_test_message ("sparkline %dx%d, 60 samples, %s: snapshot %.1f us, render (%s) %.1f us per sparkline, "
                      "%.1f nodes each",
                      w, h, name, best_snapshot, G_OBJECT_TYPE_NAME (renderer), best_render,
                      (double) n_nodes / n_series);
      g_print ("# bench: sparkline %s: snapshot %.1f us + render %.1f us per sparkline (%.1f nodes)\n",
               name, best_snapshot, best_render, (double) n_nodes / n_series);
    }

  ferry_sparkline_set_series (FERRY_SPARKLINE (sparkline), NULL);
  destroy_window (window);
}

int
main (int   argc,
      char *argv[])
{
  /* The accessible labels are checked: GTK's in-process test backend
   * keeps them without a bus (GTK_A11Y=none would keep nothing). */
  g_setenv ("GTK_A11Y", "test", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/graph/sparkline/half", test_sparkline_half);
  g_test_add_func ("/graph/sparkline/zero", test_sparkline_zero);
  g_test_add_func ("/graph/sparkline/gap", test_sparkline_gap);
  g_test_add_func ("/graph/sparkline/screenshot", test_sparkline_screenshot);
  g_test_add_func ("/graph/graph/half", test_graph_half);
  g_test_add_func ("/graph/graph/gap", test_graph_gap);
  g_test_add_func ("/graph/graph/styles", test_graph_styles);
  g_test_add_func ("/graph/graph/hover", test_graph_hover);
  g_test_add_func ("/graph/page", test_graph_page);
  g_test_add_func ("/graph/sparkline/bench", test_sparkline_bench);

  return g_test_run ();
}
