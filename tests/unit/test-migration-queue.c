/* test-migration-queue.c — FerryMigrationQueue on libvirt's test:/// driver:
 * the per-host limit, the order jobs start in, one job per VM, what
 * cancelling does to a queued job, the list model and its tasks
 *
 * test:/// cannot migrate: every job that starts fails in its thread. The
 * queue starts jobs synchronously (in add, set_limit and when a job ends)
 * and a job's end only arrives through the main loop, so what runs and
 * what waits can be read between those calls without any timing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ferry-core-all.h"
#include "ferry-test-util.h"

typedef struct
{
  char                *dir;
  FerryInventory      *inventory;
  FerryTaskLog        *log;
  FerryMigrationQueue *queue;
  FerryNode           *n1;      /* n1-0001…n1-0004 run */
  FerryNode           *n2;
  FerryNode           *n3;      /* n3-0001, n3-0002 run */
  FerryNode           *n4;
  GPtrArray           *jobs;    /* FerryMigration made by the test */
  GPtrArray           *started; /* VM names, in the order their jobs started */
  guint                added;   /* items-changed totals */
  guint                removed;
} Fixture;

static FerryNode *
add_host (Fixture    *fixture,
          const char *name,
          guint       n,
          const char *uuid_prefix)
{
  g_autofree char *file = g_strdup_printf ("%s.xml", name);
  g_autofree char *uri = ferry_test_write_node_file (fixture->dir, file, name, n, n, uuid_prefix);
  FerryNode *node = ferry_test_add_connected_node (fixture->inventory, uri);

  ferry_node_set_name (node, name);
  return node;
}

static void
count_items (GListModel *model,
             guint       position,
             guint       removed,
             guint       added,
             Fixture    *fixture)
{
  fixture->added += added;
  fixture->removed += removed;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->dir = g_dir_make_tmp ("ferry-migration-queue-XXXXXX", NULL);
  g_assert_nonnull (fixture->dir);
  fixture->inventory = ferry_inventory_new ();
  fixture->log = ferry_task_log_new ();
  fixture->queue = ferry_migration_queue_new (fixture->log);
  fixture->n1 = add_host (fixture, "n1", 4, "11111111-0000-4000-8000-");
  fixture->n2 = add_host (fixture, "n2", 0, "22222222-0000-4000-8000-");
  fixture->n3 = add_host (fixture, "n3", 2, "33333333-0000-4000-8000-");
  fixture->n4 = add_host (fixture, "n4", 0, "44444444-0000-4000-8000-");
  fixture->jobs = g_ptr_array_new ();
  fixture->started = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (fixture->queue, "items-changed", G_CALLBACK (count_items), fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  FerryNode *nodes[] = { fixture->n1, fixture->n2, fixture->n3, fixture->n4 };

  /* A finished job is the test's alone: the queue let go of it. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->queue)), ==, 0);
  g_signal_handlers_disconnect_by_data (fixture->queue, fixture);
  g_assert_finalize_object (fixture->queue);
  for (guint i = 0; i < fixture->jobs->len; i++)
    {
      FerryMigration *job = g_ptr_array_index (fixture->jobs, i);

      g_signal_handlers_disconnect_by_data (job, fixture);
      ferry_test_finalize_object (job);
    }
  g_ptr_array_unref (fixture->jobs);
  g_ptr_array_unref (fixture->started);
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

/* Jobs running on @node, as the queue lists them. */
static guint
running_on (Fixture   *fixture,
            FerryNode *node)
{
  GListModel *model = G_LIST_MODEL (fixture->queue);
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(FerryMigration) m = g_list_model_get_item (model, i);

      if (ferry_migration_get_state (m) == FERRY_MIGRATION_RUNNING &&
          (ferry_migration_get_source (m) == node || ferry_migration_get_destination (m) == node))
        n++;
    }
  return n;
}

/* Every start is recorded, and checked against the limit there and then. */
static void
on_state (FerryMigration *migration,
          GParamSpec     *pspec,
          Fixture        *fixture)
{
  FerryNode *nodes[] = { fixture->n1, fixture->n2, fixture->n3, fixture->n4 };
  guint limit = ferry_migration_queue_get_limit (fixture->queue);

  if (ferry_migration_get_state (migration) != FERRY_MIGRATION_RUNNING)
    return;
  g_ptr_array_add (fixture->started, g_strdup (ferry_migration_get_vm_name (migration)));
  for (guint i = 0; i < G_N_ELEMENTS (nodes); i++)
    g_assert_cmpuint (running_on (fixture, nodes[i]), <=, limit);
}

/* A job the test owns: not persistent, so a failed one leaves no check of
 * both hosts pending for half a minute (ferry-reconcile.c) that would
 * keep it and its nodes alive past the test. */
static FerryMigration *
job_new (Fixture    *fixture,
         const char *vm_name,
         FerryNode  *destination)
{
  g_autoptr(FerryMigrationOptions) options = ferry_migration_options_new (FERRY_MIGRATION_PRESET_DEFAULT);
  FerryVm *vm = ferry_inventory_find_vm_by_name (fixture->inventory, vm_name);
  FerryMigration *job;

  g_assert_nonnull (vm);
  options->persistent = FALSE;
  job = ferry_migration_new (vm, destination, options);
  g_signal_connect (job, "notify::state", G_CALLBACK (on_state), fixture);
  g_ptr_array_add (fixture->jobs, job);
  return job;
}

static FerryMigration *
add_job (Fixture    *fixture,
         const char *vm_name,
         FerryNode  *destination)
{
  FerryMigration *job = job_new (fixture, vm_name, destination);
  g_autoptr(GError) error = NULL;

  g_assert_true (ferry_migration_queue_add (fixture->queue, job, &error));
  g_assert_no_error (error);
  return job;
}

static gboolean
queue_empty (gpointer data)
{
  return g_list_model_get_n_items (data) == 0;
}

static void
wait_until_empty (Fixture *fixture)
{
  g_assert_true (ferry_test_wait_until (queue_empty, fixture->queue, 30000));
  g_assert_cmpuint (ferry_migration_queue_get_n_running (fixture->queue), ==, 0);
}

static void
assert_started (Fixture    *fixture,
                const char *first,
                ...)
{
  va_list args;
  guint i = 0;

  va_start (args, first);
  for (const char *name = first; name != NULL; name = va_arg (args, const char *), i++)
    {
      g_assert_cmpuint (i, <, fixture->started->len);
      g_assert_cmpstr (g_ptr_array_index (fixture->started, i), ==, name);
    }
  va_end (args);
  g_assert_cmpuint (fixture->started->len, ==, i);
}

static gboolean
model_is (Fixture        *fixture,
          FerryMigration *first,
          ...)
{
  GListModel *model = G_LIST_MODEL (fixture->queue);
  va_list args;
  guint i = 0;
  gboolean same = TRUE;

  va_start (args, first);
  for (FerryMigration *m = first; m != NULL; m = va_arg (args, FerryMigration *), i++)
    {
      g_autoptr(FerryMigration) item = g_list_model_get_item (model, i);

      same = same && item == m;
    }
  va_end (args);
  return same && g_list_model_get_n_items (model) == i;
}

/* ---------------------------------------------------------------------- */

/* One job per host at a time, counting source and destination; jobs start
 * in the order they came, but one between idle hosts does not wait
 * behind one for a busy host. */
static void
test_limit_per_host (Fixture       *fixture,
                     gconstpointer  data)
{
  FerryMigration *a, *b, *c, *d;

  g_assert_cmpuint (ferry_migration_queue_get_limit (fixture->queue), ==, 2);
  ferry_migration_queue_set_limit (fixture->queue, 1);
  g_assert_cmpuint (ferry_migration_queue_get_limit (fixture->queue), ==, 1);

  a = add_job (fixture, "n1-0001", fixture->n2);
  b = add_job (fixture, "n1-0002", fixture->n2);      /* n1 is busy */
  c = add_job (fixture, "n3-0001", fixture->n4);      /* n3 and n4 are idle */
  d = add_job (fixture, "n1-0003", fixture->n4);      /* n1 and n4 are busy */

  g_assert_cmpint (ferry_migration_get_state (a), ==, FERRY_MIGRATION_RUNNING);
  g_assert_cmpint (ferry_migration_get_state (b), ==, FERRY_MIGRATION_QUEUED);
  g_assert_cmpint (ferry_migration_get_state (c), ==, FERRY_MIGRATION_RUNNING);
  g_assert_cmpint (ferry_migration_get_state (d), ==, FERRY_MIGRATION_QUEUED);
  g_assert_cmpuint (ferry_migration_queue_get_n_running (fixture->queue), ==, 2);
  assert_started (fixture, "n1-0001", "n3-0001", NULL);

  /* The model: queued and running, oldest first. */
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (fixture->queue)) == FERRY_TYPE_MIGRATION);
  g_assert_true (model_is (fixture, a, b, c, d, NULL));
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (fixture->queue), 4));
  g_assert_cmpuint (fixture->added, ==, 4);

  /* A waiting job says so, in its task and on its VM. */
  g_assert_nonnull (ferry_migration_get_task (b));
  g_assert_cmpstr (ferry_task_get_title (ferry_migration_get_task (b)), ==, "Migrate");
  g_assert_cmpstr (ferry_task_get_target (ferry_migration_get_task (b)), ==, "n1-0002 → n2");
  g_assert_cmpstr (ferry_task_get_message (ferry_migration_get_task (b)), ==, "Waiting for a free migration slot");
  g_assert_cmpstr (ferry_vm_get_activity (ferry_migration_get_vm (b)), ==, "Queued → n2");
  g_assert_true (ferry_vm_get_migration (ferry_migration_get_vm (b)) == b);

  /* Whichever of a and c ends first, b (older) starts before d, and d
   * waits until n1 is free again. */
  wait_until_empty (fixture);
  assert_started (fixture, "n1-0001", "n3-0001", "n1-0002", "n1-0003", NULL);
  g_assert_cmpuint (fixture->removed, ==, 4);

  /* The test driver refused each; the log has why, the VMs stayed. */
  for (guint i = 0; i < fixture->jobs->len; i++)
    {
      FerryMigration *job = g_ptr_array_index (fixture->jobs, i);
      FerryVm *vm = ferry_migration_get_vm (job);

      g_assert_cmpint (ferry_migration_get_state (job), ==, FERRY_MIGRATION_FAILED);
      g_assert_cmpint (ferry_task_get_state (ferry_migration_get_task (job)), ==, FERRY_TASK_FAILED);
      g_assert_true (ferry_vm_get_node (vm) == ferry_migration_get_source (job));
      g_assert_null (ferry_migration_queue_find (fixture->queue, vm));
      g_assert_null (ferry_vm_get_activity (vm));
    }
  g_assert_cmpuint (ferry_task_log_get_n_running (fixture->log), ==, 0);
}

/* Raising the limit starts what waits at once; it never goes below one. */
static void
test_set_limit (Fixture       *fixture,
                gconstpointer  data)
{
  FerryMigration *a, *b, *c;

  a = add_job (fixture, "n1-0001", fixture->n2);
  b = add_job (fixture, "n1-0002", fixture->n2);
  c = add_job (fixture, "n1-0003", fixture->n3);

  /* Two per host by default: the third on n1 waits. */
  g_assert_cmpint (ferry_migration_get_state (a), ==, FERRY_MIGRATION_RUNNING);
  g_assert_cmpint (ferry_migration_get_state (b), ==, FERRY_MIGRATION_RUNNING);
  g_assert_cmpint (ferry_migration_get_state (c), ==, FERRY_MIGRATION_QUEUED);

  ferry_migration_queue_set_limit (fixture->queue, 3);
  g_assert_cmpint (ferry_migration_get_state (c), ==, FERRY_MIGRATION_RUNNING);
  g_assert_cmpuint (ferry_migration_queue_get_n_running (fixture->queue), ==, 3);

  /* Lowering it stops nothing that runs. */
  ferry_migration_queue_set_limit (fixture->queue, 0);
  g_assert_cmpuint (ferry_migration_queue_get_limit (fixture->queue), ==, 1);
  g_assert_cmpuint (ferry_migration_queue_get_n_running (fixture->queue), ==, 3);

  wait_until_empty (fixture);
  assert_started (fixture, "n1-0001", "n1-0002", "n1-0003", NULL);
}

/* One job per VM while it is queued or running; after it ended the VM may
 * be queued again. A job that has a task keeps it. */
static void
test_one_job_per_vm (Fixture       *fixture,
                     gconstpointer  data)
{
  FerryMigration *a, *again, *later;
  FerryTask *task = ferry_task_log_start (fixture->log, "Move", "mine");
  g_autoptr(GError) error = NULL;
  FerryVm *vm;

  a = add_job (fixture, "n1-0001", fixture->n2);
  vm = ferry_migration_get_vm (a);
  g_assert_true (ferry_migration_queue_find (fixture->queue, vm) == a);
  g_assert_null (ferry_migration_queue_find (fixture->queue,
                                             ferry_inventory_find_vm_by_name (fixture->inventory, "n1-0002")));

  again = job_new (fixture, "n1-0001", fixture->n3);
  g_assert_false (ferry_migration_queue_add (fixture->queue, again, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BUSY);
  g_assert_cmpstr (error->message, ==, "“n1-0001” is already being migrated to n2");
  g_assert_true (model_is (fixture, a, NULL));
  /* Refused: untouched, no task made for it. */
  g_assert_cmpint (ferry_migration_get_state (again), ==, FERRY_MIGRATION_QUEUED);
  g_assert_null (ferry_migration_get_task (again));
  g_clear_error (&error);

  wait_until_empty (fixture);
  g_assert_null (ferry_migration_queue_find (fixture->queue, vm));

  later = job_new (fixture, "n1-0001", fixture->n3);
  ferry_migration_set_task (later, task);
  g_assert_true (ferry_migration_queue_add (fixture->queue, later, &error));
  g_assert_no_error (error);
  g_assert_true (ferry_migration_get_task (later) == task);
  wait_until_empty (fixture);
  g_assert_cmpint (ferry_task_get_state (task), ==, FERRY_TASK_FAILED);
  assert_started (fixture, "n1-0001", "n1-0001", NULL);
}

/* A queued job that is cancelled leaves the queue at once and never runs;
 * its task says cancelled. */
static void
test_cancel_queued (Fixture       *fixture,
                    gconstpointer  data)
{
  FerryMigration *a, *b, *c;
  const GError *error;

  ferry_migration_queue_set_limit (fixture->queue, 1);
  a = add_job (fixture, "n1-0001", fixture->n2);
  b = add_job (fixture, "n1-0002", fixture->n2);
  c = add_job (fixture, "n1-0003", fixture->n2);
  g_assert_cmpint (ferry_migration_get_state (b), ==, FERRY_MIGRATION_QUEUED);

  ferry_migration_cancel (b);
  g_assert_cmpint (ferry_migration_get_state (b), ==, FERRY_MIGRATION_CANCELLED);
  g_assert_true (model_is (fixture, a, c, NULL));
  g_assert_cmpuint (fixture->removed, ==, 1);
  error = ferry_migration_get_error (b);
  g_assert_error ((GError *) error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpstr (error->message, ==, "Cancelled before it started");
  g_assert_cmpint (ferry_task_get_state (ferry_migration_get_task (b)), ==, FERRY_TASK_CANCELLED);
  g_assert_null (ferry_migration_queue_find (fixture->queue, ferry_migration_get_vm (b)));
  g_assert_null (ferry_vm_get_activity (ferry_migration_get_vm (b)));

  /* The rest goes on: c starts after a, b never. */
  wait_until_empty (fixture);
  assert_started (fixture, "n1-0001", "n1-0003", NULL);
  g_assert_cmpint (ferry_migration_get_state (b), ==, FERRY_MIGRATION_CANCELLED);
  g_assert_true (ferry_vm_get_node (ferry_migration_get_vm (b)) == fixture->n1);
}

static gboolean
job_cancelled (gpointer data)
{
  return ferry_migration_get_state (data) == FERRY_MIGRATION_CANCELLED;
}

/* Cancelling a queued job's task (as the task log does) cancels the job:
 * it leaves the queue and never runs. The cancellable's handler must not
 * wait for itself while the queue lets go of the job. */
static void
test_cancel_queued_task (Fixture       *fixture,
                         gconstpointer  data)
{
  FerryMigration *a, *b;
  FerryTask *task;

  ferry_migration_queue_set_limit (fixture->queue, 1);
  a = add_job (fixture, "n1-0001", fixture->n2);
  b = add_job (fixture, "n1-0002", fixture->n2);
  g_assert_cmpint (ferry_migration_get_state (a), ==, FERRY_MIGRATION_RUNNING);
  g_assert_cmpint (ferry_migration_get_state (b), ==, FERRY_MIGRATION_QUEUED);
  task = ferry_migration_get_task (b);

  g_cancellable_cancel (ferry_task_get_cancellable (task));
  g_assert_true (ferry_test_wait_until (job_cancelled, b, 10000));
  g_assert_null (ferry_migration_queue_find (fixture->queue, ferry_migration_get_vm (b)));
  g_assert_false (ferry_test_model_contains (G_LIST_MODEL (fixture->queue), b));
  g_assert_error ((GError *) ferry_migration_get_error (b), G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (ferry_task_get_state (task), ==, FERRY_TASK_CANCELLED);
  g_assert_null (ferry_vm_get_activity (ferry_migration_get_vm (b)));

  wait_until_empty (fixture);
  assert_started (fixture, "n1-0001", NULL);
  g_assert_cmpint (ferry_migration_get_state (b), ==, FERRY_MIGRATION_CANCELLED);
  g_assert_cmpuint (fixture->removed, ==, 2);
}

/* A job whose task was cancelled before it was added ends at once,
 * cancelled, and is never listed; its VM may be queued again. */
static void
test_add_cancelled_task (Fixture       *fixture,
                         gconstpointer  data)
{
  FerryTask *task = ferry_task_log_start (fixture->log, "Move", "mine");
  g_autoptr(GError) error = NULL;
  FerryMigration *job, *later;

  job = job_new (fixture, "n1-0001", fixture->n2);
  ferry_migration_set_task (job, task);
  g_cancellable_cancel (ferry_task_get_cancellable (task));

  g_assert_true (ferry_migration_queue_add (fixture->queue, job, &error));
  g_assert_no_error (error);
  g_assert_cmpint (ferry_migration_get_state (job), ==, FERRY_MIGRATION_CANCELLED);
  g_assert_cmpint (ferry_task_get_state (task), ==, FERRY_TASK_CANCELLED);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->queue)), ==, 0);
  g_assert_cmpuint (fixture->added, ==, fixture->removed);
  g_assert_null (ferry_migration_queue_find (fixture->queue, ferry_migration_get_vm (job)));
  g_assert_null (ferry_vm_get_activity (ferry_migration_get_vm (job)));

  later = add_job (fixture, "n1-0001", fixture->n2);
  wait_until_empty (fixture);
  assert_started (fixture, "n1-0001", NULL);
  g_assert_cmpint (ferry_migration_get_state (later), ==, FERRY_MIGRATION_FAILED);
  g_assert_cmpint (ferry_migration_get_state (job), ==, FERRY_MIGRATION_CANCELLED);
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

  g_test_add ("/migration-queue/limit-per-host", Fixture, NULL, fixture_set_up, test_limit_per_host,
              fixture_tear_down);
  g_test_add ("/migration-queue/set-limit", Fixture, NULL, fixture_set_up, test_set_limit, fixture_tear_down);
  g_test_add ("/migration-queue/one-job-per-vm", Fixture, NULL, fixture_set_up, test_one_job_per_vm,
              fixture_tear_down);
  g_test_add ("/migration-queue/cancel-queued", Fixture, NULL, fixture_set_up, test_cancel_queued,
              fixture_tear_down);
  g_test_add ("/migration-queue/cancel-queued-task", Fixture, NULL, fixture_set_up, test_cancel_queued_task,
              fixture_tear_down);
  g_test_add ("/migration-queue/add-cancelled-task", Fixture, NULL, fixture_set_up, test_add_cancelled_task,
              fixture_tear_down);

  {
    int ret = g_test_run ();

    g_main_context_release (NULL);
    return ret;
  }
}
