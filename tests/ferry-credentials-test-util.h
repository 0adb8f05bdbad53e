/* ferry-credentials-test-util.h — a password-protected libvirtd and a
 * private Secret Service for the credential tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define FERRY_TEST_SASL_PORT     16599
#define FERRY_TEST_TLS_PORT      16598
#define FERRY_TEST_SASL_USER     "fred"
#define FERRY_TEST_SASL_PASSWORD "correct horse battery"

/* A session bus of our own (dbus-daemon) with gnome-keyring's Secret
 * Service on it, its keyrings under @dir, unlocked; points
 * DBUS_SESSION_BUS_ADDRESS at it. Call before anything talks to D-Bus.
 * FALSE (with a message for g_test_skip) when the tools are missing. */
gboolean  ferry_test_start_private_keyring (const char  *dir,
                                            char       **why_not);
void      ferry_test_stop_private_keyring  (void);

/* tests/integration/sasl-node.sh: a libvirtd on 127.0.0.1 that wants
 * FERRY_TEST_SASL_USER / FERRY_TEST_SASL_PASSWORD (and, when certtool is
 * there, a TLS port whose certificate names another host). FALSE (with a
 * reason) when it cannot run here (not root, packages missing). */
gboolean  ferry_test_start_sasl_node       (const char  *dir,
                                            char       **why_not);
void      ferry_test_stop_sasl_node        (const char  *dir);
char     *ferry_test_sasl_node_uri         (void);

/* Runs @func (@data) on a thread of its own and waits: the keyring calls
 * may not run on the main thread. */
gpointer  ferry_test_run_in_thread         (GThreadFunc  func,
                                            gpointer     data);

G_END_DECLS
