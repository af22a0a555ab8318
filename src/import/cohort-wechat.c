/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-wechat"

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
 * WeChat exports from third-party tools (FORMATS.md §2e): WeChatMsg / MemoTrace (留痕) CSV in
 * both column sets (12 columns, or the first 9 of older versions) and TXT, and WeFlow /
 * EchoTrace JSON.  Every reader turns its input into Row values, one at a time, which a
 * common handler writes to the import transaction; memory is bounded by one row (CSV, TXT)
 * or one message object (JSON, streamed by cohort-json-stream.c).
 *
 * WeChat names people in its system texts ("张三"邀请"李四"加入了群聊) by display name only.
 * Those events are kept per conversation and resolved at the end of the file, when every
 * (wxid, name) pair of the export has been seen (METRICS.md §0.4).
 */

#define CHUNK_SIZE (64 * 1024)
#define MAX_FIELD (16 * 1024 * 1024)
#define AMBIGUOUS "\x01"
#define ME "\x02"
#define ME_UID "me"
#define DEFAULT_ZONE "Asia/Shanghai"

/* ------------------------------------------------------------------------------------------ */
/* Conversations                                                                               */

typedef struct
{
  gint64 ts;
  char *type;          /* "join", "kick" or "leave" */
  char *name;          /* the subject; ME for the exporting user */
  char *inviter;       /* NULL, a name, or ME */
  char *ref;           /* "invite", "qr" or NULL */
} Deferred;

typedef struct
{
  char *talker;        /* chatroom id or contact wxid; NULL when the export has none */
  char *name;
  gboolean is_group;
  gint64 community;
  CohortMech *mech;
  GHashTable *name_to_uid;
  CohortContentKeys *content_keys;
  GArray *deferred;
  char *me_uid;
  gboolean warned_anonymous;
} Conv;

typedef struct
{
  CohortImportTx *tx;
  CohortImportContext *ctx;
  char *tz_id;
  GTimeZone *tz;
  char *stem;
  GHashTable *convs;        /* talker ("" for none) → Conv */
  GHashTable *skipped;      /* private talkers left out of a multi-conversation file */
  gboolean multi;           /* more than one conversation in the file */
  gint64 rows;
} Importer;

typedef struct
{
  gint64 line;
  const char *id;
  const char *sender;       /* wxid, or NULL */
  const char *name1;        /* display names, best first */
  const char *name2;
  int type;
  int subtype;
  gboolean is_sender;
  gboolean system;
  gint64 ts;
  const char *content;
} Row;

static void
deferred_clear (gpointer data)
{
  Deferred *d = data;

  g_free (d->type);
  g_free (d->name);
  g_free (d->inviter);
  g_free (d->ref);
}

static void
conv_free (gpointer data)
{
  Conv *conv = data;

  g_free (conv->talker);
  g_free (conv->name);
  g_free (conv->me_uid);
  cohort_mech_free (conv->mech);
  g_hash_table_unref (conv->name_to_uid);
  cohort_content_keys_free (conv->content_keys);
  g_array_unref (conv->deferred);
  g_free (conv);
}

static void
importer_init (Importer            *im,
               CohortImportTx      *tx,
               CohortImportContext *ctx)
{
  const char *zone = cohort_import_context_zone (ctx, DEFAULT_ZONE);
  const char *dot;
  g_autofree char *stem = NULL;

  memset (im, 0, sizeof *im);
  im->tx = tx;
  im->ctx = ctx;
  im->tz = g_time_zone_new_identifier (zone);
  if (im->tz == NULL)
    {
      cohort_import_context_warn (ctx, _("Unknown time zone “%s”; %s used instead."), zone, DEFAULT_ZONE);
      zone = DEFAULT_ZONE;
      im->tz = g_time_zone_new_identifier (zone);
      if (im->tz == NULL)
        im->tz = g_time_zone_new_utc ();
    }
  im->tz_id = g_strdup (zone);

  dot = strrchr (ctx->display_name, '.');
  stem = dot && dot != ctx->display_name ? g_strndup (ctx->display_name, dot - ctx->display_name)
                                         : g_strdup (ctx->display_name);
  if (g_str_has_suffix (stem, "_utf8") && strlen (stem) > 5)
    stem[strlen (stem) - 5] = '\0';
  im->stem = g_steal_pointer (&stem);
  im->convs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, conv_free);
  im->skipped = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

static void
importer_clear (Importer *im)
{
  g_free (im->tz_id);
  g_clear_pointer (&im->tz, g_time_zone_unref);
  g_free (im->stem);
  g_clear_pointer (&im->convs, g_hash_table_unref);
  g_clear_pointer (&im->skipped, g_hash_table_unref);
}

static gboolean
is_chatroom (const char *talker)
{
  return talker != NULL && g_str_has_suffix (talker, "@chatroom");
}

static Conv *
conv_get (Importer   *im,
          const char *talker,
          const char *name,
          gboolean    is_group)
{
  Conv *conv = g_hash_table_lookup (im->convs, talker ? talker : "");

  if (conv != NULL)
    return conv;
  conv = g_new0 (Conv, 1);
  conv->talker = talker && *talker ? g_strdup (talker) : NULL;
  conv->name = g_strdup (name && *name ? name : im->stem);
  conv->is_group = is_group || is_chatroom (talker);
  conv->mech = cohort_mech_new ();
  conv->name_to_uid = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  conv->content_keys = cohort_content_keys_new ();
  conv->deferred = g_array_new (FALSE, TRUE, sizeof (Deferred));
  g_array_set_clear_func (conv->deferred, deferred_clear);
  g_hash_table_insert (im->convs, g_strdup (talker ? talker : ""), conv);
  return conv;
}

static gboolean
conv_ensure_community (Importer  *im,
                       Conv      *conv,
                       GError   **error)
{
  g_autofree char *platform_id = NULL;

  if (conv->community != 0)
    return TRUE;
  platform_id = conv->talker ? g_strdup (conv->talker) : g_strdup_printf ("name:%s", conv->name);
  conv->community = cohort_import_tx_community (im->tx, "wechat", platform_id, conv->name,
                                                conv->is_group ? "group" : "private",
                                                im->tz_id, error);
  if (conv->community == 0)
    return FALSE;
  cohort_import_context_add_community (im->ctx, conv->community);
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

/* ------------------------------------------------------------------------------------------ */
/* Text helpers                                                                                */

/* FORMATS.md §2: drop BOMs and direction marks, turn odd spaces into plain ones. */
static char *
clean_text (const char *s)
{
  g_autofree char *valid = NULL;
  GString *out;

  if (s == NULL)
    return NULL;
  valid = g_utf8_make_valid (s, -1);
  out = g_string_sized_new (strlen (valid));
  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == 0xFEFF || c == 0x200E || c == 0x200F || c == 0x202A || c == 0x202C)
        continue;
      if (c == 0x00A0 || c == 0x2009 || c == 0x202F)
        c = ' ';
      g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

static char *
clean_field (const char *s)
{
  char *out = clean_text (s);

  return out ? g_strstrip (out) : NULL;
}

static gboolean
parse_int (const char *s,
           gint64     *out)
{
  char *end = NULL;

  if (s == NULL)
    return FALSE;
  while (g_ascii_isspace (*s))
    s++;
  if (*s == '\0')
    return FALSE;
  *out = g_ascii_strtoll (s, &end, 10);
  while (end && g_ascii_isspace (*end))
    end++;
  return end != s && end != NULL && *end == '\0';
}

static gboolean
two_digits (const char *s,
            int        *out)
{
  if (!g_ascii_isdigit (s[0]) || !g_ascii_isdigit (s[1]))
    return FALSE;
  *out = (s[0] - '0') * 10 + (s[1] - '0');
  return TRUE;
}

/* "YYYY-MM-DD HH:MM:SS" (or with '/') local time; *rest points after the seconds. */
static gboolean
parse_local_time (const char  *s,
                  GTimeZone   *tz,
                  gint64      *ts,
                  const char **rest)
{
  int y, mo, d, h, mi, sec;
  g_autoptr(GDateTime) dt = NULL;

  /* The separators below are looked at out of order: a line cut short ("2024-03-0") must not
   * be read past its end. */
  if (strnlen (s, 19) < 19)
    return FALSE;
  for (int i = 0; i < 4; i++)
    if (!g_ascii_isdigit (s[i]))
      return FALSE;
  y = g_ascii_digit_value (s[0]) * 1000 + g_ascii_digit_value (s[1]) * 100 +
      g_ascii_digit_value (s[2]) * 10 + g_ascii_digit_value (s[3]);
  if ((s[4] != '-' && s[4] != '/') || s[7] != s[4] || s[10] != ' ' || s[13] != ':' || s[16] != ':')
    return FALSE;
  if (!two_digits (s + 5, &mo) || !two_digits (s + 8, &d) || !two_digits (s + 11, &h) ||
      !two_digits (s + 14, &mi) || !two_digits (s + 17, &sec))
    return FALSE;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
    return FALSE;
  dt = g_date_time_new (tz, y, mo, d, h, mi, sec);
  if (dt == NULL)
    return FALSE;
  *ts = g_date_time_to_unix (dt);
  if (rest != NULL)
    *rest = s + 19;
  return TRUE;
}

/* The text of <tag>…</tag> in an XML payload, CDATA unwrapped; NULL when absent. */
static char *
xml_tag_text (const char *xml,
              const char *tag)
{
  g_autofree char *open = g_strdup_printf ("<%s>", tag);
  g_autofree char *close = g_strdup_printf ("</%s>", tag);
  const char *start = strstr (xml, open);
  const char *end;
  g_autofree char *inner = NULL;

  if (start == NULL)
    return NULL;
  start += strlen (open);
  end = strstr (start, close);
  if (end == NULL)
    return NULL;
  inner = g_strndup (start, end - start);
  if (g_str_has_prefix (inner, "<![CDATA[") && g_str_has_suffix (inner, "]]>"))
    return g_strndup (inner + 9, strlen (inner) - 12);
  return g_steal_pointer (&inner);
}

/* ------------------------------------------------------------------------------------------ */
/* Message types                                                                               */

typedef struct
{
  const char *label;
  int type;
  int subtype;
} TypeLabel;

/* WeFlow/EchoTrace labels, and the short names some CSV versions write. */
static const TypeLabel type_labels[] = {
  { "文本消息", 1, 0 }, { "文本", 1, 0 }, { "图片消息", 3, 0 }, { "图片", 3, 0 },
  { "语音消息", 34, 0 }, { "语音", 34, 0 }, { "名片消息", 42, 0 }, { "名片", 42, 0 },
  { "视频消息", 43, 0 }, { "视频", 43, 0 }, { "动画表情", 47, 0 }, { "表情包", 47, 0 },
  { "表情", 47, 0 }, { "位置消息", 48, 0 }, { "位置", 48, 0 }, { "卡片式链接", 49, 5 },
  { "图文消息", 49, 5 }, { "链接", 49, 5 }, { "分享", 49, 5 }, { "文件消息", 49, 6 },
  { "文件", 49, 6 }, { "引用消息", 49, 57 }, { "引用", 49, 57 }, { "拍一拍", 49, 62 },
  { "红包卡片", 49, 2001 }, { "红包", 49, 2001 }, { "转账卡片", 49, 2000 }, { "转账", 49, 2000 },
  { "小程序", 49, 33 }, { "视频号", 49, 51 }, { "聊天记录", 49, 19 }, { "音乐", 49, 3 },
  { "群公告", 49, 87 }, { "通话消息", 50, 0 }, { "语音通话", 50, 0 }, { "视频通话", 50, 0 },
  { "系统消息", 10000, 0 }, { "系统", 10000, 0 }, { "撤回消息", 10000, 0 },
};

static gboolean
type_from_label (const char *label,
                 int        *type,
                 int        *subtype)
{
  for (guint i = 0; label != NULL && i < G_N_ELEMENTS (type_labels); i++)
    if (strcmp (label, type_labels[i].label) == 0)
      {
        *type = type_labels[i].type;
        *subtype = type_labels[i].subtype;
        return TRUE;
      }
  return FALSE;
}

static gboolean
is_system_type (int type)
{
  return type == 10000 || type == 10002;
}

static CohortMessageKind
kind_for_type (int       type,
               int       subtype,
               gboolean *attachment)
{
  *attachment = TRUE;
  switch (type)
    {
    case 1:
      *attachment = FALSE;
      return COHORT_MESSAGE_TEXT;
    case 3:
      return COHORT_MESSAGE_IMAGE;
    case 34:
      return COHORT_MESSAGE_VOICE;
    case 43:
      return COHORT_MESSAGE_VIDEO;
    case 47:
      *attachment = FALSE;
      return COHORT_MESSAGE_STICKER;
    case 49:
      switch (subtype)
        {
        case 6:
          return COHORT_MESSAGE_FILE;
        case 8:
          *attachment = FALSE;
          return COHORT_MESSAGE_STICKER;
        case 57:
        case 87:
          *attachment = FALSE;
          return COHORT_MESSAGE_TEXT;
        case 62:
        case 2000:
        case 2001:
        case 2003:
          *attachment = FALSE;
          return COHORT_MESSAGE_OTHER;
        default:
          return COHORT_MESSAGE_LINK;
        }
    default:
      *attachment = FALSE;
      return COHORT_MESSAGE_OTHER;
    }
}

/* TXT media placeholders. */
static CohortMessageKind
kind_for_placeholder (const char *text,
                      gboolean   *attachment)
{
  *attachment = TRUE;
  if (strcmp (text, "[图片]") == 0)
    return COHORT_MESSAGE_IMAGE;
  if (strcmp (text, "[语音]") == 0)
    return COHORT_MESSAGE_VOICE;
  if (strcmp (text, "[视频]") == 0)
    return COHORT_MESSAGE_VIDEO;
  if (g_str_has_prefix (text, "[文件]"))
    return COHORT_MESSAGE_FILE;
  if (g_str_has_prefix (text, "[链接]") || g_str_has_prefix (text, "[音乐分享]"))
    return COHORT_MESSAGE_LINK;
  *attachment = FALSE;
  if (strcmp (text, "[表情包]") == 0 || strcmp (text, "[动画表情]") == 0)
    return COHORT_MESSAGE_STICKER;
  if (strcmp (text, "[名片]") == 0 || strcmp (text, "[位置]") == 0)
    return COHORT_MESSAGE_OTHER;
  return COHORT_MESSAGE_TEXT;
}

/* ------------------------------------------------------------------------------------------ */
/* System texts                                                                                */

static void
defer (Conv       *conv,
       gint64      ts,
       const char *type,
       const char *names,
       const char *inviter,
       const char *ref)
{
  g_auto(GStrv) list = g_strsplit (names, "、", -1);

  for (guint i = 0; list[i] != NULL; i++)
    {
      Deferred d = { 0, };

      g_strstrip (list[i]);
      if (*list[i] == '\0')
        continue;
      d.ts = ts;
      d.type = g_strdup (type);
      d.name = g_strdup (list[i]);
      d.inviter = g_strdup (inviter);
      d.ref = g_strdup (ref);
      g_array_append_val (conv->deferred, d);
    }
}

/*
 * Membership texts of FORMATS.md §2e.  Quoted names become '%' in a skeleton, so
 * "张三"邀请"李四"加入了群聊 is "%邀请%加入了群聊" with names {张三, 李四}; 你 is the
 * exporting user.
 */
static void
parse_system_text (Conv       *conv,
                   gint64      ts,
                   const char *text)
{
  g_autoptr(GString) skel = g_string_new (NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *plain = NULL;
  const char *p;
  const char *s;
  const char *n0, *n1;

  {
    g_autofree char *a = clean_text (text);
    GString *q = g_string_new (NULL);

    /* “ and ” become plain quotes. */
    for (p = a; *p != '\0'; p++)
      {
        if (g_str_has_prefix (p, "“") || g_str_has_prefix (p, "”"))
          {
            g_string_append_c (q, '"');
            p += strlen ("“") - 1;
          }
        else
          g_string_append_c (q, *p);
      }
    plain = g_string_free (q, FALSE);
  }

  for (p = plain; *p != '\0'; p++)
    {
      const char *end;

      if (*p != '"' || (end = strchr (p + 1, '"')) == NULL)
        {
          g_string_append_c (skel, *p);
          continue;
        }
      g_ptr_array_add (names, g_strndup (p + 1, end - p - 1));
      g_string_append_c (skel, '%');
      p = end;
    }
  s = skel->str;
  n0 = names->len > 0 ? names->pdata[0] : NULL;
  n1 = names->len > 1 ? names->pdata[1] : NULL;

  if (g_str_has_prefix (s, "%邀请%加入了群聊") && n1)
    defer (conv, ts, "join", n1, n0, "invite");
  else if (g_str_has_prefix (s, "你邀请%加入了群聊") && n0)
    defer (conv, ts, "join", n0, ME, "invite");
  else if (g_str_has_prefix (s, "%邀请你和%加入了群聊") && n1)
    {
      defer (conv, ts, "join", ME, n0, "invite");
      defer (conv, ts, "join", n1, n0, "invite");
    }
  else if (g_str_has_prefix (s, "%邀请你加入了群聊") && n0)
    defer (conv, ts, "join", ME, n0, "invite");
  else if (g_str_has_prefix (s, "%通过扫描%分享的二维码加入群聊") && n1)
    defer (conv, ts, "join", n0, n1, "qr");
  else if (g_str_has_prefix (s, "%通过扫描你分享的二维码加入群聊") && n0)
    defer (conv, ts, "join", n0, ME, "qr");
  else if (g_str_has_prefix (s, "你通过扫描%分享的二维码加入群聊") && n0)
    defer (conv, ts, "join", ME, n0, "qr");
  else if (g_str_has_prefix (s, "%加入了群聊") && n0)
    defer (conv, ts, "join", n0, NULL, NULL);
  else if (g_str_has_prefix (s, "%将%移出了群聊") && n1)
    defer (conv, ts, "kick", n1, NULL, NULL);
  else if (g_str_has_prefix (s, "你将%移出了群聊") && n0)
    defer (conv, ts, "kick", n0, NULL, NULL);
  else if (g_str_has_prefix (s, "你被%移出群聊"))
    defer (conv, ts, "kick", ME, NULL, NULL);
  else if (g_str_has_prefix (s, "%退出了群聊") && n0)
    defer (conv, ts, "leave", n0, NULL, NULL);
  /* Recalls (撤回了一条消息), privacy notes (不是朋友关系), renames: system text only. */
}

static const char *
conv_me_uid (Conv *conv)
{
  return conv->me_uid ? conv->me_uid : ME_UID;
}

/* A uid for a name of a system text; NULL (with a warning) when it cannot be told apart. */
static gboolean
conv_resolve (Importer    *im,
              Conv        *conv,
              const char  *name,
              char       **uid_out,
              GError     **error)
{
  const char *uid;
  g_autofree char *by_name = NULL;

  *uid_out = NULL;
  if (strcmp (name, ME) == 0)
    {
      if (conv->me_uid == NULL &&
          !cohort_import_tx_member (im->tx, conv->community, ME_UID, _("Me"), FALSE, error))
        return FALSE;
      *uid_out = g_strdup (conv_me_uid (conv));
      return TRUE;
    }
  uid = g_hash_table_lookup (conv->name_to_uid, name);
  if (uid != NULL && strcmp (uid, AMBIGUOUS) == 0)
    {
      cohort_import_context_warn (im->ctx,
                                  _("“%s” is the name of more than one member of “%s”; a "
                                    "membership event for that name was skipped."),
                                  name, conv->name);
      return TRUE;
    }
  if (uid != NULL)
    {
      *uid_out = g_strdup (uid);
      return TRUE;
    }
  by_name = g_strdup_printf ("name:%s", name);
  if (!cohort_import_tx_member (im->tx, conv->community, by_name, name, FALSE, error))
    return FALSE;
  *uid_out = g_steal_pointer (&by_name);
  return TRUE;
}

static gboolean
conv_flush (Importer  *im,
            Conv      *conv,
            GError   **error)
{
  for (guint i = 0; i < conv->deferred->len; i++)
    {
      Deferred *d = &g_array_index (conv->deferred, Deferred, i);
      g_autofree char *uid = NULL;
      g_autofree char *inviter = NULL;

      if (!conv_resolve (im, conv, d->name, &uid, error))
        return FALSE;
      if (uid == NULL)
        continue;
      if (!cohort_import_tx_event (im->tx, conv->community, uid, d->ts, d->type, d->ref, error))
        return FALSE;
      if (d->inviter == NULL)
        continue;
      if (!conv_resolve (im, conv, d->inviter, &inviter, error))
        return FALSE;
      if (inviter != NULL && strcmp (inviter, uid) != 0 &&
          !cohort_import_tx_invite (im->tx, conv->community, inviter, uid, d->ts, d->ref, error))
        return FALSE;
    }
  g_array_set_size (conv->deferred, 0);
  return TRUE;
}

static gboolean
importer_finish (Importer  *im,
                 GError   **error)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, im->convs);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((Conv *) value)->community != 0 && !conv_flush (im, value, error))
      return FALSE;
  im->ctx->result->personal_chats_skipped += g_hash_table_size (im->skipped);
  if (im->ctx->result->community_ids->len == 0)
    {
      if (g_hash_table_size (im->skipped) > 0)
        g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_EMPTY,
                     _("%s holds no group chat: its %u conversations are all private chats, "
                       "which Cohort imports only when one is exported on its own."),
                     im->ctx->display_name, g_hash_table_size (im->skipped));
      else
        g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_EMPTY,
                     _("%s holds no messages."), im->ctx->display_name);
      return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* One row                                                                                     */

static gboolean
handle_row (Importer  *im,
            Conv      *conv,
            Row       *row,
            GError   **error)
{
  CohortMessageRecord record = { 0, };
  g_autofree char *uid = NULL;
  g_autofree char *text = NULL;
  g_autofree char *key = NULL;
  const char *name = NULL;
  gboolean attachment = FALSE;

  if (!conv_ensure_community (im, conv, error))
    return FALSE;
  im->rows++;

  record.community = conv->community;
  record.ts = row->ts;

  if (row->system || is_system_type (row->type))
    {
      const char *content = row->content ? row->content : "";

      if (row->type == 10002 && content[0] == '<')
        text = xml_tag_text (content, "replacemsg");
      if (text == NULL)
        text = clean_field (content);
      key = row->id && *row->id ? g_strdup (row->id)
                                : cohort_import_content_key (conv->content_keys, NULL, row->ts, text);
      record.platform_msg_id = key;
      record.kind = COHORT_MESSAGE_SYSTEM;
      record.text = text;
      record.length = g_utf8_strlen (text, -1);
      if (!cohort_import_tx_message (im->tx, &record, error))
        return FALSE;
      parse_system_text (conv, row->ts, text);
      return TRUE;
    }

  name = row->name1 && *row->name1 ? row->name1 : row->name2 && *row->name2 ? row->name2 : NULL;
  if (row->sender != NULL && *row->sender != '\0')
    {
      uid = g_strdup (row->sender);
      if (row->is_sender && conv->me_uid == NULL)
        conv->me_uid = g_strdup (row->sender);
    }
  else if (row->is_sender)
    {
      uid = g_strdup (conv_me_uid (conv));
      if (name == NULL)
        name = _("Me");
    }
  else if (name != NULL)
    uid = g_strdup_printf ("name:%s", name);
  else if (!conv->is_group && conv->talker != NULL)
    uid = g_strdup (conv->talker);

  if (uid != NULL)
    {
      if (!cohort_import_tx_member (im->tx, conv->community, uid, name ? name : uid, FALSE, error))
        return FALSE;
      conv_record_name (conv, row->name1, uid);
      conv_record_name (conv, row->name2, uid);
    }
  else if (!conv->warned_anonymous)
    {
      conv->warned_anonymous = TRUE;
      cohort_import_context_warn (im->ctx,
                                  _("Some messages of “%s” do not say who sent them (line %"
                                    PRId64 " and maybe others); they count as messages without "
                                    "a member. Export with a newer MemoTrace version to keep "
                                    "the senders."), conv->name, row->line);
    }

  if (row->type > 0)
    record.kind = kind_for_type (row->type, row->subtype, &attachment);
  else
    record.kind = kind_for_placeholder (row->content ? row->content : "", &attachment);

  {
    const char *content = row->content ? row->content : "";
    const char *q = content;

    while (g_ascii_isspace (*q))
      q++;
    if (*q == '<' && record.kind != COHORT_MESSAGE_TEXT)
      text = xml_tag_text (q, "title");
    else if (*q == '<' && row->type == 49)
      text = xml_tag_text (q, "title");
    if (text == NULL)
      text = g_strdup (*q == '<' && record.kind != COHORT_MESSAGE_TEXT ? "" : content);
  }

  key = row->id && *row->id ? g_strdup (row->id)
                            : cohort_import_content_key (conv->content_keys, uid, row->ts, text);
  record.platform_msg_id = key;
  record.member_uid = uid;
  record.text = text;
  record.length = g_utf8_strlen (text, -1);

  {
    /* A quote line of the TXT export ("引用:name:text") is no part of the reply itself. */
    g_autoptr(GString) own = g_string_new (NULL);
    g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
    CohortMechReason reason;

    for (guint i = 0; lines[i] != NULL; i++)
      if (!g_str_has_prefix (lines[i], "引用:"))
        g_string_append_printf (own, "%s%s", own->len ? "\n" : "", lines[i]);
    reason = cohort_mech_classify (conv->mech, uid, row->ts, own->str, record.kind, attachment);
    record.is_mech = reason != COHORT_MECH_NONE;
    record.mech_reason = cohort_mech_reason_to_string (reason);
  }
  return cohort_import_tx_message (im->tx, &record, error);
}

static gboolean
importer_tick (Importer  *im,
               goffset    done,
               GError   **error)
{
  if (g_cancellable_set_error_if_cancelled (im->ctx->cancellable, error))
    return FALSE;
  if (im->rows % 256 == 1)
    cohort_import_context_progress (im->ctx, done, im->rows);
  return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* Byte reader (CSV and TXT)                                                                   */

typedef struct
{
  GInputStream *stream;
  GCancellable *cancellable;
  guchar *buf;
  gsize pos;
  gsize len;
  gboolean eof;
  gboolean started;
  gint64 line;
  goffset done;
  GError *error;
} Reader;

static void
reader_init (Reader       *r,
             GInputStream *stream,
             GCancellable *cancellable)
{
  memset (r, 0, sizeof *r);
  r->stream = stream;
  r->cancellable = cancellable;
  r->buf = g_malloc (CHUNK_SIZE);
  r->line = 1;
}

static void
reader_clear (Reader *r)
{
  g_free (r->buf);
  g_clear_error (&r->error);
}

static gboolean
reader_fill (Reader *r)
{
  gssize n;

  if (r->pos < r->len)
    return TRUE;
  if (r->eof || r->error)
    return FALSE;
  n = g_input_stream_read (r->stream, r->buf, CHUNK_SIZE, r->cancellable, &r->error);
  if (n <= 0)
    {
      r->eof = TRUE;
      return FALSE;
    }
  r->pos = 0;
  r->len = n;
  r->done += n;
  if (!r->started)
    {
      r->started = TRUE;
      if (n >= 3 && r->buf[0] == 0xEF && r->buf[1] == 0xBB && r->buf[2] == 0xBF)
        r->pos = 3;
      return reader_fill (r);
    }
  return TRUE;
}

/* The next byte, or -1 at the end (or on a read error, kept in r->error). */
static int
reader_get (Reader *r)
{
  if (!reader_fill (r))
    return -1;
  return r->buf[r->pos++];
}

static int
reader_peek (Reader *r)
{
  if (!reader_fill (r))
    return -1;
  return r->buf[r->pos];
}

static gboolean
reader_failed (Reader  *r,
               GError **error)
{
  if (r->error == NULL)
    return FALSE;
  g_propagate_error (error, g_steal_pointer (&r->error));
  return TRUE;
}

/* One physical line without its end (CR, LF or CRLF).  FALSE at the end of the input. */
static gboolean
reader_line (Reader  *r,
             GString *out)
{
  int c;

  g_string_truncate (out, 0);
  c = reader_get (r);
  if (c < 0)
    return FALSE;
  for (; c >= 0; c = reader_get (r))
    {
      if (c == '\n')
        break;
      if (c == '\r')
        {
          if (reader_peek (r) == '\n')
            reader_get (r);
          break;
        }
      if (out->len < MAX_FIELD)
        g_string_append_c (out, c);
    }
  r->line++;
  return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* CSV                                                                                         */

enum
{
  COL_LOCALID,
  COL_MSGSVRID,
  COL_TALKER,
  COL_TYPE,
  COL_SUBTYPE,
  COL_ISSENDER,
  COL_CREATETIME,
  COL_STATUS,
  COL_CONTENT,
  COL_STRTIME,
  COL_REMARK,
  COL_NICKNAME,
  COL_SENDER,
  N_COLS
};

static const char * const col_names[N_COLS] = {
  "localId", "MsgSvrID", "TalkerId", "Type", "SubType", "IsSender", "CreateTime", "Status",
  "StrContent", "StrTime", "Remark", "NickName", "Sender",
};

/* The first 9 columns, common to both column sets. */
static const int set2_cols[] = {
  COL_LOCALID, COL_TALKER, COL_TYPE, COL_SUBTYPE, COL_ISSENDER, COL_CREATETIME, COL_STATUS,
  COL_CONTENT, COL_STRTIME,
};

static int
column_index (const char *header)
{
  g_autofree char *name = clean_field (header);

  for (int i = 0; i < N_COLS; i++)
    if (g_ascii_strcasecmp (name, col_names[i]) == 0)
      return i;
  return -1;
}

/* 1 = a record in fields, 0 = end of input, -1 = error.  RFC 4180, lenient about a quote
 * inside an unquoted field. */
static int
csv_record (Reader     *r,
            GPtrArray  *fields,
            gint64     *start_line,
            const char *display_name,
            GError    **error)
{
  g_autoptr(GString) field = g_string_new (NULL);
  gboolean in_quotes = FALSE, after_quote = FALSE, any = FALSE;

  g_ptr_array_set_size (fields, 0);
  *start_line = r->line;
  for (;;)
    {
      int c = reader_get (r);

      if (c < 0)
        {
          if (reader_failed (r, error))
            return -1;
          if (in_quotes)
            {
              g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_TRUNCATED,
                           _("%s ends inside the quoted field that begins on line %" PRId64
                             ". The file was cut off: export the chat again."),
                           display_name, *start_line);
              return -1;
            }
          if (!any)
            return 0;
          g_ptr_array_add (fields, g_strdup (field->str));
          return 1;
        }
      if (in_quotes)
        {
          if (c == '"')
            {
              if (reader_peek (r) == '"')
                {
                  reader_get (r);
                  g_string_append_c (field, '"');
                }
              else
                {
                  in_quotes = FALSE;
                  after_quote = TRUE;
                }
              continue;
            }
          if (c == '\r' || c == '\n')
            {
              if (c == '\r' && reader_peek (r) == '\n')
                reader_get (r);
              r->line++;
              c = '\n';
            }
          if (field->len >= MAX_FIELD)
            {
              g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_MALFORMED,
                           _("%s: the field that begins on line %" PRId64 " never ends (a "
                             "quote is missing)."), display_name, *start_line);
              return -1;
            }
          g_string_append_c (field, c);
          continue;
        }
      if (c == ',')
        {
          any = TRUE;
          g_ptr_array_add (fields, g_strdup (field->str));
          g_string_truncate (field, 0);
          after_quote = FALSE;
          continue;
        }
      if (c == '\r' || c == '\n')
        {
          if (c == '\r' && reader_peek (r) == '\n')
            reader_get (r);
          r->line++;
          if (!any && !after_quote && field->len == 0)
            {
              /* A blank line between records. */
              *start_line = r->line;
              continue;
            }
          g_ptr_array_add (fields, g_strdup (field->str));
          return 1;
        }
      any = TRUE;
      if (after_quote)
        {
          g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_MALFORMED,
                       _("%s is not valid CSV at line %" PRId64 ": text follows a closing "
                         "quote. The file may have been edited: export it again."),
                       display_name, r->line);
          return -1;
        }
      if (c == '"' && field->len == 0)
        {
          in_quotes = TRUE;
          continue;
        }
      if (field->len >= MAX_FIELD)
        {
          g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_MALFORMED,
                       _("%s: the line %" PRId64 " is too long."), display_name, r->line);
          return -1;
        }
      g_string_append_c (field, c);
    }
}

typedef struct
{
  int col[N_COLS];
  guint n_fields;
} CsvHeader;

static gboolean
csv_header (Reader      *r,
            CsvHeader   *h,
            const char  *display_name,
            GError     **error)
{
  g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
  gint64 line;
  int rc = csv_record (r, fields, &line, display_name, error);
  const char *missing = NULL;

  if (rc < 0)
    return FALSE;
  if (rc == 0)
    {
      g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_UNSUPPORTED,
                   _("%s is empty."), display_name);
      return FALSE;
    }
  for (int i = 0; i < N_COLS; i++)
    h->col[i] = -1;
  for (guint i = 0; i < fields->len; i++)
    {
      int c = column_index (fields->pdata[i]);

      if (c >= 0 && h->col[c] < 0)
        h->col[c] = i;
    }
  h->n_fields = fields->len;

  if (h->col[COL_TYPE] < 0)
    missing = "Type";
  else if (h->col[COL_ISSENDER] < 0)
    missing = "IsSender";
  else if (h->col[COL_CONTENT] < 0)
    missing = "StrContent";
  else if (h->col[COL_CREATETIME] < 0 && h->col[COL_STRTIME] < 0)
    missing = "CreateTime";
  if (missing != NULL)
    {
      g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_UNSUPPORTED,
                   _("%s (line %" PRId64 ") is a CSV file without the column “%s”, so it is "
                     "no complete WeChatMsg/MemoTrace export. Export the chat again as CSV "
                     "with MemoTrace."), display_name, line, missing);
      return FALSE;
    }
  return TRUE;
}

static const char *
field_at (GPtrArray *fields,
          int        col)
{
  return col >= 0 && (guint) col < fields->len ? fields->pdata[col] : NULL;
}

/* Pass 1: is there more than one conversation?  Stops at the second talker. */
static gboolean
csv_count_talkers (Importer  *im,
                   gboolean  *multi,
                   GError   **error)
{
  g_autoptr(GFileInputStream) in = NULL;
  g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *first = NULL;
  CsvHeader h;
  Reader r;
  gboolean ok = FALSE;
  gint64 line;
  int rc;

  *multi = FALSE;
  if (im->ctx->file == NULL)
    return TRUE;
  in = g_file_read (im->ctx->file, im->ctx->cancellable, NULL);
  if (in == NULL)
    return TRUE;
  reader_init (&r, G_INPUT_STREAM (in), im->ctx->cancellable);
  if (!csv_header (&r, &h, im->ctx->display_name, error))
    goto out;
  while ((rc = csv_record (&r, fields, &line, im->ctx->display_name, error)) > 0)
    {
      g_autofree char *talker = clean_field (field_at (fields, h.col[COL_TALKER]));

      if (talker == NULL || *talker == '\0')
        continue;
      if (first == NULL)
        first = g_steal_pointer (&talker);
      else if (strcmp (first, talker) != 0)
        {
          *multi = TRUE;
          break;
        }
    }
  ok = rc >= 0;
  if (ok && g_cancellable_set_error_if_cancelled (im->ctx->cancellable, error))
    ok = FALSE;
out:
  reader_clear (&r);
  return ok;
}

static gboolean
malformed_row (Importer    *im,
               gint64       line,
               const char  *why,
               GError     **error)
{
  g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_MALFORMED,
               _("%s: the row at line %" PRId64 " is malformed (%s). The file may have been "
                 "edited: export it again."), im->ctx->display_name, line, why);
  return FALSE;
}

static gboolean
csv_import (Importer  *im,
            GError   **error)
{
  g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
  CsvHeader h;
  Reader r;
  gboolean ok = FALSE;
  int rc;

  if (!csv_count_talkers (im, &im->multi, error))
    return FALSE;

  reader_init (&r, im->ctx->stream, im->ctx->cancellable);
  if (!csv_header (&r, &h, im->ctx->display_name, error))
    goto out;

  for (;;)
    {
      g_autofree char *talker = NULL, *sender = NULL, *remark = NULL, *nick = NULL;
      g_autofree char *id = NULL, *type_text = NULL;
      const char *content;
      Row row = { 0, };
      Conv *conv;
      gint64 value;
      gint64 line;

      rc = csv_record (&r, fields, &line, im->ctx->display_name, error);
      if (rc < 0)
        goto out;
      if (rc == 0)
        break;
      row.line = line;
      if (fields->len != h.n_fields)
        {
          g_autofree char *why = g_strdup_printf (_("%u fields where the header has %u"),
                                                  fields->len, h.n_fields);
          malformed_row (im, line, why, error);
          goto out;
        }

      talker = clean_field (field_at (fields, h.col[COL_TALKER]));
      if (talker != NULL && *talker == '\0')
        g_clear_pointer (&talker, g_free);
      if (im->multi && talker != NULL && !is_chatroom (talker))
        {
          g_hash_table_add (im->skipped, g_strdup (talker));
          continue;
        }

      type_text = clean_field (field_at (fields, h.col[COL_TYPE]));
      if (parse_int (type_text, &value))
        {
          row.type = (int) value;
          if (parse_int (field_at (fields, h.col[COL_SUBTYPE]), &value))
            row.subtype = (int) value;
        }
      else if (!type_from_label (type_text, &row.type, &row.subtype))
        {
          malformed_row (im, line, _("unknown message type"), error);
          goto out;
        }

      if (parse_int (field_at (fields, h.col[COL_CREATETIME]), &value) && value > 0)
        row.ts = value > 100000000000 ? value / 1000 : value;
      else
        {
          g_autofree char *strtime = clean_field (field_at (fields, h.col[COL_STRTIME]));
          const char *rest = NULL;

          if (strtime == NULL || !parse_local_time (strtime, im->tz, &row.ts, &rest) || *rest != '\0')
            {
              malformed_row (im, line, _("no readable time"), error);
              goto out;
            }
        }

      row.is_sender = parse_int (field_at (fields, h.col[COL_ISSENDER]), &value) && value == 1;
      id = clean_field (field_at (fields, h.col[COL_MSGSVRID]));
      if (id == NULL || *id == '\0' || strcmp (id, "0") == 0)
        {
          g_free (id);
          id = clean_field (field_at (fields, h.col[COL_LOCALID]));
        }
      row.id = id;
      sender = clean_field (field_at (fields, h.col[COL_SENDER]));
      remark = clean_field (field_at (fields, h.col[COL_REMARK]));
      nick = clean_field (field_at (fields, h.col[COL_NICKNAME]));
      row.sender = sender;
      row.name1 = remark;
      row.name2 = nick;
      content = field_at (fields, h.col[COL_CONTENT]);

      conv = conv_get (im, talker, im->multi ? talker : NULL, FALSE);
      /* Older exports (9 columns) may carry the speaker of a group message as the raw
       * database does: "wxid_xxx:\n" before the content. */
      if (h.col[COL_SENDER] < 0 && conv->is_group && !row.is_sender && content != NULL &&
          !is_system_type (row.type))
        {
          const char *colon = strstr (content, ":\n");

          if (colon != NULL && colon > content && colon - content < 64 &&
              strspn (content, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-@.")
              == (gsize) (colon - content))
            {
              sender = g_strndup (content, colon - content);
              row.sender = sender;
              content = colon + 2;
            }
        }
      row.content = content;

      if (!handle_row (im, conv, &row, error) || !importer_tick (im, r.done, error))
        goto out;
    }
  ok = importer_finish (im, error);
out:
  reader_clear (&r);
  return ok;
}

/* ------------------------------------------------------------------------------------------ */
/* TXT                                                                                         */

static gboolean
txt_emit (Importer   *im,
          Conv       *conv,
          gint64      line,
          gint64      ts,
          const char *head,
          GString    *body,
          GError    **error)
{
  Row row = { 0, };

  while (body->len > 0 && body->str[body->len - 1] == '\n')
    g_string_truncate (body, body->len - 1);
  row.line = line;
  row.ts = ts;
  if (body->len == 0)
    {
      row.system = TRUE;
      row.content = head;
    }
  else
    {
      row.name1 = head;
      row.content = body->str;
    }
  return handle_row (im, conv, &row, error) && importer_tick (im, 0, error);
}

static gboolean
txt_import (Importer  *im,
            GError   **error)
{
  g_autoptr(GString) raw = g_string_new (NULL);
  g_autoptr(GString) body = g_string_new (NULL);
  g_autofree char *head = NULL;
  Conv *conv = conv_get (im, NULL, NULL, TRUE);
  Reader r;
  gboolean ok = FALSE, have = FALSE;
  guint blanks = 0;
  gint64 ts = 0, msg_line = 0;

  reader_init (&r, im->ctx->stream, im->ctx->cancellable);
  for (;;)
    {
      g_autofree char *line = NULL;
      const char *rest = NULL;
      gint64 line_no = r.line;
      gint64 t;

      if (!reader_line (&r, raw))
        break;
      line = clean_text (raw->str);
      g_strchomp (line);
      if (*line == '\0' || strspn (line, " \t") == strlen (line))
        {
          blanks++;
          continue;
        }
      if ((!have || blanks > 0) &&
          parse_local_time (line, im->tz, &t, &rest) && *rest == ' ' && rest[1] != '\0')
        {
          if (have && !txt_emit (im, conv, msg_line, ts, head, body, error))
            goto out;
          g_free (head);
          head = g_strstrip (g_strdup (rest + 1));
          g_string_truncate (body, 0);
          ts = t;
          msg_line = line_no;
          have = TRUE;
          blanks = 0;
          continue;
        }
      if (!have)
        {
          g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_MALFORMED,
                       _("%s: line %" PRId64 " should begin a message with “YYYY-MM-DD HH:MM:SS "
                         "name”. Export the chat again as TXT with MemoTrace."),
                       im->ctx->display_name, line_no);
          goto out;
        }
      if (body->len > 0)
        for (guint i = 0; i <= blanks; i++)
          g_string_append_c (body, '\n');
      blanks = 0;
      g_string_append (body, line);
    }
  if (reader_failed (&r, error))
    goto out;
  if (have && !txt_emit (im, conv, msg_line, ts, head, body, error))
    goto out;
  ok = importer_finish (im, error);
out:
  reader_clear (&r);
  return ok;
}

/* ------------------------------------------------------------------------------------------ */
/* WeFlow / EchoTrace JSON                                                                     */

/* A WeFlow/EchoTrace export while it streams: the conversation its session names. */
typedef struct
{
  Importer *im;
  Conv *conv;
} WxJson;

static const char *
json_string (JsonObject *o,
             const char *key)
{
  JsonNode *node = json_object_get_member (o, key);

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
      json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);
  return NULL;
}

static gboolean
json_int (JsonObject *o,
          const char *key,
          gint64     *out)
{
  JsonNode *node = json_object_get_member (o, key);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    {
      *out = json_node_get_int (node);
      return TRUE;
    }
  if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    return cohort_double_to_int64 (json_node_get_double (node), out);
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return parse_int (json_node_get_string (node), out);
  return FALSE;
}

static void
json_session (WxJson *jr,
              JsonObject *o)
{
  const char *wxid = json_string (o, "wxid");
  const char *name = json_string (o, "displayName");
  const char *type = json_string (o, "type");

  if (jr->conv != NULL)
    return;
  if (name == NULL || *name == '\0')
    name = json_string (o, "remark");
  if (name == NULL || *name == '\0')
    name = json_string (o, "nickname");
  jr->conv = conv_get (jr->im, wxid && *wxid ? wxid : NULL, name, g_strcmp0 (type, "群聊") == 0);
}

static gboolean
json_message (WxJson  *jr,
              JsonObject  *o,
              GError     **error)
{
  g_autofree char *id = NULL;
  g_autofree char *sender = NULL, *display = NULL;
  const char *label = json_string (o, "type");
  JsonNode *is_send = json_object_get_member (o, "isSend");
  Row row = { 0, };
  gint64 value;

  if (jr->conv == NULL)
    jr->conv = conv_get (jr->im, NULL, NULL, TRUE);
  if (!json_int (o, "createTime", &value))
    {
      const char *formatted = json_string (o, "formattedTime");
      const char *rest = NULL;

      if (formatted == NULL || !parse_local_time (formatted, jr->im->tz, &value, &rest))
        {
          cohort_import_context_warn (jr->im->ctx, _("A message of “%s” has no readable time; "
                                                     "skipped."), jr->conv->name);
          return TRUE;
        }
    }
  row.ts = value > 100000000000 ? value / 1000 : value;
  if (json_int (o, "localId", &value))
    id = g_strdup_printf ("%" G_GINT64_FORMAT, value);
  else if (json_string (o, "localId"))
    id = g_strdup (json_string (o, "localId"));
  row.id = id;

  if (!type_from_label (label, &row.type, &row.subtype))
    {
      if (json_int (o, "localType", &value))
        {
          /* localType packs the subtype in the high 32 bits for app messages. */
          row.type = (int) (value & 0xffffffff);
          row.subtype = (int) (value >> 32);
        }
      else
        row.type = 1;
    }
  row.system = is_system_type (row.type) ||
               (is_send != NULL && JSON_NODE_HOLDS_NULL (is_send));
  row.is_sender = json_int (o, "isSend", &value) && value == 1;
  sender = clean_field (json_string (o, "senderUsername"));
  display = clean_field (json_string (o, "senderDisplayName"));
  row.sender = sender;
  row.name1 = display;
  row.content = json_string (o, "content");
  if (row.content == NULL)
    row.content = "";
  return handle_row (jr->im, jr->conv, &row, error);
}

/* The stream hands over the session, then each message. */
static gboolean
json_object_cb (JsonObject  *o,
                gboolean     element,
                gpointer     user_data,
                GError     **error)
{
  WxJson *jr = user_data;

  if (!element)
    {
      json_session (jr, o);
      return TRUE;
    }
  return json_message (jr, o, error) && importer_tick (jr->im, 0, error);
}

static gboolean
json_import (Importer  *im,
             GError   **error)
{
  const char *name = im->ctx->display_name;
  WxJson jr = { .im = im };
  CohortJsonStream stream = {
    .header_key = "session",
    .array_key = "messages",
    .func = json_object_cb,
    .user_data = &jr,
    .rows = &im->rows,
  };

  switch (cohort_json_stream_run (&stream, im->ctx, error))
    {
    case COHORT_JSON_STREAM_OK:
      break;
    case COHORT_JSON_STREAM_FAILED:
      return FALSE;
    case COHORT_JSON_STREAM_NOT_OBJECT:
      g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_UNSUPPORTED,
                   _("%s is JSON, but not a WeFlow/EchoTrace export: that is one object "
                     "with “session” and “messages”."), name);
      return FALSE;
    case COHORT_JSON_STREAM_MALFORMED:
      g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_MALFORMED,
                   _("%s is not valid JSON at line %" PRId64 ". The file may have been "
                     "edited or damaged: export it again with WeFlow or EchoTrace."),
                   name, stream.line);
      return FALSE;
    case COHORT_JSON_STREAM_EMPTY:
      g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_UNSUPPORTED,
                   _("%s is empty."), name);
      return FALSE;
    case COHORT_JSON_STREAM_TRUNCATED:
      g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_TRUNCATED,
                   _("%s ends in the middle of the export (line %" PRId64 "). The file was "
                     "cut off or the export had not finished: export the chat again."),
                   name, stream.line);
      return FALSE;
    }
  if (!stream.saw_array)
    {
      g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_UNSUPPORTED,
                   _("%s is JSON, but not a WeFlow/EchoTrace export: it has no “messages”."),
                   name);
      return FALSE;
    }
  if (jr.conv != NULL && !conv_ensure_community (im, jr.conv, error))
    return FALSE;
  return importer_finish (im, error);
}

/* ------------------------------------------------------------------------------------------ */
/* Sniffing and registration                                                                   */

typedef enum
{
  SHAPE_NONE,
  SHAPE_CSV_FULL,
  SHAPE_CSV_PARTIAL,
  SHAPE_TXT,
  SHAPE_JSON,
} Shape;

static gboolean
txt_header_line (const char *line)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  const char *rest = NULL;
  gint64 ts;
  gsize len;

  if (!parse_local_time (line, utc, &ts, &rest) || *rest != ' ' || rest[1] == '\0')
    return FALSE;
  /* QQ writes "name(12345678)" or "name<mail>" after the time (FORMATS.md §2d). */
  len = strlen (rest);
  if (rest[len - 1] == '>' && strchr (rest, '@') != NULL)
    return FALSE;
  if (rest[len - 1] == ')')
    {
      const char *open = strrchr (rest, '(');

      if (open != NULL && strspn (open + 1, "0123456789") + 2 == strlen (open) &&
          strlen (open) > 6)
        return FALSE;
    }
  return TRUE;
}

static Shape
detect_shape (const guchar *head,
              gsize         len)
{
  g_autofree char *text = NULL;
  g_autofree char *cleaned = NULL;
  gsize i = 0;

  if (len >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF)
    i = 3;
  while (i < len && g_ascii_isspace (head[i]))
    i++;
  if (i >= len || memchr (head, '\0', MIN (len, 4096)) != NULL)
    return SHAPE_NONE;
  text = g_strndup ((const char *) head + i, len - i);

  if (text[0] == '{')
    {
      if (strstr (text, "\"session\"") != NULL &&
          (strstr (text, "\"weflow\"") != NULL || strstr (text, "\"senderUsername\"") != NULL ||
           strstr (text, "\"senderDisplayName\"") != NULL ||
           strstr (text, "\"messageCount\"") != NULL || strstr (text, "\"lastTimestamp\"") != NULL))
        return SHAPE_JSON;
      return SHAPE_NONE;
    }

  {
    char *eol;
    g_auto(GStrv) cols = NULL;
    guint known = 0, core = 0;

    cleaned = clean_text (text);
    eol = strpbrk (cleaned, "\r\n");
    if (eol != NULL)
      *eol = '\0';
    if (strchr (cleaned, ',') != NULL)
      {
        gboolean seen[N_COLS] = { FALSE, };

        cols = g_strsplit (cleaned, ",", -1);
        for (guint c = 0; cols[c] != NULL; c++)
          {
            int k;

            g_strstrip (cols[c]);
            if (cols[c][0] == '"' && strlen (cols[c]) >= 2)
              {
                memmove (cols[c], cols[c] + 1, strlen (cols[c]));
                cols[c][strlen (cols[c]) - 1] = '\0';
              }
            k = column_index (cols[c]);
            if (k >= 0 && !seen[k])
              {
                seen[k] = TRUE;
                known++;
              }
          }
        for (guint c = 0; c < G_N_ELEMENTS (set2_cols); c++)
          if (seen[set2_cols[c]])
            core++;
        if (core == G_N_ELEMENTS (set2_cols))
          return SHAPE_CSV_FULL;
        if (known >= 4 && (seen[COL_CONTENT] || seen[COL_ISSENDER] || seen[COL_TALKER]))
          return SHAPE_CSV_PARTIAL;
        return SHAPE_NONE;
      }
  }

  {
    g_auto(GStrv) lines = NULL;
    g_free (cleaned);
    cleaned = clean_text (text);
    lines = g_strsplit_set (cleaned, "\r\n", 200);
    for (guint l = 0; lines[l] != NULL; l++)
      {
        g_strstrip (lines[l]);
        if (lines[l][0] == '\0')
          continue;
        /* The first non-empty line must be a message header. */
        return txt_header_line (lines[l]) ? SHAPE_TXT : SHAPE_NONE;
      }
  }
  return SHAPE_NONE;
}

static int
wechat_sniff (const guchar       *head,
              gsize               len,
              const char * const *zip_entries)
{
  if (zip_entries != NULL)
    return 0;
  switch (detect_shape (head, len))
    {
    case SHAPE_CSV_FULL:
    case SHAPE_JSON:
      return 95;
    case SHAPE_TXT:
      return 85;
    case SHAPE_CSV_PARTIAL:
      return 60;
    case SHAPE_NONE:
    default:
      return 0;
    }
}

static gboolean
wechat_import (CohortImportTx      *tx,
               CohortImportContext *ctx,
               GError             **error)
{
  const guchar *head;
  gsize len = 0;
  Importer im;
  Shape shape;
  gboolean ok;

  if (!G_IS_BUFFERED_INPUT_STREAM (ctx->stream))
    {
      g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_READ,
                   _("Cannot read %s."), ctx->display_name);
      return FALSE;
    }
  head = g_buffered_input_stream_peek_buffer (G_BUFFERED_INPUT_STREAM (ctx->stream), &len);
  shape = detect_shape (head, MIN (len, COHORT_SNIFF_SIZE));
  if (shape == SHAPE_NONE)
    {
      g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_UNSUPPORTED,
                   _("%s is no WeChat export Cohort can read. %s"), ctx->display_name,
                   _(cohort_format_wechat.how_to));
      return FALSE;
    }

  importer_init (&im, tx, ctx);
  switch (shape)
    {
    case SHAPE_JSON:
      ok = json_import (&im, error);
      break;
    case SHAPE_TXT:
      /* MemoTrace's TXT has local times only; CSV and JSON carry epoch seconds. */
      cohort_import_tx_set_wall_clock (tx, TRUE);
      ok = txt_import (&im, error);
      break;
    case SHAPE_CSV_FULL:
    case SHAPE_CSV_PARTIAL:
    case SHAPE_NONE:
    default:
      ok = csv_import (&im, error);
      break;
    }
  importer_clear (&im);
  return ok;
}

const CohortFormat cohort_format_wechat = {
  "wechat",
  N_("WeChat chat export (WeChatMsg/MemoTrace CSV or TXT, WeFlow/EchoTrace JSON)"),
  N_("WeChat has no export of its own: export the group with MemoTrace (留痕, formerly WeChatMsg) "
     "as CSV or TXT, or with WeFlow/EchoTrace as JSON."),
  wechat_sniff,
  wechat_import,
};
