/* ferry-askpass.c — Ferry's SSH_ASKPASS helper
 *
 * Installed in libexecdir and never run by people. Ferry makes a private
 * directory with two symbolic links to it (app/core/base/ferry-askpass-server.c):
 *
 *   …/askpass PROMPT   ssh runs this (SSH_ASKPASS) when it needs an answer:
 *                      the question goes to the running Ferry through the
 *                      socket next to it, Ferry shows its dialog, and the
 *                      answer is printed for ssh. Exit status 1 when the
 *                      user cancels.
 *   …/ssh ARGS…        libvirt runs this instead of ssh (the URI's
 *                      "command" parameter): it sets SSH_ASKPASS and
 *                      SSH_ASKPASS_REQUIRE=force, which libvirt's filtered
 *                      environment would not let through, and runs the real
 *                      ssh with the same arguments.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <glib.h>

#define MAGIC "ferry-askpass-1"

static void
wipe (char   *data,
      gsize   len)
{
  if (data != NULL)
    explicit_bzero (data, len);
}

/* ---------------------------------------------------------------------- */
/* ssh wrapper                                                             */

/* Options of ssh(1) that take an argument. */
static gboolean
takes_argument (char option)
{
  return option != '\0' && strchr ("BbcDEeFIiJLlmOoPpQRSWw", option) != NULL;
}

static char *
find_real_ssh (void)
{
  const char *path = g_getenv ("PATH");
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_auto(GStrv) dirs = g_strsplit (path && *path ? path : "/usr/local/bin:/usr/bin:/bin", ":", -1);

  for (guint i = 0; dirs[i] != NULL; i++)
    {
      g_autofree char *candidate = NULL;
      g_autofree char *resolved = NULL;

      if (!g_path_is_absolute (dirs[i]))
        continue;
      candidate = g_build_filename (dirs[i], "ssh", NULL);
      if (!g_file_test (candidate, G_FILE_TEST_IS_REGULAR) || access (candidate, X_OK) != 0)
        continue;
      /* Never ourselves, should our directory ever be on PATH. */
      resolved = realpath (candidate, NULL);
      if (resolved != NULL && self != NULL && g_str_equal (resolved, self))
        {
          free (g_steal_pointer (&resolved));
          continue;
        }
      free (g_steal_pointer (&resolved));
      return g_steal_pointer (&candidate);
    }
  return NULL;
}

static int
run_ssh (const char  *dir,
         int          argc,
         char       **argv)
{
  g_autofree char *ssh = find_real_ssh ();
  g_autofree char *askpass = g_build_filename (dir, "askpass", NULL);
  g_autofree char *destination = NULL;
  const char *user = NULL;
  const char *port = NULL;
  const char *host = NULL;

  if (ssh == NULL)
    {
      fprintf (stderr, "ferry-askpass: ssh was not found in PATH\n");
      return 255;
    }

  /* Who we talk to, for the dialog: ssh [options] [--] destination … */
  for (int i = 1; i < argc; i++)
    {
      const char *arg = argv[i];

      if (g_str_equal (arg, "--"))
        {
          host = i + 1 < argc ? argv[i + 1] : NULL;
          break;
        }
      if (arg[0] != '-' || arg[1] == '\0')
        {
          host = arg;
          break;
        }
      if (takes_argument (arg[1]))
        {
          const char *value = arg[2] != '\0' ? arg + 2 : (i + 1 < argc ? argv[++i] : NULL);

          if (arg[1] == 'l')
            user = value;
          else if (arg[1] == 'p')
            port = value;
        }
    }
  if (host != NULL && user != NULL && strchr (host, '@') == NULL)
    destination = g_strdup_printf ("%s@%s", user, host);
  else
    destination = g_strdup (host ? host : "");

  g_setenv ("SSH_ASKPASS", askpass, TRUE);
  g_setenv ("SSH_ASKPASS_REQUIRE", "force", TRUE);
  g_setenv ("FERRY_ASKPASS_DESTINATION", destination, TRUE);
  if (port != NULL)
    g_setenv ("FERRY_ASKPASS_PORT", port, TRUE);
  else
    g_unsetenv ("FERRY_ASKPASS_PORT");

  argv[0] = (char *) "ssh";
  execv (ssh, argv);
  fprintf (stderr, "ferry-askpass: could not run %s: %s\n", ssh, g_strerror (errno));
  return 255;
}

/* ---------------------------------------------------------------------- */
/* askpass                                                                 */

static gboolean
write_all (int          fd,
           const char  *data,
           gsize        len)
{
  while (len > 0)
    {
      ssize_t n = write (fd, data, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      data += n;
      len -= (gsize) n;
    }
  return TRUE;
}

static int
run_askpass (const char *dir,
             int         argc,
             char      **argv)
{
  const char *prompt = argc > 1 ? argv[1] : "";
  const char *type = g_getenv ("SSH_ASKPASS_PROMPT");
  const char *destination = g_getenv ("FERRY_ASKPASS_DESTINATION");
  const char *port = g_getenv ("FERRY_ASKPASS_PORT");
  g_autofree char *token_path = g_build_filename (dir, "token", NULL);
  g_autofree char *socket_path = g_build_filename (dir, "socket", NULL);
  g_autofree char *token = NULL;
  g_autoptr(GString) request = g_string_new (NULL);
  g_autoptr(GByteArray) reply = g_byte_array_new ();
  struct sockaddr_un address = { .sun_family = AF_UNIX };
  char buffer[4096];
  int fd;
  int status = 1;

  /* A notification ("Confirm user presence for key …"): nothing to answer. */
  if (g_strcmp0 (type, "none") == 0)
    return 0;

  if (!g_file_get_contents (token_path, &token, NULL, NULL) ||
      strlen (socket_path) >= sizeof address.sun_path)
    {
      fprintf (stderr, "ferry-askpass: Ferry is not running (no %s)\n", token_path);
      return 1;
    }
  g_strstrip (token);

  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  memcpy (address.sun_path, socket_path, strlen (socket_path) + 1);
  if (fd < 0 || connect (fd, (struct sockaddr *) &address, sizeof address) < 0)
    {
      fprintf (stderr, "ferry-askpass: cannot reach Ferry: %s\n", g_strerror (errno));
      if (fd >= 0)
        close (fd);
      return 1;
    }

  g_string_append_len (request, MAGIC, sizeof MAGIC);
  g_string_append_len (request, token, strlen (token) + 1);
  if (g_strcmp0 (type, "confirm") == 0)
    g_string_append_len (request, "confirm", sizeof "confirm");
  else
    g_string_append_len (request, "secret", sizeof "secret");
  g_string_append_len (request, destination ? destination : "", strlen (destination ? destination : "") + 1);
  g_string_append_len (request, port ? port : "", strlen (port ? port : "") + 1);
  g_string_append_len (request, prompt, strlen (prompt) + 1);
  wipe (token, strlen (token));

  if (!write_all (fd, request->str, request->len) || shutdown (fd, SHUT_WR) < 0)
    {
      fprintf (stderr, "ferry-askpass: cannot reach Ferry: %s\n", g_strerror (errno));
      close (fd);
      return 1;
    }

  /* The person may take their time: no timeout. If Ferry goes away, the
   * socket closes and this ends. */
  for (;;)
    {
      ssize_t n = read (fd, buffer, sizeof buffer);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      g_byte_array_append (reply, (const guint8 *) buffer, (guint) n);
    }
  close (fd);
  wipe (buffer, sizeof buffer);

  if (reply->len >= 1 && reply->data[0] == '1')
    {
      if (write_all (STDOUT_FILENO, (const char *) reply->data + 1, reply->len - 1) &&
          write_all (STDOUT_FILENO, "\n", 1))
        status = 0;
    }
  wipe ((char *) reply->data, reply->len);
  return status;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *name = NULL;
  g_autofree char *dir = NULL;

  if (argc < 1)
    return 1;
  name = g_path_get_basename (argv[0]);
  dir = g_path_get_dirname (argv[0]);

  if (g_str_equal (name, "ssh"))
    return run_ssh (dir, argc, argv);
  return run_askpass (dir, argc, argv);
}
