/* ferry-event-loop.c — libvirt's event loop on a thread and context of its own
 *
 * libvirt needs an event loop for keepalive, close callbacks and domain
 * events. Its default implementation (virEventRegisterDefaultImpl) attaches
 * its sources to GLib's *default* main context, the one the UI runs: its
 * keepalive timers and the socket reads of event messages would then run on
 * the main thread. So we register our own implementation whose sources live
 * on a private GMainContext, iterated by a dedicated thread. Handlers that
 * run there (ferry-node.c) only copy plain data and hand it to the main
 * context.
 *
 * libvirt may add, update and remove handles and timeouts from any thread;
 * the tables are guarded by a mutex that is never held while a libvirt
 * callback runs (the callback may call back into us). Free functions run
 * later, from the loop, as libvirt requires.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib-unix.h>
#include <libvirt/libvirt.h>

#include "ferry-event-loop.h"

typedef struct
{
  int                     id;
  int                     fd;
  int                     events;
  virEventHandleCallback  cb;
  void                   *opaque;
  virFreeCallback         ff;
  GSource                *source;
} Handle;

typedef struct
{
  int                      id;
  int                      interval;
  virEventTimeoutCallback  cb;
  void                    *opaque;
  virFreeCallback          ff;
  GSource                 *source;
} Timeout;

static GMutex        lock;
static GMainContext *context;
static GHashTable   *handles;    /* id → Handle */
static GHashTable   *timeouts;   /* id → Timeout */
static int           next_id = 1;

typedef struct
{
  virFreeCallback  ff;
  void            *opaque;
} PendingFree;

static gboolean
run_free (gpointer data)
{
  PendingFree *pending = data;

  pending->ff (pending->opaque);
  g_free (pending);
  return G_SOURCE_REMOVE;
}

static void
free_later (virFreeCallback  ff,
            void            *opaque)
{
  PendingFree *pending;
  GSource *source;

  if (ff == NULL)
    return;
  pending = g_new0 (PendingFree, 1);
  pending->ff = ff;
  pending->opaque = opaque;
  source = g_idle_source_new ();
  g_source_set_callback (source, run_free, pending, NULL);
  g_source_attach (source, context);
  g_source_unref (source);
}

static GIOCondition
to_condition (int events)
{
  GIOCondition condition = 0;

  if (events & VIR_EVENT_HANDLE_READABLE)
    condition |= G_IO_IN;
  if (events & VIR_EVENT_HANDLE_WRITABLE)
    condition |= G_IO_OUT;
  if (events & VIR_EVENT_HANDLE_ERROR)
    condition |= G_IO_ERR;
  if (events & VIR_EVENT_HANDLE_HANGUP)
    condition |= G_IO_HUP;
  return condition;
}

static int
from_condition (GIOCondition condition)
{
  int events = 0;

  if (condition & G_IO_IN)
    events |= VIR_EVENT_HANDLE_READABLE;
  if (condition & G_IO_OUT)
    events |= VIR_EVENT_HANDLE_WRITABLE;
  if (condition & G_IO_ERR)
    events |= VIR_EVENT_HANDLE_ERROR;
  if (condition & G_IO_HUP)
    events |= VIR_EVENT_HANDLE_HANGUP;
  return events;
}

/* ---------------------------------------------------------------------- */
/* Handles                                                                 */

static gboolean
handle_dispatch (int          fd,
                 GIOCondition condition,
                 gpointer     data)
{
  int id = GPOINTER_TO_INT (data);
  virEventHandleCallback cb = NULL;
  void *opaque = NULL;
  Handle *handle;

  g_mutex_lock (&lock);
  handle = g_hash_table_lookup (handles, GINT_TO_POINTER (id));
  if (handle != NULL)
    {
      cb = handle->cb;
      opaque = handle->opaque;
    }
  g_mutex_unlock (&lock);

  if (cb != NULL)
    cb (id, fd, from_condition (condition), opaque);
  return G_SOURCE_CONTINUE;
}

/* With the lock held. */
static void
handle_watch (Handle *handle)
{
  if (handle->source != NULL)
    {
      g_source_destroy (handle->source);
      g_clear_pointer (&handle->source, g_source_unref);
    }
  if (handle->events == 0)
    return;
  handle->source = g_unix_fd_source_new (handle->fd, to_condition (handle->events));
  g_source_set_callback (handle->source, G_SOURCE_FUNC (handle_dispatch), GINT_TO_POINTER (handle->id), NULL);
  g_source_attach (handle->source, context);
}

static int
add_handle (int                     fd,
            int                     events,
            virEventHandleCallback  cb,
            void                   *opaque,
            virFreeCallback         ff)
{
  Handle *handle = g_new0 (Handle, 1);
  int id;

  g_mutex_lock (&lock);
  id = handle->id = next_id++;
  handle->fd = fd;
  handle->events = events;
  handle->cb = cb;
  handle->opaque = opaque;
  handle->ff = ff;
  g_hash_table_insert (handles, GINT_TO_POINTER (id), handle);
  handle_watch (handle);
  g_mutex_unlock (&lock);
  return id;
}

static void
update_handle (int id,
               int events)
{
  Handle *handle;

  g_mutex_lock (&lock);
  handle = g_hash_table_lookup (handles, GINT_TO_POINTER (id));
  if (handle != NULL && handle->events != events)
    {
      handle->events = events;
      handle_watch (handle);
    }
  g_mutex_unlock (&lock);
}

static int
remove_handle (int id)
{
  Handle *handle;

  g_mutex_lock (&lock);
  handle = g_hash_table_lookup (handles, GINT_TO_POINTER (id));
  if (handle == NULL)
    {
      g_mutex_unlock (&lock);
      return -1;
    }
  g_hash_table_steal (handles, GINT_TO_POINTER (id));
  if (handle->source != NULL)
    {
      g_source_destroy (handle->source);
      g_source_unref (handle->source);
    }
  free_later (handle->ff, handle->opaque);
  g_free (handle);
  g_mutex_unlock (&lock);
  return 0;
}

/* ---------------------------------------------------------------------- */
/* Timeouts                                                                */

static gboolean
timeout_dispatch (gpointer data)
{
  int id = GPOINTER_TO_INT (data);
  virEventTimeoutCallback cb = NULL;
  void *opaque = NULL;
  Timeout *timeout;

  g_mutex_lock (&lock);
  timeout = g_hash_table_lookup (timeouts, GINT_TO_POINTER (id));
  if (timeout != NULL)
    {
      cb = timeout->cb;
      opaque = timeout->opaque;
    }
  g_mutex_unlock (&lock);

  if (cb != NULL)
    cb (id, opaque);
  return G_SOURCE_CONTINUE;
}

/* With the lock held. -1 disables; 0 fires on every loop iteration. */
static void
timeout_arm (Timeout *timeout)
{
  if (timeout->source != NULL)
    {
      g_source_destroy (timeout->source);
      g_clear_pointer (&timeout->source, g_source_unref);
    }
  if (timeout->interval < 0)
    return;
  timeout->source = timeout->interval == 0 ? g_idle_source_new ()
                                           : g_timeout_source_new (timeout->interval);
  g_source_set_callback (timeout->source, timeout_dispatch, GINT_TO_POINTER (timeout->id), NULL);
  g_source_attach (timeout->source, context);
}

static int
add_timeout (int                      interval,
             virEventTimeoutCallback  cb,
             void                    *opaque,
             virFreeCallback          ff)
{
  Timeout *timeout = g_new0 (Timeout, 1);
  int id;

  g_mutex_lock (&lock);
  id = timeout->id = next_id++;
  timeout->interval = interval;
  timeout->cb = cb;
  timeout->opaque = opaque;
  timeout->ff = ff;
  g_hash_table_insert (timeouts, GINT_TO_POINTER (id), timeout);
  timeout_arm (timeout);
  g_mutex_unlock (&lock);
  return id;
}

static void
update_timeout (int id,
                int interval)
{
  Timeout *timeout;

  g_mutex_lock (&lock);
  timeout = g_hash_table_lookup (timeouts, GINT_TO_POINTER (id));
  if (timeout != NULL && timeout->interval != interval)
    {
      timeout->interval = interval;
      timeout_arm (timeout);
    }
  g_mutex_unlock (&lock);
}

static int
remove_timeout (int id)
{
  Timeout *timeout;

  g_mutex_lock (&lock);
  timeout = g_hash_table_lookup (timeouts, GINT_TO_POINTER (id));
  if (timeout == NULL)
    {
      g_mutex_unlock (&lock);
      return -1;
    }
  g_hash_table_steal (timeouts, GINT_TO_POINTER (id));
  if (timeout->source != NULL)
    {
      g_source_destroy (timeout->source);
      g_source_unref (timeout->source);
    }
  free_later (timeout->ff, timeout->opaque);
  g_free (timeout);
  g_mutex_unlock (&lock);
  return 0;
}

/* ---------------------------------------------------------------------- */

static gpointer
event_thread_func (gpointer data)
{
  GMainLoop *loop = data;

  g_main_context_push_thread_default (context);
  g_main_loop_run (loop);
  return NULL;
}

void
ferry_event_loop_start (void)
{
  GMainLoop *loop;

  g_return_if_fail (context == NULL);

  context = g_main_context_new ();
  handles = g_hash_table_new (NULL, NULL);
  timeouts = g_hash_table_new (NULL, NULL);
  virEventRegisterImpl (add_handle, update_handle, remove_handle,
                        add_timeout, update_timeout, remove_timeout);
  loop = g_main_loop_new (context, FALSE);
  g_thread_unref (g_thread_new ("ferry-libvirt-events", event_thread_func, loop));
}

gboolean
ferry_event_loop_is_event_thread (void)
{
  return context != NULL && g_main_context_is_owner (context);
}
