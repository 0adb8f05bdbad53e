/* ferry-cluster-dialog.c — the "New Cluster" assistant
 *
 * Name and nodes → checks (with the baseline CPU and the networks) →
 * shared storage (defined where missing, verified) → the cluster is saved.
 * Joining nodes to a cluster runs the same pages over the cluster's nodes
 * plus the new ones. Every libvirt call goes through ferry-cluster-ops.h,
 * on the nodes' worker threads.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "ferry-add-connection-dialog.h"
#include "ferry-cluster-dialog.h"
#include "ferry-cluster-ops.h"

struct _FerryClusterDialog
{
  AdwWindow         parent_instance;

  FerrySession     *session;
  FerryInventory   *inventory;
  FerryCluster     *cluster;        /* joining, or NULL */
  GCancellable     *cancellable;

  GtkButton        *back_button;
  GtkButton        *next_button;
  AdwToastOverlay  *toasts;
  GtkStack         *stack;
  AdwEntryRow      *name_row;
  AdwPreferencesGroup *nodes_group;
  AdwPreferencesGroup *checks_group;
  AdwPreferencesGroup *cpu_group;
  AdwActionRow     *cpu_row;
  AdwActionRow     *apply_row;
  GtkButton        *apply_button;
  AdwPreferencesGroup *networks_group;
  AdwPreferencesGroup *storage_group;
  AdwEntryRow      *pool_name_row;
  AdwEntryRow      *pool_path_row;
  GtkSwitch        *nfs_switch;
  AdwEntryRow      *nfs_host_row;
  AdwEntryRow      *nfs_export_row;
  AdwActionRow     *define_row;
  GtkButton        *define_button;
  AdwActionRow     *verify_row;
  GtkImage         *verify_icon;
  GtkButton        *verify_button;

  GPtrArray        *node_checks;    /* GtkCheckButton, data "node" */
  GPtrArray        *dynamic_rows;   /* rows added to groups, removed on re-check */
  GPtrArray        *nodes;          /* FerryNode chosen */
  GPtrArray        *probes;
  FerryBaseline    *baseline;
  gboolean          checked;
  gboolean          busy;
  gboolean          shared_verified;
};

G_DEFINE_FINAL_TYPE (FerryClusterDialog, ferry_cluster_dialog, ADW_TYPE_WINDOW)

static void update_buttons (FerryClusterDialog *self);

static void
toast (FerryClusterDialog *self,
       const char         *text)
{
  AdwToast *t = adw_toast_new (text);

  adw_toast_set_timeout (t, 6);
  adw_toast_overlay_add_toast (self->toasts, t);
}

static GtkWidget *
add_row (FerryClusterDialog  *self,
         AdwPreferencesGroup *group,
         const char          *icon,
         const char          *css,
         const char          *title,
         const char          *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 8);
  if (icon != NULL)
    {
      GtkWidget *image = gtk_image_new_from_icon_name (icon);

      if (css != NULL)
        gtk_widget_add_css_class (image, css);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), image);
    }
  adw_preferences_group_add (group, row);
  g_object_set_data (G_OBJECT (row), "group", group);
  g_ptr_array_add (self->dynamic_rows, row);
  return row;
}

static void
clear_dynamic_rows (FerryClusterDialog *self)
{
  for (guint i = 0; i < self->dynamic_rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->dynamic_rows, i);

      adw_preferences_group_remove (g_object_get_data (G_OBJECT (row), "group"), row);
    }
  g_ptr_array_set_size (self->dynamic_rows, 0);
}

/* ------------------------------------------------------------ page 1 */

static gboolean
node_in_cluster (FerryClusterDialog *self,
                 FerryNode          *node)
{
  return self->cluster != NULL &&
         ferry_cluster_config_has_node (ferry_cluster_get_config (self->cluster), ferry_node_get_id (node));
}

static void
rebuild_node_list (FerryClusterDialog *self)
{
  GListModel *nodes = ferry_inventory_get_nodes (self->inventory);
  /* node → GINT_TO_POINTER (active + 1), to keep the choices made */
  g_autoptr(GHashTable) before = g_hash_table_new (NULL, NULL);

  for (guint i = 0; i < self->node_checks->len; i++)
    {
      GtkWidget *check = g_ptr_array_index (self->node_checks, i);
      GtkWidget *row = gtk_widget_get_ancestor (check, ADW_TYPE_ACTION_ROW);

      g_hash_table_insert (before, g_object_get_data (G_OBJECT (check), "node"),
                           GINT_TO_POINTER (gtk_check_button_get_active (GTK_CHECK_BUTTON (check)) + 1));
      adw_preferences_group_remove (self->nodes_group, row);
    }
  g_ptr_array_set_size (self->node_checks, 0);

  for (guint i = 0; i < g_list_model_get_n_items (nodes); i++)
    {
      g_autoptr(FerryNode) node = g_list_model_get_item (nodes, i);
      GtkWidget *row, *check;
      gboolean connected = ferry_node_get_state (node) == FERRY_NODE_STATE_CONNECTED;
      gboolean member = node_in_cluster (self, node);
      g_autofree char *subtitle = NULL;

      row = adw_action_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), ferry_node_get_name (node));
      if (member)
        subtitle = g_strdup (_("Already in the cluster"));
      else if (!connected)
        subtitle = g_strdup (_("Not connected"));
      else
        subtitle = g_strdup_printf ("%s · %s", ferry_node_get_uri (node),
                                    ferry_node_get_hostname (node) ? ferry_node_get_hostname (node) : "");
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      check = gtk_check_button_new ();
      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
      g_object_set_data (G_OBJECT (check), "node", node);
      /* New nodes (a connection just added) are in by default. */
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check),
                                   member || (connected && GPOINTER_TO_INT (g_hash_table_lookup (before, node)) != 1));
      gtk_widget_set_sensitive (check, connected && !member);
      gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      ferry_node_get_name (node), -1);
      g_signal_connect_swapped (check, "toggled", G_CALLBACK (update_buttons), self);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      adw_preferences_group_add (self->nodes_group, row);
      g_ptr_array_add (self->node_checks, check);
    }
  update_buttons (self);
}

static GPtrArray *
chosen_nodes (FerryClusterDialog *self)
{
  GPtrArray *chosen = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < self->node_checks->len; i++)
    {
      GtkCheckButton *check = g_ptr_array_index (self->node_checks, i);

      if (gtk_check_button_get_active (check))
        g_ptr_array_add (chosen, g_object_ref (g_object_get_data (G_OBJECT (check), "node")));
    }
  return chosen;
}

static void
add_connection_clicked_cb (FerryClusterDialog *self)
{
  GtkWidget *dialog = ferry_add_connection_dialog_new (self->session);

  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (self));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ------------------------------------------------------------ page 2 */

static const char *
severity_icon (FerryCheckSeverity severity,
               const char       **css)
{
  switch (severity)
    {
    case FERRY_CHECK_PASS:
      *css = "success";
      return "emblem-ok-symbolic";
    case FERRY_CHECK_INFO:
      *css = "dim-label";
      return "dialog-information-symbolic";
    case FERRY_CHECK_WARN:
      *css = "warning";
      return "dialog-warning-symbolic";
    case FERRY_CHECK_FAIL:
    default:
      *css = "error";
      return "dialog-error-symbolic";
    }
}

static void
network_copied_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GtkWidget) row = user_data;
  g_autoptr(GError) error = NULL;

  if (ferry_cluster_copy_network_finish (result, &error))
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Defined and started from the other node’s definition."));
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), error->message);
}

static void
copy_network_clicked_cb (GtkButton          *button,
                         FerryClusterDialog *self)
{
  GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (button), ADW_TYPE_ACTION_ROW);

  gtk_widget_set_sensitive (GTK_WIDGET (button), FALSE);
  ferry_cluster_copy_network_async (g_object_get_data (G_OBJECT (button), "source"),
                                    g_object_get_data (G_OBJECT (button), "destination"),
                                    g_object_get_data (G_OBJECT (button), "network"),
                                    self->cancellable, network_copied_cb, g_object_ref (row));
}

static void
show_networks (FerryClusterDialog *self)
{
  g_autoptr(GPtrArray) gaps = ferry_cluster_network_gaps (self->nodes, self->probes);

  if (gaps->len == 0)
    {
      add_row (self, self->networks_group, "emblem-ok-symbolic", "success",
               _("Every network the virtual machines use exists on every node"), NULL);
      return;
    }
  for (guint i = 0; i < gaps->len; i++)
    {
      FerryNetworkGap *gap = g_ptr_array_index (gaps, i);

      for (guint j = 0; j < gap->missing->len; j++)
        {
          FerryNode *node = g_ptr_array_index (gap->missing, j);
          g_autofree char *title = g_strdup_printf (_("“%s” is missing on %s"), gap->network,
                                                    ferry_node_get_name (node));
          g_autofree char *subtitle = g_strdup_printf (ngettext ("Used by %u virtual machine.",
                                                                 "Used by %u virtual machines.", gap->n_vms),
                                                       gap->n_vms);
          GtkWidget *row = add_row (self, self->networks_group, "dialog-warning-symbolic", "warning",
                                    title, subtitle);

          if (gap->source != NULL)
            {
              g_autofree char *label = g_strdup_printf (_("Copy from %s"), ferry_node_get_name (gap->source));
              GtkWidget *button = gtk_button_new_with_label (label);

              gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
              g_object_set_data_full (G_OBJECT (button), "source", g_object_ref (gap->source), g_object_unref);
              g_object_set_data_full (G_OBJECT (button), "destination", g_object_ref (node), g_object_unref);
              g_object_set_data_full (G_OBJECT (button), "network", g_strdup (gap->network), g_free);
              g_signal_connect (button, "clicked", G_CALLBACK (copy_network_clicked_cb), self);
              adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
            }
        }
    }
}

static void
baseline_done_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(FerryClusterDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;

  g_clear_pointer (&self->baseline, ferry_baseline_free);
  self->baseline = ferry_cluster_baseline_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->busy = FALSE;
  self->checked = TRUE;
  if (self->baseline == NULL)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->cpu_row), _("No common CPU"));
      adw_action_row_set_subtitle (self->cpu_row, error->message);
    }
  else
    {
      summary = ferry_cluster_cpu_summary (self->baseline->cpu_xml);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->cpu_row), summary ? summary : _("Custom CPU"));
      adw_action_row_set_subtitle (self->cpu_row, self->baseline->method);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->cpu_row), self->baseline->cpu_xml);
      gtk_widget_set_sensitive (GTK_WIDGET (self->apply_row), TRUE);
    }
  update_buttons (self);
}

/* A pool every node already has at the same path: filled in (when the
 * administrator has not typed one), to be verified like any other. */
static void
offer_common_pool (FerryClusterDialog *self)
{
  const FerryPoolFacts *pool = ferry_cluster_common_pool (self->probes);
  g_autofree char *description = NULL;

  if (pool == NULL || *gtk_editable_get_text (GTK_EDITABLE (self->pool_name_row)) != '\0' ||
      *gtk_editable_get_text (GTK_EDITABLE (self->pool_path_row)) != '\0')
    return;
  gtk_editable_set_text (GTK_EDITABLE (self->pool_name_row), pool->name);
  gtk_editable_set_text (GTK_EDITABLE (self->pool_path_row), pool->path);
  gtk_switch_set_active (self->nfs_switch, g_str_equal (pool->type, "netfs"));
  if (g_str_equal (pool->type, "netfs"))
    {
      gtk_editable_set_text (GTK_EDITABLE (self->nfs_host_row), pool->nfs_host);
      gtk_editable_set_text (GTK_EDITABLE (self->nfs_export_row), pool->nfs_export);
    }
  /* The description is markup: the names are escaped. */
  description = g_markup_printf_escaped (_("A storage pool at the same path on every node, on storage they all see (NFS, "
                                   "or a directory the hosts share). Only virtual machines with their disks there "
                                   "can be recovered when a node fails.\nEvery node has “%s” at %s: Verify "
                                   "checks that they really share it."), pool->name, pool->path);
  adw_preferences_group_set_description (self->storage_group, description);
}

static void
probe_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(FerryClusterDialog) self = user_data;
  g_autoptr(GPtrArray) checks = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *probes = ferry_cluster_probe_finish (result, &error);
  FerryNode *first = NULL;

  if (probes == NULL)
    return;
  g_clear_pointer (&self->probes, g_ptr_array_unref);
  self->probes = probes;
  adw_preferences_group_set_description (self->checks_group, NULL);

  checks = ferry_cluster_evaluate (probes);
  for (guint i = 0; i < checks->len; i++)
    {
      FerryClusterCheck *check = g_ptr_array_index (checks, i);
      g_autofree char *subtitle = NULL;
      const char *css = NULL;
      const char *icon = severity_icon (check->severity, &css);

      if (check->detail != NULL && check->fix != NULL)
        subtitle = g_strdup_printf ("%s\n%s", check->detail, check->fix);
      else
        subtitle = g_strdup (check->detail ? check->detail : check->fix);
      add_row (self, self->checks_group, icon, css, check->title, subtitle);
    }
  show_networks (self);
  offer_common_pool (self);

  for (guint i = 0; i < probes->len && first == NULL; i++)
    if (((FerryNodeProbe *) g_ptr_array_index (probes, i))->reachable)
      first = g_ptr_array_index (self->nodes, i);
  if (first == NULL)
    {
      self->busy = FALSE;
      update_buttons (self);
      return;
    }
  ferry_cluster_baseline_async (first, probes, self->cancellable, baseline_done_cb, g_object_ref (self));
}

static void
start_checks (FerryClusterDialog *self)
{
  g_autoptr(GPtrArray) chosen = chosen_nodes (self);

  clear_dynamic_rows (self);
  g_clear_pointer (&self->nodes, g_ptr_array_unref);
  self->nodes = g_ptr_array_ref (chosen);
  self->checked = FALSE;
  self->busy = TRUE;
  adw_preferences_group_set_description (self->checks_group, _("Asking every node…"));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->cpu_row), _("Computing…"));
  adw_action_row_set_subtitle (self->cpu_row, "");
  gtk_widget_set_sensitive (GTK_WIDGET (self->apply_row), FALSE);
  ferry_cluster_probe_async (self->nodes, 30, self->cancellable, probe_done_cb, g_object_ref (self));
}

static void
apply_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(FerryClusterDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) results = ferry_cluster_apply_cpu_finish (result, &error);

  if (results == NULL)
    return;
  for (guint i = 0; i < results->len; i++)
    {
      FerryCpuApplyResult *r = g_ptr_array_index (results, i);
      g_autofree char *title = g_strdup_printf ("%s (%s)", r->vm_name ? r->vm_name : "", r->node_name);
      const char *what = NULL;
      const char *icon = "emblem-ok-symbolic";
      const char *css = "success";

      switch (r->outcome)
        {
        case FERRY_CPU_APPLY_NOW:
          what = _("Shut off: uses the baseline CPU from its next start.");
          break;
        case FERRY_CPU_APPLY_NEXT_START:
          what = _("Running: its definition has the baseline CPU, effective after a restart.");
          icon = "dialog-information-symbolic";
          css = "dim-label";
          break;
        case FERRY_CPU_APPLY_UNCHANGED:
          what = _("Already uses the baseline CPU.");
          break;
        case FERRY_CPU_APPLY_FAILED:
        default:
          what = r->message;
          icon = "dialog-error-symbolic";
          css = "error";
          break;
        }
      add_row (self, self->cpu_group, icon, css, title, what);
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->apply_button), TRUE);
}

static void
apply_clicked_cb (FerryClusterDialog *self)
{
  if (self->baseline == NULL)
    return;
  gtk_widget_set_sensitive (GTK_WIDGET (self->apply_button), FALSE);
  ferry_cluster_apply_cpu_async (self->nodes, self->baseline->cpu_xml, NULL, self->cancellable,
                                 apply_done_cb, g_object_ref (self));
}

/* ------------------------------------------------------------ page 3 */

static void
fill_spec (FerryClusterDialog *self,
           FerryPoolSpec      *spec)
{
  gboolean nfs = gtk_switch_get_active (self->nfs_switch);

  spec->name = gtk_editable_get_text (GTK_EDITABLE (self->pool_name_row));
  spec->path = gtk_editable_get_text (GTK_EDITABLE (self->pool_path_row));
  spec->type = nfs ? "netfs" : "dir";
  spec->nfs_host = nfs ? gtk_editable_get_text (GTK_EDITABLE (self->nfs_host_row)) : NULL;
  spec->nfs_export = nfs ? gtk_editable_get_text (GTK_EDITABLE (self->nfs_export_row)) : NULL;
}

static void
storage_changed_cb (FerryClusterDialog *self)
{
  self->shared_verified = FALSE;
  gtk_image_set_from_icon_name (self->verify_icon, "dialog-information-symbolic");
  update_buttons (self);
}

static void
define_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(FerryClusterDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) done = ferry_cluster_define_pool_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->busy = FALSE;
  if (done == NULL)
    adw_action_row_set_subtitle (self->define_row, error->message);
  else
    {
      g_autofree char *text = g_strjoinv ("\n", done);

      adw_action_row_set_subtitle (self->define_row, text);
    }
  update_buttons (self);
}

static void
define_clicked_cb (FerryClusterDialog *self)
{
  FerryPoolSpec spec;

  fill_spec (self, &spec);
  self->busy = TRUE;
  adw_action_row_set_subtitle (self->define_row, _("Setting up…"));
  update_buttons (self);
  ferry_cluster_define_pool_async (self->nodes, &spec, self->cancellable, define_done_cb, g_object_ref (self));
}

static void
verify_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(FerryClusterDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FerrySharedResult) shared = ferry_cluster_verify_shared_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->busy = FALSE;
  gtk_widget_remove_css_class (GTK_WIDGET (self->verify_icon), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (self->verify_icon), "error");
  if (shared == NULL)
    {
      gtk_image_set_from_icon_name (self->verify_icon, "dialog-error-symbolic");
      gtk_widget_add_css_class (GTK_WIDGET (self->verify_icon), "error");
      adw_action_row_set_subtitle (self->verify_row, error->message);
    }
  else if (shared->shared)
    {
      g_autofree char *seen = g_strjoinv (", ", shared->seen);
      g_autofree char *text = g_strdup_printf (_("Shared: a file written through %s was seen on %s."),
                                               shared->written_by, seen);

      self->shared_verified = TRUE;
      gtk_image_set_from_icon_name (self->verify_icon, "emblem-ok-symbolic");
      gtk_widget_add_css_class (GTK_WIDGET (self->verify_icon), "success");
      adw_action_row_set_subtitle (self->verify_row, text);
    }
  else
    {
      g_autofree char *missing = g_strjoinv ("\n", shared->missing);
      g_autofree char *text = g_strdup_printf (_("Not shared: a file written through %s was not seen on:\n%s"),
                                               shared->written_by, missing);

      gtk_image_set_from_icon_name (self->verify_icon, "dialog-error-symbolic");
      gtk_widget_add_css_class (GTK_WIDGET (self->verify_icon), "error");
      adw_action_row_set_subtitle (self->verify_row, text);
    }
  update_buttons (self);
}

static void
verify_clicked_cb (FerryClusterDialog *self)
{
  self->busy = TRUE;
  adw_action_row_set_subtitle (self->verify_row, _("Writing a test file…"));
  update_buttons (self);
  ferry_cluster_verify_shared_async (self->nodes, gtk_editable_get_text (GTK_EDITABLE (self->pool_name_row)),
                                     self->cancellable, verify_done_cb, g_object_ref (self));
}

/* ------------------------------------------------------------ flow */

static void
finish (FerryClusterDialog *self)
{
  g_autoptr(FerryClusterConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  const char *pool = gtk_editable_get_text (GTK_EDITABLE (self->pool_name_row));

  if (self->cluster != NULL)
    config = ferry_cluster_config_copy (ferry_cluster_get_config (self->cluster));
  else
    config = ferry_cluster_config_new (gtk_editable_get_text (GTK_EDITABLE (self->name_row)));
  for (guint i = 0; i < self->nodes->len; i++)
    ferry_cluster_config_add_node (config, ferry_node_get_id (g_ptr_array_index (self->nodes, i)));
  if (self->baseline != NULL)
    {
      g_free (config->cpu_xml);
      config->cpu_xml = g_strdup (self->baseline->cpu_xml);
    }
  if (self->shared_verified && pool[0] != '\0')
    {
      g_free (config->pool_name);
      g_free (config->pool_path);
      config->pool_name = g_strdup (pool);
      config->pool_path = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->pool_path_row)));
    }
  if (!ferry_session_save_cluster (self->session, config, &error))
    {
      toast (self, error->message);
      return;
    }
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
next_clicked_cb (FerryClusterDialog *self)
{
  const char *page = gtk_stack_get_visible_child_name (self->stack);

  if (g_str_equal (page, "nodes"))
    {
      gtk_stack_set_visible_child_name (self->stack, "checks");
      start_checks (self);
    }
  else if (g_str_equal (page, "checks"))
    gtk_stack_set_visible_child_name (self->stack, "storage");
  else
    finish (self);
  update_buttons (self);
}

static void
back_clicked_cb (FerryClusterDialog *self)
{
  const char *page = gtk_stack_get_visible_child_name (self->stack);

  if (g_str_equal (page, "nodes"))
    gtk_window_close (GTK_WINDOW (self));
  else
    {
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
      self->cancellable = g_cancellable_new ();
      self->busy = FALSE;
      gtk_stack_set_visible_child_name (self->stack, g_str_equal (page, "storage") ? "checks" : "nodes");
      if (g_str_equal (page, "storage"))
        start_checks (self);
    }
  update_buttons (self);
}

static void
update_buttons (FerryClusterDialog *self)
{
  const char *page = gtk_stack_get_visible_child_name (self->stack);
  g_autoptr(GPtrArray) chosen = NULL;
  gboolean ok = TRUE;

  if (page == NULL || self->node_checks == NULL)
    return;
  gtk_button_set_label (self->back_button, g_str_equal (page, "nodes") ? _("_Cancel") : _("_Back"));
  if (g_str_equal (page, "nodes"))
    {
      g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));

      chosen = chosen_nodes (self);
      ok = name[0] != '\0' && chosen->len >= 1;
      gtk_button_set_label (self->next_button, _("_Next"));
    }
  else if (g_str_equal (page, "checks"))
    {
      ok = self->checked && !self->busy;
      gtk_button_set_label (self->next_button, _("_Next"));
    }
  else
    {
      FerryPoolSpec spec;
      g_autofree char *xml = NULL;

      fill_spec (self, &spec);
      xml = ferry_cluster_pool_xml (&spec, NULL);
      gtk_widget_set_sensitive (GTK_WIDGET (self->define_button), xml != NULL && !self->busy);
      gtk_widget_set_sensitive (GTK_WIDGET (self->verify_button),
                                spec.name[0] != '\0' && !self->busy && self->nodes != NULL && self->nodes->len >= 2);
      ok = !self->busy;
      gtk_button_set_label (self->next_button, self->cluster ? _("_Join") : _("C_reate"));
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->next_button), ok);
}

static void
on_nodes_changed (FerryClusterDialog *self)
{
  if (g_str_equal (gtk_stack_get_visible_child_name (self->stack), "nodes"))
    rebuild_node_list (self);
}

const char *
ferry_cluster_dialog_get_page (FerryClusterDialog *self)
{
  g_return_val_if_fail (FERRY_IS_CLUSTER_DIALOG (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

gboolean
ferry_cluster_dialog_get_checked (FerryClusterDialog *self)
{
  g_return_val_if_fail (FERRY_IS_CLUSTER_DIALOG (self), FALSE);
  return self->checked && !self->busy;
}

GtkWidget *
ferry_cluster_dialog_new (FerrySession     *session,
                          FerryCluster     *cluster)
{
  FerryClusterDialog *self = g_object_new (FERRY_TYPE_CLUSTER_DIALOG, NULL);
  GListModel *nodes;

  self->session = g_object_ref (session);
  self->inventory = g_object_ref (ferry_session_get_inventory (session));
  if (cluster != NULL)
    {
      g_autofree char *title = g_strdup_printf (_("Join Nodes to “%s”"), ferry_cluster_get_name (cluster));
      const FerryClusterConfig *config = ferry_cluster_get_config (cluster);

      self->cluster = g_object_ref (cluster);
      gtk_window_set_title (GTK_WINDOW (self), title);
      gtk_editable_set_text (GTK_EDITABLE (self->name_row), ferry_cluster_get_name (cluster));
      gtk_widget_set_sensitive (GTK_WIDGET (self->name_row), FALSE);
      if (config->pool_name != NULL)
        {
          gtk_editable_set_text (GTK_EDITABLE (self->pool_name_row), config->pool_name);
          gtk_editable_set_text (GTK_EDITABLE (self->pool_path_row), config->pool_path);
        }
    }
  nodes = ferry_inventory_get_nodes (self->inventory);
  g_signal_connect_object (nodes, "items-changed", G_CALLBACK (on_nodes_changed), self, G_CONNECT_SWAPPED);
  rebuild_node_list (self);
  return GTK_WIDGET (self);
}

static void
ferry_cluster_dialog_dispose (GObject *object)
{
  FerryClusterDialog *self = FERRY_CLUSTER_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), FERRY_TYPE_CLUSTER_DIALOG);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->session);
  g_clear_object (&self->inventory);
  g_clear_object (&self->cluster);
  g_clear_pointer (&self->node_checks, g_ptr_array_unref);
  g_clear_pointer (&self->dynamic_rows, g_ptr_array_unref);
  g_clear_pointer (&self->nodes, g_ptr_array_unref);
  g_clear_pointer (&self->probes, g_ptr_array_unref);
  g_clear_pointer (&self->baseline, ferry_baseline_free);

  G_OBJECT_CLASS (ferry_cluster_dialog_parent_class)->dispose (object);
}

static void
ferry_cluster_dialog_class_init (FerryClusterDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ferry_cluster_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/ferryvm/Ferry/ferry-cluster-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, FerryClusterDialog, back_button);
  gtk_widget_class_bind_template_child (widget_class, FerryClusterDialog, next_button);
  gtk_widget_class_bind_template_child (widget_class, FerryClusterDialog, toasts);
  gtk_widget_class_bind_template_child (widget_class, FerryClusterDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, FerryClusterDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, FerryClusterDialog, nodes_group);
  gtk_widget_class_bind_template_child (widget_class, FerryClusterDialog, checks_group);
  gtk_widget_class_bind_template_child (widget_class, FerryClusterDialog, cpu_group);
  gtk_widget_class_bind_template_child (widget_class, FerryClusterDialog, cpu_row);
  gtk_widget_class_bind_template_child (widget_class, FerryClusterDialog, apply_row);
  gtk_widget_class_bind_template_child (widget_class, FerryClusterDialog, apply_button);
  gtk_widget_class_bind_template_child (widget_class, FerryClusterDialog, networks_group);
  gtk_widget_class_bind_template_child (widget_class, FerryClusterDialog, storage_group);
  gtk_widget_class_bind_template_child (widget_class, FerryClusterDialog, pool_name_row);
  gtk_widget_class_bind_template_child (widget_class, FerryClusterDialog, pool_path_row);
  gtk_widget_class_bind_template_child (widget_class, FerryClusterDialog, nfs_switch);
  gtk_widget_class_bind_template_child (widget_class, FerryClusterDialog, nfs_host_row);
  gtk_widget_class_bind_template_child (widget_class, FerryClusterDialog, nfs_export_row);
  gtk_widget_class_bind_template_child (widget_class, FerryClusterDialog, define_row);
  gtk_widget_class_bind_template_child (widget_class, FerryClusterDialog, define_button);
  gtk_widget_class_bind_template_child (widget_class, FerryClusterDialog, verify_row);
  gtk_widget_class_bind_template_child (widget_class, FerryClusterDialog, verify_icon);
  gtk_widget_class_bind_template_child (widget_class, FerryClusterDialog, verify_button);
  gtk_widget_class_bind_template_callback (widget_class, back_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, next_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, update_buttons);
  gtk_widget_class_bind_template_callback (widget_class, add_connection_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, apply_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, storage_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, define_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, verify_clicked_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
ferry_cluster_dialog_init (FerryClusterDialog *self)
{
  self->cancellable = g_cancellable_new ();
  self->node_checks = g_ptr_array_new ();
  self->dynamic_rows = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}
