/* ferry-cluster-probe.c — what each node of a cluster is, and whether
 * they can form one: the probe and the checks over its answers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A cluster operation fans out one step per node (ferry-fanout.h), each
 * on that node's own worker thread (a hung node ties up only its own
 * threads), and gathers the answers on the main thread. Evaluation is
 * pure code over the plain data the steps return.
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

#include "ferry-cluster-ops-private.h"
#include "ferry-core.h"
#include "ferry-domain-xml.h"
#include "ferry-fanout.h"
#include "ferry-host-xml.h"
#include "ferry-libvirt.h"
#include "ferry-node-private.h"

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

/* ------------------------------------------------------------- fan-out */

const char *
_ferry_cluster_unanswered_message (const FerryFanoutResult *result,
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

/* For g_ptr_array_sort() over strings. */
gint
_ferry_cluster_compare_strings (gconstpointer a,
                                gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

const char *
_ferry_cluster_virttype_name (FerryVirttype virttype)
{
  static const char *names[FERRY_N_VIRTTYPES] = { "qemu", "kvm" };

  g_return_val_if_fail (virttype < FERRY_N_VIRTTYPES, "qemu");
  return names[virttype];
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
                                                          _ferry_cluster_virttype_name (virttype), 0);
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
  g_autofree char *name = NULL;
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
  name = g_strdup_printf ("ferry-clock-%s.raw", uuid);
  xml = ferry_volume_xml_new (name, 0, 0, "raw");
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
          probe->error = g_strdup (_ferry_cluster_unanswered_message (result, _("It did not answer in time.")));
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
