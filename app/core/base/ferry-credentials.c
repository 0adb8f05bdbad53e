/* ferry-credentials.c — answering libvirt's authentication callback
 *
 * libvirt calls its authentication callback on the thread that opens the
 * connection: a node's own worker (ferry-node.c). The callback answers from
 * what it knows, in this order:
 *   1. what was typed for this URI earlier in this session (memory only),
 *   2. the keyring (the Secret Service, through libsecret),
 *   3. the user: a FerryCredentialRequest handed to the main thread, where
 *      the application shows its dialog; the worker sleeps on the request's
 *      GCond meanwhile. Only this node's worker waits: other nodes, and the
 *      main loop, go on.
 * A saved password that is refused is asked for again (the dialog offers to
 * replace it); a new one goes to the keyring only when the user ticked
 * "Remember", and only once libvirt accepted it.
 *
 * The keyring code is here, in the GTK-free core, rather than in the app:
 * libsecret needs only GLib/GIO; the decision "use the saved password, see
 * it refused, ask again, replace it" happens inside one connection attempt
 * on the worker, where libsecret's blocking calls are allowed (they are
 * meant for non-UI threads); the core's tests can then check the whole
 * flow against a real Secret Service without a window.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>
#include <libvirt/virterror.h>

#include "ferry-core.h"
#include "ferry-credentials-private.h"
#include "ferry-libvirt.h"
#include "ferry-uri.h"

static GMutex                 lock;
/* Guarded by lock. */
static FerryCredentialHandler handler;
static gpointer               handler_data;
static GDestroyNotify         handler_destroy;
static GPtrArray             *pending;        /* FerryCredentialRequest, asked and open */
static GHashTable            *session;        /* uri → Login */

typedef struct
{
  char *username;
  char *password;
} Login;

static void
login_free (gpointer data)
{
  Login *login = data;

  g_free (login->username);
  ferry_secret_free (login->password);
  g_free (login);
}

/* ---------------------------------------------------------------------- */
/* The handler and the open questions                                      */

static GPtrArray *
get_pending (void)
{
  if (pending == NULL)
    pending = g_ptr_array_new_with_free_func (g_object_unref);
  return pending;
}

void
ferry_credentials_set_handler (FerryCredentialHandler handler_func,
                               gpointer               user_data,
                               GDestroyNotify         destroy)
{
  g_autoptr(GPtrArray) open = NULL;
  GDestroyNotify old_destroy;
  gpointer old_data;

  g_return_if_fail (ferry_core_is_main_thread ());

  g_mutex_lock (&lock);
  old_destroy = handler_destroy;
  old_data = handler_data;
  handler = handler_func;
  handler_data = user_data;
  handler_destroy = destroy;
  open = g_ptr_array_copy (get_pending (), (GCopyFunc) (void (*) (void)) g_object_ref, NULL);
  g_ptr_array_set_free_func (open, g_object_unref);
  g_mutex_unlock (&lock);

  /* Whoever was to answer them is gone. */
  for (guint i = 0; i < open->len; i++)
    _ferry_credential_request_finish (g_ptr_array_index (open, i), FERRY_CREDENTIAL_OUTCOME_CANCELLED);
  if (old_destroy != NULL)
    old_destroy (old_data);
}

guint
ferry_credentials_get_n_pending (void)
{
  guint n;

  g_mutex_lock (&lock);
  n = get_pending ()->len;
  g_mutex_unlock (&lock);
  return n;
}

/* The host of a libvirt URI, even of one Ferry would not accept from a
 * user (tests reach the test driver through a daemon). */
static char *
host_of (const char *uri)
{
  g_autoptr(GUri) parsed = NULL;
  char *host = ferry_uri_get_host (uri);

  if (host != NULL)
    return host;
  parsed = g_uri_parse (uri, G_URI_FLAGS_ENCODED_QUERY, NULL);
  return parsed && g_uri_get_host (parsed) ? g_strdup (g_uri_get_host (parsed)) : NULL;
}

static gboolean
same_host (const char *uri,
           const char *host)
{
  g_autofree char *uri_host = NULL;

  if (uri == NULL || host == NULL)
    return FALSE;
  uri_host = host_of (uri);
  return uri_host != NULL && g_ascii_strcasecmp (uri_host, host) == 0;
}

gboolean
_ferry_credentials_is_asking_about (const char *uri)
{
  gboolean asking = FALSE;

  g_mutex_lock (&lock);
  for (guint i = 0; !asking && i < get_pending ()->len; i++)
    {
      FerryCredentialRequest *request = g_ptr_array_index (pending, i);
      const char *request_uri = ferry_credential_request_get_uri (request);

      if (ferry_credential_request_get_kind (request) == FERRY_CREDENTIAL_REQUEST_LOGIN)
        asking = g_strcmp0 (request_uri, uri) == 0;
      else if (request_uri != NULL)
        {
          /* ssh's questions carry ssh://[user@]host[:port]. */
          g_autoptr(GUri) parsed = g_uri_parse (request_uri, G_URI_FLAGS_NONE, NULL);

          asking = parsed != NULL && same_host (uri, g_uri_get_host (parsed));
        }
    }
  g_mutex_unlock (&lock);
  return asking;
}

static gboolean
add_pending (FerryCredentialRequest *request)
{
  gboolean has_handler;

  g_mutex_lock (&lock);
  has_handler = handler != NULL;
  if (has_handler)
    g_ptr_array_add (get_pending (), g_object_ref (request));
  g_mutex_unlock (&lock);
  return has_handler;
}

static void
remove_pending (FerryCredentialRequest *request)
{
  g_mutex_lock (&lock);
  g_ptr_array_remove (get_pending (), request);
  g_mutex_unlock (&lock);
}

/* On the main thread. */
static gboolean
dispatch (gpointer data)
{
  FerryCredentialRequest *request = data;
  FerryCredentialHandler func;
  gpointer func_data;

  if (ferry_credential_request_get_finished (request))
    return G_SOURCE_REMOVE;

  g_mutex_lock (&lock);
  func = handler;
  func_data = handler_data;
  g_mutex_unlock (&lock);

  if (func == NULL)
    _ferry_credential_request_finish (request, FERRY_CREDENTIAL_OUTCOME_UNANSWERED);
  else
    func (request, func_data);
  return G_SOURCE_REMOVE;
}

static void
send_to_main_thread (FerryCredentialRequest *request)
{
  GSource *source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, dispatch, g_object_ref (request), g_object_unref);
  g_source_set_static_name (source, "[ferry] credential request");
  g_source_attach (source, NULL);
  g_source_unref (source);
}

static void
withdraw (GCancellable *cancellable,
          gpointer      data)
{
  _ferry_credential_request_finish (data, FERRY_CREDENTIAL_OUTCOME_WITHDRAWN);
}

FerryCredentialOutcome
_ferry_credentials_ask_sync (FerryCredentialRequest *request,
                             GCancellable           *cancellable)
{
  FerryCredentialOutcome outcome;
  gulong cancel_id = 0;

  FERRY_ASSERT_WORKER_THREAD ();

  if (!add_pending (request))
    {
      _ferry_credential_request_finish (request, FERRY_CREDENTIAL_OUTCOME_UNANSWERED);
      return FERRY_CREDENTIAL_OUTCOME_UNANSWERED;
    }
  if (cancellable != NULL)
    cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (withdraw),
                                       g_object_ref (request), g_object_unref);
  send_to_main_thread (request);

  outcome = _ferry_credential_request_wait (request);

  if (cancel_id != 0)
    g_cancellable_disconnect (cancellable, cancel_id);
  remove_pending (request);
  return outcome;
}

typedef struct
{
  GCancellable            *cancellable;
  gulong                   cancel_id;
  FerryCredentialDoneFunc  func;
  gpointer                 user_data;
} AsyncAsk;

static void
async_done (FerryCredentialRequest *request,
            FerryCredentialOutcome  outcome,
            gpointer                data)
{
  AsyncAsk *ask = data;

  /* Runs from an idle source, never inside the cancellable's handler, so
   * disconnecting here cannot deadlock. */
  if (ask->cancel_id != 0)
    g_cancellable_disconnect (ask->cancellable, ask->cancel_id);
  g_clear_object (&ask->cancellable);
  remove_pending (request);
  if (ask->func != NULL)
    ask->func (request, outcome, ask->user_data);
  g_free (ask);
}

void
_ferry_credentials_ask_async (FerryCredentialRequest  *request,
                              GCancellable            *cancellable,
                              FerryCredentialDoneFunc  func,
                              gpointer                 user_data)
{
  AsyncAsk *ask = g_new0 (AsyncAsk, 1);

  ask->func = func;
  ask->user_data = user_data;
  _ferry_credential_request_set_done_func (request, async_done, ask);

  if (!add_pending (request))
    {
      _ferry_credential_request_finish (request, FERRY_CREDENTIAL_OUTCOME_UNANSWERED);
      return;
    }
  if (cancellable != NULL)
    {
      ask->cancellable = g_object_ref (cancellable);
      ask->cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (withdraw),
                                              g_object_ref (request), g_object_unref);
    }
  send_to_main_thread (request);
}

/* ---------------------------------------------------------------------- */
/* Session memory                                                          */

static gboolean
session_lookup (const char  *uri,
                char       **username,
                char       **password)
{
  Login *login;

  g_mutex_lock (&lock);
  login = session ? g_hash_table_lookup (session, uri) : NULL;
  if (login != NULL)
    {
      *username = g_strdup (login->username);
      *password = g_strdup (login->password);
    }
  g_mutex_unlock (&lock);
  return login != NULL;
}

static void
session_store (const char *uri,
               const char *username,
               const char *password)
{
  Login *login = g_new0 (Login, 1);

  login->username = g_strdup (username);
  login->password = g_strdup (password);
  g_mutex_lock (&lock);
  if (session == NULL)
    session = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, login_free);
  g_hash_table_replace (session, g_strdup (uri), login);
  g_mutex_unlock (&lock);
}

void
ferry_credentials_forget_session (const char *uri)
{
  g_return_if_fail (uri != NULL);

  g_mutex_lock (&lock);
  if (session != NULL)
    g_hash_table_remove (session, uri);
  g_mutex_unlock (&lock);
}

/* ---------------------------------------------------------------------- */
/* The keyring                                                             */

static const SecretSchema *
get_schema (void)
{
  static const SecretSchema schema = {
    FERRY_CREDENTIALS_SCHEMA_NAME, SECRET_SCHEMA_NONE,
    {
      { "uri", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "username", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
  };
  return &schema;
}

gboolean
ferry_credentials_lookup_saved_sync (const char    *uri,
                                     char         **username,
                                     char         **password,
                                     GCancellable  *cancellable,
                                     GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  GList *items;
  gboolean found = FALSE;

  g_return_val_if_fail (uri != NULL, FALSE);
  g_return_val_if_fail (!ferry_core_is_main_thread (), FALSE);

  items = secret_password_search_sync (get_schema (),
                                       SECRET_SEARCH_UNLOCK | SECRET_SEARCH_LOAD_SECRETS,
                                       cancellable, &local_error,
                                       "uri", uri,
                                       NULL);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  for (GList *l = items; l != NULL && !found; l = l->next)
    {
      SecretRetrievable *item = l->data;
      g_autoptr(GHashTable) attributes = secret_retrievable_get_attributes (item);
      g_autoptr(SecretValue) value = secret_retrievable_retrieve_secret_sync (item, cancellable, NULL);
      const char *text = value ? secret_value_get_text (value) : NULL;

      if (text == NULL)
        continue;
      if (username != NULL)
        *username = g_strdup (g_hash_table_lookup (attributes, "username"));
      if (password != NULL)
        *password = g_strdup (text);
      found = TRUE;
    }
  g_list_free_full (items, g_object_unref);
  return found;
}

gboolean
ferry_credentials_forget_saved_sync (const char    *uri,
                                     GCancellable  *cancellable,
                                     GError       **error)
{
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (uri != NULL, FALSE);
  g_return_val_if_fail (!ferry_core_is_main_thread (), FALSE);

  /* FALSE without an error: there was nothing to remove. */
  if (!secret_password_clear_sync (get_schema (), cancellable, &local_error, "uri", uri, NULL) &&
      local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

gboolean
ferry_credentials_save_sync (const char    *uri,
                             const char    *username,
                             const char    *password,
                             GCancellable  *cancellable,
                             GError       **error)
{
  g_autofree char *label = NULL;

  g_return_val_if_fail (uri != NULL, FALSE);
  g_return_val_if_fail (password != NULL, FALSE);
  g_return_val_if_fail (!ferry_core_is_main_thread (), FALSE);

  /* One password per URI: the old one goes, whatever its user name. */
  if (!ferry_credentials_forget_saved_sync (uri, cancellable, error))
    return FALSE;

  if (username != NULL && username[0] != '\0')
    /* Translators: the label of a saved password in the keyring (Seahorse);
     * the first %s is a user name, the second a libvirt URI. */
    label = g_strdup_printf (_("Ferry: password of %s for %s"), username, uri);
  else
    /* Translators: the label of a saved password in the keyring; %s is a
     * libvirt URI. */
    label = g_strdup_printf (_("Ferry: password for %s"), uri);

  return secret_password_store_sync (get_schema (), SECRET_COLLECTION_DEFAULT, label, password,
                                     cancellable, error,
                                     "uri", uri,
                                     "username", username ? username : "",
                                     NULL);
}

/* ---------------------------------------------------------------------- */
/* libvirt's authentication callback                                       */

typedef enum
{
  SOURCE_NONE,
  SOURCE_SESSION,
  SOURCE_KEYRING,
  SOURCE_USER,
} Source;

struct _FerryAuth
{
  char                   *uri;
  char                   *connect_uri;    /* NULL: uri */
  char                   *host;
  char                   *uri_user;
  GCancellable           *cancellable;

  /* The attempt under way. */
  gboolean                allow_saved;
  Source                  source;
  FerryCredentialOutcome  outcome;
  gboolean                remember;
  gboolean                host_key_refused;
  char                   *username;
  char                   *password;

  /* Across the attempts of one open. */
  gboolean                saved_exists;
  gboolean                saved_refused;
  char                   *message;
};

FerryAuth *
_ferry_auth_new (const char   *uri,
                 const char   *host,
                 GCancellable *cancellable)
{
  FerryAuth *auth = g_new0 (FerryAuth, 1);
  g_autoptr(GUri) parsed = g_uri_parse (uri, G_URI_FLAGS_ENCODED_QUERY, NULL);

  auth->uri = g_strdup (uri);
  auth->host = g_strdup (host ? host : uri);
  auth->cancellable = cancellable ? g_object_ref (cancellable) : NULL;
  if (parsed != NULL && g_uri_get_user (parsed) != NULL)
    auth->uri_user = g_uri_unescape_string (g_uri_get_user (parsed), NULL);
  return auth;
}

static void
auth_reset_attempt (FerryAuth *auth)
{
  auth->source = SOURCE_NONE;
  auth->outcome = FERRY_CREDENTIAL_OUTCOME_PENDING;
  auth->remember = FALSE;
  auth->host_key_refused = FALSE;
  g_clear_pointer (&auth->username, g_free);
  g_clear_pointer (&auth->password, ferry_secret_free);
}

void
_ferry_auth_free (FerryAuth *auth)
{
  if (auth == NULL)
    return;
  auth_reset_attempt (auth);
  g_free (auth->uri);
  g_free (auth->connect_uri);
  g_free (auth->host);
  g_free (auth->uri_user);
  g_free (auth->message);
  g_clear_object (&auth->cancellable);
  g_free (auth);
}

static gboolean
is_name (int type)
{
  return type == VIR_CRED_AUTHNAME || type == VIR_CRED_USERNAME;
}

static gboolean
is_password (int type)
{
  return type == VIR_CRED_PASSPHRASE || type == VIR_CRED_NOECHOPROMPT;
}

/* A user name (maybe) and a password, nothing else: what the keyring keeps
 * and what "Remember" applies to (SASL asks exactly this). */
static gboolean
is_login (virConnectCredentialPtr cred,
          unsigned int            ncred)
{
  guint names = 0, passwords = 0;

  for (unsigned int i = 0; i < ncred; i++)
    {
      if (is_name (cred[i].type))
        names++;
      else if (is_password (cred[i].type) &&
               /* A key's passphrase (libvirt's libssh transport asks
                * "Passphrase", or "Passphrase for key …") is no password
                * of this host. */
               !(cred[i].prompt && g_str_has_prefix (cred[i].prompt, "Passphrase")))
        passwords++;
      else
        return FALSE;
    }
  return names <= 1 && passwords == 1;
}

static void
set_result (virConnectCredentialPtr  cred,
            const char              *value)
{
  /* libvirt frees results with free(). */
  cred->result = strdup (value ? value : "");
  cred->resultlen = cred->result ? strlen (cred->result) : 0;
}

static void
fill_login (virConnectCredentialPtr  cred,
            unsigned int             ncred,
            const char              *username,
            const char              *password)
{
  for (unsigned int i = 0; i < ncred; i++)
    {
      if (is_name (cred[i].type))
        set_result (&cred[i], username && *username ? username : cred[i].defresult);
      else
        set_result (&cred[i], password);
    }
}

static gboolean
answer_from_saved (FerryAuth               *auth,
                   virConnectCredentialPtr  cred,
                   unsigned int             ncred)
{
  g_autofree char *username = NULL;
  g_autofree char *password = NULL;
  g_autoptr(GError) error = NULL;

  if (session_lookup (auth->uri, &username, &password))
    auth->source = SOURCE_SESSION;
  else if (ferry_credentials_lookup_saved_sync (auth->uri, &username, &password,
                                                auth->cancellable, &error))
    {
      auth->source = SOURCE_KEYRING;
      auth->saved_exists = TRUE;
    }
  else
    {
      if (error != NULL)
        g_debug ("No saved password for %s: %s", auth->uri, error->message);
      return FALSE;
    }

  fill_login (cred, ncred, username, password);
  auth->username = g_steal_pointer (&username);
  auth->password = g_steal_pointer (&password);
  return TRUE;
}

/* libvirt's libssh transport asks whether to trust an unknown host key
 * as a y/n prompt: the same question as OpenSSH's, the same dialog. */
static gboolean
is_host_key_question (virConnectCredentialPtr cred,
                      unsigned int            ncred)
{
  return ncred == 1 && cred[0].type == VIR_CRED_ECHOPROMPT && cred[0].prompt != NULL &&
         g_str_has_prefix (cred[0].prompt, "Accept SSH host key");
}

static int
ask_host_key (FerryAuth               *auth,
              virConnectCredentialPtr  cred)
{
  g_autoptr(FerryCredentialRequest) request = NULL;
  g_autofree char *host = host_of (auth->uri);

  request = _ferry_credential_request_new (FERRY_CREDENTIAL_REQUEST_SSH_HOST_KEY, auth->uri,
                                           host ? host : auth->host, NULL, cred->prompt);
  auth->outcome = _ferry_credentials_ask_sync (request, auth->cancellable);
  auth->host_key_refused = auth->outcome == FERRY_CREDENTIAL_OUTCOME_CANCELLED;
  if (auth->outcome != FERRY_CREDENTIAL_OUTCOME_REPLIED)
    return -1;
  set_result (cred, "y");
  return 0;
}

static int
auth_callback (virConnectCredentialPtr cred,
               unsigned int            ncred,
               void                   *cbdata)
{
  FerryAuth *auth = cbdata;
  g_autoptr(FerryCredentialRequest) request = NULL;
  gboolean login = is_login (cred, ncred);

  FERRY_ASSERT_WORKER_THREAD ();

  for (unsigned int i = 0; i < ncred; i++)
    g_debug ("%s asks (type %d): %s", auth->uri, cred[i].type, cred[i].prompt ? cred[i].prompt : "");
  if (is_host_key_question (cred, ncred))
    return ask_host_key (auth, cred);

  if (login && auth->allow_saved && answer_from_saved (auth, cred, ncred))
    return 0;

  request = _ferry_credential_request_new (FERRY_CREDENTIAL_REQUEST_LOGIN, auth->uri, auth->host,
                                           auth->message, NULL);
  for (unsigned int i = 0; i < ncred; i++)
    {
      FerryCredentialFieldKind kind;
      const char *value = NULL;

      switch (cred[i].type)
        {
        case VIR_CRED_AUTHNAME:
        case VIR_CRED_USERNAME:
          kind = FERRY_CREDENTIAL_FIELD_USERNAME;
          value = auth->username ? auth->username : auth->uri_user ? auth->uri_user : cred[i].defresult;
          break;
        case VIR_CRED_PASSPHRASE:
          kind = login ? FERRY_CREDENTIAL_FIELD_PASSWORD : FERRY_CREDENTIAL_FIELD_SECRET;
          break;
        case VIR_CRED_NOECHOPROMPT:
          kind = login ? FERRY_CREDENTIAL_FIELD_PASSWORD : FERRY_CREDENTIAL_FIELD_SECRET;
          break;
        case VIR_CRED_ECHOPROMPT:
        default:
          kind = FERRY_CREDENTIAL_FIELD_TEXT;
          value = cred[i].defresult;
          break;
        }
      /* libvirt's own prompts ("Please enter your password") say less than
       * the dialog's labels: keep them only for free-form questions. */
      _ferry_credential_request_add_field (request, kind,
                                           kind == FERRY_CREDENTIAL_FIELD_TEXT ||
                                           kind == FERRY_CREDENTIAL_FIELD_SECRET ? cred[i].prompt : NULL,
                                           value);
    }
  _ferry_credential_request_set_remember_options (request, login, auth->saved_exists, auth->saved_exists);

  auth->outcome = _ferry_credentials_ask_sync (request, auth->cancellable);
  if (auth->outcome != FERRY_CREDENTIAL_OUTCOME_REPLIED)
    return -1;

  g_clear_pointer (&auth->username, g_free);
  g_clear_pointer (&auth->password, ferry_secret_free);
  for (unsigned int i = 0; i < ncred; i++)
    {
      g_autofree char *value = _ferry_credential_request_dup_field_value (request, i);

      set_result (&cred[i], value && (*value || !is_name (cred[i].type)) ? value : cred[i].defresult);
      if (login && is_name (cred[i].type))
        auth->username = g_steal_pointer (&value);
      else if (login)
        auth->password = g_steal_pointer (&value);
      else
        ferry_secret_free (g_steal_pointer (&value));
    }
  auth->source = SOURCE_USER;
  auth->remember = login && _ferry_credential_request_wants_remember (request);
  return 0;
}

/* No VIR_CRED_USERNAME: SASL would then ask for an authorization identity
 * besides the user name, a second "user name" nobody needs. */
static int auth_credtypes[] = {
  VIR_CRED_AUTHNAME,
  VIR_CRED_PASSPHRASE,
  VIR_CRED_ECHOPROMPT,
  VIR_CRED_NOECHOPROMPT,
};

/* ---------------------------------------------------------------------- */
/* Opening                                                                 */

/* ---------------------------------------------------------------------- */
/* TLS: why libvirt could not verify the host's certificate                */

/* libvirt says only "Failed to verify peer's certificate" (the reason goes
 * to its log). Ask the host for its certificate ourselves and check it
 * against the CA libvirt uses, for the host name in the URI. */

static gboolean
capture_certificate (GTlsConnection       *connection,
                     GTlsCertificate      *certificate,
                     GTlsCertificateFlags  errors,
                     GTlsCertificate     **peer)
{
  g_set_object (peer, certificate);
  /* We only wanted to see it. */
  return FALSE;
}

static char *
tls_ca_file (const char *query)
{
  g_autoptr(GHashTable) params = NULL;
  const char *pkipath = NULL;
  g_autofree char *user_ca = NULL;

  if (query != NULL)
    params = g_uri_parse_params (query, -1, "&;", G_URI_PARAMS_NONE, NULL);
  if (params != NULL)
    pkipath = g_hash_table_lookup (params, "pkipath");
  if (pkipath != NULL)
    return g_build_filename (pkipath, "cacert.pem", NULL);
  /* As libvirt does: a non-root user's own set first, when it exists. */
  user_ca = g_build_filename (g_get_home_dir (), ".pki", "libvirt", "cacert.pem", NULL);
  if (getuid () != 0 && g_file_test (user_ca, G_FILE_TEST_EXISTS))
    return g_steal_pointer (&user_ca);
  return g_strdup ("/etc/pki/CA/cacert.pem");
}

static char *
certificate_names (GTlsCertificate *certificate)
{
  g_autoptr(GPtrArray) dns = g_tls_certificate_get_dns_names (certificate);
  g_autoptr(GPtrArray) ips = g_tls_certificate_get_ip_addresses (certificate);
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; dns != NULL && i < dns->len; i++)
    {
      gsize size;
      const char *name = g_bytes_get_data (g_ptr_array_index (dns, i), &size);
      g_autofree char *text = g_utf8_make_valid (name, (gssize) size);

      g_string_append_printf (names, "%s%s", names->len ? ", " : "", text);
    }
  for (guint i = 0; ips != NULL && i < ips->len; i++)
    {
      g_autofree char *text = g_inet_address_to_string (g_ptr_array_index (ips, i));

      g_string_append_printf (names, "%s%s", names->len ? ", " : "", text);
    }
  if (names->len == 0)
    {
      g_autofree char *subject = g_tls_certificate_get_subject_name (certificate);

      g_string_append (names, subject ? subject : "?");
    }
  return g_string_free (g_steal_pointer (&names), FALSE);
}

static char *
diagnose_tls_peer (const char *uri)
{
  g_autoptr(GUri) parsed = g_uri_parse (uri, G_URI_FLAGS_ENCODED_QUERY, NULL);
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnectable) identity = NULL;
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GIOStream) tls = NULL;
  g_autoptr(GTlsCertificate) peer = NULL;
  g_autoptr(GTlsCertificate) ca = NULL;
  g_autofree char *ca_file = NULL;
  g_autofree char *names = NULL;
  GTlsCertificateFlags flags;
  const char *host;
  int port;

  FERRY_ASSERT_WORKER_THREAD ();

  if (parsed == NULL || g_uri_get_host (parsed) == NULL)
    return NULL;
  host = g_uri_get_host (parsed);
  port = g_uri_get_port (parsed) > 0 ? g_uri_get_port (parsed) : 16514;
  ca_file = tls_ca_file (g_uri_get_query (parsed));

  g_socket_client_set_timeout (client, 10);
  identity = g_network_address_new (host, (guint16) port);
  connection = g_socket_client_connect (client, identity, NULL, NULL);
  if (connection == NULL)
    return NULL;
  tls = g_tls_client_connection_new (G_IO_STREAM (connection), identity, NULL);
  if (tls == NULL)
    return NULL;
  g_signal_connect (tls, "accept-certificate", G_CALLBACK (capture_certificate), &peer);
  g_tls_connection_handshake (G_TLS_CONNECTION (tls), NULL, NULL);
  if (peer == NULL && g_tls_connection_get_peer_certificate (G_TLS_CONNECTION (tls)) != NULL)
    peer = g_object_ref (g_tls_connection_get_peer_certificate (G_TLS_CONNECTION (tls)));
  g_io_stream_close (tls, NULL, NULL);
  if (peer == NULL)
    return NULL;

  ca = g_tls_certificate_new_from_file (ca_file, NULL);
  flags = g_tls_certificate_verify (peer, identity, ca);
  names = certificate_names (peer);

  if (flags & G_TLS_CERTIFICATE_UNKNOWN_CA)
    return g_strdup_printf (_("The TLS certificate of %s (issued to %s) was not signed by the "
                              "certificate authority this computer trusts for libvirt (%s). Install "
                              "the CA that signed it there, or give the host a certificate signed "
                              "by that CA."),
                            host, names, ca_file);
  if (flags & G_TLS_CERTIFICATE_EXPIRED)
    return g_strdup_printf (_("The TLS certificate of %s (issued to %s) has expired. The host "
                              "needs a new one."),
                            host, names);
  if (flags & G_TLS_CERTIFICATE_NOT_ACTIVATED)
    return g_strdup_printf (_("The TLS certificate of %s (issued to %s) is not valid yet. Check "
                              "this computer’s clock."),
                            host, names);
  if (flags & G_TLS_CERTIFICATE_REVOKED)
    return g_strdup_printf (_("The TLS certificate of %s (issued to %s) has been revoked. The host "
                              "needs a new one."),
                            host, names);
  if (flags & G_TLS_CERTIFICATE_BAD_IDENTITY)
    return g_strdup_printf (_("The TLS certificate of %s was issued to %s, not to %s. Connect with "
                              "the name written in the certificate (it must lead to this host), or "
                              "give the host a certificate that names %s."),
                            host, names, host, host);
  return NULL;
}

static gboolean
is_auth_failure (const GError *error)
{
  return g_error_matches (error, FERRY_LIBVIRT_ERROR, FERRY_LIBVIRT_ERROR_AUTH);
}

static void
after_success (FerryAuth *auth)
{
  g_autoptr(GError) error = NULL;

  switch (auth->source)
    {
    case SOURCE_KEYRING:
      session_store (auth->uri, auth->username, auth->password);
      break;
    case SOURCE_USER:
      if (auth->password == NULL)
        break;
      session_store (auth->uri, auth->username, auth->password);
      if (auth->remember)
        {
          if (!ferry_credentials_save_sync (auth->uri, auth->username, auth->password,
                                            auth->cancellable, &error))
            g_message ("Could not save the password for %s in the keyring: %s",
                       auth->uri, error->message);
        }
      else if (auth->saved_refused)
        {
          /* The saved one is wrong, and the user chose not to keep the
           * new one: keep nothing. */
          if (!ferry_credentials_forget_saved_sync (auth->uri, auth->cancellable, &error))
            g_message ("Could not remove the password for %s from the keyring: %s",
                       auth->uri, error->message);
        }
      break;
    case SOURCE_SESSION:
    case SOURCE_NONE:
    default:
      break;
    }
}

void
_ferry_auth_set_connect_uri (FerryAuth  *auth,
                             const char *uri)
{
  g_return_if_fail (auth != NULL);

  g_free (auth->connect_uri);
  auth->connect_uri = g_strcmp0 (uri, auth->uri) != 0 ? g_strdup (uri) : NULL;
}

virConnectPtr
_ferry_auth_open (FerryAuth  *auth,
                  GError    **error)
{
  virConnectAuth vauth = { auth_credtypes, G_N_ELEMENTS (auth_credtypes), auth_callback, auth };
  const char *target = auth->connect_uri != NULL ? auth->connect_uri : auth->uri;

  FERRY_ASSERT_WORKER_THREAD ();

  for (guint attempt = 0; ; attempt++)
    {
      g_autoptr(GError) local_error = NULL;
      virConnectPtr conn;

      auth_reset_attempt (auth);
      auth->allow_saved = attempt == 0;

      conn = virConnectOpenAuth (target, &vauth, 0);
      if (conn != NULL)
        {
          after_success (auth);
          return conn;
        }
      ferry_libvirt_set_error (&local_error, NULL);

      switch (auth->outcome)
        {
        case FERRY_CREDENTIAL_OUTCOME_CANCELLED:
        case FERRY_CREDENTIAL_OUTCOME_WITHDRAWN:
          if (auth->host_key_refused)
            g_set_error (error, FERRY_LIBVIRT_ERROR, FERRY_LIBVIRT_ERROR_AUTH,
                         _("The ssh host key of %s was not trusted: Ferry did not connect."),
                         auth->host);
          else
            g_set_error (error, FERRY_LIBVIRT_ERROR, FERRY_LIBVIRT_ERROR_AUTH,
                         _("Signing in to %s was cancelled."), auth->host);
          return NULL;
        case FERRY_CREDENTIAL_OUTCOME_UNANSWERED:
          g_set_error (error, FERRY_LIBVIRT_ERROR, FERRY_LIBVIRT_ERROR_AUTH,
                       _("%s asks for a user name and password, and there is no one to ask (%s)."),
                       auth->host, local_error->message);
          return NULL;
        case FERRY_CREDENTIAL_OUTCOME_PENDING:
        case FERRY_CREDENTIAL_OUTCOME_REPLIED:
        default:
          break;
        }

      if (is_auth_failure (local_error) && attempt == 0 &&
          (auth->source == SOURCE_SESSION || auth->source == SOURCE_KEYRING))
        {
          ferry_credentials_forget_session (auth->uri);
          g_clear_pointer (&auth->message, g_free);
          if (auth->source == SOURCE_KEYRING)
            {
              auth->saved_refused = TRUE;
              auth->message = auth->username && *auth->username
                ? g_strdup_printf (_("The password saved in the keyring for “%s” was not accepted. "
                                     "Type it again."), auth->username)
                : g_strdup (_("The password saved in the keyring was not accepted. Type it again."));
            }
          else
            auth->message = g_strdup (_("The password typed earlier was not accepted any more. "
                                        "Type it again."));
          continue;
        }

      if (is_auth_failure (local_error) && auth->source == SOURCE_USER)
        {
          ferry_credentials_forget_session (auth->uri);
          g_set_error (error, FERRY_LIBVIRT_ERROR, FERRY_LIBVIRT_ERROR_AUTH,
                       _("%s did not accept the user name or the password (%s)."),
                       auth->host, local_error->message);
          return NULL;
        }

      if (strstr (local_error->message, "Failed to verify peer's certificate") != NULL)
        {
          g_autofree char *why = diagnose_tls_peer (auth->uri);

          if (why != NULL)
            {
              g_set_error_literal (error, FERRY_LIBVIRT_ERROR, FERRY_LIBVIRT_ERROR_AUTH, why);
              return NULL;
            }
        }
      _ferry_credentials_explain_error (auth->uri, &local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
}

/* ---------------------------------------------------------------------- */
/* Errors people can fix, in plain words                                   */

/* The text between @start and the next @end, after @after. */
static char *
find_between (const char *text,
              const char *after,
              const char *start,
              const char *end)
{
  const char *from = strstr (text, after);
  const char *to;

  if (from == NULL)
    return NULL;
  from = strstr (from + strlen (after), start);
  if (from == NULL)
    return NULL;
  from += strlen (start);
  to = strstr (from, end);
  if (to == NULL)
    return NULL;
  return g_strndup (from, to - from);
}

/* "Offending ECDSA key in /root/.ssh/known_hosts:3" → the file and line. */
static char *
find_offending_key (const char *text)
{
  const char *at = strstr (text, "Offending ");
  const char *in;
  const char *end;

  if (at == NULL || (in = strstr (at, " key in ")) == NULL)
    return NULL;
  in += strlen (" key in ");
  end = in;
  while (*end != '\0' && !g_ascii_isspace (*end))
    end++;
  return end > in ? g_strndup (in, end - in) : NULL;
}

/* OpenSSH says how to remove the old key ("remove with:" and the command
 * on the next line), with the host as known_hosts writes it ("[h]:port"). */
static char *
find_remove_command (const char *text)
{
  const char *at = strstr (text, "remove with:");
  g_auto(GStrv) lines = NULL;

  if (at == NULL)
    return NULL;
  lines = g_strsplit (at + strlen ("remove with:"), "\n", 3);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_strstrip (lines[i]);
      if (g_str_has_prefix (lines[i], "ssh-keygen "))
        return g_strdup (lines[i]);
    }
  return NULL;
}

static char *
tls_key_for (const char *cert)
{
  g_autofree char *dir = NULL;

  if (g_str_equal (cert, "/etc/pki/libvirt/clientcert.pem"))
    return g_strdup ("/etc/pki/libvirt/private/clientkey.pem");
  dir = g_path_get_dirname (cert);
  return g_build_filename (dir, "clientkey.pem", NULL);
}

static char *
explain (const char *uri,
         const char *message)
{
  g_autofree char *host = host_of (uri);
  const char *who = host ? host : uri;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  /* ssh (OpenSSH, through libvirt's ssh transport): a known host with a
   * new key. Never accepted silently. */
  if (strstr (message, "REMOTE HOST IDENTIFICATION HAS CHANGED") != NULL ||
      strstr (message, "SSH HOST KEY VERIFICATION FAILED") != NULL)
    {
      g_autofree char *command = find_remove_command (message);

      a = find_offending_key (message);
      if (a == NULL)
        /* libssh: "… The key is stored in '<file>'." */
        a = find_between (message, "The key is stored in", "'", "'");
      if (command == NULL)
        command = g_strdup_printf ("ssh-keygen -R %s", who);
      if (a != NULL)
        return g_strdup_printf (_("The ssh host key of %s has changed since this computer last "
                                  "connected to it. Someone may be intercepting the connection, "
                                  "or the host was reinstalled or given new keys. Ferry does not "
                                  "connect to a host whose identity changed. If you know why the "
                                  "key changed, compare the new key with the host’s administrator, "
                                  "then remove the old one (it is in %s; “%s” removes it) and "
                                  "connect again."),
                                who, a, command);
      return g_strdup_printf (_("The ssh host key of %s has changed since this computer last "
                                "connected to it. Someone may be intercepting the connection, or "
                                "the host was reinstalled or given new keys. Ferry does not connect "
                                "to a host whose identity changed. If you know why the key changed, "
                                "compare the new key with the host’s administrator, then remove the "
                                "old one (“%s”) and connect again."),
                              who, command);
    }
  if (strstr (message, "Host key verification failed") != NULL)
    return g_strdup_printf (_("The ssh host key of %s is not known to this computer and was not "
                              "accepted. Connect again and compare the key’s fingerprint with the "
                              "host’s when Ferry asks, or add the host’s key to ~/.ssh/known_hosts."),
                            who);
  /* What this computer or the host lacks for libvirt's ssh transport. */
  if (strstr (message, "Cannot find 'ssh'") != NULL)
    return g_strdup_printf (_("Ferry cannot connect to %s: ssh is not installed on this computer. "
                              "Install OpenSSH’s client (Debian: openssh-client)."),
                            who);
  if (strstr (message, "Remote command terminated") != NULL ||
      (strstr (message, "nc:") != NULL && strstr (message, "not found") != NULL))
    return g_strdup_printf (_("%s accepted the ssh login but ran no libvirt proxy: install "
                              "libvirt’s virt-ssh-helper or OpenBSD netcat (Debian: "
                              "netcat-openbsd) on it, and check that its libvirt socket is where "
                              "the connection’s address says."),
                            who);
  if ((a = find_between (message, "Permission denied", "(", ")")) != NULL)
    return g_strdup_printf (_("%s refused the ssh login (it accepts: %s). Check the user name in "
                              "the connection’s address, add your key to the ssh agent, or type "
                              "the right password when Ferry asks."),
                            who, a);

  /* TLS: files libvirt needs on this computer. */
  if ((a = find_between (message, "Cannot read CA certificate", "'", "'")) != NULL)
    return g_strdup_printf (_("Ferry cannot connect to %s over TLS: the certificate of the "
                              "certificate authority (CA) is missing. libvirt looks for it in %s. "
                              "Copy there the CA certificate that signed the host’s certificate."),
                            who, a);
  if ((a = find_between (message, "Cannot read certificate", "'", "'")) != NULL)
    {
      b = tls_key_for (a);
      return g_strdup_printf (_("Ferry cannot connect to %s over TLS: this computer’s client "
                                "certificate is missing. libvirt looks for it in %s, and for its "
                                "private key in %s. Create them, signed by the host’s CA."),
                              who, a, b);
    }
  if ((a = find_between (message, "Cannot read private key", "'", "'")) != NULL)
    return g_strdup_printf (_("Ferry cannot connect to %s over TLS: the private key of this "
                              "computer’s client certificate is missing. libvirt looks for it in %s."),
                            who, a);
  if ((a = find_between (message, "The CA certificate", " ", " has expired")) != NULL ||
      (a = find_between (message, "The client certificate", " ", " has expired")) != NULL)
    return g_strdup_printf (_("Ferry cannot connect to %s over TLS: the certificate %s has "
                              "expired. Issue a new one and put it in the same place."),
                            who, a);
  if ((a = find_between (message, "The CA certificate", " ", " is not yet active")) != NULL ||
      (a = find_between (message, "The client certificate", " ", " is not yet active")) != NULL)
    return g_strdup_printf (_("Ferry cannot connect to %s over TLS: the certificate %s is not "
                              "valid yet. Check this computer’s clock."),
                            who, a);
  if (strstr (message, "owner does not match the hostname") != NULL)
    return g_strdup_printf (_("The TLS certificate of %s was issued for another host name. Connect "
                              "with the name written in the certificate, or give the host a "
                              "certificate whose name (CN or subjectAltName) is %s."),
                            who, who);
  if (strstr (message, "Failed to verify peer's certificate") != NULL)
    return g_strdup_printf (_("Ferry could not verify the TLS certificate of %s: it was not signed "
                              "by the certificate authority this computer trusts for libvirt, it "
                              "has expired, or it was issued to another host name than %s."),
                            who, who);
  if (strstr (message, "Certificate failed validation") != NULL)
    {
      if (strstr (message, "revoked") != NULL)
        return g_strdup_printf (_("The TLS certificate of %s has been revoked. The host needs a "
                                  "new certificate."),
                                who);
      return g_strdup_printf (_("The TLS certificate of %s is not trusted: it was not signed by the "
                                "certificate authority this computer trusts (the CA certificate "
                                "libvirt reads, /etc/pki/CA/cacert.pem unless the address sets "
                                "pkipath), or it has expired. Give the host a valid certificate "
                                "signed by that CA, or install the CA that signed it."),
                              who);
    }
  if ((a = find_between (message, "Unable to verify client certificate", " ", " against")) != NULL ||
      (a = find_between (message, "Our own certificate", " ", " failed validation")) != NULL)
    return g_strdup_printf (_("Ferry cannot connect to %s over TLS: this computer’s client "
                              "certificate %s is not signed by the CA it is checked against. "
                              "Issue it again with the host’s CA."),
                            who, a);
  if (strstr (message, "tls_allowed_dn_list") != NULL)
    return g_strdup_printf (_("%s does not accept this computer’s client certificate: its "
                              "Distinguished Name is not in the host’s tls_allowed_dn_list "
                              "(libvirtd.conf)."),
                            who);
  if (strstr (message, "TLS handshake failed") != NULL)
    return g_strdup_printf (_("The TLS handshake with %s failed (%s). The host may refuse this "
                              "computer’s certificate, or something other than libvirt answers "
                              "on that port."),
                            who, message);
  return NULL;
}

void
_ferry_credentials_explain_error (const char  *uri,
                                  GError     **error)
{
  g_autofree char *text = NULL;

  if (error == NULL || *error == NULL)
    return;
  text = explain (uri, (*error)->message);
  if (text == NULL)
    return;
  g_debug ("%s: %s", uri, (*error)->message);
  g_clear_error (error);
  g_set_error_literal (error, FERRY_LIBVIRT_ERROR, FERRY_LIBVIRT_ERROR_AUTH, text);
}
