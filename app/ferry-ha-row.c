/* ferry-ha-row.c — the "Highly available" switch of a VM
 *
 * Reads the flag from the VM's host when shown (one call, not on the
 * inventory's refresh path); setting it checks that every disk is on
 * storage the other hosts see, and the row says why when it is not.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "ferry-ha-row.h"

struct _FerryHaRow
{
  AdwActionRow    parent_instance;

  FerryVm        *vm;
  FerryHaManager *manager;
  GCancellable   *cancellable;
  gboolean        updating;

  GtkSwitch      *ha_switch;
};

G_DEFINE_FINAL_TYPE (FerryHaRow, ferry_ha_row, ADW_TYPE_ACTION_ROW)

static const char *
default_subtitle (void)
{
  return _("Started on another host if this one fails");
}

static void
show (FerryHaRow *self,
      gboolean    enabled,
      const char *subtitle)
{
  self->updating = TRUE;
  gtk_switch_set_active (self->ha_switch, enabled);
  gtk_switch_set_state (self->ha_switch, enabled);
  self->updating = FALSE;
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), subtitle ? subtitle : default_subtitle ());
}

static void
refresh_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  FerryHaRow *self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean enabled = FALSE;

  if (!ferry_ha_manager_refresh_vm_finish (FERRY_HA_MANAGER (object), result, &enabled, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      show (self, ferry_ha_manager_is_ha (self->manager, self->vm), error->message);
      return;
    }
  show (self, enabled, NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->ha_switch), TRUE);
}

static void
set_done (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  FerryHaRow *self = user_data;
  g_autoptr(GError) error = NULL;

  if (!ferry_ha_manager_set_ha_finish (FERRY_HA_MANAGER (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* Back to what it is, with the reason (which disk, which host). */
      show (self, ferry_ha_manager_is_ha (self->manager, self->vm), error->message);
    }
  else
    show (self, ferry_ha_manager_is_ha (self->manager, self->vm), NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->ha_switch), TRUE);
}

static gboolean
state_set_cb (FerryHaRow *self,
              gboolean    state)
{
  if (self->updating || self->vm == NULL || self->manager == NULL)
    return FALSE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->ha_switch), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self),
                               state ? _("Checking that every disk is on shared storage…") : _("Turning off…"));
  ferry_ha_manager_set_ha_async (self->manager, self->vm, state, self->cancellable, set_done, self);
  return TRUE;   /* the state follows when the host has answered */
}

void
ferry_ha_row_set_vm (FerryHaRow *self,
                     FerryVm    *vm)
{
  g_return_if_fail (FERRY_IS_HA_ROW (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_set_object (&self->vm, vm);
  gtk_widget_set_sensitive (GTK_WIDGET (self->ha_switch), FALSE);
  if (vm == NULL || self->manager == NULL)
    return;
  self->cancellable = g_cancellable_new ();
  show (self, ferry_ha_manager_is_ha (self->manager, vm), NULL);
  ferry_ha_manager_refresh_vm_async (self->manager, vm, self->cancellable, refresh_done, self);
}

static void
ferry_ha_row_dispose (GObject *object)
{
  FerryHaRow *self = FERRY_HA_ROW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->vm);
  g_clear_object (&self->manager);
  gtk_widget_dispose_template (GTK_WIDGET (self), FERRY_TYPE_HA_ROW);

  G_OBJECT_CLASS (ferry_ha_row_parent_class)->dispose (object);
}

static void
ferry_ha_row_class_init (FerryHaRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ferry_ha_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/ferryvm/Ferry/ferry-ha-row.ui");
  gtk_widget_class_bind_template_child (widget_class, FerryHaRow, ha_switch);
  gtk_widget_class_bind_template_callback (widget_class, state_set_cb);
}

static void
ferry_ha_row_init (FerryHaRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

void
ferry_ha_row_set_manager (FerryHaRow     *self,
                          FerryHaManager *manager)
{
  g_return_if_fail (FERRY_IS_HA_ROW (self));
  g_return_if_fail (manager == NULL || FERRY_IS_HA_MANAGER (manager));

  if (!g_set_object (&self->manager, manager))
    return;
  if (self->vm != NULL)
    {
      g_autoptr(FerryVm) vm = g_object_ref (self->vm);

      g_clear_object (&self->vm);
      ferry_ha_row_set_vm (self, vm);
    }
}
