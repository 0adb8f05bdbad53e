/* test-host-resources.c — what a node offers to new VMs
 * (FerryHostResources): storage pools and volumes, networks, host
 * bridges, as read from libvirt's test driver, and the look-ups on them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ferry-host-resources.h"
#include "ferry-libvirt.h"
#include "ferry-node-private.h"
#include "ferry-test-util.h"

#define MiB (G_GUINT64_CONSTANT (1024) * 1024)
#define GiB (MiB * 1024)

static char *tmpdir;

/* Two pools (cold is stopped by the test), three networks (one stopped
 * by the test), two bridges among the host's interfaces. */
static const char *node_xml =
  "<node xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>\n"
  "  <cpu><nodes>1</nodes><sockets>1</sockets><cores>4</cores><threads>1</threads>"
  "<active>4</active><mhz>2400</mhz><model>x86_64</model></cpu>\n"
  "  <memory>8388608</memory>\n"
  "  <network><name>nat</name><bridge name='virbr0'/><forward/>"
  "<ip address='192.168.122.1' netmask='255.255.255.0'/></network>\n"
  "  <network><name>routed</name><bridge name='virbr1'/><forward mode='route'/>"
  "<ip address='192.168.50.1' netmask='255.255.255.0'/></network>\n"
  "  <network><name>closed</name><bridge name='virbr9'/></network>\n"
  "  <interface type='bridge' name='br0'><start mode='onboot'/><bridge>"
  "<interface type='ethernet' name='eth0'><mac address='aa:bb:cc:dd:ee:01'/></interface>"
  "</bridge></interface>\n"
  "  <interface type='bridge' name='br1'><start mode='onboot'/><bridge>"
  "<interface type='ethernet' name='eth2'><mac address='aa:bb:cc:dd:ee:03'/></interface>"
  "</bridge></interface>\n"
  "  <interface type='ethernet' name='eth1'><start mode='onboot'/>"
  "<mac address='aa:bb:cc:dd:ee:02'/></interface>\n"
  "  <pool type='dir'><name>tank</name><capacity unit='GiB'>100</capacity>"
  "<allocation unit='GiB'>10</allocation><available unit='GiB'>90</available>"
  "<source/><target><path>/tank</path></target>\n"
  "    <volume><name>zeta.qcow2</name><capacity unit='GiB'>8</capacity>"
  "<allocation unit='GiB'>1</allocation><target><format type='qcow2'/></target></volume>\n"
  "    <volume><name>alpha.ISO</name><capacity unit='MiB'>600</capacity>"
  "<allocation unit='MiB'>600</allocation><target><format type='raw'/></target></volume>\n"
  "    <volume><name>middle.img</name><capacity unit='GiB'>2</capacity>"
  "<target><format type='raw'/></target></volume>\n"
  "  </pool>\n"
  "  <pool type='dir'><name>cold</name><capacity unit='GiB'>50</capacity>"
  "<allocation unit='GiB'>5</allocation><available unit='GiB'>45</available>"
  "<source/><target><path>/cold</path></target>\n"
  "    <volume><name>old.qcow2</name><capacity unit='GiB'>4</capacity>"
  "<target><format type='qcow2'/></target></volume>\n"
  "  </pool>\n"
  "</node>\n";

/* A host with nothing to offer. */
static const char *bare_xml =
  "<node>\n"
  "  <cpu><nodes>1</nodes><sockets>1</sockets><cores>1</cores><threads>1</threads>"
  "<active>1</active><mhz>2400</mhz><model>x86_64</model></cpu>\n"
  "  <memory>1048576</memory>\n"
  "</node>\n";

typedef struct
{
  gboolean            done;
  FerryHostResources *res;
  GError             *error;
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

  w->res = ferry_node_get_resources_finish (FERRY_NODE (object), result, &w->error);
  w->done = TRUE;
}

/* The resources of @node, or NULL and @error. */
static FerryHostResources *
read_resources (FerryNode     *node,
                GCancellable  *cancellable,
                GError       **error)
{
  Wait w = { FALSE, NULL, NULL };

  ferry_node_get_resources_async (node, cancellable, resources_done, &w);
  g_assert_true (ferry_test_wait_until (finished, &w, 10000));
  if (w.error != NULL)
    g_propagate_error (error, w.error);
  return w.res;
}

/* A node with no inventory: the resources need only its connection. */
static FerryNode *
connect_node (const char *file_name,
              const char *xml)
{
  g_autofree char *path = g_build_filename (tmpdir, file_name, NULL);
  g_autofree char *uri = g_strdup_printf ("test://%s", path);
  g_autoptr(GError) error = NULL;
  FerryNode *node;

  g_file_set_contents (path, xml, -1, &error);
  g_assert_no_error (error);
  node = ferry_node_new (uri, file_name, NULL);
  ferry_node_connect (node);
  g_assert_true (ferry_test_wait_node_state (node, FERRY_NODE_STATE_CONNECTED, 10000));
  return node;
}

static void
finalize_node (FerryNode *node)
{
  ferry_node_disconnect (node);
  ferry_test_finalize_node (node);
}

/* ---------------------------------------------------------------------- */
/* By hand                                                                 */

static void
test_volume_is_iso (void)
{
  struct { const char *name; const char *format; gboolean is_iso; } cases[] = {
    { "debian.iso", "iso",   TRUE  },   /* a pool that knows ISO images */
    { "anything",   "iso",   TRUE  },
    { "debian.iso", "raw",   TRUE  },   /* dir pools call them raw */
    { "DEBIAN.ISO", "raw",   TRUE  },
    { "debian.iso", NULL,    TRUE  },
    { "debian.iso", "qcow2", FALSE },   /* a disk, whatever its name */
    { "disk.img",   "raw",   FALSE },
    { ".iso",       "raw",   FALSE },   /* no name before the suffix */
    { "iso",        NULL,    FALSE },
    { NULL,         "raw",   FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(FerryHostVolume) volume = ferry_host_volume_new (cases[i].name, "/p/x", cases[i].format);

      g_assert_cmpstr (volume->name, ==, cases[i].name);
      g_assert_cmpstr (volume->format, ==, cases[i].format);
      g_assert_cmpstr (volume->path, ==, "/p/x");
      if (volume->is_iso != cases[i].is_iso)
        g_error ("%s (%s): is_iso %d", cases[i].name, cases[i].format, volume->is_iso);
    }
}

static FerryHostResources *
make_resources (void)
{
  FerryHostResources *res = ferry_host_resources_new ();
  FerryHostPool *tank = ferry_host_pool_new ("tank");
  FerryHostPool *fast = ferry_host_pool_new ("fast");
  FerryHostNetwork *net = ferry_host_network_new ("default");

  g_ptr_array_add (tank->volumes, ferry_host_volume_new ("a.qcow2", "/tank/a.qcow2", "qcow2"));
  g_ptr_array_add (tank->volumes, ferry_host_volume_new ("b.iso", "/tank/b.iso", "raw"));
  g_ptr_array_add (fast->volumes, ferry_host_volume_new ("a.qcow2", "/fast/a.qcow2", "qcow2"));
  /* A volume libvirt gave no name (never seen, but untrusted). */
  g_ptr_array_add (fast->volumes, ferry_host_volume_new (NULL, NULL, NULL));
  g_ptr_array_add (res->pools, tank);
  g_ptr_array_add (res->pools, fast);
  net->bridge = g_strdup ("virbr0");
  g_ptr_array_add (res->networks, net);
  return res;
}

static void
test_find (void)
{
  g_autoptr(FerryHostResources) res = make_resources ();
  const FerryHostPool *tank = g_ptr_array_index (res->pools, 0);
  const FerryHostPool *fast = g_ptr_array_index (res->pools, 1);
  const FerryHostPool *pool = NULL;
  const FerryHostVolume *volume;

  g_assert_true (ferry_host_resources_find_pool (res, "fast") == fast);
  g_assert_null (ferry_host_resources_find_pool (res, "Fast"));
  g_assert_null (ferry_host_resources_find_pool (res, NULL));
  g_assert_cmpstr (ferry_host_resources_find_network (res, "default")->bridge, ==, "virbr0");
  g_assert_null (ferry_host_resources_find_network (res, "nope"));
  g_assert_null (ferry_host_resources_find_network (res, NULL));

  /* The same volume name in two pools: each pool finds its own. */
  g_assert_cmpstr (ferry_host_pool_find_volume (tank, "a.qcow2")->path, ==, "/tank/a.qcow2");
  g_assert_cmpstr (ferry_host_pool_find_volume (fast, "a.qcow2")->path, ==, "/fast/a.qcow2");
  g_assert_null (ferry_host_pool_find_volume (tank, NULL));
  g_assert_null (ferry_host_pool_find_volume (fast, "b.iso"));

  /* By path: the volume and the pool it is in. */
  volume = ferry_host_resources_find_volume_by_path (res, "/fast/a.qcow2", &pool);
  g_assert_nonnull (volume);
  g_assert_true (pool == fast);
  volume = ferry_host_resources_find_volume_by_path (res, "/tank/b.iso", NULL);
  g_assert_true (volume->is_iso);
  /* Not found leaves @pool alone; no path is found nowhere (not as the
   * nameless volume's NULL path). */
  pool = NULL;
  g_assert_null (ferry_host_resources_find_volume_by_path (res, "/tank/nope", &pool));
  g_assert_null (pool);
  g_assert_null (ferry_host_resources_find_volume_by_path (res, NULL, &pool));
  g_assert_null (pool);
}

static void
test_new_and_refs (void)
{
  FerryHostResources *res = ferry_host_resources_new ();
  FerryHostResources *copy;

  /* Empty: nothing known, and no bridge list (unknown, not none). */
  g_assert_cmpuint (res->pools->len, ==, 0);
  g_assert_cmpuint (res->networks->len, ==, 0);
  g_assert_null (res->bridges);
  g_assert_false (res->has_domain_caps);
  g_assert_cmpuint (res->max_vcpus, ==, 0);
  g_assert_nonnull (res->loaders);
  g_assert_null (res->loaders[0]);

  /* A boxed type (for GValues and signals): a copy is a reference. */
  g_assert_true (G_TYPE_IS_BOXED (FERRY_TYPE_HOST_RESOURCES));
  copy = g_boxed_copy (FERRY_TYPE_HOST_RESOURCES, res);
  g_assert_true (copy == res);
  g_assert_true (ferry_host_resources_ref (res) == res);
  ferry_host_resources_unref (res);
  g_boxed_free (FERRY_TYPE_HOST_RESOURCES, copy);
  /* The last one frees it all (AddressSanitizer checks). */
  ferry_host_resources_unref (res);
  ferry_host_resources_unref (NULL);
  ferry_host_pool_free (NULL);
  ferry_host_volume_free (NULL);
  ferry_host_network_free (NULL);
}

/* ---------------------------------------------------------------------- */
/* From a node                                                             */

/* Stops the pool "cold" and the network "closed" on the node's own
 * connection (libvirt's test driver starts all it reads). */
static void
stop_some (GTask         *task,
           FerryNode     *node,
           virConnectPtr  conn,
           gpointer       task_data,
           GCancellable  *cancellable)
{
  virStoragePoolPtr pool = virStoragePoolLookupByName (conn, "cold");
  virNetworkPtr net = virNetworkLookupByName (conn, "closed");
  gboolean ok = pool != NULL && net != NULL &&
                virStoragePoolDestroy (pool) == 0 && virNetworkDestroy (net) == 0;

  if (pool != NULL)
    virStoragePoolFree (pool);
  if (net != NULL)
    virNetworkFree (net);
  g_task_return_boolean (task, ok);
}

static void
stopped (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Wait *w = user_data;

  g_assert_true (g_task_propagate_boolean (G_TASK (result), NULL));
  w->done = TRUE;
}

static void
test_read (void)
{
  FerryNode *node = connect_node ("read.xml", node_xml);
  g_autoptr(FerryHostResources) res = NULL;
  g_autoptr(GError) error = NULL;
  const FerryHostPool *pool = NULL;
  const FerryHostVolume *volume;
  const FerryHostNetwork *network;
  Wait w = { 0, };

  {
    g_autoptr(GTask) task = g_task_new (node, NULL, stopped, &w);

    _ferry_node_run_with_connection (node, task, stop_some);
    g_assert_true (ferry_test_wait_until (finished, &w, 10000));
  }

  res = read_resources (node, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (res);

  g_assert_cmpuint (res->pools->len, ==, 2);
  pool = ferry_host_resources_find_pool (res, "tank");
  g_assert_true (pool->active);
  g_assert_cmpstr (pool->type, ==, "dir");
  g_assert_cmpstr (pool->path, ==, "/tank");
  g_assert_cmpuint (pool->capacity, ==, 100 * GiB);
  g_assert_cmpuint (pool->volumes->len, ==, 3);
  /* Sorted by name, as the dialog lists them (byte order: capitals first). */
  g_assert_cmpstr (((FerryHostVolume *) g_ptr_array_index (pool->volumes, 0))->name, ==, "alpha.ISO");
  g_assert_cmpstr (((FerryHostVolume *) g_ptr_array_index (pool->volumes, 1))->name, ==, "middle.img");
  g_assert_cmpstr (((FerryHostVolume *) g_ptr_array_index (pool->volumes, 2))->name, ==, "zeta.qcow2");

  volume = ferry_host_pool_find_volume (pool, "alpha.ISO");
  g_assert_cmpstr (volume->path, ==, "/tank/alpha.ISO");
  g_assert_cmpstr (volume->format, ==, "raw");
  g_assert_cmpuint (volume->capacity, ==, 600 * MiB);
  g_assert_true (volume->is_iso);
  volume = ferry_host_pool_find_volume (pool, "middle.img");
  g_assert_false (volume->is_iso);
  g_assert_cmpuint (volume->capacity, ==, 2 * GiB);
  volume = ferry_host_resources_find_volume_by_path (res, "/tank/zeta.qcow2", &pool);
  g_assert_cmpstr (pool->name, ==, "tank");
  g_assert_cmpstr (volume->format, ==, "qcow2");
  g_assert_cmpuint (volume->capacity, ==, 8 * GiB);
  g_assert_cmpuint (volume->allocation, ==, GiB);

  /* A stopped pool is listed with what it is, but no volumes (libvirt
   * cannot list them; they are no choice for a new VM). */
  pool = ferry_host_resources_find_pool (res, "cold");
  g_assert_false (pool->active);
  g_assert_cmpstr (pool->path, ==, "/cold");
  g_assert_cmpuint (pool->volumes->len, ==, 0);
  g_assert_null (ferry_host_resources_find_volume_by_path (res, "/cold/old.qcow2", NULL));

  g_assert_cmpuint (res->networks->len, ==, 3);
  network = ferry_host_resources_find_network (res, "nat");
  g_assert_true (network->active);
  g_assert_cmpstr (network->bridge, ==, "virbr0");
  /* <forward/> without a mode is NAT, as libvirt reads it. */
  g_assert_cmpstr (network->forward_mode, ==, "nat");
  network = ferry_host_resources_find_network (res, "routed");
  g_assert_cmpstr (network->forward_mode, ==, "route");
  network = ferry_host_resources_find_network (res, "closed");
  g_assert_false (network->active);
  g_assert_cmpstr (network->bridge, ==, "virbr9");
  g_assert_null (network->forward_mode);

  /* Bridges only, not every interface. */
  g_assert_nonnull (res->bridges);
  g_assert_cmpuint (g_strv_length (res->bridges), ==, 2);
  g_assert_true (g_strv_contains ((const char * const *) res->bridges, "br0"));
  g_assert_true (g_strv_contains ((const char * const *) res->bridges, "br1"));

  /* The test driver has no domain capabilities: unknown, not "none". */
  g_assert_false (res->has_domain_caps);
  g_assert_null (res->virttype);
  g_assert_null (res->machine);
  g_assert_false (res->uefi);
  g_assert_nonnull (res->loaders);
  g_assert_null (res->loaders[0]);

  finalize_node (node);
}

/* A host with nothing: empty lists, and a bridge list that is known to
 * be empty (not NULL, which would mean "cannot tell"). */
static void
test_read_bare_host (void)
{
  FerryNode *node = connect_node ("bare.xml", bare_xml);
  g_autoptr(FerryHostResources) res = NULL;
  g_autoptr(GError) error = NULL;

  res = read_resources (node, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (res->pools->len, ==, 0);
  g_assert_cmpuint (res->networks->len, ==, 0);
  g_assert_nonnull (res->bridges);
  g_assert_null (res->bridges[0]);
  g_assert_null (ferry_host_resources_find_pool (res, "default"));
  g_assert_null (ferry_host_resources_find_volume_by_path (res, "/var/lib/libvirt/images/x.qcow2", NULL));

  finalize_node (node);
}

/* Each read is a fresh look: a second read is a new object with the
 * same content, the first unchanged by it. */
static void
test_read_twice (void)
{
  FerryNode *node = connect_node ("twice.xml", node_xml);
  g_autoptr(FerryHostResources) first = read_resources (node, NULL, NULL);
  g_autoptr(FerryHostResources) second = read_resources (node, NULL, NULL);

  g_assert_nonnull (first);
  g_assert_nonnull (second);
  g_assert_true (first != second);
  g_assert_cmpuint (first->pools->len, ==, second->pools->len);
  g_assert_cmpuint (first->networks->len, ==, second->networks->len);
  g_assert_true (ferry_host_resources_find_pool (first, "tank") !=
                 ferry_host_resources_find_pool (second, "tank"));

  finalize_node (node);
}

static void
test_not_connected (void)
{
  FerryNode *node = ferry_node_new ("test:///default", "offline", NULL);
  g_autofree char *message = g_strdup_printf ("%s is not connected", ferry_node_get_uri (node));
  g_autoptr(GError) error = NULL;

  g_assert_null (read_resources (node, NULL, &error));
  g_assert_error (error, FERRY_LIBVIRT_ERROR, FERRY_LIBVIRT_ERROR_NOT_CONNECTED);
  g_assert_cmpstr (error->message, ==, message);
  ferry_test_finalize_node (node);
}

static void
test_cancelled (void)
{
  FerryNode *node = connect_node ("cancelled.xml", node_xml);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  /* The dialog closed before the answer came: no resources, only that. */
  g_cancellable_cancel (cancellable);
  g_assert_null (read_resources (node, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  finalize_node (node);
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
  tmpdir = g_dir_make_tmp ("ferry-host-resources-XXXXXX", NULL);

  g_test_add_func ("/host-resources/volume-is-iso", test_volume_is_iso);
  g_test_add_func ("/host-resources/find", test_find);
  g_test_add_func ("/host-resources/new-and-refs", test_new_and_refs);
  g_test_add_func ("/host-resources/read", test_read);
  g_test_add_func ("/host-resources/read-bare-host", test_read_bare_host);
  g_test_add_func ("/host-resources/read-twice", test_read_twice);
  g_test_add_func ("/host-resources/not-connected", test_not_connected);
  g_test_add_func ("/host-resources/cancelled", test_cancelled);
  g_test_add_func ("/host-resources/no-libvirt-on-main-thread", test_no_libvirt_on_main_thread);

  ret = g_test_run ();
  ferry_test_remove_tree (tmpdir);
  g_free (tmpdir);
  return ret;
}
