/* ferry-add-connection-dialog.c — add a libvirt host, validated as you type
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "ferry-add-connection-dialog.h"

struct _FerryAddConnectionDialog
{
  AdwWindow         parent_instance;

  FerrySession     *session;
  FerryNode        *node;        /* when editing */

  GtkButton        *add_button;
  AdwEntryRow      *uri_row;
  AdwEntryRow      *name_row;
  AdwEntryRow      *migration_row;
  GtkLabel         *error_label;
};

G_DEFINE_FINAL_TYPE (FerryAddConnectionDialog, ferry_add_connection_dialog, ADW_TYPE_WINDOW)

static char *
row_text (AdwEntryRow *row)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
}

static void
mark (AdwEntryRow *row,
      gboolean     bad)
{
  if (bad)
    gtk_widget_add_css_class (GTK_WIDGET (row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
}

/* Returns TRUE when the form can be submitted; shows the first problem. */
static gboolean
validate_cb (FerryAddConnectionDialog *self)
{
  g_autofree char *uri = row_text (self->uri_row);
  g_autofree char *address = row_text (self->migration_row);
  g_autoptr(GError) error = NULL;
  gboolean uri_ok;
  gboolean address_ok;

  uri_ok = *uri != '\0' && ferry_uri_validate (uri, &error);
  /* An empty URI is not an error yet: the user has not typed one. */
  mark (self->uri_row, *uri != '\0' && !uri_ok);
  if (uri_ok)
    {
      address_ok = ferry_migration_address_validate (address, &error);
      mark (self->migration_row, !address_ok);
    }
  else
    {
      address_ok = FALSE;
    }

  gtk_label_set_text (self->error_label, error ? error->message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), error != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->add_button), uri_ok && address_ok);
  return uri_ok && address_ok;
}

static void
add_clicked_cb (FerryAddConnectionDialog *self)
{
  g_autofree char *uri = row_text (self->uri_row);
  g_autofree char *name = row_text (self->name_row);
  g_autofree char *address = row_text (self->migration_row);
  g_autoptr(FerryNodeConfig) config = NULL;
  g_autoptr(GError) error = NULL;

  if (!validate_cb (self))
    return;

  if (self->node != NULL)
    {
      if (!ferry_session_update_connection (self->session, self->node,
                                                *name ? name : ferry_node_get_name (self->node),
                                                *address ? address : NULL, &error))
        {
          gtk_label_set_text (self->error_label, error->message);
          gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
          return;
        }
      gtk_window_close (GTK_WINDOW (self));
      return;
    }

  config = ferry_node_config_new (uri, *name ? name : NULL, *address ? address : NULL);
  if (!ferry_session_add_connection (self->session, config, &error))
    {
      gtk_label_set_text (self->error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      return;
    }
  gtk_window_close (GTK_WINDOW (self));
}

GtkWidget *
ferry_add_connection_dialog_new (FerrySession     *session)
{
  FerryAddConnectionDialog *self = g_object_new (FERRY_TYPE_ADD_CONNECTION_DIALOG, NULL);

  self->session = g_object_ref (session);
  return GTK_WIDGET (self);
}

GtkWidget *
ferry_add_connection_dialog_new_for_node (FerrySession     *session,
                                          FerryNode        *node)
{
  FerryAddConnectionDialog *self = FERRY_ADD_CONNECTION_DIALOG (ferry_add_connection_dialog_new (session));

  self->node = g_object_ref (node);
  gtk_window_set_title (GTK_WINDOW (self), _("Edit Connection"));
  gtk_button_set_label (self->add_button, _("_Save"));
  gtk_editable_set_text (GTK_EDITABLE (self->uri_row), ferry_node_get_uri (node));
  gtk_editable_set_editable (GTK_EDITABLE (self->uri_row), FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), ferry_node_get_name (node));
  if (ferry_node_get_migration_address (node) != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->migration_row), ferry_node_get_migration_address (node));
  validate_cb (self);
  return GTK_WIDGET (self);
}

static void
ferry_add_connection_dialog_dispose (GObject *object)
{
  FerryAddConnectionDialog *self = FERRY_ADD_CONNECTION_DIALOG (object);

  g_clear_object (&self->node);
  gtk_widget_dispose_template (GTK_WIDGET (self), FERRY_TYPE_ADD_CONNECTION_DIALOG);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (ferry_add_connection_dialog_parent_class)->dispose (object);
}

static void
ferry_add_connection_dialog_class_init (FerryAddConnectionDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ferry_add_connection_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/ferryvm/Ferry/ferry-add-connection-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, FerryAddConnectionDialog, add_button);
  gtk_widget_class_bind_template_child (widget_class, FerryAddConnectionDialog, uri_row);
  gtk_widget_class_bind_template_child (widget_class, FerryAddConnectionDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, FerryAddConnectionDialog, migration_row);
  gtk_widget_class_bind_template_child (widget_class, FerryAddConnectionDialog, error_label);
  gtk_widget_class_bind_template_callback (widget_class, validate_cb);
  gtk_widget_class_bind_template_callback (widget_class, add_clicked_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
ferry_add_connection_dialog_init (FerryAddConnectionDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
}
