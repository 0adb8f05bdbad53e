/* ferry-migration.c — one migration job: a VM moving from its node to another
 *
 * A job runs on a thread of its own with connections of its own (a
 * migration can take minutes; the nodes' workers keep serving refreshes
 * and statistics meanwhile):
 *
 *   migrate thread   virDomainMigrate3 (managed direct, with the explicit
 *                    migration URI of the destination) or
 *                    virDomainMigrateToURI3 (peer-to-peer); blocks until done
 *   monitor thread   every 0.5 s virDomainGetJobStats on a third connection;
 *                    aborts (cancel), switches to post-copy, sets the maximum
 *                    downtime once the job exists
 *
 * Both post what they learn to the main context; the GObject is only ever
 * touched there. The data the threads share lives in a refcounted Job.
 *
 * A VM must never be defined on two hosts or run twice: libvirt's own
 * protocol (begin/prepare/perform/finish/confirm) guarantees that the
 * source keeps the VM unless the destination confirmed it runs; with
 * PERSIST_DEST|UNDEFINE_SOURCE the definition moves with it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <libvirt/virterror.h>

#include "ferry-core.h"
#include "ferry-disk-copy.h"
#include "ferry-domain-xml.h"
#include "ferry-libvirt.h"
#include "ferry-migration.h"
#include "ferry-node-private.h"
#include "ferry-reconcile.h"
#include "ferry-vm-private.h"

#define MONITOR_INTERVAL_US (500 * G_TIME_SPAN_MILLISECOND)
#define MONITOR_FAST_INTERVAL_US (100 * G_TIME_SPAN_MILLISECOND)

typedef struct
{
  gatomicrefcount        ref;
  GMutex                 lock;
  GCond                  cond;

  /* read-only once the threads run */
  char                  *uuid;
  char                  *name;
  FerryNode             *source;
  FerryNode             *destination;
  char                  *destination_uri;
  char                  *migrate_uri;
  FerryMigrationOptions  options;
  GMainContext          *context;
  GWeakRef               owner;        /* the FerryMigration, main thread only */

  /* under lock */
  gboolean               done;
  gboolean               abort_requested;
  gboolean               postcopy_requested;
  gboolean               in_postcopy;
  gboolean               have_event_stats;   /* from the source's job-completed event */
  FerryMigrationProgress event_stats;
} Job;

struct _FerryMigration
{
  GObject                 parent_instance;

  FerryVm                *vm;
  char                   *vm_name;
  FerryNode              *source;
  FerryNode              *destination;
  FerryMigrationOptions   options;
  FerryMigrationState     state;
  FerryMigrationProgress  progress;
  GError                 *error;
  FerryTask              *task;
  Job                    *job;
  GCancellable           *cancellable;
  gulong                  cancelled_id;
};

G_DEFINE_FINAL_TYPE (FerryMigration, ferry_migration, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STATE,
  N_PROPS
};

enum {
  PROGRESS_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void update_activity (FerryMigration *self);

static void
progress_reset (FerryMigrationProgress *p)
{
  memset (p, 0, sizeof *p);
  p->fraction = -1;
  p->expected_downtime_ms = -1;
  p->eta_ms = -1;
  p->downtime_ms = -1;
}

/* ---------------------------------------------------------------------- */
/* Job (shared with the threads)                                          */

static Job *
job_ref (Job *job)
{
  g_atomic_ref_count_inc (&job->ref);
  return job;
}

static void
job_unref (Job *job)
{
  if (!g_atomic_ref_count_dec (&job->ref))
    return;
  g_mutex_clear (&job->lock);
  g_cond_clear (&job->cond);
  g_free (job->uuid);
  g_free (job->name);
  g_clear_object (&job->source);
  g_clear_object (&job->destination);
  g_free (job->destination_uri);
  g_free (job->migrate_uri);
  g_main_context_unref (job->context);
  g_weak_ref_clear (&job->owner);
  g_free (job);
}

/* Posting to the main context. */

typedef struct
{
  Job                    *job;
  FerryMigrationProgress  progress;
  gboolean                postcopy;
} ProgressUpdate;

static void
progress_update_free (ProgressUpdate *update)
{
  job_unref (update->job);
  g_free (update);
}

static gboolean
apply_progress (gpointer data)
{
  ProgressUpdate *update = data;
  g_autoptr(FerryMigration) self = g_weak_ref_get (&update->job->owner);

  if (self == NULL || ferry_migration_is_finished (self))
    return G_SOURCE_REMOVE;

  self->progress = update->progress;
  if (update->postcopy && self->state == FERRY_MIGRATION_RUNNING)
    {
      self->state = FERRY_MIGRATION_POSTCOPY;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
  if (self->task != NULL)
    {
      g_autofree char *text = ferry_migration_describe_progress (self);

      ferry_task_set_progress (self->task, self->progress.fraction);
      ferry_task_set_message (self->task, text);
    }
  update_activity (self);
  g_signal_emit (self, signals[PROGRESS_CHANGED], 0);
  return G_SOURCE_REMOVE;
}

static void
post_progress (Job                          *job,
               const FerryMigrationProgress *progress,
               gboolean                      postcopy)
{
  ProgressUpdate *update = g_new0 (ProgressUpdate, 1);

  update->job = job_ref (job);
  update->progress = *progress;
  update->postcopy = postcopy;
  g_main_context_invoke_full (job->context, G_PRIORITY_DEFAULT, apply_progress, update,
                              (GDestroyNotify) progress_update_free);
}

/* ---------------------------------------------------------------------- */
/* Statistics                                                              */

static guint64
param_ull (virTypedParameterPtr params,
           int                  n,
           const char          *name)
{
  unsigned long long v = 0;

  if (virTypedParamsGetULLong (params, n, name, &v) == 1)
    return v;
  return 0;
}

static void
read_job_stats (virTypedParameterPtr     params,
                int                      n,
                gboolean                 completed,
                FerryMigrationProgress  *p)
{
  guint64 page_size;
  guint64 downtime;

  p->data_total = param_ull (params, n, VIR_DOMAIN_JOB_DATA_TOTAL);
  p->data_processed = param_ull (params, n, VIR_DOMAIN_JOB_DATA_PROCESSED);
  p->data_remaining = param_ull (params, n, VIR_DOMAIN_JOB_DATA_REMAINING);
  p->memory_total = param_ull (params, n, VIR_DOMAIN_JOB_MEMORY_TOTAL);
  p->memory_remaining = param_ull (params, n, VIR_DOMAIN_JOB_MEMORY_REMAINING);
  p->disk_total = param_ull (params, n, VIR_DOMAIN_JOB_DISK_TOTAL);
  p->disk_remaining = param_ull (params, n, VIR_DOMAIN_JOB_DISK_REMAINING);
  p->throughput = (double) (param_ull (params, n, VIR_DOMAIN_JOB_MEMORY_BPS) +
                            param_ull (params, n, VIR_DOMAIN_JOB_DISK_BPS));
  page_size = param_ull (params, n, VIR_DOMAIN_JOB_MEMORY_PAGE_SIZE);
  if (page_size == 0)
    page_size = 4096;
  p->dirty_rate = (double) param_ull (params, n, VIR_DOMAIN_JOB_MEMORY_DIRTY_RATE) * page_size;
  p->iteration = param_ull (params, n, VIR_DOMAIN_JOB_MEMORY_ITERATION);
  p->elapsed_ms = (gint64) param_ull (params, n, VIR_DOMAIN_JOB_TIME_ELAPSED);

  downtime = 0;
  if (completed)
    {
      if (virTypedParamsGetULLong (params, n, VIR_DOMAIN_JOB_DOWNTIME, (unsigned long long *) &downtime) == 1)
        p->downtime_ms = (gint64) downtime;
      p->bytes_moved = p->data_processed;
      p->fraction = 1.0;
      p->eta_ms = 0;
    }
  else
    {
      if (virTypedParamsGetULLong (params, n, VIR_DOMAIN_JOB_DOWNTIME, (unsigned long long *) &downtime) == 1)
        p->expected_downtime_ms = (gint64) downtime;
      if (p->data_total > 0)
        p->fraction = CLAMP ((double) p->data_processed / (double) p->data_total, 0.0, 0.99);
      /* Pre-copy sends memory again and again: "processed" can exceed the
       * total. What is left is the honest measure. */
      if (p->data_total > 0 && p->data_remaining <= p->data_total && p->iteration > 1)
        p->fraction = CLAMP (1.0 - (double) p->data_remaining / (double) p->data_total, 0.0, 0.99);
      if (p->throughput > 0)
        p->eta_ms = (gint64) ((double) p->data_remaining / p->throughput * 1000.0);
      else
        p->eta_ms = -1;
    }
}

/* ---------------------------------------------------------------------- */
/* Monitor thread                                                          */

static gpointer
monitor_thread (gpointer data)
{
  Job *job = data;
  g_autoptr(GError) error = NULL;
  virConnectPtr conn = NULL;
  virDomainPtr domain = NULL;
  gboolean downtime_set = FALSE;
  gboolean abort_sent = FALSE;
  gboolean postcopy_sent = FALSE;
  gint64 started = g_get_monotonic_time ();

  conn = _ferry_node_open_private_connection (job->source, &error);
  if (conn != NULL)
    domain = virDomainLookupByUUIDString (conn, job->uuid);
  if (domain == NULL)
    g_debug ("migration monitor of %s: %s", job->name,
             error != NULL ? error->message : virGetLastErrorMessage ());

  g_mutex_lock (&job->lock);
  while (!job->done)
    {
      gboolean want_abort, want_postcopy;
      gint64 interval;
      virTypedParameterPtr params = NULL;
      int nparams = 0;
      int type = VIR_DOMAIN_JOB_NONE;
      FerryMigrationProgress progress;
      int state = 0, reason = 0;

      interval = job->options.postcopy_after_precopy && !postcopy_sent ? MONITOR_FAST_INTERVAL_US
                                                                       : MONITOR_INTERVAL_US;
      g_cond_wait_until (&job->cond, &job->lock, g_get_monotonic_time () + interval);
      if (job->done)
        break;
      want_abort = job->abort_requested && !abort_sent;
      want_postcopy = job->postcopy_requested && !postcopy_sent;
      g_mutex_unlock (&job->lock);

      if (domain == NULL)
        {
          g_mutex_lock (&job->lock);
          continue;
        }

      if (want_abort)
        {
          abort_sent = TRUE;
          if (virDomainAbortJob (domain) < 0)
            g_debug ("abort of %s: %s", job->name, virGetLastErrorMessage ());
        }

      progress_reset (&progress);
      if (virDomainGetJobStats (domain, &type, &params, &nparams, 0) == 0 &&
          type != VIR_DOMAIN_JOB_NONE)
        {
          read_job_stats (params, nparams, FALSE, &progress);

          /* The maximum downtime applies to a running migration job. */
          if (!downtime_set && job->options.live && job->options.max_downtime_ms > 0)
            {
              downtime_set = TRUE;
              if (virDomainMigrateSetMaxDowntime (domain, job->options.max_downtime_ms, 0) < 0)
                g_debug ("max downtime of %s: %s", job->name, virGetLastErrorMessage ());
            }

          /* virsh's --postcopy-after-precopy: switch once the first full
           * pass is over. */
          if (job->options.postcopy_after_precopy && progress.iteration >= 2)
            want_postcopy = !postcopy_sent;
        }
      virTypedParamsFree (params, nparams);
      if (progress.elapsed_ms == 0)
        progress.elapsed_ms = (g_get_monotonic_time () - started) / 1000;

      if (want_postcopy && job->options.postcopy && !abort_sent)
        {
          postcopy_sent = TRUE;
          if (virDomainMigrateStartPostCopy (domain, 0) < 0)
            g_debug ("post-copy of %s: %s", job->name, virGetLastErrorMessage ());
        }

      if (virDomainGetState (domain, &state, &reason, 0) == 0 &&
          state == VIR_DOMAIN_PAUSED && reason == VIR_DOMAIN_PAUSED_POSTCOPY)
        {
          g_mutex_lock (&job->lock);
          job->in_postcopy = TRUE;
          g_mutex_unlock (&job->lock);
        }

      post_progress (job, &progress, job->in_postcopy);
      g_mutex_lock (&job->lock);
    }
  g_mutex_unlock (&job->lock);

  if (domain != NULL)
    virDomainFree (domain);
  if (conn != NULL)
    virConnectClose (conn);
  virResetLastError ();
  job_unref (job);
  return NULL;
}

/* ---------------------------------------------------------------------- */
/* Migrate thread                                                          */

static void
add_params (Job                   *job,
            virTypedParameterPtr  *params,
            int                   *nparams,
            int                   *maxparams,
            unsigned int          *flags)
{
  const FerryMigrationOptions *o = &job->options;

  *flags = 0;
  if (o->persistent)
    *flags |= VIR_MIGRATE_PERSIST_DEST | VIR_MIGRATE_UNDEFINE_SOURCE;

  if (!o->live)
    {
      *flags |= VIR_MIGRATE_OFFLINE | VIR_MIGRATE_PERSIST_DEST;
      return;
    }

  *flags |= VIR_MIGRATE_LIVE | VIR_MIGRATE_ABORT_ON_ERROR;
  if (o->peer_to_peer || o->tunnelled)
    *flags |= VIR_MIGRATE_PEER2PEER;
  if (o->tunnelled)
    *flags |= VIR_MIGRATE_TUNNELLED;
  if (o->storage == FERRY_MIGRATION_STORAGE_COPY_ALL)
    *flags |= VIR_MIGRATE_NON_SHARED_DISK;
  else if (o->storage == FERRY_MIGRATION_STORAGE_COPY_INC)
    *flags |= VIR_MIGRATE_NON_SHARED_INC;
  if (o->auto_converge)
    {
      *flags |= VIR_MIGRATE_AUTO_CONVERGE;
      virTypedParamsAddInt (params, nparams, maxparams, VIR_MIGRATE_PARAM_AUTO_CONVERGE_INITIAL, 20);
      virTypedParamsAddInt (params, nparams, maxparams, VIR_MIGRATE_PARAM_AUTO_CONVERGE_INCREMENT, 20);
    }
  if (o->postcopy)
    *flags |= VIR_MIGRATE_POSTCOPY;
  if (o->parallel_connections > 1)
    {
      *flags |= VIR_MIGRATE_PARALLEL;
      virTypedParamsAddInt (params, nparams, maxparams, VIR_MIGRATE_PARAM_PARALLEL_CONNECTIONS,
                            (int) o->parallel_connections);
    }
  if (o->compress)
    *flags |= VIR_MIGRATE_COMPRESSED;
  if (o->bandwidth_mib > 0)
    {
      virTypedParamsAddULLong (params, nparams, maxparams, VIR_MIGRATE_PARAM_BANDWIDTH, o->bandwidth_mib);
      if (o->postcopy)
        virTypedParamsAddULLong (params, nparams, maxparams, VIR_MIGRATE_PARAM_BANDWIDTH_POSTCOPY,
                                 o->bandwidth_mib);
    }
  if (job->migrate_uri != NULL && !o->tunnelled)
    virTypedParamsAddString (params, nparams, maxparams, VIR_MIGRATE_PARAM_URI, job->migrate_uri);
}

typedef struct
{
  Job                    *job;
  GError                 *error;
  FerryMigrationProgress  completed;
  gboolean                have_completed;
} Outcome;

static void
outcome_free (Outcome *outcome)
{
  job_unref (outcome->job);
  g_clear_error (&outcome->error);
  g_free (outcome);
}

/* The source's libvirtd reports the finished job (with its downtime) in an
 * event: after post-copy the destination has no completed statistics and
 * undefining the source drops its own. Runs on the event-loop thread. */
static int
on_job_completed (virConnectPtr         conn,
                  virDomainPtr          domain,
                  virTypedParameterPtr  params,
                  int                   nparams,
                  void                 *opaque)
{
  Job *job = opaque;
  FerryMigrationProgress stats;

  progress_reset (&stats);
  read_job_stats (params, nparams, TRUE, &stats);
  g_mutex_lock (&job->lock);
  job->event_stats = stats;
  job->have_event_stats = TRUE;
  g_cond_broadcast (&job->cond);
  g_mutex_unlock (&job->lock);
  return 0;
}

static gboolean
job_abort_requested (Job *job)
{
  gboolean requested;

  g_mutex_lock (&job->lock);
  requested = job->abort_requested;
  g_mutex_unlock (&job->lock);
  return requested;
}

static gpointer
migrate_thread (gpointer data)
{
  GTask *task = data;
  Job *job = g_task_get_task_data (task);
  Outcome *outcome = g_new0 (Outcome, 1);
  g_autoptr(GError) error = NULL;
  virConnectPtr sconn = NULL, dconn = NULL;
  virDomainPtr domain = NULL, moved = NULL;
  virTypedParameterPtr params = NULL;
  int nparams = 0, maxparams = 0;
  unsigned int flags = 0;
  GThread *monitor = NULL;
  int event_id = -1;
  int active;
  gint64 started = g_get_monotonic_time ();

  outcome->job = job_ref (job);

  if ((sconn = _ferry_node_open_private_connection (job->source, &error)) == NULL)
    goto out;
  if (!job->options.peer_to_peer && !job->options.tunnelled &&
      (dconn = _ferry_node_open_private_connection (job->destination, &error)) == NULL)
    goto out;

  domain = virDomainLookupByUUIDString (sconn, job->uuid);
  if (domain == NULL)
    {
      ferry_libvirt_set_error (&error, _("“%s” was not found on %s"), job->name,
                               ferry_node_get_uri (job->source));
      goto out;
    }

  active = virDomainIsActive (domain);
  if (active < 0)
    {
      ferry_libvirt_set_error (&error, _("Could not read the state of “%s”"), job->name);
      goto out;
    }
  if (job->options.live && active == 0)
    {
      /* Shut off since the dialog: move it offline (tunables don't apply). */
      FerryMigrationStorage storage = job->options.storage;
      gboolean persistent = job->options.persistent;

      ferry_migration_options_apply_preset (&job->options, FERRY_MIGRATION_PRESET_DEFAULT);
      job->options.live = FALSE;
      job->options.storage = storage;
      job->options.persistent = persistent;
    }
  else if (!job->options.live && active == 1)
    {
      g_set_error (&error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is running: it can only be moved live"), job->name);
      goto out;
    }
  if (!job->options.live && (job->options.peer_to_peer || job->options.tunnelled))
    {
      job->options.peer_to_peer = job->options.tunnelled = FALSE;
      if (dconn == NULL &&
          (dconn = _ferry_node_open_private_connection (job->destination, &error)) == NULL)
        goto out;
    }

  if (!job->options.live && job->options.storage != FERRY_MIGRATION_STORAGE_SHARED &&
      !_ferry_disk_copy_offline (sconn, dconn, domain, job->name, &error))
    goto out;

  add_params (job, &params, &nparams, &maxparams, &flags);

  if (job->options.live)
    {
      event_id = virConnectDomainEventRegisterAny (sconn, domain, VIR_DOMAIN_EVENT_ID_JOB_COMPLETED,
                                                   VIR_DOMAIN_EVENT_CALLBACK (on_job_completed),
                                                   job_ref (job), (virFreeCallback) job_unref);
      monitor = g_thread_new ("ferry-migmon", monitor_thread, job_ref (job));
    }

  if (job->options.peer_to_peer || job->options.tunnelled)
    {
      /* The source's libvirtd talks to the destination itself; afterwards
       * the completed statistics are read from the destination. */
      if (virDomainMigrateToURI3 (domain, job->destination_uri, params, nparams, flags) < 0)
        ferry_libvirt_set_error (&error, _("Could not migrate “%s”"), job->name);
      else
        {
          g_autoptr(GError) local = NULL;

          dconn = _ferry_node_open_private_connection (job->destination, &local);
          if (dconn != NULL)
            moved = virDomainLookupByUUIDString (dconn, job->uuid);
        }
    }
  else
    {
      moved = virDomainMigrate3 (domain, dconn, params, nparams, flags);
      if (moved == NULL)
        ferry_libvirt_set_error (&error, _("Could not migrate “%s”"), job->name);
    }

  g_mutex_lock (&job->lock);
  job->done = TRUE;
  g_cond_broadcast (&job->cond);
  g_mutex_unlock (&job->lock);
  if (monitor != NULL)
    g_thread_join (monitor);

  if (error == NULL && moved != NULL)
    {
      virTypedParameterPtr stats = NULL;
      int nstats = 0, type = 0;

      progress_reset (&outcome->completed);
      if (job->options.live &&
          virDomainGetJobStats (moved, &type, &stats, &nstats, VIR_DOMAIN_JOB_STATS_COMPLETED) == 0 &&
          type != VIR_DOMAIN_JOB_NONE)
        {
          read_job_stats (stats, nstats, TRUE, &outcome->completed);
          outcome->have_completed = TRUE;
        }
      virTypedParamsFree (stats, nstats);

      /* No downtime from the destination (post-copy): the source's event
       * has it; it may trail the API's return by a moment. */
      if (job->options.live && (outcome->completed.downtime_ms < 0 || outcome->completed.bytes_moved == 0))
        {
          gint64 deadline = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;

          g_mutex_lock (&job->lock);
          while (!job->have_event_stats && g_cond_wait_until (&job->cond, &job->lock, deadline))
            ;
          if (job->have_event_stats)
            {
              if (outcome->completed.downtime_ms < 0)
                outcome->completed.downtime_ms = job->event_stats.downtime_ms;
              if (outcome->completed.bytes_moved == 0)
                outcome->completed.bytes_moved = job->event_stats.bytes_moved;
              if (outcome->completed.elapsed_ms == 0)
                outcome->completed.elapsed_ms = job->event_stats.elapsed_ms;
            }
          g_mutex_unlock (&job->lock);
        }
      if (outcome->completed.elapsed_ms == 0)
        outcome->completed.elapsed_ms = (g_get_monotonic_time () - started) / 1000;
      outcome->completed.fraction = 1.0;
      outcome->have_completed = TRUE;
    }
  else if (error != NULL && job_abort_requested (job))
    {
      g_clear_error (&error);
      g_set_error (&error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                   _("Cancelled: “%s” keeps running on %s"), job->name,
                   ferry_node_get_name (job->source));
    }

out:
  if (event_id >= 0)
    virConnectDomainEventDeregisterAny (sconn, event_id);
  virTypedParamsFree (params, nparams);
  if (moved != NULL)
    virDomainFree (moved);
  if (domain != NULL)
    virDomainFree (domain);
  if (dconn != NULL)
    virConnectClose (dconn);
  if (sconn != NULL)
    virConnectClose (sconn);
  virResetLastError ();

  g_mutex_lock (&job->lock);
  job->done = TRUE;
  g_cond_broadcast (&job->cond);
  g_mutex_unlock (&job->lock);

  outcome->error = g_steal_pointer (&error);
  g_task_return_pointer (task, outcome, (GDestroyNotify) outcome_free);
  g_object_unref (task);
  return NULL;
}

/* ---------------------------------------------------------------------- */
/* Public API                                                              */

/* What the VM's row says while this job exists. */
static void
update_activity (FerryMigration *self)
{
  g_autofree char *text = NULL;
  const char *to = ferry_node_get_name (self->destination);

  if (ferry_migration_is_finished (self))
    {
      if (ferry_vm_get_migration (self->vm) == (gpointer) self)
        _ferry_vm_set_activity (self->vm, NULL, NULL);
      return;
    }
  if (self->state == FERRY_MIGRATION_QUEUED)
    text = g_strdup_printf (_("Queued → %s"), to);
  else if (self->progress.fraction >= 0)
    text = g_strdup_printf (self->state == FERRY_MIGRATION_POSTCOPY ? _("%.0f %% post-copy → %s")
                                                                     : _("%.0f %% → %s"),
                            self->progress.fraction * 100.0, to);
  else
    text = g_strdup_printf (_("Migrating → %s"), to);
  _ferry_vm_set_activity (self->vm, G_OBJECT (self), text);
}

static void
set_state (FerryMigration      *self,
           FerryMigrationState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  update_activity (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

FerryMigration *
ferry_migration_new (FerryVm                     *vm,
                     FerryNode                   *destination,
                     const FerryMigrationOptions *options)
{
  FerryMigration *self;

  g_return_val_if_fail (FERRY_IS_VM (vm), NULL);
  g_return_val_if_fail (FERRY_IS_NODE (destination), NULL);

  self = g_object_new (FERRY_TYPE_MIGRATION, NULL);
  self->vm = g_object_ref (vm);
  self->vm_name = g_strdup (ferry_vm_get_name (vm));
  g_set_object (&self->source, ferry_vm_get_node (vm));
  self->destination = g_object_ref (destination);
  if (options != NULL)
    self->options = *options;
  else
    {
      g_autoptr(FerryMigrationOptions) defaults = ferry_migration_options_new (FERRY_MIGRATION_PRESET_DEFAULT);

      self->options = *defaults;
      self->options.live = ferry_vm_state_is_active (ferry_vm_get_state (vm));
    }
  return self;
}

FerryVm *
ferry_migration_get_vm (FerryMigration *self)
{
  g_return_val_if_fail (FERRY_IS_MIGRATION (self), NULL);
  return self->vm;
}

const char *
ferry_migration_get_vm_name (FerryMigration *self)
{
  g_return_val_if_fail (FERRY_IS_MIGRATION (self), NULL);
  return self->vm_name;
}

FerryNode *
ferry_migration_get_source (FerryMigration *self)
{
  g_return_val_if_fail (FERRY_IS_MIGRATION (self), NULL);
  return self->source;
}

FerryNode *
ferry_migration_get_destination (FerryMigration *self)
{
  g_return_val_if_fail (FERRY_IS_MIGRATION (self), NULL);
  return self->destination;
}

const FerryMigrationOptions *
ferry_migration_get_options (FerryMigration *self)
{
  g_return_val_if_fail (FERRY_IS_MIGRATION (self), NULL);
  return &self->options;
}

FerryMigrationState
ferry_migration_get_state (FerryMigration *self)
{
  g_return_val_if_fail (FERRY_IS_MIGRATION (self), FERRY_MIGRATION_FAILED);
  return self->state;
}

gboolean
ferry_migration_is_finished (FerryMigration *self)
{
  g_return_val_if_fail (FERRY_IS_MIGRATION (self), TRUE);
  return self->state == FERRY_MIGRATION_COMPLETED ||
         self->state == FERRY_MIGRATION_FAILED ||
         self->state == FERRY_MIGRATION_CANCELLED;
}

const FerryMigrationProgress *
ferry_migration_get_progress (FerryMigration *self)
{
  g_return_val_if_fail (FERRY_IS_MIGRATION (self), NULL);
  return &self->progress;
}

const GError *
ferry_migration_get_error (FerryMigration *self)
{
  g_return_val_if_fail (FERRY_IS_MIGRATION (self), NULL);
  return self->error;
}

FerryTask *
ferry_migration_get_task (FerryMigration *self)
{
  g_return_val_if_fail (FERRY_IS_MIGRATION (self), NULL);
  return self->task;
}

void
ferry_migration_set_task (FerryMigration *self,
                          FerryTask      *task)
{
  g_return_if_fail (FERRY_IS_MIGRATION (self));
  g_set_object (&self->task, task);
}

static char *
format_mib (guint64 bytes)
{
  return g_strdup_printf ("%.0f", (double) bytes / (1024.0 * 1024.0));
}

char *
ferry_migration_describe_progress (FerryMigration *self)
{
  const FerryMigrationProgress *p;
  GString *s;

  g_return_val_if_fail (FERRY_IS_MIGRATION (self), NULL);

  p = &self->progress;
  switch (self->state)
    {
    case FERRY_MIGRATION_QUEUED:
      return g_strdup (_("Waiting for a free migration slot"));
    case FERRY_MIGRATION_FAILED:
    case FERRY_MIGRATION_CANCELLED:
      return g_strdup (self->error != NULL ? self->error->message : "");
    case FERRY_MIGRATION_COMPLETED:
      {
        g_autofree char *moved = format_mib (p->bytes_moved);

        if (!self->options.live)
          return g_strdup_printf (_("Moved to %s in %.1f s"),
                                  ferry_node_get_name (self->destination), p->elapsed_ms / 1000.0);
        if (p->downtime_ms >= 0)
          return g_strdup_printf (_("Moved to %s in %.1f s, paused %lld ms, %s MiB sent"),
                                  ferry_node_get_name (self->destination), p->elapsed_ms / 1000.0,
                                  (long long) p->downtime_ms, moved);
        return g_strdup_printf (_("Moved to %s in %.1f s, %s MiB sent"),
                                ferry_node_get_name (self->destination), p->elapsed_ms / 1000.0, moved);
      }
    case FERRY_MIGRATION_RUNNING:
    case FERRY_MIGRATION_POSTCOPY:
    default:
      break;
    }

  s = g_string_new (NULL);
  if (!self->options.live)
    g_string_append (s, _("Moving the definition"));
  else if (self->state == FERRY_MIGRATION_POSTCOPY)
    g_string_append_printf (s, _("Post-copy: running on %s, fetching the rest"),
                            ferry_node_get_name (self->destination));
  else if (p->disk_total > 0 && p->disk_remaining > 0)
    g_string_append (s, _("Copying disks"));
  else if (p->data_total == 0)
    g_string_append (s, _("Starting"));
  else if (p->iteration > 1)
    g_string_append_printf (s, _("Transferring memory, pass %llu"), (unsigned long long) p->iteration);
  else
    g_string_append (s, _("Transferring memory"));

  if (p->fraction >= 0 && p->data_total > 0)
    {
      g_autofree char *done = format_mib (p->data_total - MIN (p->data_remaining, p->data_total));
      g_autofree char *total = format_mib (p->data_total);

      /* Translators: "45 % (120 of 384 MiB)" */
      g_string_append_printf (s, _(": %.0f %% (%s of %s MiB)"), p->fraction * 100.0, done, total);
    }
  if (p->throughput > 0)
    g_string_append_printf (s, _(", %.1f MiB/s"), p->throughput / (1024.0 * 1024.0));
  if (p->dirty_rate > 0)
    g_string_append_printf (s, _(", dirtying %.1f MiB/s"), p->dirty_rate / (1024.0 * 1024.0));
  if (p->expected_downtime_ms >= 0 && self->state == FERRY_MIGRATION_RUNNING && self->options.live)
    g_string_append_printf (s, _(", pause ~%lld ms"), (long long) p->expected_downtime_ms);
  if (p->eta_ms >= 0 && p->throughput > 0 && self->state != FERRY_MIGRATION_POSTCOPY)
    g_string_append_printf (s, _(", %.0f s left"), p->eta_ms / 1000.0);
  return g_string_free (s, FALSE);
}

static void
run_done (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FerryMigration *self = g_task_get_source_object (task);
  Outcome *outcome;

  outcome = g_task_propagate_pointer (G_TASK (result), NULL);
  g_assert (outcome != NULL);

  _ferry_reconcile_note_moving (outcome->job->uuid, -1);
  _ferry_vm_note_migration (self->vm);
  g_clear_error (&self->error);
  if (outcome->error != NULL && !g_error_matches (outcome->error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
      self->source != NULL)
    {
      /* libvirt's words, and what they mean for the VM: it stayed. */
      char *message = g_strdup_printf (_("%s. “%s” stays on %s."), outcome->error->message,
                                       self->vm_name, ferry_node_get_name (self->source));

      g_free (outcome->error->message);
      outcome->error->message = message;
    }
  if (outcome->error != NULL)
    {
      self->error = g_error_copy (outcome->error);
      set_state (self, g_error_matches (outcome->error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
                         ? FERRY_MIGRATION_CANCELLED : FERRY_MIGRATION_FAILED);
      if (self->task != NULL)
        ferry_task_fail (self->task, self->error);
    }
  else
    {
      self->progress = outcome->completed;
      set_state (self, FERRY_MIGRATION_COMPLETED);
      if (self->task != NULL)
        {
          g_autofree char *text = ferry_migration_describe_progress (self);

          ferry_task_set_progress (self->task, 1.0);
          ferry_task_succeed (self->task, text);
        }
    }
  g_signal_emit (self, signals[PROGRESS_CHANGED], 0);

  /* Whatever happened, look again at both ends (events may be late, and
   * after a failure the source must show the VM running there). */
  if (self->source != NULL)
    _ferry_node_refresh_domain (self->source, outcome->job->uuid);
  _ferry_node_refresh_domain (self->destination, outcome->job->uuid);

  /* One definition only: the side that should not have the VM is looked at
   * once it answers (live moves; an offline move has no such race). */
  if (self->source != NULL && self->options.persistent)
    {
      if (self->state == FERRY_MIGRATION_COMPLETED)
        _ferry_reconcile_start (self, self->source, self->destination, outcome->job->uuid);
      else if (self->state == FERRY_MIGRATION_FAILED || self->state == FERRY_MIGRATION_CANCELLED)
        _ferry_reconcile_start (self, self->destination, self->source, outcome->job->uuid);
    }

  g_clear_pointer (&self->job, job_unref);
  if (self->cancellable != NULL)
    {
      g_cancellable_disconnect (self->cancellable, self->cancelled_id);
      self->cancelled_id = 0;
      g_clear_object (&self->cancellable);
    }

  if (outcome->error != NULL)
    g_task_return_error (task, g_error_copy (outcome->error));
  else
    g_task_return_boolean (task, TRUE);
  outcome_free (outcome);
}

static void
on_cancelled (GCancellable   *cancellable,
              FerryMigration *self)
{
  ferry_migration_cancel (self);
}

void
ferry_migration_run_async (FerryMigration      *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  GTask *inner;
  Job *job;
  const char *address;

  g_return_if_fail (FERRY_IS_MIGRATION (self));
  g_return_if_fail (self->job == NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ferry_migration_run_async);

  if (self->state == FERRY_MIGRATION_CANCELLED)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cancelled"));
      return;
    }

  if (self->source == NULL)
    g_set_error (&error, FERRY_LIBVIRT_ERROR, FERRY_LIBVIRT_ERROR_NOT_CONNECTED,
                 _("“%s” is not on any connected node"), self->vm_name);
  else if (self->source == self->destination)
    g_set_error (&error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                 _("“%s” already runs on %s"), self->vm_name, ferry_node_get_name (self->destination));
  else if (ferry_vm_get_node (self->vm) != self->source)
    g_set_error (&error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                 _("“%s” has moved since this migration was planned"), self->vm_name);
  else
    {
      /* Shut off since it was planned: an offline move (tunables don't apply). */
      if (self->options.live && !ferry_vm_state_is_active (ferry_vm_get_state (self->vm)))
        {
          FerryMigrationOptions offline = self->options;

          ferry_migration_options_apply_preset (&offline, FERRY_MIGRATION_PRESET_DEFAULT);
          offline.live = FALSE;
          offline.peer_to_peer = offline.tunnelled = FALSE;
          offline.bandwidth_mib = 0;
          self->options = offline;
        }
      ferry_migration_options_validate (&self->options, &error);
    }

  if (error != NULL)
    {
      self->error = g_error_copy (error);
      set_state (self, FERRY_MIGRATION_FAILED);
      if (self->task != NULL)
        ferry_task_fail (self->task, error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  job = g_new0 (Job, 1);
  g_atomic_ref_count_init (&job->ref);
  g_mutex_init (&job->lock);
  g_cond_init (&job->cond);
  job->uuid = g_strdup (ferry_vm_get_uuid (self->vm));
  job->name = g_strdup (self->vm_name);
  job->source = g_object_ref (self->source);
  job->destination = g_object_ref (self->destination);
  job->destination_uri = g_strdup (ferry_node_get_uri (self->destination));
  job->options = self->options;
  job->context = g_main_context_ref_thread_default ();
  g_weak_ref_init (&job->owner, self);

  address = ferry_node_get_migration_address (self->destination);
  if (address != NULL && *address != '\0')
    {
      /* No port: libvirt picks one from the destination's migration range. */
      if (strchr (address, ':') != NULL && address[0] != '[')
        job->migrate_uri = g_strdup_printf ("tcp://[%s]", address);
      else
        job->migrate_uri = g_strdup_printf ("tcp://%s", address);
    }

  self->job = job;
  _ferry_reconcile_note_moving (job->uuid, +1);
  progress_reset (&self->progress);
  _ferry_vm_note_migration (self->vm);
  set_state (self, FERRY_MIGRATION_RUNNING);
  if (self->task != NULL)
    {
      g_autofree char *text = ferry_migration_describe_progress (self);

      ferry_task_set_message (self->task, text);
    }

  if (cancellable != NULL)
    {
      self->cancellable = g_object_ref (cancellable);
      self->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled), self, NULL);
    }

  /* The thread's result comes back through @inner, in this context. */
  inner = g_task_new (self, NULL, run_done, g_steal_pointer (&task));
  g_task_set_task_data (inner, job_ref (job), (GDestroyNotify) job_unref);
  g_thread_unref (g_thread_new ("ferry-migrate", migrate_thread, inner));
}

gboolean
ferry_migration_run_finish (FerryMigration  *self,
                            GAsyncResult    *result,
                            GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
_ferry_migration_cancel_queued (FerryMigration *self)
{
  g_return_if_fail (FERRY_IS_MIGRATION (self));

  if (self->state != FERRY_MIGRATION_QUEUED)
    return;
  g_clear_error (&self->error);
  self->error = g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                             _("Cancelled before it started"));
  set_state (self, FERRY_MIGRATION_CANCELLED);
  if (self->task != NULL)
    ferry_task_fail (self->task, self->error);
  g_signal_emit (self, signals[PROGRESS_CHANGED], 0);
}

void
_ferry_migration_mark_queued (FerryMigration *self)
{
  g_return_if_fail (FERRY_IS_MIGRATION (self));
  update_activity (self);
}

void
ferry_migration_cancel (FerryMigration *self)
{
  g_return_if_fail (FERRY_IS_MIGRATION (self));

  if (self->state == FERRY_MIGRATION_QUEUED)
    {
      _ferry_migration_cancel_queued (self);
      return;
    }
  if (self->job == NULL)
    return;

  g_mutex_lock (&self->job->lock);
  self->job->abort_requested = TRUE;
  g_cond_broadcast (&self->job->cond);
  g_mutex_unlock (&self->job->lock);
  if (self->task != NULL)
    ferry_task_set_message (self->task, _("Cancelling…"));
}

gboolean
ferry_migration_can_switch_to_postcopy (FerryMigration *self)
{
  g_return_val_if_fail (FERRY_IS_MIGRATION (self), FALSE);
  return self->job != NULL && self->state == FERRY_MIGRATION_RUNNING &&
         self->options.live && self->options.postcopy;
}

void
ferry_migration_switch_to_postcopy (FerryMigration *self)
{
  g_return_if_fail (FERRY_IS_MIGRATION (self));

  if (!ferry_migration_can_switch_to_postcopy (self))
    return;
  g_mutex_lock (&self->job->lock);
  self->job->postcopy_requested = TRUE;
  g_cond_broadcast (&self->job->cond);
  g_mutex_unlock (&self->job->lock);
}

const char *
ferry_migration_state_to_string (FerryMigrationState state)
{
  switch (state)
    {
    case FERRY_MIGRATION_QUEUED:    return _("Queued");
    case FERRY_MIGRATION_RUNNING:   return _("Migrating");
    case FERRY_MIGRATION_POSTCOPY:  return _("Post-copy");
    case FERRY_MIGRATION_COMPLETED: return _("Completed");
    case FERRY_MIGRATION_FAILED:    return _("Failed");
    case FERRY_MIGRATION_CANCELLED: return _("Cancelled");
    default:                        return "";
    }
}

/* ---------------------------------------------------------------------- */

static void
ferry_migration_finalize (GObject *object)
{
  FerryMigration *self = FERRY_MIGRATION (object);

  g_clear_object (&self->vm);
  g_clear_object (&self->source);
  g_clear_object (&self->destination);
  g_clear_object (&self->task);
  g_clear_error (&self->error);
  g_clear_pointer (&self->job, job_unref);
  g_free (self->vm_name);

  G_OBJECT_CLASS (ferry_migration_parent_class)->finalize (object);
}

static void
ferry_migration_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  FerryMigration *self = FERRY_MIGRATION (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_migration_class_init (FerryMigrationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ferry_migration_finalize;
  object_class->get_property = ferry_migration_get_property;

  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL,
                      FERRY_MIGRATION_QUEUED, FERRY_MIGRATION_CANCELLED, FERRY_MIGRATION_QUEUED,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The statistics changed (main thread, about twice a second). */
  signals[PROGRESS_CHANGED] =
    g_signal_new ("progress-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
ferry_migration_init (FerryMigration *self)
{
  self->state = FERRY_MIGRATION_QUEUED;
  progress_reset (&self->progress);
}
