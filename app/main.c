/* main.c — ferry's entry point
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "ferry-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(FerryApplication) app = NULL;
  /* The build tree's po/ (set by `meson devenv`), to run translated
   * without installing. */
  const char *localedir = g_getenv ("FERRY_LOCALEDIR");

  /* Before the application exists: it translates its --help summary. */
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL && *localedir != '\0' ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = ferry_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
