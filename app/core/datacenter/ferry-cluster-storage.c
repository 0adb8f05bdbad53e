/* ferry-cluster-storage.c — the storage every node of a cluster shares:
 * the pool they have in common, defining it everywhere, and proving that
 * a volume written through one node is seen by all
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
ferry_shared_result_free (FerrySharedResult *result)
{
  if (result == NULL)
    return;
  g_free (result->written_by);
  g_strfreev (result->missing);
  g_strfreev (result->seen);
  g_free (result);
}

/* ------------------------------------------------------ shared storage */

static gboolean
host_is_valid (const char *host)
{
  if (host == NULL || host[0] == '\0' || strlen (host) > 253)
    return FALSE;
  for (const char *p = host; *p; p++)
    if (!g_ascii_isalnum (*p) && strchr ("-.:[]_", *p) == NULL)
      return FALSE;
  return TRUE;
}

static gboolean
path_is_valid (const char *path)
{
  return path != NULL && path[0] == '/' && strstr (path, "/..") == NULL &&
         g_utf8_validate (path, -1, NULL) && strpbrk (path, "\n\r\t") == NULL;
}

static const FerryPoolFacts *
find_pool (const FerryNodeProbe *probe,
           const char           *name)
{
  for (guint i = 0; probe->pools != NULL && i < probe->pools->len; i++)
    {
      const FerryPoolFacts *pool = g_ptr_array_index (probe->pools, i);

      if (g_strcmp0 (pool->name, name) == 0)
        return pool;
    }
  return NULL;
}

/* Active, file-based, and not libvirt's own per-host directory (the
 * "default" pool at /var/lib/libvirt/images has the same path on every
 * host and is never shared). */
static gboolean
pool_usable (const FerryPoolFacts *pool)
{
  return pool->active && pool->path != NULL &&
         ((g_strcmp0 (pool->type, "dir") == 0 && !g_str_has_prefix (pool->path, "/var/lib/libvirt/")) ||
          (g_strcmp0 (pool->type, "netfs") == 0 && pool->nfs_host != NULL && pool->nfs_export != NULL));
}

const FerryPoolFacts *
ferry_cluster_common_pool (GPtrArray *probes)
{
  const FerryNodeProbe *first = NULL;
  const FerryPoolFacts *best = NULL;

  for (guint i = 0; i < probes->len && first == NULL; i++)
    if (((FerryNodeProbe *) g_ptr_array_index (probes, i))->reachable)
      first = g_ptr_array_index (probes, i);
  if (first == NULL || first->pools == NULL)
    return NULL;

  for (guint p = 0; p < first->pools->len; p++)
    {
      const FerryPoolFacts *candidate = g_ptr_array_index (first->pools, p);
      gboolean everywhere = pool_usable (candidate);

      for (guint i = 0; i < probes->len && everywhere; i++)
        {
          const FerryNodeProbe *probe = g_ptr_array_index (probes, i);
          const FerryPoolFacts *other;

          if (!probe->reachable)
            continue;
          other = find_pool (probe, candidate->name);
          everywhere = other != NULL && pool_usable (other) &&
                       g_strcmp0 (other->type, candidate->type) == 0 &&
                       g_strcmp0 (other->path, candidate->path) == 0 &&
                       g_strcmp0 (other->nfs_host, candidate->nfs_host) == 0 &&
                       g_strcmp0 (other->nfs_export, candidate->nfs_export) == 0;
        }
      if (!everywhere)
        continue;
      /* NFS says "shared" by itself; among equals, the first by name. */
      if (best == NULL ||
          (g_str_equal (candidate->type, "netfs") && !g_str_equal (best->type, "netfs")) ||
          (g_str_equal (candidate->type, best->type) && g_strcmp0 (candidate->name, best->name) < 0))
        best = candidate;
    }
  return best;
}

char *
ferry_cluster_pool_xml (const FerryPoolSpec  *spec,
                        GError              **error)
{
  gboolean netfs = g_strcmp0 (spec->type, "netfs") == 0;

  if (spec->name == NULL || spec->name[0] == '\0' || strlen (spec->name) > 64 ||
      strspn (spec->name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") != strlen (spec->name))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Name the pool with letters, digits, “-”, “_” and “.”."));
      return NULL;
    }
  if (!path_is_valid (spec->path))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("The pool’s path must be an absolute path."));
      return NULL;
    }
  if (netfs && (!host_is_valid (spec->nfs_host) || !path_is_valid (spec->nfs_export)))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("An NFS pool needs a server name and an exported path (/export/vms)."));
      return NULL;
    }
  if (!netfs && g_strcmp0 (spec->type, "dir") != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Shared storage is a directory or an NFS export."));
      return NULL;
    }

  return ferry_pool_xml_new (spec->name, spec->path,
                             netfs ? spec->nfs_host : NULL, netfs ? spec->nfs_export : NULL);
}

typedef struct
{
  char *name;
  char *xml;
  char *path;
} PoolData;

static void
pool_data_free (PoolData *data)
{
  g_free (data->name);
  g_free (data->xml);
  g_free (data->path);
  g_free (data);
}

static gpointer
define_pool_step (FerryNode     *node,
                  virConnectPtr  conn,
                  guint          index,
                  gpointer       user_data,
                  GCancellable  *cancellable,
                  GError       **out_error)
{
  PoolData *data = user_data;
  g_autoptr(GPtrArray) done = g_ptr_array_new ();
  g_autofree char *what = NULL;
  GError *error = NULL;
  virStoragePoolPtr pool;
  int autostart = 0;

  FERRY_ASSERT_WORKER_THREAD ();

  pool = virStoragePoolLookupByName (conn, data->name);
  if (pool != NULL)
    {
      g_autofree char *xml = virStoragePoolGetXMLDesc (pool, 0);
      g_autoptr(FerryPoolXml) desc = xml != NULL ? ferry_pool_xml_parse (xml, NULL) : NULL;
      const char *path = desc != NULL ? desc->target_path : NULL;

      if (path == NULL || g_strcmp0 (path, data->path) != 0)
        {
          g_set_error (&error, FERRY_LIBVIRT_ERROR, FERRY_LIBVIRT_ERROR_FAILED,
                       _("%s already has a pool “%s” at another path (%s)."), ferry_node_get_name (node),
                       data->name, path != NULL ? path : "?");
          goto out;
        }
    }
  else
    {
      virResetLastError ();
      if (!(pool = virStoragePoolDefineXML (conn, data->xml, 0)))
        {
          ferry_libvirt_set_error (&error, _("Could not define the pool on %s"), ferry_node_get_name (node));
          goto out;
        }
      g_ptr_array_add (done, _("defined"));
      /* Creates the directory (or the mount point) where missing. */
      if (virStoragePoolBuild (pool, 0) == 0)
        g_ptr_array_add (done, _("built"));
      virResetLastError ();
    }
  if (virStoragePoolIsActive (pool) != 1)
    {
      if (virStoragePoolCreate (pool, 0) < 0)
        {
          ferry_libvirt_set_error (&error, _("Could not start the pool on %s"), ferry_node_get_name (node));
          goto out;
        }
      g_ptr_array_add (done, _("started"));
    }
  if (virStoragePoolGetAutostart (pool, &autostart) == 0 && !autostart &&
      virStoragePoolSetAutostart (pool, 1) == 0)
    g_ptr_array_add (done, _("set to start with the host"));
  virResetLastError ();

out:
  if (pool != NULL)
    virStoragePoolFree (pool);
  if (error != NULL)
    {
      g_propagate_error (out_error, error);
      return NULL;
    }
  g_ptr_array_add (done, NULL);
  what = done->len > 1 ? g_strjoinv (", ", (char **) done->pdata) : g_strdup (_("already there"));
  return g_strdup_printf ("%s: %s", ferry_node_get_name (node), what);
}

/* Every node's line, or the first node's (in order) failure. */
static void
define_pool_done (GObject      *object,
                  GAsyncResult *res,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  /* No cancellable: it cannot fail. */
  g_autoptr(GPtrArray) answers = ferry_fanout_run_finish (res, NULL);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < answers->len; i++)
    {
      FerryFanoutResult *answer = g_ptr_array_index (answers, i);

      if (answer->value == NULL)
        {
          if (answer->error != NULL && !g_error_matches (answer->error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
            g_task_return_error (task, g_steal_pointer (&answer->error));
          else
            g_task_return_new_error (task, FERRY_LIBVIRT_ERROR, FERRY_LIBVIRT_ERROR_FAILED,
                                     _("%s did not answer in time."), ferry_node_get_name (answer->node));
          return;
        }
      g_strv_builder_add (builder, answer->value);
    }
  g_task_return_pointer (task, g_strv_builder_end (builder), (GDestroyNotify) g_strfreev);
}

void
ferry_cluster_define_pool_async (GPtrArray           *nodes,
                                 const FerryPoolSpec *spec,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  GError *error = NULL;
  PoolData *data;
  char *xml;

  g_task_set_source_tag (task, ferry_cluster_define_pool_async);
  if (!(xml = ferry_cluster_pool_xml (spec, &error)))
    {
      g_task_return_error (task, error);
      return;
    }
  data = g_new0 (PoolData, 1);
  data->name = g_strdup (spec->name);
  data->path = g_strdup (spec->path);
  data->xml = xml;
  /* Without the cancellable, like applying a CPU: a cancel drops only the report. */
  ferry_fanout_run_async (nodes, 120, define_pool_step, data, (GDestroyNotify) pool_data_free, g_free,
                          NULL, define_pool_done, g_steal_pointer (&task));
}

GStrv
ferry_cluster_define_pool_finish (GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ferry_cluster_define_pool_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Verification: marker through the first node, look on the others, delete. */

typedef struct
{
  GPtrArray   *nodes;
  char        *pool_name;
  char        *marker;
  FerrySharedResult *result;
  GStrvBuilder *missing;
  GStrvBuilder *seen;
} Verify;

static void
verify_free (Verify *v)
{
  g_ptr_array_unref (v->nodes);
  g_free (v->pool_name);
  g_free (v->marker);
  ferry_shared_result_free (v->result);
  g_strv_builder_unref (v->missing);
  g_strv_builder_unref (v->seen);
  g_free (v);
}

static void
marker_create_thread (GTask         *task,
                      FerryNode     *node,
                      virConnectPtr  conn,
                      gpointer       task_data,
                      GCancellable  *cancellable)
{
  Verify *v = task_data;
  g_autofree char *xml = NULL;
  GError *error = NULL;
  virStoragePoolPtr pool;
  virStorageVolPtr vol;

  FERRY_ASSERT_WORKER_THREAD ();

  pool = virStoragePoolLookupByName (conn, v->pool_name);
  if (pool == NULL || virStoragePoolIsActive (pool) != 1)
    {
      g_set_error (&error, FERRY_LIBVIRT_ERROR, FERRY_LIBVIRT_ERROR_FAILED,
                   _("%s has no running pool “%s”."), ferry_node_get_name (node), v->pool_name);
      goto out;
    }
  virStoragePoolRefresh (pool, 0);
  xml = ferry_volume_xml_new (v->marker, 4096, 0, "raw");
  if (!(vol = virStorageVolCreateXML (pool, xml, 0)))
    {
      ferry_libvirt_set_error (&error, _("Could not create a test volume on %s"),
                               ferry_node_get_name (node));
      goto out;
    }
  virStorageVolFree (vol);

out:
  if (pool != NULL)
    virStoragePoolFree (pool);
  virResetLastError ();
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_strdup ("created"), g_free);
}

/* @user_data: marker_names (). */
static gpointer
marker_look_step (FerryNode     *node,
                  virConnectPtr  conn,
                  guint          index,
                  gpointer       user_data,
                  GCancellable  *cancellable,
                  GError       **error)
{
  const char * const *names = user_data;
  virStoragePoolPtr pool;
  virStorageVolPtr vol;
  gboolean seen = FALSE;

  FERRY_ASSERT_WORKER_THREAD ();

  pool = virStoragePoolLookupByName (conn, names[0]);
  if (pool == NULL || virStoragePoolIsActive (pool) != 1)
    g_set_error (error, FERRY_LIBVIRT_ERROR, FERRY_LIBVIRT_ERROR_FAILED,
                 _("no running pool “%s”"), names[0]);
  else if (virStoragePoolRefresh (pool, 0) < 0)
    ferry_libvirt_set_error (error, _("could not refresh the pool"));
  else if (!(vol = virStorageVolLookupByName (pool, names[1])))
    g_set_error (error, FERRY_LIBVIRT_ERROR, FERRY_LIBVIRT_ERROR_FAILED,
                 _("the test volume is not there"));
  else
    {
      virStorageVolFree (vol);
      seen = TRUE;
    }
  if (pool != NULL)
    virStoragePoolFree (pool);
  virResetLastError ();
  return seen ? g_strdup ("seen") : NULL;
}

static void
marker_delete_thread (GTask         *task,
                      FerryNode     *node,
                      virConnectPtr  conn,
                      gpointer       task_data,
                      GCancellable  *cancellable)
{
  Verify *v = task_data;
  virStoragePoolPtr pool;
  virStorageVolPtr vol = NULL;

  FERRY_ASSERT_WORKER_THREAD ();

  pool = virStoragePoolLookupByName (conn, v->pool_name);
  if (pool != NULL && (vol = virStorageVolLookupByName (pool, v->marker)) != NULL)
    virStorageVolDelete (vol, 0);
  if (vol != NULL)
    virStorageVolFree (vol);
  if (pool != NULL)
    {
      virStoragePoolRefresh (pool, 0);
      virStoragePoolFree (pool);
    }
  virResetLastError ();
  g_task_return_pointer (task, g_strdup ("deleted"), g_free);
}

/* The others forget the deleted marker too (no stale volume in lists);
 * a node that is not connected has nothing to forget. @user_data:
 * marker_names (). */
static gpointer
marker_refresh_step (FerryNode     *node,
                     virConnectPtr  conn,
                     guint          index,
                     gpointer       user_data,
                     GCancellable  *cancellable,
                     GError       **error)
{
  const char * const *names = user_data;
  virStoragePoolPtr pool;

  FERRY_ASSERT_WORKER_THREAD ();

  if ((pool = virStoragePoolLookupByName (conn, names[0])) != NULL)
    {
      virStoragePoolRefresh (pool, 0);
      virStoragePoolFree (pool);
    }
  virResetLastError ();
  return g_strdup ("refreshed");
}

/* What the fan-out steps need: { pool, marker } (a copy: the Verify,
 * owned by the outer task, may be gone before a step that timed out). */
static char **
marker_names (Verify *v)
{
  return g_strdupv ((char *[]) { v->pool_name, v->marker, NULL });
}

/* Every node but the first, which writes the marker. */
static GPtrArray *
verify_others (Verify *v)
{
  GPtrArray *others = g_ptr_array_new ();

  for (guint i = 1; i < v->nodes->len; i++)
    g_ptr_array_add (others, g_ptr_array_index (v->nodes, i));
  return others;
}

static void
verify_refreshed (GObject      *object,
                  GAsyncResult *res,
                  gpointer      user_data)
{
  g_autoptr(GTask) outer = user_data;
  Verify *v = g_task_get_task_data (outer);
  g_autoptr(GPtrArray) ignored = ferry_fanout_run_finish (res, NULL);

  g_task_return_pointer (outer, g_steal_pointer (&v->result), (GDestroyNotify) ferry_shared_result_free);
}

static void
verify_deleted (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) outer = user_data;
  Verify *v = g_task_get_task_data (outer);
  g_autofree char *ignored = g_task_propagate_pointer (G_TASK (result), NULL);
  g_autoptr(GPtrArray) others = verify_others (v);

  /* Clean-up: it runs whether or not the check was cancelled. */
  ferry_fanout_run_async (others, 30, marker_refresh_step, marker_names (v), (GDestroyNotify) g_strfreev, g_free,
                          NULL, verify_refreshed, g_object_ref (outer));
}

static void
verify_looked (GObject      *object,
               GAsyncResult *res,
               gpointer      user_data)
{
  g_autoptr(GTask) outer = user_data;
  Verify *v = g_task_get_task_data (outer);
  FerryNode *first = g_ptr_array_index (v->nodes, 0);
  /* No cancellable: it cannot fail. */
  g_autoptr(GPtrArray) answers = ferry_fanout_run_finish (res, NULL);
  g_autoptr(GTask) step = NULL;

  for (guint i = 0; i < answers->len; i++)
    {
      FerryFanoutResult *answer = g_ptr_array_index (answers, i);
      const char *name = ferry_node_get_name (answer->node);

      if (answer->value != NULL)
        g_strv_builder_add (v->seen, name);
      else
        {
          g_autofree char *why = g_strdup_printf ("%s (%s)", name,
                                                  _ferry_cluster_unanswered_message (answer, _("it did not answer in time")));

          g_strv_builder_add (v->missing, why);
        }
    }
  v->result->missing = g_strv_builder_end (v->missing);
  v->result->seen = g_strv_builder_end (v->seen);
  v->result->shared = v->result->missing[0] == NULL;

  step = g_task_new (first, NULL, verify_deleted, g_object_ref (outer));
  g_task_set_task_data (step, v, NULL);
  _ferry_node_run_with_connection (first, step, marker_delete_thread);
}

static void
verify_created (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) outer = user_data;
  Verify *v = g_task_get_task_data (outer);
  g_autoptr(GPtrArray) others = NULL;
  g_autofree char *created = NULL;
  GError *error = NULL;

  if (!(created = g_task_propagate_pointer (G_TASK (result), &error)))
    {
      g_task_return_error (outer, error);
      return;
    }
  /* Without the cancellable: the marker is deleted after every look, and
   * a cancel drops only the report (@outer has the cancellable). */
  others = verify_others (v);
  ferry_fanout_run_async (others, 60, marker_look_step, marker_names (v), (GDestroyNotify) g_strfreev, g_free,
                          NULL, verify_looked, g_object_ref (outer));
}

void
ferry_cluster_verify_shared_async (GPtrArray           *nodes,
                                   const char          *pool_name,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_autofree char *random = g_uuid_string_random ();
  g_autoptr(GTask) step = NULL;
  Verify *v;

  g_task_set_source_tag (task, ferry_cluster_verify_shared_async);
  if (nodes->len < 2)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("Shared storage needs at least two nodes to compare."));
      return;
    }
  v = g_new0 (Verify, 1);
  v->nodes = g_ptr_array_ref (nodes);
  v->pool_name = g_strdup (pool_name);
  v->marker = g_strdup_printf ("ferry-cl-marker-%.8s.raw", random);
  v->result = g_new0 (FerrySharedResult, 1);
  v->result->written_by = g_strdup (ferry_node_get_name (g_ptr_array_index (nodes, 0)));
  v->missing = g_strv_builder_new ();
  v->seen = g_strv_builder_new ();
  g_task_set_task_data (task, v, (GDestroyNotify) verify_free);

  step = g_task_new (g_ptr_array_index (nodes, 0), cancellable, verify_created, g_object_ref (task));
  g_task_set_task_data (step, v, NULL);
  _ferry_node_run_with_connection (g_ptr_array_index (nodes, 0), step, marker_create_thread);
}

FerrySharedResult *
ferry_cluster_verify_shared_finish (GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ferry_cluster_verify_shared_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
