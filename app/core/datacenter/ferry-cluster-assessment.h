/* ferry-cluster-assessment.h — what threatens a cluster's fault tolerance now
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-cluster.h"
#include "ferry-cluster-ops.h"

G_BEGIN_DECLS

/* Pure: the threats to fault tolerance of the cluster @config, from a fresh
 * probe of each member (@nodes and @probes are parallel, as
 * ferry_cluster_probe_finish returns them). One FerryClusterCheck each:
 *   "down" (FAIL), "maintenance", "no-shared-storage", "not-shared",
 *   "other-cpu", "network-gap" (WARN);
 * or a single "ok" (PASS) when nothing threatens it. Titles and details
 * are sentences for the cluster page, never markup. */
GPtrArray *ferry_cluster_assess (const FerryClusterConfig *config,
                                 GPtrArray                *nodes,
                                 GPtrArray                *probes);

/* "a, b, c and 4 more": at most @max names of @names (char *). */
char      *ferry_cluster_name_list (GPtrArray *names,
                                    guint      max);

G_END_DECLS
