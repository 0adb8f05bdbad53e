/* test-clusters.c — a 3-node cluster created end to end through the
 * assistant on the real local cluster (checks, the baseline CPU, the
 * shared pool set up and verified), then its overview page, then load
 * balancing: two CPU-busy guests on node1, the page's suggestion applied,
 * one of them running elsewhere
 *
 * Screenshots: tests/output/cluster-assistant-{nodes,checks,storage}.png,
 * cluster-overview.png, cluster-balance.png.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ferry-cluster-dialog.h"
#include "ferry-cluster-page.h"
#include "ferry-test-util.h"
#include "ferry-ui-test-util.h"

static FerryClusterDialog *
find_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) w = g_list_model_get_item (toplevels, i);

      if (FERRY_IS_CLUSTER_DIALOG (w) && gtk_widget_get_visible (w))
        return FERRY_CLUSTER_DIALOG (w);
    }
  return NULL;
}

/* The row titled @title under @root (AdwPreferencesRow). */
static GtkWidget *
find_row (GtkWidget  *root,
          const char *title)
{
  if (ADW_IS_PREFERENCES_ROW (root) &&
      g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (root)), title) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_row (child, title);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Whether a drawn label under @root contains @text. */
static gboolean
has_text (GtkWidget  *root,
          const char *text)
{
  if (GTK_IS_LABEL (root) && gtk_widget_is_drawable (root) &&
      strstr (gtk_label_get_text (GTK_LABEL (root)), text) != NULL)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    if (has_text (child, text))
      return TRUE;
  return FALSE;
}

typedef struct
{
  GtkWidget  *root;
  const char *text;
} TextWait;

static gboolean
text_shown (gpointer data)
{
  TextWait *wait = data;

  return has_text (wait->root, wait->text);
}

static void
wait_for_text (GtkWidget  *root,
               const char *text,
               guint       ms)
{
  TextWait wait = { root, text };

  if (!ferry_test_wait_until (text_shown, &wait, ms))
    {
      ferry_ui_test_screenshot (root, "cluster-failure.png");
      g_error ("“%s” never shown", text);
    }
}

static gboolean
dialog_checked (gpointer data)
{
  return ferry_cluster_dialog_get_checked (data);
}

static gboolean
dialog_gone (gpointer data)
{
  return find_dialog () == NULL;
}

static gboolean
page_checked (gpointer data)
{
  return ferry_cluster_page_get_checked (data);
}

static void
click (GtkWidget  *root,
       const char *label)
{
  GtkWidget *button = ferry_ui_test_find_button (root, label);

  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

/* Scrolls the page so that @widget shows. */
static void
scroll_into_view (GtkWidget *widget)
{
  GtkWidget *scrolled = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adjustment;
  graphene_point_t point;

  g_assert_nonnull (scrolled);
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  g_assert_true (gtk_widget_compute_point (widget, gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scrolled)),
                                           &GRAPHENE_POINT_INIT (0, 0), &point));
  gtk_adjustment_set_value (adjustment, point.y - 60);
  ferry_ui_test_settle (300);
}

typedef struct
{
  FerryNode  **nodes;
  const char  *names[2];
  int          moved;         /* index into names, -1 none yet */
  guint        to;            /* node index it went to */
} BalanceWait;

/* One of the busy guests runs on node2 or node3 and node1 no longer has it
 * (virsh, the witness). */
static gboolean
one_moved (gpointer data)
{
  BalanceWait *wait = data;

  for (guint g = 0; g < 2; g++)
    for (guint n = 1; n < 3; n++)
      {
        g_autofree char *state = ferry_test_virsh (wait->nodes[n], "domstate", wait->names[g]);

        if (g_strcmp0 (state, "running") == 0 && !ferry_test_virsh_lists (wait->nodes[0], wait->names[g]))
          {
            wait->moved = g;
            wait->to = n;
            return TRUE;
          }
      }
  return FALSE;
}

/* A suggestion row: "bal-a: NODE CPU 96 % → 48 %, …". */
static gboolean
move_suggested (gpointer data)
{
  return has_text (data, "bal-a: ") || has_text (data, "bal-b: ");
}

/* Load balancing on the real nodes. A node's CPU load is the share of its
 * CPUs its guests ask for: what they use plus what they wait for on the
 * host's run queue (what a move changes; the nodes share this machine's
 * CPUs, so the host's own busy share would be the same on all, and on a
 * busy CI machine the guests get less than they ask, so what they use
 * alone can stay below the threshold): node1 with two guests that keep
 * their vCPU busy asks for all of its two CPUs, above 75 %. The busy
 * guests are removed whatever happens: left running, they would slow
 * every later test. */
static void
balance_expect (gboolean        ok,
                const char     *what,
                FerryInventory *inventory,
                BalanceWait    *wait,
                FerryWindow    *window)
{
  if (ok)
    return;
  ferry_ui_test_screenshot (GTK_WIDGET (window), "cluster-failure.png");
  for (guint g = 0; g < 2; g++)
    ferry_test_remove_everywhere (inventory, wait->nodes, 3, wait->names[g]);
  g_error ("balancing: %s", what);
}

static void
check_balance (FerryApplication *app,
               FerryWindow      *window,
               GtkWidget        *page)
{
  FerryInventory *inventory = ferry_session_get_inventory (ferry_application_get_session (app));
  const char *balanced = "Balanced: no host is above 75 %";
  FerryNode *nodes[3];
  BalanceWait wait = { nodes, { "bal-a", "bal-b" }, -1, 0 };
  TextWait evened = { page, balanced };
  const char *moved;

  for (guint n = 0; n < 3; n++)
    {
      g_autoptr(FerryNode) node = g_list_model_get_item (ferry_inventory_get_nodes (inventory), n);

      nodes[n] = node;   /* the inventory keeps it */
    }
  g_assert_true (has_text (page, balanced));
  g_assert_nonnull (ferry_test_define_loaded_guest (inventory, nodes, 3, 0, "bal-a", "shared", TRUE, "cpu"));
  g_assert_nonnull (ferry_test_define_loaded_guest (inventory, nodes, 3, 0, "bal-b", "shared", TRUE, "cpu"));

  /* Two busy vCPUs on node1's two CPUs: a move is suggested (loads are
   * averaged over 30 s: a while). */
  balance_expect (ferry_test_wait_until (move_suggested, page, 120000), "no move suggested for node1",
                  inventory, &wait, window);
  ferry_ui_test_settle (500);
  balance_expect (!has_text (page, balanced), "still said to be balanced", inventory, &wait, window);
  balance_expect (has_text (page, ferry_node_get_name (nodes[0])), "the move is not off node1",
                  inventory, &wait, window);
  scroll_into_view (ferry_ui_test_find_button (page, "_Apply"));
  ferry_ui_test_screenshot (GTK_WIDGET (window), "cluster-balance.png");
  click (page, "_Apply");

  /* One of them runs elsewhere, still alive; the other stays. */
  balance_expect (ferry_test_wait_until (one_moved, &wait, 120000), "no busy guest moved off node1",
                  inventory, &wait, window);
  moved = wait.names[wait.moved];
  g_test_message ("balancing moved %s to node%u", moved, wait.to + 1);
  balance_expect (ferry_test_virsh_lists (nodes[0], wait.names[1 - wait.moved]), "both guests moved",
                  inventory, &wait, window);
  balance_expect (ferry_test_serial_grows (moved, 30000), "the moved guest stopped", inventory, &wait, window);
  balance_expect (ferry_test_wait_until (ferry_ui_test_notified, (gpointer) moved, 10000), "no notification",
                  inventory, &wait, window);

  /* Afterwards node1 carries one busy vCPU of two: balanced again (the
   * moved guest is not suggested back: cooldown). */
  balance_expect (ferry_test_wait_until (text_shown, &evened, 120000), "not balanced after the move",
                  inventory, &wait, window);
  scroll_into_view (ferry_ui_test_find_button (page, "_Apply"));
  ferry_ui_test_screenshot (GTK_WIDGET (window), "cluster-balanced.png");

  for (guint g = 0; g < 2; g++)
    ferry_test_remove_everywhere (inventory, nodes, 3, wait.names[g]);
}

static void
check_create (FerryApplication *app,
              FerryWindow      *window)
{
  FerryInventory *inventory = ferry_session_get_inventory (ferry_application_get_session (app));
  GListModel *clusters = ferry_session_get_clusters (ferry_application_get_session (app));
  g_autofree char *shared_path = g_build_filename (ferry_test_cluster_dir (), "shared", NULL);
  g_autoptr(FerryCluster) cluster = NULL;
  const FerryClusterConfig *config;
  FerryClusterDialog *dialog;
  GtkWidget *page;

  g_assert_true (ferry_test_wait_until (ferry_ui_test_all_connected, inventory, 30000));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.new-cluster", NULL));
  ferry_ui_test_settle (300);
  dialog = find_dialog ();
  g_assert_nonnull (dialog);

  /* Name and nodes: every connected node is in by default. */
  gtk_editable_set_text (GTK_EDITABLE (find_row (GTK_WIDGET (dialog), "Cluster Name")), "Lab");
  ferry_ui_test_settle (300);
  ferry_ui_test_screenshot (GTK_WIDGET (dialog), "cluster-assistant-nodes.png");
  click (GTK_WIDGET (dialog), "_Next");

  /* Checks, the baseline CPU, the networks. */
  g_assert_cmpstr (ferry_cluster_dialog_get_page (dialog), ==, "checks");
  g_assert_true (ferry_test_wait_until (dialog_checked, dialog, 60000));
  ferry_ui_test_settle (500);
  g_assert_true (has_text (GTK_WIDGET (dialog), "All 3 nodes answer"));
  g_assert_true (has_text (GTK_WIDGET (dialog), "Every node has its own host UUID"));
  g_assert_true (has_text (GTK_WIDGET (dialog), "Clocks agree (within a second)"));
  /* The baseline: a named model with its features, from libvirt. */
  g_assert_true (has_text (GTK_WIDGET (dialog), "extra features"));
  g_assert_true (has_text (GTK_WIDGET (dialog), "Computed by libvirt"));
  ferry_ui_test_screenshot (GTK_WIDGET (dialog), "cluster-assistant-checks.png");
  click (GTK_WIDGET (dialog), "_Next");

  /* Shared storage: the harness's `shared` pool, which every node already
   * has at the same path, is offered (not "local": libvirt's per-host
   * /var/lib/libvirt/images), set up (already there) and verified. */
  g_assert_cmpstr (ferry_cluster_dialog_get_page (dialog), ==, "storage");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (find_row (GTK_WIDGET (dialog), "Pool Name"))), ==, "shared");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (find_row (GTK_WIDGET (dialog), "Path on Every Node"))), ==,
                   shared_path);
  g_assert_true (has_text (GTK_WIDGET (dialog), "Every node has “shared” at"));
  ferry_ui_test_settle (200);
  click (GTK_WIDGET (dialog), "_Set Up on Every Node");
  {
    /* Each node by its address on the test network (the nodes file's
     * fourth column). */
    g_autoptr(GPtrArray) listed = ferry_test_read_cluster_nodes ();
    g_autofree char *there = NULL;
    g_autofree char *verified = NULL;

    g_assert_nonnull (listed);
    g_assert_cmpuint (listed->len, >=, 3);
#define ADDR(i) (((char **) g_ptr_array_index (listed, i))[3])
    there = g_strdup_printf ("%s: already there", ADDR (2));
    verified = g_strdup_printf ("Shared: a file written through %s was seen on %s, %s",
                                ADDR (0), ADDR (1), ADDR (2));
#undef ADDR
    wait_for_text (GTK_WIDGET (dialog), there, 60000);
    click (GTK_WIDGET (dialog), "_Verify");
    wait_for_text (GTK_WIDGET (dialog), verified, 60000);
  }
  ferry_ui_test_settle (300);
  ferry_ui_test_screenshot (GTK_WIDGET (dialog), "cluster-assistant-storage.png");
  click (GTK_WIDGET (dialog), "C_reate");
  g_assert_true (ferry_test_wait_until (dialog_gone, NULL, 5000));

  /* The cluster exists, with the baseline and the verified pool, and its
   * page is on screen. */
  g_assert_cmpuint (g_list_model_get_n_items (clusters), ==, 1);
  cluster = g_list_model_get_item (clusters, 0);
  config = ferry_cluster_get_config (cluster);
  g_assert_cmpstr (config->name, ==, "Lab");
  g_assert_cmpuint (g_strv_length (config->nodes), ==, 3);
  g_assert_nonnull (config->cpu_xml);
  g_assert_cmpstr (config->pool_name, ==, "shared");
  g_assert_cmpstr (config->pool_path, ==, shared_path);

  page = NULL;
  {
    GtkWidget *stack_child = NULL;

    for (GtkWidget *w = GTK_WIDGET (window); w != NULL && stack_child == NULL;)
      {
        /* Depth-first search for the cluster page. */
        GtkWidget *next = gtk_widget_get_first_child (w);

        if (FERRY_IS_CLUSTER_PAGE (w))
          stack_child = w;
        while (next == NULL && w != NULL && w != GTK_WIDGET (window))
          {
            next = gtk_widget_get_next_sibling (w);
            if (next == NULL)
              w = gtk_widget_get_parent (w);
          }
        w = next;
      }
    page = stack_child;
  }
  g_assert_nonnull (page);
  g_assert_true (gtk_widget_get_mapped (page));
  g_assert_true (ferry_cluster_page_get_cluster (FERRY_CLUSTER_PAGE (page)) == cluster);
  g_assert_true (ferry_test_wait_until (page_checked, page, 60000));
  ferry_ui_test_settle (6000);   /* a stats tick for the capacity */
  g_assert_true (has_text (page, "3 of 3 nodes up"));
  g_assert_true (has_text (page, "shared storage “shared”"));
  ferry_ui_test_screenshot (GTK_WIDGET (window), "cluster-overview.png");

  check_balance (app, window, page);
}

static void
test_create (void)
{
  g_auto(GStrv) args = ferry_ui_test_cluster_args ();

  if (!ferry_ui_test_have_cluster ())
    return;
  ferry_ui_test_run_app ((const char * const *) args, check_create);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  /* Ferry notifies when the balancing move ends. */
  ferry_ui_test_serve_notifications ();

  g_test_add_func ("/ui/clusters/create", test_create);
  return g_test_run ();
}
