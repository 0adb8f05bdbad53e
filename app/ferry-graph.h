/* ferry-graph.h — a detail graph of one or more series sharing a unit
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ferry-stats-series.h"

G_BEGIN_DECLS

#define FERRY_TYPE_GRAPH (ferry_graph_get_type ())

G_DECLARE_FINAL_TYPE (FerryGraph, ferry_graph, FERRY, GRAPH, GtkWidget)

GtkWidget  *ferry_graph_new           (void);
/* Series are drawn in the order added, each in its own colour and line
 * style (solid, dashed, dotted, dash-dot); the first also gets a light
 * fill. All series of a graph share the unit of the first one. */
void        ferry_graph_add_series    (FerryGraph       *self,
                                       FerryStatsSeries *series,
                                       const char       *label);
void        ferry_graph_clear         (FerryGraph       *self);
guint       ferry_graph_get_n_series  (FerryGraph       *self);
/* How much history the plot shows, ending now (µs); default 60 s. */
void        ferry_graph_set_span      (FerryGraph       *self,
                                       gint64            span_us);
gint64      ferry_graph_get_span      (FerryGraph       *self);
void        ferry_graph_set_title     (FerryGraph       *self,
                                       const char       *title);
const char *ferry_graph_get_title     (FerryGraph       *self);
/* Where the last frame put the plot (inside the axes), in widget
 * coordinates; FALSE before the first frame. For tests and overlays. */
gboolean    ferry_graph_get_plot_area (FerryGraph       *self,
                                       graphene_rect_t  *area);

G_END_DECLS
