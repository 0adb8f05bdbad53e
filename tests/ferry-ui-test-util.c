/* ferry-ui-test-util.c — running the real application in tests and benches
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "ferry-test-util.h"
#include "ferry-ui-test-util.h"

typedef struct
{
  FerryApplication *app;
  FerryUiTestFunc   func;
} UiTest;

void
ferry_ui_test_settle (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (5000);
    }
}

void
ferry_ui_test_screenshot (GtkWidget  *widget,
                          const char *name)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  const char *build = g_getenv ("FERRY_BUILD_DIR");
  g_autofree char *dir = g_build_filename (build ? build : ".", "tests", "output", NULL);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  g_mkdir_with_parents (dir, 0755);
  /* A widget shows what it last drew: right after a change (or on a loaded
   * machine) that may be nothing yet, until its next frame. */
  for (guint attempt = 0; node == NULL && attempt < 100; attempt++)
    {
      GtkSnapshot *snapshot = gtk_snapshot_new ();

      gdk_paintable_snapshot (paintable, snapshot, width, height);
      node = gtk_snapshot_free_to_node (snapshot);
      if (node == NULL)
        {
          gtk_widget_queue_draw (widget);
          ferry_ui_test_settle (50);
        }
    }
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}

gboolean
ferry_ui_test_all_connected (gpointer inventory)
{
  GListModel *nodes = ferry_inventory_get_nodes (inventory);
  guint n = g_list_model_get_n_items (nodes);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FerryNode) node = g_list_model_get_item (nodes, i);

      if (ferry_node_get_state (node) != FERRY_NODE_STATE_CONNECTED)
        return FALSE;
    }
  return n > 0;
}

GStrv
ferry_ui_test_cluster_args (void)
{
  g_autoptr(GPtrArray) nodes = ferry_test_read_cluster_nodes ();
  g_autoptr(GStrvBuilder) args = g_strv_builder_new ();

  if (nodes == NULL)
    return NULL;
  for (guint i = 0; i < nodes->len; i++)
    {
      g_strv_builder_add (args, "--connect");
      g_strv_builder_add (args, ((char **) g_ptr_array_index (nodes, i))[1]);
    }
  return g_strv_builder_end (args);
}

static gboolean
run_test (gpointer data)
{
  UiTest *t = data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (t->app));

  g_assert_nonnull (window);
  t->func (t->app, FERRY_WINDOW (window));
  g_application_quit (G_APPLICATION (t->app));
  return G_SOURCE_REMOVE;
}

void
ferry_ui_test_run_app (const char * const *args,
                       FerryUiTestFunc     func)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(FerryApplication) app = ferry_application_new ();
  UiTest t = { app, func };
  int status;

  /* Each run is its own instance, never a remote of another one. */
  g_application_set_flags (G_APPLICATION (app),
                           g_application_get_flags (G_APPLICATION (app)) | G_APPLICATION_NON_UNIQUE);
  g_ptr_array_add (argv, (char *) "ferry");
  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  g_idle_add (run_test, &t);
  status = g_application_run (G_APPLICATION (app), (int) argv->len - 1, (char **) argv->pdata);
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpuint (ferry_core_get_libvirt_calls_on_main_thread (), ==, 0);
}

GtkWidget *
ferry_ui_test_find_button (GtkWidget  *root,
                           const char *label)
{
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found;

      if (GTK_IS_BUTTON (c) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (c)), label) == 0 &&
          gtk_widget_is_drawable (c))
        return c;
      if ((found = ferry_ui_test_find_button (c, label)) != NULL)
        return found;
    }
  return NULL;
}

guint
ferry_ui_test_position_of (GListModel *model,
                           const char *name)
{
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(FerryVm) vm = g_list_model_get_item (model, i);

      if (g_strcmp0 (ferry_vm_get_name (vm), name) == 0)
        return i;
    }
  return GTK_INVALID_LIST_POSITION;
}

gboolean
ferry_ui_test_have_cluster (void)
{
  g_auto(GStrv) args = ferry_ui_test_cluster_args ();

  if (args != NULL)
    return TRUE;
  if (g_strcmp0 (g_getenv ("FERRY_REQUIRE_CLUSTER"), "1") == 0)
    g_error ("the local cluster is not up");
  g_test_skip ("the local cluster is not up (tests/cluster/cluster up 3)");
  return FALSE;
}

/* A desktop notification server of our own on the session bus: Ferry
 * notifies when a migration ends while its window is not focused (no
 * window manager here: never focused). */

static GPtrArray *notifications;   /* "summary\nbody" */

static const char notifications_xml[] =
  "<node>"
  "  <interface name='org.freedesktop.Notifications'>"
  "    <method name='Notify'>"
  "      <arg type='s' direction='in'/><arg type='u' direction='in'/><arg type='s' direction='in'/>"
  "      <arg type='s' direction='in'/><arg type='s' direction='in'/><arg type='as' direction='in'/>"
  "      <arg type='a{sv}' direction='in'/><arg type='i' direction='in'/><arg type='u' direction='out'/>"
  "    </method>"
  "    <method name='CloseNotification'><arg type='u' direction='in'/></method>"
  "    <method name='GetCapabilities'><arg type='as' direction='out'/></method>"
  "    <method name='GetServerInformation'>"
  "      <arg type='s' direction='out'/><arg type='s' direction='out'/>"
  "      <arg type='s' direction='out'/><arg type='s' direction='out'/>"
  "    </method>"
  "  </interface>"
  "</node>";

static void
notifications_call (GDBusConnection       *connection,
                    const char            *sender,
                    const char            *path,
                    const char            *interface,
                    const char            *method,
                    GVariant              *parameters,
                    GDBusMethodInvocation *invocation,
                    gpointer               user_data)
{
  if (g_strcmp0 (method, "Notify") == 0)
    {
      const char *summary = NULL, *body = NULL;

      g_variant_get_child (parameters, 3, "&s", &summary);
      g_variant_get_child (parameters, 4, "&s", &body);
      g_ptr_array_add (notifications, g_strdup_printf ("%s\n%s", summary, body));
      g_test_message ("notification: %s — %s", summary, body);
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(u)", notifications->len));
    }
  else if (g_strcmp0 (method, "GetCapabilities") == 0)
    {
      const char *caps[] = { "body", NULL };

      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(^as)", caps));
    }
  else if (g_strcmp0 (method, "GetServerInformation") == 0)
    g_dbus_method_invocation_return_value (invocation, g_variant_new ("(ssss)", "test", "ferry", "1", "1.2"));
  else
    g_dbus_method_invocation_return_value (invocation, NULL);
}

void
ferry_ui_test_serve_notifications (void)
{
  static const GDBusInterfaceVTable vtable = { notifications_call, NULL, NULL, { 0 } };
  g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (notifications_xml, NULL);
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) reply = NULL;

  if (notifications != NULL)
    return;
  notifications = g_ptr_array_new_with_free_func (g_free);
  if (bus == NULL)
    return;
  g_dbus_connection_register_object (bus, "/org/freedesktop/Notifications", info->interfaces[0],
                                     &vtable, NULL, NULL, NULL);
  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "RequestName",
                                       g_variant_new ("(su)", "org.freedesktop.Notifications", 4),
                                       NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
}

gboolean
ferry_ui_test_notified (gpointer data)
{
  for (guint i = 0; notifications != NULL && i < notifications->len; i++)
    if (strstr (g_ptr_array_index (notifications, i), data) != NULL)
      return TRUE;
  return FALSE;
}
