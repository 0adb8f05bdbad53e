/* test-task-log.c — the task log (FerryTaskLog): newest first, what still
 * runs, and that it keeps every task (FerryTask itself: test-task.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ferry-task-log.h"

typedef struct
{
  guint position;
  guint removed;
  guint added;
  guint n_signals;
} ItemsChanged;

static void
on_items_changed (GListModel   *model,
                  guint         position,
                  guint         removed,
                  guint         added,
                  ItemsChanged *c)
{
  c->position = position;
  c->removed = removed;
  c->added = added;
  c->n_signals++;
}

static void
on_n_running (FerryTaskLog *log,
              GParamSpec   *pspec,
              guint        *count)
{
  (*count)++;
}

static FerryTask *
item (FerryTaskLog *log,
      guint         position)
{
  FerryTask *task = g_list_model_get_item (G_LIST_MODEL (log), position);

  /* The log keeps its own reference: borrowed is enough here. */
  if (task != NULL)
    g_object_unref (task);
  return task;
}

static void
test_log_newest_first (void)
{
  FerryTaskLog *log = ferry_task_log_new ();
  ItemsChanged changed = { 0, };
  FerryTask *first;
  FerryTask *second;
  FerryTask *third;

  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (log)) == FERRY_TYPE_TASK);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, 0);
  g_signal_connect (log, "items-changed", G_CALLBACK (on_items_changed), &changed);

  /* Each new task goes in at the top. */
  first = ferry_task_log_start (log, "Connect", "node1");
  g_assert_cmpuint (changed.n_signals, ==, 1);
  g_assert_cmpuint (changed.position, ==, 0);
  g_assert_cmpuint (changed.removed, ==, 0);
  g_assert_cmpuint (changed.added, ==, 1);
  second = ferry_task_log_start (log, "Start", "web");
  third = ferry_task_log_start (log, "Migrate", "db");
  g_assert_cmpuint (changed.n_signals, ==, 3);
  g_assert_cmpuint (changed.position, ==, 0);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, 3);
  g_assert_true (item (log, 0) == third);
  g_assert_true (item (log, 1) == second);
  g_assert_true (item (log, 2) == first);
  g_assert_null (item (log, 3));
  g_assert_cmpstr (ferry_task_get_title (third), ==, "Migrate");
  g_assert_cmpstr (ferry_task_get_target (third), ==, "db");
  g_assert_cmpint (ferry_task_get_state (third), ==, FERRY_TASK_RUNNING);

  /* Finishing one moves nothing: the log is in order of start. */
  ferry_task_succeed (second, NULL);
  g_assert_cmpuint (changed.n_signals, ==, 3);
  g_assert_true (item (log, 1) == second);

  g_signal_handlers_disconnect_by_data (log, &changed);
  g_assert_finalize_object (log);
}

static void
test_n_running (void)
{
  FerryTaskLog *log = ferry_task_log_new ();
  g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "no route to host");
  g_autoptr(GError) cancelled = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "x");
  guint n_notifies = 0;
  FerryTask *connect;
  FerryTask *start;
  FerryTask *migrate;
  guint n = 0;

  g_signal_connect (log, "notify::n-running", G_CALLBACK (on_n_running), &n_notifies);
  g_assert_cmpuint (ferry_task_log_get_n_running (log), ==, 0);

  connect = ferry_task_log_start (log, "Connect", "node1");
  start = ferry_task_log_start (log, "Start", "web");
  migrate = ferry_task_log_start (log, "Migrate", "db");
  g_assert_cmpuint (ferry_task_log_get_n_running (log), ==, 3);
  g_assert_cmpuint (n_notifies, ==, 3);

  /* Progress is not an end. */
  ferry_task_set_progress (migrate, 0.5);
  g_assert_cmpuint (ferry_task_log_get_n_running (log), ==, 3);

  /* Every way of ending counts: done, failed, cancelled. */
  ferry_task_succeed (start, NULL);
  g_assert_cmpuint (ferry_task_log_get_n_running (log), ==, 2);
  ferry_task_fail (connect, error);
  g_assert_cmpuint (ferry_task_log_get_n_running (log), ==, 1);
  ferry_task_fail (migrate, cancelled);
  g_assert_cmpuint (ferry_task_log_get_n_running (log), ==, 0);
  g_assert_cmpuint (n_notifies, ==, 6);

  /* A late report on a finished task changes no count. */
  ferry_task_fail (start, error);
  g_assert_cmpuint (ferry_task_log_get_n_running (log), ==, 0);
  g_assert_cmpuint (n_notifies, ==, 6);
  g_object_get (log, "n-running", &n, NULL);
  g_assert_cmpuint (n, ==, 0);

  /* Finished tasks stay listed, with their outcome. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, 3);
  g_assert_cmpint (ferry_task_get_state (item (log, 0)), ==, FERRY_TASK_CANCELLED);
  g_assert_cmpint (ferry_task_get_state (item (log, 1)), ==, FERRY_TASK_SUCCEEDED);
  g_assert_cmpint (ferry_task_get_state (item (log, 2)), ==, FERRY_TASK_FAILED);
  g_assert_cmpstr (ferry_task_get_message (item (log, 2)), ==, "no route to host");

  g_signal_handlers_disconnect_by_data (log, &n_notifies);
  g_assert_finalize_object (log);
}

/* The log owns its tasks: they live as long as it does, and a task held
 * elsewhere outlives the log without calling back into it. */
static void
test_owns_tasks (void)
{
  FerryTaskLog *log = ferry_task_log_new ();
  FerryTask *kept = g_object_ref (ferry_task_log_start (log, "Migrate", "db"));
  FerryTask *owned = ferry_task_log_start (log, "Start", "web");

  g_object_add_weak_pointer (G_OBJECT (owned), (gpointer *) &owned);
  g_assert_finalize_object (log);
  g_assert_null (owned);

  /* Its state handler went with the log. */
  ferry_task_succeed (kept, NULL);
  g_assert_cmpint (ferry_task_get_state (kept), ==, FERRY_TASK_SUCCEEDED);
  g_assert_finalize_object (kept);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/task-log/newest-first", test_log_newest_first);
  g_test_add_func ("/task-log/n-running", test_n_running);
  g_test_add_func ("/task-log/owns-tasks", test_owns_tasks);
  return g_test_run ();
}
