/* ferry-vnc-display.c — a GTK 4 VNC display on gvnc's VncConnection
 *
 * gvnc decodes into our own framebuffer memory (a VncBaseFramebuffer over
 * fb->data, pixel format 32 bpp, depth 24, shifts 16/8/0, host order).
 * Each framebuffer-update rectangle is only recorded as damage; the widget
 * is drawn once gvnc has decoded what arrived, at most once per frame.
 *
 * What snapshot() gives GTK depends on the renderer:
 *   - GTK's cairo renderer (no GPU: Xvfb, software fallbacks) gets cairo
 *     nodes painting the framebuffer itself, as a CAIRO_FORMAT_RGB24 image
 *     surface: no copy, and no alpha to fix (RGB24 ignores the padding
 *     byte that QEMU leaves at 0). One node per 128x128 tile, kept while
 *     its tile does not change: GTK's render-node diff then repaints, and
 *     sends to the display server, only the tiles that changed (a blinking
 *     cursor costs a tile, not the whole console). A render node lives on
 *     after the frame
 *     (GTK keeps it until the next one, and redraws from it when something
 *     else in the window changes): it then shows the framebuffer as it is
 *     by then, never older than the node, and the widget is redrawn anyway
 *     for what changed. The framebuffer's memory is counted by its users,
 *     so a node outliving a resize never reads freed memory. A
 *     GdkMemoryTexture would cost far more there: GTK 4.8's cairo renderer
 *     downloads every texture it draws into a new image surface,
 *     converting each pixel through floats.
 *   - The GL renderers (and ferry_vnc_display_get_texture()) get a
 *     GdkMemoryTexture (B8G8R8A8 premultiplied), uploaded once by GTK.
 *     Textures are immutable and GTK holds them for a while, so they come
 *     from a small pool of buffers: each remembers the damage it has
 *     missed since it was last filled, and only those rectangles are
 *     copied into it, with the alpha byte forced opaque. Two or three
 *     buffers cycle.
 *
 * Flow control: once gvnc has decoded all that arrived, the next
 * incremental update request goes out from the widget's frame clock (a
 * tick callback): never one per rectangle, at most one per frame, and the
 * server never produces frames faster than they can be shown. (gvnc does
 * not say when an update message ends; a gap in the data within one is
 * the only case where two requests follow one update.) An unmapped
 * display (a hidden tab) sends no request at all and costs nothing until
 * it is shown again.
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

#include <malloc.h>
#include <math.h>
#include <string.h>
#include <sys/socket.h>
#include <glib/gi18n.h>
#include <vncconnection.h>
#include <vncbaseframebuffer.h>

#include "ferry-vnc-display.h"
#include "ferry-vnc-display-private.h"
#include "ferry-vnc-keymap.h"

#if G_BYTE_ORDER == G_LITTLE_ENDIAN
#define FRAME_FORMAT GDK_MEMORY_B8G8R8A8_PREMULTIPLIED
#define CURSOR_FORMAT GDK_MEMORY_B8G8R8A8
#else
#define FRAME_FORMAT GDK_MEMORY_A8R8G8B8_PREMULTIPLIED
#define CURSOR_FORMAT GDK_MEMORY_A8R8G8B8
#endif
#define OPAQUE 0xff000000u

/* Buttons 1-3 are sent as pressed or released; 4-7 are the wheel. */
#define N_BUTTONS 3

/* Pixel memory shared with GTK: the framebuffer (an RGB24 surface over
 * data) or a texture buffer of the pool. */
typedef struct
{
  guint8          *data;
  cairo_surface_t *surface;  /* the framebuffer's */
  cairo_region_t  *damage;   /* a texture buffer's: changes it has not seen */
  guint            users;    /* textures or render nodes holding it */
  gboolean         orphaned; /* dropped by the display: freed when released */
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
  FerryVncReleaseKeys release_keys;
  gboolean           closing;       /* close() asked: no error to report */
  char              *error;         /* the first error of this connection */
  char              *password;
  FerryVncScaleMode  scale_mode;
  gboolean           grabbed;
  GdkToplevel       *inhibited;     /* where system shortcuts are inhibited */

  /* gvnc's framebuffer, in our memory */
  VncFramebuffer    *vnc_fb;
  FrameBuffer       *fb;
  int                fb_width;
  int                fb_height;
  int                fb_stride;
  guint64            fb_serial;     /* bumped by every change of fb->data */

  /* cairo tiles: render nodes kept while their part of the frame does not
   * change, so that GTK repaints (and sends to the display server) only
   * the tiles that did */
  GskRenderNode    **tiles;         /* n_tiles, NULL when to be drawn */
  int                tile_cols;
  int                tile_rows;
  FerryVncGeometry   tile_geometry; /* what the tiles were drawn for */

  /* textures */
  GPtrArray         *buffers;       /* FrameBuffer *, current framebuffer size */
  FrameBuffer       *texture_buffer; /* holds the frame as of texture_serial */
  guint64            texture_serial;
  GdkTexture        *texture;       /* over texture_buffer */

  /* flow control */
  FerryVncLink       link;
  gboolean           raw;           /* this connection asks for Raw first */
  gboolean           request_owed;  /* an update came since the last request */
  guint              request_tick_id;
  guint              draw_idle_id;

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

G_DEFINE_ENUM_TYPE (FerryVncLink, ferry_vnc_link,
                    G_DEFINE_ENUM_VALUE (FERRY_VNC_LINK_AUTO, "auto"),
                    G_DEFINE_ENUM_VALUE (FERRY_VNC_LINK_LOCAL, "local"),
                    G_DEFINE_ENUM_VALUE (FERRY_VNC_LINK_REMOTE, "remote"))

enum {
  PROP_0,
  PROP_PASSWORD,
  PROP_SCALE_MODE,
  PROP_GRABBED,
  PROP_LINK,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_CONNECTED,
  SIGNAL_INITIALIZED,
  SIGNAL_DISCONNECTED,
  SIGNAL_AUTH_REQUIRED,
  SIGNAL_BELL,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void release_held_keys (FerryVncDisplay *self);

/* ---------------------------------------------------------------------- */
/* Frame buffers                                                           */

static void
frame_buffer_free (FrameBuffer *buf)
{
  g_clear_pointer (&buf->surface, cairo_surface_destroy);
  g_clear_pointer (&buf->damage, cairo_region_destroy);
  g_free (buf->data);
  g_free (buf);
}

/* A texture or render node holding @data is gone. */
static void
frame_buffer_release (gpointer data)
{
  FrameBuffer *buf = data;

  g_assert (buf->users > 0);
  if (--buf->users == 0 && buf->orphaned)
    frame_buffer_free (buf);
}

/* The display lets go of @buf: freed now or by its last user. */
static void
frame_buffer_drop (FrameBuffer *buf)
{
  if (buf->users > 0)
    buf->orphaned = TRUE;
  else
    frame_buffer_free (buf);
}

static void
texture_pool_clear (FerryVncDisplay *self)
{
  g_clear_object (&self->texture);
  for (guint i = 0; i < self->buffers->len; i++)
    frame_buffer_drop (g_ptr_array_index (self->buffers, i));
  g_ptr_array_set_size (self->buffers, 0);
  self->texture_buffer = NULL;
}

static void
texture_pool_damage (FerryVncDisplay             *self,
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

/* A texture buffer holding the current frame; the caller takes a use of
 * it (frame_buffer_release() gives it back). */
static FrameBuffer *
texture_pool_acquire (FerryVncDisplay *self)
{
  gint64 start = g_get_monotonic_time ();
  FrameBuffer *buf = NULL;
  int n;

  for (guint i = 0; i < self->buffers->len && buf == NULL; i++)
    {
      FrameBuffer *candidate = g_ptr_array_index (self->buffers, i);

      if (candidate->users == 0)
        buf = candidate;
    }
  if (buf == NULL)
    {
      cairo_rectangle_int_t all = { 0, 0, self->fb_width, self->fb_height };

      buf = g_new0 (FrameBuffer, 1);
      buf->data = g_malloc ((gsize) self->fb_stride * self->fb_height);
      buf->damage = cairo_region_create_rectangle (&all);
      g_ptr_array_add (self->buffers, buf);
      self->stats.buffers++;
    }

  n = cairo_region_num_rectangles (buf->damage);
  for (int i = 0; i < n; i++)
    {
      cairo_rectangle_int_t r;

      cairo_region_get_rectangle (buf->damage, i, &r);
      copy_opaque (self->fb->data, buf->data, self->fb_stride, &r);
      self->stats.pixels_copied += (guint64) r.width * r.height;
    }
  cairo_region_destroy (buf->damage);
  buf->damage = cairo_region_create ();

  buf->users++;
  self->stats.copy_us += g_get_monotonic_time () - start;
  return buf;
}

static GdkTexture *
ensure_texture (FerryVncDisplay *self)
{
  g_autoptr(GBytes) bytes = NULL;
  gint64 start;

  if (self->fb == NULL || self->fb_width <= 0 || self->fb_height <= 0)
    return NULL;
  if (self->texture != NULL && self->texture_serial == self->fb_serial)
    return self->texture;

  start = g_get_monotonic_time ();
  g_clear_object (&self->texture);
  self->texture_buffer = texture_pool_acquire (self);
  self->texture_serial = self->fb_serial;
  bytes = g_bytes_new_with_free_func (self->texture_buffer->data,
                                      (gsize) self->fb_stride * self->fb_height,
                                      frame_buffer_release, self->texture_buffer);
  self->texture = gdk_memory_texture_new (self->fb_width, self->fb_height, FRAME_FORMAT,
                                          bytes, self->fb_stride);
  self->stats.frames++;
  self->stats.texture_us += g_get_monotonic_time () - start;
  return self->texture;
}

/* The framebuffer reaches cairo as a raster-source pattern, not as a
 * surface pattern: a recording surface (what a GTK 4.8 cairo node draws
 * into) would attach a copy-on-write snapshot to a surface pattern's image,
 * and gvnc's next write would copy the whole image first. The pattern and
 * each copy cairo makes of it hold a use of the framebuffer, given back
 * when cairo finishes them. */
static cairo_surface_t *
frame_source_acquire (cairo_pattern_t             *pattern,
                      void                        *data,
                      cairo_surface_t             *target,
                      const cairo_rectangle_int_t *extents)
{
  FrameBuffer *buf = data;

  return cairo_surface_reference (buf->surface);
}

static void
frame_source_release (cairo_pattern_t *pattern,
                      void            *data,
                      cairo_surface_t *surface)
{
  cairo_surface_destroy (surface);
}

static cairo_status_t
frame_source_copy (cairo_pattern_t       *pattern,
                   void                  *data,
                   const cairo_pattern_t *other)
{
  FrameBuffer *buf = data;

  buf->users++;
  return CAIRO_STATUS_SUCCESS;
}

static void
frame_source_finish (cairo_pattern_t *pattern,
                     void            *data)
{
  frame_buffer_release (data);
}

/* Tiles: 128x128 framebuffer pixels, at most one render node each. */
#define TILE 128

static void
tiles_clear (FerryVncDisplay *self)
{
  if (self->tiles == NULL)
    return;
  for (int i = 0; i < self->tile_cols * self->tile_rows; i++)
    g_clear_pointer (&self->tiles[i], gsk_render_node_unref);
}

static void
tiles_reset (FerryVncDisplay *self)
{
  tiles_clear (self);
  g_clear_pointer (&self->tiles, g_free);
  self->tile_cols = (self->fb_width + TILE - 1) / TILE;
  self->tile_rows = (self->fb_height + TILE - 1) / TILE;
  self->tiles = g_new0 (GskRenderNode *, (gsize) self->tile_cols * self->tile_rows);
}

/* Drops the nodes of the tiles @rect touches. With a scaled frame a
 * framebuffer pixel shows in the filtered pixels around it too: the
 * neighbours' edges go with it. */
static void
tiles_damage (FerryVncDisplay             *self,
              const cairo_rectangle_int_t *rect)
{
  double scale = self->tile_geometry.scale > 0 ? self->tile_geometry.scale : 1.0;
  int margin = scale == 1.0 ? 0 : (int) ceil (1.0 / scale) + 1;
  int c0 = MAX (rect->x - margin, 0) / TILE;
  int r0 = MAX (rect->y - margin, 0) / TILE;
  int c1 = MIN (rect->x + rect->width + margin - 1, self->fb_width - 1) / TILE;
  int r1 = MIN (rect->y + rect->height + margin - 1, self->fb_height - 1) / TILE;

  if (self->tiles == NULL)
    return;
  for (int r = r0; r <= r1 && r < self->tile_rows; r++)
    for (int c = c0; c <= c1 && c < self->tile_cols; c++)
      g_clear_pointer (&self->tiles[r * self->tile_cols + c], gsk_render_node_unref);
}

/* Where framebuffer column (or row) @i lands in the widget: whole pixels,
 * so that neighbouring tiles meet without a seam. */
static double
tile_edge (int    i,
           int    size,
           double origin,
           double extent,
           double scale)
{
  if (i >= size)
    return origin + extent;
  return origin + round (i * scale);
}

/* A cairo node painting the framebuffer's rectangle @tile into the widget
 * as @g places the frame. */
static GskRenderNode *
frame_tile_node (FerryVncDisplay             *self,
                 const FerryVncGeometry      *g,
                 const cairo_rectangle_int_t *tile)
{
  double x0 = tile_edge (tile->x, self->fb_width, g->x, g->width, g->scale);
  double x1 = tile_edge (tile->x + tile->width, self->fb_width, g->x, g->width, g->scale);
  double y0 = tile_edge (tile->y, self->fb_height, g->y, g->height, g->scale);
  double y1 = tile_edge (tile->y + tile->height, self->fb_height, g->y, g->height, g->scale);
  GskRenderNode *node = gsk_cairo_node_new (&GRAPHENE_RECT_INIT (x0, y0, x1 - x0, y1 - y0));
  cairo_t *cr = gsk_cairo_node_get_draw_context (node);
  cairo_pattern_t *pattern = cairo_pattern_create_raster_source (self->fb, CAIRO_CONTENT_COLOR,
                                                                 self->fb_width,
                                                                 self->fb_height);
  cairo_matrix_t matrix;

  self->fb->users++;
  cairo_raster_source_pattern_set_acquire (pattern, frame_source_acquire, frame_source_release);
  cairo_raster_source_pattern_set_copy (pattern, frame_source_copy);
  cairo_raster_source_pattern_set_finish (pattern, frame_source_finish);

  cairo_matrix_init_scale (&matrix, 1.0 / g->scale, 1.0 / g->scale);
  cairo_matrix_translate (&matrix, -g->x, -g->y);
  cairo_pattern_set_matrix (pattern, &matrix);
  /* As GTK draws textures: edges padded, not faded to transparent. */
  cairo_pattern_set_extend (pattern, CAIRO_EXTEND_PAD);
  cairo_set_source (cr, pattern);
  cairo_pattern_destroy (pattern);
  cairo_rectangle (cr, x0, y0, x1 - x0, y1 - y0);
  cairo_fill (cr);
  cairo_destroy (cr);
  self->stats.tiles++;
  return node;
}

/* The frame as tiles into @g's rectangle: the nodes of unchanged tiles are
 * the previous frame's, which GTK's render-node diff leaves undrawn. */
static void
append_frame_surface (FerryVncDisplay        *self,
                      GtkSnapshot            *snapshot,
                      const FerryVncGeometry *g)
{
  if (self->tiles == NULL
      || memcmp (g, &self->tile_geometry, sizeof *g) != 0)
    {
      tiles_clear (self);
      self->tile_geometry = *g;
    }

  for (int r = 0; r < self->tile_rows; r++)
    for (int c = 0; c < self->tile_cols; c++)
      {
        GskRenderNode **node = &self->tiles[r * self->tile_cols + c];

        if (*node == NULL)
          {
            cairo_rectangle_int_t tile = {
              c * TILE, r * TILE,
              MIN (TILE, self->fb_width - c * TILE), MIN (TILE, self->fb_height - r * TILE),
            };

            *node = frame_tile_node (self, g, &tile);
          }
        gtk_snapshot_append_node (snapshot, *node);
      }
  self->stats.frames++;
}

/* GTK 4.8's cairo renderer paints each frame into a new image as large as
 * the damage (a whole console, 1 MB or more, every frame). Past a size
 * glibc gives such blocks back to the kernel when they are freed, and the
 * next frame faults fresh zeroed pages in again (bench-console: a quarter
 * of the console's CPU time in page faults, CPU per updated pixel down by
 * a fifth without them). Keep freed heap memory instead (blocks up to
 * 32 MiB come from the heap). */
static void
tune_malloc_for_frames (void)
{
  static gsize done;

  if (g_once_init_enter (&done))
    {
#ifdef M_TRIM_THRESHOLD
      mallopt (M_MMAP_THRESHOLD, 32 * 1024 * 1024);
      mallopt (M_TRIM_THRESHOLD, 128 * 1024 * 1024);
#endif
      g_once_init_leave (&done, 1);
    }
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
  g_clear_object (&self->vnc_fb);

  if (resized || !keep_pixels || self->fb == NULL)
    {
      g_clear_pointer (&self->fb, frame_buffer_drop);
      texture_pool_clear (self);
      self->fb_width = width;
      self->fb_height = height;
      tiles_reset (self);
      self->fb_stride = cairo_format_stride_for_width (CAIRO_FORMAT_RGB24, MAX (width, 1));
      self->fb = g_new0 (FrameBuffer, 1);
      self->fb->data = g_malloc0 ((gsize) self->fb_stride * MAX (height, 1));
      self->fb->surface = cairo_image_surface_create_for_data (self->fb->data, CAIRO_FORMAT_RGB24,
                                                               MAX (width, 1), MAX (height, 1),
                                                               self->fb_stride);
    }

  self->vnc_fb = VNC_FRAMEBUFFER (vnc_base_framebuffer_new (self->fb->data, width, height,
                                                            self->fb_stride, &local, remote));
  vnc_connection_set_framebuffer (self->conn, self->vnc_fb);
  self->fb_serial++;

  if (resized)
    gtk_widget_queue_resize (GTK_WIDGET (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
send_update_request (FerryVncDisplay *self)
{
  self->request_owed = FALSE;
  if (self->conn != NULL && self->initialized && self->fb_width > 0)
    {
      vnc_connection_framebuffer_update_request (self->conn, TRUE, 0, 0,
                                                 self->fb_width, self->fb_height);
      self->stats.update_requests++;
    }
}

static gboolean
request_update_tick (GtkWidget     *widget,
                     GdkFrameClock *clock,
                     gpointer       data)
{
  FerryVncDisplay *self = FERRY_VNC_DISPLAY (widget);

  self->request_tick_id = 0;
  if (self->request_owed)
    send_update_request (self);
  return G_SOURCE_REMOVE;
}

/* The next incremental request goes out with the next frame (the one that
 * shows what just arrived), so at most one per frame; none while unmapped:
 * map() asks then. */
static void
schedule_update_request (FerryVncDisplay *self)
{
  GtkWidget *widget = GTK_WIDGET (self);

  self->request_owed = TRUE;
  if (self->request_tick_id == 0 && gtk_widget_get_mapped (widget))
    self->request_tick_id = gtk_widget_add_tick_callback (widget, request_update_tick,
                                                          NULL, NULL);
}

static void
cancel_update_request (FerryVncDisplay *self)
{
  if (self->request_tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->request_tick_id);
      self->request_tick_id = 0;
    }
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
  /* The server uses the first it knows. Raw first for a local server:
   * nothing to compress or decompress, the cheapest for both sides when
   * bandwidth is a memory copy (bench-console: less than half the CPU per
   * updated pixel of Tight or ZRLE, which gvnc decodes mostly pixel by
   * pixel through an interface call). Across a network, Tight (as gtk-vnc
   * asks) or ZRLE: both cost the same here, and a text screen takes a
   * thousandth of Raw's bytes. */
  static const gint32 encodings[] = {
    VNC_CONNECTION_ENCODING_RAW,
    VNC_CONNECTION_ENCODING_TIGHT,
    VNC_CONNECTION_ENCODING_ZRLE,
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
  if (!vnc_connection_set_encodings (conn, G_N_ELEMENTS (encodings) - (self->raw ? 0 : 1),
                                     (gint32 *) encodings + (self->raw ? 0 : 1)))
    return;
  if (!vnc_connection_framebuffer_update_request (conn, FALSE, 0, 0,
                                                  self->fb_width, self->fb_height))
    return;

  self->initialized = TRUE;
  g_signal_emit (self, signals[SIGNAL_INITIALIZED], 0, self->fb_width, self->fb_height);
}

static gboolean
drained_idle (gpointer data)
{
  FerryVncDisplay *self = data;

  self->draw_idle_id = 0;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  schedule_update_request (self);
  return G_SOURCE_REMOVE;
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
      texture_pool_damage (self, &rect);
      tiles_damage (self, &rect);
      self->fb_serial++;
    }
  cairo_region_destroy (region);

  /* Drawn, and the next update asked for, once gvnc has decoded every
   * rectangle received so far (it then waits for the socket, and this
   * low-priority idle runs): the frame clock, a higher priority than
   * gvnc's per-rectangle emissions, would otherwise paint each part of a
   * many-rectangle update as a frame of its own, and ask for the next
   * update in the middle of this one. */
  self->request_owed = TRUE;
  if (self->draw_idle_id == 0)
    self->draw_idle_id = g_idle_add_full (G_PRIORITY_LOW, drained_idle, self, NULL);
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
      /* gvnc gives 32-bit words 0xAARRGGBB in host order, straight alpha
       * (test-vnc-fake checks a red cursor stays red). */
      g_autoptr(GBytes) bytes = g_bytes_new (vnc_cursor_get_data (cursor), (gsize) width * height * 4);
      g_autoptr(GdkTexture) texture = gdk_memory_texture_new (width, height, CURSOR_FORMAT,
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
  g_signal_emit (self, signals[SIGNAL_BELL], 0);
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
  cancel_update_request (self);
  self->request_owed = FALSE;
  if (self->draw_idle_id != 0)
    {
      g_clear_handle_id (&self->draw_idle_id, g_source_remove);
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
  g_array_set_size (self->held_keys, 0);
  self->button_mask = 0;
  self->initialized = FALSE;
  ferry_vnc_display_set_grabbed (self, FALSE);
  gtk_widget_set_cursor (GTK_WIDGET (self), NULL);
  /* The last frame stays on screen; gvnc no longer writes into it. */
  g_clear_object (&self->vnc_fb);
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
prepare_open (FerryVncDisplay *self,
              gboolean         loopback)
{
  if (self->conn != NULL)
    return FALSE;
  g_clear_pointer (&self->error, g_free);
  self->closing = FALSE;
  self->raw = self->link == FERRY_VNC_LINK_LOCAL
              || (self->link == FERRY_VNC_LINK_AUTO && loopback);
  self->conn = new_connection (self);
  return TRUE;
}

static gboolean
is_loopback_fd (int fd)
{
  struct sockaddr_storage storage;
  socklen_t len = sizeof storage;
  g_autoptr(GSocketAddress) address = NULL;

  if (getpeername (fd, (struct sockaddr *) &storage, &len) < 0
      || (storage.ss_family != AF_INET && storage.ss_family != AF_INET6)
      || (address = g_socket_address_new_from_native (&storage, len)) == NULL)
    return FALSE;
  return g_inet_address_get_is_loopback (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address)));
}

static gboolean
is_loopback_host (const char *host)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (host);

  if (address != NULL)
    return g_inet_address_get_is_loopback (address);
  return g_ascii_strcasecmp (host, "localhost") == 0;
}

gboolean
ferry_vnc_display_open_fd (FerryVncDisplay *self,
                           int              fd)
{
  g_return_val_if_fail (FERRY_IS_VNC_DISPLAY (self), FALSE);
  g_return_val_if_fail (fd >= 0, FALSE);

  if (!prepare_open (self, is_loopback_fd (fd)))
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

  if (!prepare_open (self, is_loopback_host (host)))
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

static gboolean is_keyval_held (FerryVncDisplay *self,
                                guint            keyval,
                                guint            keyval2);

/* The chosen combination, all held (pressed last or not). */
static gboolean
release_keys_held (FerryVncDisplay *self)
{
  switch (self->release_keys)
    {
    case FERRY_VNC_RELEASE_CTRL_ALT_SHIFT:
      return is_keyval_held (self, GDK_KEY_Control_L, GDK_KEY_Control_R) &&
             is_keyval_held (self, GDK_KEY_Alt_L, GDK_KEY_Alt_R) &&
             is_keyval_held (self, GDK_KEY_Shift_L, GDK_KEY_Shift_R);
    case FERRY_VNC_RELEASE_SHIFT_F12:
      return is_keyval_held (self, GDK_KEY_Shift_L, GDK_KEY_Shift_R) &&
             is_keyval_held (self, GDK_KEY_F12, GDK_KEY_F12);
    case FERRY_VNC_RELEASE_CTRL_ALT:
    default:
      return is_keyval_held (self, GDK_KEY_Control_L, GDK_KEY_Control_R) &&
             is_keyval_held (self, GDK_KEY_Alt_L, GDK_KEY_Alt_R);
    }
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

      if (self->grabbed && release_keys_held (self))
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

void
ferry_vnc_display_set_release_keys (FerryVncDisplay     *self,
                                    FerryVncReleaseKeys  keys)
{
  g_return_if_fail (FERRY_IS_VNC_DISPLAY (self));
  self->release_keys = keys;
}

FerryVncReleaseKeys
ferry_vnc_display_get_release_keys (FerryVncDisplay *self)
{
  g_return_val_if_fail (FERRY_IS_VNC_DISPLAY (self), FERRY_VNC_RELEASE_CTRL_ALT);
  return self->release_keys;
}

const char *
ferry_vnc_release_keys_to_string (FerryVncReleaseKeys keys)
{
  switch (keys)
    {
    case FERRY_VNC_RELEASE_CTRL_ALT_SHIFT: return "Ctrl+Alt+Shift";
    case FERRY_VNC_RELEASE_SHIFT_F12:      return "Shift+F12";
    case FERRY_VNC_RELEASE_CTRL_ALT:
    default:                               return "Ctrl+Alt";
    }
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
  GtkNative *native = gtk_widget_get_native (widget);
  GskRenderer *renderer = native != NULL ? gtk_native_get_renderer (native) : NULL;
  FerryVncGeometry g;

  /* Black under the whole widget, not only in the letterbox bars: a
   * scaled frame ends on a fractional pixel whose filtered edge is partly
   * transparent. */
  gtk_snapshot_append_color (snapshot, &black, &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (self->fb == NULL || self->fb_width <= 0 || self->fb_height <= 0)
    return;

  ferry_vnc_geometry_compute (self->scale_mode, self->fb_width, self->fb_height,
                              width, height, &g);
  if (g.width <= 0 || g.height <= 0)
    return;
  if (renderer != NULL && GSK_IS_CAIRO_RENDERER (renderer))
    {
      tune_malloc_for_frames ();
      append_frame_surface (self, snapshot, &g);
    }
  else
    gtk_snapshot_append_texture (snapshot, ensure_texture (self),
                                 &GRAPHENE_RECT_INIT (g.x, g.y, g.width, g.height));
}

static void
ferry_vnc_display_map (GtkWidget *widget)
{
  FerryVncDisplay *self = FERRY_VNC_DISPLAY (widget);

  GTK_WIDGET_CLASS (ferry_vnc_display_parent_class)->map (widget);

  /* Updates held back while hidden: ask for what changed meanwhile. */
  if (self->request_owed)
    schedule_update_request (self);
}

static void
ferry_vnc_display_unmap (GtkWidget *widget)
{
  cancel_update_request (FERRY_VNC_DISPLAY (widget));

  GTK_WIDGET_CLASS (ferry_vnc_display_parent_class)->unmap (widget);
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

void
ferry_vnc_display_set_link (FerryVncDisplay *self,
                            FerryVncLink     link)
{
  g_return_if_fail (FERRY_IS_VNC_DISPLAY (self));

  if (self->link == link)
    return;
  self->link = link;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LINK]);
}

FerryVncLink
ferry_vnc_display_get_link (FerryVncDisplay *self)
{
  g_return_val_if_fail (FERRY_IS_VNC_DISPLAY (self), FERRY_VNC_LINK_AUTO);

  return self->link;
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
  tiles_clear (self);
  g_clear_pointer (&self->tiles, g_free);
  self->tile_cols = self->tile_rows = 0;
  texture_pool_clear (self);
  g_clear_pointer (&self->fb, frame_buffer_drop);
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
    case PROP_LINK:
      g_value_set_enum (value, self->link);
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
    case PROP_LINK:
      ferry_vnc_display_set_link (self, g_value_get_enum (value));
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
  widget_class->map = ferry_vnc_display_map;
  widget_class->unmap = ferry_vnc_display_unmap;
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
  properties[PROP_LINK] =
    g_param_spec_enum ("link", NULL, NULL,
                       FERRY_TYPE_VNC_LINK, FERRY_VNC_LINK_AUTO,
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
  /* The guest rang its bell. The default handler beeps
   * (gtk_widget_error_bell); a handler may show it instead. */
  signals[SIGNAL_BELL] =
    g_signal_new_class_handler ("bell", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                G_CALLBACK (gtk_widget_error_bell),
                                NULL, NULL, NULL, G_TYPE_NONE, 0);

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
