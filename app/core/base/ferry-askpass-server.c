/* ferry-askpass-server.c — ssh's questions, asked in Ferry's own dialog
 *
 * ssh asks for passwords, key passphrases and unknown host keys on a
 * terminal, or, with SSH_ASKPASS set and SSH_ASKPASS_REQUIRE=force, by
 * running that program with the question as its argument and reading the
 * answer from its standard output. Ferry's program (app/ferry-askpass.c)
 * hands the question over a private channel to this server, which turns it
 * into a FerryCredentialRequest for the application's dialog.
 *
 * The channel: a directory made by mkdtemp in $XDG_RUNTIME_DIR (mode 0700,
 * so only this user reaches it) holding
 *   socket   a UNIX socket this server listens on; it also checks that the
 *            peer runs as our own user (SO_PEERCRED),
 *   token    a random token (mode 0600) the helper must send back,
 *   askpass  a symbolic link to the helper: the SSH_ASKPASS we give ssh,
 *   ssh      another link to it: run under that name, the helper sets up
 *            SSH_ASKPASS for a real ssh and executes it.
 * The helper finds the socket and token next to the name it was run as.
 * That matters for libvirt's ssh transport, which runs ssh with a filtered
 * environment (SSH_ASKPASS_REQUIRE does not get through, nor anything of
 * ours) but runs whatever program its "command" parameter names: the "ssh"
 * link (ferry-credentials.c adds it to the URI).
 *
 * Protocol (one question per connection): the helper sends NUL-terminated
 * fields "ferry-askpass-1", token, kind ("secret" or "confirm"),
 * destination ("user@host"), port, ssh's prompt, then shuts down its
 * sending side; the server answers "1" followed by the answer, or "0" for
 * no answer, and closes.
 *
 * Everything here runs on the main thread, asynchronously.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/random.h>

#include <gio/gunixsocketaddress.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "ferry-askpass-server.h"
#include "ferry-core.h"
#include "ferry-credentials-private.h"

#define MAGIC            "ferry-askpass-1"
#define MAX_REQUEST_SIZE (64 * 1024)
/* sockaddr_un's sun_path holds 108 bytes with the final NUL. */
#define MAX_SOCKET_PATH  107

static GMutex          lock;
/* Guarded by lock: read from any thread. */
static char           *dir;
/* Main thread only. */
static char           *token;
static GSocketService *service;

/* ---------------------------------------------------------------------- */
/* One question                                                            */

typedef struct
{
  GSocketConnection      *connection;
  GCancellable           *cancellable;   /* the helper went away */
  GSource                *hangup;
  GByteArray             *data;
  guint8                  buffer[4096];
  FerryCredentialRequest *request;
  char                   *answer;
} Question;

static void
wipe_bytes (GByteArray *data)
{
  if (data != NULL)
    {
      explicit_bzero (data->data, data->len);
      g_byte_array_unref (data);
    }
}

static void
question_free (Question *q)
{
  if (q->hangup != NULL)
    {
      g_source_destroy (q->hangup);
      g_source_unref (q->hangup);
    }
  g_clear_object (&q->connection);
  g_clear_object (&q->cancellable);
  g_clear_object (&q->request);
  g_clear_pointer (&q->data, wipe_bytes);
  if (q->answer != NULL)
    {
      explicit_bzero (q->answer, strlen (q->answer));
      g_free (q->answer);
    }
  explicit_bzero (q->buffer, sizeof q->buffer);
  g_free (q);
}

static void
close_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_io_stream_close_finish (G_IO_STREAM (object), result, NULL);
  question_free (user_data);
}

static void
finish_question (Question *q)
{
  g_io_stream_close_async (G_IO_STREAM (q->connection), G_PRIORITY_DEFAULT, NULL, close_done, q);
}

static void
write_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Question *q = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, NULL, &error))
    g_debug ("askpass: could not answer: %s", error->message);
  finish_question (q);
}

static void
answered (FerryCredentialRequest *request,
          FerryCredentialOutcome  outcome,
          gpointer                user_data)
{
  Question *q = user_data;
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (q->connection));

  if (outcome == FERRY_CREDENTIAL_OUTCOME_REPLIED)
    {
      g_autofree char *value = NULL;

      if (ferry_credential_request_get_kind (request) == FERRY_CREDENTIAL_REQUEST_SSH_HOST_KEY)
        value = g_strdup ("yes");
      else
        value = _ferry_credential_request_dup_field_value (request, 0);
      q->answer = g_strconcat ("1", value ? value : "", NULL);
      if (value != NULL)
        explicit_bzero (value, strlen (value));
    }
  else
    q->answer = g_strdup ("0");

  g_output_stream_write_all_async (out, q->answer, strlen (q->answer), G_PRIORITY_DEFAULT,
                                   NULL, write_done, q);
}

static gboolean
hung_up (GSocket      *socket,
         GIOCondition  condition,
         gpointer      user_data)
{
  Question *q = user_data;

  /* ssh (and so the helper) was stopped: take the question back. */
  g_cancellable_cancel (q->cancellable);
  return G_SOURCE_REMOVE;
}

static gboolean
tokens_equal (const char *a,
              const char *b)
{
  size_t la = strlen (a), lb = strlen (b);
  unsigned char diff = la != lb;

  for (size_t i = 0; i < la && i < lb; i++)
    diff |= (unsigned char) (a[i] ^ b[i]);
  return diff == 0;
}

static char *
ssh_uri (const char *destination,
         int         port)
{
  const char *at = strrchr (destination, '@');
  g_autofree char *user = at ? g_strndup (destination, at - destination) : NULL;
  const char *host = at ? at + 1 : destination;

  if (host[0] == '\0')
    return NULL;
  return g_uri_join (G_URI_FLAGS_NONE, "ssh", user, host, port > 0 ? port : -1, "", NULL, NULL);
}

static void
ask (Question *q)
{
  g_autoptr(GPtrArray) fields = g_ptr_array_new ();
  const char *kind, *destination, *prompt;
  g_autofree char *uri = NULL;
  g_autofree char *host = NULL;
  gint64 port = -1;
  gsize start = 0;
  GSocket *socket;

  for (gsize i = 0; i < q->data->len; i++)
    {
      if (q->data->data[i] == '\0')
        {
          g_ptr_array_add (fields, q->data->data + start);
          start = i + 1;
        }
    }
  if (fields->len < 6 ||
      !g_str_equal (g_ptr_array_index (fields, 0), MAGIC) ||
      !tokens_equal (g_ptr_array_index (fields, 1), token))
    {
      g_debug ("askpass: a malformed or unauthorised question");
      finish_question (q);
      return;
    }
  kind = g_ptr_array_index (fields, 2);
  destination = g_ptr_array_index (fields, 3);
  g_ascii_string_to_signed (g_ptr_array_index (fields, 4), 10, 1, 65535, &port, NULL);
  prompt = g_ptr_array_index (fields, 5);

  if (!g_utf8_validate (destination, -1, NULL))
    destination = "";
  uri = ssh_uri (destination, (int) port);
  if (destination[0] == '\0')
    host = g_strdup (_("the ssh server"));
  else if (port > 0 && port != 22)
    /* Translators: an ssh destination (user@host) and its port. */
    host = g_strdup_printf (_("%s (port %d)"), destination, (int) port);
  else
    host = g_strdup (destination);

  if (g_str_equal (kind, "confirm") || strstr (prompt, "(yes/no") != NULL)
    q->request = _ferry_credential_request_new (FERRY_CREDENTIAL_REQUEST_SSH_HOST_KEY, uri, host,
                                                NULL, prompt);
  else
    {
      g_autofree char *lower = g_ascii_strdown (prompt, -1);

      q->request = _ferry_credential_request_new (FERRY_CREDENTIAL_REQUEST_SSH_SECRET, uri, host,
                                                  NULL, prompt);
      if (g_str_has_suffix (g_strchomp (lower), "password:"))
        _ferry_credential_request_add_field (q->request, FERRY_CREDENTIAL_FIELD_PASSWORD, NULL, NULL);
      else
        _ferry_credential_request_add_field (q->request, FERRY_CREDENTIAL_FIELD_SECRET, prompt, NULL);
    }
  /* The question is in the request now; the bytes are not needed. */
  g_clear_pointer (&q->data, wipe_bytes);

  socket = g_socket_connection_get_socket (q->connection);
  q->cancellable = g_cancellable_new ();
  q->hangup = g_socket_create_source (socket, G_IO_HUP | G_IO_ERR, NULL);
  g_source_set_callback (q->hangup, G_SOURCE_FUNC (hung_up), q, NULL);
  g_source_attach (q->hangup, NULL);

  _ferry_credentials_ask_async (q->request, q->cancellable, answered, q);
}

static void
read_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Question *q = user_data;
  g_autoptr(GError) error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, &error);

  if (n < 0)
    {
      g_debug ("askpass: %s", error->message);
      finish_question (q);
      return;
    }
  if (n == 0)
    {
      ask (q);
      return;
    }
  g_byte_array_append (q->data, q->buffer, (guint) n);
  if (q->data->len > MAX_REQUEST_SIZE)
    {
      finish_question (q);
      return;
    }
  g_input_stream_read_async (G_INPUT_STREAM (object), q->buffer, sizeof q->buffer,
                             G_PRIORITY_DEFAULT, NULL, read_done, q);
}

static gboolean
on_incoming (GSocketService    *socket_service,
             GSocketConnection *connection,
             GObject           *source_object,
             gpointer           user_data)
{
  GSocket *socket = g_socket_connection_get_socket (connection);
  g_autoptr(GCredentials) credentials = g_socket_get_credentials (socket, NULL);
  Question *q;

  if (credentials == NULL || g_credentials_get_unix_user (credentials, NULL) != getuid ())
    {
      g_debug ("askpass: a connection from another user, refused");
      g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
      return TRUE;
    }

  q = g_new0 (Question, 1);
  q->connection = g_object_ref (connection);
  q->data = g_byte_array_new ();
  g_input_stream_read_async (g_io_stream_get_input_stream (G_IO_STREAM (connection)),
                             q->buffer, sizeof q->buffer, G_PRIORITY_DEFAULT, NULL, read_done, q);
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* Starting and stopping                                                   */

static char *
find_helper (const char  *helper,
             GError     **error)
{
  g_autofree char *self = NULL;
  g_autoptr(GPtrArray) candidates = g_ptr_array_new_with_free_func (g_free);

  if (helper != NULL)
    g_ptr_array_add (candidates, g_strdup (helper));
  else
    {
      if (g_getenv ("FERRY_ASKPASS") != NULL && g_getenv ("FERRY_ASKPASS")[0] != '\0')
        g_ptr_array_add (candidates, g_strdup (g_getenv ("FERRY_ASKPASS")));
      self = g_file_read_link ("/proc/self/exe", NULL);
      if (self != NULL)
        {
          g_autofree char *self_dir = g_path_get_dirname (self);

          g_ptr_array_add (candidates, g_build_filename (self_dir, "ferry-askpass", NULL));
        }
      g_ptr_array_add (candidates, g_build_filename (LIBEXECDIR, "ferry-askpass", NULL));
    }

  for (guint i = 0; i < candidates->len; i++)
    {
      const char *path = g_ptr_array_index (candidates, i);

      if (g_path_is_absolute (path) && g_file_test (path, G_FILE_TEST_IS_REGULAR) &&
          g_access (path, X_OK) == 0)
        return g_canonicalize_filename (path, NULL);
    }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
               _("Ferry’s ssh password helper (ferry-askpass) was not found in %s"), LIBEXECDIR);
  return NULL;
}

static char *
new_token (void)
{
  guint8 bytes[24];
  GString *text = g_string_new (NULL);

  if (getrandom (bytes, sizeof bytes, 0) != sizeof bytes)
    {
      /* Never short for 24 bytes once the pool is ready; belt and braces. */
      for (guint i = 0; i < sizeof bytes; i++)
        bytes[i] = (guint8) g_random_int ();
    }
  for (guint i = 0; i < sizeof bytes; i++)
    g_string_append_printf (text, "%02x", bytes[i]);
  explicit_bzero (bytes, sizeof bytes);
  return g_string_free (text, FALSE);
}

static void
remove_dir (const char *path)
{
  static const char * const names[] = { "socket", "token", "askpass", "ssh" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *file = g_build_filename (path, names[i], NULL);

      g_unlink (file);
    }
  g_rmdir (path);
}

gboolean
ferry_askpass_server_start (const char  *helper,
                            GError     **error)
{
  g_autofree char *helper_path = NULL;
  g_autofree char *template = NULL;
  g_autofree char *socket_path = NULL;
  g_autofree char *token_path = NULL;
  g_autofree char *new_dir = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocketService) new_service = NULL;
  g_autofree char *new_token_text = NULL;
  const char * const links[] = { "askpass", "ssh" };

  g_return_val_if_fail (ferry_core_is_main_thread (), FALSE);

  if (service != NULL)
    return TRUE;

  helper_path = find_helper (helper, error);
  if (helper_path == NULL)
    return FALSE;

  g_mkdir_with_parents (g_get_user_runtime_dir (), 0700);
  template = g_build_filename (g_get_user_runtime_dir (), "ferry-askpass-XXXXXX", NULL);
  new_dir = g_mkdtemp_full (template, 0700) ? g_steal_pointer (&template) : NULL;
  if (new_dir == NULL)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not create a private directory in %s: %s"),
                   g_get_user_runtime_dir (), g_strerror (saved_errno));
      return FALSE;
    }

  socket_path = g_build_filename (new_dir, "socket", NULL);
  if (strlen (socket_path) > MAX_SOCKET_PATH)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FILENAME_TOO_LONG,
                   _("The runtime directory path is too long for a socket: %s"), socket_path);
      remove_dir (new_dir);
      return FALSE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (links); i++)
    {
      g_autofree char *link = g_build_filename (new_dir, links[i], NULL);

      if (symlink (helper_path, link) < 0)
        {
          int saved_errno = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       "%s: %s", link, g_strerror (saved_errno));
          remove_dir (new_dir);
          return FALSE;
        }
    }

  new_token_text = new_token ();
  token_path = g_build_filename (new_dir, "token", NULL);
  if (!g_file_set_contents_full (token_path, new_token_text, -1,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, error))
    {
      remove_dir (new_dir);
      return FALSE;
    }

  new_service = g_socket_service_new ();
  address = g_unix_socket_address_new (socket_path);
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (new_service), address,
                                      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT,
                                      NULL, NULL, error))
    {
      remove_dir (new_dir);
      return FALSE;
    }
  g_signal_connect (new_service, "incoming", G_CALLBACK (on_incoming), NULL);
  g_socket_service_start (new_service);

  service = g_steal_pointer (&new_service);
  token = g_steal_pointer (&new_token_text);
  g_mutex_lock (&lock);
  dir = g_steal_pointer (&new_dir);
  g_mutex_unlock (&lock);
  g_debug ("askpass: listening in %s (helper %s)", dir, helper_path);
  return TRUE;
}

void
ferry_askpass_server_stop (void)
{
  g_autofree char *old_dir = NULL;

  g_return_if_fail (ferry_core_is_main_thread ());

  if (service == NULL)
    return;
  g_socket_service_stop (service);
  g_socket_listener_close (G_SOCKET_LISTENER (service));
  g_clear_object (&service);
  if (token != NULL)
    {
      explicit_bzero (token, strlen (token));
      g_clear_pointer (&token, g_free);
    }
  g_mutex_lock (&lock);
  old_dir = g_steal_pointer (&dir);
  g_mutex_unlock (&lock);
  remove_dir (old_dir);
}

gboolean
ferry_askpass_server_is_running (void)
{
  gboolean running;

  g_mutex_lock (&lock);
  running = dir != NULL;
  g_mutex_unlock (&lock);
  return running;
}

static char *
dup_path (const char *name)
{
  char *path = NULL;

  g_mutex_lock (&lock);
  if (dir != NULL)
    path = g_build_filename (dir, name, NULL);
  g_mutex_unlock (&lock);
  return path;
}

char *
_ferry_askpass_dup_ssh_command (void)
{
  return dup_path ("ssh");
}

/* libvirt's ssh transport runs `ssh` with an environment it filters (no
 * SSH_ASKPASS_REQUIRE, nothing of ours), but it runs the program named by
 * the URI's "command" parameter. We point that at our ssh wrapper, which
 * sets up ssh to ask through Ferry (below). Users cannot
 * set "command" themselves (ferry-uri.c refuses it). */
char *
_ferry_askpass_connect_uri (const char *uri)
{
  g_autoptr(GUri) parsed = g_uri_parse (uri, G_URI_FLAGS_ENCODED_QUERY, NULL);
  g_autofree char *ssh = NULL;
  g_autofree char *escaped = NULL;
  const char *scheme;
  const char *query;

  if (parsed == NULL)
    return g_strdup (uri);
  scheme = g_uri_get_scheme (parsed);
  if (!g_str_has_suffix (scheme, "+ssh"))
    return g_strdup (uri);
  query = g_uri_get_query (parsed);
  if (query != NULL && (strstr (query, "command=") != NULL || strstr (query, "no_tty=1") != NULL))
    return g_strdup (uri);
  ssh = dup_path ("ssh");
  if (ssh == NULL)
    return g_strdup (uri);

  escaped = g_uri_escape_string (ssh, "/", FALSE);
  return g_strdup_printf ("%s%scommand=%s", uri,
                          query == NULL ? "?" : (query[0] == '\0' ? "" : "&"), escaped);
}

gboolean
ferry_askpass_prepare_launcher (GSubprocessLauncher *launcher,
                                const char          *destination,
                                int                  port)
{
  g_autofree char *askpass = dup_path ("askpass");

  g_return_val_if_fail (G_IS_SUBPROCESS_LAUNCHER (launcher), FALSE);

  if (askpass == NULL)
    return FALSE;
  g_subprocess_launcher_setenv (launcher, "SSH_ASKPASS", askpass, TRUE);
  g_subprocess_launcher_setenv (launcher, "SSH_ASKPASS_REQUIRE", "force", TRUE);
  g_subprocess_launcher_setenv (launcher, "FERRY_ASKPASS_DESTINATION", destination ? destination : "", TRUE);
  if (port > 0)
    {
      g_autofree char *text = g_strdup_printf ("%d", port);

      g_subprocess_launcher_setenv (launcher, "FERRY_ASKPASS_PORT", text, TRUE);
    }
  else
    g_subprocess_launcher_unsetenv (launcher, "FERRY_ASKPASS_PORT");
  return TRUE;
}
