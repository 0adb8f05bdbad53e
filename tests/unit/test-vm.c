/* test-vm.c — one virtual machine (FerryVm) on libvirt's test driver: what
 * it shows of its domain, lifecycle operations and their notifications, a
 * VM whose node is not connected, and how it picks its owner among the
 * nodes that report it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ferry-libvirt.h"
#include "ferry-vm-private.h"
#include "ferry-test-util.h"

#define WEB_UUID "7e7e7e7e-0000-4000-8000-000000000001"
#define DB_UUID  "7e7e7e7e-0000-4000-8000-000000000002"
#define KiB      G_GUINT64_CONSTANT (1024)

/* web runs (256 MiB of 512), db is shut off. */
static const char *node_xml =
  "<node xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>\n"
  "  <cpu><nodes>1</nodes><sockets>1</sockets><cores>4</cores><threads>1</threads>"
  "<active>4</active><mhz>2400</mhz><model>x86_64</model></cpu>\n"
  "  <memory>8388608</memory>\n"
  "  <domain type='test'><name>web</name><uuid>" WEB_UUID "</uuid>"
  "<memory unit='KiB'>524288</memory><currentMemory unit='KiB'>262144</currentMemory>"
  "<vcpu>2</vcpu><os><type>hvm</type></os></domain>\n"
  "  <domain type='test'><name>db</name><uuid>" DB_UUID "</uuid>"
  "<memory unit='KiB'>131072</memory><vcpu>1</vcpu><os><type>hvm</type></os>"
  "<test:runstate>5</test:runstate></domain>\n"
  "</node>\n";

typedef struct
{
  char           *dir;
  FerryInventory *inventory;
  FerryNode      *node;
  FerryVm        *web;     /* references of the test's own */
  FerryVm        *db;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->dir = g_dir_make_tmp ("ferry-vm-XXXXXX", NULL);
  fixture->inventory = ferry_inventory_new ();
  fixture->node = ferry_test_add_node_from_xml (fixture->inventory, fixture->dir, "vm.xml", node_xml);
  ferry_node_set_name (fixture->node, "vmnode");
  fixture->web = g_object_ref (ferry_inventory_lookup_vm (fixture->inventory, WEB_UUID));
  fixture->db = g_object_ref (ferry_inventory_lookup_vm (fixture->inventory, DB_UUID));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  ferry_inventory_remove_node (fixture->inventory, fixture->node);
  /* The operations' tasks hold the node and the VM until the worker
   * lets go of them; once the node is ours alone, so are the VMs. */
  ferry_test_finalize_node (fixture->node);
  if (fixture->web != NULL)
    g_assert_finalize_object (fixture->web);
  if (fixture->db != NULL)
    g_assert_finalize_object (fixture->db);
  g_assert_finalize_object (fixture->inventory);
  ferry_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
}

/* ---------------------------------------------------------------------- */

static void
test_properties (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *name = NULL;
  g_autofree char *uuid = NULL;
  g_autoptr(FerryNode) node = NULL;
  guint vcpus = 0;
  guint64 memory = 0;
  int state = -1;

  g_assert_cmpstr (ferry_vm_get_uuid (fixture->web), ==, WEB_UUID);
  g_assert_cmpstr (ferry_vm_get_name (fixture->web), ==, "web");
  g_assert_cmpint (ferry_vm_get_state (fixture->web), ==, FERRY_VM_STATE_RUNNING);
  g_assert_cmpuint (ferry_vm_get_vcpus (fixture->web), ==, 2);
  /* What it has now and what it may grow to, in bytes (KiB in libvirt). */
  g_assert_cmpuint (ferry_vm_get_memory (fixture->web), ==, 262144 * KiB);
  g_assert_cmpuint (ferry_vm_get_max_memory (fixture->web), ==, 524288 * KiB);
  g_assert_true (ferry_vm_get_persistent (fixture->web));
  g_assert_true (ferry_vm_get_node (fixture->web) == fixture->node);
  /* A plain boot has no reason worth showing. */
  g_assert_cmpstr (ferry_vm_get_state_text (fixture->web), ==, "Running");
  g_assert_nonnull (ferry_vm_get_metrics (fixture->web));
  g_assert_null (ferry_vm_get_migration (fixture->web));
  g_assert_null (ferry_vm_get_activity (fixture->web));

  g_assert_cmpint (ferry_vm_get_state (fixture->db), ==, FERRY_VM_STATE_SHUT_OFF);
  g_assert_cmpuint (ferry_vm_get_vcpus (fixture->db), ==, 1);
  g_assert_cmpuint (ferry_vm_get_max_memory (fixture->db), ==, 131072 * KiB);
  g_assert_true (g_str_has_prefix (ferry_vm_get_state_text (fixture->db), "Shut off"));

  /* The same through GObject properties (what the UI binds to). */
  g_object_get (fixture->web, "name", &name, "uuid", &uuid, "state", &state,
                "vcpus", &vcpus, "memory", &memory, "node", &node, NULL);
  g_assert_cmpstr (name, ==, "web");
  g_assert_cmpstr (uuid, ==, WEB_UUID);
  g_assert_cmpint (state, ==, FERRY_VM_STATE_RUNNING);
  g_assert_cmpuint (vcpus, ==, 2);
  g_assert_cmpuint (memory, ==, 262144 * KiB);
  g_assert_true (node == fixture->node);

  /* What may be done to each, by its state. */
  g_assert_false (ferry_vm_can_run_op (fixture->web, FERRY_VM_OP_START));
  g_assert_true (ferry_vm_can_run_op (fixture->web, FERRY_VM_OP_SHUTDOWN));
  g_assert_true (ferry_vm_can_run_op (fixture->web, FERRY_VM_OP_REBOOT));
  g_assert_true (ferry_vm_can_run_op (fixture->web, FERRY_VM_OP_FORCE_OFF));
  g_assert_true (ferry_vm_can_run_op (fixture->web, FERRY_VM_OP_PAUSE));
  g_assert_false (ferry_vm_can_run_op (fixture->web, FERRY_VM_OP_RESUME));
  g_assert_true (ferry_vm_can_run_op (fixture->db, FERRY_VM_OP_START));
  g_assert_false (ferry_vm_can_run_op (fixture->db, FERRY_VM_OP_SHUTDOWN));
  g_assert_false (ferry_vm_can_run_op (fixture->db, FERRY_VM_OP_FORCE_OFF));
  g_assert_false (ferry_vm_can_run_op (fixture->db, FERRY_VM_OP_PAUSE));
  g_assert_true (ferry_vm_can_run_op (fixture->db, FERRY_VM_OP_DELETE));
}

/* Every notify::state of a VM, with the state it told. */
typedef struct
{
  GArray *states;
  guint   n_texts;
} StateLog;

static void
on_state (FerryVm    *vm,
          GParamSpec *pspec,
          StateLog   *log)
{
  FerryVmState state = ferry_vm_get_state (vm);

  g_array_append_val (log->states, state);
}

static void
on_state_text (FerryVm    *vm,
               GParamSpec *pspec,
               StateLog   *log)
{
  log->n_texts++;
}

typedef struct { FerryVm *vm; const char *text; } TextWait;

static gboolean
text_is (gpointer data)
{
  TextWait *w = data;
  return g_strcmp0 (ferry_vm_get_state_text (w->vm), w->text) == 0;
}

/* Runs @op and waits until @vm shows @state and @text; the state
 * notifications it caused each told a new state and ended on @state. */
static void
run_and_expect (FerryVm      *vm,
                StateLog     *log,
                FerryVmOp     op,
                FerryVmState  state,
                const char   *text)
{
  TextWait tw = { vm, text };
  guint before = log->states->len;

  g_assert_no_error (ferry_test_run_op (vm, op));
  g_assert_true (ferry_test_wait_vm_state (vm, state, 5000));
  g_assert_true (ferry_test_wait_until (text_is, &tw, 5000));
  g_assert_cmpuint (log->states->len, >, before);
  g_assert_cmpint (g_array_index (log->states, FerryVmState, log->states->len - 1), ==, state);
  for (guint i = MAX (before, 1); i < log->states->len; i++)
    g_assert_cmpint (g_array_index (log->states, FerryVmState, i), !=,
                     g_array_index (log->states, FerryVmState, i - 1));
}

static void
test_lifecycle (Fixture       *fixture,
                gconstpointer  data)
{
  FerryVm *web = fixture->web;
  StateLog log = { g_array_new (FALSE, FALSE, sizeof (FerryVmState)), 0 };
  GError *error = NULL;

  g_signal_connect (web, "notify::state", G_CALLBACK (on_state), &log);
  g_signal_connect (web, "notify::state-text", G_CALLBACK (on_state_text), &log);

  /* The text tells why, from libvirt's reason. */
  run_and_expect (web, &log, FERRY_VM_OP_PAUSE, FERRY_VM_STATE_PAUSED, "Paused (by the administrator)");
  g_assert_true (ferry_vm_can_run_op (web, FERRY_VM_OP_RESUME));
  g_assert_false (ferry_vm_can_run_op (web, FERRY_VM_OP_PAUSE));
  run_and_expect (web, &log, FERRY_VM_OP_RESUME, FERRY_VM_STATE_RUNNING, "Running (resumed)");
  run_and_expect (web, &log, FERRY_VM_OP_SHUTDOWN, FERRY_VM_STATE_SHUT_OFF, "Shut off (shut down by the guest)");
  g_assert_cmpuint (ferry_node_get_n_running (fixture->node), ==, 0);
  g_assert_true (ferry_vm_can_run_op (web, FERRY_VM_OP_START));
  run_and_expect (web, &log, FERRY_VM_OP_START, FERRY_VM_STATE_RUNNING, "Running");
  g_assert_cmpuint (ferry_node_get_n_running (fixture->node), ==, 1);
  run_and_expect (web, &log, FERRY_VM_OP_FORCE_OFF, FERRY_VM_STATE_SHUT_OFF, "Shut off (forced off)");
  g_assert_cmpuint (log.n_texts, >=, 5);

  /* What libvirt refuses comes back with the operation, the VM's name and
   * libvirt's own reason. */
  error = ferry_test_run_op (web, FERRY_VM_OP_PAUSE);
  g_assert_nonnull (error);
  g_assert_true (error->domain == FERRY_LIBVIRT_ERROR);
  g_assert_true (g_str_has_prefix (error->message, "Pause “web” failed: "));
  g_assert_cmpuint (strlen (error->message), >, strlen ("Pause “web” failed: "));
  g_clear_error (&error);
  g_assert_cmpint (ferry_vm_get_state (web), ==, FERRY_VM_STATE_SHUT_OFF);

  g_signal_handlers_disconnect_by_data (web, &log);
  g_array_unref (log.states);
}

static void
test_reboot (Fixture       *fixture,
             gconstpointer  data)
{
  GError *error;

  g_assert_no_error (ferry_test_run_op (fixture->web, FERRY_VM_OP_REBOOT));
  /* The test driver restarts at once: running again, the same object. */
  g_assert_true (ferry_test_wait_vm_state (fixture->web, FERRY_VM_STATE_RUNNING, 5000));
  g_assert_true (ferry_inventory_lookup_vm (fixture->inventory, WEB_UUID) == fixture->web);

  /* A shut-off VM has nothing to reboot: refused, and named. */
  g_assert_false (ferry_vm_can_run_op (fixture->db, FERRY_VM_OP_REBOOT));
  error = ferry_test_run_op (fixture->db, FERRY_VM_OP_REBOOT);
  g_assert_nonnull (error);
  g_assert_true (g_str_has_prefix (error->message, "Reboot “db” failed: "));
  g_clear_error (&error);
  g_assert_cmpint (ferry_vm_get_state (fixture->db), ==, FERRY_VM_STATE_SHUT_OFF);
}

/* Deleting a running VM stops it first; then no node has it and the
 * inventory lets go of the object. */
static gboolean
is_null (gpointer data)
{
  return *(gpointer *) data == NULL;
}

static void
test_delete_running (Fixture       *fixture,
                     gconstpointer  data)
{
  FerryVm *web = g_steal_pointer (&fixture->web);

  g_object_add_weak_pointer (G_OBJECT (web), (gpointer *) &web);
  g_object_unref (web);
  g_assert_nonnull (web);      /* the inventory's */

  g_assert_no_error (ferry_test_run_op (web, FERRY_VM_OP_DELETE));
  g_assert_true (ferry_test_wait_until (is_null, &web, 5000));
  g_assert_null (ferry_inventory_lookup_vm (fixture->inventory, WEB_UUID));
  g_assert_cmpuint (ferry_node_get_n_vms (fixture->node), ==, 1);
  g_assert_cmpuint (ferry_node_get_n_running (fixture->node), ==, 0);
}

/* ---------------------------------------------------------------------- */
/* Without a connected node                                                */

static void
test_node_disconnected (Fixture       *fixture,
                        gconstpointer  data)
{
  FerryVm *web = fixture->web;
  g_autofree char *message = g_strdup_printf ("%s is not connected", ferry_node_get_uri (fixture->node));
  GError *error;

  ferry_node_disconnect (fixture->node);
  /* Still shown, on its node, as unknown (not as shut off). */
  g_assert_cmpint (ferry_vm_get_state (web), ==, FERRY_VM_STATE_UNKNOWN);
  g_assert_cmpstr (ferry_vm_get_state_text (web), ==, "Unknown (vmnode is not connected)");
  g_assert_true (ferry_vm_get_node (web) == fixture->node);
  g_assert_true (ferry_inventory_lookup_vm (fixture->inventory, WEB_UUID) == web);

  /* Nothing can be done to it... */
  for (FerryVmOp op = FERRY_VM_OP_START; op <= FERRY_VM_OP_DELETE_WITH_STORAGE; op++)
    g_assert_false (ferry_vm_can_run_op (web, op));
  /* ...and whoever tries anyway is told why. */
  error = ferry_test_run_op (web, FERRY_VM_OP_SHUTDOWN);
  g_assert_error (error, FERRY_LIBVIRT_ERROR, FERRY_LIBVIRT_ERROR_NOT_CONNECTED);
  g_assert_cmpstr (error->message, ==, message);
  g_clear_error (&error);

  /* Back: the same object, its state known again. */
  ferry_node_connect (fixture->node);
  g_assert_true (ferry_test_wait_node_state (fixture->node, FERRY_NODE_STATE_CONNECTED, 10000));
  g_assert_true (ferry_test_wait_vm_state (web, FERRY_VM_STATE_RUNNING, 5000));
  g_assert_true (ferry_inventory_lookup_vm (fixture->inventory, WEB_UUID) == web);
  g_assert_cmpstr (ferry_vm_get_state_text (web), ==, "Running");
}

static void
op_done (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  GError **error = user_data;

  g_assert_false (ferry_vm_run_op_finish (FERRY_VM (object), result, error));
}

static void
dirty_rate_done (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GError **error = user_data;

  g_assert_cmpfloat (ferry_vm_measure_dirty_rate_finish (FERRY_VM (object), result, error), ==, -1);
}

static gboolean
error_set (gpointer data)
{
  return *(GError **) data != NULL;
}

/* A VM no node reports (yet): no owner, its UUID for a name. */
static void
test_no_node (void)
{
  FerryVm *vm = _ferry_vm_new (WEB_UUID);
  GError *error = NULL;

  g_assert_cmpstr (ferry_vm_get_name (vm), ==, WEB_UUID);
  g_assert_null (ferry_vm_get_node (vm));
  g_assert_cmpint (ferry_vm_get_state (vm), ==, FERRY_VM_STATE_UNKNOWN);
  g_assert_cmpstr (ferry_vm_get_state_text (vm), ==, "Unknown");
  g_assert_false (_ferry_vm_has_sightings (vm));
  g_assert_false (ferry_vm_can_run_op (vm, FERRY_VM_OP_DELETE));

  ferry_vm_run_op_async (vm, FERRY_VM_OP_START, NULL, op_done, &error);
  g_assert_true (ferry_test_wait_until (error_set, &error, 5000));
  g_assert_error (error, FERRY_LIBVIRT_ERROR, FERRY_LIBVIRT_ERROR_NOT_CONNECTED);
  g_assert_cmpstr (error->message, ==, "“" WEB_UUID "” is not on any connected node");
  g_clear_error (&error);

  /* Only a running VM writes memory to measure. */
  ferry_vm_measure_dirty_rate_async (vm, 1, NULL, dirty_rate_done, &error);
  g_assert_true (ferry_test_wait_until (error_set, &error, 5000));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);

  g_assert_finalize_object (vm);
}

/* ---------------------------------------------------------------------- */
/* Sightings and ownership                                                 */

static FerryNode *
connect_empty_node (const char *dir,
                    const char *name)
{
  g_autofree char *file = g_strdup_printf ("%s.xml", name);
  g_autofree char *uri = ferry_test_write_node_file (dir, file, name, 0, 0, "00000000-0000-4000-8000-");
  FerryNode *node = ferry_node_new (uri, name, NULL);

  ferry_node_connect (node);
  g_assert_true (ferry_test_wait_node_state (node, FERRY_NODE_STATE_CONNECTED, 10000));
  return node;
}

static FerryVmInfo *
make_info (FerryVmState state,
           guint        vcpus)
{
  FerryVmInfo *info = ferry_vm_info_new (WEB_UUID);

  info->name = g_strdup ("web");
  info->state = state;
  info->vcpus = vcpus;
  info->memory = 262144 * KiB;
  info->max_memory = 524288 * KiB;
  info->persistent = TRUE;
  return info;
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

static void
test_ownership (void)
{
  g_autofree char *dir = g_dir_make_tmp ("ferry-vm-XXXXXX", NULL);
  FerryNode *a = connect_empty_node (dir, "a");
  FerryNode *b = connect_empty_node (dir, "b");
  FerryVm *vm = _ferry_vm_new (WEB_UUID);
  g_autoptr(FerryVmInfo) defined = make_info (FERRY_VM_STATE_SHUT_OFF, 2);
  g_autoptr(FerryVmInfo) running = make_info (FERRY_VM_STATE_RUNNING, 4);
  g_autoptr(FerryVmInfo) partial = ferry_vm_info_new (WEB_UUID);
  g_autoptr(FerryVmInfo) gone = ferry_vm_info_new (WEB_UUID);
  guint n_node_notifies = 0;

  g_signal_connect (vm, "notify::node", G_CALLBACK (count_notify), &n_node_notifies);
  g_assert_null (_ferry_vm_resolve (vm));
  g_assert_cmpuint (n_node_notifies, ==, 0);

  /* Defined on A: A's, with what A says. */
  _ferry_vm_set_sighting (vm, a, defined);
  g_assert_true (_ferry_vm_has_sightings (vm));
  g_assert_true (_ferry_vm_sighted_on (vm, a));
  g_assert_false (_ferry_vm_sighted_on (vm, b));
  g_assert_true (_ferry_vm_resolve (vm) == a);
  g_assert_true (ferry_vm_get_node (vm) == a);
  g_assert_cmpuint (n_node_notifies, ==, 1);
  g_assert_cmpstr (ferry_vm_get_name (vm), ==, "web");
  g_assert_cmpint (ferry_vm_get_state (vm), ==, FERRY_VM_STATE_SHUT_OFF);
  g_assert_cmpuint (ferry_vm_get_vcpus (vm), ==, 2);

  /* Running on B (a migration, a recovery): B has the better claim. */
  _ferry_vm_set_sighting (vm, b, running);
  g_assert_true (_ferry_vm_resolve (vm) == b);
  g_assert_cmpint (ferry_vm_get_state (vm), ==, FERRY_VM_STATE_RUNNING);
  g_assert_cmpuint (ferry_vm_get_vcpus (vm), ==, 4);
  g_assert_cmpuint (n_node_notifies, ==, 2);

  /* Stopped on B, still defined on both: it stays with B (no flapping
   * between equal claims). */
  _ferry_vm_set_sighting (vm, b, defined);
  g_assert_true (_ferry_vm_resolve (vm) == b);
  g_assert_cmpint (ferry_vm_get_state (vm), ==, FERRY_VM_STATE_SHUT_OFF);
  g_assert_cmpuint (n_node_notifies, ==, 2);

  /* An event that tells only the new state changes B's sighting, keeping
   * the rest of what B said... */
  partial->state = FERRY_VM_STATE_PAUSED;
  partial->reason = -1;
  _ferry_vm_set_sighting (vm, b, partial);
  g_assert_true (_ferry_vm_resolve (vm) == b);
  g_assert_cmpint (ferry_vm_get_state (vm), ==, FERRY_VM_STATE_PAUSED);
  g_assert_cmpuint (ferry_vm_get_vcpus (vm), ==, 2);
  g_assert_cmpstr (ferry_vm_get_name (vm), ==, "web");
  /* ...and is no sighting on a node that did not report the VM. */
  _ferry_vm_forget_node (vm, a);
  _ferry_vm_set_sighting (vm, a, partial);
  g_assert_false (_ferry_vm_sighted_on (vm, a));

  /* The owner drops off: a connected node that has it defined wins over
   * the one that cannot be asked. */
  _ferry_vm_set_sighting (vm, a, defined);
  ferry_node_disconnect (b);
  g_assert_true (_ferry_vm_resolve (vm) == a);
  g_assert_cmpint (ferry_vm_get_state (vm), ==, FERRY_VM_STATE_SHUT_OFF);

  /* Only on the unreachable node: still its, shown as unknown. */
  gone->gone = TRUE;
  _ferry_vm_set_sighting (vm, a, gone);
  g_assert_false (_ferry_vm_sighted_on (vm, a));
  g_assert_true (_ferry_vm_resolve (vm) == b);
  g_assert_cmpint (ferry_vm_get_state (vm), ==, FERRY_VM_STATE_UNKNOWN);
  g_assert_cmpstr (ferry_vm_get_state_text (vm), ==, "Unknown (b is not connected)");

  /* Nobody has it: no owner. */
  _ferry_vm_forget_node (vm, b);
  g_assert_false (_ferry_vm_has_sightings (vm));
  g_assert_null (_ferry_vm_resolve (vm));
  g_assert_null (ferry_vm_get_node (vm));

  g_signal_handlers_disconnect_by_data (vm, &n_node_notifies);
  g_assert_finalize_object (vm);
  ferry_node_disconnect (a);
  ferry_test_finalize_node (a);
  ferry_test_finalize_node (b);
  ferry_test_remove_tree (dir);
}

/* The owner is a weak reference: a node that goes away leaves no
 * dangling pointer behind (once its sightings are forgotten, as the
 * inventory does). */
static void
test_owner_finalized (void)
{
  g_autofree char *dir = g_dir_make_tmp ("ferry-vm-XXXXXX", NULL);
  FerryNode *a = connect_empty_node (dir, "a");
  FerryVm *vm = _ferry_vm_new (WEB_UUID);
  g_autoptr(FerryVmInfo) running = make_info (FERRY_VM_STATE_RUNNING, 1);

  _ferry_vm_set_sighting (vm, a, running);
  g_assert_true (_ferry_vm_resolve (vm) == a);
  _ferry_vm_forget_node (vm, a);
  ferry_node_disconnect (a);
  ferry_test_finalize_node (a);
  g_assert_null (ferry_vm_get_node (vm));
  g_assert_null (_ferry_vm_resolve (vm));

  g_assert_finalize_object (vm);
  ferry_test_remove_tree (dir);
}

/* A migration job and what it is doing: shown while it lives, and for a
 * while after it started the inventory does not drop the VM. */
static void
test_migration_activity (void)
{
  FerryVm *vm = _ferry_vm_new (WEB_UUID);
  GObject *migration = g_object_new (G_TYPE_OBJECT, NULL);
  guint n_activity = 0;
  guint n_migration = 0;

  g_signal_connect (vm, "notify::activity", G_CALLBACK (count_notify), &n_activity);
  g_signal_connect (vm, "notify::migration", G_CALLBACK (count_notify), &n_migration);
  g_assert_false (_ferry_vm_recently_migrated (vm));

  _ferry_vm_set_activity (vm, migration, "Migrating to b: 10 %");
  g_assert_true (ferry_vm_get_migration (vm) == migration);
  g_assert_cmpstr (ferry_vm_get_activity (vm), ==, "Migrating to b: 10 %");
  /* Queued or running counts as migrating. */
  g_assert_true (_ferry_vm_recently_migrated (vm));
  _ferry_vm_set_activity (vm, migration, "Migrating to b: 10 %");
  g_assert_cmpuint (n_activity, ==, 1);
  g_assert_cmpuint (n_migration, ==, 1);
  _ferry_vm_note_migration (vm);

  /* The job is a weak reference: gone with it. */
  g_assert_finalize_object (migration);
  g_assert_null (ferry_vm_get_migration (vm));
  /* ...but the move is recent. */
  g_assert_true (_ferry_vm_recently_migrated (vm));

  _ferry_vm_set_activity (vm, NULL, NULL);
  g_assert_null (ferry_vm_get_activity (vm));
  g_assert_cmpuint (n_activity, ==, 2);

  g_signal_handlers_disconnect_by_data (vm, &n_activity);
  g_signal_handlers_disconnect_by_data (vm, &n_migration);
  g_assert_finalize_object (vm);
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
  g_test_init (&argc, &argv, NULL);
  ferry_core_init ();

  g_test_add ("/vm/properties", Fixture, NULL, fixture_set_up, test_properties, fixture_tear_down);
  g_test_add ("/vm/lifecycle", Fixture, NULL, fixture_set_up, test_lifecycle, fixture_tear_down);
  g_test_add ("/vm/reboot", Fixture, NULL, fixture_set_up, test_reboot, fixture_tear_down);
  g_test_add ("/vm/delete-running", Fixture, NULL, fixture_set_up, test_delete_running, fixture_tear_down);
  g_test_add ("/vm/node-disconnected", Fixture, NULL, fixture_set_up, test_node_disconnected, fixture_tear_down);
  g_test_add_func ("/vm/no-node", test_no_node);
  g_test_add_func ("/vm/ownership", test_ownership);
  g_test_add_func ("/vm/owner-finalized", test_owner_finalized);
  g_test_add_func ("/vm/migration-activity", test_migration_activity);
  g_test_add_func ("/vm/no-libvirt-on-main-thread", test_no_libvirt_on_main_thread);
  return g_test_run ();
}
