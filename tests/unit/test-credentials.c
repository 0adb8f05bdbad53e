/* test-credentials.c — error explanations, and the askpass helper talking
 * to an in-process responder (the requests themselves: test-credential-request.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <glib/gstdio.h>

#include "ferry-credentials-private.h"
#include "ferry-test-util.h"

static char *tmpdir;

/* ---------------------------------------------------------------------- */
/* Errors in plain words                                                   */

static char *
explain (const char *uri,
         const char *message,
         gboolean   *changed)
{
  g_autoptr(GError) error = g_error_new_literal (FERRY_LIBVIRT_ERROR, FERRY_LIBVIRT_ERROR_FAILED, message);

  _ferry_credentials_explain_error (uri, &error);
  *changed = g_error_matches (error, FERRY_LIBVIRT_ERROR, FERRY_LIBVIRT_ERROR_AUTH);
  return g_strdup (error->message);
}

static void
assert_contains (const char *text,
                 const char *part)
{
  if (strstr (text, part) == NULL)
    g_error ("“%s” is not in “%s”", part, text);
}

static void
test_explain (void)
{
  static const char openssh_changed[] =
    "Cannot recv data: @@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n"
    "@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\n"
    "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n"
    "IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!\n"
    "Add correct host key in /home/ops/.ssh/known_hosts to get rid of this message.\n"
    "Offending ED25519 key in /home/ops/.ssh/known_hosts:7\n"
    "  remove with:\n"
    "  ssh-keygen -f \"/home/ops/.ssh/known_hosts\" -R \"kvm1.example.com\"\n"
    "Host key for kvm1.example.com has changed and you have requested strict checking.\n"
    "Host key verification failed.: Connection reset by peer";
  static const struct {
    const char *uri;
    const char *message;
    const char *expected[3];
  } cases[] = {
    { "qemu+ssh://root@kvm1.example.com/system", openssh_changed,
      { "ssh host key of kvm1.example.com has changed", "/home/ops/.ssh/known_hosts:7",
        "ssh-keygen -f \"/home/ops/.ssh/known_hosts\" -R \"kvm1.example.com\"" } },
    { "qemu+libssh://root@10.0.0.5/system",
      "!!! SSH HOST KEY VERIFICATION FAILED !!!: Identity of host '10.0.0.5:22' differs from stored "
      "identity. Please verify the new host key 'SHA256:abc' to avoid possible man in the middle "
      "attack. The key is stored in '/home/ops/.ssh/known_hosts'.",
      { "ssh host key of 10.0.0.5 has changed", "/home/ops/.ssh/known_hosts", "ssh-keygen -R 10.0.0.5" } },
    { "qemu+ssh://root@kvm2/system",
      "Cannot recv data: Host key verification failed.: Connection reset by peer",
      { "ssh host key of kvm2 is not known to this computer and was not accepted", NULL } },
    { "qemu+ssh://root@kvm2/system",
      "Cannot recv data: root@kvm2: Permission denied (publickey,password).: Connection reset by peer",
      { "kvm2 refused the ssh login (it accepts: publickey,password)", NULL } },
    /* What a fresh machine or host lacks: ssh here, the proxy there. */
    { "qemu+ssh://root@kvm2/system",
      "Cannot find 'ssh' in path: No such file or directory",
      { "ssh is not installed on this computer", "openssh-client", NULL } },
    { "qemu+libssh://root@kvm2/system",
      "libssh transport error: Remote command terminated",
      { "kvm2 accepted the ssh login but ran no libvirt proxy", "netcat-openbsd", NULL } },
    { "qemu+ssh://root@kvm2/system?proxy=netcat",
      "End of file while reading data: sh: 1: nc: not found: Input/output error",
      { "kvm2 accepted the ssh login but ran no libvirt proxy", "virt-ssh-helper", NULL } },
    { "qemu+tls://kvm3/system",
      "Cannot read CA certificate '/etc/pki/CA/cacert.pem': No such file or directory",
      { "certificate authority (CA) is missing", "/etc/pki/CA/cacert.pem", NULL } },
    { "qemu+tls://kvm3/system",
      "Cannot read certificate '/etc/pki/libvirt/clientcert.pem': No such file or directory",
      { "client certificate is missing", "/etc/pki/libvirt/clientcert.pem",
        "/etc/pki/libvirt/private/clientkey.pem" } },
    { "qemu+tls://kvm3/system?pkipath=/srv/pki",
      "Cannot read certificate '/srv/pki/clientcert.pem': No such file or directory",
      { "/srv/pki/clientcert.pem", "/srv/pki/clientkey.pem", NULL } },
    { "qemu+tls://kvm3/system",
      "Cannot read private key '/etc/pki/libvirt/private/clientkey.pem': Permission denied",
      { "private key", "/etc/pki/libvirt/private/clientkey.pem", NULL } },
    { "qemu+tls://kvm3/system",
      "The CA certificate /etc/pki/CA/cacert.pem has expired",
      { "the certificate /etc/pki/CA/cacert.pem has expired", NULL } },
    { "qemu+tls://kvm3/system",
      "The client certificate /etc/pki/libvirt/clientcert.pem is not yet active",
      { "/etc/pki/libvirt/clientcert.pem is not valid yet", "clock", NULL } },
    { "qemu+tls://kvm3/system",
      "authentication failed: Failed to verify peer's certificate",
      { "could not verify the TLS certificate of kvm3", NULL } },
    { "qemu+tls://kvm3/system",
      "Client's Distinguished Name is not on the list of allowed clients (tls_allowed_dn_list).",
      { "tls_allowed_dn_list", NULL } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gboolean changed = FALSE;
      g_autofree char *text = explain (cases[i].uri, cases[i].message, &changed);

      g_test_message ("%s", text);
      g_assert_true (changed);
      for (guint j = 0; j < G_N_ELEMENTS (cases[i].expected) && cases[i].expected[j]; j++)
        assert_contains (text, cases[i].expected[j]);
      /* libvirt's own words are gone: the explanation stands alone. */
      g_assert_null (strstr (text, "Connection reset by peer"));
    }

  /* Anything else stays as libvirt said it. */
  {
    gboolean changed = TRUE;
    g_autofree char *text = explain ("qemu+tcp://kvm4/system", "unable to connect to server at "
                                     "'kvm4:16509': Connection refused", &changed);

    g_assert_false (changed);
    g_assert_cmpstr (text, ==, "unable to connect to server at 'kvm4:16509': Connection refused");
  }
}

/* ---------------------------------------------------------------------- */
/* Helpers                                                                 */

static void
settle (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * G_TIME_SPAN_MILLISECOND;

  while (g_get_monotonic_time () < end)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (5000);
    }
}

/* ---------------------------------------------------------------------- */
/* The askpass helper and its server                                       */

typedef enum
{
  ANSWER,
  CANCEL,
  HOLD,
} Mode;

typedef struct
{
  Mode        mode;
  const char *answer;
  GPtrArray  *requests;
} Responder;

static Responder responder;

static void
respond (FerryCredentialRequest *request,
         gpointer                data)
{
  Responder *r = data;

  g_ptr_array_add (r->requests, g_object_ref (request));
  switch (r->mode)
    {
    case ANSWER:
      if (ferry_credential_request_get_n_fields (request) > 0)
        ferry_credential_request_set_field_value (request, 0, r->answer);
      ferry_credential_request_reply (request);
      break;
    case CANCEL:
      ferry_credential_request_cancel (request);
      break;
    case HOLD:
    default:
      break;
    }
}

static void
responder_reset (Mode        mode,
                 const char *answer)
{
  g_ptr_array_set_size (responder.requests, 0);
  responder.mode = mode;
  responder.answer = answer;
}

static char *
askpass_dir (void)
{
  g_autofree char *ssh = _ferry_askpass_dup_ssh_command ();

  g_assert_nonnull (ssh);
  return g_path_get_dirname (ssh);
}

typedef struct
{
  gboolean  done;
  char     *out;
  int       status;
} Run;

static void
communicated (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Run *run = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (object), result, &run->out, NULL, &error);
  g_assert_no_error (error);
  run->status = g_subprocess_get_if_exited (G_SUBPROCESS (object))
                ? g_subprocess_get_exit_status (G_SUBPROCESS (object)) : -1;
  run->done = TRUE;
}

static gboolean
run_done (gpointer data)
{
  return ((Run *) data)->done;
}

/* Runs the helper as ssh would (…/askpass PROMPT), while the main loop
 * serves the socket. */
static GSubprocess *
spawn_askpass (const char  *prompt,
               const char  *prompt_type,
               Run         *run)
{
  g_autofree char *dir = askpass_dir ();
  g_autofree char *askpass = g_build_filename (dir, "askpass", NULL);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  g_subprocess_launcher_setenv (launcher, "FERRY_ASKPASS_DESTINATION", "ops@kvm1.example.com", TRUE);
  g_subprocess_launcher_setenv (launcher, "FERRY_ASKPASS_PORT", "2222", TRUE);
  if (prompt_type != NULL)
    g_subprocess_launcher_setenv (launcher, "SSH_ASKPASS_PROMPT", prompt_type, TRUE);
  process = g_subprocess_launcher_spawn (launcher, &error, askpass, prompt, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (process, NULL, NULL, communicated, run);
  return process;
}

static void
run_askpass (const char *prompt,
             const char *prompt_type,
             Run        *run)
{
  g_autoptr(GSubprocess) process = spawn_askpass (prompt, prompt_type, run);

  g_assert_true (ferry_test_wait_until (run_done, run, 10000));
}

static void
test_askpass_secret (void)
{
  Run run = { 0 };
  FerryCredentialRequest *request;

  responder_reset (ANSWER, "hunter2 with spaces");
  run_askpass ("ops@kvm1.example.com's password: ", NULL, &run);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, "hunter2 with spaces\n");

  g_assert_cmpuint (responder.requests->len, ==, 1);
  request = g_ptr_array_index (responder.requests, 0);
  g_assert_cmpint (ferry_credential_request_get_kind (request), ==, FERRY_CREDENTIAL_REQUEST_SSH_SECRET);
  g_assert_cmpstr (ferry_credential_request_get_uri (request), ==, "ssh://ops@kvm1.example.com:2222");
  g_assert_cmpstr (ferry_credential_request_get_host (request), ==, "ops@kvm1.example.com (port 2222)");
  g_assert_cmpstr (ferry_credential_request_get_prompt (request), ==, "ops@kvm1.example.com's password: ");
  g_assert_cmpuint (ferry_credential_request_get_n_fields (request), ==, 1);
  g_assert_cmpint (ferry_credential_request_get_field_kind (request, 0), ==, FERRY_CREDENTIAL_FIELD_PASSWORD);
  g_free (run.out);

  /* A key passphrase: the prompt names the key. */
  memset (&run, 0, sizeof run);
  run_askpass ("Enter passphrase for key '/home/ops/.ssh/id_ed25519': ", NULL, &run);
  g_assert_cmpint (run.status, ==, 0);
  request = g_ptr_array_index (responder.requests, 1);
  g_assert_cmpint (ferry_credential_request_get_field_kind (request, 0), ==, FERRY_CREDENTIAL_FIELD_SECRET);
  g_free (run.out);

  /* While a question is open, the node it is about is "being asked". */
  g_assert_false (_ferry_credentials_is_asking_about ("qemu+ssh://ops@kvm1.example.com:2222/system"));
}

static void
test_askpass_host_key (void)
{
  Run run = { 0 };
  FerryCredentialRequest *request;

  responder_reset (ANSWER, NULL);
  run_askpass ("The authenticity of host '[kvm1.example.com]:2222 ([192.0.2.1]:2222)' can't be "
               "established.\nED25519 key fingerprint is SHA256:xyz.\nThis key is not known by any "
               "other names.\nAre you sure you want to continue connecting (yes/no/[fingerprint])? ",
               NULL, &run);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, "yes\n");
  request = g_ptr_array_index (responder.requests, 0);
  g_assert_cmpint (ferry_credential_request_get_kind (request), ==, FERRY_CREDENTIAL_REQUEST_SSH_HOST_KEY);
  g_assert_cmpstr (ferry_credential_request_get_fingerprint (request), ==, "ED25519 SHA256:xyz");
  g_free (run.out);

  /* A notification (SSH_ASKPASS_PROMPT=none) asks nothing. */
  memset (&run, 0, sizeof run);
  responder_reset (ANSWER, NULL);
  run_askpass ("Confirm user presence for key ED25519-SK SHA256:xyz", "none", &run);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpuint (responder.requests->len, ==, 0);
  g_free (run.out);
}

static void
test_askpass_cancel (void)
{
  Run run = { 0 };

  responder_reset (CANCEL, NULL);
  run_askpass ("ops@kvm1.example.com's password: ", NULL, &run);
  g_assert_cmpint (run.status, !=, 0);
  g_assert_cmpstr (run.out, ==, "");
  g_assert_cmpuint (responder.requests->len, ==, 1);
  g_free (run.out);

  /* No handler (the app is closing): no one answers, ssh gets nothing. */
  memset (&run, 0, sizeof run);
  ferry_credentials_set_handler (NULL, NULL, NULL);
  run_askpass ("ops@kvm1.example.com's password: ", NULL, &run);
  g_assert_cmpint (run.status, !=, 0);
  g_assert_cmpstr (run.out, ==, "");
  g_free (run.out);
  ferry_credentials_set_handler (respond, &responder, NULL);
}

static void
on_finished (GObject    *object,
             GParamSpec *pspec,
             gboolean   *finished)
{
  *finished = TRUE;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

static gboolean
has_request (gpointer data)
{
  return responder.requests->len > 0;
}

/* ssh gives up (killed when libvirt closes the connection): the question
 * is taken back, its dialog closes. */
static void
test_askpass_hangup (void)
{
  Run run = { 0 };
  g_autoptr(GSubprocess) process = NULL;
  FerryCredentialRequest *request;
  gboolean finished = FALSE;

  responder_reset (HOLD, NULL);
  process = spawn_askpass ("ops@kvm1.example.com's password: ", NULL, &run);
  g_assert_true (ferry_test_wait_until (has_request, NULL, 10000));
  request = g_ptr_array_index (responder.requests, 0);
  g_assert_true (_ferry_credentials_is_asking_about ("qemu+ssh://ops@kvm1.example.com:2222/system"));
  g_assert_false (_ferry_credentials_is_asking_about ("qemu+ssh://root@kvm2.example.com/system"));
  g_signal_connect (request, "notify::finished", G_CALLBACK (on_finished), &finished);

  g_subprocess_force_exit (process);
  g_assert_true (ferry_test_wait_until (run_done, &run, 10000));
  g_assert_true (ferry_test_wait_until (is_true, &finished, 10000));
  g_assert_cmpint (_ferry_credential_request_get_outcome (request), ==, FERRY_CREDENTIAL_OUTCOME_WITHDRAWN);
  g_assert_cmpuint (ferry_credentials_get_n_pending (), ==, 0);
  g_free (run.out);
}

/* Only a peer that knows the token gets a question through. */
static void
test_askpass_bad_token (void)
{
  g_autofree char *dir = askpass_dir ();
  g_autofree char *path = g_build_filename (dir, "socket", NULL);
  struct sockaddr_un address = { .sun_family = AF_UNIX };
  static const char request[] = "ferry-askpass-1\0not-the-token\0secret\0x@y\0\0password: ";
  char reply[16];
  ssize_t n;
  int fd;

  responder_reset (ANSWER, "leaked");
  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  g_assert_cmpint (fd, >=, 0);
  memcpy (address.sun_path, path, strlen (path) + 1);
  g_assert_cmpint (connect (fd, (struct sockaddr *) &address, sizeof address), ==, 0);
  g_assert_cmpint (write (fd, request, sizeof request), ==, (ssize_t) sizeof request);
  shutdown (fd, SHUT_WR);
  /* The server closes without a word; serve it meanwhile. */
  settle (500);
  n = read (fd, reply, sizeof reply);
  g_assert_cmpint (n, ==, 0);
  close (fd);
  g_assert_cmpuint (responder.requests->len, ==, 0);

  /* The directory is private. */
  {
    GStatBuf st;

    g_assert_cmpint (g_stat (dir, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  }
}

/* Run as "ssh" (libvirt's "command" parameter), the helper sets up
 * SSH_ASKPASS for the real ssh, found on PATH, with the same arguments. */
static void
test_ssh_wrapper (void)
{
  g_autofree char *dir = askpass_dir ();
  g_autofree char *wrapper = g_build_filename (dir, "ssh", NULL);
  g_autofree char *fake_dir = g_build_filename (tmpdir, "fake-ssh", NULL);
  g_autofree char *fake = g_build_filename (fake_dir, "ssh", NULL);
  g_autofree char *expected = NULL;
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;

  g_mkdir_with_parents (fake_dir, 0700);
  g_assert_true (g_file_set_contents (fake,
                                      "#!/bin/sh\n"
                                      "printf '%s|%s|%s|%s|%s\\n' \"$SSH_ASKPASS\" \"$SSH_ASKPASS_REQUIRE\" "
                                      "\"$FERRY_ASKPASS_DESTINATION\" \"$FERRY_ASKPASS_PORT\" \"$*\"\n",
                                      -1, NULL));
  g_chmod (fake, 0755);

  /* libvirt's environment: no SSH_ASKPASS_REQUIRE, nothing of ours. */
  g_subprocess_launcher_set_environ (launcher, NULL);
  g_subprocess_launcher_setenv (launcher, "PATH", fake_dir, TRUE);
  process = g_subprocess_launcher_spawn (launcher, &error, wrapper, "-p", "2222", "-l", "admin", "-T",
                                         "-e", "none", "--", "kvm1.example.com", "sh", "-c", "echo hi",
                                         NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, &error));
  g_assert_no_error (error);
  expected = g_strdup_printf ("%s/askpass|force|admin@kvm1.example.com|2222|"
                              "-p 2222 -l admin -T -e none -- kvm1.example.com sh -c echo hi\n", dir);
  g_assert_cmpstr (out, ==, expected);
}

/* Our own ssh runs (console tunnels) get the same setup. */
static void
test_prepare_launcher (void)
{
  g_autofree char *dir = askpass_dir ();
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *expected = NULL;

  g_assert_true (ferry_askpass_prepare_launcher (launcher, "root@kvm2", -1));
  process = g_subprocess_launcher_spawn (launcher, &error, "/bin/sh", "-c",
                                         "printf '%s|%s|%s|%s' \"$SSH_ASKPASS\" \"$SSH_ASKPASS_REQUIRE\" "
                                         "\"$FERRY_ASKPASS_DESTINATION\" \"${FERRY_ASKPASS_PORT-unset}\"",
                                         NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, &error));
  expected = g_strdup_printf ("%s/askpass|force|root@kvm2|unset", dir);
  g_assert_cmpstr (out, ==, expected);
}

/* libvirt runs ssh from an ssh URI's "command": Ferry points it at its
 * wrapper, unless the URI names a command (or asks for no terminal). */
static void
test_connect_uri (void)
{
  g_autofree char *ssh = _ferry_askpass_dup_ssh_command ();
  g_autofree char *escaped = g_uri_escape_string (ssh, "/", FALSE);
  g_autofree char *plain = _ferry_askpass_connect_uri ("qemu+ssh://root@host/system");
  g_autofree char *query = _ferry_askpass_connect_uri ("qemu+ssh://root@host/system?keyfile=/k");
  g_autofree char *own = _ferry_askpass_connect_uri ("qemu+ssh://root@host/system?command=/bin/ssh");
  g_autofree char *tcp = _ferry_askpass_connect_uri ("qemu+tcp://host/system");
  g_autofree char *junk = _ferry_askpass_connect_uri ("not a uri");
  g_autofree char *expect_plain = g_strdup_printf ("qemu+ssh://root@host/system?command=%s", escaped);
  g_autofree char *expect_query = g_strdup_printf ("qemu+ssh://root@host/system?keyfile=/k&command=%s", escaped);

  g_assert_cmpstr (plain, ==, expect_plain);
  g_assert_cmpstr (query, ==, expect_query);
  g_assert_cmpstr (own, ==, "qemu+ssh://root@host/system?command=/bin/ssh");
  g_assert_cmpstr (tcp, ==, "qemu+tcp://host/system");
  g_assert_cmpstr (junk, ==, "not a uri");
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *runtime = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("ferry-test-credentials-XXXXXX", NULL);
  runtime = g_build_filename (tmpdir, "run", NULL);
  g_mkdir_with_parents (runtime, 0700);
  g_setenv ("XDG_RUNTIME_DIR", runtime, TRUE);
  ferry_core_init ();

  responder.requests = g_ptr_array_new_with_free_func (g_object_unref);
  ferry_credentials_set_handler (respond, &responder, NULL);
  if (!ferry_askpass_server_start (NULL, &error))
    g_error ("askpass: %s (is FERRY_ASKPASS set?)", error->message);
  g_assert_true (ferry_askpass_server_is_running ());

  g_test_add_func ("/credentials/explain", test_explain);
  g_test_add_func ("/askpass/secret", test_askpass_secret);
  g_test_add_func ("/askpass/host-key", test_askpass_host_key);
  g_test_add_func ("/askpass/cancel", test_askpass_cancel);
  g_test_add_func ("/askpass/hangup", test_askpass_hangup);
  g_test_add_func ("/askpass/bad-token", test_askpass_bad_token);
  g_test_add_func ("/askpass/ssh-wrapper", test_ssh_wrapper);
  g_test_add_func ("/askpass/prepare-launcher", test_prepare_launcher);
  g_test_add_func ("/askpass/connect-uri", test_connect_uri);
  status = g_test_run ();

  {
    g_autofree char *dir = askpass_dir ();

    ferry_askpass_server_stop ();
    /* Stopping removes the channel. */
    g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
    g_assert_false (ferry_askpass_server_is_running ());
  }
  ferry_credentials_set_handler (NULL, NULL, NULL);
  g_ptr_array_unref (responder.requests);
  ferry_test_remove_tree (tmpdir);
  g_free (tmpdir);
  return status;
}
