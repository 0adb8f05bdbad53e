/* test-uri.c — connection URI validation and naming
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib.h>
#include <string.h>

#include "ferry-uri.h"

static const char *valid_uris[] = {
  "qemu:///system",
  "qemu:///session",
  "QEMU:///system",
  "qemu+unix:///system",
  "qemu+unix:///session",
  "qemu+unix:///system?socket=/opt/libvirt/run/libvirt/libvirt-sock",
  "qemu+unix:///system?mode=direct",
  "qemu:///system?socket=/run/libvirt/virtqemud-sock",
  "qemu+ssh://host/system",
  "qemu+ssh://root@host.example.com/system",
  "qemu+ssh://root@host.example.com:2222/system",
  "qemu+ssh://admin.user_1-x@node-01.lab.example.com./system",
  "qemu+ssh://192.0.2.10/system",
  "qemu+ssh://[2001:db8::1]/system",
  "qemu+ssh://root@[2001:db8::1]:2222/system",
  "qemu+ssh://host/session",
  "qemu+ssh://host/system?keyfile=/root/.ssh/id_ed25519&no_tty=1",
  "qemu+ssh://host/system?no_verify=1;no_tty=0",
  "qemu+ssh://host/system?socket=/var/run/libvirt/libvirt-sock&proxy=native&mode=legacy",
  "qemu+ssh://host/system?name=qemu:///system",
  "qemu+ssh://host:/system",
  "qemu+libssh://user@host/system?known_hosts=/home/user/.ssh/known_hosts",
  "qemu+libssh://user@host/system?known_hosts_verify=ignore&sshauth=privkey,agent",
  "qemu+libssh2://user@host/system?sshauth=agent,privkey,password,keyboard-interactive",
  "qemu+tcp://host/system",
  "qemu+tcp://host:16509/system",
  "qemu+tls://host/system",
  "qemu+tls://host:16514/system?no_verify=1&pkipath=/etc/pki/ferry",
  "qemu+tls://host/system?tls_priority=NORMAL:-VERS-TLS1.0",
  "test:///default",
  "test:///srv/hosts/node1.xml",
  "test:///tmp/a%2Bb.xml",
};

static void
test_valid (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (valid_uris); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *name = NULL;

      g_test_message ("valid: %s", valid_uris[i]);
      g_assert_true (ferry_uri_validate (valid_uris[i], &error));
      g_assert_no_error (error);

      name = ferry_uri_display_name (valid_uris[i]);
      g_assert_nonnull (name);
      g_assert_cmpstr (name, !=, "");
    }
}

typedef struct
{
  const char   *uri;
  FerryUriError code;
  const char   *in_message;   /* a word the administrator needs to see */
} InvalidCase;

static const InvalidCase invalid_uris[] = {
  { NULL,                                          FERRY_URI_ERROR_EMPTY,     "Enter" },
  { "",                                            FERRY_URI_ERROR_EMPTY,     "Enter" },
  { "   \t ",                                      FERRY_URI_ERROR_EMPTY,     "Enter" },
  { " qemu:///system",                             FERRY_URI_ERROR_SYNTAX,    "spaces" },
  { "qemu:///system\n",                            FERRY_URI_ERROR_SYNTAX,    "line breaks" },
  { "qemu+ssh://host/system\nqemu:///system",      FERRY_URI_ERROR_SYNTAX,    "control" },
  { "qemu+ssh://ho\x01st/system",                  FERRY_URI_ERROR_SYNTAX,    "control" },
  { "qemu+ssh://hést/system",                      FERRY_URI_ERROR_SYNTAX,    "ASCII" },
  { "system",                                      FERRY_URI_ERROR_SYNTAX,    "not a connection URI" },
  { "qemu:system",                                 FERRY_URI_ERROR_SYNTAX,    "//" },
  { "qemu+ssh://host/system#x",                    FERRY_URI_ERROR_SYNTAX,    "#" },
  { "qemu+ssh://[::1/system",                      FERRY_URI_ERROR_SYNTAX,    "could not be read" },
  { "qemu+foo://host/system",                      FERRY_URI_ERROR_SCHEME,    "qemu+foo" },
  { "xen:///system",                               FERRY_URI_ERROR_SCHEME,    "QEMU" },
  { "http://host/",                                FERRY_URI_ERROR_SCHEME,    "qemu+ssh://" },
  { "qemu+ext:///system?command=/bin/sh",          FERRY_URI_ERROR_SCHEME,    "arbitrary command" },
  { "test+ssh://host/default",                     FERRY_URI_ERROR_SCHEME,    NULL },
  /* Hostile hosts and users: ssh option and shell injection. */
  { "qemu+ssh://-oProxyCommand=touch%20x/system",  FERRY_URI_ERROR_HOST,      "option" },
  { "qemu+ssh://-oProxyCommand=id/system",         FERRY_URI_ERROR_HOST,      "option" },
  { "qemu+ssh://host;rm -rf/system",               FERRY_URI_ERROR_SYNTAX,    "spaces" },
  { "qemu+ssh://host;rm%20-rf/system",             FERRY_URI_ERROR_HOST,      "not a valid host name" },
  { "qemu+ssh://host;id/system",                   FERRY_URI_ERROR_HOST,      "not a valid host name" },
  { "qemu+ssh://host%0Aid/system",                 FERRY_URI_ERROR_HOST,      "“host\\nid” is not" },
  { "qemu+ssh://h%3Ax/system",                     FERRY_URI_ERROR_HOST,      "IPv6" },
  { "qemu+ssh://$(id)@h/system",                   FERRY_URI_ERROR_HOST,      "user name" },
  { "qemu+ssh://`id`@h/system",                    FERRY_URI_ERROR_HOST,      "user name" },
  { "qemu+ssh://-lroot@h/system",                  FERRY_URI_ERROR_HOST,      "option" },
  { "qemu+ssh://root:secret@h/system",             FERRY_URI_ERROR_HOST,      "Passwords" },
  { "qemu+ssh://@h/system",                        FERRY_URI_ERROR_HOST,      "empty" },
  { "qemu+ssh://a..b/system",                      FERRY_URI_ERROR_HOST,      "between dots" },
  { "qemu+ssh:///system",                          FERRY_URI_ERROR_HOST,      "host name" },
  { "qemu+tls:///system",                          FERRY_URI_ERROR_HOST,      "host name" },
  { "qemu+tcp:///system",                          FERRY_URI_ERROR_HOST,      "host name" },
  { "qemu+libssh2:///system",                      FERRY_URI_ERROR_HOST,      "host name" },
  { "qemu+unix://host/system",                     FERRY_URI_ERROR_HOST,      "unix" },
  { "qemu://host/system",                          FERRY_URI_ERROR_HOST,      "qemu+tls://host/system" },
  { "test://host/default",                         FERRY_URI_ERROR_HOST,      "test:///default" },
  { "qemu+ssh://host:70000/system",                FERRY_URI_ERROR_HOST,      "65535" },
  { "qemu+ssh://host:0/system",                    FERRY_URI_ERROR_HOST,      "65535" },
  { "qemu+ssh://host:abc/system",                  FERRY_URI_ERROR_HOST,      "65535" },
  /* Paths. */
  { "qemu:///",                                    FERRY_URI_ERROR_PATH,      "/system" },
  { "qemu+ssh://host",                             FERRY_URI_ERROR_PATH,      "/system" },
  { "qemu+ssh://host/system/",                     FERRY_URI_ERROR_PATH,      "/system" },
  { "qemu:///embed?root=/tmp",                     FERRY_URI_ERROR_PATH,      "/session" },
  { "qemu+ssh://host/System",                      FERRY_URI_ERROR_PATH,      "/system" },
  { "test:///",                                    FERRY_URI_ERROR_PATH,      "test:///default" },
  { "test:///tmp/a%0Ab.xml",                       FERRY_URI_ERROR_PATH,      "control" },
  /* Parameters. */
  { "qemu+ssh://host/system?command=/bin/sh",      FERRY_URI_ERROR_PARAMETER, "arbitrary program" },
  { "qemu+ssh://host/system?netcat=nc",            FERRY_URI_ERROR_PARAMETER, "shell" },
  { "qemu+ssh://host/system?netcat=/bin/sh%20-c%20id", FERRY_URI_ERROR_PARAMETER, "shell" },
  { "qemu+ssh://host/system?foo=1",                FERRY_URI_ERROR_PARAMETER, "Unknown parameter “foo”" },
  { "qemu+ssh://host/system?no_tty",               FERRY_URI_ERROR_PARAMETER, "name=value" },
  { "qemu+ssh://host/system?no_tty=1&&x=2",        FERRY_URI_ERROR_PARAMETER, "name=value" },
  { "qemu+ssh://host/system?no_tty=yes",           FERRY_URI_ERROR_PARAMETER, "0 or 1" },
  { "qemu+ssh://host/system?no_tty=1&no_tty=0",    FERRY_URI_ERROR_PARAMETER, "more than once" },
  { "qemu+ssh://host/system?socket=relative/sock", FERRY_URI_ERROR_PARAMETER, "absolute path" },
  { "qemu+ssh://host/system?socket=/tmp/s;id",     FERRY_URI_ERROR_PARAMETER, "name=value" },
  { "qemu+ssh://host/system?socket=/tmp/s%3Bid",   FERRY_URI_ERROR_PARAMETER, "absolute path" },
  { "qemu+ssh://host/system?socket=/tmp/s%26id",   FERRY_URI_ERROR_PARAMETER, "absolute path" },
  { "qemu+ssh://host/system?socket=/tmp/$(id)",    FERRY_URI_ERROR_PARAMETER, "absolute path" },
  { "qemu+ssh://host/system?socket=/tmp/a%20b",    FERRY_URI_ERROR_PARAMETER, "absolute path" },
  { "qemu+ssh://host/system?socket=%2Ftmp%2Fx%0A", FERRY_URI_ERROR_PARAMETER, "absolute path" },
  { "qemu+ssh://host/system?keyfile=-oProxyCommand=x", FERRY_URI_ERROR_PARAMETER, "absolute path" },
  { "qemu+ssh://host/system?mode=fast",            FERRY_URI_ERROR_PARAMETER, "auto, direct, legacy" },
  { "qemu+ssh://host/system?proxy=socat",          FERRY_URI_ERROR_PARAMETER, "auto, netcat, native" },
  { "qemu+libssh://host/system?sshauth=agent,magic", FERRY_URI_ERROR_PARAMETER, "sshauth" },
  { "qemu+libssh://host/system?known_hosts_verify=maybe", FERRY_URI_ERROR_PARAMETER, "normal" },
  { "qemu+ssh://host/system?name=$(id)",           FERRY_URI_ERROR_PARAMETER, "qemu:///system" },
  { "qemu+ssh://host/system?known_hosts=/k",       FERRY_URI_ERROR_PARAMETER, "does not apply" },
  { "qemu+tcp://host/system?keyfile=/k",           FERRY_URI_ERROR_PARAMETER, "does not apply" },
  { "qemu+tcp://host/system?no_verify=1",          FERRY_URI_ERROR_PARAMETER, "does not apply" },
  { "qemu+unix:///system?no_tty=1",                FERRY_URI_ERROR_PARAMETER, "does not apply" },
  { "qemu+tls://host/system?socket=/x",            FERRY_URI_ERROR_PARAMETER, "does not apply" },
  { "test:///default?name=test:///default",        FERRY_URI_ERROR_PARAMETER, "does not apply" },
};

static void
test_invalid (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (invalid_uris); i++)
    {
      const InvalidCase *c = &invalid_uris[i];
      g_autoptr(GError) error = NULL;

      g_test_message ("invalid: %s", c->uri ? c->uri : "(null)");
      g_assert_false (ferry_uri_validate (c->uri, &error));
      g_assert_error (error, FERRY_URI_ERROR, (int) c->code);
      g_test_message ("  -> %s", error->message);

      /* Shown as is to the administrator: a sentence with its full stop. */
      g_assert_true (g_str_has_suffix (error->message, "."));
      if (c->in_message != NULL)
        g_assert_nonnull (strstr (error->message, c->in_message));

      g_assert_null (ferry_uri_display_name (c->uri));
      g_assert_null (ferry_uri_get_host (c->uri));
      g_assert_false (ferry_uri_is_remote (c->uri));
    }
}

static void
test_unknown_transport_message (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (ferry_uri_validate ("qemu+foo://h/system", &error));
  g_assert_cmpstr (error->message, ==,
                   "Unknown transport “qemu+foo”. Use qemu:///system, qemu+ssh://, "
                   "qemu+tls://, qemu+tcp:// or qemu+unix://.");
}

static void
test_error_is_optional (void)
{
  /* Callers may pass NULL as GError; nothing must crash or warn. */
  g_assert_false (ferry_uri_validate ("qemu+ext:///system", NULL));
  g_assert_false (ferry_uri_validate ("qemu+ssh://host/system?foo=1", NULL));
  g_assert_false (ferry_migration_address_validate ("a b", NULL));
}

typedef struct
{
  const char *uri;
  const char *display_name;
  gboolean    remote;
  const char *host;
} NameCase;

static const NameCase names[] = {
  { "qemu:///system",                             "localhost",              FALSE, NULL },
  { "qemu:///session",                            "localhost (session)",    FALSE, NULL },
  { "qemu+unix:///system",                        "localhost",              FALSE, NULL },
  { "qemu+unix:///session?socket=/run/s",         "localhost (session)",    FALSE, NULL },
  { "test:///default",                            "test",                   FALSE, NULL },
  { "test:///srv/hosts/node1.xml",                "node1.xml",              FALSE, NULL },
  { "qemu+ssh://root@node1.example.com/system",   "node1.example.com",      TRUE,  "node1.example.com" },
  { "qemu+ssh://root@node1:22/system",            "node1",                  TRUE,  "node1" },
  { "qemu+ssh://root@node1:2222/system",          "node1:2222",             TRUE,  "node1" },
  { "qemu+ssh://node1/session",                   "node1 (session)",        TRUE,  "node1" },
  { "qemu+libssh://node2/system",                 "node2",                  TRUE,  "node2" },
  { "qemu+libssh2://node2:22/system",             "node2",                  TRUE,  "node2" },
  { "qemu+tcp://node3/system",                    "node3",                  TRUE,  "node3" },
  { "qemu+tcp://node3:16509/system",              "node3",                  TRUE,  "node3" },
  { "qemu+tcp://node3:16514/system",              "node3:16514",            TRUE,  "node3" },
  { "qemu+tls://node4:16514/system",              "node4",                  TRUE,  "node4" },
  { "qemu+tls://node4:1234/system",               "node4:1234",             TRUE,  "node4" },
  { "qemu+ssh://[2001:db8::1]/system",            "2001:db8::1",            TRUE,  "2001:db8::1" },
  { "qemu+ssh://[2001:db8::1]:2222/system",       "[2001:db8::1]:2222",     TRUE,  "2001:db8::1" },
  { "qemu+ssh://192.0.2.1:2222/system",           "192.0.2.1:2222",         TRUE,  "192.0.2.1" },
};

static void
test_display_names (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *name = ferry_uri_display_name (names[i].uri);
      g_autofree char *host = ferry_uri_get_host (names[i].uri);

      g_test_message ("%s", names[i].uri);
      g_assert_cmpstr (name, ==, names[i].display_name);
      g_assert_cmpstr (host, ==, names[i].host);
      g_assert_cmpint (ferry_uri_is_remote (names[i].uri), ==, names[i].remote);
    }
}

typedef struct
{
  const char *address;
  gboolean    valid;
  const char *in_message;
} AddressCase;

static const AddressCase addresses[] = {
  { NULL,                        TRUE,  NULL },
  { "",                          TRUE,  NULL },
  { "node1",                     TRUE,  NULL },
  { "node1.migration.lan",       TRUE,  NULL },
  { "node1.migration.lan.",      TRUE,  NULL },
  { "10.0.0.1",                  TRUE,  NULL },
  { "2001:db8::1",               TRUE,  NULL },
  { "[2001:db8::1]",             TRUE,  NULL },
  { "::1",                       TRUE,  NULL },
  { " node1",                    FALSE, "spaces" },
  { "node1 ",                    FALSE, "spaces" },
  { "node\n1",                   FALSE, "control" },
  { "nöde",                      FALSE, "non-ASCII" },
  { "node1:49152",               FALSE, "port" },
  { "10.0.0.1:49152",            FALSE, "port" },
  { "[2001:db8::1]:49152",       FALSE, "port" },
  { "[node1]",                   FALSE, "IPv6" },
  { "2001:db8::zz",              FALSE, "IPv6" },
  { "tcp://node1",               FALSE, "tcp://" },
  { "tcp:node1",                 FALSE, "port" },
  { "node1/path",                FALSE, "path" },
  { "-oProxyCommand=x",          FALSE, "option" },
  { "node;id",                   FALSE, "host name" },
  { "node_1",                    FALSE, "host name" },
  { "a..b",                      FALSE, "between dots" },
};

static void
test_migration_address (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (addresses); i++)
    {
      const AddressCase *c = &addresses[i];
      g_autoptr(GError) error = NULL;
      gboolean ok;

      g_test_message ("address: %s", c->address ? c->address : "(null)");
      ok = ferry_migration_address_validate (c->address, &error);
      g_assert_cmpint (ok, ==, c->valid);
      if (c->valid)
        {
          g_assert_no_error (error);
          continue;
        }

      g_assert_error (error, FERRY_URI_ERROR, FERRY_URI_ERROR_HOST);
      g_test_message ("  -> %s", error->message);
      g_assert_nonnull (strstr (error->message, c->in_message));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ferry/uri/valid", test_valid);
  g_test_add_func ("/ferry/uri/invalid", test_invalid);
  g_test_add_func ("/ferry/uri/unknown-transport-message", test_unknown_transport_message);
  g_test_add_func ("/ferry/uri/error-is-optional", test_error_is_optional);
  g_test_add_func ("/ferry/uri/display-names", test_display_names);
  g_test_add_func ("/ferry/uri/migration-address", test_migration_address);

  return g_test_run ();
}
