/* ferry-node-private.h — what the core's other classes need of a node
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libvirt/libvirt.h>

#include "ferry-node.h"

G_BEGIN_DECLS

/* Runs @func on one of the node's own worker threads. Each node has its
 * own small pool so that a node that stops answering can tie up only its
 * own threads, never those of the other nodes or of GLib's shared pool. */
void           _ferry_node_run_in_worker     (FerryNode       *self,
                                              GTask           *task,
                                              GTaskThreadFunc  func);

/* A worker step that needs the node's connection: runs on one of the
 * node's workers with a reference to the live connection (closed after
 * it returns), or returns the "not connected" error on @task without
 * calling it. @task's source object is the node. */
typedef void (*FerryNodeConnFunc) (GTask         *task,
                                   FerryNode     *node,
                                   virConnectPtr  conn,
                                   gpointer       task_data,
                                   GCancellable  *cancellable);

void           _ferry_node_run_with_connection (FerryNode         *self,
                                                GTask             *task,
                                                FerryNodeConnFunc  func);

/* A GAsyncReadyCallback for a step on a worker whose boolean result is the
 * whole answer: returns it (or its error) from the outer GTask given as
 * user_data, and drops that reference. */
void           _ferry_task_forward_boolean     (GObject           *source,
                                                GAsyncResult      *result,
                                                gpointer           outer);

/* Worker threads only: a new reference to the live connection. */
virConnectPtr  _ferry_node_dup_connection    (FerryNode       *self,
                                              GError         **error);

/* Worker threads only: the domain @uuid on the node's connection, with a
 * reference to that connection in @conn (close both when done). On error
 * (not connected, no such domain, named @name in the message) returns
 * NULL and leaves *conn NULL. */
virDomainPtr   _ferry_node_lookup_domain     (FerryNode       *self,
                                              const char      *uuid,
                                              const char      *name,
                                              virConnectPtr   *conn,
                                              GError         **error);

/* Any thread but the main one: a new connection to the node for a long
 * job (a migration), with keepalive, closed by the caller. Fails at once
 * when the node is not connected. */
virConnectPtr  _ferry_node_open_private_connection (FerryNode  *self,
                                                    GError    **error);

/* Main thread: ask for a fresh look at one domain (after an operation). */
void           _ferry_node_refresh_domain    (FerryNode       *self,
                                              const char      *uuid);

/* The inventory owns the per-node VM list and counts. */
GListStore    *_ferry_node_get_vm_store      (FerryNode       *self);
void           _ferry_node_update_counts     (FerryNode       *self);

G_END_DECLS
