/* ferry-vm-info.h — a plain snapshot of one domain as one node saw it
 *
 * Worker threads fill these in and hand them to the main thread; they hold
 * no libvirt objects, so they can cross threads freely.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "ferry-enums.h"

G_BEGIN_DECLS

typedef struct
{
  char         *uuid;
  char         *name;
  FerryVmState  state;
  int           reason;       /* libvirt's reason code for @state */
  guint         vcpus;
  guint64       memory;       /* bytes currently assigned */
  guint64       max_memory;   /* bytes */
  gboolean      persistent;
  gboolean      gone;         /* the node no longer has this domain */
} FerryVmInfo;

FerryVmInfo  *ferry_vm_info_new                 (const char        *uuid);
FerryVmInfo  *ferry_vm_info_copy                (const FerryVmInfo *info);
void          ferry_vm_info_free                (FerryVmInfo       *info);
FerryVmState  ferry_vm_state_from_libvirt       (int                state);
const char   *ferry_vm_state_reason_to_string   (FerryVmState       state,
                                                 int                reason);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FerryVmInfo, ferry_vm_info_free)

G_END_DECLS
