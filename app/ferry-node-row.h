/* ferry-node-row.h — a sidebar row: a node, or "all virtual machines"
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ferry-drop-state.h"

G_BEGIN_DECLS

#define FERRY_TYPE_NODE_ROW (ferry_node_row_get_type ())

G_DECLARE_FINAL_TYPE (FerryNodeRow, ferry_node_row, FERRY, NODE_ROW, GtkWidget)

GtkWidget *ferry_node_row_new      (void);
/* @item: a FerryNode, or the FerryInventory for the "All" row */
void       ferry_node_row_set_item (FerryNodeRow *self,
                                    GObject      *item);
GObject   *ferry_node_row_get_item (FerryNodeRow *self);
/* While VMs are dragged the row shows whether they may be dropped on it. */
void       ferry_node_row_set_drop_state (FerryNodeRow   *self,
                                          FerryDropState *state);

G_END_DECLS
