/* ferry-window-actions.c — what the main window can do
 *
 * VM actions act on their targets: the VM of the open VM page, else every
 * selected row. Each run becomes a task in the task log and ends in a
 * toast (libvirt's own words when it failed).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "ferry-add-connection-dialog.h"
#include "ferry-console-page.h"
#include "ferry-console-window.h"
#include "ferry-fence-dialog.h"
#include "ferry-maintenance-dialog.h"
#include "ferry-new-vm-dialog.h"
#include "ferry-vm-details.h"
#include "ferry-vm-edit-dialog.h"
#include "ferry-window-private.h"

static const struct {
  const char *action;
  FerryVmOp   op;
} vm_op_actions[] = {
  { "win.vm-start", FERRY_VM_OP_START },
  { "win.vm-shutdown", FERRY_VM_OP_SHUTDOWN },
  { "win.vm-reboot", FERRY_VM_OP_REBOOT },
  { "win.vm-force-off", FERRY_VM_OP_FORCE_OFF },
  { "win.vm-pause", FERRY_VM_OP_PAUSE },
  { "win.vm-resume", FERRY_VM_OP_RESUME },
};

GPtrArray *
_ferry_window_get_target_vms (FerryWindow *self)
{
  GPtrArray *vms = g_ptr_array_new_with_free_func (g_object_unref);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "vm") == 0)
    {
      FerryVm *vm = ferry_vm_page_get_vm (self->vm_page);

      if (vm != NULL)
        g_ptr_array_add (vms, g_object_ref (vm));
    }
  else if (self->vm_selection != NULL)
    {
      g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->vm_selection));
      GtkBitsetIter iter;
      guint position;

      if (gtk_bitset_iter_init_first (&iter, selected, &position))
        do
          g_ptr_array_add (vms, g_list_model_get_item (G_LIST_MODEL (self->vm_selection), position));
        while (gtk_bitset_iter_next (&iter, &position));
    }
  return vms;
}

static gboolean
all_on_connected_nodes (GPtrArray *vms)
{
  for (guint i = 0; i < vms->len; i++)
    {
      FerryNode *node = ferry_vm_get_node (g_ptr_array_index (vms, i));

      if (node == NULL || ferry_node_get_state (node) != FERRY_NODE_STATE_CONNECTED)
        return FALSE;
    }
  return TRUE;
}

FerryNode *
_ferry_window_get_selected_node (FerryWindow *self)
{
  GObject *selected;

  if (self->sidebar_selection == NULL)
    return NULL;
  selected = gtk_single_selection_get_selected_item (self->sidebar_selection);
  return FERRY_IS_NODE (selected) ? FERRY_NODE (selected) : NULL;
}

static gboolean
any_can (GPtrArray *vms,
         FerryVmOp  op)
{
  for (guint i = 0; i < vms->len; i++)
    if (ferry_vm_can_run_op (g_ptr_array_index (vms, i), op))
      return TRUE;
  return FALSE;
}

static void
on_target_changed (FerryWindow *self)
{
  _ferry_window_update_actions (self);
}

void
_ferry_window_update_actions (FerryWindow *self)
{
  g_autoptr(GPtrArray) vms = _ferry_window_get_target_vms (self);
  FerryNode *node = _ferry_window_get_selected_node (self);
  gboolean on_vm_page = g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "vm") == 0;
  FerryNodeState state = node ? ferry_node_get_state (node) : FERRY_NODE_STATE_DISCONNECTED;
  GtkWidget *widget = GTK_WIDGET (self);

  /* Follow the targets' state so the actions stay right as VMs change. */
  for (guint i = 0; i < self->watched_vms->len; i++)
    g_signal_handlers_disconnect_by_func (g_ptr_array_index (self->watched_vms, i), on_target_changed, self);
  g_ptr_array_set_size (self->watched_vms, 0);
  for (guint i = 0; i < vms->len && i < 64; i++)
    {
      FerryVm *vm = g_ptr_array_index (vms, i);

      g_signal_connect_swapped (vm, "notify::state", G_CALLBACK (on_target_changed), self);
      g_signal_connect_swapped (vm, "notify::node", G_CALLBACK (on_target_changed), self);
      g_ptr_array_add (self->watched_vms, g_object_ref (vm));
    }

  for (guint i = 0; i < G_N_ELEMENTS (vm_op_actions); i++)
    gtk_widget_action_set_enabled (widget, vm_op_actions[i].action, any_can (vms, vm_op_actions[i].op));
  gtk_widget_action_set_enabled (widget, "win.vm-delete", any_can (vms, FERRY_VM_OP_DELETE));
  gtk_widget_action_set_enabled (widget, "win.vm-open", vms->len == 1 && !on_vm_page);
  gtk_widget_action_set_enabled (widget, "win.vm-console", vms->len >= 1);
  gtk_widget_action_set_enabled (widget, "win.vm-edit", vms->len == 1 && any_can (vms, FERRY_VM_OP_DELETE));
  gtk_widget_action_set_enabled (widget, "win.migrate", vms->len >= 1 && all_on_connected_nodes (vms));
  gtk_widget_action_set_enabled (widget, "win.go-back", on_vm_page || adw_leaflet_get_folded (self->leaflet) ||
                                 g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "consoles") == 0);

  gtk_widget_action_set_enabled (widget, "win.node-connect",
                                 node != NULL && (state == FERRY_NODE_STATE_DISCONNECTED ||
                                                  state == FERRY_NODE_STATE_AUTH_FAILED));
  gtk_widget_action_set_enabled (widget, "win.node-disconnect",
                                 node != NULL && state != FERRY_NODE_STATE_DISCONNECTED &&
                                 state != FERRY_NODE_STATE_AUTH_FAILED);
  gtk_widget_action_set_enabled (widget, "win.node-edit", node != NULL);
  gtk_widget_action_set_enabled (widget, "win.node-remove", node != NULL);
  gtk_widget_action_set_enabled (widget, "win.node-refresh", node != NULL && state == FERRY_NODE_STATE_CONNECTED);
  gtk_widget_action_set_enabled (widget, "win.node-maintenance", node != NULL && state == FERRY_NODE_STATE_CONNECTED);
}

/* ---------------------------------------------------------------------- */
/* Lifecycle                                                               */

typedef struct
{
  FerryWindow *window;   /* weak */
  FerryTask   *task;
  FerryVmOp    op;
  char        *name;
} OpRun;

static void
op_run_free (OpRun *run)
{
  g_clear_weak_pointer (&run->window);
  g_clear_object (&run->task);
  g_free (run->name);
  g_free (run);
}

static char *
done_message (FerryVmOp   op,
              const char *name)
{
  switch (op)
    {
    case FERRY_VM_OP_START:     return g_strdup_printf (_("“%s” started"), name);
    /* ACPI only asks the guest: it decides when to power off. */
    case FERRY_VM_OP_SHUTDOWN:  return g_strdup_printf (_("“%s” was asked to shut down"), name);
    case FERRY_VM_OP_REBOOT:    return g_strdup_printf (_("“%s” was asked to reboot"), name);
    case FERRY_VM_OP_FORCE_OFF: return g_strdup_printf (_("“%s” was forced off"), name);
    case FERRY_VM_OP_PAUSE:     return g_strdup_printf (_("“%s” paused"), name);
    case FERRY_VM_OP_RESUME:    return g_strdup_printf (_("“%s” resumed"), name);
    case FERRY_VM_OP_DELETE:
    case FERRY_VM_OP_DELETE_WITH_STORAGE:
                                return g_strdup_printf (_("“%s” deleted"), name);
    default:                    return g_strdup (name);
    }
}

static void
op_done (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  OpRun *run = user_data;
  g_autoptr(GError) error = NULL;

  if (ferry_vm_run_op_finish (FERRY_VM (object), result, &error))
    {
      g_autofree char *message = done_message (run->op, run->name);

      ferry_task_succeed (run->task, NULL);
      if (run->window != NULL)
        ferry_window_show_message (run->window, message);
    }
  else
    {
      ferry_task_fail (run->task, error);
      if (run->window != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        ferry_window_show_message (run->window, error->message);
    }
  op_run_free (run);
}

void
ferry_window_run_vm_op (FerryWindow *self,
                        FerryVm     *vm,
                        FerryVmOp    op)
{
  FerryTaskLog *log = ferry_session_get_task_log (self->session);
  OpRun *run = g_new0 (OpRun, 1);

  g_set_weak_pointer (&run->window, self);
  run->op = op;
  run->name = g_strdup (ferry_vm_get_name (vm));
  run->task = g_object_ref (ferry_task_log_start (log, ferry_vm_op_to_string (op), run->name));
  ferry_vm_run_op_async (vm, op, ferry_task_get_cancellable (run->task), op_done, run);
}

static void
vm_op_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  FerryWindow *self = FERRY_WINDOW (widget);
  g_autoptr(GPtrArray) vms = _ferry_window_get_target_vms (self);

  for (guint a = 0; a < G_N_ELEMENTS (vm_op_actions); a++)
    {
      if (g_strcmp0 (action_name, vm_op_actions[a].action) != 0)
        continue;
      /* With several selected, act on those it applies to (start the
       * stopped ones), as bulk actions do elsewhere. */
      for (guint i = 0; i < vms->len; i++)
        if (ferry_vm_can_run_op (g_ptr_array_index (vms, i), vm_op_actions[a].op))
          ferry_window_run_vm_op (self, g_ptr_array_index (vms, i), vm_op_actions[a].op);
    }
}

static void
vm_open_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  FerryWindow *self = FERRY_WINDOW (widget);
  g_autoptr(GPtrArray) vms = _ferry_window_get_target_vms (self);

  if (vms->len > 0)
    _ferry_window_open_vm (self, g_ptr_array_index (vms, 0));
}

static void
go_back_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  FerryWindow *self = FERRY_WINDOW (widget);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "consoles") == 0)
    {
      gtk_stack_set_visible_child_name (self->main_stack, "list");
      g_object_notify (G_OBJECT (self->sidebar_selection), "selected-item");
      return;
    }
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "vm") == 0)
    {
      gtk_stack_set_visible_child_name (self->main_stack, "list");
      ferry_vm_page_set_vm (self->vm_page, NULL);
      gtk_widget_grab_focus (GTK_WIDGET (self->vm_view));
      /* Titles and actions follow the list again. */
      g_object_notify (G_OBJECT (self->sidebar_selection), "selected-item");
    }
  else
    {
      adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
    }
}

/* ---------------------------------------------------------------------- */
/* Consoles                                                                */

static void
on_console_notification (FerryWindow *self,
                         const char  *text)
{
  ferry_window_show_message (self, text);
}

/* Opens (or brings forward) the console tab of @vm. */
FerryConsolePage *
ferry_window_open_console (FerryWindow *self,
                           FerryVm     *vm)
{
  AdwTabPage *tab = NULL;
  GtkWidget *page;

  for (int i = 0; i < adw_tab_view_get_n_pages (self->console_tabs); i++)
    {
      AdwTabPage *p = adw_tab_view_get_nth_page (self->console_tabs, i);
      GtkWidget *child = adw_tab_page_get_child (p);

      if (FERRY_IS_CONSOLE_PAGE (child) && ferry_console_page_get_vm (FERRY_CONSOLE_PAGE (child)) == vm)
        tab = p;
    }
  if (tab == NULL)
    {
      page = ferry_console_page_new (vm);
      g_signal_connect_object (page, "notification", G_CALLBACK (on_console_notification), self,
                               G_CONNECT_SWAPPED);
      tab = adw_tab_view_append (self->console_tabs, page);
      g_object_bind_property (vm, "name", tab, "title", G_BINDING_SYNC_CREATE);
      g_object_bind_property (page, "status", tab, "tooltip", G_BINDING_SYNC_CREATE);
    }
  adw_tab_view_set_selected_page (self->console_tabs, tab);
  gtk_stack_set_visible_child_name (self->main_stack, "consoles");
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
  _ferry_window_update_content (self);
  _ferry_window_update_actions (self);
  gtk_widget_grab_focus (GTK_WIDGET (ferry_console_page_get_display (FERRY_CONSOLE_PAGE (adw_tab_page_get_child (tab)))));
  return FERRY_CONSOLE_PAGE (adw_tab_page_get_child (tab));
}

static void
vm_console_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  FerryWindow *self = FERRY_WINDOW (widget);
  g_autoptr(GPtrArray) vms = _ferry_window_get_target_vms (self);

  for (guint i = 0; i < vms->len; i++)
    ferry_window_open_console (self, g_ptr_array_index (vms, i));
}

/* The selected console moves to a window of its own, still connected. */
FerryConsoleWindow *
ferry_window_detach_console (FerryWindow *self)
{
  AdwTabPage *tab = adw_tab_view_get_selected_page (self->console_tabs);
  g_autoptr(GtkWidget) child = NULL;
  FerryConsoleWindow *window;

  if (tab == NULL)
    return NULL;
  child = g_object_ref (adw_tab_page_get_child (tab));
  self->detaching = TRUE;
  adw_tab_view_close_page (self->console_tabs, tab);
  self->detaching = FALSE;
  window = ferry_console_window_new (self->application, FERRY_CONSOLE_PAGE (child));
  gtk_window_present (GTK_WINDOW (window));
  if (adw_tab_view_get_n_pages (self->console_tabs) == 0)
    {
      gtk_stack_set_visible_child_name (self->main_stack, "list");
      _ferry_window_update_content (self);
    }
  return window;
}

static void
console_detach_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  ferry_window_detach_console (FERRY_WINDOW (widget));
}

/* ---------------------------------------------------------------------- */
/* Delete, confirmed                                                       */

typedef struct
{
  FerryWindow     *window;    /* weak */
  GPtrArray       *vms;
  GtkCheckButton  *storage;
  GtkLabel        *volumes;
  GPtrArray       *paths;
  guint            pending;     /* detail reads still out */
  guint            refs;        /* the dialog + each detail read */
  gboolean         answered;
} DeleteRun;

static void
delete_run_unref (DeleteRun *run)
{
  if (--run->refs > 0)
    return;
  g_clear_weak_pointer (&run->window);
  g_clear_pointer (&run->vms, g_ptr_array_unref);
  g_clear_pointer (&run->paths, g_ptr_array_unref);
  g_clear_object (&run->storage);
  g_clear_object (&run->volumes);
  g_free (run);
}

static void
delete_response (AdwMessageDialog *dialog,
                 const char       *response,
                 DeleteRun        *run)
{
  gboolean with_storage = gtk_check_button_get_active (run->storage);

  run->answered = TRUE;
  if (g_strcmp0 (response, "delete") == 0 && run->window != NULL)
    for (guint i = 0; i < run->vms->len; i++)
      ferry_window_run_vm_op (run->window, g_ptr_array_index (run->vms, i),
                              with_storage ? FERRY_VM_OP_DELETE_WITH_STORAGE : FERRY_VM_OP_DELETE);
  delete_run_unref (run);
}

/* The storage that "also delete its storage" would remove, listed by
 * volume before anyone confirms. */
static void
delete_details_done (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  DeleteRun *run = user_data;
  g_autoptr(FerryVmDetails) details = ferry_vm_get_details_finish (FERRY_VM (object), result, NULL);
  g_autoptr(GString) text = g_string_new (NULL);

  if (details != NULL)
    for (guint i = 0; i < details->disks->len; i++)
      {
        const FerryVmDisk *disk = g_ptr_array_index (details->disks, i);

        if (g_strcmp0 (disk->device, "disk") == 0 && disk->source != NULL)
          g_ptr_array_add (run->paths, g_strdup (disk->source));
      }

  if (--run->pending > 0 || run->answered)
    {
      delete_run_unref (run);
      return;
    }

  for (guint i = 0; i < run->paths->len; i++)
    g_string_append_printf (text, "%s%s", i ? "\n" : "", (char *) g_ptr_array_index (run->paths, i));
  if (run->paths->len == 0)
    {
      gtk_label_set_text (run->volumes, _("No disk volumes."));
      gtk_widget_set_sensitive (GTK_WIDGET (run->storage), FALSE);
    }
  else
    {
      gtk_label_set_text (run->volumes, text->str);
    }
  delete_run_unref (run);
}

static void
vm_delete_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  FerryWindow *self = FERRY_WINDOW (widget);
  g_autoptr(GPtrArray) vms = _ferry_window_get_target_vms (self);
  DeleteRun *run;
  AdwMessageDialog *dialog;
  GtkWidget *box;
  g_autofree char *heading = NULL;

  if (vms->len == 0)
    return;

  if (vms->len == 1)
    heading = g_strdup_printf (_("Delete “%s”?"), ferry_vm_get_name (g_ptr_array_index (vms, 0)));
  else
    heading = g_strdup_printf (ngettext ("Delete %u virtual machine?", "Delete %u virtual machines?",
                                         vms->len), vms->len);

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), NULL, NULL));
  /* Names come from hosts: set as plain text, never markup. */
  adw_message_dialog_set_heading (dialog, heading);
  adw_message_dialog_set_body (dialog, vms->len == 1
                               ? _("It is stopped if it runs and its definition is removed from its host. "
                                   "This cannot be undone.")
                               : _("They are stopped if they run and their definitions are removed from "
                                   "their hosts. This cannot be undone."));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "delete", _("_Delete"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");

  run = g_new0 (DeleteRun, 1);
  g_set_weak_pointer (&run->window, self);
  run->vms = g_ptr_array_ref (vms);
  run->paths = g_ptr_array_new_with_free_func (g_free);
  run->storage = g_object_ref_sink (GTK_CHECK_BUTTON (gtk_check_button_new_with_mnemonic (
                                      _("Also delete the _storage volumes:"))));
  run->volumes = g_object_ref_sink (GTK_LABEL (gtk_label_new (_("Reading the disks…"))));
  gtk_label_set_selectable (run->volumes, TRUE);
  gtk_label_set_wrap (run->volumes, TRUE);
  gtk_label_set_xalign (run->volumes, 0);
  gtk_widget_add_css_class (GTK_WIDGET (run->volumes), "monospace");
  gtk_widget_set_margin_start (GTK_WIDGET (run->volumes), 28);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (run->storage));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (run->volumes));
  adw_message_dialog_set_extra_child (dialog, box);

  run->pending = vms->len;
  run->refs = 1 + vms->len;
  for (guint i = 0; i < vms->len; i++)
    ferry_vm_get_details_async (g_ptr_array_index (vms, i), self->cancellable, delete_details_done, run);
  /* The run lives until the dialog is answered and every read is back. */
  g_signal_connect (dialog, "response", G_CALLBACK (delete_response), run);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---------------------------------------------------------------------- */
/* Dialogs                                                                 */

static void
add_connection_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  FerryWindow *self = FERRY_WINDOW (widget);
  GtkWindow *dialog = GTK_WINDOW (ferry_add_connection_dialog_new (self->session));

  gtk_window_set_transient_for (dialog, GTK_WINDOW (self));
  gtk_window_present (dialog);
}

static void
new_vm_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FerryWindow *self = FERRY_WINDOW (widget);
  GtkWindow *dialog = GTK_WINDOW (ferry_new_vm_dialog_new (self->session,
                                                           _ferry_window_get_selected_node (self)));

  gtk_window_set_transient_for (dialog, GTK_WINDOW (self));
  gtk_window_present (dialog);
}

/* The host page's Maintenance… / Exit Maintenance… */
static void
node_maintenance_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  FerryWindow *self = FERRY_WINDOW (widget);
  FerryNode *node = _ferry_window_get_selected_node (self);

  if (node == NULL)
    return;
  gtk_window_present (GTK_WINDOW (ferry_maintenance_dialog_new (self->session, GTK_WINDOW (self), node)));
}

/* Ctrl+M: the keyboard twin of a drag onto a host. */
static void
migrate_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  FerryWindow *self = FERRY_WINDOW (widget);
  g_autoptr(GPtrArray) vms = _ferry_window_get_target_vms (self);

  if (vms->len == 0)
    return;
  _ferry_window_migrate (self, vms, NULL, FALSE);
}

static void
vm_edit_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  FerryWindow *self = FERRY_WINDOW (widget);
  g_autoptr(GPtrArray) vms = _ferry_window_get_target_vms (self);
  GtkWindow *dialog;

  if (vms->len != 1)
    return;
  dialog = GTK_WINDOW (ferry_vm_edit_dialog_new (self->session, g_ptr_array_index (vms, 0)));
  gtk_window_set_transient_for (dialog, GTK_WINDOW (self));
  gtk_window_present (dialog);
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FerryWindow *self = FERRY_WINDOW (widget);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "vm") == 0)
    go_back_action (widget, NULL, NULL);
  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
show_tasks_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  gtk_menu_button_popup (FERRY_WINDOW (widget)->tasks_button);
}

/* ---------------------------------------------------------------------- */
/* Nodes                                                                   */

static void
node_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  FerryWindow *self = FERRY_WINDOW (widget);
  FerryNode *node = _ferry_window_get_selected_node (self);

  if (node == NULL)
    return;

  if (g_strcmp0 (action_name, "win.node-connect") == 0)
    ferry_node_connect (node);
  else if (g_strcmp0 (action_name, "win.node-disconnect") == 0)
    ferry_node_disconnect (node);
  else if (g_strcmp0 (action_name, "win.node-refresh") == 0)
    ferry_node_refresh (node);
  else if (g_strcmp0 (action_name, "win.node-edit") == 0)
    {
      GtkWindow *dialog = GTK_WINDOW (ferry_add_connection_dialog_new_for_node (self->session, node));

      gtk_window_set_transient_for (dialog, GTK_WINDOW (self));
      gtk_window_present (dialog);
    }
  _ferry_window_update_actions (self);
}

/* A failed host's HA VMs elsewhere: ferry-fence-dialog.c asks first. */
static void
node_recover_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  FerryWindow *self = FERRY_WINDOW (widget);
  FerryNode *node = _ferry_window_get_selected_node (self);

  if (node == NULL || ferry_node_get_state (node) != FERRY_NODE_STATE_UNREACHABLE)
    return;
  gtk_window_present (GTK_WINDOW (ferry_fence_dialog_new (GTK_WINDOW (self),
                                                          ferry_session_get_ha_manager (self->session),
                                                          node)));
}

static void
remove_response (AdwMessageDialog *dialog,
                 const char       *response,
                 FerryWindow      *self)
{
  FerryNode *node = g_object_get_data (G_OBJECT (dialog), "ferry-node");

  if (g_strcmp0 (response, "remove") == 0 && node != NULL)
    ferry_session_remove_node (self->session, node);
}

static void
node_remove_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  FerryWindow *self = FERRY_WINDOW (widget);
  FerryNode *node = _ferry_window_get_selected_node (self);
  AdwMessageDialog *dialog;
  g_autofree char *heading = NULL;

  if (node == NULL)
    return;

  heading = g_strdup_printf (_("Remove the connection to %s?"), ferry_node_get_name (node));
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), NULL, NULL));
  adw_message_dialog_set_heading (dialog, heading);
  adw_message_dialog_set_body (dialog, _("Ferry forgets this host. Its virtual machines keep running "
                                         "and are not changed."));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "remove", _("_Remove"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "remove", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "ferry-node", g_object_ref (node), g_object_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (remove_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* How dialogs and pages tell the administrator something ("s": the
 * text, shown as plain text): they need not know this window's type. */
static void
show_message_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  ferry_window_show_message (FERRY_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

void
_ferry_window_class_init_actions (GtkWidgetClass *widget_class)
{
  for (guint i = 0; i < G_N_ELEMENTS (vm_op_actions); i++)
    gtk_widget_class_install_action (widget_class, vm_op_actions[i].action, NULL, vm_op_action);
  gtk_widget_class_install_action (widget_class, "win.vm-open", NULL, vm_open_action);
  gtk_widget_class_install_action (widget_class, "win.vm-console", NULL, vm_console_action);
  gtk_widget_class_install_action (widget_class, "win.console-detach", NULL, console_detach_action);
  gtk_widget_class_install_action (widget_class, "win.vm-delete", NULL, vm_delete_action);
  gtk_widget_class_install_action (widget_class, "win.vm-edit", NULL, vm_edit_action);
  gtk_widget_class_install_action (widget_class, "win.migrate", NULL, migrate_action);
  gtk_widget_class_install_action (widget_class, "win.node-maintenance", NULL, node_maintenance_action);
  gtk_widget_class_install_action (widget_class, "win.new-vm", NULL, new_vm_action);
  gtk_widget_class_install_action (widget_class, "win.go-back", NULL, go_back_action);
  gtk_widget_class_install_action (widget_class, "win.add-connection", NULL, add_connection_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.show-tasks", NULL, show_tasks_action);
  gtk_widget_class_install_action (widget_class, "win.node-connect", NULL, node_action);
  gtk_widget_class_install_action (widget_class, "win.node-disconnect", NULL, node_action);
  gtk_widget_class_install_action (widget_class, "win.node-refresh", NULL, node_action);
  gtk_widget_class_install_action (widget_class, "win.node-edit", NULL, node_action);
  gtk_widget_class_install_action (widget_class, "win.node-remove", NULL, node_remove_action);
  gtk_widget_class_install_action (widget_class, "win.node-recover", NULL, node_recover_action);
  gtk_widget_class_install_action (widget_class, "win.show-message", "s", show_message_action);
}
