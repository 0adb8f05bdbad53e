/* test-migration.c — migration jobs against real libvirtd + QEMU nodes
 *
 * Needs the local cluster of tests/cluster (`cluster up 3`, root). Guests of
 * its own (mig-*) are defined and removed here; the demo guests are left
 * where they were.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ferry-test-util.h"

#define N_NODES 3

static FerryInventory *inventory;
static FerryTaskLog *task_log;
static FerryNode *nodes[N_NODES];

/* Removes a guest of ours wherever it is (force off, undefine, volume). */
static void
remove_guest (FerryVm *vm)
{
  g_autofree char *name = g_strdup (ferry_vm_get_name (vm));
  GError *error = NULL;

  if (ferry_vm_state_is_active (ferry_vm_get_state (vm)))
    {
      error = ferry_test_run_op (vm, FERRY_VM_OP_FORCE_OFF);
      g_clear_error (&error);
      ferry_test_wait_vm_state (vm, FERRY_VM_STATE_SHUT_OFF, 10000);
    }
  error = ferry_test_run_op (vm, FERRY_VM_OP_DELETE_WITH_STORAGE);
  if (error != NULL)
    g_test_message ("removing %s: %s", name, error->message);
  g_clear_error (&error);
}

typedef struct
{
  FerryMigration *migration;
  gboolean        done;
  GError         *error;
  guint           n_progress;
  double          max_fraction;
  gboolean        saw_data;
} Run;

static void
on_progress (FerryMigration *migration,
             Run            *run)
{
  const FerryMigrationProgress *p = ferry_migration_get_progress (migration);

  run->n_progress++;
  if (p->fraction > run->max_fraction)
    run->max_fraction = p->fraction;
  if (p->data_total > 0 && ferry_migration_get_state (migration) == FERRY_MIGRATION_RUNNING)
    run->saw_data = TRUE;
}

static void
run_done (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Run *run = user_data;

  ferry_migration_run_finish (FERRY_MIGRATION (object), result, &run->error);
  run->done = TRUE;
}

static gboolean
run_finished (gpointer data)
{
  return ((Run *) data)->done;
}

/* Data flows (or the job ended early: the caller then sees its error). */
static gboolean
saw_data (gpointer data)
{
  return ((Run *) data)->saw_data || ((Run *) data)->done;
}

static void
run_start (Run                         *run,
           FerryVm                     *vm,
           FerryNode                   *to,
           const FerryMigrationOptions *options)
{
  memset (run, 0, sizeof *run);
  run->max_fraction = -1;
  run->migration = ferry_migration_new (vm, to, options);
  g_signal_connect (run->migration, "progress-changed", G_CALLBACK (on_progress), run);
  ferry_migration_run_async (run->migration, NULL, run_done, run);
}

static void
run_clear (Run *run)
{
  g_clear_object (&run->migration);
  g_clear_error (&run->error);
}

typedef struct
{
  FerryPreflight *result;
  gboolean        done;
} PreflightWait;

static void
preflight_done (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  PreflightWait *w = user_data;

  w->result = ferry_preflight_run_finish (result, NULL);
  w->done = TRUE;
}

static FerryPreflight *
preflight (FerryVm   *vm,
           FerryNode *to)
{
  PreflightWait w = { NULL, FALSE };

  ferry_preflight_run_async (vm, to, NULL, preflight_done, &w);
  while (!w.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (w.result);
  return w.result;
}

/* The VM is known once, on @node, and libvirt says the same. */
static void
assert_only_on (FerryVm   *vm,
                FerryNode *node,
                gboolean   running)
{
  const char *name = ferry_vm_get_name (vm);

  for (guint i = 0; i < N_NODES; i++)
    {
      if (nodes[i] == node)
        g_assert_true (ferry_test_virsh_lists (nodes[i], name));
      else if (ferry_node_get_state (nodes[i]) == FERRY_NODE_STATE_CONNECTED)
        g_assert_false (ferry_test_virsh_lists (nodes[i], name));
    }
  g_assert_cmpuint (ferry_test_count_named (inventory, name), ==, 1);
  if (running)
    {
      g_autofree char *state = ferry_test_virsh (node, "domstate", name);

      g_assert_cmpstr (state, ==, "running");
      /* Heartbeats go on (a loaded host may starve a TCG guest a while). */
      g_assert_true (ferry_test_serial_grows (name, 30000));
    }
}

typedef struct { FerryVm *vm; FerryNode *node; } OwnerWait;

static gboolean
owned_by (gpointer data)
{
  OwnerWait *w = data;
  return ferry_vm_get_node (w->vm) == w->node;
}

static void
wait_owner (FerryVm   *vm,
            FerryNode *node)
{
  OwnerWait w = { vm, node };

  /* Both hosts report by events and refreshes; a loaded CI machine may take a while. */
  g_assert_true (ferry_test_wait_until (owned_by, &w, 30000));
}

/* ---------------------------------------------------------------------- */

static void
test_live_with_progress (void)
{
  g_autoptr(FerryMigrationOptions) options = ferry_migration_options_new (FERRY_MIGRATION_PRESET_DEFAULT);
  FerryVm *vm;
  Run run;
  const FerryMigrationProgress *p;

  if (!ferry_test_have_cluster (nodes[0]))
    return;
  vm = ferry_test_define_guest (inventory, nodes, N_NODES, 0, "mig-live", "shared", TRUE);
  /* Capped so that it lasts a few seconds and reports progress. */
  options->bandwidth_mib = 12;
  run_start (&run, vm, nodes[1], options);
  g_assert_cmpint (ferry_migration_get_state (run.migration), ==, FERRY_MIGRATION_RUNNING);
  g_assert_true (ferry_test_wait_until (run_finished, &run, 180000));
  g_assert_no_error (run.error);
  g_assert_cmpint (ferry_migration_get_state (run.migration), ==, FERRY_MIGRATION_COMPLETED);

  p = ferry_migration_get_progress (run.migration);
  g_test_message ("mig-live: %u progress updates, %.1f s, downtime %" G_GINT64_FORMAT " ms, %"
                  G_GUINT64_FORMAT " bytes", run.n_progress, p->elapsed_ms / 1000.0, p->downtime_ms,
                  p->bytes_moved);
  g_assert_cmpuint (run.n_progress, >=, 3);
  g_assert_true (run.saw_data);
  g_assert_cmpfloat (p->fraction, ==, 1.0);
  g_assert_cmpint (p->downtime_ms, >=, 0);
  g_assert_cmpuint (p->bytes_moved, >, 0);
  {
    g_autofree char *text = ferry_migration_describe_progress (run.migration);

    g_test_message ("%s", text);
    g_assert_nonnull (strstr (text, ferry_node_get_name (nodes[1])));
  }

  wait_owner (vm, nodes[1]);
  assert_only_on (vm, nodes[1], TRUE);
  run_clear (&run);
  remove_guest (vm);
}

static void
test_cancel (void)
{
  g_autoptr(FerryMigrationOptions) options = ferry_migration_options_new (FERRY_MIGRATION_PRESET_DEFAULT);
  FerryVm *vm;
  Run run;

  if (!ferry_test_have_cluster (nodes[0]))
    return;
  vm = ferry_test_define_guest (inventory, nodes, N_NODES, 0, "mig-cancel", "shared", TRUE);
  options->bandwidth_mib = 1;
  run_start (&run, vm, nodes[2], options);
  g_assert_true (ferry_test_wait_until (saw_data, &run, 60000));
  g_assert_no_error (run.error);
  ferry_migration_cancel (run.migration);
  g_assert_true (ferry_test_wait_until (run_finished, &run, 60000));
  g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (ferry_migration_get_state (run.migration), ==, FERRY_MIGRATION_CANCELLED);
  g_test_message ("%s", run.error->message);

  /* Still running where it was, nowhere else. */
  wait_owner (vm, nodes[0]);
  assert_only_on (vm, nodes[0], TRUE);
  run_clear (&run);
  remove_guest (vm);
}

static void
test_destination_dies (void)
{
  g_autoptr(FerryMigrationOptions) options = ferry_migration_options_new (FERRY_MIGRATION_PRESET_DEFAULT);
  const char *fail[] = { "fail", "node3", NULL };
  const char *restart[] = { "restart", "node3", NULL };
  FerryVm *vm;
  Run run;

  if (!ferry_test_have_cluster (nodes[0]))
    return;
  vm = ferry_test_define_guest (inventory, nodes, N_NODES, 0, "mig-kill", "shared", TRUE);
  options->bandwidth_mib = 1;
  run_start (&run, vm, nodes[2], options);
  g_assert_true (ferry_test_wait_until (saw_data, &run, 60000));
  g_assert_no_error (run.error);
  ferry_test_cluster_script (fail);
  g_assert_true (ferry_test_wait_until (run_finished, &run, 90000));
  g_assert_nonnull (run.error);
  g_assert_cmpint (ferry_migration_get_state (run.migration), ==, FERRY_MIGRATION_FAILED);
  g_test_message ("destination killed: %s", run.error->message);

  wait_owner (vm, nodes[0]);
  assert_only_on (vm, nodes[0], TRUE);

  /* The node comes back without the VM: it is still exactly once. */
  ferry_test_cluster_script (restart);
  g_assert_true (ferry_test_wait_node_state (nodes[2], FERRY_NODE_STATE_CONNECTED, 30000));
  g_assert_false (ferry_test_virsh_lists (nodes[2], "mig-kill"));
  assert_only_on (vm, nodes[0], TRUE);

  /* Leave the demo guests of node 3 running, as we found them. */
  {
    FerryVm *web = ferry_inventory_find_vm_by_name (inventory, "n3-web");
    FerryVm *db = ferry_inventory_find_vm_by_name (inventory, "n3-db");
    GError *error;

    g_assert_true (ferry_test_wait_vm_state (web, FERRY_VM_STATE_SHUT_OFF, 10000));
    error = ferry_test_run_op (web, FERRY_VM_OP_START);
    g_assert_no_error (error);
    error = ferry_test_run_op (db, FERRY_VM_OP_START);
    g_assert_no_error (error);
  }
  run_clear (&run);
  remove_guest (vm);
}

static void
test_copy_storage (void)
{
  g_autoptr(FerryMigrationOptions) options = ferry_migration_options_new (FERRY_MIGRATION_PRESET_DEFAULT);
  g_autoptr(FerryPreflight) check = NULL;
  g_autofree char *volumes = NULL;
  FerryVm *vm;
  Run run;

  if (!ferry_test_have_cluster (nodes[0]))
    return;
  vm = ferry_test_define_guest (inventory, nodes, N_NODES, 0, "mig-local", "local", TRUE);
  check = preflight (vm, nodes[1]);
  g_assert_true (ferry_preflight_get_allowed (check));
  g_assert_true (ferry_preflight_get_needs_storage_copy (check));
  g_assert_true (ferry_preflight_has_code (check, FERRY_PREFLIGHT_STORAGE_COPY));

  options->storage = FERRY_MIGRATION_STORAGE_COPY_ALL;
  run_start (&run, vm, nodes[1], options);
  g_assert_true (ferry_test_wait_until (run_finished, &run, 180000));
  g_assert_no_error (run.error);
  g_test_message ("copy-storage: %.1f s", ferry_migration_get_progress (run.migration)->elapsed_ms / 1000.0);
  wait_owner (vm, nodes[1]);
  assert_only_on (vm, nodes[1], TRUE);
  volumes = ferry_test_virsh (nodes[1], "vol-list", "local");
  g_assert_nonnull (strstr (volumes, "mig-local"));
  run_clear (&run);
  remove_guest (vm);
}

static void
test_offline (void)
{
  g_autoptr(FerryMigrationOptions) options = ferry_migration_options_new (FERRY_MIGRATION_PRESET_DEFAULT);
  g_autofree char *volumes = NULL;
  FerryVm *vm;
  Run run;

  if (!ferry_test_have_cluster (nodes[0]))
    return;
  vm = ferry_test_define_guest (inventory, nodes, N_NODES, 1, "mig-off", "local", FALSE);
  options->live = FALSE;
  options->storage = FERRY_MIGRATION_STORAGE_COPY_ALL;
  run_start (&run, vm, nodes[2], options);
  g_assert_true (ferry_test_wait_until (run_finished, &run, 120000));
  g_assert_no_error (run.error);
  wait_owner (vm, nodes[2]);
  assert_only_on (vm, nodes[2], FALSE);
  volumes = ferry_test_virsh (nodes[2], "vol-list", "local");
  g_assert_nonnull (strstr (volumes, "mig-off"));

  /* It boots there from the copied disk. */
  {
    gsize offset = ferry_test_serial_size ("mig-off");

    g_assert_no_error (ferry_test_run_op (vm, FERRY_VM_OP_START));
    g_assert_true (ferry_test_serial_wait_for ("mig-off", offset, "FERRY-DISKS vda", 60000));
  }
  run_clear (&run);
  remove_guest (vm);
}

static void
test_refusals (void)
{
  const char *freeze[] = { "freeze", "node3", NULL };
  const char *thaw[] = { "thaw", "node3", NULL };
  FerryVm *vm, *clash;
  FerryPreflight *check;

  if (!ferry_test_have_cluster (nodes[0]))
    return;
  vm = ferry_test_define_guest (inventory, nodes, N_NODES, 0, "mig-check", "shared", TRUE);

  /* Same node. */
  check = preflight (vm, nodes[0]);
  g_assert_false (ferry_preflight_get_allowed (check));
  g_assert_true (ferry_preflight_has_code (check, FERRY_PREFLIGHT_SAME_HOST));
  g_test_message ("same node: %s", ferry_preflight_get_reason (check));
  g_object_unref (check);

  /* Allowed, with facts. */
  check = preflight (vm, nodes[1]);
  g_assert_true (ferry_preflight_get_allowed (check));
  g_assert_true (ferry_preflight_get_live (check));
  g_assert_false (ferry_preflight_get_needs_storage_copy (check));
  g_assert_cmpuint (ferry_preflight_get_vm_memory (check), >, 0);
  g_assert_cmpuint (ferry_preflight_get_free_memory (check), >, 0);
  g_object_unref (check);

  /* A VM of the same name on the destination (another UUID). */
  {
    const char *args[] = { "define-guest", "node2", "mig-check", "--pool", "local", NULL };
    gint64 deadline = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;

    /* Not ferry_test_define_guest (): that would remove ours first. */
    ferry_test_cluster_script (args);
    while ((clash = ferry_test_find_on (nodes[1], "mig-check")) == NULL && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
    g_assert_nonnull (clash);
  }
  check = preflight (vm, nodes[1]);
  g_assert_false (ferry_preflight_get_allowed (check));
  g_assert_true (ferry_preflight_has_code (check, FERRY_PREFLIGHT_NAME_CLASH));
  g_test_message ("name clash: %s", ferry_preflight_get_reason (check));
  g_object_unref (check);
  remove_guest (clash);

  /* A frozen destination: refused, without waiting long. */
  ferry_test_cluster_script (freeze);
  {
    gint64 start = g_get_monotonic_time ();

    check = preflight (vm, nodes[2]);
    g_assert_false (ferry_preflight_get_allowed (check));
    g_assert_true (ferry_preflight_has_code (check, FERRY_PREFLIGHT_UNREACHABLE));
    g_test_message ("frozen: %s (after %.1f s)", ferry_preflight_get_reason (check),
                    (g_get_monotonic_time () - start) / 1e6);
    g_assert_cmpint (g_get_monotonic_time () - start, <, 8 * G_USEC_PER_SEC);
    g_object_unref (check);
  }
  ferry_test_cluster_script (thaw);
  g_assert_true (ferry_test_wait_node_state (nodes[2], FERRY_NODE_STATE_CONNECTED, 30000));

  remove_guest (vm);
}

/* A guest on a network only its own node has: refused, with the reason. */
static void
test_refusal_network (void)
{
  const char *net[] = { "define-network", "node1", "mig-only1", NULL };
  const char *unnet[] = { "remove-network", "node1", "mig-only1", NULL };
  const char *define[] = { "define-guest", "node1", "mig-net", "--start", "--network", "mig-only1", NULL };
  FerryPreflight *check;
  FerryVm *vm;
  gint64 deadline;

  if (!ferry_test_have_cluster (nodes[0]))
    return;
  ferry_test_remove_everywhere (inventory, nodes, N_NODES, "mig-net");
  {
    /* A network left by an interrupted run. */
    const char *destroy[] = { "virsh", "-q", "-c", ferry_node_get_uri (nodes[0]), "net-destroy", "mig-only1", NULL };
    const char *undefine[] = { "virsh", "-q", "-c", ferry_node_get_uri (nodes[0]), "net-undefine", "mig-only1", NULL };

    g_spawn_sync (NULL, (char **) destroy, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                  G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, NULL, NULL);
    g_spawn_sync (NULL, (char **) undefine, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                  G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, NULL, NULL);
  }
  ferry_test_cluster_script (net);
  ferry_test_cluster_script (define);
  deadline = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;
  while ((vm = ferry_test_find_on (nodes[0], "mig-net")) == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (vm);
  g_assert_true (ferry_test_wait_vm_state (vm, FERRY_VM_STATE_RUNNING, 15000));

  check = preflight (vm, nodes[1]);
  g_assert_false (ferry_preflight_get_allowed (check));
  g_assert_true (ferry_preflight_has_code (check, FERRY_PREFLIGHT_NETWORK));
  g_test_message ("network: %s", ferry_preflight_get_reason (check));
  g_assert_nonnull (strstr (ferry_preflight_get_reason (check), "mig-only1"));
  g_object_unref (check);

  remove_guest (vm);
  ferry_test_cluster_script (unnet);
}

static void
test_queue_limit (void)
{
  g_autoptr(FerryMigrationQueue) queue = ferry_migration_queue_new (task_log);
  g_autoptr(FerryMigrationOptions) options = ferry_migration_options_new (FERRY_MIGRATION_PRESET_DEFAULT);
  g_autoptr(FerryMigration) first = NULL;
  g_autoptr(FerryMigration) second = NULL;
  g_autoptr(GError) error = NULL;
  FerryVm *a, *b;
  gint64 deadline;

  if (!ferry_test_have_cluster (nodes[0]))
    return;
  a = ferry_test_define_guest (inventory, nodes, N_NODES, 0, "mig-q1", "shared", TRUE);
  b = ferry_test_define_guest (inventory, nodes, N_NODES, 0, "mig-q2", "shared", TRUE);
  ferry_migration_queue_set_limit (queue, 1);
  options->bandwidth_mib = 24;
  first = ferry_migration_new (a, nodes[1], options);
  second = ferry_migration_new (b, nodes[1], options);
  g_assert_true (ferry_migration_queue_add (queue, first, &error));
  g_assert_no_error (error);
  g_assert_true (ferry_migration_queue_add (queue, second, &error));
  g_assert_no_error (error);

  /* One at a time per host: the second waits, visibly. */
  g_assert_cmpint (ferry_migration_get_state (first), ==, FERRY_MIGRATION_RUNNING);
  g_assert_cmpint (ferry_migration_get_state (second), ==, FERRY_MIGRATION_QUEUED);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (queue)), ==, 2);
  g_assert_nonnull (ferry_migration_get_task (second));
  g_assert_cmpstr (ferry_task_get_message (ferry_migration_get_task (second)), ==,
                   "Waiting for a free migration slot");

  /* The same VM twice is refused. */
  {
    g_autoptr(FerryMigration) again = ferry_migration_new (a, nodes[2], options);

    g_assert_false (ferry_migration_queue_add (queue, again, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BUSY);
    g_clear_error (&error);
  }

  deadline = g_get_monotonic_time () + 240 * G_USEC_PER_SEC;
  while (g_list_model_get_n_items (G_LIST_MODEL (queue)) > 0 && g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, TRUE);
      g_assert_cmpuint (ferry_migration_queue_get_n_running (queue), <=, 1);
    }
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (queue)), ==, 0);
  for (guint i = 0; i < 2; i++)
    {
      FerryMigration *m = i == 0 ? first : second;

      if (ferry_migration_get_state (m) != FERRY_MIGRATION_COMPLETED)
        g_error ("%s: %s: %s", ferry_migration_get_vm_name (m),
                 ferry_migration_state_to_string (ferry_migration_get_state (m)),
                 ferry_migration_get_error (m) ? ferry_migration_get_error (m)->message : "");
    }
  g_assert_cmpint (ferry_task_get_state (ferry_migration_get_task (second)), ==, FERRY_TASK_SUCCEEDED);
  wait_owner (a, nodes[1]);
  wait_owner (b, nodes[1]);
  assert_only_on (a, nodes[1], TRUE);
  assert_only_on (b, nodes[1], TRUE);
  remove_guest (a);
  remove_guest (b);
}

static gboolean
queue_empty (gpointer data)
{
  return g_list_model_get_n_items (G_LIST_MODEL (data)) == 0;
}

/* Maintenance: every running VM of node 2 (ours and the demo guests)
 * moves elsewhere, heartbeats go on, nothing may come in meanwhile; exit
 * brings the same VMs back. */
static void
test_maintenance (void)
{
  g_autoptr(FerryMigrationQueue) queue = ferry_migration_queue_new (task_log);
  g_autoptr(GPtrArray) steps = NULL;
  g_autoptr(GPtrArray) back = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) moved = NULL;
  const char *names[] = { "mig-m1", "mig-m2", "mig-m3" };
  FerryVm *guests[3];
  FerryPreflight *check;
  FerryNode *node = nodes[1];

  if (!ferry_test_have_cluster (nodes[0]))
    return;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      guests[i] = ferry_test_define_guest (inventory, nodes, N_NODES, 1, names[i], "shared", TRUE);
    }

  ferry_node_set_maintenance (node, TRUE, NULL);
  check = preflight (ferry_inventory_find_vm_by_name (inventory, "n1-web"), node);
  g_assert_true (ferry_preflight_has_code (check, FERRY_PREFLIGHT_MAINTENANCE));
  g_test_message ("into maintenance: %s", ferry_preflight_get_reason (check));
  g_object_unref (check);

  steps = ferry_maintenance_plan (inventory, node, FALSE, 0, NULL);
  g_assert_cmpuint (steps->len, >=, 3);
  for (guint i = 0; i < steps->len; i++)
    {
      FerryMaintenanceStep *step = g_ptr_array_index (steps, i);

      g_assert_nonnull (step->destination);
      g_assert_true (step->destination != node);
      g_assert_true (step->live);
      g_test_message ("plan: %s -> %s (~%.1f s)", ferry_vm_get_name (step->vm),
                      ferry_node_get_name (step->destination), step->estimate_s);
    }

  moved = ferry_maintenance_start (queue, steps, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (moved), ==, steps->len);
  g_assert_true (ferry_test_wait_until (queue_empty, queue, 300000));
  ferry_node_set_maintenance (node, TRUE, (const char * const *) moved);

  for (guint i = 0; i < steps->len; i++)
    {
      FerryMaintenanceStep *step = g_ptr_array_index (steps, i);

      wait_owner (step->vm, step->destination);
      g_assert_false (ferry_test_virsh_lists (node, ferry_vm_get_name (step->vm)));
      g_assert_cmpuint (ferry_test_count_named (inventory, ferry_vm_get_name (step->vm)), ==, 1);
    }
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_assert_true (ferry_test_serial_grows (names[i], 30000));
  g_assert_cmpuint (ferry_node_get_n_running (node), ==, 0);

  /* Exit: the same VMs come back. */
  back = ferry_maintenance_plan_return (inventory, node);
  g_assert_cmpuint (back->len, ==, steps->len);
  ferry_node_set_maintenance (node, FALSE, (const char * const *) moved);
  g_strfreev (ferry_maintenance_start (queue, back, &error));
  g_assert_no_error (error);
  g_assert_true (ferry_test_wait_until (queue_empty, queue, 300000));
  for (guint i = 0; i < back->len; i++)
    {
      FerryMaintenanceStep *step = g_ptr_array_index (back, i);

      wait_owner (step->vm, node);
      assert_only_on (step->vm, node, TRUE);
    }
  ferry_node_set_maintenance (node, FALSE, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    remove_guest (guests[i]);
}

static void
test_no_libvirt_on_main_thread (void)
{
  g_assert_cmpuint (ferry_core_get_libvirt_calls_on_main_thread (), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);
  ferry_core_init ();

  inventory = ferry_inventory_new ();
  task_log = ferry_task_log_new ();
  if (!ferry_test_connect_cluster (inventory, nodes, NULL, N_NODES, &error) && error != NULL)
    g_error ("%s", error->message);

  g_test_add_func ("/migration/live-with-progress", test_live_with_progress);
  g_test_add_func ("/migration/cancel", test_cancel);
  g_test_add_func ("/migration/refusals", test_refusals);
  g_test_add_func ("/migration/refusal-network", test_refusal_network);
  g_test_add_func ("/migration/copy-storage", test_copy_storage);
  g_test_add_func ("/migration/offline-with-disks", test_offline);
  g_test_add_func ("/migration/queue-limit", test_queue_limit);
  g_test_add_func ("/migration/destination-dies", test_destination_dies);
  g_test_add_func ("/migration/maintenance", test_maintenance);
  g_test_add_func ("/migration/no-libvirt-on-main-thread", test_no_libvirt_on_main_thread);

  ret = g_test_run ();

  for (guint i = 0; i < N_NODES; i++)
    g_clear_object (&nodes[i]);
  g_clear_object (&inventory);
  g_clear_object (&task_log);
  return ret;
}
