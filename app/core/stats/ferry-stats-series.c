/* ferry-stats-series.c — one metric's history at two resolutions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "ferry-stats-series.h"

#define MINUTE_US (60 * G_USEC_PER_SEC)

/* One resolution's samples, oldest first from @start. Compact, because a
 * client with thousands of VMs keeps a few of these per VM: times as
 * milliseconds after @base_us (a day's ring spans 86 400 000 of them),
 * values as floats (7 significant digits, more than a graph shows), 8
 * bytes a sample instead of 16. Storage grows with the samples (doubling
 * up to @capacity): a VM seen for a minute holds a minute's worth. */
typedef struct
{
  gint64   base_us;
  guint32 *offsets_ms;
  float   *values;
  guint    capacity;   /* samples kept at most */
  guint    allocated;  /* samples there is room for now */
  guint    start;      /* index of the oldest sample */
  guint    len;
} Ring;

#define RING_FIRST_ALLOCATION 16
/* Offsets past this are moved back (the base moves forward). */
#define RING_REBASE_MS        ((guint32) G_MAXINT32)

struct _FerryStatsSeries
{
  GObject         parent_instance;

  char           *name;
  FerryStatsUnit  unit;
  Ring            fine;
  Ring            coarse;

  /* The latest sample as it came (the rings keep floats): read-outs and
   * sums of current values stay exact. */
  double          last;

  /* The minute being averaged into the coarse ring. */
  gint64          minute;
  double          minute_sum;
  guint           minute_count;
};

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (FerryStatsSeries, ferry_stats_series, G_TYPE_OBJECT)

/* Storage comes with the first sample: a VM that never reports a value
 * (shut off, or a driver without statistics) costs a few bytes. */
static void
ring_init (Ring  *ring,
           guint  capacity)
{
  memset (ring, 0, sizeof *ring);
  ring->capacity = MAX (capacity, 1);
}

static void
ring_clear (Ring *ring)
{
  g_clear_pointer (&ring->offsets_ms, g_free);
  g_clear_pointer (&ring->values, g_free);
  ring->allocated = ring->len = ring->start = 0;
}

static guint
ring_index (const Ring *ring,
            guint       i)
{
  /* Until the ring is full it has not wrapped: start is 0. */
  return (ring->start + i) % ring->allocated;
}

static gint64
ring_time (const Ring *ring,
           guint       i)
{
  return ring->base_us + (gint64) ring->offsets_ms[ring_index (ring, i)] * 1000;
}

static double
ring_value (const Ring *ring,
            guint       i)
{
  return ring->values[ring_index (ring, i)];
}

static void
ring_push (Ring   *ring,
           gint64  time_us,
           double  value)
{
  gint64 offset_ms;
  guint index;

  if (ring->len == 0)
    ring->base_us = time_us;
  offset_ms = (time_us - ring->base_us) / 1000;
  if (offset_ms >= RING_REBASE_MS)
    {
      /* Weeks of samples: count from the oldest one kept instead. */
      guint32 shift = ring->offsets_ms[ring_index (ring, 0)];

      for (guint i = 0; i < ring->len; i++)
        ring->offsets_ms[ring_index (ring, i)] -= shift;
      ring->base_us += (gint64) shift * 1000;
      offset_ms -= shift;
    }

  if (ring->len == ring->allocated && ring->allocated < ring->capacity)
    {
      ring->allocated = ring->allocated == 0 ? MIN (RING_FIRST_ALLOCATION, ring->capacity)
                                             : MIN (ring->allocated * 2, ring->capacity);
      ring->offsets_ms = g_renew (guint32, ring->offsets_ms, ring->allocated);
      ring->values = g_renew (float, ring->values, ring->allocated);
    }
  if (ring->len < ring->allocated)
    {
      index = ring->start + ring->len;   /* not wrapped yet: start is 0 */
      ring->len++;
    }
  else
    {
      index = ring->start;
      ring->start = (ring->start + 1) % ring->allocated;
    }
  ring->offsets_ms[index] = (guint32) CLAMP (offset_ms, 0, G_MAXUINT32);
  ring->values[index] = (float) value;
}

FerryStatsSeries *
ferry_stats_series_new (const char     *name,
                        FerryStatsUnit  unit,
                        guint           fine_capacity,
                        guint           coarse_capacity)
{
  FerryStatsSeries *self = g_object_new (FERRY_TYPE_STATS_SERIES, NULL);

  self->name = g_strdup (name);
  self->unit = unit;
  ring_init (&self->fine, fine_capacity);
  ring_init (&self->coarse, coarse_capacity);
  self->minute = -1;
  return self;
}

const char *
ferry_stats_series_get_name (FerryStatsSeries *self)
{
  g_return_val_if_fail (FERRY_IS_STATS_SERIES (self), NULL);
  return self->name;
}

FerryStatsUnit
ferry_stats_series_get_unit (FerryStatsSeries *self)
{
  g_return_val_if_fail (FERRY_IS_STATS_SERIES (self), FERRY_STATS_UNIT_PERCENT);
  return self->unit;
}

static void
close_minute (FerryStatsSeries *self)
{
  if (self->minute < 0)
    return;
  /* A minute without a single value is a gap, not a zero. */
  /* Stamped at the middle of its minute, where the average belongs. */
  ring_push (&self->coarse, self->minute * MINUTE_US + MINUTE_US / 2,
             self->minute_count > 0 ? self->minute_sum / self->minute_count : NAN);
}

void
ferry_stats_series_push (FerryStatsSeries *self,
                         gint64            time_us,
                         double            value)
{
  gint64 minute;

  g_return_if_fail (FERRY_IS_STATS_SERIES (self));

  /* Time only moves forward; a stale sample is dropped, not reordered. */
  if (self->fine.len > 0 &&
      time_us <= ring_time (&self->fine, self->fine.len - 1))
    return;

  ring_push (&self->fine, time_us, value);
  self->last = value;

  minute = time_us / MINUTE_US;
  if (minute != self->minute)
    {
      close_minute (self);
      /* Minutes without any sample (the node was away) are a gap too:
       * one NAN keeps the line from bridging them. */
      if (self->minute >= 0 && minute > self->minute + 1)
        ring_push (&self->coarse, (self->minute + 1) * MINUTE_US + MINUTE_US / 2, NAN);
      self->minute = minute;
      self->minute_sum = 0;
      self->minute_count = 0;
    }
  if (isfinite (value))
    {
      self->minute_sum += value;
      self->minute_count++;
    }

  g_signal_emit (self, signals[CHANGED], 0);
}

double
ferry_stats_series_get_last (FerryStatsSeries *self)
{
  g_return_val_if_fail (FERRY_IS_STATS_SERIES (self), NAN);

  if (self->fine.len == 0)
    return NAN;
  return self->last;
}

gint64
ferry_stats_series_get_last_time (FerryStatsSeries *self)
{
  g_return_val_if_fail (FERRY_IS_STATS_SERIES (self), 0);

  if (self->fine.len == 0)
    return 0;
  return ring_time (&self->fine, self->fine.len - 1);
}

static void
copy_range (const Ring *ring,
            gint64      from_us,
            gint64    **times_us,
            double    **values,
            guint      *n_out)
{
  guint first = 0;

  while (first < ring->len && ring_time (ring, first) < from_us)
    first++;

  *n_out = ring->len - first;
  *times_us = g_new (gint64, MAX (*n_out, 1));
  *values = g_new (double, MAX (*n_out, 1));
  for (guint i = 0; i < *n_out; i++)
    {
      (*times_us)[i] = ring_time (ring, first + i);
      (*values)[i] = ring_value (ring, first + i);
    }
}

gint64
ferry_stats_series_get_range (FerryStatsSeries  *self,
                              gint64             now_us,
                              gint64             span_us,
                              gint64           **times_us,
                              double           **values,
                              guint             *n_out)
{
  gint64 from = now_us - span_us;
  gint64 interval = G_USEC_PER_SEC;
  g_autofree gint64 *tail_times = NULL;
  g_autofree double *tail_values = NULL;
  guint tail_n = 0;
  gint64 tail_from;

  g_return_val_if_fail (FERRY_IS_STATS_SERIES (self), 0);
  g_return_val_if_fail (times_us != NULL && values != NULL && n_out != NULL, 0);

  if (self->fine.len >= 2)
    interval = (ring_time (&self->fine, self->fine.len - 1) - ring_time (&self->fine, 0)) / (self->fine.len - 1);

  /* The fine ring serves the span when it reaches back far enough (600
   * samples at 1 s reach back 599 s: "10 minutes" within one interval),
   * or when there are no per-minute averages yet (the app just started). */
  if (self->fine.len == 0 ||
      ring_time (&self->fine, 0) <= from + interval ||
      self->fine.len < self->fine.capacity ||
      self->coarse.len == 0)
    {
      copy_range (&self->fine, from, times_us, values, n_out);
      return interval;
    }

  /* Per-minute averages, then the fine samples of the minute in progress
   * so the line reaches now. */
  copy_range (&self->coarse, from, times_us, values, n_out);
  tail_from = self->minute * MINUTE_US;
  copy_range (&self->fine, tail_from, &tail_times, &tail_values, &tail_n);
  if (tail_n > 0)
    {
      *times_us = g_renew (gint64, *times_us, *n_out + tail_n);
      *values = g_renew (double, *values, *n_out + tail_n);
      memcpy (*times_us + *n_out, tail_times, tail_n * sizeof (gint64));
      memcpy (*values + *n_out, tail_values, tail_n * sizeof (double));
      *n_out += tail_n;
    }
  return MINUTE_US;
}

double
ferry_stats_series_get_max (FerryStatsSeries *self,
                            gint64            now_us,
                            gint64            span_us)
{
  g_autofree gint64 *times = NULL;
  g_autofree double *values = NULL;
  double max = 0;
  guint n = 0;

  g_return_val_if_fail (FERRY_IS_STATS_SERIES (self), 0);

  ferry_stats_series_get_range (self, now_us, span_us, &times, &values, &n);
  for (guint i = 0; i < n; i++)
    if (isfinite (values[i]) && values[i] > max)
      max = values[i];
  return max;
}

char *
ferry_stats_format_value (FerryStatsUnit unit,
                          double         value)
{
  g_autofree char *size = NULL;

  if (!isfinite (value))
    return g_strdup ("—");

  switch (unit)
    {
    case FERRY_STATS_UNIT_PERCENT:
      return value < 10 && value > 0 ? g_strdup_printf ("%.1f %%", value) : g_strdup_printf ("%.0f %%", value);
    case FERRY_STATS_UNIT_BYTES:
      return g_format_size_full ((guint64) MAX (value, 0), G_FORMAT_SIZE_IEC_UNITS);
    case FERRY_STATS_UNIT_BYTES_PER_SECOND:
      size = g_format_size_full ((guint64) MAX (value, 0), G_FORMAT_SIZE_IEC_UNITS);
      /* Translators: a rate, e.g. "12.3 MiB/s" */
      return g_strdup_printf (_("%s/s"), size);
    case FERRY_STATS_UNIT_PER_SECOND:
    default:
      /* Translators: operations per second, e.g. "150 /s" */
      return value < 10 && value > 0 ? g_strdup_printf (_("%.1f /s"), value) : g_strdup_printf (_("%.0f /s"), value);
    }
}

static void
ferry_stats_series_finalize (GObject *object)
{
  FerryStatsSeries *self = FERRY_STATS_SERIES (object);

  ring_clear (&self->fine);
  ring_clear (&self->coarse);
  g_free (self->name);

  G_OBJECT_CLASS (ferry_stats_series_parent_class)->finalize (object);
}

static void
ferry_stats_series_class_init (FerryStatsSeriesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ferry_stats_series_finalize;

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
ferry_stats_series_init (FerryStatsSeries *self)
{
}
