/* test-task.c — one long operation as the task log shows it (FerryTask):
 * progress, the three ways to finish, and that finished stays finished
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "ferry-task.h"

/* How many times each property was notified. */
typedef struct
{
  guint state;
  guint message;
  guint progress;
  /* What the task showed when its state was notified. */
  double progress_at_state;
  char  *message_at_state;
} Notified;

static void
on_notify (FerryTask  *task,
           GParamSpec *pspec,
           Notified   *n)
{
  const char *name = g_param_spec_get_name (pspec);

  if (g_str_equal (name, "state"))
    {
      n->state++;
      n->progress_at_state = ferry_task_get_progress (task);
      g_free (n->message_at_state);
      n->message_at_state = g_strdup (ferry_task_get_message (task));
    }
  else if (g_str_equal (name, "message"))
    n->message++;
  else if (g_str_equal (name, "progress"))
    n->progress++;
}

static void
watch (FerryTask *task,
       Notified  *n)
{
  g_signal_connect (task, "notify", G_CALLBACK (on_notify), n);
}

static void
unwatch (FerryTask *task,
         Notified  *n)
{
  g_signal_handlers_disconnect_by_data (task, n);
  g_clear_pointer (&n->message_at_state, g_free);
}

/* ---------------------------------------------------------------------- */

static void
test_new (void)
{
  g_autoptr(GDateTime) before = g_date_time_new_now_local ();
  FerryTask *task = ferry_task_new ("Migrate", "web");
  FerryTask *other = ferry_task_new (NULL, NULL);
  g_autofree char *title = NULL;
  g_autofree char *target = NULL;
  int state = -1;
  double progress = 0;

  g_assert_cmpstr (ferry_task_get_title (task), ==, "Migrate");
  g_assert_cmpstr (ferry_task_get_target (task), ==, "web");
  g_assert_cmpint (ferry_task_get_state (task), ==, FERRY_TASK_RUNNING);
  g_assert_null (ferry_task_get_message (task));
  /* Nothing is known of its progress yet. */
  g_assert_cmpfloat (ferry_task_get_progress (task), ==, -1);
  g_assert_null (ferry_task_get_finished (task));
  g_assert_nonnull (ferry_task_get_started (task));
  g_assert_cmpint (g_date_time_compare (ferry_task_get_started (task), before), >=, 0);
  g_assert_cmpfloat (ferry_task_get_duration (task), >=, 0);

  /* Each task can be cancelled on its own. */
  g_assert_nonnull (ferry_task_get_cancellable (task));
  g_assert_false (g_cancellable_is_cancelled (ferry_task_get_cancellable (task)));
  g_assert_true (ferry_task_get_cancellable (task) != ferry_task_get_cancellable (other));
  g_assert_null (ferry_task_get_title (other));

  /* The same through GObject properties (what the task list binds to). */
  g_object_get (task, "title", &title, "target", &target, "state", &state,
                "progress", &progress, NULL);
  g_assert_cmpstr (title, ==, "Migrate");
  g_assert_cmpstr (target, ==, "web");
  g_assert_cmpint (state, ==, FERRY_TASK_RUNNING);
  g_assert_cmpfloat (progress, ==, -1);

  g_assert_finalize_object (task);
  g_assert_finalize_object (other);
}

static void
test_progress (void)
{
  FerryTask *task = ferry_task_new ("Migrate", "web");
  Notified n = { 0, };

  watch (task, &n);
  ferry_task_set_progress (task, 0.5);
  g_assert_cmpfloat (ferry_task_get_progress (task), ==, 0.5);
  g_assert_cmpuint (n.progress, ==, 1);
  /* The same value again is no change. */
  ferry_task_set_progress (task, 0.5);
  g_assert_cmpuint (n.progress, ==, 1);

  /* Past the end is done, not more than done. */
  ferry_task_set_progress (task, 1.7);
  g_assert_cmpfloat (ferry_task_get_progress (task), ==, 1.0);
  ferry_task_set_progress (task, 0);
  g_assert_cmpfloat (ferry_task_get_progress (task), ==, 0);
  /* Any negative value means "not known" (a pulsing bar), always -1. */
  ferry_task_set_progress (task, -0.25);
  g_assert_cmpfloat (ferry_task_get_progress (task), ==, -1);
  ferry_task_set_progress (task, -7);
  g_assert_cmpfloat (ferry_task_get_progress (task), ==, -1);
  g_assert_cmpuint (n.progress, ==, 4);
  /* So is NaN (bytes done over bytes unknown), never a value outside -1..1,
   * and NaN again is no change. */
  ferry_task_set_progress (task, 0.5);
  ferry_task_set_progress (task, NAN);
  g_assert_cmpfloat (ferry_task_get_progress (task), ==, -1);
  ferry_task_set_progress (task, NAN);
  g_assert_cmpuint (n.progress, ==, 6);

  /* Progress is no outcome: still running. */
  ferry_task_set_progress (task, 1.0);
  g_assert_cmpint (ferry_task_get_state (task), ==, FERRY_TASK_RUNNING);
  g_assert_null (ferry_task_get_finished (task));
  g_assert_cmpuint (n.state, ==, 0);

  /* A message on the way, notified on change only. */
  ferry_task_set_message (task, "Copying memory");
  ferry_task_set_message (task, "Copying memory");
  g_assert_cmpstr (ferry_task_get_message (task), ==, "Copying memory");
  g_assert_cmpuint (n.message, ==, 1);

  unwatch (task, &n);
  g_assert_finalize_object (task);
}

static void
test_succeed (void)
{
  FerryTask *task = ferry_task_new ("Migrate", "web");
  Notified n = { 0, };

  ferry_task_set_progress (task, 0.4);
  ferry_task_set_message (task, "Copying memory");
  watch (task, &n);
  ferry_task_succeed (task, "Now on node2");

  g_assert_cmpint (ferry_task_get_state (task), ==, FERRY_TASK_SUCCEEDED);
  g_assert_cmpfloat (ferry_task_get_progress (task), ==, 1.0);
  g_assert_cmpstr (ferry_task_get_message (task), ==, "Now on node2");
  g_assert_nonnull (ferry_task_get_finished (task));
  g_assert_cmpint (g_date_time_compare (ferry_task_get_finished (task),
                                        ferry_task_get_started (task)), >=, 0);
  /* One notification each; whoever reacts to the state sees the rest of
   * the outcome already (notifications are held until it is complete). */
  g_assert_cmpuint (n.state, ==, 1);
  g_assert_cmpuint (n.progress, ==, 1);
  g_assert_cmpuint (n.message, ==, 1);
  g_assert_cmpfloat (n.progress_at_state, ==, 1.0);
  g_assert_cmpstr (n.message_at_state, ==, "Now on node2");

  unwatch (task, &n);
  g_assert_finalize_object (task);
}

/* Succeeding without a word: the message of the way there goes. */
static void
test_succeed_without_message (void)
{
  FerryTask *task = ferry_task_new ("Start", "web");

  ferry_task_set_message (task, "Waiting for a free migration slot");
  ferry_task_succeed (task, NULL);
  g_assert_cmpint (ferry_task_get_state (task), ==, FERRY_TASK_SUCCEEDED);
  g_assert_null (ferry_task_get_message (task));
  g_assert_cmpstr (ferry_task_state_to_string (ferry_task_get_state (task)), ==, "Done");
  g_assert_finalize_object (task);
}

static void
test_fail (void)
{
  FerryTask *task = ferry_task_new ("Connect", "node1");
  g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "no route to host");
  Notified n = { 0, };

  ferry_task_set_progress (task, 0.4);
  watch (task, &n);
  ferry_task_fail (task, error);

  g_assert_cmpint (ferry_task_get_state (task), ==, FERRY_TASK_FAILED);
  /* The error is the message. */
  g_assert_cmpstr (ferry_task_get_message (task), ==, "no route to host");
  g_assert_nonnull (ferry_task_get_finished (task));
  /* Where it got to stays shown: it did not get further. */
  g_assert_cmpfloat (ferry_task_get_progress (task), ==, 0.4);
  g_assert_cmpuint (n.state, ==, 1);
  g_assert_cmpuint (n.progress, ==, 0);
  g_assert_cmpstr (n.message_at_state, ==, "no route to host");

  unwatch (task, &n);
  g_assert_finalize_object (task);
}

static void
test_cancelled (void)
{
  FerryTask *task = ferry_task_new ("Migrate", "db");
  g_autoptr(GError) cancelled = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                     "Operation was cancelled");

  /* Cancelling the task's cancellable only asks: the operation reports
   * how it ended. */
  g_cancellable_cancel (ferry_task_get_cancellable (task));
  g_assert_cmpint (ferry_task_get_state (task), ==, FERRY_TASK_RUNNING);

  ferry_task_fail (task, cancelled);
  g_assert_cmpint (ferry_task_get_state (task), ==, FERRY_TASK_CANCELLED);
  /* Not GIO's wording: the log's own. */
  g_assert_cmpstr (ferry_task_get_message (task), ==, "Cancelled");
  g_assert_nonnull (ferry_task_get_finished (task));
  g_assert_finalize_object (task);
}

/* Only GIO's "cancelled" is a cancellation: another domain's error with
 * the same code is a failure. */
static void
test_cancelled_is_gio_only (void)
{
  FerryTask *task = ferry_task_new ("Migrate", "db");
  g_autoptr(GError) other = g_error_new_literal (g_quark_from_static_string ("test-other-error"),
                                                 G_IO_ERROR_CANCELLED, "a refusal");

  ferry_task_fail (task, other);
  g_assert_cmpint (ferry_task_get_state (task), ==, FERRY_TASK_FAILED);
  g_assert_cmpstr (ferry_task_get_message (task), ==, "a refusal");
  g_assert_finalize_object (task);
}

/* A late report (the failure of a step that was already undone, a second
 * "done") does not rewrite the outcome. */
static void
test_stays_finished (void)
{
  FerryTask *done = ferry_task_new ("Start", "web");
  FerryTask *failed = ferry_task_new ("Start", "db");
  FerryTask *cancelled = ferry_task_new ("Migrate", "mail");
  g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "late failure");
  g_autoptr(GError) cancel = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "x");
  GDateTime *finished;
  Notified n = { 0, };

  ferry_task_succeed (done, "Started");
  finished = ferry_task_get_finished (done);
  watch (done, &n);
  ferry_task_fail (done, error);
  ferry_task_fail (done, cancel);
  ferry_task_succeed (done, "Started again");
  /* A late update from a thread changes nothing either. */
  ferry_task_set_progress (done, 0.3);
  ferry_task_set_message (done, "Copying…");
  g_assert_cmpfloat (ferry_task_get_progress (done), ==, 1.0);
  g_assert_cmpint (ferry_task_get_state (done), ==, FERRY_TASK_SUCCEEDED);
  g_assert_cmpstr (ferry_task_get_message (done), ==, "Started");
  g_assert_true (ferry_task_get_finished (done) == finished);
  g_assert_cmpuint (n.state, ==, 0);
  g_assert_cmpuint (n.message, ==, 0);
  unwatch (done, &n);

  ferry_task_fail (failed, error);
  ferry_task_succeed (failed, "Started");
  ferry_task_fail (failed, cancel);
  g_assert_cmpint (ferry_task_get_state (failed), ==, FERRY_TASK_FAILED);
  g_assert_cmpstr (ferry_task_get_message (failed), ==, "late failure");

  ferry_task_fail (cancelled, cancel);
  ferry_task_succeed (cancelled, "Moved");
  ferry_task_fail (cancelled, error);
  g_assert_cmpint (ferry_task_get_state (cancelled), ==, FERRY_TASK_CANCELLED);
  g_assert_cmpstr (ferry_task_get_message (cancelled), ==, "Cancelled");

  g_assert_finalize_object (done);
  g_assert_finalize_object (failed);
  g_assert_finalize_object (cancelled);
}

/* While running, the duration grows with the clock; once finished it is
 * fixed. */
/* Spins until the monotonic clock (microseconds) has moved past @t. */
static void
clock_moves_past (gint64 t)
{
  while (g_get_monotonic_time () <= t)
    ;
}

static void
test_duration (void)
{
  FerryTask *task = ferry_task_new ("Migrate", "web");
  double running;
  double later;
  double final;

  running = ferry_task_get_duration (task);
  g_assert_cmpfloat (running, >=, 0);
  clock_moves_past (g_get_monotonic_time ());
  later = ferry_task_get_duration (task);
  g_assert_cmpfloat (later, >, running);

  ferry_task_succeed (task, NULL);
  final = ferry_task_get_duration (task);
  g_assert_cmpfloat (final, >=, later);
  clock_moves_past (g_get_monotonic_time ());
  g_assert_cmpfloat (ferry_task_get_duration (task), ==, final);
  g_assert_finalize_object (task);
}

static void
test_state_strings (void)
{
  g_assert_cmpstr (ferry_task_state_to_string (FERRY_TASK_RUNNING), ==, "Running");
  g_assert_cmpstr (ferry_task_state_to_string (FERRY_TASK_SUCCEEDED), ==, "Done");
  g_assert_cmpstr (ferry_task_state_to_string (FERRY_TASK_FAILED), ==, "Failed");
  g_assert_cmpstr (ferry_task_state_to_string (FERRY_TASK_CANCELLED), ==, "Cancelled");
  g_assert_cmpstr (ferry_task_state_to_string ((FerryTaskState) 42), ==, "Unknown");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/task/new", test_new);
  g_test_add_func ("/task/progress", test_progress);
  g_test_add_func ("/task/succeed", test_succeed);
  g_test_add_func ("/task/succeed-without-message", test_succeed_without_message);
  g_test_add_func ("/task/fail", test_fail);
  g_test_add_func ("/task/cancelled", test_cancelled);
  g_test_add_func ("/task/cancelled-is-gio-only", test_cancelled_is_gio_only);
  g_test_add_func ("/task/stays-finished", test_stays_finished);
  g_test_add_func ("/task/duration", test_duration);
  g_test_add_func ("/task/state-strings", test_state_strings);
  return g_test_run ();
}
