/* ferry-metrics-private.h — how the sampler fills a FerryMetrics
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ferry-metrics.h"

G_BEGIN_DECLS

/* Pushes one sample; nothing is announced until _ferry_metrics_commit. */
void _ferry_metrics_push   (FerryMetrics *self,
                            FerryMetric   metric,
                            gint64        time_us,
                            double        value);
/* Marks a gap (NAN) in every series that has a value before it. */
void _ferry_metrics_gap    (FerryMetrics *self,
                            gint64        time_us);
/* End of a tick: updates the properties and emits "updated" once, if
 * anything was pushed since the last commit. */
void _ferry_metrics_commit (FerryMetrics *self);

G_END_DECLS
