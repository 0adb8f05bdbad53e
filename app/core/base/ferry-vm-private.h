/* ferry-vm-private.h — how the inventory feeds a FerryVm
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ferry-node.h"
#include "ferry-vm.h"
#include "ferry-vm-info.h"

G_BEGIN_DECLS

FerryVm   *_ferry_vm_new          (const char        *uuid);

/* Each node that has the domain defined or running is a "sighting". */
void       _ferry_vm_set_sighting (FerryVm           *self,
                                   FerryNode         *node,
                                   const FerryVmInfo *info);
gboolean   _ferry_vm_has_sightings (FerryVm          *self);
gboolean   _ferry_vm_sighted_on   (FerryVm           *self,
                                   FerryNode         *node);
void       _ferry_vm_forget_node  (FerryVm           *self,
                                   FerryNode         *node);

/* Picks the owner among the sightings and updates the visible properties;
 * returns the owner (or NULL when no node has the VM any more). */
FerryNode *_ferry_vm_resolve      (FerryVm           *self);

/* A migration of this VM started or ended now: for a while the inventory
 * does not drop it when no node lists it (an offline move's source may
 * report the VM gone before its destination reports it there). */
void       _ferry_vm_note_migration (FerryVm        *self);
gboolean   _ferry_vm_recently_migrated (FerryVm     *self);

/* The migration job (a FerryMigration) and its one-line progress. */
void       _ferry_vm_set_activity (FerryVm           *self,
                                   GObject           *migration,
                                   const char        *activity);

G_END_DECLS
