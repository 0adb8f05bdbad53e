/* ferry-vm-details.c — everything the VM page shows about one VM
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <libvirt/virterror.h>

#include "ferry-core.h"
#include "ferry-libvirt.h"
#include "ferry-node-private.h"
#include "ferry-vm-details.h"
#include "ferry-xml.h"


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
/* Parsing                                                                 */

static gboolean
get_uint (xmlXPathContext *ctx,
          const char      *xpath,
          guint           *value)
{
  guint64 v;

  if (!ferry_xml_get_uint64 (ctx, NULL, xpath, &v) || v > G_MAXUINT)
    return FALSE;
  *value = (guint) v;
  return TRUE;
}

typedef struct
{
  guint64     order;
  const char *dev;
} BootEntry;

static int
compare_boot_entries (gconstpointer a,
                      gconstpointer b)
{
  const BootEntry *x = a, *y = b;

  return x->order < y->order ? -1 : x->order > y->order;
}

/* <os><boot dev=…/> or, in its place, <boot order='N'/> on devices. */
static GStrv
parse_boot_order (xmlXPathContext *ctx)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GPtrArray) boots = ferry_xml_get_nodes (ctx, NULL, "/domain/os/boot[@dev]");
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(GArray) entries = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < boots->len; i++)
    {
      char *dev = ferry_xml_get_string (ctx, g_ptr_array_index (boots, i), "@dev");

      if (dev != NULL)
        g_ptr_array_add (names, dev);
    }

  if (names->len == 0)
    {
      devices = ferry_xml_get_nodes (ctx, NULL,
                                     "/domain/devices/disk[boot/@order] | "
                                     "/domain/devices/interface[boot/@order]");
      entries = g_array_new (FALSE, FALSE, sizeof (BootEntry));
      for (guint i = 0; i < devices->len; i++)
        {
          xmlNode *node = g_ptr_array_index (devices, i);
          g_autofree char *device = ferry_xml_get_string (ctx, node, "@device");
          BootEntry entry = { 0, NULL };

          if (!ferry_xml_get_uint64 (ctx, node, "boot/@order", &entry.order))
            continue;
          if (xmlStrEqual (node->name, (const xmlChar *) "interface"))
            entry.dev = "network";
          else if (g_strcmp0 (device, "cdrom") == 0)
            entry.dev = "cdrom";
          else if (g_strcmp0 (device, "floppy") == 0)
            entry.dev = "fd";
          else
            entry.dev = "hd";
          g_array_append_val (entries, entry);
        }
      g_array_sort (entries, compare_boot_entries);
      for (guint i = 0; i < entries->len; i++)
        {
          const char *dev = g_array_index (entries, BootEntry, i).dev;
          gboolean seen = FALSE;

          for (guint j = 0; j < names->len && !seen; j++)
            seen = strcmp (g_ptr_array_index (names, j), dev) == 0;
          if (!seen)
            g_ptr_array_add (names, g_strdup (dev));
        }
    }

  for (guint i = 0; i < names->len; i++)
    g_strv_builder_add (builder, g_ptr_array_index (names, i));
  return g_strv_builder_end (builder);
}

static void
parse_disks (xmlXPathContext *ctx,
             FerryVmDetails  *details)
{
  g_autoptr(GPtrArray) nodes = ferry_xml_get_nodes (ctx, NULL, "/domain/devices/disk");

  for (guint i = 0; i < nodes->len; i++)
    {
      xmlNode *node = g_ptr_array_index (nodes, i);
      FerryVmDisk *disk = g_new0 (FerryVmDisk, 1);
      g_autofree char *type = ferry_xml_get_string (ctx, node, "@type");

      disk->target = ferry_xml_get_string (ctx, node, "target/@dev");
      disk->bus = ferry_xml_get_string (ctx, node, "target/@bus");
      disk->device = ferry_xml_get_string (ctx, node, "@device");
      if (disk->device == NULL)
        disk->device = g_strdup ("disk");
      if (g_strcmp0 (type, "volume") == 0)
        {
          disk->pool = ferry_xml_get_string (ctx, node, "source/@pool");
          disk->volume = ferry_xml_get_string (ctx, node, "source/@volume");
        }
      else if (g_strcmp0 (type, "block") == 0)
        disk->source = ferry_xml_get_string (ctx, node, "source/@dev");
      else if (g_strcmp0 (type, "dir") == 0)
        disk->source = ferry_xml_get_string (ctx, node, "source/@dir");
      else if (g_strcmp0 (type, "network") == 0)
        disk->source = ferry_xml_get_string (ctx, node, "source/@name");
      else
        disk->source = ferry_xml_get_string (ctx, node, "source/@file");
      disk->format = ferry_xml_get_string (ctx, node, "driver/@type");
      disk->readonly = ferry_xml_has_node (ctx, node, "readonly");
      g_ptr_array_add (details->disks, disk);
    }
}

static void
parse_nics (xmlXPathContext *ctx,
            FerryVmDetails  *details)
{
  g_autoptr(GPtrArray) nodes = ferry_xml_get_nodes (ctx, NULL, "/domain/devices/interface");

  for (guint i = 0; i < nodes->len; i++)
    {
      xmlNode *node = g_ptr_array_index (nodes, i);
      FerryVmNic *nic = g_new0 (FerryVmNic, 1);

      nic->type = ferry_xml_get_string (ctx, node, "@type");
      if (g_strcmp0 (nic->type, "network") == 0)
        nic->source = ferry_xml_get_string (ctx, node, "source/@network");
      else if (g_strcmp0 (nic->type, "bridge") == 0)
        nic->source = ferry_xml_get_string (ctx, node, "source/@bridge");
      else if (g_strcmp0 (nic->type, "direct") == 0)
        nic->source = ferry_xml_get_string (ctx, node, "source/@dev");
      nic->mac = ferry_xml_get_string (ctx, node, "mac/@address");
      nic->model = ferry_xml_get_string (ctx, node, "model/@type");
      g_ptr_array_add (details->nics, nic);
    }
}

static void
parse_graphics (xmlXPathContext *ctx,
                FerryVmDetails  *details)
{
  g_autoptr(GPtrArray) nodes = ferry_xml_get_nodes (ctx, NULL, "/domain/devices/graphics");

  for (guint i = 0; i < nodes->len; i++)
    {
      xmlNode *node = g_ptr_array_index (nodes, i);
      FerryVmGraphics *graphics = g_new0 (FerryVmGraphics, 1);
      g_autofree char *autoport = ferry_xml_get_string (ctx, node, "@autoport");
      g_autofree char *port = ferry_xml_get_string (ctx, node, "@port");
      gint64 port_number;

      graphics->type = ferry_xml_get_string (ctx, node, "@type");
      graphics->listen = ferry_xml_get_string (ctx, node, "@listen");
      if (graphics->listen == NULL)
        graphics->listen = ferry_xml_get_string (ctx, node, "listen[@type='address']/@address");
      graphics->socket = ferry_xml_get_string (ctx, node, "@socket");
      if (graphics->socket == NULL)
        graphics->socket = ferry_xml_get_string (ctx, node, "listen[@type='socket']/@socket");
      graphics->autoport = g_strcmp0 (autoport, "yes") == 0;
      /* A port in an inactive XML is only a wish (or -1 for "auto"). */
      if (details->active && port != NULL &&
          g_ascii_string_to_signed (port, 10, 1, 65535, &port_number, NULL))
        graphics->port = (int) port_number;
      g_ptr_array_add (details->graphics, graphics);
    }
}

FerryVmDetails *
ferry_vm_details_parse (const char  *xml,
                        GError     **error)
{
  g_autoptr(xmlDoc) doc = NULL;
  g_autoptr(xmlXPathContext) ctx = NULL;
  g_autoptr(FerryVmDetails) details = NULL;
  g_autofree char *vcpu_current = NULL;
  g_autofree char *loader = NULL;
  g_autofree char *loader_type = NULL;
  xmlNode *root;

  g_return_val_if_fail (xml != NULL, NULL);

  doc = ferry_xml_parse (xml, error);
  if (doc == NULL)
    return NULL;
  root = xmlDocGetRootElement (doc);
  if (!xmlStrEqual (root->name, (const xmlChar *) "domain"))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("The XML description is not that of a virtual machine"));
      return NULL;
    }

  ctx = xmlXPathNewContext (doc);
  details = ferry_vm_details_new ();

  details->active = ferry_xml_has_node (ctx, NULL, "/domain[@id]");
  details->uuid = ferry_xml_get_string (ctx, NULL, "/domain/uuid");
  details->name = ferry_xml_get_string (ctx, NULL, "/domain/name");
  details->title = ferry_xml_get_string (ctx, NULL, "/domain/title");
  details->description = ferry_xml_get_string (ctx, NULL, "/domain/description");
  details->os_type = ferry_xml_get_string (ctx, NULL, "/domain/os/type");
  details->arch = ferry_xml_get_string (ctx, NULL, "/domain/os/type/@arch");
  details->machine = ferry_xml_get_string (ctx, NULL, "/domain/os/type/@machine");

  /* firmware='efi' (auto-selection), or the older explicit OVMF loader. */
  details->firmware = ferry_xml_get_string (ctx, NULL, "/domain/os/@firmware");
  if (details->firmware == NULL)
    {
      loader = ferry_xml_get_string (ctx, NULL, "/domain/os/loader");
      loader_type = ferry_xml_get_string (ctx, NULL, "/domain/os/loader/@type");
      if (g_strcmp0 (loader_type, "pflash") == 0 ||
          (loader != NULL && (strstr (loader, "OVMF") != NULL || strstr (loader, "AAVMF") != NULL ||
                              strstr (loader, "edk2") != NULL)))
        details->firmware = g_strdup ("efi");
      else
        details->firmware = g_strdup ("bios");
    }

  details->cpu_mode = ferry_xml_get_string (ctx, NULL, "/domain/cpu/@mode");
  details->cpu_model = ferry_xml_get_string (ctx, NULL, "/domain/cpu/model");
  if (details->cpu_mode == NULL && details->cpu_model != NULL)
    details->cpu_mode = g_strdup ("custom");

  get_uint (ctx, "/domain/vcpu", &details->max_vcpus);
  vcpu_current = ferry_xml_get_string (ctx, NULL, "/domain/vcpu/@current");
  if (vcpu_current == NULL || !get_uint (ctx, "/domain/vcpu/@current", &details->vcpus))
    details->vcpus = details->max_vcpus;

  ferry_xml_get_bytes (ctx, NULL, "/domain/memory", 1024, &details->max_memory);
  if (!ferry_xml_get_bytes (ctx, NULL, "/domain/currentMemory", 1024, &details->memory))
    details->memory = details->max_memory;

  details->boot_order = parse_boot_order (ctx);
  parse_disks (ctx, details);
  parse_nics (ctx, details);
  parse_graphics (ctx, details);

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
