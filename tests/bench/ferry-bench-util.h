/* ferry-bench-util.h — CPU readings shared by the benches
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* User + system CPU seconds of this process, all threads. */
double ferry_bench_self_cpu_s (void);
/* utime + stime + cutime + cstime of @pid in seconds (its parent in
 * *ppid when given); < 0 when it is gone. */
double ferry_bench_proc_cpu_s (int    pid,
                               int   *ppid);
/* CPU seconds of @root and every live descendant (their count in
 * *n_procs when given); < 0 when @root is gone. */
double ferry_bench_tree_cpu_s (int    root,
                               guint *n_procs);

G_END_DECLS
