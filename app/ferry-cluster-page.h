/* ferry-cluster-page.h — a cluster at a glance
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ferry-core-all.h"

G_BEGIN_DECLS

#define FERRY_TYPE_CLUSTER_PAGE (ferry_cluster_page_get_type ())

G_DECLARE_FINAL_TYPE (FerryClusterPage, ferry_cluster_page, FERRY, CLUSTER_PAGE, GtkWidget)

GtkWidget    *ferry_cluster_page_new         (FerrySession     *session);
void          ferry_cluster_page_set_cluster (FerryClusterPage *self,
                                              FerryCluster     *cluster);
FerryCluster *ferry_cluster_page_get_cluster (FerryClusterPage *self);
/* TRUE once the nodes were asked about the fault-tolerance warnings. */
gboolean      ferry_cluster_page_get_checked (FerryClusterPage *self);

G_END_DECLS
