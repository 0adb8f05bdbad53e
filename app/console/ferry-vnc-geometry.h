/* ferry-vnc-geometry.h — where the VNC frame sits in the display widget
 *
 * Pure functions (no GTK): the unit tests check them directly.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  FERRY_VNC_SCALE_FIT,  /* scale to the widget, keep the aspect ratio, letterbox */
  FERRY_VNC_SCALE_NONE, /* 1:1, centred when the widget is larger */
} FerryVncScaleMode;

#define FERRY_TYPE_VNC_SCALE_MODE (ferry_vnc_scale_mode_get_type ())
GType ferry_vnc_scale_mode_get_type (void) G_GNUC_CONST;

typedef struct
{
  /* The frame's rectangle in widget coordinates. */
  double x;
  double y;
  double width;
  double height;
  /* Widget pixels per framebuffer pixel. */
  double scale;
} FerryVncGeometry;

void ferry_vnc_geometry_compute         (FerryVncScaleMode       mode,
                                         int                     fb_width,
                                         int                     fb_height,
                                         int                     widget_width,
                                         int                     widget_height,
                                         FerryVncGeometry       *geometry);
/* Maps a widget point back to a framebuffer pixel, clamped to the
 * framebuffer (a pointer in the letterbox bars lands on the nearest edge).
 * Returns FALSE (and 0, 0) when there is no framebuffer. */
gboolean ferry_vnc_geometry_to_framebuffer (const FerryVncGeometry *geometry,
                                            int                     fb_width,
                                            int                     fb_height,
                                            double                  widget_x,
                                            double                  widget_y,
                                            int                    *fb_x,
                                            int                    *fb_y);

G_END_DECLS
