/* ferry-stats-math.c — turning raw libvirt counters into rates and shares
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "ferry-stats-math.h"

gboolean
ferry_stats_math_rate (gboolean  have_prev,
                       guint64   prev,
                       guint64   cur,
                       gint64    dt_us,
                       double   *rate)
{
  if (!have_prev || dt_us <= 0 || cur < prev)
    return FALSE;
  *rate = (double) (cur - prev) * G_USEC_PER_SEC / (double) dt_us;
  return TRUE;
}

gboolean
ferry_stats_math_rate_or_last (gboolean  ok,
                               double    value,
                               double    last,
                               double   *out)
{
  if (ok && isfinite (value))
    {
      *out = value;
      return TRUE;
    }
  if (isfinite (last))
    {
      *out = last;
      return TRUE;
    }
  return FALSE;
}

gboolean
ferry_stats_math_cpu_percent (double  ns_per_s,
                              guint   n_cpus,
                              double *percent)
{
  if (n_cpus == 0 || !isfinite (ns_per_s))
    return FALSE;
  *percent = CLAMP (ns_per_s / 1e9 / n_cpus * 100.0, 0.0, 100.0);
  return TRUE;
}

void
ferry_stats_cpu_times_add (FerryStatsCpuTimes *times,
                           const char         *field,
                           guint64             value)
{
  times->valid = TRUE;
  if (g_str_equal (field, "utilization"))
    {
      times->have_utilization = TRUE;
      times->utilization = (double) value;
    }
  else if (g_str_equal (field, "idle") || g_str_equal (field, "iowait"))
    times->idle += value;
  else
    times->busy += value;
}

gboolean
ferry_stats_math_node_cpu (const FerryStatsCpuTimes *prev,
                           const FerryStatsCpuTimes *cur,
                           double                   *percent)
{
  guint64 busy, total;

  if (cur == NULL || !cur->valid)
    return FALSE;
  if (cur->have_utilization && cur->busy == 0 && cur->idle == 0)
    {
      *percent = CLAMP (cur->utilization, 0.0, 100.0);
      return TRUE;
    }
  if (prev == NULL || !prev->valid || cur->busy < prev->busy || cur->idle < prev->idle)
    return FALSE;

  busy = cur->busy - prev->busy;
  total = busy + (cur->idle - prev->idle);
  *percent = total > 0 ? CLAMP (100.0 * (double) busy / (double) total, 0.0, 100.0) : 0.0;
  return TRUE;
}

gboolean
ferry_stats_math_balloon_used (const FerryStatsBalloon *balloon,
                               double                  *used_bytes)
{
  double kib;

  if (balloon->have_available && balloon->have_unused)
    kib = balloon->available > balloon->unused ? (double) (balloon->available - balloon->unused) : 0;
  else if (balloon->have_rss)
    kib = balloon->have_current ? (double) MIN (balloon->rss, balloon->current) : (double) balloon->rss;
  else
    return FALSE;

  *used_bytes = kib * 1024.0;
  return TRUE;
}

double
ferry_stats_math_node_memory_used (guint64 total_kib,
                                   guint64 free_kib,
                                   guint64 buffers_kib,
                                   guint64 cached_kib)
{
  guint64 unused = free_kib + buffers_kib + cached_kib;

  return unused >= total_kib ? 0.0 : (double) (total_kib - unused) * 1024.0;
}
