/* ferry-task-row.h — one task in the task list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ferry-core-all.h"

G_BEGIN_DECLS

#define FERRY_TYPE_TASK_ROW (ferry_task_row_get_type ())

G_DECLARE_FINAL_TYPE (FerryTaskRow, ferry_task_row, FERRY, TASK_ROW, GtkWidget)

GtkWidget *ferry_task_row_new      (void);
void       ferry_task_row_set_task (FerryTaskRow *self,
                                    FerryTask    *task);

G_END_DECLS
