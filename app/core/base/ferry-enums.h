/* ferry-enums.h — states shared by the core and the UI
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  FERRY_NODE_STATE_DISCONNECTED,
  FERRY_NODE_STATE_CONNECTING,
  FERRY_NODE_STATE_CONNECTED,
  FERRY_NODE_STATE_UNREACHABLE,
  FERRY_NODE_STATE_AUTH_FAILED,
} FerryNodeState;

/* Mirrors virDomainState, plus UNKNOWN for a VM whose node cannot be
 * reached: we keep showing it rather than let it vanish. */
typedef enum
{
  FERRY_VM_STATE_UNKNOWN,
  FERRY_VM_STATE_RUNNING,
  FERRY_VM_STATE_BLOCKED,
  FERRY_VM_STATE_PAUSED,
  FERRY_VM_STATE_SHUTTING_DOWN,
  FERRY_VM_STATE_SHUT_OFF,
  FERRY_VM_STATE_CRASHED,
  FERRY_VM_STATE_SUSPENDED,
} FerryVmState;

typedef enum
{
  FERRY_VM_OP_START,
  FERRY_VM_OP_SHUTDOWN,
  FERRY_VM_OP_REBOOT,
  FERRY_VM_OP_FORCE_OFF,
  FERRY_VM_OP_PAUSE,
  FERRY_VM_OP_RESUME,
  FERRY_VM_OP_DELETE,
  FERRY_VM_OP_DELETE_WITH_STORAGE,
} FerryVmOp;

const char *ferry_node_state_to_string (FerryNodeState state);
const char *ferry_vm_state_to_string   (FerryVmState   state);
const char *ferry_vm_op_to_string      (FerryVmOp      op);
gboolean    ferry_vm_state_is_active   (FerryVmState   state);

G_END_DECLS
