/* ferry-cluster.h — a live cluster, for lists and pages
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-cluster-config.h"

G_BEGIN_DECLS

#define FERRY_TYPE_CLUSTER (ferry_cluster_get_type ())

G_DECLARE_FINAL_TYPE (FerryCluster, ferry_cluster, FERRY, CLUSTER, GObject)

/* A live cluster for lists and pages; emits "changed" on set_config. */
FerryCluster             *ferry_cluster_new        (const FerryClusterConfig *config);
const FerryClusterConfig *ferry_cluster_get_config (FerryCluster             *self);
void                      ferry_cluster_set_config (FerryCluster             *self,
                                                    const FerryClusterConfig *config);
const char               *ferry_cluster_get_id     (FerryCluster             *self);
const char               *ferry_cluster_get_name   (FerryCluster             *self);

G_END_DECLS
