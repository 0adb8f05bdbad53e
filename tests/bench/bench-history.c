/* bench-history.c — what the statistics history costs per VM
 *
 * Ferry keeps each VM's metrics for graphs: the last 600 samples (10 min
 * at 1 s) and 1440 per-minute averages (24 h) per metric. With thousands
 * of VMs that is most of what the client holds. This bench fills 1000
 * FerryMetrics the way the sampler does (every per-VM metric), measures
 * the heap they take (glibc's mallinfo2, in this process) and prints
 * bytes per VM
 *   - after 1 minute at 1 s (a VM just seen, or a short session),
 *   - after 10 minutes at 1 s (the fine ring full),
 *   - after 24 hours (both rings full; the day is pushed as one sample a
 *     minute after the fine ring was filled: same storage, less time),
 * against the layout before the compact rings (16 bytes a sample, each
 * ring allocated whole at its first sample), computed from the same ring
 * sizes. Never fails on a number.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <malloc.h>

#include "ferry-core-all.h"
#include "ferry-metrics-private.h"

#define N_VMS    1000
#define FINE     600
#define COARSE   1440

static const FerryMetric vm_metrics[] = {
  FERRY_METRIC_CPU, FERRY_METRIC_CPU_HOST, FERRY_METRIC_MEMORY, FERRY_METRIC_DISK_READ,
  FERRY_METRIC_DISK_WRITE, FERRY_METRIC_DISK_IOPS, FERRY_METRIC_NET_RX, FERRY_METRIC_NET_TX,
};

static size_t
heap_in_use (void)
{
  struct mallinfo2 info = mallinfo2 ();

  return info.uordblks + info.hblkhd;
}

/* Pushes @n samples @step_us apart, from @t, into every metric of every VM. */
static gint64
push_all (FerryMetrics **vms,
          gint64         t,
          guint          n,
          gint64         step_us)
{
  for (guint s = 0; s < n; s++, t += step_us)
    for (guint v = 0; v < N_VMS; v++)
      {
        for (guint m = 0; m < G_N_ELEMENTS (vm_metrics); m++)
          _ferry_metrics_push (vms[v], vm_metrics[m], t, (double) ((s * 7 + v + m) % 100));
        _ferry_metrics_commit (vms[v]);
      }
  return t;
}

int
main (int   argc,
      char *argv[])
{
  FerryMetrics *vms[N_VMS];
  const guint n_metrics = G_N_ELEMENTS (vm_metrics);
  /* Before: both rings of a metric allocated whole, 16 bytes a sample;
   * the coarse one from the first completed minute. */
  const double old_minute = n_metrics * FINE * 16.0;
  const double old_full = n_metrics * (FINE + COARSE) * 16.0;
  size_t empty, at_minute, at_ten, at_day;
  gint64 t = (gint64) 1000 * 60 * G_USEC_PER_SEC;

  empty = heap_in_use ();
  for (guint v = 0; v < N_VMS; v++)
    vms[v] = ferry_metrics_new ();

  t = push_all (vms, t, 60, G_USEC_PER_SEC);
  at_minute = heap_in_use ();
  t = push_all (vms, t, FINE - 60, G_USEC_PER_SEC);
  at_ten = heap_in_use ();
  push_all (vms, t, COARSE + 1, (gint64) 60 * G_USEC_PER_SEC);
  at_day = heap_in_use ();

  g_print ("== bench-history: statistics history of %u VMs, %u metrics each ==\n", N_VMS, n_metrics);
  g_print ("%-34s %12s %14s %8s\n", "", "bytes per VM", "before (16 B)", "ratio");
  g_print ("%-34s %12.0f %14.0f %7.2fx\n", "1 minute at 1 s (60 samples)",
           (double) (at_minute - empty) / N_VMS, old_minute, (at_minute - empty) / N_VMS / old_minute);
  g_print ("%-34s %12.0f %14.0f %7.2fx\n", "10 minutes at 1 s (fine ring full)",
           (double) (at_ten - empty) / N_VMS, old_minute, (at_ten - empty) / N_VMS / old_minute);
  g_print ("%-34s %12.0f %14.0f %7.2fx\n", "24 hours (both rings full)",
           (double) (at_day - empty) / N_VMS, old_full, (at_day - empty) / N_VMS / old_full);
  g_print ("(before: computed from the ring sizes, without the objects themselves)\n");
  g_print ("10 000 VMs after 24 h: %.0f MB of history (before: %.0f MB)\n",
           (double) (at_day - empty) * 10 / 1e6, old_full * 10000 / 1e6);

  for (guint v = 0; v < N_VMS; v++)
    g_object_unref (vms[v]);
  return 0;
}
