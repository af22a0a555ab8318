/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <sqlite3.h>

#include "cohort-store.h"

G_BEGIN_DECLS

/*
 * Shared by the files of the store (cohort-store*.c in src/core) and nothing else: the SQL
 * of one area (imports history, members, sources, …) lives in a file of its own, all of it on
 * the one connection below.  Nothing outside src/core includes this header.
 */

struct _CohortDb
{
  sqlite3 *db;
  char    *path;
  GThread *owner;
  gboolean read_only;
  gboolean wal_at_close;   /* a new file, written with a rollback journal until closed */
  gboolean schema_pending; /* a new file's schema, in a write transaction not yet committed */
};

void      cohort_db_assert_owner   (CohortDb      *db);
gboolean  cohort_db_set_sql_error  (CohortDb      *db,
                                    GError       **error,
                                    const char    *what);
gboolean  cohort_db_exec           (CohortDb      *db,
                                    const char    *sql,
                                    GError       **error);
gint64    cohort_db_query_int      (CohortDb      *db,
                                    const char    *sql,
                                    gint64         fallback);
/* sql prepared, with a and b bound to ?1 and ?2 where the statement has them; NULL when it
 * does not prepare. */
sqlite3_stmt *cohort_db_prepare_bound (CohortDb   *db,
                                       const char *sql,
                                       gint64      a,
                                       gint64      b);
/* The first column of the first row of that statement, or fallback (none, or NULL). */
gint64    cohort_db_query_bound    (CohortDb      *db,
                                    const char    *sql,
                                    gint64         a,
                                    gint64         b,
                                    gint64         fallback);
char     *cohort_db_column_strdup  (sqlite3_stmt  *stmt,
                                    int            col);
/* The UTC time whose wall-clock reading in to equals that of ts in from. */
gint64    cohort_zone_shift        (GTimeZone     *from,
                                    GTimeZone     *to,
                                    gint64         ts);
/* The CREATE statements of sqlite_master in its order, then the AUTOINCREMENT counters, each
 * ended by ";\n" (cohort-store-schema.c).  No other rows. */
char     *cohort_db_dump_schema    (CohortDb      *db,
                                    GError       **error);
/* On a file with no schema yet, when target is the template's version: its statements and
 * version in one write transaction, committed unless keep_open, when it is left open with
 * schema_pending set.  Otherwise does nothing (and migrations follow). */
gboolean  cohort_db_create_from_template (CohortDb  *db,
                                          int        target,
                                          gboolean   keep_open,
                                          GError   **error);
/* BEGIN IMMEDIATE, once a new file's pending schema is committed (cohort_db_open_writer ()).
 * Every write transaction but an import's starts here. */
gboolean  cohort_db_begin_write    (CohortDb      *db,
                                    GError       **error);
/* Opens and migrates no further than schema target: migration tests build old databases
 * with it.  Everything else opens through cohort_db_open(). */
CohortDb *cohort_db_open_at_version (const char   *path,
                                     gboolean      read_only,
                                     int           target,
                                     GError      **error);
/* Spans and first/last seen of one community, from all of its events and messages
 * (METRICS.md §0.4); inside the caller's transaction. */
gboolean  cohort_db_rebuild_spans  (CohortDb      *db,
                                    gint64         community,
                                    GError       **error);
/* Whom the replies of one community answer (message.reply_member, schema v12): resolve
 * gives the replies written without it the member of their target where it is there now;
 * forget takes it from those whose target is gone.  Inside the caller's transaction. */
gboolean  cohort_db_resolve_replies (CohortDb   *db,
                                     gint64      community,
                                     GError    **error);
gboolean  cohort_db_forget_gone_reply_targets (CohortDb  *db,
                                               gint64     community,
                                               GError   **error);
/* Tests: 2^bits slots of recent senders an import resolves replies from, 0 for none. */
void      _cohort_db_set_recent_sender_bits (guint bits);
/* Persons for the members of one community that have none yet (cohort-store-people.c), and
 * the persons no member belongs to any more; inside the caller's transaction. */
gboolean  cohort_db_assign_identities  (CohortDb  *db,
                                        gint64     community,
                                        GError   **error);
gboolean  cohort_db_forget_orphan_people (CohortDb  *db,
                                          GError   **error);

/* Marks every snapshot of the community stale (cohort-store-snapshot.h); inside the caller's
 * write transaction.  cohort_db_rebuild_spans () calls it, so every path that rebuilds
 * spans after changing messages or members has bumped it. */
gboolean  _cohort_db_bump_generation (CohortDb    *db,
                                      gint64       community,
                                      GError     **error);

/* A member id's snapshot position + 1, or 0 for a member the snapshot leaves out. */
typedef guint (*CohortMemberPosition) (gconstpointer data,
                                       gint64        member);

/* The non-system messages of the community's members, in time order, added to snap with the
 * member each one replies to (cohort-store-snapshot.c); position places the members.  For
 * a community's snapshot and for the people snapshot of several communities. */
gboolean  _cohort_db_load_messages   (CohortDb             *db,
                                      gint64                community,
                                      CohortSnapshot       *snap,
                                      CohortMemberPosition  position,
                                      gconstpointer         data,
                                      GError              **error);

/* A big read of a community's messages in two time ranges at once (cohort-store-split.c):
 * the caller checks _cohort_db_may_split (), reads the generation and chooses where to
 * split inside its read transaction, starts a second reader of the rows from split_ts on,
 * reads the earlier ones itself, then finishes the second: when that returns FALSE, what
 * read left in data is the caller's to throw away, and the caller reads the later rows too. */
typedef gboolean (*CohortLaterRead) (CohortDb  *db,
                                     gint64     split_ts,
                                     gpointer   data,
                                     GError   **error);
typedef struct _CohortSplitRead CohortSplitRead;

gboolean         _cohort_db_may_split       (CohortDb         *db);
gint64           _cohort_db_read_generation (CohortDb         *db,
                                             gint64            community);
gboolean         _cohort_db_choose_split    (CohortDb         *db,
                                             gint64            community,
                                             gint64            from_ts,
                                             gint64            to_ts,
                                             gint64           *split_ts);
/* NULL when no thread could be started. */
CohortSplitRead *_cohort_split_read_start   (CohortDb         *db,
                                             gint64            community,
                                             gint64            generation,
                                             gint64            split_ts,
                                             CohortLaterRead   read,
                                             gpointer          data);
gboolean         _cohort_split_read_finish  (CohortSplitRead  *split);

/* For tests: the size from which a read is split, how many reads have used what the second
 * reader read, and a function the second reader calls first, on its thread. */
void      _cohort_db_set_split_threshold (gint64    rows);
guint     _cohort_db_count_split_reads   (void);
void      _cohort_db_set_split_hook      (GFunc     hook,
                                          gpointer  data);

/* The import transaction, for the area files that add rows to it (cohort-store-csv.c). */
CohortDb           *_cohort_import_tx_get_db        (CohortImportTx  *tx);
CohortImportCounts *_cohort_import_tx_counts        (CohortImportTx  *tx);
gint64              _cohort_import_tx_ensure_member (CohortImportTx  *tx,
                                                     gint64           community,
                                                     const char      *uid,
                                                     GError         **error);

G_END_DECLS
