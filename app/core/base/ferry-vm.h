/* ferry-vm.h — one virtual machine, identified by its UUID across nodes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-enums.h"
#include "ferry-metrics.h"

G_BEGIN_DECLS

typedef struct _FerryNode FerryNode;

#define FERRY_TYPE_VM (ferry_vm_get_type ())

G_DECLARE_FINAL_TYPE (FerryVm, ferry_vm, FERRY, VM, GObject)

const char   *ferry_vm_get_uuid         (FerryVm              *self);
const char   *ferry_vm_get_name         (FerryVm              *self);
FerryVmState  ferry_vm_get_state        (FerryVm              *self);
const char   *ferry_vm_get_state_text   (FerryVm              *self);
guint         ferry_vm_get_vcpus        (FerryVm              *self);
guint64       ferry_vm_get_memory       (FerryVm              *self);
guint64       ferry_vm_get_max_memory   (FerryVm              *self);
gboolean      ferry_vm_get_persistent   (FerryVm              *self);
FerryNode    *ferry_vm_get_node         (FerryVm              *self);
FerryMetrics *ferry_vm_get_metrics      (FerryVm              *self);
/* The FerryMigration queued or running for it (borrowed), or NULL. */
gpointer      ferry_vm_get_migration    (FerryVm              *self);
/* A short line on what is being done to it, or NULL. */
const char   *ferry_vm_get_activity     (FerryVm              *self);
gboolean      ferry_vm_can_run_op       (FerryVm              *self,
                                         FerryVmOp             op);

void          ferry_vm_run_op_async     (FerryVm              *self,
                                         FerryVmOp             op,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
gboolean      ferry_vm_run_op_finish    (FerryVm              *self,
                                         GAsyncResult         *result,
                                         GError              **error);


/* Measures how fast a running VM dirties its memory (libvirt's dirty-rate
 * calculation over @seconds, 1..60): bytes per second. */
void          ferry_vm_measure_dirty_rate_async  (FerryVm             *self,
                                                  int                  seconds,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
double        ferry_vm_measure_dirty_rate_finish (FerryVm             *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);

G_END_DECLS
