/* ferry-config.c — the persisted list of nodes and clusters
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The file is a GKeyFile:
 *
 *   [Ferry]
 *   version=1
 *
 *   [Node 0f8fad5b-d9cb-469f-a165-70867728950e]
 *   uri=qemu+ssh://root@node1/system
 *   name=Rack 1 [top]
 *   migration-address=10.0.0.1
 *
 * Group names only ever hold generated ids, never user data: GKeyFile escapes
 * values (newlines, leading spaces, backslashes) but cannot escape "]" in a
 * group name. Groups we do not know (clusters, later) and node entries we had
 * to skip are written back untouched, so an older Ferry does not destroy what
 * it cannot read.
 */

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "ferry-config.h"
#include "ferry-uri.h"

#define FORMAT_VERSION   1
#define GROUP_FERRY      "Ferry"
#define NODE_PREFIX      "Node "
#define CLUSTER_PREFIX   "Cluster "
#define NAME_MAX_CHARS   128

struct _FerryConfig
{
  GObject    parent_instance;

  char      *path;
  GPtrArray *nodes;              /* FerryNodeConfig, in saved order */
  GPtrArray *clusters;           /* FerryClusterConfig, in saved order */
  GKeyFile  *preserved;          /* groups written back as they were read */
  GPtrArray *load_warnings;      /* char * */
  char      *recovery_message;

  /* Set when the file on disk holds data we could not read and could not
   * move aside (or was written by a newer Ferry): saving would destroy it. */
  GError    *save_refusal;

  /* Saves run in worker threads; the serial makes sure an older snapshot
   * finishing late never replaces a newer one on disk. */
  GMutex     write_lock;
  guint64    next_serial;        /* main thread only */
  guint64    written_serial;     /* under write_lock */
};

enum {
  PROP_0,
  PROP_PATH,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_QUARK (ferry-config-error-quark, ferry_config_error)

G_DEFINE_FINAL_TYPE (FerryConfig, ferry_config, G_TYPE_OBJECT)

/* Only well-formed UUIDs: the list is read back from a hand-editable file. */
static char **
evacuated_checked (char **uuids)
{
  g_autoptr(GStrvBuilder) builder = NULL;

  if (uuids == NULL || uuids[0] == NULL)
    return NULL;
  builder = g_strv_builder_new ();
  for (guint i = 0; uuids[i] != NULL; i++)
    if (g_uuid_string_is_valid (uuids[i]))
      g_strv_builder_add (builder, uuids[i]);
  return g_strv_builder_end (builder);
}

static char *
check_name (const char  *name,
            GError     **error)
{
  g_autofree char *trimmed = NULL;

  if (name == NULL || !g_utf8_validate (name, -1, NULL))
    {
      g_set_error (error, FERRY_CONFIG_ERROR, FERRY_CONFIG_ERROR_INVALID_NAME,
                   _("Enter a name for the connection."));
      return NULL;
    }

  trimmed = g_strstrip (g_strdup (name));

  if (trimmed[0] == '\0')
    {
      g_set_error (error, FERRY_CONFIG_ERROR, FERRY_CONFIG_ERROR_INVALID_NAME,
                   _("Enter a name for the connection."));
      return NULL;
    }

  if (g_utf8_strlen (trimmed, -1) > NAME_MAX_CHARS)
    {
      g_set_error (error, FERRY_CONFIG_ERROR, FERRY_CONFIG_ERROR_INVALID_NAME,
                   _("The name is too long: use at most %d characters."), NAME_MAX_CHARS);
      return NULL;
    }

  if (ferry_config_text_has_control_chars (trimmed))
    {
      g_set_error (error, FERRY_CONFIG_ERROR, FERRY_CONFIG_ERROR_INVALID_NAME,
                   _("The name cannot contain line breaks, tabs or other control characters."));
      return NULL;
    }

  return g_steal_pointer (&trimmed);
}

/* Returns a validated, normalised copy of @node, keeping its id. */
static FerryNodeConfig *
check_node (const FerryNodeConfig  *node,
            GError                **error)
{
  g_autoptr(FerryNodeConfig) checked = NULL;
  g_autofree char *name = NULL;

  if (!ferry_uri_validate (node->uri, error))
    return NULL;

  if (!(name = check_name (node->name, error)))
    return NULL;

  if (!ferry_migration_address_validate (node->migration_address, error))
    return NULL;

  checked = g_new0 (FerryNodeConfig, 1);
  checked->id = g_strdup (node->id);
  checked->uri = g_strdup (node->uri);
  checked->name = g_steal_pointer (&name);
  if (node->migration_address != NULL && node->migration_address[0] != '\0')
    checked->migration_address = g_strdup (node->migration_address);
  checked->maintenance = node->maintenance;
  checked->evacuated = evacuated_checked (node->evacuated);

  return g_steal_pointer (&checked);
}

static int
find_by_id (GPtrArray  *nodes,
            const char *id)
{
  for (guint i = 0; i < nodes->len; i++)
    {
      const FerryNodeConfig *node = g_ptr_array_index (nodes, i);

      if (g_strcmp0 (node->id, id) == 0)
        return (int) i;
    }

  return -1;
}

static const FerryNodeConfig *
find_by_uri (GPtrArray  *nodes,
             const char *uri,
             const char *except_id)
{
  for (guint i = 0; i < nodes->len; i++)
    {
      const FerryNodeConfig *node = g_ptr_array_index (nodes, i);

      if (g_str_equal (node->uri, uri) && g_strcmp0 (node->id, except_id) != 0)
        return node;
    }

  return NULL;
}

static gboolean
check_unique_uri (GPtrArray   *nodes,
                  const char  *uri,
                  const char  *except_id,
                  GError     **error)
{
  const FerryNodeConfig *other = find_by_uri (nodes, uri, except_id);

  if (other == NULL)
    return TRUE;

  g_set_error (error, FERRY_CONFIG_ERROR, FERRY_CONFIG_ERROR_DUPLICATE_URI,
               _("There already is a connection to %s, named “%s”."), uri, other->name);
  return FALSE;
}

static void
copy_group (GKeyFile   *from,
            GKeyFile   *to,
            const char *group)
{
  g_auto(GStrv) keys = g_key_file_get_keys (from, group, NULL, NULL);

  /* GKeyFile has no way to create an empty group: those are dropped. */
  if (keys == NULL)
    return;

  for (guint i = 0; keys[i] != NULL; i++)
    {
      /* Raw values: they are already escaped as they should be on disk. */
      g_autofree char *value = g_key_file_get_value (from, group, keys[i], NULL);

      if (value != NULL)
        g_key_file_set_value (to, group, keys[i], value);
    }
}

static void
ferry_config_emit_changed (FerryConfig *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
ferry_config_reset (FerryConfig *self)
{
  g_ptr_array_set_size (self->nodes, 0);
  g_ptr_array_set_size (self->clusters, 0);
  g_ptr_array_set_size (self->load_warnings, 0);
  g_clear_pointer (&self->preserved, g_key_file_unref);
  self->preserved = g_key_file_new ();
  g_clear_pointer (&self->recovery_message, g_free);
  g_clear_error (&self->save_refusal);
}

static void
add_warning (GPtrArray  *warnings,
             const char *format,
             ...) G_GNUC_PRINTF (2, 3);

static void
add_warning (GPtrArray  *warnings,
             const char *format,
             ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (warnings, g_strdup_vprintf (format, args));
  va_end (args);
}

/* Reads one [Node <id>] group into @nodes, or explains in @warnings why
 * not. Returns FALSE when the group was skipped (and should be preserved). */
static gboolean
parse_node_group (GKeyFile   *key_file,
                  const char *group,
                  GPtrArray  *nodes,
                  GPtrArray  *warnings)
{
  g_autoptr(FerryNodeConfig) node = g_new0 (FerryNodeConfig, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *address = NULL;
  const char *id = group + strlen (NODE_PREFIX);
  const FerryNodeConfig *other;

  node->uri = g_key_file_get_string (key_file, group, "uri", NULL);
  name = g_key_file_get_string (key_file, group, "name", NULL);

  if (node->uri == NULL)
    {
      add_warning (warnings,
                   _("A saved connection (“%s”) has no readable URI and was skipped."),
                   name ? name : group);
      return FALSE;
    }

  if (!ferry_uri_validate (node->uri, &error))
    {
      add_warning (warnings, _("The saved connection “%s” was skipped: %s"),
                   name ? name : node->uri, error->message);
      return FALSE;
    }

  if ((other = find_by_uri (nodes, node->uri, NULL)))
    {
      add_warning (warnings,
                   _("The saved connection “%s” was skipped: it connects to %s, "
                     "like “%s”."),
                   name ? name : node->uri, node->uri, other->name);
      return FALSE;
    }

  /* Names are not re-checked beyond this: a hand-edited name with a line
   * break is odd but harmless, and refusing it would lose the node. */
  if (name != NULL)
    g_strstrip (name);
  if (name != NULL && name[0] != '\0')
    node->name = g_steal_pointer (&name);
  else
    node->name = ferry_uri_display_name (node->uri);

  address = g_key_file_get_string (key_file, group, "migration-address", NULL);
  g_clear_error (&error);
  if (address != NULL && address[0] != '\0')
    {
      if (ferry_migration_address_validate (address, &error))
        node->migration_address = g_steal_pointer (&address);
      else
        add_warning (warnings,
                     _("The migration address of “%s” was ignored: %s"),
                     node->name, error->message);
    }

  node->maintenance = g_key_file_get_boolean (key_file, group, "maintenance", NULL);
  {
    g_auto(GStrv) evacuated = g_key_file_get_string_list (key_file, group, "evacuated", NULL, NULL);

    node->evacuated = evacuated_checked (evacuated);
  }

  /* A hand-edited or clashing id gets a fresh one; ids are not user data. */
  if (ferry_config_id_is_valid (id) && find_by_id (nodes, id) < 0)
    node->id = g_strdup (id);
  else
    node->id = g_uuid_string_random ();

  g_ptr_array_add (nodes, g_steal_pointer (&node));
  return TRUE;
}

/* Reads one [Cluster <id>] group (ferry-cluster.c validates it). Returns
 * FALSE when the group was skipped (and should be preserved). */
static gboolean
parse_cluster_group (GKeyFile   *key_file,
                     const char *group,
                     GPtrArray  *clusters,
                     GPtrArray  *warnings)
{
  g_autoptr(GError) error = NULL;
  FerryClusterConfig *cluster = ferry_cluster_config_from_key_file (key_file, group, &error);

  if (cluster == NULL)
    {
      add_warning (warnings, _("A saved cluster was skipped: %s"), error->message);
      return FALSE;
    }
  g_ptr_array_add (clusters, cluster);
  return TRUE;
}

/* Returns FALSE with a reason (a clause for the recovery message) when the
 * file is corrupt, or with FERRY_CONFIG_ERROR_NEWER_VERSION. */
static gboolean
parse_contents (const char  *path,
                const char  *contents,
                gsize        length,
                GPtrArray   *nodes,
                GPtrArray   *clusters,
                GKeyFile    *preserved,
                GPtrArray   *warnings,
                GError     **error)
{
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;
  g_auto(GStrv) groups = NULL;
  g_autofree char *version_text = NULL;
  gint64 version;

  /* GKeyFile only notices bad UTF-8 in the values it is asked for; a file
   * that is not text at all is corrupt as a whole. This also rejects NULs. */
  if (!g_utf8_validate_len (contents, length, NULL))
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_UNKNOWN_ENCODING,
                   _("the file is not UTF-8 text"));
      return FALSE;
    }

  if (!g_key_file_load_from_data (key_file, contents, length, G_KEY_FILE_NONE, &local_error))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  groups = g_key_file_get_groups (key_file, NULL);

  /* An empty file holds nothing to lose: treat it as no saved connections. */
  if (groups[0] == NULL)
    return TRUE;

  if (!g_key_file_has_group (key_file, GROUP_FERRY))
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_GROUP_NOT_FOUND,
                   _("it is not a Ferry configuration file"));
      return FALSE;
    }

  version_text = g_key_file_get_value (key_file, GROUP_FERRY, "version", NULL);
  if (version_text == NULL ||
      !g_ascii_string_to_signed (version_text, 10, 1, G_MAXINT64, &version, NULL))
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   _("it has no valid format version"));
      return FALSE;
    }

  if (version > FORMAT_VERSION)
    {
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, FERRY_CONFIG_ERROR, FERRY_CONFIG_ERROR_NEWER_VERSION,
                   _("Your saved connections in %s were written by a newer Ferry "
                     "(format %" G_GINT64_FORMAT "). This version cannot read them and "
                     "will not overwrite them; update Ferry to use them."),
                   display, version);
      return FALSE;
    }

  for (guint i = 0; groups[i] != NULL; i++)
    {
      if (g_str_equal (groups[i], GROUP_FERRY))
        continue;

      if (g_str_has_prefix (groups[i], NODE_PREFIX) &&
          parse_node_group (key_file, groups[i], nodes, warnings))
        continue;

      if (g_str_has_prefix (groups[i], CLUSTER_PREFIX) &&
          parse_cluster_group (key_file, groups[i], clusters, warnings))
        continue;

      copy_group (key_file, preserved, groups[i]);
    }

  return TRUE;
}

/* Parser messages quote the offending line, which may be anything: keep
 * the recovery message one readable line. */
static char *
readable_reason (const char *message)
{
  GString *out = g_string_new (NULL);
  const char *p = message;

  for (guint count = 0; *p != '\0' && count < 160; p = g_utf8_next_char (p), count++)
    {
      gunichar c = g_utf8_get_char (p);

      g_string_append_unichar (out, g_unichar_iscntrl (c) ? 0xFFFD : c);
    }

  if (*p != '\0')
    g_string_append (out, "…");

  return g_string_free (out, FALSE);
}

static char *
move_aside (const char  *path,
            GError     **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *base = g_strdup_printf ("%s.broken-%s", path, stamp);
  g_autofree char *target = g_strdup (base);

  /* Two broken files in the same second must not replace each other. */
  for (guint i = 1; g_file_test (target, G_FILE_TEST_EXISTS | G_FILE_TEST_IS_SYMLINK); i++)
    {
      g_free (target);
      target = g_strdup_printf ("%s-%u", base, i);
    }

  if (g_rename (path, target) != 0)
    {
      int saved_errno = errno;

      g_set_error_literal (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                           g_strerror (saved_errno));
      return NULL;
    }

  return g_steal_pointer (&target);
}

/**
 * ferry_config_load:
 * @self: a #FerryConfig
 * @error: return location for an error
 *
 * Replaces the nodes with those in the file. A missing file means no saved
 * connections. A file that cannot be read is moved aside and the
 * configuration starts empty; ferry_config_get_recovery_message() then
 * explains what happened. Nodes that cannot be used are skipped and listed
 * by ferry_config_dup_load_warnings().
 *
 * Returns: %FALSE when the file was written by a newer Ferry, or when a
 *   broken file could not be moved aside. Saving is then refused too, so
 *   that the file is not destroyed.
 */
gboolean
ferry_config_load (FerryConfig  *self,
                   GError      **error)
{
  g_autoptr(GPtrArray) nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) ferry_node_config_free);
  g_autoptr(GPtrArray) clusters = g_ptr_array_new_with_free_func ((GDestroyNotify) ferry_cluster_config_free);
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GKeyFile) preserved = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GError) move_error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *moved_to = NULL;
  g_autofree char *display = NULL;
  g_autofree char *moved_display = NULL;
  g_autofree char *reason = NULL;
  gsize length = 0;

  g_return_val_if_fail (FERRY_IS_CONFIG (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  ferry_config_reset (self);

  if (!g_file_get_contents (self->path, &contents, &length, &local_error))
    {
      /* ENOTDIR: a parent is a file, so there is no config file either. */
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT) ||
          g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOTDIR))
        {
          ferry_config_emit_changed (self);
          return TRUE;
        }
    }
  else if (parse_contents (self->path, contents, length, nodes, clusters, preserved, warnings,
                           &local_error))
    {
      g_ptr_array_extend_and_steal (self->nodes, g_steal_pointer (&nodes));
      g_ptr_array_extend_and_steal (self->clusters, g_steal_pointer (&clusters));
      g_ptr_array_extend_and_steal (self->load_warnings, g_steal_pointer (&warnings));
      g_clear_pointer (&self->preserved, g_key_file_unref);
      self->preserved = g_steal_pointer (&preserved);
      ferry_config_emit_changed (self);
      return TRUE;
    }
  else if (g_error_matches (local_error, FERRY_CONFIG_ERROR, FERRY_CONFIG_ERROR_NEWER_VERSION))
    {
      self->save_refusal = g_error_copy (local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      ferry_config_emit_changed (self);
      return FALSE;
    }

  /* Unreadable or corrupt: keep the bytes for the administrator, start empty. */
  reason = readable_reason (local_error->message);
  display = g_filename_display_name (self->path);
  moved_to = move_aside (self->path, &move_error);
  if (moved_to == NULL)
    {
      g_set_error (&self->save_refusal, FERRY_CONFIG_ERROR, FERRY_CONFIG_ERROR_READ_ONLY,
                   _("Your saved connections could not be read (%s), and %s could not be "
                     "moved aside (%s). Ferry will not overwrite it."),
                   reason, display, move_error->message);
      g_propagate_error (error, g_error_copy (self->save_refusal));
      ferry_config_emit_changed (self);
      return FALSE;
    }

  moved_display = g_filename_display_name (moved_to);
  self->recovery_message =
    g_strdup_printf (_("Your saved connections could not be read (%s). The file was moved "
                       "to %s; Ferry started with no saved connections."),
                     reason, moved_display);
  ferry_config_emit_changed (self);
  return TRUE;
}

const char *
ferry_config_get_path (FerryConfig *self)
{
  g_return_val_if_fail (FERRY_IS_CONFIG (self), NULL);

  return self->path;
}

/**
 * ferry_config_get_recovery_message:
 * @self: a #FerryConfig
 *
 * Returns: (nullable): why the last load started from an empty
 *   configuration, as a sentence for the administrator, or %NULL
 */
const char *
ferry_config_get_recovery_message (FerryConfig *self)
{
  g_return_val_if_fail (FERRY_IS_CONFIG (self), NULL);

  return self->recovery_message;
}

/**
 * ferry_config_dup_load_warnings:
 * @self: a #FerryConfig
 *
 * Returns: (transfer full): one sentence per saved node the last load had
 *   to skip or change; empty, never %NULL
 */
GStrv
ferry_config_dup_load_warnings (FerryConfig *self)
{
  GStrv warnings;

  g_return_val_if_fail (FERRY_IS_CONFIG (self), NULL);

  warnings = g_new0 (char *, self->load_warnings->len + 1);
  for (guint i = 0; i < self->load_warnings->len; i++)
    warnings[i] = g_strdup (g_ptr_array_index (self->load_warnings, i));

  return warnings;
}

static gpointer
copy_node_func (gconstpointer node,
                gpointer      user_data)
{
  return ferry_node_config_copy (node);
}

/**
 * ferry_config_dup_nodes:
 * @self: a #FerryConfig
 *
 * Returns: (transfer full) (element-type FerryNodeConfig): a deep copy of
 *   the nodes, in saved order
 */
GPtrArray *
ferry_config_dup_nodes (FerryConfig *self)
{
  g_return_val_if_fail (FERRY_IS_CONFIG (self), NULL);

  return g_ptr_array_copy (self->nodes, copy_node_func, NULL);
}

/**
 * ferry_config_add_node:
 * @self: a #FerryConfig
 * @node: the node to add; its name is stored trimmed
 * @error: return location for a #FERRY_URI_ERROR or #FERRY_CONFIG_ERROR
 *
 * The node keeps its id unless that is missing or already taken.
 */
gboolean
ferry_config_add_node (FerryConfig            *self,
                       const FerryNodeConfig  *node,
                       GError                **error)
{
  g_autoptr(FerryNodeConfig) checked = NULL;

  g_return_val_if_fail (FERRY_IS_CONFIG (self), FALSE);
  g_return_val_if_fail (node != NULL, FALSE);

  if (!(checked = check_node (node, error)))
    return FALSE;

  if (!check_unique_uri (self->nodes, checked->uri, NULL, error))
    return FALSE;

  if (!ferry_config_id_is_valid (checked->id) || find_by_id (self->nodes, checked->id) >= 0)
    {
      g_free (checked->id);
      checked->id = g_uuid_string_random ();
    }

  g_ptr_array_add (self->nodes, g_steal_pointer (&checked));
  ferry_config_emit_changed (self);
  return TRUE;
}

/**
 * ferry_config_update_node:
 * @self: a #FerryConfig
 * @node: the new values of the node with the same id
 * @error: return location for a #FERRY_URI_ERROR or #FERRY_CONFIG_ERROR
 */
gboolean
ferry_config_update_node (FerryConfig            *self,
                          const FerryNodeConfig  *node,
                          GError                **error)
{
  g_autoptr(FerryNodeConfig) checked = NULL;
  int index;

  g_return_val_if_fail (FERRY_IS_CONFIG (self), FALSE);
  g_return_val_if_fail (node != NULL, FALSE);

  index = find_by_id (self->nodes, node->id);
  if (node->id == NULL || index < 0)
    {
      g_set_error (error, FERRY_CONFIG_ERROR, FERRY_CONFIG_ERROR_NOT_FOUND,
                   _("This connection is no longer in the saved connections."));
      return FALSE;
    }

  if (!(checked = check_node (node, error)))
    return FALSE;

  if (!check_unique_uri (self->nodes, checked->uri, checked->id, error))
    return FALSE;

  ferry_node_config_free (g_ptr_array_index (self->nodes, index));
  g_ptr_array_index (self->nodes, index) = g_steal_pointer (&checked);
  ferry_config_emit_changed (self);
  return TRUE;
}

/**
 * ferry_config_remove_node:
 * @self: a #FerryConfig
 * @id: the id of the node to remove
 *
 * Returns: %TRUE if a node was removed
 */
gboolean
ferry_config_remove_node (FerryConfig *self,
                          const char  *id)
{
  int index;

  g_return_val_if_fail (FERRY_IS_CONFIG (self), FALSE);

  if (id == NULL || (index = find_by_id (self->nodes, id)) < 0)
    return FALSE;

  g_ptr_array_remove_index (self->nodes, index);
  /* A removed connection leaves its clusters too. */
  for (guint i = 0; i < self->clusters->len; i++)
    ferry_cluster_config_remove_node (g_ptr_array_index (self->clusters, i), id);
  ferry_config_emit_changed (self);
  return TRUE;
}

/* Clusters: [Cluster <id>] groups, next to the nodes they name. */

static int
find_cluster (GPtrArray  *clusters,
              const char *id)
{
  for (guint i = 0; i < clusters->len; i++)
    if (g_strcmp0 (((FerryClusterConfig *) g_ptr_array_index (clusters, i))->id, id) == 0)
      return (int) i;
  return -1;
}

static gpointer
copy_cluster_func (gconstpointer cluster,
                   gpointer      user_data)
{
  return ferry_cluster_config_copy (cluster);
}

/**
 * ferry_config_dup_clusters:
 * @self: a #FerryConfig
 *
 * Returns: (transfer full) (element-type FerryClusterConfig): a deep copy
 */
GPtrArray *
ferry_config_dup_clusters (FerryConfig *self)
{
  g_return_val_if_fail (FERRY_IS_CONFIG (self), NULL);

  return g_ptr_array_copy (self->clusters, copy_cluster_func, NULL);
}

/* Validated copy whose members all are saved nodes. */
static FerryClusterConfig *
check_cluster (FerryConfig               *self,
               const FerryClusterConfig  *cluster,
               GError                   **error)
{
  g_autoptr(FerryClusterConfig) checked = ferry_cluster_config_copy (cluster);

  if (!ferry_cluster_config_validate (checked, error))
    return NULL;
  for (guint i = 0; checked->nodes[i] != NULL; i++)
    if (find_by_id (self->nodes, checked->nodes[i]) < 0)
      {
        g_set_error (error, FERRY_CONFIG_ERROR, FERRY_CONFIG_ERROR_NOT_FOUND,
                     _("A node of the cluster “%s” is not among the saved connections."),
                     checked->name);
        return NULL;
      }
  return g_steal_pointer (&checked);
}

/**
 * ferry_config_add_cluster:
 * @self: a #FerryConfig
 * @cluster: the cluster; its members must be saved nodes
 * @error: return location for a #FERRY_CLUSTER_ERROR or #FERRY_CONFIG_ERROR
 */
gboolean
ferry_config_add_cluster (FerryConfig               *self,
                          const FerryClusterConfig  *cluster,
                          GError                   **error)
{
  FerryClusterConfig *checked;

  g_return_val_if_fail (FERRY_IS_CONFIG (self), FALSE);
  g_return_val_if_fail (cluster != NULL, FALSE);

  if (!(checked = check_cluster (self, cluster, error)))
    return FALSE;
  if (find_cluster (self->clusters, checked->id) >= 0)
    {
      ferry_cluster_config_free (checked);
      g_set_error (error, FERRY_CLUSTER_ERROR, FERRY_CLUSTER_ERROR_EXISTS,
                   _("This cluster is already saved."));
      return FALSE;
    }
  g_ptr_array_add (self->clusters, checked);
  ferry_config_emit_changed (self);
  return TRUE;
}

/**
 * ferry_config_update_cluster:
 * @self: a #FerryConfig
 * @cluster: the new values of the cluster with the same id
 * @error: return location for an error
 */
gboolean
ferry_config_update_cluster (FerryConfig               *self,
                             const FerryClusterConfig  *cluster,
                             GError                   **error)
{
  FerryClusterConfig *checked;
  int index;

  g_return_val_if_fail (FERRY_IS_CONFIG (self), FALSE);
  g_return_val_if_fail (cluster != NULL, FALSE);

  if ((index = find_cluster (self->clusters, cluster->id)) < 0)
    {
      g_set_error (error, FERRY_CONFIG_ERROR, FERRY_CONFIG_ERROR_NOT_FOUND,
                   _("This cluster is no longer in the saved clusters."));
      return FALSE;
    }
  if (!(checked = check_cluster (self, cluster, error)))
    return FALSE;
  ferry_cluster_config_free (g_ptr_array_index (self->clusters, index));
  g_ptr_array_index (self->clusters, index) = checked;
  ferry_config_emit_changed (self);
  return TRUE;
}

/**
 * ferry_config_remove_cluster:
 * @self: a #FerryConfig
 * @id: the cluster's id
 *
 * Forgets the cluster; its nodes stay saved connections.
 *
 * Returns: %TRUE if a cluster was removed
 */
gboolean
ferry_config_remove_cluster (FerryConfig *self,
                             const char  *id)
{
  int index;

  g_return_val_if_fail (FERRY_IS_CONFIG (self), FALSE);

  if (id == NULL || (index = find_cluster (self->clusters, id)) < 0)
    return FALSE;
  g_ptr_array_remove_index (self->clusters, index);
  ferry_config_emit_changed (self);
  return TRUE;
}

typedef struct
{
  char    *path;
  char    *data;
  gsize    length;
  guint64  serial;
} Snapshot;

static void
snapshot_free (Snapshot *snapshot)
{
  g_free (snapshot->path);
  g_free (snapshot->data);
  g_free (snapshot);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Snapshot, snapshot_free)

static Snapshot *
ferry_config_snapshot (FerryConfig  *self,
                       GError      **error)
{
  g_autoptr(GKeyFile) key_file = NULL;
  g_auto(GStrv) groups = NULL;
  Snapshot *snapshot;

  if (self->save_refusal != NULL)
    {
      g_propagate_error (error, g_error_copy (self->save_refusal));
      return NULL;
    }

  key_file = g_key_file_new ();
  g_key_file_set_integer (key_file, GROUP_FERRY, "version", FORMAT_VERSION);

  for (guint i = 0; i < self->nodes->len; i++)
    {
      const FerryNodeConfig *node = g_ptr_array_index (self->nodes, i);
      g_autofree char *group = g_strconcat (NODE_PREFIX, node->id, NULL);

      /* set_string (not set_value) escapes newlines and leading spaces. */
      g_key_file_set_string (key_file, group, "uri", node->uri);
      g_key_file_set_string (key_file, group, "name", node->name);
      if (node->migration_address != NULL)
        g_key_file_set_string (key_file, group, "migration-address", node->migration_address);
      if (node->maintenance)
        g_key_file_set_boolean (key_file, group, "maintenance", TRUE);
      if (node->evacuated != NULL && node->evacuated[0] != NULL)
        g_key_file_set_string_list (key_file, group, "evacuated", (const char * const *) node->evacuated,
                                    g_strv_length (node->evacuated));
    }

  for (guint i = 0; i < self->clusters->len; i++)
    {
      const FerryClusterConfig *cluster = g_ptr_array_index (self->clusters, i);
      g_autofree char *group = g_strconcat (CLUSTER_PREFIX, cluster->id, NULL);

      ferry_cluster_config_to_key_file (cluster, key_file, group);
    }

  groups = g_key_file_get_groups (self->preserved, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      /* A preserved group can only clash with a node of ours by a repeated
       * UUID; ours wins. */
      if (!g_key_file_has_group (key_file, groups[i]))
        copy_group (self->preserved, key_file, groups[i]);
    }

  snapshot = g_new0 (Snapshot, 1);
  snapshot->path = g_strdup (self->path);
  snapshot->data = g_key_file_to_data (key_file, &snapshot->length, NULL);
  snapshot->serial = ++self->next_serial;

  return snapshot;
}

/* Called with write_lock held. */
static gboolean
ferry_config_write_locked (FerryConfig  *self,
                           Snapshot     *snapshot,
                           GError      **error)
{
  g_autofree char *dir = NULL;

  if (snapshot->serial < self->written_serial)
    return TRUE;

  dir = g_path_get_dirname (snapshot->path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;
      g_autofree char *display = g_filename_display_name (dir);

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   _("Could not create the folder %s: %s"),
                   display, g_strerror (saved_errno));
      return FALSE;
    }

  /* Temporary file, fsync, rename: a crash leaves the old or the new file,
   * never a truncated one. 0600: the file names hosts and users. */
  if (!g_file_set_contents_full (snapshot->path, snapshot->data, snapshot->length,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, error))
    {
      g_autofree char *display = g_filename_display_name (snapshot->path);

      /* GLib names the temporary file; say which file the user cares about. */
      g_prefix_error (error, _("Could not save your connections to %s: "), display);
      return FALSE;
    }

  self->written_serial = snapshot->serial;
  return TRUE;
}

/* Runs in any thread: touches only the snapshot and the write lock. */
static gboolean
ferry_config_write (FerryConfig  *self,
                    Snapshot     *snapshot,
                    GError      **error)
{
  gboolean ret;

  g_mutex_lock (&self->write_lock);
  ret = ferry_config_write_locked (self, snapshot, error);
  g_mutex_unlock (&self->write_lock);

  return ret;
}

/**
 * ferry_config_save:
 * @self: a #FerryConfig
 * @error: return location for an error
 *
 * Writes the configuration atomically. Blocks on disk I/O; the UI should
 * use ferry_config_save_async().
 */
gboolean
ferry_config_save (FerryConfig  *self,
                   GError      **error)
{
  g_autoptr(Snapshot) snapshot = NULL;

  g_return_val_if_fail (FERRY_IS_CONFIG (self), FALSE);

  if (!(snapshot = ferry_config_snapshot (self, error)))
    return FALSE;

  return ferry_config_write (self, snapshot, error);
}

static void
ferry_config_save_thread (GTask        *task,
                          gpointer      source_object,
                          gpointer      task_data,
                          GCancellable *cancellable)
{
  GError *error = NULL;

  if (ferry_config_write (source_object, task_data, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * ferry_config_save_async:
 * @self: a #FerryConfig
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the file is written
 * @user_data: data for @callback
 *
 * Takes a snapshot now, on the calling thread, and writes it in a worker
 * thread. Later changes are not part of this save.
 */
void
ferry_config_save_async (FerryConfig         *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;
  Snapshot *snapshot;

  g_return_if_fail (FERRY_IS_CONFIG (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ferry_config_save_async);

  if (!(snapshot = ferry_config_snapshot (self, &error)))
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_set_task_data (task, snapshot, (GDestroyNotify) snapshot_free);
  /* Once started, a write must finish: a half-done save helps nobody. */
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, ferry_config_save_thread);
}

gboolean
ferry_config_save_finish (FerryConfig   *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (FERRY_IS_CONFIG (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ferry_config_save_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * ferry_config_new:
 * @path: (nullable): the file to use, or %NULL for
 *   `$XDG_CONFIG_HOME/ferry/config.ini`
 *
 * Nothing is read until ferry_config_load().
 */
FerryConfig *
ferry_config_new (const char *path)
{
  return g_object_new (FERRY_TYPE_CONFIG, "path", path, NULL);
}

static void
ferry_config_constructed (GObject *object)
{
  FerryConfig *self = FERRY_CONFIG (object);

  G_OBJECT_CLASS (ferry_config_parent_class)->constructed (object);

  if (self->path == NULL)
    self->path = g_build_filename (g_get_user_config_dir (), "ferry", "config.ini", NULL);
}

static void
ferry_config_finalize (GObject *object)
{
  FerryConfig *self = FERRY_CONFIG (object);

  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->nodes, g_ptr_array_unref);
  g_clear_pointer (&self->clusters, g_ptr_array_unref);
  g_clear_pointer (&self->preserved, g_key_file_unref);
  g_clear_pointer (&self->load_warnings, g_ptr_array_unref);
  g_clear_pointer (&self->recovery_message, g_free);
  g_clear_error (&self->save_refusal);
  g_mutex_clear (&self->write_lock);

  G_OBJECT_CLASS (ferry_config_parent_class)->finalize (object);
}

static void
ferry_config_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  FerryConfig *self = FERRY_CONFIG (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_config_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  FerryConfig *self = FERRY_CONFIG (object);

  switch (prop_id)
    {
    case PROP_PATH:
      self->path = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_config_class_init (FerryConfigClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = ferry_config_constructed;
  object_class->finalize = ferry_config_finalize;
  object_class->get_property = ferry_config_get_property;
  object_class->set_property = ferry_config_set_property;

  /**
   * FerryConfig:path:
   *
   * The configuration file. %NULL at construction means the default
   * location in the user's configuration directory.
   */
  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * FerryConfig::changed:
   *
   * Emitted after the nodes changed: add, update, remove or load.
   */
  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
ferry_config_init (FerryConfig *self)
{
  self->nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) ferry_node_config_free);
  self->clusters = g_ptr_array_new_with_free_func ((GDestroyNotify) ferry_cluster_config_free);
  self->load_warnings = g_ptr_array_new_with_free_func (g_free);
  self->preserved = g_key_file_new ();
  g_mutex_init (&self->write_lock);
}
