/* ferry-preferences-window.c — what an administrator may set once
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "ferry-preferences-window.h"

struct _FerryPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;
  AdwComboRow          *style_row;
  AdwActionRow         *interval_row;
  GtkSpinButton        *interval_spin;
  AdwComboRow          *preset_row;
  GtkSpinButton        *bandwidth_spin;
  GtkSpinButton        *limit_spin;
  GtkSwitch            *confirm_switch;
  GtkSwitch            *console_scale_switch;
  AdwComboRow          *release_row;
};

G_DEFINE_FINAL_TYPE (FerryPreferencesWindow, ferry_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* Enum keys ↔ a combo row's position, in the order of these nicks. */
static const char *styles[] = { "system", "light", "dark", NULL };
static const char *presets[] = { "default", "fast", "busy", NULL };
static const char *release_keys[] = { "ctrl-alt", "ctrl-alt-shift", "shift-f12", NULL };

static gboolean
nick_to_index (GValue   *value,
               GVariant *variant,
               gpointer  user_data)
{
  const char * const *nicks = user_data;
  const char *nick = g_variant_get_string (variant, NULL);

  for (guint i = 0; nicks[i] != NULL; i++)
    if (g_strcmp0 (nick, nicks[i]) == 0)
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  g_value_set_uint (value, 0);
  return TRUE;
}

static GVariant *
index_to_nick (const GValue       *value,
               const GVariantType *expected_type,
               gpointer            user_data)
{
  const char * const *nicks = user_data;
  guint i = g_value_get_uint (value);

  return g_variant_new_string (i < g_strv_length ((char **) nicks) ? nicks[i] : nicks[0]);
}

GtkWidget *
ferry_preferences_window_new (GSettings *settings)
{
  FerryPreferencesWindow *self = g_object_new (FERRY_TYPE_PREFERENCES_WINDOW, NULL);

  if (settings != NULL)
    {
      self->settings = g_object_ref (settings);
      g_settings_bind_with_mapping (settings, "style-variant", self->style_row, "selected",
                                    G_SETTINGS_BIND_DEFAULT, nick_to_index, index_to_nick, styles, NULL);
      g_settings_bind_with_mapping (settings, "migration-preset", self->preset_row, "selected",
                                    G_SETTINGS_BIND_DEFAULT, nick_to_index, index_to_nick, presets, NULL);
      g_settings_bind (settings, "migration-bandwidth", gtk_spin_button_get_adjustment (self->bandwidth_spin),
                       "value", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (settings, "migration-limit", gtk_spin_button_get_adjustment (self->limit_spin),
                       "value", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (settings, "confirm-live-migration", self->confirm_switch, "active",
                       G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (settings, "console-scale", self->console_scale_switch, "active",
                       G_SETTINGS_BIND_DEFAULT);
      g_settings_bind_with_mapping (settings, "console-release-keys", self->release_row, "selected",
                                    G_SETTINGS_BIND_DEFAULT, nick_to_index, index_to_nick, release_keys, NULL);
      g_settings_bind (settings, "refresh-interval", gtk_spin_button_get_adjustment (self->interval_spin),
                       "value", G_SETTINGS_BIND_DEFAULT);
    }
  else
    {
      gtk_widget_set_sensitive (GTK_WIDGET (self->style_row), FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->interval_row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->style_row),
                                   _("Settings are not installed: run Ferry from an installed build"));
    }
  return GTK_WIDGET (self);
}

static void
ferry_preferences_window_dispose (GObject *object)
{
  FerryPreferencesWindow *self = FERRY_PREFERENCES_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), FERRY_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (ferry_preferences_window_parent_class)->dispose (object);
}

static void
ferry_preferences_window_class_init (FerryPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ferry_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/ferryvm/Ferry/ferry-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, FerryPreferencesWindow, style_row);
  gtk_widget_class_bind_template_child (widget_class, FerryPreferencesWindow, interval_row);
  gtk_widget_class_bind_template_child (widget_class, FerryPreferencesWindow, interval_spin);
  gtk_widget_class_bind_template_child (widget_class, FerryPreferencesWindow, preset_row);
  gtk_widget_class_bind_template_child (widget_class, FerryPreferencesWindow, bandwidth_spin);
  gtk_widget_class_bind_template_child (widget_class, FerryPreferencesWindow, limit_spin);
  gtk_widget_class_bind_template_child (widget_class, FerryPreferencesWindow, confirm_switch);
  gtk_widget_class_bind_template_child (widget_class, FerryPreferencesWindow, console_scale_switch);
  gtk_widget_class_bind_template_child (widget_class, FerryPreferencesWindow, release_row);
}

static void
ferry_preferences_window_init (FerryPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
