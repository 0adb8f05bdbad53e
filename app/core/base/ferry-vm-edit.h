/* ferry-vm-edit.h — changing an existing VM's settings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-vm.h"
#include "ferry-vm-spec.h"

G_BEGIN_DECLS

/* What to change; every field has an "unchanged" value. Errors are in the
 * FERRY_VM_SPEC_ERROR domain (VCPUS, MEMORY, CPU, BOOT) when Ferry
 * refuses a value, in FERRY_LIBVIRT_ERROR with libvirt's words when the
 * host does. */
typedef struct
{
  guint     vcpus;        /* 0: unchanged */
  guint64   memory;       /* bytes; 0: unchanged */
  char     *cpu_mode;     /* "host-model", "host-passthrough", "custom"; NULL: unchanged */
  char     *cpu_model;    /* for "custom" (implies it); NULL: unchanged */
  int       autostart;    /* -1: unchanged, 0 or 1 */
  GStrv     boot_order;   /* of "hd", "cdrom", "network"; NULL: unchanged */
} FerryVmEdit;

/* Nothing changed. */
FerryVmEdit *ferry_vm_edit_new          (void);
FerryVmEdit *ferry_vm_edit_copy         (const FerryVmEdit    *edit);
void         ferry_vm_edit_free         (FerryVmEdit          *edit);
/* Checks the values alone (no host needed). */
gboolean     ferry_vm_edit_validate     (const FerryVmEdit    *edit,
                                         GError              **error);

/* A shut-off VM: its definition changes. A running one: memory (up to
 * its maximum) and vCPUs (up to their maximum, if the guest supports
 * hotplug) change now and in the definition; the CPU model and the boot
 * order change in the definition only, and @needs_restart tells the
 * caller that they take effect at the next start. */
void         ferry_vm_apply_edit_async  (FerryVm              *vm,
                                         const FerryVmEdit    *edit,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
gboolean     ferry_vm_apply_edit_finish (FerryVm              *vm,
                                         GAsyncResult         *result,
                                         gboolean             *needs_restart,
                                         GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FerryVmEdit, ferry_vm_edit_free)

G_END_DECLS
