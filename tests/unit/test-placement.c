/* test-placement.c — the placement planner: capacity, availability,
 * groups, determinism
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ferry-test-util.h"

#define MiB ((guint64) 1024 * 1024)
#define GiB (1024 * MiB)

static const char *
host_of (GArray     *plan,
         const char *vm)
{
  for (guint i = 0; i < plan->len; i++)
    if (g_strcmp0 (g_array_index (plan, FerryPlacement, i).vm, vm) == 0)
      return g_array_index (plan, FerryPlacement, i).host;
  g_assert_not_reached ();
}

static void
test_capacity (void)
{
  FerryPlacementHost hosts[] = {
    { "a", TRUE, 4 * GiB, 1 * GiB, 4, 0.1 },
    { "b", TRUE, 4 * GiB, 3 * GiB, 4, 0.1 },
  };
  FerryPlacementVm vms[] = {
    { "big", 2 * GiB, 2, 0.5, "x", NULL },
    { "small", 512 * MiB, 1, 0.5, "x", NULL },
    { "huge", 8 * GiB, 4, 0.5, "x", NULL },
  };
  GArray *plan = ferry_placement_plan (hosts, 2, vms, 3, NULL, 0);

  /* The big one only fits on b; the small one then still fits on a
   * (more headroom left there); the huge one nowhere, with a reason. */
  g_assert_cmpstr (host_of (plan, "big"), ==, "b");
  g_assert_cmpstr (host_of (plan, "small"), ==, "a");
  g_assert_null (host_of (plan, "huge"));
  g_assert_nonnull (g_array_index (plan, FerryPlacement, 2).reason);
  g_assert_nonnull (strstr (g_array_index (plan, FerryPlacement, 2).reason, "MiB free"));
  ferry_placement_free_array (plan);
}

static void
test_never_over_memory (void)
{
  FerryPlacementHost hosts[] = {
    { "a", TRUE, 2 * GiB, 1 * GiB, 2, 0 },
  };
  FerryPlacementVm vms[] = {
    { "v1", 400 * MiB, 1, 0, "x", NULL },
    { "v2", 400 * MiB, 1, 0, "x", NULL },
    { "v3", 400 * MiB, 1, 0, "x", NULL },
  };
  GArray *plan = ferry_placement_plan (hosts, 1, vms, 3, NULL, 0);
  guint placed = 0;

  /* 1 GiB free, 464 MiB each with QEMU's overhead: two fit, not three. */
  for (guint i = 0; i < plan->len; i++)
    placed += g_array_index (plan, FerryPlacement, i).host != NULL;
  g_assert_cmpuint (placed, ==, 2);
  ferry_placement_free_array (plan);
}

static void
test_unavailable_and_own_host (void)
{
  FerryPlacementHost hosts[] = {
    { "down", FALSE, 64 * GiB, 60 * GiB, 32, 0 },      /* unreachable or in maintenance */
    { "x", TRUE, 64 * GiB, 60 * GiB, 32, 0 },          /* the VM's own host */
    { "y", TRUE, 8 * GiB, 2 * GiB, 4, 0.9 },
  };
  FerryPlacementVm vms[] = {
    { "web", 1 * GiB, 1, 0.2, "x", NULL },
  };
  FerryPlacementHost only_down[] = {
    { "down", FALSE, 64 * GiB, 60 * GiB, 32, 0 },
  };
  GArray *plan = ferry_placement_plan (hosts, 3, vms, 1, NULL, 0);

  g_assert_cmpstr (host_of (plan, "web"), ==, "y");
  ferry_placement_free_array (plan);

  plan = ferry_placement_plan (only_down, 1, vms, 1, NULL, 0);
  g_assert_null (host_of (plan, "web"));
  g_assert_nonnull (strstr (g_array_index (plan, FerryPlacement, 0).reason, "available"));
  ferry_placement_free_array (plan);
}

static void
test_keep_apart (void)
{
  FerryPlacementHost hosts[] = {
    { "a", TRUE, 16 * GiB, 12 * GiB, 8, 0 },
    { "b", TRUE, 16 * GiB, 12 * GiB, 8, 0 },
    { "c", TRUE, 16 * GiB, 2 * GiB, 8, 0 },
  };
  FerryPlacementVm vms[] = {
    { "db1", 4 * GiB, 2, 0.1, "old", "db" },
    { "db2", 4 * GiB, 2, 0.1, "old", "db" },
    { "db3", 4 * GiB, 2, 0.1, "old", "db" },
  };
  FerryPlacementVm resident[] = {
    { "db0", 4 * GiB, 2, 0.1, "a", "db" },
  };
  GArray *plan = ferry_placement_plan (hosts, 3, vms, 3, resident, 1);
  guint placed = 0;

  /* a already has one of the group; c has no room: only b takes one. */
  for (guint i = 0; i < plan->len; i++)
    {
      const FerryPlacement *p = &g_array_index (plan, FerryPlacement, i);

      if (p->host != NULL)
        {
          placed++;
          g_assert_cmpstr (p->host, ==, "b");
        }
      else
        g_assert_nonnull (p->reason);
    }
  g_assert_cmpuint (placed, ==, 1);
  ferry_placement_free_array (plan);
}

static void
test_deterministic_and_spread (void)
{
  FerryPlacementHost hosts[] = {
    { "n3", TRUE, 8 * GiB, 6 * GiB, 4, 0.2 },
    { "n2", TRUE, 8 * GiB, 6 * GiB, 4, 0.2 },
  };
  FerryPlacementVm vms[] = {
    { "a", 1 * GiB, 1, 0.5, "n1", NULL },
    { "b", 1 * GiB, 1, 0.5, "n1", NULL },
    { "c", 1 * GiB, 1, 0.5, "n1", NULL },
    { "d", 1 * GiB, 1, 0.5, "n1", NULL },
  };
  GArray *first = ferry_placement_plan (hosts, 2, vms, 4, NULL, 0);
  guint on_n2 = 0;

  /* Equal hosts: ties go to the smaller id, then the load evens out. */
  g_assert_cmpstr (host_of (first, "a"), ==, "n2");
  for (guint i = 0; i < first->len; i++)
    on_n2 += g_strcmp0 (g_array_index (first, FerryPlacement, i).host, "n2") == 0;
  g_assert_cmpuint (on_n2, ==, 2);

  for (guint run = 0; run < 20; run++)
    {
      GArray *again = ferry_placement_plan (hosts, 2, vms, 4, NULL, 0);

      for (guint i = 0; i < again->len; i++)
        g_assert_cmpstr (g_array_index (again, FerryPlacement, i).host, ==,
                         g_array_index (first, FerryPlacement, i).host);
      ferry_placement_free_array (again);
    }
  ferry_placement_free_array (first);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/placement/capacity", test_capacity);
  g_test_add_func ("/placement/never-over-memory", test_never_over_memory);
  g_test_add_func ("/placement/unavailable-and-own-host", test_unavailable_and_own_host);
  g_test_add_func ("/placement/keep-apart", test_keep_apart);
  g_test_add_func ("/placement/deterministic-and-spread", test_deterministic_and_spread);

  return g_test_run ();
}
