/* test-credentials.c — password prompts, the keyring, ssh's questions and
 * TLS certificate problems, against real daemons
 *
 *  - a libvirtd that wants a user name and password (SASL DIGEST-MD5),
 *    started by tests/integration/sasl-node.sh in a mount namespace of its
 *    own (needs root), also listening for TLS with a certificate issued to
 *    another host name;
 *  - gnome-keyring's Secret Service on a private session bus, so nothing
 *    reaches a real keyring;
 *  - Debian's sshd on a loopback port, in front of that libvirtd's UNIX
 *    socket, for qemu+ssh:// through Ferry's askpass helper.
 * The credential handler here plays the user: it answers, cancels, or
 * holds a question open.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <unistd.h>
#include <sys/prctl.h>

#include <glib/gstdio.h>

#include "ferry-askpass-server.h"
#include "ferry-credentials.h"
#include "ferry-credentials-test-util.h"
#include "ferry-test-util.h"

#define TIMEOUT_MS 20000

/* Under AddressSanitizer: whole stacks for leaks, so that tests/lsan.supp
 * can name the system library deep inside them (SASL's DIGEST-MD5 plugin,
 * libsecret); the fast unwinder stops at the first frame without a frame
 * pointer. Read by the sanitizer runtime only; ASAN_OPTIONS still wins. */
const char *__asan_default_options (void);

G_GNUC_UNUSED const char *
__asan_default_options (void)
{
  return "fast_unwind_on_malloc=0";
}

static char    *tmpdir;
static char    *node_dir;
static gboolean have_node;
static gboolean have_keyring;
static char    *why_no_node;
static char    *why_no_keyring;

/* ---------------------------------------------------------------------- */
/* The user                                                                */

typedef enum
{
  ANSWER,
  CANCEL,
  HOLD,
} Mode;

typedef struct
{
  Mode        mode;
  const char *user;
  const char *password;
  gboolean    remember;
  GPtrArray  *requests;
} Responder;

static Responder responder;

static void
answer (FerryCredentialRequest *request,
        const char             *user,
        const char             *password,
        gboolean                remember)
{
  for (guint i = 0; i < ferry_credential_request_get_n_fields (request); i++)
    {
      switch (ferry_credential_request_get_field_kind (request, i))
        {
        case FERRY_CREDENTIAL_FIELD_USERNAME:
        case FERRY_CREDENTIAL_FIELD_TEXT:
          ferry_credential_request_set_field_value (request, i, user);
          break;
        case FERRY_CREDENTIAL_FIELD_PASSWORD:
        case FERRY_CREDENTIAL_FIELD_SECRET:
        default:
          ferry_credential_request_set_field_value (request, i, password);
          break;
        }
    }
  ferry_credential_request_set_remember (request, remember);
  ferry_credential_request_reply (request);
}

static void
respond (FerryCredentialRequest *request,
         gpointer                data)
{
  Responder *r = data;

  g_assert_true (ferry_core_is_main_thread ());
  g_ptr_array_add (r->requests, g_object_ref (request));
  switch (r->mode)
    {
    case ANSWER:
      answer (request, r->user, r->password, r->remember);
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
                 const char *user,
                 const char *password,
                 gboolean    remember)
{
  g_ptr_array_set_size (responder.requests, 0);
  responder.mode = mode;
  responder.user = user;
  responder.password = password;
  responder.remember = remember;
}

static gboolean
n_requests_at_least (gpointer data)
{
  return responder.requests->len >= GPOINTER_TO_UINT (data);
}

static FerryCredentialRequest *
request_at (guint index)
{
  g_assert_cmpuint (index, <, responder.requests->len);
  return g_ptr_array_index (responder.requests, index);
}

/* ---------------------------------------------------------------------- */
/* The keyring, from a thread (libsecret's blocking calls are not for the
 * main thread)                                                            */

typedef struct
{
  const char *uri;
  const char *user;
  const char *password;
  char       *found_user;
  char       *found_password;
  gboolean    found;
} KeyringJob;

static gpointer
lookup_thread (gpointer data)
{
  KeyringJob *job = data;
  g_autoptr(GError) error = NULL;

  job->found = ferry_credentials_lookup_saved_sync (job->uri, &job->found_user, &job->found_password,
                                                    NULL, &error);
  g_assert_no_error (error);
  return NULL;
}

static gpointer
save_thread (gpointer data)
{
  KeyringJob *job = data;
  g_autoptr(GError) error = NULL;

  g_assert_true (ferry_credentials_save_sync (job->uri, job->user, job->password, NULL, &error));
  g_assert_no_error (error);
  return NULL;
}

static gpointer
forget_thread (gpointer data)
{
  KeyringJob *job = data;
  g_autoptr(GError) error = NULL;

  g_assert_true (ferry_credentials_forget_saved_sync (job->uri, NULL, &error));
  g_assert_no_error (error);
  return NULL;
}

static void
keyring_job_clear (KeyringJob *job)
{
  g_clear_pointer (&job->found_user, g_free);
  g_clear_pointer (&job->found_password, g_free);
}

/* Nothing saved, nothing in this session's memory. */
static void
forget_everything (const char *uri)
{
  KeyringJob job = { uri };

  ferry_credentials_forget_session (uri);
  if (have_keyring)
    ferry_test_run_in_thread (forget_thread, &job);
}

/* ---------------------------------------------------------------------- */

static gboolean
require_node (void)
{
  if (have_node)
    return TRUE;
  if (g_strcmp0 (g_getenv ("FERRY_REQUIRE_CLUSTER"), "1") == 0)
    g_error ("%s", why_no_node);
  g_test_skip (why_no_node);
  return FALSE;
}

static gboolean
require_keyring (void)
{
  if (have_keyring)
    return TRUE;
  if (g_strcmp0 (g_getenv ("FERRY_REQUIRE_CLUSTER"), "1") == 0)
    g_error ("%s", why_no_keyring);
  g_test_skip (why_no_keyring);
  return FALSE;
}

/* The daemon's test driver, behind the same SASL login: the QEMU driver
 * of a fresh daemon would first probe QEMU for seconds, and the login is
 * libvirtd's, whatever the driver. */
static char *
sasl_uri (void)
{
  return g_strdup_printf ("test+tcp://127.0.0.1:%d/default", FERRY_TEST_SASL_PORT);
}

/* A node of its own inventory, connecting. */
static FerryNode *
connect_node (FerryInventory *inventory,
              const char     *uri,
              const char     *name)
{
  FerryNode *node = ferry_node_new (uri, name, NULL);

  ferry_inventory_add_node (inventory, node);
  ferry_node_connect (node);
  return node;
}

static void
test_ask (void)
{
  g_autofree char *uri = sasl_uri ();
  g_autoptr(FerryInventory) inventory = ferry_inventory_new ();
  g_autoptr(FerryNode) node = NULL;
  FerryCredentialRequest *request;
  KeyringJob job = { uri };

  if (!require_node ())
    return;
  forget_everything (uri);
  responder_reset (ANSWER, FERRY_TEST_SASL_USER, FERRY_TEST_SASL_PASSWORD, FALSE);

  node = connect_node (inventory, uri, "sasl-node");
  g_assert_true (ferry_test_wait_node_state (node, FERRY_NODE_STATE_CONNECTED, TIMEOUT_MS));

  /* One question, a user name and a password, on behalf of this node. */
  g_assert_cmpuint (responder.requests->len, ==, 1);
  request = request_at (0);
  g_assert_cmpint (ferry_credential_request_get_kind (request), ==, FERRY_CREDENTIAL_REQUEST_LOGIN);
  g_assert_cmpstr (ferry_credential_request_get_uri (request), ==, uri);
  g_assert_cmpstr (ferry_credential_request_get_host (request), ==, "sasl-node");
  g_assert_null (ferry_credential_request_get_message (request));
  g_assert_cmpuint (ferry_credential_request_get_n_fields (request), ==, 2);
  g_assert_cmpint (ferry_credential_request_get_field_kind (request, 0), ==, FERRY_CREDENTIAL_FIELD_USERNAME);
  g_assert_cmpint (ferry_credential_request_get_field_kind (request, 1), ==, FERRY_CREDENTIAL_FIELD_PASSWORD);
  g_assert_true (ferry_credential_request_get_can_remember (request));
  g_assert_true (ferry_credential_request_get_finished (request));
  g_assert_cmpuint (ferry_credentials_get_n_pending (), ==, 0);

  /* "Remember" was off: nothing in the keyring. */
  if (have_keyring)
    {
      ferry_test_run_in_thread (lookup_thread, &job);
      g_assert_false (job.found);
    }

  /* A reconnection in this session does not ask again. */
  ferry_node_disconnect (node);
  ferry_node_connect (node);
  g_assert_true (ferry_test_wait_node_state (node, FERRY_NODE_STATE_CONNECTED, TIMEOUT_MS));
  g_assert_cmpuint (responder.requests->len, ==, 1);

  ferry_inventory_remove_node (inventory, node);
  keyring_job_clear (&job);
}

static void
test_wrong_password (void)
{
  g_autofree char *uri = sasl_uri ();
  g_autoptr(FerryInventory) inventory = ferry_inventory_new ();
  g_autoptr(FerryNode) node = NULL;
  const char *error;

  if (!require_node ())
    return;
  forget_everything (uri);
  responder_reset (ANSWER, FERRY_TEST_SASL_USER, "not the password", TRUE);

  node = connect_node (inventory, uri, "sasl-node");
  g_assert_true (ferry_test_wait_node_state (node, FERRY_NODE_STATE_AUTH_FAILED, TIMEOUT_MS));
  error = ferry_node_get_error (node);
  g_test_message ("wrong password: %s", error);
  g_assert_nonnull (strstr (error, "sasl-node did not accept the user name or the password"));
  /* Asked once: no loop of prompts, no retries on an AUTH_FAILED node. */
  ferry_test_wait_until ((FerryTestCondition) n_requests_at_least, GUINT_TO_POINTER (2), 1500);
  g_assert_cmpuint (responder.requests->len, ==, 1);

  /* A refused password is never remembered. */
  if (have_keyring)
    {
      KeyringJob job = { uri };

      ferry_test_run_in_thread (lookup_thread, &job);
      g_assert_false (job.found);
    }

  /* Connect again (the "Connect" button): asks again. */
  responder_reset (ANSWER, FERRY_TEST_SASL_USER, FERRY_TEST_SASL_PASSWORD, FALSE);
  ferry_node_connect (node);
  g_assert_true (ferry_test_wait_node_state (node, FERRY_NODE_STATE_CONNECTED, TIMEOUT_MS));
  g_assert_cmpuint (responder.requests->len, ==, 1);
  ferry_inventory_remove_node (inventory, node);
}

static void
test_cancel (void)
{
  g_autofree char *uri = sasl_uri ();
  g_autoptr(FerryInventory) inventory = ferry_inventory_new ();
  g_autoptr(FerryNode) node = NULL;

  if (!require_node ())
    return;
  forget_everything (uri);
  responder_reset (CANCEL, NULL, NULL, FALSE);

  node = connect_node (inventory, uri, "sasl-node");
  g_assert_true (ferry_test_wait_node_state (node, FERRY_NODE_STATE_AUTH_FAILED, TIMEOUT_MS));
  g_test_message ("cancelled: %s", ferry_node_get_error (node));
  g_assert_cmpstr (ferry_node_get_error (node), ==, "Signing in to sasl-node was cancelled.");
  g_assert_cmpuint (responder.requests->len, ==, 1);
  ferry_inventory_remove_node (inventory, node);
}

static void
test_no_handler (void)
{
  g_autofree char *uri = sasl_uri ();
  g_autoptr(FerryInventory) inventory = ferry_inventory_new ();
  g_autoptr(FerryNode) node = NULL;

  if (!require_node ())
    return;
  forget_everything (uri);
  ferry_credentials_set_handler (NULL, NULL, NULL);

  node = connect_node (inventory, uri, "sasl-node");
  g_assert_true (ferry_test_wait_node_state (node, FERRY_NODE_STATE_AUTH_FAILED, TIMEOUT_MS));
  g_test_message ("no handler: %s", ferry_node_get_error (node));
  g_assert_nonnull (strstr (ferry_node_get_error (node), "there is no one to ask"));
  ferry_inventory_remove_node (inventory, node);

  ferry_credentials_set_handler (respond, &responder, NULL);
}

static void
test_remember (void)
{
  g_autofree char *uri = sasl_uri ();
  g_autoptr(FerryInventory) inventory = ferry_inventory_new ();
  g_autoptr(FerryNode) node = NULL;
  g_autoptr(FerryNode) again = NULL;
  KeyringJob job = { uri };

  if (!require_node () || !require_keyring ())
    return;
  forget_everything (uri);
  responder_reset (ANSWER, FERRY_TEST_SASL_USER, FERRY_TEST_SASL_PASSWORD, TRUE);

  node = connect_node (inventory, uri, "sasl-node");
  g_assert_true (ferry_test_wait_node_state (node, FERRY_NODE_STATE_CONNECTED, TIMEOUT_MS));
  g_assert_cmpuint (responder.requests->len, ==, 1);
  /* Nothing saved yet, so nothing to replace. */
  g_assert_false (ferry_credential_request_get_replaces_saved (request_at (0)));

  /* In the keyring, under the URI and the user name. */
  ferry_test_run_in_thread (lookup_thread, &job);
  g_assert_true (job.found);
  g_assert_cmpstr (job.found_user, ==, FERRY_TEST_SASL_USER);
  g_assert_cmpstr (job.found_password, ==, FERRY_TEST_SASL_PASSWORD);
  keyring_job_clear (&job);
  ferry_inventory_remove_node (inventory, node);

  /* Next time (a new session: nothing in memory), the keyring answers. */
  ferry_credentials_forget_session (uri);
  responder_reset (CANCEL, NULL, NULL, FALSE);
  again = connect_node (inventory, uri, "sasl-node");
  g_assert_true (ferry_test_wait_node_state (again, FERRY_NODE_STATE_CONNECTED, TIMEOUT_MS));
  g_assert_cmpuint (responder.requests->len, ==, 0);
  ferry_inventory_remove_node (inventory, again);
  forget_everything (uri);
}

static void
test_saved_refused (void)
{
  g_autofree char *uri = sasl_uri ();
  g_autoptr(FerryInventory) inventory = ferry_inventory_new ();
  g_autoptr(FerryNode) node = NULL;
  FerryCredentialRequest *request;
  KeyringJob job = { uri, FERRY_TEST_SASL_USER, "an old password" };

  if (!require_node () || !require_keyring ())
    return;
  forget_everything (uri);
  /* The password was changed on the host since it was saved. */
  ferry_test_run_in_thread (save_thread, &job);
  responder_reset (ANSWER, FERRY_TEST_SASL_USER, FERRY_TEST_SASL_PASSWORD, TRUE);

  node = connect_node (inventory, uri, "sasl-node");
  g_assert_true (ferry_test_wait_node_state (node, FERRY_NODE_STATE_CONNECTED, TIMEOUT_MS));

  /* The saved one was tried, refused, and the user asked again, with the
   * reason and the offer to replace it ("Remember" already ticked). */
  g_assert_cmpuint (responder.requests->len, ==, 1);
  request = request_at (0);
  g_test_message ("asked again: %s", ferry_credential_request_get_message (request));
  g_assert_nonnull (strstr (ferry_credential_request_get_message (request), "was not accepted"));
  g_assert_true (ferry_credential_request_get_replaces_saved (request));
  g_assert_cmpstr (ferry_credential_request_get_field_value (request, 0), ==, FERRY_TEST_SASL_USER);

  ferry_test_run_in_thread (lookup_thread, &job);
  g_assert_true (job.found);
  g_assert_cmpstr (job.found_password, ==, FERRY_TEST_SASL_PASSWORD);
  keyring_job_clear (&job);
  ferry_inventory_remove_node (inventory, node);

  /* Refused and not to be remembered: the wrong one does not stay. */
  forget_everything (uri);
  ferry_test_run_in_thread (save_thread, &job);
  responder_reset (ANSWER, FERRY_TEST_SASL_USER, FERRY_TEST_SASL_PASSWORD, FALSE);
  g_clear_object (&node);
  node = connect_node (inventory, uri, "sasl-node");
  g_assert_true (ferry_test_wait_node_state (node, FERRY_NODE_STATE_CONNECTED, TIMEOUT_MS));
  ferry_test_run_in_thread (lookup_thread, &job);
  g_assert_false (job.found);
  ferry_inventory_remove_node (inventory, node);
  forget_everything (uri);
}

static void
on_finished (FerryCredentialRequest *request,
             GParamSpec             *pspec,
             gboolean               *finished)
{
  *finished = ferry_credential_request_get_finished (request);
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

/* While one node waits for a password, everything else goes on: the main
 * loop, other nodes, other questions. Disconnecting withdraws the prompt. */
static void
test_waiting_blocks_nothing (void)
{
  g_autofree char *uri = sasl_uri ();
  g_autofree char *other_uri = g_strdup_printf ("test+tcp://localhost:%d/default", FERRY_TEST_SASL_PORT);
  g_autoptr(FerryInventory) inventory = ferry_inventory_new ();
  g_autoptr(FerryNode) waiting = NULL;
  g_autoptr(FerryNode) local = NULL;
  g_autoptr(FerryNode) other = NULL;
  FerryCredentialRequest *first;
  FerryCredentialRequest *second;
  gboolean withdrawn = FALSE;

  if (!require_node ())
    return;
  forget_everything (uri);
  forget_everything (other_uri);
  responder_reset (HOLD, NULL, NULL, FALSE);

  waiting = connect_node (inventory, uri, "waiting");
  g_assert_true (ferry_test_wait_until ((FerryTestCondition) n_requests_at_least, GUINT_TO_POINTER (1), TIMEOUT_MS));
  first = request_at (0);
  g_assert_cmpuint (ferry_credentials_get_n_pending (), ==, 1);

  /* Another node connects meanwhile… */
  local = connect_node (inventory, "test:///default", "local");
  g_assert_true (ferry_test_wait_node_state (local, FERRY_NODE_STATE_CONNECTED, TIMEOUT_MS));
  /* …and another one asks its own question, answered first. */
  other = connect_node (inventory, other_uri, "other");
  g_assert_true (ferry_test_wait_until ((FerryTestCondition) n_requests_at_least, GUINT_TO_POINTER (2), TIMEOUT_MS));
  second = request_at (1);
  g_assert_cmpstr (ferry_credential_request_get_host (second), ==, "other");
  g_assert_cmpuint (ferry_credentials_get_n_pending (), ==, 2);
  answer (second, FERRY_TEST_SASL_USER, FERRY_TEST_SASL_PASSWORD, FALSE);
  g_assert_true (ferry_test_wait_node_state (other, FERRY_NODE_STATE_CONNECTED, TIMEOUT_MS));
  g_assert_cmpint (ferry_node_get_state (waiting), ==, FERRY_NODE_STATE_CONNECTING);
  g_assert_false (ferry_credential_request_get_finished (first));

  /* Disconnecting the waiting node takes its question back. */
  g_signal_connect (first, "notify::finished", G_CALLBACK (on_finished), &withdrawn);
  ferry_node_disconnect (waiting);
  g_assert_true (ferry_test_wait_until (is_true, &withdrawn, TIMEOUT_MS));
  g_assert_cmpint (ferry_node_get_state (waiting), ==, FERRY_NODE_STATE_DISCONNECTED);

  /* Connecting again asks again, and that works. */
  ferry_node_connect (waiting);
  g_assert_true (ferry_test_wait_until ((FerryTestCondition) n_requests_at_least, GUINT_TO_POINTER (3), TIMEOUT_MS));
  answer (request_at (2), FERRY_TEST_SASL_USER, FERRY_TEST_SASL_PASSWORD, FALSE);
  g_assert_true (ferry_test_wait_node_state (waiting, FERRY_NODE_STATE_CONNECTED, TIMEOUT_MS));
  g_assert_cmpuint (ferry_credentials_get_n_pending (), ==, 0);

  ferry_inventory_remove_node (inventory, waiting);
  ferry_inventory_remove_node (inventory, local);
  ferry_inventory_remove_node (inventory, other);
  forget_everything (other_uri);
}

static gboolean
seconds_passed (gpointer data)
{
  return g_get_monotonic_time () >= *(gint64 *) data;
}

/* A host that asked for a password did answer: however long the user
 * takes, it is never "unreachable" (the connect timeout is 15 s). Slow:
 * only with -m slow. */
static void
test_no_timeout_while_asking (void)
{
  g_autofree char *uri = sasl_uri ();
  g_autoptr(FerryInventory) inventory = ferry_inventory_new ();
  g_autoptr(FerryNode) node = NULL;
  gint64 until;

  if (!g_test_slow ())
    {
      g_test_skip ("waits 17 s (run with -m slow)");
      return;
    }
  if (!require_node ())
    return;
  forget_everything (uri);
  responder_reset (HOLD, NULL, NULL, FALSE);

  node = connect_node (inventory, uri, "slow-typist");
  g_assert_true (ferry_test_wait_until ((FerryTestCondition) n_requests_at_least, GUINT_TO_POINTER (1), TIMEOUT_MS));
  until = g_get_monotonic_time () + 17 * G_TIME_SPAN_SECOND;
  ferry_test_wait_until (seconds_passed, &until, 20000);
  g_assert_cmpint (ferry_node_get_state (node), ==, FERRY_NODE_STATE_CONNECTING);
  answer (request_at (0), FERRY_TEST_SASL_USER, FERRY_TEST_SASL_PASSWORD, FALSE);
  g_assert_true (ferry_test_wait_node_state (node, FERRY_NODE_STATE_CONNECTED, TIMEOUT_MS));
  ferry_inventory_remove_node (inventory, node);
}

/* ---------------------------------------------------------------------- */
/* TLS                                                                     */

static char *
tls_failure (const char *pki,
             const char *name)
{
  g_autoptr(FerryInventory) inventory = ferry_inventory_new ();
  g_autoptr(FerryNode) node = NULL;
  g_autofree char *uri = g_strdup_printf ("qemu+tls://127.0.0.1:%d/system?pkipath=%s/%s",
                                          FERRY_TEST_TLS_PORT, node_dir, pki);
  char *error;

  node = connect_node (inventory, uri, name);
  g_assert_true (ferry_test_wait_node_state (node, FERRY_NODE_STATE_AUTH_FAILED, TIMEOUT_MS));
  error = g_strdup (ferry_node_get_error (node));
  g_test_message ("%s: %s", pki, error);
  ferry_inventory_remove_node (inventory, node);
  return error;
}

static void
test_tls (void)
{
  g_autofree char *no_ca = NULL;
  g_autofree char *expired = NULL;
  g_autofree char *mismatch = NULL;
  g_autofree char *ca_path = NULL;
  g_autofree char *cert_path = NULL;
  g_autofree char *probe = g_build_filename (node_dir, "client-pki", "cacert.pem", NULL);

  if (!require_node ())
    return;
  if (!g_file_test (probe, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("certtool (gnutls-bin) is missing: no TLS certificates");
      return;
    }
  responder_reset (CANCEL, NULL, NULL, FALSE);

  /* The CA is missing: where libvirt looks for it. */
  no_ca = tls_failure ("client-pki-no-ca", "tls-no-ca");
  ca_path = g_build_filename (node_dir, "client-pki-no-ca", "cacert.pem", NULL);
  g_assert_nonnull (strstr (no_ca, "certificate authority (CA) is missing"));
  g_assert_nonnull (strstr (no_ca, ca_path));

  /* This computer's certificate has expired: which one. */
  expired = tls_failure ("client-pki-expired", "tls-expired");
  cert_path = g_build_filename (node_dir, "client-pki-expired", "clientcert.pem", NULL);
  g_assert_nonnull (strstr (expired, "has expired"));
  g_assert_nonnull (strstr (expired, cert_path));

  /* The host's certificate names another host. */
  mismatch = tls_failure ("client-pki", "tls-mismatch");
  g_assert_nonnull (strstr (mismatch, "ferry-test.invalid"));
  g_assert_nonnull (strstr (mismatch, "127.0.0.1"));

  g_assert_cmpuint (responder.requests->len, ==, 0);
}

/* ---------------------------------------------------------------------- */
/* ssh                                                                     */

typedef struct
{
  GSubprocess *proc;
  int          port;
  char        *user_key;
  char        *known_hosts;
  char        *host_pub;
  char        *other_pub;
} Sshd;

static Sshd sshd;

static gboolean
run_quiet (const char * const *argv,
           char              **out)
{
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL |
                     (out ? 0 : G_SPAWN_STDOUT_TO_DEV_NULL),
                     NULL, NULL, out, NULL, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    {
      g_test_message ("%s: %s", argv[0], error->message);
      return FALSE;
    }
  return TRUE;
}

static int
free_loopback_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (socket, address, FALSE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static gboolean
port_open (int port)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection =
    g_socket_client_connect_to_host (client, "127.0.0.1", (guint16) port, NULL, NULL);

  return connection != NULL;
}

static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

#define KEY_PASSPHRASE "ssh key passphrase"

/* sshd as a plain process on a loopback port; our user key has a
 * passphrase, so ssh asks for it. */
static gboolean
start_sshd (char **why_not)
{
  g_autofree char *dir = g_build_filename (tmpdir, "ssh", NULL);
  g_autofree char *host_key = g_build_filename (dir, "host_key", NULL);
  g_autofree char *other_key = g_build_filename (dir, "other_key", NULL);
  g_autofree char *user_pub = NULL;
  g_autofree char *authorized = g_build_filename (dir, "authorized_keys", NULL);
  g_autofree char *config = g_build_filename (dir, "sshd_config", NULL);
  g_autofree char *log = g_build_filename (dir, "sshd.log", NULL);
  g_autofree char *pub = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;

  if (sshd.proc != NULL)
    return TRUE;
  if (!g_file_test ("/usr/sbin/sshd", G_FILE_TEST_IS_EXECUTABLE))
    {
      *why_not = g_strdup ("sshd is missing (openssh-server)");
      return FALSE;
    }
  g_mkdir_with_parents (dir, 0700);
  sshd.user_key = g_build_filename (dir, "user_key", NULL);
  sshd.known_hosts = g_build_filename (dir, "known_hosts", NULL);
  sshd.host_pub = g_strconcat (host_key, ".pub", NULL);
  sshd.other_pub = g_strconcat (other_key, ".pub", NULL);
  user_pub = g_strconcat (sshd.user_key, ".pub", NULL);
  {
    const char *host_argv[] = { "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", host_key, NULL };
    const char *other_argv[] = { "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", other_key, NULL };
    const char *user_argv[] = { "ssh-keygen", "-q", "-t", "ed25519", "-N", KEY_PASSPHRASE,
                                "-f", sshd.user_key, NULL };

    if (!run_quiet (host_argv, NULL) || !run_quiet (other_argv, NULL) || !run_quiet (user_argv, NULL))
      {
        *why_not = g_strdup ("ssh-keygen failed");
        return FALSE;
      }
  }
  g_assert_true (g_file_get_contents (user_pub, &pub, NULL, NULL));
  g_assert_true (g_file_set_contents (authorized, pub, -1, NULL));

  sshd.port = free_loopback_port ();
  text = g_strdup_printf ("Port %d\n"
                          "ListenAddress 127.0.0.1\n"
                          "HostKey %s\n"
                          "PidFile none\n"
                          "AuthorizedKeysFile %s\n"
                          "PermitRootLogin prohibit-password\n"
                          "PasswordAuthentication no\n"
                          "KbdInteractiveAuthentication no\n"
                          "StrictModes no\n"
                          "UsePAM no\n",
                          sshd.port, host_key, authorized);
  g_assert_true (g_file_set_contents (config, text, -1, NULL));
  g_mkdir_with_parents ("/run/sshd", 0755);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_subprocess_launcher_set_stderr_file_path (launcher, log);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  sshd.proc = g_subprocess_launcher_spawn (launcher, &error, "/usr/sbin/sshd", "-f", config, "-D", "-e", NULL);
  g_assert_no_error (error);
  for (guint i = 0; i < 100 && !port_open (sshd.port); i++)
    g_usleep (50000);
  if (!port_open (sshd.port))
    {
      *why_not = g_strdup_printf ("sshd did not start (see %s)", log);
      return FALSE;
    }
  return TRUE;
}

static void
stop_sshd (void)
{
  if (sshd.proc != NULL)
    {
      g_subprocess_send_signal (sshd.proc, SIGTERM);
      g_subprocess_wait (sshd.proc, NULL, NULL);
      g_clear_object (&sshd.proc);
    }
  g_free (sshd.user_key);
  g_free (sshd.known_hosts);
  g_free (sshd.host_pub);
  g_free (sshd.other_pub);
}

/* "ED25519 SHA256:…" of a public key file, as ssh shows it. */
static char *
fingerprint (const char *pub)
{
  const char *argv[] = { "ssh-keygen", "-l", "-f", pub, NULL };
  g_autofree char *out = NULL;
  g_auto(GStrv) fields = NULL;
  g_autofree char *type = NULL;

  g_assert_true (run_quiet (argv, &out));
  /* "256 SHA256:… comment (ED25519)" */
  fields = g_strsplit (g_strstrip (out), " ", -1);
  type = g_strdup (fields[g_strv_length (fields) - 1]);
  type[strlen (type) - 1] = '\0';
  return g_strdup_printf ("%s %s", type + 1, fields[1]);
}

static char *
ssh_uri (void)
{
  /* libvirt's ssh transport, to the daemon's UNIX socket (no SASL there);
   * its test driver, for speed (see sasl_uri()). */
  return g_strdup_printf ("test+ssh://root@127.0.0.1:%d/default?socket=%s/run/libvirt-sock"
                          "&keyfile=%s&proxy=netcat",
                          sshd.port, node_dir, sshd.user_key);
}

static void
test_ssh (void)
{
  g_autofree char *why_not = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *known = NULL;
  g_autofree char *other = NULL;
  g_autofree char *changed = NULL;
  g_autoptr(FerryInventory) inventory = ferry_inventory_new ();
  g_autoptr(FerryNode) node = NULL;
  FerryCredentialRequest *request;
  g_auto(GStrv) other_fields = NULL;

  if (!require_node ())
    return;
  if (!start_sshd (&why_not))
    {
      if (g_strcmp0 (g_getenv ("FERRY_REQUIRE_CLUSTER"), "1") == 0)
        g_error ("%s", why_not);
      g_test_skip (why_not);
      return;
    }
  g_assert_true (ferry_askpass_server_is_running ());
  uri = ssh_uri ();
  g_assert_true (g_file_set_contents (sshd.known_hosts, "", -1, NULL));

  /* A host ssh has never seen, and a key with a passphrase: two questions
   * from ssh, in Ferry's handler; answering them connects. */
  responder_reset (ANSWER, "yes", KEY_PASSPHRASE, FALSE);
  node = connect_node (inventory, uri, "ssh-node");
  g_assert_true (ferry_test_wait_node_state (node, FERRY_NODE_STATE_CONNECTED, TIMEOUT_MS));
  g_assert_cmpuint (responder.requests->len, ==, 2);

  request = request_at (0);
  g_test_message ("host key: %s", ferry_credential_request_get_prompt (request));
  g_assert_cmpint (ferry_credential_request_get_kind (request), ==, FERRY_CREDENTIAL_REQUEST_SSH_HOST_KEY);
  expected = fingerprint (sshd.host_pub);
  g_assert_cmpstr (ferry_credential_request_get_fingerprint (request), ==, expected);
  g_assert_nonnull (strstr (ferry_credential_request_get_host (request), "root@127.0.0.1"));

  request = request_at (1);
  g_test_message ("secret: %s", ferry_credential_request_get_prompt (request));
  g_assert_cmpint (ferry_credential_request_get_kind (request), ==, FERRY_CREDENTIAL_REQUEST_SSH_SECRET);
  g_assert_nonnull (strstr (ferry_credential_request_get_prompt (request), "passphrase"));
  g_assert_nonnull (strstr (ferry_credential_request_get_prompt (request), sshd.user_key));
  g_assert_cmpuint (ferry_credential_request_get_n_fields (request), ==, 1);

  /* The accepted key is known now. */
  g_assert_true (g_file_get_contents (sshd.known_hosts, &known, NULL, NULL));
  g_assert_nonnull (strstr (known, "ssh-ed25519"));
  ferry_inventory_remove_node (inventory, node);
  g_clear_object (&node);

  /* The host's key changes: an error that says so, never a question. */
  g_assert_true (g_file_get_contents (sshd.other_pub, &other, NULL, NULL));
  other_fields = g_strsplit (g_strstrip (other), " ", 3);
  changed = g_strdup_printf ("[127.0.0.1]:%d %s %s\n", sshd.port, other_fields[0], other_fields[1]);
  g_assert_true (g_file_set_contents (sshd.known_hosts, changed, -1, NULL));
  responder_reset (ANSWER, "yes", KEY_PASSPHRASE, FALSE);
  node = connect_node (inventory, uri, "ssh-node");
  g_assert_true (ferry_test_wait_node_state (node, FERRY_NODE_STATE_AUTH_FAILED, TIMEOUT_MS));
  g_test_message ("changed key: %s", ferry_node_get_error (node));
  g_assert_nonnull (strstr (ferry_node_get_error (node), "ssh host key of 127.0.0.1 has changed"));
  g_assert_nonnull (strstr (ferry_node_get_error (node), sshd.known_hosts));
  for (guint i = 0; i < responder.requests->len; i++)
    g_assert_cmpint (ferry_credential_request_get_kind (request_at (i)), !=,
                     FERRY_CREDENTIAL_REQUEST_SSH_HOST_KEY);
  ferry_inventory_remove_node (inventory, node);
  g_clear_object (&node);

  /* An unknown key that the user does not trust. */
  g_assert_true (g_file_set_contents (sshd.known_hosts, "", -1, NULL));
  responder_reset (CANCEL, NULL, NULL, FALSE);
  node = connect_node (inventory, uri, "ssh-node");
  g_assert_true (ferry_test_wait_node_state (node, FERRY_NODE_STATE_AUTH_FAILED, TIMEOUT_MS));
  g_test_message ("refused key: %s", ferry_node_get_error (node));
  g_assert_nonnull (strstr (ferry_node_get_error (node), "not known to this computer and was not accepted"));
  g_assert_cmpuint (responder.requests->len, ==, 1);
  ferry_inventory_remove_node (inventory, node);
}

/* libvirt's libssh transport asks through its callback, not ssh's
 * askpass: the same dialog kinds. */
static void
test_libssh (void)
{
  g_autofree char *why_not = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *known_hosts = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *known = NULL;
  g_autoptr(FerryInventory) inventory = ferry_inventory_new ();
  g_autoptr(FerryNode) node = NULL;
  FerryCredentialRequest *request;

  if (!require_node ())
    return;
  if (!start_sshd (&why_not))
    {
      if (g_strcmp0 (g_getenv ("FERRY_REQUIRE_CLUSTER"), "1") == 0)
        g_error ("%s", why_not);
      g_test_skip (why_not);
      return;
    }
  known_hosts = g_build_filename (tmpdir, "ssh", "libssh_known_hosts", NULL);
  g_assert_true (g_file_set_contents (known_hosts, "", -1, NULL));
  uri = g_strdup_printf ("test+libssh://root@127.0.0.1:%d/default?socket=%s/run/libvirt-sock"
                         "&keyfile=%s&known_hosts=%s&sshauth=privkey",
                         sshd.port, node_dir, sshd.user_key, known_hosts);

  /* An unknown host key, then the key's passphrase. */
  responder_reset (ANSWER, "y", KEY_PASSPHRASE, FALSE);
  node = connect_node (inventory, uri, "libssh-node");
  g_assert_true (ferry_test_wait_node_state (node, FERRY_NODE_STATE_CONNECTED, TIMEOUT_MS));
  g_assert_cmpuint (responder.requests->len, ==, 2);
  request = request_at (0);
  g_test_message ("libssh host key: %s", ferry_credential_request_get_prompt (request));
  g_assert_cmpint (ferry_credential_request_get_kind (request), ==, FERRY_CREDENTIAL_REQUEST_SSH_HOST_KEY);
  expected = fingerprint (sshd.host_pub);
  g_assert_nonnull (ferry_credential_request_get_fingerprint (request));
  g_assert_nonnull (strstr (expected, ferry_credential_request_get_fingerprint (request)));
  request = request_at (1);
  g_test_message ("libssh passphrase: %s", ferry_credential_request_get_field_prompt (request, 0));
  g_assert_cmpint (ferry_credential_request_get_kind (request), ==, FERRY_CREDENTIAL_REQUEST_LOGIN);
  g_assert_cmpuint (ferry_credential_request_get_n_fields (request), ==, 1);
  g_assert_cmpint (ferry_credential_request_get_field_kind (request, 0), ==, FERRY_CREDENTIAL_FIELD_SECRET);
  /* A key's passphrase is not this host's password: nothing to remember. */
  g_assert_false (ferry_credential_request_get_can_remember (request));
  g_assert_true (g_file_get_contents (known_hosts, &known, NULL, NULL));
  g_assert_nonnull (strstr (known, "ssh-ed25519"));
  ferry_inventory_remove_node (inventory, node);
  g_clear_object (&node);

  /* Not trusted: says so. */
  g_assert_true (g_file_set_contents (known_hosts, "", -1, NULL));
  responder_reset (CANCEL, NULL, NULL, FALSE);
  node = connect_node (inventory, uri, "libssh-node");
  g_assert_true (ferry_test_wait_node_state (node, FERRY_NODE_STATE_AUTH_FAILED, TIMEOUT_MS));
  g_test_message ("libssh refused key: %s", ferry_node_get_error (node));
  g_assert_cmpstr (ferry_node_get_error (node), ==,
                   "The ssh host key of libssh-node was not trusted: Ferry did not connect.");
  ferry_inventory_remove_node (inventory, node);
}

/* Our own ssh for the test: the same arguments, plus a known-hosts file and
 * no user config, so that nothing in ~/.ssh is read or written. It stands
 * where a user's own ssh configuration would be (first in PATH, found by
 * Ferry's ssh wrapper). */
static void
install_ssh_shim (void)
{
  g_autofree char *shim_dir = g_build_filename (tmpdir, "shim", NULL);
  g_autofree char *shim = g_build_filename (shim_dir, "ssh", NULL);
  g_autofree char *known = g_build_filename (tmpdir, "ssh", "known_hosts", NULL);
  g_autofree char *script = NULL;
  g_autofree char *path = NULL;

  g_mkdir_with_parents (shim_dir, 0700);
  script = g_strdup_printf ("#!/bin/sh\n"
                            "exec /usr/bin/ssh -F /dev/null -o UserKnownHostsFile=%s "
                            "-o StrictHostKeyChecking=ask \"$@\"\n", known);
  g_assert_true (g_file_set_contents (shim, script, -1, NULL));
  g_chmod (shim, 0755);
  path = g_strdup_printf ("%s:%s", shim_dir, g_getenv ("PATH") ? g_getenv ("PATH") : "/usr/bin:/bin");
  g_setenv ("PATH", path, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *runtime = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  ferry_test_require_programs ("ssh", "/usr/sbin/sshd", "ssh-keygen", "saslpasswd2", "certtool",
                               "dbus-daemon", "gnome-keyring-daemon", NULL);

  /* Before any thread: the environment of the whole test. */
  tmpdir = g_dir_make_tmp ("ferry-test-credentials-XXXXXX", NULL);
  g_assert_nonnull (tmpdir);
  runtime = g_build_filename (tmpdir, "run", NULL);
  g_mkdir_with_parents (runtime, 0700);
  g_setenv ("XDG_RUNTIME_DIR", runtime, TRUE);
  install_ssh_shim ();
  have_keyring = ferry_test_start_private_keyring (tmpdir, &why_no_keyring);

  ferry_core_init ();
  /* A fixed place, outside tmpdir: a run that died (an assertion) left its
   * daemon there, and the next run stops it first. */
  node_dir = g_strdup_printf ("%s/ferry-sasl-node-%d", g_get_tmp_dir (), FERRY_TEST_SASL_PORT);
  have_node = ferry_test_start_sasl_node (node_dir, &why_no_node);
  responder.requests = g_ptr_array_new_with_free_func (g_object_unref);
  ferry_credentials_set_handler (respond, &responder, NULL);
  if (!ferry_askpass_server_start (NULL, &error))
    g_error ("askpass: %s", error->message);

  g_test_add_func ("/credentials/ask", test_ask);
  g_test_add_func ("/credentials/wrong-password", test_wrong_password);
  g_test_add_func ("/credentials/cancel", test_cancel);
  g_test_add_func ("/credentials/no-handler", test_no_handler);
  g_test_add_func ("/credentials/remember", test_remember);
  g_test_add_func ("/credentials/saved-refused", test_saved_refused);
  g_test_add_func ("/credentials/waiting-blocks-nothing", test_waiting_blocks_nothing);
  g_test_add_func ("/credentials/no-timeout-while-asking", test_no_timeout_while_asking);
  g_test_add_func ("/credentials/tls", test_tls);
  g_test_add_func ("/credentials/ssh", test_ssh);
  g_test_add_func ("/credentials/libssh", test_libssh);
  status = g_test_run ();

  ferry_credentials_set_handler (NULL, NULL, NULL);
  ferry_askpass_server_stop ();
  stop_sshd ();
  /* Its directory stays: the QEMU capabilities libvirtd probed (seconds)
   * are cached there for the next run. */
  if (have_node)
    ferry_test_stop_sasl_node (node_dir);
  ferry_test_stop_private_keyring ();
  ferry_test_remove_tree (tmpdir);
  g_ptr_array_unref (responder.requests);
  g_free (why_no_node);
  g_free (why_no_keyring);
  g_free (node_dir);
  g_free (tmpdir);
  return status;
}
