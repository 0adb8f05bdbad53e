/* test-ha.c — high availability against real libvirtd + QEMU nodes
 *
 * Needs the local cluster of tests/cluster (`cluster up 3`, root). Guests of
 * its own (ha-*) are defined and removed here. Only node3 is failed and
 * restarted; its demo guests (n3-web, n3-db) are started again afterwards.
 * Witnesses: virsh on every node and the guests' serial heartbeats.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ferry-test-util.h"

#define N_NODES 3

static FerryInventory *inventory;
static FerryTaskLog *task_log;
static FerryHaManager *manager;
static FerryNode *nodes[N_NODES];
static char *cluster_script;

static char *
cluster_out (const char *const *args,
             gboolean           must_succeed)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  g_ptr_array_add (argv, cluster_script);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  if (must_succeed && !g_spawn_check_wait_status (status, NULL))
    g_error ("cluster %s failed:\n%s%s", args[0], out, err);
  return g_steal_pointer (&out);
}

/* virsh domstate NAME on @node, or NULL when it has no such domain. */
static char *
domstate (FerryNode  *node,
          const char *name)
{
  g_autofree char *out = NULL;

  if (!ferry_test_virsh_lists (node, name))
    return NULL;
  out = ferry_test_virsh (node, "domstate", name);
  return out ? g_strstrip (g_steal_pointer (&out)) : NULL;
}

static gboolean
all_connected (gpointer data)
{
  for (guint n = 0; n < N_NODES; n++)
    if (ferry_node_get_state (nodes[n]) != FERRY_NODE_STATE_CONNECTED)
      return FALSE;
  return TRUE;
}

static void
remove_everywhere (const char *name)
{
  /* The cluster is shared: another test may have frozen or restarted a
   * node a moment ago. */
  ferry_test_wait_until (all_connected, NULL, 60000);
  ferry_test_remove_everywhere (inventory, nodes, N_NODES, name);
}

static FerryVm *
define_guest (guint       i,
              const char *name,
              const char *pool,
              gboolean    start)
{
  ferry_test_wait_until (all_connected, NULL, 60000);
  return ferry_test_define_guest (inventory, nodes, N_NODES, i - 1, name, pool, start);
}

/* Async results, waited for on the main loop. */
typedef struct
{
  gboolean      done;
  GAsyncResult *result;
} Wait;

static void
wait_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Wait *w = user_data;

  w->result = g_object_ref (result);
  w->done = TRUE;
}

static gboolean
wait_done (gpointer data)
{
  return ((Wait *) data)->done;
}

static GAsyncResult *
wait_result (Wait  *w,
             guint  timeout_ms)
{
  g_assert_true (ferry_test_wait_until (wait_done, w, timeout_ms));
  return w->result;
}

static GError *
set_ha (FerryVm  *vm,
        gboolean  enabled)
{
  Wait w = { 0 };
  g_autoptr(GAsyncResult) result = NULL;
  GError *error = NULL;

  ferry_ha_manager_set_ha_async (manager, vm, enabled, NULL, wait_cb, &w);
  result = wait_result (&w, 30000);
  ferry_ha_manager_set_ha_finish (manager, result, &error);
  return error;
}

static guint
recover (FerryNode     *node,
         FerryHaFence   fence,
         GError       **error)
{
  Wait w = { 0 };
  g_autoptr(GAsyncResult) result = NULL;

  ferry_ha_manager_recover_async (manager, node, fence, NULL, NULL, wait_cb, &w);
  result = wait_result (&w, 120000);
  return ferry_ha_manager_recover_finish (manager, result, error);
}

/* How many connected nodes say @name runs. */
static guint
count_running (const char *name)
{
  guint n = 0;

  for (guint i = 0; i < N_NODES; i++)
    {
      g_autofree char *state = NULL;

      if (ferry_node_get_state (nodes[i]) != FERRY_NODE_STATE_CONNECTED)
        continue;
      state = domstate (nodes[i], name);
      g_test_message ("virsh on %s: %s is %s", ferry_node_get_name (nodes[i]), name,
                      state ? state : "not defined");
      if (g_strcmp0 (state, "running") == 0)
        n++;
    }
  return n;
}

static guint
count_in_serial (const char *name,
                 gsize       offset,
                 const char *needle)
{
  g_autofree char *path = g_build_filename (ferry_test_cluster_dir (), "serial", name, NULL);
  g_autofree char *log = g_strconcat (path, ".log", NULL);
  g_autofree char *text = NULL;
  gsize len = 0;
  guint n = 0;

  if (!g_file_get_contents (log, &text, &len, NULL) || offset >= len)
    return 0;
  for (const char *p = text + offset; (p = g_strstr_len (p, len - (p - text), needle)) != NULL; p++)
    n++;
  return n;
}

typedef struct
{
  FerryVm   *vm;
  FerryNode *not_on;
} OwnerWait;

static gboolean
runs_elsewhere (gpointer data)
{
  OwnerWait *w = data;
  FerryNode *node = ferry_vm_get_node (w->vm);

  return node != NULL && node != w->not_on &&
         ferry_node_get_state (node) == FERRY_NODE_STATE_CONNECTED &&
         ferry_vm_get_state (w->vm) == FERRY_VM_STATE_RUNNING;
}

static gboolean
at_risk_has (gpointer vm)
{
  return ferry_test_model_contains (ferry_ha_manager_get_at_risk (manager), vm);
}

static gboolean
has_stale (gpointer node)
{
  g_autoptr(GPtrArray) stale = ferry_ha_manager_get_stale (manager, node);

  return stale->len > 0;
}

/* ---------------------------------------------------------------------- */

static void
test_local_disk_refused (void)
{
  FerryVm *vm;
  g_autoptr(GError) error = NULL;

  if (!ferry_test_have_cluster (nodes[0]))
    return;

  vm = define_guest (3, "ha-local", "local", FALSE);
  error = set_ha (vm, TRUE);
  g_assert_error (error, FERRY_HA_ERROR, FERRY_HA_ERROR_NOT_SHARED);
  g_test_message ("flagging ha-local: %s", error->message);
  g_assert_nonnull (strstr (error->message, "vda"));
  g_assert_nonnull (strstr (error->message, "not on shared storage"));
  g_assert_false (ferry_ha_manager_is_ha (manager, vm));
  {
    g_autofree char *xml = ferry_test_virsh (nodes[2], "dumpxml", "ha-local");

    g_assert_null (strstr (xml, FERRY_HA_XMLNS));
  }
  remove_everywhere ("ha-local");
}

static void
test_failover (void)
{
  const char *fail3[] = { "fail", "node3", NULL };
  const char *restart3[] = { "restart", "node3", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) plan = NULL;
  g_autofree char *saved = NULL;
  FerryVm *ha, *plain;
  OwnerWait ow;
  gsize offset;
  guint n;

  if (!ferry_test_have_cluster (nodes[0]))
    return;

  ha = define_guest (3, "ha-web", "shared", TRUE);
  plain = define_guest (3, "ha-plain", "shared", TRUE);
  g_object_ref (ha);
  g_object_ref (plain);

  /* The flag: in the domain's XML, and its definition saved. */
  g_assert_no_error (set_ha (ha, TRUE));
  g_assert_true (ferry_ha_manager_is_ha (manager, ha));
  g_assert_false (ferry_ha_manager_is_ha (manager, plain));
  {
    g_autofree char *xml = ferry_test_virsh (nodes[2], "dumpxml", "ha-web");
    g_autofree char *inactive = NULL;
    const char *argv[] = { "virsh", "-q", "-c", ferry_node_get_uri (nodes[2]), "dumpxml", "--inactive", "ha-web", NULL };

    g_assert_true (ferry_ha_xml_is_enabled (xml));
    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &inactive, NULL, NULL, NULL);
    g_assert_true (ferry_ha_xml_is_enabled (inactive));
  }
  saved = ferry_ha_cache_load (ferry_vm_get_uuid (ha), &error);
  g_assert_no_error (error);
  g_assert_true (ferry_ha_xml_is_enabled (saved));

  /* node3 dies: the HA guest is at risk, the other is not. */
  ferry_test_cluster_script (fail3);
  g_assert_true (ferry_test_wait_node_state (nodes[2], FERRY_NODE_STATE_UNREACHABLE, 20000));
  g_assert_true (ferry_test_wait_until (at_risk_has, ha, 5000));
  g_assert_false (at_risk_has (plain));
  g_assert_cmpuint (ferry_ha_manager_count_at_risk (manager, nodes[2]), ==, 1);
  g_test_message ("at risk on node3: %u", ferry_ha_manager_count_at_risk (manager, nodes[2]));

  plan = ferry_ha_manager_plan_recovery (manager, nodes[2]);
  g_assert_cmpuint (plan->len, ==, 1);
  {
    FerryHaPlanItem *item = g_ptr_array_index (plan, 0);

    g_assert_true (item->vm == ha);
    g_assert_nonnull (item->target);
    g_assert_true (item->target != nodes[2]);
    g_test_message ("plan: ha-web → %s", ferry_node_get_name (item->target));
  }

  /* Not fenced by leases that nobody verified. */
  n = recover (nodes[2], FERRY_HA_FENCE_LEASES, &error);
  g_assert_error (error, FERRY_HA_ERROR, FERRY_HA_ERROR_NOT_FENCED);
  g_assert_cmpuint (n, ==, 0);
  g_clear_error (&error);
  g_assert_cmpuint (count_running ("ha-web"), ==, 0);

  /* The administrator confirms node3 is off. */
  offset = ferry_test_serial_size ("ha-web");
  n = recover (nodes[2], FERRY_HA_FENCE_MANUAL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 1);
  ow.vm = ha;
  ow.not_on = nodes[2];
  g_assert_true (ferry_test_wait_until (runs_elsewhere, &ow, 20000));
  g_test_message ("ha-web recovered on %s", ferry_node_get_name (ferry_vm_get_node (ha)));
  g_assert_cmpuint (count_running ("ha-web"), ==, 1);
  g_assert_true (ferry_test_serial_wait_for ("ha-web", offset, "FERRY-HEARTBEAT", 60000));
  g_assert_false (at_risk_has (ha));
  g_assert_cmpuint (ferry_test_count_named (inventory, "ha-web"), ==, 1);

  /* The other guest is not touched: only node3 (down) has it. */
  for (guint i = 0; i < 2; i++)
    g_assert_false (ferry_test_virsh_lists (nodes[i], "ha-plain"));
  g_assert_true (ferry_vm_get_node (plain) == nodes[2]);

  /* Asking again starts nothing a second time. */
  n = recover (nodes[2], FERRY_HA_FENCE_MANUAL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 0);
  g_assert_cmpuint (count_running ("ha-web"), ==, 1);
  g_assert_cmpuint (count_in_serial ("ha-web", offset, "FERRY-BOOT"), ==, 1);

  /* node3 comes back with its stale definition: found, never started,
   * removed once confirmed. */
  ferry_test_cluster_script (restart3);
  g_assert_true (ferry_test_wait_node_state (nodes[2], FERRY_NODE_STATE_CONNECTED, 30000));
  /* The demo guests first, whatever happens next. */
  ferry_test_virsh_quiet (nodes[2], "start", "n3-web", NULL);
  ferry_test_virsh_quiet (nodes[2], "start", "n3-db", NULL);
  g_assert_true (ferry_test_wait_until (has_stale, nodes[2], 10000));
  {
    g_autoptr(GPtrArray) stale = ferry_ha_manager_get_stale (manager, nodes[2]);
    g_autofree char *state = domstate (nodes[2], "ha-web");

    g_assert_cmpuint (stale->len, ==, 1);
    g_assert_true (g_ptr_array_index (stale, 0) == ha);
    g_test_message ("node3 after restart: ha-web is %s (stale)", state);
    g_assert_cmpstr (state, ==, "shut off");
  }
  g_assert_cmpuint (ferry_test_count_named (inventory, "ha-web"), ==, 1);
  g_assert_true (ferry_vm_get_node (ha) != nodes[2]);
  {
    Wait w = { 0 };
    g_autoptr(GAsyncResult) result = NULL;

    ferry_ha_manager_remove_stale_async (manager, nodes[2], NULL, wait_cb, &w);
    result = wait_result (&w, 30000);
    n = ferry_ha_manager_remove_stale_finish (manager, result, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (n, ==, 1);
  }
  g_assert_false (ferry_test_virsh_lists (nodes[2], "ha-web"));
  g_assert_false (has_stale (nodes[2]));
  g_assert_cmpuint (count_running ("ha-web"), ==, 1);
  g_assert_cmpuint (ferry_test_count_named (inventory, "ha-web"), ==, 1);
  g_assert_cmpuint (count_in_serial ("ha-web", offset, "FERRY-BOOT"), ==, 1);
  /* The non-HA guest is still defined on node3, shut off by the crash. */
  {
    g_autofree char *state = domstate (nodes[2], "ha-plain");

    g_assert_cmpstr (state, ==, "shut off");
  }

  /* Leave the demo cluster as we found it. */
  g_assert_no_error (set_ha (ha, FALSE));
  ferry_test_virsh_quiet (nodes[2], "start", "n3-web", NULL);
  ferry_test_virsh_quiet (nodes[2], "start", "n3-db", NULL);
  g_assert_false (ferry_ha_manager_is_ha (manager, ha));
  g_object_unref (ha);
  g_object_unref (plain);
  remove_everywhere ("ha-web");
  remove_everywhere ("ha-plain");
  {
    g_autofree char *web = domstate (nodes[2], "n3-web");
    g_autofree char *db = domstate (nodes[2], "n3-db");

    g_assert_cmpstr (web, ==, "running");
    g_assert_cmpstr (db, ==, "running");
  }
}

/* Which nodes run virtlockd now (cluster leases status). */
static gboolean
node_has_virtlockd (guint i)
{
  const char *args[] = { "leases", "status", NULL };
  g_autofree char *out = cluster_out (args, FALSE);
  g_autofree char *prefix = g_strdup_printf ("node%u ", i + 1);
  g_auto(GStrv) lines = g_strsplit (out ? out : "", "\n", -1);

  for (guint l = 0; lines[l] != NULL; l++)
    if (g_str_has_prefix (lines[l], prefix))
      return strstr (lines[l], "virtlockd=-") == NULL && strstr (lines[l], "virtlockd=") != NULL;
  return FALSE;
}

static gboolean
verify_leases (guint     a,
               guint     b,
               char    **explanation)
{
  g_autoptr(GPtrArray) pair = g_ptr_array_new ();
  g_autofree char *shared = g_build_filename (ferry_test_cluster_dir (), "shared", NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  Wait w = { 0 };
  gboolean ok;

  g_ptr_array_add (pair, nodes[a]);
  g_ptr_array_add (pair, nodes[b]);
  ferry_ha_verify_leases_async (pair, shared, NULL, wait_cb, &w);
  result = wait_result (&w, 60000);
  ok = ferry_ha_verify_leases_finish (result, explanation, &error);
  g_assert_no_error (error);
  g_test_message ("leases %s → %s: %s: %s", ferry_node_get_name (nodes[a]), ferry_node_get_name (nodes[b]),
                  ok ? "VERIFIED" : "NOT verified", *explanation);
  return ok;
}

static void
no_lease_check_leftovers (void)
{
  g_autofree char *shared = g_build_filename (ferry_test_cluster_dir (), "shared", NULL);
  g_autoptr(GDir) dir = g_dir_open (shared, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    g_assert_false (g_str_has_prefix (name, "ferry-lease-check-"));
  for (guint i = 0; i < N_NODES; i++)
    {
      g_autofree char *list = ferry_test_virsh (nodes[i], "list", "--all");

      g_assert_null (strstr (list ? list : "", "ferry-lease-check-"));
    }
}

static void
test_leases (void)
{
  gboolean lockd[N_NODES];
  int with = -1, without = -1;

  if (!ferry_test_have_cluster (nodes[0]))
    return;

  for (guint i = 0; i < N_NODES; i++)
    {
      lockd[i] = node_has_virtlockd (i);
      g_test_message ("node%u: virtlockd %s", i + 1, lockd[i] ? "runs" : "does not run");
    }

  /* Across hosts, when two nodes have it (a cluster brought up with
   * leases on, as CI does). */
  for (guint a = 0; a < N_NODES; a++)
    for (guint b = a + 1; b < N_NODES; b++)
      if (lockd[a] && lockd[b] && with < 0)
        {
          g_autofree char *why = NULL;

          g_assert_true (verify_leases (a, b, &why));
          g_assert_nonnull (strstr (why, "Lockspace"));
          with = a;
        }
  /* Only one node has it: the lock manager on that node, honestly labelled. */
  for (guint a = 0; a < N_NODES && with < 0; a++)
    if (lockd[a])
      {
        g_autofree char *why = NULL;

        g_test_message ("only %s runs virtlockd: checking it against itself", ferry_node_get_name (nodes[a]));
        g_assert_true (verify_leases (a, a, &why));
        g_assert_nonnull (strstr (why, "Lockspace"));
        with = a;
      }
  if (with < 0)
    g_test_message ("no node runs virtlockd (cluster leases on + restart the nodes)");

  /* A node without a lock manager holds no lease: whatever refuses the
   * second start there (QEMU's image locking here) is not reported as a
   * lease. */
  for (guint a = 0; a < N_NODES; a++)
    if (!lockd[a])
      without = a;
  if (without >= 0)
    {
      g_autofree char *why = NULL;
      guint other = with >= 0 ? (guint) with : ((guint) without + 1) % N_NODES;

      g_assert_false (verify_leases (without, other, &why));
      g_assert_nonnull (strstr (why, "QEMU"));
    }
  no_lease_check_leftovers ();

  if (with < 0 && without < 0)
    g_test_skip ("no node to check leases with");
}

static gboolean
never (gpointer data)
{
  return FALSE;
}

static void
test_no_libvirt_on_main_thread (void)
{
  g_assert_cmpuint (ferry_core_get_libvirt_calls_on_main_thread (), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  const char *srcdir = g_getenv ("FERRY_SOURCE_DIR");
  g_autoptr(GError) error = NULL;
  g_autofree char *data_home = NULL;
  int ret;

  /* A data dir of our own for the saved definitions, set before GLib
   * caches the user's (G_TEST_OPTION_ISOLATE_DIRS would swap it per test
   * case under a manager made here, and GLib would leak the old value). */
  data_home = g_dir_make_tmp ("ferry-test-ha-XXXXXX", NULL);
  g_assert_nonnull (data_home);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_test_init (&argc, &argv, NULL);
  ferry_core_init ();

  cluster_script = g_build_filename (srcdir ? srcdir : ".", "tests", "cluster", "cluster", NULL);
  inventory = ferry_inventory_new ();
  task_log = ferry_task_log_new ();
  if (!ferry_test_connect_cluster (inventory, nodes, NULL, N_NODES, &error) && error != NULL)
    g_error ("%s", error->message);
  manager = ferry_ha_manager_new (inventory, task_log);

  g_test_add_func ("/ha/local-disk-refused", test_local_disk_refused);
  g_test_add_func ("/ha/failover", test_failover);
  g_test_add_func ("/ha/leases", test_leases);
  g_test_add_func ("/ha/no-libvirt-on-main-thread", test_no_libvirt_on_main_thread);

  ret = g_test_run ();

  /* Let the last reads of flags (define events) come back. */
  ferry_test_wait_until (never, NULL, 1000);
  g_assert_finalize_object (manager);
  for (guint i = 0; i < N_NODES; i++)
    g_clear_object (&nodes[i]);
  g_clear_object (&inventory);
  g_clear_object (&task_log);
  g_free (cluster_script);
  ferry_test_remove_tree (data_home);
  return ret;
}
