/* ferry-node-config.c — one saved connection, and what an id or a name
 * in Ferry's configuration may be
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ferry-node-config.h"

G_DEFINE_BOXED_TYPE (FerryNodeConfig, ferry_node_config,
                     ferry_node_config_copy, ferry_node_config_free)

/**
 * ferry_node_config_new:
 * @uri: the libvirt connection URI
 * @name: the name shown to the administrator
 * @migration_address: (nullable): host or IP for migration traffic, or %NULL
 *
 * Nothing is validated here; ferry_config_add_node() does that.
 *
 * Returns: (transfer full): a node entry with a freshly generated id
 */
FerryNodeConfig *
ferry_node_config_new (const char *uri,
                       const char *name,
                       const char *migration_address)
{
  FerryNodeConfig *node = g_new0 (FerryNodeConfig, 1);

  node->id = g_uuid_string_random ();
  node->uri = g_strdup (uri);
  node->name = g_strdup (name);
  if (migration_address != NULL && migration_address[0] != '\0')
    node->migration_address = g_strdup (migration_address);

  return node;
}

FerryNodeConfig *
ferry_node_config_copy (const FerryNodeConfig *node)
{
  FerryNodeConfig *copy;

  g_return_val_if_fail (node != NULL, NULL);

  copy = g_new0 (FerryNodeConfig, 1);
  copy->id = g_strdup (node->id);
  copy->uri = g_strdup (node->uri);
  copy->name = g_strdup (node->name);
  copy->migration_address = g_strdup (node->migration_address);
  copy->maintenance = node->maintenance;
  copy->evacuated = g_strdupv (node->evacuated);

  return copy;
}

void
ferry_node_config_free (FerryNodeConfig *node)
{
  if (node == NULL)
    return;

  g_free (node->id);
  g_free (node->uri);
  g_free (node->name);
  g_free (node->migration_address);
  g_strfreev (node->evacuated);
  g_free (node);
}

/* Ids end up in group names, so only what cannot break the "[...]" line. */
gboolean
ferry_config_id_is_valid (const char *id)
{
  gsize len;

  if (id == NULL)
    return FALSE;

  len = strlen (id);
  if (len == 0 || len > 64)
    return FALSE;

  for (gsize i = 0; i < len; i++)
    {
      if (!g_ascii_isalnum (id[i]) && id[i] != '-')
        return FALSE;
    }

  return TRUE;
}

gboolean
ferry_config_text_has_control_chars (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (g_unichar_iscntrl (g_utf8_get_char (p)))
        return TRUE;
    }

  return FALSE;
}
