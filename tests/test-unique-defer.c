/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "cohort-backup.h"
#include "cohort-importer.h"
#include "cohort-snapshot-cache.h"
#include "cohort-store-snapshot.h"
#include "cohort-store-private.h"
#include "cohort-test-db.h"

/*
 * The message table's unique (community, platform_msg_id) key as a named index (migration
 * v10) and its deferral on a first import (cohort-store.c, message_indexes[]): the migration
 * keeps every row, id, reference and query plan; a first import whose ids are hashes drops
 * the index and builds it at commit, and still refuses an id repeated in the file with the
 * same words, builds it before any lookup, counts exactly, adds nothing on a re-import and
 * leaves nothing behind when it fails.  The raw sqlite3 calls look at the file from outside.
 */

#define V9 9
#define V10 10
#define V11 11
/* The message indexes in sqlite_master's order, from v10 and from v12 on */
#define INDEX_ORDER_V10 "message_community_ts,message_member_ts,message_import_run,message_platform_id"
#define INDEX_ORDER \
  "message_community_ts,message_member_ts,message_import_run,message_reply_unresolved," \
  "message_platform_id"
/* The columns of a message row until v12 added reply_member */
#define V10_MESSAGE_COLUMNS \
  "id, community, member, platform_msg_id, ts, kind, length, reply_to, mentions, forwarded, " \
  "edited_ts, is_mech, mech_reason, text, import_run"

typedef struct
{
  char *dir;
  char *path;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->dir = g_dir_make_tmp ("cohort-unique-XXXXXX", NULL);
  f->path = g_build_filename (f->dir, "test.db", NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  cohort_test_remove_tree (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

/* Every row of the query, each column as its type and text: equal strings, equal rows. */
static char *
raw_rows (const char *path,
          const char *sql)
{
  g_autoptr(GString) rows = g_string_new (NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      for (int i = 0; i < sqlite3_column_count (stmt); i++)
        g_string_append_printf (rows, "%d:%s|", sqlite3_column_type (stmt, i),
                                (const char *)sqlite3_column_text (stmt, i));
      g_string_append_c (rows, '\n');
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return g_string_free (g_steal_pointer (&rows), FALSE);
}

static int
raw_exec (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;
  int rc;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  rc = sqlite3_exec (db, sql, NULL, NULL, NULL);
  sqlite3_close (db);
  return rc;
}

static char *
message_indexes (const char *path)
{
  return raw_rows (path, "SELECT group_concat (name) FROM (SELECT name FROM sqlite_master "
                         "WHERE type = 'index' AND tbl_name = 'message' ORDER BY rowid)");
}

static char *
fixture_path (const char *folder,
              const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", folder, name, NULL);
}

static CohortImportResult *
import_fixture (CohortDb    *db,
                const char  *folder,
                const char  *name,
                GError     **error)
{
  g_autofree char *path = fixture_path (folder, name);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  CohortImportOptions options = { "UTC", NULL, NULL };

  return cohort_import_file (db, file, &options, NULL, NULL, NULL, error);
}

static void
import_ok (CohortDb           *db,
           const char         *folder,
           const char         *name,
           CohortImportCounts *counts)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CohortImportResult) result = import_fixture (db, folder, name, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
  if (counts != NULL)
    *counts = result->counts;
}

/* ------------------------------------------------------------------------------------------ */
/* The migration                                                                               */

static const char * const dumped[] = {
  "SELECT * FROM community ORDER BY rowid",
  "SELECT * FROM member ORDER BY rowid",
  "SELECT * FROM message ORDER BY rowid",
  "SELECT * FROM reaction ORDER BY rowid",
  "SELECT * FROM event ORDER BY rowid",
  "SELECT * FROM invite ORDER BY rowid",
  "SELECT * FROM span ORDER BY rowid",
  "SELECT * FROM identity ORDER BY rowid",
  "SELECT * FROM import_run ORDER BY rowid",
  "SELECT * FROM pragma_table_xinfo ('message')",
  "SELECT * FROM pragma_foreign_key_list ('message')",
  "SELECT * FROM pragma_foreign_key_list ('reaction')",
  ("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'message' "
   "AND sql IS NOT NULL AND name != 'message_platform_id' ORDER BY rowid"),
};

/* A cold snapshot load's messages (cohort-store-snapshot.c) */
#define SNAPSHOT_MESSAGES \
  "SELECT m.ts, m.member, m.kind, m.is_mech, r.member FROM message m LEFT JOIN message r " \
  "ON r.platform_msg_id = m.reply_to AND r.community = m.community " \
  "WHERE m.community = 1 AND m.ts BETWEEN 1 AND 2 AND m.member IS NOT NULL AND m.kind != 5 " \
  "ORDER BY m.ts"

/* The Activity page's texts of a range (cohort-store-activity.c), in the index's order */
#define ACTIVITY_TEXTS \
  "SELECT m.ts, m.member, r.member, m.kind, m.is_mech, m.mech_reason, m.text FROM message m " \
  "LEFT JOIN message r ON r.community = m.community AND r.platform_msg_id = m.reply_to " \
  "WHERE m.community = 1 AND m.ts >= 1 AND m.ts < 2 AND m.kind != 5 AND m.member IS NOT NULL " \
  "ORDER BY m.ts, m.member, m.kind, m.is_mech, m.reply_to, m.id"

/* The same two from v12 on: a reply's member is stored with it */
#define SNAPSHOT_MESSAGES_V12 \
  "SELECT m.ts, m.member, m.kind, m.is_mech, m.reply_member FROM message m " \
  "WHERE m.community = 1 AND m.ts BETWEEN 1 AND 2 AND m.member IS NOT NULL AND m.kind != 5 " \
  "ORDER BY m.ts"
#define ACTIVITY_TEXTS_V12 \
  "SELECT m.ts, m.member, m.reply_member, m.kind, m.is_mech, m.mech_reason, m.text FROM message m " \
  "WHERE m.community = 1 AND m.ts >= 1 AND m.ts < 2 AND m.kind != 5 AND m.member IS NOT NULL " \
  "ORDER BY m.ts, m.member, m.kind, m.is_mech, m.reply_member, m.id"
/* What the join of v11 found for each reply, and what v12 stores */
#define REPLY_TARGETS_JOINED \
  "SELECT m.id, r.member FROM message m LEFT JOIN message r ON r.platform_msg_id = m.reply_to " \
  "AND r.community = m.community WHERE m.reply_to IS NOT NULL ORDER BY m.id"
#define REPLY_TARGETS_STORED \
  "SELECT id, reply_member FROM message WHERE reply_to IS NOT NULL ORDER BY id"

/* Queries the store and the metrics ask of the message table, one per way of reaching it:
 * by community, time, member, run, id, a reply's target, and by nothing at all. */
static const char * const planned[] = {
  "SELECT count(*) FROM message WHERE community = 1 AND kind != 3",
  "SELECT count(DISTINCT member) FROM message WHERE community = 1 AND kind != 3 AND member IS NOT NULL",
  "SELECT min(ts), max(ts) FROM message WHERE community = 1 AND kind != 3",
  "SELECT count(*) FROM message WHERE community = 1",
  SNAPSHOT_MESSAGES,
  /* where a big read splits its messages between two readers (cohort-store-split.c) */
  "SELECT id FROM message WHERE community = 1 AND ts >= 1 ORDER BY ts LIMIT 1",
  "SELECT id FROM message WHERE community = 1 AND ts <= 2 ORDER BY ts DESC LIMIT 1",
  "SELECT ts FROM message WHERE id >= 5 AND +community = 1 ORDER BY id LIMIT 1",
  "SELECT id FROM message WHERE community = 1 AND platform_msg_id = 'x'",
  "SELECT import_run, id FROM message WHERE community = 1 AND platform_msg_id = 'x'",
  "SELECT text FROM message WHERE community = 1 AND platform_msg_id IN ('a', 'b')",
  ("SELECT m.id, r.member FROM message m LEFT JOIN message r ON r.community = m.community "
   "AND r.platform_msg_id = m.reply_to WHERE m.community = 1 AND m.ts >= 5"),
  "SELECT ts FROM message WHERE community = 1 AND import_run = 1 AND member = 5",
  "SELECT id, text, is_mech, mech_reason FROM message WHERE community = 1 AND kind != 3 AND (1 = 0 OR import_run = 1)",
  "SELECT ts FROM message WHERE member = 1 AND kind != 3 ORDER BY ts LIMIT 1",
  "SELECT min(ts) FROM message WHERE member = 1",
  "SELECT community FROM message WHERE import_run = 1",
  "SELECT count(*) FROM message",
  "SELECT community, count(*) FROM message GROUP BY community",
  "SELECT count(*) FROM reaction r JOIN message m ON m.id = r.message WHERE m.community = 1",
  "SELECT platform_msg_id FROM message WHERE community = 1 AND ts BETWEEN 1 AND 2 ORDER BY ts DESC",
};

/* Replaces every `from` in text with `to`. */
static char *
replace_all (const char *text,
             const char *from,
             const char *to)
{
  g_auto(GStrv) parts = g_strsplit (text, from, -1);

  return g_strjoinv (to, parts);
}

/* The plans, with the old unique index under its new name and columns: the index is on the
 * id first, the constraint is on both (cohort-store.c, migration_v10). */
static char *
plans (const char *path)
{
  g_autoptr(GString) all = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (planned); i++)
    {
      g_autofree char *sql = g_strconcat ("EXPLAIN QUERY PLAN ", planned[i], NULL);
      g_autofree char *plan = raw_rows (path, sql);
      g_autofree char *named = replace_all (plan, "sqlite_autoindex_message_1",
                                            "message_platform_id");
      g_autofree char *columns = replace_all (named, "(community=? AND platform_msg_id=?)",
                                              "(platform_msg_id=? AND community=?)");

      g_string_append_printf (all, "%s\n%s", planned[i], columns);
    }
  return g_string_free (g_steal_pointer (&all), FALSE);
}

/* The plans' steps alone, without the ids of their nodes, which move when an index's width
 * changes the bytecode around them. */
static char *
plan_steps (const char *path)
{
  g_autoptr(GString) all = g_string_new (NULL);
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  for (guint i = 0; i < G_N_ELEMENTS (planned); i++)
    {
      g_autofree char *sql = g_strconcat ("EXPLAIN QUERY PLAN ", planned[i], NULL);
      sqlite3_stmt *stmt = NULL;

      g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
      g_string_append_printf (all, "%s\n", planned[i]);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        g_string_append_printf (all, "  %s\n", (const char *)sqlite3_column_text (stmt, 3));
      sqlite3_finalize (stmt);
    }
  sqlite3_close (db);
  return g_string_free (g_steal_pointer (&all), FALSE);
}

static GPtrArray *
dump (const char *path)
{
  GPtrArray *tables = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < G_N_ELEMENTS (dumped); i++)
    g_ptr_array_add (tables, raw_rows (path, dumped[i]));
  g_ptr_array_add (tables, plans (path));
  return tables;
}

/* A schema-9 database with two communities (Telegram with reactions, WhatsApp with joins,
 * leaves and invites) upgrades to a copy of itself with the named index: every row and id,
 * column, reference, other index and query plan as before, the key still unique, a backup
 * taken first, and importing the same files again adds nothing. */
static void
test_migrate_from_v9 (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) before = NULL, after = NULL, backups = NULL;
  g_autofree char *old_indexes = NULL, *indexes = NULL, *reactions = NULL;
  g_autofree char *messages = NULL, *again = NULL;
  CohortDb *db = cohort_db_open_at_version (f->path, FALSE, V9, &error);
  CohortImportCounts counts;
  gboolean backed_up = FALSE;

  g_assert_no_error (error);
  import_ok (db, "telegram", "single-supergroup.json", NULL);
  import_ok (db, "whatsapp", "android-en-12h.txt", NULL);
  g_assert_cmpint (cohort_db_count (db, "community"), ==, 2);
  g_assert_cmpint (cohort_db_count (db, "reaction"), ==, 3);
  g_assert_cmpint (cohort_db_count (db, "event"), >, 0);
  cohort_db_close (db);
  old_indexes = message_indexes (f->path);
  g_assert_cmpstr (old_indexes, ==, "3:sqlite_autoindex_message_1,message_community_ts,"
                                    "message_member_ts,message_import_run|\n");
  before = dump (f->path);

  db = cohort_db_open_at_version (f->path, FALSE, V10, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cohort_db_schema_version (db), ==, V10);
  g_assert_true (cohort_db_check_integrity (db, &error));
  g_assert_no_error (error);
  cohort_db_close (db);

  after = dump (f->path);
  for (guint i = 0; i < before->len; i++)
    g_assert_cmpstr (after->pdata[i], ==, before->pdata[i]);
  indexes = message_indexes (f->path);
  g_assert_cmpstr (indexes, ==, "3:" INDEX_ORDER_V10 "|\n");
  /* The reactions still point at their messages: 8 has two, 12 one. */
  reactions = raw_rows (f->path, "SELECT m.platform_msg_id, r.emoji, r.count FROM reaction r "
                                 "JOIN message m ON m.id = r.message ORDER BY r.id");
  g_assert_cmpuint (strlen (reactions), >, 0);
  g_assert_nonnull (strstr (reactions, "3:8|"));
  g_assert_nonnull (strstr (reactions, "3:12|3:👍|1:3|"));
  g_assert_cmpint (raw_exec (f->path, "INSERT INTO message (community, platform_msg_id, ts, kind) "
                                      "SELECT community, platform_msg_id, ts + 1, kind FROM message LIMIT 1"),
                   ==, SQLITE_CONSTRAINT);

  backups = cohort_backup_list (f->path);
  for (guint i = 0; i < backups->len; i++)
    backed_up |= g_strcmp0 (((CohortBackupInfo *)backups->pdata[i])->reason,
                            "before-v" G_STRINGIFY (V10)) == 0;
  g_assert_true (backed_up);

  messages = raw_rows (f->path, "SELECT " V10_MESSAGE_COLUMNS " FROM message ORDER BY rowid");
  db = cohort_db_open (f->path, FALSE, &error);
  import_ok (db, "telegram", "single-supergroup.json", &counts);
  g_assert_cmpint (counts.messages_added + counts.system_added + counts.reactions_added, ==, 0);
  g_assert_cmpint (counts.messages_present, >, 0);
  import_ok (db, "whatsapp", "android-en-12h.txt", &counts);
  g_assert_cmpint (counts.messages_added + counts.system_added + counts.events_added, ==, 0);
  cohort_db_close (db);
  again = raw_rows (f->path, "SELECT " V10_MESSAGE_COLUMNS " FROM message ORDER BY rowid");
  g_assert_cmpstr (again, ==, messages);
}

/* Each community's snapshot loaded from the tables, encoded: equal bytes, equal snapshots. */
static GPtrArray *
snapshots_from_tables (const char *path,
                       int         version)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *all = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  CohortDb *db = cohort_db_open_at_version (path, TRUE, version, &error);

  g_assert_no_error (error);
  for (gint64 community = 1; community <= 2; community++)
    {
      g_autoptr(CohortSnapshot) snap = cohort_db_load_snapshot_uncached (db, community, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (snap->n_messages, >, 0);
      g_ptr_array_add (all, cohort_snapshot_cache_encode (snap, community));
    }
  cohort_db_close (db);
  return all;
}

/* v11 widens (community, ts) so that a snapshot reads no message row: the rows, the other
 * indexes, their order and every plan stay as they were, except that what reads messages
 * by community now reads the index alone.  (That the snapshots stayed the same to the byte
 * was checked here until v12's loader, which reads reply_member, could no longer load a v11
 * file; migrate-to-v12 compares the snapshots of a migrated file with a new one's.) */
static void
test_migrate_to_v11 (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) before = NULL, after = NULL;
  g_autofree char *indexes = NULL, *uncovered_before = NULL, *uncovered_after = NULL;
  g_autofree char *plan_before = NULL, *plan_after = NULL, *steps_before = NULL;
  g_autofree char *steps_after = NULL, *plan_texts = NULL;
  CohortDb *db = cohort_db_open_at_version (f->path, FALSE, V10, &error);
  guint n_tables = G_N_ELEMENTS (dumped) - 1;
  CohortImportCounts counts;

  g_assert_no_error (error);
  import_ok (db, "telegram", "single-supergroup.json", NULL);
  import_ok (db, "whatsapp", "android-en-12h.txt", NULL);
  cohort_db_close (db);
  before = dump (f->path);
  steps_before = plan_steps (f->path);
  plan_before = raw_rows (f->path, "EXPLAIN QUERY PLAN " SNAPSHOT_MESSAGES);
  g_assert_nonnull (strstr (plan_before, "SEARCH m USING INDEX message_community_ts "
                                         "(community=? AND ts>? AND ts<?)"));

  db = cohort_db_open_at_version (f->path, FALSE, V11, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cohort_db_schema_version (db), ==, V11);
  g_assert_true (cohort_db_check_integrity (db, &error));
  g_assert_no_error (error);
  cohort_db_close (db);

  after = dump (f->path);
  for (guint i = 0; i < n_tables; i++)
    g_assert_cmpstr (after->pdata[i], ==, before->pdata[i]);
  g_assert_nonnull (strstr (after->pdata[n_tables],
                            "3:CREATE INDEX message_community_ts ON message "
                            "(community, ts, member, kind, is_mech, reply_to)|"));
  indexes = message_indexes (f->path);
  g_assert_cmpstr (indexes, ==, "3:" INDEX_ORDER_V10 "|\n");
  /* the snapshot's own query, and no plan that changed otherwise */
  plan_after = raw_rows (f->path, "EXPLAIN QUERY PLAN " SNAPSHOT_MESSAGES);
  g_assert_nonnull (strstr (plan_after,
                            "SEARCH m USING COVERING INDEX message_community_ts "
                            "(community=? AND ts>? AND ts<?)"));
  /* the texts come in the order of that index, with no sort of each second's rows */
  plan_texts = raw_rows (f->path, "EXPLAIN QUERY PLAN " ACTIVITY_TEXTS);
  g_assert_nonnull (strstr (plan_texts, "SEARCH m USING INDEX message_community_ts "
                                        "(community=? AND ts>? AND ts<?)"));
  g_assert_null (strstr (plan_texts, "TEMP B-TREE"));
  uncovered_before = replace_all (steps_before, "COVERING INDEX message_community_ts",
                                  "INDEX message_community_ts");
  steps_after = plan_steps (f->path);
  uncovered_after = replace_all (steps_after, "COVERING INDEX message_community_ts",
                                 "INDEX message_community_ts");
  g_assert_cmpstr (uncovered_after, ==, uncovered_before);

  db = cohort_db_open (f->path, FALSE, &error);
  import_ok (db, "telegram", "single-supergroup.json", &counts);
  g_assert_cmpint (counts.messages_added + counts.system_added + counts.reactions_added, ==, 0);
  cohort_db_close (db);
}

/* A Telegram and a WhatsApp community, imported into the file at path. */
static void
import_communities (const char *path,
                    int         version)
{
  g_autoptr(GError) error = NULL;
  CohortDb *db = cohort_db_open_at_version (path, FALSE, version, &error);

  g_assert_no_error (error);
  import_ok (db, "telegram", "single-supergroup.json", NULL);
  import_ok (db, "whatsapp", "android-en-12h.txt", NULL);
  cohort_db_close (db);
}

/* v12 stores the member a reply answers.  A file written at v11 and migrated holds in each
 * reply the member v11's join found; its rows but for the new column, and every plan up to
 * the covering of (community, ts), are as before; and its snapshots equal, to the byte,
 * those of the same exports imported into a new file, where the writer put the members in
 * place as it went. */
static void
test_migrate_to_v12 (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *fresh_path = g_build_filename (f->dir, "fresh.db", NULL);
  g_autofree char *joined = NULL, *stored = NULL, *fresh_stored = NULL;
  g_autofree char *rows_before = NULL, *rows_after = NULL, *indexes = NULL;
  g_autofree char *steps_before = NULL, *steps_after = NULL;
  g_autofree char *uncovered_before = NULL, *uncovered_after = NULL;
  g_autofree char *plan_snapshot = NULL, *plan_texts = NULL;
  g_autoptr(GPtrArray) migrated = NULL, fresh = NULL;
  CohortDb *db;

  import_communities (f->path, V11);
  joined = raw_rows (f->path, REPLY_TARGETS_JOINED);
  /* message 3 answers 2, by member 1; 12 answers 10, by member 6 */
  g_assert_cmpstr (joined, ==, "1:3|1:1|\n1:12|1:6|\n");
  rows_before = raw_rows (f->path, "SELECT " V10_MESSAGE_COLUMNS " FROM message ORDER BY rowid");
  steps_before = plan_steps (f->path);

  db = cohort_db_open (f->path, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cohort_db_schema_version (db), ==, 12);
  g_assert_true (cohort_db_check_integrity (db, &error));
  g_assert_no_error (error);
  cohort_db_close (db);

  stored = raw_rows (f->path, REPLY_TARGETS_STORED);
  g_assert_cmpstr (stored, ==, joined);
  rows_after = raw_rows (f->path, "SELECT " V10_MESSAGE_COLUMNS " FROM message ORDER BY rowid");
  g_assert_cmpstr (rows_after, ==, rows_before);
  indexes = message_indexes (f->path);
  g_assert_cmpstr (indexes, ==, "3:" INDEX_ORDER "|\n");
  steps_after = plan_steps (f->path);
  uncovered_before = replace_all (steps_before, "COVERING INDEX message_community_ts",
                                  "INDEX message_community_ts");
  uncovered_after = replace_all (steps_after, "COVERING INDEX message_community_ts",
                                 "INDEX message_community_ts");
  g_assert_cmpstr (uncovered_after, ==, uncovered_before);
  /* the load reads the index alone, the texts come in its order */
  plan_snapshot = raw_rows (f->path, "EXPLAIN QUERY PLAN " SNAPSHOT_MESSAGES_V12);
  g_assert_nonnull (strstr (plan_snapshot, "SEARCH m USING COVERING INDEX message_community_ts "
                                           "(community=? AND ts>? AND ts<?)"));
  g_assert_null (strstr (plan_snapshot, "message r"));
  plan_texts = raw_rows (f->path, "EXPLAIN QUERY PLAN " ACTIVITY_TEXTS_V12);
  g_assert_nonnull (strstr (plan_texts, "SEARCH m USING INDEX message_community_ts "
                                        "(community=? AND ts>? AND ts<?)"));
  g_assert_null (strstr (plan_texts, "TEMP B-TREE"));

  import_communities (fresh_path, COHORT_SCHEMA_VERSION);
  fresh_stored = raw_rows (fresh_path, REPLY_TARGETS_STORED);
  g_assert_cmpstr (fresh_stored, ==, joined);
  migrated = snapshots_from_tables (f->path, COHORT_SCHEMA_VERSION);
  fresh = snapshots_from_tables (fresh_path, COHORT_SCHEMA_VERSION);
  for (guint i = 0; i < migrated->len; i++)
    g_assert_true (g_bytes_equal (migrated->pdata[i], fresh->pdata[i]));
}

/* A reference the file broke before the upgrade (a reaction whose message is gone, left by a
 * removal with foreign keys off) does not stop it, and stays the one broken reference. */
static void
test_migrate_keeps_old_damage (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *orphans = NULL;
  CohortDb *db = cohort_db_open_at_version (f->path, FALSE, V9, &error);

  g_assert_no_error (error);
  import_ok (db, "telegram", "single-supergroup.json", NULL);
  cohort_db_close (db);
  g_assert_cmpint (raw_exec (f->path, "DELETE FROM message WHERE platform_msg_id = '12'"), ==, SQLITE_OK);

  db = cohort_db_open (f->path, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cohort_db_schema_version (db), ==, COHORT_SCHEMA_VERSION);
  cohort_db_close (db);
  orphans = raw_rows (f->path, "SELECT \"table\", parent FROM pragma_foreign_key_check");
  g_assert_cmpstr (orphans, ==, "3:reaction|3:message|\n");
}

/* ------------------------------------------------------------------------------------------ */
/* An id repeated in the file                                                                  */

/* Refused by name whether the first import dropped the index (the file's 3 messages never
 * make a statement of 64, so nothing judges their order and it stays away until commit) or
 * a community already there kept it; nothing is left behind, the indexes included. */
static void
test_repeated_in_file (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) deferred = NULL, kept = NULL;
  g_autofree char *indexes = NULL;
  g_autoptr(CohortImportResult) result = NULL;
  CohortDb *db = cohort_db_open (f->path, FALSE, NULL);

  result = import_fixture (db, "bad", "duplicate-ids.json", &deferred);
  g_assert_null (result);
  g_assert_error (deferred, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_MALFORMED);
  g_assert_nonnull (strstr (deferred->message, "duplicate-ids.json"));
  g_assert_nonnull (strstr (deferred->message, "the message id 2 appears twice"));
  g_assert_cmpint (cohort_db_count (db, "message"), ==, 0);
  g_assert_cmpint (cohort_db_count (db, "community"), ==, 0);
  g_assert_cmpint (cohort_db_count (db, "import_run"), ==, 1);
  indexes = message_indexes (f->path);
  g_assert_cmpstr (indexes, ==, "3:" INDEX_ORDER "|\n");

  import_ok (db, "whatsapp", "fi.txt", NULL);
  result = import_fixture (db, "bad", "duplicate-ids.json", &kept);
  g_assert_null (result);
  g_assert_cmpstr (kept->message, ==, deferred->message);
  g_assert_cmpint (cohort_db_count (db, "message"), ==, 2);
  g_assert_true (cohort_db_check_integrity (db, NULL));
  cohort_db_close (db);
}

/* T0 is 2024-01-01 UTC: the store refuses dates no export can hold. */
#define T0 G_GINT64_CONSTANT (1704067200)

typedef struct
{
  GPtrArray *strings;
  GArray    *records;      /* CohortMessageRecord */
  GPtrArray *pointers;     /* into records */
} Messages;

static void
messages_clear (Messages *ms)
{
  g_clear_pointer (&ms->strings, g_ptr_array_unref);
  g_clear_pointer (&ms->pointers, g_ptr_array_unref);
  g_clear_pointer (&ms->records, g_array_unref);
}

static char *
hashed_id (int i)
{
  g_autofree char *id = g_strdup_printf ("m%d", i);

  return g_compute_checksum_for_string (G_CHECKSUM_SHA1, id, -1);
}

/* Messages 0…n-1 with hashed ids (content keys come in no order), from five senders. */
static void
messages_make (Messages *ms,
               gint64    community,
               int       n)
{
  ms->strings = g_ptr_array_new_with_free_func (g_free);
  ms->records = g_array_new (FALSE, TRUE, sizeof (CohortMessageRecord));
  ms->pointers = g_ptr_array_new ();
  for (int i = 0; i < n; i++)
    {
      CohortMessageRecord r = { 0, };
      char *id = hashed_id (i);
      char *uid = g_strdup_printf ("user%d", i % 5);

      g_ptr_array_add (ms->strings, id);
      g_ptr_array_add (ms->strings, uid);
      r.community = community;
      r.platform_msg_id = id;
      r.member_uid = uid;
      r.ts = T0 + i * 60;
      r.kind = COHORT_MESSAGE_TEXT;
      r.text = "text";
      r.length = 4;
      g_array_append_val (ms->records, r);
    }
  for (guint i = 0; i < ms->records->len; i++)
    g_ptr_array_add (ms->pointers, &g_array_index (ms->records, CohortMessageRecord, i));
}

/* Record `at` takes the id of record `of`. */
static void
repeat_id (Messages *ms,
           int       at,
           int       of)
{
  g_array_index (ms->records, CohortMessageRecord, at).platform_msg_id =
    g_array_index (ms->records, CohortMessageRecord, of).platform_msg_id;
}

static gboolean
index_present (CohortImportTx *tx)
{
  return cohort_db_query_int (_cohort_import_tx_get_db (tx),
                              "SELECT count(*) FROM sqlite_master WHERE name = 'message_platform_id'",
                              -1) == 1;
}

/* 200 hashed messages with the repeats of one case, all at once, then commit: the error of
 * whichever step refused them. */
static char *
write_repeats (CohortDb  *db,
               const int  repeats[][2],
               guint      n_repeats,
               gboolean  *deferred)
{
  g_autoptr(GError) error = NULL;
  CohortImportTx *tx = cohort_db_begin_import (db, "repeats", "test", &error);
  gint64 c = cohort_import_tx_community (tx, "whatsapp", "rep", "Repeats", NULL, "UTC", &error);
  Messages ms = { NULL, };
  gboolean ok;

  messages_make (&ms, c, 200);
  for (guint i = 0; i < n_repeats; i++)
    repeat_id (&ms, repeats[i][0], repeats[i][1]);
  *deferred = !index_present (tx);
  ok = cohort_import_tx_messages (tx, (const CohortMessageRecord * const *)ms.pointers->pdata,
                                  ms.pointers->len, &error);
  /* Deferred, nothing looked an id up: the repeats are in the table until commit. */
  g_assert_true (!*deferred || ok);
  if (ok)
    {
      g_assert_false (cohort_import_tx_commit (tx, &error));
    }
  else
    cohort_import_tx_rollback (tx);
  messages_clear (&ms);
  g_assert_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_INVALID_DATA);
  return g_strdup (error->message);
}

/* With the index deferred the repeats are found at commit, and the one named is the one the
 * import with the index in place stops at: the earliest record whose id came before. */
static void
test_repeated_at_commit (Fixture       *f,
                         gconstpointer  data)
{
  static const int in_one_statement[][2] = { { 100, 70 } };
  static const int across_statements[][2] = { { 69, 3 } };
  static const int two[][2] = { { 150, 20 }, { 80, 10 }, { 120, 90 } };
  static const struct { const int (*repeats)[2]; guint n; int named; } cases[] = {
    { in_one_statement, 1, 70 },
    { across_statements, 1, 3 },
    { two, 3, 10 },
  };
  g_autofree char *kept_path = g_build_filename (f->dir, "kept.db", NULL);
  CohortDb *db = cohort_db_open (f->path, FALSE, NULL);
  CohortDb *kept = cohort_db_open (kept_path, FALSE, NULL);

  /* A message already there keeps the other database's index through its imports. */
  import_ok (kept, "whatsapp", "fi.txt", NULL);
  for (guint k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      g_autofree char *id = hashed_id (cases[k].named);
      g_autofree char *expected = g_strdup_printf ("the message id %s appears twice", id);
      g_autofree char *at_commit = NULL, *at_once = NULL, *indexes = NULL;
      gboolean deferred;

      at_commit = write_repeats (db, cases[k].repeats, cases[k].n, &deferred);
      g_assert_true (deferred);
      g_assert_cmpstr (at_commit, ==, expected);
      at_once = write_repeats (kept, cases[k].repeats, cases[k].n, &deferred);
      g_assert_false (deferred);
      g_assert_cmpstr (at_once, ==, expected);
      g_assert_cmpint (cohort_db_count (db, "message"), ==, 0);
      indexes = message_indexes (f->path);
      g_assert_cmpstr (indexes, ==, "3:" INDEX_ORDER "|\n");
    }
  g_assert_cmpint (cohort_db_count (kept, "message"), ==, 2);
  cohort_db_close (db);
  cohort_db_close (kept);
}

/* ------------------------------------------------------------------------------------------ */
/* Lookups while the index is away                                                             */

/* A reaction looks its message up: the deferred indexes are built first, once, and from then
 * on the import runs with them, so a repeat is refused as it is written; messages written
 * before and after are counted once each and the reaction lands on its message. */
static void
test_lookup_builds_indexes (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL, *target = NULL, *reaction = NULL, *indexes = NULL;
  CohortDb *db = cohort_db_open (f->path, FALSE, NULL);
  const CohortImportCounts *counts;

  for (int round = 0; round < 2; round++)
    {
      CohortImportTx *tx = cohort_db_begin_import (db, "lookup", "test", &error);
      gint64 c = cohort_import_tx_community (tx, "whatsapp", "look", "Lookups", NULL, "UTC", &error);
      const CohortMessageRecord * const *records;
      Messages ms = { NULL, };
      gboolean ok;

      messages_make (&ms, c, 200);
      records = (const CohortMessageRecord * const *)ms.pointers->pdata;
      if (round == 0)
        repeat_id (&ms, 150, 3);
      g_assert_true (cohort_import_tx_messages (tx, records, 128, &error));
      g_assert_false (index_present (tx));
      g_assert_true (cohort_import_tx_reaction (tx, c, records[5]->platform_msg_id, "👍", 4, &error));
      g_assert_no_error (error);
      g_assert_true (index_present (tx));
      ok = cohort_import_tx_messages (tx, records + 128, 72, &error);
      counts = cohort_import_tx_get_counts (tx);
      if (round == 0)
        {
          /* m3 came back as the 151st record: refused there, not at commit. */
          expected = g_strdup_printf ("the message id %s appears twice", records[3]->platform_msg_id);
          g_assert_false (ok);
          g_assert_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_INVALID_DATA);
          g_assert_cmpstr (error->message, ==, expected);
          g_clear_error (&error);
          cohort_import_tx_rollback (tx);
          g_assert_cmpint (cohort_db_count (db, "message"), ==, 0);
          g_assert_cmpint (cohort_db_count (db, "reaction"), ==, 0);
        }
      else
        {
          g_assert_true (ok);
          g_assert_cmpint (counts->messages_added, ==, 200);
          g_assert_cmpint (counts->messages_present, ==, 0);
          g_assert_cmpint (counts->reactions_added, ==, 1);
          target = g_strdup (records[5]->platform_msg_id);
          g_assert_true (cohort_import_tx_commit (tx, &error));
          g_assert_no_error (error);
        }
      messages_clear (&ms);
    }
  reaction = raw_rows (f->path, "SELECT m.platform_msg_id, m.ts, r.count FROM reaction r "
                                "JOIN message m ON m.id = r.message");
  g_free (expected);
  expected = g_strdup_printf ("3:%s|1:%" G_GINT64_FORMAT "|1:4|\n", target, T0 + 5 * 60);
  g_assert_cmpstr (reaction, ==, expected);
  indexes = message_indexes (f->path);
  g_assert_cmpstr (indexes, ==, "3:" INDEX_ORDER "|\n");
  g_assert_true (cohort_db_check_integrity (db, NULL));
  cohort_db_close (db);
}

/* One message at a time (the path of most importers): a record without an id is skipped by
 * INSERT OR IGNORE and looked up as a message there already, which builds the indexes. */
static void
test_lookup_one_at_a_time (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  CohortDb *db = cohort_db_open (f->path, FALSE, NULL);
  CohortImportTx *tx = cohort_db_begin_import (db, "single", "test", &error);
  gint64 c = cohort_import_tx_community (tx, "whatsapp", "one", "One", NULL, "UTC", &error);
  CohortMessageRecord *nameless;
  Messages ms = { NULL, };

  messages_make (&ms, c, 10);
  nameless = &g_array_index (ms.records, CohortMessageRecord, 6);
  nameless->platform_msg_id = NULL;
  for (guint i = 0; i < ms.pointers->len; i++)
    {
      g_assert_true (cohort_import_tx_message (tx, ms.pointers->pdata[i], &error));
      g_assert_no_error (error);
      g_assert_cmpint (index_present (tx), ==, i >= 6);
    }
  g_assert_cmpint (cohort_import_tx_get_counts (tx)->messages_added, ==, 9);
  g_assert_cmpint (cohort_import_tx_get_counts (tx)->messages_present, ==, 1);
  g_assert_true (cohort_import_tx_commit (tx, &error));
  g_assert_cmpint (cohort_db_count (db, "message"), ==, 9);
  messages_clear (&ms);
  cohort_db_close (db);
}

/* ------------------------------------------------------------------------------------------ */
/* Counts, re-imports and failures on the deferred path                                       */

/* The line of cohort_test_describe_db () that holds the phrase. */
static char *
community_line (const char *description,
                const char *phrase)
{
  g_auto(GStrv) lines = g_strsplit (description, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], phrase) != NULL)
      return g_strdup (lines[i]);
  return NULL;
}

/* The 150 hashed WhatsApp messages (tests/data/unique-defer/README.md) are counted and stored
 * the same with the index deferred as with it kept, and importing them again adds nothing. */
static void
test_hashed_export (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *kept_path = g_build_filename (f->dir, "kept.db", NULL);
  g_autofree char *first = NULL, *second = NULL, *kept_description = NULL;
  g_autofree char *line = NULL, *kept_line = NULL, *indexes = NULL;
  CohortDb *db = cohort_db_open (f->path, FALSE, NULL);
  CohortDb *kept = cohort_db_open (kept_path, FALSE, NULL);
  CohortImportCounts counts;

  import_ok (db, "unique-defer", "hashed-chat.txt", &counts);
  g_assert_cmpint (counts.messages_added, ==, 150);
  g_assert_cmpint (counts.members_added, ==, 3);
  g_assert_cmpint (counts.messages_present, ==, 0);
  g_assert_cmpint (counts.system_added, ==, 0);
  first = cohort_test_describe_db (db);
  line = community_line (first, " msg=150 ");
  g_assert_nonnull (line);
  g_assert_true (g_str_has_suffix (line, " m=3 pm=3 msg=150 mech=0 sys=0 j=0 l=0 i=0 r=0 "
                                         "1705309200..1705318140"));
  indexes = message_indexes (f->path);
  g_assert_cmpstr (indexes, ==, "3:" INDEX_ORDER "|\n");

  import_ok (db, "unique-defer", "hashed-chat.txt", &counts);
  g_assert_cmpint (counts.messages_added + counts.members_added, ==, 0);
  g_assert_cmpint (counts.messages_present, ==, 150);
  second = cohort_test_describe_db (db);
  g_assert_cmpstr (second, ==, first);

  import_ok (kept, "whatsapp", "fi.txt", NULL);
  import_ok (kept, "unique-defer", "hashed-chat.txt", &counts);
  g_assert_cmpint (counts.messages_added, ==, 150);
  kept_description = cohort_test_describe_db (kept);
  kept_line = community_line (kept_description, " msg=150 ");
  g_assert_cmpstr (kept_line, ==, line);
  g_assert_true (cohort_db_check_integrity (db, NULL));
  cohort_db_close (db);
  cohort_db_close (kept);
}

/* Every fifth cut of a Telegram export at a structural character, into an empty database:
 * each is refused and leaves the database as empty as it was, with all four indexes. */
static void
test_truncated_first_import (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *good = fixture_path ("telegram", "single-supergroup.json");
  g_autofree char *cut = g_build_filename (f->dir, "cut.json", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (cut);
  CohortDb *db = cohort_db_open (f->path, FALSE, NULL);
  CohortImportOptions options = { "UTC", "telegram", NULL };
  guint structural = 0, tried = 0;
  gsize len = 0;

  g_assert_true (g_file_get_contents (good, &contents, &len, NULL));
  while (len > 0 && g_ascii_isspace (contents[len - 1]))
    len--;
  for (gsize i = 1; i < len; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CohortImportResult) result = NULL;

      if (strchr ("{}[],:\"", contents[i - 1]) == NULL || structural++ % 5 != 0)
        continue;
      g_assert_true (g_file_set_contents (cut, contents, i, NULL));
      result = cohort_import_file (db, file, &options, NULL, NULL, NULL, &error);
      g_assert_null (result);
      g_assert_nonnull (error);
      g_assert_cmpint (cohort_db_count (db, "message") + cohort_db_count (db, "member") +
                       cohort_db_count (db, "reaction") + cohort_db_count (db, "event"), ==, 0);
      tried++;
    }
  g_assert_cmpuint (tried, >, 50);
  {
    g_autofree char *indexes = message_indexes (f->path);

    g_assert_cmpstr (indexes, ==, "3:" INDEX_ORDER "|\n");
  }
  g_assert_true (cohort_db_check_integrity (db, NULL));
  cohort_db_close (db);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add ("/cohort/unique-defer/" path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("migrate-from-v9", test_migrate_from_v9);
  ADD ("migrate-to-v11", test_migrate_to_v11);
  ADD ("migrate-to-v12", test_migrate_to_v12);
  ADD ("migrate-keeps-old-damage", test_migrate_keeps_old_damage);
  ADD ("repeated-in-file", test_repeated_in_file);
  ADD ("repeated-at-commit", test_repeated_at_commit);
  ADD ("lookup-builds-indexes", test_lookup_builds_indexes);
  ADD ("lookup-one-at-a-time", test_lookup_one_at_a_time);
  ADD ("hashed-export", test_hashed_export);
  ADD ("truncated-first-import", test_truncated_first_import);
#undef ADD
  return g_test_run ();
}
