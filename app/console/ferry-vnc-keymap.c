/* ferry-vnc-keymap.c — keyboard codes for the VNC console
 *
 * The evdev → qnum table is generated at build time by gen-keymap.py from
 * <linux/input-event-codes.h> and our list of set-1 scan codes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gdk/gdkkeysyms.h>
#include <linux/input-event-codes.h>

#include "ferry-vnc-keymap.h"
#include "ferry-vnc-keymap-table.h"

guint16
ferry_vnc_keymap_evdev_to_qnum (guint evdev_code)
{
  if (evdev_code >= G_N_ELEMENTS (ferry_vnc_evdev_to_qnum_table))
    return 0;
  return ferry_vnc_evdev_to_qnum_table[evdev_code];
}

guint16
ferry_vnc_keymap_hardware_to_qnum (guint hardware_keycode)
{
  if (hardware_keycode < FERRY_VNC_EVDEV_OFFSET)
    return 0;
  return ferry_vnc_keymap_evdev_to_qnum (hardware_keycode - FERRY_VNC_EVDEV_OFFSET);
}

static const struct
{
  guint keyval;
  guint evdev;
} keyval_keys[] = {
  { GDK_KEY_Control_L, KEY_LEFTCTRL },
  { GDK_KEY_Control_R, KEY_RIGHTCTRL },
  { GDK_KEY_Alt_L, KEY_LEFTALT },
  { GDK_KEY_Alt_R, KEY_RIGHTALT },
  { GDK_KEY_ISO_Level3_Shift, KEY_RIGHTALT },
  { GDK_KEY_Shift_L, KEY_LEFTSHIFT },
  { GDK_KEY_Shift_R, KEY_RIGHTSHIFT },
  { GDK_KEY_Super_L, KEY_LEFTMETA },
  { GDK_KEY_Super_R, KEY_RIGHTMETA },
  { GDK_KEY_Meta_L, KEY_LEFTMETA },
  { GDK_KEY_Meta_R, KEY_RIGHTMETA },
  { GDK_KEY_Menu, KEY_COMPOSE },
  { GDK_KEY_Delete, KEY_DELETE },
  { GDK_KEY_BackSpace, KEY_BACKSPACE },
  { GDK_KEY_Insert, KEY_INSERT },
  { GDK_KEY_Home, KEY_HOME },
  { GDK_KEY_End, KEY_END },
  { GDK_KEY_Page_Up, KEY_PAGEUP },
  { GDK_KEY_Page_Down, KEY_PAGEDOWN },
  { GDK_KEY_Up, KEY_UP },
  { GDK_KEY_Down, KEY_DOWN },
  { GDK_KEY_Left, KEY_LEFT },
  { GDK_KEY_Right, KEY_RIGHT },
  { GDK_KEY_Return, KEY_ENTER },
  { GDK_KEY_KP_Enter, KEY_KPENTER },
  { GDK_KEY_Escape, KEY_ESC },
  { GDK_KEY_Tab, KEY_TAB },
  { GDK_KEY_space, KEY_SPACE },
  { GDK_KEY_Print, KEY_SYSRQ },
  { GDK_KEY_Sys_Req, KEY_SYSRQ },
  { GDK_KEY_Pause, KEY_PAUSE },
  { GDK_KEY_Break, KEY_PAUSE },
  { GDK_KEY_Scroll_Lock, KEY_SCROLLLOCK },
  { GDK_KEY_Num_Lock, KEY_NUMLOCK },
  { GDK_KEY_Caps_Lock, KEY_CAPSLOCK },
  { GDK_KEY_minus, KEY_MINUS },
  { GDK_KEY_equal, KEY_EQUAL },
  { GDK_KEY_period, KEY_DOT },
  { GDK_KEY_comma, KEY_COMMA },
  { GDK_KEY_slash, KEY_SLASH },
};

/* Letters and digits in keyboard order. */
static const guint letter_keys[26] = {
  KEY_A, KEY_B, KEY_C, KEY_D, KEY_E, KEY_F, KEY_G, KEY_H, KEY_I, KEY_J, KEY_K, KEY_L, KEY_M,
  KEY_N, KEY_O, KEY_P, KEY_Q, KEY_R, KEY_S, KEY_T, KEY_U, KEY_V, KEY_W, KEY_X, KEY_Y, KEY_Z,
};
static const guint digit_keys[10] = {
  KEY_0, KEY_1, KEY_2, KEY_3, KEY_4, KEY_5, KEY_6, KEY_7, KEY_8, KEY_9,
};
static const guint function_keys[12] = {
  KEY_F1, KEY_F2, KEY_F3, KEY_F4, KEY_F5, KEY_F6, KEY_F7, KEY_F8, KEY_F9, KEY_F10, KEY_F11,
  KEY_F12,
};

guint
ferry_vnc_keymap_keyval_to_evdev (guint keyval)
{
  if (keyval >= GDK_KEY_a && keyval <= GDK_KEY_z)
    return letter_keys[keyval - GDK_KEY_a];
  if (keyval >= GDK_KEY_A && keyval <= GDK_KEY_Z)
    return letter_keys[keyval - GDK_KEY_A];
  if (keyval >= GDK_KEY_0 && keyval <= GDK_KEY_9)
    return digit_keys[keyval - GDK_KEY_0];
  if (keyval >= GDK_KEY_F1 && keyval <= GDK_KEY_F12)
    return function_keys[keyval - GDK_KEY_F1];
  for (gsize i = 0; i < G_N_ELEMENTS (keyval_keys); i++)
    if (keyval_keys[i].keyval == keyval)
      return keyval_keys[i].evdev;
  return 0;
}
