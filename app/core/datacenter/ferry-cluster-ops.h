/* ferry-cluster-ops.h — what a cluster asks of its nodes: checks, the
 * baseline CPU, shared storage, networks
 *
 * Every libvirt call runs on the node's own worker thread; the results are
 * plain data, evaluated by pure functions (unit-tested). One header for
 * the four files that implement it: ferry-cluster-probe.c (the probe and
 * the checks), ferry-cluster-cpu.c (common model, baseline, applying it),
 * ferry-cluster-storage.c (the shared pool) and ferry-cluster-networks.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-node.h"

G_BEGIN_DECLS

typedef enum
{
  FERRY_VIRTTYPE_QEMU,         /* TCG */
  FERRY_VIRTTYPE_KVM,
  FERRY_N_VIRTTYPES
} FerryVirttype;

/* One domain as its persistent definition describes it. */
typedef struct
{
  char     *uuid;
  char     *name;
  char     *virttype;          /* domain type: "kvm", "qemu" */
  gboolean  active;
  gboolean  persistent;
  GStrv     disks;             /* source files/devices of disk devices (not CD-ROMs) */
  GStrv     networks;          /* libvirt networks of its interfaces */
  char     *cpu_xml;           /* its <cpu> element, or NULL */
} FerryVmFacts;

typedef struct
{
  char     *name;
  gboolean  active;
} FerryNetworkFacts;

typedef struct
{
  char     *name;
  char     *type;              /* "dir", "netfs", "logical"… */
  char     *path;              /* target path */
  char     *nfs_host;          /* netfs: source host */
  char     *nfs_export;        /* netfs: source directory */
  gboolean  active;
} FerryPoolFacts;

/* What one node says about itself. */
typedef struct
{
  char       *node_id;
  char       *node_name;
  gboolean    reachable;
  char       *error;               /* why not, when unreachable */
  char       *arch;
  char       *host_uuid;
  char       *libvirt_version;     /* "9.0.0" */
  char       *hypervisor_version;  /* QEMU's, "7.2.22" */
  gboolean    has_kvm;
  /* Per FerryVirttype, from the domain capabilities: the host-model CPU as
   * a <cpu mode='custom'> (NULL when not supported) and the usable custom
   * models, in the order libvirt lists them. */
  char       *host_cpu[FERRY_N_VIRTTYPES];
  GStrv       models[FERRY_N_VIRTTYPES];
  GPtrArray  *vms;                 /* FerryVmFacts */
  GPtrArray  *networks;            /* FerryNetworkFacts */
  GPtrArray  *pools;               /* FerryPoolFacts */
  /* The host's clock against ours: the creation time of a throwaway volume
   * in one of its local directory pools, taken against the middle of our
   * round trip. */
  gboolean    clock_known;
  double      clock_offset;        /* host − this computer, in seconds */
  double      clock_uncertainty;   /* ± seconds (half the round trip) */
  char       *clock_error;         /* why it is not known */
} FerryNodeProbe;

void ferry_node_probe_free (FerryNodeProbe *probe);
void ferry_pool_facts_free (FerryPoolFacts *facts);
void ferry_network_facts_free (FerryNetworkFacts *facts);
void ferry_vm_facts_free   (FerryVmFacts   *facts);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FerryNodeProbe, ferry_node_probe_free)

/* Probes each FerryNode of @nodes in parallel on its worker. Returns (in
 * the finish) one FerryNodeProbe per node, in order; a node that did not
 * answer within @timeout_seconds is unreachable. Never fails but for a
 * cancellation. */
void       ferry_cluster_probe_async  (GPtrArray            *nodes,
                                       guint                 timeout_seconds,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
GPtrArray *ferry_cluster_probe_finish (GAsyncResult         *result,
                                       GError              **error);

typedef enum
{
  FERRY_CHECK_PASS,
  FERRY_CHECK_INFO,
  FERRY_CHECK_WARN,
  FERRY_CHECK_FAIL,
} FerryCheckSeverity;

typedef struct
{
  char               *code;      /* "reachable", "arch", "uuid", "libvirt", "qemu", "kvm", "clock" */
  FerryCheckSeverity  severity;
  char               *title;
  char               *detail;
  char               *fix;       /* what to do, or NULL */
} FerryClusterCheck;

void ferry_cluster_check_free (FerryClusterCheck *check);

/* Pure: the checks over the probes of every (would-be) member. */
GPtrArray          *ferry_cluster_evaluate         (GPtrArray  *probes);
FerryCheckSeverity  ferry_cluster_worst_severity   (GPtrArray  *checks);
/* Pure: "kvm" when a cluster VM or every node uses KVM, else "qemu". */
FerryVirttype       ferry_cluster_choose_virttype  (GPtrArray  *probes);
/* Pure: the first model usable on every reachable node, or NULL. */
char               *ferry_cluster_common_model     (GPtrArray  *probes,
                                                    FerryVirttype virttype);
/* Pure: a one-line summary of a <cpu> ("EPYC (AMD), 14 extra features,
 * 10 disabled"), or NULL when it has no model. */
char               *ferry_cluster_cpu_summary      (const char *cpu_xml);
/* Pure: do two <cpu> elements ask for the same CPU (mode, model, features;
 * topology ignored)? */
gboolean            ferry_cluster_cpu_equal        (const char *a,
                                                    const char *b);

typedef struct
{
  char     *cpu_xml;
  char     *method;      /* how it was found, a sentence */
  char     *virttype;    /* "qemu" or "kvm" */
} FerryBaseline;

void ferry_baseline_free (FerryBaseline *baseline);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FerryBaseline, ferry_baseline_free)

/* The common CPU of the probed nodes, computed by libvirt on @node
 * (virConnectBaselineHypervisorCPU over their host-model CPUs, migratable);
 * falls back to the first custom model usable everywhere. */
void           ferry_cluster_baseline_async  (FerryNode            *node,
                                              GPtrArray            *probes,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
FerryBaseline *ferry_cluster_baseline_finish (GAsyncResult         *result,
                                              GError              **error);

/* Pure: @domain_xml with its <cpu> replaced by @cpu_xml (its <topology>,
 * <numa> and <cache> kept). */
char *ferry_cluster_domain_with_cpu (const char  *domain_xml,
                                     const char  *cpu_xml,
                                     GError     **error);

typedef enum
{
  FERRY_CPU_APPLY_NOW,          /* shut off: redefined, used at next start */
  FERRY_CPU_APPLY_NEXT_START,   /* running: persistent definition changed */
  FERRY_CPU_APPLY_UNCHANGED,    /* already had it */
  FERRY_CPU_APPLY_FAILED,
} FerryCpuApplyOutcome;

typedef struct
{
  char                 *vm_name;
  char                 *node_name;
  FerryCpuApplyOutcome  outcome;
  char                 *message;   /* why it failed, or NULL */
} FerryCpuApplyResult;

void ferry_cpu_apply_result_free (FerryCpuApplyResult *result);

/* Sets @cpu_xml as the CPU of every persistent domain of the @nodes
 * (only those named in @uuids when not NULL). */
void       ferry_cluster_apply_cpu_async  (GPtrArray            *nodes,
                                           const char           *cpu_xml,
                                           const char * const   *uuids,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
GPtrArray *ferry_cluster_apply_cpu_finish (GAsyncResult         *result,
                                           GError              **error);

/* Shared storage. */
typedef struct
{
  const char *name;
  const char *type;           /* "dir" or "netfs" */
  const char *path;           /* target path, the same on every node */
  const char *nfs_host;       /* netfs only */
  const char *nfs_export;     /* netfs only */
} FerryPoolSpec;

/* Pure: a "dir" or "netfs" pool that every reachable probe has, active,
 * under the same name at the same path (the same export for netfs; a dir
 * pool not under /var/lib/libvirt/): what the assistant offers as the
 * shared storage, to be verified. Prefers a netfs pool, then
 * the first by name; NULL when there is none (or no probe is reachable).
 * The result points into @probes. */
const FerryPoolFacts *ferry_cluster_common_pool (GPtrArray *probes);

/* Pure: the <pool> XML, or NULL with an error for a bad spec. */
char *ferry_cluster_pool_xml (const FerryPoolSpec  *spec,
                              GError              **error);

/* Defines, builds, starts and marks autostart @spec's pool where missing,
 * on each node. The finish returns one sentence per node (what was done),
 * or the first error. */
void       ferry_cluster_define_pool_async  (GPtrArray            *nodes,
                                             const FerryPoolSpec  *spec,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
GStrv      ferry_cluster_define_pool_finish (GAsyncResult         *result,
                                             GError              **error);

typedef struct
{
  gboolean  shared;
  char     *written_by;   /* the node that created the marker */
  GStrv     missing;      /* nodes that did not see it, "node2 (reason)" */
  GStrv     seen;         /* nodes that saw it */
} FerrySharedResult;

void ferry_shared_result_free (FerrySharedResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FerrySharedResult, ferry_shared_result_free)

/* Creates a marker volume in the pool @pool_name through the first node,
 * refreshes the pool on the others and looks for it there, deletes it. */
void               ferry_cluster_verify_shared_async  (GPtrArray           *nodes,
                                                       const char          *pool_name,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
FerrySharedResult *ferry_cluster_verify_shared_finish (GAsyncResult        *result,
                                                       GError             **error);

/* Networks. */
typedef struct
{
  char      *network;
  GPtrArray *missing;    /* FerryNode (borrowed from the caller's list) lacking or not running it */
  GStrv      inactive;   /* names of nodes where it exists but is not active */
  FerryNode *source;     /* a node that has it active, or NULL */
  guint      n_vms;      /* VMs using it */
} FerryNetworkGap;

void ferry_network_gap_free (FerryNetworkGap *gap);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FerryNetworkGap, ferry_network_gap_free)

/* Pure: every network used by a VM on a member node that some member
 * lacks or does not run. @nodes and @probes are parallel. */
GPtrArray *ferry_cluster_network_gaps (GPtrArray *nodes,
                                       GPtrArray *probes);
/* Copies the network @name from @source to @destination (define, start,
 * autostart; an existing inactive one is only started). */
void     ferry_cluster_copy_network_async  (FerryNode            *source,
                                            FerryNode            *destination,
                                            const char           *name,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
gboolean ferry_cluster_copy_network_finish (GAsyncResult         *result,
                                            GError              **error);

G_END_DECLS
