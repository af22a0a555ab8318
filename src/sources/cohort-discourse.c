/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-discourse"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "cohort-sync-driver.h"

/*
 * Discourse (FORMATS.md §2h).  A sync walks:
 *   1. /about.json           the forum's name (the community) and its totals (platform stats)
 *   2. /posts.json?before=   posts newest first, down to the cursor's last post id: users
 *                            become members, posts become messages (topic starters and
 *                            replies), likes become reactions
 *   3. /directory_items.json per-user activity (period=all) as platform stats scoped to the user
 *   4. /admin/reports/TYPE.json daily series as platform stats; an admin key is needed, so a
 *                            refusal skips them instead of failing the sync
 * The cursor is {"last_post_id": N, "reports_until": "YYYY-MM-DD"}.  Post ids only grow, so a
 * second sync stops at the first page that reaches posts it already has.
 */

#define REPORT_DAYS_FIRST_SYNC 90

static const char * const report_types[] = {
  "signups", "topics", "posts", "likes", "visits", "daily_engaged_users", "dau_by_mau",
};

static const char * const directory_fields[] = {
  "likes_received", "likes_given", "topics_entered", "topic_count", "post_count", "posts_read",
  "days_visited",
};

typedef struct
{
  char   *base;
  char   *key;
  char   *username;
  gint64  last_post_id;
  gint64  newest_post_id;
  gint64  directory_seen;
  guint   directory_page;
  guint   report;
  char   *report_from;
  char   *today;
} DiscourseState;

static char *
day_string (gint64 ts)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (ts);

  return g_date_time_format (dt, "%Y-%m-%d");
}

static gpointer
discourse_state_new (const CohortSourceInfo *source,
                     const char             *secret,
                     JsonObject             *cursor,
                     gint64                  now)
{
  DiscourseState *s = g_new0 (DiscourseState, 1);
  const char *until = cohort_sync_json_string (cursor, "reports_until");

  s->base = cohort_sync_trim_base (source->base_url);
  s->key = g_strdup (secret);
  s->username = g_strdup (source->username);
  s->last_post_id = cohort_sync_json_int (cursor, "last_post_id");
  s->newest_post_id = s->last_post_id;
  s->today = day_string (now);
  /* The last day synced is fetched again: it was probably still running then. */
  s->report_from = until ? g_strdup (until)
                         : day_string (now - (REPORT_DAYS_FIRST_SYNC - 1) * 86400);
  return s;
}

static void
discourse_state_free (gpointer data)
{
  DiscourseState *s = data;

  g_free (s->base);
  g_free (s->key);
  g_free (s->username);
  g_free (s->report_from);
  g_free (s->today);
  g_free (s);
}

static CohortSyncRequest *
discourse_get (DiscourseState *s,
               const char     *step,
               const char     *path)
{
  g_autofree char *url = g_strconcat (s->base, path, NULL);
  CohortSyncRequest *request = cohort_sync_request_new (step, "GET", url);

  request->api_key = g_strdup (s->key);
  request->api_username = g_strdup (s->username);
  return request;
}

static CohortSyncRequest *
posts_request (DiscourseState *s,
               gint64          before)
{
  g_autofree char *path = before > 0
    ? g_strdup_printf ("/posts.json?before=%" G_GINT64_FORMAT, before)
    : g_strdup ("/posts.json");
  CohortSyncRequest *request = discourse_get (s, "posts", path);

  request->arg = g_strdup_printf ("%" G_GINT64_FORMAT, s->last_post_id);
  return request;
}

static CohortSyncRequest *
directory_request (DiscourseState *s)
{
  g_autofree char *path =
    g_strdup_printf ("/directory_items.json?period=all&order=post_count&page=%u", s->directory_page);

  return discourse_get (s, "directory", path);
}

static CohortSyncRequest *
report_request (DiscourseState *s)
{
  const char *type = report_types[s->report];
  g_autofree char *path = g_strdup_printf ("/admin/reports/%s.json?start_date=%s&end_date=%s",
                                           type, s->report_from, s->today);
  CohortSyncRequest *request = discourse_get (s, "report", path);

  request->arg = g_strdup (type);
  request->optional = TRUE;
  return request;
}

static CohortSyncRequest *
discourse_next_request (gpointer              data,
                        const CohortSyncPage *last)
{
  DiscourseState *s = data;

  if (last == NULL)
    return discourse_get (s, "about", "/about.json");

  if (g_str_equal (last->step, "about"))
    return posts_request (s, 0);

  if (g_str_equal (last->step, "posts"))
    {
      s->newest_post_id = MAX (s->newest_post_id, last->max_id);
      /* Older pages only hold posts we have once this one reached the cursor. */
      if (last->rows > 0 && last->min_id > s->last_post_id + 1)
        return posts_request (s, last->min_id);
      return directory_request (s);
    }

  if (g_str_equal (last->step, "directory"))
    {
      s->directory_seen += last->rows;
      s->directory_page++;
      if (last->rows > 0 && (last->total > 0 ? s->directory_seen < last->total : last->rows >= 50))
        return directory_request (s);
      s->report = 0;
      return report_request (s);
    }

  if (g_str_equal (last->step, "report"))
    {
      /* A refused report means the key is not an admin's: the others will be refused too. */
      if (last->skipped || ++s->report >= G_N_ELEMENTS (report_types))
        return NULL;
      return report_request (s);
    }

  g_return_val_if_reached (NULL);
}

static char *
discourse_cursor (gpointer data)
{
  DiscourseState *s = data;

  return g_strdup_printf ("{\"last_post_id\":%" G_GINT64_FORMAT ",\"reports_until\":\"%s\"}",
                          s->newest_post_id, s->today);
}

/* ------------------------------------------------------------------------------------------ */
/* Parsing, on the worker                                                                      */

static gboolean
malformed (GError     **error,
           const char  *what)
{
  g_set_error (error, COHORT_SYNC_ERROR, COHORT_SYNC_ERROR_MALFORMED,
               "Discourse %s: unexpected JSON", what);
  return FALSE;
}

static JsonObject *
root_member_object (JsonNode   *root,
                    const char *member)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  return node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonArray *
root_member_array (JsonNode   *root,
                   const char *member)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  return node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

/* The forum's identity is its address without the scheme: stable across http/https. */
static char *
forum_platform_id (const char *base_url)
{
  g_autofree char *base = cohort_sync_trim_base (base_url);
  const char *sep = strstr (base, "://");

  return g_strdup (sep ? sep + 3 : base);
}

static gboolean
parse_about (CohortSyncContext  *ctx,
             JsonNode           *root,
             CohortSyncPage     *page,
             GError            **error)
{
  JsonObject *about = root_member_object (root, "about");
  JsonNode *stats_node = about ? json_object_get_member (about, "stats") : NULL;
  g_autofree char *platform_id = forum_platform_id (ctx->base_url);
  const char *title;
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  if (about == NULL)
    return malformed (error, "about");
  title = cohort_sync_json_string (about, "title");
  ctx->community = cohort_import_tx_community (ctx->tx, "discourse", platform_id,
                                               title && *title ? title : platform_id,
                                               "forum", "UTC", error);
  if (ctx->community == 0)
    return FALSE;
  page->note = g_strdup (title);

  if (stats_node != NULL && JSON_NODE_HOLDS_OBJECT (stats_node))
    {
      json_object_iter_init (&iter, json_node_get_object (stats_node));
      while (json_object_iter_next (&iter, &name, &value))
        {
          g_autofree char *metric = g_strconcat ("discourse.about.", name, NULL);

          if (!cohort_sync_stat (ctx, ctx->community, metric, ctx->today, NULL, value, error))
            return FALSE;
          page->rows++;
        }
    }
  return TRUE;
}

/* cooked is HTML; the metrics need only its characters, not its markup. */
static char *
strip_html (const char *html)
{
  static const struct { const char *entity; const char *text; } entities[] = {
    { "&amp;", "&" }, { "&lt;", "<" }, { "&gt;", ">" }, { "&quot;", "\"" }, { "&#39;", "'" },
    { "&nbsp;", " " },
  };
  GString *out = g_string_new (NULL);
  gboolean in_tag = FALSE;

  for (const char *p = html; *p != '\0'; p++)
    {
      if (*p == '<')
        in_tag = TRUE;
      else if (*p == '>' && in_tag)
        in_tag = FALSE;
      else if (!in_tag && *p == '&')
        {
          guint i;

          for (i = 0; i < G_N_ELEMENTS (entities); i++)
            if (g_str_has_prefix (p, entities[i].entity))
              break;
          if (i < G_N_ELEMENTS (entities))
            {
              g_string_append (out, entities[i].text);
              p += strlen (entities[i].entity) - 1;
            }
          else
            g_string_append_c (out, *p);
        }
      else if (!in_tag)
        g_string_append_c (out, *p);
    }
  return g_strstrip (g_string_free (out, FALSE));
}

static gint64
post_likes (JsonObject *post)
{
  JsonNode *actions = json_object_get_member (post, "actions_summary");

  if (json_object_has_member (post, "like_count"))
    return cohort_sync_json_int (post, "like_count");
  if (actions != NULL && JSON_NODE_HOLDS_ARRAY (actions))
    {
      JsonArray *array = json_node_get_array (actions);

      /* Post action type 2 is "like". */
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *node = json_array_get_element (array, i);
          JsonObject *action = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;

          if (action != NULL && cohort_sync_json_int (action, "id") == 2)
            return cohort_sync_json_int (action, "count");
        }
    }
  return 0;
}

static gboolean
post_flag (JsonObject *post,
           const char *member)
{
  JsonNode *node = json_object_get_member (post, member);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_BOOLEAN && json_node_get_boolean (node);
}

static gboolean
import_post (CohortSyncContext  *ctx,
             JsonObject         *post,
             GError            **error)
{
  const char *username = cohort_sync_json_string (post, "username");
  const char *name = cohort_sync_json_string (post, "name");
  const char *raw = cohort_sync_json_string (post, "raw");
  const char *cooked = cohort_sync_json_string (post, "cooked");
  gint64 topic = cohort_sync_json_int (post, "topic_id");
  gint64 number = cohort_sync_json_int (post, "post_number");
  gint64 reply_number = cohort_sync_json_int (post, "reply_to_post_number");
  gint64 likes = post_likes (post);
  g_autofree char *text = raw ? g_strdup (raw) : strip_html (cooked ? cooked : "");
  g_autofree char *msg_id = g_strdup_printf ("%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT, topic, number);
  g_autofree char *reply_to = NULL;
  CohortMessageRecord record = { 0, };

  if (username == NULL || topic == 0 || number == 0)
    return malformed (error, "post");

  /* A post with no reply target answers the topic itself, i.e. its first post. */
  if (number > 1)
    reply_to = g_strdup_printf ("%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT, topic,
                                reply_number > 0 ? reply_number : 1);

  if (!cohort_import_tx_member (ctx->tx, ctx->community, username,
                                name && *name ? name : username,
                                g_strcmp0 (username, "system") == 0, error))
    return FALSE;
  /* Moderators and admins run the forum: staff, not audience, in the metrics. */
  if ((post_flag (post, "staff") || post_flag (post, "moderator") || post_flag (post, "admin")) &&
      !cohort_db_set_member_facts (ctx->db, ctx->community, username, TRUE, NULL, error))
    return FALSE;

  record.community = ctx->community;
  record.platform_msg_id = msg_id;
  record.member_uid = username;
  record.ts = cohort_sync_parse_time (cohort_sync_json_string (post, "created_at"));
  /* Post type 3 is a "small action" (closed, pinned, …): the forum's own system line. */
  record.kind = cohort_sync_json_int (post, "post_type") == 3 ? COHORT_MESSAGE_SYSTEM
                                                              : COHORT_MESSAGE_TEXT;
  record.length = (int)g_utf8_strlen (text, -1);
  record.reply_to = reply_to;
  record.text = text;
  if (record.ts == 0)
    return malformed (error, "post time");
  if (!cohort_import_tx_message (ctx->tx, &record, error))
    return FALSE;
  if (likes > 0 && !cohort_import_tx_reaction (ctx->tx, ctx->community, msg_id, "❤", likes, error))
    return FALSE;
  return TRUE;
}

static gboolean
parse_posts (CohortSyncContext        *ctx,
             const CohortSyncRequest  *request,
             JsonNode                 *root,
             CohortSyncPage           *page,
             GError                  **error)
{
  JsonArray *posts = root_member_array (root, "latest_posts");
  gint64 floor = g_ascii_strtoll (request->arg, NULL, 10);

  if (posts == NULL)
    return malformed (error, "posts");
  for (guint i = 0; i < json_array_get_length (posts); i++)
    {
      JsonNode *node = json_array_get_element (posts, i);
      JsonObject *post = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      gint64 id = post ? cohort_sync_json_int (post, "id") : 0;

      if (id <= 0)
        return malformed (error, "post id");
      page->rows++;
      page->min_id = page->rows == 1 ? id : MIN (page->min_id, id);
      page->max_id = MAX (page->max_id, id);
      if (id > floor && !import_post (ctx, post, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
parse_directory (CohortSyncContext  *ctx,
                 JsonNode           *root,
                 CohortSyncPage     *page,
                 GError            **error)
{
  JsonArray *items = root_member_array (root, "directory_items");
  JsonObject *meta = root_member_object (root, "meta");

  if (items == NULL)
    return malformed (error, "directory");
  page->total = cohort_sync_json_int (meta, "total_rows_directory_items");
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonNode *node = json_array_get_element (items, i);
      JsonObject *item = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      JsonNode *user_node = item ? json_object_get_member (item, "user") : NULL;
      JsonObject *user = user_node && JSON_NODE_HOLDS_OBJECT (user_node)
                           ? json_node_get_object (user_node) : NULL;
      const char *username = cohort_sync_json_string (user, "username");
      const char *name = cohort_sync_json_string (user, "name");

      if (username == NULL)
        return malformed (error, "directory item");
      page->rows++;
      if (!cohort_import_tx_member (ctx->tx, ctx->community, username,
                                    name && *name ? name : username, FALSE, error))
        return FALSE;
      for (guint f = 0; f < G_N_ELEMENTS (directory_fields); f++)
        {
          g_autofree char *metric = g_strconcat ("discourse.directory.", directory_fields[f], NULL);

          if (!cohort_sync_stat (ctx, ctx->community, metric, ctx->today, username,
                                 json_object_get_member (item, directory_fields[f]), error))
            return FALSE;
        }
    }
  return TRUE;
}

static gboolean
parse_report (CohortSyncContext        *ctx,
              const CohortSyncRequest  *request,
              JsonNode                 *root,
              CohortSyncPage           *page,
              GError                  **error)
{
  JsonObject *report = root_member_object (root, "report");
  JsonNode *data = report ? json_object_get_member (report, "data") : NULL;
  g_autofree char *metric = g_strconcat ("discourse.report.", request->arg, NULL);
  JsonArray *points;

  if (data == NULL || !JSON_NODE_HOLDS_ARRAY (data))
    return malformed (error, "report");
  points = json_node_get_array (data);
  for (guint i = 0; i < json_array_get_length (points); i++)
    {
      JsonNode *node = json_array_get_element (points, i);
      JsonObject *point = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *day = cohort_sync_json_string (point, "x");

      if (day == NULL || strlen (day) < 10)
        return malformed (error, "report point");
      page->rows++;
      {
        g_autofree char *date = g_strndup (day, 10);

        if (!cohort_sync_stat (ctx, ctx->community, metric, date, NULL,
                               json_object_get_member (point, "y"), error))
          return FALSE;
      }
    }
  return TRUE;
}

static gboolean
discourse_parse_page (CohortSyncContext        *ctx,
                      const CohortSyncRequest  *request,
                      JsonNode                 *root,
                      CohortSyncPage           *page,
                      GError                  **error)
{
  if (g_str_equal (request->step, "about"))
    return parse_about (ctx, root, page, error);
  g_assert (ctx->community != 0);
  if (g_str_equal (request->step, "posts"))
    return parse_posts (ctx, request, root, page, error);
  if (g_str_equal (request->step, "directory"))
    return parse_directory (ctx, root, page, error);
  if (g_str_equal (request->step, "report"))
    return parse_report (ctx, request, root, page, error);
  g_return_val_if_reached (FALSE);
}

static CohortSyncRequest *
discourse_probe (const CohortSourceInfo *source,
                 const char             *secret)
{
  g_autoptr(JsonObject) cursor = json_object_new ();
  DiscourseState *s = discourse_state_new (source, secret, cursor, 0);
  CohortSyncRequest *request = discourse_get (s, "about", "/about.json");

  discourse_state_free (s);
  return request;
}

static char *
discourse_describe_probe (JsonNode  *root,
                          GError   **error)
{
  JsonObject *about = root_member_object (root, "about");
  JsonNode *stats_node = about ? json_object_get_member (about, "stats") : NULL;
  JsonObject *stats = stats_node && JSON_NODE_HOLDS_OBJECT (stats_node)
                        ? json_node_get_object (stats_node) : NULL;
  const char *title = cohort_sync_json_string (about, "title");
  g_autofree char *users = NULL;
  g_autofree char *posts = NULL;

  if (about == NULL)
    return malformed (error, "about"), NULL;
  users = g_strdup_printf ("%" G_GINT64_FORMAT, cohort_sync_json_int (stats, "user_count"));
  posts = g_strdup_printf ("%" G_GINT64_FORMAT, cohort_sync_json_int (stats, "post_count"));
  return g_strdup_printf (_("Connected to “%s”: %s users, %s posts."),
                          title ? title : "?", users, posts);
}

const CohortSyncDriver cohort_discourse_driver = {
  .kind = "discourse",
  .state_new = discourse_state_new,
  .state_free = discourse_state_free,
  .next_request = discourse_next_request,
  .parse_page = discourse_parse_page,
  .cursor = discourse_cursor,
  .probe = discourse_probe,
  .describe_probe = discourse_describe_probe,
};
