/* test-virt-manager-import.c — reading and sorting virt-manager's connections
 *
 * A copy of virt-manager's schema is compiled into a temporary directory that
 * GSETTINGS_SCHEMA_DIR points at (before GSettings is first used), with the
 * memory backend: the machine's own virt-manager and its user's connections
 * play no part.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ferry-fake-schema.h"
#include "ferry-test-util.h"
#include "ferry-virt-manager-import.h"

static char *tmpdir;

static void
set_virt_manager_uris (const char * const *uris)
{
  g_autoptr(GSettings) settings = g_settings_new (FERRY_VIRT_MANAGER_CONNECTIONS_SCHEMA);

  g_assert_true (g_settings_set_strv (settings, "uris", uris));
}

static FerryImportCandidate *
candidate (GPtrArray *candidates,
           guint      i)
{
  g_assert_cmpuint (i, <, candidates->len);
  return g_ptr_array_index (candidates, i);
}

/* ---------------------------------------------------------------------- */

static void
test_read_saved_uris (void)
{
  const char *saved[] = { "qemu:///system", "qemu+ssh://root@node1.example.com/system", NULL };
  g_auto(GStrv) uris = NULL;

  /* What virt-manager saved, in its order. */
  set_virt_manager_uris (saved);
  g_assert_true (ferry_virt_manager_read_uris (NULL, &uris));
  g_assert_cmpstrv (uris, saved);
  g_clear_pointer (&uris, g_strfreev);

  /* Installed, nothing saved: TRUE and an empty list. */
  set_virt_manager_uris ((const char *[]) { NULL });
  g_assert_true (ferry_virt_manager_read_uris (NULL, &uris));
  g_assert_nonnull (uris);
  g_assert_cmpuint (g_strv_length (uris), ==, 0);
}

static void
test_schema_absent (void)
{
  g_autofree char *dir = g_build_filename (tmpdir, "other", NULL);
  g_autofree char *xml_path = g_build_filename (dir, "org.example.Other.gschema.xml", NULL);
  g_autoptr(GSettingsSchemaSource) source = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) uris = NULL;
  const char *argv[] = { "glib-compile-schemas", "--strict", dir, NULL };
  int status = 0;

  /* A schema source without virt-manager's schema (the usual machine):
   * FALSE, nothing read, no abort in GSettings. */
  g_assert_true (g_mkdir_with_parents (dir, 0700) == 0);
  g_assert_true (g_file_set_contents (xml_path,
                                      "<schemalist><schema id=\"org.example.Other\" path=\"/org/example/other/\">"
                                      "<key name=\"uris\" type=\"as\"><default>[]</default></key>"
                                      "</schema></schemalist>", -1, NULL));
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL,
                               G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                               NULL, NULL, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  source = g_settings_schema_source_new_from_directory (dir, NULL, TRUE, &error);
  g_assert_no_error (error);

  g_assert_false (ferry_virt_manager_read_uris (source, &uris));
  g_assert_null (uris);
}

static void
test_schema_of_another_shape (void)
{
  g_autofree char *dir = g_build_filename (tmpdir, "wrong-type", NULL);
  g_autoptr(GSettingsSchemaSource) source = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) uris = NULL;

  /* A schema of that name whose "uris" is not a string array is not the one
   * Ferry knows: refused, never read as the wrong type. */
  ferry_test_compile_virt_manager_schema (dir, "s");
  source = g_settings_schema_source_new_from_directory (dir, NULL, TRUE, &error);
  g_assert_no_error (error);
  g_assert_false (ferry_virt_manager_read_uris (source, &uris));
  g_assert_null (uris);
}

static void
test_sort_candidates (void)
{
  g_autofree char *node_uri = ferry_test_write_node_file (tmpdir, "imported.xml", "imp", 2, 1,
                                                          "dddddddd-0000-4000-8000-");
  const char *uris[] = {
    "qemu+ssh://root@node1.example.com/system",
    "  qemu:///system  ",                                /* blanks around */
    "",                                                   /* blank entry */
    "qemu+ssh://-oProxyCommand=touch%20/tmp/pwned/system", /* hostile */
    "qemu+ssh://root@node1.example.com/system",           /* repeated */
    "qemu+tls://node2.example.com/system",
    "xen:///system",                                      /* not QEMU */
    node_uri,
    NULL,
  };
  const char *existing[] = { "qemu+tls://node2.example.com/system", NULL };
  g_autoptr(GPtrArray) candidates = ferry_virt_manager_import_candidates (uris, existing);

  g_assert_cmpuint (candidates->len, ==, 6);

  g_assert_cmpstr (candidate (candidates, 0)->uri, ==, "qemu+ssh://root@node1.example.com/system");
  g_assert_cmpint (candidate (candidates, 0)->status, ==, FERRY_IMPORT_STATUS_NEW);
  g_assert_cmpstr (candidate (candidates, 0)->name, ==, "node1.example.com");
  g_assert_null (candidate (candidates, 0)->reason);

  g_assert_cmpstr (candidate (candidates, 1)->uri, ==, "qemu:///system");
  g_assert_cmpint (candidate (candidates, 1)->status, ==, FERRY_IMPORT_STATUS_NEW);

  /* Refused with Ferry's reason, and shown as it was saved. */
  g_assert_cmpint (candidate (candidates, 2)->status, ==, FERRY_IMPORT_STATUS_INVALID);
  g_assert_nonnull (candidate (candidates, 2)->reason);
  g_assert_cmpstr (candidate (candidates, 2)->name, ==, candidate (candidates, 2)->uri);

  g_assert_cmpstr (candidate (candidates, 3)->uri, ==, "qemu+tls://node2.example.com/system");
  g_assert_cmpint (candidate (candidates, 3)->status, ==, FERRY_IMPORT_STATUS_DUPLICATE);
  g_assert_nonnull (candidate (candidates, 3)->reason);

  g_assert_cmpint (candidate (candidates, 4)->status, ==, FERRY_IMPORT_STATUS_INVALID);

  g_assert_cmpstr (candidate (candidates, 5)->uri, ==, node_uri);
  g_assert_cmpint (candidate (candidates, 5)->status, ==, FERRY_IMPORT_STATUS_NEW);

  g_assert_cmpuint (ferry_virt_manager_import_count_new (candidates), ==, 3);
}

static void
test_sort_nothing (void)
{
  g_autoptr(GPtrArray) none = ferry_virt_manager_import_candidates (NULL, NULL);
  g_autoptr(GPtrArray) empty = ferry_virt_manager_import_candidates ((const char *[]) { NULL }, NULL);
  const char *all_there[] = { "qemu:///system", NULL };
  g_autoptr(GPtrArray) known = ferry_virt_manager_import_candidates (all_there, all_there);

  g_assert_cmpuint (none->len, ==, 0);
  g_assert_cmpuint (empty->len, ==, 0);
  g_assert_cmpuint (known->len, ==, 1);
  g_assert_cmpuint (ferry_virt_manager_import_count_new (known), ==, 0);
}

/* From GSettings to candidates, the way the application does it. */
static void
test_read_and_sort (void)
{
  const char *saved[] = { "qemu:///system", "qemu+ssh://admin@host-a/system", "lxc:///", NULL };
  const char *existing[] = { "qemu:///system", NULL };
  g_auto(GStrv) uris = NULL;
  g_autoptr(GPtrArray) candidates = NULL;

  set_virt_manager_uris (saved);
  g_assert_true (ferry_virt_manager_read_uris (NULL, &uris));
  candidates = ferry_virt_manager_import_candidates ((const char * const *) uris, existing);
  g_assert_cmpuint (candidates->len, ==, 3);
  g_assert_cmpint (candidate (candidates, 0)->status, ==, FERRY_IMPORT_STATUS_DUPLICATE);
  g_assert_cmpint (candidate (candidates, 1)->status, ==, FERRY_IMPORT_STATUS_NEW);
  g_assert_cmpint (candidate (candidates, 2)->status, ==, FERRY_IMPORT_STATUS_INVALID);
  g_assert_cmpuint (ferry_virt_manager_import_count_new (candidates), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *schema_dir = NULL;
  int ret;

  tmpdir = g_dir_make_tmp ("ferry-virt-manager-XXXXXX", NULL);
  schema_dir = g_build_filename (tmpdir, "schemas", NULL);
  ferry_test_compile_virt_manager_schema (schema_dir, "as");
  /* Before GSettings is first used: its default schema source is built once. */
  g_setenv ("GSETTINGS_SCHEMA_DIR", schema_dir, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/virt-manager-import/read", test_read_saved_uris);
  g_test_add_func ("/virt-manager-import/schema-absent", test_schema_absent);
  g_test_add_func ("/virt-manager-import/schema-of-another-shape", test_schema_of_another_shape);
  g_test_add_func ("/virt-manager-import/sort", test_sort_candidates);
  g_test_add_func ("/virt-manager-import/sort-nothing", test_sort_nothing);
  g_test_add_func ("/virt-manager-import/read-and-sort", test_read_and_sort);

  ret = g_test_run ();
  ferry_test_remove_tree (tmpdir);
  g_free (tmpdir);
  return ret;
}
