/* ferry-maintenance-private.h — placement inputs shared by maintenance
 * and HA recovery
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ferry-node.h"
#include "ferry-placement.h"

G_BEGIN_DECLS

/* Appends to @resident (FerryPlacementVm) every active VM of @nodes
 * (FerryNode; @skip left out) that belongs to a keep-apart group of
 * @groups (VM UUID → group), so that the planner keeps the group's new
 * placements away from them. The VMs are referenced in @refs: the
 * entries borrow their strings. */
void _ferry_placement_add_group_residents (GPtrArray  *nodes,
                                           FerryNode  *skip,
                                           GHashTable *groups,
                                           GArray     *resident,
                                           GPtrArray  *refs);

G_END_DECLS
