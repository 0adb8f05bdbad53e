/* ferry-fanout.h — one step on several nodes at once, an answer per node
 *
 * The shape of every cluster-wide operation: probe each member, flag each
 * HA VM, take each lease. The step runs on each node's own worker with
 * that node's connection (so a hung node holds up nobody else); the
 * answers, values or errors, come back together on the main thread, in
 * the nodes' order.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <libvirt/libvirt.h>

#include "ferry-node.h"

G_BEGIN_DECLS

/* Runs on @node's worker thread with its connection. @index is the node's
 * place in the list (to find per-node inputs the caller prepared). Returns
 * a value (freed with the fan-out's value_free) or NULL with @error set;
 * NULL without an error is a valid "nothing". */
typedef gpointer (*FerryFanoutFunc) (FerryNode     *node,
                                     virConnectPtr  conn,
                                     guint          index,
                                     gpointer       user_data,
                                     GCancellable  *cancellable,
                                     GError       **error);

typedef struct
{
  FerryNode *node;
  gpointer   value;      /* owned by the result */
  GError    *error;      /* not connected, the step's own, or G_IO_ERROR_TIMED_OUT */

  /*< private >*/
  GDestroyNotify value_free;
} FerryFanoutResult;

/* Runs @func on every node of @nodes (FerryNode) at once. With
 * @timeout_seconds > 0 the fan-out finishes then, whatever is missing
 * answering G_IO_ERROR_TIMED_OUT (its worker goes on; what it returns
 * later is freed). @user_data lives until the last worker is done, then
 * @user_data_free. Fails only when @cancellable is cancelled. */
void       ferry_fanout_run_async  (GPtrArray            *nodes,
                                    guint                 timeout_seconds,
                                    FerryFanoutFunc       func,
                                    gpointer              user_data,
                                    GDestroyNotify        user_data_free,
                                    GDestroyNotify        value_free,
                                    GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              callback_data);
/* A FerryFanoutResult per node, in the order of @nodes (the array frees
 * them, values included). */
GPtrArray *ferry_fanout_run_finish (GAsyncResult         *result,
                                    GError              **error);

G_END_DECLS
