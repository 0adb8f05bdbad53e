/* test-domain-xml-edit.c — the domain edits libvirt-gconfig cannot make
 *
 * The results are read back with XPath (ferry-xml.h), independently of the
 * code under test: the attributes that must survive (cpuset=, dumpCore=…)
 * have no reader anywhere else.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>

#include "ferry-domain-xml-edit.h"
#include "ferry-xml.h"

/* A domain as libvirt writes one, with settings a user made by hand. */
static const char *pinned_xml =
  "<domain type='kvm'>"
  "<name>pinned</name><uuid>ffffffff-0000-4000-8000-000000000004</uuid>"
  "<memory unit='KiB' dumpCore='off'>1048576</memory>"
  "<currentMemory unit='KiB'>1048576</currentMemory>"
  "<vcpu placement='static' cpuset='0-1' current='2'>4</vcpu>"
  "<os><type arch='x86_64'>hvm</type></os>"
  "<cpu mode='custom' match='minimum' check='full'><model fallback='forbid'>Haswell</model>"
  "<topology sockets='1' dies='1' cores='2' threads='2'/><feature policy='disable' name='vmx'/></cpu>"
  "<devices>"
  "<disk type='file' device='disk'><source file='/e.qcow2'/><target dev='vda' bus='virtio'/>"
  "<boot order='1'/></disk>"
  "<interface type='network'><source network='default'/><boot order='2'/></interface>"
  "</devices></domain>";

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

static char *
apply (const char               *xml,
       const FerryDomainXmlEdit *edit)
{
  g_autoptr(GError) error = NULL;
  char *out = ferry_domain_xml_edit_apply (xml, edit, &error);

  g_assert_no_error (error);
  g_assert_nonnull (out);
  g_assert_false (g_str_has_prefix (out, "<?xml"));
  return out;
}

/* A zeroed edit changes nothing. */
static void
test_nothing (void)
{
  FerryDomainXmlEdit edit = { 0 };
  g_autofree char *out = apply (pinned_xml, &edit);
  g_autoptr(FerryDomainXml) dx = NULL;
  g_autoptr(GError) error = NULL;

  assert_xpath (out, "/domain/vcpu", "4");
  assert_xpath (out, "/domain/vcpu/@current", "2");
  assert_xpath (out, "/domain/vcpu/@cpuset", "0-1");
  assert_xpath (out, "/domain/memory/@dumpCore", "off");
  assert_xpath (out, "/domain/cpu/@match", "minimum");
  assert_xpath (out, "string(count(/domain/devices/*/boot))", "2");

  dx = ferry_domain_xml_new (out, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ferry_domain_xml_get_name (dx), ==, "pinned");
  g_assert_cmpuint (ferry_domain_xml_get_vcpus (dx), ==, 2);
  g_assert_cmpuint (ferry_domain_xml_get_max_vcpus (dx), ==, 4);
  g_assert_finalize_object (g_steal_pointer (&dx));
}

static void
test_vcpus (void)
{
  FerryDomainXmlEdit edit = { 0 };
  g_autofree char *more = NULL;
  g_autofree char *reserve = NULL;
  g_autofree char *equal = NULL;
  g_autofree char *added = NULL;

  /* The count changes, current= goes, the pinning stays. */
  edit.vcpus = 6;
  more = apply (pinned_xml, &edit);
  assert_xpath (more, "/domain/vcpu", "6");
  assert_xpath (more, "string(count(/domain/vcpu/@current))", "0");
  assert_xpath (more, "/domain/vcpu/@cpuset", "0-1");
  assert_xpath (more, "/domain/vcpu/@placement", "static");

  /* A reserve: current= below the count. */
  edit.vcpus = 4;
  edit.current_vcpus = 3;
  reserve = apply (pinned_xml, &edit);
  assert_xpath (reserve, "/domain/vcpu", "4");
  assert_xpath (reserve, "/domain/vcpu/@current", "3");
  assert_xpath (reserve, "/domain/vcpu/@cpuset", "0-1");

  /* current= equal to the count is no reserve: libvirt would not write it. */
  edit.current_vcpus = 4;
  equal = apply (pinned_xml, &edit);
  assert_xpath (equal, "string(count(/domain/vcpu/@current))", "0");

  /* No <vcpu> at all: one is made. */
  edit.vcpus = 2;
  edit.current_vcpus = 0;
  added = apply ("<domain type='qemu'><name>x</name></domain>", &edit);
  assert_xpath (added, "/domain/vcpu", "2");
}

static void
test_memory (void)
{
  FerryDomainXmlEdit edit = { .memory_kib = 786432 };
  g_autofree char *out = apply (pinned_xml, &edit);
  g_autofree char *mib = NULL;

  assert_xpath (out, "/domain/memory", "786432");
  assert_xpath (out, "/domain/memory/@unit", "KiB");
  assert_xpath (out, "/domain/memory/@dumpCore", "off");
  assert_xpath (out, "string(count(/domain/memory))", "1");
  /* Untouched: libvirt-gconfig's own setter does that one. */
  assert_xpath (out, "/domain/currentMemory", "1048576");

  /* Another unit becomes KiB along with the value. */
  mib = apply ("<domain type='qemu'><name>x</name><memory unit='MiB'>512</memory></domain>", &edit);
  assert_xpath (mib, "/domain/memory", "786432");
  assert_xpath (mib, "/domain/memory/@unit", "KiB");
}

static void
test_cpu_match (void)
{
  FerryDomainXmlEdit edit = { .drop_cpu_match = TRUE };
  g_autofree char *out = apply (pinned_xml, &edit);
  g_autofree char *no_cpu = NULL;

  assert_xpath (out, "string(count(/domain/cpu/@match))", "0");
  assert_xpath (out, "string(count(/domain/cpu/@check))", "0");
  assert_xpath (out, "/domain/cpu/@mode", "custom");
  assert_xpath (out, "/domain/cpu/topology/@cores", "2");
  assert_xpath (out, "/domain/cpu/feature/@name", "vmx");

  /* Nothing to drop: no <cpu> is made for it. */
  no_cpu = apply ("<domain type='qemu'><name>x</name></domain>", &edit);
  assert_xpath (no_cpu, "string(count(/domain/cpu))", "0");
}

static void
test_device_boot (void)
{
  FerryDomainXmlEdit edit = { .drop_device_boot = TRUE };
  g_autofree char *out = apply ("<domain type='qemu'><name>x</name>"
                                "<os><type>hvm</type><boot dev='network'/></os>"
                                "<devices><disk type='file' device='disk'><boot order='1'/>"
                                "<source file='/a'/><boot order='3'/></disk>"
                                "<interface type='user'><boot order='2'/></interface>"
                                "</devices></domain>", &edit);

  assert_xpath (out, "string(count(//boot))", "1");
  assert_xpath (out, "/domain/os/boot/@dev", "network");
  assert_xpath (out, "/domain/devices/disk/source/@file", "/a");
}

/* Whatever a host sent, a clear error and nothing else. */
static void
test_bad_input (void)
{
  const char *bad[] = {
    "",
    "not XML",
    "<domain><name>x</name>",
    "<network><name>default</name></network>",
  };
  FerryDomainXmlEdit edit = { .vcpus = 2 };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *out = ferry_domain_xml_edit_apply (bad[i], &edit, &error);

      g_assert_null (out);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    }

  /* An external entity is never read. */
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *out =
      ferry_domain_xml_edit_apply ("<!DOCTYPE domain [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>"
                                   "<domain><name>&x;</name></domain>", &edit, &error);

    if (out != NULL)
      g_assert_null (strstr (out, "root:"));
    else
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  }
}

/* The lease check's throwaway guests, read back through the domain reader. */
static void
test_throwaway_guests (void)
{
  g_autofree char *disk_xml = ferry_domain_xml_new_disk_holder ("ferry-lease-check-1-a", "/srv/vms/it's<1>.img");
  g_autofree char *lease_xml = ferry_domain_xml_new_lease_holder ("ferry-lease-check-1-c", ".lockspace",
                                                                  "ab12", "/srv/v&ms");
  g_autoptr(FerryDomainXml) disk_dom = NULL;
  g_autoptr(FerryDomainXml) lease_dom = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) paths = NULL;

  disk_dom = ferry_domain_xml_new (disk_xml, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ferry_domain_xml_get_name (disk_dom), ==, "ferry-lease-check-1-a");
  paths = ferry_domain_xml_dup_disk_paths (disk_dom, FERRY_DISK_HARD_DISKS);
  g_assert_cmpuint (g_strv_length (paths), ==, 1);
  g_assert_cmpstr (paths[0], ==, "/srv/vms/it's<1>.img");
  g_assert_nonnull (strstr (disk_xml, "type=\"qemu\""));
  g_assert_nonnull (strstr (disk_xml, "<memballoon model=\"none\"/>"));
  g_assert_nonnull (strstr (disk_xml, "bus=\"virtio\""));

  lease_dom = ferry_domain_xml_new (lease_xml, &error);
  g_assert_no_error (error);
  g_clear_pointer (&paths, g_strfreev);
  paths = ferry_domain_xml_dup_disk_paths (lease_dom, FERRY_DISK_HARD_DISKS);
  g_assert_cmpuint (g_strv_length (paths), ==, 0);
  g_assert_nonnull (strstr (lease_xml, "<lease><lockspace>.lockspace</lockspace><key>ab12</key>"
                                       "<target path=\"/srv/v&amp;ms\"/></lease>"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/domain-xml-edit/nothing", test_nothing);
  g_test_add_func ("/domain-xml-edit/vcpus", test_vcpus);
  g_test_add_func ("/domain-xml-edit/memory", test_memory);
  g_test_add_func ("/domain-xml-edit/cpu-match", test_cpu_match);
  g_test_add_func ("/domain-xml-edit/device-boot", test_device_boot);
  g_test_add_func ("/domain-xml-edit/bad-input", test_bad_input);
  g_test_add_func ("/domain-xml-edit/throwaway-guests", test_throwaway_guests);

  return g_test_run ();
}
