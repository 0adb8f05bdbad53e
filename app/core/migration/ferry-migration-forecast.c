/* ferry-migration-forecast.c — a model of pre-copy migration
 *
 * Pre-copy sends all memory once, then again what the guest dirtied
 * meanwhile, and so on; QEMU pauses the guest for the last pass when what
 * is left can be sent within the allowed downtime. Each pass lasts
 * remaining ÷ bandwidth and leaves dirty_rate × that behind (never more
 * than all of memory). When the guest dirties as fast as the link sends,
 * the passes never shrink: pre-copy does not converge and only post-copy
 * (or throttling the guest: auto-converge) ends it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "ferry-migration-forecast.h"

#define MAX_PASSES 30
#define DEFAULT_DOWNTIME_MS 300
/* The switch to post-copy and the final stop each cost a few round trips. */
#define POSTCOPY_PAUSE_MS 50

void
ferry_migration_forecast_compute (FerryMigrationForecast *f)
{
  double memory, bandwidth, dirty, downtime_s, remaining, pass_s, total = 0;
  guint passes = 0;

  g_return_if_fail (f != NULL);

  memory = (double) f->memory_bytes;
  bandwidth = MAX (f->bandwidth_bytes_per_s, 1.0);
  dirty = MAX (f->dirty_bytes_per_s, 0.0);
  downtime_s = (f->max_downtime_ms > 0 ? f->max_downtime_ms : DEFAULT_DOWNTIME_MS) / 1000.0;

  f->converges = FALSE;
  remaining = memory;
  while (passes < MAX_PASSES)
    {
      double before = remaining;

      /* Small enough to send while paused: the last pass. */
      if (remaining / bandwidth <= downtime_s)
        {
          f->converges = TRUE;
          break;
        }
      pass_s = remaining / bandwidth;
      total += pass_s;
      passes++;
      remaining = MIN (memory, dirty * pass_s);
      /* Not shrinking by at least 5 % a pass: QEMU would iterate forever. */
      if (remaining >= 0.95 * before)
        break;
    }

  f->iterations = passes;
  if (f->converges)
    {
      f->downtime_ms = remaining / bandwidth * 1000.0;
      f->total_s = total + remaining / bandwidth;
    }
  else
    {
      f->downtime_ms = remaining / bandwidth * 1000.0;
      f->total_s = INFINITY;
    }

  /* Post-copy after one pass: the pages dirtied during it follow on demand. */
  {
    double first = memory / bandwidth;

    f->postcopy_total_s = first + MIN (memory, dirty * first) / bandwidth + POSTCOPY_PAUSE_MS / 1000.0;
  }

  if (!f->converges)
    f->advice = FERRY_MIGRATION_ADVICE_POSTCOPY;
  else if (f->total_s > 3.0 * (memory / bandwidth) + 1.0)
    f->advice = FERRY_MIGRATION_ADVICE_AUTO_CONVERGE;
  else
    f->advice = FERRY_MIGRATION_ADVICE_NONE;
}

static char *
format_seconds (double s)
{
  if (s < 1.0)
    return g_strdup (_("under a second"));
  if (s < 90.0)
    return g_strdup_printf (_("about %.0f s"), s);
  if (s < 5400.0)
    return g_strdup_printf (_("about %.0f min"), s / 60.0);
  return g_strdup_printf (_("about %.1f h"), s / 3600.0);
}

char *
ferry_migration_forecast_describe (const FerryMigrationForecast *f)
{
  g_autofree char *total = NULL;
  g_autofree char *post = NULL;

  g_return_val_if_fail (f != NULL, NULL);

  post = format_seconds (f->postcopy_total_s);
  if (!f->converges)
    return g_strdup_printf (_("Will not converge: the VM dirties memory as fast as the link sends it "
                              "(%.0f of %.0f MiB/s). Post-copy would take %s."),
                            f->dirty_bytes_per_s / (1024.0 * 1024.0),
                            f->bandwidth_bytes_per_s / (1024.0 * 1024.0), post);

  total = format_seconds (f->total_s);
  if (f->advice == FERRY_MIGRATION_ADVICE_AUTO_CONVERGE)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "Slow: %s over %u pass, pause about %.0f ms. "
                                         "Auto-converge or post-copy (%s) would be quicker.",
                                         "Slow: %s over %u passes, pause about %.0f ms. "
                                         "Auto-converge or post-copy (%s) would be quicker.",
                                         f->iterations),
                            total, f->iterations, f->downtime_ms, post);

  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "Takes %s, converges after %u pass; pause about %.0f ms.",
                                       "Takes %s, converges after %u passes; pause about %.0f ms.",
                                       f->iterations),
                          total, f->iterations, f->downtime_ms);
}
