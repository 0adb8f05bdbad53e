/* ferry-ui-test-util.h — running the real application in tests and benches
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ferry-application.h"
#include "ferry-window.h"

G_BEGIN_DECLS

typedef void (*FerryUiTestFunc) (FerryApplication *app,
                                 FerryWindow      *window);

/* Runs FerryApplication with @args (as typed after "ferry"), calls @func
 * once its window is up, then quits. Asserts a clean exit and that no
 * libvirt call ran on the main thread. */
void     ferry_ui_test_run_app        (const char * const *args,
                                       FerryUiTestFunc     func);
/* Lets the main loop run for @ms (redraws, events, worker results). */
void     ferry_ui_test_settle         (guint               ms);
/* Renders @widget as it is on screen to $FERRY_BUILD_DIR/tests/output/@name. */
void     ferry_ui_test_screenshot     (GtkWidget          *widget,
                                       const char         *name);
gboolean ferry_ui_test_all_connected  (gpointer            inventory);
/* "--connect URI" pairs for the local cluster's nodes, or NULL when it is
 * not up. */
GStrv    ferry_ui_test_cluster_args   (void);

/* The drawable button labelled @label (mnemonic included) under @root. */
GtkWidget *ferry_ui_test_find_button  (GtkWidget          *root,
                                       const char         *label);
/* Where the VM named @name is in @model, or GTK_INVALID_LIST_POSITION. */
guint    ferry_ui_test_position_of    (GListModel         *model,
                                       const char         *name);
/* TRUE when the local cluster is up; else skips the test (or fails it
 * under FERRY_REQUIRE_CLUSTER=1). */
gboolean ferry_ui_test_have_cluster   (void);
/* Serves org.freedesktop.Notifications on the session bus (the test's own
 * dbus-run-session), keeping what Ferry sends; ferry_ui_test_notified
 * (@text) says whether a notification contains @text. */
void     ferry_ui_test_serve_notifications (void);
gboolean ferry_ui_test_notified       (gpointer            text);

G_END_DECLS
