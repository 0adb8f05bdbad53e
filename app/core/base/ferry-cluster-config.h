/* ferry-cluster-config.h — a cluster as it is saved and exchanged: a named
 * group of nodes with a common CPU and shared storage
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-node-config.h"

G_BEGIN_DECLS

#define FERRY_CLUSTER_ERROR (ferry_cluster_error_quark ())

typedef enum
{
  FERRY_CLUSTER_ERROR_INVALID,
  FERRY_CLUSTER_ERROR_NOT_A_CLUSTER_FILE,
  FERRY_CLUSTER_ERROR_NEWER_VERSION,
  FERRY_CLUSTER_ERROR_EXISTS,
} FerryClusterError;

GQuark ferry_cluster_error_quark (void);

typedef struct _FerryClusterConfig FerryClusterConfig;

#define FERRY_TYPE_CLUSTER_CONFIG (ferry_cluster_config_get_type ())

struct _FerryClusterConfig
{
  char  *id;
  char  *name;
  char **nodes;        /* ids of the member FerryNodeConfigs; never NULL */
  char  *cpu_xml;      /* the baseline <cpu> element, or NULL */
  char  *pool_name;    /* the shared storage pool, or NULL */
  char  *pool_path;    /* its target path on every node, or NULL */
  char **keep_apart;   /* "GROUP:UUID,UUID,..." — VMs that never share a node; or NULL */
};

GType               ferry_cluster_config_get_type (void) G_GNUC_CONST;
/* A fresh id, no nodes. Nothing is validated. */
FerryClusterConfig *ferry_cluster_config_new      (const char               *name);
FerryClusterConfig *ferry_cluster_config_copy     (const FerryClusterConfig *cluster);
void                ferry_cluster_config_free     (FerryClusterConfig       *cluster);
gboolean            ferry_cluster_config_has_node (const FerryClusterConfig *cluster,
                                                   const char               *node_id);
void                ferry_cluster_config_add_node (FerryClusterConfig       *cluster,
                                                   const char               *node_id);
gboolean            ferry_cluster_config_remove_node (FerryClusterConfig    *cluster,
                                                      const char            *node_id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FerryClusterConfig, ferry_cluster_config_free)

/* Keep-apart groups: VM UUID → group name (a new table). */
GHashTable         *ferry_cluster_config_get_groups (const FerryClusterConfig *cluster);
/* Sets group @name to @uuids (NULL or empty removes it). FALSE with an
 * error for a bad name (empty, or with “:” “,” “;” or a line break). */
gboolean            ferry_cluster_config_set_group  (FerryClusterConfig       *cluster,
                                                     const char               *name,
                                                     const char * const       *uuids,
                                                     GError                  **error);

/* Checks everything a hand-edited file or an imported one may get wrong:
 * name (trimmed in place), ids, the <cpu> XML, the pool name and path. */
gboolean ferry_cluster_config_validate   (FerryClusterConfig  *cluster,
                                          GError             **error);

/* [Cluster ID] groups of the configuration file (ferry-config.c). */
FerryClusterConfig *ferry_cluster_config_from_key_file (GKeyFile    *key_file,
                                                        const char  *group,
                                                        GError     **error);
void                ferry_cluster_config_to_key_file   (const FerryClusterConfig *cluster,
                                                        GKeyFile                 *key_file,
                                                        const char               *group);

/* The exchange file: the cluster and its members' URIs, names and
 * migration addresses (@nodes: FerryNodeConfig of the members). */
char     *ferry_cluster_export            (const FerryClusterConfig  *cluster,
                                           GPtrArray                 *nodes,
                                           gsize                     *length);
/* Parses and validates an exchange file. @nodes_out: FerryNodeConfig
 * with fresh ids, which are also the ids in @cluster_out's node list. */
gboolean  ferry_cluster_import_parse      (const char                *data,
                                           gsize                      length,
                                           FerryClusterConfig       **cluster_out,
                                           GPtrArray                **nodes_out,
                                           GError                   **error);
/* Maps an imported cluster onto the connections we have: members whose
 * URI is known take the existing id; the others are returned in @to_add
 * (to add as connections, with the id the cluster now refers to). */
FerryClusterConfig *ferry_cluster_import_resolve (const FerryClusterConfig *imported,
                                                  GPtrArray                *imported_nodes,
                                                  GPtrArray                *existing_nodes,
                                                  GPtrArray               **to_add);

G_END_DECLS
