/* test-task-log.c — tasks and the task log
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ferry-task-log.h"

static void
test_log_newest_first (void)
{
  g_autoptr(FerryTaskLog) log = ferry_task_log_new ();
  FerryTask *first = ferry_task_log_start (log, "Connect", "node1");
  FerryTask *second = ferry_task_log_start (log, "Start", "web");
  g_autoptr(FerryTask) top = NULL;
  g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "no route to host");
  g_autoptr(GError) cancelled = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "x");

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, 2);
  top = g_list_model_get_item (G_LIST_MODEL (log), 0);
  g_assert_true (top == second);
  g_assert_cmpuint (ferry_task_log_get_n_running (log), ==, 2);
  g_assert_cmpfloat (ferry_task_get_progress (first), ==, -1);

  ferry_task_set_progress (second, 0.5);
  g_assert_cmpfloat (ferry_task_get_progress (second), ==, 0.5);
  ferry_task_succeed (second, NULL);
  g_assert_cmpint (ferry_task_get_state (second), ==, FERRY_TASK_SUCCEEDED);
  g_assert_cmpfloat (ferry_task_get_progress (second), ==, 1.0);
  g_assert_nonnull (ferry_task_get_finished (second));
  g_assert_cmpuint (ferry_task_log_get_n_running (log), ==, 1);

  ferry_task_fail (first, error);
  g_assert_cmpint (ferry_task_get_state (first), ==, FERRY_TASK_FAILED);
  g_assert_cmpstr (ferry_task_get_message (first), ==, "no route to host");
  g_assert_cmpuint (ferry_task_log_get_n_running (log), ==, 0);

  /* A finished task stays finished. */
  ferry_task_fail (second, cancelled);
  g_assert_cmpint (ferry_task_get_state (second), ==, FERRY_TASK_SUCCEEDED);
  g_assert_cmpfloat (ferry_task_get_duration (second), >=, 0);
}

static void
test_cancelled (void)
{
  g_autoptr(FerryTaskLog) log = ferry_task_log_new ();
  FerryTask *task = ferry_task_log_start (log, "Migrate", "db");
  g_autoptr(GError) cancelled = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "x");

  ferry_task_fail (task, cancelled);
  g_assert_cmpint (ferry_task_get_state (task), ==, FERRY_TASK_CANCELLED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/task-log/newest-first", test_log_newest_first);
  g_test_add_func ("/task-log/cancelled", test_cancelled);
  return g_test_run ();
}
