/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "cohort-store-sources.h"
#include "cohort-sync-error.h"
#include "cohort-sync-job.h"
#include "cohort-test-db.h"
#include "cohort-test-sync.h"

/*
 * chatlog sync against a local server that answers /api/v1/chatlog from
 * tests/data/sources/chatlog/messages.json (4 messages in 读书会 3 群: Alice's text, Bob's
 * image, a system line, Carol's link), sliced by limit/offset.  With 600 more generated
 * messages the sync needs two pages of 500.  No key is involved.
 */

typedef struct
{
  CohortTestDb  db;
  SoupServer   *server;
  char         *base_url;
  GPtrArray    *messages;  /* JsonNode */
  GPtrArray    *times;     /* the time= values asked for */
  guint         requests;
} Fixture;

static void
handle_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  Fixture *fx = user_data;
  guint limit = (guint)g_ascii_strtoull (g_hash_table_lookup (query, "limit"), NULL, 10);
  guint offset = (guint)g_ascii_strtoull (g_hash_table_lookup (query, "offset"), NULL, 10);
  g_autoptr(JsonArray) page = json_array_new ();
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);
  g_autofree char *text = NULL;

  g_assert_cmpstr (path, ==, "/api/v1/chatlog");
  g_assert_cmpstr (g_hash_table_lookup (query, "talker"), ==, "12345678@chatroom");
  g_assert_cmpstr (g_hash_table_lookup (query, "format"), ==, "json");
  g_ptr_array_add (fx->times, g_strdup (g_hash_table_lookup (query, "time")));
  fx->requests++;
  for (guint i = offset; i < fx->messages->len && i < offset + limit; i++)
    json_array_add_element (page, json_node_copy (g_ptr_array_index (fx->messages, i)));
  json_node_set_array (root, page);
  text = json_to_string (root, FALSE);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, text, strlen (text));
}

static void
fixture_setup (Fixture       *fx,
               gconstpointer  data)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "sources", "chatlog", "messages.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *array;
  GSList *uris;

  cohort_test_db_setup (&fx->db, NULL);
  fx->messages = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  fx->times = g_ptr_array_new_with_free_func (g_free);
  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  array = json_node_get_array (json_parser_get_root (parser));
  for (guint i = 0; i < json_array_get_length (array); i++)
    g_ptr_array_add (fx->messages, json_node_copy (json_array_get_element (array, i)));

  fx->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (fx->server, NULL, handle_cb, fx, NULL);
  soup_server_listen_local (fx->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (fx->server);
  fx->base_url = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);
  cohort_db_add_source (fx->db.db, "chatlog", "WeChat", fx->base_url, "12345678@chatroom", &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *fx,
                  gconstpointer  data)
{
  soup_server_disconnect (fx->server);
  g_object_unref (fx->server);
  g_ptr_array_unref (fx->messages);
  g_ptr_array_unref (fx->times);
  g_free (fx->base_url);
  cohort_test_db_teardown (&fx->db, NULL);
}

static CohortSyncSummary *
run_sync (Fixture  *fx,
          GError  **error)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(CohortSyncJob) job = cohort_sync_job_new (session, NULL, fx->db.path, "WeChat");

  /* No secret at all: chatlog needs none. */
  return cohort_test_run_sync (job, NULL, error);
}

static void
add_generated (Fixture *fx,
               guint    n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      gint64 ts = 1762200000 + i * 60;
      g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (ts);
      g_autofree char *time = g_date_time_format_iso8601 (dt);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "seq");
      json_builder_add_int_value (b, ts * 1000);
      json_builder_set_member_name (b, "time");
      json_builder_add_string_value (b, time);
      json_builder_set_member_name (b, "talker");
      json_builder_add_string_value (b, "12345678@chatroom");
      json_builder_set_member_name (b, "sender");
      json_builder_add_string_value (b, i % 2 ? "wxid_alice" : "wxid_dan");
      json_builder_set_member_name (b, "type");
      json_builder_add_int_value (b, 1);
      json_builder_set_member_name (b, "content");
      json_builder_add_string_value (b, "打卡");
      json_builder_end_object (b);
      g_ptr_array_add (fx->messages, json_builder_get_root (b));
    }
}

static void
test_sync (Fixture       *fx,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree CohortSyncSummary *first = run_sync (fx, &error);
  g_autofree CohortSyncSummary *second = NULL;
  g_autoptr(GPtrArray) communities = NULL;
  g_autoptr(CohortSourceInfo) source = NULL;
  g_autofree char *text = NULL;
  CohortCommunityInfo *info;

  g_assert_no_error (error);
  g_assert_cmpuint (first->pages, ==, 1);
  g_assert_cmpint (first->messages_added, ==, 4);
  g_assert_cmpint (first->members_added, ==, 3);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (fx->times, 0), "2011-01-21~"));

  communities = cohort_test_list_communities (fx->db.db);
  g_assert_cmpuint (communities->len, ==, 1);
  info = g_ptr_array_index (communities, 0);
  g_assert_cmpstr (info->platform, ==, "wechat");
  g_assert_cmpstr (info->platform_id, ==, "12345678@chatroom");
  g_assert_cmpstr (info->name, ==, "读书会 3 群");
  g_assert_cmpstr (info->kind, ==, "group");
  g_assert_cmpint (info->messages, ==, 3);
  g_assert_cmpint (info->system_messages, ==, 1);
  text = cohort_db_get_message_text (fx->db.db, info->id, "chatlog:1762056000000");
  g_assert_cmpstr (text, ==, "今晚共读第三章");

  source = cohort_db_find_source (fx->db.db, "WeChat", &error);
  g_assert_cmpstr (source->cursor, ==, "{\"newest\":1762142400}");

  /* The next sync starts on the newest message's day and adds nothing twice. */
  second = run_sync (fx, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (fx->times, 1), "2025-11-03~"));
  g_assert_cmpint (second->items, ==, 0);
  g_assert_cmpint (second->messages_present, ==, 4);
}

static void
test_pages (Fixture       *fx,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree CohortSyncSummary *summary = NULL;

  add_generated (fx, 600);
  summary = run_sync (fx, &error);
  g_assert_no_error (error);
  /* 604 messages: 500, then 104. */
  g_assert_cmpuint (fx->requests, ==, 2);
  g_assert_cmpint (summary->messages_added, ==, 604);
  g_assert_cmpint (summary->members_added, ==, 4);
  g_assert_cmpint (cohort_db_count (fx->db.db, "message"), ==, 604);
}

static void
test_not_running (Fixture       *fx,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree CohortSyncSummary *summary = NULL;
  g_autofree char *words = NULL;

  /* chatlog is not started: nothing listens on its port. */
  soup_server_disconnect (fx->server);
  summary = run_sync (fx, &error);
  g_assert_null (summary);
  g_assert_error (error, COHORT_SYNC_ERROR, COHORT_SYNC_ERROR_OFFLINE);
  words = cohort_sync_error_describe (error);
  g_assert_nonnull (strstr (words, "for chatlog that it is running"));
  g_assert_cmpint (cohort_db_count (fx->db.db, "message"), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/sync-chatlog/sync-and-incremental", Fixture, NULL, fixture_setup, test_sync, fixture_teardown);
  g_test_add ("/sync-chatlog/pages", Fixture, NULL, fixture_setup, test_pages, fixture_teardown);
  g_test_add ("/sync-chatlog/not-running", Fixture, NULL, fixture_setup, test_not_running, fixture_teardown);
  return g_test_run ();
}
