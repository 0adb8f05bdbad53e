/* ferry-session.c — what one running Ferry manages, without a window
 *
 * The saved connections and clusters, the inventory of nodes and VMs, the
 * task log, statistics, migrations, high availability and balancing: the
 * rules an administrator relies on, in one GTK-free object that unit tests
 * drive on test:///. The application only adds windows, actions and the
 * glue to GSettings (compare Text Editor's EditorSession).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "ferry-balancer.h"
#include "ferry-core.h"
#include "ferry-session.h"
#include "ferry-uri.h"

/* Automatic balancing looks once a minute. */
#define BALANCE_PERIOD_S 60

struct _FerrySession
{
  GObject              parent_instance;

  FerryConfig         *config;
  FerryInventory      *inventory;
  FerryTaskLog        *task_log;
  FerryStatsSampler   *sampler;
  FerryMigrationQueue *migration_queue;
  FerryHaManager      *ha_manager;
  GListStore          *clusters;        /* FerryCluster */
  GHashTable          *connect_tasks;   /* FerryNode* → FerryTask* of the attempt under way */
  GHashTable          *last_moved;      /* VM UUID → gint64* monotonic time of its last migration */
  GCancellable        *cancellable;

  FerryMigrationPreset preset;
  guint                bandwidth_mib;
  guint                balance_source;

  gboolean             started;
  gboolean             ephemeral;
};

enum {
  PROP_0,
  PROP_BALANCE_AUTOMATIC,
  N_PROPS
};

enum {
  MIGRATION_FINISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (FerrySession, ferry_session, G_TYPE_OBJECT)

FerrySession *
ferry_session_new (const char *config_path)
{
  FerrySession *self = g_object_new (FERRY_TYPE_SESSION, NULL);

  self->config = ferry_config_new (config_path);
  return self;
}

FerryInventory *
ferry_session_get_inventory (FerrySession *self)
{
  g_return_val_if_fail (FERRY_IS_SESSION (self), NULL);
  return self->inventory;
}

FerryTaskLog *
ferry_session_get_task_log (FerrySession *self)
{
  g_return_val_if_fail (FERRY_IS_SESSION (self), NULL);
  return self->task_log;
}

FerryStatsSampler *
ferry_session_get_sampler (FerrySession *self)
{
  g_return_val_if_fail (FERRY_IS_SESSION (self), NULL);
  return self->sampler;
}

FerryMigrationQueue *
ferry_session_get_migration_queue (FerrySession *self)
{
  g_return_val_if_fail (FERRY_IS_SESSION (self), NULL);
  return self->migration_queue;
}

FerryHaManager *
ferry_session_get_ha_manager (FerrySession *self)
{
  g_return_val_if_fail (FERRY_IS_SESSION (self), NULL);
  return self->ha_manager;
}

gboolean
ferry_session_get_ephemeral (FerrySession *self)
{
  g_return_val_if_fail (FERRY_IS_SESSION (self), FALSE);
  return self->ephemeral;
}

gboolean
ferry_session_get_started (FerrySession *self)
{
  g_return_val_if_fail (FERRY_IS_SESSION (self), FALSE);
  return self->started;
}

/* ------------------------------------------------------------------------ */
/* Saving                                                                   */

static void
save_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!ferry_config_save_finish (FERRY_CONFIG (object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("Could not save connections: %s", error->message);
}

static void
save_config (FerrySession *self)
{
  if (!self->ephemeral)
    ferry_config_save_async (self->config, self->cancellable, save_done, NULL);
}

/* ------------------------------------------------------------------------ */
/* Connections                                                              */

/* Every connection attempt is a task in the log: when it starts, and how
 * it ended (connected, or why not). Reconnection attempts of a node that
 * stays down are one task, not one per retry. */
static void
on_node_state (FerryNode    *node,
               GParamSpec   *pspec,
               FerrySession *self)
{
  FerryTask *task = g_hash_table_lookup (self->connect_tasks, node);

  switch (ferry_node_get_state (node))
    {
    case FERRY_NODE_STATE_CONNECTING:
      if (task == NULL)
        {
          task = ferry_task_log_start (self->task_log, _("Connect"), ferry_node_get_name (node));
          g_hash_table_insert (self->connect_tasks, node, g_object_ref (task));
        }
      break;
    case FERRY_NODE_STATE_CONNECTED:
      if (task == NULL)
        {
          /* A reconnection after the node was lost. */
          task = ferry_task_log_start (self->task_log, _("Reconnect"), ferry_node_get_name (node));
          g_hash_table_insert (self->connect_tasks, node, g_object_ref (task));
        }
      ferry_task_succeed (task, ferry_node_get_hostname (node));
      g_hash_table_remove (self->connect_tasks, node);
      break;
    case FERRY_NODE_STATE_UNREACHABLE:
    case FERRY_NODE_STATE_AUTH_FAILED:
      {
        const char *why = ferry_node_get_error (node) ? ferry_node_get_error (node)
                                                      : ferry_node_state_to_string (ferry_node_get_state (node));
        g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, why);

        if (task == NULL)
          task = ferry_task_log_start (self->task_log, _("Connection lost"), ferry_node_get_name (node));
        ferry_task_fail (task, error);
        g_hash_table_remove (self->connect_tasks, node);
      }
      break;
    case FERRY_NODE_STATE_DISCONNECTED:
    default:
      g_hash_table_remove (self->connect_tasks, node);
      break;
    }
}

static FerryNode *
add_node (FerrySession          *self,
          const FerryNodeConfig *config)
{
  g_autofree char *display = NULL;
  g_autoptr(FerryNode) node = NULL;
  const char *name = config->name;

  if (name == NULL || *name == '\0')
    name = display = ferry_uri_display_name (config->uri);

  node = ferry_node_new (config->uri, name, config->migration_address);
  if (config->id != NULL)
    ferry_node_set_id (node, config->id);
  ferry_node_set_maintenance (node, config->maintenance, (const char * const *) config->evacuated);
  ferry_inventory_add_node (self->inventory, node);
  g_signal_connect_object (node, "notify::state", G_CALLBACK (on_node_state), self, 0);
  ferry_node_connect (node);
  return node;
}

char *
ferry_session_start (FerrySession *self,
                     gboolean      load_saved)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) nodes = NULL;
  g_autoptr(GPtrArray) clusters = NULL;
  g_auto(GStrv) warnings = NULL;
  g_autoptr(GString) message = g_string_new (NULL);

  g_return_val_if_fail (FERRY_IS_SESSION (self), NULL);

  if (self->started)
    return NULL;
  self->started = TRUE;
  if (!load_saved)
    {
      self->ephemeral = TRUE;
      return NULL;
    }

  if (!ferry_config_load (self->config, &error))
    {
      g_string_append (message, error->message);
    }
  else
    {
      if (ferry_config_get_recovery_message (self->config) != NULL)
        g_string_append (message, ferry_config_get_recovery_message (self->config));
      warnings = ferry_config_dup_load_warnings (self->config);
      for (guint i = 0; warnings != NULL && warnings[i] != NULL; i++)
        g_string_append_printf (message, "%s%s", message->len ? "\n" : "", warnings[i]);
    }

  nodes = ferry_config_dup_nodes (self->config);
  for (guint i = 0; i < nodes->len; i++)
    add_node (self, g_ptr_array_index (nodes, i));

  clusters = ferry_config_dup_clusters (self->config);
  for (guint i = 0; i < clusters->len; i++)
    {
      g_autoptr(FerryCluster) cluster = ferry_cluster_new (g_ptr_array_index (clusters, i));

      g_list_store_append (self->clusters, cluster);
    }

  return message->len > 0 ? g_string_free (g_steal_pointer (&message), FALSE) : NULL;
}

gboolean
ferry_session_add_connection (FerrySession           *self,
                              const FerryNodeConfig  *requested,
                              GError                **error)
{
  g_autoptr(FerryNodeConfig) config = NULL;

  g_return_val_if_fail (FERRY_IS_SESSION (self), FALSE);
  g_return_val_if_fail (requested != NULL, FALSE);

  config = ferry_node_config_copy (requested);
  if (config->name == NULL || *config->name == '\0')
    {
      g_free (config->name);
      config->name = ferry_uri_display_name (config->uri);
      if (config->name == NULL)
        config->name = g_strdup (config->uri);
    }

  if (ferry_inventory_find_node_by_uri (self->inventory, config->uri) != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   _("A connection to %s already exists"), config->uri);
      return FALSE;
    }

  if (self->ephemeral)
    {
      if (!ferry_uri_validate (config->uri, error) ||
          !ferry_migration_address_validate (config->migration_address, error))
        return FALSE;
    }
  else
    {
      if (!ferry_config_add_node (self->config, config, error))
        return FALSE;
      save_config (self);
    }

  add_node (self, config);
  return TRUE;
}

FerryNode *
ferry_session_connect_unsaved (FerrySession *self,
                               const char   *uri)
{
  FerryNode *node;
  g_autoptr(FerryNodeConfig) config = NULL;

  g_return_val_if_fail (FERRY_IS_SESSION (self), NULL);
  g_return_val_if_fail (uri != NULL, NULL);

  node = ferry_inventory_find_node_by_uri (self->inventory, uri);
  if (node != NULL)
    return node;
  config = ferry_node_config_new (uri, NULL, NULL);
  return add_node (self, config);
}

/* The saved entry of @node as it is now, with @maintenance and @evacuated. */
static FerryNodeConfig *
node_config (FerryNode          *node,
             const char         *name,
             const char         *migration_address,
             gboolean            maintenance,
             const char * const *evacuated)
{
  FerryNodeConfig *config = ferry_node_config_new (ferry_node_get_uri (node), name, migration_address);

  g_free (config->id);
  config->id = g_strdup (ferry_node_get_id (node));
  config->maintenance = maintenance;
  config->evacuated = evacuated != NULL && evacuated[0] != NULL ? g_strdupv ((char **) evacuated) : NULL;
  return config;
}

gboolean
ferry_session_update_connection (FerrySession  *self,
                                 FerryNode     *node,
                                 const char    *name,
                                 const char    *migration_address,
                                 GError       **error)
{
  g_autoptr(FerryNodeConfig) config = NULL;

  g_return_val_if_fail (FERRY_IS_SESSION (self), FALSE);
  g_return_val_if_fail (FERRY_IS_NODE (node), FALSE);

  if (!ferry_migration_address_validate (migration_address, error))
    return FALSE;

  config = node_config (node, name, migration_address, ferry_node_get_maintenance (node),
                        ferry_node_get_evacuated (node));
  if (!self->ephemeral)
    {
      if (!ferry_config_update_node (self->config, config, error))
        return FALSE;
      save_config (self);
    }
  ferry_node_set_name (node, name);
  ferry_node_set_migration_address (node, migration_address);
  return TRUE;
}

gboolean
ferry_session_set_node_maintenance (FerrySession        *self,
                                    FerryNode           *node,
                                    gboolean             maintenance,
                                    const char * const  *evacuated,
                                    GError             **error)
{
  g_autoptr(FerryNodeConfig) config = NULL;

  g_return_val_if_fail (FERRY_IS_SESSION (self), FALSE);
  g_return_val_if_fail (FERRY_IS_NODE (node), FALSE);

  config = node_config (node, ferry_node_get_name (node), ferry_node_get_migration_address (node),
                        maintenance, evacuated);
  if (!self->ephemeral)
    {
      if (!ferry_config_update_node (self->config, config, error))
        return FALSE;
      save_config (self);
    }
  ferry_node_set_maintenance (node, maintenance, evacuated);
  return TRUE;
}

void
ferry_session_remove_node (FerrySession *self,
                           FerryNode    *node)
{
  g_return_if_fail (FERRY_IS_SESSION (self));
  g_return_if_fail (FERRY_IS_NODE (node));

  g_object_ref (node);
  g_signal_handlers_disconnect_by_data (node, self);
  g_hash_table_remove (self->connect_tasks, node);
  ferry_inventory_remove_node (self->inventory, node);
  if (!self->ephemeral && ferry_config_remove_node (self->config, ferry_node_get_id (node)))
    save_config (self);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->clusters)); i++)
    {
      g_autoptr(FerryCluster) cluster = g_list_model_get_item (G_LIST_MODEL (self->clusters), i);
      g_autoptr(FerryClusterConfig) config = ferry_cluster_config_copy (ferry_cluster_get_config (cluster));

      /* The saved file forgot it with the node. */
      if (ferry_cluster_config_remove_node (config, ferry_node_get_id (node)))
        ferry_cluster_set_config (cluster, config);
    }
  g_object_unref (node);
}

/* ------------------------------------------------------------------------ */
/* Clusters (saved next to the connections; in memory only when ephemeral)   */

GListModel *
ferry_session_get_clusters (FerrySession *self)
{
  g_return_val_if_fail (FERRY_IS_SESSION (self), NULL);
  return G_LIST_MODEL (self->clusters);
}

FerryCluster *
ferry_session_find_cluster (FerrySession *self,
                            const char   *id)
{
  g_return_val_if_fail (FERRY_IS_SESSION (self), NULL);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->clusters)); i++)
    {
      g_autoptr(FerryCluster) cluster = g_list_model_get_item (G_LIST_MODEL (self->clusters), i);

      if (g_strcmp0 (ferry_cluster_get_id (cluster), id) == 0)
        return cluster;   /* the store keeps it */
    }
  return NULL;
}

gboolean
ferry_session_save_cluster (FerrySession              *self,
                            const FerryClusterConfig  *config,
                            GError                   **error)
{
  g_autoptr(FerryClusterConfig) checked = NULL;
  FerryCluster *existing;

  g_return_val_if_fail (FERRY_IS_SESSION (self), FALSE);
  g_return_val_if_fail (config != NULL, FALSE);

  checked = ferry_cluster_config_copy (config);
  if (!ferry_cluster_config_validate (checked, error))
    return FALSE;
  existing = ferry_session_find_cluster (self, checked->id);
  if (!self->ephemeral)
    {
      if (existing != NULL ? !ferry_config_update_cluster (self->config, checked, error)
                           : !ferry_config_add_cluster (self->config, checked, error))
        return FALSE;
      save_config (self);
    }
  if (existing != NULL)
    ferry_cluster_set_config (existing, checked);
  else
    {
      g_autoptr(FerryCluster) cluster = ferry_cluster_new (checked);

      g_list_store_append (self->clusters, cluster);
    }
  return TRUE;
}

void
ferry_session_delete_cluster (FerrySession *self,
                              FerryCluster *cluster)
{
  guint position;

  g_return_if_fail (FERRY_IS_SESSION (self));
  g_return_if_fail (FERRY_IS_CLUSTER (cluster));

  if (!self->ephemeral && ferry_config_remove_cluster (self->config, ferry_cluster_get_id (cluster)))
    save_config (self);
  if (g_list_store_find (self->clusters, cluster, &position))
    g_list_store_remove (self->clusters, position);
}

GHashTable *
ferry_session_dup_keep_apart (FerrySession *self,
                              FerryNode    *node)
{
  GHashTable *groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  g_return_val_if_fail (FERRY_IS_SESSION (self), groups);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->clusters)); i++)
    {
      g_autoptr(FerryCluster) cluster = g_list_model_get_item (G_LIST_MODEL (self->clusters), i);
      const FerryClusterConfig *config = ferry_cluster_get_config (cluster);
      g_autoptr(GHashTable) these = NULL;
      GHashTableIter iter;
      gpointer key, value;

      if (!ferry_cluster_config_has_node (config, ferry_node_get_id (node)))
        continue;
      these = ferry_cluster_config_get_groups (config);
      g_hash_table_iter_init (&iter, these);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_hash_table_replace (groups, g_strdup (key), g_strdup (value));
    }
  return groups;
}

/* Recovery keeps the clusters' keep-apart groups apart too. */
static GHashTable *
ha_groups_for (FerryNode    *node,
               FerrySession *self)
{
  return ferry_session_dup_keep_apart (self, node);
}

/* ------------------------------------------------------------------------ */
/* Migrations                                                               */

void
ferry_session_set_migration_defaults (FerrySession         *self,
                                      FerryMigrationPreset  preset,
                                      guint                 bandwidth_mib)
{
  g_return_if_fail (FERRY_IS_SESSION (self));
  self->preset = preset;
  self->bandwidth_mib = bandwidth_mib;
}

/* The preset is for live moves; an offline one has nothing to tune. */
FerryMigrationOptions *
ferry_session_dup_migration_defaults (FerrySession *self,
                                      gboolean      live)
{
  FerryMigrationOptions *options;

  g_return_val_if_fail (FERRY_IS_SESSION (self), NULL);

  options = ferry_migration_options_new (live ? self->preset : FERRY_MIGRATION_PRESET_DEFAULT);
  options->live = live;
  if (live)
    options->bandwidth_mib = self->bandwidth_mib;
  return options;
}

static void
migration_state_changed (FerryMigration *migration,
                         GParamSpec     *pspec,
                         FerrySession   *self)
{
  if (!ferry_migration_is_finished (migration))
    return;
  g_signal_handlers_disconnect_by_func (migration, migration_state_changed, self);
  g_signal_emit (self, signals[MIGRATION_FINISHED], 0, migration);
}

gboolean
ferry_session_migrate (FerrySession                 *self,
                       FerryVm                      *vm,
                       FerryNode                    *destination,
                       const FerryMigrationOptions  *options,
                       GError                      **error)
{
  g_autoptr(FerryMigration) migration = NULL;

  g_return_val_if_fail (FERRY_IS_SESSION (self), FALSE);
  g_return_val_if_fail (FERRY_IS_VM (vm), FALSE);
  g_return_val_if_fail (FERRY_IS_NODE (destination), FALSE);

  migration = ferry_migration_new (vm, destination, options);
  if (!ferry_migration_queue_add (self->migration_queue, migration, error))
    return FALSE;
  /* The balancer leaves a VM alone for a while after it moved. */
  g_hash_table_insert (self->last_moved, g_strdup (ferry_vm_get_uuid (vm)),
                       g_memdup2 (&(gint64) { g_get_monotonic_time () }, sizeof (gint64)));
  if (!ferry_migration_is_finished (migration))
    g_signal_connect_object (migration, "notify::state", G_CALLBACK (migration_state_changed), self, 0);
  else
    g_signal_emit (self, signals[MIGRATION_FINISHED], 0, migration);
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Balancing                                                                */

GHashTable *
ferry_session_get_last_moved (FerrySession *self)
{
  g_return_val_if_fail (FERRY_IS_SESSION (self), NULL);
  return self->last_moved;
}

GPtrArray *
ferry_session_suggest_balance (FerrySession *self,
                               FerryCluster *cluster)
{
  g_autoptr(GPtrArray) nodes = g_ptr_array_new_with_free_func (g_object_unref);
  const FerryClusterConfig *config;
  GListModel *all;

  g_return_val_if_fail (FERRY_IS_SESSION (self), NULL);
  g_return_val_if_fail (FERRY_IS_CLUSTER (cluster), NULL);

  config = ferry_cluster_get_config (cluster);
  all = ferry_inventory_get_nodes (self->inventory);
  for (guint i = 0; i < g_list_model_get_n_items (all); i++)
    {
      g_autoptr(FerryNode) node = g_list_model_get_item (all, i);

      if (ferry_cluster_config_has_node (config, ferry_node_get_id (node)))
        g_ptr_array_add (nodes, g_object_ref (node));
    }
  return ferry_balance_suggest (nodes, self->last_moved, FERRY_BALANCE_THRESHOLD, FERRY_BALANCE_MAX_MOVES);
}

void
ferry_session_apply_balance (FerrySession *self,
                             GPtrArray    *suggestions)
{
  g_return_if_fail (FERRY_IS_SESSION (self));

  for (guint i = 0; suggestions != NULL && i < suggestions->len; i++)
    {
      FerryBalanceSuggestion *s = g_ptr_array_index (suggestions, i);
      g_autoptr(FerryMigrationOptions) options = ferry_session_dup_migration_defaults (self, TRUE);
      g_autoptr(GError) error = NULL;

      if (s->vm == NULL || s->to == NULL)
        continue;
      if (!ferry_session_migrate (self, s->vm, s->to, options, &error))
        g_message ("balancing: %s", error->message);
    }
}

void
ferry_session_balance_tick (FerrySession *self)
{
  g_return_if_fail (FERRY_IS_SESSION (self));

  /* A move under way changes the loads: wait until it is done. */
  if (ferry_migration_queue_get_n_running (self->migration_queue) > 0)
    return;
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->clusters)); i++)
    {
      g_autoptr(FerryCluster) cluster = g_list_model_get_item (G_LIST_MODEL (self->clusters), i);
      g_autoptr(GPtrArray) suggestions = ferry_session_suggest_balance (self, cluster);

      ferry_session_apply_balance (self, suggestions);
    }
}

static gboolean
balance_timeout (gpointer data)
{
  ferry_session_balance_tick (data);
  return G_SOURCE_CONTINUE;
}

gboolean
ferry_session_get_balance_automatic (FerrySession *self)
{
  g_return_val_if_fail (FERRY_IS_SESSION (self), FALSE);
  return self->balance_source != 0;
}

void
ferry_session_set_balance_automatic (FerrySession *self,
                                     gboolean      automatic)
{
  g_return_if_fail (FERRY_IS_SESSION (self));

  if (automatic == (self->balance_source != 0))
    return;
  if (automatic)
    self->balance_source = g_timeout_add_seconds (BALANCE_PERIOD_S, balance_timeout, self);
  else
    g_clear_handle_id (&self->balance_source, g_source_remove);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BALANCE_AUTOMATIC]);
}

/* ------------------------------------------------------------------------ */

void
ferry_session_shutdown (FerrySession *self)
{
  g_return_if_fail (FERRY_IS_SESSION (self));

  g_cancellable_cancel (self->cancellable);
  ferry_session_set_balance_automatic (self, FALSE);
  g_clear_object (&self->sampler);
}

static void
ferry_session_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  FerrySession *self = FERRY_SESSION (object);

  switch (prop_id)
    {
    case PROP_BALANCE_AUTOMATIC:
      g_value_set_boolean (value, ferry_session_get_balance_automatic (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_session_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  FerrySession *self = FERRY_SESSION (object);

  switch (prop_id)
    {
    case PROP_BALANCE_AUTOMATIC:
      ferry_session_set_balance_automatic (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_session_dispose (GObject *object)
{
  FerrySession *self = FERRY_SESSION (object);

  g_clear_handle_id (&self->balance_source, g_source_remove);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->sampler);

  G_OBJECT_CLASS (ferry_session_parent_class)->dispose (object);
}

static void
ferry_session_finalize (GObject *object)
{
  FerrySession *self = FERRY_SESSION (object);

  g_clear_pointer (&self->connect_tasks, g_hash_table_unref);
  g_clear_object (&self->ha_manager);
  g_clear_object (&self->migration_queue);
  g_clear_object (&self->clusters);
  g_clear_object (&self->inventory);
  g_clear_pointer (&self->last_moved, g_hash_table_unref);
  g_clear_object (&self->task_log);
  g_clear_object (&self->config);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (ferry_session_parent_class)->finalize (object);
}

static void
ferry_session_class_init (FerrySessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = ferry_session_get_property;
  object_class->set_property = ferry_session_set_property;
  object_class->dispose = ferry_session_dispose;
  object_class->finalize = ferry_session_finalize;

  properties[PROP_BALANCE_AUTOMATIC] =
    g_param_spec_boolean ("balance-automatic", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* A migration this session queued ended (completed, failed or
   * cancelled): where the window toasts and the desktop is told. */
  signals[MIGRATION_FINISHED] =
    g_signal_new ("migration-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, FERRY_TYPE_MIGRATION);
}

static void
ferry_session_init (FerrySession *self)
{
  ferry_core_init ();
  self->inventory = ferry_inventory_new ();
  self->clusters = g_list_store_new (FERRY_TYPE_CLUSTER);
  self->task_log = ferry_task_log_new ();
  self->migration_queue = ferry_migration_queue_new (self->task_log);
  self->last_moved = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->ha_manager = ferry_ha_manager_new (self->inventory, self->task_log);
  ferry_ha_manager_set_groups_func (self->ha_manager, (FerryHaGroupsFunc) ha_groups_for, self);
  /* Statistics for every node as it connects: one sampler per inventory. */
  self->sampler = ferry_stats_sampler_new (self->inventory);
  self->connect_tasks = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
  self->cancellable = g_cancellable_new ();
  self->preset = FERRY_MIGRATION_PRESET_DEFAULT;
}
