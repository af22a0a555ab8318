/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "cohort-backup.h"
#include "cohort-store-private.h"
#include "cohort-importer.h"
#include "cohort-overview.h"
#include "cohort-snapshot-cache.h"
#include "cohort-mech.h"
#include "cohort-store-members.h"
#include "cohort-store-settings.h"
#include "cohort-store-snapshot.h"
#include "cohort-store-sources.h"
#include "cohort-sync-job.h"
#include "cohort-test-db.h"
#include "cohort-test-discourse.h"
#include "cohort-test-secrets.h"

/*
 * The persistent snapshot cache (cohort-snapshot-cache.c, cohort-store-snapshot.c).
 *
 * tests/data/snapshot-cache/part-1.json (Telegram, UTC times) by hand: Alice (user1), Bob
 * (user2) and Carol (user3) join by link at 02:00, 02:01 and 02:02 on 2024-03-01, in that
 * order, so they are members 0, 1 and 2.  Six messages that are not system lines, in
 * (time, member) order:
 *
 *   1709258700  Alice  #4                      replies to nothing
 *   1709258820  Bob    #6 → #7 (Carol, later)  reply member 2
 *   1709258820  Carol  #5 → #4 (Alice)         reply member 0  (same second, higher member)
 *   1709262000  Carol  #7 → #1 (Alice's join)  reply member 0  (a system line still counts)
 *   1709345100  Alice  #8                      replies to nothing
 *   1709345160  Bob    #9 → #99 (missing)      reply member -1
 *
 * part-2.json is part-1 plus Dana (user4) joining on 2024-03-03, two messages (#11 by Dana,
 * #12 by Alice replying to her) and Carol leaving: 4 members and 8 messages.
 */

#define SECRET "k3y-5ecret-0f-the-f0rum"

typedef CohortTestDb Fixture;

static const gint64 part1_ts[] = { 1709258700, 1709258820, 1709258820, 1709262000, 1709345100,
                                   1709345160 };
static const guint part1_member[] = { 0, 1, 2, 2, 0, 1 };
static const int part1_reply[] = { -1, 2, 0, 0, -1, -1 };

static CohortImportResult *
import_part (Fixture    *fx,
             const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "snapshot-cache", name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  CohortImportOptions options = { .tz = "UTC" };
  CohortImportResult *result = cohort_import_file (fx->db, file, &options, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
  return result;
}

static gint64
only_community (CohortDb *db)
{
  g_autoptr(GPtrArray) list = cohort_test_list_communities (db);

  g_assert_cmpuint (list->len, ==, 1);
  return ((CohortCommunityInfo *)list->pdata[0])->id;
}

static CohortSnapshot *
load (CohortDb *db,
      gint64    community,
      gboolean  cached)
{
  g_autoptr(GError) error = NULL;
  CohortSnapshot *snap = cached ? cohort_db_load_snapshot (db, community, &error)
                                : cohort_db_load_snapshot_uncached (db, community, &error);

  g_assert_no_error (error);
  g_assert_nonnull (snap);
  return snap;
}

#define ASSERT_COLUMN(a, b, field, n) \
  g_assert_cmpmem ((a)->field, (n) * sizeof (a)->field[0], (b)->field, (n) * sizeof (b)->field[0])

static void
assert_snapshots_equal (CohortSnapshot *a,
                        CohortSnapshot *b)
{
  g_assert_cmpstr (a->name, ==, b->name);
  g_assert_cmpstr (a->platform, ==, b->platform);
  g_assert_cmpstr (a->tz_id, ==, b->tz_id);
  g_assert_cmpstr (g_time_zone_get_identifier (a->tz), ==, g_time_zone_get_identifier (b->tz));
  g_assert_cmpint (a->generation, ==, b->generation);
  g_assert_cmpuint (a->n_members, ==, b->n_members);
  g_assert_cmpuint (a->n_spans, ==, b->n_spans);
  g_assert_cmpuint (a->n_messages, ==, b->n_messages);
  for (guint i = 0; i < a->n_members; i++)
    {
      g_assert_cmpstr (a->member_uid[i], ==, b->member_uid[i]);
      g_assert_cmpstr (a->member_name[i], ==, b->member_name[i]);
      g_assert_cmpint (cohort_snapshot_find_member (b, a->member_uid[i]), ==, (int)i);
    }
  ASSERT_COLUMN (a, b, member_is_bot, a->n_members);
  ASSERT_COLUMN (a, b, member_is_staff, a->n_members);
  ASSERT_COLUMN (a, b, member_first_join, a->n_members);
  ASSERT_COLUMN (a, b, span_member, a->n_spans);
  ASSERT_COLUMN (a, b, span_start, a->n_spans);
  ASSERT_COLUMN (a, b, span_end, a->n_spans);
  ASSERT_COLUMN (a, b, span_start_kind, a->n_spans);
  ASSERT_COLUMN (a, b, span_end_kind, a->n_spans);
  ASSERT_COLUMN (a, b, msg_ts, a->n_messages);
  ASSERT_COLUMN (a, b, msg_member, a->n_messages);
  ASSERT_COLUMN (a, b, msg_kind, a->n_messages);
  ASSERT_COLUMN (a, b, msg_is_mech, a->n_messages);
  ASSERT_COLUMN (a, b, msg_reply_member, a->n_messages);
  ASSERT_COLUMN (a, b, msg_day, a->n_messages);
  ASSERT_COLUMN (a, b, msg_hour, a->n_messages);
  ASSERT_COLUMN (a, b, msg_wday, a->n_messages);
  g_assert_cmpint (a->first_day, ==, b->first_day);
  g_assert_cmpint (a->last_day, ==, b->last_day);
}

/* Writes the cache at the current generation and checks that the next load uses it. */
static void
fill_cache (Fixture *fx,
            gint64   community)
{
  g_autoptr(CohortSnapshot) fresh = load (fx->db, community, FALSE);
  g_autoptr(CohortSnapshot) cached = NULL;
  g_autoptr(GBytes) blob = cohort_snapshot_cache_encode (fresh, community);
  g_autoptr(GError) error = NULL;
  gboolean saved = FALSE;

  g_assert_false (fresh->from_cache);
  g_assert_true (cohort_db_save_snapshot_cache (fx->db, community, fresh->generation, blob,
                                                &saved, &error));
  g_assert_no_error (error);
  g_assert_true (saved);
  cached = load (fx->db, community, TRUE);
  g_assert_true (cached->from_cache);
  assert_snapshots_equal (fresh, cached);
}

/* After a write: the generation moved on, the cache is not used, and what is loaded is the
 * new state. */
static CohortSnapshot *
assert_invalidated (Fixture *fx,
                    gint64   community,
                    gint64   generation_before)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CohortSnapshot) fresh = load (fx->db, community, FALSE);
  CohortSnapshot *snap = load (fx->db, community, TRUE);

  g_assert_cmpint (cohort_db_get_generation (fx->db, community, &error), >, generation_before);
  g_assert_no_error (error);
  g_assert_false (snap->from_cache);
  assert_snapshots_equal (fresh, snap);
  return snap;
}

/* ------------------------------------------------------------------------------------------ */

static void
test_round_trip (Fixture       *fx,
                 gconstpointer  data)
{
  g_autoptr(CohortImportResult) result = import_part (fx, "part-1.json");
  gint64 c = only_community (fx->db);
  g_autoptr(CohortSnapshot) fresh = load (fx->db, c, FALSE);
  g_autoptr(CohortSnapshot) cached = NULL;

  /* the cold load itself, by hand */
  g_assert_cmpuint (fresh->n_members, ==, 3);
  g_assert_cmpstr (fresh->member_uid[0], ==, "user1");
  g_assert_cmpstr (fresh->member_uid[1], ==, "user2");
  g_assert_cmpstr (fresh->member_uid[2], ==, "user3");
  g_assert_cmpuint (fresh->n_messages, ==, G_N_ELEMENTS (part1_ts));
  g_assert_cmpmem (fresh->msg_ts, sizeof part1_ts, part1_ts, sizeof part1_ts);
  g_assert_cmpmem (fresh->msg_member, sizeof part1_member, part1_member, sizeof part1_member);
  g_assert_cmpmem (fresh->msg_reply_member, sizeof part1_reply, part1_reply, sizeof part1_reply);
  g_assert_cmpuint (fresh->n_spans, ==, 3);
  g_assert_cmpint (fresh->member_first_join[2], ==, 1709258520);
  /* 2024-03-01 and 2024-03-02 (UTC), a Friday and a Saturday */
  g_assert_cmpint (fresh->first_day, ==, 19783);
  g_assert_cmpint (fresh->last_day, ==, 19784);
  g_assert_cmpuint (fresh->msg_wday[0], ==, 4);
  g_assert_cmpuint (fresh->msg_wday[5], ==, 5);
  g_assert_cmpuint (fresh->msg_hour[3], ==, 3);

  /* nothing cached yet */
  cached = load (fx->db, c, TRUE);
  g_assert_false (cached->from_cache);
  g_clear_pointer (&cached, cohort_snapshot_free);

  fill_cache (fx, c);
}

/* Platform message ids are unique only within a community: another community holding the
 * same ids (a second group exported by the same app) neither duplicates a reply nor lends it
 * a target. */
static void
test_reply_ids_per_community (Fixture       *fx,
                              gconstpointer  data)
{
  g_autoptr(CohortImportResult) result = import_part (fx, "part-1.json");
  gint64 c = only_community (fx->db);
  g_autoptr(CohortSnapshot) fresh = NULL;
  g_autofree char *sql = g_strdup_printf (
    "INSERT INTO community (platform, platform_id, name, tz)"
    "  VALUES ('telegram', 'other-group', 'Other', 'UTC');"
    "INSERT INTO message (community, member, platform_msg_id, ts, kind)"
    "  SELECT last_insert_rowid (), NULL, platform_msg_id, ts, kind FROM message"
    "  WHERE community = %" G_GINT64_FORMAT ";", c);
  sqlite3 *raw = NULL;

  g_assert_cmpint (sqlite3_open (fx->path, &raw), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (raw, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_changes (raw), >, (int)G_N_ELEMENTS (part1_ts));
  sqlite3_close (raw);

  fresh = load (fx->db, c, FALSE);
  g_assert_cmpuint (fresh->n_messages, ==, G_N_ELEMENTS (part1_ts));
  g_assert_cmpmem (fresh->msg_member, sizeof part1_member, part1_member, sizeof part1_member);
  g_assert_cmpmem (fresh->msg_reply_member, sizeof part1_reply, part1_reply, sizeof part1_reply);
}

static void
test_round_trip_empty (void)
{
  g_autoptr(CohortSnapshot) empty = cohort_snapshot_new ("空", "telegram", "Asia/Shanghai");
  g_autoptr(CohortSnapshot) back = NULL;
  g_autoptr(GBytes) blob = NULL;

  cohort_snapshot_finish (empty);
  empty->generation = 3;
  blob = cohort_snapshot_cache_encode (empty, 9);
  back = cohort_snapshot_cache_decode_bytes (blob, 9, 3);
  g_assert_nonnull (back);
  g_assert_true (back->from_cache);
  assert_snapshots_equal (empty, back);
  /* another community's or generation's cache is never taken */
  g_assert_null (cohort_snapshot_cache_decode_bytes (blob, 8, 3));
  g_assert_null (cohort_snapshot_cache_decode_bytes (blob, 9, 4));
}

/* Damage anywhere (header, strings, columns) or a missing tail: the decoder refuses. */
static void
test_corrupt_bytes (Fixture       *fx,
                    gconstpointer  data)
{
  g_autoptr(CohortImportResult) result = import_part (fx, "part-1.json");
  gint64 c = only_community (fx->db);
  g_autoptr(CohortSnapshot) fresh = load (fx->db, c, FALSE);
  g_autoptr(GBytes) blob = cohort_snapshot_cache_encode (fresh, c);
  gsize size = g_bytes_get_size (blob);
  const gsize offsets[] = { 0, 9, 13, 40, 70, 80, size / 2, size - 1 };

  for (guint i = 0; i < G_N_ELEMENTS (offsets); i++)
    {
      g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (blob, NULL), size);
      g_autoptr(GBytes) damaged = NULL;

      copy[offsets[i]] ^= 0x21;
      damaged = g_bytes_new (copy, size);
      g_assert_null (cohort_snapshot_cache_decode_bytes (damaged, c, fresh->generation));
    }
  for (gsize cut = 0; cut < size; cut += size / 7 + 1)
    {
      g_autoptr(GBytes) truncated = g_bytes_new_from_bytes (blob, 0, cut);

      g_assert_null (cohort_snapshot_cache_decode_bytes (truncated, c, fresh->generation));
    }
}

/* Damage the stored row behind the store's back (the cache table has no trigger, so the
 * generation stays): the load falls back to the tables and is still right. */
static void
damage_row (Fixture    *fx,
            gint64      community,
            const char *sql)
{
  sqlite3 *raw = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open (fx->path, &raw), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (raw, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, community);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  g_assert_cmpint (sqlite3_changes (raw), ==, 1);
  sqlite3_finalize (stmt);
  sqlite3_close (raw);
}

static void
test_corrupt_row (Fixture       *fx,
                  gconstpointer  data)
{
  static const char * const damage[] = {
    /* truncated */
    "UPDATE snapshot_cache SET data = substr (data, 1, length (data) - 5) WHERE community = ?1",
    /* one byte of a column changed */
    ("UPDATE snapshot_cache SET data = CAST (substr (data, 1, length (data) - 9) || x'7f' || "
     "substr (data, length (data) - 7) AS BLOB) WHERE community = ?1"),
    /* not a cache at all */
    "UPDATE snapshot_cache SET data = x'00' WHERE community = ?1",
  };
  g_autoptr(CohortImportResult) result = import_part (fx, "part-1.json");
  gint64 c = only_community (fx->db);

  for (guint i = 0; i < G_N_ELEMENTS (damage); i++)
    {
      g_autoptr(CohortSnapshot) fresh = NULL;
      g_autoptr(CohortSnapshot) snap = NULL;

      fill_cache (fx, c);
      damage_row (fx, c, damage[i]);
      fresh = load (fx->db, c, FALSE);
      snap = load (fx->db, c, TRUE);
      g_assert_false (snap->from_cache);
      assert_snapshots_equal (fresh, snap);
    }
}

/* The Overview from a cached snapshot is the Overview from the tables. */
static void
assert_rates_equal (CohortRate a,
                    CohortRate b)
{
  g_assert_cmpint (a.num, ==, b.num);
  g_assert_cmpint (a.den, ==, b.den);
}

static void
test_overview_identical (Fixture       *fx,
                         gconstpointer  data)
{
  g_autoptr(CohortImportResult) result = import_part (fx, "part-2.json");
  gint64 c = only_community (fx->db);
  g_autoptr(CohortSnapshot) fresh = NULL;
  g_autoptr(CohortSnapshot) cached = NULL;
  g_autoptr(CohortOverview) a = NULL;
  g_autoptr(CohortOverview) b = NULL;

  fill_cache (fx, c);
  fresh = load (fx->db, c, FALSE);
  cached = load (fx->db, c, TRUE);
  g_assert_true (cached->from_cache);
  a = cohort_overview_compute (fresh, fresh->first_day, fresh->last_day);
  b = cohort_overview_compute (cached, cached->first_day, cached->last_day);

  g_assert_cmpint (a->kpis.members_end, ==, 3);   /* Dana in, Carol out */
  g_assert_cmpint (a->kpis.messages, ==, b->kpis.messages);
  g_assert_cmpint (a->kpis.members_start, ==, b->kpis.members_start);
  g_assert_cmpint (a->kpis.members_end, ==, b->kpis.members_end);
  g_assert_cmpint (a->kpis.new_members, ==, b->kpis.new_members);
  g_assert_cmpint (a->kpis.joins, ==, b->kpis.joins);
  g_assert_cmpint (a->kpis.leaves, ==, b->kpis.leaves);
  g_assert_cmpint (a->kpis.active_members, ==, b->kpis.active_members);
  g_assert_cmpint (a->kpis.raw_messages, ==, b->kpis.raw_messages);
  g_assert_cmpint (a->kpis.lurkers, ==, b->kpis.lurkers);
  g_assert_cmpint (a->kpis.churn_watch, ==, b->kpis.churn_watch);
  assert_rates_equal (a->kpis.raw_interaction_rate, b->kpis.raw_interaction_rate);
  assert_rates_equal (a->kpis.real_interaction_rate, b->kpis.real_interaction_rate);
  assert_rates_equal (a->kpis.retention_7d, b->kpis.retention_7d);
  g_assert_cmpuint (a->n_days, ==, b->n_days);
  g_assert_cmpmem (a->members, a->n_days * sizeof (gint64), b->members, b->n_days * sizeof (gint64));
  g_assert_cmpmem (a->dau, a->n_days * sizeof (gint64), b->dau, b->n_days * sizeof (gint64));
  g_assert_cmpmem (a->heatmap_counts, sizeof a->heatmap_counts, b->heatmap_counts,
                   sizeof b->heatmap_counts);
  g_assert_cmpmem (a->core_slots, sizeof a->core_slots, b->core_slots, sizeof b->core_slots);
  g_assert_cmpuint (a->top_members->len, ==, b->top_members->len);
  for (guint i = 0; i < a->top_members->len; i++)
    {
      CohortTopMember *x = a->top_members->pdata[i], *y = b->top_members->pdata[i];

      g_assert_cmpuint (x->member, ==, y->member);
      g_assert_cmpstr (x->name, ==, y->name);
      g_assert_cmpint (x->messages, ==, y->messages);
    }
  g_assert_cmpuint (a->n_cohorts, ==, b->n_cohorts);
  for (guint i = 0; i < a->n_cohorts; i++)
    {
      g_assert_cmpint (a->cohorts[i].week_start, ==, b->cohorts[i].week_start);
      g_assert_cmpint (a->cohorts[i].size, ==, b->cohorts[i].size);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Every write path invalidates                                                                */

static void
test_import_invalidates (Fixture       *fx,
                         gconstpointer  data)
{
  g_autoptr(CohortImportResult) first = import_part (fx, "part-1.json");
  g_autoptr(CohortImportResult) second = NULL;
  g_autoptr(CohortSnapshot) snap = NULL;
  gint64 c = only_community (fx->db);
  gint64 generation;

  fill_cache (fx, c);
  generation = cohort_db_get_generation (fx->db, c, NULL);
  second = import_part (fx, "part-2.json");
  snap = assert_invalidated (fx, c, generation);
  g_assert_cmpuint (snap->n_members, ==, 4);
  g_assert_cmpuint (snap->n_messages, ==, 8);
}

static void
test_remove_import_invalidates (Fixture       *fx,
                                gconstpointer  data)
{
  g_autoptr(CohortImportResult) first = import_part (fx, "part-1.json");
  g_autoptr(CohortImportResult) second = import_part (fx, "part-2.json");
  g_autoptr(CohortSnapshot) snap = NULL;
  g_autoptr(GPtrArray) runs = cohort_db_list_imports (fx->db, NULL);
  g_autoptr(GError) error = NULL;
  gint64 c = only_community (fx->db);
  gint64 generation;

  /* newest first: part 2 */
  g_assert_cmpuint (runs->len, ==, 2);
  fill_cache (fx, c);
  generation = cohort_db_get_generation (fx->db, c, NULL);
  g_assert_true (cohort_db_remove_import (fx->db, ((CohortImportRun *)runs->pdata[0])->id, NULL,
                                          &error));
  g_assert_no_error (error);
  snap = assert_invalidated (fx, c, generation);
  g_assert_cmpuint (snap->n_members, ==, 3);
  g_assert_cmpuint (snap->n_messages, ==, 6);
}

/* Telegram times carry offsets and stay put, but every local day and hour moves. */
static void
test_zone_invalidates (Fixture       *fx,
                       gconstpointer  data)
{
  g_autoptr(CohortImportResult) first = import_part (fx, "part-1.json");
  g_autoptr(CohortSnapshot) snap = NULL;
  g_autoptr(GError) error = NULL;
  gint64 c = only_community (fx->db);
  gint64 generation;

  fill_cache (fx, c);
  generation = cohort_db_get_generation (fx->db, c, NULL);
  g_assert_true (cohort_db_set_community_zone (fx->db, c, "Asia/Shanghai", &error));
  g_assert_no_error (error);
  snap = assert_invalidated (fx, c, generation);
  g_assert_cmpstr (snap->tz_id, ==, "Asia/Shanghai");
  g_assert_cmpuint (snap->msg_hour[0], ==, 10);   /* 02:05 UTC is 10:05 in Shanghai */
}

static void
test_flag_invalidates (Fixture       *fx,
                       gconstpointer  data)
{
  const char *bob[] = { "user2", NULL };
  g_autoptr(CohortImportResult) first = import_part (fx, "part-1.json");
  g_autoptr(CohortSnapshot) snap = NULL;
  g_autoptr(CohortSnapshot) again = NULL;
  g_autoptr(GError) error = NULL;
  gint64 c = only_community (fx->db);
  gint64 generation;

  fill_cache (fx, c);
  generation = cohort_db_get_generation (fx->db, c, NULL);
  g_assert_true (cohort_db_set_member_flag (fx->db, c, bob, COHORT_MEMBER_FLAG_STAFF, TRUE, &error));
  g_assert_no_error (error);
  snap = assert_invalidated (fx, c, generation);
  g_assert_cmpuint (snap->member_is_staff[1], ==, 1);

  /* the bot flag too */
  fill_cache (fx, c);
  generation = cohort_db_get_generation (fx->db, c, NULL);
  g_assert_true (cohort_db_set_member_flag (fx->db, c, bob, COHORT_MEMBER_FLAG_BOT, TRUE, &error));
  g_assert_no_error (error);
  g_clear_pointer (&snap, cohort_snapshot_free);
  snap = assert_invalidated (fx, c, generation);
  g_assert_cmpuint (snap->member_is_bot[1], ==, 1);

  /* setting a flag that is already set changes nothing, and keeps the cache */
  fill_cache (fx, c);
  generation = cohort_db_get_generation (fx->db, c, NULL);
  g_assert_true (cohort_db_set_member_flag (fx->db, c, bob, COHORT_MEMBER_FLAG_BOT, TRUE, &error));
  g_assert_cmpint (cohort_db_get_generation (fx->db, c, NULL), ==, generation);
  again = load (fx->db, c, TRUE);
  g_assert_true (again->from_cache);
}

/* A load that an import overtakes must not store its snapshot under the new generation. */
static void
test_stale_save_refused (Fixture       *fx,
                         gconstpointer  data)
{
  g_autoptr(CohortImportResult) first = import_part (fx, "part-1.json");
  g_autoptr(CohortImportResult) second = NULL;
  g_autoptr(CohortSnapshot) old = NULL;
  g_autoptr(CohortSnapshot) snap = NULL;
  g_autoptr(GBytes) blob = NULL;
  g_autoptr(GError) error = NULL;
  gint64 c = only_community (fx->db);
  gboolean saved = TRUE;

  old = load (fx->db, c, FALSE);
  blob = cohort_snapshot_cache_encode (old, c);
  second = import_part (fx, "part-2.json");
  g_assert_true (cohort_db_save_snapshot_cache (fx->db, c, old->generation, blob, &saved, &error));
  g_assert_no_error (error);
  g_assert_false (saved);
  snap = load (fx->db, c, TRUE);
  g_assert_false (snap->from_cache);
  g_assert_cmpuint (snap->n_members, ==, 4);
}

/* The worker's path: a write connection of its own, next to the caller's. */
static void
test_write_by_path (Fixture       *fx,
                    gconstpointer  data)
{
  g_autoptr(CohortImportResult) first = import_part (fx, "part-1.json");
  g_autoptr(CohortSnapshot) fresh = NULL;
  g_autoptr(CohortSnapshot) cached = NULL;
  g_autoptr(GBytes) blob = NULL;
  g_autoptr(GError) error = NULL;
  gint64 c = only_community (fx->db);
  CohortDb *reader;

  fresh = load (fx->db, c, FALSE);
  blob = cohort_snapshot_cache_encode (fresh, c);
  cohort_snapshot_cache_write (fx->path, c, fresh->generation, blob);
  reader = cohort_db_open (fx->path, TRUE, &error);
  g_assert_no_error (error);
  cached = load (reader, c, TRUE);
  cohort_db_close (reader);
  g_assert_true (cached->from_cache);
  assert_snapshots_equal (fresh, cached);
}

/* A database the operator chose to open read-only (recovery dialog) is never written. */
static void
test_read_only_not_written (Fixture       *fx,
                            gconstpointer  data)
{
  g_autoptr(CohortImportResult) first = import_part (fx, "part-1.json");
  g_autoptr(CohortSnapshot) fresh = NULL;
  g_autoptr(CohortSnapshot) again = NULL;
  g_autoptr(GBytes) blob = NULL;
  gint64 c = only_community (fx->db);

  fresh = load (fx->db, c, FALSE);
  blob = cohort_snapshot_cache_encode (fresh, c);
  cohort_backup_block_writes (fx->path, TRUE);
  cohort_snapshot_cache_write (fx->path, c, fresh->generation, blob);
  cohort_backup_block_writes (fx->path, FALSE);
  again = load (fx->db, c, TRUE);
  g_assert_false (again->from_cache);
}

/* ------------------------------------------------------------------------------------------ */
/* Sync: a Discourse forum on 127.0.0.1 replaying tests/data/sources/discourse (7 posts, then
 * post-8.json); see test-sync-discourse.c. */

typedef struct
{
  CohortTestDb         db;
  CohortTestDiscourse *forum;
  CohortSecretStore   *secrets;
  SoupSession         *session;
} SyncFixture;

static void
store_secret_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  gboolean *done = user_data;

  g_assert_true (cohort_secret_store_store_finish (COHORT_SECRET_STORE (object), result, NULL));
  *done = TRUE;
}

static void
sync_setup (SyncFixture   *fx,
            gconstpointer  data)
{
  g_autoptr(CohortSourceInfo) source = NULL;
  g_autoptr(GError) error = NULL;
  gboolean done = FALSE;

  cohort_test_db_setup (&fx->db, NULL);
  fx->forum = cohort_test_discourse_new (SECRET, FALSE);
  fx->secrets = cohort_test_secrets_new ();
  fx->session = soup_session_new ();
  cohort_db_add_source (fx->db.db, "discourse", "Test forum", fx->forum->base_url, "system",
                        &error);
  g_assert_no_error (error);
  source = cohort_db_find_source (fx->db.db, "Test forum", &error);
  g_assert_no_error (error);
  cohort_secret_store_store_async (fx->secrets, source->uid, "Test forum", SECRET, NULL,
                                   store_secret_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static void
sync_teardown (SyncFixture   *fx,
               gconstpointer  data)
{
  g_clear_object (&fx->session);
  g_clear_object (&fx->secrets);
  g_clear_pointer (&fx->forum, cohort_test_discourse_free);
  cohort_test_db_teardown (&fx->db, NULL);
}

static void
run_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static void
run_sync (SyncFixture *fx)
{
  g_autoptr(CohortSyncJob) job = cohort_sync_job_new (fx->session, fx->secrets, fx->db.path,
                                                      "Test forum");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree CohortSyncSummary *summary = NULL;

  cohort_sync_job_run_async (job, NULL, run_done_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  summary = cohort_sync_job_run_finish (job, result, &error);
  g_assert_no_error (error);
}

static void
test_sync_invalidates (SyncFixture   *fx,
                       gconstpointer  data)
{
  g_autoptr(CohortSnapshot) before = NULL;
  g_autoptr(CohortSnapshot) snap = NULL;
  gint64 c, generation;

  run_sync (fx);
  c = only_community (fx->db.db);
  fill_cache (&fx->db, c);
  before = load (fx->db.db, c, TRUE);
  generation = before->generation;

  cohort_test_discourse_add_post (fx->forum, "post-8.json");
  run_sync (fx);
  snap = assert_invalidated (&fx->db, c, generation);
  g_assert_cmpuint (snap->n_messages, ==, before->n_messages + 1);
}

static guint
count_mech (const CohortSnapshot *snap)
{
  guint n = 0;

  for (guint i = 0; i < snap->n_messages; i++)
    n += snap->msg_is_mech[i];
  return n;
}

static void
test_mech_rule_invalidates (Fixture       *fx,
                            gconstpointer  data)
{
  g_autoptr(CohortImportResult) first = import_part (fx, "part-1.json");
  g_autoptr(CohortSnapshot) before = NULL;
  g_autoptr(CohortSnapshot) snap = NULL;
  g_autoptr(GError) error = NULL;
  gint64 c = only_community (fx->db);
  gint64 generation;

  /* a community rule (Community Settings) re-marks a message the snapshot holds */
  fill_cache (fx, c);
  before = load (fx->db, c, TRUE);
  generation = cohort_db_get_generation (fx->db, c, NULL);
  g_assert_true (cohort_db_set_mech_rule (fx->db, c, "Hello everyone, welcome to the cache group",
                                          TRUE, cohort_mech_normalize, NULL, &error));
  g_assert_no_error (error);
  snap = assert_invalidated (fx, c, generation);
  g_assert_cmpuint (count_mech (snap), ==, count_mech (before) + 1);

  /* a rule that matches nothing changes no message, and keeps the cache */
  fill_cache (fx, c);
  generation = cohort_db_get_generation (fx->db, c, NULL);
  g_assert_true (cohort_db_set_mech_rule (fx->db, c, "no message says this", TRUE,
                                          cohort_mech_normalize, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (cohort_db_get_generation (fx->db, c, NULL), ==, generation);
  g_clear_pointer (&snap, cohort_snapshot_free);
  snap = load (fx->db, c, TRUE);
  g_assert_true (snap->from_cache);
}

/* ------------------------------------------------------------------------------------------ */
/* A cold load in two time ranges at once (load_community_messages ())                        */

/* The community of the split export, on a database reopened so that it is in WAL. */
static gint64
import_split_export (Fixture *fx)
{
  g_autofree char *path = cohort_test_write_split_export (fx->dir);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(CohortImportResult) result = NULL;
  CohortImportOptions options = { .tz = "Asia/Shanghai" };

  result = cohort_import_file (fx->db, file, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  cohort_test_db_reopen (fx);
  return only_community (fx->db);
}

static guint
count_replies (CohortSnapshot *snap)
{
  guint n = 0;

  for (guint i = 0; i < snap->n_messages; i++)
    n += snap->msg_reply_member[i] >= 0;
  return n;
}

static void
test_split_load (Fixture       *fx,
                 gconstpointer  data)
{
  g_autoptr(CohortSnapshot) serial = NULL;
  g_autoptr(CohortSnapshot) split = NULL;
  guint loads = _cohort_db_count_split_reads ();
  guint replies = 0;
  gint64 c;

  if (g_get_num_processors () < 2)
    {
      g_test_skip ("With one processor a load has no second reader");
      return;
    }
  c = import_split_export (fx);
  _cohort_db_set_split_threshold (G_MAXINT64);
  serial = load (fx->db, c, FALSE);
  g_assert_cmpuint (_cohort_db_count_split_reads (), ==, loads);
  _cohort_db_set_split_threshold (0);
  split = load (fx->db, c, FALSE);
  _cohort_db_set_split_threshold (50000);
  g_assert_cmpuint (_cohort_db_count_split_reads (), ==, loads + 1);

  g_assert_cmpuint (split->n_members, ==, COHORT_TEST_SPLIT_MEMBERS);
  g_assert_cmpuint (split->n_messages, ==, COHORT_TEST_SPLIT_MESSAGES);
  /* every third from the 37th on, and every eleventh before the last five that is not one */
  for (guint i = 0; i < COHORT_TEST_SPLIT_MESSAGES; i++)
    replies += (i % 3 == 0 && i >= 37) || (i % 11 == 0 && i + 5 < COHORT_TEST_SPLIT_MESSAGES);
  g_assert_cmpuint (count_replies (split), ==, replies);
  g_assert_cmpint (split->msg_ts[0], ==, 1709258400 + 3600);
  g_assert_cmpint (split->msg_ts[COHORT_TEST_SPLIT_MESSAGES - 1], ==,
                   1709258400 + 3600 + 60 * 149);
  assert_snapshots_equal (serial, split);
}

/* With a rollback journal (a new file the CLI writes keeps one until it closes it,
 * cohort_db_open_writer ()) a second reader could wait on a writer that waits on the
 * first: no split. */
static void
test_split_not_in_rollback_journal (Fixture       *fx,
                                    gconstpointer  data)
{
  gint64 c = import_split_export (fx);
  g_autoptr(CohortSnapshot) snap = NULL;
  g_autoptr(GError) error = NULL;
  guint reads = _cohort_db_count_split_reads ();

  g_assert_true (cohort_db_exec (fx->db, "PRAGMA journal_mode = DELETE", &error));
  g_assert_no_error (error);
  _cohort_db_set_split_threshold (0);
  snap = load (fx->db, c, FALSE);
  _cohort_db_set_split_threshold (50000);
  g_assert_cmpuint (snap->n_messages, ==, COHORT_TEST_SPLIT_MESSAGES);
  g_assert_cmpuint (_cohort_db_count_split_reads (), ==, reads);
}

/* Inside a caller's transaction a second connection would not see what it has written. */
static void
test_split_not_in_transaction (Fixture       *fx,
                               gconstpointer  data)
{
  gint64 c = import_split_export (fx);
  g_autoptr(CohortSnapshot) serial = load (fx->db, c, FALSE);
  g_autoptr(CohortSnapshot) inside = NULL;
  g_autoptr(GError) error = NULL;
  guint loads = _cohort_db_count_split_reads ();

  g_assert_true (cohort_db_exec (fx->db, "BEGIN", &error));
  _cohort_db_set_split_threshold (0);
  inside = load (fx->db, c, FALSE);
  _cohort_db_set_split_threshold (50000);
  g_assert_true (cohort_db_exec (fx->db, "COMMIT", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (_cohort_db_count_split_reads (), ==, loads);
  assert_snapshots_equal (serial, inside);
}

/* The second reader saw a later generation: its messages are not used, and the load is
 * still the one of the generation it began at. */
static void
test_split_generation_moved (Fixture       *fx,
                             gconstpointer  data)
{
  g_autoptr(CohortSnapshot) before = NULL;
  g_autoptr(CohortSnapshot) during = NULL;
  g_autoptr(CohortSnapshot) after = NULL;
  guint loads = _cohort_db_count_split_reads ();
  gint64 c;

  if (g_get_num_processors () < 2)
    {
      g_test_skip ("With one processor a load has no second reader");
      return;
    }
  c = import_split_export (fx);
  before = load (fx->db, c, FALSE);
  _cohort_db_set_split_threshold (0);
  _cohort_db_set_split_hook (cohort_test_rename_community, fx->path);
  during = load (fx->db, c, FALSE);
  _cohort_db_set_split_hook (NULL, NULL);
  g_assert_cmpuint (_cohort_db_count_split_reads (), ==, loads);
  assert_snapshots_equal (before, during);

  after = load (fx->db, c, FALSE);
  _cohort_db_set_split_threshold (50000);
  g_assert_cmpuint (_cohort_db_count_split_reads (), ==, loads + 1);
  g_assert_cmpstr (after->name, ==, "Renamed");
  g_assert_cmpint (after->generation, >, before->generation);
  g_assert_cmpuint (after->n_messages, ==, before->n_messages);
  ASSERT_COLUMN (after, before, msg_reply_member, before->n_messages);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, cohort_test_db_setup, fn, cohort_test_db_teardown)
  ADD ("/cohort/snapshot-cache/round-trip", test_round_trip);
  g_test_add_func ("/cohort/snapshot-cache/round-trip-empty", test_round_trip_empty);
  ADD ("/cohort/snapshot-cache/reply-ids-per-community", test_reply_ids_per_community);
  ADD ("/cohort/snapshot-cache/corrupt-bytes", test_corrupt_bytes);
  ADD ("/cohort/snapshot-cache/corrupt-row", test_corrupt_row);
  ADD ("/cohort/snapshot-cache/overview-identical", test_overview_identical);
  ADD ("/cohort/snapshot-cache/import-invalidates", test_import_invalidates);
  ADD ("/cohort/snapshot-cache/remove-import-invalidates", test_remove_import_invalidates);
  ADD ("/cohort/snapshot-cache/zone-invalidates", test_zone_invalidates);
  ADD ("/cohort/snapshot-cache/flag-invalidates", test_flag_invalidates);
  ADD ("/cohort/snapshot-cache/mech-rule-invalidates", test_mech_rule_invalidates);
  ADD ("/cohort/snapshot-cache/stale-save-refused", test_stale_save_refused);
  ADD ("/cohort/snapshot-cache/write-by-path", test_write_by_path);
  ADD ("/cohort/snapshot-cache/read-only-not-written", test_read_only_not_written);
  ADD ("/cohort/snapshot-cache/split-load", test_split_load);
  ADD ("/cohort/snapshot-cache/split-not-in-transaction", test_split_not_in_transaction);
  ADD ("/cohort/snapshot-cache/split-not-in-rollback-journal", test_split_not_in_rollback_journal);
  ADD ("/cohort/snapshot-cache/split-generation-moved", test_split_generation_moved);
#undef ADD
  g_test_add ("/cohort/snapshot-cache/sync-invalidates", SyncFixture, NULL, sync_setup,
              test_sync_invalidates, sync_teardown);
  return g_test_run ();
}
