/* bench-console.c — what the VNC console costs on a continuously redrawn screen
 *
 * On the local cluster (tests/cluster): defines con-bench on node1 with
 * `--load screen` (the guest rewrites its whole 80x25 VGA text screen as
 * fast as it can, so nearly all of the 720x400 frame changes all the
 * time), then, one after the other, for the same window (20 s):
 *   - Ferry: in this process, a GtkWindow holding a FerryVncDisplay
 *     connected to the guest's VNC (under $DISPLAY, GSK_RENDERER=cairo),
 *     twice: as Ferry opens this guest (a loopback address, so the
 *     display's link is local: Raw pixels), then as a console across a
 *     network (FERRY_VNC_LINK_REMOTE: Tight, as remote-viewer asks).
 *     Frames = after-paint ticks of the window's frame clock at which the
 *     display had handed GTK a new frame; CPU seconds = getrusage
 *     (RUSAGE_SELF), every thread.
 *   - remote-viewer (virt-viewer 11, gtk-vnc on GTK 3) on the same guest:
 *     CPU seconds = utime + stime from /proc/PID/stat over its process
 *     tree.
 * Both connect through a counting proxy (a child process of the bench,
 * forked before GTK starts, so its own CPU time is on neither side) that
 * parses the RFB stream each client receives: updated pixels = the areas
 * of the pixel rectangles of every FramebufferUpdate the server sent to
 * that client, counted the same way on the wire for both; it also gives
 * each side's update rate, bytes received and the encodings the server
 * used. (Ferry's own count, from an emission hook on gvnc's
 * "vnc-framebuffer-update", is printed next to it as a cross-check.)
 * Prints a table, the ratios of CPU per megapixel and the goal (Ferry ≤
 * remote-viewer, for the console as Ferry opens this guest). The X
 * server's and QEMU's own CPU are counted on neither side.
 * Never fails on a number; exit 77 when the cluster is not up or
 * remote-viewer is missing. Removes its guest at the end.
 *
 *   bench-console [--window SECONDS] [--settle SECONDS] [--guest NAME]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <gtk/gtk.h>
#include <glib/gstdio.h>
#include <gvnc.h>

#include "ferry-vnc-display.h"
#include "ferry-vnc-display-private.h"
#include "ferry-test-programs.h"

#include "ferry-bench-util.h"

static const char *guest = "con-bench";
static int window_s = 20;
static int settle_s = 4;

/* ---------------------------------------------------------------------- */
/* Helpers                                                                 */

static gboolean
wait_until (gboolean (*cond) (gpointer), gpointer data, guint timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!cond (data))
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (2000);
    }
  return TRUE;
}

static gboolean
set_true (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop for @ms, blocking in poll() as an application does
 * (a polling loop would bill its own wake-ups to Ferry's CPU time). */
static void
settle (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, set_true, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static char *
run (const char * const *argv,
     gboolean           *ok)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;
  gboolean success;

  success = g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                          &out, &err, &status, NULL)
            && g_spawn_check_wait_status (status, NULL);
  if (!success && err != NULL && *err != '\0')
    g_printerr ("bench-console: %s: %s", argv[0], err);
  if (ok != NULL)
    *ok = success;
  return out != NULL ? g_strstrip (g_steal_pointer (&out)) : NULL;
}




/* ---------------------------------------------------------------------- */
/* The counting proxy                                                      */
/*
 * Both viewers reach the guest's VNC server through this proxy, a child
 * process of the bench (forked before GTK starts: its CPU time is counted
 * on neither side). It forwards bytes both ways and parses the RFB stream:
 * the client's pixel format, encodings and update requests, and every
 * FramebufferUpdate the server sends (each rectangle's encoding, size and
 * payload length, which it must walk to find the next rectangle). So both
 * sides' "updated pixels" are counted the same way, on the wire, rather
 * than remote-viewer's being inferred from Ferry's.
 */

#define PROXY_SLOTS 4

enum {
  ENC_RAW,
  ENC_COPY_RECT,
  ENC_RRE,
  ENC_HEXTILE,
  ENC_ZLIB,
  ENC_TIGHT,
  ENC_ZRLE,
  N_ENC
};

static const char * const enc_names[N_ENC] = {
  "raw", "copyrect", "rre", "hextile", "zlib", "tight", "zrle",
};

typedef struct
{
  gint64 bytes_to_client;
  gint64 bytes_to_server;
  gint64 updates;          /* FramebufferUpdate messages */
  gint64 rects;            /* pixel rectangles */
  gint64 pixels;           /* their areas */
  gint64 enc_pixels[N_ENC];
  gint64 requests;         /* FramebufferUpdateRequest messages */
  gint32 done;             /* the connection has ended */
  gint32 parse_error;      /* bytes the parser did not understand: counts stop */
  char encodings[256];     /* SetEncodings, as the client sent it */
} ProxySlot;

typedef struct
{
  gint32 connections;
  ProxySlot slot[PROXY_SLOTS];
} ProxyShared;

typedef struct
{
  int in;
  int out;
  gboolean immediate;      /* forward as read (server to client) */
  guint8 *buf;
  gsize size;
  gsize pos;               /* parsed up to here */
  gsize end;               /* read up to here */
  gsize sent;              /* forwarded up to here (!immediate) */
  gint64 *bytes;
} Pipe;

typedef struct
{
  ProxySlot *slot;
  int client;
  int server;
  /* what the client side learnt for the server side */
  gint security_type;      /* -1 until the client chose */
  gint bypp;               /* bytes per pixel */
  gint cpixel;             /* bytes of a ZRLE CPIXEL / Tight TPIXEL */
  gint refs;
} ProxyConn;

static gboolean
write_all (int           fd,
           const guint8 *data,
           gsize         len)
{
  while (len > 0)
    {
      gssize n = write (fd, data, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      data += n;
      len -= n;
    }
  return TRUE;
}

static gboolean
pipe_forward (Pipe *p)
{
  if (!p->immediate && p->sent < p->pos)
    {
      if (!write_all (p->out, p->buf + p->sent, p->pos - p->sent))
        return FALSE;
      p->sent = p->pos;
    }
  return TRUE;
}

static gboolean
pipe_need (Pipe  *p,
           gsize  n)
{
  while (p->end - p->pos < n)
    {
      gssize r;

      if (p->pos > 0)
        {
          if (!pipe_forward (p))
            return FALSE;
          memmove (p->buf, p->buf + p->pos, p->end - p->pos);
          p->end -= p->pos;
          p->sent = p->immediate ? 0 : p->sent - p->pos;
          p->pos = 0;
        }
      if (p->size - p->end < 65536)
        {
          p->size *= 2;
          p->buf = g_realloc (p->buf, p->size);
        }
      r = read (p->in, p->buf + p->end, p->size - p->end);
      if (r < 0 && errno == EINTR)
        continue;
      if (r <= 0)
        return FALSE;
      if (p->immediate && !write_all (p->out, p->buf + p->end, r))
        return FALSE;
      __atomic_add_fetch (p->bytes, r, __ATOMIC_RELAXED);
      p->end += r;
    }
  return TRUE;
}

static gboolean
pipe_skip (Pipe  *p,
           gsize  n)
{
  while (n > 0)
    {
      gsize k;

      if (p->end == p->pos && !pipe_need (p, 1))
        return FALSE;
      k = MIN (n, p->end - p->pos);
      p->pos += k;
      n -= k;
    }
  return TRUE;
}

#define PIPE_READ(p, var, n, expr)                    \
  G_STMT_START {                                      \
    if (!pipe_need ((p), (n)))                        \
      return FALSE;                                   \
    {                                                 \
      const guint8 *pb_ = (p)->buf + (p)->pos;        \
      (var) = (expr);                                 \
    }                                                 \
    (p)->pos += (n);                                  \
  } G_STMT_END
#define U8(p, var)  PIPE_READ (p, var, 1, pb_[0])
#define U16(p, var) PIPE_READ (p, var, 2, ((guint) pb_[0] << 8) | pb_[1])
#define U32(p, var) PIPE_READ (p, var, 4, ((guint32) pb_[0] << 24) | ((guint32) pb_[1] << 16) | \
                                          ((guint32) pb_[2] << 8) | pb_[3])

static void
proxy_set_format (ProxyConn    *c,
                  const guint8 *pf)
{
  int bpp = pf[0], depth = pf[1], true_colour = pf[3];
  guint rmax = (pf[4] << 8) | pf[5], gmax = (pf[6] << 8) | pf[7], bmax = (pf[8] << 8) | pf[9];
  int rs = pf[10], gs = pf[11], bs = pf[12];
  gboolean fits_24 = true_colour && bpp == 32 && depth <= 24
                     && ((rmax << rs) | (gmax << gs) | (bmax << bs)) <= 0xffffff;

  __atomic_store_n (&c->bypp, MAX (bpp / 8, 1), __ATOMIC_RELEASE);
  __atomic_store_n (&c->cpixel, fits_24 ? 3 : MAX (bpp / 8, 1), __ATOMIC_RELEASE);
}

/* Tight's compact length: 1 to 3 bytes. */
static gboolean
tight_length (Pipe  *p,
              gsize *len)
{
  guint b;

  U8 (p, b);
  *len = b & 0x7f;
  if (b & 0x80)
    {
      U8 (p, b);
      *len |= (gsize) (b & 0x7f) << 7;
      if (b & 0x80)
        {
          U8 (p, b);
          *len |= (gsize) b << 14;
        }
    }
  return TRUE;
}

static gboolean
skip_tight (ProxyConn *c,
            Pipe      *p,
            guint      w,
            guint      h)
{
  guint ctl, comp, filter = 0, colours = 0;
  gsize tpixel = c->cpixel, len, data;

  U8 (p, ctl);
  comp = ctl >> 4;
  if (comp == 8)   /* fill */
    return pipe_skip (p, tpixel);
  if (comp == 9 || comp == 10)   /* JPEG, PNG */
    return tight_length (p, &len) && pipe_skip (p, len);
  if (comp > 10)
    return FALSE;
  if (ctl & 0x40)
    U8 (p, filter);
  if (filter == 1)
    {
      U8 (p, colours);
      colours++;
      if (!pipe_skip (p, colours * tpixel))
        return FALSE;
      data = colours == 2 ? (gsize) (w + 7) / 8 * h : (gsize) w * h;
    }
  else if (filter == 0 || filter == 2)
    data = (gsize) w * h * tpixel;
  else
    return FALSE;
  if (data < 12)
    return pipe_skip (p, data);
  return tight_length (p, &len) && pipe_skip (p, len);
}

static gboolean
skip_hextile (ProxyConn *c,
              Pipe      *p,
              guint      w,
              guint      h)
{
  gsize bypp = c->bypp;

  for (guint ty = 0; ty < h; ty += 16)
    for (guint tx = 0; tx < w; tx += 16)
      {
        guint tw = MIN (16, w - tx), th = MIN (16, h - ty), sub, n = 0;

        U8 (p, sub);
        if (sub & 1)
          {
            if (!pipe_skip (p, tw * th * bypp))
              return FALSE;
            continue;
          }
        if (((sub & 2) && !pipe_skip (p, bypp)) || ((sub & 4) && !pipe_skip (p, bypp)))
          return FALSE;
        if (sub & 8)
          {
            U8 (p, n);
            if (!pipe_skip (p, n * ((sub & 16 ? bypp : 0) + 2)))
              return FALSE;
          }
      }
  return TRUE;
}

/* One rectangle's payload. FALSE on a read error or an encoding it cannot
 * walk; *last for LastRect. */
static gboolean
skip_rect (ProxyConn *c,
           Pipe      *p,
           guint      w,
           guint      h,
           gint32     enc,
           gboolean  *last)
{
  gsize bypp = c->bypp;
  guint32 n;
  int index = -1;
  gboolean ok;

  switch (enc)
    {
    case 0: index = ENC_RAW; ok = pipe_skip (p, (gsize) w * h * bypp); break;
    case 1: index = ENC_COPY_RECT; ok = pipe_skip (p, 4); break;
    case 2: index = ENC_RRE; U32 (p, n); ok = pipe_skip (p, bypp + (gsize) n * (bypp + 8)); break;
    case 5: index = ENC_HEXTILE; ok = skip_hextile (c, p, w, h); break;
    case 6: index = ENC_ZLIB; U32 (p, n); ok = pipe_skip (p, n); break;
    case 7: index = ENC_TIGHT; ok = skip_tight (c, p, w, h); break;
    case 16: index = ENC_ZRLE; U32 (p, n); ok = pipe_skip (p, n); break;
    case -239: ok = pipe_skip (p, (gsize) w * h * bypp + (gsize) (w + 7) / 8 * h); break; /* cursor */
    case -240: ok = pipe_skip (p, w > 0 && h > 0 ? 6 + 2 * (gsize) (w + 7) / 8 * h : 0); break; /* X cursor */
    case -314: ok = pipe_skip (p, 4 + (gsize) w * h * 4); break;       /* alpha cursor */
    case -308: U8 (p, n); ok = pipe_skip (p, 3 + (gsize) n * 16); break; /* extended desktop size */
    case -307: U32 (p, n); ok = pipe_skip (p, n); break;                /* desktop name */
    case -261: ok = pipe_skip (p, 1); break;                            /* LED state */
    case -224: *last = TRUE; ok = TRUE; break;                          /* last rect */
    case 0x574D5669:                                                    /* WMVi */
      ok = pipe_need (p, 16);
      if (ok)
        {
          proxy_set_format (c, p->buf + p->pos);
          p->pos += 16;
        }
      break;
    case -223: case -232: case -257: case -258: case -259: case -309:
      ok = TRUE;   /* no payload */
      break;
    default:
      return FALSE;
    }
  if (ok && index >= 0)
    {
      c->slot->rects++;
      c->slot->pixels += (gint64) w * h;
      c->slot->enc_pixels[index] += (gint64) w * h;
    }
  return ok;
}

static gboolean
proxy_server_stream (ProxyConn *c,
                     Pipe      *p)
{
  guint major_minor, n, type;
  guint32 len, result;

  if (!pipe_need (p, 12))
    return FALSE;
  major_minor = (p->buf[9] - '0') * 10 + (p->buf[10] - '0');
  p->pos += 12;
  if (major_minor >= 7)
    {
      U8 (p, n);
      if (n == 0)
        return FALSE;
      if (!pipe_skip (p, n))
        return FALSE;
      /* The client's choice reached us before the server's next bytes. */
      while ((type = __atomic_load_n (&c->security_type, __ATOMIC_ACQUIRE)) == (guint) -1)
        {
          if (!pipe_need (p, 1))
            return FALSE;
          g_usleep (1000);
        }
    }
  else
    U32 (p, type);
  if (type == 2 && !pipe_skip (p, 16))   /* VNC authentication: the challenge */
    return FALSE;
  else if (type != 1 && type != 2)
    return FALSE;
  if (type == 2 || major_minor >= 8)
    {
      U32 (p, result);
      if (result != 0)
        return FALSE;
    }
  /* ServerInit */
  if (!pipe_need (p, 24))
    return FALSE;
  proxy_set_format (c, p->buf + p->pos + 4);
  p->pos += 20;
  U32 (p, len);
  if (!pipe_skip (p, len))
    return FALSE;

  for (;;)
    {
      guint msg, nrects;

      U8 (p, msg);
      switch (msg)
        {
        case 0:   /* FramebufferUpdate */
          {
            gboolean last = FALSE;

            if (!pipe_skip (p, 1))
              return FALSE;
            U16 (p, nrects);
            for (guint i = 0; (nrects == 0xffff || i < nrects) && !last; i++)
              {
                guint w, h;
                guint32 enc;

                if (!pipe_skip (p, 4))   /* x, y */
                  return FALSE;
                U16 (p, w);
                U16 (p, h);
                U32 (p, enc);
                if (!skip_rect (c, p, w, h, (gint32) enc, &last))
                  return FALSE;
              }
            c->slot->updates++;
          }
          break;
        case 1:   /* SetColourMapEntries */
          if (!pipe_skip (p, 3))
            return FALSE;
          U16 (p, n);
          if (!pipe_skip (p, (gsize) n * 6))
            return FALSE;
          break;
        case 2:   /* Bell */
          break;
        case 3:   /* ServerCutText */
          if (!pipe_skip (p, 3))
            return FALSE;
          U32 (p, len);
          if (!pipe_skip (p, (gint32) len < 0 ? (gsize) -(gint32) len : len))
            return FALSE;
          break;
        case 250: /* XVP */
          if (!pipe_skip (p, 3))
            return FALSE;
          break;
        case 255: /* QEMU: audio */
          {
            guint sub, op;

            U8 (p, sub);
            U16 (p, op);
            if (sub != 1)
              return FALSE;
            if (op == 2)
              {
                U32 (p, len);
                if (!pipe_skip (p, len))
                  return FALSE;
              }
          }
          break;
        default:
          return FALSE;
        }
    }
}

static gboolean
proxy_client_stream (ProxyConn *c,
                     Pipe      *p)
{
  guint major_minor, type, n;
  guint32 len;

  if (!pipe_need (p, 12))
    return FALSE;
  major_minor = (p->buf[9] - '0') * 10 + (p->buf[10] - '0');
  p->pos += 12;
  if (!pipe_forward (p))
    return FALSE;
  if (major_minor >= 7)
    {
      U8 (p, type);
      __atomic_store_n (&c->security_type, (gint) type, __ATOMIC_RELEASE);
      if (!pipe_forward (p))
        return FALSE;
      if (type == 2 && (!pipe_skip (p, 16) || !pipe_forward (p)))
        return FALSE;
    }
  if (!pipe_skip (p, 1) || !pipe_forward (p))   /* ClientInit */
    return FALSE;

  for (;;)
    {
      guint msg;

      U8 (p, msg);
      switch (msg)
        {
        case 0:   /* SetPixelFormat */
          if (!pipe_need (p, 19))
            return FALSE;
          proxy_set_format (c, p->buf + p->pos + 3);
          p->pos += 19;
          break;
        case 2:   /* SetEncodings */
          {
            GString *s = g_string_new (NULL);

            if (!pipe_skip (p, 1))
              return FALSE;
            U16 (p, n);
            for (guint i = 0; i < n; i++)
              {
                guint32 enc;

                U32 (p, enc);
                g_string_append_printf (s, "%s%d", i ? "," : "", (gint32) enc);
              }
            g_strlcpy (c->slot->encodings, s->str, sizeof c->slot->encodings);
            g_string_free (s, TRUE);
          }
          break;
        case 3:   /* FramebufferUpdateRequest */
          if (!pipe_skip (p, 9))
            return FALSE;
          c->slot->requests++;
          break;
        case 4: if (!pipe_skip (p, 7)) return FALSE; break;   /* KeyEvent */
        case 5: if (!pipe_skip (p, 5)) return FALSE; break;   /* PointerEvent */
        case 6:   /* ClientCutText */
          if (!pipe_skip (p, 3))
            return FALSE;
          U32 (p, len);
          if (!pipe_skip (p, (gint32) len < 0 ? (gsize) -(gint32) len : len))
            return FALSE;
          break;
        case 150: if (!pipe_skip (p, 9)) return FALSE; break; /* EnableContinuousUpdates */
        case 250: if (!pipe_skip (p, 3)) return FALSE; break; /* XVP */
        case 255: /* QEMU: extended key event, audio */
          {
            guint sub, op;

            U8 (p, sub);
            if (sub == 0)
              {
                if (!pipe_skip (p, 10))
                  return FALSE;
              }
            else if (sub == 1)
              {
                U16 (p, op);
                if (op == 2 && !pipe_skip (p, 6))
                  return FALSE;
              }
            else
              return FALSE;
          }
          break;
        default:
          return FALSE;
        }
      if (!pipe_forward (p))
        return FALSE;
    }
}

static void
proxy_conn_unref (ProxyConn *c)
{
  if (!g_atomic_int_dec_and_test (&c->refs))
    return;
  __atomic_store_n (&c->slot->done, 1, __ATOMIC_RELEASE);
  close (c->client);
  close (c->server);
  g_free (c);
}

/* After a parse error or the end of the parsed part: plain forwarding. */
static void
pipe_drain (Pipe *p)
{
  if (!pipe_forward (p))
    return;
  if (!p->immediate && p->end > p->sent && !write_all (p->out, p->buf + p->sent, p->end - p->sent))
    return;
  p->pos = p->end = p->sent = 0;
  p->immediate = TRUE;
  while (pipe_need (p, 1))
    p->pos = p->end;
}

static gpointer
proxy_server_thread (gpointer data)
{
  ProxyConn *c = data;
  Pipe p = { c->server, c->client, TRUE, g_malloc (1 << 17), 1 << 17, 0, 0, 0,
             &c->slot->bytes_to_client };

  if (!proxy_server_stream (c, &p))
    {
      __atomic_store_n (&c->slot->parse_error, 1, __ATOMIC_RELEASE);
      pipe_drain (&p);
    }
  shutdown (c->client, SHUT_RDWR);
  shutdown (c->server, SHUT_RDWR);
  g_free (p.buf);
  proxy_conn_unref (c);
  return NULL;
}

static gpointer
proxy_client_thread (gpointer data)
{
  ProxyConn *c = data;
  Pipe p = { c->client, c->server, FALSE, g_malloc (1 << 17), 1 << 17, 0, 0, 0,
             &c->slot->bytes_to_server };

  if (!proxy_client_stream (c, &p))
    pipe_drain (&p);
  shutdown (c->client, SHUT_RDWR);
  shutdown (c->server, SHUT_RDWR);
  g_free (p.buf);
  proxy_conn_unref (c);
  return NULL;
}

/* The child: waits for the target port on @ctrl, then serves @listen_fd
 * until the bench kills it. */
static G_GNUC_NORETURN void
proxy_main (int          listen_fd,
            int          ctrl,
            ProxyShared *shared)
{
  char port[16] = { 0 };
  struct sockaddr_in target = { .sin_family = AF_INET };

  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (read (ctrl, port, sizeof port - 1) <= 0)
    _exit (0);
  target.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  target.sin_port = htons (atoi (port));

  for (;;)
    {
      int client = accept (listen_fd, NULL, NULL);
      int server, index;
      ProxyConn *c;

      if (client < 0)
        {
          if (errno == EINTR)
            continue;
          _exit (1);
        }
      server = socket (AF_INET, SOCK_STREAM, 0);
      index = __atomic_fetch_add (&shared->connections, 1, __ATOMIC_ACQ_REL);
      if (index >= PROXY_SLOTS || connect (server, (struct sockaddr *) &target, sizeof target) < 0)
        {
          close (client);
          close (server);
          continue;
        }
      c = g_new0 (ProxyConn, 1);
      c->slot = &shared->slot[index];
      c->client = client;
      c->server = server;
      c->security_type = -1;
      c->bypp = 4;
      c->cpixel = 3;
      c->refs = 2;
      g_thread_unref (g_thread_new ("proxy-server", proxy_server_thread, c));
      g_thread_unref (g_thread_new ("proxy-client", proxy_client_thread, c));
    }
}

/* ---------------------------------------------------------------------- */
/* The guest                                                               */

typedef struct
{
  const char *path;
  goffset offset;
  const char *needle;
} LogWait;

static goffset
file_size (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 ? st.st_size : 0;
}

static gboolean
log_has (gpointer data)
{
  LogWait *w = data;
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (w->path, &contents, &length, NULL) || (goffset) length < w->offset)
    return FALSE;
  return strstr (contents + w->offset, w->needle) != NULL;
}

static void
remove_guest (const char *uri)
{
  const char *destroy[] = { "virsh", "-q", "-c", uri, "destroy", guest, NULL };
  const char *undefine[] = { "virsh", "-q", "-c", uri, "undefine", guest, "--remove-all-storage", NULL };
  const char *state[] = { "virsh", "-q", "-c", uri, "domstate", guest, NULL };
  gboolean exists;
  int status = 0;

  exists = g_spawn_sync (NULL, (char **) state, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                         G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, NULL)
           && g_spawn_check_wait_status (status, NULL);
  if (!exists)
    return;
  g_spawn_sync (NULL, (char **) destroy, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, NULL, NULL);
  g_free (run (undefine, NULL));
}

/* ---------------------------------------------------------------------- */
/* Ferry                                                                   */

typedef struct
{
  double fps;          /* frames presented per second (Ferry only) */
  double cpu_s;
  double seconds;
  ProxySlot wire;      /* what the proxy counted over the window */
  double own_mpix;     /* Ferry's own count of updated pixels */
  char *note;
} Result;

typedef struct
{
  FerryVncDisplay *display;
  gboolean initialized;
  gboolean disconnected;
  char *error;
  gboolean counting;
  guint64 last_frames;
  guint64 presented;
} FerrySide;

static ProxyShared *proxy;
static guint64 updated_pixels;
static guint64 update_rects;

static void
slot_read (int        index,
           ProxySlot *out)
{
  ProxySlot *s = &proxy->slot[index];

  *out = (ProxySlot) { 0 };
  out->bytes_to_client = __atomic_load_n (&s->bytes_to_client, __ATOMIC_ACQUIRE);
  out->bytes_to_server = __atomic_load_n (&s->bytes_to_server, __ATOMIC_ACQUIRE);
  out->updates = __atomic_load_n (&s->updates, __ATOMIC_ACQUIRE);
  out->rects = __atomic_load_n (&s->rects, __ATOMIC_ACQUIRE);
  out->pixels = __atomic_load_n (&s->pixels, __ATOMIC_ACQUIRE);
  for (guint e = 0; e < N_ENC; e++)
    out->enc_pixels[e] = __atomic_load_n (&s->enc_pixels[e], __ATOMIC_ACQUIRE);
  out->requests = __atomic_load_n (&s->requests, __ATOMIC_ACQUIRE);
  out->parse_error = __atomic_load_n (&s->parse_error, __ATOMIC_ACQUIRE);
  memcpy (out->encodings, s->encodings, sizeof out->encodings);
  out->encodings[sizeof out->encodings - 1] = '\0';
}

/* @b - @a, the counters; the rest from @b. */
static void
slot_diff (const ProxySlot *a,
           const ProxySlot *b,
           ProxySlot       *out)
{
  *out = *b;
  out->bytes_to_client = b->bytes_to_client - a->bytes_to_client;
  out->bytes_to_server = b->bytes_to_server - a->bytes_to_server;
  out->updates = b->updates - a->updates;
  out->rects = b->rects - a->rects;
  out->pixels = b->pixels - a->pixels;
  for (guint e = 0; e < N_ENC; e++)
    out->enc_pixels[e] = b->enc_pixels[e] - a->enc_pixels[e];
  out->requests = b->requests - a->requests;
}

static gboolean
on_framebuffer_update_hook (GSignalInvocationHint *hint,
                            guint                  n_params,
                            const GValue          *params,
                            gpointer               data)
{
  if (n_params >= 5)
    {
      gint64 w = g_value_get_int (&params[3]);
      gint64 h = g_value_get_int (&params[4]);

      if (w > 0 && h > 0)
        updated_pixels += (guint64) (w * h);
      update_rects++;
    }
  return TRUE;
}

static void
on_initialized (FerryVncDisplay *display,
                int              width,
                int              height,
                FerrySide       *side)
{
  side->initialized = TRUE;
}

static void
on_disconnected (FerryVncDisplay *display,
                 const char      *error,
                 FerrySide       *side)
{
  side->disconnected = TRUE;
  g_free (side->error);
  side->error = g_strdup (error);
}

static gboolean
ferry_ready (gpointer data)
{
  FerrySide *side = data;

  return side->initialized || side->disconnected;
}

static void
on_after_paint (GdkFrameClock *clock,
                FerrySide     *side)
{
  FerryVncDisplayStats stats;

  _ferry_vnc_display_get_stats (side->display, &stats);
  if (side->counting && stats.frames != side->last_frames)
    side->presented++;
  side->last_frames = stats.frames;
}

static gboolean
measure_ferry (const char   *port,
               FerryVncLink  link,
               Result       *r)
{
  FerrySide side = { 0 };
  GtkWidget *window = gtk_window_new ();
  GdkFrameClock *clock;
  FerryVncDisplayStats s0, s1;
  ProxySlot w0, w1;
  guint64 pix0;
  double cpu0, t0;
  int index = __atomic_load_n (&proxy->connections, __ATOMIC_ACQUIRE);

  gtk_window_set_title (GTK_WINDOW (window), "bench-console — Ferry");
  gtk_window_set_default_size (GTK_WINDOW (window), 720, 400);
  side.display = FERRY_VNC_DISPLAY (ferry_vnc_display_new ());
  ferry_vnc_display_set_link (side.display, link);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (side.display));
  g_signal_connect (side.display, "initialized", G_CALLBACK (on_initialized), &side);
  g_signal_connect (side.display, "disconnected", G_CALLBACK (on_disconnected), &side);
  gtk_window_present (GTK_WINDOW (window));
  settle (300);

  ferry_vnc_display_open_host (side.display, "127.0.0.1", port);
  if (!wait_until (ferry_ready, &side, 15000) || !side.initialized || index >= PROXY_SLOTS)
    {
      r->note = g_strdup_printf ("Ferry could not connect: %s", side.error ? side.error : "timeout");
      gtk_window_destroy (GTK_WINDOW (window));
      return FALSE;
    }
  clock = gtk_widget_get_frame_clock (window);
  g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &side);
  settle (settle_s * 1000);

  _ferry_vnc_display_get_stats (side.display, &s0);
  slot_read (index, &w0);
  pix0 = updated_pixels;
  cpu0 = ferry_bench_self_cpu_s ();
  t0 = g_get_monotonic_time () / 1e6;
  side.counting = TRUE;
  settle (window_s * 1000);
  side.counting = FALSE;
  r->seconds = g_get_monotonic_time () / 1e6 - t0;
  r->cpu_s = ferry_bench_self_cpu_s () - cpu0;
  slot_read (index, &w1);
  _ferry_vnc_display_get_stats (side.display, &s1);
  slot_diff (&w0, &w1, &r->wire);
  r->own_mpix = (updated_pixels - pix0) / 1e6;
  r->fps = side.presented / r->seconds;

  g_print ("Ferry (%s): display %dx%d in a %dx%d window, framebuffer %dx%d; "
           "%" G_GUINT64_FORMAT " update rectangles, %" G_GUINT64_FORMAT " update requests, "
           "%" G_GUINT64_FORMAT " frames handed to GTK, %" G_GUINT64_FORMAT " presented\n",
           link == FERRY_VNC_LINK_REMOTE ? "as a remote console" : "as a local console",
           gtk_widget_get_width (GTK_WIDGET (side.display)), gtk_widget_get_height (GTK_WIDGET (side.display)),
           gtk_widget_get_width (window), gtk_widget_get_height (window),
           ferry_vnc_display_get_fb_width (side.display), ferry_vnc_display_get_fb_height (side.display),
           s1.updates - s0.updates, s1.update_requests - s0.update_requests,
           s1.frames - s0.frames, side.presented);

  g_signal_handlers_disconnect_by_data (clock, &side);
  ferry_vnc_display_close (side.display);
  {
    gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

    while (!side.disconnected && g_get_monotonic_time () < end)
      g_main_context_iteration (NULL, TRUE);
  }
  g_signal_handlers_disconnect_by_data (side.display, &side);
  gtk_window_destroy (GTK_WINDOW (window));
  settle (200);
  g_free (side.error);
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* remote-viewer                                                           */

static char *
window_geometry (int pid)
{
  g_autofree char *spid = g_strdup_printf ("%d", pid);
  const char *search[] = { "xdotool", "search", "--onlyvisible", "--pid", spid, NULL };
  g_autofree char *xdotool = g_find_program_in_path ("xdotool");
  g_autofree char *ids = NULL;
  g_auto(GStrv) lines = NULL;
  GString *out = g_string_new (NULL);

  if (xdotool == NULL)
    return g_string_free (out, TRUE), NULL;
  ids = run (search, NULL);
  if (ids == NULL)
    return g_string_free (out, TRUE), NULL;
  lines = g_strsplit (ids, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *geom[] = { "xdotool", "getwindowgeometry", lines[i], NULL };
      const char *getname[] = { "xdotool", "getwindowname", lines[i], NULL };
      g_autofree char *g = run (geom, NULL);
      g_autofree char *title = run (getname, NULL);
      const char *size = g != NULL ? strstr (g, "Geometry: ") : NULL;

      if (size != NULL)
        {
          g_autofree char *line = g_strndup (size + 10, strcspn (size + 10, "\n"));

          g_string_append_printf (out, "%s\"%s\" %s", out->len ? ", " : "", title ? title : "", line);
        }
    }
  return g_string_free (out, out->len == 0);
}

static gboolean
measure_remote_viewer (const char *port,
                       Result     *r)
{
  /* remote-viewer takes the TCP port (not the display number that
   * `virsh domdisplay` gives). */
  g_autofree char *uri = g_strdup_printf ("vnc://127.0.0.1:%s", port);
  const char *argv[] = { "remote-viewer", uri, NULL };
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *geometry = NULL;
  ProxySlot w0, w1;
  double cpu0, cpu1, t0;
  int index = __atomic_load_n (&proxy->connections, __ATOMIC_ACQUIRE);
  int pid;

  if (index >= PROXY_SLOTS)
    {
      r->note = g_strdup ("no proxy slot left");
      return FALSE;
    }
  /* GTK 3: none of GTK 4's renderer variables apply. */
  g_subprocess_launcher_unsetenv (launcher, "GSK_RENDERER");
  proc = g_subprocess_launcher_spawnv (launcher, argv, &error);
  if (proc == NULL)
    {
      r->note = g_strdup_printf ("remote-viewer: %s", error->message);
      return FALSE;
    }
  pid = atoi (g_subprocess_get_identifier (proc));
  settle (settle_s * 1000 + 2000);
  if (g_subprocess_get_identifier (proc) == NULL)
    {
      r->note = g_strdup ("remote-viewer exited early");
      return FALSE;
    }
  geometry = window_geometry (pid);
  slot_read (index, &w0);
  cpu0 = ferry_bench_tree_cpu_s (pid, NULL);
  t0 = g_get_monotonic_time () / 1e6;
  g_usleep ((gulong) window_s * G_USEC_PER_SEC);
  cpu1 = ferry_bench_tree_cpu_s (pid, NULL);
  slot_read (index, &w1);
  r->seconds = g_get_monotonic_time () / 1e6 - t0;
  r->cpu_s = cpu1 - cpu0;
  slot_diff (&w0, &w1, &r->wire);
  r->fps = -1;
  r->own_mpix = -1;
  g_print ("remote-viewer: pid %d, window(s) %s\n", pid, geometry ? geometry : "(xdotool: unknown)");

  g_subprocess_send_signal (proc, SIGTERM);
  for (int i = 0; i < 100 && g_subprocess_get_identifier (proc) != NULL; i++)
    settle (20);
  if (g_subprocess_get_identifier (proc) != NULL)
    g_subprocess_force_exit (proc);
  g_subprocess_wait (proc, NULL, NULL);
  return cpu0 >= 0 && cpu1 >= 0 && w1.pixels > 0;
}

/* ---------------------------------------------------------------------- */

static char *
node1_uri (void)
{
  const char *dir = g_getenv ("FERRY_CLUSTER_DIR") ? g_getenv ("FERRY_CLUSTER_DIR") : "/var/tmp/ferry-cluster";
  g_autofree char *nodes = g_build_filename (dir, "nodes", NULL);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents (nodes, &contents, NULL, NULL))
    return NULL;
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) f = g_strsplit (lines[i], " ", -1);

      if (g_strv_length (f) >= 2 && g_strcmp0 (f[0], "node1") == 0)
        return g_strdup (f[1]);
    }
  return NULL;
}

/* Starts the proxy child; returns its pid (its port in *port), -1 on
 * failure. It learns the target port from *ctrl later. */
static int
start_proxy (int  *port,
             int  *ctrl)
{
  struct sockaddr_in addr = { .sin_family = AF_INET };
  socklen_t len = sizeof addr;
  int fds[2];
  int listen_fd;
  int pid;

  proxy = mmap (NULL, sizeof *proxy, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (proxy == MAP_FAILED)
    return -1;
  listen_fd = socket (AF_INET, SOCK_STREAM, 0);
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  if (listen_fd < 0 || bind (listen_fd, (struct sockaddr *) &addr, sizeof addr) < 0
      || listen (listen_fd, 4) < 0 || getsockname (listen_fd, (struct sockaddr *) &addr, &len) < 0
      || pipe (fds) < 0)
    return -1;
  pid = fork ();
  if (pid == 0)
    {
      close (fds[1]);
      proxy_main (listen_fd, fds[0], proxy);
    }
  close (fds[0]);
  close (listen_fd);
  *ctrl = fds[1];
  *port = ntohs (addr.sin_port);
  return pid;
}

static double
cpu_per_mpix (const Result *r)
{
  return r->cpu_s / MAX (r->wire.pixels / 1e6, 1e-9);
}

static void
print_row (const char   *name,
           const Result *r)
{
  g_autofree char *fps = r->fps >= 0 ? g_strdup_printf ("%.1f", r->fps) : g_strdup ("n/a");

  g_print ("%-34s %8s %10.1f %8.2f %13.1f %13.4f\n", name, fps, r->wire.updates / r->seconds,
           r->cpu_s, r->wire.pixels / 1e6, cpu_per_mpix (r));
}

static void
print_wire (const char   *name,
            const Result *r)
{
  const ProxySlot *w = &r->wire;
  GString *mix = g_string_new (NULL);

  for (guint e = 0; e < N_ENC; e++)
    if (w->enc_pixels[e] > 0)
      g_string_append_printf (mix, "%s%s %.0f%%", mix->len ? ", " : "", enc_names[e],
                              100.0 * w->enc_pixels[e] / MAX (w->pixels, 1));
  g_print ("%s on the wire: %.1f updates/s, %.1f rectangles/update, %.1f MB received "
           "(%.2f bytes/pixel), %.1f requests/s; encodings used: %s; it asked for %s%s\n",
           name, w->updates / r->seconds, (double) w->rects / MAX (w->updates, 1),
           w->bytes_to_client / 1e6, (double) w->bytes_to_client / MAX (w->pixels, 1),
           w->requests / r->seconds, mix->len ? mix->str : "none", w->encodings,
           w->parse_error ? " (PARSE ERROR: counts incomplete)" : "");
  g_string_free (mix, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  const char *source = g_getenv ("FERRY_SOURCE_DIR") ? g_getenv ("FERRY_SOURCE_DIR") : ".";
  const char *cluster_dir = g_getenv ("FERRY_CLUSTER_DIR") ? g_getenv ("FERRY_CLUSTER_DIR") : "/var/tmp/ferry-cluster";
  GOptionEntry entries[] = {
    { "window", 0, 0, G_OPTION_ARG_INT, &window_s, "Seconds measured per side (20)", "S" },
    { "settle", 0, 0, G_OPTION_ARG_INT, &settle_s, "Seconds after connecting before measuring (4)", "S" },
    { "guest", 0, 0, G_OPTION_ARG_STRING, &guest, "Name of the guest to define on node1 (con-bench)", "NAME" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— the VNC console against remote-viewer");
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *cluster = NULL;
  g_autofree char *serial = NULL;
  g_autofree char *serial_name = NULL;
  g_autofree char *display = NULL;
  g_autofree char *rv = NULL;
  g_autofree char *proxy_port = NULL;
  const char *colon;
  Result ferry = { 0 }, remote = { 0 }, viewer = { 0 };
  gboolean ok, viewer_ok;
  LogWait lw;
  int proxy_pid, proxy_listen = 0, proxy_ctrl = -1, vnc_port;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("bench-console: %s\n", error->message);
      return 2;
    }
  ferry_test_require_programs ("remote-viewer", "xdotool", "virsh", NULL);
  window_s = MAX (window_s, 1);
  if (!g_str_has_prefix (guest, "con-"))
    {
      g_printerr ("bench-console: the guest's name must start with con-\n");
      return 2;
    }

  if ((uri = node1_uri ()) == NULL)
    {
      g_print ("SKIP: the local cluster is not up (tests/cluster/cluster up 3)\n");
      return 77;
    }
  if ((rv = g_find_program_in_path ("remote-viewer")) == NULL)
    {
      g_print ("SKIP: remote-viewer is missing (apt-get install virt-viewer)\n");
      return 77;
    }
  /* Before GTK (and any thread): the child is a plain copy of us. */
  if ((proxy_pid = start_proxy (&proxy_listen, &proxy_ctrl)) < 0)
    {
      g_print ("SKIP: could not start the counting proxy: %s\n", g_strerror (errno));
      return 77;
    }
  proxy_port = g_strdup_printf ("%d", proxy_listen);
  if (!gtk_init_check ())
    {
      g_print ("SKIP: no display (DISPLAY unset?)\n");
      kill (proxy_pid, SIGKILL);
      return 77;
    }

  /* The guest: rewrites its text screen as fast as it can. */
  remove_guest (uri);
  serial_name = g_strconcat (guest, ".log", NULL);
  serial = g_build_filename (cluster_dir, "serial", serial_name, NULL);
  lw = (LogWait) { serial, file_size (serial), "FERRY-LOAD screen" };
  cluster = g_build_filename (source, "tests", "cluster", "cluster", NULL);
  {
    const char *define[] = { cluster, "define-guest", "node1", guest, "--start", "--load", "screen", NULL };

    g_free (run (define, &ok));
    if (!ok)
      {
        g_print ("SKIP: could not define %s on node1 (cluster define-guest needs root)\n", guest);
        remove_guest (uri);
        kill (proxy_pid, SIGKILL);
        return 77;
      }
  }
  if (!wait_until (log_has, &lw, 90000))
    {
      g_print ("SKIP: %s did not print FERRY-LOAD screen within 90 s\n", guest);
      remove_guest (uri);
      kill (proxy_pid, SIGKILL);
      return 77;
    }
  {
    const char *domdisplay[] = { "virsh", "-q", "-c", uri, "domdisplay", guest, NULL };

    display = run (domdisplay, NULL);
  }
  if (display == NULL || !g_str_has_prefix (display, "vnc://") || (colon = strrchr (display, ':')) == NULL)
    {
      g_print ("SKIP: no VNC display for %s (%s)\n", guest, display ? display : "virsh failed");
      remove_guest (uri);
      kill (proxy_pid, SIGKILL);
      return 77;
    }
  vnc_port = 5900 + atoi (colon + 1);
  {
    g_autofree char *target = g_strdup_printf ("%d", vnc_port);

    if (write (proxy_ctrl, target, strlen (target)) < 0)
      g_printerr ("bench-console: proxy: %s\n", g_strerror (errno));
    close (proxy_ctrl);
  }
  g_print ("%s on node1 (%s), VNC %s (port %d, through the counting proxy on port %s), "
           "rewriting its 80x25 text screen; %d s per side after %d s of settling, one side after the other\n",
           guest, uri, display, vnc_port, proxy_port, window_s, settle_s);
  /* Let the first screens settle in (boot messages, banner). */
  settle (2000);

  g_type_class_unref (g_type_class_ref (VNC_TYPE_CONNECTION));
  g_signal_add_emission_hook (g_signal_lookup ("vnc-framebuffer-update", VNC_TYPE_CONNECTION), 0,
                              on_framebuffer_update_hook, NULL, NULL);

  /* As the console page opens this guest (a loopback address: the link
   * is local, pixels uncompressed), then as it opens a guest across a
   * network (compressed), then remote-viewer. */
  if (!measure_ferry (proxy_port, FERRY_VNC_LINK_AUTO, &ferry)
      || !measure_ferry (proxy_port, FERRY_VNC_LINK_REMOTE, &remote))
    {
      g_print ("Ferry: %s\n", ferry.note ? ferry.note : remote.note);
      remove_guest (uri);
      kill (proxy_pid, SIGKILL);
      return 0;
    }
  viewer_ok = measure_remote_viewer (proxy_port, &viewer);
  if (!viewer_ok)
    g_print ("remote-viewer: %s\n", viewer.note ? viewer.note : "could not read its CPU time or pixels");

  remove_guest (uri);
  kill (proxy_pid, SIGTERM);
  waitpid (proxy_pid, NULL, 0);

  g_print ("\n");
  print_wire ("Ferry, local", &ferry);
  print_wire ("Ferry, remote", &remote);
  if (viewer_ok)
    print_wire ("remote-viewer", &viewer);

  g_print ("\n%-34s %8s %10s %8s %13s %13s\n", "", "fps", "updates/s", "CPU s", "updated MPix", "CPU s / MPix");
  print_row ("Ferry (GTK 4, cairo), local", &ferry);
  print_row ("Ferry (GTK 4, cairo), remote", &remote);
  if (viewer_ok)
    print_row ("remote-viewer (GTK 3)", &viewer);
  g_print ("\nupdated MPix = areas of the pixel rectangles of the FramebufferUpdates the VNC server sent to "
           "that client, counted by the proxy on the wire, the same way for every side (Ferry's own "
           "counts: %.1f and %.1f MPix); updates/s = FramebufferUpdate messages per second.\n"
           "Ferry: local = as Ferry opens this guest (a loopback address: FERRY_VNC_LINK_AUTO asks for "
           "Raw first); remote = FERRY_VNC_LINK_REMOTE, as for a guest across a network (compressed "
           "encodings first). fps = after-paint ticks with a new frame; CPU = getrusage (this process, "
           "all threads) over %.1f s.\n", ferry.own_mpix, remote.own_mpix, ferry.seconds);
  if (viewer_ok)
    {
      double viewer_cost = cpu_per_mpix (&viewer);

      g_print ("remote-viewer: CPU = utime+stime of its process tree (/proc) over %.1f s; "
               "its fps is not measured (not instrumented), its update rate is. It asks for Tight "
               "first whatever the link.\n"
               "The proxy's, the X server's and QEMU's CPU are counted on neither side.\n",
               viewer.seconds);
      g_print ("\nratio Ferry / remote-viewer, CPU s per MPix: %.2f (local console), %.2f (remote console)\n",
               cpu_per_mpix (&ferry) / viewer_cost, cpu_per_mpix (&remote) / viewer_cost);
      g_print ("goal: Ferry ≤ remote-viewer's CPU per MPix (ratio ≤ 1.00) on this guest, as Ferry opens it: %s\n",
               cpu_per_mpix (&ferry) <= viewer_cost ? "met" : "NOT met");
    }
  return 0;
}
