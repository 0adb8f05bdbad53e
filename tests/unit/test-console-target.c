/* test-console-target.c — how Ferry reaches a VM's VNC display
 *
 * The pure parts: the VNC display from live domain XML, the transport for
 * a node URI and a listen address, the ssh argument vector, and hostile
 * host and user names, which must be refused before anything runs. Then
 * the async API's errors through libvirt's test driver.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ferry-console-target-private.h"
#include "ferry-test-util.h"

static char *tmpdir;

#define LIVE_HEAD "<domain type='kvm' id='3'><name>web</name><devices>"
#define TAIL "</devices></domain>"

static void
test_parse (void)
{
  struct {
    const char *xml;
    int         index;
    int         port;
    const char *listen;
    const char *socket;
    const char *password;
    gboolean    no_listen;
  } cases[] = {
    /* listen attribute and element, with a password */
    { LIVE_HEAD "<graphics type='vnc' port='5901' autoport='yes' listen='127.0.0.1' passwd='s3cret'>"
      "<listen type='address' address='127.0.0.1'/></graphics>" TAIL,
      0, 5901, "127.0.0.1", NULL, "s3cret", FALSE },
    /* only the element */
    { LIVE_HEAD "<graphics type='vnc' port='5902'><listen type='address' address='0.0.0.0'/></graphics>" TAIL,
      0, 5902, "0.0.0.0", NULL, NULL, FALSE },
    /* a network listen, resolved in the live XML */
    { LIVE_HEAD "<graphics type='vnc' port='5903'><listen type='network' network='lan' address='192.168.1.5'/></graphics>" TAIL,
      0, 5903, "192.168.1.5", NULL, NULL, FALSE },
    /* no listen at all: QEMU's default (loopback) */
    { LIVE_HEAD "<graphics type='vnc' port='5904'/>" TAIL,
      0, 5904, NULL, NULL, NULL, FALSE },
    /* a UNIX socket, no port */
    { LIVE_HEAD "<graphics type='vnc'><listen type='socket' socket='/run/libvirt/qemu/web.vnc'/></graphics>" TAIL,
      0, -1, NULL, "/run/libvirt/qemu/web.vnc", NULL, FALSE },
    /* VNC after SPICE: the index counts every <graphics> */
    { LIVE_HEAD "<graphics type='spice' port='5930'/><graphics type='vnc' port='5905' passwd=''/>" TAIL,
      1, 5905, NULL, NULL, NULL, FALSE },
    /* listen type none: only virDomainOpenGraphicsFD reaches it */
    { LIVE_HEAD "<graphics type='vnc'><listen type='none'/></graphics>" TAIL,
      0, -1, NULL, NULL, NULL, TRUE },
    /* a kind libvirt-gconfig has no class for still counts in the index */
    { LIVE_HEAD "<graphics type='egl-headless'/><graphics type='dbus'/>"
      "<graphics type='vnc' port='5906' passwd='pw'/>" TAIL,
      2, 5906, NULL, NULL, "pw", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(FerryConsoleVnc) vnc = _ferry_console_parse_vnc (cases[i].xml, "web", &error);

      g_test_message ("case %u", i);
      g_assert_no_error (error);
      g_assert_nonnull (vnc);
      g_assert_cmpint (vnc->index, ==, cases[i].index);
      g_assert_cmpint (vnc->port, ==, cases[i].port);
      g_assert_cmpstr (vnc->listen, ==, cases[i].listen);
      g_assert_cmpstr (vnc->socket, ==, cases[i].socket);
      g_assert_cmpstr (vnc->password, ==, cases[i].password);
      g_assert_cmpint (vnc->no_listen, ==, cases[i].no_listen);
    }
}

static void
test_parse_errors (void)
{
  struct {
    const char *xml;
    GQuark      domain;
    int         code;
    const char *message;
  } cases[] = {
    /* an inactive XML has no id */
    { "<domain type='kvm'><name>web</name><devices><graphics type='vnc' port='5901'/></devices></domain>",
      FERRY_CONSOLE_ERROR, FERRY_CONSOLE_ERROR_NOT_RUNNING, "“web” is not running" },
    { LIVE_HEAD "<graphics type='spice' port='5930'/>" TAIL,
      FERRY_CONSOLE_ERROR, FERRY_CONSOLE_ERROR_NO_VNC, "“web” has no VNC display" },
    { LIVE_HEAD TAIL,
      FERRY_CONSOLE_ERROR, FERRY_CONSOLE_ERROR_NO_VNC, "“web” has no VNC display" },
    { LIVE_HEAD "<graphics type='vnc' port='-1' autoport='yes'/>" TAIL,
      FERRY_CONSOLE_ERROR, FERRY_CONSOLE_ERROR_NO_VNC, "The VNC display of “web” has no port" },
    { LIVE_HEAD "<graphics type='vnc' port='99999'/>" TAIL,
      FERRY_CONSOLE_ERROR, FERRY_CONSOLE_ERROR_NO_VNC, "The VNC display of “web” has no port" },
    { LIVE_HEAD "<graphics type='vnc' port='5901x'/>" TAIL,
      FERRY_CONSOLE_ERROR, FERRY_CONSOLE_ERROR_NO_VNC, "The VNC display of “web” has no port" },
    { "<domain", G_IO_ERROR, G_IO_ERROR_INVALID_DATA, NULL },
    { "not xml", G_IO_ERROR, G_IO_ERROR_INVALID_DATA, NULL },
    /* not a domain at all, even with an id */
    { "<network id='3'><name>web</name></network>", G_IO_ERROR, G_IO_ERROR_INVALID_DATA, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(FerryConsoleVnc) vnc = _ferry_console_parse_vnc (cases[i].xml, "web", &error);

      g_assert_null (vnc);
      g_assert_error (error, cases[i].domain, cases[i].code);
      if (cases[i].message != NULL)
        g_assert_cmpstr (error->message, ==, cases[i].message);
    }
}

static FerryConsoleVnc *
make_vnc (int         port,
          const char *listen,
          const char *socket)
{
  FerryConsoleVnc *vnc = g_new0 (FerryConsoleVnc, 1);

  vnc->port = port;
  vnc->listen = g_strdup (listen);
  vnc->socket = g_strdup (socket);
  return vnc;
}

static void
test_route (void)
{
  struct {
    const char            *uri;
    int                    port;
    const char            *listen;
    const char            *socket;
    FerryConsoleTransport  transport;
    const char            *host;
  } cases[] = {
    /* local UNIX-socket connections: libvirt hands out the fd */
    { "qemu:///system", 5901, "127.0.0.1", NULL, FERRY_CONSOLE_TRANSPORT_FD, NULL },
    { "qemu:///session", -1, NULL, "/run/web.vnc", FERRY_CONSOLE_TRANSPORT_FD, NULL },
    { "qemu+unix:///system?socket=/var/tmp/ferry-cluster/node1/run/libvirt-sock", 5901, "0.0.0.0", NULL,
      FERRY_CONSOLE_TRANSPORT_FD, NULL },
    /* tcp to this machine: loopback is reachable */
    { "qemu+tcp://127.0.0.1:16501/system", 6001, "127.0.0.1", NULL, FERRY_CONSOLE_TRANSPORT_TCP, "127.0.0.1" },
    { "qemu+tcp://localhost/system", 6001, NULL, NULL, FERRY_CONSOLE_TRANSPORT_TCP, "localhost" },
    { "qemu+tcp://[::1]/system", 6001, "::1", NULL, FERRY_CONSOLE_TRANSPORT_TCP, "::1" },
    /* a wildcard means the node's own address */
    { "qemu+tls://kvm1.example.com/system", 5900, "0.0.0.0", NULL, FERRY_CONSOLE_TRANSPORT_TCP, "kvm1.example.com" },
    { "qemu+tcp://10.0.0.7/system", 5900, "::", NULL, FERRY_CONSOLE_TRANSPORT_TCP, "10.0.0.7" },
    /* a specific address */
    { "qemu+tls://kvm1.example.com/system", 5900, "192.168.1.5", NULL, FERRY_CONSOLE_TRANSPORT_TCP, "192.168.1.5" },
    /* ssh: through the tunnel, to the address QEMU listens on */
    { "qemu+ssh://root@kvm1.example.com/system", 5900, "127.0.0.1", NULL, FERRY_CONSOLE_TRANSPORT_SSH, "127.0.0.1" },
    { "qemu+ssh://kvm1.example.com/system", 5900, NULL, NULL, FERRY_CONSOLE_TRANSPORT_SSH, "127.0.0.1" },
    { "qemu+ssh://kvm1.example.com/system", 5900, "localhost", NULL, FERRY_CONSOLE_TRANSPORT_SSH, "127.0.0.1" },
    { "qemu+libssh://kvm1.example.com/system", 5900, "0.0.0.0", NULL, FERRY_CONSOLE_TRANSPORT_SSH, "127.0.0.1" },
    { "qemu+libssh2://kvm1.example.com/system", 5900, "::", NULL, FERRY_CONSOLE_TRANSPORT_SSH, "::1" },
    { "qemu+ssh://kvm1.example.com/system", 5900, "192.168.1.5", NULL, FERRY_CONSOLE_TRANSPORT_SSH, "192.168.1.5" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(FerryConsoleVnc) vnc = make_vnc (cases[i].port, cases[i].listen, cases[i].socket);
      FerryConsoleRoute route;

      g_test_message ("case %u: %s", i, cases[i].uri);
      g_assert_true (_ferry_console_choose_route (cases[i].uri, vnc, "web", &route, &error));
      g_assert_no_error (error);
      g_assert_cmpint (route.transport, ==, cases[i].transport);
      g_assert_cmpstr (route.host, ==, cases[i].host);
      if (cases[i].transport != FERRY_CONSOLE_TRANSPORT_FD)
        g_assert_cmpint (route.port, ==, cases[i].port);
      _ferry_console_route_clear (&route);
    }
}

static void
test_route_errors (void)
{
  struct {
    const char *uri;
    int         port;
    const char *listen;
    const char *socket;
    GQuark      domain;
    int         code;
  } cases[] = {
    /* loopback of another machine: not reachable without ssh */
    { "qemu+tcp://kvm1.example.com/system", 5900, "127.0.0.1", NULL, FERRY_CONSOLE_ERROR, FERRY_CONSOLE_ERROR_UNREACHABLE },
    { "qemu+tls://kvm1.example.com/system", 5900, NULL, NULL, FERRY_CONSOLE_ERROR, FERRY_CONSOLE_ERROR_UNREACHABLE },
    /* a UNIX socket on another machine */
    { "qemu+ssh://kvm1.example.com/system", -1, NULL, "/run/web.vnc", FERRY_CONSOLE_ERROR, FERRY_CONSOLE_ERROR_UNSUPPORTED },
    { "test:///default", 5900, NULL, NULL, FERRY_CONSOLE_ERROR, FERRY_CONSOLE_ERROR_UNSUPPORTED },
    /* a listen address from domain XML that could be an ssh option */
    { "qemu+ssh://kvm1.example.com/system", 5900, "-oProxyCommand=touch /tmp/ferry-pwned-listen", NULL,
      FERRY_CONSOLE_ERROR, FERRY_CONSOLE_ERROR_UNSUPPORTED },
    { "qemu+ssh://kvm1.example.com/system", 5900, "$(touch /tmp/ferry-pwned-listen)", NULL,
      FERRY_CONSOLE_ERROR, FERRY_CONSOLE_ERROR_UNSUPPORTED },
    /* hostile URIs never get that far */
    { "qemu+ssh://-oProxyCommand=touch%20%2Ftmp%2Fferry-pwned/system", 5900, NULL, NULL, FERRY_URI_ERROR, -1 },
    { "qemu+ext:///system?command=/bin/sh", 5900, NULL, NULL, FERRY_URI_ERROR, FERRY_URI_ERROR_SCHEME },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(FerryConsoleVnc) vnc = make_vnc (cases[i].port, cases[i].listen, cases[i].socket);
      FerryConsoleRoute route;

      g_test_message ("case %u: %s", i, cases[i].uri);
      g_assert_false (_ferry_console_choose_route (cases[i].uri, vnc, "web", &route, &error));
      g_assert_nonnull (error);
      g_assert_true (error->domain == cases[i].domain);
      if (cases[i].code >= 0)
        g_assert_cmpint (error->code, ==, cases[i].code);
      g_assert_null (route.host);
    }

  /* The advice names the way out. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(FerryConsoleVnc) vnc = make_vnc (5900, "127.0.0.1", NULL);
    FerryConsoleRoute route;

    g_assert_false (_ferry_console_choose_route ("qemu+tcp://kvm1.example.com/system", vnc, "web",
                                                 &route, &error));
    g_assert_nonnull (strstr (error->message, "“web”"));
    g_assert_nonnull (strstr (error->message, "qemu+ssh://"));
  }
}

static guint
strv_index (GStrv       argv,
            const char *value)
{
  for (guint i = 0; argv[i] != NULL; i++)
    if (g_str_equal (argv[i], value))
      return i;
  return G_MAXUINT;
}

/* "-o NAME=…" present with this value */
static gboolean
has_option (GStrv       argv,
            const char *option)
{
  for (guint i = 0; argv[i] != NULL && argv[i + 1] != NULL; i++)
    if (g_str_equal (argv[i], "-o") && g_str_equal (argv[i + 1], option))
      return TRUE;
  return FALSE;
}

static void
test_ssh_argv (void)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) argv = NULL;
  guint n;

  argv = _ferry_console_build_ssh_argv ("qemu+libssh://admin@kvm1.example.com:2222/system"
                                        "?socket=/var/run/libvirt/libvirt-sock"
                                        "&keyfile=/home/admin/.ssh/id_ed25519"
                                        "&known_hosts=/home/admin/.ssh/known_hosts_ferry",
                                        "127.0.0.1", 5901, "/run/user/1000", &error);
  g_assert_no_error (error);
  g_assert_nonnull (argv);
  n = g_strv_length (argv);

  g_assert_cmpstr (argv[0], ==, "ssh");
  /* the host last, after "--"; the forward just before */
  g_assert_cmpstr (argv[n - 1], ==, "kvm1.example.com");
  g_assert_cmpstr (argv[n - 2], ==, "--");
  g_assert_cmpstr (argv[n - 3], ==, "127.0.0.1:5901");
  g_assert_cmpstr (argv[n - 4], ==, "-W");
  g_assert_cmpstr (argv[strv_index (argv, "-p") + 1], ==, "2222");
  g_assert_cmpstr (argv[strv_index (argv, "-l") + 1], ==, "admin");
  g_assert_cmpstr (argv[strv_index (argv, "-i") + 1], ==, "/home/admin/.ssh/id_ed25519");
  g_assert_true (has_option (argv, "UserKnownHostsFile=/home/admin/.ssh/known_hosts_ferry"));
  g_assert_true (has_option (argv, "BatchMode=yes"));
  g_assert_true (has_option (argv, "ControlMaster=auto"));
  g_assert_true (has_option (argv, "ControlPath=/run/user/1000/ferry-ssh-%C"));
  g_assert_true (has_option (argv, "ControlPersist=60"));
  g_assert_false (has_option (argv, "StrictHostKeyChecking=no"));
  /* nothing else in it looks like a shell command */
  g_assert_cmpuint (strv_index (argv, "sh"), ==, G_MAXUINT);
  g_clear_pointer (&argv, g_strfreev);

  /* Defaults: no user, port or key; no_verify as libvirt reads it; an
   * IPv6 forward in brackets, an IPv6 host without; no control directory
   * means no sharing. */
  argv = _ferry_console_build_ssh_argv ("qemu+ssh://[2001:db8::7]/system?no_verify=1",
                                        "::1", 5900, NULL, &error);
  g_assert_no_error (error);
  n = g_strv_length (argv);
  g_assert_cmpstr (argv[n - 1], ==, "2001:db8::7");
  g_assert_cmpstr (argv[n - 3], ==, "[::1]:5900");
  g_assert_cmpuint (strv_index (argv, "-p"), ==, G_MAXUINT);
  g_assert_cmpuint (strv_index (argv, "-l"), ==, G_MAXUINT);
  g_assert_cmpuint (strv_index (argv, "-i"), ==, G_MAXUINT);
  g_assert_true (has_option (argv, "StrictHostKeyChecking=no"));
  g_assert_true (has_option (argv, "ControlMaster=no"));
  g_assert_true (has_option (argv, "ControlPath=none"));
  g_clear_pointer (&argv, g_strfreev);

  /* A control directory that does not fit a config line or sun_path:
   * no sharing, rather than a broken option. */
  argv = _ferry_console_build_ssh_argv ("qemu+ssh://kvm1/system", "127.0.0.1", 5900,
                                        "/run/user/my runtime", &error);
  g_assert_no_error (error);
  g_assert_true (has_option (argv, "ControlMaster=no"));
  g_clear_pointer (&argv, g_strfreev);
  argv = _ferry_console_build_ssh_argv ("qemu+ssh://kvm1/system", "127.0.0.1", 5900,
                                        "/tmp/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", &error);
  g_assert_no_error (error);
  g_assert_true (has_option (argv, "ControlMaster=no"));
  g_clear_pointer (&argv, g_strfreev);

  /* Not an ssh URI */
  argv = _ferry_console_build_ssh_argv ("qemu+tcp://kvm1/system", "127.0.0.1", 5900, NULL, &error);
  g_assert_null (argv);
  g_assert_error (error, FERRY_CONSOLE_ERROR, FERRY_CONSOLE_ERROR_UNSUPPORTED);
}

/* Hostile host, user, parameter and target values: refused before any
 * argument vector exists, so nothing can ever run them. */
static void
test_ssh_hostile (void)
{
  const char *uris[] = {
    "qemu+ssh://-oProxyCommand=touch%20%2Ftmp%2Fferry-pwned-1/system",
    "qemu+ssh://%2DoProxyCommand%3Dtouch/system",
    "qemu+ssh://$(touch%20/tmp/ferry-pwned-2)/system",
    "qemu+ssh://%24(touch%20%2Ftmp%2Fferry-pwned-2)/system",
    "qemu+ssh://`touch%20/tmp/ferry-pwned-3`/system",
    "qemu+ssh://%60touch%20%2Ftmp%2Fferry-pwned-3%60/system",
    "qemu+ssh://host;touch%20%2Ftmp%2Fferry-pwned-4/system",
    "qemu+ssh://host%3Btouch%20%2Ftmp%2Fferry-pwned-4/system",
    "qemu+ssh://-oProxyCommand=x@host/system",
    "qemu+ssh://%2DoProxyCommand%3Dx@host/system",
    "qemu+ssh://my%20user@host/system",
    "qemu+ssh://root;id@host/system",
    "qemu+ssh://$(id)@host/system",
    "qemu+ssh://host/system?keyfile=/tmp/key%20-oProxyCommand=x",
    "qemu+ssh://host/system?keyfile=relative",
    "qemu+libssh://host/system?known_hosts=/tmp/k%0AProxyCommand%20x",
    "qemu+ssh://host/system?command=touch%20/tmp/ferry-pwned-5",
    "qemu+ssh://host/system?netcat=touch%20/tmp/ferry-pwned-6",
    "qemu+ssh://host%0A-oProxyCommand=x/system",
    "qemu+ssh://host/system?proxy=native&socket=/run/x;touch",
  };
  const char *targets[] = {
    "-oProxyCommand=touch /tmp/ferry-pwned-7",
    "$(touch /tmp/ferry-pwned-7)",
    "127.0.0.1 -oProxyCommand=x",
    "",
  };

  for (guint i = 0; i < G_N_ELEMENTS (uris); i++)
    {
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) argv = _ferry_console_build_ssh_argv (uris[i], "127.0.0.1", 5900, "/run/user/0", &error);

      g_test_message ("hostile URI %u: %s → %s", i, uris[i], error ? error->message : "(accepted!)");
      g_assert_null (argv);
      g_assert_nonnull (error);
    }

  for (guint i = 0; i < G_N_ELEMENTS (targets); i++)
    {
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) argv = _ferry_console_build_ssh_argv ("qemu+ssh://host/system", targets[i], 5900,
                                                          "/run/user/0", &error);

      g_assert_null (argv);
      g_assert_error (error, FERRY_CONSOLE_ERROR, FERRY_CONSOLE_ERROR_SSH);
    }

  {
    g_autoptr(GError) error = NULL;
    g_auto(GStrv) argv = _ferry_console_build_ssh_argv ("qemu+ssh://host/system", "127.0.0.1", 0,
                                                        "/run/user/0", &error);

    g_assert_null (argv);
    g_assert_error (error, FERRY_CONSOLE_ERROR, FERRY_CONSOLE_ERROR_SSH);
  }

  /* A user with dots, dashes and underscores (not leading) is a user. */
  {
    g_autoptr(GError) error = NULL;
    g_auto(GStrv) argv = _ferry_console_build_ssh_argv ("qemu+ssh://ops.team-a_1@kvm-1.example.com/system",
                                                        "127.0.0.1", 5900, "/run/user/0", &error);

    g_assert_no_error (error);
    g_assert_cmpstr (argv[strv_index (argv, "-l") + 1], ==, "ops.team-a_1");
    g_assert_cmpstr (argv[g_strv_length (argv) - 1], ==, "kvm-1.example.com");
  }

  /* Nothing ran: none of the marker files exists. */
  for (guint i = 1; i <= 7; i++)
    {
      g_autofree char *path = g_strdup_printf ("/tmp/ferry-pwned-%u", i);

      g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
    }
}

/* ---------------------------------------------------------------------- */
/* Through a node on libvirt's test driver                                 */

static const char *node_xml =
  "<node xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>\n"
  "  <cpu><nodes>1</nodes><sockets>1</sockets><cores>2</cores><threads>1</threads>"
  "<active>2</active><mhz>2400</mhz><model>x86_64</model></cpu>\n"
  "  <memory>4194304</memory>\n"
  "  <domain type='qemu'><name>web</name><uuid>eeeeeeee-0000-4000-8000-000000000001</uuid>"
  "<memory unit='MiB'>256</memory><vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os>"
  "<devices><graphics type='vnc' port='5905' autoport='no' listen='127.0.0.1'/></devices></domain>\n"
  "  <domain type='qemu'><name>db</name><uuid>eeeeeeee-0000-4000-8000-000000000002</uuid>"
  "<memory unit='MiB'>256</memory><vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os>"
  "<devices><graphics type='vnc' port='5906' autoport='no'/></devices>"
  "<test:runstate>5</test:runstate></domain>\n"
  "  <domain type='qemu'><name>headless</name><uuid>eeeeeeee-0000-4000-8000-000000000003</uuid>"
  "<memory unit='MiB'>256</memory><vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os>"
  "<devices/></domain>\n"
  "</node>\n";

typedef struct
{
  gboolean               done;
  int                    fd;
  char                  *password;
  FerryConsoleTransport  transport;
  GError                *error;
} OpenWait;

static void
open_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  OpenWait *w = user_data;

  w->fd = ferry_vm_open_console_finish (FERRY_VM (object), result, &w->password, &w->transport, &w->error);
  w->done = TRUE;
}

static gboolean
open_finished (gpointer data)
{
  return ((OpenWait *) data)->done;
}

static GError *
open_error (FerryVm      *vm,
            GCancellable *cancellable)
{
  OpenWait w = { FALSE, -1, NULL, 0, NULL };

  ferry_vm_open_console_async (vm, cancellable, open_done, &w);
  g_assert_true (ferry_test_wait_until (open_finished, &w, 10000));
  g_assert_cmpint (w.fd, ==, -1);
  g_assert_null (w.password);
  return w.error;
}

static void
test_open_errors (void)
{
  g_autoptr(FerryInventory) inventory = ferry_inventory_new ();
  g_autoptr(FerryNode) node = ferry_test_add_node_from_xml (inventory, tmpdir, "console.xml", node_xml);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  GError *error;

  error = open_error (ferry_inventory_find_vm_by_name (inventory, "db"), NULL);
  g_assert_error (error, FERRY_CONSOLE_ERROR, FERRY_CONSOLE_ERROR_NOT_RUNNING);
  g_assert_cmpstr (error->message, ==, "“db” is not running");
  g_clear_error (&error);

  error = open_error (ferry_inventory_find_vm_by_name (inventory, "headless"), NULL);
  g_assert_error (error, FERRY_CONSOLE_ERROR, FERRY_CONSOLE_ERROR_NO_VNC);
  g_assert_cmpstr (error->message, ==, "“headless” has no VNC display");
  g_clear_error (&error);

  /* The test driver's guests have no real display. */
  error = open_error (ferry_inventory_find_vm_by_name (inventory, "web"), NULL);
  g_assert_error (error, FERRY_CONSOLE_ERROR, FERRY_CONSOLE_ERROR_UNSUPPORTED);
  g_clear_error (&error);

  g_cancellable_cancel (cancellable);
  error = open_error (ferry_inventory_find_vm_by_name (inventory, "web"), cancellable);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  ferry_inventory_remove_node (inventory, node);
}

static void
test_no_libvirt_on_main_thread (void)
{
  g_assert_cmpuint (ferry_core_get_libvirt_calls_on_main_thread (), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  ferry_core_init ();
  tmpdir = g_dir_make_tmp ("ferry-test-XXXXXX", NULL);

  g_test_add_func ("/console-target/parse", test_parse);
  g_test_add_func ("/console-target/parse-errors", test_parse_errors);
  g_test_add_func ("/console-target/route", test_route);
  g_test_add_func ("/console-target/route-errors", test_route_errors);
  g_test_add_func ("/console-target/ssh-argv", test_ssh_argv);
  g_test_add_func ("/console-target/ssh-hostile", test_ssh_hostile);
  g_test_add_func ("/console-target/open-errors", test_open_errors);
  g_test_add_func ("/console-target/no-libvirt-on-main-thread", test_no_libvirt_on_main_thread);

  ret = g_test_run ();
  ferry_test_remove_tree (tmpdir);
  g_free (tmpdir);
  return ret;
}
