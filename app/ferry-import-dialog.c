/* ferry-import-dialog.c — import virt-manager's saved connections
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Lists what virt-manager saved, each with a check box: the ones Ferry can
 * add are checked, the ones it already has or refuses are shown unchecked
 * with the reason, so that nothing disappears without a word. Import adds
 * the checked ones through the same path as the Add Connection dialog.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "ferry-import-dialog.h"
#include "ferry-virt-manager-import.h"

struct _FerryImportDialog
{
  AdwWindow             parent_instance;

  FerrySession         *session;
  GPtrArray            *candidates;   /* FerryImportCandidate* */
  GPtrArray            *checks;       /* GtkCheckButton* of the new ones, in candidate order */
  gboolean              installed;    /* virt-manager's schema was found */

  GtkStack             *stack;
  AdwPreferencesGroup  *group;
  AdwStatusPage        *empty_page;
  GtkButton            *cancel_button;
  GtkButton            *import_button;
  GtkLabel             *error_label;
};

G_DEFINE_FINAL_TYPE (FerryImportDialog, ferry_import_dialog, ADW_TYPE_WINDOW)

static void
update_import_button (FerryImportDialog *self)
{
  gboolean any = FALSE;

  for (guint i = 0; i < self->checks->len && !any; i++)
    {
      GtkWidget *check = g_ptr_array_index (self->checks, i);

      any = gtk_widget_get_sensitive (check) && gtk_check_button_get_active (GTK_CHECK_BUTTON (check));
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->import_button), any);
}

static GtkWidget *
candidate_row (FerryImportDialog    *self,
               FerryImportCandidate *candidate)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *check = gtk_check_button_new ();
  g_autofree char *subtitle = NULL;

  /* Names and URIs are user data from another program: plain text. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), candidate->name);
  if (candidate->reason == NULL)
    subtitle = g_strdup (candidate->uri);
  else if (g_str_equal (candidate->name, candidate->uri))
    subtitle = g_strdup (candidate->reason);
  else
    /* Translators: a connection URI, then why it cannot be imported */
    subtitle = g_strdup_printf (_("%s — %s"), candidate->uri, candidate->reason);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  /* The reason is read in full, however long. */
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), candidate->reason ? 0 : 1);

  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (check),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, candidate->name,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, subtitle,
                                  -1);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);

  if (candidate->status == FERRY_IMPORT_STATUS_NEW)
    {
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), TRUE);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      g_signal_connect_object (check, "toggled", G_CALLBACK (update_import_button), self, G_CONNECT_SWAPPED);
      g_object_set_data (G_OBJECT (check), "ferry-candidate", candidate);
      g_ptr_array_add (self->checks, check);
    }
  else
    {
      gtk_widget_set_sensitive (check, FALSE);
      gtk_widget_add_css_class (row, "dim-label");
    }
  return row;
}

static void
fill (FerryImportDialog *self)
{
  g_auto(GStrv) uris = NULL;
  g_autoptr(GPtrArray) existing = g_ptr_array_new_with_free_func (g_free);
  GListModel *nodes = ferry_inventory_get_nodes (ferry_session_get_inventory (self->session));

  for (guint i = 0; i < g_list_model_get_n_items (nodes); i++)
    {
      g_autoptr(FerryNode) node = g_list_model_get_item (nodes, i);

      g_ptr_array_add (existing, g_strdup (ferry_node_get_uri (node)));
    }
  g_ptr_array_add (existing, NULL);

  self->installed = ferry_virt_manager_read_uris (NULL, &uris);
  self->candidates = ferry_virt_manager_import_candidates ((const char * const *) uris,
                                                          (const char * const *) existing->pdata);

  for (guint i = 0; i < self->candidates->len; i++)
    adw_preferences_group_add (self->group, candidate_row (self, g_ptr_array_index (self->candidates, i)));

  if (self->candidates->len == 0)
    {
      adw_status_page_set_description (self->empty_page,
                                       self->installed
                                       ? _("virt-manager has no saved connections.")
                                       : _("virt-manager is not installed here, or its settings cannot be read."));
      gtk_stack_set_visible_child_name (self->stack, "empty");
      gtk_widget_set_visible (GTK_WIDGET (self->import_button), FALSE);
      gtk_button_set_label (self->cancel_button, _("_Close"));
    }
  else if (self->checks->len == 0)
    {
      adw_preferences_group_set_description (self->group,
                                             _("Ferry already has every connection it can use from virt-manager."));
    }
  update_import_button (self);
}

static void
import_clicked_cb (FerryImportDialog *self)
{
  g_autoptr(GString) failures = g_string_new (NULL);
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));
  guint n_added = 0;

  for (guint i = 0; i < self->checks->len; i++)
    {
      GtkWidget *check = g_ptr_array_index (self->checks, i);
      FerryImportCandidate *candidate = g_object_get_data (G_OBJECT (check), "ferry-candidate");
      g_autoptr(FerryNodeConfig) config = NULL;
      g_autoptr(GError) error = NULL;

      if (!gtk_widget_get_sensitive (check) || !gtk_check_button_get_active (GTK_CHECK_BUTTON (check)))
        continue;
      config = ferry_node_config_new (candidate->uri, NULL, NULL);
      if (!ferry_session_add_connection (self->session, config, &error))
        {
          g_string_append_printf (failures, "%s%s: %s", failures->len ? "\n" : "",
                                  candidate->uri, error->message);
          continue;
        }
      /* Added: it cannot be imported twice. */
      n_added++;
      gtk_widget_set_sensitive (check, FALSE);
    }

  if (n_added > 0)
    {
      g_autofree char *message = g_strdup_printf (ngettext ("Imported %u connection from virt-manager",
                                                            "Imported %u connections from virt-manager",
                                                            n_added),
                                                  n_added);
      gtk_widget_activate_action (GTK_WIDGET (parent), "win.show-message", "s", message);
    }

  if (failures->len > 0)
    {
      gtk_label_set_text (self->error_label, failures->str);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      update_import_button (self);
      return;
    }
  gtk_window_close (GTK_WINDOW (self));
}

GtkWidget *
ferry_import_dialog_new (FerrySession     *session)
{
  FerryImportDialog *self;

  g_return_val_if_fail (FERRY_IS_SESSION (session), NULL);

  self = g_object_new (FERRY_TYPE_IMPORT_DIALOG, NULL);
  self->session = g_object_ref (session);
  fill (self);
  return GTK_WIDGET (self);
}

GtkWidget *
ferry_import_dialog_present (FerrySession     *session,
                             GtkWindow        *parent,
                             gboolean          only_if_new)
{
  GtkWidget *dialog = ferry_import_dialog_new (session);

  if (only_if_new && ferry_import_dialog_get_n_new (FERRY_IMPORT_DIALOG (dialog)) == 0)
    {
      gtk_window_destroy (GTK_WINDOW (dialog));
      return NULL;
    }
  gtk_window_set_transient_for (GTK_WINDOW (dialog), parent);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

guint
ferry_import_dialog_get_n_new (FerryImportDialog *self)
{
  g_return_val_if_fail (FERRY_IS_IMPORT_DIALOG (self), 0);
  return self->checks->len;
}

static void
ferry_import_dialog_dispose (GObject *object)
{
  FerryImportDialog *self = FERRY_IMPORT_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), FERRY_TYPE_IMPORT_DIALOG);
  g_clear_pointer (&self->checks, g_ptr_array_unref);
  g_clear_pointer (&self->candidates, g_ptr_array_unref);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (ferry_import_dialog_parent_class)->dispose (object);
}

static void
ferry_import_dialog_class_init (FerryImportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ferry_import_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/ferryvm/Ferry/ferry-import-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, FerryImportDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, FerryImportDialog, group);
  gtk_widget_class_bind_template_child (widget_class, FerryImportDialog, empty_page);
  gtk_widget_class_bind_template_child (widget_class, FerryImportDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, FerryImportDialog, import_button);
  gtk_widget_class_bind_template_child (widget_class, FerryImportDialog, error_label);
  gtk_widget_class_bind_template_callback (widget_class, import_clicked_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
ferry_import_dialog_init (FerryImportDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->checks = g_ptr_array_new ();
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
}
