/* ferry-migrate-dialog.c — where to, how, and will it work: before a migration
 *
 * Opens on a drop (destination chosen) or from "Migrate…" (the user picks
 * it). For the destination it runs the core's pre-flight checks of every
 * VM and lists what they found; it measures the first running VM's
 * dirty-page rate and forecasts whether pre-copy converges at the chosen
 * bandwidth, recommending a preset when it won't. "Migrate" queues one
 * job per VM with the options shown.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "ferry-migrate-dialog.h"

/* Without a cap, the forecast assumes a 1 Gbit/s migration network. */
#define ASSUMED_LINK_MIB 119
#define MEASURE_SECONDS 1

struct _FerryMigrateDialog
{
  AdwWindow              parent_instance;

  FerrySession          *session;
  GSettings             *settings;      /* NULL: no schema installed */
  GPtrArray             *vms;             /* FerryVm */
  GPtrArray             *destinations;    /* FerryNode, as in destination_row */
  GPtrArray             *preflights;      /* FerryPreflight of the current destination */
  guint                  pending;         /* checks still running */
  GCancellable          *check_cancellable;
  GCancellable          *cancellable;
  FerryMigrationOptions *options;
  gboolean               live;
  gboolean               updating;
  double                 dirty_rate;      /* bytes/s, -1 unknown */
  gboolean               measuring;
  FerryMigrationAdvice   advice;

  /* template */
  GtkWidget             *migrate_button;
  AdwActionRow          *vms_row;
  AdwComboRow           *destination_row;
  AdwActionRow          *mode_row;
  GtkListBox            *checks_list;
  GtkSpinner            *checks_spinner;
  GtkWidget             *measure_button;
  AdwActionRow          *forecast_row;
  GtkWidget             *recommend_button;
  AdwComboRow           *preset_row;
  AdwComboRow           *storage_row;
  GtkSpinButton         *bandwidth_spin;
  GtkSpinButton         *downtime_spin;
  GtkSwitch             *autoconverge_switch;
  GtkSwitch             *postcopy_switch;
  GtkSwitch             *postcopy_after_switch;
  GtkSpinButton         *parallel_spin;
  GtkSwitch             *compress_switch;
  GtkSwitch             *persistent_switch;
  GtkSwitch             *p2p_switch;
  GtkSwitch             *tunnel_switch;
  GtkCheckButton        *dont_ask_check;
  GtkLabel              *status_label;
};

G_DEFINE_FINAL_TYPE (FerryMigrateDialog, ferry_migrate_dialog, ADW_TYPE_WINDOW)

static void update_forecast (FerryMigrateDialog *self);

/* ---------------------------------------------------------------------- */
/* Options <-> widgets                                                     */

static void
options_to_widgets (FerryMigrateDialog *self)
{
  const FerryMigrationOptions *o = self->options;

  self->updating = TRUE;
  adw_combo_row_set_selected (self->preset_row, ferry_migration_options_get_preset (o));
  adw_combo_row_set_selected (self->storage_row, o->storage);
  gtk_spin_button_set_value (self->bandwidth_spin, (double) o->bandwidth_mib);
  gtk_spin_button_set_value (self->downtime_spin, o->max_downtime_ms);
  gtk_switch_set_active (self->autoconverge_switch, o->auto_converge);
  gtk_switch_set_active (self->postcopy_switch, o->postcopy);
  gtk_switch_set_active (self->postcopy_after_switch, o->postcopy_after_precopy);
  gtk_spin_button_set_value (self->parallel_spin, MAX (o->parallel_connections, 1));
  gtk_switch_set_active (self->compress_switch, o->compress);
  gtk_switch_set_active (self->persistent_switch, o->persistent);
  gtk_switch_set_active (self->p2p_switch, o->peer_to_peer);
  gtk_switch_set_active (self->tunnel_switch, o->tunnelled);
  self->updating = FALSE;

  /* Tunables of a live migration only. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->downtime_spin), self->live);
  gtk_widget_set_sensitive (GTK_WIDGET (self->autoconverge_switch), self->live);
  gtk_widget_set_sensitive (GTK_WIDGET (self->postcopy_switch), self->live);
  gtk_widget_set_sensitive (GTK_WIDGET (self->postcopy_after_switch), self->live && o->postcopy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->parallel_spin), self->live && !o->tunnelled);
  gtk_widget_set_sensitive (GTK_WIDGET (self->compress_switch), self->live);
  gtk_widget_set_sensitive (GTK_WIDGET (self->bandwidth_spin), self->live);
  gtk_widget_set_sensitive (GTK_WIDGET (self->preset_row), self->live);
  gtk_widget_set_sensitive (GTK_WIDGET (self->p2p_switch), self->live && !o->tunnelled);
  gtk_widget_set_sensitive (GTK_WIDGET (self->tunnel_switch), self->live);
}

static void
widgets_to_options (FerryMigrateDialog *self)
{
  FerryMigrationOptions *o = self->options;

  o->storage = adw_combo_row_get_selected (self->storage_row);
  o->bandwidth_mib = (guint64) gtk_spin_button_get_value_as_int (self->bandwidth_spin);
  o->max_downtime_ms = (guint) gtk_spin_button_get_value_as_int (self->downtime_spin);
  o->auto_converge = gtk_switch_get_active (self->autoconverge_switch);
  o->postcopy = gtk_switch_get_active (self->postcopy_switch);
  o->postcopy_after_precopy = o->postcopy && gtk_switch_get_active (self->postcopy_after_switch);
  o->parallel_connections = (guint) gtk_spin_button_get_value_as_int (self->parallel_spin);
  if (o->parallel_connections <= 1)
    o->parallel_connections = 0;
  o->compress = gtk_switch_get_active (self->compress_switch);
  o->persistent = gtk_switch_get_active (self->persistent_switch);
  o->tunnelled = gtk_switch_get_active (self->tunnel_switch);
  /* A tunnel is peer-to-peer by nature. */
  o->peer_to_peer = gtk_switch_get_active (self->p2p_switch) || o->tunnelled;
}

static gboolean
all_checks_pass (FerryMigrateDialog *self)
{
  if (self->pending > 0 || self->preflights->len == 0)
    return FALSE;
  for (guint i = 0; i < self->preflights->len; i++)
    if (!ferry_preflight_get_allowed (g_ptr_array_index (self->preflights, i)))
      return FALSE;
  return TRUE;
}

static void
update_ready (FerryMigrateDialog *self)
{
  g_autoptr(GError) error = NULL;
  gboolean valid = ferry_migration_options_validate (self->options, &error);

  gtk_widget_set_visible (GTK_WIDGET (self->status_label), !valid);
  if (!valid)
    gtk_label_set_text (self->status_label, error->message);
  gtk_widget_set_sensitive (self->migrate_button, valid && all_checks_pass (self));
}

static void
options_changed_cb (FerryMigrateDialog *self)
{
  if (self->updating)
    return;
  widgets_to_options (self);
  options_to_widgets (self);
  update_forecast (self);
  update_ready (self);
}

static void
preset_changed_cb (FerryMigrateDialog *self)
{
  guint preset = adw_combo_row_get_selected (self->preset_row);

  if (self->updating || preset == FERRY_MIGRATION_PRESET_CUSTOM)
    return;
  ferry_migration_options_apply_preset (self->options, preset);
  options_to_widgets (self);
  update_forecast (self);
  update_ready (self);
}

/* ---------------------------------------------------------------------- */
/* Forecast                                                                */

static guint64
vm_memory (FerryMigrateDialog *self,
           FerryVm            *vm)
{
  for (guint i = 0; i < self->preflights->len; i++)
    {
      FerryPreflight *p = g_ptr_array_index (self->preflights, i);

      if (ferry_preflight_get_vm (p) == vm && ferry_preflight_get_vm_memory (p) > 0)
        return ferry_preflight_get_vm_memory (p);
    }
  return ferry_vm_get_memory (vm);
}

static FerryVm *
first_live_vm (FerryMigrateDialog *self)
{
  for (guint i = 0; i < self->vms->len; i++)
    {
      FerryVm *vm = g_ptr_array_index (self->vms, i);

      if (ferry_vm_state_is_active (ferry_vm_get_state (vm)))
        return vm;
    }
  return NULL;
}

static void
update_forecast (FerryMigrateDialog *self)
{
  FerryMigrationForecast f = { 0 };
  FerryVm *vm = first_live_vm (self);
  g_autofree char *text = NULL;
  g_autofree char *advice = NULL;

  gtk_widget_set_visible (self->recommend_button, FALSE);
  if (vm == NULL)
    {
      adw_action_row_set_subtitle (self->forecast_row,
                                   _("Shut off: only the definition (and, if asked, the disks) moves."));
      gtk_widget_set_sensitive (self->measure_button, FALSE);
      return;
    }
  gtk_widget_set_sensitive (self->measure_button, !self->measuring);
  if (self->measuring)
    {
      adw_action_row_set_subtitle (self->forecast_row, _("Measuring how fast the VM writes its memory…"));
      return;
    }
  if (self->dirty_rate < 0)
    {
      adw_action_row_set_subtitle (self->forecast_row, _("Could not measure how fast the VM writes its memory."));
      return;
    }

  f.memory_bytes = vm_memory (self, vm);
  f.dirty_bytes_per_s = self->dirty_rate;
  f.bandwidth_bytes_per_s = (self->options->bandwidth_mib > 0 ? self->options->bandwidth_mib
                                                               : ASSUMED_LINK_MIB) * 1024.0 * 1024.0;
  f.max_downtime_ms = self->options->max_downtime_ms;
  ferry_migration_forecast_compute (&f);
  self->advice = f.advice;
  text = ferry_migration_forecast_describe (&f);

  if (self->options->postcopy_after_precopy && !f.converges)
    advice = g_strdup (_("Post-copy will end it after the first pass."));
  else if (f.advice == FERRY_MIGRATION_ADVICE_POSTCOPY && !self->options->postcopy)
    advice = g_strdup (_("Recommended: the “Busy VM” preset (post-copy after the first pass, auto-converge)."));
  else if (f.advice == FERRY_MIGRATION_ADVICE_AUTO_CONVERGE && !self->options->auto_converge)
    advice = g_strdup (_("Recommended: auto-converge or the “Busy VM” preset."));

  {
    g_autofree char *full = NULL;
    g_autofree char *rate = g_strdup_printf (_("Writes %.1f MiB/s of its %.0f MiB"),
                                             self->dirty_rate / (1024.0 * 1024.0),
                                             f.memory_bytes / (1024.0 * 1024.0));
    g_autofree char *link = self->options->bandwidth_mib > 0 ? NULL
                          : g_strdup_printf (_("(assuming a 1 Gbit/s link)"));

    full = g_strdup_printf ("%s %s. %s%s%s", rate, link != NULL ? link : "", text,
                            advice != NULL ? " " : "", advice != NULL ? advice : "");
    adw_action_row_set_subtitle (self->forecast_row, full);
  }
  gtk_widget_set_visible (self->recommend_button,
                          advice != NULL && ferry_migration_options_get_preset (self->options) !=
                                            FERRY_MIGRATION_PRESET_BUSY);
}

static void
measure_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(FerryMigrateDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  double rate;

  rate = ferry_vm_measure_dirty_rate_finish (FERRY_VM (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->measuring = FALSE;
  self->dirty_rate = error != NULL ? -1 : rate;
  if (error != NULL)
    g_message ("%s", error->message);
  update_forecast (self);
}

static void
measure_clicked_cb (FerryMigrateDialog *self)
{
  FerryVm *vm = first_live_vm (self);

  if (vm == NULL || self->measuring)
    return;
  self->measuring = TRUE;
  update_forecast (self);
  ferry_vm_measure_dirty_rate_async (vm, MEASURE_SECONDS, self->cancellable, measure_done, g_object_ref (self));
}

static void
recommend_clicked_cb (FerryMigrateDialog *self)
{
  ferry_migration_options_apply_preset (self->options, FERRY_MIGRATION_PRESET_BUSY);
  options_to_widgets (self);
  update_forecast (self);
  update_ready (self);
}

/* ---------------------------------------------------------------------- */
/* Checks                                                                  */

/* @severity names the icon for screen readers; NULL when the text says
 * it all. */
static GtkWidget *
check_row (const char *icon,
           const char *css,
           const char *severity,
           const char *text)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *image = g_object_new (GTK_TYPE_IMAGE,
                                   "icon-name", icon,
                                   "accessible-role", severity ? GTK_ACCESSIBLE_ROLE_IMG
                                                               : GTK_ACCESSIBLE_ROLE_PRESENTATION,
                                   NULL);

  /* Messages name hosts and VMs: never markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), text);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 4);
  if (css != NULL)
    gtk_widget_add_css_class (image, css);
  if (severity != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (image), GTK_ACCESSIBLE_PROPERTY_LABEL, severity, -1);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), image);
  return row;
}

static void
show_checks (FerryMigrateDialog *self)
{
  GtkWidget *child;
  gboolean any_problem = FALSE;
  gboolean needs_copy = FALSE;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->checks_list))) != NULL)
    gtk_list_box_remove (self->checks_list, child);

  gtk_spinner_set_spinning (self->checks_spinner, self->pending > 0);
  if (self->pending > 0)
    {
      gtk_list_box_append (self->checks_list, check_row ("content-loading-symbolic", "dim-label", NULL,
                                                         _("Checking the destination…")));
      update_ready (self);
      return;
    }

  for (guint i = 0; i < self->preflights->len; i++)
    {
      FerryPreflight *p = g_ptr_array_index (self->preflights, i);
      const char *name = ferry_vm_get_name (ferry_preflight_get_vm (p));

      needs_copy |= ferry_preflight_get_needs_storage_copy (p);
      for (guint j = 0; j < ferry_preflight_get_n_items (p); j++)
        {
          const FerryPreflightItem *item = ferry_preflight_get_item (p, j);
          g_autofree char *text = self->vms->len > 1 ? g_strdup_printf ("%s: %s", name, item->message)
                                                     : g_strdup (item->message);
          const char *icon = item->severity == FERRY_PREFLIGHT_BLOCKER ? "dialog-error-symbolic"
                           : item->severity == FERRY_PREFLIGHT_WARNING ? "dialog-warning-symbolic"
                           : "dialog-information-symbolic";
          const char *css = item->severity == FERRY_PREFLIGHT_BLOCKER ? "error"
                          : item->severity == FERRY_PREFLIGHT_WARNING ? "warning" : NULL;
          const char *severity = item->severity == FERRY_PREFLIGHT_BLOCKER ? _("Blocks the migration")
                               : item->severity == FERRY_PREFLIGHT_WARNING ? _("Warning") : _("Note");

          gtk_list_box_append (self->checks_list, check_row (icon, css, severity, text));
          any_problem = TRUE;
        }
    }
  if (!any_problem)
    gtk_list_box_append (self->checks_list,
                         check_row ("emblem-ok-symbolic", "success", NULL,
                                    _("Reachable, enough memory, compatible CPU, storage and networks "
                                      "present, no name clash")));

  /* Disks the destination cannot see: copy them unless the user chose. */
  if (needs_copy && self->options->storage == FERRY_MIGRATION_STORAGE_SHARED)
    {
      self->options->storage = FERRY_MIGRATION_STORAGE_COPY_ALL;
      options_to_widgets (self);
    }
  update_forecast (self);
  update_ready (self);
}

typedef struct
{
  FerryMigrateDialog *self;
  GCancellable       *cancellable;
} CheckData;

static void
check_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  CheckData *data = user_data;
  FerryMigrateDialog *self = data->self;
  g_autoptr(FerryPreflight) preflight = ferry_preflight_run_finish (result, NULL);

  /* An answer for a destination no longer chosen is dropped. */
  if (!g_cancellable_is_cancelled (data->cancellable) && preflight != NULL)
    {
      g_ptr_array_add (self->preflights, g_steal_pointer (&preflight));
      self->pending--;
      show_checks (self);
    }
  g_object_unref (data->cancellable);
  g_object_unref (data->self);
  g_free (data);
}

static void
run_checks (FerryMigrateDialog *self)
{
  FerryNode *destination = ferry_migrate_dialog_get_destination (self);

  g_cancellable_cancel (self->check_cancellable);
  g_clear_object (&self->check_cancellable);
  g_ptr_array_set_size (self->preflights, 0);
  self->pending = 0;
  if (destination == NULL)
    {
      show_checks (self);
      return;
    }

  self->check_cancellable = g_cancellable_new ();
  for (guint i = 0; i < self->vms->len; i++)
    {
      CheckData *data = g_new0 (CheckData, 1);

      data->self = g_object_ref (self);
      data->cancellable = g_object_ref (self->check_cancellable);
      self->pending++;
      ferry_preflight_run_async (g_ptr_array_index (self->vms, i), destination, self->check_cancellable,
                                 check_done, data);
    }
  show_checks (self);
}

static void
destination_changed_cb (FerryMigrateDialog *self)
{
  FerryNode *destination = ferry_migrate_dialog_get_destination (self);

  if (self->updating)
    return;
  if (destination != NULL)
    {
      g_autofree char *title = g_strdup_printf (ngettext ("Migrate to %s", "Migrate to %s", self->vms->len),
                                                ferry_node_get_name (destination));

      gtk_window_set_title (GTK_WINDOW (self), title);
    }
  run_checks (self);
}

/* ---------------------------------------------------------------------- */

static void
migrate_clicked_cb (FerryMigrateDialog *self)
{
  FerryNode *destination = ferry_migrate_dialog_get_destination (self);
  GSettings *settings = self->settings;
  g_autoptr(GString) errors = g_string_new (NULL);

  if (destination == NULL || !all_checks_pass (self))
    return;
  widgets_to_options (self);

  for (guint i = 0; i < self->vms->len; i++)
    {
      FerryVm *vm = g_ptr_array_index (self->vms, i);
      g_autoptr(FerryMigrationOptions) options = ferry_migration_options_copy (self->options);
      g_autoptr(GError) error = NULL;

      if (!ferry_vm_state_is_active (ferry_vm_get_state (vm)))
        {
          /* Shut off: the tunables of a live migration do not apply. */
          g_autoptr(FerryMigrationOptions) offline = ferry_migration_options_new (FERRY_MIGRATION_PRESET_DEFAULT);

          offline->live = FALSE;
          offline->storage = options->storage;
          offline->persistent = options->persistent;
          *options = *offline;
        }
      else
        options->live = TRUE;
      if (!ferry_session_migrate (self->session, vm, destination, options, &error))
        g_string_append_printf (errors, "%s\n", error->message);
    }

  if (settings != NULL && gtk_check_button_get_active (self->dont_ask_check))
    g_settings_set_boolean (settings, "confirm-live-migration", FALSE);

  if (errors->len > 0)
    {
      gtk_label_set_text (self->status_label, g_strstrip (errors->str));
      gtk_widget_set_visible (GTK_WIDGET (self->status_label), TRUE);
      gtk_widget_set_sensitive (self->migrate_button, FALSE);
      return;
    }
  gtk_window_destroy (GTK_WINDOW (self));
}

FerryNode *
ferry_migrate_dialog_get_destination (FerryMigrateDialog *self)
{
  guint selected;

  g_return_val_if_fail (FERRY_IS_MIGRATE_DIALOG (self), NULL);

  selected = adw_combo_row_get_selected (self->destination_row);
  if (selected == GTK_INVALID_LIST_POSITION || selected >= self->destinations->len)
    return NULL;
  return g_ptr_array_index (self->destinations, selected);
}

gboolean
ferry_migrate_dialog_get_ready (FerryMigrateDialog *self)
{
  g_return_val_if_fail (FERRY_IS_MIGRATE_DIALOG (self), FALSE);
  return gtk_widget_get_sensitive (self->migrate_button);
}

FerryMigrateDialog *
ferry_migrate_dialog_new (FerrySession     *session,
                          GSettings        *settings,
                          GtkWindow        *parent,
                          GPtrArray        *vms,
                          FerryNode        *destination)
{
  FerryMigrateDialog *self;
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  g_autoptr(GString) list = g_string_new (NULL);
  g_autoptr(FerryMigrationOptions) defaults = NULL;
  GListModel *nodes;
  FerryNode *common_source = NULL;
  guint preselect = GTK_INVALID_LIST_POSITION;
  gboolean any_live = FALSE, any_off = FALSE;

  g_return_val_if_fail (FERRY_IS_SESSION (session), NULL);
  g_return_val_if_fail (vms != NULL && vms->len > 0, NULL);

  self = g_object_new (FERRY_TYPE_MIGRATE_DIALOG, "transient-for", parent, NULL);
  self->session = g_object_ref (session);
  g_set_object (&self->settings, settings);
  for (guint i = 0; i < vms->len; i++)
    {
      FerryVm *vm = g_ptr_array_index (vms, i);
      gboolean live = ferry_vm_state_is_active (ferry_vm_get_state (vm));

      g_ptr_array_add (self->vms, g_object_ref (vm));
      if (list->len > 0)
        g_string_append (list, ", ");
      g_string_append (list, ferry_vm_get_name (vm));
      any_live |= live;
      any_off |= !live;
      common_source = i == 0 ? ferry_vm_get_node (vm)
                    : ferry_vm_get_node (vm) == common_source ? common_source : NULL;
    }
  if (common_source != NULL)
    {
      g_autofree char *subtitle = g_strdup_printf (_("%s, from %s"), list->str,
                                                   ferry_node_get_name (common_source));

      adw_action_row_set_subtitle (self->vms_row, subtitle);
    }
  else
    adw_action_row_set_subtitle (self->vms_row, list->str);

  self->live = any_live;
  adw_action_row_set_subtitle (self->mode_row,
                               any_live && any_off ? _("Live for running VMs, offline for shut-off ones")
                               : any_live ? _("Live: the VM keeps running while it moves")
                               : _("Offline: the VM is shut off; its definition moves"));

  defaults = ferry_session_dup_migration_defaults (session, any_live);
  *self->options = *defaults;
  options_to_widgets (self);

  /* Destinations: every host but the one they are all on. */
  nodes = ferry_inventory_get_nodes (ferry_session_get_inventory (session));
  for (guint i = 0; i < g_list_model_get_n_items (nodes); i++)
    {
      g_autoptr(FerryNode) node = g_list_model_get_item (nodes, i);

      if (node == common_source)
        continue;
      if (node == destination)
        preselect = self->destinations->len;
      g_ptr_array_add (self->destinations, g_object_ref (node));
      gtk_string_list_append (names, ferry_node_get_name (node));
    }
  self->updating = TRUE;
  adw_combo_row_set_model (self->destination_row, G_LIST_MODEL (names));
  self->updating = FALSE;
  adw_combo_row_set_selected (self->destination_row,
                              preselect != GTK_INVALID_LIST_POSITION ? preselect : 0);
  destination_changed_cb (self);

  if (any_live)
    measure_clicked_cb (self);
  else
    update_forecast (self);
  return self;
}

static void
ferry_migrate_dialog_dispose (GObject *object)
{
  FerryMigrateDialog *self = FERRY_MIGRATE_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  if (self->check_cancellable != NULL)
    g_cancellable_cancel (self->check_cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), FERRY_TYPE_MIGRATE_DIALOG);

  G_OBJECT_CLASS (ferry_migrate_dialog_parent_class)->dispose (object);
}

static void
ferry_migrate_dialog_finalize (GObject *object)
{
  FerryMigrateDialog *self = FERRY_MIGRATE_DIALOG (object);

  g_clear_object (&self->session);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->check_cancellable);
  g_ptr_array_unref (self->vms);
  g_ptr_array_unref (self->destinations);
  g_ptr_array_unref (self->preflights);
  ferry_migration_options_free (self->options);

  G_OBJECT_CLASS (ferry_migrate_dialog_parent_class)->finalize (object);
}

static void
ferry_migrate_dialog_class_init (FerryMigrateDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ferry_migrate_dialog_dispose;
  object_class->finalize = ferry_migrate_dialog_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/ferryvm/Ferry/ferry-migrate-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, FerryMigrateDialog, migrate_button);
  gtk_widget_class_bind_template_child (widget_class, FerryMigrateDialog, vms_row);
  gtk_widget_class_bind_template_child (widget_class, FerryMigrateDialog, destination_row);
  gtk_widget_class_bind_template_child (widget_class, FerryMigrateDialog, mode_row);
  gtk_widget_class_bind_template_child (widget_class, FerryMigrateDialog, checks_list);
  gtk_widget_class_bind_template_child (widget_class, FerryMigrateDialog, checks_spinner);
  gtk_widget_class_bind_template_child (widget_class, FerryMigrateDialog, measure_button);
  gtk_widget_class_bind_template_child (widget_class, FerryMigrateDialog, forecast_row);
  gtk_widget_class_bind_template_child (widget_class, FerryMigrateDialog, recommend_button);
  gtk_widget_class_bind_template_child (widget_class, FerryMigrateDialog, preset_row);
  gtk_widget_class_bind_template_child (widget_class, FerryMigrateDialog, storage_row);
  gtk_widget_class_bind_template_child (widget_class, FerryMigrateDialog, bandwidth_spin);
  gtk_widget_class_bind_template_child (widget_class, FerryMigrateDialog, downtime_spin);
  gtk_widget_class_bind_template_child (widget_class, FerryMigrateDialog, autoconverge_switch);
  gtk_widget_class_bind_template_child (widget_class, FerryMigrateDialog, postcopy_switch);
  gtk_widget_class_bind_template_child (widget_class, FerryMigrateDialog, postcopy_after_switch);
  gtk_widget_class_bind_template_child (widget_class, FerryMigrateDialog, parallel_spin);
  gtk_widget_class_bind_template_child (widget_class, FerryMigrateDialog, compress_switch);
  gtk_widget_class_bind_template_child (widget_class, FerryMigrateDialog, persistent_switch);
  gtk_widget_class_bind_template_child (widget_class, FerryMigrateDialog, p2p_switch);
  gtk_widget_class_bind_template_child (widget_class, FerryMigrateDialog, tunnel_switch);
  gtk_widget_class_bind_template_child (widget_class, FerryMigrateDialog, dont_ask_check);
  gtk_widget_class_bind_template_child (widget_class, FerryMigrateDialog, status_label);
  gtk_widget_class_bind_template_callback (widget_class, migrate_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, destination_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, options_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, preset_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, measure_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, recommend_clicked_cb);
  /* Like Ferry's other dialogs: Escape cancels (AdwWindow does not). */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
ferry_migrate_dialog_init (FerryMigrateDialog *self)
{
  self->vms = g_ptr_array_new_with_free_func (g_object_unref);
  self->destinations = g_ptr_array_new_with_free_func (g_object_unref);
  self->preflights = g_ptr_array_new_with_free_func (g_object_unref);
  self->cancellable = g_cancellable_new ();
  self->options = ferry_migration_options_new (FERRY_MIGRATION_PRESET_DEFAULT);
  self->dirty_rate = -1;
  gtk_widget_init_template (GTK_WIDGET (self));
  /* For tests: choose the destination as a user would. */
  g_object_set_data (G_OBJECT (self), "destination-row", self->destination_row);
}
