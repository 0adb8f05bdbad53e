/* test-migrate.c — migrating from the window: a real drag under Xvfb, the
 * keyboard path (Ctrl+M), and a refused drop
 *
 * xdotool moves the X pointer and presses the button, so the drag goes
 * through GTK's real drag-and-drop code. virsh and the guests' serial
 * heartbeats are the witnesses.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gdk/x11/gdkx.h>

#include "ferry-fence-dialog.h"
#include "ferry-maintenance-dialog.h"
#include "ferry-migrate-dialog.h"
#include "ferry-node-row.h"
#include "ferry-test-util.h"
#include "ferry-ui-test-util.h"

static FerryNode *
node_at (FerryInventory *inventory,
         guint           i)
{
  g_autoptr(FerryNode) node = g_list_model_get_item (ferry_inventory_get_nodes (inventory), i);

  return node;   /* the inventory keeps it */
}

/* The first three nodes of @inventory, in order. */
static void
nodes_of (FerryInventory *inventory,
          FerryNode      *out[3])
{
  for (guint n = 0; n < 3; n++)
    out[n] = node_at (inventory, n);
}

/* A fresh guest @name on node @i, started and booted. */
static FerryVm *
fresh_guest (FerryInventory *inventory,
             guint           i,
             const char     *name)
{
  FerryNode *nodes[3];

  nodes_of (inventory, nodes);
  return ferry_test_define_guest (inventory, nodes, 3, i, name, "shared", TRUE);
}

static void
remove_guest (FerryInventory *inventory,
              const char     *name)
{
  FerryNode *nodes[3];

  nodes_of (inventory, nodes);
  ferry_test_remove_everywhere (inventory, nodes, 3, name);
}

/* ---------------------------------------------------------------------- */
/* Widgets on screen                                                       */

static GtkWidget *
find_vm_cell (GtkWidget *root,
              FerryVm   *vm)
{
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkListItem *item = g_object_get_data (G_OBJECT (c), "ferry-list-item");
      GtkWidget *found;

      if (item != NULL && gtk_list_item_get_item (item) == (gpointer) vm && gtk_widget_is_drawable (c))
        return c;
      if ((found = find_vm_cell (c, vm)) != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_node_row (GtkWidget *root,
               FerryNode *node)
{
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found;

      if (FERRY_IS_NODE_ROW (c) && ferry_node_row_get_item (FERRY_NODE_ROW (c)) == (gpointer) node)
        return c;
      if ((found = find_node_row (c, node)) != NULL)
        return found;
    }
  return NULL;
}

/* The centre of @widget in X coordinates of the window's surface. */
static void
surface_point (GtkWidget *widget,
               int       *x,
               int       *y)
{
  GtkNative *native = gtk_widget_get_native (widget);
  graphene_point_t p;
  double dx = 0, dy = 0;

  g_assert_true (gtk_widget_compute_point (widget, GTK_WIDGET (native),
                                           &GRAPHENE_POINT_INIT (gtk_widget_get_width (widget) / 2.0,
                                                                 gtk_widget_get_height (widget) / 2.0),
                                           &p));
  gtk_native_get_surface_transform (native, &dx, &dy);
  *x = (int) (p.x + dx);
  *y = (int) (p.y + dy);
}

static gboolean xdotool_done;

static void
xdotool_exited (GPid     pid,
                int      status,
                gpointer data)
{
  g_spawn_close_pid (pid);
  xdotool_done = TRUE;
}

/* Runs xdotool with @script (its command chain) against the window while
 * the main loop keeps running (the drag is ours to answer). */
static void
xdotool (GtkWindow  *window,
         const char *script)
{
  gulong xid = gdk_x11_surface_get_xid (gtk_native_get_surface (GTK_NATIVE (window)));
  g_autofree char *command = g_strdup_printf ("xdotool %s", script);
  g_autofree char *expanded = NULL;
  g_auto(GStrv) argv = NULL;
  g_autoptr(GError) error = NULL;
  GString *s = g_string_new (command);
  g_autofree char *wid = g_strdup_printf ("%lu", xid);
  GPid pid;

  g_string_replace (s, "WID", wid, 0);
  expanded = g_string_free (s, FALSE);
  g_test_message ("%s", expanded);
  g_assert_true (g_shell_parse_argv (expanded, NULL, &argv, &error));
  xdotool_done = FALSE;
  g_assert_true (g_spawn_async (NULL, argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD,
                                NULL, NULL, &pid, &error));
  g_assert_no_error (error);
  g_child_watch_add (pid, xdotool_exited, NULL);
  while (!xdotool_done)
    g_main_context_iteration (NULL, TRUE);
}

static FerryMigrateDialog *
find_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) w = g_list_model_get_item (toplevels, i);

      if (FERRY_IS_MIGRATE_DIALOG (w) && gtk_widget_get_visible (w))
        return FERRY_MIGRATE_DIALOG (w);
    }
  return NULL;
}

static gboolean
dialog_shown (gpointer data)
{
  return find_dialog () != NULL;
}

static gboolean
dialog_ready (gpointer data)
{
  return ferry_migrate_dialog_get_ready (data);
}

typedef struct
{
  FerryWindow *window;
  const char  *needle;
} StatusWait;

static gboolean
status_says (gpointer data)
{
  StatusWait *w = data;
  const char *status = ferry_window_get_drop_status (w->window);

  return status != NULL && strstr (status, w->needle) != NULL;
}

typedef struct { FerryVm *vm; FerryNode *node; } OwnerWait;

static gboolean
owned_by (gpointer data)
{
  OwnerWait *w = data;
  return ferry_vm_get_node (w->vm) == w->node;
}

/* Every text the VM's row showed while it moved: a short move (a second on
 * an idle machine) may be over before the test looks. */
static void
activity_cb (FerryVm    *vm,
             GParamSpec *pspec,
             GPtrArray  *seen)
{
  if (ferry_vm_get_activity (vm) != NULL)
    g_ptr_array_add (seen, g_strdup (ferry_vm_get_activity (vm)));
}

static gboolean
shows_progress_or_moved (gpointer data)
{
  OwnerWait *w = data;
  const char *activity = ferry_vm_get_activity (w->vm);

  return (activity != NULL && strstr (activity, "%") != NULL) || owned_by (w);
}

/* Press on @from, drag to @to and hover there (the button stays down). */
static void
drag_to (GtkWindow *window,
         GtkWidget *from,
         GtkWidget *to)
{
  int x1, y1, x2, y2;
  g_autofree char *script = NULL;

  surface_point (from, &x1, &y1);
  surface_point (to, &x2, &y2);
  g_test_message ("drag from %d,%d to %d,%d", x1, y1, x2, y2);
  script = g_strdup_printf ("mousemove --window WID %d %d sleep 0.3 mousedown 1 sleep 0.3 "
                            "mousemove --window WID %d %d sleep 0.3 mousemove --window WID %d %d sleep 0.3 "
                            "mousemove --window WID %d %d sleep 0.3 "
                            "mousemove --window WID %d %d sleep 0.5 mousemove --window WID %d %d sleep 0.5",
                            x1, y1, x1 + 10, y1 + 4, x1 + 40, y1 + 10, (x1 + x2) / 2, (y1 + y2) / 2,
                            x2, y2, x2 + 2, y2 + 1);
  xdotool (window, script);
}

/* ---------------------------------------------------------------------- */

static void
check_drag_and_drop (FerryApplication *app,
                     FerryWindow      *window)
{
  FerryInventory *inventory = ferry_session_get_inventory (ferry_application_get_session (app));
  FerryNode *source, *destination;
  FerryMigrateDialog *dialog;
  GtkWidget *cell, *row, *button;
  FerryVm *vm;
  StatusWait sw = { window, NULL };
  OwnerWait ow;
  g_autoptr(GPtrArray) seen = NULL;
  g_autofree char *expected = NULL;
  gboolean shown = FALSE;
  gulong activity_id;

  g_assert_true (ferry_test_wait_until (ferry_ui_test_all_connected, inventory, 30000));
  source = node_at (inventory, 0);
  destination = node_at (inventory, 1);
  vm = fresh_guest (inventory, 0, "ui-drag");
  ferry_window_set_search_text (window, "ui-drag");
  ferry_ui_test_settle (800);

  /* Over the host it already runs on: refused, and the status line says why. */
  cell = find_vm_cell (GTK_WIDGET (window), vm);
  g_assert_nonnull (cell);
  row = find_node_row (GTK_WIDGET (window), source);
  g_assert_nonnull (row);
  drag_to (GTK_WINDOW (window), cell, row);
  g_test_message ("status after the drag: %s", ferry_window_get_drop_status (window));
  ferry_ui_test_screenshot (GTK_WIDGET (window), "migrate-drag-own-host.png");
  sw.needle = "already";
  g_assert_true (ferry_test_wait_until (status_says, &sw, 15000));
  g_test_message ("over its own host: %s", ferry_window_get_drop_status (window));

  /* Over another host: allowed once the checks answered. */
  row = find_node_row (GTK_WIDGET (window), destination);
  g_assert_nonnull (row);
  {
    int x, y;
    g_autofree char *script = NULL;

    surface_point (row, &x, &y);
    script = g_strdup_printf ("mousemove --window WID %d %d sleep 0.4 mousemove --window WID %d %d sleep 0.4",
                              x, y, x + 3, y + 1);
    xdotool (GTK_WINDOW (window), script);
  }
  sw.needle = "Drop to migrate";
  if (!ferry_test_wait_until (status_says, &sw, 20000))
    g_error ("over %s the status says: %s", ferry_node_get_name (destination),
             ferry_window_get_drop_status (window));
  g_test_message ("over %s: %s", ferry_node_get_name (destination), ferry_window_get_drop_status (window));
  ferry_ui_test_screenshot (GTK_WIDGET (window), "migrate-drag.png");
  xdotool (GTK_WINDOW (window), "mouseup 1 sleep 0.3");

  /* The drop opens the dialog on that host; its checks pass. */
  g_assert_true (ferry_test_wait_until (dialog_shown, NULL, 10000));
  dialog = find_dialog ();
  g_assert_true (ferry_migrate_dialog_get_destination (dialog) == destination);
  g_assert_true (ferry_test_wait_until (dialog_ready, dialog, 30000));
  ferry_ui_test_settle (2500);   /* the dirty-rate forecast */
  ferry_ui_test_screenshot (GTK_WIDGET (dialog), "migrate-dialog.png");
  button = ferry_ui_test_find_button (GTK_WIDGET (dialog), "_Migrate");
  g_assert_nonnull (button);
  seen = g_ptr_array_new_with_free_func (g_free);
  activity_id = g_signal_connect (vm, "notify::activity", G_CALLBACK (activity_cb), seen);
  g_signal_emit_by_name (button, "clicked");

  /* Progress on the row while it moves, then it runs on the destination. */
  ow.vm = vm;
  ow.node = destination;
  g_assert_true (ferry_test_wait_until (shows_progress_or_moved, &ow, 60000));
  if (!owned_by (&ow))
    ferry_ui_test_screenshot (GTK_WIDGET (window), "migrate-progress.png");
  g_assert_true (ferry_test_wait_until (owned_by, &ow, 180000));
  g_signal_handler_disconnect (vm, activity_id);
  expected = g_strdup_printf ("→ %s", ferry_node_get_name (destination));
  for (guint i = 0; i < seen->len; i++)
    {
      g_test_message ("the row said: %s", (char *) g_ptr_array_index (seen, i));
      shown |= strstr (g_ptr_array_index (seen, i), expected) != NULL;
    }
  g_assert_true (shown);
  ferry_ui_test_settle (1000);
  g_assert_true (ferry_test_virsh_lists (destination, "ui-drag"));
  g_assert_false (ferry_test_virsh_lists (source, "ui-drag"));
  g_assert_cmpuint (ferry_test_count_named (inventory, "ui-drag"), ==, 1);
  g_assert_true (ferry_test_serial_grows ("ui-drag", 30000));
  ferry_ui_test_screenshot (GTK_WIDGET (window), "migrate-done.png");
  /* Nobody was looking (no window manager, no focus): the desktop heard. */
  g_assert_true (ferry_test_wait_until (ferry_ui_test_notified, (gpointer) "ui-drag", 5000));

  remove_guest (inventory, "ui-drag");
  ferry_window_set_search_text (window, "");
}

static void
test_drag_and_drop (void)
{
  g_auto(GStrv) args = ferry_ui_test_cluster_args ();

  if (!ferry_ui_test_have_cluster ())
    return;
  ferry_ui_test_run_app ((const char * const *) args, check_drag_and_drop);
}

static void
check_keyboard (FerryApplication *app,
                FerryWindow      *window)
{
  FerryInventory *inventory = ferry_session_get_inventory (ferry_application_get_session (app));
  FerryNode *source, *destination;
  FerryMigrateDialog *dialog;
  GListModel *shown = ferry_window_get_vm_model (window);
  GtkWidget *button;
  FerryVm *vm;
  OwnerWait ow;
  guint position;

  g_assert_true (ferry_test_wait_until (ferry_ui_test_all_connected, inventory, 30000));
  source = node_at (inventory, 0);
  destination = node_at (inventory, 2);
  vm = fresh_guest (inventory, 0, "ui-keys");
  ferry_window_set_search_text (window, "ui-keys");
  ferry_ui_test_settle (800);

  /* Select its row, then a real Ctrl+M from the keyboard. */
  position = ferry_ui_test_position_of (shown, "ui-keys");
  g_assert_cmpuint (position, !=, GTK_INVALID_LIST_POSITION);
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (ferry_window_get_selection (window)), position, TRUE);
  ferry_ui_test_settle (300);
  xdotool (GTK_WINDOW (window), "key --window WID ctrl+m sleep 0.3");
  g_assert_true (ferry_test_wait_until (dialog_shown, NULL, 10000));
  dialog = find_dialog ();

  /* The destination is chosen in the dialog: the first other host first. */
  g_assert_true (ferry_migrate_dialog_get_destination (dialog) == node_at (inventory, 1));
  adw_combo_row_set_selected (ADW_COMBO_ROW (g_object_get_data (G_OBJECT (dialog), "destination-row")), 1);
  g_assert_true (ferry_migrate_dialog_get_destination (dialog) == destination);
  if (!ferry_test_wait_until (dialog_ready, dialog, 30000))
    {
      ferry_ui_test_screenshot (GTK_WIDGET (dialog), "migrate-dialog-not-ready.png");
      g_error ("the migration dialog did not become ready (see migrate-dialog-not-ready.png)");
    }
  ferry_ui_test_screenshot (GTK_WIDGET (dialog), "migrate-dialog-keyboard.png");
  button = ferry_ui_test_find_button (GTK_WIDGET (dialog), "_Migrate");
  g_assert_true (gtk_widget_activate (button));

  ow.vm = vm;
  ow.node = destination;
  g_assert_true (ferry_test_wait_until (owned_by, &ow, 180000));
  ferry_ui_test_settle (1000);
  g_assert_true (ferry_test_virsh_lists (destination, "ui-keys"));
  g_assert_false (ferry_test_virsh_lists (source, "ui-keys"));
  g_assert_true (ferry_test_serial_grows ("ui-keys", 30000));

  /* The task log has the migration, done, with its numbers. */
  {
    GListModel *log = G_LIST_MODEL (ferry_session_get_task_log (ferry_application_get_session (app)));
    gboolean found = FALSE;

    for (guint i = 0; i < g_list_model_get_n_items (log) && !found; i++)
      {
        g_autoptr(FerryTask) task = g_list_model_get_item (log, i);

        if (g_str_has_prefix (ferry_task_get_target (task), "ui-keys"))
          {
            found = TRUE;
            g_test_message ("task: %s — %s", ferry_task_get_target (task), ferry_task_get_message (task));
            g_assert_cmpint (ferry_task_get_state (task), ==, FERRY_TASK_SUCCEEDED);
          }
      }
    g_assert_true (found);
  }
  remove_guest (inventory, "ui-keys");
  ferry_window_set_search_text (window, "");

  /* The migration defaults live in the preferences. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  ferry_ui_test_settle (500);
  {
    GListModel *toplevels = gtk_window_get_toplevels ();

    for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
      {
        g_autoptr(GtkWidget) w = g_list_model_get_item (toplevels, i);

        if (ADW_IS_PREFERENCES_WINDOW (w) && gtk_widget_get_visible (w))
          {
            adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (w), "migration");
            ferry_ui_test_settle (500);
            ferry_ui_test_screenshot (w, "preferences-migration.png");
            gtk_window_close (GTK_WINDOW (w));
          }
      }
  }
}

static void
test_keyboard (void)
{
  g_auto(GStrv) args = ferry_ui_test_cluster_args ();

  if (!ferry_ui_test_have_cluster ())
    return;
  ferry_ui_test_run_app ((const char * const *) args, check_keyboard);
}

static FerryMaintenanceDialog *
find_maintenance_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) w = g_list_model_get_item (toplevels, i);

      if (FERRY_IS_MAINTENANCE_DIALOG (w) && gtk_widget_get_visible (w))
        return FERRY_MAINTENANCE_DIALOG (w);
    }
  return NULL;
}

static gboolean
node_empty (gpointer data)
{
  return ferry_node_get_n_running (data) == 0;
}

static guint expected_running;

static gboolean
node_refilled (gpointer data)
{
  return ferry_node_get_n_running (data) >= expected_running;
}

static gboolean
nothing_migrating (gpointer data)
{
  return g_list_model_get_n_items (G_LIST_MODEL (data)) == 0;
}

/* Waits until the queue is empty; otherwise says what is still in it (a
 * migration stuck in CI once, and the assertion alone did not say which)
 * and fails. */
static void
wait_queue_empty (FerryMigrationQueue *queue,
                  guint                timeout_ms)
{
  GListModel *jobs = G_LIST_MODEL (queue);

  if (ferry_test_wait_until (nothing_migrating, queue, timeout_ms))
    return;
  for (guint i = 0; i < g_list_model_get_n_items (jobs); i++)
    {
      g_autoptr(FerryMigration) job = g_list_model_get_item (jobs, i);
      g_autofree char *progress = ferry_migration_describe_progress (job);

      g_test_message ("still queued: %s %s -> %s, %s: %s", ferry_migration_get_vm_name (job),
                      ferry_node_get_name (ferry_migration_get_source (job)),
                      ferry_node_get_name (ferry_migration_get_destination (job)),
                      ferry_migration_state_to_string (ferry_migration_get_state (job)),
                      progress != NULL ? progress : "(no progress)");
    }
  g_error ("%u migrations still queued after %u s", g_list_model_get_n_items (jobs), timeout_ms / 1000);
}

/* The host page's Maintenance…: preview, start, the host empties; Exit
 * Maintenance…: the same VMs come back. */
static void
check_maintenance (FerryApplication *app,
                   FerryWindow      *window)
{
  FerryInventory *inventory = ferry_session_get_inventory (ferry_application_get_session (app));
  FerryMigrationQueue *queue = ferry_session_get_migration_queue (ferry_application_get_session (app));
  FerryMaintenanceDialog *dialog;
  FerryNode *node;
  guint running_before;

  g_assert_true (ferry_test_wait_until (ferry_ui_test_all_connected, inventory, 30000));
  ferry_ui_test_settle (1000);
  node = node_at (inventory, 1);
  running_before = ferry_node_get_n_running (node);
  expected_running = running_before;
  g_assert_cmpuint (running_before, >, 0);

  ferry_window_select_sidebar (window, 2);     /* "All", node1, node2 */
  ferry_ui_test_settle (500);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.node-maintenance", NULL));
  ferry_ui_test_settle (500);
  dialog = find_maintenance_dialog ();
  g_assert_nonnull (dialog);
  g_assert_cmpuint (ferry_maintenance_dialog_get_steps (dialog)->len, ==, running_before);
  ferry_ui_test_screenshot (GTK_WIDGET (dialog), "maintenance-enter.png");
  ferry_maintenance_dialog_start (dialog);

  g_assert_true (ferry_node_get_maintenance (node));
  g_assert_true (ferry_test_wait_until (node_empty, node, 240000));
  wait_queue_empty (queue, 60000);
  ferry_ui_test_settle (1000);
  ferry_ui_test_screenshot (GTK_WIDGET (window), "maintenance-host.png");
  g_assert_cmpuint (g_strv_length ((char **) ferry_node_get_evacuated (node)), ==, running_before);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.node-maintenance", NULL));
  ferry_ui_test_settle (500);
  dialog = find_maintenance_dialog ();
  g_assert_nonnull (dialog);
  ferry_ui_test_screenshot (GTK_WIDGET (dialog), "maintenance-exit.png");
  ferry_maintenance_dialog_start (dialog);
  g_assert_false (ferry_node_get_maintenance (node));
  wait_queue_empty (queue, 240000);
  if (!ferry_test_wait_until (node_refilled, node, 20000))
    {
      /* Other tests share the cluster: say what is where. */
      GListModel *vms = ferry_node_get_vms (node);

      for (guint i = 0; i < g_list_model_get_n_items (vms); i++)
        {
          g_autoptr(FerryVm) vm = g_list_model_get_item (vms, i);

          g_test_message ("on %s: %s %s", ferry_node_get_name (node), ferry_vm_get_name (vm),
                          ferry_vm_get_state_text (vm));
        }
      g_error ("%u of %u VMs came back", ferry_node_get_n_running (node), running_before);
    }
  ferry_ui_test_screenshot (GTK_WIDGET (window), "maintenance-back.png");
}

static void
test_maintenance (void)
{
  g_auto(GStrv) args = ferry_ui_test_cluster_args ();

  if (!ferry_ui_test_have_cluster ())
    return;
  ferry_ui_test_run_app ((const char * const *) args, check_maintenance);
}

/* ---------------------------------------------------------------------- */
/* High availability: a host crashes, the admin fences it in Ferry's
 * dialog, its HA guest runs elsewhere once; when the host is back, its
 * stale definition goes after a confirmation. */

typedef struct
{
  gboolean done;
  GError  *error;
} HaWait;

static void
set_ha_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  HaWait *w = user_data;

  ferry_ha_manager_set_ha_finish (FERRY_HA_MANAGER (object), result, &w->error);
  w->done = TRUE;
}

static gboolean
ha_set (gpointer data)
{
  return ((HaWait *) data)->done;
}

static gboolean
node_unreachable (gpointer data)
{
  return ferry_node_get_state (data) == FERRY_NODE_STATE_UNREACHABLE;
}

static gboolean
node_connected (gpointer data)
{
  return ferry_node_get_state (data) == FERRY_NODE_STATE_CONNECTED;
}

static GtkWidget *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) w = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (w, type) && gtk_widget_get_visible (w))
        return w;
    }
  return NULL;
}

/* The subtitle of the plan row titled @vm_name under @root. */
static char *
plan_subtitle (GtkWidget  *root,
               const char *vm_name)
{
  if (ADW_IS_ACTION_ROW (root) &&
      g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (root)), vm_name) == 0)
    return g_strdup (adw_action_row_get_subtitle (ADW_ACTION_ROW (root)));
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      char *found = plan_subtitle (child, vm_name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
fence_dialog_shown (gpointer data)
{
  return find_toplevel (FERRY_TYPE_FENCE_DIALOG) != NULL;
}

static GtkWidget *
find_check (GtkWidget *root)
{
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found;

      if (GTK_IS_CHECK_BUTTON (c))
        return c;
      if ((found = find_check (c)) != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_stale_question (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) w = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (w) && !FERRY_IS_FENCE_DIALOG (w) && gtk_widget_get_visible (w) &&
          adw_message_dialog_has_response (ADW_MESSAGE_DIALOG (w), "remove"))
        return w;
    }
  return NULL;
}

static gboolean
stale_question (gpointer data)
{
  return find_stale_question () != NULL;
}

static gboolean
stale_gone (gpointer data)
{
  return !ferry_test_virsh_lists (data, "ha-ui");
}

static void
check_ha_recovery (FerryApplication *app,
                   FerryWindow      *window)
{
  FerryInventory *inventory = ferry_session_get_inventory (ferry_application_get_session (app));
  FerryHaManager *manager = ferry_session_get_ha_manager (ferry_application_get_session (app));
  const char *fail[] = { "fail", "node3", NULL };
  const char *restart[] = { "restart", "node3", NULL };
  FerryNode *node3;
  FerryVm *vm;
  GtkWidget *dialog, *check;
  HaWait w = { FALSE, NULL };
  g_autofree char *shown = NULL;
  gsize serial_before;

  g_assert_true (ferry_test_wait_until (ferry_ui_test_all_connected, inventory, 30000));
  node3 = node_at (inventory, 2);
  vm = fresh_guest (inventory, 2, "ha-ui");

  /* Highly available (its disk is on the shared pool). */
  ferry_ha_manager_set_ha_async (manager, vm, TRUE, NULL, set_ha_done, &w);
  g_assert_true (ferry_test_wait_until (ha_set, &w, 30000));
  g_assert_no_error (w.error);
  g_assert_true (ferry_ha_manager_is_ha (manager, vm));

  /* The host crashes: its HA guest is at risk; the host page offers Recover. */
  ferry_test_cluster_script (fail);
  g_assert_true (ferry_test_wait_until (node_unreachable, node3, 30000));
  ferry_window_select_sidebar (window, 3);      /* "All", node1, node2, node3 */
  ferry_ui_test_settle (1000);
  g_assert_cmpuint (ferry_ha_manager_count_at_risk (manager, node3), ==, 1);
  ferry_ui_test_screenshot (GTK_WIDGET (window), "ha-at-risk.png");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.node-recover", NULL));
  g_assert_true (ferry_test_wait_until (fence_dialog_shown, NULL, 5000));
  dialog = find_toplevel (FERRY_TYPE_FENCE_DIALOG);
  ferry_ui_test_settle (500);
  /* Nothing happens before the administrator says the host is off. */
  g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "recover"));
  check = find_check (dialog);
  g_assert_nonnull (check);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), TRUE);
  g_assert_true (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "recover"));
  ferry_ui_test_screenshot (dialog, "ha-fence-dialog.png");
  /* Where the dialog says it starts is where it starts. */
  shown = plan_subtitle (dialog, "ha-ui");
  g_assert_nonnull (shown);
  g_assert_true (g_str_has_prefix (shown, "Starts on "));
  serial_before = ferry_test_serial_size ("ha-ui");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "recover");

  /* It boots once on a surviving node. */
  if (!ferry_test_serial_wait_for ("ha-ui", serial_before, "FERRY-HEARTBEAT", 120000))
    {
      GListModel *log = G_LIST_MODEL (ferry_session_get_task_log (ferry_application_get_session (app)));

      for (guint i = 0; i < MIN (g_list_model_get_n_items (log), 8); i++)
        {
          g_autoptr(FerryTask) task = g_list_model_get_item (log, i);

          g_test_message ("task: %s %s: %s", ferry_task_get_title (task), ferry_task_get_target (task),
                          ferry_task_get_message (task));
        }
      g_error ("ha-ui did not boot on another node");
    }
  ferry_ui_test_settle (1000);
  g_assert_true (ferry_vm_get_node (vm) != node3);
  g_assert_cmpstr (shown + strlen ("Starts on "), ==, ferry_node_get_name (ferry_vm_get_node (vm)));
  g_assert_true (ferry_test_virsh_lists (ferry_vm_get_node (vm), "ha-ui"));
  g_assert_cmpuint (ferry_test_count_named (inventory, "ha-ui"), ==, 1);
  g_test_message ("ha-ui recovered on %s", ferry_node_get_name (ferry_vm_get_node (vm)));
  ferry_ui_test_screenshot (GTK_WIDGET (window), "ha-recovered.png");

  /* The host comes back with a stale definition: removed after asking. */
  ferry_test_cluster_script (restart);
  g_assert_true (ferry_test_wait_until (node_connected, node3, 60000));
  if (!ferry_test_wait_until (stale_question, NULL, 60000))
    {
      g_autoptr(GPtrArray) stale = ferry_ha_manager_get_stale (manager, node3);

      g_error ("no question about stale definitions (%u known)", stale->len);
    }
  dialog = find_stale_question ();
  ferry_ui_test_settle (800);
  ferry_ui_test_screenshot (dialog, "ha-stale.png");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "remove");
  g_assert_true (ferry_test_wait_until (stale_gone, node3, 30000));
  g_assert_cmpuint (ferry_test_count_named (inventory, "ha-ui"), ==, 1);

  /* Leave node3's demo guests running, as the other tests expect. */
  {
    const char *names[] = { "n3-web", "n3-db" };

    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
      {
        FerryVm *demo = ferry_inventory_find_vm_by_name (inventory, names[i]);
        GError *error;

        g_assert_true (ferry_test_wait_vm_state (demo, FERRY_VM_STATE_SHUT_OFF, 20000));
        error = ferry_test_run_op (demo, FERRY_VM_OP_START);
        g_assert_no_error (error);
      }
  }
  remove_guest (inventory, "ha-ui");
}

static void
test_ha_recovery (void)
{
  g_auto(GStrv) args = ferry_ui_test_cluster_args ();

  if (!ferry_ui_test_have_cluster ())
    return;
  ferry_ui_test_run_app ((const char * const *) args, check_ha_recovery);
}

int
main (int   argc,
      char *argv[])
{
  ferry_test_require_programs ("xdotool", NULL);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  ferry_ui_test_serve_notifications ();

  g_test_add_func ("/ui/migrate/drag-and-drop", test_drag_and_drop);
  g_test_add_func ("/ui/migrate/keyboard", test_keyboard);
  g_test_add_func ("/ui/migrate/maintenance", test_maintenance);
  g_test_add_func ("/ui/migrate/ha-recovery", test_ha_recovery);

  return g_test_run ();
}
