/* test-cluster-model.c — FerryCluster's unit test file (not test-cluster.c:
 * tests/integration/meson.build already builds an executable and a test
 * named test-cluster, and unit and integration targets share one namespace).
 *
 * Clusters: the pure evaluation of checks, CPUs, pools and networks, and
 * what the cluster operations report for nodes that do not answer. The
 * saved form and the exchange file (FerryClusterConfig) are in
 * test-cluster-config.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ferry-cluster.h"
#include "ferry-cluster-ops.h"
#include "ferry-core.h"
#include "ferry-fanout.h"
#include "ferry-host-xml.h"
#include "ferry-inventory.h"
#include "ferry-libvirt.h"
#include "ferry-test-util.h"

static const char *cpu_a =
  "<cpu mode='custom' match='exact'>\n  <model fallback='forbid'>EPYC</model>\n  <vendor>AMD</vendor>\n"
  "  <feature policy='require' name='acpi'/>\n  <feature policy='disable' name='vme'/>\n</cpu>";

static FerryNodeProbe *
probe_new (const char *name,
           const char *uuid,
           const char *libvirt,
           const char *qemu)
{
  FerryNodeProbe *probe = g_new0 (FerryNodeProbe, 1);
  const char *models[] = { "qemu64", "Westmere", NULL };

  probe->node_name = g_strdup (name);
  probe->reachable = TRUE;
  probe->arch = g_strdup ("x86_64");
  probe->host_uuid = g_strdup (uuid);
  probe->libvirt_version = g_strdup (libvirt);
  probe->hypervisor_version = g_strdup (qemu);
  probe->models[FERRY_VIRTTYPE_QEMU] = g_strdupv ((char **) models);
  probe->vms = g_ptr_array_new_with_free_func ((GDestroyNotify) ferry_vm_facts_free);
  probe->networks = g_ptr_array_new_with_free_func ((GDestroyNotify) ferry_network_facts_free);
  return probe;
}

static const FerryClusterCheck *
find_check (GPtrArray  *checks,
            const char *code)
{
  for (guint i = 0; i < checks->len; i++)
    if (g_str_equal (((FerryClusterCheck *) g_ptr_array_index (checks, i))->code, code))
      return g_ptr_array_index (checks, i);
  return NULL;
}

static void
test_evaluate (void)
{
  g_autoptr(GPtrArray) probes = g_ptr_array_new_with_free_func ((GDestroyNotify) ferry_node_probe_free);
  g_autoptr(GPtrArray) checks = NULL;
  FerryNodeProbe *down;

  g_ptr_array_add (probes, probe_new ("node1", "u1", "9.0.0", "7.2.0"));
  g_ptr_array_add (probes, probe_new ("node2", "u2", "9.0.0", "7.2.0"));
  checks = ferry_cluster_evaluate (probes);
  g_assert_cmpint (find_check (checks, "reachable")->severity, ==, FERRY_CHECK_PASS);
  g_assert_cmpint (find_check (checks, "uuid")->severity, ==, FERRY_CHECK_PASS);
  g_assert_cmpint (find_check (checks, "libvirt")->severity, ==, FERRY_CHECK_PASS);
  /* Honest about what it could not measure. */
  g_assert_cmpint (find_check (checks, "clock")->severity, ==, FERRY_CHECK_INFO);
  g_assert_nonnull (find_check (checks, "clock")->fix);
  g_assert_cmpint (ferry_cluster_worst_severity (checks), ==, FERRY_CHECK_INFO);
  g_clear_pointer (&checks, g_ptr_array_unref);

  g_ptr_array_add (probes, probe_new ("node3", "u1", "8.0.0", "7.2.0"));
  g_free (((FerryNodeProbe *) g_ptr_array_index (probes, 2))->arch);
  ((FerryNodeProbe *) g_ptr_array_index (probes, 2))->arch = g_strdup ("aarch64");
  down = probe_new ("node4", NULL, NULL, NULL);
  down->reachable = FALSE;
  down->error = g_strdup ("Connection refused");
  g_ptr_array_add (probes, down);
  checks = ferry_cluster_evaluate (probes);
  g_assert_cmpint (find_check (checks, "reachable")->severity, ==, FERRY_CHECK_FAIL);
  g_assert_nonnull (strstr (find_check (checks, "reachable")->detail, "node4: Connection refused"));
  g_assert_cmpint (find_check (checks, "arch")->severity, ==, FERRY_CHECK_FAIL);
  g_assert_cmpint (find_check (checks, "uuid")->severity, ==, FERRY_CHECK_FAIL);
  g_assert_nonnull (strstr (find_check (checks, "uuid")->detail, "node1 and node3"));
  g_assert_cmpint (find_check (checks, "libvirt")->severity, ==, FERRY_CHECK_WARN);
  g_assert_nonnull (strstr (find_check (checks, "libvirt")->detail, "node3: 8.0.0"));
  g_assert_cmpint (find_check (checks, "qemu")->severity, ==, FERRY_CHECK_PASS);
  g_assert_cmpint (ferry_cluster_worst_severity (checks), ==, FERRY_CHECK_FAIL);
}

static FerryNodeProbe *
clock_probe (const char *name,
             double      offset,
             double      uncertainty)
{
  FerryNodeProbe *probe = probe_new (name, name, "9.0.0", "7.2.0");

  probe->clock_known = TRUE;
  probe->clock_offset = offset;
  probe->clock_uncertainty = uncertainty;
  return probe;
}

static FerryCheckSeverity
clock_severity (GPtrArray   *probes,
                char       **title,
                char       **detail)
{
  g_autoptr(GPtrArray) checks = ferry_cluster_evaluate (probes);
  const FerryClusterCheck *check = find_check (checks, "clock");

  g_assert_nonnull (check);
  g_test_message ("clock: %d %s — %s", check->severity, check->title, check->detail);
  *title = g_strdup (check->title);
  *detail = g_strdup (check->detail);
  return check->severity;
}

static void
test_evaluate_clock (void)
{
  g_autoptr(GPtrArray) probes = g_ptr_array_new_with_free_func ((GDestroyNotify) ferry_node_probe_free);
  g_autofree char *title = NULL;
  g_autofree char *detail = NULL;
  FerryNodeProbe *unknown;

  /* Within a second of each other: pass, with each one's reading shown. */
  g_ptr_array_add (probes, clock_probe ("node1", 0.012, 0.002));
  g_ptr_array_add (probes, clock_probe ("node2", -0.300, 0.004));
  g_assert_cmpint (clock_severity (probes, &title, &detail), ==, FERRY_CHECK_PASS);
  g_assert_nonnull (strstr (detail, "node1: +0.012 s"));
  g_assert_nonnull (strstr (detail, "node2: -0.300 s"));
  g_clear_pointer (&title, g_free);
  g_clear_pointer (&detail, g_free);

  /* 5 s ahead: a warning that names who is ahead of whom. */
  g_ptr_array_add (probes, clock_probe ("node3", 4.700, 0.003));
  g_assert_cmpint (clock_severity (probes, &title, &detail), ==, FERRY_CHECK_WARN);
  g_assert_cmpstr (title, ==, "Clocks are 5 s apart");
  g_assert_nonnull (strstr (detail, "node3 is 5.0 s ahead of node2"));
  g_clear_pointer (&title, g_free);
  g_clear_pointer (&detail, g_free);

  /* Minutes apart: a failure. */
  ((FerryNodeProbe *) g_ptr_array_index (probes, 2))->clock_offset = -120;
  g_assert_cmpint (clock_severity (probes, &title, &detail), ==, FERRY_CHECK_FAIL);
  g_assert_nonnull (strstr (detail, "node1 is 120.0 s ahead of node3"));
  g_clear_pointer (&title, g_free);
  g_clear_pointer (&detail, g_free);

  /* A slow link: 2.5 s measured apart, but each reading may be 0.9 s off
   * (a round trip of 1.8 s), so nothing is surely more than 1 s apart. */
  g_ptr_array_remove_index (probes, 2);
  ((FerryNodeProbe *) g_ptr_array_index (probes, 0))->clock_offset = 2.2;
  ((FerryNodeProbe *) g_ptr_array_index (probes, 0))->clock_uncertainty = 0.9;
  ((FerryNodeProbe *) g_ptr_array_index (probes, 1))->clock_uncertainty = 0.9;
  g_assert_cmpint (clock_severity (probes, &title, &detail), ==, FERRY_CHECK_PASS);
  g_clear_pointer (&title, g_free);
  g_clear_pointer (&detail, g_free);

  /* A node whose clock could not be read: said, with the reason. */
  unknown = probe_new ("node4", "u4", "9.0.0", "7.2.0");
  unknown->clock_error = g_strdup ("it has no active local directory pool to stamp a file in");
  g_ptr_array_add (probes, unknown);
  g_assert_cmpint (clock_severity (probes, &title, &detail), ==, FERRY_CHECK_INFO);
  g_assert_nonnull (strstr (detail, "node4: not compared (it has no active local directory pool"));
  g_assert_nonnull (strstr (detail, "node1: +2.200 s"));
  g_clear_pointer (&title, g_free);
  g_clear_pointer (&detail, g_free);

  /* An unreachable node is the reachability check's business, not this one's. */
  g_ptr_array_remove_index (probes, 2);
  unknown = probe_new ("node5", NULL, NULL, NULL);
  unknown->reachable = FALSE;
  g_ptr_array_add (probes, unknown);
  g_assert_cmpint (clock_severity (probes, &title, &detail), ==, FERRY_CHECK_PASS);
  g_assert_null (strstr (detail, "node5"));
}

static FerryPoolFacts *
add_pool (FerryNodeProbe *probe,
          const char     *name,
          const char     *type,
          const char     *path,
          const char     *nfs_host,
          const char     *nfs_export)
{
  FerryPoolFacts *pool = g_new0 (FerryPoolFacts, 1);

  if (probe->pools == NULL)
    probe->pools = g_ptr_array_new_with_free_func ((GDestroyNotify) ferry_pool_facts_free);
  pool->name = g_strdup (name);
  pool->type = g_strdup (type);
  pool->path = g_strdup (path);
  pool->nfs_host = g_strdup (nfs_host);
  pool->nfs_export = g_strdup (nfs_export);
  pool->active = TRUE;
  g_ptr_array_add (probe->pools, pool);
  return pool;
}

static void
test_common_pool (void)
{
  g_autoptr(GPtrArray) probes = g_ptr_array_new_with_free_func ((GDestroyNotify) ferry_node_probe_free);
  FerryNodeProbe *a = probe_new ("node1", "u1", "9.0.0", "7.2.0");
  FerryNodeProbe *b = probe_new ("node2", "u2", "9.0.0", "7.2.0");
  FerryNodeProbe *down = probe_new ("node3", NULL, NULL, NULL);
  FerryPoolFacts *b_nfs;
  const FerryPoolFacts *found;

  down->reachable = FALSE;
  g_ptr_array_add (probes, a);
  g_ptr_array_add (probes, b);
  g_ptr_array_add (probes, down);

  /* libvirt's per-host directory has the same path everywhere: never offered. */
  add_pool (a, "default", "dir", "/var/lib/libvirt/images", NULL, NULL);
  add_pool (b, "default", "dir", "/var/lib/libvirt/images", NULL, NULL);
  g_assert_null (ferry_cluster_common_pool (probes));

  /* A directory both have at the same path: offered (to be verified). */
  add_pool (a, "vmstore", "dir", "/srv/vmstore", NULL, NULL);
  add_pool (b, "vmstore", "dir", "/srv/vmstore", NULL, NULL);
  found = ferry_cluster_common_pool (probes);
  g_assert_nonnull (found);
  g_assert_cmpstr (found->name, ==, "vmstore");

  /* NFS, the same export everywhere: preferred. */
  add_pool (a, "nfs", "netfs", "/mnt/vms", "filer", "/export/vms");
  b_nfs = add_pool (b, "nfs", "netfs", "/mnt/vms", "filer", "/export/vms");
  g_assert_cmpstr (ferry_cluster_common_pool (probes)->name, ==, "nfs");

  /* Another export on one node, or inactive there: not the same storage. */
  g_free (b_nfs->nfs_export);
  b_nfs->nfs_export = g_strdup ("/export/other");
  g_assert_cmpstr (ferry_cluster_common_pool (probes)->name, ==, "vmstore");
  ((FerryPoolFacts *) g_ptr_array_index (b->pools, 1))->active = FALSE;
  g_assert_null (ferry_cluster_common_pool (probes));

  /* A different path on one node. */
  ((FerryPoolFacts *) g_ptr_array_index (b->pools, 1))->active = TRUE;
  g_free (((FerryPoolFacts *) g_ptr_array_index (b->pools, 1))->path);
  ((FerryPoolFacts *) g_ptr_array_index (b->pools, 1))->path = g_strdup ("/srv/other");
  g_assert_null (ferry_cluster_common_pool (probes));
}

static void
test_cpu_helpers (void)
{
  g_autoptr(GPtrArray) probes = g_ptr_array_new_with_free_func ((GDestroyNotify) ferry_node_probe_free);
  const char *reordered =
    "<cpu mode='custom' match='exact'><feature policy='disable' name='vme'/><model>EPYC</model>"
    "<feature policy='require' name='acpi'/><topology sockets='1' cores='2' threads='1'/></cpu>";
  const char *domain =
    "<domain type='qemu'><name>x</name><cpu mode='host-passthrough'><topology sockets='1' cores='2' threads='1'/></cpu>"
    "<devices><graphics type='vnc' passwd='s3cret'/><interface type='direct'><source dev='eth0'/></interface>"
    "</devices></domain>";
  g_autofree char *summary = ferry_cluster_cpu_summary (cpu_a);
  g_autofree char *common = NULL;
  g_autofree char *with_cpu = NULL;
  g_autofree char *added = NULL;
  const char *narrow[] = { "Westmere", NULL };

  g_assert_cmpstr (summary, ==, "EPYC (AMD), 1 extra features, 1 disabled");
  g_assert_true (ferry_cluster_cpu_equal (cpu_a, reordered));
  g_assert_false (ferry_cluster_cpu_equal (cpu_a, "<cpu mode='host-model'/>"));
  g_assert_false (ferry_cluster_cpu_equal (cpu_a, NULL));

  with_cpu = ferry_cluster_domain_with_cpu (domain, cpu_a, NULL);
  g_assert_nonnull (strstr (with_cpu, "EPYC"));
  g_assert_null (strstr (with_cpu, "host-passthrough"));
  g_assert_nonnull (strstr (with_cpu, "cores=\"2\""));   /* topology kept */
  /* The rest as it was, the VNC password and devices libvirt-gconfig has
   * no class for included. */
  g_assert_nonnull (strstr (with_cpu, "passwd=\"s3cret\""));
  g_assert_nonnull (strstr (with_cpu, "<source dev=\"eth0\"/>"));
  added = ferry_cluster_domain_with_cpu ("<domain type='qemu'><name>y</name></domain>", cpu_a, NULL);
  g_assert_nonnull (strstr (added, "<model fallback=\"forbid\">EPYC</model>"));
  g_assert_null (ferry_cluster_domain_with_cpu ("<domain/>", "<pool/>", NULL));
  g_assert_null (ferry_cluster_domain_with_cpu ("<network/>", cpu_a, NULL));
  g_assert_null (ferry_cluster_domain_with_cpu ("<domain", cpu_a, NULL));

  g_ptr_array_add (probes, probe_new ("node1", "u1", "9.0.0", "7.2.0"));
  g_ptr_array_add (probes, probe_new ("node2", "u2", "9.0.0", "7.2.0"));
  common = ferry_cluster_common_model (probes, FERRY_VIRTTYPE_QEMU);
  g_assert_cmpstr (common, ==, "qemu64");
  g_clear_pointer (&common, g_free);
  g_strfreev (((FerryNodeProbe *) g_ptr_array_index (probes, 1))->models[FERRY_VIRTTYPE_QEMU]);
  ((FerryNodeProbe *) g_ptr_array_index (probes, 1))->models[FERRY_VIRTTYPE_QEMU] = g_strdupv ((char **) narrow);
  common = ferry_cluster_common_model (probes, FERRY_VIRTTYPE_QEMU);
  g_assert_cmpstr (common, ==, "Westmere");
  g_assert_null (ferry_cluster_common_model (probes, FERRY_VIRTTYPE_KVM));

  /* No VMs, no KVM everywhere: TCG. A KVM guest makes it KVM. */
  ((FerryNodeProbe *) g_ptr_array_index (probes, 0))->has_kvm = TRUE;
  g_assert_cmpint (ferry_cluster_choose_virttype (probes), ==, FERRY_VIRTTYPE_QEMU);
  ((FerryNodeProbe *) g_ptr_array_index (probes, 1))->has_kvm = TRUE;
  g_assert_cmpint (ferry_cluster_choose_virttype (probes), ==, FERRY_VIRTTYPE_KVM);
  {
    FerryVmFacts *vm = g_new0 (FerryVmFacts, 1);

    vm->virttype = g_strdup ("qemu");
    g_ptr_array_add (((FerryNodeProbe *) g_ptr_array_index (probes, 0))->vms, vm);
  }
  g_assert_cmpint (ferry_cluster_choose_virttype (probes), ==, FERRY_VIRTTYPE_QEMU);
}

static void
test_pool_xml (void)
{
  FerryPoolSpec dir = { "ferry-cl-x", "dir", "/srv/vms", NULL, NULL };
  FerryPoolSpec nfs = { "vms", "netfs", "/mnt/vms", "nas.example", "/export/vms" };
  FerryPoolSpec bad_name = { "a'b", "dir", "/srv", NULL, NULL };
  FerryPoolSpec bad_path = { "a", "dir", "srv/../x", NULL, NULL };
  FerryPoolSpec bad_nfs = { "a", "netfs", "/mnt", "x y", "/e" };
  FerryPoolSpec bad_type = { "a", "logical", "/mnt", NULL, NULL };
  g_autofree char *xml = ferry_cluster_pool_xml (&dir, NULL);
  g_autofree char *nfs_xml = ferry_cluster_pool_xml (&nfs, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(FerryPoolXml) parsed = NULL;

  /* What libvirt will read back (the same reader Ferry uses on the hosts). */
  parsed = ferry_pool_xml_parse (xml, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (parsed->name, ==, "ferry-cl-x");
  g_assert_cmpstr (parsed->type, ==, "dir");
  g_assert_cmpstr (parsed->target_path, ==, "/srv/vms");
  g_assert_null (parsed->source_host);
  g_clear_pointer (&parsed, ferry_pool_xml_free);
  parsed = ferry_pool_xml_parse (nfs_xml, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (parsed->type, ==, "netfs");
  g_assert_cmpstr (parsed->target_path, ==, "/mnt/vms");
  g_assert_cmpstr (parsed->source_host, ==, "nas.example");
  g_assert_cmpstr (parsed->source_dir, ==, "/export/vms");
  g_assert_nonnull (strstr (nfs_xml, "<format type=\"nfs\"/>"));
  g_assert_null (ferry_cluster_pool_xml (&bad_name, &error));
  g_clear_error (&error);
  g_assert_null (ferry_cluster_pool_xml (&bad_path, &error));
  g_clear_error (&error);
  g_assert_null (ferry_cluster_pool_xml (&bad_nfs, &error));
  g_clear_error (&error);
  g_assert_null (ferry_cluster_pool_xml (&bad_type, &error));
}

static void
test_networks (void)
{
  const char *net =
    "<network><name>ferry-cl-net</name><uuid>4f4d3edd-2dc4-4662-ac45-30c6a389e348</uuid>"
    "<bridge name='ferrybr3' stp='on' delay='0'/><mac address='52:54:00:aa:bb:cc'/></network>";
  const char *bridged =
    "<network><name>lan</name><forward mode='bridge'/><bridge name='br0'/></network>";
  g_autofree char *copy = ferry_network_xml_for_copy (net, NULL);
  g_autofree char *bridged_copy = ferry_network_xml_for_copy (bridged, NULL);
  g_autoptr(GPtrArray) probes = g_ptr_array_new_with_free_func ((GDestroyNotify) ferry_node_probe_free);
  g_autoptr(GPtrArray) nodes = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) gaps = NULL;
  FerryNetworkGap *gap;
  FerryVmFacts *vm;
  FerryNetworkFacts *facts;
  const char *vm_nets[] = { "ferry-cl-net", NULL };

  g_assert_null (strstr (copy, "uuid"));
  g_assert_null (strstr (copy, "mac"));
  g_assert_null (strstr (copy, "ferrybr3"));
  g_assert_nonnull (strstr (copy, "stp=\"on\""));
  g_assert_nonnull (strstr (bridged_copy, "br0"));
  g_assert_null (ferry_network_xml_for_copy ("<pool/>", NULL));

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("node%u", i + 1);

      g_ptr_array_add (nodes, ferry_node_new ("test:///default", name, NULL));
      g_ptr_array_add (probes, probe_new (name, name, "9.0.0", "7.2.0"));
    }
  vm = g_new0 (FerryVmFacts, 1);
  vm->networks = g_strdupv ((char **) vm_nets);
  g_ptr_array_add (((FerryNodeProbe *) g_ptr_array_index (probes, 0))->vms, vm);
  facts = g_new0 (FerryNetworkFacts, 1);
  facts->name = g_strdup ("ferry-cl-net");
  facts->active = TRUE;
  g_ptr_array_add (((FerryNodeProbe *) g_ptr_array_index (probes, 0))->networks, facts);
  facts = g_new0 (FerryNetworkFacts, 1);
  facts->name = g_strdup ("ferry-cl-net");
  g_ptr_array_add (((FerryNodeProbe *) g_ptr_array_index (probes, 1))->networks, facts);

  gaps = ferry_cluster_network_gaps (nodes, probes);
  g_assert_cmpuint (gaps->len, ==, 1);
  gap = g_ptr_array_index (gaps, 0);
  g_assert_cmpstr (gap->network, ==, "ferry-cl-net");
  g_assert_cmpuint (gap->n_vms, ==, 1);
  g_assert_true (gap->source == g_ptr_array_index (nodes, 0));
  g_assert_cmpuint (gap->missing->len, ==, 2);
  g_assert_cmpstrv (gap->inactive, ((const char *[]) { "node2", NULL }));
}

static void
store_result (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
have_result (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

/* What a probe reads from a host's XML: the test driver's capabilities,
 * domain, pools and networks. */
static void
test_probe_test_driver (void)
{
  g_autoptr(FerryInventory) inventory = ferry_inventory_new ();
  g_autoptr(FerryNode) node = ferry_test_add_connected_node (inventory, "test:///default");
  g_autoptr(GPtrArray) nodes = g_ptr_array_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) probes = NULL;
  g_autoptr(GError) error = NULL;
  FerryNodeProbe *probe;
  FerryVmFacts *vm = NULL;
  FerryPoolFacts *pool = NULL;
  const char *disks[] = { "/guest/diskimage1", NULL };
  const char *networks[] = { "default", NULL };

  g_ptr_array_add (nodes, node);
  ferry_cluster_probe_async (nodes, 10, NULL, store_result, &result);
  g_assert_true (ferry_test_wait_until (have_result, &result, 10000));
  probes = ferry_cluster_probe_finish (result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (probes->len, ==, 1);
  probe = g_ptr_array_index (probes, 0);
  g_assert_true (probe->reachable);
  g_assert_cmpstr (probe->arch, ==, "i686");
  g_assert_null (probe->host_uuid);          /* the test driver has none */
  g_assert_false (probe->has_kvm);
  g_assert_null (probe->host_cpu[FERRY_VIRTTYPE_QEMU]);   /* nor domain capabilities */

  for (guint i = 0; i < probe->vms->len; i++)
    if (g_strcmp0 (((FerryVmFacts *) g_ptr_array_index (probe->vms, i))->name, "test") == 0)
      vm = g_ptr_array_index (probe->vms, i);
  g_assert_nonnull (vm);
  g_assert_cmpstr (vm->virttype, ==, "test");
  g_assert_cmpstrv (vm->disks, disks);
  g_assert_cmpstrv (vm->networks, networks);
  g_assert_null (vm->cpu_xml);

  for (guint i = 0; i < probe->pools->len; i++)
    if (g_strcmp0 (((FerryPoolFacts *) g_ptr_array_index (probe->pools, i))->name, "default-pool") == 0)
      pool = g_ptr_array_index (probe->pools, i);
  g_assert_nonnull (pool);
  g_assert_cmpstr (pool->type, ==, "dir");
  g_assert_cmpstr (pool->path, ==, "/default-pool");
  g_assert_null (pool->nfs_host);
  g_assert_cmpuint (probe->networks->len, >=, 1);
}

static GAsyncResult *
wait_result (GAsyncResult **result)
{
  g_assert_true (ferry_test_wait_until (have_result, result, 10000));
  return *result;
}

/* A node that is not connected and one that does not answer in time are
 * unreachable probes, named, in the nodes' order. */
static void
test_probe_unanswered (void)
{
  g_autoptr(FerryInventory) inventory = ferry_inventory_new ();
  g_autofree char *dir = g_dir_make_tmp ("ferry-cluster-XXXXXX", NULL);
  g_autofree char *uri = ferry_test_write_node_file (dir, "hung.xml", "hung", 1, 1, "dddddddd-0000-4000-8000-");
  g_autoptr(FerryNode) a = ferry_test_add_connected_node (inventory, "test:///default");
  g_autoptr(FerryNode) hung = ferry_test_add_connected_node (inventory, uri);
  g_autoptr(FerryNode) off = ferry_node_new ("test:///default", "off", NULL);
  g_autoptr(GPtrArray) nodes = g_ptr_array_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) probes = NULL;
  g_autoptr(GError) error = NULL;
  FerryTestHold *hold = ferry_test_hold_worker (hung);
  FerryNodeProbe *probe;

  g_ptr_array_add (nodes, a);
  g_ptr_array_add (nodes, off);
  g_ptr_array_add (nodes, hung);
  ferry_cluster_probe_async (nodes, 1, NULL, store_result, &result);
  probes = ferry_cluster_probe_finish (wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (probes->len, ==, 3);

  probe = g_ptr_array_index (probes, 0);
  g_assert_true (probe->reachable);
  g_assert_cmpstr (probe->node_id, ==, ferry_node_get_id (a));
  g_assert_null (probe->error);

  probe = g_ptr_array_index (probes, 1);
  g_assert_false (probe->reachable);
  g_assert_cmpstr (probe->node_id, ==, ferry_node_get_id (off));
  g_assert_cmpstr (probe->node_name, ==, "off");
  g_assert_cmpstr (probe->error, ==, "test:///default is not connected");
  g_assert_nonnull (probe->vms);
  g_assert_nonnull (probe->pools);
  g_assert_nonnull (probe->networks);

  probe = g_ptr_array_index (probes, 2);
  g_assert_false (probe->reachable);
  g_assert_cmpstr (probe->node_id, ==, ferry_node_get_id (hung));
  g_assert_cmpstr (probe->node_name, ==, ferry_node_get_name (hung));
  g_assert_cmpstr (probe->error, ==, "It did not answer in time.");
  g_assert_cmpuint (probe->vms->len, ==, 0);

  ferry_test_hold_end (hold);
  ferry_test_drain_worker (hung);    /* the late probe */

  ferry_inventory_remove_node (inventory, a);
  ferry_inventory_remove_node (inventory, hung);
  ferry_test_finalize_node (g_steal_pointer (&off));
  ferry_test_remove_tree (dir);
}

static void
test_probe_cancelled (void)
{
  g_autoptr(FerryInventory) inventory = ferry_inventory_new ();
  g_autoptr(FerryNode) a = ferry_test_add_connected_node (inventory, "test:///default");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GPtrArray) nodes = g_ptr_array_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (nodes, a);
  g_cancellable_cancel (cancellable);
  ferry_cluster_probe_async (nodes, 10, cancellable, store_result, &result);
  g_assert_null (ferry_cluster_probe_finish (wait_result (&result), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  ferry_test_drain_worker (a);

  ferry_inventory_remove_node (inventory, a);
}

/* A node that cannot apply gets a failed line of its own. */
static void
test_apply_cpu_unreachable (void)
{
  g_autoptr(FerryInventory) inventory = ferry_inventory_new ();
  g_autoptr(FerryNode) a = ferry_test_add_connected_node (inventory, "test:///default");
  g_autoptr(FerryNode) off = ferry_node_new ("test:///default", "off", NULL);
  g_autoptr(GPtrArray) nodes = g_ptr_array_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;
  const char *nobody[] = { "00000000-0000-4000-8000-00000000f00d", NULL };
  FerryCpuApplyResult *line;

  g_ptr_array_add (nodes, off);
  g_ptr_array_add (nodes, a);
  ferry_cluster_apply_cpu_async (nodes, cpu_a, nobody, NULL, store_result, &result);
  results = ferry_cluster_apply_cpu_finish (wait_result (&result), &error);
  g_assert_no_error (error);
  /* @a has no such VM: nothing to say for it. */
  g_assert_cmpuint (results->len, ==, 1);
  line = g_ptr_array_index (results, 0);
  g_assert_cmpstr (line->node_name, ==, "off");
  g_assert_null (line->vm_name);
  g_assert_cmpint (line->outcome, ==, FERRY_CPU_APPLY_FAILED);
  g_assert_cmpstr (line->message, ==, "test:///default is not connected");

  ferry_inventory_remove_node (inventory, a);
  ferry_test_finalize_node (g_steal_pointer (&off));
}

static GStrv
define_pool (GPtrArray   *nodes,
             const char  *path,
             GError     **error)
{
  FerryPoolSpec spec = { .name = "ferry-unit-pool", .type = "dir", .path = path };
  g_autoptr(GAsyncResult) result = NULL;

  ferry_cluster_define_pool_async (nodes, &spec, NULL, store_result, &result);
  return ferry_cluster_define_pool_finish (wait_result (&result), error);
}

/* A line per node, or the first failure in the nodes' order. */
static void
test_define_pool (void)
{
  g_autoptr(FerryInventory) inventory = ferry_inventory_new ();
  g_autoptr(FerryNode) a = ferry_test_add_connected_node (inventory, "test:///default");
  g_autoptr(FerryNode) off = ferry_node_new ("test:///default", "off", NULL);
  g_autoptr(GPtrArray) nodes = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *prefix = g_strdup_printf ("%s: ", ferry_node_get_name (a));
  g_auto(GStrv) lines = NULL;

  g_ptr_array_add (nodes, a);
  lines = define_pool (nodes, "/ferry-unit-pool", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (lines), ==, 1);
  g_assert_true (g_str_has_prefix (lines[0], prefix));
  g_clear_pointer (&lines, g_strfreev);

  /* There already, at the same path. */
  g_ptr_array_add (nodes, a);
  lines = define_pool (nodes, "/ferry-unit-pool", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (lines), ==, 2);
  g_assert_true (g_str_has_suffix (lines[1], ": already there"));
  g_clear_pointer (&lines, g_strfreev);

  /* Elsewhere: refused. */
  g_assert_null (define_pool (nodes, "/somewhere-else", &error));
  g_assert_error (error, FERRY_LIBVIRT_ERROR, FERRY_LIBVIRT_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "/ferry-unit-pool"));
  g_clear_error (&error);

  /* The first failure, in order, although the node after it answered. */
  g_ptr_array_insert (nodes, 0, off);
  g_assert_null (define_pool (nodes, "/ferry-unit-pool", &error));
  g_assert_error (error, FERRY_LIBVIRT_ERROR, FERRY_LIBVIRT_ERROR_NOT_CONNECTED);
  g_clear_error (&error);

  /* A bad spec never reaches a node. */
  g_assert_null (define_pool (nodes, "relative/path", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);

  ferry_inventory_remove_node (inventory, a);
  ferry_test_finalize_node (g_steal_pointer (&off));
}

static FerrySharedResult *
verify_shared (GPtrArray   *nodes,
               GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  ferry_cluster_verify_shared_async (nodes, "default-pool", NULL, store_result, &result);
  return ferry_cluster_verify_shared_finish (wait_result (&result), error);
}

/* The marker written through the first node, looked for on the others
 * (the test driver's nodes share one in-process host). */
static void
test_verify_shared (void)
{
  g_autoptr(FerryInventory) inventory = ferry_inventory_new ();
  g_autoptr(FerryNode) a = ferry_test_add_connected_node (inventory, "test:///default");
  g_autoptr(FerryNode) off = ferry_node_new ("test:///default", "off", NULL);
  g_autoptr(GPtrArray) nodes = g_ptr_array_new ();
  g_autoptr(FerrySharedResult) shared = NULL;
  g_autoptr(GError) error = NULL;
  const char *missing[] = { "off (test:///default is not connected)", NULL };
  const char *none[] = { NULL };
  const char *seen[] = { ferry_node_get_name (a), NULL };

  g_ptr_array_add (nodes, a);
  g_assert_null (verify_shared (nodes, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_ptr_array_add (nodes, a);
  shared = verify_shared (nodes, &error);
  g_assert_no_error (error);
  g_assert_true (shared->shared);
  g_assert_cmpstr (shared->written_by, ==, ferry_node_get_name (a));
  g_assert_cmpstrv (shared->seen, seen);
  g_assert_cmpstrv (shared->missing, none);
  g_clear_pointer (&shared, ferry_shared_result_free);

  g_ptr_array_index (nodes, 1) = off;
  shared = verify_shared (nodes, &error);
  g_assert_no_error (error);
  g_assert_false (shared->shared);
  g_assert_cmpstrv (shared->seen, none);
  g_assert_cmpstrv (shared->missing, missing);
  g_clear_pointer (&shared, ferry_shared_result_free);

  /* The first node writes the marker: without it, no check. */
  g_ptr_array_index (nodes, 0) = off;
  g_ptr_array_index (nodes, 1) = a;
  g_assert_null (verify_shared (nodes, &error));
  g_assert_error (error, FERRY_LIBVIRT_ERROR, FERRY_LIBVIRT_ERROR_NOT_CONNECTED);

  ferry_inventory_remove_node (inventory, a);
  ferry_test_finalize_node (g_steal_pointer (&off));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  ferry_core_init ();

  g_test_add_func ("/cluster/evaluate", test_evaluate);
  g_test_add_func ("/cluster/evaluate-clock", test_evaluate_clock);
  g_test_add_func ("/cluster/common-pool", test_common_pool);
  g_test_add_func ("/cluster/cpu", test_cpu_helpers);
  g_test_add_func ("/cluster/pool-xml", test_pool_xml);
  g_test_add_func ("/cluster/networks", test_networks);
  g_test_add_func ("/cluster/probe-test-driver", test_probe_test_driver);
  g_test_add_func ("/cluster/probe-unanswered", test_probe_unanswered);
  g_test_add_func ("/cluster/probe-cancelled", test_probe_cancelled);
  g_test_add_func ("/cluster/apply-cpu-unreachable", test_apply_cpu_unreachable);
  g_test_add_func ("/cluster/define-pool", test_define_pool);
  g_test_add_func ("/cluster/verify-shared", test_verify_shared);
  return g_test_run ();
}
