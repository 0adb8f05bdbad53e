/* ferry-credential-request.c — one question to the user
 *
 * A request is made on the thread that needs the answer (a node's worker,
 * inside libvirt's authentication callback) or on the main thread (ssh's
 * askpass server), handed to the main thread, answered there, and read
 * back by whoever asked. Answers and the outcome are guarded by a mutex;
 * the waiting worker sleeps on a GCond. Property notifications and the
 * "done" callback always run on the main thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ferry-core.h"
#include "ferry-credential-request-private.h"

typedef struct
{
  FerryCredentialFieldKind  kind;
  char                     *prompt;
  char                     *value;
} Field;

struct _FerryCredentialRequest
{
  GObject                     parent_instance;

  FerryCredentialRequestKind  kind;
  char                       *uri;
  char                       *host;
  char                       *message;
  char                       *prompt;
  char                       *fingerprint;
  GArray                     *fields;        /* of Field */
  gboolean                    can_remember;
  gboolean                    replaces_saved;

  GMutex                      lock;
  GCond                       cond;
  /* Guarded by lock. */
  gboolean                    remember;
  FerryCredentialOutcome      outcome;

  /* Main thread only. */
  FerryCredentialDoneFunc     done_func;
  gpointer                    done_data;
  gboolean                    finished_notified;
};

enum {
  PROP_0,
  PROP_REMEMBER,
  PROP_FINISHED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (FerryCredentialRequest, ferry_credential_request, G_TYPE_OBJECT)

static void
field_clear (gpointer data)
{
  Field *field = data;

  g_clear_pointer (&field->prompt, g_free);
  g_clear_pointer (&field->value, ferry_secret_free);
}

/* libssh shows a SHA-256 hash as "35:4e:…" (32 bytes in hex); ssh and
 * ssh-keygen -l show "SHA256:" and the same bytes in unpadded base64. Show
 * what people can compare with ssh-keygen's output. */
static char *
hex_to_ssh_fingerprint (const char *hex,
                        gsize       len)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autofree char *base64 = NULL;
  gsize i = 0;

  while (i < len)
    {
      int high = g_ascii_xdigit_value (hex[i]);
      int low = i + 1 < len ? g_ascii_xdigit_value (hex[i + 1]) : -1;
      guint8 byte;

      if (high < 0 || low < 0 || (i + 2 < len && hex[i + 2] != ':'))
        return g_strndup (hex, len);
      byte = (guint8) (high * 16 + low);
      g_byte_array_append (bytes, &byte, 1);
      i += 3;
    }
  if (bytes->len != 32)
    return g_strndup (hex, len);
  base64 = g_base64_encode (bytes->data, bytes->len);
  g_strdelimit (base64, "=", '\0');
  return g_strdup_printf ("SHA256:%s", base64);
}

/* ssh's host-key question names the key on a line of its own:
 * "ED25519 key fingerprint is SHA256:…."; libvirt's libssh transport asks
 * "Accept SSH host key with hash 'SHA256:…' for host 'h:22' (y/n)?". */
static char *
find_fingerprint (const char *prompt)
{
  g_auto(GStrv) lines = NULL;
  const char *hash;

  if (prompt == NULL)
    return NULL;
  if ((hash = strstr (prompt, "with hash '")) != NULL)
    {
      const char *end;

      hash += strlen ("with hash '");
      end = strchr (hash, '\'');
      return end ? hex_to_ssh_fingerprint (hash, end - hash) : NULL;
    }
  lines = g_strsplit (prompt, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *at = strstr (lines[i], " key fingerprint is ");

      if (at != NULL)
        {
          g_autofree char *type = g_strndup (lines[i], at - lines[i]);
          g_autofree char *print = g_strdup (at + strlen (" key fingerprint is "));

          g_strstrip (type);
          g_strstrip (print);
          if (g_str_has_suffix (print, "."))
            print[strlen (print) - 1] = '\0';
          return g_strdup_printf ("%s %s", type, print);
        }
    }
  return NULL;
}

FerryCredentialRequest *
_ferry_credential_request_new (FerryCredentialRequestKind  kind,
                               const char                 *uri,
                               const char                 *host,
                               const char                 *message,
                               const char                 *prompt)
{
  FerryCredentialRequest *self = g_object_new (FERRY_TYPE_CREDENTIAL_REQUEST, NULL);

  self->kind = kind;
  self->uri = g_strdup (uri);
  self->host = g_strdup (host);
  self->message = g_strdup (message);
  self->prompt = prompt ? g_utf8_make_valid (prompt, -1) : NULL;
  if (kind == FERRY_CREDENTIAL_REQUEST_SSH_HOST_KEY)
    self->fingerprint = find_fingerprint (self->prompt);
  return self;
}

void
_ferry_credential_request_add_field (FerryCredentialRequest   *self,
                                     FerryCredentialFieldKind  kind,
                                     const char               *prompt,
                                     const char               *value)
{
  Field field = { kind, g_strdup (prompt), g_strdup (value) };

  g_array_append_val (self->fields, field);
}

void
_ferry_credential_request_set_remember_options (FerryCredentialRequest *self,
                                                gboolean                can_remember,
                                                gboolean                remember,
                                                gboolean                replaces_saved)
{
  self->can_remember = can_remember;
  self->remember = can_remember && remember;
  self->replaces_saved = replaces_saved;
}

char *
_ferry_credential_request_dup_field_value (FerryCredentialRequest *self,
                                           guint                   index)
{
  char *value;

  g_return_val_if_fail (index < self->fields->len, NULL);

  g_mutex_lock (&self->lock);
  value = g_strdup (g_array_index (self->fields, Field, index).value);
  g_mutex_unlock (&self->lock);
  return value;
}

gboolean
_ferry_credential_request_wants_remember (FerryCredentialRequest *self)
{
  gboolean remember;

  g_mutex_lock (&self->lock);
  remember = self->can_remember && self->remember;
  g_mutex_unlock (&self->lock);
  return remember;
}

FerryCredentialOutcome
_ferry_credential_request_get_outcome (FerryCredentialRequest *self)
{
  FerryCredentialOutcome outcome;

  g_mutex_lock (&self->lock);
  outcome = self->outcome;
  g_mutex_unlock (&self->lock);
  return outcome;
}

void
_ferry_credential_request_set_done_func (FerryCredentialRequest  *self,
                                         FerryCredentialDoneFunc  func,
                                         gpointer                 user_data)
{
  self->done_func = func;
  self->done_data = user_data;
}

/* On the main thread, once. */
static gboolean
notify_finished (gpointer data)
{
  FerryCredentialRequest *self = data;
  FerryCredentialDoneFunc func = self->done_func;

  if (self->finished_notified)
    return G_SOURCE_REMOVE;
  self->finished_notified = TRUE;
  self->done_func = NULL;
  if (func != NULL)
    func (self, _ferry_credential_request_get_outcome (self), self->done_data);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FINISHED]);
  return G_SOURCE_REMOVE;
}

gboolean
_ferry_credential_request_finish (FerryCredentialRequest *self,
                                  FerryCredentialOutcome  outcome)
{
  GSource *source;

  g_return_val_if_fail (outcome != FERRY_CREDENTIAL_OUTCOME_PENDING, FALSE);

  g_mutex_lock (&self->lock);
  if (self->outcome != FERRY_CREDENTIAL_OUTCOME_PENDING)
    {
      g_mutex_unlock (&self->lock);
      return FALSE;
    }
  self->outcome = outcome;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);

  /* Always later, from the main loop: never inside the caller, which may
   * be a GCancellable's handler (disconnecting it there would deadlock) or
   * a handler still setting the request up. */
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, notify_finished, g_object_ref (self), g_object_unref);
  g_source_set_static_name (source, "[ferry] credential request finished");
  g_source_attach (source, NULL);
  g_source_unref (source);
  return TRUE;
}

FerryCredentialOutcome
_ferry_credential_request_wait (FerryCredentialRequest *self)
{
  FerryCredentialOutcome outcome;

  FERRY_ASSERT_WORKER_THREAD ();

  g_mutex_lock (&self->lock);
  while (self->outcome == FERRY_CREDENTIAL_OUTCOME_PENDING)
    g_cond_wait (&self->cond, &self->lock);
  outcome = self->outcome;
  g_mutex_unlock (&self->lock);
  return outcome;
}

/* ---------------------------------------------------------------------- */
/* Public, main thread                                                     */

FerryCredentialRequestKind
ferry_credential_request_get_kind (FerryCredentialRequest *self)
{
  g_return_val_if_fail (FERRY_IS_CREDENTIAL_REQUEST (self), FERRY_CREDENTIAL_REQUEST_LOGIN);
  return self->kind;
}

const char *
ferry_credential_request_get_uri (FerryCredentialRequest *self)
{
  g_return_val_if_fail (FERRY_IS_CREDENTIAL_REQUEST (self), NULL);
  return self->uri;
}

const char *
ferry_credential_request_get_host (FerryCredentialRequest *self)
{
  g_return_val_if_fail (FERRY_IS_CREDENTIAL_REQUEST (self), NULL);
  return self->host;
}

const char *
ferry_credential_request_get_message (FerryCredentialRequest *self)
{
  g_return_val_if_fail (FERRY_IS_CREDENTIAL_REQUEST (self), NULL);
  return self->message;
}

const char *
ferry_credential_request_get_prompt (FerryCredentialRequest *self)
{
  g_return_val_if_fail (FERRY_IS_CREDENTIAL_REQUEST (self), NULL);
  return self->prompt;
}

const char *
ferry_credential_request_get_fingerprint (FerryCredentialRequest *self)
{
  g_return_val_if_fail (FERRY_IS_CREDENTIAL_REQUEST (self), NULL);
  return self->fingerprint;
}

guint
ferry_credential_request_get_n_fields (FerryCredentialRequest *self)
{
  g_return_val_if_fail (FERRY_IS_CREDENTIAL_REQUEST (self), 0);
  return self->fields->len;
}

FerryCredentialFieldKind
ferry_credential_request_get_field_kind (FerryCredentialRequest *self,
                                         guint                   index)
{
  g_return_val_if_fail (FERRY_IS_CREDENTIAL_REQUEST (self), FERRY_CREDENTIAL_FIELD_TEXT);
  g_return_val_if_fail (index < self->fields->len, FERRY_CREDENTIAL_FIELD_TEXT);
  return g_array_index (self->fields, Field, index).kind;
}

const char *
ferry_credential_request_get_field_prompt (FerryCredentialRequest *self,
                                           guint                   index)
{
  g_return_val_if_fail (FERRY_IS_CREDENTIAL_REQUEST (self), NULL);
  g_return_val_if_fail (index < self->fields->len, NULL);
  return g_array_index (self->fields, Field, index).prompt;
}

const char *
ferry_credential_request_get_field_value (FerryCredentialRequest *self,
                                          guint                   index)
{
  g_return_val_if_fail (FERRY_IS_CREDENTIAL_REQUEST (self), NULL);
  g_return_val_if_fail (index < self->fields->len, NULL);
  /* Only the main thread writes values: reading here needs no lock. */
  return g_array_index (self->fields, Field, index).value;
}

void
ferry_credential_request_set_field_value (FerryCredentialRequest *self,
                                          guint                   index,
                                          const char             *value)
{
  Field *field;
  char *old;

  g_return_if_fail (FERRY_IS_CREDENTIAL_REQUEST (self));
  g_return_if_fail (index < self->fields->len);

  g_mutex_lock (&self->lock);
  field = &g_array_index (self->fields, Field, index);
  old = field->value;
  field->value = g_strdup (value);
  g_mutex_unlock (&self->lock);
  ferry_secret_free (old);
}

gboolean
ferry_credential_request_get_can_remember (FerryCredentialRequest *self)
{
  g_return_val_if_fail (FERRY_IS_CREDENTIAL_REQUEST (self), FALSE);
  return self->can_remember;
}

gboolean
ferry_credential_request_get_remember (FerryCredentialRequest *self)
{
  g_return_val_if_fail (FERRY_IS_CREDENTIAL_REQUEST (self), FALSE);
  return _ferry_credential_request_wants_remember (self);
}

void
ferry_credential_request_set_remember (FerryCredentialRequest *self,
                                       gboolean                remember)
{
  gboolean changed;

  g_return_if_fail (FERRY_IS_CREDENTIAL_REQUEST (self));

  remember = self->can_remember && remember;
  g_mutex_lock (&self->lock);
  changed = self->remember != remember;
  self->remember = remember;
  g_mutex_unlock (&self->lock);
  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REMEMBER]);
}

gboolean
ferry_credential_request_get_replaces_saved (FerryCredentialRequest *self)
{
  g_return_val_if_fail (FERRY_IS_CREDENTIAL_REQUEST (self), FALSE);
  return self->replaces_saved;
}

void
ferry_credential_request_reply (FerryCredentialRequest *self)
{
  g_return_if_fail (FERRY_IS_CREDENTIAL_REQUEST (self));
  _ferry_credential_request_finish (self, FERRY_CREDENTIAL_OUTCOME_REPLIED);
}

void
ferry_credential_request_cancel (FerryCredentialRequest *self)
{
  g_return_if_fail (FERRY_IS_CREDENTIAL_REQUEST (self));
  _ferry_credential_request_finish (self, FERRY_CREDENTIAL_OUTCOME_CANCELLED);
}

gboolean
ferry_credential_request_get_finished (FerryCredentialRequest *self)
{
  g_return_val_if_fail (FERRY_IS_CREDENTIAL_REQUEST (self), TRUE);
  return _ferry_credential_request_get_outcome (self) != FERRY_CREDENTIAL_OUTCOME_PENDING;
}

/* ---------------------------------------------------------------------- */

static void
ferry_credential_request_finalize (GObject *object)
{
  FerryCredentialRequest *self = FERRY_CREDENTIAL_REQUEST (object);

  g_free (self->uri);
  g_free (self->host);
  g_free (self->message);
  g_free (self->prompt);
  g_free (self->fingerprint);
  g_array_unref (self->fields);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (ferry_credential_request_parent_class)->finalize (object);
}

static void
ferry_credential_request_get_property (GObject    *object,
                                       guint       prop_id,
                                       GValue     *value,
                                       GParamSpec *pspec)
{
  FerryCredentialRequest *self = FERRY_CREDENTIAL_REQUEST (object);

  switch (prop_id)
    {
    case PROP_REMEMBER:
      g_value_set_boolean (value, ferry_credential_request_get_remember (self));
      break;
    case PROP_FINISHED:
      g_value_set_boolean (value, ferry_credential_request_get_finished (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_credential_request_set_property (GObject      *object,
                                       guint         prop_id,
                                       const GValue *value,
                                       GParamSpec   *pspec)
{
  FerryCredentialRequest *self = FERRY_CREDENTIAL_REQUEST (object);

  switch (prop_id)
    {
    case PROP_REMEMBER:
      ferry_credential_request_set_remember (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_credential_request_class_init (FerryCredentialRequestClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ferry_credential_request_finalize;
  object_class->get_property = ferry_credential_request_get_property;
  object_class->set_property = ferry_credential_request_set_property;

  properties[PROP_REMEMBER] =
    g_param_spec_boolean ("remember", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Notified on the main thread when the request ends, however it ends. */
  properties[PROP_FINISHED] =
    g_param_spec_boolean ("finished", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ferry_credential_request_init (FerryCredentialRequest *self)
{
  self->fields = g_array_new (FALSE, TRUE, sizeof (Field));
  g_array_set_clear_func (self->fields, field_clear);
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
}
