/* test-fanout.c — one step on several nodes, an answer per node (FerryFanout)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ferry-fanout.h"
#include "ferry-libvirt.h"
#include "ferry-test-util.h"

typedef struct
{
  GMainLoop *loop;
  GPtrArray *results;
  GError    *error;
} Wait;

static void
done_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Wait *wait = user_data;

  wait->results = ferry_fanout_run_finish (result, &wait->error);
  g_main_loop_quit (wait->loop);
}

static void
run (GPtrArray       *nodes,
     guint            timeout_seconds,
     FerryFanoutFunc  func,
     gpointer         user_data,
     GDestroyNotify   user_data_free,
     GCancellable    *cancellable,
     Wait            *wait)
{
  wait->loop = g_main_loop_new (NULL, FALSE);
  ferry_fanout_run_async (nodes, timeout_seconds, func, user_data, user_data_free, g_free,
                          cancellable, done_cb, wait);
  g_main_loop_run (wait->loop);
  g_main_loop_unref (wait->loop);
}

/* The node's host name, from its own connection, tagged with @index. */
static gpointer
hostname_step (FerryNode     *node,
               virConnectPtr  conn,
               guint          index,
               gpointer       user_data,
               GCancellable  *cancellable,
               GError       **error)
{
  char *hostname = virConnectGetHostname (conn);
  char *value;

  g_assert_false (g_main_context_is_owner (g_main_context_default ()));
  if (hostname == NULL)
    {
      ferry_libvirt_set_error (error, "no host name");
      return NULL;
    }
  value = g_strdup_printf ("%u:%s:%s", index, (const char *) user_data, hostname);
  free (hostname);
  return value;
}

static void
test_values_and_errors (void)
{
  g_autoptr(FerryInventory) inventory = ferry_inventory_new ();
  g_autoptr(FerryNode) a = ferry_test_add_connected_node (inventory, "test:///default");
  g_autoptr(FerryNode) off = ferry_node_new ("test:///default", "off", NULL);
  g_autoptr(GPtrArray) nodes = g_ptr_array_new ();
  Wait wait = { 0, };
  FerryFanoutResult *result;

  g_ptr_array_add (nodes, a);
  g_ptr_array_add (nodes, off);     /* never connected */
  g_ptr_array_add (nodes, a);
  run (nodes, 0, hostname_step, g_strdup ("tag"), g_free, NULL, &wait);

  g_assert_no_error (wait.error);
  g_assert_cmpuint (wait.results->len, ==, 3);
  result = g_ptr_array_index (wait.results, 0);
  g_assert_true (result->node == a);
  g_assert_no_error (result->error);
  g_assert_true (g_str_has_prefix (result->value, "0:tag:"));
  result = g_ptr_array_index (wait.results, 1);
  g_assert_true (result->node == off);
  g_assert_null (result->value);
  g_assert_error (result->error, FERRY_LIBVIRT_ERROR, FERRY_LIBVIRT_ERROR_NOT_CONNECTED);
  result = g_ptr_array_index (wait.results, 2);
  g_assert_true (g_str_has_prefix (result->value, "2:tag:"));
  g_ptr_array_unref (wait.results);

  ferry_inventory_remove_node (inventory, a);
  /* The workers drop their steps (and the steps' node references) on
   * their own threads, a moment after the answers came back. */
  ferry_test_finalize_node (g_steal_pointer (&off));
}

static void
test_no_nodes (void)
{
  g_autoptr(GPtrArray) nodes = g_ptr_array_new ();
  Wait wait = { 0, };

  run (nodes, 0, hostname_step, NULL, NULL, NULL, &wait);
  g_assert_no_error (wait.error);
  g_assert_cmpuint (wait.results->len, ==, 0);
  g_ptr_array_unref (wait.results);
}

/* A step that hangs (a node that stopped answering) until released. */
static gint released;
static gint slow_data_freed;

static gpointer
slow_step (FerryNode     *node,
           virConnectPtr  conn,
           guint          index,
           gpointer       user_data,
           GCancellable  *cancellable,
           GError       **error)
{
  if (index == 1)
    while (!g_atomic_int_get (&released))
      g_usleep (10000);
  return g_strdup ("late or not");
}

static void
count_free (gpointer data)
{
  g_atomic_int_inc (&slow_data_freed);
}

static gboolean
data_freed (gpointer data)
{
  return g_atomic_int_get (&slow_data_freed) == 1;
}

static void
test_timeout (void)
{
  g_autoptr(FerryInventory) inventory = ferry_inventory_new ();
  g_autofree char *dir = g_dir_make_tmp ("ferry-fanout-XXXXXX", NULL);
  g_autofree char *uri = ferry_test_write_node_file (dir, "b.xml", "b", 1, 1, "bbbbbbbb-0000-4000-8000-");
  g_autoptr(FerryNode) a = ferry_test_add_connected_node (inventory, "test:///default");
  g_autoptr(FerryNode) b = ferry_test_add_connected_node (inventory, uri);
  g_autoptr(GPtrArray) nodes = g_ptr_array_new ();
  Wait wait = { 0, };
  FerryFanoutResult *result;
  gint64 start = g_get_monotonic_time ();

  g_ptr_array_add (nodes, a);
  g_ptr_array_add (nodes, b);
  g_atomic_int_set (&released, 0);
  g_atomic_int_set (&slow_data_freed, 0);
  run (nodes, 1, slow_step, GINT_TO_POINTER (1), count_free, NULL, &wait);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);

  g_assert_no_error (wait.error);
  result = g_ptr_array_index (wait.results, 0);
  g_assert_cmpstr (result->value, ==, "late or not");
  result = g_ptr_array_index (wait.results, 1);
  g_assert_null (result->value);
  g_assert_error (result->error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_ptr_array_unref (wait.results);

  /* The hung step's data lives until it returns. */
  g_assert_cmpint (g_atomic_int_get (&slow_data_freed), ==, 0);
  g_atomic_int_set (&released, 1);
  g_assert_true (ferry_test_wait_until (data_freed, NULL, 5000));

  ferry_inventory_remove_node (inventory, a);
  ferry_inventory_remove_node (inventory, b);
  ferry_test_remove_tree (dir);
}

static gboolean
cancel_soon (gpointer cancellable)
{
  g_cancellable_cancel (cancellable);
  return G_SOURCE_REMOVE;
}

static void
test_cancel (void)
{
  g_autoptr(FerryInventory) inventory = ferry_inventory_new ();
  g_autofree char *dir = g_dir_make_tmp ("ferry-fanout-XXXXXX", NULL);
  g_autofree char *uri = ferry_test_write_node_file (dir, "c.xml", "c", 1, 1, "cccccccc-0000-4000-8000-");
  g_autoptr(FerryNode) a = ferry_test_add_connected_node (inventory, "test:///default");
  g_autoptr(FerryNode) b = ferry_test_add_connected_node (inventory, uri);
  g_autoptr(GPtrArray) nodes = g_ptr_array_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Wait wait = { 0, };

  g_ptr_array_add (nodes, a);
  g_ptr_array_add (nodes, b);
  g_atomic_int_set (&released, 0);
  g_atomic_int_set (&slow_data_freed, 0);
  g_timeout_add (100, cancel_soon, cancellable);
  run (nodes, 0, slow_step, NULL, count_free, cancellable, &wait);
  g_assert_null (wait.results);
  g_assert_error (wait.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&wait.error);
  g_atomic_int_set (&released, 1);
  g_assert_true (ferry_test_wait_until (data_freed, NULL, 5000));

  ferry_inventory_remove_node (inventory, a);
  ferry_inventory_remove_node (inventory, b);
  ferry_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fanout/values-and-errors", test_values_and_errors);
  g_test_add_func ("/fanout/no-nodes", test_no_nodes);
  g_test_add_func ("/fanout/timeout", test_timeout);
  g_test_add_func ("/fanout/cancel", test_cancel);
  return g_test_run ();
}
