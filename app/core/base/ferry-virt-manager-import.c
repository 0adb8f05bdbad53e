/* ferry-virt-manager-import.c — virt-manager's saved connections, sorted for import
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * virt-manager lists the connections of its window in GSettings. Reading them
 * goes through the schema source: when virt-manager is not installed its
 * schema is not either, and GSettings would abort on an unknown schema, so
 * the schema is looked up first and its "uris" key checked before anything
 * is read. What virt-manager saved is user data from another program: each
 * URI goes through Ferry's own validation before it is offered.
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ferry-uri.h"
#include "ferry-virt-manager-import.h"

void
ferry_import_candidate_free (FerryImportCandidate *candidate)
{
  if (candidate == NULL)
    return;
  g_free (candidate->uri);
  g_free (candidate->name);
  g_free (candidate->reason);
  g_free (candidate);
}

gboolean
ferry_virt_manager_read_uris (GSettingsSchemaSource *source,
                              GStrv                 *uris)
{
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettingsSchemaKey) key = NULL;
  g_autoptr(GSettings) settings = NULL;

  g_return_val_if_fail (uris != NULL, FALSE);

  *uris = NULL;
  if (source == NULL)
    source = g_settings_schema_source_get_default ();
  if (source == NULL)
    return FALSE;

  schema = g_settings_schema_source_lookup (source, FERRY_VIRT_MANAGER_CONNECTIONS_SCHEMA, TRUE);
  /* A relocatable schema, or one without a string-array "uris", is not the
   * one virt-manager writes: reading it would abort in GSettings. */
  if (schema == NULL ||
      g_settings_schema_get_path (schema) == NULL ||
      !g_settings_schema_has_key (schema, "uris"))
    return FALSE;
  key = g_settings_schema_get_key (schema, "uris");
  if (!g_variant_type_equal (g_settings_schema_key_get_value_type (key), G_VARIANT_TYPE_STRING_ARRAY))
    return FALSE;

  settings = g_settings_new_full (schema, NULL, NULL);
  *uris = g_settings_get_strv (settings, "uris");
  return TRUE;
}

GPtrArray *
ferry_virt_manager_import_candidates (const char * const *uris,
                                      const char * const *existing_uris)
{
  g_autoptr(GPtrArray) candidates =
    g_ptr_array_new_with_free_func ((GDestroyNotify) ferry_import_candidate_free);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; uris != NULL && uris[i] != NULL; i++)
    {
      g_autofree char *uri = g_strstrip (g_strdup (uris[i]));
      g_autoptr(GError) error = NULL;
      FerryImportCandidate *candidate;

      if (*uri == '\0' || g_hash_table_contains (seen, uri))
        continue;
      g_hash_table_add (seen, g_strdup (uri));

      candidate = g_new0 (FerryImportCandidate, 1);
      if (!ferry_uri_validate (uri, &error))
        {
          candidate->status = FERRY_IMPORT_STATUS_INVALID;
          candidate->reason = g_strdup (error->message);
        }
      else if (existing_uris != NULL && g_strv_contains (existing_uris, uri))
        {
          candidate->status = FERRY_IMPORT_STATUS_DUPLICATE;
          candidate->reason = g_strdup (_("Already one of Ferry’s connections"));
        }
      else
        {
          candidate->status = FERRY_IMPORT_STATUS_NEW;
        }
      candidate->name = ferry_uri_display_name (uri);
      if (candidate->name == NULL)
        candidate->name = g_strdup (uri);
      candidate->uri = g_steal_pointer (&uri);
      g_ptr_array_add (candidates, candidate);
    }

  return g_steal_pointer (&candidates);
}

guint
ferry_virt_manager_import_count_new (GPtrArray *candidates)
{
  guint n = 0;

  g_return_val_if_fail (candidates != NULL, 0);

  for (guint i = 0; i < candidates->len; i++)
    {
      FerryImportCandidate *candidate = g_ptr_array_index (candidates, i);

      if (candidate->status == FERRY_IMPORT_STATUS_NEW)
        n++;
    }
  return n;
}
