/* ferry-console-page.h — a VM's console: display, toolbar, reconnection
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ferry-core-all.h"
#include "ferry-vnc-display.h"

G_BEGIN_DECLS

#define FERRY_TYPE_CONSOLE_PAGE (ferry_console_page_get_type ())

G_DECLARE_FINAL_TYPE (FerryConsolePage, ferry_console_page, FERRY, CONSOLE_PAGE, GtkWidget)

GtkWidget       *ferry_console_page_new             (FerryVm          *vm);
FerryVm         *ferry_console_page_get_vm          (FerryConsolePage *self);
FerryVncDisplay *ferry_console_page_get_display     (FerryConsolePage *self);
const char      *ferry_console_page_get_status      (FerryConsolePage *self);
void             ferry_console_page_close           (FerryConsolePage *self);
/* Saves what the console shows as a PNG in @directory (NULL: Pictures);
 * returns the file's path. */
char            *ferry_console_page_save_screenshot (FerryConsolePage  *self,
                                                     const char        *directory,
                                                     GError           **error);

G_END_DECLS
