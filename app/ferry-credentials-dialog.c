/* ferry-credentials-dialog.c — a password, a user name, an unknown ssh host
 * key: Ferry's answer to libvirt's and ssh's questions
 *
 * The core hands each question (a FerryCredentialRequest) to the main
 * thread; the worker that asked keeps waiting while the main loop runs on.
 * Questions are shown one at a time: several hosts may ask at once (all
 * saved connections start together), and stacked dialogs would hide which
 * host asks what.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "ferry-credentials-dialog.h"

struct _FerryCredentialsDialog
{
  AdwMessageDialog        parent_instance;

  FerryCredentialRequest *request;
  GPtrArray              *rows;           /* GtkEditable per field */

  GtkLabel               *message_label;
  GtkLabel               *fingerprint_label;
  GtkListBox             *fields_box;
  GtkCheckButton         *remember_check;
};

G_DEFINE_FINAL_TYPE (FerryCredentialsDialog, ferry_credentials_dialog, ADW_TYPE_MESSAGE_DIALOG)

/* ssh's prompts end in ": " and sometimes a newline. */
static char *
trim_prompt (const char *prompt)
{
  char *text = g_strstrip (g_strdup (prompt ? prompt : ""));
  gsize len = strlen (text);

  if (len > 0 && text[len - 1] == ':')
    text[len - 1] = '\0';
  return g_strstrip (text);
}

static void
clear_rows (FerryCredentialsDialog *self)
{
  /* What was typed does not stay in the widgets. */
  for (guint i = 0; i < self->rows->len; i++)
    gtk_editable_set_text (g_ptr_array_index (self->rows, i), "");
}

static void
response_cb (FerryCredentialsDialog *self,
             const char             *response)
{
  FerryCredentialRequest *request = self->request;

  /* The dialog closes next: no entry row may keep the focus while it is
   * destroyed (libadwaita 1.2's AdwEntryRow then casts its disposed text
   * field, a critical). */
  gtk_window_set_focus (GTK_WINDOW (self), NULL);

  if (request == NULL || ferry_credential_request_get_finished (request))
    return;

  if (g_strcmp0 (response, "connect") == 0)
    {
      for (guint i = 0; i < self->rows->len; i++)
        ferry_credential_request_set_field_value (request, i,
                                                  gtk_editable_get_text (g_ptr_array_index (self->rows, i)));
      ferry_credential_request_set_remember (request,
                                             gtk_check_button_get_active (self->remember_check));
      ferry_credential_request_reply (request);
    }
  else
    ferry_credential_request_cancel (request);
  clear_rows (self);
}

static void
request_finished_cb (FerryCredentialsDialog *self)
{
  /* Withdrawn by the core (the node was disconnected meanwhile), or
   * answered here: either way, nothing left to ask. */
  if (gtk_widget_get_visible (GTK_WIDGET (self)))
    {
      gtk_window_set_focus (GTK_WINDOW (self), NULL);
      gtk_window_close (GTK_WINDOW (self));
    }
}

static void
row_activated_cb (GtkWidget              *row,
                  FerryCredentialsDialog *self)
{
  guint index;

  /* Enter moves to the next field, and on the last one connects. */
  if (g_ptr_array_find (self->rows, row, &index) && index + 1 < self->rows->len)
    {
      gtk_widget_grab_focus (g_ptr_array_index (self->rows, index + 1));
      return;
    }
  /* As a click on the default button does: respond, then close. */
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (self),
                               adw_message_dialog_get_default_response (ADW_MESSAGE_DIALOG (self)));
  gtk_window_close (GTK_WINDOW (self));
}

static GtkWidget *
add_row (FerryCredentialsDialog   *self,
         FerryCredentialFieldKind  kind,
         const char               *title,
         const char               *value)
{
  GtkWidget *row;

  if (kind == FERRY_CREDENTIAL_FIELD_PASSWORD || kind == FERRY_CREDENTIAL_FIELD_SECRET)
    row = adw_password_entry_row_new ();
  else
    row = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  /* Titles come from libvirt or ssh: plain text. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  if (value != NULL)
    gtk_editable_set_text (GTK_EDITABLE (row), value);
  g_signal_connect (row, "entry-activated", G_CALLBACK (row_activated_cb), self);
  gtk_list_box_append (self->fields_box, row);
  g_ptr_array_add (self->rows, row);
  return row;
}

static const char *
field_title (FerryCredentialRequest *request,
             guint                   index,
             char                  **owned)
{
  const char *prompt = ferry_credential_request_get_field_prompt (request, index);

  switch (ferry_credential_request_get_field_kind (request, index))
    {
    case FERRY_CREDENTIAL_FIELD_USERNAME:
      return _("User Name");
    case FERRY_CREDENTIAL_FIELD_PASSWORD:
      return _("Password");
    case FERRY_CREDENTIAL_FIELD_SECRET:
      if (ferry_credential_request_get_kind (request) == FERRY_CREDENTIAL_REQUEST_SSH_SECRET)
        {
          /* The whole question is in the body; the row needs a name. */
          if (prompt != NULL && strstr (prompt, "passphrase") != NULL)
            return _("Passphrase");
          return _("Answer");
        }
      G_GNUC_FALLTHROUGH;
    case FERRY_CREDENTIAL_FIELD_TEXT:
    default:
      if (prompt == NULL || prompt[0] == '\0')
        return _("Answer");
      *owned = trim_prompt (prompt);
      return *owned;
    }
}

static void
setup_login (FerryCredentialsDialog *self)
{
  FerryCredentialRequest *request = self->request;
  const char *host = ferry_credential_request_get_host (request);
  guint n = ferry_credential_request_get_n_fields (request);
  gboolean has_name = FALSE, has_password = FALSE, has_other = FALSE;
  g_autofree char *body = NULL;

  for (guint i = 0; i < n; i++)
    {
      switch (ferry_credential_request_get_field_kind (request, i))
        {
        case FERRY_CREDENTIAL_FIELD_USERNAME:
          has_name = TRUE;
          break;
        case FERRY_CREDENTIAL_FIELD_PASSWORD:
          has_password = TRUE;
          break;
        case FERRY_CREDENTIAL_FIELD_TEXT:
        case FERRY_CREDENTIAL_FIELD_SECRET:
        default:
          has_other = TRUE;
          break;
        }
    }
  if (has_other)
    body = g_strdup_printf (_("%s asks:"), host);
  else if (has_name && has_password)
    body = g_strdup_printf (_("%s asks for a user name and a password."), host);
  else if (has_password)
    body = g_strdup_printf (_("%s asks for a password."), host);
  else
    body = g_strdup_printf (_("%s asks for a user name."), host);
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (self), body);

  if (ferry_credential_request_get_can_remember (request))
    {
      gtk_widget_set_visible (GTK_WIDGET (self->remember_check), TRUE);
      if (ferry_credential_request_get_replaces_saved (request))
        gtk_check_button_set_label (self->remember_check,
                                    _("_Replace the saved password in the keyring"));
      gtk_check_button_set_active (self->remember_check,
                                   ferry_credential_request_get_remember (request));
    }
}

static void
setup_ssh_secret (FerryCredentialsDialog *self)
{
  FerryCredentialRequest *request = self->request;
  g_autofree char *prompt = trim_prompt (ferry_credential_request_get_prompt (request));
  g_autofree char *body = NULL;

  if (ferry_credential_request_get_n_fields (request) > 0 &&
      ferry_credential_request_get_field_kind (request, 0) == FERRY_CREDENTIAL_FIELD_PASSWORD)
    /* Translators: %s is an ssh destination, such as root@host.example.com. */
    body = g_strdup_printf (_("The ssh connection to %s asks for a password."),
                            ferry_credential_request_get_host (request));
  else
    /* Translators: the first %s is an ssh destination, the second what ssh
     * asks, in its own words (often in English). */
    body = g_strdup_printf (_("The ssh connection to %s asks:\n%s"),
                            ferry_credential_request_get_host (request), prompt);
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (self), body);
}

static void
setup_host_key (FerryCredentialsDialog *self)
{
  FerryCredentialRequest *request = self->request;
  const char *fingerprint = ferry_credential_request_get_fingerprint (request);
  g_autofree char *body = NULL;

  adw_message_dialog_set_heading (ADW_MESSAGE_DIALOG (self), _("Unknown Host Key"));
  body = g_strdup_printf (_("This computer has never connected to %s through ssh, so it cannot tell "
                            "whether it really is that host. Trust it only if this key fingerprint "
                            "is the one its administrator gives you (“ssh-keygen -lf” on the "
                            "host’s key shows it):"),
                          ferry_credential_request_get_host (request));
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (self), body);
  gtk_label_set_text (self->fingerprint_label,
                      fingerprint ? fingerprint : ferry_credential_request_get_prompt (request));
  gtk_widget_set_visible (GTK_WIDGET (self->fingerprint_label), TRUE);
  adw_message_dialog_set_response_label (ADW_MESSAGE_DIALOG (self), "connect", _("_Trust and Connect"));
  /* Enter does not trust a key by accident. */
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (self), "cancel");
}

static void
setup (FerryCredentialsDialog *self)
{
  FerryCredentialRequest *request = self->request;
  const char *message = ferry_credential_request_get_message (request);
  GtkWidget *focus = NULL;

  if (message != NULL)
    {
      gtk_label_set_text (self->message_label, message);
      gtk_widget_set_visible (GTK_WIDGET (self->message_label), TRUE);
    }

  for (guint i = 0; i < ferry_credential_request_get_n_fields (request); i++)
    {
      g_autofree char *owned = NULL;
      const char *title = field_title (request, i, &owned);
      const char *value = ferry_credential_request_get_field_value (request, i);
      GtkWidget *row = add_row (self, ferry_credential_request_get_field_kind (request, i), title, value);

      if (focus == NULL && (value == NULL || value[0] == '\0'))
        focus = row;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->fields_box), self->rows->len > 0);
  if (focus == NULL && self->rows->len > 0)
    focus = g_ptr_array_index (self->rows, 0);
  if (focus != NULL)
    gtk_window_set_focus (GTK_WINDOW (self), focus);

  switch (ferry_credential_request_get_kind (request))
    {
    case FERRY_CREDENTIAL_REQUEST_SSH_SECRET:
      setup_ssh_secret (self);
      break;
    case FERRY_CREDENTIAL_REQUEST_SSH_HOST_KEY:
      setup_host_key (self);
      break;
    case FERRY_CREDENTIAL_REQUEST_LOGIN:
    default:
      setup_login (self);
      break;
    }
}

GtkWidget *
ferry_credentials_dialog_new (FerryCredentialRequest *request)
{
  FerryCredentialsDialog *self;

  g_return_val_if_fail (FERRY_IS_CREDENTIAL_REQUEST (request), NULL);

  self = g_object_new (FERRY_TYPE_CREDENTIALS_DIALOG, NULL);
  self->request = g_object_ref (request);
  g_signal_connect_object (request, "notify::finished", G_CALLBACK (request_finished_cb),
                           self, G_CONNECT_SWAPPED);
  setup (self);
  return GTK_WIDGET (self);
}

FerryCredentialRequest *
ferry_credentials_dialog_get_request (FerryCredentialsDialog *self)
{
  g_return_val_if_fail (FERRY_IS_CREDENTIALS_DIALOG (self), NULL);
  return self->request;
}

static void
ferry_credentials_dialog_dispose (GObject *object)
{
  FerryCredentialsDialog *self = FERRY_CREDENTIALS_DIALOG (object);

  /* Closed without an answer (the window went away): no. */
  if (self->request != NULL)
    ferry_credential_request_cancel (self->request);
  g_clear_object (&self->request);
  gtk_widget_dispose_template (GTK_WIDGET (self), FERRY_TYPE_CREDENTIALS_DIALOG);

  G_OBJECT_CLASS (ferry_credentials_dialog_parent_class)->dispose (object);
}

static void
ferry_credentials_dialog_finalize (GObject *object)
{
  FerryCredentialsDialog *self = FERRY_CREDENTIALS_DIALOG (object);

  g_ptr_array_unref (self->rows);

  G_OBJECT_CLASS (ferry_credentials_dialog_parent_class)->finalize (object);
}

static void
ferry_credentials_dialog_class_init (FerryCredentialsDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ferry_credentials_dialog_dispose;
  object_class->finalize = ferry_credentials_dialog_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/ferryvm/Ferry/ferry-credentials-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, FerryCredentialsDialog, message_label);
  gtk_widget_class_bind_template_child (widget_class, FerryCredentialsDialog, fingerprint_label);
  gtk_widget_class_bind_template_child (widget_class, FerryCredentialsDialog, fields_box);
  gtk_widget_class_bind_template_child (widget_class, FerryCredentialsDialog, remember_check);
  gtk_widget_class_bind_template_callback (widget_class, response_cb);
}

static void
ferry_credentials_dialog_init (FerryCredentialsDialog *self)
{
  self->rows = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* ---------------------------------------------------------------------- */
/* One question at a time                                                  */

static GtkApplication         *application;   /* weak */
static GQueue                  waiting = G_QUEUE_INIT;
static FerryCredentialsDialog *current;       /* weak */

static void show_next (void);

static gboolean
show_next_idle (gpointer data)
{
  show_next ();
  return G_SOURCE_REMOVE;
}

static void
dialog_gone (gpointer  data,
             GObject  *where_the_object_was)
{
  current = NULL;
  g_idle_add (show_next_idle, NULL);
}

static void
show_next (void)
{
  g_autoptr(FerryCredentialRequest) request = NULL;
  GtkWindow *parent;
  GtkWidget *dialog;

  if (current != NULL)
    return;
  while ((request = g_queue_pop_head (&waiting)) != NULL &&
         ferry_credential_request_get_finished (request))
    g_clear_object (&request);
  if (request == NULL)
    return;

  dialog = ferry_credentials_dialog_new (request);
  parent = application ? gtk_application_get_active_window (application) : NULL;
  if (parent != NULL)
    gtk_window_set_transient_for (GTK_WINDOW (dialog), parent);
  current = FERRY_CREDENTIALS_DIALOG (dialog);
  g_object_weak_ref (G_OBJECT (dialog), dialog_gone, NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
handle_request (FerryCredentialRequest *request,
                gpointer                user_data)
{
  g_queue_push_tail (&waiting, g_object_ref (request));
  show_next ();
}

void
ferry_credentials_dialog_install (GtkApplication *app)
{
  g_return_if_fail (GTK_IS_APPLICATION (app));

  g_set_weak_pointer (&application, app);
  ferry_credentials_set_handler (handle_request, NULL, NULL);
}

void
ferry_credentials_dialog_uninstall (void)
{
  FerryCredentialRequest *request;

  /* Cancels what the core still waits for. */
  ferry_credentials_set_handler (NULL, NULL, NULL);
  while ((request = g_queue_pop_head (&waiting)) != NULL)
    {
      ferry_credential_request_cancel (request);
      g_object_unref (request);
    }
  if (current != NULL)
    {
      g_object_weak_unref (G_OBJECT (current), dialog_gone, NULL);
      gtk_window_destroy (GTK_WINDOW (current));
      current = NULL;
    }
  g_clear_weak_pointer (&application);
}
