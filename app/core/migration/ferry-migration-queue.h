/* ferry-migration-queue.h — migrations of this session, at most N per host at once
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-migration.h"
#include "ferry-task-log.h"

G_BEGIN_DECLS

#define FERRY_TYPE_MIGRATION_QUEUE (ferry_migration_queue_get_type ())

G_DECLARE_FINAL_TYPE (FerryMigrationQueue, ferry_migration_queue, FERRY, MIGRATION_QUEUE, GObject)

/* A GListModel of FerryMigration: queued and running jobs, oldest first
 * (finished ones leave it; the task log keeps their record). */
FerryMigrationQueue *ferry_migration_queue_new            (FerryTaskLog        *log);
guint                ferry_migration_queue_get_limit      (FerryMigrationQueue *self);
/* Per host, counting a job on both its source and its destination; >= 1. */
void                 ferry_migration_queue_set_limit      (FerryMigrationQueue *self,
                                                           guint                per_host);
/* Adds @migration; it starts as soon as both its hosts have a free slot.
 * Refused (FALSE, @error) when the VM already has a job in the queue. */
gboolean             ferry_migration_queue_add            (FerryMigrationQueue *self,
                                                           FerryMigration      *migration,
                                                           GError             **error);
/* The queued or running job of @vm, or NULL. */
FerryMigration      *ferry_migration_queue_find           (FerryMigrationQueue *self,
                                                           FerryVm             *vm);
guint                ferry_migration_queue_get_n_running  (FerryMigrationQueue *self);

G_END_DECLS
