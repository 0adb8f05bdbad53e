/* ferry-drop-state.h — while VMs are dragged: may they be dropped on each host?
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-node.h"
#include "ferry-vm.h"

G_BEGIN_DECLS

typedef enum
{
  FERRY_DROP_NONE,        /* nothing is being dragged */
  FERRY_DROP_CHECKING,    /* pre-flight checks under way */
  FERRY_DROP_ALLOWED,
  FERRY_DROP_REFUSED,
} FerryDropVerdict;

#define FERRY_TYPE_DROP_STATE (ferry_drop_state_get_type ())

G_DECLARE_FINAL_TYPE (FerryDropState, ferry_drop_state, FERRY, DROP_STATE, GObject)

FerryDropState   *ferry_drop_state_new     (void);
/* Starts checking @vms (FerryVm) against every node of @nodes; "changed"
 * is emitted as answers come in. */
void              ferry_drop_state_begin   (FerryDropState *self,
                                            GPtrArray      *vms,
                                            GListModel     *nodes);
void              ferry_drop_state_end     (FerryDropState *self);
gboolean          ferry_drop_state_is_active (FerryDropState *self);
GPtrArray        *ferry_drop_state_get_vms (FerryDropState *self);
/* @reason: the refusal, or a hint ("live, disks will be copied"). */
FerryDropVerdict  ferry_drop_state_lookup  (FerryDropState *self,
                                            FerryNode      *node,
                                            const char    **reason);
/* TRUE when every check of @node passed without warnings worth a dialog
 * (no disk copy, all VMs running): a drop may start at once. */
gboolean          ferry_drop_state_is_plain (FerryDropState *self,
                                             FerryNode      *node);
/* A sentence for the status line while the pointer is over @node. */
char             *ferry_drop_state_describe (FerryDropState *self,
                                             FerryNode      *node);

G_END_DECLS
