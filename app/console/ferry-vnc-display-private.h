/* ferry-vnc-display-private.h — hooks of the VNC display for its tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ferry-vnc-display.h"

G_BEGIN_DECLS

/* What the key controller calls: @hardware_keycode is GDK's (Linux input
 * code + 8). Returns whether the event was used. */
gboolean _ferry_vnc_display_key_event (FerryVncDisplay *self,
                                       gboolean         pressed,
                                       guint            keyval,
                                       guint            hardware_keycode);

typedef struct
{
  guint64 updates;         /* framebuffer-update rectangles received */
  guint64 update_requests; /* incremental update requests sent */
  guint64 frames;          /* frames handed to GTK (cairo nodes, textures) */
  guint64 tiles;           /* cairo tile nodes drawn (others were reused) */
  guint64 pixels_copied;   /* into texture buffers */
  gint64  copy_us;         /* time spent copying into texture buffers */
  gint64  texture_us;      /* time spent building textures, copy included */
  guint   buffers;         /* texture buffers allocated so far */
} FerryVncDisplayStats;

void     _ferry_vnc_display_get_stats (FerryVncDisplay      *self,
                                       FerryVncDisplayStats *stats);

G_END_DECLS
