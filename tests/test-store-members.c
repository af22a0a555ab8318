/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "cohort-store-members.h"
#include "cohort-store-private.h"
#include "cohort-test-db.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

/* November 2023: the store refuses times no export can hold (before 1990). */
#define T0 G_GINT64_CONSTANT (1700000000)

/* The operator's data about members: tags, flags, notes, reach, and what is read next to the
 * snapshot (invites, reach).  Each case writes its own small community. */

/* Two Telegram groups sharing the account "u1"; in "Main", u1 invited u2. */
static gint64
write_communities (CohortDb *db,
                   gint64   *other)
{
  g_autoptr(GError) error = NULL;
  CohortImportTx *tx = cohort_db_begin_import (db, "members", "test", &error);
  gint64 c, d;

  g_assert_no_error (error);
  c = cohort_import_tx_community (tx, "telegram", "1", "Main", "group", "UTC", &error);
  d = cohort_import_tx_community (tx, "telegram", "2", "Side", "group", "UTC", &error);
  g_assert_no_error (error);
  g_assert_true (cohort_import_tx_member (tx, c, "u1", "Ann", FALSE, &error));
  g_assert_true (cohort_import_tx_member (tx, c, "u2", "Ben", FALSE, &error));
  g_assert_true (cohort_import_tx_member (tx, c, "u3", "Cy", FALSE, &error));
  g_assert_true (cohort_import_tx_member (tx, d, "u1", "Ann B.", FALSE, &error));
  g_assert_true (cohort_import_tx_event (tx, c, "u1", T0 + 1000, "join", NULL, &error));
  g_assert_true (cohort_import_tx_event (tx, c, "u2", T0 + 90000, "join", NULL, &error));
  g_assert_true (cohort_import_tx_event (tx, c, "u3", T0 + 1000, "join", NULL, &error));
  g_assert_true (cohort_import_tx_invite (tx, c, "u1", "u2", T0 + 90000, NULL, &error));
  g_assert_true (cohort_import_tx_commit (tx, &error));
  g_assert_no_error (error);
  *other = d;
  return c;
}

/* Counts through a connection of its own, as a second reader would see the file. */
static gint64
count_rows (CohortTestDb *fx,
            const char   *sql)
{
  sqlite3 *raw = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n = -1;

  g_assert_cmpint (sqlite3_open_v2 (fx->path, &raw, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  if (sqlite3_prepare_v2 (raw, sql, -1, &stmt, NULL) == SQLITE_OK && sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (raw);
  return n;
}

static void
test_tags (CohortTestDb  *fx,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CohortSnapshot) snap = NULL;
  g_autoptr(CohortMemberExtras) extras = NULL;
  g_auto(GStrv) tags = NULL;
  const char *both[] = { "u1", "u2", NULL }, *one[] = { "u2", NULL };
  gint64 other, c = write_communities (fx->db, &other);

  g_assert_true (cohort_db_tag_members (fx->db, c, both, "  召回  ", TRUE, &error));
  g_assert_true (cohort_db_tag_members (fx->db, c, one, "vip", TRUE, &error));
  /* tagging twice adds nothing */
  g_assert_true (cohort_db_tag_members (fx->db, c, one, "vip", TRUE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_rows (fx, "SELECT count(*) FROM member_tag"), ==, 3);
  g_assert_false (cohort_db_tag_members (fx->db, c, one, " ", TRUE, &error));
  g_clear_error (&error);

  tags = cohort_db_list_tags (fx->db, &error);
  g_assert_cmpuint (g_strv_length (tags), ==, 2);
  g_assert_cmpstr (tags[0], ==, "vip");
  g_assert_cmpstr (tags[1], ==, "召回");

  snap = cohort_test_load_snapshot (fx->db, c);
  extras = cohort_db_load_member_extras (fx->db, c, snap, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (extras->tags[cohort_snapshot_find_member (snap, "u1")]), ==, 1);
  g_assert_cmpstr (extras->tags[cohort_snapshot_find_member (snap, "u2")][0], ==, "vip");
  g_assert_cmpstr (extras->tags[cohort_snapshot_find_member (snap, "u2")][1], ==, "召回");
  g_assert_null (extras->tags[cohort_snapshot_find_member (snap, "u3")]);
  g_assert_cmpuint (g_strv_length (extras->all_tags), ==, 2);

  /* removing from one member leaves the other */
  g_assert_true (cohort_db_tag_members (fx->db, c, one, "召回", FALSE, &error));
  g_assert_cmpint (count_rows (fx, "SELECT count(*) FROM member_tag"), ==, 2);
}

/* Flags written by hand reach the snapshot, so the metrics leave staff and bots out. */
static void
test_flags (CohortTestDb  *fx,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CohortSnapshot) snap = NULL;
  const char *staff[] = { "u1", "u3", NULL }, *bot[] = { "u2", NULL }, *unstaff[] = { "u3", NULL };
  gint64 other, c = write_communities (fx->db, &other);

  g_assert_true (cohort_db_set_member_flag (fx->db, c, staff, COHORT_MEMBER_FLAG_STAFF, TRUE, &error));
  g_assert_true (cohort_db_set_member_flag (fx->db, c, bot, COHORT_MEMBER_FLAG_BOT, TRUE, &error));
  g_assert_true (cohort_db_set_member_flag (fx->db, c, unstaff, COHORT_MEMBER_FLAG_STAFF, FALSE, &error));
  g_assert_no_error (error);

  snap = cohort_test_load_snapshot (fx->db, c);
  g_assert_true (snap->member_is_staff[cohort_snapshot_find_member (snap, "u1")]);
  g_assert_false (snap->member_is_staff[cohort_snapshot_find_member (snap, "u3")]);
  g_assert_true (snap->member_is_bot[cohort_snapshot_find_member (snap, "u2")]);
  g_assert_false (snap->member_is_bot[cohort_snapshot_find_member (snap, "u1")]);
  /* the other community's u1 is a different member record */
  g_clear_pointer (&snap, cohort_snapshot_free);
  snap = cohort_test_load_snapshot (fx->db, other);
  g_assert_false (snap->member_is_staff[0]);
}

static void
test_notes_reach (CohortTestDb  *fx,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) notes = NULL;
  g_autoptr(CohortSnapshot) snap = NULL;
  g_autoptr(CohortMemberExtras) extras = NULL;
  gint64 other, c = write_communities (fx->db, &other);
  CohortInvite *inv;

  g_assert_true (cohort_db_add_member_note (fx->db, c, "u1", 100, "first", &error));
  g_assert_true (cohort_db_add_member_note (fx->db, c, "u1", 200, "second", &error));
  g_assert_false (cohort_db_add_member_note (fx->db, c, "nobody", 300, "x", &error));
  g_assert_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  notes = cohort_db_list_member_notes (fx->db, c, "u1", &error);
  g_assert_cmpuint (notes->len, ==, 2);
  g_assert_cmpstr (((CohortMemberNote *)notes->pdata[0])->text, ==, "second");
  g_assert_cmpint (((CohortMemberNote *)notes->pdata[1])->ts, ==, 100);

  g_assert_true (cohort_db_set_member_reach (fx->db, c, "u3", 1200, &error));
  g_assert_no_error (error);

  snap = cohort_test_load_snapshot (fx->db, c);
  extras = cohort_db_load_member_extras (fx->db, c, snap, &error);
  g_assert_no_error (error);
  g_assert_cmpint (extras->reach[cohort_snapshot_find_member (snap, "u3")], ==, 1200);
  g_assert_cmpint (extras->reach[cohort_snapshot_find_member (snap, "u1")], ==, -1);
  g_assert_cmpuint (extras->invites->len, ==, 1);
  inv = &g_array_index (extras->invites, CohortInvite, 0);
  g_assert_cmpint (inv->inviter, ==, cohort_snapshot_find_member (snap, "u1"));
  g_assert_cmpint (inv->invitee, ==, cohort_snapshot_find_member (snap, "u2"));
  g_assert_cmpint (inv->ts, ==, T0 + 90000);
}

/* Only paid orders feed commerce RFM; amounts become cents. */
static void
test_orders (CohortTestDb  *fx,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CohortSnapshot) snap = NULL;
  g_autoptr(CohortMemberExtras) extras = NULL;
  gint64 other, c = write_communities (fx->db, &other);
  const struct { const char *id, *uid; gint64 ts; double amount; const char *status; } rows[] = {
    { "o1", "u2", 1704100000, 19.99, "paid" },
    { "o2", "u2", 1704200000, 5, "refunded" },
    { "o3", "u3", 1704300000, 7.5, "cancelled" },
  };
  sqlite3 *raw = NULL;
  sqlite3_stmt *stmt = NULL;
  CohortOrder *o;

  g_assert_cmpint (sqlite3_open_v2 (fx->path, &raw, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (raw,
                                       "INSERT INTO orders (community, platform_order_id, member, ts, amount, status) "
                                       "SELECT ?1, ?2, id, ?4, ?5, ?6 FROM member WHERE community = ?1 AND platform_uid = ?3",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      sqlite3_bind_int64 (stmt, 1, c);
      sqlite3_bind_text (stmt, 2, rows[i].id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, rows[i].uid, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 4, rows[i].ts);
      sqlite3_bind_double (stmt, 5, rows[i].amount);
      sqlite3_bind_text (stmt, 6, rows[i].status, -1, SQLITE_STATIC);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
      sqlite3_reset (stmt);
    }
  sqlite3_finalize (stmt);
  sqlite3_close (raw);

  snap = cohort_test_load_snapshot (fx->db, c);
  extras = cohort_db_load_member_extras (fx->db, c, snap, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (extras->orders->len, ==, 1);
  o = &g_array_index (extras->orders, CohortOrder, 0);
  g_assert_cmpint (o->member, ==, cohort_snapshot_find_member (snap, "u2"));
  g_assert_cmpint (o->ts, ==, 1704100000);
  g_assert_cmpint (o->cents, ==, 1999);
}

/* A database of schema 4, the one just before tags, notes and reach, built as schema 4 built
 * it, migrates forward and keeps its rows. */
static void
test_migrate_to_tags (CohortTestDb  *fx,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char *one[] = { "u1", NULL };
  gint64 other, c;

  cohort_db_close (fx->db);
  g_unlink (fx->path);
  fx->db = cohort_db_open_at_version (fx->path, FALSE, 4, &error);
  g_assert_no_error (error);
  c = write_communities (fx->db, &other);
  cohort_db_close (fx->db);
  g_assert_cmpint (count_rows (fx, "SELECT count(*) FROM member"), ==, 4);
  g_assert_cmpint (count_rows (fx, "SELECT count(*) FROM sqlite_master WHERE name = 'tag'"), ==, 0);

  fx->db = cohort_db_open (fx->path, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cohort_db_schema_version (fx->db), ==, COHORT_SCHEMA_VERSION);
  g_assert_cmpint (count_rows (fx, "SELECT count(*) FROM member"), ==, 4);
  g_assert_true (cohort_db_tag_members (fx->db, c, one, "vip", TRUE, &error));
  g_assert_true (cohort_db_set_member_reach (fx->db, c, "u1", 10, &error));
  g_assert_no_error (error);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add (path, CohortTestDb, NULL, cohort_test_db_setup, fn, cohort_test_db_teardown)
  ADD ("/cohort/store-members/tags", test_tags);
  ADD ("/cohort/store-members/flags", test_flags);
  ADD ("/cohort/store-members/notes-reach", test_notes_reach);
  ADD ("/cohort/store-members/orders", test_orders);
  ADD ("/cohort/store-members/migrate-to-tags", test_migrate_to_tags);
#undef ADD
  return g_test_run ();
}
