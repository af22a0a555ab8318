/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-qq"

#include "config.h"

#include <inttypes.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "cohort-format.h"
#include "cohort-json-stream.h"
#include "cohort-mech.h"
#include "cohort-number.h"

/*
 * QQ chat history (FORMATS.md §2d), two shapes:
 *
 * - The legacy PC QQ message-manager .txt: UTF-8 (BOM or not), UTF-16 with a BOM, or
 *   GB18030.  The encoding is taken from the head of the file and the stream is converted
 *   to UTF-8 on the fly (GCharsetConverter), then read line by line.  A separator /
 *   消息分组 / 消息对象 block opens each conversation; a whole-account export repeats it.
 *   Messages start at a header line `YYYY-MM-DD <time> <nickname><id>` and their body runs
 *   to the next header.  Membership events from 系统消息 lines name people, so they are
 *   resolved at the end of the conversation (METRICS.md §0.4).
 *
 * - The QQ-NT exporter JSON (QQChatExporter V4: metadata, chatInfo, messages[]), streamed
 *   by cohort-json-stream.c: each element of `messages` is built, handled and dropped.
 *
 * Legacy times are wall-clock times without an offset: they are read in the import zone,
 * Asia/Shanghai unless the user chose another (METRICS.md §0.2).
 */

#define AMBIGUOUS "\x01"
#define SYSTEM_SENDER_NAME "系统消息"
#define LEGACY_TITLE "消息记录（此消息记录为文本格式，不支持重新导入）"

typedef enum
{
  IDS_UNKNOWN,
  IDS_PRESENT,     /* headers carry (number) or <e-mail>: a line without one is body text */
  IDS_ABSENT,      /* 1:1 and discussion-group exports: the nickname is the only key */
} IdMode;

typedef enum
{
  CONV_IMPORT,
  CONV_BUFFER,     /* a private conversation that may turn out to be the only one */
  CONV_SKIP,
} ConvMode;

typedef struct
{
  gint64 ts;
  char *type;      /* "join", "leave", "kick" */
  char *name;
  char *inviter;   /* name, or NULL */
} Deferred;

typedef struct
{
  char *name;            /* 消息对象, or chatInfo.name */
  char *folder;          /* 消息分组 */
  char *kind;            /* "group", "private" */
  ConvMode mode;
  IdMode ids;
  gint64 community;
  GHashTable *name_to_uid;
  CohortContentKeys *content_keys;
  GArray *deferred;
  CohortMech *mech;
  guint headers;

  /* Lines of a buffered private conversation, replayed if it is the file's only one. */
  GPtrArray *lines;
  GArray *line_numbers;

  /* The message being read. */
  gboolean in_message;
  gint64 msg_ts;
  char *msg_uid;
  gboolean msg_system;
  GString *body;
  guint body_lines;
} Conv;

typedef struct
{
  CohortImportTx *tx;
  CohortImportContext *ctx;
  GTimeZone *tz;
  const char *tz_id;
  GRegex *header_re;

  Conv *conv;
  char *pending_folder;
  guint conversations;
  guint communities;
  guint headers;
  gint64 line;
  gint64 messages;
} Importer;

/* ------------------------------------------------------------------------------------------ */
/* Conversations                                                                               */

static void
deferred_clear (gpointer data)
{
  Deferred *d = data;

  g_free (d->type);
  g_free (d->name);
  g_free (d->inviter);
}

static Conv *
conv_new (const char *name,
          const char *folder,
          const char *kind)
{
  Conv *conv = g_new0 (Conv, 1);

  conv->name = g_strdup (name);
  conv->folder = g_strdup (folder);
  conv->kind = g_strdup (kind);
  conv->name_to_uid = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  conv->content_keys = cohort_content_keys_new ();
  conv->deferred = g_array_new (FALSE, TRUE, sizeof (Deferred));
  g_array_set_clear_func (conv->deferred, deferred_clear);
  conv->mech = cohort_mech_new ();
  conv->body = g_string_new (NULL);
  return conv;
}

static void
conv_free (Conv *conv)
{
  if (conv == NULL)
    return;
  g_free (conv->name);
  g_free (conv->folder);
  g_free (conv->kind);
  g_hash_table_unref (conv->name_to_uid);
  cohort_content_keys_free (conv->content_keys);
  g_array_unref (conv->deferred);
  cohort_mech_free (conv->mech);
  g_clear_pointer (&conv->lines, g_ptr_array_unref);
  g_clear_pointer (&conv->line_numbers, g_array_unref);
  g_free (conv->msg_uid);
  g_string_free (conv->body, TRUE);
  g_free (conv);
}

static const char *
conv_label (Importer *im,
            Conv     *conv)
{
  return conv->name != NULL ? conv->name : im->ctx->display_name;
}

/* 消息对象 may end in the group number, "技术讨论群(123456789)". */
static gboolean
split_group_number (const char  *name,
                    char       **bare,
                    char       **number)
{
  gsize len = strlen (name);
  const char *open;
  gsize digits;

  if (len < 3 || name[len - 1] != ')' || (open = strrchr (name, '(')) == NULL || open == name)
    return FALSE;
  digits = name + len - 1 - (open + 1);
  if (digits < 5 || strspn (open + 1, "0123456789") != digits)
    return FALSE;
  *bare = g_strstrip (g_strndup (name, open - name));
  *number = g_strndup (open + 1, digits);
  if (**bare == '\0')
    {
      g_clear_pointer (bare, g_free);
      g_clear_pointer (number, g_free);
      return FALSE;
    }
  return TRUE;
}

static gboolean
conv_ensure_community (Importer  *im,
                       Conv      *conv,
                       GError   **error)
{
  g_autofree char *bare = NULL;
  g_autofree char *number = NULL;
  g_autofree char *platform_id = NULL;
  g_autofree char *stem = NULL;
  const char *name = conv->name;

  if (conv->community != 0)
    return TRUE;
  if (name == NULL)
    {
      const char *dot = strrchr (im->ctx->display_name, '.');

      stem = dot != NULL && dot != im->ctx->display_name
           ? g_strndup (im->ctx->display_name, dot - im->ctx->display_name)
           : g_strdup (im->ctx->display_name);
      name = stem;
    }
  if (split_group_number (name, &bare, &number))
    {
      platform_id = g_steal_pointer (&number);
      name = bare;
    }
  else
    platform_id = g_strdup_printf ("name:%s", name);

  conv->community = cohort_import_tx_community (im->tx, "qq", platform_id, name,
                                                conv->kind ? conv->kind : "group",
                                                im->tz_id, error);
  if (conv->community == 0)
    return FALSE;
  cohort_import_context_add_community (im->ctx, conv->community);
  im->communities++;
  return TRUE;
}

static void
conv_record_name (Conv       *conv,
                  const char *name,
                  const char *uid)
{
  const char *known;

  if (name == NULL || *name == '\0' || uid == NULL || g_str_has_prefix (uid, "name:"))
    return;
  known = g_hash_table_lookup (conv->name_to_uid, name);
  if (known == NULL)
    g_hash_table_insert (conv->name_to_uid, g_strdup (name), g_strdup (uid));
  else if (strcmp (known, uid) != 0)
    g_hash_table_replace (conv->name_to_uid, g_strdup (name), g_strdup (AMBIGUOUS));
}

/* The uid for a name from a system line, creating a name-keyed member for someone who
 * never appears with an id.  NULL (with a warning) when the name is ambiguous. */
static char *
conv_resolve_name (Importer    *im,
                   Conv        *conv,
                   const char  *name,
                   GError     **error)
{
  const char *uid = g_hash_table_lookup (conv->name_to_uid, name);
  g_autofree char *by_name = NULL;

  if (uid != NULL && strcmp (uid, AMBIGUOUS) == 0)
    {
      cohort_import_context_warn (im->ctx,
                                  _("“%s” is the name of more than one member of “%s”; a "
                                    "membership event for that name was skipped."),
                                  name, conv_label (im, conv));
      return NULL;
    }
  if (uid != NULL)
    return g_strdup (uid);
  by_name = g_strdup_printf ("name:%s", name);
  if (!cohort_import_tx_member (im->tx, conv->community, by_name, name, FALSE, error))
    return NULL;
  return g_steal_pointer (&by_name);
}

static gboolean
conv_flush_deferred (Importer  *im,
                     Conv      *conv,
                     GError   **error)
{
  for (guint i = 0; i < conv->deferred->len; i++)
    {
      Deferred *d = &g_array_index (conv->deferred, Deferred, i);
      g_autofree char *uid = NULL;
      g_autofree char *inviter = NULL;
      GError *local_error = NULL;

      uid = conv_resolve_name (im, conv, d->name, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return FALSE;
        }
      if (uid == NULL)
        continue;
      if (!cohort_import_tx_event (im->tx, conv->community, uid, d->ts, d->type,
                                   d->inviter != NULL ? "invite" : NULL, error))
        return FALSE;
      if (d->inviter == NULL)
        continue;
      inviter = conv_resolve_name (im, conv, d->inviter, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return FALSE;
        }
      if (inviter != NULL && strcmp (inviter, uid) != 0 &&
          !cohort_import_tx_invite (im->tx, conv->community, inviter, uid, d->ts, "invite", error))
        return FALSE;
    }
  g_array_set_size (conv->deferred, 0);
  return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* Message content shared by both shapes                                                       */

static gboolean
has_url (const char *text)
{
  return strstr (text, "http://") != NULL || strstr (text, "https://") != NULL ||
         strstr (text, "www.") != NULL;
}

/* Kind from the placeholders QQ writes for media.  A message that is nothing but [表情] /
 * [动画表情] placeholders is a sticker; any other media placeholder is an attachment. */
static CohortMessageKind
kind_from_text (const char *text,
                gboolean   *attachment)
{
  static const struct { const char *placeholder; CohortMessageKind kind; } media[] = {
    { "[图片]", COHORT_MESSAGE_IMAGE },
    { "[视频]", COHORT_MESSAGE_VIDEO },
    { "[语音]", COHORT_MESSAGE_VOICE },
    { "[文件]", COHORT_MESSAGE_FILE },
  };
  g_autofree char *rest = g_strdup (text);
  gboolean sticker = FALSE;
  char *p;

  *attachment = FALSE;
  /* Remove the sticker placeholders; if only whitespace is left, it is a sticker. */
  while ((p = strstr (rest, "[动画表情]")) != NULL || (p = strstr (rest, "[表情]")) != NULL)
    {
      gsize len = g_str_has_prefix (p, "[动画表情]") ? strlen ("[动画表情]") : strlen ("[表情]");

      memmove (p, p + len, strlen (p + len) + 1);
      sticker = TRUE;
    }
  if (sticker && *g_strstrip (rest) == '\0')
    return COHORT_MESSAGE_STICKER;

  for (guint i = 0; i < G_N_ELEMENTS (media); i++)
    if (strstr (text, media[i].placeholder) != NULL)
      {
        *attachment = TRUE;
        return media[i].kind;
      }
  if (has_url (text))
    return COHORT_MESSAGE_LINK;
  return COHORT_MESSAGE_TEXT;
}

static char *
strip_quotes (const char *name)
{
  static const char * const pairs[][2] = {
    { "\"", "\"" }, { "“", "”" }, { "「", "」" }, { "'", "'" },
  };
  char *s = g_strstrip (g_strdup (name));

  for (guint i = 0; i < G_N_ELEMENTS (pairs); i++)
    {
      gsize lo = strlen (pairs[i][0]), lc = strlen (pairs[i][1]), len = strlen (s);

      if (len > lo + lc && g_str_has_prefix (s, pairs[i][0]) && g_str_has_suffix (s, pairs[i][1]))
        {
          s[len - lc] = '\0';
          memmove (s, s + lo, len - lc - lo + 1);
          break;
        }
    }
  return g_strstrip (s);
}

/* Text of a system line without surrounding space and final punctuation. */
static char *
system_core (const char *text)
{
  char *s = g_strstrip (g_strdup (text));
  gboolean again = TRUE;

  while (again)
    {
      gsize len = strlen (s);

      again = FALSE;
      if (g_str_has_suffix (s, "。") || g_str_has_suffix (s, "！"))
        {
          s[len - 3] = '\0';
          again = TRUE;
        }
      else if (len > 0 && (s[len - 1] == '.' || s[len - 1] == '!'))
        {
          s[len - 1] = '\0';
          again = TRUE;
        }
    }
  return g_strstrip (s);
}

static gboolean
is_recall_notice (const char *text)
{
  g_autofree char *core = system_core (text);

  return strchr (core, '\n') == NULL && g_str_has_suffix (core, "撤回了一条消息") &&
         g_utf8_strlen (core, -1) <= 64;
}

/* The membership texts of §2d (and the 本群 wordings of PC QQ).  Returns the event type
 * and fills the name (and, for "A邀请B加入…", the inviter). */
static const char *
parse_membership (const char  *text,
                  char       **name,
                  char       **inviter)
{
  static const struct { const char *suffix; const char *type; } patterns[] = {
    { "被管理员移出本群", "kick" },
    { "被管理员移出群聊", "kick" },
    { "被群主移出本群", "kick" },
    { "被群主移出群聊", "kick" },
    { "被移出本群", "kick" },
    { "被移出群聊", "kick" },
    { "退出了本群", "leave" },
    { "退出本群", "leave" },
    { "退出了群聊", "leave" },
    { "退出群聊", "leave" },
    { "加入了本群", "join" },
    { "加入本群", "join" },
    { "加入了群聊", "join" },
    { "加入群聊", "join" },
  };
  g_autofree char *core = system_core (text);

  *name = NULL;
  *inviter = NULL;
  if (strchr (core, '\n') != NULL)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (patterns); i++)
    {
      g_autofree char *who = NULL;
      const char *invited;

      if (!g_str_has_suffix (core, patterns[i].suffix))
        continue;
      who = g_strndup (core, strlen (core) - strlen (patterns[i].suffix));
      if (strcmp (patterns[i].type, "join") == 0 && (invited = strstr (who, "邀请")) != NULL &&
          invited != who)
        {
          g_autofree char *by = g_strndup (who, invited - who);

          *inviter = strip_quotes (by);
          *name = strip_quotes (invited + strlen ("邀请"));
        }
      else
        *name = strip_quotes (who);
      if (**name == '\0' || (*inviter != NULL && **inviter == '\0'))
        {
          g_clear_pointer (name, g_free);
          g_clear_pointer (inviter, g_free);
          return NULL;
        }
      return patterns[i].type;
    }
  return NULL;
}

static void
conv_defer_membership (Conv       *conv,
                       gint64      ts,
                       const char *text)
{
  char *name = NULL, *inviter = NULL;
  const char *type = parse_membership (text, &name, &inviter);
  Deferred d;

  if (type == NULL)
    return;
  d.ts = ts;
  d.type = g_strdup (type);
  d.name = name;
  d.inviter = inviter;
  g_array_append_val (conv->deferred, d);
}

/* Adds one message (or system line) of the conversation. */
static gboolean
conv_add_message (Importer          *im,
                  Conv              *conv,
                  const char        *uid,
                  gint64             ts,
                  const char        *msg_id,
                  const char        *reply_to,
                  const char        *text,
                  gboolean           system,
                  CohortMessageKind  kind,
                  gboolean           attachment,
                  GError           **error)
{
  CohortMessageRecord record = { 0, };
  g_autofree char *key = NULL;

  if (!system && is_recall_notice (text))
    system = TRUE;
  if (system)
    uid = NULL;
  key = msg_id != NULL ? g_strdup (msg_id)
                       : cohort_import_content_key (conv->content_keys, uid, ts, text);

  record.community = conv->community;
  record.platform_msg_id = key;
  record.member_uid = uid;
  record.ts = ts;
  record.text = text;
  record.length = g_utf8_strlen (text, -1);
  record.reply_to = reply_to;
  if (system)
    record.kind = COHORT_MESSAGE_SYSTEM;
  else
    {
      CohortMechReason reason;

      record.kind = kind;
      reason = cohort_mech_classify (conv->mech, uid, ts, text, kind,
                                     attachment || kind == COHORT_MESSAGE_LINK);
      record.is_mech = reason != COHORT_MECH_NONE;
      record.mech_reason = cohort_mech_reason_to_string (reason);
    }
  if (!cohort_import_tx_message (im->tx, &record, error))
    return FALSE;
  if (system)
    conv_defer_membership (conv, ts, text);

  im->messages++;
  if (im->messages % 2000 == 0)
    {
      goffset done = -1;

      if (G_IS_SEEKABLE (im->ctx->stream))
        done = g_seekable_tell (G_SEEKABLE (im->ctx->stream));
      cohort_import_context_progress (im->ctx, done, im->messages);
    }
  return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* Legacy .txt: encodings                                                                      */

static const char *
detect_encoding (const guchar *head,
                 gsize         len)
{
  const char *end = NULL;

  if (len >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF)
    return "UTF-8";
  if (len >= 2 && head[0] == 0xFF && head[1] == 0xFE)
    return "UTF-16LE";
  if (len >= 2 && head[0] == 0xFE && head[1] == 0xFF)
    return "UTF-16BE";
  if (g_utf8_validate ((const char *)head, len, &end))
    return "UTF-8";
  /* The head may stop in the middle of a character. */
  if (len - ((const guchar *)end - head) < 4 && len >= COHORT_SNIFF_SIZE / 2 &&
      memchr (end, '\n', len - ((const guchar *)end - head)) == NULL)
    {
      gunichar c = g_utf8_get_char_validated (end, len - ((const guchar *)end - head));

      if (c == (gunichar)-2)
        return "UTF-8";
    }
  /* A UTF-8 file with a stray bad byte: many valid multi-byte characters before it are
   * very unlikely in GB18030 text.  Bad bytes are then replaced line by line. */
  {
    guint multibyte = 0;

    for (const guchar *p = head; p < (const guchar *)end; p++)
      if (*p >= 0xC0)
        multibyte++;
    if (multibyte >= 16)
      return "UTF-8";
  }
  return "GB18030";
}

static gboolean
bytes_contain (const guchar *haystack,
               gsize         len,
               const char   *needle,
               gsize         needle_len)
{
  if (needle_len == 0 || len < needle_len)
    return FALSE;
  for (gsize i = 0; i + needle_len <= len; i++)
    {
      const guchar *p = memchr (haystack + i, (guchar)needle[0], len - needle_len + 1 - i);

      if (p == NULL)
        return FALSE;
      i = p - haystack;
      if (memcmp (p, needle, needle_len) == 0)
        return TRUE;
    }
  return FALSE;
}

static gboolean
head_contains (const guchar *head,
               gsize         len,
               const char   *encoding,
               const char   *marker)
{
  g_autofree char *needle = NULL;
  gsize needle_len = 0;

  if (strcmp (encoding, "UTF-8") == 0)
    needle = g_strdup (marker), needle_len = strlen (marker);
  else
    needle = g_convert (marker, -1, encoding, "UTF-8", NULL, &needle_len, NULL);
  return needle != NULL && bytes_contain (head, len, needle, needle_len);
}

/* Removes the invisible marks of FORMATS.md §2 and turns odd spaces into plain ones. */
static char *
clean_line (const char *line)
{
  GString *out;
  const char *p;

  for (p = line; *p != '\0'; p++)
    if ((guchar)*p >= 0x80)
      break;
  if (*p == '\0')
    return g_strdup (line);

  out = g_string_sized_new (strlen (line));
  for (p = line; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      switch (c)
        {
        case 0xFEFF:
        case 0x200E:
        case 0x200F:
        case 0x202A:
        case 0x202C:
          break;
        case 0x00A0:
        case 0x2009:
        case 0x202F:
          g_string_append_c (out, ' ');
          break;
        default:
          g_string_append_unichar (out, c);
          break;
        }
    }
  return g_string_free (out, FALSE);
}

/* ------------------------------------------------------------------------------------------ */
/* Legacy .txt: lines                                                                          */

static gboolean
is_separator (const char *line)
{
  gsize len = strlen (line);

  return len >= 16 && strspn (line, "=") == len;
}

static const char *
block_value (const char *line,
             const char *label)
{
  if (!g_str_has_prefix (line, label))
    return NULL;
  line += strlen (label);
  if (*line == ':')
    return line + 1;
  if (g_str_has_prefix (line, "："))
    return line + strlen ("：");
  return NULL;
}

/* A 分组 that holds groups: 我的群聊, 我的QQ群, 多人聊天, 讨论组…  Friends' folders
 * (我的好友, 家人, custom names) hold private conversations. */
static gboolean
is_group_folder (const char *folder)
{
  return folder == NULL || *folder == '\0' || strstr (folder, "群") != NULL ||
         strstr (folder, "多人聊天") != NULL || strstr (folder, "讨论组") != NULL;
}

/* Display name: the nickname without leading 【title】 blocks. */
static char *
strip_titles (const char *nickname)
{
  const char *p = nickname;

  while (g_str_has_prefix (p, "【"))
    {
      const char *close = strstr (p, "】");

      if (close == NULL)
        break;
      p = close + strlen ("】");
      while (*p == ' ')
        p++;
    }
  return g_strstrip (g_strdup (p));
}

/* Splits "nick(123)" / "nick<a@b>" from the end.  id is NULL when the line has none. */
static void
split_sender (const char  *rest,
              char       **nickname,
              char       **id)
{
  gsize len = strlen (rest);
  const char *open;

  *id = NULL;
  if (len >= 3 && rest[len - 1] == ')' && (open = g_strrstr (rest, "(")) != NULL)
    {
      gsize digits = rest + len - 1 - (open + 1);

      if (digits > 0 && strspn (open + 1, "0123456789") == digits)
        {
          *id = g_strndup (open + 1, digits);
          *nickname = g_strstrip (g_strndup (rest, open - rest));
          return;
        }
    }
  if (len >= 5 && rest[len - 1] == '>' && (open = g_strrstr (rest, "<")) != NULL)
    {
      g_autofree char *inner = g_strndup (open + 1, rest + len - 1 - (open + 1));

      if (strchr (inner, '@') != NULL && strpbrk (inner, " <>") == NULL)
        {
          *id = g_steal_pointer (&inner);
          *nickname = g_strstrip (g_strndup (rest, open - rest));
          return;
        }
    }
  *nickname = g_strstrip (g_strdup (rest));
}

static gboolean
finish_message (Importer  *im,
                Conv      *conv,
                GError   **error)
{
  CohortMessageKind kind;
  gboolean attachment = FALSE;
  gboolean ok;

  if (!conv->in_message)
    return TRUE;
  conv->in_message = FALSE;
  /* A blank line separates messages: it is not part of the body. */
  g_strstrip (conv->body->str);
  g_string_set_size (conv->body, strlen (conv->body->str));

  kind = kind_from_text (conv->body->str, &attachment);
  ok = conv_add_message (im, conv, conv->msg_uid, conv->msg_ts, NULL, NULL, conv->body->str,
                         conv->msg_system, kind, attachment, error);
  g_clear_pointer (&conv->msg_uid, g_free);
  g_string_truncate (conv->body, 0);
  conv->body_lines = 0;
  return ok;
}

static gboolean
malformed_date (Importer    *im,
                gint64       line,
                const char  *text,
                GError     **error)
{
  g_autofree char *shown = g_utf8_substring (text, 0, MIN (g_utf8_strlen (text, -1), 40));

  g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_MALFORMED,
               _("%s, line %" PRId64 ": “%s” starts a message but its date or time does not "
                 "exist. The file may have been edited: export the messages again from QQ's "
                 "Message Manager."),
               im->ctx->display_name, line, shown);
  return FALSE;
}

/* Tries the line as a message header.  Returns TRUE and starts the message when it is one;
 * FALSE with *error unset when it is body text. */
static gboolean
try_header (Importer    *im,
            Conv        *conv,
            const char  *line,
            gint64       line_no,
            GError     **error)
{
  g_autoptr(GMatchInfo) match = NULL;
  g_autoptr(GDateTime) dt = NULL;
  g_autofree char *ampm = NULL;
  g_autofree char *rest = NULL;
  g_autofree char *nickname = NULL;
  g_autofree char *id = NULL;
  g_autofree char *display = NULL;
  g_autofree char *uid = NULL;
  gint64 v[6];
  gboolean system;

  if (!g_ascii_isdigit (line[0]) || !g_regex_match (im->header_re, line, 0, &match))
    return FALSE;
  for (guint i = 0; i < 6; i++)
    {
      g_autofree char *s = g_match_info_fetch (match, i + 1);
      v[i] = g_ascii_strtoll (s, NULL, 10);
    }
  ampm = g_match_info_fetch (match, 7);
  rest = g_match_info_fetch (match, 8);
  if (ampm != NULL && *ampm != '\0' && v[3] > 12)
    {
      /* "18:15:05 PM 张三(1)": a 24-hour time and a nickname beginning with PM. */
      char *joined = g_strconcat (ampm, " ", rest ? rest : "", NULL);

      g_free (rest);
      rest = joined;
      g_clear_pointer (&ampm, g_free);
    }
  split_sender (rest ? rest : "", &nickname, &id);

  system = (id != NULL && (strcmp (id, "10000") == 0 || strcmp (id, "1000000") == 0)) ||
           (id == NULL && strcmp (nickname, SYSTEM_SENDER_NAME) == 0);
  if (id == NULL && !system)
    {
      /* In an export whose headers carry ids, a line without one is text that happens to
       * start with a date (FORMATS.md §2d). */
      if (conv->ids == IDS_PRESENT || *nickname == '\0')
        return FALSE;
    }

  if (ampm != NULL && *ampm != '\0')
    {
      gboolean pm = g_ascii_tolower (ampm[0]) == 'p';

      if (v[3] < 1 || v[3] > 12)
        return malformed_date (im, line_no, line, error);
      v[3] = v[3] % 12 + (pm ? 12 : 0);
    }
  if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 || v[4] > 59 || v[5] > 59 ||
      v[0] < 1 || !g_date_valid_dmy (v[2], v[1], v[0]))
    return malformed_date (im, line_no, line, error);
  dt = g_date_time_new (im->tz, v[0], v[1], v[2], v[3], v[4], v[5]);
  if (dt == NULL)
    return malformed_date (im, line_no, line, error);

  if (!finish_message (im, conv, error))
    return FALSE;
  if (!system && conv->ids == IDS_UNKNOWN)
    conv->ids = id != NULL ? IDS_PRESENT : IDS_ABSENT;
  if (!conv_ensure_community (im, conv, error))
    return FALSE;

  conv->headers++;
  im->headers++;
  conv->in_message = TRUE;
  conv->msg_ts = g_date_time_to_unix (dt);
  conv->msg_system = system;
  if (!system)
    {
      display = strip_titles (nickname);
      if (*display == '\0')
        {
          g_free (display);
          display = g_strdup (id != NULL ? id : nickname);
        }
      uid = id != NULL ? g_strdup_printf ("qq:%s", id) : g_strdup_printf ("name:%s", display);
      if (!cohort_import_tx_member (im->tx, conv->community, uid, display, FALSE, error))
        return FALSE;
      conv_record_name (conv, display, uid);
      conv_record_name (conv, nickname, uid);
      conv->msg_uid = g_steal_pointer (&uid);
    }
  return TRUE;
}

static gboolean
conv_line (Importer    *im,
           Conv        *conv,
           const char  *line,
           gint64       line_no,
           GError     **error)
{
  GError *local_error = NULL;

  if (try_header (im, conv, line, line_no, &local_error))
    return TRUE;
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  if (!conv->in_message)
    return TRUE;   /* blank lines and the title before the first message */
  if (conv->body_lines++ > 0)
    g_string_append_c (conv->body, '\n');
  g_string_append (conv->body, line);
  return TRUE;
}

static gboolean
conv_end (Importer  *im,
          Conv      *conv,
          GError   **error)
{
  if (conv->mode != CONV_IMPORT)
    return TRUE;
  if (!finish_message (im, conv, error))
    return FALSE;
  if (conv->community == 0)
    return TRUE;
  return conv_flush_deferred (im, conv, error);
}

/* A new 消息分组 / 消息对象 block: the current conversation ends. */
static gboolean
close_conversation (Importer  *im,
                    GError   **error)
{
  Conv *conv = im->conv;

  if (conv == NULL)
    return TRUE;
  im->conv = NULL;
  if (conv->mode != CONV_IMPORT)
    {
      /* A private conversation in a file that holds more than one. */
      im->ctx->result->personal_chats_skipped++;
      conv_free (conv);
      return TRUE;
    }
  if (!conv_end (im, conv, error))
    {
      conv_free (conv);
      return FALSE;
    }
  conv_free (conv);
  return TRUE;
}

static gboolean
open_conversation (Importer    *im,
                   const char  *name,
                   GError     **error)
{
  gboolean group = is_group_folder (im->pending_folder);
  Conv *conv;

  if (!close_conversation (im, error))
    return FALSE;
  conv = conv_new (name, im->pending_folder, group ? "group" : "private");
  if (!group)
    {
      conv->mode = im->conversations == 0 ? CONV_BUFFER : CONV_SKIP;
      if (conv->mode == CONV_BUFFER)
        {
          conv->lines = g_ptr_array_new_with_free_func (g_free);
          conv->line_numbers = g_array_new (FALSE, FALSE, sizeof (gint64));
        }
    }
  im->conversations++;
  g_clear_pointer (&im->pending_folder, g_free);
  im->conv = conv;
  return TRUE;
}

static gboolean
handle_line (Importer    *im,
             char        *line,
             GError     **error)
{
  const char *value;

  if (is_separator (line) || strcmp (line, LEGACY_TITLE) == 0)
    return TRUE;
  if ((value = block_value (line, "消息分组")) != NULL)
    {
      /* A 消息分组 line closes the conversation before it. */
      if (im->conv != NULL && !close_conversation (im, error))
        return FALSE;
      g_free (im->pending_folder);
      im->pending_folder = g_strstrip (g_strdup (value));
      return TRUE;
    }
  if ((value = block_value (line, "消息对象")) != NULL)
    {
      g_autofree char *name = g_strstrip (g_strdup (value));

      return open_conversation (im, *name ? name : NULL, error);
    }

  if (im->conv == NULL && *line == '\0')
    return TRUE;
  if (im->conv == NULL)
    {
      /* Messages without any block: one conversation named after the file. */
      im->conv = conv_new (NULL, NULL, "group");
      im->conversations++;
    }
  switch (im->conv->mode)
    {
    case CONV_SKIP:
      return TRUE;
    case CONV_BUFFER:
      g_ptr_array_add (im->conv->lines, g_strdup (line));
      g_array_append_val (im->conv->line_numbers, im->line);
      return TRUE;
    case CONV_IMPORT:
    default:
      return conv_line (im, im->conv, line, im->line, error);
    }
}

static gboolean
finish_file (Importer  *im,
             GError   **error)
{
  Conv *conv = im->conv;

  /* A single private conversation: the user exported it on purpose. */
  if (conv != NULL && conv->mode == CONV_BUFFER && im->conversations == 1)
    {
      conv->mode = CONV_IMPORT;
      for (guint i = 0; i < conv->lines->len; i++)
        if (!conv_line (im, conv, conv->lines->pdata[i],
                        g_array_index (conv->line_numbers, gint64, i), error))
          return FALSE;
      g_clear_pointer (&conv->lines, g_ptr_array_unref);
    }
  return close_conversation (im, error);
}

static GRegex *
header_regex (void)
{
  g_autoptr(GError) error = NULL;
  GRegex *re = g_regex_new ("^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2}) +([0-9]{1,2}):([0-9]{2}):([0-9]{2})"
                            "(?: ?([AaPp][Mm]))?(?: +(.*?))? *$",
                            G_REGEX_OPTIMIZE, 0, &error);

  g_assert_no_error (error);
  return re;
}

static gboolean
import_txt (CohortImportTx       *tx,
            CohortImportContext  *ctx,
            const char           *encoding,
            GError              **error)
{
  g_autoptr(GInputStream) converted = NULL;
  g_autoptr(GDataInputStream) data = NULL;
  g_autoptr(GTimeZone) tz = NULL;
  g_autoptr(GRegex) re = header_regex ();
  gboolean utf8 = strcmp (encoding, "UTF-8") == 0;
  Importer im = { 0, };
  gboolean ok = FALSE;

  im.tz_id = cohort_import_context_zone (ctx, "Asia/Shanghai");
  tz = g_time_zone_new_identifier (im.tz_id);
  if (tz == NULL)
    {
      g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_UNSUPPORTED,
                   _("Unknown time zone “%s”."), im.tz_id);
      return FALSE;
    }
  /* The message manager writes local times without an offset. */
  cohort_import_tx_set_wall_clock (tx, TRUE);
  im.tx = tx;
  im.ctx = ctx;
  im.tz = tz;
  im.header_re = re;

  if (utf8)
    converted = g_object_ref (ctx->stream);
  else
    {
      g_autoptr(GCharsetConverter) conv = NULL;

      conv = g_charset_converter_new ("UTF-8", encoding, error);
      if (conv == NULL)
        return FALSE;
      converted = g_converter_input_stream_new (ctx->stream, G_CONVERTER (conv));
      g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (converted), FALSE);
    }
  data = g_data_input_stream_new (converted);
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (data), FALSE);
  g_data_input_stream_set_newline_type (data, G_DATA_STREAM_NEWLINE_TYPE_ANY);

  for (;;)
    {
      g_autoptr(GError) read_error = NULL;
      g_autofree char *raw = NULL;
      g_autofree char *line = NULL;
      gsize len = 0;

      if ((im.line & 0xff) == 0 && g_cancellable_set_error_if_cancelled (ctx->cancellable, error))
        goto out;
      raw = cohort_import_read_line (data, ctx->display_name, &len, ctx->cancellable,
                                     &read_error);
      if (read_error != NULL)
        {
          if (g_error_matches (read_error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
              read_error->domain == COHORT_IMPORT_ERROR)
            g_propagate_error (error, g_steal_pointer (&read_error));
          else
            g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_MALFORMED,
                         _("%s, line %" PRId64 ": the text cannot be read as %s (%s)."),
                         ctx->display_name, im.line + 1, encoding, read_error->message);
          goto out;
        }
      if (raw == NULL)
        break;
      im.line++;
      if (utf8 && !g_utf8_validate_len (raw, len, NULL))
        {
          g_autofree char *valid = g_utf8_make_valid (raw, len);
          line = clean_line (valid);
        }
      else
        line = clean_line (raw);
      if (!handle_line (&im, line, error))
        goto out;
    }
  if (!finish_file (&im, error))
    goto out;

  if (im.headers == 0 && ctx->result->personal_chats_skipped == 0)
    {
      g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_UNSUPPORTED,
                   _("%s has no QQ message in it: no line like “2024-03-01 18:15:05 "
                     "nickname(12345)” was found. In PC QQ open the Message Manager, "
                     "right-click the group and export its messages as a .txt file."),
                   ctx->display_name);
      goto out;
    }
  if (im.communities == 0)
    {
      g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_EMPTY,
                   _("%s holds no group: its %u conversations are all private chats, which "
                     "Cohort does not import from a whole-account export. Export a group "
                     "from the Message Manager instead."),
                   ctx->display_name, ctx->result->personal_chats_skipped);
      goto out;
    }
  cohort_import_context_progress (ctx, ctx->size, im.messages);
  ok = TRUE;

out:
  conv_free (im.conv);
  g_free (im.pending_folder);
  return ok;
}

/* ------------------------------------------------------------------------------------------ */
/* QQ-NT exporter JSON                                                                         */

static const char *
obj_string (JsonObject *o,
            const char *key)
{
  JsonNode *node = o != NULL ? json_object_get_member (o, key) : NULL;

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
      json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);
  return NULL;
}

/* A string or a number as text ("10001" and 10001 alike); NULL for "" and 0. */
static char *
obj_id (JsonObject *o,
        const char *key)
{
  JsonNode *node = o != NULL ? json_object_get_member (o, key) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return json_node_get_int (node) > 0
           ? g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node)) : NULL;
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    {
      const char *s = json_node_get_string (node);
      return *s != '\0' && strcmp (s, "0") != 0 ? g_strdup (s) : NULL;
    }
  return NULL;
}

static gboolean
obj_bool (JsonObject *o,
          const char *key)
{
  JsonNode *node = o != NULL ? json_object_get_member (o, key) : NULL;

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_BOOLEAN && json_node_get_boolean (node);
}

static JsonObject *
obj_object (JsonObject *o,
            const char *key)
{
  JsonNode *node = o != NULL ? json_object_get_member (o, key) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonArray *
obj_array (JsonObject *o,
           const char *key)
{
  JsonNode *node = o != NULL ? json_object_get_member (o, key) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static gboolean
nt_time (Importer   *im,
         JsonObject *o,
         gint64     *ts)
{
  JsonNode *node = json_object_get_member (o, "timestamp");
  const char *text = NULL;

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node))
    {
      GType type = json_node_get_value_type (node);

      if (type == G_TYPE_INT64 || type == G_TYPE_DOUBLE)
        {
          gint64 v = 0;

          if (type == G_TYPE_INT64)
            v = json_node_get_int (node);
          else if (!cohort_double_to_int64 (json_node_get_double (node), &v))
            return FALSE;

          /* Milliseconds in older exporter versions. */
          *ts = v > G_GINT64_CONSTANT (100000000000) ? v / 1000 : v;
          return v > 0;
        }
      if (type == G_TYPE_STRING)
        text = json_node_get_string (node);
    }
  if (text == NULL)
    text = obj_string (o, "time");
  if (text != NULL)
    {
      g_autofree char *iso = g_strdup (text);
      g_autoptr(GDateTime) dt = NULL;

      /* "2024-06-01 10:00:00" has no 'T' and no offset: a wall time in the import zone. */
      if (strlen (iso) > 10 && iso[10] == ' ')
        iso[10] = 'T';
      dt = g_date_time_new_from_iso8601 (iso, im->tz);
      if (dt != NULL)
        {
          *ts = g_date_time_to_unix (dt);
          return TRUE;
        }
    }
  return FALSE;
}

static CohortMessageKind
nt_kind (JsonObject *content,
         const char *text,
         gboolean   *attachment)
{
  JsonArray *resources = obj_array (content, "resources");
  JsonArray *emojis = obj_array (content, "emojis");
  g_autofree char *stripped = g_strstrip (g_strdup (text));

  *attachment = FALSE;
  for (guint i = 0; resources != NULL && i < json_array_get_length (resources); i++)
    {
      JsonNode *item = json_array_get_element (resources, i);
      const char *type;

      if (!JSON_NODE_HOLDS_OBJECT (item))
        continue;
      type = obj_string (json_node_get_object (item), "type");
      if (type == NULL)
        continue;
      if (g_ascii_strcasecmp (type, "sticker") == 0 || g_ascii_strcasecmp (type, "marketface") == 0)
        return COHORT_MESSAGE_STICKER;
      *attachment = TRUE;
      if (g_ascii_strcasecmp (type, "image") == 0)
        return COHORT_MESSAGE_IMAGE;
      if (g_ascii_strcasecmp (type, "video") == 0)
        return COHORT_MESSAGE_VIDEO;
      if (g_ascii_strcasecmp (type, "audio") == 0 || g_ascii_strcasecmp (type, "voice") == 0 ||
          g_ascii_strcasecmp (type, "ptt") == 0)
        return COHORT_MESSAGE_VOICE;
      return COHORT_MESSAGE_FILE;
    }
  if (*stripped == '\0' && emojis != NULL && json_array_get_length (emojis) > 0)
    return COHORT_MESSAGE_STICKER;
  return kind_from_text (text, attachment);
}

static gboolean
nt_message (Importer    *im,
            JsonObject  *o,
            GError     **error)
{
  Conv *conv = im->conv;
  JsonObject *sender = obj_object (o, "sender");
  JsonObject *raw = obj_object (o, "rawMessage");
  JsonObject *content = obj_object (o, "content");
  JsonObject *reply = obj_object (content, "reply");
  g_autofree char *uin = NULL;
  g_autofree char *nt_uid = NULL;
  g_autofree char *uid = NULL;
  g_autofree char *msg_id = obj_id (o, "messageId");
  g_autofree char *reply_to = NULL;
  const char *display = NULL;
  const char *text = obj_string (content, "text");
  gboolean system = obj_bool (o, "isSystemMessage") ||
                    g_strcmp0 (obj_string (o, "messageType"), "system") == 0;
  gboolean attachment = FALSE;
  CohortMessageKind kind;
  gint64 ts = 0;

  if (obj_bool (o, "isRecalled"))
    return TRUE;   /* a tombstone (METRICS.md §0.5) */
  if (!nt_time (im, o, &ts))
    {
      cohort_import_context_warn (im->ctx, _("A message in “%s” has no readable time; skipped."),
                                  conv_label (im, conv));
      return TRUE;
    }
  if (!conv_ensure_community (im, conv, error))
    return FALSE;
  if (text == NULL)
    text = "";

  if (!system)
    {
      uin = obj_id (sender, "uin");
      if (uin == NULL)
        uin = obj_id (raw, "senderUin");
      nt_uid = obj_id (sender, "uid");
      if (nt_uid == NULL)
        nt_uid = obj_id (raw, "senderUid");
      display = obj_string (raw, "sendMemberName");
      if (display == NULL || *display == '\0')
        display = obj_string (raw, "sendNickName");
      if (display == NULL || *display == '\0')
        display = obj_string (sender, "name");
      if (display != NULL && *display == '\0')
        display = NULL;
      if (uin != NULL)
        uid = g_strdup_printf ("qq:%s", uin);
      else if (nt_uid != NULL)
        uid = g_strdup_printf ("qquid:%s", nt_uid);
      else if (display != NULL)
        uid = g_strdup_printf ("name:%s", display);
      if (uid != NULL)
        {
          if (!cohort_import_tx_member (im->tx, conv->community, uid,
                                        display != NULL ? display : (uin ? uin : uid), FALSE,
                                        error))
            return FALSE;
          conv_record_name (conv, display, uid);
          conv_record_name (conv, obj_string (raw, "sendNickName"), uid);
          conv_record_name (conv, obj_string (sender, "name"), uid);
        }
      reply_to = obj_id (reply, "referencedMessageId");
      if (reply_to == NULL)
        reply_to = obj_id (reply, "messageId");
    }

  kind = system ? COHORT_MESSAGE_SYSTEM : nt_kind (content, text, &attachment);
  return conv_add_message (im, conv, uid, ts, msg_id, reply_to, text, system, kind, attachment,
                           error);
}

static void
nt_chat_info (Importer   *im,
              JsonObject *o)
{
  Conv *conv = im->conv;
  const char *name = obj_string (o, "name");
  const char *type = obj_string (o, "type");

  if (conv->community != 0)
    return;   /* messages came first: the community is already named after the file */
  if (name != NULL && *name != '\0')
    {
      g_free (conv->name);
      conv->name = g_strdup (name);
    }
  if (type != NULL && *type != '\0')
    {
      g_free (conv->kind);
      conv->kind = g_strdup (g_str_has_prefix (type, "private") || strcmp (type, "friend") == 0
                             ? "private" : type);
    }
}

/* The stream hands over the chat's info, then each message. */
static gboolean
nt_object_cb (JsonObject  *o,
              gboolean     element,
              gpointer     user_data,
              GError     **error)
{
  Importer *im = user_data;

  if (!element)
    {
      nt_chat_info (im, o);
      return TRUE;
    }
  return nt_message (im, o, error);
}

/* The stream's verdict in QQ's words; FALSE when the file cannot be imported. */
static gboolean
nt_check_stream (CohortJsonStreamStatus  status,
                 const CohortJsonStream *stream,
                 const char             *name,
                 GError                **error)
{
  switch (status)
    {
    case COHORT_JSON_STREAM_OK:
      break;
    case COHORT_JSON_STREAM_FAILED:
      return FALSE;
    case COHORT_JSON_STREAM_NOT_OBJECT:
      g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_UNSUPPORTED,
                   _("%s is JSON, but not a QQ chat exporter file: it should be one "
                     "object with “chatInfo” and “messages”."), name);
      return FALSE;
    case COHORT_JSON_STREAM_MALFORMED:
      g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_MALFORMED,
                   _("%s is not valid JSON at line %" PRId64 ". The file may have "
                     "been edited or damaged: export the chat again."), name, stream->line);
      return FALSE;
    case COHORT_JSON_STREAM_EMPTY:
    case COHORT_JSON_STREAM_TRUNCATED:
      g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_TRUNCATED,
                   _("%s ends in the middle of the export (line %" PRId64 "). Export the "
                     "chat again and import the new file."), name, stream->line);
      return FALSE;
    }
  if (!stream->saw_array)
    {
      g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_UNSUPPORTED,
                   _("%s is JSON, but not a QQ chat exporter file: it has no “messages”."),
                   name);
      return FALSE;
    }
  return TRUE;
}

static gboolean
import_nt_json (CohortImportTx       *tx,
                CohortImportContext  *ctx,
                GError              **error)
{
  g_autoptr(GTimeZone) tz = NULL;
  Importer im = { 0, };
  CohortJsonStream stream = {
    .header_key = "chatInfo",
    .array_key = "messages",
    .func = nt_object_cb,
    .user_data = &im,
    .rows = &im.messages,
  };
  CohortJsonStreamStatus status;
  gboolean ok = FALSE;

  im.tz_id = cohort_import_context_zone (ctx, "Asia/Shanghai");
  tz = g_time_zone_new_identifier (im.tz_id);
  if (tz == NULL)
    {
      g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_UNSUPPORTED,
                   _("Unknown time zone “%s”."), im.tz_id);
      return FALSE;
    }
  im.tx = tx;
  im.ctx = ctx;
  im.tz = tz;
  im.conv = conv_new (NULL, NULL, "group");

  status = cohort_json_stream_run (&stream, ctx, error);
  if (!nt_check_stream (status, &stream, ctx->display_name, error))
    goto out;
  if (im.conv->community == 0)
    {
      g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_EMPTY,
                   _("%s holds no message."), ctx->display_name);
      goto out;
    }
  ok = conv_flush_deferred (&im, im.conv, error);

out:
  conv_free (im.conv);
  return ok;
}

/* ------------------------------------------------------------------------------------------ */
/* Format registration                                                                         */

static gboolean
looks_like_nt_json (const guchar *head,
                    gsize         len)
{
  gsize i = 0;

  if (len >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF)
    i = 3;
  while (i < len && g_ascii_isspace (head[i]))
    i++;
  if (i >= len || head[i] != '{')
    return FALSE;
  return bytes_contain (head, len, "\"chatInfo\"", strlen ("\"chatInfo\"")) ||
         bytes_contain (head, len, "QQChatExporter", strlen ("QQChatExporter"));
}

static int
qq_sniff (const guchar       *head,
          gsize               len,
          const char * const *zip_entries)
{
  static const char * const markers[] = { LEGACY_TITLE, "消息分组:", "消息对象:" };
  const char *encoding;

  if (zip_entries != NULL || len == 0)
    return 0;
  if (looks_like_nt_json (head, len))
    return 95;
  encoding = detect_encoding (head, len);
  for (guint i = 0; i < G_N_ELEMENTS (markers); i++)
    if (head_contains (head, len, encoding, markers[i]))
      return 95;
  return 0;
}

static gboolean
qq_import (CohortImportTx      *tx,
           CohortImportContext *ctx,
           GError             **error)
{
  const guchar *head;
  gsize len = 0;

  if (!G_IS_BUFFERED_INPUT_STREAM (ctx->stream))
    {
      g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_READ,
                   _("Cannot read %s."), ctx->display_name);
      return FALSE;
    }
  head = g_buffered_input_stream_peek_buffer (G_BUFFERED_INPUT_STREAM (ctx->stream), &len);
  len = MIN (len, COHORT_SNIFF_SIZE);
  if (looks_like_nt_json (head, len))
    return import_nt_json (tx, ctx, error);
  return import_txt (tx, ctx, detect_encoding (head, len), error);
}

const CohortFormat cohort_format_qq = {
  "qq",
  N_("QQ chat history (.txt from the message manager, or QQ-NT exporter JSON)"),
  N_("PC QQ: Message Manager → right-click the group → Export message records → .txt. "
     "QQ-NT: export the group with the QQ chat exporter as JSON."),
  qq_sniff,
  qq_import,
};
