/* test-fault.c — randomised live migrations with faults injected at random moments
 *
 * Needs the local cluster of tests/cluster (`cluster up 3`, root). Each round
 * live-migrates one of our guests (fi-*, on the shared pool) between node1
 * and node2 with a FerryMigration job, bandwidth-capped so that it lasts a
 * few seconds, and injects at most one fault at a random moment (before the
 * job starts, while it runs, or never):
 *
 *   kill-daemon     `cluster fail node2`: its libvirtd and every QEMU of it
 *   freeze-daemon   `cluster freeze node2`, thawed 1-5 s later, or 13-16 s
 *                   later (past Ferry's 12 s keepalive)
 *   kill-src-qemu   SIGKILL to the guest's QEMU on the source
 *   kill-dst-qemu   SIGKILL to the guest's incoming QEMU on the destination
 *
 * Faults touch only node2's daemon and our own guests' QEMUs: the cluster
 * is shared with other tests. node2 plays source or destination depending
 * on where the guest is when the round starts.
 *
 * After the dust settles (job finished, node2 restarted or thawed, libvirt
 * stable) the round checks, with virsh as the witness:
 *   - the guest is defined on exactly one node (none = lost, two = duplicated)
 *     and active on at most one (two = duplicated);
 *   - if it runs, its serial heartbeat goes on;
 *   - a guest that is shut off was killed with its host or its QEMU ("died
 *     with its host"), never for no reason;
 *   - Ferry's job ended COMPLETED with the guest on the destination, or
 *     FAILED/CANCELLED with an error and the guest on the source (anything
 *     else is a wrong report);
 *   - Ferry's inventory has the guest once, owned by the node virsh names,
 *     sighted exactly where virsh lists it, in the same run state;
 *   - this process (Ferry's core) is still alive.
 *
 * One line per round, then "N rounds, L lost, D duplicated, C crashes" and
 * the other counts. Fails on lost, duplicated, a wrong inventory, a job
 * that never finishes, or libvirt called on the main thread.
 *
 * Environment: FERRY_FAULT_SEED replays a run's random choices (timings on a
 * loaded machine still differ), FERRY_FAULT_ROUNDS (default 20, or the
 * --rounds argument).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "ferry-test-util.h"
#include "ferry-vm-private.h"

#define N_NODES            3
#define N_GUESTS           3
#define BANDWIDTH_MIB      24
#define JOB_TIMEOUT_S      180
#define SETTLE_TIMEOUT_S   30
#define HEARTBEAT_WAIT_MS  30000
#define BOOT_WAIT_MS       120000

typedef enum
{
  FAULT_NONE,
  FAULT_KILL_DAEMON,
  FAULT_FREEZE_DAEMON,
  FAULT_KILL_SOURCE_QEMU,
  FAULT_KILL_DEST_QEMU,
} FaultKind;

static const char *fault_names[] = {
  "none", "kill-daemon", "freeze-daemon", "kill-src-qemu", "kill-dst-qemu",
};

typedef struct
{
  char  *name;
  gsize  boot_offset;   /* serial size when last started: booted once a heartbeat follows */
} Guest;

typedef struct
{
  guint rounds;
  guint migrated;
  guint failed_as_expected;
  guint died_with_host;
  guint missed;         /* the fault's moment came after the job, or found no QEMU */
  guint lost;
  guint duplicated;
  guint crashes;
  guint inventory_wrong;
  guint wrong_report;
  guint left_paused;
  guint stalled;
  guint hangs;
  guint faults[G_N_ELEMENTS (fault_names)];
} Counts;

static FerryInventory *inventory;
static FerryNode *nodes[N_NODES];
static char *cluster_script;
static gboolean tap_mode;
static gboolean node2_frozen;
static gboolean node2_down;
static Guest guests[N_GUESTS];
static Counts counts;

static void
say (const char *format,
     ...) G_GNUC_PRINTF (1, 2);

static void
say (const char *format,
     ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  /* TAP comments under meson test; plain lines in the bench. */
  /* Raw UTF-8 (g_print would turn Ferry's quotes into "?" in the C locale). */
  fprintf (stdout, "%s%s\n", tap_mode ? "# " : "", text);
  fflush (stdout);
}

/* ---------------------------------------------------------------------- */
/* Commands, run while the main loop keeps turning (Ferry's core lives on)  */

typedef struct
{
  gboolean  done;
  gboolean  ok;
  char     *out;
} Cmd;

static void
cmd_done (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Cmd *cmd = user_data;
  g_autoptr(GError) error = NULL;

  if (g_subprocess_communicate_utf8_finish (G_SUBPROCESS (object), result, &cmd->out, NULL, &error))
    cmd->ok = g_subprocess_get_if_exited (G_SUBPROCESS (object)) &&
              g_subprocess_get_exit_status (G_SUBPROCESS (object)) == 0;
  else
    cmd->out = g_strdup (error->message);
  cmd->done = TRUE;
}

static gboolean
cmd_start (Cmd               *cmd,
           const char *const *argv)
{
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;

  memset (cmd, 0, sizeof *cmd);
  proc = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE, &error);
  if (proc == NULL)
    {
      cmd->out = g_strdup (error->message);
      cmd->done = TRUE;
      return FALSE;
    }
  g_subprocess_communicate_utf8_async (proc, NULL, NULL, cmd_done, cmd);
  return TRUE;
}

static gboolean
cmd_finished (gpointer data)
{
  return ((Cmd *) data)->done;
}

/* Runs @argv to its end; its output (stdout + stderr) into @out. */
static gboolean
run_cmd (const char *const *argv,
         char             **out)
{
  Cmd cmd;

  cmd_start (&cmd, argv);
  ferry_test_wait_until (cmd_finished, &cmd, 600000);
  if (out != NULL)
    *out = g_steal_pointer (&cmd.out);
  g_free (cmd.out);
  return cmd.ok;
}

static gboolean
cluster (const char *command,
         const char *arg)
{
  const char *argv[] = { cluster_script, command, arg, NULL };
  g_autofree char *out = NULL;

  if (!run_cmd (argv, &out))
    {
      say ("cluster %s %s failed: %s", command, arg, out);
      return FALSE;
    }
  return TRUE;
}

/* virsh, bounded in time: a frozen daemon must not hang the harness. */
static gboolean
virsh (guint        node,
       char       **out,
       const char  *command,
       ...) G_GNUC_NULL_TERMINATED;

static gboolean
virsh (guint        node,
       char       **out,
       const char  *command,
       ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (char *) "timeout");
  g_ptr_array_add (argv, (char *) "30");
  g_ptr_array_add (argv, (char *) "virsh");
  g_ptr_array_add (argv, (char *) "-q");
  g_ptr_array_add (argv, (char *) "-c");
  g_ptr_array_add (argv, (char *) ferry_node_get_uri (nodes[node]));
  g_ptr_array_add (argv, (char *) command);
  va_start (args, command);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  return run_cmd ((const char *const *) argv->pdata, out);
}

/* What libvirt says of @name on every node: its state ("running", "shut
 * off", "paused", ...) or NULL where it is not defined. FALSE when a node
 * did not answer. */
static gboolean
virsh_states (const char *name,
              char       *states[N_NODES])
{
  for (guint n = 0; n < N_NODES; n++)
    {
      g_autofree char *out = NULL;
      g_auto(GStrv) lines = NULL;

      states[n] = NULL;
      if (!virsh (n, &out, "list", "--all", NULL))
        {
          /* node3 is never part of a round (other tests fail it at
           * will): a node3 that does not answer has none of ours. */
          if (n == 2)
            continue;
          for (guint m = 0; m < n; m++)
            g_clear_pointer (&states[m], g_free);
          return FALSE;
        }
      lines = g_strsplit (out, "\n", -1);
      for (guint i = 0; lines[i] != NULL; i++)
        {
          /* " 5    fi-a   running" / " -    fi-a   shut off" */
          g_auto(GStrv) cols = g_strsplit_set (g_strstrip (lines[i]), " \t", -1);
          g_autoptr(GPtrArray) words = g_ptr_array_new ();

          for (guint j = 0; cols[j] != NULL; j++)
            if (*cols[j] != '\0')
              g_ptr_array_add (words, cols[j]);
          if (words->len >= 3 && g_strcmp0 (g_ptr_array_index (words, 1), name) == 0)
            {
              g_ptr_array_add (words, NULL);
              states[n] = g_strjoinv (" ", (char **) words->pdata + 2);
            }
        }
    }
  return TRUE;
}

static void
states_clear (char *states[N_NODES])
{
  for (guint n = 0; n < N_NODES; n++)
    g_clear_pointer (&states[n], g_free);
}

static gboolean
states_equal (char *a[N_NODES],
              char *b[N_NODES])
{
  for (guint n = 0; n < N_NODES; n++)
    if (g_strcmp0 (a[n], b[n]) != 0)
      return FALSE;
  return TRUE;
}

static char *
states_describe (const char *name,
                 char       *states[N_NODES])
{
  GString *s = g_string_new (NULL);

  for (guint n = 0; n < N_NODES; n++)
    if (states[n] != NULL)
      g_string_append_printf (s, "%s%s on %s", s->len > 0 ? ", " : "", states[n],
                              ferry_node_get_name (nodes[n]));
  if (s->len == 0)
    g_string_append_printf (s, "%s defined nowhere", name);
  return g_string_free (s, FALSE);
}

static gboolean
state_active (const char *state)
{
  return state != NULL && g_strcmp0 (state, "shut off") != 0;
}

/* ---------------------------------------------------------------------- */
/* Small waits                                                              */

static void
sleep_ms (guint ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (20000);
    }
}

static gboolean
serial_has (const char *name,
            gsize       offset,
            const char *needle)
{
  g_autofree char *path = g_strdup_printf ("%s/serial/%s.log", ferry_test_cluster_dir (), name);
  g_autofree char *contents = NULL;
  gsize len = 0;

  return g_file_get_contents (path, &contents, &len, NULL) && len > offset &&
         g_strstr_len (contents + offset, len - offset, needle) != NULL;
}

/* The guest's own word that it runs: a new heartbeat line. */
static gboolean
heartbeat_after (const char *name,
                 gsize       offset,
                 guint       within_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) within_ms * 1000;

  while (g_get_monotonic_time () < deadline)
    {
      if (serial_has (name, offset, "FERRY-HEARTBEAT"))
        return TRUE;
      sleep_ms (200);
    }
  return FALSE;
}

static gboolean
node2_connected (gpointer data)
{
  return ferry_node_get_state (nodes[1]) == FERRY_NODE_STATE_CONNECTED;
}

/* ---------------------------------------------------------------------- */
/* Faults                                                                   */

/* The pid of @name's QEMU on node @n (0-based), if it runs there now. */
static GPid
qemu_pid (guint       n,
          const char *name)
{
  g_autofree char *path = g_strdup_printf ("%s/node%u/run/qemu/%s.pid", ferry_test_cluster_dir (), n + 1, name);
  g_autofree char *contents = NULL;
  g_autofree char *cmdline = NULL;
  g_autofree char *proc = NULL;
  g_autofree char *needle = NULL;
  gsize len = 0;
  gint64 pid;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return 0;
  pid = g_ascii_strtoll (g_strstrip (contents), NULL, 10);
  if (pid <= 1)
    return 0;
  /* A stale pid file must not make us kill somebody else's process. */
  proc = g_strdup_printf ("/proc/%" G_GINT64_FORMAT "/cmdline", pid);
  if (!g_file_get_contents (proc, &cmdline, &len, NULL))
    return 0;
  for (gsize i = 0; i + 1 < len; i++)
    if (cmdline[i] == '\0')
      cmdline[i] = ' ';
  needle = g_strdup_printf ("guest=%s,", name);
  if (strstr (cmdline, "qemu") == NULL || strstr (cmdline, needle) == NULL)
    return 0;
  return (GPid) pid;
}

static gboolean
kill_qemu (guint       n,
           const char *name)
{
  GPid pid = qemu_pid (n, name);

  if (pid == 0)
    return FALSE;
  if (kill (pid, SIGKILL) != 0)
    {
      say ("kill %d: %s", pid, g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

static void
thaw_node2 (void)
{
  if (node2_frozen)
    {
      cluster ("thaw", "node2");
      node2_frozen = FALSE;
    }
}

/* Injects @kind now; FALSE when there was nothing to hit (no QEMU). */
static gboolean
inject (FaultKind   kind,
        const char *name,
        guint       src,
        guint       dst)
{
  switch (kind)
    {
    case FAULT_NONE:
      return FALSE;
    case FAULT_KILL_DAEMON:
      node2_down = TRUE;
      return cluster ("fail", "node2");
    case FAULT_FREEZE_DAEMON:
      node2_frozen = cluster ("freeze", "node2");
      return node2_frozen;
    case FAULT_KILL_SOURCE_QEMU:
      return kill_qemu (src, name);
    case FAULT_KILL_DEST_QEMU:
      return kill_qemu (dst, name);
    default:
      g_assert_not_reached ();
    }
}

/* Whatever happens, node2 is left running (other tests share it). */
static void
recover_node2 (void)
{
  thaw_node2 ();
  if (node2_down)
    {
      cluster ("restart", "node2");
      node2_down = FALSE;
    }
}

static void
restart_demo_guests (void)
{
  const char *demo[] = { "n2-web", "n2-db" };

  for (guint i = 0; i < G_N_ELEMENTS (demo); i++)
    {
      g_autofree char *state = NULL;

      if (virsh (1, &state, "domstate", demo[i], NULL) && g_str_has_prefix (g_strstrip (state), "shut off"))
        virsh (1, NULL, "start", demo[i], NULL);
    }
}

/* ---------------------------------------------------------------------- */
/* One migration job                                                        */

typedef struct
{
  gboolean done;
  GError  *error;
} Run;

static void
run_done (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Run *run = user_data;

  ferry_migration_run_finish (FERRY_MIGRATION (object), result, &run->error);
  run->done = TRUE;
}

static gboolean
keep_polling (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* ---------------------------------------------------------------------- */
/* Guests                                                                   */

static guint
node_index (FerryNode *node)
{
  for (guint n = 0; n < N_NODES; n++)
    if (nodes[n] == node)
      return n;
  return G_MAXUINT;
}

static void
remove_everywhere (const char *name,
                   gboolean    with_storage)
{
  for (guint n = 0; n < N_NODES; n++)
    {
      virsh (n, NULL, "destroy", name, NULL);
      if (with_storage)
        virsh (n, NULL, "undefine", name, "--remove-all-storage", NULL);
      else
        virsh (n, NULL, "undefine", name, NULL);
    }
}

static gboolean
known_once (gpointer data)
{
  return ferry_test_count_named (inventory, data) == 1;
}

static gboolean
known_nowhere (gpointer data)
{
  return ferry_test_count_named (inventory, data) == 0;
}

static void
define_guest (Guest *guest)
{
  const char *argv[] = { cluster_script, "define-guest", "node1", guest->name, "--pool", "shared",
                         "--start", NULL };
  g_autofree char *out = NULL;

  guest->boot_offset = ferry_test_serial_size (guest->name);
  if (!run_cmd (argv, &out))
    g_error ("cluster define-guest %s: %s", guest->name, out);
  if (!ferry_test_wait_until (known_once, guest->name, 30000))
    g_error ("%s: not in Ferry's inventory after 30 s", guest->name);
}

static gboolean
guest_booted (gpointer data)
{
  Guest *guest = data;
  FerryVm *vm = ferry_inventory_find_vm_by_name (inventory, guest->name);

  return vm != NULL && ferry_vm_get_state (vm) == FERRY_VM_STATE_RUNNING &&
         serial_has (guest->name, guest->boot_offset, "FERRY-HEARTBEAT");
}

static void
start_guest (Guest *guest)
{
  FerryVm *vm = ferry_inventory_find_vm_by_name (inventory, guest->name);
  g_autoptr(GError) error = NULL;

  guest->boot_offset = ferry_test_serial_size (guest->name);
  error = ferry_test_run_op (vm, FERRY_VM_OP_START);
  if (error != NULL)
    say ("  %s: start failed: %s", guest->name, error->message);
}

/* ---------------------------------------------------------------------- */
/* The checks                                                               */

/* Ferry agrees with virsh: once in the inventory, owned by the node that
 * has it, sighted where libvirt lists it, in the same run state. */
static gboolean
inventory_agrees (const char  *name,
                  char        *states[N_NODES],
                  char       **why)
{
  FerryVm *vm = ferry_inventory_find_vm_by_name (inventory, name);
  guint count = ferry_test_count_named (inventory, name);
  guint defined = 0, owner = G_MAXUINT;

  for (guint n = 0; n < N_NODES; n++)
    if (states[n] != NULL)
      {
        defined++;
        owner = n;
      }

  if (defined == 0)
    {
      if (count != 0)
        {
          *why = g_strdup_printf ("Ferry still shows %s, libvirt has it nowhere", name);
          return FALSE;
        }
      return TRUE;
    }
  if (count != 1 || vm == NULL)
    {
      *why = g_strdup_printf ("Ferry has %u VMs named %s", count, name);
      return FALSE;
    }
  for (guint n = 0; n < N_NODES; n++)
    if (_ferry_vm_sighted_on (vm, nodes[n]) != (states[n] != NULL))
      {
        *why = g_strdup_printf ("Ferry %s %s on %s, virsh %s", _ferry_vm_sighted_on (vm, nodes[n]) ? "sees" : "misses",
                                name, ferry_node_get_name (nodes[n]), states[n] != NULL ? "lists it" : "does not");
        return FALSE;
      }
  if (defined == 1)
    {
      gboolean virsh_running = g_strcmp0 (states[owner], "running") == 0;
      gboolean ferry_running = ferry_vm_get_state (vm) == FERRY_VM_STATE_RUNNING;

      if (ferry_vm_get_node (vm) != nodes[owner])
        {
          *why = g_strdup_printf ("Ferry places %s on %s, virsh on %s", name,
                                  ferry_vm_get_node (vm) ? ferry_node_get_name (ferry_vm_get_node (vm)) : "no node",
                                  ferry_node_get_name (nodes[owner]));
          return FALSE;
        }
      if (virsh_running != ferry_running)
        {
          *why = g_strdup_printf ("Ferry says %s is %s, virsh says %s", name, ferry_vm_get_state_text (vm),
                                  states[owner]);
          return FALSE;
        }
    }
  return TRUE;
}

/* libvirt's view, once it stops changing (a failed incoming domain is
 * cleaned up a moment after the job returns). */
static void
settled_states (const char *name,
                char       *states[N_NODES])
{
  char *previous[N_NODES] = { NULL, };
  gint64 deadline = g_get_monotonic_time () + SETTLE_TIMEOUT_S * G_USEC_PER_SEC;

  for (;;)
    {
      while (!virsh_states (name, states))
        {
          if (g_get_monotonic_time () > deadline)
            g_error ("the nodes do not answer virsh");
          sleep_ms (1000);
        }
      if (states_equal (states, previous) || g_get_monotonic_time () > deadline)
        break;
      states_clear (previous);
      memcpy (previous, states, sizeof previous);
      sleep_ms (1000);
    }
  states_clear (previous);
}

/* ---------------------------------------------------------------------- */
/* A round                                                                  */

/* Ferry removes a leftover definition 8 s after the node answers, and
 * looks again 30 s later. */
#define RECONCILE_WAIT_S 50

static double typical_s = 4.0;   /* a fault-free migration's duration, updated as we go */

static void
run_round (GRand *rand,
           guint  round,
           guint  n_rounds)
{
  g_autoptr(FerryMigrationOptions) options = ferry_migration_options_new (FERRY_MIGRATION_PRESET_DEFAULT);
  g_autoptr(FerryMigration) migration = NULL;
  g_autoptr(GString) line = g_string_new (NULL);
  g_autofree char *where = NULL;
  g_autofree char *why = NULL;
  char *states[N_NODES] = { NULL, };
  Guest *guest = &guests[g_rand_int_range (rand, 0, N_GUESTS)];
  FaultKind kind;
  double fault_at, freeze_s = 0;
  gboolean injected = FALSE, fault_done, died_reason = FALSE;
  guint src, dst, defined = 0, active = 0, owner = G_MAXUINT, weight;
  gint64 start, fault_time, thaw_time = 0, job_end = 0;
  guint poll_id;
  FerryVm *vm;
  Run run = { FALSE, NULL };

  /* The fault and its moment: from 1 s before the job to a bit after its
   * usual end (so that some land on a finished job: no fault at all). */
  weight = g_rand_int_range (rand, 0, 9);
  kind = weight == 0 ? FAULT_NONE : (FaultKind) (1 + (weight - 1) / 2);
  fault_at = g_rand_double_range (rand, -1.0, typical_s * 1.2);
  if (kind == FAULT_FREEZE_DAEMON)
    freeze_s = g_rand_int_range (rand, 0, 10) < 7 ? g_rand_double_range (rand, 1.0, 5.0)
                                                  : g_rand_double_range (rand, 13.0, 16.0);

  /* A booted guest, running on node1 or node2. */
  if (!ferry_test_wait_until (guest_booted, guest, BOOT_WAIT_MS))
    say ("  %s: no heartbeat %d s after its start", guest->name, BOOT_WAIT_MS / 1000);
  vm = ferry_inventory_find_vm_by_name (inventory, guest->name);
  g_assert_nonnull (vm);
  src = node_index (ferry_vm_get_node (vm));
  g_assert_true (src == 0 || src == 1);
  dst = 1 - src;

  {
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    g_autofree char *stamp = g_date_time_format (now, "%H:%M:%S");

    /* UTC, as in the nodes' libvirtd.log. */
    g_string_append_printf (line, "%s ", stamp);
  }
  g_string_append_printf (line, "round %u/%u: %s %s->%s, %s", round, n_rounds, guest->name,
                          ferry_node_get_name (nodes[src]), ferry_node_get_name (nodes[dst]),
                          fault_names[kind]);
  if (kind == FAULT_KILL_DAEMON || kind == FAULT_FREEZE_DAEMON)
    g_string_append_printf (line, " (node2 = %s)", dst == 1 ? "destination" : "source");
  if (kind == FAULT_FREEZE_DAEMON)
    g_string_append_printf (line, " for %.1f s", freeze_s);
  if (kind != FAULT_NONE)
    g_string_append_printf (line, " at %+.1f s", fault_at);
  counts.faults[kind]++;

  options->bandwidth_mib = BANDWIDTH_MIB;
  migration = ferry_migration_new (vm, nodes[dst], options);

  start = g_get_monotonic_time ();
  fault_time = start + (gint64) (MAX (fault_at, 0) * G_USEC_PER_SEC);
  fault_done = kind == FAULT_NONE;
  if (fault_at < 0 && kind != FAULT_NONE)
    {
      /* Before the job: it starts into the fault. */
      sleep_ms ((guint) (-fault_at * 1000));
      injected = inject (kind, guest->name, src, dst);
      fault_done = TRUE;
      if (kind == FAULT_FREEZE_DAEMON && injected)
        thaw_time = g_get_monotonic_time () + (gint64) (freeze_s * G_USEC_PER_SEC);
      start = g_get_monotonic_time ();
    }

  ferry_migration_run_async (migration, NULL, run_done, &run);
  poll_id = g_timeout_add (20, keep_polling, NULL);
  while (!run.done || !fault_done || node2_frozen)
    {
      gint64 now;

      g_main_context_iteration (NULL, TRUE);
      now = g_get_monotonic_time ();
      if (run.done && job_end == 0)
        job_end = now;
      if (!fault_done && now >= fault_time)
        {
          fault_done = TRUE;
          /* A job already over: the fault would only hit a guest at rest. */
          if (!run.done)
            {
              injected = inject (kind, guest->name, src, dst);
              if (kind == FAULT_FREEZE_DAEMON && injected)
                thaw_time = now + (gint64) (freeze_s * G_USEC_PER_SEC);
            }
        }
      if (node2_frozen && now >= thaw_time)
        thaw_node2 ();
      if (!run.done && now - start > (gint64) JOB_TIMEOUT_S * G_USEC_PER_SEC)
        {
          g_autofree char *progress = ferry_migration_describe_progress (migration);

          counts.hangs++;
          say ("%s: HANG: the job has not finished after %d s (%s, state %s)", line->str, JOB_TIMEOUT_S,
               progress, ferry_migration_state_to_string (ferry_migration_get_state (migration)));
          recover_node2 ();
          g_error ("round %u: migration of %s hung", round, guest->name);
        }
    }
  g_source_remove (poll_id);
  if (job_end == 0)
    job_end = g_get_monotonic_time ();

  if (kind != FAULT_NONE && !injected)
    {
      counts.missed++;
      g_string_append (line, fault_at >= 0 && job_end <= fault_time ? " (after the job: not injected)"
                                                                     : " (no QEMU to hit)");
    }
  g_string_append_printf (line, ": job %s after %.1f s",
                          ferry_migration_state_to_string (ferry_migration_get_state (migration)),
                          (job_end - start) / 1e6);
  if (run.error != NULL)
    g_string_append_printf (line, " (“%s”)", run.error->message);

  /* The dust settles: node2 back, libvirt stable. */
  if (node2_down)
    {
      recover_node2 ();
      restart_demo_guests ();
    }
  if (!ferry_test_wait_until (node2_connected, NULL, 60000))
    say ("  node2 not reconnected after 60 s: %s", ferry_node_get_error (nodes[1]));
  settled_states (guest->name, states);

  /* A shut-off definition left on the other node by the interruption is
   * Ferry's to remove (ferry-migration.c, "Reconciliation"): give it the
   * time it takes (it looks a few seconds after the node answers, and once
   * more later). Two *running* copies are never waited for. */
  {
    gint64 deadline = g_get_monotonic_time () + RECONCILE_WAIT_S * G_USEC_PER_SEC;
    gint64 started = g_get_monotonic_time ();
    gboolean waited = FALSE;

    for (;;)
      {
        guint d = 0, a = 0;

        for (guint n = 0; n < N_NODES; n++)
          if (states[n] != NULL)
            {
              d++;
              a += state_active (states[n]);
            }
        if (d <= 1 || a > 1 || g_get_monotonic_time () > deadline)
          break;
        waited = TRUE;
        sleep_ms (2000);
        states_clear (states);
        settled_states (guest->name, states);
      }
    if (waited)
      g_string_append_printf (line, "; a leftover definition waited for %.0f s",
                              (g_get_monotonic_time () - started) / 1e6);
  }

  for (guint n = 0; n < N_NODES; n++)
    if (states[n] != NULL)
      {
        defined++;
        owner = n;
        if (state_active (states[n]))
          active++;
      }
  where = states_describe (guest->name, states);
  g_string_append_printf (line, "; %s", where);

  /* Only a fault on the guest's host or QEMU may stop it. */
  if (injected)
    died_reason = kind == FAULT_KILL_DAEMON || kind == FAULT_KILL_SOURCE_QEMU || kind == FAULT_KILL_DEST_QEMU;

  if (defined == 0)
    {
      counts.lost++;
      g_string_append (line, " - LOST");
    }
  else if (defined > 1 || active > 1)
    {
      counts.duplicated++;
      g_string_append (line, " - DUPLICATED");
    }
  else
    {
      /* Success: on the destination; failure: "stays on the source". */
      gboolean ok_report = run.error == NULL ? owner == dst : owner == src;

      if (!ok_report)
        {
          counts.wrong_report++;
          g_string_append_printf (line, " - WRONG REPORT (job %s, guest on %s)", run.error == NULL ? "succeeded" : "failed",
                                  ferry_node_get_name (nodes[owner]));
        }
      if (g_strcmp0 (states[owner], "running") == 0)
        {
          if (!heartbeat_after (guest->name, ferry_test_serial_size (guest->name), HEARTBEAT_WAIT_MS))
            {
              counts.stalled++;
              g_string_append (line, " - STALLED (running, no heartbeat)");
            }
          else if (ok_report && run.error == NULL)
            {
              counts.migrated++;
              g_string_append (line, " - migrated");
            }
          else if (ok_report)
            {
              counts.failed_as_expected++;
              g_string_append (line, " - failed as expected, still on the source");
            }
        }
      else if (g_strcmp0 (states[owner], "shut off") == 0)
        {
          if (died_reason)
            {
              counts.died_with_host++;
              g_string_append (line, " - died with its host");
            }
          else
            {
              counts.stalled++;
              g_string_append (line, " - SHUT OFF without a reason");
            }
        }
      else
        {
          counts.left_paused++;
          g_string_append_printf (line, " - LEFT %s", states[owner]);
        }
    }

  /* Ferry's inventory agrees with virsh (events may trail a little). */
  {
    gint64 deadline = g_get_monotonic_time () + SETTLE_TIMEOUT_S * G_USEC_PER_SEC;
    gboolean agrees;

    while (!(agrees = inventory_agrees (guest->name, states, &why)) && g_get_monotonic_time () < deadline)
      {
        g_clear_pointer (&why, g_free);
        sleep_ms (250);
      }
    if (!agrees)
      {
        counts.inventory_wrong++;
        g_string_append_printf (line, " - INVENTORY WRONG: %s", why);
      }
  }
  g_string_append_printf (line, " [%.1f s]", (g_get_monotonic_time () - start) / 1e6);
  say ("%s", line->str);
  if (typical_s > 0 && kind == FAULT_NONE && run.error == NULL)
    typical_s = 0.7 * typical_s + 0.3 * ((job_end - start) / 1e6);

  /* Ready for the next round: exactly one copy, running. */
  if (defined == 0)
    {
      remove_everywhere (guest->name, TRUE);
      ferry_test_wait_until (known_nowhere, guest->name, 30000);
      define_guest (guest);
    }
  else if (defined > 1 || active > 1)
    {
      /* Keep the copy that runs (or node1's), drop the others' definitions
       * only: the disk is shared. */
      guint keep = G_MAXUINT;

      for (guint n = 0; n < N_NODES; n++)
        if (g_strcmp0 (states[n], "running") == 0 && keep == G_MAXUINT)
          keep = n;
      if (keep == G_MAXUINT)
        keep = states[0] != NULL ? 0 : 1;
      for (guint n = 0; n < N_NODES; n++)
        if (n != keep && states[n] != NULL)
          {
            virsh (n, NULL, "destroy", guest->name, NULL);
            virsh (n, NULL, "undefine", guest->name, NULL);
          }
      if (!known_once (guest->name))
        ferry_test_wait_until (known_once, guest->name, 30000);
    }
  else if (g_strcmp0 (states[owner], "shut off") == 0)
    start_guest (guest);
  else if (g_strcmp0 (states[owner], "running") != 0)
    virsh (owner, NULL, "resume", guest->name, NULL);

  g_clear_error (&run.error);
  states_clear (states);

  /* A killed node2 took our other guests with it: start them again. */
  for (guint i = 0; i < N_GUESTS; i++)
    if (&guests[i] != guest)
      {
        FerryVm *other = ferry_inventory_find_vm_by_name (inventory, guests[i].name);

        if (other != NULL && ferry_vm_get_state (other) == FERRY_VM_STATE_SHUT_OFF)
          {
            say ("  %s died with node2: starting it again", guests[i].name);
            start_guest (&guests[i]);
          }
      }
}

/* ---------------------------------------------------------------------- */

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

static guint n_rounds = 20;

static void
test_fault_rounds (void)
{
  g_autoptr(GRand) rand = NULL;
  const char *seed_env = g_getenv ("FERRY_FAULT_SEED");
  guint32 seed;
  gint64 start;
  double elapsed;

  if (!have_cluster ())
    return;

  seed = seed_env != NULL ? (guint32) g_ascii_strtoull (seed_env, NULL, 10) : g_random_int ();
  rand = g_rand_new_with_seed (seed);
  say ("seed %u (replay with FERRY_FAULT_SEED=%u), %u rounds", seed, seed, n_rounds);
  if (!tap_mode && n_rounds < 100)
    say ("bench: %u rounds to keep CI short; FERRY_FAULT_ROUNDS=100 for the full run "
         "(about 14 s per round here, ~25 min)", n_rounds);

  /* Our guests, fresh, on node1. */
  for (guint i = 0; i < N_GUESTS; i++)
    {
      guests[i].name = g_strdup_printf ("fi-%c", 'a' + i);
      remove_everywhere (guests[i].name, TRUE);
      if (!ferry_test_wait_until (known_nowhere, guests[i].name, 30000))
        g_error ("%s: still in Ferry's inventory after its removal", guests[i].name);
    }
  for (guint i = 0; i < N_GUESTS; i++)
    define_guest (&guests[i]);

  start = g_get_monotonic_time ();
  for (guint r = 1; r <= n_rounds; r++)
    {
      run_round (rand, r, n_rounds);
      counts.rounds++;
    }
  elapsed = (g_get_monotonic_time () - start) / 1e6;

  /* Nothing of ours left behind; node2 running. */
  recover_node2 ();
  for (guint i = 0; i < N_GUESTS; i++)
    remove_everywhere (guests[i].name, TRUE);

  say ("faults: %u none, %u kill-daemon, %u freeze-daemon, %u kill-src-qemu, %u kill-dst-qemu; "
       "%u not injected (after the job, or no QEMU to hit)",
       counts.faults[FAULT_NONE], counts.faults[FAULT_KILL_DAEMON], counts.faults[FAULT_FREEZE_DAEMON],
       counts.faults[FAULT_KILL_SOURCE_QEMU], counts.faults[FAULT_KILL_DEST_QEMU], counts.missed);
  say ("outcomes: %u migrated, %u failed as expected (still on the source), %u died with their host; "
       "%u wrong reports, %u inventory mismatches, %u left paused, %u stalled, %u hangs",
       counts.migrated, counts.failed_as_expected, counts.died_with_host, counts.wrong_report,
       counts.inventory_wrong, counts.left_paused, counts.stalled, counts.hangs);
  say ("%.0f s, %.1f s per round (seed %u)", elapsed, elapsed / MAX (counts.rounds, 1), seed);
  /* This process is Ferry's core: reaching this line means it survived. */
  say ("%u rounds, %u lost, %u duplicated, %u crashes", counts.rounds, counts.lost, counts.duplicated,
       counts.crashes);

  g_assert_cmpuint (counts.lost, ==, 0);
  g_assert_cmpuint (counts.duplicated, ==, 0);
  g_assert_cmpuint (counts.inventory_wrong, ==, 0);
  g_assert_cmpuint (counts.hangs, ==, 0);
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
  const char *srcdir = g_getenv ("FERRY_SOURCE_DIR");
  const char *rounds_env = g_getenv ("FERRY_FAULT_ROUNDS");
  g_autoptr(GError) error = NULL;
  int ret;

  for (int i = 1; i < argc; i++)
    {
      if (g_strcmp0 (argv[i], "--tap") == 0)
        tap_mode = TRUE;
      /* --rounds N: the bench's default (the environment still wins). */
      else if (g_strcmp0 (argv[i], "--rounds") == 0 && i + 1 < argc)
        {
          n_rounds = (guint) g_ascii_strtoull (argv[i + 1], NULL, 10);
          memmove (&argv[i], &argv[i + 2], (argc - i - 1) * sizeof (char *));
          argc -= 2;
          i--;
        }
    }
  if (rounds_env != NULL)
    n_rounds = (guint) g_ascii_strtoull (rounds_env, NULL, 10);

  g_test_init (&argc, &argv, NULL);
  ferry_test_require_programs ("virsh", NULL);
  ferry_core_init ();

  cluster_script = g_build_filename (srcdir ? srcdir : ".", "tests", "cluster", "cluster", NULL);
  inventory = ferry_inventory_new ();
  if (!ferry_test_connect_cluster (inventory, nodes, NULL, N_NODES, &error) && error != NULL)
    g_error ("%s", error->message);

  g_test_add_func ("/fault/rounds", test_fault_rounds);
  g_test_add_func ("/fault/no-libvirt-on-main-thread", test_no_libvirt_on_main_thread);

  ret = g_test_run ();

  recover_node2 ();
  for (guint i = 0; i < N_GUESTS; i++)
    g_free (guests[i].name);
  for (guint i = 0; i < N_NODES; i++)
    g_clear_object (&nodes[i]);
  g_clear_object (&inventory);
  g_free (cluster_script);
  return ret;
}
