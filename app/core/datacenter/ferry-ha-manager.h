/* ferry-ha-manager.h — which VMs are highly available, which are at risk,
 * and their recovery after a host failed (only once it is fenced)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-inventory.h"
#include "ferry-task-log.h"

G_BEGIN_DECLS

typedef enum
{
  /* The administrator confirmed that the host is powered off. */
  FERRY_HA_FENCE_MANUAL,
  /* Verified disk leases make a second start impossible. */
  FERRY_HA_FENCE_LEASES,
} FerryHaFence;

/* One line of a recovery plan. */
typedef struct
{
  FerryVm   *vm;        /* owned */
  FerryNode *target;    /* owned; NULL when it cannot be placed */
  char      *reason;    /* why not, or NULL */
} FerryHaPlanItem;

void ferry_ha_plan_item_free (FerryHaPlanItem *item);

#define FERRY_TYPE_HA_MANAGER (ferry_ha_manager_get_type ())

G_DECLARE_FINAL_TYPE (FerryHaManager, ferry_ha_manager, FERRY, HA_MANAGER, GObject)

FerryHaManager *ferry_ha_manager_new                (FerryInventory      *inventory,
                                                     FerryTaskLog        *task_log);

/* Whether Ferry knows @vm to be flagged (from its saved definitions, a
 * define event, a scan or a read; see ferry-ha-manager.c). */
gboolean        ferry_ha_manager_is_ha              (FerryHaManager      *self,
                                                     FerryVm             *vm);
/* Sets the flag (ferry_ha_set_enabled_async with every other connected
 * node as a peer) and saves or forgets the definition. */
void            ferry_ha_manager_set_ha_async       (FerryHaManager      *self,
                                                     FerryVm             *vm,
                                                     gboolean             enabled,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
gboolean        ferry_ha_manager_set_ha_finish      (FerryHaManager      *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);
/* Reads the flag from the VM's node and remembers the answer. */
void            ferry_ha_manager_refresh_vm_async   (FerryHaManager      *self,
                                                     FerryVm             *vm,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
gboolean        ferry_ha_manager_refresh_vm_finish  (FerryHaManager      *self,
                                                     GAsyncResult        *result,
                                                     gboolean            *enabled,
                                                     GError             **error);

/* HA VMs whose host is unreachable (FerryVm items). */
GListModel     *ferry_ha_manager_get_at_risk        (FerryHaManager      *self);
guint           ferry_ha_manager_count_at_risk      (FerryHaManager      *self,
                                                     FerryNode           *node);

/* Leases verified by ferry_ha_verify_leases_async (the cluster assistant
 * sets this): then FERRY_HA_FENCE_LEASES may be used. */
gboolean        ferry_ha_manager_get_leases_verified (FerryHaManager     *self);
void            ferry_ha_manager_set_leases_verified (FerryHaManager     *self,
                                                      gboolean            verified);

/* Where each at-risk VM of @failed would go (FerryHaPlanItem). */
GPtrArray      *ferry_ha_manager_plan_recovery      (FerryHaManager      *self,
                                                     FerryNode           *failed);
/* Defines and starts each HA VM of @failed elsewhere, one after another,
 * each step in the task log. Refuses unless @failed is unreachable and
 * @fence holds. @plan is the plan the administrator was shown (from
 * ferry_ha_manager_plan_recovery): each VM goes where it said; NULL plans
 * now. Returns how many now run elsewhere; VMs that could not be
 * recovered are in the task log and ::vm-recovered. */
void            ferry_ha_manager_recover_async      (FerryHaManager      *self,
                                                     FerryNode           *failed,
                                                     FerryHaFence         fence,
                                                     GPtrArray           *plan,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
guint           ferry_ha_manager_recover_finish     (FerryHaManager      *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);

/* Definitions on @node of HA VMs that now run on another host (FerryVm),
 * found when @node came back; never started. */
GPtrArray      *ferry_ha_manager_get_stale          (FerryHaManager      *self,
                                                     FerryNode           *node);
/* Undefines them on @node (storage untouched: the other host uses it);
 * refuses any that runs on @node. Returns how many were removed. */
void            ferry_ha_manager_remove_stale_async (FerryHaManager      *self,
                                                     FerryNode           *node,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
guint           ferry_ha_manager_remove_stale_finish (FerryHaManager     *self,
                                                      GAsyncResult       *result,
                                                      GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FerryHaPlanItem, ferry_ha_plan_item_free)

/* Keep-apart groups for recovering the VMs of @node: VM UUID → group (a
 * new table, or NULL). Set by whoever knows the clusters. */
typedef GHashTable *(*FerryHaGroupsFunc) (FerryNode *node,
                                          gpointer   user_data);
void            ferry_ha_manager_set_groups_func    (FerryHaManager      *self,
                                                     FerryHaGroupsFunc    func,
                                                     gpointer             user_data);

G_END_DECLS
