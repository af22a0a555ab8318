/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-store"

#include "config.h"

#include "cohort-schema-template.h"
#include "cohort-store-private.h"

/*
 * A new database's schema, made in one step.  Replaying the ten migrations cost a 10-message
 * import a third of its CPU (callgrind: 33 M of 75 M instructions, most of them SQLite
 * parsing the whole schema again after each step's table rebuild or rename), and about 13 ms
 * of a 35 ms run.  The template holds what those migrations leave in sqlite_master, written
 * at build time by running them (cohort-schema-gen.c), so the two cannot drift apart; tests
 * compare a templated file with a migrated one.  Existing files still migrate step by step.
 */

/* SQLite's own entries (autoindexes, sqlite_sequence) come back by themselves. */
static const char schema_sql[] =
  "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL "
  "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid";

/* Step 8 leaves person's AUTOINCREMENT counter at 0: kept, so that the files are the same. */
static const char sequence_sql[] =
  "SELECT 'INSERT INTO sqlite_sequence (name, seq) VALUES (' || quote (name) || ', ' || "
  "quote (seq) || ')' FROM sqlite_sequence ORDER BY rowid";

/* Each text the query yields, as a statement of its own. */
static gboolean
append_statements (CohortDb    *db,
                   const char  *query,
                   GString     *out,
                   GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db->db, query, -1, &stmt, NULL) != SQLITE_OK)
    return cohort_db_set_sql_error (db, error, "read schema");
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_string_append (out, (const char *) sqlite3_column_text (stmt, 0));
      g_string_append (out, ";\n");
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return cohort_db_set_sql_error (db, error, "read schema");
  return TRUE;
}

char *
cohort_db_dump_schema (CohortDb  *db,
                       GError   **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  gboolean sequences;

  cohort_db_assert_owner (db);
  sequences = cohort_db_query_int (db, "SELECT count(*) FROM sqlite_master "
                                       "WHERE name = 'sqlite_sequence'", 0) > 0;
  if (!append_statements (db, schema_sql, out, error) ||
      (sequences && !append_statements (db, sequence_sql, out, error)))
    return NULL;
  return g_string_free (g_steal_pointer (&out), FALSE);
}

gboolean
cohort_db_create_from_template (CohortDb  *db,
                                int        target,
                                gboolean   keep_open,
                                GError   **error)
{
  int version = 0;
  const char *sql = cohort_schema_template (&version);
  g_autofree char *bump = NULL;
  gboolean blank;

  /* Older targets are for the migration tests; a file with a version is not new. */
  if (sql == NULL || version != target || cohort_db_schema_version (db) != 0)
    return TRUE;
  if (!cohort_db_exec (db, "BEGIN IMMEDIATE", error))
    return FALSE;
  /* Read again under the write lock: another process may have made the schema meanwhile.  A
   * version-0 file with tables of its own is left to the migrations, as it always was. */
  blank = cohort_db_schema_version (db) == 0 &&
          cohort_db_query_int (db, "SELECT count(*) FROM sqlite_master", -1) == 0;
  if (!blank)
    return cohort_db_exec (db, "COMMIT", error);
  bump = g_strdup_printf ("PRAGMA user_version = %d", version);
  if (!cohort_db_exec (db, sql, error) || !cohort_db_exec (db, bump, error))
    {
      cohort_db_exec (db, "ROLLBACK", NULL);
      return FALSE;
    }
  if (keep_open)
    {
      db->schema_pending = TRUE;
      return TRUE;
    }
  if (!cohort_db_exec (db, "COMMIT", error))
    return FALSE;
  g_debug ("Created %s at schema %d", db->path, version);
  return TRUE;
}
