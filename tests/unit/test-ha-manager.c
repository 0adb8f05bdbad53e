/* test-ha-manager.c — FerryHaManager on libvirt's test:/// driver: which
 * flagged VMs are at risk, where a recovery would put them, recovery
 * refused without fencing and done with it, the leases-verified property
 *
 * A host "fails" here by losing its test-driver file: disconnected, then
 * asked to connect again, it cannot open and becomes unreachable with the
 * VMs Ferry last saw on it, as a host that stopped answering does.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "ferry-test-util.h"

#define WEB_UUID "6f1c8f36-0b8e-4a43-9a9e-0d3b7f2f9b21"

/* The definition Ferry saved when it flagged the VM: what recovery
 * defines elsewhere. */
static const char *web_xml =
  "<domain type='test'><name>ha-web</name><uuid>" WEB_UUID "</uuid>"
  "<memory>131072</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>";

typedef struct
{
  char           *dir;
  FerryInventory *inventory;
  FerryTaskLog   *log;
  FerryNode      *failing;   /* runs ha-web and plain-vm */
  FerryNode      *a;         /* empty, 64 GiB */
  FerryNode      *tiny;      /* empty, 64 MiB: ha-web does not fit */
  FerryHaManager *manager;
} Fixture;

static FerryNode *
add_host (Fixture    *fixture,
          const char *name,
          guint64     memory_kib,
          gboolean    runs_web)
{
  g_autofree char *file = g_strdup_printf ("%s.xml", name);
  g_autofree char *xml =
    g_strdup_printf ("<node>"
                     "<cpu><nodes>1</nodes><sockets>1</sockets><cores>4</cores><threads>1</threads>"
                     "<active>4</active><mhz>2400</mhz><model>x86_64</model></cpu>"
                     "<memory>%" G_GUINT64_FORMAT "</memory>"
                     "%s"
                     "</node>",
                     memory_kib,
                     runs_web ? "<domain type='test'><name>ha-web</name><uuid>" WEB_UUID "</uuid>"
                                "<memory>131072</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>"
                                "<domain type='test'><name>plain-vm</name>"
                                "<uuid>6f1c8f36-0b8e-4a43-9a9e-0d3b7f2f9b22</uuid>"
                                "<memory>131072</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>"
                              : "");
  FerryNode *node = ferry_test_add_node_from_xml (fixture->inventory, fixture->dir, file, xml);

  ferry_node_set_name (node, name);
  return node;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("ferry-ha-manager-XXXXXX", NULL);
  g_assert_nonnull (fixture->dir);
  fixture->inventory = ferry_inventory_new ();
  fixture->log = ferry_task_log_new ();
  fixture->failing = add_host (fixture, "failing", 67108864, TRUE);
  fixture->a = add_host (fixture, "a", 67108864, FALSE);
  fixture->tiny = add_host (fixture, "tiny", 65536, FALSE);
  /* Flagged through Ferry earlier: its definition is saved, which is how
   * a new manager knows it. */
  g_assert_true (ferry_ha_cache_save (WEB_UUID, web_xml, &error));
  g_assert_no_error (error);
  fixture->manager = ferry_ha_manager_new (fixture->inventory, fixture->log);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  FerryNode *nodes[] = { fixture->failing, fixture->a, fixture->tiny };

  /* A recovery's GTask lets go of the manager from the main loop. */
  ferry_test_finalize_object (fixture->manager);
  ferry_ha_cache_remove (WEB_UUID);
  for (guint i = 0; i < G_N_ELEMENTS (nodes); i++)
    {
      ferry_inventory_remove_node (fixture->inventory, nodes[i]);
      ferry_test_finalize_node (nodes[i]);
    }
  g_assert_finalize_object (fixture->inventory);
  g_assert_finalize_object (fixture->log);
  ferry_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
}

static gboolean
n_at_risk_is (gpointer data)
{
  Fixture *fixture = data;

  return g_list_model_get_n_items (ferry_ha_manager_get_at_risk (fixture->manager)) ==
         GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (fixture->manager), "expect"));
}

static void
wait_at_risk (Fixture *fixture,
              guint    n)
{
  g_object_set_data (G_OBJECT (fixture->manager), "expect", GUINT_TO_POINTER (n));
  g_assert_true (ferry_test_wait_until (n_at_risk_is, fixture, 10000));
}

/* The host stops answering: its file is gone, and connecting fails. */
static void
fail_host (Fixture *fixture)
{
  g_autofree char *path = g_build_filename (fixture->dir, "failing.xml", NULL);

  ferry_node_disconnect (fixture->failing);
  g_assert_cmpint (g_unlink (path), ==, 0);
  ferry_node_connect (fixture->failing);
  g_assert_true (ferry_test_wait_node_state (fixture->failing, FERRY_NODE_STATE_UNREACHABLE, 10000));
}

static FerryVm *
web (Fixture *fixture)
{
  FerryVm *vm = ferry_inventory_lookup_vm (fixture->inventory, WEB_UUID);

  g_assert_nonnull (vm);
  return vm;
}

static gboolean
have_result (gpointer data)
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

static guint
recover (Fixture       *fixture,
         FerryHaFence   fence,
         GPtrArray     *plan,
         GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  ferry_ha_manager_recover_async (fixture->manager, fixture->failing, fence, plan, NULL, store_result, &result);
  g_assert_true (ferry_test_wait_until (have_result, &result, 10000));
  return ferry_ha_manager_recover_finish (fixture->manager, result, error);
}

static void
count (gpointer  instance,
       guint    *n)
{
  (*n)++;
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *n)
{
  (*n)++;
}

/* ---------------------------------------------------------------------- */

/* One test:/// node alone: nothing to check the disks with. */
static void
test_manager_needs_peers (void)
{
  FerryInventory *inventory = ferry_inventory_new ();
  FerryTaskLog *log = ferry_task_log_new ();
  FerryNode *node = ferry_test_add_connected_node (inventory, "test:///default");
  FerryHaManager *manager = ferry_ha_manager_new (inventory, log);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) plan = NULL;
  FerryVm *vm = ferry_inventory_find_vm_by_name (inventory, "test");

  g_assert_nonnull (vm);
  g_assert_false (ferry_ha_manager_is_ha (manager, vm));
  ferry_ha_manager_set_ha_async (manager, vm, TRUE, NULL, store_result, &result);
  g_assert_true (ferry_test_wait_until (have_result, &result, 5000));
  g_assert_false (ferry_ha_manager_set_ha_finish (manager, result, &error));
  g_assert_error (error, FERRY_HA_ERROR, FERRY_HA_ERROR_NO_PEERS);
  g_assert_false (ferry_ha_manager_is_ha (manager, vm));

  /* A connected node has nothing at risk and is not recovered. */
  g_assert_cmpuint (g_list_model_get_n_items (ferry_ha_manager_get_at_risk (manager)), ==, 0);
  plan = ferry_ha_manager_plan_recovery (manager, node);
  g_assert_cmpuint (plan->len, ==, 0);
  g_clear_object (&result);
  g_clear_error (&error);
  ferry_ha_manager_recover_async (manager, node, FERRY_HA_FENCE_MANUAL, NULL, NULL, store_result, &result);
  g_assert_true (ferry_test_wait_until (have_result, &result, 5000));
  g_assert_cmpuint (ferry_ha_manager_recover_finish (manager, result, &error), ==, 0);
  g_assert_error (error, FERRY_HA_ERROR, FERRY_HA_ERROR_NOT_FENCED);

  g_clear_object (&result);
  g_assert_finalize_object (manager);
  g_assert_cmpuint (ferry_core_get_libvirt_calls_on_main_thread (), ==, 0);
  ferry_inventory_remove_node (inventory, node);
  ferry_test_finalize_node (node);
  g_assert_finalize_object (inventory);
  g_assert_finalize_object (log);
}

/* A flagged VM is at risk while its host is unreachable, and only then:
 * not while it answers, not once the user disconnected it. An unflagged
 * VM on the same host never is. */
static void
test_at_risk (Fixture       *fixture,
              gconstpointer  data)
{
  GListModel *at_risk = ferry_ha_manager_get_at_risk (fixture->manager);
  FerryVm *plain = ferry_inventory_find_vm_by_name (fixture->inventory, "plain-vm");
  g_autoptr(FerryVm) item = NULL;
  guint changed = 0;

  g_signal_connect (fixture->manager, "at-risk-changed", G_CALLBACK (count), &changed);
  g_assert_true (ferry_ha_manager_is_ha (fixture->manager, web (fixture)));
  g_assert_false (ferry_ha_manager_is_ha (fixture->manager, plain));
  g_assert_true (g_list_model_get_item_type (at_risk) == FERRY_TYPE_VM);
  g_assert_cmpuint (g_list_model_get_n_items (at_risk), ==, 0);

  fail_host (fixture);
  wait_at_risk (fixture, 1);
  item = g_list_model_get_item (at_risk, 0);
  g_assert_true (item == web (fixture));
  g_assert_true (ferry_vm_get_node (item) == fixture->failing);
  g_assert_cmpuint (ferry_ha_manager_count_at_risk (fixture->manager, fixture->failing), ==, 1);
  g_assert_cmpuint (ferry_ha_manager_count_at_risk (fixture->manager, fixture->a), ==, 0);
  g_assert_cmpuint (changed, ==, 1);

  /* Disconnected by the user: not a failure, nothing at risk. */
  ferry_node_disconnect (fixture->failing);
  wait_at_risk (fixture, 0);
  g_assert_cmpuint (changed, ==, 2);
  g_assert_cmpuint (ferry_ha_manager_count_at_risk (fixture->manager, fixture->failing), ==, 0);

  g_signal_handlers_disconnect_by_data (fixture->manager, &changed);
}

/* Where the at-risk VMs of a failed host would go: a connected host with
 * room; not one in maintenance, not one too small, not the failed one. */
static void
test_plan_recovery (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GPtrArray) plan = NULL;
  g_autoptr(GPtrArray) nowhere = NULL;
  g_autoptr(GPtrArray) none = NULL;
  FerryHaPlanItem *item;

  /* Nothing is at risk while the host answers. */
  none = ferry_ha_manager_plan_recovery (fixture->manager, fixture->failing);
  g_assert_cmpuint (none->len, ==, 0);

  fail_host (fixture);
  plan = ferry_ha_manager_plan_recovery (fixture->manager, fixture->failing);
  g_assert_cmpuint (plan->len, ==, 1);
  item = g_ptr_array_index (plan, 0);
  g_assert_true (item->vm == web (fixture));
  g_assert_true (item->target == fixture->a);
  g_assert_null (item->reason);

  /* The only host with room in maintenance: nowhere to go, and why. */
  ferry_node_set_maintenance (fixture->a, TRUE, NULL);
  nowhere = ferry_ha_manager_plan_recovery (fixture->manager, fixture->failing);
  g_assert_cmpuint (nowhere->len, ==, 1);
  item = g_ptr_array_index (nowhere, 0);
  g_assert_null (item->target);
  g_assert_nonnull (item->reason);
  g_assert_cmpstr (item->reason, !=, "");
  ferry_node_set_maintenance (fixture->a, FALSE, NULL);
}

/* Never without fencing: not while the host answers, and not on leases
 * nobody verified. Nothing is started, nothing logged. */
static void
test_recover_refused (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (recover (fixture, FERRY_HA_FENCE_MANUAL, NULL, &error), ==, 0);
  g_assert_error (error, FERRY_HA_ERROR, FERRY_HA_ERROR_NOT_FENCED);
  g_clear_error (&error);

  fail_host (fixture);
  g_assert_false (ferry_ha_manager_get_leases_verified (fixture->manager));
  g_assert_cmpuint (recover (fixture, FERRY_HA_FENCE_LEASES, NULL, &error), ==, 0);
  g_assert_error (error, FERRY_HA_ERROR, FERRY_HA_ERROR_NOT_FENCED);
  g_assert_nonnull (strstr (error->message, "leases"));

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->log)), ==, 0);
  g_assert_cmpuint (ferry_node_get_n_vms (fixture->a), ==, 0);
}

typedef struct
{
  guint      n;
  FerryVm   *vm;
  FerryNode *target;
  char      *message;
} Recovered;

static void
on_vm_recovered (FerryHaManager *manager,
                 FerryVm        *vm,
                 FerryNode      *target,
                 const char     *message,
                 Recovered      *r)
{
  r->n++;
  r->vm = vm;
  r->target = target;
  g_free (r->message);
  r->message = g_strdup (message);
}

static gboolean
web_runs_on_a (gpointer data)
{
  Fixture *fixture = data;
  FerryVm *vm = ferry_test_find_on (fixture->a, "ha-web");

  return vm != NULL && ferry_vm_get_state (vm) == FERRY_VM_STATE_RUNNING;
}

/* Fenced by the administrator's word: the VM is defined from its saved
 * definition on the planned host and started there, each step in the
 * task log; a second run does not start it again. */
static void
test_recover (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) plan = NULL;
  Recovered r = { 0 };
  GListModel *tasks = G_LIST_MODEL (fixture->log);

  g_signal_connect (fixture->manager, "vm-recovered", G_CALLBACK (on_vm_recovered), &r);
  fail_host (fixture);
  wait_at_risk (fixture, 1);
  plan = ferry_ha_manager_plan_recovery (fixture->manager, fixture->failing);

  g_assert_cmpuint (recover (fixture, FERRY_HA_FENCE_MANUAL, plan, &error), ==, 1);
  g_assert_no_error (error);
  g_assert_cmpuint (r.n, ==, 1);
  g_assert_true (r.target == fixture->a);
  g_assert_null (r.message);
  g_assert_true (ferry_test_wait_until (web_runs_on_a, fixture, 10000));
  g_assert_cmpuint (ferry_node_get_n_vms (fixture->tiny), ==, 0);

  /* The run and the VM, each a task, both done. */
  g_assert_cmpuint (g_list_model_get_n_items (tasks), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(FerryTask) task = g_list_model_get_item (tasks, i);

      g_assert_cmpint (ferry_task_get_state (task), ==, FERRY_TASK_SUCCEEDED);
      if (g_str_equal (ferry_task_get_title (task), "Recover “ha-web”"))
        g_assert_cmpstr (ferry_task_get_message (task), ==, "Runs on a");
      else
        g_assert_cmpstr (ferry_task_get_message (task), ==, "1 of 1 VMs run on other hosts");
    }

  /* Again, from the same plan: recovered already, not started twice. */
  g_assert_cmpuint (recover (fixture, FERRY_HA_FENCE_MANUAL, plan, &error), ==, 1);
  g_assert_no_error (error);
  g_assert_cmpuint (r.n, ==, 1);

  g_signal_handlers_disconnect_by_data (fixture->manager, &r);
  g_free (r.message);
  g_assert_cmpuint (ferry_core_get_libvirt_calls_on_main_thread (), ==, 0);
}

/* Without a saved definition there is nothing to define elsewhere: the
 * VM is reported, the run fails, nothing is started. */
static void
test_recover_no_definition (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  Recovered r = { 0 };

  g_signal_connect (fixture->manager, "vm-recovered", G_CALLBACK (on_vm_recovered), &r);
  fail_host (fixture);
  wait_at_risk (fixture, 1);
  ferry_ha_cache_remove (WEB_UUID);

  g_assert_cmpuint (recover (fixture, FERRY_HA_FENCE_MANUAL, NULL, &error), ==, 0);
  g_assert_no_error (error);
  g_assert_cmpuint (r.n, ==, 1);
  g_assert_null (r.target);
  g_assert_nonnull (strstr (r.message, "no saved definition"));
  g_assert_cmpuint (ferry_node_get_n_vms (fixture->a), ==, 0);

  g_signal_handlers_disconnect_by_data (fixture->manager, &r);
  g_free (r.message);
}

/* Set by the cluster assistant once leases check out; it notifies on a
 * change only. */
static void
test_leases_verified (Fixture       *fixture,
                      gconstpointer  data)
{
  guint notified = 0;
  gboolean verified = TRUE;

  g_signal_connect (fixture->manager, "notify::leases-verified", G_CALLBACK (count_notify), &notified);
  g_assert_false (ferry_ha_manager_get_leases_verified (fixture->manager));
  g_object_get (fixture->manager, "leases-verified", &verified, NULL);
  g_assert_false (verified);

  ferry_ha_manager_set_leases_verified (fixture->manager, TRUE);
  ferry_ha_manager_set_leases_verified (fixture->manager, 2);   /* still TRUE */
  g_assert_cmpuint (notified, ==, 1);
  g_assert_true (ferry_ha_manager_get_leases_verified (fixture->manager));

  g_object_set (fixture->manager, "leases-verified", FALSE, NULL);
  g_object_set (fixture->manager, "leases-verified", FALSE, NULL);
  g_assert_cmpuint (notified, ==, 2);
  g_assert_false (ferry_ha_manager_get_leases_verified (fixture->manager));

  g_signal_handlers_disconnect_by_data (fixture->manager, &notified);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *data_home = g_dir_make_tmp ("ferry-test-ha-manager-XXXXXX", NULL);
  int ret;

  /* A data dir of our own (the saved definitions), set before GLib caches
   * the user's (GLib's G_TEST_OPTION_ISOLATE_DIRS leaks under LSan). */
  g_assert_nonnull (data_home);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_test_init (&argc, &argv, NULL);
  ferry_core_init ();
  /* libvirt's event loop iterates GLib's default context on ferry-core's
   * event thread whenever the main thread lets go of it: own it all along,
   * as the application's main loop does. */
  g_main_context_acquire (NULL);

  g_test_add_func ("/ha-manager/needs-peers", test_manager_needs_peers);
  g_test_add ("/ha-manager/at-risk", Fixture, NULL, fixture_set_up, test_at_risk, fixture_tear_down);
  g_test_add ("/ha-manager/plan-recovery", Fixture, NULL, fixture_set_up, test_plan_recovery, fixture_tear_down);
  g_test_add ("/ha-manager/recover-refused", Fixture, NULL, fixture_set_up, test_recover_refused,
              fixture_tear_down);
  g_test_add ("/ha-manager/recover", Fixture, NULL, fixture_set_up, test_recover, fixture_tear_down);
  g_test_add ("/ha-manager/recover-no-definition", Fixture, NULL, fixture_set_up, test_recover_no_definition,
              fixture_tear_down);
  g_test_add ("/ha-manager/leases-verified", Fixture, NULL, fixture_set_up, test_leases_verified,
              fixture_tear_down);

  ret = g_test_run ();
  g_main_context_release (NULL);
  ferry_test_remove_tree (data_home);
  return ret;
}
