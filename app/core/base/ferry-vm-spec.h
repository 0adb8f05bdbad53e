/* ferry-vm-spec.h — what a new VM should be, and creating it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-host-resources.h"
#include "ferry-node.h"

G_BEGIN_DECLS

#define FERRY_VM_SPEC_ERROR (ferry_vm_spec_error_quark ())

/* One code per field of the "New Virtual Machine" form (and of the VM
 * editor), so that the UI can mark the field at fault. */
typedef enum
{
  FERRY_VM_SPEC_ERROR_NAME,
  FERRY_VM_SPEC_ERROR_NAME_CLASH,
  FERRY_VM_SPEC_ERROR_VCPUS,
  FERRY_VM_SPEC_ERROR_MEMORY,
  FERRY_VM_SPEC_ERROR_DISK,
  FERRY_VM_SPEC_ERROR_POOL,
  FERRY_VM_SPEC_ERROR_NETWORK,
  FERRY_VM_SPEC_ERROR_FIRMWARE,
  FERRY_VM_SPEC_ERROR_ISO,
  FERRY_VM_SPEC_ERROR_VIRTTYPE,
  FERRY_VM_SPEC_ERROR_CPU,
  FERRY_VM_SPEC_ERROR_BOOT,
} FerryVmSpecError;

#define FERRY_VM_SPEC_MIN_MEMORY (32 * G_GUINT64_CONSTANT (1024) * 1024)

typedef struct
{
  char     *name;
  guint     vcpus;
  guint64   memory;             /* bytes */
  char     *install_iso;        /* path of an ISO volume to install from, or NULL */
  char     *import_disk;        /* path of an existing volume to boot from, or NULL */
  char     *new_disk_pool;      /* pool for a new disk NAME.qcow2 (NAME.img when raw) */
  guint64   new_disk_size;      /* bytes; 0: no new disk */
  char     *new_disk_format;    /* "qcow2" or "raw"; also the format of an imported
                                 * disk when its volume does not tell */
  char     *network_type;       /* "network", "bridge" or NULL for no network */
  char     *network_source;     /* the network's or the bridge's name */
  char     *firmware;           /* "bios" or "efi" */
  char     *virttype;           /* "kvm" or "qemu" (TCG) */
  gboolean  start_after_create;
  char     *cpu_xml;            /* a cluster's baseline <cpu>, or NULL for the default */
} FerryVmSpec;

GQuark       ferry_vm_spec_error_quark (void);

/* 1 vCPU, 1 GiB, qcow2, BIOS, KVM, no disk, no network. */
FerryVmSpec *ferry_vm_spec_new         (void);
FerryVmSpec *ferry_vm_spec_copy        (const FerryVmSpec        *spec);
void         ferry_vm_spec_free        (FerryVmSpec              *spec);

/* libvirt's rules for a domain name as Ferry applies them: 1–64 of
 * [A-Za-z0-9._+-], not starting with '-' or '.'. */
gboolean     ferry_vm_name_validate    (const char               *name,
                                        GError                  **error);

/* Checks the spec against the node's resources (when known), the VMs
 * already on the node (a GListModel of FerryVm, when known) and the
 * host's memory in bytes (0: unknown). Errors name the field, in the
 * FERRY_VM_SPEC_ERROR domain. */
gboolean     ferry_vm_spec_validate    (const FerryVmSpec        *spec,
                                        const FerryHostResources *res,
                                        GListModel               *existing_vms_on_node,
                                        guint64                   host_memory,
                                        GError                  **error);

/* The libvirt domain XML for @spec whose disk (the new volume or the
 * imported one) is at @disk_path (NULL when the VM has no disk). */
char        *ferry_vm_spec_to_xml      (const FerryVmSpec        *spec,
                                        const char               *disk_path,
                                        GError                  **error);

/* Creates the new disk, defines the domain and starts it when asked; on
 * failure removes what it made. Returns the new domain's UUID. */
void         ferry_node_create_vm_async  (FerryNode            *node,
                                          const FerryVmSpec    *spec,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
char        *ferry_node_create_vm_finish (FerryNode            *node,
                                          GAsyncResult         *result,
                                          GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FerryVmSpec, ferry_vm_spec_free)

G_END_DECLS
