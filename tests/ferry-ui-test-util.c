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
