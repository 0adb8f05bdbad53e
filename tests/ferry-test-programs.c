/* ferry-test-programs.c — a missing program is one clear line, naming its
 * package (build-aux/check-programs.sh reads build-aux/programs.txt), not a
 * timeout deep inside a test.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ferry-test-programs.h"

#include <stdarg.h>

void
ferry_test_require_programs (const char *first,
                             ...)
{
  const char *srcdir = g_getenv ("FERRY_SOURCE_DIR");
  g_autofree char *script = g_build_filename (srcdir ? srcdir : ".", "build-aux", "check-programs.sh", NULL);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status = 0;
  va_list ap;

  g_ptr_array_add (argv, (char *) "bash");
  g_ptr_array_add (argv, script);
  va_start (ap, first);
  for (const char *p = first; p != NULL; p = va_arg (ap, const char *))
    g_ptr_array_add (argv, (char *) p);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                     NULL, NULL, NULL, &err, &status, &error))
    g_error ("cannot run %s: %s", script, error->message);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s", g_strstrip (err));
}
