/* ferry-domain-xml.h — a libvirt domain description, read and edited
 *
 * The one place where Ferry reads a domain's XML. Built on libvirt-gconfig
 * (GVirConfigDomain) for everything it has a typed, total accessor for; the
 * few values it only offers as enums (which warn on any value newer than
 * the library, and a remote daemon may well be newer) are read as strings
 * in ferry-domain-xml.c, which says where.
 *
 * A FerryDomainXml is a snapshot: the getters describe the XML it was made
 * from, and the setters change what ferry_domain_xml_to_string() returns.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <libvirt-gconfig/libvirt-gconfig.h>

G_BEGIN_DECLS

/* libvirt-gconfig 4.0 declares no cleanup functions of its own. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GVirConfigDomain, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GVirConfigDomainOs, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GVirConfigDomainCpu, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GVirConfigDomainCpuModel, g_object_unref)

typedef struct
{
  char     *type;         /* "file", "block", "volume", "network", "dir"…; "file" when unset */
  char     *device;       /* "disk", "cdrom", "floppy", "lun"; "disk" when unset */
  char     *source;       /* file, block device or directory path, or network name; NULL if none */
  char     *pool;         /* type='volume' only */
  char     *volume;       /* type='volume' only */
  char     *format;       /* driver type: "qcow2", "raw"…, or NULL */
  char     *target;       /* "vda", or NULL */
  char     *bus;          /* "virtio", "sata"…, or NULL */
  gboolean  readonly;
  gboolean  shareable;
  guint     boot_order;   /* <boot order='N'/>, 0 when none */
} FerryDomainDisk;

typedef struct
{
  char  *type;            /* "network", "bridge", "direct", "user"… */
  char  *source;          /* network, bridge or host device name; NULL for user */
  char  *mac;
  char  *model;           /* "virtio", "e1000"…, or NULL */
  guint  boot_order;
} FerryDomainInterface;

typedef struct
{
  char     *type;         /* "vnc", "spice"… */
  int       port;         /* > 0 only while the VM runs; -1 otherwise */
  gboolean  autoport;
  char     *listen;       /* the address it listens on (attribute or first <listen address>), or NULL */
  char     *socket;       /* UNIX socket path, or NULL */
  gboolean  no_listen;    /* <listen type='none'/> */
  char     *password;     /* a secret: never log it; NULL when unset or empty */
} FerryDomainGraphics;

#define FERRY_TYPE_DOMAIN_XML (ferry_domain_xml_get_type ())

G_DECLARE_FINAL_TYPE (FerryDomainXml, ferry_domain_xml, FERRY, DOMAIN_XML, GObject)

/* Parses @xml (as a remote daemon sent it: no network access, no DTD, no
 * entity expansion). A clear G_IO_ERROR_INVALID_DATA when it is not a
 * domain. */
FerryDomainXml   *ferry_domain_xml_new             (const char      *xml,
                                                    GError         **error);

GVirConfigDomain *ferry_domain_xml_get_config      (FerryDomainXml  *self);

/* NULL when absent or empty. */
const char *ferry_domain_xml_get_name              (FerryDomainXml  *self);
const char *ferry_domain_xml_get_uuid              (FerryDomainXml  *self);
const char *ferry_domain_xml_get_title             (FerryDomainXml  *self);
const char *ferry_domain_xml_get_description       (FerryDomainXml  *self);
const char *ferry_domain_xml_get_virt_type         (FerryDomainXml  *self);   /* "kvm", "qemu" */
/* Only a live XML has a domain id. */
gboolean    ferry_domain_xml_is_active             (FerryDomainXml  *self);

const char *ferry_domain_xml_get_emulator          (FerryDomainXml  *self);
const char *ferry_domain_xml_get_os_type           (FerryDomainXml  *self);   /* "hvm" */
const char *ferry_domain_xml_get_arch              (FerryDomainXml  *self);
const char *ferry_domain_xml_get_machine           (FerryDomainXml  *self);
const char *ferry_domain_xml_get_firmware          (FerryDomainXml  *self);   /* <os firmware=…> */
const char *ferry_domain_xml_get_loader            (FerryDomainXml  *self);   /* path */
const char *ferry_domain_xml_get_loader_type       (FerryDomainXml  *self);   /* "pflash", "rom" */
/* <os><boot dev=…/> in order, or else the devices' <boot order=…/> as
 * "hd", "cdrom", "fd", "network"; never NULL. */
const char * const *ferry_domain_xml_get_boot_order (FerryDomainXml *self);

const char *ferry_domain_xml_get_cpu_mode          (FerryDomainXml  *self);   /* NULL: hypervisor default */
const char *ferry_domain_xml_get_cpu_model         (FerryDomainXml  *self);
/* The <cpu> element as XML, or NULL when there is none. */
char       *ferry_domain_xml_dup_cpu_xml           (FerryDomainXml  *self);

guint       ferry_domain_xml_get_vcpus             (FerryDomainXml  *self);   /* current */
guint       ferry_domain_xml_get_max_vcpus         (FerryDomainXml  *self);
guint64     ferry_domain_xml_get_memory            (FerryDomainXml  *self);   /* bytes, current */
guint64     ferry_domain_xml_get_max_memory        (FerryDomainXml  *self);   /* bytes */

/* Borrowed; in document order. */
GPtrArray  *ferry_domain_xml_get_disks             (FerryDomainXml  *self);   /* FerryDomainDisk */
GPtrArray  *ferry_domain_xml_get_interfaces        (FerryDomainXml  *self);   /* FerryDomainInterface */
GPtrArray  *ferry_domain_xml_get_graphics          (FerryDomainXml  *self);   /* FerryDomainGraphics */

typedef enum
{
  FERRY_DISK_ANY        = 0,
  FERRY_DISK_HARD_DISKS = 1 << 0,   /* device='disk': no CD-ROM, floppy or LUN */
  FERRY_DISK_WRITABLE   = 1 << 1,   /* no <readonly/> */
  FERRY_DISK_FILES      = 1 << 2,   /* type='file' only (what a copy or a delete handles) */
} FerryDiskFilter;

/* The paths the disks that pass @filter open on their host: file and block
 * sources, and "pool/volume" for volume disks (unless FERRY_DISK_FILES);
 * an empty CD-ROM opens nothing. */
GStrv       ferry_domain_xml_dup_disk_paths        (FerryDomainXml  *self,
                                                    FerryDiskFilter  filter);
/* The networks (type='network') and bridges (type='bridge') its
 * interfaces use, without repeats. */
GStrv       ferry_domain_xml_dup_networks          (FerryDomainXml  *self);
GStrv       ferry_domain_xml_dup_bridges           (FerryDomainXml  *self);

/* Ferry's metadata element alone, as virDomainGetMetadata returns it: the
 * value of its unprefixed @attribute, or NULL when that is absent or
 * empty, when the element is not in namespace @ns, or when @element_xml is
 * not XML. */
char       *ferry_domain_xml_metadata_attribute    (const char      *element_xml,
                                                    const char      *ns,
                                                    const char      *attribute);
/* Whether @cpu_xml is a <cpu> element, as ferry_domain_xml_set_cpu_xml()
 * takes it; a G_IO_ERROR_INVALID_DATA when not. */
gboolean    ferry_domain_xml_check_cpu_xml         (const char      *cpu_xml,
                                                    GError         **error);

/* Ferry's own <metadata> element in namespace @ns, as XML, or NULL. */
char       *ferry_domain_xml_dup_metadata          (FerryDomainXml  *self,
                                                    const char      *ns);

/* Edits. */
gboolean    ferry_domain_xml_set_metadata          (FerryDomainXml  *self,
                                                    const char      *ns,
                                                    const char      *prefix,
                                                    const char      *element_xml,
                                                    GError         **error);
/* Replaces <cpu> with @cpu_xml (a <cpu> element), or removes it (NULL). */
gboolean    ferry_domain_xml_set_cpu_xml           (FerryDomainXml  *self,
                                                    const char      *cpu_xml,
                                                    GError         **error);
/* The domain as XML for libvirt (no XML declaration). */
char       *ferry_domain_xml_to_string             (FerryDomainXml  *self);

void ferry_domain_disk_free      (FerryDomainDisk      *disk);
void ferry_domain_interface_free (FerryDomainInterface *iface);
void ferry_domain_graphics_free  (FerryDomainGraphics  *graphics);

G_END_DECLS
