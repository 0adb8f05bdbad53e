/* ferry-console-window.h — a console in a window of its own
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ferry-console-page.h"

G_BEGIN_DECLS

#define FERRY_TYPE_CONSOLE_WINDOW (ferry_console_window_get_type ())

G_DECLARE_FINAL_TYPE (FerryConsoleWindow, ferry_console_window, FERRY, CONSOLE_WINDOW, AdwApplicationWindow)

/* @page: a console page to show (taken over; e.g. detached from a tab) */
FerryConsoleWindow *ferry_console_window_new      (GtkApplication   *application,
                                                   FerryConsolePage *page);
FerryConsolePage   *ferry_console_window_get_page (FerryConsoleWindow *self);
/* A window that waits for a VM (standalone viewer): shows @message until
 * ferry_console_window_set_page() gives it a console. */
FerryConsoleWindow *ferry_console_window_new_waiting (GtkApplication *application,
                                                      const char     *message);
void                ferry_console_window_set_page (FerryConsoleWindow *self,
                                                   FerryConsolePage   *page);
void                ferry_console_window_set_message (FerryConsoleWindow *self,
                                                      const char         *message);

G_END_DECLS
