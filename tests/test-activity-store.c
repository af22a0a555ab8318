/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "cohort-activity-loader.h"
#include "cohort-importer.h"
#include "cohort-store-activity.h"
#include "cohort-store-private.h"   /* cohort_db_exec */
#include "cohort-test-db.h"

/*
 * The store side of the Activity & Content page on tests/data/activity/two-weeks.json (see
 * its README): the text rows line up with the snapshot, replies name their target member,
 * and the community fingerprint stays put until an import run, so the pages reuse their
 * snapshot while it is current and reload it after any import.
 */

static gint64
import_path (CohortTestDb *fx,
             const char   *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(CohortImportResult) result = NULL;
  g_autoptr(GPtrArray) communities = NULL;
  CohortImportOptions options = { 0 };

  result = cohort_import_file (fx->db, file, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  communities = cohort_test_list_communities (fx->db);
  return ((CohortCommunityInfo *)communities->pdata[0])->id;
}

static gint64
import_fixture (CohortTestDb *fx,
                const char   *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "activity", name, NULL);

  return import_path (fx, path);
}

static void
test_texts (CohortTestDb  *fx,
            gconstpointer  data)
{
  gint64 id = import_fixture (fx, "two-weeks.json");
  g_autoptr(CohortSnapshot) snap = cohort_test_load_snapshot (fx->db, id);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) week = NULL;
  int alice = cohort_snapshot_find_member (snap, "user2001");
  int bob = cohort_snapshot_find_member (snap, "user2002");
  int bot = cohort_snapshot_find_member (snap, "user2009");
  const CohortTextMessage *m;

  all = cohort_db_load_texts (fx->db, id, snap, G_MININT64, G_MAXINT64, &error);
  g_assert_no_error (error);
  /* 20 messages, the create_group service message is a system message */
  g_assert_cmpuint (all->len, ==, 20);
  g_assert_cmpuint (all->len, ==, snap->n_messages);
  for (guint i = 1; i < all->len; i++)
    g_assert_cmpint (((CohortTextMessage *)all->pdata[i - 1])->ts, <=,
                     ((CohortTextMessage *)all->pdata[i])->ts);

  /* P = 2024-03-11 … 03-17 local: 15 rows; the 7th is Bob's reply to Alice */
  week = cohort_db_load_texts (fx->db, id, snap,
                               cohort_snapshot_day_start (snap, cohort_day_from_ymd (2024, 3, 11)),
                               cohort_snapshot_day_end (snap, cohort_day_from_ymd (2024, 3, 17)),
                               &error);
  g_assert_no_error (error);
  g_assert_cmpuint (week->len, ==, 15);
  m = week->pdata[6];
  g_assert_cmpint (m->member, ==, bob);
  g_assert_cmpint (m->reply_member, ==, alice);
  g_assert_cmpstr (m->text, ==, "这个怎么配置");
  g_assert_false (m->is_mech);
  m = week->pdata[7];
  g_assert_true (m->is_mech);
  g_assert_cmpstr (m->mech_reason, ==, "STOPLIST_ZH");
  m = week->pdata[11];
  g_assert_cmpint (m->reply_member, ==, bot);
  g_assert_true (snap->member_is_bot[bot]);
}

static void
test_fingerprint (CohortTestDb  *fx,
                  gconstpointer  data)
{
  gint64 id = import_fixture (fx, "two-weeks.json");
  g_autoptr(GError) error = NULL;
  g_autofree char *first = cohort_db_community_fingerprint (fx->db, id, &error);
  g_autofree char *again = NULL;
  g_autofree char *after_import = NULL;
  g_autofree char *missing = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (first);
  again = cohort_db_community_fingerprint (fx->db, id, &error);
  g_assert_cmpstr (first, ==, again);

  /* a further message changes it */
  import_fixture (fx, "two-weeks-more.json");
  after_import = cohort_db_community_fingerprint (fx->db, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (first, !=, after_import);

  /* so does any import run, even one that added nothing: it errs on the side of a reload */
  import_fixture (fx, "two-weeks.json");
  g_clear_pointer (&again, g_free);
  again = cohort_db_community_fingerprint (fx->db, id, &error);
  g_assert_cmpstr (after_import, !=, again);

  /* and a rename, which only the snapshot generation sees */
  g_assert_true (cohort_db_exec (fx->db, "UPDATE community SET name = 'Renamed'", &error));
  g_assert_no_error (error);
  g_clear_pointer (&after_import, g_free);
  after_import = cohort_db_community_fingerprint (fx->db, id, &error);
  g_assert_cmpstr (after_import, !=, again);

  missing = cohort_db_community_fingerprint (fx->db, 999, &error);
  g_assert_null (missing);
  g_assert_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_NOT_FOUND);
}

/* The loader keeps a shared snapshot while the fingerprint holds and reloads after it moves. */
static void
test_loader_reuse (CohortTestDb  *fx,
                   gconstpointer  data)
{
  gint64 id = import_fixture (fx, "two-weeks.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(CohortActivityData) first = NULL;
  g_autoptr(CohortActivityData) second = NULL;
  g_autoptr(CohortActivityData) third = NULL;

  first = cohort_retention_load (fx->path, id, NULL, COHORT_RETENTION_BY_WEEK,
                                 COHORT_RETENTION_MEMBERSHIP, 1710777600 /* 2024-03-19 */, &error);
  g_assert_no_error (error);
  second = cohort_retention_load (fx->path, id, first->snapshot, COHORT_RETENTION_BY_MONTH,
                                  COHORT_RETENTION_ACTIVITY, 1710777600, &error);
  g_assert_no_error (error);
  g_assert_true (cohort_snapshot_ref_get (second->snapshot) == cohort_snapshot_ref_get (first->snapshot));
  g_assert_cmpint (second->retention->period, ==, COHORT_RETENTION_BY_MONTH);

  import_fixture (fx, "two-weeks-more.json");
  third = cohort_retention_load (fx->path, id, second->snapshot, COHORT_RETENTION_BY_WEEK,
                                 COHORT_RETENTION_ACTIVITY, 1710777600, &error);
  g_assert_no_error (error);
  g_assert_true (cohort_snapshot_ref_get (third->snapshot) != cohort_snapshot_ref_get (first->snapshot));
  g_assert_cmpuint (cohort_snapshot_ref_get (third->snapshot)->n_messages, ==,
                    cohort_snapshot_ref_get (first->snapshot)->n_messages + 1);
}

static void
assert_same_rows (GPtrArray *got,
                  GPtrArray *expected)
{
  g_assert_cmpuint (got->len, ==, expected->len);
  for (guint i = 0; i < got->len; i++)
    {
      const CohortTextMessage *a = got->pdata[i], *b = expected->pdata[i];

      g_assert_cmpint (a->ts, ==, b->ts);
      g_assert_cmpuint (a->member, ==, b->member);
      g_assert_cmpint (a->reply_member, ==, b->reply_member);
      g_assert_cmpint (a->kind, ==, b->kind);
      g_assert_cmpint (a->is_mech, ==, b->is_mech);
      g_assert_cmpstr (a->mech_reason, ==, b->mech_reason);
      g_assert_cmpstr (a->text, ==, b->text);
    }
}

/* The rows of [from, to] (local days of March 2024) as a query of the database returns
 * them. */
static GPtrArray *
query_days (CohortTestDb      *fx,
            CohortSnapshotRef *ref,
            int                from,
            int                to)
{
  CohortSnapshot *snap = cohort_snapshot_ref_get (ref);
  g_autoptr(GError) error = NULL;
  GPtrArray *rows =
    cohort_db_load_texts (fx->db, cohort_snapshot_ref_community (ref), snap,
                          cohort_snapshot_day_start (snap, cohort_day_from_ymd (2024, 3, from)),
                          cohort_snapshot_day_end (snap, cohort_day_from_ymd (2024, 3, to)),
                          &error);

  g_assert_no_error (error);
  return rows;
}

static guint
queried_days (CohortTestDb      *fx,
              CohortSnapshotRef *ref,
              int                from,
              int                to)
{
  g_autoptr(GPtrArray) rows = query_days (fx, ref, from, to);

  return rows->len;
}

/* The rows of [from, to] from the snapshot's texts, checked against a query of the same
 * range; then how many rows the snapshot holds. */
static guint
texts_of_days (CohortTestDb      *fx,
               CohortSnapshotRef *ref,
               int                from,
               int                to)
{
  CohortSnapshot *snap = cohort_snapshot_ref_get (ref);
  gint64 ts0 = cohort_snapshot_day_start (snap, cohort_day_from_ymd (2024, 3, from));
  gint64 ts1 = cohort_snapshot_day_end (snap, cohort_day_from_ymd (2024, 3, to));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) held = cohort_snapshot_ref_load_texts (ref, fx->db, ts0, ts1, &error);
  g_autoptr(GPtrArray) queried = NULL;

  g_assert_no_error (error);
  queried = query_days (fx, ref, from, to);
  assert_same_rows (held, queried);
  return cohort_snapshot_ref_n_texts_held (ref);
}

/* A range change reads from the database only the days no earlier range of the same
 * snapshot covered, and hands out exactly the rows a query of its range returns: shorter
 * ranges, longer ones on either side, ranges with a hole between, an empty one. */
static void
test_loader_texts (CohortTestDb  *fx,
                   gconstpointer  data)
{
  gint64 id = import_fixture (fx, "two-weeks.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(CohortActivityData) week = NULL;
  g_autoptr(CohortActivityData) again = NULL;
  g_autoptr(CohortActivityData) fresh = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) none = NULL;
  CohortSnapshotRef *ref;
  guint held;

  /* range 7 on 2024-03-19: P = 03-12 … 03-18 and the week before it, 03-05 … 03-11 */
  week = cohort_activity_load (fx->path, id, NULL, 7, 1710835200 /* 03-19 08:00 UTC */, &error);
  g_assert_no_error (error);
  ref = week->snapshot;
  held = cohort_snapshot_ref_n_texts_held (ref);
  g_assert_cmpuint (held, >, 0);

  g_assert_cmpuint (texts_of_days (fx, ref, 12, 18), ==, held);   /* inside: nothing new */
  g_assert_cmpuint (texts_of_days (fx, ref, 15, 15), ==, held);
  held = texts_of_days (fx, ref, 1, 20);                          /* both sides */
  all = cohort_db_load_texts (fx->db, id, cohort_snapshot_ref_get (ref), G_MININT64, G_MAXINT64,
                              &error);
  g_assert_no_error (error);
  g_assert_cmpuint (held, ==, all->len);                           /* each row held once */
  g_assert_cmpuint (texts_of_days (fx, ref, 2, 29), ==, all->len);
  none = cohort_snapshot_ref_load_texts (ref, fx->db, 100, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (none->len, ==, 0);

  /* The Activity numbers from held rows are those of a load from scratch. */
  again = cohort_activity_load (fx->path, id, ref, 7, 1710835200, &error);
  g_assert_no_error (error);
  g_assert_true (again->snapshot == ref);
  fresh = cohort_activity_load (fx->path, id, NULL, 7, 1710835200, &error);
  g_assert_no_error (error);
  g_assert_true (fresh->snapshot != ref);
  g_assert_cmpint (again->activity->messages, ==, fresh->activity->messages);
  g_assert_cmpint (again->activity->raw_messages, ==, fresh->activity->raw_messages);
  g_assert_cmpint (again->activity->interactions, ==, fresh->activity->interactions);
  g_assert_cmpuint (again->activity->keywords->len, ==, fresh->activity->keywords->len);
  g_assert_cmpuint (again->activity->mech_texts->len, ==, fresh->activity->mech_texts->len);
  g_assert_cmpint (fresh->activity->messages, >, 0);
  g_assert_cmpint (fresh->activity->interactions, >, 0);
}

/* Ranges apart, then one over the hole between them, then one past both ends: each fills
 * only what is missing, and no row is held twice. */
static void
test_loader_texts_holes (CohortTestDb  *fx,
                         gconstpointer  data)
{
  gint64 id = import_fixture (fx, "two-weeks.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(CohortActivityData) day = NULL;
  CohortSnapshotRef *ref;

  /* range 1 on 2024-03-19: P = 03-18 and the day before */
  day = cohort_activity_load (fx->path, id, NULL, 1, 1710835200, &error);
  g_assert_no_error (error);
  ref = day->snapshot;
  g_assert_cmpuint (cohort_snapshot_ref_n_texts_held (ref), ==, queried_days (fx, ref, 17, 18));
  g_assert_cmpuint (queried_days (fx, ref, 11, 11), >, 0);
  g_assert_cmpuint (queried_days (fx, ref, 14, 14), >, 0);

  g_assert_cmpuint (texts_of_days (fx, ref, 11, 11), ==,
                    queried_days (fx, ref, 11, 11) + queried_days (fx, ref, 17, 18));
  g_assert_cmpuint (texts_of_days (fx, ref, 14, 14), ==,
                    queried_days (fx, ref, 11, 11) + queried_days (fx, ref, 14, 14) +
                    queried_days (fx, ref, 17, 18));
  g_assert_cmpuint (texts_of_days (fx, ref, 11, 14), ==,
                    queried_days (fx, ref, 11, 14) + queried_days (fx, ref, 17, 18));
  g_assert_cmpuint (texts_of_days (fx, ref, 10, 16), ==, queried_days (fx, ref, 10, 18));
  g_assert_cmpuint (texts_of_days (fx, ref, 1, 31), ==, queried_days (fx, ref, 1, 31));
  g_assert_cmpuint (queried_days (fx, ref, 1, 31), ==, 20);
}

/* ------------------------------------------------------------------------------------------ */
/* A range's texts in two halves at once (load_texts_split ())                                 */

/* The split export's community and snapshot, on a database in WAL; FALSE when the test is
 * skipped. */
static gboolean
import_split (CohortTestDb    *fx,
              gint64          *id,
              CohortSnapshot **snap)
{
  g_autofree char *path = NULL;

  if (g_get_num_processors () < 2)
    {
      g_test_skip ("With one processor a read has no second reader");
      return FALSE;
    }
  path = cohort_test_write_split_export (fx->dir);
  *id = import_path (fx, path);
  cohort_test_db_reopen (fx);
  *snap = cohort_test_load_snapshot (fx->db, *id);
  return TRUE;
}

static GPtrArray *
load_texts (CohortTestDb   *fx,
            gint64          id,
            CohortSnapshot *snap,
            gint64          ts0,
            gint64          ts1,
            gint64          threshold)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *rows;

  _cohort_db_set_split_threshold (threshold);
  rows = cohort_db_load_texts (fx->db, id, snap, ts0, ts1, &error);
  _cohort_db_set_split_threshold (50000);
  g_assert_no_error (error);
  g_assert_nonnull (rows);
  return rows;
}

/* The split export: 600 messages, four to each minute from 03:00 UTC (start).  All of
 * them, then minutes 7 to 139 of them ([start + 7 min, start + 140 min)): 133 minutes of
 * four, 532 messages.  Either way the two halves meet at a minute of four messages, and
 * the rows come in time order, a minute's in member order. */
static void
test_texts_split (CohortTestDb  *fx,
                  gconstpointer  data)
{
  const gint64 start = 1709258400 + 3600;
  g_autoptr(CohortSnapshot) snap = NULL;
  g_autoptr(GPtrArray) serial = NULL, split = NULL, part_serial = NULL, part_split = NULL;
  guint reads;
  gint64 id;

  if (!import_split (fx, &id, &snap))
    return;
  reads = _cohort_db_count_split_reads ();

  serial = load_texts (fx, id, snap, G_MININT64, G_MAXINT64, G_MAXINT64);
  g_assert_cmpuint (_cohort_db_count_split_reads (), ==, reads);
  split = load_texts (fx, id, snap, G_MININT64, G_MAXINT64, 0);
  g_assert_cmpuint (_cohort_db_count_split_reads (), ==, reads + 1);
  g_assert_cmpuint (split->len, ==, COHORT_TEST_SPLIT_MESSAGES);
  assert_same_rows (serial, split);
  g_assert_cmpint (((CohortTextMessage *)split->pdata[0])->ts, ==, start);
  g_assert_cmpint (((CohortTextMessage *)split->pdata[599])->ts, ==, start + 60 * 149);
  for (guint i = 1; i < split->len; i++)
    {
      const CohortTextMessage *a = split->pdata[i - 1], *b = split->pdata[i];

      g_assert_true (a->ts < b->ts || (a->ts == b->ts && a->member <= b->member));
    }

  part_serial = load_texts (fx, id, snap, start + 60 * 7, start + 60 * 140, G_MAXINT64);
  part_split = load_texts (fx, id, snap, start + 60 * 7, start + 60 * 140, 0);
  g_assert_cmpuint (_cohort_db_count_split_reads (), ==, reads + 2);
  g_assert_cmpuint (part_split->len, ==, 4 * (140 - 7));
  g_assert_cmpint (((CohortTextMessage *)part_split->pdata[0])->ts, ==, start + 60 * 7);
  g_assert_cmpint (((CohortTextMessage *)g_ptr_array_index (part_split, part_split->len - 1))->ts,
                   ==, start + 60 * 139);
  assert_same_rows (part_serial, part_split);
}

/* A rename committed between the two read transactions: the second reader's rows are not
 * used, and the rows are still all of them. */
static void
test_texts_split_generation_moved (CohortTestDb  *fx,
                                   gconstpointer  data)
{
  g_autoptr(CohortSnapshot) snap = NULL;
  g_autoptr(GPtrArray) serial = NULL, during = NULL;
  guint reads;
  gint64 id;

  if (!import_split (fx, &id, &snap))
    return;
  serial = load_texts (fx, id, snap, G_MININT64, G_MAXINT64, G_MAXINT64);
  reads = _cohort_db_count_split_reads ();
  _cohort_db_set_split_hook (cohort_test_rename_community, fx->path);
  during = load_texts (fx, id, snap, G_MININT64, G_MAXINT64, 0);
  _cohort_db_set_split_hook (NULL, NULL);
  g_assert_cmpuint (_cohort_db_count_split_reads (), ==, reads);
  assert_same_rows (serial, during);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/cohort/activity-store/texts", CohortTestDb, NULL, cohort_test_db_setup,
              test_texts, cohort_test_db_teardown);
  g_test_add ("/cohort/activity-store/fingerprint", CohortTestDb, NULL, cohort_test_db_setup,
              test_fingerprint, cohort_test_db_teardown);
  g_test_add ("/cohort/activity-store/loader-reuse", CohortTestDb, NULL, cohort_test_db_setup,
              test_loader_reuse, cohort_test_db_teardown);
  g_test_add ("/cohort/activity-store/loader-texts", CohortTestDb, NULL, cohort_test_db_setup,
              test_loader_texts, cohort_test_db_teardown);
  g_test_add ("/cohort/activity-store/loader-texts-holes", CohortTestDb, NULL,
              cohort_test_db_setup, test_loader_texts_holes, cohort_test_db_teardown);
  g_test_add ("/cohort/activity-store/texts-split", CohortTestDb, NULL, cohort_test_db_setup,
              test_texts_split, cohort_test_db_teardown);
  g_test_add ("/cohort/activity-store/texts-split-generation-moved", CohortTestDb, NULL,
              cohort_test_db_setup, test_texts_split_generation_moved, cohort_test_db_teardown);
  return g_test_run ();
}
