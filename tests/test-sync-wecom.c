/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "cohort-source-probe.h"
#include "cohort-store-sources.h"
#include "cohort-sync-error.h"
#include "cohort-sync-job.h"
#include "cohort-test-db.h"
#include "cohort-test-sync.h"
#include "cohort-test-wecom.h"

/*
 * WeCom sync against a corp on 127.0.0.1 that replays tests/data/sources/wecom.  By hand:
 *   读书会 1 群 (wrReadingClub1, owner zhangsan): zhangsan, wmAlice (invited by zhangsan),
 *   wmBob (QR code, state qr-autumn), wmCarol (invite link, invited by zhangsan) → 4 members,
 *   4 joins, 2 invites.
 *   读书会 2 群 (wrReadingClub2, owner lisi): lisi, wmAlice, wmDan → 3 members, 3 joins.
 *   Later, group 1 lists wmErin instead of wmBob: 1 new member, 1 join, 1 derived leave.
 *   Statistics: 180 days up to yesterday (CST) in 6 windows of 30 days; the fake answers one
 *   item for the first and one for the last day of each → 12 days × 8 fields = 96 rows, plus
 *   each group's member count for today → 98.
 *   Pages: gettoken 1 + list 2 + detail 2 + statistics 6 = 11.
 */

#define CORP_ID "ww-test-corp"
#define SECRET  "app-s3cret-for-customer-groups"
#define DAY     86400
#define CST     (8 * 3600)

typedef struct
{
  CohortTestDb     db;
  CohortTestWecom *corp;
  SoupSession     *session;
} Fixture;

static void
fixture_setup (Fixture       *fx,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  cohort_test_db_setup (&fx->db, NULL);
  fx->corp = cohort_test_wecom_new (CORP_ID, SECRET);
  fx->session = soup_session_new ();
  cohort_db_add_source (fx->db.db, "wecom", "Corp", fx->corp->base_url, CORP_ID, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *fx,
                  gconstpointer  data)
{
  g_clear_object (&fx->session);
  g_clear_pointer (&fx->corp, cohort_test_wecom_free);
  cohort_test_db_teardown (&fx->db, NULL);
}

static CohortSyncSummary *
run_sync (Fixture     *fx,
          const char  *secret,
          GError     **error)
{
  g_autoptr(CohortSyncJob) job = cohort_sync_job_new (fx->session, NULL, fx->db.path, "Corp");

  cohort_sync_job_set_secret (job, secret);
  return cohort_test_run_sync (job, NULL, error);
}

static const CohortCommunityInfo *
find_community (GPtrArray  *communities,
                const char *platform_id)
{
  for (guint i = 0; i < communities->len; i++)
    {
      const CohortCommunityInfo *info = g_ptr_array_index (communities, i);

      if (g_str_equal (info->platform_id, platform_id))
        return info;
    }
  g_assert_not_reached ();
}

/* The join channel is not in any list the store hands out yet: read it as another program
 * would. */
static char *
join_channel (Fixture    *fx,
              const char *uid)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *channel = NULL;

  g_assert_cmpint (sqlite3_open_v2 (fx->db.path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT join_channel FROM member m JOIN community c "
                                           "ON c.id = m.community WHERE c.platform_id = 'wrReadingClub1' "
                                           "AND m.platform_uid = ?1", -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, uid, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_text (stmt, 0) != NULL)
    channel = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return channel;
}

static gint64
cst_today (void)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  return ((now + CST) / DAY) * DAY - CST;
}

static void
test_first_sync (Fixture       *fx,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree CohortSyncSummary *summary = run_sync (fx, SECRET, &error);
  g_autoptr(GPtrArray) communities = NULL;
  g_autoptr(CohortSourceInfo) source = NULL;
  g_autoptr(GPtrArray) stats = NULL;
  g_autofree char *cursor = NULL;
  const CohortCommunityInfo *one, *two;
  gint64 today = cst_today ();
  guint windows;

  g_assert_no_error (error);
  g_assert_cmpuint (summary->pages, ==, 11);
  g_assert_cmpint (summary->members_added, ==, 7);
  g_assert_cmpint (summary->events_added, ==, 7);
  g_assert_cmpint (summary->invites_added, ==, 2);
  g_assert_cmpint (summary->stats_added, ==, 98);
  g_assert_cmpuint (cohort_test_wecom_hits (fx->corp, "/cgi-bin/gettoken"), ==, 1);
  g_assert_cmpuint (cohort_test_wecom_hits (fx->corp, "/cgi-bin/externalcontact/groupchat/list"), ==, 2);
  g_assert_cmpstr (fx->corp->stats_owners, ==, "zhangsan,lisi");

  communities = cohort_test_list_communities (fx->db.db);
  g_assert_cmpuint (communities->len, ==, 2);
  one = find_community (communities, "wrReadingClub1");
  two = find_community (communities, "wrReadingClub2");
  g_assert_cmpstr (one->name, ==, "读书会 1 群");
  g_assert_cmpstr (one->platform, ==, "wecom");
  g_assert_cmpstr (one->tz, ==, "Asia/Shanghai");
  g_assert_cmpint (one->members, ==, 4);
  g_assert_cmpint (one->joins, ==, 4);
  g_assert_cmpint (one->leaves, ==, 0);
  g_assert_cmpint (one->invites, ==, 2);
  g_assert_cmpint (two->members, ==, 3);
  g_assert_cmpint (two->invites, ==, 0);

  /* Internal members (type 1) are staff; the channel is the state tag, else the join scene. */
  {
    g_autoptr(CohortSnapshot) snap = cohort_test_load_snapshot (fx->db.db, one->id);
    g_autofree char *bob = join_channel (fx, "wmBob");
    g_autofree char *alice = join_channel (fx, "wmAlice");

    for (guint i = 0; i < snap->n_members; i++)
      g_assert_cmpint (snap->member_is_staff[i], ==, g_str_equal (snap->member_uid[i], "zhangsan"));
    g_assert_cmpstr (bob, ==, "qr-autumn");
    g_assert_cmpstr (alice, ==, "invited");
  }

  /* Windows: CST midnights, at most 30 days, from 180 days back to yesterday, no gaps. */
  windows = fx->corp->stats_windows->len / 2;
  g_assert_cmpuint (windows, ==, 6);
  for (guint i = 0; i < windows; i++)
    {
      gint64 begin = g_array_index (fx->corp->stats_windows, gint64, 2 * i);
      gint64 end = g_array_index (fx->corp->stats_windows, gint64, 2 * i + 1);

      g_assert_cmpint ((begin + CST) % DAY, ==, 0);
      g_assert_cmpint ((end - begin) / DAY + 1, <=, 30);
      if (i == 0)
        g_assert_cmpint (begin, ==, today - 180 * DAY);
      else
        g_assert_cmpint (begin, ==, g_array_index (fx->corp->stats_windows, gint64, 2 * i - 1) + DAY);
      if (i == windows - 1)
        g_assert_cmpint (end, ==, today - DAY);
    }

  stats = cohort_db_list_source_stats (fx->db.db, 1, "wecom.member_total", &error);
  g_assert_cmpuint (stats->len, ==, 12);
  g_clear_pointer (&stats, g_ptr_array_unref);
  stats = cohort_db_list_platform_stats (fx->db.db, one->id, "wecom.group.", &error);
  g_assert_cmpuint (stats->len, ==, 1);
  g_assert_cmpfloat (((CohortPlatformStat *)g_ptr_array_index (stats, 0))->value, ==, 4);

  source = cohort_db_find_source (fx->db.db, "Corp", &error);
  cursor = g_strdup_printf ("{\"stats_until\":%" G_GINT64_FORMAT "}", today - DAY);
  g_assert_cmpstr (source->cursor, ==, cursor);
  g_assert_cmpstr (source->status, ==, "ok");
}

static void
test_member_diff (Fixture       *fx,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree CohortSyncSummary *first = run_sync (fx, SECRET, &error);
  g_autofree CohortSyncSummary *second = NULL;
  g_autofree CohortSyncSummary *third = NULL;
  g_autoptr(GPtrArray) communities = NULL;
  g_autoptr(GPtrArray) present = NULL;
  const CohortCommunityInfo *one;
  gint64 today = cst_today ();

  g_assert_no_error (error);
  g_hash_table_add (fx->corp->later, g_strdup ("wrReadingClub1"));
  second = run_sync (fx, SECRET, &error);
  g_assert_no_error (error);
  /* The cached token served the second sync. */
  g_assert_cmpuint (cohort_test_wecom_hits (fx->corp, "/cgi-bin/gettoken"), ==, 1);
  g_assert_cmpint (second->members_added, ==, 1);
  g_assert_cmpint (second->events_added, ==, 2);
  g_assert_cmpint (second->invites_added, ==, 0);
  g_assert_cmpint (second->stats_added, ==, 0);
  /* Only yesterday's statistics were asked for again. */
  g_assert_cmpuint (fx->corp->stats_windows->len, ==, 2 * 7);
  g_assert_cmpint (g_array_index (fx->corp->stats_windows, gint64, 12), ==, today - DAY);
  g_assert_cmpint (g_array_index (fx->corp->stats_windows, gint64, 13), ==, today - DAY);

  communities = cohort_test_list_communities (fx->db.db);
  one = find_community (communities, "wrReadingClub1");
  g_assert_cmpint (one->members, ==, 5);
  g_assert_cmpint (one->joins, ==, 5);
  g_assert_cmpint (one->leaves, ==, 1);
  present = cohort_db_list_present_members (fx->db.db, one->id, &error);
  g_assert_cmpuint (present->len, ==, 4);
  g_assert_cmpstr (g_ptr_array_index (present, 0), ==, "wmAlice");
  g_assert_cmpstr (g_ptr_array_index (present, 1), ==, "wmCarol");
  g_assert_cmpstr (g_ptr_array_index (present, 2), ==, "wmErin");
  g_assert_cmpstr (g_ptr_array_index (present, 3), ==, "zhangsan");

  /* Nothing changed since: the leave is not found a second time. */
  third = run_sync (fx, SECRET, &error);
  g_assert_no_error (error);
  g_assert_cmpint (third->items, ==, 0);
  g_assert_cmpint (cohort_db_count (fx->db.db, "event"), ==, 9);
}

static void
test_token_refresh (Fixture       *fx,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree CohortSyncSummary *first = run_sync (fx, SECRET, &error);
  g_autofree CohortSyncSummary *second = NULL;

  g_assert_no_error (error);
  /* WeCom revoked the cached token: the list call says 42001, a new token is fetched and the
   * same call repeated. */
  g_free (fx->corp->valid_token);
  fx->corp->valid_token = g_strdup ("revoked-elsewhere");
  second = run_sync (fx, SECRET, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cohort_test_wecom_hits (fx->corp, "/cgi-bin/gettoken"), ==, 2);
  g_assert_cmpuint (cohort_test_wecom_hits (fx->corp, "/cgi-bin/externalcontact/groupchat/list"), ==, 2 + 1 + 2);
  g_assert_cmpstr (fx->corp->valid_token, ==, "TOKEN-2");
  g_assert_cmpint (second->items, ==, 0);
}

static void
assert_clean (Fixture    *fx,
              const char *status)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CohortSourceInfo) source = cohort_db_find_source (fx->db.db, "Corp", &error);

  g_assert_cmpint (cohort_db_count (fx->db.db, "community"), ==, 0);
  g_assert_cmpint (cohort_db_count (fx->db.db, "member"), ==, 0);
  g_assert_cmpint (cohort_db_count (fx->db.db, "event"), ==, 0);
  g_assert_cmpstr (source->status, ==, status);
  g_assert_cmpstr (source->cursor, ==, "{}");
}

static void
test_wrong_secret (Fixture       *fx,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree CohortSyncSummary *summary = run_sync (fx, "a system-app secret", &error);
  g_autofree char *words = NULL;

  g_assert_null (summary);
  g_assert_error (error, COHORT_SYNC_ERROR, COHORT_SYNC_ERROR_AUTH);
  words = cohort_sync_error_describe (error);
  g_assert_true (g_str_has_prefix (words, "WeCom refused the corp ID or app secret."));
  assert_clean (fx, "error");
}

static void
test_rate_limited_midway (Fixture       *fx,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree CohortSyncSummary *summary = NULL;

  /* Both groups are written, then the statistics call is refused: none of it stays. */
  fx->corp->fault_errcode = 45009;
  fx->corp->fault_path = g_strdup ("/cgi-bin/externalcontact/groupchat/statistic_group_by_day");
  summary = run_sync (fx, SECRET, &error);
  g_assert_null (summary);
  g_assert_error (error, COHORT_SYNC_ERROR, COHORT_SYNC_ERROR_RATE_LIMIT);
  assert_clean (fx, "error");
}

static char *
probe (Fixture     *fx,
       const char  *secret,
       GError     **error)
{
  CohortSourceInfo source = { .kind = "wecom", .base_url = fx->corp->base_url, .username = CORP_ID };

  return cohort_test_probe (fx->session, &source, secret, error);
}

static void
test_probe (Fixture       *fx,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *ok = probe (fx, SECRET, &error);
  g_autofree char *bad = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (ok, ==, "Connected: WeCom accepted the corp ID and app secret.");
  bad = probe (fx, "wrong", &error);
  g_assert_null (bad);
  g_assert_error (error, COHORT_SYNC_ERROR, COHORT_SYNC_ERROR_AUTH);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) \
  g_test_add ("/sync-wecom/" path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("first-sync", test_first_sync);
  ADD ("member-diff-and-incremental", test_member_diff);
  ADD ("token-refresh", test_token_refresh);
  ADD ("wrong-secret", test_wrong_secret);
  ADD ("rate-limited-midway", test_rate_limited_midway);
  ADD ("probe", test_probe);
#undef ADD

  return g_test_run ();
}
