/* ferry-console-page.c — a VM's console: display, toolbar, reconnection
 *
 * Opens the VM's VNC display through the core (which picks the transport:
 * libvirt's own fd on a local socket, direct TCP, or an ssh tunnel), shows
 * it in a FerryVncDisplay, and keeps it open through what a cluster does to
 * the VM: when it moves to another host (live migration) or starts again,
 * the console reconnects by itself and says so.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#include "ferry-console-page.h"
#include "ferry-console-target.h"
#include "ferry-vnc-display.h"

struct _FerryConsolePage
{
  GtkWidget         parent_instance;

  FerryVm          *vm;
  FerryNode        *node;          /* where the open console is */
  GSettings        *settings;      /* NULL when the schema is not installed */
  GCancellable     *cancellable;
  guint             retry_source;
  gboolean          closing;

  GtkWidget        *box;
  GtkWidget        *toolbar;
  GtkWidget        *status;
  GtkWidget        *hint;
  GtkWidget        *overlay;
  GtkWidget        *message;
  GtkWidget        *password_box;
  GtkWidget        *password_entry;
  FerryVncDisplay  *display;
  char             *user_password;   /* typed by the administrator */
  gboolean          needs_password;
};

enum {
  PROP_0,
  PROP_VM,
  PROP_STATUS,
  N_PROPS
};

enum {
  NOTIFICATION,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (FerryConsolePage, ferry_console_page, GTK_TYPE_WIDGET)

static void connect_console (FerryConsolePage *self);

static void
set_status (FerryConsolePage *self,
            const char       *text)
{
  /* Plain text: it may carry libvirt's or ssh's words. */
  gtk_label_set_text (GTK_LABEL (self->status), text ? text : "");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

static void
show_message (FerryConsolePage *self,
              const char       *text)
{
  gtk_label_set_text (GTK_LABEL (self->message), text ? text : "");
  gtk_widget_set_visible (self->message, text != NULL);
}

static gboolean
retry_cb (gpointer data)
{
  FerryConsolePage *self = data;

  self->retry_source = 0;
  connect_console (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_retry (FerryConsolePage *self,
                guint             seconds)
{
  g_clear_handle_id (&self->retry_source, g_source_remove);
  self->retry_source = g_timeout_add_seconds (seconds, retry_cb, self);
}

static void
open_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(FerryConsolePage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *password = NULL;
  FerryConsoleTransport transport = FERRY_CONSOLE_TRANSPORT_TCP;
  int fd;

  fd = ferry_vm_open_console_finish (FERRY_VM (object), result, &password, &transport, &error);
  if (fd < 0)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->closing)
        return;
      set_status (self, error->message);
      show_message (self, error->message);
      /* A VM that is starting or moving will have a display in a moment. */
      schedule_retry (self, 3);
      return;
    }

  g_set_object (&self->node, ferry_vm_get_node (self->vm));
  /* The password from the VM's definition, else the one typed here. */
  ferry_vnc_display_set_password (self->display, password ? password : self->user_password);
  self->needs_password = FALSE;
  /* libvirt's own socket: QEMU is on this machine, pixels need no
   * compression (a TCP connection to a loopback address is seen as such
   * by the display itself). */
  ferry_vnc_display_set_link (self->display, transport == FERRY_CONSOLE_TRANSPORT_FD
                                             ? FERRY_VNC_LINK_LOCAL : FERRY_VNC_LINK_AUTO);
  if (!ferry_vnc_display_open_fd (self->display, fd))
    {
      set_status (self, _("The console could not be opened"));
      schedule_retry (self, 3);
      return;
    }
  switch (transport)
    {
    case FERRY_CONSOLE_TRANSPORT_SSH:
      set_status (self, _("Connected through an ssh tunnel"));
      break;
    case FERRY_CONSOLE_TRANSPORT_FD:
      set_status (self, _("Connected through libvirt"));
      break;
    case FERRY_CONSOLE_TRANSPORT_TCP:
    default:
      set_status (self, _("Connected"));
      break;
    }
}

static void
connect_console (FerryConsolePage *self)
{
  g_clear_handle_id (&self->retry_source, g_source_remove);
  if (self->vm == NULL || self->closing)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  if (ferry_vnc_display_is_open (self->display))
    ferry_vnc_display_close (self->display);
  if (!ferry_vm_state_is_active (ferry_vm_get_state (self->vm)))
    {
      set_status (self, _("Not running"));
      show_message (self, _("The virtual machine is not running. Its console opens when it starts."));
      return;
    }
  set_status (self, _("Connecting…"));
  ferry_vm_open_console_async (self->vm, self->cancellable, open_done, g_object_ref (self));
}

static void
on_initialized (FerryConsolePage *self)
{
  show_message (self, NULL);
}

static void
on_auth_required (FerryConsolePage *self)
{
  /* Answered at once by the display (no password: it gives up); the
   * prompt below lets the administrator type one and connect again. */
  self->needs_password = TRUE;
}

static void
password_activate (FerryConsolePage *self)
{
  g_free (self->user_password);
  self->user_password = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->password_entry)));
  gtk_editable_set_text (GTK_EDITABLE (self->password_entry), "");
  gtk_widget_set_visible (self->password_box, FALSE);
  connect_console (self);
}

static void
on_disconnected (FerryConsolePage *self,
                 const char       *error)
{
  if (self->closing || error == NULL)
    return;
  if (self->needs_password)
    {
      set_status (self, error);
      show_message (self, NULL);
      gtk_widget_set_visible (self->password_box, TRUE);
      gtk_widget_grab_focus (self->password_entry);
      return;
    }
  set_status (self, error);
  /* The VM may be rebooting or moving: try again shortly. */
  schedule_retry (self, 2);
}

/* The VM moved (live migration) or started again: follow it. */
static void
on_vm_changed (FerryConsolePage *self)
{
  FerryNode *node = ferry_vm_get_node (self->vm);
  gboolean active = ferry_vm_state_is_active (ferry_vm_get_state (self->vm));

  if (active && node != NULL && node != self->node && self->node != NULL &&
      ferry_vm_get_state (self->vm) == FERRY_VM_STATE_RUNNING)
    {
      g_autofree char *text = g_strdup_printf (_("“%s” moved to %s: console reconnected"),
                                               ferry_vm_get_name (self->vm), ferry_node_get_name (node));

      connect_console (self);
      g_signal_emit (self, signals[NOTIFICATION], 0, text);
    }
  else if (active && !ferry_vnc_display_is_open (self->display) && self->retry_source == 0)
    {
      connect_console (self);
    }
  else if (!active)
    {
      set_status (self, _("Not running"));
    }
}

static void
apply_release_keys (FerryConsolePage *self)
{
  FerryVncReleaseKeys keys = self->settings != NULL
                           ? (FerryVncReleaseKeys) g_settings_get_enum (self->settings, "console-release-keys")
                           : FERRY_VNC_RELEASE_CTRL_ALT;
  g_autofree char *hint = g_strdup_printf (_("The console has the keyboard: press %s to release it"),
                                           ferry_vnc_release_keys_to_string (keys));

  ferry_vnc_display_set_release_keys (self->display, keys);
  gtk_label_set_text (GTK_LABEL (self->hint), hint);
}

static void
on_grabbed (FerryConsolePage *self)
{
  gtk_widget_set_visible (self->hint, ferry_vnc_display_get_grabbed (self->display));
}

/* ---------------------------------------------------------------------- */
/* Actions                                                                 */

static void
send_key_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  FerryConsolePage *self = FERRY_CONSOLE_PAGE (widget);
  g_auto(GStrv) names = g_strsplit (g_variant_get_string (parameter, NULL), "+", -1);
  g_autofree guint *keyvals = g_new0 (guint, g_strv_length (names) + 1);
  guint n = 0;

  for (guint i = 0; names[i] != NULL; i++)
    {
      guint keyval = gdk_keyval_from_name (names[i]);

      if (keyval == GDK_KEY_VoidSymbol)
        return;
      keyvals[n++] = keyval;
    }
  ferry_vnc_display_send_keys (self->display, keyvals, n);
}

static void
scale_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  FerryConsolePage *self = FERRY_CONSOLE_PAGE (widget);
  gboolean fit = ferry_vnc_display_get_scale_mode (self->display) == FERRY_VNC_SCALE_FIT;

  ferry_vnc_display_set_scale_mode (self->display, fit ? FERRY_VNC_SCALE_NONE : FERRY_VNC_SCALE_FIT);
}

static void
fullscreen_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  GtkWindow *window = GTK_WINDOW (gtk_widget_get_root (widget));

  if (gtk_window_is_fullscreen (window))
    gtk_window_unfullscreen (window);
  else
    gtk_window_fullscreen (window);
}

char *
ferry_console_page_save_screenshot (FerryConsolePage  *self,
                                    const char        *directory,
                                    GError           **error)
{
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y-%m-%d %H-%M-%S");
  g_autofree char *dir = g_strdup (directory);
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  char *p;

  g_return_val_if_fail (FERRY_IS_CONSOLE_PAGE (self), NULL);

  texture = ferry_vnc_display_get_texture (self->display);
  if (texture == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED, _("The console shows nothing yet"));
      return NULL;
    }
  if (dir == NULL)
    dir = g_strdup (g_get_user_special_dir (G_USER_DIRECTORY_PICTURES));
  if (dir == NULL)
    dir = g_strdup (g_get_home_dir ());
  g_mkdir_with_parents (dir, 0700);
  /* The VM's name goes into a file name: keep it to harmless characters. */
  name = g_strdup_printf ("%s %s.png", ferry_vm_get_name (self->vm), stamp);
  for (p = name; *p; p++)
    if (*p == '/' || *p == '\\' || (guchar) *p < 0x20)
      *p = '_';
  path = g_build_filename (dir, name, NULL);
  if (!gdk_texture_save_to_png (texture, path))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Could not save %s"), path);
      return NULL;
    }
  return g_steal_pointer (&path);
}

static void
screenshot_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  FerryConsolePage *self = FERRY_CONSOLE_PAGE (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = ferry_console_page_save_screenshot (self, NULL, &error);
  g_autofree char *text = path ? g_strdup_printf (_("Screenshot saved as %s"), path) : NULL;

  g_signal_emit (self, signals[NOTIFICATION], 0, path ? text : error->message);
}

static void
reconnect_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  connect_console (FERRY_CONSOLE_PAGE (widget));
}

/* ---------------------------------------------------------------------- */

static GMenuModel *
send_key_menu (void)
{
  GMenu *menu = g_menu_new ();
  GMenu *fkeys = g_menu_new ();

  g_menu_append (menu, "Ctrl+Alt+Del", "console.send-key::Control_L+Alt_L+Delete");
  g_menu_append (menu, "Ctrl+Alt+Backspace", "console.send-key::Control_L+Alt_L+BackSpace");
  for (guint i = 1; i <= 12; i++)
    {
      g_autofree char *label = g_strdup_printf ("Ctrl+Alt+F%u", i);
      g_autofree char *action = g_strdup_printf ("console.send-key::Control_L+Alt_L+F%u", i);

      g_menu_append (fkeys, label, action);
    }
  g_menu_append_section (menu, NULL, G_MENU_MODEL (fkeys));
  g_menu_append (menu, _("Print Screen"), "console.send-key::Print");
  g_object_unref (fkeys);
  return G_MENU_MODEL (menu);
}

static GtkWidget *
tool_button (const char *icon,
             const char *tooltip,
             const char *action)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_widget_add_css_class (button, "flat");
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
  return button;
}

static void
build (FerryConsolePage *self)
{
  GtkWidget *keys = gtk_menu_button_new ();
  g_autoptr(GMenuModel) menu = send_key_menu ();

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  self->toolbar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  gtk_widget_add_css_class (self->toolbar, "toolbar");
  gtk_menu_button_set_label (GTK_MENU_BUTTON (keys), _("Send Key"));
  /* GTK 4.8 names the menu button's outer widget after its type. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (keys), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Send Key"), -1);
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (keys), menu);
  gtk_widget_add_css_class (keys, "flat");
  gtk_box_append (GTK_BOX (self->toolbar), keys);
  gtk_box_append (GTK_BOX (self->toolbar), tool_button ("zoom-fit-best-symbolic", _("Scale to Window or 1:1"),
                                                        "console.scale"));
  gtk_box_append (GTK_BOX (self->toolbar), tool_button ("view-fullscreen-symbolic", _("Fullscreen"),
                                                        "console.fullscreen"));
  gtk_box_append (GTK_BOX (self->toolbar), tool_button ("camera-photo-symbolic", _("Save a Screenshot"),
                                                        "console.screenshot"));
  gtk_box_append (GTK_BOX (self->toolbar), tool_button ("view-refresh-symbolic", _("Reconnect"),
                                                        "console.reconnect"));
  self->hint = gtk_label_new (NULL);
  gtk_widget_add_css_class (self->hint, "accent");
  gtk_widget_set_visible (self->hint, FALSE);
  gtk_widget_set_hexpand (self->hint, TRUE);
  gtk_box_append (GTK_BOX (self->toolbar), self->hint);
  self->status = gtk_label_new (NULL);
  gtk_widget_add_css_class (self->status, "dim-label");
  gtk_label_set_ellipsize (GTK_LABEL (self->status), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (self->status, TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->status), 1);
  gtk_box_append (GTK_BOX (self->toolbar), self->status);
  gtk_box_append (GTK_BOX (self->box), self->toolbar);

  self->overlay = gtk_overlay_new ();
  gtk_widget_set_vexpand (self->overlay, TRUE);
  self->display = FERRY_VNC_DISPLAY (ferry_vnc_display_new ());
  gtk_widget_set_focusable (GTK_WIDGET (self->display), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->display), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Console"), -1);
  gtk_overlay_set_child (GTK_OVERLAY (self->overlay), GTK_WIDGET (self->display));
  self->message = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->message), TRUE);
  gtk_widget_add_css_class (self->message, "osd");
  gtk_widget_add_css_class (self->message, "console-message");
  gtk_widget_set_halign (self->message, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (self->message, GTK_ALIGN_CENTER);
  gtk_widget_set_visible (self->message, FALSE);
  gtk_overlay_add_overlay (GTK_OVERLAY (self->overlay), self->message);

  /* Asked only when the VM's definition holds no readable password. */
  self->password_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  gtk_widget_add_css_class (self->password_box, "osd");
  gtk_widget_add_css_class (self->password_box, "console-message");
  gtk_widget_set_halign (self->password_box, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (self->password_box, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (self->password_box), gtk_label_new (_("This console needs a password")));
  self->password_entry = gtk_password_entry_new ();
  gtk_password_entry_set_show_peek_icon (GTK_PASSWORD_ENTRY (self->password_entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->password_entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Console password"), -1);
  g_signal_connect_swapped (self->password_entry, "activate", G_CALLBACK (password_activate), self);
  gtk_box_append (GTK_BOX (self->password_box), self->password_entry);
  gtk_widget_set_visible (self->password_box, FALSE);
  gtk_overlay_add_overlay (GTK_OVERLAY (self->overlay), self->password_box);
  gtk_box_append (GTK_BOX (self->box), self->overlay);

  g_signal_connect_swapped (self->display, "initialized", G_CALLBACK (on_initialized), self);
  g_signal_connect_swapped (self->display, "disconnected", G_CALLBACK (on_disconnected), self);
  g_signal_connect_swapped (self->display, "auth-required", G_CALLBACK (on_auth_required), self);
  g_signal_connect_swapped (self->display, "notify::grabbed", G_CALLBACK (on_grabbed), self);

  /* The preferences: scaling of a new console, the keys that release it. */
  {
    GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
    g_autoptr(GSettingsSchema) schema =
      source ? g_settings_schema_source_lookup (source, "io.github.ferryvm.Ferry", TRUE) : NULL;

    if (schema != NULL && g_settings_schema_has_key (schema, "console-release-keys"))
      {
        self->settings = g_settings_new ("io.github.ferryvm.Ferry");
        ferry_vnc_display_set_scale_mode (self->display, g_settings_get_boolean (self->settings, "console-scale")
                                                         ? FERRY_VNC_SCALE_FIT : FERRY_VNC_SCALE_NONE);
        g_signal_connect_object (self->settings, "changed::console-release-keys",
                                 G_CALLBACK (apply_release_keys), self, G_CONNECT_SWAPPED);
      }
    apply_release_keys (self);
  }
}

GtkWidget *
ferry_console_page_new (FerryVm *vm)
{
  return g_object_new (FERRY_TYPE_CONSOLE_PAGE, "vm", vm, NULL);
}

FerryVm *
ferry_console_page_get_vm (FerryConsolePage *self)
{
  g_return_val_if_fail (FERRY_IS_CONSOLE_PAGE (self), NULL);
  return self->vm;
}

FerryVncDisplay *
ferry_console_page_get_display (FerryConsolePage *self)
{
  g_return_val_if_fail (FERRY_IS_CONSOLE_PAGE (self), NULL);
  return self->display;
}

const char *
ferry_console_page_get_status (FerryConsolePage *self)
{
  g_return_val_if_fail (FERRY_IS_CONSOLE_PAGE (self), NULL);
  return gtk_label_get_text (GTK_LABEL (self->status));
}

void
ferry_console_page_close (FerryConsolePage *self)
{
  g_return_if_fail (FERRY_IS_CONSOLE_PAGE (self));

  self->closing = TRUE;
  g_clear_handle_id (&self->retry_source, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  if (ferry_vnc_display_is_open (self->display))
    ferry_vnc_display_close (self->display);
}

static void
ferry_console_page_constructed (GObject *object)
{
  FerryConsolePage *self = FERRY_CONSOLE_PAGE (object);

  G_OBJECT_CLASS (ferry_console_page_parent_class)->constructed (object);

  g_signal_connect_object (self->vm, "notify::node", G_CALLBACK (on_vm_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->vm, "notify::state", G_CALLBACK (on_vm_changed), self, G_CONNECT_SWAPPED);
  connect_console (self);
}

static void
ferry_console_page_dispose (GObject *object)
{
  FerryConsolePage *self = FERRY_CONSOLE_PAGE (object);

  if (self->display != NULL)
    ferry_console_page_close (self);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  self->display = NULL;
  g_clear_object (&self->cancellable);
  g_clear_object (&self->node);
  g_clear_object (&self->vm);
  g_clear_object (&self->settings);
  if (self->user_password != NULL)
    {
      /* Not left lying around in freed memory. */
      memset (self->user_password, 0, strlen (self->user_password));
      g_clear_pointer (&self->user_password, g_free);
    }

  G_OBJECT_CLASS (ferry_console_page_parent_class)->dispose (object);
}

static void
ferry_console_page_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  FerryConsolePage *self = FERRY_CONSOLE_PAGE (object);

  switch (prop_id)
    {
    case PROP_VM:     g_value_set_object (value, self->vm); break;
    case PROP_STATUS: g_value_set_string (value, ferry_console_page_get_status (self)); break;
    default:          G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_console_page_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  FerryConsolePage *self = FERRY_CONSOLE_PAGE (object);

  switch (prop_id)
    {
    case PROP_VM: self->vm = g_value_dup_object (value); break;
    default:      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_console_page_class_init (FerryConsolePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = ferry_console_page_constructed;
  object_class->dispose = ferry_console_page_dispose;
  object_class->get_property = ferry_console_page_get_property;
  object_class->set_property = ferry_console_page_set_property;

  properties[PROP_VM] =
    g_param_spec_object ("vm", NULL, NULL, FERRY_TYPE_VM,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATUS] =
    g_param_spec_string ("status", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * FerryConsolePage::notification:
   * @text: something worth a toast ("console reconnected on node2")
   */
  signals[NOTIFICATION] =
    g_signal_new ("notification", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_install_action (widget_class, "console.send-key", "s", send_key_action);
  gtk_widget_class_install_action (widget_class, "console.scale", NULL, scale_action);
  gtk_widget_class_install_action (widget_class, "console.fullscreen", NULL, fullscreen_action);
  gtk_widget_class_install_action (widget_class, "console.screenshot", NULL, screenshot_action);
  gtk_widget_class_install_action (widget_class, "console.reconnect", NULL, reconnect_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F11, 0, "console.fullscreen", NULL);
}

static void
ferry_console_page_init (FerryConsolePage *self)
{
  build (self);
}
