/* ferry-vnc-display.h — a GTK 4 VNC display on gvnc's VncConnection
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ferry-vnc-geometry.h"

G_BEGIN_DECLS

#define FERRY_TYPE_VNC_DISPLAY (ferry_vnc_display_get_type ())

G_DECLARE_FINAL_TYPE (FerryVncDisplay, ferry_vnc_display, FERRY, VNC_DISPLAY, GtkWidget)

GtkWidget         *ferry_vnc_display_new              (void);

/* What lies between the display and the VNC server, for the encodings
 * the next connection asks for. */
typedef enum
{
  FERRY_VNC_LINK_AUTO,   /* local for a loopback TCP peer, remote otherwise */
  FERRY_VNC_LINK_LOCAL,  /* the same machine (a socket from
                          * virDomainOpenGraphicsFD): uncompressed pixels,
                          * the cheapest to send and to draw when bandwidth
                          * is a memory copy */
  FERRY_VNC_LINK_REMOTE, /* a network (ssh tunnel, TCP): compressed */
} FerryVncLink;

#define FERRY_TYPE_VNC_LINK (ferry_vnc_link_get_type ())
GType ferry_vnc_link_get_type (void) G_GNUC_CONST;

void               ferry_vnc_display_set_link         (FerryVncDisplay   *self,
                                                       FerryVncLink       link);

/* The keys that give the keyboard back while the console has it. */
typedef enum
{
  FERRY_VNC_RELEASE_CTRL_ALT,
  FERRY_VNC_RELEASE_CTRL_ALT_SHIFT,
  FERRY_VNC_RELEASE_SHIFT_F12,
} FerryVncReleaseKeys;

void               ferry_vnc_display_set_release_keys (FerryVncDisplay   *self,
                                                       FerryVncReleaseKeys keys);
FerryVncReleaseKeys ferry_vnc_display_get_release_keys (FerryVncDisplay  *self);
/* "Ctrl+Alt", for hints. */
const char        *ferry_vnc_release_keys_to_string  (FerryVncReleaseKeys keys);
FerryVncLink       ferry_vnc_display_get_link         (FerryVncDisplay   *self);

/* Starts a connection over @fd (a connected stream socket: TCP, UNIX,
 * an ssh pipe's socketpair end). The display owns @fd from then on and
 * closes it when the connection ends. Returns FALSE when a connection is
 * already open. Progress comes as "connected", "initialized" and finally
 * "disconnected". */
gboolean           ferry_vnc_display_open_fd          (FerryVncDisplay   *self,
                                                       int                fd);
gboolean           ferry_vnc_display_open_host        (FerryVncDisplay   *self,
                                                       const char        *host,
                                                       const char        *port);
/* Ends the connection; "disconnected" follows (with no error). */
void               ferry_vnc_display_close            (FerryVncDisplay   *self);
gboolean           ferry_vnc_display_is_open          (FerryVncDisplay   *self);
gboolean           ferry_vnc_display_is_initialized   (FerryVncDisplay   *self);

/* The VNC password, answered when the server asks for one. */
void               ferry_vnc_display_set_password     (FerryVncDisplay   *self,
                                                       const char        *password);
const char        *ferry_vnc_display_get_password     (FerryVncDisplay   *self);

void               ferry_vnc_display_set_scale_mode   (FerryVncDisplay   *self,
                                                       FerryVncScaleMode  mode);
FerryVncScaleMode  ferry_vnc_display_get_scale_mode   (FerryVncDisplay   *self);

/* While grabbed, the compositor's shortcuts (Alt+Tab, Super…) go to the
 * guest. A click on the display grabs; Ctrl+Alt releases. */
void               ferry_vnc_display_set_grabbed      (FerryVncDisplay   *self,
                                                       gboolean           grabbed);
gboolean           ferry_vnc_display_get_grabbed      (FerryVncDisplay   *self);

/* Presses @keyvals in order, then releases them in reverse: Ctrl+Alt+Del
 * is { GDK_KEY_Control_L, GDK_KEY_Alt_L, GDK_KEY_Delete }. Keys are sent by
 * position (US layout) for modifiers, F-keys, editing keys, letters and
 * digits. Returns FALSE (sending nothing) when not connected or a keyval
 * has no key. */
gboolean           ferry_vnc_display_send_keys        (FerryVncDisplay   *self,
                                                       const guint       *keyvals,
                                                       guint              n_keyvals);

/* The current frame (full framebuffer size, opaque), or NULL before the
 * first one. Transfer full. */
GdkTexture        *ferry_vnc_display_get_texture      (FerryVncDisplay   *self);
int                ferry_vnc_display_get_fb_width     (FerryVncDisplay   *self);
int                ferry_vnc_display_get_fb_height    (FerryVncDisplay   *self);

G_END_DECLS
