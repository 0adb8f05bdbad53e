/* ferry-window-clusters.c — clusters in the main window: the sidebar rows'
 * page, "New Cluster…" and "Import Cluster…"
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "ferry-cluster-dialog.h"
#include "ferry-cluster-page.h"
#include "ferry-window-private.h"

#define CLUSTER_PAGE "cluster"

static FerryClusterPage *
get_page (FerryWindow *self)
{
  GtkWidget *page = gtk_stack_get_child_by_name (self->main_stack, CLUSTER_PAGE);

  if (page == NULL)
    {
      page = ferry_cluster_page_new (self->session);
      gtk_stack_add_named (self->main_stack, page, CLUSTER_PAGE);
    }
  return FERRY_CLUSTER_PAGE (page);
}

void
_ferry_window_show_cluster (FerryWindow  *self,
                            FerryCluster *cluster)
{
  FerryClusterPage *page = get_page (self);

  ferry_cluster_page_set_cluster (page, cluster);
  adw_window_title_set_title (self->content_title, ferry_cluster_get_name (cluster));
  adw_window_title_set_subtitle (self->content_title, _("Cluster"));
  gtk_stack_set_visible_child_name (self->main_stack, CLUSTER_PAGE);
}

/* A new cluster is selected in the sidebar as soon as it exists. */
static void
on_clusters_changed (GListModel  *clusters,
                     guint        position,
                     guint        removed,
                     guint        added,
                     FerryWindow *self)
{
  GListModel *sidebar = gtk_single_selection_get_model (self->sidebar_selection);

  if (added == 1)
    {
      g_autoptr(GObject) cluster = g_list_model_get_item (clusters, position);

      for (guint i = 0; i < g_list_model_get_n_items (sidebar); i++)
        {
          g_autoptr(GObject) item = g_list_model_get_item (sidebar, i);

          if (item == cluster)
            gtk_single_selection_set_selected (self->sidebar_selection, i);
        }
    }
}

static void
new_cluster_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  FerryWindow *self = FERRY_WINDOW (widget);
  GtkWidget *dialog = ferry_cluster_dialog_new (self->session, NULL);

  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (self));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
show_toast (FerryWindow *self,
            const char  *text)
{
  AdwToast *toast = adw_toast_new (text);

  adw_toast_set_timeout (toast, 8);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* Members the importer lacks become connections; then the cluster. */
static void
import_data (FerryWindow *self,
             const char  *data,
             gsize        length)
{
  g_autoptr(FerryClusterConfig) imported = NULL;
  g_autoptr(FerryClusterConfig) resolved = NULL;
  g_autoptr(GPtrArray) imported_nodes = NULL;
  g_autoptr(GPtrArray) existing = g_ptr_array_new_with_free_func ((GDestroyNotify) ferry_node_config_free);
  g_autoptr(GPtrArray) to_add = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *nodes = ferry_inventory_get_nodes (self->inventory);

  if (!ferry_cluster_import_parse (data, length, &imported, &imported_nodes, &error))
    {
      g_autofree char *text = g_strdup_printf (_("Could not import the cluster: %s"), error->message);

      show_toast (self, text);
      return;
    }
  for (guint i = 0; i < g_list_model_get_n_items (nodes); i++)
    {
      g_autoptr(FerryNode) node = g_list_model_get_item (nodes, i);
      FerryNodeConfig *config = ferry_node_config_new (ferry_node_get_uri (node), ferry_node_get_name (node), NULL);

      g_free (config->id);
      config->id = g_strdup (ferry_node_get_id (node));
      g_ptr_array_add (existing, config);
    }
  resolved = ferry_cluster_import_resolve (imported, imported_nodes, existing, &to_add);
  for (guint i = 0; i < to_add->len; i++)
    if (!ferry_session_add_connection (self->session, g_ptr_array_index (to_add, i), &error))
      {
        show_toast (self, error->message);
        return;
      }
  if (!ferry_session_save_cluster (self->session, resolved, &error))
    show_toast (self, error->message);
}

static void
import_response_cb (GtkNativeDialog *chooser,
                    int              response,
                    FerryWindow     *self)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  gsize length = 0;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      /* A small local file the administrator just picked. */
      if (g_file_load_contents (file, NULL, &data, &length, NULL, &error))
        import_data (self, data, length);
      else
        show_toast (self, error->message);
    }
  g_object_unref (chooser);
}

static void
import_cluster_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  GtkFileChooserNative *chooser =
    gtk_file_chooser_native_new (_("Import Cluster"), GTK_WINDOW (widget), GTK_FILE_CHOOSER_ACTION_OPEN,
                                 _("_Import"), _("_Cancel"));

  g_signal_connect (chooser, "response", G_CALLBACK (import_response_cb), widget);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

void
_ferry_window_clusters_init (FerryWindow *self)
{
  g_signal_connect_object (ferry_session_get_clusters (self->session), "items-changed",
                           G_CALLBACK (on_clusters_changed), self, G_CONNECT_AFTER);
}

void
_ferry_window_clusters_class_init (GtkWidgetClass *widget_class)
{
  g_type_ensure (FERRY_TYPE_CLUSTER_PAGE);
  gtk_widget_class_install_action (widget_class, "win.new-cluster", NULL, new_cluster_action);
  gtk_widget_class_install_action (widget_class, "win.import-cluster", NULL, import_cluster_action);
}
