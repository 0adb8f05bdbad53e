/* ferry-vm-info.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <libvirt/libvirt.h>

#include "ferry-vm-info.h"

FerryVmInfo *
ferry_vm_info_new (const char *uuid)
{
  FerryVmInfo *info = g_new0 (FerryVmInfo, 1);

  info->uuid = g_strdup (uuid);
  info->state = FERRY_VM_STATE_UNKNOWN;
  return info;
}

FerryVmInfo *
ferry_vm_info_copy (const FerryVmInfo *info)
{
  FerryVmInfo *copy = g_memdup2 (info, sizeof *info);

  copy->uuid = g_strdup (info->uuid);
  copy->name = g_strdup (info->name);
  return copy;
}

void
ferry_vm_info_free (FerryVmInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->uuid);
  g_free (info->name);
  g_free (info);
}

FerryVmState
ferry_vm_state_from_libvirt (int state)
{
  switch (state)
    {
    case VIR_DOMAIN_RUNNING:     return FERRY_VM_STATE_RUNNING;
    case VIR_DOMAIN_BLOCKED:     return FERRY_VM_STATE_BLOCKED;
    case VIR_DOMAIN_PAUSED:      return FERRY_VM_STATE_PAUSED;
    case VIR_DOMAIN_SHUTDOWN:    return FERRY_VM_STATE_SHUTTING_DOWN;
    case VIR_DOMAIN_SHUTOFF:     return FERRY_VM_STATE_SHUT_OFF;
    case VIR_DOMAIN_CRASHED:     return FERRY_VM_STATE_CRASHED;
    case VIR_DOMAIN_PMSUSPENDED: return FERRY_VM_STATE_SUSPENDED;
    case VIR_DOMAIN_NOSTATE:
    default:                     return FERRY_VM_STATE_UNKNOWN;
    }
}

/* Returns NULL when the reason adds nothing to the state's own name. */
const char *
ferry_vm_state_reason_to_string (FerryVmState state,
                                 int          reason)
{
  switch (state)
    {
    case FERRY_VM_STATE_RUNNING:
      switch (reason)
        {
        case VIR_DOMAIN_RUNNING_MIGRATED:           return _("migrated here");
        case VIR_DOMAIN_RUNNING_RESTORED:           return _("restored");
        case VIR_DOMAIN_RUNNING_UNPAUSED:           return _("resumed");
        case VIR_DOMAIN_RUNNING_MIGRATION_CANCELED: return _("migration canceled");
        case VIR_DOMAIN_RUNNING_WAKEUP:             return _("woken up");
        case VIR_DOMAIN_RUNNING_CRASHED:            return _("crashed, still running");
        case VIR_DOMAIN_RUNNING_POSTCOPY:           return _("post-copy migration");
        default:                                    return NULL;
        }
    case FERRY_VM_STATE_PAUSED:
      switch (reason)
        {
        case VIR_DOMAIN_PAUSED_USER:               return _("by the administrator");
        case VIR_DOMAIN_PAUSED_MIGRATION:          return _("migrating");
        case VIR_DOMAIN_PAUSED_SAVE:               return _("saving");
        case VIR_DOMAIN_PAUSED_DUMP:               return _("dumping memory");
        case VIR_DOMAIN_PAUSED_IOERROR:            return _("disk I/O error");
        case VIR_DOMAIN_PAUSED_WATCHDOG:           return _("watchdog fired");
        case VIR_DOMAIN_PAUSED_SHUTTING_DOWN:      return _("shutting down");
        case VIR_DOMAIN_PAUSED_STARTING_UP:        return _("starting up");
        case VIR_DOMAIN_PAUSED_POSTCOPY:           return _("post-copy migration");
        case VIR_DOMAIN_PAUSED_POSTCOPY_FAILED:    return _("post-copy migration failed");
        case VIR_DOMAIN_PAUSED_CRASHED:            return _("guest crashed");
        default:                                   return NULL;
        }
    case FERRY_VM_STATE_SHUT_OFF:
      switch (reason)
        {
        case VIR_DOMAIN_SHUTOFF_SHUTDOWN:      return _("shut down by the guest");
        case VIR_DOMAIN_SHUTOFF_DESTROYED:     return _("forced off");
        case VIR_DOMAIN_SHUTOFF_CRASHED:       return _("crashed");
        case VIR_DOMAIN_SHUTOFF_MIGRATED:      return _("migrated away");
        case VIR_DOMAIN_SHUTOFF_SAVED:         return _("saved");
        case VIR_DOMAIN_SHUTOFF_FAILED:        return _("failed to start");
        case VIR_DOMAIN_SHUTOFF_FROM_SNAPSHOT: return _("restored from a snapshot");
        case VIR_DOMAIN_SHUTOFF_DAEMON:        return _("its QEMU process disappeared");
        default:                               return NULL;
        }
    case FERRY_VM_STATE_CRASHED:
      return reason == VIR_DOMAIN_CRASHED_PANICKED ? _("guest kernel panic") : NULL;
    case FERRY_VM_STATE_UNKNOWN:
    case FERRY_VM_STATE_BLOCKED:
    case FERRY_VM_STATE_SHUTTING_DOWN:
    case FERRY_VM_STATE_SUSPENDED:
    default:
      return NULL;
    }
}
