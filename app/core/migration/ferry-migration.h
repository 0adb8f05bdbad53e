/* ferry-migration.h — one migration job: a VM moving from its node to another
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-migration-options.h"
#include "ferry-node.h"
#include "ferry-task.h"
#include "ferry-vm.h"

G_BEGIN_DECLS

typedef enum
{
  FERRY_MIGRATION_QUEUED,       /* waiting for a free slot on its hosts */
  FERRY_MIGRATION_RUNNING,      /* pre-copy (or an offline move) */
  FERRY_MIGRATION_POSTCOPY,     /* the VM runs on the destination, pages follow */
  FERRY_MIGRATION_COMPLETED,
  FERRY_MIGRATION_FAILED,
  FERRY_MIGRATION_CANCELLED,
} FerryMigrationState;

/* A snapshot of the job's statistics (virDomainGetJobStats). Sizes in
 * bytes, rates in bytes/s, times in ms; -1 or 0 where libvirt said nothing. */
typedef struct
{
  double  fraction;            /* 0..1, -1 while unknown */
  guint64 data_total;
  guint64 data_processed;
  guint64 data_remaining;
  guint64 memory_total;
  guint64 memory_remaining;
  guint64 disk_total;
  guint64 disk_remaining;
  double  throughput;          /* bytes/s */
  double  dirty_rate;          /* bytes/s */
  guint64 iteration;
  gint64  expected_downtime_ms;
  gint64  elapsed_ms;
  gint64  eta_ms;              /* -1: unknown */
  /* once completed */
  gint64  downtime_ms;
  guint64 bytes_moved;
} FerryMigrationProgress;

#define FERRY_TYPE_MIGRATION (ferry_migration_get_type ())

G_DECLARE_FINAL_TYPE (FerryMigration, ferry_migration, FERRY, MIGRATION, GObject)

/* @options NULL: the defaults for the VM's state (live if running). */
FerryMigration               *ferry_migration_new              (FerryVm                     *vm,
                                                                FerryNode                   *destination,
                                                                const FerryMigrationOptions *options);
FerryVm                      *ferry_migration_get_vm           (FerryMigration *self);
const char                   *ferry_migration_get_vm_name      (FerryMigration *self);
FerryNode                    *ferry_migration_get_source       (FerryMigration *self);
FerryNode                    *ferry_migration_get_destination  (FerryMigration *self);
const FerryMigrationOptions  *ferry_migration_get_options      (FerryMigration *self);
FerryMigrationState           ferry_migration_get_state        (FerryMigration *self);
gboolean                      ferry_migration_is_finished      (FerryMigration *self);
/* The latest statistics (main thread); "progress-changed" says when. */
const FerryMigrationProgress *ferry_migration_get_progress     (FerryMigration *self);
/* "Transferring memory: 45 % (120 of 384 MiB), 48 MiB/s, 12 s left" */
char                         *ferry_migration_describe_progress (FerryMigration *self);
/* The error once FAILED/CANCELLED, else NULL. */
const GError                 *ferry_migration_get_error        (FerryMigration *self);
/* Set once the job has started: the task-log entry (may be NULL). */
FerryTask                    *ferry_migration_get_task         (FerryMigration *self);
void                          ferry_migration_set_task         (FerryMigration *self,
                                                                FerryTask      *task);

/* Runs the job now, whatever the queue says (the queue calls this). The
 * VM stays on the source on failure or cancel. */
void                          ferry_migration_run_async        (FerryMigration      *self,
                                                                GCancellable        *cancellable,
                                                                GAsyncReadyCallback  callback,
                                                                gpointer             user_data);
gboolean                      ferry_migration_run_finish       (FerryMigration      *self,
                                                                GAsyncResult        *result,
                                                                GError             **error);
/* Aborts a running job (virDomainAbortJob) or drops a queued one. */
void                          ferry_migration_cancel           (FerryMigration *self);
/* Live jobs started with options->postcopy: switch now. */
gboolean                      ferry_migration_can_switch_to_postcopy (FerryMigration *self);
void                          ferry_migration_switch_to_postcopy (FerryMigration *self);

const char                   *ferry_migration_state_to_string  (FerryMigrationState state);

/* Internal to the core (the queue). */
void                          _ferry_migration_cancel_queued   (FerryMigration *self);
void                          _ferry_migration_mark_queued     (FerryMigration *self);

G_END_DECLS
