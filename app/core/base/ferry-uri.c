/* ferry-uri.c — validation and naming of libvirt connection URIs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A connection URI ends up in libvirt, and for the ssh transport parts of it
 * end up on an ssh command line and in a shell on the node. So we accept a
 * deliberately small subset of what libvirt understands: the QEMU driver over
 * the transports an administrator needs, with every component checked against
 * a character set that cannot be read as an option or a shell construct.
 *
 * GUri does the RFC 3986 parsing. What matters about it here:
 *  - "qemu:///system" gives host "" (not NULL); "qemu:system" gives host NULL.
 *  - userinfo, host and path come back percent-decoded (G_URI_FLAGS_NONE), so
 *    "%20" or "%0A" show up as real characters and are caught by the checks
 *    below, which is what libvirt itself would see after its own decoding.
 *  - the scheme is lower-cased, ports above 65535 are a parse error but port 0
 *    is accepted, and non-ASCII host names are converted to punycode.
 *  - the query is kept encoded (G_URI_FLAGS_ENCODED_QUERY) and split with
 *    GUriParamsIter so that an escaped "&" inside a value stays in the value.
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "ferry-uri.h"

G_DEFINE_QUARK (ferry-uri-error-quark, ferry_uri_error)

typedef enum
{
  TRANSPORT_LOCAL,   /* qemu:///system: libvirt's default local socket */
  TRANSPORT_UNIX,
  TRANSPORT_SSH,
  TRANSPORT_LIBSSH,
  TRANSPORT_LIBSSH2,
  TRANSPORT_TCP,
  TRANSPORT_TLS,
  TRANSPORT_TEST,
} Transport;

#define T(t) (1u << (t))
#define SSH_LIKE (T (TRANSPORT_SSH) | T (TRANSPORT_LIBSSH) | T (TRANSPORT_LIBSSH2))
#define DAEMON_ANY (T (TRANSPORT_LOCAL) | T (TRANSPORT_UNIX) | SSH_LIKE | \
                    T (TRANSPORT_TCP) | T (TRANSPORT_TLS))

typedef struct
{
  const char *scheme;
  const char *transport_name;
  Transport   transport;
  gboolean    remote;
  int         default_port;
} SchemeInfo;

static const SchemeInfo schemes[] = {
  { "qemu",         "local",   TRANSPORT_LOCAL,   FALSE, -1 },
  { "qemu+unix",    "unix",    TRANSPORT_UNIX,    FALSE, -1 },
  { "qemu+ssh",     "ssh",     TRANSPORT_SSH,     TRUE,  22 },
  { "qemu+libssh",  "libssh",  TRANSPORT_LIBSSH,  TRUE,  22 },
  { "qemu+libssh2", "libssh2", TRANSPORT_LIBSSH2, TRUE,  22 },
  { "qemu+tcp",     "tcp",     TRANSPORT_TCP,     TRUE,  16509 },
  { "qemu+tls",     "tls",     TRANSPORT_TLS,     TRUE,  16514 },
  { "test",         "test",    TRANSPORT_TEST,    FALSE, -1 },
};

typedef enum
{
  VALUE_BOOL,
  VALUE_PATH,
  VALUE_ENUM,
  VALUE_SSHAUTH,
  VALUE_NAME,
  VALUE_TLS_PRIORITY,
} ValueKind;

typedef struct
{
  const char  *name;
  guint        transports;
  ValueKind    kind;
  const char  *choices;   /* VALUE_ENUM: '|'-separated */
} ParamInfo;

/* From libvirt's docs/uri.rst, per transport. "command" and "netcat" are
 * handled before this table: both name a program that gets run. */
static const ParamInfo params[] = {
  { "name",               DAEMON_ANY,                                VALUE_NAME,         NULL },
  { "socket",             T (TRANSPORT_LOCAL) | T (TRANSPORT_UNIX) | SSH_LIKE,
                                                                     VALUE_PATH,         NULL },
  { "mode",               T (TRANSPORT_LOCAL) | T (TRANSPORT_UNIX) | SSH_LIKE,
                                                                     VALUE_ENUM,         "auto|direct|legacy" },
  { "proxy",              SSH_LIKE,                                  VALUE_ENUM,         "auto|netcat|native" },
  { "keyfile",            SSH_LIKE,                                  VALUE_PATH,         NULL },
  { "no_verify",          T (TRANSPORT_SSH) | T (TRANSPORT_TLS),     VALUE_BOOL,         NULL },
  { "no_tty",             T (TRANSPORT_SSH),                         VALUE_BOOL,         NULL },
  { "known_hosts",        T (TRANSPORT_LIBSSH) | T (TRANSPORT_LIBSSH2), VALUE_PATH,      NULL },
  { "known_hosts_verify", T (TRANSPORT_LIBSSH) | T (TRANSPORT_LIBSSH2), VALUE_ENUM,      "normal|auto|ignore" },
  { "sshauth",            T (TRANSPORT_LIBSSH) | T (TRANSPORT_LIBSSH2), VALUE_SSHAUTH,   NULL },
  { "pkipath",            T (TRANSPORT_TLS),                         VALUE_PATH,         NULL },
  { "tls_priority",       T (TRANSPORT_TLS),                         VALUE_TLS_PRIORITY, NULL },
};

typedef struct
{
  const SchemeInfo *info;
  char             *user;   /* NULL when absent */
  char             *host;   /* NULL for local URIs; IPv6 without brackets */
  int               port;   /* -1 when absent */
  char             *path;
} ParsedUri;

static void
parsed_uri_free (ParsedUri *parsed)
{
  g_free (parsed->user);
  g_free (parsed->host);
  g_free (parsed->path);
  g_free (parsed);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ParsedUri, parsed_uri_free)

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

static gboolean
has_control_or_space (const char *s)
{
  for (; *s != '\0'; s++)
    {
      if (g_ascii_iscntrl (*s) || g_ascii_isspace (*s))
        return TRUE;
    }

  return FALSE;
}

static gboolean
is_blank (const char *s)
{
  if (s == NULL)
    return TRUE;

  for (; *s != '\0'; s++)
    {
      if (!g_ascii_isspace (*s))
        return FALSE;
    }

  return TRUE;
}

static gboolean
is_ipv6_literal (const char *s)
{
  return strchr (s, ':') != NULL && g_hostname_is_ip_address (s);
}

/* Host names go to ssh as an argument and to getaddrinfo(); a leading "-"
 * would be parsed by ssh as an option (-oProxyCommand=… runs a command). */
static gboolean
check_hostname (const char  *host,
                GError     **error)
{
  /* Decoded %0A and friends must not reach a dialog as real line breaks. */
  g_autofree char *shown = g_strescape (host, NULL);
  const char *label;
  gsize len = strlen (host);

  if (host[0] == '-')
    {
      g_set_error (error, FERRY_URI_ERROR, FERRY_URI_ERROR_HOST,
                   _("The host name “%s” starts with “-”, so ssh would read it as an option. "
                     "Host names cannot start with “-”."),
                   shown);
      return FALSE;
    }

  if (len == 0 || len > 253 || !only_chars (host, ".-"))
    {
      g_set_error (error, FERRY_URI_ERROR, FERRY_URI_ERROR_HOST,
                   _("“%s” is not a valid host name. Host names may contain only letters, digits, "
                     "dots and hyphens; write IPv6 addresses in brackets, as in [2001:db8::1]."),
                   shown);
      return FALSE;
    }

  /* Each dot-separated label must be 1..63 characters; a final dot
   * (a fully qualified name) is allowed. */
  label = host;
  while (*label != '\0')
    {
      const char *dot = strchr (label, '.');
      gsize label_len = dot ? (gsize) (dot - label) : strlen (label);

      if (label_len == 0 || label_len > 63)
        {
          g_set_error (error, FERRY_URI_ERROR, FERRY_URI_ERROR_HOST,
                       _("“%s” is not a valid host name: each part between dots must have "
                         "1 to 63 characters."),
                       shown);
          return FALSE;
        }

      if (dot == NULL)
        break;
      label = dot + 1;
    }

  return TRUE;
}

static gboolean
check_user (const char  *user,
            GError     **error)
{
  g_autofree char *shown = g_strescape (user, NULL);

  if (user[0] == '\0')
    {
      g_set_error (error, FERRY_URI_ERROR, FERRY_URI_ERROR_HOST,
                   _("The user name before “@” is empty. Remove the “@” or add a user name."));
      return FALSE;
    }

  if (strchr (user, ':') != NULL)
    {
      g_set_error (error, FERRY_URI_ERROR, FERRY_URI_ERROR_HOST,
                   _("Passwords cannot be part of a connection URI. "
                     "Remove the “:” and the password, and use an SSH key or agent instead."));
      return FALSE;
    }

  if (user[0] == '-')
    {
      g_set_error (error, FERRY_URI_ERROR, FERRY_URI_ERROR_HOST,
                   _("The user name “%s” starts with “-”, so ssh would read it as an option. "
                     "User names cannot start with “-”."),
                   shown);
      return FALSE;
    }

  if (!only_chars (user, "._-"))
    {
      g_set_error (error, FERRY_URI_ERROR, FERRY_URI_ERROR_HOST,
                   _("“%s” is not a valid user name. User names may contain only letters, "
                     "digits, dots, underscores and hyphens."),
                   shown);
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_choice (const char *value,
              const char *choices)
{
  g_auto(GStrv) list = g_strsplit (choices, "|", -1);

  return g_strv_contains ((const char * const *) list, value);
}

static gboolean
check_param_value (const ParamInfo  *param,
                   const char       *value,
                   GError          **error)
{
  switch (param->kind)
    {
    case VALUE_BOOL:
      if (g_str_equal (value, "0") || g_str_equal (value, "1"))
        return TRUE;
      g_set_error (error, FERRY_URI_ERROR, FERRY_URI_ERROR_PARAMETER,
                   _("The “%s” parameter must be 0 or 1."), param->name);
      return FALSE;

    case VALUE_PATH:
      /* Paths can reach a shell on the node (socket= with the ssh transport),
       * so only characters that no shell treats specially. */
      if (value[0] == '/' && only_chars (value, "/._+,@=-"))
        return TRUE;
      g_set_error (error, FERRY_URI_ERROR, FERRY_URI_ERROR_PARAMETER,
                   _("The “%s” parameter must be an absolute path, made of letters, digits "
                     "and the characters / . _ - + , @ and =."),
                   param->name);
      return FALSE;

    case VALUE_ENUM:
      if (check_choice (value, param->choices))
        return TRUE;
      {
        g_auto(GStrv) list = g_strsplit (param->choices, "|", -1);
        g_autofree char *joined = g_strjoinv (", ", list);

        g_set_error (error, FERRY_URI_ERROR, FERRY_URI_ERROR_PARAMETER,
                     _("The “%s” parameter must be one of: %s."), param->name, joined);
      }
      return FALSE;

    case VALUE_SSHAUTH:
      {
        g_auto(GStrv) methods = g_strsplit (value, ",", -1);

        for (guint i = 0; methods[i] != NULL; i++)
          {
            if (!check_choice (methods[i], "agent|privkey|password|keyboard-interactive"))
              {
                g_set_error (error, FERRY_URI_ERROR, FERRY_URI_ERROR_PARAMETER,
                             _("The “sshauth” parameter must be a comma-separated list of: "
                               "agent, privkey, password, keyboard-interactive."));
                return FALSE;
              }
          }
      }
      return TRUE;

    case VALUE_NAME:
      if (value[0] != '\0' && value[0] != '-' && only_chars (value, "+.:/_-"))
        return TRUE;
      g_set_error (error, FERRY_URI_ERROR, FERRY_URI_ERROR_PARAMETER,
                   _("The “name” parameter must be a plain libvirt URI such as qemu:///system."));
      return FALSE;

    case VALUE_TLS_PRIORITY:
      if (value[0] != '\0' && only_chars (value, ":+._%!-"))
        return TRUE;
      g_set_error (error, FERRY_URI_ERROR, FERRY_URI_ERROR_PARAMETER,
                   _("The “tls_priority” parameter must be a GnuTLS priority string "
                     "such as NORMAL:-VERS-TLS1.0."));
      return FALSE;

    default:
      g_assert_not_reached ();
    }
}

static gboolean
check_params (const SchemeInfo  *info,
              const char        *query,
              GError           **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GError) local_error = NULL;
  GUriParamsIter iter;
  char *attr;
  char *value;

  /* libvirt splits its parameters on both "&" and ";". */
  g_uri_params_iter_init (&iter, query, -1, "&;", G_URI_PARAMS_NONE);
  while (g_uri_params_iter_next (&iter, &attr, &value, &local_error))
    {
      g_autofree char *name = attr;
      g_autofree char *val = value;
      const ParamInfo *param = NULL;

      if (g_str_equal (name, "command"))
        {
          g_set_error (error, FERRY_URI_ERROR, FERRY_URI_ERROR_PARAMETER,
                       _("The “command” parameter makes libvirt run an arbitrary program to "
                         "connect. Ferry does not allow it; remove the parameter."));
          return FALSE;
        }

      if (g_str_equal (name, "netcat"))
        {
          g_set_error (error, FERRY_URI_ERROR, FERRY_URI_ERROR_PARAMETER,
                       _("The “netcat” parameter names a command that the node’s shell runs, "
                         "so it could run anything there. Ferry does not allow it; install "
                         "“nc” or virt-ssh-helper on the node instead."));
          return FALSE;
        }

      for (guint i = 0; i < G_N_ELEMENTS (params); i++)
        {
          if (g_str_equal (params[i].name, name))
            {
              param = &params[i];
              break;
            }
        }

      if (param == NULL)
        {
          g_set_error (error, FERRY_URI_ERROR, FERRY_URI_ERROR_PARAMETER,
                       _("Unknown parameter “%s”. Ferry understands: name, socket, mode, proxy, "
                         "keyfile, no_verify, no_tty, known_hosts, known_hosts_verify, "
                         "sshauth, pkipath and tls_priority."),
                       name);
          return FALSE;
        }

      if ((param->transports & T (info->transport)) == 0)
        {
          g_set_error (error, FERRY_URI_ERROR, FERRY_URI_ERROR_PARAMETER,
                       _("The “%s” parameter does not apply to “%s” URIs."),
                       name, info->scheme);
          return FALSE;
        }

      if (g_hash_table_contains (seen, name))
        {
          g_set_error (error, FERRY_URI_ERROR, FERRY_URI_ERROR_PARAMETER,
                       _("The “%s” parameter is given more than once."), name);
          return FALSE;
        }

      if (!check_param_value (param, val, error))
        return FALSE;

      g_hash_table_add (seen, g_steal_pointer (&name));
    }

  if (local_error != NULL)
    {
      g_set_error (error, FERRY_URI_ERROR, FERRY_URI_ERROR_PARAMETER,
                   _("The parameters after “?” are malformed (%s). "
                     "Each must look like name=value, separated by “&”."),
                   local_error->message);
      return FALSE;
    }

  return TRUE;
}

static ParsedUri *
parse_uri (const char  *uri,
           GError     **error)
{
  g_autoptr(ParsedUri) parsed = NULL;
  g_autoptr(GUri) guri = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *scheme;
  const SchemeInfo *info = NULL;
  const char *host;
  const char *user;
  const char *path;
  const char *query;

  if (is_blank (uri))
    {
      g_set_error (error, FERRY_URI_ERROR, FERRY_URI_ERROR_EMPTY,
                   _("Enter a connection URI, such as qemu+ssh://root@host.example.com/system."));
      return NULL;
    }

  /* libvirt's URI parser (libxml2) does not accept raw non-ASCII either. */
  for (const char *p = uri; *p != '\0'; p++)
    {
      if ((guchar) *p >= 0x80)
        {
          g_set_error (error, FERRY_URI_ERROR, FERRY_URI_ERROR_SYNTAX,
                       _("Connection URIs may contain only ASCII characters; "
                         "write other characters with %%-escapes."));
          return NULL;
        }
    }

  if (has_control_or_space (uri))
    {
      g_set_error (error, FERRY_URI_ERROR, FERRY_URI_ERROR_SYNTAX,
                   _("Connection URIs cannot contain spaces, line breaks or other control "
                     "characters."));
      return NULL;
    }

  scheme = g_uri_peek_scheme (uri);
  if (scheme == NULL)
    {
      g_set_error (error, FERRY_URI_ERROR, FERRY_URI_ERROR_SYNTAX,
                   _("“%s” is not a connection URI. Connection URIs look like "
                     "qemu:///system or qemu+ssh://host/system."),
                   uri);
      return NULL;
    }

  for (guint i = 0; i < G_N_ELEMENTS (schemes); i++)
    {
      if (g_str_equal (schemes[i].scheme, scheme))
        {
          info = &schemes[i];
          break;
        }
    }

  if (info == NULL)
    {
      if (g_str_has_suffix (scheme, "+ext"))
        g_set_error (error, FERRY_URI_ERROR, FERRY_URI_ERROR_SCHEME,
                     _("The “ext” transport runs an arbitrary command to reach the node, "
                       "so Ferry does not allow it. Use qemu+ssh:// instead."));
      else if (g_str_has_prefix (scheme, "qemu+"))
        g_set_error (error, FERRY_URI_ERROR, FERRY_URI_ERROR_SCHEME,
                     _("Unknown transport “%s”. Use qemu:///system, qemu+ssh://, qemu+tls://, "
                       "qemu+tcp:// or qemu+unix://."),
                     scheme);
      else
        g_set_error (error, FERRY_URI_ERROR, FERRY_URI_ERROR_SCHEME,
                     _("Ferry manages QEMU/KVM hosts only, not “%s”. Use qemu:///system, "
                       "qemu+ssh://, qemu+tls://, qemu+tcp:// or qemu+unix://."),
                     scheme);
      return NULL;
    }

  guri = g_uri_parse (uri, G_URI_FLAGS_ENCODED_QUERY, &local_error);
  if (guri == NULL)
    {
      if (g_error_matches (local_error, G_URI_ERROR, G_URI_ERROR_BAD_PORT))
        g_set_error (error, FERRY_URI_ERROR, FERRY_URI_ERROR_HOST,
                     _("The port must be a number from 1 to 65535."));
      else
        g_set_error (error, FERRY_URI_ERROR, FERRY_URI_ERROR_SYNTAX,
                     _("The connection URI could not be read (%s)."), local_error->message);
      return NULL;
    }

  if (g_uri_get_fragment (guri) != NULL)
    {
      g_set_error (error, FERRY_URI_ERROR, FERRY_URI_ERROR_SYNTAX,
                   _("Connection URIs cannot contain a “#” part."));
      return NULL;
    }

  host = g_uri_get_host (guri);
  if (host == NULL)
    {
      g_set_error (error, FERRY_URI_ERROR, FERRY_URI_ERROR_SYNTAX,
                   _("“%s:” must be followed by “//”, as in qemu:///system or "
                     "qemu+ssh://host/system."),
                   scheme);
      return NULL;
    }

  parsed = g_new0 (ParsedUri, 1);
  parsed->info = info;
  parsed->port = g_uri_get_port (guri);
  user = g_uri_get_userinfo (guri);
  path = g_uri_get_path (guri);

  if (info->remote)
    {
      if (host[0] == '\0')
        {
          g_set_error (error, FERRY_URI_ERROR, FERRY_URI_ERROR_HOST,
                       _("The %s transport connects to another machine: add its host name, "
                         "as in %s://host.example.com/system."),
                       info->transport_name, info->scheme);
          return NULL;
        }

      /* A ":" can only come from a bracketed literal or a decoded %3A. */
      if (strchr (host, ':') != NULL)
        {
          if (!is_ipv6_literal (host))
            {
              g_autofree char *shown = g_strescape (host, NULL);

              g_set_error (error, FERRY_URI_ERROR, FERRY_URI_ERROR_HOST,
                           _("“%s” is not a valid IPv6 address."), shown);
              return NULL;
            }
        }
      else if (!check_hostname (host, error))
        return NULL;

      if (user != NULL && !check_user (user, error))
        return NULL;

      if (parsed->port == 0)
        {
          g_set_error (error, FERRY_URI_ERROR, FERRY_URI_ERROR_HOST,
                       _("The port must be a number from 1 to 65535."));
          return NULL;
        }

      parsed->host = g_strdup (host);
      parsed->user = g_strdup (user);
    }
  else if (host[0] != '\0' || user != NULL || parsed->port != -1)
    {
      if (info->transport == TRANSPORT_LOCAL)
        g_set_error (error, FERRY_URI_ERROR, FERRY_URI_ERROR_HOST,
                     _("A qemu:// URI with a host name means a TLS connection. Write "
                       "qemu+tls://%s/system (or qemu+ssh://) for another machine, or "
                       "qemu:///system for this one."),
                     host);
      else if (info->transport == TRANSPORT_UNIX)
        g_set_error (error, FERRY_URI_ERROR, FERRY_URI_ERROR_HOST,
                     _("The unix transport only reaches this machine, so it takes no host, "
                       "user or port. Use qemu+unix:///system, or qemu+ssh:// for another "
                       "machine."));
      else
        g_set_error (error, FERRY_URI_ERROR, FERRY_URI_ERROR_HOST,
                     _("test:// URIs take no host, user or port: use test:///default."));
      return NULL;
    }

  if (has_control_or_space (path))
    {
      g_set_error (error, FERRY_URI_ERROR, FERRY_URI_ERROR_PATH,
                   _("The path of a connection URI cannot contain spaces or control "
                     "characters."));
      return NULL;
    }

  if (info->transport == TRANSPORT_TEST)
    {
      if (path[0] != '/' || g_str_has_suffix (path, "/"))
        {
          g_set_error (error, FERRY_URI_ERROR, FERRY_URI_ERROR_PATH,
                       _("test:// URIs need test:///default or the absolute path of a "
                         "file, as in test:///srv/hosts.xml."));
          return NULL;
        }
    }
  else if (!g_str_equal (path, "/system") && !g_str_equal (path, "/session"))
    {
      g_set_error (error, FERRY_URI_ERROR, FERRY_URI_ERROR_PATH,
                   _("The URI must end with /system (the system daemon) or /session, "
                     "as in %s://%s/system."),
                   info->scheme, parsed->host ? parsed->host : "");
      return NULL;
    }
  parsed->path = g_strdup (path);

  query = g_uri_get_query (guri);
  if (query != NULL && query[0] != '\0' && !check_params (info, query, error))
    return NULL;

  return g_steal_pointer (&parsed);
}

/**
 * ferry_uri_validate:
 * @uri: (nullable): a libvirt connection URI
 * @error: return location for a #FERRY_URI_ERROR
 *
 * Checks that @uri is a connection URI that Ferry is willing to hand to
 * libvirt. The error message is a sentence meant for the administrator.
 */
gboolean
ferry_uri_validate (const char  *uri,
                    GError     **error)
{
  g_autoptr(ParsedUri) parsed = parse_uri (uri, error);

  return parsed != NULL;
}

static char *
format_host_port (const ParsedUri *parsed)
{
  gboolean show_port = parsed->port != -1 && parsed->port != parsed->info->default_port;

  if (!show_port)
    return g_strdup (parsed->host);
  if (strchr (parsed->host, ':') != NULL)
    return g_strdup_printf ("[%s]:%d", parsed->host, parsed->port);
  return g_strdup_printf ("%s:%d", parsed->host, parsed->port);
}

/**
 * ferry_uri_display_name:
 * @uri: a libvirt connection URI
 *
 * Returns: (transfer full) (nullable): a short human name for @uri, or %NULL
 *   when @uri is not valid.
 */
char *
ferry_uri_display_name (const char *uri)
{
  g_autoptr(ParsedUri) parsed = parse_uri (uri, NULL);
  g_autofree char *base = NULL;

  if (parsed == NULL)
    return NULL;

  if (parsed->info->transport == TRANSPORT_TEST)
    {
      if (g_str_equal (parsed->path, "/default"))
        return g_strdup ("test");
      return g_path_get_basename (parsed->path);
    }

  base = parsed->host ? format_host_port (parsed) : g_strdup ("localhost");

  if (g_str_equal (parsed->path, "/session"))
    /* Translators: %s is a host name; a session daemon runs per user */
    return g_strdup_printf (_("%s (session)"), base);

  return g_steal_pointer (&base);
}

/**
 * ferry_uri_is_remote:
 * @uri: a libvirt connection URI
 *
 * Returns: %TRUE when @uri is valid and its transport crosses the network.
 */
gboolean
ferry_uri_is_remote (const char *uri)
{
  g_autoptr(ParsedUri) parsed = parse_uri (uri, NULL);

  return parsed != NULL && parsed->info->remote;
}

/**
 * ferry_uri_get_host:
 * @uri: a libvirt connection URI
 *
 * Returns: (transfer full) (nullable): the host of a valid remote URI
 *   (IPv6 literals without brackets), or %NULL for a local or invalid one.
 */
char *
ferry_uri_get_host (const char *uri)
{
  g_autoptr(ParsedUri) parsed = parse_uri (uri, NULL);

  if (parsed == NULL)
    return NULL;
  return g_steal_pointer (&parsed->host);
}

/**
 * ferry_migration_address_validate:
 * @address: (nullable): what the administrator typed as migration address
 * @error: return location for a #FERRY_URI_ERROR
 *
 * An empty or %NULL address means "not set" and is valid. Otherwise it must
 * be a host name or an IP address, without port or scheme: libvirt builds the
 * migration URI around it and picks the port itself.
 */
gboolean
ferry_migration_address_validate (const char  *address,
                                  GError     **error)
{
  g_autofree char *inner = NULL;
  gsize len;

  /* Not set: libvirt then uses the node's own host name. */
  if (address == NULL || address[0] == '\0')
    return TRUE;

  len = strlen (address);
  for (gsize i = 0; i < len; i++)
    {
      guchar c = address[i];

      if (c >= 0x80 || g_ascii_iscntrl (c) || g_ascii_isspace (c))
        {
          g_set_error (error, FERRY_URI_ERROR, FERRY_URI_ERROR_HOST,
                       _("The migration address cannot contain spaces, control characters "
                         "or non-ASCII characters."));
          return FALSE;
        }
    }

  if (strstr (address, "://") != NULL)
    {
      g_set_error (error, FERRY_URI_ERROR, FERRY_URI_ERROR_HOST,
                   _("Enter only a host name or IP address as migration address, "
                     "without a scheme such as “tcp://”."));
      return FALSE;
    }

  if (address[0] == '[')
    {
      if (address[len - 1] != ']')
        {
          g_set_error (error, FERRY_URI_ERROR, FERRY_URI_ERROR_HOST,
                       _("Enter the migration address without a port: libvirt chooses the "
                         "migration port itself."));
          return FALSE;
        }

      inner = g_strndup (address + 1, len - 2);
      if (!is_ipv6_literal (inner))
        {
          g_set_error (error, FERRY_URI_ERROR, FERRY_URI_ERROR_HOST,
                       _("“%s” is not a valid IPv6 address."), inner);
          return FALSE;
        }
      return TRUE;
    }

  if (g_hostname_is_ip_address (address))
    return TRUE;

  if (strchr (address, '/') != NULL)
    {
      g_set_error (error, FERRY_URI_ERROR, FERRY_URI_ERROR_HOST,
                   _("Enter only a host name or IP address as migration address, "
                     "without a path."));
      return FALSE;
    }

  if (strchr (address, ':') != NULL)
    {
      if (strchr (address, ':') == strrchr (address, ':'))
        g_set_error (error, FERRY_URI_ERROR, FERRY_URI_ERROR_HOST,
                     _("Enter the migration address without a port: libvirt chooses the "
                       "migration port itself."));
      else
        g_set_error (error, FERRY_URI_ERROR, FERRY_URI_ERROR_HOST,
                     _("“%s” is not a valid IPv6 address."), address);
      return FALSE;
    }

  return check_hostname (address, error);
}
