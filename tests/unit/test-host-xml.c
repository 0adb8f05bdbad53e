/* test-host-xml.c — capabilities, domain capabilities, pools, volumes,
 * networks, host interfaces and CPU definitions (ferry-host-xml.c)
 *
 * The test runs with fatal criticals: a libvirt-gconfig enum getter that
 * met a value newer than itself would abort it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>

#include "ferry-host-xml.h"

/* As libvirt 9.0 writes them, trimmed. */
static const char *caps_xml =
  "<capabilities>\n"
  "  <host>\n"
  "    <uuid>4c4c4544-0042-3510-8052-b3c04f4e4b32</uuid>\n"
  "    <cpu>\n"
  "      <arch>x86_64</arch>\n"
  "      <model>Skylake-Client-noTSX-IBRS</model>\n"
  "      <vendor>Intel</vendor>\n"
  "      <topology sockets='1' dies='1' cores='4' threads='2'/>\n"
  "      <feature name='ds'/>\n"
  "      <pages unit='KiB' size='4'/>\n"
  "    </cpu>\n"
  "    <power_management><suspend_mem/></power_management>\n"
  "    <migration_features><live/><uri_transports><uri_transport>tcp</uri_transport></uri_transports></migration_features>\n"
  "    <secmodel><model>apparmor</model><doi>0</doi></secmodel>\n"
  "  </host>\n"
  "  <guest>\n"
  "    <os_type>hvm</os_type>\n"
  "    <arch name='i686'>\n"
  "      <wordsize>32</wordsize>\n"
  "      <emulator>/usr/bin/qemu-system-i386</emulator>\n"
  "      <machine maxCpus='255'>pc-i440fx-7.2</machine>\n"
  "      <domain type='qemu'/>\n"
  "    </arch>\n"
  "  </guest>\n"
  "  <guest>\n"
  "    <os_type>hvm</os_type>\n"
  "    <arch name='x86_64'>\n"
  "      <wordsize>64</wordsize>\n"
  "      <emulator>/usr/bin/qemu-system-x86_64</emulator>\n"
  "      <machine maxCpus='288'>pc-q35-7.2</machine>\n"
  "      <domain type='qemu'/>\n"
  "      <domain type='kvm'/>\n"
  "    </arch>\n"
  "    <features><acpi default='on' toggle='yes'/></features>\n"
  "  </guest>\n"
  "</capabilities>\n";

static const char *domcaps_xml =
  "<domainCapabilities>\n"
  "  <path>/usr/bin/qemu-system-x86_64</path>\n"
  "  <domain>kvm</domain>\n"
  "  <machine>pc-i440fx-7.2</machine>\n"
  "  <arch>x86_64</arch>\n"
  "  <vcpu max='255'/>\n"
  "  <iothreads supported='yes'/>\n"
  "  <os supported='yes'>\n"
  "    <enum name='firmware'><value>efi</value></enum>\n"
  "    <loader supported='yes'>\n"
  "      <value>/usr/share/OVMF/OVMF_CODE_4M.ms.fd</value>\n"
  "      <value>/usr/share/OVMF/OVMF_CODE_4M.fd</value>\n"
  "      <value></value>\n"
  "      <enum name='type'><value>rom</value><value>pflash</value></enum>\n"
  "    </loader>\n"
  "  </os>\n"
  "  <cpu>\n"
  "    <mode name='host-passthrough' supported='yes'>\n"
  "      <enum name='hostPassthroughMigratable'><value>on</value><value>off</value></enum>\n"
  "    </mode>\n"
  "    <mode name='maximum' supported='yes'/>\n"
  "    <mode name='host-model' supported='yes'>\n"
  "      <model fallback='forbid'>Skylake-Client-IBRS</model>\n"
  "      <vendor>Intel</vendor>\n"
  "      <maxphysaddr mode='passthrough' limit='39'/>\n"
  "      <feature policy='require' name='ss'/>\n"
  "      <feature policy='disable' name='hle'/>\n"
  "    </mode>\n"
  "    <mode name='custom' supported='yes'>\n"
  "      <model usable='yes' vendor='unknown'>qemu64</model>\n"
  "      <model usable='no' vendor='Intel'>Cascadelake-Server</model>\n"
  "      <model usable='yes' vendor='Intel'>Westmere</model>\n"
  "      <model usable='yes' vendor='Intel'></model>\n"
  "    </mode>\n"
  "  </cpu>\n"
  "</domainCapabilities>\n";

static void
test_capabilities (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FerryCapsXml) caps = ferry_caps_xml_parse (caps_xml, &error);
  const FerryCapsGuest *guest;
  const char *types[] = { "qemu", "kvm", NULL };

  g_assert_no_error (error);
  g_assert_cmpstr (caps->host_uuid, ==, "4c4c4544-0042-3510-8052-b3c04f4e4b32");
  g_assert_cmpstr (caps->host_arch, ==, "x86_64");
  g_assert_cmpuint (caps->guests->len, ==, 2);
  guest = g_ptr_array_index (caps->guests, 1);
  g_assert_cmpstr (guest->os_type, ==, "hvm");
  g_assert_cmpstr (guest->arch, ==, "x86_64");
  g_assert_cmpstrv (guest->domain_types, types);
  g_assert_true (ferry_caps_xml_has_domain_type (caps, "x86_64", "kvm"));
  g_assert_false (ferry_caps_xml_has_domain_type (caps, "i686", "kvm"));
  g_assert_true (ferry_caps_xml_has_domain_type (caps, "i686", "qemu"));
  g_assert_false (ferry_caps_xml_has_domain_type (caps, NULL, "qemu"));
  g_assert_false (ferry_caps_xml_has_domain_type (caps, "x86_64' or '1'='1", "kvm"));
}

/* Newer values than libvirt-gconfig knows, and a host that says little. */
static void
test_capabilities_sparse (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FerryCapsXml) caps =
    ferry_caps_xml_parse ("<capabilities><host><uuid></uuid></host>"
                          "<guest><os_type>wasm</os_type><arch name='aarch64'><domain type='hvf'/>"
                          "<domain/></arch></guest><guest/></capabilities>", &error);
  const FerryCapsGuest *guest;
  const char *types[] = { "hvf", NULL };

  g_assert_no_error (error);
  g_assert_null (caps->host_uuid);
  g_assert_null (caps->host_arch);
  g_assert_cmpuint (caps->guests->len, ==, 2);
  guest = g_ptr_array_index (caps->guests, 0);
  g_assert_cmpstr (guest->os_type, ==, "wasm");
  g_assert_cmpstrv (guest->domain_types, types);
  guest = g_ptr_array_index (caps->guests, 1);
  g_assert_null (guest->os_type);
  g_assert_null (guest->arch);
  g_assert_nonnull (guest->domain_types);
  g_assert_null (guest->domain_types[0]);
  g_assert_true (ferry_caps_xml_has_domain_type (caps, "aarch64", "hvf"));
}

static void
test_domain_capabilities (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FerryDomcapsXml) domcaps = ferry_domcaps_xml_parse (domcaps_xml, &error);
  g_autoptr(FerryCpuXml) host_cpu = NULL;
  const char *loaders[] = { "/usr/share/OVMF/OVMF_CODE_4M.ms.fd", "/usr/share/OVMF/OVMF_CODE_4M.fd", NULL };
  const char *models[] = { "qemu64", "Westmere", NULL };
  const char *firmwares[] = { "efi", NULL };
  FerryCpuFeature *feature;

  g_assert_no_error (error);
  g_assert_cmpstr (domcaps->domain, ==, "kvm");
  g_assert_cmpstr (domcaps->arch, ==, "x86_64");
  g_assert_cmpstr (domcaps->machine, ==, "pc-i440fx-7.2");
  g_assert_cmpuint (domcaps->max_vcpus, ==, 255);
  g_assert_cmpstrv (domcaps->firmwares, firmwares);
  g_assert_cmpstrv (domcaps->loaders, loaders);
  g_assert_cmpstrv (domcaps->usable_models, models);

  /* The host-model CPU, as a definition of its own. */
  g_assert_nonnull (domcaps->host_cpu_xml);
  g_assert_true (g_str_has_prefix (domcaps->host_cpu_xml, "<cpu mode=\"custom\" match=\"exact\">"));
  host_cpu = ferry_cpu_xml_parse (domcaps->host_cpu_xml, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (host_cpu->mode, ==, "custom");
  g_assert_cmpstr (host_cpu->model, ==, "Skylake-Client-IBRS");
  g_assert_cmpstr (host_cpu->vendor, ==, "Intel");
  g_assert_cmpuint (host_cpu->features->len, ==, 2);
  feature = g_ptr_array_index (host_cpu->features, 1);
  g_assert_cmpstr (feature->policy, ==, "disable");
  g_assert_cmpstr (feature->name, ==, "hle");
  g_assert_nonnull (strstr (domcaps->host_cpu_xml, "<maxphysaddr mode=\"passthrough\" limit=\"39\"/>"));
}

static void
test_domain_capabilities_sparse (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FerryDomcapsXml) none =
    ferry_domcaps_xml_parse ("<domainCapabilities><vcpu max='-1'/><cpu>"
                             "<mode name='host-model' supported='no'><model>X</model></mode>"
                             "</cpu></domainCapabilities>", &error);
  g_autoptr(FerryDomcapsXml) no_model =
    ferry_domcaps_xml_parse ("<domainCapabilities><vcpu max='99999999999999999999999'/><cpu>"
                             "<mode name='host-model' supported='yes'><vendor>AMD</vendor></mode>"
                             "</cpu></domainCapabilities>", NULL);

  g_assert_no_error (error);
  g_assert_null (none->domain);
  g_assert_cmpuint (none->max_vcpus, ==, 0);
  g_assert_nonnull (none->loaders);
  g_assert_null (none->loaders[0]);
  g_assert_null (none->firmwares[0]);
  g_assert_null (none->usable_models[0]);
  g_assert_null (none->host_cpu_xml);
  g_assert_cmpuint (no_model->max_vcpus, ==, 0);
  g_assert_null (no_model->host_cpu_xml);
}

static void
test_pool (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FerryPoolXml) dir =
    ferry_pool_xml_parse ("<pool type='dir'>\n"
                          "  <name>default</name>\n"
                          "  <uuid>0d5b3b6f-cc36-4d5e-b4b7-8d4b02bc4c8c</uuid>\n"
                          "  <capacity unit='bytes'>105089261568</capacity>\n"
                          "  <allocation unit='bytes'>35321298944</allocation>\n"
                          "  <available unit='bytes'>69767962624</available>\n"
                          "  <source>\n  </source>\n"
                          "  <target>\n    <path>/var/lib/libvirt/images</path>\n"
                          "    <permissions><mode>0711</mode><owner>0</owner><group>0</group></permissions>\n"
                          "  </target>\n"
                          "</pool>\n", &error);
  g_autoptr(FerryPoolXml) nfs =
    ferry_pool_xml_parse ("<pool type='netfs'><name>vms</name>"
                          "<source><host name='nas.example'/><dir path='/export/vms'/><format type='nfs'/></source>"
                          "<target><path>/mnt/vms</path></target></pool>", NULL);
  g_autoptr(FerryPoolXml) newer =
    ferry_pool_xml_parse ("<pool type='something-new'><name>x</name><source><host name=''/></source>"
                          "<target><path></path></target></pool>", NULL);

  g_assert_no_error (error);
  g_assert_cmpstr (dir->name, ==, "default");
  g_assert_cmpstr (dir->type, ==, "dir");
  g_assert_cmpstr (dir->target_path, ==, "/var/lib/libvirt/images");
  g_assert_null (dir->source_host);
  g_assert_null (dir->source_dir);
  g_assert_cmpstr (nfs->type, ==, "netfs");
  g_assert_cmpstr (nfs->source_host, ==, "nas.example");
  g_assert_cmpstr (nfs->source_dir, ==, "/export/vms");
  g_assert_cmpstr (nfs->target_path, ==, "/mnt/vms");
  g_assert_cmpstr (newer->type, ==, "something-new");
  g_assert_null (newer->source_host);
  g_assert_null (newer->target_path);
}

static void
test_volume (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FerryVolumeXml) volume =
    ferry_volume_xml_parse ("<volume type='file'>\n"
                            "  <name>debian.qcow2</name>\n"
                            "  <key>/var/lib/libvirt/images/debian.qcow2</key>\n"
                            "  <capacity unit='bytes'>21474836480</capacity>\n"
                            "  <allocation unit='bytes'>1819734016</allocation>\n"
                            "  <physical unit='bytes'>1819475968</physical>\n"
                            "  <target>\n"
                            "    <path>/var/lib/libvirt/images/debian.qcow2</path>\n"
                            "    <format type='qcow2'/>\n"
                            "    <timestamps>\n"
                            "      <atime>1795688903.179176879</atime>\n"
                            "      <mtime>1795688901.5</mtime>\n"
                            "      <ctime>1795688902.25</ctime>\n"
                            "    </timestamps>\n"
                            "  </target>\n"
                            "</volume>\n", &error);
  g_autoptr(FerryVolumeXml) units =
    ferry_volume_xml_parse ("<volume><name>a.iso</name><capacity unit='G'>2</capacity>"
                            "<allocation>512</allocation></volume>", NULL);
  g_autoptr(FerryVolumeXml) hostile =
    ferry_volume_xml_parse ("<volume><capacity unit='ZiB'>1</capacity>"
                            "<allocation unit='EiB'>99999</allocation></volume>", NULL);

  g_assert_no_error (error);
  g_assert_cmpstr (volume->name, ==, "debian.qcow2");
  g_assert_cmpstr (volume->format, ==, "qcow2");
  g_assert_cmpuint (volume->capacity, ==, 21474836480);
  g_assert_cmpuint (volume->allocation, ==, 1819734016);
  g_assert_cmpstr (volume->ctime, ==, "1795688902.25");
  g_assert_cmpstr (volume->mtime, ==, "1795688901.5");
  g_assert_null (units->format);
  g_assert_cmpuint (units->capacity, ==, 2ull << 30);
  g_assert_cmpuint (units->allocation, ==, 512);
  g_assert_null (units->ctime);
  /* Unknown units and overflows: unknown. */
  g_assert_cmpuint (hostile->capacity, ==, 0);
  g_assert_cmpuint (hostile->allocation, ==, 0);
}

static void
test_network (void)
{
  const char *nat_xml =
    "<network>\n"
    "  <name>default</name>\n"
    "  <uuid>4f4d3edd-2dc4-4662-ac45-30c6a389e348</uuid>\n"
    "  <forward mode='nat'><nat><port start='1024' end='65535'/></nat></forward>\n"
    "  <bridge name='virbr0' stp='on' delay='0'/>\n"
    "  <mac address='52:54:00:aa:bb:cc'/>\n"
    "  <ip address='192.168.122.1' netmask='255.255.255.0'>\n"
    "    <dhcp><range start='192.168.122.2' end='192.168.122.254'/></dhcp>\n"
    "  </ip>\n"
    "</network>\n";
  g_autoptr(FerryNetworkXml) nat = ferry_network_xml_parse (nat_xml, NULL);
  g_autoptr(FerryNetworkXml) plain =
    ferry_network_xml_parse ("<network><name>p</name><forward/><bridge name='virbr1'/></network>", NULL);
  g_autoptr(FerryNetworkXml) isolated =
    ferry_network_xml_parse ("<network><name>i</name><bridge name=''/></network>", NULL);
  g_autoptr(FerryNetworkXml) bridged =
    ferry_network_xml_parse ("<network><name>lan</name><forward mode='bridge'/><bridge name='br0'/></network>",
                             NULL);
  g_autofree char *copy = ferry_network_xml_for_copy (nat_xml, NULL);
  g_autofree char *bridged_copy =
    ferry_network_xml_for_copy ("<network><name>lan</name><uuid>x</uuid><forward mode='bridge'/>"
                                "<bridge name='br0'/></network>", NULL);
  g_autoptr(FerryNetworkXml) copied = NULL;

  g_assert_cmpstr (nat->name, ==, "default");
  g_assert_cmpstr (nat->bridge, ==, "virbr0");
  g_assert_cmpstr (nat->forward_mode, ==, "nat");
  g_assert_cmpstr (plain->forward_mode, ==, "nat");
  g_assert_null (isolated->forward_mode);
  g_assert_null (isolated->bridge);
  g_assert_cmpstr (bridged->forward_mode, ==, "bridge");
  g_assert_cmpstr (bridged->bridge, ==, "br0");

  g_assert_null (strstr (copy, "uuid"));
  g_assert_null (strstr (copy, "52:54:00"));
  g_assert_null (strstr (copy, "virbr0"));
  g_assert_nonnull (strstr (copy, "stp=\"on\""));
  g_assert_nonnull (strstr (copy, "192.168.122.254"));
  g_assert_false (g_str_has_prefix (copy, "<?xml"));
  copied = ferry_network_xml_parse (copy, NULL);
  g_assert_cmpstr (copied->name, ==, "default");
  g_assert_cmpstr (copied->forward_mode, ==, "nat");
  g_assert_null (copied->bridge);
  g_assert_nonnull (strstr (bridged_copy, "br0"));
  g_assert_null (strstr (bridged_copy, "uuid"));
}

static void
test_interface (void)
{
  g_autoptr(FerryInterfaceXml) bridge =
    ferry_interface_xml_parse ("<interface type='bridge' name='br0'>\n"
                               "  <protocol family='ipv4'><ip address='10.0.0.2' prefix='24'/></protocol>\n"
                               "  <bridge><interface type='ethernet' name='eno1'><link speed='1000' state='up'/>"
                               "<mac address='3c:ec:ef:00:00:01'/></interface></bridge>\n"
                               "</interface>\n", NULL);
  g_autoptr(FerryInterfaceXml) bare = ferry_interface_xml_parse ("<interface/>", NULL);

  g_assert_cmpstr (bridge->type, ==, "bridge");
  g_assert_cmpstr (bridge->name, ==, "br0");
  g_assert_null (bare->type);
  g_assert_null (bare->name);
}

static const char *cpu_a =
  "<cpu mode='custom' match='exact' check='partial'>\n"
  "  <model fallback='forbid'>EPYC</model>\n"
  "  <vendor>AMD</vendor>\n"
  "  <feature policy='require' name='acpi'/>\n"
  "  <feature name='x2apic'/>\n"
  "  <feature policy='disable' name='vme'/>\n"
  "</cpu>\n";

static void
test_cpu (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FerryCpuXml) cpu = ferry_cpu_xml_parse (cpu_a, &error);
  g_autoptr(FerryCpuXml) newer = ferry_cpu_xml_parse ("<cpu mode='maximum' migratable='on'>"
                                                      "<feature policy='someday' name='avx1024'/>"
                                                      "<feature policy='optional'/></cpu>", NULL);
  g_autoptr(FerryCpuXml) host_model = ferry_cpu_xml_parse ("<cpu mode='host-model' check='partial'>"
                                                           "<model fallback='allow'/></cpu>", NULL);
  g_autoptr(FerryCpuXml) bare = ferry_cpu_xml_parse ("<cpu/>", NULL);
  FerryCpuFeature *feature;

  g_assert_no_error (error);
  g_assert_cmpstr (cpu->mode, ==, "custom");
  g_assert_true (cpu->has_model);
  g_assert_cmpstr (cpu->model, ==, "EPYC");
  g_assert_cmpstr (cpu->vendor, ==, "AMD");
  g_assert_cmpuint (cpu->features->len, ==, 3);
  feature = g_ptr_array_index (cpu->features, 1);
  g_assert_cmpstr (feature->policy, ==, "require");
  g_assert_cmpstr (feature->name, ==, "x2apic");
  feature = g_ptr_array_index (cpu->features, 2);
  g_assert_cmpstr (feature->policy, ==, "disable");

  g_assert_cmpstr (newer->mode, ==, "maximum");
  g_assert_false (newer->has_model);
  feature = g_ptr_array_index (newer->features, 0);
  g_assert_cmpstr (feature->policy, ==, "someday");
  feature = g_ptr_array_index (newer->features, 1);
  g_assert_cmpstr (feature->policy, ==, "optional");
  g_assert_null (feature->name);

  g_assert_cmpstr (host_model->mode, ==, "host-model");
  g_assert_true (host_model->has_model);
  g_assert_null (host_model->model);

  g_assert_cmpstr (bare->mode, ==, "custom");
  g_assert_false (bare->has_model);
  g_assert_null (bare->vendor);
  g_assert_cmpuint (bare->features->len, ==, 0);
}

static void
test_cpu_keep_shape (void)
{
  g_autoptr(GError) error = NULL;
  const char *old =
    "<cpu mode='host-passthrough'><topology sockets='1' cores='2' threads='1'/>"
    "<numa><cell id='0' cpus='0-1' memory='1048576' unit='KiB'/></numa><feature name='x'/></cpu>";
  g_autofree char *kept = ferry_cpu_xml_keep_shape (cpu_a, old, &error);
  g_autofree char *replaced = NULL;
  g_autofree char *as_is = ferry_cpu_xml_keep_shape (cpu_a, NULL, NULL);
  g_autoptr(FerryCpuXml) parsed = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (strstr (kept, "<model fallback=\"forbid\">EPYC</model>"));
  g_assert_nonnull (strstr (kept, "cores=\"2\""));
  g_assert_nonnull (strstr (kept, "<cell id=\"0\""));
  g_assert_null (strstr (kept, "host-passthrough"));
  g_assert_null (strstr (kept, "name=\"x\""));
  parsed = ferry_cpu_xml_parse (kept, NULL);
  g_assert_cmpuint (parsed->features->len, ==, 3);

  /* The VM's topology wins over one the new definition brings. */
  replaced = ferry_cpu_xml_keep_shape ("<cpu mode='custom'><model>X</model><topology sockets='8' cores='1' threads='1'/></cpu>",
                                       old, NULL);
  g_assert_null (strstr (replaced, "sockets=\"8\""));
  g_assert_nonnull (strstr (replaced, "cores=\"2\""));

  g_assert_nonnull (strstr (as_is, "EPYC"));
  g_assert_null (ferry_cpu_xml_keep_shape ("<pool/>", old, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);
  g_assert_null (ferry_cpu_xml_keep_shape (cpu_a, "<cpu", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
}

/* Every reader refuses what is not its document, with a clear error and
 * no warning (criticals are fatal here). */
static void
test_bad_input (void)
{
  const char *bad[] = {
    "",
    "not xml",
    "<capabilities><host>",
    "<domain type='kvm'><name>a</name></domain>",
    "<x:pool xmlns:x='urn:x'/>",
    /* Entities from a DTD: never expanded, never read. */
    "<!DOCTYPE capabilities [<!ENTITY a 'aaaaaaaaaa'><!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;'>]>"
    "<capabilities><host><uuid>&b;</uuid></host></capabilities>",
    "<?xml version='1.0'?><!DOCTYPE pool [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>"
    "<pool type='dir'><name>&x;</name></pool>",
    "<!DOCTYPE network SYSTEM 'http://example.invalid/network.dtd'><network/>",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      GError *errors[7] = { NULL, };
      gpointer results[7];

      results[0] = ferry_caps_xml_parse (bad[i], &errors[0]);
      results[1] = ferry_domcaps_xml_parse (bad[i], &errors[1]);
      results[2] = ferry_pool_xml_parse (bad[i], &errors[2]);
      results[3] = ferry_volume_xml_parse (bad[i], &errors[3]);
      results[4] = ferry_network_xml_parse (bad[i], &errors[4]);
      results[5] = ferry_interface_xml_parse (bad[i], &errors[5]);
      results[6] = ferry_cpu_xml_parse (bad[i], &errors[6]);
      for (guint j = 0; j < G_N_ELEMENTS (results); j++)
        {
          g_assert_null (results[j]);
          g_assert_error (errors[j], G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
          g_clear_error (&errors[j]);
        }
      g_assert_null (ferry_network_xml_for_copy (bad[i], &errors[0]));
      g_assert_error (errors[0], G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
      g_clear_error (&errors[0]);
    }

  /* A document of the wrong kind for each reader. */
  {
    g_autoptr(GError) error = NULL;

    g_assert_null (ferry_caps_xml_parse (domcaps_xml, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    g_clear_error (&error);
    g_assert_null (ferry_domcaps_xml_parse (caps_xml, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    g_clear_error (&error);
    g_assert_null (ferry_cpu_xml_parse (caps_xml, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  }
}

/* Odd but well-formed values come back as they are, or as unknown. */
static void
test_hostile_values (void)
{
  g_autofree char *long_name = g_strnfill (100000, 'a');
  g_autofree char *pool_xml = g_strdup_printf ("<pool type='%s'><name>%s</name>"
                                               "<target><path>/x&amp;y&lt;z</path></target></pool>",
                                               long_name, long_name);
  g_autoptr(FerryPoolXml) pool = ferry_pool_xml_parse (pool_xml, NULL);
  g_autoptr(FerryCapsXml) caps =
    ferry_caps_xml_parse ("<!-- a comment first --><capabilities><host><uuid>u'\"]</uuid>"
                          "<cpu><arch><x/></arch></cpu></host>"
                          "<guest><arch name=\"x86_64'\"><domain type=\"kvm&quot;\"/></arch></guest>"
                          "<x:guest xmlns:x='urn:x'><x:arch name='evil'/></x:guest>"
                          "</capabilities>", NULL);
  g_autoptr(FerryNetworkXml) network =
    ferry_network_xml_parse ("<network><name>n</name><forward mode=''/>"
                             "<bridge name='b1'/><bridge name='b2'/></network>", NULL);
  const FerryCapsGuest *guest;

  g_assert_cmpuint (strlen (pool->name), ==, 100000);
  g_assert_cmpuint (strlen (pool->type), ==, 100000);
  g_assert_cmpstr (pool->target_path, ==, "/x&y<z");

  g_assert_cmpstr (caps->host_uuid, ==, "u'\"]");
  g_assert_null (caps->host_arch);
  guest = g_ptr_array_index (caps->guests, 0);
  g_assert_cmpstr (guest->arch, ==, "x86_64'");
  g_assert_cmpstr (guest->domain_types[0], ==, "kvm\"");
  g_assert_false (ferry_caps_xml_has_domain_type (caps, "x86_64", "kvm"));

  /* An empty mode is unset: <forward> alone is NAT; the first bridge. */
  g_assert_cmpstr (network->forward_mode, ==, "nat");
  g_assert_cmpstr (network->bridge, ==, "b1");
}

/* What Ferry writes reads back through the same readers, whatever the
 * names hold: they are never pasted into XML text. */
static void
test_builders (void)
{
  g_autofree char *dir = ferry_pool_xml_new ("a'b<c>&\"", "/srv/x'y", NULL, NULL);
  g_autofree char *nfs = ferry_pool_xml_new ("vms", "/mnt/vms", "nas.example", "/export/a&b");
  g_autofree char *vol = ferry_volume_xml_new ("disk'<1>.qcow2", 4096, 0, "qcow2");
  g_autofree char *cpu = ferry_cpu_xml_new_model ("Westmere<x>");
  g_autoptr(FerryPoolXml) pool = NULL;
  g_autoptr(FerryVolumeXml) volume = NULL;
  g_autoptr(FerryCpuXml) parsed_cpu = NULL;
  g_autoptr(GError) error = NULL;

  pool = ferry_pool_xml_parse (dir, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pool->name, ==, "a'b<c>&\"");
  g_assert_cmpstr (pool->type, ==, "dir");
  g_assert_cmpstr (pool->target_path, ==, "/srv/x'y");
  g_clear_pointer (&pool, ferry_pool_xml_free);

  pool = ferry_pool_xml_parse (nfs, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pool->type, ==, "netfs");
  g_assert_cmpstr (pool->source_host, ==, "nas.example");
  /* libvirt reads the export from <dir path=…>. */
  g_assert_cmpstr (pool->source_dir, ==, "/export/a&b");
  g_assert_nonnull (strstr (nfs, "<dir path=\"/export/a&amp;b\"/>"));

  volume = ferry_volume_xml_parse (vol, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (volume->name, ==, "disk'<1>.qcow2");
  g_assert_cmpstr (volume->format, ==, "qcow2");
  g_assert_cmpuint (volume->capacity, ==, 4096);
  g_assert_cmpuint (volume->allocation, ==, 0);

  parsed_cpu = ferry_cpu_xml_parse (cpu, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (parsed_cpu->mode, ==, "custom");
  g_assert_cmpstr (parsed_cpu->model, ==, "Westmere<x>");
  g_assert_nonnull (strstr (cpu, "match=\"exact\""));
  g_assert_nonnull (strstr (cpu, "fallback=\"forbid\""));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/host-xml/capabilities", test_capabilities);
  g_test_add_func ("/host-xml/capabilities-sparse", test_capabilities_sparse);
  g_test_add_func ("/host-xml/domain-capabilities", test_domain_capabilities);
  g_test_add_func ("/host-xml/domain-capabilities-sparse", test_domain_capabilities_sparse);
  g_test_add_func ("/host-xml/pool", test_pool);
  g_test_add_func ("/host-xml/volume", test_volume);
  g_test_add_func ("/host-xml/network", test_network);
  g_test_add_func ("/host-xml/interface", test_interface);
  g_test_add_func ("/host-xml/cpu", test_cpu);
  g_test_add_func ("/host-xml/cpu-keep-shape", test_cpu_keep_shape);
  g_test_add_func ("/host-xml/bad-input", test_bad_input);
  g_test_add_func ("/host-xml/hostile-values", test_hostile_values);
  g_test_add_func ("/host-xml/builders", test_builders);
  return g_test_run ();
}
