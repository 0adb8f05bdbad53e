/* ferry-cluster-ops.c — checks, baseline CPU, shared storage and networks
 * over the nodes of a cluster
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A cluster operation fans out one step per node (ferry-fanout.h), each
 * on that node's own worker thread (a hung node ties up only its own
 * threads), and gathers the answers on the main thread. Evaluation is pure code over the plain
 * data the steps return.
 *
 * Clocks: libvirt has no call that reads a host's clock (virDomainGetTime
 * needs a guest agent), but a storage volume's XML carries its file's
 * ctime, which the host's kernel stamps from its own clock. The probe
 * creates an empty volume in a local directory pool, reads that stamp
 * against the middle of its own round trip and deletes the volume.
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <math.h>
#include <string.h>

#include "ferry-cluster-ops.h"
#include "ferry-core.h"
#include "ferry-domain-xml.h"
#include "ferry-fanout.h"
#include "ferry-host-xml.h"
#include "ferry-libvirt.h"
#include "ferry-node-private.h"

static const char *virttype_names[FERRY_N_VIRTTYPES] = { "qemu", "kvm" };

/* ------------------------------------------------------------- freeing */

void
ferry_vm_facts_free (FerryVmFacts *facts)
{
  if (facts == NULL)
    return;
  g_free (facts->uuid);
  g_free (facts->name);
  g_free (facts->virttype);
  g_strfreev (facts->disks);
  g_strfreev (facts->networks);
  g_free (facts->cpu_xml);
  g_free (facts);
}

void
ferry_network_facts_free (FerryNetworkFacts *facts)
{
  g_free (facts->name);
  g_free (facts);
}

void
ferry_pool_facts_free (FerryPoolFacts *facts)
{
  g_free (facts->name);
  g_free (facts->type);
  g_free (facts->path);
  g_free (facts->nfs_host);
  g_free (facts->nfs_export);
  g_free (facts);
}

void
ferry_node_probe_free (FerryNodeProbe *probe)
{
  if (probe == NULL)
    return;
  g_free (probe->node_id);
  g_free (probe->node_name);
  g_free (probe->error);
  g_free (probe->arch);
  g_free (probe->host_uuid);
  g_free (probe->libvirt_version);
  g_free (probe->hypervisor_version);
  g_free (probe->clock_error);
  for (guint i = 0; i < FERRY_N_VIRTTYPES; i++)
    {
      g_free (probe->host_cpu[i]);
      g_strfreev (probe->models[i]);
    }
  g_clear_pointer (&probe->vms, g_ptr_array_unref);
  g_clear_pointer (&probe->networks, g_ptr_array_unref);
  g_clear_pointer (&probe->pools, g_ptr_array_unref);
  g_free (probe);
}

void
ferry_cluster_check_free (FerryClusterCheck *check)
{
  if (check == NULL)
    return;
  g_free (check->code);
  g_free (check->title);
  g_free (check->detail);
  g_free (check->fix);
  g_free (check);
}

void
ferry_baseline_free (FerryBaseline *baseline)
{
  if (baseline == NULL)
    return;
  g_free (baseline->cpu_xml);
  g_free (baseline->method);
  g_free (baseline->virttype);
  g_free (baseline);
}

void
ferry_cpu_apply_result_free (FerryCpuApplyResult *result)
{
  if (result == NULL)
    return;
  g_free (result->vm_name);
  g_free (result->node_name);
  g_free (result->message);
  g_free (result);
}

void
ferry_shared_result_free (FerrySharedResult *result)
{
  if (result == NULL)
    return;
  g_free (result->written_by);
  g_strfreev (result->missing);
  g_strfreev (result->seen);
  g_free (result);
}

void
ferry_network_gap_free (FerryNetworkGap *gap)
{
  if (gap == NULL)
    return;
  g_free (gap->network);
  g_clear_pointer (&gap->missing, g_ptr_array_unref);
  g_strfreev (gap->inactive);
  g_free (gap);
}

/* ------------------------------------------------------------- fan-out */

/* What a node that gave no value says: its step's error, or @late when
 * it timed out (the fan-out's G_IO_ERROR_TIMED_OUT; the steps here fail
 * with FERRY_LIBVIRT_ERROR only). */
static const char *
unanswered_message (const FerryFanoutResult *result,
                    const char              *late)
{
  if (result->error == NULL || g_error_matches (result->error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return late;
  return result->error->message;
}

static char *
version_string (unsigned long version)
{
  return g_strdup_printf ("%lu.%lu.%lu", version / 1000000, (version / 1000) % 1000, version % 1000);
}

/* --------------------------------------------------------------- probe */

/* The host-model CPU (for virConnectBaselineHypervisorCPU) and the usable
 * CPU models of @virttype guests. */
static void
probe_domcaps (virConnectPtr   conn,
               FerryNodeProbe *probe,
               FerryVirttype   virttype)
{
  g_autofree char *xml = virConnectGetDomainCapabilities (conn, NULL, probe->arch, NULL,
                                                          virttype_names[virttype], 0);
  g_autoptr(FerryDomcapsXml) domcaps = NULL;

  if (xml == NULL || !(domcaps = ferry_domcaps_xml_parse (xml, NULL)))
    {
      virResetLastError ();
      return;
    }
  probe->host_cpu[virttype] = g_steal_pointer (&domcaps->host_cpu_xml);
  probe->models[virttype] = g_steal_pointer (&domcaps->usable_models);
}

/* A pool whose volumes are files on the host's own file systems: "dir" or
 * "fs" (netfs files get the file server's stamps), "default" first. */
static virStoragePoolPtr
clock_pool (virConnectPtr conn)
{
  virStoragePoolPtr *pools = NULL;
  virStoragePoolPtr chosen = NULL;
  int n = virConnectListAllStoragePools (conn, &pools, VIR_CONNECT_LIST_STORAGE_POOLS_ACTIVE |
                                                     VIR_CONNECT_LIST_STORAGE_POOLS_DIR |
                                                     VIR_CONNECT_LIST_STORAGE_POOLS_FS);

  for (int i = 0; i < n; i++)
    {
      if (chosen == NULL || g_strcmp0 (virStoragePoolGetName (pools[i]), "default") == 0)
        {
          if (chosen != NULL)
            virStoragePoolFree (chosen);
          chosen = pools[i];
        }
      else
        virStoragePoolFree (pools[i]);
    }
  free (pools);
  virResetLastError ();
  return chosen;
}

/* "1795688903.179176879" → seconds; FALSE for "0" (not stamped) or junk. */
static gboolean
parse_stamp (const char *text,
             double     *seconds)
{
  char *end = NULL;
  double value;

  if (text == NULL)
    return FALSE;
  value = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0' || !(value > 0))
    return FALSE;
  *seconds = value;
  return TRUE;
}

static void
probe_clock (virConnectPtr   conn,
             FerryNodeProbe *probe)
{
  virStoragePoolPtr pool = clock_pool (conn);
  virStorageVolPtr volume;
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *xml = NULL;
  g_autofree char *volume_xml = NULL;
  g_autoptr(FerryVolumeXml) desc = NULL;
  const char *stamp_text = NULL;
  gint64 before, after;
  double stamp;

  if (pool == NULL)
    {
      probe->clock_error = g_strdup (_("it has no active local directory pool to stamp a file in"));
      return;
    }
  xml = g_strdup_printf ("<volume><name>ferry-clock-%s.raw</name><capacity>0</capacity>"
                         "<target><format type='raw'/></target></volume>", uuid);
  before = g_get_real_time ();
  volume = virStorageVolCreateXML (pool, xml, 0);
  after = g_get_real_time ();
  if (volume == NULL)
    {
      g_autoptr(GError) error = NULL;

      ferry_libvirt_set_error (&error, NULL);
      probe->clock_error = g_strdup_printf (_("it could not create a file in pool “%s”: %s"),
                                            virStoragePoolGetName (pool), error->message);
      virStoragePoolFree (pool);
      return;
    }
  volume_xml = virStorageVolGetXMLDesc (volume, 0);
  if (virStorageVolDelete (volume, 0) < 0)
    {
      g_autoptr(GError) error = NULL;

      ferry_libvirt_set_error (&error, NULL);
      g_warning ("Could not delete the clock probe volume %s: %s", virStorageVolGetName (volume),
                 error->message);
    }
  virStorageVolFree (volume);
  virStoragePoolFree (pool);
  virResetLastError ();

  if (volume_xml != NULL && (desc = ferry_volume_xml_parse (volume_xml, NULL)) != NULL)
    stamp_text = desc->ctime != NULL ? desc->ctime : desc->mtime;
  if (!parse_stamp (stamp_text, &stamp))
    {
      probe->clock_error = g_strdup (_("its storage did not report the file’s time"));
      return;
    }
  probe->clock_known = TRUE;
  probe->clock_offset = stamp - (before + after) / 2.0 / G_USEC_PER_SEC;
  probe->clock_uncertainty = (after - before) / 2.0 / G_USEC_PER_SEC;
}

static FerryVmFacts *
vm_facts (virDomainPtr domain)
{
  g_autoptr(FerryDomainXml) desc = NULL;
  g_autoptr(GStrvBuilder) disk_paths = g_strv_builder_new ();
  g_autofree char *xml = NULL;
  GPtrArray *disks;
  FerryVmFacts *facts;
  char uuid[VIR_UUID_STRING_BUFLEN];
  int persistent = virDomainIsPersistent (domain);

  xml = virDomainGetXMLDesc (domain, persistent == 1 ? VIR_DOMAIN_XML_INACTIVE : 0);
  if (xml == NULL || virDomainGetUUIDString (domain, uuid) < 0 || !(desc = ferry_domain_xml_new (xml, NULL)))
    return NULL;

  facts = g_new0 (FerryVmFacts, 1);
  facts->uuid = g_strdup (uuid);
  facts->name = g_strdup (virDomainGetName (domain));
  facts->active = virDomainIsActive (domain) == 1;
  facts->persistent = persistent == 1;
  facts->virttype = g_strdup (ferry_domain_xml_get_virt_type (desc));
  /* Files and block devices as paths, volumes as "pool:POOL/VOLUME"
   * (ferry-cluster-page.c tells shared storage by them); CD-ROMs apart. */
  disks = ferry_domain_xml_get_disks (desc);
  for (guint i = 0; i < disks->len; i++)
    {
      FerryDomainDisk *disk = g_ptr_array_index (disks, i);

      if (strcmp (disk->device, "disk") != 0)
        continue;
      if (strcmp (disk->type, "volume") == 0 && disk->pool != NULL)
        {
          g_autofree char *ref = g_strdup_printf ("pool:%s/%s", disk->pool, disk->volume ? disk->volume : "");

          g_strv_builder_add (disk_paths, ref);
        }
      else if ((strcmp (disk->type, "file") == 0 || strcmp (disk->type, "block") == 0) && disk->source != NULL)
        g_strv_builder_add (disk_paths, disk->source);
    }
  facts->disks = g_strv_builder_end (disk_paths);
  facts->networks = ferry_domain_xml_dup_networks (desc);
  facts->cpu_xml = ferry_domain_xml_dup_cpu_xml (desc);
  return facts;
}

static void
probe_pools (virConnectPtr   conn,
             FerryNodeProbe *probe)
{
  virStoragePoolPtr *pools = NULL;
  int n = virConnectListAllStoragePools (conn, &pools, 0);

  for (int i = 0; i < n; i++)
    {
      g_autofree char *xml = virStoragePoolGetXMLDesc (pools[i], 0);

      if (xml != NULL)
        {
          FerryPoolFacts *facts = g_new0 (FerryPoolFacts, 1);
          g_autoptr(FerryPoolXml) desc = ferry_pool_xml_parse (xml, NULL);

          facts->name = g_strdup (virStoragePoolGetName (pools[i]));
          facts->active = virStoragePoolIsActive (pools[i]) == 1;
          if (desc != NULL)
            {
              facts->type = g_steal_pointer (&desc->type);
              facts->path = g_steal_pointer (&desc->target_path);
              facts->nfs_host = g_steal_pointer (&desc->source_host);
              facts->nfs_export = g_steal_pointer (&desc->source_dir);
            }
          g_ptr_array_add (probe->pools, facts);
        }
      virStoragePoolFree (pools[i]);
    }
  free (pools);
  virResetLastError ();
}

static gpointer
probe_step (FerryNode     *node,
            virConnectPtr  conn,
            guint          index,
            gpointer       user_data,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(FerryNodeProbe) probe = g_new0 (FerryNodeProbe, 1);
  g_autofree char *caps_xml = NULL;
  g_autoptr(FerryCapsXml) caps = NULL;
  virDomainPtr *domains = NULL;
  virNetworkPtr *networks = NULL;
  unsigned long version = 0;
  int n;

  FERRY_ASSERT_WORKER_THREAD ();

  probe->vms = g_ptr_array_new_with_free_func ((GDestroyNotify) ferry_vm_facts_free);
  probe->networks = g_ptr_array_new_with_free_func ((GDestroyNotify) ferry_network_facts_free);
  probe->pools = g_ptr_array_new_with_free_func ((GDestroyNotify) ferry_pool_facts_free);
  if (!(caps_xml = virConnectGetCapabilities (conn)))
    {
      ferry_libvirt_set_error (error, NULL);
      return NULL;
    }
  probe->reachable = TRUE;
  if ((caps = ferry_caps_xml_parse (caps_xml, NULL)) != NULL)
    {
      probe->arch = g_steal_pointer (&caps->host_arch);
      probe->host_uuid = g_steal_pointer (&caps->host_uuid);
      probe->has_kvm = ferry_caps_xml_has_domain_type (caps, probe->arch ? probe->arch : "x86_64", "kvm");
    }

  if (virConnectGetLibVersion (conn, &version) == 0)
    probe->libvirt_version = version_string (version);
  if (virConnectGetVersion (conn, &version) == 0)
    probe->hypervisor_version = version_string (version);
  virResetLastError ();

  probe_clock (conn, probe);
  probe_domcaps (conn, probe, FERRY_VIRTTYPE_QEMU);
  if (probe->has_kvm)
    probe_domcaps (conn, probe, FERRY_VIRTTYPE_KVM);

  n = virConnectListAllDomains (conn, &domains, 0);
  for (int i = 0; i < n; i++)
    {
      FerryVmFacts *facts = vm_facts (domains[i]);

      if (facts != NULL)
        g_ptr_array_add (probe->vms, facts);
      virDomainFree (domains[i]);
    }
  free (domains);

  n = virConnectListAllNetworks (conn, &networks, 0);
  for (int i = 0; i < n; i++)
    {
      FerryNetworkFacts *facts = g_new0 (FerryNetworkFacts, 1);

      facts->name = g_strdup (virNetworkGetName (networks[i]));
      facts->active = virNetworkIsActive (networks[i]) == 1;
      g_ptr_array_add (probe->networks, facts);
      virNetworkFree (networks[i]);
    }
  free (networks);
  probe_pools (conn, probe);
  virResetLastError ();

  return g_steal_pointer (&probe);
}

static void
probe_done (GObject      *object,
            GAsyncResult *res,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GPtrArray) results = NULL;
  GPtrArray *probes;
  GError *error = NULL;

  if (!(results = ferry_fanout_run_finish (res, &error)))
    {
      g_task_return_error (task, error);
      return;
    }
  probes = g_ptr_array_new_with_free_func ((GDestroyNotify) ferry_node_probe_free);
  for (guint i = 0; i < results->len; i++)
    {
      FerryFanoutResult *result = g_ptr_array_index (results, i);
      FerryNodeProbe *probe = g_steal_pointer (&result->value);

      /* Unreachable, with why. */
      if (probe == NULL)
        {
          probe = g_new0 (FerryNodeProbe, 1);
          probe->vms = g_ptr_array_new_with_free_func ((GDestroyNotify) ferry_vm_facts_free);
          probe->networks = g_ptr_array_new_with_free_func ((GDestroyNotify) ferry_network_facts_free);
          probe->pools = g_ptr_array_new_with_free_func ((GDestroyNotify) ferry_pool_facts_free);
          probe->error = g_strdup (unanswered_message (result, _("It did not answer in time.")));
        }
      probe->node_id = g_strdup (ferry_node_get_id (result->node));
      probe->node_name = g_strdup (ferry_node_get_name (result->node));
      g_ptr_array_add (probes, probe);
    }
  if (g_task_return_error_if_cancelled (task))
    g_ptr_array_unref (probes);
  else
    g_task_return_pointer (task, probes, (GDestroyNotify) g_ptr_array_unref);
}

void
ferry_cluster_probe_async (GPtrArray           *nodes,
                           guint                timeout_seconds,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, ferry_cluster_probe_async);
  /* Reads only: a cancel lets the probes that have not begun skip. */
  ferry_fanout_run_async (nodes, timeout_seconds, probe_step, NULL, NULL,
                          (GDestroyNotify) ferry_node_probe_free, cancellable,
                          probe_done, g_steal_pointer (&task));
}

GPtrArray *
ferry_cluster_probe_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ferry_cluster_probe_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---------------------------------------------------------- evaluation */

static void
add_check (GPtrArray          *checks,
           const char         *code,
           FerryCheckSeverity  severity,
           const char         *title,
           const char         *detail,
           const char         *fix)
{
  FerryClusterCheck *check = g_new0 (FerryClusterCheck, 1);

  check->code = g_strdup (code);
  check->severity = severity;
  check->title = g_strdup (title);
  check->detail = g_strdup (detail);
  check->fix = g_strdup (fix);
  g_ptr_array_add (checks, check);
}

/* "node1: 9.0.0, node2: 8.0.0" when they differ, else NULL (with the one
 * value in @common). */
static char *
compare_values (GPtrArray  *probes,
                gsize       offset,
                char      **common)
{
  g_autoptr(GString) listing = g_string_new (NULL);
  const char *first = NULL;
  gboolean differ = FALSE;

  for (guint i = 0; i < probes->len; i++)
    {
      FerryNodeProbe *probe = g_ptr_array_index (probes, i);
      const char *value = G_STRUCT_MEMBER (const char *, probe, offset);

      if (!probe->reachable)
        continue;
      if (value == NULL)
        value = "?";
      if (first == NULL)
        first = value;
      else if (!g_str_equal (first, value))
        differ = TRUE;
      if (listing->len > 0)
        g_string_append (listing, ", ");
      g_string_append_printf (listing, "%s: %s", probe->node_name, value);
    }
  *common = g_strdup (first);
  return differ ? g_string_free (g_steal_pointer (&listing), FALSE) : NULL;
}

/* Clocks more than this far apart (beyond what the measurement cannot
 * tell) are a warning; beyond the second, a failure: TLS certificates,
 * logs and leases go wrong, and a guest's clock jumps when it migrates. */
#define CLOCK_WARN_SECONDS 1.0
#define CLOCK_FAIL_SECONDS 60.0

static void
add_clock_check (GPtrArray *checks,
                 GPtrArray *probes)
{
  g_autoptr(GString) offsets = g_string_new (NULL);
  g_autoptr(GString) unknown = g_string_new (NULL);
  const FerryNodeProbe *earliest = NULL;
  const FerryNodeProbe *latest = NULL;
  g_autofree char *title = NULL;
  double apart = 0;
  guint n_known = 0;

  for (guint i = 0; i < probes->len; i++)
    {
      const FerryNodeProbe *probe = g_ptr_array_index (probes, i);

      if (!probe->reachable)
        continue;
      if (!probe->clock_known)
        {
          if (unknown->len > 0)
            g_string_append (unknown, "\n");
          g_string_append_printf (unknown, _("%s: not compared (%s)"), probe->node_name,
                                  probe->clock_error ? probe->clock_error : _("no answer"));
          continue;
        }
      n_known++;
      if (offsets->len > 0)
        g_string_append (offsets, "\n");
      /* Translators: a host's clock against this computer's, e.g. "node1: +0.004 s (± 0.002 s)". */
      g_string_append_printf (offsets, _("%s: %+.3f s (± %.3f s)"), probe->node_name,
                              probe->clock_offset, probe->clock_uncertainty);
      if (earliest == NULL || probe->clock_offset < earliest->clock_offset)
        earliest = probe;
      if (latest == NULL || probe->clock_offset > latest->clock_offset)
        latest = probe;
    }

  if (earliest != NULL)
    /* What is surely apart: the spread less what either reading may be off. */
    apart = MAX (0, latest->clock_offset - earliest->clock_offset -
                    earliest->clock_uncertainty - latest->clock_uncertainty);

  if (n_known >= 2 && apart > CLOCK_WARN_SECONDS)
    {
      g_autofree char *detail = g_strdup_printf (_("%s is %.1f s ahead of %s. Against this computer:\n%s%s%s"),
                                                 latest->node_name, latest->clock_offset - earliest->clock_offset,
                                                 earliest->node_name, offsets->str,
                                                 unknown->len > 0 ? "\n" : "", unknown->str);

      title = g_strdup_printf (_("Clocks are %.0f s apart"), ceil (apart));
      add_check (checks, "clock", apart > CLOCK_FAIL_SECONDS ? FERRY_CHECK_FAIL : FERRY_CHECK_WARN, title, detail,
                 _("Run chrony or another NTP client on every node, against the same servers."));
    }
  else if (n_known >= 2 && unknown->len == 0)
    {
      g_autofree char *detail = g_strdup_printf (_("Against this computer:\n%s"), offsets->str);

      add_check (checks, "clock", FERRY_CHECK_PASS, _("Clocks agree (within a second)"), detail, NULL);
    }
  else if (n_known >= 2)
    {
      g_autofree char *detail = g_strdup_printf (_("Against this computer:\n%s\n%s"), offsets->str, unknown->str);

      add_check (checks, "clock", FERRY_CHECK_INFO, _("Some clocks could not be compared"), detail,
                 _("Run chrony or another NTP client on every node."));
    }
  else if (n_known == 1 && unknown->len == 0)
    add_check (checks, "clock", FERRY_CHECK_PASS, _("One node: no clocks to compare"), offsets->str, NULL);
  else
    {
      g_autofree char *detail = g_strjoin (offsets->len > 0 && unknown->len > 0 ? "\n" : "",
                                           offsets->str, unknown->str, NULL);

      add_check (checks, "clock", FERRY_CHECK_INFO, _("Clocks could not be compared"), detail,
                 _("Give the nodes an active directory storage pool (Ferry stamps an empty file in it), "
                   "and run chrony or another NTP client on every node."));
    }
}

GPtrArray *
ferry_cluster_evaluate (GPtrArray *probes)
{
  GPtrArray *checks = g_ptr_array_new_with_free_func ((GDestroyNotify) ferry_cluster_check_free);
  g_autoptr(GString) unreachable = g_string_new (NULL);
  g_autofree char *common = NULL;
  g_autofree char *differ = NULL;
  guint n_reachable = 0;
  guint n_kvm = 0;

  for (guint i = 0; i < probes->len; i++)
    {
      FerryNodeProbe *probe = g_ptr_array_index (probes, i);

      if (probe->reachable)
        {
          n_reachable++;
          n_kvm += probe->has_kvm;
          continue;
        }
      if (unreachable->len > 0)
        g_string_append (unreachable, "\n");
      g_string_append_printf (unreachable, "%s: %s", probe->node_name,
                              probe->error ? probe->error : _("not connected"));
    }

  if (n_reachable == probes->len)
    {
      g_autofree char *title = g_strdup_printf (ngettext ("The node answers", "All %u nodes answer",
                                                          probes->len), probes->len);
      add_check (checks, "reachable", FERRY_CHECK_PASS, title, NULL, NULL);
    }
  else
    add_check (checks, "reachable", FERRY_CHECK_FAIL, _("Some nodes do not answer"), unreachable->str,
               _("Make sure libvirtd runs on them and that Ferry can connect (Edit Connection)."));

  if (n_reachable == 0)
    return checks;

  differ = compare_values (probes, G_STRUCT_OFFSET (FerryNodeProbe, arch), &common);
  if (differ == NULL)
    {
      g_autofree char *title = g_strdup_printf (_("Same architecture (%s)"), common);
      add_check (checks, "arch", FERRY_CHECK_PASS, title, NULL, NULL);
    }
  else
    add_check (checks, "arch", FERRY_CHECK_FAIL, _("The nodes have different architectures"), differ,
               _("Virtual machines cannot move between architectures: keep one architecture per cluster."));
  g_clear_pointer (&differ, g_free);
  g_clear_pointer (&common, g_free);

  {
    g_autoptr(GString) clashes = g_string_new (NULL);

    for (guint i = 0; i < probes->len; i++)
      for (guint j = i + 1; j < probes->len; j++)
        {
          FerryNodeProbe *a = g_ptr_array_index (probes, i);
          FerryNodeProbe *b = g_ptr_array_index (probes, j);

          if (a->reachable && b->reachable && a->host_uuid != NULL &&
              g_strcmp0 (a->host_uuid, b->host_uuid) == 0)
            {
              if (clashes->len > 0)
                g_string_append (clashes, "\n");
              g_string_append_printf (clashes, _("%s and %s: %s"), a->node_name, b->node_name, a->host_uuid);
            }
        }
    if (clashes->len == 0)
      add_check (checks, "uuid", FERRY_CHECK_PASS, _("Every node has its own host UUID"), NULL, NULL);
    else
      add_check (checks, "uuid", FERRY_CHECK_FAIL, _("Nodes share a host UUID"), clashes->str,
                 _("Give each host its own host_uuid in /etc/libvirt/libvirtd.conf and restart libvirtd: "
                   "libvirt refuses to migrate between hosts with the same UUID."));
  }

  differ = compare_values (probes, G_STRUCT_OFFSET (FerryNodeProbe, libvirt_version), &common);
  if (differ == NULL)
    {
      g_autofree char *title = g_strdup_printf (_("Same libvirt version (%s)"), common);
      add_check (checks, "libvirt", FERRY_CHECK_PASS, title, NULL, NULL);
    }
  else
    add_check (checks, "libvirt", FERRY_CHECK_WARN, _("libvirt versions differ"), differ,
               _("Update the older nodes: a migration to an older libvirt may be refused."));
  g_clear_pointer (&differ, g_free);
  g_clear_pointer (&common, g_free);

  differ = compare_values (probes, G_STRUCT_OFFSET (FerryNodeProbe, hypervisor_version), &common);
  if (differ == NULL)
    {
      g_autofree char *title = g_strdup_printf (_("Same QEMU version (%s)"), common);
      add_check (checks, "qemu", FERRY_CHECK_PASS, title, NULL, NULL);
    }
  else
    add_check (checks, "qemu", FERRY_CHECK_WARN, _("QEMU versions differ"), differ,
               _("Update the older nodes: a guest started on a newer QEMU may not move to an older one."));

  if (n_kvm != 0 && n_kvm != n_reachable)
    add_check (checks, "kvm", FERRY_CHECK_WARN, _("Not every node offers KVM"),
               _("Virtual machines using KVM cannot run on the nodes without it."),
               _("Enable virtualization in the firmware of those hosts, or load the kvm module."));

  add_clock_check (checks, probes);
  return checks;
}

FerryCheckSeverity
ferry_cluster_worst_severity (GPtrArray *checks)
{
  FerryCheckSeverity worst = FERRY_CHECK_PASS;

  for (guint i = 0; checks != NULL && i < checks->len; i++)
    worst = MAX (worst, ((FerryClusterCheck *) g_ptr_array_index (checks, i))->severity);
  return worst;
}

FerryVirttype
ferry_cluster_choose_virttype (GPtrArray *probes)
{
  gboolean any_vm = FALSE;
  gboolean all_kvm = TRUE;

  for (guint i = 0; i < probes->len; i++)
    {
      FerryNodeProbe *probe = g_ptr_array_index (probes, i);

      if (!probe->reachable)
        continue;
      all_kvm = all_kvm && probe->has_kvm;
      for (guint j = 0; j < probe->vms->len; j++)
        {
          FerryVmFacts *vm = g_ptr_array_index (probe->vms, j);

          if (g_strcmp0 (vm->virttype, "kvm") == 0)
            return FERRY_VIRTTYPE_KVM;
          any_vm = TRUE;
        }
    }
  /* The guests already there tell what the cluster runs. */
  if (any_vm)
    return FERRY_VIRTTYPE_QEMU;
  return all_kvm ? FERRY_VIRTTYPE_KVM : FERRY_VIRTTYPE_QEMU;
}

char *
ferry_cluster_common_model (GPtrArray     *probes,
                            FerryVirttype  virttype)
{
  FerryNodeProbe *first = NULL;

  for (guint i = 0; i < probes->len && first == NULL; i++)
    if (((FerryNodeProbe *) g_ptr_array_index (probes, i))->reachable)
      first = g_ptr_array_index (probes, i);
  if (first == NULL || first->models[virttype] == NULL)
    return NULL;

  for (guint m = 0; first->models[virttype][m] != NULL; m++)
    {
      const char *model = first->models[virttype][m];
      gboolean everywhere = TRUE;

      for (guint i = 0; i < probes->len && everywhere; i++)
        {
          FerryNodeProbe *probe = g_ptr_array_index (probes, i);

          everywhere = !probe->reachable ||
                       (probe->models[virttype] != NULL &&
                        g_strv_contains ((const char * const *) probe->models[virttype], model));
        }
      if (everywhere)
        return g_strdup (model);
    }
  return NULL;
}

typedef struct
{
  char      *mode;
  char      *model;
  char      *vendor;
  GPtrArray *features;    /* "policy:name", sorted */
} CpuShape;

static void
cpu_shape_clear (CpuShape *shape)
{
  g_free (shape->mode);
  g_free (shape->model);
  g_free (shape->vendor);
  g_clear_pointer (&shape->features, g_ptr_array_unref);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static gboolean
cpu_shape (const char *xml,
           CpuShape   *shape)
{
  g_autoptr(FerryCpuXml) cpu = NULL;

  memset (shape, 0, sizeof *shape);
  if (xml == NULL || !(cpu = ferry_cpu_xml_parse (xml, NULL)))
    return FALSE;
  shape->mode = g_steal_pointer (&cpu->mode);
  shape->model = g_steal_pointer (&cpu->model);
  shape->vendor = g_steal_pointer (&cpu->vendor);
  shape->features = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < cpu->features->len; i++)
    {
      FerryCpuFeature *feature = g_ptr_array_index (cpu->features, i);

      g_ptr_array_add (shape->features, g_strdup_printf ("%s:%s", feature->policy,
                                                         feature->name ? feature->name : ""));
    }
  g_ptr_array_sort (shape->features, compare_strings);
  return TRUE;
}

char *
ferry_cluster_cpu_summary (const char *cpu_xml)
{
  CpuShape shape;
  guint disabled = 0;
  char *summary;

  if (!cpu_shape (cpu_xml, &shape) || shape.model == NULL)
    {
      cpu_shape_clear (&shape);
      return NULL;
    }
  for (guint i = 0; i < shape.features->len; i++)
    disabled += g_str_has_prefix (g_ptr_array_index (shape.features, i), "disable:") ||
                g_str_has_prefix (g_ptr_array_index (shape.features, i), "forbid:");
  if (shape.vendor != NULL)
    summary = g_strdup_printf (_("%s (%s), %u extra features, %u disabled"), shape.model, shape.vendor,
                               shape.features->len - disabled, disabled);
  else
    summary = g_strdup_printf (_("%s, %u extra features, %u disabled"), shape.model,
                               shape.features->len - disabled, disabled);
  cpu_shape_clear (&shape);
  return summary;
}

gboolean
ferry_cluster_cpu_equal (const char *a,
                         const char *b)
{
  CpuShape x, y;
  gboolean equal;

  if (a == NULL || b == NULL)
    return a == b;
  if (!cpu_shape (a, &x) | !cpu_shape (b, &y))
    equal = FALSE;
  else
    {
      equal = g_str_equal (x.mode, y.mode) && g_strcmp0 (x.model, y.model) == 0 &&
              x.features->len == y.features->len;
      for (guint i = 0; equal && i < x.features->len; i++)
        equal = g_str_equal (g_ptr_array_index (x.features, i), g_ptr_array_index (y.features, i));
    }
  cpu_shape_clear (&x);
  cpu_shape_clear (&y);
  return equal;
}

/* ------------------------------------------------------------ baseline */

typedef struct
{
  GPtrArray     *cpus;        /* char *: host CPUs */
  char          *arch;
  char          *fallback_model;
  FerryVirttype  virttype;
} BaselineData;

static void
baseline_data_free (BaselineData *data)
{
  g_ptr_array_unref (data->cpus);
  g_free (data->arch);
  g_free (data->fallback_model);
  g_free (data);
}

static void
baseline_thread (GTask         *task,
                 FerryNode     *node,
                 virConnectPtr  conn,
                 gpointer       task_data,
                 GCancellable  *cancellable)
{
  BaselineData *data = task_data;
  g_autoptr(FerryBaseline) baseline = g_new0 (FerryBaseline, 1);
  g_autofree char *libvirt_error = NULL;

  FERRY_ASSERT_WORKER_THREAD ();

  baseline->virttype = g_strdup (virttype_names[data->virttype]);
  if (data->cpus->len > 0)
    {
      baseline->cpu_xml = virConnectBaselineHypervisorCPU (conn, NULL, data->arch, NULL,
                                                           virttype_names[data->virttype],
                                                           (const char **) data->cpus->pdata,
                                                           data->cpus->len,
                                                           VIR_CONNECT_BASELINE_CPU_MIGRATABLE);
      if (baseline->cpu_xml == NULL)
        {
          virErrorPtr err = virGetLastError ();

          libvirt_error = g_strdup (err && err->message ? err->message : "?");
        }
      else
        baseline->method = g_strdup_printf (_("Computed by libvirt from the host-model CPUs of %u nodes "
                                              "(%s guests), migratable features only."),
                                            data->cpus->len, virttype_names[data->virttype]);
    }
  virResetLastError ();

  if (baseline->cpu_xml == NULL && data->fallback_model != NULL)
    {
      g_autofree char *escaped = g_markup_escape_text (data->fallback_model, -1);

      baseline->cpu_xml = g_strdup_printf ("<cpu mode='custom' match='exact'>\n"
                                           "  <model fallback='forbid'>%s</model>\n</cpu>\n", escaped);
      if (libvirt_error != NULL)
        baseline->method = g_strdup_printf (_("libvirt could not compute a baseline (%s); %s is the first "
                                              "CPU model every node can run."),
                                            libvirt_error, data->fallback_model);
      else
        baseline->method = g_strdup_printf (_("Not every node describes its host CPU; %s is the first "
                                              "CPU model every node can run."), data->fallback_model);
    }
  if (baseline->cpu_xml == NULL)
    {
      g_task_return_new_error (task, FERRY_LIBVIRT_ERROR, FERRY_LIBVIRT_ERROR_FAILED,
                               _("No CPU model is common to every node%s%s"),
                               libvirt_error ? ": " : ".", libvirt_error ? libvirt_error : "");
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&baseline), (GDestroyNotify) ferry_baseline_free);
}

void
ferry_cluster_baseline_async (FerryNode           *node,
                              GPtrArray           *probes,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (node, cancellable, callback, user_data);
  BaselineData *data = g_new0 (BaselineData, 1);
  gboolean complete = TRUE;

  g_task_set_source_tag (task, ferry_cluster_baseline_async);
  data->cpus = g_ptr_array_new_with_free_func (g_free);
  data->virttype = ferry_cluster_choose_virttype (probes);
  for (guint i = 0; i < probes->len; i++)
    {
      FerryNodeProbe *probe = g_ptr_array_index (probes, i);

      if (!probe->reachable)
        continue;
      if (data->arch == NULL)
        data->arch = g_strdup (probe->arch);
      if (probe->host_cpu[data->virttype] != NULL)
        g_ptr_array_add (data->cpus, g_strdup (probe->host_cpu[data->virttype]));
      else
        complete = FALSE;
    }
  /* Half a list would give a CPU the others may lack. */
  if (!complete)
    g_ptr_array_set_size (data->cpus, 0);
  data->fallback_model = ferry_cluster_common_model (probes, data->virttype);
  g_task_set_task_data (task, data, (GDestroyNotify) baseline_data_free);
  _ferry_node_run_with_connection (node, task, baseline_thread);
}

FerryBaseline *
ferry_cluster_baseline_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ferry_cluster_baseline_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---------------------------------------------------------- apply CPU */

static char *
domain_with_cpu (FerryDomainXml  *domain,
                 const char      *cpu_xml,
                 GError         **error)
{
  g_autofree char *old = ferry_domain_xml_dup_cpu_xml (domain);
  g_autofree char *cpu = NULL;

  /* The VM's shape (sockets, cores, NUMA) is not the cluster's business. */
  if (!(cpu = ferry_cpu_xml_keep_shape (cpu_xml, old, error)) ||
      !ferry_domain_xml_set_cpu_xml (domain, cpu, error))
    return NULL;
  return ferry_domain_xml_to_string (domain);
}

char *
ferry_cluster_domain_with_cpu (const char  *domain_xml,
                               const char  *cpu_xml,
                               GError     **error)
{
  g_autoptr(FerryDomainXml) domain = ferry_domain_xml_new (domain_xml, error);

  return domain != NULL ? domain_with_cpu (domain, cpu_xml, error) : NULL;
}

typedef struct
{
  char  *cpu_xml;
  GStrv  uuids;
} ApplyData;

static void
apply_data_free (ApplyData *data)
{
  g_free (data->cpu_xml);
  g_strfreev (data->uuids);
  g_free (data);
}

static gpointer
apply_step (FerryNode     *node,
            virConnectPtr  conn,
            guint          index,
            gpointer       user_data,
            GCancellable  *cancellable,
            GError       **error)
{
  ApplyData *data = user_data;
  GPtrArray *results = g_ptr_array_new_with_free_func ((GDestroyNotify) ferry_cpu_apply_result_free);
  virDomainPtr *domains = NULL;
  int n;

  FERRY_ASSERT_WORKER_THREAD ();

  n = virConnectListAllDomains (conn, &domains, VIR_CONNECT_LIST_DOMAINS_PERSISTENT);
  for (int i = 0; i < n; i++)
    {
      FerryCpuApplyResult *result;
      char uuid[VIR_UUID_STRING_BUFLEN] = "";
      g_autofree char *xml = NULL;
      g_autofree char *new_xml = NULL;
      g_autoptr(GError) local_error = NULL;
      g_autoptr(FerryDomainXml) domain = NULL;

      virDomainGetUUIDString (domains[i], uuid);
      if (data->uuids != NULL && !g_strv_contains ((const char * const *) data->uuids, uuid))
        {
          virDomainFree (domains[i]);
          continue;
        }
      result = g_new0 (FerryCpuApplyResult, 1);
      result->vm_name = g_strdup (virDomainGetName (domains[i]));
      result->node_name = g_strdup (ferry_node_get_name (node));
      /* SECURE: a redefinition must keep the VNC password. */
      xml = virDomainGetXMLDesc (domains[i], VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE);
      if (xml != NULL && (domain = ferry_domain_xml_new (xml, &local_error)) != NULL)
        {
          g_autofree char *current = ferry_domain_xml_dup_cpu_xml (domain);

          if (current != NULL && ferry_cluster_cpu_equal (current, data->cpu_xml))
            {
              result->outcome = FERRY_CPU_APPLY_UNCHANGED;
              g_ptr_array_add (results, result);
              virDomainFree (domains[i]);
              continue;
            }
        }
      if (xml == NULL)
        {
          ferry_libvirt_set_error (&local_error, NULL);
          result->outcome = FERRY_CPU_APPLY_FAILED;
          result->message = g_strdup (local_error->message);
        }
      else if (domain == NULL || !(new_xml = domain_with_cpu (domain, data->cpu_xml, &local_error)))
        {
          result->outcome = FERRY_CPU_APPLY_FAILED;
          result->message = g_strdup (local_error->message);
        }
      else
        {
          virDomainPtr defined = virDomainDefineXML (conn, new_xml);

          if (defined == NULL)
            {
              ferry_libvirt_set_error (&local_error, NULL);
              result->outcome = FERRY_CPU_APPLY_FAILED;
              result->message = g_strdup (local_error->message);
            }
          else
            {
              result->outcome = virDomainIsActive (defined) == 1 ? FERRY_CPU_APPLY_NEXT_START
                                                                 : FERRY_CPU_APPLY_NOW;
              virDomainFree (defined);
            }
        }
      g_ptr_array_add (results, result);
      virDomainFree (domains[i]);
    }
  free (domains);
  virResetLastError ();
  return results;
}

static void
apply_done (GObject      *object,
            GAsyncResult *res,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  /* No cancellable: it cannot fail. */
  g_autoptr(GPtrArray) answers = ferry_fanout_run_finish (res, NULL);
  GPtrArray *all = g_ptr_array_new_with_free_func ((GDestroyNotify) ferry_cpu_apply_result_free);

  for (guint i = 0; i < answers->len; i++)
    {
      FerryFanoutResult *answer = g_ptr_array_index (answers, i);

      if (answer->value != NULL)
        g_ptr_array_extend_and_steal (all, g_steal_pointer (&answer->value));
      else
        {
          FerryCpuApplyResult *result = g_new0 (FerryCpuApplyResult, 1);

          result->node_name = g_strdup (ferry_node_get_name (answer->node));
          result->outcome = FERRY_CPU_APPLY_FAILED;
          result->message = g_strdup (unanswered_message (answer, _("It did not answer in time.")));
          g_ptr_array_add (all, result);
        }
    }
  /* A cancelled task returns G_IO_ERROR_CANCELLED here. */
  g_task_return_pointer (task, all, (GDestroyNotify) g_ptr_array_unref);
}

void
ferry_cluster_apply_cpu_async (GPtrArray           *nodes,
                               const char          *cpu_xml,
                               const char * const  *uuids,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  ApplyData *data = g_new0 (ApplyData, 1);

  g_task_set_source_tag (task, ferry_cluster_apply_cpu_async);
  data->cpu_xml = g_strdup (cpu_xml);
  data->uuids = g_strdupv ((char **) uuids);
  /* Without the cancellable: once begun, every node's VMs are redefined
   * and a cancel only drops the report (@task has the cancellable). */
  ferry_fanout_run_async (nodes, 60, apply_step, data, (GDestroyNotify) apply_data_free,
                          (GDestroyNotify) g_ptr_array_unref, NULL, apply_done, g_steal_pointer (&task));
}

GPtrArray *
ferry_cluster_apply_cpu_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ferry_cluster_apply_cpu_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------ shared storage */

static gboolean
host_is_valid (const char *host)
{
  if (host == NULL || host[0] == '\0' || strlen (host) > 253)
    return FALSE;
  for (const char *p = host; *p; p++)
    if (!g_ascii_isalnum (*p) && strchr ("-.:[]_", *p) == NULL)
      return FALSE;
  return TRUE;
}

static gboolean
path_is_valid (const char *path)
{
  return path != NULL && path[0] == '/' && strstr (path, "/..") == NULL &&
         g_utf8_validate (path, -1, NULL) && strpbrk (path, "\n\r\t") == NULL;
}

static const FerryPoolFacts *
find_pool (const FerryNodeProbe *probe,
           const char           *name)
{
  for (guint i = 0; probe->pools != NULL && i < probe->pools->len; i++)
    {
      const FerryPoolFacts *pool = g_ptr_array_index (probe->pools, i);

      if (g_strcmp0 (pool->name, name) == 0)
        return pool;
    }
  return NULL;
}

/* Active, file-based, and not libvirt's own per-host directory (the
 * "default" pool at /var/lib/libvirt/images has the same path on every
 * host and is never shared). */
static gboolean
pool_usable (const FerryPoolFacts *pool)
{
  return pool->active && pool->path != NULL &&
         ((g_strcmp0 (pool->type, "dir") == 0 && !g_str_has_prefix (pool->path, "/var/lib/libvirt/")) ||
          (g_strcmp0 (pool->type, "netfs") == 0 && pool->nfs_host != NULL && pool->nfs_export != NULL));
}

const FerryPoolFacts *
ferry_cluster_common_pool (GPtrArray *probes)
{
  const FerryNodeProbe *first = NULL;
  const FerryPoolFacts *best = NULL;

  for (guint i = 0; i < probes->len && first == NULL; i++)
    if (((FerryNodeProbe *) g_ptr_array_index (probes, i))->reachable)
      first = g_ptr_array_index (probes, i);
  if (first == NULL || first->pools == NULL)
    return NULL;

  for (guint p = 0; p < first->pools->len; p++)
    {
      const FerryPoolFacts *candidate = g_ptr_array_index (first->pools, p);
      gboolean everywhere = pool_usable (candidate);

      for (guint i = 0; i < probes->len && everywhere; i++)
        {
          const FerryNodeProbe *probe = g_ptr_array_index (probes, i);
          const FerryPoolFacts *other;

          if (!probe->reachable)
            continue;
          other = find_pool (probe, candidate->name);
          everywhere = other != NULL && pool_usable (other) &&
                       g_strcmp0 (other->type, candidate->type) == 0 &&
                       g_strcmp0 (other->path, candidate->path) == 0 &&
                       g_strcmp0 (other->nfs_host, candidate->nfs_host) == 0 &&
                       g_strcmp0 (other->nfs_export, candidate->nfs_export) == 0;
        }
      if (!everywhere)
        continue;
      /* NFS says "shared" by itself; among equals, the first by name. */
      if (best == NULL ||
          (g_str_equal (candidate->type, "netfs") && !g_str_equal (best->type, "netfs")) ||
          (g_str_equal (candidate->type, best->type) && g_strcmp0 (candidate->name, best->name) < 0))
        best = candidate;
    }
  return best;
}

char *
ferry_cluster_pool_xml (const FerryPoolSpec  *spec,
                        GError              **error)
{
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  gboolean netfs = g_strcmp0 (spec->type, "netfs") == 0;

  if (spec->name == NULL || spec->name[0] == '\0' || strlen (spec->name) > 64 ||
      strspn (spec->name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") != strlen (spec->name))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Name the pool with letters, digits, “-”, “_” and “.”."));
      return NULL;
    }
  if (!path_is_valid (spec->path))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("The pool’s path must be an absolute path."));
      return NULL;
    }
  if (netfs && (!host_is_valid (spec->nfs_host) || !path_is_valid (spec->nfs_export)))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("An NFS pool needs a server name and an exported path (/export/vms)."));
      return NULL;
    }
  if (!netfs && g_strcmp0 (spec->type, "dir") != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Shared storage is a directory or an NFS export."));
      return NULL;
    }

  name = g_markup_escape_text (spec->name, -1);
  path = g_markup_escape_text (spec->path, -1);
  if (netfs)
    {
      g_autofree char *host = g_markup_escape_text (spec->nfs_host, -1);
      g_autofree char *export = g_markup_escape_text (spec->nfs_export, -1);

      return g_strdup_printf ("<pool type='netfs'>\n  <name>%s</name>\n"
                              "  <source>\n    <host name='%s'/>\n    <dir path='%s'/>\n"
                              "    <format type='nfs'/>\n  </source>\n"
                              "  <target>\n    <path>%s</path>\n  </target>\n</pool>\n",
                              name, host, export, path);
    }
  return g_strdup_printf ("<pool type='dir'>\n  <name>%s</name>\n"
                          "  <target>\n    <path>%s</path>\n  </target>\n</pool>\n", name, path);
}

typedef struct
{
  char *name;
  char *xml;
  char *path;
} PoolData;

static void
pool_data_free (PoolData *data)
{
  g_free (data->name);
  g_free (data->xml);
  g_free (data->path);
  g_free (data);
}

static gpointer
define_pool_step (FerryNode     *node,
                  virConnectPtr  conn,
                  guint          index,
                  gpointer       user_data,
                  GCancellable  *cancellable,
                  GError       **out_error)
{
  PoolData *data = user_data;
  g_autoptr(GPtrArray) done = g_ptr_array_new ();
  g_autofree char *what = NULL;
  GError *error = NULL;
  virStoragePoolPtr pool;
  int autostart = 0;

  FERRY_ASSERT_WORKER_THREAD ();

  pool = virStoragePoolLookupByName (conn, data->name);
  if (pool != NULL)
    {
      g_autofree char *xml = virStoragePoolGetXMLDesc (pool, 0);
      g_autoptr(FerryPoolXml) desc = xml != NULL ? ferry_pool_xml_parse (xml, NULL) : NULL;
      const char *path = desc != NULL ? desc->target_path : NULL;

      if (path == NULL || g_strcmp0 (path, data->path) != 0)
        {
          g_set_error (&error, FERRY_LIBVIRT_ERROR, FERRY_LIBVIRT_ERROR_FAILED,
                       _("%s already has a pool “%s” at another path (%s)."), ferry_node_get_name (node),
                       data->name, path != NULL ? path : "?");
          goto out;
        }
    }
  else
    {
      virResetLastError ();
      if (!(pool = virStoragePoolDefineXML (conn, data->xml, 0)))
        {
          ferry_libvirt_set_error (&error, _("Could not define the pool on %s"), ferry_node_get_name (node));
          goto out;
        }
      g_ptr_array_add (done, _("defined"));
      /* Creates the directory (or the mount point) where missing. */
      if (virStoragePoolBuild (pool, 0) == 0)
        g_ptr_array_add (done, _("built"));
      virResetLastError ();
    }
  if (virStoragePoolIsActive (pool) != 1)
    {
      if (virStoragePoolCreate (pool, 0) < 0)
        {
          ferry_libvirt_set_error (&error, _("Could not start the pool on %s"), ferry_node_get_name (node));
          goto out;
        }
      g_ptr_array_add (done, _("started"));
    }
  if (virStoragePoolGetAutostart (pool, &autostart) == 0 && !autostart &&
      virStoragePoolSetAutostart (pool, 1) == 0)
    g_ptr_array_add (done, _("set to start with the host"));
  virResetLastError ();

out:
  if (pool != NULL)
    virStoragePoolFree (pool);
  if (error != NULL)
    {
      g_propagate_error (out_error, error);
      return NULL;
    }
  g_ptr_array_add (done, NULL);
  what = done->len > 1 ? g_strjoinv (", ", (char **) done->pdata) : g_strdup (_("already there"));
  return g_strdup_printf ("%s: %s", ferry_node_get_name (node), what);
}

/* Every node's line, or the first node's (in order) failure. */
static void
define_pool_done (GObject      *object,
                  GAsyncResult *res,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  /* No cancellable: it cannot fail. */
  g_autoptr(GPtrArray) answers = ferry_fanout_run_finish (res, NULL);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < answers->len; i++)
    {
      FerryFanoutResult *answer = g_ptr_array_index (answers, i);

      if (answer->value == NULL)
        {
          if (answer->error != NULL && !g_error_matches (answer->error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
            g_task_return_error (task, g_steal_pointer (&answer->error));
          else
            g_task_return_new_error (task, FERRY_LIBVIRT_ERROR, FERRY_LIBVIRT_ERROR_FAILED,
                                     _("%s did not answer in time."), ferry_node_get_name (answer->node));
          return;
        }
      g_strv_builder_add (builder, answer->value);
    }
  g_task_return_pointer (task, g_strv_builder_end (builder), (GDestroyNotify) g_strfreev);
}

void
ferry_cluster_define_pool_async (GPtrArray           *nodes,
                                 const FerryPoolSpec *spec,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  GError *error = NULL;
  PoolData *data;
  char *xml;

  g_task_set_source_tag (task, ferry_cluster_define_pool_async);
  if (!(xml = ferry_cluster_pool_xml (spec, &error)))
    {
      g_task_return_error (task, error);
      return;
    }
  data = g_new0 (PoolData, 1);
  data->name = g_strdup (spec->name);
  data->path = g_strdup (spec->path);
  data->xml = xml;
  /* Without the cancellable, like applying a CPU: a cancel drops only the report. */
  ferry_fanout_run_async (nodes, 120, define_pool_step, data, (GDestroyNotify) pool_data_free, g_free,
                          NULL, define_pool_done, g_steal_pointer (&task));
}

GStrv
ferry_cluster_define_pool_finish (GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ferry_cluster_define_pool_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Verification: marker through the first node, look on the others, delete. */

typedef struct
{
  GPtrArray   *nodes;
  char        *pool_name;
  char        *marker;
  FerrySharedResult *result;
  GStrvBuilder *missing;
  GStrvBuilder *seen;
} Verify;

static void
verify_free (Verify *v)
{
  g_ptr_array_unref (v->nodes);
  g_free (v->pool_name);
  g_free (v->marker);
  ferry_shared_result_free (v->result);
  g_strv_builder_unref (v->missing);
  g_strv_builder_unref (v->seen);
  g_free (v);
}

static void
marker_create_thread (GTask         *task,
                      FerryNode     *node,
                      virConnectPtr  conn,
                      gpointer       task_data,
                      GCancellable  *cancellable)
{
  Verify *v = task_data;
  g_autofree char *xml = NULL;
  GError *error = NULL;
  virStoragePoolPtr pool;
  virStorageVolPtr vol;

  FERRY_ASSERT_WORKER_THREAD ();

  pool = virStoragePoolLookupByName (conn, v->pool_name);
  if (pool == NULL || virStoragePoolIsActive (pool) != 1)
    {
      g_set_error (&error, FERRY_LIBVIRT_ERROR, FERRY_LIBVIRT_ERROR_FAILED,
                   _("%s has no running pool “%s”."), ferry_node_get_name (node), v->pool_name);
      goto out;
    }
  virStoragePoolRefresh (pool, 0);
  xml = g_strdup_printf ("<volume><name>%s</name><capacity unit='bytes'>4096</capacity>"
                         "<allocation unit='bytes'>0</allocation>"
                         "<target><format type='raw'/></target></volume>", v->marker);
  if (!(vol = virStorageVolCreateXML (pool, xml, 0)))
    {
      ferry_libvirt_set_error (&error, _("Could not create a test volume on %s"),
                               ferry_node_get_name (node));
      goto out;
    }
  virStorageVolFree (vol);

out:
  if (pool != NULL)
    virStoragePoolFree (pool);
  virResetLastError ();
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_strdup ("created"), g_free);
}

/* @user_data: marker_names (). */
static gpointer
marker_look_step (FerryNode     *node,
                  virConnectPtr  conn,
                  guint          index,
                  gpointer       user_data,
                  GCancellable  *cancellable,
                  GError       **error)
{
  const char * const *names = user_data;
  virStoragePoolPtr pool;
  virStorageVolPtr vol;
  gboolean seen = FALSE;

  FERRY_ASSERT_WORKER_THREAD ();

  pool = virStoragePoolLookupByName (conn, names[0]);
  if (pool == NULL || virStoragePoolIsActive (pool) != 1)
    g_set_error (error, FERRY_LIBVIRT_ERROR, FERRY_LIBVIRT_ERROR_FAILED,
                 _("no running pool “%s”"), names[0]);
  else if (virStoragePoolRefresh (pool, 0) < 0)
    ferry_libvirt_set_error (error, _("could not refresh the pool"));
  else if (!(vol = virStorageVolLookupByName (pool, names[1])))
    g_set_error (error, FERRY_LIBVIRT_ERROR, FERRY_LIBVIRT_ERROR_FAILED,
                 _("the test volume is not there"));
  else
    {
      virStorageVolFree (vol);
      seen = TRUE;
    }
  if (pool != NULL)
    virStoragePoolFree (pool);
  virResetLastError ();
  return seen ? g_strdup ("seen") : NULL;
}

static void
marker_delete_thread (GTask         *task,
                      FerryNode     *node,
                      virConnectPtr  conn,
                      gpointer       task_data,
                      GCancellable  *cancellable)
{
  Verify *v = task_data;
  virStoragePoolPtr pool;
  virStorageVolPtr vol = NULL;

  FERRY_ASSERT_WORKER_THREAD ();

  pool = virStoragePoolLookupByName (conn, v->pool_name);
  if (pool != NULL && (vol = virStorageVolLookupByName (pool, v->marker)) != NULL)
    virStorageVolDelete (vol, 0);
  if (vol != NULL)
    virStorageVolFree (vol);
  if (pool != NULL)
    {
      virStoragePoolRefresh (pool, 0);
      virStoragePoolFree (pool);
    }
  virResetLastError ();
  g_task_return_pointer (task, g_strdup ("deleted"), g_free);
}

/* The others forget the deleted marker too (no stale volume in lists);
 * a node that is not connected has nothing to forget. @user_data:
 * marker_names (). */
static gpointer
marker_refresh_step (FerryNode     *node,
                     virConnectPtr  conn,
                     guint          index,
                     gpointer       user_data,
                     GCancellable  *cancellable,
                     GError       **error)
{
  const char * const *names = user_data;
  virStoragePoolPtr pool;

  FERRY_ASSERT_WORKER_THREAD ();

  if ((pool = virStoragePoolLookupByName (conn, names[0])) != NULL)
    {
      virStoragePoolRefresh (pool, 0);
      virStoragePoolFree (pool);
    }
  virResetLastError ();
  return g_strdup ("refreshed");
}

/* What the fan-out steps need: { pool, marker } (a copy: the Verify,
 * owned by the outer task, may be gone before a step that timed out). */
static char **
marker_names (Verify *v)
{
  return g_strdupv ((char *[]) { v->pool_name, v->marker, NULL });
}

/* Every node but the first, which writes the marker. */
static GPtrArray *
verify_others (Verify *v)
{
  GPtrArray *others = g_ptr_array_new ();

  for (guint i = 1; i < v->nodes->len; i++)
    g_ptr_array_add (others, g_ptr_array_index (v->nodes, i));
  return others;
}

static void
verify_refreshed (GObject      *object,
                  GAsyncResult *res,
                  gpointer      user_data)
{
  g_autoptr(GTask) outer = user_data;
  Verify *v = g_task_get_task_data (outer);
  g_autoptr(GPtrArray) ignored = ferry_fanout_run_finish (res, NULL);

  g_task_return_pointer (outer, g_steal_pointer (&v->result), (GDestroyNotify) ferry_shared_result_free);
}

static void
verify_deleted (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) outer = user_data;
  Verify *v = g_task_get_task_data (outer);
  g_autofree char *ignored = g_task_propagate_pointer (G_TASK (result), NULL);
  g_autoptr(GPtrArray) others = verify_others (v);

  /* Clean-up: it runs whether or not the check was cancelled. */
  ferry_fanout_run_async (others, 30, marker_refresh_step, marker_names (v), (GDestroyNotify) g_strfreev, g_free,
                          NULL, verify_refreshed, g_object_ref (outer));
}

static void
verify_looked (GObject      *object,
               GAsyncResult *res,
               gpointer      user_data)
{
  g_autoptr(GTask) outer = user_data;
  Verify *v = g_task_get_task_data (outer);
  FerryNode *first = g_ptr_array_index (v->nodes, 0);
  /* No cancellable: it cannot fail. */
  g_autoptr(GPtrArray) answers = ferry_fanout_run_finish (res, NULL);
  g_autoptr(GTask) step = NULL;

  for (guint i = 0; i < answers->len; i++)
    {
      FerryFanoutResult *answer = g_ptr_array_index (answers, i);
      const char *name = ferry_node_get_name (answer->node);

      if (answer->value != NULL)
        g_strv_builder_add (v->seen, name);
      else
        {
          g_autofree char *why = g_strdup_printf ("%s (%s)", name,
                                                  unanswered_message (answer, _("it did not answer in time")));

          g_strv_builder_add (v->missing, why);
        }
    }
  v->result->missing = g_strv_builder_end (v->missing);
  v->result->seen = g_strv_builder_end (v->seen);
  v->result->shared = v->result->missing[0] == NULL;

  step = g_task_new (first, NULL, verify_deleted, g_object_ref (outer));
  g_task_set_task_data (step, v, NULL);
  _ferry_node_run_with_connection (first, step, marker_delete_thread);
}

static void
verify_created (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) outer = user_data;
  Verify *v = g_task_get_task_data (outer);
  g_autoptr(GPtrArray) others = NULL;
  g_autofree char *created = NULL;
  GError *error = NULL;

  if (!(created = g_task_propagate_pointer (G_TASK (result), &error)))
    {
      g_task_return_error (outer, error);
      return;
    }
  /* Without the cancellable: the marker is deleted after every look, and
   * a cancel drops only the report (@outer has the cancellable). */
  others = verify_others (v);
  ferry_fanout_run_async (others, 60, marker_look_step, marker_names (v), (GDestroyNotify) g_strfreev, g_free,
                          NULL, verify_looked, g_object_ref (outer));
}

void
ferry_cluster_verify_shared_async (GPtrArray           *nodes,
                                   const char          *pool_name,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_autofree char *random = g_uuid_string_random ();
  g_autoptr(GTask) step = NULL;
  Verify *v;

  g_task_set_source_tag (task, ferry_cluster_verify_shared_async);
  if (nodes->len < 2)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("Shared storage needs at least two nodes to compare."));
      return;
    }
  v = g_new0 (Verify, 1);
  v->nodes = g_ptr_array_ref (nodes);
  v->pool_name = g_strdup (pool_name);
  v->marker = g_strdup_printf ("ferry-cl-marker-%.8s.raw", random);
  v->result = g_new0 (FerrySharedResult, 1);
  v->result->written_by = g_strdup (ferry_node_get_name (g_ptr_array_index (nodes, 0)));
  v->missing = g_strv_builder_new ();
  v->seen = g_strv_builder_new ();
  g_task_set_task_data (task, v, (GDestroyNotify) verify_free);

  step = g_task_new (g_ptr_array_index (nodes, 0), cancellable, verify_created, g_object_ref (task));
  g_task_set_task_data (step, v, NULL);
  _ferry_node_run_with_connection (g_ptr_array_index (nodes, 0), step, marker_create_thread);
}

FerrySharedResult *
ferry_cluster_verify_shared_finish (GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ferry_cluster_verify_shared_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------ networks */

GPtrArray *
ferry_cluster_network_gaps (GPtrArray *nodes,
                            GPtrArray *probes)
{
  GPtrArray *gaps = g_ptr_array_new_with_free_func ((GDestroyNotify) ferry_network_gap_free);
  g_autoptr(GHashTable) used = g_hash_table_new (g_str_hash, g_str_equal);   /* name → count */
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  g_return_val_if_fail (nodes->len == probes->len, gaps);

  for (guint i = 0; i < probes->len; i++)
    {
      FerryNodeProbe *probe = g_ptr_array_index (probes, i);

      for (guint j = 0; j < probe->vms->len; j++)
        {
          FerryVmFacts *vm = g_ptr_array_index (probe->vms, j);

          for (guint k = 0; vm->networks != NULL && vm->networks[k] != NULL; k++)
            {
              gpointer count = g_hash_table_lookup (used, vm->networks[k]);

              if (count == NULL)
                g_ptr_array_add (names, vm->networks[k]);
              g_hash_table_insert (used, vm->networks[k], GUINT_TO_POINTER (GPOINTER_TO_UINT (count) + 1));
            }
        }
    }
  g_ptr_array_sort (names, compare_strings);

  for (guint n = 0; n < names->len; n++)
    {
      const char *name = g_ptr_array_index (names, n);
      g_autoptr(FerryNetworkGap) gap = g_new0 (FerryNetworkGap, 1);
      g_autoptr(GStrvBuilder) inactive = g_strv_builder_new ();

      gap->network = g_strdup (name);
      gap->missing = g_ptr_array_new ();
      gap->n_vms = GPOINTER_TO_UINT (g_hash_table_lookup (used, name));
      for (guint i = 0; i < probes->len; i++)
        {
          FerryNodeProbe *probe = g_ptr_array_index (probes, i);
          FerryNetworkFacts *found = NULL;

          if (!probe->reachable)
            continue;
          for (guint j = 0; j < probe->networks->len && found == NULL; j++)
            if (g_str_equal (((FerryNetworkFacts *) g_ptr_array_index (probe->networks, j))->name, name))
              found = g_ptr_array_index (probe->networks, j);
          if (found != NULL && found->active)
            {
              if (gap->source == NULL)
                gap->source = g_ptr_array_index (nodes, i);
              continue;
            }
          g_ptr_array_add (gap->missing, g_ptr_array_index (nodes, i));
          if (found != NULL)
            g_strv_builder_add (inactive, probe->node_name);
        }
      gap->inactive = g_strv_builder_end (inactive);
      if (gap->missing->len > 0)
        g_ptr_array_add (gaps, g_steal_pointer (&gap));
    }
  return gaps;
}

typedef struct
{
  char *name;
  char *xml;
} NetworkCopy;

static void
network_copy_free (NetworkCopy *copy)
{
  g_free (copy->name);
  g_free (copy->xml);
  g_free (copy);
}

static void
network_read_thread (GTask         *task,
                     FerryNode     *node,
                     virConnectPtr  conn,
                     gpointer       task_data,
                     GCancellable  *cancellable)
{
  NetworkCopy *copy = task_data;
  g_autofree char *xml = NULL;
  GError *error = NULL;
  virNetworkPtr network;

  FERRY_ASSERT_WORKER_THREAD ();

  if ((network = virNetworkLookupByName (conn, copy->name)) != NULL)
    {
      xml = virNetworkGetXMLDesc (network, VIR_NETWORK_XML_INACTIVE);
      virNetworkFree (network);
    }
  if (xml == NULL)
    ferry_libvirt_set_error (&error, _("Could not read the network “%s” on %s"), copy->name,
                             ferry_node_get_name (node));
  else
    copy->xml = ferry_network_xml_for_copy (xml, &error);
  virResetLastError ();
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
network_define_thread (GTask         *task,
                       FerryNode     *node,
                       virConnectPtr  conn,
                       gpointer       task_data,
                       GCancellable  *cancellable)
{
  NetworkCopy *copy = task_data;
  GError *error = NULL;
  virNetworkPtr network;

  FERRY_ASSERT_WORKER_THREAD ();

  network = virNetworkLookupByName (conn, copy->name);
  virResetLastError ();
  if (network == NULL && !(network = virNetworkDefineXML (conn, copy->xml)))
    ferry_libvirt_set_error (&error, _("Could not define the network “%s” on %s"), copy->name,
                             ferry_node_get_name (node));
  else if (virNetworkIsActive (network) != 1 && virNetworkCreate (network) < 0)
    ferry_libvirt_set_error (&error, _("Could not start the network “%s” on %s"), copy->name,
                             ferry_node_get_name (node));
  else
    virNetworkSetAutostart (network, 1);
  if (network != NULL)
    virNetworkFree (network);
  virResetLastError ();
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
network_defined (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) outer = user_data;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_task_return_error (outer, error);
  else
    g_task_return_boolean (outer, TRUE);
}

static void
network_read (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) outer = user_data;
  FerryNode *destination = g_object_get_data (G_OBJECT (outer), "destination");
  g_autoptr(GTask) step = NULL;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (outer, error);
      return;
    }
  step = g_task_new (destination, g_task_get_cancellable (outer), network_defined, g_object_ref (outer));
  g_task_set_task_data (step, g_task_get_task_data (outer), NULL);
  _ferry_node_run_with_connection (destination, step, network_define_thread);
}

void
ferry_cluster_copy_network_async (FerryNode           *source,
                                  FerryNode           *destination,
                                  const char          *name,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (destination, cancellable, callback, user_data);
  g_autoptr(GTask) step = NULL;
  NetworkCopy *copy = g_new0 (NetworkCopy, 1);

  g_task_set_source_tag (task, ferry_cluster_copy_network_async);
  copy->name = g_strdup (name);
  g_task_set_task_data (task, copy, (GDestroyNotify) network_copy_free);
  g_object_set_data_full (G_OBJECT (task), "destination", g_object_ref (destination), g_object_unref);
  step = g_task_new (source, cancellable, network_read, g_object_ref (task));
  g_task_set_task_data (step, copy, NULL);
  _ferry_node_run_with_connection (source, step, network_read_thread);
}

gboolean
ferry_cluster_copy_network_finish (GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ferry_cluster_copy_network_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
