/* ferry-config.h — the persisted list of nodes and clusters
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "ferry-cluster-config.h"
#include "ferry-node-config.h"

G_BEGIN_DECLS

#define FERRY_CONFIG_ERROR (ferry_config_error_quark ())

typedef enum
{
  FERRY_CONFIG_ERROR_NEWER_VERSION,
  FERRY_CONFIG_ERROR_INVALID_NAME,
  FERRY_CONFIG_ERROR_DUPLICATE_URI,
  FERRY_CONFIG_ERROR_NOT_FOUND,
  FERRY_CONFIG_ERROR_READ_ONLY,
} FerryConfigError;

GQuark ferry_config_error_quark (void);


#define FERRY_TYPE_CONFIG (ferry_config_get_type ())

G_DECLARE_FINAL_TYPE (FerryConfig, ferry_config, FERRY, CONFIG, GObject)

FerryConfig *ferry_config_new                  (const char           *path);
const char  *ferry_config_get_path             (FerryConfig          *self);
gboolean     ferry_config_load                 (FerryConfig          *self,
                                                GError              **error);
const char  *ferry_config_get_recovery_message (FerryConfig          *self);
GStrv        ferry_config_dup_load_warnings    (FerryConfig          *self);
GPtrArray   *ferry_config_dup_nodes            (FerryConfig          *self);
gboolean     ferry_config_add_node             (FerryConfig          *self,
                                                const FerryNodeConfig *node,
                                                GError              **error);
gboolean     ferry_config_update_node          (FerryConfig          *self,
                                                const FerryNodeConfig *node,
                                                GError              **error);
gboolean     ferry_config_remove_node          (FerryConfig          *self,
                                                const char           *id);
/* Clusters (FerryClusterConfig, ferry-cluster.h); members are node ids. */
GPtrArray   *ferry_config_dup_clusters         (FerryConfig          *self);
gboolean     ferry_config_add_cluster          (FerryConfig          *self,
                                                const FerryClusterConfig *cluster,
                                                GError              **error);
gboolean     ferry_config_update_cluster       (FerryConfig          *self,
                                                const FerryClusterConfig *cluster,
                                                GError              **error);
gboolean     ferry_config_remove_cluster       (FerryConfig          *self,
                                                const char           *id);
gboolean     ferry_config_save                 (FerryConfig          *self,
                                                GError              **error);
void         ferry_config_save_async           (FerryConfig          *self,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
gboolean     ferry_config_save_finish          (FerryConfig          *self,
                                                GAsyncResult         *result,
                                                GError              **error);

G_END_DECLS
