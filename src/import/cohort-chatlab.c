/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-chatlab"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "cohort-format.h"
#include "cohort-number.h"
#include "cohort-mech.h"

/*
 * ChatLab standard interchange format v0.0.x (FORMATS.md §2e/§2i; ChatLab
 * docs/cn/standard/chatlab-format.md):
 *
 *   JSON   { chatlab{version, exportedAt, generator?, description?},
 *            meta{name, platform, type "group"|"private", groupId?, groupAvatar?, ownerId?},
 *            members[{platformId, accountName, groupNickname?, aliases?, avatar?, roles?}],
 *            messages[{sender, accountName, groupNickname?, timestamp (epoch s), type (int),
 *                      content (string|null), platformMessageId?, replyToMessageId?}] }
 *   JSONL  one object a line, `_type` = "header" (first line: chatlab + meta) / "member" /
 *          "message"; blank lines and lines starting with '#' are skipped.
 *
 * A .json file is parsed with json-glib's `array-element` signal: each member and message is
 * handled as soon as it is complete and removed from its array, so the tree never holds more
 * than one element (PLATFORM.md A5).  Elements that come before `meta` are kept and handled
 * once the whole file is read.  A .jsonl file is read line by line.
 *
 * The format has no structured membership events (joins and leaves are type-80 system
 * messages with free text), so none are recorded.
 */

typedef struct
{
  CohortImportTx      *tx;
  CohortImportContext *ctx;
  gint64               community;
  CohortMech          *mech;
  CohortContentKeys   *content_keys;
  GHashTable          *members;       /* uids already written in this import */
  gint64               messages;
  GError              *error;         /* first error inside a signal handler */
  gboolean             saw_header;
} ChatLab;

/* ------------------------------------------------------------------------------------------ */
/* JSON helpers                                                                                */

static const char *
get_string (JsonObject *o,
            const char *key)
{
  JsonNode *node;

  if (o == NULL || !(node = json_object_get_member (o, key)) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static const char *
get_nonempty (JsonObject *o,
              const char *key)
{
  const char *value = get_string (o, key);

  return value != NULL && *value != '\0' ? value : NULL;
}

/* Ids are strings by the spec; numbers written by sloppy converters are accepted too. */
static char *
get_id (JsonObject *o,
        const char *key)
{
  JsonNode *node;

  if (o == NULL || !(node = json_object_get_member (o, key)) || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return *json_node_get_string (node) != '\0' ? g_strdup (json_node_get_string (node)) : NULL;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  return NULL;
}

static gboolean
get_int (JsonObject *o,
         const char *key,
         gint64     *value)
{
  JsonNode *node;
  GType type;

  if (o == NULL || !(node = json_object_get_member (o, key)) || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    *value = json_node_get_int (node);
  else if (type == G_TYPE_DOUBLE)
    return cohort_double_to_int64 (json_node_get_double (node), value);
  else if (type == G_TYPE_STRING)
    {
      const char *text = json_node_get_string (node);
      char *end = NULL;

      *value = g_ascii_strtoll (text, &end, 10);
      if (end == text || *end != '\0')
        return FALSE;
    }
  else
    return FALSE;
  return TRUE;
}

static JsonObject *
get_object (JsonObject *o,
            const char *key)
{
  JsonNode *node;

  if (o == NULL || !(node = json_object_get_member (o, key)) || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return json_node_get_object (node);
}

/* ------------------------------------------------------------------------------------------ */
/* Records                                                                                     */

static gboolean
handle_meta (ChatLab     *cl,
             JsonObject  *meta,
             GError     **error)
{
  const char *name = get_nonempty (meta, "name");
  g_autofree char *group_id = get_id (meta, "groupId");
  g_autofree char *platform_id = NULL;

  if (cl->community != 0)
    return TRUE;
  if (name == NULL)
    name = cl->ctx->display_name;
  platform_id = group_id != NULL ? g_steal_pointer (&group_id) : g_strdup_printf ("name:%s", name);
  cl->community = cohort_import_tx_community (cl->tx, "chatlab", platform_id, name,
                                              get_nonempty (meta, "type"),
                                              cohort_import_context_zone (cl->ctx, "Asia/Shanghai"),
                                              error);
  if (cl->community == 0)
    return FALSE;
  cohort_import_context_add_community (cl->ctx, cl->community);
  return TRUE;
}

static gboolean
ensure_member (ChatLab     *cl,
               const char  *uid,
               JsonObject  *o,
               GError     **error)
{
  const char *name;

  if (g_hash_table_contains (cl->members, uid))
    return TRUE;
  name = get_nonempty (o, "groupNickname") ?: get_nonempty (o, "accountName") ?: uid;
  if (!cohort_import_tx_member (cl->tx, cl->community, uid, name, FALSE, error))
    return FALSE;
  g_hash_table_add (cl->members, g_strdup (uid));
  return TRUE;
}

static gboolean
handle_member (ChatLab     *cl,
               JsonObject  *o,
               GError     **error)
{
  g_autofree char *uid = get_id (o, "platformId");

  if (uid == NULL)
    {
      cohort_import_context_warn (cl->ctx, _("A member in %s has no platformId; skipped."),
                                  cl->ctx->display_name);
      return TRUE;
    }
  return ensure_member (cl, uid, o, error);
}

static CohortMessageKind
message_kind (gint64    type,
              gboolean  has_link,
              gboolean *forwarded)
{
  *forwarded = FALSE;
  switch (type)
    {
    case 0:   /* TEXT */
    case 25:  /* REPLY: a quote with text */
      return has_link ? COHORT_MESSAGE_LINK : COHORT_MESSAGE_TEXT;
    case 1:
      return COHORT_MESSAGE_IMAGE;
    case 2:
      return COHORT_MESSAGE_VOICE;
    case 3:
      return COHORT_MESSAGE_VIDEO;
    case 4:
      return COHORT_MESSAGE_FILE;
    case 5:
      return COHORT_MESSAGE_STICKER;
    case 7:
      return COHORT_MESSAGE_LINK;
    case 26:  /* FORWARD: a bundle of forwarded messages */
      *forwarded = TRUE;
      return COHORT_MESSAGE_OTHER;
    case 80:  /* SYSTEM */
    case 81:  /* RECALL */
      return COHORT_MESSAGE_SYSTEM;
    default:  /* location, red packet, transfer, poke, call, share, contact, other */
      return COHORT_MESSAGE_OTHER;
    }
}

static gboolean
handle_message (ChatLab     *cl,
                JsonObject  *o,
                GError     **error)
{
  g_autofree char *sender = get_id (o, "sender");
  g_autofree char *key = get_id (o, "platformMessageId");
  g_autofree char *reply = get_id (o, "replyToMessageId");
  const char *content = get_string (o, "content");
  const char *uid;
  CohortMessageRecord record = { 0, };
  gboolean forwarded, has_link;
  gint64 ts, type = 0;

  if (!get_int (o, "timestamp", &ts))
    {
      cohort_import_context_warn (cl->ctx, _("A message in %s has no readable timestamp; skipped."),
                                  cl->ctx->display_name);
      return TRUE;
    }
  get_int (o, "type", &type);
  if (content == NULL)
    content = "";
  has_link = strstr (content, "http://") != NULL || strstr (content, "https://") != NULL;

  record.kind = message_kind (type, has_link, &forwarded);
  /* A system notice is nobody's message; a recall is its author's. */
  uid = record.kind == COHORT_MESSAGE_SYSTEM && type != 81 ? NULL : sender;
  if (uid != NULL && !ensure_member (cl, uid, o, error))
    return FALSE;
  if (key == NULL)
    key = cohort_import_content_key (cl->content_keys, sender, ts, content);

  record.community = cl->community;
  record.platform_msg_id = key;
  record.member_uid = uid;
  record.ts = ts;
  record.text = content;
  record.length = g_utf8_strlen (content, -1);
  record.forwarded = forwarded;
  if (record.kind != COHORT_MESSAGE_SYSTEM)
    {
      gboolean attachment = record.kind != COHORT_MESSAGE_TEXT && record.kind != COHORT_MESSAGE_STICKER;
      CohortMechReason reason = cohort_mech_classify (cl->mech, uid, ts, content, record.kind,
                                                      attachment || has_link);

      record.reply_to = reply;
      record.is_mech = reason != COHORT_MECH_NONE;
      record.mech_reason = cohort_mech_reason_to_string (reason);
    }
  if (!cohort_import_tx_message (cl->tx, &record, error))
    return FALSE;
  cl->messages++;
  if (cl->messages % 5000 == 0)
    cohort_import_context_progress (cl->ctx, -1, cl->messages);
  return TRUE;
}

static gboolean
not_chatlab (ChatLab  *cl,
             GError  **error)
{
  g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_UNSUPPORTED,
               _("%s is not a ChatLab standard file: it has no “chatlab” header with “meta”."),
               cl->ctx->display_name);
  return FALSE;
}

/* ------------------------------------------------------------------------------------------ */
/* .json                                                                                       */

static void
on_object_member (JsonParser *parser,
                  JsonObject *object,
                  const char *name,
                  gpointer    user_data)
{
  ChatLab *cl = user_data;
  JsonObject *meta;

  if (cl->error != NULL || cl->community != 0 ||
      (strcmp (name, "meta") != 0 && strcmp (name, "chatlab") != 0) ||
      !get_object (object, "chatlab") || !(meta = get_object (object, "meta")))
    return;
  cl->saw_header = TRUE;
  handle_meta (cl, meta, &cl->error);
}

static void
on_array_element (JsonParser *parser,
                  JsonArray  *array,
                  int         index,
                  gpointer    user_data)
{
  ChatLab *cl = user_data;
  guint last = json_array_get_length (array) - 1;
  JsonNode *node = json_array_get_element (array, last);
  JsonObject *o;
  gboolean ok;

  /* Elements before `meta` wait for the end of the file. */
  if (cl->error != NULL || cl->community == 0 || !JSON_NODE_HOLDS_OBJECT (node))
    return;
  o = json_node_get_object (node);
  if (json_object_has_member (o, "timestamp") && json_object_has_member (o, "sender"))
    ok = handle_message (cl, o, &cl->error);
  else if (json_object_has_member (o, "platformId") && json_object_has_member (o, "accountName"))
    ok = handle_member (cl, o, &cl->error);
  else
    return;
  if (ok && g_cancellable_set_error_if_cancelled (cl->ctx->cancellable, &cl->error))
    return;
  json_array_remove_element (array, last);
}

static gboolean
handle_rest (ChatLab     *cl,
             JsonObject  *root,
             const char  *key,
             gboolean   (*handle) (ChatLab *, JsonObject *, GError **),
             GError     **error)
{
  JsonNode *node = json_object_get_member (root, key);
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return TRUE;
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_OBJECT (element) && !handle (cl, json_node_get_object (element), error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
import_json (ChatLab  *cl,
             GError  **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;
  JsonObject *meta;

  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
  gsize len = 0;
  const char *text;

  /* JsonParser would buffer the whole file anyway; reading it first lets the nesting be
   * checked before json-glib recurses into it. */
  if (g_output_stream_splice (memory, cl->ctx->stream, G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                              cl->ctx->cancellable, error) < 0)
    return FALSE;
  bytes = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));
  /* An empty file gives NULL data (found by fuzz-chatlab); json-glib wants a string. */
  if ((text = g_bytes_get_data (bytes, &len)) == NULL)
    text = "";
  if (!cohort_json_check_depth (text, len, cl->ctx->display_name, error))
    return FALSE;

  g_signal_connect (parser, "object-member", G_CALLBACK (on_object_member), cl);
  g_signal_connect (parser, "array-element", G_CALLBACK (on_array_element), cl);
  if (!json_parser_load_from_data (parser, text, len, &local_error))
    {
      if (cl->error != NULL)
        g_propagate_error (error, g_steal_pointer (&cl->error));
      else if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_MALFORMED,
                     _("%s is not valid JSON: %s"), cl->ctx->display_name, local_error->message);
      return FALSE;
    }
  if (cl->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&cl->error));
      return FALSE;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      !json_object_has_member (json_node_get_object (root), "chatlab") ||
      !(meta = get_object (json_node_get_object (root), "meta")))
    return not_chatlab (cl, error);
  if (!handle_meta (cl, meta, error))
    return FALSE;
  return handle_rest (cl, json_node_get_object (root), "members", handle_member, error) &&
         handle_rest (cl, json_node_get_object (root), "messages", handle_message, error);
}

/* ------------------------------------------------------------------------------------------ */
/* .jsonl                                                                                      */

static gboolean
import_jsonl (ChatLab  *cl,
              GError  **error)
{
  g_autoptr(GDataInputStream) data = g_data_input_stream_new (cl->ctx->stream);
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  goffset done = 0;
  guint line_no = 0;

  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (data), FALSE);
  g_data_input_stream_set_newline_type (data, G_DATA_STREAM_NEWLINE_TYPE_ANY);

  for (;;)
    {
      g_autoptr(GError) local_error = NULL;
      g_autofree char *line = NULL;
      gsize len = 0;
      char *text;
      JsonNode *root;
      JsonObject *o;
      const char *type;

      if (g_cancellable_set_error_if_cancelled (cl->ctx->cancellable, error))
        return FALSE;
      line = cohort_import_read_line (data, cl->ctx->display_name, &len,
                                      cl->ctx->cancellable, &local_error);
      if (line == NULL)
        {
          if (local_error != NULL)
            {
              if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
                  local_error->domain == COHORT_IMPORT_ERROR)
                g_propagate_error (error, g_steal_pointer (&local_error));
              else
                g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_READ,
                             _("Cannot read %s: %s"), cl->ctx->display_name, local_error->message);
              return FALSE;
            }
          break;
        }
      line_no++;
      done += len + 1;

      text = line;
      if (len >= 3 && (guchar)text[0] == 0xEF && (guchar)text[1] == 0xBB && (guchar)text[2] == 0xBF)
        text += 3;
      g_strstrip (text);
      if (*text == '\0' || *text == '#')
        continue;

      if (!cohort_json_check_depth (text, strlen (text), cl->ctx->display_name, error))
        return FALSE;
      if (!json_parser_load_from_data (parser, text, -1, &local_error))
        {
          g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_MALFORMED,
                       _("%s, line %u: not valid JSON: %s"), cl->ctx->display_name, line_no,
                       local_error->message);
          return FALSE;
        }
      root = json_parser_get_root (parser);
      if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
        {
          g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_MALFORMED,
                       _("%s, line %u: expected a JSON object."), cl->ctx->display_name, line_no);
          return FALSE;
        }
      o = json_node_get_object (root);
      type = get_string (o, "_type");

      if (!cl->saw_header)
        {
          JsonObject *meta = get_object (o, "meta");

          if (g_strcmp0 (type, "header") != 0 || meta == NULL)
            return not_chatlab (cl, error);
          cl->saw_header = TRUE;
          if (!handle_meta (cl, meta, error))
            return FALSE;
        }
      else if (g_strcmp0 (type, "member") == 0)
        {
          if (!handle_member (cl, o, error))
            return FALSE;
        }
      else if (g_strcmp0 (type, "message") == 0)
        {
          if (!handle_message (cl, o, error))
            return FALSE;
          if (cl->messages % 5000 == 0)
            cohort_import_context_progress (cl->ctx, done, cl->messages);
        }
    }

  if (!cl->saw_header)
    return not_chatlab (cl, error);
  return TRUE;
}

/* The first meaningful line of a .jsonl file is a `_type` header; a .json file starts with
 * "{" on its own line or holds the whole object without `_type`. */
static gboolean
looks_like_jsonl (CohortImportContext *ctx)
{
  const char *head;
  const char *end, *p, *eol;
  gsize len = 0;

  if (g_str_has_suffix (ctx->display_name, ".jsonl"))
    return TRUE;
  if (!G_IS_BUFFERED_INPUT_STREAM (ctx->stream))
    return FALSE;
  head = g_buffered_input_stream_peek_buffer (G_BUFFERED_INPUT_STREAM (ctx->stream), &len);
  end = head + len;
  for (p = head; p < end; p = eol + 1)
    {
      g_autofree char *line = NULL;

      eol = memchr (p, '\n', end - p);
      if (eol == NULL)
        eol = end;
      line = g_strndup (p, eol - p);
      g_strstrip (line);
      if (*line == '\0' || *line == '#' || strcmp (line, "\xEF\xBB\xBF") == 0)
        continue;
      return strstr (line, "\"_type\"") != NULL;
    }
  return FALSE;
}

static gboolean
chatlab_import (CohortImportTx      *tx,
                CohortImportContext *ctx,
                GError             **error)
{
  ChatLab cl = { tx, ctx, };
  gboolean ok;

  cl.mech = cohort_mech_new ();
  cl.content_keys = cohort_content_keys_new ();
  cl.members = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  ok = looks_like_jsonl (ctx) ? import_jsonl (&cl, error) : import_json (&cl, error);
  if (ok)
    cohort_import_context_progress (ctx, ctx->size, cl.messages);

  g_clear_error (&cl.error);
  cohort_mech_free (cl.mech);
  cohort_content_keys_free (cl.content_keys);
  g_hash_table_unref (cl.members);
  return ok;
}

/* ------------------------------------------------------------------------------------------ */
/* Format registration                                                                         */

/* `"key"` followed by optional blanks and a colon. */
static gboolean
has_key (const char *text,
         const char *quoted_key)
{
  gsize n = strlen (quoted_key);

  for (const char *p = strstr (text, quoted_key); p != NULL; p = strstr (p + 1, quoted_key))
    {
      const char *q = p + n;

      while (*q == ' ' || *q == '\t' || *q == '\r' || *q == '\n')
        q++;
      if (*q == ':')
        return TRUE;
    }
  return FALSE;
}

static int
chatlab_sniff (const guchar       *head,
               gsize               len,
               const char * const *zip_entries)
{
  g_autofree char *text = NULL;
  gsize i = 0;

  if (zip_entries != NULL)
    return 0;
  if (len >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF)
    i = 3;
  while (i < len && (g_ascii_isspace (head[i]) || head[i] == '#'))
    {
      /* JSONL comment lines */
      if (head[i] == '#')
        while (i < len && head[i] != '\n')
          i++;
      else
        i++;
    }
  if (i >= len || head[i] != '{')
    return 0;
  text = g_strndup ((const char *)head + i, len - i);
  if (has_key (text, "\"chatlab\"") && has_key (text, "\"meta\""))
    return 95;
  return 0;
}

const CohortFormat cohort_format_chatlab = {
  "chatlab",
  N_("ChatLab standard format (.json or .jsonl)"),
  N_("Export from ChatLab, or from any tool that writes the ChatLab standard JSON/JSONL format."),
  chatlab_sniff,
  chatlab_import,
};
