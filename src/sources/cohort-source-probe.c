/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-sync"

#include "config.h"

#include "cohort-source-probe.h"

#include <glib/gi18n-lib.h>

#include "cohort-sync-driver.h"

typedef struct
{
  const CohortSyncDriver *driver;
  CohortSyncRequest      *request;
  GBytes                 *body;
} Probe;

static void
probe_free (Probe *probe)
{
  cohort_sync_request_free (probe->request);
  g_clear_pointer (&probe->body, g_bytes_unref);
  g_free (probe);
}

static void
describe_in_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  Probe *probe = task_data;
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize size = 0;
  const char *data = g_bytes_get_data (probe->body, &size);
  GError *error = NULL;
  char *text;

  if (!json_parser_load_from_data (parser, data ? data : "", size, NULL) ||
      json_parser_get_root (parser) == NULL)
    {
      g_task_return_new_error (task, COHORT_SYNC_ERROR, COHORT_SYNC_ERROR_MALFORMED,
                               "%s: not JSON", probe->request->step);
      return;
    }
  text = probe->driver->describe_probe (json_parser_get_root (parser), &error);
  if (text == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, text, g_free);
}

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Probe *probe = g_task_get_task_data (task);
  SoupMessage *message = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  g_autoptr(GUri) uri = g_uri_parse (probe->request->url, G_URI_FLAGS_NONE, NULL);
  const char *host = uri ? g_uri_get_host (uri) : NULL;
  GError *error = NULL;

  probe->body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  if (probe->body == NULL)
    {
      g_task_return_error (task, cohort_sync_error_from_transport (error, host));
      return;
    }
  if ((error = cohort_sync_error_from_status (soup_message_get_status (message), host)) != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_run_in_thread (task, describe_in_thread);
}

void
cohort_source_probe_async (SoupSession            *session,
                           const CohortSourceInfo *source,
                           const char             *secret,
                           GCancellable           *cancellable,
                           GAsyncReadyCallback     callback,
                           gpointer                user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr(SoupMessage) message = NULL;
  Probe *probe = g_new0 (Probe, 1);
  SoupMessageHeaders *headers;

  g_task_set_source_tag (task, cohort_source_probe_async);
  g_task_set_task_data (task, probe, (GDestroyNotify)probe_free);
  probe->driver = cohort_sync_driver_find (source->kind);
  if (probe->driver == NULL)
    {
      g_task_return_new_error (task, COHORT_SYNC_ERROR, COHORT_SYNC_ERROR_CONFIG,
                               _("sources of kind “%s” cannot be synced by this version."),
                               source->kind);
      return;
    }
  probe->request = probe->driver->probe (source, secret);
  message = soup_message_new (probe->request->method, probe->request->url);
  if (message == NULL)
    {
      g_task_return_new_error (task, COHORT_SYNC_ERROR, COHORT_SYNC_ERROR_CONFIG,
                               _("“%s” is not a valid address"), source->base_url);
      return;
    }
  headers = soup_message_get_request_headers (message);
  soup_message_headers_replace (headers, "Accept", "application/json");
  if (probe->request->api_key != NULL)
    soup_message_headers_replace (headers, "Api-Key", probe->request->api_key);
  if (probe->request->api_username != NULL)
    soup_message_headers_replace (headers, "Api-Username", probe->request->api_username);
  if (probe->request->body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (probe->request->body, strlen (probe->request->body));
      soup_message_set_request_body_from_bytes (message, "application/json", bytes);
    }
  soup_session_send_and_read_async (session, message, G_PRIORITY_DEFAULT, cancellable, sent_cb,
                                    g_steal_pointer (&task));
}

char *
cohort_source_probe_finish (GAsyncResult  *result,
                            GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
