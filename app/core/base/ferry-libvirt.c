/* ferry-libvirt.c — small helpers around libvirt used by worker threads
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */


#include "config.h"

#include <glib/gi18n-lib.h>
#include <libvirt/virterror.h>

#include "ferry-core.h"
#include "ferry-host-xml.h"
#include "ferry-libvirt.h"

G_DEFINE_QUARK (ferry-libvirt-error-quark, ferry_libvirt_error)

static FerryLibvirtError
code_from_libvirt (int code)
{
  switch (code)
    {
    case VIR_ERR_AUTH_FAILED:
    case VIR_ERR_AUTH_CANCELLED:
    case VIR_ERR_AUTH_UNAVAILABLE:
      return FERRY_LIBVIRT_ERROR_AUTH;
    case VIR_ERR_NO_DOMAIN:
      return FERRY_LIBVIRT_ERROR_NO_DOMAIN;
    case VIR_ERR_NO_CONNECT:
    case VIR_ERR_INVALID_CONN:
      return FERRY_LIBVIRT_ERROR_CONNECTION_LOST;
    case VIR_ERR_SYSTEM_ERROR:
    case VIR_ERR_RPC:
      return FERRY_LIBVIRT_ERROR_CONNECTION_LOST;
    default:
      return FERRY_LIBVIRT_ERROR_FAILED;
    }
}

void
ferry_libvirt_set_error (GError     **error,
                         const char  *what,
                         ...)
{
  virErrorPtr last = virGetLastError ();
  const char *message = last && last->message ? last->message : _("unknown libvirt error");
  FerryLibvirtError code = last ? code_from_libvirt (last->code) : FERRY_LIBVIRT_ERROR_FAILED;

  if (what != NULL)
    {
      g_autofree char *prefix = NULL;
      va_list args;

      va_start (args, what);
      prefix = g_strdup_vprintf (what, args);
      va_end (args);
      g_set_error (error, FERRY_LIBVIRT_ERROR, code, "%s: %s", prefix, message);
    }
  else
    {
      g_set_error_literal (error, FERRY_LIBVIRT_ERROR, code, message);
    }
  virResetLastError ();
}

FerryVmInfo *
ferry_libvirt_domain_info (virDomainPtr   domain,
                           GError       **error)
{
  char uuid[VIR_UUID_STRING_BUFLEN];
  virDomainInfo dinfo;
  int state = 0;
  int reason = 0;
  int persistent;
  g_autoptr(FerryVmInfo) info = NULL;

  FERRY_ASSERT_WORKER_THREAD ();

  if (virDomainGetUUIDString (domain, uuid) < 0 ||
      virDomainGetInfo (domain, &dinfo) < 0 ||
      virDomainGetState (domain, &state, &reason, 0) < 0 ||
      (persistent = virDomainIsPersistent (domain)) < 0)
    {
      ferry_libvirt_set_error (error, NULL);
      return NULL;
    }

  info = ferry_vm_info_new (uuid);
  info->name = g_strdup (virDomainGetName (domain));
  info->state = ferry_vm_state_from_libvirt (state);
  info->reason = reason;
  info->vcpus = dinfo.nrVirtCpu;
  info->memory = (guint64) dinfo.memory * 1024;
  info->max_memory = (guint64) dinfo.maxMem * 1024;
  info->persistent = persistent == 1;
  return g_steal_pointer (&info);
}

static void
free_domains (virDomainPtr *domains,
              int           n)
{
  for (int i = 0; i < n; i++)
    virDomainFree (domains[i]);
  free (domains);
}

/* One bulk stats call gives state, balloon and vCPUs of every domain; only
 * drivers that leave fields out (the test driver) cost a call per domain. */
GPtrArray *
ferry_libvirt_list_domains (virConnectPtr   conn,
                            GError        **error)
{
  g_autoptr(GPtrArray) infos = g_ptr_array_new_with_free_func ((GDestroyNotify) ferry_vm_info_free);
  g_autoptr(GHashTable) persistent = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  virDomainPtr *domains = NULL;
  virDomainStatsRecordPtr *records = NULL;
  int n_domains;
  int n_records;

  FERRY_ASSERT_WORKER_THREAD ();

  n_domains = virConnectListAllDomains (conn, &domains, VIR_CONNECT_LIST_DOMAINS_PERSISTENT);
  if (n_domains < 0)
    {
      ferry_libvirt_set_error (error, _("Could not list the virtual machines"));
      return NULL;
    }
  for (int i = 0; i < n_domains; i++)
    {
      char uuid[VIR_UUID_STRING_BUFLEN];

      if (virDomainGetUUIDString (domains[i], uuid) == 0)
        g_hash_table_add (persistent, g_strdup (uuid));
    }
  free_domains (domains, n_domains);

  n_records = virConnectGetAllDomainStats (conn,
                                           VIR_DOMAIN_STATS_STATE |
                                           VIR_DOMAIN_STATS_BALLOON |
                                           VIR_DOMAIN_STATS_VCPU,
                                           &records, 0);
  if (n_records < 0)
    {
      /* Drivers without bulk stats: list, then ask each domain. */
      virResetLastError ();
      n_domains = virConnectListAllDomains (conn, &domains, 0);
      if (n_domains < 0)
        {
          ferry_libvirt_set_error (error, _("Could not list the virtual machines"));
          return NULL;
        }
      for (int i = 0; i < n_domains; i++)
        {
          g_autoptr(GError) local_error = NULL;
          FerryVmInfo *info = ferry_libvirt_domain_info (domains[i], &local_error);

          /* A domain may vanish between the list and the query. */
          if (info != NULL)
            g_ptr_array_add (infos, info);
        }
      free_domains (domains, n_domains);
      return g_steal_pointer (&infos);
    }

  for (int i = 0; i < n_records; i++)
    {
      virDomainStatsRecordPtr r = records[i];
      char uuid[VIR_UUID_STRING_BUFLEN];
      unsigned long long balloon_cur = 0, balloon_max = 0;
      unsigned int vcpus = 0;
      int state = 0, reason = 0;
      FerryVmInfo *info;

      if (virDomainGetUUIDString (r->dom, uuid) < 0)
        continue;

      if (virTypedParamsGetULLong (r->params, r->nparams, "balloon.maximum", &balloon_max) != 1 ||
          virTypedParamsGetUInt (r->params, r->nparams, "vcpu.current", &vcpus) != 1)
        {
          g_autoptr(GError) local_error = NULL;

          info = ferry_libvirt_domain_info (r->dom, &local_error);
          if (info != NULL)
            g_ptr_array_add (infos, info);
          continue;
        }

      virTypedParamsGetInt (r->params, r->nparams, "state.state", &state);
      virTypedParamsGetInt (r->params, r->nparams, "state.reason", &reason);
      if (virTypedParamsGetULLong (r->params, r->nparams, "balloon.current", &balloon_cur) != 1)
        balloon_cur = balloon_max;

      info = ferry_vm_info_new (uuid);
      info->name = g_strdup (virDomainGetName (r->dom));
      info->state = ferry_vm_state_from_libvirt (state);
      info->reason = reason;
      info->vcpus = vcpus;
      info->memory = (guint64) balloon_cur * 1024;
      info->max_memory = (guint64) balloon_max * 1024;
      info->persistent = g_hash_table_contains (persistent, uuid);
      g_ptr_array_add (infos, info);
    }
  virDomainStatsRecordListFree (records);

  return g_steal_pointer (&infos);
}

virStoragePoolPtr
ferry_libvirt_find_pool_by_dir (virConnectPtr  conn,
                                const char    *dir)
{
  virStoragePoolPtr *pools = NULL;
  virStoragePoolPtr found = NULL;
  int n;

  n = virConnectListAllStoragePools (conn, &pools, VIR_CONNECT_LIST_STORAGE_POOLS_ACTIVE);
  for (int i = 0; i < n; i++)
    {
      g_autofree char *xml = found == NULL ? virStoragePoolGetXMLDesc (pools[i], 0) : NULL;
      g_autoptr(FerryPoolXml) desc = xml != NULL ? ferry_pool_xml_parse (xml, NULL) : NULL;

      if (desc != NULL && desc->target_path != NULL && g_strcmp0 (desc->target_path, dir) == 0)
        found = pools[i];
      else
        virStoragePoolFree (pools[i]);
    }
  free (pools);
  virResetLastError ();
  return found;
}

virStorageVolPtr
ferry_libvirt_lookup_volume (virConnectPtr  conn,
                             const char    *path)
{
  virStorageVolPtr vol;
  virStoragePoolPtr pool;
  g_autofree char *dir = NULL;

  if ((vol = virStorageVolLookupByPath (conn, path)) != NULL)
    return vol;

  dir = g_path_get_dirname (path);
  pool = ferry_libvirt_find_pool_by_dir (conn, dir);
  if (pool == NULL)
    return NULL;
  if (virStoragePoolRefresh (pool, 0) == 0)
    vol = virStorageVolLookupByPath (conn, path);
  virStoragePoolFree (pool);
  if (vol != NULL)
    virResetLastError ();
  return vol;
}
