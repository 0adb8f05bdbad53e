/* ferry-vm-spec.c — what a new VM should be, and creating it
 *
 * The domain and volume XML are built with libvirt-gconfig's setters,
 * which escape every value: names, paths and network names never become
 * markup.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <libvirt/virterror.h>

#include "ferry-core.h"
#include "ferry-domain-xml-edit.h"
#include "ferry-host-xml.h"
#include "ferry-libvirt.h"
#include "ferry-node-private.h"
#include "ferry-vm-spec.h"
#include "ferry-vm.h"

#define FERRY_XML_NS "https://github.com/ferryvm/ferry/ns/1"


G_DEFINE_QUARK (ferry-vm-spec-error-quark, ferry_vm_spec_error)

FerryVmSpec *
ferry_vm_spec_new (void)
{
  FerryVmSpec *spec = g_new0 (FerryVmSpec, 1);

  spec->vcpus = 1;
  spec->memory = 1024 * G_GUINT64_CONSTANT (1024) * 1024;
  spec->new_disk_format = g_strdup ("qcow2");
  spec->firmware = g_strdup ("bios");
  spec->virttype = g_strdup ("kvm");
  return spec;
}

FerryVmSpec *
ferry_vm_spec_copy (const FerryVmSpec *spec)
{
  FerryVmSpec *copy;

  g_return_val_if_fail (spec != NULL, NULL);

  copy = g_memdup2 (spec, sizeof *spec);
  copy->name = g_strdup (spec->name);
  copy->install_iso = g_strdup (spec->install_iso);
  copy->import_disk = g_strdup (spec->import_disk);
  copy->new_disk_pool = g_strdup (spec->new_disk_pool);
  copy->new_disk_format = g_strdup (spec->new_disk_format);
  copy->network_type = g_strdup (spec->network_type);
  copy->network_source = g_strdup (spec->network_source);
  copy->firmware = g_strdup (spec->firmware);
  copy->virttype = g_strdup (spec->virttype);
  copy->cpu_xml = g_strdup (spec->cpu_xml);
  return copy;
}

void
ferry_vm_spec_free (FerryVmSpec *spec)
{
  if (spec == NULL)
    return;
  g_free (spec->name);
  g_free (spec->install_iso);
  g_free (spec->import_disk);
  g_free (spec->new_disk_pool);
  g_free (spec->new_disk_format);
  g_free (spec->network_type);
  g_free (spec->network_source);
  g_free (spec->firmware);
  g_free (spec->virttype);
  g_free (spec->cpu_xml);
  g_free (spec);
}

/* ---------------------------------------------------------------------- */
/* Validation                                                              */

gboolean
ferry_vm_name_validate (const char  *name,
                        GError     **error)
{
  if (name == NULL || name[0] == '\0')
    {
      g_set_error_literal (error, FERRY_VM_SPEC_ERROR, FERRY_VM_SPEC_ERROR_NAME,
                           _("Enter a name for the virtual machine."));
      return FALSE;
    }
  if (strlen (name) > 64)
    {
      g_set_error_literal (error, FERRY_VM_SPEC_ERROR, FERRY_VM_SPEC_ERROR_NAME,
                           _("The name is longer than 64 characters."));
      return FALSE;
    }
  if (name[0] == '-' || name[0] == '.')
    {
      g_set_error_literal (error, FERRY_VM_SPEC_ERROR, FERRY_VM_SPEC_ERROR_NAME,
                           _("The name cannot start with “-” or “.”."));
      return FALSE;
    }
  for (const char *p = name; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p) && strchr ("._+-", *p) == NULL)
        {
          g_set_error_literal (error, FERRY_VM_SPEC_ERROR, FERRY_VM_SPEC_ERROR_NAME,
                               _("The name can contain only letters, digits, “.”, “_”, “+” and “-”."));
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
is_disk_format (const char *format)
{
  return g_strcmp0 (format, "qcow2") == 0 || g_strcmp0 (format, "raw") == 0;
}

static const char *
disk_extension (const char *format)
{
  return g_strcmp0 (format, "raw") == 0 ? "img" : "qcow2";
}

static gboolean
fail (GError           **error,
      FerryVmSpecError   code,
      const char        *format,
      ...) G_GNUC_PRINTF (3, 4);

static gboolean
fail (GError           **error,
      FerryVmSpecError   code,
      const char        *format,
      ...)
{
  va_list args;

  va_start (args, format);
  if (error != NULL)
    *error = g_error_new_valist (FERRY_VM_SPEC_ERROR, code, format, args);
  va_end (args);
  return FALSE;
}

static gboolean
validate_storage (const FerryVmSpec        *spec,
                  const FerryHostResources *res,
                  GError                  **error)
{
  gboolean new_disk = spec->new_disk_size > 0;

  if (spec->install_iso == NULL && spec->import_disk == NULL && !new_disk)
    return fail (error, FERRY_VM_SPEC_ERROR_DISK,
                 _("Choose an ISO image to install from, a disk to import or a new disk."));
  if (spec->import_disk != NULL && (new_disk || spec->install_iso != NULL))
    return fail (error, FERRY_VM_SPEC_ERROR_DISK,
                 _("An imported disk cannot be combined with an ISO image or a new disk."));
  if (spec->install_iso != NULL && !new_disk)
    return fail (error, FERRY_VM_SPEC_ERROR_DISK,
                 _("Installing from an ISO image needs a new disk: choose its size."));

  if (spec->install_iso != NULL && res != NULL &&
      ferry_host_resources_find_volume_by_path (res, spec->install_iso, NULL) == NULL)
    return fail (error, FERRY_VM_SPEC_ERROR_ISO,
                 _("The ISO image “%s” is not in a storage pool of this host."), spec->install_iso);

  if (spec->import_disk != NULL && res != NULL &&
      ferry_host_resources_find_volume_by_path (res, spec->import_disk, NULL) == NULL)
    return fail (error, FERRY_VM_SPEC_ERROR_DISK,
                 _("The disk “%s” is not in a storage pool of this host."), spec->import_disk);

  if (new_disk)
    {
      const FerryHostPool *pool;
      g_autofree char *volume_name = NULL;

      if (!is_disk_format (spec->new_disk_format))
        return fail (error, FERRY_VM_SPEC_ERROR_DISK,
                     _("The disk format must be “qcow2” or “raw”."));
      if (spec->new_disk_size < 1024 * 1024)
        return fail (error, FERRY_VM_SPEC_ERROR_DISK, _("The new disk must be at least 1 MiB."));
      if (spec->new_disk_pool == NULL || spec->new_disk_pool[0] == '\0')
        return fail (error, FERRY_VM_SPEC_ERROR_POOL,
                     _("Choose a storage pool for the new disk."));
      if (res == NULL)
        return TRUE;

      pool = ferry_host_resources_find_pool (res, spec->new_disk_pool);
      if (pool == NULL)
        return fail (error, FERRY_VM_SPEC_ERROR_POOL,
                     _("The storage pool “%s” does not exist on this host."), spec->new_disk_pool);
      if (!pool->active)
        return fail (error, FERRY_VM_SPEC_ERROR_POOL,
                     _("The storage pool “%s” is not active."), spec->new_disk_pool);
      if (pool->available < spec->new_disk_size)
        {
          g_autofree char *available = g_format_size_full (pool->available, G_FORMAT_SIZE_IEC_UNITS);
          g_autofree char *needed = g_format_size_full (spec->new_disk_size, G_FORMAT_SIZE_IEC_UNITS);

          return fail (error, FERRY_VM_SPEC_ERROR_POOL,
                       _("The storage pool “%s” has only %s free; the new disk needs %s."),
                       spec->new_disk_pool, available, needed);
        }
      volume_name = g_strdup_printf ("%s.%s", spec->name, disk_extension (spec->new_disk_format));
      if (ferry_host_pool_find_volume (pool, volume_name) != NULL)
        return fail (error, FERRY_VM_SPEC_ERROR_DISK,
                     _("The storage pool “%s” already has a volume “%s”."),
                     spec->new_disk_pool, volume_name);
    }
  return TRUE;
}

static gboolean
validate_network (const FerryVmSpec        *spec,
                  const FerryHostResources *res,
                  GError                  **error)
{
  if (spec->network_type == NULL)
    return TRUE;

  if (strcmp (spec->network_type, "network") != 0 && strcmp (spec->network_type, "bridge") != 0)
    return fail (error, FERRY_VM_SPEC_ERROR_NETWORK,
                 _("The network connection must be a virtual network or a bridge."));
  if (spec->network_source == NULL || spec->network_source[0] == '\0')
    return fail (error, FERRY_VM_SPEC_ERROR_NETWORK,
                 strcmp (spec->network_type, "network") == 0 ? _("Choose a network.")
                                                             : _("Enter the name of a bridge."));

  if (strcmp (spec->network_type, "network") == 0 && res != NULL)
    {
      const FerryHostNetwork *network = ferry_host_resources_find_network (res, spec->network_source);

      if (network == NULL)
        return fail (error, FERRY_VM_SPEC_ERROR_NETWORK,
                     _("The network “%s” does not exist on this host."), spec->network_source);
      if (!network->active && spec->start_after_create)
        return fail (error, FERRY_VM_SPEC_ERROR_NETWORK,
                     _("The network “%s” is not active: the virtual machine could not start."),
                     spec->network_source);
    }
  else if (strcmp (spec->network_type, "bridge") == 0)
    {
      /* Linux interface names: at most 15 bytes, no '/', no blanks. */
      if (strlen (spec->network_source) > 15 || strpbrk (spec->network_source, "/ \t\n:") != NULL)
        return fail (error, FERRY_VM_SPEC_ERROR_NETWORK,
                     _("“%s” is not a valid bridge name."), spec->network_source);
      if (res != NULL && res->bridges != NULL &&
          !g_strv_contains ((const char * const *) res->bridges, spec->network_source))
        return fail (error, FERRY_VM_SPEC_ERROR_NETWORK,
                     _("The bridge “%s” does not exist on this host."), spec->network_source);
    }
  return TRUE;
}

gboolean
ferry_vm_spec_validate (const FerryVmSpec        *spec,
                        const FerryHostResources *res,
                        GListModel               *existing_vms_on_node,
                        guint64                   host_memory,
                        GError                  **error)
{
  g_return_val_if_fail (spec != NULL, FALSE);
  g_return_val_if_fail (existing_vms_on_node == NULL || G_IS_LIST_MODEL (existing_vms_on_node), FALSE);

  if (!ferry_vm_name_validate (spec->name, error))
    return FALSE;

  /* libvirt compares names case-sensitively, and so do we. */
  for (guint i = 0; existing_vms_on_node != NULL && i < g_list_model_get_n_items (existing_vms_on_node); i++)
    {
      g_autoptr(FerryVm) vm = g_list_model_get_item (existing_vms_on_node, i);

      if (g_strcmp0 (ferry_vm_get_name (vm), spec->name) == 0)
        return fail (error, FERRY_VM_SPEC_ERROR_NAME_CLASH,
                     _("A virtual machine named “%s” already exists on this host."), spec->name);
    }

  if (g_strcmp0 (spec->virttype, "kvm") != 0 && g_strcmp0 (spec->virttype, "qemu") != 0)
    return fail (error, FERRY_VM_SPEC_ERROR_VIRTTYPE,
                 _("The hypervisor must be KVM or QEMU (emulation)."));
  if (res != NULL && res->has_domain_caps && g_strcmp0 (spec->virttype, "kvm") == 0 &&
      g_strcmp0 (res->virttype, "kvm") != 0)
    return fail (error, FERRY_VM_SPEC_ERROR_VIRTTYPE,
                 _("KVM is not available on this host; choose QEMU (emulation)."));

  if (g_strcmp0 (spec->firmware, "bios") != 0 && g_strcmp0 (spec->firmware, "efi") != 0)
    return fail (error, FERRY_VM_SPEC_ERROR_FIRMWARE, _("The firmware must be BIOS or UEFI."));
  if (res != NULL && res->has_domain_caps && strcmp (spec->firmware, "efi") == 0 && !res->uefi)
    return fail (error, FERRY_VM_SPEC_ERROR_FIRMWARE, _("UEFI firmware is not installed on this host."));

  if (spec->vcpus < 1)
    return fail (error, FERRY_VM_SPEC_ERROR_VCPUS, _("A virtual machine needs at least 1 virtual CPU."));
  if (res != NULL && res->max_vcpus > 0 && spec->vcpus > res->max_vcpus)
    return fail (error, FERRY_VM_SPEC_ERROR_VCPUS,
                 _("This host allows at most %u virtual CPUs per virtual machine."), res->max_vcpus);

  if (spec->memory < FERRY_VM_SPEC_MIN_MEMORY)
    return fail (error, FERRY_VM_SPEC_ERROR_MEMORY, _("The memory must be at least 32 MiB."));
  if (host_memory > 0 && spec->memory > host_memory)
    {
      g_autofree char *wanted = g_format_size_full (spec->memory, G_FORMAT_SIZE_IEC_UNITS);
      g_autofree char *host = g_format_size_full (host_memory, G_FORMAT_SIZE_IEC_UNITS);

      return fail (error, FERRY_VM_SPEC_ERROR_MEMORY,
                   _("The memory (%s) is more than this host has (%s)."), wanted, host);
    }

  return validate_storage (spec, res, error) && validate_network (spec, res, error);
}

/* ---------------------------------------------------------------------- */
/* XML                                                                     */

static void
set_os (GVirConfigDomain  *domain,
        const FerryVmSpec *spec,
        const char        *disk_path)
{
  g_autoptr(GVirConfigDomainOs) os = gvir_config_domain_os_new ();
  g_autoptr(GList) boot = NULL;

  if (g_strcmp0 (spec->firmware, "efi") == 0)
    gvir_config_domain_os_set_firmware (os, GVIR_CONFIG_DOMAIN_OS_FIRMWARE_EFI);
  gvir_config_domain_os_set_os_type (os, GVIR_CONFIG_DOMAIN_OS_TYPE_HVM);
  /* After the type: the arch is an attribute of <type>. */
  gvir_config_domain_os_set_arch (os, "x86_64");

  if (spec->install_iso != NULL)
    boot = g_list_append (boot, GINT_TO_POINTER (GVIR_CONFIG_DOMAIN_OS_BOOT_DEVICE_CDROM));
  if (disk_path != NULL)
    boot = g_list_append (boot, GINT_TO_POINTER (GVIR_CONFIG_DOMAIN_OS_BOOT_DEVICE_HD));
  if (disk_path == NULL ||
      (spec->install_iso == NULL && spec->import_disk == NULL && spec->network_type != NULL))
    /* An empty new disk: boot from the network (PXE) once it fails. */
    boot = g_list_append (boot, GINT_TO_POINTER (GVIR_CONFIG_DOMAIN_OS_BOOT_DEVICE_NETWORK));
  gvir_config_domain_os_set_boot_devices (os, boot);

  gvir_config_domain_set_os (domain, os);
}

static void
add_disk (GVirConfigDomain                    *domain,
          GVirConfigDomainDiskGuestDeviceType  device,
          GVirConfigDomainDiskFormat           format,
          const char                          *path,
          const char                          *target,
          GVirConfigDomainDiskBus              bus)
{
  g_autoptr(GVirConfigDomainDisk) disk = gvir_config_domain_disk_new ();
  g_autoptr(GVirConfigDomainDiskDriver) driver = gvir_config_domain_disk_driver_new ();

  /* The type first: set_source() names the attribute after it. */
  gvir_config_domain_disk_set_type (disk, GVIR_CONFIG_DOMAIN_DISK_FILE);
  gvir_config_domain_disk_set_guest_device_type (disk, device);
  gvir_config_domain_disk_driver_set_name (driver, "qemu");
  gvir_config_domain_disk_driver_set_format (driver, format);
  gvir_config_domain_disk_set_driver (disk, driver);
  gvir_config_domain_disk_set_source (disk, path);
  gvir_config_domain_disk_set_target_dev (disk, target);
  gvir_config_domain_disk_set_target_bus (disk, bus);
  if (device == GVIR_CONFIG_DOMAIN_DISK_GUEST_DEVICE_CDROM)
    gvir_config_domain_disk_set_readonly (disk, TRUE);
  gvir_config_domain_add_device (domain, GVIR_CONFIG_DOMAIN_DEVICE (disk));
}

static void
add_interface (GVirConfigDomain  *domain,
               const FerryVmSpec *spec)
{
  g_autoptr(GVirConfigDomainInterface) iface = NULL;
  const char *source = spec->network_source ? spec->network_source : "";

  if (strcmp (spec->network_type, "network") == 0)
    {
      GVirConfigDomainInterfaceNetwork *network = gvir_config_domain_interface_network_new ();

      gvir_config_domain_interface_network_set_source (network, source);
      iface = GVIR_CONFIG_DOMAIN_INTERFACE (network);
    }
  else
    {
      GVirConfigDomainInterfaceBridge *bridge = gvir_config_domain_interface_bridge_new ();

      gvir_config_domain_interface_bridge_set_source (bridge, source);
      iface = GVIR_CONFIG_DOMAIN_INTERFACE (bridge);
    }
  gvir_config_domain_interface_set_model (iface, "virtio");
  gvir_config_domain_add_device (domain, GVIR_CONFIG_DOMAIN_DEVICE (iface));
}

/* What every new VM has besides its disks and network. Where
 * libvirt-gconfig 4.0 has no setter (a VNC <listen> child and listen=, a
 * serial or console target port=), the device starts from a constant XML
 * string through its own constructor. */
static void
add_standard_devices (GVirConfigDomain *domain,
                      gboolean          kvm)
{
  g_autoptr(GVirConfigDomainInput) tablet = gvir_config_domain_input_new ();
  g_autoptr(GVirConfigDomainGraphicsVnc) vnc = NULL;
  g_autoptr(GVirConfigDomainVideo) video = gvir_config_domain_video_new ();
  g_autoptr(GVirConfigDomainSerial) serial = NULL;
  g_autoptr(GVirConfigDomainConsole) console = NULL;
  g_autoptr(GVirConfigDomainChardevSourcePty) serial_pty = NULL;
  g_autoptr(GVirConfigDomainChardevSourcePty) console_pty = NULL;

  /* An absolute pointer: the console's pointer matches the guest's, and
   * it survives migration. */
  gvir_config_domain_input_set_device_type (tablet, GVIR_CONFIG_DOMAIN_INPUT_DEVICE_TABLET);
  gvir_config_domain_input_set_bus (tablet, GVIR_CONFIG_DOMAIN_INPUT_BUS_USB);
  gvir_config_domain_add_device (domain, GVIR_CONFIG_DOMAIN_DEVICE (tablet));

  /* VNC on the host's loopback only: Ferry's console tunnels to it.
   * libvirt-gconfig has no setter for <listen>, hence the fragment. */
  vnc = gvir_config_domain_graphics_vnc_new_from_xml ("<graphics type='vnc' listen='127.0.0.1' autoport='yes'>"
                                                      "<listen type='address' address='127.0.0.1'/>"
                                                      "</graphics>", NULL);
  g_assert (vnc != NULL);
  gvir_config_domain_add_device (domain, GVIR_CONFIG_DOMAIN_DEVICE (vnc));

  /* virtio-vga for KVM guests; plain VGA under TCG, cheapest to emulate. */
  gvir_config_domain_video_set_model (video, kvm ? GVIR_CONFIG_DOMAIN_VIDEO_MODEL_VIRTIO
                                                 : GVIR_CONFIG_DOMAIN_VIDEO_MODEL_VGA);
  gvir_config_domain_add_device (domain, GVIR_CONFIG_DOMAIN_DEVICE (video));

  /* A serial port on a pty and the console on it (libvirt numbers both
   * port 0): the text console and boot messages of a guest without VNC. */
  serial = gvir_config_domain_serial_new ();
  serial_pty = gvir_config_domain_chardev_source_pty_new ();
  gvir_config_domain_chardev_set_source (GVIR_CONFIG_DOMAIN_CHARDEV (serial),
                                         GVIR_CONFIG_DOMAIN_CHARDEV_SOURCE (serial_pty));
  gvir_config_domain_add_device (domain, GVIR_CONFIG_DOMAIN_DEVICE (serial));
  console = gvir_config_domain_console_new ();
  console_pty = gvir_config_domain_chardev_source_pty_new ();
  gvir_config_domain_chardev_set_source (GVIR_CONFIG_DOMAIN_CHARDEV (console),
                                         GVIR_CONFIG_DOMAIN_CHARDEV_SOURCE (console_pty));
  gvir_config_domain_console_set_target_type (console, GVIR_CONFIG_DOMAIN_CONSOLE_TARGET_SERIAL);
  gvir_config_domain_add_device (domain, GVIR_CONFIG_DOMAIN_DEVICE (console));
}

char *
ferry_vm_spec_to_xml (const FerryVmSpec  *spec,
                      const char         *disk_path,
                      GError            **error)
{
  static const char *features[] = { "acpi", "apic", NULL };
  g_autoptr(GVirConfigDomain) domain = NULL;
  g_autoptr(GVirConfigDomainClock) clock = NULL;
  guint64 memory_kib;
  gboolean kvm;

  g_return_val_if_fail (spec != NULL, NULL);

  if (!ferry_vm_name_validate (spec->name, error))
    return NULL;
  if ((spec->import_disk != NULL || spec->new_disk_size > 0) && disk_path == NULL)
    {
      fail (error, FERRY_VM_SPEC_ERROR_DISK, _("The path of the virtual machine’s disk is missing."));
      return NULL;
    }
  if (g_strcmp0 (spec->virttype, "kvm") != 0 && g_strcmp0 (spec->virttype, "qemu") != 0)
    {
      fail (error, FERRY_VM_SPEC_ERROR_VIRTTYPE, _("The hypervisor must be KVM or QEMU (emulation)."));
      return NULL;
    }
  if (spec->network_type != NULL && strcmp (spec->network_type, "network") != 0 &&
      strcmp (spec->network_type, "bridge") != 0)
    {
      fail (error, FERRY_VM_SPEC_ERROR_NETWORK,
            _("The network connection must be a virtual network or a bridge."));
      return NULL;
    }

  kvm = strcmp (spec->virttype, "kvm") == 0;
  memory_kib = (spec->memory + 1023) / 1024;

  domain = gvir_config_domain_new ();
  gvir_config_domain_set_virt_type (domain, kvm ? GVIR_CONFIG_DOMAIN_VIRT_KVM : GVIR_CONFIG_DOMAIN_VIRT_QEMU);
  gvir_config_domain_set_name (domain, spec->name);

  /* Who made it: lets Ferry (and admins) tell its VMs apart. */
  if (!gvir_config_domain_set_custom_xml_ns_children (domain, "<vm><created-by>ferry</created-by></vm>",
                                                      "ferry", FERRY_XML_NS, NULL))
    g_assert_not_reached ();

  gvir_config_domain_set_memory (domain, memory_kib);
  gvir_config_domain_set_current_memory (domain, memory_kib);
  gvir_config_domain_set_vcpus (domain, MAX (spec->vcpus, 1));
  set_os (domain, spec, disk_path);
  gvir_config_domain_set_features (domain, (GStrv) features);

  clock = gvir_config_domain_clock_new ();
  gvir_config_domain_clock_set_offset (clock, GVIR_CONFIG_DOMAIN_CLOCK_UTC);
  gvir_config_domain_set_clock (domain, clock);
  gvir_config_domain_set_lifecycle (domain, GVIR_CONFIG_DOMAIN_LIFECYCLE_ON_POWEROFF,
                                    GVIR_CONFIG_DOMAIN_LIFECYCLE_DESTROY);
  gvir_config_domain_set_lifecycle (domain, GVIR_CONFIG_DOMAIN_LIFECYCLE_ON_REBOOT,
                                    GVIR_CONFIG_DOMAIN_LIFECYCLE_RESTART);
  gvir_config_domain_set_lifecycle (domain, GVIR_CONFIG_DOMAIN_LIFECYCLE_ON_CRASH,
                                    GVIR_CONFIG_DOMAIN_LIFECYCLE_DESTROY);

  if (disk_path != NULL)
    add_disk (domain, GVIR_CONFIG_DOMAIN_DISK_GUEST_DEVICE_DISK,
              g_strcmp0 (spec->new_disk_format, "raw") == 0 ? GVIR_CONFIG_DOMAIN_DISK_FORMAT_RAW
                                                            : GVIR_CONFIG_DOMAIN_DISK_FORMAT_QCOW2,
              disk_path, "vda", GVIR_CONFIG_DOMAIN_DISK_BUS_VIRTIO);
  if (spec->install_iso != NULL)
    add_disk (domain, GVIR_CONFIG_DOMAIN_DISK_GUEST_DEVICE_CDROM, GVIR_CONFIG_DOMAIN_DISK_FORMAT_RAW,
              spec->install_iso, "sda", GVIR_CONFIG_DOMAIN_DISK_BUS_SATA);
  if (spec->network_type != NULL)
    add_interface (domain, spec);
  add_standard_devices (domain, kvm);

  if (spec->cpu_xml != NULL)
    {
      /* A cluster's baseline CPU (ferry-cluster-cpu.c): the VM can run on
       * every node of the cluster. It came from a host, so it is read as
       * FerryDomainXml reads any CPU; if that fails, the default below. */
      g_autofree char *xml = gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (domain));
      g_autoptr(FerryDomainXml) dx = ferry_domain_xml_new (xml, NULL);

      if (dx != NULL && ferry_domain_xml_set_cpu_xml (dx, spec->cpu_xml, NULL))
        return ferry_domain_xml_to_string (dx);
    }
  /* The host's CPU model, migratable between similar hosts; TCG emulates
   * its own default CPU and has no use for it. */
  if (kvm)
    {
      g_autoptr(GVirConfigDomainCpu) cpu = gvir_config_domain_cpu_new ();

      gvir_config_domain_cpu_set_mode (cpu, GVIR_CONFIG_DOMAIN_CPU_MODE_HOST_MODEL);
      gvir_config_domain_set_cpu (domain, cpu);
    }
  return gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (domain));
}

/* ---------------------------------------------------------------------- */
/* Creating                                                                */

typedef struct
{
  FerryVmSpec *spec;
  FerryNode   *node;
  char        *node_name;
  char        *uuid;
} CreateData;

static void
create_data_free (CreateData *data)
{
  ferry_vm_spec_free (data->spec);
  g_clear_object (&data->node);
  g_free (data->node_name);
  g_free (data->uuid);
  g_free (data);
}

static char *
volume_xml (const char *name,
            guint64     size,
            const char *format)
{
  GVirConfigStorageVol *vol = gvir_config_storage_vol_new ();
  GVirConfigStorageVolTarget *target = gvir_config_storage_vol_target_new ();
  char *xml;

  /* Sizes without a unit are bytes to libvirt. */
  gvir_config_storage_vol_set_name (vol, name);
  gvir_config_storage_vol_set_capacity (vol, size);
  /* Sparse: space is taken as the guest writes. */
  gvir_config_storage_vol_set_allocation (vol, 0);
  gvir_config_storage_vol_target_set_format (target, format);
  gvir_config_storage_vol_set_target (vol, target);
  xml = gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (vol));
  g_object_unref (target);
  g_object_unref (vol);
  return xml;
}

static char *
volume_format (virStorageVolPtr vol)
{
  char *xml;
  g_autoptr(FerryVolumeXml) volume = NULL;

  FERRY_ASSERT_WORKER_THREAD ();

  xml = virStorageVolGetXMLDesc (vol, 0);
  if (xml == NULL)
    {
      virResetLastError ();
      return NULL;
    }
  volume = ferry_volume_xml_parse (xml, NULL);
  free (xml);
  return volume != NULL ? g_strdup (volume->format) : NULL;
}

/* Undefines a domain we just defined; the flags drivers may refuse are
 * dropped one by one, as in ferry-vm.c. */
static gboolean
undefine_domain (virDomainPtr domain)
{
  static const unsigned int flag_sets[] = {
    VIR_DOMAIN_UNDEFINE_MANAGED_SAVE | VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA |
    VIR_DOMAIN_UNDEFINE_CHECKPOINTS_METADATA | VIR_DOMAIN_UNDEFINE_NVRAM,
    0,
  };

  FERRY_ASSERT_WORKER_THREAD ();

  for (guint i = 0; i < G_N_ELEMENTS (flag_sets); i++)
    {
      if (virDomainUndefineFlags (domain, flag_sets[i]) == 0)
        return TRUE;
    }
  return FALSE;
}

/* Adds "What was left behind" to @error after a failed cleanup. */
static void
append_leftover (GError     **error,
                 const char  *what)
{
  virErrorPtr last = virGetLastError ();
  char *message;

  message = g_strdup_printf ("%s\n%s: %s", (*error)->message, what,
                             last && last->message ? last->message : _("unknown libvirt error"));
  g_free ((*error)->message);
  (*error)->message = message;
  virResetLastError ();
}

static void
create_thread (GTask         *task,
               FerryNode     *node,
               virConnectPtr  conn,
               gpointer       task_data,
               GCancellable  *cancellable)
{
  CreateData *data = task_data;
  FerryVmSpec *spec = data->spec;
  g_autoptr(GError) error = NULL;
  g_autofree char *disk_path = NULL;
  g_autofree char *xml = NULL;
  virStoragePoolPtr pool = NULL;
  virStorageVolPtr vol = NULL;
  virStorageVolPtr created = NULL;
  virDomainPtr domain = NULL;
  char uuid[VIR_UUID_STRING_BUFLEN];

  if (g_task_return_error_if_cancelled (task))
    return;

  /* Everything that can be checked is checked before anything is made. */
  domain = virDomainLookupByName (conn, spec->name);
  if (domain != NULL)
    {
      g_clear_pointer (&domain, virDomainFree);
      g_set_error (&error, FERRY_VM_SPEC_ERROR, FERRY_VM_SPEC_ERROR_NAME_CLASH,
                   _("A virtual machine named “%s” already exists on %s."), spec->name, data->node_name);
      goto out;
    }
  virResetLastError ();

  if (spec->install_iso != NULL)
    {
      vol = virStorageVolLookupByPath (conn, spec->install_iso);
      if (vol == NULL)
        {
          virResetLastError ();
          g_set_error (&error, FERRY_VM_SPEC_ERROR, FERRY_VM_SPEC_ERROR_ISO,
                       _("The ISO image “%s” is not in a storage pool of %s."),
                       spec->install_iso, data->node_name);
          goto out;
        }
      g_clear_pointer (&vol, virStorageVolFree);
    }

  if (spec->import_disk != NULL)
    {
      char *format;

      vol = virStorageVolLookupByPath (conn, spec->import_disk);
      if (vol == NULL)
        {
          virResetLastError ();
          g_set_error (&error, FERRY_VM_SPEC_ERROR, FERRY_VM_SPEC_ERROR_DISK,
                       _("The disk “%s” is not in a storage pool of %s."),
                       spec->import_disk, data->node_name);
          goto out;
        }
      /* The volume knows its format better than the form does. */
      format = volume_format (vol);
      if (is_disk_format (format))
        {
          g_free (spec->new_disk_format);
          spec->new_disk_format = format;
        }
      else
        g_free (format);
      g_clear_pointer (&vol, virStorageVolFree);
      disk_path = g_strdup (spec->import_disk);
    }
  else if (spec->new_disk_size > 0)
    {
      g_autofree char *vol_name = g_strdup_printf ("%s.%s", spec->name,
                                                   disk_extension (spec->new_disk_format));
      g_autofree char *vol_xml = NULL;
      char *path;

      pool = virStoragePoolLookupByName (conn, spec->new_disk_pool);
      if (pool == NULL)
        {
          ferry_libvirt_set_error (&error, _("The storage pool “%s” was not found"), spec->new_disk_pool);
          goto out;
        }
      /* Never reuse, and so never delete, a volume that was there before. */
      vol = virStorageVolLookupByName (pool, vol_name);
      if (vol != NULL)
        {
          g_set_error (&error, FERRY_VM_SPEC_ERROR, FERRY_VM_SPEC_ERROR_DISK,
                       _("The storage pool “%s” already has a volume “%s”."),
                       spec->new_disk_pool, vol_name);
          goto out;
        }
      virResetLastError ();

      vol_xml = volume_xml (vol_name, spec->new_disk_size, spec->new_disk_format);
      created = virStorageVolCreateXML (pool, vol_xml, 0);
      if (created == NULL)
        {
          ferry_libvirt_set_error (&error, _("Could not create the disk “%s”"), vol_name);
          goto out;
        }
      path = virStorageVolGetPath (created);
      if (path == NULL)
        {
          ferry_libvirt_set_error (&error, _("Could not create the disk “%s”"), vol_name);
          goto out;
        }
      disk_path = g_strdup (path);
      free (path);
    }

  xml = ferry_vm_spec_to_xml (spec, disk_path, &error);
  if (xml == NULL)
    goto out;

  domain = virDomainDefineXML (conn, xml);
  if (domain == NULL)
    {
      ferry_libvirt_set_error (&error, _("Could not create “%s”"), spec->name);
      goto out;
    }
  if (virDomainGetUUIDString (domain, uuid) < 0)
    {
      ferry_libvirt_set_error (&error, _("Could not create “%s”"), spec->name);
      goto out;
    }

  if (spec->start_after_create && virDomainCreate (domain) < 0)
    {
      ferry_libvirt_set_error (&error, _("Could not start “%s”"), spec->name);
      goto out;
    }

  data->uuid = g_strdup (uuid);

out:
  /* Nothing half-made stays behind. */
  if (error != NULL && domain != NULL && !undefine_domain (domain))
    append_leftover (&error, _("The new virtual machine could not be removed"));
  if (error != NULL && created != NULL && virStorageVolDelete (created, 0) < 0)
    append_leftover (&error, _("The new disk could not be removed"));

  if (created != NULL)
    virStorageVolFree (created);
  if (vol != NULL)
    virStorageVolFree (vol);
  if (pool != NULL)
    virStoragePoolFree (pool);
  if (domain != NULL)
    virDomainFree (domain);

  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, g_strdup (data->uuid), g_free);
}

void
ferry_node_create_vm_async (FerryNode           *node,
                            const FerryVmSpec   *spec,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  CreateData *data;

  g_return_if_fail (FERRY_IS_NODE (node));
  g_return_if_fail (spec != NULL);

  task = g_task_new (node, cancellable, callback, user_data);
  g_task_set_source_tag (task, ferry_node_create_vm_async);

  /* What needs no trip to the host: the form, names known here, memory. */
  if (!ferry_vm_spec_validate (spec, NULL, ferry_node_get_vms (node), ferry_node_get_memory (node), &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data = g_new0 (CreateData, 1);
  data->spec = ferry_vm_spec_copy (spec);
  data->node = g_object_ref (node);
  data->node_name = g_strdup (ferry_node_get_name (node));
  g_task_set_task_data (task, data, (GDestroyNotify) create_data_free);
  _ferry_node_run_with_connection (node, task, create_thread);
}

char *
ferry_node_create_vm_finish (FerryNode     *node,
                             GAsyncResult  *result,
                             GError       **error)
{
  char *uuid;

  g_return_val_if_fail (g_task_is_valid (result, node), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ferry_node_create_vm_async, NULL);

  uuid = g_task_propagate_pointer (G_TASK (result), error);
  /* Events tell the inventory too; this covers drivers without them. */
  if (uuid != NULL)
    _ferry_node_refresh_domain (node, uuid);
  return uuid;
}
