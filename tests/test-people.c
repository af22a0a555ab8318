/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "cohort-importer.h"
#include "cohort-overview.h"
#include "cohort-store-people.h"
#include "cohort-store-private.h"
#include "cohort-test-db.h"

/*
 * People across communities (issue 4): the automatic merge by stable account, the snapshot
 * over several communities that counts a person once, manual merge/unmerge with an undo that
 * restores the exact grouping, import removal without orphans, and the migration of a v6 database.
 * The fixtures are in tests/data/people (README.md there has the hand counts).
 */

typedef CohortTestDb Fixture;

static gint64
import_fixture (Fixture    *fx,
                const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "people", name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  CohortImportOptions options = { "UTC", NULL, "mdy" };
  g_autoptr(CohortImportResult) result = cohort_import_file (fx->db, file, &options, NULL, NULL,
                                                             NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_cmpuint (result->community_ids->len, ==, 1);
  return *(gint64 *)result->community_ids->pdata[0];
}

static gint64
member_id (Fixture    *fx,
           gint64      community,
           const char *uid)
{
  g_autoptr(GError) error = NULL;
  gint64 id = cohort_db_find_member_id (fx->db, community, uid, &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static gint64
person_id (Fixture *fx,
           gint64   member)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CohortPerson) person = cohort_db_get_person (fx->db, member, &error);

  g_assert_no_error (error);
  return person->id;
}

/* Every person as "id: community/uid …" lines: equal strings mean equal groupings, ids too. */
static char *
grouping (Fixture *fx)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) people = cohort_db_list_people (fx->db, &error);
  GString *out = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < people->len; i++)
    {
      CohortPerson *p = people->pdata[i];

      g_string_append_printf (out, "%" G_GINT64_FORMAT ":", p->id);
      for (guint j = 0; j < p->memberships->len; j++)
        {
          CohortMembership *m = p->memberships->pdata[j];
          g_string_append_printf (out, " %s/%s", m->community_name, m->uid);
        }
      g_string_append_c (out, '\n');
    }
  return g_string_free (out, FALSE);
}

/* A number straight from SQLite, for what the store has no function for. */
static gint64
raw_int (const char *path,
         const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

static gint64
orphan_people (Fixture *fx)
{
  return raw_int (fx->path, "SELECT count(*) FROM person p WHERE NOT EXISTS "
                            "(SELECT 1 FROM identity WHERE person = p.id)");
}

static void
import_all (Fixture *fx,
            gint64  *runners,
            gint64  *readers,
            gint64  *family)
{
  *runners = import_fixture (fx, "runners.json");
  *readers = import_fixture (fx, "readers.json");
  *family = import_fixture (fx, "family.txt");
}

/* ------------------------------------------------------------------------------------------ */

static void
test_automatic_merge (Fixture       *fx,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) people = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gint64 runners, readers, family;
  guint shared = 0;

  import_all (fx, &runners, &readers, &family);
  people = cohort_db_list_people (fx->db, &error);
  g_assert_no_error (error);
  /* Alice and Bob (Telegram) once each, Carol, Dan, WhatsApp's Alice Wang and Eve */
  g_assert_cmpuint (people->len, ==, 6);
  for (guint i = 0; i < people->len; i++)
    if (((CohortPerson *)people->pdata[i])->memberships->len > 1)
      shared++;
  g_assert_cmpuint (shared, ==, 2);
  g_assert_cmpint (raw_int (fx->path, "SELECT count(*) FROM identity"), ==, 8);

  g_assert_cmpint (person_id (fx, member_id (fx, runners, "user1")), ==,
                   person_id (fx, member_id (fx, readers, "user1")));
  g_assert_cmpint (person_id (fx, member_id (fx, runners, "user2")), ==,
                   person_id (fx, member_id (fx, readers, "user2")));
  g_assert_cmpint (person_id (fx, member_id (fx, runners, "user3")), !=,
                   person_id (fx, member_id (fx, readers, "user4")));
  /* the same display name on WhatsApp is no evidence: a person of their own */
  g_assert_cmpint (person_id (fx, member_id (fx, family, "name:Alice Wang")), !=,
                   person_id (fx, member_id (fx, runners, "user1")));
  /* persons are numbered in member order: the first member's is 1, ids run without gaps */
  g_assert_cmpint (person_id (fx, member_id (fx, runners, "user1")), ==, 1);
  g_assert_cmpint (raw_int (fx->path, "SELECT max(id) FROM person"), ==, 6);

  /* a repeated import brings no one new */
  before = grouping (fx);
  import_fixture (fx, "readers.json");
  after = grouping (fx);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpint (orphan_people (fx), ==, 0);
}

static void
assert_active (Fixture      *fx,
               const gint64 *communities,
               guint         n,
               gint64        people,
               gint64        memberships,
               gint64        active,
               gint64        messages)
{
  g_autoptr(GError) error = NULL;
  CohortPeopleCounts counts = { 0, };
  g_autoptr(CohortSnapshot) snap = cohort_db_load_people_snapshot (fx->db, communities, n,
                                                                   &counts, &error);
  g_autoptr(CohortOverview) overview = NULL;
  int day0, day1;

  g_assert_no_error (error);
  g_assert_cmpint (counts.people, ==, people);
  g_assert_cmpint (counts.memberships, ==, memberships);
  g_assert_cmpint (counts.communities, ==, n);
  g_assert_cmpuint (snap->n_members, ==, people);
  g_assert_true (cohort_day_parse ("2024-03-01", &day0));
  g_assert_true (cohort_day_parse ("2024-03-10", &day1));
  overview = cohort_overview_compute (snap, day0, day1);
  g_assert_cmpint (overview->kpis.active_members, ==, active);
  g_assert_cmpint (overview->kpis.messages, ==, messages);
  g_assert_cmpint (overview->kpis.members_end, ==, people);
}

static void
test_aggregate (Fixture       *fx,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) communities = NULL;
  gint64 runners, readers, family;

  import_all (fx, &runners, &readers, &family);

  /* each group on its own: 3 active members each */
  assert_active (fx, (gint64[]) { runners }, 1, 3, 3, 3, 4);
  assert_active (fx, (gint64[]) { readers }, 1, 3, 3, 3, 3);
  /* together Alice and Bob count once: 4 people, not 6 */
  assert_active (fx, (gint64[]) { runners, readers }, 2, 4, 6, 4, 7);
  assert_active (fx, (gint64[]) { runners, readers, family }, 3, 6, 8, 6, 10);
  /* naming a community twice counts it once */
  {
    CohortPeopleCounts counts = { 0, };
    g_autoptr(CohortSnapshot) snap =
      cohort_db_load_people_snapshot (fx->db, (gint64[]) { runners, readers, runners }, 3,
                                      &counts, &error);

    g_assert_no_error (error);
    g_assert_cmpint (counts.communities, ==, 2);
    g_assert_cmpint (counts.memberships, ==, 6);
    g_assert_cmpint (snap->n_messages, ==, 7);
  }

  /* the operator says WhatsApp's Alice Wang is Telegram's */
  g_assert_cmpint (cohort_db_merge_people (fx->db, member_id (fx, runners, "user1"),
                                           member_id (fx, family, "name:Alice Wang"), &error), >, 0);
  g_assert_no_error (error);
  assert_active (fx, (gint64[]) { runners, readers, family }, 3, 5, 8, 5, 10);
  assert_active (fx, (gint64[]) { family }, 1, 2, 2, 2, 3);

  /* the zone is the first community's */
  communities = cohort_test_list_communities (fx->db);
  {
    g_autoptr(CohortSnapshot) snap =
      cohort_db_load_people_snapshot (fx->db, (gint64[]) { readers, runners }, 2, NULL, &error);

    g_assert_no_error (error);
    for (guint i = 0; i < communities->len; i++)
      if (((CohortCommunityInfo *)communities->pdata[i])->id == readers)
        g_assert_cmpstr (snap->tz_id, ==, ((CohortCommunityInfo *)communities->pdata[i])->tz);
    g_assert_cmpstr (snap->platform, ==, "telegram");
  }
}

static void
test_merge_unmerge_undo (Fixture       *fx,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *g0 = NULL;
  g_autofree char *g1 = NULL;
  g_autofree char *g2 = NULL;
  g_autofree char *now = NULL;
  gint64 runners, readers, family, alice_tg, alice_rd, alice_wa, merge_op, unmerge_op;
  CohortPeopleOpKind kind;

  import_all (fx, &runners, &readers, &family);
  alice_tg = member_id (fx, runners, "user1");
  alice_rd = member_id (fx, readers, "user1");
  alice_wa = member_id (fx, family, "name:Alice Wang");
  g0 = grouping (fx);

  merge_op = cohort_db_merge_people (fx->db, alice_tg, alice_wa, &error);
  g_assert_no_error (error);
  g1 = grouping (fx);
  g_assert_cmpint (person_id (fx, alice_wa), ==, person_id (fx, alice_tg));
  g_assert_cmpint (raw_int (fx->path, "SELECT count(*) FROM person"), ==, 5);

  /* merging one person with itself is refused and changes nothing */
  g_assert_cmpint (cohort_db_merge_people (fx->db, alice_rd, alice_wa, &error), ==, 0);
  g_assert_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_INVALID_DATA);
  g_clear_error (&error);

  unmerge_op = cohort_db_unmerge_member (fx->db, alice_rd, &error);
  g_assert_no_error (error);
  g_assert_cmpint (unmerge_op, >, merge_op);
  g2 = grouping (fx);
  g_assert_cmpint (person_id (fx, alice_rd), !=, person_id (fx, alice_tg));
  g_assert_cmpint (person_id (fx, alice_wa), ==, person_id (fx, alice_tg));
  /* a member alone cannot be split further */
  g_assert_cmpint (cohort_db_unmerge_member (fx->db, alice_rd, &error), ==, 0);
  g_assert_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_INVALID_DATA);
  g_clear_error (&error);

  /* an import after the split keeps it: the split-off member stays apart */
  import_fixture (fx, "readers.json");
  now = grouping (fx);
  g_assert_cmpstr (now, ==, g2);
  g_clear_pointer (&now, g_free);

  /* only the latest operation can be undone */
  g_assert_false (cohort_db_undo_people_op (fx->db, merge_op, &kind, &error));
  g_assert_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (cohort_db_undo_people_op (fx->db, unmerge_op, &kind, &error));
  g_assert_no_error (error);
  g_assert_cmpint (kind, ==, COHORT_PEOPLE_UNMERGE);
  now = grouping (fx);
  g_assert_cmpstr (now, ==, g1);
  g_clear_pointer (&now, g_free);

  g_assert_true (cohort_db_undo_people_op (fx->db, 0, &kind, &error));
  g_assert_no_error (error);
  g_assert_cmpint (kind, ==, COHORT_PEOPLE_MERGE);
  now = grouping (fx);
  g_assert_cmpstr (now, ==, g0);
  g_assert_cmpint (orphan_people (fx), ==, 0);

  g_assert_false (cohort_db_undo_people_op (fx->db, 0, &kind, &error));
  g_assert_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* the undone unmerge's person is gone, and its id is never handed out again */
  g_assert_cmpint (raw_int (fx->path, "SELECT count(*) FROM person"), ==, 6);
  g_assert_cmpint (cohort_db_unmerge_member (fx->db, alice_rd, &error), >, 0);
  g_assert_cmpint (person_id (fx, alice_rd), ==, 8);
}

static void
test_remove_import (Fixture       *fx,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  gint64 runners, readers, family;

  import_all (fx, &runners, &readers, &family);
  g_assert_cmpint (cohort_db_merge_people (fx->db, member_id (fx, runners, "user1"),
                                           member_id (fx, family, "name:Alice Wang"), &error), >, 0);
  runs = cohort_db_list_imports (fx->db, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 3);

  /* newest first: the WhatsApp run goes, and Eve's person with it */
  g_assert_true (cohort_db_remove_import (fx->db, ((CohortImportRun *)runs->pdata[0])->id,
                                          NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (raw_int (fx->path, "SELECT count(*) FROM person"), ==, 4);
  g_assert_cmpint (orphan_people (fx), ==, 0);

  /* Readers Club goes: Dan's person too; Alice and Bob stay, with Runners Club */
  g_assert_true (cohort_db_remove_import (fx->db, ((CohortImportRun *)runs->pdata[1])->id,
                                          NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (raw_int (fx->path, "SELECT count(*) FROM person"), ==, 3);
  g_assert_cmpint (raw_int (fx->path, "SELECT count(*) FROM identity"), ==, 3);
  g_assert_cmpint (orphan_people (fx), ==, 0);
  g_assert_cmpint (raw_int (fx->path, "SELECT count(*) FROM person_move WHERE member NOT IN "
                                      "(SELECT id FROM member)"), ==, 0);

  /* undoing the merge whose member is gone leaves the rest as it is */
  g_assert_true (cohort_db_undo_people_op (fx->db, 0, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (raw_int (fx->path, "SELECT count(*) FROM person"), ==, 3);
  g_assert_cmpint (orphan_people (fx), ==, 0);
  g_assert_true (cohort_db_check_integrity (fx->db, &error));
}

static void
test_migration_v6 (Fixture       *fx,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *groups = NULL;
  CohortDb *db;

  /* the fixture opened the file at the current version: start again from an empty one */
  cohort_db_close (fx->db);
  g_assert_cmpint (g_unlink (fx->path), ==, 0);
  db = cohort_db_open_at_version (fx->path, FALSE, 6, &error);
  g_assert_no_error (error);
  g_assert_true (cohort_db_exec (db,
    "INSERT INTO community (id, platform, platform_id, name) VALUES"
    " (1, 'telegram', '1', 'A'), (2, 'telegram', '2', 'B'), (3, 'whatsapp', 'name:W', 'W'),"
    " (4, 'whatsapp', 'name:V', 'V');"
    "INSERT INTO member (id, community, platform_uid) VALUES"
    " (1, 1, 'user7'), (2, 1, 'name:Zed'), (3, 2, 'name:Zed'), (4, 2, 'user7'),"
    " (5, 3, 'name:Ann'), (6, 4, 'name:Ann'), (7, 4, 'name:You');", &error));
  g_assert_no_error (error);
  cohort_db_close (db);

  fx->db = cohort_db_open (fx->path, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cohort_db_schema_version (fx->db), ==, COHORT_SCHEMA_VERSION);
  groups = grouping (fx);
  /* user7 is one person; the name-keyed members are one each, in member order */
  g_assert_cmpstr (groups, ==,
                   "1: A/user7 B/user7\n"
                   "2: A/name:Zed\n"
                   "3: B/name:Zed\n"
                   "4: W/name:Ann\n"
                   "5: V/name:Ann\n"
                   "6: V/name:You\n");

  /* the next import continues above the migrated ids */
  {
    CohortImportTx *tx = cohort_db_begin_import (fx->db, "next.json", "test", &error);
    gint64 c = cohort_import_tx_community (tx, "telegram", "3", "C", NULL, "UTC", &error);

    g_assert_true (cohort_import_tx_member (tx, c, "user7", "Seven", FALSE, &error));
    g_assert_true (cohort_import_tx_member (tx, c, "user8", "Eight", FALSE, &error));
    g_assert_true (cohort_import_tx_commit (tx, &error));
    g_assert_no_error (error);
    g_assert_cmpint (person_id (fx, member_id (fx, c, "user7")), ==, 1);
    g_assert_cmpint (person_id (fx, member_id (fx, c, "user8")), ==, 7);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, cohort_test_db_setup, fn, cohort_test_db_teardown)
  ADD ("/cohort/people/automatic-merge", test_automatic_merge);
  ADD ("/cohort/people/aggregate", test_aggregate);
  ADD ("/cohort/people/merge-unmerge-undo", test_merge_unmerge_undo);
  ADD ("/cohort/people/remove-import", test_remove_import);
  ADD ("/cohort/people/migration-v6", test_migration_v6);
#undef ADD

  return g_test_run ();
}
