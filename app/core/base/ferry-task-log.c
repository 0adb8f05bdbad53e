/* ferry-task-log.c — every long operation of this session, newest first
 *
 * A GListModel of FerryTask; it keeps every task until the app quits, as
 * administrators expect of a task log (XenCenter, vSphere).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ferry-task-log.h"

struct _FerryTaskLog
{
  GObject    parent_instance;

  GPtrArray *tasks;      /* oldest first; the model shows it reversed */
  guint      n_running;
};

enum {
  PROP_0,
  PROP_N_RUNNING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GType
ferry_task_log_get_item_type (GListModel *model)
{
  return FERRY_TYPE_TASK;
}

static guint
ferry_task_log_get_n_items (GListModel *model)
{
  return FERRY_TASK_LOG (model)->tasks->len;
}

static gpointer
ferry_task_log_get_item (GListModel *model,
                         guint       position)
{
  FerryTaskLog *self = FERRY_TASK_LOG (model);

  if (position >= self->tasks->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->tasks, self->tasks->len - 1 - position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = ferry_task_log_get_item_type;
  iface->get_n_items = ferry_task_log_get_n_items;
  iface->get_item = ferry_task_log_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (FerryTaskLog, ferry_task_log, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

FerryTaskLog *
ferry_task_log_new (void)
{
  return g_object_new (FERRY_TYPE_TASK_LOG, NULL);
}

static void
update_running (FerryTaskLog *self)
{
  guint running = 0;

  for (guint i = 0; i < self->tasks->len; i++)
    if (ferry_task_get_state (g_ptr_array_index (self->tasks, i)) == FERRY_TASK_RUNNING)
      running++;
  if (running != self->n_running)
    {
      self->n_running = running;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_RUNNING]);
    }
}

FerryTask *
ferry_task_log_start (FerryTaskLog *self,
                      const char   *title,
                      const char   *target)
{
  FerryTask *task;

  g_return_val_if_fail (FERRY_IS_TASK_LOG (self), NULL);

  task = ferry_task_new (title, target);
  g_ptr_array_add (self->tasks, task);
  g_signal_connect_object (task, "notify::state", G_CALLBACK (update_running), self, G_CONNECT_SWAPPED);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, 1);
  update_running (self);
  return task;
}

guint
ferry_task_log_get_n_running (FerryTaskLog *self)
{
  g_return_val_if_fail (FERRY_IS_TASK_LOG (self), 0);
  return self->n_running;
}

static void
ferry_task_log_finalize (GObject *object)
{
  FerryTaskLog *self = FERRY_TASK_LOG (object);

  g_clear_pointer (&self->tasks, g_ptr_array_unref);

  G_OBJECT_CLASS (ferry_task_log_parent_class)->finalize (object);
}

static void
ferry_task_log_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_N_RUNNING: g_value_set_uint (value, FERRY_TASK_LOG (object)->n_running); break;
    default:             G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_task_log_class_init (FerryTaskLogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ferry_task_log_finalize;
  object_class->get_property = ferry_task_log_get_property;

  properties[PROP_N_RUNNING] =
    g_param_spec_uint ("n-running", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ferry_task_log_init (FerryTaskLog *self)
{
  self->tasks = g_ptr_array_new_with_free_func (g_object_unref);
}
