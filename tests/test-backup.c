/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <time.h>
#include <utime.h>

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "cohort-backup.h"
#include "cohort-store-private.h"
#include "cohort-test-db.h"

/*
 * Backups and recovery (src/core/cohort-backup.c): what files exist after each step, and
 * what the database holds.  The sample database holds one community and two messages.
 */

#define T0 G_GINT64_CONSTANT (1704067200)   /* 2024-01-01 UTC */

static void
write_sample (CohortDb *db)
{
  g_autoptr(GError) error = NULL;
  CohortImportTx *tx = cohort_db_begin_import (db, "sample", "test", &error);
  CohortMessageRecord m = { 0, };

  g_assert_no_error (error);
  m.community = cohort_import_tx_community (tx, "telegram", "1", "Backed Up", NULL, "UTC", &error);
  g_assert_no_error (error);
  m.member_uid = "user1";
  m.platform_msg_id = "1";
  m.ts = T0;
  g_assert_true (cohort_import_tx_message (tx, &m, &error));
  m.platform_msg_id = "2";
  m.ts = T0 + 60;
  g_assert_true (cohort_import_tx_message (tx, &m, &error));
  g_assert_true (cohort_import_tx_commit (tx, &error));
}

static gint64
raw_int (const char *path,
         const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK && sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

static void
raw_exec (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

static void
write_garbage (const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  g_unlink (wal);
  g_unlink (shm);
  g_assert_true (g_file_set_contents (path, "this is not a database, it is damage", -1, NULL));
}

static guint
count_backups (const char *db_path)
{
  g_autoptr(GPtrArray) list = cohort_backup_list (db_path);

  return list->len;
}

static void
sample_db (CohortTestDb *fx)
{
  write_sample (fx->db);
  g_clear_pointer (&fx->db, cohort_db_close);
}

/* ------------------------------------------------------------------------------------------ */

static void
test_create_list_prune (CohortTestDb  *fx,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *first = NULL, *second = NULL, *third = NULL;
  g_autofree char *part = NULL;
  CohortBackupInfo *newest;

  sample_db (fx);
  first = cohort_backup_create (fx->path, "daily", 2, &error);
  g_assert_no_error (error);
  second = cohort_backup_create (fx->path, "daily", 2, &error);
  g_assert_no_error (error);
  third = cohort_backup_create (fx->path, "manual", 2, &error);
  g_assert_no_error (error);

  /* Keep 2: the oldest is gone, the others are complete databases. */
  g_assert_false (g_file_test (first, G_FILE_TEST_EXISTS));
  list = cohort_backup_list (fx->path);
  g_assert_cmpuint (list->len, ==, 2);
  newest = list->pdata[0];
  g_assert_cmpstr (newest->path, ==, third);
  g_assert_cmpstr (newest->reason, ==, "manual");
  g_assert_cmpint (ABS (newest->created - g_get_real_time () / G_USEC_PER_SEC), <, 120);
  g_assert_cmpstr (((CohortBackupInfo *)list->pdata[1])->path, ==, second);
  g_assert_cmpint (raw_int (third, "SELECT count(*) FROM message"), ==, 2);
  g_assert_true (cohort_backup_verify (third, &error));
  g_assert_no_error (error);
  /* In the backups folder beside the database, no half-written ".part" left behind. */
  g_assert_true (g_str_has_prefix (third, fx->dir));
  g_assert_nonnull (strstr (third, "/backups/cohort-"));
  part = g_strconcat (third, ".part", NULL);
  g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));
}

static void
test_daily_due (CohortTestDb  *fx,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *backup = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  sample_db (fx);
  g_assert_true (cohort_backup_daily_due (fx->path, now));
  backup = cohort_backup_create (fx->path, "daily", 7, &error);
  g_assert_no_error (error);
  g_assert_false (cohort_backup_daily_due (fx->path, now));
  g_assert_false (cohort_backup_daily_due (fx->path, now + 23 * 3600));
  g_assert_true (cohort_backup_daily_due (fx->path, now + 25 * 3600));
}

/* A database of an older schema is backed up, as it was, before it is migrated. */
static void
test_backup_before_migration (CohortTestDb  *fx,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  CohortBackupInfo *info;

  /* A schema-1 database with two messages in it, written the way schema 1 wrote rows. */
  g_clear_pointer (&fx->db, cohort_db_close);
  g_unlink (fx->path);
  fx->db = cohort_db_open_at_version (fx->path, FALSE, 1, &error);
  g_assert_no_error (error);
  g_clear_pointer (&fx->db, cohort_db_close);
  raw_exec (fx->path,
            "INSERT INTO community (id, platform, platform_id, name, tz) VALUES (1, 'telegram', '5', 'Old', 'UTC');"
            "INSERT INTO message (community, platform_msg_id, ts, kind) VALUES (1, '1', 1704067200, 0);"
            "INSERT INTO message (community, platform_msg_id, ts, kind) VALUES (1, '2', 1704067260, 0);");
  g_assert_cmpuint (count_backups (fx->path), ==, 0);

  fx->db = cohort_db_open (fx->path, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cohort_db_schema_version (fx->db), ==, COHORT_SCHEMA_VERSION);

  list = cohort_backup_list (fx->path);
  g_assert_cmpuint (list->len, ==, 1);
  info = list->pdata[0];
  g_assert_cmpstr (info->reason, ==, "before-v" G_STRINGIFY (COHORT_SCHEMA_VERSION));
  g_assert_cmpint (raw_int (info->path, "PRAGMA user_version"), ==, 1);
  g_assert_cmpint (raw_int (info->path, "SELECT count(*) FROM message"), ==, 2);

  /* A database at the current schema is opened without another backup. */
  g_clear_pointer (&fx->db, cohort_db_close);
  fx->db = cohort_db_open (fx->path, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_backups (fx->path), ==, 1);
}

static void
test_corrupt_detected (CohortTestDb  *fx,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;

  sample_db (fx);
  write_garbage (fx->path);
  g_assert_null (cohort_db_open (fx->path, FALSE, &error));
  g_assert_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_CORRUPT);
  g_clear_error (&error);
  g_assert_null (cohort_db_open (fx->path, TRUE, &error));
  g_assert_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_CORRUPT);
  g_clear_error (&error);
  g_assert_false (cohort_backup_verify (fx->path, &error));
  g_assert_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_CORRUPT);
  /* Never overwritten by the attempts. */
  g_assert_true (g_file_get_contents (fx->path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "this is not a database, it is damage");
}

static void
test_restore (CohortTestDb  *fx,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *backup = NULL;
  g_autofree char *aside = NULL;
  g_autofree char *contents = NULL;

  sample_db (fx);
  backup = cohort_backup_create (fx->path, "daily", 7, &error);
  g_assert_no_error (error);
  write_garbage (fx->path);

  aside = cohort_backup_restore (fx->path, backup, &error);
  g_assert_no_error (error);
  /* The damaged file is kept under a new name, byte for byte. */
  g_assert_true (g_str_has_prefix (aside, fx->path));
  g_assert_nonnull (strstr (aside, ".damaged-"));
  g_assert_true (g_file_get_contents (aside, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "this is not a database, it is damage");
  /* The database is the backup again, and the backup is still there. */
  fx->db = cohort_db_open (fx->path, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cohort_db_count (fx->db, "message"), ==, 2);
  g_assert_true (cohort_db_check_integrity (fx->db, &error));
  g_assert_true (g_file_test (backup, G_FILE_TEST_EXISTS));
}

static void
test_restore_refuses_damaged_backup (CohortTestDb  *fx,
                                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *backup = g_build_filename (fx->dir, "bad-backup.db", NULL);

  sample_db (fx);
  write_garbage (backup);
  g_assert_null (cohort_backup_restore (fx->path, backup, &error));
  g_assert_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_CORRUPT);
  /* The database was not touched. */
  g_assert_cmpint (raw_int (fx->path, "SELECT count(*) FROM message"), ==, 2);
}

static void
test_move_aside (CohortTestDb  *fx,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *aside = NULL;
  g_autofree char *wal = g_strconcat (fx->path, "-wal", NULL);
  g_autofree char *aside_wal = NULL;

  sample_db (fx);
  write_garbage (fx->path);
  g_assert_true (g_file_set_contents (wal, "log of the damaged file", -1, NULL));
  aside = cohort_backup_move_aside (fx->path, &error);
  g_assert_no_error (error);
  aside_wal = g_strconcat (aside, "-wal", NULL);
  g_assert_false (g_file_test (fx->path, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (aside, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (aside_wal, G_FILE_TEST_EXISTS));

  /* A fresh, empty database takes its place. */
  fx->db = cohort_db_open (fx->path, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cohort_db_count (fx->db, "message"), ==, 0);
}

static void
test_read_only_session (CohortTestDb  *fx,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  CohortDb *reader;

  sample_db (fx);
  raw_exec (fx->path, "PRAGMA user_version = 99");
  /* Refused as usual, read-only included... */
  g_assert_null (cohort_db_open (fx->path, TRUE, &error));
  g_assert_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_NEWER_SCHEMA);
  g_clear_error (&error);

  /* ...until the operator chooses to open it read-only: then it reads, and never writes. */
  cohort_backup_block_writes (fx->path, TRUE);
  reader = cohort_db_open (fx->path, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cohort_db_count (reader, "message"), ==, 2);
  cohort_db_close (reader);
  g_assert_null (cohort_db_open (fx->path, FALSE, &error));
  g_assert_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_WRITES_BLOCKED);
  g_assert_cmpint (raw_int (fx->path, "PRAGMA user_version"), ==, 99);
  cohort_backup_block_writes (fx->path, FALSE);
}

/* A copy cut short (the app closed during its daily backup) leaves "….db.part" files as big
 * as the database; the next backup removes those an hour old, and not one being written. */
static void
test_stale_parts_removed (CohortTestDb  *fx,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *backup = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *stale = NULL, *stale_journal = NULL, *fresh = NULL, *other = NULL;
  struct utimbuf old;

  sample_db (fx);
  backup = cohort_backup_create (fx->path, "daily", 7, &error);
  g_assert_no_error (error);
  dir = g_path_get_dirname (backup);
  stale = g_build_filename (dir, "cohort-20240101-000000-daily.db.part", NULL);
  stale_journal = g_build_filename (dir, "cohort-20240101-000000-daily.db.part-journal", NULL);
  fresh = g_build_filename (dir, "cohort-20991231-000000-daily.db.part", NULL);
  other = g_build_filename (dir, "another-20240101-000000-daily.db.part", NULL);
  old.actime = old.modtime = time (NULL) - COHORT_BACKUP_STALE_PART_S - 60;
  for (guint i = 0; i < 4; i++)
    {
      const char *path = (const char *[]) { stale, stale_journal, fresh, other }[i];

      g_assert_true (g_file_set_contents (path, "half a copy", -1, NULL));
      if (path != fresh)
        g_assert_cmpint (utime (path, &old), ==, 0);
    }

  g_free (backup);
  backup = cohort_backup_create (fx->path, "manual", 7, &error);
  g_assert_no_error (error);
  g_assert_false (g_file_test (stale, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (stale_journal, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (fresh, G_FILE_TEST_EXISTS));    /* maybe being written */
  g_assert_true (g_file_test (other, G_FILE_TEST_EXISTS));    /* another database's */
  g_assert_true (g_file_test (backup, G_FILE_TEST_EXISTS));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add ("/cohort/backup/" name, CohortTestDb, NULL, cohort_test_db_setup, func, \
              cohort_test_db_teardown)
  ADD ("create-list-prune", test_create_list_prune);
  ADD ("stale-parts-removed", test_stale_parts_removed);
  ADD ("daily-due", test_daily_due);
  ADD ("before-migration", test_backup_before_migration);
  ADD ("corrupt-detected", test_corrupt_detected);
  ADD ("restore", test_restore);
  ADD ("restore-refuses-damaged-backup", test_restore_refuses_damaged_backup);
  ADD ("move-aside", test_move_aside);
  ADD ("read-only-session", test_read_only_session);
#undef ADD
  return g_test_run ();
}
