/* test-credentials-dialog.c — Ferry's password dialog in the real
 * application, under Xvfb
 *
 * A libvirtd that wants a password (tests/integration/sasl-node.sh, root)
 * and a Secret Service on a private bus: the dialog appears when the app
 * connects, is filled like a user would, and the node connects; the
 * password lands in the keyring. The other kinds of questions (a saved
 * password refused, ssh's passphrase, an unknown host key) are shown too,
 * for the screenshots in $FERRY_BUILD_DIR/tests/output/.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "ferry-application.h"
#include "ferry-credentials-dialog.h"
#include "ferry-credentials-private.h"
#include "ferry-credentials-test-util.h"
#include "ferry-test-util.h"
#include "ferry-ui-test-util.h"
#include "ferry-window.h"

static char    *tmpdir;
static char    *node_dir;
static gboolean have_node;
static gboolean have_keyring;
static char    *why_no_node;
static char    *why_no_keyring;

static FerryCredentialsDialog *
find_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (FERRY_IS_CREDENTIALS_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return FERRY_CREDENTIALS_DIALOG (window);
    }
  return NULL;
}

static gboolean
dialog_shown (gpointer data)
{
  return find_dialog () != NULL;
}

static gboolean
no_dialog (gpointer data)
{
  return find_dialog () == NULL;
}

static void
collect (GtkWidget *widget,
         GType      type,
         GPtrArray *found)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      if (G_OBJECT_TYPE (child) == type)
        g_ptr_array_add (found, child);
      collect (child, type, found);
    }
}

static GtkWidget *
find_one (GtkWidget *widget,
          GType      type)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new ();

  collect (widget, type, found);
  g_assert_cmpuint (found->len, ==, 1);
  return g_ptr_array_index (found, 0);
}

static void
spawned (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  int *status = user_data;

  *status = g_subprocess_wait_check_finish (G_SUBPROCESS (object), result, NULL) ? 0 : 1;
}

static gboolean
status_known (gpointer data)
{
  return *(int *) data >= 0;
}

/* Real X events through xdotool, while the main loop runs (the app must
 * answer them). FALSE when xdotool is not there. */
static gboolean
xdotool (const char *command,
         const char *arg1,
         const char *arg2,
         const char *arg3)
{
  g_autofree char *path = g_find_program_in_path ("xdotool");
  g_autoptr(GSubprocess) process = NULL;
  int status = -1;

  if (path == NULL)
    return FALSE;
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, NULL, path, command, arg1, arg2, arg3, NULL);
  g_assert_nonnull (process);
  g_subprocess_wait_check_async (process, NULL, spawned, &status);
  g_assert_true (ferry_test_wait_until (status_known, &status, 20000));
  ferry_ui_test_settle (100);
  return status == 0;
}

/* ---------------------------------------------------------------------- */

typedef struct
{
  const char *uri;
} KeyringJob;

static gpointer
lookup_thread (gpointer data)
{
  KeyringJob *job = data;
  g_autofree char *user = NULL;
  g_autofree char *password = NULL;
  g_autoptr(GError) error = NULL;

  if (!ferry_credentials_lookup_saved_sync (job->uri, &user, &password, NULL, &error))
    return NULL;
  g_assert_cmpstr (user, ==, FERRY_TEST_SASL_USER);
  return g_steal_pointer (&password);
}

static gpointer
forget_thread (gpointer data)
{
  KeyringJob *job = data;

  ferry_credentials_forget_saved_sync (job->uri, NULL, NULL);
  return NULL;
}

static void
check_login (FerryApplication *app,
             FerryWindow      *window)
{
  g_autofree char *uri = ferry_test_sasl_node_uri ();
  FerryInventory *inventory = ferry_session_get_inventory (ferry_application_get_session (app));
  FerryNode *node = ferry_inventory_find_node_by_uri (inventory, uri);
  FerryCredentialsDialog *dialog;
  FerryCredentialRequest *request;
  GtkWidget *password_row;
  GtkWidget *user_row;
  GtkWidget *remember;
  KeyringJob job = { uri };
  g_autofree char *saved = NULL;
  const char *body;

  g_assert_nonnull (node);

  /* The node asks; the dialog is up, the main window still draws. */
  g_assert_true (ferry_test_wait_until (dialog_shown, NULL, 20000));
  dialog = find_dialog ();
  request = ferry_credentials_dialog_get_request (dialog);
  g_assert_cmpint (ferry_credential_request_get_kind (request), ==, FERRY_CREDENTIAL_REQUEST_LOGIN);
  g_assert_cmpint (ferry_node_get_state (node), ==, FERRY_NODE_STATE_CONNECTING);
  body = adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog));
  g_assert_nonnull (strstr (body, ferry_node_get_name (node)));
  g_assert_nonnull (strstr (body, "user name and a password"));

  user_row = find_one (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW);
  password_row = find_one (GTK_WIDGET (dialog), ADW_TYPE_PASSWORD_ENTRY_ROW);
  remember = find_one (GTK_WIDGET (dialog), GTK_TYPE_CHECK_BUTTON);
  g_assert_true (gtk_widget_get_visible (remember));
  g_assert_false (gtk_check_button_get_active (GTK_CHECK_BUTTON (remember)));
  /* The empty field has the focus: type and press Enter. */
  g_assert_true (gtk_window_get_focus (GTK_WINDOW (dialog)) == user_row ||
                 gtk_widget_is_ancestor (gtk_window_get_focus (GTK_WINDOW (dialog)), user_row));

  /* Typed on the (virtual) keyboard, as a person would: the user name,
   * Enter to the password, the password, Enter to connect. */
  gtk_check_button_set_active (GTK_CHECK_BUTTON (remember), TRUE);
  ferry_ui_test_settle (300);
  if (!xdotool ("type", "--delay", "20", FERRY_TEST_SASL_USER) || !xdotool ("key", "Return", NULL, NULL))
    {
      g_test_message ("no xdotool: filling the fields directly");
      gtk_editable_set_text (GTK_EDITABLE (user_row), FERRY_TEST_SASL_USER);
      gtk_widget_grab_focus (password_row);
    }
  if (!xdotool ("type", "--delay", "20", FERRY_TEST_SASL_PASSWORD))
    gtk_editable_set_text (GTK_EDITABLE (password_row), FERRY_TEST_SASL_PASSWORD);
  ferry_ui_test_settle (300);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (user_row)), ==, FERRY_TEST_SASL_USER);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (password_row)), ==, FERRY_TEST_SASL_PASSWORD);
  ferry_ui_test_screenshot (GTK_WIDGET (dialog), "credentials-login.png");
  if (!xdotool ("key", "Return", NULL, NULL))
    g_signal_emit_by_name (password_row, "entry-activated");

  g_assert_true (ferry_test_wait_until (no_dialog, NULL, 5000));
  g_assert_true (ferry_test_wait_node_state (node, FERRY_NODE_STATE_CONNECTED, 20000));
  ferry_ui_test_settle (500);
  ferry_ui_test_screenshot (GTK_WIDGET (window), "credentials-connected.png");

  /* "Remember" put it in the keyring. */
  if (have_keyring)
    {
      saved = ferry_test_run_in_thread (lookup_thread, &job);
      g_assert_cmpstr (saved, ==, FERRY_TEST_SASL_PASSWORD);
      ferry_test_run_in_thread (forget_thread, &job);
    }
  ferry_credentials_forget_session (uri);
}

static void
test_login (void)
{
  g_autofree char *uri = ferry_test_sasl_node_uri ();
  const char *args[] = { "--connect", uri, NULL };

  if (!have_node)
    {
      if (g_strcmp0 (g_getenv ("FERRY_REQUIRE_CLUSTER"), "1") == 0)
        g_error ("%s", why_no_node);
      g_test_skip (why_no_node);
      return;
    }
  if (!have_keyring && g_strcmp0 (g_getenv ("FERRY_REQUIRE_CLUSTER"), "1") == 0)
    g_error ("%s", why_no_keyring);
  ferry_ui_test_run_app (args, check_login);
}

/* ---------------------------------------------------------------------- */
/* The other questions, for the eye                                        */

static void
done (FerryCredentialRequest *request,
      FerryCredentialOutcome  outcome,
      gpointer                data)
{
  *(FerryCredentialOutcome *) data = outcome;
}

static gboolean
outcome_known (gpointer data)
{
  return *(FerryCredentialOutcome *) data != FERRY_CREDENTIAL_OUTCOME_PENDING;
}

/* Asks @request through the application's handler, screenshots the dialog,
 * answers with @response; returns the outcome. */
static FerryCredentialOutcome
show (FerryCredentialRequest *request,
      const char             *screenshot,
      const char             *response)
{
  FerryCredentialOutcome outcome = FERRY_CREDENTIAL_OUTCOME_PENDING;
  FerryCredentialsDialog *dialog;

  _ferry_credentials_ask_async (request, NULL, done, &outcome);
  g_assert_true (ferry_test_wait_until (dialog_shown, NULL, 5000));
  dialog = find_dialog ();
  g_assert_true (ferry_credentials_dialog_get_request (dialog) == request);
  ferry_ui_test_settle (300);
  ferry_ui_test_screenshot (GTK_WIDGET (dialog), screenshot);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), response);
  g_assert_true (ferry_test_wait_until (outcome_known, &outcome, 5000));
  g_assert_true (ferry_test_wait_until (no_dialog, NULL, 5000));
  return outcome;
}

static void
check_kinds (FerryApplication *app,
             FerryWindow      *window)
{
  g_autoptr(FerryCredentialRequest) refused = NULL;
  g_autoptr(FerryCredentialRequest) passphrase = NULL;
  g_autoptr(FerryCredentialRequest) host_key = NULL;
  g_autoptr(FerryCredentialRequest) withdrawn = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  FerryCredentialOutcome outcome = FERRY_CREDENTIAL_OUTCOME_PENDING;
  g_autofree char *value = NULL;

  refused = _ferry_credential_request_new (FERRY_CREDENTIAL_REQUEST_LOGIN,
                                           "qemu+tcp://kvm-2.example.com/system", "kvm-2",
                                           "The password saved in the keyring for “admin” was not "
                                           "accepted. Type it again.", NULL);
  _ferry_credential_request_add_field (refused, FERRY_CREDENTIAL_FIELD_USERNAME, NULL, "admin");
  _ferry_credential_request_add_field (refused, FERRY_CREDENTIAL_FIELD_PASSWORD, NULL, NULL);
  _ferry_credential_request_set_remember_options (refused, TRUE, TRUE, TRUE);
  g_assert_cmpint (show (refused, "credentials-replace.png", "cancel"), ==,
                   FERRY_CREDENTIAL_OUTCOME_CANCELLED);

  passphrase = _ferry_credential_request_new (FERRY_CREDENTIAL_REQUEST_SSH_SECRET,
                                              "ssh://root@kvm-3.example.com", "root@kvm-3.example.com",
                                              NULL, "Enter passphrase for key '/home/ops/.ssh/id_ed25519': ");
  _ferry_credential_request_add_field (passphrase, FERRY_CREDENTIAL_FIELD_SECRET,
                                       "Enter passphrase for key '/home/ops/.ssh/id_ed25519': ", NULL);
  {
    FerryCredentialsDialog *dialog;
    FerryCredentialOutcome result = FERRY_CREDENTIAL_OUTCOME_PENDING;

    _ferry_credentials_ask_async (passphrase, NULL, done, &result);
    g_assert_true (ferry_test_wait_until (dialog_shown, NULL, 5000));
    dialog = find_dialog ();
    gtk_editable_set_text (GTK_EDITABLE (find_one (GTK_WIDGET (dialog), ADW_TYPE_PASSWORD_ENTRY_ROW)),
                           "secret words");
    ferry_ui_test_settle (300);
    ferry_ui_test_screenshot (GTK_WIDGET (dialog), "credentials-ssh-passphrase.png");
    adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "connect");
    g_assert_true (ferry_test_wait_until (outcome_known, &result, 5000));
    g_assert_cmpint (result, ==, FERRY_CREDENTIAL_OUTCOME_REPLIED);
    value = _ferry_credential_request_dup_field_value (passphrase, 0);
    g_assert_cmpstr (value, ==, "secret words");
    g_assert_true (ferry_test_wait_until (no_dialog, NULL, 5000));
  }

  host_key = _ferry_credential_request_new (FERRY_CREDENTIAL_REQUEST_SSH_HOST_KEY,
                                            "ssh://root@kvm-4.example.com", "root@kvm-4.example.com", NULL,
                                            "The authenticity of host 'kvm-4.example.com (192.0.2.14)' "
                                            "can't be established.\n"
                                            "ED25519 key fingerprint is "
                                            "SHA256:bxxNpQTGdirEzMuk1TtrfiFSPc2wgOP2J0uzvMSw2Bw.\n"
                                            "This key is not known by any other names.\n"
                                            "Are you sure you want to continue connecting "
                                            "(yes/no/[fingerprint])? ");
  g_assert_cmpstr (ferry_credential_request_get_fingerprint (host_key), ==,
                   "ED25519 SHA256:bxxNpQTGdirEzMuk1TtrfiFSPc2wgOP2J0uzvMSw2Bw");
  g_assert_cmpint (show (host_key, "credentials-host-key.png", "connect"), ==,
                   FERRY_CREDENTIAL_OUTCOME_REPLIED);

  /* A question the core takes back closes its dialog by itself. */
  withdrawn = _ferry_credential_request_new (FERRY_CREDENTIAL_REQUEST_LOGIN, "qemu+tcp://kvm-5/system",
                                             "kvm-5", NULL, NULL);
  _ferry_credential_request_add_field (withdrawn, FERRY_CREDENTIAL_FIELD_PASSWORD, NULL, NULL);
  _ferry_credentials_ask_async (withdrawn, cancellable, done, &outcome);
  g_assert_true (ferry_test_wait_until (dialog_shown, NULL, 5000));
  g_cancellable_cancel (cancellable);
  g_assert_true (ferry_test_wait_until (outcome_known, &outcome, 5000));
  g_assert_cmpint (outcome, ==, FERRY_CREDENTIAL_OUTCOME_WITHDRAWN);
  g_assert_true (ferry_test_wait_until (no_dialog, NULL, 5000));
}

static void
test_kinds (void)
{
  const char *args[] = { "--connect", "test:///default", NULL };

  ferry_ui_test_run_app (args, check_kinds);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *runtime = NULL;
  int ret;

  ferry_test_require_programs ("xdotool", "saslpasswd2", "dbus-daemon", "gnome-keyring-daemon", NULL);
  /* Before anything talks to D-Bus or starts a thread. */
  tmpdir = g_dir_make_tmp ("ferry-ui-credentials-XXXXXX", NULL);
  runtime = g_build_filename (tmpdir, "run", NULL);
  g_mkdir_with_parents (runtime, 0700);
  g_setenv ("XDG_RUNTIME_DIR", runtime, TRUE);
  have_keyring = ferry_test_start_private_keyring (tmpdir, &why_no_keyring);

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  node_dir = g_strdup_printf ("%s/ferry-sasl-node-%d", g_get_tmp_dir (), FERRY_TEST_SASL_PORT);
  have_node = ferry_test_start_sasl_node (node_dir, &why_no_node);

  g_test_add_func ("/ui/credentials/login", test_login);
  g_test_add_func ("/ui/credentials/kinds", test_kinds);
  ret = g_test_run ();

  /* Its directory stays: the QEMU capabilities libvirtd probed (seconds)
   * are cached there for the next run. */
  if (have_node)
    ferry_test_stop_sasl_node (node_dir);
  ferry_test_stop_private_keyring ();
  ferry_test_remove_tree (tmpdir);
  g_free (node_dir);
  g_free (why_no_node);
  g_free (why_no_keyring);
  g_free (tmpdir);
  return ret;
}
