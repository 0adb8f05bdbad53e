/* ferry-maintenance-dialog.c — put a host in maintenance (its VMs move away), or take it out
 *
 * Entering: a preview of the core's plan, one row per running VM with its
 * destination (changeable) and an estimate; shut-off VMs can have their
 * definitions moved too. "Start" marks the host in maintenance (no drops,
 * no placements) and queues the migrations with the per-host limit; their
 * progress shows on the VM rows and in the task log.
 *
 * Leaving: the VMs that were moved away and still exist elsewhere, each
 * with a switch; "Exit Maintenance" brings the chosen ones back.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "ferry-maintenance-dialog.h"

struct _FerryMaintenanceDialog
{
  AdwWindow           parent_instance;

  FerrySession       *session;
  FerryNode          *node;
  gboolean            leaving;
  GPtrArray          *steps;          /* FerryMaintenanceStep, running VMs (or the way back) */
  GPtrArray          *shut_off;       /* FerryMaintenanceStep, shut-off VMs */
  GPtrArray          *choosers;       /* per step: AdwComboRow (entering) or GtkSwitch (leaving) */
  GPtrArray          *targets;        /* FerryNode: the hosts a VM may go to */

  GtkButton          *start_button;
  AdwPreferencesGroup *running_group;
  AdwPreferencesGroup *shut_off_group;
  AdwActionRow       *shut_off_row;
  GtkSwitch          *shut_off_switch;
  GtkLabel           *empty_label;
  GtkLabel           *status_label;
};

G_DEFINE_FINAL_TYPE (FerryMaintenanceDialog, ferry_maintenance_dialog, ADW_TYPE_WINDOW)

static char *
estimate_text (const FerryMaintenanceStep *step)
{
  if (step->destination == NULL)
    return g_strdup_printf (_("Nowhere to go: %s"), step->reason != NULL ? step->reason : "");
  if (step->estimate_s < 0)
    return g_strdup (ferry_node_get_name (ferry_vm_get_node (step->vm)));
  if (step->estimate_s < 1)
    return g_strdup (_("under a second"));
  return g_strdup_printf (_("about %.0f s"), step->estimate_s);
}

static void
add_running_rows (FerryMaintenanceDialog *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);

  for (guint i = 0; i < self->targets->len; i++)
    gtk_string_list_append (names, ferry_node_get_name (g_ptr_array_index (self->targets, i)));

  for (guint i = 0; i < self->steps->len; i++)
    {
      FerryMaintenanceStep *step = g_ptr_array_index (self->steps, i);
      g_autofree char *subtitle = estimate_text (step);
      GtkWidget *row;

      if (self->leaving)
        {
          GtkWidget *toggle = gtk_switch_new ();
          g_autofree char *from = g_strdup_printf (_("Now on %s"), subtitle);

          row = adw_action_row_new ();
          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), from);
          gtk_switch_set_active (GTK_SWITCH (toggle), TRUE);
          gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
          adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);
          g_ptr_array_add (self->choosers, toggle);
        }
      else
        {
          guint selected = GTK_INVALID_LIST_POSITION;

          row = adw_combo_row_new ();
          adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (names));
          for (guint t = 0; t < self->targets->len; t++)
            if (g_ptr_array_index (self->targets, t) == step->destination)
              selected = t;
          adw_combo_row_set_selected (ADW_COMBO_ROW (row), selected);
          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
          g_ptr_array_add (self->choosers, row);
        }
      /* VM names come from hosts: plain text. */
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), ferry_vm_get_name (step->vm));
      adw_preferences_group_add (self->running_group, row);
    }
}

GPtrArray *
ferry_maintenance_dialog_get_steps (FerryMaintenanceDialog *self)
{
  g_return_val_if_fail (FERRY_IS_MAINTENANCE_DIALOG (self), NULL);
  return self->steps;
}

/* The rows' choices into the steps. */
static GPtrArray *
chosen_steps (FerryMaintenanceDialog *self)
{
  GPtrArray *chosen = g_ptr_array_new ();

  for (guint i = 0; i < self->steps->len; i++)
    {
      FerryMaintenanceStep *step = g_ptr_array_index (self->steps, i);
      GtkWidget *chooser = g_ptr_array_index (self->choosers, i);

      if (self->leaving)
        {
          if (gtk_switch_get_active (GTK_SWITCH (chooser)))
            g_ptr_array_add (chosen, step);
          continue;
        }
      {
        guint selected = adw_combo_row_get_selected (ADW_COMBO_ROW (chooser));

        g_clear_object (&step->destination);
        if (selected != GTK_INVALID_LIST_POSITION && selected < self->targets->len)
          step->destination = g_object_ref (g_ptr_array_index (self->targets, selected));
        g_ptr_array_add (chosen, step);
      }
    }
  if (!self->leaving && gtk_switch_get_active (self->shut_off_switch))
    for (guint i = 0; i < self->shut_off->len; i++)
      g_ptr_array_add (chosen, g_ptr_array_index (self->shut_off, i));
  return chosen;
}

void
ferry_maintenance_dialog_start (FerryMaintenanceDialog *self)
{
  FerryMigrationQueue *queue = ferry_session_get_migration_queue (self->session);
  g_autoptr(GPtrArray) chosen = chosen_steps (self);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) moved = NULL;

  if (self->leaving)
    {
      /* Out of maintenance first: the way back is a migration to it. */
      if (!ferry_session_set_node_maintenance (self->session, self->node, FALSE, NULL, &error))
        goto failed;
      moved = ferry_maintenance_start (queue, chosen, &error);
      if (error != NULL)
        goto failed;
    }
  else
    {
      /* In maintenance before anything moves: nothing may come in meanwhile. */
      if (!ferry_session_set_node_maintenance (self->session, self->node, TRUE, NULL, &error))
        goto failed;
      moved = ferry_maintenance_start (queue, chosen, &error);
      ferry_session_set_node_maintenance (self->session, self->node, TRUE,
                                              (const char * const *) moved, NULL);
      if (error != NULL)
        goto failed;
    }
  gtk_window_destroy (GTK_WINDOW (self));
  return;

failed:
  gtk_label_set_text (self->status_label, error->message);
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), TRUE);
}

static void
start_clicked_cb (FerryMaintenanceDialog *self)
{
  ferry_maintenance_dialog_start (self);
}

FerryMaintenanceDialog *
ferry_maintenance_dialog_new (FerrySession     *session,
                              GtkWindow        *parent,
                              FerryNode        *node)
{
  FerryMaintenanceDialog *self;
  FerryInventory *inventory;
  GListModel *nodes;
  g_autofree char *title = NULL;

  g_return_val_if_fail (FERRY_IS_SESSION (session), NULL);
  g_return_val_if_fail (FERRY_IS_NODE (node), NULL);

  self = g_object_new (FERRY_TYPE_MAINTENANCE_DIALOG, "transient-for", parent, NULL);
  self->session = g_object_ref (session);
  self->node = g_object_ref (node);
  self->leaving = ferry_node_get_maintenance (node);
  inventory = ferry_session_get_inventory (session);

  nodes = ferry_inventory_get_nodes (inventory);
  for (guint i = 0; i < g_list_model_get_n_items (nodes); i++)
    {
      g_autoptr(FerryNode) n = g_list_model_get_item (nodes, i);

      if (n != node && ferry_node_get_state (n) == FERRY_NODE_STATE_CONNECTED && !ferry_node_get_maintenance (n))
        g_ptr_array_add (self->targets, g_object_ref (n));
    }

  if (self->leaving)
    {
      title = g_strdup_printf (_("Leave Maintenance of %s"), ferry_node_get_name (node));
      gtk_button_set_label (self->start_button, _("E_xit Maintenance"));
      adw_preferences_group_set_title (self->running_group, _("Bring Back"));
      adw_preferences_group_set_description (self->running_group,
                                             _("Virtual machines that were moved away for the maintenance"));
      g_ptr_array_extend_and_steal (self->steps, ferry_maintenance_plan_return (inventory, node));
      gtk_widget_set_visible (GTK_WIDGET (self->shut_off_group), FALSE);
      if (self->steps->len == 0)
        gtk_label_set_text (self->empty_label, _("Nothing to bring back."));
    }
  else
    {
      g_autoptr(GHashTable) groups = ferry_session_dup_keep_apart (session, node);
      g_autoptr(GPtrArray) all = ferry_maintenance_plan (inventory, node, TRUE, 0, groups);
      g_autoptr(GString) off = g_string_new (NULL);

      title = g_strdup_printf (_("Maintenance of %s"), ferry_node_get_name (node));
      gtk_button_set_label (self->start_button, _("_Start"));
      adw_preferences_group_set_title (self->running_group, _("Running Virtual Machines Move To"));
      adw_preferences_group_set_description (self->running_group,
                                             _("Live migrations, at most as many at once per host as the "
                                               "preferences say. The host takes no virtual machines while "
                                               "in maintenance."));
      for (guint i = 0; i < all->len; i++)
        {
          FerryMaintenanceStep *step = g_ptr_array_index (all, i);

          g_ptr_array_add (step->live ? self->steps : self->shut_off, step);
          if (!step->live)
            g_string_append_printf (off, "%s%s", off->len > 0 ? ", " : "", ferry_vm_get_name (step->vm));
        }
      g_ptr_array_set_free_func (all, NULL);
      if (self->shut_off->len > 0)
        adw_action_row_set_subtitle (self->shut_off_row, off->str);
      gtk_widget_set_visible (GTK_WIDGET (self->shut_off_group), self->shut_off->len > 0);
      if (self->steps->len == 0)
        gtk_label_set_text (self->empty_label, _("No virtual machine runs on this host."));
    }
  gtk_widget_set_visible (GTK_WIDGET (self->empty_label), self->steps->len == 0);
  gtk_window_set_title (GTK_WINDOW (self), title);
  add_running_rows (self);
  return self;
}

static void
ferry_maintenance_dialog_dispose (GObject *object)
{
  FerryMaintenanceDialog *self = FERRY_MAINTENANCE_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), FERRY_TYPE_MAINTENANCE_DIALOG);

  G_OBJECT_CLASS (ferry_maintenance_dialog_parent_class)->dispose (object);
}

static void
ferry_maintenance_dialog_finalize (GObject *object)
{
  FerryMaintenanceDialog *self = FERRY_MAINTENANCE_DIALOG (object);

  g_clear_object (&self->session);
  g_clear_object (&self->node);
  g_ptr_array_unref (self->steps);
  g_ptr_array_unref (self->shut_off);
  g_ptr_array_unref (self->choosers);
  g_ptr_array_unref (self->targets);

  G_OBJECT_CLASS (ferry_maintenance_dialog_parent_class)->finalize (object);
}

static void
ferry_maintenance_dialog_class_init (FerryMaintenanceDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ferry_maintenance_dialog_dispose;
  object_class->finalize = ferry_maintenance_dialog_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/ferryvm/Ferry/ferry-maintenance-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, FerryMaintenanceDialog, start_button);
  gtk_widget_class_bind_template_child (widget_class, FerryMaintenanceDialog, running_group);
  gtk_widget_class_bind_template_child (widget_class, FerryMaintenanceDialog, shut_off_group);
  gtk_widget_class_bind_template_child (widget_class, FerryMaintenanceDialog, shut_off_row);
  gtk_widget_class_bind_template_child (widget_class, FerryMaintenanceDialog, shut_off_switch);
  gtk_widget_class_bind_template_child (widget_class, FerryMaintenanceDialog, empty_label);
  gtk_widget_class_bind_template_child (widget_class, FerryMaintenanceDialog, status_label);
  gtk_widget_class_bind_template_callback (widget_class, start_clicked_cb);
}

static void
ferry_maintenance_dialog_init (FerryMaintenanceDialog *self)
{
  self->steps = g_ptr_array_new_with_free_func ((GDestroyNotify) ferry_maintenance_step_free);
  self->shut_off = g_ptr_array_new_with_free_func ((GDestroyNotify) ferry_maintenance_step_free);
  self->choosers = g_ptr_array_new ();
  self->targets = g_ptr_array_new_with_free_func (g_object_unref);
  gtk_widget_init_template (GTK_WIDGET (self));
}
