/* ferry-credentials.h — who answers libvirt's and ssh's questions, and the
 * keyring that remembers the answers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-credential-request.h"

G_BEGIN_DECLS

/* The libsecret schema of saved passwords: attributes "uri" (the node's
 * libvirt URI) and "username". */
#define FERRY_CREDENTIALS_SCHEMA_NAME "io.github.ferryvm.Ferry.Credential"

/* Called on the main thread for each question; it must end the request
 * (reply or cancel) sooner or later, and must not block. */
typedef void (*FerryCredentialHandler) (FerryCredentialRequest *request,
                                        gpointer                user_data);

/* Main thread. Without a handler (tests, the core alone) every question is
 * refused at once, as if no one were there. Setting another handler, or
 * NULL, cancels the requests still open. */
void      ferry_credentials_set_handler        (FerryCredentialHandler  handler,
                                                gpointer                user_data,
                                                GDestroyNotify          destroy);
/* Questions asked and not answered yet (any thread). */
guint     ferry_credentials_get_n_pending      (void);

/* The keyring (the Secret Service, through libsecret). These block on
 * D-Bus: worker threads and tests only, never the main thread. A missing
 * Secret Service is "nothing saved" for lookups and an error for saving. */
gboolean  ferry_credentials_lookup_saved_sync  (const char    *uri,
                                                char         **username,
                                                char         **password,
                                                GCancellable  *cancellable,
                                                GError       **error);
gboolean  ferry_credentials_save_sync          (const char    *uri,
                                                const char    *username,
                                                const char    *password,
                                                GCancellable  *cancellable,
                                                GError       **error);
gboolean  ferry_credentials_forget_saved_sync  (const char    *uri,
                                                GCancellable  *cancellable,
                                                GError       **error);
/* What was typed for @uri during this session (kept in memory only, so that
 * reconnections and migrations do not ask again): forget it. */
void      ferry_credentials_forget_session     (const char    *uri);

G_END_DECLS
