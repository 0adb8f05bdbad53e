/* ferry-node.c — one libvirt host, reached through one connection
 *
 * Threads: every libvirt call runs on the node's own worker pool. libvirt's
 * callbacks (domain events, connection closed) run on the core's event
 * thread; they copy what they need and hand it to the main context. The
 * main thread owns all GObject state here and never calls libvirt.
 *
 * Generations: each (re)connection attempt bumps self->generation. Results
 * and callbacks carry the generation they belong to; anything from an older
 * generation is stale and is dropped (its connection closed on a worker).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */


#include "config.h"

#include <glib/gi18n-lib.h>
#include <libvirt/virterror.h>

#include "ferry-askpass-server.h"
#include "ferry-core.h"
#include "ferry-credentials-private.h"
#include "ferry-libvirt.h"
#include "ferry-node-private.h"
#include "ferry-uri.h"
#include "ferry-vm.h"
#include "ferry-vm-info.h"

/* A node that stops answering is declared dead after
 * KEEPALIVE_INTERVAL * (KEEPALIVE_COUNT + 1) = 12 s, inside the 15 s that
 * administrators expect (vSphere HA also waits 15 s). */
#define KEEPALIVE_INTERVAL     4
#define KEEPALIVE_COUNT        2
#define CONNECT_TIMEOUT_S      15
#define RETRY_MIN_S            1
#define RETRY_MAX_S            10
/* One worker per node: calls on a connection run one at a time. libvirt
 * 9.0's RPC client crashed here (use after free in its per-call event
 * loop) when several threads were waiting on a connection that keepalive
 * then closed; serialising per node avoids that and costs little, since
 * a node that hangs cannot answer a second call either. Long jobs
 * (migrations) get connections of their own. */
#define WORKERS_PER_NODE       1

struct _FerryNode
{
  GObject         parent_instance;

  char           *id;
  char           *uri;
  const char     *name;          /* interned: never freed, so workers may read it */
  char           *migration_address;
  gboolean        maintenance;
  char          **evacuated;

  FerryNodeState  state;
  char           *error;

  char           *hostname;
  char           *cpu_model;
  guint           cpus;
  guint64         memory;
  char           *libvirt_version;
  char           *hypervisor_version;

  GListStore     *vms;
  guint           n_running;
  FerryMetrics   *metrics;

  /* Guarded by conn_lock: read by workers, swapped by the main thread. */
  GMutex          conn_lock;
  virConnectPtr   conn;
  int             event_callback_id;
  gpointer        close_data;

  GThreadPool    *pool;
  guint           generation;
  guint64         seq;
  GHashTable     *known;            /* uuid → seq of the info last reported */
  guint64         list_seq;
  GHashTable     *refreshing;       /* uuid → GINT (1 = asked again meanwhile) */
  GHashTable     *early_events;     /* uuids whose events came before the open finished */

  guint           want_connected : 1;
  guint           open_pending : 1;
  /* Cancelled when the attempt is abandoned: withdraws its password prompt. */
  GCancellable   *open_cancellable;
  guint           retry_source;
  guint           retry_delay;
  guint           connect_timeout_source;
};

enum {
  PROP_0,
  PROP_ID,
  PROP_URI,
  PROP_NAME,
  PROP_MIGRATION_ADDRESS,
  PROP_STATE,
  PROP_ERROR,
  PROP_HOSTNAME,
  PROP_CPU_MODEL,
  PROP_CPUS,
  PROP_MEMORY,
  PROP_LIBVIRT_VERSION,
  PROP_HYPERVISOR_VERSION,
  PROP_VMS,
  PROP_N_VMS,
  PROP_N_RUNNING,
  PROP_METRICS,
  PROP_MAINTENANCE,
  N_PROPS
};

enum {
  DOMAINS_CHANGED,
  DOMAIN_EVENT,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (FerryNode, ferry_node, G_TYPE_OBJECT)

static void start_open (FerryNode *self);

/* ---------------------------------------------------------------------- */
/* Worker pool                                                             */

typedef struct
{
  GTask             *task;
  GTaskThreadFunc    func;
  FerryNodeConnFunc  conn_func;
} Job;

static void
pool_func (gpointer data,
           gpointer user_data)
{
  Job *job = data;
  FerryNode *node = g_task_get_source_object (job->task);

  if (job->conn_func != NULL)
    {
      GError *error = NULL;
      virConnectPtr conn = _ferry_node_dup_connection (node, &error);

      if (conn == NULL)
        g_task_return_error (job->task, error);
      else
        {
          job->conn_func (job->task, node, conn, g_task_get_task_data (job->task),
                          g_task_get_cancellable (job->task));
          virConnectClose (conn);
        }
    }
  else
    job->func (job->task, node, g_task_get_task_data (job->task), g_task_get_cancellable (job->task));
  g_object_unref (job->task);
  g_free (job);
}

void
_ferry_node_run_in_worker (FerryNode       *self,
                           GTask           *task,
                           GTaskThreadFunc  func)
{
  Job *job = g_new0 (Job, 1);

  job->task = g_object_ref (task);
  job->func = func;
  g_thread_pool_push (self->pool, job, NULL);
}

void
_ferry_task_forward_boolean (GObject      *source,
                             GAsyncResult *result,
                             gpointer      outer)
{
  g_autoptr(GTask) task = outer;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
_ferry_node_run_with_connection (FerryNode         *self,
                                 GTask             *task,
                                 FerryNodeConnFunc  func)
{
  Job *job;

  g_return_if_fail (FERRY_IS_NODE (self));
  g_return_if_fail (g_task_get_source_object (task) == (gpointer) self);

  job = g_new0 (Job, 1);
  job->task = g_object_ref (task);
  job->conn_func = func;
  g_thread_pool_push (self->pool, job, NULL);
}

virConnectPtr
_ferry_node_dup_connection (FerryNode  *self,
                            GError    **error)
{
  virConnectPtr conn;

  FERRY_ASSERT_WORKER_THREAD ();

  g_mutex_lock (&self->conn_lock);
  conn = self->conn;
  if (conn != NULL)
    virConnectRef (conn);
  g_mutex_unlock (&self->conn_lock);

  /* The URI, not the name: the name can change on the main thread while
   * this runs (a use-after-free the styles UI test caught). */
  if (conn == NULL)
    g_set_error (error, FERRY_LIBVIRT_ERROR, FERRY_LIBVIRT_ERROR_NOT_CONNECTED,
                 _("%s is not connected"), self->uri);
  return conn;
}

virDomainPtr
_ferry_node_lookup_domain (FerryNode      *self,
                           const char     *uuid,
                           const char     *name,
                           virConnectPtr  *conn,
                           GError        **error)
{
  virDomainPtr domain;

  *conn = _ferry_node_dup_connection (self, error);
  if (*conn == NULL)
    return NULL;
  domain = virDomainLookupByUUIDString (*conn, uuid);
  if (domain == NULL)
    {
      ferry_libvirt_set_error (error, _("“%s” was not found"), name);
      virConnectClose (*conn);
      *conn = NULL;
    }
  return domain;
}

/* How this node's connections are opened: answers from this session, the
 * keyring or a question, with ssh asking through Ferry's own dialog. */
static FerryAuth *
node_auth_new (FerryNode    *self,
               const char   *host,
               GCancellable *cancellable)
{
  FerryAuth *auth = _ferry_auth_new (self->uri, host, cancellable);
  g_autofree char *target = _ferry_askpass_connect_uri (self->uri);

  _ferry_auth_set_connect_uri (auth, target);
  return auth;
}

virConnectPtr
_ferry_node_open_private_connection (FerryNode  *self,
                                     GError    **error)
{
  g_autoptr(FerryAuth) auth = NULL;
  g_autofree char *host = NULL;
  virConnectPtr conn;

  FERRY_ASSERT_WORKER_THREAD ();

  /* Only for a node that is up: a dead one would make this hang. (The
   * URI, unlike the name, never changes: safe to read from this thread.) */
  g_mutex_lock (&self->conn_lock);
  conn = self->conn;
  g_mutex_unlock (&self->conn_lock);
  if (conn == NULL)
    {
      g_set_error (error, FERRY_LIBVIRT_ERROR, FERRY_LIBVIRT_ERROR_NOT_CONNECTED,
                   _("%s is not connected"), self->uri);
      return NULL;
    }

  /* Usually answered from this session's memory (no prompt). */
  host = ferry_uri_display_name (self->uri);
  auth = node_auth_new (self, host, NULL);
  conn = _ferry_auth_open (auth, error);
  if (conn == NULL)
    {
      g_prefix_error (error, _("Could not connect to %s: "), self->uri);
      return NULL;
    }
  virConnectSetKeepAlive (conn, KEEPALIVE_INTERVAL, KEEPALIVE_COUNT);
  virResetLastError ();
  return conn;
}

/* ---------------------------------------------------------------------- */
/* State                                                                   */

static void
set_string (FerryNode   *self,
            char       **field,
            const char  *value,
            int          prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_state (FerryNode      *self,
           FerryNodeState  state,
           const char     *error)
{
  g_object_freeze_notify (G_OBJECT (self));
  set_string (self, &self->error, error, PROP_ERROR);
  if (self->state != state)
    {
      g_debug ("%s: %s → %s%s%s", self->uri,
               ferry_node_state_to_string (self->state),
               ferry_node_state_to_string (state),
               error ? ": " : "", error ? error : "");
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

/* ---------------------------------------------------------------------- */
/* Closing a connection: deregistration and close may block on a dead     */
/* host, so they run on a worker too.                                      */

typedef struct _CallbackData CallbackData;

typedef struct
{
  virConnectPtr  conn;
  int            event_callback_id;
  CallbackData  *close_data;
} CloseData;

static void close_callback (virConnectPtr conn, int reason, void *opaque);
static void callback_data_free (void *opaque);

static void
close_connection (CloseData *data)
{
  FERRY_ASSERT_WORKER_THREAD ();

  if (data->event_callback_id >= 0)
    virConnectDomainEventDeregisterAny (data->conn, data->event_callback_id);
  virConnectUnregisterCloseCallback (data->conn, close_callback);
  /* Drivers without close callbacks (test:///) accept the registration
   * and never free its data, so we own it: once unregistered, libvirt
   * will not call it again. */
  g_clear_pointer (&data->close_data, callback_data_free);
  virConnectClose (data->conn);
  virResetLastError ();
}

static void
close_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  close_connection (task_data);
  g_task_return_boolean (task, TRUE);
}

static void
close_in_worker (FerryNode     *self,
                 virConnectPtr  conn,
                 int            event_callback_id,
                 CallbackData  *close_data)
{
  g_autoptr(GTask) task = NULL;
  CloseData *data;

  if (conn == NULL)
    return;

  data = g_new0 (CloseData, 1);
  data->conn = conn;
  data->event_callback_id = event_callback_id;
  data->close_data = close_data;
  task = g_task_new (self, NULL, NULL, NULL);
  g_task_set_source_tag (task, close_in_worker);
  g_task_set_task_data (task, data, g_free);
  _ferry_node_run_in_worker (self, task, close_thread);
}

static void
drop_connection (FerryNode *self)
{
  virConnectPtr conn;
  int callback_id;
  CallbackData *close_data;

  g_mutex_lock (&self->conn_lock);
  conn = g_steal_pointer (&self->conn);
  callback_id = self->event_callback_id;
  self->event_callback_id = -1;
  close_data = g_steal_pointer (&self->close_data);
  g_mutex_unlock (&self->conn_lock);

  close_in_worker (self, conn, callback_id, close_data);
}

/* ---------------------------------------------------------------------- */
/* Domain lists and refreshes                                              */

static void
emit_changes (FerryNode *self,
              GPtrArray *changes)
{
  if (changes->len > 0)
    g_signal_emit (self, signals[DOMAINS_CHANGED], 0, changes);
}

/* A full list replaces what we knew, except entries that a newer single
 * refresh has already reported. */
static void
apply_list (FerryNode *self,
            GPtrArray *infos,
            guint64    seq)
{
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) ferry_vm_info_free);
  g_autoptr(GHashTable) listed = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer key, value;

  self->list_seq = seq;

  for (guint i = 0; i < infos->len; i++)
    {
      FerryVmInfo *info = g_ptr_array_index (infos, i);
      gpointer known_seq;

      g_hash_table_add (listed, info->uuid);
      if (g_hash_table_lookup_extended (self->known, info->uuid, NULL, &known_seq) &&
          GPOINTER_TO_SIZE (known_seq) > seq)
        continue;
      g_hash_table_replace (self->known, g_strdup (info->uuid), GSIZE_TO_POINTER (seq));
      g_ptr_array_add (changes, ferry_vm_info_copy (info));
    }

  g_hash_table_iter_init (&iter, self->known);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      FerryVmInfo *gone;

      if (g_hash_table_contains (listed, key) || GPOINTER_TO_SIZE (value) > seq)
        continue;
      gone = ferry_vm_info_new (key);
      gone->gone = TRUE;
      g_ptr_array_add (changes, gone);
      g_hash_table_iter_remove (&iter);
    }

  emit_changes (self, changes);
}

static void
apply_one (FerryNode   *self,
           const char  *uuid,
           FerryVmInfo *info,
           guint64      seq)
{
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) ferry_vm_info_free);
  gpointer known_seq = NULL;
  gboolean known;

  known = g_hash_table_lookup_extended (self->known, uuid, NULL, &known_seq);
  if ((known && GPOINTER_TO_SIZE (known_seq) > seq) || self->list_seq > seq)
    return;

  if (info == NULL)
    {
      FerryVmInfo *gone;

      if (!known)
        return;
      g_hash_table_remove (self->known, uuid);
      gone = ferry_vm_info_new (uuid);
      gone->gone = TRUE;
      g_ptr_array_add (changes, gone);
    }
  else
    {
      g_hash_table_replace (self->known, g_strdup (uuid), GSIZE_TO_POINTER (seq));
      g_ptr_array_add (changes, ferry_vm_info_copy (info));
    }

  emit_changes (self, changes);
}

typedef struct
{
  char        *uuid;
  guint        generation;
  guint64      seq;
  FerryVmInfo *info;
  gboolean     gone;
} RefreshData;

static void
refresh_data_free (RefreshData *data)
{
  g_free (data->uuid);
  ferry_vm_info_free (data->info);
  g_free (data);
}

static void
refresh_domain_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  FerryNode *self = source_object;
  RefreshData *data = task_data;
  g_autoptr(GError) error = NULL;
  virConnectPtr conn;
  virDomainPtr domain;

  conn = _ferry_node_dup_connection (self, &error);
  if (conn == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  domain = virDomainLookupByUUIDString (conn, data->uuid);
  if (domain == NULL)
    {
      virErrorPtr last = virGetLastError ();

      if (last != NULL && last->code == VIR_ERR_NO_DOMAIN)
        {
          data->gone = TRUE;
          virResetLastError ();
          g_task_return_boolean (task, TRUE);
        }
      else
        {
          ferry_libvirt_set_error (&error, NULL);
          g_task_return_error (task, g_steal_pointer (&error));
        }
      virConnectClose (conn);
      return;
    }

  data->info = ferry_libvirt_domain_info (domain, &error);
  if (data->info == NULL && g_error_matches (error, FERRY_LIBVIRT_ERROR, FERRY_LIBVIRT_ERROR_NO_DOMAIN))
    {
      data->gone = TRUE;
      g_clear_error (&error);
    }
  virDomainFree (domain);
  virConnectClose (conn);

  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
refresh_domain_done (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  FerryNode *self = FERRY_NODE (object);
  RefreshData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  gboolean again;
  g_autofree char *uuid = g_strdup (data->uuid);

  again = GPOINTER_TO_INT (g_hash_table_lookup (self->refreshing, uuid));
  g_hash_table_remove (self->refreshing, uuid);

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      /* The connection went away; the close callback handles that. */
      g_debug ("%s: refreshing %s failed: %s", self->uri, uuid, error->message);
      return;
    }

  if (data->generation == self->generation)
    apply_one (self, uuid, data->gone ? NULL : data->info, data->seq);

  if (again && self->state == FERRY_NODE_STATE_CONNECTED)
    _ferry_node_refresh_domain (self, uuid);
}

void
_ferry_node_refresh_domain (FerryNode  *self,
                            const char *uuid)
{
  g_autoptr(GTask) task = NULL;
  RefreshData *data;

  g_return_if_fail (FERRY_IS_NODE (self));
  g_return_if_fail (uuid != NULL);

  if (self->state != FERRY_NODE_STATE_CONNECTED)
    return;

  /* Coalesce bursts of events (define+start+resume) into one query, plus
   * one more if anything arrived while it was running. */
  if (g_hash_table_contains (self->refreshing, uuid))
    {
      g_hash_table_replace (self->refreshing, g_strdup (uuid), GINT_TO_POINTER (1));
      return;
    }
  g_hash_table_replace (self->refreshing, g_strdup (uuid), GINT_TO_POINTER (0));

  data = g_new0 (RefreshData, 1);
  data->uuid = g_strdup (uuid);
  data->generation = self->generation;
  data->seq = ++self->seq;

  task = g_task_new (self, NULL, refresh_domain_done, NULL);
  g_task_set_source_tag (task, _ferry_node_refresh_domain);
  g_task_set_task_data (task, data, (GDestroyNotify) refresh_data_free);
  _ferry_node_run_in_worker (self, task, refresh_domain_thread);
}

typedef struct
{
  guint      generation;
  guint64    seq;
  GPtrArray *infos;
} ListData;

static void
list_data_free (ListData *data)
{
  g_clear_pointer (&data->infos, g_ptr_array_unref);
  g_free (data);
}

static void
list_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  ListData *data = task_data;
  g_autoptr(GError) error = NULL;
  virConnectPtr conn;

  conn = _ferry_node_dup_connection (source_object, &error);
  if (conn == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  data->infos = ferry_libvirt_list_domains (conn, &error);
  virConnectClose (conn);

  if (data->infos == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
list_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  FerryNode *self = FERRY_NODE (object);
  ListData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_debug ("%s: listing failed: %s", self->uri, error->message);
      return;
    }
  if (data->generation == self->generation)
    apply_list (self, data->infos, data->seq);
}

void
ferry_node_refresh (FerryNode *self)
{
  g_autoptr(GTask) task = NULL;
  ListData *data;

  g_return_if_fail (FERRY_IS_NODE (self));

  if (self->state != FERRY_NODE_STATE_CONNECTED)
    return;

  data = g_new0 (ListData, 1);
  data->generation = self->generation;
  data->seq = ++self->seq;
  task = g_task_new (self, NULL, list_done, NULL);
  g_task_set_source_tag (task, ferry_node_refresh);
  g_task_set_task_data (task, data, (GDestroyNotify) list_data_free);
  _ferry_node_run_in_worker (self, task, list_thread);
}

/* ---------------------------------------------------------------------- */
/* Callbacks from libvirt's event thread                                   */

struct _CallbackData
{
  GWeakRef node;
  guint    generation;
};

static CallbackData *
callback_data_new (FerryNode *node,
                   guint      generation)
{
  CallbackData *data = g_new0 (CallbackData, 1);

  g_weak_ref_init (&data->node, node);
  data->generation = generation;
  return data;
}

static void
callback_data_free (void *opaque)
{
  CallbackData *data = opaque;

  g_weak_ref_clear (&data->node);
  g_free (data);
}

typedef struct
{
  FerryNode *node;
  guint      generation;
  char       uuid[VIR_UUID_STRING_BUFLEN];
  int        event;
  int        detail;
  int        close_reason;
} Dispatch;

static void
dispatch_free (gpointer data)
{
  Dispatch *d = data;

  g_clear_object (&d->node);
  g_free (d);
}

static FerryVmState
state_after_event (int event,
                   int detail)
{
  switch (event)
    {
    case VIR_DOMAIN_EVENT_STARTED:     return FERRY_VM_STATE_RUNNING;
    case VIR_DOMAIN_EVENT_RESUMED:     return FERRY_VM_STATE_RUNNING;
    case VIR_DOMAIN_EVENT_SUSPENDED:   return FERRY_VM_STATE_PAUSED;
    case VIR_DOMAIN_EVENT_STOPPED:     return FERRY_VM_STATE_SHUT_OFF;
    case VIR_DOMAIN_EVENT_CRASHED:     return FERRY_VM_STATE_CRASHED;
    case VIR_DOMAIN_EVENT_PMSUSPENDED: return FERRY_VM_STATE_SUSPENDED;
    case VIR_DOMAIN_EVENT_SHUTDOWN:
      return detail == VIR_DOMAIN_EVENT_SHUTDOWN_FINISHED ? FERRY_VM_STATE_SHUTTING_DOWN
                                                          : FERRY_VM_STATE_UNKNOWN;
    default:                           return FERRY_VM_STATE_UNKNOWN;
    }
}

static gboolean
dispatch_domain_event (gpointer user_data)
{
  Dispatch *d = user_data;
  FerryNode *self = d->node;
  FerryVmState state;

  if (d->generation != self->generation)
    return G_SOURCE_REMOVE;
  if (self->state != FERRY_NODE_STATE_CONNECTED)
    {
      /* The events are registered before the open lists the domains, so
       * one can arrive between that list and open_done: a failed incoming
       * migration cleaned up just then would stay listed forever. Look
       * at those domains again once the list is in. */
      if (self->open_pending)
        g_hash_table_add (self->early_events, g_strdup (d->uuid));
      return G_SOURCE_REMOVE;
    }

  /* Show the new state at once when the event tells it; the refresh that
   * follows fills in the details (reason, memory, persistence). */
  state = state_after_event (d->event, d->detail);
  if (state != FERRY_VM_STATE_UNKNOWN &&
      g_hash_table_contains (self->known, d->uuid) &&
      !g_hash_table_contains (self->refreshing, d->uuid))
    {
      g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) ferry_vm_info_free);
      FerryVmInfo *partial = ferry_vm_info_new (d->uuid);

      partial->state = state;
      partial->reason = -1;   /* "keep the rest": see FerryInventory */
      g_ptr_array_add (changes, partial);
      emit_changes (self, changes);
    }

  _ferry_node_refresh_domain (self, d->uuid);
  g_signal_emit (self, signals[DOMAIN_EVENT], 0, d->uuid, d->event, d->detail);
  return G_SOURCE_REMOVE;
}

static int
domain_lifecycle_cb (virConnectPtr conn,
                     virDomainPtr  domain,
                     int           event,
                     int           detail,
                     void         *opaque)
{
  CallbackData *data = opaque;
  FerryNode *node;
  Dispatch *d;

  /* libvirt calls this on its event thread, never on the main one. */
  FERRY_ASSERT_WORKER_THREAD ();
  node = g_weak_ref_get (&data->node);
  if (node == NULL)
    return 0;

  d = g_new0 (Dispatch, 1);
  d->node = node;
  d->generation = data->generation;
  d->event = event;
  d->detail = detail;
  /* A local accessor: no network traffic. */
  if (virDomainGetUUIDString (domain, d->uuid) < 0)
    {
      dispatch_free (d);
      return 0;
    }
  g_main_context_invoke_full (NULL, G_PRIORITY_DEFAULT, dispatch_domain_event, d, dispatch_free);
  return 0;
}

static void schedule_reconnect (FerryNode *self);

static gboolean
dispatch_close (gpointer user_data)
{
  Dispatch *d = user_data;
  FerryNode *self = d->node;
  const char *why;

  if (d->generation != self->generation || self->state != FERRY_NODE_STATE_CONNECTED)
    return G_SOURCE_REMOVE;

  switch (d->close_reason)
    {
    case VIR_CONNECT_CLOSE_REASON_KEEPALIVE:
      why = _("The host stopped answering (no keepalive reply for 12 seconds)");
      break;
    case VIR_CONNECT_CLOSE_REASON_EOF:
      why = _("The host closed the connection");
      break;
    case VIR_CONNECT_CLOSE_REASON_ERROR:
    default:
      why = _("The connection to the host failed");
      break;
    }

  self->generation++;
  drop_connection (self);
  set_state (self, FERRY_NODE_STATE_UNREACHABLE, why);
  if (self->want_connected)
    schedule_reconnect (self);
  return G_SOURCE_REMOVE;
}

static void
close_callback (virConnectPtr  conn,
                int            reason,
                void          *opaque)
{
  CallbackData *data = opaque;
  FerryNode *node;
  Dispatch *d;

  FERRY_ASSERT_WORKER_THREAD ();
  if (reason == VIR_CONNECT_CLOSE_REASON_CLIENT)
    return;
  node = g_weak_ref_get (&data->node);
  if (node == NULL)
    return;

  d = g_new0 (Dispatch, 1);
  d->node = node;
  d->generation = data->generation;
  d->close_reason = reason;
  g_main_context_invoke_full (NULL, G_PRIORITY_DEFAULT, dispatch_close, d, dispatch_free);
}

/* ---------------------------------------------------------------------- */
/* Opening                                                                 */

typedef struct
{
  char          *uri;
  FerryAuth     *auth;          /* answers libvirt's questions (ferry-credentials.c) */
  guint          generation;
  guint64        seq;
  FerryNode     *node_for_callbacks;   /* not a reference: only for the weak refs */
  virConnectPtr  conn;
  int            event_callback_id;
  CallbackData  *close_data;
  char          *hostname;
  char          *cpu_model;
  guint          cpus;
  guint64        memory;
  char          *libvirt_version;
  char          *hypervisor_version;
  GPtrArray     *infos;
} OpenData;

static void
open_data_free (OpenData *data)
{
  /* A result nobody took (stale generation) is closed by open_done. */
  g_assert (data->conn == NULL);
  g_assert (data->close_data == NULL);
  g_free (data->uri);
  g_clear_pointer (&data->auth, _ferry_auth_free);
  g_free (data->hostname);
  g_free (data->cpu_model);
  g_free (data->libvirt_version);
  g_free (data->hypervisor_version);
  g_clear_pointer (&data->infos, g_ptr_array_unref);
  g_free (data);
}

static char *
format_version (unsigned long version)
{
  return g_strdup_printf ("%lu.%lu.%lu",
                          version / 1000000, (version / 1000) % 1000, version % 1000);
}

static void
open_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  OpenData *data = task_data;
  g_autoptr(GError) error = NULL;
  virNodeInfo node_info;
  unsigned long version;
  char *hostname;
  virConnectPtr conn;
  CallbackData *cb_data;

  FERRY_ASSERT_WORKER_THREAD ();

  /* May ask the user (through the main thread) and wait for the answer. */
  conn = _ferry_auth_open (data->auth, &error);
  if (conn == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Local drivers (test:///) have no keepalive or close callback. */
  virConnectSetKeepAlive (conn, KEEPALIVE_INTERVAL, KEEPALIVE_COUNT);
  /* The close callback's data is ours (see close_thread); the event
   * callback's belongs to libvirt once registered. */
  data->close_data = callback_data_new (data->node_for_callbacks, data->generation);
  virConnectRegisterCloseCallback (conn, close_callback, data->close_data, NULL);
  cb_data = callback_data_new (data->node_for_callbacks, data->generation);
  data->event_callback_id =
    virConnectDomainEventRegisterAny (conn, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                      VIR_DOMAIN_EVENT_CALLBACK (domain_lifecycle_cb),
                                      cb_data, callback_data_free);
  if (data->event_callback_id < 0)
    callback_data_free (cb_data);
  virResetLastError ();

  if ((hostname = virConnectGetHostname (conn)) != NULL)
    {
      data->hostname = g_strdup (hostname);
      free (hostname);
    }
  if (virNodeGetInfo (conn, &node_info) == 0)
    {
      data->cpu_model = g_strdup (node_info.model);
      data->cpus = node_info.cpus;
      data->memory = (guint64) node_info.memory * 1024;
    }
  if (virConnectGetLibVersion (conn, &version) == 0)
    data->libvirt_version = format_version (version);
  if (virConnectGetVersion (conn, &version) == 0)
    data->hypervisor_version = format_version (version);
  virResetLastError ();

  data->infos = ferry_libvirt_list_domains (conn, &error);
  if (data->infos == NULL)
    {
      if (data->event_callback_id >= 0)
        virConnectDomainEventDeregisterAny (conn, data->event_callback_id);
      virConnectUnregisterCloseCallback (conn, close_callback);
      g_clear_pointer (&data->close_data, callback_data_free);
      virConnectClose (conn);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data->conn = conn;
  g_task_return_boolean (task, TRUE);
}

static void
clear_timers (FerryNode *self)
{
  g_clear_handle_id (&self->retry_source, g_source_remove);
  g_clear_handle_id (&self->connect_timeout_source, g_source_remove);
}

static void
open_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  FerryNode *self = FERRY_NODE (object);
  OpenData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  self->open_pending = FALSE;
  g_clear_handle_id (&self->connect_timeout_source, g_source_remove);
  g_clear_object (&self->open_cancellable);

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (data->generation != self->generation || !self->want_connected)
        {
          /* A connect() after a disconnect() waited for this abandoned
           * attempt (say, one left at its password prompt) to end. */
          if (data->generation != self->generation && self->want_connected &&
              self->state != FERRY_NODE_STATE_CONNECTED)
            start_open (self);
          return;
        }
      if (g_error_matches (error, FERRY_LIBVIRT_ERROR, FERRY_LIBVIRT_ERROR_AUTH))
        {
          set_state (self, FERRY_NODE_STATE_AUTH_FAILED, error->message);
          return;
        }
      set_state (self, FERRY_NODE_STATE_UNREACHABLE, error->message);
      schedule_reconnect (self);
      return;
    }

  if (data->generation != self->generation || !self->want_connected)
    {
      close_in_worker (self, g_steal_pointer (&data->conn), data->event_callback_id,
                       g_steal_pointer (&data->close_data));
      if (self->want_connected && self->state != FERRY_NODE_STATE_CONNECTED)
        start_open (self);
      return;
    }

  g_mutex_lock (&self->conn_lock);
  self->conn = g_steal_pointer (&data->conn);
  self->event_callback_id = data->event_callback_id;
  self->close_data = g_steal_pointer (&data->close_data);
  g_mutex_unlock (&self->conn_lock);

  self->retry_delay = RETRY_MIN_S;

  g_object_freeze_notify (G_OBJECT (self));
  set_string (self, &self->hostname, data->hostname, PROP_HOSTNAME);
  set_string (self, &self->cpu_model, data->cpu_model, PROP_CPU_MODEL);
  set_string (self, &self->libvirt_version, data->libvirt_version, PROP_LIBVIRT_VERSION);
  set_string (self, &self->hypervisor_version, data->hypervisor_version, PROP_HYPERVISOR_VERSION);
  if (self->cpus != data->cpus)
    {
      self->cpus = data->cpus;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CPUS]);
    }
  if (self->memory != data->memory)
    {
      self->memory = data->memory;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MEMORY]);
    }
  /* The state first, so the VMs are placed once as a connected node's;
   * notifications stay frozen until they are all there, so whoever
   * reacts to "connected" sees them. */
  set_state (self, FERRY_NODE_STATE_CONNECTED, NULL);
  apply_list (self, data->infos, data->seq);
  g_object_thaw_notify (G_OBJECT (self));

  {
    g_autoptr(GHashTable) early = g_steal_pointer (&self->early_events);
    GHashTableIter iter;
    const char *uuid;

    self->early_events = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    g_hash_table_iter_init (&iter, early);
    while (g_hash_table_iter_next (&iter, (gpointer *) &uuid, NULL))
      _ferry_node_refresh_domain (self, uuid);
  }
}

static gboolean
connect_timeout_cb (gpointer user_data)
{
  FerryNode *self = user_data;

  /* The host answered and someone is typing a password: not unreachable. */
  if (_ferry_credentials_is_asking_about (self->uri))
    return G_SOURCE_CONTINUE;

  self->connect_timeout_source = 0;
  /* The attempt keeps waiting in its worker: if the host wakes up, it
   * completes and the node becomes connected without a new attempt. */
  set_state (self, FERRY_NODE_STATE_UNREACHABLE,
             _("The host does not answer (still trying)"));
  return G_SOURCE_REMOVE;
}

static void
start_open (FerryNode *self)
{
  g_autoptr(GTask) task = NULL;
  OpenData *data;

  clear_timers (self);
  if (self->open_pending)
    return;

  self->generation++;
  self->open_pending = TRUE;
  g_hash_table_remove_all (self->early_events);
  if (self->state != FERRY_NODE_STATE_UNREACHABLE)
    set_state (self, FERRY_NODE_STATE_CONNECTING, NULL);

  data = g_new0 (OpenData, 1);
  data->uri = g_strdup (self->uri);
  data->generation = self->generation;
  data->seq = ++self->seq;
  data->node_for_callbacks = self;
  data->event_callback_id = -1;
  g_clear_object (&self->open_cancellable);
  self->open_cancellable = g_cancellable_new ();
  data->auth = node_auth_new (self, self->name, self->open_cancellable);

  task = g_task_new (self, NULL, open_done, NULL);
  g_task_set_source_tag (task, start_open);
  g_task_set_task_data (task, data, (GDestroyNotify) open_data_free);
  _ferry_node_run_in_worker (self, task, open_thread);

  self->connect_timeout_source = g_timeout_add_seconds (CONNECT_TIMEOUT_S, connect_timeout_cb, self);
}

static gboolean
retry_cb (gpointer user_data)
{
  FerryNode *self = user_data;

  self->retry_source = 0;
  if (self->want_connected)
    start_open (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_reconnect (FerryNode *self)
{
  g_clear_handle_id (&self->retry_source, g_source_remove);
  self->retry_source = g_timeout_add_seconds (self->retry_delay, retry_cb, self);
  self->retry_delay = MIN (self->retry_delay * 2, RETRY_MAX_S);
}

void
ferry_node_connect (FerryNode *self)
{
  g_return_if_fail (FERRY_IS_NODE (self));

  self->want_connected = TRUE;
  if (self->state == FERRY_NODE_STATE_CONNECTED)
    return;
  if (self->open_pending)
    {
      /* An attempt a disconnect() abandoned (at a hung host, say) is still
       * on the worker; open_done starts a fresh one once it is out of the
       * way. Meanwhile the node says what it is doing, and turns
       * unreachable if that takes too long, as a fresh attempt would. */
      if (self->state == FERRY_NODE_STATE_DISCONNECTED)
        {
          set_state (self, FERRY_NODE_STATE_CONNECTING, NULL);
          if (self->connect_timeout_source == 0)
            self->connect_timeout_source = g_timeout_add_seconds (CONNECT_TIMEOUT_S, connect_timeout_cb, self);
        }
      return;
    }
  self->retry_delay = RETRY_MIN_S;
  start_open (self);
}

void
ferry_node_disconnect (FerryNode *self)
{
  g_return_if_fail (FERRY_IS_NODE (self));

  self->want_connected = FALSE;
  clear_timers (self);
  self->generation++;
  /* An attempt waiting for a password stops waiting (its prompt closes). */
  g_cancellable_cancel (self->open_cancellable);
  drop_connection (self);
  set_state (self, FERRY_NODE_STATE_DISCONNECTED, NULL);
}

/* ---------------------------------------------------------------------- */

GListStore *
_ferry_node_get_vm_store (FerryNode *self)
{
  return self->vms;
}

void
_ferry_node_update_counts (FerryNode *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->vms));
  guint running = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FerryVm) vm = g_list_model_get_item (G_LIST_MODEL (self->vms), i);

      if (ferry_vm_state_is_active (ferry_vm_get_state (vm)))
        running++;
    }
  if (running != self->n_running)
    {
      self->n_running = running;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_RUNNING]);
    }
}

static void
on_vms_changed (GListModel *model,
                guint       position,
                guint       removed,
                guint       added,
                FerryNode  *self)
{
  if (removed != added)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_VMS]);
}

FerryNode *
ferry_node_new (const char *uri,
                const char *name,
                const char *migration_address)
{
  g_return_val_if_fail (uri != NULL, NULL);

  return g_object_new (FERRY_TYPE_NODE,
                       "uri", uri,
                       "name", name,
                       "migration-address", migration_address,
                       NULL);
}

const char *
ferry_node_get_id (FerryNode *self)
{
  g_return_val_if_fail (FERRY_IS_NODE (self), NULL);
  return self->id;
}

void
ferry_node_set_id (FerryNode  *self,
                   const char *id)
{
  g_return_if_fail (FERRY_IS_NODE (self));
  set_string (self, &self->id, id, PROP_ID);
}

const char *
ferry_node_get_uri (FerryNode *self)
{
  g_return_val_if_fail (FERRY_IS_NODE (self), NULL);
  return self->uri;
}

const char *
ferry_node_get_name (FerryNode *self)
{
  g_return_val_if_fail (FERRY_IS_NODE (self), NULL);
  return self->name;
}

void
ferry_node_set_name (FerryNode  *self,
                     const char *name)
{
  const char *interned;

  g_return_if_fail (FERRY_IS_NODE (self));

  /* Worker threads put the name in their messages while the main thread
   * may rename the node: an interned string is never freed, so a worker
   * reads the old name or the new one, never freed memory. */
  interned = g_intern_string (name && *name ? name : self->uri);
  if (self->name == interned)
    return;
  self->name = interned;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

const char *
ferry_node_get_migration_address (FerryNode *self)
{
  g_return_val_if_fail (FERRY_IS_NODE (self), NULL);
  return self->migration_address;
}

gboolean
ferry_node_get_maintenance (FerryNode *self)
{
  g_return_val_if_fail (FERRY_IS_NODE (self), FALSE);
  return self->maintenance;
}

const char * const *
ferry_node_get_evacuated (FerryNode *self)
{
  g_return_val_if_fail (FERRY_IS_NODE (self), NULL);
  return (const char * const *) self->evacuated;
}

void
ferry_node_set_maintenance (FerryNode          *self,
                            gboolean            maintenance,
                            const char * const *evacuated)
{
  g_return_if_fail (FERRY_IS_NODE (self));

  {
    /* @evacuated may be our own list: copy before freeing. */
    char **copy = evacuated != NULL && evacuated[0] != NULL ? g_strdupv ((char **) evacuated) : NULL;

    g_strfreev (self->evacuated);
    self->evacuated = copy;
  }
  if (self->maintenance != !!maintenance)
    {
      self->maintenance = !!maintenance;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAINTENANCE]);
    }
}

void
ferry_node_set_migration_address (FerryNode  *self,
                                  const char *address)
{
  g_return_if_fail (FERRY_IS_NODE (self));
  set_string (self, &self->migration_address, address && *address ? address : NULL,
              PROP_MIGRATION_ADDRESS);
}

FerryNodeState
ferry_node_get_state (FerryNode *self)
{
  g_return_val_if_fail (FERRY_IS_NODE (self), FERRY_NODE_STATE_DISCONNECTED);
  return self->state;
}

const char *
ferry_node_get_error (FerryNode *self)
{
  g_return_val_if_fail (FERRY_IS_NODE (self), NULL);
  return self->error;
}

const char *
ferry_node_get_hostname (FerryNode *self)
{
  g_return_val_if_fail (FERRY_IS_NODE (self), NULL);
  return self->hostname;
}

const char *
ferry_node_get_cpu_model (FerryNode *self)
{
  g_return_val_if_fail (FERRY_IS_NODE (self), NULL);
  return self->cpu_model;
}

guint
ferry_node_get_cpus (FerryNode *self)
{
  g_return_val_if_fail (FERRY_IS_NODE (self), 0);
  return self->cpus;
}

guint64
ferry_node_get_memory (FerryNode *self)
{
  g_return_val_if_fail (FERRY_IS_NODE (self), 0);
  return self->memory;
}

const char *
ferry_node_get_libvirt_version (FerryNode *self)
{
  g_return_val_if_fail (FERRY_IS_NODE (self), NULL);
  return self->libvirt_version;
}

const char *
ferry_node_get_hypervisor_version (FerryNode *self)
{
  g_return_val_if_fail (FERRY_IS_NODE (self), NULL);
  return self->hypervisor_version;
}

GListModel *
ferry_node_get_vms (FerryNode *self)
{
  g_return_val_if_fail (FERRY_IS_NODE (self), NULL);
  return G_LIST_MODEL (self->vms);
}

guint
ferry_node_get_n_vms (FerryNode *self)
{
  g_return_val_if_fail (FERRY_IS_NODE (self), 0);
  return g_list_model_get_n_items (G_LIST_MODEL (self->vms));
}

guint
ferry_node_get_n_running (FerryNode *self)
{
  g_return_val_if_fail (FERRY_IS_NODE (self), 0);
  return self->n_running;
}

FerryMetrics *
ferry_node_get_metrics (FerryNode *self)
{
  g_return_val_if_fail (FERRY_IS_NODE (self), NULL);
  return self->metrics;
}

static void
ferry_node_dispose (GObject *object)
{
  FerryNode *self = FERRY_NODE (object);

  self->want_connected = FALSE;
  clear_timers (self);
  g_cancellable_cancel (self->open_cancellable);
  if (self->vms != NULL)
    g_list_store_remove_all (self->vms);

  G_OBJECT_CLASS (ferry_node_parent_class)->dispose (object);
}

static gpointer
close_detached (gpointer data)
{
  close_connection (data);
  g_free (data);
  return NULL;
}

static void
ferry_node_finalize (GObject *object)
{
  FerryNode *self = FERRY_NODE (object);

  /* Every task holds a reference to us, so no job is pending now; the pool
   * threads may still be winding down, which free() lets them do. */
  g_thread_pool_free (self->pool, FALSE, FALSE);
  if (self->conn != NULL)
    {
      /* Only reached when the last reference goes while connected. Closing
       * can block on a dead host: hand it to a short-lived thread. */
      CloseData *data = g_new0 (CloseData, 1);

      data->conn = g_steal_pointer (&self->conn);
      data->event_callback_id = self->event_callback_id;
      data->close_data = g_steal_pointer (&self->close_data);
      g_thread_unref (g_thread_new ("ferry-node-close", close_detached, data));
    }
  g_mutex_clear (&self->conn_lock);
  g_clear_object (&self->open_cancellable);
  g_clear_pointer (&self->known, g_hash_table_unref);
  g_clear_pointer (&self->refreshing, g_hash_table_unref);
  g_clear_pointer (&self->early_events, g_hash_table_unref);
  g_clear_object (&self->vms);
  g_clear_object (&self->metrics);
  g_free (self->id);
  g_free (self->uri);
  g_free (self->migration_address);
  g_strfreev (self->evacuated);
  g_free (self->error);
  g_free (self->hostname);
  g_free (self->cpu_model);
  g_free (self->libvirt_version);
  g_free (self->hypervisor_version);

  G_OBJECT_CLASS (ferry_node_parent_class)->finalize (object);
}

static void
ferry_node_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  FerryNode *self = FERRY_NODE (object);

  switch (prop_id)
    {
    case PROP_ID:                 g_value_set_string (value, self->id); break;
    case PROP_URI:                g_value_set_string (value, self->uri); break;
    case PROP_NAME:               g_value_set_string (value, self->name); break;
    case PROP_MIGRATION_ADDRESS:  g_value_set_string (value, self->migration_address); break;
    case PROP_MAINTENANCE:        g_value_set_boolean (value, self->maintenance); break;
    case PROP_STATE:              g_value_set_int (value, self->state); break;
    case PROP_ERROR:              g_value_set_string (value, self->error); break;
    case PROP_HOSTNAME:           g_value_set_string (value, self->hostname); break;
    case PROP_CPU_MODEL:          g_value_set_string (value, self->cpu_model); break;
    case PROP_CPUS:               g_value_set_uint (value, self->cpus); break;
    case PROP_MEMORY:             g_value_set_uint64 (value, self->memory); break;
    case PROP_LIBVIRT_VERSION:    g_value_set_string (value, self->libvirt_version); break;
    case PROP_HYPERVISOR_VERSION: g_value_set_string (value, self->hypervisor_version); break;
    case PROP_VMS:                g_value_set_object (value, self->vms); break;
    case PROP_N_VMS:              g_value_set_uint (value, ferry_node_get_n_vms (self)); break;
    case PROP_N_RUNNING:          g_value_set_uint (value, self->n_running); break;
    case PROP_METRICS:            g_value_set_object (value, self->metrics); break;
    default:                      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_node_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  FerryNode *self = FERRY_NODE (object);

  switch (prop_id)
    {
    case PROP_ID:                ferry_node_set_id (self, g_value_get_string (value)); break;
    case PROP_URI:               self->uri = g_value_dup_string (value); break;
    case PROP_NAME:              ferry_node_set_name (self, g_value_get_string (value)); break;
    case PROP_MIGRATION_ADDRESS: ferry_node_set_migration_address (self, g_value_get_string (value)); break;
    default:                     G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ferry_node_constructed (GObject *object)
{
  FerryNode *self = FERRY_NODE (object);

  G_OBJECT_CLASS (ferry_node_parent_class)->constructed (object);

  if (self->name == NULL)
    self->name = g_intern_string (self->uri);
  if (self->id == NULL)
    self->id = g_uuid_string_random ();
}

static void
ferry_node_class_init (FerryNodeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = ferry_node_constructed;
  object_class->dispose = ferry_node_dispose;
  object_class->finalize = ferry_node_finalize;
  object_class->get_property = ferry_node_get_property;
  object_class->set_property = ferry_node_set_property;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, rw);
  properties[PROP_URI] =
    g_param_spec_string ("uri", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, rw);
  properties[PROP_MIGRATION_ADDRESS] = g_param_spec_string ("migration-address", NULL, NULL, NULL, rw);
  /* In maintenance: takes no migrations or placements. */
  properties[PROP_MAINTENANCE] = g_param_spec_boolean ("maintenance", NULL, NULL, FALSE,
                                                       ro | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL,
                      FERRY_NODE_STATE_DISCONNECTED, FERRY_NODE_STATE_AUTH_FAILED,
                      FERRY_NODE_STATE_DISCONNECTED, ro | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_ERROR] = g_param_spec_string ("error", NULL, NULL, NULL, ro | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_HOSTNAME] = g_param_spec_string ("hostname", NULL, NULL, NULL, ro | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_CPU_MODEL] = g_param_spec_string ("cpu-model", NULL, NULL, NULL, ro | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_CPUS] = g_param_spec_uint ("cpus", NULL, NULL, 0, G_MAXUINT, 0, ro | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_MEMORY] = g_param_spec_uint64 ("memory", NULL, NULL, 0, G_MAXUINT64, 0, ro | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_LIBVIRT_VERSION] =
    g_param_spec_string ("libvirt-version", NULL, NULL, NULL, ro | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_HYPERVISOR_VERSION] =
    g_param_spec_string ("hypervisor-version", NULL, NULL, NULL, ro | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_VMS] = g_param_spec_object ("vms", NULL, NULL, G_TYPE_LIST_MODEL, ro);
  properties[PROP_N_VMS] = g_param_spec_uint ("n-vms", NULL, NULL, 0, G_MAXUINT, 0, ro | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_N_RUNNING] =
    g_param_spec_uint ("n-running", NULL, NULL, 0, G_MAXUINT, 0, ro | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_METRICS] = g_param_spec_object ("metrics", NULL, NULL, FERRY_TYPE_METRICS, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * FerryNode::domains-changed:
   * @infos: (element-type FerryVmInfo): what changed; entries with ->gone
   *   set are domains the node no longer has
   *
   * Internal: the inventory turns these into FerryVm objects.
   */
  signals[DOMAINS_CHANGED] =
    g_signal_new ("domains-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);

  /**
   * FerryNode::domain-event:
   * @uuid: the domain's UUID
   * @event: a virDomainEventType (VIR_DOMAIN_EVENT_DEFINED…)
   * @detail: its detail
   *
   * A lifecycle event of one of the node's domains, on the main thread
   * (FerryHaManager saves the definitions of HA VMs on "defined").
   */
  signals[DOMAIN_EVENT] =
    g_signal_new ("domain-event", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_INT, G_TYPE_INT);
}

static void
ferry_node_init (FerryNode *self)
{
  g_mutex_init (&self->conn_lock);
  self->event_callback_id = -1;
  self->retry_delay = RETRY_MIN_S;
  self->vms = g_list_store_new (FERRY_TYPE_VM);
  self->metrics = ferry_metrics_new ();
  self->known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->refreshing = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->early_events = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->pool = g_thread_pool_new (pool_func, NULL, WORKERS_PER_NODE, FALSE, NULL);
  g_signal_connect_object (self->vms, "items-changed", G_CALLBACK (on_vms_changed), self, 0);
}
