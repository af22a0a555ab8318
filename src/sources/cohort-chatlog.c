/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-chatlog"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "cohort-sync-driver.h"

/*
 * chatlog (sjzar/chatlog, FORMATS.md §2e): a local HTTP server over the user's own decrypted
 * WeChat database, default http://127.0.0.1:5030, no key.  The source's user name is the
 * talker, a group id such as 12345678@chatroom.  A sync asks
 *   GET /api/v1/chatlog?time=FROM~TO&talker=T&format=json&limit=500&offset=N
 * page by page; FROM is the day of the newest message of the last sync (that day is asked for
 * again, and `seq` keys make it idempotent), TO is today.  The community is the same
 * ("wechat", talker) as a WeChat export of that group.
 */

#define PAGE_SIZE   500
#define FIRST_DAY   "2011-01-21"   /* WeChat's first release: nothing can be older */

typedef struct
{
  char   *base;
  char   *talker;
  char   *from;
  char   *today;
  guint   offset;
  gint64  newest;     /* epoch of the newest message seen, for the cursor */
} ChatlogState;

static char *
local_day (gint64 ts)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (ts);

  return g_date_time_format (dt, "%Y-%m-%d");
}

static gpointer
chatlog_state_new (const CohortSourceInfo *source,
                   const char             *secret,
                   JsonObject             *cursor,
                   gint64                  now)
{
  ChatlogState *s = g_new0 (ChatlogState, 1);

  s->base = cohort_sync_trim_base (source->base_url);
  s->talker = g_strdup (source->username);
  s->newest = cohort_sync_json_int (cursor, "newest");
  /* chatlog reads days in the computer's zone, as WeChat shows them. */
  s->from = s->newest > 0 ? local_day (s->newest) : g_strdup (FIRST_DAY);
  s->today = local_day (now);
  return s;
}

static void
chatlog_state_free (gpointer data)
{
  ChatlogState *s = data;

  g_free (s->base);
  g_free (s->talker);
  g_free (s->from);
  g_free (s->today);
  g_free (s);
}

static CohortSyncRequest *
page_request (ChatlogState *s)
{
  g_autofree char *talker = g_uri_escape_string (s->talker ? s->talker : "", NULL, TRUE);
  g_autofree char *url = g_strdup_printf ("%s/api/v1/chatlog?time=%s~%s&talker=%s&format=json"
                                          "&limit=%d&offset=%u",
                                          s->base, s->from, s->today, talker, PAGE_SIZE, s->offset);

  return cohort_sync_request_new ("chatlog", "GET", url);
}

static CohortSyncRequest *
chatlog_next_request (gpointer              data,
                      const CohortSyncPage *last)
{
  ChatlogState *s = data;

  if (last == NULL)
    return page_request (s);
  s->newest = MAX (s->newest, last->max_id);
  if (last->rows < PAGE_SIZE)
    return NULL;
  s->offset += last->rows;
  return page_request (s);
}

static char *
chatlog_cursor (gpointer data)
{
  ChatlogState *s = data;

  return g_strdup_printf ("{\"newest\":%" G_GINT64_FORMAT "}", s->newest);
}

/* ------------------------------------------------------------------------------------------ */
/* Parsing, on the worker                                                                      */

static gboolean
malformed (GError     **error,
           const char  *what)
{
  g_set_error (error, COHORT_SYNC_ERROR, COHORT_SYNC_ERROR_MALFORMED,
               "chatlog %s: unexpected JSON", what);
  return FALSE;
}

/* WeChat's message types (FORMATS.md §2e). */
static CohortMessageKind
message_kind (gint64 type,
              gint64 sub_type)
{
  switch (type)
    {
    case 1:
      return COHORT_MESSAGE_TEXT;
    case 3:
      return COHORT_MESSAGE_IMAGE;
    case 34:
      return COHORT_MESSAGE_VOICE;
    case 43:
      return COHORT_MESSAGE_VIDEO;
    case 47:
      return COHORT_MESSAGE_STICKER;
    case 49:
      return sub_type == 6 ? COHORT_MESSAGE_FILE : sub_type == 57 ? COHORT_MESSAGE_TEXT
                                                                  : COHORT_MESSAGE_LINK;
    case 10000:
    case 10002:
      return COHORT_MESSAGE_SYSTEM;
    default:
      return COHORT_MESSAGE_OTHER;
    }
}

static gboolean
import_message (CohortSyncContext  *ctx,
                JsonObject         *message,
                CohortSyncPage     *page,
                GError            **error)
{
  const char *talker = cohort_sync_json_string (message, "talker");
  const char *talker_name = cohort_sync_json_string (message, "talkerName");
  const char *sender = cohort_sync_json_string (message, "sender");
  const char *sender_name = cohort_sync_json_string (message, "senderName");
  const char *content = cohort_sync_json_string (message, "content");
  gint64 seq = cohort_sync_json_int (message, "seq");
  gint64 ts = cohort_sync_parse_time (cohort_sync_json_string (message, "time"));
  CohortMessageKind kind = message_kind (cohort_sync_json_int (message, "type"),
                                         cohort_sync_json_int (message, "subType"));
  g_autofree char *msg_id = NULL;
  gint64 *community;
  CohortMessageRecord record = { 0, };

  if (talker == NULL || seq <= 0 || ts <= 0)
    return malformed (error, "message");
  if ((community = g_hash_table_lookup (ctx->communities, talker)) == NULL)
    {
      const char *kind = g_str_has_suffix (talker, "@chatroom") ? "group" : "private";
      gint64 id = cohort_import_tx_community (ctx->tx, "wechat", talker,
                                              talker_name && *talker_name ? talker_name : talker,
                                              kind, "Asia/Shanghai", error);
      if (id == 0)
        return FALSE;
      community = g_memdup2 (&id, sizeof id);
      g_hash_table_insert (ctx->communities, g_strdup (talker), community);
    }
  /* System lines carry the sender "系统消息" and belong to no member. */
  if (kind != COHORT_MESSAGE_SYSTEM && sender != NULL && *sender != '\0' &&
      !cohort_import_tx_member (ctx->tx, *community, sender,
                                sender_name && *sender_name ? sender_name : sender, FALSE, error))
    return FALSE;

  msg_id = g_strdup_printf ("chatlog:%" G_GINT64_FORMAT, seq);
  record.community = *community;
  record.platform_msg_id = msg_id;
  record.member_uid = kind != COHORT_MESSAGE_SYSTEM && sender && *sender ? sender : NULL;
  record.ts = ts;
  record.kind = kind;
  record.text = content;
  record.length = content ? (int)g_utf8_strlen (content, -1) : 0;
  if (!cohort_import_tx_message (ctx->tx, &record, error))
    return FALSE;
  page->max_id = MAX (page->max_id, ts);
  return TRUE;
}

static gboolean
chatlog_parse_page (CohortSyncContext        *ctx,
                    const CohortSyncRequest  *request,
                    JsonNode                 *root,
                    CohortSyncPage           *page,
                    GError                  **error)
{
  JsonArray *messages;

  /* No messages in the range comes back as null. */
  if (JSON_NODE_HOLDS_NULL (root))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (root))
    return malformed (error, "page");
  messages = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (messages); i++)
    {
      JsonNode *node = json_array_get_element (messages, i);

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return malformed (error, "message");
      if (!import_message (ctx, json_node_get_object (node), page, error))
        return FALSE;
      page->rows++;
    }
  return TRUE;
}

/* Test Connection: the chat rooms chatlog knows, which also proves it is running. */
static CohortSyncRequest *
chatlog_probe (const CohortSourceInfo *source,
               const char             *secret)
{
  g_autofree char *base = cohort_sync_trim_base (source->base_url);
  g_autofree char *url = g_strdup_printf ("%s/api/v1/chatroom?format=json", base);

  return cohort_sync_request_new ("chatroom", "GET", url);
}

static char *
chatlog_describe_probe (JsonNode  *root,
                        GError   **error)
{
  JsonArray *rooms = NULL;
  g_autofree char *count = NULL;

  if (JSON_NODE_HOLDS_ARRAY (root))
    rooms = json_node_get_array (root);
  else if (JSON_NODE_HOLDS_OBJECT (root) &&
           json_object_has_member (json_node_get_object (root), "items") &&
           JSON_NODE_HOLDS_ARRAY (json_object_get_member (json_node_get_object (root), "items")))
    rooms = json_object_get_array_member (json_node_get_object (root), "items");
  if (rooms == NULL)
    return malformed (error, "chat rooms"), NULL;
  count = g_strdup_printf ("%u", json_array_get_length (rooms));
  return g_strdup_printf (_("Connected to chatlog: it knows %s group chats."), count);
}

const CohortSyncDriver cohort_chatlog_driver = {
  .kind = "chatlog",
  .secret_optional = TRUE,
  .state_new = chatlog_state_new,
  .state_free = chatlog_state_free,
  .next_request = chatlog_next_request,
  .parse_page = chatlog_parse_page,
  .cursor = chatlog_cursor,
  .probe = chatlog_probe,
  .describe_probe = chatlog_describe_probe,
};
