/* ferry-fence-dialog.c — recover a failed host's HA VMs, once it is fenced
 *
 * Ferry cannot tell a dead host from one that only lost its network: if
 * the VMs still run there, starting them elsewhere runs each twice on the
 * same disks and corrupts them. So, as oVirt asks "has the host been
 * rebooted?", "Recover" stays disabled until the administrator confirms
 * that the host is powered off — unless disk leases were verified, which
 * make a second start impossible anyway.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "ferry-fence-dialog.h"

struct _FerryFenceDialog
{
  AdwMessageDialog  parent_instance;

  FerryHaManager   *manager;
  FerryNode        *node;
  GtkWindow        *parent_window;   /* weak: toasts go there */
  GPtrArray        *plan;            /* FerryHaPlanItem: what the dialog shows is what recovery does */
  guint             n_planned;

  GtkListBox       *plan_list;
  GtkCheckButton   *confirm_check;
  GtkLabel         *confirm_label;
};

G_DEFINE_FINAL_TYPE (FerryFenceDialog, ferry_fence_dialog, ADW_TYPE_MESSAGE_DIALOG)

static void
update_response (FerryFenceDialog *self)
{
  gboolean fenced = gtk_check_button_get_active (self->confirm_check) ||
                    ferry_ha_manager_get_leases_verified (self->manager);

  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "recover",
                                           fenced && self->n_planned > 0);
}

static void
confirm_toggled_cb (FerryFenceDialog *self)
{
  update_response (self);
}

static void
recover_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GtkWindow) window = user_data;
  g_autoptr(GError) error = NULL;

  ferry_ha_manager_recover_finish (FERRY_HA_MANAGER (object), result, &error);
  if (error != NULL)
    gtk_widget_activate_action (GTK_WIDGET (window), "win.show-message", "s", error->message);
}

static void
response_cb (FerryFenceDialog *self,
             const char       *response)
{
  FerryHaFence fence;

  if (g_strcmp0 (response, "recover") != 0)
    return;
  fence = gtk_check_button_get_active (self->confirm_check) ? FERRY_HA_FENCE_MANUAL : FERRY_HA_FENCE_LEASES;
  ferry_ha_manager_recover_async (self->manager, self->node, fence, self->plan, NULL, recover_done,
                                  self->parent_window ? g_object_ref (self->parent_window) : NULL);
}

static void
fill (FerryFenceDialog *self)
{
  GPtrArray *plan = self->plan = ferry_ha_manager_plan_recovery (self->manager, self->node);
  const char *name = ferry_node_get_name (self->node);
  g_autofree char *heading = g_strdup_printf (_("Recover the VMs of %s?"), name);
  g_autofree char *body = NULL;
  g_autofree char *confirm = NULL;

  adw_message_dialog_set_heading (ADW_MESSAGE_DIALOG (self), heading);

  if (plan->len == 0)
    body = g_strdup_printf (_("%s has no highly available VMs that Ferry could start elsewhere."), name);
  else if (ferry_ha_manager_get_leases_verified (self->manager))
    body = g_strdup_printf (_("Ferry cannot tell whether %s is down or only out of reach. Verified disk leases "
                              "refuse to start a disk that is still in use, so a VM cannot run twice. The "
                              "highly available VMs below are defined and started on the hosts shown."), name);
  else
    body = g_strdup_printf (_("Ferry cannot tell whether %s is down or only out of reach. If its VMs still run "
                              "there, starting them elsewhere runs each VM twice on the same disks and "
                              "corrupts them. Only continue when %s is powered off or cut off from the "
                              "storage. The highly available VMs below are then defined and started on the "
                              "hosts shown."), name, name);
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (self), body);

  self->n_planned = 0;
  for (guint i = 0; i < plan->len; i++)
    {
      FerryHaPlanItem *item = g_ptr_array_index (plan, i);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *subtitle = NULL;

      /* VM names are the user's data: never markup. */
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), ferry_vm_get_name (item->vm));
      if (item->target != NULL)
        {
          subtitle = g_strdup_printf (_("Starts on %s"), ferry_node_get_name (item->target));
          self->n_planned++;
        }
      else
        subtitle = g_strdup_printf (_("Cannot be recovered: %s"), item->reason);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_list_box_append (self->plan_list, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->plan_list), plan->len > 0);

  /* Translators: the host's name */
  confirm = g_strdup_printf (_("I have powered off or fenced %s"), name);
  gtk_label_set_text (self->confirm_label, confirm);
  gtk_widget_set_visible (GTK_WIDGET (self->confirm_check), plan->len > 0);
  update_response (self);
}

GtkWidget *
ferry_fence_dialog_new (GtkWindow      *parent,
                        FerryHaManager *manager,
                        FerryNode      *node)
{
  FerryFenceDialog *self;

  g_return_val_if_fail (FERRY_IS_HA_MANAGER (manager), NULL);
  g_return_val_if_fail (FERRY_IS_NODE (node), NULL);

  self = g_object_new (FERRY_TYPE_FENCE_DIALOG, "transient-for", parent, NULL);
  self->manager = g_object_ref (manager);
  self->node = g_object_ref (node);
  g_set_weak_pointer (&self->parent_window, parent);
  fill (self);
  return GTK_WIDGET (self);
}

static void
ferry_fence_dialog_dispose (GObject *object)
{
  FerryFenceDialog *self = FERRY_FENCE_DIALOG (object);

  g_clear_object (&self->manager);
  g_clear_object (&self->node);
  g_clear_pointer (&self->plan, g_ptr_array_unref);
  g_clear_weak_pointer (&self->parent_window);
  gtk_widget_dispose_template (GTK_WIDGET (self), FERRY_TYPE_FENCE_DIALOG);

  G_OBJECT_CLASS (ferry_fence_dialog_parent_class)->dispose (object);
}

static void
ferry_fence_dialog_class_init (FerryFenceDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ferry_fence_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/ferryvm/Ferry/ferry-fence-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, FerryFenceDialog, plan_list);
  gtk_widget_class_bind_template_child (widget_class, FerryFenceDialog, confirm_check);
  gtk_widget_class_bind_template_child (widget_class, FerryFenceDialog, confirm_label);
  gtk_widget_class_bind_template_callback (widget_class, confirm_toggled_cb);
}

static void
ferry_fence_dialog_init (FerryFenceDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self, "response", G_CALLBACK (response_cb), NULL);
}

/* ---------------------------------------------------------------------- */
/* The window's side: toasts, and stale definitions                        */

static void
on_vm_recovered (FerryHaManager *manager,
                 FerryVm        *vm,
                 FerryNode      *target,
                 const char     *error,
                 GtkWindow      *window)
{
  g_autofree char *text = NULL;

  if (target != NULL)
    text = g_strdup_printf (_("“%s” recovered: it runs on %s"), ferry_vm_get_name (vm), ferry_node_get_name (target));
  else
    text = g_strdup_printf (_("“%s” was not recovered: %s"), ferry_vm_get_name (vm), error);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-message", "s", text);
}

static void
remove_stale_done (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GtkWindow) window = user_data;
  g_autoptr(GError) error = NULL;
  guint n;

  n = ferry_ha_manager_remove_stale_finish (FERRY_HA_MANAGER (object), result, &error);
  if (window == NULL || !gtk_widget_get_realized (GTK_WIDGET (window)))
    return;
  if (error != NULL)
    gtk_widget_activate_action (GTK_WIDGET (window), "win.show-message", "s", error->message);
  else
    {
      g_autofree char *text = g_strdup_printf (ngettext ("%u stale definition removed",
                                                         "%u stale definitions removed", n), n);

      gtk_widget_activate_action (GTK_WIDGET (window), "win.show-message", "s", text);
    }
}

static void
stale_response (AdwMessageDialog *dialog,
                const char       *response,
                FerryHaManager   *manager)
{
  FerryNode *node = g_object_get_data (G_OBJECT (dialog), "ferry-node");
  GtkWindow *window = gtk_window_get_transient_for (GTK_WINDOW (dialog));

  if (g_strcmp0 (response, "remove") == 0 && node != NULL)
    ferry_ha_manager_remove_stale_async (manager, node, NULL, remove_stale_done,
                                         window ? g_object_ref (window) : NULL);
}

static void
on_stale_changed (FerryHaManager *manager,
                  FerryNode      *node,
                  GtkWindow      *window)
{
  g_autoptr(GPtrArray) stale = ferry_ha_manager_get_stale (manager, node);
  g_autoptr(GString) names = g_string_new (NULL);
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  if (stale->len == 0)
    return;
  for (guint i = 0; i < stale->len; i++)
    {
      FerryVm *vm = g_ptr_array_index (stale, i);
      FerryNode *owner = ferry_vm_get_node (vm);

      g_string_append_printf (names, "\n• %s (%s)", ferry_vm_get_name (vm),
                              owner ? ferry_node_get_name (owner) : "?");
    }

  heading = g_strdup_printf (_("Stale Definitions on %s"), ferry_node_get_name (node));
  body = g_strdup_printf (_("%s is back. It still has definitions of VMs that were recovered on other hosts "
                            "and run there now (host in brackets). Ferry will not start them. Remove them "
                            "from %s? Their disks are kept: the running VMs use them.%s"),
                          ferry_node_get_name (node), ferry_node_get_name (node), names->str);
  dialog = adw_message_dialog_new (window, heading, body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "keep", _("_Keep"),
                                    "remove", _("_Remove Stale Definitions"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  g_object_set_data_full (G_OBJECT (dialog), "ferry-node", g_object_ref (node), g_object_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (stale_response), manager, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

void
ferry_fence_dialog_watch (GtkWindow      *window,
                          FerryHaManager *manager)
{
  g_return_if_fail (GTK_IS_WINDOW (window));
  g_return_if_fail (FERRY_IS_HA_MANAGER (manager));

  g_signal_connect_object (manager, "vm-recovered", G_CALLBACK (on_vm_recovered), window, 0);
  g_signal_connect_object (manager, "stale-changed", G_CALLBACK (on_stale_changed), window, 0);
}
