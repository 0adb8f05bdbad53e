/* ferry-vm-edit-dialog.c — change a VM's CPUs, memory, CPU model, boot
 *
 * Reads the VM's configuration first, then sends only what changed. On a
 * running VM, memory and vCPUs change live (up to their maximum); the CPU
 * model and boot order take effect at the next start, and the dialog says
 * so before anyone applies.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "ferry-vm-details.h"
#include "ferry-vm-edit.h"
#include "ferry-vm-edit-dialog.h"

#define MiB (G_GUINT64_CONSTANT (1024) * 1024)

static const char *cpu_modes[] = { "host-model", "host-passthrough", "custom" };
static const char *boot_orders[][3] = {
  { "hd", "cdrom", NULL },
  { "cdrom", "hd", NULL },
  { "network", "hd", NULL },
  { "hd", NULL, NULL },
};

struct _FerryVmEditDialog
{
  AdwWindow         parent_instance;

  FerrySession     *session;
  FerryVm          *vm;
  FerryVmDetails   *details;
  GCancellable     *cancellable;
  guint             boot_index;     /* what the VM has now */
  guint             cpu_index;
  gboolean          loading;

  GtkButton        *apply_button;
  AdwPreferencesGroup *group;
  AdwActionRow     *vcpus_row;
  GtkSpinButton    *vcpus_spin;
  AdwActionRow     *memory_row;
  GtkSpinButton    *memory_spin;
  AdwComboRow      *cpu_row;
  AdwEntryRow      *model_row;
  AdwComboRow      *boot_row;
  GtkSwitch        *autostart_switch;
  GtkLabel         *status_label;
};

G_DEFINE_FINAL_TYPE (FerryVmEditDialog, ferry_vm_edit_dialog, ADW_TYPE_WINDOW)

static void
set_status (FerryVmEditDialog *self,
            const char        *text,
            gboolean           is_error)
{
  gtk_label_set_text (self->status_label, text ? text : "");
  if (is_error)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
}

/* The edit holds only what differs from the VM's configuration. */
static FerryVmEdit *
edit_from_form (FerryVmEditDialog *self)
{
  FerryVmEdit *edit = ferry_vm_edit_new ();
  const FerryVmDetails *d = self->details;
  guint vcpus = (guint) gtk_spin_button_get_value_as_int (self->vcpus_spin);
  guint64 memory = (guint64) gtk_spin_button_get_value_as_int (self->memory_spin) * MiB;
  guint cpu = adw_combo_row_get_selected (self->cpu_row);
  guint boot = adw_combo_row_get_selected (self->boot_row);
  const char *model = gtk_editable_get_text (GTK_EDITABLE (self->model_row));

  if (vcpus != d->vcpus)
    edit->vcpus = vcpus;
  if (memory / MiB != d->memory / MiB)
    edit->memory = memory;
  if (cpu < G_N_ELEMENTS (cpu_modes) &&
      (cpu != self->cpu_index || (cpu == 2 && g_strcmp0 (model, d->cpu_model) != 0)))
    {
      edit->cpu_mode = g_strdup (cpu_modes[cpu]);
      if (cpu == 2)
        edit->cpu_model = g_strstrip (g_strdup (model));
    }
  if (boot != self->boot_index && boot < G_N_ELEMENTS (boot_orders))
    edit->boot_order = g_strdupv ((char **) boot_orders[boot]);
  if (gtk_switch_get_active (self->autostart_switch) != d->autostart)
    edit->autostart = gtk_switch_get_active (self->autostart_switch);
  return edit;
}

static gboolean
edit_is_empty (const FerryVmEdit *edit)
{
  return edit->vcpus == 0 && edit->memory == 0 && edit->cpu_mode == NULL &&
         edit->boot_order == NULL && edit->autostart == -1;
}

static void
changed_cb (FerryVmEditDialog *self)
{
  g_autoptr(FerryVmEdit) edit = NULL;
  g_autoptr(GError) error = NULL;
  gboolean running;

  gtk_widget_set_visible (GTK_WIDGET (self->model_row), adw_combo_row_get_selected (self->cpu_row) == 2);
  if (self->details == NULL || self->loading)
    return;

  edit = edit_from_form (self);
  running = ferry_vm_state_is_active (ferry_vm_get_state (self->vm));
  if (edit_is_empty (edit))
    {
      set_status (self, running ? _("Memory and virtual CPUs change at once, up to their maximum; the CPU "
                                    "model and boot order at the next start.")
                                : NULL, FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->apply_button), FALSE);
      return;
    }
  if (!ferry_vm_edit_validate (edit, &error))
    {
      set_status (self, error->message, TRUE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->apply_button), FALSE);
      return;
    }
  if (running && (edit->cpu_mode != NULL || edit->boot_order != NULL))
    set_status (self, _("The CPU model and boot order take effect at the next start."), FALSE);
  else
    set_status (self, NULL, FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->apply_button), TRUE);
}

static void
show_details (FerryVmEditDialog *self)
{
  const FerryVmDetails *d = self->details;
  gboolean running = ferry_vm_state_is_active (ferry_vm_get_state (self->vm));
  g_autofree char *title = g_strdup_printf (_("Edit “%s”"), ferry_vm_get_name (self->vm));

  self->loading = TRUE;
  gtk_window_set_title (GTK_WINDOW (self), title);
  /* Live changes cannot pass the maximum the VM was started with. */
  gtk_spin_button_set_range (self->vcpus_spin, 1, running && d->max_vcpus ? d->max_vcpus : 256);
  gtk_spin_button_set_value (self->vcpus_spin, d->vcpus);
  gtk_spin_button_set_range (self->memory_spin, 32,
                             running && d->max_memory ? (double) (d->max_memory / MiB) : 4194304);
  gtk_spin_button_set_value (self->memory_spin, (double) (d->memory / MiB));

  self->cpu_index = G_N_ELEMENTS (cpu_modes);
  for (guint i = 0; i < G_N_ELEMENTS (cpu_modes); i++)
    if (g_strcmp0 (d->cpu_mode, cpu_modes[i]) == 0)
      self->cpu_index = i;
  /* Hypervisor default (no <cpu>): show host-model, sent only if changed
   * to something else by the administrator. */
  adw_combo_row_set_selected (self->cpu_row, self->cpu_index < G_N_ELEMENTS (cpu_modes) ? self->cpu_index : 0);
  if (self->cpu_index >= G_N_ELEMENTS (cpu_modes))
    self->cpu_index = 0;
  gtk_editable_set_text (GTK_EDITABLE (self->model_row), d->cpu_model ? d->cpu_model : "");

  self->boot_index = G_N_ELEMENTS (boot_orders);
  for (guint i = 0; i < G_N_ELEMENTS (boot_orders); i++)
    {
      guint n = 0;

      while (boot_orders[i][n] != NULL)
        n++;
      if (g_strv_length (d->boot_order) == n &&
          g_strv_equal ((const char * const *) d->boot_order, boot_orders[i]))
        self->boot_index = i;
    }
  adw_combo_row_set_selected (self->boot_row, self->boot_index < G_N_ELEMENTS (boot_orders) ? self->boot_index : 0);
  if (self->boot_index >= G_N_ELEMENTS (boot_orders))
    self->boot_index = 0;
  gtk_switch_set_active (self->autostart_switch, d->autostart);
  self->loading = FALSE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->group), TRUE);
  changed_cb (self);
}

static void
details_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(FerryVmEditDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  FerryVmDetails *details = ferry_vm_get_details_finish (FERRY_VM (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (details == NULL)
    {
      set_status (self, error->message, TRUE);
      return;
    }
  self->details = details;
  show_details (self);
}

typedef struct
{
  FerryVmEditDialog *dialog;  /* weak */
  GtkWindow         *parent;  /* weak */
  FerryTask         *task;
  char              *name;
} ApplyRun;

static void
apply_run_free (ApplyRun *run)
{
  g_clear_weak_pointer (&run->dialog);
  g_clear_weak_pointer (&run->parent);
  g_clear_object (&run->task);
  g_free (run->name);
  g_free (run);
}

static void
apply_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  ApplyRun *run = user_data;
  g_autoptr(GError) error = NULL;
  gboolean needs_restart = FALSE;

  if (ferry_vm_apply_edit_finish (FERRY_VM (object), result, &needs_restart, &error))
    {
      g_autofree char *message = needs_restart
        ? g_strdup_printf (_("“%s” changed; some changes take effect at its next start"), run->name)
        : g_strdup_printf (_("“%s” changed"), run->name);

      ferry_task_succeed (run->task, needs_restart ? _("some changes at the next start") : NULL);
      if (run->parent != NULL)
        gtk_widget_activate_action (GTK_WIDGET (run->parent), "win.show-message", "s", message);
      if (run->dialog != NULL)
        gtk_window_close (GTK_WINDOW (run->dialog));
    }
  else
    {
      ferry_task_fail (run->task, error);
      if (run->dialog != NULL)
        {
          set_status (run->dialog, error->message, TRUE);
          gtk_widget_set_sensitive (GTK_WIDGET (run->dialog->apply_button), TRUE);
        }
    }
  apply_run_free (run);
}

static void
apply_clicked_cb (FerryVmEditDialog *self)
{
  g_autoptr(FerryVmEdit) edit = NULL;
  ApplyRun *run;

  if (self->details == NULL)
    return;
  edit = edit_from_form (self);
  if (edit_is_empty (edit))
    return;

  run = g_new0 (ApplyRun, 1);
  g_set_weak_pointer (&run->dialog, self);
  g_set_weak_pointer (&run->parent, gtk_window_get_transient_for (GTK_WINDOW (self)));
  run->name = g_strdup (ferry_vm_get_name (self->vm));
  run->task = g_object_ref (ferry_task_log_start (ferry_session_get_task_log (self->session),
                                                  _("Edit"), run->name));
  gtk_widget_set_sensitive (GTK_WIDGET (self->apply_button), FALSE);
  ferry_vm_apply_edit_async (self->vm, edit, ferry_task_get_cancellable (run->task), apply_done, run);
}

GtkWidget *
ferry_vm_edit_dialog_new (FerrySession     *session,
                          FerryVm          *vm)
{
  FerryVmEditDialog *self = g_object_new (FERRY_TYPE_VM_EDIT_DIALOG, NULL);

  self->session = g_object_ref (session);
  self->vm = g_object_ref (vm);
  self->cancellable = g_cancellable_new ();
  gtk_widget_set_sensitive (GTK_WIDGET (self->group), FALSE);
  set_status (self, _("Reading the configuration…"), FALSE);
  ferry_vm_get_details_async (vm, self->cancellable, details_done, g_object_ref (self));
  return GTK_WIDGET (self);
}

static void
ferry_vm_edit_dialog_dispose (GObject *object)
{
  FerryVmEditDialog *self = FERRY_VM_EDIT_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), FERRY_TYPE_VM_EDIT_DIALOG);
  g_clear_pointer (&self->details, ferry_vm_details_unref);
  g_clear_object (&self->vm);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (ferry_vm_edit_dialog_parent_class)->dispose (object);
}

static void
ferry_vm_edit_dialog_class_init (FerryVmEditDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ferry_vm_edit_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/ferryvm/Ferry/ferry-vm-edit-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, FerryVmEditDialog, apply_button);
  gtk_widget_class_bind_template_child (widget_class, FerryVmEditDialog, group);
  gtk_widget_class_bind_template_child (widget_class, FerryVmEditDialog, vcpus_row);
  gtk_widget_class_bind_template_child (widget_class, FerryVmEditDialog, vcpus_spin);
  gtk_widget_class_bind_template_child (widget_class, FerryVmEditDialog, memory_row);
  gtk_widget_class_bind_template_child (widget_class, FerryVmEditDialog, memory_spin);
  gtk_widget_class_bind_template_child (widget_class, FerryVmEditDialog, cpu_row);
  gtk_widget_class_bind_template_child (widget_class, FerryVmEditDialog, model_row);
  gtk_widget_class_bind_template_child (widget_class, FerryVmEditDialog, boot_row);
  gtk_widget_class_bind_template_child (widget_class, FerryVmEditDialog, autostart_switch);
  gtk_widget_class_bind_template_child (widget_class, FerryVmEditDialog, status_label);
  gtk_widget_class_bind_template_callback (widget_class, changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, apply_clicked_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
ferry_vm_edit_dialog_init (FerryVmEditDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
