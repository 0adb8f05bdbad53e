/* ferry-enums.c — human-readable names of Ferry's states
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "ferry-enums.h"

const char *
ferry_node_state_to_string (FerryNodeState state)
{
  switch (state)
    {
    case FERRY_NODE_STATE_DISCONNECTED: return _("Disconnected");
    case FERRY_NODE_STATE_CONNECTING:   return _("Connecting");
    case FERRY_NODE_STATE_CONNECTED:    return _("Connected");
    case FERRY_NODE_STATE_UNREACHABLE:  return _("Unreachable");
    case FERRY_NODE_STATE_AUTH_FAILED:  return _("Authentication failed");
    default:                            return _("Unknown");
    }
}

const char *
ferry_vm_state_to_string (FerryVmState state)
{
  switch (state)
    {
    case FERRY_VM_STATE_RUNNING:       return _("Running");
    case FERRY_VM_STATE_BLOCKED:       return _("Blocked");
    case FERRY_VM_STATE_PAUSED:        return _("Paused");
    case FERRY_VM_STATE_SHUTTING_DOWN: return _("Shutting down");
    case FERRY_VM_STATE_SHUT_OFF:      return _("Shut off");
    case FERRY_VM_STATE_CRASHED:       return _("Crashed");
    case FERRY_VM_STATE_SUSPENDED:     return _("Suspended");
    case FERRY_VM_STATE_UNKNOWN:
    default:                           return _("Unknown");
    }
}

const char *
ferry_vm_op_to_string (FerryVmOp op)
{
  switch (op)
    {
    case FERRY_VM_OP_START:               return _("Start");
    case FERRY_VM_OP_SHUTDOWN:            return _("Shut down");
    case FERRY_VM_OP_REBOOT:              return _("Reboot");
    case FERRY_VM_OP_FORCE_OFF:           return _("Force off");
    case FERRY_VM_OP_PAUSE:               return _("Pause");
    case FERRY_VM_OP_RESUME:              return _("Resume");
    case FERRY_VM_OP_DELETE:              return _("Delete");
    case FERRY_VM_OP_DELETE_WITH_STORAGE: return _("Delete with storage");
    default:                              return _("Unknown operation");
    }
}

gboolean
ferry_vm_state_is_active (FerryVmState state)
{
  return state == FERRY_VM_STATE_RUNNING ||
         state == FERRY_VM_STATE_BLOCKED ||
         state == FERRY_VM_STATE_PAUSED ||
         state == FERRY_VM_STATE_SHUTTING_DOWN ||
         state == FERRY_VM_STATE_SUSPENDED;
}
