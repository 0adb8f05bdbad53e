/* ferry-stats-math.h — turning raw libvirt counters into rates and shares
 *
 * Pure arithmetic on plain numbers: no GObject, no libvirt, so that every
 * rule (counter resets, migrations, zero intervals) is unit-tested with
 * synthetic samples.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Per second of a monotonic counter between two samples @dt_us apart.
 * FALSE when it cannot be known: no previous sample, no time elapsed, or
 * the counter went down (the domain restarted, a disk was unplugged). */
gboolean ferry_stats_math_rate           (gboolean  have_prev,
                                          guint64   prev,
                                          guint64   cur,
                                          gint64    dt_us,
                                          double   *rate);

/* What goes into a series for a rate: @value when @ok, else the last
 * known value (@last, NAN if none) so that a reset or a migration to
 * another node neither spikes nor leaves a gap. FALSE: nothing to push. */
gboolean ferry_stats_math_rate_or_last   (gboolean  ok,
                                          double    value,
                                          double    last,
                                          double   *out);

/* CPU time consumed at @ns_per_s (ns of CPU per s of wall time) as a
 * percentage of @n_cpus CPUs, clamped to 0…100 (wall-clock jitter around
 * the RPC would otherwise show 103 % for a busy guest). FALSE if
 * @n_cpus is 0. */
gboolean ferry_stats_math_cpu_percent    (double    ns_per_s,
                                          guint     n_cpus,
                                          double   *percent);

/* A host's CPU time counters (virNodeGetCPUStats, all CPUs), in ns. */
typedef struct
{
  gboolean valid;
  guint64  busy;                 /* user, kernel, system, intr, … */
  guint64  idle;                 /* idle + iowait */
  gboolean have_utilization;
  double   utilization;          /* drivers that report a percentage */
} FerryStatsCpuTimes;

void     ferry_stats_cpu_times_add       (FerryStatsCpuTimes       *times,
                                          const char               *field,
                                          guint64                   value);
/* The non-idle share of the CPU time that elapsed between two samples.
 * Counters that went down: FALSE. Counters that did not move at all
 * (libvirt's test driver reports constants): 0 %, nothing was busy. */
gboolean ferry_stats_math_node_cpu       (const FerryStatsCpuTimes *prev,
                                          const FerryStatsCpuTimes *cur,
                                          double                   *percent);

/* A domain's balloon statistics, in KiB as libvirt reports them. */
typedef struct
{
  gboolean have_current, have_available, have_unused, have_rss;
  guint64  current, available, unused, rss;
} FerryStatsBalloon;

/* Memory the guest uses, in bytes: available − unused when the guest's
 * balloon driver reports them, else the QEMU process's RSS capped at the
 * guest's current memory (RSS includes QEMU's own overhead). */
gboolean ferry_stats_math_balloon_used   (const FerryStatsBalloon  *balloon,
                                          double                   *used_bytes);

/* A host's used memory in bytes from virNodeGetMemoryStats (KiB):
 * total − free − buffers − cached, never below 0. */
double   ferry_stats_math_node_memory_used (guint64 total_kib,
                                            guint64 free_kib,
                                            guint64 buffers_kib,
                                            guint64 cached_kib);

G_END_DECLS
