/* ferry-console-target.c — how to reach a VM's VNC display
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Three ways to a VNC server, chosen from the node's URI and the display's
 * listen address in the live domain XML:
 *  - FD: over a local UNIX-socket connection libvirt itself hands out a
 *    connected socket (virDomainOpenGraphicsFD); it works whatever QEMU
 *    listens on, but not over tcp/tls/ssh connections.
 *  - SSH: for ssh-like URIs, `ssh -W ADDRESS:PORT` on the node forwards our
 *    stdin/stdout to the VNC port, so a display that listens only on the
 *    host's loopback (the default) is reachable, encrypted, and through the
 *    same door libvirt uses. ssh runs from an argument vector built from
 *    values that were validated twice (ferry-uri.c and here): no shell ever
 *    sees them, and none can be read as an ssh option. Consoles of one host
 *    share one ssh connection (ControlMaster).
 *  - TCP: otherwise straight to the listen address (the node's own host for
 *    0.0.0.0 / ::), when that address can be reached from here.
 *
 * libvirt calls run on the node's worker; connecting (up to seconds for ssh)
 * runs in a GTask thread so that the node's few workers stay free.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "ferry-askpass-server.h"
#include "ferry-console-target.h"
#include "ferry-console-target-private.h"
#include "ferry-core.h"
#include "ferry-credentials-private.h"
#include "ferry-domain-xml.h"
#include "ferry-libvirt.h"
#include "ferry-node-private.h"
#include "ferry-uri.h"

G_DEFINE_QUARK (ferry-console-error-quark, ferry_console_error)


#define TCP_TIMEOUT_S  10
/* ssh: ConnectTimeout plus authentication and the channel to QEMU. */
#define SSH_TIMEOUT_MS 20000
/* sockaddr_un's sun_path (108) minus what ssh adds while it creates the
 * socket (".XXXXXXXXXXXXXXXX") and "/ferry-ssh-" + %C (40 hex digits). */
#define CONTROL_DIR_MAX (104 - 17 - 11 - 40)

const char *
ferry_console_transport_to_string (FerryConsoleTransport transport)
{
  switch (transport)
    {
    case FERRY_CONSOLE_TRANSPORT_FD:
      return "fd";
    case FERRY_CONSOLE_TRANSPORT_TCP:
      return "tcp";
    case FERRY_CONSOLE_TRANSPORT_SSH:
      return "ssh";
    default:
      return "unknown";
    }
}

/* ---------------------------------------------------------------------- */
/* Pure parts                                                              */

void
_ferry_console_vnc_free (FerryConsoleVnc *vnc)
{
  if (vnc == NULL)
    return;
  g_free (vnc->listen);
  g_free (vnc->socket);
  ferry_secret_free (vnc->password);
  g_free (vnc);
}

void
_ferry_console_route_clear (FerryConsoleRoute *route)
{
  g_clear_pointer (&route->host, g_free);
  route->port = -1;
}

FerryConsoleVnc *
_ferry_console_parse_vnc (const char  *xml,
                          const char  *vm_name,
                          GError     **error)
{
  g_autoptr(FerryDomainXml) dom = NULL;
  g_autoptr(FerryConsoleVnc) vnc = NULL;
  const FerryDomainGraphics *graphics = NULL;
  GPtrArray *all;
  int index = -1;

  if ((dom = ferry_domain_xml_new (xml, error)) == NULL)
    return NULL;

  /* Only a live XML has a domain id (and real ports). */
  if (!ferry_domain_xml_is_active (dom))
    {
      g_set_error (error, FERRY_CONSOLE_ERROR, FERRY_CONSOLE_ERROR_NOT_RUNNING,
                   _("“%s” is not running"), vm_name);
      return NULL;
    }

  /* Every <graphics>, whatever its type: the index is libvirt's. */
  all = ferry_domain_xml_get_graphics (dom);
  for (guint i = 0; i < all->len && graphics == NULL; i++)
    {
      const FerryDomainGraphics *g = g_ptr_array_index (all, i);

      if (g_strcmp0 (g->type, "vnc") == 0)
        {
          graphics = g;
          index = (int) i;
        }
    }
  if (graphics == NULL)
    {
      g_set_error (error, FERRY_CONSOLE_ERROR, FERRY_CONSOLE_ERROR_NO_VNC,
                   _("“%s” has no VNC display"), vm_name);
      return NULL;
    }

  vnc = g_new0 (FerryConsoleVnc, 1);
  vnc->index = index;
  vnc->port = graphics->port;
  vnc->listen = g_strdup (graphics->listen);
  vnc->socket = g_strdup (graphics->socket);
  vnc->no_listen = graphics->no_listen;
  /* A secret: _ferry_console_vnc_free() wipes this copy. */
  vnc->password = g_strdup (graphics->password);

  if (vnc->port <= 0 && vnc->socket == NULL && !vnc->no_listen)
    {
      g_set_error (error, FERRY_CONSOLE_ERROR, FERRY_CONSOLE_ERROR_NO_VNC,
                   _("The VNC display of “%s” has no port"), vm_name);
      return NULL;
    }

  return g_steal_pointer (&vnc);
}

static gboolean
only_chars (const char *s,
            const char *extra)
{
  for (; *s != '\0'; s++)
    {
      if (!g_ascii_isalnum (*s) && strchr (extra, *s) == NULL)
        return FALSE;
    }
  return TRUE;
}

/* What may go on ssh's command line as a host name or -W target: a host
 * name or an IP address, nothing an option parser or a config-file line
 * could read as something else. ferry-uri.c checked the URI already; this
 * is the second lock, and the listen address comes from domain XML. */
static gboolean
is_safe_host (const char *host)
{
  if (host == NULL || host[0] == '\0' || host[0] == '-' || strlen (host) > 253)
    return FALSE;
  if (g_hostname_is_ip_address (host))
    return TRUE;
  return only_chars (host, ".-");
}

static gboolean
is_safe_user (const char *user)
{
  return user[0] != '\0' && user[0] != '-' && only_chars (user, "._-");
}

/* Paths that go into "-o Option=value" (parsed like a config-file line,
 * with %-tokens) and -i: the characters ferry-uri.c allows, no spaces,
 * quotes or "%". */
static gboolean
is_safe_path (const char *path)
{
  return path != NULL && path[0] == '/' && only_chars (path, "/._+,@=-");
}

static gboolean
is_loopback (const char *address)
{
  g_autoptr(GInetAddress) inet = NULL;

  if (address == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (address, "localhost") == 0 ||
      g_ascii_strcasecmp (address, "localhost.") == 0 ||
      g_ascii_strcasecmp (address, "localhost.localdomain") == 0)
    return TRUE;
  inet = g_inet_address_new_from_string (address);
  return inet != NULL && g_inet_address_get_is_loopback (inet);
}

static gboolean
is_wildcard (const char *address)
{
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (address);

  return inet != NULL && g_inet_address_get_is_any (inet);
}

typedef struct
{
  char *scheme;
  char *user;
  char *host;
  int   port;
  char *query;
} UriParts;

static void
uri_parts_clear (UriParts *parts)
{
  g_free (parts->scheme);
  g_free (parts->user);
  g_free (parts->host);
  g_free (parts->query);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (UriParts, uri_parts_clear)

static gboolean
split_uri (const char  *uri,
           UriParts    *parts,
           GError     **error)
{
  g_autoptr(GUri) guri = NULL;
  g_autoptr(GError) local_error = NULL;

  if (!ferry_uri_validate (uri, error))
    return FALSE;

  guri = g_uri_parse (uri, G_URI_FLAGS_ENCODED_QUERY, &local_error);
  if (guri == NULL)
    {
      g_set_error (error, FERRY_CONSOLE_ERROR, FERRY_CONSOLE_ERROR_FAILED,
                   _("The connection URI could not be read (%s)."), local_error->message);
      return FALSE;
    }
  parts->scheme = g_strdup (g_uri_get_scheme (guri));
  parts->user = g_strdup (g_uri_get_userinfo (guri));
  parts->host = g_strdup (g_uri_get_host (guri));
  parts->port = g_uri_get_port (guri);
  parts->query = g_strdup (g_uri_get_query (guri));
  return TRUE;
}

static gboolean
is_ssh_scheme (const char *scheme)
{
  return g_str_equal (scheme, "qemu+ssh") ||
         g_str_equal (scheme, "qemu+libssh") ||
         g_str_equal (scheme, "qemu+libssh2");
}

gboolean
_ferry_console_choose_route (const char             *uri,
                             const FerryConsoleVnc  *vnc,
                             const char             *vm_name,
                             FerryConsoleRoute      *route,
                             GError                **error)
{
  g_auto(UriParts) parts = { 0 };

  route->host = NULL;
  route->port = -1;

  if (!split_uri (uri, &parts, error))
    return FALSE;

  /* A local UNIX-socket connection: libvirt passes us a connected fd,
   * whatever (and wherever) QEMU listens on. */
  if (g_str_equal (parts.scheme, "qemu") || g_str_equal (parts.scheme, "qemu+unix"))
    {
      route->transport = FERRY_CONSOLE_TRANSPORT_FD;
      return TRUE;
    }

  if (g_str_equal (parts.scheme, "test"))
    {
      g_set_error (error, FERRY_CONSOLE_ERROR, FERRY_CONSOLE_ERROR_UNSUPPORTED,
                   _("“%s” runs on libvirt’s test driver, which has no real consoles"),
                   vm_name);
      return FALSE;
    }

  if (vnc->port <= 0)
    {
      g_set_error (error, FERRY_CONSOLE_ERROR, FERRY_CONSOLE_ERROR_UNSUPPORTED,
                   _("The VNC display of “%s” has no network port (it is on a UNIX socket "
                     "of its host). Ferry can open it only over a local connection "
                     "(qemu:///system or qemu+unix://)."),
                   vm_name);
      return FALSE;
    }

  if (is_ssh_scheme (parts.scheme))
    {
      /* Always through ssh: it reaches a loopback-only display, it is
       * encrypted, and it needs no firewall opening beyond the one libvirt
       * already uses. A wildcard address listens on loopback too. */
      const char *target;

      if (vnc->listen == NULL || is_loopback (vnc->listen))
        target = vnc->listen != NULL && g_hostname_is_ip_address (vnc->listen) ? vnc->listen : "127.0.0.1";
      else if (is_wildcard (vnc->listen))
        target = strchr (vnc->listen, ':') != NULL ? "::1" : "127.0.0.1";
      else
        target = vnc->listen;

      if (!is_safe_host (target))
        {
          g_autofree char *shown = g_strescape (target, NULL);

          g_set_error (error, FERRY_CONSOLE_ERROR, FERRY_CONSOLE_ERROR_UNSUPPORTED,
                       _("The VNC display of “%s” listens on “%s”, which is not a host name "
                         "or an IP address"),
                       vm_name, shown);
          return FALSE;
        }
      route->transport = FERRY_CONSOLE_TRANSPORT_SSH;
      route->host = g_strdup (target);
      route->port = vnc->port;
      return TRUE;
    }

  /* tcp and tls: straight to the VNC port. */
  if (vnc->listen == NULL || is_loopback (vnc->listen))
    {
      /* QEMU's default listen address is 127.0.0.1: reachable only when the
       * node is this machine. */
      if (!is_loopback (parts.host))
        {
          g_set_error (error, FERRY_CONSOLE_ERROR, FERRY_CONSOLE_ERROR_UNREACHABLE,
                       _("The VNC display of “%s” listens only on the loopback address of "
                         "%s, which cannot be reached from here. Connect to the host with "
                         "qemu+ssh:// to open it through ssh, or make the display listen "
                         "on a network address."),
                       vm_name, parts.host);
          return FALSE;
        }
      route->host = g_strdup (vnc->listen != NULL && g_hostname_is_ip_address (vnc->listen)
                              ? vnc->listen : parts.host);
    }
  else if (is_wildcard (vnc->listen))
    route->host = g_strdup (parts.host);
  else
    route->host = g_strdup (vnc->listen);

  route->transport = FERRY_CONSOLE_TRANSPORT_TCP;
  route->port = vnc->port;
  return TRUE;
}

static char *
lookup_param (const char *query,
              const char *name)
{
  g_autoptr(GHashTable) table = NULL;

  if (query == NULL || query[0] == '\0')
    return NULL;
  table = g_uri_parse_params (query, -1, "&;", G_URI_PARAMS_NONE, NULL);
  if (table == NULL)
    return NULL;
  return g_strdup (g_hash_table_lookup (table, name));
}

GStrv
_ferry_console_build_ssh_argv (const char  *uri,
                               const char  *target_host,
                               int          target_port,
                               const char  *control_dir,
                               GError     **error)
{
  g_auto(UriParts) parts = { 0 };
  g_autoptr(GStrvBuilder) argv = NULL;
  g_autofree char *keyfile = NULL;
  g_autofree char *known_hosts = NULL;
  g_autofree char *no_verify = NULL;
  g_autofree char *known_hosts_verify = NULL;
  g_autofree char *forward = NULL;

  if (!split_uri (uri, &parts, error))
    return NULL;

  if (!is_ssh_scheme (parts.scheme))
    {
      g_set_error (error, FERRY_CONSOLE_ERROR, FERRY_CONSOLE_ERROR_UNSUPPORTED,
                   _("“%s” is not an ssh connection"), parts.scheme);
      return NULL;
    }

  /* Second lock behind ferry_uri_validate(): nothing that ssh could read
   * as an option, even if the checks there were loosened one day. */
  if (!is_safe_host (parts.host))
    {
      g_autofree char *shown = g_strescape (parts.host ? parts.host : "", NULL);

      g_set_error (error, FERRY_CONSOLE_ERROR, FERRY_CONSOLE_ERROR_SSH,
                   _("“%s” is not a valid host name"), shown);
      return NULL;
    }
  if (parts.user != NULL && !is_safe_user (parts.user))
    {
      g_autofree char *shown = g_strescape (parts.user, NULL);

      g_set_error (error, FERRY_CONSOLE_ERROR, FERRY_CONSOLE_ERROR_SSH,
                   _("“%s” is not a valid user name"), shown);
      return NULL;
    }
  if (!is_safe_host (target_host) || target_port < 1 || target_port > 65535)
    {
      g_autofree char *shown = g_strescape (target_host ? target_host : "", NULL);

      g_set_error (error, FERRY_CONSOLE_ERROR, FERRY_CONSOLE_ERROR_SSH,
                   _("“%s” port %d is not a valid VNC address"), shown, target_port);
      return NULL;
    }

  keyfile = lookup_param (parts.query, "keyfile");
  known_hosts = lookup_param (parts.query, "known_hosts");
  no_verify = lookup_param (parts.query, "no_verify");
  known_hosts_verify = lookup_param (parts.query, "known_hosts_verify");
  if ((keyfile != NULL && !is_safe_path (keyfile)) ||
      (known_hosts != NULL && !is_safe_path (known_hosts)))
    {
      g_set_error (error, FERRY_CONSOLE_ERROR, FERRY_CONSOLE_ERROR_SSH,
                   _("The key file and known-hosts file must be absolute paths made of "
                     "letters, digits and the characters / . _ - + , @ and =."));
      return NULL;
    }

  argv = g_strv_builder_new ();
  g_strv_builder_add_many (argv,
                           "ssh",
                           "-T",                 /* no terminal */
                           "-x", "-a",           /* no X11 or agent forwarding */
                           "-e", "none",         /* no escape character in the VNC stream */
                           "-o", "BatchMode=yes",/* never prompt: there is no terminal */
                           "-o", "ClearAllForwardings=yes",
                           "-o", "ConnectTimeout=10",
                           "-o", "LogLevel=ERROR",
                           NULL);

  /* One ssh connection per host for all its consoles. */
  if (control_dir != NULL && is_safe_path (control_dir) && strlen (control_dir) <= CONTROL_DIR_MAX)
    {
      g_autofree char *control_path = g_strdup_printf ("ControlPath=%s/ferry-ssh-%%C", control_dir);

      g_strv_builder_add_many (argv,
                               "-o", "ControlMaster=auto",
                               "-o", control_path,
                               "-o", "ControlPersist=60",
                               NULL);
    }
  else
    g_strv_builder_add_many (argv, "-o", "ControlMaster=no", "-o", "ControlPath=none", NULL);

  if (parts.port > 0)
    {
      g_autofree char *port = g_strdup_printf ("%d", parts.port);

      g_strv_builder_add_many (argv, "-p", port, NULL);
    }
  if (parts.user != NULL)
    g_strv_builder_add_many (argv, "-l", parts.user, NULL);
  if (keyfile != NULL)
    g_strv_builder_add_many (argv, "-i", keyfile, NULL);
  if (known_hosts != NULL)
    {
      g_autofree char *option = g_strdup_printf ("UserKnownHostsFile=%s", known_hosts);

      g_strv_builder_add_many (argv, "-o", option, NULL);
    }
  /* As libvirt does with the same parameters. */
  if (g_strcmp0 (no_verify, "1") == 0 || g_strcmp0 (known_hosts_verify, "ignore") == 0)
    g_strv_builder_add_many (argv, "-o", "StrictHostKeyChecking=no", NULL);
  else if (g_strcmp0 (known_hosts_verify, "auto") == 0)
    g_strv_builder_add_many (argv, "-o", "StrictHostKeyChecking=accept-new", NULL);

  if (strchr (target_host, ':') != NULL)
    forward = g_strdup_printf ("[%s]:%d", target_host, target_port);
  else
    forward = g_strdup_printf ("%s:%d", target_host, target_port);
  g_strv_builder_add_many (argv, "-W", forward, "--", parts.host, NULL);

  return g_strv_builder_end (argv);
}

/* ---------------------------------------------------------------------- */
/* Opening                                                                 */

typedef struct
{
  int                    fd;
  char                  *password;
  FerryConsoleTransport  transport;
} ConsoleResult;

static void
console_result_free (ConsoleResult *result)
{
  if (result->fd >= 0)
    close (result->fd);
  ferry_secret_free (result->password);
  g_free (result);
}

typedef struct
{
  char              *uuid;
  char              *name;
  char              *uri;
  FerryNode         *node;
  FerryConsoleVnc   *vnc;
  FerryConsoleRoute  route;
  int                fd;      /* FD transport: from libvirt */
} OpenData;

static void
open_data_free (OpenData *data)
{
  g_free (data->uuid);
  g_free (data->name);
  g_free (data->uri);
  g_clear_object (&data->node);
  g_clear_pointer (&data->vnc, _ferry_console_vnc_free);
  _ferry_console_route_clear (&data->route);
  if (data->fd >= 0)
    close (data->fd);
  g_free (data);
}

/* The fds we return are plain blocking sockets, whatever made them. */
static gboolean
normalize_fd (int      fd,
              GError **error)
{
  int flags = fcntl (fd, F_GETFL);

  if (flags < 0 ||
      fcntl (fd, F_SETFL, flags & ~O_NONBLOCK) < 0 ||
      fcntl (fd, F_SETFD, FD_CLOEXEC) < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "%s", g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

static void
return_result (GTask                 *task,
               int                    fd,
               FerryConsoleTransport  transport)
{
  OpenData *data = g_task_get_task_data (task);
  ConsoleResult *result = g_new0 (ConsoleResult, 1);

  result->fd = fd;
  result->transport = transport;
  result->password = g_steal_pointer (&data->vnc->password);
  g_task_return_pointer (task, result, (GDestroyNotify) console_result_free);
}

/* On the node's worker: the live XML, the route, and for local
 * connections the fd itself. */
static void
resolve_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  OpenData *data = task_data;
  g_autoptr(GError) error = NULL;
  virConnectPtr conn;
  virDomainPtr domain = NULL;
  char *xml = NULL;
  int active;

  domain = _ferry_node_lookup_domain (data->node, data->uuid, data->name, &conn, &error);
  if (domain == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  active = virDomainIsActive (domain);
  if (active < 0)
    {
      ferry_libvirt_set_error (&error, _("Could not read the state of “%s”"), data->name);
      goto out;
    }
  if (active == 0)
    {
      g_set_error (&error, FERRY_CONSOLE_ERROR, FERRY_CONSOLE_ERROR_NOT_RUNNING,
                   _("“%s” is not running"), data->name);
      goto out;
    }

  /* SECURE: the VNC password is only in the XML with it. */
  xml = virDomainGetXMLDesc (domain, VIR_DOMAIN_XML_SECURE);
  if (xml == NULL)
    {
      ferry_libvirt_set_error (&error, _("Could not read the configuration of “%s”"), data->name);
      goto out;
    }

  data->vnc = _ferry_console_parse_vnc (xml, data->name, &error);
  if (data->vnc == NULL)
    goto out;

  if (!_ferry_console_choose_route (data->uri, data->vnc, data->name, &data->route, &error))
    goto out;

  if (g_cancellable_set_error_if_cancelled (cancellable, &error))
    goto out;

  if (data->route.transport == FERRY_CONSOLE_TRANSPORT_FD)
    {
      data->fd = virDomainOpenGraphicsFD (domain, (unsigned int) data->vnc->index, 0);
      if (data->fd < 0)
        {
          ferry_libvirt_set_error (&error, _("Could not open the display of “%s”"), data->name);
          goto out;
        }
      if (!normalize_fd (data->fd, &error))
        goto out;
    }

out:
  if (xml != NULL)
    {
      /* It holds the VNC password. */
      explicit_bzero (xml, strlen (xml));
      free (xml);
    }
  if (domain != NULL)
    virDomainFree (domain);
  virConnectClose (conn);

  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
tcp_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  OpenData *data = task_data;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnectable) address = NULL;
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  int fd;

  g_socket_client_set_timeout (client, TCP_TIMEOUT_S);
  address = g_network_address_new (data->route.host, (guint16) data->route.port);
  connection = g_socket_client_connect (client, address, cancellable, &error);
  if (connection == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, FERRY_CONSOLE_ERROR, FERRY_CONSOLE_ERROR_CONNECT,
                                 _("Could not connect to the display of “%s” at %s port %d: %s"),
                                 data->name, data->route.host, data->route.port, error->message);
      return;
    }

  fd = fcntl (g_socket_get_fd (g_socket_connection_get_socket (connection)), F_DUPFD_CLOEXEC, 3);
  if (fd < 0 || !normalize_fd (fd, &error))
    {
      int saved_errno = errno;

      if (fd >= 0)
        close (fd);
      if (error != NULL)
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                                 "%s", g_strerror (saved_errno));
      return;
    }
  return_result (task, fd, FERRY_CONSOLE_TRANSPORT_TCP);
}

/* The last non-empty line ssh wrote, for the error message. */
static char *
read_ssh_error (int fd)
{
  char buffer[4096];
  ssize_t n;
  g_auto(GStrv) lines = NULL;
  const char *last = NULL;

  n = pread (fd, buffer, sizeof buffer - 1, 0);
  if (n <= 0)
    return NULL;
  buffer[n] = '\0';
  lines = g_strsplit (buffer, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_strstrip (lines[i]);
      if (lines[i][0] != '\0')
        last = lines[i];
    }
  return last ? g_utf8_make_valid (last, -1) : NULL;
}

/* All that ssh wrote, explained when it is about host keys or logins
 * (ferry-credentials.c), else NULL. */
static char *
explain_ssh_failure (int         fd,
                     const char *uri)
{
  char buffer[8192];
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  ssize_t n = pread (fd, buffer, sizeof buffer - 1, 0);

  if (n <= 0)
    return NULL;
  buffer[n] = '\0';
  text = g_utf8_make_valid (buffer, n);
  error = g_error_new_literal (FERRY_CONSOLE_ERROR, FERRY_CONSOLE_ERROR_SSH, text);
  _ferry_credentials_explain_error (uri, &error);
  if (error->domain == FERRY_CONSOLE_ERROR)
    return NULL;
  return g_strdup (error->message);
}

static int
open_stderr_file (GError **error)
{
  g_autofree char *path = NULL;
  int fd = g_file_open_tmp ("ferry-ssh-XXXXXX", &path, error);

  if (fd < 0)
    return -1;
  /* Unlinked at once: nothing to clean up, and ssh can write as much as
   * it likes without ever blocking on a pipe nobody reads. */
  g_unlink (path);
  fcntl (fd, F_SETFD, FD_CLOEXEC);
  return fd;
}

/* ssh's questions go to Ferry's dialog (SSH_ASKPASS): for whom, in it. */
static gboolean
prepare_askpass (GSubprocessLauncher *launcher,
                 const char          *uri)
{
  g_auto(UriParts) parts = { 0 };
  g_autofree char *destination = NULL;

  if (!split_uri (uri, &parts, NULL))
    return FALSE;
  destination = parts.user ? g_strdup_printf ("%s@%s", parts.user, parts.host) : g_strdup (parts.host);
  return ferry_askpass_prepare_launcher (launcher, destination, parts.port);
}

/* _ferry_console_build_ssh_argv() forbids questions (BatchMode=yes); with
 * the askpass channel up, ssh may ask. */
static void
allow_questions (GStrv argv)
{
  for (guint i = 0; argv[i] != NULL; i++)
    {
      if (g_str_equal (argv[i], "BatchMode=yes"))
        {
          g_free (argv[i]);
          argv[i] = g_strdup ("BatchMode=no");
        }
    }
}

static void
ssh_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  OpenData *data = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) ssh = NULL;
  g_auto(GStrv) argv = NULL;
  g_autofree char *control_dir = NULL;
  g_autofree char *ssh_error = NULL;
  g_autofree char *explained = NULL;
  GPollFD fds[2];
  int n_fds = 1;
  int sv[2] = { -1, -1 };
  int err_fd = -1;
  gint64 deadline;
  gboolean ok = FALSE;

  control_dir = g_strdup (g_get_user_runtime_dir ());
  argv = _ferry_console_build_ssh_argv (data->uri, data->route.host, data->route.port,
                                        control_dir, &error);
  if (argv == NULL)
    goto out;

  err_fd = open_stderr_file (&error);
  if (err_fd < 0)
    goto out;

  /* One end is ssh's stdin and stdout, the other the VNC stream. */
  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
    {
      int saved_errno = errno;

      g_set_error (&error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "%s", g_strerror (saved_errno));
      goto out;
    }

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_take_stdin_fd (launcher, sv[1]);
  g_subprocess_launcher_take_stdout_fd (launcher, fcntl (sv[1], F_DUPFD_CLOEXEC, 3));
  g_subprocess_launcher_take_stderr_fd (launcher, fcntl (err_fd, F_DUPFD_CLOEXEC, 3));
  sv[1] = -1;
  /* Never on a terminal. ssh may ask through Ferry's own dialog when the
   * askpass channel is up (ferry-askpass-server.c); otherwise, nothing. */
  g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
  if (prepare_askpass (launcher, data->uri))
    allow_questions (argv);
  else
    g_subprocess_launcher_unsetenv (launcher, "SSH_ASKPASS");
  ssh = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv, &error);
  /* Drops our copies of ssh's end: only ssh holds it now, so its exit is
   * an EOF on ours. */
  g_clear_object (&launcher);
  if (ssh == NULL)
    {
      if (g_error_matches (error, G_SPAWN_ERROR, G_SPAWN_ERROR_NOENT))
        {
          g_clear_error (&error);
          g_set_error_literal (&error, FERRY_CONSOLE_ERROR, FERRY_CONSOLE_ERROR_SSH,
                               _("ssh is not installed on this computer: consoles of hosts "
                                 "reached over ssh need OpenSSH’s client (Debian: openssh-client)."));
        }
      else
        g_prefix_error (&error, _("Could not run ssh: "));
      goto out;
    }

  /* The VNC server speaks first: its first byte proves the whole path
   * (ssh, authentication, the channel to QEMU). ssh exiting closes the
   * socket instead. */
  fds[0].fd = sv[0];
  fds[0].events = G_IO_IN | G_IO_HUP | G_IO_ERR;
  if (g_cancellable_make_pollfd (cancellable, &fds[1]))
    n_fds = 2;
  deadline = g_get_monotonic_time () + SSH_TIMEOUT_MS * G_TIME_SPAN_MILLISECOND;
  for (;;)
    {
      gint64 remaining = (deadline - g_get_monotonic_time ()) / G_TIME_SPAN_MILLISECOND;
      char byte;
      ssize_t n;
      int r;

      if (remaining <= 0 && _ferry_credentials_is_asking_about (data->uri))
        {
          /* Someone is typing ssh's password: wait for them. */
          deadline = g_get_monotonic_time () + SSH_TIMEOUT_MS * G_TIME_SPAN_MILLISECOND;
          continue;
        }
      if (remaining <= 0)
        {
          g_set_error (&error, FERRY_CONSOLE_ERROR, FERRY_CONSOLE_ERROR_SSH,
                       _("The display of “%s” did not answer through ssh within %d seconds"),
                       data->name, SSH_TIMEOUT_MS / 1000);
          break;
        }
      fds[0].revents = 0;
      if (n_fds == 2)
        fds[1].revents = 0;
      r = g_poll (fds, n_fds, (int) remaining);
      if (r < 0 && errno == EINTR)
        continue;
      if (g_cancellable_set_error_if_cancelled (cancellable, &error))
        break;
      if (r <= 0)
        continue;

      n = recv (sv[0], &byte, 1, MSG_PEEK);
      if (n < 0 && errno == EINTR)
        continue;
      if (n > 0)
        {
          ok = TRUE;
          break;
        }

      /* EOF: ssh failed or the server closed at once. */
      if (g_subprocess_wait (ssh, cancellable, NULL))
        ssh_error = read_ssh_error (err_fd);
      if (g_cancellable_set_error_if_cancelled (cancellable, &error))
        break;
      /* "stdio forwarding failed", or through a shared connection "Stdio
       * forwarding request failed: Session open refused by peer". */
      if (ssh_error != NULL && strstr (ssh_error, "tdio forwarding") != NULL)
        g_set_error (&error, FERRY_CONSOLE_ERROR, FERRY_CONSOLE_ERROR_SSH,
                     _("Could not open the display of “%s” through ssh: the host refused to "
                       "forward the connection to its VNC port (%s port %d). Its ssh server "
                       "must allow TCP forwarding (AllowTcpForwarding, PermitOpen)."),
                     data->name, data->route.host, data->route.port);
      else if ((explained = explain_ssh_failure (err_fd, data->uri)) != NULL)
        /* A changed or refused host key, a refused login: in plain words. */
        g_set_error (&error, FERRY_CONSOLE_ERROR, FERRY_CONSOLE_ERROR_SSH,
                     _("Could not open the display of “%s” through ssh: %s"),
                     data->name, explained);
      else if (ssh_error != NULL)
        g_set_error (&error, FERRY_CONSOLE_ERROR, FERRY_CONSOLE_ERROR_SSH,
                     _("Could not open the display of “%s” through ssh: %s"),
                     data->name, ssh_error);
      else
        g_set_error (&error, FERRY_CONSOLE_ERROR, FERRY_CONSOLE_ERROR_SSH,
                     _("Could not open the display of “%s” through ssh: the connection "
                       "was closed"),
                     data->name);
      break;
    }
  if (n_fds == 2)
    g_cancellable_release_fd (cancellable);

  if (!ok)
    g_subprocess_force_exit (ssh);

out:
  if (err_fd >= 0)
    close (err_fd);
  if (!ok)
    {
      if (sv[0] >= 0)
        close (sv[0]);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* GSubprocess keeps itself alive until ssh exits and reaps it then;
   * ssh exits when the caller closes the fd (EOF on its stdin). */
  if (!normalize_fd (sv[0], &error))
    {
      close (sv[0]);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  return_result (task, sv[0], FERRY_CONSOLE_TRANSPORT_SSH);
}

static void
resolve_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OpenData *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }

  switch (data->route.transport)
    {
    case FERRY_CONSOLE_TRANSPORT_FD:
      return_result (task, g_steal_fd (&data->fd), FERRY_CONSOLE_TRANSPORT_FD);
      break;
    case FERRY_CONSOLE_TRANSPORT_TCP:
      g_task_run_in_thread (task, tcp_thread);
      break;
    case FERRY_CONSOLE_TRANSPORT_SSH:
      g_task_run_in_thread (task, ssh_thread);
      break;
    default:
      g_assert_not_reached ();
    }
}

void
ferry_vm_open_console_async (FerryVm             *vm,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) resolve = NULL;
  OpenData *data;
  FerryNode *node;

  g_return_if_fail (FERRY_IS_VM (vm));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (vm, cancellable, callback, user_data);
  g_task_set_source_tag (task, ferry_vm_open_console_async);

  node = ferry_vm_get_node (vm);
  if (node == NULL)
    {
      g_task_return_new_error (task, FERRY_LIBVIRT_ERROR, FERRY_LIBVIRT_ERROR_NOT_CONNECTED,
                               _("“%s” is not on any connected node"), ferry_vm_get_name (vm));
      return;
    }

  data = g_new0 (OpenData, 1);
  data->uuid = g_strdup (ferry_vm_get_uuid (vm));
  data->name = g_strdup (ferry_vm_get_name (vm));
  data->uri = g_strdup (ferry_node_get_uri (node));
  data->node = g_object_ref (node);
  data->fd = -1;
  data->route.port = -1;
  g_task_set_task_data (task, data, (GDestroyNotify) open_data_free);

  resolve = g_task_new (vm, cancellable, resolve_done, g_object_ref (task));
  g_task_set_source_tag (resolve, ferry_vm_open_console_async);
  g_task_set_task_data (resolve, data, NULL);
  _ferry_node_run_in_worker (node, resolve, resolve_thread);
}

int
ferry_vm_open_console_finish (FerryVm                *vm,
                              GAsyncResult           *result,
                              char                  **password,
                              FerryConsoleTransport  *transport,
                              GError                **error)
{
  ConsoleResult *console;
  int fd;

  g_return_val_if_fail (g_task_is_valid (result, vm), -1);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ferry_vm_open_console_async, -1);

  console = g_task_propagate_pointer (G_TASK (result), error);
  if (console == NULL)
    return -1;

  fd = g_steal_fd (&console->fd);
  if (password != NULL)
    *password = g_steal_pointer (&console->password);
  if (transport != NULL)
    *transport = console->transport;
  console_result_free (console);
  return fd;
}
