/* ferry-ha-manager-private.h — the HA manager's state, and the calls its
 * three files (ferry-ha-manager.c: tracking; ferry-ha-stale.c;
 * ferry-ha-recovery.c) make into each other
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ferry-ha-manager.h"

G_BEGIN_DECLS

struct _FerryHaManager
{
  GObject         parent_instance;

  FerryInventory *inventory;
  FerryTaskLog   *task_log;

  GHashTable     *ha;             /* uuid set: known to be flagged */
  GListStore     *at_risk;        /* FerryVm */
  guint           at_risk_idle;
  gboolean        leases_verified;

  GHashTable     *busy;           /* uuid set: a recovery is under way */
  GHashTable     *recovered;      /* uuid → id of the node it was recovered from */
  GHashTable     *stale;          /* FerryNode* → GPtrArray of FerryVm */
  FerryHaGroupsFunc groups_func;
  gpointer        groups_data;
};

/* Connected nodes but @except (may be NULL); element type FerryNode. */
GPtrArray *_ferry_ha_manager_connected_nodes      (FerryHaManager *self,
                                                   FerryNode      *except);
/* Every VM the inventory has seen on @node (owned or not). */
GPtrArray *_ferry_ha_manager_vms_sighted_on       (FerryHaManager *self,
                                                   FerryNode      *node);
void       _ferry_ha_manager_queue_update_at_risk (FerryHaManager *self);
void       _ferry_ha_manager_update_at_risk_now   (FerryHaManager *self);
/* Looks on @node, which came back, for definitions of VMs recovered elsewhere. */
void       _ferry_ha_manager_find_stale           (FerryHaManager *self,
                                                   FerryNode      *node);
/* What a recovery or a clean-up returns: how many VMs it handled. */
guint      _ferry_ha_manager_propagate_count      (GAsyncResult   *result,
                                                   GError        **error);
void       _ferry_ha_manager_emit_stale_changed   (FerryHaManager *self,
                                                   FerryNode      *node);
void       _ferry_ha_manager_emit_vm_recovered    (FerryHaManager *self,
                                                   FerryVm        *vm,
                                                   FerryNode      *target,
                                                   const char     *message);

G_END_DECLS
