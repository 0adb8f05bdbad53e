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
#include "ferry-console-page.h"
#include "ferry-console-window.h"
#include "ferry-new-vm-dialog.h"
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
  FerryInventory *inventory = ferry_session_get_inventory (ferry_application_get_session (app));
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
  FerryInventory *inventory = ferry_session_get_inventory (ferry_application_get_session (app));
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
  FerryInventory *inventory = ferry_session_get_inventory (ferry_application_get_session (app));

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


/* ---------------------------------------------------------------------- */
/* Helpers for driving the real widgets                                    */


static GtkWidget *
find_menu_button (GtkWidget  *root,
                  const char *tooltip_prefix)
{
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found;

      if (GTK_IS_MENU_BUTTON (c) && gtk_widget_get_tooltip_text (c) != NULL &&
          g_str_has_prefix (gtk_widget_get_tooltip_text (c), tooltip_prefix))
        return c;
      if ((found = find_menu_button (c, tooltip_prefix)) != NULL)
        return found;
    }
  return NULL;
}


static char *
virsh_domstate (FerryVm *vm)
{
  const char *argv[] = { "virsh", "-q", "-c", ferry_node_get_uri (ferry_vm_get_node (vm)),
                         "domstate", ferry_vm_get_name (vm), NULL };
  char *out = NULL;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, &out, NULL, NULL, NULL));
  return g_strstrip (out);
}

static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (w, type) && gtk_widget_get_visible (GTK_WIDGET (w)))
        return w;
    }
  return NULL;
}


/* Start and stop a real guest from the window; virsh is the witness. */
static void
check_lifecycle (FerryApplication *app,
                 FerryWindow      *window)
{
  FerryInventory *inventory = ferry_session_get_inventory (ferry_application_get_session (app));
  GListModel *shown = ferry_window_get_vm_model (window);
  FerryVm *vm;
  GtkWidget *start;
  guint position;
  g_autofree char *state = NULL;

  g_assert_true (ferry_test_wait_until (ferry_ui_test_all_connected, inventory, 30000));
  ferry_ui_test_settle (500);
  vm = ferry_inventory_find_vm_by_name (inventory, "n3-spare");
  g_assert_nonnull (vm);
  if (ferry_vm_get_state (vm) != FERRY_VM_STATE_SHUT_OFF)
    {
      ferry_window_run_vm_op (window, vm, FERRY_VM_OP_FORCE_OFF);
      g_assert_true (ferry_test_wait_vm_state (vm, FERRY_VM_STATE_SHUT_OFF, 10000));
    }

  /* Select its row, open it (Alt+Return's action), click Start. */
  position = ferry_ui_test_position_of (shown, "n3-spare");
  g_assert_cmpuint (position, !=, GTK_INVALID_LIST_POSITION);
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (ferry_window_get_selection (window)), position, TRUE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.vm-open", NULL));
  ferry_ui_test_settle (500);
  start = ferry_ui_test_find_button (GTK_WIDGET (window), "_Start");
  g_assert_nonnull (start);
  g_assert_true (gtk_widget_is_sensitive (start));
  g_signal_emit_by_name (start, "clicked");
  g_assert_true (ferry_test_wait_vm_state (vm, FERRY_VM_STATE_RUNNING, 10000));
  state = virsh_domstate (vm);
  g_assert_cmpstr (state, ==, "running");
  g_clear_pointer (&state, g_free);
  ferry_ui_test_settle (1500);
  ferry_ui_test_screenshot (GTK_WIDGET (window), "vm-page-running.png");

  /* Force off through its action (Ctrl+Shift+F), from the VM page. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.vm-force-off", NULL));
  g_assert_true (ferry_test_wait_vm_state (vm, FERRY_VM_STATE_SHUT_OFF, 10000));
  state = virsh_domstate (vm);
  g_assert_cmpstr (state, ==, "shut off");
  ferry_ui_test_settle (300);
  /* Both runs are in the task log, newest first, done. */
  {
    GListModel *log = G_LIST_MODEL (ferry_session_get_task_log (ferry_application_get_session (app)));
    g_autoptr(FerryTask) last = g_list_model_get_item (log, 0);

    g_assert_cmpstr (ferry_task_get_target (last), ==, "n3-spare");
    g_assert_cmpint (ferry_task_get_state (last), ==, FERRY_TASK_SUCCEEDED);
  }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-tasks", NULL));
  ferry_ui_test_settle (500);
  {
    /* A popover is a surface of its own: render it, not the window. */
    GtkWidget *popover = GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (find_menu_button (GTK_WIDGET (window),
                                                                                         "Tasks"))));
    g_assert_true (gtk_widget_get_visible (popover));
    ferry_ui_test_screenshot (popover, "tasks.png");
    gtk_popover_popdown (GTK_POPOVER (popover));
  }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.go-back", NULL));
  ferry_ui_test_settle (300);
}

static void
test_lifecycle (void)
{
  g_auto(GStrv) args = ferry_ui_test_cluster_args ();

  if (!ferry_ui_test_have_cluster ())
    return;
  ferry_ui_test_run_app ((const char * const *) args, check_lifecycle);
}

/* The same window in the dark and light styles, with a node selected, the
 * search and state filters, the context menu and the dialogs. */
static void
check_styles (FerryApplication *app,
              FerryWindow      *window)
{
  FerryInventory *inventory = ferry_session_get_inventory (ferry_application_get_session (app));
  AdwStyleManager *style = adw_style_manager_get_default ();
  const struct { AdwColorScheme scheme; const char *name; } schemes[] = {
    { ADW_COLOR_SCHEME_FORCE_LIGHT, "light" },
    { ADW_COLOR_SCHEME_FORCE_DARK, "dark" },
  };

  g_assert_true (ferry_test_wait_until (ferry_ui_test_all_connected, inventory, 30000));
  /* A few seconds of statistics for the graphs. */
  ferry_ui_test_settle (8000);

  /* The state filter: only running VMs, then only shut-off ones. */
  ferry_window_set_state_filter (window, 3);
  ferry_ui_test_settle (100);
  for (guint i = 0; i < g_list_model_get_n_items (ferry_window_get_vm_model (window)); i++)
    {
      g_autoptr(FerryVm) vm = g_list_model_get_item (ferry_window_get_vm_model (window), i);
      g_assert_cmpint (ferry_vm_get_state (vm), ==, FERRY_VM_STATE_SHUT_OFF);
    }
  g_assert_cmpuint (g_list_model_get_n_items (ferry_window_get_vm_model (window)), >=, 1);
  ferry_window_set_state_filter (window, 0);
  ferry_window_set_search_text (window, "web");
  g_assert_cmpuint (g_list_model_get_n_items (ferry_window_get_vm_model (window)), ==, 3);
  ferry_window_set_search_text (window, "");

  for (guint s = 0; s < G_N_ELEMENTS (schemes); s++)
    {
      g_autofree char *main_png = g_strdup_printf ("window-%s.png", schemes[s].name);
      g_autofree char *node_png = g_strdup_printf ("node-%s.png", schemes[s].name);
      g_autofree char *vm_png = g_strdup_printf ("vm-page-%s.png", schemes[s].name);
      g_autofree char *node_graphs_png = g_strdup_printf ("node-graphs-%s.png", schemes[s].name);
      g_autofree char *cluster_graphs_png = g_strdup_printf ("cluster-graphs-%s.png", schemes[s].name);
      g_autofree char *new_png = g_strdup_printf ("new-vm-%s.png", schemes[s].name);
      GtkWindow *dialog;
      guint position;

      adw_style_manager_set_color_scheme (style, schemes[s].scheme);
      ferry_window_select_sidebar (window, 0);
      ferry_ui_test_settle (400);
      ferry_ui_test_screenshot (GTK_WIDGET (window), main_png);

      ferry_window_select_sidebar (window, 2);
      ferry_ui_test_settle (400);
      ferry_ui_test_screenshot (GTK_WIDGET (window), node_png);

      /* The host's graphs, then the whole cluster's. */
      ferry_window_set_graphs_expanded (window, TRUE);
      ferry_ui_test_settle (600);
      ferry_ui_test_screenshot (GTK_WIDGET (window), node_graphs_png);
      ferry_window_select_sidebar (window, 0);
      ferry_ui_test_settle (600);
      ferry_ui_test_screenshot (GTK_WIDGET (window), cluster_graphs_png);
      ferry_window_set_graphs_expanded (window, FALSE);
      ferry_window_select_sidebar (window, 2);
      ferry_ui_test_settle (300);

      position = ferry_ui_test_position_of (ferry_window_get_vm_model (window), "n2-web");
      gtk_selection_model_select_item (GTK_SELECTION_MODEL (ferry_window_get_selection (window)), position, TRUE);
      g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (window)));
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.vm-open", NULL));
      ferry_ui_test_settle (1200);
      ferry_ui_test_screenshot (GTK_WIDGET (window), vm_png);
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.go-back", NULL));
      ferry_ui_test_settle (300);

      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.new-vm", NULL));
      ferry_ui_test_settle (1500);
      dialog = find_toplevel (FERRY_TYPE_NEW_VM_DIALOG);
      g_assert_nonnull (dialog);
      ferry_ui_test_screenshot (GTK_WIDGET (dialog), new_png);
      gtk_window_close (dialog);
      ferry_ui_test_settle (200);
    }
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
}

static void
test_styles (void)
{
  g_auto(GStrv) args = ferry_ui_test_cluster_args ();

  if (!ferry_ui_test_have_cluster ())
    return;
  ferry_ui_test_run_app ((const char * const *) args, check_styles);
}


/* The New VM assistant on a real node: install from the cluster's ISO onto
 * a new disk, start it, see it boot (its heartbeat on the serial console),
 * then delete it with its storage from the window. */
static gboolean
spawn_ok (const char * const *argv,
          char              **out)
{
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, out, NULL, &status, &error))
    return FALSE;
  return g_spawn_check_wait_status (status, NULL);
}

typedef struct { FerryInventory *inventory; const char *name; } VmWait;

static gboolean
vm_running (gpointer data)
{
  VmWait *w = data;
  FerryVm *vm = ferry_inventory_find_vm_by_name (w->inventory, w->name);
  return vm != NULL && ferry_vm_get_state (vm) == FERRY_VM_STATE_RUNNING;
}

static gboolean
vm_gone (gpointer data)
{
  VmWait *w = data;
  return ferry_inventory_find_vm_by_name (w->inventory, w->name) == NULL;
}

static gboolean
dialog_ready (gpointer data)
{
  GtkWidget *create = ferry_ui_test_find_button (data, "C_reate");
  return create != NULL && gtk_widget_get_sensitive (create);
}

/* The host's pools, ISO images and firmware have arrived (its worker may be
 * busy for a while on a loaded machine): the ISO choices are filled in. */
static gboolean
resources_shown (gpointer data)
{
  AdwComboRow *iso = data;
  GListModel *model = adw_combo_row_get_model (iso);
  return model != NULL && g_list_model_get_n_items (model) > 0;
}

/* What the dialog says under its form, to explain a Create that stays off. */
static const char *
dialog_status (GtkWidget *root)
{
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      const char *found;

      if (GTK_IS_LABEL (c) && gtk_widget_has_css_class (c, "error"))
        return gtk_label_get_text (GTK_LABEL (c));
      if ((found = dialog_status (c)) != NULL)
        return found;
    }
  return NULL;
}

static void
select_combo (AdwComboRow *row,
              const char  *prefix)
{
  GListModel *model = adw_combo_row_get_model (row);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GtkStringObject) item = g_list_model_get_item (model, i);

      if (g_str_has_prefix (gtk_string_object_get_string (item), prefix))
        {
          adw_combo_row_set_selected (row, i);
          return;
        }
    }
  g_error ("no “%s…” among the choices", prefix);
}

static GtkWidget *
find_by_title (GtkWidget  *root,
               GType       type,
               const char *title)
{
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (c, type) &&
          g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (c)), title) == 0)
        return c;
      if ((found = find_by_title (c, type, title)) != NULL)
        return found;
    }
  return NULL;
}

static GtkSpinButton *
spin_of (GtkWidget  *dialog,
         const char *title)
{
  GtkWidget *row = find_by_title (dialog, ADW_TYPE_ACTION_ROW, title);
  g_autoptr(GPtrArray) stack = g_ptr_array_new ();

  g_assert_nonnull (row);
  g_ptr_array_add (stack, row);
  while (stack->len > 0)
    {
      GtkWidget *w = g_ptr_array_steal_index (stack, stack->len - 1);

      if (GTK_IS_SPIN_BUTTON (w))
        return GTK_SPIN_BUTTON (w);
      for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL; c = gtk_widget_get_next_sibling (c))
        g_ptr_array_add (stack, c);
    }
  g_error ("no spin button in “%s”", title);
  return NULL;
}

static void
check_new_vm (FerryApplication *app,
              FerryWindow      *window)
{
  FerryInventory *inventory = ferry_session_get_inventory (ferry_application_get_session (app));
  const char *name = "ui-created";
  VmWait w = { inventory, name };
  g_autofree char *script = g_build_filename (g_getenv ("FERRY_SOURCE_DIR"), "tests", "cluster", "read-serial", NULL);
  g_autofree char *serial = NULL;
  g_autofree char *volumes = NULL;
  GtkWindow *dialog;
  AdwMessageDialog *confirm;
  AdwComboRow *iso;
  GtkWidget *storage;
  FerryVm *vm;
  FerryNode *node;
  guint position;

  g_assert_true (ferry_test_wait_until (ferry_ui_test_all_connected, inventory, 30000));
  ferry_ui_test_settle (500);
  g_assert_null (ferry_inventory_find_vm_by_name (inventory, name));

  /* node1 in the sidebar, then Ctrl+N's action. */
  ferry_window_select_sidebar (window, 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.new-vm", NULL));
  ferry_ui_test_settle (300);
  dialog = find_toplevel (FERRY_TYPE_NEW_VM_DIALOG);
  g_assert_nonnull (dialog);
  /* Only what the host offers is waited for: whether the defaults fit (a
   * 20 GiB disk in a pool with less free space does not) is not this test's
   * business; the form below is filled completely. */
  iso = ADW_COMBO_ROW (find_by_title (GTK_WIDGET (dialog), ADW_TYPE_COMBO_ROW, "ISO image"));
  g_assert_nonnull (iso);
  if (!ferry_test_wait_until (resources_shown, iso, 60000))
    g_error ("the New VM dialog did not show node1's resources within 60 s (it says: %s)",
             dialog_status (GTK_WIDGET (dialog)));

  gtk_editable_set_text (GTK_EDITABLE (find_by_title (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW, "Name")), name);
  select_combo (iso, "shared / ferry-installer.iso");
  select_combo (ADW_COMBO_ROW (find_by_title (GTK_WIDGET (dialog), ADW_TYPE_COMBO_ROW,
                                              "Storage pool for the new disk")), "local");
  /* This machine's KVM is broken (PLATFORM.md): emulation. */
  select_combo (ADW_COMBO_ROW (find_by_title (GTK_WIDGET (dialog), ADW_TYPE_COMBO_ROW, "Acceleration")),
                "Emulation");
  gtk_spin_button_set_value (spin_of (GTK_WIDGET (dialog), "Memory (MiB)"), 256);
  gtk_spin_button_set_value (spin_of (GTK_WIDGET (dialog), "New disk size (GiB)"), 0.0625);
  ferry_ui_test_settle (200);
  ferry_ui_test_screenshot (GTK_WIDGET (dialog), "new-vm-filled.png");
  if (!ferry_test_wait_until (dialog_ready, dialog, 5000))
    g_error ("Create stays off with the form filled in (the dialog says: %s)",
             dialog_status (GTK_WIDGET (dialog)));
  g_signal_emit_by_name (ferry_ui_test_find_button (GTK_WIDGET (dialog), "C_reate"), "clicked");

  /* It appears, runs, and boots: its heartbeat comes on its console. */
  g_assert_true (ferry_test_wait_until (vm_running, &w, 60000));
  vm = ferry_inventory_find_vm_by_name (inventory, name);
  node = ferry_vm_get_node (vm);
  {
    const char *argv[] = { script, ferry_node_get_uri (node), name, "90", NULL };
    g_assert_true (spawn_ok (argv, &serial));
    g_assert_nonnull (strstr (serial, "FERRY-HEARTBEAT"));
  }
  ferry_ui_test_settle (300);

  /* Delete it from the window, with its storage, confirmed. */
  position = ferry_ui_test_position_of (ferry_window_get_vm_model (window), name);
  g_assert_cmpuint (position, !=, GTK_INVALID_LIST_POSITION);
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (ferry_window_get_selection (window)), position, TRUE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.vm-delete", NULL));
  ferry_ui_test_settle (1500);
  confirm = ADW_MESSAGE_DIALOG (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_nonnull (confirm);
  storage = adw_message_dialog_get_extra_child (confirm);
  storage = gtk_widget_get_first_child (storage);
  g_assert_true (GTK_IS_CHECK_BUTTON (storage));
  g_assert_true (gtk_widget_get_sensitive (storage));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (storage), TRUE);
  ferry_ui_test_screenshot (GTK_WIDGET (confirm), "delete-confirm.png");
  adw_message_dialog_response (confirm, "delete");
  g_assert_true (ferry_test_wait_until (vm_gone, &w, 30000));

  {
    const char *argv[] = { "virsh", "-q", "-c", ferry_node_get_uri (node), "vol-list", "local", NULL };
    g_autofree char *list = NULL;

    g_assert_true (spawn_ok (argv, &list));
    g_assert_null (strstr (list, name));
  }
  {
    const char *argv[] = { "virsh", "-q", "-c", ferry_node_get_uri (node), "dominfo", name, NULL };
    g_assert_false (spawn_ok (argv, NULL));
  }
}

static void
test_new_vm (void)
{
  g_auto(GStrv) args = ferry_ui_test_cluster_args ();

  if (!ferry_ui_test_have_cluster ())
    return;
  ferry_ui_test_run_app ((const char * const *) args, check_new_vm);
}


/* ---------------------------------------------------------------------- */
/* Consoles                                                                */

static gboolean
display_initialized (gpointer page)
{
  return ferry_vnc_display_is_initialized (ferry_console_page_get_display (page));
}

typedef struct { FerryConsolePage *page; FerryNode *node; } ReconnectWait;

static gboolean
reconnected_on (gpointer data)
{
  ReconnectWait *w = data;
  FerryVm *vm = ferry_console_page_get_vm (w->page);

  return ferry_vm_get_node (vm) == w->node &&
         ferry_vnc_display_is_initialized (ferry_console_page_get_display (w->page));
}

/* A console tab of a real guest; it follows a live migration by itself;
 * it moves to a window of its own, still connected. */
static void
check_console (FerryApplication *app,
               FerryWindow      *window)
{
  FerryInventory *inventory = ferry_session_get_inventory (ferry_application_get_session (app));
  GListModel *nodes = ferry_inventory_get_nodes (inventory);
  FerryConsolePage *page;
  FerryConsoleWindow *detached;
  FerryVm *vm;
  FerryNode *from, *to = NULL;
  ReconnectWait w;
  g_autofree char *shot = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (ferry_test_wait_until (ferry_ui_test_all_connected, inventory, 30000));
  ferry_ui_test_settle (500);
  vm = ferry_inventory_find_vm_by_name (inventory, "n2-db");
  g_assert_nonnull (vm);
  from = ferry_vm_get_node (vm);

  page = ferry_window_open_console (window, vm);
  g_assert_true (ferry_test_wait_until (display_initialized, page, 20000));
  ferry_ui_test_settle (1500);
  ferry_ui_test_screenshot (GTK_WIDGET (window), "console-tab.png");
  shot = ferry_console_page_save_screenshot (page, g_getenv ("FERRY_BUILD_DIR"), &error);
  g_assert_no_error (error);
  g_assert_true (g_file_test (shot, G_FILE_TEST_EXISTS));
  g_remove (shot);

  /* Live-migrate it: the console reconnects on the destination. */
  for (guint i = 0; i < g_list_model_get_n_items (nodes) && to == NULL; i++)
    {
      g_autoptr(FerryNode) n = g_list_model_get_item (nodes, i);
      if (n != from)
        to = n;
    }
  w.page = page;
  w.node = to;
  g_assert_no_error (ferry_test_migrate (vm, to, 120000));
  g_assert_true (ferry_test_wait_until (reconnected_on, &w, 30000));
  ferry_ui_test_settle (1500);
  ferry_ui_test_screenshot (GTK_WIDGET (window), "console-after-migration.png");

  /* Into a window of its own, still connected. */
  detached = ferry_window_detach_console (window);
  g_assert_nonnull (detached);
  ferry_ui_test_settle (1000);
  g_assert_true (ferry_console_window_get_page (detached) == page);
  g_assert_true (ferry_test_wait_until (display_initialized, page, 10000));
  ferry_ui_test_screenshot (GTK_WIDGET (detached), "console-window.png");
  gtk_window_close (GTK_WINDOW (detached));
  ferry_ui_test_settle (300);

  /* Leave the guest where it was. */
  g_assert_no_error (ferry_test_migrate (vm, from, 120000));
}

static void
test_console (void)
{
  g_auto(GStrv) args = ferry_ui_test_cluster_args ();

  if (!ferry_ui_test_have_cluster ())
    return;
  ferry_ui_test_run_app ((const char * const *) args, check_console);
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
  g_test_add_func ("/ui/window/lifecycle", test_lifecycle);
  g_test_add_func ("/ui/window/styles", test_styles);
  g_test_add_func ("/ui/window/new-vm", test_new_vm);
  g_test_add_func ("/ui/window/console", test_console);

  ret = g_test_run ();
  ferry_test_remove_tree (tmpdir);
  g_free (tmpdir);
  return ret;
}
