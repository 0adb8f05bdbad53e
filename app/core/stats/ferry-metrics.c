/* ferry-metrics.c — the live statistics of one VM, node or cluster
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <glib/gi18n-lib.h>

#include "ferry-metrics-private.h"

/* 10 minutes at 1 s, 24 hours of per-minute averages. */
#define FINE_CAPACITY   600
#define COARSE_CAPACITY 1440

struct _FerryMetrics
{
  GObject           parent_instance;

  FerryStatsSeries *series[FERRY_N_METRICS];
  double            cpu;
  double            memory;
  double            disk;
  double            net;
  gboolean          dirty;
};

enum {
  PROP_0,
  PROP_CPU,
  PROP_MEMORY,
  PROP_DISK,
  PROP_NET,
  N_PROPS
};

enum {
  UPDATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (FerryMetrics, ferry_metrics, G_TYPE_OBJECT)

static const struct {
  const char     *name;
  const char     *label;
  FerryStatsUnit  unit;
} metric_info[FERRY_N_METRICS] = {
  [FERRY_METRIC_CPU]          = { "cpu", N_("CPU"), FERRY_STATS_UNIT_PERCENT },
  [FERRY_METRIC_CPU_HOST]     = { "cpu-host", N_("CPU of host"), FERRY_STATS_UNIT_PERCENT },
  [FERRY_METRIC_MEMORY]       = { "memory", N_("Memory"), FERRY_STATS_UNIT_BYTES },
  [FERRY_METRIC_MEMORY_TOTAL] = { "memory-total", N_("Memory total"), FERRY_STATS_UNIT_BYTES },
  [FERRY_METRIC_DISK_READ]    = { "disk-read", N_("Disk read"), FERRY_STATS_UNIT_BYTES_PER_SECOND },
  [FERRY_METRIC_DISK_WRITE]   = { "disk-write", N_("Disk write"), FERRY_STATS_UNIT_BYTES_PER_SECOND },
  [FERRY_METRIC_DISK_IOPS]    = { "disk-iops", N_("Disk operations"), FERRY_STATS_UNIT_PER_SECOND },
  [FERRY_METRIC_NET_RX]       = { "net-rx", N_("Network received"), FERRY_STATS_UNIT_BYTES_PER_SECOND },
  [FERRY_METRIC_NET_TX]       = { "net-tx", N_("Network sent"), FERRY_STATS_UNIT_BYTES_PER_SECOND },
  [FERRY_METRIC_CPU_WAIT]     = { "cpu-wait", N_("CPU waiting"), FERRY_STATS_UNIT_PERCENT },
};

const char *
ferry_metric_get_label (FerryMetric metric)
{
  g_return_val_if_fail (metric < FERRY_N_METRICS, NULL);
  return g_dgettext (GETTEXT_PACKAGE, metric_info[metric].label);
}

FerryStatsUnit
ferry_metric_get_unit (FerryMetric metric)
{
  g_return_val_if_fail (metric < FERRY_N_METRICS, FERRY_STATS_UNIT_PERCENT);
  return metric_info[metric].unit;
}

FerryMetrics *
ferry_metrics_new (void)
{
  return g_object_new (FERRY_TYPE_METRICS, NULL);
}

/* Series come into being when something samples or shows them: a VM
 * that never reports a value (shut off, or a driver without statistics)
 * and is not on screen costs no series at all. */
static FerryStatsSeries *
series_of (FerryMetrics *self,
           FerryMetric   metric)
{
  if (self->series[metric] == NULL)
    self->series[metric] = ferry_stats_series_new (metric_info[metric].name, metric_info[metric].unit,
                                                   FINE_CAPACITY, COARSE_CAPACITY);
  return self->series[metric];
}

static double
last_of (FerryMetrics *self,
         FerryMetric   metric)
{
  return self->series[metric] ? ferry_stats_series_get_last (self->series[metric]) : NAN;
}

FerryStatsSeries *
ferry_metrics_get_series (FerryMetrics *self,
                          FerryMetric   metric)
{
  g_return_val_if_fail (FERRY_IS_METRICS (self), NULL);
  g_return_val_if_fail (metric < FERRY_N_METRICS, NULL);
  return series_of (self, metric);
}

double
ferry_metrics_get_last (FerryMetrics *self,
                        FerryMetric   metric)
{
  g_return_val_if_fail (FERRY_IS_METRICS (self), NAN);
  g_return_val_if_fail (metric < FERRY_N_METRICS, NAN);
  return last_of (self, metric);
}

double
ferry_metrics_get_cpu (FerryMetrics *self)
{
  g_return_val_if_fail (FERRY_IS_METRICS (self), 0);
  return self->cpu;
}

double
ferry_metrics_get_memory (FerryMetrics *self)
{
  g_return_val_if_fail (FERRY_IS_METRICS (self), 0);
  return self->memory;
}

double
ferry_metrics_get_disk (FerryMetrics *self)
{
  g_return_val_if_fail (FERRY_IS_METRICS (self), 0);
  return self->disk;
}

double
ferry_metrics_get_net (FerryMetrics *self)
{
  g_return_val_if_fail (FERRY_IS_METRICS (self), 0);
  return self->net;
}

void
_ferry_metrics_push (FerryMetrics *self,
                     FerryMetric   metric,
                     gint64        time_us,
                     double        value)
{
  g_return_if_fail (FERRY_IS_METRICS (self));
  g_return_if_fail (metric < FERRY_N_METRICS);

  ferry_stats_series_push (series_of (self, metric), time_us, value);
  self->dirty = TRUE;
}

void
_ferry_metrics_gap (FerryMetrics *self,
                    gint64        time_us)
{
  g_return_if_fail (FERRY_IS_METRICS (self));

  for (guint i = 0; i < FERRY_N_METRICS; i++)
    if (isfinite (last_of (self, i)))
      _ferry_metrics_push (self, i, time_us, NAN);
}

static double
last_or_zero (FerryMetrics *self,
              FerryMetric   metric)
{
  double value = last_of (self, metric);

  return isfinite (value) ? value : 0;
}

static void
set_value (FerryMetrics *self,
           double       *field,
           double        value,
           int           prop)
{
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

void
_ferry_metrics_commit (FerryMetrics *self)
{
  g_return_if_fail (FERRY_IS_METRICS (self));

  if (!self->dirty)
    return;
  self->dirty = FALSE;

  g_object_freeze_notify (G_OBJECT (self));
  set_value (self, &self->cpu, last_or_zero (self, FERRY_METRIC_CPU), PROP_CPU);
  set_value (self, &self->memory, last_or_zero (self, FERRY_METRIC_MEMORY), PROP_MEMORY);
  set_value (self, &self->disk,
             last_or_zero (self, FERRY_METRIC_DISK_READ) + last_or_zero (self, FERRY_METRIC_DISK_WRITE),
             PROP_DISK);
  set_value (self, &self->net,
             last_or_zero (self, FERRY_METRIC_NET_RX) + last_or_zero (self, FERRY_METRIC_NET_TX),
             PROP_NET);
  g_object_thaw_notify (G_OBJECT (self));

  g_signal_emit (self, signals[UPDATED], 0);
}

static void
ferry_metrics_finalize (GObject *object)
{
  FerryMetrics *self = FERRY_METRICS (object);

  for (guint i = 0; i < FERRY_N_METRICS; i++)
    g_clear_object (&self->series[i]);

  G_OBJECT_CLASS (ferry_metrics_parent_class)->finalize (object);
}

static void
ferry_metrics_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  FerryMetrics *self = FERRY_METRICS (object);

  switch (prop_id)
    {
    case PROP_CPU:    g_value_set_double (value, self->cpu); break;
    case PROP_MEMORY: g_value_set_double (value, self->memory); break;
    case PROP_DISK:   g_value_set_double (value, self->disk); break;
    case PROP_NET:    g_value_set_double (value, self->net); break;
    default:          G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_metrics_class_init (FerryMetricsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = ferry_metrics_finalize;
  object_class->get_property = ferry_metrics_get_property;

  /* Latest CPU % (of the vCPUs for a VM), memory used (bytes), disk
   * read + write and network received + sent (bytes/s); 0 when unknown,
   * so that sorting never meets a NAN. */
  properties[PROP_CPU] = g_param_spec_double ("cpu", NULL, NULL, 0, G_MAXDOUBLE, 0, ro);
  properties[PROP_MEMORY] = g_param_spec_double ("memory", NULL, NULL, 0, G_MAXDOUBLE, 0, ro);
  properties[PROP_DISK] = g_param_spec_double ("disk", NULL, NULL, 0, G_MAXDOUBLE, 0, ro);
  properties[PROP_NET] = g_param_spec_double ("net", NULL, NULL, 0, G_MAXDOUBLE, 0, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * FerryMetrics::updated:
   *
   * Every series got its sample of the tick (or a gap): redraw once.
   */
  signals[UPDATED] = g_signal_new ("updated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
ferry_metrics_init (FerryMetrics *self)
{
}
