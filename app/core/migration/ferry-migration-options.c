/* ferry-migration-options.c — how one migration is to be done
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "ferry-migration-options.h"

G_DEFINE_BOXED_TYPE (FerryMigrationOptions, ferry_migration_options,
                     ferry_migration_options_copy, ferry_migration_options_free)

FerryMigrationOptions *
ferry_migration_options_new (FerryMigrationPreset preset)
{
  FerryMigrationOptions *self = g_new0 (FerryMigrationOptions, 1);

  self->live = TRUE;
  self->storage = FERRY_MIGRATION_STORAGE_SHARED;
  /* A VM must be defined in exactly one place. */
  self->persistent = TRUE;
  ferry_migration_options_apply_preset (self, preset);
  return self;
}

FerryMigrationOptions *
ferry_migration_options_copy (const FerryMigrationOptions *self)
{
  return g_memdup2 (self, sizeof *self);
}

void
ferry_migration_options_free (FerryMigrationOptions *self)
{
  g_free (self);
}

void
ferry_migration_options_apply_preset (FerryMigrationOptions *self,
                                      FerryMigrationPreset   preset)
{
  g_return_if_fail (self != NULL);

  switch (preset)
    {
    case FERRY_MIGRATION_PRESET_DEFAULT:
    case FERRY_MIGRATION_PRESET_CUSTOM:
      self->max_downtime_ms = 0;
      self->auto_converge = FALSE;
      self->postcopy = FALSE;
      self->postcopy_after_precopy = FALSE;
      self->parallel_connections = 0;
      self->compress = FALSE;
      break;

    case FERRY_MIGRATION_PRESET_FAST:
      /* An idle VM on a fast network: several streams fill the link. */
      self->max_downtime_ms = 0;
      self->auto_converge = FALSE;
      self->postcopy = FALSE;
      self->postcopy_after_precopy = FALSE;
      self->parallel_connections = 4;
      self->compress = FALSE;
      break;

    case FERRY_MIGRATION_PRESET_BUSY:
      /* A VM that dirties memory faster than the link: one pre-copy pass,
       * then the VM runs on the destination and fetches the rest (bounded
       * time, pause of a few ms); auto-converge throttles it if post-copy
       * cannot start. */
      self->max_downtime_ms = 300;
      self->auto_converge = TRUE;
      self->postcopy = TRUE;
      self->postcopy_after_precopy = TRUE;
      self->parallel_connections = 0;
      self->compress = FALSE;
      break;

    default:
      g_return_if_reached ();
    }
}

FerryMigrationPreset
ferry_migration_options_get_preset (const FerryMigrationOptions *self)
{
  static const FerryMigrationPreset presets[] = {
    FERRY_MIGRATION_PRESET_DEFAULT, FERRY_MIGRATION_PRESET_FAST, FERRY_MIGRATION_PRESET_BUSY,
  };

  g_return_val_if_fail (self != NULL, FERRY_MIGRATION_PRESET_CUSTOM);

  for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
    {
      FerryMigrationOptions probe = *self;

      ferry_migration_options_apply_preset (&probe, presets[i]);
      if (probe.max_downtime_ms == self->max_downtime_ms &&
          probe.auto_converge == self->auto_converge &&
          probe.postcopy == self->postcopy &&
          probe.postcopy_after_precopy == self->postcopy_after_precopy &&
          probe.parallel_connections == self->parallel_connections &&
          probe.compress == self->compress)
        return presets[i];
    }
  return FERRY_MIGRATION_PRESET_CUSTOM;
}

gboolean
ferry_migration_options_validate (const FerryMigrationOptions *self,
                                  GError                     **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (self->tunnelled && !self->peer_to_peer)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("A tunnelled migration must be peer-to-peer."));
      return FALSE;
    }
  if (!self->live && (self->postcopy || self->auto_converge || self->parallel_connections > 1 ||
                      self->compress || self->max_downtime_ms > 0))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Post-copy, auto-converge, parallel connections, compression and "
                             "downtime apply to a running VM only."));
      return FALSE;
    }
  if (self->postcopy_after_precopy && !self->postcopy)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Switching to post-copy after the first pass needs post-copy."));
      return FALSE;
    }
  if (self->tunnelled && (self->parallel_connections > 1 || self->storage != FERRY_MIGRATION_STORAGE_SHARED))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("A tunnelled migration cannot use parallel connections or copy storage."));
      return FALSE;
    }
  if (self->parallel_connections > 255)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("At most 255 parallel connections."));
      return FALSE;
    }
  if (self->max_downtime_ms > 60000)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("The maximum downtime must be under a minute."));
      return FALSE;
    }
  return TRUE;
}

char *
ferry_migration_options_describe (const FerryMigrationOptions *self)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (self != NULL, NULL);

  g_ptr_array_add (parts, g_strdup (self->live ? _("live") : _("offline")));
  if (self->storage == FERRY_MIGRATION_STORAGE_COPY_ALL)
    g_ptr_array_add (parts, g_strdup (_("copy disks")));
  else if (self->storage == FERRY_MIGRATION_STORAGE_COPY_INC)
    g_ptr_array_add (parts, g_strdup (_("copy disks (incremental)")));
  if (self->bandwidth_mib > 0)
    g_ptr_array_add (parts, g_strdup_printf (_("%llu MiB/s"), (unsigned long long) self->bandwidth_mib));
  if (self->max_downtime_ms > 0)
    g_ptr_array_add (parts, g_strdup_printf (_("downtime ≤ %u ms"), self->max_downtime_ms));
  if (self->auto_converge)
    g_ptr_array_add (parts, g_strdup (_("auto-converge")));
  if (self->postcopy_after_precopy)
    g_ptr_array_add (parts, g_strdup (_("post-copy after first pass")));
  else if (self->postcopy)
    g_ptr_array_add (parts, g_strdup (_("post-copy allowed")));
  if (self->parallel_connections > 1)
    g_ptr_array_add (parts, g_strdup_printf (_("%u connections"), self->parallel_connections));
  if (self->compress)
    g_ptr_array_add (parts, g_strdup (_("compressed")));
  if (self->tunnelled)
    g_ptr_array_add (parts, g_strdup (_("tunnelled")));
  else if (self->peer_to_peer)
    g_ptr_array_add (parts, g_strdup (_("peer-to-peer")));
  if (!self->persistent)
    g_ptr_array_add (parts, g_strdup (_("transient on destination")));
  g_ptr_array_add (parts, NULL);

  return g_strjoinv (", ", (char **) parts->pdata);
}

const char *
ferry_migration_preset_to_string (FerryMigrationPreset preset)
{
  switch (preset)
    {
    case FERRY_MIGRATION_PRESET_DEFAULT: return _("Default");
    case FERRY_MIGRATION_PRESET_FAST:    return _("Fast");
    case FERRY_MIGRATION_PRESET_BUSY:    return _("Busy VM");
    case FERRY_MIGRATION_PRESET_CUSTOM:  return _("Custom");
    default:                             return "";
    }
}
