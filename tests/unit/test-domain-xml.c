/* test-domain-xml.c — the domain-XML layer (FerryDomainXml)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>

#include "ferry-domain-xml.h"

static const char *full_xml =
  "<domain type='kvm' id='7'>"
  "<name>web</name><uuid>c7a5fdbd-cdaf-9455-926a-d65c16db1809</uuid>"
  "<title>Web &amp; mail</title><description></description>"
  "<memory unit='MiB'>2048</memory><currentMemory unit='KiB'>1048576</currentMemory>"
  "<vcpu placement='static' current='2'>4</vcpu>"
  "<os firmware='efi'><type arch='x86_64' machine='pc-q35-7.2'>hvm</type>"
  "<loader type='pflash'>/usr/share/OVMF/OVMF_CODE.fd</loader></os>"
  "<cpu mode='custom' match='exact'><model fallback='allow'>Westmere</model>"
  "<feature policy='disable' name='aes'/></cpu>"
  "<metadata><ferry:ha xmlns:ferry='https://example.invalid/ha' enabled='yes'/></metadata>"
  "<devices><emulator>/usr/bin/qemu-system-x86_64</emulator>"
  "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
  "<source file='/var/lib/a b.qcow2'/><target dev='vda' bus='virtio'/><boot order='2'/></disk>"
  "<disk type='file' device='cdrom'><source file='/iso/install.iso'/><target dev='sda' bus='sata'/>"
  "<readonly/><boot order='1'/></disk>"
  "<disk type='volume' device='disk'><source pool='shared' volume='db.qcow2'/><target dev='vdb'/></disk>"
  "<disk type='block'><source dev='/dev/vg/x'/><target dev='vdc'/><shareable/></disk>"
  "<disk type='file' device='cdrom'><target dev='sdb'/><readonly/></disk>"
  "<interface type='network'><mac address='52:54:00:00:00:01'/><source network='default'/>"
  "<model type='virtio'/></interface>"
  "<interface type='bridge'><source bridge='br0'/></interface>"
  "<interface type='direct'><source dev='eth0' mode='bridge'/></interface>"
  "<interface type='network'><source network='default'/></interface>"
  "<graphics type='vnc' port='5901' autoport='yes' listen='127.0.0.1' passwd='s3cret'>"
  "<listen type='address' address='127.0.0.1'/></graphics>"
  "<graphics type='egl-headless'/>"
  "</devices></domain>";

static void
test_top_level (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FerryDomainXml) dom = ferry_domain_xml_new (full_xml, &error);
  const char * const *boot;

  g_assert_no_error (error);
  g_assert_cmpstr (ferry_domain_xml_get_name (dom), ==, "web");
  g_assert_cmpstr (ferry_domain_xml_get_uuid (dom), ==, "c7a5fdbd-cdaf-9455-926a-d65c16db1809");
  g_assert_cmpstr (ferry_domain_xml_get_title (dom), ==, "Web & mail");
  g_assert_null (ferry_domain_xml_get_description (dom));
  g_assert_cmpstr (ferry_domain_xml_get_virt_type (dom), ==, "kvm");
  g_assert_true (ferry_domain_xml_is_active (dom));
  g_assert_cmpstr (ferry_domain_xml_get_os_type (dom), ==, "hvm");
  g_assert_cmpstr (ferry_domain_xml_get_arch (dom), ==, "x86_64");
  g_assert_cmpstr (ferry_domain_xml_get_machine (dom), ==, "pc-q35-7.2");
  g_assert_cmpstr (ferry_domain_xml_get_firmware (dom), ==, "efi");
  g_assert_cmpstr (ferry_domain_xml_get_loader (dom), ==, "/usr/share/OVMF/OVMF_CODE.fd");
  g_assert_cmpstr (ferry_domain_xml_get_loader_type (dom), ==, "pflash");
  g_assert_cmpstr (ferry_domain_xml_get_emulator (dom), ==, "/usr/bin/qemu-system-x86_64");
  g_assert_cmpstr (ferry_domain_xml_get_cpu_mode (dom), ==, "custom");
  g_assert_cmpstr (ferry_domain_xml_get_cpu_model (dom), ==, "Westmere");
  g_assert_cmpuint (ferry_domain_xml_get_vcpus (dom), ==, 2);
  g_assert_cmpuint (ferry_domain_xml_get_max_vcpus (dom), ==, 4);
  /* Units converted by libvirt-gconfig. */
  g_assert_cmpuint (ferry_domain_xml_get_max_memory (dom), ==, 2048ull << 20);
  g_assert_cmpuint (ferry_domain_xml_get_memory (dom), ==, 1ull << 30);

  /* No <os><boot dev>: the devices' boot order, CD-ROM first. */
  boot = ferry_domain_xml_get_boot_order (dom);
  g_assert_cmpuint (g_strv_length ((GStrv) boot), ==, 2);
  g_assert_cmpstr (boot[0], ==, "cdrom");
  g_assert_cmpstr (boot[1], ==, "hd");
  g_assert_finalize_object (g_steal_pointer (&dom));
}

static void
test_devices (void)
{
  g_autoptr(FerryDomainXml) dom = ferry_domain_xml_new (full_xml, NULL);
  GPtrArray *disks = ferry_domain_xml_get_disks (dom);
  GPtrArray *ifaces = ferry_domain_xml_get_interfaces (dom);
  GPtrArray *graphics = ferry_domain_xml_get_graphics (dom);
  FerryDomainDisk *disk;
  FerryDomainInterface *iface;
  FerryDomainGraphics *vnc;

  g_assert_cmpuint (disks->len, ==, 5);
  disk = g_ptr_array_index (disks, 0);
  g_assert_cmpstr (disk->type, ==, "file");
  g_assert_cmpstr (disk->device, ==, "disk");
  g_assert_cmpstr (disk->source, ==, "/var/lib/a b.qcow2");
  g_assert_cmpstr (disk->format, ==, "qcow2");
  g_assert_cmpstr (disk->target, ==, "vda");
  g_assert_cmpstr (disk->bus, ==, "virtio");
  g_assert_cmpuint (disk->boot_order, ==, 2);
  disk = g_ptr_array_index (disks, 2);
  g_assert_cmpstr (disk->pool, ==, "shared");
  g_assert_cmpstr (disk->volume, ==, "db.qcow2");
  g_assert_null (disk->source);
  disk = g_ptr_array_index (disks, 3);
  g_assert_cmpstr (disk->device, ==, "disk");   /* the default */
  g_assert_cmpstr (disk->source, ==, "/dev/vg/x");
  g_assert_true (disk->shareable);
  disk = g_ptr_array_index (disks, 4);
  g_assert_null (disk->source);                 /* an empty drive */
  g_assert_true (disk->readonly);

  /* libvirt-gconfig's own device list has no <interface type='direct'>. */
  g_assert_cmpuint (ifaces->len, ==, 4);
  iface = g_ptr_array_index (ifaces, 0);
  g_assert_cmpstr (iface->type, ==, "network");
  g_assert_cmpstr (iface->source, ==, "default");
  g_assert_cmpstr (iface->mac, ==, "52:54:00:00:00:01");
  g_assert_cmpstr (iface->model, ==, "virtio");
  iface = g_ptr_array_index (ifaces, 2);
  g_assert_cmpstr (iface->type, ==, "direct");
  g_assert_cmpstr (iface->source, ==, "eth0");

  g_assert_cmpuint (graphics->len, ==, 2);
  vnc = g_ptr_array_index (graphics, 0);
  g_assert_cmpstr (vnc->type, ==, "vnc");
  g_assert_cmpint (vnc->port, ==, 5901);
  g_assert_true (vnc->autoport);
  g_assert_cmpstr (vnc->listen, ==, "127.0.0.1");
  g_assert_cmpstr (vnc->password, ==, "s3cret");
  g_assert_false (vnc->no_listen);
  vnc = g_ptr_array_index (graphics, 1);
  g_assert_cmpstr (vnc->type, ==, "egl-headless");
  g_assert_cmpint (vnc->port, ==, -1);
  g_assert_finalize_object (g_steal_pointer (&dom));
}

static void
test_paths_and_sources (void)
{
  g_autoptr(FerryDomainXml) dom = ferry_domain_xml_new (full_xml, NULL);
  g_auto(GStrv) all = ferry_domain_xml_dup_disk_paths (dom, FERRY_DISK_ANY);
  g_auto(GStrv) hard = ferry_domain_xml_dup_disk_paths (dom, FERRY_DISK_HARD_DISKS);
  g_auto(GStrv) files = ferry_domain_xml_dup_disk_paths (dom, FERRY_DISK_HARD_DISKS | FERRY_DISK_WRITABLE |
                                                              FERRY_DISK_FILES);
  g_auto(GStrv) networks = ferry_domain_xml_dup_networks (dom);
  g_auto(GStrv) bridges = ferry_domain_xml_dup_bridges (dom);
  const char *all_expected[] = { "/var/lib/a b.qcow2", "/iso/install.iso", "shared/db.qcow2", "/dev/vg/x", NULL };
  const char *hard_expected[] = { "/var/lib/a b.qcow2", "shared/db.qcow2", "/dev/vg/x", NULL };
  const char *files_expected[] = { "/var/lib/a b.qcow2", NULL };
  const char *networks_expected[] = { "default", NULL };
  const char *bridges_expected[] = { "br0", NULL };

  g_assert_cmpstrv (all, all_expected);
  g_assert_cmpstrv (hard, hard_expected);
  g_assert_cmpstrv (files, files_expected);
  g_assert_cmpstrv (networks, networks_expected);
  g_assert_cmpstrv (bridges, bridges_expected);
  g_assert_finalize_object (g_steal_pointer (&dom));
}

static void
test_boot_dev (void)
{
  g_autoptr(FerryDomainXml) dom =
    ferry_domain_xml_new ("<domain type='qemu'><name>a</name><memory>1024</memory>"
                          "<os><type>hvm</type><boot dev='network'/><boot dev='hd'/></os></domain>", NULL);
  const char *expected[] = { "network", "hd", NULL };

  g_assert_cmpstrv (ferry_domain_xml_get_boot_order (dom), expected);
  g_assert_false (ferry_domain_xml_is_active (dom));
  /* No current memory: the maximum; no <vcpu>: 0 from libvirt-gconfig. */
  g_assert_cmpuint (ferry_domain_xml_get_memory (dom), ==, 1024ull * 1024);
  g_assert_null (ferry_domain_xml_get_cpu_mode (dom));
  g_assert_null (ferry_domain_xml_dup_cpu_xml (dom));
  g_assert_finalize_object (g_steal_pointer (&dom));
}

/* Values newer than libvirt-gconfig's enums, and elements it has no class
 * for, are read as they are, without a warning (the test runs with fatal
 * criticals, so an enum getter's warning would abort it). */
static void
test_newer_values (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FerryDomainXml) dom =
    ferry_domain_xml_new ("<domain type='hvf'><name>new</name>"
                          "<os firmware='something'><type arch='riscv64'>hvm</type></os>"
                          "<cpu mode='maximum'/>"
                          "<devices><disk type='nvme' device='disk'><source type='pci'/><target dev='vda' bus='nvme'/></disk>"
                          "<disk><source file='/x.img'/></disk>"
                          "<interface type='vhostuser'><mac address='52:54:00:00:00:02'/></interface>"
                          "<graphics type='dbus'/></devices></domain>", &error);
  FerryDomainDisk *disk;

  g_assert_no_error (error);
  g_assert_cmpstr (ferry_domain_xml_get_virt_type (dom), ==, "hvf");
  g_assert_cmpstr (ferry_domain_xml_get_firmware (dom), ==, "something");
  g_assert_cmpstr (ferry_domain_xml_get_cpu_mode (dom), ==, "maximum");
  g_assert_null (ferry_domain_xml_get_cpu_model (dom));
  g_assert_cmpuint (ferry_domain_xml_get_disks (dom)->len, ==, 2);
  disk = g_ptr_array_index (ferry_domain_xml_get_disks (dom), 0);
  g_assert_cmpstr (disk->type, ==, "nvme");
  g_assert_cmpstr (disk->bus, ==, "nvme");
  disk = g_ptr_array_index (ferry_domain_xml_get_disks (dom), 1);
  g_assert_cmpstr (disk->type, ==, "file");
  g_assert_cmpstr (disk->source, ==, "/x.img");
  g_assert_cmpuint (ferry_domain_xml_get_interfaces (dom)->len, ==, 1);
  g_assert_cmpuint (ferry_domain_xml_get_graphics (dom)->len, ==, 1);
  g_assert_finalize_object (g_steal_pointer (&dom));
}

static void
test_bad_input (void)
{
  const char *bad[] = {
    "",
    "not xml",
    "<domain><name>a</name>",
    "<pool type='dir'><name>a</name></pool>",
    "<?xml version='1.0'?><!DOCTYPE d [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><domain><name>&x;</name></domain>",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(FerryDomainXml) dom = ferry_domain_xml_new (bad[i], &error);

      if (dom != NULL)
        {
          /* The entity is never expanded into the name. */
          g_assert_cmpstr (ferry_domain_xml_get_name (dom), !=, NULL);
          g_assert_null (strstr (ferry_domain_xml_get_name (dom), "root:"));
          continue;
        }
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    }
}

static void
test_edits (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FerryDomainXml) dom = ferry_domain_xml_new (full_xml, NULL);
  g_autofree char *ha = ferry_domain_xml_dup_metadata (dom, "https://example.invalid/ha");
  g_autofree char *cpu = ferry_domain_xml_dup_cpu_xml (dom);
  g_autofree char *out = NULL;
  g_autoptr(FerryDomainXml) again = NULL;
  g_autofree char *ha_again = NULL;

  g_assert_nonnull (strstr (ha, "enabled=\"yes\""));
  g_assert_nonnull (strstr (cpu, "<model fallback=\"allow\">Westmere</model>"));

  g_assert_true (ferry_domain_xml_set_metadata (dom, "https://example.invalid/ha", "ferry",
                                                "<ha enabled='no'/>", &error));
  g_assert_no_error (error);
  g_assert_true (ferry_domain_xml_set_cpu_xml (dom, "<cpu mode='host-model'/>", &error));
  g_assert_no_error (error);
  g_assert_false (ferry_domain_xml_set_cpu_xml (dom, "<cpu", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);

  out = ferry_domain_xml_to_string (dom);
  again = ferry_domain_xml_new (out, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ferry_domain_xml_get_cpu_mode (again), ==, "host-model");
  g_assert_null (ferry_domain_xml_get_cpu_model (again));
  ha_again = ferry_domain_xml_dup_metadata (again, "https://example.invalid/ha");
  g_assert_nonnull (strstr (ha_again, "enabled=\"no\""));
  /* Everything else kept. */
  g_assert_cmpuint (ferry_domain_xml_get_disks (again)->len, ==, 5);
  g_assert_cmpuint (ferry_domain_xml_get_interfaces (again)->len, ==, 4);

  g_assert_true (ferry_domain_xml_set_cpu_xml (again, NULL, &error));
  g_clear_pointer (&out, g_free);
  out = ferry_domain_xml_to_string (again);
  g_assert_null (strstr (out, "<cpu"));
  g_assert_finalize_object (g_steal_pointer (&dom));
  g_assert_finalize_object (g_steal_pointer (&again));
}

/* The element virDomainGetMetadata returns, on its own. */
static void
test_metadata_attribute (void)
{
  const char *ns = "https://example.invalid/ha";
  struct {
    const char *xml;
    const char *expected;
  } cases[] = {
    { "<ferry:ha xmlns:ferry='https://example.invalid/ha' enabled='yes'/>", "yes" },
    { "<ha xmlns='https://example.invalid/ha' enabled='no'><x/></ha>", "no" },
    { "<ha xmlns='https://example.invalid/ha' enabled=''/>", NULL },
    { "<ha xmlns='https://example.invalid/ha'/>", NULL },
    /* The same name in another namespace, or in none, is not ours. */
    { "<x:ha xmlns:x='https://example.org/ha' enabled='yes'/>", NULL },
    { "<ha enabled='yes'/>", NULL },
    /* Only the unprefixed attribute. */
    { "<f:ha xmlns:f='https://example.invalid/ha' xmlns:o='https://example.org/o' o:enabled='yes'/>", NULL },
    { "<ha xmlns='https://example.invalid/ha' enabled='yes'", NULL },
    { "", NULL },
    { NULL, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *value = ferry_domain_xml_metadata_attribute (cases[i].xml, ns, "enabled");

      g_test_message ("case %u", i);
      g_assert_cmpstr (value, ==, cases[i].expected);
    }
}

static void
test_check_cpu_xml (void)
{
  const char *good[] = {
    "<cpu mode='host-model'/>",
    "<cpu mode='custom' match='exact'><model fallback='forbid'>Westmere</model>"
    "<feature policy='require' name='aes'/></cpu>",
    /* newer than libvirt-gconfig: still a <cpu> */
    "<cpu mode='maximum'/>",
  };
  const char *bad[] = {
    "",
    "<cpu",
    "<domain><cpu/></domain>",
    "not xml",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (ferry_domain_xml_check_cpu_xml (good[i], &error));
      g_assert_no_error (error);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_test_message ("bad case %u", i);
      g_assert_false (ferry_domain_xml_check_cpu_xml (bad[i], &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    }
}

/* Every unit libvirt accepts, without a warning (fatal criticals). */
static void
test_memory_units (void)
{
  const struct { const char *unit; const char *value; guint64 bytes; } cases[] = {
    { "KiB", "1024", 1ull << 20 }, { "K", "1", 1024 }, { "kib", "2", 2048 },
    { "MiB", "1", 1ull << 20 }, { "mib", "3", 3ull << 20 }, { "bytes", "4096", 4096 },
    { "b", "512", 512 }, { "GiB", "2", 2ull << 30 }, { "PiB", "1", 1ull << 50 },
    { NULL, "8", 8192 },   /* KiB by default */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *unit = cases[i].unit ? g_strdup_printf (" unit='%s'", cases[i].unit) : g_strdup ("");
      g_autofree char *xml = g_strdup_printf ("<domain type='kvm'><name>m</name><memory%s>%s</memory></domain>",
                                              unit, cases[i].value);
      g_autoptr(FerryDomainXml) dom = ferry_domain_xml_new (xml, NULL);

      g_assert_nonnull (dom);
      g_assert_cmpuint (ferry_domain_xml_get_max_memory (dom), ==, cases[i].bytes);
      g_assert_cmpuint (ferry_domain_xml_get_memory (dom), ==, cases[i].bytes);
      g_assert_finalize_object (g_steal_pointer (&dom));
    }
}

/* A namespace declared on <domain> instead of the element: the element
 * comes back with its declaration. */
static void
test_metadata_namespace (void)
{
  g_autoptr(FerryDomainXml) dom =
    ferry_domain_xml_new ("<domain type='kvm' xmlns:f='https://example.invalid/ha'><name>n</name>"
                          "<metadata><f:ha enabled='yes'/><f:ha enabled='no'/></metadata></domain>", NULL);
  g_autofree char *ha = ferry_domain_xml_dup_metadata (dom, "https://example.invalid/ha");
  g_autofree char *none = ferry_domain_xml_dup_metadata (dom, "https://example.invalid/other");

  g_assert_nonnull (ha);
  g_assert_nonnull (strstr (ha, "xmlns:f=\"https://example.invalid/ha\""));
  g_assert_nonnull (strstr (ha, "enabled=\"yes\""));
  g_assert_null (none);
  g_assert_finalize_object (g_steal_pointer (&dom));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/domain-xml/top-level", test_top_level);
  g_test_add_func ("/domain-xml/devices", test_devices);
  g_test_add_func ("/domain-xml/paths-and-sources", test_paths_and_sources);
  g_test_add_func ("/domain-xml/boot-dev", test_boot_dev);
  g_test_add_func ("/domain-xml/newer-values", test_newer_values);
  g_test_add_func ("/domain-xml/bad-input", test_bad_input);
  g_test_add_func ("/domain-xml/edits", test_edits);
  g_test_add_func ("/domain-xml/memory-units", test_memory_units);
  g_test_add_func ("/domain-xml/metadata-namespace", test_metadata_namespace);
  g_test_add_func ("/domain-xml/metadata-attribute", test_metadata_attribute);
  g_test_add_func ("/domain-xml/check-cpu-xml", test_check_cpu_xml);
  return g_test_run ();
}
