/* ferry-new-vm-dialog.c — create a VM on a host
 *
 * One form, validated as you type against what the chosen host really has
 * (its pools, ISO images, volumes, networks, firmware and memory), read on
 * a worker when the host is chosen. The checks themselves are the core's
 * (ferry_vm_spec_validate), so the dialog only marks the field they name.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "ferry-host-resources.h"
#include "ferry-new-vm-dialog.h"
#include "ferry-vm-spec.h"

#define MiB (G_GUINT64_CONSTANT (1024) * 1024)
#define GiB (MiB * 1024)

enum { SOURCE_ISO, SOURCE_IMPORT };

struct _FerryNewVmDialog
{
  AdwWindow           parent_instance;

  FerrySession       *session;
  GListStore         *nodes;
  FerryHostResources *resources;
  GCancellable       *cancellable;
  GPtrArray          *iso_paths;
  GPtrArray          *import_paths;
  GPtrArray          *pool_names;
  GPtrArray          *network_types;   /* "network"/"bridge", or NULL for none */
  GPtrArray          *network_sources;
  GPtrArray          *firmwares;
  GPtrArray          *virttypes;
  gboolean            creating;

  GtkButton          *create_button;
  AdwComboRow        *node_row;
  AdwEntryRow        *name_row;
  AdwComboRow        *source_row;
  AdwComboRow        *iso_row;
  AdwComboRow        *import_row;
  AdwActionRow       *vcpus_row;
  GtkSpinButton      *vcpus_spin;
  AdwActionRow       *memory_row;
  GtkSpinButton      *memory_spin;
  AdwComboRow        *pool_row;
  AdwActionRow       *disk_row;
  GtkSpinButton      *disk_spin;
  AdwComboRow        *network_row;
  AdwComboRow        *accel_row;
  AdwComboRow        *firmware_row;
  GtkSwitch          *start_switch;
  GtkLabel           *status_label;
};

G_DEFINE_FINAL_TYPE (FerryNewVmDialog, ferry_new_vm_dialog, ADW_TYPE_WINDOW)

static FerryNode *
selected_node (FerryNewVmDialog *self)
{
  return adw_combo_row_get_selected_item (self->node_row);
}

static const char *
pick (GPtrArray *values,
      guint      index)
{
  return values != NULL && index < values->len ? g_ptr_array_index (values, index) : NULL;
}

static void
set_status (FerryNewVmDialog *self,
            const char       *text,
            gboolean          is_error)
{
  gtk_label_set_text (self->status_label, text ? text : "");
  if (is_error)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
}

static FerryVmSpec *
spec_from_form (FerryNewVmDialog *self)
{
  FerryVmSpec *spec = ferry_vm_spec_new ();
  guint source = adw_combo_row_get_selected (self->source_row);
  guint net = adw_combo_row_get_selected (self->network_row);

  spec->name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  spec->vcpus = (guint) gtk_spin_button_get_value_as_int (self->vcpus_spin);
  spec->memory = (guint64) gtk_spin_button_get_value_as_int (self->memory_spin) * MiB;
  if (source == SOURCE_ISO)
    {
      spec->install_iso = g_strdup (pick (self->iso_paths, adw_combo_row_get_selected (self->iso_row)));
      spec->new_disk_pool = g_strdup (pick (self->pool_names, adw_combo_row_get_selected (self->pool_row)));
      spec->new_disk_size = (guint64) (gtk_spin_button_get_value (self->disk_spin) * GiB);
      g_free (spec->new_disk_format);
      spec->new_disk_format = g_strdup ("qcow2");
    }
  else
    {
      spec->import_disk = g_strdup (pick (self->import_paths, adw_combo_row_get_selected (self->import_row)));
    }
  spec->network_type = g_strdup (pick (self->network_types, net));
  spec->network_source = g_strdup (pick (self->network_sources, net));
  g_free (spec->firmware);
  spec->firmware = g_strdup (pick (self->firmwares, adw_combo_row_get_selected (self->firmware_row)));
  if (spec->firmware == NULL)
    spec->firmware = g_strdup ("bios");
  g_free (spec->virttype);
  spec->virttype = g_strdup (pick (self->virttypes, adw_combo_row_get_selected (self->accel_row)));
  if (spec->virttype == NULL)
    spec->virttype = g_strdup ("qemu");
  spec->start_after_create = gtk_switch_get_active (self->start_switch);
  return spec;
}

static GtkWidget *
row_for_error (FerryNewVmDialog *self,
               const GError     *error)
{
  if (error->domain != FERRY_VM_SPEC_ERROR)
    return NULL;
  switch (error->code)
    {
    case FERRY_VM_SPEC_ERROR_NAME:
    case FERRY_VM_SPEC_ERROR_NAME_CLASH: return GTK_WIDGET (self->name_row);
    case FERRY_VM_SPEC_ERROR_VCPUS:      return GTK_WIDGET (self->vcpus_row);
    case FERRY_VM_SPEC_ERROR_MEMORY:     return GTK_WIDGET (self->memory_row);
    case FERRY_VM_SPEC_ERROR_DISK:       return adw_combo_row_get_selected (self->source_row) == SOURCE_ISO
                                                ? GTK_WIDGET (self->disk_row) : GTK_WIDGET (self->import_row);
    case FERRY_VM_SPEC_ERROR_POOL:       return GTK_WIDGET (self->pool_row);
    case FERRY_VM_SPEC_ERROR_NETWORK:    return GTK_WIDGET (self->network_row);
    case FERRY_VM_SPEC_ERROR_FIRMWARE:   return GTK_WIDGET (self->firmware_row);
    case FERRY_VM_SPEC_ERROR_ISO:        return GTK_WIDGET (self->iso_row);
    case FERRY_VM_SPEC_ERROR_VIRTTYPE:   return GTK_WIDGET (self->accel_row);
    default:                             return NULL;
    }
}

static gboolean
validate_cb (FerryNewVmDialog *self)
{
  GtkWidget *rows[] = {
    GTK_WIDGET (self->name_row), GTK_WIDGET (self->vcpus_row), GTK_WIDGET (self->memory_row),
    GTK_WIDGET (self->disk_row), GTK_WIDGET (self->import_row), GTK_WIDGET (self->pool_row),
    GTK_WIDGET (self->network_row), GTK_WIDGET (self->firmware_row), GTK_WIDGET (self->iso_row),
    GTK_WIDGET (self->accel_row),
  };
  g_autoptr(FerryVmSpec) spec = NULL;
  g_autoptr(GError) error = NULL;
  FerryNode *node = selected_node (self);
  GtkWidget *bad;
  gboolean ok;

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    gtk_widget_remove_css_class (rows[i], "error");

  if (self->creating)
    return FALSE;
  if (node == NULL)
    {
      set_status (self, _("Connect to a host first."), TRUE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->create_button), FALSE);
      return FALSE;
    }
  if (self->resources == NULL)
    {
      gtk_widget_set_sensitive (GTK_WIDGET (self->create_button), FALSE);
      return FALSE;
    }

  spec = spec_from_form (self);
  ok = ferry_vm_spec_validate (spec, self->resources, ferry_node_get_vms (node),
                               ferry_node_get_memory (node), &error);
  /* An empty name is not an error yet: nothing has been typed. */
  if (!ok && *spec->name == '\0')
    set_status (self, _("Name the virtual machine."), FALSE);
  else
    set_status (self, ok ? NULL : error->message, !ok);
  if (!ok && *spec->name != '\0' && (bad = row_for_error (self, error)) != NULL)
    gtk_widget_add_css_class (bad, "error");
  gtk_widget_set_sensitive (GTK_WIDGET (self->create_button), ok);
  return ok;
}

static void
source_changed_cb (FerryNewVmDialog *self)
{
  gboolean iso = adw_combo_row_get_selected (self->source_row) == SOURCE_ISO;

  gtk_widget_set_visible (GTK_WIDGET (self->iso_row), iso);
  gtk_widget_set_visible (GTK_WIDGET (self->pool_row), iso);
  gtk_widget_set_visible (GTK_WIDGET (self->disk_row), iso);
  gtk_widget_set_visible (GTK_WIDGET (self->import_row), !iso);
  validate_cb (self);
}

static void
fill_combo (AdwComboRow *row,
            GPtrArray   *labels,
            const char  *empty)
{
  g_autoptr(GtkStringList) list = gtk_string_list_new (NULL);

  for (guint i = 0; i < labels->len; i++)
    gtk_string_list_append (list, g_ptr_array_index (labels, i));
  if (labels->len == 0 && empty != NULL)
    gtk_string_list_append (list, empty);
  adw_combo_row_set_model (row, G_LIST_MODEL (list));
  gtk_widget_set_sensitive (GTK_WIDGET (row), labels->len > 0);
}

static void
show_resources (FerryNewVmDialog *self)
{
  FerryHostResources *res = self->resources;
  g_autoptr(GPtrArray) iso_labels = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) import_labels = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) pool_labels = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) net_labels = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) fw_labels = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) accel_labels = g_ptr_array_new_with_free_func (g_free);
  FerryNode *node = selected_node (self);

  g_ptr_array_set_size (self->iso_paths, 0);
  g_ptr_array_set_size (self->import_paths, 0);
  g_ptr_array_set_size (self->pool_names, 0);
  g_ptr_array_set_size (self->network_types, 0);
  g_ptr_array_set_size (self->network_sources, 0);
  g_ptr_array_set_size (self->firmwares, 0);
  g_ptr_array_set_size (self->virttypes, 0);

  for (guint p = 0; p < res->pools->len; p++)
    {
      const FerryHostPool *pool = g_ptr_array_index (res->pools, p);
      g_autofree char *free_space = g_format_size_full (pool->available, G_FORMAT_SIZE_IEC_UNITS);

      if (!pool->active)
        continue;
      g_ptr_array_add (self->pool_names, g_strdup (pool->name));
      /* Translators: a storage pool and its free space */
      g_ptr_array_add (pool_labels, g_strdup_printf (_("%s (%s free)"), pool->name, free_space));
      for (guint v = 0; v < pool->volumes->len; v++)
        {
          const FerryHostVolume *vol = g_ptr_array_index (pool->volumes, v);
          g_autofree char *label = g_strdup_printf ("%s / %s", pool->name, vol->name);

          if (vol->is_iso)
            {
              g_ptr_array_add (self->iso_paths, g_strdup (vol->path));
              g_ptr_array_add (iso_labels, g_steal_pointer (&label));
            }
          else
            {
              g_ptr_array_add (self->import_paths, g_strdup (vol->path));
              g_ptr_array_add (import_labels, g_steal_pointer (&label));
            }
        }
    }

  g_ptr_array_add (self->network_types, NULL);
  g_ptr_array_add (self->network_sources, NULL);
  g_ptr_array_add (net_labels, g_strdup (_("No network")));
  for (guint i = 0; i < res->networks->len; i++)
    {
      const FerryHostNetwork *net = g_ptr_array_index (res->networks, i);

      g_ptr_array_add (self->network_types, g_strdup ("network"));
      g_ptr_array_add (self->network_sources, g_strdup (net->name));
      g_ptr_array_add (net_labels, g_strdup_printf (_("Virtual network %s%s"), net->name,
                                                    net->active ? "" : _(" (inactive)")));
    }
  for (guint i = 0; res->bridges != NULL && res->bridges[i] != NULL; i++)
    {
      g_ptr_array_add (self->network_types, g_strdup ("bridge"));
      g_ptr_array_add (self->network_sources, g_strdup (res->bridges[i]));
      g_ptr_array_add (net_labels, g_strdup_printf (_("Bridge %s"), res->bridges[i]));
    }

  g_ptr_array_add (self->firmwares, g_strdup ("bios"));
  g_ptr_array_add (fw_labels, g_strdup ("BIOS"));
  if (res->uefi)
    {
      g_ptr_array_add (self->firmwares, g_strdup ("efi"));
      g_ptr_array_add (fw_labels, g_strdup ("UEFI"));
    }

  fill_combo (self->iso_row, iso_labels, _("No ISO images in this host's pools"));
  fill_combo (self->import_row, import_labels, _("No disk volumes in this host's pools"));
  fill_combo (self->pool_row, pool_labels, _("No active storage pool"));
  fill_combo (self->network_row, net_labels, NULL);
  /* "No network" is a real choice; pick the first network when there is one. */
  if (net_labels->len > 1)
    adw_combo_row_set_selected (self->network_row, 1);
  fill_combo (self->firmware_row, fw_labels, NULL);

  /* KVM when the host offers it; emulation always (slow, but it runs
   * where hardware virtualization is missing or broken). */
  if (g_strcmp0 (res->virttype, "kvm") == 0)
    {
      g_ptr_array_add (self->virttypes, g_strdup ("kvm"));
      g_ptr_array_add (accel_labels, g_strdup (_("KVM (hardware)")));
    }
  g_ptr_array_add (self->virttypes, g_strdup ("qemu"));
  g_ptr_array_add (accel_labels, g_strdup (_("Emulation (QEMU TCG, slow)")));
  fill_combo (self->accel_row, accel_labels, NULL);

  /* Nothing to install from but volumes to import: offer the import. */
  if (iso_labels->len == 0 && import_labels->len > 0)
    adw_combo_row_set_selected (self->source_row, SOURCE_IMPORT);

  if (res->max_vcpus > 0)
    gtk_spin_button_set_range (self->vcpus_spin, 1, res->max_vcpus);
  if (node != NULL && ferry_node_get_memory (node) > 0)
    gtk_spin_button_set_range (self->memory_spin, 32, (double) (ferry_node_get_memory (node) / MiB));

  source_changed_cb (self);
}

static void
resources_done (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(FerryNewVmDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FerryHostResources) res = ferry_node_get_resources_finish (FERRY_NODE (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || FERRY_NODE (object) != selected_node (self))
    return;
  if (res == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Could not read what the host offers: %s"), error->message);
      set_status (self, message, TRUE);
      return;
    }
  g_clear_pointer (&self->resources, ferry_host_resources_unref);
  self->resources = g_steal_pointer (&res);
  set_status (self, NULL, FALSE);
  show_resources (self);
}

static void
node_changed_cb (FerryNewVmDialog *self)
{
  FerryNode *node = selected_node (self);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->resources, ferry_host_resources_unref);
  gtk_widget_set_sensitive (GTK_WIDGET (self->create_button), FALSE);
  if (node == NULL)
    {
      set_status (self, _("No host is connected. Add or connect a host first."), TRUE);
      return;
    }
  set_status (self, _("Reading the host's storage, networks and firmware…"), FALSE);
  self->cancellable = g_cancellable_new ();
  ferry_node_get_resources_async (node, self->cancellable, resources_done, g_object_ref (self));
}

/* ---------------------------------------------------------------------- */

typedef struct
{
  FerryNewVmDialog *dialog;    /* weak */
  GtkWindow        *parent;    /* weak */
  FerryTask        *task;
  char             *name;
  char             *node_name;
} CreateRun;

static void
create_run_free (CreateRun *run)
{
  g_clear_weak_pointer (&run->dialog);
  g_clear_weak_pointer (&run->parent);
  g_clear_object (&run->task);
  g_free (run->name);
  g_free (run->node_name);
  g_free (run);
}

static void
create_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  CreateRun *run = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = ferry_node_create_vm_finish (FERRY_NODE (object), result, &error);

  if (uuid != NULL)
    {
      g_autofree char *message = g_strdup_printf (_("“%s” created on %s"), run->name, run->node_name);

      ferry_task_succeed (run->task, uuid);
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
          run->dialog->creating = FALSE;
          set_status (run->dialog, error->message, TRUE);
        }
    }
  create_run_free (run);
}

static void
create_clicked_cb (FerryNewVmDialog *self)
{
  g_autoptr(FerryVmSpec) spec = NULL;
  FerryNode *node = selected_node (self);
  CreateRun *run;

  if (!validate_cb (self) || node == NULL)
    return;

  spec = spec_from_form (self);
  run = g_new0 (CreateRun, 1);
  g_set_weak_pointer (&run->dialog, self);
  g_set_weak_pointer (&run->parent, gtk_window_get_transient_for (GTK_WINDOW (self)));
  run->name = g_strdup (spec->name);
  run->node_name = g_strdup (ferry_node_get_name (node));
  run->task = g_object_ref (ferry_task_log_start (ferry_session_get_task_log (self->session),
                                                  _("Create"), spec->name));

  self->creating = TRUE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->create_button), FALSE);
  set_status (self, spec->start_after_create ? _("Creating and starting…") : _("Creating…"), FALSE);
  ferry_node_create_vm_async (node, spec, ferry_task_get_cancellable (run->task), create_done, run);
}

/* ---------------------------------------------------------------------- */

static char *
free_name (FerryNode *node)
{
  GListModel *vms = node ? ferry_node_get_vms (node) : NULL;

  for (guint n = 1; n < 1000; n++)
    {
      g_autofree char *name = n == 1 ? g_strdup ("new-vm") : g_strdup_printf ("new-vm-%u", n);
      gboolean taken = FALSE;

      for (guint i = 0; vms != NULL && i < g_list_model_get_n_items (vms) && !taken; i++)
        {
          g_autoptr(FerryVm) vm = g_list_model_get_item (vms, i);
          taken = g_strcmp0 (ferry_vm_get_name (vm), name) == 0;
        }
      if (!taken)
        return g_steal_pointer (&name);
    }
  return g_strdup ("new-vm");
}

GtkWidget *
ferry_new_vm_dialog_new (FerrySession     *session,
                         FerryNode        *node)
{
  FerryNewVmDialog *self = g_object_new (FERRY_TYPE_NEW_VM_DIALOG, NULL);
  GListModel *all = ferry_inventory_get_nodes (ferry_session_get_inventory (session));
  guint preselect = 0;
  g_autofree char *name = NULL;

  self->session = g_object_ref (session);
  for (guint i = 0; i < g_list_model_get_n_items (all); i++)
    {
      g_autoptr(FerryNode) n = g_list_model_get_item (all, i);

      if (ferry_node_get_state (n) != FERRY_NODE_STATE_CONNECTED)
        continue;
      if (n == node)
        preselect = g_list_model_get_n_items (G_LIST_MODEL (self->nodes));
      g_list_store_append (self->nodes, n);
    }
  adw_combo_row_set_expression (self->node_row, gtk_property_expression_new (FERRY_TYPE_NODE, NULL, "name"));
  adw_combo_row_set_model (self->node_row, G_LIST_MODEL (self->nodes));
  adw_combo_row_set_selected (self->node_row, preselect);

  name = free_name (selected_node (self));
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), name);
  node_changed_cb (self);
  return GTK_WIDGET (self);
}

static void
ferry_new_vm_dialog_dispose (GObject *object)
{
  FerryNewVmDialog *self = FERRY_NEW_VM_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), FERRY_TYPE_NEW_VM_DIALOG);
  g_clear_pointer (&self->resources, ferry_host_resources_unref);
  g_clear_object (&self->nodes);
  g_clear_object (&self->session);
  g_clear_pointer (&self->iso_paths, g_ptr_array_unref);
  g_clear_pointer (&self->import_paths, g_ptr_array_unref);
  g_clear_pointer (&self->pool_names, g_ptr_array_unref);
  g_clear_pointer (&self->network_types, g_ptr_array_unref);
  g_clear_pointer (&self->network_sources, g_ptr_array_unref);
  g_clear_pointer (&self->firmwares, g_ptr_array_unref);
  g_clear_pointer (&self->virttypes, g_ptr_array_unref);

  G_OBJECT_CLASS (ferry_new_vm_dialog_parent_class)->dispose (object);
}

static void
ferry_new_vm_dialog_class_init (FerryNewVmDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ferry_new_vm_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/ferryvm/Ferry/ferry-new-vm-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, FerryNewVmDialog, create_button);
  gtk_widget_class_bind_template_child (widget_class, FerryNewVmDialog, node_row);
  gtk_widget_class_bind_template_child (widget_class, FerryNewVmDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, FerryNewVmDialog, source_row);
  gtk_widget_class_bind_template_child (widget_class, FerryNewVmDialog, iso_row);
  gtk_widget_class_bind_template_child (widget_class, FerryNewVmDialog, import_row);
  gtk_widget_class_bind_template_child (widget_class, FerryNewVmDialog, vcpus_row);
  gtk_widget_class_bind_template_child (widget_class, FerryNewVmDialog, vcpus_spin);
  gtk_widget_class_bind_template_child (widget_class, FerryNewVmDialog, memory_row);
  gtk_widget_class_bind_template_child (widget_class, FerryNewVmDialog, memory_spin);
  gtk_widget_class_bind_template_child (widget_class, FerryNewVmDialog, pool_row);
  gtk_widget_class_bind_template_child (widget_class, FerryNewVmDialog, disk_row);
  gtk_widget_class_bind_template_child (widget_class, FerryNewVmDialog, disk_spin);
  gtk_widget_class_bind_template_child (widget_class, FerryNewVmDialog, network_row);
  gtk_widget_class_bind_template_child (widget_class, FerryNewVmDialog, accel_row);
  gtk_widget_class_bind_template_child (widget_class, FerryNewVmDialog, firmware_row);
  gtk_widget_class_bind_template_child (widget_class, FerryNewVmDialog, start_switch);
  gtk_widget_class_bind_template_child (widget_class, FerryNewVmDialog, status_label);
  gtk_widget_class_bind_template_callback (widget_class, validate_cb);
  gtk_widget_class_bind_template_callback (widget_class, source_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, node_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, create_clicked_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
ferry_new_vm_dialog_init (FerryNewVmDialog *self)
{
  self->nodes = g_list_store_new (FERRY_TYPE_NODE);
  self->iso_paths = g_ptr_array_new_with_free_func (g_free);
  self->import_paths = g_ptr_array_new_with_free_func (g_free);
  self->pool_names = g_ptr_array_new_with_free_func (g_free);
  self->network_types = g_ptr_array_new_with_free_func (g_free);
  self->network_sources = g_ptr_array_new_with_free_func (g_free);
  self->firmwares = g_ptr_array_new_with_free_func (g_free);
  self->virttypes = g_ptr_array_new_with_free_func (g_free);
  gtk_widget_init_template (GTK_WIDGET (self));
}
