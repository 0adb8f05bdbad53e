/* ferry-sparkline.h — a tiny history graph for list rows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ferry-stats-series.h"

G_BEGIN_DECLS

#define FERRY_TYPE_SPARKLINE (ferry_sparkline_get_type ())

G_DECLARE_FINAL_TYPE (FerrySparkline, ferry_sparkline, FERRY, SPARKLINE, GtkWidget)

GtkWidget        *ferry_sparkline_new        (void);
/* Rebinding is cheap: list item factories may call this for every row
 * that scrolls into view. NULL unbinds. */
void              ferry_sparkline_set_series (FerrySparkline   *self,
                                              FerryStatsSeries *series);
FerryStatsSeries *ferry_sparkline_get_series (FerrySparkline   *self);
/* How much history the width shows (µs); default 60 s. */
void              ferry_sparkline_set_span   (FerrySparkline   *self,
                                              gint64            span_us);
gint64            ferry_sparkline_get_span   (FerrySparkline   *self);
/* The value drawn at the top; 0 (the default) scales to the data, or to
 * 100 for a percentage. */
void              ferry_sparkline_set_max    (FerrySparkline   *self,
                                              double            max);
double            ferry_sparkline_get_max    (FerrySparkline   *self);

G_END_DECLS
