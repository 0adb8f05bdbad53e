/* ferry-reconcile.c — after a move, one definition of the VM only
 *
 * libvirt's protocol keeps a VM running in one place, but an interrupted
 * migration can leave a second, shut-off *definition* behind: a destination
 * frozen past the keepalive runs its queued Finish step after the thaw and
 * keeps the definition of the VM it could not start; a source killed just
 * after the destination took over comes back still defining it. So after
 * every job Ferry looks at the host that should not have the VM, once it
 * answers (and once more
 * a little later, for a Finish step that runs late): a shut-off definition
 * there, while the host that owns the VM has it, is removed — its storage
 * untouched. A VM active in both places is never touched, only reported.
 *
 * The owner's copy counts only when it is settled: persistent, and not the
 * paused incoming side of a migration. And nothing is looked at while
 * another migration of the VM runs in this process: a check still pending
 * from an earlier move would otherwise take a new move's incoming VM for
 * the owner's copy and the source's definition, shut off by a QEMU that
 * died mid-move, for a leftover — and remove the only definition.
 *
 * After a failed move the owner is the job's own source, which libvirt may
 * leave paused by the migration (the destination's daemon died during the
 * hand-over). That copy is the real one: the destination's, shut off, has
 * no QEMU and so no memory to run from. Its leftover is removed and the
 * source resumed; a VM paused for post-copy is never resumed here (part
 * of its memory is on the destination).
 *
 * ferry_reconcile_decide() is the rule, pure and unit-tested for each case
 * (test-reconcile.c); the rest waits for the hosts and acts on it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "ferry-node-private.h"
#include "ferry-reconcile.h"
#include "ferry-task.h"
#include "ferry-vm.h"

#define RECONCILE_DELAY_S 8
#define RECONCILE_AGAIN_S 30
#define RECONCILE_GIVE_UP_MS (15 * 60 * 1000)

static guint give_up_ms = RECONCILE_GIVE_UP_MS;

/* ---------------------------------------------------------------------- */
/* The rule                                                                */

FerryReconcileVerdict
ferry_reconcile_decide (const FerryDomainSighting *owner,
                        const FerryDomainSighting *stale,
                        gboolean                   owner_is_source)
{
  FerryReconcileVerdict verdict = { FERRY_RECONCILE_NOTHING, FALSE };
  gboolean paused = owner->present && owner->state == VIR_DOMAIN_PAUSED;
  gboolean by_move = paused && owner->reason == VIR_DOMAIN_PAUSED_MIGRATION && owner_is_source;
  gboolean incoming = paused && !by_move &&
                      (owner->reason == VIR_DOMAIN_PAUSED_MIGRATION ||
                       owner->reason == VIR_DOMAIN_PAUSED_POSTCOPY ||
                       owner->reason == VIR_DOMAIN_PAUSED_STARTING_UP);
  /* A transient or incoming VM may be gone in a moment: not a copy to
   * rely on. */
  gboolean owner_has = owner->present && owner->persistent && !incoming;

  if (!stale->present)
    return verdict;
  if (!owner_has)
    verdict.action = FERRY_RECONCILE_OWNER_LACKS;   /* this copy may be the only one: keep it */
  else if (stale->active)
    verdict.action = owner->active ? FERRY_RECONCILE_BOTH_ACTIVE : FERRY_RECONCILE_NOTHING;
  else
    {
      verdict.action = FERRY_RECONCILE_REMOVE_STALE;
      /* The failed move's source, paused by it, is the only copy with
       * memory: it runs again. */
      verdict.resume_owner = by_move;
    }
  return verdict;
}

/* ---------------------------------------------------------------------- */
/* Who is moving                                                           */

/* UUID → number of jobs of this process moving that VM (main thread). */
static GHashTable *moving;

void
_ferry_reconcile_note_moving (const char *uuid,
                              int         delta)
{
  guint n;

  if (moving == NULL)
    moving = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  n = GPOINTER_TO_UINT (g_hash_table_lookup (moving, uuid)) + delta;
  if (n == 0)
    g_hash_table_remove (moving, uuid);
  else
    g_hash_table_insert (moving, g_strdup (uuid), GUINT_TO_POINTER (n));
}

gboolean
_ferry_reconcile_is_moving (const char *uuid)
{
  return moving != NULL && g_hash_table_contains (moving, uuid);
}

/* ---------------------------------------------------------------------- */
/* Waiting for the hosts, and acting                                       */

typedef struct
{
  FerryMigration *migration;
  FerryNode      *stale;        /* the host that should not have it */
  FerryNode      *owner;        /* the host that should */
  char           *uuid;
  gulong          state_id;
  guint           timeout_id;
  guint           give_up_id;
  guint           round;
  gboolean        expired;          /* past the deadline: no new wait */
  gboolean        owner_is_source;  /* after a failed move */
} Reconcile;

typedef struct
{
  char                  *uuid;
  gboolean               owner_is_source;
  FerryDomainSighting    owner;
  FerryReconcileVerdict  verdict;
  gboolean               removed;
} Check;

static void reconcile_arm (Reconcile *r);

static void
reconcile_free (Reconcile *r)
{
  if (r->state_id != 0)
    g_signal_handler_disconnect (r->stale, r->state_id);
  g_clear_handle_id (&r->timeout_id, g_source_remove);
  g_clear_handle_id (&r->give_up_id, g_source_remove);
  g_clear_object (&r->migration);
  g_clear_object (&r->stale);
  g_clear_object (&r->owner);
  g_free (r->uuid);
  g_free (r);
}

static void
check_free (Check *check)
{
  g_free (check->uuid);
  g_free (check);
}

/* Worker thread: what @conn's host says about domain @uuid. */
static void
sight (virConnectPtr        conn,
       const char          *uuid,
       FerryDomainSighting *sighting,
       virDomainPtr        *domain_out)
{
  virDomainPtr domain = virDomainLookupByUUIDString (conn, uuid);
  int active;

  memset (sighting, 0, sizeof *sighting);
  if (domain == NULL)
    goto out;
  active = virDomainIsActive (domain);
  if (active < 0 || virDomainGetState (domain, &sighting->state, &sighting->reason, 0) < 0)
    {
      virDomainFree (domain);
      domain = NULL;
      goto out;
    }
  sighting->present = TRUE;
  sighting->active = active == 1;
  sighting->persistent = virDomainIsPersistent (domain) == 1;
out:
  virResetLastError ();
  if (domain_out != NULL)
    *domain_out = domain;
  else if (domain != NULL)
    virDomainFree (domain);
}

static void
owner_thread (GTask         *task,
              FerryNode     *node,
              virConnectPtr  conn,
              gpointer       task_data,
              GCancellable  *cancellable)
{
  Check *check = task_data;

  sight (conn, check->uuid, &check->owner, NULL);
  g_task_return_boolean (task, TRUE);
}

/* On the stale host's worker: decide, and remove a shut-off leftover. */
static void
stale_thread (GTask         *task,
              FerryNode     *node,
              virConnectPtr  conn,
              gpointer       task_data,
              GCancellable  *cancellable)
{
  Check *check = task_data;
  FerryDomainSighting stale;
  virDomainPtr domain = NULL;

  sight (conn, check->uuid, &stale, &domain);
  check->verdict = ferry_reconcile_decide (&check->owner, &stale, check->owner_is_source);
  if (domain != NULL && check->verdict.action == FERRY_RECONCILE_REMOVE_STALE)
    check->removed = virDomainUndefineFlags (domain, VIR_DOMAIN_UNDEFINE_MANAGED_SAVE |
                                                     VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA |
                                                     VIR_DOMAIN_UNDEFINE_CHECKPOINTS_METADATA) == 0 ||
                     virDomainUndefine (domain) == 0;
  if (domain != NULL)
    virDomainFree (domain);
  virResetLastError ();
  g_task_return_boolean (task, TRUE);
}

/* On the owner's worker: the source a failed move left paused runs again
 * (only while it is still paused by that migration). */
static void
resume_thread (GTask         *task,
               FerryNode     *node,
               virConnectPtr  conn,
               gpointer       task_data,
               GCancellable  *cancellable)
{
  const char *uuid = task_data;
  virDomainPtr domain = virDomainLookupByUUIDString (conn, uuid);
  gboolean resumed = FALSE;

  if (domain != NULL)
    {
      int state = VIR_DOMAIN_NOSTATE, reason = 0;

      if (virDomainGetState (domain, &state, &reason, 0) == 0 && state == VIR_DOMAIN_PAUSED &&
          reason == VIR_DOMAIN_PAUSED_MIGRATION)
        resumed = virDomainResume (domain) == 0;
      virDomainFree (domain);
    }
  virResetLastError ();
  g_task_return_boolean (task, resumed);
}

static void
resume_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autofree char *name = user_data;
  const char *uuid = g_task_get_task_data (G_TASK (result));

  if (g_task_propagate_boolean (G_TASK (result), NULL))
    g_message (_("Resumed “%s” on %s: the failed migration had left it paused"),
               name, ferry_node_get_name (FERRY_NODE (object)));
  _ferry_node_refresh_domain (FERRY_NODE (object), uuid);
}

static void
stale_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Reconcile *r = user_data;
  Check *check = g_task_get_task_data (G_TASK (result));
  FerryTask *task = ferry_migration_get_task (r->migration);
  const char *vm_name = ferry_migration_get_vm_name (r->migration);
  FerryReconcileAction action = check->verdict.action;
  g_autofree char *note = NULL;

  /* The owner's state too: a host frozen past the keepalive may have
   * resumed the VM between Ferry's reconnect and its event registration. */
  _ferry_node_refresh_domain (r->owner, r->uuid);

  /* Another migration of the VM under way: its incoming side is active
   * by design; look again later rather than raise a false alarm. */
  if (action == FERRY_RECONCILE_BOTH_ACTIVE && ferry_vm_get_migration (ferry_migration_get_vm (r->migration)) != NULL)
    action = FERRY_RECONCILE_NOTHING;

  if (action == FERRY_RECONCILE_REMOVE_STALE && check->removed)
    note = g_strdup_printf (_("Removed the shut-off definition of “%s” an interrupted migration left on %s"),
                            vm_name, ferry_node_get_name (r->stale));
  else if (action == FERRY_RECONCILE_BOTH_ACTIVE)
    note = g_strdup_printf (_("“%s” is running on both %s and %s: check it now"),
                            vm_name, ferry_node_get_name (r->owner), ferry_node_get_name (r->stale));
  if (note != NULL)
    {
      g_message ("%s", note);
      if (task != NULL)
        {
          g_autofree char *both = g_strdup_printf ("%s. %s", ferry_task_get_message (task), note);

          ferry_task_set_message (task, both);
        }
      _ferry_node_refresh_domain (r->stale, r->uuid);
    }

  if (check->verdict.resume_owner)
    {
      g_autoptr(GTask) step = g_task_new (r->owner, NULL, resume_done, g_strdup (vm_name));

      g_task_set_task_data (step, g_strdup (r->uuid), g_free);
      _ferry_node_run_with_connection (r->owner, step, resume_thread);
    }

  if (++r->round < 2)
    reconcile_arm (r);
  else
    reconcile_free (r);
}

static void
owner_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Reconcile *r = user_data;
  Check *check = g_task_get_task_data (G_TASK (result));
  g_autoptr(GTask) step = NULL;
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error) ||
      ferry_node_get_state (r->stale) != FERRY_NODE_STATE_CONNECTED || _ferry_reconcile_is_moving (r->uuid))
    {
      reconcile_arm (r);
      return;
    }
  step = g_task_new (r->stale, NULL, stale_done, r);
  /* The same Check, owned by the first step's task until this one ends. */
  g_task_set_task_data (step, check, NULL);
  g_object_set_data_full (G_OBJECT (step), "ferry-check", g_object_ref (result), g_object_unref);
  _ferry_node_run_with_connection (r->stale, step, stale_thread);
}

static gboolean
reconcile_check (gpointer user_data)
{
  Reconcile *r = user_data;
  g_autoptr(GTask) step = NULL;
  Check *check;

  r->timeout_id = 0;
  if (ferry_node_get_state (r->stale) != FERRY_NODE_STATE_CONNECTED ||
      ferry_node_get_state (r->owner) != FERRY_NODE_STATE_CONNECTED || _ferry_reconcile_is_moving (r->uuid))
    {
      reconcile_arm (r);
      return G_SOURCE_REMOVE;
    }
  check = g_new0 (Check, 1);
  check->uuid = g_strdup (r->uuid);
  check->owner_is_source = r->owner_is_source;
  step = g_task_new (r->owner, NULL, owner_done, r);
  g_task_set_task_data (step, check, (GDestroyNotify) check_free);
  _ferry_node_run_with_connection (r->owner, step, owner_thread);
  return G_SOURCE_REMOVE;
}

static void
on_stale_state (FerryNode  *node,
                GParamSpec *pspec,
                Reconcile  *r)
{
  if (ferry_node_get_state (node) == FERRY_NODE_STATE_CONNECTED && r->timeout_id == 0)
    {
      g_signal_handler_disconnect (r->stale, r->state_id);
      r->state_id = 0;
      r->timeout_id = g_timeout_add_seconds (RECONCILE_DELAY_S, reconcile_check, r);
    }
}

/* Waits for both hosts to answer, then looks after a delay. */
static void
reconcile_arm (Reconcile *r)
{
  if (r->expired)
    {
      reconcile_free (r);
      return;
    }
  if (ferry_node_get_state (r->stale) == FERRY_NODE_STATE_CONNECTED)
    r->timeout_id = g_timeout_add_seconds (r->round == 0 ? RECONCILE_DELAY_S : RECONCILE_AGAIN_S,
                                           reconcile_check, r);
  else if (r->state_id == 0)
    r->state_id = g_signal_connect (r->stale, "notify::state", G_CALLBACK (on_stale_state), r);
}

/* The deadline. Only a wait for the stale host to come back ends here:
 * nothing else would ever wake it, and it holds the job and both hosts.
 * A check already scheduled or under way still runs (the host answers);
 * it ends at its next wait. */
static gboolean
reconcile_give_up (gpointer user_data)
{
  Reconcile *r = user_data;

  r->give_up_id = 0;
  r->expired = TRUE;
  if (r->state_id != 0)
    reconcile_free (r);
  return G_SOURCE_REMOVE;
}

void
_ferry_reconcile_start (FerryMigration *migration,
                        FerryNode      *stale,
                        FerryNode      *owner,
                        const char     *uuid)
{
  Reconcile *r = g_new0 (Reconcile, 1);

  r->owner_is_source = owner == ferry_migration_get_source (migration);
  r->migration = g_object_ref (migration);
  r->stale = g_object_ref (stale);
  r->owner = g_object_ref (owner);
  r->uuid = g_strdup (uuid);
  r->give_up_id = g_timeout_add (give_up_ms, reconcile_give_up, r);
  reconcile_arm (r);
}

void
_ferry_reconcile_set_give_up (guint ms)
{
  give_up_ms = ms != 0 ? ms : RECONCILE_GIVE_UP_MS;
}
