/* ferry-host-resources.h — what a node offers to new VMs
 *
 * Storage pools and their volumes, networks, host bridges and what the
 * hypervisor can do, read on a worker thread: plain data for the "New
 * Virtual Machine" dialog and for ferry_vm_spec_validate ().
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-node.h"

G_BEGIN_DECLS

typedef struct
{
  char     *name;
  char     *path;
  char     *format;       /* "qcow2", "raw", "iso"…, or NULL */
  guint64   capacity;     /* bytes */
  guint64   allocation;   /* bytes */
  gboolean  is_iso;       /* an installation image */
} FerryHostVolume;

typedef struct
{
  char      *name;
  char      *type;        /* "dir", "fs", "logical"… */
  char      *path;        /* target path */
  gboolean   active;
  guint64    capacity;    /* bytes */
  guint64    allocation;
  guint64    available;
  GPtrArray *volumes;     /* FerryHostVolume; empty while inactive */
} FerryHostPool;

typedef struct
{
  char     *name;
  gboolean  active;
  char     *bridge;       /* or NULL */
  char     *forward_mode; /* "nat", "route", "bridge"…; NULL: isolated */
} FerryHostNetwork;

typedef struct
{
  GPtrArray  *pools;          /* FerryHostPool */
  GPtrArray  *networks;       /* FerryHostNetwork */
  GStrv       bridges;        /* host bridges; NULL when the host cannot list them (no netcf/udev backend) */

  /* From the domain capabilities; has_domain_caps is FALSE when the
   * driver has none (the test driver) and the rest is then unknown. */
  gboolean    has_domain_caps;
  char       *virttype;       /* "kvm" when available, else "qemu" */
  char       *arch;           /* "x86_64" */
  char       *machine;        /* the default machine type */
  guint       max_vcpus;      /* 0 when unknown */
  gboolean    uefi;
  GStrv       loaders;        /* firmware paths (OVMF…), never NULL */

  /*< private >*/
  gatomicrefcount ref_count;
} FerryHostResources;

#define FERRY_TYPE_HOST_RESOURCES (ferry_host_resources_get_type ())

GType               ferry_host_resources_get_type (void) G_GNUC_CONST;
/* Empty; for building resources by hand (tests, offline validation). */
FerryHostResources *ferry_host_resources_new      (void);
FerryHostResources *ferry_host_resources_ref      (FerryHostResources *res);
void                ferry_host_resources_unref    (FerryHostResources *res);

FerryHostPool      *ferry_host_pool_new           (const char         *name);
void                ferry_host_pool_free          (FerryHostPool      *pool);
FerryHostVolume    *ferry_host_volume_new         (const char         *name,
                                                   const char         *path,
                                                   const char         *format);
void                ferry_host_volume_free        (FerryHostVolume    *volume);
FerryHostNetwork   *ferry_host_network_new        (const char         *name);
void                ferry_host_network_free       (FerryHostNetwork   *network);

const FerryHostPool    *ferry_host_resources_find_pool           (const FerryHostResources *res,
                                                                  const char               *name);
const FerryHostNetwork *ferry_host_resources_find_network        (const FerryHostResources *res,
                                                                  const char               *name);
/* The volume with that path in any pool, and its pool when @pool is given. */
const FerryHostVolume  *ferry_host_resources_find_volume_by_path (const FerryHostResources *res,
                                                                  const char               *path,
                                                                  const FerryHostPool     **pool);
const FerryHostVolume  *ferry_host_pool_find_volume              (const FerryHostPool      *pool,
                                                                  const char               *name);

void                ferry_node_get_resources_async  (FerryNode            *node,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
FerryHostResources *ferry_node_get_resources_finish (FerryNode            *node,
                                                     GAsyncResult         *result,
                                                     GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FerryHostResources, ferry_host_resources_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FerryHostPool, ferry_host_pool_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FerryHostVolume, ferry_host_volume_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FerryHostNetwork, ferry_host_network_free)

G_END_DECLS
