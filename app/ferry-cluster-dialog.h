/* ferry-cluster-dialog.h — the "New Cluster" assistant, also used to join
 * nodes to a cluster
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ferry-core-all.h"

G_BEGIN_DECLS

#define FERRY_TYPE_CLUSTER_DIALOG (ferry_cluster_dialog_get_type ())

G_DECLARE_FINAL_TYPE (FerryClusterDialog, ferry_cluster_dialog, FERRY, CLUSTER_DIALOG, AdwWindow)

/* @cluster: NULL for a new cluster, or the cluster nodes join. */
GtkWidget  *ferry_cluster_dialog_new      (FerrySession     *session,
                                           FerryCluster     *cluster);
/* "nodes", "checks" or "storage". */
const char *ferry_cluster_dialog_get_page (FerryClusterDialog *self);
/* TRUE once the checks, the baseline and the network look are done. */
gboolean    ferry_cluster_dialog_get_checked (FerryClusterDialog *self);

G_END_DECLS
