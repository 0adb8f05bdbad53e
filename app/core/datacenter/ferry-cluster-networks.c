/* ferry-cluster-networks.c — the virtual networks a cluster's VMs need on
 * every node: which are missing where, and copying one to another node
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <math.h>
#include <string.h>

#include "ferry-cluster-ops-private.h"
#include "ferry-core.h"
#include "ferry-domain-xml.h"
#include "ferry-fanout.h"
#include "ferry-host-xml.h"
#include "ferry-libvirt.h"
#include "ferry-node-private.h"

void
ferry_network_gap_free (FerryNetworkGap *gap)
{
  if (gap == NULL)
    return;
  g_free (gap->network);
  g_clear_pointer (&gap->missing, g_ptr_array_unref);
  g_strfreev (gap->inactive);
  g_free (gap);
}

/* ------------------------------------------------------------ networks */

GPtrArray *
ferry_cluster_network_gaps (GPtrArray *nodes,
                            GPtrArray *probes)
{
  GPtrArray *gaps = g_ptr_array_new_with_free_func ((GDestroyNotify) ferry_network_gap_free);
  g_autoptr(GHashTable) used = g_hash_table_new (g_str_hash, g_str_equal);   /* name → count */
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  g_return_val_if_fail (nodes->len == probes->len, gaps);

  for (guint i = 0; i < probes->len; i++)
    {
      FerryNodeProbe *probe = g_ptr_array_index (probes, i);

      for (guint j = 0; j < probe->vms->len; j++)
        {
          FerryVmFacts *vm = g_ptr_array_index (probe->vms, j);

          for (guint k = 0; vm->networks != NULL && vm->networks[k] != NULL; k++)
            {
              gpointer count = g_hash_table_lookup (used, vm->networks[k]);

              if (count == NULL)
                g_ptr_array_add (names, vm->networks[k]);
              g_hash_table_insert (used, vm->networks[k], GUINT_TO_POINTER (GPOINTER_TO_UINT (count) + 1));
            }
        }
    }
  g_ptr_array_sort (names, _ferry_cluster_compare_strings);

  for (guint n = 0; n < names->len; n++)
    {
      const char *name = g_ptr_array_index (names, n);
      g_autoptr(FerryNetworkGap) gap = g_new0 (FerryNetworkGap, 1);
      g_autoptr(GStrvBuilder) inactive = g_strv_builder_new ();

      gap->network = g_strdup (name);
      gap->missing = g_ptr_array_new ();
      gap->n_vms = GPOINTER_TO_UINT (g_hash_table_lookup (used, name));
      for (guint i = 0; i < probes->len; i++)
        {
          FerryNodeProbe *probe = g_ptr_array_index (probes, i);
          FerryNetworkFacts *found = NULL;

          if (!probe->reachable)
            continue;
          for (guint j = 0; j < probe->networks->len && found == NULL; j++)
            if (g_str_equal (((FerryNetworkFacts *) g_ptr_array_index (probe->networks, j))->name, name))
              found = g_ptr_array_index (probe->networks, j);
          if (found != NULL && found->active)
            {
              if (gap->source == NULL)
                gap->source = g_ptr_array_index (nodes, i);
              continue;
            }
          g_ptr_array_add (gap->missing, g_ptr_array_index (nodes, i));
          if (found != NULL)
            g_strv_builder_add (inactive, probe->node_name);
        }
      gap->inactive = g_strv_builder_end (inactive);
      if (gap->missing->len > 0)
        g_ptr_array_add (gaps, g_steal_pointer (&gap));
    }
  return gaps;
}

typedef struct
{
  char *name;
  char *xml;
} NetworkCopy;

static void
network_copy_free (NetworkCopy *copy)
{
  g_free (copy->name);
  g_free (copy->xml);
  g_free (copy);
}

static void
network_read_thread (GTask         *task,
                     FerryNode     *node,
                     virConnectPtr  conn,
                     gpointer       task_data,
                     GCancellable  *cancellable)
{
  NetworkCopy *copy = task_data;
  g_autofree char *xml = NULL;
  GError *error = NULL;
  virNetworkPtr network;

  FERRY_ASSERT_WORKER_THREAD ();

  if ((network = virNetworkLookupByName (conn, copy->name)) != NULL)
    {
      xml = virNetworkGetXMLDesc (network, VIR_NETWORK_XML_INACTIVE);
      virNetworkFree (network);
    }
  if (xml == NULL)
    ferry_libvirt_set_error (&error, _("Could not read the network “%s” on %s"), copy->name,
                             ferry_node_get_name (node));
  else
    copy->xml = ferry_network_xml_for_copy (xml, &error);
  virResetLastError ();
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
network_define_thread (GTask         *task,
                       FerryNode     *node,
                       virConnectPtr  conn,
                       gpointer       task_data,
                       GCancellable  *cancellable)
{
  NetworkCopy *copy = task_data;
  GError *error = NULL;
  virNetworkPtr network;

  FERRY_ASSERT_WORKER_THREAD ();

  network = virNetworkLookupByName (conn, copy->name);
  virResetLastError ();
  if (network == NULL && !(network = virNetworkDefineXML (conn, copy->xml)))
    ferry_libvirt_set_error (&error, _("Could not define the network “%s” on %s"), copy->name,
                             ferry_node_get_name (node));
  else if (virNetworkIsActive (network) != 1 && virNetworkCreate (network) < 0)
    ferry_libvirt_set_error (&error, _("Could not start the network “%s” on %s"), copy->name,
                             ferry_node_get_name (node));
  else
    virNetworkSetAutostart (network, 1);
  if (network != NULL)
    virNetworkFree (network);
  virResetLastError ();
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
network_read (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) outer = user_data;
  FerryNode *destination = g_object_get_data (G_OBJECT (outer), "destination");
  g_autoptr(GTask) step = NULL;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (outer, error);
      return;
    }
  step = g_task_new (destination, g_task_get_cancellable (outer), _ferry_task_forward_boolean, g_object_ref (outer));
  g_task_set_task_data (step, g_task_get_task_data (outer), NULL);
  _ferry_node_run_with_connection (destination, step, network_define_thread);
}

void
ferry_cluster_copy_network_async (FerryNode           *source,
                                  FerryNode           *destination,
                                  const char          *name,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (destination, cancellable, callback, user_data);
  g_autoptr(GTask) step = NULL;
  NetworkCopy *copy = g_new0 (NetworkCopy, 1);

  g_task_set_source_tag (task, ferry_cluster_copy_network_async);
  copy->name = g_strdup (name);
  g_task_set_task_data (task, copy, (GDestroyNotify) network_copy_free);
  g_object_set_data_full (G_OBJECT (task), "destination", g_object_ref (destination), g_object_unref);
  step = g_task_new (source, cancellable, network_read, g_object_ref (task));
  g_task_set_task_data (step, copy, NULL);
  _ferry_node_run_with_connection (source, step, network_read_thread);
}

gboolean
ferry_cluster_copy_network_finish (GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ferry_cluster_copy_network_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
