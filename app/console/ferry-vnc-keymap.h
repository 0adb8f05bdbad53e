/* ferry-vnc-keymap.h — keyboard codes for the VNC console
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* X11 (evdev) and Wayland hardware keycodes are the Linux input code + 8. */
#define FERRY_VNC_EVDEV_OFFSET 8

/* The QEMU "qnum" (XT set 1, 0xE0 xx written 0x80 | xx) of a Linux input
 * code (KEY_*), or 0 when the key has none. */
guint16 ferry_vnc_keymap_evdev_to_qnum    (guint evdev_code);
/* Same for a GDK hardware keycode (Linux input code + 8). */
guint16 ferry_vnc_keymap_hardware_to_qnum (guint hardware_keycode);
/* The Linux input code of the key that types @keyval on a US layout, for
 * the keys "send key" needs (modifiers, function keys, editing keys,
 * letters, digits); 0 when unknown. */
guint   ferry_vnc_keymap_keyval_to_evdev  (guint keyval);

G_END_DECLS
