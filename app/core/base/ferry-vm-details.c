/* ferry-vm-details.c — everything the VM page shows about one VM
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <libvirt/virterror.h>

#include "ferry-core.h"
#include "ferry-domain-xml.h"
#include "ferry-libvirt.h"
#include "ferry-node-private.h"
#include "ferry-vm-details.h"


G_DEFINE_BOXED_TYPE (FerryVmDetails, ferry_vm_details, ferry_vm_details_ref, ferry_vm_details_unref)

static void
disk_free (FerryVmDisk *disk)
{
  g_free (disk->target);
  g_free (disk->bus);
  g_free (disk->device);
  g_free (disk->source);
  g_free (disk->pool);
  g_free (disk->volume);
  g_free (disk->format);
  g_free (disk);
}

static void
nic_free (FerryVmNic *nic)
{
  g_free (nic->type);
  g_free (nic->source);
  g_free (nic->mac);
  g_free (nic->model);
  g_free (nic);
}

static void
graphics_free (FerryVmGraphics *graphics)
{
  g_free (graphics->type);
  g_free (graphics->listen);
  g_free (graphics->socket);
  g_free (graphics);
}

static FerryVmDetails *
ferry_vm_details_new (void)
{
  FerryVmDetails *details = g_new0 (FerryVmDetails, 1);

  g_atomic_ref_count_init (&details->ref_count);
  details->disks = g_ptr_array_new_with_free_func ((GDestroyNotify) disk_free);
  details->nics = g_ptr_array_new_with_free_func ((GDestroyNotify) nic_free);
  details->graphics = g_ptr_array_new_with_free_func ((GDestroyNotify) graphics_free);
  return details;
}

FerryVmDetails *
ferry_vm_details_ref (FerryVmDetails *details)
{
  g_return_val_if_fail (details != NULL, NULL);
  g_atomic_ref_count_inc (&details->ref_count);
  return details;
}

void
ferry_vm_details_unref (FerryVmDetails *details)
{
  if (details == NULL || !g_atomic_ref_count_dec (&details->ref_count))
    return;

  g_free (details->uuid);
  g_free (details->name);
  g_free (details->title);
  g_free (details->description);
  g_free (details->os_type);
  g_free (details->arch);
  g_free (details->machine);
  g_free (details->firmware);
  g_free (details->cpu_mode);
  g_free (details->cpu_model);
  g_strfreev (details->boot_order);
  g_ptr_array_unref (details->disks);
  g_ptr_array_unref (details->nics);
  g_ptr_array_unref (details->graphics);
  g_free (details);
}

const FerryVmDisk *
ferry_vm_details_find_disk (const FerryVmDetails *details,
                            const char           *target)
{
  g_return_val_if_fail (details != NULL, NULL);

  for (guint i = 0; i < details->disks->len; i++)
    {
      const FerryVmDisk *disk = g_ptr_array_index (details->disks, i);

      if (g_strcmp0 (disk->target, target) == 0)
        return disk;
    }
  return NULL;
}

/* ---------------------------------------------------------------------- */
/* From the domain's XML                                                   */

static void
copy_disks (FerryVmDetails *details,
            FerryDomainXml *dom)
{
  GPtrArray *disks = ferry_domain_xml_get_disks (dom);

  for (guint i = 0; i < disks->len; i++)
    {
      const FerryDomainDisk *from = g_ptr_array_index (disks, i);
      FerryVmDisk *disk = g_new0 (FerryVmDisk, 1);

      disk->target = g_strdup (from->target);
      disk->bus = g_strdup (from->bus);
      disk->device = g_strdup (from->device);
      disk->source = g_strdup (from->source);
      disk->pool = g_strdup (from->pool);
      disk->volume = g_strdup (from->volume);
      disk->format = g_strdup (from->format);
      disk->readonly = from->readonly;
      g_ptr_array_add (details->disks, disk);
    }
}

static void
copy_nics (FerryVmDetails *details,
           FerryDomainXml *dom)
{
  GPtrArray *interfaces = ferry_domain_xml_get_interfaces (dom);

  for (guint i = 0; i < interfaces->len; i++)
    {
      const FerryDomainInterface *from = g_ptr_array_index (interfaces, i);
      FerryVmNic *nic = g_new0 (FerryVmNic, 1);

      nic->type = g_strdup (from->type);
      /* The page names a source for these kinds only; others (vdpa,
       * vhostuser…) point at host paths that say nothing to a user. */
      if (g_strcmp0 (from->type, "network") == 0 || g_strcmp0 (from->type, "bridge") == 0 ||
          g_strcmp0 (from->type, "direct") == 0)
        nic->source = g_strdup (from->source);
      nic->mac = g_strdup (from->mac);
      nic->model = g_strdup (from->model);
      g_ptr_array_add (details->nics, nic);
    }
}

static void
copy_graphics (FerryVmDetails *details,
               FerryDomainXml *dom)
{
  GPtrArray *graphics = ferry_domain_xml_get_graphics (dom);

  for (guint i = 0; i < graphics->len; i++)
    {
      const FerryDomainGraphics *from = g_ptr_array_index (graphics, i);
      FerryVmGraphics *g = g_new0 (FerryVmGraphics, 1);

      g->type = g_strdup (from->type);
      g->listen = g_strdup (from->listen);
      g->socket = g_strdup (from->socket);
      g->autoport = from->autoport;
      /* A port in an inactive XML is only a wish (or -1 for "auto"). */
      if (details->active && from->port > 0)
        g->port = from->port;
      g_ptr_array_add (details->graphics, g);
    }
}

/* firmware='efi' (auto-selection), or the older explicit OVMF loader. */
static char *
firmware_of (FerryDomainXml *dom)
{
  const char *firmware = ferry_domain_xml_get_firmware (dom);
  const char *loader = ferry_domain_xml_get_loader (dom);

  if (firmware != NULL)
    return g_strdup (firmware);
  if (g_strcmp0 (ferry_domain_xml_get_loader_type (dom), "pflash") == 0 ||
      (loader != NULL && (strstr (loader, "OVMF") != NULL || strstr (loader, "AAVMF") != NULL ||
                          strstr (loader, "edk2") != NULL)))
    return g_strdup ("efi");
  return g_strdup ("bios");
}

FerryVmDetails *
ferry_vm_details_parse (const char  *xml,
                        GError     **error)
{
  g_autoptr(FerryDomainXml) dom = NULL;
  g_autoptr(FerryVmDetails) details = NULL;

  g_return_val_if_fail (xml != NULL, NULL);

  if ((dom = ferry_domain_xml_new (xml, error)) == NULL)
    return NULL;

  details = ferry_vm_details_new ();
  details->active = ferry_domain_xml_is_active (dom);
  details->uuid = g_strdup (ferry_domain_xml_get_uuid (dom));
  details->name = g_strdup (ferry_domain_xml_get_name (dom));
  details->title = g_strdup (ferry_domain_xml_get_title (dom));
  details->description = g_strdup (ferry_domain_xml_get_description (dom));
  details->os_type = g_strdup (ferry_domain_xml_get_os_type (dom));
  details->arch = g_strdup (ferry_domain_xml_get_arch (dom));
  details->machine = g_strdup (ferry_domain_xml_get_machine (dom));
  details->firmware = firmware_of (dom);

  details->cpu_mode = g_strdup (ferry_domain_xml_get_cpu_mode (dom));
  details->cpu_model = g_strdup (ferry_domain_xml_get_cpu_model (dom));
  /* libvirt's default mode when a model is given. */
  if (details->cpu_mode == NULL && details->cpu_model != NULL)
    details->cpu_mode = g_strdup ("custom");

  details->vcpus = ferry_domain_xml_get_vcpus (dom);
  details->max_vcpus = ferry_domain_xml_get_max_vcpus (dom);
  details->memory = ferry_domain_xml_get_memory (dom);
  details->max_memory = ferry_domain_xml_get_max_memory (dom);

  details->boot_order = g_strdupv ((GStrv) ferry_domain_xml_get_boot_order (dom));
  copy_disks (details, dom);
  copy_nics (details, dom);
  copy_graphics (details, dom);

  return g_steal_pointer (&details);
}

/* ---------------------------------------------------------------------- */
/* From a node                                                             */

typedef struct
{
  char      *uuid;
  char      *name;
  FerryNode *node;
} DetailsData;

static void
details_data_free (DetailsData *data)
{
  g_free (data->uuid);
  g_free (data->name);
  g_clear_object (&data->node);
  g_free (data);
}

static guint64
volume_capacity (virConnectPtr      conn,
                 const FerryVmDisk *disk)
{
  virStorageVolPtr vol = NULL;
  virStorageVolInfo info;
  guint64 capacity = 0;

  FERRY_ASSERT_WORKER_THREAD ();

  if (disk->pool != NULL && disk->volume != NULL)
    {
      virStoragePoolPtr pool = virStoragePoolLookupByName (conn, disk->pool);

      if (pool != NULL)
        {
          vol = virStorageVolLookupByName (pool, disk->volume);
          virStoragePoolFree (pool);
        }
    }
  else if (disk->source != NULL && g_path_is_absolute (disk->source))
    vol = ferry_libvirt_lookup_volume (conn, disk->source);

  if (vol != NULL)
    {
      if (virStorageVolGetInfo (vol, &info) == 0)
        capacity = info.capacity;
      virStorageVolFree (vol);
    }
  /* Not a volume of this node: no capacity, no error. */
  virResetLastError ();
  return capacity;
}

static void
details_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  DetailsData *data = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FerryVmDetails) details = NULL;
  virConnectPtr conn;
  virDomainPtr domain = NULL;
  char *xml = NULL;
  int active;
  int persistent;
  int autostart = 0;

  domain = _ferry_node_lookup_domain (data->node, data->uuid, data->name, &conn, &error);
  if (domain == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Live XML while it runs (ports, the devices it really has), the
   * definition it starts from when it does not. */
  active = virDomainIsActive (domain);
  persistent = virDomainIsPersistent (domain);
  if (active < 0 || persistent < 0 ||
      (xml = virDomainGetXMLDesc (domain, active == 1 ? 0 : VIR_DOMAIN_XML_INACTIVE)) == NULL)
    {
      ferry_libvirt_set_error (&error, _("Could not read the configuration of “%s”"), data->name);
      goto out;
    }

  details = ferry_vm_details_parse (xml, &error);
  if (details == NULL)
    goto out;

  if (persistent == 1 && virDomainGetAutostart (domain, &autostart) < 0)
    {
      autostart = 0;
      virResetLastError ();
    }
  details->active = active == 1;
  details->persistent = persistent == 1;
  details->autostart = autostart != 0;

  for (guint i = 0; i < details->disks->len; i++)
    {
      FerryVmDisk *disk = g_ptr_array_index (details->disks, i);

      disk->capacity = volume_capacity (conn, disk);
    }

out:
  free (xml);
  if (domain != NULL)
    virDomainFree (domain);
  virConnectClose (conn);

  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, g_steal_pointer (&details), (GDestroyNotify) ferry_vm_details_unref);
}

void
ferry_vm_get_details_async (FerryVm             *vm,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  DetailsData *data;
  FerryNode *node;

  g_return_if_fail (FERRY_IS_VM (vm));

  task = g_task_new (vm, cancellable, callback, user_data);
  g_task_set_source_tag (task, ferry_vm_get_details_async);

  node = ferry_vm_get_node (vm);
  if (node == NULL)
    {
      g_task_return_new_error (task, FERRY_LIBVIRT_ERROR, FERRY_LIBVIRT_ERROR_NOT_CONNECTED,
                               _("“%s” is not on any connected node"), ferry_vm_get_name (vm));
      return;
    }

  data = g_new0 (DetailsData, 1);
  data->uuid = g_strdup (ferry_vm_get_uuid (vm));
  data->name = g_strdup (ferry_vm_get_name (vm));
  data->node = g_object_ref (node);
  g_task_set_task_data (task, data, (GDestroyNotify) details_data_free);
  _ferry_node_run_in_worker (node, task, details_thread);
}

FerryVmDetails *
ferry_vm_get_details_finish (FerryVm       *vm,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, vm), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ferry_vm_get_details_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
