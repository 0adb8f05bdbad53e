/* test-vm-edit.c — changing a VM's settings, shut off and running
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <libvirt/libvirt.h>

#include "ferry-domain-xml.h"
#include "ferry-test-util.h"

#define GiB (G_GUINT64_CONSTANT (1024) * 1024 * 1024)
#define MiB (G_GUINT64_CONSTANT (1024) * 1024)

static char *tmpdir;

static const char *node_xml =
  "<node xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>\n"
  "  <cpu><nodes>1</nodes><sockets>1</sockets><cores>8</cores><threads>1</threads>"
  "<active>8</active><mhz>2400</mhz><model>x86_64</model></cpu>\n"
  "  <memory>8388608</memory>\n"
  "  <domain type='qemu'><name>off</name><uuid>ffffffff-0000-4000-8000-000000000001</uuid>"
  "<memory unit='MiB'>512</memory><vcpu>2</vcpu>"
  "<os><type arch='x86_64'>hvm</type><boot dev='hd'/></os>"
  "<devices><disk type='file' device='disk'><source file='/a.qcow2'/><target dev='vda' bus='virtio'/></disk>"
  "</devices><test:runstate>5</test:runstate></domain>\n"
  "  <domain type='qemu'><name>reserve</name><uuid>ffffffff-0000-4000-8000-000000000002</uuid>"
  "<memory unit='MiB'>512</memory><vcpu current='1'>4</vcpu>"
  "<os><type arch='x86_64'>hvm</type></os>"
  "<cpu mode='custom' match='exact'><model fallback='allow'>Haswell</model></cpu>"
  "<devices>"
  "<disk type='file' device='disk'><source file='/b.qcow2'/><target dev='vda' bus='virtio'/><boot order='2'/></disk>"
  "<disk type='file' device='cdrom'><source file='/c.iso'/><target dev='sda' bus='sata'/><readonly/><boot order='1'/></disk>"
  "</devices><test:runstate>5</test:runstate></domain>\n"
  "  <domain type='qemu'><name>on</name><uuid>ffffffff-0000-4000-8000-000000000003</uuid>"
  "<memory unit='MiB'>1024</memory><currentMemory unit='MiB'>512</currentMemory>"
  "<vcpu current='1'>4</vcpu>"
  "<os><type arch='x86_64'>hvm</type><boot dev='hd'/></os>"
  "<devices><disk type='file' device='disk'><source file='/d.qcow2'/><target dev='vda' bus='virtio'/></disk>"
  "</devices></domain>\n"
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
  gpointer  details;
  gboolean  ok;
  gboolean  needs_restart;
  GError   *error;
} Wait;

static gboolean
finished (gpointer data)
{
  return ((Wait *) data)->done;
}

static void
edit_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Wait *w = user_data;

  w->needs_restart = 42;          /* must be overwritten */
  w->ok = ferry_vm_apply_edit_finish (FERRY_VM (object), result, &w->needs_restart, &w->error);
  w->done = TRUE;
}

/* Returns whether it worked; @needs_restart and @error as the API does. */
static gboolean
apply_edit (FerryVm            *vm,
            const FerryVmEdit  *edit,
            gboolean           *needs_restart,
            GError            **error)
{
  Wait w = { 0 };

  ferry_vm_apply_edit_async (vm, edit, NULL, edit_done, &w);
  g_assert_true (ferry_test_wait_until (finished, &w, 10000));
  g_assert_true (w.needs_restart == TRUE || w.needs_restart == FALSE);
  g_assert_true (w.ok == (w.error == NULL));
  if (needs_restart != NULL)
    *needs_restart = w.needs_restart;
  if (w.error != NULL)
    g_propagate_error (error, w.error);
  return w.ok;
}

static void
details_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Wait *w = user_data;

  w->details = ferry_vm_get_details_finish (FERRY_VM (object), result, &w->error);
  w->done = TRUE;
}

static FerryVmDetails *
get_details (FerryVm *vm)
{
  Wait w = { 0 };

  ferry_vm_get_details_async (vm, NULL, details_done, &w);
  g_assert_true (ferry_test_wait_until (finished, &w, 10000));
  g_assert_no_error (w.error);
  return w.details;
}

static void
assert_boot_order (const FerryVmDetails *d,
                   const char           *expected)
{
  g_autofree char *joined = g_strjoinv (",", d->boot_order);

  g_assert_cmpstr (joined, ==, expected);
}

typedef struct { FerryVm *vm; guint64 memory; guint vcpus; } PropsWait;

static gboolean
props_are (gpointer data)
{
  PropsWait *w = data;

  return ferry_vm_get_memory (w->vm) == w->memory && ferry_vm_get_vcpus (w->vm) == w->vcpus;
}

/* ---------------------------------------------------------------------- */

static void
test_validate (void)
{
  static const struct {
    guint64     memory;
    const char *cpu_mode;
    const char *cpu_model;
    const char *boot;       /* comma-separated; "" for an empty list */
    int         expected;
  } cases[] = {
    { 0, NULL, NULL, NULL, -1 },
    { 32 * MiB, NULL, NULL, NULL, -1 },
    { 31 * MiB, NULL, NULL, NULL, FERRY_VM_SPEC_ERROR_MEMORY },
    { 0, "host-model", NULL, NULL, -1 },
    { 0, "host-passthrough", NULL, NULL, -1 },
    { 0, "custom", "Haswell-noTSX", NULL, -1 },
    { 0, NULL, "EPYC", NULL, -1 },
    { 0, "maximum", NULL, NULL, FERRY_VM_SPEC_ERROR_CPU },
    { 0, "host-model", "EPYC", NULL, FERRY_VM_SPEC_ERROR_CPU },
    { 0, NULL, "EPYC</model><x>", NULL, FERRY_VM_SPEC_ERROR_CPU },
    { 0, NULL, "", NULL, FERRY_VM_SPEC_ERROR_CPU },
    { 0, NULL, NULL, "hd", -1 },
    { 0, NULL, NULL, "cdrom,hd,network", -1 },
    { 0, NULL, NULL, "", FERRY_VM_SPEC_ERROR_BOOT },
    { 0, NULL, NULL, "floppy", FERRY_VM_SPEC_ERROR_BOOT },
    { 0, NULL, NULL, "hd,cdrom,hd", FERRY_VM_SPEC_ERROR_BOOT },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(FerryVmEdit) edit = ferry_vm_edit_new ();
      g_autoptr(FerryVmEdit) copy = NULL;
      g_autoptr(GError) error = NULL;

      edit->memory = cases[i].memory;
      edit->cpu_mode = g_strdup (cases[i].cpu_mode);
      edit->cpu_model = g_strdup (cases[i].cpu_model);
      if (cases[i].boot != NULL)
        edit->boot_order = cases[i].boot[0] ? g_strsplit (cases[i].boot, ",", -1) : g_new0 (char *, 1);
      copy = ferry_vm_edit_copy (edit);

      if (cases[i].expected < 0)
        {
          g_assert_true (ferry_vm_edit_validate (copy, &error));
          g_assert_no_error (error);
        }
      else
        {
          g_assert_false (ferry_vm_edit_validate (copy, &error));
          g_assert_error (error, FERRY_VM_SPEC_ERROR, cases[i].expected);
        }
    }
}

static void
test_shut_off (void)
{
  g_autoptr(FerryInventory) inventory = ferry_inventory_new ();
  g_autoptr(FerryNode) node = add_connected_node (inventory, "off.xml");
  FerryVm *vm = ferry_inventory_find_vm_by_name (inventory, "off");
  g_autoptr(FerryVmEdit) edit = ferry_vm_edit_new ();
  g_autoptr(FerryVmDetails) d = NULL;
  g_autoptr(GError) error = NULL;
  gboolean needs_restart = TRUE;
  PropsWait pw = { vm, 768 * MiB, 3 };

  g_assert_cmpint (ferry_vm_get_state (vm), ==, FERRY_VM_STATE_SHUT_OFF);

  edit->vcpus = 3;
  edit->memory = 768 * MiB;
  edit->cpu_mode = g_strdup ("custom");
  edit->cpu_model = g_strdup ("Haswell");
  edit->boot_order = g_strsplit ("cdrom,hd", ",", -1);
  edit->autostart = 1;
  g_assert_true (apply_edit (vm, edit, &needs_restart, &error));
  g_assert_no_error (error);
  g_assert_false (needs_restart);

  d = get_details (vm);
  g_assert_cmpuint (d->vcpus, ==, 3);
  g_assert_cmpuint (d->max_vcpus, ==, 3);
  g_assert_cmpuint (d->memory, ==, 768 * MiB);
  g_assert_cmpuint (d->max_memory, ==, 768 * MiB);
  g_assert_cmpstr (d->cpu_mode, ==, "custom");
  g_assert_cmpstr (d->cpu_model, ==, "Haswell");
  assert_boot_order (d, "cdrom,hd");
  g_assert_true (d->autostart);
  /* Unchanged things stay. */
  g_assert_cmpuint (d->disks->len, ==, 1);
  g_assert_cmpstr (d->name, ==, "off");
  /* The list shows it without waiting for an event. */
  g_assert_true (ferry_test_wait_until (props_are, &pw, 5000));

  /* Another mode drops the model; autostart goes off; nothing else moves. */
  ferry_vm_edit_free (g_steal_pointer (&edit));
  edit = ferry_vm_edit_new ();
  edit->cpu_mode = g_strdup ("host-passthrough");
  edit->autostart = 0;
  g_assert_true (apply_edit (vm, edit, &needs_restart, &error));
  g_assert_no_error (error);
  g_clear_pointer (&d, ferry_vm_details_unref);
  d = get_details (vm);
  g_assert_cmpstr (d->cpu_mode, ==, "host-passthrough");
  g_assert_null (d->cpu_model);
  g_assert_false (d->autostart);
  g_assert_cmpuint (d->vcpus, ==, 3);
  assert_boot_order (d, "cdrom,hd");

  /* An empty edit changes nothing and succeeds. */
  ferry_vm_edit_free (g_steal_pointer (&edit));
  edit = ferry_vm_edit_new ();
  g_assert_true (apply_edit (vm, edit, &needs_restart, &error));
  g_assert_no_error (error);
  g_assert_false (needs_restart);

  /* Refused before any trip to the host. */
  edit->boot_order = g_strsplit ("hd,floppy", ",", -1);
  g_assert_false (apply_edit (vm, edit, &needs_restart, &error));
  g_assert_error (error, FERRY_VM_SPEC_ERROR, FERRY_VM_SPEC_ERROR_BOOT);
  g_assert_false (needs_restart);
}

/* A vCPU hotplug reserve (current < maximum) survives a change that fits
 * in it; per-device boot entries give way to the new order. */
static void
test_shut_off_reserve (void)
{
  g_autoptr(FerryInventory) inventory = ferry_inventory_new ();
  g_autoptr(FerryNode) node = add_connected_node (inventory, "reserve.xml");
  FerryVm *vm = ferry_inventory_find_vm_by_name (inventory, "reserve");
  g_autoptr(FerryVmEdit) edit = ferry_vm_edit_new ();
  g_autoptr(FerryVmDetails) d = NULL;
  g_autoptr(GError) error = NULL;

  d = get_details (vm);
  assert_boot_order (d, "cdrom,hd");
  g_clear_pointer (&d, ferry_vm_details_unref);

  edit->vcpus = 2;
  edit->boot_order = g_strsplit ("hd", ",", -1);
  g_assert_true (apply_edit (vm, edit, NULL, &error));
  g_assert_no_error (error);
  d = get_details (vm);
  g_assert_cmpuint (d->vcpus, ==, 2);
  g_assert_cmpuint (d->max_vcpus, ==, 4);
  assert_boot_order (d, "hd");
  g_assert_cmpstr (d->cpu_model, ==, "Haswell");
  g_clear_pointer (&d, ferry_vm_details_unref);

  /* More than the reserve: the maximum grows. A model alone keeps the
   * custom mode. */
  ferry_vm_edit_free (g_steal_pointer (&edit));
  edit = ferry_vm_edit_new ();
  edit->vcpus = 6;
  edit->cpu_model = g_strdup ("EPYC");
  g_assert_true (apply_edit (vm, edit, NULL, &error));
  g_assert_no_error (error);
  d = get_details (vm);
  g_assert_cmpuint (d->vcpus, ==, 6);
  g_assert_cmpuint (d->max_vcpus, ==, 6);
  g_assert_cmpstr (d->cpu_mode, ==, "custom");
  g_assert_cmpstr (d->cpu_model, ==, "EPYC");
}

static void
test_running (void)
{
  g_autoptr(FerryInventory) inventory = ferry_inventory_new ();
  g_autoptr(FerryNode) node = add_connected_node (inventory, "running.xml");
  FerryVm *vm = ferry_inventory_find_vm_by_name (inventory, "on");
  g_autoptr(FerryVmEdit) edit = ferry_vm_edit_new ();
  g_autoptr(FerryVmDetails) d = NULL;
  g_autoptr(GError) error = NULL;
  gboolean needs_restart = TRUE;
  PropsWait pw = { vm, 768 * MiB, 2 };

  g_assert_cmpint (ferry_vm_get_state (vm), ==, FERRY_VM_STATE_RUNNING);

  /* Memory and vCPUs within their maxima change now. */
  edit->memory = 768 * MiB;
  edit->vcpus = 2;
  edit->autostart = 1;
  g_assert_true (apply_edit (vm, edit, &needs_restart, &error));
  g_assert_no_error (error);
  g_assert_false (needs_restart);
  d = get_details (vm);
  g_assert_true (d->active);
  g_assert_cmpuint (d->memory, ==, 768 * MiB);
  g_assert_cmpuint (d->max_memory, ==, GiB);
  g_assert_cmpuint (d->vcpus, ==, 2);
  g_assert_cmpuint (d->max_vcpus, ==, 4);
  g_assert_true (d->autostart);
  g_assert_true (ferry_test_wait_until (props_are, &pw, 5000));
  g_clear_pointer (&d, ferry_vm_details_unref);

  /* Beyond the maxima: refused, in the field's own terms, nothing changed. */
  ferry_vm_edit_free (g_steal_pointer (&edit));
  edit = ferry_vm_edit_new ();
  edit->memory = 2 * GiB;
  edit->vcpus = 3;
  g_assert_false (apply_edit (vm, edit, &needs_restart, &error));
  g_assert_error (error, FERRY_VM_SPEC_ERROR, FERRY_VM_SPEC_ERROR_MEMORY);
  g_assert_nonnull (strstr (error->message, "1.0"));   /* says what the maximum is */
  g_clear_error (&error);
  edit->memory = 0;
  edit->vcpus = 5;
  g_assert_false (apply_edit (vm, edit, &needs_restart, &error));
  g_assert_error (error, FERRY_VM_SPEC_ERROR, FERRY_VM_SPEC_ERROR_VCPUS);
  g_clear_error (&error);
  d = get_details (vm);
  g_assert_cmpuint (d->memory, ==, 768 * MiB);
  g_assert_cmpuint (d->vcpus, ==, 2);
  g_clear_pointer (&d, ferry_vm_details_unref);

  /* The boot order as it is: nothing waits for a restart. */
  ferry_vm_edit_free (g_steal_pointer (&edit));
  edit = ferry_vm_edit_new ();
  edit->boot_order = g_strsplit ("hd", ",", -1);
  g_assert_true (apply_edit (vm, edit, &needs_restart, &error));
  g_assert_no_error (error);
  g_assert_false (needs_restart);

  /* CPU and boot order: the definition only, at the next start. */
  g_strfreev (edit->boot_order);
  edit->boot_order = g_strsplit ("network,hd", ",", -1);
  edit->cpu_mode = g_strdup ("custom");
  edit->cpu_model = g_strdup ("Haswell");
  g_assert_true (apply_edit (vm, edit, &needs_restart, &error));
  g_assert_no_error (error);
  g_assert_true (needs_restart);
  d = get_details (vm);
  assert_boot_order (d, "hd");                /* the running VM is as it was */
  g_assert_null (d->cpu_model);
  g_clear_pointer (&d, ferry_vm_details_unref);

  /* After a restart (here: off), the definition has everything. */
  g_assert_no_error (ferry_test_run_op (vm, FERRY_VM_OP_FORCE_OFF));
  g_assert_true (ferry_test_wait_vm_state (vm, FERRY_VM_STATE_SHUT_OFF, 5000));
  d = get_details (vm);
  g_assert_false (d->active);
  assert_boot_order (d, "network,hd");
  g_assert_cmpstr (d->cpu_mode, ==, "custom");
  g_assert_cmpstr (d->cpu_model, ==, "Haswell");
  g_assert_cmpuint (d->memory, ==, 768 * MiB);
  g_assert_cmpuint (d->vcpus, ==, 2);
  g_assert_true (d->autostart);
}

/* What Ferry has no field for stays as the user set it: vCPU pinning, the
 * memory's core-dump setting, the CPU's topology and features. The test
 * driver's shared test:///default instance lets the test read the
 * definition back through its own connection. */
static void
test_keeps_other_settings (void)
{
  static const char *pinned_xml =
    "<domain type='qemu'><name>pinned</name><uuid>ffffffff-0000-4000-8000-000000000004</uuid>"
    "<memory unit='MiB' dumpCore='off'>1024</memory>"
    "<vcpu placement='static' cpuset='0-1' current='2'>4</vcpu>"
    "<os><type arch='x86_64'>hvm</type></os>"
    "<cpu mode='custom' match='minimum' check='full'><model fallback='forbid'>Haswell</model>"
    "<topology sockets='1' dies='1' cores='2' threads='2'/><feature policy='disable' name='vmx'/></cpu>"
    "<devices><disk type='file' device='disk'><source file='/e.qcow2'/><target dev='vda' bus='virtio'/>"
    "<boot order='1'/></disk>"
    "<interface type='network'><source network='default'/><boot order='2'/></interface>"
    "</devices></domain>";
  virConnectPtr conn = virConnectOpen ("test:///default");
  virDomainPtr domain = virDomainDefineXML (conn, pinned_xml);
  g_autoptr(FerryInventory) inventory = ferry_inventory_new ();
  g_autoptr(FerryNode) node = NULL;
  g_autoptr(FerryVmEdit) edit = ferry_vm_edit_new ();
  g_autoptr(FerryDomainXml) dx = NULL;
  g_autoptr(GError) error = NULL;
  const char *boot_hd[] = { "hd", NULL };
  FerryVm *vm;
  char *xml;

  g_assert_nonnull (domain);
  node = ferry_test_add_connected_node (inventory, "test:///default");
  vm = ferry_inventory_find_vm_by_name (inventory, "pinned");
  g_assert_nonnull (vm);

  edit->vcpus = 3;                      /* fits in the reserve of 4 */
  edit->memory = 768 * MiB;
  edit->cpu_mode = g_strdup ("host-passthrough");
  edit->boot_order = g_strsplit ("hd", ",", -1);
  g_assert_true (apply_edit (vm, edit, NULL, &error));
  g_assert_no_error (error);

  xml = virDomainGetXMLDesc (domain, VIR_DOMAIN_XML_INACTIVE);
  g_test_message ("%s", xml);
  dx = ferry_domain_xml_new (xml, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ferry_domain_xml_get_vcpus (dx), ==, 3);
  g_assert_cmpuint (ferry_domain_xml_get_max_vcpus (dx), ==, 4);
  g_assert_cmpuint (ferry_domain_xml_get_memory (dx), ==, 768 * MiB);
  g_assert_cmpuint (ferry_domain_xml_get_max_memory (dx), ==, 768 * MiB);
  g_assert_cmpstr (ferry_domain_xml_get_cpu_mode (dx), ==, "host-passthrough");
  g_assert_null (ferry_domain_xml_get_cpu_model (dx));
  g_assert_true (g_strv_equal (ferry_domain_xml_get_boot_order (dx), boot_hd));
  for (guint i = 0; i < ferry_domain_xml_get_disks (dx)->len; i++)
    g_assert_cmpuint (((FerryDomainDisk *) g_ptr_array_index (ferry_domain_xml_get_disks (dx), i))->boot_order, ==, 0);
  /* libvirt's own formatting of what has no getter. */
  g_assert_nonnull (strstr (xml, "cpuset='0-1'"));
  g_assert_nonnull (strstr (xml, "dumpCore='off'"));
  g_assert_nonnull (strstr (xml, "cores='2'"));
  g_assert_nonnull (strstr (xml, "name='vmx'"));
  g_assert_null (strstr (xml, "match="));
  g_assert_null (strstr (xml, "check="));
  g_assert_null (strstr (xml, "<boot order="));
  free (xml);
  g_assert_finalize_object (g_steal_pointer (&dx));

  /* Back to a custom model: exact match, the topology still there. */
  ferry_vm_edit_free (g_steal_pointer (&edit));
  edit = ferry_vm_edit_new ();
  edit->cpu_model = g_strdup ("EPYC");
  g_assert_true (apply_edit (vm, edit, NULL, &error));
  g_assert_no_error (error);
  xml = virDomainGetXMLDesc (domain, VIR_DOMAIN_XML_INACTIVE);
  dx = ferry_domain_xml_new (xml, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ferry_domain_xml_get_cpu_mode (dx), ==, "custom");
  g_assert_cmpstr (ferry_domain_xml_get_cpu_model (dx), ==, "EPYC");
  g_assert_nonnull (strstr (xml, "match='exact'"));
  g_assert_nonnull (strstr (xml, "fallback='allow'"));
  g_assert_nonnull (strstr (xml, "cores='2'"));
  free (xml);
  g_assert_finalize_object (g_steal_pointer (&dx));

  virDomainUndefine (domain);
  virDomainFree (domain);
  virConnectClose (conn);
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

  g_test_add_func ("/vm-edit/validate", test_validate);
  g_test_add_func ("/vm-edit/shut-off", test_shut_off);
  g_test_add_func ("/vm-edit/shut-off-reserve", test_shut_off_reserve);
  g_test_add_func ("/vm-edit/running", test_running);
  g_test_add_func ("/vm-edit/keeps-other-settings", test_keeps_other_settings);
  g_test_add_func ("/vm-edit/no-libvirt-on-main-thread", test_no_libvirt_on_main_thread);

  ret = g_test_run ();
  ferry_test_remove_tree (tmpdir);
  g_free (tmpdir);
  return ret;
}
