/* ferry-balancer.h — which migrations would even out a cluster? A pure recommender
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  const char *id;
  gboolean    available;       /* connected, not in maintenance */
  guint64     memory_total;    /* bytes */
  guint64     memory_used;     /* bytes */
  guint       cpus;
  double      cpu_load;        /* 0..1 of all its CPUs */
} FerryBalanceHost;

typedef struct
{
  const char *id;
  const char *host;            /* where it runs */
  guint64     memory;          /* bytes */
  guint       vcpus;
  double      cpu_load;        /* 0..1 of one vCPU */
  gint64      last_moved_us;   /* monotonic time of its last migration, 0 never */
} FerryBalanceVm;

typedef struct
{
  const char *vm;              /* borrowed from the input */
  const char *from;
  const char *to;
  /* the load that decided it (CPU or memory share), before and after */
  gboolean    for_memory;
  double      from_before, from_after;
  double      to_before, to_after;
} FerryBalanceMove;

#define FERRY_BALANCE_THRESHOLD   0.75
#define FERRY_BALANCE_MAX_MOVES   2
#define FERRY_BALANCE_COOLDOWN_US (30 * G_TIME_SPAN_MINUTE)
/* CPU loads are averaged over this much of the recent past. */
#define FERRY_BALANCE_WINDOW_US   (30 * G_TIME_SPAN_SECOND)

/* Hosts above @threshold (CPU or memory share) give their VM whose move
 * helps most to the host with the most room that stays below it; at most
 * @max_moves moves, never a VM moved less than @cooldown_us ago, never a
 * move that leaves the destination above the threshold. Deterministic.
 * Returns an array of FerryBalanceMove (g_array_unref). */
GArray *ferry_balance_recommend (const FerryBalanceHost *hosts,
                                 guint                   n_hosts,
                                 const FerryBalanceVm   *vms,
                                 guint                   n_vms,
                                 double                  threshold,
                                 guint                   max_moves,
                                 gint64                  now_us,
                                 gint64                  cooldown_us);
/* "web: node1 CPU 92 % → 61 %, node3 30 % → 51 %" */
char   *ferry_balance_move_describe (const FerryBalanceMove *move);

/* For real nodes and VMs (main thread, no I/O: the latest statistics). */
typedef struct _FerryVm FerryVm;
typedef struct _FerryNode FerryNode;

typedef struct
{
  FerryVm   *vm;               /* references */
  FerryNode *from;
  FerryNode *to;
  char      *text;             /* ferry_balance_move_describe () with names */
} FerryBalanceSuggestion;

void       ferry_balance_suggestion_free (FerryBalanceSuggestion *suggestion);
/* Suggestions among @nodes (FerryNode); @last_moved maps VM UUIDs to the
 * monotonic time of their last migration (may be NULL). Array of
 * FerryBalanceSuggestion. */
GPtrArray *ferry_balance_suggest         (GPtrArray              *nodes,
                                          GHashTable             *last_moved,
                                          double                  threshold,
                                          guint                   max_moves);

G_END_DECLS
