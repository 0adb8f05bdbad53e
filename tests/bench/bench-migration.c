/* bench-migration.c — live migration: plain pre-copy against Ferry's recommended preset
 *
 * On the local cluster (tests/cluster, real libvirtd + QEMU/TCG nodes), with
 * every migration capped at 50 MiB/s (the same cap in every run):
 *
 * (a) A busy guest, bench-mig-busy (384 MiB of RAM; `cluster define-guest
 *     --load mem:200:128`: it rewrites a 128 MiB working set at 200 MiB/s,
 *     one changed byte per 4 KiB page), migrated node1 -> node2 twice:
 *       - as `virsh migrate --live --persistent --undefinesource --bandwidth
 *         50 --migrateuri tcp://ADDR` does it: virDomainMigrate3 with
 *         VIR_MIGRATE_LIVE | PERSIST_DEST | UNDEFINE_SOURCE, the same URI and
 *         bandwidth, libvirt's defaults otherwise (plain pre-copy, 300 ms
 *         maximum downtime). Each pass re-sends the whole working set (2.6 s
 *         at 50 MiB/s) while the guest rewrites it 4 times over: the passes
 *         never shrink. Aborted (virDomainAbortJob) at --precopy-limit
 *         seconds, 60 by default: by then pre-copy has made 20-odd passes
 *         with as much left as after the second one, so the 60 s more up to
 *         120 s would add CI time, not information; the output shows the
 *         passes, what was left and libvirt's expected downtime at the
 *         abort. --precopy-limit 120 for the full two minutes.
 *       - through Ferry's core, as the Migrate dialog does it: the dirty
 *         rate measured by ferry_vm_measure_dirty_rate (libvirt's page
 *         sampling over 1 s: longer periods under-report a working set that
 *         is rewritten faster than once per period), the forecast from it,
 *         and FERRY_MIGRATION_PRESET_BUSY when the forecast advises
 *         post-copy or auto-converge, else DEFAULT; bandwidth_mib = the cap;
 *         a FerryMigration job run with ferry_migration_run_async.
 *     Prints total time (wall clock of the call/job), downtime (libvirt's
 *     completed job statistics) and whether it finished within 120 s.
 * (b) An idle guest, bench-mig-idle (384 MiB; `--load mem:0:256`: 256 MiB
 *     filled once with non-zero data, then idle, like a server whose memory
 *     holds data it is not touching), node1 -> node2 the virsh way and back
 *     with Ferry's recommended preset: total time against memory ÷ bandwidth
 *     (384 MiB / 50 MiB/s = 7.7 s, the physical limit) and the ratio. QEMU
 *     sends zero pages as a few bytes, so a guest can beat that limit.
 *
 * Ends with the goal lines (converges where pre-copy does not; downtime
 * <= 300 ms; idle total <= 1.2 x limit). Never fails on a number; exit 77
 * when the cluster is not up or its guests cannot be defined (root).
 * Removes its guests (bench-mig-*) at the end, also after a failure; never
 * touches any other guest.
 *
 *   bench-migration [--precopy-limit SECONDS]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdlib.h>
#include <glib-unix.h>
#include <string.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "ferry-test-util.h"

#define BUSY "bench-mig-busy"
#define IDLE "bench-mig-idle"
#define MEMORY_MIB 384
#define WSS_MIB 128
#define RATE_MIB 200
#define IDLE_FILL_MIB 256
#define CAP_MIB 50
#define FINISH_WITHIN_S 120
#define MIB (1024.0 * 1024.0)

static int precopy_limit_s = 60;
static char **node_uris;        /* node URIs of the cluster, for clean-up */

/* ---------------------------------------------------------------------- */
/* Guests                                                                  */

static gboolean
run_quiet (const char * const *argv,
           char              **err_out)
{
  g_autofree char *err = NULL;
  int status = 0;
  gboolean ok;

  ok = g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                     NULL, NULL, NULL, &err, &status, NULL)
       && g_spawn_check_wait_status (status, NULL);
  if (err_out != NULL)
    *err_out = g_steal_pointer (&err);
  return ok;
}

/* Destroys and undefines @name with its volume on every node where it is.
 * A node that got the guest by migration may not list its volume in the
 * shared pool yet: refresh the pool first, and sweep the volume at the end. */
static void
remove_guest (const char *name)
{
  g_autofree char *volume = g_strdup_printf ("%s.qcow2", name);

  for (guint i = 0; node_uris != NULL && node_uris[i] != NULL; i++)
    {
      const char *state[] = { "virsh", "-q", "-c", node_uris[i], "domstate", name, NULL };
      const char *destroy[] = { "virsh", "-q", "-c", node_uris[i], "destroy", name, NULL };
      const char *refresh[] = { "virsh", "-q", "-c", node_uris[i], "pool-refresh", "shared", NULL };
      const char *undefine[] = { "virsh", "-q", "-c", node_uris[i], "undefine", name,
                                 "--remove-all-storage", NULL };

      if (!run_quiet (state, NULL))
        continue;
      run_quiet (destroy, NULL);
      run_quiet (refresh, NULL);
      if (!run_quiet (undefine, NULL))
        g_printerr ("bench-migration: could not undefine %s on %s\n", name, node_uris[i]);
    }
  if (node_uris != NULL && node_uris[0] != NULL)
    {
      const char *refresh[] = { "virsh", "-q", "-c", node_uris[0], "pool-refresh", "shared", NULL };
      const char *info[] = { "virsh", "-q", "-c", node_uris[0], "vol-info", "--pool", "shared", volume, NULL };
      const char *delete[] = { "virsh", "-q", "-c", node_uris[0], "vol-delete", "--pool", "shared", volume, NULL };

      run_quiet (refresh, NULL);
      if (run_quiet (info, NULL) && !run_quiet (delete, NULL))
        g_printerr ("bench-migration: could not delete the volume %s\n", volume);
    }
}

static void
remove_guests (void)
{
  remove_guest (BUSY);
  remove_guest (IDLE);
}

static gboolean
on_signal (gpointer data)
{
  g_printerr ("bench-migration: interrupted, removing %s and %s\n", BUSY, IDLE);
  remove_guests ();
  exit (1);
  return G_SOURCE_REMOVE;
}

static gboolean
define_guest (const char *cluster,
              const char *node,
              const char *name,
              const char *load)
{
  g_autofree char *memory = g_strdup_printf ("%d", MEMORY_MIB);
  const char *argv[] = { cluster, "define-guest", node, name, "--start", "--memory", memory,
                         "--load", load, NULL };
  g_autofree char *err = NULL;

  if (run_quiet (argv, &err))
    return TRUE;
  g_print ("SKIP: cluster define-guest %s %s failed (needs root): %s", node, name, err ? err : "\n");
  return FALSE;
}

static FerryVm *
find_on (FerryNode  *node,
         const char *name)
{
  GListModel *vms = ferry_node_get_vms (node);

  for (guint i = 0; i < g_list_model_get_n_items (vms); i++)
    {
      g_autoptr(FerryVm) vm = g_list_model_get_item (vms, i);

      if (g_strcmp0 (ferry_vm_get_name (vm), name) == 0)
        return vm;
    }
  return NULL;
}

typedef struct { FerryNode *node; const char *name; } Find;

static gboolean
running_on (gpointer data)
{
  Find *f = data;
  FerryVm *vm = find_on (f->node, f->name);

  return vm != NULL && ferry_vm_get_state (vm) == FERRY_VM_STATE_RUNNING;
}

/* The guest as Ferry sees it on @node, once running there. */
static FerryVm *
wait_vm (FerryNode  *node,
         const char *name)
{
  Find f = { node, name };

  if (!ferry_test_wait_until (running_on, &f, 20000))
    return NULL;
  return find_on (node, name);
}

/* The last "FERRY-LOADSTAT mem N" of the guest, -1 if none. */
static int
guest_rate (const char *name,
            gsize       offset)
{
  g_autofree char *path = g_strdup_printf ("%s/serial/%s.log", ferry_test_cluster_dir (), name);
  g_autofree char *contents = NULL;
  gsize len = 0;
  const char *p, *last = NULL;

  if (!g_file_get_contents (path, &contents, &len, NULL) || len <= offset)
    return -1;
  for (p = contents + offset; (p = strstr (p, "FERRY-LOADSTAT mem ")) != NULL; p++)
    last = p;
  return last != NULL ? atoi (last + strlen ("FERRY-LOADSTAT mem ")) : -1;
}

/* ---------------------------------------------------------------------- */
/* The virsh way: virDomainMigrate3 with virsh's flags, in a thread        */


typedef struct
{
  virDomainPtr  domain;
  virConnectPtr dconn;
  virTypedParameterPtr params;
  int           nparams;
  unsigned int  flags;
  virDomainPtr  moved;
  char         *error;
  gint          done;
} MigrateCall;

static gpointer
migrate_call_thread (gpointer data)
{
  MigrateCall *c = data;

  c->moved = virDomainMigrate3 (c->domain, c->dconn, c->params, c->nparams, c->flags);
  if (c->moved == NULL)
    c->error = g_strdup (virGetLastErrorMessage ());
  g_atomic_int_set (&c->done, 1);
  return NULL;
}

static guint64
param_ull (virTypedParameterPtr params,
           int                  n,
           const char          *name)
{
  unsigned long long v = 0;

  return virTypedParamsGetULLong (params, n, name, &v) == 1 ? v : 0;
}

/* libvirt's own account of a migration: the job-completed event of the
 * source, on a connection of ours. It carries the completed statistics
 * (downtime included) even after post-copy, when the destination has none
 * and UNDEFINE_SOURCE has removed the source's domain. The callback runs on
 * the core's libvirt event thread. */
typedef struct
{
  virConnectPtr conn;
  int           callback_id;
  char         *name;
  GMutex        lock;
  gboolean      seen;
  gint64        downtime_ms;
  gint64        elapsed_ms;
  guint64       processed;
} Witness;

static void
on_job_completed (virConnectPtr        conn,
                  virDomainPtr         domain,
                  virTypedParameterPtr params,
                  int                  nparams,
                  void                *opaque)
{
  Witness *w = opaque;
  unsigned long long v;

  if (g_strcmp0 (virDomainGetName (domain), w->name) != 0)
    return;
  g_mutex_lock (&w->lock);
  w->seen = TRUE;
  w->downtime_ms = virTypedParamsGetULLong (params, nparams, VIR_DOMAIN_JOB_DOWNTIME, &v) == 1 ? (gint64) v : -1;
  w->elapsed_ms = (gint64) param_ull (params, nparams, VIR_DOMAIN_JOB_TIME_ELAPSED);
  w->processed = param_ull (params, nparams, VIR_DOMAIN_JOB_DATA_PROCESSED);
  g_mutex_unlock (&w->lock);
}

static void
witness_start (Witness    *w,
               FerryNode  *source,
               const char *name)
{
  memset (w, 0, sizeof *w);
  g_mutex_init (&w->lock);
  w->name = g_strdup (name);
  w->downtime_ms = -1;
  w->callback_id = -1;
  w->conn = virConnectOpen (ferry_node_get_uri (source));
  if (w->conn != NULL)
    w->callback_id = virConnectDomainEventRegisterAny (w->conn, NULL, VIR_DOMAIN_EVENT_ID_JOB_COMPLETED,
                                                       VIR_DOMAIN_EVENT_CALLBACK (on_job_completed), w, NULL);
  if (w->callback_id < 0)
    g_printerr ("bench-migration: no job-completed events from %s: %s\n", ferry_node_get_uri (source),
                virGetLastErrorMessage ());
}

static gboolean
witness_seen (gpointer data)
{
  Witness *w = data;
  gboolean seen;

  g_mutex_lock (&w->lock);
  seen = w->seen;
  g_mutex_unlock (&w->lock);
  return seen;
}

/* After the migration: waits a moment for the event (it may trail the
 * call's return), then stops listening. */
static void
witness_stop (Witness  *w,
              gboolean  expect_event)
{
  if (expect_event && w->callback_id >= 0)
    ferry_test_wait_until (witness_seen, w, 5000);
  if (w->callback_id >= 0)
    virConnectDomainEventDeregisterAny (w->conn, w->callback_id);
  if (w->conn != NULL)
    virConnectClose (w->conn);
  w->conn = NULL;
  w->callback_id = -1;
  g_mutex_lock (&w->lock);
  g_mutex_unlock (&w->lock);
}

static void
witness_clear (Witness *w)
{
  g_free (w->name);
  g_mutex_clear (&w->lock);
}

typedef struct
{
  /* in */
  char     *src_uri;
  char     *dst_uri;
  char     *migrate_uri;
  char     *name;
  int       limit_s;
  /* out */
  gboolean  finished;
  gboolean  aborted;
  char     *error;
  double    total_s;
  gint64    downtime_ms;
  guint64   iteration;
  guint64   remaining;           /* memory left at the last sample */
  guint64   remaining_pass2;     /* memory left once the first pass was over */
  gint64    expected_downtime_ms;
  GString  *trace;               /* "10 s: pass 5, 84 MiB left" ... */
  Witness   witness;
  gint      done;
} Plain;

static gpointer
plain_thread (gpointer data)
{
  Plain *p = data;
  virConnectPtr sconn = virConnectOpen (p->src_uri);
  virConnectPtr dconn = virConnectOpen (p->dst_uri);
  virConnectPtr mconn = virConnectOpen (p->src_uri);
  virDomainPtr domain = NULL, mdomain = NULL;
  MigrateCall call = { 0 };
  int maxparams = 0;
  GThread *thread;
  gint64 t0, next_trace;

  if (sconn == NULL || dconn == NULL || mconn == NULL ||
      (domain = virDomainLookupByName (sconn, p->name)) == NULL ||
      (mdomain = virDomainLookupByName (mconn, p->name)) == NULL)
    {
      p->error = g_strdup (virGetLastErrorMessage ());
      goto out;
    }

  /* What `virsh migrate --live --persistent --undefinesource --bandwidth N
   * --migrateuri URI` passes (virsh's cmdMigrate, not peer-to-peer). */
  call.domain = domain;
  call.dconn = dconn;
  call.flags = VIR_MIGRATE_LIVE | VIR_MIGRATE_PERSIST_DEST | VIR_MIGRATE_UNDEFINE_SOURCE;
  virTypedParamsAddString (&call.params, &call.nparams, &maxparams, VIR_MIGRATE_PARAM_URI, p->migrate_uri);
  virTypedParamsAddULLong (&call.params, &call.nparams, &maxparams, VIR_MIGRATE_PARAM_BANDWIDTH, CAP_MIB);

  t0 = g_get_monotonic_time ();
  next_trace = t0 + 10 * G_USEC_PER_SEC;
  thread = g_thread_new ("bench-migrate", migrate_call_thread, &call);
  while (!g_atomic_int_get (&call.done))
    {
      virTypedParameterPtr params = NULL;
      int nparams = 0, type = 0;
      gint64 now;

      g_usleep (250 * 1000);
      now = g_get_monotonic_time ();
      if (virDomainGetJobStats (mdomain, &type, &params, &nparams, 0) == 0 &&
          type != VIR_DOMAIN_JOB_NONE)
        {
          guint64 iteration = param_ull (params, nparams, VIR_DOMAIN_JOB_MEMORY_ITERATION);

          p->remaining = param_ull (params, nparams, VIR_DOMAIN_JOB_MEMORY_REMAINING);
          if (iteration >= 2 && p->iteration < 2)
            p->remaining_pass2 = p->remaining;
          p->iteration = iteration;
          p->expected_downtime_ms = (gint64) param_ull (params, nparams, VIR_DOMAIN_JOB_DOWNTIME);
        }
      virTypedParamsFree (params, nparams);
      if (now >= next_trace)
        {
          g_string_append_printf (p->trace, "%s%.0f s: pass %" G_GUINT64_FORMAT ", %.0f MiB left",
                                  p->trace->len > 0 ? "; " : "", (now - t0) / 1e6, p->iteration,
                                  p->remaining / MIB);
          next_trace += 10 * G_USEC_PER_SEC;
        }
      if (!p->aborted && now - t0 >= (gint64) p->limit_s * G_USEC_PER_SEC)
        {
          p->aborted = TRUE;
          if (virDomainAbortJob (mdomain) < 0)
            g_printerr ("bench-migration: abort: %s\n", virGetLastErrorMessage ());
        }
    }
  g_thread_join (thread);
  p->total_s = (g_get_monotonic_time () - t0) / 1e6;

  if (call.moved != NULL)
    {
      virTypedParameterPtr params = NULL;
      int nparams = 0, type = 0;

      p->finished = TRUE;
      /* The completed statistics travel to the destination. */
      if (virDomainGetJobStats (call.moved, &type, &params, &nparams, VIR_DOMAIN_JOB_STATS_COMPLETED) == 0)
        p->downtime_ms = (gint64) param_ull (params, nparams, VIR_DOMAIN_JOB_DOWNTIME);
      virTypedParamsFree (params, nparams);
      virDomainFree (call.moved);
    }
  else
    p->error = g_steal_pointer (&call.error);
  virTypedParamsFree (call.params, call.nparams);

out:
  g_free (call.error);
  if (mdomain != NULL)
    virDomainFree (mdomain);
  if (domain != NULL)
    virDomainFree (domain);
  if (mconn != NULL)
    virConnectClose (mconn);
  if (dconn != NULL)
    virConnectClose (dconn);
  if (sconn != NULL)
    virConnectClose (sconn);
  g_atomic_int_set (&p->done, 1);
  return NULL;
}

static gboolean
plain_done (gpointer data)
{
  Plain *p = data;

  return g_atomic_int_get (&p->done);
}

/* Runs the virsh-style migration; the main context keeps turning meanwhile
 * (Ferry's nodes follow the guest through their events). */
static void
migrate_plain (FerryNode  *from,
               FerryNode  *to,
               const char *name,
               int         limit_s,
               Plain      *p)
{
  const char *address = ferry_node_get_migration_address (to);

  p->src_uri = g_strdup (ferry_node_get_uri (from));
  p->dst_uri = g_strdup (ferry_node_get_uri (to));
  p->migrate_uri = g_strdup_printf ("tcp://%s", address != NULL ? address : "127.0.0.1");
  p->name = g_strdup (name);
  p->limit_s = limit_s;
  p->downtime_ms = -1;
  p->trace = g_string_new (NULL);
  witness_start (&p->witness, from, name);
  g_thread_unref (g_thread_new ("bench-plain", plain_thread, p));
  ferry_test_wait_until (plain_done, p, (limit_s + 120) * 1000);
  if (!plain_done (p))
    {
      g_print ("bench-migration: the virsh-style migration did not return; giving up\n");
      remove_guests ();
      exit (1);
    }
  witness_stop (&p->witness, p->finished);
  if (p->witness.seen)
    p->downtime_ms = p->witness.downtime_ms;
}

static void
plain_clear (Plain *p)
{
  g_free (p->src_uri);
  g_free (p->dst_uri);
  g_free (p->migrate_uri);
  g_free (p->name);
  g_free (p->error);
  if (p->trace != NULL)
    g_string_free (p->trace, TRUE);
  if (p->witness.name != NULL)
    witness_clear (&p->witness);
}

/* ---------------------------------------------------------------------- */
/* Ferry's way                                                             */

typedef struct
{
  gboolean done;
  double   value;
  GError  *error;
} Measure;

static void
measured (GObject      *object,
          GAsyncResult *result,
          gpointer      data)
{
  Measure *m = data;

  m->value = ferry_vm_measure_dirty_rate_finish (FERRY_VM (object), result, &m->error);
  m->done = TRUE;
}

static gboolean
measure_done (gpointer data)
{
  return ((Measure *) data)->done;
}

typedef struct
{
  /* the recommendation */
  double                 dirty_bytes_per_s;
  double                 measure_s;
  FerryMigrationForecast forecast;
  FerryMigrationPreset   preset;
  char                  *advice;
  char                  *options;
  /* the job */
  gboolean               done;
  gboolean               finished;
  gboolean               cancelled;
  gboolean               saw_postcopy;
  guint64                iterations;
  double                 total_s;
  gint64                 job_elapsed_ms;
  gint64                 downtime_ms;      /* libvirt's (job-completed event) */
  gint64                 job_downtime_ms;  /* what Ferry's job reports */
  guint64                bytes_moved;
  char                  *error;
  Witness                witness;
} Ferry;

static void
on_progress (FerryMigration *migration,
             gpointer        data)
{
  Ferry *f = data;
  const FerryMigrationProgress *p = ferry_migration_get_progress (migration);

  if (ferry_migration_get_state (migration) == FERRY_MIGRATION_POSTCOPY)
    f->saw_postcopy = TRUE;
  f->iterations = MAX (f->iterations, p->iteration);
}

static void
ran (GObject      *object,
     GAsyncResult *result,
     gpointer      data)
{
  Ferry *f = data;
  g_autoptr(GError) error = NULL;

  f->finished = ferry_migration_run_finish (FERRY_MIGRATION (object), result, &error);
  if (error != NULL)
    f->error = g_strdup (error->message);
  f->done = TRUE;
}

static gboolean
ferry_done (gpointer data)
{
  return ((Ferry *) data)->done;
}

/* What Ferry recommends for @vm: measure, forecast, pick the preset. */
static gboolean
recommend (FerryVm *vm,
           Ferry   *f)
{
  Measure m = { 0 };
  gint64 t0 = g_get_monotonic_time ();
  g_autoptr(FerryMigrationOptions) options = NULL;

  ferry_vm_measure_dirty_rate_async (vm, 1, NULL, measured, &m);
  ferry_test_wait_until (measure_done, &m, 30000);
  if (!m.done || m.error != NULL)
    {
      g_print ("Ferry: could not measure the dirty rate of %s: %s\n", ferry_vm_get_name (vm),
               m.error != NULL ? m.error->message : "timed out");
      g_clear_error (&m.error);
      return FALSE;
    }
  f->measure_s = (g_get_monotonic_time () - t0) / 1e6;
  f->dirty_bytes_per_s = m.value;

  /* As the Migrate dialog does it. */
  f->forecast.memory_bytes = ferry_vm_get_memory (vm) > 0 ? ferry_vm_get_memory (vm)
                                                          : (guint64) MEMORY_MIB * 1024 * 1024;
  f->forecast.dirty_bytes_per_s = m.value;
  f->forecast.bandwidth_bytes_per_s = CAP_MIB * MIB;
  f->forecast.max_downtime_ms = 0;
  ferry_migration_forecast_compute (&f->forecast);
  f->advice = ferry_migration_forecast_describe (&f->forecast);
  f->preset = f->forecast.advice != FERRY_MIGRATION_ADVICE_NONE ? FERRY_MIGRATION_PRESET_BUSY
                                                                 : FERRY_MIGRATION_PRESET_DEFAULT;
  options = ferry_migration_options_new (f->preset);
  options->bandwidth_mib = CAP_MIB;
  f->options = ferry_migration_options_describe (options);
  return TRUE;
}

static void
migrate_ferry (FerryVm   *vm,
               FerryNode *to,
               Ferry     *f)
{
  g_autoptr(FerryMigrationOptions) options = ferry_migration_options_new (f->preset);
  g_autoptr(FerryMigration) migration = NULL;
  const FerryMigrationProgress *p;
  gint64 t0;

  options->bandwidth_mib = CAP_MIB;
  migration = ferry_migration_new (vm, to, options);
  g_signal_connect (migration, "progress-changed", G_CALLBACK (on_progress), f);
  witness_start (&f->witness, ferry_vm_get_node (vm), ferry_vm_get_name (vm));
  t0 = g_get_monotonic_time ();
  ferry_migration_run_async (migration, NULL, ran, f);
  ferry_test_wait_until (ferry_done, f, FINISH_WITHIN_S * 1000);
  if (!f->done)
    {
      f->cancelled = TRUE;
      ferry_migration_cancel (migration);
      ferry_test_wait_until (ferry_done, f, 60000);
      if (!f->done)
        {
          g_print ("bench-migration: Ferry's job did not end after its cancel; giving up\n");
          remove_guests ();
          exit (1);
        }
    }
  f->total_s = (g_get_monotonic_time () - t0) / 1e6;
  p = ferry_migration_get_progress (migration);
  witness_stop (&f->witness, f->finished);
  f->job_elapsed_ms = p->elapsed_ms;
  f->job_downtime_ms = f->finished ? p->downtime_ms : -1;
  f->downtime_ms = f->witness.seen ? f->witness.downtime_ms : f->job_downtime_ms;
  f->bytes_moved = p->bytes_moved > 0 ? p->bytes_moved : f->witness.processed;
  f->iterations = MAX (f->iterations, p->iteration);
  g_signal_handlers_disconnect_by_data (migration, f);
}

static void
ferry_clear (Ferry *f)
{
  g_free (f->advice);
  g_free (f->options);
  g_free (f->error);
  if (f->witness.name != NULL)
    witness_clear (&f->witness);
}

/* ---------------------------------------------------------------------- */

static char *
downtime_text (gint64 ms)
{
  return ms >= 0 ? g_strdup_printf ("%" G_GINT64_FORMAT " ms", ms) : g_strdup ("-");
}

static void
print_row (const char *what,
           double      total_s,
           gint64      downtime_ms,
           const char *finished)
{
  g_autofree char *downtime = downtime_text (downtime_ms);

  g_print ("%-34s %9.1f s %10s   %s\n", what, total_s, downtime, finished);
}

static gboolean
alive (const char *name)
{
  /* Heartbeats every second; a few seconds of slack on a busy host. */
  return ferry_test_serial_grows (name, 8000);
}

int
main (int   argc,
      char *argv[])
{
  GOptionEntry entries[] = {
    { "precopy-limit", 0, 0, G_OPTION_ARG_INT, &precopy_limit_s,
      "Seconds after which plain pre-copy is aborted (60; 120 for the full run)", "S" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— pre-copy against Ferry's recommended preset");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(FerryInventory) inventory = NULL;
  g_autoptr(GStrvBuilder) uris = g_strv_builder_new ();
  g_autofree char *cluster = NULL;
  g_autofree char *shared_fs = NULL;
  g_autofree char *shared_fs_path = NULL;
  FerryNode *nodes[2] = { NULL };
  FerryNode *idle_to;
  const char *source = g_getenv ("FERRY_SOURCE_DIR") ? g_getenv ("FERRY_SOURCE_DIR") : ".";
  g_autofree char *busy_load = g_strdup_printf ("mem:%d:%d", RATE_MIB, WSS_MIB);
  g_autofree char *idle_load = g_strdup_printf ("mem:0:%d", IDLE_FILL_MIB);
  gsize busy_offset, idle_offset;
  guint n_nodes;
  FerryVm *vm;
  Plain plain = { 0 }, plain_idle = { 0 };
  Ferry ferry = { 0 }, ferry_idle = { 0 };
  double limit_s = (double) MEMORY_MIB / CAP_MIB;
  gint64 t_start = g_get_monotonic_time ();
  int rate;
  gboolean converges_goal, downtime_goal, idle_goal;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("bench-migration: %s\n", error->message);
      return 2;
    }
  precopy_limit_s = CLAMP (precopy_limit_s, 10, FINISH_WITHIN_S);

  ferry_core_init ();
  listed = ferry_test_read_cluster_nodes ();
  if (listed == NULL || listed->len < 2)
    {
      g_print ("SKIP: the local cluster is not up with 2 nodes or more (tests/cluster/cluster up 3)\n");
      return 77;
    }
  shared_fs_path = g_build_filename (ferry_test_cluster_dir (), "shared-fs", NULL);
  if (g_file_get_contents (shared_fs_path, &shared_fs, NULL, NULL) && g_str_has_prefix (shared_fs, "plain"))
    {
      /* libvirt calls a live migration off a plain local directory unsafe. */
      g_print ("SKIP: the cluster's shared pool is a plain directory (bindfs missing?)\n");
      return 77;
    }
  n_nodes = MIN (listed->len, G_N_ELEMENTS (nodes));
  for (guint i = 0; i < listed->len; i++)
    g_strv_builder_add (uris, ((char **) g_ptr_array_index (listed, i))[1]);
  node_uris = g_strv_builder_end (uris);

  inventory = ferry_inventory_new ();
  if (!ferry_test_connect_cluster (inventory, nodes, NULL, n_nodes, &error))
    {
      g_print ("SKIP: could not connect the cluster's nodes: %s\n", error ? error->message : "?");
      return 77;
    }
  /* node1 <-> node2 for both guests: the integration tests kill and
   * freeze node3 (and the cap, not the node, sets the pace). */
  idle_to = nodes[1];
  g_unix_signal_add (SIGTERM, on_signal, NULL);
  g_unix_signal_add (SIGINT, on_signal, NULL);

  /* The guests (leftovers of an interrupted run go first). */
  remove_guests ();
  cluster = g_build_filename (source, "tests", "cluster", "cluster", NULL);
  busy_offset = ferry_test_serial_size (BUSY);
  idle_offset = ferry_test_serial_size (IDLE);
  if (!define_guest (cluster, "node1", BUSY, busy_load) ||
      !define_guest (cluster, "node1", IDLE, idle_load))
    {
      remove_guests ();
      return 77;
    }
  if (!ferry_test_serial_wait_for (BUSY, busy_offset, "FERRY-LOAD mem", 150000) ||
      !ferry_test_serial_wait_for (IDLE, idle_offset, "FERRY-LOAD mem", 60000))
    {
      g_print ("SKIP: %s or %s did not start its memory load within 150 s\n", BUSY, IDLE);
      remove_guests ();
      return 77;
    }
  /* One LOADSTAT line: the rate the guest really reaches under TCG. */
  ferry_test_serial_wait_for (BUSY, busy_offset, "FERRY-LOADSTAT", 15000);
  rate = guest_rate (BUSY, busy_offset);

  g_print ("\n== bench-migration: plain pre-copy against Ferry's recommended preset, "
           "%d MiB guests, every migration capped at %d MiB/s ==\n", MEMORY_MIB, CAP_MIB);
  g_print ("(guests booted in %.0f s)\n", (g_get_monotonic_time () - t_start) / 1e6);

  /* (a) the busy guest */
  g_print ("\n(a) %s: rewrites %d MiB at %d MiB/s (the guest reports %d MiB/s), %s -> %s\n",
           BUSY, WSS_MIB, RATE_MIB, rate, ferry_node_get_name (nodes[0]), ferry_node_get_name (nodes[1]));
  if ((vm = wait_vm (nodes[0], BUSY)) == NULL)
    {
      g_print ("bench-migration: Ferry does not see %s running on %s\n", BUSY, ferry_node_get_name (nodes[0]));
      remove_guests ();
      return 1;
    }
  migrate_plain (nodes[0], nodes[1], BUSY, precopy_limit_s, &plain);
  g_print ("virsh-style pre-copy: %s\n", plain.trace->len > 0 ? plain.trace->str : "(no trace)");
  if (plain.finished)
    g_print ("virsh-style pre-copy finished (did the guest keep up its rate?)\n");
  else if (plain.aborted)
    g_print ("virsh-style pre-copy aborted at %d s: pass %" G_GUINT64_FORMAT ", %.0f MiB left "
             "(%.0f MiB after the first pass), libvirt's expected downtime %" G_GINT64_FORMAT " ms "
             "(allowed: 300 ms); guest still heartbeating on the source: %s\n",
             precopy_limit_s, plain.iteration, plain.remaining / MIB, plain.remaining_pass2 / MIB,
             plain.expected_downtime_ms, alive (BUSY) ? "yes" : "NO");
  else
    g_print ("virsh-style pre-copy failed: %s\n", plain.error ? plain.error : "?");

  {
    FerryNode *from = plain.finished ? nodes[1] : nodes[0];
    FerryNode *to = plain.finished ? nodes[0] : nodes[1];

    if ((vm = wait_vm (from, BUSY)) == NULL || !recommend (vm, &ferry))
      {
        g_print ("bench-migration: Ferry does not see %s running on %s\n", BUSY, ferry_node_get_name (from));
        remove_guests ();
        return 1;
      }
    g_print ("Ferry: dirty rate %.0f MiB/s (measured in %.1f s) -> forecast: %s -> preset %s (%s)\n",
             ferry.dirty_bytes_per_s / MIB, ferry.measure_s, ferry.advice,
             ferry_migration_preset_to_string (ferry.preset), ferry.options);
    migrate_ferry (vm, to, &ferry);
    if (ferry.finished)
      {
        g_autofree char *job_downtime = downtime_text (ferry.job_downtime_ms);

        g_print ("Ferry: done in %.1f s (job: %.1f s)%s, %" G_GUINT64_FORMAT " pass(es), %.0f MiB moved; "
                 "guest heartbeating on %s: %s\n",
                 ferry.total_s, ferry.job_elapsed_ms / 1000.0, ferry.saw_postcopy ? ", switched to post-copy" : "",
                 ferry.iterations, ferry.bytes_moved / MIB, ferry_node_get_name (to), alive (BUSY) ? "yes" : "NO");
        /* The table's downtime is libvirt's job-completed event; say when
         * the job's own statistics lack it (post-copy + UNDEFINE_SOURCE). */
        g_print ("Ferry's job reports downtime %s; libvirt's job-completed event on %s: %s\n", job_downtime,
                 ferry_node_get_name (from), ferry.witness.seen ? "seen" : "not seen");
      }
    else
      g_print ("Ferry: %s: %s\n", ferry.cancelled ? "cancelled at the limit" : "failed",
               ferry.error ? ferry.error : "?");
  }

  g_print ("\n%-34s %11s %10s   %s\n", "busy guest", "total", "downtime", "finished within 120 s?");
  {
    g_autofree char *what = NULL;

    if (plain.finished)
      what = g_strdup (plain.total_s <= FINISH_WITHIN_S ? "yes" : "no");
    else if (plain.aborted)
      what = g_strdup_printf ("no (not converged, aborted at %d s)", precopy_limit_s);
    else
      what = g_strdup_printf ("no (failed: %s)", plain.error ? plain.error : "?");
    print_row ("virsh migrate --live (pre-copy)", plain.total_s, plain.finished ? plain.downtime_ms : -1, what);
  }
  {
    g_autofree char *what = g_strdup_printf ("Ferry, preset %s", ferry_migration_preset_to_string (ferry.preset));

    print_row (what, ferry.total_s, ferry.downtime_ms,
               ferry.finished && ferry.total_s <= FINISH_WITHIN_S ? "yes" : "no");
  }

  /* (b) the idle guest */
  g_print ("\n(b) %s: %d MiB written once, then idle; %s -> %s the virsh way, back with Ferry's preset\n",
           IDLE, IDLE_FILL_MIB, ferry_node_get_name (nodes[0]), ferry_node_get_name (idle_to));
  g_print ("physical limit: %d MiB / %d MiB/s = %.1f s\n", MEMORY_MIB, CAP_MIB, limit_s);
  if (wait_vm (nodes[0], IDLE) == NULL)
    {
      g_print ("bench-migration: Ferry does not see %s running on %s\n", IDLE, ferry_node_get_name (nodes[0]));
      remove_guests ();
      return 1;
    }
  migrate_plain (nodes[0], idle_to, IDLE, FINISH_WITHIN_S, &plain_idle);
  if (!plain_idle.finished)
    g_print ("virsh-style migration of %s failed: %s\n", IDLE, plain_idle.error ? plain_idle.error : "?");
  {
    FerryNode *from = plain_idle.finished ? idle_to : nodes[0];
    FerryNode *to = plain_idle.finished ? nodes[0] : idle_to;

    if ((vm = wait_vm (from, IDLE)) == NULL || !recommend (vm, &ferry_idle))
      {
        g_print ("bench-migration: Ferry does not see %s running on %s\n", IDLE, ferry_node_get_name (from));
        remove_guests ();
        return 1;
      }
    g_print ("Ferry: dirty rate %.0f MiB/s -> forecast: %s -> preset %s (%s)\n",
             ferry_idle.dirty_bytes_per_s / MIB, ferry_idle.advice,
             ferry_migration_preset_to_string (ferry_idle.preset), ferry_idle.options);
    migrate_ferry (vm, to, &ferry_idle);
    if (!ferry_idle.finished)
      g_print ("Ferry: %s\n", ferry_idle.error ? ferry_idle.error : "did not finish");
    else
      g_print ("Ferry: %.0f MiB moved; guest heartbeating on %s: %s\n", ferry_idle.bytes_moved / MIB,
               ferry_node_get_name (to), alive (IDLE) ? "yes" : "NO");
  }
  g_print ("\n%-34s %11s %10s   %s\n", "idle guest", "total", "downtime", "total / limit");
  {
    g_autofree char *ratio = g_strdup_printf ("%.2f", plain_idle.total_s / limit_s);

    print_row ("virsh migrate --live", plain_idle.total_s, plain_idle.finished ? plain_idle.downtime_ms : -1,
               plain_idle.finished ? ratio : "did not finish");
  }
  {
    g_autofree char *what = g_strdup_printf ("Ferry, preset %s", ferry_migration_preset_to_string (ferry_idle.preset));
    g_autofree char *ratio = g_strdup_printf ("%.2f", ferry_idle.total_s / limit_s);

    print_row (what, ferry_idle.total_s, ferry_idle.downtime_ms, ferry_idle.finished ? ratio : "did not finish");
  }

  remove_guests ();

  converges_goal = !plain.finished && ferry.finished && ferry.total_s <= FINISH_WITHIN_S;
  downtime_goal = ferry.finished && ferry.downtime_ms >= 0 && ferry.downtime_ms <= 300;
  idle_goal = ferry_idle.finished && ferry_idle.total_s <= 1.2 * limit_s;
  g_print ("\nconverges where pre-copy does not: %s\n", converges_goal ? "yes" : "no");
  g_print ("downtime <= 300 ms: %s\n", downtime_goal ? "yes" : "no");
  g_print ("idle total <= 1.2 x limit: %s\n", idle_goal ? "yes" : "no");
  g_print ("bench-migration: %.0f s in all\n", (g_get_monotonic_time () - t_start) / 1e6);

  plain_clear (&plain);
  plain_clear (&plain_idle);
  ferry_clear (&ferry);
  ferry_clear (&ferry_idle);
  for (guint i = 0; i < n_nodes; i++)
    {
      ferry_inventory_remove_node (inventory, nodes[i]);
      g_clear_object (&nodes[i]);
    }
  g_clear_pointer (&node_uris, g_strfreev);
  return 0;
}
