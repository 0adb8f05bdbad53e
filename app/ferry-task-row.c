/* ferry-task-row.c — one task in the task list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "ferry-task-row.h"

struct _FerryTaskRow
{
  GtkWidget       parent_instance;

  FerryTask      *task;
  guint           tick_id;

  GtkStack       *status;
  GtkSpinner     *spinner;
  GtkImage       *icon;
  GtkLabel       *title;
  GtkLabel       *subtitle;
  GtkProgressBar *progress;
};

G_DEFINE_FINAL_TYPE (FerryTaskRow, ferry_task_row, GTK_TYPE_WIDGET)

static void
update (FerryTaskRow *self)
{
  FerryTask *task = self->task;
  FerryTaskState state;
  g_autofree char *title = NULL;
  g_autofree char *when = NULL;
  g_autofree char *subtitle = NULL;
  const char *message;
  double progress;

  if (task == NULL)
    return;

  state = ferry_task_get_state (task);
  message = ferry_task_get_message (task);
  progress = ferry_task_get_progress (task);

  /* Translators: a task and what it acts on, e.g. "Start — web-01" */
  title = g_strdup_printf (_("%s — %s"), ferry_task_get_title (task), ferry_task_get_target (task));
  gtk_label_set_text (self->title, title);

  when = g_date_time_format (ferry_task_get_started (task), "%X");
  if (state == FERRY_TASK_RUNNING)
    subtitle = g_strdup_printf (_("%s · running for %.0f s%s%s"), when, ferry_task_get_duration (task),
                                message ? " · " : "", message ? message : "");
  else
    subtitle = g_strdup_printf (_("%s · %s after %.1f s%s%s"), when, ferry_task_state_to_string (state),
                                ferry_task_get_duration (task), message ? " · " : "", message ? message : "");
  gtk_label_set_text (self->subtitle, subtitle);

  gtk_widget_set_visible (GTK_WIDGET (self->progress), state == FERRY_TASK_RUNNING && progress >= 0);
  if (progress >= 0)
    gtk_progress_bar_set_fraction (self->progress, progress);

  if (state == FERRY_TASK_RUNNING)
    {
      gtk_stack_set_visible_child_name (self->status, "running");
      gtk_spinner_start (self->spinner);
    }
  else
    {
      gtk_spinner_stop (self->spinner);
      gtk_stack_set_visible_child_name (self->status, "done");
      gtk_widget_remove_css_class (GTK_WIDGET (self->icon), "success");
      gtk_widget_remove_css_class (GTK_WIDGET (self->icon), "error");
      switch (state)
        {
        case FERRY_TASK_SUCCEEDED:
          gtk_image_set_from_icon_name (self->icon, "emblem-ok-symbolic");
          gtk_widget_add_css_class (GTK_WIDGET (self->icon), "success");
          break;
        case FERRY_TASK_FAILED:
          gtk_image_set_from_icon_name (self->icon, "dialog-error-symbolic");
          gtk_widget_add_css_class (GTK_WIDGET (self->icon), "error");
          break;
        case FERRY_TASK_CANCELLED:
        case FERRY_TASK_RUNNING:
        default:
          gtk_image_set_from_icon_name (self->icon, "process-stop-symbolic");
          break;
        }
    }
}

/* Running tasks show their running time; refresh it once a second. */
static gboolean
tick_cb (gpointer data)
{
  FerryTaskRow *self = data;

  if (self->task == NULL || ferry_task_get_state (self->task) != FERRY_TASK_RUNNING)
    {
      self->tick_id = 0;
      return G_SOURCE_REMOVE;
    }
  update (self);
  return G_SOURCE_CONTINUE;
}

void
ferry_task_row_set_task (FerryTaskRow *self,
                         FerryTask    *task)
{
  g_return_if_fail (FERRY_IS_TASK_ROW (self));

  if (self->task != NULL)
    g_signal_handlers_disconnect_by_data (self->task, self);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_set_object (&self->task, task);
  if (task == NULL)
    return;

  g_signal_connect_swapped (task, "notify", G_CALLBACK (update), self);
  if (ferry_task_get_state (task) == FERRY_TASK_RUNNING)
    self->tick_id = g_timeout_add_seconds (1, tick_cb, self);
  update (self);
}

GtkWidget *
ferry_task_row_new (void)
{
  return g_object_new (FERRY_TYPE_TASK_ROW, NULL);
}

static void
ferry_task_row_dispose (GObject *object)
{
  FerryTaskRow *self = FERRY_TASK_ROW (object);

  ferry_task_row_set_task (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), FERRY_TYPE_TASK_ROW);

  G_OBJECT_CLASS (ferry_task_row_parent_class)->dispose (object);
}

static void
ferry_task_row_class_init (FerryTaskRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ferry_task_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/ferryvm/Ferry/ferry-task-row.ui");
  gtk_widget_class_bind_template_child (widget_class, FerryTaskRow, status);
  gtk_widget_class_bind_template_child (widget_class, FerryTaskRow, spinner);
  gtk_widget_class_bind_template_child (widget_class, FerryTaskRow, icon);
  gtk_widget_class_bind_template_child (widget_class, FerryTaskRow, title);
  gtk_widget_class_bind_template_child (widget_class, FerryTaskRow, subtitle);
  gtk_widget_class_bind_template_child (widget_class, FerryTaskRow, progress);
}

static void
ferry_task_row_init (FerryTaskRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
