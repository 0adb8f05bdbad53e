/* ferry-cluster-page.c — a cluster at a glance: nodes and their health,
 * capacity used/total, VM counts, and what threatens fault tolerance
 *
 * Capacity comes from the stats sampler's latest values; the warnings from
 * a probe of the nodes (ferry-cluster-probe.c) run when the page shows a
 * cluster and on "Check Again".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "ferry-cluster-assessment.h"
#include "ferry-cluster-dialog.h"
#include "ferry-cluster-ops.h"
#include "ferry-cluster-page.h"


struct _FerryClusterPage
{
  GtkWidget         parent_instance;

  FerrySession     *session;
  FerryInventory   *inventory;
  FerryCluster     *cluster;
  GCancellable     *cancellable;
  GPtrArray        *rows;          /* rows we added: GtkWidget, data "group" */
  GPtrArray        *warning_rows;
  GPtrArray        *probes;
  GPtrArray        *probed_nodes;
  guint             tick;
  gboolean          checked;

  GtkLabel         *title;
  GtkLabel         *summary;
  AdwPreferencesGroup *capacity_group;
  AdwPreferencesGroup *nodes_group;
  AdwPreferencesGroup *warnings_group;
  AdwPreferencesGroup *balance_group;
  AdwPreferencesGroup *groups_group;
  GPtrArray        *group_rows;
  GtkWidget        *balance_button;
  GtkSwitch        *balance_auto_switch;
  GPtrArray        *balance_rows;
  GPtrArray        *suggestions;   /* FerryBalanceSuggestion shown */
};

G_DEFINE_FINAL_TYPE (FerryClusterPage, ferry_cluster_page, GTK_TYPE_WIDGET)

static GtkWidget *
add_row (GPtrArray           *rows,
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
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 6);
  if (icon != NULL)
    {
      GtkWidget *image = gtk_image_new_from_icon_name (icon);

      if (css != NULL)
        gtk_widget_add_css_class (image, css);
      gtk_accessible_update_property (GTK_ACCESSIBLE (image), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      g_strcmp0 (css, "error") == 0 ? _("Problem")
                                      : g_strcmp0 (css, "warning") == 0 ? _("Warning") : _("Note"), -1);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), image);
    }
  adw_preferences_group_add (group, row);
  g_object_set_data (G_OBJECT (row), "group", group);
  g_ptr_array_add (rows, row);
  return row;
}

static void
clear_rows (GPtrArray *rows)
{
  for (guint i = 0; i < rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (rows, i);

      adw_preferences_group_remove (g_object_get_data (G_OBJECT (row), "group"), row);
    }
  g_ptr_array_set_size (rows, 0);
}

/* The member nodes we know (a removed connection is skipped). */
static GPtrArray *
member_nodes (FerryClusterPage *self)
{
  GPtrArray *nodes = g_ptr_array_new_with_free_func (g_object_unref);
  const FerryClusterConfig *config = ferry_cluster_get_config (self->cluster);

  for (guint i = 0; config->nodes[i] != NULL; i++)
    {
      FerryNode *node = ferry_inventory_find_node_by_id (self->inventory, config->nodes[i]);

      if (node != NULL)
        g_ptr_array_add (nodes, g_object_ref (node));
    }
  return nodes;
}

static double
last_value (FerryNode   *node,
            FerryMetric  metric)
{
  return ferry_metrics_get_last (ferry_node_get_metrics (node), metric);
}

static void
leave_clicked_cb (GtkButton        *button,
                  FerryClusterPage *self)
{
  g_autoptr(FerryClusterConfig) config = ferry_cluster_config_copy (ferry_cluster_get_config (self->cluster));
  g_autoptr(GError) error = NULL;

  ferry_cluster_config_remove_node (config, g_object_get_data (G_OBJECT (button), "node-id"));
  if (!ferry_session_save_cluster (self->session, config, &error))
    g_warning ("%s", error->message);
}

static void
update_overview (FerryClusterPage *self)
{
  const FerryClusterConfig *config;
  g_autoptr(GPtrArray) nodes = NULL;
  g_autoptr(GString) summary = g_string_new (NULL);
  g_autofree char *cpu = NULL;
  guint cpus = 0, running = 0, vms = 0, n_up = 0, cpu_samples = 0;
  guint64 mem_total = 0;
  double mem_used = 0, cpu_sum = 0;

  clear_rows (self->rows);
  if (self->cluster == NULL)
    return;
  config = ferry_cluster_get_config (self->cluster);
  nodes = member_nodes (self);

  gtk_label_set_text (self->title, config->name);
  g_string_append_printf (summary, ngettext ("%u node", "%u nodes", nodes->len), nodes->len);
  cpu = config->cpu_xml ? ferry_cluster_cpu_summary (config->cpu_xml) : NULL;
  g_string_append (summary, " · ");
  if (cpu != NULL)
    g_string_append_printf (summary, _("baseline CPU %s"), cpu);
  else
    g_string_append (summary, _("no baseline CPU"));
  g_string_append (summary, " · ");
  if (config->pool_name != NULL)
    g_string_append_printf (summary, _("shared storage “%s” (%s)"), config->pool_name, config->pool_path);
  else
    g_string_append (summary, _("no shared storage"));
  gtk_label_set_text (self->summary, summary->str);

  for (guint i = 0; i < nodes->len; i++)
    {
      FerryNode *node = g_ptr_array_index (nodes, i);
      gboolean up = ferry_node_get_state (node) == FERRY_NODE_STATE_CONNECTED;
      double cpu_percent = last_value (node, FERRY_METRIC_CPU);
      double vm_cpu_percent = last_value (node, FERRY_METRIC_CPU_HOST);
      double vm_wait_percent = last_value (node, FERRY_METRIC_CPU_WAIT);
      double used = last_value (node, FERRY_METRIC_MEMORY);
      guint64 total = ferry_node_get_memory (node);
      g_autoptr(GString) line = g_string_new (NULL);
      g_autofree char *total_text = NULL;
      const char *icon = "emblem-ok-symbolic";
      const char *css = "success";
      GtkWidget *row, *button;

      if (up)
        {
          n_up++;
          cpus += ferry_node_get_cpus (node);
          mem_total += total;
          running += ferry_node_get_n_running (node);
          vms += ferry_node_get_n_vms (node);
          if (!isnan (cpu_percent))
            {
              cpu_sum += cpu_percent;
              cpu_samples++;
            }
          if (!isnan (used))
            mem_used += used;
          g_string_append_printf (line, _("%u of %u VMs running"), ferry_node_get_n_running (node),
                                  ferry_node_get_n_vms (node));
          /* Waiting below 1 % is noise: said only when it tells something. */
          if (!isnan (cpu_percent) && !isnan (vm_cpu_percent) && !isnan (vm_wait_percent) && vm_wait_percent >= 1)
            /* Translators: the host's busy share, the share its VMs use, and the share they waited for a
               CPU (together: what balancing looks at) */
            g_string_append_printf (line, _(" · CPU %.0f %% (VMs %.0f %% + %.0f %% waiting)"), cpu_percent,
                                    vm_cpu_percent, vm_wait_percent);
          else if (!isnan (cpu_percent) && !isnan (vm_cpu_percent))
            /* Translators: the host's busy share, then the share its VMs use (what balancing looks at) */
            g_string_append_printf (line, _(" · CPU %.0f %% (VMs %.0f %%)"), cpu_percent, vm_cpu_percent);
          else if (!isnan (cpu_percent))
            g_string_append_printf (line, _(" · CPU %.0f %%"), cpu_percent);
          total_text = g_format_size_full (total, G_FORMAT_SIZE_IEC_UNITS);
          if (!isnan (used))
            {
              g_autofree char *used_text = g_format_size_full ((guint64) used, G_FORMAT_SIZE_IEC_UNITS);

              g_string_append_printf (line, _(" · memory %s of %s"), used_text, total_text);
            }
          if (ferry_node_get_maintenance (node))
            {
              g_string_append (line, _(" · in maintenance"));
              icon = "emblem-system-symbolic";
              css = "warning";
            }
        }
      else
        {
          g_string_append (line, ferry_node_get_error (node) ? ferry_node_get_error (node) : _("Not connected"));
          icon = "network-offline-symbolic";
          css = "error";
        }
      row = add_row (self->rows, self->nodes_group, icon, css, ferry_node_get_name (node), line->str);
      button = gtk_button_new_with_mnemonic (_("_Leave"));
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (button, _("Take this node out of the cluster (its virtual machines stay)"));
      g_object_set_data_full (G_OBJECT (button), "node-id", g_strdup (ferry_node_get_id (node)), g_free);
      g_signal_connect (button, "clicked", G_CALLBACK (leave_clicked_cb), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    }

  {
    g_autofree char *cpu_line = NULL;
    g_autofree char *mem_line = NULL;
    g_autofree char *vm_line = NULL;
    g_autofree char *used_text = g_format_size_full ((guint64) mem_used, G_FORMAT_SIZE_IEC_UNITS);
    g_autofree char *total_text = g_format_size_full (mem_total, G_FORMAT_SIZE_IEC_UNITS);
    g_autofree char *hosts = g_strdup_printf (ngettext ("%u of %u node up", "%u of %u nodes up", nodes->len),
                                              n_up, nodes->len);

    if (cpu_samples > 0)
      cpu_line = g_strdup_printf (ngettext ("%.0f %% busy on average, %u CPU", "%.0f %% busy on average, %u CPUs", cpus),
                                  cpu_sum / cpu_samples, cpus);
    else
      cpu_line = g_strdup_printf (ngettext ("%u CPU", "%u CPUs", cpus), cpus);
    mem_line = g_strdup_printf (_("%s used of %s"), used_text, total_text);
    vm_line = g_strdup_printf (ngettext ("%u of %u running", "%u of %u running", vms), running, vms);
    add_row (self->rows, self->capacity_group, NULL, NULL, _("Nodes"), hosts);
    add_row (self->rows, self->capacity_group, NULL, NULL, _("CPU"), cpu_line);
    add_row (self->rows, self->capacity_group, NULL, NULL, _("Memory"), mem_line);
    add_row (self->rows, self->capacity_group, NULL, NULL, _("Virtual Machines"), vm_line);
  }
}

static void
update_warnings (FerryClusterPage *self)
{
  g_autoptr(GPtrArray) checks = ferry_cluster_assess (ferry_cluster_get_config (self->cluster),
                                                      self->probed_nodes, self->probes);

  clear_rows (self->warning_rows);
  for (guint i = 0; i < checks->len; i++)
    {
      FerryClusterCheck *check = g_ptr_array_index (checks, i);
      const char *icon = "dialog-warning-symbolic", *css = "warning";

      if (check->severity == FERRY_CHECK_FAIL)
        icon = "dialog-error-symbolic", css = "error";
      else if (check->severity == FERRY_CHECK_PASS)
        icon = "emblem-ok-symbolic", css = "success";
      else if (g_strcmp0 (check->code, "maintenance") == 0)
        icon = "emblem-system-symbolic";
      add_row (self->warning_rows, self->warnings_group, icon, css, check->title, check->detail);
    }
}

static void
probe_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(FerryClusterPage) self = user_data;
  GPtrArray *probes = ferry_cluster_probe_finish (result, NULL);

  if (probes == NULL || self->cluster == NULL)
    {
      g_clear_pointer (&probes, g_ptr_array_unref);
      return;
    }
  g_clear_pointer (&self->probes, g_ptr_array_unref);
  self->probes = probes;
  update_warnings (self);
  self->checked = TRUE;
}

static void
refresh_clicked_cb (FerryClusterPage *self)
{
  if (self->cluster == NULL)
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->checked = FALSE;
  g_clear_pointer (&self->probed_nodes, g_ptr_array_unref);
  self->probed_nodes = member_nodes (self);
  ferry_cluster_probe_async (self->probed_nodes, 20, self->cancellable, probe_done_cb, g_object_ref (self));
}

static void update_groups (FerryClusterPage *self);

static void
on_cluster_changed (FerryClusterPage *self)
{
  update_overview (self);
  update_groups (self);
  refresh_clicked_cb (self);
}

/* Keep-apart groups ----------------------------------------------------- */

static const char *
vm_name_of (FerryClusterPage *self,
            const char       *uuid)
{
  FerryVm *vm = ferry_inventory_lookup_vm (self->inventory, uuid);

  return vm != NULL ? ferry_vm_get_name (vm) : uuid;
}

static void
save_group (FerryClusterPage   *self,
            const char         *name,
            const char * const *uuids)
{
  g_autoptr(FerryClusterConfig) config = ferry_cluster_config_copy (ferry_cluster_get_config (self->cluster));
  g_autoptr(GError) error = NULL;

  if (!ferry_cluster_config_set_group (config, name, uuids, &error) ||
      !ferry_session_save_cluster (self->session, config, &error))
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

      if (root != NULL)
        gtk_widget_activate_action (GTK_WIDGET (root), "win.show-message", "s", error->message);
    }
}

static void
remove_group_clicked_cb (GtkButton        *button,
                         FerryClusterPage *self)
{
  save_group (self, g_object_get_data (G_OBJECT (button), "group"), NULL);
}

static void
update_groups (FerryClusterPage *self)
{
  const FerryClusterConfig *config;
  g_autoptr(GHashTable) by_group = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                          (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GHashTable) groups = NULL;
  g_autoptr(GList) names = NULL;
  GHashTableIter iter;
  gpointer key, value;

  for (guint i = 0; i < self->group_rows->len; i++)
    adw_preferences_group_remove (self->groups_group, g_ptr_array_index (self->group_rows, i));
  g_ptr_array_set_size (self->group_rows, 0);
  if (self->cluster == NULL)
    return;

  config = ferry_cluster_get_config (self->cluster);
  groups = ferry_cluster_config_get_groups (config);
  g_hash_table_iter_init (&iter, groups);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      GPtrArray *members = g_hash_table_lookup (by_group, value);

      if (members == NULL)
        {
          members = g_ptr_array_new ();
          g_hash_table_insert (by_group, g_strdup (value), members);
        }
      g_ptr_array_add (members, (gpointer) vm_name_of (self, key));
    }

  names = g_list_sort (g_hash_table_get_keys (by_group), (GCompareFunc) g_strcmp0);
  for (GList *l = names; l != NULL; l = l->next)
    {
      GPtrArray *members = g_hash_table_lookup (by_group, l->data);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
      g_autoptr(GString) list = g_string_new (NULL);

      for (guint i = 0; i < members->len; i++)
        g_string_append_printf (list, "%s%s", i > 0 ? ", " : "", (const char *) g_ptr_array_index (members, i));
      /* Names typed by people and VM names: plain text. */
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), l->data);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), list->str);
      gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (remove, "flat");
      gtk_widget_set_tooltip_text (remove, _("Remove Group"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Remove Group"), -1);
      g_object_set_data_full (G_OBJECT (remove), "group", g_strdup (l->data), g_free);
      g_signal_connect (remove, "clicked", G_CALLBACK (remove_group_clicked_cb), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);
      adw_preferences_group_add (self->groups_group, row);
      g_ptr_array_add (self->group_rows, row);
    }
}

static void
add_group_response_cb (AdwMessageDialog *dialog,
                       const char       *response,
                       FerryClusterPage *self)
{
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "entry");
  GPtrArray *checks = g_object_get_data (G_OBJECT (dialog), "checks");
  g_autoptr(GStrvBuilder) uuids = g_strv_builder_new ();
  g_auto(GStrv) list = NULL;

  if (g_strcmp0 (response, "add") != 0)
    return;
  for (guint i = 0; i < checks->len; i++)
    {
      GtkCheckButton *check = g_ptr_array_index (checks, i);

      if (gtk_check_button_get_active (check))
        g_strv_builder_add (uuids, g_object_get_data (G_OBJECT (check), "uuid"));
    }
  list = g_strv_builder_end (uuids);
  if (g_strv_length (list) >= 2)
    save_group (self, gtk_editable_get_text (entry), (const char * const *) list);
}

static void
add_group_clicked_cb (FerryClusterPage *self)
{
  g_autoptr(GPtrArray) nodes = NULL;
  GtkWidget *dialog, *box, *entry, *scrolled, *list;
  GPtrArray *checks = g_ptr_array_new ();

  if (self->cluster == NULL)
    return;
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), _("New Keep-Apart Group"),
                                   _("Pick at least two virtual machines that must never run on the same node, "
                                     "for example the replicas of a database."));
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  entry = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Group name"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Group name"), -1);
  gtk_box_append (GTK_BOX (box), entry);
  list = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  nodes = member_nodes (self);
  for (guint n = 0; n < nodes->len; n++)
    {
      GListModel *vms = ferry_node_get_vms (g_ptr_array_index (nodes, n));

      for (guint v = 0; v < g_list_model_get_n_items (vms); v++)
        {
          g_autoptr(FerryVm) vm = g_list_model_get_item (vms, v);
          GtkWidget *check = gtk_check_button_new_with_label (ferry_vm_get_name (vm));

          g_object_set_data_full (G_OBJECT (check), "uuid", g_strdup (ferry_vm_get_uuid (vm)), g_free);
          gtk_box_append (GTK_BOX (list), check);
          g_ptr_array_add (checks, check);
        }
    }
  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scrolled), 200);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), list);
  gtk_box_append (GTK_BOX (box), scrolled);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "add", _("_Add"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "add", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "entry", entry);
  g_object_set_data_full (G_OBJECT (dialog), "checks", checks, (GDestroyNotify) g_ptr_array_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (add_group_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Load balancing: the suggestions for the members now. */
static void
update_balance (FerryClusterPage *self)
{
  for (guint i = 0; i < self->balance_rows->len; i++)
    adw_preferences_group_remove (self->balance_group, g_ptr_array_index (self->balance_rows, i));
  g_ptr_array_set_size (self->balance_rows, 0);
  g_clear_pointer (&self->suggestions, g_ptr_array_unref);
  if (self->cluster == NULL)
    return;

  self->suggestions = ferry_session_suggest_balance (self->session, self->cluster);
  for (guint i = 0; i < self->suggestions->len; i++)
    {
      FerryBalanceSuggestion *s = g_ptr_array_index (self->suggestions, i);
      GtkWidget *row = adw_action_row_new ();

      /* Names of VMs and hosts: plain text. */
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), s->text);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("send-to-symbolic"));
      adw_preferences_group_add (self->balance_group, row);
      g_ptr_array_add (self->balance_rows, row);
    }
  if (self->suggestions->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Balanced: no host is above 75 %"));
      adw_preferences_group_add (self->balance_group, row);
      g_ptr_array_add (self->balance_rows, row);
    }
  gtk_widget_set_sensitive (self->balance_button, self->suggestions->len > 0);
}

static void
balance_clicked_cb (FerryClusterPage *self)
{
  if (self->suggestions == NULL || self->suggestions->len == 0)
    return;
  ferry_session_apply_balance (self->session, self->suggestions);
  update_balance (self);
}

static gboolean
tick_cb (gpointer data)
{
  FerryClusterPage *self = data;

  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      update_overview (self);
      update_balance (self);
    }
  return G_SOURCE_CONTINUE;
}

void
ferry_cluster_page_set_cluster (FerryClusterPage *self,
                                FerryCluster     *cluster)
{
  g_return_if_fail (FERRY_IS_CLUSTER_PAGE (self));

  if (self->cluster != NULL)
    g_signal_handlers_disconnect_by_data (self->cluster, self);
  g_set_object (&self->cluster, cluster);
  clear_rows (self->warning_rows);
  if (cluster == NULL)
    {
      clear_rows (self->rows);
      return;
    }
  g_signal_connect_swapped (cluster, "changed", G_CALLBACK (on_cluster_changed), self);
  on_cluster_changed (self);
  update_balance (self);
}

FerryCluster *
ferry_cluster_page_get_cluster (FerryClusterPage *self)
{
  g_return_val_if_fail (FERRY_IS_CLUSTER_PAGE (self), NULL);
  return self->cluster;
}

gboolean
ferry_cluster_page_get_checked (FerryClusterPage *self)
{
  g_return_val_if_fail (FERRY_IS_CLUSTER_PAGE (self), FALSE);
  return self->checked;
}

static void
join_clicked_cb (FerryClusterPage *self)
{
  GtkWidget *dialog;

  if (self->cluster == NULL)
    return;
  dialog = ferry_cluster_dialog_new (self->session, self->cluster);
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Export: the cluster and its members' URIs for another administrator. */

static void
export_response_cb (GtkNativeDialog  *chooser,
                    int               response,
                    FerryClusterPage *self)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GPtrArray) configs = g_ptr_array_new_with_free_func ((GDestroyNotify) ferry_node_config_free);
  g_autoptr(GPtrArray) nodes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  gsize length = 0;

  if (response != GTK_RESPONSE_ACCEPT || self->cluster == NULL)
    goto out;
  file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  nodes = member_nodes (self);
  for (guint i = 0; i < nodes->len; i++)
    {
      FerryNode *node = g_ptr_array_index (nodes, i);

      g_ptr_array_add (configs, ferry_node_config_new (ferry_node_get_uri (node), ferry_node_get_name (node),
                                                       ferry_node_get_migration_address (node)));
    }
  data = ferry_cluster_export (ferry_cluster_get_config (self->cluster), configs, &length);
  /* A small local file: written at once, as GTK's own "Save" does. */
  if (!g_file_replace_contents (file, data, length, NULL, FALSE, G_FILE_CREATE_PRIVATE, NULL, NULL, &error))
    g_warning ("Could not export the cluster: %s", error->message);
out:
  g_object_unref (chooser);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FerryClusterPage *self = FERRY_CLUSTER_PAGE (widget);
  GtkFileChooserNative *chooser;
  g_autofree char *name = NULL;

  if (self->cluster == NULL)
    return;
  chooser = gtk_file_chooser_native_new (_("Export Cluster"), GTK_WINDOW (gtk_widget_get_root (widget)),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  name = g_strdup_printf ("%s.ferry-cluster", ferry_cluster_get_name (self->cluster));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_signal_connect (chooser, "response", G_CALLBACK (export_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
delete_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    FerryClusterPage *self)
{
  if (g_str_equal (response, "delete") && self->cluster != NULL)
    ferry_session_delete_cluster (self->session, self->cluster);
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FerryClusterPage *self = FERRY_CLUSTER_PAGE (widget);
  g_autofree char *heading = NULL;
  GtkWidget *dialog;

  if (self->cluster == NULL)
    return;
  heading = g_strdup_printf (_("Delete the cluster “%s”?"), ferry_cluster_get_name (self->cluster));
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), heading,
                                   _("The nodes stay connected and their virtual machines are not touched."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "delete", _("_Delete"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete", ADW_RESPONSE_DESTRUCTIVE);
  g_signal_connect_object (dialog, "response", G_CALLBACK (delete_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

GtkWidget *
ferry_cluster_page_new (FerrySession     *session)
{
  FerryClusterPage *self = g_object_new (FERRY_TYPE_CLUSTER_PAGE, NULL);

  self->session = g_object_ref (session);
  self->inventory = g_object_ref (ferry_session_get_inventory (session));
  /* The application keeps the session's mode in the settings. */
  g_object_bind_property (session, "balance-automatic", self->balance_auto_switch, "active",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  return GTK_WIDGET (self);
}

static void
ferry_cluster_page_dispose (GObject *object)
{
  FerryClusterPage *self = FERRY_CLUSTER_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->tick, g_source_remove);
  if (self->cluster != NULL)
    g_signal_handlers_disconnect_by_data (self->cluster, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), FERRY_TYPE_CLUSTER_PAGE);
  g_clear_object (&self->cluster);
  g_clear_object (&self->session);
  g_clear_object (&self->inventory);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->warning_rows, g_ptr_array_unref);
  g_clear_pointer (&self->probes, g_ptr_array_unref);
  g_clear_pointer (&self->probed_nodes, g_ptr_array_unref);
  g_clear_pointer (&self->balance_rows, g_ptr_array_unref);
  g_clear_pointer (&self->group_rows, g_ptr_array_unref);
  g_clear_pointer (&self->suggestions, g_ptr_array_unref);

  G_OBJECT_CLASS (ferry_cluster_page_parent_class)->dispose (object);
}

static void
ferry_cluster_page_class_init (FerryClusterPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ferry_cluster_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/ferryvm/Ferry/ferry-cluster-page.ui");
  gtk_widget_class_bind_template_child (widget_class, FerryClusterPage, title);
  gtk_widget_class_bind_template_child (widget_class, FerryClusterPage, summary);
  gtk_widget_class_bind_template_child (widget_class, FerryClusterPage, capacity_group);
  gtk_widget_class_bind_template_child (widget_class, FerryClusterPage, nodes_group);
  gtk_widget_class_bind_template_child (widget_class, FerryClusterPage, warnings_group);
  gtk_widget_class_bind_template_child (widget_class, FerryClusterPage, balance_group);
  gtk_widget_class_bind_template_child (widget_class, FerryClusterPage, groups_group);
  gtk_widget_class_bind_template_callback (widget_class, add_group_clicked_cb);
  gtk_widget_class_bind_template_child (widget_class, FerryClusterPage, balance_button);
  gtk_widget_class_bind_template_child (widget_class, FerryClusterPage, balance_auto_switch);
  gtk_widget_class_bind_template_callback (widget_class, balance_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, join_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, refresh_clicked_cb);
  gtk_widget_class_install_action (widget_class, "cluster.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "cluster.delete", NULL, delete_action);
}

static void
ferry_cluster_page_init (FerryClusterPage *self)
{
  self->cancellable = g_cancellable_new ();
  self->rows = g_ptr_array_new ();
  self->warning_rows = g_ptr_array_new ();
  self->probed_nodes = g_ptr_array_new ();
  self->balance_rows = g_ptr_array_new ();
  self->group_rows = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  self->tick = g_timeout_add_seconds (5, tick_cb, self);
}
