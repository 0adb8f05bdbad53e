/* ferry-credentials-private.h — the core's side of credential requests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libvirt/libvirt.h>

#include "ferry-credential-request-private.h"
#include "ferry-credentials.h"

G_BEGIN_DECLS

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
/* The URI virConnectOpenAuth() is given, when it is not the node's own:
 * an ssh URI rewritten to ask through Ferry (_ferry_askpass_connect_uri). */
void                    _ferry_auth_set_connect_uri            (FerryAuth    *auth,
                                                                const char   *uri);
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
