/* test-cluster-config.c — a cluster as it is saved and exchanged
 * (FerryClusterConfig): the boxed copy, members, validation, its
 * [Cluster ID] key-file group (hostile values, unknown keys, missing
 * fields), keep-apart groups, and the exchange file (export, import
 * refusing bad input, resolving onto known connections)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "ferry-cluster-config.h"
#include "ferry-config.h"
#include "ferry-core.h"
#include "ferry-test-util.h"

static const char *cpu_a =
  "<cpu mode='custom' match='exact'>\n  <model fallback='forbid'>EPYC</model>\n  <vendor>AMD</vendor>\n"
  "  <feature policy='require' name='acpi'/>\n  <feature policy='disable' name='vme'/>\n</cpu>";

static const char *id_1 = "0f8fad5b-d9cb-469f-a165-70867728950e";
static const char *id_2 = "7c9e6679-7425-40de-944b-e07fc1f90ae7";

static char *
temp_path (const char *name)
{
  g_autofree char *dir = g_dir_make_tmp ("ferry-cluster-XXXXXX", NULL);

  return g_build_filename (dir, name, NULL);
}

static void
remove_path (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_config_roundtrip (void)
{
  g_autofree char *path = temp_path ("config.ini");
  g_autoptr(FerryConfig) config = ferry_config_new (path);
  g_autoptr(FerryConfig) again = ferry_config_new (path);
  g_autoptr(FerryNodeConfig) n1 = ferry_node_config_new ("qemu+tcp://127.0.0.1:16501/system", "node1", NULL);
  g_autoptr(FerryNodeConfig) n2 = ferry_node_config_new ("qemu+tcp://127.0.0.1:16502/system", "node2", "127.0.0.1");
  g_autoptr(FerryClusterConfig) cluster = ferry_cluster_config_new ("  Rack 1  ");
  g_autoptr(FerryClusterConfig) stray = ferry_cluster_config_new ("Stray");
  g_autoptr(GPtrArray) clusters = NULL;
  g_autoptr(GError) error = NULL;
  const FerryClusterConfig *read;

  g_assert_true (ferry_config_add_node (config, n1, &error));
  g_assert_true (ferry_config_add_node (config, n2, &error));
  ferry_cluster_config_add_node (cluster, n1->id);
  ferry_cluster_config_add_node (cluster, n2->id);
  ferry_cluster_config_add_node (cluster, n2->id);   /* no duplicates */
  g_assert_cmpuint (g_strv_length (cluster->nodes), ==, 2);
  cluster->cpu_xml = g_strdup (cpu_a);
  cluster->pool_name = g_strdup ("shared");
  cluster->pool_path = g_strdup ("/var/tmp/ferry-cluster/shared");
  g_assert_true (ferry_config_add_cluster (config, cluster, &error));
  g_assert_no_error (error);

  /* Members must be saved nodes. */
  ferry_cluster_config_add_node (stray, "0f8fad5b-d9cb-469f-a165-70867728950e");
  g_assert_false (ferry_config_add_cluster (config, stray, &error));
  g_assert_error (error, FERRY_CONFIG_ERROR, FERRY_CONFIG_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (ferry_config_save (config, &error));
  g_assert_true (ferry_config_load (again, &error));
  clusters = ferry_config_dup_clusters (again);
  g_assert_cmpuint (clusters->len, ==, 1);
  read = g_ptr_array_index (clusters, 0);
  g_assert_cmpstr (read->id, ==, cluster->id);
  g_assert_cmpstr (read->name, ==, "Rack 1");
  g_assert_cmpstr (read->cpu_xml, ==, cpu_a);
  g_assert_cmpstr (read->pool_path, ==, "/var/tmp/ferry-cluster/shared");
  g_assert_cmpuint (g_strv_length (read->nodes), ==, 2);

  /* A removed connection leaves the cluster; deleting the cluster keeps nodes. */
  g_assert_true (ferry_config_remove_node (again, n1->id));
  g_clear_pointer (&clusters, g_ptr_array_unref);
  clusters = ferry_config_dup_clusters (again);
  g_assert_cmpuint (g_strv_length (((FerryClusterConfig *) g_ptr_array_index (clusters, 0))->nodes), ==, 1);
  g_assert_true (ferry_config_remove_cluster (again, cluster->id));
  g_clear_pointer (&clusters, g_ptr_array_unref);
  clusters = ferry_config_dup_clusters (again);
  g_assert_cmpuint (clusters->len, ==, 0);
  {
    g_autoptr(GPtrArray) nodes = ferry_config_dup_nodes (again);
    g_assert_cmpuint (nodes->len, ==, 1);
  }
  remove_path (path);
}

static void
test_config_bad_cluster_preserved (void)
{
  g_autofree char *path = temp_path ("config.ini");
  g_autoptr(FerryConfig) config = ferry_config_new (path);
  g_autoptr(GPtrArray) clusters = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) warnings = NULL;
  g_autofree char *saved = NULL;
  const char *text =
    "[Ferry]\nversion=1\n\n"
    "[Cluster a]\nname=Good\nnodes=\n\n"
    "[Cluster b]\nname=Bad CPU\ncpu=<domain/>\n\n"
    "[Cluster c]\nname=Bad path\nshared-pool=x\nshared-pool-path=../etc\n";

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  g_assert_true (ferry_config_load (config, &error));
  clusters = ferry_config_dup_clusters (config);
  g_assert_cmpuint (clusters->len, ==, 1);
  warnings = ferry_config_dup_load_warnings (config);
  g_assert_cmpuint (g_strv_length (warnings), ==, 2);
  /* What we could not read is written back, not destroyed. */
  g_assert_true (ferry_config_save (config, &error));
  g_assert_true (g_file_get_contents (path, &saved, NULL, NULL));
  g_assert_nonnull (strstr (saved, "[Cluster b]"));
  g_assert_nonnull (strstr (saved, "[Cluster c]"));
  remove_path (path);
}

static void
test_export_import (void)
{
  g_autoptr(FerryClusterConfig) cluster = ferry_cluster_config_new ("Rack 1");
  g_autoptr(GPtrArray) nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) ferry_node_config_free);
  g_autoptr(GPtrArray) existing = g_ptr_array_new_with_free_func ((GDestroyNotify) ferry_node_config_free);
  g_autoptr(FerryClusterConfig) imported = NULL;
  g_autoptr(FerryClusterConfig) resolved = NULL;
  g_autoptr(GPtrArray) imported_nodes = NULL;
  g_autoptr(GPtrArray) to_add = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  FerryNodeConfig *known;
  gsize length;

  g_ptr_array_add (nodes, ferry_node_config_new ("qemu+tcp://127.0.0.1:16501/system", "node1", NULL));
  g_ptr_array_add (nodes, ferry_node_config_new ("qemu+tcp://127.0.0.1:16502/system", "node2\nx", "127.0.0.2"));
  cluster->cpu_xml = g_strdup (cpu_a);
  data = ferry_cluster_export (cluster, nodes, &length);
  /* GKeyFile escapes the line break: an invalid name is refused, not split. */
  g_assert_false (ferry_cluster_import_parse (data, length, &imported, &imported_nodes, &error));
  g_assert_error (error, FERRY_CLUSTER_ERROR, FERRY_CLUSTER_ERROR_INVALID);
  g_clear_error (&error);
  g_clear_pointer (&data, g_free);

  g_free (((FerryNodeConfig *) g_ptr_array_index (nodes, 1))->name);
  ((FerryNodeConfig *) g_ptr_array_index (nodes, 1))->name = g_strdup ("node2");
  data = ferry_cluster_export (cluster, nodes, &length);
  g_assert_true (ferry_cluster_import_parse (data, length, &imported, &imported_nodes, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (imported->name, ==, "Rack 1");
  g_assert_cmpstr (imported->id, !=, cluster->id);
  g_assert_cmpstr (imported->cpu_xml, ==, cpu_a);
  g_assert_cmpuint (imported_nodes->len, ==, 2);
  g_assert_cmpstr (((FerryNodeConfig *) g_ptr_array_index (imported_nodes, 1))->migration_address, ==, "127.0.0.2");

  /* node1 is known here under another id: only node2 is added. */
  known = ferry_node_config_new ("qemu+tcp://127.0.0.1:16501/system", "mine", NULL);
  g_ptr_array_add (existing, known);
  resolved = ferry_cluster_import_resolve (imported, imported_nodes, existing, &to_add);
  g_assert_cmpuint (to_add->len, ==, 1);
  g_assert_cmpstr (resolved->nodes[0], ==, known->id);
  g_assert_cmpstr (resolved->nodes[1], ==, ((FerryNodeConfig *) g_ptr_array_index (to_add, 0))->id);
}

static void
test_import_refused (void)
{
  const char *bad[] = {
    "",
    "\xff\xfe binary",
    "[Something]\nx=1\n",
    "[Ferry Cluster]\nname=x\n",                                        /* no version */
    "[Ferry Cluster]\nversion=9\nname=x\n[Member 1]\nuri=qemu:///system\n",   /* newer */
    "[Ferry Cluster]\nversion=1\nname=\n[Member 1]\nuri=qemu:///system\n",     /* no name */
    "[Ferry Cluster]\nversion=1\nname=x\n",                              /* no nodes */
    "[Ferry Cluster]\nversion=1\nname=x\n[Member 1]\nname=a\n",          /* no URI */
    "[Ferry Cluster]\nversion=1\nname=x\n[Member 1]\nuri=not a uri\n",
    "[Ferry Cluster]\nversion=1\nname=x\n[Member 1]\nuri=qemu:///system\n[Member 2]\nuri=qemu:///system\n",
    "[Ferry Cluster]\nversion=1\nname=x\ncpu=<cpu><model>a</cpu>\n[Member 1]\nuri=qemu:///system\n",
    "[Ferry Cluster]\nversion=1\nname=x\ncpu=<domain/>\n[Member 1]\nuri=qemu:///system\n",
    "[Ferry Cluster]\nversion=1\nname=x\nshared-pool=a b\nshared-pool-path=/x\n[Member 1]\nuri=qemu:///system\n",
    "[Ferry Cluster]\nversion=1\nname=x\nshared-pool=a\nshared-pool-path=relative\n[Member 1]\nuri=qemu:///system\n",
    "[Ferry Cluster]\nversion=1\nname=x\nshared-pool=a\n[Member 1]\nuri=qemu:///system\n",
    "[Ferry Cluster]\nversion=1\nname=x\n[Member 1]\nuri=qemu:///system\nmigration-address=a b\n",
    "[Ferry Cluster]\nversion=1\nname=x\n[Member 1]\nuri=qemu:///system\n[Other]\nk=v\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(FerryClusterConfig) cluster = NULL;
      g_autoptr(GPtrArray) nodes = NULL;
      g_autoptr(GError) error = NULL;

      g_test_message ("bad input %u", i);
      g_assert_false (ferry_cluster_import_parse (bad[i], strlen (bad[i]), &cluster, &nodes, &error));
      g_assert_nonnull (error);
      g_assert_null (cluster);
      g_assert_cmpstr (error->message, !=, "");
    }
}

/* Keep-apart groups: set, read back through the key file, refused names,
 * hand-edited garbage dropped. */
static void
test_keep_apart (void)
{
  g_autoptr(FerryClusterConfig) config = ferry_cluster_config_new ("lab");
  g_autoptr(FerryClusterConfig) back = NULL;
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autoptr(GHashTable) groups = NULL;
  g_autoptr(GError) error = NULL;
  const char *db[] = { "6f1c8f36-0b8e-4a43-9a9e-0d3b7f2f9a01", "6f1c8f36-0b8e-4a43-9a9e-0d3b7f2f9a02", NULL };
  const char *bad[] = { "not-a-uuid", "6f1c8f36-0b8e-4a43-9a9e-0d3b7f2f9a02", NULL };

  g_assert_true (ferry_cluster_config_set_group (config, "db", db, &error));
  g_assert_no_error (error);
  g_assert_false (ferry_cluster_config_set_group (config, "a:b", db, &error));
  g_assert_error (error, FERRY_CLUSTER_ERROR, FERRY_CLUSTER_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (ferry_cluster_config_set_group (config, "", db, NULL));
  g_assert_false (ferry_cluster_config_set_group (config, "web", bad, NULL));

  ferry_cluster_config_to_key_file (config, key_file, "Cluster t");
  /* A hand-edited line with garbage in it is dropped, the good one kept. */
  {
    g_auto(GStrv) entries = g_key_file_get_string_list (key_file, "Cluster t", "keep-apart", NULL, NULL);
    g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
    g_auto(GStrv) more = NULL;

    g_strv_builder_addv (b, (const char **) entries);
    g_strv_builder_add (b, "evil\nname:6f1c8f36-0b8e-4a43-9a9e-0d3b7f2f9a03");
    g_strv_builder_add (b, "x:y,z");
    more = g_strv_builder_end (b);
    g_key_file_set_string_list (key_file, "Cluster t", "keep-apart", (const char * const *) more,
                                g_strv_length (more));
  }
  back = ferry_cluster_config_from_key_file (key_file, "Cluster t", &error);
  g_assert_no_error (error);
  groups = ferry_cluster_config_get_groups (back);
  g_assert_cmpuint (g_hash_table_size (groups), ==, 2);
  g_assert_cmpstr (g_hash_table_lookup (groups, db[0]), ==, "db");
  g_assert_cmpstr (g_hash_table_lookup (groups, db[1]), ==, "db");

  /* Removing a group. */
  g_assert_true (ferry_cluster_config_set_group (back, "db", NULL, NULL));
  g_assert_null (back->keep_apart);
}

/* ---------------------------------------------------------------------- */
/* The struct                                                              */

static void
test_new_copy_free (void)
{
  g_autoptr(FerryClusterConfig) a = ferry_cluster_config_new ("Rack 1");
  g_autoptr(FerryClusterConfig) b = ferry_cluster_config_new ("Rack 1");
  g_autoptr(FerryClusterConfig) copy = NULL;
  FerryClusterConfig *boxed;
  const char *db[] = { "6f1c8f36-0b8e-4a43-9a9e-0d3b7f2f9a01", NULL };

  g_assert_true (g_uuid_string_is_valid (a->id));
  g_assert_true (ferry_config_id_is_valid (a->id));
  g_assert_cmpstr (a->id, !=, b->id);
  g_assert_cmpstr (a->name, ==, "Rack 1");
  g_assert_nonnull (a->nodes);
  g_assert_null (a->nodes[0]);
  g_assert_null (a->cpu_xml);
  g_assert_null (a->pool_name);
  g_assert_null (a->pool_path);
  g_assert_null (a->keep_apart);

  ferry_cluster_config_add_node (a, id_1);
  a->cpu_xml = g_strdup (cpu_a);
  a->pool_name = g_strdup ("vmstore");
  a->pool_path = g_strdup ("/srv/vmstore");
  g_assert_true (ferry_cluster_config_set_group (a, "db", db, NULL));

  /* Deep: changing the copy leaves the original alone. */
  copy = ferry_cluster_config_copy (a);
  g_assert_true (copy != a);
  g_assert_cmpstr (copy->id, ==, a->id);
  g_assert_cmpstr (copy->name, ==, a->name);
  g_assert_true (copy->nodes != a->nodes);
  g_assert_cmpstrv (copy->nodes, a->nodes);
  g_assert_cmpstr (copy->cpu_xml, ==, cpu_a);
  g_assert_cmpstr (copy->pool_name, ==, "vmstore");
  g_assert_cmpstr (copy->pool_path, ==, "/srv/vmstore");
  g_assert_cmpstrv (copy->keep_apart, a->keep_apart);
  ferry_cluster_config_add_node (copy, id_2);
  g_assert_cmpuint (g_strv_length (a->nodes), ==, 1);

  /* A NULL node list (a hand-built struct) is copied as an empty one. */
  g_clear_pointer (&b->nodes, g_strfreev);
  boxed = g_boxed_copy (FERRY_TYPE_CLUSTER_CONFIG, b);
  g_assert_nonnull (boxed->nodes);
  g_assert_null (boxed->nodes[0]);
  g_assert_null (boxed->keep_apart);
  g_boxed_free (FERRY_TYPE_CLUSTER_CONFIG, boxed);

  ferry_cluster_config_free (NULL);
  g_assert_true (G_TYPE_IS_BOXED (FERRY_TYPE_CLUSTER_CONFIG));
}

static void
test_members (void)
{
  g_autoptr(FerryClusterConfig) cluster = ferry_cluster_config_new ("lab");

  g_assert_false (ferry_cluster_config_has_node (cluster, id_1));
  g_assert_false (ferry_cluster_config_has_node (cluster, NULL));
  g_assert_false (ferry_cluster_config_remove_node (cluster, id_1));

  ferry_cluster_config_add_node (cluster, id_1);
  ferry_cluster_config_add_node (cluster, id_2);
  ferry_cluster_config_add_node (cluster, id_1);   /* once */
  g_assert_cmpuint (g_strv_length (cluster->nodes), ==, 2);
  g_assert_cmpstr (cluster->nodes[0], ==, id_1);
  g_assert_cmpstr (cluster->nodes[1], ==, id_2);
  g_assert_true (ferry_cluster_config_has_node (cluster, id_2));

  g_assert_true (ferry_cluster_config_remove_node (cluster, id_1));
  g_assert_false (ferry_cluster_config_remove_node (cluster, id_1));
  g_assert_false (ferry_cluster_config_remove_node (cluster, NULL));
  g_assert_cmpuint (g_strv_length (cluster->nodes), ==, 1);
  g_assert_cmpstr (cluster->nodes[0], ==, id_2);
  g_assert_true (ferry_cluster_config_remove_node (cluster, id_2));
  g_assert_null (cluster->nodes[0]);

  /* From a NULL list, too. */
  g_clear_pointer (&cluster->nodes, g_strfreev);
  g_assert_false (ferry_cluster_config_has_node (cluster, id_1));
  g_assert_false (ferry_cluster_config_remove_node (cluster, id_1));
  ferry_cluster_config_add_node (cluster, id_1);
  g_assert_cmpuint (g_strv_length (cluster->nodes), ==, 1);
}

/* ---------------------------------------------------------------------- */
/* Validation                                                              */

static void
assert_invalid (FerryClusterConfig *cluster,
                const char         *what)
{
  g_autofree char *shown = g_strescape (what, NULL);
  g_autoptr(GError) error = NULL;

  g_test_message ("refused: %s", shown);
  g_assert_false (ferry_cluster_config_validate (cluster, &error));
  g_assert_error (error, FERRY_CLUSTER_ERROR, FERRY_CLUSTER_ERROR_INVALID);
  g_assert_cmpstr (error->message, !=, "");
}

static void
test_validate (void)
{
  g_autoptr(FerryClusterConfig) cluster = ferry_cluster_config_new ("  Rack 1\u00a0 ");
  g_autoptr(GError) error = NULL;
  g_autofree char *long_name = g_strnfill (128, 'x');
  g_autofree char *too_long = g_strnfill (129, 'x');
  g_autofree char *huge_cpu = NULL;
  const char *bad_names[] = { "", "   ", "a\nb", "a\rb", "tab\there", "bell\a", "nul\x7f", "nel\xc2\x85",
                              "\xff\xfe", NULL };
  const char *bad_pool_names[] = { "", "a b", ".hidden", "-dash", "a/b", "a;b", "a\nb", "\xc3\xa9", NULL };
  const char *bad_pool_paths[] = { "relative", "", "/a/../b", "/a/./b", "/..", "/a\nb", "/\xff", NULL };

  g_assert_true (ferry_cluster_config_validate (cluster, &error));
  g_assert_no_error (error);
  /* Trimmed in place (g_strstrip: ASCII white space only). */
  g_assert_cmpstr (cluster->name, ==, "Rack 1\u00a0");

  /* Names that are not '[' '=' '#' safe in a group name are fine in a value. */
  g_free (cluster->name);
  cluster->name = g_strdup ("[Cluster x] name=evil # ; \\");
  g_assert_true (ferry_cluster_config_validate (cluster, NULL));
  g_free (cluster->name);
  cluster->name = g_strdup (long_name);
  g_assert_true (ferry_cluster_config_validate (cluster, NULL));
  g_free (cluster->name);
  cluster->name = g_strdup (too_long);
  assert_invalid (cluster, "129 characters");
  g_free (cluster->name);
  /* 128 characters, counted as characters, not bytes. */
  {
    GString *s = g_string_new (NULL);

    for (guint i = 0; i < 128; i++)
      g_string_append (s, "\xc3\xa9");
    cluster->name = g_string_free (s, FALSE);
  }
  g_assert_true (ferry_cluster_config_validate (cluster, NULL));
  for (guint i = 0; bad_names[i] != NULL; i++)
    {
      g_free (cluster->name);
      cluster->name = g_strdup (bad_names[i]);
      assert_invalid (cluster, bad_names[i]);
    }
  g_clear_pointer (&cluster->name, g_free);
  assert_invalid (cluster, "no name");
  cluster->name = g_strdup ("ok");

  /* Ids: the cluster's and its members'. */
  g_free (cluster->id);
  cluster->id = g_strdup ("a]b");
  assert_invalid (cluster, "id with ]");
  g_free (cluster->id);
  cluster->id = NULL;
  assert_invalid (cluster, "no id");
  cluster->id = g_strdup ("plain-id-1");
  g_assert_true (ferry_cluster_config_validate (cluster, NULL));
  ferry_cluster_config_add_node (cluster, "../etc/passwd");
  assert_invalid (cluster, "member id with /");
  ferry_cluster_config_remove_node (cluster, "../etc/passwd");
  ferry_cluster_config_add_node (cluster, "a\nb");
  assert_invalid (cluster, "member id with a newline");
  ferry_cluster_config_remove_node (cluster, "a\nb");
  /* add_node never lists an id twice, a hand-edited list may. */
  g_strfreev (cluster->nodes);
  cluster->nodes = g_strsplit ("a,b,a", ",", -1);
  assert_invalid (cluster, "a member twice");
  g_clear_pointer (&cluster->nodes, g_strfreev);
  /* A NULL list becomes an empty one. */
  g_assert_true (ferry_cluster_config_validate (cluster, NULL));
  g_assert_nonnull (cluster->nodes);
  for (guint i = 0; i < 64; i++)
    {
      g_autofree char *id = g_strdup_printf ("node-%u", i);

      ferry_cluster_config_add_node (cluster, id);
    }
  g_assert_true (ferry_cluster_config_validate (cluster, NULL));
  ferry_cluster_config_add_node (cluster, "node-64");
  assert_invalid (cluster, "65 members");
  g_strfreev (cluster->nodes);
  cluster->nodes = g_new0 (char *, 1);

  /* The CPU: a <cpu> element, nothing else; empty means none. */
  cluster->cpu_xml = g_strdup ("");
  g_assert_true (ferry_cluster_config_validate (cluster, NULL));
  g_assert_null (cluster->cpu_xml);
  cluster->cpu_xml = g_strdup (cpu_a);
  g_assert_true (ferry_cluster_config_validate (cluster, NULL));
  g_assert_cmpstr (cluster->cpu_xml, ==, cpu_a);
  g_free (cluster->cpu_xml);
  cluster->cpu_xml = g_strdup ("<domain type='kvm'/>");
  assert_invalid (cluster, "not a <cpu>");
  g_free (cluster->cpu_xml);
  cluster->cpu_xml = g_strdup ("<cpu><model>a</cpu>");
  assert_invalid (cluster, "malformed <cpu>");
  g_free (cluster->cpu_xml);
  cluster->cpu_xml = g_strdup ("<cpu mode='custom'><model>\xff</model></cpu>");
  assert_invalid (cluster, "<cpu> not UTF-8");
  g_free (cluster->cpu_xml);
  huge_cpu = g_strnfill (64 * 1024 + 1, ' ');
  memcpy (huge_cpu, "<cpu>", 5);
  memcpy (huge_cpu + 64 * 1024 + 1 - 6, "</cpu>", 6);
  cluster->cpu_xml = g_steal_pointer (&huge_cpu);
  assert_invalid (cluster, "<cpu> over 64 KiB");
  g_clear_pointer (&cluster->cpu_xml, g_free);

  /* The shared pool: both or neither, a libvirt-safe name, an absolute path. */
  cluster->pool_name = g_strdup ("vm-store_1.a");
  assert_invalid (cluster, "a pool without a path");
  cluster->pool_path = g_strdup ("/srv/vm store/é");
  g_assert_true (ferry_cluster_config_validate (cluster, NULL));
  g_clear_pointer (&cluster->pool_name, g_free);
  assert_invalid (cluster, "a path without a pool");
  cluster->pool_name = g_strdup ("vmstore");
  for (guint i = 0; bad_pool_names[i] != NULL; i++)
    {
      g_free (cluster->pool_name);
      cluster->pool_name = g_strdup (bad_pool_names[i]);
      assert_invalid (cluster, bad_pool_names[i]);
    }
  g_free (cluster->pool_name);
  cluster->pool_name = g_strnfill (65, 'p');
  assert_invalid (cluster, "pool name of 65");
  g_free (cluster->pool_name);
  cluster->pool_name = g_strnfill (64, 'p');
  g_assert_true (ferry_cluster_config_validate (cluster, NULL));
  for (guint i = 0; bad_pool_paths[i] != NULL; i++)
    {
      g_free (cluster->pool_path);
      cluster->pool_path = g_strdup (bad_pool_paths[i]);
      assert_invalid (cluster, bad_pool_paths[i]);
    }
  g_free (cluster->pool_path);
  cluster->pool_path = g_strnfill (4097, 'a');
  cluster->pool_path[0] = '/';
  assert_invalid (cluster, "path over 4096");
}

/* ---------------------------------------------------------------------- */
/* The [Cluster ID] group                                                  */

static FerryClusterConfig *
from_text (const char  *text,
           const char  *group,
           GError     **error)
{
  g_autoptr(GKeyFile) key_file = g_key_file_new ();

  g_assert_true (g_key_file_load_from_data (key_file, text, -1, G_KEY_FILE_NONE, NULL));
  return ferry_cluster_config_from_key_file (key_file, group, error);
}

/* Everything written is read back as it was, however hostile the text. */
static void
test_key_file_roundtrip (void)
{
  g_autoptr(FerryClusterConfig) cluster = ferry_cluster_config_new (" [Cluster evil]=x # \\n \\ ; ,é ");
  g_autoptr(FerryClusterConfig) back = NULL;
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autoptr(GKeyFile) reread = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *group = NULL;
  g_autofree char *data = NULL;
  g_auto(GStrv) groups = NULL;
  const char *db[] = { "6f1c8f36-0b8e-4a43-9a9e-0d3b7f2f9a01", "6F1C8F36-0B8E-4A43-9A9E-0D3B7F2F9A02", NULL };
  const char *web[] = { "6f1c8f36-0b8e-4a43-9a9e-0d3b7f2f9a03", NULL };

  g_assert_true (ferry_cluster_config_validate (cluster, &error));
  ferry_cluster_config_add_node (cluster, id_1);
  ferry_cluster_config_add_node (cluster, id_2);
  cluster->cpu_xml = g_strdup (cpu_a);   /* multi-line */
  cluster->pool_name = g_strdup ("vmstore");
  cluster->pool_path = g_strdup ("/srv/[vm]=store #1");
  g_assert_true (ferry_cluster_config_set_group (cluster, "[db] = \\ x", db, &error));
  g_assert_true (ferry_cluster_config_set_group (cluster, "web", web, &error));
  g_assert_no_error (error);

  group = g_strconcat ("Cluster ", cluster->id, NULL);
  ferry_cluster_config_to_key_file (cluster, key_file, group);
  data = g_key_file_to_data (key_file, NULL, NULL);
  /* One group: nothing in a value opened another. */
  g_assert_true (g_key_file_load_from_data (reread, data, -1, G_KEY_FILE_NONE, &error));
  g_assert_no_error (error);
  groups = g_key_file_get_groups (reread, NULL);
  g_assert_cmpuint (g_strv_length (groups), ==, 1);
  g_assert_cmpstr (groups[0], ==, group);

  back = ferry_cluster_config_from_key_file (reread, group, &error);
  g_assert_no_error (error);
  g_assert_nonnull (back);
  g_assert_cmpstr (back->id, ==, cluster->id);
  g_assert_cmpstr (back->name, ==, cluster->name);
  g_assert_cmpstrv (back->nodes, cluster->nodes);
  g_assert_cmpstr (back->cpu_xml, ==, cpu_a);
  g_assert_cmpstr (back->pool_name, ==, "vmstore");
  g_assert_cmpstr (back->pool_path, ==, "/srv/[vm]=store #1");
  g_assert_cmpstrv (back->keep_apart, cluster->keep_apart);
  {
    g_autoptr(GHashTable) table = ferry_cluster_config_get_groups (back);

    g_assert_cmpuint (g_hash_table_size (table), ==, 3);
    g_assert_cmpstr (g_hash_table_lookup (table, db[0]), ==, "[db] = \\ x");
    /* UUIDs are looked up in lower case. */
    g_assert_cmpstr (g_hash_table_lookup (table, "6f1c8f36-0b8e-4a43-9a9e-0d3b7f2f9a02"), ==, "[db] = \\ x");
    g_assert_cmpstr (g_hash_table_lookup (table, web[0]), ==, "web");
  }
}

/* Only what is set is written; no empty keys. */
static void
test_key_file_minimal (void)
{
  g_autoptr(FerryClusterConfig) cluster = ferry_cluster_config_new ("bare");
  g_autoptr(FerryClusterConfig) back = NULL;
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) keys = NULL;

  ferry_cluster_config_to_key_file (cluster, key_file, "Cluster abc");
  keys = g_key_file_get_keys (key_file, "Cluster abc", NULL, NULL);
  g_assert_cmpuint (g_strv_length (keys), ==, 2);
  g_assert_true (g_strv_contains ((const char * const *) keys, "name"));
  g_assert_true (g_strv_contains ((const char * const *) keys, "nodes"));

  back = ferry_cluster_config_from_key_file (key_file, "Cluster abc", &error);
  g_assert_no_error (error);
  /* The id is what follows the first space of the group name. */
  g_assert_cmpstr (back->id, ==, "abc");
  g_assert_cmpstr (back->name, ==, "bare");
  g_assert_nonnull (back->nodes);
  g_assert_null (back->nodes[0]);
  g_assert_null (back->cpu_xml);
  g_assert_null (back->pool_name);
  g_assert_null (back->pool_path);
  g_assert_null (back->keep_apart);
}

/* A hand-edited group: missing fields, empty values, unknown keys. */
static void
test_key_file_hand_edited (void)
{
  g_autoptr(FerryClusterConfig) cluster = NULL;
  g_autoptr(GKeyFile) out = g_key_file_new ();
  g_autoptr(GError) error = NULL;

  /* No nodes key, empty optional values (= unset), keys we do not know. */
  cluster = from_text ("[Cluster c1]\nname=  Spaced  \ncpu=\nshared-pool=\nshared-pool-path=\n"
                       "keep-apart=\nfuture-key=42\nname[de]=Gestell\n", "Cluster c1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cluster->name, ==, "Spaced");
  g_assert_nonnull (cluster->nodes);
  g_assert_null (cluster->nodes[0]);
  g_assert_null (cluster->cpu_xml);
  g_assert_null (cluster->pool_name);
  g_assert_null (cluster->pool_path);
  g_assert_null (cluster->keep_apart);
  /* Unknown keys are not kept: what is written back is what we know
   * (FerryConfig keeps whole groups it could not read, not keys). */
  ferry_cluster_config_to_key_file (cluster, out, "Cluster c1");
  g_assert_false (g_key_file_has_key (out, "Cluster c1", "future-key", NULL));
  g_clear_pointer (&cluster, ferry_cluster_config_free);

  /* A trailing ';' or an escaped one in the list. */
  cluster = from_text ("[Cluster c2]\nname=n\nnodes=a;b;\n", "Cluster c2", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (cluster->nodes), ==, 2);
  g_clear_pointer (&cluster, ferry_cluster_config_free);
}

static void
test_key_file_refused (void)
{
  static const struct {
    const char *group;
    const char *text;
  } bad[] = {
    { "Cluster a", "[Cluster a]\nnodes=\n" },                                   /* no name */
    { "Cluster a", "[Cluster a]\nname=\n" },                                    /* empty name */
    { "Cluster a", "[Cluster a]\nname=   \n" },
    { "Cluster a", "[Cluster a]\nname=line\\nbreak\n" },                       /* escaped newline */
    { "Cluster a", "[Cluster a]\nname=tab\\there\n" },
    { "Cluster", "[Cluster]\nname=x\n" },                                       /* no id */
    { "Cluster ", "[Cluster ]\nname=x\n" },                                     /* empty id */
    { "Cluster a b", "[Cluster a b]\nname=x\n" },                               /* id with a space */
    { "Cluster a=b", "[Cluster a=b]\nname=x\n" },
    { "Cluster é", "[Cluster é]\nname=x\n" },
    { "Cluster a", "[Cluster a]\nname=x\nnodes=ok;not ok\n" },
    { "Cluster a", "[Cluster a]\nname=x\nnodes=a;a\n" },
    { "Cluster a", "[Cluster a]\nname=x\nnodes=a\\nb\n" },
    { "Cluster a", "[Cluster a]\nname=x\ncpu=<domain/>\n" },
    { "Cluster a", "[Cluster a]\nname=x\ncpu=not xml\n" },
    { "Cluster a", "[Cluster a]\nname=x\nshared-pool=p\n" },
    { "Cluster a", "[Cluster a]\nname=x\nshared-pool-path=/p\n" },
    { "Cluster a", "[Cluster a]\nname=x\nshared-pool=p\nshared-pool-path=/a/../etc\n" },
    { "Cluster a", "[Cluster a]\nname=x\nshared-pool=../p\nshared-pool-path=/p\n" },
    { "Cluster a", "[Other]\nname=x\n" },                                        /* no such group */
  };
  g_autofree char *long_name = g_strnfill (10000, 'n');
  g_autofree char *text = g_strdup_printf ("[Cluster a]\nname=%s\n", long_name);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(FerryClusterConfig) cluster = NULL;
      g_autoptr(GError) error = NULL;

      g_test_message ("bad group %u: %s", i, bad[i].text);
      cluster = from_text (bad[i].text, bad[i].group, &error);
      g_assert_null (cluster);
      g_assert_error (error, FERRY_CLUSTER_ERROR, FERRY_CLUSTER_ERROR_INVALID);
    }

  {
    g_autoptr(FerryClusterConfig) cluster = NULL;
    g_autoptr(GError) error = NULL;

    cluster = from_text (text, "Cluster a", &error);
    g_assert_null (cluster);
    g_assert_error (error, FERRY_CLUSTER_ERROR, FERRY_CLUSTER_ERROR_INVALID);
  }
}

/* Keep-apart entries: bad ones are refused when set, dropped when read. */
static void
test_keep_apart_entries (void)
{
  g_autoptr(FerryClusterConfig) cluster = ferry_cluster_config_new ("lab");
  g_autoptr(FerryClusterConfig) back = NULL;
  g_autoptr(GHashTable) groups = NULL;
  g_autoptr(GError) error = NULL;
  const char *a[] = { "6f1c8f36-0b8e-4a43-9a9e-0d3b7f2f9a01", NULL };
  const char *b[] = { "6f1c8f36-0b8e-4a43-9a9e-0d3b7f2f9a02", NULL };
  const char *empty[] = { NULL };
  const char *blank[] = { "", NULL };
  const char *bad_names[] = { "a,b", "a;b", "a\nb", "a\rb", "\xff", NULL };

  for (guint i = 0; bad_names[i] != NULL; i++)
    {
      g_assert_false (ferry_cluster_config_set_group (cluster, bad_names[i], a, &error));
      g_assert_error (error, FERRY_CLUSTER_ERROR, FERRY_CLUSTER_ERROR_INVALID);
      g_clear_error (&error);
    }
  g_assert_false (ferry_cluster_config_set_group (cluster, NULL, a, NULL));
  g_assert_false (ferry_cluster_config_set_group (cluster, "x", blank, NULL));
  g_assert_null (cluster->keep_apart);

  /* Setting a group again replaces it; another group is left alone; a
   * refused change leaves everything as it was. */
  g_assert_true (ferry_cluster_config_set_group (cluster, "g", a, NULL));
  g_assert_true (ferry_cluster_config_set_group (cluster, "g2", a, NULL));
  g_assert_true (ferry_cluster_config_set_group (cluster, "g", b, NULL));
  g_assert_cmpuint (g_strv_length (cluster->keep_apart), ==, 2);
  g_assert_false (ferry_cluster_config_set_group (cluster, "g", blank, NULL));
  g_assert_cmpuint (g_strv_length (cluster->keep_apart), ==, 2);
  groups = ferry_cluster_config_get_groups (cluster);
  /* One VM, one group: the later entry wins. */
  g_assert_cmpuint (g_hash_table_size (groups), ==, 2);
  g_assert_cmpstr (g_hash_table_lookup (groups, a[0]), ==, "g2");
  g_assert_cmpstr (g_hash_table_lookup (groups, b[0]), ==, "g");
  g_clear_pointer (&groups, g_hash_table_unref);
  /* "g" is not a prefix match for "g2". */
  g_assert_true (ferry_cluster_config_set_group (cluster, "g", empty, NULL));
  g_assert_cmpuint (g_strv_length (cluster->keep_apart), ==, 1);
  g_assert_true (g_str_has_prefix (cluster->keep_apart[0], "g2:"));

  /* Read from a hand-edited file: only the well-formed entries. */
  back = from_text ("[Cluster k]\nname=k\nkeep-apart="
                    "ok:6f1c8f36-0b8e-4a43-9a9e-0d3b7f2f9a01;"
                    "nocolon;"
                    ":6f1c8f36-0b8e-4a43-9a9e-0d3b7f2f9a02;"
                    "empty:;"
                    "trailing:6f1c8f36-0b8e-4a43-9a9e-0d3b7f2f9a03,;"
                    "bad:6f1c8f36-0b8e-4a43-9a9e-0d3b7f2f9a04,nope;"
                    "nl\\nname:6f1c8f36-0b8e-4a43-9a9e-0d3b7f2f9a05\n",
                    "Cluster k", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (back->keep_apart), ==, 1);
  groups = ferry_cluster_config_get_groups (back);
  g_assert_cmpuint (g_hash_table_size (groups), ==, 1);
  g_assert_cmpstr (g_hash_table_lookup (groups, a[0]), ==, "ok");
  g_clear_pointer (&groups, g_hash_table_unref);

  /* get_groups skips bad entries in a struct built by hand, and takes NULL. */
  g_strfreev (back->keep_apart);
  back->keep_apart = g_strsplit ("x|y:z|ok:6f1c8f36-0b8e-4a43-9a9e-0d3b7f2f9a01", "|", -1);
  groups = ferry_cluster_config_get_groups (back);
  g_assert_cmpuint (g_hash_table_size (groups), ==, 1);
  g_clear_pointer (&groups, g_hash_table_unref);
  groups = ferry_cluster_config_get_groups (NULL);
  g_assert_cmpuint (g_hash_table_size (groups), ==, 0);
}

/* ---------------------------------------------------------------------- */
/* The exchange file                                                       */

static gboolean
import_text (const char          *text,
             FerryClusterConfig **cluster,
             GPtrArray          **nodes,
             GError             **error)
{
  return ferry_cluster_import_parse (text, strlen (text), cluster, nodes, error);
}

static void
test_import_members (void)
{
  g_autoptr(FerryClusterConfig) cluster = NULL;
  g_autoptr(GPtrArray) nodes = NULL;
  g_autoptr(GError) error = NULL;
  const FerryNodeConfig *node;

  /* Names: trimmed, or the URI's own when missing or blank; hostile text
   * that is no control character is kept; unknown keys are ignored; the
   * members come in the order of the file. */
  g_assert_true (import_text ("# exported\n[Ferry Cluster]\nversion=1\nname=  x  \nunknown=1\n"
                              "[Member 2]\nuri=qemu+ssh://root@kvm2.example.com/system\n"
                              "name=  [kvm2]=a #b  \nfuture=yes\n"
                              "[Member 1]\nuri=qemu+tcp://kvm1.example.com/system\nname=   \n"
                              "migration-address=\n"
                              "[Member x]\nuri=test:///default\n",
                              &cluster, &nodes, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (cluster->name, ==, "x");
  g_assert_true (ferry_config_id_is_valid (cluster->id));
  g_assert_cmpuint (nodes->len, ==, 3);
  g_assert_cmpuint (g_strv_length (cluster->nodes), ==, 3);
  node = g_ptr_array_index (nodes, 0);
  g_assert_cmpstr (node->uri, ==, "qemu+ssh://root@kvm2.example.com/system");
  g_assert_cmpstr (node->name, ==, "[kvm2]=a #b");
  g_assert_null (node->migration_address);
  g_assert_cmpstr (cluster->nodes[0], ==, node->id);
  node = g_ptr_array_index (nodes, 1);
  g_assert_cmpstr (node->name, ==, "kvm1.example.com");
  g_assert_null (node->migration_address);   /* empty = unset */
  g_assert_cmpstr (cluster->nodes[1], ==, node->id);
  node = g_ptr_array_index (nodes, 2);
  g_assert_cmpstr (node->name, ==, "test");
  /* Every member has a fresh id of its own. */
  g_assert_cmpstr (cluster->nodes[0], !=, cluster->nodes[1]);
  g_assert_true (ferry_config_id_is_valid (cluster->nodes[2]));
}

static void
test_import_limits (void)
{
  g_autoptr(GString) text = g_string_new ("[Ferry Cluster]\nversion=1\nname=big\n");
  g_autofree char *long_name = g_strnfill (129, 'n');
  g_autofree char *huge = NULL;
  g_autoptr(FerryClusterConfig) cluster = NULL;
  g_autoptr(GPtrArray) nodes = NULL;
  g_autoptr(GError) error = NULL;

  /* 64 members are fine, 65 are not. */
  for (guint i = 1; i <= 64; i++)
    g_string_append_printf (text, "[Member %u]\nuri=qemu+tcp://10.0.0.%u/system\n", i, i);
  g_assert_true (import_text (text->str, &cluster, &nodes, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (nodes->len, ==, 64);
  g_clear_pointer (&cluster, ferry_cluster_config_free);
  g_clear_pointer (&nodes, g_ptr_array_unref);
  g_string_append (text, "[Member 65]\nuri=qemu+tcp://10.0.0.65/system\n");
  g_assert_false (import_text (text->str, &cluster, &nodes, &error));
  g_assert_error (error, FERRY_CLUSTER_ERROR, FERRY_CLUSTER_ERROR_INVALID);
  g_assert_null (cluster);
  g_assert_null (nodes);
  g_clear_error (&error);

  /* A member's name of 129 characters. */
  g_string_printf (text, "[Ferry Cluster]\nversion=1\nname=x\n[Member 1]\nuri=test:///default\nname=%s\n",
                   long_name);
  g_assert_false (import_text (text->str, &cluster, &nodes, &error));
  g_assert_error (error, FERRY_CLUSTER_ERROR, FERRY_CLUSTER_ERROR_INVALID);
  g_clear_error (&error);

  /* Over 1 MiB is refused before it is parsed. */
  huge = g_strnfill (1024 * 1024 + 1, '#');
  huge[1024 * 1024] = '\n';
  g_assert_false (ferry_cluster_import_parse (huge, strlen (huge), &cluster, &nodes, &error));
  g_assert_error (error, FERRY_CLUSTER_ERROR, FERRY_CLUSTER_ERROR_INVALID);
  g_clear_error (&error);

  /* An embedded NUL is not text. */
  {
    const char data[] = "[Ferry Cluster]\nversion=1\nname=x\0y\n[Member 1]\nuri=test:///default\n";

    g_assert_false (ferry_cluster_import_parse (data, sizeof data - 1, &cluster, &nodes, &error));
    g_assert_error (error, FERRY_CLUSTER_ERROR, FERRY_CLUSTER_ERROR_NOT_A_CLUSTER_FILE);
    g_clear_error (&error);
  }
}

static void
test_import_versions (void)
{
  static const struct {
    const char *version;
    gint        code;
  } cases[] = {
    { "0", FERRY_CLUSTER_ERROR_INVALID },
    { "-1", FERRY_CLUSTER_ERROR_INVALID },
    { "1.0", FERRY_CLUSTER_ERROR_INVALID },
    { "one", FERRY_CLUSTER_ERROR_INVALID },
    { "", FERRY_CLUSTER_ERROR_INVALID },
    { "2", FERRY_CLUSTER_ERROR_NEWER_VERSION },
    { "99999999999999999999", FERRY_CLUSTER_ERROR_INVALID },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = g_strdup_printf ("[Ferry Cluster]\nversion=%s\nname=x\n"
                                               "[Member 1]\nuri=test:///default\n", cases[i].version);
      g_autoptr(FerryClusterConfig) cluster = NULL;
      g_autoptr(GPtrArray) nodes = NULL;
      g_autoptr(GError) error = NULL;

      g_test_message ("version=%s", cases[i].version);
      g_assert_false (import_text (text, &cluster, &nodes, &error));
      g_assert_error (error, FERRY_CLUSTER_ERROR, cases[i].code);
    }
}

/* Everything a cluster carries survives export and import. */
static void
test_export_roundtrip (void)
{
  g_autoptr(FerryClusterConfig) cluster = ferry_cluster_config_new ("[Ferry Cluster] = x");
  g_autoptr(GPtrArray) nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) ferry_node_config_free);
  g_autoptr(FerryClusterConfig) imported = NULL;
  g_autoptr(GPtrArray) imported_nodes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  const char *db[] = { "6f1c8f36-0b8e-4a43-9a9e-0d3b7f2f9a01", NULL };
  gsize length = 0;

  cluster->cpu_xml = g_strdup (cpu_a);
  cluster->pool_name = g_strdup ("vmstore");
  cluster->pool_path = g_strdup ("/srv/vmstore");
  g_assert_true (ferry_cluster_config_set_group (cluster, "db", db, NULL));
  g_ptr_array_add (nodes, ferry_node_config_new ("qemu+tcp://127.0.0.1:16501/system", "[Member 9]", NULL));
  g_ptr_array_add (nodes, ferry_node_config_new ("qemu+tcp://127.0.0.1:16502/system", "b=c", "127.0.0.2"));
  data = ferry_cluster_export (cluster, nodes, &length);
  g_assert_cmpuint (length, ==, strlen (data));
  g_assert_true (ferry_cluster_import_parse (data, length, &imported, &imported_nodes, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (imported->name, ==, cluster->name);
  g_assert_cmpstr (imported->cpu_xml, ==, cpu_a);
  g_assert_cmpstr (imported->pool_name, ==, "vmstore");
  g_assert_cmpstr (imported->pool_path, ==, "/srv/vmstore");
  g_assert_cmpstrv (imported->keep_apart, cluster->keep_apart);
  g_assert_cmpuint (imported_nodes->len, ==, 2);
  g_assert_cmpstr (((FerryNodeConfig *) g_ptr_array_index (imported_nodes, 0))->name, ==, "[Member 9]");
  g_assert_cmpstr (((FerryNodeConfig *) g_ptr_array_index (imported_nodes, 1))->name, ==, "b=c");
  /* Node ids are private to each Ferry: not exported. */
  g_assert_null (strstr (data, ((FerryNodeConfig *) g_ptr_array_index (nodes, 0))->id));
  g_assert_null (strstr (data, cluster->id));

  /* No members: exported, but not importable. */
  g_clear_pointer (&data, g_free);
  g_ptr_array_set_size (nodes, 0);
  data = ferry_cluster_export (cluster, nodes, NULL);
  g_clear_pointer (&imported, ferry_cluster_config_free);
  g_clear_pointer (&imported_nodes, g_ptr_array_unref);
  g_assert_false (import_text (data, &imported, &imported_nodes, &error));
  g_assert_error (error, FERRY_CLUSTER_ERROR, FERRY_CLUSTER_ERROR_INVALID);
}

static void
test_import_resolve (void)
{
  g_autoptr(FerryClusterConfig) imported = NULL;
  g_autoptr(GPtrArray) imported_nodes = NULL;
  g_autoptr(GPtrArray) existing = g_ptr_array_new_with_free_func ((GDestroyNotify) ferry_node_config_free);
  g_autoptr(FerryClusterConfig) resolved = NULL;
  g_autoptr(GPtrArray) to_add = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (import_text ("[Ferry Cluster]\nversion=1\nname=r\n"
                              "[Member 1]\nuri=test:///a\n[Member 2]\nuri=test:///b\n",
                              &imported, &imported_nodes, &error));
  g_assert_no_error (error);

  /* Nothing known: all added, under the ids the cluster refers to. */
  resolved = ferry_cluster_import_resolve (imported, imported_nodes, existing, &to_add);
  g_assert_cmpuint (to_add->len, ==, 2);
  g_assert_cmpstrv (resolved->nodes, imported->nodes);
  g_assert_cmpstr (resolved->id, ==, imported->id);
  g_clear_pointer (&resolved, ferry_cluster_config_free);
  g_clear_pointer (&to_add, g_ptr_array_unref);

  /* Everything known: nothing added; @to_add may be NULL. */
  g_ptr_array_add (existing, ferry_node_config_new ("test:///b", "mine-b", NULL));
  g_ptr_array_add (existing, ferry_node_config_new ("test:///a", "mine-a", NULL));
  resolved = ferry_cluster_import_resolve (imported, imported_nodes, existing, NULL);
  g_assert_cmpuint (g_strv_length (resolved->nodes), ==, 2);
  g_assert_cmpstr (resolved->nodes[0], ==, ((FerryNodeConfig *) g_ptr_array_index (existing, 1))->id);
  g_assert_cmpstr (resolved->nodes[1], ==, ((FerryNodeConfig *) g_ptr_array_index (existing, 0))->id);
  /* The imported cluster is not changed. */
  g_assert_cmpstr (imported->nodes[0], ==, ((FerryNodeConfig *) g_ptr_array_index (imported_nodes, 0))->id);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  ferry_core_init ();

  g_test_add_func ("/cluster-config/new-copy-free", test_new_copy_free);
  g_test_add_func ("/cluster-config/members", test_members);
  g_test_add_func ("/cluster-config/validate", test_validate);
  g_test_add_func ("/cluster-config/key-file/roundtrip", test_key_file_roundtrip);
  g_test_add_func ("/cluster-config/key-file/minimal", test_key_file_minimal);
  g_test_add_func ("/cluster-config/key-file/hand-edited", test_key_file_hand_edited);
  g_test_add_func ("/cluster-config/key-file/refused", test_key_file_refused);
  g_test_add_func ("/cluster-config/saved/roundtrip", test_config_roundtrip);
  g_test_add_func ("/cluster-config/saved/bad-cluster-preserved", test_config_bad_cluster_preserved);
  g_test_add_func ("/cluster-config/keep-apart", test_keep_apart);
  g_test_add_func ("/cluster-config/keep-apart-entries", test_keep_apart_entries);
  g_test_add_func ("/cluster-config/export-import", test_export_import);
  g_test_add_func ("/cluster-config/export-roundtrip", test_export_roundtrip);
  g_test_add_func ("/cluster-config/import-refused", test_import_refused);
  g_test_add_func ("/cluster-config/import-members", test_import_members);
  g_test_add_func ("/cluster-config/import-limits", test_import_limits);
  g_test_add_func ("/cluster-config/import-versions", test_import_versions);
  g_test_add_func ("/cluster-config/import-resolve", test_import_resolve);
  return g_test_run ();
}
