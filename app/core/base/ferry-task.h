/* ferry-task.h — one long operation, as the task log shows it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  FERRY_TASK_RUNNING,
  FERRY_TASK_SUCCEEDED,
  FERRY_TASK_FAILED,
  FERRY_TASK_CANCELLED,
} FerryTaskState;

#define FERRY_TYPE_TASK (ferry_task_get_type ())

G_DECLARE_FINAL_TYPE (FerryTask, ferry_task, FERRY, TASK, GObject)

FerryTask      *ferry_task_new            (const char   *title,
                                           const char   *target);
const char     *ferry_task_get_title      (FerryTask    *self);
const char     *ferry_task_get_target     (FerryTask    *self);
GDateTime      *ferry_task_get_started    (FerryTask    *self);
GDateTime      *ferry_task_get_finished   (FerryTask    *self);
FerryTaskState  ferry_task_get_state      (FerryTask    *self);
const char     *ferry_task_get_message    (FerryTask    *self);
double          ferry_task_get_progress   (FerryTask    *self);
GCancellable   *ferry_task_get_cancellable (FerryTask   *self);
/* -1 while unknown, else 0..1 */
void            ferry_task_set_progress   (FerryTask    *self,
                                           double        progress);
void            ferry_task_set_message    (FerryTask    *self,
                                           const char   *message);
void            ferry_task_succeed        (FerryTask    *self,
                                           const char   *message);
/* Records @error: cancelled when it is G_IO_ERROR_CANCELLED. */
void            ferry_task_fail           (FerryTask    *self,
                                           const GError *error);
double          ferry_task_get_duration   (FerryTask    *self);
const char     *ferry_task_state_to_string (FerryTaskState state);

G_END_DECLS
