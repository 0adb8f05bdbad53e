/* ferry-preflight.h — can this VM move to that node? Checks before a migration
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-migration-options.h"
#include "ferry-node.h"
#include "ferry-vm.h"

G_BEGIN_DECLS

typedef enum
{
  FERRY_PREFLIGHT_UNREACHABLE,       /* destination not connected */
  FERRY_PREFLIGHT_SAME_HOST,         /* already there (same node or same host UUID) */
  FERRY_PREFLIGHT_BUSY,              /* the VM has a migration already */
  FERRY_PREFLIGHT_MEMORY,            /* not enough free memory */
  FERRY_PREFLIGHT_CPU,               /* CPU incompatible */
  FERRY_PREFLIGHT_STORAGE,           /* disk not reachable there (and not copyable) */
  FERRY_PREFLIGHT_STORAGE_COPY,      /* disk must be copied (a warning: copy-storage) */
  FERRY_PREFLIGHT_NETWORK,           /* network/bridge missing there */
  FERRY_PREFLIGHT_NAME_CLASH,        /* another domain of that name / this UUID there */
  FERRY_PREFLIGHT_ARCH,              /* architecture / machine type not supported there */
  FERRY_PREFLIGHT_STATE,             /* the VM's state does not allow it (paused offline ...) */
  FERRY_PREFLIGHT_MAINTENANCE,       /* destination is in maintenance */
  FERRY_PREFLIGHT_OTHER,
} FerryPreflightCode;

typedef enum
{
  FERRY_PREFLIGHT_INFO,
  FERRY_PREFLIGHT_WARNING,
  FERRY_PREFLIGHT_BLOCKER,
} FerryPreflightSeverity;

typedef struct
{
  FerryPreflightCode     code;
  FerryPreflightSeverity severity;
  char                  *message;    /* plain text, for the user */
} FerryPreflightItem;

#define FERRY_TYPE_PREFLIGHT (ferry_preflight_get_type ())

G_DECLARE_FINAL_TYPE (FerryPreflight, ferry_preflight, FERRY, PREFLIGHT, GObject)

/* Main thread, no I/O: what the inventory already says (unreachable,
 * same node, VM not on a connected node). NULL when nothing is wrong. */
char               *ferry_preflight_quick_check   (FerryVm      *vm,
                                                   FerryNode    *destination);

/* Asks both nodes (on their workers); never fails: problems are items. */
void                ferry_preflight_run_async     (FerryVm             *vm,
                                                   FerryNode           *destination,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
FerryPreflight     *ferry_preflight_run_finish    (GAsyncResult        *result,
                                                   GError             **error);

FerryVm            *ferry_preflight_get_vm          (FerryPreflight *self);
FerryNode          *ferry_preflight_get_destination (FerryPreflight *self);
gboolean            ferry_preflight_get_allowed   (FerryPreflight *self);
/* The first blocker's message, or NULL when allowed. */
const char         *ferry_preflight_get_reason    (FerryPreflight *self);
guint               ferry_preflight_get_n_items   (FerryPreflight *self);
const FerryPreflightItem *ferry_preflight_get_item (FerryPreflight *self,
                                                   guint           i);
gboolean            ferry_preflight_has_code      (FerryPreflight *self,
                                                   FerryPreflightCode code);
/* Facts learnt on the way, for the dialog's defaults. */
gboolean            ferry_preflight_get_live      (FerryPreflight *self);
gboolean            ferry_preflight_get_needs_storage_copy (FerryPreflight *self);
guint64             ferry_preflight_get_vm_memory (FerryPreflight *self);     /* bytes */
guint64             ferry_preflight_get_free_memory (FerryPreflight *self);   /* bytes on destination */

G_END_DECLS
