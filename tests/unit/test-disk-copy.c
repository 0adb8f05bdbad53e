/* test-disk-copy.c — copying a shut-off VM's disks to another host
 *
 * Two test:/// hosts from files: the source has the disk in a pool, the
 * destination has (or lacks) a pool of the same directory. The test driver
 * cannot stream volumes, which is what shows that a copy that fails leaves
 * nothing behind; a real copy is covered by the integration suite's
 * offline migration.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <libvirt/virterror.h>

#include "ferry-disk-copy.h"
#include "ferry-libvirt.h"

#define POOL(uuid, volumes) \
  "  <pool type='dir'><name>vms</name><uuid>" uuid "</uuid>" \
  "<capacity>10737418240</capacity><allocation>0</allocation><available>10737418240</available>" \
  "<target><path>/srv/vms</path></target>" volumes "</pool>\n"
#define WEB_VOLUME \
  "<volume type='file'><name>web.qcow2</name><capacity>1048576</capacity><allocation>0</allocation>" \
  "<target><path>/srv/vms/web.qcow2</path><format type='qcow2'/></target></volume>"

static const char source_xml[] =
  "<node>\n"
  POOL ("6a2b1c3d-0000-4000-8000-000000000001", WEB_VOLUME)
  "  <domain type='test'><name>web</name><uuid>6a2b1c3d-0000-4000-8000-0000000000aa</uuid>"
  "<memory>65536</memory><vcpu>1</vcpu><os><type>hvm</type></os><devices>"
  "<disk type='file' device='disk'><source file='/srv/vms/web.qcow2'/><target dev='vda'/></disk>"
  /* Read-only media are never copied: the destination must have its own. */
  "<disk type='file' device='cdrom'><source file='/srv/iso/install.iso'/><target dev='hdc'/><readonly/></disk>"
  "</devices></domain>\n"
  "  <domain type='test'><name>loose</name><uuid>6a2b1c3d-0000-4000-8000-0000000000bb</uuid>"
  "<memory>65536</memory><vcpu>1</vcpu><os><type>hvm</type></os><devices>"
  "<disk type='file' device='disk'><source file='/var/tmp/loose.img'/><target dev='vda'/></disk>"
  "</devices></domain>\n"
  "</node>\n";

#ifdef __SANITIZE_ADDRESS__
/* libvirt is built without frame pointers: LeakSanitizer's fast unwinder
 * stops short of the libvirt frame that tests/lsan.supp names for the test
 * driver's own leak. */
const char *__asan_default_options (void);
const char *
__asan_default_options (void)
{
  return "fast_unwind_on_malloc=0";
}
#endif

typedef struct
{
  char          *dir;
  virConnectPtr  source;
  virConnectPtr  destination;
} Fixture;

static virConnectPtr
open_file (const char *dir,
           const char *name,
           const char *xml)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *uri = g_strconcat ("test://", path, NULL);
  virConnectPtr conn;

  g_assert_true (g_file_set_contents (path, xml, -1, NULL));
  conn = virConnectOpen (uri);
  g_assert_nonnull (conn);
  return conn;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  destination_xml)
{
  f->dir = g_dir_make_tmp ("ferry-disk-copy-XXXXXX", NULL);
  f->source = open_file (f->dir, "source.xml", source_xml);
  f->destination = open_file (f->dir, "destination.xml", destination_xml);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *source = g_build_filename (f->dir, "source.xml", NULL);
  g_autofree char *destination = g_build_filename (f->dir, "destination.xml", NULL);

  virConnectClose (f->source);
  virConnectClose (f->destination);
  g_unlink (source);
  g_unlink (destination);
  g_rmdir (f->dir);
  g_free (f->dir);
}

static gboolean
copy (Fixture     *f,
      const char  *name,
      GError     **error)
{
  virDomainPtr domain = virDomainLookupByName (f->source, name);
  gboolean ok;

  g_assert_nonnull (domain);
  ok = _ferry_disk_copy_offline (f->source, f->destination, domain, name, error);
  virDomainFree (domain);
  return ok;
}

static gboolean
destination_has (Fixture    *f,
                 const char *path)
{
  virStorageVolPtr vol = ferry_libvirt_lookup_volume (f->destination, path);

  if (vol == NULL)
    {
      virResetLastError ();
      return FALSE;
    }
  virStorageVolFree (vol);
  return TRUE;
}

static const char destination_with_disk[] =
  "<node>\n" POOL ("6a2b1c3d-0000-4000-8000-000000000002", WEB_VOLUME) "</node>\n";
static const char destination_empty_pool[] =
  "<node>\n" POOL ("6a2b1c3d-0000-4000-8000-000000000003", "") "</node>\n";
static const char destination_no_pool[] =
  "<node><domain type='test'><name>other</name><memory>65536</memory><vcpu>1</vcpu>"
  "<os><type>hvm</type></os></domain></node>\n";

/* The destination already sees the disk (shared storage after all): no
 * copy, no error, and its volume is left as it was. */
static void
test_already_there (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (copy (f, "web", &error));
  g_assert_no_error (error);
  g_assert_true (destination_has (f, "/srv/vms/web.qcow2"));
}

/* The copy fails once the volume exists on the destination (the test
 * driver cannot stream): the error names the disk, and the new volume is
 * gone again, never half-copied. */
static void
test_failure_leaves_nothing (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (destination_has (f, "/srv/vms/web.qcow2"));
  g_assert_false (copy (f, "web", &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "/srv/vms/web.qcow2"));
  g_assert_false (destination_has (f, "/srv/vms/web.qcow2"));
  /* The read-only installation medium was not even tried. */
  g_assert_null (strstr (error->message, "install.iso"));
}

static void
test_no_pool (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (copy (f, "web", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "/srv/vms"));
}

/* A disk outside every pool cannot go through the storage API. */
static void
test_not_a_volume (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (copy (f, "loose", &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "/var/tmp/loose.img"));
  g_assert_nonnull (strstr (error->message, "loose"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/disk-copy/already-there", Fixture, destination_with_disk,
              fixture_set_up, test_already_there, fixture_tear_down);
  g_test_add ("/disk-copy/failure-leaves-nothing", Fixture, destination_empty_pool,
              fixture_set_up, test_failure_leaves_nothing, fixture_tear_down);
  g_test_add ("/disk-copy/no-pool", Fixture, destination_no_pool,
              fixture_set_up, test_no_pool, fixture_tear_down);
  g_test_add ("/disk-copy/not-a-volume", Fixture, destination_empty_pool,
              fixture_set_up, test_not_a_volume, fixture_tear_down);
  return g_test_run ();
}
