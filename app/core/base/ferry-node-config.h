/* ferry-node-config.h — one saved connection, and what an id or a name
 * in Ferry's configuration may be
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define FERRY_TYPE_NODE_CONFIG (ferry_node_config_get_type ())

typedef struct
{
  char *id;
  char *uri;
  char *name;
  char *migration_address;   /* NULL when not set */
  gboolean maintenance;      /* no drops, no placements */
  char **evacuated;          /* UUIDs of VMs moved away for maintenance, or NULL */
} FerryNodeConfig;

GType            ferry_node_config_get_type (void) G_GNUC_CONST;
FerryNodeConfig *ferry_node_config_new      (const char            *uri,
                                             const char            *name,
                                             const char            *migration_address);
FerryNodeConfig *ferry_node_config_copy     (const FerryNodeConfig *node);
void             ferry_node_config_free     (FerryNodeConfig       *node);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FerryNodeConfig, ferry_node_config_free)

/* Ids end up in key-file group names: letters, digits and '-', at most 64. */
gboolean ferry_config_id_is_valid            (const char *id);
/* A name or path must not carry control characters (they would break a
 * row, a log line or the file). */
gboolean ferry_config_text_has_control_chars (const char *text);

G_END_DECLS
