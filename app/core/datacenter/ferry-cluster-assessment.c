/* ferry-cluster-assessment.c — what threatens a cluster's fault tolerance now
 *
 * The verdicts the cluster page shows under "Fault tolerance": a node down
 * or in maintenance, no shared storage, VMs with disks outside it or off
 * the baseline CPU, networks some members lack. GTK-free and pure, so each
 * rule is unit-tested (test-cluster-assessment.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "ferry-cluster-assessment.h"
#include "ferry-node.h"

#define MAX_NAMES 6

char *
ferry_cluster_name_list (GPtrArray *names,
                         guint      max)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < names->len && i < max; i++)
    {
      if (i > 0)
        g_string_append (text, ", ");
      g_string_append (text, g_ptr_array_index (names, i));
    }
  if (names->len > max)
    g_string_append_printf (text, ngettext (" and %u more", " and %u more", names->len - max),
                            names->len - max);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* A disk (a path, or "pool:NAME/VOLUME") on the cluster's shared pool. */
static gboolean
disk_is_shared (const char               *disk,
                const FerryClusterConfig *config)
{
  g_autofree char *prefix = NULL;
  g_autofree char *pool_ref = NULL;

  if (config->pool_path == NULL)
    return FALSE;
  prefix = g_str_has_suffix (config->pool_path, "/") ? g_strdup (config->pool_path)
                                                     : g_strconcat (config->pool_path, "/", NULL);
  pool_ref = g_strdup_printf ("pool:%s/", config->pool_name);
  return g_str_has_prefix (disk, prefix) || g_str_has_prefix (disk, pool_ref);
}

static void
add (GPtrArray          *checks,
     const char         *code,
     FerryCheckSeverity  severity,
     char               *title,
     char               *detail)
{
  FerryClusterCheck *check = g_new0 (FerryClusterCheck, 1);

  check->code = g_strdup (code);
  check->severity = severity;
  check->title = title;
  check->detail = detail;
  g_ptr_array_add (checks, check);
}

GPtrArray *
ferry_cluster_assess (const FerryClusterConfig *config,
                      GPtrArray                *nodes,
                      GPtrArray                *probes)
{
  g_autoptr(GPtrArray) checks = g_ptr_array_new_with_free_func ((GDestroyNotify) ferry_cluster_check_free);
  g_autoptr(GPtrArray) not_shared = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) other_cpu = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) gaps = NULL;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (nodes != NULL && probes != NULL && nodes->len == probes->len, NULL);

  for (guint i = 0; i < nodes->len; i++)
    {
      FerryNode *node = g_ptr_array_index (nodes, i);
      FerryNodeProbe *probe = g_ptr_array_index (probes, i);

      if (!probe->reachable)
        {
          add (checks, "down", FERRY_CHECK_FAIL,
               g_strdup_printf (_("%s is down"), ferry_node_get_name (node)),
               g_strdup (_("Its virtual machines are not running anywhere else until it is back or they are recovered.")));
          continue;
        }
      if (ferry_node_get_maintenance (node))
        add (checks, "maintenance", FERRY_CHECK_WARN,
             g_strdup_printf (_("%s is in maintenance"), ferry_node_get_name (node)),
             g_strdup (_("The cluster has one node less to move virtual machines to.")));
      for (guint j = 0; j < probe->vms->len; j++)
        {
          FerryVmFacts *vm = g_ptr_array_index (probe->vms, j);
          gboolean shared = TRUE;

          for (guint k = 0; vm->disks != NULL && vm->disks[k] != NULL; k++)
            shared = shared && disk_is_shared (vm->disks[k], config);
          if (!shared)
            g_ptr_array_add (not_shared, g_strdup (vm->name));
          if (config->cpu_xml != NULL && !ferry_cluster_cpu_equal (vm->cpu_xml, config->cpu_xml))
            g_ptr_array_add (other_cpu, g_strdup (vm->name));
        }
    }

  if (config->pool_name == NULL)
    add (checks, "no-shared-storage", FERRY_CHECK_WARN, g_strdup (_("No shared storage")),
         g_strdup (_("Without storage every node sees, no virtual machine can be recovered when its node fails.")));
  else if (not_shared->len > 0)
    {
      g_autofree char *names = ferry_cluster_name_list (not_shared, MAX_NAMES);

      add (checks, "not-shared", FERRY_CHECK_WARN,
           g_strdup_printf (ngettext ("%u virtual machine has a disk outside the shared storage",
                                      "%u virtual machines have disks outside the shared storage",
                                      not_shared->len), not_shared->len),
           g_strdup_printf (_("%s: they cannot be recovered when their node fails."), names));
    }
  if (other_cpu->len > 0)
    {
      g_autofree char *names = ferry_cluster_name_list (other_cpu, MAX_NAMES);

      add (checks, "other-cpu", FERRY_CHECK_WARN,
           g_strdup_printf (ngettext ("%u virtual machine does not use the baseline CPU",
                                      "%u virtual machines do not use the baseline CPU",
                                      other_cpu->len), other_cpu->len),
           g_strdup_printf (_("%s: they may not be able to move to every node."), names));
    }

  gaps = ferry_cluster_network_gaps (nodes, probes);
  for (guint i = 0; i < gaps->len; i++)
    {
      FerryNetworkGap *gap = g_ptr_array_index (gaps, i);
      g_autoptr(GPtrArray) names = g_ptr_array_new ();
      g_autofree char *list = NULL;

      for (guint j = 0; j < gap->missing->len; j++)
        g_ptr_array_add (names, (char *) ferry_node_get_name (g_ptr_array_index (gap->missing, j)));
      list = ferry_cluster_name_list (names, MAX_NAMES);
      add (checks, "network-gap", FERRY_CHECK_WARN,
           g_strdup_printf (_("The network “%s” is missing on some nodes"), gap->network),
           g_strdup_printf (_("Missing or stopped on %s: virtual machines using it cannot move there."), list));
    }

  if (checks->len == 0)
    add (checks, "ok", FERRY_CHECK_PASS, g_strdup (_("Nothing threatens fault tolerance")),
         g_strdup (_("Every node is up, every disk is on shared storage, every VM uses the baseline CPU.")));
  return g_steal_pointer (&checks);
}
