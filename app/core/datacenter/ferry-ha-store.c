/* ferry-ha-store.c — the definitions of highly available VMs, saved on the
 * admin's machine so a VM can be redefined elsewhere after its host died
 *
 * Plain files, written atomically (a temporary file, fsync'd, renamed over
 * the old one). The manager saves one on every flag change and on every
 * node's reconnection, on the main thread: those go through
 * ferry_ha_cache_queue(), which hands them to one writer thread in order
 * and leaves a file alone when it already says the same. Until a queued
 * change is on disk, load and list answer from the queue, so callers never
 * see an older state than the one they asked for.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "ferry-core.h"
#include "ferry-ha.h"

typedef struct
{
  char *uuid;
  char *xml;       /* NULL: remove */
} Pending;

/* What is queued and not yet on disk: uuid → Pending (the latest one). */
static GMutex      store_lock;
static GCond       store_idle;
static GHashTable *pending;
static guint       n_queued;
static GThreadPool *writer;

static void
pending_free (Pending *item)
{
  g_free (item->uuid);
  g_free (item->xml);
  g_free (item);
}

/* ---------------------------------------------------------------------- */
/* Saved definitions                                                       */

char *
ferry_ha_cache_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "ferry", "ha", NULL);
}

static char *
cache_path (const char *uuid)
{
  g_autofree char *dir = ferry_ha_cache_dir ();
  g_autofree char *file = NULL;

  /* Never a path from a string we did not check. */
  if (uuid == NULL || !g_uuid_string_is_valid (uuid))
    return NULL;
  file = g_strdup_printf ("%s.xml", uuid);
  return g_build_filename (dir, file, NULL);
}

gboolean
ferry_ha_cache_save (const char  *uuid,
                     const char  *xml,
                     GError     **error)
{
  g_autofree char *dir = ferry_ha_cache_dir ();
  g_autofree char *path = cache_path (uuid);

  if (path == NULL)
    {
      g_set_error (error, FERRY_HA_ERROR, FERRY_HA_ERROR_FAILED, _("“%s” is not a UUID"), uuid);
      return FALSE;
    }
  if (g_mkdir_with_parents (dir, 0700) < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not create %s: %s"), dir, g_strerror (saved));
      return FALSE;
    }
  /* Atomic (a temporary file renamed over the old one), private. */
  return g_file_set_contents_full (path, xml, -1,
                                   G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_ONLY_EXISTING,
                                   0600, error);
}

char *
ferry_ha_cache_load (const char  *uuid,
                     GError     **error)
{
  g_autofree char *path = cache_path (uuid);
  char *xml = NULL;

  if (path == NULL)
    {
      g_set_error (error, FERRY_HA_ERROR, FERRY_HA_ERROR_FAILED, _("“%s” is not a UUID"), uuid);
      return NULL;
    }
  g_mutex_lock (&store_lock);
  if (pending != NULL)
    {
      Pending *item = g_hash_table_lookup (pending, uuid);

      if (item != NULL)
        {
          xml = g_strdup (item->xml);
          g_mutex_unlock (&store_lock);
          if (xml == NULL)
            g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                         _("No saved definition of %s"), uuid);
          return xml;
        }
    }
  g_mutex_unlock (&store_lock);
  if (!g_file_get_contents (path, &xml, NULL, error))
    return NULL;
  return xml;
}

void
ferry_ha_cache_remove (const char *uuid)
{
  g_autofree char *path = cache_path (uuid);

  if (path != NULL)
    g_unlink (path);
}

GStrv
ferry_ha_cache_list (void)
{
  g_autofree char *dir = ferry_ha_cache_dir ();
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  GHashTableIter iter;
  gpointer key, value;
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *uuid = NULL;

      if (!g_str_has_suffix (name, ".xml"))
        continue;
      uuid = g_strndup (name, strlen (name) - 4);
      if (g_uuid_string_is_valid (uuid) && !g_hash_table_contains (seen, uuid))
        g_hash_table_add (seen, g_steal_pointer (&uuid));
    }

  /* Queued changes win over the files. */
  g_mutex_lock (&store_lock);
  if (pending != NULL)
    {
      g_hash_table_iter_init (&iter, pending);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          Pending *item = value;

          if (item->xml != NULL)
            g_hash_table_add (seen, g_strdup (key));
          else
            g_hash_table_remove (seen, key);
        }
    }
  g_mutex_unlock (&store_lock);

  g_hash_table_iter_init (&iter, seen);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_strv_builder_add (builder, key);
  return g_strv_builder_end (builder);
}

/* ---------------------------------------------------------------------- */
/* The writer thread                                                       */

static void
write_one (gpointer data,
           gpointer user_data)
{
  g_autofree char *uuid = data;
  g_autofree char *xml = NULL;
  gboolean removal = FALSE;

  /* Only the latest change for this UUID is written; the queue may hold
   * older requests for it, which then find nothing to do. */
  g_mutex_lock (&store_lock);
  {
    Pending *item = g_hash_table_lookup (pending, uuid);

    if (item != NULL)
      {
        xml = g_strdup (item->xml);
        removal = item->xml == NULL;
      }
  }
  g_mutex_unlock (&store_lock);

  if (removal)
    ferry_ha_cache_remove (uuid);
  else if (xml != NULL)
    {
      g_autofree char *path = cache_path (uuid);
      g_autofree char *old = NULL;
      g_autoptr(GError) error = NULL;

      /* A reconnection re-reads every flagged VM: an unchanged definition
       * costs a read, not an fsync. */
      if (path == NULL || !g_file_get_contents (path, &old, NULL, NULL) || g_strcmp0 (old, xml) != 0)
        if (!ferry_ha_cache_save (uuid, xml, &error))
          g_warning ("Could not save the definition of %s: %s", uuid, error->message);
    }

  g_mutex_lock (&store_lock);
  {
    Pending *item = g_hash_table_lookup (pending, uuid);

    /* Still what was written (no newer request came meanwhile). */
    if (item != NULL && g_strcmp0 (item->xml, xml) == 0 && removal == (item->xml == NULL))
      g_hash_table_remove (pending, uuid);
  }
  if (--n_queued == 0)
    g_cond_broadcast (&store_idle);
  g_mutex_unlock (&store_lock);
}

void
ferry_ha_cache_queue (const char *uuid,
                      const char *xml)
{
  Pending *item;

  g_return_if_fail (uuid != NULL && g_uuid_string_is_valid (uuid));

  g_mutex_lock (&store_lock);
  if (pending == NULL)
    {
      pending = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) pending_free);
      /* One thread: the writes of one UUID stay in order. */
      writer = g_thread_pool_new (write_one, NULL, 1, FALSE, NULL);
    }
  item = g_new0 (Pending, 1);
  item->uuid = g_strdup (uuid);
  item->xml = g_strdup (xml);
  g_hash_table_replace (pending, item->uuid, item);
  n_queued++;
  g_mutex_unlock (&store_lock);

  g_thread_pool_push (writer, g_strdup (uuid), NULL);
}

void
ferry_ha_cache_flush (void)
{
  g_mutex_lock (&store_lock);
  while (n_queued > 0)
    g_cond_wait (&store_idle, &store_lock);
  g_mutex_unlock (&store_lock);
}
