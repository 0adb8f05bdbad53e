/* ferry-ha-manager.c — which VMs are highly available and which are at
 * risk; the object that also plans and runs their recovery
 * (ferry-ha-recovery.c) and finds stale definitions (ferry-ha-stale.c)
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
 * SPDX-License-Identifier: GPL-3.0-or-later
 */


#include "config.h"

#include <glib/gi18n-lib.h>
#include <libvirt/virterror.h>

#include "ferry-core.h"
#include "ferry-ha.h"
#include "ferry-ha-manager-private.h"
#include "ferry-libvirt.h"
#include "ferry-maintenance-private.h"
#include "ferry-node-private.h"
#include "ferry-placement.h"
#include "ferry-vm-private.h"

#define SCAN_MAX_DOMAINS 512
#define HOOKED_KEY "ferry-ha-manager-hooked"


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

void
_ferry_ha_manager_queue_update_at_risk (FerryHaManager *self)
{
  if (self->at_risk_idle == 0)
    self->at_risk_idle = g_idle_add (update_at_risk, self);
}

GPtrArray *
_ferry_ha_manager_vms_sighted_on (FerryHaManager *self,
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

/* Fresh, not from the idle update: the caller may ask right after a change.
 * The idle goes (it would find the same), or it would outlive dispose,
 * which removes only the one at_risk_idle names. */
void
_ferry_ha_manager_update_at_risk_now (FerryHaManager *self)
{
  g_clear_handle_id (&self->at_risk_idle, g_source_remove);
  update_at_risk (self);
}

guint
_ferry_ha_manager_propagate_count (GAsyncResult  *result,
                                   GError       **error)
{
  GError *local_error = NULL;
  gssize n = g_task_propagate_int (G_TASK (result), &local_error);

  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return 0;
    }
  return (guint) n;
}

void
_ferry_ha_manager_emit_stale_changed (FerryHaManager *self,
                                      FerryNode      *node)
{
  g_signal_emit (self, signals[STALE_CHANGED], 0, node);
}

void
_ferry_ha_manager_emit_vm_recovered (FerryHaManager *self,
                                     FerryVm        *vm,
                                     FerryNode      *target,
                                     const char     *message)
{
  g_signal_emit (self, signals[VM_RECOVERED], 0, vm, target, message);
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
  /* The files are written on the store's thread (they fsync). */
  if (enabled)
    {
      g_hash_table_add (self->ha, g_strdup (uuid));
      if (xml != NULL)
        ferry_ha_cache_queue (uuid, xml);
    }
  else if (g_hash_table_remove (self->ha, uuid))
    ferry_ha_cache_queue (uuid, NULL);
  _ferry_ha_manager_queue_update_at_risk (self);
}

gboolean
ferry_ha_manager_is_ha (FerryHaManager *self,
                        FerryVm        *vm)
{
  g_return_val_if_fail (FERRY_IS_HA_MANAGER (self), FALSE);
  g_return_val_if_fail (FERRY_IS_VM (vm), FALSE);
  return g_hash_table_contains (self->ha, ferry_vm_get_uuid (vm));
}

GPtrArray *
_ferry_ha_manager_connected_nodes (FerryHaManager *self,
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
  peers = _ferry_ha_manager_connected_nodes (self, ferry_vm_get_node (vm));
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

/* ---------------------------------------------------------------------- */
/* Following the nodes                                                     */

static void
on_node_state (FerryNode      *node,
               GParamSpec     *pspec,
               FerryHaManager *self)
{
  _ferry_ha_manager_queue_update_at_risk (self);

  if (ferry_node_get_state (node) != FERRY_NODE_STATE_CONNECTED)
    return;

  /* The node's domains are in the inventory by now (see open_done). */
  _ferry_ha_manager_find_stale (self, node);
  if (ferry_node_get_n_vms (node) <= SCAN_MAX_DOMAINS)
    {
      g_autoptr(GPtrArray) sighted = _ferry_ha_manager_vms_sighted_on (self, node);
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
  _ferry_ha_manager_queue_update_at_risk (self);
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
  _ferry_ha_manager_queue_update_at_risk (self);
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

  /* What the manager queued is on disk before Ferry exits. */
  ferry_ha_cache_flush ();
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
