/* test-window.c — the real main window, driven under Xvfb
 *
 * Each test runs the real FerryApplication (the same command line a user
 * types), then inspects what the window shows and saves a screenshot to
 * $FERRY_BUILD_DIR/tests/output/.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "ferry-add-connection-dialog.h"
#include "ferry-application.h"
#include "ferry-node-row.h"
#include "ferry-test-util.h"
#include "ferry-window.h"
#include "ferry-ui-test-util.h"

static char *tmpdir;

/* What the row widgets show, found through the real widget tree. */
static void
collect_rows (GtkWidget *widget,
              GPtrArray *rows)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      if (FERRY_IS_NODE_ROW (child))
        g_ptr_array_add (rows, child);
      collect_rows (child, rows);
    }
}

static guint
n_items (GListModel *model)
{
  return g_list_model_get_n_items (model);
}

/* ---------------------------------------------------------------------- */

static void
check_test_driver (FerryApplication *app,
                   FerryWindow      *window)
{
  FerryInventory *inventory = ferry_application_get_inventory (app);
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  g_assert_true (ferry_test_wait_until (ferry_ui_test_all_connected, inventory, 10000));
  ferry_ui_test_settle (300);

  /* Sidebar: "All" + 2 nodes, drawn as rows. */
  g_assert_cmpuint (n_items (ferry_window_get_sidebar_model (window)), ==, 3);
  collect_rows (GTK_WIDGET (window), rows);
  g_assert_cmpuint (rows->len, ==, 3);
  g_assert_cmpuint (n_items (ferry_window_get_vm_model (window)), ==, 60);

  /* Search narrows the list as you type. */
  ferry_window_set_search_text (window, "alpha-000");
  g_assert_cmpuint (n_items (ferry_window_get_vm_model (window)), ==, 9);
  ferry_window_set_search_text (window, "no such machine");
  g_assert_cmpuint (n_items (ferry_window_get_vm_model (window)), ==, 0);
  ferry_ui_test_settle (200);
  ferry_ui_test_screenshot (GTK_WIDGET (window), "window-no-results.png");
  ferry_window_set_search_text (window, "");

  /* Selecting a node shows its VMs only. */
  ferry_window_select_sidebar (window, 2);
  g_assert_cmpuint (n_items (ferry_window_get_vm_model (window)), ==, 20);
  ferry_ui_test_settle (200);
  ferry_ui_test_screenshot (GTK_WIDGET (window), "window-test-driver.png");
}

static void
test_window_test_driver (void)
{
  g_autofree char *alpha = ferry_test_write_node_file (tmpdir, "alpha.xml", "alpha", 40, 30,
                                                       "aaaaaaaa-0000-4000-8000-");
  g_autofree char *beta = ferry_test_write_node_file (tmpdir, "beta.xml", "beta", 20, 5,
                                                      "bbbbbbbb-0000-4000-8000-");
  const char *args[] = { "--connect", alpha, "--connect", beta, NULL };

  ferry_ui_test_run_app (args, check_test_driver);
}

static void
check_add_connection (FerryApplication *app,
                      FerryWindow      *window)
{
  FerryInventory *inventory = ferry_application_get_inventory (app);
  g_autofree char *config_path = g_build_filename (tmpdir, "config.ini", NULL);
  g_autofree char *saved = NULL;
  g_autoptr(GtkWindow) dialog = NULL;
  GListModel *toplevels;
  GtkWidget *add_button;
  g_autoptr(GPtrArray) entries = g_ptr_array_new ();
  GtkWidget *uri_entry;
  g_autofree char *uri = ferry_test_write_node_file (tmpdir, "added.xml", "added", 3, 3,
                                                     "cccccccc-0000-4000-8000-");

  /* No saved connections: the window invites you to add one. */
  g_assert_cmpuint (n_items (ferry_inventory_get_nodes (inventory)), ==, 0);
  ferry_ui_test_settle (200);
  ferry_ui_test_screenshot (GTK_WIDGET (window), "window-empty.png");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.add-connection", NULL));
  ferry_ui_test_settle (200);
  toplevels = gtk_window_get_toplevels ();
  for (guint i = 0; i < n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);
      if (FERRY_IS_ADD_CONNECTION_DIALOG (w))
        dialog = g_object_ref (w);
    }
  g_assert_nonnull (dialog);

  /* The real entry and button of the dialog. */
  add_button = gtk_window_get_default_widget (dialog);
  {
    GtkWidget *stack[64];
    guint depth = 0;

    stack[depth++] = GTK_WIDGET (dialog);
    while (depth > 0)
      {
        GtkWidget *w = stack[--depth];

        if (GTK_IS_TEXT (w))
          g_ptr_array_add (entries, w);
        if (GTK_IS_BUTTON (w) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (w)), "_Add") == 0)
          add_button = w;
        for (GtkWidget *c = gtk_widget_get_last_child (w); c && depth < 64; c = gtk_widget_get_prev_sibling (c))
          stack[depth++] = c;
      }
  }
  g_assert_nonnull (add_button);
  g_assert_cmpuint (entries->len, >=, 1);
  uri_entry = g_ptr_array_index (entries, 0);

  /* A hostile URI is refused with a reason, the button stays off. */
  gtk_editable_set_text (GTK_EDITABLE (uri_entry), "qemu+ssh://-oProxyCommand=touch%20/tmp/x/system");
  ferry_ui_test_settle (100);
  g_assert_false (gtk_widget_get_sensitive (add_button));
  ferry_ui_test_screenshot (GTK_WIDGET (dialog), "add-connection-invalid.png");

  gtk_editable_set_text (GTK_EDITABLE (uri_entry), uri);
  ferry_ui_test_settle (100);
  g_assert_true (gtk_widget_get_sensitive (add_button));
  g_signal_emit_by_name (add_button, "clicked");
  ferry_ui_test_settle (100);
  /* Added: the dialog closed itself. */
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (dialog)));

  g_assert_cmpuint (n_items (ferry_inventory_get_nodes (inventory)), ==, 1);
  g_assert_true (ferry_test_wait_until (ferry_ui_test_all_connected, inventory, 10000));
  ferry_ui_test_settle (500);
  g_assert_cmpuint (n_items (ferry_window_get_vm_model (window)), ==, 3);

  /* Saved (atomically, off the main thread) for the next start. */
  g_assert_true (g_file_get_contents (config_path, &saved, NULL, NULL));
  g_assert_nonnull (strstr (saved, uri));
}

static void
test_add_connection (void)
{
  g_autofree char *config_path = g_build_filename (tmpdir, "config.ini", NULL);

  g_setenv ("FERRY_CONFIG", config_path, TRUE);
  ferry_ui_test_run_app (NULL, check_add_connection);
  g_unsetenv ("FERRY_CONFIG");
}

static void
check_cluster (FerryApplication *app,
               FerryWindow      *window)
{
  FerryInventory *inventory = ferry_application_get_inventory (app);

  g_assert_true (ferry_test_wait_until (ferry_ui_test_all_connected, inventory, 30000));
  ferry_ui_test_settle (1000);
  g_assert_cmpuint (n_items (ferry_inventory_get_nodes (inventory)), ==, 3);
  g_assert_cmpuint (n_items (ferry_window_get_sidebar_model (window)), ==, 4);
  g_assert_cmpuint (n_items (ferry_window_get_vm_model (window)), >=, 9);
  for (guint i = 1; i <= 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("n%u-web", i);
      FerryVm *vm = ferry_inventory_find_vm_by_name (inventory, name);

      g_assert_nonnull (vm);
      g_assert_cmpint (ferry_vm_get_state (vm), ==, FERRY_VM_STATE_RUNNING);
    }
  ferry_ui_test_screenshot (GTK_WIDGET (window), "window-cluster.png");

  ferry_window_select_sidebar (window, 1);
  {
    GListModel *shown = ferry_window_get_vm_model (window);
    g_autoptr(FerryNode) node1 = g_list_model_get_item (ferry_inventory_get_nodes (inventory), 0);

    g_assert_cmpuint (n_items (shown), ==, ferry_node_get_n_vms (node1));
    g_assert_cmpuint (n_items (shown), >=, 2);
    for (guint i = 0; i < n_items (shown); i++)
      {
        g_autoptr(FerryVm) vm = g_list_model_get_item (shown, i);
        g_assert_true (ferry_vm_get_node (vm) == node1);
      }
  }
  ferry_ui_test_settle (200);
  ferry_ui_test_screenshot (GTK_WIDGET (window), "window-cluster-node1.png");
}

static void
test_window_cluster (void)
{
  g_auto(GStrv) args = ferry_ui_test_cluster_args ();

  if (args == NULL)
    {
      if (g_strcmp0 (g_getenv ("FERRY_REQUIRE_CLUSTER"), "1") == 0)
        g_error ("the local cluster is not up");
      g_test_skip ("the local cluster is not up (tests/cluster/cluster up 3)");
      return;
    }
  ferry_ui_test_run_app ((const char * const *) args, check_cluster);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  tmpdir = g_dir_make_tmp ("ferry-ui-XXXXXX", NULL);

  g_test_add_func ("/ui/window/test-driver", test_window_test_driver);
  g_test_add_func ("/ui/window/add-connection", test_add_connection);
  g_test_add_func ("/ui/window/cluster", test_window_cluster);

  ret = g_test_run ();
  ferry_test_remove_tree (tmpdir);
  g_free (tmpdir);
  return ret;
}
