/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-csv"

#include "config.h"

#include <inttypes.h>

#include "cohort-csv.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "cohort-csv-reader.h"
#include "cohort-format.h"
#include "cohort-mech.h"
#include "cohort-store-csv.h"

/*
 * The generic CSV format: any delimited table with a header row, read with the mapping the
 * operator chose (passed in the options, else the one saved for this header).  It sniffs
 * with a low score, so every specific export still wins.  Rows stream through one at a
 * time; the first bad row fails the file, and the importer rolls the transaction back.
 */

#define SNIFF_SCORE 5

typedef struct
{
  int col[COHORT_CSV_N_FIELDS];   /* index in the header; -1 = not mapped */
} Columns;

/* One row, converted.  Strings point into the row's fields. */
typedef struct
{
  const char *community;
  const char *member_uid;
  const char *member_name;
  gint64      ts;
  gint64      join_ts;          /* 0 = none */
  gint64      leave_ts;
  const char *text;
  const char *message_id;
  const char *reply_to;
  const char *event_type;       /* normalised: "join", "leave", "kick" or the file's word */
  const char *inviter;
  const char *order_id;
  const char *amount_text;
  double      amount;
  const char *status;           /* "paid", "refunded" or "cancelled" */
  const char *campaign;
  const char *channel;
} Row;

/* ------------------------------------------------------------------------------------------ */
/* Columns and rows                                                                            */

static int
header_index (const char * const *header,
              const char         *column)
{
  g_autofree char *want = g_utf8_casefold (column, -1);

  for (guint i = 0; header[i] != NULL; i++)
    if (strcmp (header[i], column) == 0)
      return i;
  g_strstrip (want);
  for (guint i = 0; header[i] != NULL; i++)
    {
      g_autofree char *have = g_utf8_casefold (header[i], -1);
      if (strcmp (g_strstrip (have), want) == 0)
        return i;
    }
  return -1;
}

/* Finds every mapped column in the header; NULL when all are there and nothing required is
 * missing, else the problem in words. */
static char *
resolve_columns (const CohortCsvMapping *mapping,
                 const char * const     *header,
                 Columns                *cols)
{
  for (guint f = 0; f < COHORT_CSV_N_FIELDS; f++)
    {
      cols->col[f] = -1;
      if (mapping->columns[f] == NULL || !cohort_csv_field_applies (mapping->kind, f))
        continue;
      if ((cols->col[f] = header_index (header, mapping->columns[f])) < 0)
        return g_strdup_printf (_("There is no column “%s” (chosen for %s)."),
                                mapping->columns[f], cohort_csv_field_label (f));
    }
  if (cols->col[COHORT_CSV_FIELD_MEMBER_ID] < 0 && cols->col[COHORT_CSV_FIELD_MEMBER_NAME] < 0)
    return g_strdup (_("Choose the column that holds the member ID or the member name."));
  for (guint f = 0; f < COHORT_CSV_N_FIELDS; f++)
    if (cohort_csv_field_required (mapping->kind, f) && cols->col[f] < 0)
      return g_strdup_printf (_("Choose the column that holds %s."), cohort_csv_field_label (f));
  return NULL;
}

static const char *
value (GPtrArray     *fields,
       const Columns *cols,
       CohortCsvField field)
{
  int col = cols->col[field];
  char *text;

  if (col < 0 || (guint)col >= fields->len)
    return NULL;
  text = g_strstrip ((char *)fields->pdata[col]);
  return *text != '\0' ? text : NULL;
}

static gboolean
word_in (const char         *word,
         const char * const *list)
{
  for (guint i = 0; list[i] != NULL; i++)
    if (strcmp (word, list[i]) == 0)
      return TRUE;
  return FALSE;
}

static const char *
normalize_event_type (const char *raw,
                      char      **owned)
{
  static const char * const joins[] = { "join", "joined", "enter", "add", "added", "入群",
                                        "加入", "进群", "加群", "入群成功", NULL };
  static const char * const leaves[] = { "leave", "left", "quit", "exit", "退群", "退出",
                                         "离开", "主动退群", NULL };
  static const char * const kicks[] = { "kick", "kicked", "remove", "removed", "ban", "banned",
                                        "踢出", "移出", "被移出", "被踢", NULL };
  g_autofree char *word = g_utf8_strdown (raw, -1);

  if (word_in (word, joins))
    return "join";
  if (word_in (word, leaves))
    return "leave";
  if (word_in (word, kicks))
    return "kick";
  *owned = g_steal_pointer (&word);
  return *owned;
}

static const char *
normalize_status (const char *raw)
{
  static const char * const paid[] = { "paid", "success", "succeeded", "completed", "complete",
                                       "done", "ok", "已支付", "已付款", "支付成功", "交易成功",
                                       "已完成", "成功", NULL };
  static const char * const refunded[] = { "refunded", "refund", "returned", "已退款", "退款",
                                           "退款成功", NULL };
  static const char * const cancelled[] = { "cancelled", "canceled", "cancel", "closed",
                                            "void", "已取消", "取消", "交易关闭", "已关闭", NULL };
  g_autofree char *word = g_utf8_strdown (raw, -1);

  if (word_in (word, paid))
    return "paid";
  if (word_in (word, refunded))
    return "refunded";
  if (word_in (word, cancelled))
    return "cancelled";
  return NULL;
}

/* "¥1,299.00", "1299", "12,50 €": strips currency signs and grouping. */
static gboolean
parse_amount (const char *raw,
              double     *amount)
{
  static const char * const signs[] = { "¥", "￥", "$", "€", "£", "元", "CNY", "RMB", "USD", NULL };
  g_autoptr(GString) text = g_string_new (raw);
  char *comma, *end = NULL;

  for (guint i = 0; signs[i] != NULL; i++)
    {
      char *at;
      while ((at = strstr (text->str, signs[i])) != NULL)
        g_string_erase (text, at - text->str, strlen (signs[i]));
    }
  for (gsize i = 0; i < text->len;)
    if (g_ascii_isspace (text->str[i]))
      g_string_erase (text, i, 1);
    else
      i++;
  comma = strrchr (text->str, ',');
  if (comma != NULL && strchr (text->str, '.') == NULL && strlen (comma + 1) == 2)
    *comma = '.';     /* a decimal comma */
  for (gsize i = 0; i < text->len;)
    if (text->str[i] == ',')
      g_string_erase (text, i, 1);
    else
      i++;
  if (text->len == 0)
    return FALSE;
  *amount = g_ascii_strtod (text->str, &end);
  return end != NULL && *end == '\0';
}

static const char *
format_name (const CohortCsvMapping *mapping)
{
  return mapping->date_format != NULL && *mapping->date_format != '\0' ?
         mapping->date_format : "auto";
}

static gboolean
parse_time_field (const CohortCsvMapping  *mapping,
                  GTimeZone               *tz,
                  const char              *text,
                  gint64                  *ts,
                  char                   **problem)
{
  const char *format = format_name (mapping);

  if (cohort_csv_parse_time (text, format, tz, ts))
    return TRUE;
  if (strcmp (format, "auto") == 0)
    *problem = g_strdup_printf (_("“%s” is not a date Cohort recognises; choose its date "
                                  "format (for example DD/MM/YYYY HH:mm)."), text);
  else
    *problem = g_strdup_printf (_("“%s” is not a date in the format %s."), text, format);
  return FALSE;
}

/* Converts one row; FALSE with *bad set to the offending field and the problem in words. */
static gboolean
parse_row (const CohortCsvMapping  *mapping,
           const Columns           *cols,
           GTimeZone               *tz,
           GPtrArray               *fields,
           Row                     *row,
           char                   **owned,
           CohortCsvField          *bad,
           char                   **problem)
{
  static const CohortCsvField time_fields[] = {
    COHORT_CSV_FIELD_TS, COHORT_CSV_FIELD_JOIN_TS, COHORT_CSV_FIELD_LEAVE_TS,
  };
  CohortCsvKind kind = mapping->kind;
  const char *text;

  memset (row, 0, sizeof *row);
  row->community = value (fields, cols, COHORT_CSV_FIELD_COMMUNITY);
  row->member_name = value (fields, cols, COHORT_CSV_FIELD_MEMBER_NAME);
  row->member_uid = value (fields, cols, COHORT_CSV_FIELD_MEMBER_ID);
  if (row->member_uid == NULL)
    row->member_uid = row->member_name;   /* members known by name only (METRICS §0.4) */
  if (row->member_uid == NULL)
    {
      *bad = cols->col[COHORT_CSV_FIELD_MEMBER_ID] >= 0 ? COHORT_CSV_FIELD_MEMBER_ID
                                                          : COHORT_CSV_FIELD_MEMBER_NAME;
      *problem = g_strdup (_("the member is empty."));
      return FALSE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (time_fields); i++)
    {
      CohortCsvField f = time_fields[i];
      gint64 *slot = f == COHORT_CSV_FIELD_TS ? &row->ts :
                     f == COHORT_CSV_FIELD_JOIN_TS ? &row->join_ts : &row->leave_ts;

      if (cols->col[f] < 0)
        continue;
      *bad = f;
      if ((text = value (fields, cols, f)) == NULL)
        {
          if (f != COHORT_CSV_FIELD_TS)
            continue;   /* a member who has not left (or whose join is unknown) */
          *problem = g_strdup (_("the time is empty."));
          return FALSE;
        }
      if (!parse_time_field (mapping, tz, text, slot, problem))
        return FALSE;
    }

  row->text = value (fields, cols, COHORT_CSV_FIELD_TEXT);
  row->message_id = value (fields, cols, COHORT_CSV_FIELD_MESSAGE_ID);
  row->reply_to = value (fields, cols, COHORT_CSV_FIELD_REPLY_TO);
  row->inviter = value (fields, cols, COHORT_CSV_FIELD_INVITER);
  row->order_id = value (fields, cols, COHORT_CSV_FIELD_ORDER_ID);
  row->campaign = value (fields, cols, COHORT_CSV_FIELD_CAMPAIGN);
  row->channel = value (fields, cols, COHORT_CSV_FIELD_CHANNEL);

  if (kind == COHORT_CSV_KIND_EVENTS)
    {
      *bad = COHORT_CSV_FIELD_EVENT_TYPE;
      if ((text = value (fields, cols, COHORT_CSV_FIELD_EVENT_TYPE)) == NULL)
        {
          *problem = g_strdup (_("the event type is empty (join, leave or kick)."));
          return FALSE;
        }
      row->event_type = normalize_event_type (text, owned);
    }

  if (kind == COHORT_CSV_KIND_ORDERS)
    {
      *bad = COHORT_CSV_FIELD_AMOUNT;
      row->amount_text = value (fields, cols, COHORT_CSV_FIELD_AMOUNT);
      if (row->amount_text == NULL || !parse_amount (row->amount_text, &row->amount))
        {
          *problem = g_strdup_printf (_("“%s” is not an amount."),
                                      row->amount_text ? row->amount_text : "");
          return FALSE;
        }
      *bad = COHORT_CSV_FIELD_STATUS;
      text = value (fields, cols, COHORT_CSV_FIELD_STATUS);
      if (text == NULL)
        row->status = "paid";
      else if ((row->status = normalize_status (text)) == NULL)
        {
          *problem = g_strdup_printf (_("“%s” is not an order status (paid, refunded or "
                                        "cancelled)."), text);
          return FALSE;
        }
    }
  return TRUE;
}

char *
cohort_csv_mapping_check (const CohortCsvMapping *mapping,
                          const CohortCsvPreview *preview)
{
  g_autoptr(GTimeZone) tz = NULL;
  g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
  Columns cols;
  char *problem;

  if ((problem = resolve_columns (mapping, (const char * const *)preview->header, &cols)))
    return problem;
  tz = g_time_zone_new_identifier (mapping->tz ? mapping->tz : "UTC");
  if (tz == NULL)
    return g_strdup_printf (_("“%s” is not a time zone; use an IANA name such as "
                              "Asia/Shanghai."), mapping->tz);
  for (guint r = 0; r < preview->rows->len; r++)
    {
      char **cells = preview->rows->pdata[r];
      g_autofree char *owned = NULL;
      g_autofree char *why = NULL;
      CohortCsvField bad;
      Row row;

      g_ptr_array_set_size (fields, 0);
      for (guint c = 0; cells[c] != NULL; c++)
        g_ptr_array_add (fields, g_strdup (cells[c]));
      if (!parse_row (mapping, &cols, tz, fields, &row, &owned, &bad, &why))
        return g_strdup_printf (_("Row %u: %s"), r + 1, why);
    }
  return NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* Import                                                                                      */

typedef struct
{
  CohortImportTx         *tx;
  CohortImportContext    *ctx;
  const CohortCsvMapping *mapping;
  Columns                 cols;
  GTimeZone              *tz;
  const char             *zone;
  char                   *default_community;
  GHashTable             *communities;   /* name → gint64* */
  CohortContentKeys      *seen;          /* content keys */
  GHashTable             *uid_by_name;   /* display name → member id, from rows with both */
  CohortMech             *mech;
  CohortOrderWriter      *orders;        /* orders tables only */
  gboolean                zone_decided;  /* wall-clock or not, from the first row */
  gint64                  rows;
} CsvImport;

static void
csv_import_clear (CsvImport *im)
{
  g_clear_pointer (&im->tz, g_time_zone_unref);
  g_clear_pointer (&im->default_community, g_free);
  g_clear_pointer (&im->communities, g_hash_table_unref);
  g_clear_pointer (&im->seen, cohort_content_keys_free);
  g_clear_pointer (&im->uid_by_name, g_hash_table_unref);
  g_clear_pointer (&im->mech, cohort_mech_free);
  g_clear_pointer (&im->orders, cohort_order_writer_free);
}

static gint64
community_for (CsvImport   *im,
               const char  *name,
               GError     **error)
{
  gint64 *cached, id;

  if (name == NULL)
    name = im->mapping->community ? im->mapping->community : im->default_community;
  if ((cached = g_hash_table_lookup (im->communities, name)) != NULL)
    return *cached;
  id = cohort_import_tx_community (im->tx, "csv", name, name, "group", im->zone, error);
  if (id == 0)
    return 0;
  g_hash_table_insert (im->communities, g_strdup (name), g_memdup2 (&id, sizeof id));
  cohort_import_context_add_community (im->ctx, id);
  return id;
}

static gboolean
add_message (CsvImport   *im,
             gint64       community,
             const Row   *row,
             GError     **error)
{
  g_autofree char *key = NULL;
  CohortMessageRecord record = { 0, };
  CohortMechReason reason;

  if (row->message_id == NULL)
    key = cohort_import_content_key (im->seen, row->member_uid, row->ts, row->text);
  reason = cohort_mech_classify (im->mech, row->member_uid, row->ts, row->text ? row->text : "",
                                 COHORT_MESSAGE_TEXT, FALSE);
  record.community = community;
  record.platform_msg_id = row->message_id ? row->message_id : key;
  record.member_uid = row->member_uid;
  record.ts = row->ts;
  record.kind = COHORT_MESSAGE_TEXT;
  record.length = row->text ? g_utf8_strlen (row->text, -1) : 0;
  record.reply_to = row->reply_to;
  record.is_mech = reason != COHORT_MECH_NONE;
  record.mech_reason = cohort_mech_reason_to_string (reason);
  record.text = row->text;
  return cohort_import_tx_message (im->tx, &record, error);
}

/* Tables often name the inviter ("邀请人: Alice") where members have ids: a name seen with
 * an id earlier in the file is that member (METRICS.md §0.4); anything else is taken as
 * the inviter's id. */
static const char *
inviter_uid (CsvImport  *im,
             const char *inviter)
{
  const char *uid = g_hash_table_lookup (im->uid_by_name, inviter);

  return uid != NULL ? uid : inviter;
}

static void
remember_name (CsvImport *im,
               const Row *row)
{
  if (row->member_name == NULL || row->member_uid == row->member_name ||
      g_hash_table_contains (im->uid_by_name, row->member_name))
    return;
  g_hash_table_insert (im->uid_by_name, g_strdup (row->member_name), g_strdup (row->member_uid));
}

static gboolean
add_membership (CsvImport   *im,
                gint64       community,
                const Row   *row,
                GError     **error)
{
  gint64 joined = im->mapping->kind == COHORT_CSV_KIND_EVENTS ? row->ts : row->join_ts;

  if (im->mapping->kind == COHORT_CSV_KIND_EVENTS &&
      !cohort_import_tx_event (im->tx, community, row->member_uid, row->ts, row->event_type,
                               row->channel, error))
    return FALSE;
  if (im->mapping->kind == COHORT_CSV_KIND_MEMBERS)
    {
      if (row->join_ts != 0 &&
          !cohort_import_tx_event (im->tx, community, row->member_uid, row->join_ts, "join",
                                   row->channel, error))
        return FALSE;
      if (row->leave_ts != 0 &&
          !cohort_import_tx_event (im->tx, community, row->member_uid, row->leave_ts, "leave",
                                   NULL, error))
        return FALSE;
    }
  /* An invitation is dated by the join it led to. */
  if (row->inviter != NULL && joined != 0 &&
      (im->mapping->kind == COHORT_CSV_KIND_MEMBERS || g_strcmp0 (row->event_type, "join") == 0))
    return cohort_import_tx_invite (im->tx, community, inviter_uid (im, row->inviter),
                                    row->member_uid, joined, row->channel, error);
  return TRUE;
}

static gboolean
add_order (CsvImport   *im,
           gint64       community,
           const Row   *row,
           GError     **error)
{
  g_autofree char *key = NULL;

  if (row->order_id == NULL)
    key = cohort_import_content_key (im->seen, row->member_uid, row->ts, row->amount_text);
  return cohort_order_writer_add (im->orders, community, row->order_id ? row->order_id : key,
                                  row->member_uid, row->ts, row->amount, row->status,
                                  row->campaign, row->channel, error);
}

/* Naive times are wall-clock times (METRICS.md §0.2): the store then lets the community's
 * zone move them later.  The first row decides, before any community is made. */
static void
decide_wall_clock (CsvImport *im,
                   GPtrArray *fields)
{
  CohortCsvField field = im->mapping->kind == COHORT_CSV_KIND_MEMBERS ? COHORT_CSV_FIELD_JOIN_TS
                                                                       : COHORT_CSV_FIELD_TS;
  const char *text = value (fields, &im->cols, field);

  im->zone_decided = TRUE;
  if (text != NULL && cohort_csv_time_is_wall_clock (text, im->mapping->date_format))
    cohort_import_tx_set_wall_clock (im->tx, TRUE);
}

static gboolean
add_row (CsvImport        *im,
         CohortCsvReader  *reader,
         const char      **header,
         GPtrArray        *fields,
         GError          **error)
{
  g_autofree char *owned = NULL;
  g_autofree char *problem = NULL;
  CohortCsvField bad;
  gint64 community;
  Row row;

  if (!parse_row (im->mapping, &im->cols, im->tz, fields, &row, &owned, &bad, &problem))
    {
      g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_MALFORMED,
                   _("%s, line %" PRId64 ", column “%s”: %s Nothing was imported from this "
                     "file."), im->ctx->display_name, cohort_csv_reader_get_line (reader),
                   header[im->cols.col[bad]], problem);
      return FALSE;
    }
  if (!im->zone_decided)
    decide_wall_clock (im, fields);
  if ((community = community_for (im, row.community, error)) == 0)
    return FALSE;
  if (row.member_name != NULL &&
      !cohort_import_tx_member (im->tx, community, row.member_uid, row.member_name, FALSE, error))
    return FALSE;
  remember_name (im, &row);
  switch (im->mapping->kind)
    {
    case COHORT_CSV_KIND_MESSAGES:
      return add_message (im, community, &row, error);
    case COHORT_CSV_KIND_ORDERS:
      return add_order (im, community, &row, error);
    case COHORT_CSV_KIND_MEMBERS:
    case COHORT_CSV_KIND_EVENTS:
    case COHORT_CSV_N_KINDS:
    default:
      return add_membership (im, community, &row, error);
    }
}

/* The mapping from the options, else the one remembered for this header. */
static CohortCsvMapping *
find_mapping (CohortImportTx      *tx,
              CohortImportContext *ctx,
              const char          *signature,
              GError             **error)
{
  g_autofree char *saved = NULL;
  CohortCsvMapping *mapping = NULL;

  if (ctx->options != NULL && ctx->options->csv_mapping != NULL)
    return cohort_csv_mapping_copy (ctx->options->csv_mapping);
  if ((saved = cohort_import_tx_load_csv_mapping (tx, signature)) != NULL)
    mapping = cohort_csv_mapping_deserialize (saved);
  if (mapping == NULL)
    g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_NEEDS_MAPPING,
                 _("%s is a table Cohort has not seen before. Say what its rows are (messages, "
                   "members, membership events or orders) and which column is which; Cohort "
                   "remembers it for the next file with the same columns."), ctx->display_name);
  return mapping;
}

/* Rows, not messages: a table may hold members or orders. */
static void
report_rows (CsvImport       *im,
             CohortCsvReader *reader)
{
  CohortImportContext *ctx = im->ctx;
  goffset done = cohort_csv_reader_get_offset (reader);
  g_autofree char *message = NULL;

  if (ctx->progress == NULL)
    return;
  message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Reading %s: %" PRId64 " row",
                                          "Reading %s: %" PRId64 " rows", im->rows),
                             ctx->display_name, im->rows);
  ctx->progress (ctx->size > 0 ? MIN (1.0, (double)done / ctx->size) : -1, message,
                 ctx->progress_data);
}

static gboolean
import_rows (CsvImport        *im,
             CohortCsvReader  *reader,
             const char      **header,
             GError          **error)
{
  g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
  GError *local_error = NULL;

  while (cohort_csv_reader_next (reader, fields, &local_error))
    {
      if (!add_row (im, reader, header, fields, error))
        return FALSE;
      if (++im->rows % 2000 == 0)
        {
          report_rows (im, reader);
          if (g_cancellable_set_error_if_cancelled (im->ctx->cancellable, error))
            return FALSE;
        }
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  if (im->rows == 0)
    {
      g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_EMPTY,
                   _("%s has a header but no rows."), im->ctx->display_name);
      return FALSE;
    }
  return TRUE;
}

/* The header row, as a GStrv. */
static char **
read_header (CohortCsvReader      *reader,
             CohortImportContext  *ctx,
             GError              **error)
{
  g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
  GError *local_error = NULL;

  if (!cohort_csv_reader_next (reader, fields, &local_error))
    {
      if (local_error == NULL)
        g_set_error (&local_error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_EMPTY,
                     _("%s is empty."), ctx->display_name);
      g_propagate_error (error, local_error);
      return NULL;
    }
  g_ptr_array_add (fields, NULL);
  return (char **)g_ptr_array_steal (fields, NULL);
}

static gboolean
csv_import_init (CsvImport               *im,
                 CohortImportTx          *tx,
                 CohortImportContext     *ctx,
                 const CohortCsvMapping  *mapping,
                 const char * const      *header,
                 GError                 **error)
{
  g_autofree char *problem = NULL;
  char *dot;

  if ((problem = resolve_columns (mapping, header, &im->cols)))
    {
      g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_MALFORMED,
                   _("%s cannot be imported with this mapping: %s"), ctx->display_name, problem);
      return FALSE;
    }
  im->tx = tx;
  im->ctx = ctx;
  im->mapping = mapping;
  im->zone = cohort_import_context_zone (ctx, mapping->tz ? mapping->tz
                                                        : cohort_csv_default_zone ());
  if (!(im->tz = g_time_zone_new_identifier (im->zone)))
    {
      g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_MALFORMED,
                   _("“%s” is not a time zone; use an IANA name such as Asia/Shanghai."), im->zone);
      return FALSE;
    }
  im->default_community = g_strdup (ctx->display_name);
  if ((dot = strrchr (im->default_community, '.')) != NULL && dot != im->default_community)
    *dot = '\0';
  im->communities = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  im->seen = cohort_content_keys_new ();
  im->uid_by_name = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  im->mech = cohort_mech_new ();
  if (mapping->kind == COHORT_CSV_KIND_ORDERS)
    return (im->orders = cohort_order_writer_new (tx, error)) != NULL;
  return TRUE;
}

/* Remembered only once the rows are in, in the same transaction.  With the community they
 * went to, so next month's export of the same table lands beside them; and with the zone
 * their naive times were read in: read in another, the same rows would get other times,
 * other content keys, and import twice. */
static gboolean
remember_mapping (CsvImport         *im,
                  CohortCsvMapping  *mapping,
                  const char        *signature,
                  GError           **error)
{
  g_autofree char *serialized = NULL;

  if (mapping->community == NULL && im->cols.col[COHORT_CSV_FIELD_COMMUNITY] < 0)
    mapping->community = g_strdup (im->default_community);
  if (mapping->tz == NULL)
    mapping->tz = g_strdup (im->zone);
  serialized = cohort_csv_mapping_serialize (mapping);
  return cohort_import_tx_save_csv_mapping (im->tx, signature, serialized, error);
}

static gboolean
csv_import (CohortImportTx      *tx,
            CohortImportContext *ctx,
            GError             **error)
{
  g_autoptr(CohortCsvReader) reader = NULL;
  g_autoptr(CohortCsvMapping) mapping = NULL;
  g_autofree char *signature = NULL;
  g_auto(GStrv) header = NULL;
  CsvImport im = { 0, };
  gboolean ok;

  reader = cohort_csv_reader_new (ctx->stream, ctx->display_name, 0, ctx->cancellable);
  if (!(header = read_header (reader, ctx, error)))
    return FALSE;
  signature = cohort_csv_header_signature ((const char * const *)header);
  if (!(mapping = find_mapping (tx, ctx, signature, error)))
    return FALSE;
  ok = csv_import_init (&im, tx, ctx, mapping, (const char * const *)header, error) &&
       import_rows (&im, reader, (const char **)header, error) &&
       remember_mapping (&im, mapping, signature, error);
  csv_import_clear (&im);
  return ok;
}

/* Counts the fields of the record at *p (quote-aware) and moves *p past it; -1 when a
 * header name is empty or longer than any column name. */
static int
count_fields (const char **p,
              const char  *end,
              char         delimiter,
              gboolean     header)
{
  gboolean in_quotes = FALSE;
  gsize field_len = 0;
  int n = 1;

  for (; *p < end; (*p)++)
    {
      char c = **p;

      if (c == '"')
        in_quotes = !in_quotes;
      else if (!in_quotes && (c == '\n' || c == '\r'))
        break;
      else if (!in_quotes && c == delimiter)
        {
          if (header && field_len == 0)
            return -1;
          n++;
          field_len = 0;
          continue;
        }
      if (!g_ascii_isspace (c))
        field_len++;
      if (header && field_len > 64)
        return -1;
    }
  while (*p < end && (**p == '\n' || **p == '\r'))
    (*p)++;
  return header && field_len == 0 ? -1 : n;
}

/* Any text whose first line splits into two or more column names and whose next record has
 * as many fields (so prose with commas is no table). */
static int
csv_sniff (const guchar       *head,
           gsize               len,
           const char * const *zip_entries)
{
  const char *p = (const char *)head, *end = (const char *)head + len;
  g_autofree char *first = NULL;
  char delimiter;
  int columns, next;

  if (zip_entries != NULL || head == NULL || memchr (head, '\0', len) != NULL)
    return 0;
  if (len >= 3 && memcmp (head, "\xEF\xBB\xBF", 3) == 0)
    p += 3;
  while (p < end && g_ascii_isspace (*p))
    p++;
  if (p == end || *p == '{' || *p == '[' || *p == '<' || memchr (p, '\n', end - p) == NULL)
    return 0;
  first = g_strndup (p, (const char *)memchr (p, '\n', end - p) - p);
  if (!g_utf8_validate (first, -1, NULL) && cohort_csv_detect_encoding (head, len) == NULL)
    return 0;
  delimiter = cohort_csv_detect_delimiter (first, -1);
  if ((columns = count_fields (&p, end, delimiter, TRUE)) < 2)
    return 0;
  if (p == end)
    return SNIFF_SCORE;    /* only a header in the sniffed bytes */
  next = count_fields (&p, end, delimiter, FALSE);
  return next == columns ? SNIFF_SCORE : 0;
}

const CohortFormat cohort_format_csv = {
  "csv",
  N_("Any other CSV table (members, messages, membership events or orders)"),
  N_("Save the sheet as CSV with a header row (Excel: Save As → CSV UTF-8; WPS or Numbers: "
     "Export → CSV). The first time, Cohort asks which column is which and remembers it."),
  csv_sniff,
  csv_import,
};
