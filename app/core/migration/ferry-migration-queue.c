/* ferry-migration-queue.c — migrations of this session, at most N per host at once
 *
 * A job occupies a slot on its source and one on its destination (both
 * hosts' memory bandwidth and links carry it). Jobs start in the order
 * they were added, skipping those whose hosts are full, so a job between
 * two idle hosts never waits behind one for a busy host.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "ferry-migration-queue.h"

#define DEFAULT_LIMIT 2

typedef struct
{
  FerryMigration *migration;
  GCancellable   *cancellable;     /* its task's, when it has one */
  gulong          cancelled_id;
  GMainContext   *context;         /* the queue's, unowned */
  gboolean        started;
} Entry;

static void
entry_free (Entry *entry)
{
  if (entry->cancellable != NULL)
    {
      g_cancellable_disconnect (entry->cancellable, entry->cancelled_id);
      g_object_unref (entry->cancellable);
    }
  g_object_unref (entry->migration);
  g_free (entry);
}

#define ENTRY(self, i) ((Entry *) g_ptr_array_index ((self)->jobs, (i)))

struct _FerryMigrationQueue
{
  GObject       parent_instance;

  GPtrArray    *jobs;        /* Entry, queued and running, in order */
  FerryTaskLog *log;
  GMainContext *context;     /* where jobs are started, cancelled and dropped */
  guint         limit;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FerryMigrationQueue, ferry_migration_queue, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GType
list_model_get_item_type (GListModel *model)
{
  return FERRY_TYPE_MIGRATION;
}

static guint
list_model_get_n_items (GListModel *model)
{
  return FERRY_MIGRATION_QUEUE (model)->jobs->len;
}

static gpointer
list_model_get_item (GListModel *model,
                     guint       position)
{
  FerryMigrationQueue *self = FERRY_MIGRATION_QUEUE (model);

  if (position >= self->jobs->len)
    return NULL;
  return g_object_ref (ENTRY (self, position)->migration);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = list_model_get_item_type;
  iface->get_n_items = list_model_get_n_items;
  iface->get_item = list_model_get_item;
}

static guint
busy_slots (FerryMigrationQueue *self,
            FerryNode           *node)
{
  guint n = 0;

  for (guint i = 0; i < self->jobs->len; i++)
    {
      FerryMigration *m = ENTRY (self, i)->migration;
      FerryMigrationState state = ferry_migration_get_state (m);

      if (state != FERRY_MIGRATION_RUNNING && state != FERRY_MIGRATION_POSTCOPY)
        continue;
      if (ferry_migration_get_source (m) == node || ferry_migration_get_destination (m) == node)
        n++;
    }
  return n;
}

static void remove_job (FerryMigrationQueue *self,
                        FerryMigration      *migration);
static void start_ready (FerryMigrationQueue *self);

static void
run_done (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(FerryMigrationQueue) self = user_data;
  FerryMigration *migration = FERRY_MIGRATION (object);

  /* The job recorded its outcome (state, error, task); nothing to add. */
  ferry_migration_run_finish (migration, result, NULL);
  remove_job (self, migration);
  start_ready (self);
}

static void
start_ready (FerryMigrationQueue *self)
{
  for (guint i = 0; i < self->jobs->len; i++)
    {
      Entry *entry = ENTRY (self, i);
      FerryMigration *m = entry->migration;
      FerryTask *task;

      if (entry->started || ferry_migration_get_state (m) != FERRY_MIGRATION_QUEUED)
        continue;
      /* Its task was cancelled: cancel_job is on its way to end it. */
      if (entry->cancellable != NULL && g_cancellable_is_cancelled (entry->cancellable))
        continue;
      if (busy_slots (self, ferry_migration_get_source (m)) >= self->limit ||
          busy_slots (self, ferry_migration_get_destination (m)) >= self->limit)
        continue;

      entry->started = TRUE;
      task = ferry_migration_get_task (m);
      ferry_migration_run_async (m, task != NULL ? ferry_task_get_cancellable (task) : NULL,
                                 run_done, g_object_ref (self));
    }
}

static gboolean
find_entry (FerryMigrationQueue *self,
            FerryMigration      *migration,
            guint               *position)
{
  for (guint i = 0; i < self->jobs->len; i++)
    if (ENTRY (self, i)->migration == migration)
      {
        *position = i;
        return TRUE;
      }
  return FALSE;
}

static void
remove_job (FerryMigrationQueue *self,
            FerryMigration      *migration)
{
  guint position;

  if (!find_entry (self, migration, &position))
    return;
  g_signal_handlers_disconnect_by_data (migration, self);
  g_ptr_array_remove_index (self->jobs, position);
  g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
}

static void
on_state_changed (FerryMigration      *migration,
                  GParamSpec          *pspec,
                  FerryMigrationQueue *self)
{
  guint position;

  /* A job cancelled while queued never runs, so run_done won't drop it. */
  if (ferry_migration_get_state (migration) == FERRY_MIGRATION_CANCELLED &&
      find_entry (self, migration, &position) && !ENTRY (self, position)->started)
    {
      g_autoptr(FerryMigration) keep = g_object_ref (migration);

      remove_job (self, migration);
    }
}

static gboolean
cancel_job (gpointer data)
{
  ferry_migration_cancel (FERRY_MIGRATION (data));
  return G_SOURCE_REMOVE;
}

/* Runs inside g_cancellable_cancel(), on whichever thread called it.
 * Cancelling the job here would drop its entry, and so disconnect this
 * very handler, which g_cancellable_disconnect() waits for: forever. The
 * job is cancelled from the queue's context instead; the source keeps it
 * alive until then. */
static void
on_task_cancelled (GCancellable *cancellable,
                   Entry        *entry)
{
  g_autoptr(GSource) source = g_idle_source_new ();

  g_source_set_callback (source, cancel_job, g_object_ref (entry->migration), g_object_unref);
  g_source_set_static_name (source, "[ferry] cancel queued migration");
  g_source_attach (source, entry->context);
}

gboolean
ferry_migration_queue_add (FerryMigrationQueue  *self,
                           FerryMigration       *migration,
                           GError              **error)
{
  FerryMigration *existing;
  FerryTask *task;
  Entry *entry;

  g_return_val_if_fail (FERRY_IS_MIGRATION_QUEUE (self), FALSE);
  g_return_val_if_fail (FERRY_IS_MIGRATION (migration), FALSE);
  g_return_val_if_fail (ferry_migration_get_state (migration) == FERRY_MIGRATION_QUEUED, FALSE);

  existing = ferry_migration_queue_find (self, ferry_migration_get_vm (migration));
  if (existing != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                   _("“%s” is already being migrated to %s"),
                   ferry_migration_get_vm_name (migration),
                   ferry_node_get_name (ferry_migration_get_destination (existing)));
      return FALSE;
    }

  if (ferry_migration_get_task (migration) == NULL && self->log != NULL)
    {
      g_autofree char *target = g_strdup_printf ("%s → %s", ferry_migration_get_vm_name (migration),
                                                 ferry_node_get_name (ferry_migration_get_destination (migration)));

      task = ferry_task_log_start (self->log, _("Migrate"), target);
      ferry_migration_set_task (migration, task);
      ferry_task_set_message (task, _("Waiting for a free migration slot"));
    }
  task = ferry_migration_get_task (migration);

  /* Its task was cancelled before it got here: it ends now, never listed. */
  if (task != NULL && g_cancellable_is_cancelled (ferry_task_get_cancellable (task)))
    {
      ferry_migration_cancel (migration);
      return TRUE;
    }

  entry = g_new0 (Entry, 1);
  entry->migration = g_object_ref (migration);
  _ferry_migration_mark_queued (migration);
  g_signal_connect (migration, "notify::state", G_CALLBACK (on_state_changed), self);
  g_ptr_array_add (self->jobs, entry);
  g_list_model_items_changed (G_LIST_MODEL (self), self->jobs->len - 1, 0, 1);

  if (task != NULL)
    {
      /* Cancelling the task (from the task log) cancels a queued job too.
       * Connected once the job is listed and watched: a cancel from
       * another thread may run the handler right away. */
      entry->cancellable = g_object_ref (ferry_task_get_cancellable (task));
      entry->context = self->context;
      entry->cancelled_id = g_cancellable_connect (entry->cancellable, G_CALLBACK (on_task_cancelled),
                                                   entry, NULL);
    }

  start_ready (self);
  return TRUE;
}

FerryMigration *
ferry_migration_queue_find (FerryMigrationQueue *self,
                            FerryVm             *vm)
{
  g_return_val_if_fail (FERRY_IS_MIGRATION_QUEUE (self), NULL);

  for (guint i = 0; i < self->jobs->len; i++)
    {
      FerryMigration *m = ENTRY (self, i)->migration;

      if (ferry_migration_get_vm (m) == vm && !ferry_migration_is_finished (m))
        return m;
    }
  return NULL;
}

guint
ferry_migration_queue_get_n_running (FerryMigrationQueue *self)
{
  guint n = 0;

  g_return_val_if_fail (FERRY_IS_MIGRATION_QUEUE (self), 0);

  for (guint i = 0; i < self->jobs->len; i++)
    {
      FerryMigrationState state = ferry_migration_get_state (ENTRY (self, i)->migration);

      if (state == FERRY_MIGRATION_RUNNING || state == FERRY_MIGRATION_POSTCOPY)
        n++;
    }
  return n;
}

guint
ferry_migration_queue_get_limit (FerryMigrationQueue *self)
{
  g_return_val_if_fail (FERRY_IS_MIGRATION_QUEUE (self), DEFAULT_LIMIT);
  return self->limit;
}

void
ferry_migration_queue_set_limit (FerryMigrationQueue *self,
                                 guint                per_host)
{
  g_return_if_fail (FERRY_IS_MIGRATION_QUEUE (self));

  self->limit = MAX (per_host, 1);
  start_ready (self);
}

FerryMigrationQueue *
ferry_migration_queue_new (FerryTaskLog *log)
{
  FerryMigrationQueue *self = g_object_new (FERRY_TYPE_MIGRATION_QUEUE, NULL);

  if (log != NULL)
    self->log = g_object_ref (log);
  return self;
}

static void
ferry_migration_queue_dispose (GObject *object)
{
  FerryMigrationQueue *self = FERRY_MIGRATION_QUEUE (object);

  for (guint i = 0; i < self->jobs->len; i++)
    g_signal_handlers_disconnect_by_data (ENTRY (self, i)->migration, self);
  g_ptr_array_set_size (self->jobs, 0);
  g_clear_object (&self->log);

  G_OBJECT_CLASS (ferry_migration_queue_parent_class)->dispose (object);
}

static void
ferry_migration_queue_finalize (GObject *object)
{
  FerryMigrationQueue *self = FERRY_MIGRATION_QUEUE (object);

  g_ptr_array_unref (self->jobs);
  g_main_context_unref (self->context);

  G_OBJECT_CLASS (ferry_migration_queue_parent_class)->finalize (object);
}

static void
ferry_migration_queue_class_init (FerryMigrationQueueClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ferry_migration_queue_dispose;
  object_class->finalize = ferry_migration_queue_finalize;
}

static void
ferry_migration_queue_init (FerryMigrationQueue *self)
{
  self->jobs = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  self->limit = DEFAULT_LIMIT;
  self->context = g_main_context_ref_thread_default ();
}
