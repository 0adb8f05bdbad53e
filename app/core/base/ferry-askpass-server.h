/* ferry-askpass-server.h — ssh's questions, asked in Ferry's own dialog
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Main thread. Opens the private channel that Ferry's askpass helper
 * (ferry-askpass, installed in libexecdir) uses to hand ssh's questions to
 * the credential handler. @helper is the helper's path; NULL finds it:
 * $FERRY_ASKPASS, else next to the running program (an uninstalled build),
 * else the installed one. Fails (and ssh then never asks anything, as
 * before) when the helper cannot be found. Idempotent. */
gboolean  ferry_askpass_server_start        (const char           *helper,
                                             GError              **error);
/* Main thread. Closes the channel and removes its directory. */
void      ferry_askpass_server_stop         (void);
gboolean  ferry_askpass_server_is_running   (void);

/* Any thread. Prepares @launcher (about to run `ssh … DESTINATION`) so that
 * ssh asks its questions through Ferry: SSH_ASKPASS, SSH_ASKPASS_REQUIRE.
 * @destination is "[user@]host" for the dialog, @port -1 when unset.
 * FALSE, with the launcher untouched, when the server is not running (ssh
 * should then run with BatchMode=yes). */
gboolean  ferry_askpass_prepare_launcher    (GSubprocessLauncher  *launcher,
                                             const char           *destination,
                                             int                   port);

/* Any thread: the ssh wrapper for libvirt's "command" URI parameter (it
 * runs ssh as above), or NULL when the server is not running. */
char     *_ferry_askpass_dup_ssh_command    (void);
/* Any thread: @uri as libvirt should open it so that ssh asks through
 * Ferry (an ssh URI gets the wrapper as its "command"); a copy of @uri
 * for any other, or while the server is not running. */
char     *_ferry_askpass_connect_uri        (const char           *uri);

G_END_DECLS
