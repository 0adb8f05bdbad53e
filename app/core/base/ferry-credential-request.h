/* ferry-credential-request.h — one question to the user: a password, a
 * user name, whether to trust a host key
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  /* libvirt asks (its authentication callback): user name, password… */
  FERRY_CREDENTIAL_REQUEST_LOGIN,
  /* ssh asks for a password, a key passphrase or another secret */
  FERRY_CREDENTIAL_REQUEST_SSH_SECRET,
  /* ssh asks whether to trust a host key it has never seen */
  FERRY_CREDENTIAL_REQUEST_SSH_HOST_KEY,
} FerryCredentialRequestKind;

typedef enum
{
  FERRY_CREDENTIAL_FIELD_USERNAME,
  FERRY_CREDENTIAL_FIELD_PASSWORD,
  /* free-form answers to a prompt, shown as typed or hidden */
  FERRY_CREDENTIAL_FIELD_TEXT,
  FERRY_CREDENTIAL_FIELD_SECRET,
} FerryCredentialFieldKind;

#define FERRY_TYPE_CREDENTIAL_REQUEST (ferry_credential_request_get_type ())

G_DECLARE_FINAL_TYPE (FerryCredentialRequest, ferry_credential_request,
                      FERRY, CREDENTIAL_REQUEST, GObject)

/* Everything below is for the main thread: the handler given to
 * ferry_credentials_set_handler() gets the request there, shows it and ends
 * it with reply() or cancel(). The core may also withdraw it (the node was
 * disconnected meanwhile): "finished" then becomes TRUE by itself, and a
 * dialog showing it should close. */
FerryCredentialRequestKind ferry_credential_request_get_kind         (FerryCredentialRequest *self);
/* The node's libvirt URI (NULL for ssh prompts). */
const char               *ferry_credential_request_get_uri           (FerryCredentialRequest *self);
/* Who asks, for people: the node's name, or ssh's user@host. */
const char               *ferry_credential_request_get_host          (FerryCredentialRequest *self);
/* Why we ask again ("The saved password was not accepted…"), or NULL. */
const char               *ferry_credential_request_get_message       (FerryCredentialRequest *self);
/* ssh's own words (its prompt, with the key fingerprint), or NULL. */
const char               *ferry_credential_request_get_prompt        (FerryCredentialRequest *self);
/* For a host key: the key type and fingerprint ssh printed, or NULL. */
const char               *ferry_credential_request_get_fingerprint   (FerryCredentialRequest *self);

guint                     ferry_credential_request_get_n_fields      (FerryCredentialRequest *self);
FerryCredentialFieldKind  ferry_credential_request_get_field_kind    (FerryCredentialRequest *self,
                                                                       guint                   index);
/* The question as libvirt or ssh put it (may be NULL for user names and
 * passwords, which the UI names itself). */
const char               *ferry_credential_request_get_field_prompt  (FerryCredentialRequest *self,
                                                                       guint                   index);
/* The answer so far: a default (the user name of the URI, the one saved)
 * until set. */
const char               *ferry_credential_request_get_field_value   (FerryCredentialRequest *self,
                                                                       guint                   index);
void                      ferry_credential_request_set_field_value   (FerryCredentialRequest *self,
                                                                       guint                   index,
                                                                       const char             *value);

/* Whether the answer may be kept in the keyring, and whether it will be
 * (TRUE at first when it replaces a saved one that was refused). */
gboolean                  ferry_credential_request_get_can_remember  (FerryCredentialRequest *self);
gboolean                  ferry_credential_request_get_remember      (FerryCredentialRequest *self);
void                      ferry_credential_request_set_remember      (FerryCredentialRequest *self,
                                                                       gboolean                remember);
/* Set when a saved secret exists for this URI (it is being replaced). */
gboolean                  ferry_credential_request_get_replaces_saved (FerryCredentialRequest *self);

void                      ferry_credential_request_reply             (FerryCredentialRequest *self);
void                      ferry_credential_request_cancel            (FerryCredentialRequest *self);
gboolean                  ferry_credential_request_get_finished      (FerryCredentialRequest *self);

G_END_DECLS
