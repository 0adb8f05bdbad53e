/* test-reconcile.c — the rule that leaves one definition of a VM after a move
 *
 * One case per situation the fault-injection suite (tests/fault) met.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <libvirt/libvirt.h>

#include "ferry-reconcile.h"

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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/reconcile/completed-leftover", test_completed_leftover);
  g_test_add_func ("/reconcile/failed-leftover", test_failed_leftover);
  g_test_add_func ("/reconcile/failed-source-paused", test_failed_source_paused);
  g_test_add_func ("/reconcile/postcopy", test_postcopy);
  g_test_add_func ("/reconcile/owner-not-settled", test_owner_not_settled);
  g_test_add_func ("/reconcile/both-active", test_both_active);
  g_test_add_func ("/reconcile/stale-runs", test_stale_runs);
  g_test_add_func ("/reconcile/clean", test_clean);
  g_test_add_func ("/reconcile/moving", test_moving);
  return g_test_run ();
}
