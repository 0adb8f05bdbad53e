/* ferry-test-util.h — helpers shared by Ferry's GTest programs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ferry-core-all.h"
#include "ferry-test-programs.h"

G_BEGIN_DECLS

typedef gboolean (*FerryTestCondition) (gpointer data);

/* Iterates the default main context until @cond holds or @timeout_ms
 * passes; returns whether it held. Never sleeps while work is pending. */
gboolean    ferry_test_wait_until     (FerryTestCondition  cond,
                                       gpointer            data,
                                       guint               timeout_ms);
gboolean    ferry_test_wait_node_state (FerryNode         *node,
                                        FerryNodeState     state,
                                        guint              timeout_ms);
gboolean    ferry_test_wait_vm_state   (FerryVm           *vm,
                                        FerryVmState       state,
                                        guint              timeout_ms);
/* A node that stopped answering: its worker is kept busy until released
 * (at once, or @ms later from the main loop). ferry_test_hold_end()
 * releases it, waits until the held step returned and frees the hold. */
typedef struct _FerryTestHold FerryTestHold;
FerryTestHold *ferry_test_hold_worker        (FerryNode     *node);
void           ferry_test_hold_release_later (FerryTestHold *hold,
                                              guint          ms);
void           ferry_test_hold_end           (FerryTestHold *hold);
/* Waits until what @node's worker has queued so far has run. */
void        ferry_test_drain_worker    (FerryNode         *node);
/* Waits until every other owner (its workers, a step that held it) let
 * go of @node, then drops the last reference and checks it is finalized. */
void        ferry_test_finalize_node   (FerryNode         *node);
/* The same for any object another thread may still hold for a moment
 * (a migration job whose thread is returning, a task's source object). */
void        ferry_test_finalize_object (gpointer           object);
/* Runs an operation and waits for it; returns its error or NULL. */
GError     *ferry_test_run_op          (FerryVm           *vm,
                                        FerryVmOp          op);
GError     *ferry_test_migrate         (FerryVm           *vm,
                                        FerryNode         *destination,
                                        guint              timeout_ms);
/* Writes a libvirt test-driver file with @n domains named PREFIX-0001…;
 * the first @n_running run, the rest are shut off. Returns the test:///
 * URI; the file goes into @dir. */
char       *ferry_test_write_node_file (const char        *dir,
                                        const char        *file_name,
                                        const char        *prefix,
                                        guint              n,
                                        guint              n_running,
                                        const char        *uuid_prefix);

/* Connects a node for @uri in @inventory and waits until it is connected
 * (asserting it gets there). Returns a new reference. */
FerryNode  *ferry_test_add_connected_node (FerryInventory *inventory,
                                           const char     *uri);
/* Writes @xml (a test-driver node file) as @dir/@file_name, then does
 * ferry_test_add_connected_node() on it. */
FerryNode  *ferry_test_add_node_from_xml  (FerryInventory *inventory,
                                           const char     *dir,
                                           const char     *file_name,
                                           const char     *xml);
/* The local cluster's state directory ($FERRY_CLUSTER_DIR or the default). */
const char *ferry_test_cluster_dir        (void);
/* The local cluster's nodes file, one GStrv of columns per node (name,
 * URI, UNIX socket, address on the test network, network namespace), or
 * NULL when it is not up. */
GPtrArray  *ferry_test_read_cluster_nodes (void);
/* Adds and connects the first @n_nodes nodes of the local cluster to
 * @inventory, filling @nodes (and @sockets, when given, with their UNIX
 * sockets). FALSE, with nothing left behind, when the cluster is not up
 * (@error is set when nodes were listed but did not all connect). */
gboolean    ferry_test_connect_cluster    (FerryInventory  *inventory,
                                           FerryNode      **nodes,
                                           char           **sockets,
                                           guint            n_nodes,
                                           GError         **error);
/* Removes a directory the test made (files and one level of subfolders). */
/* TRUE when @connected (the first cluster node) is set; otherwise skips the
 * test, or fails it when FERRY_REQUIRE_CLUSTER=1 (CI). */
gboolean    ferry_test_have_cluster       (gpointer        connected);
/* Runs tests/cluster/cluster with @args (NULL-terminated); g_error()s
 * with its output when it fails. */
void        ferry_test_cluster_script     (const char * const *args);
/* virsh COMMAND NAME [EXTRA] on @node, ignoring the outcome. */
void        ferry_test_virsh_quiet        (FerryNode      *node,
                                           const char     *command,
                                           const char     *name,
                                           const char     *extra);
/* The VM named @name in @node's list, or NULL. */
FerryVm    *ferry_test_find_on            (FerryNode      *node,
                                           const char     *name);
/* Removes the guest @name (and its volumes) from every connected node of
 * @nodes, and waits until @inventory no longer lists it (so that a new
 * guest of that name is not taken for the old one). */
void        ferry_test_remove_everywhere  (FerryInventory *inventory,
                                           FerryNode     **nodes,
                                           guint           n_nodes,
                                           const char     *name);
/* A fresh test guest @name on @nodes[@index] in @pool ("shared", "local"),
 * started (and booted: it heartbeats) when @start. */
FerryVm    *ferry_test_define_guest       (FerryInventory *inventory,
                                           FerryNode     **nodes,
                                           guint           n_nodes,
                                           guint           index,
                                           const char     *name,
                                           const char     *pool,
                                           gboolean        start);
/* The same, with a load for its guest agent (`define-guest --load LOAD`:
 * "cpu", "disk", "screen", "mem:RATE:WSS"). */
FerryVm    *ferry_test_define_loaded_guest (FerryInventory *inventory,
                                            FerryNode     **nodes,
                                            guint           n_nodes,
                                            guint           index,
                                            const char     *name,
                                            const char     *pool,
                                            gboolean        start,
                                            const char     *load);
/* virsh is the independent witness: what libvirt itself says. */
char       *ferry_test_virsh              (FerryNode      *node,
                                           const char     *command,
                                           const char     *arg);
gboolean    ferry_test_virsh_lists        (FerryNode      *node,
                                           const char     *name);
/* The local cluster's guests write heartbeats to serial/NAME.log. */
gsize       ferry_test_serial_size        (const char     *name);
gboolean    ferry_test_serial_grows       (const char     *name,
                                           guint           within_ms);
gboolean    ferry_test_serial_wait_for    (const char     *name,
                                           gsize           offset,
                                           const char     *needle,
                                           guint           within_ms);
gboolean    ferry_test_model_contains     (GListModel     *model,
                                           gpointer        item);
guint       ferry_test_count_named        (FerryInventory *inventory,
                                           const char     *name);
void        ferry_test_remove_tree     (const char        *dir);

G_END_DECLS
