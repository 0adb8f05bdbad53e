/* test-inventory.c — nodes, VMs and the inventory on libvirt's test driver
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "ferry-test-util.h"

#define UUID_A "aaaaaaaa-0000-4000-8000-"
#define UUID_B "bbbbbbbb-0000-4000-8000-"

static char *tmpdir;


static void
test_connect_default (void)
{
  g_autoptr(FerryInventory) inventory = ferry_inventory_new ();
  g_autoptr(FerryNode) node = ferry_test_add_connected_node (inventory, "test:///default");
  g_autoptr(FerryVm) vm = NULL;

  g_assert_cmpuint (g_list_model_get_n_items (ferry_inventory_get_nodes (inventory)), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (ferry_inventory_get_vms (inventory)), ==, 1);
  g_assert_cmpuint (ferry_node_get_n_vms (node), ==, 1);
  g_assert_cmpuint (ferry_node_get_n_running (node), ==, 1);
  g_assert_nonnull (ferry_node_get_hostname (node));
  g_assert_cmpuint (ferry_node_get_cpus (node), >, 0);
  g_assert_nonnull (ferry_node_get_libvirt_version (node));

  vm = g_list_model_get_item (ferry_inventory_get_vms (inventory), 0);
  g_assert_cmpstr (ferry_vm_get_name (vm), ==, "test");
  g_assert_cmpint (ferry_vm_get_state (vm), ==, FERRY_VM_STATE_RUNNING);
  g_assert_true (ferry_vm_get_node (vm) == node);
  g_assert_cmpuint (ferry_vm_get_vcpus (vm), >=, 1);
  g_assert_cmpuint (ferry_vm_get_memory (vm), >, 0);
  g_assert_true (ferry_inventory_lookup_vm (inventory, ferry_vm_get_uuid (vm)) == vm);
  g_assert_true (ferry_inventory_find_node_by_uri (inventory, "test:///default") == node);

  ferry_inventory_remove_node (inventory, node);
  g_assert_cmpuint (g_list_model_get_n_items (ferry_inventory_get_vms (inventory)), ==, 0);
  g_assert_cmpint (ferry_node_get_state (node), ==, FERRY_NODE_STATE_DISCONNECTED);
}

static gboolean
text_mentions_forced_off (gpointer vm)
{
  return strstr (ferry_vm_get_state_text (vm), "forced off") != NULL;
}

static void
test_lifecycle (void)
{
  g_autoptr(FerryInventory) inventory = ferry_inventory_new ();
  g_autofree char *uri = ferry_test_write_node_file (tmpdir, "life.xml", "life", 2, 1, UUID_A);
  g_autoptr(FerryNode) node = ferry_test_add_connected_node (inventory, uri);
  FerryVm *running = ferry_inventory_find_vm_by_name (inventory, "life-0001");
  FerryVm *off = ferry_inventory_find_vm_by_name (inventory, "life-0002");
  GError *error;

  g_assert_nonnull (running);
  g_assert_nonnull (off);
  g_assert_cmpint (ferry_vm_get_state (running), ==, FERRY_VM_STATE_RUNNING);
  g_assert_cmpint (ferry_vm_get_state (off), ==, FERRY_VM_STATE_SHUT_OFF);
  g_assert_true (ferry_vm_get_persistent (off));

  g_assert_true (ferry_vm_can_run_op (running, FERRY_VM_OP_PAUSE));
  g_assert_false (ferry_vm_can_run_op (running, FERRY_VM_OP_START));
  g_assert_false (ferry_vm_can_run_op (off, FERRY_VM_OP_SHUTDOWN));

  g_assert_no_error ((error = ferry_test_run_op (running, FERRY_VM_OP_PAUSE)));
  g_assert_true (ferry_test_wait_vm_state (running, FERRY_VM_STATE_PAUSED, 5000));
  g_assert_no_error ((error = ferry_test_run_op (running, FERRY_VM_OP_RESUME)));
  g_assert_true (ferry_test_wait_vm_state (running, FERRY_VM_STATE_RUNNING, 5000));
  g_assert_no_error ((error = ferry_test_run_op (running, FERRY_VM_OP_FORCE_OFF)));
  g_assert_true (ferry_test_wait_vm_state (running, FERRY_VM_STATE_SHUT_OFF, 5000));
  g_assert_true (ferry_test_wait_until (text_mentions_forced_off, running, 5000));
  g_assert_cmpuint (ferry_node_get_n_running (node), ==, 0);
  g_assert_no_error ((error = ferry_test_run_op (off, FERRY_VM_OP_START)));
  g_assert_true (ferry_test_wait_vm_state (off, FERRY_VM_STATE_RUNNING, 5000));
  g_assert_cmpuint (ferry_node_get_n_running (node), ==, 1);
  g_assert_no_error ((error = ferry_test_run_op (off, FERRY_VM_OP_SHUTDOWN)));
  g_assert_true (ferry_test_wait_vm_state (off, FERRY_VM_STATE_SHUT_OFF, 5000));

  /* An operation that libvirt refuses carries libvirt's message. */
  error = ferry_test_run_op (off, FERRY_VM_OP_RESUME);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "life-0002"));
  g_clear_error (&error);
}

typedef struct { FerryInventory *inventory; guint n; } CountWait;

static gboolean
vm_count_is (gpointer data)
{
  CountWait *w = data;
  return g_list_model_get_n_items (ferry_inventory_get_vms (w->inventory)) == w->n;
}

static void
test_delete (void)
{
  g_autoptr(FerryInventory) inventory = ferry_inventory_new ();
  g_autofree char *uri = ferry_test_write_node_file (tmpdir, "del.xml", "del", 3, 3, UUID_A);
  g_autoptr(FerryNode) node = ferry_test_add_connected_node (inventory, uri);
  FerryVm *vm = ferry_inventory_find_vm_by_name (inventory, "del-0002");
  g_autofree char *uuid = g_strdup (ferry_vm_get_uuid (vm));
  CountWait w = { inventory, 2 };

  g_assert_no_error (ferry_test_run_op (vm, FERRY_VM_OP_DELETE));
  g_assert_true (ferry_test_wait_until (vm_count_is, &w, 5000));
  g_assert_null (ferry_inventory_lookup_vm (inventory, uuid));
  g_assert_cmpuint (ferry_node_get_n_vms (node), ==, 2);
}

/* The same UUID on two nodes is one VM; it belongs where it runs. */
static void
test_one_vm_across_nodes (void)
{
  g_autoptr(FerryInventory) inventory = ferry_inventory_new ();
  g_autofree char *uri_a = ferry_test_write_node_file (tmpdir, "a.xml", "twin", 1, 1, UUID_A);
  g_autofree char *uri_b = ferry_test_write_node_file (tmpdir, "b.xml", "twin", 1, 0, UUID_A);
  g_autoptr(FerryNode) a = ferry_test_add_connected_node (inventory, uri_a);
  g_autoptr(FerryNode) b = ferry_test_add_connected_node (inventory, uri_b);
  FerryVm *vm;
  FerryVm *on_b;
  g_autoptr(FerryVm) vm_of_b = NULL;

  g_assert_cmpuint (g_list_model_get_n_items (ferry_inventory_get_vms (inventory)), ==, 1);
  vm = ferry_inventory_find_vm_by_name (inventory, "twin-0001");
  g_assert_true (ferry_vm_get_node (vm) == a);
  g_assert_cmpuint (ferry_node_get_n_vms (a), ==, 1);
  g_assert_cmpuint (ferry_node_get_n_vms (b), ==, 0);

  /* Stopped on A: both have it defined, it stays with A (no flapping). */
  g_assert_no_error (ferry_test_run_op (vm, FERRY_VM_OP_FORCE_OFF));
  g_assert_true (ferry_test_wait_vm_state (vm, FERRY_VM_STATE_SHUT_OFF, 5000));
  g_assert_true (ferry_vm_get_node (vm) == a);

  /* Started on B (as after a migration or a recovery): it moves to B, and
   * it is still the same object. */
  ferry_inventory_remove_node (inventory, a);
  on_b = ferry_inventory_lookup_vm (inventory, UUID_A "000000000001");
  g_assert_true (on_b == vm);
  g_assert_true (ferry_vm_get_node (vm) == b);
  g_assert_no_error (ferry_test_run_op (vm, FERRY_VM_OP_START));
  g_assert_true (ferry_test_wait_vm_state (vm, FERRY_VM_STATE_RUNNING, 5000));
  vm_of_b = g_list_model_get_item (ferry_node_get_vms (b), 0);
  g_assert_true (vm_of_b == vm);
  g_assert_cmpuint (g_list_model_get_n_items (ferry_inventory_get_vms (inventory)), ==, 1);
}

static void
test_unreachable (void)
{
  g_autoptr(FerryInventory) inventory = ferry_inventory_new ();
  /* Port 9 (discard) is closed here: the connection is refused at once. */
  g_autoptr(FerryNode) node = ferry_node_new ("qemu+tcp://127.0.0.1:9/system", "nowhere", NULL);

  ferry_inventory_add_node (inventory, node);
  ferry_node_connect (node);
  g_assert_true (ferry_test_wait_node_state (node, FERRY_NODE_STATE_UNREACHABLE, 10000));
  g_assert_nonnull (ferry_node_get_error (node));
  g_assert_cmpstr (ferry_node_get_error (node), !=, "");
  ferry_node_disconnect (node);
  g_assert_cmpint (ferry_node_get_state (node), ==, FERRY_NODE_STATE_DISCONNECTED);
}

static void
test_scale (void)
{
  g_autoptr(FerryInventory) inventory = ferry_inventory_new ();
  g_autofree char *uri = ferry_test_write_node_file (tmpdir, "big.xml", "big", 2000, 1500, UUID_B);
  g_autoptr(FerryNode) node = NULL;

  node = ferry_node_new (uri, NULL, NULL);
  ferry_inventory_add_node (inventory, node);
  ferry_node_connect (node);
  g_assert_true (ferry_test_wait_node_state (node, FERRY_NODE_STATE_CONNECTED, 30000));
  g_assert_cmpuint (g_list_model_get_n_items (ferry_inventory_get_vms (inventory)), ==, 2000);
  g_assert_cmpuint (ferry_node_get_n_running (node), ==, 1500);
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
  int ret;

  g_test_init (&argc, &argv, NULL);
  ferry_core_init ();
  tmpdir = g_dir_make_tmp ("ferry-test-XXXXXX", NULL);

  g_test_add_func ("/inventory/connect-default", test_connect_default);
  g_test_add_func ("/inventory/lifecycle", test_lifecycle);
  g_test_add_func ("/inventory/delete", test_delete);
  g_test_add_func ("/inventory/one-vm-across-nodes", test_one_vm_across_nodes);
  g_test_add_func ("/inventory/unreachable", test_unreachable);
  g_test_add_func ("/inventory/scale", test_scale);
  g_test_add_func ("/inventory/no-libvirt-on-main-thread", test_no_libvirt_on_main_thread);

  ret = g_test_run ();
  ferry_test_remove_tree (tmpdir);
  g_free (tmpdir);
  return ret;
}
