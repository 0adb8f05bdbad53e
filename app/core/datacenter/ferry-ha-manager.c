/* ferry-ha-manager.c — which VMs are highly available, which are at risk,
 * and their recovery after a host failed (only once it is fenced)
 *
 * Knowing the flag without slowing the inventory down: the inventory lists
 * domains with one bulk call per node (10 000 VMs on test:/// in the
 * bench), and the flag is not in those statistics. Reading it per VM on
 * every refresh would add a call per VM. Instead Ferry learns it
 *   - from the definitions it saved ($XDG_DATA_HOME/ferry/ha, read once at
 *     start-up: every VM flagged through Ferry, or seen flagged, is there),
 *   - when it sets the flag itself, or reads it for the VM page,
 *   - from "defined" lifecycle events (an edit, a migration's persistent
 *     destination): one metadata read for that domain only,
 *   - once per (re)connection of a node, for that node's domains, on the
 *     node's worker, only when the node has at most SCAN_MAX_DOMAINS of
 *     them: a cluster host runs tens of VMs; a host with thousands is not
 *     one we would flood with a call per domain on every reconnection (its
 *     flagged VMs are still found by the other three ways).
 *
 * Safety: recovery needs the failed host to be fenced (the administrator's
 * word, or verified leases); each VM is started at most once per failure
 * (the target is asked first whether it already runs it); a VM that cannot
 * be placed is reported, not retried elsewhere behind the user's back.
 * Stale definitions on a returning host are only ever undefined, never
 * started, and only after the caller asks (the UI asks the user).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */


#include "config.h"

#include <glib/gi18n-lib.h>
#include <libvirt/virterror.h>

#include "ferry-core.h"
#include "ferry-ha.h"
#include "ferry-ha-manager.h"
#include "ferry-libvirt.h"
#include "ferry-maintenance-private.h"
#include "ferry-node-private.h"
#include "ferry-placement.h"
#include "ferry-vm-private.h"

#define SCAN_MAX_DOMAINS 512
#define HOOKED_KEY "ferry-ha-manager-hooked"

struct _FerryHaManager
{
  GObject         parent_instance;

  FerryInventory *inventory;
  FerryTaskLog   *task_log;

  GHashTable     *ha;             /* uuid set: known to be flagged */
  GListStore     *at_risk;        /* FerryVm */
  guint           at_risk_idle;
  gboolean        leases_verified;

  GHashTable     *busy;           /* uuid set: a recovery is under way */
  GHashTable     *recovered;      /* uuid → id of the node it was recovered from */
  GHashTable     *stale;          /* FerryNode* → GPtrArray of FerryVm */
  FerryHaGroupsFunc groups_func;
  gpointer        groups_data;
};

enum {
  PROP_0,
  PROP_LEASES_VERIFIED,
  N_PROPS
};

enum {
  AT_RISK_CHANGED,
  VM_RECOVERED,
  STALE_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (FerryHaManager, ferry_ha_manager, G_TYPE_OBJECT)

void
ferry_ha_plan_item_free (FerryHaPlanItem *item)
{
  if (item == NULL)
    return;
  g_clear_object (&item->vm);
  g_clear_object (&item->target);
  g_free (item->reason);
  g_free (item);
}

/* ---------------------------------------------------------------------- */
/* At risk                                                                 */

static int
compare_by_name (gconstpointer a,
                 gconstpointer b)
{
  FerryVm *va = *(FerryVm **) a;
  FerryVm *vb = *(FerryVm **) b;

  return g_utf8_collate (ferry_vm_get_name (va), ferry_vm_get_name (vb));
}

static gboolean
update_at_risk (gpointer user_data)
{
  FerryHaManager *self = user_data;
  g_autoptr(GPtrArray) now = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;
  guint n_old;
  gboolean same;

  self->at_risk_idle = 0;

  g_hash_table_iter_init (&iter, self->ha);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      FerryVm *vm = ferry_inventory_lookup_vm (self->inventory, key);
      FerryNode *node = vm ? ferry_vm_get_node (vm) : NULL;

      if (node != NULL && ferry_node_get_state (node) == FERRY_NODE_STATE_UNREACHABLE)
        g_ptr_array_add (now, vm);
    }
  g_ptr_array_sort (now, compare_by_name);

  n_old = g_list_model_get_n_items (G_LIST_MODEL (self->at_risk));
  same = n_old == now->len;
  for (guint i = 0; same && i < n_old; i++)
    {
      g_autoptr(FerryVm) vm = g_list_model_get_item (G_LIST_MODEL (self->at_risk), i);

      same = vm == g_ptr_array_index (now, i);
    }
  if (!same)
    {
      g_list_store_splice (self->at_risk, 0, n_old, now->pdata, now->len);
      g_signal_emit (self, signals[AT_RISK_CHANGED], 0);
    }
  return G_SOURCE_REMOVE;
}

static void
queue_update_at_risk (FerryHaManager *self)
{
  if (self->at_risk_idle == 0)
    self->at_risk_idle = g_idle_add (update_at_risk, self);
}

GListModel *
ferry_ha_manager_get_at_risk (FerryHaManager *self)
{
  g_return_val_if_fail (FERRY_IS_HA_MANAGER (self), NULL);
  return G_LIST_MODEL (self->at_risk);
}

guint
ferry_ha_manager_count_at_risk (FerryHaManager *self,
                                FerryNode      *node)
{
  guint n, count = 0;

  g_return_val_if_fail (FERRY_IS_HA_MANAGER (self), 0);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->at_risk));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FerryVm) vm = g_list_model_get_item (G_LIST_MODEL (self->at_risk), i);

      if (ferry_vm_get_node (vm) == node)
        count++;
    }
  return count;
}

/* ---------------------------------------------------------------------- */
/* What is flagged                                                         */

static void
remember (FerryHaManager *self,
          const char     *uuid,
          gboolean        enabled,
          const char     *xml)
{
  g_autoptr(GError) error = NULL;

  if (enabled)
    {
      g_hash_table_add (self->ha, g_strdup (uuid));
      if (xml != NULL && !ferry_ha_cache_save (uuid, xml, &error))
        g_warning ("Could not save the definition of %s: %s", uuid, error->message);
    }
  else if (g_hash_table_remove (self->ha, uuid))
    ferry_ha_cache_remove (uuid);
  queue_update_at_risk (self);
}

gboolean
ferry_ha_manager_is_ha (FerryHaManager *self,
                        FerryVm        *vm)
{
  g_return_val_if_fail (FERRY_IS_HA_MANAGER (self), FALSE);
  g_return_val_if_fail (FERRY_IS_VM (vm), FALSE);
  return g_hash_table_contains (self->ha, ferry_vm_get_uuid (vm));
}

static GPtrArray *
connected_nodes (FerryHaManager *self,
                 FerryNode      *except)
{
  GListModel *nodes = ferry_inventory_get_nodes (self->inventory);
  GPtrArray *list = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < g_list_model_get_n_items (nodes); i++)
    {
      FerryNode *node = g_list_model_get_item (nodes, i);

      if (node != except && ferry_node_get_state (node) == FERRY_NODE_STATE_CONNECTED)
        g_ptr_array_add (list, node);
      else
        g_object_unref (node);
    }
  return list;
}

static void
set_ha_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FerryHaManager *self = g_task_get_source_object (task);
  FerryVm *vm = FERRY_VM (object);
  gboolean enabled = GPOINTER_TO_INT (g_task_get_task_data (task));
  g_autofree char *xml = NULL;
  GError *error = NULL;

  if (!ferry_ha_set_enabled_finish (vm, result, &xml, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  remember (self, ferry_vm_get_uuid (vm), enabled, xml);
  g_task_return_boolean (task, TRUE);
}

void
ferry_ha_manager_set_ha_async (FerryHaManager      *self,
                               FerryVm             *vm,
                               gboolean             enabled,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GPtrArray) peers = NULL;
  GTask *task;

  g_return_if_fail (FERRY_IS_HA_MANAGER (self));
  g_return_if_fail (FERRY_IS_VM (vm));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ferry_ha_manager_set_ha_async);
  g_task_set_task_data (task, GINT_TO_POINTER (!!enabled), NULL);
  peers = connected_nodes (self, ferry_vm_get_node (vm));
  ferry_ha_set_enabled_async (vm, enabled, peers, cancellable, set_ha_done, task);
}

gboolean
ferry_ha_manager_set_ha_finish (FerryHaManager  *self,
                                GAsyncResult    *result,
                                GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
refresh_vm_done (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FerryHaManager *self = g_task_get_source_object (task);
  FerryVm *vm = FERRY_VM (object);
  g_autofree char *xml = NULL;
  gboolean enabled = FALSE;
  GError *error = NULL;

  if (!ferry_ha_get_enabled_finish (vm, result, &enabled, &xml, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  remember (self, ferry_vm_get_uuid (vm), enabled, xml);
  g_task_return_int (task, enabled);
}

void
ferry_ha_manager_refresh_vm_async (FerryHaManager      *self,
                                   FerryVm             *vm,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (FERRY_IS_HA_MANAGER (self));
  g_return_if_fail (FERRY_IS_VM (vm));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ferry_ha_manager_refresh_vm_async);
  ferry_ha_get_enabled_async (vm, cancellable, refresh_vm_done, task);
}

gboolean
ferry_ha_manager_refresh_vm_finish (FerryHaManager  *self,
                                    GAsyncResult    *result,
                                    gboolean        *enabled,
                                    GError         **error)
{
  GError *local_error = NULL;
  gssize value;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  value = g_task_propagate_int (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  if (enabled != NULL)
    *enabled = value != 0;
  return TRUE;
}

/* A scan: the flag of some domains of one node, on its worker. */

typedef struct
{
  char     *uuid;
  gboolean  found;
  gboolean  enabled;
  char     *xml;
} ScanItem;

static void
scan_item_free (ScanItem *item)
{
  g_free (item->uuid);
  g_free (item->xml);
  g_free (item);
}

static void
scan_thread (GTask         *task,
             FerryNode     *node,
             virConnectPtr  conn,
             gpointer       task_data,
             GCancellable  *cancellable)
{
  GPtrArray *items = task_data;

  for (guint i = 0; i < items->len; i++)
    {
      ScanItem *item = g_ptr_array_index (items, i);
      virDomainPtr domain = virDomainLookupByUUIDString (conn, item->uuid);
      char *element;

      if (domain == NULL)
        continue;
      item->found = TRUE;
      element = virDomainGetMetadata (domain, VIR_DOMAIN_METADATA_ELEMENT, FERRY_HA_XMLNS,
                                      virDomainIsPersistent (domain) == 1 ? VIR_DOMAIN_AFFECT_CONFIG
                                                                          : VIR_DOMAIN_AFFECT_CURRENT);
      if (element != NULL)
        {
          item->enabled = ferry_ha_xml_is_enabled (element);
          free (element);
        }
      if (item->enabled)
        {
          char *xml = virDomainGetXMLDesc (domain, VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE);

          item->xml = g_strdup (xml);
          free (xml);
        }
      virDomainFree (domain);
    }
  virResetLastError ();
  g_task_return_boolean (task, TRUE);
}

static void
scan_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  FerryNode *node = FERRY_NODE (object);
  FerryHaManager *self = user_data;   /* the task holds a reference */
  GPtrArray *items = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_debug ("HA scan of %s: %s", ferry_node_get_name (node), error->message);
      g_object_unref (self);
      return;
    }
  for (guint i = 0; i < items->len; i++)
    {
      ScanItem *item = g_ptr_array_index (items, i);
      FerryVm *vm;

      if (!item->found)
        continue;
      if (item->enabled)
        {
          remember (self, item->uuid, TRUE, item->xml);
          continue;
        }
      /* Cleared: believe only the host that owns the VM, not a stale copy. */
      vm = ferry_inventory_lookup_vm (self->inventory, item->uuid);
      if (vm != NULL && ferry_vm_get_node (vm) == node)
        remember (self, item->uuid, FALSE, NULL);
    }
  g_object_unref (self);
}

static void
scan (FerryHaManager *self,
      FerryNode      *node,
      GPtrArray      *uuids)
{
  g_autoptr(GTask) task = NULL;
  GPtrArray *items;

  if (uuids->len == 0)
    return;
  items = g_ptr_array_new_with_free_func ((GDestroyNotify) scan_item_free);
  for (guint i = 0; i < uuids->len; i++)
    {
      ScanItem *item = g_new0 (ScanItem, 1);

      item->uuid = g_strdup (g_ptr_array_index (uuids, i));
      g_ptr_array_add (items, item);
    }
  task = g_task_new (node, NULL, scan_done, g_object_ref (self));
  g_task_set_source_tag (task, scan);
  g_task_set_task_data (task, items, (GDestroyNotify) g_ptr_array_unref);
  _ferry_node_run_with_connection (node, task, scan_thread);
}

/* Every VM the inventory has seen on @node (owned or not). */
static GPtrArray *
vms_sighted_on (FerryHaManager *self,
                FerryNode      *node)
{
  GListModel *vms = ferry_inventory_get_vms (self->inventory);
  GPtrArray *list = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = g_list_model_get_n_items (vms);

  for (guint i = 0; i < n; i++)
    {
      FerryVm *vm = g_list_model_get_item (vms, i);

      if (_ferry_vm_sighted_on (vm, node))
        g_ptr_array_add (list, vm);
      else
        g_object_unref (vm);
    }
  return list;
}

/* ---------------------------------------------------------------------- */
/* Stale definitions on a node that came back                              */

static void
find_stale (FerryHaManager *self,
            FerryNode      *node)
{
  g_autoptr(GPtrArray) sighted = vms_sighted_on (self, node);
  GPtrArray *stale = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < sighted->len; i++)
    {
      FerryVm *vm = g_ptr_array_index (sighted, i);
      const char *uuid = ferry_vm_get_uuid (vm);
      const char *from = g_hash_table_lookup (self->recovered, uuid);
      FerryNode *owner = ferry_vm_get_node (vm);
      gboolean recovered_from_here = g_strcmp0 (from, ferry_node_get_id (node)) == 0;

      if (owner == NULL || owner == node ||
          ferry_node_get_state (owner) != FERRY_NODE_STATE_CONNECTED)
        continue;
      /* Recovered from here by us; or (Ferry restarted since) an HA VM
       * running on another host. */
      if (recovered_from_here ||
          (g_hash_table_contains (self->ha, uuid) && ferry_vm_state_is_active (ferry_vm_get_state (vm))))
        g_ptr_array_add (stale, g_object_ref (vm));
    }

  if (stale->len == 0 && !g_hash_table_contains (self->stale, node))
    {
      g_ptr_array_unref (stale);
      return;
    }
  if (stale->len == 0)
    {
      g_ptr_array_unref (stale);
      g_hash_table_remove (self->stale, node);
    }
  else
    g_hash_table_replace (self->stale, node, stale);
  g_signal_emit (self, signals[STALE_CHANGED], 0, node);
}

GPtrArray *
ferry_ha_manager_get_stale (FerryHaManager *self,
                            FerryNode      *node)
{
  GPtrArray *stale;

  g_return_val_if_fail (FERRY_IS_HA_MANAGER (self), NULL);

  stale = g_hash_table_lookup (self->stale, node);
  return stale ? g_ptr_array_ref (stale) : g_ptr_array_new_with_free_func (g_object_unref);
}

typedef struct
{
  GPtrArray *uuids;      /* char* */
  GPtrArray *names;      /* char* */
  guint      removed;
  GString   *problems;
} StaleData;

static void
stale_data_free (StaleData *data)
{
  g_ptr_array_unref (data->uuids);
  g_ptr_array_unref (data->names);
  g_string_free (data->problems, TRUE);
  g_free (data);
}

static void
remove_stale_thread (GTask         *task,
                     FerryNode     *node,
                     virConnectPtr  conn,
                     gpointer       task_data,
                     GCancellable  *cancellable)
{
  StaleData *data = task_data;

  for (guint i = 0; i < data->uuids->len; i++)
    {
      const char *name = g_ptr_array_index (data->names, i);
      virDomainPtr domain = virDomainLookupByUUIDString (conn, g_ptr_array_index (data->uuids, i));
      static const unsigned int flag_sets[] = {
        VIR_DOMAIN_UNDEFINE_MANAGED_SAVE | VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA |
        VIR_DOMAIN_UNDEFINE_CHECKPOINTS_METADATA | VIR_DOMAIN_UNDEFINE_KEEP_NVRAM,
        VIR_DOMAIN_UNDEFINE_MANAGED_SAVE | VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA,
        0,
      };
      gboolean done = FALSE;

      if (domain == NULL)
        continue;
      if (virDomainIsActive (domain) == 1)
        {
          /* Never stop it here: it may be the copy that writes the disk. */
          g_string_append_printf (data->problems, "%s%s", data->problems->len ? "\n" : "",
                                  name);
          g_string_append_printf (data->problems, _(": it runs on %s too — both copies use the same disk"),
                                  ferry_node_get_name (node));
          virDomainFree (domain);
          continue;
        }
      for (guint f = 0; f < G_N_ELEMENTS (flag_sets) && !done; f++)
        done = virDomainUndefineFlags (domain, flag_sets[f]) == 0;
      if (done)
        data->removed++;
      else
        {
          virErrorPtr last = virGetLastError ();

          g_string_append_printf (data->problems, "%s%s: %s", data->problems->len ? "\n" : "", name,
                                  last && last->message ? last->message : _("unknown error"));
        }
      virDomainFree (domain);
    }
  virResetLastError ();
  g_task_return_boolean (task, TRUE);
}

static void
remove_stale_done (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FerryHaManager *self = g_task_get_source_object (task);
  FerryNode *node = FERRY_NODE (object);
  StaleData *data = g_task_get_task_data (G_TASK (result));
  FerryTask *log_task = g_object_get_data (G_OBJECT (task), "log-task");
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (log_task != NULL)
        ferry_task_fail (log_task, error);
      g_task_return_error (task, error);
      return;
    }

  for (guint i = 0; i < data->uuids->len; i++)
    {
      const char *uuid = g_ptr_array_index (data->uuids, i);

      _ferry_node_refresh_domain (node, uuid);
      g_hash_table_remove (self->recovered, uuid);
    }
  find_stale (self, node);

  if (data->problems->len > 0)
    {
      error = g_error_new (FERRY_HA_ERROR, FERRY_HA_ERROR_RUNNING, "%s", data->problems->str);
      if (log_task != NULL)
        ferry_task_fail (log_task, error);
      g_task_return_error (task, error);
      return;
    }
  if (log_task != NULL)
    {
      g_autofree char *msg = g_strdup_printf (ngettext ("%u definition removed", "%u definitions removed",
                                                        data->removed), data->removed);

      ferry_task_succeed (log_task, msg);
    }
  g_task_return_int (task, data->removed);
}

void
ferry_ha_manager_remove_stale_async (FerryHaManager      *self,
                                     FerryNode           *node,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GPtrArray) stale = NULL;
  g_autoptr(GTask) inner = NULL;
  GTask *task;
  StaleData *data;

  g_return_if_fail (FERRY_IS_HA_MANAGER (self));
  g_return_if_fail (FERRY_IS_NODE (node));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ferry_ha_manager_remove_stale_async);

  stale = ferry_ha_manager_get_stale (self, node);
  if (stale->len == 0)
    {
      g_task_return_int (task, 0);
      g_object_unref (task);
      return;
    }

  data = g_new0 (StaleData, 1);
  data->uuids = g_ptr_array_new_with_free_func (g_free);
  data->names = g_ptr_array_new_with_free_func (g_free);
  data->problems = g_string_new (NULL);
  for (guint i = 0; i < stale->len; i++)
    {
      FerryVm *vm = g_ptr_array_index (stale, i);

      g_ptr_array_add (data->uuids, g_strdup (ferry_vm_get_uuid (vm)));
      g_ptr_array_add (data->names, g_strdup (ferry_vm_get_name (vm)));
    }
  if (self->task_log != NULL)
    {
      g_autofree char *title = g_strdup_printf (_("Remove stale definitions from %s"), ferry_node_get_name (node));
      FerryTask *log_task = ferry_task_log_start (self->task_log, title, ferry_node_get_name (node));

      g_object_set_data_full (G_OBJECT (task), "log-task", g_object_ref (log_task), g_object_unref);
    }

  inner = g_task_new (node, cancellable, remove_stale_done, task);
  g_task_set_source_tag (inner, ferry_ha_manager_remove_stale_async);
  g_task_set_task_data (inner, data, (GDestroyNotify) stale_data_free);
  _ferry_node_run_with_connection (node, inner, remove_stale_thread);
}

guint
ferry_ha_manager_remove_stale_finish (FerryHaManager  *self,
                                      GAsyncResult    *result,
                                      GError         **error)
{
  GError *local_error = NULL;
  gssize n;

  g_return_val_if_fail (g_task_is_valid (result, self), 0);

  n = g_task_propagate_int (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return 0;
    }
  return (guint) n;
}

/* ---------------------------------------------------------------------- */
/* Planning                                                                */

void
ferry_ha_manager_set_groups_func (FerryHaManager    *self,
                                  FerryHaGroupsFunc  func,
                                  gpointer           user_data)
{
  g_return_if_fail (FERRY_IS_HA_MANAGER (self));
  self->groups_func = func;
  self->groups_data = user_data;
}

GPtrArray *
ferry_ha_manager_plan_recovery (FerryHaManager *self,
                                FerryNode      *failed)
{
  g_autoptr(GHashTable) groups = NULL;
  g_autoptr(GArray) resident = g_array_new (FALSE, TRUE, sizeof (FerryPlacementVm));
  g_autoptr(GPtrArray) resident_refs = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) hosts_nodes = NULL;
  g_autoptr(GArray) hosts = g_array_new (FALSE, TRUE, sizeof (FerryPlacementHost));
  g_autoptr(GArray) vms = g_array_new (FALSE, TRUE, sizeof (FerryPlacementVm));
  g_autoptr(GPtrArray) at_risk = g_ptr_array_new ();
  GPtrArray *plan = g_ptr_array_new_with_free_func ((GDestroyNotify) ferry_ha_plan_item_free);
  GArray *placements;
  guint n;

  g_return_val_if_fail (FERRY_IS_HA_MANAGER (self), NULL);
  g_return_val_if_fail (FERRY_IS_NODE (failed), NULL);

  /* Fresh, not from the idle update: the caller may ask right after a change.
   * The idle goes (it would find the same), or it would outlive dispose,
   * which removes only the one at_risk_idle names. */
  g_clear_handle_id (&self->at_risk_idle, g_source_remove);
  update_at_risk (self);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->at_risk));
  for (guint i = 0; i < n; i++)
    {
      FerryVm *vm = g_list_model_get_item (G_LIST_MODEL (self->at_risk), i);

      if (ferry_vm_get_node (vm) == failed)
        g_ptr_array_add (at_risk, vm);   /* the model holds it too */
      g_object_unref (vm);
    }
  if (at_risk->len == 0)
    return plan;

  hosts_nodes = connected_nodes (self, failed);
  for (guint i = 0; i < hosts_nodes->len; i++)
    {
      FerryNode *node = g_ptr_array_index (hosts_nodes, i);
      GListModel *on_node = ferry_node_get_vms (node);
      FerryPlacementHost host = { 0 };
      guint64 used = 0;

      for (guint j = 0; j < g_list_model_get_n_items (on_node); j++)
        {
          g_autoptr(FerryVm) vm = g_list_model_get_item (on_node, j);

          if (ferry_vm_state_is_active (ferry_vm_get_state (vm)))
            used += ferry_vm_get_memory (vm) + FERRY_PLACEMENT_MEMORY_OVERHEAD;
        }
      host.id = ferry_node_get_id (node);
      /* A node in maintenance takes nothing, not even a rescue. */
      host.available = !ferry_node_get_maintenance (node);
      host.memory_total = ferry_node_get_memory (node);
      host.memory_free = host.memory_total > used ? host.memory_total - used : 0;
      host.cpus = ferry_node_get_cpus (node);
      host.cpu_load = 0;
      g_array_append_val (hosts, host);
    }

  /* Keep-apart groups: who of a group already runs where. */
  if (self->groups_func != NULL)
    groups = self->groups_func (failed, self->groups_data);
  if (groups != NULL)
    _ferry_placement_add_group_residents (hosts_nodes, NULL, groups, resident, resident_refs);

  for (guint i = 0; i < at_risk->len; i++)
    {
      FerryVm *vm = g_ptr_array_index (at_risk, i);
      FerryPlacementVm p = { 0 };

      p.id = ferry_vm_get_uuid (vm);
      p.group = groups != NULL ? g_hash_table_lookup (groups, p.id) : NULL;
      p.memory = MAX (ferry_vm_get_memory (vm), ferry_vm_get_max_memory (vm));
      p.vcpus = ferry_vm_get_vcpus (vm);
      p.current_host = ferry_node_get_id (failed);
      g_array_append_val (vms, p);
    }

  placements = ferry_placement_plan ((FerryPlacementHost *) (void *) hosts->data, hosts->len,
                                     (FerryPlacementVm *) (void *) vms->data, vms->len,
                                     (FerryPlacementVm *) (void *) resident->data, resident->len);
  for (guint i = 0; i < placements->len; i++)
    {
      FerryPlacement *p = &g_array_index (placements, FerryPlacement, i);
      FerryHaPlanItem *item = g_new0 (FerryHaPlanItem, 1);

      item->vm = g_object_ref (g_ptr_array_index (at_risk, i));
      if (p->host != NULL)
        item->target = g_object_ref (ferry_inventory_find_node_by_id (self->inventory, p->host));
      else
        item->reason = g_strdup (p->reason ? p->reason : _("No host has room for it"));
      g_ptr_array_add (plan, item);
    }
  ferry_placement_free_array (placements);
  return plan;
}

/* ---------------------------------------------------------------------- */
/* Recovery                                                                */

typedef enum
{
  STEP_DEFINE,
  STEP_START,
} RecoverStep;

typedef struct
{
  FerryNode  *failed;
  GPtrArray  *plan;         /* FerryHaPlanItem */
  guint       next;
  guint       n_recovered;
  FerryTask  *parent;       /* in the log */
  /* the VM under way */
  FerryTask  *vm_task;
  RecoverStep step;
  char       *uuid;
  char       *name;
  char       *xml;
  gboolean    already_running;
} RecoverData;

static void
recover_data_free (RecoverData *data)
{
  g_clear_object (&data->failed);
  g_clear_pointer (&data->plan, g_ptr_array_unref);
  g_clear_object (&data->parent);
  g_clear_object (&data->vm_task);
  g_free (data->uuid);
  g_free (data->name);
  g_free (data->xml);
  g_free (data);
}

static void
recover_thread (GTask         *task,
                FerryNode     *target,
                virConnectPtr  conn,
                gpointer       task_data,
                GCancellable  *cancellable)
{
  RecoverData *data = task_data;
  g_autoptr(GError) error = NULL;
  virDomainPtr domain;

  /* Ask first: it must not run twice, not even on the target. */
  domain = virDomainLookupByUUIDString (conn, data->uuid);
  virResetLastError ();
  if (domain != NULL && virDomainIsActive (domain) == 1)
    {
      data->already_running = TRUE;
      virDomainFree (domain);
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (data->step == STEP_DEFINE)
    {
      if (domain != NULL)
        virDomainFree (domain);
      domain = virDomainDefineXML (conn, data->xml);
      if (domain == NULL)
        ferry_libvirt_set_error (&error, _("Could not define “%s” on %s"), data->name,
                                 ferry_node_get_name (target));
    }
  else if (domain == NULL)
    ferry_libvirt_set_error (&error, _("“%s” was not found"), data->name);
  else if (virDomainCreate (domain) < 0)
    ferry_libvirt_set_error (&error, _("Could not start “%s” on %s"), data->name,
                             ferry_node_get_name (target));

  if (domain != NULL)
    virDomainFree (domain);
  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void recover_next (GTask *task);

static void
vm_finished (GTask      *task,
             FerryVm    *vm,
             FerryNode  *target,
             GError     *error)
{
  FerryHaManager *self = g_task_get_source_object (task);
  RecoverData *data = g_task_get_task_data (task);

  g_hash_table_remove (self->busy, data->uuid);
  if (error == NULL)
    {
      g_autofree char *msg = g_strdup_printf (_("Runs on %s"), ferry_node_get_name (target));

      data->n_recovered++;
      g_hash_table_replace (self->recovered, g_strdup (data->uuid), g_strdup (ferry_node_get_id (data->failed)));
      if (data->vm_task != NULL)
        ferry_task_succeed (data->vm_task, msg);
      _ferry_node_refresh_domain (target, data->uuid);
    }
  else if (data->vm_task != NULL)
    ferry_task_fail (data->vm_task, error);

  g_signal_emit (self, signals[VM_RECOVERED], 0, vm, error ? NULL : target, error ? error->message : NULL);
  g_clear_object (&data->vm_task);
  g_clear_pointer (&data->uuid, g_free);
  g_clear_pointer (&data->name, g_free);
  g_clear_pointer (&data->xml, g_free);
  queue_update_at_risk (self);
  recover_next (task);
}

static void
recover_step_done (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RecoverData *data = g_task_get_task_data (task);
  FerryHaPlanItem *item = g_ptr_array_index (data->plan, data->next - 1);
  FerryNode *target = FERRY_NODE (object);
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      vm_finished (task, item->vm, target, error);
      return;
    }
  if (data->already_running || data->step == STEP_START)
    {
      if (data->already_running && data->vm_task != NULL)
        ferry_task_set_message (data->vm_task, _("It already runs there"));
      vm_finished (task, item->vm, target, NULL);
      return;
    }

  {
    g_autofree char *msg = g_strdup_printf (_("Starting on %s…"), ferry_node_get_name (target));
    g_autoptr(GTask) inner = g_task_new (target, NULL, recover_step_done, g_object_ref (task));

    if (data->vm_task != NULL)
      {
        ferry_task_set_message (data->vm_task, msg);
        ferry_task_set_progress (data->vm_task, 0.5);
      }
    data->step = STEP_START;
    g_task_set_task_data (inner, data, NULL);
    _ferry_node_run_with_connection (target, inner, recover_thread);
  }
}

static void
recover_next (GTask *task)
{
  FerryHaManager *self = g_task_get_source_object (task);
  RecoverData *data = g_task_get_task_data (task);
  FerryHaPlanItem *item;
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;
  g_autoptr(GTask) inner = NULL;
  FerryNode *owner;

  if (data->next >= data->plan->len)
    {
      if (data->parent != NULL)
        {
          g_autofree char *msg = g_strdup_printf (_("%u of %u VMs run on other hosts"),
                                                  data->n_recovered, data->plan->len);

          if (data->n_recovered == data->plan->len)
            ferry_task_succeed (data->parent, msg);
          else
            {
              g_autoptr(GError) partial = g_error_new_literal (FERRY_HA_ERROR, FERRY_HA_ERROR_FAILED, msg);

              ferry_task_fail (data->parent, partial);
            }
        }
      g_task_return_int (task, data->n_recovered);
      return;
    }

  item = g_ptr_array_index (data->plan, data->next++);
  data->uuid = g_strdup (ferry_vm_get_uuid (item->vm));
  data->name = g_strdup (ferry_vm_get_name (item->vm));
  data->step = STEP_DEFINE;
  data->already_running = FALSE;

  if (self->task_log != NULL)
    {
      title = g_strdup_printf (_("Recover “%s”"), data->name);
      data->vm_task = g_object_ref (ferry_task_log_start (self->task_log, title,
                                                          ferry_node_get_name (data->failed)));
    }

  owner = ferry_vm_get_node (item->vm);
  if (g_hash_table_contains (self->busy, data->uuid))
    g_set_error (&error, FERRY_HA_ERROR, FERRY_HA_ERROR_RUNNING,
                 _("“%s” is being recovered already"), data->name);
  else if (g_hash_table_contains (self->recovered, data->uuid) || owner != data->failed)
    g_set_error (&error, FERRY_HA_ERROR, FERRY_HA_ERROR_RUNNING,
                 _("“%s” was recovered already: it is not started again"), data->name);
  else if (item->target == NULL)
    g_set_error (&error, FERRY_HA_ERROR, FERRY_HA_ERROR_NO_PLACE,
                 _("No host can take “%s”: %s"), data->name, item->reason);
  else if (ferry_node_get_state (item->target) != FERRY_NODE_STATE_CONNECTED)
    g_set_error (&error, FERRY_HA_ERROR, FERRY_HA_ERROR_NO_PLACE,
                 _("%s is not connected any more"), ferry_node_get_name (item->target));
  else if ((data->xml = ferry_ha_cache_load (data->uuid, NULL)) == NULL)
    g_set_error (&error, FERRY_HA_ERROR, FERRY_HA_ERROR_NO_DEFINITION,
                 _("Ferry has no saved definition of “%s” to define it elsewhere"), data->name);

  if (error != NULL)
    {
      /* Busy and already recovered are not failures of this run. */
      if (error->code == FERRY_HA_ERROR_RUNNING)
        {
          if (data->vm_task != NULL)
            ferry_task_succeed (data->vm_task, error->message);
          g_clear_object (&data->vm_task);
          g_clear_pointer (&data->uuid, g_free);
          g_clear_pointer (&data->name, g_free);
          data->n_recovered++;
          recover_next (task);
          return;
        }
      vm_finished (task, item->vm, NULL, error);
      return;
    }

  g_hash_table_add (self->busy, g_strdup (data->uuid));
  if (data->vm_task != NULL)
    {
      g_autofree char *msg = g_strdup_printf (_("Defining on %s from the saved definition…"),
                                              ferry_node_get_name (item->target));

      ferry_task_set_message (data->vm_task, msg);
    }
  inner = g_task_new (item->target, NULL, recover_step_done, g_object_ref (task));
  g_task_set_source_tag (inner, recover_next);
  g_task_set_task_data (inner, data, NULL);
  _ferry_node_run_with_connection (item->target, inner, recover_thread);
}

void
ferry_ha_manager_recover_async (FerryHaManager      *self,
                                FerryNode           *failed,
                                FerryHaFence         fence,
                                GPtrArray           *plan,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  RecoverData *data;

  g_return_if_fail (FERRY_IS_HA_MANAGER (self));
  g_return_if_fail (FERRY_IS_NODE (failed));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ferry_ha_manager_recover_async);

  if (ferry_node_get_state (failed) != FERRY_NODE_STATE_UNREACHABLE)
    {
      g_task_return_new_error (task, FERRY_HA_ERROR, FERRY_HA_ERROR_NOT_FENCED,
                               _("%s is not unreachable: its VMs are not recovered elsewhere"),
                               ferry_node_get_name (failed));
      return;
    }
  if (fence == FERRY_HA_FENCE_LEASES && !self->leases_verified)
    {
      g_task_return_new_error (task, FERRY_HA_ERROR, FERRY_HA_ERROR_NOT_FENCED,
                               _("Disk leases have not been verified: confirm that %s is powered off"),
                               ferry_node_get_name (failed));
      return;
    }

  data = g_new0 (RecoverData, 1);
  data->failed = g_object_ref (failed);
  data->plan = plan != NULL ? g_ptr_array_ref (plan) : ferry_ha_manager_plan_recovery (self, failed);
  g_task_set_task_data (task, data, (GDestroyNotify) recover_data_free);
  if (self->task_log != NULL)
    {
      g_autofree char *title = g_strdup_printf (_("Recover the VMs of %s"), ferry_node_get_name (failed));

      data->parent = g_object_ref (ferry_task_log_start (self->task_log, title, ferry_node_get_name (failed)));
      ferry_task_set_message (data->parent,
                              fence == FERRY_HA_FENCE_MANUAL ? _("Fenced: the administrator confirmed it is powered off")
                                                             : _("Fenced by verified disk leases"));
    }
  recover_next (task);
}

guint
ferry_ha_manager_recover_finish (FerryHaManager  *self,
                                 GAsyncResult    *result,
                                 GError         **error)
{
  GError *local_error = NULL;
  gssize n;

  g_return_val_if_fail (g_task_is_valid (result, self), 0);

  n = g_task_propagate_int (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return 0;
    }
  return (guint) n;
}

/* ---------------------------------------------------------------------- */
/* Following the nodes                                                     */

static void
on_node_state (FerryNode      *node,
               GParamSpec     *pspec,
               FerryHaManager *self)
{
  queue_update_at_risk (self);

  if (ferry_node_get_state (node) != FERRY_NODE_STATE_CONNECTED)
    return;

  /* The node's domains are in the inventory by now (see open_done). */
  find_stale (self, node);
  if (ferry_node_get_n_vms (node) <= SCAN_MAX_DOMAINS)
    {
      g_autoptr(GPtrArray) sighted = vms_sighted_on (self, node);
      g_autoptr(GPtrArray) uuids = g_ptr_array_new ();

      if (sighted->len <= SCAN_MAX_DOMAINS)
        for (guint i = 0; i < sighted->len; i++)
          g_ptr_array_add (uuids, (gpointer) ferry_vm_get_uuid (g_ptr_array_index (sighted, i)));
      scan (self, node, uuids);
    }
}

static void
on_domain_event (FerryNode      *node,
                 const char     *uuid,
                 int             event,
                 int             detail,
                 FerryHaManager *self)
{
  g_autoptr(GPtrArray) uuids = NULL;

  if (event != VIR_DOMAIN_EVENT_DEFINED)
    return;
  uuids = g_ptr_array_new ();
  g_ptr_array_add (uuids, (gpointer) uuid);
  scan (self, node, uuids);
}

static void
on_node_vms_changed (GListModel     *model,
                     guint           position,
                     guint           removed,
                     guint           added,
                     FerryHaManager *self)
{
  queue_update_at_risk (self);
}

static void
hook_node (FerryHaManager *self,
           FerryNode      *node)
{
  if (g_object_get_data (G_OBJECT (node), HOOKED_KEY) == self)
    return;
  g_object_set_data (G_OBJECT (node), HOOKED_KEY, self);
  g_signal_connect_object (node, "notify::state", G_CALLBACK (on_node_state), self, 0);
  g_signal_connect_object (node, "domain-event", G_CALLBACK (on_domain_event), self, 0);
  g_signal_connect_object (ferry_node_get_vms (node), "items-changed",
                           G_CALLBACK (on_node_vms_changed), self, 0);
}

static void
on_nodes_changed (GListModel     *nodes,
                  guint           position,
                  guint           removed,
                  guint           added,
                  FerryHaManager *self)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(FerryNode) node = g_list_model_get_item (nodes, i);

      hook_node (self, node);
    }
  if (removed > 0)
    {
      /* Forget the stale lists of nodes that left. */
      GHashTableIter iter;
      gpointer key;

      g_hash_table_iter_init (&iter, self->stale);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        {
          guint pos;

          if (!g_list_store_find (G_LIST_STORE (nodes), key, &pos))
            g_hash_table_iter_remove (&iter);
        }
    }
  queue_update_at_risk (self);
}

/* ---------------------------------------------------------------------- */

gboolean
ferry_ha_manager_get_leases_verified (FerryHaManager *self)
{
  g_return_val_if_fail (FERRY_IS_HA_MANAGER (self), FALSE);
  return self->leases_verified;
}

void
ferry_ha_manager_set_leases_verified (FerryHaManager *self,
                                      gboolean        verified)
{
  g_return_if_fail (FERRY_IS_HA_MANAGER (self));

  verified = !!verified;
  if (self->leases_verified == verified)
    return;
  self->leases_verified = verified;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LEASES_VERIFIED]);
}

FerryHaManager *
ferry_ha_manager_new (FerryInventory *inventory,
                      FerryTaskLog   *task_log)
{
  FerryHaManager *self;
  GListModel *nodes;
  g_auto(GStrv) saved = NULL;

  g_return_val_if_fail (FERRY_IS_INVENTORY (inventory), NULL);

  self = g_object_new (FERRY_TYPE_HA_MANAGER, NULL);
  self->inventory = g_object_ref (inventory);
  self->task_log = task_log ? g_object_ref (task_log) : NULL;

  saved = ferry_ha_cache_list ();
  for (guint i = 0; saved[i] != NULL; i++)
    g_hash_table_add (self->ha, g_strdup (saved[i]));

  nodes = ferry_inventory_get_nodes (inventory);
  g_signal_connect_object (nodes, "items-changed", G_CALLBACK (on_nodes_changed), self, 0);
  on_nodes_changed (nodes, 0, 0, g_list_model_get_n_items (nodes), self);
  return self;
}

static void
ferry_ha_manager_dispose (GObject *object)
{
  FerryHaManager *self = FERRY_HA_MANAGER (object);

  g_clear_handle_id (&self->at_risk_idle, g_source_remove);
  if (self->inventory != NULL)
    {
      GListModel *nodes = ferry_inventory_get_nodes (self->inventory);

      /* Before the inventory may go (with us holding its last reference,
       * its dispose would tell us about every node it drops). */
      g_signal_handlers_disconnect_by_data (nodes, self);
      for (guint i = 0; i < g_list_model_get_n_items (nodes); i++)
        {
          g_autoptr(FerryNode) node = g_list_model_get_item (nodes, i);

          g_signal_handlers_disconnect_by_data (node, self);
          g_signal_handlers_disconnect_by_data (ferry_node_get_vms (node), self);
          if (g_object_get_data (G_OBJECT (node), HOOKED_KEY) == self)
            g_object_set_data (G_OBJECT (node), HOOKED_KEY, NULL);
        }
    }
  g_clear_pointer (&self->stale, g_hash_table_unref);
  g_clear_object (&self->inventory);
  g_clear_object (&self->task_log);
  if (self->at_risk != NULL)
    g_list_store_remove_all (self->at_risk);

  G_OBJECT_CLASS (ferry_ha_manager_parent_class)->dispose (object);
}

static void
ferry_ha_manager_finalize (GObject *object)
{
  FerryHaManager *self = FERRY_HA_MANAGER (object);

  g_clear_object (&self->at_risk);
  g_clear_pointer (&self->ha, g_hash_table_unref);
  g_clear_pointer (&self->busy, g_hash_table_unref);
  g_clear_pointer (&self->recovered, g_hash_table_unref);

  G_OBJECT_CLASS (ferry_ha_manager_parent_class)->finalize (object);
}

static void
ferry_ha_manager_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  FerryHaManager *self = FERRY_HA_MANAGER (object);

  switch (prop_id)
    {
    case PROP_LEASES_VERIFIED: g_value_set_boolean (value, self->leases_verified); break;
    default:                   G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_ha_manager_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  FerryHaManager *self = FERRY_HA_MANAGER (object);

  switch (prop_id)
    {
    case PROP_LEASES_VERIFIED: ferry_ha_manager_set_leases_verified (self, g_value_get_boolean (value)); break;
    default:                   G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_ha_manager_class_init (FerryHaManagerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ferry_ha_manager_dispose;
  object_class->finalize = ferry_ha_manager_finalize;
  object_class->get_property = ferry_ha_manager_get_property;
  object_class->set_property = ferry_ha_manager_set_property;

  properties[PROP_LEASES_VERIFIED] =
    g_param_spec_boolean ("leases-verified", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * FerryHaManager::at-risk-changed:
   *
   * The list of HA VMs on unreachable hosts changed.
   */
  signals[AT_RISK_CHANGED] =
    g_signal_new ("at-risk-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * FerryHaManager::vm-recovered:
   * @vm: the VM
   * @target: (nullable): where it runs now, NULL when it could not be recovered
   * @error: (nullable): why not
   */
  signals[VM_RECOVERED] =
    g_signal_new ("vm-recovered", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3, FERRY_TYPE_VM, FERRY_TYPE_NODE, G_TYPE_STRING);
  /**
   * FerryHaManager::stale-changed:
   * @node: the node whose stale definitions changed (see get_stale)
   */
  signals[STALE_CHANGED] =
    g_signal_new ("stale-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, FERRY_TYPE_NODE);
}

static void
ferry_ha_manager_init (FerryHaManager *self)
{
  self->ha = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->at_risk = g_list_store_new (FERRY_TYPE_VM);
  self->busy = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->recovered = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->stale = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);
}
