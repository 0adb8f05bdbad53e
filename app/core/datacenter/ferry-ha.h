/* ferry-ha.h — high availability: the per-VM flag, saved definitions, leases
 *
 * The "highly available" flag lives in the domain's own XML, in
 * <metadata> under Ferry's namespace, so it travels with the VM (migration
 * with a persistent destination keeps it) and every Ferry instance sees it:
 *
 *   <metadata>
 *     <ferry:ha xmlns:ferry="https://ferryvm.github.io/xmlns/ha/1.0" enabled="yes"/>
 *   </metadata>
 *
 * The pure helpers (parsing, classification) are unit-tested; the async
 * calls run their libvirt calls on the nodes' worker threads.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-node.h"
#include "ferry-vm.h"

G_BEGIN_DECLS

#define FERRY_HA_XMLNS        "https://ferryvm.github.io/xmlns/ha/1.0"
#define FERRY_HA_XMLNS_PREFIX "ferry"

#define FERRY_HA_ERROR (ferry_ha_error_quark ())

typedef enum
{
  FERRY_HA_ERROR_FAILED,
  FERRY_HA_ERROR_NOT_SHARED,      /* a disk is not visible to every node */
  FERRY_HA_ERROR_NO_PEERS,        /* no other connected node to check with */
  FERRY_HA_ERROR_NOT_PERSISTENT,
  FERRY_HA_ERROR_NOT_FENCED,
  FERRY_HA_ERROR_NO_DEFINITION,   /* no saved XML to redefine it from */
  FERRY_HA_ERROR_NO_PLACE,
  FERRY_HA_ERROR_RUNNING,         /* it runs somewhere: never start it twice */
} FerryHaError;

GQuark      ferry_ha_error_quark (void);

/* One disk of a domain, as far as sharing is concerned. */
typedef struct
{
  char *target;    /* "vda" */
  char *type;      /* file, block, network, volume, ... */
  char *path;      /* file/block: the path; volume: "pool/volume"; else NULL */
} FerryHaDisk;

void        ferry_ha_disk_free            (FerryHaDisk *disk);

/* Pure: the disks of @domain_xml that a start opens (CD-ROMs and floppies
 * without media are left out). Element type FerryHaDisk. */
GPtrArray  *ferry_ha_list_disks           (const char  *domain_xml,
                                           GError     **error);
/* Pure: whether the flag is set in a domain's XML, or in the element
 * virDomainGetMetadata returns (@xml may be either). */
gboolean    ferry_ha_xml_is_enabled       (const char  *xml);
/* The element Ferry stores (for virDomainSetMetadata). */
const char *ferry_ha_metadata_element     (void);

/* Pure: who refused the second start of a disk, from libvirt's error.
 * FERRY_HA_REFUSED_BY_LEASE: libvirt's lock manager (virtlockd, sanlock);
 * FERRY_HA_REFUSED_BY_QEMU: QEMU's own image locking only. */
typedef enum
{
  FERRY_HA_REFUSED_OTHER,
  FERRY_HA_REFUSED_BY_LEASE,
  FERRY_HA_REFUSED_BY_QEMU,
} FerryHaRefusal;

FerryHaRefusal ferry_ha_classify_refusal  (int          libvirt_code,
                                           const char  *message);

/* The saved persistent definitions: $XDG_DATA_HOME/ferry/ha/<uuid>.xml,
 * mode 0600 (they hold the VM's secure XML, e.g. a VNC password). */
char       *ferry_ha_cache_dir            (void);
gboolean    ferry_ha_cache_save           (const char  *uuid,
                                           const char  *xml,
                                           GError     **error);
char       *ferry_ha_cache_load           (const char  *uuid,
                                           GError     **error);
void        ferry_ha_cache_remove         (const char  *uuid);
/* The UUIDs with a saved definition. */
GStrv       ferry_ha_cache_list           (void);
/* Saves (@xml) or removes (@xml NULL) a definition on the store's writer
 * thread, in order, without blocking; load and list see it at once. */
void        ferry_ha_cache_queue          (const char  *uuid,
                                           const char  *xml);
/* Waits until every queued change is on disk (tests, shutdown). */
void        ferry_ha_cache_flush          (void);

/* Sets or clears the flag of @vm on its node (config, and live when it
 * runs). Enabling first checks that every disk is on storage each of
 * @peers (connected nodes other than the VM's own; at least one) sees at
 * the same path, and fails with FERRY_HA_ERROR_NOT_SHARED naming the disk
 * and the node otherwise. On success *@persistent_xml (may be NULL) is the
 * VM's persistent definition after the change, to be saved. */
void        ferry_ha_set_enabled_async    (FerryVm              *vm,
                                           gboolean              enabled,
                                           GPtrArray            *peers,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
gboolean    ferry_ha_set_enabled_finish   (FerryVm              *vm,
                                           GAsyncResult         *result,
                                           char                **persistent_xml,
                                           GError              **error);

/* Reads the flag from the VM's node (one call). When it is set,
 * *@persistent_xml (may be NULL) is the definition to save. */
void        ferry_ha_get_enabled_async    (FerryVm              *vm,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
gboolean    ferry_ha_get_enabled_finish   (FerryVm              *vm,
                                           GAsyncResult         *result,
                                           gboolean             *enabled,
                                           char                **persistent_xml,
                                           GError              **error);

/* The lockspace Ferry expects libvirt's lockd to use on shared storage:
 * file_lockspace_dir = "<shared pool>/.lockspace" in qemu-lockd.conf. */
#define FERRY_HA_LOCKSPACE_NAME ".lockspace"

/* Verifies disk leases: starts a throwaway guest on a new volume in the
 * pool at @shared_dir on the first node of @nodes, then a second guest on
 * the same disk on the second node (it may be the first one again, which
 * checks the lock manager but not its reach across hosts): that must be
 * refused. QEMU opens the disk before libvirt takes leases, so QEMU's own
 * image locking, where it works, refuses first; so a third guest on the
 * second node, without the disk but asking for its lease (lockspace
 * @shared_dir/.lockspace, see FERRY_HA_LOCKSPACE_NAME), must be refused by
 * the lock manager. Cleans up all of them. Returns TRUE only when the lock
 * manager refused; FALSE otherwise, with what refused what (or did not) in
 * @explanation. @error is for a check that could not run at all (no pool
 * at @shared_dir, the first start failed). */
void        ferry_ha_verify_leases_async  (GPtrArray            *nodes,
                                           const char           *shared_dir,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
gboolean    ferry_ha_verify_leases_finish (GAsyncResult         *result,
                                           char                **explanation,
                                           GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FerryHaDisk, ferry_ha_disk_free)

G_END_DECLS
