/* ferry-fake-schema.c — a stand-in for virt-manager's GSettings schema
 *
 * Tests must not depend on virt-manager being installed (nor see the
 * connections of the machine's user), so they compile their own copy of its
 * schema and read it with the memory backend.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>

#include "ferry-fake-schema.h"

void
ferry_test_compile_virt_manager_schema (const char *dir,
                                        const char *uris_type)
{
  g_autofree char *xml = NULL;
  g_autofree char *path = g_build_filename (dir, "org.virt-manager.virt-manager.gschema.xml", NULL);
  g_autofree char *compiler = g_find_program_in_path ("glib-compile-schemas");
  g_autofree char *targetdir = g_strdup_printf ("--targetdir=%s", dir);
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_assert_nonnull (compiler);
  xml = g_strdup_printf ("<schemalist>\n"
                         "  <schema id=\"org.virt-manager.virt-manager.connections\"\n"
                         "          path=\"/org/virt-manager/virt-manager/connections/\">\n"
                         "    <key name=\"uris\" type=\"%s\"><default>%s</default></key>\n"
                         "    <key name=\"autoconnect\" type=\"as\"><default>[]</default></key>\n"
                         "  </schema>\n"
                         "</schemalist>\n",
                         uris_type, g_str_equal (uris_type, "as") ? "[]" : "''");
  g_assert_true (g_mkdir_with_parents (dir, 0700) == 0);
  g_assert_true (g_file_set_contents (path, xml, -1, NULL));
  {
    const char *argv[] = { compiler, "--strict", targetdir, dir, NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL,
                                 NULL, NULL, NULL, &err, &status, &error));
  }
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("glib-compile-schemas failed: %s", err);
}
