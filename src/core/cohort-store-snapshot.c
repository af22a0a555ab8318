/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-store"

#include "config.h"

#include "cohort-store-snapshot.h"
#include "cohort-store-private.h"

#include "cohort-snapshot-cache.h"
#include "cohort-snapshot-private.h"

#include <string.h>

/*
 * The SQL of snapshots: the cold load from the tables, the community's generation and the
 * snapshot_cache table.
 *
 * A cold load reads each table once, in index order: members by id, spans by member, and
 * the members' messages by (community, ts), so that the messages come sorted and finish ()
 * need not sort them.  That index holds every column the load reads of a message (schema
 * v11), the member a reply answers included (v12, written by the import), so the load reads
 * the index alone.  Until v12 a join looked each reply's target up by platform id on the
 * unique index and read its row for the member: 1M Telegram messages, one reader, a new
 * connection, 290 ms with the join and 142 ms without.  The whole load is one
 * read transaction, so it sees one generation; a large community's messages are read by a
 * second one at the same time, checked against that generation (load_community_messages ()).
 */

static const char community_sql[] =
  "SELECT name, platform, tz, generation FROM community WHERE id = ?1";
static const char members_sql[] =
  "SELECT id, platform_uid, display_name, is_bot, is_staff FROM member "
  "WHERE community = ?1 ORDER BY id";
static const char spans_sql[] =
  "SELECT s.member, s.start_ts, s.end_ts, s.start_kind, s.end_kind "
  "FROM span s JOIN member m ON m.id = s.member WHERE m.community = ?1";
static const char messages_sql[] =
  "SELECT m.ts, m.member, m.kind, m.is_mech, m.reply_member FROM message m "
  "WHERE m.community = ?1 AND m.ts BETWEEN ?3 AND ?4 AND m.member IS NOT NULL AND m.kind != ?2 "
  "ORDER BY m.ts";
static const char cache_sql[] =
  "SELECT generation, length (data) FROM snapshot_cache WHERE community = ?1";
static const char save_cache_sql[] =
  "INSERT OR REPLACE INTO snapshot_cache (community, generation, data) VALUES (?1, ?2, ?3)";

/* ------------------------------------------------------------------------------------------ */
/* Member ids → snapshot positions                                                             */

/* The ids arrive sorted and, within a community, nearly contiguous: a table indexed by
 * id - first id answers with one load, a binary search when they are spread out. */
typedef struct
{
  const gint64 *ids;
  guint         n;
  guint        *dense;      /* position + 1 by id - ids[0], or NULL */
  gint64        n_dense;
} MemberIndex;

static void
member_index_init (MemberIndex *mi,
                   GArray      *ids)
{
  mi->ids = (const gint64 *)ids->data;
  mi->n = ids->len;
  mi->dense = NULL;
  mi->n_dense = mi->n ? mi->ids[mi->n - 1] - mi->ids[0] + 1 : 0;
  if (mi->n == 0 || mi->n_dense > 4 * (gint64)mi->n + 4096)
    return;
  mi->dense = g_new0 (guint, mi->n_dense);
  for (guint i = 0; i < mi->n; i++)
    mi->dense[mi->ids[i] - mi->ids[0]] = i + 1;
}

/* The member's position + 1, or 0 for an id outside the community. */
static guint
member_index_lookup (const MemberIndex *mi,
                     gint64             id)
{
  guint lo = 0, hi = mi->n;

  if (mi->n == 0 || id < mi->ids[0])
    return 0;
  if (mi->dense != NULL)
    return id - mi->ids[0] < mi->n_dense ? mi->dense[id - mi->ids[0]] : 0;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (mi->ids[mid] < id)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo < mi->n && mi->ids[lo] == id ? lo + 1 : 0;
}

/* ------------------------------------------------------------------------------------------ */

static CohortSpanStart
start_kind (const char *s)
{
  if (g_strcmp0 (s, "rejoin") == 0)
    return COHORT_SPAN_REJOIN;
  if (g_strcmp0 (s, "inferred") == 0)
    return COHORT_SPAN_INFERRED;
  return COHORT_SPAN_JOIN;
}

static CohortSpanEnd
end_kind (const char *s)
{
  if (g_strcmp0 (s, "leave") == 0)
    return COHORT_SPAN_LEAVE;
  if (g_strcmp0 (s, "kick") == 0)
    return COHORT_SPAN_KICK;
  return COHORT_SPAN_OPEN;
}

/* The community's row: a new, empty snapshot of it, and its generation. */
static CohortSnapshot *
begin_snapshot (CohortDb  *db,
                gint64     community,
                GError   **error)
{
  CohortSnapshot *snap = NULL;
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db->db, community_sql, -1, &stmt, NULL) != SQLITE_OK)
    return cohort_db_set_sql_error (db, error, "load community"), NULL;
  sqlite3_bind_int64 (stmt, 1, community);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      snap = cohort_snapshot_new ((const char *)sqlite3_column_text (stmt, 0),
                                  (const char *)sqlite3_column_text (stmt, 1),
                                  (const char *)sqlite3_column_text (stmt, 2));
      snap->generation = sqlite3_column_int64 (stmt, 3);
    }
  sqlite3_finalize (stmt);
  if (snap == NULL)
    g_set_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_NOT_FOUND,
                 "Community %" G_GINT64_FORMAT " does not exist", community);
  return snap;
}

/* Members in id order; their snapshot index is their position in ids. */
static gboolean
load_members (CohortDb        *db,
              gint64           community,
              CohortSnapshot  *snap,
              GArray          *ids,
              GError         **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db->db, members_sql, -1, &stmt, NULL) != SQLITE_OK)
    return cohort_db_set_sql_error (db, error, "load members");
  sqlite3_bind_int64 (stmt, 1, community);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      guint idx = cohort_snapshot_add_member (snap,
                                              (const char *)sqlite3_column_text (stmt, 1),
                                              (const char *)sqlite3_column_text (stmt, 2),
                                              sqlite3_column_int (stmt, 3),
                                              sqlite3_column_int (stmt, 4));
      g_assert (idx == ids->len);
      g_array_append_val (ids, id);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return cohort_db_set_sql_error (db, error, "load members");
  return TRUE;
}

static gboolean
load_spans (CohortDb           *db,
            gint64              community,
            CohortSnapshot     *snap,
            const MemberIndex  *index,
            GError            **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db->db, spans_sql, -1, &stmt, NULL) != SQLITE_OK)
    return cohort_db_set_sql_error (db, error, "load spans");
  sqlite3_bind_int64 (stmt, 1, community);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      guint idx = member_index_lookup (index, sqlite3_column_int64 (stmt, 0));

      if (idx == 0)
        continue;
      cohort_snapshot_add_span (snap, idx - 1,
                                sqlite3_column_int64 (stmt, 1),
                                sqlite3_column_type (stmt, 2) == SQLITE_NULL
                                  ? COHORT_TS_OPEN : sqlite3_column_int64 (stmt, 2),
                                start_kind ((const char *)sqlite3_column_text (stmt, 3)),
                                end_kind ((const char *)sqlite3_column_text (stmt, 4)));
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return cohort_db_set_sql_error (db, error, "load spans");
  return TRUE;
}

/* The messages from from_ts to to_ts, both included.  A reply's target may be any message
 * of the community, a system message or one without a member too: the reply still counts
 * as one, to nobody. */
static gboolean
load_message_range (CohortDb             *db,
                    gint64                community,
                    gint64                from_ts,
                    gint64                to_ts,
                    CohortSnapshot       *snap,
                    CohortMemberPosition  position,
                    gconstpointer         data,
                    GError              **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db->db, messages_sql, -1, &stmt, NULL) != SQLITE_OK)
    return cohort_db_set_sql_error (db, error, "load messages");
  sqlite3_bind_int64 (stmt, 1, community);
  sqlite3_bind_int (stmt, 2, COHORT_MESSAGE_SYSTEM);
  sqlite3_bind_int64 (stmt, 3, from_ts);
  sqlite3_bind_int64 (stmt, 4, to_ts);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      guint idx = position (data, sqlite3_column_int64 (stmt, 1));
      int reply_member = -1;

      if (idx == 0)
        continue;
      if (sqlite3_column_type (stmt, 4) != SQLITE_NULL)
        reply_member = (int)position (data, sqlite3_column_int64 (stmt, 4)) - 1;
      cohort_snapshot_add_message (snap, sqlite3_column_int64 (stmt, 0), idx - 1,
                                   sqlite3_column_int (stmt, 2), sqlite3_column_int (stmt, 3),
                                   reply_member);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return cohort_db_set_sql_error (db, error, "load messages");
  return TRUE;
}

gboolean
_cohort_db_load_messages (CohortDb             *db,
                          gint64                community,
                          CohortSnapshot       *snap,
                          CohortMemberPosition  position,
                          gconstpointer         data,
                          GError              **error)
{
  return load_message_range (db, community, G_MININT64, G_MAXINT64, snap, position, data,
                             error);
}

static guint
community_position (gconstpointer index,
                    gint64        member)
{
  return member_index_lookup (index, member);
}

/* The later range of a split load (cohort-store-split.c): its messages, in a builder of
 * their own. */
typedef struct
{
  gint64                community;
  const MemberIndex    *index;
  CohortSnapshot       *part;
} LaterMessages;

static gboolean
read_later_messages (CohortDb  *db,
                     gint64     split_ts,
                     gpointer   data,
                     GError   **error)
{
  LaterMessages *later = data;

  later->part = cohort_snapshot_new (NULL, NULL, NULL);
  return load_message_range (db, later->community, split_ts, G_MAXINT64, later->part,
                             community_position, later->index, error);
}

/* A large community's messages in two time ranges at once: the later one on a second
 * connection, checked against the generation this load read. */
static gboolean
load_community_messages (CohortDb           *db,
                         gint64              community,
                         CohortSnapshot     *snap,
                         const MemberIndex  *index,
                         gboolean            may_split,
                         GError            **error)
{
  LaterMessages later = { community, index, NULL };
  CohortSplitRead *split = NULL;
  gint64 split_ts;
  gboolean ok;

  if (may_split && _cohort_db_choose_split (db, community, G_MININT64, G_MAXINT64, &split_ts))
    split = _cohort_split_read_start (db, community, snap->generation, split_ts,
                                      read_later_messages, &later);
  if (split == NULL)
    return load_message_range (db, community, G_MININT64, G_MAXINT64, snap, community_position,
                               index, error);

  ok = load_message_range (db, community, G_MININT64, split_ts - 1, snap, community_position,
                           index, error);
  if (_cohort_split_read_finish (split) && ok)
    _cohort_snapshot_append_messages (snap, later.part);
  else if (ok)
    ok = load_message_range (db, community, split_ts, G_MAXINT64, snap, community_position,
                             index, error);
  g_clear_pointer (&later.part, cohort_snapshot_free);
  return ok;
}

static CohortSnapshot *
load_from_tables (CohortDb  *db,
                  gint64     community,
                  gboolean   may_split,
                  GError   **error)
{
  g_autoptr(CohortSnapshot) snap = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree guint *dense = NULL;
  MemberIndex index;

  if (!(snap = begin_snapshot (db, community, error)) ||
      !load_members (db, community, snap, ids, error))
    return NULL;

  /* Index the ids only now: the GArray may move while it grows. */
  member_index_init (&index, ids);
  dense = index.dense;
  if (!load_spans (db, community, snap, &index, error) ||
      !load_community_messages (db, community, snap, &index, may_split, error))
    return NULL;

  cohort_snapshot_finish (snap);
  return g_steal_pointer (&snap);
}

/* ------------------------------------------------------------------------------------------ */
/* The cache                                                                                   */

static gboolean
read_blob (gpointer  source,
           void     *buffer,
           gsize     size,
           gsize     offset)
{
  if (size == 0)
    return TRUE;
  if (size > G_MAXINT || offset > G_MAXINT)
    return FALSE;
  return sqlite3_blob_read (source, buffer, (int)size, (int)offset) == SQLITE_OK;
}

/* The cached snapshot of community at generation, or NULL when there is none, it is of
 * another generation, or it does not decode.  Never an error: the tables still answer. */
static CohortSnapshot *
load_from_cache (CohortDb *db,
                 gint64    community,
                 gint64    generation)
{
  CohortSnapshot *snap = NULL;
  sqlite3_stmt *stmt = NULL;
  sqlite3_blob *blob = NULL;
  gint64 size = -1;

  if (sqlite3_prepare_v2 (db->db, cache_sql, -1, &stmt, NULL) != SQLITE_OK)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, community);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_int64 (stmt, 0) == generation)
    size = sqlite3_column_int64 (stmt, 1);
  sqlite3_finalize (stmt);
  if (size < 0)
    return NULL;

  /* snapshot_cache.community is the rowid; the blob is read straight into the columns. */
  if (sqlite3_blob_open (db->db, "main", "snapshot_cache", "data", community, 0,
                         &blob) == SQLITE_OK)
    snap = cohort_snapshot_cache_decode (read_blob, blob, size, community, generation);
  sqlite3_blob_close (blob);
  if (snap == NULL)
    g_debug ("The cached snapshot of community %" G_GINT64_FORMAT " is damaged; loading it "
             "from the tables", community);
  return snap;
}

/* A read transaction around the whole load, so that the generation read first is the one
 * every later row belongs to.  A savepoint, because a caller may be inside a transaction. */
static CohortSnapshot *
load_snapshot (CohortDb  *db,
               gint64     community,
               gboolean   use_cache,
               GError   **error)
{
  CohortSnapshot *snap = NULL;
  CohortSnapshot *cached = NULL;
  gboolean may_split;

  cohort_db_assert_owner (db);
  /* Asked before the savepoint begins a transaction. */
  may_split = _cohort_db_may_split (db);
  if (!cohort_db_exec (db, "SAVEPOINT load_snapshot", error))
    return NULL;
  if ((snap = begin_snapshot (db, community, error)) != NULL && use_cache &&
      (cached = load_from_cache (db, community, snap->generation)) != NULL)
    {
      cohort_snapshot_free (snap);
      snap = cached;
      g_debug ("Snapshot of community %" G_GINT64_FORMAT " (%u messages) from the cache, "
               "generation %" G_GINT64_FORMAT, community, snap->n_messages, snap->generation);
    }
  else if (snap != NULL)
    {
      cohort_snapshot_free (snap);
      snap = load_from_tables (db, community, may_split, error);
    }
  cohort_db_exec (db, "RELEASE load_snapshot", NULL);
  return snap;
}

/**
 * cohort_db_load_snapshot:
 * @db: a connection owned by the calling thread
 * @community: the community id
 * @error: return location for an error
 *
 * The community's snapshot: from the cache when it holds the current generation, else from
 * the tables.  Either way it is the same, field by field.
 *
 * Returns: (transfer full): the snapshot, or %NULL on error
 */
CohortSnapshot *
cohort_db_load_snapshot (CohortDb  *db,
                         gint64     community,
                         GError   **error)
{
  return load_snapshot (db, community, TRUE, error);
}

/**
 * cohort_db_load_snapshot_uncached:
 * @db: a connection owned by the calling thread
 * @community: the community id
 * @error: return location for an error
 *
 * The community's snapshot from the tables, whatever the cache holds.
 *
 * Returns: (transfer full): the snapshot, or %NULL on error
 */
CohortSnapshot *
cohort_db_load_snapshot_uncached (CohortDb  *db,
                                  gint64     community,
                                  GError   **error)
{
  return load_snapshot (db, community, FALSE, error);
}

/**
 * cohort_db_get_generation:
 * @db: a connection owned by the calling thread
 * @community: the community id
 * @error: return location for an error
 *
 * Returns: the community's generation, or -1 on error
 */
gint64
cohort_db_get_generation (CohortDb  *db,
                          gint64     community,
                          GError   **error)
{
  g_autoptr(CohortSnapshot) snap = NULL;

  cohort_db_assert_owner (db);
  if (!(snap = begin_snapshot (db, community, error)))
    return -1;
  return snap->generation;
}

gboolean
_cohort_db_bump_generation (CohortDb  *db,
                            gint64     community,
                            GError   **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok;

  /* A database opened at an older schema (the migration tests write such ones) has neither
   * generations nor a cache. */
  if (sqlite3_prepare_v2 (db->db, "UPDATE community SET generation = generation + 1 WHERE id = ?1",
                          -1, &stmt, NULL) != SQLITE_OK)
    return cohort_db_schema_version (db) < COHORT_SCHEMA_VERSION ||
           cohort_db_set_sql_error (db, error, "bump generation");
  sqlite3_bind_int64 (stmt, 1, community);
  ok = sqlite3_step (stmt) == SQLITE_DONE;
  sqlite3_finalize (stmt);
  return ok || cohort_db_set_sql_error (db, error, "bump generation");
}

/* Whether the community is still at generation, inside the caller's write transaction. */
static gboolean
generation_is_current (CohortDb *db,
                       gint64    community,
                       gint64    generation)
{
  return _cohort_db_read_generation (db, community) == generation;
}

static gboolean
write_cache_row (CohortDb  *db,
                 gint64     community,
                 gint64     generation,
                 GBytes    *data)
{
  sqlite3_stmt *stmt = NULL;
  gsize size;
  const void *bytes = g_bytes_get_data (data, &size);
  gboolean ok;

  if (sqlite3_prepare_v2 (db->db, save_cache_sql, -1, &stmt, NULL) != SQLITE_OK)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, community);
  sqlite3_bind_int64 (stmt, 2, generation);
  sqlite3_bind_blob64 (stmt, 3, bytes, size, SQLITE_STATIC);
  ok = sqlite3_step (stmt) == SQLITE_DONE;
  sqlite3_finalize (stmt);
  return ok;
}

/**
 * cohort_db_save_snapshot_cache:
 * @db: a write connection owned by the calling thread
 * @community: the community id
 * @generation: the generation the snapshot was loaded at
 * @data: its stored form (cohort_snapshot_cache_encode ())
 * @saved: (out) (optional): whether it was written
 * @error: return location for an error
 *
 * Stores @data as the community's cached snapshot, unless the community has moved past
 * @generation since (an import committed after the load: the cache would be stale at
 * birth) or another connection is writing (that writer changes the generation, or is done
 * soon; the next load writes the cache then).  Neither is an error.
 *
 * Returns: %FALSE on error
 */
gboolean
cohort_db_save_snapshot_cache (CohortDb   *db,
                               gint64      community,
                               gint64      generation,
                               GBytes     *data,
                               gboolean   *saved,
                               GError    **error)
{
  gboolean ok = FALSE;

  cohort_db_assert_owner (db);
  g_return_val_if_fail (!db->read_only, FALSE);
  g_return_val_if_fail (data != NULL, FALSE);

  if (saved != NULL)
    *saved = FALSE;
  sqlite3_busy_timeout (db->db, 0);
  if (!cohort_db_begin_write (db, NULL))
    {
      sqlite3_busy_timeout (db->db, 10000);
      return TRUE;
    }
  if (!generation_is_current (db, community, generation))
    ok = TRUE;
  else if (write_cache_row (db, community, generation, data))
    {
      ok = cohort_db_exec (db, "COMMIT", error);
      if (ok && saved != NULL)
        *saved = TRUE;
    }
  else
    cohort_db_set_sql_error (db, error, "save snapshot cache");
  if (sqlite3_get_autocommit (db->db) == 0)
    cohort_db_exec (db, "ROLLBACK", NULL);
  sqlite3_busy_timeout (db->db, 10000);
  return ok;
}

/**
 * cohort_snapshot_cache_write:
 * @db_path: the database file
 * @community: the community id
 * @generation: the generation the snapshot was loaded at
 * @data: its stored form
 *
 * cohort_db_save_snapshot_cache () on a write connection of its own, for a worker that
 * holds only a read-only one.  Does nothing to a database that was opened read-only after a
 * failed open (cohort-backup.h).  A cache that cannot be written is only a slower next load,
 * so failures are logged, not returned.
 */
void
cohort_snapshot_cache_write (const char *db_path,
                             gint64      community,
                             gint64      generation,
                             GBytes     *data)
{
  g_autoptr(GError) error = NULL;
  CohortDb *db;

  g_return_if_fail (db_path != NULL && data != NULL);

  if (!(db = cohort_db_open (db_path, FALSE, &error)) ||
      !cohort_db_save_snapshot_cache (db, community, generation, data, NULL, &error))
    g_debug ("Snapshot cache of community %" G_GINT64_FORMAT " not written: %s", community,
             error->message);
  cohort_db_close (db);
}
