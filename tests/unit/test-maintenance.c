/* test-maintenance.c — where a host's VMs go for its maintenance, and the
 * way back, on libvirt's test:/// driver: hosts that take nothing, keep-
 * apart groups, a VM that fits nowhere, shut-off VMs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ferry-core-all.h"
#include "ferry-test-util.h"

typedef struct
{
  char           *dir;
  FerryInventory *inventory;
  FerryNode      *src;        /* src-0001 and src-0002 run, src-0003 is shut off */
  FerryNode      *a;
  FerryNode      *b;
} Fixture;

#define SRC_UUIDS "5a5a5a5a-0000-4000-8000-"

static FerryNode *
add_host (Fixture    *fixture,
          const char *name,
          guint       n,
          guint       n_running,
          const char *uuid_prefix)
{
  g_autofree char *file = g_strdup_printf ("%s.xml", name);
  g_autofree char *uri = ferry_test_write_node_file (fixture->dir, file, name, n, n_running, uuid_prefix);
  FerryNode *node = ferry_test_add_connected_node (fixture->inventory, uri);

  ferry_node_set_name (node, name);
  return node;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->dir = g_dir_make_tmp ("ferry-maintenance-XXXXXX", NULL);
  fixture->inventory = ferry_inventory_new ();
  fixture->src = add_host (fixture, "src", 3, 2, SRC_UUIDS);
  fixture->a = add_host (fixture, "a", 0, 0, "aaaaaaaa-0000-4000-8000-");
  fixture->b = add_host (fixture, "b", 0, 0, "bbbbbbbb-0000-4000-8000-");
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  FerryNode *nodes[] = { fixture->src, fixture->a, fixture->b };

  for (guint i = 0; i < G_N_ELEMENTS (nodes); i++)
    {
      ferry_inventory_remove_node (fixture->inventory, nodes[i]);
      ferry_test_finalize_node (nodes[i]);
    }
  g_assert_finalize_object (fixture->inventory);
  ferry_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
}

static const FerryMaintenanceStep *
step_of (GPtrArray  *steps,
         const char *vm_name)
{
  for (guint i = 0; i < steps->len; i++)
    {
      const FerryMaintenanceStep *step = g_ptr_array_index (steps, i);

      if (g_strcmp0 (ferry_vm_get_name (step->vm), vm_name) == 0)
        return step;
    }
  return NULL;
}

/* The running VMs go, live, to the other connected hosts; the shut-off
 * one only when asked, as a definition. */
static void
test_plan (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(GPtrArray) running = ferry_maintenance_plan (fixture->inventory, fixture->src, FALSE, 0, NULL);
  g_autoptr(GPtrArray) all = ferry_maintenance_plan (fixture->inventory, fixture->src, TRUE, 0, NULL);
  const FerryMaintenanceStep *step;

  g_assert_cmpuint (running->len, ==, 2);
  for (guint i = 0; i < running->len; i++)
    {
      step = g_ptr_array_index (running, i);
      g_assert_true (step->live);
      g_assert_null (step->reason);
      g_assert_true (step->destination == fixture->a || step->destination == fixture->b);
      g_assert_cmpfloat (step->estimate_s, !=, 0);
    }
  g_assert_null (step_of (running, "src-0003"));

  g_assert_cmpuint (all->len, ==, 3);
  step = step_of (all, "src-0003");
  g_assert_nonnull (step);
  g_assert_false (step->live);
  g_assert_nonnull (step->destination);
  g_assert_true (step->destination != fixture->src);
}

/* A host in maintenance itself, or not connected, takes nothing; with
 * no host left, each VM says why it cannot go. */
static void
test_hosts_that_take_nothing (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(GPtrArray) to_a = NULL;
  g_autoptr(GPtrArray) nowhere = NULL;

  ferry_node_set_maintenance (fixture->b, TRUE, NULL);
  to_a = ferry_maintenance_plan (fixture->inventory, fixture->src, FALSE, 0, NULL);
  g_assert_cmpuint (to_a->len, ==, 2);
  for (guint i = 0; i < to_a->len; i++)
    g_assert_true (((FerryMaintenanceStep *) g_ptr_array_index (to_a, i))->destination == fixture->a);

  ferry_node_disconnect (fixture->a);
  g_assert_true (ferry_test_wait_node_state (fixture->a, FERRY_NODE_STATE_DISCONNECTED, 10000));
  nowhere = ferry_maintenance_plan (fixture->inventory, fixture->src, FALSE, 0, NULL);
  g_assert_cmpuint (nowhere->len, ==, 2);
  for (guint i = 0; i < nowhere->len; i++)
    {
      const FerryMaintenanceStep *step = g_ptr_array_index (nowhere, i);

      g_assert_null (step->destination);
      g_assert_nonnull (step->reason);
      g_assert_cmpstr (step->reason, !=, "");
    }
}

/* Two VMs of one keep-apart group never land on one host: with two hosts
 * they split; with one, the second has nowhere to go, and says why. */
static void
test_keep_apart (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GHashTable) groups = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) split = NULL;
  g_autoptr(GPtrArray) one_host = NULL;
  const FerryMaintenanceStep *first, *second;
  guint placed = 0;

  g_hash_table_insert (groups, (gpointer) SRC_UUIDS "000000000001", (gpointer) "db");
  g_hash_table_insert (groups, (gpointer) SRC_UUIDS "000000000002", (gpointer) "db");

  split = ferry_maintenance_plan (fixture->inventory, fixture->src, FALSE, 0, groups);
  first = step_of (split, "src-0001");
  second = step_of (split, "src-0002");
  g_assert_nonnull (first->destination);
  g_assert_nonnull (second->destination);
  g_assert_true (first->destination != second->destination);

  ferry_node_set_maintenance (fixture->b, TRUE, NULL);
  one_host = ferry_maintenance_plan (fixture->inventory, fixture->src, FALSE, 0, groups);
  for (guint i = 0; i < one_host->len; i++)
    {
      const FerryMaintenanceStep *step = g_ptr_array_index (one_host, i);

      if (step->destination != NULL)
        {
          g_assert_true (step->destination == fixture->a);
          placed++;
        }
      else
        g_assert_nonnull (step->reason);
    }
  g_assert_cmpuint (placed, ==, 1);
}

/* The way back: the evacuated VMs that still exist elsewhere return to
 * the host; one that is gone is not invented. */
static void
test_plan_return (Fixture       *fixture,
                  gconstpointer  data)
{
  /* "away" runs what src evacuated: the same UUIDs. */
  g_autoptr(FerryNode) away = add_host (fixture, "away", 2, 2, "eeeeeeee-0000-4000-8000-");
  const char *evacuated[] = { "eeeeeeee-0000-4000-8000-000000000001", "eeeeeeee-0000-4000-8000-000000000002",
                              "deadbeef-0000-4000-8000-000000000009", NULL };
  g_autoptr(GPtrArray) back = NULL;

  ferry_node_set_maintenance (fixture->src, TRUE, evacuated);
  back = ferry_maintenance_plan_return (fixture->inventory, fixture->src);
  g_assert_cmpuint (back->len, ==, 2);
  for (guint i = 0; i < back->len; i++)
    {
      const FerryMaintenanceStep *step = g_ptr_array_index (back, i);

      g_assert_true (step->destination == fixture->src);
      g_assert_true (step->live);
      g_assert_true (g_str_has_prefix (ferry_vm_get_uuid (step->vm), "eeeeeeee-"));
    }
  g_clear_pointer (&back, g_ptr_array_unref);
  ferry_inventory_remove_node (fixture->inventory, away);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  ferry_core_init ();

  g_test_add ("/maintenance/plan", Fixture, NULL, fixture_set_up, test_plan, fixture_tear_down);
  g_test_add ("/maintenance/hosts-that-take-nothing", Fixture, NULL, fixture_set_up,
              test_hosts_that_take_nothing, fixture_tear_down);
  g_test_add ("/maintenance/keep-apart", Fixture, NULL, fixture_set_up, test_keep_apart, fixture_tear_down);
  g_test_add ("/maintenance/plan-return", Fixture, NULL, fixture_set_up, test_plan_return, fixture_tear_down);
  return g_test_run ();
}
