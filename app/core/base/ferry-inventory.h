/* ferry-inventory.h — every node and every VM, as list models
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-metrics.h"
#include "ferry-node.h"
#include "ferry-vm.h"

G_BEGIN_DECLS

#define FERRY_TYPE_INVENTORY (ferry_inventory_get_type ())

G_DECLARE_FINAL_TYPE (FerryInventory, ferry_inventory, FERRY, INVENTORY, GObject)

FerryInventory *ferry_inventory_new               (void);
GListModel     *ferry_inventory_get_nodes         (FerryInventory *self);
GListModel     *ferry_inventory_get_vms           (FerryInventory *self);
void            ferry_inventory_add_node          (FerryInventory *self,
                                                   FerryNode      *node);
void            ferry_inventory_remove_node       (FerryInventory *self,
                                                   FerryNode      *node);
FerryNode      *ferry_inventory_find_node_by_uri  (FerryInventory *self,
                                                   const char     *uri);
FerryNode      *ferry_inventory_find_node_by_id   (FerryInventory *self,
                                                   const char     *id);
FerryVm        *ferry_inventory_lookup_vm         (FerryInventory *self,
                                                   const char     *uuid);
FerryVm        *ferry_inventory_find_vm_by_name   (FerryInventory *self,
                                                   const char     *name);
/* The whole cluster's statistics (filled by a FerryStatsSampler). */
FerryMetrics   *ferry_inventory_get_metrics       (FerryInventory *self);

G_END_DECLS
