/* ferry-task.c — one long operation, as the task log shows it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include <glib/gi18n-lib.h>

#include "ferry-task.h"

struct _FerryTask
{
  GObject         parent_instance;

  char           *title;
  char           *target;
  GDateTime      *started;
  GDateTime      *finished;
  gint64          started_us;
  gint64          finished_us;
  FerryTaskState  state;
  char           *message;
  double          progress;
  GCancellable   *cancellable;
};

enum {
  PROP_0,
  PROP_TITLE,
  PROP_TARGET,
  PROP_STATE,
  PROP_MESSAGE,
  PROP_PROGRESS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (FerryTask, ferry_task, G_TYPE_OBJECT)

FerryTask *
ferry_task_new (const char *title,
                const char *target)
{
  FerryTask *self = g_object_new (FERRY_TYPE_TASK, NULL);

  self->title = g_strdup (title);
  self->target = g_strdup (target);
  return self;
}

const char *
ferry_task_get_title (FerryTask *self)
{
  g_return_val_if_fail (FERRY_IS_TASK (self), NULL);
  return self->title;
}

const char *
ferry_task_get_target (FerryTask *self)
{
  g_return_val_if_fail (FERRY_IS_TASK (self), NULL);
  return self->target;
}

GDateTime *
ferry_task_get_started (FerryTask *self)
{
  g_return_val_if_fail (FERRY_IS_TASK (self), NULL);
  return self->started;
}

GDateTime *
ferry_task_get_finished (FerryTask *self)
{
  g_return_val_if_fail (FERRY_IS_TASK (self), NULL);
  return self->finished;
}

FerryTaskState
ferry_task_get_state (FerryTask *self)
{
  g_return_val_if_fail (FERRY_IS_TASK (self), FERRY_TASK_FAILED);
  return self->state;
}

const char *
ferry_task_get_message (FerryTask *self)
{
  g_return_val_if_fail (FERRY_IS_TASK (self), NULL);
  return self->message;
}

double
ferry_task_get_progress (FerryTask *self)
{
  g_return_val_if_fail (FERRY_IS_TASK (self), -1);
  return self->progress;
}

GCancellable *
ferry_task_get_cancellable (FerryTask *self)
{
  g_return_val_if_fail (FERRY_IS_TASK (self), NULL);
  return self->cancellable;
}

double
ferry_task_get_duration (FerryTask *self)
{
  gint64 end;

  g_return_val_if_fail (FERRY_IS_TASK (self), 0);
  end = self->state == FERRY_TASK_RUNNING ? g_get_monotonic_time () : self->finished_us;
  return (end - self->started_us) / (double) G_USEC_PER_SEC;
}

static void
store_progress (FerryTask *self,
                double     progress)
{
  /* NaN (a rate over nothing) is "not known", like a negative value. */
  progress = isnan (progress) || progress < 0 ? -1 : CLAMP (progress, 0.0, 1.0);
  if (progress != self->progress)
    {
      self->progress = progress;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
    }
}

static void
store_message (FerryTask  *self,
               const char *message)
{
  if (g_strcmp0 (message, self->message) != 0)
    {
      g_free (self->message);
      self->message = g_strdup (message);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE]);
    }
}

/* A finished task keeps what it ended with: a late update from a thread
 * must not make a "Done" task show 30 %. */
void
ferry_task_set_progress (FerryTask *self,
                         double     progress)
{
  g_return_if_fail (FERRY_IS_TASK (self));

  if (self->state == FERRY_TASK_RUNNING)
    store_progress (self, progress);
}

void
ferry_task_set_message (FerryTask  *self,
                        const char *message)
{
  g_return_if_fail (FERRY_IS_TASK (self));

  if (self->state == FERRY_TASK_RUNNING)
    store_message (self, message);
}

static void
finish (FerryTask      *self,
        FerryTaskState  state,
        const char     *message)
{
  if (self->state != FERRY_TASK_RUNNING)
    return;

  g_object_freeze_notify (G_OBJECT (self));
  self->finished = g_date_time_new_now_local ();
  self->finished_us = g_get_monotonic_time ();
  self->state = state;
  if (state == FERRY_TASK_SUCCEEDED)
    store_progress (self, 1.0);
  store_message (self, message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  g_object_thaw_notify (G_OBJECT (self));
}

void
ferry_task_succeed (FerryTask  *self,
                    const char *message)
{
  g_return_if_fail (FERRY_IS_TASK (self));
  finish (self, FERRY_TASK_SUCCEEDED, message);
}

void
ferry_task_fail (FerryTask    *self,
                 const GError *error)
{
  g_return_if_fail (FERRY_IS_TASK (self));
  g_return_if_fail (error != NULL);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    finish (self, FERRY_TASK_CANCELLED, _("Cancelled"));
  else
    finish (self, FERRY_TASK_FAILED, error->message);
}

const char *
ferry_task_state_to_string (FerryTaskState state)
{
  switch (state)
    {
    case FERRY_TASK_RUNNING:   return _("Running");
    case FERRY_TASK_SUCCEEDED: return _("Done");
    case FERRY_TASK_FAILED:    return _("Failed");
    case FERRY_TASK_CANCELLED: return _("Cancelled");
    default:                   return _("Unknown");
    }
}

static void
ferry_task_finalize (GObject *object)
{
  FerryTask *self = FERRY_TASK (object);

  g_free (self->title);
  g_free (self->target);
  g_free (self->message);
  g_clear_pointer (&self->started, g_date_time_unref);
  g_clear_pointer (&self->finished, g_date_time_unref);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (ferry_task_parent_class)->finalize (object);
}

static void
ferry_task_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  FerryTask *self = FERRY_TASK (object);

  switch (prop_id)
    {
    case PROP_TITLE:    g_value_set_string (value, self->title); break;
    case PROP_TARGET:   g_value_set_string (value, self->target); break;
    case PROP_STATE:    g_value_set_int (value, self->state); break;
    case PROP_MESSAGE:  g_value_set_string (value, self->message); break;
    case PROP_PROGRESS: g_value_set_double (value, self->progress); break;
    default:            G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_task_class_init (FerryTaskClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = ferry_task_finalize;
  object_class->get_property = ferry_task_get_property;

  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, ro);
  properties[PROP_TARGET] = g_param_spec_string ("target", NULL, NULL, NULL, ro);
  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL, FERRY_TASK_RUNNING, FERRY_TASK_CANCELLED,
                      FERRY_TASK_RUNNING, ro);
  properties[PROP_MESSAGE] = g_param_spec_string ("message", NULL, NULL, NULL, ro);
  properties[PROP_PROGRESS] = g_param_spec_double ("progress", NULL, NULL, -1, 1, -1, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ferry_task_init (FerryTask *self)
{
  self->started = g_date_time_new_now_local ();
  self->started_us = g_get_monotonic_time ();
  self->progress = -1;
  self->cancellable = g_cancellable_new ();
}
