/* ferry-domain-xml-edit.h — the domain edits libvirt-gconfig cannot make
 *
 * Ferry changes domain descriptions with libvirt-gconfig's setters (on a
 * FerryDomainXml's GVirConfigDomain). A few edits have no setter in
 * libvirt-gconfig 4.0, or only one that rebuilds the element from scratch
 * and so drops attributes a user may have set (<vcpu cpuset=…>, <memory
 * dumpCore=…>). Those are described here and applied last, to the XML the
 * setters wrote: ferry-domain-xml-edit.c says which gap each one fills.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-domain-xml.h"

G_BEGIN_DECLS

/* libvirt-gconfig 4.0 declares no cleanup functions of its own; these are
 * the ones ferry-domain-xml.h does not define. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GVirConfigDomainChardevSourcePty, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GVirConfigDomainClock, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GVirConfigDomainConsole, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GVirConfigDomainDisk, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GVirConfigDomainDiskDriver, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GVirConfigDomainGraphicsVnc, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GVirConfigDomainInput, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GVirConfigDomainInterface, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GVirConfigDomainSerial, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GVirConfigDomainVideo, g_object_unref)

/* Every field has a "leave it" value; a zeroed struct changes nothing. */
typedef struct
{
  guint    vcpus;              /* <vcpu>N</vcpu>; 0: leave <vcpu> alone */
  guint    current_vcpus;      /* with @vcpus: <vcpu current=…> when below
                                * @vcpus, no current= otherwise */
  guint64  memory_kib;         /* <memory unit='KiB'>; 0: leave it */
  gboolean drop_cpu_match;     /* <cpu> loses match= and check= */
  gboolean drop_device_boot;   /* every device loses its <boot order=…/> */
} FerryDomainXmlEdit;

/* @xml (a <domain>, as libvirt-gconfig wrote it) with @edit applied; the
 * attributes and children it does not name stay as they were. A clear
 * G_IO_ERROR_INVALID_DATA when @xml is not a domain. */
char *ferry_domain_xml_edit_apply (const char                *xml,
                                   const FerryDomainXmlEdit  *edit,
                                   GError                   **error);

/* Throwaway guests for checks (TCG, 32 MiB, nothing to boot): one with
 * @disk_path as its raw virtio disk, and one without disks that holds the
 * lease @key in @lockspace for @target_path (what libvirt's lock manager
 * takes for a disk). */
char *ferry_domain_xml_new_disk_holder  (const char *name,
                                         const char *disk_path);
char *ferry_domain_xml_new_lease_holder (const char *name,
                                         const char *lockspace,
                                         const char *key,
                                         const char *target_path);

G_END_DECLS
