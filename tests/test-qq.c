/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "cohort-test-db.h"
#include "cohort-format.h"
#include "cohort-importer.h"
#include "cohort-store.h"

/*
 * QQ importer tests (legacy message-manager .txt in three encodings, QQ-NT exporter JSON).
 * Every expected number is derived by hand in tests/data/qq/README.md.  Times are wall
 * times in Asia/Shanghai (UTC+8, no DST), the default zone for QQ.
 */

typedef CohortTestDb Fixture;

/* ------------------------------------------------------------------------------------- */

static char *
fixture_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", "qq", name, NULL);
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
import_ok (CohortDb   *db,
           const char *path)
{
  g_autoptr(GError) error = NULL;
  CohortImportResult *result = import_path (db, path, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_cmpstr (result->format, ==, "qq");
  return result;
}

static CohortCommunityInfo *
find_info (GPtrArray  *list,
           const char *platform_id)
{
  for (guint i = 0; i < list->len; i++)
    {
      CohortCommunityInfo *info = g_ptr_array_index (list, i);

      if (g_strcmp0 (info->platform_id, platform_id) == 0)
        return info;
    }
  g_test_message ("community %s not found", platform_id);
  g_assert_not_reached ();
  return NULL;
}

typedef struct
{
  gint64 members, posting_members, messages, mechanical_messages, system_messages;
  gint64 joins, leaves, invites, first_message, last_message;
} Expected;

static void
check_info (const CohortCommunityInfo *info,
            const char                *name,
            const char                *kind,
            const Expected            *e)
{
  g_test_message ("checking %s", info->platform_id);
  g_assert_cmpstr (info->platform, ==, "qq");
  g_assert_cmpstr (info->name, ==, name);
  g_assert_cmpstr (info->kind, ==, kind);
  g_assert_cmpstr (info->tz, ==, "Asia/Shanghai");
  g_assert_cmpint (info->members, ==, e->members);
  g_assert_cmpint (info->posting_members, ==, e->posting_members);
  g_assert_cmpint (info->messages, ==, e->messages);
  g_assert_cmpint (info->mechanical_messages, ==, e->mechanical_messages);
  g_assert_cmpint (info->system_messages, ==, e->system_messages);
  g_assert_cmpint (info->joins, ==, e->joins);
  g_assert_cmpint (info->leaves, ==, e->leaves);
  g_assert_cmpint (info->invites, ==, e->invites);
  g_assert_cmpint (info->first_message, ==, e->first_message);
  g_assert_cmpint (info->last_message, ==, e->last_message);
}

/* Members, message kinds, mech flags and texts of one community, in a stable order. */
static char *
describe_content (CohortDb *db,
                  gint64    community)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CohortSnapshot) snap = cohort_db_load_snapshot (db, community, &error);
  g_autoptr(GString) s = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < snap->n_members; i++)
    g_string_append_printf (s, "member %s %s\n", snap->member_uid[i], snap->member_name[i]);
  for (guint i = 0; i < snap->n_messages; i++)
    g_string_append_printf (s, "msg %" G_GINT64_FORMAT " %s kind=%d mech=%d\n", snap->msg_ts[i],
                            snap->msg_member[i] < snap->n_members ? snap->member_uid[snap->msg_member[i]] : "-",
                            snap->msg_kind[i], snap->msg_is_mech[i]);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static const char *
member_name (CohortSnapshot *snap,
             const char     *uid)
{
  for (guint i = 0; i < snap->n_members; i++)
    if (g_strcmp0 (snap->member_uid[i], uid) == 0)
      return snap->member_name[i];
  g_test_message ("member %s not found", uid);
  g_assert_not_reached ();
  return NULL;
}

static int
message_kind_at (CohortSnapshot *snap,
                 gint64          ts,
                 int            *is_mech)
{
  for (guint i = 0; i < snap->n_messages; i++)
    if (snap->msg_ts[i] == ts)
      {
        *is_mech = snap->msg_is_mech[i];
        return snap->msg_kind[i];
      }
  g_test_message ("no message at %" G_GINT64_FORMAT, ts);
  g_assert_not_reached ();
  return -1;
}

/* Writes text in another encoding (with a BOM when asked) next to the database. */
static char *
write_converted (Fixture    *fx,
                 const char *source,
                 const char *encoding,
                 const char *bom,
                 gsize       bom_len,
                 const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *src = fixture_path (source);
  g_autofree char *text = NULL;
  g_autofree char *bytes = NULL;
  g_autoptr(GByteArray) out = g_byte_array_new ();
  char *path = g_build_filename (fx->dir, name, NULL);
  gsize len = 0, n = 0;

  g_file_get_contents (src, &text, &len, &error);
  g_assert_no_error (error);
  bytes = g_convert (text, len, encoding, "UTF-8", NULL, &n, &error);
  g_assert_no_error (error);
  if (bom != NULL)
    g_byte_array_append (out, (const guint8 *)bom, bom_len);
  g_byte_array_append (out, (const guint8 *)bytes, n);
  g_file_set_contents (path, (const char *)out->data, out->len, &error);
  g_assert_no_error (error);
  return path;
}

/* ------------------------------------------------------------------------------------- */
/* group-utf8.txt                                                                        */

#define SH_20240301 G_GINT64_CONSTANT (1709222400)   /* 2024-03-01 00:00 Asia/Shanghai */

static const Expected group_expected = {
  .members = 10, .posting_members = 8, .messages = 14, .mechanical_messages = 6,
  .system_messages = 7, .joins = 3, .leaves = 2, .invites = 1,
  .first_message = SH_20240301 + 9 * 3600,                  /* 03-01 09:00:00 */
  .last_message = SH_20240301 + 86400 + 21 * 3600 + 30,     /* 03-02 21:00:30 */
};

static void
check_group (CohortDb           *db,
             CohortImportResult *result)
{
  g_autoptr(GPtrArray) list = cohort_test_list_communities (db);
  g_autoptr(CohortSnapshot) snap = NULL;
  g_autoptr(GError) error = NULL;
  CohortCommunityInfo *info;
  int mech = -1;

  g_assert_cmpuint (list->len, ==, 1);
  info = find_info (list, "name:Cohort 测试群");
  check_info (info, "Cohort 测试群", "group", &group_expected);
  g_assert_cmpuint (result->community_ids->len, ==, 1);
  g_assert_cmpint (*(gint64 *)g_ptr_array_index (result->community_ids, 0), ==, info->id);
  /* "小红" is two members (50005 and 60006): their leave is skipped with a warning. */
  g_assert_cmpuint (result->warnings->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (result->warnings, 0), "小红"));
  g_assert_cmpuint (result->personal_chats_skipped, ==, 0);

  snap = cohort_db_load_snapshot (db, info->id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (member_name (snap, "qq:10001"), ==, "小明");
  g_assert_cmpstr (member_name (snap, "qq:20002"), ==, "张三");
  g_assert_cmpstr (member_name (snap, "qq:456456"), ==, "(B)");
  g_assert_cmpstr (member_name (snap, "qq:mail@example.com"), ==, "(o´・ω・`)σ");
  g_assert_cmpstr (member_name (snap, "qq:30003"), ==, "李四[上海]");
  g_assert_cmpstr (member_name (snap, "qq:50005"), ==, "小红");
  g_assert_cmpstr (member_name (snap, "qq:60006"), ==, "小红");
  g_assert_cmpstr (member_name (snap, "name:赵六"), ==, "赵六");
  g_assert_cmpstr (member_name (snap, "name:钱七"), ==, "钱七");

  g_assert_cmpint (message_kind_at (snap, SH_20240301 + 9 * 3600 + 180, &mech), ==, COHORT_MESSAGE_IMAGE);
  g_assert_cmpint (mech, ==, 0);
  g_assert_cmpint (message_kind_at (snap, SH_20240301 + 9 * 3600 + 240, &mech), ==, COHORT_MESSAGE_STICKER);
  g_assert_cmpint (mech, ==, 1);
  g_assert_cmpint (message_kind_at (snap, SH_20240301 + 9 * 3600 + 120, &mech), ==, COHORT_MESSAGE_TEXT);
  g_assert_cmpint (mech, ==, 1);   /* 收到 */
  g_assert_cmpint (message_kind_at (snap, SH_20240301 + 18 * 3600 + 15 * 60 + 5, &mech), ==, COHORT_MESSAGE_LINK);
  g_assert_cmpint (mech, ==, 0);
  g_assert_cmpint (message_kind_at (snap, SH_20240301 + 18 * 3600 + 20 * 60, &mech), ==, COHORT_MESSAGE_TEXT);
  g_assert_cmpint (mech, ==, 0);
  g_assert_cmpint (message_kind_at (snap, SH_20240301 + 19 * 3600 + 300, &mech), ==, COHORT_MESSAGE_STICKER);
  g_assert_cmpint (message_kind_at (snap, SH_20240301 + 86400 + 21 * 3600, &mech), ==, COHORT_MESSAGE_FILE);
  g_assert_cmpint (message_kind_at (snap, SH_20240301 + 86400 + 21 * 3600 + 30, &mech), ==, COHORT_MESSAGE_VOICE);
}

static void
test_group_utf8 (Fixture       *fx,
                 gconstpointer  data)
{
  g_autofree char *path = fixture_path ("group-utf8.txt");
  g_autoptr(CohortImportResult) result = import_ok (fx->db, path);
  g_autoptr(GPtrArray) list = NULL;
  gint64 id;

  check_group (fx->db, result);
  g_assert_cmpint (result->counts.members_added, ==, 10);
  g_assert_cmpint (result->counts.system_added, ==, 7);
  g_assert_cmpint (result->counts.messages_present, ==, 0);

  list = cohort_test_list_communities (fx->db);
  id = ((CohortCommunityInfo *)g_ptr_array_index (list, 0))->id;
  {
    /* Multi-line bodies keep their lines; the body that looks like a header stays text. */
    g_autoptr(CohortSnapshot) snap = cohort_db_load_snapshot (fx->db, id, NULL);
    g_autofree char *c = describe_content (fx->db, id);

    g_assert_nonnull (snap);
    g_assert_nonnull (c);
  }
}

static void
test_idempotent (Fixture       *fx,
                 gconstpointer  data)
{
  g_autofree char *path = fixture_path ("group-utf8.txt");
  g_autoptr(CohortImportResult) first = import_ok (fx->db, path);
  g_autofree char *before = cohort_test_describe_db (fx->db);
  g_autoptr(CohortImportResult) second = import_ok (fx->db, path);
  g_autofree char *after = cohort_test_describe_db (fx->db);

  g_assert_cmpstr (before, ==, after);
  g_assert_cmpint (second->counts.messages_added, ==, 0);
  g_assert_cmpint (second->counts.system_added, ==, 0);
  g_assert_cmpint (second->counts.members_added, ==, 0);
  g_assert_cmpint (second->counts.events_added, ==, 0);
  g_assert_cmpint (second->counts.messages_present, ==, 21);
}

/* The same chat as UTF-8, UTF-8 with BOM, UTF-16LE/BE with BOM, GB18030, and the 12-hour
 * GB18030 fixture: every import gives the same database. */
static void
test_encodings (Fixture       *fx,
                gconstpointer  data)
{
  g_autofree char *utf8 = fixture_path ("group-utf8.txt");
  g_autofree char *gb12 = fixture_path ("group-12h-gb18030.txt");
  g_autofree char *bom8 = write_converted (fx, "group-utf8.txt", "UTF-8", "\xEF\xBB\xBF", 3, "bom.txt");
  g_autofree char *le = write_converted (fx, "group-utf8.txt", "UTF-16LE", "\xFF\xFE", 2, "group-utf16.txt");
  g_autofree char *be = write_converted (fx, "group-utf8.txt", "UTF-16BE", "\xFE\xFF", 2, "be.txt");
  g_autofree char *gb = write_converted (fx, "group-utf8.txt", "GB18030", NULL, 0, "gb.txt");
  const char *paths[] = { utf8, bom8, le, be, gb, gb12 };
  g_autofree char *reference_db = NULL;
  g_autofree char *reference_content = NULL;
  const CohortFormat *qq = cohort_formats_find ("qq");

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autofree char *dbpath = g_strdup_printf ("%s/enc%u.db", fx->dir, i);
      g_autoptr(GError) error = NULL;
      CohortDb *db = cohort_db_open (dbpath, FALSE, &error);
      g_autoptr(CohortImportResult) result = NULL;
      g_autoptr(GPtrArray) list = NULL;
      g_autofree char *desc = NULL;
      g_autofree char *content = NULL;
      g_autofree char *head = NULL;
      gsize len = 0;

      g_test_message ("encoding case %s", paths[i]);
      g_assert_no_error (error);
      g_file_get_contents (paths[i], &head, &len, &error);
      g_assert_no_error (error);
      g_assert_cmpint (qq->sniff ((const guchar *)head, len, NULL), ==, 95);

      result = import_ok (db, paths[i]);
      check_group (db, result);
      list = cohort_test_list_communities (db);
      desc = cohort_test_describe_db (db);
      content = describe_content (db, ((CohortCommunityInfo *)g_ptr_array_index (list, 0))->id);
      if (reference_db == NULL)
        {
          reference_db = g_steal_pointer (&desc);
          reference_content = g_steal_pointer (&content);
        }
      else
        {
          g_assert_cmpstr (desc, ==, reference_db);
          g_assert_cmpstr (content, ==, reference_content);
        }
      cohort_db_close (db);
    }
}

/* ------------------------------------------------------------------------------------- */

#define SH_20240402 G_GINT64_CONSTANT (1711987200)
#define SH_20240403 G_GINT64_CONSTANT (1712073600)

static void
test_all_account (Fixture       *fx,
                  gconstpointer  data)
{
  g_autofree char *path = fixture_path ("all-account.txt");
  g_autoptr(CohortImportResult) result = import_ok (fx->db, path);
  g_autoptr(GPtrArray) list = cohort_test_list_communities (fx->db);
  const Expected a = {
    .members = 3, .posting_members = 2, .messages = 2, .mechanical_messages = 1,
    .system_messages = 1, .joins = 1, .leaves = 0, .invites = 0,
    .first_message = SH_20240402 + 10 * 3600, .last_message = SH_20240402 + 10 * 3600 + 60,
  };
  const Expected b = {
    .members = 2, .posting_members = 2, .messages = 3, .mechanical_messages = 1,
    .system_messages = 1, .joins = 0, .leaves = 1, .invites = 0,
    .first_message = SH_20240403 + 20 * 3600, .last_message = SH_20240403 + 20 * 3600 + 120,
  };

  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpuint (result->community_ids->len, ==, 2);
  g_assert_cmpuint (result->personal_chats_skipped, ==, 1);
  g_assert_cmpuint (result->warnings->len, ==, 0);
  check_info (find_info (list, "name:产品交流群"), "产品交流群", "group", &a);
  check_info (find_info (list, "123456789"), "技术讨论群", "group", &b);
}

static void
test_private_single (Fixture       *fx,
                     gconstpointer  data)
{
  g_autofree char *path = fixture_path ("private-single.txt");
  g_autoptr(CohortImportResult) result = import_ok (fx->db, path);
  g_autoptr(GPtrArray) list = cohort_test_list_communities (fx->db);
  const gint64 day = G_GINT64_CONSTANT (1714492800);   /* 2024-05-01 00:00 Shanghai */
  const Expected e = {
    .members = 2, .posting_members = 2, .messages = 3, .mechanical_messages = 0,
    .system_messages = 0, .joins = 0, .leaves = 0, .invites = 0,
    .first_message = day + 10 * 3600, .last_message = day + 10 * 3600 + 120,
  };
  CohortCommunityInfo *info;
  g_autoptr(CohortSnapshot) snap = NULL;

  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpuint (result->personal_chats_skipped, ==, 0);
  info = find_info (list, "name:老同学");
  check_info (info, "老同学", "private", &e);
  snap = cohort_db_load_snapshot (fx->db, info->id, NULL);
  g_assert_cmpstr (member_name (snap, "name:老同学"), ==, "老同学");
  g_assert_cmpstr (member_name (snap, "name:小明"), ==, "小明");
}

/* ------------------------------------------------------------------------------------- */

/* A numeric timestamp no gint64 holds (1e999 reads as infinity) is not cast: that message
 * has no readable time and is skipped with a warning; the other five are imported. */
static void
test_qq_nt_time_out_of_range (Fixture       *fx,
                              gconstpointer  data)
{
  g_autofree char *src = fixture_path ("qq-nt.json");
  g_autofree char *dst = cohort_test_fixture_with (fx, src, "qq-nt-huge.json",
                                                   "\"timestamp\": \"2024-06-01T02:00:00.000Z\"",
                                                   "\"timestamp\": 1e999");
  g_autoptr(CohortImportResult) result = NULL;
  g_autoptr(GPtrArray) list = NULL;

  result = import_ok (fx->db, dst);
  g_assert_cmpuint (result->warnings->len, ==, 1);
  g_assert_nonnull (strstr (result->warnings->pdata[0], "no readable time"));
  list = cohort_test_list_communities (fx->db);
  g_assert_cmpint (find_info (list, "name:NT 测试群")->messages, ==, 5);
}

static void
test_qq_nt (Fixture       *fx,
            gconstpointer  data)
{
  g_autofree char *path = fixture_path ("qq-nt.json");
  g_autoptr(CohortImportResult) result = import_ok (fx->db, path);
  g_autoptr(GPtrArray) list = cohort_test_list_communities (fx->db);
  const gint64 t0 = G_GINT64_CONSTANT (1717207200);   /* 2024-06-01T02:00:00Z */
  const Expected e = {
    .members = 4, .posting_members = 4, .messages = 6, .mechanical_messages = 2,
    .system_messages = 2, .joins = 1, .leaves = 1, .invites = 0,
    .first_message = t0, .last_message = t0 + 7 * 60,
  };
  g_autoptr(CohortSnapshot) snap = NULL;
  g_autofree char *reply = NULL;
  CohortCommunityInfo *info;
  int mech = -1;

  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpuint (result->warnings->len, ==, 0);
  info = find_info (list, "name:NT 测试群");
  check_info (info, "NT 测试群", "group", &e);

  snap = cohort_db_load_snapshot (fx->db, info->id, NULL);
  g_assert_nonnull (snap);
  g_assert_cmpstr (member_name (snap, "qq:10001"), ==, "明哥");
  g_assert_cmpstr (member_name (snap, "qq:20002"), ==, "张三");
  g_assert_cmpint (message_kind_at (snap, t0 + 120, &mech), ==, COHORT_MESSAGE_IMAGE);
  g_assert_cmpint (mech, ==, 0);
  g_assert_cmpint (message_kind_at (snap, t0 + 300, &mech), ==, COHORT_MESSAGE_STICKER);
  g_assert_cmpint (mech, ==, 1);
  g_assert_cmpint (message_kind_at (snap, t0 + 360, &mech), ==, COHORT_MESSAGE_LINK);
  g_assert_cmpint (mech, ==, 0);
  for (guint i = 0; i < snap->n_messages; i++)
    if (snap->msg_ts[i] == t0 + 60)
      {
        g_assert_cmpint (snap->msg_reply_member[i], >=, 0);
        g_assert_cmpstr (snap->member_uid[snap->msg_reply_member[i]], ==, "qq:10001");
      }
  reply = cohort_db_get_message_text (fx->db, info->id, "7350000000000000008");
  g_assert_cmpstr (reply, ==, "明天下午三点开会，大家准时参加");

  {
    g_autofree char *before = cohort_test_describe_db (fx->db);
    g_autoptr(CohortImportResult) again = import_ok (fx->db, path);
    g_autofree char *after = cohort_test_describe_db (fx->db);

    g_assert_cmpstr (before, ==, after);
    g_assert_cmpint (again->counts.messages_added, ==, 0);
  }
}

/* ------------------------------------------------------------------------------------- */
/* Errors                                                                                */

static void
test_not_qq (Fixture       *fx,
             gconstpointer  data)
{
  const CohortFormat *qq = cohort_formats_find ("qq");
  const char *names[] = { "not-qq.txt", NULL };
  g_autofree char *tg = g_test_build_filename (G_TEST_DIST, "data", "telegram",
                                               "single-supergroup.json", NULL);
  g_autofree char *head = NULL;
  g_autofree char *path = fixture_path ("not-qq.txt");
  g_autofree char *before = cohort_test_describe_db (fx->db);
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CohortImportResult) result = NULL;
  gsize len = 0;

  g_assert_nonnull (qq);
  g_file_get_contents (tg, &head, &len, NULL);
  g_assert_cmpint (qq->sniff ((const guchar *)head, MIN (len, COHORT_SNIFF_SIZE), NULL), ==, 0);
  g_clear_pointer (&head, g_free);
  g_file_get_contents (path, &head, &len, NULL);
  g_assert_cmpint (qq->sniff ((const guchar *)head, len, NULL), ==, 0);
  g_assert_cmpint (qq->sniff ((const guchar *)head, len, names), ==, 0);

  /* Forced to QQ, the file has no message header. */
  result = import_path (fx->db, path, "qq", NULL, &error);
  g_assert_null (result);
  g_assert_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "not-qq.txt"));
  after = cohort_test_describe_db (fx->db);
  g_assert_cmpstr (before, ==, after);
}

static void
test_bad_date (Fixture       *fx,
               gconstpointer  data)
{
  g_autofree char *good = fixture_path ("all-account.txt");
  g_autofree char *bad = fixture_path ("bad-date.txt");
  g_autoptr(CohortImportResult) first = import_ok (fx->db, good);
  g_autofree char *before = cohort_test_describe_db (fx->db);
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CohortImportResult) result = import_path (fx->db, bad, NULL, NULL, &error);

  g_assert_null (result);
  g_assert_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_MALFORMED);
  g_assert_nonnull (strstr (error->message, "bad-date.txt"));
  g_assert_nonnull (strstr (error->message, "12"));
  after = cohort_test_describe_db (fx->db);
  g_assert_cmpstr (before, ==, after);
}

static void
test_cancelled (Fixture       *fx,
                gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *path = fixture_path ("group-utf8.txt");
  g_autofree char *json = fixture_path ("qq-nt.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) error2 = NULL;
  CohortImportResult *result;

  g_cancellable_cancel (cancellable);
  result = import_path (fx->db, path, "qq", cancellable, &error);
  g_assert_null (result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  result = import_path (fx->db, json, "qq", cancellable, &error2);
  g_assert_null (result);
  g_assert_error (error2, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (cohort_db_count (fx->db, "message"), ==, 0);
  g_assert_cmpint (cohort_db_count (fx->db, "community"), ==, 0);
}

/* Truncated and broken inputs never crash and leave the database as it was. */
static void
test_garbage (Fixture       *fx,
              gconstpointer  data)
{
  static const char * const inputs[] = {
    "{\"chatInfo\": {\"name\": \"x\"}, \"messages\": [ {\"timestamp\": ",
    "{\"chatInfo\": {\"name\": \"x\"}, \"messages\": [ } ]",
    "{\"chatInfo\": {\"name\": \"x\"}}",
    "{\"chatInfo\": {\"name\": \"x\"}, \"messages\": []}",
    "消息分组:我的群聊\n消息对象:空群\n",
    "消息分组:我的好友\n消息对象:甲\n2024-01-01 10:00:00 甲\n你好\n消息分组:我的好友\n消息对象:乙\n",
    "消息对象:x\n2024-01-01 25:00:00 张三(1)\n",
    "消息对象:x\n2024-01-01 0:00:00 PM 张三(1)\n",
    "消息对象:x\n\xff\xfe\xfd 2024-01-01\n",
  };
  g_autofree char *before = cohort_test_describe_db (fx->db);

  for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/garbage%u.txt", fx->dir, i);
      g_autoptr(GError) error = NULL;
      g_autoptr(CohortImportResult) result = NULL;
      g_autofree char *after = NULL;

      g_file_set_contents (path, inputs[i], -1, NULL);
      result = import_path (fx->db, path, "qq", NULL, &error);
      g_test_message ("garbage %u: %s", i, error ? error->message : "(ok)");
      g_assert_null (result);
      g_assert_true (error->domain == COHORT_IMPORT_ERROR);
      after = cohort_test_describe_db (fx->db);
      g_assert_cmpstr (before, ==, after);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, fn) \
  g_test_add ("/cohort/qq/" name, Fixture, NULL, cohort_test_db_setup, fn, cohort_test_db_teardown)
  ADD ("group-utf8", test_group_utf8);
  ADD ("idempotent", test_idempotent);
  ADD ("encodings", test_encodings);
  ADD ("all-account", test_all_account);
  ADD ("private-single", test_private_single);
  ADD ("qq-nt", test_qq_nt);
  ADD ("qq-nt-time-out-of-range", test_qq_nt_time_out_of_range);
  ADD ("not-qq", test_not_qq);
  ADD ("bad-date", test_bad_date);
  ADD ("cancelled", test_cancelled);
  ADD ("garbage", test_garbage);
#undef ADD

  return g_test_run ();
}
