/* ferry-vm-page.h — everything about one VM
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ferry-core-all.h"

G_BEGIN_DECLS

#define FERRY_TYPE_VM_PAGE (ferry_vm_page_get_type ())

G_DECLARE_FINAL_TYPE (FerryVmPage, ferry_vm_page, FERRY, VM_PAGE, GtkWidget)

GtkWidget *ferry_vm_page_new    (void);
void       ferry_vm_page_set_ha_manager (FerryVmPage    *self,
                                         FerryHaManager *manager);
void       ferry_vm_page_set_vm (FerryVmPage *self,
                                 FerryVm     *vm);
FerryVm   *ferry_vm_page_get_vm (FerryVmPage *self);
/* Re-reads the VM's configuration (disks, NICs, display…) from its host. */
void       ferry_vm_page_reload (FerryVmPage *self);

G_END_DECLS
