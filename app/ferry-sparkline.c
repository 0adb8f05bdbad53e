/* ferry-sparkline.c — a tiny history graph for list rows
 *
 * Drawn as pixel columns with gtk_snapshot_append_color: a translucent
 * bar per column for the area and a short opaque bar joining each
 * column's value to the previous one for the line, with runs of equal
 * columns merged. Measured against a cairo path (tests/ui/test-graph.c,
 * "/graph/sparkline/bench"): cheaper to snapshot and to render than a
 * cairo node, which records a path and replays it through a surface.
 * The node is rebuilt only when the series reports a new sample.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "ferry-sparkline.h"

#define DEFAULT_SPAN_US ((gint64) 60 * G_USEC_PER_SEC)
#define LINE_WIDTH      2.0
#define FILL_ALPHA      0.25f
#define MAX_STACK_COLUMNS 512

struct _FerrySparkline
{
  GtkWidget         parent_instance;

  FerryStatsSeries *series;
  gulong            changed_id;
  gint64            span_us;
  double            max;

  char             *accessible_label;
  GdkRGBA           color;
  gboolean          color_valid;
};

enum {
  PROP_0,
  PROP_SERIES,
  PROP_SPAN,
  PROP_MAX,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (FerrySparkline, ferry_sparkline, GTK_TYPE_WIDGET)

static void
update_accessible_label (FerrySparkline *self)
{
  g_autofree char *label = NULL;

  if (self->series != NULL)
    {
      FerryStatsUnit unit = ferry_stats_series_get_unit (self->series);
      g_autofree char *value = ferry_stats_format_value (unit, ferry_stats_series_get_last (self->series));

      /* Translators: a metric and its latest value, e.g. "CPU 42 %" */
      label = g_strdup_printf (C_("sparkline", "%s %s"), ferry_stats_series_get_name (self->series), value);
    }

  /* Most samples do not change the rounded value: spare the AT-SPI traffic. */
  if (g_strcmp0 (label, self->accessible_label) == 0)
    return;
  g_free (self->accessible_label);
  self->accessible_label = g_steal_pointer (&label);
  if (self->accessible_label != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, self->accessible_label,
                                    -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL);
}

static void
series_changed (FerrySparkline *self)
{
  update_accessible_label (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static const GdkRGBA *
get_color (FerrySparkline *self)
{
  if (!self->color_valid)
    {
      GtkStyleContext *context = gtk_widget_get_style_context (GTK_WIDGET (self));

      /* libadwaita's accent foreground: readable on light and dark. */
      if (!gtk_style_context_lookup_color (context, "accent_color", &self->color))
        gdk_rgba_parse (&self->color, "#3584e4");
      self->color_valid = TRUE;
    }
  return &self->color;
}

static inline double
value_to_y (double value,
            double max,
            int    height)
{
  double fraction = CLAMP (value / max, 0.0, 1.0);

  /* Keep the whole line inside the widget at 0 and at max, on whole
   * pixels: crisp, and equal values merge into one rectangle. */
  return round (LINE_WIDTH / 2 + (1.0 - fraction) * (height - LINE_WIDTH));
}

static void
ferry_sparkline_snapshot (GtkWidget   *widget,
                          GtkSnapshot *snapshot)
{
  FerrySparkline *self = FERRY_SPARKLINE (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  g_autofree gint64 *times = NULL;
  g_autofree double *values = NULL;
  g_autofree double *heap_columns = NULL;
  double stack_columns[MAX_STACK_COLUMNS];
  double *columns;
  const GdkRGBA *color;
  GdkRGBA fill;
  gint64 now, from, resolution, max_step;
  double max;
  guint n = 0;
  int previous = -1;

  if (self->series == NULL || width <= 0 || height <= 0)
    return;

  now = g_get_monotonic_time ();
  from = now - self->span_us;
  resolution = ferry_stats_series_get_range (self->series, now, self->span_us, &times, &values, &n);
  if (n == 0)
    return;

  max = self->max;
  if (max <= 0)
    {
      if (ferry_stats_series_get_unit (self->series) == FERRY_STATS_UNIT_PERCENT)
        max = 100;
      else
        {
          for (guint i = 0; i < n; i++)
            if (isfinite (values[i]) && values[i] > max)
              max = values[i];
          max = max > 0 ? max * 1.1 : 1;
        }
    }

  columns = width <= MAX_STACK_COLUMNS ? stack_columns : (heap_columns = g_new (double, width));
  for (int c = 0; c < width; c++)
    columns[c] = NAN;

  /* Samples further apart than this were not taken: a gap, not a slope. */
  max_step = MAX (resolution, G_USEC_PER_SEC) * 5 / 2;

  /* Each column gets the highest sample that falls in it (a spike must
   * not vanish when many samples share a pixel); columns between two
   * samples get the straight line between them. */
  for (guint i = 0; i < n; i++)
    {
      int column;

      if (!isfinite (values[i]))
        {
          previous = -1;
          continue;
        }
      column = CLAMP ((int) floor ((double) (times[i] - from) * width / self->span_us), 0, width - 1);
      if (previous >= 0 && times[i] - times[previous] <= max_step)
        {
          int previous_column = CLAMP ((int) floor ((double) (times[previous] - from) * width / self->span_us),
                                       0, width - 1);

          for (int c = previous_column + 1; c < column; c++)
            {
              double v = values[previous] + (values[i] - values[previous]) * (c - previous_column) / (column - previous_column);

              columns[c] = isnan (columns[c]) ? v : MAX (columns[c], v);
            }
        }
      columns[column] = isnan (columns[column]) ? values[i] : MAX (columns[column], values[i]);
      previous = (int) i;
    }

  color = get_color (self);
  fill = *color;
  fill.alpha *= FILL_ALPHA;

  /* Runs of columns with the same geometry become one rectangle each:
   * a steady value costs two nodes, not two per pixel. */
  {
    int fill_start = -1, line_start = -1;
    double fill_y = 0, line_top = 0, line_bottom = 0;
    double previous_y = NAN;

    for (int c = 0; c <= width; c++)
      {
        gboolean have = c < width && !isnan (columns[c]);
        double y = have ? value_to_y (columns[c], max, height) : NAN;
        double top = 0, bottom = 0;

        if (have)
          {
            double from_y = isnan (previous_y) ? y : previous_y;

            top = MIN (y, from_y) - LINE_WIDTH / 2;
            bottom = MAX (y, from_y) + LINE_WIDTH / 2;
          }

        if (fill_start >= 0 && (!have || y != fill_y))
          {
            gtk_snapshot_append_color (snapshot, &fill,
                                       &GRAPHENE_RECT_INIT (fill_start, fill_y, c - fill_start, height - fill_y));
            fill_start = -1;
          }
        if (line_start >= 0 && (!have || top != line_top || bottom != line_bottom))
          {
            gtk_snapshot_append_color (snapshot, color,
                                       &GRAPHENE_RECT_INIT (line_start, line_top, c - line_start, line_bottom - line_top));
            line_start = -1;
          }
        if (have && fill_start < 0)
          {
            fill_start = c;
            fill_y = y;
          }
        if (have && line_start < 0)
          {
            line_start = c;
            line_top = top;
            line_bottom = bottom;
          }
        previous_y = y;
      }
  }
}

static void
ferry_sparkline_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 16 : 8;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 60 : 18;
}

static void
ferry_sparkline_css_changed (GtkWidget         *widget,
                             GtkCssStyleChange *change)
{
  FerrySparkline *self = FERRY_SPARKLINE (widget);

  GTK_WIDGET_CLASS (ferry_sparkline_parent_class)->css_changed (widget, change);
  self->color_valid = FALSE;
  gtk_widget_queue_draw (widget);
}

static void
ferry_sparkline_dispose (GObject *object)
{
  FerrySparkline *self = FERRY_SPARKLINE (object);

  if (self->series != NULL)
    g_clear_signal_handler (&self->changed_id, self->series);
  g_clear_object (&self->series);

  G_OBJECT_CLASS (ferry_sparkline_parent_class)->dispose (object);
}

static void
ferry_sparkline_finalize (GObject *object)
{
  FerrySparkline *self = FERRY_SPARKLINE (object);

  g_free (self->accessible_label);

  G_OBJECT_CLASS (ferry_sparkline_parent_class)->finalize (object);
}

static void
ferry_sparkline_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  FerrySparkline *self = FERRY_SPARKLINE (object);

  switch (prop_id)
    {
    case PROP_SERIES:
      g_value_set_object (value, self->series);
      break;
    case PROP_SPAN:
      g_value_set_int64 (value, self->span_us);
      break;
    case PROP_MAX:
      g_value_set_double (value, self->max);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_sparkline_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  FerrySparkline *self = FERRY_SPARKLINE (object);

  switch (prop_id)
    {
    case PROP_SERIES:
      ferry_sparkline_set_series (self, g_value_get_object (value));
      break;
    case PROP_SPAN:
      ferry_sparkline_set_span (self, g_value_get_int64 (value));
      break;
    case PROP_MAX:
      ferry_sparkline_set_max (self, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_sparkline_class_init (FerrySparklineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ferry_sparkline_dispose;
  object_class->finalize = ferry_sparkline_finalize;
  object_class->get_property = ferry_sparkline_get_property;
  object_class->set_property = ferry_sparkline_set_property;

  widget_class->snapshot = ferry_sparkline_snapshot;
  widget_class->measure = ferry_sparkline_measure;
  widget_class->css_changed = ferry_sparkline_css_changed;

  properties[PROP_SERIES] =
    g_param_spec_object ("series", NULL, NULL, FERRY_TYPE_STATS_SERIES,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SPAN] =
    g_param_spec_int64 ("span", NULL, NULL, G_USEC_PER_SEC, G_MAXINT64, DEFAULT_SPAN_US,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAX] =
    g_param_spec_double ("max", NULL, NULL, 0, G_MAXDOUBLE, 0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "sparkline");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
ferry_sparkline_init (FerrySparkline *self)
{
  self->span_us = DEFAULT_SPAN_US;
}

GtkWidget *
ferry_sparkline_new (void)
{
  return g_object_new (FERRY_TYPE_SPARKLINE, NULL);
}

void
ferry_sparkline_set_series (FerrySparkline   *self,
                            FerryStatsSeries *series)
{
  g_return_if_fail (FERRY_IS_SPARKLINE (self));
  g_return_if_fail (series == NULL || FERRY_IS_STATS_SERIES (series));

  if (self->series == series)
    return;

  if (self->series != NULL)
    g_clear_signal_handler (&self->changed_id, self->series);
  g_set_object (&self->series, series);
  if (series != NULL)
    self->changed_id = g_signal_connect_swapped (series, "changed", G_CALLBACK (series_changed), self);

  update_accessible_label (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERIES]);
}

FerryStatsSeries *
ferry_sparkline_get_series (FerrySparkline *self)
{
  g_return_val_if_fail (FERRY_IS_SPARKLINE (self), NULL);
  return self->series;
}

void
ferry_sparkline_set_span (FerrySparkline *self,
                          gint64          span_us)
{
  g_return_if_fail (FERRY_IS_SPARKLINE (self));
  g_return_if_fail (span_us > 0);

  if (self->span_us == span_us)
    return;
  self->span_us = span_us;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPAN]);
}

gint64
ferry_sparkline_get_span (FerrySparkline *self)
{
  g_return_val_if_fail (FERRY_IS_SPARKLINE (self), DEFAULT_SPAN_US);
  return self->span_us;
}

void
ferry_sparkline_set_max (FerrySparkline *self,
                         double          max)
{
  g_return_if_fail (FERRY_IS_SPARKLINE (self));
  g_return_if_fail (max >= 0);

  if (self->max == max)
    return;
  self->max = max;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX]);
}

double
ferry_sparkline_get_max (FerrySparkline *self)
{
  g_return_val_if_fail (FERRY_IS_SPARKLINE (self), 0);
  return self->max;
}
