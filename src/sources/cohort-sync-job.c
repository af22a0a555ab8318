/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-sync"

#include "config.h"

#include "cohort-sync-job.h"

#include <glib/gi18n-lib.h>

#include "cohort-sync-driver.h"

/* A server that asks us to wait longer than this is treated as refusing. */
#define MAX_RETRY_DELAY_S 60
#define MAX_RATE_RETRIES  4
#define MAX_TOKEN_RETRIES 2

/* ------------------------------------------------------------------------------------------ */
/* The worker: a thread that owns the write connection and the transaction.  The main thread
 * hands it one operation at a time as a GTask; the worker returns the task, and GTask brings
 * the result back to the main context that created it.                                      */

typedef enum
{
  OP_OPEN,
  OP_BEGIN,
  OP_PAGE,
  OP_COMMIT,
  OP_ABORT,
  OP_QUIT,
} OpKind;

typedef struct
{
  OpKind                   kind;
  char                    *text;      /* OPEN: source name; COMMIT: cursor; ABORT: error text */
  char                    *status;    /* ABORT: "error" or "cancelled" */
  char                    *stored;    /* ABORT: the error as the source row keeps it */
  const CohortSyncRequest *request;   /* PAGE: owned by the job, alive until the reply */
  GBytes                  *body;      /* PAGE */
} Op;

typedef struct
{
  GThread                *thread;
  GAsyncQueue            *queue;      /* GTask, each with an Op */
  char                   *db_path;
  const CohortSyncDriver *driver;     /* set by the main thread before OP_BEGIN */
  CohortSyncContext       ctx;
  char                   *run_source; /* "source:NAME", as the Imports history shows it */
  char                   *kind;
  gint64                  started_ts;
  gint64                  started_us;
} Worker;

static void
op_free (Op *op)
{
  g_free (op->text);
  g_free (op->status);
  g_free (op->stored);
  g_clear_pointer (&op->body, g_bytes_unref);
  g_free (op);
}

static CohortSyncSummary *
summary_from_counts (const CohortImportCounts *counts,
                     gint64                    stats_added)
{
  CohortSyncSummary *summary = g_new0 (CohortSyncSummary, 1);

  summary->members_added = counts->members_added;
  summary->messages_added = counts->messages_added + counts->system_added;
  summary->messages_present = counts->messages_present;
  summary->reactions_added = counts->reactions_added;
  summary->events_added = counts->events_added;
  summary->invites_added = counts->invites_added;
  summary->stats_added = stats_added;
  summary->items = summary->members_added + summary->messages_added + summary->reactions_added +
                   summary->events_added + summary->invites_added + stats_added;
  return summary;
}

static void
worker_open (Worker *w,
             GTask  *task,
             Op     *op)
{
  GError *error = NULL;
  CohortSourceInfo *info;

  w->ctx.db = cohort_db_open (w->db_path, FALSE, &error);
  if (w->ctx.db == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  info = cohort_db_find_source (w->ctx.db, op->text, &error);
  if (info == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  w->ctx.source_id = info->id;
  w->ctx.base_url = g_strdup (info->base_url);
  w->run_source = g_strdup_printf ("source:%s", info->name);
  w->kind = g_strdup (info->kind);
  g_task_return_pointer (task, info, (GDestroyNotify)cohort_source_info_free);
}

static void
worker_begin (Worker *w,
              GTask  *task,
              Op     *op)
{
  GError *error = NULL;

  w->ctx.tx = cohort_db_begin_import (w->ctx.db, w->run_source, w->driver->kind, &error);
  if (w->ctx.tx == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
worker_page (Worker *w,
             GTask  *task,
             Op     *op)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree CohortSyncPage *page = g_new0 (CohortSyncPage, 1);
  gsize size = 0;
  const char *data = g_bytes_get_data (op->body, &size);
  const CohortImportCounts *after;
  CohortImportCounts before;
  gint64 stats_before;
  GError *error = NULL;

  if (!json_parser_load_from_data (parser, data ? data : "", size, &error) ||
      json_parser_get_root (parser) == NULL)
    {
      g_task_return_new_error (task, COHORT_SYNC_ERROR, COHORT_SYNC_ERROR_MALFORMED,
                               "%s: %s", op->request->step,
                               error ? error->message : "empty answer");
      g_clear_error (&error);
      return;
    }
  before = *cohort_import_tx_get_counts (w->ctx.tx);
  stats_before = w->ctx.stats_added;
  page->step = g_strdup (op->request->step);
  if (!w->driver->parse_page (&w->ctx, op->request, json_parser_get_root (parser), page, &error))
    {
      cohort_sync_page_clear (g_steal_pointer (&page));
      g_task_return_error (task, error);
      return;
    }
  after = cohort_import_tx_get_counts (w->ctx.tx);
  page->added = (after->members_added - before.members_added) +
                (after->messages_added - before.messages_added) +
                (after->system_added - before.system_added) +
                (after->reactions_added - before.reactions_added) +
                (after->events_added - before.events_added) +
                (after->invites_added - before.invites_added) +
                (w->ctx.stats_added - stats_before);
  g_task_return_pointer (task, g_steal_pointer (&page), (GDestroyNotify)cohort_sync_page_clear);
}

static void
worker_commit (Worker *w,
               GTask  *task,
               Op     *op)
{
  CohortSyncSummary *summary;
  GError *error = NULL;

  summary = summary_from_counts (cohort_import_tx_get_counts (w->ctx.tx), w->ctx.stats_added);
  /* The cursor moves in the same transaction as the records it covers. */
  if (!cohort_db_set_source_result (w->ctx.db, w->ctx.source_id, "ok", NULL, op->text,
                                    g_get_real_time () / G_USEC_PER_SEC, &error) ||
      !cohort_import_tx_commit (g_steal_pointer (&w->ctx.tx), &error))
    {
      g_clear_pointer (&w->ctx.tx, cohort_import_tx_rollback);
      g_free (summary);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, summary, g_free);
}

static void
worker_abort (Worker *w,
              GTask  *task,
              Op     *op)
{
  g_clear_pointer (&w->ctx.tx, cohort_import_tx_rollback);
  /* After the rollback: the history and the source say why, the data is as it was. */
  if (w->ctx.db != NULL && w->ctx.source_id != 0)
    {
      cohort_db_set_source_result (w->ctx.db, w->ctx.source_id, op->status, op->stored, NULL,
                                   g_get_real_time () / G_USEC_PER_SEC, NULL);
      cohort_db_record_failed_import (w->ctx.db, w->run_source, w->kind,
                                      g_str_equal (op->status, "cancelled"), op->text,
                                      w->started_ts,
                                      (g_get_monotonic_time () - w->started_us) / 1000, NULL, NULL);
    }
  g_task_return_boolean (task, TRUE);
}

static gpointer
worker_main (gpointer data)
{
  Worker *w = data;

  for (;;)
    {
      g_autoptr(GTask) task = g_async_queue_pop (w->queue);
      Op *op = g_task_get_task_data (task);

      switch (op->kind)
        {
        case OP_OPEN:
          worker_open (w, task, op);
          break;
        case OP_BEGIN:
          worker_begin (w, task, op);
          break;
        case OP_PAGE:
          worker_page (w, task, op);
          break;
        case OP_COMMIT:
          worker_commit (w, task, op);
          break;
        case OP_ABORT:
          worker_abort (w, task, op);
          break;
        case OP_QUIT:
          g_clear_pointer (&w->ctx.tx, cohort_import_tx_rollback);
          g_clear_pointer (&w->ctx.db, cohort_db_close);
          g_task_return_boolean (task, TRUE);
          return NULL;
        }
    }
}

static Worker *
worker_new (const char *db_path)
{
  Worker *w = g_new0 (Worker, 1);

  w->queue = g_async_queue_new ();
  w->db_path = g_strdup (db_path);
  w->started_ts = g_get_real_time () / G_USEC_PER_SEC;
  w->started_us = g_get_monotonic_time ();
  w->ctx.communities = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  w->thread = g_thread_new ("cohort-sync", worker_main, w);
  return w;
}

static void
worker_post (Worker              *w,
             gpointer             source_object,
             Op                  *op,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  GTask *task = g_task_new (source_object, NULL, callback, user_data);

  g_task_set_task_data (task, op, (GDestroyNotify)op_free);
  g_async_queue_push (w->queue, task);
}

/* Joins the thread: the worker rolls back anything still open before it exits. */
static void
worker_free (Worker *w)
{
  Op *op = g_new0 (Op, 1);
  GTask *task = g_task_new (NULL, NULL, NULL, NULL);

  op->kind = OP_QUIT;
  g_task_set_task_data (task, op, (GDestroyNotify)op_free);
  g_async_queue_push (w->queue, task);
  g_thread_join (w->thread);
  g_async_queue_unref (w->queue);
  g_hash_table_unref (w->ctx.communities);
  g_free (w->ctx.base_url);
  g_free (w->ctx.today);
  g_free (w->run_source);
  g_free (w->kind);
  g_free (w->db_path);
  g_free (w);
}

/* ------------------------------------------------------------------------------------------ */
/* The job, on the main thread                                                                 */

struct _CohortSyncJob
{
  GObject parent_instance;

  SoupSession            *session;
  CohortSecretStore      *secrets;
  char                   *db_path;
  char                   *source_key;
  char                   *secret;
  gboolean                secret_given;

  GTask                  *task;         /* the run, while it runs */
  Worker                 *worker;
  CohortSourceInfo       *source;
  const CohortSyncDriver *driver;
  gpointer                state;
  CohortSyncRequest      *request;      /* in flight */
  CohortSyncPage         *last;
  guint                   rate_retries;
  guint                   token_retries;
  guint                   wait_source;
  gulong                  cancel_handler;

  guint                   pages;
  gint64                  items;
  char                   *message;
};

enum {
  PROP_0,
  PROP_PAGES,
  PROP_ITEMS,
  PROP_MESSAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (CohortSyncJob, cohort_sync_job, G_TYPE_OBJECT)

static void fetch_next (CohortSyncJob *self);
static void send_request (CohortSyncJob *self);

static GCancellable *
job_cancellable (CohortSyncJob *self)
{
  return g_task_get_cancellable (self->task);
}

static void
set_progress (CohortSyncJob *self,
              guint          pages,
              gint64         items)
{
  g_autofree char *items_text = NULL;

  self->pages = pages;
  self->items = items;
  g_free (self->message);
  items_text = g_strdup_printf ("%" G_GINT64_FORMAT, items);
  self->message = g_strdup_printf (_("Pages fetched: %u · Items imported: %s"), pages, items_text);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAGES]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ITEMS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE]);
}

static void
finish_run (CohortSyncJob     *self,
            CohortSyncSummary *summary,
            GError            *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  g_clear_handle_id (&self->wait_source, g_source_remove);
  if (self->cancel_handler != 0)
    g_cancellable_disconnect (g_task_get_cancellable (task), self->cancel_handler);
  self->cancel_handler = 0;
  g_clear_pointer (&self->worker, worker_free);
  g_clear_pointer (&self->request, cohort_sync_request_free);
  g_clear_pointer (&self->last, cohort_sync_page_clear);
  if (self->state != NULL)
    g_clear_pointer (&self->state, self->driver->state_free);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, summary, g_free);
}

static void
abort_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  CohortSyncJob *self = COHORT_SYNC_JOB (object);
  GError *error = user_data;

  finish_run (self, NULL, error);
}

/* Rolls the transaction back and records why, then fails the run with error. */
static void
fail (CohortSyncJob *self,
      GError        *error)
{
  Op *op = g_new0 (Op, 1);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_clear_error (&error);
      error = g_error_new_literal (COHORT_SYNC_ERROR, COHORT_SYNC_ERROR_CANCELLED, "cancelled");
    }
  /* Only the category and host reach the log, never a key or message text. */
  g_debug ("sync of source %s failed: %s", self->source_key, error->message);

  op->kind = OP_ABORT;
  op->status = g_strdup (cohort_sync_error_is_cancelled (error) ? "cancelled" : "error");
  op->text = cohort_sync_error_describe (error);
  op->stored = cohort_sync_error_to_stored (error);
  worker_post (self->worker, self, op, abort_done_cb, error);
}

static void
commit_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  CohortSyncJob *self = COHORT_SYNC_JOB (object);
  GError *error = NULL;
  CohortSyncSummary *summary = g_task_propagate_pointer (G_TASK (result), &error);

  if (summary == NULL)
    {
      finish_run (self, NULL, error);
      return;
    }
  summary->pages = self->pages;
  finish_run (self, summary, NULL);
}

static void
page_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  CohortSyncJob *self = COHORT_SYNC_JOB (object);
  GError *error = NULL;
  CohortSyncPage *page = g_task_propagate_pointer (G_TASK (result), &error);

  if (page == NULL)
    {
      if (g_error_matches (error, COHORT_SYNC_ERROR, COHORT_SYNC_ERROR_TOKEN_EXPIRED) &&
          self->driver->token_expired != NULL && self->token_retries++ < MAX_TOKEN_RETRIES)
        {
          g_clear_error (&error);
          self->driver->token_expired (self->state);
          fetch_next (self);
          return;
        }
      fail (self, error);
      return;
    }
  if (g_cancellable_is_cancelled (job_cancellable (self)))
    {
      cohort_sync_page_clear (page);
      fail (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "cancelled"));
      return;
    }
  g_clear_pointer (&self->last, cohort_sync_page_clear);
  self->last = page;
  set_progress (self, self->pages, self->items + page->added);
  fetch_next (self);
}

static gint64
retry_delay (SoupMessage *message,
             guint        attempt)
{
  const char *value = soup_message_headers_get_one (soup_message_get_response_headers (message),
                                                    "Retry-After");
  gint64 delay = (gint64)1 << MIN (attempt, 5);

  if (value != NULL)
    {
      char *end = NULL;
      gint64 seconds = g_ascii_strtoll (value, &end, 10);

      if (end != value && *end == '\0')
        delay = seconds;
      else
        {
          g_autoptr(GDateTime) when = soup_date_time_new_from_http_string (value);
          g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

          if (when != NULL)
            delay = g_date_time_difference (when, now) / G_TIME_SPAN_SECOND;
        }
    }
  return CLAMP (delay, 0, MAX_RETRY_DELAY_S + 1);
}

static gboolean
retry_cb (gpointer user_data)
{
  CohortSyncJob *self = user_data;

  self->wait_source = 0;
  if (g_cancellable_is_cancelled (job_cancellable (self)))
    fail (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "cancelled"));
  else
    send_request (self);
  return G_SOURCE_REMOVE;
}

/* A cancel while waiting out a Retry-After must not wait for the timer. */
static void
cancelled_cb (GCancellable  *cancellable,
              CohortSyncJob *self)
{
  if (self->wait_source == 0)
    return;
  g_clear_handle_id (&self->wait_source, g_source_remove);
  /* Idle: GCancellable handlers must not disconnect themselves. */
  self->wait_source = g_idle_add (retry_cb, self);
}

static gboolean
handle_status (CohortSyncJob *self,
               SoupMessage   *message,
               const char    *host)
{
  guint status = soup_message_get_status (message);

  if (status == COHORT_HTTP_TOO_MANY_REQUESTS && self->rate_retries < MAX_RATE_RETRIES)
    {
      gint64 delay = retry_delay (message, self->rate_retries++);

      if (delay <= MAX_RETRY_DELAY_S)
        {
          g_debug ("%s asked to wait %" G_GINT64_FORMAT " s", host, delay);
          self->wait_source = g_timeout_add_seconds ((guint)delay, retry_cb, self);
          return TRUE;
        }
    }
  if (self->request->optional &&
      (status == SOUP_STATUS_FORBIDDEN || status == SOUP_STATUS_NOT_FOUND))
    {
      g_clear_pointer (&self->last, cohort_sync_page_clear);
      self->last = g_new0 (CohortSyncPage, 1);
      self->last->step = g_strdup (self->request->step);
      self->last->skipped = TRUE;
      fetch_next (self);
      return TRUE;
    }
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      fail (self, cohort_sync_error_from_status (status, host));
      return TRUE;
    }
  return FALSE;
}

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(CohortSyncJob) self = user_data;
  SoupMessage *message = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  g_autoptr(GBytes) body = NULL;
  GError *error = NULL;
  g_autofree char *host = NULL;
  g_autoptr(GUri) uri = g_uri_parse (self->request->url, G_URI_FLAGS_NONE, NULL);
  Op *op;

  host = g_strdup (uri ? g_uri_get_host (uri) : NULL);
  body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  if (body == NULL)
    {
      fail (self, cohort_sync_error_from_transport (error, host));
      return;
    }
  if (handle_status (self, message, host))
    return;

  self->pages++;
  self->rate_retries = 0;
  op = g_new0 (Op, 1);
  op->kind = OP_PAGE;
  op->request = self->request;
  op->body = g_steal_pointer (&body);
  worker_post (self->worker, self, op, page_done_cb, NULL);
}

static void
send_request (CohortSyncJob *self)
{
  g_autoptr(SoupMessage) message = NULL;
  SoupMessageHeaders *headers;

  message = soup_message_new (self->request->method, self->request->url);
  if (message == NULL)
    {
      fail (self, g_error_new (COHORT_SYNC_ERROR, COHORT_SYNC_ERROR_CONFIG,
                               _("“%s” is not a valid address"), self->source->base_url));
      return;
    }
  headers = soup_message_get_request_headers (message);
  soup_message_headers_replace (headers, "Accept", "application/json");
  if (self->request->api_key != NULL)
    soup_message_headers_replace (headers, "Api-Key", self->request->api_key);
  if (self->request->api_username != NULL)
    soup_message_headers_replace (headers, "Api-Username", self->request->api_username);
  if (self->request->body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (self->request->body, strlen (self->request->body));
      soup_message_set_request_body_from_bytes (message, "application/json", bytes);
    }
  soup_session_send_and_read_async (self->session, message, G_PRIORITY_DEFAULT,
                                    job_cancellable (self), sent_cb, g_object_ref (self));
}

static void
fetch_next (CohortSyncJob *self)
{
  g_clear_pointer (&self->request, cohort_sync_request_free);
  self->request = self->driver->next_request (self->state, self->last);
  if (self->request == NULL)
    {
      Op *op = g_new0 (Op, 1);

      op->kind = OP_COMMIT;
      op->text = self->driver->cursor (self->state);
      worker_post (self->worker, self, op, commit_done_cb, NULL);
      return;
    }
  send_request (self);
}

static void
begin_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  CohortSyncJob *self = COHORT_SYNC_JOB (object);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      finish_run (self, NULL, error);
      return;
    }
  set_progress (self, 0, 0);
  fetch_next (self);
}

static void
start_with_secret (CohortSyncJob *self)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  JsonObject *cursor = NULL;
  Op *op;

  if (!self->driver->secret_optional && (self->secret == NULL || *self->secret == '\0'))
    {
      fail (self, g_error_new (COHORT_SYNC_ERROR, COHORT_SYNC_ERROR_CONFIG,
                               _("no key or secret is stored for “%s”; add the source again."),
                               self->source->name));
      return;
    }
  /* The cursor is a few bytes the store wrote itself, so parsing it here is cheap. */
  if (json_parser_load_from_data (parser, self->source->cursor, -1, NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    cursor = json_node_get_object (json_parser_get_root (parser));
  self->state = self->driver->state_new (self->source, self->secret ? self->secret : "", cursor,
                                         g_date_time_to_unix (now));
  self->worker->ctx.today = g_date_time_format (now, "%Y-%m-%d");
  self->worker->ctx.now = g_date_time_to_unix (now);

  op = g_new0 (Op, 1);
  op->kind = OP_BEGIN;
  op->text = g_strdup (self->source->name);
  worker_post (self->worker, self, op, begin_done_cb, NULL);
}

static void
secret_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(CohortSyncJob) self = user_data;
  GError *error = NULL;

  self->secret = cohort_secret_store_lookup_finish (COHORT_SECRET_STORE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      fail (self, error);
      return;
    }
  if (error != NULL)
    {
      fail (self, g_error_new (COHORT_SYNC_ERROR, COHORT_SYNC_ERROR_CONFIG,
                               _("the keyring could not be read (%s)."), error->message));
      g_clear_error (&error);
      return;
    }
  start_with_secret (self);
}

static void
open_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  CohortSyncJob *self = COHORT_SYNC_JOB (object);
  GError *error = NULL;

  self->source = g_task_propagate_pointer (G_TASK (result), &error);
  if (self->source == NULL)
    {
      finish_run (self, NULL, error);
      return;
    }
  self->driver = cohort_sync_driver_find (self->source->kind);
  if (self->driver == NULL)
    {
      fail (self, g_error_new (COHORT_SYNC_ERROR, COHORT_SYNC_ERROR_CONFIG,
                               _("sources of kind “%s” cannot be synced by this version."),
                               self->source->kind));
      return;
    }
  self->worker->driver = self->driver;
  if (self->secret_given || self->secrets == NULL || self->driver->secret_optional)
    start_with_secret (self);
  else
    cohort_secret_store_lookup_async (self->secrets, self->source->uid, job_cancellable (self),
                                      secret_cb, g_object_ref (self));
}

/* ------------------------------------------------------------------------------------------ */

static void
cohort_sync_job_dispose (GObject *object)
{
  CohortSyncJob *self = COHORT_SYNC_JOB (object);

  g_assert (self->task == NULL);
  g_clear_object (&self->session);
  g_clear_object (&self->secrets);
  G_OBJECT_CLASS (cohort_sync_job_parent_class)->dispose (object);
}

static void
cohort_sync_job_finalize (GObject *object)
{
  CohortSyncJob *self = COHORT_SYNC_JOB (object);

  g_free (self->db_path);
  g_free (self->source_key);
  g_free (self->secret);
  g_free (self->message);
  g_clear_pointer (&self->source, cohort_source_info_free);
  G_OBJECT_CLASS (cohort_sync_job_parent_class)->finalize (object);
}

static void
cohort_sync_job_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  CohortSyncJob *self = COHORT_SYNC_JOB (object);

  switch (prop_id)
    {
    case PROP_PAGES:
      g_value_set_uint (value, self->pages);
      break;
    case PROP_ITEMS:
      g_value_set_int64 (value, self->items);
      break;
    case PROP_MESSAGE:
      g_value_set_string (value, self->message);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cohort_sync_job_class_init (CohortSyncJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cohort_sync_job_dispose;
  object_class->finalize = cohort_sync_job_finalize;
  object_class->get_property = cohort_sync_job_get_property;

  properties[PROP_PAGES] =
    g_param_spec_uint ("pages", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ITEMS] =
    g_param_spec_int64 ("items", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MESSAGE] =
    g_param_spec_string ("message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cohort_sync_job_init (CohortSyncJob *self)
{
}

CohortSyncJob *
cohort_sync_job_new (SoupSession       *session,
                     CohortSecretStore *secrets,
                     const char        *db_path,
                     const char        *source)
{
  CohortSyncJob *self;

  g_return_val_if_fail (SOUP_IS_SESSION (session), NULL);
  g_return_val_if_fail (secrets == NULL || COHORT_IS_SECRET_STORE (secrets), NULL);
  g_return_val_if_fail (db_path != NULL && source != NULL, NULL);

  self = g_object_new (COHORT_TYPE_SYNC_JOB, NULL);
  self->session = g_object_ref (session);
  self->secrets = secrets ? g_object_ref (secrets) : NULL;
  self->db_path = g_strdup (db_path);
  self->source_key = g_strdup (source);
  return self;
}

void
cohort_sync_job_set_secret (CohortSyncJob *self,
                            const char    *secret)
{
  g_return_if_fail (COHORT_IS_SYNC_JOB (self));

  g_free (self->secret);
  self->secret = g_strdup (secret);
  self->secret_given = secret != NULL;
}

void
cohort_sync_job_run_async (CohortSyncJob       *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GCancellable) own = NULL;
  Op *op;

  g_return_if_fail (COHORT_IS_SYNC_JOB (self));
  g_return_if_fail (self->task == NULL);

  if (cancellable == NULL)
    cancellable = own = g_cancellable_new ();
  self->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (self->task, cohort_sync_job_run_async);
  /* The rollback runs after a cancel; the run reports COHORT_SYNC_ERROR_CANCELLED itself. */
  g_task_set_check_cancellable (self->task, FALSE);
  self->cancel_handler = g_cancellable_connect (cancellable, G_CALLBACK (cancelled_cb), self, NULL);
  self->pages = 0;
  self->items = 0;
  self->rate_retries = 0;
  self->token_retries = 0;
  g_clear_pointer (&self->source, cohort_source_info_free);
  if (!self->secret_given)
    g_clear_pointer (&self->secret, g_free);

  self->worker = worker_new (self->db_path);
  op = g_new0 (Op, 1);
  op->kind = OP_OPEN;
  op->text = g_strdup (self->source_key);
  worker_post (self->worker, self, op, open_done_cb, NULL);
}

CohortSyncSummary *
cohort_sync_job_run_finish (CohortSyncJob  *self,
                            GAsyncResult   *result,
                            GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

guint
cohort_sync_job_get_pages (CohortSyncJob *self)
{
  return self->pages;
}

gint64
cohort_sync_job_get_items (CohortSyncJob *self)
{
  return self->items;
}

const char *
cohort_sync_job_get_message (CohortSyncJob *self)
{
  return self->message;
}

const CohortSourceInfo *
cohort_sync_job_get_source (CohortSyncJob *self)
{
  return self->source;
}

SoupSession *
cohort_sync_default_session (void)
{
  static SoupSession *session;

  if (session == NULL)
    session = soup_session_new_with_options ("timeout", 60,
                                             "user-agent", "Cohort/" PACKAGE_VERSION " ",
                                             NULL);
  return session;
}

gboolean
cohort_sync_kind_supported (const char *kind)
{
  return cohort_sync_driver_find (kind) != NULL;
}

gboolean
cohort_sync_kind_needs_secret (const char *kind)
{
  const CohortSyncDriver *driver = cohort_sync_driver_find (kind);

  return driver != NULL && !driver->secret_optional;
}
