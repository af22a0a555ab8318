/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-store"

#include "config.h"

#include "cohort-store-sources.h"

#include "cohort-store-private.h"

/* The SQL of online sources and platform statistics. */

#define SOURCE_COLUMNS "id, uid, kind, name, base_url, username, cursor, last_sync, status, error"

CohortSourceInfo *
cohort_source_info_copy (const CohortSourceInfo *info)
{
  CohortSourceInfo *copy = g_new0 (CohortSourceInfo, 1);

  copy->id = info->id;
  copy->uid = g_strdup (info->uid);
  copy->kind = g_strdup (info->kind);
  copy->name = g_strdup (info->name);
  copy->base_url = g_strdup (info->base_url);
  copy->username = g_strdup (info->username);
  copy->cursor = g_strdup (info->cursor);
  copy->last_sync = info->last_sync;
  copy->status = g_strdup (info->status);
  copy->error = g_strdup (info->error);
  return copy;
}

void
cohort_source_info_free (CohortSourceInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->uid);
  g_free (info->kind);
  g_free (info->name);
  g_free (info->base_url);
  g_free (info->username);
  g_free (info->cursor);
  g_free (info->status);
  g_free (info->error);
  g_free (info);
}

void
cohort_platform_stat_free (CohortPlatformStat *stat)
{
  if (stat == NULL)
    return;
  g_free (stat->metric);
  g_free (stat->day);
  g_free (stat->scope);
  g_free (stat);
}

static CohortSourceInfo *
source_from_row (sqlite3_stmt *stmt)
{
  CohortSourceInfo *info = g_new0 (CohortSourceInfo, 1);

  info->id = sqlite3_column_int64 (stmt, 0);
  info->uid = cohort_db_column_strdup (stmt, 1);
  info->kind = cohort_db_column_strdup (stmt, 2);
  info->name = cohort_db_column_strdup (stmt, 3);
  info->base_url = cohort_db_column_strdup (stmt, 4);
  info->username = cohort_db_column_strdup (stmt, 5);
  info->cursor = cohort_db_column_strdup (stmt, 6);
  info->last_sync = sqlite3_column_int64 (stmt, 7);
  info->status = cohort_db_column_strdup (stmt, 8);
  info->error = cohort_db_column_strdup (stmt, 9);
  return info;
}

static void
bind_optional_text (sqlite3_stmt *stmt,
                    int           col,
                    const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, col, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, col);
}

gint64
cohort_db_add_source (CohortDb    *db,
                      const char  *kind,
                      const char  *name,
                      const char  *base_url,
                      const char  *username,
                      GError     **error)
{
  g_autofree char *uid = g_uuid_string_random ();
  sqlite3_stmt *stmt = NULL;
  int rc;

  cohort_db_assert_owner (db);
  g_return_val_if_fail (kind != NULL && name != NULL && base_url != NULL, 0);

  if (sqlite3_prepare_v2 (db->db,
                          "INSERT INTO source (uid, kind, name, base_url, username, created_ts) "
                          "VALUES (?1, ?2, ?3, ?4, ?5, strftime('%s','now'))",
                          -1, &stmt, NULL) != SQLITE_OK)
    return cohort_db_set_sql_error (db, error, "add source"), 0;
  sqlite3_bind_text (stmt, 1, uid, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, kind, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, base_url, -1, SQLITE_TRANSIENT);
  bind_optional_text (stmt, 5, username);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc == SQLITE_CONSTRAINT)
    {
      g_set_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_SQL,
                   "A source named “%s” exists already", name);
      return 0;
    }
  if (rc != SQLITE_DONE)
    return cohort_db_set_sql_error (db, error, "add source"), 0;
  return sqlite3_last_insert_rowid (db->db);
}

GPtrArray *
cohort_db_list_sources (CohortDb  *db,
                        GError   **error)
{
  g_autoptr(GPtrArray) list =
    g_ptr_array_new_with_free_func ((GDestroyNotify)cohort_source_info_free);
  sqlite3_stmt *stmt = NULL;
  int rc;

  cohort_db_assert_owner (db);
  if (sqlite3_prepare_v2 (db->db, "SELECT " SOURCE_COLUMNS " FROM source ORDER BY id",
                          -1, &stmt, NULL) != SQLITE_OK)
    return cohort_db_set_sql_error (db, error, "list sources"), NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, source_from_row (stmt));
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return cohort_db_set_sql_error (db, error, "list sources"), NULL;
  return g_steal_pointer (&list);
}

CohortSourceInfo *
cohort_db_find_source (CohortDb    *db,
                       const char  *id_or_name,
                       GError     **error)
{
  CohortSourceInfo *info = NULL;
  sqlite3_stmt *stmt = NULL;

  cohort_db_assert_owner (db);
  if (sqlite3_prepare_v2 (db->db,
                          "SELECT " SOURCE_COLUMNS " FROM source "
                          "WHERE CAST(id AS TEXT) = ?1 OR name = ?1 OR uid = ?1 "
                          "ORDER BY (CAST(id AS TEXT) = ?1) DESC LIMIT 1",
                          -1, &stmt, NULL) != SQLITE_OK)
    return cohort_db_set_sql_error (db, error, "find source"), NULL;
  sqlite3_bind_text (stmt, 1, id_or_name, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    info = source_from_row (stmt);
  sqlite3_finalize (stmt);
  if (info == NULL)
    g_set_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_NOT_FOUND,
                 "No source matches “%s”. List them with: cohort-cli source list", id_or_name);
  return info;
}

gboolean
cohort_db_remove_source (CohortDb  *db,
                         gint64     id,
                         GError   **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  cohort_db_assert_owner (db);
  if (sqlite3_prepare_v2 (db->db, "DELETE FROM source WHERE id = ?1", -1, &stmt, NULL) != SQLITE_OK)
    return cohort_db_set_sql_error (db, error, "remove source");
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return cohort_db_set_sql_error (db, error, "remove source");
  return TRUE;
}

gboolean
cohort_db_set_source_result (CohortDb    *db,
                             gint64       id,
                             const char  *status,
                             const char  *error_text,
                             const char  *cursor,
                             gint64       when,
                             GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  cohort_db_assert_owner (db);
  if (sqlite3_prepare_v2 (db->db,
                          "UPDATE source SET status = ?2, error = ?3, cursor = coalesce(?4, cursor), "
                          "last_sync = ?5 WHERE id = ?1", -1, &stmt, NULL) != SQLITE_OK)
    return cohort_db_set_sql_error (db, error, "update source");
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, status, -1, SQLITE_TRANSIENT);
  bind_optional_text (stmt, 3, error_text);
  bind_optional_text (stmt, 4, cursor);
  sqlite3_bind_int64 (stmt, 5, when);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return cohort_db_set_sql_error (db, error, "update source");
  return TRUE;
}

/* Two keys: a community's own numbers, or (community 0) a source's numbers about no one
 * group; each has its partial unique index. */
gboolean
cohort_db_put_platform_stat (CohortDb    *db,
                             gint64       community,
                             gint64       source,
                             const char  *metric,
                             const char  *day,
                             const char  *scope,
                             double       value,
                             const char  *raw,
                             gboolean    *changed,
                             GError     **error)
{
  static const char *by_community =
    "INSERT INTO platform_stats (community, source, metric, day, scope, value, raw) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
    "ON CONFLICT (community, metric, day, scope) WHERE community IS NOT NULL DO UPDATE SET "
    "source = excluded.source, value = excluded.value, raw = excluded.raw "
    "WHERE value IS NOT excluded.value OR raw IS NOT excluded.raw";
  static const char *by_source =
    "INSERT INTO platform_stats (community, source, metric, day, scope, value, raw) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
    "ON CONFLICT (source, metric, day, scope) WHERE community IS NULL DO UPDATE SET "
    "value = excluded.value, raw = excluded.raw "
    "WHERE value IS NOT excluded.value OR raw IS NOT excluded.raw";
  sqlite3_stmt *stmt = NULL;
  int rc;

  cohort_db_assert_owner (db);
  g_return_val_if_fail (community != 0 || source != 0, FALSE);

  if (sqlite3_prepare_v2 (db->db, community != 0 ? by_community : by_source, -1, &stmt,
                          NULL) != SQLITE_OK)
    return cohort_db_set_sql_error (db, error, "add platform statistic");
  if (community != 0)
    sqlite3_bind_int64 (stmt, 1, community);
  if (source != 0)
    sqlite3_bind_int64 (stmt, 2, source);
  sqlite3_bind_text (stmt, 3, metric, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, day, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, scope ? scope : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_double (stmt, 6, value);
  bind_optional_text (stmt, 7, raw);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return cohort_db_set_sql_error (db, error, "add platform statistic");
  if (changed != NULL)
    *changed = sqlite3_changes (db->db) > 0;
  return TRUE;
}

static GPtrArray *
list_stats (CohortDb    *db,
            const char  *sql,
            gint64       key,
            const char  *metric_prefix,
            GError     **error)
{
  g_autoptr(GPtrArray) list =
    g_ptr_array_new_with_free_func ((GDestroyNotify)cohort_platform_stat_free);
  g_autofree char *pattern = g_strconcat (metric_prefix ? metric_prefix : "", "%", NULL);
  sqlite3_stmt *stmt = NULL;
  int rc;

  cohort_db_assert_owner (db);
  if (sqlite3_prepare_v2 (db->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    return cohort_db_set_sql_error (db, error, "list platform statistics"), NULL;
  sqlite3_bind_int64 (stmt, 1, key);
  sqlite3_bind_text (stmt, 2, pattern, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CohortPlatformStat *stat = g_new0 (CohortPlatformStat, 1);

      stat->community = sqlite3_column_int64 (stmt, 0);  /* 0 for a source's own rows */
      stat->metric = cohort_db_column_strdup (stmt, 1);
      stat->day = cohort_db_column_strdup (stmt, 2);
      stat->scope = cohort_db_column_strdup (stmt, 3);
      stat->value = sqlite3_column_double (stmt, 4);
      g_ptr_array_add (list, stat);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return cohort_db_set_sql_error (db, error, "list platform statistics"), NULL;
  return g_steal_pointer (&list);
}

GPtrArray *
cohort_db_list_platform_stats (CohortDb    *db,
                               gint64       community,
                               const char  *metric_prefix,
                               GError     **error)
{
  return list_stats (db,
                     "SELECT community, metric, day, scope, value FROM platform_stats "
                     "WHERE community = ?1 AND metric LIKE ?2 ORDER BY metric, day, scope",
                     community, metric_prefix, error);
}

GPtrArray *
cohort_db_list_source_stats (CohortDb    *db,
                             gint64       source,
                             const char  *metric_prefix,
                             GError     **error)
{
  return list_stats (db,
                     "SELECT 0, metric, day, scope, value FROM platform_stats "
                     "WHERE source = ?1 AND community IS NULL AND metric LIKE ?2 "
                     "ORDER BY metric, day, scope",
                     source, metric_prefix, error);
}

GArray *
cohort_db_source_communities (CohortDb  *db,
                              gint64     source,
                              GError   **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt = NULL;
  int rc;

  cohort_db_assert_owner (db);
  if (sqlite3_prepare_v2 (db->db,
                          "SELECT DISTINCT community FROM platform_stats "
                          "WHERE source = ?1 AND community IS NOT NULL "
                          "ORDER BY community", -1, &stmt, NULL) != SQLITE_OK)
    return cohort_db_set_sql_error (db, error, "source communities"), NULL;
  sqlite3_bind_int64 (stmt, 1, source);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (ids, id);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return cohort_db_set_sql_error (db, error, "source communities"), NULL;
  return g_steal_pointer (&ids);
}

GPtrArray *
cohort_db_list_present_members (CohortDb    *db,
                                gint64       community,
                                GError     **error)
{
  g_autoptr(GPtrArray) uids = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = NULL;
  int rc;

  cohort_db_assert_owner (db);
  /* At equal times a leave follows the join, as in the span builder. */
  if (sqlite3_prepare_v2 (db->db,
                          "SELECT m.platform_uid FROM member m WHERE m.community = ?1 AND "
                          "(SELECT e.type FROM event e WHERE e.member = m.id "
                          "   AND e.type IN ('join', 'leave', 'kick') "
                          "   ORDER BY e.ts DESC, e.type = 'join' ASC LIMIT 1) = 'join' "
                          "ORDER BY m.platform_uid", -1, &stmt, NULL) != SQLITE_OK)
    return cohort_db_set_sql_error (db, error, "present members"), NULL;
  sqlite3_bind_int64 (stmt, 1, community);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (uids, cohort_db_column_strdup (stmt, 0));
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return cohort_db_set_sql_error (db, error, "present members"), NULL;
  return g_steal_pointer (&uids);
}

gboolean
cohort_db_set_member_facts (CohortDb    *db,
                            gint64       community,
                            const char  *platform_uid,
                            gboolean     is_staff,
                            const char  *join_channel,
                            GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  cohort_db_assert_owner (db);
  if (sqlite3_prepare_v2 (db->db,
                          "UPDATE member SET is_staff = max(is_staff, ?3), "
                          "join_channel = coalesce(?4, join_channel) "
                          "WHERE community = ?1 AND platform_uid = ?2 "
                          "AND (is_staff < ?3 OR join_channel IS NOT coalesce(?4, join_channel))",
                          -1, &stmt, NULL) != SQLITE_OK)
    return cohort_db_set_sql_error (db, error, "member facts");
  sqlite3_bind_int64 (stmt, 1, community);
  sqlite3_bind_text (stmt, 2, platform_uid, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 3, is_staff ? 1 : 0);
  bind_optional_text (stmt, 4, join_channel);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return cohort_db_set_sql_error (db, error, "member facts");
  return TRUE;
}
