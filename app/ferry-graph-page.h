/* ferry-graph-page.h — CPU, memory, disk and network graphs with a range
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ferry-stats-series.h"

G_BEGIN_DECLS

#define FERRY_TYPE_GRAPH_PAGE (ferry_graph_page_get_type ())

G_DECLARE_FINAL_TYPE (FerryGraphPage, ferry_graph_page, FERRY, GRAPH_PAGE, GtkWidget)

GtkWidget *ferry_graph_page_new         (void);
/* Any source may be NULL; a graph without any source is hidden. */
void       ferry_graph_page_set_sources (FerryGraphPage   *self,
                                         FerryStatsSeries *cpu,
                                         FerryStatsSeries *mem_used,
                                         FerryStatsSeries *mem_total,
                                         FerryStatsSeries *disk_read,
                                         FerryStatsSeries *disk_write,
                                         FerryStatsSeries *net_rx,
                                         FerryStatsSeries *net_tx);
/* The range shown by every graph (µs): the buttons offer 1 min, 10 min,
 * 1 h and 24 h; default 10 min. */
void       ferry_graph_page_set_span    (FerryGraphPage   *self,
                                         gint64            span_us);
gint64     ferry_graph_page_get_span    (FerryGraphPage   *self);

G_END_DECLS
