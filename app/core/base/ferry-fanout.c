/* ferry-fanout.c — one step on several nodes at once, an answer per node
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "ferry-fanout.h"
#include "ferry-node-private.h"

/* Shared by the outer task and every step: the steps may outlive the
 * outer task (a timeout), so the caller's data is freed with the last. */
typedef struct
{
  gatomicrefcount  ref;
  FerryFanoutFunc  func;
  gpointer         user_data;
  GDestroyNotify   user_data_free;
  GDestroyNotify   value_free;
} Shared;

typedef struct
{
  Shared    *shared;
  GPtrArray *results;    /* FerryFanoutResult */
  guint      pending;
  guint      timeout_id;
  gulong     cancelled_id;
  gboolean   finished;
} Fanout;

typedef struct
{
  Shared *shared;
  guint   index;
} StepData;

static Shared *
shared_ref (Shared *shared)
{
  g_atomic_ref_count_inc (&shared->ref);
  return shared;
}

static void
shared_unref (Shared *shared)
{
  if (!g_atomic_ref_count_dec (&shared->ref))
    return;
  if (shared->user_data_free != NULL)
    shared->user_data_free (shared->user_data);
  g_free (shared);
}

static void
step_data_free (StepData *data)
{
  shared_unref (data->shared);
  g_free (data);
}

static void
result_free (FerryFanoutResult *result)
{
  if (result->value != NULL && result->value_free != NULL)
    result->value_free (result->value);
  g_clear_error (&result->error);
  g_clear_object (&result->node);
  g_free (result);
}

static void
fanout_free (Fanout *fanout)
{
  g_clear_handle_id (&fanout->timeout_id, g_source_remove);
  g_clear_pointer (&fanout->results, g_ptr_array_unref);
  shared_unref (fanout->shared);
  g_free (fanout);
}

static void
finish (GTask *task)
{
  Fanout *fanout = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  GPtrArray *results;

  if (fanout->finished)
    return;
  fanout->finished = TRUE;
  g_clear_handle_id (&fanout->timeout_id, g_source_remove);
  if (fanout->cancelled_id != 0)
    g_cancellable_disconnect (cancellable, fanout->cancelled_id);
  fanout->cancelled_id = 0;

  if (g_task_return_error_if_cancelled (task))
    return;
  results = g_steal_pointer (&fanout->results);
  g_task_return_pointer (task, results, (GDestroyNotify) g_ptr_array_unref);
}

static void
step_done (GObject      *object,
           GAsyncResult *res,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Fanout *fanout = g_task_get_task_data (task);
  GTask *step = G_TASK (res);
  StepData *data = g_task_get_task_data (step);
  GError *error = NULL;
  gpointer value = g_task_propagate_pointer (step, &error);

  if (fanout->finished)
    {
      /* Too late (timed out or cancelled): nobody will read it. */
      if (value != NULL && fanout->shared->value_free != NULL)
        fanout->shared->value_free (value);
      g_clear_error (&error);
      return;
    }
  {
    FerryFanoutResult *result = g_ptr_array_index (fanout->results, data->index);

    result->value = value;
    result->error = error;
  }
  if (--fanout->pending == 0)
    finish (task);
}

static void
step_thread (GTask         *step,
             FerryNode     *node,
             virConnectPtr  conn,
             gpointer       task_data,
             GCancellable  *cancellable)
{
  StepData *data = task_data;
  GError *error = NULL;
  gpointer value;

  if (g_task_return_error_if_cancelled (step))
    return;
  value = data->shared->func (node, conn, data->index, data->shared->user_data, cancellable, &error);
  if (error != NULL)
    {
      if (value != NULL && data->shared->value_free != NULL)
        data->shared->value_free (value);
      g_task_return_error (step, error);
    }
  else
    g_task_return_pointer (step, value, data->shared->value_free);
}

static gboolean
timeout_cb (gpointer user_data)
{
  GTask *task = user_data;
  Fanout *fanout = g_task_get_task_data (task);

  fanout->timeout_id = 0;
  for (guint i = 0; i < fanout->results->len; i++)
    {
      FerryFanoutResult *result = g_ptr_array_index (fanout->results, i);

      if (result->value == NULL && result->error == NULL)
        result->error = g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                                     _("%s did not answer in time"), ferry_node_get_name (result->node));
    }
  finish (task);
  return G_SOURCE_REMOVE;
}

static gboolean
cancelled_idle (gpointer user_data)
{
  finish (user_data);
  return G_SOURCE_REMOVE;
}

static void
cancelled_cb (GCancellable *cancellable,
              GTask        *task)
{
  g_autoptr(GSource) idle = g_idle_source_new ();

  /* Any thread, inside the "cancelled" emission: finish later on the
   * task's context, never here (finish disconnects this handler, and a
   * disconnect inside the emission deadlocks). */
  g_source_set_callback (idle, cancelled_idle, g_object_ref (task), g_object_unref);
  g_source_attach (idle, g_task_get_context (task));
}

void
ferry_fanout_run_async (GPtrArray           *nodes,
                        guint                timeout_seconds,
                        FerryFanoutFunc      func,
                        gpointer             user_data,
                        GDestroyNotify       user_data_free,
                        GDestroyNotify       value_free,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             callback_data)
{
  g_autoptr(GTask) task = NULL;
  Fanout *fanout;
  Shared *shared;

  g_return_if_fail (nodes != NULL);
  g_return_if_fail (func != NULL);

  shared = g_new0 (Shared, 1);
  g_atomic_ref_count_init (&shared->ref);
  shared->func = func;
  shared->user_data = user_data;
  shared->user_data_free = user_data_free;
  shared->value_free = value_free;

  fanout = g_new0 (Fanout, 1);
  fanout->shared = shared;
  fanout->results = g_ptr_array_new_full (nodes->len, (GDestroyNotify) result_free);
  fanout->pending = nodes->len;

  task = g_task_new (NULL, cancellable, callback, callback_data);
  g_task_set_source_tag (task, ferry_fanout_run_async);
  g_task_set_task_data (task, fanout, (GDestroyNotify) fanout_free);

  for (guint i = 0; i < nodes->len; i++)
    {
      FerryFanoutResult *result = g_new0 (FerryFanoutResult, 1);

      result->node = g_object_ref (g_ptr_array_index (nodes, i));
      result->value_free = value_free;
      g_ptr_array_add (fanout->results, result);
    }

  if (nodes->len == 0)
    {
      finish (task);
      return;
    }
  if (timeout_seconds > 0)
    fanout->timeout_id = g_timeout_add_seconds (timeout_seconds, timeout_cb, task);
  if (cancellable != NULL)
    fanout->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (cancelled_cb), task, NULL);

  for (guint i = 0; i < nodes->len; i++)
    {
      FerryNode *node = g_ptr_array_index (nodes, i);
      g_autoptr(GTask) step = g_task_new (node, cancellable, step_done, g_object_ref (task));
      StepData *data = g_new0 (StepData, 1);

      data->shared = shared_ref (shared);
      data->index = i;
      g_task_set_task_data (step, data, (GDestroyNotify) step_data_free);
      _ferry_node_run_with_connection (node, step, step_thread);
    }
}

GPtrArray *
ferry_fanout_run_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ferry_fanout_run_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
