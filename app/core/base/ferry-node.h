/* ferry-node.h — one libvirt host, reached through one connection
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-enums.h"
#include "ferry-metrics.h"

G_BEGIN_DECLS

#define FERRY_TYPE_NODE (ferry_node_get_type ())

G_DECLARE_FINAL_TYPE (FerryNode, ferry_node, FERRY, NODE, GObject)

FerryNode      *ferry_node_new                   (const char *uri,
                                                  const char *name,
                                                  const char *migration_address);
const char     *ferry_node_get_id                (FerryNode  *self);
void            ferry_node_set_id                (FerryNode  *self,
                                                  const char *id);
const char     *ferry_node_get_uri               (FerryNode  *self);
const char     *ferry_node_get_name              (FerryNode  *self);
void            ferry_node_set_name              (FerryNode  *self,
                                                  const char *name);
const char     *ferry_node_get_migration_address (FerryNode  *self);
void            ferry_node_set_migration_address (FerryNode  *self,
                                                  const char *address);
/* Maintenance: no migrations to it, no placements on it; @evacuated lists
 * the UUIDs of the VMs moved away (to bring back), or NULL. */
gboolean        ferry_node_get_maintenance       (FerryNode  *self);
const char * const *ferry_node_get_evacuated     (FerryNode  *self);
void            ferry_node_set_maintenance       (FerryNode  *self,
                                                  gboolean    maintenance,
                                                  const char * const *evacuated);
FerryNodeState  ferry_node_get_state             (FerryNode  *self);
const char     *ferry_node_get_error             (FerryNode  *self);
const char     *ferry_node_get_hostname          (FerryNode  *self);
const char     *ferry_node_get_cpu_model         (FerryNode  *self);
guint           ferry_node_get_cpus              (FerryNode  *self);
guint64         ferry_node_get_memory            (FerryNode  *self);
const char     *ferry_node_get_libvirt_version   (FerryNode  *self);
const char     *ferry_node_get_hypervisor_version (FerryNode *self);
GListModel     *ferry_node_get_vms               (FerryNode  *self);
guint           ferry_node_get_n_vms             (FerryNode  *self);
guint           ferry_node_get_n_running         (FerryNode  *self);
FerryMetrics   *ferry_node_get_metrics           (FerryNode  *self);

void            ferry_node_connect               (FerryNode  *self);
void            ferry_node_disconnect            (FerryNode  *self);
void            ferry_node_refresh               (FerryNode  *self);

G_END_DECLS
