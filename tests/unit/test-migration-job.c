/* test-migration-job.c — FerryMigration on libvirt's test:/// driver: what a
 * job says before it runs, the error when the driver cannot migrate (the VM
 * stays where it was, its task fails), refusals before anything starts and
 * cancelling before it starts
 *
 * test:/// has no migration support, so every job that reaches libvirt
 * fails; real migrations are the integration suite's
 * (tests/integration/test-migration.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ferry-core-all.h"
#include "ferry-test-util.h"

typedef struct
{
  char           *dir;
  FerryInventory *inventory;
  FerryTaskLog   *log;
  FerryNode      *src;        /* src-0001 runs, src-0002 is shut off */
  FerryNode      *dst;        /* empty */
} Fixture;

static FerryNode *
add_host (Fixture    *fixture,
          const char *name,
          guint       n,
          guint       n_running,
          const char *uuid_prefix)
{
  g_autofree char *file = g_strdup_printf ("%s.xml", name);
  g_autofree char *uri = ferry_test_write_node_file (fixture->dir, file, name, n, n_running, uuid_prefix);
  FerryNode *node = ferry_test_add_connected_node (fixture->inventory, uri);

  ferry_node_set_name (node, name);
  return node;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->dir = g_dir_make_tmp ("ferry-migration-job-XXXXXX", NULL);
  g_assert_nonnull (fixture->dir);
  fixture->inventory = ferry_inventory_new ();
  fixture->log = ferry_task_log_new ();
  fixture->src = add_host (fixture, "src", 2, 1, "1a1a1a1a-0000-4000-8000-");
  fixture->dst = add_host (fixture, "dst", 0, 0, "2b2b2b2b-0000-4000-8000-");
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  FerryNode *nodes[] = { fixture->src, fixture->dst };

  for (guint i = 0; i < G_N_ELEMENTS (nodes); i++)
    {
      ferry_inventory_remove_node (fixture->inventory, nodes[i]);
      ferry_test_finalize_node (nodes[i]);
    }
  g_assert_finalize_object (fixture->inventory);
  g_assert_finalize_object (fixture->log);
  ferry_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
}

static FerryVm *
vm_named (Fixture    *fixture,
          const char *name)
{
  FerryVm *vm = ferry_inventory_find_vm_by_name (fixture->inventory, name);

  g_assert_nonnull (vm);
  return vm;
}

/* A job that reaches libvirt and fails after a failed (or cancelled) move
 * would look at both hosts for a leftover definition 8 and 30 s later
 * (ferry-reconcile.c), holding the job and both nodes meanwhile: these
 * jobs do not ask for a persistent move, so nothing outlives the test. */
static FerryMigrationOptions *
transient_options (gboolean live)
{
  FerryMigrationOptions *options = ferry_migration_options_new (FERRY_MIGRATION_PRESET_DEFAULT);

  options->live = live;
  options->persistent = FALSE;
  return options;
}

typedef struct
{
  GArray  *states;     /* FerryMigrationState, as notified */
  guint    progress;   /* "progress-changed" */
  gboolean done;
  GError  *error;
} Run;

static void
record_state (FerryMigration *migration,
              GParamSpec     *pspec,
              Run            *run)
{
  FerryMigrationState state = ferry_migration_get_state (migration);

  g_array_append_val (run->states, state);
}

static void
count_progress (FerryMigration *migration,
                Run            *run)
{
  run->progress++;
}

static void
run_done (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Run *run = user_data;

  gboolean ok = ferry_migration_run_finish (FERRY_MIGRATION (object), result, &run->error);

  /* FALSE exactly when there is an error. */
  g_assert_cmpint (ok, ==, run->error == NULL);
  run->done = TRUE;
}

static gboolean
run_finished (gpointer data)
{
  return ((Run *) data)->done;
}

static void
run_init (Run            *run,
          FerryMigration *migration)
{
  run->states = g_array_new (FALSE, FALSE, sizeof (FerryMigrationState));
  run->progress = 0;
  run->done = FALSE;
  run->error = NULL;
  g_signal_connect (migration, "notify::state", G_CALLBACK (record_state), run);
  g_signal_connect (migration, "progress-changed", G_CALLBACK (count_progress), run);
}

/* Runs @migration to its end and returns its error (or NULL). */
static GError *
run_job (FerryMigration *migration,
         GCancellable   *cancellable,
         Run            *run)
{
  ferry_migration_run_async (migration, cancellable, run_done, run);
  g_assert_true (ferry_test_wait_until (run_finished, run, 30000));
  return g_steal_pointer (&run->error);
}

static void
run_clear (Run            *run,
           FerryMigration *migration)
{
  g_signal_handlers_disconnect_by_data (migration, run);
  g_clear_pointer (&run->states, g_array_unref);
  g_clear_error (&run->error);
}

static FerryMigrationState
state_at (Run   *run,
          guint  i)
{
  g_assert_cmpuint (i, <, run->states->len);
  return g_array_index (run->states, FerryMigrationState, i);
}

/* ---------------------------------------------------------------------- */

/* What a job says before it runs: the VM, both ends, the defaults for the
 * VM's state, nothing measured yet. */
static void
test_properties (Fixture       *fixture,
                 gconstpointer  data)
{
  FerryVm *running = vm_named (fixture, "src-0001");
  FerryVm *shut_off = vm_named (fixture, "src-0002");
  g_autoptr(FerryMigrationOptions) defaults = ferry_migration_options_new (FERRY_MIGRATION_PRESET_DEFAULT);
  g_autoptr(FerryMigrationOptions) mine = ferry_migration_options_new (FERRY_MIGRATION_PRESET_BUSY);
  FerryMigration *live = ferry_migration_new (running, fixture->dst, NULL);
  FerryMigration *offline = ferry_migration_new (shut_off, fixture->dst, NULL);
  FerryMigration *custom = NULL;
  const FerryMigrationProgress *progress;
  g_autofree char *text = NULL;
  FerryTask *task;
  int state = -1;

  g_assert_true (ferry_migration_get_vm (live) == running);
  g_assert_cmpstr (ferry_migration_get_vm_name (live), ==, "src-0001");
  g_assert_true (ferry_migration_get_source (live) == fixture->src);
  g_assert_true (ferry_migration_get_destination (live) == fixture->dst);
  g_assert_cmpint (ferry_migration_get_state (live), ==, FERRY_MIGRATION_QUEUED);
  g_object_get (live, "state", &state, NULL);
  g_assert_cmpint (state, ==, FERRY_MIGRATION_QUEUED);
  g_assert_false (ferry_migration_is_finished (live));
  g_assert_null (ferry_migration_get_error (live));
  g_assert_null (ferry_migration_get_task (live));
  /* Only a running live job may switch to post-copy. */
  g_assert_false (ferry_migration_can_switch_to_postcopy (live));
  ferry_migration_switch_to_postcopy (live);
  g_assert_cmpint (ferry_migration_get_state (live), ==, FERRY_MIGRATION_QUEUED);

  /* Nothing measured: unknown, not zero. */
  progress = ferry_migration_get_progress (live);
  g_assert_cmpfloat (progress->fraction, ==, -1);
  g_assert_cmpint (progress->eta_ms, ==, -1);
  g_assert_cmpint (progress->downtime_ms, ==, -1);
  g_assert_cmpint (progress->expected_downtime_ms, ==, -1);
  g_assert_cmpuint (progress->bytes_moved, ==, 0);
  text = ferry_migration_describe_progress (live);
  g_assert_cmpstr (text, ==, "Waiting for a free migration slot");

  /* Defaults follow the VM's state: live if it runs, else offline;
   * the rest is the default preset (a persistent move). */
  g_assert_true (ferry_migration_get_options (live)->live);
  g_assert_false (ferry_migration_get_options (offline)->live);
  g_assert_cmpint (ferry_migration_get_options (live)->persistent, ==, defaults->persistent);
  g_assert_cmpint (ferry_migration_get_options (live)->postcopy, ==, defaults->postcopy);
  g_assert_cmpuint (ferry_migration_get_options (live)->bandwidth_mib, ==, defaults->bandwidth_mib);

  /* Options are copied: changing the caller's afterwards changes nothing. */
  mine->bandwidth_mib = 77;
  custom = ferry_migration_new (running, fixture->dst, mine);
  mine->bandwidth_mib = 5;
  g_assert_cmpuint (ferry_migration_get_options (custom)->bandwidth_mib, ==, 77);
  g_assert_cmpint (ferry_migration_get_options (custom)->postcopy, ==, mine->postcopy);

  /* A task is the caller's to give; the job keeps a reference. */
  task = ferry_task_log_start (fixture->log, "Migrate", "src-0001");
  ferry_migration_set_task (custom, task);
  g_assert_true (ferry_migration_get_task (custom) == task);
  ferry_migration_set_task (custom, NULL);
  g_assert_null (ferry_migration_get_task (custom));

  g_assert_cmpstr (ferry_migration_state_to_string (FERRY_MIGRATION_QUEUED), ==, "Queued");
  g_assert_cmpstr (ferry_migration_state_to_string (FERRY_MIGRATION_RUNNING), ==, "Migrating");
  g_assert_cmpstr (ferry_migration_state_to_string (FERRY_MIGRATION_POSTCOPY), ==, "Post-copy");
  g_assert_cmpstr (ferry_migration_state_to_string (FERRY_MIGRATION_COMPLETED), ==, "Completed");
  g_assert_cmpstr (ferry_migration_state_to_string (FERRY_MIGRATION_FAILED), ==, "Failed");
  g_assert_cmpstr (ferry_migration_state_to_string (FERRY_MIGRATION_CANCELLED), ==, "Cancelled");

  /* A job that never ran holds nothing but its own references. */
  g_assert_finalize_object (live);
  g_assert_finalize_object (offline);
  g_assert_finalize_object (custom);
}

/* The test driver cannot migrate: a clear error that says libvirt's words
 * and that the VM stays, the VM still running on its host, nothing on the
 * destination, the task failed with that message. */
static void
test_driver_refuses (Fixture       *fixture,
                     gconstpointer  data)
{
  FerryVm *vm = vm_named (fixture, "src-0001");
  g_autoptr(FerryMigrationOptions) options = transient_options (TRUE);
  FerryMigration *migration = ferry_migration_new (vm, fixture->dst, options);
  FerryTask *task = ferry_task_log_start (fixture->log, "Migrate", "src-0001 → dst");
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  Run run;

  ferry_migration_set_task (migration, task);
  run_init (&run, migration);
  error = run_job (migration, NULL, &run);

  g_assert_nonnull (error);
  g_assert_false (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED));
  g_test_message ("the test driver says: %s", error->message);
  g_assert_nonnull (strstr (error->message, "Could not migrate “src-0001”"));
  /* libvirt's own reason: the driver has no migration. */
  g_assert_error (error, FERRY_LIBVIRT_ERROR, FERRY_LIBVIRT_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "not supported"));
  g_assert_true (g_str_has_suffix (error->message, "“src-0001” stays on src."));
  g_assert_cmpstr (ferry_migration_get_error (migration)->message, ==, error->message);

  /* Queued → migrating → failed, each once. */
  g_assert_cmpuint (run.states->len, ==, 2);
  g_assert_cmpint (state_at (&run, 0), ==, FERRY_MIGRATION_RUNNING);
  g_assert_cmpint (state_at (&run, 1), ==, FERRY_MIGRATION_FAILED);
  g_assert_true (ferry_migration_is_finished (migration));
  g_assert_cmpuint (run.progress, >=, 1);
  text = ferry_migration_describe_progress (migration);
  g_assert_cmpstr (text, ==, error->message);

  g_assert_cmpint (ferry_task_get_state (task), ==, FERRY_TASK_FAILED);
  g_assert_cmpstr (ferry_task_get_message (task), ==, error->message);

  /* Where it was, as it was; nothing arrived. */
  ferry_test_drain_worker (fixture->src);
  ferry_test_drain_worker (fixture->dst);
  g_assert_true (ferry_vm_get_node (vm) == fixture->src);
  g_assert_cmpint (ferry_vm_get_state (vm), ==, FERRY_VM_STATE_RUNNING);
  g_assert_cmpuint (ferry_node_get_n_vms (fixture->dst), ==, 0);
  g_assert_null (ferry_vm_get_migration (vm));
  g_assert_null (ferry_vm_get_activity (vm));
  g_assert_cmpuint (ferry_core_get_libvirt_calls_on_main_thread (), ==, 0);

  run_clear (&run, migration);
  ferry_test_finalize_object (migration);
}

/* An offline move of a shut-off VM is refused the same way; the VM stays
 * defined (and shut off) on its host. */
static void
test_driver_refuses_offline (Fixture       *fixture,
                             gconstpointer  data)
{
  FerryVm *vm = vm_named (fixture, "src-0002");
  g_autoptr(FerryMigrationOptions) options = transient_options (FALSE);
  FerryMigration *migration = ferry_migration_new (vm, fixture->dst, options);
  g_autoptr(GError) error = NULL;
  Run run;

  run_init (&run, migration);
  error = run_job (migration, NULL, &run);
  g_assert_nonnull (error);
  g_assert_true (g_str_has_suffix (error->message, "“src-0002” stays on src."));
  g_assert_cmpint (ferry_migration_get_state (migration), ==, FERRY_MIGRATION_FAILED);

  ferry_test_drain_worker (fixture->src);
  ferry_test_drain_worker (fixture->dst);
  g_assert_true (ferry_vm_get_node (vm) == fixture->src);
  g_assert_cmpint (ferry_vm_get_state (vm), ==, FERRY_VM_STATE_SHUT_OFF);
  g_assert_cmpuint (ferry_node_get_n_vms (fixture->dst), ==, 0);

  run_clear (&run, migration);
  ferry_test_finalize_object (migration);
}

/* A destination that is not connected refuses before libvirt is asked to
 * move anything; the message names it. */
static void
test_destination_not_connected (Fixture       *fixture,
                                gconstpointer  data)
{
  FerryVm *vm = vm_named (fixture, "src-0001");
  g_autoptr(FerryMigrationOptions) options = transient_options (TRUE);
  FerryMigration *migration = ferry_migration_new (vm, fixture->dst, options);
  FerryTask *task = ferry_task_log_start (fixture->log, "Migrate", "src-0001 → dst");
  g_autoptr(GError) error = NULL;
  Run run;

  ferry_node_disconnect (fixture->dst);
  g_assert_cmpint (ferry_node_get_state (fixture->dst), ==, FERRY_NODE_STATE_DISCONNECTED);
  ferry_migration_set_task (migration, task);
  run_init (&run, migration);
  error = run_job (migration, NULL, &run);

  g_assert_error (error, FERRY_LIBVIRT_ERROR, FERRY_LIBVIRT_ERROR_NOT_CONNECTED);
  g_assert_nonnull (strstr (error->message, ferry_node_get_uri (fixture->dst)));
  g_assert_true (g_str_has_suffix (error->message, "“src-0001” stays on src."));
  g_assert_cmpint (ferry_migration_get_state (migration), ==, FERRY_MIGRATION_FAILED);
  g_assert_cmpint (ferry_task_get_state (task), ==, FERRY_TASK_FAILED);
  g_assert_true (ferry_vm_get_node (vm) == fixture->src);
  g_assert_cmpint (ferry_vm_get_state (vm), ==, FERRY_VM_STATE_RUNNING);

  run_clear (&run, migration);
  ferry_test_finalize_object (migration);
}

/* Refused before any thread starts: to its own host, and options libvirt
 * would refuse. Failed at once, never "migrating". */
static void
test_refused_before_start (Fixture       *fixture,
                           gconstpointer  data)
{
  FerryVm *vm = vm_named (fixture, "src-0001");
  g_autoptr(FerryMigrationOptions) tunnelled = transient_options (TRUE);
  FerryMigration *home = ferry_migration_new (vm, fixture->src, NULL);
  FerryMigration *bad = NULL;
  FerryTask *task = ferry_task_log_start (fixture->log, "Migrate", "src-0001 → src");
  g_autoptr(GError) error = NULL;
  Run run;

  ferry_migration_set_task (home, task);
  run_init (&run, home);
  error = run_job (home, NULL, &run);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (error->message, ==, "“src-0001” already runs on src");
  g_assert_cmpuint (run.states->len, ==, 1);
  g_assert_cmpint (state_at (&run, 0), ==, FERRY_MIGRATION_FAILED);
  g_assert_cmpint (ferry_task_get_state (task), ==, FERRY_TASK_FAILED);
  run_clear (&run, home);
  g_clear_error (&error);

  /* Tunnelled needs peer-to-peer. */
  tunnelled->tunnelled = TRUE;
  tunnelled->peer_to_peer = FALSE;
  bad = ferry_migration_new (vm, fixture->dst, tunnelled);
  run_init (&run, bad);
  error = run_job (bad, NULL, &run);
  g_assert_nonnull (error);
  g_assert_cmpuint (run.states->len, ==, 1);
  g_assert_cmpint (state_at (&run, 0), ==, FERRY_MIGRATION_FAILED);
  g_assert_true (ferry_vm_get_node (vm) == fixture->src);
  run_clear (&run, bad);

  ferry_test_finalize_object (home);
  ferry_test_finalize_object (bad);
}

/* Cancelled while queued: cancelled at once with a reason, its task too,
 * and running it afterwards starts nothing. */
static void
test_cancel_before_start (Fixture       *fixture,
                          gconstpointer  data)
{
  FerryVm *vm = vm_named (fixture, "src-0001");
  g_autoptr(FerryMigrationOptions) options = transient_options (TRUE);
  FerryMigration *migration = ferry_migration_new (vm, fixture->dst, options);
  FerryTask *task = ferry_task_log_start (fixture->log, "Migrate", "src-0001 → dst");
  g_autoptr(GError) error = NULL;
  Run run;

  ferry_migration_set_task (migration, task);
  run_init (&run, migration);
  ferry_migration_cancel (migration);
  g_assert_cmpint (ferry_migration_get_state (migration), ==, FERRY_MIGRATION_CANCELLED);
  g_assert_true (ferry_migration_is_finished (migration));
  g_assert_error (ferry_migration_get_error (migration), G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpstr (ferry_migration_get_error (migration)->message, ==, "Cancelled before it started");
  g_assert_cmpint (ferry_task_get_state (task), ==, FERRY_TASK_CANCELLED);
  g_assert_cmpuint (run.progress, ==, 1);

  /* Once is enough. */
  ferry_migration_cancel (migration);
  g_assert_cmpuint (run.states->len, ==, 1);

  error = run_job (migration, NULL, &run);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* Never migrating: the one change was to cancelled. */
  g_assert_cmpuint (run.states->len, ==, 1);
  g_assert_cmpint (state_at (&run, 0), ==, FERRY_MIGRATION_CANCELLED);
  g_assert_true (ferry_vm_get_node (vm) == fixture->src);
  g_assert_cmpint (ferry_vm_get_state (vm), ==, FERRY_VM_STATE_RUNNING);
  g_assert_null (ferry_vm_get_activity (vm));

  run_clear (&run, migration);
  ferry_test_finalize_object (migration);
}

/* A job whose cancellable is cancelled as it starts asks libvirt to abort
 * before the move begins: cancelled (not failed), with a message that
 * says where the VM keeps running, and the task cancelled. */
static void
test_cancelled_as_it_starts (Fixture       *fixture,
                             gconstpointer  data)
{
  FerryVm *vm = vm_named (fixture, "src-0001");
  g_autoptr(FerryMigrationOptions) options = transient_options (TRUE);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  FerryMigration *migration = ferry_migration_new (vm, fixture->dst, options);
  FerryTask *task = ferry_task_log_start (fixture->log, "Migrate", "src-0001 → dst");
  g_autoptr(GError) error = NULL;
  Run run;

  ferry_migration_set_task (migration, task);
  run_init (&run, migration);
  g_cancellable_cancel (cancellable);
  error = run_job (migration, cancellable, &run);

  /* The caller hears GTask's "cancelled" (its cancellable was); the job
   * keeps the words for the task log. */
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_error (ferry_migration_get_error (migration), G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpstr (ferry_migration_get_error (migration)->message, ==,
                   "Cancelled: “src-0001” keeps running on src");
  g_assert_cmpuint (run.states->len, ==, 2);
  g_assert_cmpint (state_at (&run, 0), ==, FERRY_MIGRATION_RUNNING);
  g_assert_cmpint (state_at (&run, 1), ==, FERRY_MIGRATION_CANCELLED);
  g_assert_cmpint (ferry_task_get_state (task), ==, FERRY_TASK_CANCELLED);

  ferry_test_drain_worker (fixture->src);
  g_assert_true (ferry_vm_get_node (vm) == fixture->src);
  g_assert_cmpint (ferry_vm_get_state (vm), ==, FERRY_VM_STATE_RUNNING);

  run_clear (&run, migration);
  ferry_test_finalize_object (migration);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  ferry_core_init ();
  /* libvirt's event loop iterates GLib's default context on ferry-core's
   * event thread whenever the main thread lets go of it: own it all along,
   * as the application's main loop does. */
  g_main_context_acquire (NULL);

  g_test_add ("/migration-job/properties", Fixture, NULL, fixture_set_up, test_properties, fixture_tear_down);
  g_test_add ("/migration-job/driver-refuses", Fixture, NULL, fixture_set_up, test_driver_refuses,
              fixture_tear_down);
  g_test_add ("/migration-job/driver-refuses-offline", Fixture, NULL, fixture_set_up,
              test_driver_refuses_offline, fixture_tear_down);
  g_test_add ("/migration-job/destination-not-connected", Fixture, NULL, fixture_set_up,
              test_destination_not_connected, fixture_tear_down);
  g_test_add ("/migration-job/refused-before-start", Fixture, NULL, fixture_set_up, test_refused_before_start,
              fixture_tear_down);
  g_test_add ("/migration-job/cancel-before-start", Fixture, NULL, fixture_set_up, test_cancel_before_start,
              fixture_tear_down);
  g_test_add ("/migration-job/cancelled-as-it-starts", Fixture, NULL, fixture_set_up,
              test_cancelled_as_it_starts, fixture_tear_down);

  {
    int ret = g_test_run ();

    g_main_context_release (NULL);
    return ret;
  }
}
