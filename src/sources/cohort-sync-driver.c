/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-sync"

#include "config.h"

#include "cohort-sync-driver.h"

#include <string.h>

#include "cohort-number.h"

CohortSyncRequest *
cohort_sync_request_new (const char *step,
                         const char *method,
                         const char *url)
{
  CohortSyncRequest *request = g_new0 (CohortSyncRequest, 1);

  request->step = g_strdup (step);
  request->method = g_strdup (method);
  request->url = g_strdup (url);
  return request;
}

void
cohort_sync_request_free (CohortSyncRequest *request)
{
  if (request == NULL)
    return;
  g_free (request->step);
  g_free (request->arg);
  g_free (request->method);
  g_free (request->url);
  g_free (request->body);
  g_free (request->api_key);
  g_free (request->api_username);
  g_free (request);
}

void
cohort_sync_page_clear (CohortSyncPage *page)
{
  if (page == NULL)
    return;
  g_free (page->step);
  g_free (page->next);
  g_free (page->note);
  g_free (page);
}

const CohortSyncDriver *
cohort_sync_driver_find (const char *kind)
{
  static const CohortSyncDriver * const drivers[] = {
    &cohort_discourse_driver,
    &cohort_wecom_driver,
    &cohort_chatlog_driver,
  };

  for (guint i = 0; i < G_N_ELEMENTS (drivers); i++)
    if (g_strcmp0 (drivers[i]->kind, kind) == 0)
      return drivers[i];
  return NULL;
}

char *
cohort_sync_trim_base (const char *url)
{
  g_autofree char *copy = g_strstrip (g_strdup (url));
  gsize len = strlen (copy);

  while (len > 0 && copy[len - 1] == '/')
    copy[--len] = '\0';
  return g_steal_pointer (&copy);
}

const char *
cohort_sync_json_string (JsonObject *object,
                         const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

gint64
cohort_sync_json_int (JsonObject *object,
                      const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return 0;
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      return json_node_get_int (node);
    case G_TYPE_DOUBLE:
      {
        gint64 value = 0;

        return cohort_double_to_int64 (json_node_get_double (node), &value) ? value : 0;
      }
    case G_TYPE_BOOLEAN:
      return json_node_get_boolean (node);
    case G_TYPE_STRING:
      return g_ascii_strtoll (json_node_get_string (node), NULL, 10);
    default:
      return 0;
    }
}

gint64
cohort_sync_parse_time (const char *iso8601)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) dt = NULL;

  if (iso8601 == NULL)
    return 0;
  dt = g_date_time_new_from_iso8601 (iso8601, utc);
  return dt ? g_date_time_to_unix (dt) : 0;
}

/* Stores a value exactly as the platform sent it: the number, and its JSON text. */
gboolean
cohort_sync_stat (CohortSyncContext  *ctx,
                  gint64              community,
                  const char         *metric,
                  const char         *day,
                  const char         *scope,
                  JsonNode           *value,
                  GError            **error)
{
  g_autofree char *raw = NULL;
  gboolean changed = FALSE;
  double number;

  if (value == NULL || !JSON_NODE_HOLDS_VALUE (value))
    return TRUE;
  switch (json_node_get_value_type (value))
    {
    case G_TYPE_INT64:
      number = (double)json_node_get_int (value);
      break;
    case G_TYPE_DOUBLE:
      number = json_node_get_double (value);
      break;
    default:
      return TRUE;
    }
  raw = json_to_string (value, FALSE);
  if (!cohort_db_put_platform_stat (ctx->db, community, ctx->source_id, metric, day, scope,
                                    number, raw, &changed, error))
    return FALSE;
  ctx->stats_added += changed;
  return TRUE;
}
