/* ferry-node-header.c — a host's facts and actions above its VM list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "ferry-node-header.h"

struct _FerryNodeHeader
{
  GtkWidget  parent_instance;

  FerryNode *node;

  GtkImage  *icon;
  GtkLabel  *name;
  GtkLabel  *status;
  GtkWidget *connect_button;
  GtkWidget *disconnect_button;
  GtkButton *maintenance_button;
  GtkWidget *recover_button;
  GtkGrid   *facts;
  FerryHaManager *ha_manager;
};

G_DEFINE_FINAL_TYPE (FerryNodeHeader, ferry_node_header, GTK_TYPE_WIDGET)

static void
add_fact (FerryNodeHeader *self,
          guint            index,
          const char      *key,
          const char      *value)
{
  GtkWidget *k = gtk_label_new (key);
  GtkWidget *v = gtk_label_new (value && *value ? value : "—");
  int column = (index % 2) * 2;
  int row = index / 2;

  gtk_label_set_xalign (GTK_LABEL (k), 0);
  gtk_widget_add_css_class (k, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (v), 0);
  gtk_label_set_selectable (GTK_LABEL (v), TRUE);
  gtk_label_set_ellipsize (GTK_LABEL (v), PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_set_hexpand (v, TRUE);
  gtk_grid_attach (self->facts, k, column, row, 1, 1);
  gtk_grid_attach (self->facts, v, column + 1, row, 1, 1);
}

static void
update (FerryNodeHeader *self)
{
  FerryNode *node = self->node;
  FerryNodeState state;
  GtkWidget *child;
  g_autofree char *cpus = NULL;
  g_autofree char *memory = NULL;
  g_autofree char *vms = NULL;
  g_autofree char *status = NULL;
  guint i = 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->facts))) != NULL)
    gtk_grid_remove (self->facts, child);
  if (node == NULL)
    return;

  state = ferry_node_get_state (node);
  gtk_label_set_text (self->name, ferry_node_get_name (node));
  if (ferry_node_get_error (node) != NULL)
    status = g_strdup_printf ("%s — %s", ferry_node_state_to_string (state), ferry_node_get_error (node));
  else
    status = g_strdup (ferry_node_state_to_string (state));
  if (ferry_node_get_maintenance (node))
    {
      char *with = g_strdup_printf (_("%s — in maintenance"), status);

      g_free (status);
      status = with;
    }
  /* High availability: an unreachable host's HA VMs are at risk. */
  {
    guint at_risk = self->ha_manager ? ferry_ha_manager_count_at_risk (self->ha_manager, node) : 0;

    if (at_risk > 0)
      {
        g_autofree char *n = g_strdup_printf (ngettext ("%u HA VM at risk", "%u HA VMs at risk", at_risk), at_risk);
        char *with = g_strdup_printf ("%s — %s", status, n);

        g_free (status);
        status = with;
      }
    gtk_widget_set_visible (self->recover_button, state == FERRY_NODE_STATE_UNREACHABLE && at_risk > 0);
  }
  gtk_label_set_text (self->status, status);
  gtk_button_set_label (self->maintenance_button,
                        ferry_node_get_maintenance (node) ? _("E_xit Maintenance…") : _("_Maintenance…"));

  gtk_widget_set_visible (self->connect_button,
                          state == FERRY_NODE_STATE_DISCONNECTED || state == FERRY_NODE_STATE_AUTH_FAILED);
  gtk_widget_set_visible (self->disconnect_button,
                          state != FERRY_NODE_STATE_DISCONNECTED && state != FERRY_NODE_STATE_AUTH_FAILED);

  cpus = ferry_node_get_cpus (node) ? g_strdup_printf ("%u", ferry_node_get_cpus (node)) : NULL;
  memory = ferry_node_get_memory (node) ? g_format_size_full (ferry_node_get_memory (node), G_FORMAT_SIZE_IEC_UNITS)
                                        : NULL;
  vms = g_strdup_printf (_("%u running of %u"), ferry_node_get_n_running (node), ferry_node_get_n_vms (node));

  add_fact (self, i++, _("Hostname"), ferry_node_get_hostname (node));
  add_fact (self, i++, _("URI"), ferry_node_get_uri (node));
  add_fact (self, i++, _("CPU"), ferry_node_get_cpu_model (node));
  add_fact (self, i++, _("CPU threads"), cpus);
  add_fact (self, i++, _("Memory"), memory);
  add_fact (self, i++, _("Virtual machines"), vms);
  add_fact (self, i++, _("libvirt"), ferry_node_get_libvirt_version (node));
  add_fact (self, i++, _("QEMU"), ferry_node_get_hypervisor_version (node));
  add_fact (self, i++, _("Migration address"), ferry_node_get_migration_address (node));
}

void
ferry_node_header_set_node (FerryNodeHeader *self,
                            FerryNode       *node)
{
  g_return_if_fail (FERRY_IS_NODE_HEADER (self));

  if (self->node == node)
    return;
  if (self->node != NULL)
    g_signal_handlers_disconnect_by_data (self->node, self);
  g_set_object (&self->node, node);
  if (node != NULL)
    g_signal_connect_swapped (node, "notify", G_CALLBACK (update), self);
  update (self);
}

FerryNode *
ferry_node_header_get_node (FerryNodeHeader *self)
{
  g_return_val_if_fail (FERRY_IS_NODE_HEADER (self), NULL);
  return self->node;
}

GtkWidget *
ferry_node_header_new (void)
{
  return g_object_new (FERRY_TYPE_NODE_HEADER, NULL);
}

static void
ferry_node_header_dispose (GObject *object)
{
  FerryNodeHeader *self = FERRY_NODE_HEADER (object);

  ferry_node_header_set_node (self, NULL);
  if (self->ha_manager != NULL)
    g_signal_handlers_disconnect_by_data (self->ha_manager, self);
  g_clear_object (&self->ha_manager);
  gtk_widget_dispose_template (GTK_WIDGET (self), FERRY_TYPE_NODE_HEADER);

  G_OBJECT_CLASS (ferry_node_header_parent_class)->dispose (object);
}

static void
ferry_node_header_class_init (FerryNodeHeaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ferry_node_header_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/ferryvm/Ferry/ferry-node-header.ui");
  gtk_widget_class_bind_template_child (widget_class, FerryNodeHeader, icon);
  gtk_widget_class_bind_template_child (widget_class, FerryNodeHeader, name);
  gtk_widget_class_bind_template_child (widget_class, FerryNodeHeader, status);
  gtk_widget_class_bind_template_child (widget_class, FerryNodeHeader, maintenance_button);
  gtk_widget_class_bind_template_child (widget_class, FerryNodeHeader, recover_button);
  gtk_widget_class_bind_template_child (widget_class, FerryNodeHeader, connect_button);
  gtk_widget_class_bind_template_child (widget_class, FerryNodeHeader, disconnect_button);
  gtk_widget_class_bind_template_child (widget_class, FerryNodeHeader, facts);
}

static void
ferry_node_header_init (FerryNodeHeader *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

void
ferry_node_header_set_ha_manager (FerryNodeHeader *self,
                                  FerryHaManager  *manager)
{
  g_return_if_fail (FERRY_IS_NODE_HEADER (self));
  g_return_if_fail (manager == NULL || FERRY_IS_HA_MANAGER (manager));

  if (self->ha_manager != NULL)
    g_signal_handlers_disconnect_by_data (self->ha_manager, self);
  if (!g_set_object (&self->ha_manager, manager))
    return;
  if (manager != NULL)
    g_signal_connect_object (manager, "at-risk-changed", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  update (self);
}
