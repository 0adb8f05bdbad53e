/* ferry-application.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ferry-core-all.h"
#include "ferry-cluster.h"

G_BEGIN_DECLS

#define FERRY_TYPE_APPLICATION (ferry_application_get_type ())

G_DECLARE_FINAL_TYPE (FerryApplication, ferry_application, FERRY, APPLICATION, AdwApplication)

FerryApplication *ferry_application_new            (void);
FerryInventory   *ferry_application_get_inventory  (FerryApplication       *self);
gboolean          ferry_application_add_connection (FerryApplication       *self,
                                                    const FerryNodeConfig  *config,
                                                    GError                **error);
void              ferry_application_remove_node    (FerryApplication       *self,
                                                    FerryNode              *node);
gboolean          ferry_application_get_ephemeral  (FerryApplication       *self);
FerryTaskLog     *ferry_application_get_task_log   (FerryApplication       *self);
FerryStatsSampler *ferry_application_get_sampler   (FerryApplication       *self);
FerryMigrationQueue *ferry_application_get_migration_queue (FerryApplication *self);
/* High availability: flags, VMs at risk, recovery (see ferry-ha-manager.h). */
FerryHaManager   *ferry_application_get_ha_manager (FerryApplication       *self);
/* The options a new migration starts with (preferences), for a running
 * (@live) or shut-off VM. */
FerryMigrationOptions *ferry_application_dup_migration_defaults (FerryApplication *self,
                                                                 gboolean          live);
/* Queues the migration of @vm (toast, and a notification when the window
 * is not focused, once it ends). */
gboolean          ferry_application_migrate        (FerryApplication             *self,
                                                    FerryVm                      *vm,
                                                    FerryNode                    *destination,
                                                    const FerryMigrationOptions  *options,
                                                    GError                      **error);
/* NULL when the schema is not installed (running from a build tree). */
GSettings        *ferry_application_get_settings   (FerryApplication       *self);
gboolean          ferry_application_update_connection (FerryApplication    *self,
                                                    FerryNode              *node,
                                                    const char             *name,
                                                    const char             *migration_address,
                                                    GError                **error);

/* Marks @node in or out of maintenance (kept in the saved connections);
 * @evacuated: the VMs moved away, to offer bringing them back. */
gboolean          ferry_application_set_node_maintenance (FerryApplication    *self,
                                                          FerryNode           *node,
                                                          gboolean             maintenance,
                                                          const char * const  *evacuated,
                                                          GError             **error);

/* Clusters: a GListModel of FerryCluster. */
GListModel       *ferry_application_get_clusters   (FerryApplication          *self);
FerryCluster     *ferry_application_find_cluster   (FerryApplication          *self,
                                                    const char                *id);
/* Adds or updates (same id) a cluster; saved unless started with --connect. */
gboolean          ferry_application_save_cluster   (FerryApplication          *self,
                                                    const FerryClusterConfig  *config,
                                                    GError                   **error);
void              ferry_application_delete_cluster (FerryApplication          *self,
                                                    FerryCluster              *cluster);

/* Keep-apart groups of the clusters @node belongs to: VM UUID → group. */
GHashTable       *ferry_application_dup_keep_apart (FerryApplication *self,
                                                    FerryNode        *node);
/* Load balancing: VM UUID → monotonic time of its last migration (gint64*). */
GHashTable       *ferry_application_get_last_moved (FerryApplication *self);
/* Suggestions for @cluster's nodes now (FerryBalanceSuggestion). */
GPtrArray        *ferry_application_suggest_balance (FerryApplication *self,
                                                     FerryCluster     *cluster);
void              ferry_application_apply_balance   (FerryApplication *self,
                                                     GPtrArray        *suggestions);

G_END_DECLS
