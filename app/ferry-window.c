/* ferry-window.c — the main window
 *
 * Sidebar: "All Virtual Machines" and then every node (a flattened model of
 * the inventory itself and its node list). Content: the VMs of the
 * selection in a GtkColumnView: base model → name and state filters →
 * column sorter → selection, so thousands of rows cost only the rows on
 * screen; a node's facts above its list; a VM's own page on activation.
 * The actions live in ferry-window-actions.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "ferry-a11y.h"
#include "ferry-console-page.h"
#include "ferry-graph-page.h"
#include "ferry-node-row.h"
#include "ferry-sparkline.h"
#include "ferry-task-row.h"
#include "ferry-fence-dialog.h"
#include "ferry-window-private.h"

G_DEFINE_FINAL_TYPE (FerryWindow, ferry_window, ADW_TYPE_APPLICATION_WINDOW)

/* ---------------------------------------------------------------------- */
/* VM list cells                                                            */

typedef char *(*CellTextFunc) (FerryVm *vm);

typedef struct
{
  const char   *property;    /* the property the cell follows */
  CellTextFunc  text;
  gboolean      numeric;
  gboolean      on_metrics;  /* the property is the VM's FerryMetrics' */
} CellSpec;

static char *
vm_name_text (FerryVm *vm)
{
  return g_strdup (ferry_vm_get_name (vm));
}

static char *
vm_state_text (FerryVm *vm)
{
  return g_strdup (ferry_vm_get_state_text (vm));
}

static char *
vm_node_text (FerryVm *vm)
{
  FerryNode *node = ferry_vm_get_node (vm);

  return g_strdup (node ? ferry_node_get_name (node) : "—");
}

static char *
vm_vcpus_text (FerryVm *vm)
{
  return g_strdup_printf ("%u", ferry_vm_get_vcpus (vm));
}

static char *
vm_memory_text (FerryVm *vm)
{
  return g_format_size_full (ferry_vm_get_memory (vm), G_FORMAT_SIZE_IEC_UNITS);
}

static char *
metric_text (FerryVm     *vm,
             FerryMetric  a,
             FerryMetric  b)
{
  FerryMetrics *metrics = ferry_vm_get_metrics (vm);
  double value;

  if (!ferry_vm_state_is_active (ferry_vm_get_state (vm)))
    return g_strdup ("");
  value = ferry_metrics_get_last (metrics, a);
  if (b != FERRY_N_METRICS)
    value += ferry_metrics_get_last (metrics, b);
  return ferry_stats_format_value (ferry_metric_get_unit (a), value);
}

static char *
vm_cpu_text (FerryVm *vm)
{
  return metric_text (vm, FERRY_METRIC_CPU, FERRY_N_METRICS);
}

static char *
vm_used_text (FerryVm *vm)
{
  return metric_text (vm, FERRY_METRIC_MEMORY, FERRY_N_METRICS);
}

static char *
vm_disk_text (FerryVm *vm)
{
  return metric_text (vm, FERRY_METRIC_DISK_READ, FERRY_METRIC_DISK_WRITE);
}

static char *
vm_net_text (FerryVm *vm)
{
  return metric_text (vm, FERRY_METRIC_NET_RX, FERRY_METRIC_NET_TX);
}

static const CellSpec name_cell = { "name", vm_name_text, FALSE, FALSE };
static const CellSpec state_cell = { "state-text", vm_state_text, FALSE, FALSE };
static const CellSpec node_cell = { "node", vm_node_text, FALSE, FALSE };
static const CellSpec vcpus_cell = { "vcpus", vm_vcpus_text, TRUE, FALSE };
static const CellSpec memory_cell = { "memory", vm_memory_text, TRUE, FALSE };
static const CellSpec cpu_cell = { "cpu", vm_cpu_text, TRUE, TRUE };
static const CellSpec used_cell = { "memory", vm_used_text, TRUE, TRUE };
static const CellSpec disk_cell = { "disk", vm_disk_text, TRUE, TRUE };
static const CellSpec net_cell = { "net", vm_net_text, TRUE, TRUE };

static const char *
state_icon_name (FerryVmState state)
{
  switch (state)
    {
    case FERRY_VM_STATE_RUNNING:
    case FERRY_VM_STATE_BLOCKED:       return "media-playback-start-symbolic";
    case FERRY_VM_STATE_PAUSED:
    case FERRY_VM_STATE_SUSPENDED:     return "media-playback-pause-symbolic";
    case FERRY_VM_STATE_SHUTTING_DOWN: return "system-shutdown-symbolic";
    case FERRY_VM_STATE_SHUT_OFF:      return "media-playback-stop-symbolic";
    case FERRY_VM_STATE_CRASHED:       return "dialog-error-symbolic";
    case FERRY_VM_STATE_UNKNOWN:
    default:                           return "dialog-question-symbolic";
    }
}

static void
cell_update (GtkListItem *item)
{
  const CellSpec *spec = g_object_get_data (G_OBJECT (item), "ferry-cell-spec");
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *label = gtk_widget_get_last_child (box);
  GtkWidget *icon = gtk_widget_get_first_child (box);
  FerryVm *vm = gtk_list_item_get_item (item);
  g_autofree char *text = NULL;

  if (vm == NULL)
    return;
  text = spec->text (vm);
  /* A migration under way says so, with its progress. */
  if (spec == &state_cell && ferry_vm_get_activity (vm) != NULL)
    {
      g_free (text);
      text = g_strdup (ferry_vm_get_activity (vm));
    }
  /* Plain text: names come from hosts and are never markup. */
  gtk_label_set_text (GTK_LABEL (label), text);
  if (spec == &state_cell && ferry_vm_get_activity (vm) != NULL)
    {
      static const char *classes[] = { "success", "warning", "error", "dim-label" };

      gtk_image_set_from_icon_name (GTK_IMAGE (icon), "send-to-symbolic");
      for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
        gtk_widget_remove_css_class (icon, classes[i]);
      gtk_widget_add_css_class (icon, "accent");
      gtk_widget_set_tooltip_text (label, text);
    }
  else if (spec == &state_cell)
    {
      FerryVmState state = ferry_vm_get_state (vm);
      static const char *classes[] = { "success", "warning", "error", "dim-label" };
      const char *css;

      gtk_widget_remove_css_class (icon, "accent");
      gtk_widget_set_tooltip_text (label, NULL);

      switch (state)
        {
        case FERRY_VM_STATE_RUNNING:
        case FERRY_VM_STATE_BLOCKED:       css = "success"; break;
        case FERRY_VM_STATE_PAUSED:
        case FERRY_VM_STATE_SUSPENDED:
        case FERRY_VM_STATE_SHUTTING_DOWN: css = "warning"; break;
        case FERRY_VM_STATE_CRASHED:       css = "error"; break;
        case FERRY_VM_STATE_SHUT_OFF:
        case FERRY_VM_STATE_UNKNOWN:
        default:                           css = "dim-label"; break;
        }
      gtk_image_set_from_icon_name (GTK_IMAGE (icon), state_icon_name (state));
      for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
        gtk_widget_remove_css_class (icon, classes[i]);
      gtk_widget_add_css_class (icon, css);
    }
}

static void
cell_setup (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            const CellSpec           *spec)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *label = gtk_label_new (NULL);

  g_object_set_data (G_OBJECT (item), "ferry-cell-spec", (gpointer) spec);
  g_object_set_data (G_OBJECT (box), "ferry-list-item", item);
  /* Every cell of a row drags its VM (or the selection) onto a host. */
  _ferry_window_dnd_add_source (g_object_get_data (G_OBJECT (factory), "ferry-window"), box);
  /* The state's text says what its icon shows: screen readers skip it. */
  if (spec == &state_cell)
    gtk_box_append (GTK_BOX (box), g_object_new (GTK_TYPE_IMAGE,
                                                 "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION,
                                                 NULL));
  if (spec == &cpu_cell)
    {
      GtkWidget *spark = ferry_sparkline_new ();

      gtk_widget_set_valign (spark, GTK_ALIGN_CENTER);
      gtk_box_append (GTK_BOX (box), spark);
    }
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (label), spec->numeric ? 1.0 : 0.0);
  gtk_widget_set_hexpand (label, TRUE);
  if (spec->numeric)
    gtk_widget_add_css_class (label, "numeric");
  gtk_box_append (GTK_BOX (box), label);
  gtk_list_item_set_child (item, box);
}

static void
cell_bind (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           const CellSpec           *spec)
{
  FerryVm *vm = gtk_list_item_get_item (item);
  g_autofree char *signal = g_strdup_printf ("notify::%s", spec->property);
  gpointer source = spec->on_metrics ? (gpointer) ferry_vm_get_metrics (vm) : (gpointer) vm;
  gulong id;

  if (spec == &cpu_cell)
    ferry_sparkline_set_series (FERRY_SPARKLINE (gtk_widget_get_first_child (gtk_list_item_get_child (item))),
                                ferry_metrics_get_series (ferry_vm_get_metrics (vm), FERRY_METRIC_CPU));
  /* The row is read by the VM's name. */
  if (spec == &name_cell)
    ferry_a11y_name_row_by (gtk_list_item_get_child (item),
                            gtk_widget_get_last_child (gtk_list_item_get_child (item)));
  id = g_signal_connect_swapped (source, signal, G_CALLBACK (cell_update), item);
  g_object_set_data (G_OBJECT (item), "ferry-cell-handler", GSIZE_TO_POINTER (id));
  if (spec == &state_cell)
    {
      id = g_signal_connect_swapped (vm, "notify::state", G_CALLBACK (cell_update), item);
      g_object_set_data (G_OBJECT (item), "ferry-cell-handler2", GSIZE_TO_POINTER (id));
      id = g_signal_connect_swapped (vm, "notify::activity", G_CALLBACK (cell_update), item);
      g_object_set_data (G_OBJECT (item), "ferry-cell-handler3", GSIZE_TO_POINTER (id));
    }
  cell_update (item);
}

static void
cell_unbind (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             const CellSpec           *spec)
{
  FerryVm *vm = gtk_list_item_get_item (item);
  gulong id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (item), "ferry-cell-handler"));
  gulong id2 = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (item), "ferry-cell-handler2"));
  gulong id3 = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (item), "ferry-cell-handler3"));

  if (vm != NULL && id != 0)
    g_signal_handler_disconnect (spec->on_metrics ? (gpointer) ferry_vm_get_metrics (vm) : (gpointer) vm, id);
  if (vm != NULL && id2 != 0)
    g_signal_handler_disconnect (vm, id2);
  if (vm != NULL && id3 != 0)
    g_signal_handler_disconnect (vm, id3);
  if (spec == &cpu_cell)
    ferry_sparkline_set_series (FERRY_SPARKLINE (gtk_widget_get_first_child (gtk_list_item_get_child (item))),
                                NULL);
  g_object_set_data (G_OBJECT (item), "ferry-cell-handler", NULL);
  g_object_set_data (G_OBJECT (item), "ferry-cell-handler2", NULL);
  g_object_set_data (G_OBJECT (item), "ferry-cell-handler3", NULL);
}

static void
add_column (FerryWindow    *self,
            const char     *title,
            const CellSpec *spec,
            GtkSorter      *sorter,
            gboolean        expand,
            int             fixed_width)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkColumnViewColumn) column = NULL;

  g_object_set_data (G_OBJECT (factory), "ferry-window", self);
  g_signal_connect (factory, "setup", G_CALLBACK (cell_setup), (gpointer) spec);
  g_signal_connect (factory, "bind", G_CALLBACK (cell_bind), (gpointer) spec);
  g_signal_connect (factory, "unbind", G_CALLBACK (cell_unbind), (gpointer) spec);

  column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_expand (column, expand);
  gtk_column_view_column_set_resizable (column, TRUE);
  if (fixed_width > 0)
    gtk_column_view_column_set_fixed_width (column, fixed_width);
  if (sorter != NULL)
    gtk_column_view_column_set_sorter (column, sorter);
  gtk_column_view_append_column (self->vm_view, column);
  g_clear_object (&sorter);
}

/* Busiest first when clicked: "which VM is eating the host?" */
static GtkSorter *
metric_sorter (const char *property)
{
  GtkExpression *expr = gtk_property_expression_new (FERRY_TYPE_METRICS,
                                                     gtk_property_expression_new (FERRY_TYPE_VM, NULL, "metrics"),
                                                     property);
  GtkNumericSorter *sorter = gtk_numeric_sorter_new (expr);

  gtk_numeric_sorter_set_sort_order (sorter, GTK_SORT_DESCENDING);
  return GTK_SORTER (sorter);
}

static void
setup_vm_columns (FerryWindow *self)
{
  GtkExpression *node_expr;

  add_column (self, _("Name"), &name_cell,
              GTK_SORTER (gtk_string_sorter_new (gtk_property_expression_new (FERRY_TYPE_VM, NULL, "name"))),
              TRUE, -1);
  add_column (self, _("State"), &state_cell,
              GTK_SORTER (gtk_numeric_sorter_new (gtk_property_expression_new (FERRY_TYPE_VM, NULL, "state"))),
              FALSE, 150);
  node_expr = gtk_property_expression_new (FERRY_TYPE_NODE,
                                           gtk_property_expression_new (FERRY_TYPE_VM, NULL, "node"),
                                           "name");
  add_column (self, _("Host"), &node_cell, GTK_SORTER (gtk_string_sorter_new (node_expr)), FALSE, 100);
  add_column (self, _("CPU"), &cpu_cell, metric_sorter ("cpu"), FALSE, 115);
  add_column (self, _("Memory Used"), &used_cell, metric_sorter ("memory"), FALSE, 100);
  add_column (self, _("Disk I/O"), &disk_cell, metric_sorter ("disk"), FALSE, 100);
  add_column (self, _("Network"), &net_cell, metric_sorter ("net"), FALSE, 100);
  add_column (self, _("vCPUs"), &vcpus_cell,
              GTK_SORTER (gtk_numeric_sorter_new (gtk_property_expression_new (FERRY_TYPE_VM, NULL, "vcpus"))),
              FALSE, 65);
  add_column (self, _("Memory"), &memory_cell,
              GTK_SORTER (gtk_numeric_sorter_new (gtk_property_expression_new (FERRY_TYPE_VM, NULL, "memory"))),
              FALSE, 90);
}

/* ---------------------------------------------------------------------- */
/* Sidebar                                                                  */

static void
sidebar_setup (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               FerryWindow              *self)
{
  GtkWidget *row = ferry_node_row_new ();

  /* Hosts take dropped VMs, and say while dragging whether they would. */
  ferry_node_row_set_drop_state (FERRY_NODE_ROW (row), self->drop_state);
  _ferry_window_dnd_add_target (self, row);
  gtk_list_item_set_child (item, row);
}

static void
sidebar_bind (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  GtkWidget *row = gtk_list_item_get_child (item);

  ferry_node_row_set_item (FERRY_NODE_ROW (row), gtk_list_item_get_item (item));
  ferry_a11y_name_row_by (row, row);
}

static void
sidebar_unbind (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  user_data)
{
  ferry_node_row_set_item (FERRY_NODE_ROW (gtk_list_item_get_child (item)), NULL);
}

static void update_content (FerryWindow *self);

/* A closed console tab closes its connection (not when it moves to a
 * window of its own). */
static gboolean
console_close_page_cb (FerryWindow *self,
                       AdwTabPage  *page)
{
  GtkWidget *child = adw_tab_page_get_child (page);

  if (!self->detaching && FERRY_IS_CONSOLE_PAGE (child))
    ferry_console_page_close (FERRY_CONSOLE_PAGE (child));
  adw_tab_view_close_page_finish (self->console_tabs, page, TRUE);
  if (adw_tab_view_get_n_pages (self->console_tabs) <= 1 && !self->detaching &&
      g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "consoles") == 0)
    gtk_stack_set_visible_child_name (self->main_stack, "list");
  return GDK_EVENT_STOP;
}

void
_ferry_window_update_content (FerryWindow *self)
{
  update_content (self);
}

static void
update_content (FerryWindow *self)
{
  GObject *selected = gtk_single_selection_get_selected_item (self->sidebar_selection);
  guint n_nodes = g_list_model_get_n_items (ferry_inventory_get_nodes (self->inventory));
  guint n_shown = g_list_model_get_n_items (G_LIST_MODEL (self->filter_model));
  g_autofree char *subtitle = NULL;
  const char *search = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  gboolean filtered = (search != NULL && *search != '\0') || self->state_filter_mode != 0;
  gboolean on_vm_page = g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "vm") == 0;
  gboolean on_consoles = g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "consoles") == 0;

  if (on_consoles)
    {
      adw_window_title_set_title (self->content_title, _("Consoles"));
      adw_window_title_set_subtitle (self->content_title, NULL);
    }
  else if (on_vm_page)
    {
      FerryVm *vm = ferry_vm_page_get_vm (self->vm_page);
      FerryNode *node = vm ? ferry_vm_get_node (vm) : NULL;

      adw_window_title_set_title (self->content_title, vm ? ferry_vm_get_name (vm) : "");
      adw_window_title_set_subtitle (self->content_title, node ? ferry_node_get_name (node) : NULL);
    }
  else if (FERRY_IS_NODE (selected))
    {
      FerryNode *node = FERRY_NODE (selected);

      adw_window_title_set_title (self->content_title, ferry_node_get_name (node));
      if (ferry_node_get_state (node) == FERRY_NODE_STATE_CONNECTED)
        subtitle = g_strdup_printf (ngettext ("%u virtual machine", "%u virtual machines", n_shown), n_shown);
      else
        subtitle = g_strdup (ferry_node_state_to_string (ferry_node_get_state (node)));
      adw_window_title_set_subtitle (self->content_title, subtitle);
    }
  else
    {
      adw_window_title_set_title (self->content_title, _("All Virtual Machines"));
      subtitle = g_strdup_printf (ngettext ("%u virtual machine", "%u virtual machines", n_shown), n_shown);
      adw_window_title_set_subtitle (self->content_title, subtitle);
    }

  gtk_widget_set_visible (self->back_button, on_vm_page || on_consoles || adw_leaflet_get_folded (self->leaflet));
  gtk_revealer_set_reveal_child (self->node_revealer, FERRY_IS_NODE (selected));

  if (n_nodes == 0)
    {
      gtk_stack_set_visible_child_name (self->content_stack, "no-connections");
    }
  else if (n_shown == 0)
    {
      if (filtered)
        {
          adw_status_page_set_title (self->no_vms_page, _("No Results Found"));
          adw_status_page_set_description (self->no_vms_page, _("Try a different search or state."));
        }
      else if (FERRY_IS_NODE (selected) &&
               ferry_node_get_state (FERRY_NODE (selected)) != FERRY_NODE_STATE_CONNECTED)
        {
          FerryNode *node = FERRY_NODE (selected);

          adw_status_page_set_title (self->no_vms_page,
                                     ferry_node_state_to_string (ferry_node_get_state (node)));
          adw_status_page_set_description (self->no_vms_page, ferry_node_get_error (node));
        }
      else
        {
          adw_status_page_set_title (self->no_vms_page, _("No Virtual Machines"));
          adw_status_page_set_description (self->no_vms_page, NULL);
        }
      gtk_stack_set_visible_child_name (self->content_stack, "no-vms");
    }
  else
    {
      gtk_stack_set_visible_child_name (self->content_stack, "vms");
    }
}

/* The graphs of the node or cluster on the list page: CPU, memory, disk,
 * network, over the range the administrator picks. */
static void
show_graphs_of (FerryWindow  *self,
                FerryMetrics *m)
{
  ferry_graph_page_set_sources (self->graph_page,
                                ferry_metrics_get_series (m, FERRY_METRIC_CPU),
                                ferry_metrics_get_series (m, FERRY_METRIC_MEMORY),
                                ferry_metrics_get_series (m, FERRY_METRIC_MEMORY_TOTAL),
                                ferry_metrics_get_series (m, FERRY_METRIC_DISK_READ),
                                ferry_metrics_get_series (m, FERRY_METRIC_DISK_WRITE),
                                ferry_metrics_get_series (m, FERRY_METRIC_NET_RX),
                                ferry_metrics_get_series (m, FERRY_METRIC_NET_TX));
}

/* Hosts whose VMs are on screen get a sample every interval; the others
 * five times less often (their sidebar sparklines still move). */
static void
watch_nodes_on_screen (FerryWindow *self,
                       FerryNode   *only)
{
  FerryStatsSampler *sampler = ferry_session_get_sampler (self->session);
  GListModel *nodes = ferry_inventory_get_nodes (self->inventory);

  if (sampler == NULL)
    return;
  for (guint i = 0; i < g_list_model_get_n_items (nodes); i++)
    {
      g_autoptr(FerryNode) node = g_list_model_get_item (nodes, i);

      ferry_stats_sampler_watch_node (sampler, node, only == NULL || node == only);
    }
}

static void
sidebar_selection_changed (FerryWindow *self)
{
  GObject *selected = gtk_single_selection_get_selected_item (self->sidebar_selection);
  GListModel *base;

  if (self->watched_node != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->watched_node, update_content, self);
      g_clear_object (&self->watched_node);
    }

  if (FERRY_IS_CLUSTER (selected))
    {
      _ferry_window_show_cluster (self, FERRY_CLUSTER (selected));
      _ferry_window_update_actions (self);
      return;
    }

  if (FERRY_IS_NODE (selected))
    {
      base = ferry_node_get_vms (FERRY_NODE (selected));
      self->watched_node = g_object_ref (FERRY_NODE (selected));
      g_signal_connect_swapped (selected, "notify::state", G_CALLBACK (update_content), self);
      ferry_node_header_set_node (self->node_header, FERRY_NODE (selected));
    }
  else
    {
      base = ferry_inventory_get_vms (self->inventory);
    }

  gtk_filter_list_model_set_model (self->filter_model, base);
  watch_nodes_on_screen (self, FERRY_IS_NODE (selected) ? FERRY_NODE (selected) : NULL);
  show_graphs_of (self, FERRY_IS_NODE (selected) ? ferry_node_get_metrics (FERRY_NODE (selected))
                                                 : ferry_inventory_get_metrics (self->inventory));
  gtk_stack_set_visible_child_name (self->main_stack, "list");
  update_content (self);
  _ferry_window_update_actions (self);
}

static void
sidebar_activate (GtkListView *view,
                  guint        position,
                  FerryWindow *self)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

/* ---------------------------------------------------------------------- */

static void
search_changed_cb (FerryWindow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  gtk_string_filter_set_search (self->name_filter, text && *text ? text : NULL);
}

static gboolean
state_matches (gpointer item,
               gpointer user_data)
{
  FerryWindow *self = user_data;
  FerryVmState state = ferry_vm_get_state (FERRY_VM (item));

  switch (self->state_filter_mode)
    {
    case 1: return state == FERRY_VM_STATE_RUNNING || state == FERRY_VM_STATE_BLOCKED;
    case 2: return state == FERRY_VM_STATE_PAUSED || state == FERRY_VM_STATE_SUSPENDED;
    case 3: return state == FERRY_VM_STATE_SHUT_OFF;
    case 4: return state == FERRY_VM_STATE_UNKNOWN || state == FERRY_VM_STATE_CRASHED ||
                   state == FERRY_VM_STATE_SHUTTING_DOWN;
    default: return TRUE;
    }
}

static void
state_filter_changed_cb (FerryWindow *self)
{
  guint previous = self->state_filter_mode;

  self->state_filter_mode = gtk_drop_down_get_selected (self->state_dropdown);
  if (self->state_filter_mode == previous)
    return;
  gtk_filter_changed (GTK_FILTER (self->state_filter),
                      previous == 0 ? GTK_FILTER_CHANGE_MORE_STRICT
                      : self->state_filter_mode == 0 ? GTK_FILTER_CHANGE_LESS_STRICT
                      : GTK_FILTER_CHANGE_DIFFERENT);
  update_content (self);
}

/* A state filter must see state changes: a VM that stops leaves "Running". */
static void
on_vm_state_for_filter (FerryWindow *self)
{
  if (self->state_filter_mode != 0)
    gtk_filter_changed (GTK_FILTER (self->state_filter), GTK_FILTER_CHANGE_DIFFERENT);
}

static void
vm_activated_cb (FerryWindow *self,
                 guint        position)
{
  g_autoptr(FerryVm) vm = g_list_model_get_item (G_LIST_MODEL (self->vm_selection), position);

  if (vm != NULL)
    _ferry_window_open_vm (self, vm);
}

void
_ferry_window_open_vm (FerryWindow *self,
                       FerryVm     *vm)
{
  ferry_vm_page_set_vm (self->vm_page, vm);
  gtk_stack_set_visible_child_name (self->main_stack, "vm");
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
  update_content (self);
  _ferry_window_update_actions (self);
}

/* Right click, long press, Shift+F10 or the Menu key on a row. */
static void
popup_vm_menu (FerryWindow *self,
               double       x,
               double       y)
{
  gtk_popover_set_pointing_to (GTK_POPOVER (self->vm_menu),
                               &(GdkRectangle) { (int) x, (int) y, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self->vm_menu));
}

/* The menu acts on @item's row: selected first unless it already is part
 * of the selection (then the menu acts on the whole selection). */
static void
select_for_menu (FerryWindow *self,
                 GtkListItem *item)
{
  guint position = gtk_list_item_get_position (item);

  if (position != GTK_INVALID_LIST_POSITION &&
      !gtk_selection_model_is_selected (GTK_SELECTION_MODEL (self->vm_selection), position))
    gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->vm_selection), position, TRUE);
}

/* Our cells carry their GtkListItem; a focused row holds them a few levels
 * down (row → cell → our box). */
static GtkListItem *
list_item_under (GtkWidget *widget,
                 guint      depth)
{
  GtkListItem *item = g_object_get_data (G_OBJECT (widget), "ferry-list-item");

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       item == NULL && depth > 0 && child != NULL;
       child = gtk_widget_get_next_sibling (child))
    item = list_item_under (child, depth - 1);
  return item;
}

static void
vm_view_pressed (GtkGestureClick *gesture,
                 int              n_press,
                 double           x,
                 double           y,
                 FerryWindow     *self)
{
  GtkWidget *w = gtk_widget_pick (GTK_WIDGET (self->vm_view), x, y, GTK_PICK_DEFAULT);

  /* Act on the row under the pointer. */
  for (; w != NULL && w != GTK_WIDGET (self->vm_view); w = gtk_widget_get_parent (w))
    {
      GtkListItem *item = g_object_get_data (G_OBJECT (w), "ferry-list-item");

      if (item != NULL)
        {
          select_for_menu (self, item);
          break;
        }
    }
  popup_vm_menu (self, x, y);
}

static void
context_menu_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  FerryWindow *self = FERRY_WINDOW (widget);
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  if (focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self->vm_view)))
    {
      GtkListItem *item = list_item_under (focus, 3);
      graphene_point_t p;

      /* Tab moves the focus without selecting: act on the focused row, as
       * a right click acts on the row under the pointer. */
      if (item != NULL)
        select_for_menu (self, item);

      if (gtk_widget_compute_point (focus, GTK_WIDGET (self->vm_view),
                                    &GRAPHENE_POINT_INIT (12, gtk_widget_get_height (focus) / 2.0), &p))
        popup_vm_menu (self, p.x, p.y);
      else
        popup_vm_menu (self, 12, 12);
    }
}

void
ferry_window_show_message (FerryWindow *self,
                           const char  *message)
{
  AdwToast *toast;

  g_return_if_fail (FERRY_IS_WINDOW (self));

  /* A toast's title is markup; messages carry user data, so they go in a
   * plain label instead. */
  toast = adw_toast_new ("");
  adw_toast_set_custom_title (toast, g_object_new (GTK_TYPE_LABEL,
                                                   "label", message,
                                                   "use-markup", FALSE,
                                                   "wrap", TRUE,
                                                   "width-chars", MIN ((int) g_utf8_strlen (message, -1), 50),
                                                   "max-width-chars", 80,
                                                   NULL));
  adw_toast_set_timeout (toast, 8);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

GListModel *
ferry_window_get_sidebar_model (FerryWindow *self)
{
  g_return_val_if_fail (FERRY_IS_WINDOW (self), NULL);
  return G_LIST_MODEL (self->sidebar_selection);
}

GListModel *
ferry_window_get_vm_model (FerryWindow *self)
{
  g_return_val_if_fail (FERRY_IS_WINDOW (self), NULL);
  return G_LIST_MODEL (self->sort_model);
}

void
ferry_window_select_sidebar (FerryWindow *self,
                             guint        position)
{
  g_return_if_fail (FERRY_IS_WINDOW (self));
  gtk_single_selection_set_selected (self->sidebar_selection, position);
}

void
ferry_window_set_search_text (FerryWindow *self,
                              const char  *text)
{
  g_return_if_fail (FERRY_IS_WINDOW (self));
  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text);
  search_changed_cb (self);
}

void
ferry_window_set_state_filter (FerryWindow *self,
                               guint        mode)
{
  g_return_if_fail (FERRY_IS_WINDOW (self));
  gtk_drop_down_set_selected (self->state_dropdown, mode);
}

void
ferry_window_set_graphs_expanded (FerryWindow *self,
                                  gboolean     expanded)
{
  g_return_if_fail (FERRY_IS_WINDOW (self));
  gtk_expander_set_expanded (self->graphs_expander, expanded);
}

GListModel *
ferry_window_get_selection (FerryWindow *self)
{
  g_return_val_if_fail (FERRY_IS_WINDOW (self), NULL);
  return G_LIST_MODEL (self->vm_selection);
}

FerryVmPage *
ferry_window_get_vm_page (FerryWindow *self)
{
  g_return_val_if_fail (FERRY_IS_WINDOW (self), NULL);
  return self->vm_page;
}

static void
task_setup (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  user_data)
{
  gtk_list_item_set_child (item, ferry_task_row_new ());
  gtk_list_item_set_activatable (item, FALSE);
}

static void
task_bind (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  ferry_task_row_set_task (FERRY_TASK_ROW (gtk_list_item_get_child (item)), gtk_list_item_get_item (item));
}

static void
task_unbind (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             gpointer                  user_data)
{
  ferry_task_row_set_task (FERRY_TASK_ROW (gtk_list_item_get_child (item)), NULL);
}

static void
on_tasks_running (FerryWindow *self)
{
  FerryTaskLog *log = ferry_session_get_task_log (self->session);
  guint running = ferry_task_log_get_n_running (log);
  g_autofree char *tip = NULL;

  gtk_spinner_set_spinning (self->tasks_spinner, running > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->tasks_spinner), running > 0);
  if (running > 0)
    tip = g_strdup_printf (ngettext ("Tasks (%u running)", "Tasks (%u running)", running), running);
  else
    tip = g_strdup (_("Tasks"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->tasks_button), tip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->tasks_button), GTK_ACCESSIBLE_PROPERTY_LABEL, tip, -1);
}

static void
on_vm_selection_changed (FerryWindow *self)
{
  _ferry_window_update_actions (self);
}

/* Metric columns change every tick; a list sorted by one of them follows,
 * every two seconds rather than on every sample of every VM. */
static gboolean
resort_cb (gpointer data)
{
  FerryWindow *self = data;
  GListModel *columns = gtk_column_view_get_columns (self->vm_view);

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
      GtkSorter *sorter = gtk_column_view_column_get_sorter (column);

      if (GTK_IS_NUMERIC_SORTER (sorter) &&
          gtk_numeric_sorter_get_sort_order (GTK_NUMERIC_SORTER (sorter)) == GTK_SORT_DESCENDING)
        gtk_sorter_changed (sorter, GTK_SORTER_CHANGE_DIFFERENT);
    }
  return G_SOURCE_CONTINUE;
}

static void
on_folded (FerryWindow *self)
{
  update_content (self);
}

static void
build_models (FerryWindow *self)
{
  g_autoptr(GListStore) all = g_list_store_new (G_TYPE_OBJECT);
  GListStore *sections = g_list_store_new (G_TYPE_LIST_MODEL);
  GtkListItemFactory *factory;
  GtkSorter *sorter;
  FerryTaskLog *log = ferry_session_get_task_log (self->session);
  g_autoptr(GtkNoSelection) tasks = NULL;

  /* The sidebar: [All] + nodes. */
  g_list_store_append (all, self->inventory);
  g_list_store_append (sections, all);
  g_list_store_append (sections, ferry_session_get_clusters (self->session));
  g_list_store_append (sections, ferry_inventory_get_nodes (self->inventory));
  self->sidebar_selection =
    gtk_single_selection_new (G_LIST_MODEL (gtk_flatten_list_model_new (G_LIST_MODEL (sections))));
  gtk_single_selection_set_autoselect (self->sidebar_selection, TRUE);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (sidebar_setup), self);
  g_signal_connect (factory, "bind", G_CALLBACK (sidebar_bind), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (sidebar_unbind), NULL);
  gtk_list_view_set_factory (self->sidebar_view, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (self->sidebar_view, GTK_SELECTION_MODEL (self->sidebar_selection));
  g_signal_connect_swapped (self->sidebar_selection, "notify::selected-item",
                            G_CALLBACK (sidebar_selection_changed), self);
  g_signal_connect (self->sidebar_view, "activate", G_CALLBACK (sidebar_activate), self);

  /* The VM list: base → name and state filters → sort → selection. */
  self->name_filter = gtk_string_filter_new (gtk_property_expression_new (FERRY_TYPE_VM, NULL, "name"));
  gtk_string_filter_set_match_mode (self->name_filter, GTK_STRING_FILTER_MATCH_MODE_SUBSTRING);
  gtk_string_filter_set_ignore_case (self->name_filter, TRUE);
  self->state_filter = gtk_custom_filter_new (state_matches, self, NULL);
  self->filter = gtk_every_filter_new ();
  gtk_multi_filter_append (GTK_MULTI_FILTER (self->filter), g_object_ref (GTK_FILTER (self->name_filter)));
  gtk_multi_filter_append (GTK_MULTI_FILTER (self->filter), g_object_ref (GTK_FILTER (self->state_filter)));
  self->filter_model = gtk_filter_list_model_new (NULL, g_object_ref (GTK_FILTER (self->filter)));
  setup_vm_columns (self);
  sorter = gtk_column_view_get_sorter (self->vm_view);
  self->sort_model = gtk_sort_list_model_new (g_object_ref (G_LIST_MODEL (self->filter_model)),
                                              sorter ? g_object_ref (sorter) : NULL);
  self->vm_selection = gtk_multi_selection_new (g_object_ref (G_LIST_MODEL (self->sort_model)));
  gtk_column_view_set_model (self->vm_view, GTK_SELECTION_MODEL (self->vm_selection));
  g_signal_connect_swapped (self->vm_selection, "selection-changed", G_CALLBACK (on_vm_selection_changed), self);
  g_signal_connect_swapped (self->vm_selection, "items-changed", G_CALLBACK (on_vm_selection_changed), self);

  g_signal_connect_swapped (self->filter_model, "items-changed", G_CALLBACK (update_content), self);
  g_signal_connect_swapped (ferry_inventory_get_nodes (self->inventory), "items-changed",
                            G_CALLBACK (update_content), self);
  g_signal_connect_object (ferry_inventory_get_vms (self->inventory), "items-changed",
                           G_CALLBACK (on_vm_state_for_filter), self, G_CONNECT_SWAPPED);

  /* The task log. */
  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (task_setup), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (task_bind), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (task_unbind), NULL);
  gtk_list_view_set_factory (self->task_view, factory);
  g_object_unref (factory);
  tasks = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (log)));
  gtk_list_view_set_model (self->task_view, GTK_SELECTION_MODEL (tasks));
  g_signal_connect_object (log, "notify::n-running", G_CALLBACK (on_tasks_running), self, G_CONNECT_SWAPPED);
  on_tasks_running (self);

  sidebar_selection_changed (self);
  gtk_column_view_sort_by_column (self->vm_view,
                                  g_list_model_get_item (gtk_column_view_get_columns (self->vm_view), 0),
                                  GTK_SORT_ASCENDING);
}

FerryWindow *
ferry_window_new (GtkApplication *application,
                  FerrySession   *session,
                  GSettings      *settings)
{
  FerryWindow *self;

  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (FERRY_IS_SESSION (session), NULL);

  /* "application" is not a construct property of GtkWindow, so the models
   * are built here rather than in constructed(). */
  self = g_object_new (FERRY_TYPE_WINDOW, "application", application, NULL);
  self->application = application;
  self->session = session;        /* it outlives its windows */
  g_set_object (&self->settings, settings);
  self->inventory = g_object_ref (ferry_session_get_inventory (self->session));
  build_models (self);
  _ferry_window_clusters_init (self);
  /* Toasts for recovered HA VMs; the question about stale definitions. */
  ferry_fence_dialog_watch (GTK_WINDOW (self), ferry_session_get_ha_manager (self->session));
  ferry_node_header_set_ha_manager (self->node_header, ferry_session_get_ha_manager (self->session));
  ferry_vm_page_set_ha_manager (self->vm_page, ferry_session_get_ha_manager (self->session));
  return self;
}

static void
ferry_window_dispose (GObject *object)
{
  FerryWindow *self = FERRY_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  if (self->inventory != NULL)
    g_signal_handlers_disconnect_by_data (ferry_inventory_get_nodes (self->inventory), self);
  if (self->sidebar_selection != NULL)
    g_signal_handlers_disconnect_by_data (self->sidebar_selection, self);
  if (self->filter_model != NULL)
    g_signal_handlers_disconnect_by_data (self->filter_model, self);
  if (self->vm_selection != NULL)
    g_signal_handlers_disconnect_by_data (self->vm_selection, self);
  if (self->watched_node != NULL)
    g_signal_handlers_disconnect_by_data (self->watched_node, self);
  if (self->watched_vms != NULL)
    {
      for (guint i = 0; i < self->watched_vms->len; i++)
        g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->watched_vms, i), self);
      g_clear_pointer (&self->watched_vms, g_ptr_array_unref);
    }
  g_clear_object (&self->watched_node);
  g_clear_object (&self->settings);
  if (self->drop_state != NULL)
    ferry_drop_state_end (self->drop_state);
  g_clear_handle_id (&self->resort_source, g_source_remove);
  if (self->vm_menu != NULL)
    gtk_widget_unparent (GTK_WIDGET (self->vm_menu));
  gtk_widget_dispose_template (GTK_WIDGET (self), FERRY_TYPE_WINDOW);
  self->vm_menu = NULL;
  g_clear_object (&self->sidebar_selection);
  g_clear_object (&self->drop_state);
  g_clear_object (&self->filter_model);
  g_clear_object (&self->filter);
  g_clear_object (&self->name_filter);
  g_clear_object (&self->state_filter);
  g_clear_object (&self->sort_model);
  g_clear_object (&self->vm_selection);
  g_clear_object (&self->inventory);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (ferry_window_parent_class)->dispose (object);
}

static void
ferry_window_class_init (FerryWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ferry_window_dispose;

  g_type_ensure (FERRY_TYPE_NODE_HEADER);
  _ferry_window_clusters_class_init (widget_class);
  g_type_ensure (FERRY_TYPE_GRAPH_PAGE);
  g_type_ensure (ADW_TYPE_TAB_VIEW);
  g_type_ensure (FERRY_TYPE_VM_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/ferryvm/Ferry/ferry-window.ui");
  gtk_widget_class_bind_template_child (widget_class, FerryWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, FerryWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, FerryWindow, content);
  gtk_widget_class_bind_template_child (widget_class, FerryWindow, sidebar_view);
  gtk_widget_class_bind_template_child (widget_class, FerryWindow, content_title);
  gtk_widget_class_bind_template_child (widget_class, FerryWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, FerryWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, FerryWindow, search_bar);
  gtk_widget_class_bind_template_child (widget_class, FerryWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, FerryWindow, state_dropdown);
  gtk_widget_class_bind_template_child (widget_class, FerryWindow, node_revealer);
  gtk_widget_class_bind_template_child (widget_class, FerryWindow, node_header);
  gtk_widget_class_bind_template_child (widget_class, FerryWindow, graphs_expander);
  gtk_widget_class_bind_template_child (widget_class, FerryWindow, graph_page);
  gtk_widget_class_bind_template_child (widget_class, FerryWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, FerryWindow, vm_view);
  gtk_widget_class_bind_template_child (widget_class, FerryWindow, no_vms_page);
  gtk_widget_class_bind_template_child (widget_class, FerryWindow, vm_page);
  gtk_widget_class_bind_template_child (widget_class, FerryWindow, console_tabs);
  gtk_widget_class_bind_template_child (widget_class, FerryWindow, console_bar);
  gtk_widget_class_bind_template_callback (widget_class, console_close_page_cb);
  gtk_widget_class_bind_template_child (widget_class, FerryWindow, task_view);
  gtk_widget_class_bind_template_child (widget_class, FerryWindow, tasks_button);
  gtk_widget_class_bind_template_child (widget_class, FerryWindow, tasks_spinner);
  gtk_widget_class_bind_template_child (widget_class, FerryWindow, vm_menu);
  gtk_widget_class_bind_template_child (widget_class, FerryWindow, drop_status_revealer);
  gtk_widget_class_bind_template_child (widget_class, FerryWindow, drop_status_label);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, state_filter_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, vm_activated_cb);

  gtk_widget_class_install_action (widget_class, "win.context-menu", NULL, context_menu_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F10, GDK_SHIFT_MASK, "win.context-menu", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Menu, 0, "win.context-menu", NULL);

  _ferry_window_class_init_actions (widget_class);
}

static void
ferry_window_init (FerryWindow *self)
{
  GtkGesture *click;

  self->drop_state = ferry_drop_state_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  _ferry_window_dnd_add_target (self, GTK_WIDGET (self->node_header));
  self->cancellable = g_cancellable_new ();
  self->watched_vms = g_ptr_array_new_with_free_func (g_object_unref);
  gtk_search_bar_set_key_capture_widget (self->search_bar, GTK_WIDGET (self));
  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));
  gtk_widget_set_parent (GTK_WIDGET (self->vm_menu), GTK_WIDGET (self->vm_view));
  /* Tab goes from the hosts to the VMs to the header bar, not row by row
   * (which would also change the selected host at every step). */
  ferry_a11y_tab_leaves_list (GTK_WIDGET (self->sidebar_view));
  ferry_a11y_tab_leaves_list (GTK_WIDGET (self->vm_view));
  g_signal_connect_swapped (self->leaflet, "notify::folded", G_CALLBACK (on_folded), self);
  self->resort_source = g_timeout_add_seconds (2, resort_cb, self);

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect (click, "pressed", G_CALLBACK (vm_view_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self->vm_view), GTK_EVENT_CONTROLLER (click));

  if (DEVELOPMENT_BUILD)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
}
