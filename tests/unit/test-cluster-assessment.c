/* test-cluster-assessment.c — the fault-tolerance verdicts of a cluster
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ferry-cluster-assessment.h"
#include "ferry-node.h"

#define CPU_A "<cpu mode='custom' match='exact'><model>Westmere</model></cpu>"
#define CPU_B "<cpu mode='custom' match='exact'><model>Haswell</model></cpu>"

static FerryNodeProbe *
probe_new (gboolean reachable)
{
  FerryNodeProbe *probe = g_new0 (FerryNodeProbe, 1);

  probe->reachable = reachable;
  probe->vms = g_ptr_array_new_with_free_func ((GDestroyNotify) ferry_vm_facts_free);
  probe->networks = g_ptr_array_new_with_free_func ((GDestroyNotify) ferry_network_facts_free);
  probe->pools = g_ptr_array_new_with_free_func ((GDestroyNotify) ferry_pool_facts_free);
  return probe;
}

static void
add_vm (FerryNodeProbe *probe,
        const char     *name,
        const char     *disk,
        const char     *cpu_xml,
        const char     *network)
{
  FerryVmFacts *vm = g_new0 (FerryVmFacts, 1);
  const char *disks[] = { disk, NULL };
  const char *networks[] = { network, NULL };

  vm->name = g_strdup (name);
  vm->uuid = g_uuid_string_random ();
  vm->disks = g_strdupv ((char **) disks);
  vm->networks = network != NULL ? g_strdupv ((char **) networks) : g_new0 (char *, 1);
  vm->cpu_xml = g_strdup (cpu_xml);
  vm->persistent = TRUE;
  g_ptr_array_add (probe->vms, vm);
}

static void
add_network (FerryNodeProbe *probe,
             const char     *name)
{
  FerryNetworkFacts *net = g_new0 (FerryNetworkFacts, 1);

  net->name = g_strdup (name);
  net->active = TRUE;
  g_ptr_array_add (probe->networks, net);
}

static const FerryClusterCheck *
find (GPtrArray  *checks,
      const char *code)
{
  for (guint i = 0; i < checks->len; i++)
    if (g_strcmp0 (((FerryClusterCheck *) g_ptr_array_index (checks, i))->code, code) == 0)
      return g_ptr_array_index (checks, i);
  return NULL;
}

typedef struct
{
  FerryClusterConfig *config;
  GPtrArray          *nodes;
  GPtrArray          *probes;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->config = ferry_cluster_config_new ("lab");
  f->config->pool_name = g_strdup ("shared");
  f->config->pool_path = g_strdup ("/srv/shared");
  f->config->cpu_xml = g_strdup (CPU_A);
  f->nodes = g_ptr_array_new_with_free_func (g_object_unref);
  f->probes = g_ptr_array_new_with_free_func ((GDestroyNotify) ferry_node_probe_free);
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *uri = g_strdup_printf ("test:///nowhere-%u", i);
      g_autofree char *name = g_strdup_printf ("node%u", i + 1);

      g_ptr_array_add (f->nodes, ferry_node_new (uri, name, NULL));
      g_ptr_array_add (f->probes, probe_new (TRUE));
      add_network (g_ptr_array_index (f->probes, i), "default");
    }
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_pointer (&f->probes, g_ptr_array_unref);
  while (f->nodes->len > 0)
    g_assert_finalize_object (g_ptr_array_steal_index (f->nodes, 0));
  g_clear_pointer (&f->nodes, g_ptr_array_unref);
  g_clear_pointer (&f->config, ferry_cluster_config_free);
}

static void
test_healthy (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GPtrArray) checks = NULL;

  add_vm (g_ptr_array_index (f->probes, 0), "web", "/srv/shared/web.qcow2", CPU_A, "default");
  add_vm (g_ptr_array_index (f->probes, 1), "db", "pool:shared/db.qcow2", CPU_A, NULL);
  checks = ferry_cluster_assess (f->config, f->nodes, f->probes);
  g_assert_cmpuint (checks->len, ==, 1);
  g_assert_cmpstr (((FerryClusterCheck *) checks->pdata[0])->code, ==, "ok");
  g_assert_cmpint (((FerryClusterCheck *) checks->pdata[0])->severity, ==, FERRY_CHECK_PASS);
}

static void
test_threats (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GPtrArray) checks = NULL;
  const FerryClusterCheck *check;
  FerryNodeProbe *down = g_ptr_array_index (f->probes, 1);

  /* A prefix of the pool path is not inside it: /srv/shared-old. */
  add_vm (g_ptr_array_index (f->probes, 0), "local", "/srv/shared-old/x.img", CPU_A, "default");
  add_vm (g_ptr_array_index (f->probes, 0), "legacy", "/srv/shared/l.img", CPU_B, "isolated");
  down->reachable = FALSE;
  ferry_node_set_maintenance (g_ptr_array_index (f->nodes, 0), TRUE, NULL);

  checks = ferry_cluster_assess (f->config, f->nodes, f->probes);
  g_assert_null (find (checks, "ok"));

  check = find (checks, "down");
  g_assert_nonnull (check);
  g_assert_cmpint (check->severity, ==, FERRY_CHECK_FAIL);
  g_assert_cmpstr (check->title, ==, "node2 is down");

  check = find (checks, "maintenance");
  g_assert_nonnull (check);
  g_assert_cmpstr (check->title, ==, "node1 is in maintenance");

  check = find (checks, "not-shared");
  g_assert_nonnull (check);
  g_assert_cmpstr (check->title, ==, "1 virtual machine has a disk outside the shared storage");
  g_assert_true (g_str_has_prefix (check->detail, "local: "));

  check = find (checks, "other-cpu");
  g_assert_nonnull (check);
  g_assert_true (g_str_has_prefix (check->detail, "legacy: "));

  /* "isolated" exists nowhere (node2 is down, so only node1 counts). */
  check = find (checks, "network-gap");
  g_assert_nonnull (check);
  g_assert_nonnull (strstr (check->title, "“isolated”"));
  g_assert_nonnull (strstr (check->detail, "node1"));
}

static void
test_no_storage (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GPtrArray) checks = NULL;

  g_clear_pointer (&f->config->pool_name, g_free);
  g_clear_pointer (&f->config->pool_path, g_free);
  add_vm (g_ptr_array_index (f->probes, 0), "web", "/var/lib/web.img", CPU_A, NULL);
  checks = ferry_cluster_assess (f->config, f->nodes, f->probes);
  g_assert_nonnull (find (checks, "no-shared-storage"));
  /* Said once, not again per VM. */
  g_assert_null (find (checks, "not-shared"));
}

static void
test_name_list (void)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autofree char *none = ferry_cluster_name_list (names, 3);
  g_autofree char *some = NULL;
  g_autofree char *many = NULL;

  g_assert_cmpstr (none, ==, "");
  g_ptr_array_add (names, (char *) "a");
  g_ptr_array_add (names, (char *) "b");
  some = ferry_cluster_name_list (names, 3);
  g_assert_cmpstr (some, ==, "a, b");
  g_ptr_array_add (names, (char *) "c");
  g_ptr_array_add (names, (char *) "d");
  g_ptr_array_add (names, (char *) "e");
  many = ferry_cluster_name_list (names, 3);
  g_assert_cmpstr (many, ==, "a, b, c and 2 more");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/cluster-assessment/healthy", Fixture, NULL, fixture_set_up, test_healthy, fixture_tear_down);
  g_test_add ("/cluster-assessment/threats", Fixture, NULL, fixture_set_up, test_threats, fixture_tear_down);
  g_test_add ("/cluster-assessment/no-storage", Fixture, NULL, fixture_set_up, test_no_storage, fixture_tear_down);
  g_test_add_func ("/cluster-assessment/name-list", test_name_list);
  return g_test_run ();
}
