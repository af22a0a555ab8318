/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-wecom"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "cohort-sync-driver.h"

/*
 * WeCom customer groups (FORMATS.md §2g).  A sync walks:
 *   1. gettoken                      unless a cached token is still good; 40014/42001 on any
 *                                    later call drops it, fetches a new one and repeats the call
 *   2. groupchat/list (cursor)       every group id
 *   3. groupchat/get per group       the group becomes a community; its members, their joins
 *                                    (join_time, join_scene, state), invites (invitor) and the
 *                                    leaves found by diffing with who the store thinks is in
 *   4. groupchat/statistic_group_by_day in windows of at most 30 days within the last 180,
 *                                    for the owners of the groups: raw platform_stats that
 *                                    belong to the corp, not to one group (METRICS.md §11)
 * Every call answers HTTP 200 with errcode/errmsg.  WeCom days are China Standard Time.  The
 * cursor is {"stats_until": epoch of the last day fetched}.
 */

#define STATS_DAYS       180
#define STATS_WINDOW     30
#define OWNERS_PER_CALL  100
#define TOKEN_MARGIN_S   300
#define CST_OFFSET_S     (8 * 3600)

static const char * const stat_fields[] = {
  "new_chat_cnt", "chat_total", "chat_has_msg", "new_member_cnt", "member_total",
  "member_has_msg", "msg_total", "migrate_trainee_chat_cnt",
};

typedef struct
{
  char   *token;
  gint64  expires;   /* epoch seconds */
} CachedToken;

typedef struct
{
  char      *base;
  char      *corp_id;
  char      *secret;
  char      *cache_key;
  char      *token;
  gboolean   need_token;
  /* the last call, to repeat it after a token refresh */
  char      *issued_step;
  char      *issued_path;
  char      *issued_body;
  char      *issued_arg;
  GPtrArray *chat_ids;
  guint      detail;
  GPtrArray *owners;         /* distinct, in first-seen order */
  guint      owner_chunk;
  gint64     stats_from;     /* CST day starts, epoch seconds */
  gint64     stats_until;
  gint64     window_begin;
  gint64     fetched_until;  /* last day whose statistics arrived */
} WecomState;

/* Tokens live two hours and are limited per corp: one cache for the process (main thread). */
static GHashTable *
token_cache (void)
{
  static GHashTable *cache;

  if (cache == NULL)
    cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return cache;
}

static gint64
cst_day_start (gint64 ts)
{
  return ((ts + CST_OFFSET_S) / 86400) * 86400 - CST_OFFSET_S;
}

static char *
cst_day_string (gint64 ts)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_offset (CST_OFFSET_S);
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (ts);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (dt, tz);

  return g_date_time_format (local, "%Y-%m-%d");
}

static gpointer
wecom_state_new (const CohortSourceInfo *source,
                 const char             *secret,
                 JsonObject             *cursor,
                 gint64                  now)
{
  WecomState *s = g_new0 (WecomState, 1);
  g_autofree char *secret_hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, secret, -1);
  gint64 today = cst_day_start (now);
  gint64 until = cohort_sync_json_int (cursor, "stats_until");
  CachedToken *cached;

  s->base = cohort_sync_trim_base (source->base_url);
  s->corp_id = g_strdup (source->username);
  s->secret = g_strdup (secret);
  /* The hash keeps the secret itself out of the cache's keys. */
  s->cache_key = g_strdup_printf ("%s|%s|%s", s->base, s->corp_id, secret_hash);
  s->chat_ids = g_ptr_array_new_with_free_func (g_free);
  s->owners = g_ptr_array_new_with_free_func (g_free);
  s->stats_until = today - 86400;
  /* The day last fetched is fetched again: yesterday's numbers may have been partial. */
  s->stats_from = MAX (until, today - STATS_DAYS * 86400);
  s->fetched_until = until;

  cached = g_hash_table_lookup (token_cache (), s->cache_key);
  if (cached != NULL && cached->expires > now + TOKEN_MARGIN_S)
    s->token = g_strdup (cached->token);
  s->need_token = s->token == NULL;
  return s;
}

static void
wecom_state_free (gpointer data)
{
  WecomState *s = data;

  g_free (s->base);
  g_free (s->corp_id);
  g_free (s->secret);
  g_free (s->cache_key);
  g_free (s->token);
  g_free (s->issued_step);
  g_free (s->issued_path);
  g_free (s->issued_body);
  g_free (s->issued_arg);
  g_ptr_array_unref (s->chat_ids);
  g_ptr_array_unref (s->owners);
  g_free (s);
}

static void
remember_token (WecomState *s,
                const char *token,
                gint64      expires_in)
{
  CachedToken *cached = g_new0 (CachedToken, 1);
  CachedToken *old = g_hash_table_lookup (token_cache (), s->cache_key);

  if (old != NULL)
    {
      g_free (old->token);
      g_free (old);
    }
  cached->token = g_strdup (token);
  cached->expires = g_get_real_time () / G_USEC_PER_SEC + MAX (expires_in, 0);
  g_hash_table_replace (token_cache (), g_strdup (s->cache_key), cached);
  g_free (s->token);
  s->token = g_strdup (token);
}

static void
wecom_token_expired (gpointer data)
{
  WecomState *s = data;
  CachedToken *old = g_hash_table_lookup (token_cache (), s->cache_key);

  if (old != NULL)
    {
      g_free (old->token);
      g_free (old);
      g_hash_table_remove (token_cache (), s->cache_key);
    }
  g_clear_pointer (&s->token, g_free);
  s->need_token = TRUE;
}

static CohortSyncRequest *
token_request (WecomState *s)
{
  g_autofree char *corp = g_uri_escape_string (s->corp_id, NULL, TRUE);
  g_autofree char *secret = g_uri_escape_string (s->secret, NULL, TRUE);
  g_autofree char *url = g_strdup_printf ("%s/cgi-bin/gettoken?corpid=%s&corpsecret=%s",
                                          s->base, corp, secret);

  return cohort_sync_request_new ("token", "GET", url);
}

/* Every call but gettoken: POST with the token in the query string, remembered for a retry. */
static CohortSyncRequest *
call (WecomState *s,
      const char *step,
      const char *path,
      char       *body,
      const char *arg)
{
  g_autofree char *token = g_uri_escape_string (s->token, NULL, TRUE);
  g_autofree char *url = g_strdup_printf ("%s/cgi-bin/%s?access_token=%s", s->base, path, token);
  CohortSyncRequest *request = cohort_sync_request_new (step, "POST", url);

  request->body = body;
  request->arg = g_strdup (arg);
  g_free (s->issued_step);
  g_free (s->issued_path);
  g_free (s->issued_body);
  g_free (s->issued_arg);
  s->issued_step = g_strdup (step);
  s->issued_path = g_strdup (path);
  s->issued_body = g_strdup (body);
  s->issued_arg = g_strdup (arg);
  return request;
}

static char *
json_body (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);

  return json_to_string (root, FALSE);
}

static CohortSyncRequest *
list_request (WecomState *s,
              const char *cursor)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "status_filter");
  json_builder_add_int_value (b, 0);
  json_builder_set_member_name (b, "limit");
  json_builder_add_int_value (b, 1000);
  if (cursor != NULL)
    {
      json_builder_set_member_name (b, "cursor");
      json_builder_add_string_value (b, cursor);
    }
  json_builder_end_object (b);
  return call (s, "list", "externalcontact/groupchat/list", json_body (b), NULL);
}

static CohortSyncRequest *
detail_request (WecomState *s)
{
  const char *chat_id = g_ptr_array_index (s->chat_ids, s->detail);
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "chat_id");
  json_builder_add_string_value (b, chat_id);
  json_builder_set_member_name (b, "need_name");
  json_builder_add_int_value (b, 1);
  json_builder_end_object (b);
  return call (s, "detail", "externalcontact/groupchat/get", json_body (b), chat_id);
}

static CohortSyncRequest *
stats_request (WecomState *s)
{
  gint64 end = MIN (s->window_begin + (STATS_WINDOW - 1) * 86400, s->stats_until);
  guint first = s->owner_chunk * OWNERS_PER_CALL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *scope = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "day_begin_time");
  json_builder_add_int_value (b, s->window_begin);
  json_builder_set_member_name (b, "day_end_time");
  json_builder_add_int_value (b, end);
  json_builder_set_member_name (b, "owner_filter");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "userid_list");
  json_builder_begin_array (b);
  for (guint i = first; i < s->owners->len && i < first + OWNERS_PER_CALL; i++)
    json_builder_add_string_value (b, g_ptr_array_index (s->owners, i));
  json_builder_end_array (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
  /* Up to 100 owners a call: with more, each hundred keeps its own numbers. */
  scope = s->owners->len > OWNERS_PER_CALL ? g_strdup_printf ("owners-%u", s->owner_chunk)
                                           : g_strdup ("");
  return call (s, "stats", "externalcontact/groupchat/statistic_group_by_day", json_body (b), scope);
}

static CohortSyncRequest *
first_stats_request (WecomState *s)
{
  if (s->owners->len == 0 || s->stats_from > s->stats_until)
    return NULL;
  s->window_begin = s->stats_from;
  s->owner_chunk = 0;
  return stats_request (s);
}

static void
add_owner (WecomState *s,
           const char *owner)
{
  for (guint i = 0; i < s->owners->len; i++)
    if (g_str_equal (g_ptr_array_index (s->owners, i), owner))
      return;
  g_ptr_array_add (s->owners, g_strdup (owner));
}

static CohortSyncRequest *
repeat_issued (WecomState *s)
{
  g_autofree char *step = g_steal_pointer (&s->issued_step);
  g_autofree char *path = g_steal_pointer (&s->issued_path);
  g_autofree char *arg = g_steal_pointer (&s->issued_arg);

  return call (s, step, path, g_steal_pointer (&s->issued_body), arg);
}

static CohortSyncRequest *
wecom_next_request (gpointer              data,
                    const CohortSyncPage *last)
{
  WecomState *s = data;

  if (s->need_token && (last == NULL || !g_str_equal (last->step, "token")))
    return token_request (s);

  if (last != NULL && g_str_equal (last->step, "token"))
    {
      s->need_token = FALSE;
      remember_token (s, last->next, last->total);
      return s->issued_step != NULL ? repeat_issued (s) : list_request (s, NULL);
    }
  if (last == NULL)
    return list_request (s, NULL);

  if (g_str_equal (last->step, "list"))
    {
      g_auto(GStrv) ids = g_strsplit (last->note ? last->note : "", "\n", -1);

      for (guint i = 0; ids[i] != NULL; i++)
        if (*ids[i] != '\0')
          g_ptr_array_add (s->chat_ids, g_strdup (ids[i]));
      if (last->next != NULL && *last->next != '\0')
        return list_request (s, last->next);
      s->detail = 0;
      return s->chat_ids->len > 0 ? detail_request (s) : first_stats_request (s);
    }

  if (g_str_equal (last->step, "detail"))
    {
      if (last->note != NULL)
        add_owner (s, last->note);
      if (++s->detail < s->chat_ids->len)
        return detail_request (s);
      return first_stats_request (s);
    }

  if (g_str_equal (last->step, "stats"))
    {
      gint64 end = MIN (s->window_begin + (STATS_WINDOW - 1) * 86400, s->stats_until);

      if ((++s->owner_chunk) * OWNERS_PER_CALL < s->owners->len)
        return stats_request (s);
      s->owner_chunk = 0;
      s->fetched_until = end;
      s->window_begin = end + 86400;
      return s->window_begin <= s->stats_until ? stats_request (s) : NULL;
    }

  g_return_val_if_reached (NULL);
}

static char *
wecom_cursor (gpointer data)
{
  WecomState *s = data;

  return g_strdup_printf ("{\"stats_until\":%" G_GINT64_FORMAT "}", s->fetched_until);
}

/* ------------------------------------------------------------------------------------------ */
/* Parsing, on the worker                                                                      */

static gboolean
malformed (GError     **error,
           const char  *what)
{
  g_set_error (error, COHORT_SYNC_ERROR, COHORT_SYNC_ERROR_MALFORMED,
               "WeCom %s: unexpected JSON", what);
  return FALSE;
}

/* errcode → the category an operator can act on; errmsg is WeCom's own words. */
static gboolean
check_errcode (JsonObject  *root,
               GError     **error)
{
  gint64 code = cohort_sync_json_int (root, "errcode");
  const char *message = cohort_sync_json_string (root, "errmsg");
  CohortSyncError kind;

  if (code == 0)
    return TRUE;
  switch (code)
    {
    case 40014: /* invalid access_token */
    case 42001: /* access_token expired */
      kind = COHORT_SYNC_ERROR_TOKEN_EXPIRED;
      break;
    case 40001: /* invalid secret */
    case 40013: /* invalid corpid */
    case 40091: /* secret not valid for this app */
    case 48002: /* API forbidden for this app */
    case 60020: /* IP not on the allow list */
      kind = COHORT_SYNC_ERROR_AUTH;
      break;
    case 45009: /* API frequency limit */
    case 45033:
      kind = COHORT_SYNC_ERROR_RATE_LIMIT;
      break;
    default:
      kind = COHORT_SYNC_ERROR_SERVER;
    }
  g_set_error (error, COHORT_SYNC_ERROR, kind, "WeCom errcode %" G_GINT64_FORMAT ": %s", code,
               message ? message : "");
  return FALSE;
}

static JsonObject *
member_object (JsonObject *object,
               const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  return node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonArray *
member_array (JsonObject *object,
              const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  return node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static gboolean
parse_token (JsonObject      *root,
             CohortSyncPage  *page,
             GError         **error)
{
  const char *token = cohort_sync_json_string (root, "access_token");

  if (token == NULL || *token == '\0')
    return malformed (error, "token");
  page->next = g_strdup (token);
  page->total = cohort_sync_json_int (root, "expires_in");
  return TRUE;
}

static gboolean
parse_list (JsonObject      *root,
            CohortSyncPage  *page,
            GError         **error)
{
  JsonArray *groups = member_array (root, "group_chat_list");
  g_autoptr(GString) ids = g_string_new (NULL);
  const char *next = cohort_sync_json_string (root, "next_cursor");

  if (groups == NULL)
    return malformed (error, "group list");
  for (guint i = 0; i < json_array_get_length (groups); i++)
    {
      JsonNode *node = json_array_get_element (groups, i);
      const char *chat_id = JSON_NODE_HOLDS_OBJECT (node)
        ? cohort_sync_json_string (json_node_get_object (node), "chat_id") : NULL;

      if (chat_id == NULL)
        return malformed (error, "group id");
      g_string_append_printf (ids, "%s\n", chat_id);
      page->rows++;
    }
  page->note = g_string_free (g_steal_pointer (&ids), FALSE);
  page->next = next && *next ? g_strdup (next) : NULL;
  return TRUE;
}

static const char *
join_scene_label (gint64 scene)
{
  switch (scene)
    {
    case 1:
      return "invited";
    case 2:
      return "invite-link";
    case 3:
      return "qr-code";
    default:
      return "unknown";
    }
}

static gboolean
import_member (CohortSyncContext  *ctx,
               gint64              community,
               JsonObject         *member,
               GHashTable         *present,
               GError            **error)
{
  const char *uid = cohort_sync_json_string (member, "userid");
  const char *nickname = cohort_sync_json_string (member, "group_nickname");
  const char *name = cohort_sync_json_string (member, "name");
  const char *state = cohort_sync_json_string (member, "state");
  const char *invitor = cohort_sync_json_string (member_object (member, "invitor"), "userid");
  gint64 joined = cohort_sync_json_int (member, "join_time");
  const char *scene = join_scene_label (cohort_sync_json_int (member, "join_scene"));
  /* The channel: the 入群方式 state tag when there is one, else how they came in. */
  const char *channel = state && *state ? state : scene;
  g_autofree char *ref = state && *state ? g_strdup_printf ("%s state=%s", scene, state)
                                         : g_strdup (scene);

  if (uid == NULL || joined <= 0)
    return malformed (error, "group member");
  g_hash_table_add (present, g_strdup (uid));
  /* Type 1 is the corp's own staff; 2 an external contact (the customers). */
  if (!cohort_import_tx_member (ctx->tx, community, uid,
                                nickname && *nickname ? nickname : name && *name ? name : uid,
                                FALSE, error) ||
      !cohort_db_set_member_facts (ctx->db, community, uid,
                                   cohort_sync_json_int (member, "type") == 1, channel, error) ||
      !cohort_import_tx_event (ctx->tx, community, uid, joined, "join", ref, error))
    return FALSE;
  if (invitor != NULL && *invitor != '\0' &&
      !cohort_import_tx_invite (ctx->tx, community, invitor, uid, joined, channel, error))
    return FALSE;
  return TRUE;
}

/* WeCom sends no leave events to a desktop app: whoever the store has as present and the
 * group no longer lists left between the last sync and this one. */
static gboolean
record_leaves (CohortSyncContext  *ctx,
               gint64              community,
               GHashTable         *present,
               GPtrArray          *before,
               GError            **error)
{
  for (guint i = 0; i < before->len; i++)
    {
      const char *uid = g_ptr_array_index (before, i);

      if (!g_hash_table_contains (present, uid) &&
          !cohort_import_tx_event (ctx->tx, community, uid, ctx->now, "leave",
                                   "not in the group list any more", error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
parse_detail (CohortSyncContext  *ctx,
              JsonObject         *root,
              CohortSyncPage     *page,
              GError            **error)
{
  JsonObject *group = member_object (root, "group_chat");
  JsonArray *members = member_array (group, "member_list");
  const char *chat_id = cohort_sync_json_string (group, "chat_id");
  const char *name = cohort_sync_json_string (group, "name");
  const char *owner = cohort_sync_json_string (group, "owner");
  g_autoptr(GHashTable) present = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(JsonNode) count = NULL;
  gint64 community;

  if (group == NULL || members == NULL || chat_id == NULL)
    return malformed (error, "group");
  community = cohort_import_tx_community (ctx->tx, "wecom", chat_id, name && *name ? name : chat_id,
                                          "group", "Asia/Shanghai", error);
  if (community == 0)
    return FALSE;
  /* Who was in before this sync's joins are written. */
  if ((before = cohort_db_list_present_members (ctx->db, community, error)) == NULL)
    return FALSE;

  for (guint i = 0; i < json_array_get_length (members); i++)
    {
      JsonNode *node = json_array_get_element (members, i);

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return malformed (error, "group member");
      if (!import_member (ctx, community, json_node_get_object (node), present, error))
        return FALSE;
      page->rows++;
    }
  if (!record_leaves (ctx, community, present, before, error))
    return FALSE;

  /* The group's own member count today, beside the members Cohort has in it. */
  count = json_node_new (JSON_NODE_VALUE);
  json_node_set_int (count, json_array_get_length (members));
  {
    g_autofree char *day = cst_day_string (ctx->now);

    if (!cohort_sync_stat (ctx, community, "wecom.group.member_count", day, NULL, count, error))
      return FALSE;
  }
  page->note = g_strdup (owner);
  return TRUE;
}

static gboolean
parse_stats (CohortSyncContext        *ctx,
             const CohortSyncRequest  *request,
             JsonObject               *root,
             CohortSyncPage           *page,
             GError                  **error)
{
  JsonArray *items = member_array (root, "items");

  if (items == NULL)
    return malformed (error, "statistics");
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonNode *node = json_array_get_element (items, i);
      JsonObject *item = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      JsonObject *values = member_object (item, "data");
      gint64 day_ts = cohort_sync_json_int (item, "stat_time");
      g_autofree char *day = NULL;

      if (values == NULL || day_ts <= 0)
        return malformed (error, "statistics item");
      day = cst_day_string (day_ts);
      for (guint f = 0; f < G_N_ELEMENTS (stat_fields); f++)
        {
          g_autofree char *metric = g_strconcat ("wecom.", stat_fields[f], NULL);

          if (!cohort_sync_stat (ctx, 0, metric, day, request->arg,
                                 json_object_get_member (values, stat_fields[f]), error))
            return FALSE;
        }
      page->rows++;
    }
  return TRUE;
}

static gboolean
wecom_parse_page (CohortSyncContext        *ctx,
                  const CohortSyncRequest  *request,
                  JsonNode                 *root,
                  CohortSyncPage           *page,
                  GError                  **error)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;

  if (object == NULL || !json_object_has_member (object, "errcode"))
    return malformed (error, request->step);
  if (!check_errcode (object, error))
    return FALSE;
  if (g_str_equal (request->step, "token"))
    return parse_token (object, page, error);
  if (g_str_equal (request->step, "list"))
    return parse_list (object, page, error);
  if (g_str_equal (request->step, "detail"))
    return parse_detail (ctx, object, page, error);
  if (g_str_equal (request->step, "stats"))
    return parse_stats (ctx, request, object, page, error);
  g_return_val_if_reached (FALSE);
}

static CohortSyncRequest *
wecom_probe (const CohortSourceInfo *source,
             const char             *secret)
{
  WecomState *s = g_new0 (WecomState, 1);
  CohortSyncRequest *request;

  s->base = cohort_sync_trim_base (source->base_url);
  s->corp_id = g_strdup (source->username);
  s->secret = g_strdup (secret);
  request = token_request (s);
  g_free (s->base);
  g_free (s->corp_id);
  g_free (s->secret);
  g_free (s);
  return request;
}

static char *
wecom_describe_probe (JsonNode  *root,
                      GError   **error)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  CohortSyncPage page = { 0, };

  if (object == NULL || !json_object_has_member (object, "errcode"))
    return malformed (error, "token"), NULL;
  /* An expired token cannot happen on gettoken: any error here is the corp id or secret. */
  if (!check_errcode (object, error) || !parse_token (object, &page, error))
    return NULL;
  g_free (page.next);
  return g_strdup (_("Connected: WeCom accepted the corp ID and app secret."));
}

const CohortSyncDriver cohort_wecom_driver = {
  .kind = "wecom",
  .state_new = wecom_state_new,
  .state_free = wecom_state_free,
  .next_request = wecom_next_request,
  .token_expired = wecom_token_expired,
  .parse_page = wecom_parse_page,
  .cursor = wecom_cursor,
  .probe = wecom_probe,
  .describe_probe = wecom_describe_probe,
};
