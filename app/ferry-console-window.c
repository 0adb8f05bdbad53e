/* ferry-console-window.c — a console in a window of its own
 *
 * Used when a console tab is detached from the main window, and by the
 * standalone viewer (ferry --console URI VM).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "ferry-console-window.h"

struct _FerryConsoleWindow
{
  AdwApplicationWindow  parent_instance;

  AdwToastOverlay      *toasts;
  AdwWindowTitle       *title;
  GtkStack             *stack;
  AdwStatusPage        *waiting;
  FerryConsolePage     *page;
};

G_DEFINE_FINAL_TYPE (FerryConsoleWindow, ferry_console_window, ADW_TYPE_APPLICATION_WINDOW)

static void
on_notification (FerryConsoleWindow *self,
                 const char         *text)
{
  AdwToast *toast = adw_toast_new ("");

  adw_toast_set_custom_title (toast, g_object_new (GTK_TYPE_LABEL, "label", text, "use-markup", FALSE,
                                                   "wrap", TRUE, NULL));
  adw_toast_overlay_add_toast (self->toasts, toast);
}

static void
update_title (FerryConsoleWindow *self)
{
  FerryVm *vm = self->page ? ferry_console_page_get_vm (self->page) : NULL;
  FerryNode *node = vm ? ferry_vm_get_node (vm) : NULL;
  g_autofree char *title = vm ? g_strdup_printf (_("%s — Console"), ferry_vm_get_name (vm)) : NULL;

  adw_window_title_set_title (self->title, title ? title : _("Console"));
  adw_window_title_set_subtitle (self->title, node ? ferry_node_get_name (node) : NULL);
  gtk_window_set_title (GTK_WINDOW (self), title ? title : _("Console"));
}

void
ferry_console_window_set_page (FerryConsoleWindow *self,
                               FerryConsolePage   *page)
{
  g_return_if_fail (FERRY_IS_CONSOLE_WINDOW (self));
  g_return_if_fail (self->page == NULL);

  self->page = page;
  gtk_stack_add_named (self->stack, GTK_WIDGET (page), "console");
  gtk_stack_set_visible_child_name (self->stack, "console");
  g_signal_connect_object (page, "notification", G_CALLBACK (on_notification), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (ferry_console_page_get_vm (page), "notify::node", G_CALLBACK (update_title),
                           self, G_CONNECT_SWAPPED);
  update_title (self);
  gtk_widget_grab_focus (GTK_WIDGET (ferry_console_page_get_display (page)));
}

void
ferry_console_window_set_message (FerryConsoleWindow *self,
                                  const char         *message)
{
  g_return_if_fail (FERRY_IS_CONSOLE_WINDOW (self));
  adw_status_page_set_description (self->waiting, message);
}

FerryConsoleWindow *
ferry_console_window_new_waiting (GtkApplication *application,
                                  const char     *message)
{
  FerryConsoleWindow *self = g_object_new (FERRY_TYPE_CONSOLE_WINDOW, "application", application, NULL);

  ferry_console_window_set_message (self, message);
  return self;
}

FerryConsoleWindow *
ferry_console_window_new (GtkApplication   *application,
                          FerryConsolePage *page)
{
  FerryConsoleWindow *self = g_object_new (FERRY_TYPE_CONSOLE_WINDOW, "application", application, NULL);

  ferry_console_window_set_page (self, page);
  return self;
}

FerryConsolePage *
ferry_console_window_get_page (FerryConsoleWindow *self)
{
  g_return_val_if_fail (FERRY_IS_CONSOLE_WINDOW (self), NULL);
  return self->page;
}

static gboolean
close_request (GtkWindow *window)
{
  FerryConsoleWindow *self = FERRY_CONSOLE_WINDOW (window);

  if (self->page != NULL)
    ferry_console_page_close (self->page);
  return GTK_WINDOW_CLASS (ferry_console_window_parent_class)->close_request (window);
}

static void
ferry_console_window_class_init (FerryConsoleWindowClass *klass)
{
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  window_class->close_request = close_request;
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
ferry_console_window_init (FerryConsoleWindow *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();

  gtk_window_set_default_size (GTK_WINDOW (self), 900, 620);
  self->title = ADW_WINDOW_TITLE (adw_window_title_new (_("Console"), NULL));
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), GTK_WIDGET (self->title));
  gtk_box_append (GTK_BOX (box), header);

  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->stack), TRUE);
  self->waiting = ADW_STATUS_PAGE (adw_status_page_new ());
  adw_status_page_set_icon_name (self->waiting, "computer-symbolic");
  adw_status_page_set_title (self->waiting, _("Console"));
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->waiting), "waiting");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->stack));

  self->toasts = ADW_TOAST_OVERLAY (adw_toast_overlay_new ());
  adw_toast_overlay_set_child (self->toasts, box);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (self), GTK_WIDGET (self->toasts));
  if (DEVELOPMENT_BUILD)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
}
