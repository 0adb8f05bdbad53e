/* test-stats-series.c — FerryStatsSeries (two rings, per-minute averages,
 * compact storage, formatting) and the pure counter math of
 * ferry-stats-math
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "ferry-test-util.h"

#define MINUTE_US ((gint64) 60 * G_USEC_PER_SEC)
/* A monotonic time well past zero, on a minute boundary. */
#define T0        (1000 * MINUTE_US)
/* Where the average of minute @m after T0 is stamped: its middle. */
#define MINUTE_STAMP(m) (T0 + (m) * MINUTE_US + MINUTE_US / 2)

/* ---------------------------------------------------------------------- */
/* FerryStatsSeries                                                        */

static void
test_series_empty (void)
{
  FerryStatsSeries *series = ferry_stats_series_new ("cpu", FERRY_STATS_UNIT_PERCENT, 10, 10);
  g_autofree gint64 *times = NULL;
  g_autofree double *values = NULL;
  guint n = 99;

  g_assert_cmpstr (ferry_stats_series_get_name (series), ==, "cpu");
  g_assert_cmpint (ferry_stats_series_get_unit (series), ==, FERRY_STATS_UNIT_PERCENT);
  g_assert_true (isnan (ferry_stats_series_get_last (series)));
  g_assert_cmpint (ferry_stats_series_get_last_time (series), ==, 0);
  ferry_stats_series_get_range (series, T0, MINUTE_US, &times, &values, &n);
  g_assert_cmpuint (n, ==, 0);
  g_assert_cmpfloat (ferry_stats_series_get_max (series, T0, MINUTE_US), ==, 0);
  g_assert_finalize_object (series);
}

static void
count_changed (FerryStatsSeries *series,
               guint            *count)
{
  (*count)++;
}

static void
test_series_wrap (void)
{
  FerryStatsSeries *series = ferry_stats_series_new ("x", FERRY_STATS_UNIT_PER_SECOND, 5, 10);
  g_autofree gint64 *times = NULL;
  g_autofree double *values = NULL;
  guint n = 0;
  guint changed = 0;
  gint64 resolution;

  g_signal_connect (series, "changed", G_CALLBACK (count_changed), &changed);
  for (guint i = 0; i < 7; i++)
    ferry_stats_series_push (series, T0 + i * G_USEC_PER_SEC, i);
  g_assert_cmpuint (changed, ==, 7);

  /* A stale or repeated time is dropped, not reordered. */
  ferry_stats_series_push (series, T0 + 3 * G_USEC_PER_SEC, 100);
  ferry_stats_series_push (series, T0 + 6 * G_USEC_PER_SEC, 100);
  g_assert_cmpuint (changed, ==, 7);

  g_assert_cmpfloat (ferry_stats_series_get_last (series), ==, 6);
  g_assert_cmpint (ferry_stats_series_get_last_time (series), ==, T0 + 6 * G_USEC_PER_SEC);

  /* Capacity 5: the two oldest are gone, the rest oldest first. */
  resolution = ferry_stats_series_get_range (series, T0 + 6 * G_USEC_PER_SEC, 10 * G_USEC_PER_SEC,
                                             &times, &values, &n);
  g_assert_cmpuint (n, ==, 5);
  g_assert_cmpint (resolution, ==, G_USEC_PER_SEC);
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpfloat (values[i], ==, i + 2);
      g_assert_cmpint (times[i], ==, T0 + (i + 2) * G_USEC_PER_SEC);
    }
  g_clear_pointer (&times, g_free);
  g_clear_pointer (&values, g_free);

  /* A shorter span: only its samples. */
  ferry_stats_series_get_range (series, T0 + 6 * G_USEC_PER_SEC, 2 * G_USEC_PER_SEC, &times, &values, &n);
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpfloat (values[0], ==, 4);
  g_assert_finalize_object (series);
}

static void
test_series_minutes (void)
{
  FerryStatsSeries *series = ferry_stats_series_new ("x", FERRY_STATS_UNIT_PERCENT, 600, 100);
  g_autofree gint64 *times = NULL;
  g_autofree double *values = NULL;
  guint n = 0;

  /* Minute 0: 0…59 → average 29.5; with a NAN that does not count. */
  for (guint i = 0; i < 60; i++)
    ferry_stats_series_push (series, T0 + i * G_USEC_PER_SEC, i);
  /* Minute 1: only NAN → a NAN minute. */
  ferry_stats_series_push (series, T0 + MINUTE_US, NAN);
  ferry_stats_series_push (series, T0 + MINUTE_US + 30 * G_USEC_PER_SEC, NAN);
  /* Minute 2: 10 and 20 → 15. */
  ferry_stats_series_push (series, T0 + 2 * MINUTE_US, 10);
  ferry_stats_series_push (series, T0 + 2 * MINUTE_US + G_USEC_PER_SEC, NAN);
  ferry_stats_series_push (series, T0 + 2 * MINUTE_US + 2 * G_USEC_PER_SEC, 20);
  /* Minutes 3 and 4 have no sample at all; minute 5 closes minute 2. */
  ferry_stats_series_push (series, T0 + 5 * MINUTE_US, 50);
  /* Minute 6 closes minute 5. */
  ferry_stats_series_push (series, T0 + 6 * MINUTE_US, 60);

  /* The fine ring is not full, so it serves even a long span. */
  g_assert_cmpint (ferry_stats_series_get_range (series, T0 + 6 * MINUTE_US, 60 * MINUTE_US,
                                                 &times, &values, &n), <, MINUTE_US);
  g_assert_cmpuint (n, ==, 67);
  g_assert_true (isnan (values[60]));
  g_clear_pointer (&times, g_free);
  g_clear_pointer (&values, g_free);

  /* Fill the fine ring (capacity 600) so the coarse ring serves 1 h. */
  for (guint i = 1; i < 600; i++)
    ferry_stats_series_push (series, T0 + 6 * MINUTE_US + i * 100000, 60);
  g_assert_cmpint (ferry_stats_series_get_range (series, T0 + 7 * MINUTE_US, 60 * MINUTE_US,
                                                 &times, &values, &n), ==, MINUTE_US);
  /* Minutes 0, 1 (NAN), 2, the gap for 3–4, 5; then the fine samples of
   * minute 6, still open, so the line reaches now. */
  g_assert_cmpuint (n, ==, 5 + 600);
  g_assert_cmpint (times[5], ==, T0 + 6 * MINUTE_US);
  g_assert_cmpfloat (values[5], ==, 60);
  g_assert_cmpint (times[0], ==, MINUTE_STAMP (0));
  g_assert_cmpfloat (values[0], ==, 29.5);
  g_assert_true (isnan (values[1]));
  g_assert_cmpfloat (values[2], ==, 15);
  g_assert_cmpint (times[3], ==, MINUTE_STAMP (3));
  g_assert_true (isnan (values[3]));
  g_assert_cmpint (times[4], ==, MINUTE_STAMP (5));
  g_assert_cmpfloat (values[4], ==, 50);
  g_clear_pointer (&times, g_free);
  g_clear_pointer (&values, g_free);

  /* The fine ring covers the last 60 s: fine resolution there. */
  g_assert_cmpint (ferry_stats_series_get_range (series, T0 + 7 * MINUTE_US, 30 * G_USEC_PER_SEC,
                                                 &times, &values, &n), ==, 100000);
  g_assert_cmpuint (n, ==, 300);

  /* max ignores NAN gaps; over the coarse span it sees minute 0's
   * average (29.5, not the raw 59) and the open minute's 60. */
  g_assert_cmpfloat (ferry_stats_series_get_max (series, T0 + 7 * MINUTE_US, 60 * MINUTE_US), ==, 60);
  g_assert_cmpfloat (ferry_stats_series_get_max (series, T0 + 7 * MINUTE_US, 30 * G_USEC_PER_SEC), ==, 60);
  g_assert_finalize_object (series);
}

static void
test_series_format (void)
{
  struct {
    FerryStatsUnit unit;
    double         value;
    const char    *expected;
  } cases[] = {
    { FERRY_STATS_UNIT_PERCENT, 42.4, "42 %" },
    { FERRY_STATS_UNIT_PERCENT, 4.25, "4.2 %" },
    { FERRY_STATS_UNIT_PERCENT, 0, "0 %" },
    { FERRY_STATS_UNIT_BYTES, 1536.0 * 1024 * 1024, "1.5\u00a0GiB" },
    { FERRY_STATS_UNIT_BYTES, -5, "0 bytes" },
    { FERRY_STATS_UNIT_BYTES_PER_SECOND, 12.5 * 1024 * 1024, "12.5\u00a0MiB/s" },
    { FERRY_STATS_UNIT_PER_SECOND, 150, "150 /s" },
    { FERRY_STATS_UNIT_PER_SECOND, 2.5, "2.5 /s" },
    { FERRY_STATS_UNIT_PERCENT, NAN, "—" },
  };

  /* Sizes come from g_format_size_full (), with a no-break space. */
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = ferry_stats_format_value (cases[i].unit, cases[i].value);

      g_assert_cmpstr (text, ==, cases[i].expected);
    }
}


/* The compact rings: growing storage, wrap-around after growing, values
 * as floats, times as milliseconds moved to a later base after weeks. */
static void
test_series_compact (void)
{
  FerryStatsSeries *series = ferry_stats_series_new ("x", FERRY_STATS_UNIT_BYTES, 100, 10);
  g_autofree gint64 *times = NULL;
  g_autofree double *values = NULL;
  gint64 now = T0;
  guint n = 0;

  /* 8 GiB and a bit: the latest value exactly, the history within a
   * float's 7 digits. */
  ferry_stats_series_push (series, now, 8.0 * 1024 * 1024 * 1024 + 12345);
  g_assert_cmpfloat (ferry_stats_series_get_last (series), ==, 8.0 * 1024 * 1024 * 1024 + 12345);
  ferry_stats_series_get_range (series, now, G_USEC_PER_SEC, &times, &values, &n);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpfloat_with_epsilon (values[0], 8.0 * 1024 * 1024 * 1024 + 12345, 1024);
  g_clear_pointer (&times, g_free);
  g_clear_pointer (&values, g_free);

  /* 250 samples into a ring of 100 (grown 16, 32, 64, 100, then wrapped):
   * the last 100 (the 50 s they cover), oldest first, to the millisecond. */
  for (guint i = 1; i < 250; i++)
    ferry_stats_series_push (series, now + i * 500 * 1000, i);
  ferry_stats_series_get_range (series, now + 249 * 500 * 1000, 50 * G_USEC_PER_SEC, &times, &values, &n);
  g_assert_cmpuint (n, ==, 100);
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpint (times[i], ==, now + (150 + i) * 500 * 1000);
      g_assert_cmpfloat (values[i], ==, 150 + i);
    }
  g_clear_pointer (&times, g_free);
  g_clear_pointer (&values, g_free);

  /* Sub-millisecond parts are dropped; order still holds. */
  ferry_stats_series_push (series, now + 249 * 500 * 1000 + 1700, 1);
  g_assert_cmpint (ferry_stats_series_get_last_time (series), ==, now + 249 * 500 * 1000 + 1000);

  /* Thirty days later (past 2^31 ms after the first sample): still right. */
  now += (gint64) 30 * 24 * 3600 * G_USEC_PER_SEC;
  for (guint i = 0; i < 5; i++)
    ferry_stats_series_push (series, now + i * G_USEC_PER_SEC, 1000 + i);
  g_assert_cmpint (ferry_stats_series_get_last_time (series), ==, now + 4 * G_USEC_PER_SEC);
  ferry_stats_series_get_range (series, now + 4 * G_USEC_PER_SEC, 10 * G_USEC_PER_SEC, &times, &values, &n);
  g_assert_cmpuint (n, ==, 5);
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpint (times[i], ==, now + i * G_USEC_PER_SEC);
      g_assert_cmpfloat (values[i], ==, 1000 + i);
    }
  g_assert_finalize_object (series);
}
/* The axis scale: the largest finite value within the span only; 0 when
 * there is none (only gaps, or nothing above 0). */
static void
test_series_max (void)
{
  FerryStatsSeries *series = ferry_stats_series_new ("x", FERRY_STATS_UNIT_BYTES, 100, 10);

  g_assert_cmpfloat (ferry_stats_series_get_max (series, T0, MINUTE_US), ==, 0);
  ferry_stats_series_push (series, T0, NAN);
  ferry_stats_series_push (series, T0 + G_USEC_PER_SEC, NAN);
  g_assert_cmpfloat (ferry_stats_series_get_max (series, T0 + G_USEC_PER_SEC, MINUTE_US), ==, 0);
  ferry_stats_series_push (series, T0 + 2 * G_USEC_PER_SEC, -5);
  g_assert_cmpfloat (ferry_stats_series_get_max (series, T0 + 2 * G_USEC_PER_SEC, MINUTE_US), ==, 0);

  /* 100 ten seconds ago is out of a 5 s span, in a 20 s one. */
  ferry_stats_series_push (series, T0 + 3 * G_USEC_PER_SEC, 100);
  ferry_stats_series_push (series, T0 + 10 * G_USEC_PER_SEC, 7);
  ferry_stats_series_push (series, T0 + 13 * G_USEC_PER_SEC, 5);
  g_assert_cmpfloat (ferry_stats_series_get_max (series, T0 + 13 * G_USEC_PER_SEC, 5 * G_USEC_PER_SEC), ==, 7);
  g_assert_cmpfloat (ferry_stats_series_get_max (series, T0 + 13 * G_USEC_PER_SEC, 20 * G_USEC_PER_SEC), ==, 100);
  g_assert_finalize_object (series);
}

/* A gap is a sample: announced, the latest value until the next one. */
static void
test_series_gap (void)
{
  FerryStatsSeries *series = ferry_stats_series_new ("x", FERRY_STATS_UNIT_PERCENT, 10, 10);
  g_autofree gint64 *times = NULL;
  g_autofree double *values = NULL;
  guint changed = 0;
  guint n = 0;

  g_signal_connect (series, "changed", G_CALLBACK (count_changed), &changed);
  ferry_stats_series_push (series, T0, 10);
  ferry_stats_series_push (series, T0 + G_USEC_PER_SEC, NAN);
  g_assert_cmpuint (changed, ==, 2);
  g_assert_true (isnan (ferry_stats_series_get_last (series)));
  g_assert_cmpint (ferry_stats_series_get_last_time (series), ==, T0 + G_USEC_PER_SEC);
  ferry_stats_series_push (series, T0 + 2 * G_USEC_PER_SEC, 30);
  g_assert_cmpfloat (ferry_stats_series_get_last (series), ==, 30);

  ferry_stats_series_get_range (series, T0 + 2 * G_USEC_PER_SEC, 10 * G_USEC_PER_SEC, &times, &values, &n);
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpfloat (values[0], ==, 10);
  g_assert_true (isnan (values[1]));
  g_assert_cmpfloat (values[2], ==, 30);

  g_signal_handlers_disconnect_by_data (series, &changed);
  g_assert_finalize_object (series);
}

/* ---------------------------------------------------------------------- */
/* Counter math                                                            */

static void
test_math_rate (void)
{
  double rate = -1;

  g_assert_true (ferry_stats_math_rate (TRUE, 1000, 3000, G_USEC_PER_SEC, &rate));
  g_assert_cmpfloat (rate, ==, 2000);
  g_assert_true (ferry_stats_math_rate (TRUE, 1000, 3000, 2 * G_USEC_PER_SEC, &rate));
  g_assert_cmpfloat (rate, ==, 1000);
  g_assert_true (ferry_stats_math_rate (TRUE, 5, 5, G_USEC_PER_SEC, &rate));
  g_assert_cmpfloat (rate, ==, 0);
  /* Near the top of the range: no overflow. */
  g_assert_true (ferry_stats_math_rate (TRUE, G_MAXUINT64 - 10, G_MAXUINT64, G_USEC_PER_SEC, &rate));
  g_assert_cmpfloat (rate, ==, 10);

  rate = -1;
  /* First sample: no previous counter. */
  g_assert_false (ferry_stats_math_rate (FALSE, 0, 3000, G_USEC_PER_SEC, &rate));
  /* Reset (restart, unplugged disk, wrapped counter): never negative. */
  g_assert_false (ferry_stats_math_rate (TRUE, 3000, 1000, G_USEC_PER_SEC, &rate));
  g_assert_false (ferry_stats_math_rate (TRUE, G_MAXUINT64, 0, G_USEC_PER_SEC, &rate));
  /* No time elapsed (or time going back): no division by zero. */
  g_assert_false (ferry_stats_math_rate (TRUE, 1000, 3000, 0, &rate));
  g_assert_false (ferry_stats_math_rate (TRUE, 1000, 3000, -5, &rate));
  g_assert_cmpfloat (rate, ==, -1);
}

static void
test_math_rate_or_last (void)
{
  double out = -1;

  g_assert_true (ferry_stats_math_rate_or_last (TRUE, 7, 42, &out));
  g_assert_cmpfloat (out, ==, 7);

  /* Migration continuity: the first tick on the new node has no previous
   * counters there; the VM's last known rate is repeated, no gap. */
  g_assert_true (ferry_stats_math_rate_or_last (FALSE, 0, 42, &out));
  g_assert_cmpfloat (out, ==, 42);

  /* A reset after a gap (or a brand-new VM): nothing to push. */
  out = -1;
  g_assert_false (ferry_stats_math_rate_or_last (FALSE, 0, NAN, &out));
  g_assert_cmpfloat (out, ==, -1);
  g_assert_true (ferry_stats_math_rate_or_last (TRUE, NAN, 3, &out));
  g_assert_cmpfloat (out, ==, 3);
}

static void
test_math_cpu_percent (void)
{
  double rate, percent = -1;

  /* 1.5 s of CPU over 1 s of wall time on 2 vCPUs: 75 %; of 16 host
   * CPUs: 9.375 %. */
  g_assert_true (ferry_stats_math_rate (TRUE, 10000000000, 11500000000, G_USEC_PER_SEC, &rate));
  g_assert_true (ferry_stats_math_cpu_percent (rate, 2, &percent));
  g_assert_cmpfloat_with_epsilon (percent, 75, 1e-9);
  g_assert_true (ferry_stats_math_cpu_percent (rate, 16, &percent));
  g_assert_cmpfloat_with_epsilon (percent, 9.375, 1e-9);

  /* Wall-clock jitter: a fully busy vCPU measured over a slightly short
   * interval stays at 100 %. */
  g_assert_true (ferry_stats_math_rate (TRUE, 0, 1000000000, 990000, &rate));
  g_assert_true (ferry_stats_math_cpu_percent (rate, 1, &percent));
  g_assert_cmpfloat (percent, ==, 100);

  percent = -1;
  g_assert_false (ferry_stats_math_cpu_percent (rate, 0, &percent));
  g_assert_false (ferry_stats_math_cpu_percent (NAN, 1, &percent));
  g_assert_cmpfloat (percent, ==, -1);
}

static void
test_math_node_cpu (void)
{
  FerryStatsCpuTimes a = { 0 }, b = { 0 }, c = { 0 }, frozen = { 0 }, util = { 0 };
  double percent = -1;

  ferry_stats_cpu_times_add (&a, "user", 1000);
  ferry_stats_cpu_times_add (&a, "system", 500);
  ferry_stats_cpu_times_add (&a, "idle", 8000);
  ferry_stats_cpu_times_add (&a, "iowait", 500);
  g_assert_true (a.valid);
  g_assert_cmpuint (a.busy, ==, 1500);
  g_assert_cmpuint (a.idle, ==, 8500);

  /* +300 busy, +100 idle, +100 iowait: 60 % busy. */
  ferry_stats_cpu_times_add (&b, "user", 1200);
  ferry_stats_cpu_times_add (&b, "system", 600);
  ferry_stats_cpu_times_add (&b, "idle", 8100);
  ferry_stats_cpu_times_add (&b, "iowait", 600);
  g_assert_true (ferry_stats_math_node_cpu (&a, &b, &percent));
  g_assert_cmpfloat_with_epsilon (percent, 60, 1e-9);

  /* First sample, or counters that went down (host rebooted): unknown. */
  percent = -1;
  g_assert_false (ferry_stats_math_node_cpu (NULL, &a, &percent));
  g_assert_false (ferry_stats_math_node_cpu (&c, &a, &percent));
  ferry_stats_cpu_times_add (&c, "user", 10);
  ferry_stats_cpu_times_add (&c, "idle", 10);
  g_assert_false (ferry_stats_math_node_cpu (&b, &c, &percent));
  g_assert_cmpfloat (percent, ==, -1);

  /* Frozen counters (libvirt's test driver): nothing was busy. */
  frozen = b;
  g_assert_true (ferry_stats_math_node_cpu (&b, &frozen, &percent));
  g_assert_cmpfloat (percent, ==, 0);

  /* A driver that reports a utilization percentage directly. */
  ferry_stats_cpu_times_add (&util, "utilization", 37);
  g_assert_true (ferry_stats_math_node_cpu (NULL, &util, &percent));
  g_assert_cmpfloat (percent, ==, 37);
}

static void
test_math_memory (void)
{
  FerryStatsBalloon balloon = { 0 };
  double used = -1;

  /* Nothing reported (test driver): unknown. */
  g_assert_false (ferry_stats_math_balloon_used (&balloon, &used));
  balloon.have_current = TRUE;
  balloon.current = 98304;
  g_assert_false (ferry_stats_math_balloon_used (&balloon, &used));

  /* What the cluster's guests report: RSS above current is QEMU's own
   * overhead, capped at what the guest has. */
  balloon.have_rss = TRUE;
  balloon.rss = 140920;
  g_assert_true (ferry_stats_math_balloon_used (&balloon, &used));
  g_assert_cmpfloat (used, ==, 98304.0 * 1024);
  balloon.rss = 50000;
  g_assert_true (ferry_stats_math_balloon_used (&balloon, &used));
  g_assert_cmpfloat (used, ==, 50000.0 * 1024);

  /* The guest's own view wins when its balloon driver reports it. */
  balloon.have_available = balloon.have_unused = TRUE;
  balloon.available = 90000;
  balloon.unused = 30000;
  g_assert_true (ferry_stats_math_balloon_used (&balloon, &used));
  g_assert_cmpfloat (used, ==, 60000.0 * 1024);
  balloon.unused = 95000;
  g_assert_true (ferry_stats_math_balloon_used (&balloon, &used));
  g_assert_cmpfloat (used, ==, 0);

  /* Host: total − free − buffers − cached (KiB in, bytes out). */
  g_assert_cmpfloat (ferry_stats_math_node_memory_used (24684084, 22501400, 4416, 546540), ==,
                     (24684084.0 - 22501400 - 4416 - 546540) * 1024);
  g_assert_cmpfloat (ferry_stats_math_node_memory_used (100, 80, 10, 20), ==, 0);
}

/* Which host counters are busy time: everything but idle and iowait. */
static void
test_math_cpu_fields (void)
{
  FerryStatsCpuTimes a = { 0 }, b = { 0 };
  double percent = -1;

  g_assert_false (a.valid);
  ferry_stats_cpu_times_add (&a, "kernel", 100);
  ferry_stats_cpu_times_add (&a, "user", 100);
  ferry_stats_cpu_times_add (&a, "intr", 100);
  ferry_stats_cpu_times_add (&a, "iowait", 100);
  ferry_stats_cpu_times_add (&a, "idle", 600);
  g_assert_cmpuint (a.busy, ==, 300);
  g_assert_cmpuint (a.idle, ==, 700);

  /* A driver with counters and a utilization: the counters win. */
  ferry_stats_cpu_times_add (&b, "kernel", 200);
  ferry_stats_cpu_times_add (&b, "user", 200);
  ferry_stats_cpu_times_add (&b, "intr", 200);
  ferry_stats_cpu_times_add (&b, "iowait", 100);
  ferry_stats_cpu_times_add (&b, "idle", 900);
  ferry_stats_cpu_times_add (&b, "utilization", 99);
  g_assert_true (ferry_stats_math_node_cpu (&a, &b, &percent));
  /* +300 busy of +600 elapsed. */
  g_assert_cmpfloat_with_epsilon (percent, 50, 1e-9);

  /* A reported utilization is clamped to a percentage. */
  memset (&b, 0, sizeof b);
  ferry_stats_cpu_times_add (&b, "utilization", 250);
  g_assert_true (ferry_stats_math_node_cpu (NULL, &b, &percent));
  g_assert_cmpfloat (percent, ==, 100);

  /* Nothing reported at all: unknown. */
  memset (&b, 0, sizeof b);
  percent = -1;
  g_assert_false (ferry_stats_math_node_cpu (&a, &b, &percent));
  g_assert_false (ferry_stats_math_node_cpu (&a, NULL, &percent));
  g_assert_cmpfloat (percent, ==, -1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/stats/series/empty", test_series_empty);
  g_test_add_func ("/stats/series/wrap", test_series_wrap);
  g_test_add_func ("/stats/series/minutes", test_series_minutes);
  g_test_add_func ("/stats/series/compact", test_series_compact);
  g_test_add_func ("/stats/series/format", test_series_format);
  g_test_add_func ("/stats/series/max", test_series_max);
  g_test_add_func ("/stats/series/gap", test_series_gap);
  g_test_add_func ("/stats/math/rate", test_math_rate);
  g_test_add_func ("/stats/math/rate-or-last", test_math_rate_or_last);
  g_test_add_func ("/stats/math/cpu-percent", test_math_cpu_percent);
  g_test_add_func ("/stats/math/node-cpu", test_math_node_cpu);
  g_test_add_func ("/stats/math/cpu-fields", test_math_cpu_fields);
  g_test_add_func ("/stats/math/memory", test_math_memory);

  return g_test_run ();
}
