/* test-session.c — FerrySession's rules on libvirt's test:/// driver:
 * connections saved and loaded, the task per connection attempt,
 * clusters and their keep-apart groups, a removed node leaving its
 * clusters, migration defaults, the end of a migration, balancing's mode
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "ferry-core-all.h"
#include "ferry-test-util.h"

#define TEST_URI "test:///default"

typedef struct
{
  char *dir;
  char *path;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->dir = g_dir_make_tmp ("ferry-session-XXXXXX", NULL);
  g_assert_nonnull (fixture->dir);
  fixture->path = g_build_filename (fixture->dir, "connections.ini", NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (fixture->dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (fixture->dir, name, NULL);

      g_unlink (file);
    }
  g_rmdir (fixture->dir);
  g_free (fixture->path);
  g_free (fixture->dir);
}

static gboolean
file_mentions (gpointer data)
{
  const char **what = data;
  g_autofree char *text = NULL;

  return g_file_get_contents (what[0], &text, NULL, NULL) && strstr (text, what[1]) != NULL;
}

static gboolean
all_connected (gpointer data)
{
  GListModel *nodes = ferry_inventory_get_nodes (data);

  for (guint i = 0; i < g_list_model_get_n_items (nodes); i++)
    {
      g_autoptr(FerryNode) node = g_list_model_get_item (nodes, i);

      if (ferry_node_get_state (node) != FERRY_NODE_STATE_CONNECTED)
        return FALSE;
    }
  return g_list_model_get_n_items (nodes) > 0;
}

/* The session is the last owner of what it made: dropping it frees it. */
static void
finalize_session (FerrySession *session)
{
  ferry_session_shutdown (session);
  g_assert_finalize_object (session);
}

static FerryTask *
last_task (FerrySession *session)
{
  GListModel *tasks = G_LIST_MODEL (ferry_session_get_task_log (session));
  guint n = g_list_model_get_n_items (tasks);

  g_assert_cmpuint (n, >, 0);
  return g_list_model_get_item (tasks, n - 1);
}

static gboolean
task_finished (gpointer data)
{
  g_autoptr(FerryTask) task = last_task (data);

  return ferry_task_get_state (task) != FERRY_TASK_RUNNING;
}

/* --connect: nothing read or written; each attempt is a task. */
static void
test_ephemeral (Fixture       *fixture,
                gconstpointer  data)
{
  FerrySession *session = ferry_session_new (fixture->path);
  g_autoptr(FerryNodeConfig) config = ferry_node_config_new (TEST_URI, "lab", NULL);
  g_autoptr(FerryNodeConfig) bad = ferry_node_config_new ("qemu+ssh://host/system;rm -rf /", NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(FerryTask) task = NULL;

  g_assert_false (ferry_session_get_started (session));
  g_assert_null (ferry_session_start (session, FALSE));
  g_assert_true (ferry_session_get_started (session));
  g_assert_true (ferry_session_get_ephemeral (session));
  /* Once only: a later start changes nothing. */
  g_assert_null (ferry_session_start (session, TRUE));
  g_assert_true (ferry_session_get_ephemeral (session));

  g_assert_true (ferry_session_add_connection (session, config, &error));
  g_assert_no_error (error);
  g_assert_true (ferry_test_wait_until (all_connected, ferry_session_get_inventory (session), 10000));
  g_assert_true (ferry_test_wait_until (task_finished, session, 10000));
  task = last_task (session);
  g_assert_cmpint (ferry_task_get_state (task), ==, FERRY_TASK_SUCCEEDED);
  g_assert_cmpstr (ferry_task_get_target (task), ==, "lab");

  /* The same URI twice, or one that is not a libvirt URI: refused. */
  g_assert_false (ferry_session_add_connection (session, config, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_false (ferry_session_add_connection (session, bad, &error));
  g_assert_nonnull (error);
  g_assert_cmpuint (g_list_model_get_n_items (ferry_inventory_get_nodes (ferry_session_get_inventory (session))), ==, 1);

  g_assert_false (g_file_test (fixture->path, G_FILE_TEST_EXISTS));
  finalize_session (session);
}

/* Saved: a new session on the same file finds the node, its name and its
 * maintenance state, and the cluster with its keep-apart group. */
static void
test_saved (Fixture       *fixture,
            gconstpointer  data)
{
  FerrySession *session = ferry_session_new (fixture->path);
  g_autoptr(FerryNodeConfig) config = ferry_node_config_new (TEST_URI, "lab", NULL);
  g_autoptr(FerryClusterConfig) cluster_config = ferry_cluster_config_new ("Lab");
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) groups = NULL;
  const char *uuids[] = { "6695eb01-f6a4-8304-79aa-97f2502e193f", NULL };
  const char *wait_cluster[] = { fixture->path, "keep" };
  g_autofree char *message = NULL;
  g_autofree char *node_id = NULL;
  FerryCluster *cluster;
  FerryNode *node;

  g_assert_null (ferry_session_start (session, TRUE));
  g_assert_false (ferry_session_get_ephemeral (session));
  g_assert_true (ferry_session_add_connection (session, config, &error));
  g_assert_no_error (error);
  node = ferry_inventory_find_node_by_uri (ferry_session_get_inventory (session), TEST_URI);
  g_assert_nonnull (node);
  node_id = g_strdup (ferry_node_get_id (node));
  g_assert_true (ferry_session_update_connection (session, node, "renamed", NULL, &error));
  g_assert_cmpstr (ferry_node_get_name (node), ==, "renamed");
  g_assert_true (ferry_session_set_node_maintenance (session, node, TRUE, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (ferry_node_get_maintenance (node));
  /* A migration address that is not one is refused and changes nothing. */
  g_assert_false (ferry_session_update_connection (session, node, "x", "not an address!", &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_cmpstr (ferry_node_get_name (node), ==, "renamed");

  ferry_cluster_config_add_node (cluster_config, node_id);
  g_assert_true (ferry_cluster_config_set_group (cluster_config, "keep", uuids, &error));
  g_assert_true (ferry_session_save_cluster (session, cluster_config, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (ferry_session_get_clusters (session)), ==, 1);
  groups = ferry_session_dup_keep_apart (session, node);
  g_assert_cmpstr (g_hash_table_lookup (groups, uuids[0]), ==, "keep");
  g_assert_true (ferry_test_wait_until (file_mentions, wait_cluster, 10000));
  finalize_session (session);

  session = ferry_session_new (fixture->path);
  message = ferry_session_start (session, TRUE);
  g_assert_null (message);
  node = ferry_inventory_find_node_by_uri (ferry_session_get_inventory (session), TEST_URI);
  g_assert_nonnull (node);
  g_assert_cmpstr (ferry_node_get_id (node), ==, node_id);
  g_assert_cmpstr (ferry_node_get_name (node), ==, "renamed");
  g_assert_true (ferry_node_get_maintenance (node));
  cluster = ferry_session_find_cluster (session, cluster_config->id);
  g_assert_nonnull (cluster);
  g_assert_true (ferry_cluster_config_has_node (ferry_cluster_get_config (cluster), node_id));

  /* A removed node leaves its cluster; a deleted cluster is gone. */
  ferry_session_remove_node (session, node);
  g_assert_null (ferry_inventory_find_node_by_uri (ferry_session_get_inventory (session), TEST_URI));
  g_assert_false (ferry_cluster_config_has_node (ferry_cluster_get_config (cluster), node_id));
  ferry_session_delete_cluster (session, cluster);
  g_assert_cmpuint (g_list_model_get_n_items (ferry_session_get_clusters (session)), ==, 0);
  g_assert_null (ferry_session_find_cluster (session, cluster_config->id));
  finalize_session (session);
}

/* A damaged file: the session says so and starts with what it could read. */
static void
test_damaged_file (Fixture       *fixture,
                   gconstpointer  data)
{
  FerrySession *session;
  g_autofree char *message = NULL;

  g_assert_true (g_file_set_contents (fixture->path, "[node \x01 broken\n<markup>", -1, NULL));
  session = ferry_session_new (fixture->path);
  message = ferry_session_start (session, TRUE);
  g_assert_nonnull (message);
  g_assert_cmpuint (g_list_model_get_n_items (ferry_inventory_get_nodes (ferry_session_get_inventory (session))), ==, 0);
  finalize_session (session);
}

static void
test_migration_defaults (Fixture       *fixture,
                         gconstpointer  data)
{
  FerrySession *session = ferry_session_new (fixture->path);
  g_autoptr(FerryMigrationOptions) live = NULL;
  g_autoptr(FerryMigrationOptions) offline = NULL;
  g_autoptr(FerryMigrationOptions) expected = ferry_migration_options_new (FERRY_MIGRATION_PRESET_DEFAULT);
  g_autoptr(FerryMigrationOptions) busy = ferry_migration_options_new (FERRY_MIGRATION_PRESET_BUSY);

  ferry_session_set_migration_defaults (session, FERRY_MIGRATION_PRESET_BUSY, 200);
  live = ferry_session_dup_migration_defaults (session, TRUE);
  g_assert_true (live->live);
  g_assert_cmpuint (live->bandwidth_mib, ==, 200);
  g_assert_cmpint (live->postcopy, ==, busy->postcopy);
  g_assert_cmpint (live->auto_converge, ==, busy->auto_converge);
  /* Offline: nothing to tune. */
  offline = ferry_session_dup_migration_defaults (session, FALSE);
  g_assert_false (offline->live);
  g_assert_cmpint (offline->postcopy, ==, expected->postcopy);
  g_assert_cmpint (offline->auto_converge, ==, expected->auto_converge);
  g_assert_cmpuint (offline->bandwidth_mib, ==, expected->bandwidth_mib);
  finalize_session (session);
}

static void
count_finished (FerrySession   *session,
                FerryMigration *migration,
                guint          *count)
{
  g_assert_true (ferry_migration_is_finished (migration));
  (*count)++;
}

static gboolean
count_reaches_one (gpointer data)
{
  return *(guint *) data >= 1;
}

/* A migration that ends (here: the test driver cannot migrate) is
 * announced once, and the balancer leaves that VM alone afterwards. */
static void
test_migration_finished (Fixture       *fixture,
                         gconstpointer  data)
{
  FerrySession *session = ferry_session_new (fixture->path);
  g_autofree char *uri_a = ferry_test_write_node_file (fixture->dir, "a.xml", "a", 1, 1, "aaaaaaaa-0000-4000-8000-");
  g_autofree char *uri_b = ferry_test_write_node_file (fixture->dir, "b.xml", "b", 1, 0, "bbbbbbbb-0000-4000-8000-");
  g_autoptr(FerryNodeConfig) a = ferry_node_config_new (uri_a, "a", NULL);
  g_autoptr(FerryNodeConfig) b = ferry_node_config_new (uri_b, "b", NULL);
  g_autoptr(FerryMigrationOptions) options = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FerryVm) vm = NULL;
  FerryInventory *inventory = ferry_session_get_inventory (session);
  FerryNode *from, *to;
  guint finished = 0;

  ferry_session_start (session, FALSE);
  g_assert_true (ferry_session_add_connection (session, a, &error));
  g_assert_true (ferry_session_add_connection (session, b, &error));
  g_assert_no_error (error);
  g_assert_true (ferry_test_wait_until (all_connected, inventory, 10000));
  from = ferry_inventory_find_node_by_uri (inventory, uri_a);
  to = ferry_inventory_find_node_by_uri (inventory, uri_b);
  vm = g_list_model_get_item (ferry_node_get_vms (from), 0);
  g_assert_nonnull (vm);

  g_signal_connect (session, "migration-finished", G_CALLBACK (count_finished), &finished);
  options = ferry_session_dup_migration_defaults (session, TRUE);
  if (ferry_session_migrate (session, vm, to, options, &error))
    {
      g_assert_true (ferry_test_wait_until (count_reaches_one, &finished, 30000));
      g_assert_true (g_hash_table_contains (ferry_session_get_last_moved (session), ferry_vm_get_uuid (vm)));
    }
  else
    {
      /* Refused before it started: nothing was queued, nothing announced. */
      g_assert_nonnull (error);
      g_assert_cmpuint (finished, ==, 0);
    }
  /* Not announced a second time. */
  {
    gint64 until = g_get_monotonic_time () + 200 * G_TIME_SPAN_MILLISECOND;

    while (g_get_monotonic_time () < until)
      g_main_context_iteration (NULL, FALSE);
  }
  g_assert_cmpuint (finished, <=, 1);
  g_signal_handlers_disconnect_by_func (session, count_finished, &finished);
  finalize_session (session);
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

/* Automatic balancing is off until asked; a round with nothing loaded
 * moves nothing. */
static void
test_balance (Fixture       *fixture,
              gconstpointer  data)
{
  FerrySession *session = ferry_session_new (fixture->path);
  g_autoptr(FerryNodeConfig) a = ferry_node_config_new (TEST_URI, "a", NULL);
  g_autoptr(FerryClusterConfig) cluster_config = ferry_cluster_config_new ("Lab");
  g_autoptr(GPtrArray) suggestions = NULL;
  g_autoptr(GError) error = NULL;
  FerryInventory *inventory = ferry_session_get_inventory (session);
  gboolean automatic = TRUE;
  guint notified = 0;

  ferry_session_start (session, FALSE);
  g_assert_false (ferry_session_get_balance_automatic (session));
  g_signal_connect (session, "notify::balance-automatic", G_CALLBACK (count_notify), &notified);
  g_object_set (session, "balance-automatic", TRUE, NULL);
  g_object_set (session, "balance-automatic", TRUE, NULL);
  g_assert_cmpuint (notified, ==, 1);
  g_object_get (session, "balance-automatic", &automatic, NULL);
  g_assert_true (automatic);
  ferry_session_set_balance_automatic (session, FALSE);
  g_assert_cmpuint (notified, ==, 2);

  g_assert_true (ferry_session_add_connection (session, a, &error));
  g_assert_true (ferry_test_wait_until (all_connected, inventory, 10000));
  ferry_cluster_config_add_node (cluster_config,
                                 ferry_node_get_id (ferry_inventory_find_node_by_uri (inventory, TEST_URI)));
  g_assert_true (ferry_session_save_cluster (session, cluster_config, &error));
  g_assert_no_error (error);
  suggestions = ferry_session_suggest_balance (session, ferry_session_find_cluster (session, cluster_config->id));
  g_assert_cmpuint (suggestions->len, ==, 0);
  ferry_session_balance_tick (session);
  g_assert_cmpuint (ferry_migration_queue_get_n_running (ferry_session_get_migration_queue (session)), ==, 0);
  g_signal_handlers_disconnect_by_func (session, count_notify, &notified);
  finalize_session (session);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  ferry_core_init ();

  g_test_add ("/session/ephemeral", Fixture, NULL, fixture_set_up, test_ephemeral, fixture_tear_down);
  g_test_add ("/session/saved", Fixture, NULL, fixture_set_up, test_saved, fixture_tear_down);
  g_test_add ("/session/damaged-file", Fixture, NULL, fixture_set_up, test_damaged_file, fixture_tear_down);
  g_test_add ("/session/migration-defaults", Fixture, NULL, fixture_set_up, test_migration_defaults,
              fixture_tear_down);
  g_test_add ("/session/migration-finished", Fixture, NULL, fixture_set_up, test_migration_finished,
              fixture_tear_down);
  g_test_add ("/session/balance", Fixture, NULL, fixture_set_up, test_balance, fixture_tear_down);
  return g_test_run ();
}
