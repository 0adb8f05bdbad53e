/* test-config.c — the persisted node list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ferry-config.h"
#include "ferry-uri.h"

typedef struct
{
  char *dir;
  char *path;
} Fixture;

static void
remove_tree (const char *path)
{
  GDir *dir;

  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      const char *name;

      g_chmod (path, 0700);
      dir = g_dir_open (path, 0, NULL);
      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          remove_tree (child);
        }
      g_clear_pointer (&dir, g_dir_close);
      g_assert_no_errno (g_rmdir (path));
    }
  else
    {
      g_assert_no_errno (g_unlink (path));
    }
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("ferry-config-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "config.ini", NULL);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
}

static void
write_file (const char *path,
            const char *contents,
            gssize      length)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, length, &error);
  g_assert_no_error (error);
}

static char *
read_file (const char *path,
           gsize      *length)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, length, &error);
  g_assert_no_error (error);
  return contents;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* Sorted names of the files in @dir, as one string: easy to compare. */
static char *
list_dir (const char *path)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);

  return g_strjoinv (" ", (char **) names->pdata);
}

static void
count_changed (FerryConfig *config,
               guint       *count)
{
  (*count)++;
}

static void
add_ok (FerryConfig *config,
        const char  *uri,
        const char  *name,
        const char  *address)
{
  g_autoptr(FerryNodeConfig) node = ferry_node_config_new (uri, name, address);
  g_autoptr(GError) error = NULL;

  g_assert_true (ferry_config_add_node (config, node, &error));
  g_assert_no_error (error);
}

static void
test_default_path (void)
{
  FerryConfig *config = ferry_config_new (NULL);
  g_autofree char *expected = g_build_filename (g_get_user_config_dir (), "ferry", "config.ini",
                                                NULL);

  g_assert_cmpstr (ferry_config_get_path (config), ==, expected);
  g_assert_finalize_object (config);
}

static void
test_missing_file (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "not", "there.ini", NULL);
  FerryConfig *config = ferry_config_new (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) nodes = NULL;
  g_auto(GStrv) warnings = NULL;
  guint changed = 0;

  g_signal_connect (config, "changed", G_CALLBACK (count_changed), &changed);
  g_assert_true (ferry_config_load (config, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changed, ==, 1);

  nodes = ferry_config_dup_nodes (config);
  g_assert_cmpuint (nodes->len, ==, 0);
  g_assert_null (ferry_config_get_recovery_message (config));
  warnings = ferry_config_dup_load_warnings (config);
  g_assert_cmpuint (g_strv_length (warnings), ==, 0);

  /* Loading must not create anything. */
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  /* Saving creates the missing folders, private to the user. */
  add_ok (config, "qemu:///system", "Here", NULL);
  g_assert_true (ferry_config_save (config, &error));
  g_assert_no_error (error);
  {
    g_autofree char *parent = g_path_get_dirname (path);
    GStatBuf st;

    g_assert_no_errno (g_stat (parent, &st));
    g_assert_cmpint (st.st_mode & 0777, ==, 0700);
    g_assert_no_errno (g_stat (path, &st));
    g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  }

  g_assert_finalize_object (config);
}

static const char *odd_names[] = {
  "Rack ]1[ = #5 ; \\ ✓ 🚀",
  "[Node 1234]",
  "#not a comment",
  "Ünïcödé 日本語 עברית",
  "a=b=c",
};

static void
test_round_trip (Fixture       *fixture,
                 gconstpointer  data)
{
  FerryConfig *config = ferry_config_new (fixture->path);
  FerryConfig *reloaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GKeyFile) raw = g_key_file_new ();
  g_auto(GStrv) groups = NULL;

  g_assert_true (ferry_config_load (config, &error));

  add_ok (config, "qemu+ssh://root@node1.example.com/system", odd_names[0], "10.0.0.1");
  add_ok (config, "qemu+tls://[2001:db8::1]:16514/system?no_verify=1&pkipath=/etc/pki/x",
          odd_names[1], "[2001:db8::1]");
  add_ok (config, "qemu+ssh://node3/system?keyfile=/root/.ssh/id&no_tty=1", odd_names[2], NULL);
  add_ok (config, "qemu:///session", odd_names[3], NULL);
  add_ok (config, "test:///default", odd_names[4], "");
  add_ok (config, "qemu:///system", "   padded name   ", NULL);

  g_assert_true (ferry_config_save (config, &error));
  g_assert_no_error (error);

  reloaded = ferry_config_new (fixture->path);
  g_assert_true (ferry_config_load (reloaded, &error));
  g_assert_no_error (error);
  g_assert_null (ferry_config_get_recovery_message (reloaded));

  before = ferry_config_dup_nodes (config);
  after = ferry_config_dup_nodes (reloaded);
  g_assert_cmpuint (after->len, ==, 6);
  g_assert_cmpuint (before->len, ==, after->len);
  for (guint i = 0; i < after->len; i++)
    {
      const FerryNodeConfig *a = g_ptr_array_index (before, i);
      const FerryNodeConfig *b = g_ptr_array_index (after, i);

      g_assert_cmpstr (a->id, ==, b->id);
      g_assert_cmpstr (a->uri, ==, b->uri);
      g_assert_cmpstr (a->name, ==, b->name);
      g_assert_cmpstr (a->migration_address, ==, b->migration_address);
      if (i < G_N_ELEMENTS (odd_names))
        g_assert_cmpstr (b->name, ==, odd_names[i]);
    }
  g_assert_cmpstr (((FerryNodeConfig *) g_ptr_array_index (after, 5))->name, ==, "padded name");
  g_assert_null (((FerryNodeConfig *) g_ptr_array_index (after, 4))->migration_address);

  /* Group names hold generated ids only, never user data. */
  g_assert_true (g_key_file_load_from_file (raw, fixture->path, G_KEY_FILE_NONE, &error));
  g_assert_no_error (error);
  groups = g_key_file_get_groups (raw, NULL);
  g_assert_cmpuint (g_strv_length (groups), ==, 7);
  g_assert_cmpstr (groups[0], ==, "Ferry");
  g_assert_cmpint (g_key_file_get_integer (raw, "Ferry", "version", NULL), ==, 1);
  for (guint i = 1; groups[i] != NULL; i++)
    {
      g_assert_true (g_str_has_prefix (groups[i], "Node "));
      g_assert_true (g_uuid_string_is_valid (groups[i] + strlen ("Node ")));
    }

  g_assert_finalize_object (reloaded);
  g_assert_finalize_object (config);
}

/* Hand-edited files: escaped newlines in names, unknown groups and keys. */
static void
test_round_trip_hand_edited (Fixture       *fixture,
                             gconstpointer  data)
{
  const char *contents =
    "# written by hand\n"
    "[Ferry]\n"
    "version=1\n"
    "future-key=whatever\n"
    "\n"
    "[Node 0f8fad5b-d9cb-469f-a165-70867728950e]\n"
    "uri=qemu+ssh://node1/system\n"
    "name=Line one\\nLine two ]=[ #\\s\n"
    "colour=blue\n"
    "\n"
    "[Cluster prod]\n"
    "nodes=0f8fad5b-d9cb-469f-a165-70867728950e;\n"
    "policy=spread\\nevenly\n";
  FerryConfig *config = ferry_config_new (fixture->path);
  FerryConfig *reloaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) nodes = NULL;
  g_autoptr(GKeyFile) raw = g_key_file_new ();
  g_autofree char *policy = NULL;
  const FerryNodeConfig *node;

  write_file (fixture->path, contents, -1);
  g_assert_true (ferry_config_load (config, &error));
  g_assert_no_error (error);

  nodes = ferry_config_dup_nodes (config);
  g_assert_cmpuint (nodes->len, ==, 1);
  node = g_ptr_array_index (nodes, 0);
  g_assert_cmpstr (node->id, ==, "0f8fad5b-d9cb-469f-a165-70867728950e");
  /* Trimmed, but the inner line break survives. */
  g_assert_cmpstr (node->name, ==, "Line one\nLine two ]=[ #");

  g_assert_true (ferry_config_save (config, &error));
  g_assert_no_error (error);

  reloaded = ferry_config_new (fixture->path);
  g_assert_true (ferry_config_load (reloaded, &error));
  g_clear_pointer (&nodes, g_ptr_array_unref);
  nodes = ferry_config_dup_nodes (reloaded);
  g_assert_cmpuint (nodes->len, ==, 1);
  node = g_ptr_array_index (nodes, 0);
  g_assert_cmpstr (node->name, ==, "Line one\nLine two ]=[ #");

  /* The unknown group survives with its values as they were; unknown keys
   * of known groups do not. */
  g_assert_true (g_key_file_load_from_file (raw, fixture->path, G_KEY_FILE_NONE, &error));
  g_assert_no_error (error);
  policy = g_key_file_get_string (raw, "Cluster prod", "policy", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (policy, ==, "spread\nevenly");
  g_assert_true (g_key_file_has_key (raw, "Cluster prod", "nodes", NULL));
  g_assert_false (g_key_file_has_key (raw, "Ferry", "future-key", NULL));
  g_assert_false (g_key_file_has_key (raw, "Node 0f8fad5b-d9cb-469f-a165-70867728950e",
                                      "colour", NULL));

  g_assert_finalize_object (reloaded);
  g_assert_finalize_object (config);
}

static void
test_atomic_write (Fixture       *fixture,
                   gconstpointer  data)
{
  FerryConfig *config = ferry_config_new (fixture->path);
  g_autoptr(GError) error = NULL;
  g_autofree char *listing = NULL;
  g_autofree char *saved = NULL;
  g_autofree char *after = NULL;

  g_assert_true (ferry_config_load (config, &error));
  add_ok (config, "qemu:///system", "Here", NULL);
  g_assert_true (ferry_config_save (config, &error));
  add_ok (config, "qemu+ssh://node1/system", "One", NULL);
  g_assert_true (ferry_config_save (config, &error));
  g_assert_no_error (error);

  /* The temporary file was renamed over the real one: nothing else left. */
  listing = list_dir (fixture->dir);
  g_assert_cmpstr (listing, ==, "config.ini");
  saved = read_file (fixture->path, NULL);
  g_assert_nonnull (strstr (saved, "qemu+ssh://node1/system"));

  if (geteuid () != 0)
    {
      /* Writing into a read-only folder fails; the old file is untouched. */
      add_ok (config, "qemu+ssh://node2/system", "Two", NULL);
      g_assert_no_errno (g_chmod (fixture->dir, 0500));
      g_assert_false (ferry_config_save (config, &error));
      g_assert_nonnull (error);
      g_test_message ("read-only folder: %s", error->message);
      g_clear_error (&error);
      g_assert_no_errno (g_chmod (fixture->dir, 0700));

      after = read_file (fixture->path, NULL);
      g_assert_cmpstr (after, ==, saved);
      g_clear_pointer (&listing, g_free);
      listing = list_dir (fixture->dir);
      g_assert_cmpstr (listing, ==, "config.ini");
    }
  else
    {
      /* root writes anywhere: make the folder impossible instead. */
      g_autofree char *blocker = g_build_filename (fixture->dir, "blocker", NULL);
      g_autofree char *inside = g_build_filename (blocker, "ferry", "config.ini", NULL);
      FerryConfig *blocked = ferry_config_new (inside);

      write_file (blocker, "precious", -1);
      g_assert_true (ferry_config_load (blocked, &error));
      add_ok (blocked, "qemu:///system", "Here", NULL);
      g_assert_false (ferry_config_save (blocked, &error));
      g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOTDIR);
      g_test_message ("parent is a file: %s", error->message);
      g_clear_error (&error);

      after = read_file (blocker, NULL);
      g_assert_cmpstr (after, ==, "precious");
      g_assert_finalize_object (blocked);

      g_clear_pointer (&listing, g_free);
      listing = list_dir (fixture->dir);
      g_assert_cmpstr (listing, ==, "blocker config.ini");
    }

  g_assert_finalize_object (config);
}

typedef struct
{
  const char *label;
  const char *contents;
  gssize      length;
} CorruptCase;

static const char binary_garbage[] = "\x7f" "ELF\x02\x01\x01\x00\x00\xff\xfe[Ferry]\x00version=1";

static const CorruptCase corrupt_cases[] = {
  { "binary",        binary_garbage, sizeof binary_garbage - 1 },
  { "invalid UTF-8", "[Ferry]\nversion=1\n[Node a]\nuri=qemu:///system\nname=\xc3\x28\xff\n", -1 },
  { "not key file",  "this is not a key file\nat all\n", -1 },
  { "control line",  "[Ferry]\nversion=1\n\x01\x02\x03 junk line\n", -1 },
  { "no Ferry group","[Other]\nx=1\n", -1 },
  { "no version",    "[Ferry]\n[Node a]\nuri=qemu:///system\n", -1 },
  { "bad version",   "[Ferry]\nversion=one\n", -1 },
  { "zero version",  "[Ferry]\nversion=0\n", -1 },
};

static char *
find_broken_file (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  char *found = NULL;

  while ((name = g_dir_read_name (d)) != NULL)
    {
      if (g_str_has_prefix (name, "config.ini.broken-"))
        {
          g_assert_null (found);
          found = g_build_filename (dir, name, NULL);
        }
    }

  return found;
}

static void
test_corrupt_moved_aside (Fixture       *fixture,
                          gconstpointer  data)
{
  for (guint i = 0; i < G_N_ELEMENTS (corrupt_cases); i++)
    {
      const CorruptCase *c = &corrupt_cases[i];
      FerryConfig *config = ferry_config_new (fixture->path);
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) nodes = NULL;
      g_autofree char *broken = NULL;
      g_autofree char *kept = NULL;
      g_autofree char *basename = NULL;
      gsize original_length = c->length < 0 ? strlen (c->contents) : (gsize) c->length;
      gsize kept_length = 0;
      const char *message;

      g_test_message ("corrupt: %s", c->label);
      write_file (fixture->path, c->contents, c->length);

      g_assert_true (ferry_config_load (config, &error));
      g_assert_no_error (error);
      nodes = ferry_config_dup_nodes (config);
      g_assert_cmpuint (nodes->len, ==, 0);

      message = ferry_config_get_recovery_message (config);
      g_assert_nonnull (message);
      g_test_message ("  -> %s", message);
      g_assert_true (g_str_has_prefix (message, "Your saved connections could not be read ("));
      g_assert_true (g_utf8_validate (message, -1, NULL));
      g_assert_null (strchr (message, '\n'));

      /* The bytes are kept, byte for byte, where the message says. */
      g_assert_false (g_file_test (fixture->path, G_FILE_TEST_EXISTS));
      broken = find_broken_file (fixture->dir);
      g_assert_nonnull (broken);
      basename = g_path_get_basename (broken);
      g_assert_nonnull (strstr (message, basename));
      kept = read_file (broken, &kept_length);
      g_assert_cmpmem (kept, kept_length, c->contents, original_length);

      /* Ferry goes on: the next save writes a fresh, readable file. */
      add_ok (config, "qemu:///system", "Here", NULL);
      g_assert_true (ferry_config_save (config, &error));
      g_assert_no_error (error);

      g_assert_no_errno (g_unlink (broken));
      g_assert_no_errno (g_unlink (fixture->path));
      g_assert_finalize_object (config);
    }
}

/* Needs permissions that root ignores. */
static void
test_unreadable_and_stuck (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *broken = NULL;
  g_autofree char *after = NULL;
  FerryConfig *config;

  if (geteuid () == 0)
    {
      g_test_skip ("root can read and rename anything");
      return;
    }

  /* A file we may not read is moved aside like a corrupt one. */
  write_file (fixture->path, "[Ferry]\nversion=1\n", -1);
  g_assert_no_errno (g_chmod (fixture->path, 0));
  config = ferry_config_new (fixture->path);
  g_assert_true (ferry_config_load (config, &error));
  g_assert_no_error (error);
  g_assert_nonnull (ferry_config_get_recovery_message (config));
  broken = find_broken_file (fixture->dir);
  g_assert_nonnull (broken);
  g_assert_no_errno (g_unlink (broken));
  g_assert_finalize_object (config);

  /* A corrupt file that cannot be moved aside: load fails, and saving
   * refuses to replace what the administrator may still want back. */
  write_file (fixture->path, "garbage\n", -1);
  g_assert_no_errno (g_chmod (fixture->dir, 0500));
  config = ferry_config_new (fixture->path);
  g_assert_false (ferry_config_load (config, &error));
  g_assert_error (error, FERRY_CONFIG_ERROR, FERRY_CONFIG_ERROR_READ_ONLY);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  g_assert_no_errno (g_chmod (fixture->dir, 0700));

  add_ok (config, "qemu:///system", "Here", NULL);
  g_assert_false (ferry_config_save (config, &error));
  g_assert_error (error, FERRY_CONFIG_ERROR, FERRY_CONFIG_ERROR_READ_ONLY);
  after = read_file (fixture->path, NULL);
  g_assert_cmpstr (after, ==, "garbage\n");

  g_assert_finalize_object (config);
}

static void
test_corrupt_twice_same_second (Fixture       *fixture,
                                gconstpointer  data)
{
  FerryConfig *config = ferry_config_new (fixture->path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  guint broken = 0;

  /* Far quicker than a second apart: the second must not replace the first. */
  for (guint i = 0; i < 3; i++)
    {
      write_file (fixture->path, "garbage\n", -1);
      g_assert_true (ferry_config_load (config, &error));
      g_assert_no_error (error);
    }

  dir = g_dir_open (fixture->dir, 0, NULL);
  while (g_dir_read_name (dir) != NULL)
    broken++;
  g_assert_cmpuint (broken, ==, 3);

  g_assert_finalize_object (config);
}

/* The worker thread drops its reference to the GTask (and so to the
 * source object) a moment after the callback may already have run. */
static void
wait_for_last_reference (gpointer object)
{
  while (g_atomic_int_get (&G_OBJECT (object)->ref_count) > 1)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static void
on_save_expect_error (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  GMainLoop *loop = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_false (ferry_config_save_finish (FERRY_CONFIG (object), result, &error));
  g_assert_error (error, FERRY_CONFIG_ERROR, FERRY_CONFIG_ERROR_NEWER_VERSION);
  g_main_loop_quit (loop);
}

static void
test_newer_version (Fixture       *fixture,
                    gconstpointer  data)
{
  const char *contents =
    "[Ferry]\nversion=2\n\n[Node a]\nuri=qemu+ssh://node1/system\nname=One\n"
    "[Something new]\nshape=round\n";
  FerryConfig *config = ferry_config_new (fixture->path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GPtrArray) nodes = NULL;
  g_autofree char *after = NULL;
  g_autofree char *listing = NULL;

  write_file (fixture->path, contents, -1);

  g_assert_false (ferry_config_load (config, &error));
  g_assert_error (error, FERRY_CONFIG_ERROR, FERRY_CONFIG_ERROR_NEWER_VERSION);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "newer Ferry"));
  g_clear_error (&error);
  g_assert_null (ferry_config_get_recovery_message (config));
  nodes = ferry_config_dup_nodes (config);
  g_assert_cmpuint (nodes->len, ==, 0);

  /* Neither a sync nor an async save may overwrite it. */
  add_ok (config, "qemu:///system", "Here", NULL);
  g_assert_false (ferry_config_save (config, &error));
  g_assert_error (error, FERRY_CONFIG_ERROR, FERRY_CONFIG_ERROR_NEWER_VERSION);
  ferry_config_save_async (config, NULL, on_save_expect_error, loop);
  g_main_loop_run (loop);

  after = read_file (fixture->path, NULL);
  g_assert_cmpstr (after, ==, contents);
  listing = list_dir (fixture->dir);
  g_assert_cmpstr (listing, ==, "config.ini");

  wait_for_last_reference (config);
  g_assert_finalize_object (config);
}

static void
test_invalid_entries_skipped (Fixture       *fixture,
                              gconstpointer  data)
{
  const char *contents =
    "[Ferry]\n"
    "version=1\n"
    "[Node 11111111-1111-4111-8111-111111111111]\n"
    "uri=qemu+ssh://node1/system\n"
    "name=One\n"
    "[Node 22222222-2222-4222-8222-222222222222]\n"
    "name=No URI\n"
    "[Node 33333333-3333-4333-8333-333333333333]\n"
    "uri=qemu+ext:///system?command=/bin/sh\n"
    "name=Hostile\n"
    "[Node 44444444-4444-4444-8444-444444444444]\n"
    "uri=qemu+ssh://node1/system\n"
    "name=Same as One\n"
    "[Node 55555555-5555-4555-8555-555555555555]\n"
    "uri=qemu+ssh://node5/system\n"
    "name=Bad address\n"
    "migration-address=node5:49152\n"
    "[Node bad id! ok]\n"
    "uri=qemu+ssh://node6/system\n"
    "name=Bad id\n"
    "[Node 77777777-7777-4777-8777-777777777777]\n"
    "uri=qemu+ssh://node7:2222/system\n"
    "name=   \n";
  FerryConfig *config = ferry_config_new (fixture->path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) nodes = NULL;
  g_autoptr(GKeyFile) raw = g_key_file_new ();
  g_auto(GStrv) warnings = NULL;
  const FerryNodeConfig *node;

  write_file (fixture->path, contents, -1);
  g_assert_true (ferry_config_load (config, &error));
  g_assert_no_error (error);
  g_assert_null (ferry_config_get_recovery_message (config));

  warnings = ferry_config_dup_load_warnings (config);
  for (guint i = 0; warnings[i] != NULL; i++)
    g_test_message ("warning: %s", warnings[i]);
  g_assert_cmpuint (g_strv_length (warnings), ==, 4);
  g_assert_nonnull (strstr (warnings[0], "no readable URI"));
  g_assert_nonnull (strstr (warnings[1], "Hostile"));
  g_assert_nonnull (strstr (warnings[1], "arbitrary command"));
  g_assert_nonnull (strstr (warnings[2], "Same as One"));
  g_assert_nonnull (strstr (warnings[3], "migration address of “Bad address”"));

  nodes = ferry_config_dup_nodes (config);
  g_assert_cmpuint (nodes->len, ==, 4);
  node = g_ptr_array_index (nodes, 0);
  g_assert_cmpstr (node->name, ==, "One");
  node = g_ptr_array_index (nodes, 1);
  g_assert_cmpstr (node->name, ==, "Bad address");
  g_assert_null (node->migration_address);
  node = g_ptr_array_index (nodes, 2);
  g_assert_cmpstr (node->name, ==, "Bad id");
  g_assert_true (g_uuid_string_is_valid (node->id));
  node = g_ptr_array_index (nodes, 3);
  g_assert_cmpstr (node->name, ==, "node7:2222");

  /* Skipped entries are written back untouched rather than lost. */
  g_assert_true (ferry_config_save (config, &error));
  g_assert_no_error (error);
  g_assert_true (g_key_file_load_from_file (raw, fixture->path, G_KEY_FILE_NONE, &error));
  g_assert_true (g_key_file_has_group (raw, "Node 33333333-3333-4333-8333-333333333333"));
  g_assert_true (g_key_file_has_group (raw, "Node 22222222-2222-4222-8222-222222222222"));
  g_assert_false (g_key_file_has_group (raw, "Node bad id! ok"));

  g_assert_finalize_object (config);
}

static void
test_validation (Fixture       *fixture,
                 gconstpointer  data)
{
  FerryConfig *config = ferry_config_new (fixture->path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) nodes = NULL;
  g_autoptr(FerryNodeConfig) node = NULL;
  g_autoptr(GString) long_name = g_string_new (NULL);
  guint changed = 0;

  add_ok (config, "qemu+ssh://node1/system", "One", NULL);
  add_ok (config, "qemu+ssh://node2/system", "Two", NULL);
  g_signal_connect (config, "changed", G_CALLBACK (count_changed), &changed);

  node = ferry_node_config_new ("qemu+ssh://-oProxyCommand=x/system", "Evil", NULL);
  g_assert_false (ferry_config_add_node (config, node, &error));
  g_assert_error (error, FERRY_URI_ERROR, FERRY_URI_ERROR_HOST);
  g_clear_error (&error);
  g_clear_pointer (&node, ferry_node_config_free);

  node = ferry_node_config_new ("qemu+ssh://node1/system", "Again", NULL);
  g_assert_false (ferry_config_add_node (config, node, &error));
  g_assert_error (error, FERRY_CONFIG_ERROR, FERRY_CONFIG_ERROR_DUPLICATE_URI);
  g_assert_nonnull (strstr (error->message, "“One”"));
  g_clear_error (&error);
  g_clear_pointer (&node, ferry_node_config_free);

  {
    const char *bad_names[] = { NULL, "", "   \t ", "two\nlines", "tab\there", "bell\a" };

    for (guint i = 0; i < G_N_ELEMENTS (bad_names); i++)
      {
        node = ferry_node_config_new ("qemu+ssh://node3/system", bad_names[i], NULL);
        g_assert_false (ferry_config_add_node (config, node, &error));
        g_assert_error (error, FERRY_CONFIG_ERROR, FERRY_CONFIG_ERROR_INVALID_NAME);
        g_clear_error (&error);
        g_clear_pointer (&node, ferry_node_config_free);
      }
  }

  /* The limit counts characters, not bytes. */
  for (guint i = 0; i < 128; i++)
    g_string_append (long_name, "é");
  node = ferry_node_config_new ("qemu+ssh://node3/system", long_name->str, NULL);
  g_assert_true (ferry_config_add_node (config, node, &error));
  g_assert_no_error (error);
  g_clear_pointer (&node, ferry_node_config_free);
  g_string_append (long_name, "é");
  node = ferry_node_config_new ("qemu+ssh://node4/system", long_name->str, NULL);
  g_assert_false (ferry_config_add_node (config, node, &error));
  g_assert_error (error, FERRY_CONFIG_ERROR, FERRY_CONFIG_ERROR_INVALID_NAME);
  g_clear_error (&error);
  g_clear_pointer (&node, ferry_node_config_free);

  node = ferry_node_config_new ("qemu+ssh://node4/system", "Four", "node4:49152");
  g_assert_false (ferry_config_add_node (config, node, &error));
  g_assert_error (error, FERRY_URI_ERROR, FERRY_URI_ERROR_HOST);
  g_clear_error (&error);
  g_clear_pointer (&node, ferry_node_config_free);

  g_assert_cmpuint (changed, ==, 1);   /* only the 128-character name */

  /* Update: by id, same checks, its own URI is not a duplicate. */
  nodes = ferry_config_dup_nodes (config);
  node = ferry_node_config_copy (g_ptr_array_index (nodes, 1));
  g_free (node->name);
  node->name = g_strdup ("  Two, renamed ");
  g_assert_true (ferry_config_update_node (config, node, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changed, ==, 2);

  g_free (node->uri);
  node->uri = g_strdup ("qemu+ssh://node1/system");
  g_assert_false (ferry_config_update_node (config, node, &error));
  g_assert_error (error, FERRY_CONFIG_ERROR, FERRY_CONFIG_ERROR_DUPLICATE_URI);
  g_clear_error (&error);

  g_free (node->id);
  node->id = g_uuid_string_random ();
  g_assert_false (ferry_config_update_node (config, node, &error));
  g_assert_error (error, FERRY_CONFIG_ERROR, FERRY_CONFIG_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpuint (changed, ==, 2);

  g_clear_pointer (&nodes, g_ptr_array_unref);
  nodes = ferry_config_dup_nodes (config);
  g_assert_cmpuint (nodes->len, ==, 3);
  g_assert_cmpstr (((FerryNodeConfig *) g_ptr_array_index (nodes, 1))->name, ==, "Two, renamed");
  g_assert_cmpstr (((FerryNodeConfig *) g_ptr_array_index (nodes, 1))->uri, ==,
                   "qemu+ssh://node2/system");

  /* The returned array is a copy: changing it changes nothing. */
  g_free (((FerryNodeConfig *) g_ptr_array_index (nodes, 0))->name);
  ((FerryNodeConfig *) g_ptr_array_index (nodes, 0))->name = g_strdup ("Hacked");
  g_clear_pointer (&nodes, g_ptr_array_unref);
  nodes = ferry_config_dup_nodes (config);
  g_assert_cmpstr (((FerryNodeConfig *) g_ptr_array_index (nodes, 0))->name, ==, "One");

  /* Remove. */
  g_assert_false (ferry_config_remove_node (config, "no-such-id"));
  g_assert_false (ferry_config_remove_node (config, NULL));
  g_assert_cmpuint (changed, ==, 2);
  g_assert_true (ferry_config_remove_node (config,
                                           ((FerryNodeConfig *) g_ptr_array_index (nodes, 0))->id));
  g_assert_cmpuint (changed, ==, 3);
  g_clear_pointer (&nodes, g_ptr_array_unref);
  nodes = ferry_config_dup_nodes (config);
  g_assert_cmpuint (nodes->len, ==, 2);
  g_assert_cmpstr (((FerryNodeConfig *) g_ptr_array_index (nodes, 0))->name, ==, "Two, renamed");

  /* A freed node URI can be added again; a taken id is replaced. */
  {
    g_autoptr(FerryNodeConfig) same_id = ferry_node_config_new ("qemu+ssh://node1/system", "One",
                                                                NULL);
    g_autoptr(GPtrArray) now = NULL;

    g_free (same_id->id);
    same_id->id = g_strdup (((FerryNodeConfig *) g_ptr_array_index (nodes, 0))->id);
    g_assert_true (ferry_config_add_node (config, same_id, &error));
    g_assert_no_error (error);
    now = ferry_config_dup_nodes (config);
    g_assert_cmpstr (((FerryNodeConfig *) g_ptr_array_index (now, 2))->id, !=, same_id->id);
  }

  g_assert_finalize_object (config);
}

static void
on_saved (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  guint *pending = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (ferry_config_save_finish (FERRY_CONFIG (object), result, &error));
  g_assert_no_error (error);
  (*pending)--;
}

static void
test_save_async (Fixture       *fixture,
                 gconstpointer  data)
{
  FerryConfig *config = ferry_config_new (fixture->path);
  FerryConfig *reloaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) nodes = NULL;
  g_autofree char *listing = NULL;
  guint pending = 0;

  g_assert_true (ferry_config_load (config, &error));

  /* Several saves in flight: whatever order the threads run in, the file
   * must end up with the last snapshot. */
  for (guint i = 0; i < 8; i++)
    {
      g_autofree char *uri = g_strdup_printf ("qemu+ssh://node%u/system", i);
      g_autofree char *name = g_strdup_printf ("Node %u", i);

      add_ok (config, uri, name, NULL);
      pending++;
      ferry_config_save_async (config, NULL, on_saved, &pending);
    }

  /* The snapshot was taken at the call: this change is not saved. */
  add_ok (config, "qemu:///system", "Unsaved", NULL);

  while (pending > 0)
    g_main_context_iteration (NULL, TRUE);

  reloaded = ferry_config_new (fixture->path);
  g_assert_true (ferry_config_load (reloaded, &error));
  g_assert_no_error (error);
  nodes = ferry_config_dup_nodes (reloaded);
  g_assert_cmpuint (nodes->len, ==, 8);
  g_assert_cmpstr (((FerryNodeConfig *) g_ptr_array_index (nodes, 7))->name, ==, "Node 7");

  listing = list_dir (fixture->dir);
  g_assert_cmpstr (listing, ==, "config.ini");

  wait_for_last_reference (config);
  g_assert_finalize_object (reloaded);
  g_assert_finalize_object (config);
}

static void
test_changed_signal (Fixture       *fixture,
                     gconstpointer  data)
{
  FerryConfig *config = ferry_config_new (fixture->path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) nodes = NULL;
  g_autoptr(FerryNodeConfig) node = NULL;
  guint changed = 0;

  g_signal_connect (config, "changed", G_CALLBACK (count_changed), &changed);

  g_assert_true (ferry_config_load (config, &error));
  g_assert_cmpuint (changed, ==, 1);

  add_ok (config, "qemu:///system", "Here", NULL);
  g_assert_cmpuint (changed, ==, 2);

  nodes = ferry_config_dup_nodes (config);
  node = ferry_node_config_copy (g_ptr_array_index (nodes, 0));
  g_free (node->name);
  node->name = g_strdup ("There");
  g_assert_true (ferry_config_update_node (config, node, &error));
  g_assert_cmpuint (changed, ==, 3);

  /* Saving changes nothing that a view shows. */
  g_assert_true (ferry_config_save (config, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changed, ==, 3);

  g_assert_true (ferry_config_remove_node (config, node->id));
  g_assert_cmpuint (changed, ==, 4);

  g_assert_true (ferry_config_load (config, &error));
  g_assert_cmpuint (changed, ==, 5);
  g_clear_pointer (&nodes, g_ptr_array_unref);
  nodes = ferry_config_dup_nodes (config);
  g_assert_cmpuint (nodes->len, ==, 1);
  g_assert_cmpstr (((FerryNodeConfig *) g_ptr_array_index (nodes, 0))->name, ==, "There");

  g_assert_finalize_object (config);
}

int
main (int   argc,
      char *argv[])
{
  /* No G_TEST_OPTION_ISOLATE_DIRS: every test works in its own temporary
   * folder and only default-path looks at (never writes) the user's, and
   * g_set_user_dirs() leaks on purpose, which LeakSanitizer reports. */
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/ferry/config/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  g_test_add_func ("/ferry/config/default-path", test_default_path);
  ADD ("missing-file", test_missing_file);
  ADD ("round-trip", test_round_trip);
  ADD ("round-trip-hand-edited", test_round_trip_hand_edited);
  ADD ("atomic-write", test_atomic_write);
  ADD ("corrupt-moved-aside", test_corrupt_moved_aside);
  ADD ("corrupt-twice-same-second", test_corrupt_twice_same_second);
  ADD ("unreadable-and-stuck", test_unreadable_and_stuck);
  ADD ("newer-version", test_newer_version);
  ADD ("invalid-entries-skipped", test_invalid_entries_skipped);
  ADD ("validation", test_validation);
  ADD ("save-async", test_save_async);
  ADD ("changed-signal", test_changed_signal);

#undef ADD

  return g_test_run ();
}
