/* ferry-credentials-test-util.c — a password-protected libvirtd and a
 * private Secret Service for the credential tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "ferry-credentials-test-util.h"

static GSubprocess *bus;
static GSubprocess *keyring;

/* If the test dies (an assertion), its daemons go with it. */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static gboolean
name_has_owner (GDBusConnection *connection,
                const char      *name)
{
  g_autoptr(GVariant) reply =
    g_dbus_connection_call_sync (connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                 "org.freedesktop.DBus", "NameHasOwner",
                                 g_variant_new ("(s)", name), G_VARIANT_TYPE ("(b)"),
                                 G_DBUS_CALL_FLAGS_NONE, 2000, NULL, NULL);
  gboolean owned = FALSE;

  if (reply != NULL)
    g_variant_get (reply, "(b)", &owned);
  return owned;
}

gboolean
ferry_test_start_private_keyring (const char  *dir,
                                  char       **why_not)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GDBusConnection) connection = NULL;
  g_autofree char *address = NULL;
  g_autofree char *data_home = g_build_filename (dir, "data", NULL);
  g_autofree char *runtime = g_build_filename (dir, "keyring-run", NULL);
  g_autofree char *dbus = g_find_program_in_path ("dbus-daemon");
  g_autofree char *gkd = g_find_program_in_path ("gnome-keyring-daemon");
  GOutputStream *in;

  if (dbus == NULL || gkd == NULL)
    {
      *why_not = g_strdup ("dbus-daemon or gnome-keyring-daemon is missing (build-aux/install-deps.sh)");
      return FALSE;
    }
  g_mkdir_with_parents (data_home, 0700);
  g_mkdir_with_parents (runtime, 0700);

  /* A bus of our own: nothing reaches the user's keyring, whatever session
   * bus the test runs under. */
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  bus = g_subprocess_launcher_spawn (launcher, &error, dbus, "--session", "--nofork",
                                     "--print-address=1", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (bus));
  address = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (address);
  g_strstrip (address);
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", address, TRUE);
  g_clear_object (&launcher);

  /* gnome-keyring, its keyrings in @dir, unlocked with a password on stdin
   * (a new "login" keyring the first time). */
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                        G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data_home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_RUNTIME_DIR", runtime, TRUE);
  g_subprocess_launcher_setenv (launcher, "HOME", dir, TRUE);
  keyring = g_subprocess_launcher_spawn (launcher, &error, gkd, "--foreground", "--unlock",
                                         "--components=secrets", NULL);
  g_assert_no_error (error);
  in = g_subprocess_get_stdin_pipe (keyring);
  g_output_stream_write_all (in, "test keyring", 12, NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_close (in, NULL, NULL);

  connection = g_dbus_connection_new_for_address_sync (address,
                                                       G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                       G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                       NULL, NULL, &error);
  g_assert_no_error (error);
  /* Asking before gnome-keyring owns its name would start a second one
   * through D-Bus activation, locked. */
  for (guint i = 0; i < 200 && !name_has_owner (connection, "org.freedesktop.secrets"); i++)
    g_usleep (25000);
  if (!name_has_owner (connection, "org.freedesktop.secrets"))
    {
      *why_not = g_strdup ("gnome-keyring-daemon did not start");
      ferry_test_stop_private_keyring ();
      return FALSE;
    }
  g_dbus_connection_close_sync (connection, NULL, NULL);
  return TRUE;
}

static void
stop (GSubprocess **process)
{
  if (*process == NULL)
    return;
  g_subprocess_send_signal (*process, SIGTERM);
  g_subprocess_wait (*process, NULL, NULL);
  g_clear_object (process);
}

void
ferry_test_stop_private_keyring (void)
{
  stop (&keyring);
  stop (&bus);
}

static char *
script_path (void)
{
  const char *source = g_getenv ("FERRY_SOURCE_DIR");

  return g_build_filename (source ? source : ".", "tests", "integration", "sasl-node.sh", NULL);
}

gboolean
ferry_test_start_sasl_node (const char  *dir,
                            char       **why_not)
{
  g_autofree char *script = script_path ();
  g_autofree char *port = g_strdup_printf ("%d", FERRY_TEST_SASL_PORT);
  g_autofree char *tls_port = g_strdup_printf ("%d", FERRY_TEST_TLS_PORT);
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { script, "start", dir, port, FERRY_TEST_SASL_USER,
                         FERRY_TEST_SASL_PASSWORD, tls_port, NULL };
  int status = 0;

  if (getuid () != 0)
    {
      *why_not = g_strdup ("the password-protected libvirtd needs root (a private mount namespace)");
      return FALSE;
    }
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                     NULL, &err, &status, &error))
    {
      *why_not = g_strdup (error->message);
      return FALSE;
    }
  if (WIFEXITED (status) && WEXITSTATUS (status) == 77)
    {
      *why_not = g_strdup_printf ("sasl-node.sh cannot run here: %s", err ? err : "");
      return FALSE;
    }
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("sasl-node.sh failed: %s\n%s", error->message, err ? err : "");
  return TRUE;
}

void
ferry_test_stop_sasl_node (const char *dir)
{
  g_autofree char *script = script_path ();
  const char *argv[] = { script, "stop", dir, NULL };

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, NULL, NULL, NULL, NULL);
}

char *
ferry_test_sasl_node_uri (void)
{
  return g_strdup_printf ("qemu+tcp://127.0.0.1:%d/system", FERRY_TEST_SASL_PORT);
}

gpointer
ferry_test_run_in_thread (GThreadFunc func,
                          gpointer    data)
{
  return g_thread_join (g_thread_new ("ferry-test", func, data));
}
