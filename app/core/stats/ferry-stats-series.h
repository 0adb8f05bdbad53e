/* ferry-stats-series.h — one metric's history at two resolutions
 *
 * A fixed-size ring of samples at the sampling interval (default 600 at
 * 1 s: the last 10 minutes) and a ring of per-minute averages (1440: the
 * last 24 hours). Values are doubles in the metric's unit (percent, bytes,
 * bytes per second, operations per second). A missing sample is NAN and
 * draws as a gap. Main thread only.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  FERRY_STATS_UNIT_PERCENT,
  FERRY_STATS_UNIT_BYTES,
  FERRY_STATS_UNIT_BYTES_PER_SECOND,
  FERRY_STATS_UNIT_PER_SECOND,
} FerryStatsUnit;

#define FERRY_TYPE_STATS_SERIES (ferry_stats_series_get_type ())

G_DECLARE_FINAL_TYPE (FerryStatsSeries, ferry_stats_series, FERRY, STATS_SERIES, GObject)

FerryStatsSeries *ferry_stats_series_new          (const char        *name,
                                                   FerryStatsUnit     unit,
                                                   guint              fine_capacity,
                                                   guint              coarse_capacity);
const char       *ferry_stats_series_get_name     (FerryStatsSeries  *self);
FerryStatsUnit    ferry_stats_series_get_unit     (FerryStatsSeries  *self);

/* Appends a sample taken at @time_us (monotonic, µs). Emits "changed". */
void              ferry_stats_series_push         (FerryStatsSeries  *self,
                                                   gint64             time_us,
                                                   double             value);
/* The latest value, or NAN when there is none. */
double            ferry_stats_series_get_last     (FerryStatsSeries  *self);
gint64            ferry_stats_series_get_last_time (FerryStatsSeries *self);

/* Copies out the samples whose time is within the last @span_us before
 * @now_us, oldest first: from the fine ring when it covers the span,
 * else from the per-minute ring. @times_us and @values get *n_out
 * entries (caller frees with g_free). Returns the resolution used (µs). */
gint64            ferry_stats_series_get_range    (FerryStatsSeries  *self,
                                                   gint64             now_us,
                                                   gint64             span_us,
                                                   gint64           **times_us,
                                                   double           **values,
                                                   guint             *n_out);
/* Largest finite value in the span (0 when none): for axis scales. */
double            ferry_stats_series_get_max      (FerryStatsSeries  *self,
                                                   gint64             now_us,
                                                   gint64             span_us);

/* Formats @value in @unit for axes and read-outs: "42 %", "1.5 GiB",
 * "12.3 MiB/s", "150 /s". */
char             *ferry_stats_format_value        (FerryStatsUnit     unit,
                                                   double             value);

G_END_DECLS
