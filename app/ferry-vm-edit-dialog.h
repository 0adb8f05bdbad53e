/* ferry-vm-edit-dialog.h — change a VM's CPUs, memory, CPU model, boot
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ferry-core-all.h"

G_BEGIN_DECLS

#define FERRY_TYPE_VM_EDIT_DIALOG (ferry_vm_edit_dialog_get_type ())

G_DECLARE_FINAL_TYPE (FerryVmEditDialog, ferry_vm_edit_dialog, FERRY, VM_EDIT_DIALOG, AdwWindow)

GtkWidget *ferry_vm_edit_dialog_new (FerrySession     *session,
                                     FerryVm          *vm);

G_END_DECLS
