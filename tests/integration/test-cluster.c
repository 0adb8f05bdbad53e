/* test-cluster.c — the core against real libvirtd + QEMU nodes
 *
 * Needs the local cluster of tests/cluster (`cluster up 3`, root). Without
 * it every test is skipped, unless FERRY_REQUIRE_CLUSTER=1 (CI) makes that
 * a failure.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "ferry-test-util.h"

#define N_NODES 3

static FerryInventory *inventory;
static FerryNode *nodes[N_NODES];
static char *cluster_script;
static char *cluster_dir;

static void
cluster_argv (const char *command,
              const char *arg,
              const char *arg2,
              const char *arg3,
              const char *arg4)
{
  const char *argv[] = { cluster_script, command, arg, arg2, arg3, arg4, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("cluster %s %s failed:\n%s%s", command, arg ? arg : "", out, err);
}

static void
cluster (const char *command,
         const char *arg)
{
  cluster_argv (command, arg, NULL, NULL, NULL);
}

static FerryVm *
vm (const char *name)
{
  FerryVm *found = ferry_inventory_find_vm_by_name (inventory, name);

  g_assert_nonnull (found);
  return found;
}

/* ---------------------------------------------------------------------- */

static void
test_connect (void)
{
  if (!ferry_test_have_cluster (nodes[0]))
    return;

  for (guint i = 0; i < N_NODES; i++)
    {
      g_autofree char *web = g_strdup_printf ("n%u-web", i + 1);
      g_autofree char *db = g_strdup_printf ("n%u-db", i + 1);
      g_autofree char *spare = g_strdup_printf ("n%u-spare", i + 1);

      g_assert_cmpint (ferry_node_get_state (nodes[i]), ==, FERRY_NODE_STATE_CONNECTED);
      g_assert_true (ferry_vm_get_node (vm (web)) == nodes[i]);
      g_assert_true (ferry_vm_get_node (vm (db)) == nodes[i]);
      g_assert_true (ferry_vm_get_node (vm (spare)) == nodes[i]);
      g_assert_cmpint (ferry_vm_get_state (vm (web)), ==, FERRY_VM_STATE_RUNNING);
      g_assert_cmpint (ferry_vm_get_state (vm (spare)), ==, FERRY_VM_STATE_SHUT_OFF);
      g_assert_cmpuint (ferry_vm_get_vcpus (vm (web)), >=, 1);
      g_assert_cmpuint (ferry_vm_get_memory (vm (web)), >, 0);
      g_assert_nonnull (ferry_node_get_hostname (nodes[i]));
      g_assert_nonnull (ferry_node_get_hypervisor_version (nodes[i]));
    }
}

static gint64
ms_until_state (FerryVm      *v,
                FerryVmState  state,
                guint         timeout_ms)
{
  gint64 start = g_get_monotonic_time ();

  if (!ferry_test_wait_vm_state (v, state, timeout_ms))
    return -1;
  return (g_get_monotonic_time () - start) / 1000;
}

static void
test_lifecycle (void)
{
  FerryVm *spare;
  g_autofree char *state = NULL;
  gsize boot_offset;
  guint running_before;
  gint64 ms;

  if (!ferry_test_have_cluster (nodes[0]))
    return;

  spare = vm ("n1-spare");
  boot_offset = ferry_test_serial_size ("n1-spare");
  running_before = ferry_node_get_n_running (nodes[0]);

  g_assert_no_error (ferry_test_run_op (spare, FERRY_VM_OP_START));
  g_assert_cmpint (ms_until_state (spare, FERRY_VM_STATE_RUNNING, 1000), >=, 0);
  state = ferry_test_virsh (nodes[0], "domstate", "n1-spare");
  g_assert_cmpstr (state, ==, "running");
  g_clear_pointer (&state, g_free);

  g_assert_no_error (ferry_test_run_op (spare, FERRY_VM_OP_PAUSE));
  g_assert_cmpint (ms_until_state (spare, FERRY_VM_STATE_PAUSED, 1000), >=, 0);
  g_assert_no_error (ferry_test_run_op (spare, FERRY_VM_OP_RESUME));
  g_assert_cmpint (ms_until_state (spare, FERRY_VM_STATE_RUNNING, 1000), >=, 0);

  /* A change made behind Ferry's back arrives as an event, within 1 s. */
  {
    gint64 start = g_get_monotonic_time ();

    g_free (ferry_test_virsh (nodes[0], "suspend", "n1-spare"));
    g_assert_cmpint (ms_until_state (spare, FERRY_VM_STATE_PAUSED, 1000), >=, 0);
    ms = (g_get_monotonic_time () - start) / 1000;
    g_test_message ("external suspend (virsh) seen after %" G_GINT64_FORMAT " ms, virsh included", ms);
  }
  g_free (ferry_test_virsh (nodes[0], "resume", "n1-spare"));
  g_assert_cmpint (ms_until_state (spare, FERRY_VM_STATE_RUNNING, 1000), >=, 0);

  /* ACPI shutdown: the guest powers off on the power button. Let it finish
   * booting first, or (like any OS) it would not be listening yet. */
  g_assert_true (ferry_test_serial_wait_for ("n1-spare", boot_offset, "FERRY-INPUT Power Button", 90000));
  g_assert_no_error (ferry_test_run_op (spare, FERRY_VM_OP_SHUTDOWN));
  g_assert_cmpint (ms_until_state (spare, FERRY_VM_STATE_SHUT_OFF, 60000), >=, 0);
  state = ferry_test_virsh (nodes[0], "domstate", "n1-spare");
  g_assert_cmpstr (state, ==, "shut off");
  g_clear_pointer (&state, g_free);

  g_assert_no_error (ferry_test_run_op (spare, FERRY_VM_OP_START));
  g_assert_cmpint (ms_until_state (spare, FERRY_VM_STATE_RUNNING, 1000), >=, 0);
  g_assert_no_error (ferry_test_run_op (spare, FERRY_VM_OP_FORCE_OFF));
  g_assert_cmpint (ms_until_state (spare, FERRY_VM_STATE_SHUT_OFF, 1000), >=, 0);
  /* Back to what it was (other tests may leave guests of their own). */
  g_assert_cmpuint (ferry_node_get_n_running (nodes[0]), ==, running_before);
}

typedef struct
{
  const char *name;
} NameWait;

static gboolean
vm_listed (gpointer data)
{
  return ferry_inventory_find_vm_by_name (inventory, ((NameWait *) data)->name) != NULL;
}

static gboolean
vm_gone (gpointer data)
{
  return !vm_listed (data);
}

/* A VM made behind Ferry's back appears (define event); deleting it with
 * its storage removes the domain and its volume on the real node. */
static void
test_delete_with_storage (void)
{
  NameWait w = { "doomed" };
  FerryVm *doomed;
  g_autofree char *volumes = NULL;

  if (!ferry_test_have_cluster (nodes[0]))
    return;

  cluster_argv ("define-guest", "node2", "doomed", "--pool", "local");
  g_assert_true (ferry_test_wait_until (vm_listed, &w, 5000));
  doomed = vm ("doomed");
  g_assert_true (ferry_vm_get_node (doomed) == nodes[1]);
  volumes = ferry_test_virsh (nodes[1], "vol-list", "local");
  g_assert_nonnull (strstr (volumes, "doomed"));
  g_clear_pointer (&volumes, g_free);

  g_assert_no_error (ferry_test_run_op (doomed, FERRY_VM_OP_DELETE_WITH_STORAGE));
  g_assert_true (ferry_test_wait_until (vm_gone, &w, 5000));
  g_assert_false (ferry_test_virsh_lists (nodes[1], "doomed"));
  volumes = ferry_test_virsh (nodes[1], "vol-list", "local");
  g_assert_null (strstr (volumes, "doomed"));
}

typedef struct
{
  FerryVm   *vm;
  FerryNode *node;
} OwnerWait;

static gboolean
owned_by (gpointer data)
{
  OwnerWait *w = data;
  return ferry_vm_get_node (w->vm) == w->node &&
         ferry_vm_get_state (w->vm) == FERRY_VM_STATE_RUNNING;
}

static guint max_seen;

static void
count_items (GListModel *model,
             guint       position,
             guint       removed,
             guint       added,
             gpointer    user_data)
{
  max_seen = MAX (max_seen, ferry_test_count_named (inventory, "n1-web"));
}

static void
migrate_and_check (FerryVm   *v,
                   FerryNode *from,
                   FerryNode *to)
{
  OwnerWait w = { v, to };
  gint64 start = g_get_monotonic_time ();
  const char *name = ferry_vm_get_name (v);
  g_autofree char *uuid = g_strdup (ferry_vm_get_uuid (v));
  gulong id;

  max_seen = 0;
  id = g_signal_connect (ferry_inventory_get_vms (inventory), "items-changed",
                         G_CALLBACK (count_items), NULL);
  g_assert_no_error (ferry_test_migrate (v, to, 120000));
  g_test_message ("migrated %s in %.1f s", name, (g_get_monotonic_time () - start) / 1e6);
  g_assert_true (ferry_test_wait_until (owned_by, &w, 5000));
  g_signal_handler_disconnect (ferry_inventory_get_vms (inventory), id);

  /* One object, now on the destination; never listed twice meanwhile. */
  g_assert_true (ferry_inventory_lookup_vm (inventory, uuid) == v);
  g_assert_cmpuint (ferry_test_count_named (inventory, name), ==, 1);
  g_assert_cmpuint (max_seen, <=, 1);
  g_assert_true (ferry_test_model_contains (ferry_node_get_vms (to), v));
  g_assert_false (ferry_test_model_contains (ferry_node_get_vms (from), v));

  /* libvirt agrees: defined and running on the destination only. */
  g_assert_false (ferry_test_virsh_lists (from, name));
  g_assert_true (ferry_test_virsh_lists (to, name));
  g_assert_true (ferry_test_serial_grows (name, 10000));
}

static void
test_live_migration (void)
{
  FerryVm *web;

  if (!ferry_test_have_cluster (nodes[0]))
    return;

  web = vm ("n1-web");
  g_assert_true (ferry_test_serial_grows ("n1-web", 30000));
  migrate_and_check (web, nodes[0], nodes[1]);
  migrate_and_check (web, nodes[1], nodes[0]);
}

static void
test_freeze (void)
{
  gint64 start, ms;

  if (!ferry_test_have_cluster (nodes[0]))
    return;

  cluster ("freeze", "node2");
  start = g_get_monotonic_time ();
  g_assert_true (ferry_test_wait_node_state (nodes[1], FERRY_NODE_STATE_UNREACHABLE, 20000));
  ms = (g_get_monotonic_time () - start) / 1000;
  g_test_message ("frozen node marked unreachable after %" G_GINT64_FORMAT " ms", ms);
  g_assert_cmpint (ms, <=, 15000);
  g_assert_cmpint (ferry_vm_get_state (vm ("n2-web")), ==, FERRY_VM_STATE_UNKNOWN);
  /* The other nodes are untouched. */
  g_assert_cmpint (ferry_node_get_state (nodes[0]), ==, FERRY_NODE_STATE_CONNECTED);
  g_assert_cmpint (ferry_vm_get_state (vm ("n1-web")), ==, FERRY_VM_STATE_RUNNING);

  cluster ("thaw", "node2");
  start = g_get_monotonic_time ();
  g_assert_true (ferry_test_wait_node_state (nodes[1], FERRY_NODE_STATE_CONNECTED, 30000));
  g_test_message ("thawed node reconnected after %" G_GINT64_FORMAT " ms",
                  (g_get_monotonic_time () - start) / 1000);
  g_assert_true (ferry_test_wait_vm_state (vm ("n2-web"), FERRY_VM_STATE_RUNNING, 5000));
}

static void
test_fail_and_restart (void)
{
  gint64 start, ms;

  if (!ferry_test_have_cluster (nodes[0]))
    return;

  cluster ("fail", "node3");
  start = g_get_monotonic_time ();
  g_assert_true (ferry_test_wait_node_state (nodes[2], FERRY_NODE_STATE_UNREACHABLE, 20000));
  ms = (g_get_monotonic_time () - start) / 1000;
  g_test_message ("failed node marked unreachable after %" G_GINT64_FORMAT " ms", ms);
  g_assert_cmpint (ms, <=, 15000);
  /* Its VMs stay visible, in an unknown state: nothing vanishes. */
  g_assert_cmpint (ferry_vm_get_state (vm ("n3-web")), ==, FERRY_VM_STATE_UNKNOWN);
  g_assert_true (ferry_vm_get_node (vm ("n3-web")) == nodes[2]);

  cluster ("restart", "node3");
  start = g_get_monotonic_time ();
  g_assert_true (ferry_test_wait_node_state (nodes[2], FERRY_NODE_STATE_CONNECTED, 30000));
  g_test_message ("restarted node reconnected after %" G_GINT64_FORMAT " ms",
                  (g_get_monotonic_time () - start) / 1000);
  /* Its QEMUs died with it. */
  g_assert_true (ferry_test_wait_vm_state (vm ("n3-web"), FERRY_VM_STATE_SHUT_OFF, 5000));

  /* Leave the demo cluster as we found it. */
  g_assert_no_error (ferry_test_run_op (vm ("n3-web"), FERRY_VM_OP_START));
  g_assert_no_error (ferry_test_run_op (vm ("n3-db"), FERRY_VM_OP_START));
}

static void
test_no_libvirt_on_main_thread (void)
{
  g_assert_cmpuint (ferry_core_get_libvirt_calls_on_main_thread (), ==, 0);
}

static void
setup_cluster (void)
{
  g_autoptr(GError) error = NULL;

  if (!ferry_test_connect_cluster (inventory, nodes, NULL, N_NODES, &error) && error != NULL)
    g_error ("%s", error->message);
}

int
main (int   argc,
      char *argv[])
{
  const char *srcdir = g_getenv ("FERRY_SOURCE_DIR");
  int ret;

  g_test_init (&argc, &argv, NULL);
  ferry_core_init ();

  cluster_dir = g_strdup (g_getenv ("FERRY_CLUSTER_DIR") ? g_getenv ("FERRY_CLUSTER_DIR")
                                                         : "/var/tmp/ferry-cluster");
  cluster_script = g_build_filename (srcdir ? srcdir : ".", "tests", "cluster", "cluster", NULL);
  inventory = ferry_inventory_new ();
  setup_cluster ();

  g_test_add_func ("/cluster/connect", test_connect);
  g_test_add_func ("/cluster/lifecycle", test_lifecycle);
  g_test_add_func ("/cluster/delete-with-storage", test_delete_with_storage);
  g_test_add_func ("/cluster/live-migration", test_live_migration);
  g_test_add_func ("/cluster/freeze", test_freeze);
  g_test_add_func ("/cluster/fail-and-restart", test_fail_and_restart);
  g_test_add_func ("/cluster/no-libvirt-on-main-thread", test_no_libvirt_on_main_thread);

  ret = g_test_run ();

  for (guint i = 0; i < N_NODES; i++)
    g_clear_object (&nodes[i]);
  g_clear_object (&inventory);
  g_free (cluster_script);
  g_free (cluster_dir);
  return ret;
}
