/* ferry-libvirt.h — small helpers around libvirt used by worker threads
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <libvirt/libvirt.h>

#include "ferry-vm-info.h"

G_BEGIN_DECLS

#define FERRY_LIBVIRT_ERROR (ferry_libvirt_error_quark ())

typedef enum
{
  FERRY_LIBVIRT_ERROR_FAILED,
  FERRY_LIBVIRT_ERROR_NOT_CONNECTED,
  FERRY_LIBVIRT_ERROR_AUTH,
  FERRY_LIBVIRT_ERROR_NO_DOMAIN,
  FERRY_LIBVIRT_ERROR_CONNECTION_LOST,
  FERRY_LIBVIRT_ERROR_PARTIAL,
} FerryLibvirtError;

GQuark        ferry_libvirt_error_quark (void);

/* Sets @error from libvirt's last error on this thread, prefixed with
 * @what when given ("Could not start “web”: <libvirt's message>"). */
void          ferry_libvirt_set_error   (GError     **error,
                                         const char  *what,
                                         ...) G_GNUC_PRINTF (2, 3);

FerryVmInfo  *ferry_libvirt_domain_info (virDomainPtr  domain,
                                         GError      **error);
GPtrArray    *ferry_libvirt_list_domains (virConnectPtr  conn,
                                          GError       **error);

/* The active storage pool on @conn whose target directory is @dir (a new
 * reference), or NULL. */
virStoragePoolPtr ferry_libvirt_find_pool_by_dir (virConnectPtr  conn,
                                                  const char    *dir);

/* virStorageVolLookupByPath, but a volume another host created in a shared
 * pool (unknown to this host until its pool is refreshed) is found too. */
virStorageVolPtr  ferry_libvirt_lookup_volume   (virConnectPtr  conn,
                                                 const char    *path);

G_END_DECLS
