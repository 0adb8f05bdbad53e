/* ferry-metrics.h — the live statistics of one VM, node or cluster
 *
 * One FerryStatsSeries per metric, filled by FerryStatsSampler once per
 * tick. "updated" says that every series got its sample of the tick, so a
 * chart redraws once; the "cpu", "memory", "disk" and "net" properties
 * carry the latest values for sorting (GtkNumericSorter on
 * gtk_property_expression_new (FERRY_TYPE_METRICS, …, "cpu")). Main
 * thread only.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "ferry-stats-series.h"

G_BEGIN_DECLS

/* For a VM: CPU is the share of its own vCPUs, CPU_HOST the share of its
 * host's CPUs. For a node: CPU is the host's busy share, CPU_HOST the
 * share its VMs use; memory is the host's. For the cluster: CPU,
 * CPU_HOST and CPU_WAIT are averages over the nodes, the rest are sums.
 *
 * CPU_WAIT is what VMware calls "CPU ready": time a vCPU was runnable
 * but waited for a host CPU (libvirt's vcpu.N.delay, the scheduler's run
 * queue). For a VM, a share of its own vCPUs; for a node, the share of
 * its CPUs its VMs spent waiting. Used + waiting is what the VMs demand,
 * which is what balancing weighs: on a saturated host the used share is
 * capped by what the host could give, not by what its VMs want. */
typedef enum
{
  FERRY_METRIC_CPU,
  FERRY_METRIC_CPU_HOST,
  FERRY_METRIC_MEMORY,
  FERRY_METRIC_MEMORY_TOTAL,
  FERRY_METRIC_DISK_READ,
  FERRY_METRIC_DISK_WRITE,
  FERRY_METRIC_DISK_IOPS,
  FERRY_METRIC_NET_RX,
  FERRY_METRIC_NET_TX,
  FERRY_METRIC_CPU_WAIT,
  FERRY_N_METRICS
} FerryMetric;

#define FERRY_TYPE_METRICS (ferry_metrics_get_type ())

G_DECLARE_FINAL_TYPE (FerryMetrics, ferry_metrics, FERRY, METRICS, GObject)

FerryMetrics     *ferry_metrics_new        (void);
FerryStatsSeries *ferry_metrics_get_series (FerryMetrics *self,
                                            FerryMetric   metric);
/* The latest value of @metric, NAN when there is none. */
double            ferry_metrics_get_last   (FerryMetrics *self,
                                            FerryMetric   metric);

/* Latest values as the properties show them (0 when unknown). */
double            ferry_metrics_get_cpu    (FerryMetrics *self);
double            ferry_metrics_get_memory (FerryMetrics *self);
double            ferry_metrics_get_disk   (FerryMetrics *self);
double            ferry_metrics_get_net    (FerryMetrics *self);

const char       *ferry_metric_get_label   (FerryMetric   metric);
FerryStatsUnit    ferry_metric_get_unit    (FerryMetric   metric);

G_END_DECLS
