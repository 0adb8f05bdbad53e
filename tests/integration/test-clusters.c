/* test-clusters.c — cluster checks, the baseline CPU, shared-storage
 * verification and networks on the real local cluster
 *
 * Everything this test creates is named cl-* (guests) or ferry-cl-*
 * (pools, networks) and removed at the end.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "ferry-cluster-ops.h"
#include "ferry-core-all.h"
#include "ferry-test-util.h"

#define N_NODES 3

static FerryInventory *inventory;
static FerryNode *nodes[N_NODES];
static char *cluster_script;

static void
cluster (const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *err = NULL;
  int status = 0;

  g_ptr_array_add (argv, cluster_script);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                               NULL, &err, &status, NULL));
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("cluster %s: %s", args[0], err);
}

static void
virsh_quiet (FerryNode  *node,
             const char *a,
             const char *b,
             const char *c)
{
  const char *argv[] = { "virsh", "-q", "-c", ferry_node_get_uri (node), a, b, c, NULL };

  g_spawn_sync (NULL, (char **) argv, NULL,
                G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, NULL, NULL, NULL, NULL);
}

static GPtrArray *
node_list (void)
{
  GPtrArray *list = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < N_NODES; i++)
    g_ptr_array_add (list, g_object_ref (nodes[i]));
  return list;
}

static gboolean
result_ready (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

static void
store_result (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  g_assert_true (ferry_test_wait_until (result_ready, slot, 120000));
  return *slot;
}

static GPtrArray *
probe_all (void)
{
  g_autoptr(GPtrArray) list = node_list ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *probes;

  ferry_cluster_probe_async (list, 30, NULL, store_result, &result);
  probes = ferry_cluster_probe_finish (wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (probes->len, ==, N_NODES);
  return probes;
}

static const FerryClusterCheck *
find_check (GPtrArray  *checks,
            const char *code)
{
  for (guint i = 0; i < checks->len; i++)
    if (g_str_equal (((FerryClusterCheck *) g_ptr_array_index (checks, i))->code, code))
      return g_ptr_array_index (checks, i);
  g_error ("no check %s", code);
}

static void
test_checks_and_baseline (void)
{
  g_autoptr(GPtrArray) probes = NULL;
  g_autoptr(GPtrArray) checks = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(FerryBaseline) baseline = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;

  if (!ferry_test_have_cluster (nodes[0]))
    return;

  probes = probe_all ();
  for (guint i = 0; i < probes->len; i++)
    {
      FerryNodeProbe *probe = g_ptr_array_index (probes, i);

      g_assert_true (probe->reachable);
      g_assert_cmpstr (probe->arch, ==, "x86_64");
      g_assert_nonnull (probe->libvirt_version);
      g_assert_nonnull (probe->hypervisor_version);
      /* What TCG's domain capabilities say: host-model is supported (QEMU's
       * "max" CPU expanded to a named model plus features). */
      g_assert_nonnull (probe->host_cpu[FERRY_VIRTTYPE_QEMU]);
      g_assert_nonnull (probe->models[FERRY_VIRTTYPE_QEMU]);
      g_test_message ("%s: libvirt %s, QEMU %s, KVM %s, %u VMs, TCG host-model: %s", probe->node_name,
                      probe->libvirt_version, probe->hypervisor_version, probe->has_kvm ? "yes" : "no",
                      probe->vms->len, probe->host_cpu[FERRY_VIRTTYPE_QEMU]);
      /* Its clock, read from a file it stamped in its "local" pool: the
       * nodes share this machine's clock, so within the round trip plus
       * the file system's stamp granularity (a jiffy). */
      g_assert_true (probe->clock_known);
      g_test_message ("%s: clock %+.4f s ± %.4f s", probe->node_name, probe->clock_offset, probe->clock_uncertainty);
      g_assert_cmpfloat (fabs (probe->clock_offset), <, probe->clock_uncertainty + 0.05);
    }
  checks = ferry_cluster_evaluate (probes);
  for (guint i = 0; i < checks->len; i++)
    {
      FerryClusterCheck *check = g_ptr_array_index (checks, i);
      g_test_message ("check %s: %d %s", check->code, check->severity, check->title);
    }
  g_assert_cmpint (find_check (checks, "reachable")->severity, ==, FERRY_CHECK_PASS);
  g_assert_cmpint (find_check (checks, "arch")->severity, ==, FERRY_CHECK_PASS);
  /* The harness gives each node its own host_uuid. */
  g_assert_cmpint (find_check (checks, "uuid")->severity, ==, FERRY_CHECK_PASS);
  g_assert_cmpint (find_check (checks, "libvirt")->severity, ==, FERRY_CHECK_PASS);
  g_assert_cmpint (find_check (checks, "clock")->severity, ==, FERRY_CHECK_PASS);
  g_assert_cmpint (ferry_cluster_worst_severity (checks), <, FERRY_CHECK_WARN);
  /* The stamped files are gone. */
  for (guint i = 0; i < G_N_ELEMENTS (nodes); i++)
    {
      g_autofree char *out = ferry_test_virsh (nodes[i], "vol-list", "local");

      g_assert_null (strstr (out, "ferry-clock-"));
    }
  /* The harness's guests are TCG guests. */
  g_assert_cmpint (ferry_cluster_choose_virttype (probes), ==, FERRY_VIRTTYPE_QEMU);

  ferry_cluster_baseline_async (nodes[0], probes, NULL, store_result, &result);
  baseline = ferry_cluster_baseline_finish (wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (baseline->virttype, ==, "qemu");
  g_assert_nonnull (strstr (baseline->cpu_xml, "<model"));
  summary = ferry_cluster_cpu_summary (baseline->cpu_xml);
  g_assert_nonnull (summary);
  g_test_message ("baseline: %s — %s", summary, baseline->method);
  g_assert_nonnull (strstr (baseline->method, "libvirt"));
}

static FerrySharedResult *
verify (const char *pool)
{
  g_autoptr(GPtrArray) list = node_list ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  FerrySharedResult *shared;

  ferry_cluster_verify_shared_async (list, pool, NULL, store_result, &result);
  shared = ferry_cluster_verify_shared_finish (wait_result (&result), &error);
  g_assert_no_error (error);
  return shared;
}

static void
test_shared_storage (void)
{
  g_autoptr(FerrySharedResult) shared = NULL;
  g_autoptr(FerrySharedResult) private = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) done = NULL;
  g_autofree char *volumes = NULL;
  FerryPoolSpec spec = { "ferry-cl-private", "dir", "/var/lib/libvirt/images/ferry-cl-private-test", NULL, NULL };

  if (!ferry_test_have_cluster (nodes[0]))
    return;

  shared = verify ("shared");
  g_assert_true (shared->shared);
  g_assert_cmpuint (g_strv_length (shared->seen), ==, N_NODES - 1);
  g_assert_cmpuint (g_strv_length (shared->missing), ==, 0);
  /* The marker is gone again. */
  volumes = ferry_test_virsh (nodes[1], "vol-list", "shared");
  g_assert_null (strstr (volumes, "ferry-cl-marker"));

  /* One click: the same pool on every node (here at a path that is
   * private to each node). */
  list = node_list ();
  for (guint i = 0; i < N_NODES; i++)
    {
      virsh_quiet (nodes[i], "pool-destroy", spec.name, NULL);
      virsh_quiet (nodes[i], "pool-undefine", spec.name, NULL);
    }
  ferry_cluster_define_pool_async (list, &spec, NULL, store_result, &result);
  done = ferry_cluster_define_pool_finish (wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (done), ==, N_NODES);
  for (guint i = 0; done[i] != NULL; i++)
    {
      g_test_message ("%s", done[i]);
      g_assert_nonnull (strstr (done[i], "started"));
    }

  private = verify (spec.name);
  g_assert_false (private->shared);
  g_assert_cmpuint (g_strv_length (private->missing), ==, N_NODES - 1);
  g_assert_nonnull (strstr (private->missing[0], "node2"));
  g_assert_nonnull (strstr (private->missing[1], "node3"));
  g_assert_cmpstr (private->written_by, ==, "node1");

  for (guint i = 0; i < N_NODES; i++)
    {
      virsh_quiet (nodes[i], "pool-destroy", spec.name, NULL);
      virsh_quiet (nodes[i], "pool-delete", spec.name, NULL);
      virsh_quiet (nodes[i], "pool-undefine", spec.name, NULL);
    }
}

static gboolean
has_vm (gpointer name)
{
  return ferry_test_count_named (inventory, name) > 0;
}

static void
test_networks_and_cpu (void)
{
  const char *define_net[] = { "define-network", "node1", "ferry-cl-net", NULL };
  const char *define_guest[] = { "define-guest", "node1", "cl-net1", "--network", "ferry-cl-net", NULL };
  g_autoptr(GPtrArray) probes = NULL;
  g_autoptr(GPtrArray) gaps = NULL;
  g_autoptr(GPtrArray) applied = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) copied = NULL;
  g_autoptr(GAsyncResult) baseline_result = NULL;
  g_autoptr(FerryBaseline) baseline = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *state = NULL;
  FerryNetworkGap *gap = NULL;
  const char *uuid = NULL;

  if (!ferry_test_have_cluster (nodes[0]))
    return;

  for (guint i = 0; i < N_NODES; i++)
    {
      virsh_quiet (nodes[i], "destroy", "cl-net1", NULL);
      virsh_quiet (nodes[i], "undefine", "cl-net1", "--remove-all-storage");
      virsh_quiet (nodes[i], "net-destroy", "ferry-cl-net", NULL);
      virsh_quiet (nodes[i], "net-undefine", "ferry-cl-net", NULL);
    }
  cluster (define_net);
  cluster (define_guest);
  g_assert_true (ferry_test_wait_until (has_vm, (gpointer) "cl-net1", 15000));

  probes = probe_all ();
  gaps = ferry_cluster_network_gaps (list = node_list (), probes);
  for (guint i = 0; i < gaps->len; i++)
    if (g_str_equal (((FerryNetworkGap *) g_ptr_array_index (gaps, i))->network, "ferry-cl-net"))
      gap = g_ptr_array_index (gaps, i);
  g_assert_nonnull (gap);
  g_assert_true (gap->source == nodes[0]);
  g_assert_cmpuint (gap->missing->len, ==, 2);

  /* The fix: a copy on node2 (a bridge of its own, picked by libvirt). */
  ferry_cluster_copy_network_async (nodes[0], nodes[1], "ferry-cl-net", NULL, store_result, &copied);
  g_assert_true (ferry_cluster_copy_network_finish (wait_result (&copied), &error));
  g_assert_no_error (error);
  g_clear_pointer (&gaps, g_ptr_array_unref);
  g_clear_pointer (&probes, g_ptr_array_unref);
  probes = probe_all ();
  gaps = ferry_cluster_network_gaps (list, probes);
  gap = NULL;
  for (guint i = 0; i < gaps->len; i++)
    if (g_str_equal (((FerryNetworkGap *) g_ptr_array_index (gaps, i))->network, "ferry-cl-net"))
      gap = g_ptr_array_index (gaps, i);
  g_assert_nonnull (gap);
  g_assert_cmpuint (gap->missing->len, ==, 1);
  g_assert_true (g_ptr_array_index (gap->missing, 0) == nodes[2]);

  /* The baseline CPU on our (shut-off) guest; it then starts with it. */
  ferry_cluster_baseline_async (nodes[0], probes, NULL, store_result, &baseline_result);
  baseline = ferry_cluster_baseline_finish (wait_result (&baseline_result), &error);
  g_assert_no_error (error);
  for (guint i = 0; i < ((FerryNodeProbe *) g_ptr_array_index (probes, 0))->vms->len; i++)
    {
      FerryVmFacts *vm = g_ptr_array_index (((FerryNodeProbe *) g_ptr_array_index (probes, 0))->vms, i);

      if (g_str_equal (vm->name, "cl-net1"))
        uuid = vm->uuid;
    }
  g_assert_nonnull (uuid);
  {
    const char *uuids[] = { uuid, NULL };

    ferry_cluster_apply_cpu_async (list, baseline->cpu_xml, uuids, NULL, store_result, &result);
  }
  applied = ferry_cluster_apply_cpu_finish (wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (applied->len, ==, 1);
  g_assert_cmpint (((FerryCpuApplyResult *) g_ptr_array_index (applied, 0))->outcome, ==, FERRY_CPU_APPLY_NOW);
  xml = ferry_test_virsh (nodes[0], "dumpxml", "cl-net1");
  g_assert_nonnull (strstr (xml, "<cpu mode='custom' match='exact'"));
  virsh_quiet (nodes[0], "start", "cl-net1", NULL);
  state = ferry_test_virsh (nodes[0], "domstate", "cl-net1");
  g_assert_nonnull (strstr (state, "running"));

  for (guint i = 0; i < N_NODES; i++)
    {
      virsh_quiet (nodes[i], "destroy", "cl-net1", NULL);
      virsh_quiet (nodes[i], "undefine", "cl-net1", "--remove-all-storage");
      virsh_quiet (nodes[i], "net-destroy", "ferry-cl-net", NULL);
      virsh_quiet (nodes[i], "net-undefine", "ferry-cl-net", NULL);
    }
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
  int ret;

  g_test_init (&argc, &argv, NULL);
  ferry_core_init ();

  cluster_script = g_build_filename (srcdir ? srcdir : ".", "tests", "cluster", "cluster", NULL);
  inventory = ferry_inventory_new ();
  if (!ferry_test_connect_cluster (inventory, nodes, NULL, N_NODES, &error) && error != NULL)
    g_error ("%s", error->message);

  g_test_add_func ("/clusters/checks-and-baseline", test_checks_and_baseline);
  g_test_add_func ("/clusters/shared-storage", test_shared_storage);
  g_test_add_func ("/clusters/networks-and-cpu", test_networks_and_cpu);
  g_test_add_func ("/clusters/no-libvirt-on-main-thread", test_no_libvirt_on_main_thread);

  ret = g_test_run ();

  for (guint i = 0; i < N_NODES; i++)
    g_clear_object (&nodes[i]);
  g_clear_object (&inventory);
  g_free (cluster_script);
  return ret;
}
