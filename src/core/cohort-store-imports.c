/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-store"

#include "config.h"

#include "cohort-store-private.h"

#include <string.h>

/*
 * The history of imports: every run, the failed and cancelled ones too, and the removal of a
 * run.  Every row an import adds records its run (import_run), so removing a run deletes
 * exactly those rows, then the members and communities it created that nothing else uses,
 * and rebuilds the spans of the communities it touched.
 */

void
cohort_import_run_free (CohortImportRun *run)
{
  if (run == NULL)
    return;
  g_free (run->source);
  g_free (run->format);
  g_free (run->status);
  g_free (run->error);
  g_free (run->options);
  g_free (run);
}

static CohortImportRun *
run_from_row (sqlite3_stmt *stmt)
{
  CohortImportRun *run = g_new0 (CohortImportRun, 1);

  run->id = sqlite3_column_int64 (stmt, 0);
  run->source = cohort_db_column_strdup (stmt, 1);
  run->format = cohort_db_column_strdup (stmt, 2);
  run->status = cohort_db_column_strdup (stmt, 3);
  run->started_ts = sqlite3_column_int64 (stmt, 4);
  run->finished_ts = sqlite3_column_int64 (stmt, 5);
  run->duration_ms = sqlite3_column_int64 (stmt, 6);
  run->counts.communities = sqlite3_column_int64 (stmt, 7);
  run->counts.members_added = sqlite3_column_int64 (stmt, 8);
  run->counts.messages_added = sqlite3_column_int64 (stmt, 9);
  run->counts.messages_present = sqlite3_column_int64 (stmt, 10);
  run->counts.system_added = sqlite3_column_int64 (stmt, 11);
  run->counts.events_added = sqlite3_column_int64 (stmt, 12);
  run->counts.invites_added = sqlite3_column_int64 (stmt, 13);
  run->counts.reactions_added = sqlite3_column_int64 (stmt, 14);
  run->error = cohort_db_column_strdup (stmt, 15);
  run->options = cohort_db_column_strdup (stmt, 16);
  return run;
}

#define RUN_COLUMNS \
  "id, source, format, status, started_ts, finished_ts, duration_ms, communities, " \
  "members_added, messages_added, messages_present, system_added, events_added, " \
  "invites_added, reactions_added, error, options"

GPtrArray *
cohort_db_list_imports (CohortDb  *db,
                        GError   **error)
{
  g_autoptr(GPtrArray) runs = g_ptr_array_new_with_free_func ((GDestroyNotify)cohort_import_run_free);
  sqlite3_stmt *stmt = NULL;
  int rc;

  cohort_db_assert_owner (db);
  /* A run still marked 'running' belongs to an import in progress on another connection. */
  if (sqlite3_prepare_v2 (db->db,
                          "SELECT " RUN_COLUMNS " FROM import_run WHERE status != 'running' "
                          "ORDER BY id DESC", -1, &stmt, NULL) != SQLITE_OK)
    return cohort_db_set_sql_error (db, error, "list imports"), NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (runs, run_from_row (stmt));
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return cohort_db_set_sql_error (db, error, "list imports"), NULL;
  return g_steal_pointer (&runs);
}

CohortImportRun *
cohort_db_get_import (CohortDb  *db,
                      gint64     run_id,
                      GError   **error)
{
  CohortImportRun *run = NULL;
  sqlite3_stmt *stmt = NULL;

  cohort_db_assert_owner (db);
  if (sqlite3_prepare_v2 (db->db, "SELECT " RUN_COLUMNS " FROM import_run WHERE id = ?1",
                          -1, &stmt, NULL) != SQLITE_OK)
    return cohort_db_set_sql_error (db, error, "find import"), NULL;
  sqlite3_bind_int64 (stmt, 1, run_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    run = run_from_row (stmt);
  sqlite3_finalize (stmt);
  if (run == NULL)
    g_set_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_NOT_FOUND,
                 "There is no import %" G_GINT64_FORMAT ".", run_id);
  return run;
}

/* The import's own transaction was rolled back, its run row with it; this records the attempt
 * on its own, so the history shows what failed and why.  No data row changes. */
gint64
cohort_db_record_failed_import (CohortDb    *db,
                                const char  *source,
                                const char  *format,
                                gboolean     cancelled,
                                const char  *message,
                                gint64       started_ts,
                                gint64       duration_ms,
                                const char  *options,
                                GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  gint64 id;

  cohort_db_assert_owner (db);
  g_return_val_if_fail (!db->read_only, 0);

  if (sqlite3_prepare_v2 (db->db,
                          "INSERT INTO import_run (source, format, status, started_ts, finished_ts, "
                          "duration_ms, error, options) VALUES (?1, ?2, ?3, ?4, strftime('%s','now'), "
                          "?5, ?6, ?7)", -1, &stmt, NULL) != SQLITE_OK)
    return cohort_db_set_sql_error (db, error, "record failed import"), 0;
  sqlite3_bind_text (stmt, 1, source, -1, SQLITE_TRANSIENT);
  if (format != NULL)
    sqlite3_bind_text (stmt, 2, format, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, cancelled ? "cancelled" : "failed", -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, started_ts);
  sqlite3_bind_int64 (stmt, 5, duration_ms);
  if (message != NULL)
    sqlite3_bind_text (stmt, 6, message, -1, SQLITE_TRANSIENT);
  if (options != NULL)
    sqlite3_bind_text (stmt, 7, options, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      sqlite3_finalize (stmt);
      return cohort_db_set_sql_error (db, error, "record failed import"), 0;
    }
  sqlite3_finalize (stmt);
  id = sqlite3_last_insert_rowid (db->db);
  return id;
}

/* Runs one statement binding the run id as ?1 (and the system kind as ?2, for those that
 * need it) and returns the rows it changed, or -1. */
static gint64
run_statement (CohortDb   *db,
               const char *sql,
               gint64      run_id)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    return -1;
  sqlite3_bind_int64 (stmt, 1, run_id);
  if (sqlite3_bind_parameter_count (stmt) >= 2)
    sqlite3_bind_int (stmt, 2, COHORT_MESSAGE_SYSTEM);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE ? sqlite3_changes (db->db) : -1;
}

/* The communities a run left rows in, whose spans need rebuilding once they are gone. */
static GArray *
run_communities (CohortDb *db,
                 gint64    run_id)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db->db,
                          "SELECT community FROM message WHERE import_run = ?1 "
                          "UNION SELECT community FROM event WHERE import_run = ?1 "
                          "UNION SELECT community FROM invite WHERE import_run = ?1 "
                          "UNION SELECT community FROM member WHERE import_run = ?1 "
                          "UNION SELECT community FROM orders WHERE import_run = ?1 "
                          "UNION SELECT id FROM community WHERE import_run = ?1 "
                          "UNION SELECT m.community FROM reaction r JOIN message m ON m.id = r.message "
                          "  WHERE r.import_run = ?1", -1, &stmt, NULL) != SQLITE_OK)
    return ids;
  sqlite3_bind_int64 (stmt, 1, run_id);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (ids, id);
    }
  sqlite3_finalize (stmt);
  return ids;
}

/* A community that an import touched and that holds nothing any more goes with it. */
static gint64
remove_if_empty (CohortDb *db,
                 gint64    community,
                 gboolean *exists)
{
  sqlite3_stmt *stmt = NULL;
  gint64 removed = -1;

  if (sqlite3_prepare_v2 (db->db,
                          "DELETE FROM community WHERE id = ?1"
                          " AND NOT EXISTS (SELECT 1 FROM member WHERE community = ?1)"
                          " AND NOT EXISTS (SELECT 1 FROM message WHERE community = ?1)",
                          -1, &stmt, NULL) == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, community);
      if (sqlite3_step (stmt) == SQLITE_DONE)
        removed = sqlite3_changes (db->db);
    }
  sqlite3_finalize (stmt);
  *exists = removed == 0;
  return removed;
}

gboolean
cohort_db_remove_import (CohortDb            *db,
                         gint64               run_id,
                         CohortImportCounts  *removed,
                         GError             **error)
{
  /* Order matters: the members the run touched are noted first; rows that point at members
   * go before the members; a member goes only when no row of another import still needs it
   * (one created by an earlier import that only this run still used goes too). */
  static const char * const steps[] = {
    "DELETE FROM temp.removal_member",
    "INSERT OR IGNORE INTO temp.removal_member"
    " SELECT member FROM message WHERE import_run = ?1 AND member IS NOT NULL"
    " UNION SELECT member FROM event WHERE import_run = ?1"
    " UNION SELECT inviter FROM invite WHERE import_run = ?1"
    " UNION SELECT invitee FROM invite WHERE import_run = ?1"
    " UNION SELECT member FROM orders WHERE import_run = ?1 AND member IS NOT NULL"
    " UNION SELECT id FROM member WHERE import_run = ?1",
    "DELETE FROM reaction WHERE import_run = ?1",
    "DELETE FROM invite WHERE import_run = ?1",
    "DELETE FROM event WHERE import_run = ?1",
    "DELETE FROM message WHERE import_run = ?1 AND kind = ?2",
    "DELETE FROM message WHERE import_run = ?1",
    "DELETE FROM member WHERE id IN (SELECT id FROM temp.removal_member)"
    " AND NOT EXISTS (SELECT 1 FROM message WHERE member = member.id)"
    " AND NOT EXISTS (SELECT 1 FROM event WHERE member = member.id)"
    " AND NOT EXISTS (SELECT 1 FROM invite WHERE inviter = member.id OR invitee = member.id)"
    " AND NOT EXISTS (SELECT 1 FROM orders WHERE member = member.id AND import_run IS NOT ?1)",
    /* generic CSV orders (cohort-store-csv.c); after the members, so the enum stays put */
    "DELETE FROM orders WHERE import_run = ?1",
    "DELETE FROM import_run WHERE id = ?1",
  };
  enum { REACTIONS = 2, INVITES, EVENTS, SYSTEM, MESSAGES, MEMBERS };
  gint64 changed[G_N_ELEMENTS (steps)];
  g_autoptr(GArray) communities = NULL;
  g_autoptr(CohortImportRun) run = NULL;
  gint64 communities_removed = 0;

  cohort_db_assert_owner (db);
  g_return_val_if_fail (!db->read_only, FALSE);

  if (!cohort_db_exec (db, "CREATE TEMP TABLE IF NOT EXISTS removal_member (id INTEGER PRIMARY KEY)", error) ||
      !cohort_db_begin_write (db, error))
    return FALSE;
  if (!(run = cohort_db_get_import (db, run_id, error)))
    goto fail;

  communities = run_communities (db, run_id);
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    if ((changed[i] = run_statement (db, steps[i], run_id)) < 0)
      {
        cohort_db_set_sql_error (db, error, "remove import");
        goto fail;
      }

  for (guint i = 0; i < communities->len; i++)
    {
      gint64 community = g_array_index (communities, gint64, i);
      gboolean exists;
      gint64 n = remove_if_empty (db, community, &exists);

      if (n < 0)
        {
          cohort_db_set_sql_error (db, error, "remove import");
          goto fail;
        }
      communities_removed += n;
      if (exists && (!cohort_db_forget_gone_reply_targets (db, community, error) ||
                     !cohort_db_rebuild_spans (db, community, error)))
        goto fail;
    }

  /* the members that went took their identities with them (ON DELETE CASCADE) */
  if (!cohort_db_forget_orphan_people (db, error) || !cohort_db_exec (db, "COMMIT", error))
    goto fail;

  if (removed != NULL)
    {
      memset (removed, 0, sizeof *removed);
      removed->reactions_added = changed[REACTIONS];
      removed->invites_added = changed[INVITES];
      removed->events_added = changed[EVENTS];
      removed->system_added = changed[SYSTEM];
      removed->messages_added = changed[MESSAGES];
      removed->members_added = changed[MEMBERS];
      removed->communities = communities_removed;
    }
  return TRUE;

fail:
  cohort_db_exec (db, "ROLLBACK", NULL);
  return FALSE;
}
