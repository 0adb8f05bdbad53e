/* ferry-vnc-geometry.c — where the VNC frame sits in the display widget
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "ferry-vnc-geometry.h"

G_DEFINE_ENUM_TYPE (FerryVncScaleMode, ferry_vnc_scale_mode,
                    G_DEFINE_ENUM_VALUE (FERRY_VNC_SCALE_FIT, "fit"),
                    G_DEFINE_ENUM_VALUE (FERRY_VNC_SCALE_NONE, "none"))

void
ferry_vnc_geometry_compute (FerryVncScaleMode  mode,
                            int                fb_width,
                            int                fb_height,
                            int                widget_width,
                            int                widget_height,
                            FerryVncGeometry  *geometry)
{
  double scale = 1.0;

  g_return_if_fail (geometry != NULL);

  if (fb_width <= 0 || fb_height <= 0)
    {
      *geometry = (FerryVncGeometry) { 0, 0, 0, 0, 1.0 };
      return;
    }

  if (mode == FERRY_VNC_SCALE_FIT && widget_width > 0 && widget_height > 0)
    scale = MIN ((double) widget_width / fb_width, (double) widget_height / fb_height);

  geometry->scale = scale;
  geometry->width = fb_width * scale;
  geometry->height = fb_height * scale;
  /* Whole-pixel offsets: a frame drawn at a fractional position would be
   * resampled (blurred) even at 1:1. */
  geometry->x = MAX (0.0, floor ((widget_width - geometry->width) / 2));
  geometry->y = MAX (0.0, floor ((widget_height - geometry->height) / 2));
}

gboolean
ferry_vnc_geometry_to_framebuffer (const FerryVncGeometry *geometry,
                                   int                     fb_width,
                                   int                     fb_height,
                                   double                  widget_x,
                                   double                  widget_y,
                                   int                    *fb_x,
                                   int                    *fb_y)
{
  double fx, fy;

  g_return_val_if_fail (geometry != NULL, FALSE);

  *fb_x = 0;
  *fb_y = 0;
  if (fb_width <= 0 || fb_height <= 0 || geometry->scale <= 0)
    return FALSE;

  fx = floor ((widget_x - geometry->x) / geometry->scale);
  fy = floor ((widget_y - geometry->y) / geometry->scale);
  *fb_x = (int) CLAMP (fx, 0, fb_width - 1);
  *fb_y = (int) CLAMP (fy, 0, fb_height - 1);
  return TRUE;
}
