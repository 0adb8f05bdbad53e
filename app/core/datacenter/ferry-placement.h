/* ferry-placement.h — where should these VMs run? A pure planner
 *
 * No I/O and no GObject: the caller describes hosts and VMs as they are
 * now, the planner answers VM → host (or why not). Maintenance evacuation,
 * recovery after a host failure and balancing all ask it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  const char *id;              /* stable: ties are broken by it */
  gboolean    available;       /* connected, not in maintenance, not the one evacuated */
  guint64     memory_total;    /* bytes */
  guint64     memory_free;     /* bytes free now */
  guint       cpus;
  double      cpu_load;        /* 0..1 of all its CPUs, now */
} FerryPlacementHost;

typedef struct
{
  const char *id;
  guint64     memory;          /* bytes it needs */
  guint       vcpus;
  double      cpu_load;        /* 0..1 of one vCPU, recent */
  const char *current_host;    /* never chosen as its destination; NULL if none */
  const char *group;           /* "keep apart" group, or NULL */
} FerryPlacementVm;

typedef struct
{
  const char *vm;              /* borrowed from the input */
  const char *host;            /* NULL when nowhere fits */
  char       *reason;          /* why nowhere, else NULL */
} FerryPlacement;

/* QEMU's own memory on top of the guest's. */
#define FERRY_PLACEMENT_MEMORY_OVERHEAD (64 * 1024 * 1024)

/* Places @vms (largest memory first) on @hosts: only available hosts,
 * never over their free memory, never two VMs of one group together (nor
 * with a VM of that group already there: @resident lists who runs where,
 * may be NULL), preferring the host left with the most free memory and
 * the least CPU load. Deterministic. Returns an array of FerryPlacement in
 * the order of @vms; free with ferry_placement_free_array(). */
GArray *ferry_placement_plan       (const FerryPlacementHost *hosts,
                                    guint                     n_hosts,
                                    const FerryPlacementVm   *vms,
                                    guint                     n_vms,
                                    const FerryPlacementVm   *resident,
                                    guint                     n_resident);
void    ferry_placement_free_array (GArray                   *placements);

G_END_DECLS
