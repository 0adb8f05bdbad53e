/* ferry-test-util.c — helpers shared by Ferry's GTest programs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "ferry-fanout.h"
#include "ferry-test-util.h"

static gboolean
timeout_cb (gpointer data)
{
  gboolean *timed_out = data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
keep_polling (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

gboolean
ferry_test_wait_until (FerryTestCondition cond,
                       gpointer           data,
                       guint              timeout_ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (timeout_ms, timeout_cb, &timed_out);
  guint poll_id;

  /* Conditions may change without a main-loop event of ours (a worker
   * finishing): wake up every 10 ms to look. */
  poll_id = g_timeout_add (10, keep_polling, NULL);
  while (!cond (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (poll_id);
  if (!timed_out)
    g_source_remove (id);
  return cond (data);
}

typedef struct { FerryNode *node; FerryNodeState state; } NodeWait;
typedef struct { FerryVm *vm; FerryVmState state; } VmWait;

static gboolean
node_in_state (gpointer data)
{
  NodeWait *w = data;
  return ferry_node_get_state (w->node) == w->state;
}

static gboolean
vm_in_state (gpointer data)
{
  VmWait *w = data;
  return ferry_vm_get_state (w->vm) == w->state;
}

gboolean
ferry_test_wait_node_state (FerryNode      *node,
                            FerryNodeState  state,
                            guint           timeout_ms)
{
  NodeWait w = { node, state };
  return ferry_test_wait_until (node_in_state, &w, timeout_ms);
}

gboolean
ferry_test_wait_vm_state (FerryVm      *vm,
                          FerryVmState  state,
                          guint         timeout_ms)
{
  VmWait w = { vm, state };
  return ferry_test_wait_until (vm_in_state, &w, timeout_ms);
}

typedef struct
{
  gboolean  done;
  GError   *error;
} OpWait;

static void
op_done (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  OpWait *w = user_data;

  ferry_vm_run_op_finish (FERRY_VM (object), result, &w->error);
  w->done = TRUE;
}

static void
migrate_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  OpWait *w = user_data;

  ferry_migration_run_finish (FERRY_MIGRATION (object), result, &w->error);
  w->done = TRUE;
}

static gboolean
op_finished (gpointer data)
{
  return ((OpWait *) data)->done;
}

GError *
ferry_test_run_op (FerryVm   *vm,
                   FerryVmOp  op)
{
  OpWait w = { FALSE, NULL };

  ferry_vm_run_op_async (vm, op, NULL, op_done, &w);
  g_assert_true (ferry_test_wait_until (op_finished, &w, 60000));
  return w.error;
}

GError *
ferry_test_migrate (FerryVm   *vm,
                    FerryNode *destination,
                    guint      timeout_ms)
{
  OpWait w = { FALSE, NULL };
  /* A job with the defaults for the VM's state, as a drop makes. */
  g_autoptr(FerryMigration) migration = ferry_migration_new (vm, destination, NULL);

  ferry_migration_run_async (migration, NULL, migrate_done, &w);
  g_assert_true (ferry_test_wait_until (op_finished, &w, timeout_ms));
  return w.error;
}

char *
ferry_test_write_node_file (const char *dir,
                            const char *file_name,
                            const char *prefix,
                            guint       n,
                            guint       n_running,
                            const char *uuid_prefix)
{
  g_autoptr(GString) xml = g_string_new (NULL);
  g_autofree char *path = g_build_filename (dir, file_name, NULL);
  g_autoptr(GError) error = NULL;

  g_string_append (xml,
                   "<node xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>\n"
                   "  <cpu><nodes>1</nodes><sockets>1</sockets><cores>8</cores>"
                   "<threads>2</threads><active>16</active><mhz>2400</mhz>"
                   "<model>x86_64</model></cpu>\n"
                   "  <memory>67108864</memory>\n");
  for (guint i = 0; i < n; i++)
    g_string_append_printf (xml,
                            "  <domain type='test'>\n"
                            "    <name>%s-%04u</name>\n"
                            "    <uuid>%s%012x</uuid>\n"
                            "    <memory>%u</memory>\n"
                            "    <currentMemory>%u</currentMemory>\n"
                            "    <vcpu>%u</vcpu>\n"
                            "    <os><type>hvm</type></os>\n"
                            "%s"
                            "  </domain>\n",
                            prefix, i + 1, uuid_prefix, i + 1,
                            131072 * (1 + i % 4), 131072 * (1 + i % 4), 1 + i % 4,
                            i < n_running ? "" : "    <test:runstate>5</test:runstate>\n");
  g_string_append (xml, "</node>\n");

  g_file_set_contents (path, xml->str, (gssize) xml->len, &error);
  g_assert_no_error (error);
  return g_strdup_printf ("test://%s", path);
}

void
ferry_test_remove_tree (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        ferry_test_remove_tree (path);
      else
        g_remove (path);
    }
  g_rmdir (dir);
}

FerryNode *
ferry_test_add_connected_node (FerryInventory *inventory,
                               const char     *uri)
{
  FerryNode *node = ferry_node_new (uri, NULL, NULL);

  ferry_inventory_add_node (inventory, node);
  ferry_node_connect (node);
  g_assert_true (ferry_test_wait_node_state (node, FERRY_NODE_STATE_CONNECTED, 10000));
  return node;
}

FerryNode *
ferry_test_add_node_from_xml (FerryInventory *inventory,
                              const char     *dir,
                              const char     *file_name,
                              const char     *xml)
{
  g_autofree char *path = g_build_filename (dir, file_name, NULL);
  g_autofree char *uri = g_strdup_printf ("test://%s", path);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, xml, -1, &error);
  g_assert_no_error (error);
  return ferry_test_add_connected_node (inventory, uri);
}

const char *
ferry_test_cluster_dir (void)
{
  const char *dir = g_getenv ("FERRY_CLUSTER_DIR");

  return dir != NULL ? dir : "/var/tmp/ferry-cluster";
}

/* Once per test program, as root: the cluster as `cluster up` left it
 * (`cluster reset`), whatever earlier programs did or left behind, so that
 * no test depends on the order meson runs them in. Nodes whose libvirtd
 * died are started again (libvirt 9.0's daemon can crash when a client goes
 * away in the middle of an event registration: a segfault in the kernel
 * log, not Ferry's doing). What the reset changed is printed: a test that
 * left something behind shows in the next one's log. */
static void
reset_cluster (void)
{
  static gsize done = 0;
  const char *srcdir = g_getenv ("FERRY_SOURCE_DIR");
  g_autofree char *script = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  if (!g_once_init_enter (&done))
    return;
  if (geteuid () == 0)
    {
      const char *argv[] = { NULL, "reset", NULL };

      script = g_build_filename (srcdir ? srcdir : ".", "tests", "cluster", "cluster", NULL);
      argv[0] = script;
      if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err, &status, NULL) ||
          !g_spawn_check_wait_status (status, NULL))
        g_error ("tests/cluster/cluster reset failed:\n%s", err ? err : "");
      if (err != NULL && *err != '\0')
        g_printerr ("%s", err);
    }
  g_once_init_leave (&done, 1);
}

GPtrArray *
ferry_test_read_cluster_nodes (void)
{
  g_autofree char *path = g_build_filename (ferry_test_cluster_dir (), "nodes", NULL);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  GPtrArray *nodes;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return NULL;
  /* The witness of every cluster test. */
  ferry_test_require_programs ("virsh", NULL);
  reset_cluster ();
  nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char **cols = g_strsplit (lines[i], " ", -1);

      if (g_strv_length (cols) >= 2)
        g_ptr_array_add (nodes, cols);
      else
        g_strfreev (cols);
    }
  return nodes;
}

gboolean
ferry_test_connect_cluster (FerryInventory  *inventory,
                            FerryNode      **nodes,
                            char           **sockets,
                            guint            n_nodes,
                            GError         **error)
{
  g_autoptr(GPtrArray) listed = ferry_test_read_cluster_nodes ();

  if (listed == NULL || listed->len < n_nodes)
    return FALSE;

  for (guint i = 0; i < n_nodes; i++)
    {
      char **cols = g_ptr_array_index (listed, i);

      nodes[i] = ferry_node_new (cols[1], cols[0], g_strv_length (cols) >= 4 ? cols[3] : NULL);
      if (sockets != NULL)
        sockets[i] = g_strdup (g_strv_length (cols) >= 3 ? cols[2] : NULL);
      ferry_inventory_add_node (inventory, nodes[i]);
      ferry_node_connect (nodes[i]);
    }

  for (guint i = 0; i < n_nodes; i++)
    if (!ferry_test_wait_node_state (nodes[i], FERRY_NODE_STATE_CONNECTED, 30000))
      {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "could not connect to %s: %s",
                     ferry_node_get_uri (nodes[i]), ferry_node_get_error (nodes[i]));
        for (guint j = 0; j < n_nodes; j++)
          {
            ferry_inventory_remove_node (inventory, nodes[j]);
            g_clear_object (&nodes[j]);
            if (sockets != NULL)
              g_clear_pointer (&sockets[j], g_free);
          }
        return FALSE;
      }
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* Witnesses on the local cluster: virsh and the guests' serial logs       */

char *
ferry_test_virsh (FerryNode  *node,
                  const char *command,
                  const char *arg)
{
  const char *argv[] = { "virsh", "-q", "-c", ferry_node_get_uri (node), command, arg, NULL };
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, &out, NULL, &status, &error);
  g_assert_no_error (error);
  return g_strstrip (out);
}

gboolean
ferry_test_virsh_lists (FerryNode  *node,
                        const char *name)
{
  g_autofree char *out = ferry_test_virsh (node, "list", "--all");
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) cols = g_strsplit_set (g_strstrip (lines[i]), " \t", -1);
      guint n = 0;

      for (guint j = 0; cols[j] != NULL; j++)
        if (*cols[j] != '\0' && ++n == 2 && g_strcmp0 (cols[j], name) == 0)
          return TRUE;
    }
  return FALSE;
}

gsize
ferry_test_serial_size (const char *name)
{
  g_autofree char *path = g_strdup_printf ("%s/serial/%s.log", ferry_test_cluster_dir (), name);
  GStatBuf st;

  if (g_stat (path, &st) != 0)
    return 0;
  return (gsize) st.st_size;
}

gboolean
ferry_test_serial_grows (const char *name,
                         guint       within_ms)
{
  gsize before = ferry_test_serial_size (name);
  gint64 deadline = g_get_monotonic_time () + (gint64) within_ms * 1000;

  while (g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (100000);
      if (ferry_test_serial_size (name) > before)
        return TRUE;
    }
  return FALSE;
}

gboolean
ferry_test_serial_wait_for (const char *name,
                            gsize       offset,
                            const char *needle,
                            guint       within_ms)
{
  g_autofree char *path = g_strdup_printf ("%s/serial/%s.log", ferry_test_cluster_dir (), name);
  gint64 deadline = g_get_monotonic_time () + (gint64) within_ms * 1000;

  while (g_get_monotonic_time () < deadline)
    {
      g_autofree char *contents = NULL;
      gsize len = 0;

      if (g_file_get_contents (path, &contents, &len, NULL) && len > offset &&
          g_strstr_len (contents + offset, len - offset, needle) != NULL)
        return TRUE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (100000);
    }
  return FALSE;
}

gboolean
ferry_test_model_contains (GListModel *model,
                           gpointer    item)
{
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) it = g_list_model_get_item (model, i);

      if (it == item)
        return TRUE;
    }
  return FALSE;
}

guint
ferry_test_count_named (FerryInventory *inventory,
                        const char     *name)
{
  GListModel *vms = ferry_inventory_get_vms (inventory);
  guint n = g_list_model_get_n_items (vms);
  guint count = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FerryVm) v = g_list_model_get_item (vms, i);

      if (g_strcmp0 (ferry_vm_get_name (v), name) == 0)
        count++;
    }
  return count;
}

gboolean
ferry_test_have_cluster (gpointer connected)
{
  if (connected != NULL)
    return TRUE;
  if (g_strcmp0 (g_getenv ("FERRY_REQUIRE_CLUSTER"), "1") == 0)
    g_error ("the local cluster is not up (tests/cluster/cluster up 3)");
  g_test_skip ("the local cluster is not up (tests/cluster/cluster up 3)");
  return FALSE;
}

void
ferry_test_cluster_script (const char * const *args)
{
  const char *srcdir = g_getenv ("FERRY_SOURCE_DIR");
  g_autofree char *script = g_build_filename (srcdir ? srcdir : ".", "tests", "cluster", "cluster", NULL);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  g_ptr_array_add (argv, script);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("cluster %s failed:\n%s%s", args[0], out, err);
}

void
ferry_test_virsh_quiet (FerryNode  *node,
                        const char *command,
                        const char *name,
                        const char *extra)
{
  const char *argv[] = { "virsh", "-q", "-c", ferry_node_get_uri (node), command, name, extra, NULL };

  g_spawn_sync (NULL, (char **) argv, NULL,
                G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, NULL, NULL, NULL, NULL);
}

FerryVm *
ferry_test_find_on (FerryNode  *node,
                    const char *name)
{
  GListModel *vms = ferry_node_get_vms (node);

  for (guint i = 0; i < g_list_model_get_n_items (vms); i++)
    {
      g_autoptr(FerryVm) vm = g_list_model_get_item (vms, i);

      if (g_strcmp0 (ferry_vm_get_name (vm), name) == 0)
        return vm;
    }
  return NULL;
}

void
ferry_test_remove_everywhere (FerryInventory *inventory,
                              FerryNode     **nodes,
                              guint           n_nodes,
                              const char     *name)
{
  gint64 deadline;

  for (guint n = 0; n < n_nodes; n++)
    if (ferry_node_get_state (nodes[n]) == FERRY_NODE_STATE_CONNECTED &&
        ferry_test_virsh_lists (nodes[n], name))
      {
        ferry_test_virsh_quiet (nodes[n], "destroy", name, NULL);
        ferry_test_virsh_quiet (nodes[n], "undefine", name, "--remove-all-storage");
        /* A stale copy whose volume another node already removed. */
        ferry_test_virsh_quiet (nodes[n], "undefine", name, NULL);
      }
  /* A guest that moved is undefined on a node whose view of the shared
   * pool may predate its volume: --remove-all-storage then leaves the
   * file. Remove it through a refreshed pool, and let every node see that. */
  {
    g_autofree char *volume = g_strdup_printf ("%s.qcow2", name);

    for (guint n = 0; n < n_nodes; n++)
      if (ferry_node_get_state (nodes[n]) == FERRY_NODE_STATE_CONNECTED)
        {
          ferry_test_virsh_quiet (nodes[n], "pool-refresh", "shared", NULL);
          ferry_test_virsh_quiet (nodes[n], "vol-delete", volume, "--pool=shared");
        }
  }
  deadline = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;
  while (ferry_test_count_named (inventory, name) > 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (ferry_test_count_named (inventory, name), ==, 0);
}

FerryVm *
ferry_test_define_guest (FerryInventory *inventory,
                         FerryNode     **nodes,
                         guint           n_nodes,
                         guint           index,
                         const char     *name,
                         const char     *pool,
                         gboolean        start)
{
  return ferry_test_define_loaded_guest (inventory, nodes, n_nodes, index, name, pool, start, NULL);
}

FerryVm *
ferry_test_define_loaded_guest (FerryInventory *inventory,
                                FerryNode     **nodes,
                                guint           n_nodes,
                                guint           index,
                                const char     *name,
                                const char     *pool,
                                gboolean        start,
                                const char     *load)
{
  g_autofree char *node = g_strdup_printf ("node%u", index + 1);
  const char *args[] = { "define-guest", node, name, "--pool", pool,
                         load != NULL ? "--load" : NULL, load, NULL, NULL };
  FerryVm *vm = NULL;
  gint64 deadline;
  gsize serial_offset;

  if (load == NULL)
    args[5] = start ? "--start" : NULL;
  else
    args[7] = start ? "--start" : NULL;
  ferry_test_remove_everywhere (inventory, nodes, n_nodes, name);
  /* The serial log of a guest of that name from an earlier run is appended
   * to: only what this guest writes counts. */
  serial_offset = ferry_test_serial_size (name);
  ferry_test_cluster_script (args);
  deadline = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;
  while ((vm = ferry_test_find_on (nodes[index], name)) == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (vm);
  if (start)
    {
      g_assert_true (ferry_test_wait_vm_state (vm, FERRY_VM_STATE_RUNNING, 15000));
      /* Booted: it heartbeats on its serial port. */
      g_assert_true (ferry_test_serial_wait_for (name, serial_offset, "FERRY-HEARTBEAT", 90000));
    }
  return vm;
}

/* ---------------------------------------------------------------------- */
/* Workers                                                                 */

struct _FerryTestHold
{
  gint  released;
  gint  done;
  guint source;     /* a release to come */
};

static gpointer
hold_step (FerryNode     *node,
           virConnectPtr  conn,
           guint          index,
           gpointer       user_data,
           GCancellable  *cancellable,
           GError       **error)
{
  FerryTestHold *hold = user_data;

  while (!g_atomic_int_get (&hold->released))
    g_usleep (10000);
  return NULL;
}

static void
flag_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GPtrArray) results = ferry_fanout_run_finish (result, NULL);

  g_atomic_int_set ((gint *) user_data, 1);
}

static gboolean
flag_is_set (gpointer data)
{
  return g_atomic_int_get ((gint *) data) == 1;
}

FerryTestHold *
ferry_test_hold_worker (FerryNode *node)
{
  FerryTestHold *hold = g_new0 (FerryTestHold, 1);
  g_autoptr(GPtrArray) nodes = g_ptr_array_new ();

  g_ptr_array_add (nodes, node);
  ferry_fanout_run_async (nodes, 0, hold_step, hold, NULL, NULL, NULL, flag_done, &hold->done);
  return hold;
}

static gboolean
release_hold (gpointer data)
{
  FerryTestHold *hold = data;

  hold->source = 0;
  g_atomic_int_set (&hold->released, 1);
  return G_SOURCE_REMOVE;
}

void
ferry_test_hold_release_later (FerryTestHold *hold,
                               guint          ms)
{
  g_clear_handle_id (&hold->source, g_source_remove);
  if (ms == 0)
    release_hold (hold);
  else
    hold->source = g_timeout_add (ms, release_hold, hold);
}

void
ferry_test_hold_end (FerryTestHold *hold)
{
  g_clear_handle_id (&hold->source, g_source_remove);
  g_atomic_int_set (&hold->released, 1);
  g_assert_true (ferry_test_wait_until (flag_is_set, &hold->done, 10000));
  g_free (hold);
}

static gpointer
noop_step (FerryNode     *node,
           virConnectPtr  conn,
           guint          index,
           gpointer       user_data,
           GCancellable  *cancellable,
           GError       **error)
{
  return NULL;
}

void
ferry_test_drain_worker (FerryNode *node)
{
  g_autoptr(GPtrArray) nodes = g_ptr_array_new ();
  gint done = 0;

  g_ptr_array_add (nodes, node);
  ferry_fanout_run_async (nodes, 0, noop_step, NULL, NULL, NULL, NULL, flag_done, &done);
  g_assert_true (ferry_test_wait_until (flag_is_set, &done, 10000));
}

static gboolean
sole_owner (gpointer object)
{
  return g_atomic_int_get ((gint *) &G_OBJECT (object)->ref_count) == 1;
}

void
ferry_test_finalize_object (gpointer object)
{
  g_assert_true (ferry_test_wait_until (sole_owner, object, 10000));
  g_assert_finalize_object (object);
}

void
ferry_test_finalize_node (FerryNode *node)
{
  ferry_test_finalize_object (node);
}
