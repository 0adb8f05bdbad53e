/* test-l10n.c — the real window in Ukrainian, driven under Xvfb
 *
 * Runs FerryApplication with the Ukrainian catalog built in the build tree
 * ($FERRY_BUILD_DIR/po/uk/LC_MESSAGES/ferry.mo), LANGUAGE=uk, on hosts of
 * libvirt's test driver (no cluster needed). It checks that the window says
 * what the translation says, and that no string of Ferry's catalog shows in
 * English: every label and tooltip drawn is looked up in the catalog, and
 * one that has a translation but is shown as the English original fails the
 * test. Screenshots go to $FERRY_BUILD_DIR/tests/output/ (main-window-uk.png
 * and main-window-uk-dark.png are the ones in data/screenshots/).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>

#include "ferry-application.h"
#include "ferry-migrate-dialog.h"
#include "ferry-new-vm-dialog.h"
#include "ferry-preferences-window.h"
#include "ferry-test-util.h"
#include "ferry-ui-test-util.h"
#include "ferry-window.h"

static char *tmpdir;

/* ---------------------------------------------------------------------- */
/* Hosts of the test driver that look like a small cluster. */

typedef struct
{
  const char *name;
  guint       mib;
  guint       vcpus;
  guint       runstate;   /* 1 running, 3 paused, 5 shut off */
} Guest;

static char *
write_host (const char  *file_name,
            guint        host,
            const Guest *guests,
            guint        n)
{
  g_autoptr(GString) xml = g_string_new (NULL);
  g_autofree char *path = g_build_filename (tmpdir, file_name, NULL);
  g_autoptr(GError) error = NULL;

  g_string_append (xml,
                   "<node xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>\n"
                   "  <cpu><nodes>1</nodes><sockets>1</sockets><cores>8</cores>"
                   "<threads>2</threads><active>16</active><mhz>2400</mhz>"
                   "<model>x86_64</model></cpu>\n"
                   "  <memory>67108864</memory>\n");
  for (guint i = 0; i < n; i++)
    g_string_append_printf (xml,
                            "  <domain type='test'>\n"
                            "    <name>%s</name>\n"
                            "    <uuid>dddddddd-0000-4000-8000-%04x%08x</uuid>\n"
                            "    <memory>%u</memory>\n"
                            "    <currentMemory>%u</currentMemory>\n"
                            "    <vcpu>%u</vcpu>\n"
                            "    <os><type>hvm</type></os>\n"
                            "    <test:runstate>%u</test:runstate>\n"
                            "  </domain>\n",
                            guests[i].name, host, i + 1,
                            guests[i].mib * 1024, guests[i].mib * 1024, guests[i].vcpus,
                            guests[i].runstate);
  g_string_append (xml, "</node>\n");
  g_file_set_contents (path, xml->str, (gssize) xml->len, &error);
  g_assert_no_error (error);
  return g_strdup_printf ("test://%s", path);
}

/* 3 hosts, 22 machines: "3 вузли", "22 віртуальні машини" (the plural
 * form for 2–4, 22–24…). */
static GStrv
cluster_args (void)
{
  static const Guest node1[] = {
    { "web-01", 2048, 2, 1 }, { "web-02", 2048, 2, 1 }, { "db-01", 8192, 4, 1 },
    { "cache-01", 1024, 1, 1 }, { "mail", 2048, 2, 1 }, { "backup", 1024, 1, 5 },
    { "build-01", 4096, 4, 3 }, { "win-test", 4096, 2, 5 },
  };
  static const Guest node2[] = {
    { "web-03", 2048, 2, 1 }, { "web-04", 2048, 2, 1 }, { "db-02", 8192, 4, 1 },
    { "cache-02", 1024, 1, 1 }, { "monitoring", 2048, 2, 1 }, { "ci-runner", 4096, 4, 1 },
    { "dns-01", 512, 1, 1 }, { "staging", 4096, 2, 5 },
  };
  static const Guest node3[] = {
    { "dns-02", 512, 1, 1 }, { "vpn", 1024, 1, 1 }, { "files", 2048, 2, 1 },
    { "ldap", 1024, 1, 1 }, { "old-erp", 4096, 2, 5 }, { "template", 2048, 2, 5 },
  };
  g_autoptr(GStrvBuilder) args = g_strv_builder_new ();
  g_autofree char *n1 = write_host ("node1", 1, node1, G_N_ELEMENTS (node1));
  g_autofree char *n2 = write_host ("node2", 2, node2, G_N_ELEMENTS (node2));
  g_autofree char *n3 = write_host ("node3", 3, node3, G_N_ELEMENTS (node3));

  g_strv_builder_add_many (args, "--connect", n1, "--connect", n2, "--connect", n3, NULL);
  return g_strv_builder_end (args);
}

/* ---------------------------------------------------------------------- */
/* What the widgets show. */

/* A string shown as it is written in the sources, although the catalog
 * translates it, is a string the UI forgot to translate. */
static gboolean
is_untranslated (const char *text)
{
  const char *translated;

  if (text == NULL || *text == '\0')
    return FALSE;
  translated = g_dgettext (GETTEXT_PACKAGE, text);
  return translated != text && g_strcmp0 (translated, text) != 0;
}

typedef struct
{
  GPtrArray *texts;       /* every label and tooltip drawn */
  GPtrArray *english;     /* those that should have been translated */
} Seen;

static void
seen_add (Seen       *seen,
          const char *text)
{
  if (text == NULL || *text == '\0')
    return;
  g_ptr_array_add (seen->texts, g_strdup (text));
  if (is_untranslated (text))
    g_ptr_array_add (seen->english, g_strdup (text));
}

static void
collect (GtkWidget *widget,
         Seen      *seen)
{
  /* Key names ("Delete") are GTK's words, not ours. */
  if (!gtk_widget_is_drawable (widget) || GTK_IS_SHORTCUT_LABEL (widget))
    return;
  if (GTK_IS_LABEL (widget))
    seen_add (seen, gtk_label_get_label (GTK_LABEL (widget)));
  seen_add (seen, gtk_widget_get_tooltip_text (widget));
  if (GTK_IS_WINDOW (widget))
    seen_add (seen, gtk_window_get_title (GTK_WINDOW (widget)));
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    collect (c, seen);
}

static void
seen_clear (Seen *seen)
{
  g_clear_pointer (&seen->texts, g_ptr_array_unref);
  g_clear_pointer (&seen->english, g_ptr_array_unref);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Seen, seen_clear)

static gboolean
seen_has (Seen       *seen,
          const char *text)
{
  for (guint i = 0; i < seen->texts->len; i++)
    if (g_strcmp0 (g_ptr_array_index (seen->texts, i), text) == 0)
      return TRUE;
  return FALSE;
}

/* Collects what @root shows, fails on any English string of the catalog,
 * and checks that each of @expected (NULL-terminated) is shown. */
static void
check_ukrainian (GtkWidget  *root,
                 const char *where,
                 ...)
{
  g_auto(Seen) seen = { g_ptr_array_new_with_free_func (g_free), g_ptr_array_new_with_free_func (g_free) };
  va_list ap;

  collect (root, &seen);
  g_test_message ("%s: %u strings drawn", where, seen.texts->len);
  for (guint i = 0; i < seen.english->len; i++)
    g_test_message ("%s: shown in English: “%s”", where, (char *) g_ptr_array_index (seen.english, i));
  if (seen.english->len > 0)
    g_error ("%s: %u string(s) of the catalog shown in English, first “%s”", where,
             seen.english->len, (char *) g_ptr_array_index (seen.english, 0));

  va_start (ap, where);
  for (const char *s = va_arg (ap, const char *); s != NULL; s = va_arg (ap, const char *))
    if (!seen_has (&seen, s))
      {
        for (guint i = 0; i < seen.texts->len; i++)
          g_test_message ("%s: shown: “%s”", where, (char *) g_ptr_array_index (seen.texts, i));
        g_error ("%s: “%s” is not shown", where, s);
      }
  va_end (ap);
}

static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (w, type) && gtk_widget_get_visible (GTK_WIDGET (w)))
        return w;
    }
  return NULL;
}

static gboolean
toplevel_shown (gpointer type)
{
  return find_toplevel (GPOINTER_TO_SIZE (type)) != NULL;
}

/* ---------------------------------------------------------------------- */

static void
check_main_window (FerryApplication *app,
                   FerryWindow      *window)
{
  FerryInventory *inventory = ferry_session_get_inventory (ferry_application_get_session (app));
  AdwStyleManager *style = adw_style_manager_get_default ();

  g_assert_true (ferry_test_wait_until (ferry_ui_test_all_connected, inventory, 10000));
  g_assert_cmpuint (g_list_model_get_n_items (ferry_window_get_vm_model (window)), ==, 22);

  /* The catalog is the one built here, not an installed one. */
  g_assert_cmpstr (_("All Virtual Machines"), ==, "Усі машини");

  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_LIGHT);
  ferry_window_select_sidebar (window, 0);
  ferry_ui_test_settle (800);
  check_ukrainian (GTK_WIDGET (window), "main window",
                   /* The sidebar's first row, and its plural subtitle. */
                   "Усі машини", "3 вузли",
                   /* The list's title (22: the 2–4 plural form). */
                   "22 віртуальні машини",
                   /* Header buttons' tooltips. */
                   "Додати підключення", "Головне меню", "Нова віртуальна машина", "Пошук",
                   /* Column titles and states. */
                   "Назва", "Стан", "Вузол", "Працює", "Вимкнено", "Призупинено",
                   NULL);
  ferry_ui_test_screenshot (GTK_WIDGET (window), "main-window-uk.png");

  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  ferry_window_select_sidebar (window, 0);
  ferry_ui_test_settle (800);
  check_ukrainian (GTK_WIDGET (window), "main window (dark)", "Усі машини", NULL);
  ferry_ui_test_screenshot (GTK_WIDGET (window), "main-window-uk-dark.png");
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);

  /* A host: its header, its graphs. */
  ferry_window_select_sidebar (window, 2);
  ferry_window_set_graphs_expanded (window, TRUE);
  ferry_ui_test_settle (2500);
  check_ukrainian (GTK_WIDGET (window), "host", "8 віртуальних машин", NULL);
  ferry_ui_test_screenshot (GTK_WIDGET (window), "host-uk.png");
  ferry_window_set_graphs_expanded (window, FALSE);
}

static void
test_main_window (void)
{
  g_auto(GStrv) args = cluster_args ();

  ferry_ui_test_run_app ((const char * const *) args, check_main_window);
}

static void
check_dialogs (FerryApplication *app,
               FerryWindow      *window)
{
  FerryInventory *inventory = ferry_session_get_inventory (ferry_application_get_session (app));
  GtkSelectionModel *selection = GTK_SELECTION_MODEL (ferry_window_get_selection (window));
  GtkWindow *dialog;
  guint position;

  g_assert_true (ferry_test_wait_until (ferry_ui_test_all_connected, inventory, 10000));
  ferry_ui_test_settle (300);

  /* A running machine's page. */
  position = ferry_ui_test_position_of (ferry_window_get_vm_model (window), "db-01");
  g_assert_cmpuint (position, !=, GTK_INVALID_LIST_POSITION);
  gtk_selection_model_select_item (selection, position, TRUE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.vm-open", NULL));
  ferry_ui_test_settle (1500);
  check_ukrainian (GTK_WIDGET (window), "VM page",
                   "_Консоль", "В_имкнути", "_Мігрувати…", "Конфігурація", "Активність",
                   "4 віртуальні процесори", NULL);
  ferry_ui_test_screenshot (GTK_WIDGET (window), "vm-page-uk.png");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.go-back", NULL));
  ferry_ui_test_settle (300);

  /* The migration dialog, its checks and forecast. */
  position = ferry_ui_test_position_of (ferry_window_get_vm_model (window), "web-01");
  gtk_selection_model_select_item (selection, position, TRUE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.migrate", NULL));
  g_assert_true (ferry_test_wait_until (toplevel_shown, GSIZE_TO_POINTER (FERRY_TYPE_MIGRATE_DIALOG), 5000));
  ferry_ui_test_settle (3000);
  dialog = find_toplevel (FERRY_TYPE_MIGRATE_DIALOG);
  check_ukrainian (GTK_WIDGET (dialog), "migration dialog",
                   "_Мігрувати", "_Скасувати", "На вузол", "Перевірки", "Прогноз", "Параметри",
                   NULL);
  ferry_ui_test_screenshot (GTK_WIDGET (dialog), "migrate-dialog-uk.png");
  gtk_window_close (dialog);
  ferry_ui_test_settle (300);

  /* New virtual machine. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.new-vm", NULL));
  g_assert_true (ferry_test_wait_until (toplevel_shown, GSIZE_TO_POINTER (FERRY_TYPE_NEW_VM_DIALOG), 5000));
  ferry_ui_test_settle (1500);
  dialog = find_toplevel (FERRY_TYPE_NEW_VM_DIALOG);
  check_ukrainian (GTK_WIDGET (dialog), "new VM dialog", "Нова віртуальна машина", "_Створити", NULL);
  ferry_ui_test_screenshot (GTK_WIDGET (dialog), "new-vm-uk.png");
  gtk_window_close (dialog);
  ferry_ui_test_settle (300);

  /* Preferences. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  g_assert_true (ferry_test_wait_until (toplevel_shown, GSIZE_TO_POINTER (FERRY_TYPE_PREFERENCES_WINDOW), 5000));
  ferry_ui_test_settle (500);
  dialog = find_toplevel (FERRY_TYPE_PREFERENCES_WINDOW);
  check_ukrainian (GTK_WIDGET (dialog), "preferences", "Параметри", NULL);
  ferry_ui_test_screenshot (GTK_WIDGET (dialog), "preferences-uk.png");
  gtk_window_close (dialog);
  ferry_ui_test_settle (300);

  /* The keyboard shortcuts. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL));
  g_assert_true (ferry_test_wait_until (toplevel_shown, GSIZE_TO_POINTER (GTK_TYPE_SHORTCUTS_WINDOW), 5000));
  ferry_ui_test_settle (500);
  dialog = find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW);
  check_ukrainian (GTK_WIDGET (dialog), "shortcuts", "Додати підключення", "Головне меню", NULL);
  ferry_ui_test_screenshot (GTK_WIDGET (dialog), "shortcuts-uk.png");
  gtk_window_close (dialog);
  ferry_ui_test_settle (300);
}

static void
test_dialogs (void)
{
  g_auto(GStrv) args = cluster_args ();

  ferry_ui_test_run_app ((const char * const *) args, check_dialogs);
}

/* ---------------------------------------------------------------------- */

/* Ukrainian from the build tree: LANGUAGE=uk needs a locale other than C
 * for gettext to read it; uk_UA.UTF-8 when the system has it, else C.UTF-8
 * (always there), which gettext accepts with LANGUAGE. */
static void
use_ukrainian (void)
{
  const char *build = g_getenv ("FERRY_BUILD_DIR");
  g_autofree char *localedir = g_build_filename (build ? build : ".", "po", NULL);
  g_autofree char *mo = g_build_filename (localedir, "uk", "LC_MESSAGES", GETTEXT_PACKAGE ".mo", NULL);

  if (!g_file_test (mo, G_FILE_TEST_EXISTS))
    g_error ("%s is missing: build the translations (ninja) first", mo);

  g_unsetenv ("LC_ALL");
  g_unsetenv ("LC_MESSAGES");
  g_setenv ("LANGUAGE", "uk", TRUE);
  g_setenv ("LANG", "uk_UA.UTF-8", TRUE);
  if (setlocale (LC_ALL, "") == NULL)
    {
      g_setenv ("LANG", "C.UTF-8", TRUE);
      g_assert_nonnull (setlocale (LC_ALL, ""));
    }
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  /* gtk_test_init() sets the locale to en_US.UTF-8: choose ours after. */
  gtk_test_init (&argc, &argv, NULL);
  use_ukrainian ();
  adw_init ();
  tmpdir = g_dir_make_tmp ("ferry-l10n-XXXXXX", NULL);

  g_test_add_func ("/ui/l10n/main-window", test_main_window);
  g_test_add_func ("/ui/l10n/dialogs", test_dialogs);

  ret = g_test_run ();
  ferry_test_remove_tree (tmpdir);
  g_free (tmpdir);
  return ret;
}
