/* ferry-event-loop.h — libvirt's event loop on a thread and context of its own
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Registers the implementation with libvirt and starts its thread; once,
 * before any connection opens (ferry_core_init does it). */
void     ferry_event_loop_start           (void);
gboolean ferry_event_loop_is_event_thread (void);

G_END_DECLS
