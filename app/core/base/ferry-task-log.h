/* ferry-task-log.h — every long operation of this session, newest first
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-task.h"

G_BEGIN_DECLS

#define FERRY_TYPE_TASK_LOG (ferry_task_log_get_type ())

G_DECLARE_FINAL_TYPE (FerryTaskLog, ferry_task_log, FERRY, TASK_LOG, GObject)

FerryTaskLog *ferry_task_log_new        (void);
/* Adds a running task and returns it (the log keeps a reference). */
FerryTask    *ferry_task_log_start      (FerryTaskLog *self,
                                         const char   *title,
                                         const char   *target);
guint         ferry_task_log_get_n_running (FerryTaskLog *self);

G_END_DECLS
