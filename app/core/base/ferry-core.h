/* ferry-core.h — process-wide setup of Ferry's GTK-free core
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void     ferry_core_init           (void);
gboolean ferry_core_is_main_thread (void);
guint64  ferry_core_get_libvirt_calls_on_main_thread (void);

/* Every function that calls into libvirt starts with this: libvirt calls
 * may block on the network and must never run on the main thread. Besides
 * asserting, it counts violations so tests and benches can report them. */
#define FERRY_ASSERT_WORKER_THREAD() ferry_core_assert_worker_thread (G_STRFUNC)
void     ferry_core_assert_worker_thread (const char *func);

/* Frees a string that held a secret (a password, a VNC key), wiped first
 * so that it does not linger in freed memory. NULL is fine. */
void     ferry_secret_free (char *secret);

G_END_DECLS
