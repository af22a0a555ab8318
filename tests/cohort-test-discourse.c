/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "cohort-test-discourse.h"

#include <string.h>

static char *
fixture_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", "sources", "discourse", name, NULL);
}

static gboolean
respond_file (SoupServerMessage *msg,
              const char        *name)
{
  g_autofree char *path = fixture_path (name);
  g_autofree char *data = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &data, &len, NULL))
    return FALSE;
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, data, len);
  return TRUE;
}

static void
respond_text (SoupServerMessage *msg,
              guint              status,
              const char        *text)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, text, strlen (text));
}

static void
respond_posts (CohortTestDiscourse *forum,
               SoupServerMessage   *msg,
               GHashTable          *query)
{
  const char *before_text = query ? g_hash_table_lookup (query, "before") : NULL;
  gint64 before = before_text ? g_ascii_strtoll (before_text, NULL, 10) : G_MAXINT64;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  guint n = 0;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "latest_posts");
  json_builder_begin_array (builder);
  for (guint i = 0; i < forum->posts->len && n < forum->page_size; i++)
    {
      JsonNode *post = g_ptr_array_index (forum->posts, i);

      if (json_object_get_int_member (json_node_get_object (post), "id") >= before)
        continue;
      json_builder_add_value (builder, json_node_copy (post));
      n++;
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  text = json_to_string (root, FALSE);
  respond_text (msg, SOUP_STATUS_OK, text);
}

static void
respond_report (CohortTestDiscourse *forum,
                SoupServerMessage   *msg,
                const char          *path)
{
  g_autofree char *type = g_strndup (path + strlen ("/admin/reports/"),
                                     strlen (path) - strlen ("/admin/reports/") - strlen (".json"));
  g_autofree char *name = g_strdup_printf ("report-%s.json", type);
  g_autofree char *empty = NULL;

  if (forum->refuse_reports)
    {
      respond_text (msg, SOUP_STATUS_FORBIDDEN,
                    "{\"errors\":[\"You are not permitted to view the requested resource.\"],"
                    "\"error_type\":\"invalid_access\"}");
      return;
    }
  if (respond_file (msg, name))
    return;
  empty = g_strdup_printf ("{\"report\":{\"type\":\"%s\",\"data\":[]}}", type);
  respond_text (msg, SOUP_STATUS_OK, empty);
}

static gboolean
apply_fault (CohortTestDiscourse *forum,
             SoupServerMessage   *msg,
             const char          *path,
             const char          *query)
{
  if (forum->fault == TEST_FAULT_NONE || forum->fault_times == 0 ||
      g_strcmp0 (path, forum->fault_path) != 0 ||
      (forum->fault_query != NULL && g_strcmp0 (query, forum->fault_query) != 0))
    return FALSE;

  forum->fault_times--;
  switch (forum->fault)
    {
    case TEST_FAULT_STATUS:
      if (forum->fault_status == 429)
        soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                      "Retry-After", "1");
      respond_text (msg, forum->fault_status, "{\"errors\":[\"fault\"]}");
      break;
    case TEST_FAULT_MALFORMED:
      respond_text (msg, SOUP_STATUS_OK, "{\"latest_posts\": [ {\"id\": 3, \"username\": ");
      break;
    case TEST_FAULT_HANG:
      /* Never answered: the client must give up (timeout) or be cancelled. */
      soup_server_message_pause (msg);
      if (forum->hang_cb != NULL)
        g_idle_add (forum->hang_cb, forum->hang_data);
      break;
    case TEST_FAULT_NONE:
      return FALSE;
    }
  return TRUE;
}

static void
count_hit (CohortTestDiscourse *forum,
           const char          *key)
{
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (forum->hits, key));

  g_hash_table_replace (forum->hits, g_strdup (key), GUINT_TO_POINTER (n + 1));
}

static void
handle_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  CohortTestDiscourse *forum = user_data;
  const char *key = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                  "Api-Key");
  const char *query_text = g_uri_get_query (soup_server_message_get_uri (msg));
  g_autofree char *full = query_text ? g_strconcat (path, "?", query_text, NULL) : g_strdup (path);

  count_hit (forum, path);
  if (query_text != NULL)
    count_hit (forum, full);

  if (g_strcmp0 (key, forum->api_key) != 0)
    {
      respond_text (msg, SOUP_STATUS_FORBIDDEN,
                    "{\"errors\":[\"You are not permitted to view the requested resource. "
                    "The API username or key is invalid.\"],\"error_type\":\"invalid_access\"}");
      return;
    }
  if (apply_fault (forum, msg, path, query_text))
    return;

  if (g_str_equal (path, "/about.json"))
    respond_file (msg, "about.json");
  else if (g_str_equal (path, "/posts.json"))
    respond_posts (forum, msg, query);
  else if (g_str_equal (path, "/directory_items.json"))
    {
      const char *page = query ? g_hash_table_lookup (query, "page") : NULL;
      g_autofree char *name = g_strdup_printf ("directory-%s.json", page ? page : "0");

      if (!respond_file (msg, name))
        respond_text (msg, SOUP_STATUS_OK, "{\"directory_items\":[],\"meta\":{}}");
    }
  else if (g_str_has_prefix (path, "/admin/reports/") && g_str_has_suffix (path, ".json"))
    respond_report (forum, msg, path);
  else
    respond_text (msg, SOUP_STATUS_NOT_FOUND, "{\"errors\":[\"not found\"]}");
}

static void
load_posts (CohortTestDiscourse *forum)
{
  g_autofree char *path = fixture_path ("posts.json");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *posts;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  posts = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                        "latest_posts");
  for (guint i = 0; i < json_array_get_length (posts); i++)
    g_ptr_array_add (forum->posts, json_node_copy (json_array_get_element (posts, i)));
}

CohortTestDiscourse *
cohort_test_discourse_new (const char *api_key,
                           gboolean    tls)
{
  CohortTestDiscourse *forum = g_new0 (CohortTestDiscourse, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) cert = NULL;
  GSList *uris;

  if (tls)
    {
      g_autofree char *cert_path = g_test_build_filename (G_TEST_DIST, "data", "sources", "tls",
                                                          "cert.pem", NULL);
      g_autofree char *key_path = g_test_build_filename (G_TEST_DIST, "data", "sources", "tls",
                                                         "key.pem", NULL);

      cert = g_tls_certificate_new_from_files (cert_path, key_path, &error);
      g_assert_no_error (error);
    }
  forum->server = soup_server_new ("tls-certificate", cert, NULL);
  forum->api_key = g_strdup (api_key);
  forum->posts = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  forum->page_size = 3;
  forum->hits = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  load_posts (forum);

  soup_server_add_handler (forum->server, NULL, handle_cb, forum, NULL);
  soup_server_listen_local (forum->server, 0,
                            SOUP_SERVER_LISTEN_IPV4_ONLY | (tls ? SOUP_SERVER_LISTEN_HTTPS : 0),
                            &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (forum->server);
  forum->base_url = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);
  return forum;
}

void
cohort_test_discourse_free (CohortTestDiscourse *forum)
{
  soup_server_disconnect (forum->server);
  g_object_unref (forum->server);
  g_ptr_array_unref (forum->posts);
  g_hash_table_unref (forum->hits);
  g_free (forum->base_url);
  g_free (forum->api_key);
  g_free (forum->fault_path);
  g_free (forum->fault_query);
  g_free (forum);
}

void
cohort_test_discourse_add_post (CohortTestDiscourse *forum,
                                const char          *fixture)
{
  g_autofree char *path = fixture_path (fixture);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  g_ptr_array_insert (forum->posts, 0, json_node_copy (json_parser_get_root (parser)));
}

void
cohort_test_discourse_set_fault (CohortTestDiscourse *forum,
                                 TestFaultKind        kind,
                                 const char          *path,
                                 const char          *query,
                                 guint                status,
                                 guint                times)
{
  forum->fault = kind;
  g_free (forum->fault_path);
  forum->fault_path = g_strdup (path);
  g_free (forum->fault_query);
  forum->fault_query = g_strdup (query);
  forum->fault_status = status;
  forum->fault_times = times;
}

guint
cohort_test_discourse_hits (CohortTestDiscourse *forum,
                            const char          *path_and_query)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (forum->hits, path_and_query));
}
