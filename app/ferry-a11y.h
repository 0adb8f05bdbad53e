/* ferry-a11y.h — accessible names GTK 4.8 does not give by itself
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Fixes the names of @widget and everything under it (see the .c). */
void ferry_a11y_fix_names         (GtkWidget *widget);
/* Does it for every window of the process when it is shown. */
void ferry_a11y_watch_windows     (void);
/* Names the list row (GtkListView item or GtkColumnView row) that holds
 * @child after @label, which is read for the name whenever asked. */
void ferry_a11y_name_row_by       (GtkWidget *child,
                                   GtkWidget *label);
/* Tab and Shift+Tab leave @list (a GtkListView or GtkColumnView) instead of
 * stepping through its rows; arrows still move among them. */
void ferry_a11y_tab_leaves_list   (GtkWidget *list);
/* Without @text's mnemonic underscores ("_Start" → "Start", "__" → "_"). */
char *ferry_a11y_strip_mnemonic   (const char *text);

G_END_DECLS
