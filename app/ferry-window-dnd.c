/* ferry-window-dnd.c — drag VMs onto a host to migrate them
 *
 * A VM row is a drag source; its content is a GListModel of the dragged
 * VMs (the whole selection when the row is part of it). On drag begin the
 * window's FerryDropState checks them against every host, so each sidebar
 * row shows whether a drop is allowed; over a host the status line says
 * what a drop will do, or why it is refused. Drop targets: sidebar rows
 * and the host header of the host page.
 *
 * The keyboard twin is win.migrate (Ctrl+M): the same dialog, choosing
 * the destination in it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "ferry-migrate-dialog.h"
#include "ferry-node-row.h"
#include "ferry-window-private.h"

static void
set_status (FerryWindow *self,
            const char  *text)
{
  gtk_label_set_text (self->drop_status_label, text != NULL ? text : "");
  gtk_revealer_set_reveal_child (self->drop_status_revealer, text != NULL);
}

/* ---------------------------------------------------------------------- */
/* Source: a VM row                                                        */

static GtkListItem *
item_of (GtkWidget *widget)
{
  for (; widget != NULL; widget = gtk_widget_get_parent (widget))
    {
      GtkListItem *item = g_object_get_data (G_OBJECT (widget), "ferry-list-item");

      if (item != NULL)
        return item;
    }
  return NULL;
}

static GdkContentProvider *
drag_prepare (GtkDragSource *source,
              double         x,
              double         y,
              FerryWindow   *self)
{
  GtkListItem *item = item_of (gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (source)));
  g_autoptr(GListStore) store = g_list_store_new (FERRY_TYPE_VM);
  FerryVm *vm;
  guint position;

  if (item == NULL || (vm = gtk_list_item_get_item (item)) == NULL)
    return NULL;

  /* The selection when the row is part of it, else just this VM. */
  position = gtk_list_item_get_position (item);
  if (position != GTK_INVALID_LIST_POSITION &&
      gtk_selection_model_is_selected (GTK_SELECTION_MODEL (self->vm_selection), position))
    {
      g_autoptr(GPtrArray) vms = _ferry_window_get_target_vms (self);

      for (guint i = 0; i < vms->len; i++)
        g_list_store_append (store, g_ptr_array_index (vms, i));
    }
  else
    g_list_store_append (store, vm);

  return gdk_content_provider_new_typed (G_TYPE_LIST_MODEL, store);
}

static void
drag_begin (GtkDragSource *source,
            GdkDrag       *drag,
            FerryWindow   *self)
{
  GdkContentProvider *content = gdk_drag_get_content (drag);
  g_auto(GValue) value = G_VALUE_INIT;
  g_autoptr(GPtrArray) vms = g_ptr_array_new_with_free_func (g_object_unref);
  GListModel *model;
  g_autofree char *label = NULL;
  GtkWidget *icon;

  g_value_init (&value, G_TYPE_LIST_MODEL);
  if (!gdk_content_provider_get_value (content, &value, NULL))
    return;
  model = g_value_get_object (&value);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    g_ptr_array_add (vms, g_list_model_get_item (model, i));
  if (vms->len == 0)
    return;

  ferry_drop_state_begin (self->drop_state, vms, ferry_inventory_get_nodes (self->inventory));

  /* The drag icon names what moves. */
  label = vms->len == 1 ? g_strdup (ferry_vm_get_name (g_ptr_array_index (vms, 0)))
                        : g_strdup_printf (ngettext ("%u virtual machine", "%u virtual machines", vms->len),
                                           vms->len);
  icon = gtk_label_new (label);
  gtk_widget_add_css_class (icon, "ferry-drag-icon");
  gtk_drag_icon_set_child (GTK_DRAG_ICON (gtk_drag_icon_get_for_drag (drag)), icon);
  set_status (self, _("Drop on a host to migrate"));
}

static void
drag_end (GtkDragSource *source,
          GdkDrag       *drag,
          gboolean       delete_data,
          FerryWindow   *self)
{
  ferry_drop_state_end (self->drop_state);
  set_status (self, NULL);
}

void
_ferry_window_dnd_add_source (FerryWindow *self,
                              GtkWidget   *widget)
{
  GtkDragSource *source = gtk_drag_source_new ();

  gtk_drag_source_set_actions (source, GDK_ACTION_MOVE);
  g_signal_connect (source, "prepare", G_CALLBACK (drag_prepare), self);
  g_signal_connect (source, "drag-begin", G_CALLBACK (drag_begin), self);
  g_signal_connect (source, "drag-end", G_CALLBACK (drag_end), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (source));
}

/* ---------------------------------------------------------------------- */
/* Targets: hosts                                                          */

static FerryNode *
target_node (GtkDropTarget *target,
             FerryWindow   *self)
{
  GtkWidget *widget = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (target));

  if (FERRY_IS_NODE_ROW (widget))
    {
      GObject *item = ferry_node_row_get_item (FERRY_NODE_ROW (widget));

      return FERRY_IS_NODE (item) ? FERRY_NODE (item) : NULL;
    }
  /* The host page's header: the host shown. */
  return self->watched_node;
}

static GdkDragAction
drop_motion (GtkDropTarget *target,
             double         x,
             double         y,
             FerryWindow   *self)
{
  FerryNode *node = target_node (target, self);
  g_autofree char *text = NULL;

  if (node == NULL || !ferry_drop_state_is_active (self->drop_state))
    return 0;
  text = ferry_drop_state_describe (self->drop_state, node);
  set_status (self, text);
  return ferry_drop_state_lookup (self->drop_state, node, NULL) == FERRY_DROP_REFUSED ? 0 : GDK_ACTION_MOVE;
}

static void
drop_leave (GtkDropTarget *target,
            FerryWindow   *self)
{
  if (ferry_drop_state_is_active (self->drop_state))
    set_status (self, _("Drop on a host to migrate"));
}

void
_ferry_window_migrate (FerryWindow *self,
                       GPtrArray   *vms,
                       FerryNode   *destination,
                       gboolean     confirmed)
{
  FerryMigrateDialog *dialog;

  /* Straight away when the preferences say so and nothing needs a choice. */
  if (confirmed && destination != NULL)
    {
      for (guint i = 0; i < vms->len; i++)
        {
          FerryVm *vm = g_ptr_array_index (vms, i);
          g_autoptr(FerryMigrationOptions) options =
            ferry_session_dup_migration_defaults (self->session, TRUE);
          g_autoptr(GError) error = NULL;

          if (!ferry_session_migrate (self->session, vm, destination, options, &error))
            ferry_window_show_message (self, error->message);
        }
      return;
    }

  dialog = ferry_migrate_dialog_new (self->session, self->settings,
                                     GTK_WINDOW (self), vms, destination);
  gtk_window_present (GTK_WINDOW (dialog));
}

static gboolean
drop_drop (GtkDropTarget *target,
           const GValue  *value,
           double         x,
           double         y,
           FerryWindow   *self)
{
  FerryNode *node = target_node (target, self);
  GListModel *model = g_value_get_object (value);
  g_autoptr(GPtrArray) vms = g_ptr_array_new_with_free_func (g_object_unref);
  GSettings *settings = self->settings;
  gboolean ask;

  if (node == NULL || model == NULL)
    return FALSE;
  if (ferry_drop_state_lookup (self->drop_state, node, NULL) == FERRY_DROP_REFUSED)
    return FALSE;
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    g_ptr_array_add (vms, g_list_model_get_item (model, i));
  if (vms->len == 0)
    return FALSE;

  /* "Don't ask again" covers plain live migrations only: a disk copy, an
   * offline move or a check still running opens the dialog anyway. */
  ask = settings == NULL || g_settings_get_boolean (settings, "confirm-live-migration") ||
        !ferry_drop_state_is_plain (self->drop_state, node);
  _ferry_window_migrate (self, vms, node, !ask);
  return TRUE;
}

void
_ferry_window_dnd_add_target (FerryWindow *self,
                              GtkWidget   *widget)
{
  GtkDropTarget *target = gtk_drop_target_new (G_TYPE_LIST_MODEL, GDK_ACTION_MOVE);

  g_signal_connect (target, "enter", G_CALLBACK (drop_motion), self);
  g_signal_connect (target, "motion", G_CALLBACK (drop_motion), self);
  g_signal_connect (target, "leave", G_CALLBACK (drop_leave), self);
  g_signal_connect (target, "drop", G_CALLBACK (drop_drop), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (target));
}

const char *
ferry_window_get_drop_status (FerryWindow *self)
{
  g_return_val_if_fail (FERRY_IS_WINDOW (self), NULL);

  if (!gtk_revealer_get_reveal_child (self->drop_status_revealer))
    return NULL;
  return gtk_label_get_text (self->drop_status_label);
}
