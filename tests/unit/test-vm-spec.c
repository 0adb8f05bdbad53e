/* test-vm-spec.c — validating, writing and creating a new VM
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "ferry-domain-xml.h"
#include "ferry-test-util.h"
#include "ferry-xml.h"

#define GiB (G_GUINT64_CONSTANT (1024) * 1024 * 1024)
#define MiB (G_GUINT64_CONSTANT (1024) * 1024)

static char *tmpdir;

/* ---------------------------------------------------------------------- */
/* Names                                                                   */

static void
test_names (void)
{
  const char *good[] = { "a", "web-01", "db_2.test", "x+y", "0start", "A.b-c_d+e",
                         "1234567890123456789012345678901234567890123456789012345678901234" };
  const char *bad[] = { "", "-web", ".hidden", "web 01", "web/01", "wéb", "a&b", "a'b", "a<b",
                        "12345678901234567890123456789012345678901234567890123456789012345" };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (ferry_vm_name_validate (good[i], &error));
      g_assert_no_error (error);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (ferry_vm_name_validate (bad[i], &error));
      g_assert_error (error, FERRY_VM_SPEC_ERROR, FERRY_VM_SPEC_ERROR_NAME);
    }
  g_assert_false (ferry_vm_name_validate (NULL, NULL));
}

/* ---------------------------------------------------------------------- */
/* Validation, as a table                                                  */

static FerryHostResources *
make_resources (void)
{
  FerryHostResources *res = ferry_host_resources_new ();
  FerryHostPool *pool;
  FerryHostNetwork *network;

  pool = ferry_host_pool_new ("tank");
  pool->active = TRUE;
  pool->type = g_strdup ("dir");
  pool->path = g_strdup ("/tank");
  pool->capacity = 100 * GiB;
  pool->available = 90 * GiB;
  g_ptr_array_add (pool->volumes, ferry_host_volume_new ("debian.iso", "/tank/debian.iso", "raw"));
  g_ptr_array_add (pool->volumes, ferry_host_volume_new ("disk1.qcow2", "/tank/disk1.qcow2", "qcow2"));
  g_ptr_array_add (pool->volumes, ferry_host_volume_new ("clash.qcow2", "/tank/clash.qcow2", "qcow2"));
  g_ptr_array_add (res->pools, pool);

  pool = ferry_host_pool_new ("offline");
  g_ptr_array_add (res->pools, pool);

  pool = ferry_host_pool_new ("small");
  pool->active = TRUE;
  pool->available = GiB;
  g_ptr_array_add (res->pools, pool);

  network = ferry_host_network_new ("default");
  network->active = TRUE;
  network->bridge = g_strdup ("virbr0");
  network->forward_mode = g_strdup ("nat");
  g_ptr_array_add (res->networks, network);
  g_ptr_array_add (res->networks, ferry_host_network_new ("down"));

  res->bridges = g_strsplit ("br0", ",", -1);
  res->has_domain_caps = TRUE;
  res->virttype = g_strdup ("kvm");
  res->max_vcpus = 16;
  res->uefi = TRUE;
  return res;
}

static FerryVmSpec *
make_spec (void)
{
  FerryVmSpec *spec = ferry_vm_spec_new ();

  g_free (spec->name);
  spec->name = g_strdup ("new-vm");
  spec->vcpus = 2;
  spec->memory = GiB;
  spec->install_iso = g_strdup ("/tank/debian.iso");
  spec->new_disk_pool = g_strdup ("tank");
  spec->new_disk_size = 10 * GiB;
  spec->network_type = g_strdup ("network");
  spec->network_source = g_strdup ("default");
  g_free (spec->firmware);
  spec->firmware = g_strdup ("efi");
  spec->start_after_create = TRUE;
  return spec;
}

/* "field=value" edits of the base spec; "NULL" for NULL. */
static void
apply_change (FerryVmSpec *spec,
              const char  *change)
{
  g_auto(GStrv) kv = g_strsplit (change, "=", 2);
  const char *value = g_strcmp0 (kv[1], "NULL") == 0 ? NULL : kv[1];
  char **field = NULL;

  if (strcmp (kv[0], "name") == 0) field = &spec->name;
  else if (strcmp (kv[0], "iso") == 0) field = &spec->install_iso;
  else if (strcmp (kv[0], "import") == 0) field = &spec->import_disk;
  else if (strcmp (kv[0], "pool") == 0) field = &spec->new_disk_pool;
  else if (strcmp (kv[0], "format") == 0) field = &spec->new_disk_format;
  else if (strcmp (kv[0], "net") == 0) field = &spec->network_type;
  else if (strcmp (kv[0], "source") == 0) field = &spec->network_source;
  else if (strcmp (kv[0], "firmware") == 0) field = &spec->firmware;
  else if (strcmp (kv[0], "virttype") == 0) field = &spec->virttype;
  else if (strcmp (kv[0], "vcpus") == 0) spec->vcpus = (guint) g_ascii_strtoull (value, NULL, 10);
  else if (strcmp (kv[0], "memory-mib") == 0) spec->memory = g_ascii_strtoull (value, NULL, 10) * MiB;
  else if (strcmp (kv[0], "size-gib") == 0) spec->new_disk_size = g_ascii_strtoull (value, NULL, 10) * GiB;
  else if (strcmp (kv[0], "start") == 0) spec->start_after_create = strcmp (value, "yes") == 0;
  else g_assert_not_reached ();

  if (field != NULL)
    {
      g_free (*field);
      *field = g_strdup (value);
    }
}

typedef struct
{
  const char *changes[3];
  int         res;        /* 0: full resources, 1: none, 2: no UEFI/KVM, 3: bridges unknown */
  int         expected;   /* -1: valid */
} ValidateCase;

static const ValidateCase validate_cases[] = {
  { { NULL }, 0, -1 },
  { { NULL }, 1, -1 },
  /* name */
  { { "name=" }, 0, FERRY_VM_SPEC_ERROR_NAME },
  { { "name=NULL" }, 0, FERRY_VM_SPEC_ERROR_NAME },
  { { "name=-x" }, 0, FERRY_VM_SPEC_ERROR_NAME },
  { { "name=a b" }, 0, FERRY_VM_SPEC_ERROR_NAME },
  { { "name=vm-0001" }, 0, FERRY_VM_SPEC_ERROR_NAME_CLASH },
  { { "name=vm-0001" }, 1, FERRY_VM_SPEC_ERROR_NAME_CLASH },
  { { "name=VM-0001" }, 0, -1 },                             /* case-sensitive, like libvirt */
  /* hypervisor and firmware */
  { { "virttype=xen" }, 0, FERRY_VM_SPEC_ERROR_VIRTTYPE },
  { { "virttype=kvm" }, 2, FERRY_VM_SPEC_ERROR_VIRTTYPE },
  { { "virttype=qemu", "firmware=bios" }, 2, -1 },
  { { "firmware=uboot" }, 0, FERRY_VM_SPEC_ERROR_FIRMWARE },
  { { "firmware=NULL" }, 0, FERRY_VM_SPEC_ERROR_FIRMWARE },
  { { "virttype=qemu", "firmware=efi" }, 2, FERRY_VM_SPEC_ERROR_FIRMWARE },
  /* vCPUs and memory */
  { { "vcpus=0" }, 0, FERRY_VM_SPEC_ERROR_VCPUS },
  { { "vcpus=16" }, 0, -1 },
  { { "vcpus=17" }, 0, FERRY_VM_SPEC_ERROR_VCPUS },
  { { "vcpus=17" }, 1, -1 },                                 /* no maximum known */
  { { "memory-mib=31" }, 0, FERRY_VM_SPEC_ERROR_MEMORY },
  { { "memory-mib=32" }, 0, -1 },
  { { "memory-mib=8192" }, 0, -1 },                           /* all of the host's 8 GiB */
  { { "memory-mib=8193" }, 0, FERRY_VM_SPEC_ERROR_MEMORY },
  /* disks */
  { { "iso=NULL", "size-gib=0" }, 0, FERRY_VM_SPEC_ERROR_DISK },
  { { "size-gib=0" }, 0, FERRY_VM_SPEC_ERROR_DISK },          /* an ISO install needs a disk */
  { { "iso=NULL" }, 0, -1 },                                  /* a new empty disk (PXE) */
  { { "iso=/tank/nope.iso" }, 0, FERRY_VM_SPEC_ERROR_ISO },
  { { "iso=/tank/nope.iso" }, 1, -1 },
  { { "import=/tank/disk1.qcow2" }, 0, FERRY_VM_SPEC_ERROR_DISK },
  { { "import=/tank/disk1.qcow2", "iso=NULL" }, 0, FERRY_VM_SPEC_ERROR_DISK },
  { { "import=/tank/disk1.qcow2", "iso=NULL", "size-gib=0" }, 0, -1 },
  { { "import=/tank/nope.qcow2", "iso=NULL", "size-gib=0" }, 0, FERRY_VM_SPEC_ERROR_DISK },
  { { "format=vmdk" }, 0, FERRY_VM_SPEC_ERROR_DISK },
  { { "format=raw" }, 0, -1 },
  { { "name=clash" }, 0, FERRY_VM_SPEC_ERROR_DISK },           /* clash.qcow2 is taken */
  { { "name=clash", "format=raw" }, 0, -1 },                   /* clash.img is not */
  { { "pool=NULL" }, 0, FERRY_VM_SPEC_ERROR_POOL },
  { { "pool=NULL" }, 1, FERRY_VM_SPEC_ERROR_POOL },
  { { "pool=nope" }, 0, FERRY_VM_SPEC_ERROR_POOL },
  { { "pool=nope" }, 1, -1 },
  { { "pool=offline" }, 0, FERRY_VM_SPEC_ERROR_POOL },
  { { "pool=small" }, 0, FERRY_VM_SPEC_ERROR_POOL },
  { { "pool=small", "size-gib=1" }, 0, -1 },
  /* network */
  { { "net=NULL" }, 0, -1 },
  { { "source=nope" }, 0, FERRY_VM_SPEC_ERROR_NETWORK },
  { { "source=NULL" }, 0, FERRY_VM_SPEC_ERROR_NETWORK },
  { { "source=down" }, 0, FERRY_VM_SPEC_ERROR_NETWORK },
  { { "source=down", "start=no" }, 0, -1 },
  { { "net=bridge", "source=br0" }, 0, -1 },
  { { "net=bridge", "source=br9" }, 0, FERRY_VM_SPEC_ERROR_NETWORK },
  { { "net=bridge", "source=br9" }, 3, -1 },
  { { "net=bridge", "source=a/b" }, 3, FERRY_VM_SPEC_ERROR_NETWORK },
  { { "net=macvtap", "source=eth0" }, 0, FERRY_VM_SPEC_ERROR_NETWORK },
};

static void
test_validate (void)
{
  g_autoptr(FerryInventory) inventory = ferry_inventory_new ();
  g_autofree char *uri = ferry_test_write_node_file (tmpdir, "names.xml", "vm", 2, 1,
                                                      "eeeeeeee-0000-4000-8000-");
  g_autoptr(FerryNode) node = ferry_node_new (uri, NULL, NULL);
  g_autoptr(FerryHostResources) full = make_resources ();
  g_autoptr(FerryHostResources) tcg = make_resources ();
  g_autoptr(FerryHostResources) no_bridges = make_resources ();

  ferry_inventory_add_node (inventory, node);
  ferry_node_connect (node);
  g_assert_true (ferry_test_wait_node_state (node, FERRY_NODE_STATE_CONNECTED, 10000));
  g_assert_cmpuint (ferry_node_get_n_vms (node), ==, 2);

  g_free (tcg->virttype);
  tcg->virttype = g_strdup ("qemu");
  tcg->uefi = FALSE;
  g_clear_pointer (&no_bridges->bridges, g_strfreev);

  for (guint i = 0; i < G_N_ELEMENTS (validate_cases); i++)
    {
      const ValidateCase *c = &validate_cases[i];
      const FerryHostResources *res[] = { full, NULL, tcg, no_bridges };
      g_autoptr(FerryVmSpec) spec = make_spec ();
      g_autoptr(GError) error = NULL;
      gboolean ok;

      for (guint j = 0; j < G_N_ELEMENTS (c->changes) && c->changes[j] != NULL; j++)
        apply_change (spec, c->changes[j]);

      ok = ferry_vm_spec_validate (spec, res[c->res], ferry_node_get_vms (node), 8 * GiB, &error);
      g_test_message ("case %u (%s, %s): %s", i, c->changes[0] ? c->changes[0] : "base",
                      c->changes[1] ? c->changes[1] : "", error ? error->message : "valid");
      if (c->expected < 0)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
        }
      else
        {
          g_assert_false (ok);
          g_assert_error (error, FERRY_VM_SPEC_ERROR, c->expected);
          /* A sentence for the user, not a code. */
          g_assert_cmpuint (strlen (error->message), >, 15);
          g_assert_true (g_str_has_suffix (error->message, "."));
        }
    }

  /* The copy is deep. */
  {
    g_autoptr(FerryVmSpec) spec = make_spec ();
    g_autoptr(FerryVmSpec) copy = ferry_vm_spec_copy (spec);

    g_assert_true (copy->name != spec->name);
    g_assert_cmpstr (copy->name, ==, spec->name);
    g_assert_cmpstr (copy->install_iso, ==, spec->install_iso);
    g_assert_cmpuint (copy->new_disk_size, ==, spec->new_disk_size);
  }
}

/* ---------------------------------------------------------------------- */
/* XML                                                                     */

static char *
xpath1 (const char *xml,
        const char *xpath)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) values = ferry_xml_eval_strings (xml, xpath, &error);

  g_assert_no_error (error);
  return values[0] ? g_strdup (values[0]) : NULL;
}

#define assert_xpath(xml, xpath, expected) \
  G_STMT_START { \
    g_autofree char *value_ = xpath1 ((xml), (xpath)); \
    g_assert_cmpstr (value_, ==, (expected)); \
  } G_STMT_END

static void
test_xml_install (void)
{
  g_autoptr(FerryVmSpec) spec = make_spec ();
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = ferry_vm_spec_to_xml (spec, "/tank/new-vm.qcow2", &error);
  g_autoptr(FerryVmDetails) d = NULL;
  const char *boot[] = { "cdrom", "hd", NULL };

  g_assert_no_error (error);
  g_test_message ("%s", xml);
  g_assert_false (g_str_has_prefix (xml, "<?xml"));

  assert_xpath (xml, "/domain/@type", "kvm");
  assert_xpath (xml, "/domain/name", "new-vm");
  assert_xpath (xml, "/domain/memory", "1048576");
  assert_xpath (xml, "/domain/memory/@unit", "KiB");
  assert_xpath (xml, "/domain/currentMemory", "1048576");
  assert_xpath (xml, "/domain/vcpu", "2");
  assert_xpath (xml, "/domain/os/@firmware", "efi");
  assert_xpath (xml, "/domain/os/type", "hvm");
  assert_xpath (xml, "/domain/os/type/@arch", "x86_64");
  assert_xpath (xml, "string(count(/domain/features/acpi))", "1");
  assert_xpath (xml, "string(count(/domain/features/apic))", "1");
  assert_xpath (xml, "/domain/cpu/@mode", "host-model");
  assert_xpath (xml, "/domain/on_crash", "destroy");
  assert_xpath (xml, "/domain/devices/disk[@device='disk']/driver/@type", "qcow2");
  assert_xpath (xml, "/domain/devices/disk[@device='disk']/source/@file", "/tank/new-vm.qcow2");
  assert_xpath (xml, "/domain/devices/disk[@device='disk']/target/@dev", "vda");
  assert_xpath (xml, "/domain/devices/disk[@device='disk']/target/@bus", "virtio");
  assert_xpath (xml, "/domain/devices/disk[@device='cdrom']/source/@file", "/tank/debian.iso");
  assert_xpath (xml, "/domain/devices/disk[@device='cdrom']/target/@dev", "sda");
  assert_xpath (xml, "/domain/devices/disk[@device='cdrom']/target/@bus", "sata");
  assert_xpath (xml, "string(count(/domain/devices/disk[@device='cdrom']/readonly))", "1");
  assert_xpath (xml, "/domain/devices/interface/@type", "network");
  assert_xpath (xml, "/domain/devices/interface/source/@network", "default");
  assert_xpath (xml, "/domain/devices/interface/model/@type", "virtio");
  assert_xpath (xml, "/domain/devices/input[@type='tablet']/@bus", "usb");
  assert_xpath (xml, "/domain/devices/graphics/@type", "vnc");
  assert_xpath (xml, "/domain/devices/graphics/@listen", "127.0.0.1");
  assert_xpath (xml, "/domain/devices/graphics/@autoport", "yes");
  assert_xpath (xml, "/domain/devices/graphics/listen/@type", "address");
  assert_xpath (xml, "/domain/devices/graphics/listen/@address", "127.0.0.1");
  assert_xpath (xml, "/domain/devices/video/model/@type", "virtio");
  assert_xpath (xml, "/domain/devices/serial/@type", "pty");
  assert_xpath (xml, "/domain/devices/console/@type", "pty");
  assert_xpath (xml, "/domain/devices/console/target/@type", "serial");
  assert_xpath (xml,
                "/domain/metadata/*[local-name()='vm' and namespace-uri()='https://github.com/ferryvm/ferry/ns/1']"
                "/*[local-name()='created-by']", "ferry");

  d = ferry_vm_details_parse (xml, &error);
  g_assert_no_error (error);
  g_assert_true (g_strv_equal ((const char * const *) d->boot_order, boot));
  g_assert_cmpuint (d->memory, ==, GiB);
}

static void
test_xml_qemu_import (void)
{
  g_autoptr(FerryVmSpec) spec = make_spec ();
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = NULL;
  g_autoptr(FerryVmDetails) d = NULL;
  const char *boot[] = { "hd", NULL };

  g_clear_pointer (&spec->install_iso, g_free);
  spec->new_disk_size = 0;
  spec->import_disk = g_strdup ("/tank/disk1.qcow2");
  g_free (spec->virttype);
  spec->virttype = g_strdup ("qemu");
  g_free (spec->firmware);
  spec->firmware = g_strdup ("bios");
  g_free (spec->network_type);
  spec->network_type = g_strdup ("bridge");
  g_free (spec->network_source);
  spec->network_source = g_strdup ("br0");
  spec->memory = 300 * MiB + 1;                  /* rounded up to whole KiB */

  xml = ferry_vm_spec_to_xml (spec, spec->import_disk, &error);
  g_assert_no_error (error);
  assert_xpath (xml, "/domain/@type", "qemu");
  assert_xpath (xml, "string(count(/domain/cpu))", "0");      /* TCG: its own CPU */
  assert_xpath (xml, "string(count(/domain/os/@firmware))", "0");
  assert_xpath (xml, "string(count(/domain/devices/disk))", "1");
  assert_xpath (xml, "/domain/memory", "307201");
  assert_xpath (xml, "/domain/devices/video/model/@type", "vga");
  assert_xpath (xml, "/domain/devices/interface/@type", "bridge");
  assert_xpath (xml, "/domain/devices/interface/source/@bridge", "br0");

  d = ferry_vm_details_parse (xml, &error);
  g_assert_no_error (error);
  g_assert_true (g_strv_equal ((const char * const *) d->boot_order, boot));
  g_assert_cmpstr (d->firmware, ==, "bios");
}

/* Values are escaped by the tree API: a hostile path stays a path. */
static void
test_xml_escaping (void)
{
  g_autoptr(FerryVmSpec) spec = make_spec ();
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = NULL;
  g_autoptr(FerryVmDetails) d = NULL;
  const char *path = "/tank/a&b <c> 'd' \"e\"/&amp;]]><disk/>.qcow2";
  const char *iso = "/isos/x'/><graphics type='spice'/><y a='.iso";

  g_free (spec->install_iso);
  spec->install_iso = g_strdup (iso);
  g_free (spec->network_source);
  spec->network_source = g_strdup ("net'/><interface type='user");

  xml = ferry_vm_spec_to_xml (spec, path, &error);
  g_assert_no_error (error);
  d = ferry_vm_details_parse (xml, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (d->disks->len, ==, 2);
  g_assert_cmpstr (ferry_vm_details_find_disk (d, "vda")->source, ==, path);
  g_assert_cmpstr (ferry_vm_details_find_disk (d, "sda")->source, ==, iso);
  g_assert_cmpuint (d->graphics->len, ==, 1);
  g_assert_cmpuint (d->nics->len, ==, 1);
  g_assert_cmpstr (((FerryVmNic *) g_ptr_array_index (d->nics, 0))->source, ==,
                   "net'/><interface type='user");

  /* A bad name never reaches the XML. */
  g_free (spec->name);
  spec->name = g_strdup ("x</name><name>y");
  g_clear_pointer (&xml, g_free);
  g_clear_error (&error);
  xml = ferry_vm_spec_to_xml (spec, path, &error);
  g_assert_null (xml);
  g_assert_error (error, FERRY_VM_SPEC_ERROR, FERRY_VM_SPEC_ERROR_NAME);
  g_clear_error (&error);

  /* Nor a disk without its path. */
  g_free (spec->name);
  spec->name = g_strdup ("ok");
  xml = ferry_vm_spec_to_xml (spec, NULL, &error);
  g_assert_null (xml);
  g_assert_error (error, FERRY_VM_SPEC_ERROR, FERRY_VM_SPEC_ERROR_DISK);
}

/* libvirt (here its test driver) defines what Ferry writes, and reads it
 * back as meant. */
static FerryDomainXml *
define_and_read_back (virConnectPtr  conn,
                      const char    *xml)
{
  g_autoptr(GError) error = NULL;
  FerryDomainXml *dx;
  virDomainPtr domain;
  char *back;

  domain = virDomainDefineXML (conn, xml);
  if (domain == NULL)
    g_error ("libvirt refused the XML: %s\n%s", virGetLastErrorMessage (), xml);
  back = virDomainGetXMLDesc (domain, VIR_DOMAIN_XML_INACTIVE);
  g_assert_nonnull (back);
  g_test_message ("%s", back);
  dx = ferry_domain_xml_new (back, &error);
  g_assert_no_error (error);
  free (back);
  g_assert_cmpint (virDomainUndefine (domain), ==, 0);
  virDomainFree (domain);
  return dx;
}

static void
test_xml_defines (void)
{
  virConnectPtr conn = virConnectOpen ("test:///default");
  g_autoptr(FerryVmSpec) spec = make_spec ();
  g_autoptr(FerryDomainXml) dx = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *metadata = NULL;
  const char *install_boot[] = { "cdrom", "hd", NULL };
  const char *pxe_boot[] = { "network", NULL };
  const char *path = "/tank/a&b <c> 'd' \"e\".qcow2";
  FerryDomainDisk *disk;
  FerryDomainInterface *iface;
  FerryDomainGraphics *graphics;
  GPtrArray *disks;

  g_assert_nonnull (conn);

  /* An ISO install on KVM with UEFI. */
  xml = ferry_vm_spec_to_xml (spec, path, &error);
  g_assert_no_error (error);
  dx = define_and_read_back (conn, xml);
  g_assert_cmpstr (ferry_domain_xml_get_name (dx), ==, "new-vm");
  g_assert_cmpstr (ferry_domain_xml_get_virt_type (dx), ==, "kvm");
  g_assert_cmpuint (ferry_domain_xml_get_vcpus (dx), ==, 2);
  g_assert_cmpuint (ferry_domain_xml_get_max_vcpus (dx), ==, 2);
  g_assert_cmpuint (ferry_domain_xml_get_memory (dx), ==, GiB);
  g_assert_cmpuint (ferry_domain_xml_get_max_memory (dx), ==, GiB);
  g_assert_cmpstr (ferry_domain_xml_get_os_type (dx), ==, "hvm");
  g_assert_cmpstr (ferry_domain_xml_get_arch (dx), ==, "x86_64");
  g_assert_cmpstr (ferry_domain_xml_get_firmware (dx), ==, "efi");
  g_assert_true (g_strv_equal (ferry_domain_xml_get_boot_order (dx), install_boot));
  g_assert_cmpstr (ferry_domain_xml_get_cpu_mode (dx), ==, "host-model");
  disks = ferry_domain_xml_get_disks (dx);
  g_assert_cmpuint (disks->len, ==, 2);
  disk = g_ptr_array_index (disks, 0);
  g_assert_cmpstr (disk->type, ==, "file");
  g_assert_cmpstr (disk->device, ==, "disk");
  g_assert_cmpstr (disk->source, ==, path);
  g_assert_cmpstr (disk->format, ==, "qcow2");
  g_assert_cmpstr (disk->target, ==, "vda");
  g_assert_cmpstr (disk->bus, ==, "virtio");
  g_assert_false (disk->readonly);
  disk = g_ptr_array_index (disks, 1);
  g_assert_cmpstr (disk->device, ==, "cdrom");
  g_assert_cmpstr (disk->source, ==, "/tank/debian.iso");
  g_assert_cmpstr (disk->format, ==, "raw");
  g_assert_cmpstr (disk->target, ==, "sda");
  g_assert_cmpstr (disk->bus, ==, "sata");
  g_assert_true (disk->readonly);
  g_assert_cmpuint (ferry_domain_xml_get_interfaces (dx)->len, ==, 1);
  iface = g_ptr_array_index (ferry_domain_xml_get_interfaces (dx), 0);
  g_assert_cmpstr (iface->type, ==, "network");
  g_assert_cmpstr (iface->source, ==, "default");
  g_assert_cmpstr (iface->model, ==, "virtio");
  g_assert_cmpuint (ferry_domain_xml_get_graphics (dx)->len, ==, 1);
  graphics = g_ptr_array_index (ferry_domain_xml_get_graphics (dx), 0);
  g_assert_cmpstr (graphics->type, ==, "vnc");
  g_assert_cmpstr (graphics->listen, ==, "127.0.0.1");
  g_assert_true (graphics->autoport);
  metadata = ferry_domain_xml_dup_metadata (dx, "https://github.com/ferryvm/ferry/ns/1");
  g_assert_nonnull (metadata);
  g_assert_nonnull (strstr (metadata, "created-by>ferry<"));
  g_assert_finalize_object (g_steal_pointer (&dx));
  g_clear_pointer (&xml, g_free);

  /* An imported raw disk under TCG, BIOS, on a bridge: no CPU element. */
  g_clear_pointer (&spec->install_iso, g_free);
  spec->new_disk_size = 0;
  spec->import_disk = g_strdup ("/tank/disk1.img");
  g_free (spec->new_disk_format);
  spec->new_disk_format = g_strdup ("raw");
  g_free (spec->virttype);
  spec->virttype = g_strdup ("qemu");
  g_free (spec->firmware);
  spec->firmware = g_strdup ("bios");
  g_free (spec->network_type);
  spec->network_type = g_strdup ("bridge");
  g_free (spec->network_source);
  spec->network_source = g_strdup ("br0");
  xml = ferry_vm_spec_to_xml (spec, spec->import_disk, &error);
  g_assert_no_error (error);
  dx = define_and_read_back (conn, xml);
  g_assert_cmpstr (ferry_domain_xml_get_virt_type (dx), ==, "qemu");
  g_assert_null (ferry_domain_xml_get_firmware (dx));
  g_assert_null (ferry_domain_xml_get_cpu_mode (dx));
  g_assert_null (ferry_domain_xml_dup_cpu_xml (dx));
  g_assert_cmpuint (ferry_domain_xml_get_disks (dx)->len, ==, 1);
  disk = g_ptr_array_index (ferry_domain_xml_get_disks (dx), 0);
  g_assert_cmpstr (disk->format, ==, "raw");
  iface = g_ptr_array_index (ferry_domain_xml_get_interfaces (dx), 0);
  g_assert_cmpstr (iface->type, ==, "bridge");
  g_assert_cmpstr (iface->source, ==, "br0");
  g_assert_finalize_object (g_steal_pointer (&dx));
  g_clear_pointer (&xml, g_free);

  /* No disk, a cluster's CPU: PXE boot, the CPU as given. */
  g_clear_pointer (&spec->import_disk, g_free);
  g_free (spec->virttype);
  spec->virttype = g_strdup ("kvm");
  spec->cpu_xml = g_strdup ("<cpu mode='custom' match='exact'><model fallback='forbid'>EPYC</model></cpu>");
  xml = ferry_vm_spec_to_xml (spec, NULL, &error);
  g_assert_no_error (error);
  dx = define_and_read_back (conn, xml);
  g_assert_cmpuint (ferry_domain_xml_get_disks (dx)->len, ==, 0);
  g_assert_true (g_strv_equal (ferry_domain_xml_get_boot_order (dx), pxe_boot));
  g_assert_cmpstr (ferry_domain_xml_get_cpu_mode (dx), ==, "custom");
  g_assert_cmpstr (ferry_domain_xml_get_cpu_model (dx), ==, "EPYC");
  g_assert_finalize_object (g_steal_pointer (&dx));
  g_clear_pointer (&xml, g_free);

  /* A CPU that is no <cpu>, or no XML at all: the default CPU instead. */
  g_free (spec->cpu_xml);
  spec->cpu_xml = g_strdup ("<model>EPYC</model>");
  xml = ferry_vm_spec_to_xml (spec, NULL, &error);
  g_assert_no_error (error);
  dx = define_and_read_back (conn, xml);
  g_assert_cmpstr (ferry_domain_xml_get_cpu_mode (dx), ==, "host-model");
  g_assert_finalize_object (g_steal_pointer (&dx));
  g_clear_pointer (&xml, g_free);
  g_free (spec->cpu_xml);
  spec->cpu_xml = g_strdup ("<cpu mode='custom'");
  xml = ferry_vm_spec_to_xml (spec, NULL, &error);
  g_assert_no_error (error);
  dx = define_and_read_back (conn, xml);
  g_assert_cmpstr (ferry_domain_xml_get_cpu_mode (dx), ==, "host-model");
  g_assert_finalize_object (g_steal_pointer (&dx));

  virConnectClose (conn);
}

/* ---------------------------------------------------------------------- */
/* On libvirt's test driver                                                */

static const char *node_xml =
  "<node xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>\n"
  "  <cpu><nodes>1</nodes><sockets>1</sockets><cores>4</cores><threads>1</threads>"
  "<active>4</active><mhz>2400</mhz><model>x86_64</model></cpu>\n"
  "  <memory>8388608</memory>\n"
  "  <network><name>default</name><bridge name='virbr0'/><forward mode='nat'/>"
  "<ip address='192.168.122.1' netmask='255.255.255.0'/></network>\n"
  "  <network><name>isolated</name><bridge name='virbr9'/></network>\n"
  "  <interface type='bridge' name='br0'><start mode='onboot'/><bridge>"
  "<interface type='ethernet' name='eth0'><mac address='aa:bb:cc:dd:ee:01'/></interface>"
  "</bridge></interface>\n"
  "  <interface type='ethernet' name='eth1'><start mode='onboot'/>"
  "<mac address='aa:bb:cc:dd:ee:02'/></interface>\n"
  "  <pool type='dir'><name>tank</name><capacity unit='GiB'>100</capacity>"
  "<allocation unit='GiB'>10</allocation><available unit='GiB'>90</available>"
  "<source/><target><path>/tank</path></target>\n"
  "    <volume><name>disk1.qcow2</name><capacity unit='GiB'>8</capacity>"
  "<allocation unit='GiB'>1</allocation><target><format type='qcow2'/></target></volume>\n"
  "    <volume><name>debian.iso</name><capacity unit='MiB'>600</capacity>"
  "<allocation unit='MiB'>600</allocation><target><format type='raw'/></target></volume>\n"
  "    <volume><name>taken.qcow2</name><capacity unit='GiB'>1</capacity>"
  "<target><format type='qcow2'/></target></volume>\n"
  "  </pool>\n"
  "  <domain type='qemu'><name>old</name><memory unit='MiB'>256</memory><vcpu>1</vcpu>"
  "<os><type arch='x86_64'>hvm</type></os><test:runstate>5</test:runstate></domain>\n"
  "</node>\n";

static FerryNode *
add_connected_node (FerryInventory *inventory,
                    const char     *file_name)
{
  return ferry_test_add_node_from_xml (inventory, tmpdir, file_name, node_xml);
}

typedef struct
{
  gboolean  done;
  gpointer  result;
  GError   *error;
} Wait;

static gboolean
finished (gpointer data)
{
  return ((Wait *) data)->done;
}

static void
resources_done (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Wait *w = user_data;

  w->result = ferry_node_get_resources_finish (FERRY_NODE (object), result, &w->error);
  w->done = TRUE;
}

static FerryHostResources *
get_resources (FerryNode *node)
{
  Wait w = { FALSE, NULL, NULL };

  ferry_node_get_resources_async (node, NULL, resources_done, &w);
  g_assert_true (ferry_test_wait_until (finished, &w, 10000));
  g_assert_no_error (w.error);
  return w.result;
}

static void
create_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Wait *w = user_data;

  w->result = ferry_node_create_vm_finish (FERRY_NODE (object), result, &w->error);
  w->done = TRUE;
}

/* Returns the UUID, or NULL and the error. */
static char *
create_vm (FerryNode          *node,
           const FerryVmSpec  *spec,
           GError            **error)
{
  Wait w = { FALSE, NULL, NULL };

  ferry_node_create_vm_async (node, spec, NULL, create_done, &w);
  g_assert_true (ferry_test_wait_until (finished, &w, 10000));
  if (w.error != NULL)
    g_propagate_error (error, w.error);
  return w.result;
}

static void
details_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Wait *w = user_data;

  w->result = ferry_vm_get_details_finish (FERRY_VM (object), result, &w->error);
  w->done = TRUE;
}

static FerryVmDetails *
get_details (FerryVm *vm)
{
  Wait w = { FALSE, NULL, NULL };

  ferry_vm_get_details_async (vm, NULL, details_done, &w);
  g_assert_true (ferry_test_wait_until (finished, &w, 10000));
  g_assert_no_error (w.error);
  return w.result;
}

typedef struct { FerryInventory *inventory; const char *uuid; } VmWait;

static gboolean
vm_listed (gpointer data)
{
  VmWait *w = data;
  return ferry_inventory_lookup_vm (w->inventory, w->uuid) != NULL;
}

static void
test_resources (void)
{
  g_autoptr(FerryInventory) inventory = ferry_inventory_new ();
  g_autoptr(FerryNode) node = add_connected_node (inventory, "resources.xml");
  g_autoptr(FerryHostResources) res = get_resources (node);
  const FerryHostPool *pool;
  const FerryHostVolume *volume;
  const FerryHostNetwork *network;

  g_assert_cmpuint (res->pools->len, ==, 1);
  pool = ferry_host_resources_find_pool (res, "tank");
  g_assert_nonnull (pool);
  g_assert_true (pool->active);
  g_assert_cmpstr (pool->type, ==, "dir");
  g_assert_cmpstr (pool->path, ==, "/tank");
  g_assert_cmpuint (pool->capacity, ==, 100 * GiB);
  g_assert_cmpuint (pool->available, >, 80 * GiB);
  g_assert_cmpuint (pool->volumes->len, ==, 3);

  volume = ferry_host_pool_find_volume (pool, "debian.iso");
  g_assert_cmpstr (volume->path, ==, "/tank/debian.iso");
  g_assert_cmpstr (volume->format, ==, "raw");
  g_assert_cmpuint (volume->capacity, ==, 600 * MiB);
  g_assert_true (volume->is_iso);
  volume = ferry_host_resources_find_volume_by_path (res, "/tank/disk1.qcow2", &pool);
  g_assert_nonnull (volume);
  g_assert_cmpstr (pool->name, ==, "tank");
  g_assert_cmpstr (volume->format, ==, "qcow2");
  g_assert_cmpuint (volume->capacity, ==, 8 * GiB);
  g_assert_cmpuint (volume->allocation, ==, GiB);
  g_assert_false (volume->is_iso);
  g_assert_null (ferry_host_resources_find_volume_by_path (res, "/tank/nope", NULL));

  g_assert_cmpuint (res->networks->len, ==, 2);
  network = ferry_host_resources_find_network (res, "default");
  g_assert_true (network->active);
  g_assert_cmpstr (network->bridge, ==, "virbr0");
  g_assert_cmpstr (network->forward_mode, ==, "nat");
  network = ferry_host_resources_find_network (res, "isolated");
  g_assert_null (network->forward_mode);

  /* The test driver lists interfaces: bridges only. */
  g_assert_nonnull (res->bridges);
  g_assert_cmpuint (g_strv_length (res->bridges), ==, 1);
  g_assert_cmpstr (res->bridges[0], ==, "br0");

  /* The test driver has no domain capabilities. */
  g_assert_false (res->has_domain_caps);
  g_assert_null (res->virttype);
  g_assert_cmpuint (res->max_vcpus, ==, 0);
  g_assert_nonnull (res->loaders);
}

/* ISO install with a new disk: the XML is accepted by libvirt, the disk
 * made, the VM started and known to the inventory. */
static void
test_create_install (void)
{
  g_autoptr(FerryInventory) inventory = ferry_inventory_new ();
  g_autoptr(FerryNode) node = add_connected_node (inventory, "install.xml");
  g_autoptr(FerryHostResources) res = get_resources (node);
  g_autoptr(FerryHostResources) after = NULL;
  g_autoptr(FerryVmSpec) spec = make_spec ();
  g_autoptr(GError) error = NULL;
  g_autoptr(FerryVmDetails) d = NULL;
  g_autofree char *uuid = NULL;
  const FerryHostVolume *volume;
  const FerryVmDisk *disk;
  const char *boot[] = { "cdrom", "hd", NULL };
  FerryVm *vm;
  VmWait vw = { inventory, NULL };

  g_free (spec->virttype);
  spec->virttype = g_strdup ("qemu");
  spec->memory = 512 * MiB;
  spec->new_disk_size = 2 * GiB;
  g_assert_true (ferry_vm_spec_validate (spec, res, ferry_node_get_vms (node),
                                         ferry_node_get_memory (node), &error));
  g_assert_no_error (error);

  uuid = create_vm (node, spec, &error);
  g_assert_no_error (error);
  g_assert_nonnull (uuid);
  g_assert_cmpuint (strlen (uuid), ==, 36);

  vw.uuid = uuid;
  g_assert_true (ferry_test_wait_until (vm_listed, &vw, 5000));
  vm = ferry_inventory_lookup_vm (inventory, uuid);
  g_assert_cmpstr (ferry_vm_get_name (vm), ==, "new-vm");
  g_assert_true (ferry_test_wait_vm_state (vm, FERRY_VM_STATE_RUNNING, 5000));
  g_assert_true (ferry_vm_get_node (vm) == node);

  d = get_details (vm);
  g_assert_true (d->active);
  g_assert_true (d->persistent);
  g_assert_cmpuint (d->vcpus, ==, 2);
  g_assert_cmpuint (d->memory, ==, 512 * MiB);
  g_assert_cmpstr (d->firmware, ==, "efi");
  g_assert_null (d->cpu_mode);                     /* qemu: no host-model */
  g_assert_true (g_strv_equal ((const char * const *) d->boot_order, boot));
  disk = ferry_vm_details_find_disk (d, "vda");
  g_assert_cmpstr (disk->source, ==, "/tank/new-vm.qcow2");
  g_assert_cmpstr (disk->format, ==, "qcow2");
  g_assert_cmpuint (disk->capacity, ==, 2 * GiB);
  disk = ferry_vm_details_find_disk (d, "sda");
  g_assert_cmpstr (disk->source, ==, "/tank/debian.iso");
  g_assert_cmpstr (disk->device, ==, "cdrom");
  g_assert_true (disk->readonly);
  g_assert_cmpuint (disk->capacity, ==, 600 * MiB);
  g_assert_cmpuint (d->nics->len, ==, 1);
  g_assert_cmpuint (d->graphics->len, ==, 1);
  g_assert_cmpstr (((FerryVmGraphics *) g_ptr_array_index (d->graphics, 0))->listen, ==, "127.0.0.1");

  after = get_resources (node);
  volume = ferry_host_resources_find_volume_by_path (after, "/tank/new-vm.qcow2", NULL);
  g_assert_nonnull (volume);
  g_assert_cmpstr (volume->format, ==, "qcow2");
  g_assert_cmpuint (volume->capacity, ==, 2 * GiB);

  /* The same again: the name is taken now (known to the inventory). */
  g_assert_null (create_vm (node, spec, &error));
  g_assert_error (error, FERRY_VM_SPEC_ERROR, FERRY_VM_SPEC_ERROR_NAME_CLASH);
}

/* Importing: the volume's own format wins over the form's default. */
static void
test_create_import (void)
{
  g_autoptr(FerryInventory) inventory = ferry_inventory_new ();
  g_autoptr(FerryNode) node = add_connected_node (inventory, "import.xml");
  g_autoptr(FerryVmSpec) spec = ferry_vm_spec_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(FerryVmDetails) d = NULL;
  g_autofree char *uuid = NULL;
  const FerryVmDisk *disk;
  FerryVm *vm;
  VmWait vw = { inventory, NULL };

  g_free (spec->name);
  spec->name = g_strdup ("imported");
  spec->memory = 256 * MiB;
  spec->import_disk = g_strdup ("/tank/disk1.qcow2");
  g_free (spec->new_disk_format);
  spec->new_disk_format = g_strdup ("raw");
  g_free (spec->virttype);
  spec->virttype = g_strdup ("kvm");

  uuid = create_vm (node, spec, &error);
  g_assert_no_error (error);
  vw.uuid = uuid;
  g_assert_true (ferry_test_wait_until (vm_listed, &vw, 5000));
  vm = ferry_inventory_lookup_vm (inventory, uuid);
  g_assert_cmpint (ferry_vm_get_state (vm), ==, FERRY_VM_STATE_SHUT_OFF);

  d = get_details (vm);
  g_assert_false (d->active);
  g_assert_cmpstr (d->cpu_mode, ==, "host-model");
  g_assert_cmpuint (d->disks->len, ==, 1);
  disk = ferry_vm_details_find_disk (d, "vda");
  g_assert_cmpstr (disk->source, ==, "/tank/disk1.qcow2");
  g_assert_cmpstr (disk->format, ==, "qcow2");
  g_assert_cmpuint (disk->capacity, ==, 8 * GiB);
  g_assert_cmpuint (d->nics->len, ==, 0);
}

static guint
n_volumes (FerryNode *node)
{
  g_autoptr(FerryHostResources) res = get_resources (node);

  return ((FerryHostPool *) g_ptr_array_index (res->pools, 0))->volumes->len;
}

/* Refusals leave nothing behind, and never touch what was there. */
static void
test_create_refused (void)
{
  g_autoptr(FerryInventory) inventory = ferry_inventory_new ();
  g_autoptr(FerryNode) node = add_connected_node (inventory, "refused.xml");
  g_autoptr(FerryVmSpec) spec = make_spec ();
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;
  guint n_before = n_volumes (node);
  guint n_vms = ferry_node_get_n_vms (node);

  g_free (spec->virttype);
  spec->virttype = g_strdup ("qemu");

  /* NAME.qcow2 exists already: refused, and that volume stays. */
  g_free (spec->name);
  spec->name = g_strdup ("taken");
  uuid = create_vm (node, spec, &error);
  g_assert_null (uuid);
  g_assert_error (error, FERRY_VM_SPEC_ERROR, FERRY_VM_SPEC_ERROR_DISK);
  g_assert_nonnull (strstr (error->message, "taken.qcow2"));
  g_clear_error (&error);
  g_assert_cmpuint (n_volumes (node), ==, n_before);

  /* An ISO that is not a volume of the node: refused before any disk is made. */
  g_free (spec->name);
  spec->name = g_strdup ("fresh");
  g_free (spec->install_iso);
  spec->install_iso = g_strdup ("/nowhere/x.iso");
  uuid = create_vm (node, spec, &error);
  g_assert_null (uuid);
  g_assert_error (error, FERRY_VM_SPEC_ERROR, FERRY_VM_SPEC_ERROR_ISO);
  g_clear_error (&error);
  g_assert_cmpuint (n_volumes (node), ==, n_before);

  /* A pool that does not exist: libvirt's words. */
  g_free (spec->install_iso);
  spec->install_iso = g_strdup ("/tank/debian.iso");
  g_free (spec->new_disk_pool);
  spec->new_disk_pool = g_strdup ("nope");
  uuid = create_vm (node, spec, &error);
  g_assert_null (uuid);
  g_assert_error (error, FERRY_LIBVIRT_ERROR, FERRY_LIBVIRT_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "nope"));
  g_clear_error (&error);

  /* An import path that is no volume of the node. */
  g_clear_pointer (&spec->install_iso, g_free);
  spec->new_disk_size = 0;
  spec->import_disk = g_strdup ("/etc/passwd");
  uuid = create_vm (node, spec, &error);
  g_assert_null (uuid);
  g_assert_error (error, FERRY_VM_SPEC_ERROR, FERRY_VM_SPEC_ERROR_DISK);
  g_clear_error (&error);

  /* A name clash with a VM the node has: refused on the main thread. */
  g_free (spec->name);
  spec->name = g_strdup ("old");
  g_free (spec->import_disk);
  spec->import_disk = g_strdup ("/tank/disk1.qcow2");
  uuid = create_vm (node, spec, &error);
  g_assert_null (uuid);
  g_assert_error (error, FERRY_VM_SPEC_ERROR, FERRY_VM_SPEC_ERROR_NAME_CLASH);
  g_clear_error (&error);

  g_assert_cmpuint (n_volumes (node), ==, n_before);
  g_assert_cmpuint (ferry_node_get_n_vms (node), ==, n_vms);
}

static void
test_no_libvirt_on_main_thread (void)
{
  g_assert_cmpuint (ferry_core_get_libvirt_calls_on_main_thread (), ==, 0);
}

/* A VM made on a cluster node gets the cluster's baseline CPU. */
static void
test_cluster_cpu (void)
{
  g_autoptr(FerryVmSpec) spec = ferry_vm_spec_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *plain = NULL;

  g_free (spec->name);
  spec->name = g_strdup ("cl-new");
  plain = ferry_vm_spec_to_xml (spec, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (plain, "host-model"));
  spec->cpu_xml = g_strdup ("<cpu mode='custom' match='exact'><model fallback='forbid'>EPYC</model></cpu>");
  xml = ferry_vm_spec_to_xml (spec, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (xml, "<model fallback=\"forbid\">EPYC</model>"));
  g_assert_null (strstr (xml, "host-model"));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  ferry_core_init ();
  tmpdir = g_dir_make_tmp ("ferry-test-XXXXXX", NULL);

  g_test_add_func ("/vm-spec/names", test_names);
  g_test_add_func ("/vm-spec/cluster-cpu", test_cluster_cpu);
  g_test_add_func ("/vm-spec/validate", test_validate);
  g_test_add_func ("/vm-spec/xml-install", test_xml_install);
  g_test_add_func ("/vm-spec/xml-qemu-import", test_xml_qemu_import);
  g_test_add_func ("/vm-spec/xml-escaping", test_xml_escaping);
  g_test_add_func ("/vm-spec/xml-defines", test_xml_defines);
  g_test_add_func ("/vm-spec/resources", test_resources);
  g_test_add_func ("/vm-spec/create-install", test_create_install);
  g_test_add_func ("/vm-spec/create-import", test_create_import);
  g_test_add_func ("/vm-spec/create-refused", test_create_refused);
  g_test_add_func ("/vm-spec/no-libvirt-on-main-thread", test_no_libvirt_on_main_thread);

  ret = g_test_run ();
  ferry_test_remove_tree (tmpdir);
  g_free (tmpdir);
  return ret;
}
