/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "cohort-telegram-message.h"
#include "cohort-test-db.h"
#include "cohort-importer.h"
#include "cohort-store.h"

/*
 * Telegram Desktop JSON importer tests.  Every expected number below is computed by hand
 * from the fixtures in tests/data/telegram/ (see the README.md there for the derivation).
 */

/* ------------------------------------------------------------------------------------- */
/* Fixture: a fresh database in a temporary directory                                    */
/* ------------------------------------------------------------------------------------- */

typedef CohortTestDb Fixture;

/* ------------------------------------------------------------------------------------- */
/* Helpers                                                                               */
/* ------------------------------------------------------------------------------------- */

static char *
fixture_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", "telegram", name, NULL);
}

static CohortImportResult *
import_path (CohortDb      *db,
             const char    *path,
             const char    *tz,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  CohortImportOptions options = { tz, NULL };

  return cohort_import_file (db, file, &options, NULL, NULL, cancellable, error);
}

static CohortImportResult *
import_fixture (CohortDb   *db,
                const char *name,
                const char *tz)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = fixture_path (name);
  CohortImportResult *result;

  result = import_path (db, path, tz, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
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
  g_test_message ("community with platform_id %s not found", platform_id);
  g_assert_not_reached ();
  return NULL;
}

typedef struct
{
  gint64 members;
  gint64 posting_members;
  gint64 messages;
  gint64 mechanical_messages;
  gint64 system_messages;
  gint64 joins;
  gint64 leaves;
  gint64 invites;
  gint64 reactions;
  gint64 first_message;
  gint64 last_message;
} Expected;

static void
check_info (const CohortCommunityInfo *info,
            const char                *name,
            const Expected            *e)
{
  g_test_message ("checking community %s (%s)", info->name, info->platform_id);
  g_assert_cmpstr (info->platform, ==, "telegram");
  g_assert_cmpstr (info->name, ==, name);
  g_assert_cmpint (info->members, ==, e->members);
  g_assert_cmpint (info->posting_members, ==, e->posting_members);
  g_assert_cmpint (info->messages, ==, e->messages);
  if (e->mechanical_messages >= 0)
    g_assert_cmpint (info->mechanical_messages, ==, e->mechanical_messages);
  g_assert_cmpint (info->system_messages, ==, e->system_messages);
  g_assert_cmpint (info->joins, ==, e->joins);
  g_assert_cmpint (info->leaves, ==, e->leaves);
  if (e->invites >= 0)
    g_assert_cmpint (info->invites, ==, e->invites);
  g_assert_cmpint (info->reactions, ==, e->reactions);
  g_assert_cmpint (info->first_message, ==, e->first_message);
  g_assert_cmpint (info->last_message, ==, e->last_message);
}

/* A printable picture of the whole database: every table's row count and every field of
 * every community.  Two equal strings mean "nothing changed". */
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
check_member (CohortSnapshot *snap,
              const char     *uid,
              const char     *name,
              gboolean        is_bot)
{
  guint i = member_index (snap, uid);

  g_test_message ("checking member %s", uid);
  g_assert_cmpstr (snap->member_name[i], ==, name);
  g_assert_cmpint (snap->member_is_bot[i], ==, is_bot ? 1 : 0);
}

/* Every message of the fixtures has a distinct timestamp, so the ts identifies it. */
static guint
message_at (CohortSnapshot *snap,
            gint64          ts)
{
  guint found = G_MAXUINT;

  for (guint i = 0; i < snap->n_messages; i++)
    if (snap->msg_ts[i] == ts)
      {
        g_assert_cmpuint (found, ==, G_MAXUINT);
        found = i;
      }
  if (found == G_MAXUINT)
    g_test_message ("no message at %" G_GINT64_FORMAT, ts);
  g_assert_cmpuint (found, !=, G_MAXUINT);
  return found;
}

static void
check_message (CohortSnapshot    *snap,
               gint64             ts,
               const char        *uid,
               CohortMessageKind  kind,
               gboolean           is_mech,
               const char        *reply_uid)
{
  guint i = message_at (snap, ts);

  g_test_message ("checking message at %" G_GINT64_FORMAT, ts);
  g_assert_cmpstr (snap->member_uid[snap->msg_member[i]], ==, uid);
  g_assert_cmpint (snap->msg_kind[i], ==, kind);
  g_assert_cmpint (snap->msg_is_mech[i], ==, is_mech ? 1 : 0);
  if (reply_uid == NULL)
    g_assert_cmpint (snap->msg_reply_member[i], ==, -1);
  else
    {
      g_assert_cmpint (snap->msg_reply_member[i], >=, 0);
      g_assert_cmpstr (snap->member_uid[snap->msg_reply_member[i]], ==, reply_uid);
    }
}

static void
check_text (CohortDb   *db,
            gint64      community,
            const char *msg_id,
            const char *expected)
{
  g_autofree char *text = cohort_db_get_message_text (db, community, msg_id);

  g_test_message ("checking text of message %s", msg_id);
  g_assert_cmpstr (text, ==, expected);
}

/* Spans of one member, in start order (finish() sorts by member, start). */
static guint
member_spans (CohortSnapshot *snap,
              const char     *uid,
              guint          *out,
              guint           max)
{
  guint m = member_index (snap, uid);
  guint n = 0;

  for (guint i = 0; i < snap->n_spans; i++)
    if (snap->span_member[i] == m)
      {
        g_assert_cmpuint (n, <, max);
        out[n++] = i;
      }
  return n;
}

static void
check_single_span (CohortSnapshot  *snap,
                   const char      *uid,
                   gint64           start,
                   CohortSpanStart  start_kind,
                   gint64           end,
                   CohortSpanEnd    end_kind)
{
  guint s[4];

  g_test_message ("checking spans of %s", uid);
  g_assert_cmpuint (member_spans (snap, uid, s, 4), ==, 1);
  g_assert_cmpint (snap->span_start[s[0]], ==, start);
  g_assert_cmpint (snap->span_start_kind[s[0]], ==, start_kind);
  g_assert_cmpint (snap->span_end[s[0]], ==, end);
  g_assert_cmpint (snap->span_end_kind[s[0]], ==, end_kind);
}

/* ------------------------------------------------------------------------------------- */
/* single-supergroup.json                                                                */
/* ------------------------------------------------------------------------------------- */

#define SG_ID "1987654321"

static const Expected sg_expected = {
  .members = 9,
  .posting_members = 8,
  .messages = 19,
  .mechanical_messages = 5,    /* ids 3, 8, 12, 13 and the empty rich_message 19 (SHORT) */
  .system_messages = 7,
  .joins = 7,
  .leaves = 2,
  .invites = -1,               /* 3: see test_create_group_invites */
  .reactions = 3,
  .first_message = 1709258700, /* id 2, 2024-03-01T10:05:00+08:00 */
  .last_message = 1710982800,  /* id 27, 2024-03-21T09:00:00+08:00 */
};

static void
test_single_supergroup (Fixture       *fx,
                        gconstpointer  data)
{
  g_autoptr(CohortImportResult) result = import_fixture (fx->db, "single-supergroup.json",
                                                         "Asia/Shanghai");
  g_autoptr(GPtrArray) list = cohort_test_list_communities (fx->db);
  g_autoptr(CohortSnapshot) snap = NULL;
  CohortCommunityInfo *info;
  guint m;

  g_assert_cmpstr (result->format, ==, "telegram");
  g_assert_cmpuint (result->personal_chats_skipped, ==, 0);
  g_assert_cmpuint (result->community_ids->len, ==, 1);
  g_assert_cmpuint (result->warnings->len, ==, 0);
  g_assert_cmpint (result->counts.communities, ==, 1);
  g_assert_cmpint (result->counts.members_added, ==, 9);
  g_assert_cmpint (result->counts.system_added, ==, 7);
  /* Whether messages_added includes the 7 system messages is not part of the contract. */
  g_assert_true (result->counts.messages_added == 19 || result->counts.messages_added == 26);
  g_assert_cmpint (result->counts.messages_present, ==, 0);
  g_assert_cmpint (result->counts.reactions_added, ==, 3);

  g_assert_cmpuint (list->len, ==, 1);
  info = find_info (list, SG_ID);
  check_info (info, "Cohort 测试群", &sg_expected);
  g_assert_cmpint (*(gint64 *) g_ptr_array_index (result->community_ids, 0), ==, info->id);
  /* 收到, 👍👍, +1, the sticker, and the text-less rich_message (id 19): empty text has
   * residual 0, so METRICS §A rule 6 (SHORT) makes it mechanical. */
  g_assert_cmpint (info->mechanical_messages, ==, 5);

  g_assert_cmpint (cohort_db_count (fx->db, "community"), ==, 1);
  g_assert_cmpint (cohort_db_count (fx->db, "member"), ==, 9);
  g_assert_cmpint (cohort_db_count (fx->db, "message"), ==, 26);
  g_assert_cmpint (cohort_db_count (fx->db, "event"), ==, 9);
  g_assert_cmpint (cohort_db_count (fx->db, "reaction"), ==, 3);
  g_assert_cmpint (cohort_db_count (fx->db, "span"), ==, 10);

  /* Texts: plain string, entity array, text_entities only, rich_message, unsupported. */
  check_text (fx->db, info->id, "2", "大家好，欢迎来到 Cohort 测试群 🎉");
  check_text (fx->db, info->id, "4", "请看 https://example.org/report 和 周报 📊");
  check_text (fx->db, info->id, "6", "Hi all! Thanks for the invite 😀");
  check_text (fx->db, info->id, "17", "收到，明天下午三点发报表");
  check_text (fx->db, info->id, "25", "早上好啊大家，今天讨论什么？");
  {
    g_autofree char *rich = cohort_db_get_message_text (fx->db, info->id, "19");

    g_assert_true (rich == NULL || rich[0] == '\0');
  }
  check_text (fx->db, info->id, "20", NULL);

  snap = cohort_test_load_snapshot (fx->db, info->id);
  g_assert_cmpuint (snap->n_members, ==, 9);
  g_assert_cmpuint (snap->n_messages, ==, 19);
  g_assert_cmpuint (snap->n_spans, ==, 10);

  check_member (snap, "user1001", "Alice Wang", FALSE);
  check_member (snap, "user1002", "Bob Li", FALSE);
  check_member (snap, "user1003", "陈小明", FALSE);
  check_member (snap, "user1004", "Dana", FALSE);
  check_member (snap, "user1005", "Eve", FALSE);
  check_member (snap, "user1006", "Frank", FALSE);
  check_member (snap, "user777", "HelperBot", TRUE);
  check_member (snap, "user1007", "Deleted Account", FALSE);
  check_member (snap, "name:Grace", "Grace", FALSE);

  check_message (snap, 1709258700, "user1001", COHORT_MESSAGE_TEXT, FALSE, NULL);
  check_message (snap, 1709258820, "user1002", COHORT_MESSAGE_TEXT, TRUE, "user1001");
  check_message (snap, 1709341200, "user1003", COHORT_MESSAGE_LINK, FALSE, NULL);
  check_message (snap, 1709440200, "user1004", COHORT_MESSAGE_TEXT, FALSE, NULL);
  check_message (snap, 1709511000, "user1005", COHORT_MESSAGE_TEXT, TRUE, NULL);
  check_message (snap, 1709622060, "user1006", COHORT_MESSAGE_TEXT, FALSE, NULL);
  check_message (snap, 1709726400, "user777", COHORT_MESSAGE_TEXT, FALSE, NULL);
  check_message (snap, 1709780400, "user1002", COHORT_MESSAGE_TEXT, TRUE, "user1006");
  check_message (snap, 1709861400, "user1003", COHORT_MESSAGE_STICKER, TRUE, NULL);
  check_message (snap, 1709964000, "user1004", COHORT_MESSAGE_IMAGE, FALSE, NULL);
  check_message (snap, 1710064800, "user1005", COHORT_MESSAGE_VOICE, FALSE, NULL);
  check_message (snap, 1710122400, "user1007", COHORT_MESSAGE_TEXT, FALSE, NULL);
  /* Edited messages keep their original ts. */
  check_message (snap, 1710230400, "user1001", COHORT_MESSAGE_TEXT, FALSE, NULL);
  check_message (snap, 1710388800, "user1002", COHORT_MESSAGE_TEXT, TRUE, NULL);
  check_message (snap, 1710518399, "user1003", COHORT_MESSAGE_TEXT, FALSE, NULL);
  check_message (snap, 1710518400, "user1003", COHORT_MESSAGE_TEXT, FALSE, NULL);
  check_message (snap, 1710806400, "user1005", COHORT_MESSAGE_TEXT, FALSE, NULL);
  check_message (snap, 1710943200, "user1006", COHORT_MESSAGE_TEXT, FALSE, NULL);
  check_message (snap, 1710982800, "user777", COHORT_MESSAGE_TEXT, FALSE, NULL);

  /* Local midnight (METRICS §0.2): 23:59:59 is 03-15, 00:00:00 is 03-16 in Asia/Shanghai. */
  g_assert_cmpstr (snap->tz_id, ==, "Asia/Shanghai");
  g_assert_cmpint (snap->msg_day[message_at (snap, 1710518399)], ==,
                   cohort_day_from_ymd (2024, 3, 15));
  g_assert_cmpint (snap->msg_day[message_at (snap, 1710518400)], ==,
                   cohort_day_from_ymd (2024, 3, 16));
  g_assert_cmpint (snap->msg_hour[message_at (snap, 1710518400)], ==, 0);

  /* Spans (METRICS §0.4). */
  check_single_span (snap, "user1001", 1709258400, COHORT_SPAN_JOIN, COHORT_TS_OPEN, COHORT_SPAN_OPEN);
  check_single_span (snap, "user1002", 1709258400, COHORT_SPAN_JOIN, COHORT_TS_OPEN, COHORT_SPAN_OPEN);
  check_single_span (snap, "user1003", 1709258400, COHORT_SPAN_JOIN, COHORT_TS_OPEN, COHORT_SPAN_OPEN);
  check_single_span (snap, "user1004", 1709438400, COHORT_SPAN_JOIN, 1710766800, COHORT_SPAN_LEAVE);
  check_single_span (snap, "name:Grace", 1709438400, COHORT_SPAN_JOIN, COHORT_TS_OPEN, COHORT_SPAN_OPEN);
  check_single_span (snap, "user1005", 1709510400, COHORT_SPAN_JOIN, COHORT_TS_OPEN, COHORT_SPAN_OPEN);
  check_single_span (snap, "user777", 1709726400, COHORT_SPAN_INFERRED, COHORT_TS_OPEN, COHORT_SPAN_OPEN);
  check_single_span (snap, "user1007", 1710122400, COHORT_SPAN_INFERRED, COHORT_TS_OPEN, COHORT_SPAN_OPEN);
  {
    guint s[4];

    /* Frank: joined by request, kicked, then spoke again with no rejoin event. */
    g_assert_cmpuint (member_spans (snap, "user1006", s, 4), ==, 2);
    g_assert_cmpint (snap->span_start[s[0]], ==, 1709622000);
    g_assert_cmpint (snap->span_start_kind[s[0]], ==, COHORT_SPAN_JOIN);
    g_assert_cmpint (snap->span_end[s[0]], ==, 1710640800);
    g_assert_cmpint (snap->span_end_kind[s[0]], ==, COHORT_SPAN_KICK);
    g_assert_cmpint (snap->span_start[s[1]], ==, 1710943200);
    g_assert_cmpint (snap->span_start_kind[s[1]], ==, COHORT_SPAN_INFERRED);
    g_assert_cmpint (snap->span_end[s[1]], ==, COHORT_TS_OPEN);
  }
  m = member_index (snap, "user1006");
  g_assert_cmpint (snap->member_first_join[m], ==, 1709622000);
}

static void
test_idempotent (Fixture       *fx,
                 gconstpointer  data)
{
  const char *names[] = {
    "single-supergroup.json", "full-account.json", "old-format.json",
    "ambiguous-names.json", "personal-chat.json", "empty-chat.json",
  };
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gint64 changes;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(CohortImportResult) r = import_fixture (fx->db, names[i], "Asia/Shanghai");
    }
  before = cohort_test_describe_db (fx->db);
  changes = cohort_db_total_changes (fx->db);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(CohortImportResult) r = import_fixture (fx->db, names[i], "Asia/Shanghai");

      g_test_message ("re-importing %s", names[i]);
      g_assert_cmpint (r->counts.messages_added, ==, 0);
      g_assert_cmpint (r->counts.members_added, ==, 0);
      g_assert_cmpint (r->counts.system_added, ==, 0);
      g_assert_cmpint (r->counts.events_added, ==, 0);
      g_assert_cmpint (r->counts.invites_added, ==, 0);
      g_assert_cmpint (r->counts.reactions_added, ==, 0);
      if (g_str_equal (names[i], "single-supergroup.json"))
        g_assert_true (r->counts.messages_present == 19 || r->counts.messages_present == 26);
      else if (g_str_equal (names[i], "old-format.json"))
        g_assert_true (r->counts.messages_present == 5 || r->counts.messages_present == 6);
    }
  after = cohort_test_describe_db (fx->db);
  g_assert_cmpstr (before, ==, after);
  g_test_message ("total_changes before %" G_GINT64_FORMAT " after %" G_GINT64_FORMAT,
                  changes, cohort_db_total_changes (fx->db));
}

/* The contract: create_group only yields joins; invite rows come from invite_members (actor
 * → each named member) and join_group_by_link (inviter → joiner). */
static void
test_create_group_invites (Fixture       *fx,
                           gconstpointer  data)
{
  g_autoptr(CohortImportResult) r1 = import_fixture (fx->db, "single-supergroup.json", "UTC");
  g_autoptr(CohortImportResult) r2 = import_fixture (fx->db, "full-account.json", "UTC");
  g_autoptr(GPtrArray) list = cohort_test_list_communities (fx->db);

  /* Alice→Dana, Alice→Grace (invite_members), Bob→Eve (link). */
  g_assert_cmpint (r1->counts.invites_added, ==, 3);
  g_assert_cmpint (find_info (list, SG_ID)->invites, ==, 3);
  /* Family: create_group [Me Myself, Mom] → 2 joins, no invite. */
  g_assert_cmpint (find_info (list, "4001")->invites, ==, 0);
  g_assert_cmpint (r2->counts.invites_added, ==, 0);
  g_assert_cmpint (cohort_db_count (fx->db, "invite"), ==, 3);
}

/* ------------------------------------------------------------------------------------- */
/* full-account.json, personal-chat.json, empty-chat.json                                */
/* ------------------------------------------------------------------------------------- */

static void
test_full_account (Fixture       *fx,
                   gconstpointer  data)
{
  g_autoptr(CohortImportResult) result = import_fixture (fx->db, "full-account.json", "Asia/Shanghai");
  g_autoptr(GPtrArray) list = cohort_test_list_communities (fx->db);
  const Expected family = {
    .members = 3, .posting_members = 3, .messages = 3, .mechanical_messages = 1,
    .system_messages = 1, .joins = 2, .leaves = 0, .invites = -1, .reactions = 0,
    .first_message = 1706785260, .last_message = 1706832000,
  };
  const Expected news = {
    .members = 1, .posting_members = 1, .messages = 2, .mechanical_messages = 0,
    .system_messages = 1, .joins = 0, .leaves = 0, .invites = 0, .reactions = 2,
    .first_message = 1707537600, .last_message = 1708142400,
  };
  const Expected old_devs = {
    .members = 2, .posting_members = 2, .messages = 2, .mechanical_messages = 1,
    .system_messages = 2, .joins = 1, .leaves = 1, .invites = 0, .reactions = 0,
    .first_message = 1698804060, .last_message = 1698804180,
  };
  CohortCommunityInfo *info;

  g_assert_cmpuint (result->personal_chats_skipped, ==, 3);
  g_assert_cmpuint (result->community_ids->len, ==, 3);
  g_assert_cmpint (result->counts.communities, ==, 3);
  g_assert_cmpuint (result->warnings->len, ==, 0);
  g_assert_cmpuint (list->len, ==, 3);
  g_assert_cmpint (cohort_db_count (fx->db, "community"), ==, 3);
  /* 3 + 1 + 2 members; 3+1 + 2+1 + 2+2 messages including system ones. */
  g_assert_cmpint (cohort_db_count (fx->db, "member"), ==, 6);
  g_assert_cmpint (cohort_db_count (fx->db, "message"), ==, 11);
  g_assert_cmpint (cohort_db_count (fx->db, "reaction"), ==, 2);

  info = find_info (list, "4001");
  check_info (info, "Family 家人群", &family);
  {
    g_autoptr(CohortSnapshot) snap = cohort_test_load_snapshot (fx->db, info->id);

    check_member (snap, "user1001", "Me Myself", FALSE);
    check_member (snap, "user2001", "Mom", FALSE);
    check_member (snap, "user2002", "Dad", FALSE);
    check_message (snap, 1706785320, "user1001", COHORT_MESSAGE_TEXT, TRUE, NULL);
    g_assert_cmpuint (snap->n_spans, ==, 3);
    check_single_span (snap, "user2001", 1706785200, COHORT_SPAN_JOIN, COHORT_TS_OPEN, COHORT_SPAN_OPEN);
    check_single_span (snap, "user2002", 1706832000, COHORT_SPAN_INFERRED, COHORT_TS_OPEN, COHORT_SPAN_OPEN);
  }

  info = find_info (list, "1500000001");
  check_info (info, "Cohort News", &news);
  check_text (fx->db, info->id, "11", "第二期：点这里");
  {
    g_autoptr(CohortSnapshot) snap = cohort_test_load_snapshot (fx->db, info->id);

    check_member (snap, "channel1500000001", "Cohort News", FALSE);
  }

  info = find_info (list, "1600000002");
  check_info (info, "Old Devs", &old_devs);
  {
    g_autoptr(CohortSnapshot) snap = cohort_test_load_snapshot (fx->db, info->id);

    check_member (snap, "user1001", "Me Myself", FALSE);
    check_member (snap, "user3003", "Zed", FALSE);
    check_message (snap, 1698804180, "user3003", COHORT_MESSAGE_TEXT, TRUE, NULL);
    /* invite_members with actor == sole member is a self-join; remove_members of oneself a leave. */
    g_assert_cmpuint (snap->n_spans, ==, 2);
    check_single_span (snap, "user1001", 1698804000, COHORT_SPAN_JOIN, 1701424800, COHORT_SPAN_LEAVE);
    check_single_span (snap, "user3003", 1698804180, COHORT_SPAN_INFERRED, COHORT_TS_OPEN, COHORT_SPAN_OPEN);
  }
}

static void
test_personal_chat (Fixture       *fx,
                    gconstpointer  data)
{
  g_autoptr(CohortImportResult) result = import_fixture (fx->db, "personal-chat.json", "UTC");
  g_autoptr(GPtrArray) list = cohort_test_list_communities (fx->db);
  const Expected e = {
    .members = 2, .posting_members = 2, .messages = 3, .mechanical_messages = 1,
    .system_messages = 0, .joins = 0, .leaves = 0, .invites = 0, .reactions = 0,
    .first_message = 1711933200, .last_message = 1711933500,
  };
  CohortCommunityInfo *info;

  g_assert_cmpuint (result->personal_chats_skipped, ==, 0);
  g_assert_cmpuint (list->len, ==, 1);
  info = find_info (list, "1002");
  check_info (info, "Bob Li", &e);
  {
    g_autoptr(CohortSnapshot) snap = cohort_test_load_snapshot (fx->db, info->id);

    check_member (snap, "user1001", "Me Myself", FALSE);
    check_member (snap, "user1002", "Bob Li", FALSE);
    check_message (snap, 1711933320, "user1002", COHORT_MESSAGE_TEXT, TRUE, "user1001");
  }
}

static void
test_empty_chat (Fixture       *fx,
                 gconstpointer  data)
{
  g_autoptr(CohortImportResult) result = import_fixture (fx->db, "empty-chat.json", "UTC");
  g_autoptr(GPtrArray) list = cohort_test_list_communities (fx->db);
  const Expected e = { 0 };
  CohortCommunityInfo *info;

  g_assert_cmpint (result->counts.communities, ==, 1);
  g_assert_cmpint (result->counts.messages_added, ==, 0);
  g_assert_cmpuint (list->len, ==, 1);
  info = find_info (list, "7007");
  check_info (info, "Empty Room", &e);
  g_assert_cmpint (cohort_db_count (fx->db, "message"), ==, 0);
  g_assert_cmpint (cohort_db_count (fx->db, "member"), ==, 0);
}

/* ------------------------------------------------------------------------------------- */
/* old-format.json and ambiguous-names.json                                              */
/* ------------------------------------------------------------------------------------- */

static void
check_old_format (CohortDb   *db,
                  const char *tz,
                  gint64      shift)
{
  g_autoptr(CohortImportResult) result = import_fixture (db, "old-format.json", tz);
  g_autoptr(GPtrArray) list = cohort_test_list_communities (db);
  g_autoptr(CohortSnapshot) snap = NULL;
  /* Local wall times read as UTC, then shifted by the zone's offset (-8 h for Shanghai).
   * The message with a "Z" date is UTC whatever the zone. */
  const Expected e = {
    .members = 2, .posting_members = 2, .messages = 5, .mechanical_messages = 0,
    .system_messages = 1, .joins = 1, .leaves = 0, .invites = 1, .reactions = 0,
    .first_message = 1556703000 + shift, .last_message = 1556884800,
  };
  CohortCommunityInfo *info;
  guint m;

  g_assert_cmpuint (result->warnings->len, ==, 0);
  g_assert_cmpuint (list->len, ==, 1);
  info = find_info (list, "4242");
  check_info (info, "Old Timers", &e);
  check_text (db, info->id, "1", "first old message");
  check_text (db, info->id, "2", "see http://old.example");
  check_text (db, info->id, "4", "a message without a type");

  snap = cohort_test_load_snapshot (db, info->id);
  g_assert_cmpuint (snap->n_messages, ==, 5);
  check_member (snap, "user5001", "Old Timer", FALSE);
  check_member (snap, "user5002", "Newbie", FALSE);
  check_message (snap, 1556703000 + shift, "user5001", COHORT_MESSAGE_TEXT, FALSE, NULL);
  check_message (snap, 1556753400 + shift, "user5002", COHORT_MESSAGE_LINK, FALSE, NULL);
  check_message (snap, 1556784000 + shift, "user5001", COHORT_MESSAGE_TEXT, FALSE, NULL);
  check_message (snap, 1556792100 + shift, "user5002", COHORT_MESSAGE_TEXT, FALSE, NULL);
  check_message (snap, 1556884800, "user5001", COHORT_MESSAGE_TEXT, FALSE, NULL);
  /* Newbie was invited on 05-03 13:00 local but spoke on 05-01: first_join = first message. */
  g_assert_cmpuint (snap->n_spans, ==, 2);
  m = member_index (snap, "user5002");
  g_assert_cmpint (snap->member_first_join[m], ==, 1556753400 + shift);
  m = member_index (snap, "user5001");
  g_assert_cmpint (snap->member_first_join[m], ==, 1556703000 + shift);
}

static void
test_old_format_utc (Fixture       *fx,
                     gconstpointer  data)
{
  check_old_format (fx->db, "UTC", 0);
}

static void
test_old_format_shanghai (Fixture       *fx,
                          gconstpointer  data)
{
  check_old_format (fx->db, "Asia/Shanghai", -8 * 3600);
}

static void
test_ambiguous_names (Fixture       *fx,
                      gconstpointer  data)
{
  g_autoptr(CohortImportResult) result = import_fixture (fx->db, "ambiguous-names.json", "UTC");
  g_autoptr(GPtrArray) list = cohort_test_list_communities (fx->db);
  g_autoptr(CohortSnapshot) snap = NULL;
  const Expected e = {
    .members = 4, .posting_members = 3, .messages = 3, .mechanical_messages = 0,
    .system_messages = 3, .joins = 1, .leaves = 0, .invites = 1, .reactions = 0,
    .first_message = 1714528800, .last_message = 1714701600,
  };
  CohortCommunityInfo *info;

  /* invite_members ["Alex"] (two ids) and remove_members [null] are skipped. */
  for (guint i = 0; i < result->warnings->len; i++)
    g_test_message ("warning: %s", (const char *) g_ptr_array_index (result->warnings, i));
  g_assert_cmpuint (result->warnings->len, ==, 2);
  info = find_info (list, "5005");
  check_info (info, "Name Clash", &e);

  snap = cohort_test_load_snapshot (fx->db, info->id);
  g_assert_cmpuint (snap->n_members, ==, 4);
  check_member (snap, "user6001", "Alex", FALSE);
  check_member (snap, "user6002", "Alex", FALSE);
  check_member (snap, "user6000", "Admin", FALSE);
  check_member (snap, "name:Lurker Lu", "Lurker Lu", FALSE);
  g_assert_cmpuint (snap->n_spans, ==, 4);
  check_single_span (snap, "name:Lurker Lu", 1714618800, COHORT_SPAN_JOIN, COHORT_TS_OPEN, COHORT_SPAN_OPEN);
  check_single_span (snap, "user6001", 1714528800, COHORT_SPAN_INFERRED, COHORT_TS_OPEN, COHORT_SPAN_OPEN);
  check_single_span (snap, "user6002", 1714528860, COHORT_SPAN_INFERRED, COHORT_TS_OPEN, COHORT_SPAN_OPEN);
}

/* ------------------------------------------------------------------------------------- */
/* Error paths: the database is left exactly as it was                                   */
/* ------------------------------------------------------------------------------------- */

static void
check_error_path (Fixture    *fx,
                  const char *path,
                  GQuark      domain,
                  int         code,
                  const char *must_contain)
{
  g_autoptr(CohortImportResult) seed = import_fixture (fx->db, "single-supergroup.json", "UTC");
  g_autoptr(CohortImportResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = cohort_test_describe_db (fx->db);
  g_autofree char *after = NULL;
  g_autofree char *base = g_path_get_basename (path);

  result = import_path (fx->db, path, "UTC", NULL, &error);
  g_assert_null (result);
  g_assert_nonnull (error);
  g_test_message ("error: %s", error->message);
  g_assert_error (error, domain, code);
  g_assert_nonnull (strstr (error->message, base));
  if (must_contain != NULL)
    g_assert_nonnull (strstr (error->message, must_contain));

  after = cohort_test_describe_db (fx->db);
  g_assert_cmpstr (before, ==, after);
}

static void
test_error_truncated (Fixture       *fx,
                      gconstpointer  data)
{
  g_autofree char *path = fixture_path ("truncated.json");

  check_error_path (fx, path, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_TRUNCATED, NULL);
}

static void
test_error_html (Fixture       *fx,
                 gconstpointer  data)
{
  g_autofree char *path = fixture_path ("messages.html");
  g_autoptr(CohortImportResult) seed = NULL;
  g_autoptr(GError) error = NULL;

  check_error_path (fx, path, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_UNSUPPORTED, NULL);
  /* The message must tell the user to export JSON instead of HTML. */
  seed = import_path (fx->db, path, "UTC", NULL, &error);
  g_assert_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_UNSUPPORTED);
  g_assert_true (strstr (error->message, "HTML") != NULL || strstr (error->message, "JSON") != NULL);
}

static void
test_error_not_telegram (Fixture       *fx,
                         gconstpointer  data)
{
  g_autofree char *path = fixture_path ("not-telegram.json");

  check_error_path (fx, path, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_UNSUPPORTED, NULL);
}

static void
test_error_foreign_json (Fixture       *fx,
                         gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fx->dir, "foo.json", NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, "{\"foo\": [1,2]}\n", -1, &error);
  g_assert_no_error (error);
  check_error_path (fx, path, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_UNSUPPORTED, NULL);
}

static void
test_error_syntax (Fixture       *fx,
                   gconstpointer  data)
{
  g_autofree char *path = fixture_path ("syntax-error.json");

  /* Line 9 lacks its trailing comma: the unexpected token is on line 10. */
  check_error_path (fx, path, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_MALFORMED, "line 10");
}

static void
test_error_missing_file (Fixture       *fx,
                         gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fx->dir, "does-not-exist.json", NULL);

  check_error_path (fx, path, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_READ, NULL);
}

static void
test_cancelled (Fixture       *fx,
                gconstpointer  data)
{
  g_autofree char *path = fixture_path ("full-account.json");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(CohortImportResult) seed = import_fixture (fx->db, "single-supergroup.json", "UTC");
  g_autoptr(CohortImportResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = cohort_test_describe_db (fx->db);
  g_autofree char *after = NULL;

  g_cancellable_cancel (cancellable);
  result = import_path (fx->db, path, "UTC", cancellable, &error);
  g_assert_null (result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  after = cohort_test_describe_db (fx->db);
  g_assert_cmpstr (before, ==, after);
}

/* ------------------------------------------------------------------------------------- */
/* Edge cases written on the fly                                                         */
/* ------------------------------------------------------------------------------------- */

static char *
write_temp (Fixture    *fx,
            const char *name,
            const char *contents,
            gssize      len)
{
  g_autofree char *path = g_build_filename (fx->dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, len, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&path);
}

static CohortImportResult *
import_temp (Fixture    *fx,
             const char *path)
{
  g_autoptr(GError) error = NULL;
  CohortImportResult *result = import_path (fx->db, path, "UTC", NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
  return result;
}

/* FORMATS §2: a UTF-8 BOM before the object is stripped. */
static void
test_bom (Fixture       *fx,
          gconstpointer  data)
{
  g_autofree char *src = fixture_path ("personal-chat.json");
  g_autofree char *contents = NULL;
  g_autofree char *with_bom = NULL;
  g_autofree char *path = NULL;
  g_autoptr(CohortImportResult) result = NULL;
  g_autoptr(GPtrArray) list = NULL;

  g_assert_true (g_file_get_contents (src, &contents, NULL, NULL));
  with_bom = g_strconcat ("\xEF\xBB\xBF", contents, NULL);
  path = write_temp (fx, "bom.json", with_bom, -1);
  result = import_temp (fx, path);
  list = cohort_test_list_communities (fx->db);
  g_assert_cmpint (find_info (list, "1002")->messages, ==, 3);
}

/* A bot first seen as the actor of a service message, then sending messages, is a bot. */
static void
test_bot_seen_first_in_service (Fixture       *fx,
                                gconstpointer  data)
{
  g_autofree char *path = write_temp (fx, "botjoin.json",
    "{\"name\": \"Bots\", \"type\": \"private_supergroup\", \"id\": 41, \"messages\": [\n"
    " {\"id\": 1, \"type\": \"service\", \"date\": \"2024-01-01T00:00:00\", \"date_unixtime\": \"1704067200\",\n"
    "  \"actor\": \"StatsBot\", \"actor_id\": \"user42\", \"action\": \"join_group_by_link\", \"text\": \"\"},\n"
    " {\"id\": 2, \"type\": \"message\", \"date\": \"2024-01-01T00:01:00\", \"date_unixtime\": \"1704067260\",\n"
    "  \"from\": \"StatsBot\", \"from_id\": \"user42\", \"text\": \"Daily stats: 12 messages today\"}\n"
    "]}\n", -1);
  g_autoptr(CohortImportResult) result = import_temp (fx, path);
  g_autoptr(GPtrArray) list = cohort_test_list_communities (fx->db);
  g_autoptr(CohortSnapshot) snap = cohort_test_load_snapshot (fx->db, find_info (list, "41")->id);

  check_member (snap, "user42", "StatsBot", TRUE);
}

/* A chat without "id" is keyed "name:<name>". */
static void
test_chat_without_id (Fixture       *fx,
                      gconstpointer  data)
{
  g_autofree char *path = write_temp (fx, "noid.json",
    "{\"name\": \"No Id Chat\", \"type\": \"private_group\", \"messages\": [\n"
    " {\"id\": 1, \"type\": \"message\", \"date\": \"2024-01-01T00:00:00\", \"date_unixtime\": \"1704067200\",\n"
    "  \"from\": \"Ann\", \"from_id\": \"user1\", \"text\": \"hello there everyone\"}\n]}\n", -1);
  g_autoptr(CohortImportResult) result = import_temp (fx, path);
  g_autoptr(GPtrArray) list = cohort_test_list_communities (fx->db);
  CohortCommunityInfo *info = find_info (list, "name:No Id Chat");

  g_assert_cmpstr (info->name, ==, "No Id Chat");
  g_assert_cmpint (info->messages, ==, 1);
  g_assert_cmpint (info->first_message, ==, 1704067200);
}

/* Two identical messages without ids (same second, sender and text) are two messages, and a
 * re-import still adds nothing. */
static void
test_duplicate_content_without_id (Fixture       *fx,
                                   gconstpointer  data)
{
  g_autofree char *path = write_temp (fx, "dups.json",
    "{\"name\": \"Dups\", \"type\": \"private_group\", \"id\": 31, \"messages\": [\n"
    " {\"type\": \"message\", \"date\": \"2019-01-01T10:00:00\", \"from\": \"Ann\", \"from_id\": 1, \"text\": \"+1\"},\n"
    " {\"type\": \"message\", \"date\": \"2019-01-01T10:00:00\", \"from\": \"Ann\", \"from_id\": 1, \"text\": \"+1\"},\n"
    " {\"type\": \"message\", \"date\": \"2019-01-01T10:00:05\", \"from\": \"Ann\", \"from_id\": 1, \"text\": \"+1\"}\n"
    "]}\n", -1);
  g_autoptr(CohortImportResult) r1 = import_temp (fx, path);
  g_autoptr(CohortImportResult) r2 = import_temp (fx, path);
  g_autoptr(GPtrArray) list = cohort_test_list_communities (fx->db);

  g_assert_cmpint (r1->counts.messages_added, ==, 3);
  g_assert_cmpint (r2->counts.messages_added, ==, 0);
  g_assert_cmpint (r2->counts.messages_present, ==, 3);
  g_assert_cmpint (find_info (list, "31")->messages, ==, 3);
  g_assert_cmpint (find_info (list, "31")->first_message, ==, 1546336800);
}

/* text_entities is read only when `text` gives nothing, so after a plain `text` it is
 * skipped however deep it goes; the members after it still count, and an empty or
 * rich-text `text` still falls back on or ignores the entities as before. */
static void
test_text_entities (Fixture       *fx,
                    gconstpointer  data)
{
  g_autofree char *path = write_temp (fx, "entities.json",
    "{\"name\": \"Ents\", \"type\": \"private_supergroup\", \"id\": 51, \"messages\": [\n"
    " {\"id\": 1, \"type\": \"message\", \"date\": \"2024-01-01T00:00:00\", \"date_unixtime\": \"1704067200\",\n"
    "  \"text\": \"see the docs today\", \"text_entities\": [{\"type\": \"plain\", \"text\": \"see \"},\n"
    "  {\"type\": \"link\", \"text\": \"the docs\", \"x\": {\"deep\": [1, [2, {\"k\": null}], true]}}],\n"
    "  \"from\": \"Ann\", \"from_id\": \"user1\"},\n"
    " {\"id\": 2, \"type\": \"message\", \"date\": \"2024-01-01T00:01:00\", \"date_unixtime\": \"1704067260\",\n"
    "  \"text\": \"\", \"text_entities\": [{\"type\": \"plain\", \"text\": \"fallback words here\"}],\n"
    "  \"from\": \"Bob\", \"from_id\": \"user2\"},\n"
    " {\"id\": 3, \"type\": \"message\", \"date\": \"2024-01-01T00:02:00\", \"date_unixtime\": \"1704067320\",\n"
    "  \"text\": [\"a bold \", {\"type\": \"bold\", \"text\": \"move there\"}],\n"
    "  \"text_entities\": [{\"type\": \"plain\", \"text\": \"ignored\"}], \"from\": \"Cy\", \"from_id\": \"user3\"}\n"
    "]}\n", -1);
  g_autoptr(CohortImportResult) result = import_temp (fx, path);
  g_autoptr(GPtrArray) list = cohort_test_list_communities (fx->db);
  CohortCommunityInfo *info = find_info (list, "51");
  g_autoptr(CohortSnapshot) snap = cohort_test_load_snapshot (fx->db, info->id);
  g_autofree char *t1 = cohort_db_get_message_text (fx->db, info->id, "1");
  g_autofree char *t2 = cohort_db_get_message_text (fx->db, info->id, "2");
  g_autofree char *t3 = cohort_db_get_message_text (fx->db, info->id, "3");

  g_assert_cmpint (info->messages, ==, 3);
  g_assert_cmpint (info->posting_members, ==, 3);
  check_member (snap, "user1", "Ann", FALSE);
  g_assert_cmpstr (t1, ==, "see the docs today");
  g_assert_cmpstr (t2, ==, "fallback words here");
  g_assert_cmpstr (t3, ==, "a bold move there");
}

/* Skipped text_entities are refused as deep as built ones would be. */
static void
test_text_entities_too_deep (Fixture       *fx,
                             gconstpointer  data)
{
  g_autoptr(GString) text = g_string_new ("{\"name\": \"Deep\", \"type\": \"private_supergroup\", "
                                          "\"id\": 52, \"messages\": [{\"id\": 1, \"type\": \"message\", "
                                          "\"date_unixtime\": \"1704067200\", \"from_id\": \"user1\", "
                                          "\"text\": \"plain words here\", \"text_entities\": ");
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CohortImportResult) result = NULL;

  for (int i = 0; i < 5000; i++)
    g_string_append_c (text, '[');
  for (int i = 0; i < 5000; i++)
    g_string_append_c (text, ']');
  g_string_append (text, "}]}");
  path = write_temp (fx, "deep-entities.json", text->str, (gssize) text->len);
  result = import_path (fx->db, path, "UTC", NULL, &error);
  g_assert_null (result);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "levels deep"));
  g_assert_cmpint (cohort_db_count (fx->db, "message"), ==, 0);
}

/* Cut exactly after a complete message: still TRUNCATED, nothing written. */
static void
test_truncated_at_message_boundary (Fixture       *fx,
                                    gconstpointer  data)
{
  g_autofree char *src = fixture_path ("single-supergroup.json");
  g_autofree char *contents = NULL;
  g_autofree char *path = NULL;
  const char *cut;

  g_assert_true (g_file_get_contents (src, &contents, NULL, NULL));
  /* The end of message 10 ("forwarded_from" is its last key before text). */
  cut = strstr (contents, "\"id\": 11,");
  g_assert_nonnull (cut);
  while (cut > contents && *cut != '}')
    cut--;
  path = write_temp (fx, "cut.json", contents, cut - contents + 2);  /* up to "}," */
  check_error_path (fx, path, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_TRUNCATED, NULL);
}

/* A full-account export whose chat list is empty holds no chat. */
static void
test_full_account_no_chats (Fixture       *fx,
                            gconstpointer  data)
{
  g_autofree char *path = write_temp (fx, "nochats.json",
    "{\"about\": \"x\", \"personal_information\": {\"user_id\": 1, \"first_name\": \"A\"},\n"
    " \"chats\": {\"about\": \"y\", \"list\": []}}\n", -1);

  check_error_path (fx, path, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_EMPTY, NULL);
}

/* A syntax error far into a file (beyond the first read buffer) reports the right line. */
static void
test_syntax_error_deep (Fixture       *fx,
                        gconstpointer  data)
{
  g_autoptr(GString) s = g_string_new ("{\n \"name\": \"Deep\",\n \"type\": \"public_supergroup\",\n"
                                       " \"id\": 77,\n \"messages\": [\n");
  g_autofree char *path = NULL;
  g_autofree char *expect = NULL;
  const guint n = 20000, broken = 15000;

  /* Message i occupies lines 6 + 9(i-1) … 14 + 9(i-1); its "type" line is the third. */
  for (guint i = 1; i <= n; i++)
    g_string_append_printf (s, "  {\n   \"id\": %u,\n   \"type\": \"message\"%s\n"
                               "   \"date\": \"2024-01-01T00:00:00\",\n"
                               "   \"date_unixtime\": \"%u\",\n   \"from\": \"Ann\",\n"
                               "   \"from_id\": \"user1\",\n   \"text\": \"message %u\"\n  }%s\n",
                            i, i == broken ? "" : ",", 1704067200 + i, i, i < n ? "," : "");
  g_string_append (s, " ]\n}\n");
  g_assert_cmpuint (s->len, >, 1024 * 1024);
  path = write_temp (fx, "deep.json", s->str, s->len);
  expect = g_strdup_printf ("line %u", 6 + 9 * (broken - 1) + 3);
  check_error_path (fx, path, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_MALFORMED, expect);
}

/* ------------------------------------------------------------------------------------- */
/* A large generated export                                                              */
/* ------------------------------------------------------------------------------------- */

#define BIG_MESSAGES 200000
#define BIG_MEMBERS 100
#define BIG_START 1704067200   /* 2024-01-01T00:00:00Z */

static char *
write_big_export (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "big.json", NULL);
  g_autoptr(GString) s = g_string_sized_new (BIG_MESSAGES * 200);
  g_autoptr(GError) error = NULL;

  g_string_append (s, "{\n \"name\": \"Big Group\",\n \"type\": \"public_supergroup\",\n"
                      " \"id\": 1700000099,\n \"messages\": [\n");
  for (guint i = 1; i <= BIG_MESSAGES; i++)
    {
      gint64 ts = BIG_START + (gint64) i * 60;
      g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (ts);
      g_autofree char *date = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S");
      guint u = i % BIG_MEMBERS;

      g_string_append_printf (s, "  {\n   \"id\": %u,\n   \"type\": \"message\",\n"
                                 "   \"date\": \"%s\",\n   \"date_unixtime\": \"%" G_GINT64_FORMAT "\",\n"
                                 "   \"from\": \"Member %u\",\n   \"from_id\": \"user%u\",\n"
                                 "   \"text\": \"message number %u from member %u\"\n  }%s\n",
                              i, date, ts, u, 9000 + u, i, u, i < BIG_MESSAGES ? "," : "");
    }
  g_string_append (s, " ]\n}\n");
  g_file_set_contents (path, s->str, s->len, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&path);
}

static void
test_large (Fixture       *fx,
            gconstpointer  data)
{
  g_autofree char *path = write_big_export (fx->dir);
  g_autoptr(CohortImportResult) result = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  CohortCommunityInfo *info;

  result = import_path (fx->db, path, "UTC", NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_cmpint (result->counts.messages_added, ==, BIG_MESSAGES);
  g_assert_cmpint (result->counts.members_added, ==, BIG_MEMBERS);
  list = cohort_test_list_communities (fx->db);
  g_assert_cmpuint (list->len, ==, 1);
  info = find_info (list, "1700000099");
  g_assert_cmpint (info->messages, ==, BIG_MESSAGES);
  g_assert_cmpint (info->members, ==, BIG_MEMBERS);
  g_assert_cmpint (info->posting_members, ==, BIG_MEMBERS);
  g_assert_cmpint (info->first_message, ==, BIG_START + 60);
  g_assert_cmpint (info->last_message, ==, BIG_START + (gint64) BIG_MESSAGES * 60);
  g_assert_cmpint (cohort_db_count (fx->db, "message"), ==, BIG_MESSAGES);
  check_text (fx->db, info->id, "123456", "message number 123456 from member 56");
}

typedef struct
{
  GCancellable *cancellable;
  guint         calls;
} CancelData;

static void
cancel_on_progress (double      fraction,
                    const char *message,
                    gpointer    user_data)
{
  CancelData *cd = user_data;

  cd->calls++;
  g_cancellable_cancel (cd->cancellable);
}

static void
test_large_cancel_midway (Fixture       *fx,
                          gconstpointer  data)
{
  g_autofree char *path = write_big_export (fx->dir);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(CohortImportResult) seed = import_fixture (fx->db, "single-supergroup.json", "UTC");
  g_autoptr(CohortImportResult) result = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autofree char *before = cohort_test_describe_db (fx->db);
  g_autofree char *after = NULL;
  CohortImportOptions options = { "UTC", NULL };
  CancelData cd = { cancellable, 0 };

  result = cohort_import_file (fx->db, file, &options, cancel_on_progress, &cd, cancellable, &error);
  if (cd.calls == 0)
    {
      g_test_skip ("the importer never reported progress on a 200 000-message file");
      return;
    }
  g_assert_null (result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  after = cohort_test_describe_db (fx->db);
  g_assert_cmpstr (before, ==, after);
}

/* ------------------------------------------------------------------------------------- */
/* A first import builds the message indexes at commit                                   */
/* ------------------------------------------------------------------------------------- */

static char *
raw_text (const char *path,
          const char *sql,
          const char *param)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (param != NULL)
    sqlite3_bind_text (stmt, 1, param, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

/* The indexes of migrations v1–v3 and v12, whatever became of the import that dropped them. */
static void
assert_message_indexes (const char *path)
{
  static const char * const indexes[][2] = {
    { "message_community_ts",
      "CREATE INDEX message_community_ts ON message (community, ts, member, kind, is_mech, "
      "reply_member)" },
    { "message_member_ts", "CREATE INDEX message_member_ts ON message (member, ts)" },
    { "message_import_run", "CREATE INDEX message_import_run ON message (import_run)" },
    { "message_reply_unresolved", "CREATE INDEX message_reply_unresolved ON message (community)"
      " WHERE reply_to IS NOT NULL AND reply_member IS NULL" },
  };
  g_autofree char *check = raw_text (path, "PRAGMA integrity_check", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (indexes); i++)
    {
      g_autofree char *sql = raw_text (path, "SELECT sql FROM sqlite_master WHERE type = 'index' "
                                       "AND tbl_name = 'message' AND name = ?1", indexes[i][0]);
      g_assert_cmpstr (sql, ==, indexes[i][1]);
    }
  /* integrity_check compares every index entry with its row. */
  g_assert_cmpstr (check, ==, "ok");
}

static void
test_first_import_indexes (Fixture       *fx,
                           gconstpointer  data)
{
  g_autoptr(CohortImportResult) result = import_fixture (fx->db, "single-supergroup.json", "UTC");
  g_autofree char *by_member = NULL;

  assert_message_indexes (fx->path);
  /* Read through the rebuilt (member, ts) index, in ts order: Bob Li (user1002) wrote
   * messages 3, 12 and 19 (README.md). */
  by_member = raw_text (fx->path, "SELECT group_concat (platform_msg_id) FROM message "
                        "INDEXED BY message_member_ts WHERE member = (SELECT id FROM member "
                        "WHERE platform_uid = ?1)", "user1002");
  g_assert_cmpstr (by_member, ==, "3,12,19");
}

static void
test_first_import_fails_keeps_indexes (Fixture       *fx,
                                       gconstpointer  data)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "bad", "duplicate-ids.json",
                                                 NULL);
  g_autoptr(CohortImportResult) result = NULL;
  g_autoptr(GError) error = NULL;

  /* The second message 2 fails in the writer, after message 1 went in. */
  result = import_path (fx->db, path, "UTC", NULL, &error);
  g_assert_null (result);
  g_assert_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_MALFORMED);
  g_assert_cmpint (cohort_db_count (fx->db, "message"), ==, 0);
  assert_message_indexes (fx->path);
}

typedef struct
{
  GThread *caller;
  guint    calls;
  guint    elsewhere;
  double   last_fraction;
} ProgressThreads;

static void
note_progress_thread (double      fraction,
                      const char *message,
                      gpointer    user_data)
{
  ProgressThreads *pt = user_data;

  pt->calls++;
  if (g_thread_self () != pt->caller)
    pt->elsewhere++;
  pt->last_fraction = fraction;
}

/* The file is parsed on a thread of the import's own, but progress is reported from the
 * thread that called cohort_import_file () (CohortImportProgressFunc's contract), after the
 * messages read before it are written. */
static void
test_progress_on_calling_thread (Fixture       *fx,
                                 gconstpointer  data)
{
  g_autofree char *path = write_big_export (fx->dir);
  g_autoptr(CohortImportResult) result = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  CohortImportOptions options = { "UTC", NULL };
  ProgressThreads pt = { g_thread_self (), 0, 0, 0 };

  result = cohort_import_file (fx->db, file, &options, note_progress_thread, &pt, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_cmpint (result->counts.messages_added, ==, BIG_MESSAGES);
  g_assert_cmpuint (pt.calls, >, 1);
  g_assert_cmpuint (pt.elsewhere, ==, 0);
  g_assert_cmpfloat (pt.last_fraction, ==, 1.0);
}

static void
test_first_import_cancelled_keeps_indexes (Fixture       *fx,
                                           gconstpointer  data)
{
  g_autofree char *path = write_big_export (fx->dir);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(CohortImportResult) result = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  CohortImportOptions options = { "UTC", NULL };
  CancelData cd = { cancellable, 0 };

  result = cohort_import_file (fx->db, file, &options, cancel_on_progress, &cd, cancellable, &error);
  if (cd.calls == 0)
    {
      g_test_skip ("the importer never reported progress on a 200 000-message file");
      return;
    }
  g_assert_null (result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (cohort_db_count (fx->db, "message"), ==, 0);
  assert_message_indexes (fx->path);
}

/* ------------------------------------------------------------------------------------- */
/* The message reader's key dispatch (a perfect hash of the names it reads)              */
/* ------------------------------------------------------------------------------------- */

static void
read_message_string (CohortTelegramMessage *m,
                     const char            *key,
                     gsize                  key_len,
                     const char            *value)
{
  cohort_telegram_message_begin (m);
  cohort_telegram_message_key (m, key, key_len);
  cohort_telegram_message_string (m, value, strlen (value));
  g_assert_true (cohort_telegram_message_end (m));
}

/* Every member name the reader keeps, 2 to 20 bytes long, lands in its slot; names one
 * byte or one length away, an entity's own names, and a name with a NUL are passed over
 * at the message's level; at an entity's or reaction's level only their names are read. */
static void
test_message_keys (void)
{
  CohortTelegramMessage *m = cohort_telegram_message_new ();
  static const struct { const char *name; CohortTelegramKey key; } names[] = {
    { "type", COHORT_TG_TYPE }, { "id", COHORT_TG_ID }, { "date", COHORT_TG_DATE },
    { "date_unixtime", COHORT_TG_DATE_UNIXTIME }, { "from", COHORT_TG_FROM },
    { "from_id", COHORT_TG_FROM_ID }, { "actor", COHORT_TG_ACTOR },
    { "actor_id", COHORT_TG_ACTOR_ID }, { "action", COHORT_TG_ACTION },
    { "text", COHORT_TG_TEXT }, { "text_entities", COHORT_TG_TEXT_ENTITIES },
    { "media_type", COHORT_TG_MEDIA_TYPE }, { "photo", COHORT_TG_PHOTO },
    { "file", COHORT_TG_FILE }, { "poll", COHORT_TG_POLL },
    { "location_information", COHORT_TG_LOCATION_INFORMATION },
    { "contact_information", COHORT_TG_CONTACT_INFORMATION },
    { "forwarded_from", COHORT_TG_FORWARDED_FROM },
    { "reply_to_message_id", COHORT_TG_REPLY_TO_MESSAGE_ID },
    { "reply_to_peer_id", COHORT_TG_REPLY_TO_PEER_ID }, { "edited", COHORT_TG_EDITED },
    { "edited_unixtime", COHORT_TG_EDITED_UNIXTIME }, { "inviter", COHORT_TG_INVITER },
    { "members", COHORT_TG_MEMBERS }, { "reactions", COHORT_TG_REACTIONS },
  };
  static const char * const others[] = {
    "ie", "Id", "i", "types", "typ", "date_unixtimes", "from_ix", "emoji", "count",
    "document_id", "location_informatio", "location_informationX", "photo_file_size", "",
  };
  gboolean has_link;

  g_assert_cmpuint (G_N_ELEMENTS (names), ==, COHORT_TG_N_KEYS);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      read_message_string (m, names[i].name, strlen (names[i].name), "v");
      for (int k = 0; k < COHORT_TG_N_KEYS; k++)
        g_assert_cmpint (cohort_telegram_message_type (m, k), ==,
                         k == (int)names[i].key ? COHORT_TG_STRING : COHORT_TG_ABSENT);
      g_assert_cmpstr (cohort_telegram_message_get_string (m, names[i].key), ==, "v");
    }
  for (guint i = 0; i < G_N_ELEMENTS (others); i++)
    {
      read_message_string (m, others[i], strlen (others[i]), "v");
      for (int k = 0; k < COHORT_TG_N_KEYS; k++)
        g_assert_cmpint (cohort_telegram_message_type (m, k), ==, COHORT_TG_ABSENT);
    }
  /* The reader compares whole keys: one cut by an escaped NUL is not the name before it. */
  read_message_string (m, "id\0x", 4, "v");
  g_assert_false (cohort_telegram_message_has (m, COHORT_TG_ID));

  /* text as entities: an entity's text and type are read, the message's names are not. */
  cohort_telegram_message_begin (m);
  cohort_telegram_message_key (m, "text", 4);
  g_assert_true (cohort_telegram_message_start (m, TRUE));
  g_assert_true (cohort_telegram_message_start (m, FALSE));
  cohort_telegram_message_key (m, "type", 4);
  cohort_telegram_message_string (m, "text_link", 9);
  cohort_telegram_message_key (m, "text", 4);
  cohort_telegram_message_string (m, "see ", 4);
  cohort_telegram_message_key (m, "id", 2);
  cohort_telegram_message_string (m, "not read", 8);
  g_assert_false (cohort_telegram_message_end (m));
  g_assert_true (cohort_telegram_message_start (m, FALSE));
  cohort_telegram_message_key (m, "texts", 5);
  cohort_telegram_message_string (m, "not read", 8);
  cohort_telegram_message_key (m, "text", 4);
  cohort_telegram_message_string (m, "this", 4);
  g_assert_false (cohort_telegram_message_end (m));
  g_assert_false (cohort_telegram_message_end (m));
  g_assert_true (cohort_telegram_message_end (m));
  g_assert_cmpstr (cohort_telegram_message_text (m, &has_link), ==, "see this");
  g_assert_true (has_link);
  g_assert_false (cohort_telegram_message_has (m, COHORT_TG_ID));

  /* A reaction's emoji and count; document_id names a custom one. */
  cohort_telegram_message_begin (m);
  cohort_telegram_message_key (m, "reactions", 9);
  g_assert_true (cohort_telegram_message_start (m, TRUE));
  g_assert_true (cohort_telegram_message_start (m, FALSE));
  cohort_telegram_message_key (m, "type", 4);
  cohort_telegram_message_string (m, "emoji", 5);
  cohort_telegram_message_key (m, "emoji", 5);
  cohort_telegram_message_string (m, "👍", strlen ("👍"));
  cohort_telegram_message_key (m, "count", 5);
  cohort_telegram_message_number (m, "2", 1);
  g_assert_false (cohort_telegram_message_end (m));
  g_assert_true (cohort_telegram_message_start (m, FALSE));
  cohort_telegram_message_key (m, "type", 4);
  cohort_telegram_message_string (m, "custom_emoji", 12);
  cohort_telegram_message_key (m, "document_id", 11);
  cohort_telegram_message_string (m, "77", 2);
  cohort_telegram_message_key (m, "count", 5);
  cohort_telegram_message_number (m, "5", 1);
  g_assert_false (cohort_telegram_message_end (m));
  g_assert_false (cohort_telegram_message_end (m));
  g_assert_true (cohort_telegram_message_end (m));
  {
    GArray *reactions = cohort_telegram_message_reactions (m);

    g_assert_cmpuint (reactions->len, ==, 2);
    g_assert_cmpstr (g_array_index (reactions, CohortTelegramReaction, 0).emoji, ==, "👍");
    g_assert_cmpint (g_array_index (reactions, CohortTelegramReaction, 0).count, ==, 2);
    g_assert_cmpstr (g_array_index (reactions, CohortTelegramReaction, 1).emoji, ==, "custom:77");
    g_assert_cmpint (g_array_index (reactions, CohortTelegramReaction, 1).count, ==, 5);
  }

  cohort_telegram_message_free (m);
}

/* Ids and Unix times: numbers and whole-integer strings, read by a short decimal path up to
 * 18 digits and by g_ascii_strtoll beyond, with the same values and the same refusals. */
static void
test_message_numbers (void)
{
  CohortTelegramMessage *m = cohort_telegram_message_new ();
  static const struct { const char *text; gboolean ok; gint64 value; } numbers[] = {
    { "0", TRUE, 0 }, { "7", TRUE, 7 }, { "-3", TRUE, -3 },
    { "123456789012345678", TRUE, G_GINT64_CONSTANT (123456789012345678) },
    { "-123456789012345678", TRUE, G_GINT64_CONSTANT (-123456789012345678) },
    { "1234567890123456789", TRUE, G_GINT64_CONSTANT (1234567890123456789) },
    { "9223372036854775808", TRUE, G_MAXINT64 },
    { "-9223372036854775809", TRUE, G_MININT64 },
    { "1.5", FALSE, 0 }, { "2e3", FALSE, 0 }, { "4E1", FALSE, 0 },
  };
  static const struct { const char *text; gboolean ok; gint64 value; } strings[] = {
    { "1751233719", TRUE, 1751233719 }, { "-42", TRUE, -42 }, { "007", TRUE, 7 },
    { "+5", TRUE, 5 }, { " 5", TRUE, 5 }, { "12345678901234567890", TRUE, G_MAXINT64 },
    { "17x", FALSE, 0 }, { "", FALSE, 0 }, { "-", FALSE, 0 }, { "x", FALSE, 0 },
    { "1 ", FALSE, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (numbers); i++)
    {
      gint64 value = -1;

      cohort_telegram_message_begin (m);
      cohort_telegram_message_key (m, "id", 2);
      cohort_telegram_message_number (m, numbers[i].text, strlen (numbers[i].text));
      g_assert_true (cohort_telegram_message_end (m));
      g_assert_cmpint (cohort_telegram_message_type (m, COHORT_TG_ID), ==,
                       numbers[i].ok ? COHORT_TG_INT : COHORT_TG_OTHER);
      g_assert_cmpint (cohort_telegram_message_get_int (m, COHORT_TG_ID, &value), ==,
                       numbers[i].ok);
      if (numbers[i].ok)
        g_assert_cmpint (value, ==, numbers[i].value);
    }
  for (guint i = 0; i < G_N_ELEMENTS (strings); i++)
    {
      gint64 value = -1;

      read_message_string (m, "date_unixtime", 13, strings[i].text);
      g_assert_cmpint (cohort_telegram_message_get_int (m, COHORT_TG_DATE_UNIXTIME, &value), ==,
                       strings[i].ok);
      if (strings[i].ok)
        g_assert_cmpint (value, ==, strings[i].value);
    }
  cohort_telegram_message_free (m);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cohort/telegram/message-keys", test_message_keys);
  g_test_add_func ("/cohort/telegram/message-numbers", test_message_numbers);

#define ADD(name, func) \
  g_test_add ("/cohort/telegram/" name, Fixture, NULL, cohort_test_db_setup, func, cohort_test_db_teardown)

  ADD ("single-supergroup", test_single_supergroup);
  ADD ("idempotent", test_idempotent);
  ADD ("create-group-invites", test_create_group_invites);
  ADD ("full-account", test_full_account);
  ADD ("personal-chat", test_personal_chat);
  ADD ("empty-chat", test_empty_chat);
  ADD ("old-format-utc", test_old_format_utc);
  ADD ("old-format-shanghai", test_old_format_shanghai);
  ADD ("ambiguous-names", test_ambiguous_names);
  ADD ("error-truncated", test_error_truncated);
  ADD ("error-html", test_error_html);
  ADD ("error-not-telegram", test_error_not_telegram);
  ADD ("error-foreign-json", test_error_foreign_json);
  ADD ("error-syntax", test_error_syntax);
  ADD ("error-missing-file", test_error_missing_file);
  ADD ("cancelled", test_cancelled);
  ADD ("text-entities", test_text_entities);
  ADD ("text-entities-too-deep", test_text_entities_too_deep);
  ADD ("bom", test_bom);
  ADD ("chat-without-id", test_chat_without_id);
  ADD ("bot-seen-first-in-service", test_bot_seen_first_in_service);
  ADD ("duplicate-content-without-id", test_duplicate_content_without_id);
  ADD ("truncated-at-message-boundary", test_truncated_at_message_boundary);
  ADD ("full-account-no-chats", test_full_account_no_chats);
  ADD ("syntax-error-deep", test_syntax_error_deep);
  ADD ("large", test_large);
  ADD ("large-cancel-midway", test_large_cancel_midway);
  ADD ("progress-on-calling-thread", test_progress_on_calling_thread);
  ADD ("first-import-indexes", test_first_import_indexes);
  ADD ("first-import-fails-keeps-indexes", test_first_import_fails_keeps_indexes);
  ADD ("first-import-cancelled-keeps-indexes", test_first_import_cancelled_keeps_indexes);

#undef ADD

  return g_test_run ();
}
