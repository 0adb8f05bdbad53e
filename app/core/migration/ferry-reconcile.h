/* ferry-reconcile.h — after a move, one definition of the VM only
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "ferry-migration.h"
#include "ferry-node.h"

G_BEGIN_DECLS

/* What one host says about the VM. */
typedef struct
{
  gboolean present;
  gboolean persistent;
  gboolean active;
  int      state;        /* virDomainState */
  int      reason;       /* its reason, e.g. VIR_DOMAIN_PAUSED_MIGRATION */
} FerryDomainSighting;

typedef enum
{
  FERRY_RECONCILE_NOTHING,       /* nothing to do */
  FERRY_RECONCILE_REMOVE_STALE,  /* undefine the stale host's shut-off leftover */
  FERRY_RECONCILE_BOTH_ACTIVE,   /* running in both places: touch nothing, tell */
  FERRY_RECONCILE_OWNER_LACKS,   /* the owner has no settled copy: the stale one may be the only one */
} FerryReconcileAction;

typedef struct
{
  FerryReconcileAction action;
  gboolean             resume_owner;   /* the owner is the failed move's source, paused by it */
} FerryReconcileVerdict;

/* Pure: what to do about @stale (the host that should not have the VM)
 * given @owner's copy. @owner_is_source: the move failed, so the owner is
 * the job's own source. */
FerryReconcileVerdict ferry_reconcile_decide (const FerryDomainSighting *owner,
                                              const FerryDomainSighting *stale,
                                              gboolean                   owner_is_source);

/* Main thread: after @migration ended, look at @stale once it answers
 * (and once more later) and act on ferry_reconcile_decide's verdict. */
void     _ferry_reconcile_start      (FerryMigration *migration,
                                      FerryNode      *stale,
                                      FerryNode      *owner,
                                      const char     *uuid);
/* Main thread: a migration of @uuid starts (+1) or ends (-1) in this
 * process; nothing is reconciled while one runs. */
void     _ferry_reconcile_note_moving (const char    *uuid,
                                       int            delta);
gboolean _ferry_reconcile_is_moving   (const char    *uuid);
/* Tests: how long a pending check waits for its hosts before it gives up
 * (15 minutes; 0 restores that). */
void     _ferry_reconcile_set_give_up (guint          ms);

G_END_DECLS
