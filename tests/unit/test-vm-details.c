/* test-vm-details.c — what the VM page shows, from XML and from a node
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "ferry-test-util.h"

#define GiB (G_GUINT64_CONSTANT (1024) * 1024 * 1024)
#define MiB (G_GUINT64_CONSTANT (1024) * 1024)

static char *tmpdir;

static const char *rich_xml =
  "<domain type='kvm' id='7'>"
  "<name>web</name>"
  "<uuid>11111111-2222-4333-8444-555555555555</uuid>"
  "<title>Web &amp; mail</title>"
  "<description>Front end &lt;prod&gt;</description>"
  "<memory unit='GiB'>4</memory>"
  "<currentMemory unit='KiB'>2097152</currentMemory>"
  "<vcpu placement='static' current='2'>4</vcpu>"
  "<os firmware='efi'><type arch='x86_64' machine='pc-q35-7.2'>hvm</type>"
  "<boot dev='cdrom'/><boot dev='hd'/><boot dev='network'/></os>"
  "<cpu mode='custom' match='exact'><model fallback='allow'>Haswell</model></cpu>"
  "<devices>"
  "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
  "<source file='/var/lib/libvirt/images/web &amp; co.qcow2'/><target dev='vda' bus='virtio'/></disk>"
  "<disk type='volume' device='cdrom'><driver name='qemu' type='raw'/>"
  "<source pool='isos' volume='debian.iso'/><target dev='sda' bus='sata'/><readonly/></disk>"
  "<disk type='block' device='disk'><driver name='qemu' type='raw'/>"
  "<source dev='/dev/vg/data'/><target dev='vdb' bus='virtio'/></disk>"
  "<disk type='file' device='cdrom'><target dev='sdb' bus='sata'/><readonly/></disk>"
  "<interface type='network'><mac address='52:54:00:aa:bb:cc'/><source network='default'/><model type='virtio'/></interface>"
  "<interface type='bridge'><mac address='52:54:00:aa:bb:cd'/><source bridge='br0'/><model type='e1000'/></interface>"
  "<interface type='direct'><source dev='eth0' mode='bridge'/></interface>"
  "<interface type='user'><model type='virtio'/></interface>"
  "<graphics type='vnc' port='5901' autoport='no' listen='127.0.0.1'>"
  "<listen type='address' address='127.0.0.1'/></graphics>"
  "<graphics type='spice' autoport='yes'><listen type='socket' socket='/run/spice.sock'/></graphics>"
  "</devices></domain>";

static void
test_parse (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FerryVmDetails) d = ferry_vm_details_parse (rich_xml, &error);
  const FerryVmDisk *disk;
  const FerryVmNic *nic;
  const FerryVmGraphics *graphics;
  const char *boot[] = { "cdrom", "hd", "network", NULL };

  g_assert_no_error (error);
  g_assert_nonnull (d);
  g_assert_cmpstr (d->uuid, ==, "11111111-2222-4333-8444-555555555555");
  g_assert_cmpstr (d->name, ==, "web");
  g_assert_cmpstr (d->title, ==, "Web & mail");
  g_assert_cmpstr (d->description, ==, "Front end <prod>");
  g_assert_cmpstr (d->os_type, ==, "hvm");
  g_assert_cmpstr (d->arch, ==, "x86_64");
  g_assert_cmpstr (d->machine, ==, "pc-q35-7.2");
  g_assert_cmpstr (d->firmware, ==, "efi");
  g_assert_cmpstr (d->cpu_mode, ==, "custom");
  g_assert_cmpstr (d->cpu_model, ==, "Haswell");
  g_assert_cmpuint (d->vcpus, ==, 2);
  g_assert_cmpuint (d->max_vcpus, ==, 4);
  g_assert_cmpuint (d->memory, ==, 2 * GiB);
  g_assert_cmpuint (d->max_memory, ==, 4 * GiB);
  g_assert_true (d->active);
  g_assert_true (g_strv_equal ((const char * const *) d->boot_order, boot));

  g_assert_cmpuint (d->disks->len, ==, 4);
  disk = ferry_vm_details_find_disk (d, "vda");
  g_assert_cmpstr (disk->bus, ==, "virtio");
  g_assert_cmpstr (disk->device, ==, "disk");
  g_assert_cmpstr (disk->source, ==, "/var/lib/libvirt/images/web & co.qcow2");
  g_assert_cmpstr (disk->format, ==, "qcow2");
  g_assert_null (disk->pool);
  g_assert_false (disk->readonly);
  g_assert_cmpuint (disk->capacity, ==, 0);
  disk = ferry_vm_details_find_disk (d, "sda");
  g_assert_cmpstr (disk->device, ==, "cdrom");
  g_assert_cmpstr (disk->bus, ==, "sata");
  g_assert_null (disk->source);
  g_assert_cmpstr (disk->pool, ==, "isos");
  g_assert_cmpstr (disk->volume, ==, "debian.iso");
  g_assert_true (disk->readonly);
  disk = ferry_vm_details_find_disk (d, "vdb");
  g_assert_cmpstr (disk->source, ==, "/dev/vg/data");
  g_assert_cmpstr (disk->format, ==, "raw");
  disk = ferry_vm_details_find_disk (d, "sdb");       /* an empty CD-ROM drive */
  g_assert_null (disk->source);
  g_assert_null (disk->format);
  g_assert_null (ferry_vm_details_find_disk (d, "hdz"));

  g_assert_cmpuint (d->nics->len, ==, 4);
  nic = g_ptr_array_index (d->nics, 0);
  g_assert_cmpstr (nic->type, ==, "network");
  g_assert_cmpstr (nic->source, ==, "default");
  g_assert_cmpstr (nic->mac, ==, "52:54:00:aa:bb:cc");
  g_assert_cmpstr (nic->model, ==, "virtio");
  nic = g_ptr_array_index (d->nics, 1);
  g_assert_cmpstr (nic->type, ==, "bridge");
  g_assert_cmpstr (nic->source, ==, "br0");
  g_assert_cmpstr (nic->model, ==, "e1000");
  nic = g_ptr_array_index (d->nics, 2);
  g_assert_cmpstr (nic->type, ==, "direct");
  g_assert_cmpstr (nic->source, ==, "eth0");
  g_assert_null (nic->mac);
  nic = g_ptr_array_index (d->nics, 3);
  g_assert_cmpstr (nic->type, ==, "user");
  g_assert_null (nic->source);

  g_assert_cmpuint (d->graphics->len, ==, 2);
  graphics = g_ptr_array_index (d->graphics, 0);
  g_assert_cmpstr (graphics->type, ==, "vnc");
  g_assert_cmpstr (graphics->listen, ==, "127.0.0.1");
  g_assert_cmpint (graphics->port, ==, 5901);
  g_assert_false (graphics->autoport);
  g_assert_null (graphics->socket);
  graphics = g_ptr_array_index (d->graphics, 1);
  g_assert_cmpstr (graphics->type, ==, "spice");
  g_assert_true (graphics->autoport);
  g_assert_cmpint (graphics->port, ==, 0);
  g_assert_cmpstr (graphics->socket, ==, "/run/spice.sock");

  /* Boxed: a copy is a reference. */
  {
    FerryVmDetails *copy = g_boxed_copy (FERRY_TYPE_VM_DETAILS, d);

    g_assert_true (copy == d);
    g_boxed_free (FERRY_TYPE_VM_DETAILS, copy);
  }
}

/* An inactive XML: a port there is a wish, not a listening socket; boot
 * order from per-device <boot order>; firmware from an explicit loader;
 * no <cpu>: the hypervisor's default. */
static void
test_parse_inactive (void)
{
  const char *xml =
    "<domain type='qemu'><name>db</name>"
    "<memory>1048576</memory><vcpu>3</vcpu>"
    "<os><type arch='x86_64'>hvm</type>"
    "<loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE_4M.fd</loader></os>"
    "<devices>"
    "<disk type='file' device='disk'><source file='/a.qcow2'/><target dev='vda'/><boot order='2'/></disk>"
    "<disk type='file' device='cdrom'><source file='/b.iso'/><target dev='sda'/><boot order='1'/></disk>"
    "<interface type='network'><source network='default'/><boot order='3'/></interface>"
    "<graphics type='vnc' port='5902' autoport='no'/>"
    "</devices></domain>";
  const char *boot[] = { "cdrom", "hd", "network", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(FerryVmDetails) d = ferry_vm_details_parse (xml, &error);
  const FerryVmGraphics *graphics;

  g_assert_no_error (error);
  g_assert_false (d->active);
  g_assert_cmpstr (d->firmware, ==, "efi");
  g_assert_null (d->cpu_mode);
  g_assert_null (d->cpu_model);
  g_assert_null (d->title);
  g_assert_cmpuint (d->vcpus, ==, 3);
  g_assert_cmpuint (d->max_vcpus, ==, 3);
  g_assert_cmpuint (d->memory, ==, GiB);   /* no currentMemory: the maximum */
  g_assert_cmpuint (d->max_memory, ==, GiB);
  g_assert_true (g_strv_equal ((const char * const *) d->boot_order, boot));
  g_assert_cmpstr (((FerryVmDisk *) g_ptr_array_index (d->disks, 0))->device, ==, "disk");
  graphics = g_ptr_array_index (d->graphics, 0);
  g_assert_cmpint (graphics->port, ==, 0);
}

static void
test_parse_minimal (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FerryVmDetails) d =
    ferry_vm_details_parse ("<domain><name>x</name><os><type>hvm</type></os></domain>", &error);

  g_assert_no_error (error);
  g_assert_cmpstr (d->firmware, ==, "bios");
  g_assert_nonnull (d->boot_order);
  g_assert_cmpuint (g_strv_length (d->boot_order), ==, 0);
  g_assert_cmpuint (d->disks->len, ==, 0);
  g_assert_cmpuint (d->nics->len, ==, 0);
  g_assert_cmpuint (d->graphics->len, ==, 0);
}

/* What a newer host may send, and values out of range: read as they are
 * or left at their defaults, without a warning (the test runs with fatal
 * criticals). */
static void
test_parse_newer (void)
{
  const char *xml =
    "<domain type='hvf' id='2'><name>new</name>"
    "<memory>lots</memory><vcpu current='many'>2</vcpu>"
    "<os firmware='something'><type arch='riscv64'>hvm</type></os>"
    "<cpu mode='maximum'/>"
    "<devices>"
    "<disk type='nvme' device='disk'><source type='pci'/><target dev='vda' bus='nvme'/></disk>"
    "<disk><source file='/x.img'/><target dev='vdb'/></disk>"
    "<interface type='vdpa'><mac address='52:54:00:00:00:02'/><source dev='/dev/vhost-vdpa-0'/></interface>"
    "<interface type='direct'><source dev='eth0' mode='bridge'/></interface>"
    "<graphics type='egl-headless'/>"
    "<graphics type='vnc' port='99999' autoport='yes'/>"
    "</devices></domain>";
  g_autoptr(GError) error = NULL;
  g_autoptr(FerryVmDetails) d = ferry_vm_details_parse (xml, &error);
  const FerryVmDisk *disk;
  const FerryVmNic *nic;
  const FerryVmGraphics *graphics;

  g_assert_no_error (error);
  g_assert_true (d->active);
  g_assert_cmpstr (d->firmware, ==, "something");
  g_assert_cmpstr (d->arch, ==, "riscv64");
  g_assert_cmpstr (d->cpu_mode, ==, "maximum");
  g_assert_null (d->cpu_model);
  g_assert_cmpuint (d->vcpus, ==, 2);
  g_assert_cmpuint (d->max_vcpus, ==, 2);
  g_assert_cmpuint (d->memory, ==, 0);

  g_assert_cmpuint (d->disks->len, ==, 2);
  disk = ferry_vm_details_find_disk (d, "vda");
  g_assert_cmpstr (disk->bus, ==, "nvme");
  g_assert_null (disk->source);
  disk = ferry_vm_details_find_disk (d, "vdb");   /* no type: a file */
  g_assert_cmpstr (disk->device, ==, "disk");
  g_assert_cmpstr (disk->source, ==, "/x.img");

  g_assert_cmpuint (d->nics->len, ==, 2);
  nic = g_ptr_array_index (d->nics, 0);
  g_assert_cmpstr (nic->type, ==, "vdpa");
  g_assert_cmpstr (nic->mac, ==, "52:54:00:00:00:02");
  g_assert_null (nic->source);                    /* a host path, not shown */
  nic = g_ptr_array_index (d->nics, 1);
  g_assert_cmpstr (nic->source, ==, "eth0");

  g_assert_cmpuint (d->graphics->len, ==, 2);
  graphics = g_ptr_array_index (d->graphics, 0);
  g_assert_cmpstr (graphics->type, ==, "egl-headless");
  g_assert_cmpint (graphics->port, ==, 0);
  graphics = g_ptr_array_index (d->graphics, 1);
  g_assert_cmpstr (graphics->type, ==, "vnc");
  g_assert_cmpint (graphics->port, ==, 0);        /* out of range */
  g_assert_true (graphics->autoport);
}

static void
test_parse_invalid (void)
{
  const char *bad[] = {
    "",
    "<domain><name>x</name>",
    "<network><name>default</name></network>",
    "not xml",
    "<domain><name>x</name><devices><disk type='file'><source file='/a'/></disk></devices>",
    /* An external entity is neither fetched nor expanded. */
    "<!DOCTYPE domain [<!ENTITY e SYSTEM 'http://127.0.0.1:9/x'>]><pool>&e;</pool>",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(FerryVmDetails) d = ferry_vm_details_parse (bad[i], &error);

      g_assert_null (d);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    }
}

/* ---------------------------------------------------------------------- */
/* Through a node on libvirt's test driver                                 */

static const char *node_xml =
  "<node xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>\n"
  "  <cpu><nodes>1</nodes><sockets>1</sockets><cores>4</cores><threads>1</threads>"
  "<active>4</active><mhz>2400</mhz><model>x86_64</model></cpu>\n"
  "  <memory>8388608</memory>\n"
  "  <network><name>default</name><bridge name='virbr0'/><forward mode='nat'/><ip address='192.168.122.1' netmask='255.255.255.0'/></network>\n"
  "  <pool type='dir'><name>tank</name><capacity unit='GiB'>100</capacity>"
  "<allocation unit='GiB'>10</allocation><available unit='GiB'>90</available>"
  "<source/><target><path>/tank</path></target>\n"
  "    <volume><name>web.qcow2</name><capacity unit='GiB'>8</capacity>"
  "<allocation unit='GiB'>1</allocation><target><format type='qcow2'/></target></volume>\n"
  "    <volume><name>debian.iso</name><capacity unit='MiB'>600</capacity>"
  "<allocation unit='MiB'>600</allocation><target><format type='raw'/></target></volume>\n"
  "  </pool>\n"
  "  <domain type='qemu'><name>web</name><uuid>dddddddd-0000-4000-8000-000000000001</uuid>"
  "<memory unit='MiB'>1024</memory><currentMemory unit='MiB'>512</currentMemory>"
  "<vcpu current='1'>2</vcpu>"
  "<os><type arch='x86_64'>hvm</type><boot dev='hd'/></os>"
  "<devices>"
  "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
  "<source file='/tank/web.qcow2'/><target dev='vda' bus='virtio'/></disk>"
  "<disk type='volume' device='cdrom'><source pool='tank' volume='debian.iso'/>"
  "<target dev='sda' bus='sata'/><readonly/></disk>"
  "<disk type='file' device='disk'><driver name='qemu' type='raw'/>"
  "<source file='/elsewhere/scratch.img'/><target dev='vdb' bus='virtio'/></disk>"
  "<interface type='network'><mac address='52:54:00:00:00:01'/><source network='default'/>"
  "<model type='virtio'/></interface>"
  "<graphics type='vnc' port='5905' autoport='no' listen='127.0.0.1'/>"
  "</devices></domain>\n"
  "  <domain type='qemu'><name>db</name><uuid>dddddddd-0000-4000-8000-000000000002</uuid>"
  "<memory unit='MiB'>256</memory><vcpu>1</vcpu>"
  "<os><type arch='x86_64'>hvm</type></os>"
  "<devices><graphics type='vnc' port='5906' autoport='no'/></devices>"
  "<test:runstate>5</test:runstate></domain>\n"
  "</node>\n";

static FerryNode *
add_connected_node (FerryInventory *inventory,
                    const char     *file_name)
{
  return ferry_test_add_node_from_xml (inventory, tmpdir, file_name, node_xml);
}

typedef struct
{
  gboolean        done;
  FerryVmDetails *details;
  GError         *error;
} DetailsWait;

static void
details_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  DetailsWait *w = user_data;

  w->details = ferry_vm_get_details_finish (FERRY_VM (object), result, &w->error);
  w->done = TRUE;
}

static gboolean
details_finished (gpointer data)
{
  return ((DetailsWait *) data)->done;
}

static FerryVmDetails *
get_details (FerryVm *vm)
{
  DetailsWait w = { FALSE, NULL, NULL };

  ferry_vm_get_details_async (vm, NULL, details_done, &w);
  g_assert_true (ferry_test_wait_until (details_finished, &w, 10000));
  g_assert_no_error (w.error);
  g_assert_nonnull (w.details);
  return w.details;
}

static void
test_running (void)
{
  g_autoptr(FerryInventory) inventory = ferry_inventory_new ();
  g_autoptr(FerryNode) node = add_connected_node (inventory, "running.xml");
  FerryVm *vm = ferry_inventory_find_vm_by_name (inventory, "web");
  g_autoptr(FerryVmDetails) d = NULL;
  const FerryVmDisk *disk;
  const FerryVmGraphics *graphics;

  g_assert_nonnull (vm);
  g_assert_cmpint (ferry_vm_get_state (vm), ==, FERRY_VM_STATE_RUNNING);
  d = get_details (vm);

  g_assert_cmpstr (d->name, ==, "web");
  g_assert_cmpstr (d->uuid, ==, ferry_vm_get_uuid (vm));
  g_assert_true (d->active);
  g_assert_true (d->persistent);
  g_assert_false (d->autostart);
  g_assert_cmpuint (d->vcpus, ==, 1);
  g_assert_cmpuint (d->max_vcpus, ==, 2);
  g_assert_cmpuint (d->memory, ==, 512 * MiB);
  g_assert_cmpuint (d->max_memory, ==, GiB);
  g_assert_cmpstr (d->firmware, ==, "bios");

  /* Capacities come from the node's storage volumes, when they are ones. */
  disk = ferry_vm_details_find_disk (d, "vda");
  g_assert_cmpstr (disk->source, ==, "/tank/web.qcow2");
  g_assert_cmpuint (disk->capacity, ==, 8 * GiB);
  disk = ferry_vm_details_find_disk (d, "sda");
  g_assert_cmpstr (disk->volume, ==, "debian.iso");
  g_assert_cmpuint (disk->capacity, ==, 600 * MiB);
  disk = ferry_vm_details_find_disk (d, "vdb");
  g_assert_cmpstr (disk->source, ==, "/elsewhere/scratch.img");
  g_assert_cmpuint (disk->capacity, ==, 0);

  g_assert_cmpuint (d->nics->len, ==, 1);
  g_assert_cmpstr (((FerryVmNic *) g_ptr_array_index (d->nics, 0))->source, ==, "default");
  graphics = g_ptr_array_index (d->graphics, 0);
  g_assert_cmpint (graphics->port, ==, 5905);     /* live: the port it listens on */
}

static void
test_shut_off (void)
{
  g_autoptr(FerryInventory) inventory = ferry_inventory_new ();
  g_autoptr(FerryNode) node = add_connected_node (inventory, "off.xml");
  FerryVm *vm = ferry_inventory_find_vm_by_name (inventory, "db");
  g_autoptr(FerryVmDetails) d = NULL;

  g_assert_nonnull (vm);
  g_assert_cmpint (ferry_vm_get_state (vm), ==, FERRY_VM_STATE_SHUT_OFF);
  d = get_details (vm);
  g_assert_false (d->active);
  g_assert_true (d->persistent);
  g_assert_cmpuint (d->memory, ==, 256 * MiB);
  g_assert_cmpuint (d->disks->len, ==, 0);
  /* Not running: no port, whatever the definition asks for. */
  g_assert_cmpint (((FerryVmGraphics *) g_ptr_array_index (d->graphics, 0))->port, ==, 0);
}

/* A VM whose node has gone: an error, not a hang. */
static void
test_node_gone (void)
{
  g_autoptr(FerryInventory) inventory = ferry_inventory_new ();
  g_autoptr(FerryNode) node = add_connected_node (inventory, "gone.xml");
  g_autoptr(FerryVm) vm = g_object_ref (ferry_inventory_find_vm_by_name (inventory, "web"));
  DetailsWait w = { FALSE, NULL, NULL };

  ferry_node_disconnect (node);
  ferry_vm_get_details_async (vm, NULL, details_done, &w);
  g_assert_true (ferry_test_wait_until (details_finished, &w, 10000));
  g_assert_null (w.details);
  g_assert_error (w.error, FERRY_LIBVIRT_ERROR, FERRY_LIBVIRT_ERROR_NOT_CONNECTED);
  g_clear_error (&w.error);
  ferry_inventory_remove_node (inventory, node);
}

static void
test_no_libvirt_on_main_thread (void)
{
  g_assert_cmpuint (ferry_core_get_libvirt_calls_on_main_thread (), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  ferry_core_init ();
  tmpdir = g_dir_make_tmp ("ferry-test-XXXXXX", NULL);

  g_test_add_func ("/vm-details/parse", test_parse);
  g_test_add_func ("/vm-details/parse-inactive", test_parse_inactive);
  g_test_add_func ("/vm-details/parse-minimal", test_parse_minimal);
  g_test_add_func ("/vm-details/parse-newer", test_parse_newer);
  g_test_add_func ("/vm-details/parse-invalid", test_parse_invalid);
  g_test_add_func ("/vm-details/running", test_running);
  g_test_add_func ("/vm-details/shut-off", test_shut_off);
  g_test_add_func ("/vm-details/node-gone", test_node_gone);
  g_test_add_func ("/vm-details/no-libvirt-on-main-thread", test_no_libvirt_on_main_thread);

  ret = g_test_run ();
  ferry_test_remove_tree (tmpdir);
  g_free (tmpdir);
  return ret;
}
