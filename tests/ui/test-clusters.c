/* test-clusters.c — a 3-node cluster created end to end through the
 * assistant on the real local cluster (checks, the baseline CPU, the
 * shared pool set up and verified), then its overview page
 *
 * Screenshots: tests/output/cluster-assistant-{nodes,checks,storage}.png,
 * cluster-overview.png.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ferry-cluster-dialog.h"
#include "ferry-cluster-page.h"
#include "ferry-test-util.h"
#include "ferry-ui-test-util.h"

static FerryClusterDialog *
find_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) w = g_list_model_get_item (toplevels, i);

      if (FERRY_IS_CLUSTER_DIALOG (w) && gtk_widget_get_visible (w))
        return FERRY_CLUSTER_DIALOG (w);
    }
  return NULL;
}

/* The row titled @title under @root (AdwPreferencesRow). */
static GtkWidget *
find_row (GtkWidget  *root,
          const char *title)
{
  if (ADW_IS_PREFERENCES_ROW (root) &&
      g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (root)), title) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_row (child, title);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Whether a drawn label under @root contains @text. */
static gboolean
has_text (GtkWidget  *root,
          const char *text)
{
  if (GTK_IS_LABEL (root) && gtk_widget_is_drawable (root) &&
      strstr (gtk_label_get_text (GTK_LABEL (root)), text) != NULL)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    if (has_text (child, text))
      return TRUE;
  return FALSE;
}

typedef struct
{
  GtkWidget  *root;
  const char *text;
} TextWait;

static gboolean
text_shown (gpointer data)
{
  TextWait *wait = data;

  return has_text (wait->root, wait->text);
}

static void
wait_for_text (GtkWidget  *root,
               const char *text,
               guint       ms)
{
  TextWait wait = { root, text };

  if (!ferry_test_wait_until (text_shown, &wait, ms))
    {
      ferry_ui_test_screenshot (root, "cluster-failure.png");
      g_error ("“%s” never shown", text);
    }
}

static gboolean
dialog_checked (gpointer data)
{
  return ferry_cluster_dialog_get_checked (data);
}

static gboolean
dialog_gone (gpointer data)
{
  return find_dialog () == NULL;
}

static gboolean
page_checked (gpointer data)
{
  return ferry_cluster_page_get_checked (data);
}

static void
click (GtkWidget  *root,
       const char *label)
{
  GtkWidget *button = ferry_ui_test_find_button (root, label);

  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

static void
check_create (FerryApplication *app,
              FerryWindow      *window)
{
  FerryInventory *inventory = ferry_application_get_inventory (app);
  GListModel *clusters = ferry_application_get_clusters (app);
  g_autofree char *shared_path = g_build_filename (ferry_test_cluster_dir (), "shared", NULL);
  g_autoptr(FerryCluster) cluster = NULL;
  const FerryClusterConfig *config;
  FerryClusterDialog *dialog;
  GtkWidget *page;

  g_assert_true (ferry_test_wait_until (ferry_ui_test_all_connected, inventory, 30000));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.new-cluster", NULL));
  ferry_ui_test_settle (300);
  dialog = find_dialog ();
  g_assert_nonnull (dialog);

  /* Name and nodes: every connected node is in by default. */
  gtk_editable_set_text (GTK_EDITABLE (find_row (GTK_WIDGET (dialog), "Cluster Name")), "Lab");
  ferry_ui_test_settle (300);
  ferry_ui_test_screenshot (GTK_WIDGET (dialog), "cluster-assistant-nodes.png");
  click (GTK_WIDGET (dialog), "_Next");

  /* Checks, the baseline CPU, the networks. */
  g_assert_cmpstr (ferry_cluster_dialog_get_page (dialog), ==, "checks");
  g_assert_true (ferry_test_wait_until (dialog_checked, dialog, 60000));
  ferry_ui_test_settle (500);
  g_assert_true (has_text (GTK_WIDGET (dialog), "All 3 nodes answer"));
  g_assert_true (has_text (GTK_WIDGET (dialog), "Every node has its own host UUID"));
  g_assert_true (has_text (GTK_WIDGET (dialog), "Clocks agree (within a second)"));
  /* The baseline: a named model with its features, from libvirt. */
  g_assert_true (has_text (GTK_WIDGET (dialog), "extra features"));
  g_assert_true (has_text (GTK_WIDGET (dialog), "Computed by libvirt"));
  ferry_ui_test_screenshot (GTK_WIDGET (dialog), "cluster-assistant-checks.png");
  click (GTK_WIDGET (dialog), "_Next");

  /* Shared storage: the harness's `shared` pool, set up (already there)
   * and verified through the nodes. */
  g_assert_cmpstr (ferry_cluster_dialog_get_page (dialog), ==, "storage");
  gtk_editable_set_text (GTK_EDITABLE (find_row (GTK_WIDGET (dialog), "Pool Name")), "shared");
  gtk_editable_set_text (GTK_EDITABLE (find_row (GTK_WIDGET (dialog), "Path on Every Node")), shared_path);
  ferry_ui_test_settle (200);
  click (GTK_WIDGET (dialog), "_Set Up on Every Node");
  wait_for_text (GTK_WIDGET (dialog), "16503: already there", 60000);
  click (GTK_WIDGET (dialog), "_Verify");
  wait_for_text (GTK_WIDGET (dialog), "Shared: a file written through 127.0.0.1:16501 was seen on 127.0.0.1:16502, 127.0.0.1:16503", 60000);
  ferry_ui_test_settle (300);
  ferry_ui_test_screenshot (GTK_WIDGET (dialog), "cluster-assistant-storage.png");
  click (GTK_WIDGET (dialog), "C_reate");
  g_assert_true (ferry_test_wait_until (dialog_gone, NULL, 5000));

  /* The cluster exists, with the baseline and the verified pool, and its
   * page is on screen. */
  g_assert_cmpuint (g_list_model_get_n_items (clusters), ==, 1);
  cluster = g_list_model_get_item (clusters, 0);
  config = ferry_cluster_get_config (cluster);
  g_assert_cmpstr (config->name, ==, "Lab");
  g_assert_cmpuint (g_strv_length (config->nodes), ==, 3);
  g_assert_nonnull (config->cpu_xml);
  g_assert_cmpstr (config->pool_name, ==, "shared");
  g_assert_cmpstr (config->pool_path, ==, shared_path);

  page = NULL;
  {
    GtkWidget *stack_child = NULL;

    for (GtkWidget *w = GTK_WIDGET (window); w != NULL && stack_child == NULL;)
      {
        /* Depth-first search for the cluster page. */
        GtkWidget *next = gtk_widget_get_first_child (w);

        if (FERRY_IS_CLUSTER_PAGE (w))
          stack_child = w;
        while (next == NULL && w != NULL && w != GTK_WIDGET (window))
          {
            next = gtk_widget_get_next_sibling (w);
            if (next == NULL)
              w = gtk_widget_get_parent (w);
          }
        w = next;
      }
    page = stack_child;
  }
  g_assert_nonnull (page);
  g_assert_true (gtk_widget_get_mapped (page));
  g_assert_true (ferry_cluster_page_get_cluster (FERRY_CLUSTER_PAGE (page)) == cluster);
  g_assert_true (ferry_test_wait_until (page_checked, page, 60000));
  ferry_ui_test_settle (6000);   /* a stats tick for the capacity */
  g_assert_true (has_text (page, "3 of 3 nodes up"));
  g_assert_true (has_text (page, "shared storage “shared”"));
  ferry_ui_test_screenshot (GTK_WIDGET (window), "cluster-overview.png");
}

static void
test_create (void)
{
  g_auto(GStrv) args = ferry_ui_test_cluster_args ();

  if (!ferry_ui_test_have_cluster ())
    return;
  ferry_ui_test_run_app ((const char * const *) args, check_create);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/ui/clusters/create", test_create);
  return g_test_run ();
}
