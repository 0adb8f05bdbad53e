/* test-credential-request.c — one question to the user
 * (FerryCredentialRequest): what it shows (host-key fingerprints from
 * hostile prompts too), its fields, remember, and how it ends — replied,
 * cancelled or withdrawn, once, from any thread, always notified later on
 * the main thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ferry-core.h"
#include "ferry-credential-request-private.h"
#include "ferry-test-util.h"

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

static gboolean
is_nonzero (gpointer data)
{
  return *(guint *) data != 0;
}

static gboolean
is_null (gpointer data)
{
  return *(gpointer *) data == NULL;
}

/* Runs what is ready on the main context, without waiting for more. */
static void
drain (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static FerryCredentialRequest *
login_request (void)
{
  FerryCredentialRequest *request;

  request = _ferry_credential_request_new (FERRY_CREDENTIAL_REQUEST_LOGIN, "qemu+tcp://h/system", "h",
                                           NULL, NULL);
  _ferry_credential_request_add_field (request, FERRY_CREDENTIAL_FIELD_USERNAME, NULL, "admin");
  _ferry_credential_request_add_field (request, FERRY_CREDENTIAL_FIELD_PASSWORD, NULL, NULL);
  return request;
}

/* Ends @request's notification and checks nothing else holds it. */
static void
finalize_request (FerryCredentialRequest *request)
{
  guint finished = 0;

  if (ferry_credential_request_get_finished (request))
    {
      /* Its notification holds a reference until it ran. */
      g_signal_connect (request, "notify::finished", G_CALLBACK (count_notify), &finished);
      drain ();
      g_signal_handlers_disconnect_by_data (request, &finished);
    }
  g_assert_finalize_object (request);
}

/* ---------------------------------------------------------------------- */

static void
test_request (void)
{
  FerryCredentialRequest *request;
  g_autofree char *value = NULL;
  guint finished = 0;

  request = _ferry_credential_request_new (FERRY_CREDENTIAL_REQUEST_SSH_HOST_KEY, "ssh://root@h", "root@h",
                                           NULL,
                                           "The authenticity of host 'h (192.0.2.1)' can't be established.\n"
                                           "ECDSA key fingerprint is SHA256:AbCd+ef/12.\n"
                                           "Are you sure you want to continue connecting (yes/no/[fingerprint])? ");
  g_assert_cmpstr (ferry_credential_request_get_fingerprint (request), ==, "ECDSA SHA256:AbCd+ef/12");
  g_assert_finalize_object (request);

  /* libvirt's libssh transport: a hex SHA-256, shown as ssh-keygen -l does. */
  request = _ferry_credential_request_new (FERRY_CREDENTIAL_REQUEST_SSH_HOST_KEY, "qemu+libssh://h/system",
                                           "h", NULL,
                                           "Accept SSH host key with hash '00:01:02:03:04:05:06:07:08:09:"
                                           "0a:0b:0c:0d:0e:0f:10:11:12:13:14:15:16:17:18:19:1a:1b:1c:1d:"
                                           "1e:1f' for host 'h:22' (y/n)?");
  g_assert_cmpstr (ferry_credential_request_get_fingerprint (request), ==,
                   "SHA256:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8");
  g_assert_cmpuint (ferry_credential_request_get_n_fields (request), ==, 0);
  g_assert_false (ferry_credential_request_get_can_remember (request));
  /* Remember means nothing where nothing can be remembered. */
  ferry_credential_request_set_remember (request, TRUE);
  g_assert_false (ferry_credential_request_get_remember (request));
  g_assert_finalize_object (request);

  request = login_request ();
  _ferry_credential_request_set_remember_options (request, TRUE, FALSE, FALSE);
  g_assert_cmpstr (ferry_credential_request_get_field_value (request, 0), ==, "admin");
  g_assert_null (ferry_credential_request_get_field_value (request, 1));
  ferry_credential_request_set_field_value (request, 1, "s3cret");
  ferry_credential_request_set_remember (request, TRUE);
  g_assert_true (ferry_credential_request_get_remember (request));
  g_signal_connect (request, "notify::finished", G_CALLBACK (count_notify), &finished);

  ferry_credential_request_reply (request);
  /* Once, and later (from the main loop), whoever ends it. */
  g_assert_cmpuint (finished, ==, 0);
  g_assert_true (ferry_credential_request_get_finished (request));
  ferry_credential_request_cancel (request);
  g_assert_cmpint (_ferry_credential_request_get_outcome (request), ==, FERRY_CREDENTIAL_OUTCOME_REPLIED);
  g_assert_true (ferry_test_wait_until (is_nonzero, &finished, 2000));
  drain ();
  g_assert_cmpuint (finished, ==, 1);
  value = _ferry_credential_request_dup_field_value (request, 1);
  g_assert_cmpstr (value, ==, "s3cret");
  g_assert_true (_ferry_credential_request_wants_remember (request));
  g_assert_finalize_object (request);
}

static void
test_getters (void)
{
  FerryCredentialRequest *request;

  request = _ferry_credential_request_new (FERRY_CREDENTIAL_REQUEST_SSH_SECRET, NULL, "ops@kvm1",
                                           "The saved password was not accepted.",
                                           "Enter passphrase for key '/home/ops/.ssh/id_ed25519': ");
  g_assert_cmpint (ferry_credential_request_get_kind (request), ==, FERRY_CREDENTIAL_REQUEST_SSH_SECRET);
  g_assert_null (ferry_credential_request_get_uri (request));
  g_assert_cmpstr (ferry_credential_request_get_host (request), ==, "ops@kvm1");
  g_assert_cmpstr (ferry_credential_request_get_message (request), ==, "The saved password was not accepted.");
  g_assert_cmpstr (ferry_credential_request_get_prompt (request), ==,
                   "Enter passphrase for key '/home/ops/.ssh/id_ed25519': ");
  /* Only host-key questions have a fingerprint. */
  g_assert_null (ferry_credential_request_get_fingerprint (request));
  g_assert_false (ferry_credential_request_get_finished (request));
  g_assert_false (ferry_credential_request_get_replaces_saved (request));
  g_assert_cmpint (_ferry_credential_request_get_outcome (request), ==, FERRY_CREDENTIAL_OUTCOME_PENDING);

  _ferry_credential_request_add_field (request, FERRY_CREDENTIAL_FIELD_SECRET, "Passphrase:", NULL);
  _ferry_credential_request_add_field (request, FERRY_CREDENTIAL_FIELD_TEXT, "Code:", "123");
  g_assert_cmpuint (ferry_credential_request_get_n_fields (request), ==, 2);
  g_assert_cmpint (ferry_credential_request_get_field_kind (request, 0), ==, FERRY_CREDENTIAL_FIELD_SECRET);
  g_assert_cmpint (ferry_credential_request_get_field_kind (request, 1), ==, FERRY_CREDENTIAL_FIELD_TEXT);
  g_assert_cmpstr (ferry_credential_request_get_field_prompt (request, 0), ==, "Passphrase:");
  g_assert_cmpstr (ferry_credential_request_get_field_value (request, 1), ==, "123");
  g_assert_finalize_object (request);

  /* What ssh printed may be anything: the prompt shown is valid UTF-8. */
  request = _ferry_credential_request_new (FERRY_CREDENTIAL_REQUEST_SSH_HOST_KEY, NULL, "h", NULL,
                                           "bad \xff\xfe bytes\n\xc3 key fingerprint is SHA256:x.");
  g_assert_true (g_utf8_validate (ferry_credential_request_get_prompt (request), -1, NULL));
  g_assert_nonnull (strstr (ferry_credential_request_get_prompt (request), "bad "));
  g_assert_true (g_utf8_validate (ferry_credential_request_get_fingerprint (request), -1, NULL));
  g_assert_true (g_str_has_suffix (ferry_credential_request_get_fingerprint (request), " SHA256:x"));
  g_assert_finalize_object (request);

  /* Everything NULL. */
  request = _ferry_credential_request_new (FERRY_CREDENTIAL_REQUEST_SSH_HOST_KEY, NULL, NULL, NULL, NULL);
  g_assert_null (ferry_credential_request_get_prompt (request));
  g_assert_null (ferry_credential_request_get_fingerprint (request));
  g_assert_null (ferry_credential_request_get_host (request));
  g_assert_cmpuint (ferry_credential_request_get_n_fields (request), ==, 0);
  g_assert_finalize_object (request);
}

/* Fingerprints from prompts as ssh and libssh print them, and from ones
 * that only look like them: the raw text or nothing, never a crash. */
static void
test_fingerprint (void)
{
  static const struct {
    const char *prompt;
    const char *expected;
  } cases[] = {
    { "ED25519 key fingerprint is SHA256:xyz.", "ED25519 SHA256:xyz" },
    { "  RSA   key fingerprint is   SHA256:abc  \nmore", "RSA SHA256:abc" },
    { "first line\nECDSA key fingerprint is MD5:aa:bb.\nthird", "ECDSA MD5:aa:bb" },
    { "no fingerprint here", NULL },
    { "", NULL },
    { "key fingerprint is SHA256:x", NULL },   /* no leading space: not the phrase */
    /* libssh's hex: 32 bytes, or shown as they came. */
    { "with hash '00:01'", "00:01" },
    { "with hash 'zz:01:02:03:04:05:06:07:08:09:0a:0b:0c:0d:0e:0f:10:11:12:13:14:15:16:17:18:19:1a:1b:1c:1d:1e:1f'",
      "zz:01:02:03:04:05:06:07:08:09:0a:0b:0c:0d:0e:0f:10:11:12:13:14:15:16:17:18:19:1a:1b:1c:1d:1e:1f" },
    { "with hash '0001'", "0001" },
    { "with hash '0'", "0" },
    { "with hash '0:'", "0:" },
    { "with hash 'SHA256:abc'", "SHA256:abc" },
    { "with hash '00:01:02:03:04:05:06:07:08:09:0a:0b:0c:0d:0e:0f:10:11:12:13:14:15:16:17:18:19:1a:1b:1c:1d:1e:1f:'",
      "SHA256:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8" },
    { "with hash '00:01:02:03:04:05:06:07:08:09:0a:0b:0c:0d:0e:0f:10:11:12:13:14:15:16:17:18:19:1a:1b:1c:1d:1e:1f:20'",
      "00:01:02:03:04:05:06:07:08:09:0a:0b:0c:0d:0e:0f:10:11:12:13:14:15:16:17:18:19:1a:1b:1c:1d:1e:1f:20" },
    { "with hash 'unterminated", NULL },
    { "with hash '", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      FerryCredentialRequest *request;

      g_test_message ("prompt %u: %s", i, cases[i].prompt);
      request = _ferry_credential_request_new (FERRY_CREDENTIAL_REQUEST_SSH_HOST_KEY, NULL, "h", NULL,
                                               cases[i].prompt);
      g_assert_cmpstr (ferry_credential_request_get_fingerprint (request), ==, cases[i].expected);
      g_assert_finalize_object (request);
    }

  /* Long prompts, many lines. */
  {
    g_autoptr(GString) prompt = g_string_new (NULL);
    FerryCredentialRequest *request;

    for (guint i = 0; i < 10000; i++)
      g_string_append (prompt, "noise line with hash but no quote\n");
    g_string_append (prompt, "ED25519 key fingerprint is SHA256:end.\n");
    request = _ferry_credential_request_new (FERRY_CREDENTIAL_REQUEST_SSH_HOST_KEY, NULL, "h", NULL,
                                             prompt->str);
    g_assert_cmpstr (ferry_credential_request_get_fingerprint (request), ==, "ED25519 SHA256:end");
    g_assert_finalize_object (request);
  }
}

/* ---------------------------------------------------------------------- */
/* Fields and remember                                                     */

static void
test_field_values (void)
{
  FerryCredentialRequest *request = login_request ();
  g_autofree char *copy = NULL;

  /* Set, replaced, cleared: the old value is wiped and freed (not
   * observable here without reading freed memory). */
  ferry_credential_request_set_field_value (request, 1, "first");
  ferry_credential_request_set_field_value (request, 1, "second");
  g_assert_cmpstr (ferry_credential_request_get_field_value (request, 1), ==, "second");
  copy = _ferry_credential_request_dup_field_value (request, 1);
  ferry_credential_request_set_field_value (request, 1, NULL);
  g_assert_null (ferry_credential_request_get_field_value (request, 1));
  /* The copy is the caller's. */
  g_assert_cmpstr (copy, ==, "second");
  g_clear_pointer (&copy, g_free);
  g_assert_null (_ferry_credential_request_dup_field_value (request, 1));

  /* Hostile answers are kept byte for byte (they go to libvirt or ssh). */
  ferry_credential_request_set_field_value (request, 0, "root\nPermitRootLogin yes\0ignored");
  g_assert_cmpstr (ferry_credential_request_get_field_value (request, 0), ==, "root\nPermitRootLogin yes");
  ferry_credential_request_set_field_value (request, 0, "");
  g_assert_cmpstr (ferry_credential_request_get_field_value (request, 0), ==, "");

  /* A field that is not there. */
  g_test_expect_message ("ferry-core", G_LOG_LEVEL_CRITICAL, "*index < self->fields->len*");
  ferry_credential_request_set_field_value (request, 2, "x");
  g_test_assert_expected_messages ();
  g_test_expect_message ("ferry-core", G_LOG_LEVEL_CRITICAL, "*index < self->fields->len*");
  g_assert_null (ferry_credential_request_get_field_value (request, 7));
  g_test_assert_expected_messages ();
  g_test_expect_message ("ferry-core", G_LOG_LEVEL_CRITICAL, "*index < self->fields->len*");
  g_assert_null (_ferry_credential_request_dup_field_value (request, G_MAXUINT));
  g_test_assert_expected_messages ();
  g_assert_cmpuint (ferry_credential_request_get_n_fields (request), ==, 2);

  /* Answers stay readable after the request ended (the worker reads them then). */
  ferry_credential_request_set_field_value (request, 1, "pw");
  ferry_credential_request_reply (request);
  copy = _ferry_credential_request_dup_field_value (request, 1);
  g_assert_cmpstr (copy, ==, "pw");
  finalize_request (request);
}

static void
test_remember (void)
{
  FerryCredentialRequest *request = login_request ();
  guint notified = 0;
  gboolean remember = TRUE;

  g_signal_connect (request, "notify::remember", G_CALLBACK (count_notify), &notified);

  /* Nothing to remember with: stays FALSE, no notification. */
  ferry_credential_request_set_remember (request, TRUE);
  g_object_set (request, "remember", TRUE, NULL);
  g_assert_false (ferry_credential_request_get_remember (request));
  g_assert_false (_ferry_credential_request_wants_remember (request));
  g_assert_cmpuint (notified, ==, 0);

  /* A saved password that was refused: remember is on at first. */
  _ferry_credential_request_set_remember_options (request, TRUE, TRUE, TRUE);
  g_assert_true (ferry_credential_request_get_can_remember (request));
  g_assert_true (ferry_credential_request_get_remember (request));
  g_assert_true (ferry_credential_request_get_replaces_saved (request));
  g_object_get (request, "remember", &remember, NULL);
  g_assert_true (remember);

  /* Notified on a change only, through the property too. */
  ferry_credential_request_set_remember (request, TRUE);
  g_assert_cmpuint (notified, ==, 0);
  ferry_credential_request_set_remember (request, FALSE);
  g_assert_cmpuint (notified, ==, 1);
  g_object_set (request, "remember", FALSE, NULL);
  g_assert_cmpuint (notified, ==, 1);
  g_object_set (request, "remember", TRUE, NULL);
  g_assert_cmpuint (notified, ==, 2);
  g_assert_true (_ferry_credential_request_wants_remember (request));

  /* Options that cannot remember turn remember off. */
  _ferry_credential_request_set_remember_options (request, FALSE, TRUE, FALSE);
  g_assert_false (ferry_credential_request_get_remember (request));
  g_assert_false (ferry_credential_request_get_replaces_saved (request));

  g_signal_handlers_disconnect_by_data (request, &notified);
  finalize_request (request);
}

/* ---------------------------------------------------------------------- */
/* How it ends                                                             */

typedef struct
{
  GPtrArray *events;                /* of static strings, in order */
  FerryCredentialOutcome outcome;
  GThread *thread;
} Done;

static void
on_done (FerryCredentialRequest *request,
         FerryCredentialOutcome  outcome,
         gpointer                user_data)
{
  Done *done = user_data;

  g_ptr_array_add (done->events, (gpointer) "done");
  done->outcome = outcome;
  done->thread = g_thread_self ();
  /* Already over when it is told. */
  g_assert_true (ferry_credential_request_get_finished (request));
}

static void
on_finished_event (FerryCredentialRequest *request,
                   GParamSpec             *pspec,
                   Done                   *done)
{
  gboolean finished = FALSE;

  g_object_get (request, "finished", &finished, NULL);
  g_assert_true (finished);
  g_ptr_array_add (done->events, (gpointer) "finished");
  done->thread = g_thread_self ();
}

static gboolean
has_finished_event (gpointer data)
{
  Done *done = data;

  return done->events->len > 0 && g_str_equal (g_ptr_array_index (done->events, done->events->len - 1), "finished");
}

static void
check_ends_once (FerryCredentialOutcome first,
                 FerryCredentialOutcome second)
{
  FerryCredentialRequest *request = login_request ();
  Done done = { g_ptr_array_new (), FERRY_CREDENTIAL_OUTCOME_PENDING, NULL };

  _ferry_credential_request_set_done_func (request, on_done, &done);
  g_signal_connect (request, "notify::finished", G_CALLBACK (on_finished_event), &done);

  g_assert_true (_ferry_credential_request_finish (request, first));
  /* Not inside the caller: later, from the main loop. */
  g_assert_cmpuint (done.events->len, ==, 0);
  g_assert_true (ferry_credential_request_get_finished (request));
  g_assert_false (_ferry_credential_request_finish (request, second));
  ferry_credential_request_reply (request);
  ferry_credential_request_cancel (request);
  g_assert_cmpint (_ferry_credential_request_get_outcome (request), ==, first);

  g_assert_true (ferry_test_wait_until (has_finished_event, &done, 2000));
  drain ();
  /* The done function first, then the notification; each once. */
  g_assert_cmpuint (done.events->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (done.events, 0), ==, "done");
  g_assert_cmpstr (g_ptr_array_index (done.events, 1), ==, "finished");
  g_assert_cmpint (done.outcome, ==, first);

  /* Ending it again later changes nothing and tells no one. */
  g_assert_false (_ferry_credential_request_finish (request, FERRY_CREDENTIAL_OUTCOME_WITHDRAWN));
  drain ();
  g_assert_cmpuint (done.events->len, ==, 2);

  g_signal_handlers_disconnect_by_data (request, &done);
  g_ptr_array_unref (done.events);
  g_assert_finalize_object (request);
}

static void
test_reply_once (void)
{
  check_ends_once (FERRY_CREDENTIAL_OUTCOME_REPLIED, FERRY_CREDENTIAL_OUTCOME_CANCELLED);
}

static void
test_cancel_once (void)
{
  check_ends_once (FERRY_CREDENTIAL_OUTCOME_CANCELLED, FERRY_CREDENTIAL_OUTCOME_REPLIED);
}

static void
test_withdrawn_once (void)
{
  check_ends_once (FERRY_CREDENTIAL_OUTCOME_WITHDRAWN, FERRY_CREDENTIAL_OUTCOME_REPLIED);
  check_ends_once (FERRY_CREDENTIAL_OUTCOME_UNANSWERED, FERRY_CREDENTIAL_OUTCOME_CANCELLED);
}

/* PENDING is no way to end. */
static void
test_finish_pending_refused (void)
{
  FerryCredentialRequest *request = login_request ();

  g_test_expect_message ("ferry-core", G_LOG_LEVEL_CRITICAL, "*outcome != FERRY_CREDENTIAL_OUTCOME_PENDING*");
  g_assert_false (_ferry_credential_request_finish (request, FERRY_CREDENTIAL_OUTCOME_PENDING));
  g_test_assert_expected_messages ();
  g_assert_false (ferry_credential_request_get_finished (request));
  g_assert_finalize_object (request);
}

/* Whoever drops the request meanwhile, its notification still runs. */
static void
test_outlives_caller (void)
{
  FerryCredentialRequest *request = login_request ();
  Done done = { g_ptr_array_new (), FERRY_CREDENTIAL_OUTCOME_PENDING, NULL };
  gpointer weak = request;

  _ferry_credential_request_set_done_func (request, on_done, &done);
  g_object_add_weak_pointer (G_OBJECT (request), &weak);
  ferry_credential_request_cancel (request);
  g_object_unref (request);
  g_assert_nonnull (weak);
  g_assert_true (ferry_test_wait_until (is_null, &weak, 2000));
  g_assert_cmpuint (done.events->len, ==, 1);
  g_assert_cmpint (done.outcome, ==, FERRY_CREDENTIAL_OUTCOME_CANCELLED);
  g_ptr_array_unref (done.events);
}

/* A worker blocks in _wait() until the main thread answers. */
typedef struct
{
  FerryCredentialRequest *request;
  gint                    returned;
} Waiter;

static gpointer
wait_thread (gpointer data)
{
  Waiter *waiter = data;
  FerryCredentialOutcome outcome = _ferry_credential_request_wait (waiter->request);
  g_autofree char *value = _ferry_credential_request_dup_field_value (waiter->request, 1);

  g_assert_cmpstr (value, ==, "from main");
  g_atomic_int_set (&waiter->returned, 1);
  return GINT_TO_POINTER (outcome);
}

static void
test_wait_on_worker (void)
{
  FerryCredentialRequest *request = login_request ();
  Waiter waiter = { request, 0 };
  GThread *thread;

  thread = g_thread_new ("waiter", wait_thread, &waiter);
  /* It cannot return while the request is pending. */
  g_assert_cmpint (g_atomic_int_get (&waiter.returned), ==, 0);
  ferry_credential_request_set_field_value (request, 1, "from main");
  g_assert_cmpint (g_atomic_int_get (&waiter.returned), ==, 0);
  ferry_credential_request_reply (request);
  g_assert_cmpint (GPOINTER_TO_INT (g_thread_join (thread)), ==, FERRY_CREDENTIAL_OUTCOME_REPLIED);
  g_assert_cmpint (g_atomic_int_get (&waiter.returned), ==, 1);

  /* Once ended, _wait() returns at once. */
  thread = g_thread_new ("waiter", wait_thread, &waiter);
  g_assert_cmpint (GPOINTER_TO_INT (g_thread_join (thread)), ==, FERRY_CREDENTIAL_OUTCOME_REPLIED);
  finalize_request (request);
}

/* Ended from other threads, all at once: one of them ends it, and the
 * main thread is told, once. */
typedef struct
{
  FerryCredentialRequest *request;
  FerryCredentialOutcome  outcome;
  gboolean                ended;
} Finisher;

static gpointer
finish_thread (gpointer data)
{
  Finisher *finisher = data;

  finisher->ended = _ferry_credential_request_finish (finisher->request, finisher->outcome);
  return NULL;
}

static void
test_finish_from_threads (void)
{
  for (guint round = 0; round < 20; round++)
    {
      FerryCredentialRequest *request = login_request ();
      Done done = { g_ptr_array_new (), FERRY_CREDENTIAL_OUTCOME_PENDING, NULL };
      Finisher finishers[4];
      GThread *threads[G_N_ELEMENTS (finishers)];
      guint n_ended = 0;
      FerryCredentialOutcome winner = FERRY_CREDENTIAL_OUTCOME_PENDING;

      _ferry_credential_request_set_done_func (request, on_done, &done);
      g_signal_connect (request, "notify::finished", G_CALLBACK (on_finished_event), &done);
      for (guint i = 0; i < G_N_ELEMENTS (finishers); i++)
        {
          finishers[i] = (Finisher) { request, FERRY_CREDENTIAL_OUTCOME_REPLIED + i, FALSE };
          threads[i] = g_thread_new ("finisher", finish_thread, &finishers[i]);
        }
      for (guint i = 0; i < G_N_ELEMENTS (finishers); i++)
        {
          g_thread_join (threads[i]);
          if (finishers[i].ended)
            {
              n_ended++;
              winner = finishers[i].outcome;
            }
        }
      g_assert_cmpuint (n_ended, ==, 1);
      g_assert_cmpint (_ferry_credential_request_get_outcome (request), ==, winner);

      g_assert_true (ferry_test_wait_until (has_finished_event, &done, 2000));
      drain ();
      g_assert_cmpuint (done.events->len, ==, 2);
      g_assert_cmpint (done.outcome, ==, winner);
      /* Told on the main thread, not the one that ended it. */
      g_assert_true (done.thread == g_thread_self ());
      g_assert_true (ferry_core_is_main_thread ());

      g_signal_handlers_disconnect_by_data (request, &done);
      g_ptr_array_unref (done.events);
      g_assert_finalize_object (request);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  ferry_core_init ();

  g_test_add_func ("/credential-request/request", test_request);
  g_test_add_func ("/credential-request/getters", test_getters);
  g_test_add_func ("/credential-request/fingerprint", test_fingerprint);
  g_test_add_func ("/credential-request/field-values", test_field_values);
  g_test_add_func ("/credential-request/remember", test_remember);
  g_test_add_func ("/credential-request/reply-once", test_reply_once);
  g_test_add_func ("/credential-request/cancel-once", test_cancel_once);
  g_test_add_func ("/credential-request/withdrawn-once", test_withdrawn_once);
  g_test_add_func ("/credential-request/finish-pending-refused", test_finish_pending_refused);
  g_test_add_func ("/credential-request/outlives-caller", test_outlives_caller);
  g_test_add_func ("/credential-request/wait-on-worker", test_wait_on_worker);
  g_test_add_func ("/credential-request/finish-from-threads", test_finish_from_threads);
  return g_test_run ();
}
