/* test-import.c — importing virt-manager's connections, in the real app
 *
 * virt-manager's schema is a copy compiled into a temporary directory put in
 * front of GSETTINGS_SCHEMA_DIR, with the memory backend: what "virt-manager
 * saved" is whatever the test writes there, whether virt-manager is
 * installed on the machine or not. The connections are libvirt test-driver
 * files, so that imported nodes really connect.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "ferry-fake-schema.h"
#include "ferry-import-dialog.h"
#include "ferry-test-util.h"
#include "ferry-ui-test-util.h"
#include "ferry-virt-manager-import.h"

static char *tmpdir;
static char *uri_a;   /* test:/// node files */
static char *uri_b;

#define HOSTILE_URI "qemu+ssh://-oProxyCommand=touch%20/tmp/pwned/system"

static void
set_virt_manager_uris (const char * const *uris)
{
  g_autoptr(GSettings) settings = g_settings_new (FERRY_VIRT_MANAGER_CONNECTIONS_SCHEMA);

  g_assert_true (g_settings_set_strv (settings, "uris", uris));
}

static FerryImportDialog *
find_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

      if (FERRY_IS_IMPORT_DIALOG (w) && gtk_widget_get_visible (GTK_WIDGET (w)))
        return FERRY_IMPORT_DIALOG (w);
    }
  return NULL;
}

/* The check buttons and the Import button, as the user sees them. */
static void
collect (GtkWidget  *widget,
         GPtrArray  *checks,
         GtkWidget **import_button)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_CHECK_BUTTON (child))
        g_ptr_array_add (checks, child);
      else if (GTK_IS_BUTTON (child) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (child)), "_Import") == 0)
        *import_button = child;
      collect (child, checks, import_button);
    }
}

/* The connection a check box is for: the title of its row. */
static char *
row_title (GtkWidget *check)
{
  GtkWidget *row = gtk_widget_get_ancestor (check, ADW_TYPE_ACTION_ROW);

  return g_strdup (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)));
}

/* The primary menu's button (the "hamburger"). */
static GtkMenuButton *
find_primary_menu_button (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkMenuButton *found;

      if (GTK_IS_MENU_BUTTON (child) &&
          g_strcmp0 (gtk_menu_button_get_icon_name (GTK_MENU_BUTTON (child)), "open-menu-symbolic") == 0)
        return GTK_MENU_BUTTON (child);
      if ((found = find_primary_menu_button (child)) != NULL)
        return found;
    }
  return NULL;
}

static gboolean
menu_has_action (GMenuModel *menu,
                 const char *action)
{
  for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
    {
      g_autofree char *name = NULL;
      g_autoptr(GMenuModel) section = g_menu_model_get_item_link (menu, i, G_MENU_LINK_SECTION);

      if (g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_ACTION, "s", &name) &&
          g_str_equal (name, action))
        return TRUE;
      if (section != NULL && menu_has_action (section, action))
        return TRUE;
    }
  return FALSE;
}

static guint
n_nodes (FerryApplication *app)
{
  return g_list_model_get_n_items (ferry_inventory_get_nodes (ferry_session_get_inventory (ferry_application_get_session (app))));
}

static char *
saved_config (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "config.ini", NULL);
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, NULL);
  return contents;
}

/* ---------------------------------------------------------------------- */

static void
check_first_run (FerryApplication *app,
                 FerryWindow      *window)
{
  g_autoptr(GPtrArray) checks = g_ptr_array_new ();
  g_autofree char *saved = NULL;
  GtkWidget *import_button = NULL;
  FerryImportDialog *dialog;
  GtkWidget *check_b = NULL;

  /* No connections of its own yet: Ferry offers virt-manager's by itself. */
  ferry_ui_test_settle (300);
  g_assert_cmpuint (n_nodes (app), ==, 0);
  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (window));
  g_assert_cmpuint (ferry_import_dialog_get_n_new (dialog), ==, 2);

  /* Three rows (the repeated URI once): the two valid ones checked, the
   * hostile one shown but not selectable. */
  collect (GTK_WIDGET (dialog), checks, &import_button);
  g_assert_cmpuint (checks->len, ==, 3);
  g_assert_nonnull (import_button);
  g_assert_true (gtk_widget_get_sensitive (import_button));
  for (guint i = 0; i < checks->len; i++)
    {
      GtkWidget *check = g_ptr_array_index (checks, i);
      g_autofree char *label = row_title (check);
      gboolean hostile = g_str_equal (label, HOSTILE_URI);

      g_assert_cmpint (gtk_widget_get_sensitive (check), ==, !hostile);
      g_assert_cmpint (gtk_check_button_get_active (GTK_CHECK_BUTTON (check)), ==, !hostile);
      if (g_str_equal (label, "b.xml"))
        check_b = check;
    }
  g_assert_nonnull (check_b);
  ferry_ui_test_screenshot (GTK_WIDGET (dialog), "import-dialog.png");

  /* Unchecking everything disables Import; the user keeps only "a". */
  for (guint i = 0; i < checks->len; i++)
    gtk_check_button_set_active (GTK_CHECK_BUTTON (g_ptr_array_index (checks, i)), FALSE);
  g_assert_false (gtk_widget_get_sensitive (import_button));
  for (guint i = 0; i < checks->len; i++)
    if (g_ptr_array_index (checks, i) != check_b && gtk_widget_get_sensitive (g_ptr_array_index (checks, i)))
      gtk_check_button_set_active (GTK_CHECK_BUTTON (g_ptr_array_index (checks, i)), TRUE);
  g_assert_true (gtk_widget_get_sensitive (import_button));

  g_signal_emit_by_name (import_button, "clicked");
  ferry_ui_test_settle (100);
  g_assert_null (find_dialog ());

  /* Added through the usual path: connected, listed, saved. */
  g_assert_cmpuint (n_nodes (app), ==, 1);
  g_assert_true (ferry_test_wait_until (ferry_ui_test_all_connected, ferry_session_get_inventory (ferry_application_get_session (app)), 10000));
  g_assert_nonnull (ferry_inventory_find_node_by_uri (ferry_session_get_inventory (ferry_application_get_session (app)), uri_a));
  ferry_ui_test_settle (500);
  g_assert_cmpuint (g_list_model_get_n_items (ferry_window_get_vm_model (window)), ==, 3);
  saved = saved_config ();
  g_assert_nonnull (saved);
  g_assert_nonnull (strstr (saved, uri_a));
  g_assert_null (strstr (saved, uri_b));
  g_assert_null (strstr (saved, "ProxyCommand"));
  ferry_ui_test_screenshot (GTK_WIDGET (window), "import-done.png");
}

static void
test_first_run (void)
{
  g_autofree char *config_path = g_build_filename (tmpdir, "config.ini", NULL);
  const char *saved[] = { uri_a, uri_b, HOSTILE_URI, uri_a, NULL };

  g_unlink (config_path);
  set_virt_manager_uris (saved);
  g_setenv ("FERRY_CONFIG", config_path, TRUE);
  ferry_ui_test_run_app (NULL, check_first_run);
  g_unsetenv ("FERRY_CONFIG");
}

static void
check_from_menu (FerryApplication *app,
                 FerryWindow      *window)
{
  g_autoptr(GPtrArray) checks = g_ptr_array_new ();
  GtkWidget *import_button = NULL;
  GtkMenuButton *menu_button;
  FerryImportDialog *dialog;

  /* Ferry has a connection: no offer at start. */
  ferry_ui_test_settle (300);
  g_assert_cmpuint (n_nodes (app), ==, 1);
  g_assert_null (find_dialog ());

  /* The primary menu has the item; its popover is a surface of its own. */
  menu_button = find_primary_menu_button (GTK_WIDGET (window));
  g_assert_nonnull (menu_button);
  g_assert_true (menu_has_action (gtk_menu_button_get_menu_model (menu_button), "app.import-virt-manager"));
  gtk_menu_button_popup (menu_button);
  ferry_ui_test_settle (300);
  ferry_ui_test_screenshot (GTK_WIDGET (gtk_menu_button_get_popover (menu_button)), "import-menu.png");
  gtk_menu_button_popdown (menu_button);

  g_action_group_activate_action (G_ACTION_GROUP (app), "import-virt-manager", NULL);
  ferry_ui_test_settle (300);
  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  g_assert_cmpuint (ferry_import_dialog_get_n_new (dialog), ==, 1);

  /* "a" is already Ferry's: listed, not selectable. */
  collect (GTK_WIDGET (dialog), checks, &import_button);
  g_assert_cmpuint (checks->len, ==, 2);
  for (guint i = 0; i < checks->len; i++)
    {
      GtkWidget *check = g_ptr_array_index (checks, i);
      g_autofree char *label = row_title (check);

      g_assert_cmpint (gtk_widget_get_sensitive (check), ==, g_str_equal (label, "b.xml"));
    }
  ferry_ui_test_screenshot (GTK_WIDGET (dialog), "import-dialog-duplicate.png");

  g_signal_emit_by_name (import_button, "clicked");
  ferry_ui_test_settle (100);
  g_assert_null (find_dialog ());
  g_assert_cmpuint (n_nodes (app), ==, 2);
  g_assert_true (ferry_test_wait_until (ferry_ui_test_all_connected, ferry_session_get_inventory (ferry_application_get_session (app)), 10000));
}

static void
test_from_menu (void)
{
  g_autofree char *config_path = g_build_filename (tmpdir, "config.ini", NULL);
  g_autoptr(FerryConfig) config = ferry_config_new (config_path);
  g_autoptr(FerryNodeConfig) node = ferry_node_config_new (uri_a, "a", NULL);
  g_autoptr(GError) error = NULL;
  const char *saved[] = { uri_a, uri_b, NULL };

  g_unlink (config_path);
  g_assert_true (ferry_config_add_node (config, node, &error));
  g_assert_true (ferry_config_save (config, &error));
  g_assert_no_error (error);
  set_virt_manager_uris (saved);
  g_setenv ("FERRY_CONFIG", config_path, TRUE);
  ferry_ui_test_run_app (NULL, check_from_menu);
  g_unsetenv ("FERRY_CONFIG");
}

static void
check_nothing (FerryApplication *app,
               FerryWindow      *window)
{
  g_autoptr(GPtrArray) checks = g_ptr_array_new ();
  GtkWidget *import_button = NULL;
  FerryImportDialog *dialog;

  /* First run, but virt-manager saved nothing: no dialog in the way. */
  ferry_ui_test_settle (300);
  g_assert_null (find_dialog ());

  /* From the menu it opens and says there is nothing to import. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "import-virt-manager", NULL);
  ferry_ui_test_settle (300);
  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  g_assert_cmpuint (ferry_import_dialog_get_n_new (dialog), ==, 0);
  collect (GTK_WIDGET (dialog), checks, &import_button);
  g_assert_cmpuint (checks->len, ==, 0);
  g_assert_false (gtk_widget_get_visible (import_button));
  ferry_ui_test_screenshot (GTK_WIDGET (dialog), "import-dialog-empty.png");
  gtk_window_close (GTK_WINDOW (dialog));
  ferry_ui_test_settle (100);
  g_assert_cmpuint (n_nodes (app), ==, 0);
}

static void
test_nothing (void)
{
  g_autofree char *config_path = g_build_filename (tmpdir, "config.ini", NULL);

  g_unlink (config_path);
  set_virt_manager_uris ((const char *[]) { NULL });
  g_setenv ("FERRY_CONFIG", config_path, TRUE);
  ferry_ui_test_run_app (NULL, check_nothing);
  g_unsetenv ("FERRY_CONFIG");
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *schema_dir = NULL;
  g_autofree char *schema_path = NULL;
  int ret;

  tmpdir = g_dir_make_tmp ("ferry-ui-import-XXXXXX", NULL);
  /* Before GSettings is first used (GTK and libadwaita use it too): its
   * default schema source is built once. Ferry's own schema stays found. */
  schema_dir = g_build_filename (tmpdir, "schemas", NULL);
  ferry_test_compile_virt_manager_schema (schema_dir, "as");
  schema_path = g_getenv ("GSETTINGS_SCHEMA_DIR")
                ? g_strjoin (G_SEARCHPATH_SEPARATOR_S, schema_dir, g_getenv ("GSETTINGS_SCHEMA_DIR"), NULL)
                : g_strdup (schema_dir);
  g_setenv ("GSETTINGS_SCHEMA_DIR", schema_path, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  uri_a = ferry_test_write_node_file (tmpdir, "a.xml", "vm-a", 3, 2, "aaaaaaaa-1111-4000-8000-");
  uri_b = ferry_test_write_node_file (tmpdir, "b.xml", "vm-b", 2, 1, "bbbbbbbb-1111-4000-8000-");

  g_test_add_func ("/ui/import/first-run", test_first_run);
  g_test_add_func ("/ui/import/from-menu", test_from_menu);
  g_test_add_func ("/ui/import/nothing", test_nothing);

  ret = g_test_run ();
  ferry_test_remove_tree (tmpdir);
  g_free (uri_a);
  g_free (uri_b);
  g_free (tmpdir);
  return ret;
}
