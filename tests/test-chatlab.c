/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "cohort-test-db.h"
#include "cohort-format.h"
#include "cohort-importer.h"
#include "cohort-store.h"

/*
 * ChatLab standard format importer tests.  Every expected number is derived in
 * tests/data/chatlab/README.md.  group.json and group.jsonl hold the same chat.
 */

typedef CohortTestDb Fixture;

static char *
fixture_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", "chatlab", name, NULL);
}

static CohortImportResult *
import_path (CohortDb      *db,
             const char    *path,
             const char    *tz,
             GError       **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  CohortImportOptions options = { tz, NULL, NULL };

  return cohort_import_file (db, file, &options, NULL, NULL, NULL, error);
}

static CohortImportResult *
import_fixture (CohortDb   *db,
                const char *name)
{
  g_autofree char *path = fixture_path (name);
  g_autoptr(GError) error = NULL;
  CohortImportResult *result = import_path (db, path, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_cmpstr (result->format, ==, "chatlab");
  return result;
}

static char *
write_temp (Fixture    *fx,
            const char *name,
            const char *contents)
{
  char *path = g_build_filename (fx->dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return path;
}

static void
check_group (CohortDb *db)
{
  g_autoptr(GPtrArray) list = cohort_test_list_communities (db);
  CohortCommunityInfo *info;

  g_assert_cmpuint (list->len, ==, 1);
  info = g_ptr_array_index (list, 0);
  g_assert_cmpstr (info->platform, ==, "chatlab");
  g_assert_cmpstr (info->platform_id, ==, "38988428513");
  g_assert_cmpstr (info->name, ==, "技术交流群");
  g_assert_cmpstr (info->kind, ==, "group");
  g_assert_cmpstr (info->tz, ==, "Asia/Shanghai");
  g_assert_cmpint (info->members, ==, 5);
  g_assert_cmpint (info->posting_members, ==, 4);
  g_assert_cmpint (info->messages, ==, 12);
  g_assert_cmpint (info->mechanical_messages, ==, 3);
  g_assert_cmpint (info->system_messages, ==, 2);
  g_assert_cmpint (info->joins, ==, 0);
  g_assert_cmpint (info->leaves, ==, 0);
  g_assert_cmpint (info->invites, ==, 0);
  g_assert_cmpint (info->reactions, ==, 0);
  g_assert_cmpint (info->first_message, ==, 1703001600);
  g_assert_cmpint (info->last_message, ==, 1703001740);
}

static int
member_index (CohortSnapshot *snap,
              const char     *uid)
{
  for (guint i = 0; i < snap->n_members; i++)
    if (g_strcmp0 (snap->member_uid[i], uid) == 0)
      return i;
  g_assert_not_reached ();
  return -1;
}

/* ------------------------------------------------------------------------------------- */
/* Tests                                                                                 */
/* ------------------------------------------------------------------------------------- */

static void
test_json (Fixture       *fx,
           gconstpointer  data)
{
  g_autoptr(CohortImportResult) result = import_fixture (fx->db, "group.json");

  g_assert_cmpint (result->counts.messages_added, ==, 12);
  g_assert_cmpint (result->counts.system_added, ==, 2);
  g_assert_cmpint (result->counts.members_added, ==, 5);
  g_assert_cmpuint (result->community_ids->len, ==, 1);
  check_group (fx->db);
}

static void
test_jsonl (Fixture       *fx,
            gconstpointer  data)
{
  g_autoptr(CohortImportResult) result = import_fixture (fx->db, "group.jsonl");

  g_assert_cmpint (result->counts.messages_added, ==, 12);
  g_assert_cmpint (result->counts.system_added, ==, 2);
  check_group (fx->db);
}

static void
test_same_content (Fixture       *fx,
                   gconstpointer  data)
{
  g_autoptr(CohortImportResult) first = import_fixture (fx->db, "group.json");
  g_autoptr(CohortImportResult) second = NULL;
  g_autofree char *before = cohort_test_describe_db (fx->db);
  g_autofree char *after = NULL;
  g_autofree char *other_path = g_build_filename (fx->dir, "other.db", NULL);
  g_autoptr(GError) error = NULL;
  CohortDb *other;

  /* The JSONL twin is the same chat: it adds nothing … */
  second = import_fixture (fx->db, "group.jsonl");
  after = cohort_test_describe_db (fx->db);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpint (second->counts.messages_added, ==, 0);
  g_assert_cmpint (second->counts.messages_present, ==, 14);

  /* … and alone gives the same database. */
  other = cohort_db_open (other_path, FALSE, &error);
  g_assert_no_error (error);
  {
    g_autoptr(CohortImportResult) r = import_fixture (other, "group.jsonl");
    g_autofree char *alone = cohort_test_describe_db (other);

    g_assert_cmpstr (alone, ==, before);
  }
  cohort_db_close (other);
}

static void
test_idempotent (Fixture       *fx,
                 gconstpointer  data)
{
  g_autoptr(CohortImportResult) first = import_fixture (fx->db, "group.json");
  g_autofree char *before = cohort_test_describe_db (fx->db);
  g_autoptr(CohortImportResult) second = import_fixture (fx->db, "group.json");
  g_autofree char *after = cohort_test_describe_db (fx->db);

  g_assert_cmpstr (before, ==, after);
  g_assert_cmpint (second->counts.messages_added, ==, 0);
  g_assert_cmpint (second->counts.system_added, ==, 0);
  g_assert_cmpint (second->counts.members_added, ==, 0);
  g_assert_cmpint (second->counts.messages_present, ==, 14);
}

static void
test_snapshot (Fixture       *fx,
               gconstpointer  data)
{
  g_autoptr(CohortImportResult) result = import_fixture (fx->db, "group.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(CohortSnapshot) snap = NULL;
  guint kinds[COHORT_MESSAGE_OTHER + 1] = { 0, };
  int owner, admin, replies = 0;

  snap = cohort_db_load_snapshot (fx->db, *(gint64 *)result->community_ids->pdata[0], &error);
  g_assert_no_error (error);
  g_assert_cmpuint (snap->n_members, ==, 5);
  owner = member_index (snap, "abc123");
  admin = member_index (snap, "def456");
  g_assert_cmpstr (snap->member_name[owner], ==, "群主-张三");
  g_assert_cmpstr (snap->member_name[admin], ==, "管理员");
  g_assert_cmpstr (snap->member_name[member_index (snap, "ghi789")], ==, "王五");
  g_assert_cmpstr (snap->member_name[member_index (snap, "jkl000")], ==, "赵六");
  g_assert_cmpstr (snap->member_name[member_index (snap, "xyz999")], ==, "路人甲");
  for (guint i = 0; i < snap->n_members; i++)
    g_assert_false (snap->member_is_bot[i]);

  g_assert_cmpuint (snap->n_messages, ==, 12);
  for (guint i = 0; i < snap->n_messages; i++)
    {
      kinds[snap->msg_kind[i]]++;
      if (snap->msg_reply_member[i] >= 0)
        {
          replies++;
          g_assert_cmpint (snap->msg_reply_member[i], ==, owner);
          g_assert_cmpint (snap->msg_member[i], ==, admin);
        }
    }
  /* msg_005 replies to an id that is not in the file: no reply member */
  g_assert_cmpint (replies, ==, 1);
  g_assert_cmpuint (kinds[COHORT_MESSAGE_TEXT], ==, 4);
  g_assert_cmpuint (kinds[COHORT_MESSAGE_IMAGE], ==, 1);
  g_assert_cmpuint (kinds[COHORT_MESSAGE_LINK], ==, 1);
  g_assert_cmpuint (kinds[COHORT_MESSAGE_STICKER], ==, 1);
  g_assert_cmpuint (kinds[COHORT_MESSAGE_VIDEO], ==, 1);
  g_assert_cmpuint (kinds[COHORT_MESSAGE_VOICE], ==, 1);
  g_assert_cmpuint (kinds[COHORT_MESSAGE_FILE], ==, 1);
  g_assert_cmpuint (kinds[COHORT_MESSAGE_OTHER], ==, 2);

  {
    g_autofree char *text = cohort_db_get_message_text (fx->db, *(gint64 *)result->community_ids->pdata[0],
                                                        "msg_002");
    g_assert_cmpstr (text, ==, "收到");
  }
}

static void
test_bad_line (Fixture       *fx,
               gconstpointer  data)
{
  g_autoptr(CohortImportResult) good = import_fixture (fx->db, "group.json");
  g_autofree char *before = cohort_test_describe_db (fx->db);
  g_autofree char *after = NULL;
  g_autofree char *path = fixture_path ("bad.jsonl");
  g_autoptr(GError) error = NULL;
  g_autoptr(CohortImportResult) result = import_path (fx->db, path, NULL, &error);

  g_assert_null (result);
  g_assert_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_MALFORMED);
  g_assert_nonnull (strstr (error->message, "line 4"));
  after = cohort_test_describe_db (fx->db);
  g_assert_cmpstr (before, ==, after);
}

static void
test_bad_json (Fixture       *fx,
               gconstpointer  data)
{
  g_autofree char *path = write_temp (fx, "broken.json",
                                      "{\"chatlab\": {\"version\": \"0.0.2\"}, \"meta\": {\"name\": \"x\"},\n"
                                      " \"messages\": [{\"sender\": \"1\", \"timestamp\": 1, \"type\": 0,");
  g_autoptr(GError) error = NULL;
  g_autoptr(CohortImportResult) result = import_path (fx->db, path, NULL, &error);

  g_assert_null (result);
  g_assert_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_MALFORMED);
  g_assert_cmpint (cohort_db_count (fx->db, "community"), ==, 0);
  g_assert_cmpint (cohort_db_count (fx->db, "message"), ==, 0);
}

static void
test_no_header (Fixture       *fx,
                gconstpointer  data)
{
  g_autofree char *path = write_temp (fx, "headless.jsonl",
                                      "{\"_type\":\"message\",\"sender\":\"1\",\"timestamp\":1,\"type\":0,\"content\":\"hi\"}\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(CohortImportResult) result = NULL;
  CohortImportOptions options = { NULL, "chatlab", NULL };
  g_autoptr(GFile) file = g_file_new_for_path (path);

  result = cohort_import_file (fx->db, file, &options, NULL, NULL, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_UNSUPPORTED);
  g_assert_cmpint (cohort_db_count (fx->db, "community"), ==, 0);
}

/* Members and messages before `meta`, no groupId, a private chat, a zone from the user. */
static void
test_order_and_fallbacks (Fixture       *fx,
                          gconstpointer  data)
{
  g_autofree char *path = write_temp (fx, "private.json",
    "{\"messages\": [{\"sender\": \"2\", \"accountName\": \"小明\", \"timestamp\": 1703001600, "
    "\"type\": 0, \"content\": \"在吗？今天下午有空一起讨论吗\"},"
    " {\"sender\": \"1\", \"accountName\": \"我\", \"timestamp\": 1703001660, \"type\": 0, "
    "\"content\": \"有空，三点开始吧\"}],"
    " \"members\": [{\"platformId\": \"1\", \"accountName\": \"我\"},"
    " {\"platformId\": \"2\", \"accountName\": \"小明\"}, {\"platformId\": \"3\", \"accountName\": \"小红\"}],"
    " \"chatlab\": {\"version\": \"0.0.2\", \"exportedAt\": 1703001600},"
    " \"meta\": {\"name\": \"与小明的对话\", \"platform\": \"qq\", \"type\": \"private\"}}");
  g_autoptr(GError) error = NULL;
  g_autoptr(CohortImportResult) result = import_path (fx->db, path, "Europe/Berlin", &error);
  g_autoptr(GPtrArray) list = NULL;
  CohortCommunityInfo *info;

  g_assert_no_error (error);
  list = cohort_test_list_communities (fx->db);
  g_assert_cmpuint (list->len, ==, 1);
  info = g_ptr_array_index (list, 0);
  g_assert_cmpstr (info->platform_id, ==, "name:与小明的对话");
  g_assert_cmpstr (info->kind, ==, "private");
  g_assert_cmpstr (info->tz, ==, "Europe/Berlin");
  g_assert_cmpint (info->members, ==, 3);
  g_assert_cmpint (info->posting_members, ==, 2);
  g_assert_cmpint (info->messages, ==, 2);
  g_assert_cmpint (info->first_message, ==, 1703001600);
  g_assert_cmpint (info->last_message, ==, 1703001660);
}

/* Timestamps written as numbers no gint64 holds (1e30, and 1e999, which json-glib reads as
 * infinity) are unreadable, not cast: those messages are skipped with a warning, the others
 * imported. */
static void
test_timestamp_out_of_range (Fixture       *fx,
                             gconstpointer  data)
{
  g_autofree char *path = write_temp (fx, "huge.json",
    "{\"chatlab\": {\"version\": \"0.0.2\"}, \"meta\": {\"name\": \"g\", \"type\": \"group\"},"
    " \"members\": [{\"platformId\": \"1\", \"accountName\": \"A\"}],"
    " \"messages\": [{\"sender\": \"1\", \"timestamp\": 1e30, \"type\": 0, \"content\": \"a\"},"
    " {\"sender\": \"1\", \"timestamp\": 1e999, \"type\": 0, \"content\": \"b\"},"
    " {\"sender\": \"1\", \"timestamp\": -1e999, \"type\": 0, \"content\": \"c\"},"
    " {\"sender\": \"1\", \"timestamp\": 1703001600.0, \"type\": 0, \"content\": \"d\"}]}");
  g_autoptr(GError) error = NULL;
  g_autoptr(CohortImportResult) result = import_path (fx->db, path, "UTC", &error);
  g_autoptr(GPtrArray) list = NULL;
  CohortCommunityInfo *info;

  g_assert_no_error (error);
  g_assert_cmpuint (result->warnings->len, ==, 3);
  for (guint i = 0; i < result->warnings->len; i++)
    g_assert_nonnull (strstr (result->warnings->pdata[i], "no readable timestamp"));
  list = cohort_test_list_communities (fx->db);
  g_assert_cmpuint (list->len, ==, 1);
  info = g_ptr_array_index (list, 0);
  g_assert_cmpint (info->messages, ==, 1);
  g_assert_cmpint (info->first_message, ==, 1703001600);
  g_assert_cmpint (info->last_message, ==, 1703001600);
}

static void
test_sniff (Fixture       *fx,
            gconstpointer  data)
{
  const CohortFormat *chatlab = cohort_formats_find ("chatlab");
  static const char * const entries[] = { "users.json", NULL };
  const char *json = "{\n  \"chatlab\": {\"version\": \"0.0.2\"},\n  \"meta\": {\"name\": \"g\"}\n}";
  const char *jsonl = "\xEF\xBB\xBF# note\n{\"_type\":\"header\",\"chatlab\":{},\"meta\":{}}\n";
  const char *telegram = "{\"name\": \"g\", \"type\": \"private_supergroup\", \"id\": 1, \"messages\": []}";
  const char *mention = "{\"text\": \"the word \\\"chatlab\\\" and \\\"meta\\\" in a message\"}";

  g_assert_nonnull (chatlab);
  g_assert_cmpint (chatlab->sniff ((const guchar *)json, strlen (json), NULL), ==, 95);
  g_assert_cmpint (chatlab->sniff ((const guchar *)jsonl, strlen (jsonl), NULL), ==, 95);
  g_assert_cmpint (chatlab->sniff ((const guchar *)telegram, strlen (telegram), NULL), ==, 0);
  g_assert_cmpint (chatlab->sniff ((const guchar *)mention, strlen (mention), NULL), ==, 0);
  g_assert_cmpint (chatlab->sniff ((const guchar *)json, strlen (json), entries), ==, 0);
  g_assert_cmpint (chatlab->sniff ((const guchar *)"", 0, NULL), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add ("/cohort/chatlab/" name, Fixture, NULL, cohort_test_db_setup, func, cohort_test_db_teardown)
  ADD ("json", test_json);
  ADD ("jsonl", test_jsonl);
  ADD ("same-content", test_same_content);
  ADD ("idempotent", test_idempotent);
  ADD ("snapshot", test_snapshot);
  ADD ("timestamp-out-of-range", test_timestamp_out_of_range);
  ADD ("bad-line", test_bad_line);
  ADD ("bad-json", test_bad_json);
  ADD ("no-header", test_no_header);
  ADD ("order-and-fallbacks", test_order_and_fallbacks);
  ADD ("sniff", test_sniff);
#undef ADD

  return g_test_run ();
}
