/* ferry-bench-util.c — CPU readings shared by the benches
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "ferry-bench-util.h"

double
ferry_bench_self_cpu_s (void)
{
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
         ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

double
ferry_bench_proc_cpu_s (int  pid,
                        int *ppid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *stat = NULL;
  g_auto(GStrv) f = NULL;
  const char *paren;
  double ticks = sysconf (_SC_CLK_TCK);

  if (!g_file_get_contents (path, &stat, NULL, NULL))
    return -1;
  /* The command name may hold spaces: fields start after its ')'. */
  paren = strrchr (stat, ')');
  if (paren == NULL)
    return -1;
  f = g_strsplit (paren + 2, " ", -1);
  /* f[0] is field 3 (state): ppid is field 4, utime..cstime 14..17. */
  if (g_strv_length (f) < 16)
    return -1;
  if (ppid != NULL)
    *ppid = atoi (f[1]);
  return (g_ascii_strtod (f[11], NULL) + g_ascii_strtod (f[12], NULL) +
          g_ascii_strtod (f[13], NULL) + g_ascii_strtod (f[14], NULL)) / ticks;
}

double
ferry_bench_tree_cpu_s (int    root,
                        guint *n_procs)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc", 0, NULL);
  g_autoptr(GHashTable) parent_of = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) cpu_of = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  GHashTableIter iter;
  gpointer key, value;
  const char *name;
  double sum = 0;
  guint n = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      int pid = atoi (name), ppid = 0;
      double cpu;

      if (pid <= 0 || (cpu = ferry_bench_proc_cpu_s (pid, &ppid)) < 0)
        continue;
      g_hash_table_insert (parent_of, GINT_TO_POINTER (pid), GINT_TO_POINTER (ppid));
      g_hash_table_insert (cpu_of, GINT_TO_POINTER (pid), g_memdup2 (&cpu, sizeof cpu));
    }
  g_hash_table_iter_init (&iter, cpu_of);
  while (g_hash_table_iter_next (&iter, &key, &value))
    /* Walk up towards init; count it when @root is on the way. */
    for (int p = GPOINTER_TO_INT (key), hops = 0; p > 0 && hops < 64; hops++)
      {
        if (p == root)
          {
            sum += *(double *) value;
            n++;
            break;
          }
        p = GPOINTER_TO_INT (g_hash_table_lookup (parent_of, GINT_TO_POINTER (p)));
      }
  if (n_procs != NULL)
    *n_procs = n;
  return n > 0 ? sum : -1;
}
