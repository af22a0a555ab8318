/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-csv"

#include "config.h"

#include "cohort-csv.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "cohort-csv-reader.h"

/*
 * The column mapping of generic CSV tables: names, guessing from header names, the date
 * formats, the check the mapping dialog shows live, and the preview it reads.  The import
 * itself is in cohort-csv-format.c.
 */

static const char * const kind_names[COHORT_CSV_N_KINDS] = {
  "messages", "members", "events", "orders",
};

static const char * const kind_labels[COHORT_CSV_N_KINDS] = {
  N_("Messages"), N_("Members"), N_("Membership events"), N_("Orders"),
};

static const char * const field_names[COHORT_CSV_N_FIELDS] = {
  "community", "member_id", "member_name", "ts", "text", "message_id", "reply_to",
  "event_type", "inviter", "join_ts", "leave_ts", "order_id", "amount", "status",
  "campaign", "channel",
};

static const char * const field_labels[COHORT_CSV_N_FIELDS] = {
  N_("Community"), N_("Member ID"), N_("Member name"), N_("Date and time"), N_("Message text"),
  N_("Message ID"), N_("Reply to (message ID)"), N_("Event type (join, leave, kick)"),
  N_("Invited by"), N_("Joined at"), N_("Left at"), N_("Order ID"), N_("Amount"),
  N_("Status (paid, refunded, cancelled)"), N_("Campaign"), N_("Channel"),
};

#define F(x) (1u << COHORT_CSV_FIELD_##x)

/* Which fields a kind of row can carry, and which it cannot do without (a member is
 * required as an id or a name, checked separately). */
static const guint kind_fields[COHORT_CSV_N_KINDS] = {
#define WHO (F (COMMUNITY) | F (MEMBER_ID) | F (MEMBER_NAME))
  WHO | F (TS) | F (TEXT) | F (MESSAGE_ID) | F (REPLY_TO),
  WHO | F (JOIN_TS) | F (LEAVE_TS) | F (INVITER) | F (CHANNEL),
  WHO | F (TS) | F (EVENT_TYPE) | F (INVITER) | F (CHANNEL),
  WHO | F (TS) | F (ORDER_ID) | F (AMOUNT) | F (STATUS) | F (CAMPAIGN) | F (CHANNEL),
#undef WHO
};

static const guint kind_required[COHORT_CSV_N_KINDS] = {
  F (TS),
  0,
  F (TS) | F (EVENT_TYPE),
  F (TS) | F (AMOUNT),
};

#undef F

/* Header names operators' tools write, normalised (lower case, no spaces, '_' or '-'). */
static const char * const synonyms[COHORT_CSV_N_FIELDS][20] = {
  [COHORT_CSV_FIELD_COMMUNITY] = { "community", "group", "groupname", "chat", "chatname", "群",
                                   "群名", "群名称", "群聊", "社群", NULL },
  [COHORT_CSV_FIELD_MEMBER_ID] = { "userid", "uid", "memberid", "authorid", "senderid", "wxid",
                                   "qq", "qq号", "用户id", "成员id", "会员id", "微信号", "账号", NULL },
  [COHORT_CSV_FIELD_MEMBER_NAME] = { "name", "username", "nickname", "author", "sender", "member",
                                     "user", "displayname", "昵称", "用户名", "姓名", "发送者",
                                     "发言人", "群昵称", "成员", "客户", NULL },
  [COHORT_CSV_FIELD_TS] = { "time", "date", "datetime", "timestamp", "ts", "createdat",
                            "created", "sentat", "时间", "日期", "时间戳", NULL },
  [COHORT_CSV_FIELD_TEXT] = { "text", "content", "message", "body", "msg", "内容", "消息",
                              "消息内容", "文本", "发言内容", NULL },
  [COHORT_CSV_FIELD_MESSAGE_ID] = { "messageid", "msgid", "消息id", "消息编号", NULL },
  [COHORT_CSV_FIELD_REPLY_TO] = { "replyto", "replytoid", "inreplyto", "回复", "回复id", "引用", NULL },
  [COHORT_CSV_FIELD_EVENT_TYPE] = { "event", "eventtype", "type", "action", "事件", "类型",
                                    "动作", "操作", NULL },
  [COHORT_CSV_FIELD_INVITER] = { "inviter", "invitedby", "referrer", "邀请人", "邀请者", "推荐人", NULL },
  [COHORT_CSV_FIELD_JOIN_TS] = { "joined", "joinedat", "jointime", "joindate", "入群时间",
                                 "加入时间", "进群时间", "入群日期", NULL },
  [COHORT_CSV_FIELD_LEAVE_TS] = { "left", "leftat", "leavetime", "leavedate", "退群时间",
                                  "离开时间", "退出时间", NULL },
  [COHORT_CSV_FIELD_ORDER_ID] = { "orderid", "order", "ordernumber", "orderno", "订单号",
                                  "订单编号", "订单id", NULL },
  [COHORT_CSV_FIELD_AMOUNT] = { "amount", "total", "price", "sum", "金额", "实付金额", "支付金额",
                                "订单金额", "实付", NULL },
  [COHORT_CSV_FIELD_STATUS] = { "status", "state", "orderstatus", "状态", "订单状态", "支付状态", NULL },
  [COHORT_CSV_FIELD_CAMPAIGN] = { "campaign", "活动", "活动名称", NULL },
  [COHORT_CSV_FIELD_CHANNEL] = { "channel", "source", "utmsource", "渠道", "来源", NULL },
};

/* The order guessing claims columns in: specific names before the generic ones they contain
 * ("入群时间" is a join time before it is a time, "消息ID" a message id before an id). */
static const CohortCsvField guess_order[] = {
  COHORT_CSV_FIELD_MESSAGE_ID, COHORT_CSV_FIELD_ORDER_ID, COHORT_CSV_FIELD_REPLY_TO,
  COHORT_CSV_FIELD_JOIN_TS, COHORT_CSV_FIELD_LEAVE_TS, COHORT_CSV_FIELD_INVITER,
  COHORT_CSV_FIELD_MEMBER_ID, COHORT_CSV_FIELD_MEMBER_NAME, COHORT_CSV_FIELD_TS,
  COHORT_CSV_FIELD_TEXT, COHORT_CSV_FIELD_EVENT_TYPE, COHORT_CSV_FIELD_AMOUNT,
  COHORT_CSV_FIELD_STATUS, COHORT_CSV_FIELD_CAMPAIGN, COHORT_CSV_FIELD_CHANNEL,
  COHORT_CSV_FIELD_COMMUNITY,
};

/* ------------------------------------------------------------------------------------------ */
/* Names                                                                                       */

const char *
cohort_csv_kind_to_string (CohortCsvKind kind)
{
  g_return_val_if_fail (kind < COHORT_CSV_N_KINDS, NULL);
  return kind_names[kind];
}

gboolean
cohort_csv_kind_from_string (const char    *name,
                             CohortCsvKind *kind)
{
  for (guint i = 0; name != NULL && i < COHORT_CSV_N_KINDS; i++)
    if (g_ascii_strcasecmp (name, kind_names[i]) == 0)
      {
        *kind = i;
        return TRUE;
      }
  return FALSE;
}

const char *
cohort_csv_kind_label (CohortCsvKind kind)
{
  g_return_val_if_fail (kind < COHORT_CSV_N_KINDS, NULL);
  return _(kind_labels[kind]);
}

const char *
cohort_csv_field_to_string (CohortCsvField field)
{
  g_return_val_if_fail (field < COHORT_CSV_N_FIELDS, NULL);
  return field_names[field];
}

const char *
cohort_csv_field_label (CohortCsvField field)
{
  g_return_val_if_fail (field < COHORT_CSV_N_FIELDS, NULL);
  return _(field_labels[field]);
}

gboolean
cohort_csv_field_from_string (const char     *name,
                              CohortCsvField *field)
{
  for (guint i = 0; name != NULL && i < COHORT_CSV_N_FIELDS; i++)
    if (g_ascii_strcasecmp (name, field_names[i]) == 0)
      {
        *field = i;
        return TRUE;
      }
  return FALSE;
}

gboolean
cohort_csv_field_applies (CohortCsvKind  kind,
                          CohortCsvField field)
{
  return (kind_fields[kind] & (1u << field)) != 0;
}

gboolean
cohort_csv_field_required (CohortCsvKind  kind,
                           CohortCsvField field)
{
  return (kind_required[kind] & (1u << field)) != 0;
}

/* ------------------------------------------------------------------------------------------ */
/* The mapping                                                                                 */

CohortCsvMapping *
cohort_csv_mapping_new (CohortCsvKind kind)
{
  CohortCsvMapping *mapping = g_new0 (CohortCsvMapping, 1);

  mapping->kind = kind;
  return mapping;
}

CohortCsvMapping *
cohort_csv_mapping_copy (const CohortCsvMapping *mapping)
{
  CohortCsvMapping *copy = cohort_csv_mapping_new (mapping->kind);

  for (guint i = 0; i < COHORT_CSV_N_FIELDS; i++)
    copy->columns[i] = g_strdup (mapping->columns[i]);
  copy->community = g_strdup (mapping->community);
  copy->date_format = g_strdup (mapping->date_format);
  copy->tz = g_strdup (mapping->tz);
  return copy;
}

void
cohort_csv_mapping_free (CohortCsvMapping *mapping)
{
  if (mapping == NULL)
    return;
  for (guint i = 0; i < COHORT_CSV_N_FIELDS; i++)
    g_free (mapping->columns[i]);
  g_free (mapping->community);
  g_free (mapping->date_format);
  g_free (mapping->tz);
  g_free (mapping);
}

void
cohort_csv_mapping_set_column (CohortCsvMapping *mapping,
                               CohortCsvField    field,
                               const char       *column)
{
  g_return_if_fail (field < COHORT_CSV_N_FIELDS);
  g_free (mapping->columns[field]);
  mapping->columns[field] = column != NULL && *column != '\0' ? g_strdup (column) : NULL;
}

gboolean
cohort_csv_mapping_parse_map (CohortCsvMapping  *mapping,
                              const char        *map,
                              GError           **error)
{
  g_auto(GStrv) pairs = g_strsplit (map, ",", -1);

  for (guint i = 0; pairs[i] != NULL; i++)
    {
      g_auto(GStrv) kv = g_strsplit (pairs[i], "=", 2);
      CohortCsvField field;

      if (*g_strstrip (pairs[i]) == '\0')
        continue;
      if (kv[1] == NULL || !cohort_csv_field_from_string (g_strstrip (kv[0]), &field))
        {
          g_autoptr(GString) known = g_string_new (NULL);

          for (guint f = 0; f < COHORT_CSV_N_FIELDS; f++)
            g_string_append_printf (known, f ? ", %s" : "%s", field_names[f]);
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("“%s” is not FIELD=Column. The fields are: %s."), pairs[i], known->str);
          return FALSE;
        }
      cohort_csv_mapping_set_column (mapping, field, g_strstrip (kv[1]));
    }
  return TRUE;
}

#define GROUP "mapping"

char *
cohort_csv_mapping_serialize (const CohortCsvMapping *mapping)
{
  g_autoptr(GKeyFile) key_file = g_key_file_new ();

  g_key_file_set_string (key_file, GROUP, "kind", kind_names[mapping->kind]);
  for (guint i = 0; i < COHORT_CSV_N_FIELDS; i++)
    if (mapping->columns[i] != NULL)
      {
        g_autofree char *key = g_strconcat ("column.", field_names[i], NULL);
        g_key_file_set_string (key_file, GROUP, key, mapping->columns[i]);
      }
  if (mapping->community != NULL)
    g_key_file_set_string (key_file, GROUP, "community", mapping->community);
  if (mapping->date_format != NULL)
    g_key_file_set_string (key_file, GROUP, "date_format", mapping->date_format);
  if (mapping->tz != NULL)
    g_key_file_set_string (key_file, GROUP, "tz", mapping->tz);
  return g_key_file_to_data (key_file, NULL, NULL);
}

CohortCsvMapping *
cohort_csv_mapping_deserialize (const char *text)
{
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autofree char *kind_name = NULL;
  CohortCsvMapping *mapping;
  CohortCsvKind kind;

  if (text == NULL || !g_key_file_load_from_data (key_file, text, -1, G_KEY_FILE_NONE, NULL))
    return NULL;
  kind_name = g_key_file_get_string (key_file, GROUP, "kind", NULL);
  if (!cohort_csv_kind_from_string (kind_name, &kind))
    return NULL;
  mapping = cohort_csv_mapping_new (kind);
  for (guint i = 0; i < COHORT_CSV_N_FIELDS; i++)
    {
      g_autofree char *key = g_strconcat ("column.", field_names[i], NULL);
      mapping->columns[i] = g_key_file_get_string (key_file, GROUP, key, NULL);
    }
  mapping->community = g_key_file_get_string (key_file, GROUP, "community", NULL);
  mapping->date_format = g_key_file_get_string (key_file, GROUP, "date_format", NULL);
  mapping->tz = g_key_file_get_string (key_file, GROUP, "tz", NULL);
  return mapping;
}

#undef GROUP

char *
cohort_csv_header_signature (const char * const *header)
{
  g_autoptr(GString) material = g_string_new (NULL);

  for (guint i = 0; header[i] != NULL; i++)
    {
      g_autofree char *name = g_utf8_casefold (header[i], -1);
      g_string_append_printf (material, "%s\x1f", g_strstrip (name));
    }
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, material->str, material->len);
}

/* ------------------------------------------------------------------------------------------ */
/* Guessing                                                                                    */

/* NFKC first, so that full-width “用户ＩＤ” is “用户ID”; then no case, no spaces of any kind
 * (FORMATS.md §2: NBSP, ideographic space, direction marks, BOMs), no '_', '-' or '.'. */
static char *
normalize_header (const char *name)
{
  g_autofree char *nfkc = g_utf8_normalize (name, -1, G_NORMALIZE_ALL);
  g_autofree char *folded = g_utf8_casefold (nfkc ? nfkc : name, -1);
  GString *out = g_string_new (NULL);

  for (const char *p = folded; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c) || c == '_' || c == '-' || c == '.' || c == 0xFEFF ||
          c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E))
        continue;
      g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

/* Exact names first; then a column whose name contains a synonym, for long or Chinese
 * synonyms only ("发送时间" holds "时间"; "Paid" must not become "id"). */
static int
find_column (char       **normalized,
             gboolean    *taken,
             const char * const *names)
{
  for (int pass = 0; pass < 2; pass++)
    for (guint s = 0; names[s] != NULL; s++)
      {
        gboolean ascii = TRUE;

        for (const char *c = names[s]; *c != '\0'; c++)
          ascii = ascii && (guchar)*c < 0x80;
        if (pass == 1 && ascii && strlen (names[s]) < 4)
          continue;
        for (guint i = 0; normalized[i] != NULL; i++)
          if (!taken[i] && (pass == 0 ? strcmp (normalized[i], names[s]) == 0
                                      : strstr (normalized[i], names[s]) != NULL))
            return i;
      }
  return -1;
}

CohortCsvMapping *
cohort_csv_mapping_guess (CohortCsvKind        kind,
                          const char * const  *header)
{
  CohortCsvMapping *mapping = cohort_csv_mapping_new (kind);
  guint n = g_strv_length ((char **)header);
  g_auto(GStrv) normalized = g_new0 (char *, n + 1);
  g_autofree gboolean *taken = g_new0 (gboolean, n + 1);

  for (guint i = 0; i < n; i++)
    normalized[i] = normalize_header (header[i]);
  for (guint g = 0; g < G_N_ELEMENTS (guess_order); g++)
    {
      CohortCsvField field = guess_order[g];
      int col;

      if (!cohort_csv_field_applies (kind, field))
        continue;
      if ((col = find_column (normalized, taken, synonyms[field])) < 0)
        continue;
      taken[col] = TRUE;
      cohort_csv_mapping_set_column (mapping, field, header[col]);
    }
  return mapping;
}

CohortCsvKind
cohort_csv_guess_kind (const char * const *header)
{
  g_autoptr(CohortCsvMapping) orders = cohort_csv_mapping_guess (COHORT_CSV_KIND_ORDERS, header);
  g_autoptr(CohortCsvMapping) events = cohort_csv_mapping_guess (COHORT_CSV_KIND_EVENTS, header);
  g_autoptr(CohortCsvMapping) messages = cohort_csv_mapping_guess (COHORT_CSV_KIND_MESSAGES,
                                                                    header);

  if (orders->columns[COHORT_CSV_FIELD_AMOUNT] != NULL ||
      orders->columns[COHORT_CSV_FIELD_ORDER_ID] != NULL)
    return COHORT_CSV_KIND_ORDERS;
  if (messages->columns[COHORT_CSV_FIELD_TEXT] != NULL)
    return COHORT_CSV_KIND_MESSAGES;
  if (events->columns[COHORT_CSV_FIELD_EVENT_TYPE] != NULL)
    return COHORT_CSV_KIND_EVENTS;
  return COHORT_CSV_KIND_MEMBERS;
}

/* ------------------------------------------------------------------------------------------ */
/* Times                                                                                       */

/* Formats tried, in order, when the mapping says "auto" (after ISO 8601 and epochs). */
static const char * const auto_formats[] = {
  "YYYY-MM-DD HH:mm:ss", "YYYY-MM-DD HH:mm", "YYYY-MM-DD",
  "YYYY/MM/DD HH:mm:ss", "YYYY/MM/DD HH:mm", "YYYY/MM/DD",
  "YYYY.MM.DD HH:mm:ss", "YYYY.MM.DD HH:mm", "YYYY.MM.DD",
  "YYYY年MM月DD日 HH:mm:ss", "YYYY年MM月DD日 HH:mm", "YYYY年MM月DD日",
  NULL
};

static gboolean
take_number (const char **text,
             int          max_digits,
             int         *value)
{
  int digits = 0;

  *value = 0;
  while (digits < max_digits && g_ascii_isdigit (**text))
    {
      *value = *value * 10 + (**text - '0');
      (*text)++;
      digits++;
    }
  return digits > 0;
}

/* Patterns: YYYY, MM, DD, HH, mm, ss; a space matches any run of spaces (or a 'T'); every
 * other character stands for itself. */
static gboolean
parse_with_pattern (const char *text,
                    const char *pattern,
                    GTimeZone  *tz,
                    gint64     *ts)
{
  int year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0;
  g_autoptr(GDateTime) dt = NULL;
  const char *t = text;
  const char *p = pattern;

  while (*p != '\0')
    {
      gboolean ok = TRUE;

      if (g_str_has_prefix (p, "YYYY"))
        ok = take_number (&t, 4, &year), p += 4;
      else if (g_str_has_prefix (p, "MM"))
        ok = take_number (&t, 2, &month), p += 2;
      else if (g_str_has_prefix (p, "DD"))
        ok = take_number (&t, 2, &day), p += 2;
      else if (g_str_has_prefix (p, "HH"))
        ok = take_number (&t, 2, &hour), p += 2;
      else if (g_str_has_prefix (p, "mm"))
        ok = take_number (&t, 2, &minute), p += 2;
      else if (g_str_has_prefix (p, "ss"))
        ok = take_number (&t, 2, &second), p += 2;
      else if (*p == ' ')
        {
          ok = *t == ' ' || *t == 'T';
          while (*t == ' ' || *t == 'T')
            t++;
          p++;
        }
      else
        {
          gsize n = g_utf8_next_char (p) - p;
          ok = strncmp (t, p, n) == 0;
          t += n;
          p += n;
        }
      if (!ok)
        return FALSE;
    }
  if (*t != '\0' || year < 1970 || year > 2100)
    return FALSE;
  if (!(dt = g_date_time_new (tz, year, month, day, hour, minute, second)))
    return FALSE;
  *ts = g_date_time_to_unix (dt);
  return TRUE;
}

static gboolean
parse_epoch (const char *text,
             int         scale,
             gint64     *ts)
{
  char *end = NULL;
  double value = g_ascii_strtod (text, &end);

  if (end == text || *end != '\0' || value < 0)
    return FALSE;
  *ts = (gint64)(value / scale);
  return TRUE;
}

static gboolean
all_digits (const char *text)
{
  for (const char *c = text; *c != '\0'; c++)
    if (!g_ascii_isdigit (*c))
      return FALSE;
  return *text != '\0';
}

gboolean
cohort_csv_parse_time (const char *raw,
                       const char *date_format,
                       GTimeZone  *tz,
                       gint64     *ts)
{
  g_autofree char *text = g_strstrip (g_strdup (raw));

  if (*text == '\0')
    return FALSE;
  if (g_strcmp0 (date_format, "epoch") == 0)
    return parse_epoch (text, 1, ts);
  if (g_strcmp0 (date_format, "epoch_ms") == 0)
    return parse_epoch (text, 1000, ts);
  if (date_format != NULL && *date_format != '\0' && g_strcmp0 (date_format, "auto") != 0)
    return parse_with_pattern (text, date_format, tz, ts);

  /* auto: epoch seconds or milliseconds, ISO 8601 (with its offset), then common forms */
  if (all_digits (text) && (strlen (text) == 10 || strlen (text) == 13))
    return parse_epoch (text, strlen (text) == 13 ? 1000 : 1, ts);
  if (strchr (text, 'T') != NULL || strchr (text, '+') != NULL || g_str_has_suffix (text, "Z"))
    {
      g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601 (text, tz);
      if (dt != NULL)
        {
          *ts = g_date_time_to_unix (dt);
          return TRUE;
        }
    }
  for (guint i = 0; auto_formats[i] != NULL; i++)
    if (parse_with_pattern (text, auto_formats[i], tz, ts))
      return TRUE;
  return FALSE;
}

const char *
cohort_csv_default_zone (void)
{
  static gsize once;
  static char *zone;

  if (g_once_init_enter (&once))
    {
      g_autoptr(GTimeZone) local = g_time_zone_new_local ();
      const char *id = g_time_zone_get_identifier (local);

      /* "Local" or a file path is no name the store can look up again. */
      if (id == NULL || *id == '\0' || *id == '/' || *id == ':' || strcmp (id, "Local") == 0)
        id = "UTC";
      zone = g_strdup (id);
      g_once_init_leave (&once, 1);
    }
  return zone;
}

gboolean
cohort_csv_time_is_wall_clock (const char *raw,
                               const char *date_format)
{
  g_autofree char *text = g_strstrip (g_strdup (raw));
  g_autoptr(GDateTime) with_offset = NULL;

  if (g_strcmp0 (date_format, "epoch") == 0 || g_strcmp0 (date_format, "epoch_ms") == 0)
    return FALSE;
  if (date_format != NULL && *date_format != '\0' && g_strcmp0 (date_format, "auto") != 0)
    return TRUE;
  if (all_digits (text) && (strlen (text) == 10 || strlen (text) == 13))
    return FALSE;
  /* Without a default zone, only a time that names its offset parses. */
  with_offset = g_date_time_new_from_iso8601 (text, NULL);
  return with_offset == NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* Preview                                                                                     */

void
cohort_csv_preview_free (CohortCsvPreview *preview)
{
  if (preview == NULL)
    return;
  g_strfreev (preview->header);
  g_clear_pointer (&preview->rows, g_ptr_array_unref);
  g_free (preview->signature);
  g_free (preview);
}

static char **
fields_to_strv (GPtrArray *fields)
{
  char **strv = g_new0 (char *, fields->len + 1);

  for (guint i = 0; i < fields->len; i++)
    strv[i] = g_strdup (fields->pdata[i]);
  return strv;
}

CohortCsvPreview *
cohort_csv_preview_read (GFile         *file,
                         guint          n_rows,
                         GCancellable  *cancellable,
                         GError       **error)
{
  g_autoptr(CohortCsvPreview) preview = g_new0 (CohortCsvPreview, 1);
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(CohortCsvReader) reader = NULL;
  g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *name = g_file_get_basename (file);
  GError *local_error = NULL;

  if (!(stream = g_file_read (file, cancellable, error)))
    return NULL;
  reader = cohort_csv_reader_new (G_INPUT_STREAM (stream), name, 0, cancellable);
  if (!cohort_csv_reader_next (reader, fields, &local_error))
    {
      if (local_error == NULL)
        g_set_error (&local_error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_EMPTY,
                     _("%s is empty."), name);
      g_propagate_error (error, local_error);
      return NULL;
    }
  preview->header = fields_to_strv (fields);
  preview->signature = cohort_csv_header_signature ((const char * const *)preview->header);
  preview->delimiter = cohort_csv_reader_get_delimiter (reader);
  preview->rows = g_ptr_array_new_with_free_func ((GDestroyNotify)g_strfreev);
  /* A broken row further down is the import's business; the preview shows what it has. */
  while (preview->rows->len < n_rows && cohort_csv_reader_next (reader, fields, NULL))
    g_ptr_array_add (preview->rows, fields_to_strv (fields));
  return g_steal_pointer (&preview);
}
