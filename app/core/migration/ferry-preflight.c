/* ferry-preflight.c — can this VM move to that node? Checks before a migration
 *
 * Two steps, each on the node's own worker: the source describes the VM
 * (its live definition: memory, CPU, disks, networks, machine) and its
 * host; the destination then answers for itself (free memory, CPU
 * comparison, volumes at the same paths, networks, name and UUID, domain
 * capabilities for the machine type). A destination that does not answer
 * within a few seconds is a refusal of its own, so a drag never waits on
 * a frozen host.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <libvirt/virterror.h>

#include "ferry-core.h"
#include "ferry-domain-xml.h"
#include "ferry-host-xml.h"
#include "ferry-libvirt.h"
#include "ferry-node-private.h"
#include "ferry-preflight.h"

#define ANSWER_TIMEOUT_MS 5000
/* QEMU's own overhead on top of the guest's RAM. */
#define MEMORY_OVERHEAD (64 * 1024 * 1024)

struct _FerryPreflight
{
  GObject     parent_instance;

  FerryVm    *vm;
  FerryNode  *destination;
  GArray     *items;             /* FerryPreflightItem */
  gboolean    live;
  gboolean    needs_storage_copy;
  guint64     vm_memory;
  guint64     free_memory;
};

G_DEFINE_FINAL_TYPE (FerryPreflight, ferry_preflight, G_TYPE_OBJECT)

/* What the threads learn (owned by the GTask). */
typedef struct
{
  char      *uuid;
  char      *name;
  FerryNode *source;
  FerryNode *destination;
  guint      timeout_id;
  gboolean   returned;       /* the answer went out (maybe by the timeout) */

  /* from the source */
  gboolean   live;
  guint64    memory;
  char      *xml;            /* live definition when running, else inactive */
  char      *source_host_uuid;
  char      *arch;
  char      *machine;
  char      *virt_type;
  char      *emulator;
  char      *cpu_xml;        /* <cpu> element, NULL when none */
  char      *cpu_mode;
  GStrv      disk_paths;
  GStrv      networks;
  GStrv      bridges;

  /* from the destination */
  guint64    free_memory;
  GArray    *items;
  gboolean   needs_storage_copy;
} Probe;

static void
item_clear (FerryPreflightItem *item)
{
  g_free (item->message);
}

static void
probe_free (Probe *probe)
{
  g_free (probe->uuid);
  g_free (probe->name);
  g_clear_object (&probe->source);
  g_clear_object (&probe->destination);
  g_free (probe->xml);
  g_free (probe->source_host_uuid);
  g_free (probe->arch);
  g_free (probe->machine);
  g_free (probe->virt_type);
  g_free (probe->emulator);
  g_free (probe->cpu_xml);
  g_free (probe->cpu_mode);
  g_strfreev (probe->disk_paths);
  g_strfreev (probe->networks);
  g_strfreev (probe->bridges);
  g_clear_pointer (&probe->items, g_array_unref);
  g_free (probe);
}

static void
add_item (GArray                 *items,
          FerryPreflightCode      code,
          FerryPreflightSeverity  severity,
          const char             *format,
          ...) G_GNUC_PRINTF (4, 5);

static void
add_item (GArray                 *items,
          FerryPreflightCode      code,
          FerryPreflightSeverity  severity,
          const char             *format,
          ...)
{
  FerryPreflightItem item = { code, severity, NULL };
  va_list args;

  va_start (args, format);
  item.message = g_strdup_vprintf (format, args);
  va_end (args);
  g_array_append_val (items, item);
}

static char *
host_uuid (virConnectPtr conn)
{
  g_autofree char *xml = virConnectGetCapabilities (conn);
  g_autoptr(FerryCapsXml) caps = xml != NULL ? ferry_caps_xml_parse (xml, NULL) : NULL;

  return caps != NULL ? g_steal_pointer (&caps->host_uuid) : NULL;
}

/* ---------------------------------------------------------------------- */
/* Step 1: the source                                                      */

/* The <cpu> element when it has a <model> (even a nameless one, as older
 * libvirt writes for host-model): what the destination compares with. */
static char *
cpu_element (FerryDomainXml *domain)
{
  g_autofree char *cpu_xml = ferry_domain_xml_dup_cpu_xml (domain);
  g_autoptr(FerryCpuXml) cpu = cpu_xml != NULL ? ferry_cpu_xml_parse (cpu_xml, NULL) : NULL;

  return cpu != NULL && cpu->has_model ? g_steal_pointer (&cpu_xml) : NULL;
}

static void
source_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Probe *probe = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FerryDomainXml) desc = NULL;
  virConnectPtr conn = NULL;
  virDomainPtr domain;
  virDomainInfo info;

  domain = _ferry_node_lookup_domain (probe->source, probe->uuid, probe->name, &conn, &error);
  if (domain == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  probe->live = virDomainIsActive (domain) == 1;
  probe->xml = virDomainGetXMLDesc (domain, probe->live ? 0 : VIR_DOMAIN_XML_INACTIVE);
  if (virDomainGetInfo (domain, &info) == 0)
    probe->memory = (guint64) (probe->live ? info.memory : info.maxMem) * 1024;
  probe->source_host_uuid = host_uuid (conn);
  virDomainFree (domain);
  virConnectClose (conn);

  if (probe->xml == NULL)
    {
      ferry_libvirt_set_error (&error, _("Could not read the definition of “%s”"), probe->name);
      virResetLastError ();
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  virResetLastError ();

  /* Unreadable, it leaves the checks that need no definition (memory,
   * host, name). */
  if ((desc = ferry_domain_xml_new (probe->xml, NULL)) != NULL)
    {
      probe->arch = g_strdup (ferry_domain_xml_get_arch (desc));
      probe->machine = g_strdup (ferry_domain_xml_get_machine (desc));
      probe->virt_type = g_strdup (ferry_domain_xml_get_virt_type (desc));
      probe->emulator = g_strdup (ferry_domain_xml_get_emulator (desc));
      probe->cpu_mode = g_strdup (ferry_domain_xml_get_cpu_mode (desc));
      probe->cpu_xml = cpu_element (desc);
      /* Writable disk files: there already, or copied. */
      probe->disk_paths = ferry_domain_xml_dup_disk_paths (desc, FERRY_DISK_HARD_DISKS | FERRY_DISK_WRITABLE |
                                                                 FERRY_DISK_FILES);
      probe->networks = ferry_domain_xml_dup_networks (desc);
      probe->bridges = ferry_domain_xml_dup_bridges (desc);
    }
  g_task_return_boolean (task, TRUE);
}

/* ---------------------------------------------------------------------- */
/* Step 2: the destination                                                 */

static void
check_cpu (Probe         *probe,
           virConnectPtr  conn)
{
  int result;

  if (g_strcmp0 (probe->cpu_mode, "host-passthrough") == 0)
    {
      add_item (probe->items, FERRY_PREFLIGHT_CPU, FERRY_PREFLIGHT_WARNING,
                _("“%s” uses the host's CPU as is (host-passthrough): it may crash on a host "
                  "whose CPU differs. Use the cluster's baseline CPU to move it safely."),
                probe->name);
      return;
    }
  if (probe->cpu_xml == NULL)
    return;

  result = virConnectCompareHypervisorCPU (conn, probe->emulator, probe->arch, probe->machine,
                                           probe->virt_type, probe->cpu_xml, 0);
  if (result == VIR_CPU_COMPARE_INCOMPATIBLE)
    add_item (probe->items, FERRY_PREFLIGHT_CPU,
              probe->live ? FERRY_PREFLIGHT_BLOCKER : FERRY_PREFLIGHT_WARNING,
              _("%s's CPU lacks features the CPU of “%s” has"),
              ferry_node_get_name (probe->destination), probe->name);
  else if (result == VIR_CPU_COMPARE_ERROR)
    add_item (probe->items, FERRY_PREFLIGHT_CPU, FERRY_PREFLIGHT_WARNING,
              _("Could not compare the CPU of “%s” with %s's: %s"),
              probe->name, ferry_node_get_name (probe->destination), virGetLastErrorMessage ());
  virResetLastError ();
}

static void
check_storage (Probe         *probe,
               virConnectPtr  conn)
{
  for (guint i = 0; probe->disk_paths != NULL && probe->disk_paths[i] != NULL; i++)
    {
      const char *path = probe->disk_paths[i];
      virStorageVolPtr vol = ferry_libvirt_lookup_volume (conn, path);
      g_autofree char *dir = NULL;
      virStoragePoolPtr pool;

      if (vol != NULL)
        {
          virStorageVolFree (vol);
          continue;
        }
      virResetLastError ();

      dir = g_path_get_dirname (path);
      pool = ferry_libvirt_find_pool_by_dir (conn, dir);
      if (pool != NULL)
        {
          virStoragePoolFree (pool);
          probe->needs_storage_copy = TRUE;
          add_item (probe->items, FERRY_PREFLIGHT_STORAGE_COPY, FERRY_PREFLIGHT_WARNING,
                    _("The disk %s is not on storage %s sees: it will be copied"),
                    path, ferry_node_get_name (probe->destination));
        }
      else
        add_item (probe->items, FERRY_PREFLIGHT_STORAGE, FERRY_PREFLIGHT_BLOCKER,
                  _("%s cannot reach the disk %s and has no storage pool in %s to copy it into"),
                  ferry_node_get_name (probe->destination), path, dir);
    }
}

static void
check_networks (Probe         *probe,
                virConnectPtr  conn)
{
  for (guint i = 0; probe->networks != NULL && probe->networks[i] != NULL; i++)
    {
      virNetworkPtr net = virNetworkLookupByName (conn, probe->networks[i]);

      if (net == NULL)
        add_item (probe->items, FERRY_PREFLIGHT_NETWORK, FERRY_PREFLIGHT_BLOCKER,
                  _("%s has no network “%s”"), ferry_node_get_name (probe->destination),
                  probe->networks[i]);
      else
        {
          if (probe->live && virNetworkIsActive (net) != 1)
            add_item (probe->items, FERRY_PREFLIGHT_NETWORK, FERRY_PREFLIGHT_BLOCKER,
                      _("The network “%s” is not started on %s"), probe->networks[i],
                      ferry_node_get_name (probe->destination));
          virNetworkFree (net);
        }
      virResetLastError ();
    }

  for (guint i = 0; probe->bridges != NULL && probe->bridges[i] != NULL; i++)
    {
      virInterfacePtr iface = virInterfaceLookupByName (conn, probe->bridges[i]);

      if (iface == NULL)
        add_item (probe->items, FERRY_PREFLIGHT_NETWORK, FERRY_PREFLIGHT_WARNING,
                  _("Could not find the bridge %s on %s"), probe->bridges[i],
                  ferry_node_get_name (probe->destination));
      else
        virInterfaceFree (iface);
      virResetLastError ();
    }
}

static void
check_identity (Probe         *probe,
                virConnectPtr  conn)
{
  virDomainPtr same_name, same_uuid;
  g_autofree char *dest_host = host_uuid (conn);

  if (dest_host != NULL && g_strcmp0 (dest_host, probe->source_host_uuid) == 0)
    add_item (probe->items, FERRY_PREFLIGHT_SAME_HOST, FERRY_PREFLIGHT_BLOCKER,
              _("%s is the same host as the one “%s” is on (same host UUID)"),
              ferry_node_get_name (probe->destination), probe->name);

  same_uuid = virDomainLookupByUUIDString (conn, probe->uuid);
  if (same_uuid != NULL)
    {
      if (virDomainIsActive (same_uuid) == 1)
        add_item (probe->items, FERRY_PREFLIGHT_NAME_CLASH, FERRY_PREFLIGHT_BLOCKER,
                  _("“%s” is running on %s already"), probe->name,
                  ferry_node_get_name (probe->destination));
      else
        add_item (probe->items, FERRY_PREFLIGHT_NAME_CLASH, FERRY_PREFLIGHT_WARNING,
                  _("%s has an old definition of “%s”: the migration replaces it"),
                  ferry_node_get_name (probe->destination), probe->name);
      virDomainFree (same_uuid);
    }
  virResetLastError ();

  same_name = virDomainLookupByName (conn, probe->name);
  if (same_name != NULL)
    {
      char uuid[VIR_UUID_STRING_BUFLEN];

      if (virDomainGetUUIDString (same_name, uuid) == 0 && g_ascii_strcasecmp (uuid, probe->uuid) != 0)
        add_item (probe->items, FERRY_PREFLIGHT_NAME_CLASH, FERRY_PREFLIGHT_BLOCKER,
                  _("Another VM named “%s” exists on %s"), probe->name,
                  ferry_node_get_name (probe->destination));
      virDomainFree (same_name);
    }
  virResetLastError ();
}

static void
destination_thread (GTask         *task,
                    FerryNode     *node,
                    virConnectPtr  conn,
                    gpointer       task_data,
                    GCancellable  *cancellable)
{
  Probe *probe = task_data;
  unsigned long long free_memory;

  check_identity (probe, conn);

  free_memory = virNodeGetFreeMemory (conn);
  probe->free_memory = free_memory;
  if (free_memory > 0 && probe->live && free_memory < probe->memory + MEMORY_OVERHEAD)
    add_item (probe->items, FERRY_PREFLIGHT_MEMORY, FERRY_PREFLIGHT_BLOCKER,
              _("%s has %llu MiB free; “%s” needs %llu MiB"),
              ferry_node_get_name (probe->destination), (unsigned long long) (free_memory >> 20), probe->name,
              (unsigned long long) ((probe->memory + MEMORY_OVERHEAD) >> 20));
  virResetLastError ();

  if (probe->arch != NULL)
    {
      g_autofree char *caps = virConnectGetDomainCapabilities (conn, NULL, probe->arch,
                                                                probe->machine, probe->virt_type, 0);

      if (caps == NULL)
        add_item (probe->items, FERRY_PREFLIGHT_ARCH, FERRY_PREFLIGHT_BLOCKER,
                  _("%s cannot run a %s VM of machine type %s (%s)"),
                  ferry_node_get_name (probe->destination), probe->arch,
                  probe->machine != NULL ? probe->machine : "?", virGetLastErrorMessage ());
      virResetLastError ();
    }

  check_cpu (probe, conn);
  check_storage (probe, conn);
  check_networks (probe, conn);

  virResetLastError ();
  g_task_return_boolean (task, TRUE);
}

/* ---------------------------------------------------------------------- */
/* Chaining                                                                */

static FerryPreflight *
preflight_new (FerryVm   *vm,
               FerryNode *destination)
{
  FerryPreflight *self = g_object_new (FERRY_TYPE_PREFLIGHT, NULL);

  self->vm = g_object_ref (vm);
  self->destination = g_object_ref (destination);
  return self;
}

static void
finish (GTask          *task,
        FerryPreflight *result)
{
  Probe *probe = g_task_get_task_data (task);

  g_clear_handle_id (&probe->timeout_id, g_source_remove);
  if (!probe->returned)
    {
      probe->returned = TRUE;
      g_task_return_pointer (task, result, g_object_unref);
    }
  else
    g_object_unref (result);
}

static gboolean
on_timeout (gpointer data)
{
  GTask *task = data;
  Probe *probe = g_task_get_task_data (task);
  FerryPreflight *result;

  probe->timeout_id = 0;
  probe->returned = TRUE;
  result = preflight_new (g_task_get_source_object (task), probe->destination);
  add_item (result->items, FERRY_PREFLIGHT_UNREACHABLE, FERRY_PREFLIGHT_BLOCKER,
            _("%s is not answering"), ferry_node_get_name (probe->destination));
  g_task_return_pointer (task, result, g_object_unref);
  return G_SOURCE_REMOVE;
}

static void
destination_done (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Probe *probe = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  FerryPreflight *preflight;

  preflight = preflight_new (g_task_get_source_object (task), probe->destination);
  preflight->live = probe->live;
  preflight->vm_memory = probe->memory;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    add_item (preflight->items, FERRY_PREFLIGHT_UNREACHABLE, FERRY_PREFLIGHT_BLOCKER,
              "%s", error->message);
  else
    {
      g_array_append_vals (preflight->items, probe->items->data, probe->items->len);
      /* The strings moved with the copies. */
      g_array_set_clear_func (probe->items, NULL);
      g_array_set_size (probe->items, 0);
      preflight->needs_storage_copy = probe->needs_storage_copy;
      preflight->free_memory = probe->free_memory;
    }
  finish (task, preflight);
}

static void
source_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Probe *probe = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;
  GTask *step;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      FerryPreflight *preflight = preflight_new (g_task_get_source_object (task), probe->destination);

      add_item (preflight->items, FERRY_PREFLIGHT_OTHER, FERRY_PREFLIGHT_BLOCKER, "%s", error->message);
      finish (task, preflight);
      return;
    }

  cancellable = g_task_get_cancellable (task);
  step = g_task_new (probe->destination, cancellable, destination_done, g_steal_pointer (&task));
  g_task_set_source_tag (step, destination_thread);
  g_task_set_task_data (step, probe, NULL);
  _ferry_node_run_with_connection (probe->destination, step, destination_thread);
  g_object_unref (step);
}

char *
ferry_preflight_quick_check (FerryVm   *vm,
                             FerryNode *destination)
{
  FerryNode *source;

  g_return_val_if_fail (FERRY_IS_VM (vm), NULL);
  g_return_val_if_fail (FERRY_IS_NODE (destination), NULL);

  source = ferry_vm_get_node (vm);
  if (source == destination)
    return g_strdup_printf (_("“%s” is already on %s"), ferry_vm_get_name (vm),
                            ferry_node_get_name (destination));
  if (ferry_node_get_state (destination) != FERRY_NODE_STATE_CONNECTED)
    return g_strdup_printf (_("%s is %s"), ferry_node_get_name (destination),
                            ferry_node_state_to_string (ferry_node_get_state (destination)));
  if (ferry_node_get_maintenance (destination))
    return g_strdup_printf (_("%s is in maintenance"), ferry_node_get_name (destination));
  if (source == NULL || ferry_node_get_state (source) != FERRY_NODE_STATE_CONNECTED)
    return g_strdup_printf (_("The host of “%s” cannot be reached"), ferry_vm_get_name (vm));
  switch (ferry_vm_get_state (vm))
    {
    case FERRY_VM_STATE_SUSPENDED:
      return g_strdup_printf (_("“%s” is suspended to memory: wake it up or shut it down first"),
                              ferry_vm_get_name (vm));
    case FERRY_VM_STATE_CRASHED:
      return g_strdup_printf (_("“%s” has crashed: shut it down first"), ferry_vm_get_name (vm));
    case FERRY_VM_STATE_SHUTTING_DOWN:
      return g_strdup_printf (_("“%s” is shutting down"), ferry_vm_get_name (vm));
    case FERRY_VM_STATE_UNKNOWN:
      return g_strdup_printf (_("The state of “%s” is unknown"), ferry_vm_get_name (vm));
    default:
      break;
    }
  if (!ferry_vm_get_persistent (vm) && !ferry_vm_state_is_active (ferry_vm_get_state (vm)))
    return g_strdup_printf (_("“%s” is not defined anywhere"), ferry_vm_get_name (vm));
  return NULL;
}

void
ferry_preflight_run_async (FerryVm             *vm,
                           FerryNode           *destination,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *quick = NULL;
  GTask *step;
  Probe *probe;

  g_return_if_fail (FERRY_IS_VM (vm));
  g_return_if_fail (FERRY_IS_NODE (destination));

  task = g_task_new (vm, cancellable, callback, user_data);
  g_task_set_source_tag (task, ferry_preflight_run_async);

  quick = ferry_preflight_quick_check (vm, destination);
  if (quick != NULL)
    {
      FerryPreflight *preflight = preflight_new (vm, destination);
      FerryPreflightCode code = ferry_vm_get_node (vm) == destination ? FERRY_PREFLIGHT_SAME_HOST
                              : ferry_node_get_state (destination) != FERRY_NODE_STATE_CONNECTED
                                ? FERRY_PREFLIGHT_UNREACHABLE
                              : ferry_node_get_maintenance (destination) ? FERRY_PREFLIGHT_MAINTENANCE
                              : FERRY_PREFLIGHT_STATE;

      add_item (preflight->items, code, FERRY_PREFLIGHT_BLOCKER, "%s", quick);
      preflight->live = ferry_vm_state_is_active (ferry_vm_get_state (vm));
      g_task_return_pointer (task, preflight, g_object_unref);
      return;
    }

  probe = g_new0 (Probe, 1);
  probe->uuid = g_strdup (ferry_vm_get_uuid (vm));
  probe->name = g_strdup (ferry_vm_get_name (vm));
  probe->source = g_object_ref (ferry_vm_get_node (vm));
  probe->destination = g_object_ref (destination);
  probe->items = g_array_new (FALSE, TRUE, sizeof (FerryPreflightItem));
  g_array_set_clear_func (probe->items, (GDestroyNotify) item_clear);
  g_task_set_task_data (task, probe, (GDestroyNotify) probe_free);
  probe->timeout_id = g_timeout_add (ANSWER_TIMEOUT_MS, on_timeout, task);

  step = g_task_new (probe->source, cancellable, source_done, g_steal_pointer (&task));
  g_task_set_source_tag (step, source_thread);
  g_task_set_task_data (step, probe, NULL);
  _ferry_node_run_in_worker (probe->source, step, source_thread);
  g_object_unref (step);
}

FerryPreflight *
ferry_preflight_run_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

FerryVm *
ferry_preflight_get_vm (FerryPreflight *self)
{
  g_return_val_if_fail (FERRY_IS_PREFLIGHT (self), NULL);
  return self->vm;
}

FerryNode *
ferry_preflight_get_destination (FerryPreflight *self)
{
  g_return_val_if_fail (FERRY_IS_PREFLIGHT (self), NULL);
  return self->destination;
}

gboolean
ferry_preflight_get_allowed (FerryPreflight *self)
{
  return ferry_preflight_get_reason (self) == NULL;
}

const char *
ferry_preflight_get_reason (FerryPreflight *self)
{
  g_return_val_if_fail (FERRY_IS_PREFLIGHT (self), NULL);

  for (guint i = 0; i < self->items->len; i++)
    {
      const FerryPreflightItem *item = &g_array_index (self->items, FerryPreflightItem, i);

      if (item->severity == FERRY_PREFLIGHT_BLOCKER)
        return item->message;
    }
  return NULL;
}

guint
ferry_preflight_get_n_items (FerryPreflight *self)
{
  g_return_val_if_fail (FERRY_IS_PREFLIGHT (self), 0);
  return self->items->len;
}

const FerryPreflightItem *
ferry_preflight_get_item (FerryPreflight *self,
                          guint           i)
{
  g_return_val_if_fail (FERRY_IS_PREFLIGHT (self), NULL);
  g_return_val_if_fail (i < self->items->len, NULL);
  return &g_array_index (self->items, FerryPreflightItem, i);
}

gboolean
ferry_preflight_has_code (FerryPreflight     *self,
                          FerryPreflightCode  code)
{
  g_return_val_if_fail (FERRY_IS_PREFLIGHT (self), FALSE);

  for (guint i = 0; i < self->items->len; i++)
    if (g_array_index (self->items, FerryPreflightItem, i).code == code)
      return TRUE;
  return FALSE;
}

gboolean
ferry_preflight_get_live (FerryPreflight *self)
{
  g_return_val_if_fail (FERRY_IS_PREFLIGHT (self), FALSE);
  return self->live;
}

gboolean
ferry_preflight_get_needs_storage_copy (FerryPreflight *self)
{
  g_return_val_if_fail (FERRY_IS_PREFLIGHT (self), FALSE);
  return self->needs_storage_copy;
}

guint64
ferry_preflight_get_vm_memory (FerryPreflight *self)
{
  g_return_val_if_fail (FERRY_IS_PREFLIGHT (self), 0);
  return self->vm_memory;
}

guint64
ferry_preflight_get_free_memory (FerryPreflight *self)
{
  g_return_val_if_fail (FERRY_IS_PREFLIGHT (self), 0);
  return self->free_memory;
}

static void
ferry_preflight_finalize (GObject *object)
{
  FerryPreflight *self = FERRY_PREFLIGHT (object);

  g_clear_object (&self->vm);
  g_clear_object (&self->destination);
  g_array_unref (self->items);

  G_OBJECT_CLASS (ferry_preflight_parent_class)->finalize (object);
}

static void
ferry_preflight_class_init (FerryPreflightClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ferry_preflight_finalize;
}

static void
ferry_preflight_init (FerryPreflight *self)
{
  self->items = g_array_new (FALSE, TRUE, sizeof (FerryPreflightItem));
  g_array_set_clear_func (self->items, (GDestroyNotify) item_clear);
}
