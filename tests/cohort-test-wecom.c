/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "cohort-test-wecom.h"

#include <json-glib/json-glib.h>
#include <string.h>

static void
respond (SoupServerMessage *msg,
         const char        *text)
{
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, text, strlen (text));
}

static void
respond_file (SoupServerMessage *msg,
              const char        *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "sources", "wecom", name, NULL);
  g_autofree char *data = NULL;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (path, &data, NULL, &error);
  g_assert_no_error (error);
  respond (msg, data);
}

static JsonObject *
request_body (SoupServerMessage *msg,
              JsonParser        *parser)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, body->data, body->length, &error);
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

static void
respond_token (CohortTestWecom   *corp,
               SoupServerMessage *msg,
               GHashTable        *query)
{
  g_autofree char *text = NULL;

  if (query == NULL || g_strcmp0 (g_hash_table_lookup (query, "corpid"), corp->corp_id) != 0 ||
      g_strcmp0 (g_hash_table_lookup (query, "corpsecret"), corp->secret) != 0)
    {
      respond (msg, "{\"errcode\":40001,\"errmsg\":\"invalid credential, hint: [1700000000_1]\"}");
      return;
    }
  g_free (corp->valid_token);
  corp->valid_token = g_strdup_printf ("TOKEN-%u", ++corp->tokens_issued);
  text = g_strdup_printf ("{\"errcode\":0,\"errmsg\":\"ok\",\"access_token\":\"%s\",\"expires_in\":7200}",
                          corp->valid_token);
  respond (msg, text);
}

static void
respond_stats (CohortTestWecom   *corp,
               SoupServerMessage *msg)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *body = request_body (msg, parser);
  gint64 begin = json_object_get_int_member (body, "day_begin_time");
  gint64 end = json_object_get_int_member (body, "day_end_time");
  JsonArray *owners = json_object_get_array_member (json_object_get_object_member (body, "owner_filter"),
                                                    "userid_list");
  g_autoptr(GString) joined = g_string_new (NULL);
  g_autoptr(GString) out = g_string_new ("{\"errcode\":0,\"errmsg\":\"ok\",\"items\":[");
  const char *data = "{\"new_chat_cnt\":0,\"chat_total\":2,\"chat_has_msg\":1,\"new_member_cnt\":1,"
                     "\"member_total\":7,\"member_has_msg\":3,\"msg_total\":25,"
                     "\"migrate_trainee_chat_cnt\":0}";

  g_array_append_val (corp->stats_windows, begin);
  g_array_append_val (corp->stats_windows, end);
  for (guint i = 0; i < json_array_get_length (owners); i++)
    g_string_append_printf (joined, "%s%s", i ? "," : "", json_array_get_string_element (owners, i));
  g_free (corp->stats_owners);
  corp->stats_owners = g_strdup (joined->str);

  g_string_append_printf (out, "{\"stat_time\":%" G_GINT64_FORMAT ",\"data\":%s}", begin, data);
  if (end != begin)
    g_string_append_printf (out, ",{\"stat_time\":%" G_GINT64_FORMAT ",\"data\":%s}", end, data);
  g_string_append (out, "]}");
  respond (msg, out->str);
}

static void
handle_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  CohortTestWecom *corp = user_data;
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (corp->hits, path));

  g_hash_table_replace (corp->hits, g_strdup (path), GUINT_TO_POINTER (n + 1));
  if (g_str_equal (path, "/cgi-bin/gettoken"))
    {
      respond_token (corp, msg, query);
      return;
    }
  if (query == NULL || g_strcmp0 (g_hash_table_lookup (query, "access_token"), corp->valid_token) != 0)
    {
      respond (msg, "{\"errcode\":42001,\"errmsg\":\"access_token expired\"}");
      return;
    }
  if (corp->fault_errcode != 0 && g_strcmp0 (path, corp->fault_path) == 0)
    {
      g_autofree char *text = g_strdup_printf ("{\"errcode\":%" G_GINT64_FORMAT ",\"errmsg\":\"fault\"}",
                                               corp->fault_errcode);
      corp->fault_errcode = 0;
      respond (msg, text);
      return;
    }

  if (g_str_equal (path, "/cgi-bin/externalcontact/groupchat/list"))
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *body = request_body (msg, parser);

      respond_file (msg, json_object_has_member (body, "cursor") ? "list-1.json" : "list-0.json");
    }
  else if (g_str_equal (path, "/cgi-bin/externalcontact/groupchat/get"))
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      const char *chat_id = json_object_get_string_member (request_body (msg, parser), "chat_id");
      g_autofree char *name = g_strdup_printf ("group-%s%s.json", chat_id,
                                               g_hash_table_contains (corp->later, chat_id) ? "-later" : "");

      respond_file (msg, name);
    }
  else if (g_str_equal (path, "/cgi-bin/externalcontact/groupchat/statistic_group_by_day"))
    respond_stats (corp, msg);
  else
    respond (msg, "{\"errcode\":404,\"errmsg\":\"no such api\"}");
}

CohortTestWecom *
cohort_test_wecom_new (const char *corp_id,
                       const char *secret)
{
  CohortTestWecom *corp = g_new0 (CohortTestWecom, 1);
  g_autoptr(GError) error = NULL;
  GSList *uris;

  corp->server = soup_server_new (NULL, NULL);
  corp->corp_id = g_strdup (corp_id);
  corp->secret = g_strdup (secret);
  corp->hits = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  corp->later = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  corp->stats_windows = g_array_new (FALSE, FALSE, sizeof (gint64));
  soup_server_add_handler (corp->server, NULL, handle_cb, corp, NULL);
  soup_server_listen_local (corp->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (corp->server);
  corp->base_url = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);
  return corp;
}

void
cohort_test_wecom_free (CohortTestWecom *corp)
{
  soup_server_disconnect (corp->server);
  g_object_unref (corp->server);
  g_hash_table_unref (corp->hits);
  g_hash_table_unref (corp->later);
  g_array_unref (corp->stats_windows);
  g_free (corp->base_url);
  g_free (corp->corp_id);
  g_free (corp->secret);
  g_free (corp->valid_token);
  g_free (corp->stats_owners);
  g_free (corp->fault_path);
  g_free (corp);
}

guint
cohort_test_wecom_hits (CohortTestWecom *corp,
                        const char      *path)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (corp->hits, path));
}
