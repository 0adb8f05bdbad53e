/* ferry-new-vm-dialog.h — create a VM on a host
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ferry-core-all.h"

G_BEGIN_DECLS

#define FERRY_TYPE_NEW_VM_DIALOG (ferry_new_vm_dialog_get_type ())

G_DECLARE_FINAL_TYPE (FerryNewVmDialog, ferry_new_vm_dialog, FERRY, NEW_VM_DIALOG, AdwWindow)

/* @node: the host to preselect, or NULL for the first connected one */
GtkWidget *ferry_new_vm_dialog_new (FerrySession     *session,
                                    FerryNode        *node);

G_END_DECLS
