/* vnc-view.c — a tiny viewer around FerryVncDisplay, for trying it by hand
 *
 *   vnc-view HOST PORT [PASSWORD]
 *
 * Not installed. The header bar switches "scale to window" / 1:1 and sends
 * Ctrl+Alt+Del; the title shows the state and whether input is grabbed
 * (Ctrl+Alt releases the grab). SIGINT or SIGTERM close the connection
 * first, so the frame statistics are printed (handy under perf).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdlib.h>
#include <signal.h>
#include <glib-unix.h>
#include <gtk/gtk.h>

#include "ferry-vnc-display.h"
#include "ferry-vnc-display-private.h"

static void
update_title (GtkWindow  *window,
              const char *state)
{
  GtkWidget *display = g_object_get_data (G_OBJECT (window), "display");
  g_autofree char *title = NULL;

  if (state != NULL)
    g_object_set_data_full (G_OBJECT (window), "state", g_strdup (state), g_free);
  title = g_strdup_printf ("%s%s", (char *) g_object_get_data (G_OBJECT (window), "state"),
                           ferry_vnc_display_get_grabbed (FERRY_VNC_DISPLAY (display))
                           ? " — grabbed (Ctrl+Alt releases)" : "");
  gtk_window_set_title (window, title);
}

static void
on_initialized (FerryVncDisplay *display,
                int              width,
                int              height,
                GtkWindow       *window)
{
  g_autofree char *state = g_strdup_printf ("%d×%d", width, height);

  update_title (window, state);
}

static void
on_disconnected (FerryVncDisplay *display,
                 const char      *error,
                 GtkWindow       *window)
{
  FerryVncDisplayStats stats;
  g_autofree char *state = g_strdup_printf ("Disconnected: %s", error ? error : "closed");

  _ferry_vnc_display_get_stats (display, &stats);
  g_print ("%s\n%" G_GUINT64_FORMAT " update rectangles, %" G_GUINT64_FORMAT " requests, "
           "%" G_GUINT64_FORMAT " frames, %u buffers, %.1f µs per frame (%.1f µs copying, "
           "%.0f pixels)\n", state, stats.updates, stats.update_requests, stats.frames,
           stats.buffers, (double) stats.texture_us / MAX (stats.frames, 1),
           (double) stats.copy_us / MAX (stats.frames, 1),
           (double) stats.pixels_copied / MAX (stats.frames, 1));
  update_title (window, state);
  if (g_object_get_data (G_OBJECT (window), "quit-on-disconnect") != NULL)
    g_main_loop_quit (g_object_get_data (G_OBJECT (window), "quit-on-disconnect"));
}

static gboolean
on_signal (gpointer data)
{
  GtkWindow *window = data;

  g_object_set_data (G_OBJECT (window), "quit-on-disconnect",
                     g_object_get_data (G_OBJECT (window), "loop"));
  ferry_vnc_display_close (g_object_get_data (G_OBJECT (window), "display"));
  return G_SOURCE_CONTINUE;
}

static void
on_grabbed (FerryVncDisplay *display,
            GParamSpec      *pspec,
            GtkWindow       *window)
{
  update_title (window, NULL);
}

static void
on_scale_toggled (GtkToggleButton *button,
                  FerryVncDisplay *display)
{
  gboolean one_to_one = gtk_toggle_button_get_active (button);

  ferry_vnc_display_set_scale_mode (display, one_to_one ? FERRY_VNC_SCALE_NONE
                                                        : FERRY_VNC_SCALE_FIT);
}

static void
on_cad_clicked (GtkButton       *button,
                FerryVncDisplay *display)
{
  const guint keys[] = { GDK_KEY_Control_L, GDK_KEY_Alt_L, GDK_KEY_Delete };

  ferry_vnc_display_send_keys (display, keys, G_N_ELEMENTS (keys));
}

static void
on_close_request (GtkWindow *window,
                  GMainLoop *loop)
{
  g_main_loop_quit (loop);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GMainLoop) loop = NULL;
  GtkWidget *window, *header, *scrolled, *display, *toggle, *cad;

  if (argc < 3)
    {
      g_printerr ("usage: %s HOST PORT [PASSWORD]\n", argv[0]);
      return EXIT_FAILURE;
    }
  gtk_init ();
  loop = g_main_loop_new (NULL, FALSE);

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1024, 700);
  header = gtk_header_bar_new ();
  gtk_window_set_titlebar (GTK_WINDOW (window), header);

  display = ferry_vnc_display_new ();
  g_object_set_data (G_OBJECT (window), "display", display);
  g_object_set_data_full (G_OBJECT (window), "state", g_strdup ("Connecting…"), g_free);
  if (argc > 3)
    ferry_vnc_display_set_password (FERRY_VNC_DISPLAY (display), argv[3]);

  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), display);
  gtk_window_set_child (GTK_WINDOW (window), scrolled);

  toggle = gtk_toggle_button_new_with_label ("1:1");
  g_signal_connect (toggle, "toggled", G_CALLBACK (on_scale_toggled), display);
  gtk_header_bar_pack_start (GTK_HEADER_BAR (header), toggle);
  cad = gtk_button_new_with_label ("Ctrl+Alt+Del");
  g_signal_connect (cad, "clicked", G_CALLBACK (on_cad_clicked), display);
  gtk_header_bar_pack_start (GTK_HEADER_BAR (header), cad);

  g_signal_connect (display, "initialized", G_CALLBACK (on_initialized), window);
  g_signal_connect (display, "disconnected", G_CALLBACK (on_disconnected), window);
  g_signal_connect (display, "notify::grabbed", G_CALLBACK (on_grabbed), window);
  g_signal_connect (window, "close-request", G_CALLBACK (on_close_request), loop);
  g_object_set_data (G_OBJECT (window), "loop", loop);
  g_unix_signal_add (SIGINT, on_signal, window);
  g_unix_signal_add (SIGTERM, on_signal, window);

  update_title (GTK_WINDOW (window), NULL);
  gtk_window_present (GTK_WINDOW (window));
  gtk_widget_grab_focus (display);
  ferry_vnc_display_open_host (FERRY_VNC_DISPLAY (display), argv[1], argv[2]);

  g_main_loop_run (loop);
  ferry_vnc_display_close (FERRY_VNC_DISPLAY (display));
  gtk_window_destroy (GTK_WINDOW (window));
  return EXIT_SUCCESS;
}
