/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "cohort-schema-template.h"
#include "cohort-test-db.h"
#include "cohort-store-private.h"

/*
 * The store on real SQLite files: migrations from empty, refusal of newer schemas, foreign
 * keys, idempotent writes, rollback, and span building (METRICS.md §0.4).  The raw sqlite3
 * calls here inspect the file from outside, the way a second program would.
 */

typedef struct
{
  char *dir;
  char *path;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->dir = g_dir_make_tmp ("cohort-store-XXXXXX", NULL);
  f->path = g_build_filename (f->dir, "test.db", NULL);
}

/* The whole folder: migrations leave their backups in it. */
static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  cohort_test_remove_tree (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

static gint64
raw_int (const char *path,
         const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

/* The file as another process finds it: in WAL mode. */
static gboolean
file_in_wal_mode (const char *path)
{
  return raw_int (path, "SELECT count(*) FROM pragma_journal_mode WHERE journal_mode = 'wal'") == 1;
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

static void
test_migrate_from_empty (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  CohortDb *db = cohort_db_open (f->path, FALSE, &error);
  const char *tables[] = { "community", "member", "span", "message", "reaction", "event",
                           "invite", "import_run" };

  g_assert_no_error (error);
  g_assert_cmpint (cohort_db_schema_version (db), ==, COHORT_SCHEMA_VERSION);
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    g_assert_cmpint (cohort_db_count (db, tables[i]), ==, 0);
  g_assert_true (cohort_db_check_integrity (db, &error));
  cohort_db_close (db);

  g_assert_cmpint (raw_int (f->path, "PRAGMA user_version"), ==, COHORT_SCHEMA_VERSION);
  g_assert_true (file_in_wal_mode (f->path));
  /* New files get 16 KB pages (cohort-store.c, prepare_for_writing ()). */
  g_assert_cmpint (raw_int (f->path, "PRAGMA page_size"), ==, 16384);

  /* Opening again runs no migration and changes nothing. */
  db = cohort_db_open (f->path, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cohort_db_schema_version (db), ==, COHORT_SCHEMA_VERSION);
  cohort_db_close (db);
}

/* A file that is already in WAL mode keeps its page size: the 16 KB pages of a new file are
 * asked for on every open, and SQLite ignores the request once a WAL exists, so such a file
 * must still open and migrate. */
static void
test_existing_page_size_kept (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  sqlite3 *raw = NULL;
  CohortDb *db;

  g_assert_cmpint (sqlite3_open_v2 (f->path, &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (raw, "PRAGMA page_size = 4096; PRAGMA journal_mode = WAL", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (raw);

  db = cohort_db_open (f->path, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cohort_db_schema_version (db), ==, COHORT_SCHEMA_VERSION);
  g_assert_true (cohort_db_check_integrity (db, &error));
  cohort_db_close (db);
  g_assert_cmpint (raw_int (f->path, "PRAGMA page_size"), ==, 4096);
}

/* Rows in all the tables of the file together, but SQLite's AUTOINCREMENT counters. */
static gint64
rows_in_every_table (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 rows = 0;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT name FROM sqlite_master WHERE type = 'table' "
                                       "AND name != 'sqlite_sequence'",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autofree char *count = g_strdup_printf ("SELECT count(*) FROM \"%s\"",
                                                (const char *) sqlite3_column_text (stmt, 0));
      sqlite3_stmt *counter = NULL;

      g_assert_cmpint (sqlite3_prepare_v2 (db, count, -1, &counter, NULL), ==, SQLITE_OK);
      g_assert_cmpint (sqlite3_step (counter), ==, SQLITE_ROW);
      rows += sqlite3_column_int64 (counter, 0);
      sqlite3_finalize (counter);
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return rows;
}

/* A new file's schema comes from the template the build wrote by running the migrations
 * (cohort-store-schema.c): it must be exactly what the migrations make, statement for
 * statement and in the same order (the planner breaks ties between indexes by it). */
static void
test_template_matches_migrations (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *migrated_path = g_build_filename (f->dir, "migrated.db", NULL);
  g_autofree char *templated = NULL, *migrated = NULL;
  int version = 0;
  CohortDb *db;

  g_assert_nonnull (cohort_schema_template (&version));
  g_assert_cmpint (version, ==, COHORT_SCHEMA_VERSION);

  db = cohort_db_open (f->path, FALSE, &error);
  g_assert_no_error (error);
  templated = cohort_db_dump_schema (db, &error);
  g_assert_no_error (error);
  g_assert_true (cohort_db_check_integrity (db, &error));
  cohort_db_close (db);

  /* No template below the latest version: this file is made by the migrations, the last
   * step taken on the second open. */
  db = cohort_db_open_at_version (migrated_path, FALSE, COHORT_SCHEMA_VERSION - 1, &error);
  g_assert_no_error (error);
  cohort_db_close (db);
  db = cohort_db_open (migrated_path, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cohort_db_schema_version (db), ==, COHORT_SCHEMA_VERSION);
  migrated = cohort_db_dump_schema (db, &error);
  g_assert_no_error (error);
  cohort_db_close (db);

  g_assert_nonnull (strstr (templated, "CREATE UNIQUE INDEX message_platform_id"));
  g_assert_nonnull (strstr (templated, "INSERT INTO sqlite_sequence (name, seq) VALUES ('person', 0)"));
  g_assert_cmpstr (templated, ==, migrated);
  /* The template is schema only (and the counters, in the dump): a migration that left rows
   * would need them copied too. */
  g_assert_cmpint (rows_in_every_table (migrated_path), ==, 0);
  g_assert_cmpint (raw_int (f->path, "PRAGMA user_version"), ==, COHORT_SCHEMA_VERSION);
  g_assert_cmpint (raw_int (f->path, "PRAGMA page_size"), ==, 16384);
  /* The schema cookie counts schema changes: one per statement of the template, several
   * per migration step (the table rebuilds), so this tells which way each file was made. */
  g_assert_cmpint (raw_int (f->path, "PRAGMA schema_version"), <,
                   raw_int (migrated_path, "PRAGMA schema_version"));
}

/* A version-0 file that already holds tables of its own is not new: the template leaves it
 * to the migrations, which add Cohort's tables next to them as they always did. */
static void
test_template_skips_used_file (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  sqlite3 *raw = NULL;
  CohortDb *db;

  g_assert_cmpint (sqlite3_open_v2 (f->path, &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (raw, "CREATE TABLE notes (body TEXT)", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (raw);
  db = cohort_db_open (f->path, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cohort_db_schema_version (db), ==, COHORT_SCHEMA_VERSION);
  cohort_db_close (db);
  g_assert_cmpint (raw_int (f->path, "SELECT count(*) FROM sqlite_master WHERE name = 'notes'"), ==, 1);
  g_assert_cmpint (raw_int (f->path, "SELECT count(*) FROM sqlite_master WHERE name = 'message'"), ==, 1);
}

static gboolean write_sample (CohortDb           *db,
                              gboolean            commit,
                              CohortImportCounts *counts);

/* A database written by schema 1 migrates forward through every later step and keeps its
 * rows: built with the schema-1 tables themselves, filled the way schema 1 wrote rows, then
 * opened by this version.  The migrated file takes imports and removals like a new one. */
static void
test_migrate_from_v1 (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  CohortDb *db = cohort_db_open_at_version (f->path, FALSE, 1, &error);
  CohortImportCounts counts;

  g_assert_no_error (error);
  g_assert_cmpint (cohort_db_schema_version (db), ==, 1);
  cohort_db_close (db);
  g_assert_cmpint (raw_exec (f->path,
                             "INSERT INTO import_run (id, source, format, status) VALUES (1, 'old.json', 'telegram', 'ok');"
                             "INSERT INTO community (id, platform, platform_id, name, tz) VALUES (1, 'telegram', '5', 'Old', 'UTC');"
                             "INSERT INTO member (id, community, platform_uid, display_name) VALUES (1, 1, 'u1', 'Old Ann');"
                             "INSERT INTO message (community, member, platform_msg_id, ts, kind, import_run) VALUES (1, 1, '1', 100, 0, 1);"
                             "INSERT INTO message (community, member, platform_msg_id, ts, kind, import_run) VALUES (1, 1, '2', 200, 0, 1);"
                             "INSERT INTO span (member, start_ts, start_kind) VALUES (1, 100, 'inferred');"), ==, SQLITE_OK);

  /* The first connection after an upgrade is the Overview's reader: it migrates too. */
  db = cohort_db_open (f->path, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cohort_db_schema_version (db), ==, COHORT_SCHEMA_VERSION);
  cohort_db_close (db);

  db = cohort_db_open (f->path, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cohort_db_schema_version (db), ==, COHORT_SCHEMA_VERSION);
  g_assert_cmpint (cohort_db_count (db, "message"), ==, 2);
  g_assert_cmpint (cohort_db_count (db, "span"), ==, 1);
  g_assert_true (cohort_db_check_integrity (db, &error));

  g_assert_true (write_sample (db, TRUE, &counts));
  g_assert_cmpint (counts.messages_added, ==, 3);
  g_assert_cmpint (cohort_db_count (db, "message"), ==, 5);
  g_assert_true (cohort_db_check_integrity (db, &error));
  cohort_db_close (db);
  g_assert_cmpint (raw_int (f->path, "SELECT count(*) FROM sqlite_master WHERE name = 'message_member_ts'"), ==, 1);
  g_assert_cmpint (raw_int (f->path, "SELECT count(*) FROM sqlite_master WHERE name = 'message_member'"), ==, 0);
  /* Rows from before schema 3 have no run for members and communities: nothing claims them. */
  g_assert_cmpint (raw_int (f->path, "SELECT count(*) FROM member WHERE import_run IS NULL"), ==, 1);
  g_assert_cmpint (raw_int (f->path, "SELECT wall_clock FROM community WHERE id = 1"), ==, 0);
  g_assert_cmpint (raw_int (f->path, "SELECT count(*) FROM sqlite_master WHERE name IN ('source', 'platform_stats')"), ==, 2);
}

static void
test_newer_schema_refused (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  CohortDb *db = cohort_db_open (f->path, FALSE, &error);

  g_assert_no_error (error);
  cohort_db_close (db);
  g_assert_cmpint (raw_exec (f->path, "PRAGMA user_version = 99"), ==, SQLITE_OK);

  db = cohort_db_open (f->path, FALSE, &error);
  g_assert_null (db);
  g_assert_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_NEWER_SCHEMA);
  g_clear_error (&error);
  db = cohort_db_open (f->path, TRUE, &error);
  g_assert_null (db);
  g_assert_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_NEWER_SCHEMA);
  /* Never silently overwritten. */
  g_assert_cmpint (raw_int (f->path, "PRAGMA user_version"), ==, 99);
}

static void
test_foreign_keys (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  CohortDb *db = cohort_db_open (f->path, FALSE, &error);

  g_assert_no_error (error);
  cohort_db_close (db);
  /* The schema refuses orphans and cascades deletions. */
  g_assert_cmpint (raw_exec (f->path, "PRAGMA foreign_keys = ON; INSERT INTO member (community, platform_uid) VALUES (42, 'x')"),
                   ==, SQLITE_CONSTRAINT);
  g_assert_cmpint (raw_exec (f->path,
                             "PRAGMA foreign_keys = ON;"
                             "INSERT INTO community (id, platform, platform_id, name) VALUES (1, 't', '1', 'c');"
                             "INSERT INTO member (id, community, platform_uid) VALUES (1, 1, 'u');"
                             "INSERT INTO message (community, member, platform_msg_id, ts, kind) VALUES (1, 1, 'm', 0, 0);"
                             "DELETE FROM community WHERE id = 1;"), ==, SQLITE_OK);
  g_assert_cmpint (raw_int (f->path, "SELECT count(*) FROM message"), ==, 0);
  g_assert_cmpint (raw_int (f->path, "SELECT count(*) FROM member"), ==, 0);
}

/* The sample's clock starts on 2024-01-01 UTC: the store refuses dates no export can hold. */
#define T0 G_GINT64_CONSTANT (1704067200)

static gboolean
write_sample (CohortDb *db,
              gboolean  commit,
              CohortImportCounts *counts)
{
  g_autoptr(GError) error = NULL;
  CohortImportTx *tx = cohort_db_begin_import (db, "sample", "test", &error);
  CohortMessageRecord m = { 0, };
  gint64 c;

  g_assert_no_error (error);
  c = cohort_import_tx_community (tx, "telegram", "77", "Sample", "private_group", "UTC", &error);
  g_assert_no_error (error);
  g_assert_true (cohort_import_tx_member (tx, c, "user1", "Ann", FALSE, &error));
  g_assert_true (cohort_import_tx_member (tx, c, "user2", "Ben", FALSE, &error));
  g_assert_true (cohort_import_tx_event (tx, c, "user1", T0 + 1000, "join", "link", &error));
  g_assert_true (cohort_import_tx_event (tx, c, "user2", T0 + 1500, "join", "invite", &error));
  g_assert_true (cohort_import_tx_invite (tx, c, "user1", "user2", T0 + 1500, "invite", &error));
  m.community = c;
  m.platform_msg_id = "1";
  m.member_uid = "user1";
  m.ts = T0 + 2000;
  m.text = "hello";
  m.length = 5;
  g_assert_true (cohort_import_tx_message (tx, &m, &error));
  m.platform_msg_id = "2";
  m.member_uid = "user2";
  m.ts = T0 + 2100;
  m.reply_to = "1";
  g_assert_true (cohort_import_tx_message (tx, &m, &error));
  g_assert_true (cohort_import_tx_reaction (tx, c, "1", "👍", 3, &error));
  g_assert_true (cohort_import_tx_event (tx, c, "user2", T0 + 5000, "leave", NULL, &error));
  /* Ben speaks after leaving without a rejoin: an inferred span (§0.4). */
  m.platform_msg_id = "3";
  m.ts = T0 + 6000;
  m.reply_to = NULL;
  g_assert_true (cohort_import_tx_message (tx, &m, &error));
  *counts = *cohort_import_tx_get_counts (tx);
  if (!commit)
    {
      cohort_import_tx_rollback (tx);
      return TRUE;
    }
  return cohort_import_tx_commit (tx, &error);
}

static void
test_idempotent (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  CohortDb *db = cohort_db_open (f->path, FALSE, &error);
  CohortImportCounts first, second;
  const char *tables[] = { "community", "member", "span", "message", "reaction", "event", "invite" };
  gint64 before[G_N_ELEMENTS (tables)];

  g_assert_true (write_sample (db, TRUE, &first));
  g_assert_cmpint (first.members_added, ==, 2);
  g_assert_cmpint (first.messages_added, ==, 3);
  g_assert_cmpint (first.events_added, ==, 3);
  g_assert_cmpint (first.invites_added, ==, 1);
  g_assert_cmpint (first.reactions_added, ==, 1);
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    before[i] = cohort_db_count (db, tables[i]);

  g_assert_true (write_sample (db, TRUE, &second));
  g_assert_cmpint (second.members_added, ==, 0);
  g_assert_cmpint (second.messages_added, ==, 0);
  g_assert_cmpint (second.messages_present, ==, 3);
  g_assert_cmpint (second.events_added, ==, 0);
  g_assert_cmpint (second.invites_added, ==, 0);
  g_assert_cmpint (second.reactions_added, ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    g_assert_cmpint (cohort_db_count (db, tables[i]), ==, before[i]);
  g_assert_true (cohort_db_check_integrity (db, &error));
  cohort_db_close (db);
}

static void
test_rollback (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  CohortDb *db = cohort_db_open (f->path, FALSE, &error);
  CohortImportCounts counts;
  gint64 changes;

  g_assert_true (write_sample (db, FALSE, &counts));
  g_assert_cmpint (counts.messages_added, ==, 3);
  /* Everything written in the transaction is gone, the import_run row too. */
  g_assert_cmpint (cohort_db_count (db, "community"), ==, 0);
  g_assert_cmpint (cohort_db_count (db, "message"), ==, 0);
  g_assert_cmpint (cohort_db_count (db, "import_run"), ==, 0);

  /* A committed import, then a rolled-back one, leaves the first exactly as it was. */
  g_assert_true (write_sample (db, TRUE, &counts));
  changes = cohort_db_count (db, "message") + cohort_db_count (db, "span");
  {
    CohortImportTx *tx = cohort_db_begin_import (db, "second", "test", &error);
    gint64 c = cohort_import_tx_community (tx, "telegram", "88", "Other", NULL, "UTC", &error);
    CohortMessageRecord m = { c, "9", "user9", T0 + 100, COHORT_MESSAGE_TEXT, 1, NULL, FALSE, 0, FALSE, NULL, "x" };

    g_assert_true (cohort_import_tx_message (tx, &m, &error));
    cohort_import_tx_rollback (tx);
  }
  g_assert_cmpint (cohort_db_count (db, "community"), ==, 1);
  g_assert_cmpint (cohort_db_count (db, "message") + cohort_db_count (db, "span"), ==, changes);
  g_assert_cmpint (cohort_db_count (db, "import_run"), ==, 1);
  cohort_db_close (db);
}

static gboolean
journal_mode_is (CohortDb   *db,
                 const char *mode)
{
  g_autofree char *sql = g_strdup_printf ("SELECT journal_mode = '%s' FROM pragma_journal_mode",
                                          mode);

  return cohort_db_query_int (db, sql, 0) == 1;
}

/* cohort_db_open_writer (): a file it creates is written with a rollback journal, which
 * still undoes a failed import, and is in WAL mode once closed; a file that was there
 * already is opened as the window opens it, in WAL mode. */
static void
test_writer_new_file (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *journal = g_strconcat (f->path, "-journal", NULL);
  g_autofree char *wal = g_strconcat (f->path, "-wal", NULL);
  CohortImportCounts counts;
  CohortDb *db = cohort_db_open_writer (f->path, &error);

  g_assert_no_error (error);
  g_assert_true (journal_mode_is (db, "delete"));
  g_assert_cmpint (cohort_db_schema_version (db), ==, COHORT_SCHEMA_VERSION);
  g_assert_true (write_sample (db, FALSE, &counts));
  g_assert_cmpint (cohort_db_count (db, "message"), ==, 0);
  g_assert_cmpint (cohort_db_count (db, "import_run"), ==, 0);
  g_assert_true (write_sample (db, TRUE, &counts));
  g_assert_false (g_file_test (journal, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
  cohort_db_close (db);

  g_assert_true (file_in_wal_mode (f->path));
  g_assert_cmpint (raw_int (f->path, "SELECT count(*) FROM message"), ==, 3);
  g_assert_cmpint (raw_int (f->path, "PRAGMA page_size"), ==, 16384);
  g_assert_false (g_file_test (journal, G_FILE_TEST_EXISTS));

  db = cohort_db_open_writer (f->path, &error);
  g_assert_no_error (error);
  g_assert_true (journal_mode_is (db, "wal"));
  g_assert_true (cohort_db_check_integrity (db, &error));
  cohort_db_close (db);
}

/* A file the writer creates gets its schema in the transaction of its first import: nothing
 * is on disk until that commits, a rolled-back one leaves the file blank and the schema is
 * made again for what comes next, and foreign keys are checked again after the commit. */
static void
test_writer_schema_with_first_import (Fixture       *f,
                                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  CohortImportCounts counts;
  CohortDb *db = cohort_db_open_writer (f->path, &error);

  g_assert_no_error (error);
  g_assert_cmpint (raw_int (f->path, "SELECT count(*) FROM sqlite_master"), ==, 0);
  g_assert_cmpint (cohort_db_schema_version (db), ==, COHORT_SCHEMA_VERSION);

  g_assert_true (write_sample (db, FALSE, &counts));
  g_assert_cmpint (raw_int (f->path, "SELECT count(*) FROM sqlite_master"), ==, 0);
  g_assert_cmpint (cohort_db_schema_version (db), ==, COHORT_SCHEMA_VERSION);
  g_assert_cmpint (cohort_db_count (db, "message"), ==, 0);

  g_assert_true (write_sample (db, TRUE, &counts));
  g_assert_cmpint (raw_int (f->path, "SELECT count(*) FROM message"), ==, 3);
  g_assert_cmpint (raw_int (f->path, "PRAGMA user_version"), ==, COHORT_SCHEMA_VERSION);
  g_assert_cmpint (raw_int (f->path, "PRAGMA page_size"), ==, 16384);
  g_assert_cmpint (cohort_db_query_int (db, "PRAGMA foreign_keys", -1), ==, 1);
  cohort_db_close (db);
  g_assert_cmpint (raw_int (f->path, "SELECT count(*) FROM import_run WHERE status = 'ok'"), ==, 1);
}

/* Any other write commits a new file's pending schema before its own transaction, and a
 * writer that wrote nothing leaves the schema behind when it closes. */
static void
test_writer_schema_other_writes (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *other = g_build_filename (f->dir, "other.db", NULL);
  CohortDb *db = cohort_db_open_writer (f->path, &error);

  g_assert_no_error (error);
  g_assert_false (cohort_db_remove_import (db, 99, NULL, &error));
  g_assert_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpint (raw_int (f->path, "PRAGMA user_version"), ==, COHORT_SCHEMA_VERSION);
  g_assert_cmpint (cohort_db_query_int (db, "PRAGMA foreign_keys", -1), ==, 1);
  cohort_db_close (db);

  db = cohort_db_open_writer (other, &error);
  g_assert_no_error (error);
  cohort_db_close (db);
  g_assert_cmpint (raw_int (other, "PRAGMA user_version"), ==, COHORT_SCHEMA_VERSION);
  g_assert_true (file_in_wal_mode (other));
}

/* The window opens a file the writer has just created: it waits for the write, then takes
 * the file to WAL itself, and the import is there for it. */
static void
test_writer_new_file_shared (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  CohortImportCounts counts;
  CohortDb *writer = cohort_db_open_writer (f->path, &error);
  CohortDb *window;

  g_assert_no_error (error);
  g_assert_true (write_sample (writer, TRUE, &counts));
  window = cohort_db_open (f->path, FALSE, &error);
  g_assert_no_error (error);
  g_assert_true (journal_mode_is (window, "wal"));
  g_assert_cmpint (cohort_db_count (window, "message"), ==, 3);
  cohort_db_close (writer);
  g_assert_cmpint (cohort_db_count (window, "message"), ==, 3);
  cohort_db_close (window);
  g_assert_true (file_in_wal_mode (f->path));
}

static void
test_spans_and_snapshot (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CohortSnapshot) snap = NULL;
  g_autoptr(GPtrArray) list = NULL;
  CohortDb *db = cohort_db_open (f->path, FALSE, &error);
  CohortCommunityInfo *info;
  CohortImportCounts counts;
  int ann, ben;

  g_assert_true (write_sample (db, TRUE, &counts));
  list = cohort_db_list_communities (db, &error);
  g_assert_cmpint (list->len, ==, 1);
  info = list->pdata[0];
  g_assert_cmpint (info->members, ==, 2);
  g_assert_cmpint (info->posting_members, ==, 2);
  g_assert_cmpint (info->messages, ==, 3);
  g_assert_cmpint (info->joins, ==, 2);
  g_assert_cmpint (info->leaves, ==, 1);
  g_assert_cmpint (info->invites, ==, 1);
  g_assert_cmpint (info->reactions, ==, 1);
  g_assert_cmpint (info->first_message, ==, T0 + 2000);
  g_assert_cmpint (info->last_message, ==, T0 + 6000);
  g_assert_cmpint (cohort_db_find_community (db, "Sample", &error), ==, info->id);
  g_assert_cmpint (cohort_db_find_community (db, "77", &error), ==, info->id);
  g_assert_cmpint (cohort_db_find_community (db, "nope", &error), ==, 0);
  g_assert_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  snap = cohort_db_load_snapshot (db, info->id, &error);
  g_assert_no_error (error);
  ann = cohort_snapshot_find_member (snap, "user1");
  ben = cohort_snapshot_find_member (snap, "user2");
  g_assert_cmpint (snap->n_members, ==, 2);
  g_assert_cmpint (snap->n_messages, ==, 3);
  /* Ben replied to Ann. */
  g_assert_cmpint (snap->msg_reply_member[1], ==, ann);
  /* Spans (after T0): Ann joined at 1000 (open); Ben joined at 1500, left at 5000, spoke at 6000. */
  g_assert_cmpint (snap->n_spans, ==, 3);
  g_assert_cmpint (snap->span_member[0], ==, ann);
  g_assert_cmpint (snap->span_start[0], ==, T0 + 1000);
  g_assert_cmpint (snap->span_end[0], ==, COHORT_TS_OPEN);
  g_assert_cmpint (snap->span_member[1], ==, ben);
  g_assert_cmpint (snap->span_start[1], ==, T0 + 1500);
  g_assert_cmpint (snap->span_end[1], ==, T0 + 5000);
  g_assert_cmpint (snap->span_end_kind[1], ==, COHORT_SPAN_LEAVE);
  g_assert_cmpint (snap->span_start[2], ==, T0 + 6000);
  g_assert_cmpint (snap->span_start_kind[2], ==, COHORT_SPAN_INFERRED);
  g_assert_cmpint (snap->member_first_join[ben], ==, T0 + 1500);
  cohort_db_close (db);

  /* A read-only connection sees the same. */
  db = cohort_db_open (f->path, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cohort_db_count (db, "span"), ==, 3);
  cohort_db_close (db);
}

/* The window's pages open their connections in parallel; on a new database they used to run
 * the same migration step twice ("table community already exists"). */
typedef struct
{
  const char *path;
  GError     *error;
} Opener;

static const char * const db_suffixes[] = { "", "-wal", "-shm" };

static gpointer
open_in_thread (gpointer data)
{
  Opener *o = data;
  CohortDb *db = cohort_db_open (o->path, FALSE, &o->error);

  if (db != NULL)
    cohort_db_close (db);
  return NULL;
}

static void
test_concurrent_first_open (Fixture       *f,
                            gconstpointer  data)
{
  for (int round = 0; round < 20; round++)
    {
      g_autofree char *path = g_strdup_printf ("%s.%d", f->path, round);
      Opener openers[3] = { { path, NULL }, { path, NULL }, { path, NULL } };
      GThread *threads[G_N_ELEMENTS (openers)];

      for (guint i = 0; i < G_N_ELEMENTS (openers); i++)
        threads[i] = g_thread_new ("opener", open_in_thread, &openers[i]);
      for (guint i = 0; i < G_N_ELEMENTS (openers); i++)
        {
          g_thread_join (threads[i]);
          g_assert_no_error (openers[i].error);
        }
      g_assert_cmpint (raw_int (path, "PRAGMA user_version"), ==, COHORT_SCHEMA_VERSION);
      for (guint i = 0; i < G_N_ELEMENTS (db_suffixes); i++)
        {
          g_autofree char *file = g_strconcat (path, db_suffixes[i], NULL);

          g_unlink (file);
        }
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Many messages at once (cohort_import_tx_messages, the import pipe's path)                  */

typedef struct
{
  GPtrArray *strings;            /* owned: the records' ids, uids and texts */
  GArray    *records;            /* CohortMessageRecord */
} Messages;

static void
messages_clear (Messages *ms)
{
  g_clear_pointer (&ms->strings, g_ptr_array_unref);
  g_clear_pointer (&ms->records, g_array_unref);
}

static const char *
keep (Messages *ms,
      char     *text)
{
  g_ptr_array_add (ms->strings, text);
  return text;
}

/* Messages first…last, with ids m<i> (they mostly ascend, as counted-up ids do) or, hashed,
 * the SHA-1 of that (in no order, as content keys): every 10th a system line, every 13th anonymous, the 131st without an
 * id (INSERT OR IGNORE skips it, as a NOT NULL column without a value), every 17th edited and
 * every 5th a reply; seven senders, user1 first and user0 (silent until the 7th) last. */
static char *
message_id (int      i,
            gboolean hashed)
{
  g_autofree char *id = g_strdup_printf ("m%d", i);

  return hashed ? g_compute_checksum_for_string (G_CHECKSUM_SHA1, id, -1) : g_steal_pointer (&id);
}

static void
messages_make (Messages *ms,
               gint64    community,
               int       first,
               int       last,
               gboolean  hashed)
{
  ms->strings = g_ptr_array_new_with_free_func (g_free);
  ms->records = g_array_new (FALSE, TRUE, sizeof (CohortMessageRecord));
  for (int i = first; i <= last; i++)
    {
      CohortMessageRecord r = { 0, };

      r.community = community;
      r.platform_msg_id = i == 131 ? NULL : keep (ms, message_id (i, hashed));
      r.member_uid = i % 13 == 0 ? NULL : keep (ms, g_strdup_printf ("user%d", i % 7));
      r.ts = T0 + i * 60;
      r.kind = i % 10 == 0 ? COHORT_MESSAGE_SYSTEM : COHORT_MESSAGE_TEXT;
      r.text = keep (ms, g_strdup_printf ("text %d", i));
      r.length = strlen (r.text);
      r.reply_to = i % 5 == 0 && i > 0 ? keep (ms, message_id (i - 1, hashed)) : NULL;
      r.edited_ts = i % 17 == 0 ? r.ts + 30 : 0;
      r.is_mech = i % 11 == 0;
      r.mech_reason = r.is_mech ? "sticker" : NULL;
      g_array_append_val (ms->records, r);
    }
}

/* Writes messages first…last in one import, one at a time or all at once. */
static gboolean
write_messages (CohortDb            *db,
                int                  first,
                int                  last,
                gboolean             at_once,
                gboolean             hashed,
                CohortImportCounts  *counts,
                GError             **error)
{
  g_autoptr(GPtrArray) pointers = g_ptr_array_new ();
  CohortImportTx *tx = cohort_db_begin_import (db, "messages", "test", error);
  Messages ms = { NULL, };
  gboolean ok = TRUE;
  gint64 c;

  g_assert_nonnull (tx);
  c = cohort_import_tx_community (tx, "telegram", "99", "Rows", NULL, "UTC", error);
  g_assert_cmpint (c, !=, 0);
  messages_make (&ms, c, first, last, hashed);
  for (guint i = 0; i < ms.records->len; i++)
    g_ptr_array_add (pointers, &g_array_index (ms.records, CohortMessageRecord, i));
  if (at_once)
    ok = cohort_import_tx_messages (tx, (const CohortMessageRecord * const *)pointers->pdata,
                                    pointers->len, error);
  else
    for (guint i = 0; ok && i < pointers->len; i++)
      ok = cohort_import_tx_message (tx, pointers->pdata[i], error);
  *counts = *cohort_import_tx_get_counts (tx);
  messages_clear (&ms);
  if (!ok)
    {
      cohort_import_tx_rollback (tx);
      return FALSE;
    }
  return cohort_import_tx_commit (tx, error);
}

static char *
raw_text (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

#define ALL_MESSAGES \
  "SELECT group_concat (row, ';') FROM (SELECT quote (id) || quote (community) || " \
  "quote (member) || quote (platform_msg_id) || quote (ts) || quote (kind) || quote (length) || " \
  "quote (reply_to) || quote (forwarded) || quote (edited_ts) || quote (is_mech) || " \
  "quote (mech_reason) || quote (text) || quote (import_run) AS row FROM message ORDER BY id)"

static void
assert_counts (const CohortImportCounts *counts,
               gint64                    added,
               gint64                    system,
               gint64                    present)
{
  g_assert_cmpint (counts->messages_added, ==, added);
  g_assert_cmpint (counts->system_added, ==, system);
  g_assert_cmpint (counts->messages_present, ==, present);
}

/* The multi-row statements write exactly the rows, ids and counts that one message at a time
 * writes: a first import (m131 has no id, so the third statement of 64 skips a row), a
 * second that overlaps it by 50 messages, so that its first statement holds messages already
 * there and new ones, and a third of 84 = 64 + 16 + 4 messages, whose statement of 16 rows
 * holds the last 14 present and the first 2 new. */
static void
test_messages_at_once (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *single_path = g_build_filename (f->dir, "single.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *single = NULL, *at_once = NULL, *m200 = NULL;
  CohortDb *db_single = cohort_db_open (single_path, FALSE, &error);
  CohortDb *db = cohort_db_open (f->path, FALSE, &error);
  CohortImportCounts counts;

  g_assert_no_error (error);
  /* 200 messages: 20 system lines (i % 10 == 0), the one without an id skipped. */
  g_assert_true (write_messages (db_single, 0, 199, FALSE, FALSE, &counts, &error));
  assert_counts (&counts, 179, 20, 1);
  g_assert_true (write_messages (db, 0, 199, TRUE, FALSE, &counts, &error));
  assert_counts (&counts, 179, 20, 1);
  g_assert_cmpint (counts.members_added, ==, 7);

  /* 150…349: 150…199 there already, 200…349 new with 15 system lines. */
  g_assert_true (write_messages (db_single, 150, 349, FALSE, FALSE, &counts, &error));
  assert_counts (&counts, 135, 15, 50);
  g_assert_true (write_messages (db, 150, 349, TRUE, FALSE, &counts, &error));
  assert_counts (&counts, 135, 15, 50);
  g_assert_no_error (error);

  /* 300…383: 300…349 there already, 350…383 new with 4 system lines (350, 360, 370, 380). */
  g_assert_true (write_messages (db_single, 300, 383, FALSE, FALSE, &counts, &error));
  assert_counts (&counts, 30, 4, 50);
  g_assert_true (write_messages (db, 300, 383, TRUE, FALSE, &counts, &error));
  assert_counts (&counts, 30, 4, 50);
  g_assert_no_error (error);

  single = raw_text (single_path, ALL_MESSAGES);
  at_once = raw_text (f->path, ALL_MESSAGES);
  g_assert_cmpstr (at_once, ==, single);
  /* 199 rows from the first import, then m200 is the second's first new one. */
  m200 = raw_text (f->path, "SELECT id FROM message WHERE platform_msg_id = 'm200'");
  g_assert_cmpstr (m200, ==, "200");
  g_assert_true (cohort_db_check_integrity (db, &error));

  cohort_db_close (db_single);
  cohort_db_close (db);
  for (guint i = 0; i < G_N_ELEMENTS (db_suffixes); i++)
    {
      g_autofree char *p = g_strconcat (single_path, db_suffixes[i], NULL);
      g_unlink (p);
    }
}

/* An id that comes twice in one file fails the import with the id named, whether the two are
 * in one statement of 64 rows, in two, or in one of the 16 rows after the 64, and the import
 * leaves nothing behind. */
static void
test_messages_at_once_repeated (Fixture       *f,
                                gconstpointer  data)
{
  static const struct { int first, last; guint again; const char *id; } cases[] = {
    { 0, 150, 100, "m70" },    /* m70 again as the 100th record: both in rows 64…127 */
    { 60, 150, 69, "m61" },   /* m61 again as the 70th record: rows 0…63 and 64…127 */
    { 0, 83, 74, "m66" },     /* 84 records: m66 again as the 75th, both in rows 64…79 */
  };
  CohortDb *db = cohort_db_open (f->path, FALSE, NULL);

  for (guint k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      g_autoptr(GPtrArray) pointers = g_ptr_array_new ();
      g_autoptr(GError) error = NULL;
      g_autofree char *expected = g_strdup_printf ("the message id %s appears twice", cases[k].id);
      CohortImportTx *tx = cohort_db_begin_import (db, "repeated", "test", &error);
      Messages ms = { NULL, };
      gint64 c = cohort_import_tx_community (tx, "telegram", "99", "Rows", NULL, "UTC", &error);
      CohortMessageRecord *again;

      messages_make (&ms, c, cases[k].first, cases[k].last, FALSE);
      again = &g_array_index (ms.records, CohortMessageRecord, cases[k].again);
      again->platform_msg_id = cases[k].id;
      for (guint i = 0; i < ms.records->len; i++)
        g_ptr_array_add (pointers, &g_array_index (ms.records, CohortMessageRecord, i));
      g_assert_false (cohort_import_tx_messages (tx, (const CohortMessageRecord * const *)pointers->pdata,
                                                 pointers->len, &error));
      g_assert_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_INVALID_DATA);
      g_assert_cmpstr (error->message, ==, expected);
      cohort_import_tx_rollback (tx);
      messages_clear (&ms);
      g_assert_cmpint (cohort_db_count (db, "message"), ==, 0);
    }
  cohort_db_close (db);
}

/* The plan SQLite picks for a query that two message indexes answer equally well: it breaks
 * the tie by their order in sqlite_master. */
static char *
tied_plan (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  GString *plan = g_string_new (NULL);

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "EXPLAIN QUERY PLAN SELECT ts FROM message WHERE "
                                       "community = 1 AND import_run = 1 AND member = 5",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append (plan, (const char *)sqlite3_column_text (stmt, 3));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return g_string_free (plan, FALSE);
}

/* A first import drops the unique message index and builds it again, at its first statement
 * when the ids ascend, at commit when they are hashed: either way the indexes end in the
 * order of the migrations, so the planner's choices are those of a database that never dropped
 * them. */
static void
test_first_import_index_order (Fixture       *f,
                               gconstpointer  data)
{
  gboolean hashed = GPOINTER_TO_INT (data);
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL, *after = NULL, *order = NULL, *by_member = NULL;
  CohortDb *db = cohort_db_open (f->path, FALSE, &error);
  CohortImportCounts counts;

  before = tied_plan (f->path);
  g_assert_cmpstr (before, ==, "SEARCH message USING INDEX message_import_run (import_run=?)");
  g_assert_true (write_messages (db, 0, 199, TRUE, hashed, &counts, &error));
  g_assert_cmpint (counts.messages_added, ==, 179);
  order = raw_text (f->path, "SELECT group_concat (name) FROM (SELECT name FROM sqlite_master "
                             "WHERE type = 'index' AND tbl_name = 'message' AND sql IS NOT NULL "
                             "ORDER BY rowid)");
  g_assert_cmpstr (order, ==, "message_community_ts,message_member_ts,message_import_run,"
                              "message_reply_unresolved,message_platform_id");
  after = tied_plan (f->path);
  g_assert_cmpstr (after, ==, before);
  /* user3 wrote every 7th message from m3 to m199 but m52 and m143 (every 13th is
   * anonymous): 27, found through the rebuilt (member, ts) index. */
  by_member = raw_text (f->path, "SELECT count (*) || ' ' || (max (ts) - min (ts)) "
                                 "FROM message INDEXED BY message_member_ts "
                                 "WHERE member = (SELECT id FROM member WHERE platform_uid = 'user3')");
  g_assert_cmpstr (by_member, ==, "27 11760");
  g_assert_true (cohort_db_check_integrity (db, &error));
  cohort_db_close (db);
}

/* An importer that counted its messages first says how many: a small first import keeps
 * the unique message key from the start and puts each key in place, a large one has it
 * dropped and built at commit, and keeps the other four either way.  The file ends the
 * same. */
static void
test_expected_messages (Fixture       *f,
                        gconstpointer  data)
{
  guint64 expected = GPOINTER_TO_SIZE (data);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) pointers = g_ptr_array_new ();
  g_autofree char *order = NULL, *by_member = NULL;
  CohortDb *db = cohort_db_open (f->path, FALSE, &error);
  CohortImportTx *tx = cohort_db_begin_import (db, "messages", "test", &error);
  Messages ms = { NULL, };
  gint64 c;

  g_assert_nonnull (tx);
  g_assert_true (cohort_import_tx_expect_messages (tx, expected, &error));
  g_assert_no_error (error);
  g_assert_cmpint (cohort_db_query_int (db, "SELECT count(*) FROM sqlite_master WHERE "
                                            "type = 'index' AND tbl_name = 'message'", -1),
                   ==, expected <= 1000 ? 5 : 4);
  c = cohort_import_tx_community (tx, "telegram", "99", "Rows", NULL, "UTC", &error);
  messages_make (&ms, c, 0, 199, TRUE);
  for (guint i = 0; i < ms.records->len; i++)
    g_ptr_array_add (pointers, &g_array_index (ms.records, CohortMessageRecord, i));
  g_assert_true (cohort_import_tx_messages (tx, (const CohortMessageRecord * const *)pointers->pdata,
                                            pointers->len, &error));
  g_assert_cmpint (cohort_import_tx_get_counts (tx)->messages_added, ==, 179);
  messages_clear (&ms);
  g_assert_true (cohort_import_tx_commit (tx, &error));
  g_assert_no_error (error);

  order = raw_text (f->path, "SELECT group_concat (name) FROM (SELECT name FROM sqlite_master "
                             "WHERE type = 'index' AND tbl_name = 'message' AND sql IS NOT NULL "
                             "ORDER BY rowid)");
  g_assert_cmpstr (order, ==, "message_community_ts,message_member_ts,message_import_run,"
                              "message_reply_unresolved,message_platform_id");
  /* 179 messages and 20 system rows (every 10th); m131 has no id and is left out. */
  g_assert_cmpint (cohort_db_count (db, "message"), ==, 199);
  by_member = raw_text (f->path, "SELECT count (*) || ' ' || (max (ts) - min (ts)) "
                                 "FROM message INDEXED BY message_member_ts "
                                 "WHERE member = (SELECT id FROM member WHERE platform_uid = 'user3')");
  g_assert_cmpstr (by_member, ==, "27 11760");
  g_assert_true (cohort_db_check_integrity (db, &error));
  cohort_db_close (db);
}

/* One reaction import: 👍 counted `up` times on message 1, ❤ twice on it, and 🎉 on a message
 * that is not there (nor anywhere: no id). */
static CohortImportCounts
write_reactions (CohortDb *db,
                 gint64    up)
{
  g_autoptr(GError) error = NULL;
  CohortImportTx *tx = cohort_db_begin_import (db, "reactions", "test", &error);
  CohortMessageRecord m = { 0, };
  CohortImportCounts counts;

  m.community = cohort_import_tx_community (tx, "telegram", "55", "Reactions", NULL, "UTC", &error);
  m.platform_msg_id = "1";
  m.member_uid = "user1";
  m.ts = T0 + 100;
  m.text = "hi";
  m.length = 2;
  g_assert_true (cohort_import_tx_message (tx, &m, &error));
  g_assert_true (cohort_import_tx_reaction (tx, m.community, "1", "👍", up, &error));
  g_assert_true (cohort_import_tx_reaction (tx, m.community, "1", "❤", 2, &error));
  g_assert_true (cohort_import_tx_reaction (tx, m.community, "404", "🎉", 1, &error));
  g_assert_true (cohort_import_tx_reaction (tx, m.community, NULL, "🎉", 1, &error));
  counts = *cohort_import_tx_get_counts (tx);
  g_assert_true (cohort_import_tx_commit (tx, &error));
  g_assert_no_error (error);
  return counts;
}

/* Reactions are added once, their count follows the latest export, and a reaction to a
 * message that is not there adds nothing. */
static void
test_reactions (Fixture       *f,
                gconstpointer  data)
{
  static const char reactions[] =
    "SELECT group_concat (r.emoji || '=' || r.count || '@' || r.import_run, ' ') FROM "
    "(SELECT * FROM reaction ORDER BY id) r";
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL, *again = NULL, *recounted = NULL;
  CohortDb *db = cohort_db_open (f->path, FALSE, &error);
  CohortImportCounts counts;

  counts = write_reactions (db, 3);
  g_assert_cmpint (counts.reactions_added, ==, 2);
  first = raw_text (f->path, reactions);
  g_assert_cmpstr (first, ==, "👍=3@1 ❤=2@1");

  counts = write_reactions (db, 3);
  g_assert_cmpint (counts.reactions_added, ==, 0);
  again = raw_text (f->path, reactions);
  g_assert_cmpstr (again, ==, first);

  /* A later export counts 👍 five times: the row is updated, not added. */
  counts = write_reactions (db, 5);
  g_assert_cmpint (counts.reactions_added, ==, 0);
  recounted = raw_text (f->path, reactions);
  g_assert_cmpstr (recounted, ==, "👍=5@1 ❤=2@1");
  cohort_db_close (db);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/cohort/store/migrate-from-empty", Fixture, NULL, fixture_setup, test_migrate_from_empty, fixture_teardown);
  g_test_add ("/cohort/store/existing-page-size-kept", Fixture, NULL, fixture_setup, test_existing_page_size_kept, fixture_teardown);
  g_test_add ("/cohort/store/template-matches-migrations", Fixture, NULL, fixture_setup,
              test_template_matches_migrations, fixture_teardown);
  g_test_add ("/cohort/store/template-skips-used-file", Fixture, NULL, fixture_setup,
              test_template_skips_used_file, fixture_teardown);
  g_test_add ("/cohort/store/concurrent-first-open", Fixture, NULL, fixture_setup, test_concurrent_first_open, fixture_teardown);
  g_test_add ("/cohort/store/migrate-from-v1", Fixture, NULL, fixture_setup, test_migrate_from_v1, fixture_teardown);
  g_test_add ("/cohort/store/newer-schema-refused", Fixture, NULL, fixture_setup, test_newer_schema_refused, fixture_teardown);
  g_test_add ("/cohort/store/foreign-keys", Fixture, NULL, fixture_setup, test_foreign_keys, fixture_teardown);
  g_test_add ("/cohort/store/idempotent", Fixture, NULL, fixture_setup, test_idempotent, fixture_teardown);
  g_test_add ("/cohort/store/rollback", Fixture, NULL, fixture_setup, test_rollback, fixture_teardown);
  g_test_add ("/cohort/store/writer-new-file", Fixture, NULL, fixture_setup, test_writer_new_file, fixture_teardown);
  g_test_add ("/cohort/store/writer-new-file-shared", Fixture, NULL, fixture_setup, test_writer_new_file_shared,
              fixture_teardown);
  g_test_add ("/cohort/store/writer-schema-with-first-import", Fixture, NULL, fixture_setup,
              test_writer_schema_with_first_import, fixture_teardown);
  g_test_add ("/cohort/store/writer-schema-other-writes", Fixture, NULL, fixture_setup,
              test_writer_schema_other_writes, fixture_teardown);
  g_test_add ("/cohort/store/spans-and-snapshot", Fixture, NULL, fixture_setup, test_spans_and_snapshot, fixture_teardown);
  g_test_add ("/cohort/store/reactions", Fixture, NULL, fixture_setup, test_reactions, fixture_teardown);
  g_test_add ("/cohort/store/messages-at-once", Fixture, NULL, fixture_setup, test_messages_at_once, fixture_teardown);
  g_test_add ("/cohort/store/messages-at-once-repeated", Fixture, NULL, fixture_setup,
              test_messages_at_once_repeated, fixture_teardown);
  g_test_add ("/cohort/store/first-import-index-order", Fixture, GINT_TO_POINTER (FALSE),
              fixture_setup, test_first_import_index_order, fixture_teardown);
  g_test_add ("/cohort/store/first-import-index-order-hashed", Fixture, GINT_TO_POINTER (TRUE),
              fixture_setup, test_first_import_index_order, fixture_teardown);
  g_test_add ("/cohort/store/expected-few-messages", Fixture, GSIZE_TO_POINTER (200),
              fixture_setup, test_expected_messages, fixture_teardown);
  g_test_add ("/cohort/store/expected-many-messages", Fixture, GSIZE_TO_POINTER (1000000),
              fixture_setup, test_expected_messages, fixture_teardown);
  return g_test_run ();
}
