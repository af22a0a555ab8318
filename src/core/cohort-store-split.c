/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-store"

#include "config.h"

#include "cohort-store-private.h"

/*
 * Two readers at once, for the big reads of a community's messages: a snapshot's cold load
 * (cohort-store-snapshot.c) and the texts of an Activity range (cohort-store-activity.c).
 *
 * Stepping SQLite through the messages is most of either (1M Telegram messages, perf: 85 %
 * of a cold load, a third of that in the lookups of the reply join that schema v12 made
 * unnecessary), and one core did it
 * while the other waited.  So a large range is read as two time ranges at once: the later
 * one on a helper thread over a read connection of its own, the earlier one by the caller.
 * Every message of the later range is later than every one of the earlier, so appending
 * the helper's rows to the caller's keeps them in time order.  Splitting by id instead (odd
 * and even) did not pay: a filter on the id does not narrow the (community, ts) index, so
 * each reader stepped through all of it.
 *
 * Two connections are two read transactions.  The helper's rows are used only when its
 * transaction sees the generation the caller's read, since every write that changes a
 * community's messages or members bumps its generation in the same transaction (migration
 * v9); otherwise the caller reads that range too.  A read inside a transaction of the
 * caller's, whose uncommitted rows another connection would not see, one of a database that
 * is not a file, and one of a database not in WAL (is_wal ()) are not split.
 */

/* The time of the first and last message of a range, as rowids; and the first row of the
 * community from a rowid on. */
static const char first_row_sql[] =
  "SELECT id FROM message WHERE community = ?1 AND ts >= ?2 ORDER BY ts LIMIT 1";
static const char last_row_sql[] =
  "SELECT id FROM message WHERE community = ?1 AND ts <= ?2 ORDER BY ts DESC LIMIT 1";
static const char ts_from_row_sql[] =
  "SELECT ts FROM message WHERE id >= ?2 AND +community = ?1 ORDER BY id LIMIT 1";
static const char generation_sql[] =
  "SELECT generation FROM community WHERE id = ?1";

/* The fewest rows of a range's time span (rowids from its first message to its last, those
 * of other communities in between included) worth a second reader: below it the connection
 * and the thread cost about what the half saves.  Tests lower it. */
static gint64 split_threshold = 50000;
static gint split_reads;
static GFunc split_hook;
static gpointer split_hook_data;

struct _CohortSplitRead
{
  char              *path;
  gint64             community;
  gint64             generation;
  gint64             split_ts;
  CohortLaterRead    read;
  gpointer           data;
  gboolean           done;     /* read ran to its end at the generation */
  GThread           *thread;
};

void
_cohort_db_set_split_threshold (gint64 rows)
{
  split_threshold = rows;
}

void
_cohort_db_set_split_hook (GFunc    hook,
                           gpointer data)
{
  split_hook = hook;
  split_hook_data = data;
}

guint
_cohort_db_count_split_reads (void)
{
  return (guint)g_atomic_int_get (&split_reads);
}

/* With a rollback journal a writer about to commit holds a lock that keeps new readers out
 * until the readers it waits for are done: the second reader would wait for the writer,
 * the writer for the first reader, and the first for the second, until a busy timeout
 * broke the circle.  In WAL readers and writers never wait for each other.  A new file
 * that cohort-cli writes keeps a rollback journal until it closes it
 * (cohort_db_open_writer ()). */
static gboolean
is_wal (CohortDb *db)
{
  sqlite3_stmt *stmt = NULL;
  gboolean wal = FALSE;

  if (sqlite3_prepare_v2 (db->db, "PRAGMA journal_mode", -1, &stmt, NULL) != SQLITE_OK)
    return FALSE;
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_text (stmt, 0) != NULL)
    wal = g_ascii_strcasecmp ((const char *)sqlite3_column_text (stmt, 0), "wal") == 0;
  sqlite3_finalize (stmt);
  return wal;
}

gboolean
_cohort_db_may_split (CohortDb *db)
{
  return g_get_num_processors () > 1 && sqlite3_get_autocommit (db->db) != 0 &&
         db->path[0] != '\0' && g_strcmp0 (db->path, ":memory:") != 0 &&
         !g_str_has_prefix (db->path, "file:") && is_wal (db);
}

gint64
_cohort_db_read_generation (CohortDb *db,
                            gint64    community)
{
  return cohort_db_query_bound (db, generation_sql, community, 0, -1);
}

/* The time of the row halfway between the range's first and last message by rowid, which
 * an import writes in time order, so that the two ranges hold about as many messages each.
 * FALSE when the range is too small to share. */
gboolean
_cohort_db_choose_split (CohortDb *db,
                         gint64    community,
                         gint64    from_ts,
                         gint64    to_ts,
                         gint64   *split_ts)
{
  gint64 first = cohort_db_query_bound (db, first_row_sql, community, from_ts, -1);
  gint64 last = cohort_db_query_bound (db, last_row_sql, community, to_ts, -1);

  if (first < 0 || last < 0 || last - first < split_threshold)
    return FALSE;
  *split_ts = cohort_db_query_bound (db, ts_from_row_sql, community,
                                     first + (last - first) / 2, G_MININT64);
  return *split_ts > from_ts && *split_ts <= to_ts;
}

static gpointer
read_later (gpointer user_data)
{
  CohortSplitRead *split = user_data;
  g_autoptr(GError) error = NULL;
  CohortDb *db;

  if (split_hook != NULL)
    split_hook (split, split_hook_data);
  if ((db = cohort_db_open (split->path, TRUE, &error)) != NULL &&
      cohort_db_exec (db, "BEGIN", &error) &&
      _cohort_db_read_generation (db, split->community) == split->generation &&
      split->read (db, split->split_ts, split->data, &error))
    split->done = TRUE;
  if (error != NULL)
    g_debug ("The second reader of community %" G_GINT64_FORMAT " failed: %s",
             split->community, error->message);
  if (db != NULL && sqlite3_get_autocommit (db->db) == 0)
    cohort_db_exec (db, "COMMIT", NULL);
  cohort_db_close (db);
  return NULL;
}

CohortSplitRead *
_cohort_split_read_start (CohortDb        *db,
                          gint64           community,
                          gint64           generation,
                          gint64           split_ts,
                          CohortLaterRead  read,
                          gpointer         data)
{
  CohortSplitRead *split = g_new0 (CohortSplitRead, 1);

  split->path = g_strdup (db->path);
  split->community = community;
  split->generation = generation;
  split->split_ts = split_ts;
  split->read = read;
  split->data = data;
  if ((split->thread = g_thread_try_new ("cohort-read", read_later, split, NULL)) == NULL)
    {
      g_free (split->path);
      g_clear_pointer (&split, g_free);
    }
  return split;
}

gboolean
_cohort_split_read_finish (CohortSplitRead *split)
{
  gboolean done;

  g_thread_join (split->thread);
  done = split->done;
  if (done)
    g_atomic_int_inc (&split_reads);
  g_free (split->path);
  g_free (split);
  return done;
}
