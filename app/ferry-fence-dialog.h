/* ferry-fence-dialog.h — recover a failed host's HA VMs, once it is fenced
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ferry-core-all.h"

G_BEGIN_DECLS

#define FERRY_TYPE_FENCE_DIALOG (ferry_fence_dialog_get_type ())

G_DECLARE_FINAL_TYPE (FerryFenceDialog, ferry_fence_dialog, FERRY, FENCE_DIALOG, AdwMessageDialog)

/* Lists the HA VMs of @node and where each will go; "Recover" needs the
 * administrator's confirmation that @node is powered off (or verified
 * leases), then runs the recovery (progress in the task log). */
GtkWidget *ferry_fence_dialog_new   (GtkWindow      *parent,
                                     FerryHaManager *manager,
                                     FerryNode      *node);

/* Toasts for recovered VMs on @window (its "win.show-message" action),
 * and the question to remove stale definitions when a host comes back. */
void       ferry_fence_dialog_watch (GtkWindow      *window,
                                     FerryHaManager *manager);

G_END_DECLS
