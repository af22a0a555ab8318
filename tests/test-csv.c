/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <sqlite3.h>

#include "cohort-csv-reader.h"
#include "cohort-csv.h"
#include "cohort-format.h"
#include "cohort-importer.h"
#include "cohort-store.h"
#include "cohort-test-db.h"

/*
 * Generic CSV import tests.  The fixtures are in tests/data/csv/ (README.md there lists
 * them); every expected value below is worked out by hand from them.  Times are UTC epoch
 * seconds: 2024-03-01T09:00:00+08:00 = 1709254800, and so on (each is spelt out where used).
 */

typedef CohortTestDb Fixture;

/* ------------------------------------------------------------------------------------- */
/* Helpers                                                                               */

static char *
fixture_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", "csv", name, NULL);
}

static CohortImportResult *
import_with (Fixture                *fx,
             const char             *name,
             const CohortCsvMapping *mapping,
             const char             *tz,
             GError                **error)
{
  g_autofree char *path = fixture_path (name);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  CohortImportOptions options = { .tz = tz, .csv_mapping = mapping };

  return cohort_import_file (fx->db, file, &options, NULL, NULL, NULL, error);
}

static CohortImportResult *
import_ok (Fixture                *fx,
           const char             *name,
           const CohortCsvMapping *mapping,
           const char             *tz)
{
  g_autoptr(GError) error = NULL;
  CohortImportResult *result = import_with (fx, name, mapping, tz, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_cmpstr (result->format, ==, "csv");
  return result;
}

/* The mapping the dialog would propose for a fixture (kind and columns guessed). */
static CohortCsvMapping *
guessed_mapping (const char *name)
{
  g_autofree char *path = fixture_path (name);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(CohortCsvPreview) preview = cohort_csv_preview_read (file, 10, NULL, &error);
  const char * const *header;

  g_assert_no_error (error);
  header = (const char * const *)preview->header;
  return cohort_csv_mapping_guess (cohort_csv_guess_kind (header), header);
}

static CohortCsvMapping *
mapping_from (CohortCsvKind  kind,
              const char    *map)
{
  g_autoptr(GError) error = NULL;
  CohortCsvMapping *mapping = cohort_csv_mapping_new (kind);

  g_assert_true (cohort_csv_mapping_parse_map (mapping, map, &error));
  g_assert_no_error (error);
  return mapping;
}

/* One text value of a read-only query; group_concat turns a whole table into one string. */
static char *
sql_text (Fixture    *fx,
          const char *query)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *out = NULL;

  g_assert_cmpint (sqlite3_open_v2 (fx->path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, query, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    out = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return out;
}

#define assert_sql(fx, query, expected) \
  G_STMT_START { \
    g_autofree char *got_ = sql_text ((fx), (query)); \
    g_assert_cmpstr (got_, ==, (expected)); \
  } G_STMT_END

static void
assert_nothing_written (Fixture *fx)
{
  g_assert_cmpint (cohort_db_count (fx->db, "community"), ==, 0);
  g_assert_cmpint (cohort_db_count (fx->db, "member"), ==, 0);
  g_assert_cmpint (cohort_db_count (fx->db, "message"), ==, 0);
  g_assert_cmpint (cohort_db_count (fx->db, "event"), ==, 0);
  g_assert_cmpint (cohort_db_count (fx->db, "orders"), ==, 0);
  g_assert_cmpint (cohort_db_count (fx->db, "csv_mapping"), ==, 0);
}

static void
import_fails (Fixture                *fx,
              const char             *name,
              const CohortCsvMapping *mapping,
              int                     code,
              const char             *fragment)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CohortImportResult) result = import_with (fx, name, mapping, NULL, &error);

  g_assert_null (result);
  g_assert_error (error, COHORT_IMPORT_ERROR, code);
  if (strstr (error->message, fragment) == NULL)
    g_error ("“%s” is not in “%s”", fragment, error->message);
  assert_nothing_written (fx);
}

/* ------------------------------------------------------------------------------------- */
/* The reader                                                                            */

static GPtrArray *
read_all (const char  *text,
          gsize        len,
          char        *delimiter,
          GError     **error)
{
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_data (text, len, NULL);
  g_autoptr(CohortCsvReader) reader = cohort_csv_reader_new (stream, "t.csv", 0, NULL);
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify)g_strfreev);
  g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);

  while (cohort_csv_reader_next (reader, fields, error))
    {
      /* The emptied array takes the next record. */
      g_ptr_array_add (fields, NULL);
      g_ptr_array_add (records, g_ptr_array_steal (fields, NULL));
    }
  *delimiter = cohort_csv_reader_get_delimiter (reader);
  return error != NULL && *error != NULL ? NULL : g_steal_pointer (&records);
}

static void
test_reader_dialects (void)
{
  static const struct { const char *text; char delimiter; } cases[] = {
    { "a,b,c\r\n1,\"x, \"\"y\"\"\",3\r\n", ',' },
    { "\xEF\xBB\xBF" "a;b;c\n1;\"x, \"\"y\"\"\";3\n", ';' },
    { "a\tb\tc\r1\t\"x, \"\"y\"\"\"\t3\r", '\t' },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) records = NULL;
      char delimiter = 0;
      char **row;

      records = read_all (cases[i].text, strlen (cases[i].text), &delimiter, &error);
      g_assert_no_error (error);
      g_assert_cmpint (delimiter, ==, cases[i].delimiter);
      g_assert_cmpuint (records->len, ==, 2);
      g_assert_cmpstrv (records->pdata[0], ((const char * const[]) { "a", "b", "c", NULL }));
      row = records->pdata[1];
      g_assert_cmpstrv (row, ((const char * const[]) { "1", "x, \"y\"", "3", NULL }));
    }
}

static void
test_reader_quoted_newline (void)
{
  static const char text[] = "id,text\n1,\"two\r\nlines\"\n\n2,\"\"\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = NULL;
  char delimiter;

  records = read_all (text, strlen (text), &delimiter, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 3);
  g_assert_cmpstr (((char **)records->pdata[1])[1], ==, "two\nlines");
  g_assert_cmpstr (((char **)records->pdata[2])[1], ==, "");
}

/* A BOM before a quoted field, a line of nothing but a BOM, CR line ends and blank lines. */
static void
test_reader_boms_and_blank_lines (void)
{
  static const char text[] = "\xEF\xBB\xBF\"a\",b\n\xEF\xBB\xBF\n1,2\r\r3,\"x\ry\"\r\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = NULL;
  char delimiter;

  records = read_all (text, strlen (text), &delimiter, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 3);
  g_assert_cmpstrv (records->pdata[0], ((const char * const[]) { "a", "b", NULL }));
  g_assert_cmpstrv (records->pdata[1], ((const char * const[]) { "1", "2", NULL }));
  g_assert_cmpstrv (records->pdata[2], ((const char * const[]) { "3", "x\ny", NULL }));
}

/* Memory stays bounded: a record longer than COHORT_CSV_MAX_RECORD is refused, quoted or not. */
static void
test_reader_long_record (void)
{
  gsize len = COHORT_CSV_MAX_RECORD + 100;
  g_autofree char *plain = g_malloc (len + 1);
  g_autofree char *quoted = NULL;
  g_autoptr(GError) plain_error = NULL, quoted_error = NULL;
  char delimiter;

  memcpy (plain, "a,b\n", 4);
  memset (plain + 4, 'x', len - 4);
  plain[len] = '\0';
  quoted = g_strdup (plain);
  quoted[4] = '"';
  g_assert_null (read_all (plain, len, &delimiter, &plain_error));
  g_assert_error (plain_error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_MALFORMED);
  g_assert_nonnull (strstr (plain_error->message, "line 2: the line is too long"));
  g_assert_null (read_all (quoted, len, &delimiter, &quoted_error));
  g_assert_error (quoted_error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_MALFORMED);
  g_assert_nonnull (strstr (quoted_error->message, "a quoted field is never closed"));
}

static void
test_reader_errors (void)
{
  g_autoptr(GError) truncated = NULL, stray = NULL, binary = NULL;
  char delimiter;

  g_assert_null (read_all ("a,b\n1,\"open\nstill open", 22, &delimiter, &truncated));
  g_assert_error (truncated, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_TRUNCATED);
  g_assert_nonnull (strstr (truncated->message, "line 2"));
  g_assert_null (read_all ("a,b\n\"x\"y,2\n", 10, &delimiter, &stray));
  g_assert_error (stray, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_MALFORMED);
  g_assert_nonnull (strstr (stray->message, "line 2, column 1"));
  g_assert_null (read_all ("a,b\n1\0,2\n", 9, &delimiter, &binary));
  g_assert_error (binary, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_UNSUPPORTED);
}

/* ------------------------------------------------------------------------------------- */
/* Times, guessing, the live check                                                       */

static void
test_parse_time (void)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GTimeZone) shanghai = g_time_zone_new_identifier ("Asia/Shanghai");
  static const struct { const char *text, *format; gint64 ts; } good[] = {
    { "2024-03-01T09:00:00+08:00", NULL, 1709254800 },
    { "2024-03-01T01:05:00Z", "auto", 1709255100 },
    { "2024-03-01 10:00:00", NULL, 1709287200 },
    { "2024/03/01 10:00", NULL, 1709287200 },
    { "2024年03月01日 10:00", NULL, 1709287200 },
    { "2024-03-01", NULL, 1709251200 },
    { "1709287200", NULL, 1709287200 },
    { "1709287200123", NULL, 1709287200 },
    { "1709287200", "epoch", 1709287200 },
    { "1709287200999", "epoch_ms", 1709287200 },
    { "01/03/2024 10:00", "DD/MM/YYYY HH:mm", 1709287200 },
    { "3/1/2024 10:00:00", "MM/DD/YYYY HH:mm:ss", 1709287200 },
  };
  static const struct { const char *text, *format; } bad[] = {
    { "2024-13-01", "YYYY-MM-DD" }, { "2024-02-30", NULL }, { "yesterday", NULL },
    { "", NULL }, { "01/03/2024", NULL }, { "2024-03-01 10:00 extra", "YYYY-MM-DD HH:mm" },
  };
  gint64 ts;

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      ts = 0;
      g_assert_true (cohort_csv_parse_time (good[i].text, good[i].format, utc, &ts));
      g_assert_cmpint (ts, ==, good[i].ts);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    g_assert_false (cohort_csv_parse_time (bad[i].text, bad[i].format, utc, &ts));
  /* A naive time is read in the mapping's zone; an offset wins over it. */
  g_assert_true (cohort_csv_parse_time ("2024-03-02 08:00", NULL, shanghai, &ts));
  g_assert_cmpint (ts, ==, 1709337600);
  g_assert_true (cohort_csv_parse_time ("2024-03-01T01:05:00Z", NULL, shanghai, &ts));
  g_assert_cmpint (ts, ==, 1709255100);
}

static void
test_guess (void)
{
  static const char * const english[] = { "MessageID", "UserID", "Name", "Time", "Content",
                                          "ReplyTo", NULL };
  static const char * const chinese[] = { "发送时间", "昵称", "内容", NULL };
  static const char * const orders[] = { "订单号", "用户ID", "昵称", "下单时间", "金额", "状态",
                                         "活动", "渠道", NULL };
  static const char * const members[] = { "UserID", "Nickname", "Joined", "Left", "Invited by",
                                          "Channel", NULL };
  static const char * const events[] = { "user_id", "Name", "Time", "Event", "Inviter", NULL };
  /* Full-width letters, an ideographic space and a no-break space, as spreadsheets write them. */
  static const char * const wide[] = { "用户ＩＤ", "昵\u3000称", "Time\u00a0", "金额", NULL };
  g_autoptr(CohortCsvMapping) m = NULL;

  g_assert_cmpint (cohort_csv_guess_kind (english), ==, COHORT_CSV_KIND_MESSAGES);
  g_assert_cmpint (cohort_csv_guess_kind (chinese), ==, COHORT_CSV_KIND_MESSAGES);
  g_assert_cmpint (cohort_csv_guess_kind (orders), ==, COHORT_CSV_KIND_ORDERS);
  g_assert_cmpint (cohort_csv_guess_kind (members), ==, COHORT_CSV_KIND_MEMBERS);
  g_assert_cmpint (cohort_csv_guess_kind (events), ==, COHORT_CSV_KIND_EVENTS);

  m = cohort_csv_mapping_guess (COHORT_CSV_KIND_MESSAGES, english);
  g_assert_cmpstr (m->columns[COHORT_CSV_FIELD_MESSAGE_ID], ==, "MessageID");
  g_assert_cmpstr (m->columns[COHORT_CSV_FIELD_MEMBER_ID], ==, "UserID");
  g_assert_cmpstr (m->columns[COHORT_CSV_FIELD_MEMBER_NAME], ==, "Name");
  g_assert_cmpstr (m->columns[COHORT_CSV_FIELD_TS], ==, "Time");
  g_assert_cmpstr (m->columns[COHORT_CSV_FIELD_TEXT], ==, "Content");
  g_assert_cmpstr (m->columns[COHORT_CSV_FIELD_REPLY_TO], ==, "ReplyTo");
  g_clear_pointer (&m, cohort_csv_mapping_free);

  m = cohort_csv_mapping_guess (COHORT_CSV_KIND_MESSAGES, chinese);
  g_assert_cmpstr (m->columns[COHORT_CSV_FIELD_TS], ==, "发送时间");
  g_assert_cmpstr (m->columns[COHORT_CSV_FIELD_MEMBER_NAME], ==, "昵称");
  g_assert_cmpstr (m->columns[COHORT_CSV_FIELD_TEXT], ==, "内容");
  g_assert_null (m->columns[COHORT_CSV_FIELD_MEMBER_ID]);
  g_clear_pointer (&m, cohort_csv_mapping_free);

  m = cohort_csv_mapping_guess (COHORT_CSV_KIND_ORDERS, orders);
  g_assert_cmpstr (m->columns[COHORT_CSV_FIELD_ORDER_ID], ==, "订单号");
  g_assert_cmpstr (m->columns[COHORT_CSV_FIELD_MEMBER_ID], ==, "用户ID");
  g_assert_cmpstr (m->columns[COHORT_CSV_FIELD_MEMBER_NAME], ==, "昵称");
  g_assert_cmpstr (m->columns[COHORT_CSV_FIELD_TS], ==, "下单时间");
  g_assert_cmpstr (m->columns[COHORT_CSV_FIELD_AMOUNT], ==, "金额");
  g_assert_cmpstr (m->columns[COHORT_CSV_FIELD_STATUS], ==, "状态");
  g_assert_cmpstr (m->columns[COHORT_CSV_FIELD_CAMPAIGN], ==, "活动");
  g_assert_cmpstr (m->columns[COHORT_CSV_FIELD_CHANNEL], ==, "渠道");
  g_assert_null (m->columns[COHORT_CSV_FIELD_TEXT]);   /* not a field of orders */
  g_clear_pointer (&m, cohort_csv_mapping_free);

  m = cohort_csv_mapping_guess (COHORT_CSV_KIND_MEMBERS, members);
  g_assert_cmpstr (m->columns[COHORT_CSV_FIELD_JOIN_TS], ==, "Joined");
  g_assert_cmpstr (m->columns[COHORT_CSV_FIELD_LEAVE_TS], ==, "Left");
  g_assert_cmpstr (m->columns[COHORT_CSV_FIELD_INVITER], ==, "Invited by");
  g_assert_cmpstr (m->columns[COHORT_CSV_FIELD_MEMBER_NAME], ==, "Nickname");
  g_clear_pointer (&m, cohort_csv_mapping_free);

  m = cohort_csv_mapping_guess (COHORT_CSV_KIND_EVENTS, events);
  g_assert_cmpstr (m->columns[COHORT_CSV_FIELD_MEMBER_ID], ==, "user_id");
  g_assert_cmpstr (m->columns[COHORT_CSV_FIELD_EVENT_TYPE], ==, "Event");
  g_assert_cmpstr (m->columns[COHORT_CSV_FIELD_INVITER], ==, "Inviter");
  g_clear_pointer (&m, cohort_csv_mapping_free);

  m = cohort_csv_mapping_guess (COHORT_CSV_KIND_ORDERS, wide);
  g_assert_cmpstr (m->columns[COHORT_CSV_FIELD_MEMBER_ID], ==, "用户ＩＤ");
  g_assert_cmpstr (m->columns[COHORT_CSV_FIELD_MEMBER_NAME], ==, "昵\u3000称");
  g_assert_cmpstr (m->columns[COHORT_CSV_FIELD_TS], ==, "Time\u00a0");
  g_assert_cmpstr (m->columns[COHORT_CSV_FIELD_AMOUNT], ==, "金额");
}

static void
test_check (void)
{
  g_autofree char *path = fixture_path ("bad-date.csv");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(CohortCsvPreview) preview = cohort_csv_preview_read (file, 10, NULL, &error);
  g_autoptr(CohortCsvMapping) m = NULL;
  g_autofree char *strict = NULL, *automatic = NULL, *no_member = NULL, *missing = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (preview->rows->len, ==, 3);
  m = mapping_from (COHORT_CSV_KIND_MESSAGES, "member_id=UserID,ts=Time,text=Content");
  m->date_format = g_strdup ("YYYY-MM-DD");
  strict = cohort_csv_mapping_check (m, preview);
  g_assert_cmpstr (strict, ==, "Row 3: “2024-13-01” is not a date in the format YYYY-MM-DD.");
  g_clear_pointer (&m->date_format, g_free);
  automatic = cohort_csv_mapping_check (m, preview);
  g_assert_true (g_str_has_prefix (automatic, "Row 3: “2024-13-01” is not a date Cohort recognises"));

  cohort_csv_mapping_set_column (m, COHORT_CSV_FIELD_MEMBER_ID, NULL);
  no_member = cohort_csv_mapping_check (m, preview);
  g_assert_cmpstr (no_member, ==, "Choose the column that holds the member ID or the member name.");
  cohort_csv_mapping_set_column (m, COHORT_CSV_FIELD_MEMBER_ID, "Author");
  missing = cohort_csv_mapping_check (m, preview);
  g_assert_cmpstr (missing, ==, "There is no column “Author” (chosen for Member ID).");

  /* Rows 1 and 2 alone are fine. */
  g_ptr_array_set_size (preview->rows, 2);
  cohort_csv_mapping_set_column (m, COHORT_CSV_FIELD_MEMBER_ID, "UserID");
  g_assert_null (cohort_csv_mapping_check (m, preview));
}

static void
test_mapping_roundtrip (void)
{
  g_autoptr(CohortCsvMapping) m = mapping_from (COHORT_CSV_KIND_ORDERS,
                                                "order_id=订单号, member_name = Name;x ,amount=A=B");
  g_autoptr(CohortCsvMapping) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  m->community = g_strdup ("Shop 群");
  m->date_format = g_strdup ("DD/MM/YYYY");
  m->tz = g_strdup ("Asia/Shanghai");
  text = cohort_csv_mapping_serialize (m);
  back = cohort_csv_mapping_deserialize (text);
  g_assert_nonnull (back);
  g_assert_cmpint (back->kind, ==, COHORT_CSV_KIND_ORDERS);
  g_assert_cmpstr (back->columns[COHORT_CSV_FIELD_ORDER_ID], ==, "订单号");
  g_assert_cmpstr (back->columns[COHORT_CSV_FIELD_MEMBER_NAME], ==, "Name;x");
  g_assert_cmpstr (back->columns[COHORT_CSV_FIELD_AMOUNT], ==, "A=B");
  g_assert_null (back->columns[COHORT_CSV_FIELD_TS]);
  g_assert_cmpstr (back->community, ==, "Shop 群");
  g_assert_cmpstr (back->date_format, ==, "DD/MM/YYYY");
  g_assert_cmpstr (back->tz, ==, "Asia/Shanghai");
  g_assert_null (cohort_csv_mapping_deserialize ("[mapping]\nkind=pets\n"));
  g_assert_false (cohort_csv_mapping_parse_map (m, "colour=Red", &error));
  g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
}

/* ------------------------------------------------------------------------------------- */
/* Imports                                                                               */

static void
test_needs_mapping (Fixture       *fx,
                    gconstpointer  data)
{
  import_fails (fx, "messages-ids.csv", NULL, COHORT_IMPORT_ERROR_NEEDS_MAPPING,
                "messages-ids.csv is a table Cohort has not seen before");
  /* A question, not a failed import: the history stays empty. */
  g_assert_cmpint (cohort_db_count (fx->db, "import_run"), ==, 0);
}

/* Platform ids, an offset, a naive time (UTC by default), a quoted newline, doubled quotes,
 * replies; then the saved mapping imports the same file again without being asked. */
static void
test_messages_with_ids (Fixture       *fx,
                        gconstpointer  data)
{
  g_autoptr(CohortCsvMapping) m = mapping_from (COHORT_CSV_KIND_MESSAGES,
                                                "message_id=MessageID,member_id=UserID,"
                                                "member_name=Name,ts=Time,text=Content,"
                                                "reply_to=ReplyTo");
  g_autoptr(CohortImportResult) first = import_ok (fx, "messages-ids.csv", m, NULL);
  g_autoptr(CohortImportResult) again = NULL;

  g_assert_cmpint (first->counts.communities, ==, 1);
  g_assert_cmpint (first->counts.messages_added, ==, 3);
  g_assert_cmpint (first->counts.members_added, ==, 2);
  /* The first row names its offset: no wall-clock times. */
  assert_sql (fx, "SELECT group_concat(platform || '/' || platform_id || '/' || name || '/' || tz "
                  "|| '/' || wall_clock, ';') FROM community", "csv/messages-ids/messages-ids/UTC/0");
  assert_sql (fx, "SELECT group_concat(platform_uid || '=' || display_name, ';') FROM "
                  "(SELECT * FROM member ORDER BY platform_uid)", "u1=Alice;u2=Bob");
  assert_sql (fx, "SELECT group_concat(m.platform_msg_id || '|' || u.platform_uid || '|' || m.ts "
                  "|| '|' || coalesce(m.reply_to, '-') || '|' || m.length, ';') FROM "
                  "(SELECT * FROM message ORDER BY platform_msg_id) m JOIN member u ON u.id = m.member",
              "m1|u1|1709254800|-|15;m2|u2|1709255100|m1|21;m3|u1|1709287200|m2|14");
  assert_sql (fx, "SELECT text FROM message WHERE platform_msg_id = 'm2'", "Hi Alice\nhow are you?");
  assert_sql (fx, "SELECT text FROM message WHERE platform_msg_id = 'm3'", "She said \"yes\"");
  g_assert_cmpint (cohort_db_count (fx->db, "csv_mapping"), ==, 1);

  again = import_ok (fx, "messages-ids.csv", NULL, NULL);
  g_assert_cmpint (again->counts.messages_added, ==, 0);
  g_assert_cmpint (again->counts.members_added, ==, 0);
  g_assert_cmpint (again->counts.messages_present, ==, 3);
  g_assert_cmpint (cohort_db_count (fx->db, "message"), ==, 3);
}

/* No ids: semicolons, a BOM, CRLF, naive times in Asia/Shanghai, two identical rows that
 * stay two messages, and a re-import that adds nothing (content keys). */
static void
test_messages_without_ids (Fixture       *fx,
                           gconstpointer  data)
{
  g_autoptr(CohortCsvMapping) m = guessed_mapping ("messages-noid.csv");
  g_autoptr(CohortImportResult) first = NULL, again = NULL;

  g_assert_cmpint (m->kind, ==, COHORT_CSV_KIND_MESSAGES);
  g_assert_cmpstr (m->columns[COHORT_CSV_FIELD_MEMBER_NAME], ==, "User");
  first = import_ok (fx, "messages-noid.csv", m, "Asia/Shanghai");
  g_assert_cmpint (first->counts.messages_added, ==, 4);
  g_assert_cmpint (first->counts.members_added, ==, 3);
  /* Naive times: a wall-clock community, whose times move if its zone is changed later. */
  assert_sql (fx, "SELECT tz || '/' || wall_clock FROM community", "Asia/Shanghai/1");
  /* 08:00 and 08:01 and 09:30 in Shanghai are 00:00, 00:01 and 01:30 UTC on 2024-03-02. */
  assert_sql (fx, "SELECT group_concat(u.platform_uid || '|' || m.ts || '|' || m.text, ';') FROM "
                  "(SELECT * FROM message ORDER BY ts, id) m JOIN member u ON u.id = m.member",
              "Alice|1709337600|good morning;Alice|1709337600|good morning;"
              "Bob|1709337660|morning; coffee?;Carol|1709343000|hi");
  assert_sql (fx, "SELECT count(*) FROM message WHERE platform_msg_id LIKE 'c:%'", "4");

  again = import_ok (fx, "messages-noid.csv", m, "Asia/Shanghai");
  g_assert_cmpint (again->counts.messages_added, ==, 0);
  g_assert_cmpint (again->counts.messages_present, ==, 4);
  g_assert_cmpint (cohort_db_count (fx->db, "message"), ==, 4);

  /* The saved mapping remembers the zone: without --tz the same times, the same keys. */
  g_clear_pointer (&again, cohort_import_result_free);
  again = import_ok (fx, "messages-noid.csv", NULL, NULL);
  g_assert_cmpint (again->counts.messages_added, ==, 0);
  g_assert_cmpint (again->counts.messages_present, ==, 4);
}

/* Tabs, Chinese headers, a quoted newline in Chinese text, slashes in the dates. */
static void
test_messages_chinese (Fixture       *fx,
                       gconstpointer  data)
{
  g_autoptr(CohortCsvMapping) m = guessed_mapping ("messages-zh.tsv");
  g_autoptr(CohortImportResult) result = NULL;

  m->community = g_strdup ("产品交流群");
  result = import_ok (fx, "messages-zh.tsv", m, NULL);
  g_assert_cmpint (result->counts.messages_added, ==, 2);
  assert_sql (fx, "SELECT name FROM community", "产品交流群");
  assert_sql (fx, "SELECT group_concat(u.display_name || '|' || m.ts || '|' || m.text, ';') FROM "
                  "(SELECT * FROM message ORDER BY ts) m JOIN member u ON u.id = m.member",
              "小明|1709668800|大家好;小红|1709668860|你好\n欢迎");
}

/* What Chinese Excel and WPS save as “CSV (逗号分隔)”: GB18030, CRLF. */
static void
test_messages_gb18030 (Fixture       *fx,
                       gconstpointer  data)
{
  g_autoptr(CohortCsvMapping) m = guessed_mapping ("messages-gbk.csv");
  g_autoptr(CohortImportResult) result = NULL, again = NULL;

  g_assert_cmpint (m->kind, ==, COHORT_CSV_KIND_MESSAGES);
  g_assert_cmpstr (m->columns[COHORT_CSV_FIELD_TS], ==, "时间");
  g_assert_cmpstr (m->columns[COHORT_CSV_FIELD_MEMBER_NAME], ==, "昵称");
  result = import_ok (fx, "messages-gbk.csv", m, NULL);
  g_assert_cmpint (result->counts.messages_added, ==, 2);
  assert_sql (fx, "SELECT group_concat(u.display_name || '|' || m.ts || '|' || m.text, ';') FROM "
                  "(SELECT * FROM message ORDER BY ts) m JOIN member u ON u.id = m.member",
              "小明|1709668800|大家好;小红|1709668860|你好，欢迎");
  again = import_ok (fx, "messages-gbk.csv", NULL, NULL);
  g_assert_cmpint (again->counts.messages_added, ==, 0);
}

/* A roster: joins, a leave, an invitation, and a member with neither. */
static void
test_members (Fixture       *fx,
              gconstpointer  data)
{
  g_autoptr(CohortCsvMapping) m = guessed_mapping ("members.csv");
  g_autoptr(CohortImportResult) result = NULL, again = NULL;

  g_assert_cmpint (m->kind, ==, COHORT_CSV_KIND_MEMBERS);
  result = import_ok (fx, "members.csv", m, NULL);
  g_assert_cmpint (result->counts.members_added, ==, 3);
  g_assert_cmpint (result->counts.events_added, ==, 3);
  g_assert_cmpint (result->counts.invites_added, ==, 1);
  /* 2024-01-10 = 1704844800; 2024-01-12 12:00 = 1705060800; 2024-02-01 08:00 = 1706774400 */
  assert_sql (fx, "SELECT group_concat(u.platform_uid || '|' || e.type || '|' || e.ts || '|' || "
                  "coalesce(e.ref, '-'), ';') FROM (SELECT * FROM event ORDER BY ts) e "
                  "JOIN member u ON u.id = e.member",
              "u1|join|1704844800|-;u2|join|1705060800|poster;u2|leave|1706774400|-");
  assert_sql (fx, "SELECT group_concat(a.platform_uid || '>' || b.platform_uid || '|' || i.ts || '|' "
                  "|| i.channel, ';') FROM invite i JOIN member a ON a.id = i.inviter "
                  "JOIN member b ON b.id = i.invitee", "u1>u2|1705060800|poster");
  assert_sql (fx, "SELECT group_concat(u.platform_uid || '|' || s.start_ts || '|' || "
                  "coalesce(s.end_ts, 'open') || '|' || s.start_kind || '|' || coalesce(s.end_kind, '-'), ';') "
                  "FROM (SELECT * FROM span ORDER BY start_ts) s JOIN member u ON u.id = s.member",
              "u1|1704844800|open|join|-;u2|1705060800|1706774400|join|leave");
  assert_sql (fx, "SELECT display_name FROM member WHERE platform_uid = 'u3'", "Carol");

  again = import_ok (fx, "members.csv", NULL, NULL);
  g_assert_cmpint (again->counts.members_added + again->counts.events_added +
                   again->counts.invites_added, ==, 0);
}

/* Joins (English and Chinese), a leave, a kick, a rejoin, invitations. */
static void
test_events (Fixture       *fx,
             gconstpointer  data)
{
  g_autoptr(CohortCsvMapping) m = guessed_mapping ("events.csv");
  g_autoptr(CohortImportResult) result = NULL;

  g_assert_cmpint (m->kind, ==, COHORT_CSV_KIND_EVENTS);
  result = import_ok (fx, "events.csv", m, NULL);
  g_assert_cmpint (result->counts.members_added, ==, 3);
  g_assert_cmpint (result->counts.events_added, ==, 6);
  g_assert_cmpint (result->counts.invites_added, ==, 2);
  assert_sql (fx, "SELECT group_concat(u.platform_uid || '|' || e.type || '|' || e.ts, ';') "
                  "FROM (SELECT * FROM event ORDER BY ts) e JOIN member u ON u.id = e.member",
              "u1|join|1711965600;u2|join|1711969200;u3|join|1712059200;u2|leave|1712134800;"
              "u3|kick|1712318400;u2|join|1712739600");
  assert_sql (fx, "SELECT group_concat(a.platform_uid || '>' || b.platform_uid || '|' || i.ts || '|' "
                  "|| coalesce(i.channel, '-'), ';') FROM (SELECT * FROM invite ORDER BY ts) i "
                  "JOIN member a ON a.id = i.inviter JOIN member b ON b.id = i.invitee",
              "u1>u2|1711969200|-;u1>u3|1712059200|link");
  assert_sql (fx, "SELECT group_concat(u.platform_uid || '|' || s.start_ts || '|' || "
                  "coalesce(s.end_ts, 'open') || '|' || s.start_kind || '|' || coalesce(s.end_kind, '-'), ';') "
                  "FROM (SELECT * FROM span ORDER BY start_ts) s JOIN member u ON u.id = s.member",
              "u1|1711965600|open|join|-;u2|1711969200|1712134800|join|leave;"
              "u3|1712059200|1712318400|join|kick;u2|1712739600|open|rejoin|-");
}

/* Inviters named by display name: Alice is u1 (seen with her id above); Dana never appears
 * with an id, so she is known by her name. */
static void
test_events_inviter_names (Fixture       *fx,
                           gconstpointer  data)
{
  g_autoptr(CohortCsvMapping) m = guessed_mapping ("events-inviter-names.csv");
  g_autoptr(CohortImportResult) result = import_ok (fx, "events-inviter-names.csv", m, NULL);

  g_assert_cmpint (result->counts.invites_added, ==, 2);
  assert_sql (fx, "SELECT group_concat(a.platform_uid || '>' || b.platform_uid, ';') FROM "
                  "(SELECT * FROM invite ORDER BY ts) i JOIN member a ON a.id = i.inviter "
                  "JOIN member b ON b.id = i.invitee", "u1>u2;Dana>u3");
  g_assert_cmpint (cohort_db_count (fx->db, "member"), ==, 4);
}

/* Chinese headers and statuses, a currency sign with grouping, then a later export where the
 * first order was refunded: same header, so the saved mapping reads it. */
static void
test_orders (Fixture       *fx,
             gconstpointer  data)
{
  g_autoptr(CohortCsvMapping) m = guessed_mapping ("orders.csv");
  g_autoptr(CohortImportResult) result = NULL, again = NULL, refund = NULL;

  g_assert_cmpint (m->kind, ==, COHORT_CSV_KIND_ORDERS);
  result = import_ok (fx, "orders.csv", m, NULL);
  g_assert_cmpint (result->counts.orders_added, ==, 3);
  g_assert_cmpint (result->counts.members_added, ==, 2);
  assert_sql (fx, "SELECT group_concat(o.platform_order_id || '|' || u.platform_uid || '|' || o.ts "
                  "|| '|' || printf('%.2f', o.amount) || '|' || o.status || '|' || "
                  "coalesce(o.campaign, '-') || '|' || coalesce(o.channel, '-'), ';') FROM "
                  "(SELECT * FROM orders ORDER BY platform_order_id) o JOIN member u ON u.id = o.member",
              "A001|u1|1714557600|1299.00|paid|618|wechat;A002|u2|1714649400|99.50|refunded|-|-;"
              "A003|u1|1714737600|15.00|cancelled|-|-");

  again = import_ok (fx, "orders.csv", NULL, NULL);
  g_assert_cmpint (again->counts.orders_added, ==, 0);
  refund = import_ok (fx, "orders-refunded.csv", NULL, NULL);
  g_assert_cmpint (refund->counts.orders_added, ==, 1);
  g_assert_cmpint (cohort_db_count (fx->db, "orders"), ==, 3);
  g_assert_cmpint (cohort_db_count (fx->db, "community"), ==, 1);   /* remembered with the mapping */
  assert_sql (fx, "SELECT status FROM orders WHERE platform_order_id = 'A001'", "refunded");
}

/* Removing an import from the history takes its orders and the members only they needed. */
static void
test_orders_remove_import (Fixture       *fx,
                           gconstpointer  data)
{
  g_autoptr(CohortCsvMapping) m = guessed_mapping ("orders.csv");
  g_autoptr(CohortCsvMapping) roster = guessed_mapping ("members.csv");
  g_autoptr(CohortImportResult) orders = import_ok (fx, "orders.csv", m, NULL);
  g_autoptr(CohortImportResult) members = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *orders_run = sql_text (fx, "SELECT max(id) FROM import_run");
  g_autofree char *members_run = NULL;

  /* The roster goes to the same community, where u1 already is (from the orders). */
  roster->community = g_strdup ("orders");
  members = import_ok (fx, "members.csv", roster, NULL);
  members_run = sql_text (fx, "SELECT max(id) FROM import_run");
  g_assert_cmpint (cohort_db_count (fx->db, "member"), ==, 3);

  /* Without the roster, u1 stays: the orders still need it (u3 only the roster). */
  g_assert_true (cohort_db_remove_import (fx->db, g_ascii_strtoll (members_run, NULL, 10), NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (cohort_db_count (fx->db, "orders"), ==, 3);
  assert_sql (fx, "SELECT group_concat(platform_uid, ',') FROM (SELECT * FROM member ORDER BY platform_uid)",
              "u1,u2");
  g_assert_true (cohort_db_remove_import (fx->db, g_ascii_strtoll (orders_run, NULL, 10), NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (cohort_db_count (fx->db, "orders"), ==, 0);
  g_assert_cmpint (cohort_db_count (fx->db, "member"), ==, 0);
  g_assert_cmpint (cohort_db_count (fx->db, "community"), ==, 0);
}

/* No order ids: two identical rows stay two orders, a decimal comma, and re-importing adds
 * nothing. */
static void
test_orders_without_ids (Fixture       *fx,
                         gconstpointer  data)
{
  g_autoptr(CohortCsvMapping) m = guessed_mapping ("orders-noid.tsv");
  g_autoptr(CohortImportResult) result = NULL, again = NULL;

  g_assert_cmpint (m->kind, ==, COHORT_CSV_KIND_ORDERS);
  result = import_ok (fx, "orders-noid.tsv", m, NULL);
  g_assert_cmpint (result->counts.orders_added, ==, 3);
  assert_sql (fx, "SELECT group_concat(u.platform_uid || '|' || o.ts || '|' || o.amount || '|' || "
                  "o.status, ';') FROM (SELECT * FROM orders ORDER BY ts, id) o "
                  "JOIN member u ON u.id = o.member",
              "Alice|1714521600|20.0|paid;Alice|1714521600|20.0|paid;Bob|1714608000|35.5|refunded");
  again = import_ok (fx, "orders-noid.tsv", NULL, NULL);
  g_assert_cmpint (again->counts.orders_added, ==, 0);
  g_assert_cmpint (cohort_db_count (fx->db, "orders"), ==, 3);
}

static void
test_bad_date (Fixture       *fx,
               gconstpointer  data)
{
  g_autoptr(CohortCsvMapping) m = mapping_from (COHORT_CSV_KIND_MESSAGES,
                                                "member_id=UserID,ts=Time,text=Content");

  m->date_format = g_strdup ("YYYY-MM-DD");
  import_fails (fx, "bad-date.csv", m, COHORT_IMPORT_ERROR_MALFORMED,
                "bad-date.csv, line 4, column “Time”: “2024-13-01” is not a date in the format "
                "YYYY-MM-DD.");
}

static void
test_bad_status (Fixture       *fx,
                 gconstpointer  data)
{
  g_autoptr(CohortCsvMapping) m = guessed_mapping ("bad-status.csv");

  import_fails (fx, "bad-status.csv", m, COHORT_IMPORT_ERROR_MALFORMED,
                "line 3, column “Status”: “pending” is not an order status");
}

static void
test_missing_column (Fixture       *fx,
                     gconstpointer  data)
{
  g_autoptr(CohortCsvMapping) m = mapping_from (COHORT_CSV_KIND_MESSAGES,
                                                "member_id=UserID,ts=Time,text=Body");
  g_autoptr(CohortCsvMapping) no_time = mapping_from (COHORT_CSV_KIND_MESSAGES,
                                                      "member_id=UserID,text=Content");

  import_fails (fx, "messages-ids.csv", m, COHORT_IMPORT_ERROR_MALFORMED,
                "There is no column “Body” (chosen for Message text).");
  import_fails (fx, "messages-ids.csv", no_time, COHORT_IMPORT_ERROR_MALFORMED,
                "Choose the column that holds Date and time.");
}

static void
test_truncated (Fixture       *fx,
                gconstpointer  data)
{
  g_autoptr(CohortCsvMapping) m = mapping_from (COHORT_CSV_KIND_MESSAGES,
                                                "member_id=UserID,ts=Time,text=Content");

  import_fails (fx, "truncated.csv", m, COHORT_IMPORT_ERROR_TRUNCATED,
                "truncated.csv ends inside a quoted field that starts at line 3.");
}

static void
test_header_only (Fixture       *fx,
                  gconstpointer  data)
{
  g_autoptr(CohortCsvMapping) m = mapping_from (COHORT_CSV_KIND_MESSAGES,
                                                "member_id=UserID,ts=Time,text=Content");

  import_fails (fx, "header-only.csv", m, COHORT_IMPORT_ERROR_EMPTY, "has a header but no rows");
}

/* A binary file is no table: detection lists what is supported, and even with a mapping the
 * reader refuses it. */
static void
test_binary (Fixture       *fx,
             gconstpointer  data)
{
  g_autoptr(CohortCsvMapping) m = mapping_from (COHORT_CSV_KIND_MESSAGES, "member_id=a,ts=b");
  g_autofree char *path = fixture_path ("binary.csv");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  CohortImportOptions forced = { .format = "csv", .csv_mapping = m };
  g_autoptr(GError) error = NULL;

  import_fails (fx, "binary.csv", NULL, COHORT_IMPORT_ERROR_UNSUPPORTED,
                "Any other CSV table");
  g_assert_null (cohort_import_file (fx->db, file, &forced, NULL, NULL, NULL, &error));
  g_assert_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "CSV UTF-8"));
  assert_nothing_written (fx);
}

/* Every specific format still wins over the generic table. */
static void
test_sniff (void)
{
  static const struct { const char *head; int score; } cases[] = {
    { "UserID,Time,Content\nu1,2024-01-01,hi\n", 5 },
    { "\xEF\xBB\xBFUser;Time\r\nAlice;x\r\n", 5 },
    { "a\tb\n", 5 },
    { "It was a bright cold day in April, and the clocks\nwere striking thirteen.\n", 0 },
    { "{\"a\": 1,\n\"b\": 2}\n", 0 },
    { "single column\nvalue\n", 0 },
    { "a,,c\n1,2,3\n", 0 },
    { "\xCA\xB1\xBC\xE4,\xEA\xC7\xB3\xC6\n1,2\n", 5 },   /* 时间,昵称 in GB18030 */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpint (cohort_format_csv.sniff ((const guchar *)cases[i].head,
                                              strlen (cases[i].head), NULL), ==, cases[i].score);
  g_assert_cmpint (cohort_format_csv.sniff ((const guchar *)"a,b\n1,2\n", 8,
                                            (const char * const[]) { "x.json", NULL }), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cohort/csv/reader-dialects", test_reader_dialects);
  g_test_add_func ("/cohort/csv/reader-quoted-newline", test_reader_quoted_newline);
  g_test_add_func ("/cohort/csv/reader-boms-and-blank-lines", test_reader_boms_and_blank_lines);
  g_test_add_func ("/cohort/csv/reader-long-record", test_reader_long_record);
  g_test_add_func ("/cohort/csv/reader-errors", test_reader_errors);
  g_test_add_func ("/cohort/csv/parse-time", test_parse_time);
  g_test_add_func ("/cohort/csv/guess", test_guess);
  g_test_add_func ("/cohort/csv/check", test_check);
  g_test_add_func ("/cohort/csv/mapping-roundtrip", test_mapping_roundtrip);
  g_test_add_func ("/cohort/csv/sniff", test_sniff);
#define ADD(path, func) \
  g_test_add ("/cohort/csv/" path, Fixture, NULL, cohort_test_db_setup, func, cohort_test_db_teardown)
  ADD ("needs-mapping", test_needs_mapping);
  ADD ("messages-with-ids", test_messages_with_ids);
  ADD ("messages-without-ids", test_messages_without_ids);
  ADD ("messages-chinese", test_messages_chinese);
  ADD ("messages-gb18030", test_messages_gb18030);
  ADD ("members", test_members);
  ADD ("events", test_events);
  ADD ("events-inviter-names", test_events_inviter_names);
  ADD ("orders", test_orders);
  ADD ("orders-without-ids", test_orders_without_ids);
  ADD ("orders-remove-import", test_orders_remove_import);
  ADD ("bad-date", test_bad_date);
  ADD ("bad-status", test_bad_status);
  ADD ("missing-column", test_missing_column);
  ADD ("truncated", test_truncated);
  ADD ("header-only", test_header_only);
  ADD ("binary", test_binary);
#undef ADD

  return g_test_run ();
}
