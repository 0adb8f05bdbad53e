/* ferry-graph.c — a detail graph of one or more series sharing a unit
 *
 * Axes, grid, legend and hover read-out are colour nodes and Pango
 * layouts; the series are one cairo node (GTK 4.8 has no path nodes) so
 * that they can be dashed. Colours come from the libadwaita palette, a
 * lighter shade on dark backgrounds, and every series also has its own
 * line style so that colour is never the only cue. Text and grid take
 * the widget's foreground colour, so light, dark and high-contrast
 * styles all work.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n.h>

#include "ferry-graph.h"

#define MINUTE_US       ((gint64) 60 * G_USEC_PER_SEC)
#define DEFAULT_SPAN_US MINUTE_US
#define LINE_WIDTH      2.0
#define SWATCH_WIDTH    18
#define AXIS_SCALE      (PANGO_SCALE_SMALL)

typedef enum
{
  LINE_SOLID,
  LINE_DASHED,
  LINE_DOTTED,
  LINE_DASH_DOT,
  N_LINE_STYLES
} LineStyle;

/* blue, orange, green, purple: told apart with the common colour
 * vision deficiencies too, in the order graphs use them. */
static const char * const light_palette[] = { "#1c71d8", "#e66100", "#26a269", "#9141ac" };
static const char * const dark_palette[]  = { "#62a0ea", "#ffa348", "#57e389", "#c061cb" };

typedef struct
{
  FerryStatsSeries *series;
  char             *label;
  gulong            changed_id;

  /* The current frame's data. */
  gint64           *times;
  double           *values;
  guint             n;
  gint64            resolution;
} Line;

struct _FerryGraph
{
  GtkWidget        parent_instance;

  GPtrArray       *lines;
  char            *title;
  gint64           span_us;

  guint            tick_id;
  guint            tick_interval_ms;

  gboolean         hovering;
  double           hover_x;

  gboolean         have_plot;
  graphene_rect_t  plot;

  char            *accessible_label;
};

enum {
  PROP_0,
  PROP_TITLE,
  PROP_SPAN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (FerryGraph, ferry_graph, GTK_TYPE_WIDGET)

static void
line_free_data (Line *line)
{
  g_clear_pointer (&line->times, g_free);
  g_clear_pointer (&line->values, g_free);
  line->n = 0;
}

static void
line_free (gpointer data)
{
  Line *line = data;

  g_clear_signal_handler (&line->changed_id, line->series);
  g_clear_object (&line->series);
  g_free (line->label);
  line_free_data (line);
  g_free (line);
}

/* Averages samples into buckets of @bucket_us, aligned on absolute time
 * so that they do not shimmer as time moves on: a detail graph shows at
 * most a point every two pixels, and a dashed line stays readable. A
 * bucket without a finite sample stays a gap. */
static void
line_decimate (Line   *line,
               gint64  bucket_us)
{
  guint out = 0, i = 0;

  if (bucket_us <= 0 || line->n < 2)
    return;

  while (i < line->n)
    {
      gint64 bucket = line->times[i] / bucket_us;
      gint64 time_sum = 0;
      double sum = 0;
      guint count = 0, first = i;

      for (; i < line->n && line->times[i] / bucket_us == bucket; i++)
        if (isfinite (line->values[i]))
          {
            sum += line->values[i];
            time_sum += line->times[i] - line->times[first];
            count++;
          }
      line->times[out] = count > 0 ? line->times[first] + time_sum / count : line->times[first];
      line->values[out] = count > 0 ? sum / count : NAN;
      out++;
    }
  line->n = out;
  line->resolution = MAX (line->resolution, bucket_us);
}

/* The span's samples, as finely as the series has them. */
static void
line_fetch (Line   *line,
            gint64  now,
            gint64  span_us,
            gint64  pixel_us)
{
  line_free_data (line);
  line->resolution = ferry_stats_series_get_range (line->series, now, span_us,
                                                   &line->times, &line->values, &line->n);
  line_decimate (line, 2 * pixel_us);
}

static FerryStatsUnit
get_unit (FerryGraph *self)
{
  if (self->lines->len == 0)
    return FERRY_STATS_UNIT_PERCENT;
  return ferry_stats_series_get_unit (((Line *) g_ptr_array_index (self->lines, 0))->series);
}

/* ---------------------------------------------------------------------- */
/* Text */

/* "−5 min", "−42 s", "−2 h 30 min", "now": how long ago, for axis and
 * read-out. */
static char *
format_ago (gint64 ago_us)
{
  gint64 s = (ago_us + G_USEC_PER_SEC / 2) / G_USEC_PER_SEC;

  if (s <= 0)
    return g_strdup (C_("graph time", "now"));
  if (s < 60)
    /* Translators: seconds ago on a graph's time axis; "−" is a minus sign */
    return g_strdup_printf (C_("graph time", "−%d s"), (int) s);
  if (s < 3600)
    {
      if (s % 60 == 0)
        /* Translators: minutes ago on a graph's time axis */
        return g_strdup_printf (C_("graph time", "−%d min"), (int) (s / 60));
      /* Translators: minutes and seconds ago on a graph */
      return g_strdup_printf (C_("graph time", "−%d min %d s"), (int) (s / 60), (int) (s % 60));
    }
  if (s % 3600 < 60)
    /* Translators: hours ago on a graph's time axis */
    return g_strdup_printf (C_("graph time", "−%d h"), (int) (s / 3600));
  /* Translators: hours and minutes ago on a graph */
  return g_strdup_printf (C_("graph time", "−%d h %d min"), (int) (s / 3600), (int) (s % 3600 / 60));
}

static PangoLayout *
make_layout (FerryGraph *self,
             const char *text,
             double      scale,
             gboolean    bold)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  PangoAttrList *attrs = pango_attr_list_new ();

  if (scale != 1.0)
    pango_attr_list_insert (attrs, pango_attr_scale_new (scale));
  if (bold)
    pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
  /* Figures of equal width: numbers that change do not jiggle. */
  pango_attr_list_insert (attrs, pango_attr_font_features_new ("tnum"));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
  return layout;
}

static void
append_layout_at (GtkSnapshot   *snapshot,
                  PangoLayout   *layout,
                  double         x,
                  double         y,
                  const GdkRGBA *color)
{
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (round (x), round (y)));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

static void
update_accessible_label (FerryGraph *self)
{
  g_autoptr(GString) label = g_string_new (self->title ? self->title : "");

  for (guint i = 0; i < self->lines->len; i++)
    {
      Line *line = g_ptr_array_index (self->lines, i);
      g_autofree char *value = ferry_stats_format_value (ferry_stats_series_get_unit (line->series),
                                                         ferry_stats_series_get_last (line->series));

      /* Translators: a series and its latest value in a graph's
       * description, e.g. "Read 1.2 MiB/s" */
      g_string_append_printf (label, i == 0 ? C_("graph", ": %s %s") : C_("graph", ", %s %s"),
                              line->label, value);
    }

  if (g_strcmp0 (label->str, self->accessible_label) == 0)
    return;
  g_free (self->accessible_label);
  self->accessible_label = g_strdup (label->str);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, self->accessible_label,
                                  -1);
}

/* ---------------------------------------------------------------------- */
/* Scales */

/* A tick step of 1, 2, 2.5 or 5 × a power of ten; for bytes, binary
 * multiples so that labels read "256 KiB", "1.5 MiB". */
static double
nice_step (double         raw,
           FerryStatsUnit unit)
{
  static const double decimal[] = { 1, 2, 2.5, 5, 10 };
  static const double binary[] = { 1, 2, 2.5, 5, 10, 20, 25, 50, 100, 128, 256, 512, 1024 };
  double base;

  if (raw <= 0 || !isfinite (raw))
    return 1;

  if (unit == FERRY_STATS_UNIT_BYTES || unit == FERRY_STATS_UNIT_BYTES_PER_SECOND)
    {
      base = raw < 1024 ? 1 : pow (1024, floor (log (raw) / log (1024)));
      for (guint i = 0; i < G_N_ELEMENTS (binary); i++)
        if (binary[i] * base >= raw)
          return binary[i] * base;
      return 1024 * base;
    }

  base = pow (10, floor (log10 (raw)));
  for (guint i = 0; i < G_N_ELEMENTS (decimal); i++)
    if (decimal[i] * base >= raw * (1 - 1e-9))
      return decimal[i] * base;
  return 10 * base;
}

/* The top of the value axis and its step: 2 to 4 intervals. */
static void
value_scale (FerryGraph *self,
             double     *top,
             double     *step)
{
  FerryStatsUnit unit = get_unit (self);
  double max = 0;

  if (unit == FERRY_STATS_UNIT_PERCENT)
    {
      *top = 100;
      *step = 25;
      return;
    }

  for (guint i = 0; i < self->lines->len; i++)
    {
      Line *line = g_ptr_array_index (self->lines, i);

      for (guint j = 0; j < line->n; j++)
        if (isfinite (line->values[j]) && line->values[j] > max)
          max = line->values[j];
    }
  if (max <= 0)
    max = unit == FERRY_STATS_UNIT_PER_SECOND ? 10 : 1024;

  /* A little headroom: a peak should not sit on the frame. */
  *step = nice_step (max * 1.05 / 4, unit);
  *top = ceil (max * 1.05 / *step) * *step;
  if (*top / *step < 2)
    *top = 2 * *step;
}

static gint64
time_step (gint64 span_us,
           double width)
{
  static const int steps_s[] = { 5, 10, 15, 30, 60, 120, 300, 600, 900, 1200, 1800, 3600, 7200,
                                 10800, 14400, 21600, 43200, 86400 };
  int max_intervals = CLAMP ((int) (width / 72), 2, 6);

  for (guint i = 0; i < G_N_ELEMENTS (steps_s); i++)
    if (span_us / (steps_s[i] * (gint64) G_USEC_PER_SEC) <= max_intervals)
      return steps_s[i] * (gint64) G_USEC_PER_SEC;
  return span_us;
}

/* ---------------------------------------------------------------------- */
/* Drawing */

static gboolean
is_dark (const GdkRGBA *foreground)
{
  return 0.2126 * foreground->red + 0.7152 * foreground->green + 0.0722 * foreground->blue > 0.5;
}

static void
series_color (guint          index,
              gboolean       dark,
              GdkRGBA       *color)
{
  const char * const *palette = dark ? dark_palette : light_palette;

  gdk_rgba_parse (color, palette[index % G_N_ELEMENTS (light_palette)]);
}

static void
set_line_style (cairo_t   *cr,
                LineStyle  style)
{
  static const double dashed[] = { 6, 4 };
  static const double dotted[] = { 0.01, 4 };
  static const double dash_dot[] = { 8, 3.5, 0.01, 3.5 };

  cairo_set_line_width (cr, LINE_WIDTH);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, style == LINE_SOLID || style == LINE_DASHED ? CAIRO_LINE_CAP_BUTT
                                                                      : CAIRO_LINE_CAP_ROUND);
  switch (style)
    {
    case LINE_DASHED:
      cairo_set_dash (cr, dashed, G_N_ELEMENTS (dashed), 0);
      break;
    case LINE_DOTTED:
      cairo_set_dash (cr, dotted, G_N_ELEMENTS (dotted), 0);
      break;
    case LINE_DASH_DOT:
      cairo_set_dash (cr, dash_dot, G_N_ELEMENTS (dash_dot), 0);
      break;
    case LINE_SOLID:
    case N_LINE_STYLES:
    default:
      cairo_set_dash (cr, NULL, 0, 0);
      break;
    }
}

static void
append_hline (GtkSnapshot   *snapshot,
              const GdkRGBA *color,
              double         x,
              double         y,
              double         width)
{
  gtk_snapshot_append_color (snapshot, color, &GRAPHENE_RECT_INIT (x, floor (y), width, 1));
}

static void
append_swatch (GtkSnapshot   *snapshot,
               guint          index,
               gboolean       dark,
               double         x,
               double         y)
{
  cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (x, y - 3, SWATCH_WIDTH, 6));
  GdkRGBA color;

  series_color (index, dark, &color);
  gdk_cairo_set_source_rgba (cr, &color);
  set_line_style (cr, index % N_LINE_STYLES);
  cairo_move_to (cr, x + 1, y);
  cairo_line_to (cr, x + SWATCH_WIDTH - 1, y);
  cairo_stroke (cr);
  cairo_destroy (cr);
}

typedef struct
{
  const graphene_rect_t *plot;
  gint64                 from;
  gint64                 span;
  double                 top;
} Mapping;

static inline double
map_x (const Mapping *m,
       gint64         time_us)
{
  return m->plot->origin.x + (double) (time_us - m->from) * m->plot->size.width / m->span;
}

static inline double
map_y (const Mapping *m,
       double         value)
{
  return m->plot->origin.y + m->plot->size.height * (1 - value / m->top);
}

/* Adds a path for each run of finite samples close enough in time to be
 * joined (an area down to zero when @fill): NAN and missing samples are
 * gaps. */
static void
trace_line (cairo_t       *cr,
            const Mapping *m,
            const Line    *line,
            gboolean       fill)
{
  gint64 max_step = MAX (line->resolution, G_USEC_PER_SEC) * 5 / 2;
  guint i = 0;

  while (i < line->n)
    {
      guint start, end;

      while (i < line->n && !isfinite (line->values[i]))
        i++;
      if (i >= line->n)
        break;
      start = i;
      end = i + 1;
      while (end < line->n && isfinite (line->values[end]) &&
             line->times[end] - line->times[end - 1] <= max_step)
        end++;
      i = end;

      if (end - start == 1)
        {
          /* A lone sample between gaps: a dot, not nothing. */
          if (!fill)
            {
              cairo_new_sub_path (cr);
              cairo_arc (cr, map_x (m, line->times[start]), map_y (m, line->values[start]),
                         LINE_WIDTH, 0, 2 * G_PI);
            }
          continue;
        }

      if (fill)
        cairo_move_to (cr, map_x (m, line->times[start]), map_y (m, 0));
      else
        cairo_new_sub_path (cr);
      for (guint j = start; j < end; j++)
        cairo_line_to (cr, map_x (m, line->times[j]), map_y (m, line->values[j]));
      if (fill)
        {
          cairo_line_to (cr, map_x (m, line->times[end - 1]), map_y (m, 0));
          cairo_close_path (cr);
        }
    }
}

static void
snapshot_lines (FerryGraph    *self,
                GtkSnapshot   *snapshot,
                const Mapping *m,
                gboolean       dark)
{
  const graphene_rect_t *plot = m->plot;
  cairo_t *cr;
  GdkRGBA color;

  /* A line at the top or bottom is still whole. */
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (plot->origin.x, plot->origin.y - LINE_WIDTH,
                                                                 plot->size.width,
                                                                 plot->size.height + 2 * LINE_WIDTH));
  cairo_rectangle (cr, plot->origin.x, plot->origin.y - LINE_WIDTH, plot->size.width,
                   plot->size.height + 2 * LINE_WIDTH);
  cairo_clip (cr);

  if (self->lines->len > 0)
    {
      series_color (0, dark, &color);
      color.alpha = dark ? 0.25 : 0.18;
      gdk_cairo_set_source_rgba (cr, &color);
      trace_line (cr, m, g_ptr_array_index (self->lines, 0), TRUE);
      cairo_fill (cr);
    }

  /* The first series, the one with the fill, on top. */
  for (guint i = self->lines->len; i-- > 0;)
    {
      Line *line = g_ptr_array_index (self->lines, i);

      series_color (i, dark, &color);
      gdk_cairo_set_source_rgba (cr, &color);
      set_line_style (cr, i % N_LINE_STYLES);
      trace_line (cr, m, line, FALSE);
      cairo_stroke (cr);
    }

  cairo_destroy (cr);
}

static void
append_dot (GtkSnapshot   *snapshot,
            const GdkRGBA *color,
            const GdkRGBA *ring,
            double         x,
            double         y)
{
  GskRoundedRect outer, inner;

  gsk_rounded_rect_init_from_rect (&outer, &GRAPHENE_RECT_INIT (x - 4.5, y - 4.5, 9, 9), 4.5);
  gsk_rounded_rect_init_from_rect (&inner, &GRAPHENE_RECT_INIT (x - 3, y - 3, 6, 6), 3);
  gtk_snapshot_push_rounded_clip (snapshot, &outer);
  gtk_snapshot_append_color (snapshot, ring, &outer.bounds);
  gtk_snapshot_pop (snapshot);
  gtk_snapshot_push_rounded_clip (snapshot, &inner);
  gtk_snapshot_append_color (snapshot, color, &inner.bounds);
  gtk_snapshot_pop (snapshot);
}

static void
snapshot_hover (FerryGraph    *self,
                GtkSnapshot   *snapshot,
                const Mapping *m,
                gint64         now,
                const GdkRGBA *foreground,
                gboolean       dark)
{
  GtkStyleContext *context = gtk_widget_get_style_context (GTK_WIDGET (self));
  const graphene_rect_t *plot = m->plot;
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  gint64 pointer_time, best_time = 0, best_distance = G_MAXINT64;
  g_autoptr(GPtrArray) layouts = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(PangoLayout) time_layout = NULL;
  g_autofree char *when = NULL;
  GdkRGBA line_color = *foreground, background, border = *foreground;
  GskRoundedRect box;
  double x, box_x, box_y, box_width, box_height, row_height;
  int text_width, text_height;
  const double padding = 8;

  if (self->hover_x < plot->origin.x || self->hover_x > plot->origin.x + plot->size.width)
    return;

  pointer_time = m->from + (gint64) ((self->hover_x - plot->origin.x) / plot->size.width * m->span);
  for (guint i = 0; i < self->lines->len; i++)
    {
      Line *line = g_ptr_array_index (self->lines, i);

      for (guint j = 0; j < line->n; j++)
        {
          gint64 distance = ABS (line->times[j] - pointer_time);

          if (distance < best_distance)
            {
              best_distance = distance;
              best_time = line->times[j];
            }
        }
    }
  if (best_distance == G_MAXINT64)
    return;

  x = floor (map_x (m, best_time));
  line_color.alpha *= 0.45;
  gtk_snapshot_append_color (snapshot, &line_color,
                             &GRAPHENE_RECT_INIT (x, plot->origin.y, 1, plot->size.height));
  x += 0.5;

  /* The read-out: when, then each series' value at that time. */
  when = format_ago (now - best_time);
  time_layout = make_layout (self, when, AXIS_SCALE, TRUE);
  pango_layout_get_pixel_size (time_layout, &text_width, &text_height);
  box_width = text_width;
  box_height = text_height;
  row_height = text_height + 2;

  for (guint i = 0; i < self->lines->len; i++)
    {
      Line *line = g_ptr_array_index (self->lines, i);
      double value = NAN;
      g_autofree char *formatted = NULL;
      g_autofree char *text = NULL;
      PangoLayout *layout;

      for (guint j = 0; j < line->n; j++)
        if (ABS (line->times[j] - best_time) <= MAX (line->resolution, G_USEC_PER_SEC) / 2)
          {
            value = line->values[j];
            break;
          }

      if (isfinite (value))
        {
          GdkRGBA color, ring;

          series_color (i, dark, &color);
          if (!gtk_style_context_lookup_color (context, "view_bg_color", &ring))
            gdk_rgba_parse (&ring, dark ? "#1e1e1e" : "#ffffff");
          append_dot (snapshot, &color, &ring, x, CLAMP (map_y (m, value), plot->origin.y,
                                                          plot->origin.y + plot->size.height));
        }

      formatted = ferry_stats_format_value (ferry_stats_series_get_unit (line->series), value);
      /* Translators: a series and its value in a graph's read-out, e.g. "Read  12 MiB/s" */
      text = g_strdup_printf (C_("graph", "%s  %s"), line->label, formatted);
      layout = make_layout (self, text, AXIS_SCALE, FALSE);
      pango_layout_get_pixel_size (layout, &text_width, NULL);
      box_width = MAX (box_width, SWATCH_WIDTH + 6 + text_width);
      box_height += row_height;
      g_ptr_array_add (layouts, layout);
    }

  box_width += 2 * padding;
  box_height += 2 * padding - 2 + 4;
  box_x = x + 10;
  if (box_x + box_width > width)
    box_x = x - 10 - box_width;
  box_x = MAX (box_x, 0);
  box_y = plot->origin.y + 6;

  if (!gtk_style_context_lookup_color (context, "popover_bg_color", &background))
    gdk_rgba_parse (&background, dark ? "#383838" : "#ffffff");
  border.alpha *= 0.15;

  gsk_rounded_rect_init_from_rect (&box, &GRAPHENE_RECT_INIT (box_x, box_y, box_width, box_height), 8);
  gtk_snapshot_append_outset_shadow (snapshot, &box, &(GdkRGBA) { 0, 0, 0, dark ? 0.4 : 0.15 }, 0, 1, 0, 4);
  gtk_snapshot_push_rounded_clip (snapshot, &box);
  gtk_snapshot_append_color (snapshot, &background, &box.bounds);
  gtk_snapshot_pop (snapshot);
  gtk_snapshot_append_border (snapshot, &box, (float[4]) { 1, 1, 1, 1 },
                              (GdkRGBA[4]) { border, border, border, border });

  append_layout_at (snapshot, time_layout, box_x + padding, box_y + padding, foreground);
  for (guint i = 0; i < layouts->len; i++)
    {
      double row_y = box_y + padding + text_height + 4 + i * row_height;

      append_swatch (snapshot, i, dark, box_x + padding, round (row_y + text_height / 2.0));
      append_layout_at (snapshot, g_ptr_array_index (layouts, i), box_x + padding + SWATCH_WIDTH + 6, row_y,
                        foreground);
    }
}

static void
ferry_graph_snapshot (GtkWidget   *widget,
                      GtkSnapshot *snapshot)
{
  FerryGraph *self = FERRY_GRAPH (widget);
  GtkStyleContext *context = gtk_widget_get_style_context (widget);
  FerryStatsUnit unit = get_unit (self);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  g_autoptr(PangoLayout) title = NULL;
  g_autoptr(GPtrArray) legend = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) y_labels = g_ptr_array_new_with_free_func (g_object_unref);
  GdkRGBA foreground, text, grid, baseline;
  gboolean dark;
  gint64 now, x_step;
  double top, step, legend_width = 0, header_height, y_label_width = 0, x = 0;
  int title_width = 0, title_height = 0, label_height = 0, w, h;
  guint n_ticks;
  graphene_rect_t plot;
  Mapping m;

  if (width <= 0 || height <= 0)
    return;

  gtk_style_context_get_color (context, &foreground);
  dark = is_dark (&foreground);
  text = foreground;
  text.alpha *= 0.7;
  grid = foreground;
  grid.alpha *= 0.1;
  baseline = foreground;
  baseline.alpha *= 0.3;

  now = g_get_monotonic_time ();
  for (guint i = 0; i < self->lines->len; i++)
    line_fetch (g_ptr_array_index (self->lines, i), now, self->span_us,
                self->span_us / MAX (width - 80, 1));

  /* Header: the title on the left, the legend on the right, or under
   * the title when both do not fit on one line. */
  if (self->title != NULL && self->title[0] != '\0')
    {
      title = make_layout (self, self->title, 1.0, TRUE);
      pango_layout_get_pixel_size (title, &title_width, &title_height);
    }
  for (guint i = 0; i < self->lines->len; i++)
    {
      Line *line = g_ptr_array_index (self->lines, i);
      g_autofree char *value = ferry_stats_format_value (unit, ferry_stats_series_get_last (line->series));
      g_autofree char *item = g_strdup_printf (C_("graph", "%s  %s"), line->label, value);
      PangoLayout *layout = make_layout (self, item, AXIS_SCALE, FALSE);
      PangoAttrList *attrs = pango_layout_get_attributes (layout);
      PangoAttribute *dim = pango_attr_foreground_alpha_new (0xffff * 0.7);

      /* The value dimmer than its label. */
      dim->start_index = strlen (line->label);
      pango_attr_list_insert (attrs, dim);
      pango_layout_set_attributes (layout, attrs);
      pango_layout_get_pixel_size (layout, &w, &h);
      legend_width += (i > 0 ? 16 : 0) + SWATCH_WIDTH + 6 + w;
      title_height = MAX (title_height, h);
      g_ptr_array_add (legend, layout);
    }

  header_height = title_height + 10;
  if (title_width + 24 + legend_width > width && legend->len > 0 && title != NULL)
    header_height += title_height + 4;

  /* Axis labels, to size the margins. */
  value_scale (self, &top, &step);
  n_ticks = (guint) round (top / step) + 1;
  for (guint i = 0; i < n_ticks; i++)
    {
      /* "0", not "0 bytes/s": the unit is on every other label. */
      g_autofree char *label = i == 0 ? g_strdup ("0") : ferry_stats_format_value (unit, i * step);
      PangoLayout *layout = make_layout (self, label, AXIS_SCALE, FALSE);

      pango_layout_get_pixel_size (layout, &w, &label_height);
      y_label_width = MAX (y_label_width, w);
      g_ptr_array_add (y_labels, layout);
    }
  /* Room for the widest usual label whatever the data, so that graphs
   * stacked on a page line their plots up. */
  {
    g_autofree char *widest = ferry_stats_format_value (FERRY_STATS_UNIT_BYTES_PER_SECOND, 999.9 * 1024 * 1024);
    g_autoptr(PangoLayout) layout = make_layout (self, widest, AXIS_SCALE, FALSE);

    pango_layout_get_pixel_size (layout, &w, NULL);
    y_label_width = MAX (y_label_width, w);
  }

  plot.origin.x = y_label_width + 8;
  plot.origin.y = header_height + label_height / 2;
  plot.size.width = MAX (width - plot.origin.x - 1, 1);
  plot.size.height = MAX (height - plot.origin.y - label_height - 6, 1);
  self->plot = plot;
  self->have_plot = TRUE;

  m.plot = &plot;
  m.from = now - self->span_us;
  m.span = self->span_us;
  m.top = top;

  /* Title and legend */
  if (title != NULL)
    append_layout_at (snapshot, title, 0, 0, &foreground);
  x = title != NULL && header_height > title_height + 10 ? 0 : width - legend_width;
  for (guint i = 0; i < legend->len; i++)
    {
      double y = title != NULL && header_height > title_height + 10 ? title_height + 4 : 0;
      PangoLayout *layout = g_ptr_array_index (legend, i);

      pango_layout_get_pixel_size (layout, &w, &h);
      append_swatch (snapshot, i, dark, x, round (y + title_height / 2.0));
      append_layout_at (snapshot, layout, x + SWATCH_WIDTH + 6, y + (title_height - h) / 2.0, &foreground);
      x += SWATCH_WIDTH + 6 + w + 16;
    }

  /* Value axis: grid lines and labels */
  for (guint i = 0; i < n_ticks; i++)
    {
      PangoLayout *layout = g_ptr_array_index (y_labels, i);
      double y = map_y (&m, i * step);

      append_hline (snapshot, i == 0 ? &baseline : &grid, plot.origin.x, MIN (y, plot.origin.y + plot.size.height - 1),
                    plot.size.width);
      pango_layout_get_pixel_size (layout, &w, &h);
      append_layout_at (snapshot, layout, plot.origin.x - 8 - w, y - h / 2.0, &text);
    }

  /* Time axis: grid lines at round times before now, labels under them */
  x_step = time_step (self->span_us, plot.size.width);
  for (gint64 ago = 0; ago <= self->span_us; ago += x_step)
    {
      g_autofree char *label = format_ago (ago);
      g_autoptr(PangoLayout) layout = make_layout (self, label, AXIS_SCALE, FALSE);
      double tick_x = floor (map_x (&m, now - ago));
      double label_x;

      if (ago > 0 && ago < self->span_us)
        gtk_snapshot_append_color (snapshot, &grid,
                                   &GRAPHENE_RECT_INIT (tick_x, plot.origin.y, 1, plot.size.height));
      pango_layout_get_pixel_size (layout, &w, &h);
      label_x = CLAMP (tick_x - w / 2.0, plot.origin.x, width - w);
      append_layout_at (snapshot, layout, label_x, plot.origin.y + plot.size.height + 4, &text);
    }

  snapshot_lines (self, snapshot, &m, dark);

  if (self->hovering)
    snapshot_hover (self, snapshot, &m, now, &foreground, dark);

  /* The data is for this frame only. */
  for (guint i = 0; i < self->lines->len; i++)
    line_free_data (g_ptr_array_index (self->lines, i));
}

/* ---------------------------------------------------------------------- */
/* Time moves on even when no sample arrives (a stopped VM): redraw as
 * often as the data would move by a pixel, at most once a second. */

static gboolean
tick (gpointer data)
{
  gtk_widget_queue_draw (GTK_WIDGET (data));
  return G_SOURCE_CONTINUE;
}

static void
update_tick (FerryGraph *self)
{
  guint interval = 0;

  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      double plot_width = self->have_plot ? self->plot.size.width : gtk_widget_get_width (GTK_WIDGET (self));

      interval = (guint) CLAMP (self->span_us / 1000 / MAX (plot_width, 1), 1000, 600000);
    }

  if (interval == self->tick_interval_ms && (interval == 0) == (self->tick_id == 0))
    return;
  g_clear_handle_id (&self->tick_id, g_source_remove);
  self->tick_interval_ms = interval;
  if (interval > 0)
    self->tick_id = g_timeout_add (interval, tick, self);
}

static void
ferry_graph_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (ferry_graph_parent_class)->map (widget);
  update_tick (FERRY_GRAPH (widget));
}

static void
ferry_graph_unmap (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (ferry_graph_parent_class)->unmap (widget);
  update_tick (FERRY_GRAPH (widget));
}

static void
ferry_graph_size_allocate (GtkWidget *widget,
                           int        width,
                           int        height,
                           int        baseline)
{
  update_tick (FERRY_GRAPH (widget));
}

static void
ferry_graph_measure (GtkWidget      *widget,
                     GtkOrientation  orientation,
                     int             for_size,
                     int            *minimum,
                     int            *natural,
                     int            *minimum_baseline,
                     int            *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 320 : 160;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 480 : 200;
}

/* ---------------------------------------------------------------------- */
/* Hover */

static void
motion (GtkEventControllerMotion *controller,
        double                    x,
        double                    y,
        FerryGraph               *self)
{
  if (self->hovering && self->hover_x == x)
    return;
  self->hovering = TRUE;
  self->hover_x = x;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
leave (GtkEventControllerMotion *controller,
       FerryGraph               *self)
{
  if (!self->hovering)
    return;
  self->hovering = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
series_changed (FerryGraph *self)
{
  update_accessible_label (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* ---------------------------------------------------------------------- */

static void
ferry_graph_dispose (GObject *object)
{
  FerryGraph *self = FERRY_GRAPH (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  if (self->lines != NULL)
    g_ptr_array_set_size (self->lines, 0);

  G_OBJECT_CLASS (ferry_graph_parent_class)->dispose (object);
}

static void
ferry_graph_finalize (GObject *object)
{
  FerryGraph *self = FERRY_GRAPH (object);

  g_clear_pointer (&self->lines, g_ptr_array_unref);
  g_free (self->title);
  g_free (self->accessible_label);

  G_OBJECT_CLASS (ferry_graph_parent_class)->finalize (object);
}

static void
ferry_graph_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  FerryGraph *self = FERRY_GRAPH (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_SPAN:
      g_value_set_int64 (value, self->span_us);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_graph_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  FerryGraph *self = FERRY_GRAPH (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      ferry_graph_set_title (self, g_value_get_string (value));
      break;
    case PROP_SPAN:
      ferry_graph_set_span (self, g_value_get_int64 (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_graph_class_init (FerryGraphClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ferry_graph_dispose;
  object_class->finalize = ferry_graph_finalize;
  object_class->get_property = ferry_graph_get_property;
  object_class->set_property = ferry_graph_set_property;

  widget_class->snapshot = ferry_graph_snapshot;
  widget_class->measure = ferry_graph_measure;
  widget_class->size_allocate = ferry_graph_size_allocate;
  widget_class->map = ferry_graph_map;
  widget_class->unmap = ferry_graph_unmap;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SPAN] =
    g_param_spec_int64 ("span", NULL, NULL, G_USEC_PER_SEC, G_MAXINT64, DEFAULT_SPAN_US,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "graph");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
ferry_graph_init (FerryGraph *self)
{
  GtkEventController *controller;

  self->lines = g_ptr_array_new_with_free_func (line_free);
  self->span_us = DEFAULT_SPAN_US;

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "motion", G_CALLBACK (motion), self);
  g_signal_connect (controller, "enter", G_CALLBACK (motion), self);
  g_signal_connect (controller, "leave", G_CALLBACK (leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

GtkWidget *
ferry_graph_new (void)
{
  return g_object_new (FERRY_TYPE_GRAPH, NULL);
}

void
ferry_graph_add_series (FerryGraph       *self,
                        FerryStatsSeries *series,
                        const char       *label)
{
  Line *line;

  g_return_if_fail (FERRY_IS_GRAPH (self));
  g_return_if_fail (FERRY_IS_STATS_SERIES (series));
  g_return_if_fail (self->lines->len == 0 || ferry_stats_series_get_unit (series) == get_unit (self));

  line = g_new0 (Line, 1);
  line->series = g_object_ref (series);
  line->label = g_strdup (label ? label : ferry_stats_series_get_name (series));
  line->changed_id = g_signal_connect_swapped (series, "changed", G_CALLBACK (series_changed), self);
  g_ptr_array_add (self->lines, line);

  update_accessible_label (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
ferry_graph_clear (FerryGraph *self)
{
  g_return_if_fail (FERRY_IS_GRAPH (self));

  if (self->lines->len == 0)
    return;
  g_ptr_array_set_size (self->lines, 0);
  update_accessible_label (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
ferry_graph_get_n_series (FerryGraph *self)
{
  g_return_val_if_fail (FERRY_IS_GRAPH (self), 0);
  return self->lines->len;
}

void
ferry_graph_set_span (FerryGraph *self,
                      gint64      span_us)
{
  g_return_if_fail (FERRY_IS_GRAPH (self));
  g_return_if_fail (span_us > 0);

  if (self->span_us == span_us)
    return;
  self->span_us = span_us;
  update_tick (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPAN]);
}

gint64
ferry_graph_get_span (FerryGraph *self)
{
  g_return_val_if_fail (FERRY_IS_GRAPH (self), DEFAULT_SPAN_US);
  return self->span_us;
}

void
ferry_graph_set_title (FerryGraph *self,
                       const char *title)
{
  g_return_if_fail (FERRY_IS_GRAPH (self));

  if (g_strcmp0 (self->title, title) == 0)
    return;
  g_free (self->title);
  self->title = g_strdup (title);
  update_accessible_label (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

const char *
ferry_graph_get_title (FerryGraph *self)
{
  g_return_val_if_fail (FERRY_IS_GRAPH (self), NULL);
  return self->title;
}

gboolean
ferry_graph_get_plot_area (FerryGraph      *self,
                           graphene_rect_t *area)
{
  g_return_val_if_fail (FERRY_IS_GRAPH (self), FALSE);
  g_return_val_if_fail (area != NULL, FALSE);

  if (!self->have_plot)
    return FALSE;
  *area = self->plot;
  return TRUE;
}
