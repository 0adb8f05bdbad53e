/* test-keymap.c — the console's scan codes and scaling math
 *
 * The evdev → qnum table is generated at build time; these check the keys
 * a user notices first (Delete, Ctrl, letters, arrows, the keypad Enter,
 * F12) as the key controller sees them (GDK hardware keycodes, evdev + 8)
 * and as "send key" maps keyvals. The geometry tests check the letterbox
 * and the way a pointer position maps back to a framebuffer pixel.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gdk/gdkkeysyms.h>
#include <linux/input-event-codes.h>

#include "ferry-vnc-geometry.h"
#include "ferry-vnc-keymap.h"

static void
test_keymap_hardware (void)
{
  /* Control_L: evdev KEY_LEFTCTRL = 29, hardware keycode 37 */
  g_assert_cmpuint (KEY_LEFTCTRL, ==, 29);
  g_assert_cmphex (ferry_vnc_keymap_hardware_to_qnum (37), ==, 0x1d);
  /* Delete is E0 53 in set 1 */
  g_assert_cmphex (ferry_vnc_keymap_hardware_to_qnum (KEY_DELETE + 8), ==, 0xd3);
  g_assert_cmphex (ferry_vnc_keymap_hardware_to_qnum (KEY_A + 8), ==, 0x1e);
  g_assert_cmphex (ferry_vnc_keymap_hardware_to_qnum (KEY_F + 8), ==, 0x21);
  g_assert_cmphex (ferry_vnc_keymap_hardware_to_qnum (KEY_UP + 8), ==, 0xc8);
  g_assert_cmphex (ferry_vnc_keymap_hardware_to_qnum (KEY_LEFT + 8), ==, 0xcb);
  g_assert_cmphex (ferry_vnc_keymap_hardware_to_qnum (KEY_KPENTER + 8), ==, 0x9c);
  g_assert_cmphex (ferry_vnc_keymap_hardware_to_qnum (KEY_ENTER + 8), ==, 0x1c);
  g_assert_cmphex (ferry_vnc_keymap_hardware_to_qnum (KEY_F12 + 8), ==, 0x58);
  g_assert_cmphex (ferry_vnc_keymap_hardware_to_qnum (KEY_RIGHTCTRL + 8), ==, 0x9d);
  g_assert_cmphex (ferry_vnc_keymap_hardware_to_qnum (KEY_RIGHTALT + 8), ==, 0xb8);
  g_assert_cmphex (ferry_vnc_keymap_hardware_to_qnum (KEY_SYSRQ + 8), ==, 0xb7);
  g_assert_cmphex (ferry_vnc_keymap_hardware_to_qnum (KEY_KP0 + 8), ==, 0x52);
  g_assert_cmphex (ferry_vnc_keymap_hardware_to_qnum (KEY_KPSLASH + 8), ==, 0xb5);
}

static void
test_keymap_unknown (void)
{
  /* Nothing below the evdev offset, nothing past the table, and 0 for a
   * code without a set-1 key. */
  g_assert_cmphex (ferry_vnc_keymap_hardware_to_qnum (0), ==, 0);
  g_assert_cmphex (ferry_vnc_keymap_hardware_to_qnum (7), ==, 0);
  g_assert_cmphex (ferry_vnc_keymap_hardware_to_qnum (8), ==, 0);
  g_assert_cmphex (ferry_vnc_keymap_evdev_to_qnum (KEY_MAX), ==, 0);
  g_assert_cmphex (ferry_vnc_keymap_evdev_to_qnum (G_MAXUINT), ==, 0);
  g_assert_cmphex (ferry_vnc_keymap_evdev_to_qnum (KEY_BRIGHTNESS_CYCLE), ==, 0);
}

static void
test_keymap_table_sane (void)
{
  /* Every qnum appears once: two keys with one code would type the
   * same thing in the guest. */
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  guint n = 0;

  for (guint code = 0; code < KEY_MAX; code++)
    {
      guint16 q = ferry_vnc_keymap_evdev_to_qnum (code);

      if (q == 0)
        continue;
      g_assert_cmpuint (q, <, 0x100);
      g_assert_false (g_hash_table_contains (seen, GUINT_TO_POINTER (q)));
      g_hash_table_add (seen, GUINT_TO_POINTER (q));
      n++;
    }
  g_assert_cmpuint (n, >=, 100);
}

static void
test_keymap_keyvals (void)
{
  struct { guint keyval; guint16 qnum; } cases[] = {
    { GDK_KEY_Control_L, 0x1d },
    { GDK_KEY_Alt_L, 0x38 },
    { GDK_KEY_Delete, 0xd3 },
    { GDK_KEY_BackSpace, 0x0e },
    { GDK_KEY_F1, 0x3b },
    { GDK_KEY_F10, 0x44 },
    { GDK_KEY_F11, 0x57 },
    { GDK_KEY_F12, 0x58 },
    { GDK_KEY_Print, 0xb7 },
    { GDK_KEY_Return, 0x1c },
    { GDK_KEY_a, 0x1e },
    { GDK_KEY_Q, 0x10 },
    { GDK_KEY_1, 0x02 },
    { GDK_KEY_0, 0x0b },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      guint evdev = ferry_vnc_keymap_keyval_to_evdev (cases[i].keyval);

      g_assert_cmphex (ferry_vnc_keymap_evdev_to_qnum (evdev), ==, cases[i].qnum);
    }
  g_assert_cmpuint (ferry_vnc_keymap_keyval_to_evdev (GDK_KEY_eacute), ==, 0);
}

static void
test_geometry_fit (void)
{
  FerryVncGeometry g;

  /* 720x400 in 1000x400: full height, bars left and right */
  ferry_vnc_geometry_compute (FERRY_VNC_SCALE_FIT, 720, 400, 1000, 400, &g);
  g_assert_cmpfloat_with_epsilon (g.scale, 1.0, 1e-9);
  g_assert_cmpfloat (g.x, ==, 140);
  g_assert_cmpfloat (g.y, ==, 0);
  g_assert_cmpfloat_with_epsilon (g.width, 720, 1e-9);

  /* 1024x768 in 512x600: half size, bars top and bottom */
  ferry_vnc_geometry_compute (FERRY_VNC_SCALE_FIT, 1024, 768, 512, 600, &g);
  g_assert_cmpfloat_with_epsilon (g.scale, 0.5, 1e-9);
  g_assert_cmpfloat (g.x, ==, 0);
  g_assert_cmpfloat (g.y, ==, 108);
  g_assert_cmpfloat_with_epsilon (g.height, 384, 1e-9);

  /* scaling up keeps the aspect ratio too */
  ferry_vnc_geometry_compute (FERRY_VNC_SCALE_FIT, 640, 480, 1280, 1000, &g);
  g_assert_cmpfloat_with_epsilon (g.scale, 2.0, 1e-9);
  g_assert_cmpfloat (g.y, ==, 20);

  /* no framebuffer yet */
  ferry_vnc_geometry_compute (FERRY_VNC_SCALE_FIT, 0, 0, 800, 600, &g);
  g_assert_cmpfloat (g.width, ==, 0);
  g_assert_cmpfloat (g.scale, ==, 1.0);
}

static void
test_geometry_none (void)
{
  FerryVncGeometry g;

  /* 1:1 in a larger widget: centred */
  ferry_vnc_geometry_compute (FERRY_VNC_SCALE_NONE, 720, 400, 1001, 500, &g);
  g_assert_cmpfloat (g.scale, ==, 1.0);
  g_assert_cmpfloat (g.x, ==, 140);
  g_assert_cmpfloat (g.y, ==, 50);

  /* 1:1 in a smaller one (a scrolled window's viewport gives it the full
   * size anyway): at the origin, never negative */
  ferry_vnc_geometry_compute (FERRY_VNC_SCALE_NONE, 1024, 768, 300, 200, &g);
  g_assert_cmpfloat (g.x, ==, 0);
  g_assert_cmpfloat (g.y, ==, 0);
  g_assert_cmpfloat (g.width, ==, 1024);
}

static void
test_geometry_pointer (void)
{
  FerryVncGeometry g;
  int x, y;

  /* 1024x768 at half size with 108 px bars above and below */
  ferry_vnc_geometry_compute (FERRY_VNC_SCALE_FIT, 1024, 768, 512, 600, &g);

  g_assert_true (ferry_vnc_geometry_to_framebuffer (&g, 1024, 768, 256, 300, &x, &y));
  g_assert_cmpint (x, ==, 512);
  g_assert_cmpint (y, ==, 384);

  g_assert_true (ferry_vnc_geometry_to_framebuffer (&g, 1024, 768, 0, 108, &x, &y));
  g_assert_cmpint (x, ==, 0);
  g_assert_cmpint (y, ==, 0);

  /* in the top bar and left of the widget: clamped to the top-left pixel */
  g_assert_true (ferry_vnc_geometry_to_framebuffer (&g, 1024, 768, -5, 3, &x, &y));
  g_assert_cmpint (x, ==, 0);
  g_assert_cmpint (y, ==, 0);

  /* bottom-right corner and beyond: the last pixel, never the size */
  g_assert_true (ferry_vnc_geometry_to_framebuffer (&g, 1024, 768, 511.9, 491.9, &x, &y));
  g_assert_cmpint (x, ==, 1023);
  g_assert_cmpint (y, ==, 767);
  g_assert_true (ferry_vnc_geometry_to_framebuffer (&g, 1024, 768, 512, 600, &x, &y));
  g_assert_cmpint (x, ==, 1023);
  g_assert_cmpint (y, ==, 767);

  /* 1:1, centred */
  ferry_vnc_geometry_compute (FERRY_VNC_SCALE_NONE, 720, 400, 1000, 500, &g);
  g_assert_true (ferry_vnc_geometry_to_framebuffer (&g, 720, 400, 140 + 10.5, 50 + 20.2, &x, &y));
  g_assert_cmpint (x, ==, 10);
  g_assert_cmpint (y, ==, 20);

  /* no framebuffer */
  g_assert_false (ferry_vnc_geometry_to_framebuffer (&g, 0, 0, 10, 10, &x, &y));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/console/keymap/hardware", test_keymap_hardware);
  g_test_add_func ("/console/keymap/unknown", test_keymap_unknown);
  g_test_add_func ("/console/keymap/table-sane", test_keymap_table_sane);
  g_test_add_func ("/console/keymap/keyvals", test_keymap_keyvals);
  g_test_add_func ("/console/geometry/fit", test_geometry_fit);
  g_test_add_func ("/console/geometry/none", test_geometry_none);
  g_test_add_func ("/console/geometry/pointer", test_geometry_pointer);

  return g_test_run ();
}
