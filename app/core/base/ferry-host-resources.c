/* ferry-host-resources.c — what a node offers to new VMs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <libvirt/virterror.h>

#include "ferry-core.h"
#include "ferry-host-resources.h"
#include "ferry-host-xml.h"
#include "ferry-libvirt.h"
#include "ferry-node-private.h"


G_DEFINE_BOXED_TYPE (FerryHostResources, ferry_host_resources,
                     ferry_host_resources_ref, ferry_host_resources_unref)

FerryHostVolume *
ferry_host_volume_new (const char *name,
                       const char *path,
                       const char *format)
{
  FerryHostVolume *volume = g_new0 (FerryHostVolume, 1);

  volume->name = g_strdup (name);
  volume->path = g_strdup (path);
  volume->format = g_strdup (format);
  /* dir pools report ISO images as raw (or as "iso" when asked to). */
  volume->is_iso = g_strcmp0 (format, "iso") == 0 ||
                   ((format == NULL || strcmp (format, "raw") == 0) && name != NULL &&
                    strlen (name) > 4 && g_ascii_strcasecmp (name + strlen (name) - 4, ".iso") == 0);
  return volume;
}

void
ferry_host_volume_free (FerryHostVolume *volume)
{
  if (volume == NULL)
    return;
  g_free (volume->name);
  g_free (volume->path);
  g_free (volume->format);
  g_free (volume);
}

FerryHostPool *
ferry_host_pool_new (const char *name)
{
  FerryHostPool *pool = g_new0 (FerryHostPool, 1);

  pool->name = g_strdup (name);
  pool->volumes = g_ptr_array_new_with_free_func ((GDestroyNotify) ferry_host_volume_free);
  return pool;
}

void
ferry_host_pool_free (FerryHostPool *pool)
{
  if (pool == NULL)
    return;
  g_free (pool->name);
  g_free (pool->type);
  g_free (pool->path);
  g_ptr_array_unref (pool->volumes);
  g_free (pool);
}

FerryHostNetwork *
ferry_host_network_new (const char *name)
{
  FerryHostNetwork *network = g_new0 (FerryHostNetwork, 1);

  network->name = g_strdup (name);
  return network;
}

void
ferry_host_network_free (FerryHostNetwork *network)
{
  if (network == NULL)
    return;
  g_free (network->name);
  g_free (network->bridge);
  g_free (network->forward_mode);
  g_free (network);
}

FerryHostResources *
ferry_host_resources_new (void)
{
  FerryHostResources *res = g_new0 (FerryHostResources, 1);

  g_atomic_ref_count_init (&res->ref_count);
  res->pools = g_ptr_array_new_with_free_func ((GDestroyNotify) ferry_host_pool_free);
  res->networks = g_ptr_array_new_with_free_func ((GDestroyNotify) ferry_host_network_free);
  res->loaders = g_new0 (char *, 1);
  return res;
}

FerryHostResources *
ferry_host_resources_ref (FerryHostResources *res)
{
  g_return_val_if_fail (res != NULL, NULL);
  g_atomic_ref_count_inc (&res->ref_count);
  return res;
}

void
ferry_host_resources_unref (FerryHostResources *res)
{
  if (res == NULL || !g_atomic_ref_count_dec (&res->ref_count))
    return;
  g_ptr_array_unref (res->pools);
  g_ptr_array_unref (res->networks);
  g_strfreev (res->bridges);
  g_free (res->virttype);
  g_free (res->arch);
  g_free (res->machine);
  g_strfreev (res->loaders);
  g_free (res);
}

const FerryHostPool *
ferry_host_resources_find_pool (const FerryHostResources *res,
                                const char               *name)
{
  g_return_val_if_fail (res != NULL, NULL);

  for (guint i = 0; name != NULL && i < res->pools->len; i++)
    {
      const FerryHostPool *pool = g_ptr_array_index (res->pools, i);

      if (g_strcmp0 (pool->name, name) == 0)
        return pool;
    }
  return NULL;
}

const FerryHostNetwork *
ferry_host_resources_find_network (const FerryHostResources *res,
                                   const char               *name)
{
  g_return_val_if_fail (res != NULL, NULL);

  for (guint i = 0; name != NULL && i < res->networks->len; i++)
    {
      const FerryHostNetwork *network = g_ptr_array_index (res->networks, i);

      if (g_strcmp0 (network->name, name) == 0)
        return network;
    }
  return NULL;
}

const FerryHostVolume *
ferry_host_pool_find_volume (const FerryHostPool *pool,
                             const char          *name)
{
  g_return_val_if_fail (pool != NULL, NULL);

  for (guint i = 0; name != NULL && i < pool->volumes->len; i++)
    {
      const FerryHostVolume *volume = g_ptr_array_index (pool->volumes, i);

      if (g_strcmp0 (volume->name, name) == 0)
        return volume;
    }
  return NULL;
}

const FerryHostVolume *
ferry_host_resources_find_volume_by_path (const FerryHostResources  *res,
                                          const char                *path,
                                          const FerryHostPool      **pool)
{
  g_return_val_if_fail (res != NULL, NULL);

  for (guint i = 0; path != NULL && i < res->pools->len; i++)
    {
      const FerryHostPool *p = g_ptr_array_index (res->pools, i);

      for (guint j = 0; j < p->volumes->len; j++)
        {
          const FerryHostVolume *volume = g_ptr_array_index (p->volumes, j);

          if (g_strcmp0 (volume->path, path) == 0)
            {
              if (pool != NULL)
                *pool = p;
              return volume;
            }
        }
    }
  return NULL;
}

/* ---------------------------------------------------------------------- */
/* Reading them from a node (worker threads only)                          */

static FerryHostVolume *
read_volume (virStorageVolPtr vol)
{
  g_autoptr(FerryVolumeXml) desc = NULL;
  FerryHostVolume *volume;
  char *path;
  char *xml;

  FERRY_ASSERT_WORKER_THREAD ();

  path = virStorageVolGetPath (vol);
  xml = virStorageVolGetXMLDesc (vol, 0);
  if (xml != NULL)
    desc = ferry_volume_xml_parse (xml, NULL);
  volume = ferry_host_volume_new (virStorageVolGetName (vol), path, desc != NULL ? desc->format : NULL);
  if (desc != NULL)
    {
      volume->capacity = desc->capacity;
      volume->allocation = desc->allocation;
    }
  free (path);
  free (xml);
  virResetLastError ();
  return volume;
}

static int
compare_volumes (gconstpointer a,
                 gconstpointer b)
{
  const FerryHostVolume *x = *(FerryHostVolume **) a;
  const FerryHostVolume *y = *(FerryHostVolume **) b;

  return g_strcmp0 (x->name, y->name);
}

static FerryHostPool *
read_pool (virStoragePoolPtr p)
{
  g_autoptr(FerryPoolXml) desc = NULL;
  FerryHostPool *pool = ferry_host_pool_new (virStoragePoolGetName (p));
  virStoragePoolInfo info;
  virStorageVolPtr *vols = NULL;
  char *xml;
  int n;

  FERRY_ASSERT_WORKER_THREAD ();

  pool->active = virStoragePoolIsActive (p) == 1;
  /* Files copied into a directory pool by hand show up only after a
   * refresh; the dialog wants today's ISO images. */
  if (pool->active && virStoragePoolRefresh (p, 0) < 0)
    virResetLastError ();

  xml = virStoragePoolGetXMLDesc (p, 0);
  if (xml != NULL && (desc = ferry_pool_xml_parse (xml, NULL)) != NULL)
    {
      pool->type = g_steal_pointer (&desc->type);
      pool->path = g_steal_pointer (&desc->target_path);
    }
  free (xml);

  if (virStoragePoolGetInfo (p, &info) == 0)
    {
      pool->capacity = info.capacity;
      pool->allocation = info.allocation;
      pool->available = info.available;
    }

  if (pool->active && (n = virStoragePoolListAllVolumes (p, &vols, 0)) >= 0)
    {
      for (int i = 0; i < n; i++)
        {
          g_ptr_array_add (pool->volumes, read_volume (vols[i]));
          virStorageVolFree (vols[i]);
        }
      free (vols);
      g_ptr_array_sort (pool->volumes, compare_volumes);
    }
  virResetLastError ();
  return pool;
}

static FerryHostNetwork *
read_network (virNetworkPtr net)
{
  g_autoptr(FerryNetworkXml) desc = NULL;
  FerryHostNetwork *network = ferry_host_network_new (virNetworkGetName (net));
  char *xml;

  FERRY_ASSERT_WORKER_THREAD ();

  network->active = virNetworkIsActive (net) == 1;
  xml = virNetworkGetXMLDesc (net, 0);
  if (xml != NULL && (desc = ferry_network_xml_parse (xml, NULL)) != NULL)
    {
      network->bridge = g_steal_pointer (&desc->bridge);
      network->forward_mode = g_steal_pointer (&desc->forward_mode);
    }
  free (xml);
  virResetLastError ();
  return network;
}

/* Host bridges, when the interface driver works (it needs netcf or udev,
 * often absent): NULL then, which means "unknown", not "none". */
static GStrv
read_bridges (virConnectPtr conn)
{
  g_autoptr(GStrvBuilder) builder = NULL;
  virInterfacePtr *ifaces = NULL;
  int n;

  FERRY_ASSERT_WORKER_THREAD ();

  n = virConnectListAllInterfaces (conn, &ifaces, VIR_CONNECT_LIST_INTERFACES_ACTIVE);
  if (n < 0)
    {
      virResetLastError ();
      return NULL;
    }

  builder = g_strv_builder_new ();
  for (int i = 0; i < n; i++)
    {
      char *xml = virInterfaceGetXMLDesc (ifaces[i], 0);
      g_autoptr(FerryInterfaceXml) desc = xml != NULL ? ferry_interface_xml_parse (xml, NULL) : NULL;

      if (desc != NULL && g_strcmp0 (desc->type, "bridge") == 0)
        g_strv_builder_add (builder, virInterfaceGetName (ifaces[i]));
      free (xml);
      virInterfaceFree (ifaces[i]);
    }
  free (ifaces);
  virResetLastError ();
  return g_strv_builder_end (builder);
}

static void
read_domain_caps (virConnectPtr       conn,
                  FerryHostResources *res)
{
  static const char *const virttypes[] = { "kvm", "qemu" };
  g_autoptr(FerryDomcapsXml) domcaps = NULL;
  char *xml = NULL;

  FERRY_ASSERT_WORKER_THREAD ();

  /* KVM when the host has it, else TCG. */
  for (guint i = 0; i < G_N_ELEMENTS (virttypes) && xml == NULL; i++)
    xml = virConnectGetDomainCapabilities (conn, NULL, "x86_64", NULL, virttypes[i], 0);
  virResetLastError ();
  if (xml != NULL)
    domcaps = ferry_domcaps_xml_parse (xml, NULL);
  free (xml);
  if (domcaps == NULL)
    return;

  res->has_domain_caps = TRUE;
  res->virttype = g_steal_pointer (&domcaps->domain);
  res->arch = g_steal_pointer (&domcaps->arch);
  res->machine = g_steal_pointer (&domcaps->machine);
  res->max_vcpus = domcaps->max_vcpus;
  g_strfreev (res->loaders);
  res->loaders = g_steal_pointer (&domcaps->loaders);
  res->uefi = res->loaders[0] != NULL ||
              g_strv_contains ((const char * const *) domcaps->firmwares, "efi");
}

static void
resources_thread (GTask         *task,
                  FerryNode     *node,
                  virConnectPtr  conn,
                  gpointer       task_data,
                  GCancellable  *cancellable)
{
  const char *node_name = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FerryHostResources) res = ferry_host_resources_new ();
  virStoragePoolPtr *pools = NULL;
  virNetworkPtr *nets = NULL;
  int n;

  n = virConnectListAllStoragePools (conn, &pools, 0);
  if (n < 0)
    {
      ferry_libvirt_set_error (&error, _("Could not list the storage pools of %s"),
                               node_name);
      goto out;
    }
  for (int i = 0; i < n; i++)
    {
      if (!g_cancellable_is_cancelled (cancellable))
        g_ptr_array_add (res->pools, read_pool (pools[i]));
      virStoragePoolFree (pools[i]);
    }
  free (pools);

  n = virConnectListAllNetworks (conn, &nets, 0);
  if (n < 0)
    {
      ferry_libvirt_set_error (&error, _("Could not list the networks of %s"),
                               node_name);
      goto out;
    }
  for (int i = 0; i < n; i++)
    {
      g_ptr_array_add (res->networks, read_network (nets[i]));
      virNetworkFree (nets[i]);
    }
  free (nets);

  res->bridges = read_bridges (conn);
  read_domain_caps (conn, res);

out:
  if (error == NULL && g_task_return_error_if_cancelled (task))
    return;
  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, g_steal_pointer (&res), (GDestroyNotify) ferry_host_resources_unref);
}

void
ferry_node_get_resources_async (FerryNode           *node,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (FERRY_IS_NODE (node));

  task = g_task_new (node, cancellable, callback, user_data);
  g_task_set_source_tag (task, ferry_node_get_resources_async);
  g_task_set_task_data (task, g_strdup (ferry_node_get_name (node)), g_free);
  _ferry_node_run_with_connection (node, task, resources_thread);
}

FerryHostResources *
ferry_node_get_resources_finish (FerryNode     *node,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, node), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ferry_node_get_resources_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
