/* ferry-maintenance.h — emptying a host for maintenance, and refilling it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-inventory.h"
#include "ferry-migration-queue.h"

G_BEGIN_DECLS

typedef struct
{
  FerryVm   *vm;             /* a reference */
  FerryNode *destination;    /* a reference; NULL when nowhere fits */
  char      *reason;         /* why nowhere, else NULL */
  gboolean   live;           /* running: live; shut off: the definition moves */
  double     estimate_s;     /* expected duration, -1 unknown */
} FerryMaintenanceStep;

void       ferry_maintenance_step_free    (FerryMaintenanceStep *step);

/* Main thread, no I/O: where each VM of @node should go (running ones,
 * and with @include_shut_off the shut-off ones too), from the hosts'
 * latest statistics and the placement planner. Hosts that are not
 * connected or are in maintenance take nothing. @link_mib_s (MiB/s, 0 for
 * 1 Gbit/s) estimates the durations. @groups (VM UUID → keep-apart group,
 * may be NULL): two VMs of one group never end up on one host. Array of
 * FerryMaintenanceStep. */
GPtrArray *ferry_maintenance_plan         (FerryInventory *inventory,
                                           FerryNode      *node,
                                           gboolean        include_shut_off,
                                           guint64         link_mib_s,
                                           GHashTable     *groups);
/* The VMs in @node's evacuated list that still exist elsewhere: the way
 * back (destination = @node). */
GPtrArray *ferry_maintenance_plan_return  (FerryInventory *inventory,
                                           FerryNode      *node);
/* Queues the steps that have a destination; returns the UUIDs queued
 * (what "exit maintenance" offers to bring back). */
GStrv      ferry_maintenance_start        (FerryMigrationQueue *queue,
                                           GPtrArray           *steps,
                                           GError             **error);

G_END_DECLS
