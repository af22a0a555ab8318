/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-store"

#include "config.h"

#include <string.h>

#include "cohort-store-activity.h"
#include "cohort-store-private.h"

/* The SQL of the Activity & Content page: message texts for one date range. */

static const char load_members_sql[] =
  "SELECT id, platform_uid FROM member WHERE community = ?1";

/* Members are named by row id and mapped to snapshot indexes in C: joining the member table
 * twice per message doubled the cost of a range change on a million messages.  The order is
 * that of the (community, ts, member, kind, is_mech, reply_member) index, so that SQLite walks
 * it without sorting: ORDER BY m.ts, m.id, the order before schema v11 widened that index,
 * sorted every second's rows on their own (1M Telegram bench database, 60 days: 0.52–0.64 s
 * against 0.34–0.44 s).  Within a second that puts rows in member order, as the snapshot's
 * messages are.  A reply's member is the one the import stored with it (schema v12). */
static const char load_texts_sql[] =
  "SELECT m.ts, m.member, m.reply_member, m.kind, m.is_mech, m.mech_reason, m.text "
  "FROM message m "
  "WHERE m.community = ?1 AND m.ts >= ?2 AND m.ts < ?3 AND m.kind != ?4 "
  "AND m.member IS NOT NULL "
  "ORDER BY m.ts, m.member, m.kind, m.is_mech, m.reply_member, m.id";

/* Cheap on a million messages: the largest message and event ids are rowid look-ups, every
 * import or removed import changes the run table, and the member flags are summed over the
 * community's members.  Any import anywhere changes it, which errs on the side of a reload. */
static const char fingerprint_sql[] =
  "SELECT c.tz, c.week_start, "
  "  (SELECT count(*) || ':' || coalesce(max(id), 0) FROM import_run) || ':' || "
  "  (SELECT coalesce(max(id), 0) FROM message) || ':' || "
  "  (SELECT coalesce(max(id), 0) FROM event), "
  "  (SELECT count(*) || ':' || coalesce(sum(is_bot), 0) || ':' || coalesce(sum(is_staff), 0) "
  "   FROM member WHERE community = c.id), "
  /* settings and mechanical-reply rules (rule ids are never reused) */
  "  (SELECT coalesce(group_concat(key || '=' || value, ';'), '') FROM community_setting "
  "   WHERE community = c.id) || ':' || "
  "  (SELECT count(*) || ':' || coalesce(max(id), 0) FROM mech_rule WHERE community = c.id), "
  /* everything the snapshot holds (cohort-store-snapshot.h), renames included */
  "  c.generation "
  "FROM community c WHERE c.id = ?1";

CohortTextMessage *
cohort_text_message_new (gint64      ts,
                         guint       member,
                         int         reply_member,
                         int         kind,
                         gboolean    is_mech,
                         const char *mech_reason,
                         const char *text)
{
  /* One block for the row and its two strings: a range of a million-message community
   * loads hundreds of thousands of rows, and three allocations each were a sixth of it. */
  gsize reason_size = mech_reason != NULL ? strlen (mech_reason) + 1 : 0;
  gsize text_size = text != NULL ? strlen (text) + 1 : 0;
  CohortTextMessage *message = g_malloc (sizeof *message + reason_size + text_size);
  char *strings = (char *)(message + 1);

  message->ts = ts;
  message->member = member;
  message->reply_member = reply_member;
  message->kind = (guint8)kind;
  message->is_mech = is_mech ? 1 : 0;
  message->mech_reason = mech_reason != NULL ? memcpy (strings, mech_reason, reason_size) : NULL;
  message->text = text != NULL ? memcpy (strings + reason_size, text, text_size) : NULL;
  return message;
}

void
cohort_text_message_free (CohortTextMessage *message)
{
  g_free (message);   /* its strings are in the same block */
}

/* member row id → snapshot index + 1, for the members the snapshot knows */
static GHashTable *
member_indexes (CohortDb        *db,
                gint64           community,
                CohortSnapshot  *snapshot,
                GError         **error)
{
  g_autoptr(GHashTable) map = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db->db, load_members_sql, -1, &stmt, NULL) != SQLITE_OK)
    return cohort_db_set_sql_error (db, error, "load text members"), NULL;
  sqlite3_bind_int64 (stmt, 1, community);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *uid = (const char *)sqlite3_column_text (stmt, 1);
      int index = uid != NULL ? cohort_snapshot_find_member (snapshot, uid) : -1;
      gint64 id = sqlite3_column_int64 (stmt, 0);

      if (index >= 0)
        g_hash_table_insert (map, g_memdup2 (&id, sizeof id), GINT_TO_POINTER (index + 1));
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return cohort_db_set_sql_error (db, error, "load text members"), NULL;
  return g_steal_pointer (&map);
}

static int
member_index (GHashTable   *map,
              sqlite3_stmt *stmt,
              int           col)
{
  gint64 id;

  if (sqlite3_column_type (stmt, col) == SQLITE_NULL)
    return -1;
  id = sqlite3_column_int64 (stmt, col);
  return GPOINTER_TO_INT (g_hash_table_lookup (map, &id)) - 1;
}

/* The rows of [ts0, ts1), added to rows. */
static gboolean
load_text_range (CohortDb    *db,
                 gint64       community,
                 GHashTable  *map,
                 gint64       ts0,
                 gint64       ts1,
                 GPtrArray   *rows,
                 GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db->db, load_texts_sql, -1, &stmt, NULL) != SQLITE_OK)
    return cohort_db_set_sql_error (db, error, "load texts");
  sqlite3_bind_int64 (stmt, 1, community);
  sqlite3_bind_int64 (stmt, 2, ts0);
  sqlite3_bind_int64 (stmt, 3, ts1);
  sqlite3_bind_int (stmt, 4, COHORT_MESSAGE_SYSTEM);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      int member = member_index (map, stmt, 1);
      int reply = member_index (map, stmt, 2);

      if (member < 0)
        continue;
      g_ptr_array_add (rows, cohort_text_message_new (sqlite3_column_int64 (stmt, 0),
                                                      (guint)member, reply,
                                                      sqlite3_column_int (stmt, 3),
                                                      sqlite3_column_int (stmt, 4),
                                                      (const char *)sqlite3_column_text (stmt, 5),
                                                      (const char *)sqlite3_column_text (stmt, 6)));
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return cohort_db_set_sql_error (db, error, "load texts");
  return TRUE;
}

static GPtrArray *
new_rows (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify)cohort_text_message_free);
}

/* The later range of a split read (cohort-store-split.c), rows of their own. */
typedef struct
{
  gint64      community;
  GHashTable *map;
  gint64      ts1;
  GPtrArray  *rows;
} LaterTexts;

static gboolean
read_later_texts (CohortDb  *db,
                  gint64     split_ts,
                  gpointer   data,
                  GError   **error)
{
  LaterTexts *later = data;

  later->rows = new_rows ();
  return load_text_range (db, later->community, later->map, split_ts, later->ts1, later->rows,
                          error);
}

/* A long range in two halves at once, the later one on a second connection, when both see
 * one generation of the community; inside the caller's read transaction. */
static gboolean
load_texts_split (CohortDb    *db,
                  gint64       community,
                  GHashTable  *map,
                  gint64       ts0,
                  gint64       ts1,
                  gboolean     may_split,
                  GPtrArray   *rows,
                  GError     **error)
{
  LaterTexts later = { community, map, ts1, NULL };
  CohortSplitRead *split = NULL;
  gint64 generation = may_split && ts0 < ts1 ? _cohort_db_read_generation (db, community) : -1;
  gint64 split_ts;
  gboolean ok;

  if (generation >= 0 && _cohort_db_choose_split (db, community, ts0, ts1 - 1, &split_ts))
    split = _cohort_split_read_start (db, community, generation, split_ts, read_later_texts,
                                      &later);
  if (split == NULL)
    return load_text_range (db, community, map, ts0, ts1, rows, error);

  ok = load_text_range (db, community, map, ts0, split_ts, rows, error);
  if (_cohort_split_read_finish (split) && ok)
    g_ptr_array_extend_and_steal (rows, g_steal_pointer (&later.rows));
  else if (ok)
    ok = load_text_range (db, community, map, split_ts, ts1, rows, error);
  g_clear_pointer (&later.rows, g_ptr_array_unref);
  return ok;
}

GPtrArray *
cohort_db_load_texts (CohortDb        *db,
                      gint64           community,
                      CohortSnapshot  *snapshot,
                      gint64           ts0,
                      gint64           ts1,
                      GError         **error)
{
  g_autoptr(GPtrArray) rows = new_rows ();
  g_autoptr(GHashTable) map = NULL;
  gboolean may_split, ok;

  cohort_db_assert_owner (db);
  g_return_val_if_fail (snapshot != NULL, NULL);

  /* One read transaction for the members and the rows, so that a second reader can be
   * checked against its generation; asked whether it may split before it begins. */
  may_split = _cohort_db_may_split (db);
  if (!cohort_db_exec (db, "SAVEPOINT load_texts", error))
    return NULL;
  ok = (map = member_indexes (db, community, snapshot, error)) != NULL &&
       load_texts_split (db, community, map, ts0, ts1, may_split, rows, error);
  cohort_db_exec (db, "RELEASE load_texts", NULL);
  return ok ? g_steal_pointer (&rows) : NULL;
}

char *
cohort_db_community_fingerprint (CohortDb  *db,
                                 gint64     community,
                                 GError   **error)
{
  sqlite3_stmt *stmt = NULL;
  char *fingerprint = NULL;
  int rc;

  cohort_db_assert_owner (db);

  if (sqlite3_prepare_v2 (db->db, fingerprint_sql, -1, &stmt, NULL) != SQLITE_OK)
    return cohort_db_set_sql_error (db, error, "community fingerprint"), NULL;
  sqlite3_bind_int64 (stmt, 1, community);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    fingerprint = g_strdup_printf ("%s|%d|%s|%s|%s|%" G_GINT64_FORMAT,
                                   (const char *)sqlite3_column_text (stmt, 0),
                                   sqlite3_column_int (stmt, 1),
                                   (const char *)sqlite3_column_text (stmt, 2),
                                   (const char *)sqlite3_column_text (stmt, 3),
                                   (const char *)sqlite3_column_text (stmt, 4),
                                   (gint64)sqlite3_column_int64 (stmt, 5));
  sqlite3_finalize (stmt);
  if (rc == SQLITE_DONE)
    g_set_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_NOT_FOUND,
                 "Community %" G_GINT64_FORMAT " does not exist", community);
  else if (rc != SQLITE_ROW)
    cohort_db_set_sql_error (db, error, "community fingerprint");
  return fingerprint;
}
