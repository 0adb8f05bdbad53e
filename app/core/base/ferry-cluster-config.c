/* ferry-cluster-config.c — a cluster as it is saved and exchanged
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * In the configuration file (ferry-config.c) a cluster is a group
 *
 *   [Cluster 6a1f…]
 *   name=Rack 1
 *   nodes=<node id>;<node id>;…
 *   cpu=<cpu mode='custom' …>…</cpu>
 *   shared-pool=vmstore
 *   shared-pool-path=/srv/vmstore
 *
 * The exchange file a second administrator imports names the members by
 * URI, since node ids are private to each Ferry:
 *
 *   [Ferry Cluster]
 *   version=1
 *   name=…  cpu=…  shared-pool=…  shared-pool-path=…
 *
 *   [Member 1]
 *   uri=qemu+ssh://root@node1/system
 *   name=node1
 *   migration-address=10.0.0.1
 *
 * Both are read back from files anyone may have edited (or crafted):
 * everything is validated before use.
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "ferry-cluster-config.h"
#include "ferry-domain-xml.h"
#include "ferry-uri.h"

#define EXPORT_GROUP      "Ferry Cluster"
#define MEMBER_PREFIX     "Member "
#define EXPORT_VERSION    1
#define NAME_MAX_CHARS    128
#define MAX_NODES         64
#define CPU_XML_MAX       (64 * 1024)
#define IMPORT_MAX        (1024 * 1024)

G_DEFINE_QUARK (ferry-cluster-error-quark, ferry_cluster_error)

G_DEFINE_BOXED_TYPE (FerryClusterConfig, ferry_cluster_config,
                     ferry_cluster_config_copy, ferry_cluster_config_free)

FerryClusterConfig *
ferry_cluster_config_new (const char *name)
{
  FerryClusterConfig *cluster = g_new0 (FerryClusterConfig, 1);

  cluster->id = g_uuid_string_random ();
  cluster->name = g_strdup (name);
  cluster->nodes = g_new0 (char *, 1);
  return cluster;
}

FerryClusterConfig *
ferry_cluster_config_copy (const FerryClusterConfig *cluster)
{
  FerryClusterConfig *copy;

  g_return_val_if_fail (cluster != NULL, NULL);

  copy = g_new0 (FerryClusterConfig, 1);
  copy->id = g_strdup (cluster->id);
  copy->name = g_strdup (cluster->name);
  copy->nodes = cluster->nodes ? g_strdupv (cluster->nodes) : g_new0 (char *, 1);
  copy->cpu_xml = g_strdup (cluster->cpu_xml);
  copy->pool_name = g_strdup (cluster->pool_name);
  copy->pool_path = g_strdup (cluster->pool_path);
  copy->keep_apart = g_strdupv (cluster->keep_apart);
  return copy;
}

void
ferry_cluster_config_free (FerryClusterConfig *cluster)
{
  if (cluster == NULL)
    return;
  g_free (cluster->id);
  g_free (cluster->name);
  g_strfreev (cluster->nodes);
  g_free (cluster->cpu_xml);
  g_free (cluster->pool_name);
  g_free (cluster->pool_path);
  g_strfreev (cluster->keep_apart);
  g_free (cluster);
}

gboolean
ferry_cluster_config_has_node (const FerryClusterConfig *cluster,
                               const char               *node_id)
{
  g_return_val_if_fail (cluster != NULL, FALSE);

  return node_id != NULL && cluster->nodes != NULL &&
         g_strv_contains ((const char * const *) cluster->nodes, node_id);
}

void
ferry_cluster_config_add_node (FerryClusterConfig *cluster,
                               const char         *node_id)
{
  guint n;

  g_return_if_fail (cluster != NULL && node_id != NULL);

  if (ferry_cluster_config_has_node (cluster, node_id))
    return;
  n = cluster->nodes ? g_strv_length (cluster->nodes) : 0;
  cluster->nodes = g_renew (char *, cluster->nodes, n + 2);
  cluster->nodes[n] = g_strdup (node_id);
  cluster->nodes[n + 1] = NULL;
}

gboolean
ferry_cluster_config_remove_node (FerryClusterConfig *cluster,
                                  const char         *node_id)
{
  gboolean found = FALSE;
  guint j = 0;

  g_return_val_if_fail (cluster != NULL, FALSE);

  for (guint i = 0; cluster->nodes != NULL && cluster->nodes[i] != NULL; i++)
    {
      if (!found && g_strcmp0 (cluster->nodes[i], node_id) == 0)
        {
          g_free (cluster->nodes[i]);
          found = TRUE;
          continue;
        }
      cluster->nodes[j++] = cluster->nodes[i];
    }
  if (cluster->nodes != NULL)
    cluster->nodes[j] = NULL;
  return found;
}

/* ------------------------------------------------------------ validation */

static char *
check_name (const char  *name,
            GError     **error)
{
  g_autofree char *trimmed = NULL;

  if (name == NULL || !g_utf8_validate (name, -1, NULL) ||
      (trimmed = g_strstrip (g_strdup (name)))[0] == '\0')
    {
      g_set_error (error, FERRY_CLUSTER_ERROR, FERRY_CLUSTER_ERROR_INVALID,
                   _("Enter a name for the cluster."));
      return NULL;
    }
  if (g_utf8_strlen (trimmed, -1) > NAME_MAX_CHARS)
    {
      g_set_error (error, FERRY_CLUSTER_ERROR, FERRY_CLUSTER_ERROR_INVALID,
                   _("The cluster name is too long: use at most %d characters."), NAME_MAX_CHARS);
      return NULL;
    }
  if (ferry_config_text_has_control_chars (trimmed))
    {
      g_set_error (error, FERRY_CLUSTER_ERROR, FERRY_CLUSTER_ERROR_INVALID,
                   _("The cluster name cannot contain line breaks, tabs or other control characters."));
      return NULL;
    }
  return g_steal_pointer (&trimmed);
}

static gboolean
pool_name_is_valid (const char *name)
{
  gsize len;

  if (name == NULL || (len = strlen (name)) == 0 || len > 64 || name[0] == '.' || name[0] == '-')
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (name[i]) && strchr ("-_.", name[i]) == NULL)
      return FALSE;
  return TRUE;
}

static gboolean
pool_path_is_valid (const char *path)
{
  g_auto(GStrv) parts = NULL;

  if (path == NULL || path[0] != '/' || strlen (path) > 4096 ||
      !g_utf8_validate (path, -1, NULL) || ferry_config_text_has_control_chars (path))
    return FALSE;
  parts = g_strsplit (path, "/", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (g_str_equal (parts[i], "..") || g_str_equal (parts[i], "."))
      return FALSE;
  return TRUE;
}

/* The <cpu> element that goes into its VMs' domain XML. */
static gboolean
cpu_xml_is_valid (const char *xml)
{
  if (strlen (xml) > CPU_XML_MAX || !g_utf8_validate (xml, -1, NULL))
    return FALSE;
  return ferry_domain_xml_check_cpu_xml (xml, NULL);
}

gboolean
ferry_cluster_config_validate (FerryClusterConfig  *cluster,
                               GError             **error)
{
  g_autofree char *name = NULL;
  guint n = 0;

  g_return_val_if_fail (cluster != NULL, FALSE);

  if (!ferry_config_id_is_valid (cluster->id))
    {
      g_set_error (error, FERRY_CLUSTER_ERROR, FERRY_CLUSTER_ERROR_INVALID,
                   _("The cluster has no valid identifier."));
      return FALSE;
    }
  if (!(name = check_name (cluster->name, error)))
    return FALSE;

  for (; cluster->nodes != NULL && cluster->nodes[n] != NULL; n++)
    {
      if (!ferry_config_id_is_valid (cluster->nodes[n]))
        {
          g_set_error (error, FERRY_CLUSTER_ERROR, FERRY_CLUSTER_ERROR_INVALID,
                       _("The cluster “%s” names a node by an invalid identifier."), name);
          return FALSE;
        }
      for (guint j = 0; j < n; j++)
        if (g_str_equal (cluster->nodes[j], cluster->nodes[n]))
          {
            g_set_error (error, FERRY_CLUSTER_ERROR, FERRY_CLUSTER_ERROR_INVALID,
                         _("The cluster “%s” lists a node twice."), name);
            return FALSE;
          }
    }
  if (n > MAX_NODES)
    {
      g_set_error (error, FERRY_CLUSTER_ERROR, FERRY_CLUSTER_ERROR_INVALID,
                   _("The cluster “%s” has more than %d nodes."), name, MAX_NODES);
      return FALSE;
    }

  if (cluster->cpu_xml != NULL && cluster->cpu_xml[0] != '\0' && !cpu_xml_is_valid (cluster->cpu_xml))
    {
      g_set_error (error, FERRY_CLUSTER_ERROR, FERRY_CLUSTER_ERROR_INVALID,
                   _("The baseline CPU of the cluster “%s” is not a valid <cpu> element."), name);
      return FALSE;
    }

  if ((cluster->pool_name != NULL) != (cluster->pool_path != NULL))
    {
      g_set_error (error, FERRY_CLUSTER_ERROR, FERRY_CLUSTER_ERROR_INVALID,
                   _("The shared storage of the cluster “%s” needs both a pool name and a path."),
                   name);
      return FALSE;
    }
  if (cluster->pool_name != NULL && !pool_name_is_valid (cluster->pool_name))
    {
      g_set_error (error, FERRY_CLUSTER_ERROR, FERRY_CLUSTER_ERROR_INVALID,
                   _("“%s” is not a valid storage pool name: use letters, digits, “-”, “_” and “.”."),
                   cluster->pool_name);
      return FALSE;
    }
  if (cluster->pool_path != NULL && !pool_path_is_valid (cluster->pool_path))
    {
      g_set_error (error, FERRY_CLUSTER_ERROR, FERRY_CLUSTER_ERROR_INVALID,
                   _("The shared storage path of the cluster “%s” must be an absolute path without “..”."),
                   name);
      return FALSE;
    }

  if (cluster->cpu_xml != NULL && cluster->cpu_xml[0] == '\0')
    g_clear_pointer (&cluster->cpu_xml, g_free);
  if (cluster->nodes == NULL)
    cluster->nodes = g_new0 (char *, 1);
  g_free (cluster->name);
  cluster->name = g_steal_pointer (&name);
  return TRUE;
}

/* --------------------------------------------------------- key file I/O */

static char *
get_optional (GKeyFile   *key_file,
              const char *group,
              const char *key)
{
  char *value = g_key_file_get_string (key_file, group, key, NULL);

  if (value != NULL && value[0] == '\0')
    g_clear_pointer (&value, g_free);
  return value;
}

static gboolean
group_name_is_valid (const char *name)
{
  return name != NULL && *name != '\0' && strpbrk (name, ":,;\n\r") == NULL && g_utf8_validate (name, -1, NULL);
}

/* "GROUP:UUID,UUID" with a good name and only well-formed UUIDs. */
static gboolean
group_entry_is_valid (const char *entry)
{
  const char *colon = strchr (entry, ':');
  g_autofree char *name = NULL;
  g_auto(GStrv) uuids = NULL;

  if (colon == NULL)
    return FALSE;
  name = g_strndup (entry, colon - entry);
  if (!group_name_is_valid (name))
    return FALSE;
  uuids = g_strsplit (colon + 1, ",", -1);
  for (guint i = 0; uuids[i] != NULL; i++)
    if (!g_uuid_string_is_valid (uuids[i]))
      return FALSE;
  return uuids[0] != NULL;
}

GHashTable *
ferry_cluster_config_get_groups (const FerryClusterConfig *cluster)
{
  GHashTable *groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; cluster != NULL && cluster->keep_apart != NULL && cluster->keep_apart[i] != NULL; i++)
    {
      const char *entry = cluster->keep_apart[i];
      const char *colon = strchr (entry, ':');
      g_auto(GStrv) uuids = NULL;

      if (!group_entry_is_valid (entry))
        continue;
      uuids = g_strsplit (colon + 1, ",", -1);
      for (guint j = 0; uuids[j] != NULL; j++)
        g_hash_table_replace (groups, g_ascii_strdown (uuids[j], -1), g_strndup (entry, colon - entry));
    }
  return groups;
}

gboolean
ferry_cluster_config_set_group (FerryClusterConfig  *cluster,
                                const char          *name,
                                const char * const  *uuids,
                                GError             **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *prefix = NULL;

  g_return_val_if_fail (cluster != NULL, FALSE);

  if (!group_name_is_valid (name))
    {
      g_set_error (error, FERRY_CLUSTER_ERROR, FERRY_CLUSTER_ERROR_INVALID,
                   _("A group name must not be empty nor contain “:”, “,”, “;” or a line break."));
      return FALSE;
    }
  prefix = g_strconcat (name, ":", NULL);
  for (guint i = 0; cluster->keep_apart != NULL && cluster->keep_apart[i] != NULL; i++)
    if (!g_str_has_prefix (cluster->keep_apart[i], prefix))
      g_strv_builder_add (builder, cluster->keep_apart[i]);
  if (uuids != NULL && uuids[0] != NULL)
    {
      g_autofree char *list = g_strjoinv (",", (char **) uuids);
      g_autofree char *entry = g_strconcat (prefix, list, NULL);

      if (!group_entry_is_valid (entry))
        {
          g_set_error (error, FERRY_CLUSTER_ERROR, FERRY_CLUSTER_ERROR_INVALID,
                       _("The group “%s” lists something that is not a VM's UUID."), name);
          return FALSE;
        }
      g_strv_builder_add (builder, entry);
    }
  g_strfreev (cluster->keep_apart);
  cluster->keep_apart = g_strv_builder_end (builder);
  if (cluster->keep_apart[0] == NULL)
    g_clear_pointer (&cluster->keep_apart, g_strfreev);
  return TRUE;
}

static void
read_common (FerryClusterConfig *cluster,
             GKeyFile           *key_file,
             const char         *group)
{
  cluster->name = g_key_file_get_string (key_file, group, "name", NULL);
  cluster->cpu_xml = get_optional (key_file, group, "cpu");
  cluster->pool_name = get_optional (key_file, group, "shared-pool");
  cluster->pool_path = get_optional (key_file, group, "shared-pool-path");
  {
    /* Hand-editable: entries that do not parse are dropped. */
    g_auto(GStrv) entries = g_key_file_get_string_list (key_file, group, "keep-apart", NULL, NULL);
    g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

    for (guint i = 0; entries != NULL && entries[i] != NULL; i++)
      if (group_entry_is_valid (entries[i]))
        g_strv_builder_add (builder, entries[i]);
    cluster->keep_apart = g_strv_builder_end (builder);
    if (cluster->keep_apart[0] == NULL)
      g_clear_pointer (&cluster->keep_apart, g_strfreev);
  }
}

static void
write_common (const FerryClusterConfig *cluster,
              GKeyFile                 *key_file,
              const char               *group)
{
  /* set_string escapes the XML's newlines. */
  g_key_file_set_string (key_file, group, "name", cluster->name);
  if (cluster->cpu_xml != NULL)
    g_key_file_set_string (key_file, group, "cpu", cluster->cpu_xml);
  if (cluster->pool_name != NULL)
    g_key_file_set_string (key_file, group, "shared-pool", cluster->pool_name);
  if (cluster->pool_path != NULL)
    g_key_file_set_string (key_file, group, "shared-pool-path", cluster->pool_path);
  if (cluster->keep_apart != NULL && cluster->keep_apart[0] != NULL)
    g_key_file_set_string_list (key_file, group, "keep-apart", (const char * const *) cluster->keep_apart,
                                g_strv_length (cluster->keep_apart));
}

FerryClusterConfig *
ferry_cluster_config_from_key_file (GKeyFile    *key_file,
                                    const char  *group,
                                    GError     **error)
{
  g_autoptr(FerryClusterConfig) cluster = g_new0 (FerryClusterConfig, 1);
  const char *space = strchr (group, ' ');

  cluster->id = g_strdup (space ? space + 1 : "");
  read_common (cluster, key_file, group);
  cluster->nodes = g_key_file_get_string_list (key_file, group, "nodes", NULL, NULL);
  if (!ferry_cluster_config_validate (cluster, error))
    return NULL;
  return g_steal_pointer (&cluster);
}

void
ferry_cluster_config_to_key_file (const FerryClusterConfig *cluster,
                                  GKeyFile                 *key_file,
                                  const char               *group)
{
  write_common (cluster, key_file, group);
  g_key_file_set_string_list (key_file, group, "nodes", (const char * const *) cluster->nodes,
                              g_strv_length (cluster->nodes));
}

/* ------------------------------------------------------ exchange file */

char *
ferry_cluster_export (const FerryClusterConfig *cluster,
                      GPtrArray                *nodes,
                      gsize                    *length)
{
  g_autoptr(GKeyFile) key_file = g_key_file_new ();

  g_return_val_if_fail (cluster != NULL && nodes != NULL, NULL);

  g_key_file_set_integer (key_file, EXPORT_GROUP, "version", EXPORT_VERSION);
  write_common (cluster, key_file, EXPORT_GROUP);
  for (guint i = 0; i < nodes->len; i++)
    {
      const FerryNodeConfig *node = g_ptr_array_index (nodes, i);
      g_autofree char *group = g_strdup_printf (MEMBER_PREFIX "%u", i + 1);

      g_key_file_set_string (key_file, group, "uri", node->uri);
      g_key_file_set_string (key_file, group, "name", node->name);
      if (node->migration_address != NULL)
        g_key_file_set_string (key_file, group, "migration-address", node->migration_address);
    }
  return g_key_file_to_data (key_file, length, NULL);
}

static gboolean
refuse (GError     **error,
        const char  *format,
        ...) G_GNUC_PRINTF (2, 3);

static gboolean
refuse (GError     **error,
        const char  *format,
        ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, FERRY_CLUSTER_ERROR, FERRY_CLUSTER_ERROR_INVALID, message);
  return FALSE;
}

gboolean
ferry_cluster_import_parse (const char          *data,
                            gsize                length,
                            FerryClusterConfig **cluster_out,
                            GPtrArray          **nodes_out,
                            GError             **error)
{
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autoptr(FerryClusterConfig) cluster = NULL;
  g_autoptr(GPtrArray) nodes = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *version_text = NULL;
  g_auto(GStrv) groups = NULL;
  gint64 version;

  g_return_val_if_fail (data != NULL && cluster_out != NULL && nodes_out != NULL, FALSE);

  if (length > IMPORT_MAX)
    return refuse (error, _("The file is too large to be a Ferry cluster file."));
  if (!g_utf8_validate_len (data, length, NULL) ||
      !g_key_file_load_from_data (key_file, data, length, G_KEY_FILE_NONE, &local_error) ||
      !g_key_file_has_group (key_file, EXPORT_GROUP))
    {
      g_set_error (error, FERRY_CLUSTER_ERROR, FERRY_CLUSTER_ERROR_NOT_A_CLUSTER_FILE,
                   _("This is not a Ferry cluster file."));
      return FALSE;
    }

  version_text = g_key_file_get_value (key_file, EXPORT_GROUP, "version", NULL);
  if (version_text == NULL ||
      !g_ascii_string_to_signed (version_text, 10, 1, G_MAXINT64, &version, NULL))
    return refuse (error, _("The cluster file has no valid format version."));
  if (version > EXPORT_VERSION)
    {
      g_set_error (error, FERRY_CLUSTER_ERROR, FERRY_CLUSTER_ERROR_NEWER_VERSION,
                   _("The cluster file was written by a newer Ferry (format %" G_GINT64_FORMAT
                     "); update Ferry to import it."), version);
      return FALSE;
    }

  cluster = g_new0 (FerryClusterConfig, 1);
  cluster->id = g_uuid_string_random ();
  cluster->nodes = g_new0 (char *, 1);
  read_common (cluster, key_file, EXPORT_GROUP);
  if (!ferry_cluster_config_validate (cluster, error))
    return FALSE;

  nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) ferry_node_config_free);
  groups = g_key_file_get_groups (key_file, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      g_autofree char *uri = NULL;
      g_autofree char *name = NULL;
      g_autofree char *address = NULL;
      g_autofree char *trimmed = NULL;
      g_autoptr(FerryNodeConfig) node = NULL;

      if (g_str_equal (groups[i], EXPORT_GROUP))
        continue;
      if (!g_str_has_prefix (groups[i], MEMBER_PREFIX))
        return refuse (error, _("The cluster file has an unknown section “%s”."), groups[i]);
      if (nodes->len >= MAX_NODES)
        return refuse (error, _("The cluster file has more than %d nodes."), MAX_NODES);

      uri = g_key_file_get_string (key_file, groups[i], "uri", NULL);
      if (uri == NULL)
        return refuse (error, _("A node in the cluster file has no URI."));
      g_clear_error (&local_error);
      if (!ferry_uri_validate (uri, &local_error))
        return refuse (error, _("A node in the cluster file has an invalid URI: %s"),
                       local_error->message);
      for (guint j = 0; j < nodes->len; j++)
        if (g_str_equal (((FerryNodeConfig *) g_ptr_array_index (nodes, j))->uri, uri))
          return refuse (error, _("The cluster file lists %s twice."), uri);

      name = g_key_file_get_string (key_file, groups[i], "name", NULL);
      if (name != NULL)
        trimmed = g_strstrip (g_strdup (name));
      if (trimmed == NULL || trimmed[0] == '\0')
        {
          g_free (trimmed);
          trimmed = ferry_uri_display_name (uri);
          if (trimmed == NULL)
            trimmed = g_strdup (uri);
        }
      if (g_utf8_strlen (trimmed, -1) > NAME_MAX_CHARS || ferry_config_text_has_control_chars (trimmed))
        return refuse (error, _("The name of the node %s in the cluster file is not valid."), uri);

      address = get_optional (key_file, groups[i], "migration-address");
      g_clear_error (&local_error);
      if (address != NULL && !ferry_migration_address_validate (address, &local_error))
        return refuse (error, _("The migration address of %s in the cluster file is not valid: %s"),
                       uri, local_error->message);

      node = ferry_node_config_new (uri, trimmed, address);
      ferry_cluster_config_add_node (cluster, node->id);
      g_ptr_array_add (nodes, g_steal_pointer (&node));
    }

  if (nodes->len == 0)
    return refuse (error, _("The cluster file names no nodes."));

  *cluster_out = g_steal_pointer (&cluster);
  *nodes_out = g_steal_pointer (&nodes);
  return TRUE;
}

FerryClusterConfig *
ferry_cluster_import_resolve (const FerryClusterConfig *imported,
                              GPtrArray                *imported_nodes,
                              GPtrArray                *existing_nodes,
                              GPtrArray               **to_add)
{
  g_autoptr(FerryClusterConfig) cluster = ferry_cluster_config_copy (imported);
  g_autoptr(GPtrArray) adding = g_ptr_array_new_with_free_func ((GDestroyNotify) ferry_node_config_free);

  g_strfreev (cluster->nodes);
  cluster->nodes = g_new0 (char *, 1);

  for (guint i = 0; i < imported_nodes->len; i++)
    {
      const FerryNodeConfig *node = g_ptr_array_index (imported_nodes, i);
      const FerryNodeConfig *known = NULL;

      for (guint j = 0; j < existing_nodes->len && known == NULL; j++)
        {
          const FerryNodeConfig *existing = g_ptr_array_index (existing_nodes, j);

          if (g_str_equal (existing->uri, node->uri))
            known = existing;
        }
      if (known != NULL)
        ferry_cluster_config_add_node (cluster, known->id);
      else
        {
          ferry_cluster_config_add_node (cluster, node->id);
          g_ptr_array_add (adding, ferry_node_config_copy (node));
        }
    }

  if (to_add != NULL)
    *to_add = g_steal_pointer (&adding);
  return g_steal_pointer (&cluster);
}
