/* ferry-node-header.h — a host's facts and actions above its VM list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ferry-core-all.h"

G_BEGIN_DECLS

#define FERRY_TYPE_NODE_HEADER (ferry_node_header_get_type ())

G_DECLARE_FINAL_TYPE (FerryNodeHeader, ferry_node_header, FERRY, NODE_HEADER, GtkWidget)

GtkWidget *ferry_node_header_new      (void);
void       ferry_node_header_set_node (FerryNodeHeader *self,
                                       FerryNode       *node);
FerryNode *ferry_node_header_get_node (FerryNodeHeader *self);
/* Where the "VMs at risk" count comes from (the session's). */
void       ferry_node_header_set_ha_manager (FerryNodeHeader *self,
                                             FerryHaManager  *manager);

G_END_DECLS
