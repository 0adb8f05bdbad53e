/* ferry-cluster-cpu.c — the CPU every node of a cluster can give its VMs:
 * the common model, libvirt's baseline, and applying it to the VMs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
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

/* ----------------------------------------------------------- the model */

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
  g_ptr_array_sort (shape->features, _ferry_cluster_compare_strings);
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

  baseline->virttype = g_strdup (_ferry_cluster_virttype_name (data->virttype));
  if (data->cpus->len > 0)
    {
      baseline->cpu_xml = virConnectBaselineHypervisorCPU (conn, NULL, data->arch, NULL,
                                                           _ferry_cluster_virttype_name (data->virttype),
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
                                            data->cpus->len, _ferry_cluster_virttype_name (data->virttype));
    }
  virResetLastError ();

  if (baseline->cpu_xml == NULL && data->fallback_model != NULL)
    {
      baseline->cpu_xml = ferry_cpu_xml_new_model (data->fallback_model);
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
          result->message = g_strdup (_ferry_cluster_unanswered_message (answer, _("It did not answer in time.")));
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
