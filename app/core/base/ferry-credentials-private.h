/* ferry-credentials-private.h — the core's side of credential requests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libvirt/libvirt.h>

#include "ferry-credentials.h"

G_BEGIN_DECLS

typedef enum
{
  FERRY_CREDENTIAL_OUTCOME_PENDING,
  FERRY_CREDENTIAL_OUTCOME_REPLIED,
  /* the user said no */
  FERRY_CREDENTIAL_OUTCOME_CANCELLED,
  /* the core took the question back (disconnected meanwhile) */
  FERRY_CREDENTIAL_OUTCOME_WITHDRAWN,
  /* no handler: no one to ask */
  FERRY_CREDENTIAL_OUTCOME_UNANSWERED,
} FerryCredentialOutcome;

/* ---- Requests (ferry-credential-request.c) ---------------------------- */

FerryCredentialRequest *_ferry_credential_request_new          (FerryCredentialRequestKind  kind,
                                                                const char                 *uri,
                                                                const char                 *host,
                                                                const char                 *message,
                                                                const char                 *prompt);
void                    _ferry_credential_request_add_field    (FerryCredentialRequest     *self,
                                                                FerryCredentialFieldKind    kind,
                                                                const char                 *prompt,
                                                                const char                 *value);
void                    _ferry_credential_request_set_remember_options (FerryCredentialRequest *self,
                                                                        gboolean                can_remember,
                                                                        gboolean                remember,
                                                                        gboolean                replaces_saved);
/* Any thread: a copy of an answer (the caller wipes and frees it). */
char                   *_ferry_credential_request_dup_field_value (FerryCredentialRequest *self,
                                                                   guint                   index);
gboolean                _ferry_credential_request_wants_remember (FerryCredentialRequest *self);
/* Any thread. Ends the request with @outcome unless it has ended; TRUE
 * when this call ended it. */
gboolean                _ferry_credential_request_finish       (FerryCredentialRequest     *self,
                                                                FerryCredentialOutcome      outcome);
FerryCredentialOutcome  _ferry_credential_request_get_outcome  (FerryCredentialRequest     *self);
/* Worker thread: blocks until the request ends. */
FerryCredentialOutcome  _ferry_credential_request_wait         (FerryCredentialRequest     *self);
/* Main thread: @func runs (once, on the main thread) when it ends. */
typedef void (*FerryCredentialDoneFunc) (FerryCredentialRequest *request,
                                         FerryCredentialOutcome  outcome,
                                         gpointer                user_data);
void                    _ferry_credential_request_set_done_func (FerryCredentialRequest  *self,
                                                                 FerryCredentialDoneFunc  func,
                                                                 gpointer                 user_data);

/* ---- Asking (ferry-credentials.c) -------------------------------------- */

/* Worker thread: asks the handler (on the main thread) and waits for the
 * answer; @cancellable withdraws the question. */
FerryCredentialOutcome  _ferry_credentials_ask_sync            (FerryCredentialRequest *request,
                                                                GCancellable           *cancellable);
/* Main thread: asks, @func gets the outcome. */
void                    _ferry_credentials_ask_async           (FerryCredentialRequest  *request,
                                                                GCancellable            *cancellable,
                                                                FerryCredentialDoneFunc  func,
                                                                gpointer                 user_data);
/* Any thread: whether a question about the node at @uri is open (libvirt's
 * for this URI, or ssh's for its host): its connection is waiting for a
 * person, not for the network. */
gboolean                _ferry_credentials_is_asking_about     (const char *uri);

/* ---- Connecting (ferry-credentials.c) ---------------------------------- */

typedef struct _FerryAuth FerryAuth;

/* For one node: @host names it in the questions; @cancellable (may be
 * NULL) withdraws a question when the attempt is abandoned. */
FerryAuth              *_ferry_auth_new                        (const char   *uri,
                                                                const char   *host,
                                                                GCancellable *cancellable);
void                    _ferry_auth_free                       (FerryAuth    *auth);
/* Worker thread: virConnectOpenAuth() with Ferry's answers: what this
 * session already knows, else the keyring, else a question to the user;
 * a saved password that is refused is asked again (and may be replaced);
 * a new answer is remembered when the user asked for it. Errors are in
 * plain words (ssh host keys, TLS certificates); FERRY_LIBVIRT_ERROR_AUTH
 * for everything retrying cannot fix. */
virConnectPtr           _ferry_auth_open                       (FerryAuth    *auth,
                                                                GError      **error);

/* Rewrites libvirt's message in @error for the problems people can fix
 * themselves (ssh host keys, ssh logins, TLS certificates), and makes them
 * FERRY_LIBVIRT_ERROR_AUTH. Pure; exposed for tests. */
void                    _ferry_credentials_explain_error       (const char   *uri,
                                                                GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FerryAuth, _ferry_auth_free)

G_END_DECLS
