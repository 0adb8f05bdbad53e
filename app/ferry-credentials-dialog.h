/* ferry-credentials-dialog.h — a password, a user name, an unknown ssh host
 * key: Ferry's answer to libvirt's and ssh's questions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ferry-core-all.h"

G_BEGIN_DECLS

#define FERRY_TYPE_CREDENTIALS_DIALOG (ferry_credentials_dialog_get_type ())

G_DECLARE_FINAL_TYPE (FerryCredentialsDialog, ferry_credentials_dialog,
                      FERRY, CREDENTIALS_DIALOG, AdwMessageDialog)

/* A dialog for @request; its response ends the request (reply or cancel),
 * and it closes by itself when the core withdraws the request. */
GtkWidget              *ferry_credentials_dialog_new         (FerryCredentialRequest *request);
FerryCredentialRequest *ferry_credentials_dialog_get_request (FerryCredentialsDialog *self);

/* Makes @application answer every question of the core with this dialog,
 * one at a time, over its active window. Until
 * ferry_credentials_dialog_uninstall(). */
void                    ferry_credentials_dialog_install     (GtkApplication         *application);
void                    ferry_credentials_dialog_uninstall   (void);

G_END_DECLS
