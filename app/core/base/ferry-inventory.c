/* ferry-inventory.c — every node and every VM, as list models
 *
 * Nodes report what they see ("domains-changed"); the inventory keeps one
 * FerryVm per UUID, lets the VM pick its owner among the nodes that report
 * it, and keeps three kinds of list in step: all nodes, all VMs, and each
 * node's own VMs. Batches become one splice per list, so a node arriving
 * with a thousand VMs costs one items-changed, not a thousand.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */


#include "config.h"

#include "ferry-inventory.h"
#include "ferry-node-private.h"
#include "ferry-vm-private.h"

struct _FerryInventory
{
  GObject      parent_instance;

  GListStore  *nodes;
  GListStore  *vms;
  GHashTable  *by_uuid;       /* uuid → FerryVm (owned) */
  GHashTable  *by_node;       /* FerryNode* → GHashTable of FerryVm* sighted there */
  FerryMetrics *metrics;
};

G_DEFINE_FINAL_TYPE (FerryInventory, ferry_inventory, G_TYPE_OBJECT)

static gboolean
store_remove (GListStore *store,
              gpointer    item)
{
  guint position;

  if (!g_list_store_find (store, item, &position))
    return FALSE;
  g_list_store_remove (store, position);
  return TRUE;
}

/* A VM that lost its last sighting while migrating: if still nobody has
 * it a little later, it is gone. */
#define ORPHAN_CHECK_S 5

typedef struct
{
  GWeakRef  inventory;
  char     *uuid;
} OrphanCheck;

static void
orphan_check_free (OrphanCheck *check)
{
  g_weak_ref_clear (&check->inventory);
  g_free (check->uuid);
  g_free (check);
}

static gboolean
orphan_check (gpointer data)
{
  OrphanCheck *check = data;
  g_autoptr(FerryInventory) self = g_weak_ref_get (&check->inventory);
  FerryVm *vm;

  if (self == NULL || (vm = g_hash_table_lookup (self->by_uuid, check->uuid)) == NULL)
    return G_SOURCE_REMOVE;
  if (_ferry_vm_has_sightings (vm))
    return G_SOURCE_REMOVE;
  if (_ferry_vm_recently_migrated (vm) && ferry_vm_get_migration (vm) != NULL)
    return G_SOURCE_CONTINUE;       /* still moving: look again */

  {
    FerryNode *owner = ferry_vm_get_node (vm);

    if (owner != NULL && g_list_store_find (_ferry_node_get_vm_store (owner), vm, NULL))
      {
        guint position;

        g_list_store_find (_ferry_node_get_vm_store (owner), vm, &position);
        g_list_store_remove (_ferry_node_get_vm_store (owner), position);
        _ferry_node_update_counts (owner);
      }
    {
      guint position;

      if (g_list_store_find (self->vms, vm, &position))
        g_list_store_remove (self->vms, position);
    }
    g_hash_table_remove (self->by_uuid, check->uuid);
  }
  return G_SOURCE_REMOVE;
}

static void
schedule_orphan_check (FerryInventory *self,
                       const char     *uuid)
{
  OrphanCheck *check = g_new0 (OrphanCheck, 1);

  g_weak_ref_init (&check->inventory, self);
  check->uuid = g_strdup (uuid);
  g_timeout_add_seconds_full (G_PRIORITY_DEFAULT, ORPHAN_CHECK_S, orphan_check, check,
                              (GDestroyNotify) orphan_check_free);
}

/* Moves @vm to the list of the node it now belongs to. */
static void
place_vm (FerryInventory *self,
          FerryVm        *vm,
          FerryNode      *old_owner,
          GHashTable     *touched)
{
  FerryNode *owner = _ferry_vm_resolve (vm);

  if (owner == old_owner)
    {
      if (owner != NULL)
        g_hash_table_add (touched, owner);
      return;
    }

  if (old_owner != NULL)
    {
      store_remove (_ferry_node_get_vm_store (old_owner), vm);
      g_hash_table_add (touched, old_owner);
    }
  if (owner != NULL)
    {
      g_list_store_append (_ferry_node_get_vm_store (owner), vm);
      g_hash_table_add (touched, owner);
    }
}

static GPtrArray *
set_to_array (GHashTable *set)
{
  GPtrArray *array = g_ptr_array_sized_new (g_hash_table_size (set));
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, set);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (array, key);
  return array;
}

static GHashTable *
node_set (FerryInventory *self,
          FerryNode      *node)
{
  return g_hash_table_lookup (self->by_node, node);
}

static void
on_domains_changed (FerryNode      *node,
                    GPtrArray      *infos,
                    FerryInventory *self)
{
  g_autoptr(GPtrArray) added = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) touched = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) new_per_node = g_hash_table_new_full (NULL, NULL, NULL,
                                                             (GDestroyNotify) g_ptr_array_unref);
  GHashTable *sighted = node_set (self, node);
  GHashTableIter iter;
  gpointer key, value;

  if (sighted == NULL)
    return;

  for (guint i = 0; i < infos->len; i++)
    {
      FerryVmInfo *info = g_ptr_array_index (infos, i);
      FerryVm *vm = g_hash_table_lookup (self->by_uuid, info->uuid);
      FerryNode *old_owner;
      FerryNode *owner;

      if (vm == NULL)
        {
          if (info->gone || info->reason == -1)
            continue;
          vm = _ferry_vm_new (info->uuid);
          g_hash_table_insert (self->by_uuid, g_strdup (info->uuid), vm);
          _ferry_vm_set_sighting (vm, node, info);
          g_hash_table_add (sighted, vm);
          owner = _ferry_vm_resolve (vm);
          /* New VMs go in with one splice per list below. */
          g_ptr_array_add (added, g_object_ref (vm));
          if (owner != NULL)
            {
              GPtrArray *list = g_hash_table_lookup (new_per_node, owner);

              if (list == NULL)
                g_hash_table_insert (new_per_node, owner, list = g_ptr_array_new ());
              g_ptr_array_add (list, vm);
              g_hash_table_add (touched, owner);
            }
          continue;
        }

      old_owner = ferry_vm_get_node (vm);
      _ferry_vm_set_sighting (vm, node, info);
      if (info->gone)
        g_hash_table_remove (sighted, vm);
      else
        g_hash_table_add (sighted, vm);

      if (!_ferry_vm_has_sightings (vm) && _ferry_vm_recently_migrated (vm))
        {
          /* Moving between hosts: the source may say "gone" before the
           * destination says "here". The same object waits (on its old
           * host) for the destination; dropped later if none comes. */
          schedule_orphan_check (self, info->uuid);
          continue;
        }
      if (!_ferry_vm_has_sightings (vm))
        {
          /* No node has it any more: it was deleted. */
          if (old_owner != NULL)
            {
              store_remove (_ferry_node_get_vm_store (old_owner), vm);
              g_hash_table_add (touched, old_owner);
            }
          store_remove (self->vms, vm);
          g_hash_table_remove (self->by_uuid, info->uuid);
          continue;
        }

      place_vm (self, vm, old_owner, touched);
    }

  if (added->len > 0)
    g_list_store_splice (self->vms, g_list_model_get_n_items (G_LIST_MODEL (self->vms)), 0,
                         added->pdata, added->len);

  g_hash_table_iter_init (&iter, new_per_node);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      GListStore *store = _ferry_node_get_vm_store (key);
      GPtrArray *list = value;

      g_list_store_splice (store, g_list_model_get_n_items (G_LIST_MODEL (store)), 0,
                           list->pdata, list->len);
    }

  g_hash_table_iter_init (&iter, touched);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    _ferry_node_update_counts (key);
}

/* A node's state decides whether its sightings count, so every VM seen
 * there looks again at who owns it (and shows "unknown" if it is ours and
 * we cannot reach it). */
static void
on_node_state_changed (FerryNode      *node,
                       GParamSpec     *pspec,
                       FerryInventory *self)
{
  g_autoptr(GHashTable) touched = g_hash_table_new (NULL, NULL);
  g_autoptr(GPtrArray) vms = NULL;
  GHashTable *sighted = node_set (self, node);
  GHashTableIter iter;
  gpointer key;

  if (sighted == NULL)
    return;

  vms = set_to_array (sighted);
  for (guint i = 0; i < vms->len; i++)
    {
      FerryVm *vm = g_ptr_array_index (vms, i);

      place_vm (self, vm, ferry_vm_get_node (vm), touched);
    }

  g_hash_table_iter_init (&iter, touched);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    _ferry_node_update_counts (key);
}

void
ferry_inventory_add_node (FerryInventory *self,
                          FerryNode      *node)
{
  g_return_if_fail (FERRY_IS_INVENTORY (self));
  g_return_if_fail (FERRY_IS_NODE (node));

  if (g_hash_table_contains (self->by_node, node))
    return;

  g_hash_table_insert (self->by_node, g_object_ref (node), g_hash_table_new (NULL, NULL));
  g_signal_connect_object (node, "domains-changed", G_CALLBACK (on_domains_changed), self, 0);
  g_signal_connect_object (node, "notify::state", G_CALLBACK (on_node_state_changed), self, 0);
  g_list_store_append (self->nodes, node);
}

void
ferry_inventory_remove_node (FerryInventory *self,
                             FerryNode      *node)
{
  g_autoptr(GHashTable) touched = g_hash_table_new (NULL, NULL);
  g_autoptr(GPtrArray) vms = NULL;
  GHashTable *sighted;
  GHashTableIter iter;
  gpointer key;

  g_return_if_fail (FERRY_IS_INVENTORY (self));
  g_return_if_fail (FERRY_IS_NODE (node));

  sighted = node_set (self, node);
  if (sighted == NULL)
    return;

  g_object_ref (node);
  g_signal_handlers_disconnect_by_data (node, self);
  ferry_node_disconnect (node);

  vms = set_to_array (sighted);
  for (guint i = 0; i < vms->len; i++)
    {
      FerryVm *vm = g_ptr_array_index (vms, i);
      FerryNode *old_owner = ferry_vm_get_node (vm);

      _ferry_vm_forget_node (vm, node);
      if (!_ferry_vm_has_sightings (vm))
        {
          if (old_owner != NULL)
            store_remove (_ferry_node_get_vm_store (old_owner), vm);
          store_remove (self->vms, vm);
          g_hash_table_remove (self->by_uuid, ferry_vm_get_uuid (vm));
          continue;
        }
      place_vm (self, vm, old_owner, touched);
    }
  g_hash_table_remove (self->by_node, node);
  store_remove (self->nodes, node);

  g_hash_table_iter_init (&iter, touched);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (key != node)
      _ferry_node_update_counts (key);

  g_object_unref (node);
}

GListModel *
ferry_inventory_get_nodes (FerryInventory *self)
{
  g_return_val_if_fail (FERRY_IS_INVENTORY (self), NULL);
  return G_LIST_MODEL (self->nodes);
}

GListModel *
ferry_inventory_get_vms (FerryInventory *self)
{
  g_return_val_if_fail (FERRY_IS_INVENTORY (self), NULL);
  return G_LIST_MODEL (self->vms);
}

FerryNode *
ferry_inventory_find_node_by_uri (FerryInventory *self,
                                  const char     *uri)
{
  guint n;

  g_return_val_if_fail (FERRY_IS_INVENTORY (self), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->nodes));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FerryNode) node = g_list_model_get_item (G_LIST_MODEL (self->nodes), i);

      if (g_strcmp0 (ferry_node_get_uri (node), uri) == 0)
        return node;
    }
  return NULL;
}

FerryNode *
ferry_inventory_find_node_by_id (FerryInventory *self,
                                 const char     *id)
{
  guint n;

  g_return_val_if_fail (FERRY_IS_INVENTORY (self), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->nodes));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FerryNode) node = g_list_model_get_item (G_LIST_MODEL (self->nodes), i);

      if (g_strcmp0 (ferry_node_get_id (node), id) == 0)
        return node;
    }
  return NULL;
}

FerryVm *
ferry_inventory_lookup_vm (FerryInventory *self,
                           const char     *uuid)
{
  g_return_val_if_fail (FERRY_IS_INVENTORY (self), NULL);
  g_return_val_if_fail (uuid != NULL, NULL);

  return g_hash_table_lookup (self->by_uuid, uuid);
}

FerryVm *
ferry_inventory_find_vm_by_name (FerryInventory *self,
                                 const char     *name)
{
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (FERRY_IS_INVENTORY (self), NULL);

  g_hash_table_iter_init (&iter, self->by_uuid);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (g_strcmp0 (ferry_vm_get_name (value), name) == 0)
      return value;
  return NULL;
}

FerryMetrics *
ferry_inventory_get_metrics (FerryInventory *self)
{
  g_return_val_if_fail (FERRY_IS_INVENTORY (self), NULL);
  return self->metrics;
}

FerryInventory *
ferry_inventory_new (void)
{
  return g_object_new (FERRY_TYPE_INVENTORY, NULL);
}

static void
ferry_inventory_dispose (GObject *object)
{
  FerryInventory *self = FERRY_INVENTORY (object);

  while (g_list_model_get_n_items (G_LIST_MODEL (self->nodes)) > 0)
    {
      g_autoptr(FerryNode) node = g_list_model_get_item (G_LIST_MODEL (self->nodes), 0);

      ferry_inventory_remove_node (self, node);
    }

  G_OBJECT_CLASS (ferry_inventory_parent_class)->dispose (object);
}

static void
ferry_inventory_finalize (GObject *object)
{
  FerryInventory *self = FERRY_INVENTORY (object);

  g_clear_object (&self->nodes);
  g_clear_object (&self->vms);
  g_clear_pointer (&self->by_uuid, g_hash_table_unref);
  g_clear_pointer (&self->by_node, g_hash_table_unref);
  g_clear_object (&self->metrics);

  G_OBJECT_CLASS (ferry_inventory_parent_class)->finalize (object);
}

static void
ferry_inventory_class_init (FerryInventoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ferry_inventory_dispose;
  object_class->finalize = ferry_inventory_finalize;
}

static void
ferry_inventory_init (FerryInventory *self)
{
  self->nodes = g_list_store_new (FERRY_TYPE_NODE);
  self->vms = g_list_store_new (FERRY_TYPE_VM);
  self->by_uuid = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->by_node = g_hash_table_new_full (NULL, NULL, g_object_unref,
                                         (GDestroyNotify) g_hash_table_unref);
  self->metrics = ferry_metrics_new ();
}
