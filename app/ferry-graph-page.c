/* ferry-graph-page.c — CPU, memory, disk and network graphs with a range
 *
 * Built in code rather than from a template: four graphs and a row of
 * buttons, all alike, read better as a loop.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "ferry-graph.h"
#include "ferry-graph-page.h"

#define MINUTE_US ((gint64) 60 * G_USEC_PER_SEC)

typedef enum
{
  GRAPH_CPU,
  GRAPH_MEMORY,
  GRAPH_DISK,
  GRAPH_NETWORK,
  N_GRAPHS
} GraphKind;

static const struct
{
  gint64      span_us;
  const char *label;
  const char *tooltip;
} ranges[] = {
  { MINUTE_US, N_("1 min"), N_("Last minute") },
  { 10 * MINUTE_US, N_("10 min"), N_("Last 10 minutes") },
  { 60 * MINUTE_US, N_("1 h"), N_("Last hour") },
  { 24 * 60 * MINUTE_US, N_("24 h"), N_("Last 24 hours") },
};

struct _FerryGraphPage
{
  GtkWidget        parent_instance;

  GtkWidget       *range_box;
  GtkToggleButton *range_buttons[G_N_ELEMENTS (ranges)];
  FerryGraph      *graphs[N_GRAPHS];
  gint64           span_us;
};

enum {
  PROP_0,
  PROP_SPAN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (FerryGraphPage, ferry_graph_page, GTK_TYPE_WIDGET)

static void
range_toggled (GtkToggleButton *button,
               FerryGraphPage  *self)
{
  if (!gtk_toggle_button_get_active (button))
    return;
  for (guint i = 0; i < G_N_ELEMENTS (ranges); i++)
    if (self->range_buttons[i] == button)
      ferry_graph_page_set_span (self, ranges[i].span_us);
}

static void
set_graph (FerryGraph       *graph,
           FerryStatsSeries *first,
           const char       *first_label,
           FerryStatsSeries *second,
           const char       *second_label)
{
  ferry_graph_clear (graph);
  if (first != NULL)
    ferry_graph_add_series (graph, first, first_label);
  if (second != NULL)
    ferry_graph_add_series (graph, second, second_label);
  gtk_widget_set_visible (GTK_WIDGET (graph), first != NULL || second != NULL);
}

static void
ferry_graph_page_dispose (GObject *object)
{
  FerryGraphPage *self = FERRY_GRAPH_PAGE (object);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (ferry_graph_page_parent_class)->dispose (object);
}

static void
ferry_graph_page_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  FerryGraphPage *self = FERRY_GRAPH_PAGE (object);

  switch (prop_id)
    {
    case PROP_SPAN:
      g_value_set_int64 (value, self->span_us);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_graph_page_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  FerryGraphPage *self = FERRY_GRAPH_PAGE (object);

  switch (prop_id)
    {
    case PROP_SPAN:
      ferry_graph_page_set_span (self, g_value_get_int64 (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_graph_page_class_init (FerryGraphPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ferry_graph_page_dispose;
  object_class->get_property = ferry_graph_page_get_property;
  object_class->set_property = ferry_graph_page_set_property;

  properties[PROP_SPAN] =
    g_param_spec_int64 ("span", NULL, NULL, G_USEC_PER_SEC, G_MAXINT64, 10 * MINUTE_US,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "graphpage");
}

static void
ferry_graph_page_init (FerryGraphPage *self)
{
  static const char *titles[N_GRAPHS] = { N_("CPU"), N_("Memory"), N_("Disk"), N_("Network") };
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));

  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 24);

  self->span_us = 10 * MINUTE_US;

  self->range_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_widget_add_css_class (self->range_box, "linked");
  gtk_widget_set_halign (self->range_box, GTK_ALIGN_END);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->range_box),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Time Range"),
                                  -1);
  for (guint i = 0; i < G_N_ELEMENTS (ranges); i++)
    {
      GtkWidget *button = gtk_toggle_button_new_with_label (_(ranges[i].label));

      gtk_widget_set_tooltip_text (button, _(ranges[i].tooltip));
      if (i > 0)
        gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (button), self->range_buttons[0]);
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (button), ranges[i].span_us == self->span_us);
      g_signal_connect (button, "toggled", G_CALLBACK (range_toggled), self);
      gtk_box_append (GTK_BOX (self->range_box), button);
      self->range_buttons[i] = GTK_TOGGLE_BUTTON (button);
    }
  gtk_widget_set_parent (self->range_box, GTK_WIDGET (self));

  for (guint i = 0; i < N_GRAPHS; i++)
    {
      self->graphs[i] = FERRY_GRAPH (ferry_graph_new ());
      ferry_graph_set_title (self->graphs[i], _(titles[i]));
      ferry_graph_set_span (self->graphs[i], self->span_us);
      gtk_widget_set_visible (GTK_WIDGET (self->graphs[i]), FALSE);
      gtk_widget_set_parent (GTK_WIDGET (self->graphs[i]), GTK_WIDGET (self));
    }
}

GtkWidget *
ferry_graph_page_new (void)
{
  return g_object_new (FERRY_TYPE_GRAPH_PAGE, NULL);
}

void
ferry_graph_page_set_sources (FerryGraphPage   *self,
                              FerryStatsSeries *cpu,
                              FerryStatsSeries *mem_used,
                              FerryStatsSeries *mem_total,
                              FerryStatsSeries *disk_read,
                              FerryStatsSeries *disk_write,
                              FerryStatsSeries *net_rx,
                              FerryStatsSeries *net_tx)
{
  g_return_if_fail (FERRY_IS_GRAPH_PAGE (self));

  set_graph (self->graphs[GRAPH_CPU], cpu, C_("graph legend", "Usage"), NULL, NULL);
  set_graph (self->graphs[GRAPH_MEMORY], mem_used, C_("graph legend", "Used"),
             mem_total, C_("graph legend", "Total"));
  set_graph (self->graphs[GRAPH_DISK], disk_read, C_("graph legend", "Read"),
             disk_write, C_("graph legend", "Write"));
  set_graph (self->graphs[GRAPH_NETWORK], net_rx, C_("graph legend", "Received"),
             net_tx, C_("graph legend", "Sent"));
}

void
ferry_graph_page_set_span (FerryGraphPage *self,
                           gint64          span_us)
{
  g_return_if_fail (FERRY_IS_GRAPH_PAGE (self));
  g_return_if_fail (span_us > 0);

  if (self->span_us == span_us)
    return;
  self->span_us = span_us;
  for (guint i = 0; i < N_GRAPHS; i++)
    ferry_graph_set_span (self->graphs[i], span_us);
  for (guint i = 0; i < G_N_ELEMENTS (ranges); i++)
    if (ranges[i].span_us == span_us)
      gtk_toggle_button_set_active (self->range_buttons[i], TRUE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPAN]);
}

gint64
ferry_graph_page_get_span (FerryGraphPage *self)
{
  g_return_val_if_fail (FERRY_IS_GRAPH_PAGE (self), 0);
  return self->span_us;
}
