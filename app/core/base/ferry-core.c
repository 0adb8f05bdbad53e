/* ferry-core.c — process-wide setup of Ferry's GTK-free core
 *
 * libvirt's events run on a thread and GMainContext of their own
 * (ferry-event-loop.c): even the socket I/O that the remote driver does
 * while dispatching events never happens on the main thread, and a node
 * that stops answering cannot stall the UI.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */


#include "config.h"

#include <stdlib.h>
#include <string.h>
#ifdef __GLIBC__
# include <malloc.h>
#endif

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "ferry-core.h"
#include "ferry-event-loop.h"

static GThread *main_thread;
static gint      violations;

static void
silent_error_func (void       *user_data,
                   virErrorPtr error)
{
  /* libvirt prints every error on stderr by default; ours go to GErrors. */
}

void
ferry_core_init (void)
{
  static gsize initialized;

  if (g_once_init_enter (&initialized))
    {
      main_thread = g_thread_self ();
#ifdef __GLIBC__
      /* One worker thread per host: glibc would give each its own malloc
       * arena and keep each one's peak (26 MB more at 10 hosts x 1000 VMs,
       * bench-scale). A few shared arenas are plenty for this workload. */
      mallopt (M_ARENA_MAX, 2);
#endif
      virSetErrorFunc (NULL, silent_error_func);
      if (virInitialize () < 0)
        g_error ("libvirt failed to initialize");
      ferry_event_loop_start ();
      g_once_init_leave (&initialized, 1);
    }
}

gboolean
ferry_core_is_main_thread (void)
{
  return main_thread != NULL && g_thread_self () == main_thread;
}

guint64
ferry_core_get_libvirt_calls_on_main_thread (void)
{
  return (guint64) g_atomic_int_get (&violations);
}

void
ferry_core_assert_worker_thread (const char *func)
{
  if G_UNLIKELY (ferry_core_is_main_thread ())
    {
      g_atomic_int_inc (&violations);
      g_critical ("%s: libvirt called on the main thread", func);
    }
}

void
ferry_secret_free (char *secret)
{
  if (secret != NULL)
    {
      explicit_bzero (secret, strlen (secret));
      g_free (secret);
    }
}
