/* ferry-cluster-ops-private.h — what the cluster operations' files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ferry-cluster-ops.h"
#include "ferry-fanout.h"

G_BEGIN_DECLS

/* libvirt's name of @virttype ("qemu", "kvm"). */
const char *_ferry_cluster_virttype_name      (FerryVirttype            virttype);
/* What a node that gave no value says: its step's error, or @late when
 * it timed out (the fan-out's G_IO_ERROR_TIMED_OUT; the steps fail with
 * FERRY_LIBVIRT_ERROR only). */
const char *_ferry_cluster_unanswered_message (const FerryFanoutResult *result,
                                               const char              *late);

/* For g_ptr_array_sort() over an array of strings. */
gint        _ferry_cluster_compare_strings    (gconstpointer            a,
                                               gconstpointer            b);

G_END_DECLS
