/* ferry-host-xml.h — what a host says about itself: capabilities, domain
 * capabilities, storage pools and volumes, networks, host interfaces, and
 * CPU definitions
 *
 * The one place where Ferry reads these documents (domains are
 * ferry-domain-xml.h's) and makes the two edits it needs on them: a
 * network definition to copy to another host, and a CPU definition that
 * keeps a VM's own topology.
 *
 * Each reader parses a document once into a plain struct of owned
 * values, freed with its _free function (g_autoptr works). Text values
 * are NULL when the element or attribute is absent or empty. A document
 * that is not XML, has another root element or carries a DTD (libvirt
 * never sends one) gives NULL and G_IO_ERROR_INVALID_DATA: whatever a host
 * sends is untrusted, and values newer than this libvirt-gconfig are read
 * as they are, without a warning.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* ------------------------------------------------------ capabilities */

typedef struct
{
  char  *os_type;         /* "hvm" */
  char  *arch;            /* "x86_64" */
  GStrv  domain_types;    /* "qemu", "kvm"…, in document order; never NULL */
} FerryCapsGuest;

/* virConnectGetCapabilities () */
typedef struct
{
  char      *host_uuid;
  char      *host_arch;   /* the host CPU's */
  GPtrArray *guests;      /* FerryCapsGuest, in document order */
} FerryCapsXml;

FerryCapsXml *ferry_caps_xml_parse           (const char          *xml,
                                              GError             **error);
void          ferry_caps_xml_free            (FerryCapsXml        *caps);
/* Whether a guest of architecture @arch can run as a @type ("kvm") domain. */
gboolean      ferry_caps_xml_has_domain_type (const FerryCapsXml  *caps,
                                              const char          *arch,
                                              const char          *type);

/* ----------------------------------------------- domain capabilities */

/* virConnectGetDomainCapabilities () */
typedef struct
{
  char     *domain;         /* the virtualization type: "kvm", "qemu" */
  char     *arch;
  char     *machine;        /* the machine type it describes (the default one) */
  guint     max_vcpus;      /* 0 when unknown */
  GStrv     firmwares;      /* <os><enum name='firmware'>: "efi", "bios"; never NULL */
  GStrv     loaders;        /* firmware paths (OVMF…); never NULL */
  GStrv     usable_models;  /* CPU models of mode 'custom' marked usable; never NULL */
  /* The host-model CPU as a <cpu mode='custom' match='exact'> definition,
   * for virConnectBaselineHypervisorCPU (what `virsh
   * hypervisor-cpu-baseline` makes of a domcapabilities file); NULL when
   * host-model is unsupported or names no model. */
  char     *host_cpu_xml;
} FerryDomcapsXml;

FerryDomcapsXml *ferry_domcaps_xml_parse (const char       *xml,
                                          GError          **error);
void             ferry_domcaps_xml_free  (FerryDomcapsXml  *domcaps);

/* ------------------------------------------------------------- pools */

/* virStoragePoolGetXMLDesc () */
typedef struct
{
  char *name;
  char *type;             /* "dir", "fs", "netfs", "logical"… */
  char *target_path;
  char *source_host;      /* netfs, iscsi…: the server */
  char *source_dir;       /* netfs: the exported directory */
} FerryPoolXml;

FerryPoolXml *ferry_pool_xml_parse (const char    *xml,
                                    GError       **error);
void          ferry_pool_xml_free  (FerryPoolXml  *pool);

/* ----------------------------------------------------------- volumes */

/* virStorageVolGetXMLDesc () */
typedef struct
{
  char    *name;
  char    *format;        /* "qcow2", "raw", "iso"… */
  guint64  capacity;      /* bytes; 0 when absent or malformed */
  guint64  allocation;    /* bytes; 0 when absent or malformed */
  /* The file's times as the host's kernel stamped them, as libvirt writes
   * them: "1795688903.179176879" ("0" when not stamped). */
  char    *ctime;
  char    *mtime;
} FerryVolumeXml;

FerryVolumeXml *ferry_volume_xml_parse (const char      *xml,
                                        GError         **error);
void            ferry_volume_xml_free  (FerryVolumeXml  *volume);

/* ---------------------------------------------------------- networks */

/* virNetworkGetXMLDesc () */
typedef struct
{
  char *name;
  char *bridge;           /* the bridge's name */
  /* "nat", "route", "bridge"…; "nat" for a <forward/> without a mode (as
   * libvirt reads it); NULL for an isolated network. */
  char *forward_mode;
} FerryNetworkXml;

FerryNetworkXml *ferry_network_xml_parse    (const char       *xml,
                                             GError          **error);
void             ferry_network_xml_free     (FerryNetworkXml  *network);
/* @xml as a definition for another host: no UUID and no MAC address (the
 * copy gets its own), and no bridge name (libvirt picks a free one; nodes
 * may share a kernel) unless the network is bridged to a host bridge
 * (forward mode='bridge'), which must keep its name. */
char            *ferry_network_xml_for_copy (const char       *xml,
                                             GError          **error);

/* --------------------------------------------------- host interfaces */

/* virInterfaceGetXMLDesc () */
typedef struct
{
  char *name;
  char *type;             /* "ethernet", "bridge", "bond", "vlan" */
} FerryInterfaceXml;

FerryInterfaceXml *ferry_interface_xml_parse (const char         *xml,
                                              GError            **error);
void               ferry_interface_xml_free  (FerryInterfaceXml  *iface);

/* -------------------------------------------------- CPU definitions */

typedef struct
{
  char *policy;           /* "require" when unset, "disable", "force", "forbid", "optional" */
  char *name;
} FerryCpuFeature;

/* A <cpu> element: a domain's (ferry_domain_xml_dup_cpu_xml ()), a
 * baseline's, or a host-model CPU's. */
typedef struct
{
  char      *mode;        /* "custom" when unset (libvirt's default), "host-model"… */
  gboolean   has_model;   /* a <model> element, even without a name */
  char      *model;       /* its name */
  char      *vendor;
  GPtrArray *features;    /* FerryCpuFeature, in document order */
} FerryCpuXml;

FerryCpuXml *ferry_cpu_xml_parse      (const char    *xml,
                                       GError       **error);
void         ferry_cpu_xml_free       (FerryCpuXml   *cpu);
/* @cpu_xml with the <topology>, <numa> and <cache> of @old_cpu_xml (the
 * VM's own shape) in place of any of its own; @cpu_xml itself when
 * @old_cpu_xml is NULL. For ferry_domain_xml_set_cpu_xml (). */
char        *ferry_cpu_xml_keep_shape (const char    *cpu_xml,
                                       const char    *old_cpu_xml,
                                       GError       **error);

/* ------------------------------------------------ what Ferry writes */

/* Built with libvirt-gconfig (names and paths are never pasted into XML
 * text). A directory pool at @target_path, or an NFS one when @nfs_host
 * and @nfs_export are given. */
char        *ferry_pool_xml_new       (const char    *name,
                                       const char    *target_path,
                                       const char    *nfs_host,
                                       const char    *nfs_export);
/* A volume for virStorageVolCreateXML (); sizes in bytes; @format "raw",
 * "qcow2"… */
char        *ferry_volume_xml_new     (const char    *name,
                                       guint64        capacity,
                                       guint64        allocation,
                                       const char    *format);
/* <cpu mode='custom' match='exact'><model fallback='forbid'>@model… */
char        *ferry_cpu_xml_new_model  (const char    *model);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FerryCapsXml, ferry_caps_xml_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FerryDomcapsXml, ferry_domcaps_xml_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FerryPoolXml, ferry_pool_xml_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FerryVolumeXml, ferry_volume_xml_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FerryNetworkXml, ferry_network_xml_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FerryInterfaceXml, ferry_interface_xml_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FerryCpuXml, ferry_cpu_xml_free)

G_END_DECLS
