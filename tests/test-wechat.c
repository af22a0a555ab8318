/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "cohort-test-db.h"
#include "cohort-format.h"
#include "cohort-importer.h"
#include "cohort-store.h"

/*
 * WeChat export importer tests (WeChatMsg/MemoTrace CSV and TXT, WeFlow/EchoTrace JSON).
 * Every expected number is derived by hand in tests/data/wechat/README.md.
 */

typedef CohortTestDb Fixture;

static char *
fixture_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", "wechat", name, NULL);
}

static CohortImportResult *
import_path (CohortDb      *db,
             const char    *path,
             const char    *format,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  CohortImportOptions options = { NULL, format, NULL };

  return cohort_import_file (db, file, &options, NULL, NULL, cancellable, error);
}

static CohortImportResult *
import_fixture (CohortDb   *db,
                const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = fixture_path (name);
  CohortImportResult *result = import_path (db, path, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_cmpstr (result->format, ==, "wechat");
  return result;
}

static CohortCommunityInfo *
only_info (CohortDb  *db,
           GPtrArray **keep)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *list = cohort_db_list_communities (db, &error);

  g_assert_no_error (error);
  g_assert_nonnull (list);
  g_assert_cmpuint (list->len, ==, 1);
  *keep = list;
  return g_ptr_array_index (list, 0);
}

typedef struct
{
  const char *name;
  const char *platform_id;
  gint64 members;
  gint64 posting_members;
  gint64 messages;
  gint64 mechanical_messages;
  gint64 system_messages;
  gint64 joins;
  gint64 leaves;
  gint64 invites;
  gint64 first_message;
  gint64 last_message;
} Expected;

static void
check_info (const CohortCommunityInfo *info,
            const Expected            *e)
{
  g_test_message ("checking community %s (%s)", info->name, info->platform_id);
  g_assert_cmpstr (info->platform, ==, "wechat");
  g_assert_cmpstr (info->name, ==, e->name);
  g_assert_cmpstr (info->platform_id, ==, e->platform_id);
  g_assert_cmpstr (info->tz, ==, "Asia/Shanghai");
  g_assert_cmpint (info->members, ==, e->members);
  g_assert_cmpint (info->posting_members, ==, e->posting_members);
  g_assert_cmpint (info->messages, ==, e->messages);
  g_assert_cmpint (info->mechanical_messages, ==, e->mechanical_messages);
  g_assert_cmpint (info->system_messages, ==, e->system_messages);
  g_assert_cmpint (info->joins, ==, e->joins);
  g_assert_cmpint (info->leaves, ==, e->leaves);
  g_assert_cmpint (info->invites, ==, e->invites);
  g_assert_cmpint (info->reactions, ==, 0);
  g_assert_cmpint (info->first_message, ==, e->first_message);
  g_assert_cmpint (info->last_message, ==, e->last_message);
}

static const char * const tables[] = {
  "community", "member", "message", "event", "invite", "reaction", "span",
};

static char *
describe_counts (CohortDb *db)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    g_string_append_printf (s, "%s=%" G_GINT64_FORMAT " ", tables[i], cohort_db_count (db, tables[i]));
  return g_string_free (s, FALSE);
}

static guint
member_index (CohortSnapshot *snap,
              const char     *uid)
{
  for (guint i = 0; i < snap->n_members; i++)
    if (g_strcmp0 (snap->member_uid[i], uid) == 0)
      return i;
  g_test_message ("member %s not in snapshot", uid);
  g_assert_not_reached ();
  return 0;
}

static void
check_single_span (CohortSnapshot  *snap,
                   const char      *uid,
                   gint64           start,
                   CohortSpanStart  start_kind,
                   gint64           end,
                   CohortSpanEnd    end_kind)
{
  guint m = member_index (snap, uid);
  guint n = 0, s = 0;

  g_test_message ("checking spans of %s", uid);
  for (guint i = 0; i < snap->n_spans; i++)
    if (snap->span_member[i] == m)
      {
        s = i;
        n++;
      }
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpint (snap->span_start[s], ==, start);
  g_assert_cmpint (snap->span_start_kind[s], ==, start_kind);
  g_assert_cmpint (snap->span_end[s], ==, end);
  g_assert_cmpint (snap->span_end_kind[s], ==, end_kind);
}

static void
check_message (CohortSnapshot    *snap,
               gint64             ts,
               const char        *uid,
               CohortMessageKind  kind,
               gboolean           is_mech)
{
  for (guint i = 0; i < snap->n_messages; i++)
    if (snap->msg_ts[i] == ts)
      {
        g_test_message ("checking message at %" G_GINT64_FORMAT, ts);
        g_assert_cmpstr (snap->member_uid[snap->msg_member[i]], ==, uid);
        g_assert_cmpint (snap->msg_kind[i], ==, kind);
        g_assert_cmpint (snap->msg_is_mech[i], ==, is_mech ? 1 : 0);
        return;
      }
  g_test_message ("no message at %" G_GINT64_FORMAT, ts);
  g_assert_not_reached ();
}

static void
check_text (CohortDb   *db,
            gint64      community,
            const char *msg_id,
            const char *expected)
{
  g_autofree char *text = cohort_db_get_message_text (db, community, msg_id);

  g_assert_cmpstr (text, ==, expected);
}

/* ------------------------------------------------------------------------------------- */
/* memotrace-a.csv                                                                       */

#define ROOM "20240301001@chatroom"

static const Expected a_expected = {
  .name = "memotrace-a",
  .platform_id = ROOM,
  .members = 6,
  .posting_members = 5,
  .messages = 13,
  .mechanical_messages = 5,
  .system_messages = 6,
  .joins = 3,
  .leaves = 1,
  .invites = 3,
  .first_message = 1709258460,   /* 102: 2024-03-01 10:01:00 +08:00 */
  .last_message = 1709345160,    /* 119: 2024-03-02 10:06:00 +08:00 */
};

static void
test_memotrace_a (Fixture       *fx,
                  gconstpointer  data)
{
  g_autoptr(CohortImportResult) result = import_fixture (fx->db, "memotrace-a.csv");
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(CohortSnapshot) snap = NULL;
  CohortCommunityInfo *info = only_info (fx->db, &list);

  check_info (info, &a_expected);
  g_assert_cmpuint (result->warnings->len, ==, 0);
  g_assert_cmpuint (result->community_ids->len, ==, 1);
  g_assert_cmpint (result->counts.system_added, ==, 6);
  g_assert_cmpint (cohort_db_count (fx->db, "message"), ==, 19);
  g_assert_cmpint (cohort_db_count (fx->db, "event"), ==, 4);
  g_assert_cmpint (cohort_db_count (fx->db, "invite"), ==, 3);

  /* Quoted multi-line content with "" inside, link titles, system texts. */
  check_text (fx->db, info->id, "104", "大家好，我是李四\n负责\"数据分析\"工作");
  check_text (fx->db, info->id, "108", "社群运营指南");
  check_text (fx->db, info->id, "101", "\"张三\"邀请\"李四\"加入了群聊");

  snap = cohort_test_load_snapshot (fx->db, info->id);
  g_assert_cmpstr (snap->member_name[member_index (snap, "wxid_zhaoliu")], ==, "老赵");
  g_assert_cmpstr (snap->member_name[member_index (snap, "name:孙七")], ==, "孙七");
  check_message (snap, 1709258460, "wxid_me", COHORT_MESSAGE_TEXT, FALSE);
  check_message (snap, 1709258520, "wxid_zhangsan", COHORT_MESSAGE_TEXT, TRUE);   /* 收到 */
  check_message (snap, 1709258580, "wxid_lisi", COHORT_MESSAGE_TEXT, FALSE);
  check_message (snap, 1709258640, "wxid_zhangsan", COHORT_MESSAGE_IMAGE, FALSE);
  check_message (snap, 1709258700, "wxid_lisi", COHORT_MESSAGE_STICKER, TRUE);
  check_message (snap, 1709258820, "wxid_wangwu", COHORT_MESSAGE_LINK, FALSE);
  check_message (snap, 1709258880, "wxid_wangwu", COHORT_MESSAGE_TEXT, TRUE);     /* [微笑] */
  check_message (snap, 1709258940, "wxid_zhaoliu", COHORT_MESSAGE_TEXT, TRUE);    /* 好的 */
  check_message (snap, 1709259180, "wxid_lisi", COHORT_MESSAGE_TEXT, FALSE);
  check_message (snap, 1709344800, "wxid_zhaoliu", COHORT_MESSAGE_TEXT, TRUE);    /* #接龙 */
  check_message (snap, 1709345100, "wxid_zhangsan", COHORT_MESSAGE_VOICE, FALSE);
  check_message (snap, 1709345160, "wxid_lisi", COHORT_MESSAGE_VIDEO, FALSE);

  /* 李四 was invited by 张三 at 10:00 and is still a member. */
  check_single_span (snap, "wxid_lisi", 1709258400, COHORT_SPAN_JOIN, COHORT_TS_OPEN, COHORT_SPAN_OPEN);
  /* 王五 joined by QR code at 10:06 and was removed the next day at 09:30. */
  check_single_span (snap, "wxid_wangwu", 1709258760, COHORT_SPAN_JOIN, 1709343000, COHORT_SPAN_KICK);
  /* 孙七 was invited by the exporting user and never spoke. */
  check_single_span (snap, "name:孙七", 1709259060, COHORT_SPAN_JOIN, COHORT_TS_OPEN, COHORT_SPAN_OPEN);
}

static void
test_idempotent (Fixture       *fx,
                 gconstpointer  data)
{
  static const char * const files[] = { "memotrace-a.csv", "memotrace.txt", "weflow.json" };

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autoptr(CohortImportResult) first = import_fixture (fx->db, files[i]);
      g_autofree char *before = describe_counts (fx->db);
      g_autoptr(CohortImportResult) again = import_fixture (fx->db, files[i]);
      g_autofree char *after = describe_counts (fx->db);

      g_test_message ("re-importing %s", files[i]);
      g_assert_cmpstr (before, ==, after);
      g_assert_cmpint (again->counts.messages_added, ==, 0);
      g_assert_cmpint (again->counts.members_added, ==, 0);
      g_assert_cmpint (again->counts.events_added, ==, 0);
      g_assert_cmpint (again->counts.invites_added, ==, 0);
    }
}

/* The 9-column set (older WeChatMsg) has no names: speakers come from the "wxid:\n"
 * prefix, and the names of system texts cannot be tied to them. */
static void
test_column_sets (Fixture       *fx,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *other_path = g_build_filename (fx->dir, "other.db", NULL);
  g_autoptr(CohortImportResult) ra = import_fixture (fx->db, "memotrace-a.csv");
  CohortDb *other = cohort_db_open (other_path, FALSE, &error);
  g_autoptr(GPtrArray) la = NULL, lb = NULL;
  CohortCommunityInfo *a, *b;
  Expected e = a_expected;

  g_assert_no_error (error);
  {
    g_autoptr(CohortImportResult) rb = import_fixture (other, "memotrace-b.csv");

    g_assert_cmpuint (rb->warnings->len, ==, 0);
  }
  a = only_info (fx->db, &la);
  b = only_info (other, &lb);
  e.name = "memotrace-b";
  /* + name:张三, name:李四, name:王五; the exporting user is "me" instead of wxid_me. */
  e.members = a->members + 3;
  check_info (b, &e);
  g_assert_cmpint (a->posting_members, ==, b->posting_members);
  g_assert_cmpint (a->messages, ==, b->messages);
  g_assert_cmpint (a->mechanical_messages, ==, b->mechanical_messages);
  g_assert_cmpint (a->system_messages, ==, b->system_messages);
  g_assert_cmpint (a->joins, ==, b->joins);
  g_assert_cmpint (a->leaves, ==, b->leaves);
  g_assert_cmpint (a->invites, ==, b->invites);
  g_assert_cmpint (a->first_message, ==, b->first_message);
  g_assert_cmpint (a->last_message, ==, b->last_message);
  g_assert_cmpint (cohort_db_count (fx->db, "message"), ==, cohort_db_count (other, "message"));
  g_assert_cmpint (cohort_db_count (fx->db, "event"), ==, cohort_db_count (other, "event"));
  for (const char *id = "101"; id != NULL; id = NULL)
    {
      g_autofree char *ta = cohort_db_get_message_text (fx->db, a->id, id);
      g_autofree char *tb = cohort_db_get_message_text (other, b->id, id);

      g_assert_cmpstr (ta, ==, tb);
    }
  {
    g_autofree char *ta = cohort_db_get_message_text (fx->db, a->id, "104");
    g_autofree char *tb = cohort_db_get_message_text (other, b->id, "104");

    g_assert_cmpstr (ta, ==, tb);
  }
  cohort_db_close (other);
}

static void
test_txt (Fixture       *fx,
          gconstpointer  data)
{
  g_autoptr(CohortImportResult) result = import_fixture (fx->db, "memotrace.txt");
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(CohortSnapshot) snap = NULL;
  CohortCommunityInfo *info = only_info (fx->db, &list);
  static const Expected e = {
    .name = "memotrace",
    .platform_id = "name:memotrace",
    .members = 7,            /* six display names + "me" (你邀请…) */
    .posting_members = 5,
    .messages = 13,
    .mechanical_messages = 5,
    .system_messages = 6,
    .joins = 3,
    .leaves = 1,
    .invites = 3,
    .first_message = 1709258460,
    .last_message = 1709345160,
  };

  check_info (info, &e);
  g_assert_cmpuint (result->warnings->len, ==, 0);
  snap = cohort_test_load_snapshot (fx->db, info->id);
  check_message (snap, 1709258580, "name:李四", COHORT_MESSAGE_TEXT, FALSE);
  check_message (snap, 1709258640, "name:张三", COHORT_MESSAGE_IMAGE, FALSE);
  check_message (snap, 1709258700, "name:李四", COHORT_MESSAGE_STICKER, TRUE);
  check_message (snap, 1709258820, "name:王五", COHORT_MESSAGE_LINK, FALSE);
  check_message (snap, 1709344800, "name:老赵", COHORT_MESSAGE_TEXT, TRUE);
  check_message (snap, 1709345100, "name:张三", COHORT_MESSAGE_VOICE, FALSE);
  check_single_span (snap, "name:李四", 1709258400, COHORT_SPAN_JOIN, COHORT_TS_OPEN, COHORT_SPAN_OPEN);
  check_single_span (snap, "name:王五", 1709258760, COHORT_SPAN_JOIN, 1709343000, COHORT_SPAN_KICK);
}

static void
test_weflow (Fixture       *fx,
             gconstpointer  data)
{
  g_autoptr(CohortImportResult) result = import_fixture (fx->db, "weflow.json");
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(CohortSnapshot) snap = NULL;
  CohortCommunityInfo *info = only_info (fx->db, &list);
  static const Expected e = {
    .name = "产品交流群",
    .platform_id = "5566778899@chatroom",
    .members = 6,
    .posting_members = 5,
    .messages = 8,
    .mechanical_messages = 4,
    .system_messages = 4,
    .joins = 2,
    .leaves = 0,
    .invites = 2,
    .first_message = 1709640060,   /* 2: 2024-03-05 20:01:00 +08:00 */
    .last_message = 1709640660,    /* 12: 2024-03-05 20:11:00 +08:00 */
  };

  check_info (info, &e);
  /* "小明" is the name of wxid_xm1 and wxid_xm2: the join is skipped with a warning. */
  g_assert_cmpuint (result->warnings->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (result->warnings, 0), "小明"));
  check_text (fx->db, info->id, "3", "谢谢邀请！请问下周的活动在哪里报名？");

  snap = cohort_test_load_snapshot (fx->db, info->id);
  check_message (snap, 1709640180, "wxid_xiaohong", COHORT_MESSAGE_STICKER, TRUE);
  check_message (snap, 1709640240, "wxid_xm1", COHORT_MESSAGE_TEXT, TRUE);   /* [强][强] */
  check_message (snap, 1709640420, "wxid_owner", COHORT_MESSAGE_IMAGE, FALSE);
  check_message (snap, 1709640480, "wxid_aqiang", COHORT_MESSAGE_LINK, FALSE);
  check_message (snap, 1709640660, "wxid_aqiang", COHORT_MESSAGE_TEXT, TRUE);
  check_single_span (snap, "wxid_xiaohong", 1709640000, COHORT_SPAN_JOIN, COHORT_TS_OPEN, COHORT_SPAN_OPEN);
  check_single_span (snap, "name:小李", 1709640600, COHORT_SPAN_JOIN, COHORT_TS_OPEN, COHORT_SPAN_OPEN);
}

/* ------------------------------------------------------------------------------------- */
/* Errors                                                                                */

static void
expect_error (Fixture      *fx,
              const char   *path,
              const char   *format,
              GQuark        domain,
              int           code,
              const char   *needle)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CohortImportResult) seed = import_fixture (fx->db, "weflow.json");
  g_autofree char *before = describe_counts (fx->db);
  g_autoptr(CohortImportResult) result = import_path (fx->db, path, format, NULL, &error);
  g_autofree char *after = describe_counts (fx->db);

  g_assert_null (result);
  g_assert_error (error, domain, code);
  g_test_message ("error: %s", error->message);
  if (needle != NULL)
    g_assert_nonnull (strstr (error->message, needle));
  g_assert_cmpstr (before, ==, after);
}

static void
test_bad_columns (Fixture       *fx,
                  gconstpointer  data)
{
  g_autofree char *path = fixture_path ("bad-columns.csv");

  expect_error (fx, path, NULL, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_UNSUPPORTED, "CreateTime");
}

static void
test_bad_row (Fixture       *fx,
              gconstpointer  data)
{
  g_autofree char *path = fixture_path ("bad-row.csv");

  expect_error (fx, path, NULL, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_MALFORMED, "line 5");
}

static void
test_truncated (Fixture       *fx,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *src = fixture_path ("weflow.json");
  g_autofree char *dst = g_build_filename (fx->dir, "weflow-cut.json", NULL);
  g_autofree char *contents = NULL;
  gsize len = 0;

  g_file_get_contents (src, &contents, &len, &error);
  g_assert_no_error (error);
  g_file_set_contents (dst, contents, len * 2 / 3, &error);
  g_assert_no_error (error);
  expect_error (fx, dst, NULL, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_TRUNCATED, "weflow-cut.json");
}

/* A createTime no gint64 holds (1e999 reads as infinity) is not cast: the message falls back
 * to its formattedTime, as when createTime is missing, and all eight are imported. */
static void
test_weflow_time_out_of_range (Fixture       *fx,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *src = fixture_path ("weflow.json");
  g_autofree char *dst = cohort_test_fixture_with (fx, src, "weflow-huge.json",
                                                   "\"createTime\": 1709640060",
                                                   "\"createTime\": 1e999");
  g_autoptr(CohortImportResult) result = NULL;
  g_autoptr(GPtrArray) list = NULL;

  result = import_path (fx->db, dst, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (only_info (fx->db, &list)->messages, ==, 8);
}

static void
test_cancelled (Fixture       *fx,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *path = fixture_path ("memotrace-a.csv");
  g_autoptr(CohortImportResult) result = NULL;

  g_cancellable_cancel (cancellable);
  result = import_path (fx->db, path, NULL, cancellable, &error);
  g_assert_null (result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (cohort_db_count (fx->db, "message"), ==, 0);
}

static void
cancel_on_progress (double      fraction,
                    const char *message,
                    gpointer    user_data)
{
  g_cancellable_cancel (user_data);
}

/* Cancelled from the progress callback, in the middle of the file. */
static void
test_cancelled_midway (Fixture       *fx,
                       gconstpointer  data)
{
  static const char * const files[] = { "memotrace-a.csv", "memotrace.txt", "weflow.json" };

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GCancellable) cancellable = g_cancellable_new ();
      g_autofree char *path = fixture_path (files[i]);
      g_autoptr(GFile) file = g_file_new_for_path (path);
      g_autoptr(CohortImportResult) result = NULL;

      result = cohort_import_file (fx->db, file, NULL, cancel_on_progress, cancellable,
                                   cancellable, &error);
      g_assert_null (result);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_assert_cmpint (cohort_db_count (fx->db, "message"), ==, 0);
      g_assert_cmpint (cohort_db_count (fx->db, "community"), ==, 0);
    }
}

static guchar *
read_head (const char *path,
           gsize      *len)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, len, &error);
  g_assert_no_error (error);
  *len = MIN (*len, COHORT_SNIFF_SIZE);
  return (guchar *) contents;
}

static void
test_sniff (void)
{
  const CohortFormat *wechat = cohort_formats_find ("wechat");
  static const struct { const char *dir, *name; int score; } cases[] = {
    { "wechat", "memotrace-a.csv", 95 },
    { "wechat", "memotrace-b.csv", 95 },
    { "wechat", "memotrace.txt", 85 },
    { "wechat", "weflow.json", 95 },
    { "wechat", "not-wechat.csv", 0 },
    { "telegram", "single-supergroup.json", 0 },
    { "telegram", "not-telegram.json", 0 },
  };

  g_assert_nonnull (wechat);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", cases[i].dir,
                                                     cases[i].name, NULL);
      gsize len = 0;
      g_autofree guchar *head = read_head (path, &len);

      g_test_message ("sniffing %s", cases[i].name);
      g_assert_cmpint (wechat->sniff (head, len, NULL), ==, cases[i].score);
    }
}

static void
test_not_wechat (Fixture       *fx,
                 gconstpointer  data)
{
  g_autofree char *path = fixture_path ("not-wechat.csv");

  expect_error (fx, path, "wechat", COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_UNSUPPORTED, NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/cohort/wechat/" path, Fixture, NULL, cohort_test_db_setup, func, cohort_test_db_teardown)

  ADD ("memotrace-a", test_memotrace_a);
  ADD ("idempotent", test_idempotent);
  ADD ("column-sets", test_column_sets);
  ADD ("txt", test_txt);
  ADD ("weflow", test_weflow);
  ADD ("bad-columns", test_bad_columns);
  ADD ("bad-row", test_bad_row);
  ADD ("truncated", test_truncated);
  ADD ("weflow-time-out-of-range", test_weflow_time_out_of_range);
  ADD ("cancelled", test_cancelled);
  ADD ("cancelled-midway", test_cancelled_midway);
  ADD ("not-wechat", test_not_wechat);
  g_test_add_func ("/cohort/wechat/sniff", test_sniff);

  return g_test_run ();
}
