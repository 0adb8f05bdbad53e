/* test-reconcile.c — the rule that leaves one definition of a VM after a move
 *
 * One case per situation the fault-injection suite (tests/fault) met.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <libvirt/libvirt.h>

#include "ferry-reconcile.h"
#include "ferry-test-util.h"

static const FerryDomainSighting absent = { FALSE, };
static const FerryDomainSighting running = { TRUE, TRUE, TRUE, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_MIGRATED };
static const FerryDomainSighting shut_off = { TRUE, TRUE, FALSE, VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_MIGRATED };
static const FerryDomainSighting transient_running = { TRUE, FALSE, TRUE, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_MIGRATED };
static const FerryDomainSighting paused_by_move = { TRUE, TRUE, TRUE, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_MIGRATION };
static const FerryDomainSighting paused_postcopy = { TRUE, TRUE, TRUE, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_POSTCOPY };
static const FerryDomainSighting starting_up = { TRUE, TRUE, TRUE, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_STARTING_UP };
static const FerryDomainSighting paused_by_user = { TRUE, TRUE, TRUE, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_USER };

static void
check (const FerryDomainSighting *owner,
       const FerryDomainSighting *stale,
       gboolean                   owner_is_source,
       FerryReconcileAction       action,
       gboolean                   resume_owner)
{
  FerryReconcileVerdict verdict = ferry_reconcile_decide (owner, stale, owner_is_source);

  g_assert_cmpint (verdict.action, ==, action);
  g_assert_cmpint (verdict.resume_owner, ==, resume_owner);
}

/* A completed move; the source (stale) kept a shut-off definition: a
 * source killed just after the destination took over comes back with it. */
static void
test_completed_leftover (void)
{
  check (&running, &shut_off, FALSE, FERRY_RECONCILE_REMOVE_STALE, FALSE);
  /* The owner shut off but persistent: still the owner's copy. */
  check (&shut_off, &shut_off, FALSE, FERRY_RECONCILE_REMOVE_STALE, FALSE);
}

/* A failed move; the destination (stale), frozen past the keepalive, ran
 * its Finish step after the thaw and kept the definition it could not
 * start. */
static void
test_failed_leftover (void)
{
  check (&running, &shut_off, TRUE, FERRY_RECONCILE_REMOVE_STALE, FALSE);
}

/* A failed move whose destination daemon died in the hand-over: libvirt
 * left the source paused by the migration. That copy has the memory: the
 * leftover goes and the source runs again. */
static void
test_failed_source_paused (void)
{
  check (&paused_by_move, &shut_off, TRUE, FERRY_RECONCILE_REMOVE_STALE, TRUE);
  /* The same state on a destination after a completed move is an
   * incoming VM, not settled: keep the other copy. */
  check (&paused_by_move, &shut_off, FALSE, FERRY_RECONCILE_OWNER_LACKS, FALSE);
}

/* Paused for post-copy: part of its memory is on the other host; never
 * resumed here, and the other copy is never removed. */
static void
test_postcopy (void)
{
  check (&paused_postcopy, &shut_off, TRUE, FERRY_RECONCILE_OWNER_LACKS, FALSE);
  check (&paused_postcopy, &shut_off, FALSE, FERRY_RECONCILE_OWNER_LACKS, FALSE);
}

/* A new move's incoming side (starting up, or paused by migration on the
 * destination), or a transient copy, may be gone in a moment: the stale
 * host's definition may be the only one. */
static void
test_owner_not_settled (void)
{
  check (&starting_up, &shut_off, FALSE, FERRY_RECONCILE_OWNER_LACKS, FALSE);
  check (&transient_running, &shut_off, FALSE, FERRY_RECONCILE_OWNER_LACKS, FALSE);
  check (&absent, &shut_off, FALSE, FERRY_RECONCILE_OWNER_LACKS, FALSE);
  check (&absent, &shut_off, TRUE, FERRY_RECONCILE_OWNER_LACKS, FALSE);
}

/* Running in both places: never touched, only reported. */
static void
test_both_active (void)
{
  check (&running, &running, FALSE, FERRY_RECONCILE_BOTH_ACTIVE, FALSE);
  check (&paused_by_user, &running, TRUE, FERRY_RECONCILE_BOTH_ACTIVE, FALSE);
}

/* The stale host runs it and the owner's copy is shut off: the move's
 * outcome was misjudged; nothing is removed. */
static void
test_stale_runs (void)
{
  check (&shut_off, &running, FALSE, FERRY_RECONCILE_NOTHING, FALSE);
}

/* Nothing left behind. */
static void
test_clean (void)
{
  check (&running, &absent, FALSE, FERRY_RECONCILE_NOTHING, FALSE);
  check (&paused_by_move, &absent, TRUE, FERRY_RECONCILE_NOTHING, FALSE);
  check (&absent, &absent, FALSE, FERRY_RECONCILE_NOTHING, FALSE);
}

static void
test_moving (void)
{
  const char *uuid = "c7a5fdbd-cdaf-9455-926a-d65c16db1809";

  g_assert_false (_ferry_reconcile_is_moving (uuid));
  _ferry_reconcile_note_moving (uuid, +1);
  _ferry_reconcile_note_moving (uuid, +1);
  g_assert_true (_ferry_reconcile_is_moving (uuid));
  _ferry_reconcile_note_moving (uuid, -1);
  g_assert_true (_ferry_reconcile_is_moving (uuid));
  _ferry_reconcile_note_moving (uuid, -1);
  g_assert_false (_ferry_reconcile_is_moving (uuid));
}

/* ---------------------------------------------------------------------- */
/* Waiting for the hosts                                                   */

typedef struct
{
  char           *dir;
  FerryInventory *inventory;
  FerryNode      *n1;       /* n1-0001 runs */
  FerryNode      *n2;
  FerryMigration *job;      /* n1-0001 → n2, never run */
} Hosts;

static FerryNode *
add_host (Hosts      *hosts,
          const char *name,
          guint       n,
          const char *uuid_prefix)
{
  g_autofree char *file = g_strdup_printf ("%s.xml", name);
  g_autofree char *uri = ferry_test_write_node_file (hosts->dir, file, name, n, n, uuid_prefix);

  return ferry_test_add_connected_node (hosts->inventory, uri);
}

static void
hosts_set_up (Hosts         *hosts,
              gconstpointer  data)
{
  g_autoptr(FerryMigrationOptions) options = ferry_migration_options_new (FERRY_MIGRATION_PRESET_DEFAULT);

  hosts->dir = g_dir_make_tmp ("ferry-reconcile-XXXXXX", NULL);
  g_assert_nonnull (hosts->dir);
  hosts->inventory = ferry_inventory_new ();
  hosts->n1 = add_host (hosts, "n1", 1, "11111111-0000-4000-8000-");
  hosts->n2 = add_host (hosts, "n2", 0, "22222222-0000-4000-8000-");
  hosts->job = ferry_migration_new (ferry_inventory_find_vm_by_name (hosts->inventory, "n1-0001"),
                                    hosts->n2, options);
}

static void
hosts_tear_down (Hosts         *hosts,
                 gconstpointer  data)
{
  FerryNode *nodes[] = { hosts->n1, hosts->n2 };

  _ferry_reconcile_set_give_up (0);
  /* The check let go of the job and both hosts. */
  ferry_test_finalize_object (hosts->job);
  for (guint i = 0; i < G_N_ELEMENTS (nodes); i++)
    {
      ferry_inventory_remove_node (hosts->inventory, nodes[i]);
      ferry_test_finalize_node (nodes[i]);
    }
  g_assert_finalize_object (hosts->inventory);
  ferry_test_remove_tree (hosts->dir);
  g_free (hosts->dir);
}

static gboolean
never (gpointer data)
{
  return FALSE;
}

static gboolean
sole_owner (gpointer data)
{
  return G_OBJECT (data)->ref_count == 1;
}

/* Iterates the main context for @ms. */
static void
spin (guint ms)
{
  g_assert_false (ferry_test_wait_until (never, NULL, ms));
}

/* The host to look at never answers again: the check gives up at its
 * deadline on its own (nothing else would wake it), not before. */
static void
test_give_up_unanswered (Hosts         *hosts,
                         gconstpointer  data)
{
  FerryVm *vm = ferry_migration_get_vm (hosts->job);

  ferry_node_disconnect (hosts->n2);
  g_assert_true (ferry_test_wait_node_state (hosts->n2, FERRY_NODE_STATE_DISCONNECTED, 10000));

  _ferry_reconcile_set_give_up (1500);
  _ferry_reconcile_start (hosts->job, hosts->n2, hosts->n1, ferry_vm_get_uuid (vm));
  spin (500);
  g_assert_false (sole_owner (hosts->job));

  g_assert_true (ferry_test_wait_until (sole_owner, hosts->job, 20000));
}

/* The host comes back before the deadline: the check it scheduled (a few
 * seconds later) still runs past the deadline, then lets go. */
static void
test_give_up_after_check (Hosts         *hosts,
                          gconstpointer  data)
{
  FerryVm *vm = ferry_migration_get_vm (hosts->job);
  gint64 start;

  ferry_node_disconnect (hosts->n2);
  g_assert_true (ferry_test_wait_node_state (hosts->n2, FERRY_NODE_STATE_DISCONNECTED, 10000));

  _ferry_reconcile_set_give_up (2000);
  start = g_get_monotonic_time ();
  _ferry_reconcile_start (hosts->job, hosts->n2, hosts->n1, ferry_vm_get_uuid (vm));
  ferry_node_connect (hosts->n2);
  g_assert_true (ferry_test_wait_node_state (hosts->n2, FERRY_NODE_STATE_CONNECTED, 10000));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2000 * G_TIME_SPAN_MILLISECOND);

  spin (3000);
  g_assert_false (sole_owner (hosts->job));

  g_assert_true (ferry_test_wait_until (sole_owner, hosts->job, 30000));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  ferry_core_init ();
  /* libvirt's event loop iterates GLib's default context on ferry-core's
   * event thread whenever the main thread lets go of it: own it all along,
   * as the application's main loop does. */
  g_main_context_acquire (NULL);
  g_test_add_func ("/reconcile/completed-leftover", test_completed_leftover);
  g_test_add_func ("/reconcile/failed-leftover", test_failed_leftover);
  g_test_add_func ("/reconcile/failed-source-paused", test_failed_source_paused);
  g_test_add_func ("/reconcile/postcopy", test_postcopy);
  g_test_add_func ("/reconcile/owner-not-settled", test_owner_not_settled);
  g_test_add_func ("/reconcile/both-active", test_both_active);
  g_test_add_func ("/reconcile/stale-runs", test_stale_runs);
  g_test_add_func ("/reconcile/clean", test_clean);
  g_test_add_func ("/reconcile/moving", test_moving);
  g_test_add ("/reconcile/give-up-unanswered", Hosts, NULL, hosts_set_up, test_give_up_unanswered,
              hosts_tear_down);
  g_test_add ("/reconcile/give-up-after-check", Hosts, NULL, hosts_set_up, test_give_up_after_check,
              hosts_tear_down);

  {
    int ret = g_test_run ();

    g_main_context_release (NULL);
    return ret;
  }
}
