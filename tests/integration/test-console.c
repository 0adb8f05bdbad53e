/* test-console.c — opening real guests' VNC displays on the local cluster
 *
 * Needs the local cluster of tests/cluster (`cluster up 3`). Without it
 * every test is skipped, unless FERRY_REQUIRE_CLUSTER=1 (CI) makes that a
 * failure. Only reads: the guests' states are left alone, the nodes are
 * not restarted.
 *
 * For a running guest (wherever it runs now) the console is opened
 *   - through the node's TCP URI: straight to QEMU's VNC port (TCP);
 *   - through the node's own UNIX socket (qemu+unix://…?socket=): libvirt
 *     hands out the fd (FD);
 *   - through ssh: Debian's sshd runs as a plain process on the guest's
 *     node (in its network namespace, on its address, on a port of its own)
 *     with its own host key, config and authorized test key in a temp dir;
 *     the node connects with qemu+libssh://root@ADDRESS:PORT/…?socket=…
 *     &keyfile=…&known_hosts=… and the console goes through `ssh -W` (SSH)
 *     to the node's loopback;
 *   - the same with qemu+ssh://root@ADDRESS:PORT/…?socket=…&keyfile=…:
 *     libvirt runs OpenSSH's ssh client for the node, as it does for most
 *     remote hosts (see test_ssh_openssh).
 * Each proves it reached QEMU by reading the RFB greeting, and reports the
 * time from the request to the greeting.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "ferry-test-util.h"

#define N_NODES 3
#define GREETING "RFB 003.008\n"

static FerryInventory *inventory;
static FerryNode *nodes[N_NODES];
static char *sockets[N_NODES];   /* column 3 of the nodes file */
static char *addresses[N_NODES]; /* column 4: the node's address */
static char *namespaces[N_NODES]; /* column 5: its network namespace */
static char *cluster_dir;
static char *tmpdir;

static gboolean
have_cluster (void)
{
  if (nodes[0] != NULL)
    return TRUE;
  if (g_strcmp0 (g_getenv ("FERRY_REQUIRE_CLUSTER"), "1") == 0)
    g_error ("the local cluster is not up (tests/cluster/cluster up 3)");
  g_test_skip ("the local cluster is not up (tests/cluster/cluster up 3)");
  return FALSE;
}

/* A running guest of the cluster and the index of the node it runs on
 * (guests may have migrated: ask the inventory, not the names). */
static FerryVm *
find_running_guest (guint *node_index)
{
  for (guint i = 0; i < N_NODES; i++)
    {
      GListModel *list = ferry_node_get_vms (nodes[i]);

      for (guint j = 0; j < g_list_model_get_n_items (list); j++)
        {
          g_autoptr(FerryVm) vm = g_list_model_get_item (list, j);

          if (ferry_vm_get_state (vm) == FERRY_VM_STATE_RUNNING)
            {
              *node_index = i;
              return g_steal_pointer (&vm);
            }
        }
    }
  return NULL;
}

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

static void
read_greeting (int fd)
{
  char buffer[sizeof GREETING] = { 0 };
  gsize got = 0;

  while (got < strlen (GREETING))
    {
      struct pollfd pfd = { fd, POLLIN, 0 };
      ssize_t n;

      g_assert_cmpint (poll (&pfd, 1, 10000), ==, 1);
      n = read (fd, buffer + got, strlen (GREETING) - got);
      if (n < 0 && errno == EINTR)
        continue;
      g_assert_cmpint (n, >, 0);
      got += (gsize) n;
    }
  g_assert_cmpstr (buffer, ==, GREETING);
}

/* Opens @vm's console, reads the greeting; returns the fd (still open)
 * and the time from the request to the greeting. */
static int
open_and_greet (FerryVm               *vm,
                FerryConsoleTransport  expected,
                double                *ms)
{
  OpenWait w = { FALSE, -1, NULL, 0, NULL };
  gint64 start = g_get_monotonic_time ();

  ferry_vm_open_console_async (vm, NULL, open_done, &w);
  g_assert_true (ferry_test_wait_until (open_finished, &w, 40000));
  g_assert_no_error (w.error);
  g_assert_cmpint (w.fd, >=, 0);
  g_assert_cmpint (w.transport, ==, expected);
  /* The cluster's guests have no VNC password. */
  g_assert_null (w.password);
  read_greeting (w.fd);
  *ms = (g_get_monotonic_time () - start) / 1000.0;
  g_test_message ("%s: %s → greeting in %.1f ms", ferry_vm_get_name (vm),
                  ferry_console_transport_to_string (expected), *ms);
  return w.fd;
}

static void
test_tcp (void)
{
  g_autoptr(FerryVm) vm = NULL;
  guint index;
  double ms;
  int fd;

  if (!have_cluster ())
    return;

  vm = find_running_guest (&index);
  g_assert_nonnull (vm);
  fd = open_and_greet (vm, FERRY_CONSOLE_TRANSPORT_TCP, &ms);
  close (fd);
}

/* A second inventory with only the node's UNIX-socket connection, so that
 * the VM found there belongs to that connection. */
static void
test_unix_fd (void)
{
  g_autoptr(FerryInventory) local = NULL;
  g_autoptr(FerryNode) node = NULL;
  g_autoptr(FerryVm) guest = NULL;
  g_autofree char *uri = NULL;
  FerryVm *vm;
  guint index;
  double ms;
  int fd;

  if (!have_cluster ())
    return;

  guest = find_running_guest (&index);
  g_assert_nonnull (guest);
  uri = g_strdup_printf ("qemu+unix:///system?socket=%s", sockets[index]);
  g_assert_true (ferry_uri_validate (uri, NULL));
  local = ferry_inventory_new ();
  node = ferry_test_add_connected_node (local, uri);
  vm = ferry_inventory_find_vm_by_name (local, ferry_vm_get_name (guest));
  g_assert_nonnull (vm);
  g_assert_true (ferry_vm_get_node (vm) == node);

  fd = open_and_greet (vm, FERRY_CONSOLE_TRANSPORT_FD, &ms);
  close (fd);
  ferry_inventory_remove_node (local, node);
}

/* ---------------------------------------------------------------------- */
/* ssh                                                                     */

typedef struct
{
  GSubprocess *proc;
  int          port;
  const char  *host;   /* the address of the node it runs on */
} Sshd;

/* A normal one, and one that refuses to forward to the VNC ports. */
static Sshd sshd_ok;
static Sshd sshd_no_forward;
static Sshd sshd_openssh;
static char *ssh_key;
static char *ssh_known_hosts;

static gboolean
run (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                     NULL, NULL, NULL, NULL, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    {
      g_test_message ("%s: %s", argv[0], error->message);
      return FALSE;
    }
  return TRUE;
}

static int
free_loopback_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (socket, address, FALSE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static gboolean
port_open (const char *host,
           int         port)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection =
    g_socket_client_connect_to_host (client, host, (guint16) port, NULL, NULL);

  return connection != NULL;
}

/* The user key and the host key that all our sshds share. */
static gboolean
make_keys (void)
{
  g_autofree char *ssh_path = g_find_program_in_path ("ssh");
  g_autofree char *host_key = g_build_filename (tmpdir, "host_key", NULL);
  g_autofree char *user_pub = NULL;
  g_autofree char *authorized = g_build_filename (tmpdir, "authorized_keys", NULL);
  g_autofree char *pub = NULL;

  if (ssh_key != NULL)
    return TRUE;
  if (!g_file_test ("/usr/sbin/sshd", G_FILE_TEST_IS_EXECUTABLE) || ssh_path == NULL)
    return FALSE;

  ssh_key = g_build_filename (tmpdir, "user_key", NULL);
  user_pub = g_strconcat (ssh_key, ".pub", NULL);
  ssh_known_hosts = g_build_filename (tmpdir, "known_hosts", NULL);
  {
    const char *host_argv[] = { "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", host_key, NULL };
    const char *user_argv[] = { "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", ssh_key, NULL };

    if (!run (host_argv) || !run (user_argv))
      return FALSE;
  }
  g_assert_true (g_file_get_contents (user_pub, &pub, NULL, NULL));
  g_assert_true (g_file_set_contents (authorized, pub, -1, NULL));
  g_assert_true (g_file_set_contents (ssh_known_hosts, "", -1, NULL));
  return TRUE;
}

/* If the test dies (an assertion), sshd goes with it. */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

/* sshd as a plain process on node @index (its network namespace): its own
 * host key, config and authorized key, listening on the node's address
 * only; @extra goes at the end of its config. */
static gboolean
start_sshd (Sshd       *sshd,
            const char *name,
            const char *extra,
            guint       index)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autofree char *host_key = g_build_filename (tmpdir, "host_key", NULL);
  g_autofree char *host_pub = g_strconcat (host_key, ".pub", NULL);
  g_autofree char *authorized = g_build_filename (tmpdir, "authorized_keys", NULL);
  g_autofree char *base = g_build_filename (tmpdir, name, NULL);
  g_autofree char *config = g_strconcat (base, ".config", NULL);
  g_autofree char *pid_file = g_strconcat (base, ".pid", NULL);
  g_autofree char *log_file = g_strconcat (base, ".log", NULL);
  g_autofree char *pub = NULL;
  g_autofree char *known = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) pub_fields = NULL;

  if (sshd->proc != NULL)
    return TRUE;
  if (!make_keys ())
    return FALSE;

  sshd->port = free_loopback_port ();
  sshd->host = addresses[index];
  g_assert_true (g_file_get_contents (host_pub, &pub, NULL, NULL));
  pub_fields = g_strsplit (g_strstrip (pub), " ", 3);
  g_assert_true (g_file_get_contents (ssh_known_hosts, &known, NULL, NULL));
  text = g_strdup_printf ("%s[%s]:%d %s %s\n", known, sshd->host, sshd->port, pub_fields[0], pub_fields[1]);
  g_assert_true (g_file_set_contents (ssh_known_hosts, text, -1, NULL));
  g_clear_pointer (&text, g_free);

  text = g_strdup_printf ("Port %d\n"
                          "ListenAddress %s\n"
                          "HostKey %s\n"
                          "PidFile %s\n"
                          "AuthorizedKeysFile %s\n"
                          "PermitRootLogin prohibit-password\n"
                          "PasswordAuthentication no\n"
                          "KbdInteractiveAuthentication no\n"
                          "StrictModes no\n"
                          "UsePAM no\n"
                          "MaxSessions 20\n"
                          "%s\n",
                          sshd->port, sshd->host, host_key, pid_file, authorized, extra);
  g_assert_true (g_file_set_contents (config, text, -1, NULL));

  /* sshd's privilege separation directory. */
  g_mkdir_with_parents ("/run/sshd", 0755);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_subprocess_launcher_set_stderr_file_path (launcher, log_file);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  sshd->proc = g_subprocess_launcher_spawn (launcher, &error, "ip", "netns", "exec", namespaces[index],
                                            "/usr/sbin/sshd", "-f", config, "-D", "-e", NULL);
  g_assert_no_error (error);

  for (guint i = 0; i < 100 && !port_open (sshd->host, sshd->port); i++)
    g_usleep (50000);
  if (!port_open (sshd->host, sshd->port))
    {
      g_autofree char *log = NULL;

      g_file_get_contents (log_file, &log, NULL, NULL);
      g_test_message ("sshd did not start: %s", log ? log : "");
      return FALSE;
    }
  g_test_message ("sshd (pid %s) on %s:%d", g_subprocess_get_identifier (sshd->proc), sshd->host, sshd->port);
  return TRUE;
}

/* Stops the shared ssh connections (ControlPersist) through their control
 * sockets, then each sshd by its pid. */
static void
stop_sshds (void)
{
  g_autoptr(GDir) dir = g_dir_open (tmpdir, 0, NULL);
  Sshd *all[] = { &sshd_ok, &sshd_no_forward, &sshd_openssh };
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      if (g_str_has_prefix (name, "ferry-ssh-"))
        {
          g_autofree char *path = g_build_filename (tmpdir, name, NULL);
          g_autofree char *option = g_strdup_printf ("ControlPath=%s", path);
          const char *argv[] = { "ssh", "-o", option, "-O", "exit", "--", "127.0.0.1", NULL };

          run (argv);
        }
    }

  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    {
      if (all[i]->proc == NULL)
        continue;
      g_subprocess_send_signal (all[i]->proc, SIGTERM);
      g_subprocess_wait (all[i]->proc, NULL, NULL);
      g_clear_object (&all[i]->proc);
    }
}

static gboolean
require_sshd (Sshd       *sshd,
              const char *name,
              const char *extra,
              guint       index)
{
  if (start_sshd (sshd, name, extra, index))
    return TRUE;
  if (g_strcmp0 (g_getenv ("FERRY_REQUIRE_CLUSTER"), "1") == 0)
    g_error ("sshd could not be started (openssh-server installed?)");
  g_test_skip ("sshd could not be started (openssh-server installed?)");
  return FALSE;
}

/* A node connected through @sshd (libssh: libvirt's ssh client that takes
 * a known_hosts file, so the test touches nothing in ~/.ssh; our tunnel
 * reads the same values from the URI) in an inventory of its own. */
static FerryNode *
add_ssh_node (FerryInventory *inv,
              Sshd           *sshd,
              guint           index)
{
  g_autofree char *uri = g_strdup_printf ("qemu+libssh://root@%s:%d/system?socket=%s"
                                          "&keyfile=%s&known_hosts=%s&sshauth=privkey",
                                          sshd->host, sshd->port, sockets[index], ssh_key, ssh_known_hosts);

  g_assert_true (ferry_uri_validate (uri, NULL));
  return ferry_test_add_connected_node (inv, uri);
}

/* Our own ssh children (the tunnels): the "ssh" processes whose parent is
 * this test. */
static guint
count_ssh_children (void)
{
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  const char *name;
  guint n = 0;

  while ((name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autofree char *stat = NULL;
      const char *end;
      int ppid = 0;

      if (!g_ascii_isdigit (name[0]))
        continue;
      path = g_build_filename ("/proc", name, "stat", NULL);
      if (!g_file_get_contents (path, &stat, NULL, NULL))
        continue;
      /* "pid (comm) state ppid …" */
      end = strrchr (stat, ')');
      if (end == NULL || sscanf (end + 2, "%*c %d", &ppid) != 1)
        continue;
      if (ppid == getpid () && strstr (stat, "(ssh)") != NULL)
        n++;
    }
  return n;
}

static gboolean
no_ssh_children (gpointer data)
{
  return count_ssh_children () == 0;
}

static void
test_ssh (void)
{
  g_autoptr(FerryInventory) remote = NULL;
  g_autoptr(FerryNode) node = NULL;
  g_autoptr(FerryVm) guest = NULL;
  FerryVm *vm;
  guint index;
  double first, second;
  int fd, fd2;

  if (!have_cluster ())
    return;
  guest = find_running_guest (&index);
  g_assert_nonnull (guest);
  if (!require_sshd (&sshd_ok, "sshd-ok", "AllowTcpForwarding yes", index))
    return;
  remote = ferry_inventory_new ();
  node = add_ssh_node (remote, &sshd_ok, index);
  vm = ferry_inventory_find_vm_by_name (remote, ferry_vm_get_name (guest));
  g_assert_nonnull (vm);

  /* The first console starts the shared ssh connection, the second
   * rides on it. */
  fd = open_and_greet (vm, FERRY_CONSOLE_TRANSPORT_SSH, &first);
  fd2 = open_and_greet (vm, FERRY_CONSOLE_TRANSPORT_SSH, &second);
  g_test_message ("ssh: first console %.1f ms, second (shared connection) %.1f ms", first, second);
  g_assert_cmpuint (count_ssh_children (), ==, 2);

  /* Closing the fd ends its ssh: EOF on its stdin. */
  close (fd);
  close (fd2);
  g_assert_true (ferry_test_wait_until (no_ssh_children, NULL, 10000));

  /* Cancelled before it gets anywhere: an error, no fd, no ssh left. */
  {
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();
    OpenWait w = { FALSE, -1, NULL, 0, NULL };

    ferry_vm_open_console_async (vm, cancellable, open_done, &w);
    g_cancellable_cancel (cancellable);
    g_assert_true (ferry_test_wait_until (open_finished, &w, 20000));
    g_assert_error (w.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_cmpint (w.fd, ==, -1);
    g_clear_error (&w.error);
    g_assert_true (ferry_test_wait_until (no_ssh_children, NULL, 10000));
  }

  ferry_inventory_remove_node (remote, node);
}

/* An ssh server that lets libvirt in but refuses to forward to the VNC
 * port: a plain error, quickly, and no ssh left behind. */
static void
test_ssh_refused (void)
{
  g_autoptr(FerryInventory) remote = NULL;
  g_autoptr(FerryNode) node = NULL;
  g_autoptr(FerryVm) guest = NULL;
  OpenWait w = { FALSE, -1, NULL, 0, NULL };
  FerryVm *vm;
  guint index;
  gint64 start;

  if (!have_cluster ())
    return;
  guest = find_running_guest (&index);
  g_assert_nonnull (guest);
  if (!require_sshd (&sshd_no_forward, "sshd-no-forward", "PermitOpen 127.0.0.1:1", index))
    return;
  remote = ferry_inventory_new ();
  node = add_ssh_node (remote, &sshd_no_forward, index);
  vm = ferry_inventory_find_vm_by_name (remote, ferry_vm_get_name (guest));
  g_assert_nonnull (vm);

  start = g_get_monotonic_time ();
  ferry_vm_open_console_async (vm, NULL, open_done, &w);
  g_assert_true (ferry_test_wait_until (open_finished, &w, 40000));
  g_test_message ("refused after %.1f ms: %s", (g_get_monotonic_time () - start) / 1000.0,
                  w.error ? w.error->message : "(no error)");
  g_assert_error (w.error, FERRY_CONSOLE_ERROR, FERRY_CONSOLE_ERROR_SSH);
  g_assert_nonnull (strstr (w.error->message, "refused to forward"));
  g_assert_cmpint (w.fd, ==, -1);
  g_clear_error (&w.error);
  g_assert_true (ferry_test_wait_until (no_ssh_children, NULL, 10000));

  ferry_inventory_remove_node (remote, node);
}

/* ---------------------------------------------------------------------- */
/* ssh through OpenSSH's client                                            */

/* On PATH before the system's directories (main() puts it there); holds
 * an "ssh" only while test_ssh_openssh runs. */
static char *wrapper_dir;

/* OpenSSH reads a known-hosts file only from its config (and qemu+ssh URIs
 * have no known_hosts parameter), so while the test runs, the "ssh" found
 * first in PATH adds -F with a config of the test's own, and logs its
 * arguments: nothing in ~/.ssh is read or written, and the command lines
 * are otherwise the ones libvirt and the console tunnel built. */
static char *
install_ssh_wrapper (void)
{
  g_autofree char *real_ssh = g_find_program_in_path ("ssh");
  g_autofree char *config = g_build_filename (tmpdir, "openssh.config", NULL);
  g_autofree char *wrapper = g_build_filename (wrapper_dir, "ssh", NULL);
  g_autofree char *config_text = NULL;
  g_autofree char *script = NULL;
  char *log = g_build_filename (tmpdir, "openssh-argv.log", NULL);

  g_assert_nonnull (real_ssh);
  g_assert_false (g_str_has_prefix (real_ssh, wrapper_dir));
  config_text = g_strdup_printf ("Host *\n"
                                 "  UserKnownHostsFile %s\n"
                                 "  GlobalKnownHostsFile /dev/null\n"
                                 "  StrictHostKeyChecking yes\n"
                                 "  IdentitiesOnly yes\n",
                                 ssh_known_hosts);
  g_assert_true (g_file_set_contents (config, config_text, -1, NULL));
  script = g_strdup_printf ("#!/bin/sh\n"
                            "printf '%%s\\n' \"$*\" >> '%s'\n"
                            "exec '%s' -F '%s' \"$@\"\n",
                            log, real_ssh, config);
  g_assert_true (g_file_set_contents (wrapper, script, -1, NULL));
  g_assert_cmpint (g_chmod (wrapper, 0755), ==, 0);
  return log;
}

static void
remove_ssh_wrapper (void)
{
  g_autofree char *wrapper = g_build_filename (wrapper_dir, "ssh", NULL);

  g_unlink (wrapper);
}

typedef struct
{
  guint n;
} SshChildren;

static gboolean
ssh_children_back_to (gpointer data)
{
  return count_ssh_children () == ((SshChildren *) data)->n;
}

/* A node reached with qemu+ssh: libvirt runs OpenSSH's ssh (port, user and
 * key from the URI, then `nc -U` on the node's socket, as libvirt's netcat
 * proxy does), and consoles go through the tunnel built from the same
 * URI. */
static void
test_ssh_openssh (void)
{
  g_autoptr(FerryInventory) remote = NULL;
  g_autoptr(FerryNode) node = NULL;
  g_autoptr(FerryVm) guest = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *log = NULL;
  g_autofree char *lines = NULL;
  g_autofree char *port_arg = NULL;
  g_autofree char *key_arg = NULL;
  g_auto(GStrv) commands = NULL;
  const char *tunnel = NULL;
  const char *libvirt = NULL;
  SshChildren before;
  FerryVm *vm;
  guint index;
  double first, second;
  int fd, fd2;

  if (!have_cluster ())
    return;
  guest = find_running_guest (&index);
  g_assert_nonnull (guest);
  if (!require_sshd (&sshd_openssh, "sshd-openssh", "AllowTcpForwarding yes", index))
    return;
  log = install_ssh_wrapper ();
  /* proxy=netcat: libvirt's "auto" would prefer virt-ssh-helper, which
   * knows nothing of the socket parameter and would look for the host's
   * default libvirtd. */
  uri = g_strdup_printf ("qemu+ssh://root@%s:%d/system?socket=%s&keyfile=%s&proxy=netcat",
                         sshd_openssh.host, sshd_openssh.port, sockets[index], ssh_key);
  g_assert_true (ferry_uri_validate (uri, NULL));
  remote = ferry_inventory_new ();
  node = ferry_test_add_connected_node (remote, uri);
  vm = ferry_inventory_find_vm_by_name (remote, ferry_vm_get_name (guest));
  g_assert_nonnull (vm);

  /* libvirt's own ssh, for the node's connection */
  before.n = count_ssh_children ();
  fd = open_and_greet (vm, FERRY_CONSOLE_TRANSPORT_SSH, &first);
  fd2 = open_and_greet (vm, FERRY_CONSOLE_TRANSPORT_SSH, &second);
  g_test_message ("qemu+ssh: first console %.1f ms, second (shared connection) %.1f ms", first, second);
  g_assert_cmpuint (count_ssh_children (), ==, before.n + 2);
  close (fd);
  close (fd2);
  g_assert_true (ferry_test_wait_until (ssh_children_back_to, &before, 10000));

  /* What ran: libvirt's ssh with the URI's port, user and key, running
   * nc on the node's socket; the tunnel's with the same, forwarding to
   * the VNC port, the host after "--". */
  g_assert_true (g_file_get_contents (log, &lines, NULL, NULL));
  commands = g_strsplit (lines, "\n", -1);
  for (guint i = 0; commands[i] != NULL; i++)
    {
      g_test_message ("ssh %s", commands[i]);
      if (strstr (commands[i], " -W ") != NULL)
        tunnel = commands[i];
      else if (strstr (commands[i], sockets[index]) != NULL)
        libvirt = commands[i];
    }
  port_arg = g_strdup_printf ("-p %d ", sshd_openssh.port);
  key_arg = g_strdup_printf ("-i %s ", ssh_key);
  g_assert_nonnull (libvirt);
  g_assert_nonnull (strstr (libvirt, port_arg));
  g_assert_nonnull (strstr (libvirt, "-l root "));
  g_assert_nonnull (strstr (libvirt, key_arg));
  g_assert_nonnull (strstr (libvirt, "nc"));
  g_assert_nonnull (tunnel);
  g_assert_nonnull (strstr (tunnel, port_arg));
  g_assert_nonnull (strstr (tunnel, "-l root "));
  g_assert_nonnull (strstr (tunnel, key_arg));
  g_assert_nonnull (strstr (tunnel, "-W 127.0.0.1:"));
  {
    g_autofree char *host_arg = g_strdup_printf ("-- %s", sshd_openssh.host);

    g_assert_true (g_str_has_suffix (tunnel, host_arg));
  }

  ferry_inventory_remove_node (remote, node);
  remove_ssh_wrapper ();
}

/* Hostile node URIs: refused before a node exists (the application's
 * gate), so neither libvirt nor our tunnel ever sees them; nothing runs. */
static void
test_hostile (void)
{
  const char *uris[] = {
    "qemu+ssh://-oProxyCommand=touch%20%2Ftmp%2Fferry-pwned-host/system",
    "qemu+ssh://%24(touch%20%2Ftmp%2Fferry-pwned-subst)/system",
    "qemu+ssh://%60touch%20%2Ftmp%2Fferry-pwned-tick%60/system",
    "qemu+ssh://127.0.0.1;touch%20%2Ftmp%2Fferry-pwned-semi/system",
    "qemu+ssh://a%20user@127.0.0.1/system",
    "qemu+ssh://-oProxyCommand=touch%20%2Ftmp%2Fferry-pwned-user@127.0.0.1/system",
    "qemu+ssh://127.0.0.1/system?socket=/x;touch%20/tmp/ferry-pwned-socket",
    "qemu+ssh://127.0.0.1/system?netcat=touch%20/tmp/ferry-pwned-netcat",
    "qemu+ssh://127.0.0.1/system?command=touch%20/tmp/ferry-pwned-command",
    "qemu+libssh://127.0.0.1/system?keyfile=/tmp/k%20-oProxyCommand=touch",
  };
  g_autoptr(GDir) dir = NULL;
  const char *name;

  for (guint i = 0; i < G_N_ELEMENTS (uris); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (ferry_uri_validate (uris[i], &error));
      g_assert_nonnull (error);
      g_assert_true (error->domain == FERRY_URI_ERROR);
    }

  dir = g_dir_open ("/tmp", 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_assert_false (g_str_has_prefix (name, "ferry-pwned-"));
}

static void
test_no_libvirt_on_main_thread (void)
{
  g_assert_cmpuint (ferry_core_get_libvirt_calls_on_main_thread (), ==, 0);
}

static void
setup_cluster (void)
{
  g_autoptr(GError) error = NULL;

  g_autoptr(GPtrArray) listed = NULL;

  /* Not up (or not answering): the tests skip. */
  if (!ferry_test_connect_cluster (inventory, nodes, sockets, N_NODES, &error))
    return;
  listed = ferry_test_read_cluster_nodes ();
  for (guint i = 0; i < N_NODES && listed != NULL && i < listed->len; i++)
    {
      char **cols = g_ptr_array_index (listed, i);

      g_assert_cmpuint (g_strv_length (cols), >=, 5);
      addresses[i] = g_strdup (cols[3]);
      namespaces[i] = g_strdup (cols[4]);
    }
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  /* ssh's shared connections go to the runtime dir: our own, short (a
   * control socket path must fit sockaddr_un). Before anything reads it. */
  tmpdir = g_dir_make_tmp ("ferry-console-XXXXXX", NULL);
  g_setenv ("XDG_RUNTIME_DIR", tmpdir, TRUE);
  /* Where test_ssh_openssh puts its ssh wrapper; empty otherwise. Set
   * here, before any thread runs. */
  wrapper_dir = g_build_filename (tmpdir, "bin", NULL);
  g_mkdir (wrapper_dir, 0755);
  {
    g_autofree char *path = g_strconcat (wrapper_dir, ":", g_getenv ("PATH"), NULL);

    g_setenv ("PATH", path, TRUE);
  }

  g_test_init (&argc, &argv, NULL);
  ferry_test_require_programs ("ssh", "/usr/sbin/sshd", "ssh-keygen", "nc", NULL);
  ferry_core_init ();

  cluster_dir = g_strdup (g_getenv ("FERRY_CLUSTER_DIR") ? g_getenv ("FERRY_CLUSTER_DIR")
                                                         : "/var/tmp/ferry-cluster");
  inventory = ferry_inventory_new ();
  setup_cluster ();

  g_test_add_func ("/console-cluster/tcp", test_tcp);
  g_test_add_func ("/console-cluster/unix-fd", test_unix_fd);
  g_test_add_func ("/console-cluster/ssh", test_ssh);
  g_test_add_func ("/console-cluster/ssh-refused", test_ssh_refused);
  g_test_add_func ("/console-cluster/ssh-openssh", test_ssh_openssh);
  g_test_add_func ("/console-cluster/hostile", test_hostile);
  g_test_add_func ("/console-cluster/no-libvirt-on-main-thread", test_no_libvirt_on_main_thread);

  ret = g_test_run ();

  stop_sshds ();
  for (guint i = 0; i < N_NODES; i++)
    if (nodes[i] != NULL)
      ferry_inventory_remove_node (inventory, nodes[i]);
  /* Let the nodes' workers close their connections. */
  for (guint i = 0; i < 50; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }
  for (guint i = 0; i < N_NODES; i++)
    {
      g_clear_object (&nodes[i]);
      g_free (sockets[i]);
      g_free (addresses[i]);
      g_free (namespaces[i]);
    }
  g_clear_object (&inventory);
  ferry_test_remove_tree (tmpdir);
  g_free (tmpdir);
  g_free (cluster_dir);
  g_free (ssh_key);
  g_free (ssh_known_hosts);
  g_free (wrapper_dir);
  return ret;
}
