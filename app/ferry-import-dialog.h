/* ferry-import-dialog.h — import virt-manager's saved connections
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ferry-core-all.h"

G_BEGIN_DECLS

#define FERRY_TYPE_IMPORT_DIALOG (ferry_import_dialog_get_type ())

G_DECLARE_FINAL_TYPE (FerryImportDialog, ferry_import_dialog, FERRY, IMPORT_DIALOG, AdwWindow)

/* Reads virt-manager's connections from the default GSettings schema source
 * and lists them against @session's connections. */
GtkWidget *ferry_import_dialog_new         (FerrySession     *session);
/* Opens the dialog over @parent. With @only_if_new (Ferry's first run) it
 * opens only when virt-manager has a connection Ferry could add, and returns
 * NULL otherwise. */
GtkWidget *ferry_import_dialog_present     (FerrySession     *session,
                                            GtkWindow        *parent,
                                            gboolean          only_if_new);
/* How many of virt-manager's connections could be added. */
guint      ferry_import_dialog_get_n_new   (FerryImportDialog *self);

G_END_DECLS
