/* ferry-cluster.c — a live cluster, for lists and pages
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ferry-cluster.h"

/* ------------------------------------------------------------ FerryCluster */

struct _FerryCluster
{
  GObject             parent_instance;
  FerryClusterConfig *config;
};

enum {
  PROP_0,
  PROP_NAME,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (FerryCluster, ferry_cluster, G_TYPE_OBJECT)

FerryCluster *
ferry_cluster_new (const FerryClusterConfig *config)
{
  FerryCluster *self = g_object_new (FERRY_TYPE_CLUSTER, NULL);

  self->config = ferry_cluster_config_copy (config);
  return self;
}

const FerryClusterConfig *
ferry_cluster_get_config (FerryCluster *self)
{
  g_return_val_if_fail (FERRY_IS_CLUSTER (self), NULL);
  return self->config;
}

void
ferry_cluster_set_config (FerryCluster             *self,
                          const FerryClusterConfig *config)
{
  gboolean renamed;

  g_return_if_fail (FERRY_IS_CLUSTER (self));
  g_return_if_fail (config != NULL);

  renamed = g_strcmp0 (self->config->name, config->name) != 0;
  ferry_cluster_config_free (self->config);
  self->config = ferry_cluster_config_copy (config);
  if (renamed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
  g_signal_emit (self, signals[CHANGED], 0);
}

const char *
ferry_cluster_get_id (FerryCluster *self)
{
  g_return_val_if_fail (FERRY_IS_CLUSTER (self), NULL);
  return self->config->id;
}

const char *
ferry_cluster_get_name (FerryCluster *self)
{
  g_return_val_if_fail (FERRY_IS_CLUSTER (self), NULL);
  return self->config->name;
}

static void
ferry_cluster_finalize (GObject *object)
{
  FerryCluster *self = FERRY_CLUSTER (object);

  g_clear_pointer (&self->config, ferry_cluster_config_free);
  G_OBJECT_CLASS (ferry_cluster_parent_class)->finalize (object);
}

static void
ferry_cluster_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  FerryCluster *self = FERRY_CLUSTER (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->config ? self->config->name : NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_cluster_class_init (FerryClusterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ferry_cluster_finalize;
  object_class->get_property = ferry_cluster_get_property;

  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * FerryCluster::changed:
   *
   * The configuration changed (members, baseline CPU, storage, name).
   */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
ferry_cluster_init (FerryCluster *self)
{
}
