/* ferry-credential-request-private.h — the core's side of one question
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ferry-credential-request.h"

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

G_END_DECLS
