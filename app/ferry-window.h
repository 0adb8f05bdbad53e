/* ferry-window.h — the main window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include <adwaita.h>

#include "ferry-core-all.h"

G_BEGIN_DECLS

typedef struct _FerryConsolePage FerryConsolePage;
typedef struct _FerryConsoleWindow FerryConsoleWindow;

#define FERRY_TYPE_WINDOW (ferry_window_get_type ())

G_DECLARE_FINAL_TYPE (FerryWindow, ferry_window, FERRY, WINDOW, AdwApplicationWindow)

/* @session: what the window shows (it outlives its windows); @settings:
 * NULL when the schema is not installed. */
FerryWindow *ferry_window_new           (GtkApplication   *application,
                                         FerrySession     *session,
                                         GSettings        *settings);
void         ferry_window_show_message  (FerryWindow      *self,
                                         const char       *message);
/* For tests: what the sidebar and the VM list show right now. */
GListModel  *ferry_window_get_sidebar_model (FerryWindow  *self);
GListModel  *ferry_window_get_vm_model      (FerryWindow  *self);
void         ferry_window_select_sidebar    (FerryWindow  *self,
                                             guint         position);
void         ferry_window_set_search_text   (FerryWindow  *self,
                                             const char   *text);
/* 0 any, 1 running, 2 paused, 3 shut off, 4 other (the drop-down's order) */
void         ferry_window_set_state_filter  (FerryWindow  *self,
                                             guint         mode);
GListModel  *ferry_window_get_selection     (FerryWindow  *self);
FerryConsolePage   *ferry_window_open_console   (FerryWindow *self,
                                                 FerryVm     *vm);
FerryConsoleWindow *ferry_window_detach_console (FerryWindow *self);
void         ferry_window_set_graphs_expanded (FerryWindow *self,
                                               gboolean     expanded);
/* Runs @op on @vm as a task, ending in a toast. */
void         ferry_window_run_vm_op         (FerryWindow  *self,
                                             FerryVm      *vm,
                                             FerryVmOp     op);

/* The status line shown while VMs are dragged (NULL when hidden). */
const char  *ferry_window_get_drop_status   (FerryWindow  *self);

G_END_DECLS
