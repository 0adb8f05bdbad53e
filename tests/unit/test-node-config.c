/* test-node-config.c — one saved connection (FerryNodeConfig): new, the
 * boxed copy and free, what it keeps verbatim (it validates nothing), and
 * what an id or a name in Ferry's configuration may be
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ferry-node-config.h"

static void
test_node_config_boxed (void)
{
  g_autoptr(FerryNodeConfig) a = ferry_node_config_new ("qemu:///system", "Here", "");
  g_autoptr(FerryNodeConfig) b = ferry_node_config_new ("qemu:///system", "Here", "10.0.0.1");
  g_autoptr(FerryNodeConfig) copy = g_boxed_copy (FERRY_TYPE_NODE_CONFIG, b);

  g_assert_true (g_uuid_string_is_valid (a->id));
  g_assert_cmpstr (a->id, !=, b->id);
  g_assert_null (a->migration_address);

  g_assert_true (copy != b);
  g_assert_cmpstr (copy->id, ==, b->id);
  g_assert_cmpstr (copy->uri, ==, b->uri);
  g_assert_cmpstr (copy->name, ==, b->name);
  g_assert_cmpstr (copy->migration_address, ==, "10.0.0.1");
}

static void
test_new (void)
{
  g_autoptr(FerryNodeConfig) node = ferry_node_config_new ("qemu+ssh://root@kvm1/system", "kvm1", NULL);
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_assert_cmpstr (node->uri, ==, "qemu+ssh://root@kvm1/system");
  g_assert_cmpstr (node->name, ==, "kvm1");
  g_assert_null (node->migration_address);
  g_assert_false (node->maintenance);
  g_assert_null (node->evacuated);
  /* Its id goes into a group name: valid there, and fresh every time. */
  g_assert_true (ferry_config_id_is_valid (node->id));
  for (guint i = 0; i < 1000; i++)
    {
      g_autoptr(FerryNodeConfig) other = ferry_node_config_new ("test:///default", "t", NULL);

      g_assert_true (g_hash_table_add (ids, g_strdup (other->id)));
    }

  /* Everything NULL: a struct to fill in, not a crash. */
  {
    g_autoptr(FerryNodeConfig) empty = ferry_node_config_new (NULL, NULL, NULL);

    g_assert_null (empty->uri);
    g_assert_null (empty->name);
    g_assert_true (g_uuid_string_is_valid (empty->id));
  }
}

/* Deep: each field is its own, maintenance and the evacuated list too. */
static void
test_copy_deep (void)
{
  g_autoptr(FerryNodeConfig) node = ferry_node_config_new ("test:///default", "t", "192.0.2.1");
  g_autoptr(FerryNodeConfig) copy = NULL;
  g_autoptr(FerryNodeConfig) bare_copy = NULL;
  const char *uuids[] = { "6f1c8f36-0b8e-4a43-9a9e-0d3b7f2f9a01", "6f1c8f36-0b8e-4a43-9a9e-0d3b7f2f9a02", NULL };

  node->maintenance = TRUE;
  node->evacuated = g_strdupv ((char **) uuids);
  copy = ferry_node_config_copy (node);
  g_assert_true (copy->maintenance);
  g_assert_cmpstrv (copy->evacuated, uuids);
  g_assert_true (copy->evacuated != node->evacuated);
  g_assert_true (copy->id != node->id);
  g_assert_true (copy->uri != node->uri);
  g_assert_true (copy->name != node->name);
  g_assert_true (copy->migration_address != node->migration_address);

  /* Changing the original leaves the copy as it was. */
  g_free (node->name);
  node->name = g_strdup ("renamed");
  g_strfreev (node->evacuated);
  node->evacuated = NULL;
  node->maintenance = FALSE;
  g_assert_cmpstr (copy->name, ==, "t");
  g_assert_cmpuint (g_strv_length (copy->evacuated), ==, 2);
  g_assert_true (copy->maintenance);

  /* NULL fields stay NULL. */
  g_clear_pointer (&node->migration_address, g_free);
  bare_copy = ferry_node_config_copy (node);
  g_assert_null (bare_copy->migration_address);
  g_assert_null (bare_copy->evacuated);
  g_assert_false (bare_copy->maintenance);

  ferry_node_config_free (NULL);
  g_boxed_free (FERRY_TYPE_NODE_CONFIG, g_boxed_copy (FERRY_TYPE_NODE_CONFIG, copy));
  g_assert_true (G_TYPE_IS_BOXED (FERRY_TYPE_NODE_CONFIG));
}

/* The struct validates nothing (ferry_config_add_node() does): bad URIs
 * and hostile names are kept byte for byte, for the checks to see. */
static void
test_keeps_verbatim (void)
{
  const char *uris[] = { "", "not a uri", "qemu+ssh://root@host\n[Node evil]\nuri=x/system",
                         "javascript:alert(1)", "qemu:///system?socket=../../etc", "\xff\xfe", NULL };
  const char *names[] = { "", "   padded   ", "line\nbreak", "[Node x]", "a=b", "#comment", "tab\t",
                          "\xe2\x80\xae" "reversed", NULL };

  for (guint i = 0; uris[i] != NULL; i++)
    for (guint j = 0; names[j] != NULL; j++)
      {
        g_autoptr(FerryNodeConfig) node = ferry_node_config_new (uris[i], names[j], " 10.0.0.1 ");
        g_autoptr(FerryNodeConfig) copy = ferry_node_config_copy (node);

        g_assert_cmpstr (node->uri, ==, uris[i]);
        g_assert_cmpstr (node->name, ==, names[j]);
        g_assert_cmpstr (node->migration_address, ==, " 10.0.0.1 ");
        g_assert_cmpstr (copy->uri, ==, uris[i]);
        g_assert_cmpstr (copy->name, ==, names[j]);
      }

  /* Long strings too. */
  {
    g_autofree char *long_text = g_strnfill (1 << 20, 'x');
    g_autoptr(FerryNodeConfig) node = ferry_node_config_new (long_text, long_text, long_text);
    g_autoptr(FerryNodeConfig) copy = ferry_node_config_copy (node);

    g_assert_cmpuint (strlen (copy->uri), ==, 1 << 20);
    g_assert_cmpuint (strlen (copy->name), ==, 1 << 20);
    g_assert_cmpuint (strlen (copy->migration_address), ==, 1 << 20);
  }
}

/* Ids end up in "[Node ID]" lines: letters, digits and '-', 1 to 64. */
static void
test_id_is_valid (void)
{
  g_autofree char *max = g_strnfill (64, 'a');
  g_autofree char *too_long = g_strnfill (65, 'a');
  g_autofree char *uuid = g_uuid_string_random ();
  const char *good[] = { "a", "0", "-", "A-z-9", "0f8fad5b-d9cb-469f-a165-70867728950e",
                         "0F8FAD5B-D9CB-469F-A165-70867728950E", NULL };
  const char *bad[] = { "", " ", "a b", "a]", "[a", "a=b", "a\nb", "a\rb", "a\tb", "a/b", "../a", "a.b",
                        "a_b", "a;b", "a#b", "a\\b", "\xc3\xa9", "a\xff", "a\x01", NULL };

  g_assert_true (ferry_config_id_is_valid (uuid));
  g_assert_true (ferry_config_id_is_valid (max));
  g_assert_false (ferry_config_id_is_valid (too_long));
  g_assert_false (ferry_config_id_is_valid (NULL));
  for (guint i = 0; good[i] != NULL; i++)
    g_assert_true (ferry_config_id_is_valid (good[i]));
  for (guint i = 0; bad[i] != NULL; i++)
    {
      g_autofree char *shown = g_strescape (bad[i], NULL);

      g_test_message ("bad id “%s”", shown);
      g_assert_false (ferry_config_id_is_valid (bad[i]));
    }
}

/* Control characters in (valid UTF-8) text: C0, DEL and C1. */
static void
test_text_has_control_chars (void)
{
  const char *with[] = { "\n", "a\nb", "a\rb", "\t", "bell\a", "esc\x1b[31m", "del\x7f", "nel\xc2\x85",
                         "csi\xc2\x9b", "\x01", NULL };
  const char *without[] = { "", "plain", "[Node x] a=b # ; \\", "\xc3\xa9t\xc3\xa9", "\xe2\x9c\x93",
                            "\xf0\x9f\x96\xa5 emoji", "no\xc2\xa0" "break space", NULL };

  for (guint i = 0; with[i] != NULL; i++)
    {
      g_autofree char *shown = g_strescape (with[i], NULL);

      g_test_message ("with: “%s”", shown);
      g_assert_true (ferry_config_text_has_control_chars (with[i]));
    }
  for (guint i = 0; without[i] != NULL; i++)
    g_assert_false (ferry_config_text_has_control_chars (without[i]));

  /* Line and paragraph separators (U+2028, U+2029) and bidi overrides
   * (U+202E) are not Unicode control characters (Zl, Zp, Cf): the file
   * stays intact (GKeyFile only splits on '\n'), so they are let through. */
  g_assert_false (ferry_config_text_has_control_chars ("a\xe2\x80\xa8" "b"));
  g_assert_false (ferry_config_text_has_control_chars ("a\xe2\x80\xa9" "b"));
  g_assert_false (ferry_config_text_has_control_chars ("\xe2\x80\xae" "abc"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/node-config/boxed", test_node_config_boxed);
  g_test_add_func ("/node-config/new", test_new);
  g_test_add_func ("/node-config/copy-deep", test_copy_deep);
  g_test_add_func ("/node-config/keeps-verbatim", test_keeps_verbatim);
  g_test_add_func ("/node-config/id-is-valid", test_id_is_valid);
  g_test_add_func ("/node-config/text-has-control-chars", test_text_has_control_chars);
  return g_test_run ();
}
