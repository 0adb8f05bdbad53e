/* ferry-migration-forecast.h — will a pre-copy migration converge, and how long will it take
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  FERRY_MIGRATION_ADVICE_NONE,           /* pre-copy converges: nothing to change */
  FERRY_MIGRATION_ADVICE_AUTO_CONVERGE,  /* slow the guest down until it converges */
  FERRY_MIGRATION_ADVICE_POSTCOPY,       /* will not converge: switch to post-copy */
} FerryMigrationAdvice;

typedef struct
{
  /* inputs */
  guint64  memory_bytes;          /* guest RAM */
  double   dirty_bytes_per_s;     /* measured dirty rate */
  double   bandwidth_bytes_per_s; /* cap, or the link's estimate */
  guint    max_downtime_ms;       /* 0 = 300 */
  /* outputs */
  gboolean converges;
  guint    iterations;            /* pre-copy passes until the final stop */
  double   total_s;               /* estimated duration (pre-copy) */
  double   downtime_ms;           /* estimated final pause */
  double   postcopy_total_s;      /* with post-copy after the first pass */
  FerryMigrationAdvice advice;
} FerryMigrationForecast;

/* Pure: fills the outputs of @forecast from its inputs. */
void        ferry_migration_forecast_compute (FerryMigrationForecast *forecast);
/* A sentence for the dialog: "About 12 s; converges after 4 passes." */
char       *ferry_migration_forecast_describe (const FerryMigrationForecast *forecast);

G_END_DECLS
