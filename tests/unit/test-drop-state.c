/* test-drop-state.c — while VMs are dragged, each host's verdict (FerryDropState)
 *
 * On libvirt's test driver: two hosts written as node files, pre-flight
 * checks for real (each host's worker answers).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "ferry-drop-state.h"
#include "ferry-test-util.h"

#define UUID_A "aaaaaaaa-0000-4000-8000-"
#define UUID_B "bbbbbbbb-0000-4000-8000-"

static char *tmpdir;

static gboolean
at_least (gpointer user_data)
{
  guint *counts = user_data;

  return counts[0] >= counts[1];
}

static void
on_changed (FerryDropState *state,
            guint          *count)
{
  (*count)++;
}

static void
test_verdicts (void)
{
  g_autoptr(FerryInventory) inventory = ferry_inventory_new ();
  g_autofree char *uri_a = ferry_test_write_node_file (tmpdir, "a.xml", "drag", 2, 2, UUID_A);
  g_autofree char *uri_b = ferry_test_write_node_file (tmpdir, "b.xml", "other", 1, 1, UUID_B);
  g_autoptr(FerryNode) a = ferry_test_add_connected_node (inventory, uri_a);
  g_autoptr(FerryNode) b = ferry_test_add_connected_node (inventory, uri_b);
  g_autoptr(FerryDropState) state = ferry_drop_state_new ();
  g_autoptr(GPtrArray) vms = g_ptr_array_new ();
  const char *reason = NULL;
  guint changes = 0;
  guint wait[2] = { 0, 5 };   /* begin + one "changed" per check (2 VMs × 2 hosts) */
  g_autofree char *text = NULL;

  g_signal_connect (state, "changed", G_CALLBACK (on_changed), &changes);
  g_signal_connect (state, "changed", G_CALLBACK (on_changed), &wait[0]);
  g_assert_false (ferry_drop_state_is_active (state));
  g_assert_cmpint (ferry_drop_state_lookup (state, a, &reason), ==, FERRY_DROP_NONE);
  g_assert_null (reason);

  g_ptr_array_add (vms, ferry_inventory_find_vm_by_name (inventory, "drag-0001"));
  g_ptr_array_add (vms, ferry_inventory_find_vm_by_name (inventory, "drag-0002"));
  ferry_drop_state_begin (state, vms, ferry_inventory_get_nodes (inventory));
  g_assert_true (ferry_drop_state_is_active (state));
  g_assert_cmpuint (ferry_drop_state_get_vms (state)->len, ==, 2);
  /* At once, before any host answers: checking everywhere. */
  g_assert_cmpint (ferry_drop_state_lookup (state, a, NULL), ==, FERRY_DROP_CHECKING);
  g_assert_cmpint (ferry_drop_state_lookup (state, b, NULL), ==, FERRY_DROP_CHECKING);
  g_assert_cmpuint (changes, ==, 1);

  g_assert_true (ferry_test_wait_until (at_least, wait, 20000));

  /* Their own host refuses, naming each VM (two are dragged). */
  g_assert_cmpint (ferry_drop_state_lookup (state, a, &reason), ==, FERRY_DROP_REFUSED);
  g_assert_nonnull (strstr (reason, "drag-0001: "));
  g_assert_nonnull (strstr (reason, "drag-0002: "));
  g_assert_nonnull (strstr (reason, "; "));
  g_assert_false (ferry_drop_state_is_plain (state, a));
  text = ferry_drop_state_describe (state, a);
  g_assert_nonnull (text);
  g_assert_cmpuint (strlen (text), >, 0);

  /* The other host has answered too, one way or the other, with a reason
   * when it refuses. */
  if (ferry_drop_state_lookup (state, b, &reason) == FERRY_DROP_REFUSED)
    g_assert_nonnull (reason);
  else
    g_assert_cmpint (ferry_drop_state_lookup (state, b, NULL), ==, FERRY_DROP_ALLOWED);
  g_assert_cmpuint (changes, ==, 5);

  ferry_drop_state_end (state);
  g_assert_false (ferry_drop_state_is_active (state));
  g_assert_cmpuint (ferry_drop_state_get_vms (state)->len, ==, 0);
  g_assert_cmpint (ferry_drop_state_lookup (state, a, NULL), ==, FERRY_DROP_NONE);
  g_assert_cmpint (ferry_drop_state_lookup (state, b, NULL), ==, FERRY_DROP_NONE);

  g_signal_handlers_disconnect_by_data (state, &changes);
  g_signal_handlers_disconnect_by_data (state, &wait[0]);
  ferry_inventory_remove_node (inventory, a);
  ferry_inventory_remove_node (inventory, b);
  g_assert_finalize_object (g_steal_pointer (&state));
}

/* A drag that ends before the hosts answer: the late answers change
 * nothing and nothing leaks. */
static void
test_end_early (void)
{
  g_autoptr(FerryInventory) inventory = ferry_inventory_new ();
  g_autofree char *uri_a = ferry_test_write_node_file (tmpdir, "early.xml", "early", 1, 1, UUID_A);
  g_autoptr(FerryNode) a = ferry_test_add_connected_node (inventory, uri_a);
  g_autoptr(FerryDropState) state = ferry_drop_state_new ();
  g_autoptr(GPtrArray) vms = g_ptr_array_new ();
  guint changes = 0;

  g_ptr_array_add (vms, ferry_inventory_find_vm_by_name (inventory, "early-0001"));
  ferry_drop_state_begin (state, vms, ferry_inventory_get_nodes (inventory));
  ferry_drop_state_end (state);
  g_signal_connect (state, "changed", G_CALLBACK (on_changed), &changes);
  for (guint i = 0; i < 20; i++)
    {
      g_usleep (10000);
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }
  g_assert_cmpuint (changes, ==, 0);
  g_assert_cmpint (ferry_drop_state_lookup (state, a, NULL), ==, FERRY_DROP_NONE);
  g_signal_handlers_disconnect_by_data (state, &changes);
  ferry_inventory_remove_node (inventory, a);
  g_assert_finalize_object (g_steal_pointer (&state));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("ferry-drop-state-XXXXXX", NULL);
  g_test_add_func ("/drop-state/verdicts", test_verdicts);
  g_test_add_func ("/drop-state/end-early", test_end_early);
  ret = g_test_run ();
  ferry_test_remove_tree (tmpdir);
  g_free (tmpdir);
  return ret;
}
