/* ferry-vm-edit.c — changing an existing VM's settings
 *
 * A shut-off VM is edited in its definition: the inactive XML, changed
 * through FerryDomainXml (libvirt-gconfig; ferry-domain-xml-edit.c for
 * what it cannot write) and defined again. A running VM changes memory and vCPUs
 * through libvirt's live APIs (which also update the definition), and
 * anything that cannot change live only in the definition.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <libvirt/virterror.h>

#include "ferry-core.h"
#include "ferry-domain-xml-edit.h"
#include "ferry-libvirt.h"
#include "ferry-node-private.h"
#include "ferry-vm-details.h"
#include "ferry-vm-edit.h"


FerryVmEdit *
ferry_vm_edit_new (void)
{
  FerryVmEdit *edit = g_new0 (FerryVmEdit, 1);

  edit->autostart = -1;
  return edit;
}

FerryVmEdit *
ferry_vm_edit_copy (const FerryVmEdit *edit)
{
  FerryVmEdit *copy;

  g_return_val_if_fail (edit != NULL, NULL);

  copy = g_memdup2 (edit, sizeof *edit);
  copy->cpu_mode = g_strdup (edit->cpu_mode);
  copy->cpu_model = g_strdup (edit->cpu_model);
  copy->boot_order = g_strdupv (edit->boot_order);
  return copy;
}

void
ferry_vm_edit_free (FerryVmEdit *edit)
{
  if (edit == NULL)
    return;
  g_free (edit->cpu_mode);
  g_free (edit->cpu_model);
  g_strfreev (edit->boot_order);
  g_free (edit);
}

static gboolean
changes_config_only (const FerryVmEdit *edit)
{
  return edit->cpu_mode != NULL || edit->cpu_model != NULL || edit->boot_order != NULL;
}

gboolean
ferry_vm_edit_validate (const FerryVmEdit  *edit,
                        GError            **error)
{
  g_return_val_if_fail (edit != NULL, FALSE);

  if (edit->memory != 0 && edit->memory < FERRY_VM_SPEC_MIN_MEMORY)
    {
      g_set_error_literal (error, FERRY_VM_SPEC_ERROR, FERRY_VM_SPEC_ERROR_MEMORY,
                           _("The memory must be at least 32 MiB."));
      return FALSE;
    }

  if (edit->cpu_mode != NULL && strcmp (edit->cpu_mode, "host-model") != 0 &&
      strcmp (edit->cpu_mode, "host-passthrough") != 0 && strcmp (edit->cpu_mode, "custom") != 0)
    {
      g_set_error (error, FERRY_VM_SPEC_ERROR, FERRY_VM_SPEC_ERROR_CPU,
                   _("“%s” is not a CPU mode: choose host-model, host-passthrough or custom."),
                   edit->cpu_mode);
      return FALSE;
    }
  if (edit->cpu_model != NULL)
    {
      gsize len = strlen (edit->cpu_model);
      gboolean valid = len > 0 && len <= 64;

      for (const char *p = edit->cpu_model; valid && *p != '\0'; p++)
        valid = g_ascii_isalnum (*p) || strchr ("._+-", *p) != NULL;
      if (!valid)
        {
          g_set_error_literal (error, FERRY_VM_SPEC_ERROR, FERRY_VM_SPEC_ERROR_CPU,
                               _("The CPU model must be a name such as “Haswell” or “EPYC”."));
          return FALSE;
        }
      if (edit->cpu_mode != NULL && strcmp (edit->cpu_mode, "custom") != 0)
        {
          g_set_error_literal (error, FERRY_VM_SPEC_ERROR, FERRY_VM_SPEC_ERROR_CPU,
                               _("A CPU model can only be chosen with the custom CPU mode."));
          return FALSE;
        }
    }

  if (edit->boot_order != NULL)
    {
      if (edit->boot_order[0] == NULL)
        {
          g_set_error_literal (error, FERRY_VM_SPEC_ERROR, FERRY_VM_SPEC_ERROR_BOOT,
                               _("Choose at least one boot device."));
          return FALSE;
        }
      for (guint i = 0; edit->boot_order[i] != NULL; i++)
        {
          const char *dev = edit->boot_order[i];

          if (strcmp (dev, "hd") != 0 && strcmp (dev, "cdrom") != 0 && strcmp (dev, "network") != 0)
            {
              g_set_error (error, FERRY_VM_SPEC_ERROR, FERRY_VM_SPEC_ERROR_BOOT,
                           _("“%s” is not a boot device: choose hd, cdrom or network."), dev);
              return FALSE;
            }
          for (guint j = 0; j < i; j++)
            if (strcmp (edit->boot_order[j], dev) == 0)
              {
                g_set_error (error, FERRY_VM_SPEC_ERROR, FERRY_VM_SPEC_ERROR_BOOT,
                             _("The boot order lists “%s” twice."), dev);
                return FALSE;
              }
        }
    }

  if (edit->autostart < -1 || edit->autostart > 1)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "autostart must be -1, 0 or 1");
      return FALSE;
    }
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* Changing the XML                                                        */

/* Shut off, the VM gets exactly what was asked, maximum and current
 * alike, except that a vCPU hotplug reserve (current < maximum, set on
 * purpose; libvirt writes current= only then) is kept when the new count
 * fits in it. */
static void
edit_vcpus (FerryDomainXml     *dx,
            guint               vcpus,
            FerryDomainXmlEdit *gaps)
{
  guint max = ferry_domain_xml_get_max_vcpus (dx);

  if (ferry_domain_xml_get_vcpus (dx) < max && vcpus < max)
    {
      gaps->vcpus = max;
      gaps->current_vcpus = vcpus;
    }
  else
    gaps->vcpus = vcpus;
}

static void
edit_memory (FerryDomainXml     *dx,
             guint64             memory,
             FerryDomainXmlEdit *gaps)
{
  guint64 kib = (memory + 1023) / 1024;

  gvir_config_domain_set_current_memory (ferry_domain_xml_get_config (dx), kib);
  /* Not gvir_config_domain_set_memory(): see ferry-domain-xml-edit.c. */
  gaps->memory_kib = kib;
}

static GVirConfigDomainCpuMode
cpu_mode_from_string (const char *mode)
{
  /* ferry_vm_edit_validate() lets no other value through. */
  if (strcmp (mode, "host-model") == 0)
    return GVIR_CONFIG_DOMAIN_CPU_MODE_HOST_MODEL;
  if (strcmp (mode, "host-passthrough") == 0)
    return GVIR_CONFIG_DOMAIN_CPU_MODE_HOST_PASSTHROUGH;
  return GVIR_CONFIG_DOMAIN_CPU_MODE_CUSTOM;
}

/* The rest of <cpu> (topology, features) stays as it was. */
static gboolean
edit_cpu (FerryDomainXml      *dx,
          const FerryVmEdit   *edit,
          const char          *name,
          FerryDomainXmlEdit  *gaps,
          GError             **error)
{
  GVirConfigDomain *config = ferry_domain_xml_get_config (dx);
  g_autoptr(GVirConfigDomainCpu) cpu = gvir_config_domain_get_cpu (config);
  g_autoptr(GVirConfigDomainCpuModel) cpu_model = NULL;
  const char *old_mode = ferry_domain_xml_get_cpu_mode (dx);
  const char *mode = edit->cpu_mode;
  const char *model = edit->cpu_model ? edit->cpu_model : ferry_domain_xml_get_cpu_model (dx);
  gboolean added = cpu == NULL;

  if (mode == NULL)
    mode = edit->cpu_model != NULL ? "custom" : (old_mode ? old_mode : "custom");
  if (strcmp (mode, "custom") == 0 && model == NULL)
    {
      g_set_error (error, FERRY_VM_SPEC_ERROR, FERRY_VM_SPEC_ERROR_CPU,
                   _("Choose a CPU model for “%s”."), name);
      return FALSE;
    }

  if (added)
    cpu = gvir_config_domain_cpu_new ();
  gvir_config_domain_cpu_set_mode (cpu, cpu_mode_from_string (mode));
  if (strcmp (mode, "custom") != 0)
    {
      gvir_config_domain_cpu_set_model (cpu, NULL);
      /* match/check belong to a custom model. */
      gaps->drop_cpu_match = TRUE;
    }
  else
    {
      gvir_config_domain_cpu_set_match_policy (cpu, GVIR_CONFIG_DOMAIN_CPU_MATCH_POLICY_EXACT);
      /* A new <model>: without fallback=, which is libvirt's default
       * ("allow"). */
      cpu_model = gvir_config_domain_cpu_model_new ();
      gvir_config_capabilities_cpu_model_set_name (GVIR_CONFIG_CAPABILITIES_CPU_MODEL (cpu_model), model);
      gvir_config_domain_cpu_set_model (cpu, cpu_model);
    }
  /* gvir_config_domain_get_cpu() returns the domain's own element; only a
   * new one needs attaching. */
  if (added)
    gvir_config_domain_set_cpu (config, cpu);
  return TRUE;
}

static void
edit_boot_order (FerryDomainXml     *dx,
                 const char * const *order,
                 FerryDomainXmlEdit *gaps)
{
  GVirConfigDomain *config = ferry_domain_xml_get_config (dx);
  g_autoptr(GVirConfigDomainOs) os = gvir_config_domain_get_os (config);
  g_autoptr(GList) devices = NULL;

  /* ferry_vm_edit_validate() lets only these three through. */
  for (guint i = 0; order[i] != NULL; i++)
    {
      GVirConfigDomainOsBootDevice dev = GVIR_CONFIG_DOMAIN_OS_BOOT_DEVICE_HD;

      if (strcmp (order[i], "cdrom") == 0)
        dev = GVIR_CONFIG_DOMAIN_OS_BOOT_DEVICE_CDROM;
      else if (strcmp (order[i], "network") == 0)
        dev = GVIR_CONFIG_DOMAIN_OS_BOOT_DEVICE_NETWORK;
      devices = g_list_append (devices, GINT_TO_POINTER (dev));
    }

  if (os == NULL)
    {
      os = gvir_config_domain_os_new ();
      gvir_config_domain_os_set_boot_devices (os, devices);
      gvir_config_domain_set_os (config, os);
    }
  else
    gvir_config_domain_os_set_boot_devices (os, devices);
  /* libvirt refuses <os><boot> and per-device <boot order> together. */
  gaps->drop_device_boot = TRUE;
}

/* The inactive definition with @edit's changes (the live-capable ones
 * only when @with_live_fields). */
static char *
edited_definition (virDomainPtr        domain,
                   const FerryVmEdit  *edit,
                   gboolean            with_live_fields,
                   const char         *name,
                   GError            **error)
{
  g_autoptr(FerryDomainXml) dx = NULL;
  g_autofree char *edited = NULL;
  FerryDomainXmlEdit gaps = { 0 };
  char *xml;

  FERRY_ASSERT_WORKER_THREAD ();

  xml = virDomainGetXMLDesc (domain, VIR_DOMAIN_XML_INACTIVE);
  if (xml == NULL)
    {
      ferry_libvirt_set_error (error, _("Could not read the configuration of “%s”"), name);
      return NULL;
    }
  dx = ferry_domain_xml_new (xml, error);
  free (xml);
  if (dx == NULL)
    return NULL;

  if (with_live_fields && edit->vcpus > 0)
    edit_vcpus (dx, edit->vcpus, &gaps);
  if (with_live_fields && edit->memory > 0)
    edit_memory (dx, edit->memory, &gaps);
  if ((edit->cpu_mode != NULL || edit->cpu_model != NULL) && !edit_cpu (dx, edit, name, &gaps, error))
    return NULL;
  if (edit->boot_order != NULL)
    edit_boot_order (dx, (const char * const *) edit->boot_order, &gaps);

  edited = ferry_domain_xml_to_string (dx);
  return ferry_domain_xml_edit_apply (edited, &gaps, error);
}

/* ---------------------------------------------------------------------- */
/* Applying                                                                */

typedef struct
{
  char        *uuid;
  char        *name;
  FerryNode   *node;
  FerryVmEdit *edit;
  gboolean     needs_restart;
} EditData;

static void
edit_data_free (EditData *data)
{
  g_free (data->uuid);
  g_free (data->name);
  g_clear_object (&data->node);
  ferry_vm_edit_free (data->edit);
  g_free (data);
}

/* Drivers differ on LIVE|CONFIG together (the test driver refuses it
 * for memory): then one after the other. */
static int
set_memory (virDomainPtr       domain,
            unsigned long long kib,
            unsigned int       flags)
{
  virErrorPtr last;

  FERRY_ASSERT_WORKER_THREAD ();

  if (virDomainSetMemoryFlags (domain, kib, flags) == 0)
    return 0;
  last = virGetLastError ();
  if (flags != (VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG) ||
      last == NULL || last->code != VIR_ERR_INVALID_ARG)
    return -1;
  virResetLastError ();
  if (virDomainSetMemoryFlags (domain, kib, VIR_DOMAIN_AFFECT_LIVE) < 0)
    return -1;
  return virDomainSetMemoryFlags (domain, kib, VIR_DOMAIN_AFFECT_CONFIG);
}

static int
set_vcpus (virDomainPtr domain,
           guint        vcpus,
           unsigned int flags)
{
  virErrorPtr last;

  FERRY_ASSERT_WORKER_THREAD ();

  if (virDomainSetVcpusFlags (domain, vcpus, flags) == 0)
    return 0;
  last = virGetLastError ();
  if (flags != (VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG) ||
      last == NULL || last->code != VIR_ERR_INVALID_ARG)
    return -1;
  virResetLastError ();
  if (virDomainSetVcpusFlags (domain, vcpus, VIR_DOMAIN_AFFECT_LIVE) < 0)
    return -1;
  return virDomainSetVcpusFlags (domain, vcpus, VIR_DOMAIN_AFFECT_CONFIG);
}

/* Whether the running VM differs from what @edit asks of its CPU and
 * boot order, i.e. whether the change waits for a restart. */
static gboolean
live_differs (virDomainPtr       domain,
              const FerryVmEdit *edit)
{
  g_autoptr(FerryVmDetails) live = NULL;
  char *xml;

  FERRY_ASSERT_WORKER_THREAD ();

  xml = virDomainGetXMLDesc (domain, 0);
  if (xml == NULL)
    {
      virResetLastError ();
      return TRUE;
    }
  live = ferry_vm_details_parse (xml, NULL);
  free (xml);
  if (live == NULL)
    return TRUE;

  if (edit->boot_order != NULL &&
      !g_strv_equal ((const char * const *) edit->boot_order, (const char * const *) live->boot_order))
    return TRUE;
  if (edit->cpu_mode != NULL && g_strcmp0 (edit->cpu_mode, live->cpu_mode) != 0)
    return TRUE;
  if (edit->cpu_model != NULL && g_strcmp0 (edit->cpu_model, live->cpu_model) != 0)
    return TRUE;
  return FALSE;
}

static gboolean
apply_live (virDomainPtr   domain,
            EditData      *data,
            gboolean       persistent,
            GError       **error)
{
  const FerryVmEdit *edit = data->edit;
  unsigned int flags = VIR_DOMAIN_AFFECT_LIVE | (persistent ? VIR_DOMAIN_AFFECT_CONFIG : 0);

  FERRY_ASSERT_WORKER_THREAD ();

  /* Check both limits before changing anything. */
  if (edit->memory > 0)
    {
      unsigned long max_kib = virDomainGetMaxMemory (domain);

      if (max_kib == 0)
        {
          ferry_libvirt_set_error (error, _("Could not read the memory of “%s”"), data->name);
          return FALSE;
        }
      if ((edit->memory + 1023) / 1024 > max_kib)
        {
          g_autofree char *max = g_format_size_full ((guint64) max_kib * 1024, G_FORMAT_SIZE_IEC_UNITS);

          g_set_error (error, FERRY_VM_SPEC_ERROR, FERRY_VM_SPEC_ERROR_MEMORY,
                       _("While “%s” runs, its memory can only go up to %s; shut it down to give it more."),
                       data->name, max);
          return FALSE;
        }
    }
  if (edit->vcpus > 0)
    {
      int max = virDomainGetVcpusFlags (domain, VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_VCPU_MAXIMUM);

      if (max < 0)
        {
          ferry_libvirt_set_error (error, _("Could not read the virtual CPUs of “%s”"), data->name);
          return FALSE;
        }
      if (edit->vcpus > (guint) max)
        {
          g_set_error (error, FERRY_VM_SPEC_ERROR, FERRY_VM_SPEC_ERROR_VCPUS,
                       ngettext ("While “%s” runs, it can have at most %d virtual CPU; shut it down to give it more.",
                                 "While “%s” runs, it can have at most %d virtual CPUs; shut it down to give it more.",
                                 max),
                       data->name, max);
          return FALSE;
        }
    }

  if (changes_config_only (edit) && !persistent)
    {
      g_set_error (error, FERRY_VM_SPEC_ERROR,
                   edit->boot_order != NULL ? FERRY_VM_SPEC_ERROR_BOOT : FERRY_VM_SPEC_ERROR_CPU,
                   _("“%s” has no stored definition: its CPU and boot order cannot change while it runs."),
                   data->name);
      return FALSE;
    }

  if (edit->memory > 0 && set_memory (domain, (edit->memory + 1023) / 1024, flags) < 0)
    {
      ferry_libvirt_set_error (error, _("Could not change the memory of “%s”"), data->name);
      return FALSE;
    }
  if (edit->vcpus > 0 && set_vcpus (domain, edit->vcpus, flags) < 0)
    {
      ferry_libvirt_set_error (error, _("Could not change the virtual CPUs of “%s”"), data->name);
      return FALSE;
    }
  return TRUE;
}

static void
edit_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  EditData *data = task_data;
  const FerryVmEdit *edit = data->edit;
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = NULL;
  virConnectPtr conn;
  virDomainPtr domain = NULL;
  virDomainPtr defined = NULL;
  int active;
  int persistent;

  if (g_task_return_error_if_cancelled (task))
    return;

  domain = _ferry_node_lookup_domain (data->node, data->uuid, data->name, &conn, &error);
  if (domain == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  active = virDomainIsActive (domain);
  persistent = virDomainIsPersistent (domain);
  if (active < 0 || persistent < 0)
    {
      ferry_libvirt_set_error (&error, _("Could not read the state of “%s”"), data->name);
      goto out;
    }

  if (edit->autostart != -1 && persistent != 1)
    {
      g_set_error (&error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("“%s” has no stored definition and cannot start with its host."), data->name);
      goto out;
    }

  if (active == 1)
    {
      if (!apply_live (domain, data, persistent == 1, &error))
        goto out;
      if (changes_config_only (edit))
        {
          data->needs_restart = live_differs (domain, edit);
          xml = edited_definition (domain, edit, FALSE, data->name, &error);
        }
    }
  else if (edit->vcpus > 0 || edit->memory > 0 || changes_config_only (edit))
    {
      xml = edited_definition (domain, edit, TRUE, data->name, &error);
    }
  if (error != NULL)
    goto out;

  if (xml != NULL)
    {
      defined = virDomainDefineXML (conn, xml);
      if (defined == NULL)
        {
          ferry_libvirt_set_error (&error, _("Could not change the configuration of “%s”"), data->name);
          goto out;
        }
    }

  if (edit->autostart != -1 && virDomainSetAutostart (domain, edit->autostart) < 0)
    {
      ferry_libvirt_set_error (&error, edit->autostart ? _("Could not make “%s” start with its host")
                                                       : _("Could not stop “%s” from starting with its host"),
                               data->name);
      goto out;
    }

out:
  if (defined != NULL)
    virDomainFree (defined);
  if (domain != NULL)
    virDomainFree (domain);
  virConnectClose (conn);

  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

void
ferry_vm_apply_edit_async (FerryVm             *vm,
                           const FerryVmEdit   *edit,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  EditData *data;
  FerryNode *node;

  g_return_if_fail (FERRY_IS_VM (vm));
  g_return_if_fail (edit != NULL);

  task = g_task_new (vm, cancellable, callback, user_data);
  g_task_set_source_tag (task, ferry_vm_apply_edit_async);

  if (!ferry_vm_edit_validate (edit, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  node = ferry_vm_get_node (vm);
  if (node == NULL)
    {
      g_task_return_new_error (task, FERRY_LIBVIRT_ERROR, FERRY_LIBVIRT_ERROR_NOT_CONNECTED,
                               _("“%s” is not on any connected node"), ferry_vm_get_name (vm));
      return;
    }

  data = g_new0 (EditData, 1);
  data->uuid = g_strdup (ferry_vm_get_uuid (vm));
  data->name = g_strdup (ferry_vm_get_name (vm));
  data->node = g_object_ref (node);
  data->edit = ferry_vm_edit_copy (edit);
  g_task_set_task_data (task, data, (GDestroyNotify) edit_data_free);
  _ferry_node_run_in_worker (node, task, edit_thread);
}

gboolean
ferry_vm_apply_edit_finish (FerryVm       *vm,
                            GAsyncResult  *result,
                            gboolean      *needs_restart,
                            GError       **error)
{
  EditData *data;
  gboolean ok;

  g_return_val_if_fail (g_task_is_valid (result, vm), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ferry_vm_apply_edit_async, FALSE);

  data = g_task_get_task_data (G_TASK (result));
  ok = g_task_propagate_boolean (G_TASK (result), error);
  if (needs_restart != NULL)
    *needs_restart = ok && data != NULL && data->needs_restart;
  /* Memory and vCPU changes send no lifecycle event: look again. */
  if (data != NULL)
    _ferry_node_refresh_domain (data->node, data->uuid);
  return ok;
}
