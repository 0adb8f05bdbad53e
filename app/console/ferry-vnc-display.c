/* ferry-vnc-display.c — a GTK 4 VNC display on gvnc's VncConnection
 *
 * gvnc decodes into our own framebuffer memory (a VncBaseFramebuffer over
 * fb_data, pixel format 32 bpp, depth 24, shifts 16/8/0, host order). Each
 * framebuffer-update rectangle is only recorded as damage; snapshot() then
 * builds one GdkMemoryTexture per frame. GTK 4.8 textures are immutable, so
 * a texture owns its buffer until GTK drops it: we keep a small pool of
 * frame buffers, each with the damage it has missed since it was last
 * filled, and copy only those rectangles (forcing the padding byte, which
 * QEMU leaves at 0, to an opaque alpha). With the renderer holding at most
 * the previous frame, two or three buffers cycle.
 *
 * gvnc runs its protocol in a coroutine on the GLib main loop; its signals
 * are emitted from the main context while the coroutine waits, so every
 * handler here runs on the main thread, and handlers that must answer
 * (auth type, credentials, a new framebuffer after a resize) answer before
 * returning.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <vncconnection.h>
#include <vncbaseframebuffer.h>

#include "ferry-vnc-display.h"
#include "ferry-vnc-display-private.h"
#include "ferry-vnc-keymap.h"

#if G_BYTE_ORDER == G_LITTLE_ENDIAN
#define FRAME_FORMAT GDK_MEMORY_B8G8R8A8_PREMULTIPLIED
#else
#define FRAME_FORMAT GDK_MEMORY_A8R8G8B8_PREMULTIPLIED
#endif
#define OPAQUE 0xff000000u

/* Buttons 1-3 are sent as pressed or released; 4-7 are the wheel. */
#define N_BUTTONS 3

typedef struct
{
  guint8         *data;
  cairo_region_t *damage;   /* framebuffer changes this buffer has not seen */
  gboolean        in_use;   /* a texture wraps it */
  gboolean        orphaned; /* no longer in the pool: free it when released */
} FrameBuffer;

typedef struct
{
  guint   keycode;
  guint   keyval;
  guint16 scancode;
} HeldKey;

struct _FerryVncDisplay
{
  GtkWidget          parent_instance;

  VncConnection     *conn;
  gboolean           initialized;
  gboolean           closing;       /* close() asked: no error to report */
  char              *error;         /* the first error of this connection */
  char              *password;
  FerryVncScaleMode  scale_mode;
  gboolean           grabbed;
  GdkToplevel       *inhibited;     /* where system shortcuts are inhibited */

  /* gvnc's framebuffer, in our memory */
  VncFramebuffer    *fb;
  guint8            *fb_data;
  int                fb_width;
  int                fb_height;
  int                fb_stride;

  /* frames */
  GPtrArray         *buffers;       /* FrameBuffer *, current size */
  GdkTexture        *texture;
  gboolean           frame_dirty;
  guint              update_idle_id;

  /* input */
  GArray            *held_keys;     /* HeldKey */
  guint8             button_mask;
  double             pointer_x;
  double             pointer_y;
  gboolean           motion_pending;
  guint              motion_tick_id;

  /* clipboard */
  GdkClipboard      *clipboard;
  gulong             clipboard_changed_id;
  char              *clipboard_last;  /* last text exchanged, UTF-8 */
  GCancellable      *cancellable;

  FerryVncDisplayStats stats;
};

G_DEFINE_FINAL_TYPE (FerryVncDisplay, ferry_vnc_display, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_PASSWORD,
  PROP_SCALE_MODE,
  PROP_GRABBED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_CONNECTED,
  SIGNAL_INITIALIZED,
  SIGNAL_DISCONNECTED,
  SIGNAL_AUTH_REQUIRED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void release_held_keys (FerryVncDisplay *self);

/* ---------------------------------------------------------------------- */
/* Frame buffers                                                           */

static void
frame_buffer_free (FrameBuffer *buf)
{
  g_free (buf->data);
  cairo_region_destroy (buf->damage);
  g_free (buf);
}

/* GBytes free function: the texture wrapping @data is gone. */
static void
frame_buffer_released (gpointer data)
{
  FrameBuffer *buf = data;

  buf->in_use = FALSE;
  if (buf->orphaned)
    frame_buffer_free (buf);
}

static void
frame_pool_clear (FerryVncDisplay *self)
{
  for (guint i = 0; i < self->buffers->len; i++)
    {
      FrameBuffer *buf = g_ptr_array_index (self->buffers, i);

      if (buf->in_use)
        buf->orphaned = TRUE;
      else
        frame_buffer_free (buf);
    }
  g_ptr_array_set_size (self->buffers, 0);
}

static void
frame_pool_damage (FerryVncDisplay             *self,
                   const cairo_rectangle_int_t *rect)
{
  for (guint i = 0; i < self->buffers->len; i++)
    {
      FrameBuffer *buf = g_ptr_array_index (self->buffers, i);

      cairo_region_union_rectangle (buf->damage, rect);
    }
}

static void
copy_opaque (const guint8                *src,
             guint8                      *dst,
             int                          stride,
             const cairo_rectangle_int_t *r)
{
  for (int y = r->y; y < r->y + r->height; y++)
    {
      const guint32 *s = (const guint32 *) (src + (gsize) y * stride) + r->x;
      guint32 *d = (guint32 *) (dst + (gsize) y * stride) + r->x;

      for (int x = 0; x < r->width; x++)
        d[x] = s[x] | OPAQUE;
    }
}

static GdkTexture *
build_texture (FerryVncDisplay *self)
{
  gint64 start = g_get_monotonic_time ();
  gint64 copy_start;
  FrameBuffer *buf = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gsize size = (gsize) self->fb_stride * self->fb_height;
  int n;

  for (guint i = 0; i < self->buffers->len && buf == NULL; i++)
    {
      FrameBuffer *candidate = g_ptr_array_index (self->buffers, i);

      if (!candidate->in_use)
        buf = candidate;
    }
  if (buf == NULL)
    {
      cairo_rectangle_int_t all = { 0, 0, self->fb_width, self->fb_height };

      buf = g_new0 (FrameBuffer, 1);
      buf->data = g_malloc (size);
      buf->damage = cairo_region_create_rectangle (&all);
      g_ptr_array_add (self->buffers, buf);
      self->stats.buffers++;
    }

  copy_start = g_get_monotonic_time ();
  n = cairo_region_num_rectangles (buf->damage);
  for (int i = 0; i < n; i++)
    {
      cairo_rectangle_int_t r;

      cairo_region_get_rectangle (buf->damage, i, &r);
      copy_opaque (self->fb_data, buf->data, self->fb_stride, &r);
      self->stats.pixels_copied += (guint64) r.width * r.height;
    }
  self->stats.copy_us += g_get_monotonic_time () - copy_start;
  cairo_region_destroy (buf->damage);
  buf->damage = cairo_region_create ();

  buf->in_use = TRUE;
  bytes = g_bytes_new_with_free_func (buf->data, size, frame_buffer_released, buf);
  self->stats.frames++;
  self->stats.texture_us += g_get_monotonic_time () - start;
  return gdk_memory_texture_new (self->fb_width, self->fb_height, FRAME_FORMAT,
                                 bytes, self->fb_stride);
}

static GdkTexture *
ensure_texture (FerryVncDisplay *self)
{
  if (self->fb_data == NULL || self->fb_width <= 0 || self->fb_height <= 0)
    return NULL;
  if (self->texture == NULL || self->frame_dirty)
    {
      g_clear_object (&self->texture);
      self->texture = build_texture (self);
      self->frame_dirty = FALSE;
    }
  return self->texture;
}

/* ---------------------------------------------------------------------- */
/* gvnc framebuffer                                                        */

static void
local_pixel_format (VncPixelFormat *fmt)
{
  memset (fmt, 0, sizeof *fmt);
  fmt->bits_per_pixel = 32;
  fmt->depth = 24;
  fmt->byte_order = G_BYTE_ORDER;
  fmt->true_color_flag = 1;
  fmt->red_max = 255;
  fmt->green_max = 255;
  fmt->blue_max = 255;
  fmt->red_shift = 16;
  fmt->green_shift = 8;
  fmt->blue_shift = 0;
}

/* Installs a framebuffer for the connection's current size and remote
 * format. Must run before the coroutine decodes anything into it: gvnc
 * calls us from its resize and format handlers for exactly that. */
static void
install_framebuffer (FerryVncDisplay *self,
                     gboolean         keep_pixels)
{
  VncPixelFormat local;
  const VncPixelFormat *remote = vnc_connection_get_pixel_format (self->conn);
  int width = vnc_connection_get_width (self->conn);
  int height = vnc_connection_get_height (self->conn);
  gboolean resized = width != self->fb_width || height != self->fb_height;

  local_pixel_format (&local);
  g_clear_object (&self->fb);

  if (resized || !keep_pixels || self->fb_data == NULL)
    {
      g_clear_pointer (&self->fb_data, g_free);
      frame_pool_clear (self);
      g_clear_object (&self->texture);
      self->fb_width = width;
      self->fb_height = height;
      self->fb_stride = width * 4;
      self->fb_data = g_malloc0 ((gsize) self->fb_stride * MAX (height, 1));
    }

  self->fb = VNC_FRAMEBUFFER (vnc_base_framebuffer_new (self->fb_data, width, height,
                                                        self->fb_stride, &local, remote));
  vnc_connection_set_framebuffer (self->conn, self->fb);
  self->frame_dirty = TRUE;

  if (resized)
    gtk_widget_queue_resize (GTK_WIDGET (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
request_update_idle (gpointer data)
{
  FerryVncDisplay *self = data;

  self->update_idle_id = 0;
  if (self->conn != NULL && self->initialized && self->fb_width > 0)
    {
      vnc_connection_framebuffer_update_request (self->conn, TRUE, 0, 0,
                                                 self->fb_width, self->fb_height);
      self->stats.update_requests++;
    }
  return G_SOURCE_REMOVE;
}

/* ---------------------------------------------------------------------- */
/* Connection signal handlers (main context, coroutine waiting)            */

static void
set_error (FerryVncDisplay *self,
           const char      *message)
{
  if (self->error == NULL && !self->closing)
    self->error = g_strdup (message);
}

static void
on_vnc_connected (VncConnection   *conn,
                  FerryVncDisplay *self)
{
  g_signal_emit (self, signals[SIGNAL_CONNECTED], 0);
}

static void
on_vnc_initialized (VncConnection   *conn,
                    FerryVncDisplay *self)
{
  static const gint32 encodings[] = {
    VNC_CONNECTION_ENCODING_ZRLE,
    VNC_CONNECTION_ENCODING_TIGHT,
    VNC_CONNECTION_ENCODING_HEXTILE,
    VNC_CONNECTION_ENCODING_RRE,
    VNC_CONNECTION_ENCODING_COPY_RECT,
    VNC_CONNECTION_ENCODING_RAW,
    /* pseudo-encodings */
    VNC_CONNECTION_ENCODING_EXTENDED_DESKTOP_RESIZE,
    VNC_CONNECTION_ENCODING_DESKTOP_RESIZE,
    VNC_CONNECTION_ENCODING_WMVi,
    VNC_CONNECTION_ENCODING_EXT_KEY_EVENT,
    VNC_CONNECTION_ENCODING_POINTER_CHANGE,
    VNC_CONNECTION_ENCODING_ALPHA_CURSOR,
    VNC_CONNECTION_ENCODING_RICH_CURSOR,
    VNC_CONNECTION_ENCODING_LAST_RECT,
    VNC_CONNECTION_ENCODING_LED_STATE,
    VNC_CONNECTION_ENCODING_DESKTOP_NAME,
  };
  VncPixelFormat fmt;

  local_pixel_format (&fmt);
  if (!vnc_connection_set_pixel_format (conn, &fmt))
    return;
  install_framebuffer (self, FALSE);
  if (!vnc_connection_set_encodings (conn, G_N_ELEMENTS (encodings), (gint32 *) encodings))
    return;
  if (!vnc_connection_framebuffer_update_request (conn, FALSE, 0, 0,
                                                  self->fb_width, self->fb_height))
    return;

  self->initialized = TRUE;
  g_signal_emit (self, signals[SIGNAL_INITIALIZED], 0, self->fb_width, self->fb_height);
}

static void
on_vnc_framebuffer_update (VncConnection   *conn,
                           int              x,
                           int              y,
                           int              width,
                           int              height,
                           FerryVncDisplay *self)
{
  cairo_rectangle_int_t rect = { x, y, width, height };
  cairo_rectangle_int_t all = { 0, 0, self->fb_width, self->fb_height };
  cairo_region_t *region = cairo_region_create_rectangle (&rect);

  self->stats.updates++;
  /* A server may send rectangles over the edge; never copy outside. */
  cairo_region_intersect_rectangle (region, &all);
  if (!cairo_region_is_empty (region))
    {
      cairo_region_get_extents (region, &rect);
      frame_pool_damage (self, &rect);
      self->frame_dirty = TRUE;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
  cairo_region_destroy (region);

  /* One incremental request per batch of rectangles. */
  if (self->update_idle_id == 0)
    self->update_idle_id = g_idle_add (request_update_idle, self);
}

static void
on_vnc_desktop_resize (VncConnection   *conn,
                       int              width,
                       int              height,
                       FerryVncDisplay *self)
{
  install_framebuffer (self, FALSE);
  if (self->initialized)
    vnc_connection_framebuffer_update_request (conn, FALSE, 0, 0,
                                               self->fb_width, self->fb_height);
}

static void
on_vnc_pixel_format_changed (VncConnection   *conn,
                             VncPixelFormat  *format,
                             FerryVncDisplay *self)
{
  install_framebuffer (self, TRUE);
}

static void
on_vnc_cursor_changed (VncConnection   *conn,
                       VncCursor       *cursor,
                       FerryVncDisplay *self)
{
  g_autoptr(GdkCursor) gdk_cursor = NULL;

  if (cursor == NULL || vnc_cursor_get_width (cursor) == 0 || vnc_cursor_get_height (cursor) == 0)
    {
      gdk_cursor = gdk_cursor_new_from_name ("none", NULL);
    }
  else
    {
      int width = vnc_cursor_get_width (cursor);
      int height = vnc_cursor_get_height (cursor);
      /* gvnc gives 8-bit R, G, B, A (straight alpha) */
      g_autoptr(GBytes) bytes = g_bytes_new (vnc_cursor_get_data (cursor), (gsize) width * height * 4);
      g_autoptr(GdkTexture) texture = gdk_memory_texture_new (width, height, GDK_MEMORY_R8G8B8A8,
                                                              bytes, width * 4);

      gdk_cursor = gdk_cursor_new_from_texture (texture,
                                                vnc_cursor_get_hotx (cursor),
                                                vnc_cursor_get_hoty (cursor),
                                                NULL);
    }
  gtk_widget_set_cursor (GTK_WIDGET (self), gdk_cursor);
}

static void
on_vnc_bell (VncConnection   *conn,
             FerryVncDisplay *self)
{
  gtk_widget_error_bell (GTK_WIDGET (self));
}

static void
on_vnc_server_cut_text (VncConnection   *conn,
                        const char      *text,
                        FerryVncDisplay *self)
{
  g_autofree char *utf8 = NULL;

  if (text == NULL || self->clipboard == NULL)
    return;
  /* RFB cut text is Latin-1 */
  utf8 = g_convert (text, -1, "UTF-8", "ISO-8859-1", NULL, NULL, NULL);
  if (utf8 == NULL)
    return;
  g_free (self->clipboard_last);
  self->clipboard_last = g_strdup (utf8);
  gdk_clipboard_set_text (self->clipboard, utf8);
}

static guint
value_to_uint (const GValue *value)
{
  if (G_VALUE_HOLDS_ENUM (value))
    return (guint) g_value_get_enum (value);
  if (G_VALUE_HOLDS_UINT (value))
    return g_value_get_uint (value);
  if (G_VALUE_HOLDS_INT (value))
    return (guint) g_value_get_int (value);
  return 0;
}

/* Index of the first of @preferred present in @array (a GValueArray), or
 * -1. */
static int
pick_preferred (gpointer     array,
                const guint *preferred,
                gsize        n_preferred,
                guint       *chosen)
{
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  GValueArray *values = array;

  for (gsize p = 0; p < n_preferred; p++)
    for (guint i = 0; i < values->n_values; i++)
      if (value_to_uint (&values->values[i]) == preferred[p])
        {
          *chosen = preferred[p];
          return (int) p;
        }
  G_GNUC_END_IGNORE_DEPRECATIONS
  return -1;
}

static void
fail_connection (FerryVncDisplay *self,
                 const char      *message)
{
  set_error (self, message);
  if (self->conn != NULL)
    vnc_connection_shutdown (self->conn);
}

static void
on_vnc_auth_choose_type (VncConnection   *conn,
                         gpointer         types,
                         FerryVncDisplay *self)
{
  static const guint preferred[] = {
    VNC_CONNECTION_AUTH_NONE,
    VNC_CONNECTION_AUTH_VNC,
    VNC_CONNECTION_AUTH_VENCRYPT,
    VNC_CONNECTION_AUTH_TLS,
    VNC_CONNECTION_AUTH_SASL,
  };
  guint type;

  if (pick_preferred (types, preferred, G_N_ELEMENTS (preferred), &type) < 0)
    {
      fail_connection (self, _("The console asks for a kind of authentication Ferry does not support"));
      return;
    }
  vnc_connection_set_auth_type (conn, type);
}

static void
on_vnc_auth_choose_subtype (VncConnection   *conn,
                            guint            type,
                            gpointer         subtypes,
                            FerryVncDisplay *self)
{
  static const guint preferred[] = {
    VNC_CONNECTION_AUTH_VENCRYPT_X509NONE,
    VNC_CONNECTION_AUTH_VENCRYPT_TLSNONE,
    VNC_CONNECTION_AUTH_VENCRYPT_X509VNC,
    VNC_CONNECTION_AUTH_VENCRYPT_TLSVNC,
    VNC_CONNECTION_AUTH_NONE,
    VNC_CONNECTION_AUTH_VNC,
  };
  guint subtype;

  if (pick_preferred (subtypes, preferred, G_N_ELEMENTS (preferred), &subtype) < 0)
    {
      fail_connection (self, _("The console asks for a kind of authentication Ferry does not support"));
      return;
    }
  vnc_connection_set_auth_subtype (conn, subtype);
}

static void
on_vnc_auth_credential (VncConnection   *conn,
                        gpointer         array,
                        FerryVncDisplay *self)
{
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  GValueArray *creds = array;
  gboolean wants_password = FALSE;

  for (guint i = 0; i < creds->n_values; i++)
    if (value_to_uint (&creds->values[i]) == VNC_CONNECTION_CREDENTIAL_PASSWORD)
      wants_password = TRUE;

  /* A handler may set "password" right away and let us go on. */
  if (wants_password && (self->password == NULL || self->password[0] == '\0'))
    g_signal_emit (self, signals[SIGNAL_AUTH_REQUIRED], 0);

  for (guint i = 0; i < creds->n_values; i++)
    {
      switch (value_to_uint (&creds->values[i]))
        {
        case VNC_CONNECTION_CREDENTIAL_PASSWORD:
          if (self->password == NULL || self->password[0] == '\0')
            {
              fail_connection (self, _("The console needs a password"));
              return;
            }
          vnc_connection_set_credential (conn, VNC_CONNECTION_CREDENTIAL_PASSWORD, self->password);
          break;

        case VNC_CONNECTION_CREDENTIAL_USERNAME:
          fail_connection (self, _("The console needs a user name, which Ferry cannot give yet"));
          return;

        case VNC_CONNECTION_CREDENTIAL_CLIENTNAME:
          vnc_connection_set_credential (conn, VNC_CONNECTION_CREDENTIAL_CLIENTNAME, "libvirt");
          break;

        default:
          fail_connection (self, _("The console asks for credentials Ferry does not know"));
          return;
        }
    }
  G_GNUC_END_IGNORE_DEPRECATIONS
}

static void
on_vnc_auth_failure (VncConnection   *conn,
                     const char      *reason,
                     FerryVncDisplay *self)
{
  g_autofree char *message = NULL;

  if (reason != NULL && reason[0] != '\0')
    message = g_strdup_printf (_("Authentication failed: %s"), reason);
  else
    message = g_strdup (_("Authentication failed"));
  /* gvnc reports the bare reason as an error first: this says more. */
  if (!self->closing)
    {
      g_free (self->error);
      self->error = g_steal_pointer (&message);
    }
}

static void
on_vnc_auth_unsupported (VncConnection   *conn,
                         guint            type,
                         FerryVncDisplay *self)
{
  g_autofree char *message =
    g_strdup_printf (_("The console’s authentication (type %u) is not supported"), type);

  set_error (self, message);
}

static void
on_vnc_error (VncConnection   *conn,
              const char      *message,
              FerryVncDisplay *self)
{
  set_error (self, message);
}

static void disconnect_connection (FerryVncDisplay *self);

static void
on_vnc_disconnected (VncConnection   *conn,
                     FerryVncDisplay *self)
{
  g_autofree char *error = g_steal_pointer (&self->error);
  gboolean closing = self->closing;

  g_object_ref (self);
  disconnect_connection (self);
  g_signal_emit (self, signals[SIGNAL_DISCONNECTED], 0, closing ? NULL : error);
  g_object_unref (self);
}

/* ---------------------------------------------------------------------- */
/* Opening and closing                                                     */

static void
disconnect_connection (FerryVncDisplay *self)
{
  if (self->conn == NULL)
    return;

  g_signal_handlers_disconnect_by_data (self->conn, self);
  /* gvnc keeps its own reference until its coroutine has exited. */
  if (vnc_connection_is_open (self->conn))
    vnc_connection_shutdown (self->conn);
  g_clear_object (&self->conn);
  g_clear_handle_id (&self->update_idle_id, g_source_remove);
  g_array_set_size (self->held_keys, 0);
  self->button_mask = 0;
  self->initialized = FALSE;
  ferry_vnc_display_set_grabbed (self, FALSE);
  gtk_widget_set_cursor (GTK_WIDGET (self), NULL);
  /* The last frame stays on screen; gvnc no longer writes into it. */
  g_clear_object (&self->fb);
}

static VncConnection *
new_connection (FerryVncDisplay *self)
{
  VncConnection *conn = vnc_connection_new ();

  g_signal_connect (conn, "vnc-connected", G_CALLBACK (on_vnc_connected), self);
  g_signal_connect (conn, "vnc-initialized", G_CALLBACK (on_vnc_initialized), self);
  g_signal_connect (conn, "vnc-disconnected", G_CALLBACK (on_vnc_disconnected), self);
  g_signal_connect (conn, "vnc-error", G_CALLBACK (on_vnc_error), self);
  g_signal_connect (conn, "vnc-framebuffer-update", G_CALLBACK (on_vnc_framebuffer_update), self);
  g_signal_connect (conn, "vnc-desktop-resize", G_CALLBACK (on_vnc_desktop_resize), self);
  g_signal_connect (conn, "vnc-pixel-format-changed", G_CALLBACK (on_vnc_pixel_format_changed), self);
  g_signal_connect (conn, "vnc-cursor-changed", G_CALLBACK (on_vnc_cursor_changed), self);
  g_signal_connect (conn, "vnc-bell", G_CALLBACK (on_vnc_bell), self);
  g_signal_connect (conn, "vnc-server-cut-text", G_CALLBACK (on_vnc_server_cut_text), self);
  g_signal_connect (conn, "vnc-auth-choose-type", G_CALLBACK (on_vnc_auth_choose_type), self);
  g_signal_connect (conn, "vnc-auth-choose-subtype", G_CALLBACK (on_vnc_auth_choose_subtype), self);
  g_signal_connect (conn, "vnc-auth-credential", G_CALLBACK (on_vnc_auth_credential), self);
  g_signal_connect (conn, "vnc-auth-failure", G_CALLBACK (on_vnc_auth_failure), self);
  g_signal_connect (conn, "vnc-auth-unsupported", G_CALLBACK (on_vnc_auth_unsupported), self);
  /* Shared: another viewer (virt-manager, a second Ferry) keeps its session. */
  vnc_connection_set_shared (conn, TRUE);
  return conn;
}

static gboolean
prepare_open (FerryVncDisplay *self)
{
  if (self->conn != NULL)
    return FALSE;
  g_clear_pointer (&self->error, g_free);
  self->closing = FALSE;
  self->conn = new_connection (self);
  return TRUE;
}

gboolean
ferry_vnc_display_open_fd (FerryVncDisplay *self,
                           int              fd)
{
  g_return_val_if_fail (FERRY_IS_VNC_DISPLAY (self), FALSE);
  g_return_val_if_fail (fd >= 0, FALSE);

  if (!prepare_open (self))
    return FALSE;
  if (!vnc_connection_open_fd (self->conn, fd))
    {
      disconnect_connection (self);
      return FALSE;
    }
  return TRUE;
}

gboolean
ferry_vnc_display_open_host (FerryVncDisplay *self,
                             const char      *host,
                             const char      *port)
{
  g_return_val_if_fail (FERRY_IS_VNC_DISPLAY (self), FALSE);
  g_return_val_if_fail (host != NULL && port != NULL, FALSE);

  if (!prepare_open (self))
    return FALSE;
  if (!vnc_connection_open_host (self->conn, host, port))
    {
      disconnect_connection (self);
      return FALSE;
    }
  return TRUE;
}

void
ferry_vnc_display_close (FerryVncDisplay *self)
{
  g_return_if_fail (FERRY_IS_VNC_DISPLAY (self));

  if (self->conn == NULL)
    return;
  self->closing = TRUE;
  release_held_keys (self);
  vnc_connection_shutdown (self->conn);
}

gboolean
ferry_vnc_display_is_open (FerryVncDisplay *self)
{
  g_return_val_if_fail (FERRY_IS_VNC_DISPLAY (self), FALSE);

  return self->conn != NULL;
}

gboolean
ferry_vnc_display_is_initialized (FerryVncDisplay *self)
{
  g_return_val_if_fail (FERRY_IS_VNC_DISPLAY (self), FALSE);

  return self->conn != NULL && self->initialized;
}

/* ---------------------------------------------------------------------- */
/* Keyboard                                                                */

static void
send_key (FerryVncDisplay *self,
          gboolean         down,
          guint            keyval,
          guint16          scancode)
{
  vnc_connection_key_event (self->conn, down, keyval, scancode);
}

static void
release_held_keys (FerryVncDisplay *self)
{
  if (self->conn != NULL && self->initialized)
    for (guint i = self->held_keys->len; i > 0; i--)
      {
        HeldKey *key = &g_array_index (self->held_keys, HeldKey, i - 1);

        send_key (self, FALSE, key->keyval, key->scancode);
      }
  g_array_set_size (self->held_keys, 0);
}

static int
find_held_key (FerryVncDisplay *self,
               guint            keycode)
{
  for (guint i = 0; i < self->held_keys->len; i++)
    if (g_array_index (self->held_keys, HeldKey, i).keycode == keycode)
      return (int) i;
  return -1;
}

static gboolean
is_keyval_held (FerryVncDisplay *self,
                guint            a,
                guint            b)
{
  for (guint i = 0; i < self->held_keys->len; i++)
    {
      guint keyval = g_array_index (self->held_keys, HeldKey, i).keyval;

      if (keyval == a || keyval == b)
        return TRUE;
    }
  return FALSE;
}

gboolean
_ferry_vnc_display_key_event (FerryVncDisplay *self,
                              gboolean         pressed,
                              guint            keyval,
                              guint            hardware_keycode)
{
  int index;

  g_return_val_if_fail (FERRY_IS_VNC_DISPLAY (self), FALSE);

  if (self->conn == NULL || !self->initialized)
    return FALSE;

  index = find_held_key (self, hardware_keycode);
  if (pressed)
    {
      HeldKey key = {
        .keycode = hardware_keycode,
        .keyval = keyval,
        .scancode = ferry_vnc_keymap_hardware_to_qnum (hardware_keycode),
      };

      /* Auto-repeat: a press of a key already down is sent as a press. */
      if (index >= 0)
        g_array_index (self->held_keys, HeldKey, index) = key;
      else
        g_array_append_val (self->held_keys, key);
      send_key (self, TRUE, key.keyval, key.scancode);

      if (self->grabbed
          && is_keyval_held (self, GDK_KEY_Control_L, GDK_KEY_Control_R)
          && is_keyval_held (self, GDK_KEY_Alt_L, GDK_KEY_Alt_R))
        ferry_vnc_display_set_grabbed (self, FALSE);
    }
  else if (index >= 0)
    {
      /* Released with what was pressed: the keyval may differ now that
       * modifiers changed. */
      HeldKey key = g_array_index (self->held_keys, HeldKey, index);

      g_array_remove_index (self->held_keys, index);
      send_key (self, FALSE, key.keyval, key.scancode);
    }
  return TRUE;
}

static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                FerryVncDisplay       *self)
{
  return _ferry_vnc_display_key_event (self, TRUE, keyval, keycode);
}

static void
on_key_released (GtkEventControllerKey *controller,
                 guint                  keyval,
                 guint                  keycode,
                 GdkModifierType        state,
                 FerryVncDisplay       *self)
{
  _ferry_vnc_display_key_event (self, FALSE, keyval, keycode);
}

static void
on_focus_leave (GtkEventControllerFocus *controller,
                FerryVncDisplay         *self)
{
  release_held_keys (self);
  ferry_vnc_display_set_grabbed (self, FALSE);
}

gboolean
ferry_vnc_display_send_keys (FerryVncDisplay *self,
                             const guint     *keyvals,
                             guint            n_keyvals)
{
  g_autofree guint16 *scancodes = NULL;

  g_return_val_if_fail (FERRY_IS_VNC_DISPLAY (self), FALSE);
  g_return_val_if_fail (keyvals != NULL || n_keyvals == 0, FALSE);

  if (self->conn == NULL || !self->initialized)
    return FALSE;

  scancodes = g_new0 (guint16, MAX (n_keyvals, 1));
  for (guint i = 0; i < n_keyvals; i++)
    {
      guint evdev = ferry_vnc_keymap_keyval_to_evdev (keyvals[i]);

      scancodes[i] = ferry_vnc_keymap_evdev_to_qnum (evdev);
      if (scancodes[i] == 0)
        return FALSE;
    }
  for (guint i = 0; i < n_keyvals; i++)
    send_key (self, TRUE, keyvals[i], scancodes[i]);
  for (guint i = n_keyvals; i > 0; i--)
    send_key (self, FALSE, keyvals[i - 1], scancodes[i - 1]);
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* Grab                                                                    */

static void
apply_grab (FerryVncDisplay *self)
{
  GtkNative *native;
  GdkSurface *surface;

  if (self->grabbed == (self->inhibited != NULL))
    return;

  if (self->inhibited != NULL)
    {
      gdk_toplevel_restore_system_shortcuts (self->inhibited);
      g_clear_object (&self->inhibited);
      return;
    }

  native = gtk_widget_get_native (GTK_WIDGET (self));
  surface = native != NULL ? gtk_native_get_surface (native) : NULL;
  if (surface != NULL && GDK_IS_TOPLEVEL (surface))
    {
      self->inhibited = g_object_ref (GDK_TOPLEVEL (surface));
      gdk_toplevel_inhibit_system_shortcuts (self->inhibited, NULL);
    }
}

void
ferry_vnc_display_set_grabbed (FerryVncDisplay *self,
                               gboolean         grabbed)
{
  g_return_if_fail (FERRY_IS_VNC_DISPLAY (self));

  grabbed = !!grabbed;
  if (self->grabbed == grabbed)
    return;
  self->grabbed = grabbed;
  if (gtk_widget_get_realized (GTK_WIDGET (self)) || !grabbed)
    apply_grab (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GRABBED]);
}

gboolean
ferry_vnc_display_get_grabbed (FerryVncDisplay *self)
{
  g_return_val_if_fail (FERRY_IS_VNC_DISPLAY (self), FALSE);

  return self->grabbed;
}

/* ---------------------------------------------------------------------- */
/* Pointer                                                                 */

static void
send_pointer (FerryVncDisplay *self)
{
  FerryVncGeometry geometry;
  int x, y;

  self->motion_pending = FALSE;
  if (self->conn == NULL || !self->initialized)
    return;

  ferry_vnc_geometry_compute (self->scale_mode, self->fb_width, self->fb_height,
                              gtk_widget_get_width (GTK_WIDGET (self)),
                              gtk_widget_get_height (GTK_WIDGET (self)),
                              &geometry);
  if (!ferry_vnc_geometry_to_framebuffer (&geometry, self->fb_width, self->fb_height,
                                          self->pointer_x, self->pointer_y, &x, &y))
    return;
  vnc_connection_pointer_event (self->conn, self->button_mask, x, y);
}

static gboolean
motion_tick (GtkWidget     *widget,
             GdkFrameClock *clock,
             gpointer       data)
{
  FerryVncDisplay *self = FERRY_VNC_DISPLAY (widget);

  self->motion_tick_id = 0;
  if (self->motion_pending)
    send_pointer (self);
  return G_SOURCE_REMOVE;
}

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           FerryVncDisplay          *self)
{
  self->pointer_x = x;
  self->pointer_y = y;
  self->motion_pending = TRUE;
  /* At most one pointer event per frame. */
  if (self->motion_tick_id == 0)
    self->motion_tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), motion_tick,
                                                         NULL, NULL);
}

static void
button_event (FerryVncDisplay *self,
              guint            button,
              gboolean         pressed,
              double           x,
              double           y)
{
  guint8 bit;

  if (button < 1 || button > N_BUTTONS || self->conn == NULL || !self->initialized)
    return;

  bit = 1 << (button - 1);
  self->pointer_x = x;
  self->pointer_y = y;
  if (pressed)
    self->button_mask |= bit;
  else
    self->button_mask &= ~bit;
  send_pointer (self);
}

static void
on_drag_begin (GtkGestureDrag  *gesture,
               double           x,
               double           y,
               FerryVncDisplay *self)
{
  guint button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture));

  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  if (self->conn != NULL && self->initialized)
    {
      gtk_widget_grab_focus (GTK_WIDGET (self));
      ferry_vnc_display_set_grabbed (self, TRUE);
    }
  button_event (self, button, TRUE, x, y);
}

static void
on_drag_end (GtkGestureDrag  *gesture,
             double           offset_x,
             double           offset_y,
             FerryVncDisplay *self)
{
  guint button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture));
  double x = 0, y = 0;

  gtk_gesture_drag_get_start_point (gesture, &x, &y);
  button_event (self, button, FALSE, x + offset_x, y + offset_y);
}

static void
on_drag_cancel (GtkGesture       *gesture,
                GdkEventSequence *sequence,
                FerryVncDisplay  *self)
{
  guint button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture));

  button_event (self, button, FALSE, self->pointer_x, self->pointer_y);
}

static gboolean
on_scroll (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           FerryVncDisplay          *self)
{
  FerryVncGeometry geometry;
  int x, y, steps_x, steps_y;

  if (self->conn == NULL || !self->initialized)
    return FALSE;

  ferry_vnc_geometry_compute (self->scale_mode, self->fb_width, self->fb_height,
                              gtk_widget_get_width (GTK_WIDGET (self)),
                              gtk_widget_get_height (GTK_WIDGET (self)),
                              &geometry);
  if (!ferry_vnc_geometry_to_framebuffer (&geometry, self->fb_width, self->fb_height,
                                          self->pointer_x, self->pointer_y, &x, &y))
    return FALSE;

  /* Position first, then the wheel "buttons" 4 (up), 5 (down), 6 (left),
   * 7 (right) pressed and released where the pointer is. */
  vnc_connection_pointer_event (self->conn, self->button_mask, x, y);
  steps_x = (int) CLAMP (dx, -10, 10);
  steps_y = (int) CLAMP (dy, -10, 10);
  for (int i = 0; i < ABS (steps_y); i++)
    {
      guint8 bit = steps_y < 0 ? 1 << 3 : 1 << 4;

      vnc_connection_pointer_event (self->conn, self->button_mask | bit, x, y);
      vnc_connection_pointer_event (self->conn, self->button_mask, x, y);
    }
  for (int i = 0; i < ABS (steps_x); i++)
    {
      guint8 bit = steps_x < 0 ? 1 << 5 : 1 << 6;

      vnc_connection_pointer_event (self->conn, self->button_mask | bit, x, y);
      vnc_connection_pointer_event (self->conn, self->button_mask, x, y);
    }
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* Clipboard                                                               */

static void
clipboard_text_read (GObject      *source,
                     GAsyncResult *result,
                     gpointer      data)
{
  FerryVncDisplay *self = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, &error);
  g_autofree char *latin1 = NULL;
  gsize len = 0;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (text == NULL || self->conn == NULL || !self->initialized)
    return;
  if (g_strcmp0 (text, self->clipboard_last) == 0)
    return;

  g_free (self->clipboard_last);
  self->clipboard_last = g_strdup (text);
  /* RFB cut text is Latin-1; characters outside it become '?'. */
  latin1 = g_convert_with_fallback (text, -1, "ISO-8859-1", "UTF-8", "?", NULL, &len, NULL);
  if (latin1 != NULL)
    vnc_connection_client_cut_text (self->conn, latin1, len);
}

static void
on_clipboard_changed (GdkClipboard    *clipboard,
                      FerryVncDisplay *self)
{
  GdkContentFormats *formats = gdk_clipboard_get_formats (clipboard);

  if (self->conn == NULL || !self->initialized)
    return;
  if (!gdk_content_formats_contain_gtype (formats, G_TYPE_STRING)
      && !gdk_content_formats_contain_mime_type (formats, "text/plain;charset=utf-8")
      && !gdk_content_formats_contain_mime_type (formats, "text/plain"))
    return;
  gdk_clipboard_read_text_async (clipboard, self->cancellable, clipboard_text_read, self);
}

/* ---------------------------------------------------------------------- */
/* GtkWidget                                                               */

static void
ferry_vnc_display_measure (GtkWidget      *widget,
                           GtkOrientation  orientation,
                           int             for_size,
                           int            *minimum,
                           int            *natural,
                           int            *minimum_baseline,
                           int            *natural_baseline)
{
  FerryVncDisplay *self = FERRY_VNC_DISPLAY (widget);
  int size = orientation == GTK_ORIENTATION_HORIZONTAL ? self->fb_width : self->fb_height;

  /* 1:1 asks for the whole framebuffer, so a GtkScrolledWindow scrolls it. */
  *natural = size;
  *minimum = self->scale_mode == FERRY_VNC_SCALE_NONE ? size : 0;
}

static void
ferry_vnc_display_snapshot (GtkWidget   *widget,
                            GtkSnapshot *snapshot)
{
  static const GdkRGBA black = { 0, 0, 0, 1 };
  FerryVncDisplay *self = FERRY_VNC_DISPLAY (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GdkTexture *texture = ensure_texture (self);
  FerryVncGeometry g;

  /* Black under the whole widget, not only in the letterbox bars: a
   * scaled frame ends on a fractional pixel whose filtered edge is partly
   * transparent. */
  gtk_snapshot_append_color (snapshot, &black, &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (texture == NULL)
    return;

  ferry_vnc_geometry_compute (self->scale_mode, self->fb_width, self->fb_height,
                              width, height, &g);
  gtk_snapshot_append_texture (snapshot, texture,
                               &GRAPHENE_RECT_INIT (g.x, g.y, g.width, g.height));
}

static void
ferry_vnc_display_root (GtkWidget *widget)
{
  FerryVncDisplay *self = FERRY_VNC_DISPLAY (widget);

  GTK_WIDGET_CLASS (ferry_vnc_display_parent_class)->root (widget);

  self->clipboard = g_object_ref (gtk_widget_get_clipboard (widget));
  self->clipboard_changed_id = g_signal_connect (self->clipboard, "changed",
                                                 G_CALLBACK (on_clipboard_changed), self);
}

static void
ferry_vnc_display_unroot (GtkWidget *widget)
{
  FerryVncDisplay *self = FERRY_VNC_DISPLAY (widget);

  if (self->clipboard != NULL)
    {
      g_clear_signal_handler (&self->clipboard_changed_id, self->clipboard);
      g_clear_object (&self->clipboard);
    }

  GTK_WIDGET_CLASS (ferry_vnc_display_parent_class)->unroot (widget);
}

static void
ferry_vnc_display_realize (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (ferry_vnc_display_parent_class)->realize (widget);
  apply_grab (FERRY_VNC_DISPLAY (widget));
}

static void
ferry_vnc_display_unrealize (GtkWidget *widget)
{
  FerryVncDisplay *self = FERRY_VNC_DISPLAY (widget);

  ferry_vnc_display_set_grabbed (self, FALSE);
  if (self->motion_tick_id != 0)
    {
      gtk_widget_remove_tick_callback (widget, self->motion_tick_id);
      self->motion_tick_id = 0;
    }
  GTK_WIDGET_CLASS (ferry_vnc_display_parent_class)->unrealize (widget);
}

/* ---------------------------------------------------------------------- */
/* GObject                                                                 */

GtkWidget *
ferry_vnc_display_new (void)
{
  return g_object_new (FERRY_TYPE_VNC_DISPLAY, NULL);
}

void
ferry_vnc_display_set_password (FerryVncDisplay *self,
                                const char      *password)
{
  g_return_if_fail (FERRY_IS_VNC_DISPLAY (self));

  if (g_strcmp0 (self->password, password) == 0)
    return;
  g_free (self->password);
  self->password = g_strdup (password);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PASSWORD]);
}

const char *
ferry_vnc_display_get_password (FerryVncDisplay *self)
{
  g_return_val_if_fail (FERRY_IS_VNC_DISPLAY (self), NULL);

  return self->password;
}

void
ferry_vnc_display_set_scale_mode (FerryVncDisplay   *self,
                                  FerryVncScaleMode  mode)
{
  g_return_if_fail (FERRY_IS_VNC_DISPLAY (self));

  if (self->scale_mode == mode)
    return;
  self->scale_mode = mode;
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCALE_MODE]);
}

FerryVncScaleMode
ferry_vnc_display_get_scale_mode (FerryVncDisplay *self)
{
  g_return_val_if_fail (FERRY_IS_VNC_DISPLAY (self), FERRY_VNC_SCALE_FIT);

  return self->scale_mode;
}

GdkTexture *
ferry_vnc_display_get_texture (FerryVncDisplay *self)
{
  GdkTexture *texture;

  g_return_val_if_fail (FERRY_IS_VNC_DISPLAY (self), NULL);

  texture = ensure_texture (self);
  return texture != NULL ? g_object_ref (texture) : NULL;
}

int
ferry_vnc_display_get_fb_width (FerryVncDisplay *self)
{
  g_return_val_if_fail (FERRY_IS_VNC_DISPLAY (self), 0);

  return self->fb_width;
}

int
ferry_vnc_display_get_fb_height (FerryVncDisplay *self)
{
  g_return_val_if_fail (FERRY_IS_VNC_DISPLAY (self), 0);

  return self->fb_height;
}

void
_ferry_vnc_display_get_stats (FerryVncDisplay      *self,
                              FerryVncDisplayStats *stats)
{
  g_return_if_fail (FERRY_IS_VNC_DISPLAY (self));

  *stats = self->stats;
}

static void
ferry_vnc_display_dispose (GObject *object)
{
  FerryVncDisplay *self = FERRY_VNC_DISPLAY (object);

  g_cancellable_cancel (self->cancellable);
  self->closing = TRUE;
  disconnect_connection (self);
  g_clear_object (&self->texture);
  frame_pool_clear (self);
  g_clear_pointer (&self->fb_data, g_free);
  self->fb_width = self->fb_height = 0;

  G_OBJECT_CLASS (ferry_vnc_display_parent_class)->dispose (object);
}

static void
ferry_vnc_display_finalize (GObject *object)
{
  FerryVncDisplay *self = FERRY_VNC_DISPLAY (object);

  g_free (self->error);
  g_free (self->password);
  g_free (self->clipboard_last);
  g_ptr_array_unref (self->buffers);
  g_array_unref (self->held_keys);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (ferry_vnc_display_parent_class)->finalize (object);
}

static void
ferry_vnc_display_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  FerryVncDisplay *self = FERRY_VNC_DISPLAY (object);

  switch (prop_id)
    {
    case PROP_PASSWORD:
      g_value_set_string (value, self->password);
      break;
    case PROP_SCALE_MODE:
      g_value_set_enum (value, self->scale_mode);
      break;
    case PROP_GRABBED:
      g_value_set_boolean (value, self->grabbed);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_vnc_display_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  FerryVncDisplay *self = FERRY_VNC_DISPLAY (object);

  switch (prop_id)
    {
    case PROP_PASSWORD:
      ferry_vnc_display_set_password (self, g_value_get_string (value));
      break;
    case PROP_SCALE_MODE:
      ferry_vnc_display_set_scale_mode (self, g_value_get_enum (value));
      break;
    case PROP_GRABBED:
      ferry_vnc_display_set_grabbed (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_vnc_display_class_init (FerryVncDisplayClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ferry_vnc_display_dispose;
  object_class->finalize = ferry_vnc_display_finalize;
  object_class->get_property = ferry_vnc_display_get_property;
  object_class->set_property = ferry_vnc_display_set_property;

  widget_class->measure = ferry_vnc_display_measure;
  widget_class->snapshot = ferry_vnc_display_snapshot;
  widget_class->root = ferry_vnc_display_root;
  widget_class->unroot = ferry_vnc_display_unroot;
  widget_class->realize = ferry_vnc_display_realize;
  widget_class->unrealize = ferry_vnc_display_unrealize;

  properties[PROP_PASSWORD] =
    g_param_spec_string ("password", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SCALE_MODE] =
    g_param_spec_enum ("scale-mode", NULL, NULL,
                       FERRY_TYPE_VNC_SCALE_MODE, FERRY_VNC_SCALE_FIT,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_GRABBED] =
    g_param_spec_boolean ("grabbed", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_CONNECTED] =
    g_signal_new ("connected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_INITIALIZED] =
    g_signal_new ("initialized", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_INT);
  /* The error message (translated), or NULL after close() or a clean end. */
  signals[SIGNAL_DISCONNECTED] =
    g_signal_new ("disconnected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /* The server wants a password and "password" is empty: a handler may set
   * it right away; otherwise the connection ends with an error. */
  signals[SIGNAL_AUTH_REQUIRED] =
    g_signal_new ("auth-required", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_css_name (widget_class, "ferry-vnc-display");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
ferry_vnc_display_init (FerryVncDisplay *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkEventController *controller;

  self->buffers = g_ptr_array_new ();
  self->held_keys = g_array_new (FALSE, FALSE, sizeof (HeldKey));
  self->cancellable = g_cancellable_new ();
  self->scale_mode = FERRY_VNC_SCALE_FIT;

  gtk_widget_set_focusable (widget, TRUE);
  gtk_widget_set_focus_on_click (widget, TRUE);
  gtk_widget_set_overflow (widget, GTK_OVERFLOW_HIDDEN);

  /* Capture phase: keys reach the guest before any shortcut of ours. */
  controller = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect (controller, "key-pressed", G_CALLBACK (on_key_pressed), self);
  g_signal_connect (controller, "key-released", G_CALLBACK (on_key_released), self);
  gtk_widget_add_controller (widget, controller);

  controller = gtk_event_controller_focus_new ();
  g_signal_connect (controller, "leave", G_CALLBACK (on_focus_leave), self);
  gtk_widget_add_controller (widget, controller);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (controller, "enter", G_CALLBACK (on_motion), self);
  gtk_widget_add_controller (widget, controller);

  /* One drag gesture per button: a GtkGestureClick stops when the pointer
   * moves (a guest drag would lose its release), and one gesture tracks one
   * button at a time (chords like left+right need two). */
  for (guint button = 1; button <= N_BUTTONS; button++)
    {
      GtkGesture *drag = gtk_gesture_drag_new ();

      gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), button);
      g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
      g_signal_connect (drag, "drag-end", G_CALLBACK (on_drag_end), self);
      g_signal_connect (drag, "cancel", G_CALLBACK (on_drag_cancel), self);
      gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (drag));
    }

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES
                                                | GTK_EVENT_CONTROLLER_SCROLL_DISCRETE);
  g_signal_connect (controller, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (widget, controller);
}
