/* ferry-session.h — what one running Ferry manages, without a window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-cluster.h"
#include "ferry-config.h"
#include "ferry-ha-manager.h"
#include "ferry-inventory.h"
#include "ferry-migration-queue.h"
#include "ferry-stats-sampler.h"
#include "ferry-task-log.h"

G_BEGIN_DECLS

#define FERRY_TYPE_SESSION (ferry_session_get_type ())

G_DECLARE_FINAL_TYPE (FerrySession, ferry_session, FERRY, SESSION, GObject)

/* @config_path: the connections file (NULL: the user's default). On the
 * main thread: it is the session's context. */
FerrySession        *ferry_session_new                   (const char              *config_path);

/* Once: with @load_saved, reads the saved connections and clusters and
 * connects to them, and returns what the user should be told about the
 * file (recovered from a backup, entries skipped), or NULL. Without it,
 * the session is ephemeral (ferry --connect): nothing is read or saved. */
char                *ferry_session_start                 (FerrySession            *self,
                                                          gboolean                 load_saved);
gboolean             ferry_session_get_started           (FerrySession            *self);
gboolean             ferry_session_get_ephemeral         (FerrySession            *self);
/* Stops the timers and the sampler, cancels saves under way. */
void                 ferry_session_shutdown              (FerrySession            *self);

FerryInventory      *ferry_session_get_inventory         (FerrySession            *self);
FerryTaskLog        *ferry_session_get_task_log          (FerrySession            *self);
FerryStatsSampler   *ferry_session_get_sampler           (FerrySession            *self);
FerryMigrationQueue *ferry_session_get_migration_queue   (FerrySession            *self);
FerryHaManager      *ferry_session_get_ha_manager        (FerrySession            *self);

/* Connections: each is saved (unless ephemeral) and connected at once;
 * every attempt is a task in the log. */
gboolean             ferry_session_add_connection        (FerrySession            *self,
                                                          const FerryNodeConfig   *config,
                                                          GError                 **error);
gboolean             ferry_session_update_connection     (FerrySession            *self,
                                                          FerryNode               *node,
                                                          const char              *name,
                                                          const char              *migration_address,
                                                          GError                 **error);
/* @evacuated: the VMs moved away, to offer bringing them back. */
gboolean             ferry_session_set_node_maintenance  (FerrySession            *self,
                                                          FerryNode               *node,
                                                          gboolean                 maintenance,
                                                          const char * const      *evacuated,
                                                          GError                 **error);
/* The node of @uri, added for now and never saved when it is not known
 * (the standalone console viewer's one host). */
FerryNode           *ferry_session_connect_unsaved       (FerrySession            *self,
                                                          const char              *uri);
/* Forgets the node, and takes it out of every cluster. */
void                 ferry_session_remove_node           (FerrySession            *self,
                                                          FerryNode               *node);

/* Clusters: a GListModel of FerryCluster. */
GListModel          *ferry_session_get_clusters          (FerrySession            *self);
FerryCluster        *ferry_session_find_cluster          (FerrySession            *self,
                                                          const char              *id);
/* Adds or updates (same id) a cluster. */
gboolean             ferry_session_save_cluster          (FerrySession            *self,
                                                          const FerryClusterConfig *config,
                                                          GError                 **error);
/* Forgets the cluster; its nodes and their VMs stay as they are. */
void                 ferry_session_delete_cluster        (FerrySession            *self,
                                                          FerryCluster            *cluster);
/* Keep-apart groups of the clusters @node belongs to: VM UUID → group. */
GHashTable          *ferry_session_dup_keep_apart        (FerrySession            *self,
                                                          FerryNode               *node);

/* Migrations. The defaults are the user's preferences (the application
 * sets them); a migration that ends emits "migration-finished". */
void                 ferry_session_set_migration_defaults (FerrySession           *self,
                                                          FerryMigrationPreset     preset,
                                                          guint                    bandwidth_mib);
FerryMigrationOptions *ferry_session_dup_migration_defaults (FerrySession         *self,
                                                          gboolean                 live);
gboolean             ferry_session_migrate               (FerrySession            *self,
                                                          FerryVm                 *vm,
                                                          FerryNode               *destination,
                                                          const FerryMigrationOptions *options,
                                                          GError                 **error);

/* Load balancing. VM UUID → monotonic time of its last migration (gint64*). */
GHashTable          *ferry_session_get_last_moved        (FerrySession            *self);
/* Suggestions for @cluster's nodes now (FerryBalanceSuggestion). */
GPtrArray           *ferry_session_suggest_balance       (FerrySession            *self,
                                                          FerryCluster            *cluster);
void                 ferry_session_apply_balance         (FerrySession            *self,
                                                          GPtrArray               *suggestions);
/* Automatic mode: once a minute, when no migration runs, every cluster's
 * suggestions are applied. Off by default. */
gboolean             ferry_session_get_balance_automatic (FerrySession            *self);
void                 ferry_session_set_balance_automatic (FerrySession            *self,
                                                          gboolean                 automatic);
/* One automatic round now (what the timer does). */
void                 ferry_session_balance_tick          (FerrySession            *self);

G_END_DECLS
