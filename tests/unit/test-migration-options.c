/* test-migration-options.c — presets, validation and the pre-copy forecast
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "ferry-test-util.h"

#define MiB (1024.0 * 1024.0)

static void
test_presets (void)
{
  g_autoptr(FerryMigrationOptions) o = ferry_migration_options_new (FERRY_MIGRATION_PRESET_DEFAULT);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  /* A VM is defined in exactly one place by default. */
  g_assert_true (o->live);
  g_assert_true (o->persistent);
  g_assert_cmpint (ferry_migration_options_get_preset (o), ==, FERRY_MIGRATION_PRESET_DEFAULT);
  g_assert_true (ferry_migration_options_validate (o, &error));

  ferry_migration_options_apply_preset (o, FERRY_MIGRATION_PRESET_BUSY);
  g_assert_true (o->postcopy && o->postcopy_after_precopy && o->auto_converge);
  g_assert_cmpint (ferry_migration_options_get_preset (o), ==, FERRY_MIGRATION_PRESET_BUSY);
  text = ferry_migration_options_describe (o);
  g_assert_nonnull (strstr (text, "post-copy"));

  ferry_migration_options_apply_preset (o, FERRY_MIGRATION_PRESET_FAST);
  g_assert_cmpuint (o->parallel_connections, >=, 2);
  g_assert_cmpint (ferry_migration_options_get_preset (o), ==, FERRY_MIGRATION_PRESET_FAST);

  /* A bandwidth cap is not part of a preset. */
  o->bandwidth_mib = 50;
  g_assert_cmpint (ferry_migration_options_get_preset (o), ==, FERRY_MIGRATION_PRESET_FAST);
  o->compress = TRUE;
  g_assert_cmpint (ferry_migration_options_get_preset (o), ==, FERRY_MIGRATION_PRESET_CUSTOM);
}

static void
test_validate (void)
{
  g_autoptr(FerryMigrationOptions) o = ferry_migration_options_new (FERRY_MIGRATION_PRESET_DEFAULT);
  g_autoptr(FerryMigrationOptions) copy = NULL;
  GError *error = NULL;

  o->tunnelled = TRUE;
  g_assert_false (ferry_migration_options_validate (o, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  o->peer_to_peer = TRUE;
  g_assert_true (ferry_migration_options_validate (o, NULL));
  o->storage = FERRY_MIGRATION_STORAGE_COPY_ALL;
  g_assert_false (ferry_migration_options_validate (o, NULL));

  ferry_migration_options_apply_preset (o, FERRY_MIGRATION_PRESET_BUSY);
  o->tunnelled = o->peer_to_peer = FALSE;
  o->live = FALSE;
  g_assert_false (ferry_migration_options_validate (o, &error));
  g_clear_error (&error);
  ferry_migration_options_apply_preset (o, FERRY_MIGRATION_PRESET_DEFAULT);
  g_assert_true (ferry_migration_options_validate (o, NULL));

  o->live = TRUE;
  o->postcopy_after_precopy = TRUE;
  g_assert_false (ferry_migration_options_validate (o, NULL));

  copy = ferry_migration_options_copy (o);
  g_assert_true (copy->postcopy_after_precopy);
}

static void
test_forecast_idle (void)
{
  FerryMigrationForecast f = { 0 };
  g_autofree char *text = NULL;

  /* 1 GiB, nothing dirtied, 100 MiB/s: one pass of ~10 s. */
  f.memory_bytes = 1024 * (guint64) MiB;
  f.bandwidth_bytes_per_s = 100 * MiB;
  f.dirty_bytes_per_s = 0;
  ferry_migration_forecast_compute (&f);
  g_assert_true (f.converges);
  g_assert_cmpuint (f.iterations, ==, 1);
  g_assert_cmpfloat_with_epsilon (f.total_s, 10.24, 0.01);
  g_assert_cmpfloat (f.downtime_ms, <=, 300);
  g_assert_cmpint (f.advice, ==, FERRY_MIGRATION_ADVICE_NONE);
  text = ferry_migration_forecast_describe (&f);
  g_assert_nonnull (strstr (text, "converges after 1 pass"));
}

static void
test_forecast_converging (void)
{
  FerryMigrationForecast f = { 0 };

  /* Dirtying at 20 % of the link: each pass a fifth of the previous. */
  f.memory_bytes = 1024 * (guint64) MiB;
  f.bandwidth_bytes_per_s = 100 * MiB;
  f.dirty_bytes_per_s = 20 * MiB;
  ferry_migration_forecast_compute (&f);
  g_assert_true (f.converges);
  g_assert_cmpuint (f.iterations, ==, 3);
  g_assert_cmpfloat (f.total_s, >, 10.24);
  g_assert_cmpfloat (f.total_s, <, 13.0);
  g_assert_cmpfloat (f.downtime_ms, <=, 300);
}

static void
test_forecast_not_converging (void)
{
  FerryMigrationForecast f = { 0 };
  g_autofree char *text = NULL;

  /* PLATFORM.md's case: 384 MiB, rewriting 128 MiB faster than 50 MiB/s. */
  f.memory_bytes = 384 * (guint64) MiB;
  f.bandwidth_bytes_per_s = 50 * MiB;
  f.dirty_bytes_per_s = 80 * MiB;
  ferry_migration_forecast_compute (&f);
  g_assert_false (f.converges);
  g_assert_true (isinf (f.total_s));
  g_assert_cmpint (f.advice, ==, FERRY_MIGRATION_ADVICE_POSTCOPY);
  g_assert_cmpfloat (f.postcopy_total_s, >, 7.68);
  g_assert_cmpfloat (f.postcopy_total_s, <, 20);
  text = ferry_migration_forecast_describe (&f);
  g_assert_nonnull (strstr (text, "Will not converge"));

  /* Just under the link's speed: converges only after many slow passes. */
  f.dirty_bytes_per_s = 45 * MiB;
  ferry_migration_forecast_compute (&f);
  g_assert_cmpint (f.advice, !=, FERRY_MIGRATION_ADVICE_NONE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/migration-options/presets", test_presets);
  g_test_add_func ("/migration-options/validate", test_validate);
  g_test_add_func ("/migration-forecast/idle", test_forecast_idle);
  g_test_add_func ("/migration-forecast/converging", test_forecast_converging);
  g_test_add_func ("/migration-forecast/not-converging", test_forecast_not_converging);

  return g_test_run ();
}
