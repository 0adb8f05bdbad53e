/* ferry-maintenance-dialog.h — put a host in maintenance (its VMs move away), or take it out
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ferry-core-all.h"

G_BEGIN_DECLS

#define FERRY_TYPE_MAINTENANCE_DIALOG (ferry_maintenance_dialog_get_type ())

G_DECLARE_FINAL_TYPE (FerryMaintenanceDialog, ferry_maintenance_dialog, FERRY, MAINTENANCE_DIALOG, AdwWindow)

/* Entering when @node is not in maintenance, leaving when it is. */
FerryMaintenanceDialog *ferry_maintenance_dialog_new   (FerrySession           *session,
                                                        GtkWindow              *parent,
                                                        FerryNode              *node);
/* The planned moves (FerryMaintenanceStep), as the rows now say. */
GPtrArray              *ferry_maintenance_dialog_get_steps (FerryMaintenanceDialog *self);
void                    ferry_maintenance_dialog_start (FerryMaintenanceDialog *self);

G_END_DECLS
