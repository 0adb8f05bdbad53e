/* ferry-vm-details.h — everything the VM page shows about one VM
 *
 * A snapshot read from the domain's XML on a worker thread: plain data,
 * no libvirt objects, safe to hand to the main thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-vm.h"

G_BEGIN_DECLS

typedef struct
{
  char     *target;       /* "vda" */
  char     *bus;          /* "virtio", "sata"… */
  char     *device;       /* "disk", "cdrom", "floppy", "lun" */
  char     *source;       /* file or block device path; NULL if empty or none */
  char     *pool;         /* type='volume' only */
  char     *volume;       /* type='volume' only */
  char     *format;       /* driver type: "qcow2", "raw"… */
  guint64   capacity;     /* bytes, when the source is a storage volume of the node; else 0 */
  gboolean  readonly;
} FerryVmDisk;

typedef struct
{
  char *type;             /* "network", "bridge", "direct", "user"… */
  char *source;           /* network, bridge or host device name; NULL for user */
  char *mac;
  char *model;            /* "virtio", "e1000"… */
} FerryVmNic;

typedef struct
{
  char     *type;         /* "vnc", "spice" */
  char     *listen;       /* address, or NULL */
  int       port;         /* > 0 only while the VM runs */
  gboolean  autoport;
  char     *socket;       /* UNIX socket path, or NULL */
} FerryVmGraphics;

typedef struct
{
  char       *uuid;
  char       *name;
  char       *title;          /* NULL when unset */
  char       *description;
  char       *os_type;        /* "hvm" */
  char       *arch;           /* "x86_64" */
  char       *machine;        /* "pc-q35-7.2" */
  char       *firmware;       /* "bios" or "efi" */
  char       *cpu_mode;       /* "host-model", "host-passthrough", "custom" or NULL (hypervisor default) */
  char       *cpu_model;      /* for "custom", or NULL */
  guint       vcpus;          /* current */
  guint       max_vcpus;
  guint64     memory;         /* bytes, current */
  guint64     max_memory;     /* bytes */
  gboolean    active;         /* read from the live XML */
  gboolean    persistent;
  gboolean    autostart;
  GStrv       boot_order;     /* "hd", "cdrom", "network" (also "fd"), never NULL */
  GPtrArray  *disks;          /* FerryVmDisk */
  GPtrArray  *nics;           /* FerryVmNic */
  GPtrArray  *graphics;       /* FerryVmGraphics */

  /*< private >*/
  gatomicrefcount ref_count;
} FerryVmDetails;

#define FERRY_TYPE_VM_DETAILS (ferry_vm_details_get_type ())

GType           ferry_vm_details_get_type   (void) G_GNUC_CONST;
FerryVmDetails *ferry_vm_details_ref        (FerryVmDetails  *details);
void            ferry_vm_details_unref      (FerryVmDetails  *details);

/* Reads a domain XML (pure: no libvirt). active/persistent/autostart and
 * disk capacities are not in the XML and stay FALSE/0; the port of a
 * graphics device is kept only if the XML has a domain id (a live XML). */
FerryVmDetails *ferry_vm_details_parse      (const char      *xml,
                                             GError         **error);

const FerryVmDisk *ferry_vm_details_find_disk (const FerryVmDetails *details,
                                               const char           *target);

void            ferry_vm_get_details_async  (FerryVm              *vm,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
FerryVmDetails *ferry_vm_get_details_finish (FerryVm              *vm,
                                             GAsyncResult         *result,
                                             GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FerryVmDetails, ferry_vm_details_unref)

G_END_DECLS
