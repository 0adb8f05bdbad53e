/* ferry-add-connection-dialog.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ferry-core-all.h"

G_BEGIN_DECLS

#define FERRY_TYPE_ADD_CONNECTION_DIALOG (ferry_add_connection_dialog_get_type ())

G_DECLARE_FINAL_TYPE (FerryAddConnectionDialog, ferry_add_connection_dialog,
                      FERRY, ADD_CONNECTION_DIALOG, AdwWindow)

GtkWidget *ferry_add_connection_dialog_new          (FerrySession     *session);
/* The same form for an existing connection: its name and migration
 * address can change, its URI cannot (remove and add for that). */
GtkWidget *ferry_add_connection_dialog_new_for_node (FerrySession     *session,
                                                     FerryNode        *node);

G_END_DECLS
