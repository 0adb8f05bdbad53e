/* ferry-virt-manager-import.h — virt-manager's saved connections, sorted for import
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* virt-manager keeps the connections of its window in this schema's "uris"
 * key (type "as"). */
#define FERRY_VIRT_MANAGER_CONNECTIONS_SCHEMA "org.virt-manager.virt-manager.connections"

typedef enum
{
  FERRY_IMPORT_STATUS_NEW,        /* valid and not one of Ferry's connections yet */
  FERRY_IMPORT_STATUS_DUPLICATE,  /* Ferry already has this connection */
  FERRY_IMPORT_STATUS_INVALID,    /* refused by Ferry's URI validation */
} FerryImportStatus;

typedef struct
{
  char              *uri;
  char              *name;     /* what Ferry would call it */
  FerryImportStatus  status;
  char              *reason;   /* why it cannot be imported; NULL when new */
} FerryImportCandidate;

void       ferry_import_candidate_free               (FerryImportCandidate  *candidate);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FerryImportCandidate, ferry_import_candidate_free)

/* Reads virt-manager's saved connection URIs through GSettings, from
 * @source (NULL: the default schema source). Returns FALSE when virt-manager's
 * schema is not installed there (or is not the schema Ferry knows); TRUE with
 * the list, possibly empty, otherwise. */
gboolean   ferry_virt_manager_read_uris              (GSettingsSchemaSource *source,
                                                      GStrv                 *uris);

/* Sorts @uris into FerryImportCandidates (a GPtrArray that owns them), in
 * their order: blank entries and repeats dropped, each URI validated, those
 * in @existing_uris (Ferry's connections, compared as Ferry compares them:
 * the same string) marked duplicates. */
GPtrArray *ferry_virt_manager_import_candidates      (const char * const    *uris,
                                                      const char * const    *existing_uris);
guint      ferry_virt_manager_import_count_new       (GPtrArray             *candidates);

G_END_DECLS
