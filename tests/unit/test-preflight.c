/* test-preflight.c — the checks before a migration, over test:/// hosts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ferry-preflight.h"
#include "ferry-test-util.h"

static void
store_result (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
have_result (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

static FerryPreflight *
run (FerryVm   *vm,
     FerryNode *destination)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  FerryPreflight *preflight;

  ferry_preflight_run_async (vm, destination, NULL, store_result, &result);
  g_assert_true (ferry_test_wait_until (have_result, &result, 10000));
  preflight = ferry_preflight_run_finish (result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (preflight);
  g_assert_true (ferry_preflight_get_vm (preflight) == vm);
  g_assert_true (ferry_preflight_get_destination (preflight) == destination);
  return preflight;
}

/* Both hosts answer: the destination's own findings come back (another
 * VM there with the same name), not "unreachable". */
static void
test_destination_answers (void)
{
  g_autoptr(FerryInventory) inventory = ferry_inventory_new ();
  g_autofree char *dir = g_dir_make_tmp ("ferry-preflight-XXXXXX", NULL);
  g_autoptr(FerryNode) source = ferry_test_add_connected_node (inventory, "test:///default");
  g_autoptr(FerryNode) destination =
    ferry_test_add_node_from_xml (inventory, dir, "dest.xml",
                                  "<node><domain type='test'><name>test</name>"
                                  "<uuid>eeeeeeee-0000-4000-8000-000000000001</uuid>"
                                  "<memory>131072</memory><vcpu>1</vcpu><os><type>hvm</type></os>"
                                  "</domain></node>");
  g_autoptr(FerryPreflight) preflight = NULL;
  FerryVm *vm = ferry_test_find_on (source, "test");

  g_assert_nonnull (vm);
  preflight = run (vm, destination);
  g_assert_false (ferry_preflight_has_code (preflight, FERRY_PREFLIGHT_UNREACHABLE));
  g_assert_true (ferry_preflight_has_code (preflight, FERRY_PREFLIGHT_NAME_CLASH));
  g_assert_false (ferry_preflight_get_allowed (preflight));
  g_assert_true (ferry_preflight_get_live (preflight));
  g_clear_object (&preflight);

  preflight = run (vm, source);
  g_assert_true (ferry_preflight_has_code (preflight, FERRY_PREFLIGHT_SAME_HOST));
  g_assert_false (ferry_preflight_get_allowed (preflight));

  g_assert_finalize_object (g_steal_pointer (&preflight));
  ferry_inventory_remove_node (inventory, source);
  ferry_inventory_remove_node (inventory, destination);
  ferry_test_remove_tree (dir);
}

/* A destination that is not connected is a blocker, found without I/O. */
static void
test_destination_unreachable (void)
{
  g_autoptr(FerryInventory) inventory = ferry_inventory_new ();
  g_autoptr(FerryNode) source = ferry_test_add_connected_node (inventory, "test:///default");
  g_autoptr(FerryNode) off = ferry_node_new ("test:///default", "off", NULL);
  g_autoptr(FerryPreflight) preflight = NULL;
  FerryVm *vm = ferry_test_find_on (source, "test");

  g_assert_nonnull (vm);
  preflight = run (vm, off);
  g_assert_true (ferry_preflight_has_code (preflight, FERRY_PREFLIGHT_UNREACHABLE));
  g_assert_false (ferry_preflight_get_allowed (preflight));
  g_assert_nonnull (ferry_preflight_get_reason (preflight));

  g_assert_finalize_object (g_steal_pointer (&preflight));
  ferry_inventory_remove_node (inventory, source);
  g_assert_finalize_object (g_steal_pointer (&off));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  ferry_core_init ();
  g_test_add_func ("/preflight/destination-answers", test_destination_answers);
  g_test_add_func ("/preflight/destination-unreachable", test_destination_unreachable);
  return g_test_run ();
}
