/* ferry-application.c — the application: windows, actions, settings glue around the session
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "ferry-a11y.h"
#include "ferry-application.h"
#include "ferry-console-page.h"
#include "ferry-console-window.h"
#include "ferry-credentials-dialog.h"
#include "ferry-import-dialog.h"
#include "ferry-preferences-window.h"
#include "ferry-window.h"

/* The schema keeps the base ID in .Devel builds too. */
#define SETTINGS_SCHEMA "io.github.ferryvm.Ferry"

struct _FerryApplication
{
  AdwApplication  parent_instance;

  FerrySession   *session;
  GSettings      *settings;
  char           *startup_message;
};

G_DEFINE_FINAL_TYPE (FerryApplication, ferry_application, ADW_TYPE_APPLICATION)

static const GOptionEntry option_entries[] = {
  { "connect", 'c', 0, G_OPTION_ARG_STRING_ARRAY, NULL,
    N_("Connect to a libvirt URI for this session only, without using saved connections "
       "(repeat for several hosts)"),
    N_("URI") },
  { "console", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Open only the console of a virtual machine: ferry --console URI NAME|UUID"), NULL },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Show the version and exit"), NULL },
  { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, NULL, NULL, N_("[URI NAME|UUID]") },
  { NULL }
};

FerryApplication *
ferry_application_new (void)
{
  return g_object_new (FERRY_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_COMMAND_LINE,
                       "resource-base-path", "/io/github/ferryvm/Ferry",
                       NULL);
}

FerrySession *
ferry_application_get_session (FerryApplication *self)
{
  g_return_val_if_fail (FERRY_IS_APPLICATION (self), NULL);
  return self->session;
}

GSettings *
ferry_application_get_settings (FerryApplication *self)
{
  g_return_val_if_fail (FERRY_IS_APPLICATION (self), NULL);
  return self->settings;
}

/* A migration ended: a toast in the window, and the desktop is told when
 * nobody is looking. */
static void
migration_finished (FerrySession     *session,
                    FerryMigration   *migration,
                    FerryApplication *self)
{
  GtkWindow *window;
  g_autofree char *text = NULL;
  g_autofree char *title = NULL;

  switch (ferry_migration_get_state (migration))
    {
    case FERRY_MIGRATION_COMPLETED:
      title = g_strdup_printf (_("“%s” moved to %s"), ferry_migration_get_vm_name (migration),
                               ferry_node_get_name (ferry_migration_get_destination (migration)));
      break;
    case FERRY_MIGRATION_CANCELLED:
      title = g_strdup_printf (_("Migration of “%s” cancelled"), ferry_migration_get_vm_name (migration));
      break;
    case FERRY_MIGRATION_FAILED:
    default:
      title = g_strdup_printf (_("Migration of “%s” failed"), ferry_migration_get_vm_name (migration));
      break;
    }
  text = ferry_migration_describe_progress (migration);

  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (FERRY_IS_WINDOW (window))
    {
      g_autofree char *message = g_strdup_printf ("%s: %s", title, text);

      ferry_window_show_message (FERRY_WINDOW (window), message);
    }
  if (window == NULL || !gtk_window_is_active (window))
    {
      g_autoptr(GNotification) notification = g_notification_new (title);
      g_autofree char *id = g_strdup_printf ("migration-%s", ferry_vm_get_uuid (ferry_migration_get_vm (migration)));

      g_notification_set_body (notification, text);
      g_application_send_notification (G_APPLICATION (self), id, notification);
    }
}

static FerryWindow *
ensure_window (FerryApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    {
      window = GTK_WINDOW (ferry_window_new (GTK_APPLICATION (self), self->session, self->settings));
      if (self->startup_message != NULL)
        ferry_window_show_message (FERRY_WINDOW (window), self->startup_message);
    }
  return FERRY_WINDOW (window);
}

/* ------------------------------------------------------------------------ */
/* The standalone console viewer: ferry --console URI NAME|UUID              */

typedef struct
{
  FerryConsoleWindow *window;   /* weak */
  FerryNode          *node;
  char               *vm;
} ConsoleWait;

static void
console_wait_free (gpointer data)
{
  ConsoleWait *wait = data;

  g_clear_weak_pointer (&wait->window);
  g_clear_object (&wait->node);
  g_free (wait->vm);
  g_free (wait);
}

static void
console_wait_notify (gpointer  data,
                     GClosure *closure)
{
  console_wait_free (data);
}

static FerryVm *
find_vm (FerryNode  *node,
         const char *name_or_uuid)
{
  GListModel *vms = ferry_node_get_vms (node);

  for (guint i = 0; i < g_list_model_get_n_items (vms); i++)
    {
      g_autoptr(FerryVm) vm = g_list_model_get_item (vms, i);

      if (g_strcmp0 (ferry_vm_get_name (vm), name_or_uuid) == 0 ||
          g_ascii_strcasecmp (ferry_vm_get_uuid (vm), name_or_uuid) == 0)
        return vm;
    }
  return NULL;
}

static void
console_node_state (FerryNode   *node,
                    GParamSpec  *pspec,
                    ConsoleWait *wait)
{
  g_autofree char *text = NULL;
  FerryVm *vm;

  if (wait->window == NULL || ferry_console_window_get_page (wait->window) != NULL)
    return;

  switch (ferry_node_get_state (node))
    {
    case FERRY_NODE_STATE_CONNECTED:
      vm = find_vm (node, wait->vm);
      if (vm == NULL)
        {
          text = g_strdup_printf (_("There is no virtual machine “%s” on %s."), wait->vm, ferry_node_get_uri (node));
          ferry_console_window_set_message (wait->window, text);
          return;
        }
      ferry_console_window_set_page (wait->window, FERRY_CONSOLE_PAGE (ferry_console_page_new (vm)));
      return;
    case FERRY_NODE_STATE_UNREACHABLE:
    case FERRY_NODE_STATE_AUTH_FAILED:
      text = g_strdup_printf (_("%s: %s (still trying)"), ferry_node_get_uri (node),
                              ferry_node_get_error (node) ? ferry_node_get_error (node) : "");
      ferry_console_window_set_message (wait->window, text);
      return;
    case FERRY_NODE_STATE_CONNECTING:
    case FERRY_NODE_STATE_DISCONNECTED:
    default:
      return;
    }
}

static int
open_console_viewer (FerryApplication        *self,
                     GApplicationCommandLine *cmdline,
                     const char * const      *args)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *waiting = NULL;
  FerryNode *node;
  ConsoleWait *wait;

  if (args == NULL || args[0] == NULL)
    {
      /* From the desktop entry's action, with nothing to open yet. */
      FerryConsoleWindow *window =
        ferry_console_window_new_waiting (GTK_APPLICATION (self),
                                          _("Open a virtual machine's console from Ferry's main window "
                                            "(Ctrl+Shift+C), or start this viewer with a host and a machine: "
                                            "ferry --console qemu+ssh://root@host/system web-01"));
      gtk_window_present (GTK_WINDOW (window));
      return 0;
    }
  if (g_strv_length ((char **) args) != 2)
    {
      g_application_command_line_printerr (cmdline, "%s\n",
                                           _("ferry: usage: ferry --console URI NAME|UUID "
                                             "(for example: ferry --console qemu+ssh://root@host/system web-01)"));
      return 2;
    }
  if (!ferry_uri_validate (args[0], &error))
    {
      g_application_command_line_printerr (cmdline, _("ferry: %s: %s\n"), args[0], error->message);
      return 1;
    }

  /* A viewer of its own saves nothing; beside a main window, its host is
   * not added to the saved connections either. */
  ferry_session_start (self->session, FALSE);
  node = ferry_session_connect_unsaved (self->session, args[0]);

  waiting = g_strdup_printf (_("Connecting to %s…"), args[0]);
  wait = g_new0 (ConsoleWait, 1);
  g_set_weak_pointer (&wait->window, ferry_console_window_new_waiting (GTK_APPLICATION (self), waiting));
  wait->node = g_object_ref (node);
  wait->vm = g_strdup (args[1]);
  g_signal_connect_data (node, "notify::state", G_CALLBACK (console_node_state), wait,
                         console_wait_notify, 0);
  console_node_state (node, NULL, wait);
  gtk_window_present (GTK_WINDOW (wait->window));
  return 0;
}

static int
ferry_application_command_line (GApplication            *app,
                                GApplicationCommandLine *cmdline)
{
  FerryApplication *self = FERRY_APPLICATION (app);
  GVariantDict *options = g_application_command_line_get_options_dict (cmdline);
  g_autofree const char **uris = NULL;
  g_autofree const char **rest = NULL;
  gboolean offer_import = FALSE;
  FerryWindow *window;

  if (g_variant_dict_contains (options, "version"))
    {
      g_application_command_line_print (cmdline, "ferry %s\n", PACKAGE_VERSION);
      return 0;
    }

  g_variant_dict_lookup (options, G_OPTION_REMAINING, "^a&s", &rest);
  if (g_variant_dict_contains (options, "console"))
    return open_console_viewer (self, cmdline, rest);
  if (rest != NULL && rest[0] != NULL)
    {
      g_application_command_line_printerr (cmdline, _("ferry: unexpected argument “%s”\n"), rest[0]);
      return 2;
    }

  g_variant_dict_lookup (options, "connect", "^a&s", &uris);
  if (uris != NULL)
    {
      for (guint i = 0; uris[i] != NULL; i++)
        {
          g_autoptr(GError) error = NULL;

          if (!ferry_uri_validate (uris[i], &error))
            {
              g_application_command_line_printerr (cmdline, _("ferry: %s: %s\n"),
                                                   uris[i], error->message);
              return 1;
            }
        }

      ferry_session_start (self->session, FALSE);
      for (guint i = 0; uris[i] != NULL; i++)
        {
          g_autoptr(FerryNodeConfig) config = ferry_node_config_new (uris[i], NULL, NULL);
          g_autoptr(GError) error = NULL;

          if (ferry_inventory_find_node_by_uri (ferry_session_get_inventory (self->session), uris[i]) != NULL)
            continue;
          if (!ferry_session_add_connection (self->session, config, &error))
            {
              g_application_command_line_printerr (cmdline, "ferry: %s\n", error->message);
              return 1;
            }
        }
    }
  else if (!ferry_session_get_started (self->session))
    {
      self->startup_message = ferry_session_start (self->session, TRUE);
      if (self->startup_message != NULL)
        g_printerr ("ferry: %s\n", self->startup_message);
      /* No connections yet: offer virt-manager's, when it has some. */
      offer_import = g_list_model_get_n_items (ferry_inventory_get_nodes (ferry_session_get_inventory (self->session))) == 0;
    }

  window = ensure_window (self);
  gtk_window_present (GTK_WINDOW (window));
  if (offer_import)
    ferry_import_dialog_present (self->session, GTK_WINDOW (window), TRUE);
  return 0;
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  FerryApplication *self = user_data;
  static const char *developers[] = { "The Ferry developers", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (GTK_APPLICATION (self)),
                        "application-name", _("Ferry"),
                        "application-icon", APP_ID,
                        "developer-name", _("The Ferry developers"),
                        "developers", developers,
                        "version", PACKAGE_VERSION,
                        "comments", _("Run a fault-tolerant cluster of plain libvirt hosts from one window"),
                        "website", "https://github.com/ferryvm/ferry",
                        "issue-url", "https://github.com/ferryvm/ferry/issues",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  FerryApplication *self = user_data;
  GtkWindow *window = GTK_WINDOW (ferry_preferences_window_new (self->settings));

  gtk_window_set_transient_for (window, gtk_application_get_active_window (GTK_APPLICATION (self)));
  gtk_window_present (window);
}

static void
apply_style (FerryApplication *self)
{
  AdwStyleManager *manager = adw_style_manager_get_default ();
  g_autofree char *style = NULL;

  if (self->settings == NULL)
    return;
  style = g_settings_get_string (self->settings, "style-variant");
  if (g_strcmp0 (style, "light") == 0)
    adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_FORCE_LIGHT);
  else if (g_strcmp0 (style, "dark") == 0)
    adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_FORCE_DARK);
  else
    adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_DEFAULT);
}

static void
apply_refresh_interval (FerryApplication *self)
{
  guint seconds = g_settings_get_uint (self->settings, "refresh-interval");

  ferry_stats_sampler_set_interval (ferry_session_get_sampler (self->session), MAX (seconds, 1) * 1000);
}

static void
apply_migration_limit (FerryApplication *self)
{
  ferry_migration_queue_set_limit (ferry_session_get_migration_queue (self->session),
                                   g_settings_get_uint (self->settings, "migration-limit"));
}

static void
apply_migration_defaults (FerryApplication *self)
{
  ferry_session_set_migration_defaults (self->session,
                                        (FerryMigrationPreset) g_settings_get_enum (self->settings, "migration-preset"),
                                        g_settings_get_uint (self->settings, "migration-bandwidth"));
}

static void
import_virt_manager_action (GSimpleAction *action,
                            GVariant      *parameter,
                            gpointer       user_data)
{
  FerryApplication *self = user_data;

  ferry_import_dialog_present (self->session, gtk_application_get_active_window (GTK_APPLICATION (self)), FALSE);
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

/* Listed in the shortcuts window too (ui/gtk/help-overlay.ui). */
static const struct {
  const char *action;
  const char *accel;
  const char *accel2;
} window_accels[] = {
  { "win.add-connection", "<Control>o", NULL },
  { "win.search", "<Control>f", NULL },
  { "win.new-vm", "<Control>n", NULL },
  { "win.vm-open", "<Alt>Return", NULL },
  { "win.vm-console", "<Control><Shift>c", NULL },
  { "win.vm-start", "<Control><Shift>s", NULL },
  { "win.vm-shutdown", "<Control><Shift>d", NULL },
  { "win.vm-reboot", "<Control><Shift>r", NULL },
  { "win.vm-force-off", "<Control><Shift>f", NULL },
  { "win.vm-pause", "<Control><Shift>p", NULL },
  { "win.vm-resume", "<Control><Shift>u", NULL },
  { "win.vm-delete", "Delete", "KP_Delete" },
  { "win.vm-edit", "<Control>e", NULL },
  { "win.migrate", "<Control>m", NULL },
  { "win.show-tasks", "<Control>t", NULL },
  { "win.go-back", "<Alt>Left", NULL },
  { "win.node-refresh", "F5", NULL },
};

static const GActionEntry app_actions[] = {
  { "about", about_action },
  { "preferences", preferences_action },
  { "import-virt-manager", import_virt_manager_action },
  { "quit", quit_action },
};

static void
ferry_application_startup (GApplication *app)
{
  FerryApplication *self = FERRY_APPLICATION (app);

  G_APPLICATION_CLASS (ferry_application_parent_class)->startup (app);

  ferry_core_init ();
  /* Accessible names GTK 4.8 gets wrong, in every window we show. */
  ferry_a11y_watch_windows ();
  /* libvirt's and ssh's questions (passwords, host keys) in our dialogs. */
  ferry_credentials_dialog_install (GTK_APPLICATION (self));
  {
    g_autoptr(GError) error = NULL;

    if (!ferry_askpass_server_start (NULL, &error))
      g_message ("ssh will not be able to ask for passwords: %s", error->message);
  }
  self->session = ferry_session_new (g_getenv ("FERRY_CONFIG"));
  g_signal_connect_object (self->session, "migration-finished", G_CALLBACK (migration_finished), self, 0);

  {
    GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
    g_autoptr(GSettingsSchema) schema =
      source ? g_settings_schema_source_lookup (source, SETTINGS_SCHEMA, TRUE) : NULL;

    if (schema != NULL)
      {
        self->settings = g_settings_new (SETTINGS_SCHEMA);
        g_signal_connect_object (self->settings, "changed::style-variant",
                                 G_CALLBACK (apply_style), self, G_CONNECT_SWAPPED);
        apply_style (self);
        g_signal_connect_object (self->settings, "changed::refresh-interval",
                                 G_CALLBACK (apply_refresh_interval), self, G_CONNECT_SWAPPED);
        apply_refresh_interval (self);
        g_signal_connect_object (self->settings, "changed::migration-limit",
                                 G_CALLBACK (apply_migration_limit), self, G_CONNECT_SWAPPED);
        apply_migration_limit (self);
        g_signal_connect_object (self->settings, "changed::migration-preset",
                                 G_CALLBACK (apply_migration_defaults), self, G_CONNECT_SWAPPED);
        g_signal_connect_object (self->settings, "changed::migration-bandwidth",
                                 G_CALLBACK (apply_migration_defaults), self, G_CONNECT_SWAPPED);
        apply_migration_defaults (self);
        g_settings_bind (self->settings, "balance-automatic", self->session, "balance-automatic",
                         G_SETTINGS_BIND_DEFAULT);
      }
    else
      {
        g_message ("Settings schema %s is not installed; preferences will not be kept",
                   SETTINGS_SCHEMA);
      }
  }

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit",
                                         (const char *[]) { "<Control>q", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences",
                                         (const char *[]) { "<Control>comma", NULL });
  for (guint i = 0; i < G_N_ELEMENTS (window_accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), window_accels[i].action,
                                           (const char *[]) { window_accels[i].accel, window_accels[i].accel2, NULL });
}

static void
ferry_application_shutdown (GApplication *app)
{
  FerryApplication *self = FERRY_APPLICATION (app);

  if (self->session != NULL)
    ferry_session_shutdown (self->session);
  ferry_credentials_dialog_uninstall ();
  ferry_askpass_server_stop ();

  G_APPLICATION_CLASS (ferry_application_parent_class)->shutdown (app);
}

static void
ferry_application_finalize (GObject *object)
{
  FerryApplication *self = FERRY_APPLICATION (object);

  g_clear_object (&self->session);
  g_clear_object (&self->settings);
  g_free (self->startup_message);

  G_OBJECT_CLASS (ferry_application_parent_class)->finalize (object);
}

static void
ferry_application_class_init (FerryApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = ferry_application_finalize;
  app_class->startup = ferry_application_startup;
  app_class->shutdown = ferry_application_shutdown;
  app_class->command_line = ferry_application_command_line;
}

static void
ferry_application_init (FerryApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), NULL);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Manage a cluster of libvirt/QEMU hosts."));
}
