/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-store"

#include "config.h"

#include "cohort-store-private.h"

/*
 * A community's time zone.  Every local day, hour and weekday is derived from it when a
 * snapshot is computed, so for most communities changing it is one UPDATE.  Exports without
 * offsets (WhatsApp, QQ and WeChat text) were turned into UTC in the zone chosen at the time;
 * for those communities the stored times move too, so that the wall-clock times of the export
 * stay what they were.
 */

gint64
cohort_zone_shift (GTimeZone *from,
                   GTimeZone *to,
                   gint64     ts)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (ts);
  g_autoptr(GDateTime) wall = utc ? g_date_time_to_timezone (utc, from) : NULL;
  g_autoptr(GDateTime) moved = NULL;

  if (wall == NULL)
    return ts;
  moved = g_date_time_new (to, g_date_time_get_year (wall), g_date_time_get_month (wall),
                           g_date_time_get_day_of_month (wall), g_date_time_get_hour (wall),
                           g_date_time_get_minute (wall), g_date_time_get_second (wall));
  return moved ? g_date_time_to_unix (moved) : ts;
}

/* Moves one time column of the rows of a community.  First every value is negated (which
 * keeps UNIQUE constraints that include the time satisfied), then each is moved. */
typedef struct
{
  const char *select;   /* id, time of every row to move; ?1 = community */
  const char *update;   /* ?1 = new time, ?2 = id */
} TimeColumn;

static gboolean
move_column (CohortDb         *db,
             const TimeColumn *column,
             gint64            community,
             GTimeZone        *from,
             GTimeZone        *to)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *select = NULL, *update = NULL;
  gboolean ok = FALSE;
  int rc;

  if (sqlite3_prepare_v2 (db->db, column->select, -1, &select, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (db->db, column->update, -1, &update, NULL) != SQLITE_OK)
    goto out;
  sqlite3_bind_int64 (select, 1, community);
  while ((rc = sqlite3_step (select)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (select, 0);
      gint64 ts = sqlite3_column_int64 (select, 1);

      g_array_append_val (ids, id);
      g_array_append_val (times, ts);
    }
  if (rc != SQLITE_DONE)
    goto out;

  for (int pass = 0; pass < 2; pass++)
    for (guint i = 0; i < ids->len; i++)
      {
        gint64 ts = g_array_index (times, gint64, i);

        sqlite3_reset (update);
        sqlite3_bind_int64 (update, 1, pass == 0 ? -ts - 1 : cohort_zone_shift (from, to, ts));
        sqlite3_bind_int64 (update, 2, g_array_index (ids, gint64, i));
        if (sqlite3_step (update) != SQLITE_DONE)
          goto out;
      }
  ok = TRUE;

out:
  sqlite3_finalize (select);
  sqlite3_finalize (update);
  return ok;
}

static gboolean
read_zone (CohortDb  *db,
           gint64     community,
           char     **tz,
           gboolean  *wall_clock,
           GError   **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean found = FALSE;

  if (sqlite3_prepare_v2 (db->db, "SELECT tz, wall_clock FROM community WHERE id = ?1",
                          -1, &stmt, NULL) != SQLITE_OK)
    return cohort_db_set_sql_error (db, error, "read zone");
  sqlite3_bind_int64 (stmt, 1, community);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      *tz = cohort_db_column_strdup (stmt, 0);
      *wall_clock = sqlite3_column_int (stmt, 1) != 0;
      found = TRUE;
    }
  sqlite3_finalize (stmt);
  if (!found)
    g_set_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_NOT_FOUND,
                 "There is no community %" G_GINT64_FORMAT ".", community);
  return found;
}

static gboolean
write_zone (CohortDb   *db,
            gint64      community,
            const char *tz)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok = FALSE;

  if (sqlite3_prepare_v2 (db->db, "UPDATE community SET tz = ?2 WHERE id = ?1", -1, &stmt,
                          NULL) == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, community);
      sqlite3_bind_text (stmt, 2, tz, -1, SQLITE_TRANSIENT);
      ok = sqlite3_step (stmt) == SQLITE_DONE;
    }
  sqlite3_finalize (stmt);
  return ok;
}

gboolean
cohort_db_set_community_zone (CohortDb    *db,
                              gint64       community,
                              const char  *tz,
                              GError     **error)
{
  static const TimeColumn columns[] = {
    { "SELECT id, ts FROM message WHERE community = ?1", "UPDATE message SET ts = ?1 WHERE id = ?2" },
    { "SELECT id, edited_ts FROM message WHERE community = ?1 AND edited_ts IS NOT NULL",
      "UPDATE message SET edited_ts = ?1 WHERE id = ?2" },
    { "SELECT id, ts FROM event WHERE community = ?1", "UPDATE event SET ts = ?1 WHERE id = ?2" },
    { "SELECT id, ts FROM invite WHERE community = ?1", "UPDATE invite SET ts = ?1 WHERE id = ?2" },
  };
  g_autoptr(GTimeZone) to = NULL;
  g_autoptr(GTimeZone) from = NULL;
  g_autofree char *old_tz = NULL;
  gboolean wall_clock = FALSE;

  cohort_db_assert_owner (db);
  g_return_val_if_fail (!db->read_only, FALSE);

  if (tz == NULL || !(to = g_time_zone_new_identifier (tz)))
    {
      g_set_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_NOT_FOUND,
                   "Unknown time zone “%s”.", tz ? tz : "");
      return FALSE;
    }
  if (!cohort_db_begin_write (db, error))
    return FALSE;
  if (!read_zone (db, community, &old_tz, &wall_clock, error))
    goto fail;

  if (wall_clock && g_strcmp0 (old_tz, tz) != 0 && (from = g_time_zone_new_identifier (old_tz)))
    {
      for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
        if (!move_column (db, &columns[i], community, from, to))
          {
            cohort_db_set_sql_error (db, error, "move times");
            goto fail;
          }
      if (!cohort_db_rebuild_spans (db, community, error))
        goto fail;
    }
  if (!write_zone (db, community, tz))
    {
      cohort_db_set_sql_error (db, error, "set zone");
      goto fail;
    }
  return cohort_db_exec (db, "COMMIT", error) || (cohort_db_exec (db, "ROLLBACK", NULL), FALSE);

fail:
  cohort_db_exec (db, "ROLLBACK", NULL);
  return FALSE;
}
