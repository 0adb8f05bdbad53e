/* ferry-stats-sampler.h — fills the FerryMetrics of every VM, node and
 * the cluster from one bulk libvirt call per node and tick
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-inventory.h"

G_BEGIN_DECLS

#define FERRY_TYPE_STATS_SAMPLER (ferry_stats_sampler_get_type ())

G_DECLARE_FINAL_TYPE (FerryStatsSampler, ferry_stats_sampler, FERRY, STATS_SAMPLER, GObject)

#define FERRY_STATS_SAMPLER_DEFAULT_INTERVAL_MS 1000
/* Nodes that are not on screen are sampled this many times less often. */
#define FERRY_STATS_SAMPLER_UNWATCHED_FACTOR    5

FerryStatsSampler *ferry_stats_sampler_new            (FerryInventory    *inventory);
void               ferry_stats_sampler_set_interval   (FerryStatsSampler *self,
                                                       guint              ms);
guint              ferry_stats_sampler_get_interval   (FerryStatsSampler *self);
/* Watched nodes (the default) are sampled at the interval, the others
 * at FERRY_STATS_SAMPLER_UNWATCHED_FACTOR times the interval. */
void               ferry_stats_sampler_watch_node     (FerryStatsSampler *self,
                                                       FerryNode         *node,
                                                       gboolean           watched);

/* For tests and benches. Ticks: samples started. Skipped: ticks that
 * found the node's previous sample still running. Samples: samples whose
 * results arrived. Worker CPU and wall time (µs) are summed over the
 * samples, so worker_cpu_us / samples is the cost per node per tick. */
guint64            ferry_stats_sampler_get_ticks         (FerryStatsSampler *self);
guint64            ferry_stats_sampler_get_skipped       (FerryStatsSampler *self);
guint64            ferry_stats_sampler_get_samples       (FerryStatsSampler *self);
guint64            ferry_stats_sampler_get_worker_cpu_us (FerryStatsSampler *self);
guint64            ferry_stats_sampler_get_worker_wall_us (FerryStatsSampler *self);
/* Main-thread time spent turning results into series (µs). */
guint64            ferry_stats_sampler_get_apply_us      (FerryStatsSampler *self);

G_END_DECLS
