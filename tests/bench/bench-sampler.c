/* bench-sampler.c — what statistics cost on real nodes
 *
 * On the local cluster (tests/cluster, 3 real libvirtd nodes): Ferry's
 * sampler at a 1 s interval for 20 s, reporting per node per tick the
 * worker's CPU and wall time and the main thread's time to apply the
 * results. Baseline in the same run and process: the per-VM polling that
 * virt-manager does (virDomainGetInfo + virDomainBlockStats +
 * virDomainInterfaceStats for every disk and NIC of every running VM,
 * every tick), timed over the same nodes. Prints both and the ratio.
 * Never fails on a number.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define _GNU_SOURCE 1
#include <sys/resource.h>

#include <libvirt/libvirt.h>

#include "ferry-test-util.h"
#include "ferry-ui-test-util.h"

#define SECONDS 20

static double
thread_cpu_us (void)
{
  struct rusage ru;

  getrusage (RUSAGE_THREAD, &ru);
  return ru.ru_utime.tv_sec * 1e6 + ru.ru_utime.tv_usec + ru.ru_stime.tv_sec * 1e6 + ru.ru_stime.tv_usec;
}

/* virt-manager's way: a call or more per VM per tick. Returns calls made. */
static guint
poll_per_vm (virConnectPtr conn)
{
  virDomainPtr *domains = NULL;
  int n = virConnectListAllDomains (conn, &domains, VIR_CONNECT_LIST_DOMAINS_ACTIVE);
  guint calls = 1;

  for (int i = 0; i < n; i++)
    {
      virDomainInfo info;
      virDomainBlockStatsStruct block;
      char *xml;

      virDomainGetInfo (domains[i], &info);
      calls++;
      /* virt-manager reads each VM's XML for its disks and NICs (cached),
       * then asks each device; our guests have one disk (vda), no NIC. */
      if ((xml = virDomainGetXMLDesc (domains[i], 0)) != NULL)
        free (xml);
      calls++;
      virDomainBlockStats (domains[i], "vda", &block, sizeof block);
      calls++;
      virDomainFree (domains[i]);
    }
  free (domains);
  return calls;
}

typedef struct
{
  char   **uris;
  double   cpu_us;
  double   wall_us;
  guint    ticks;
  guint    calls;
} Baseline;

static gpointer
baseline_thread (gpointer data)
{
  Baseline *b = data;
  virConnectPtr conns[8] = { NULL };
  guint n = 0;
  gint64 end;

  for (n = 0; b->uris[n] != NULL && n < G_N_ELEMENTS (conns); n++)
    conns[n] = virConnectOpen (b->uris[n]);
  end = g_get_monotonic_time () + SECONDS * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < end)
    {
      gint64 t0 = g_get_monotonic_time ();
      double c0 = thread_cpu_us ();

      for (guint i = 0; i < n; i++)
        if (conns[i] != NULL)
          b->calls += poll_per_vm (conns[i]);
      b->cpu_us += thread_cpu_us () - c0;
      b->wall_us += g_get_monotonic_time () - t0;
      b->ticks++;
      g_usleep (MAX (0, G_USEC_PER_SEC - (g_get_monotonic_time () - t0)));
    }
  for (guint i = 0; i < n; i++)
    if (conns[i] != NULL)
      virConnectClose (conns[i]);
  return NULL;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(FerryInventory) inventory = NULL;
  g_autoptr(FerryStatsSampler) sampler = NULL;
  g_autoptr(GPtrArray) nodes = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GStrvBuilder) uris_builder = g_strv_builder_new ();
  g_auto(GStrv) args = NULL;
  g_auto(GStrv) uris = NULL;
  Baseline baseline = { 0 };
  guint64 ticks0, cpu0, wall0, apply0, samples0;
  double ferry_cpu, ferry_wall, ferry_apply, base_cpu, base_wall;
  guint n_vms = 0;

  ferry_core_init ();
  args = ferry_ui_test_cluster_args ();
  if (args == NULL)
    {
      g_printerr ("bench-sampler: the local cluster is not up (tests/cluster/cluster up 3)\n");
      return 77;
    }

  inventory = ferry_inventory_new ();
  sampler = ferry_stats_sampler_new (inventory);
  ferry_stats_sampler_set_interval (sampler, 1000);
  for (guint i = 0; args[i] != NULL; i += 2)
    {
      g_strv_builder_add (uris_builder, args[i + 1]);
      g_ptr_array_add (nodes, ferry_test_add_connected_node (inventory, args[i + 1]));
    }
  uris = g_strv_builder_end (uris_builder);
  for (guint i = 0; i < nodes->len; i++)
    n_vms += ferry_node_get_n_running (g_ptr_array_index (nodes, i));

  /* Settle, then measure Ferry alone. */
  {
    gint64 end = g_get_monotonic_time () + 3 * G_USEC_PER_SEC;
    while (g_get_monotonic_time () < end)
      g_main_context_iteration (NULL, TRUE);
  }
  ticks0 = ferry_stats_sampler_get_ticks (sampler);
  samples0 = ferry_stats_sampler_get_samples (sampler);
  cpu0 = ferry_stats_sampler_get_worker_cpu_us (sampler);
  wall0 = ferry_stats_sampler_get_worker_wall_us (sampler);
  apply0 = ferry_stats_sampler_get_apply_us (sampler);
  {
    gint64 end = g_get_monotonic_time () + SECONDS * G_USEC_PER_SEC;
    while (g_get_monotonic_time () < end)
      g_main_context_iteration (NULL, TRUE);
  }
  {
    double samples = (double) (ferry_stats_sampler_get_samples (sampler) - samples0);

    ferry_cpu = (ferry_stats_sampler_get_worker_cpu_us (sampler) - cpu0) / MAX (samples, 1);
    ferry_wall = (ferry_stats_sampler_get_worker_wall_us (sampler) - wall0) / MAX (samples, 1);
    ferry_apply = (ferry_stats_sampler_get_apply_us (sampler) - apply0) / MAX (samples, 1);
    g_print ("\n== bench-sampler: statistics cost on %u real nodes, %u running VMs, 1 s interval, %d s ==\n",
             nodes->len, n_vms, SECONDS);
    g_print ("Ferry: %.0f node ticks (%" G_GUINT64_FORMAT " sampler ticks), one bulk call per node per tick\n",
             samples, ferry_stats_sampler_get_ticks (sampler) - ticks0);
  }

  /* The same nodes polled the per-VM way, in a thread of its own. */
  baseline.uris = uris;
  g_thread_join (g_thread_new ("baseline", baseline_thread, &baseline));
  base_cpu = baseline.cpu_us / MAX (baseline.ticks * nodes->len, 1);
  base_wall = baseline.wall_us / MAX (baseline.ticks * nodes->len, 1);

  g_print ("%-46s %12s %12s\n", "per node per tick", "CPU (us)", "wall (us)");
  g_print ("%-46s %12.0f %12.0f\n", "Ferry: bulk stats + node CPU/memory (worker)", ferry_cpu, ferry_wall);
  g_print ("%-46s %12.0f %12s\n", "Ferry: applying on the main thread", ferry_apply, "-");
  g_print ("%-46s %12.0f %12.0f\n", "baseline: per-VM polling (virt-manager's way)", base_cpu, base_wall);
  g_print ("baseline calls per node per tick: %.1f (Ferry: 3)\n",
           (double) baseline.calls / MAX (baseline.ticks * nodes->len, 1));
  g_print ("client CPU per node per tick, baseline / Ferry: %.1fx\n",
           base_cpu / MAX (ferry_cpu + ferry_apply, 1));
  g_print ("libvirt calls on the main thread: %" G_GUINT64_FORMAT "\n",
           ferry_core_get_libvirt_calls_on_main_thread ());
  return 0;
}
