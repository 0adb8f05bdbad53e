/* ferry-node-row.c — a sidebar row: a node, or "all virtual machines"
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "ferry-cluster.h"
#include "ferry-core-all.h"
#include "ferry-node-row.h"
#include "ferry-sparkline.h"

struct _FerryNodeRow
{
  GtkWidget  parent_instance;

  GObject   *item;
  GtkImage  *icon;
  GtkLabel  *title;
  GtkLabel  *subtitle;
  GtkLabel  *counts;
  GtkImage  *drop_icon;
  FerrySparkline *sparkline;
  FerryDropState *drop_state;
};

G_DEFINE_FINAL_TYPE (FerryNodeRow, ferry_node_row, GTK_TYPE_WIDGET)

static const char *state_classes[] = { "success", "warning", "error", "dim-label" };

/* Setting a tooltip asks the X server where the pointer is; do it only
 * when the text really changes (rows update on every node notify). */
static void
set_tooltip (GtkWidget  *widget,
             const char *text)
{
  if (g_strcmp0 (gtk_widget_get_tooltip_text (widget), text) != 0)
    gtk_widget_set_tooltip_text (widget, text);
}

static void
set_icon (FerryNodeRow *self,
          const char   *icon_name,
          const char   *css_class)
{
  gtk_image_set_from_icon_name (self->icon, icon_name);
  for (guint i = 0; i < G_N_ELEMENTS (state_classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->icon), state_classes[i]);
  if (css_class != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->icon), css_class);
}

static void
update_counts (FerryNodeRow *self,
               guint         running,
               guint         total)
{
  g_autofree char *text = g_strdup_printf ("%u/%u", running, total);
  g_autofree char *tip = NULL;

  gtk_label_set_text (self->counts, text);
  tip = g_strdup_printf (ngettext ("%u of %u virtual machine running",
                                   "%u of %u virtual machines running", total),
                         running, total);
  /* "3/5" means little read out: screen readers get the sentence. */
  if (g_strcmp0 (gtk_widget_get_tooltip_text (GTK_WIDGET (self->counts)), tip) != 0)
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->counts), GTK_ACCESSIBLE_PROPERTY_LABEL, tip, -1);
  set_tooltip (GTK_WIDGET (self->counts), tip);
}

static void
update_node (FerryNodeRow *self)
{
  FerryNode *node = FERRY_NODE (self->item);
  FerryNodeState state = ferry_node_get_state (node);
  const char *error = ferry_node_get_error (node);
  g_autofree char *accessible = NULL;

  gtk_label_set_text (self->title, ferry_node_get_name (node));

  switch (state)
    {
    case FERRY_NODE_STATE_CONNECTED:
      {
        g_autofree char *where = ferry_uri_display_name (ferry_node_get_uri (node));
        const char *hostname = ferry_node_get_hostname (node);
        g_autofree char *subtitle = NULL;

        /* The host's own name, and where we reach it when that differs. */
        if (hostname != NULL && where != NULL && g_strcmp0 (hostname, where) != 0)
          subtitle = g_strdup_printf ("%s · %s", hostname, where);
        else
          subtitle = g_strdup (hostname ? hostname : where);
        set_icon (self, ferry_node_get_maintenance (node) ? "emblem-system-symbolic" : "computer-symbolic",
                  ferry_node_get_maintenance (node) ? "warning" : "success");
        if (ferry_node_get_maintenance (node))
          {
            g_autofree char *with = g_strdup_printf (_("In maintenance · %s"), subtitle);

            gtk_label_set_text (self->subtitle, with);
          }
        else
          gtk_label_set_text (self->subtitle, subtitle);
      }
      break;
    case FERRY_NODE_STATE_CONNECTING:
      set_icon (self, "emblem-synchronizing-symbolic", "dim-label");
      gtk_label_set_text (self->subtitle, _("Connecting…"));
      break;
    case FERRY_NODE_STATE_UNREACHABLE:
      set_icon (self, "network-error-symbolic", "error");
      gtk_label_set_text (self->subtitle, _("Unreachable — retrying"));
      break;
    case FERRY_NODE_STATE_AUTH_FAILED:
      set_icon (self, "dialog-password-symbolic", "warning");
      gtk_label_set_text (self->subtitle, ferry_node_state_to_string (state));
      break;
    case FERRY_NODE_STATE_DISCONNECTED:
    default:
      set_icon (self, "network-offline-symbolic", "dim-label");
      gtk_label_set_text (self->subtitle, ferry_node_state_to_string (state));
      break;
    }

  /* The reason is on hover (and read by screen readers), never markup. */
  set_tooltip (GTK_WIDGET (self), error ? error : ferry_node_get_uri (node));
  update_counts (self, ferry_node_get_n_running (node), ferry_node_get_n_vms (node));

  accessible = g_strdup_printf ("%s, %s", ferry_node_get_name (node), ferry_node_state_to_string (state));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
}

static void
update_drop (FerryNodeRow *self)
{
  static const char *classes[] = { "drop-allowed", "drop-refused" };
  FerryNode *node = FERRY_IS_NODE (self->item) ? FERRY_NODE (self->item) : NULL;
  const char *reason = NULL;
  FerryDropVerdict verdict = FERRY_DROP_NONE;
  g_autofree char *tip = NULL;

  if (self->drop_state != NULL && node != NULL)
    verdict = ferry_drop_state_lookup (self->drop_state, node, &reason);

  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self), classes[i]);
  gtk_widget_set_visible (GTK_WIDGET (self->drop_icon), verdict != FERRY_DROP_NONE);
  gtk_widget_set_visible (GTK_WIDGET (self->counts), verdict == FERRY_DROP_NONE);
  for (guint i = 0; i < G_N_ELEMENTS (state_classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->drop_icon), state_classes[i]);

  switch (verdict)
    {
    case FERRY_DROP_CHECKING:
      gtk_image_set_from_icon_name (self->drop_icon, "content-loading-symbolic");
      gtk_widget_add_css_class (GTK_WIDGET (self->drop_icon), "dim-label");
      break;
    case FERRY_DROP_ALLOWED:
      gtk_image_set_from_icon_name (self->drop_icon, "go-jump-symbolic");
      gtk_widget_add_css_class (GTK_WIDGET (self->drop_icon), "success");
      gtk_widget_add_css_class (GTK_WIDGET (self), "drop-allowed");
      break;
    case FERRY_DROP_REFUSED:
      gtk_image_set_from_icon_name (self->drop_icon, "action-unavailable-symbolic");
      gtk_widget_add_css_class (GTK_WIDGET (self->drop_icon), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self), "drop-refused");
      break;
    case FERRY_DROP_NONE:
    default:
      break;
    }

  /* The reason on hover, as plain text. */
  if (verdict != FERRY_DROP_NONE)
    {
      tip = ferry_drop_state_describe (self->drop_state, node);
      set_tooltip (GTK_WIDGET (self->drop_icon), tip);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->drop_icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      tip, -1);
    }
}

void
ferry_node_row_set_drop_state (FerryNodeRow   *self,
                               FerryDropState *state)
{
  g_return_if_fail (FERRY_IS_NODE_ROW (self));

  if (self->drop_state == state)
    return;
  if (self->drop_state != NULL)
    g_signal_handlers_disconnect_by_func (self->drop_state, update_drop, self);
  g_set_object (&self->drop_state, state);
  if (state != NULL)
    g_signal_connect_object (state, "changed", G_CALLBACK (update_drop), self, G_CONNECT_SWAPPED);
  update_drop (self);
}

static void
update_all (FerryNodeRow *self)
{
  FerryInventory *inventory = FERRY_INVENTORY (self->item);
  GListModel *vms = ferry_inventory_get_vms (inventory);
  GListModel *nodes = ferry_inventory_get_nodes (inventory);
  guint n_nodes = g_list_model_get_n_items (nodes);
  guint running = 0;
  g_autofree char *subtitle = NULL;

  for (guint i = 0; i < n_nodes; i++)
    {
      g_autoptr(FerryNode) node = g_list_model_get_item (nodes, i);
      running += ferry_node_get_n_running (node);
    }

  set_icon (self, "view-grid-symbolic", NULL);
  gtk_label_set_text (self->title, _("All Virtual Machines"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("All Virtual Machines"), -1);
  subtitle = g_strdup_printf (ngettext ("%u host", "%u hosts", n_nodes), n_nodes);
  gtk_label_set_text (self->subtitle, subtitle);
  set_tooltip (GTK_WIDGET (self), NULL);
  update_counts (self, running, g_list_model_get_n_items (vms));
}

/* A cluster: its name and how many nodes it has. */
static void
update_cluster (FerryNodeRow *self)
{
  FerryCluster *cluster = FERRY_CLUSTER (self->item);
  guint n = g_strv_length (ferry_cluster_get_config (cluster)->nodes);
  g_autofree char *subtitle = g_strdup_printf (ngettext ("Cluster of %u node", "Cluster of %u nodes", n), n);

  set_icon (self, "network-workgroup-symbolic", NULL);
  gtk_label_set_text (self->title, ferry_cluster_get_name (cluster));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  ferry_cluster_get_name (cluster), -1);
  gtk_label_set_text (self->subtitle, subtitle);
  gtk_label_set_text (self->counts, "");
  set_tooltip (GTK_WIDGET (self), NULL);
}

static void
update (FerryNodeRow *self)
{
  if (FERRY_IS_NODE (self->item))
    update_node (self);
  else if (FERRY_IS_INVENTORY (self->item))
    update_all (self);
  else if (FERRY_IS_CLUSTER (self->item))
    update_cluster (self);
}

static void
on_node_running_changed (FerryNodeRow *self)
{
  update (self);
}

static void
disconnect_item (FerryNodeRow *self)
{
  if (self->item == NULL)
    return;

  g_signal_handlers_disconnect_by_data (self->item, self);
  if (FERRY_IS_INVENTORY (self->item))
    {
      FerryInventory *inventory = FERRY_INVENTORY (self->item);
      GListModel *nodes = ferry_inventory_get_nodes (inventory);
      guint n = g_list_model_get_n_items (nodes);

      g_signal_handlers_disconnect_by_data (ferry_inventory_get_vms (inventory), self);
      g_signal_handlers_disconnect_by_data (nodes, self);
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(FerryNode) node = g_list_model_get_item (nodes, i);
          g_signal_handlers_disconnect_by_data (node, self);
        }
    }
  g_clear_object (&self->item);
}

static void watch_all_nodes (FerryNodeRow *self);

static void
on_nodes_changed (FerryNodeRow *self)
{
  watch_all_nodes (self);
  update (self);
}

/* The "All" row sums running VMs over the nodes: follow each node. */
static void
watch_all_nodes (FerryNodeRow *self)
{
  GListModel *nodes = ferry_inventory_get_nodes (FERRY_INVENTORY (self->item));
  guint n = g_list_model_get_n_items (nodes);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FerryNode) node = g_list_model_get_item (nodes, i);

      g_signal_handlers_disconnect_by_data (node, self);
      g_signal_connect_swapped (node, "notify::n-running", G_CALLBACK (on_node_running_changed), self);
    }
}

void
ferry_node_row_set_item (FerryNodeRow *self,
                         GObject      *item)
{
  g_return_if_fail (FERRY_IS_NODE_ROW (self));

  if (self->item == item)
    return;

  disconnect_item (self);
  if (item == NULL)
    {
      ferry_sparkline_set_series (self->sparkline, NULL);
      return;
    }

  self->item = g_object_ref (item);
  if (FERRY_IS_CLUSTER (item))
    {
      ferry_sparkline_set_series (self->sparkline, NULL);
      g_signal_connect_swapped (item, "changed", G_CALLBACK (update), self);
      update (self);
      return;
    }
  /* The host's CPU (or the cluster's average) over the last minute. */
  ferry_sparkline_set_series (self->sparkline,
                              ferry_metrics_get_series (FERRY_IS_NODE (item) ? ferry_node_get_metrics (FERRY_NODE (item))
                                                                           : ferry_inventory_get_metrics (FERRY_INVENTORY (item)),
                                                        FERRY_METRIC_CPU));
  if (FERRY_IS_NODE (item))
    {
      g_signal_connect_swapped (item, "notify", G_CALLBACK (update), self);
    }
  else if (FERRY_IS_INVENTORY (item))
    {
      FerryInventory *inventory = FERRY_INVENTORY (item);

      g_signal_connect_swapped (ferry_inventory_get_vms (inventory), "items-changed",
                                G_CALLBACK (update), self);
      g_signal_connect_swapped (ferry_inventory_get_nodes (inventory), "items-changed",
                                G_CALLBACK (on_nodes_changed), self);
      watch_all_nodes (self);
    }
  update (self);
  update_drop (self);
}

GObject *
ferry_node_row_get_item (FerryNodeRow *self)
{
  g_return_val_if_fail (FERRY_IS_NODE_ROW (self), NULL);
  return self->item;
}

GtkWidget *
ferry_node_row_new (void)
{
  return g_object_new (FERRY_TYPE_NODE_ROW, NULL);
}

static void
ferry_node_row_dispose (GObject *object)
{
  FerryNodeRow *self = FERRY_NODE_ROW (object);

  disconnect_item (self);
  ferry_node_row_set_drop_state (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), FERRY_TYPE_NODE_ROW);

  G_OBJECT_CLASS (ferry_node_row_parent_class)->dispose (object);
}

static void
ferry_node_row_class_init (FerryNodeRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ferry_node_row_dispose;

  g_type_ensure (FERRY_TYPE_SPARKLINE);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/ferryvm/Ferry/ferry-node-row.ui");
  gtk_widget_class_bind_template_child (widget_class, FerryNodeRow, icon);
  gtk_widget_class_bind_template_child (widget_class, FerryNodeRow, title);
  gtk_widget_class_bind_template_child (widget_class, FerryNodeRow, subtitle);
  gtk_widget_class_bind_template_child (widget_class, FerryNodeRow, counts);
  gtk_widget_class_bind_template_child (widget_class, FerryNodeRow, drop_icon);
  gtk_widget_class_bind_template_child (widget_class, FerryNodeRow, sparkline);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
ferry_node_row_init (FerryNodeRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
