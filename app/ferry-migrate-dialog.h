/* ferry-migrate-dialog.h — where to, how, and will it work: before a migration
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ferry-core-all.h"

G_BEGIN_DECLS

#define FERRY_TYPE_MIGRATE_DIALOG (ferry_migrate_dialog_get_type ())

G_DECLARE_FINAL_TYPE (FerryMigrateDialog, ferry_migrate_dialog, FERRY, MIGRATE_DIALOG, AdwWindow)

/* @vms: FerryVm, all to the same destination; @destination NULL lets the
 * user choose (the keyboard path), else it is preselected (a drop). */
FerryMigrateDialog *ferry_migrate_dialog_new             (FerrySession     *session,
                                      GSettings        *settings,
                                                          GtkWindow        *parent,
                                                          GPtrArray        *vms,
                                                          FerryNode        *destination);
FerryNode          *ferry_migrate_dialog_get_destination (FerryMigrateDialog *self);
/* TRUE once every check has answered and nothing blocks. */
gboolean            ferry_migrate_dialog_get_ready       (FerryMigrateDialog *self);

G_END_DECLS
