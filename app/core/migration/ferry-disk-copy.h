/* ferry-disk-copy.h — copying a shut-off VM's disks to another host
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <libvirt/libvirt.h>

G_BEGIN_DECLS

/* Blocking (a thread of the caller's): copies the writable file disks of
 * @domain (on @sconn) into the pools of the same directories on @dconn.
 * FALSE with @error naming the disk when one cannot be copied; a disk
 * that failed is removed from the destination again. */
gboolean _ferry_disk_copy_offline (virConnectPtr   sconn,
                                   virConnectPtr   dconn,
                                   virDomainPtr    domain,
                                   const char     *vm_name,
                                   GError        **error);

G_END_DECLS
