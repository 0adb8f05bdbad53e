/* ferry-vm-page.c — everything about one VM
 *
 * The overview follows the FerryVm's properties live; the configuration
 * (disks, NICs, display) is read from the VM's host on a worker when the
 * page opens and whenever the VM starts or stops.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "ferry-graph-page.h"
#include "ferry-ha-row.h"
#include "ferry-vm-details.h"
#include "ferry-vm-page.h"

struct _FerryVmPage
{
  GtkWidget             parent_instance;

  FerryVm              *vm;
  GCancellable         *cancellable;
  GPtrArray            *detail_rows;     /* rows we added to the detail groups */

  AdwPreferencesPage   *page;
  AdwPreferencesGroup  *overview;
  AdwPreferencesGroup  *hardware;
  AdwPreferencesGroup  *disks;
  AdwPreferencesGroup  *nics;
  AdwPreferencesGroup  *displays;
  AdwActionRow         *state_row;
  AdwActionRow         *node_row;
  AdwActionRow         *cpu_row;
  AdwActionRow         *memory_row;
  AdwActionRow         *uuid_row;
  FerryHaRow           *ha_row;
  GtkWidget            *start_button;
  FerryGraphPage       *graph_page;
  GtkWidget            *shutdown_button;
  AdwActionRow         *migration_row;
  GtkProgressBar       *migration_bar;
  GtkWidget            *postcopy_button;
  GtkWidget            *cancel_migration_button;
  FerryMigration       *migration;       /* the job shown in migration_row */
};

G_DEFINE_FINAL_TYPE (FerryVmPage, ferry_vm_page, GTK_TYPE_WIDGET)

/* ---------------------------------------------------------------------- */
/* A migration under way: progress, cancel, switch to post-copy            */

static void
update_migration (FerryVmPage *self)
{
  g_autofree char *text = NULL;
  const FerryMigrationProgress *p;

  gtk_widget_set_visible (GTK_WIDGET (self->migration_row), self->migration != NULL);
  if (self->migration == NULL)
    return;

  p = ferry_migration_get_progress (self->migration);
  text = ferry_migration_describe_progress (self->migration);
  {
    g_autofree char *title = g_strdup_printf (_("%s to %s"),
                                              ferry_migration_state_to_string (ferry_migration_get_state (self->migration)),
                                              ferry_node_get_name (ferry_migration_get_destination (self->migration)));

    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->migration_row), title);
  }
  adw_action_row_set_subtitle (self->migration_row, text);
  if (p->fraction >= 0)
    gtk_progress_bar_set_fraction (self->migration_bar, p->fraction);
  else
    gtk_progress_bar_pulse (self->migration_bar);
  gtk_widget_set_visible (self->postcopy_button, ferry_migration_can_switch_to_postcopy (self->migration));
  gtk_widget_set_sensitive (self->cancel_migration_button,
                            !ferry_migration_is_finished (self->migration) &&
                            ferry_migration_get_state (self->migration) != FERRY_MIGRATION_POSTCOPY);
}

static void
on_migration_changed (FerryVmPage *self)
{
  FerryMigration *migration = self->vm != NULL ? ferry_vm_get_migration (self->vm) : NULL;

  if (self->migration != migration)
    {
      if (self->migration != NULL)
        g_signal_handlers_disconnect_by_data (self->migration, self);
      g_set_object (&self->migration, migration);
      if (migration != NULL)
        {
          g_signal_connect_swapped (migration, "progress-changed", G_CALLBACK (update_migration), self);
          g_signal_connect_swapped (migration, "notify::state", G_CALLBACK (update_migration), self);
        }
    }
  update_migration (self);
}

static void
postcopy_clicked_cb (FerryVmPage *self)
{
  if (self->migration != NULL)
    ferry_migration_switch_to_postcopy (self->migration);
}

static void
cancel_migration_clicked_cb (FerryVmPage *self)
{
  if (self->migration != NULL)
    ferry_migration_cancel (self->migration);
}

static void
update_overview (FerryVmPage *self)
{
  FerryVm *vm = self->vm;
  FerryNode *node;
  g_autofree char *cpus = NULL;
  g_autofree char *memory = NULL;
  g_autofree char *max_memory = NULL;
  g_autofree char *memory_text = NULL;
  FerryVmState state;

  if (vm == NULL)
    return;

  node = ferry_vm_get_node (vm);
  state = ferry_vm_get_state (vm);
  adw_preferences_group_set_title (self->overview, ferry_vm_get_name (vm));
  adw_action_row_set_subtitle (self->state_row, ferry_vm_get_state_text (vm));
  adw_action_row_set_subtitle (self->node_row, node ? ferry_node_get_name (node) : "—");
  cpus = g_strdup_printf (ngettext ("%u virtual CPU", "%u virtual CPUs", ferry_vm_get_vcpus (vm)),
                          ferry_vm_get_vcpus (vm));
  adw_action_row_set_subtitle (self->cpu_row, cpus);
  memory = g_format_size_full (ferry_vm_get_memory (vm), G_FORMAT_SIZE_IEC_UNITS);
  max_memory = g_format_size_full (ferry_vm_get_max_memory (vm), G_FORMAT_SIZE_IEC_UNITS);
  if (ferry_vm_get_max_memory (vm) > ferry_vm_get_memory (vm))
    /* Translators: current memory of a VM, then its maximum */
    memory_text = g_strdup_printf (_("%s (up to %s)"), memory, max_memory);
  else
    memory_text = g_strdup (memory);
  adw_action_row_set_subtitle (self->memory_row, memory_text);
  adw_action_row_set_subtitle (self->uuid_row, ferry_vm_get_uuid (vm));

  gtk_widget_set_visible (self->start_button, state == FERRY_VM_STATE_SHUT_OFF ||
                                              state == FERRY_VM_STATE_CRASHED);
  gtk_widget_set_visible (self->shutdown_button, ferry_vm_state_is_active (state));
}

static void
clear_details (FerryVmPage *self)
{
  for (guint i = 0; i < self->detail_rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->detail_rows, i);
      GtkWidget *group = gtk_widget_get_ancestor (row, ADW_TYPE_PREFERENCES_GROUP);

      if (group != NULL)
        adw_preferences_group_remove (ADW_PREFERENCES_GROUP (group), row);
    }
  g_ptr_array_set_size (self->detail_rows, 0);
}

static void
add_row (FerryVmPage         *self,
         AdwPreferencesGroup *group,
         const char          *title,
         const char          *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  /* Everything here comes from the host's XML: plain text only. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle && *subtitle ? subtitle : "—");
  adw_preferences_group_add (group, row);
  g_ptr_array_add (self->detail_rows, row);
}

static void
show_details (FerryVmPage          *self,
              const FerryVmDetails *d)
{
  g_autoptr(GString) boot = g_string_new (NULL);
  g_autofree char *cpu = NULL;
  g_autofree char *vcpus = NULL;

  clear_details (self);

  if (d->cpu_mode == NULL)
    cpu = g_strdup (_("Hypervisor default"));
  else if (d->cpu_model != NULL)
    cpu = g_strdup_printf ("%s (%s)", d->cpu_mode, d->cpu_model);
  else
    cpu = g_strdup (d->cpu_mode);
  vcpus = g_strdup_printf (_("%u of at most %u"), d->vcpus, d->max_vcpus);
  for (guint i = 0; d->boot_order[i] != NULL; i++)
    g_string_append_printf (boot, "%s%s", i ? " → " : "", d->boot_order[i]);

  add_row (self, self->hardware, _("CPU model"), cpu);
  add_row (self, self->hardware, _("Virtual CPUs"), vcpus);
  add_row (self, self->hardware, _("Firmware"), g_strcmp0 (d->firmware, "efi") == 0 ? "UEFI" : "BIOS");
  add_row (self, self->hardware, _("Machine"), d->machine);
  add_row (self, self->hardware, _("Boot order"), boot->str);
  add_row (self, self->hardware, _("Start with the host"), d->autostart ? _("Yes") : _("No"));
  if (d->title != NULL)
    add_row (self, self->hardware, _("Title"), d->title);

  for (guint i = 0; i < d->disks->len; i++)
    {
      const FerryVmDisk *disk = g_ptr_array_index (d->disks, i);
      g_autofree char *title = NULL;
      g_autofree char *size = disk->capacity ? g_format_size_full (disk->capacity, G_FORMAT_SIZE_IEC_UNITS) : NULL;
      g_autofree char *subtitle = NULL;
      const char *source = disk->source ? disk->source : disk->volume;

      title = g_strdup_printf ("%s (%s, %s)", disk->target, disk->device, disk->bus ? disk->bus : "?");
      if (source == NULL)
        subtitle = g_strdup (_("Empty"));
      else if (size != NULL)
        subtitle = g_strdup_printf ("%s — %s%s%s", source, size, disk->format ? ", " : "",
                                    disk->format ? disk->format : "");
      else
        subtitle = g_strdup (source);
      add_row (self, self->disks, title, subtitle);
    }
  if (d->disks->len == 0)
    add_row (self, self->disks, _("No disks"), NULL);

  for (guint i = 0; i < d->nics->len; i++)
    {
      const FerryVmNic *nic = g_ptr_array_index (d->nics, i);
      g_autofree char *title = g_strdup_printf ("%s %s", nic->model ? nic->model : "", nic->mac ? nic->mac : "");
      g_autofree char *subtitle = g_strdup_printf ("%s%s%s", nic->type, nic->source ? ": " : "",
                                                   nic->source ? nic->source : "");

      add_row (self, self->nics, g_strstrip (title), subtitle);
    }
  if (d->nics->len == 0)
    add_row (self, self->nics, _("No network interfaces"), NULL);

  for (guint i = 0; i < d->graphics->len; i++)
    {
      const FerryVmGraphics *g = g_ptr_array_index (d->graphics, i);
      g_autofree char *title = g_ascii_strup (g->type, -1);
      g_autofree char *subtitle = NULL;

      if (g->socket != NULL)
        subtitle = g_strdup_printf (_("UNIX socket %s"), g->socket);
      else if (g->port > 0)
        subtitle = g_strdup_printf ("%s:%d", g->listen ? g->listen : "*", g->port);
      else
        subtitle = g_strdup_printf (_("%s, port chosen when it starts"), g->listen ? g->listen : "*");
      add_row (self, self->displays, title, subtitle);
    }
  if (d->graphics->len == 0)
    add_row (self, self->displays, _("No graphical display"), NULL);
}

static void
details_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(FerryVmPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FerryVmDetails) details = ferry_vm_get_details_finish (FERRY_VM (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->vm != FERRY_VM (object))
    return;
  if (details == NULL)
    {
      clear_details (self);
      add_row (self, self->hardware, _("The configuration could not be read"), error->message);
      return;
    }
  show_details (self, details);
}

static void
load_details (FerryVmPage *self)
{
  ferry_vm_get_details_async (self->vm, self->cancellable, details_done, g_object_ref (self));
}

void
ferry_vm_page_reload (FerryVmPage *self)
{
  g_return_if_fail (FERRY_IS_VM_PAGE (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->vm == NULL)
    return;
  self->cancellable = g_cancellable_new ();
  load_details (self);
}

static void
on_state_changed (FerryVmPage *self)
{
  update_overview (self);
  ferry_vm_page_reload (self);
}

void
ferry_vm_page_set_ha_manager (FerryVmPage    *self,
                              FerryHaManager *manager)
{
  g_return_if_fail (FERRY_IS_VM_PAGE (self));
  ferry_ha_row_set_manager (self->ha_row, manager);
}

void
ferry_vm_page_set_vm (FerryVmPage *self,
                      FerryVm     *vm)
{
  g_return_if_fail (FERRY_IS_VM_PAGE (self));

  if (self->vm == vm)
    return;
  if (self->vm != NULL)
    g_signal_handlers_disconnect_by_data (self->vm, self);
  g_set_object (&self->vm, vm);
  clear_details (self);
  ferry_ha_row_set_vm (self->ha_row, vm);
  on_migration_changed (self);
  if (vm == NULL)
    ferry_graph_page_set_sources (self->graph_page, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
  if (vm != NULL)
    {
      FerryMetrics *m = ferry_vm_get_metrics (vm);

      /* The VM's own history: it follows the VM across migrations. */
      ferry_graph_page_set_sources (self->graph_page,
                                    ferry_metrics_get_series (m, FERRY_METRIC_CPU),
                                    ferry_metrics_get_series (m, FERRY_METRIC_MEMORY),
                                    ferry_metrics_get_series (m, FERRY_METRIC_MEMORY_TOTAL),
                                    ferry_metrics_get_series (m, FERRY_METRIC_DISK_READ),
                                    ferry_metrics_get_series (m, FERRY_METRIC_DISK_WRITE),
                                    ferry_metrics_get_series (m, FERRY_METRIC_NET_RX),
                                    ferry_metrics_get_series (m, FERRY_METRIC_NET_TX));
      g_signal_connect_swapped (vm, "notify::state", G_CALLBACK (on_state_changed), self);
      g_signal_connect_swapped (vm, "notify::node", G_CALLBACK (on_state_changed), self);
      g_signal_connect_swapped (vm, "notify", G_CALLBACK (update_overview), self);
      g_signal_connect_swapped (vm, "notify::migration", G_CALLBACK (on_migration_changed), self);
      update_overview (self);
    }
  ferry_vm_page_reload (self);
}

FerryVm *
ferry_vm_page_get_vm (FerryVmPage *self)
{
  g_return_val_if_fail (FERRY_IS_VM_PAGE (self), NULL);
  return self->vm;
}

GtkWidget *
ferry_vm_page_new (void)
{
  return g_object_new (FERRY_TYPE_VM_PAGE, NULL);
}

static void
ferry_vm_page_dispose (GObject *object)
{
  FerryVmPage *self = FERRY_VM_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->vm != NULL)
    g_signal_handlers_disconnect_by_data (self->vm, self);
  g_clear_object (&self->vm);
  if (self->migration != NULL)
    g_signal_handlers_disconnect_by_data (self->migration, self);
  g_clear_object (&self->migration);
  gtk_widget_dispose_template (GTK_WIDGET (self), FERRY_TYPE_VM_PAGE);
  g_clear_pointer (&self->detail_rows, g_ptr_array_unref);

  G_OBJECT_CLASS (ferry_vm_page_parent_class)->dispose (object);
}

static void
ferry_vm_page_class_init (FerryVmPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ferry_vm_page_dispose;

  g_type_ensure (FERRY_TYPE_GRAPH_PAGE);
  g_type_ensure (FERRY_TYPE_HA_ROW);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/ferryvm/Ferry/ferry-vm-page.ui");
  gtk_widget_class_bind_template_child (widget_class, FerryVmPage, page);
  gtk_widget_class_bind_template_child (widget_class, FerryVmPage, overview);
  gtk_widget_class_bind_template_child (widget_class, FerryVmPage, hardware);
  gtk_widget_class_bind_template_child (widget_class, FerryVmPage, disks);
  gtk_widget_class_bind_template_child (widget_class, FerryVmPage, nics);
  gtk_widget_class_bind_template_child (widget_class, FerryVmPage, displays);
  gtk_widget_class_bind_template_child (widget_class, FerryVmPage, state_row);
  gtk_widget_class_bind_template_child (widget_class, FerryVmPage, node_row);
  gtk_widget_class_bind_template_child (widget_class, FerryVmPage, cpu_row);
  gtk_widget_class_bind_template_child (widget_class, FerryVmPage, memory_row);
  gtk_widget_class_bind_template_child (widget_class, FerryVmPage, uuid_row);
  gtk_widget_class_bind_template_child (widget_class, FerryVmPage, ha_row);
  gtk_widget_class_bind_template_child (widget_class, FerryVmPage, start_button);
  gtk_widget_class_bind_template_child (widget_class, FerryVmPage, graph_page);
  gtk_widget_class_bind_template_child (widget_class, FerryVmPage, shutdown_button);
  gtk_widget_class_bind_template_child (widget_class, FerryVmPage, migration_row);
  gtk_widget_class_bind_template_child (widget_class, FerryVmPage, migration_bar);
  gtk_widget_class_bind_template_child (widget_class, FerryVmPage, postcopy_button);
  gtk_widget_class_bind_template_child (widget_class, FerryVmPage, cancel_migration_button);
  gtk_widget_class_bind_template_callback (widget_class, postcopy_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_migration_clicked_cb);
}

static void
ferry_vm_page_init (FerryVmPage *self)
{
  self->detail_rows = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}
