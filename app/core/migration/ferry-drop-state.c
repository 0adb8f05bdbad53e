/* ferry-drop-state.c — while VMs are dragged: may they be dropped on each host?
 *
 * A drag starts pre-flight checks of the dragged VMs against every host at
 * once (each host's worker answers in parallel), so that by the time the
 * pointer reaches a host its row already says whether a drop is allowed
 * and, if not, why — as XenCenter's status bar does.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "ferry-drop-state.h"
#include "ferry-preflight.h"

typedef struct
{
  FerryDropVerdict verdict;
  guint            pending;
  gboolean         plain;
  GString         *reason;
} Entry;

struct _FerryDropState
{
  GObject       parent_instance;

  GPtrArray    *vms;
  GHashTable   *entries;       /* FerryNode* (ref) → Entry* */
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (FerryDropState, ferry_drop_state, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
entry_free (Entry *entry)
{
  g_string_free (entry->reason, TRUE);
  g_free (entry);
}

typedef struct
{
  FerryDropState *self;
  FerryNode      *node;
  GCancellable   *cancellable;
} CheckData;

static void
check_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  CheckData *data = user_data;
  g_autoptr(FerryPreflight) preflight = ferry_preflight_run_finish (result, NULL);
  Entry *entry;

  if (g_cancellable_is_cancelled (data->cancellable) || preflight == NULL ||
      (entry = g_hash_table_lookup (data->self->entries, data->node)) == NULL)
    goto out;

  entry->pending--;
  if (!ferry_preflight_get_allowed (preflight))
    {
      const char *name = ferry_vm_get_name (ferry_preflight_get_vm (preflight));

      if (entry->verdict != FERRY_DROP_REFUSED)
        g_string_truncate (entry->reason, 0);
      else
        g_string_append (entry->reason, "; ");
      entry->verdict = FERRY_DROP_REFUSED;
      if (data->self->vms->len > 1)
        g_string_append_printf (entry->reason, "%s: ", name);
      g_string_append (entry->reason, ferry_preflight_get_reason (preflight));
    }
  else
    {
      if (ferry_preflight_get_needs_storage_copy (preflight) || !ferry_preflight_get_live (preflight))
        entry->plain = FALSE;
      if (ferry_preflight_get_needs_storage_copy (preflight) && entry->verdict != FERRY_DROP_REFUSED &&
          entry->reason->len == 0)
        g_string_assign (entry->reason, _("disks will be copied"));
    }
  if (entry->pending == 0 && entry->verdict == FERRY_DROP_CHECKING)
    entry->verdict = FERRY_DROP_ALLOWED;
  g_signal_emit (data->self, signals[CHANGED], 0);

out:
  g_object_unref (data->self);
  g_object_unref (data->node);
  g_object_unref (data->cancellable);
  g_free (data);
}

void
ferry_drop_state_begin (FerryDropState *self,
                        GPtrArray      *vms,
                        GListModel     *nodes)
{
  g_return_if_fail (FERRY_IS_DROP_STATE (self));

  ferry_drop_state_end (self);
  self->cancellable = g_cancellable_new ();
  for (guint i = 0; i < vms->len; i++)
    g_ptr_array_add (self->vms, g_object_ref (g_ptr_array_index (vms, i)));

  for (guint n = 0; n < g_list_model_get_n_items (nodes); n++)
    {
      g_autoptr(FerryNode) node = g_list_model_get_item (nodes, n);
      Entry *entry = g_new0 (Entry, 1);

      entry->verdict = FERRY_DROP_CHECKING;
      entry->plain = TRUE;
      entry->reason = g_string_new (NULL);
      g_hash_table_insert (self->entries, g_object_ref (node), entry);

      for (guint i = 0; i < vms->len; i++)
        {
          CheckData *data = g_new0 (CheckData, 1);

          data->self = g_object_ref (self);
          data->node = g_object_ref (node);
          data->cancellable = g_object_ref (self->cancellable);
          entry->pending++;
          ferry_preflight_run_async (g_ptr_array_index (vms, i), node, self->cancellable, check_done, data);
        }
    }
  g_signal_emit (self, signals[CHANGED], 0);
}

void
ferry_drop_state_end (FerryDropState *self)
{
  g_return_if_fail (FERRY_IS_DROP_STATE (self));

  if (self->cancellable == NULL)
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_hash_table_remove_all (self->entries);
  g_ptr_array_set_size (self->vms, 0);
  g_signal_emit (self, signals[CHANGED], 0);
}

gboolean
ferry_drop_state_is_active (FerryDropState *self)
{
  g_return_val_if_fail (FERRY_IS_DROP_STATE (self), FALSE);
  return self->cancellable != NULL;
}

GPtrArray *
ferry_drop_state_get_vms (FerryDropState *self)
{
  g_return_val_if_fail (FERRY_IS_DROP_STATE (self), NULL);
  return self->vms;
}

FerryDropVerdict
ferry_drop_state_lookup (FerryDropState  *self,
                         FerryNode       *node,
                         const char     **reason)
{
  Entry *entry;

  g_return_val_if_fail (FERRY_IS_DROP_STATE (self), FERRY_DROP_NONE);

  if (reason != NULL)
    *reason = NULL;
  if (node == NULL || (entry = g_hash_table_lookup (self->entries, node)) == NULL)
    return FERRY_DROP_NONE;
  if (reason != NULL && entry->reason->len > 0)
    *reason = entry->reason->str;
  return entry->verdict;
}

gboolean
ferry_drop_state_is_plain (FerryDropState *self,
                           FerryNode      *node)
{
  Entry *entry;

  g_return_val_if_fail (FERRY_IS_DROP_STATE (self), FALSE);

  entry = g_hash_table_lookup (self->entries, node);
  return entry != NULL && entry->verdict == FERRY_DROP_ALLOWED && entry->plain;
}

char *
ferry_drop_state_describe (FerryDropState *self,
                           FerryNode      *node)
{
  g_autoptr(GString) names = g_string_new (NULL);
  const char *reason = NULL;

  g_return_val_if_fail (FERRY_IS_DROP_STATE (self), NULL);

  for (guint i = 0; i < self->vms->len; i++)
    {
      if (i > 0)
        g_string_append (names, ", ");
      g_string_append (names, ferry_vm_get_name (g_ptr_array_index (self->vms, i)));
    }

  switch (ferry_drop_state_lookup (self, node, &reason))
    {
    case FERRY_DROP_ALLOWED:
      if (reason != NULL)
        return g_strdup_printf (_("Drop to migrate %s to %s (%s)"), names->str, ferry_node_get_name (node), reason);
      return g_strdup_printf (_("Drop to migrate %s to %s"), names->str, ferry_node_get_name (node));
    case FERRY_DROP_REFUSED:
      return g_strdup_printf (_("Cannot migrate %s to %s: %s"), names->str, ferry_node_get_name (node),
                              reason != NULL ? reason : "");
    case FERRY_DROP_CHECKING:
      return g_strdup_printf (_("Checking whether %s can move to %s…"), names->str, ferry_node_get_name (node));
    case FERRY_DROP_NONE:
    default:
      return NULL;
    }
}

FerryDropState *
ferry_drop_state_new (void)
{
  return g_object_new (FERRY_TYPE_DROP_STATE, NULL);
}

static void
ferry_drop_state_dispose (GObject *object)
{
  FerryDropState *self = FERRY_DROP_STATE (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_hash_table_remove_all (self->entries);
  g_ptr_array_set_size (self->vms, 0);

  G_OBJECT_CLASS (ferry_drop_state_parent_class)->dispose (object);
}

static void
ferry_drop_state_finalize (GObject *object)
{
  FerryDropState *self = FERRY_DROP_STATE (object);

  g_hash_table_unref (self->entries);
  g_ptr_array_unref (self->vms);

  G_OBJECT_CLASS (ferry_drop_state_parent_class)->finalize (object);
}

static void
ferry_drop_state_class_init (FerryDropStateClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ferry_drop_state_dispose;
  object_class->finalize = ferry_drop_state_finalize;

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
ferry_drop_state_init (FerryDropState *self)
{
  self->vms = g_ptr_array_new_with_free_func (g_object_unref);
  self->entries = g_hash_table_new_full (NULL, NULL, g_object_unref, (GDestroyNotify) entry_free);
}
