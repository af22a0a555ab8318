/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "cohort-activity.h"
#include "cohort-importer.h"
#include "cohort-member-table.h"
#include "cohort-mech.h"
#include "cohort-overview.h"
#include "cohort-retention.h"
#include "cohort-settings.h"
#include "cohort-store-activity.h"
#include "cohort-store-private.h"   /* cohort_db_open_at_version */
#include "cohort-store-settings.h"
#include "cohort-test-db.h"

/*
 * Community settings (issue 4): the store's round trip, defaults and migration, and what
 * each setting changes, every expectation worked out by hand in the comments.
 */

#define D(y, m, d) cohort_day_from_ymd ((y), (m), (d))

/* ------------------------------------------------------------------------------------------ */
/* Store                                                                                       */

static gint64
add_community (CohortDb   *db,
               const char *platform_id)
{
  g_autoptr(GError) error = NULL;
  CohortImportTx *tx = cohort_db_begin_import (db, "test", "test", &error);
  gint64 c;

  g_assert_no_error (error);
  c = cohort_import_tx_community (tx, "telegram", platform_id, "群", "group", "Asia/Shanghai", &error);
  g_assert_true (cohort_import_tx_commit (tx, &error));
  g_assert_no_error (error);
  return c;
}

static int
count_rows (const char *path,
            const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  int n = -1;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

static void
test_defaults_round_trip (CohortTestDb  *fx,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  CohortCommunitySettings s, back;
  gint64 c = add_community (fx->db, "1");
  gint64 other = add_community (fx->db, "2");

  /* METRICS.md §B */
  g_assert_true (cohort_db_get_community_settings (fx->db, c, &s, &error));
  g_assert_no_error (error);
  g_assert_cmpint (s.week_start, ==, 1);
  g_assert_cmpint (s.churn_watch_days, ==, 14);
  g_assert_cmpint (s.churn_warn_days, ==, 30);
  g_assert_cmpint (s.churn_high_days, ==, 60);
  g_assert_cmpint (s.new_member_days, ==, 30);
  g_assert_cmpint (s.fan_min_active_days, ==, 7);
  g_assert_cmpfloat (s.koc_min_score, ==, 0.75);
  g_assert_cmpint (s.koc_min_messages, ==, 20);
  g_assert_cmpint (s.koc_min_reach, ==, 5);
  g_assert_cmpfloat (s.koc_top_share, ==, 0.05);
  g_assert_cmpint (s.kol_min_followers, ==, 500);

  /* key=value parsing, with its refusals */
  g_assert_true (cohort_community_settings_set (&s, "week-start", "sunday", &error));
  g_assert_true (cohort_community_settings_set (&s, "churn-watch-days", "10", &error));
  g_assert_true (cohort_community_settings_set (&s, "churn-warn-days", "20", &error));
  g_assert_true (cohort_community_settings_set (&s, "churn-high-days", "40", &error));
  g_assert_true (cohort_community_settings_set (&s, "koc-min-score", "0.5", &error));
  g_assert_no_error (error);
  g_assert_false (cohort_community_settings_set (&s, "week-start", "tuesday", &error));
  g_assert_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_INVALID_DATA);
  g_clear_error (&error);
  g_assert_false (cohort_community_settings_set (&s, "koc-min-score", "1.5", &error));
  g_assert_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_INVALID_DATA);
  g_clear_error (&error);
  g_assert_false (cohort_community_settings_set (&s, "churn-watch-days", "2.5", &error));
  g_assert_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_INVALID_DATA);
  g_clear_error (&error);
  g_assert_false (cohort_community_settings_set (&s, "colour", "red", &error));
  g_assert_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (cohort_db_set_community_settings (fx->db, c, &s, &error));
  g_assert_no_error (error);
  /* only what differs from the defaults has a row (the week start is a column) */
  g_assert_cmpint (count_rows (fx->path, "SELECT count(*) FROM community_setting"), ==, 4);
  g_assert_cmpint (count_rows (fx->path, "SELECT week_start FROM community WHERE id = 1"), ==, 7);

  cohort_db_close (fx->db);
  fx->db = cohort_db_open (fx->path, TRUE, &error);
  g_assert_true (cohort_db_get_community_settings (fx->db, c, &back, &error));
  g_assert_true (cohort_community_settings_equal (&s, &back));
  g_assert_cmpint (back.week_start, ==, 7);
  g_assert_cmpint (back.churn_warn_days, ==, 20);
  g_assert_cmpfloat (back.koc_min_score, ==, 0.5);
  /* the other community keeps the defaults */
  g_assert_true (cohort_db_get_community_settings (fx->db, other, &back, &error));
  g_assert_cmpint (back.week_start, ==, 1);
  g_assert_cmpint (back.churn_warn_days, ==, 30);
  cohort_db_close (fx->db);

  /* levels out of order are refused whole, and nothing changes */
  fx->db = cohort_db_open (fx->path, FALSE, &error);
  s.churn_warn_days = 10;
  g_assert_false (cohort_db_set_community_settings (fx->db, c, &s, &error));
  g_assert_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_INVALID_DATA);
  g_clear_error (&error);
  g_assert_true (cohort_db_get_community_settings (fx->db, c, &back, &error));
  g_assert_cmpint (back.churn_warn_days, ==, 20);
  g_assert_false (cohort_db_get_community_settings (fx->db, 99, &back, &error));
  g_assert_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_NOT_FOUND);
}

/* A v6 database (before settings existed) with a community and a mechanical 收到 opens at
 * the current version with the defaults and takes rules at once. */
static void
test_migration_from_v6 (CohortTestDb  *fx,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  CohortCommunitySettings s;
  sqlite3 *raw = NULL;
  CohortDb *db;

  cohort_db_close (fx->db);
  g_unlink (fx->path);
  db = cohort_db_open_at_version (fx->path, FALSE, 6, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cohort_db_schema_version (db), ==, 6);
  cohort_db_close (db);
  g_assert_cmpint (sqlite3_open (fx->path, &raw), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (raw,
                                 "INSERT INTO community (id, platform, platform_id, name, tz) VALUES (1, 'telegram', '5', 'Old', 'UTC');"
                                 "INSERT INTO member (id, community, platform_uid) VALUES (1, 1, 'u1');"
                                 "INSERT INTO message (community, member, platform_msg_id, ts, kind, is_mech, mech_reason, text) "
                                 "VALUES (1, 1, '1', 100, 0, 1, 'STOPLIST_ZH', '收到');",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (raw);

  fx->db = cohort_db_open (fx->path, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cohort_db_schema_version (fx->db), ==, COHORT_SCHEMA_VERSION);
  g_assert_true (cohort_db_get_community_settings (fx->db, 1, &s, &error));
  g_assert_cmpint (s.week_start, ==, 1);
  g_assert_cmpint (s.churn_watch_days, ==, 14);
  g_assert_true (cohort_db_set_mech_rule (fx->db, 1, "收到", FALSE, cohort_mech_normalize, NULL, &error));
  g_assert_no_error (error);
  list = cohort_db_list_communities (fx->db, &error);
  g_assert_cmpint (((CohortCommunityInfo *)list->pdata[0])->mechanical_messages, ==, 0);
}

/* ------------------------------------------------------------------------------------------ */
/* Week start                                                                                  */

static gint64
at (CohortSnapshot *s,
    int             day,
    int             hour)
{
  return cohort_snapshot_day_start (s, day) + hour * 3600;
}

static guint
join (CohortSnapshot *s,
      const char     *name,
      int             day)
{
  guint m = cohort_snapshot_add_member (s, name, name, FALSE, FALSE);

  cohort_snapshot_add_span (s, m, at (s, day, 8), COHORT_TS_OPEN, COHORT_SPAN_JOIN, COHORT_SPAN_OPEN);
  return m;
}

static void
say (CohortSnapshot *s,
     guint           m,
     int             day,
     int             to)
{
  cohort_snapshot_add_message (s, at (s, day, 12), m, COHORT_MESSAGE_TEXT, FALSE, to);
}

static void
test_week_start_day (void)
{
  CohortCommunitySettings sunday;

  cohort_community_settings_init_default (&sunday);
  sunday.week_start = 7;
  /* 2024-03-10 is a Sunday, 03-11 a Monday, 03-16 a Saturday */
  g_assert_cmpint (cohort_settings_week_start (NULL, D (2024, 3, 10)), ==, D (2024, 3, 4));
  g_assert_cmpint (cohort_settings_week_start (NULL, D (2024, 3, 11)), ==, D (2024, 3, 11));
  g_assert_cmpint (cohort_settings_week_start (&sunday, D (2024, 3, 10)), ==, D (2024, 3, 10));
  g_assert_cmpint (cohort_settings_week_start (&sunday, D (2024, 3, 11)), ==, D (2024, 3, 10));
  g_assert_cmpint (cohort_settings_week_start (&sunday, D (2024, 3, 16)), ==, D (2024, 3, 10));
  g_assert_cmpint (cohort_settings_week_start (&sunday, D (2024, 3, 17)), ==, D (2024, 3, 17));
  /* before 1970 too */
  g_assert_cmpint (cohort_day_week_start_on (D (1969, 12, 31), 7), ==, D (1969, 12, 28));
}

/*
 * Ann joins on Sunday 2024-03-10 and Ben on Monday 03-11; the range is 03-04 … 03-24 (a
 * Sunday).  Monday weeks: Ann's cohort is the week of 03-04, Ben's that of 03-11: three
 * rows (03-04, 03-11, 03-18) of one member, one member, none.  Sunday weeks: both join in
 * the week of 03-10; the rows are 03-03, 03-10, 03-17, 03-24 and the second has both.
 */
static void
test_week_start_cohorts (void)
{
  g_autoptr(CohortSnapshot) s = cohort_snapshot_new ("week", "test", "UTC");
  g_autoptr(CohortOverview) monday = NULL;
  g_autoptr(CohortOverview) sunday = NULL;
  g_autoptr(CohortRetention) r_monday = NULL;
  g_autoptr(CohortRetention) r_sunday = NULL;
  CohortCommunitySettings settings;
  guint ann = join (s, "ann", D (2024, 3, 10));
  guint ben = join (s, "ben", D (2024, 3, 11));

  say (s, ann, D (2024, 3, 12), -1);
  say (s, ben, D (2024, 3, 17), -1);
  /* data to the range's end, so that its last weeks have cohorts (cohort_metrics_cohorts_end) */
  say (s, ann, D (2024, 3, 24), -1);
  cohort_snapshot_finish (s);
  cohort_community_settings_init_default (&settings);

  monday = cohort_overview_compute_with_settings (s, &settings, D (2024, 3, 4), D (2024, 3, 24));
  g_assert_cmpuint (monday->n_cohorts, ==, 3);
  g_assert_cmpint (monday->cohorts[0].week_start, ==, D (2024, 3, 4));
  g_assert_cmpint (monday->cohorts[0].size, ==, 1);
  g_assert_cmpint (monday->cohorts[1].size, ==, 1);
  g_assert_cmpint (monday->cohorts[2].size, ==, 0);
  /* Ann's week 03-04 … 03-10 has no message of hers; week +1 (03-11 … 03-17) has */
  g_assert_cmpint (monday->cohorts[0].active[0].num, ==, 0);
  g_assert_cmpint (monday->cohorts[0].active[1].num, ==, 1);

  settings.week_start = 7;
  sunday = cohort_overview_compute_with_settings (s, &settings, D (2024, 3, 4), D (2024, 3, 24));
  g_assert_cmpint (monday->week_start, ==, 1);
  g_assert_cmpint (sunday->week_start, ==, 7);   /* the charts' weekly ticks follow it */
  g_assert_cmpuint (sunday->n_cohorts, ==, 4);
  g_assert_cmpint (sunday->cohorts[0].week_start, ==, D (2024, 3, 3));
  g_assert_cmpint (sunday->cohorts[0].size, ==, 0);
  g_assert_cmpint (sunday->cohorts[1].week_start, ==, D (2024, 3, 10));
  g_assert_cmpint (sunday->cohorts[1].size, ==, 2);
  /* week 0 (03-10 … 03-16): Ann spoke on 03-12, Ben not until 03-17, in week +1 */
  g_assert_cmpint (sunday->cohorts[1].active[0].num, ==, 1);
  g_assert_cmpint (sunday->cohorts[1].active[0].den, ==, 2);
  g_assert_cmpint (sunday->cohorts[1].active[1].num, ==, 1);

  /* the Retention page's weekly table moves the same way */
  settings.week_start = 1;
  r_monday = cohort_retention_compute_with_settings (s, &settings, COHORT_RETENTION_BY_WEEK,
                                                     COHORT_RETENTION_ACTIVITY, D (2024, 3, 4),
                                                     D (2024, 3, 24));
  settings.week_start = 7;
  r_sunday = cohort_retention_compute_with_settings (s, &settings, COHORT_RETENTION_BY_WEEK,
                                                     COHORT_RETENTION_ACTIVITY, D (2024, 3, 4),
                                                     D (2024, 3, 24));
  g_assert_cmpuint (r_monday->n_rows, ==, 3);
  g_assert_cmpint (r_monday->rows[0].start, ==, D (2024, 3, 4));
  g_assert_cmpint (r_monday->rows[0].size, ==, 1);
  g_assert_cmpint (r_monday->rows[1].size, ==, 1);
  g_assert_cmpuint (r_sunday->n_rows, ==, 4);
  g_assert_cmpint (r_sunday->rows[1].start, ==, D (2024, 3, 10));
  g_assert_cmpint (r_sunday->rows[1].end, ==, D (2024, 3, 16));
  g_assert_cmpint (r_sunday->rows[1].size, ==, 2);
  g_assert_cmpint (r_sunday->rows[0].size + r_sunday->rows[2].size + r_sunday->rows[3].size, ==, 0);
}

/* A member's detail pane: asof Wednesday 2024-03-27, one message on Sunday 03-24.  Monday
 * weeks: the current week starts on 03-25, so the message is in the week before.  Sunday
 * weeks: the current week starts on the 24th and has it. */
static void
test_week_start_history (void)
{
  g_autoptr(CohortSnapshot) s = cohort_snapshot_new ("history", "test", "UTC");
  g_autoptr(CohortMemberHistory) monday = NULL;
  g_autoptr(CohortMemberHistory) sunday = NULL;
  CohortCommunitySettings settings;
  CohortSegmentParams params;
  guint ann = join (s, "ann", D (2024, 1, 1));

  say (s, ann, D (2024, 3, 24), -1);
  cohort_snapshot_finish (s);
  cohort_community_settings_init_default (&settings);
  cohort_settings_segment_params (&settings, &params);
  monday = cohort_member_history_compute_with_params (s, &params, ann, D (2024, 3, 27), NULL);
  g_assert_cmpint (monday->weeks_first_day + 7 * (COHORT_DETAIL_WEEKS - 1), ==, D (2024, 3, 25));
  g_assert_cmpint (monday->weekly[COHORT_DETAIL_WEEKS - 1], ==, 0);
  g_assert_cmpint (monday->weekly[COHORT_DETAIL_WEEKS - 2], ==, 1);
  g_assert_cmpint (cohort_day_weekday (monday->calendar_first_day), ==, 0);

  settings.week_start = 7;
  cohort_settings_segment_params (&settings, &params);
  sunday = cohort_member_history_compute_with_params (s, &params, ann, D (2024, 3, 27), NULL);
  g_assert_cmpint (sunday->weeks_first_day + 7 * (COHORT_DETAIL_WEEKS - 1), ==, D (2024, 3, 24));
  g_assert_cmpint (sunday->weekly[COHORT_DETAIL_WEEKS - 1], ==, 1);
  g_assert_cmpint (sunday->weekly[COHORT_DETAIL_WEEKS - 2], ==, 0);
  g_assert_cmpint (cohort_day_weekday (sunday->calendar_first_day), ==, 6);
}

/* ------------------------------------------------------------------------------------------ */
/* Churn levels                                                                                */

/*
 * asof 2024-04-30.  Cai last spoke 04-10 (silent 20), Dai 03-26 (35), Eva 02-20 (70).
 * Defaults 14/30/60: Cai 关注, Dai 预警, Eva 高危.  With 21/36/71: Cai none, Dai 关注,
 * Eva 预警.
 */
static void
test_churn_levels (void)
{
  g_autoptr(CohortSnapshot) s = cohort_snapshot_new ("churn", "test", "UTC");
  g_autoptr(CohortOverview) before = NULL;
  g_autoptr(CohortOverview) after = NULL;
  g_autoptr(CohortMemberTable) table = NULL;
  CohortCommunitySettings settings;
  CohortSegmentParams params;
  int asof = D (2024, 4, 30);
  guint cai = join (s, "cai", D (2024, 1, 1));
  guint dai = join (s, "dai", D (2024, 1, 1));
  guint eva = join (s, "eva", D (2024, 1, 1));

  say (s, eva, D (2024, 2, 20), -1);
  say (s, dai, D (2024, 3, 26), -1);
  say (s, cai, D (2024, 4, 10), -1);
  cohort_snapshot_finish (s);
  cohort_community_settings_init_default (&settings);

  before = cohort_overview_compute_with_settings (s, &settings, D (2024, 4, 1), asof);
  g_assert_cmpint (before->kpis.churn_watch, ==, 1);
  g_assert_cmpint (before->kpis.churn_warn, ==, 1);
  g_assert_cmpint (before->kpis.churn_high, ==, 1);

  settings.churn_watch_days = 21;
  settings.churn_warn_days = 36;
  settings.churn_high_days = 71;
  after = cohort_overview_compute_with_settings (s, &settings, D (2024, 4, 1), asof);
  g_assert_cmpint (after->kpis.churn_watch, ==, 1);
  g_assert_cmpint (after->kpis.churn_warn, ==, 1);
  g_assert_cmpint (after->kpis.churn_high, ==, 0);
  g_assert_cmpuint (after->churn_list->len, ==, 2);
  g_assert_cmpuint (((CohortChurnEntry *)after->churn_list->pdata[0])->member, ==, eva);
  g_assert_cmpint (((CohortChurnEntry *)after->churn_list->pdata[0])->level, ==, COHORT_CHURN_WARN);
  g_assert_cmpuint (((CohortChurnEntry *)after->churn_list->pdata[1])->member, ==, dai);
  g_assert_cmpint (((CohortChurnEntry *)after->churn_list->pdata[1])->level, ==, COHORT_CHURN_WATCH);

  /* the Members page's levels follow the same settings */
  cohort_settings_segment_params (&settings, &params);
  table = cohort_member_table_compute (s, asof, &params, NULL, NULL, NULL);
  g_assert_cmpint (table->rows[cai].silent_days, ==, 20);
  g_assert_cmpint (table->rows[cai].churn, ==, COHORT_CHURN_NONE);
  g_assert_cmpint (table->rows[dai].churn, ==, COHORT_CHURN_WATCH);
  g_assert_cmpint (table->rows[eva].churn, ==, COHORT_CHURN_WARN);
}

/* ------------------------------------------------------------------------------------------ */
/* KOC thresholds                                                                              */

/*
 * asof 2024-04-30; everyone joined 2024-01-01 (tenure ≥ 14).  Hub sends 25 messages in
 * April; r1 … r5 each reply to Hub once.  S = the six of them.  F = (25, 1, 1, 1, 1, 1),
 * Q = (5, 0, 0, 0, 0, 0), C = 0 for all.  pct(F)_hub = pct(Q)_hub = (5 + 0.5) / 6 = 0.9167,
 * pct(C) = 0.5 for all: score_hub = 0.7 × 0.9167 + 0.3 × 0.5 = 0.7917 ≥ 0.75, F ≥ 20,
 * Q ≥ 5, and the top max(1, ⌈0.3⌉) = 1: Hub is the KOC.  With koc-min-messages 30 Hub's
 * F = 25 falls short and nobody is.
 */
static void
test_koc_threshold (void)
{
  g_autoptr(CohortSnapshot) s = cohort_snapshot_new ("koc", "test", "UTC");
  g_autoptr(CohortMemberTable) before = NULL;
  g_autoptr(CohortMemberTable) after = NULL;
  CohortCommunitySettings settings;
  CohortSegmentParams params;
  int asof = D (2024, 4, 30);
  guint hub = join (s, "hub", D (2024, 1, 1));

  for (int i = 0; i < 25; i++)
    say (s, hub, D (2024, 4, 1) + i, -1);
  for (int i = 0; i < 5; i++)
    {
      g_autofree char *name = g_strdup_printf ("r%d", i + 1);

      say (s, join (s, name, D (2024, 1, 1)), D (2024, 4, 26), (int)hub);
    }
  cohort_snapshot_finish (s);

  cohort_community_settings_init_default (&settings);
  cohort_settings_segment_params (&settings, &params);
  before = cohort_member_table_compute (s, asof, &params, NULL, NULL, NULL);
  g_assert_cmpuint (before->n_scored, ==, 6);
  g_assert_cmpint (before->rows[hub].koc_f, ==, 25);
  g_assert_cmpint (before->rows[hub].koc_q, ==, 5);
  g_assert_cmpfloat_with_epsilon (before->rows[hub].koc_score, 0.7 * 5.5 / 6 + 0.15, 1e-9);
  g_assert_true (before->rows[hub].is_koc);
  g_assert_cmpint (before->rows[hub].tier, ==, COHORT_TIER_KOC);
  g_assert_cmpuint (before->n_koc, ==, 1);

  g_assert_true (cohort_community_settings_set (&settings, "koc-min-messages", "30", NULL));
  cohort_settings_segment_params (&settings, &params);
  after = cohort_member_table_compute (s, asof, &params, NULL, NULL, NULL);
  g_assert_false (after->rows[hub].is_koc);
  g_assert_cmpint (after->rows[hub].tier, ==, COHORT_TIER_FAN);   /* 25 active days of 30 */
  g_assert_cmpuint (after->n_koc, ==, 0);
}

/* ------------------------------------------------------------------------------------------ */
/* Mechanical-reply rules                                                                      */

typedef struct
{
  const char *uid;
  int         minute;
  const char *text;
} Line;

/*
 * Day 2024-03-04 (UTC), messages at least 10 minutes apart (no DUP_SELF, no ECHO):
 *   ann 收到 · ben 收到 · ann 收到！ (all STOPLIST_ZH) · ann 冲冲冲 · ben 冲冲冲 ·
 *   ann 冲冲冲！ · ben 今天跑了十公里 (all genuine).
 * Built-in: 3 mechanical of 7.  冲冲冲 added: 6.  收到 removed as well: 3 (the three
 * 冲冲冲).  Both rules deleted: 3 again, the first three.
 */
static const Line lines[] = {
  { "ann", 0, "收到" }, { "ben", 10, "收到" }, { "ann", 20, "收到！" },
  { "ann", 30, "冲冲冲" }, { "ben", 40, "冲冲冲" }, { "ann", 50, "冲冲冲！" },
  { "ben", 60, "今天跑了十公里" },
};

#define T0 1709510400  /* 2024-03-04T00:00:00Z */

static void
import_lines (CohortDb    *db,
              const Line  *list,
              guint        n,
              const char  *prefix,
              gboolean     apply_rules)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CohortMech) mech = cohort_mech_new ();
  CohortImportTx *tx = cohort_db_begin_import (db, prefix, "test", &error);
  gint64 c = cohort_import_tx_community (tx, "telegram", "mech", "机械群", "group", "UTC", &error);

  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *id = g_strdup_printf ("%s%u", prefix, i);
      CohortMessageRecord r = { 0, };
      CohortMechReason reason;

      g_assert_true (cohort_import_tx_member (tx, c, list[i].uid, list[i].uid, FALSE, &error));
      r.community = c;
      r.platform_msg_id = id;
      r.member_uid = list[i].uid;
      r.ts = T0 + list[i].minute * 60;
      r.kind = COHORT_MESSAGE_TEXT;
      r.text = list[i].text;
      r.length = (int)g_utf8_strlen (list[i].text, -1);
      reason = cohort_mech_classify (mech, r.member_uid, r.ts, r.text, r.kind, FALSE);
      r.is_mech = reason != COHORT_MECH_NONE;
      r.mech_reason = cohort_mech_reason_to_string (reason);
      g_assert_true (cohort_import_tx_message (tx, &r, &error));
    }
  if (apply_rules)
    g_assert_true (cohort_import_tx_apply_mech_rules (tx, cohort_mech_normalize, &error));
  g_assert_true (cohort_import_tx_commit (tx, &error));
  g_assert_no_error (error);
}

static gint64
mechanical (CohortDb *db)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = cohort_db_list_communities (db, &error);

  g_assert_no_error (error);
  return ((CohortCommunityInfo *)list->pdata[0])->mechanical_messages;
}

/* The Activity page's mechanical share over 2024-03-04. */
static CohortRate
mech_share (CohortDb *db)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CohortSnapshot) s = cohort_db_load_snapshot (db, 1, &error);
  g_autoptr(GPtrArray) texts = NULL;
  g_autoptr(CohortActivity) a = NULL;
  int d = D (2024, 3, 4);

  g_assert_no_error (error);
  texts = cohort_db_load_texts (db, 1, s, T0 - 86400, T0 + 86400, &error);
  g_assert_no_error (error);
  a = cohort_activity_compute (s, texts, d, d);
  return a->mech_share;
}

static void
test_mech_rules (CohortTestDb  *fx,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rules = NULL;
  g_autofree char *fp0 = NULL;
  g_autofree char *fp1 = NULL;
  CohortRate share;

  import_lines (fx->db, lines, G_N_ELEMENTS (lines), "a", FALSE);
  g_assert_cmpint (mechanical (fx->db), ==, 3);
  share = mech_share (fx->db);
  g_assert_cmpint (share.num, ==, 3);
  g_assert_cmpint (share.den, ==, 7);
  fp0 = cohort_db_community_fingerprint (fx->db, 1, &error);

  /* an addition, written as an operator would type it: "冲冲冲！" is "冲冲冲" */
  g_assert_true (cohort_db_set_mech_rule (fx->db, 1, "冲冲冲！", TRUE, cohort_mech_normalize, &rules, &error));
  g_assert_no_error (error);
  /* the rules come back counted by the same pass */
  g_assert_cmpuint (rules->len, ==, 1);
  g_assert_cmpint (((CohortMechRule *)rules->pdata[0])->matches, ==, 3);
  g_clear_pointer (&rules, g_ptr_array_unref);
  g_assert_cmpint (mechanical (fx->db), ==, 6);
  share = mech_share (fx->db);
  g_assert_cmpint (share.num, ==, 6);
  g_assert_cmpint (share.den, ==, 7);
  g_assert_cmpint (count_rows (fx->path, "SELECT count(*) FROM message WHERE mech_reason = 'CUSTOM'"), ==, 3);
  /* the pages' cached snapshots see that the rules changed */
  fp1 = cohort_db_community_fingerprint (fx->db, 1, &error);
  g_assert_cmpstr (fp0, !=, fp1);

  /* a removal reverses the built-in STOPLIST_ZH hits, whose reason stays for later */
  g_assert_true (cohort_db_set_mech_rule (fx->db, 1, "收到", FALSE, cohort_mech_normalize, NULL, &error));
  g_assert_cmpint (mechanical (fx->db), ==, 3);
  share = mech_share (fx->db);
  g_assert_cmpint (share.num, ==, 3);
  g_assert_cmpint (count_rows (fx->path, "SELECT count(*) FROM message WHERE is_mech = 0 AND mech_reason = 'STOPLIST_ZH'"), ==, 3);

  rules = cohort_db_list_mech_rules (fx->db, 1, cohort_mech_normalize, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rules->len, ==, 2);
  g_assert_cmpstr (((CohortMechRule *)rules->pdata[0])->text, ==, "冲冲冲");
  g_assert_true (((CohortMechRule *)rules->pdata[0])->mechanical);
  g_assert_cmpint (((CohortMechRule *)rules->pdata[0])->matches, ==, 3);
  g_assert_cmpstr (((CohortMechRule *)rules->pdata[1])->text, ==, "收到");
  g_assert_false (((CohortMechRule *)rules->pdata[1])->mechanical);
  g_assert_cmpint (((CohortMechRule *)rules->pdata[1])->matches, ==, 3);

  /* a later import gets the rules too: ben 冲冲冲 is mechanical, ann 收到 genuine */
  {
    static const Line more[] = { { "ben", 120, "冲冲冲" }, { "ann", 130, "收到" } };

    import_lines (fx->db, more, G_N_ELEMENTS (more), "b", TRUE);
    g_assert_cmpint (mechanical (fx->db), ==, 4);
  }

  /* deleting both rules gives the built-in verdicts back: the four 收到 */
  g_assert_true (cohort_db_delete_mech_rule (fx->db, 1, "收到！", cohort_mech_normalize, NULL, &error));
  g_assert_true (cohort_db_delete_mech_rule (fx->db, 1, "冲冲冲", cohort_mech_normalize, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (mechanical (fx->db), ==, 4);
  g_assert_cmpint (count_rows (fx->path, "SELECT count(*) FROM message WHERE mech_reason = 'CUSTOM'"), ==, 0);
  g_assert_false (cohort_db_delete_mech_rule (fx->db, 1, "冲冲冲", cohort_mech_normalize, NULL, &error));
  g_assert_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  /* nothing to match once normalised */
  g_assert_false (cohort_db_set_mech_rule (fx->db, 1, " ！！ ", TRUE, cohort_mech_normalize, NULL, &error));
  g_assert_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_INVALID_DATA);
}

/* The file importer applies the rules to what it adds (tests/data/settings/README.md). */
static void
test_import_applies_rules (CohortTestDb  *fx,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char *weeks[] = { "week-1.json", "week-2.json" };

  for (guint i = 0; i < G_N_ELEMENTS (weeks); i++)
    {
      g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "settings", weeks[i], NULL);
      g_autoptr(GFile) file = g_file_new_for_path (path);
      CohortImportResult *result = cohort_import_file (fx->db, file, NULL, NULL, NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (result);
      cohort_import_result_free (result);
      if (i > 0)
        break;
      /* after the first week: 收到 is the one mechanical message */
      g_assert_cmpint (mechanical (fx->db), ==, 1);
      g_assert_true (cohort_db_set_mech_rule (fx->db, 1, "冲冲冲", TRUE, cohort_mech_normalize, NULL, &error));
      g_assert_true (cohort_db_set_mech_rule (fx->db, 1, "收到", FALSE, cohort_mech_normalize, NULL, &error));
      g_assert_no_error (error);
    }
  /* #1 and #4 (冲冲冲, 冲冲冲！) mechanical, #2 and #5 (收到) genuine, #3 untouched */
  g_assert_cmpint (mechanical (fx->db), ==, 2);
  g_assert_cmpint (count_rows (fx->path, "SELECT count(*) FROM message WHERE is_mech = 1 AND text LIKE '冲冲冲%'"), ==, 2);
  g_assert_cmpint (count_rows (fx->path, "SELECT count(*) FROM message WHERE is_mech = 0 AND text = '收到'"), ==, 2);
  g_assert_cmpint (count_rows (fx->path, "SELECT count(*) FROM message WHERE is_mech = 0 AND text = '今天跑了十公里'"), ==, 1);
}

/* ------------------------------------------------------------------------------------------ */
/* Staff and bot lists                                                                         */

static void
test_member_lists (CohortTestDb  *fx,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) flagged = NULL;
  g_autoptr(GPtrArray) found = NULL;
  const char *ann[] = { "ann", NULL };
  const char *ben[] = { "ben", NULL };

  import_lines (fx->db, lines, G_N_ELEMENTS (lines), "a", FALSE);
  g_assert_true (cohort_db_set_member_flag (fx->db, 1, ann, COHORT_MEMBER_FLAG_STAFF, TRUE, &error));
  g_assert_true (cohort_db_set_member_flag (fx->db, 1, ben, COHORT_MEMBER_FLAG_BOT, TRUE, &error));
  flagged = cohort_db_list_flagged_members (fx->db, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (flagged->len, ==, 2);
  g_assert_cmpstr (((CohortMemberRef *)flagged->pdata[0])->uid, ==, "ann");
  g_assert_true (((CohortMemberRef *)flagged->pdata[0])->is_staff);
  g_assert_true (((CohortMemberRef *)flagged->pdata[1])->is_bot);

  found = cohort_db_search_members (fx->db, 1, "BE", 8, &error);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpstr (((CohortMemberRef *)found->pdata[0])->uid, ==, "ben");
  g_clear_pointer (&found, g_ptr_array_unref);
  /* LIKE wildcards are literal */
  found = cohort_db_search_members (fx->db, 1, "%", 8, &error);
  g_assert_cmpuint (found->len, ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/settings/store/defaults-round-trip", CohortTestDb, NULL, cohort_test_db_setup,
              test_defaults_round_trip, cohort_test_db_teardown);
  g_test_add ("/settings/store/migration-from-v6", CohortTestDb, NULL, cohort_test_db_setup,
              test_migration_from_v6, cohort_test_db_teardown);
  g_test_add_func ("/settings/week-start/day", test_week_start_day);
  g_test_add_func ("/settings/week-start/cohorts", test_week_start_cohorts);
  g_test_add_func ("/settings/week-start/history", test_week_start_history);
  g_test_add_func ("/settings/churn-levels", test_churn_levels);
  g_test_add_func ("/settings/koc-threshold", test_koc_threshold);
  g_test_add ("/settings/mech-rules", CohortTestDb, NULL, cohort_test_db_setup,
              test_mech_rules, cohort_test_db_teardown);
  g_test_add ("/settings/import-applies-rules", CohortTestDb, NULL, cohort_test_db_setup,
              test_import_applies_rules, cohort_test_db_teardown);
  g_test_add ("/settings/member-lists", CohortTestDb, NULL, cohort_test_db_setup,
              test_member_lists, cohort_test_db_teardown);
  return g_test_run ();
}
