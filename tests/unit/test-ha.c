/* test-ha.c — the pure parts of high availability, and the flag and the
 * lease check over test:/// hosts (FerryHaManager: test-ha-manager.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <libvirt/virterror.h>

#include "ferry-fanout.h"
#include "ferry-test-util.h"

static const char *domain_xml =
  "<domain type='qemu'>"
  "  <name>web</name>"
  "  <metadata>"
  "    <other:thing xmlns:other='https://example.org/x'/>"
  "    <ferry:ha xmlns:ferry='https://ferryvm.github.io/xmlns/ha/1.0' enabled='yes'/>"
  "  </metadata>"
  "  <devices>"
  "    <disk type='file' device='disk'><source file='/srv/shared/web.qcow2'/><target dev='vda'/></disk>"
  "    <disk type='block' device='disk'><source dev='/dev/sdb'/><target dev='vdb'/></disk>"
  "    <disk type='volume' device='disk'><source pool='shared' volume='data.img'/><target dev='vdc'/></disk>"
  "    <disk type='network' device='disk'><source protocol='rbd' name='pool/img'/><target dev='vdd'/></disk>"
  "    <disk type='file' device='cdrom'><target dev='sda'/></disk>"
  "    <disk type='file' device='cdrom'><source file='/srv/iso/x.iso'/><target dev='sdb'/></disk>"
  "  </devices>"
  "</domain>";

static void
test_disks (void)
{
  g_autoptr(GPtrArray) disks = NULL;
  g_autoptr(GError) error = NULL;
  FerryHaDisk *d;

  disks = ferry_ha_list_disks (domain_xml, &error);
  g_assert_no_error (error);
  /* The empty CD-ROM drive opens nothing: left out. */
  g_assert_cmpuint (disks->len, ==, 5);
  d = g_ptr_array_index (disks, 0);
  g_assert_cmpstr (d->target, ==, "vda");
  g_assert_cmpstr (d->type, ==, "file");
  g_assert_cmpstr (d->path, ==, "/srv/shared/web.qcow2");
  d = g_ptr_array_index (disks, 1);
  g_assert_cmpstr (d->type, ==, "block");
  g_assert_cmpstr (d->path, ==, "/dev/sdb");
  d = g_ptr_array_index (disks, 2);
  g_assert_cmpstr (d->type, ==, "volume");
  g_assert_cmpstr (d->path, ==, "shared/data.img");
  d = g_ptr_array_index (disks, 3);
  g_assert_cmpstr (d->type, ==, "network");
  g_assert_null (d->path);
  d = g_ptr_array_index (disks, 4);
  g_assert_cmpstr (d->target, ==, "sdb");
  g_assert_cmpstr (d->path, ==, "/srv/iso/x.iso");

  g_assert_null (ferry_ha_list_disks ("<domain", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);
  g_assert_null (ferry_ha_list_disks ("<pool type='dir'><name>x</name></pool>", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
}

/* Disks that open nothing a lock manager sees, and kinds newer than
 * libvirt-gconfig: listed without a path, or (empty drives) left out. */
static void
test_disks_odd (void)
{
  g_autoptr(GPtrArray) disks = NULL;
  g_autoptr(GError) error = NULL;
  FerryHaDisk *d;

  disks = ferry_ha_list_disks ("<domain type='kvm'><name>odd</name><devices>"
                               "<disk device='disk'><source file='/srv/shared/untyped.img'/><target dev='vda'/></disk>"
                               "<disk type='dir' device='disk'><source dir='/srv/tree'/><target dev='vdb'/></disk>"
                               "<disk type='volume' device='disk'><source pool='shared'/><target dev='vdc'/></disk>"
                               "<disk type='nvme' device='disk'><source type='pci'/><target dev='vdd'/></disk>"
                               "<disk type='volume' device='cdrom'><target dev='sda'/></disk>"
                               "<disk type='block' device='floppy'><target dev='fda'/></disk>"
                               "<disk type='network' device='cdrom'><source protocol='http' name='/x.iso'/>"
                               "<target dev='sdb'/></disk>"
                               "</devices></domain>", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (disks->len, ==, 5);
  d = g_ptr_array_index (disks, 0);
  g_assert_cmpstr (d->type, ==, "file");          /* the default */
  g_assert_cmpstr (d->path, ==, "/srv/shared/untyped.img");
  d = g_ptr_array_index (disks, 1);
  g_assert_cmpstr (d->type, ==, "dir");
  g_assert_null (d->path);
  d = g_ptr_array_index (disks, 2);
  g_assert_cmpstr (d->type, ==, "volume");
  g_assert_null (d->path);                        /* no volume named */
  d = g_ptr_array_index (disks, 3);
  g_assert_cmpstr (d->type, ==, "nvme");
  g_assert_null (d->path);
  d = g_ptr_array_index (disks, 4);
  g_assert_cmpstr (d->target, ==, "sdb");         /* a network CD-ROM stays */
  g_assert_cmpstr (d->type, ==, "network");
}

static void
test_flag (void)
{
  g_assert_true (ferry_ha_xml_is_enabled (domain_xml));
  /* What virDomainGetMetadata returns: the element alone. */
  g_assert_true (ferry_ha_xml_is_enabled ("<ferry:ha xmlns:ferry=\"https://ferryvm.github.io/xmlns/ha/1.0\" "
                                          "enabled=\"yes\"/>"));
  g_assert_true (ferry_ha_xml_is_enabled ("<ha xmlns=\"https://ferryvm.github.io/xmlns/ha/1.0\" enabled=\"yes\"/>"));
  g_assert_false (ferry_ha_xml_is_enabled ("<ha xmlns=\"https://ferryvm.github.io/xmlns/ha/1.0\" enabled=\"no\"/>"));
  /* Another namespace with the same element name is not ours. */
  g_assert_false (ferry_ha_xml_is_enabled ("<domain><metadata><x:ha xmlns:x='https://example.org/ha' "
                                           "enabled='yes'/></metadata></domain>"));
  g_assert_false (ferry_ha_xml_is_enabled ("<domain><name>x</name></domain>"));
  g_assert_false (ferry_ha_xml_is_enabled ("<domain><name>x</name><metadata>"
                                           "<ferry:ha xmlns:ferry='https://ferryvm.github.io/xmlns/ha/1.0' "
                                           "enabled='no'/></metadata></domain>"));
  g_assert_false (ferry_ha_xml_is_enabled ("<ha enabled='yes'/>"));
  g_assert_false (ferry_ha_xml_is_enabled ("<ha xmlns=\"https://ferryvm.github.io/xmlns/ha/1.0\" enabled=\"yes\""));
  g_assert_false (ferry_ha_xml_is_enabled (""));
  g_assert_false (ferry_ha_xml_is_enabled (NULL));
  g_assert_false (ferry_ha_xml_is_enabled ("not xml"));
  g_assert_cmpstr (ferry_ha_metadata_element (), ==, "<ha enabled=\"yes\"/>");
}

static void
test_refusal (void)
{
  g_assert_cmpint (ferry_ha_classify_refusal (VIR_ERR_RESOURCE_BUSY,
                                              "resource busy: Lockspace resource 'ab12' is locked"),
                   ==, FERRY_HA_REFUSED_BY_LEASE);
  g_assert_cmpint (ferry_ha_classify_refusal (VIR_ERR_INTERNAL_ERROR,
                                              "Failed to acquire lock: error -243"),
                   ==, FERRY_HA_REFUSED_BY_LEASE);
  g_assert_cmpint (ferry_ha_classify_refusal (VIR_ERR_INTERNAL_ERROR,
                                              "internal error: qemu unexpectedly closed the monitor: ... "
                                              "Failed to get \"write\" lock\nIs another process using the "
                                              "image [/srv/x.img]?"),
                   ==, FERRY_HA_REFUSED_BY_QEMU);
  g_assert_cmpint (ferry_ha_classify_refusal (VIR_ERR_INTERNAL_ERROR, "Unable to open resource /x: No such file"),
                   ==, FERRY_HA_REFUSED_OTHER);
  g_assert_cmpint (ferry_ha_classify_refusal (0, NULL), ==, FERRY_HA_REFUSED_OTHER);
}

static void
test_cache (void)
{
  const char *uuid = "6f1c0e38-3a2f-4a55-9d0e-2b7d0f3c9a11";
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = ferry_ha_cache_dir ();
  g_autofree char *path = NULL;
  g_autofree char *xml = NULL;
  g_auto(GStrv) list = NULL;
  GStatBuf st;

  g_assert_true (g_str_has_prefix (dir, g_get_user_data_dir ()));
  list = ferry_ha_cache_list ();
  g_assert_cmpuint (g_strv_length (list), ==, 0);
  g_clear_pointer (&list, g_strfreev);

  g_assert_true (ferry_ha_cache_save (uuid, "<domain>one</domain>", &error));
  g_assert_no_error (error);
  g_assert_true (ferry_ha_cache_save (uuid, "<domain>two</domain>", &error));
  xml = ferry_ha_cache_load (uuid, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (xml, ==, "<domain>two</domain>");

  /* Private: it may hold a VNC password. */
  path = g_strdup_printf ("%s/%s.xml", dir, uuid);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  /* Other files in the directory are not definitions. */
  {
    g_autofree char *junk = g_build_filename (dir, "notes.txt", NULL);
    g_autofree char *bad = g_build_filename (dir, "not-a-uuid.xml", NULL);

    g_assert_true (g_file_set_contents (junk, "x", -1, NULL));
    g_assert_true (g_file_set_contents (bad, "x", -1, NULL));
  }
  list = ferry_ha_cache_list ();
  g_assert_cmpuint (g_strv_length (list), ==, 1);
  g_assert_cmpstr (list[0], ==, uuid);

  /* Never a path from something that is not a UUID. */
  g_assert_false (ferry_ha_cache_save ("../../etc/passwd", "x", &error));
  g_assert_error (error, FERRY_HA_ERROR, FERRY_HA_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_null (ferry_ha_cache_load ("../x", &error));
  g_clear_error (&error);

  ferry_ha_cache_remove (uuid);
  g_assert_null (ferry_ha_cache_load (uuid, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
}

/* The manager's writes go through the queue: never on the caller's thread,
 * in order, visible at once, and an unchanged definition is not rewritten. */
static void
test_cache_queue (void)
{
  const char *uuid = "0b5f8a7e-44a1-4c1e-8f7e-3d2c1b0a9f88";
  g_autofree char *dir = ferry_ha_cache_dir ();
  g_autofree char *path = g_strdup_printf ("%s/%s.xml", dir, uuid);
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = NULL;
  g_auto(GStrv) list = NULL;
  GStatBuf before, after;

  ferry_ha_cache_queue (uuid, "<domain>one</domain>");
  ferry_ha_cache_queue (uuid, "<domain>two</domain>");
  xml = ferry_ha_cache_load (uuid, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (xml, ==, "<domain>two</domain>");
  list = ferry_ha_cache_list ();
  g_assert_true (g_strv_contains ((const char * const *) list, uuid));
  g_clear_pointer (&list, g_strfreev);

  ferry_ha_cache_flush ();
  g_clear_pointer (&xml, g_free);
  g_assert_true (g_file_get_contents (path, &xml, NULL, NULL));
  g_assert_cmpstr (xml, ==, "<domain>two</domain>");

  /* The same definition again: the file is left alone (a rewrite renames a
   * new file over it, with a new inode). */
  g_assert_cmpint (g_stat (path, &before), ==, 0);
  ferry_ha_cache_queue (uuid, "<domain>two</domain>");
  ferry_ha_cache_flush ();
  g_assert_cmpint (g_stat (path, &after), ==, 0);
  g_assert_cmpuint (before.st_ino, ==, after.st_ino);

  /* A removal hides it at once, and then the file goes. */
  ferry_ha_cache_queue (uuid, NULL);
  g_clear_pointer (&xml, g_free);
  g_assert_null ((xml = ferry_ha_cache_load (uuid, &error)));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_clear_error (&error);
  list = ferry_ha_cache_list ();
  g_assert_false (g_strv_contains ((const char * const *) list, uuid));
  ferry_ha_cache_flush ();
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

static gboolean
set_done_cb (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

static void
store_result (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* A host of the test driver with the pool "shared" at /shared, holding
 * web.img when @has_volume, and the persistent VM "ha-web" on it when
 * @has_vm. */
static FerryNode *
add_host (FerryInventory *inventory,
          const char     *dir,
          const char     *name,
          gboolean        has_volume,
          gboolean        has_vm)
{
  g_autofree char *file = g_strdup_printf ("%s.xml", name);
  g_autofree char *xml =
    g_strdup_printf ("<node>"
                     "%s"
                     "<pool type='dir'><name>shared</name>"
                     "<uuid>%s</uuid>"
                     "<target><path>/shared</path></target>"
                     "%s"
                     "</pool>"
                     "</node>",
                     has_vm ? "<domain type='test'><name>ha-web</name>"
                              "<uuid>6f1c8f36-0b8e-4a43-9a9e-0d3b7f2f9b01</uuid>"
                              "<memory>131072</memory><vcpu>1</vcpu><os><type>hvm</type></os>"
                              "<devices><disk type='file' device='disk'>"
                              "<source file='/shared/web.img'/><target dev='vda'/></disk></devices>"
                              "</domain>" : "",
                     has_vm ? "35bb2ad9-388a-cdfe-461a-b8907f6e5301" : "35bb2ad9-388a-cdfe-461a-b8907f6e5302",
                     has_volume ? "<volume><name>web.img</name><capacity>1048576</capacity>"
                                  "<key>/shared/web.img</key>"
                                  "<target><path>/shared/web.img</path></target></volume>" : "");

  return ferry_test_add_node_from_xml (inventory, dir, file, xml);
}

static gboolean
vm_listed (gpointer node)
{
  return ferry_test_find_on (node, "ha-web") != NULL;
}

static gboolean
set_enabled (FerryVm    *vm,
             gboolean    enabled,
             GPtrArray  *peers,
             char      **xml,
             GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  ferry_ha_set_enabled_async (vm, enabled, peers, NULL, store_result, &result);
  g_assert_true (ferry_test_wait_until (set_done_cb, &result, 10000));
  return ferry_ha_set_enabled_finish (vm, result, xml, error);
}

static gpointer
definition_step (FerryNode     *node,
                 virConnectPtr  conn,
                 guint          index,
                 gpointer       user_data,
                 GCancellable  *cancellable,
                 GError       **error)
{
  virDomainPtr domain = virDomainLookupByName (conn, "ha-web");
  char *xml = virDomainGetXMLDesc (domain, VIR_DOMAIN_XML_INACTIVE);
  char *copy = g_strdup (xml);

  free (xml);
  virDomainFree (domain);
  return copy;
}

static void
definition_read (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GPtrArray) results = ferry_fanout_run_finish (result, NULL);
  FerryFanoutResult *answer = g_ptr_array_index (results, 0);

  *(char **) user_data = g_steal_pointer (&answer->value);
}

static gboolean
have_string (gpointer data)
{
  return *(char **) data != NULL;
}

/* Whether the owner's definition carries the flag. (Not through
 * ferry_ha_get_enabled: the test driver's metadata element comes without
 * its namespace.) */
static gboolean
get_enabled (FerryNode *owner)
{
  g_autoptr(GPtrArray) nodes = g_ptr_array_new ();
  g_autofree char *xml = NULL;

  g_ptr_array_add (nodes, owner);
  ferry_fanout_run_async (nodes, 0, definition_step, NULL, NULL, g_free, NULL, definition_read, &xml);
  g_assert_true (ferry_test_wait_until (have_string, &xml, 10000));
  return ferry_ha_xml_is_enabled (xml);
}

/* The flag is written only when every peer sees the disks; the first
 * peer (in order) that does not is the answer. */
static void
test_set_enabled (void)
{
  g_autoptr(FerryInventory) inventory = ferry_inventory_new ();
  g_autofree char *dir = g_dir_make_tmp ("ferry-test-ha-XXXXXX", NULL);
  g_autoptr(FerryNode) owner = add_host (inventory, dir, "owner", TRUE, TRUE);
  g_autoptr(FerryNode) sees = add_host (inventory, dir, "sees", TRUE, FALSE);
  g_autoptr(FerryNode) blind1 = add_host (inventory, dir, "blind1", FALSE, FALSE);
  g_autoptr(FerryNode) blind2 = add_host (inventory, dir, "blind2", FALSE, FALSE);
  g_autoptr(FerryNode) off = ferry_node_new ("test:///default", "off", NULL);
  g_autoptr(GPtrArray) peers = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = NULL;
  FerryTestHold *hold;
  FerryVm *vm;

  g_assert_true (ferry_test_wait_until (vm_listed, owner, 10000));
  vm = ferry_test_find_on (owner, "ha-web");

  /* The owner itself and a node that is not connected are no peers. */
  g_ptr_array_add (peers, owner);
  g_ptr_array_add (peers, off);
  g_assert_false (set_enabled (vm, TRUE, peers, NULL, &error));
  g_assert_error (error, FERRY_HA_ERROR, FERRY_HA_ERROR_NO_PEERS);
  g_clear_error (&error);

  /* blind1 answers last, yet it is the one named. */
  hold = ferry_test_hold_worker (blind1);
  ferry_test_hold_release_later (hold, 300);
  g_ptr_array_add (peers, sees);
  g_ptr_array_add (peers, blind1);
  g_ptr_array_add (peers, blind2);
  g_assert_false (set_enabled (vm, TRUE, peers, &xml, &error));
  g_assert_error (error, FERRY_HA_ERROR, FERRY_HA_ERROR_NOT_SHARED);
  g_assert_nonnull (strstr (error->message, ferry_node_get_name (blind1)));
  g_assert_nonnull (strstr (error->message, "/shared/web.img"));
  g_assert_null (xml);
  g_clear_error (&error);
  ferry_test_hold_end (hold);
  g_assert_false (get_enabled (owner));

  /* Every peer sees it: written, and the new definition carries it. */
  g_ptr_array_set_size (peers, 0);
  g_ptr_array_add (peers, sees);
  g_assert_true (set_enabled (vm, TRUE, peers, &xml, &error));
  g_assert_no_error (error);
  g_assert_true (ferry_ha_xml_is_enabled (xml));
  g_clear_pointer (&xml, g_free);
  g_assert_true (get_enabled (owner));

  /* Clearing asks no peer. */
  g_assert_true (set_enabled (vm, FALSE, NULL, &xml, &error));
  g_assert_no_error (error);
  g_assert_false (ferry_ha_xml_is_enabled (xml));
  g_assert_false (get_enabled (owner));

  ferry_inventory_remove_node (inventory, owner);
  ferry_inventory_remove_node (inventory, sees);
  ferry_inventory_remove_node (inventory, blind1);
  ferry_inventory_remove_node (inventory, blind2);
  g_assert_finalize_object (g_steal_pointer (&off));
  ferry_test_remove_tree (dir);
}

/* The first host has no pool at the shared directory: the check cannot
 * run, and nothing was made that needs cleaning up. */
static void
test_leases_no_pool (void)
{
  g_autoptr(FerryInventory) inventory = ferry_inventory_new ();
  g_autofree char *dir = g_dir_make_tmp ("ferry-test-ha-XXXXXX", NULL);
  g_autoptr(FerryNode) a = add_host (inventory, dir, "a", TRUE, FALSE);
  g_autoptr(FerryNode) b = add_host (inventory, dir, "b", TRUE, FALSE);
  g_autoptr(FerryNode) off = ferry_node_new ("test:///default", "off", NULL);
  g_autoptr(GPtrArray) nodes = g_ptr_array_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *explanation = NULL;

  g_ptr_array_add (nodes, a);
  g_ptr_array_add (nodes, b);
  ferry_ha_verify_leases_async (nodes, "/nowhere", NULL, store_result, &result);
  g_assert_true (ferry_test_wait_until (set_done_cb, &result, 10000));
  g_assert_false (ferry_ha_verify_leases_finish (result, &explanation, &error));
  g_assert_error (error, FERRY_HA_ERROR, FERRY_HA_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "/nowhere"));
  g_assert_null (explanation);
  g_clear_error (&error);
  g_clear_object (&result);

  /* Two connected hosts or nothing. */
  g_ptr_array_index (nodes, 1) = off;
  ferry_ha_verify_leases_async (nodes, "/shared", NULL, store_result, &result);
  g_assert_true (ferry_test_wait_until (set_done_cb, &result, 10000));
  g_assert_false (ferry_ha_verify_leases_finish (result, NULL, &error));
  g_assert_error (error, FERRY_LIBVIRT_ERROR, FERRY_LIBVIRT_ERROR_NOT_CONNECTED);

  ferry_inventory_remove_node (inventory, a);
  ferry_inventory_remove_node (inventory, b);
  g_assert_finalize_object (g_steal_pointer (&off));
  ferry_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *data_home = g_dir_make_tmp ("ferry-test-ha-XXXXXX", NULL);
  int ret;

  /* A data dir of our own, set before GLib caches the user's (GLib's
   * G_TEST_OPTION_ISOLATE_DIRS leaks under LSan). */
  g_assert_nonnull (data_home);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_test_init (&argc, &argv, NULL);
  ferry_core_init ();

  g_test_add_func ("/ha/disks", test_disks);
  g_test_add_func ("/ha/disks-odd", test_disks_odd);
  g_test_add_func ("/ha/flag", test_flag);
  g_test_add_func ("/ha/refusal", test_refusal);
  g_test_add_func ("/ha/cache", test_cache);
  g_test_add_func ("/ha/cache-queue", test_cache_queue);
  g_test_add_func ("/ha/set-enabled", test_set_enabled);
  g_test_add_func ("/ha/leases-no-pool", test_leases_no_pool);

  ret = g_test_run ();
  ferry_test_remove_tree (data_home);
  return ret;
}
