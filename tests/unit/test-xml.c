/* test-xml.c — reading values out of libvirt XML
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>

#include "ferry-xml.h"

static const char *domain_xml =
  "<domain type='qemu'><name>web</name>"
  "<devices>"
  "<disk type='file' device='disk'><source file='/var/lib/a.qcow2'/></disk>"
  "<disk type='file' device='cdrom'><source file='/iso/install.iso'/></disk>"
  "<disk type='file'><source file='/var/lib/b &amp; c.img'/></disk>"
  "<graphics type='vnc' port='5901' listen='127.0.0.1'/>"
  "</devices></domain>";

static void
test_disks (void)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) paths =
    ferry_xml_eval_strings (domain_xml,
                            "/domain/devices/disk[@device='disk' or not(@device)]/source/@file",
                            &error);

  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (paths), ==, 2);
  g_assert_cmpstr (paths[0], ==, "/var/lib/a.qcow2");
  g_assert_cmpstr (paths[1], ==, "/var/lib/b & c.img");
}

static void
test_no_match (void)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) values = ferry_xml_eval_strings (domain_xml, "/domain/nothing", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (values), ==, 0);
}

static void
test_bad_input (void)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) values = ferry_xml_eval_strings ("<domain><unclosed></domain>", "/domain", &error);

  g_assert_null (values);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);

  /* An external entity must not be loaded. */
  values = ferry_xml_eval_strings ("<!DOCTYPE d [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>"
                                   "<d>&x;</d>", "/d", &error);
  if (values != NULL)
    g_assert_null (strstr (values[0], "root:"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/xml/disks", test_disks);
  g_test_add_func ("/xml/no-match", test_no_match);
  g_test_add_func ("/xml/bad-input", test_bad_input);
  return g_test_run ();
}
