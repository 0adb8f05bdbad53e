/* ferry-application.c — the application: saved connections, the inventory
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "ferry-a11y.h"
#include "ferry-application.h"
#include "ferry-console-page.h"
#include "ferry-console-window.h"
#include "ferry-credentials-dialog.h"
#include "ferry-import-dialog.h"
#include "ferry-preferences-window.h"
#include "ferry-window.h"

/* The schema keeps the base ID in .Devel builds too. */
#define SETTINGS_SCHEMA "io.github.ferryvm.Ferry"

struct _FerryApplication
{
  AdwApplication  parent_instance;

  FerryConfig    *config;
  FerryInventory *inventory;
  FerryStatsSampler *sampler;
  FerryTaskLog   *task_log;
  FerryMigrationQueue *migration_queue;
  GHashTable     *last_moved;      /* VM UUID → gint64* monotonic time of its last migration */
  guint           balance_source;
  FerryHaManager *ha_manager;
  GSettings      *settings;
  GHashTable     *connect_tasks;   /* FerryNode* → FerryTask* of the attempt under way */
  GListStore     *clusters;        /* FerryCluster */
  GCancellable   *cancellable;
  char           *startup_message;

  /* Started with --connect: a session of its own, saved config untouched. */
  gboolean        ephemeral;
  gboolean        nodes_loaded;
};

G_DEFINE_FINAL_TYPE (FerryApplication, ferry_application, ADW_TYPE_APPLICATION)

static const GOptionEntry option_entries[] = {
  { "connect", 'c', 0, G_OPTION_ARG_STRING_ARRAY, NULL,
    N_("Connect to a libvirt URI for this session only, without using saved connections "
       "(repeat for several hosts)"),
    N_("URI") },
  { "console", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Open only the console of a virtual machine: ferry --console URI NAME|UUID"), NULL },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Show the version and exit"), NULL },
  { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, NULL, NULL, N_("[URI NAME|UUID]") },
  { NULL }
};

FerryApplication *
ferry_application_new (void)
{
  return g_object_new (FERRY_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_COMMAND_LINE,
                       "resource-base-path", "/io/github/ferryvm/Ferry",
                       NULL);
}

FerryInventory *
ferry_application_get_inventory (FerryApplication *self)
{
  g_return_val_if_fail (FERRY_IS_APPLICATION (self), NULL);
  return self->inventory;
}

FerryTaskLog *
ferry_application_get_task_log (FerryApplication *self)
{
  g_return_val_if_fail (FERRY_IS_APPLICATION (self), NULL);
  return self->task_log;
}

FerryStatsSampler *
ferry_application_get_sampler (FerryApplication *self)
{
  g_return_val_if_fail (FERRY_IS_APPLICATION (self), NULL);
  return self->sampler;
}

FerryHaManager *
ferry_application_get_ha_manager (FerryApplication *self)
{
  g_return_val_if_fail (FERRY_IS_APPLICATION (self), NULL);
  return self->ha_manager;
}

FerryMigrationQueue *
ferry_application_get_migration_queue (FerryApplication *self)
{
  g_return_val_if_fail (FERRY_IS_APPLICATION (self), NULL);
  return self->migration_queue;
}

FerryMigrationOptions *
ferry_application_dup_migration_defaults (FerryApplication *self,
                                          gboolean          live)
{
  FerryMigrationPreset preset = FERRY_MIGRATION_PRESET_DEFAULT;
  FerryMigrationOptions *options;

  g_return_val_if_fail (FERRY_IS_APPLICATION (self), NULL);

  if (self->settings != NULL && live)
    preset = (FerryMigrationPreset) g_settings_get_enum (self->settings, "migration-preset");
  options = ferry_migration_options_new (live ? preset : FERRY_MIGRATION_PRESET_DEFAULT);
  options->live = live;
  if (self->settings != NULL && live)
    options->bandwidth_mib = g_settings_get_uint (self->settings, "migration-bandwidth");
  return options;
}

static void
migration_finished (FerryMigration   *migration,
                    GParamSpec       *pspec,
                    FerryApplication *self)
{
  GtkWindow *window;
  g_autofree char *text = NULL;
  g_autofree char *title = NULL;

  if (!ferry_migration_is_finished (migration))
    return;
  g_signal_handlers_disconnect_by_func (migration, migration_finished, self);

  switch (ferry_migration_get_state (migration))
    {
    case FERRY_MIGRATION_COMPLETED:
      title = g_strdup_printf (_("“%s” moved to %s"), ferry_migration_get_vm_name (migration),
                               ferry_node_get_name (ferry_migration_get_destination (migration)));
      break;
    case FERRY_MIGRATION_CANCELLED:
      title = g_strdup_printf (_("Migration of “%s” cancelled"), ferry_migration_get_vm_name (migration));
      break;
    case FERRY_MIGRATION_FAILED:
    default:
      title = g_strdup_printf (_("Migration of “%s” failed"), ferry_migration_get_vm_name (migration));
      break;
    }
  text = ferry_migration_describe_progress (migration);

  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (FERRY_IS_WINDOW (window))
    {
      g_autofree char *message = g_strdup_printf ("%s: %s", title, text);

      ferry_window_show_message (FERRY_WINDOW (window), message);
    }
  /* Nobody looking: tell the desktop. */
  if (window == NULL || !gtk_window_is_active (window))
    {
      g_autoptr(GNotification) notification = g_notification_new (title);
      g_autofree char *id = g_strdup_printf ("migration-%s", ferry_vm_get_uuid (ferry_migration_get_vm (migration)));

      g_notification_set_body (notification, text);
      g_application_send_notification (G_APPLICATION (self), id, notification);
    }
}

gboolean
ferry_application_migrate (FerryApplication             *self,
                           FerryVm                      *vm,
                           FerryNode                    *destination,
                           const FerryMigrationOptions  *options,
                           GError                      **error)
{
  g_autoptr(FerryMigration) migration = NULL;

  g_return_val_if_fail (FERRY_IS_APPLICATION (self), FALSE);

  migration = ferry_migration_new (vm, destination, options);
  if (!ferry_migration_queue_add (self->migration_queue, migration, error))
    return FALSE;
  /* The balancer leaves a VM alone for a while after it moved. */
  g_hash_table_insert (self->last_moved, g_strdup (ferry_vm_get_uuid (vm)),
                       g_memdup2 (&(gint64) { g_get_monotonic_time () }, sizeof (gint64)));
  if (!ferry_migration_is_finished (migration))
    g_signal_connect_object (migration, "notify::state", G_CALLBACK (migration_finished), self, 0);
  else
    migration_finished (migration, NULL, self);
  return TRUE;
}

GHashTable *
ferry_application_dup_keep_apart (FerryApplication *self,
                                  FerryNode        *node)
{
  GHashTable *groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GListModel *clusters = ferry_application_get_clusters (self);

  for (guint i = 0; clusters != NULL && i < g_list_model_get_n_items (clusters); i++)
    {
      g_autoptr(FerryCluster) cluster = g_list_model_get_item (clusters, i);
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

static GHashTable *
ha_groups_for (FerryNode        *node,
               FerryApplication *self)
{
  return ferry_application_dup_keep_apart (self, node);
}

GHashTable *
ferry_application_get_last_moved (FerryApplication *self)
{
  g_return_val_if_fail (FERRY_IS_APPLICATION (self), NULL);
  return self->last_moved;
}

GPtrArray *
ferry_application_suggest_balance (FerryApplication *self,
                                   FerryCluster     *cluster)
{
  g_autoptr(GPtrArray) nodes = g_ptr_array_new_with_free_func (g_object_unref);
  const FerryClusterConfig *config = ferry_cluster_get_config (cluster);
  GListModel *all = ferry_inventory_get_nodes (self->inventory);

  for (guint i = 0; i < g_list_model_get_n_items (all); i++)
    {
      g_autoptr(FerryNode) node = g_list_model_get_item (all, i);

      if (g_strv_contains ((const char * const *) config->nodes,
                                                       ferry_node_get_id (node)))
        g_ptr_array_add (nodes, g_object_ref (node));
    }
  return ferry_balance_suggest (nodes, self->last_moved, FERRY_BALANCE_THRESHOLD, FERRY_BALANCE_MAX_MOVES);
}

void
ferry_application_apply_balance (FerryApplication *self,
                                 GPtrArray        *suggestions)
{
  for (guint i = 0; i < suggestions->len; i++)
    {
      FerryBalanceSuggestion *s = g_ptr_array_index (suggestions, i);
      g_autoptr(FerryMigrationOptions) options = ferry_application_dup_migration_defaults (self, TRUE);
      g_autoptr(GError) error = NULL;

      if (s->vm == NULL || s->to == NULL)
        continue;
      if (!ferry_application_migrate (self, s->vm, s->to, options, &error))
        g_message ("balancing: %s", error->message);
    }
}

/* Automatic mode (off by default): once a minute, when no migration runs. */
static gboolean
balance_tick (gpointer data)
{
  FerryApplication *self = data;
  GListModel *clusters;

  if (self->settings == NULL || !g_settings_get_boolean (self->settings, "balance-automatic") ||
      ferry_migration_queue_get_n_running (self->migration_queue) > 0)
    return G_SOURCE_CONTINUE;
  clusters = ferry_application_get_clusters (self);
  for (guint i = 0; clusters != NULL && i < g_list_model_get_n_items (clusters); i++)
    {
      g_autoptr(FerryCluster) cluster = g_list_model_get_item (clusters, i);
      g_autoptr(GPtrArray) suggestions = ferry_application_suggest_balance (self, cluster);

      ferry_application_apply_balance (self, suggestions);
    }
  return G_SOURCE_CONTINUE;
}

static void
apply_migration_limit (FerryApplication *self)
{
  ferry_migration_queue_set_limit (self->migration_queue,
                                   g_settings_get_uint (self->settings, "migration-limit"));
}

GSettings *
ferry_application_get_settings (FerryApplication *self)
{
  g_return_val_if_fail (FERRY_IS_APPLICATION (self), NULL);
  return self->settings;
}

gboolean
ferry_application_get_ephemeral (FerryApplication *self)
{
  g_return_val_if_fail (FERRY_IS_APPLICATION (self), FALSE);
  return self->ephemeral;
}

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
save_config (FerryApplication *self)
{
  if (!self->ephemeral)
    ferry_config_save_async (self->config, self->cancellable, save_done, NULL);
}

/* Every connection attempt is a task in the log: when it starts, and how
 * it ended (connected, or why not). Reconnection attempts of a node that
 * stays down are one task, not one per retry. */
static void
on_node_state (FerryNode        *node,
               GParamSpec       *pspec,
               FerryApplication *self)
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
        g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED,
                                                       ferry_node_get_error (node) ? ferry_node_get_error (node)
                                                                                   : ferry_node_state_to_string (ferry_node_get_state (node)));
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
add_node (FerryApplication      *self,
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

gboolean
ferry_application_add_connection (FerryApplication       *self,
                                  const FerryNodeConfig  *requested,
                                  GError                **error)
{
  g_autoptr(FerryNodeConfig) config = NULL;

  g_return_val_if_fail (FERRY_IS_APPLICATION (self), FALSE);
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

gboolean
ferry_application_update_connection (FerryApplication  *self,
                                     FerryNode         *node,
                                     const char        *name,
                                     const char        *migration_address,
                                     GError           **error)
{
  g_autoptr(FerryNodeConfig) config = NULL;

  g_return_val_if_fail (FERRY_IS_APPLICATION (self), FALSE);
  g_return_val_if_fail (FERRY_IS_NODE (node), FALSE);

  if (!ferry_migration_address_validate (migration_address, error))
    return FALSE;

  config = ferry_node_config_new (ferry_node_get_uri (node), name, migration_address);
  g_free (config->id);
  config->id = g_strdup (ferry_node_get_id (node));
  config->maintenance = ferry_node_get_maintenance (node);
  config->evacuated = g_strdupv ((char **) ferry_node_get_evacuated (node));
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
ferry_application_set_node_maintenance (FerryApplication    *self,
                                        FerryNode           *node,
                                        gboolean             maintenance,
                                        const char * const  *evacuated,
                                        GError             **error)
{
  g_autoptr(FerryNodeConfig) config = NULL;

  g_return_val_if_fail (FERRY_IS_APPLICATION (self), FALSE);
  g_return_val_if_fail (FERRY_IS_NODE (node), FALSE);

  config = ferry_node_config_new (ferry_node_get_uri (node), ferry_node_get_name (node),
                                  ferry_node_get_migration_address (node));
  g_free (config->id);
  config->id = g_strdup (ferry_node_get_id (node));
  config->maintenance = maintenance;
  config->evacuated = evacuated != NULL && evacuated[0] != NULL ? g_strdupv ((char **) evacuated) : NULL;
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
ferry_application_remove_node (FerryApplication *self,
                               FerryNode        *node)
{
  g_return_if_fail (FERRY_IS_APPLICATION (self));
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

      if (ferry_cluster_config_remove_node (config, ferry_node_get_id (node)))
        ferry_cluster_set_config (cluster, config);
    }
  g_object_unref (node);
}

static void
load_saved_nodes (FerryApplication *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) nodes = NULL;
  g_auto(GStrv) warnings = NULL;
  g_autoptr(GString) message = g_string_new (NULL);

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
  if (message->len > 0)
    {
      g_printerr ("ferry: %s\n", message->str);
      self->startup_message = g_string_free (g_steal_pointer (&message), FALSE);
    }

  nodes = ferry_config_dup_nodes (self->config);
  for (guint i = 0; i < nodes->len; i++)
    add_node (self, g_ptr_array_index (nodes, i));

  {
    g_autoptr(GPtrArray) clusters = ferry_config_dup_clusters (self->config);

    for (guint i = 0; i < clusters->len; i++)
      {
        g_autoptr(FerryCluster) cluster = ferry_cluster_new (g_ptr_array_index (clusters, i));

        g_list_store_append (self->clusters, cluster);
      }
  }
}

/* ------------------------------------------------------------------------ */
/* Clusters (saved next to the connections; in memory only with --connect)  */

GListModel *
ferry_application_get_clusters (FerryApplication *self)
{
  g_return_val_if_fail (FERRY_IS_APPLICATION (self), NULL);
  return G_LIST_MODEL (self->clusters);
}

FerryCluster *
ferry_application_find_cluster (FerryApplication *self,
                                const char       *id)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->clusters)); i++)
    {
      g_autoptr(FerryCluster) cluster = g_list_model_get_item (G_LIST_MODEL (self->clusters), i);

      if (g_strcmp0 (ferry_cluster_get_id (cluster), id) == 0)
        return cluster;   /* the store keeps it */
    }
  return NULL;
}

gboolean
ferry_application_save_cluster (FerryApplication          *self,
                                const FerryClusterConfig  *config,
                                GError                   **error)
{
  g_autoptr(FerryClusterConfig) checked = ferry_cluster_config_copy (config);
  FerryCluster *existing;

  g_return_val_if_fail (FERRY_IS_APPLICATION (self), FALSE);

  if (!ferry_cluster_config_validate (checked, error))
    return FALSE;
  existing = ferry_application_find_cluster (self, checked->id);
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

/* Forgets the cluster; its nodes and their VMs stay as they are. */
void
ferry_application_delete_cluster (FerryApplication *self,
                                  FerryCluster     *cluster)
{
  guint position;

  g_return_if_fail (FERRY_IS_APPLICATION (self));

  if (!self->ephemeral && ferry_config_remove_cluster (self->config, ferry_cluster_get_id (cluster)))
    save_config (self);
  if (g_list_store_find (self->clusters, cluster, &position))
    g_list_store_remove (self->clusters, position);
}

static FerryWindow *
ensure_window (FerryApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    {
      window = GTK_WINDOW (ferry_window_new (self));
      if (self->startup_message != NULL)
        ferry_window_show_message (FERRY_WINDOW (window), self->startup_message);
    }
  return FERRY_WINDOW (window);
}

/* ------------------------------------------------------------------------ */
/* The standalone console viewer: ferry --console URI NAME|UUID              */

typedef struct
{
  FerryConsoleWindow *window;   /* weak */
  FerryNode          *node;
  char               *vm;
} ConsoleWait;

static void
console_wait_free (gpointer data)
{
  ConsoleWait *wait = data;

  g_clear_weak_pointer (&wait->window);
  g_clear_object (&wait->node);
  g_free (wait->vm);
  g_free (wait);
}

static void
console_wait_notify (gpointer  data,
                     GClosure *closure)
{
  console_wait_free (data);
}

static FerryVm *
find_vm (FerryNode  *node,
         const char *name_or_uuid)
{
  GListModel *vms = ferry_node_get_vms (node);

  for (guint i = 0; i < g_list_model_get_n_items (vms); i++)
    {
      g_autoptr(FerryVm) vm = g_list_model_get_item (vms, i);

      if (g_strcmp0 (ferry_vm_get_name (vm), name_or_uuid) == 0 ||
          g_ascii_strcasecmp (ferry_vm_get_uuid (vm), name_or_uuid) == 0)
        return vm;
    }
  return NULL;
}

static void
console_node_state (FerryNode   *node,
                    GParamSpec  *pspec,
                    ConsoleWait *wait)
{
  g_autofree char *text = NULL;
  FerryVm *vm;

  if (wait->window == NULL || ferry_console_window_get_page (wait->window) != NULL)
    return;

  switch (ferry_node_get_state (node))
    {
    case FERRY_NODE_STATE_CONNECTED:
      vm = find_vm (node, wait->vm);
      if (vm == NULL)
        {
          text = g_strdup_printf (_("There is no virtual machine “%s” on %s."), wait->vm, ferry_node_get_uri (node));
          ferry_console_window_set_message (wait->window, text);
          return;
        }
      ferry_console_window_set_page (wait->window, FERRY_CONSOLE_PAGE (ferry_console_page_new (vm)));
      return;
    case FERRY_NODE_STATE_UNREACHABLE:
    case FERRY_NODE_STATE_AUTH_FAILED:
      text = g_strdup_printf (_("%s: %s (still trying)"), ferry_node_get_uri (node),
                              ferry_node_get_error (node) ? ferry_node_get_error (node) : "");
      ferry_console_window_set_message (wait->window, text);
      return;
    case FERRY_NODE_STATE_CONNECTING:
    case FERRY_NODE_STATE_DISCONNECTED:
    default:
      return;
    }
}

static int
open_console_viewer (FerryApplication        *self,
                     GApplicationCommandLine *cmdline,
                     const char * const      *args)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *waiting = NULL;
  FerryNode *node;
  ConsoleWait *wait;

  if (args == NULL || args[0] == NULL)
    {
      /* From the desktop entry's action, with nothing to open yet. */
      FerryConsoleWindow *window =
        ferry_console_window_new_waiting (GTK_APPLICATION (self),
                                          _("Open a virtual machine's console from Ferry's main window "
                                            "(Ctrl+Shift+C), or start this viewer with a host and a machine: "
                                            "ferry --console qemu+ssh://root@host/system web-01"));
      gtk_window_present (GTK_WINDOW (window));
      return 0;
    }
  if (g_strv_length ((char **) args) != 2)
    {
      g_application_command_line_printerr (cmdline, "%s\n",
                                           _("ferry: usage: ferry --console URI NAME|UUID "
                                             "(for example: ferry --console qemu+ssh://root@host/system web-01)"));
      return 2;
    }
  if (!ferry_uri_validate (args[0], &error))
    {
      g_application_command_line_printerr (cmdline, _("ferry: %s: %s\n"), args[0], error->message);
      return 1;
    }

  self->ephemeral = TRUE;
  self->nodes_loaded = TRUE;
  node = ferry_inventory_find_node_by_uri (self->inventory, args[0]);
  if (node == NULL)
    {
      g_autoptr(FerryNodeConfig) config = ferry_node_config_new (args[0], NULL, NULL);

      node = add_node (self, config);
    }

  waiting = g_strdup_printf (_("Connecting to %s…"), args[0]);
  wait = g_new0 (ConsoleWait, 1);
  g_set_weak_pointer (&wait->window, ferry_console_window_new_waiting (GTK_APPLICATION (self), waiting));
  wait->node = g_object_ref (node);
  wait->vm = g_strdup (args[1]);
  g_signal_connect_data (node, "notify::state", G_CALLBACK (console_node_state), wait,
                         console_wait_notify, 0);
  console_node_state (node, NULL, wait);
  gtk_window_present (GTK_WINDOW (wait->window));
  return 0;
}

static int
ferry_application_command_line (GApplication            *app,
                                GApplicationCommandLine *cmdline)
{
  FerryApplication *self = FERRY_APPLICATION (app);
  GVariantDict *options = g_application_command_line_get_options_dict (cmdline);
  g_autofree const char **uris = NULL;
  g_autofree const char **rest = NULL;
  gboolean offer_import = FALSE;
  FerryWindow *window;

  if (g_variant_dict_contains (options, "version"))
    {
      g_application_command_line_print (cmdline, "ferry %s\n", PACKAGE_VERSION);
      return 0;
    }

  g_variant_dict_lookup (options, G_OPTION_REMAINING, "^a&s", &rest);
  if (g_variant_dict_contains (options, "console"))
    return open_console_viewer (self, cmdline, rest);
  if (rest != NULL && rest[0] != NULL)
    {
      g_application_command_line_printerr (cmdline, _("ferry: unexpected argument “%s”\n"), rest[0]);
      return 2;
    }

  g_variant_dict_lookup (options, "connect", "^a&s", &uris);
  if (uris != NULL)
    {
      for (guint i = 0; uris[i] != NULL; i++)
        {
          g_autoptr(GError) error = NULL;

          if (!ferry_uri_validate (uris[i], &error))
            {
              g_application_command_line_printerr (cmdline, _("ferry: %s: %s\n"),
                                                   uris[i], error->message);
              return 1;
            }
        }

      if (!self->nodes_loaded)
        self->ephemeral = TRUE;
      self->nodes_loaded = TRUE;
      for (guint i = 0; uris[i] != NULL; i++)
        {
          g_autoptr(FerryNodeConfig) config = ferry_node_config_new (uris[i], NULL, NULL);
          g_autoptr(GError) error = NULL;

          if (ferry_inventory_find_node_by_uri (self->inventory, uris[i]) != NULL)
            continue;
          if (!ferry_application_add_connection (self, config, &error))
            {
              g_application_command_line_printerr (cmdline, "ferry: %s\n", error->message);
              return 1;
            }
        }
    }
  else if (!self->nodes_loaded)
    {
      self->nodes_loaded = TRUE;
      load_saved_nodes (self);
      /* No connections yet: offer virt-manager's, when it has some. */
      offer_import = g_list_model_get_n_items (ferry_inventory_get_nodes (self->inventory)) == 0;
    }

  window = ensure_window (self);
  gtk_window_present (GTK_WINDOW (window));
  if (offer_import)
    ferry_import_dialog_present (self, GTK_WINDOW (window), TRUE);
  return 0;
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  FerryApplication *self = user_data;
  static const char *developers[] = { "The Ferry developers", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (GTK_APPLICATION (self)),
                        "application-name", _("Ferry"),
                        "application-icon", APP_ID,
                        "developer-name", _("The Ferry developers"),
                        "developers", developers,
                        "version", PACKAGE_VERSION,
                        "comments", _("Run a fault-tolerant cluster of plain libvirt hosts from one window"),
                        "website", "https://github.com/ferryvm/ferry",
                        "issue-url", "https://github.com/ferryvm/ferry/issues",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  FerryApplication *self = user_data;
  GtkWindow *window = GTK_WINDOW (ferry_preferences_window_new (self));

  gtk_window_set_transient_for (window, gtk_application_get_active_window (GTK_APPLICATION (self)));
  gtk_window_present (window);
}

static void
apply_style (FerryApplication *self)
{
  AdwStyleManager *manager = adw_style_manager_get_default ();
  g_autofree char *style = NULL;

  if (self->settings == NULL)
    return;
  style = g_settings_get_string (self->settings, "style-variant");
  if (g_strcmp0 (style, "light") == 0)
    adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_FORCE_LIGHT);
  else if (g_strcmp0 (style, "dark") == 0)
    adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_FORCE_DARK);
  else
    adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_DEFAULT);
}

static void
apply_refresh_interval (FerryApplication *self)
{
  guint seconds = g_settings_get_uint (self->settings, "refresh-interval");

  ferry_stats_sampler_set_interval (self->sampler, MAX (seconds, 1) * 1000);
}

static void
import_virt_manager_action (GSimpleAction *action,
                            GVariant      *parameter,
                            gpointer       user_data)
{
  FerryApplication *self = user_data;

  ferry_import_dialog_present (self, gtk_application_get_active_window (GTK_APPLICATION (self)), FALSE);
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

/* Listed in the shortcuts window too (ui/gtk/help-overlay.ui). */
static const struct {
  const char *action;
  const char *accel;
  const char *accel2;
} window_accels[] = {
  { "win.add-connection", "<Control>o", NULL },
  { "win.search", "<Control>f", NULL },
  { "win.new-vm", "<Control>n", NULL },
  { "win.vm-open", "<Alt>Return", NULL },
  { "win.vm-console", "<Control><Shift>c", NULL },
  { "win.vm-start", "<Control><Shift>s", NULL },
  { "win.vm-shutdown", "<Control><Shift>d", NULL },
  { "win.vm-reboot", "<Control><Shift>r", NULL },
  { "win.vm-force-off", "<Control><Shift>f", NULL },
  { "win.vm-pause", "<Control><Shift>p", NULL },
  { "win.vm-resume", "<Control><Shift>u", NULL },
  { "win.vm-delete", "Delete", "KP_Delete" },
  { "win.vm-edit", "<Control>e", NULL },
  { "win.migrate", "<Control>m", NULL },
  { "win.show-tasks", "<Control>t", NULL },
  { "win.go-back", "<Alt>Left", NULL },
  { "win.node-refresh", "F5", NULL },
};

static const GActionEntry app_actions[] = {
  { "about", about_action },
  { "preferences", preferences_action },
  { "import-virt-manager", import_virt_manager_action },
  { "quit", quit_action },
};

static void
ferry_application_startup (GApplication *app)
{
  FerryApplication *self = FERRY_APPLICATION (app);

  G_APPLICATION_CLASS (ferry_application_parent_class)->startup (app);

  ferry_core_init ();
  /* Accessible names GTK 4.8 gets wrong, in every window we show. */
  ferry_a11y_watch_windows ();
  /* libvirt's and ssh's questions (passwords, host keys) in our dialogs. */
  ferry_credentials_dialog_install (GTK_APPLICATION (self));
  {
    g_autoptr(GError) error = NULL;

    if (!ferry_askpass_server_start (NULL, &error))
      g_message ("ssh will not be able to ask for passwords: %s", error->message);
  }
  /* Statistics for every node as it connects: one sampler per inventory. */
  self->sampler = ferry_stats_sampler_new (self->inventory);

  {
    GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
    g_autoptr(GSettingsSchema) schema =
      source ? g_settings_schema_source_lookup (source, SETTINGS_SCHEMA, TRUE) : NULL;

    if (schema != NULL)
      {
        self->settings = g_settings_new (SETTINGS_SCHEMA);
        g_signal_connect_object (self->settings, "changed::style-variant",
                                 G_CALLBACK (apply_style), self, G_CONNECT_SWAPPED);
        apply_style (self);
        g_signal_connect_object (self->settings, "changed::refresh-interval",
                                 G_CALLBACK (apply_refresh_interval), self, G_CONNECT_SWAPPED);
        apply_refresh_interval (self);
        g_signal_connect_object (self->settings, "changed::migration-limit",
                                 G_CALLBACK (apply_migration_limit), self, G_CONNECT_SWAPPED);
        apply_migration_limit (self);
        self->balance_source = g_timeout_add_seconds (60, balance_tick, self);
      }
    else
      {
        g_message ("Settings schema %s is not installed; preferences will not be kept",
                   SETTINGS_SCHEMA);
      }
  }

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit",
                                         (const char *[]) { "<Control>q", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences",
                                         (const char *[]) { "<Control>comma", NULL });
  for (guint i = 0; i < G_N_ELEMENTS (window_accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), window_accels[i].action,
                                           (const char *[]) { window_accels[i].accel, window_accels[i].accel2, NULL });
}

static void
ferry_application_shutdown (GApplication *app)
{
  FerryApplication *self = FERRY_APPLICATION (app);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->balance_source, g_source_remove);
  g_clear_object (&self->sampler);
  ferry_credentials_dialog_uninstall ();
  ferry_askpass_server_stop ();

  G_APPLICATION_CLASS (ferry_application_parent_class)->shutdown (app);
}

static void
ferry_application_finalize (GObject *object)
{
  FerryApplication *self = FERRY_APPLICATION (object);

  g_clear_pointer (&self->connect_tasks, g_hash_table_unref);
  g_clear_object (&self->sampler);
  g_clear_object (&self->inventory);
  g_clear_object (&self->clusters);
  g_clear_object (&self->ha_manager);
  g_clear_object (&self->migration_queue);
  g_clear_pointer (&self->last_moved, g_hash_table_unref);
  g_clear_object (&self->task_log);
  g_clear_object (&self->settings);
  g_clear_object (&self->config);
  g_clear_object (&self->cancellable);
  g_free (self->startup_message);

  G_OBJECT_CLASS (ferry_application_parent_class)->finalize (object);
}

static void
ferry_application_class_init (FerryApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = ferry_application_finalize;
  app_class->startup = ferry_application_startup;
  app_class->shutdown = ferry_application_shutdown;
  app_class->command_line = ferry_application_command_line;
}

static void
ferry_application_init (FerryApplication *self)
{
  self->config = ferry_config_new (g_getenv ("FERRY_CONFIG"));
  self->inventory = ferry_inventory_new ();
  self->clusters = g_list_store_new (FERRY_TYPE_CLUSTER);
  self->task_log = ferry_task_log_new ();
  self->migration_queue = ferry_migration_queue_new (self->task_log);
  self->last_moved = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->ha_manager = ferry_ha_manager_new (self->inventory, self->task_log);
  /* Recovery keeps the clusters' keep-apart groups apart too. */
  ferry_ha_manager_set_groups_func (self->ha_manager, (FerryHaGroupsFunc) ha_groups_for, self);
  self->connect_tasks = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
  self->cancellable = g_cancellable_new ();
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), NULL);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Manage a cluster of libvirt/QEMU hosts."));
}
