/* test-node.c — one libvirt host through one connection (FerryNode): its
 * states and their notifications, an unreachable host and the retries,
 * the worker threads, and letting go of it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "ferry-libvirt.h"
#include "ferry-node-private.h"
#include "ferry-test-util.h"

#define UUIDS "dddddddd-0000-4000-8000-"

static char *tmpdir;

/* What a node said while a test watched it. */
typedef struct
{
  GArray   *states;            /* FerryNodeState, one per notify::state */
  guint     n_errors;          /* notify::error */
  guint     n_names;           /* notify::name */
  guint     n_maintenance;     /* notify::maintenance */
  char     *hostname_when_connected;
  guint     n_infos;           /* domains-changed, what it carried */
  gboolean  connected_before_domains;
} Watch;

static void
on_state (FerryNode  *node,
          GParamSpec *pspec,
          Watch      *w)
{
  FerryNodeState state = ferry_node_get_state (node);

  g_array_append_val (w->states, state);
  /* Whoever reacts to "connected" sees the host's details already. */
  if (state == FERRY_NODE_STATE_CONNECTED)
    {
      g_free (w->hostname_when_connected);
      w->hostname_when_connected = g_strdup (ferry_node_get_hostname (node));
    }
}

static void
on_counted (FerryNode  *node,
            GParamSpec *pspec,
            guint      *count)
{
  (*count)++;
}

static void
on_domains_changed (FerryNode *node,
                    GPtrArray *infos,
                    Watch     *w)
{
  w->n_infos += infos->len;
  w->connected_before_domains = ferry_node_get_state (node) == FERRY_NODE_STATE_CONNECTED;
}

static void
watch_init (Watch     *w,
            FerryNode *node)
{
  w->states = g_array_new (FALSE, FALSE, sizeof (FerryNodeState));
  g_signal_connect (node, "notify::state", G_CALLBACK (on_state), w);
  g_signal_connect (node, "notify::error", G_CALLBACK (on_counted), &w->n_errors);
  g_signal_connect (node, "notify::name", G_CALLBACK (on_counted), &w->n_names);
  g_signal_connect (node, "notify::maintenance", G_CALLBACK (on_counted), &w->n_maintenance);
  g_signal_connect (node, "domains-changed", G_CALLBACK (on_domains_changed), w);
}

static void
watch_clear (Watch     *w,
             FerryNode *node)
{
  gpointer targets[] = { w, &w->n_errors, &w->n_names, &w->n_maintenance };

  for (guint i = 0; i < G_N_ELEMENTS (targets); i++)
    g_signal_handlers_disconnect_by_data (node, targets[i]);
  g_clear_pointer (&w->states, g_array_unref);
  g_clear_pointer (&w->hostname_when_connected, g_free);
}

static void
assert_states (Watch                *w,
               const FerryNodeState *expected,
               guint                 n)
{
  g_assert_cmpuint (w->states->len, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (g_array_index (w->states, FerryNodeState, i), ==, expected[i]);
}

static gboolean
matches_version (const char *version)
{
  return version != NULL && g_regex_match_simple ("^[0-9]+\\.[0-9]+\\.[0-9]+$", version, 0, 0);
}

/* ---------------------------------------------------------------------- */

static void
test_new (void)
{
  FerryNode *node = ferry_node_new ("test:///default", NULL, "");
  FerryNode *other = ferry_node_new ("test:///default", "other", "10.0.0.2");
  const char *evacuated[] = { UUIDS "000000000001", UUIDS "000000000002", NULL };
  Watch w = { 0, };

  watch_init (&w, node);

  /* A new node is only a description: nothing is opened yet. */
  g_assert_cmpint (ferry_node_get_state (node), ==, FERRY_NODE_STATE_DISCONNECTED);
  g_assert_null (ferry_node_get_error (node));
  g_assert_null (ferry_node_get_hostname (node));
  g_assert_cmpuint (ferry_node_get_n_vms (node), ==, 0);
  g_assert_nonnull (ferry_node_get_metrics (node));

  /* Without a name it goes by its URI; each node gets an id of its own
   * (two nodes may share a URI, and the configuration keys on the id). */
  g_assert_cmpstr (ferry_node_get_name (node), ==, "test:///default");
  g_assert_true (g_uuid_string_is_valid (ferry_node_get_id (node)));
  g_assert_cmpstr (ferry_node_get_id (node), !=, ferry_node_get_id (other));
  g_assert_cmpstr (ferry_node_get_name (other), ==, "other");
  /* An empty migration address means "the URI's host". */
  g_assert_null (ferry_node_get_migration_address (node));
  g_assert_cmpstr (ferry_node_get_migration_address (other), ==, "10.0.0.2");

  /* Renaming notifies, the same name again does not; an empty name or
   * none is the URI again (and no change when it shows that already). */
  ferry_node_set_name (node, "node1");
  ferry_node_set_name (node, "node1");
  g_assert_cmpstr (ferry_node_get_name (node), ==, "node1");
  g_assert_cmpuint (w.n_names, ==, 1);
  ferry_node_set_name (node, "");
  g_assert_cmpstr (ferry_node_get_name (node), ==, "test:///default");
  g_assert_cmpuint (w.n_names, ==, 2);
  ferry_node_set_name (node, NULL);
  g_assert_cmpuint (w.n_names, ==, 2);

  /* Maintenance keeps a copy of the evacuated list; passing its own list
   * back must not read freed memory. */
  ferry_node_set_maintenance (node, TRUE, evacuated);
  g_assert_true (ferry_node_get_maintenance (node));
  g_assert_true (g_strv_equal (ferry_node_get_evacuated (node), evacuated));
  g_assert_true (ferry_node_get_evacuated (node) != evacuated);
  ferry_node_set_maintenance (node, TRUE, ferry_node_get_evacuated (node));
  g_assert_true (g_strv_equal (ferry_node_get_evacuated (node), evacuated));
  g_assert_cmpuint (w.n_maintenance, ==, 1);
  /* An empty list is no list. */
  ferry_node_set_maintenance (node, FALSE, (const char * const []) { NULL });
  g_assert_false (ferry_node_get_maintenance (node));
  g_assert_null (ferry_node_get_evacuated (node));
  g_assert_cmpuint (w.n_maintenance, ==, 2);

  /* Refreshing a node that is not connected does nothing. */
  ferry_node_refresh (node);
  g_assert_cmpuint (w.states->len, ==, 0);

  watch_clear (&w, node);
  /* Never connected: no worker ever held it. */
  g_assert_finalize_object (node);
  g_assert_finalize_object (other);
}

static gboolean
infos_are_6 (gpointer data)
{
  return ((Watch *) data)->n_infos == 6;
}

static void
test_connect (void)
{
  g_autofree char *uri = ferry_test_write_node_file (tmpdir, "connect.xml", "conn", 3, 2, UUIDS);
  FerryNode *node = ferry_node_new (uri, "conn", NULL);
  const FerryNodeState connecting[] = { FERRY_NODE_STATE_CONNECTING, FERRY_NODE_STATE_CONNECTED };
  const FerryNodeState all[] = { FERRY_NODE_STATE_CONNECTING, FERRY_NODE_STATE_CONNECTED,
                                 FERRY_NODE_STATE_DISCONNECTED };
  Watch w = { 0, };

  watch_init (&w, node);
  ferry_node_connect (node);
  /* CONNECTING at once, on the main thread; the open itself is a worker's. */
  g_assert_cmpint (ferry_node_get_state (node), ==, FERRY_NODE_STATE_CONNECTING);
  g_assert_true (ferry_test_wait_node_state (node, FERRY_NODE_STATE_CONNECTED, 10000));
  assert_states (&w, connecting, G_N_ELEMENTS (connecting));
  g_assert_null (ferry_node_get_error (node));

  /* What the host said about itself (the node file's <cpu> and <memory>,
   * the memory in KiB there and in bytes here). */
  g_assert_nonnull (w.hostname_when_connected);
  g_assert_cmpstr (w.hostname_when_connected, ==, ferry_node_get_hostname (node));
  g_assert_cmpstr (ferry_node_get_cpu_model (node), ==, "x86_64");
  g_assert_cmpuint (ferry_node_get_cpus (node), ==, 16);
  g_assert_cmpuint (ferry_node_get_memory (node), ==, G_GUINT64_CONSTANT (67108864) * 1024);
  g_assert_true (matches_version (ferry_node_get_libvirt_version (node)));
  g_assert_true (matches_version (ferry_node_get_hypervisor_version (node)));

  /* Its domains are reported once it counts as connected, so that they
   * are placed as a connected node's. */
  g_assert_cmpuint (w.n_infos, ==, 3);
  g_assert_true (w.connected_before_domains);

  /* Connecting a connected node changes nothing. */
  ferry_node_connect (node);
  ferry_test_drain_worker (node);
  assert_states (&w, connecting, G_N_ELEMENTS (connecting));

  /* A full refresh lists the domains again and reports them all (the
   * list replaces what the node knew). */
  ferry_node_refresh (node);
  g_assert_true (ferry_test_wait_until (infos_are_6, &w, 10000));
  assert_states (&w, connecting, G_N_ELEMENTS (connecting));

  ferry_node_disconnect (node);
  g_assert_cmpint (ferry_node_get_state (node), ==, FERRY_NODE_STATE_DISCONNECTED);
  g_assert_null (ferry_node_get_error (node));
  assert_states (&w, all, G_N_ELEMENTS (all));

  watch_clear (&w, node);
  /* The connection is closed on the node's worker, which holds the node
   * until it is done. */
  ferry_test_finalize_node (node);
}

/* A disconnect while the open is still on its way: the attempt is
 * abandoned, and when it completes its connection is closed, not used. */
static void
test_disconnect_while_connecting (void)
{
  FerryNode *node = ferry_node_new ("test:///default", NULL, NULL);
  const FerryNodeState expected[] = { FERRY_NODE_STATE_CONNECTING, FERRY_NODE_STATE_DISCONNECTED };
  FerryTestHold *hold;
  Watch w = { 0, };

  watch_init (&w, node);
  /* The open cannot run before the disconnect: the worker is busy. The
   * hold needs a connection, so connect once and let go first. */
  ferry_node_connect (node);
  g_assert_true (ferry_test_wait_node_state (node, FERRY_NODE_STATE_CONNECTED, 10000));
  hold = ferry_test_hold_worker (node);
  ferry_node_disconnect (node);
  g_array_set_size (w.states, 0);

  ferry_node_connect (node);
  ferry_node_disconnect (node);
  ferry_test_hold_end (hold);
  ferry_test_drain_worker (node);

  assert_states (&w, expected, G_N_ELEMENTS (expected));
  g_assert_cmpint (ferry_node_get_state (node), ==, FERRY_NODE_STATE_DISCONNECTED);
  watch_clear (&w, node);
  ferry_test_finalize_node (node);
}

/* Connect again before the abandoned attempt came back: that attempt's
 * connection is not taken (it belongs to the old generation), a fresh
 * one is opened once it is out of the way. */
static void
test_reconnect_while_abandoned (void)
{
  FerryNode *node = ferry_node_new ("test:///default", NULL, NULL);
  const FerryNodeState expected[] = { FERRY_NODE_STATE_CONNECTING, FERRY_NODE_STATE_DISCONNECTED,
                                      FERRY_NODE_STATE_CONNECTING, FERRY_NODE_STATE_CONNECTED };
  FerryTestHold *hold;
  Watch w = { 0, };

  watch_init (&w, node);
  ferry_node_connect (node);
  g_assert_true (ferry_test_wait_node_state (node, FERRY_NODE_STATE_CONNECTED, 10000));
  hold = ferry_test_hold_worker (node);
  ferry_node_disconnect (node);
  g_array_set_size (w.states, 0);

  ferry_node_connect (node);
  ferry_node_disconnect (node);
  ferry_node_connect (node);
  /* Not "disconnected" while the abandoned attempt is still out. */
  g_assert_cmpint (ferry_node_get_state (node), ==, FERRY_NODE_STATE_CONNECTING);
  ferry_test_hold_end (hold);
  g_assert_true (ferry_test_wait_node_state (node, FERRY_NODE_STATE_CONNECTED, 10000));
  assert_states (&w, expected, G_N_ELEMENTS (expected));
  g_assert_null (ferry_node_get_error (node));

  ferry_node_disconnect (node);
  watch_clear (&w, node);
  ferry_test_finalize_node (node);
}

/* A host that cannot be reached: UNREACHABLE with libvirt's reason, then
 * retried on a timer (no new connect() needed) until it answers. */
static void
test_unreachable_then_retried (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "later.xml", NULL);
  g_autofree char *uri = g_strdup_printf ("test://%s", path);
  g_autofree char *written = NULL;
  FerryNode *node = ferry_node_new (uri, "later", NULL);
  /* Retries keep it UNREACHABLE (no flicker through CONNECTING). */
  const FerryNodeState expected[] = { FERRY_NODE_STATE_CONNECTING, FERRY_NODE_STATE_UNREACHABLE,
                                      FERRY_NODE_STATE_CONNECTED };
  Watch w = { 0, };

  watch_init (&w, node);
  ferry_node_connect (node);
  g_assert_true (ferry_test_wait_node_state (node, FERRY_NODE_STATE_UNREACHABLE, 10000));
  g_assert_nonnull (ferry_node_get_error (node));
  g_assert_nonnull (strstr (ferry_node_get_error (node), "later.xml"));
  g_assert_cmpuint (w.n_errors, ==, 1);
  /* The retry is a timer of the node's, on the main context. */
  g_assert_nonnull (g_main_context_find_source_by_user_data (NULL, node));

  /* The host comes up: the next retry finds it. */
  written = ferry_test_write_node_file (tmpdir, "later.xml", "later", 1, 1, UUIDS);
  g_assert_cmpstr (written, ==, uri);
  g_assert_true (ferry_test_wait_node_state (node, FERRY_NODE_STATE_CONNECTED, 10000));
  assert_states (&w, expected, G_N_ELEMENTS (expected));
  /* The reason went with the problem. */
  g_assert_null (ferry_node_get_error (node));
  g_assert_cmpuint (w.n_errors, ==, 2);
  g_assert_cmpuint (w.n_infos, ==, 1);

  ferry_node_disconnect (node);
  watch_clear (&w, node);
  ferry_test_finalize_node (node);
  g_remove (path);
}

/* A disconnect stops the retries; so does letting go of the node. */
static void
test_unreachable_stops_retrying (void)
{
  FerryNode *node = ferry_node_new ("test:///nonexistent/ferry/node.xml", NULL, NULL);
  FerryNode *dropped = ferry_node_new ("test:///nonexistent/ferry/dropped.xml", NULL, NULL);
  gpointer dropped_address = dropped;
  Watch w = { 0, };

  watch_init (&w, node);
  ferry_node_connect (node);
  ferry_node_connect (dropped);
  g_assert_true (ferry_test_wait_node_state (node, FERRY_NODE_STATE_UNREACHABLE, 10000));
  g_assert_true (ferry_test_wait_node_state (dropped, FERRY_NODE_STATE_UNREACHABLE, 10000));
  g_assert_nonnull (g_main_context_find_source_by_user_data (NULL, node));

  ferry_node_disconnect (node);
  g_assert_cmpint (ferry_node_get_state (node), ==, FERRY_NODE_STATE_DISCONNECTED);
  /* No reason to show for a host nobody wants to reach. */
  g_assert_null (ferry_node_get_error (node));
  /* No retry is left to fire. */
  g_assert_null (g_main_context_find_source_by_user_data (NULL, node));

  watch_clear (&w, node);
  ferry_test_finalize_node (node);

  /* Dropped while waiting to retry: the timer goes with it (a retry
   * firing later would use a freed node). */
  ferry_test_finalize_node (dropped);
  g_assert_null (g_main_context_find_source_by_user_data (NULL, dropped_address));
}

/* ---------------------------------------------------------------------- */
/* Workers                                                                 */

typedef struct
{
  GThread  *step_thread;
  gboolean  step_on_main_context;
  GThread  *done_thread;
  gboolean  done;
  gboolean  value;
  GError   *error;
  gint      n_calls;         /* conn steps only */
  char     *hostname;        /* what the connection said */
} StepWait;

static void
record_step (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  StepWait *w = task_data;

  w->step_thread = g_thread_self ();
  w->step_on_main_context = g_main_context_is_owner (g_main_context_default ());
  g_task_return_boolean (task, TRUE);
}

static void
step_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  StepWait *w = user_data;

  w->done_thread = g_thread_self ();
  w->value = g_task_propagate_boolean (G_TASK (result), &w->error);
  w->done = TRUE;
}

static gboolean
step_finished (gpointer data)
{
  return ((StepWait *) data)->done;
}

static void
test_worker_thread (void)
{
  FerryNode *node = ferry_node_new ("test:///default", NULL, NULL);
  GThread *main_thread = g_thread_self ();
  StepWait w = { 0, };
  g_autoptr(GTask) task = g_task_new (node, NULL, step_done, &w);

  g_task_set_task_data (task, &w, NULL);
  _ferry_node_run_in_worker (node, task, record_step);
  g_assert_true (ferry_test_wait_until (step_finished, &w, 10000));

  /* The step ran on a thread of the node's own, not on the main one... */
  g_assert_nonnull (w.step_thread);
  g_assert_true (w.step_thread != main_thread);
  g_assert_false (w.step_on_main_context);
  /* ...and its answer came back on the main thread. */
  g_assert_true (w.done_thread == main_thread);
  g_assert_true (w.value);
  g_assert_no_error (w.error);

  g_clear_object (&task);
  ferry_test_finalize_node (node);
}

/* One worker per node: its steps run one at a time, in the order given. */
typedef struct
{
  GMutex     lock;
  GArray    *order;
  gint       inside;
  gint       max_inside;
  gint       n_done;
} Queue;

typedef struct
{
  Queue *queue;
  guint  index;
} QueueStep;

static void
queued_step (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  QueueStep *step = task_data;
  Queue *q = step->queue;
  gint inside = g_atomic_int_add (&q->inside, 1) + 1;

  g_mutex_lock (&q->lock);
  q->max_inside = MAX (q->max_inside, inside);
  g_array_append_val (q->order, step->index);
  g_mutex_unlock (&q->lock);
  /* Some work: long enough that a second worker would overlap. */
  g_usleep (5000);
  g_atomic_int_add (&q->inside, -1);
  g_task_return_boolean (task, TRUE);
}

static void
queued_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Queue *q = user_data;

  g_assert_true (g_task_propagate_boolean (G_TASK (result), NULL));
  q->n_done++;
}

static gboolean
all_queued_done (gpointer data)
{
  return ((Queue *) data)->n_done == 4;
}

static void
test_worker_serial (void)
{
  FerryNode *node = ferry_node_new ("test:///default", NULL, NULL);
  Queue q = { 0, };

  g_mutex_init (&q.lock);
  q.order = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint i = 0; i < 4; i++)
    {
      g_autoptr(GTask) task = g_task_new (node, NULL, queued_done, &q);
      QueueStep *step = g_new0 (QueueStep, 1);

      step->queue = &q;
      step->index = i;
      g_task_set_task_data (task, step, g_free);
      _ferry_node_run_in_worker (node, task, queued_step);
    }
  g_assert_true (ferry_test_wait_until (all_queued_done, &q, 10000));

  g_assert_cmpint (q.max_inside, ==, 1);
  g_assert_cmpuint (q.order->len, ==, 4);
  for (guint i = 0; i < 4; i++)
    g_assert_cmpuint (g_array_index (q.order, guint, i), ==, i);

  ferry_test_finalize_node (node);
  g_array_unref (q.order);
  g_mutex_clear (&q.lock);
}

/* A node that stops answering ties up its own worker, nobody else's. */
static void
test_worker_per_node (void)
{
  FerryNode *hung = ferry_node_new ("test:///default", "hung", NULL);
  FerryNode *fine = ferry_node_new ("test:///default", "fine", NULL);
  StepWait on_hung = { 0, };
  StepWait on_fine = { 0, };
  g_autoptr(GTask) hung_task = g_task_new (hung, NULL, step_done, &on_hung);
  g_autoptr(GTask) fine_task = g_task_new (fine, NULL, step_done, &on_fine);
  FerryTestHold *hold;

  ferry_node_connect (hung);
  g_assert_true (ferry_test_wait_node_state (hung, FERRY_NODE_STATE_CONNECTED, 10000));
  hold = ferry_test_hold_worker (hung);

  g_task_set_task_data (hung_task, &on_hung, NULL);
  g_task_set_task_data (fine_task, &on_fine, NULL);
  _ferry_node_run_in_worker (hung, hung_task, record_step);
  _ferry_node_run_in_worker (fine, fine_task, record_step);
  g_assert_true (ferry_test_wait_until (step_finished, &on_fine, 10000));
  /* The step queued behind the hung one has not run. */
  g_assert_false (on_hung.done);
  g_assert_null (on_hung.step_thread);

  ferry_test_hold_end (hold);
  g_assert_true (ferry_test_wait_until (step_finished, &on_hung, 10000));
  g_assert_true (on_hung.step_thread != on_fine.step_thread);

  ferry_node_disconnect (hung);
  g_clear_object (&hung_task);
  g_clear_object (&fine_task);
  ferry_test_finalize_node (hung);
  ferry_test_finalize_node (fine);
}

static void
hostname_step (GTask         *task,
               FerryNode     *node,
               virConnectPtr  conn,
               gpointer       task_data,
               GCancellable  *cancellable)
{
  StepWait *w = task_data;
  char *hostname;

  g_atomic_int_inc (&w->n_calls);
  w->step_thread = g_thread_self ();
  hostname = virConnectGetHostname (conn);
  w->hostname = g_strdup (hostname);
  free (hostname);
  g_task_return_boolean (task, w->hostname != NULL);
}

static void
run_with_connection (FerryNode *node,
                     StepWait  *w)
{
  g_autoptr(GTask) task = g_task_new (node, NULL, step_done, w);

  w->done = FALSE;
  g_task_set_task_data (task, w, NULL);
  _ferry_node_run_with_connection (node, task, hostname_step);
  g_assert_true (ferry_test_wait_until (step_finished, w, 10000));
}

static void
test_run_with_connection (void)
{
  FerryNode *node = ferry_node_new ("test:///default", NULL, NULL);
  g_autofree char *message = g_strdup_printf ("%s is not connected", ferry_node_get_uri (node));
  StepWait w = { 0, };

  /* Not connected yet: the node's error, and the step is never called. */
  run_with_connection (node, &w);
  g_assert_error (w.error, FERRY_LIBVIRT_ERROR, FERRY_LIBVIRT_ERROR_NOT_CONNECTED);
  g_assert_cmpstr (w.error->message, ==, message);
  g_assert_cmpint (g_atomic_int_get (&w.n_calls), ==, 0);
  g_clear_error (&w.error);

  /* Connected: the step gets the live connection, on a worker. */
  ferry_node_connect (node);
  g_assert_true (ferry_test_wait_node_state (node, FERRY_NODE_STATE_CONNECTED, 10000));
  run_with_connection (node, &w);
  g_assert_no_error (w.error);
  g_assert_true (w.value);
  g_assert_cmpint (g_atomic_int_get (&w.n_calls), ==, 1);
  g_assert_true (w.step_thread != g_thread_self ());
  g_assert_cmpstr (w.hostname, ==, ferry_node_get_hostname (node));

  /* Disconnected again: the same error as before. */
  ferry_node_disconnect (node);
  run_with_connection (node, &w);
  g_assert_error (w.error, FERRY_LIBVIRT_ERROR, FERRY_LIBVIRT_ERROR_NOT_CONNECTED);
  g_assert_cmpstr (w.error->message, ==, message);
  g_assert_cmpint (g_atomic_int_get (&w.n_calls), ==, 1);
  g_clear_error (&w.error);

  g_free (w.hostname);
  ferry_test_finalize_node (node);
}

/* The last reference going while connected: finalize closes the
 * connection on a thread of its own (LeakSanitizer checks it is closed). */
static void
test_finalize_connected (void)
{
  FerryNode *node = ferry_node_new ("test:///default", NULL, NULL);

  ferry_node_connect (node);
  g_assert_true (ferry_test_wait_node_state (node, FERRY_NODE_STATE_CONNECTED, 10000));
  ferry_test_finalize_node (node);
}

static void
test_no_libvirt_on_main_thread (void)
{
  g_assert_cmpuint (ferry_core_get_libvirt_calls_on_main_thread (), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  ferry_core_init ();
  tmpdir = g_dir_make_tmp ("ferry-node-XXXXXX", NULL);

  g_test_add_func ("/node/new", test_new);
  g_test_add_func ("/node/connect", test_connect);
  g_test_add_func ("/node/disconnect-while-connecting", test_disconnect_while_connecting);
  g_test_add_func ("/node/reconnect-while-abandoned", test_reconnect_while_abandoned);
  g_test_add_func ("/node/unreachable-then-retried", test_unreachable_then_retried);
  g_test_add_func ("/node/unreachable-stops-retrying", test_unreachable_stops_retrying);
  g_test_add_func ("/node/worker-thread", test_worker_thread);
  g_test_add_func ("/node/worker-serial", test_worker_serial);
  g_test_add_func ("/node/worker-per-node", test_worker_per_node);
  g_test_add_func ("/node/run-with-connection", test_run_with_connection);
  g_test_add_func ("/node/finalize-connected", test_finalize_connected);
  g_test_add_func ("/node/no-libvirt-on-main-thread", test_no_libvirt_on_main_thread);

  ret = g_test_run ();
  ferry_test_remove_tree (tmpdir);
  g_free (tmpdir);
  return ret;
}
