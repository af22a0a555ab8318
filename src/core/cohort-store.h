/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "cohort-snapshot.h"

G_BEGIN_DECLS

/*
 * CohortDb: one SQLite connection, owned by the thread that opened it (every function
 * asserts this).  The main thread never opens one: imports run on the import worker with a
 * write connection, metrics on a worker with a read-only one (WAL lets both run at once).
 *
 * An import is one transaction (CohortImportTx): nothing is visible until commit, and a
 * rollback leaves the database byte-for-byte as it was.  Re-importing the same export adds
 * nothing, because every row has a natural key (platform message id or content key).
 */

#define COHORT_SCHEMA_VERSION 12

#define COHORT_STORE_ERROR (cohort_store_error_quark ())

typedef enum
{
  COHORT_STORE_ERROR_OPEN,
  COHORT_STORE_ERROR_NEWER_SCHEMA,
  COHORT_STORE_ERROR_SQL,
  COHORT_STORE_ERROR_NOT_FOUND,
  COHORT_STORE_ERROR_INVALID_DATA,   /* a record no real export can hold (date, count, id) */
  COHORT_STORE_ERROR_DISK_FULL,      /* the disk or the file-size limit ran out */
  COHORT_STORE_ERROR_CORRUPT,        /* SQLite finds the file damaged, or no database at all */
  COHORT_STORE_ERROR_WRITES_BLOCKED, /* opened read-only after a failed open (cohort-backup.h) */
} CohortStoreError;

typedef struct _CohortDb CohortDb;
typedef struct _CohortImportTx CohortImportTx;

typedef struct
{
  gint64  id;
  char   *name;
  char   *platform;
  char   *platform_id;
  char   *kind;
  char   *tz;
  gboolean wall_clock;         /* its exports' times carry no offset: they move with tz */
  gint64  members;             /* member records */
  gint64  posting_members;     /* members with ≥ 1 non-system message, bots included */
  gint64  messages;            /* non-system messages */
  gint64  mechanical_messages;
  gint64  system_messages;
  gint64  joins;
  gint64  leaves;
  gint64  invites;
  gint64  reactions;
  gint64  first_message;       /* epoch seconds, 0 if none */
  gint64  last_message;
} CohortCommunityInfo;

typedef struct
{
  gint64             community;
  const char        *platform_msg_id;  /* or a content key */
  const char        *member_uid;       /* NULL for anonymous / deleted senders */
  gint64             ts;
  CohortMessageKind  kind;
  int                length;           /* characters of text */
  const char        *reply_to;         /* platform id of the replied message, or NULL */
  gboolean           forwarded;
  gint64             edited_ts;        /* 0 if never edited */
  gboolean           is_mech;
  const char        *mech_reason;
  const char        *text;
} CohortMessageRecord;

typedef struct
{
  gint64 communities;
  gint64 members_added;
  gint64 messages_added;
  gint64 messages_present;     /* already in the database: skipped */
  gint64 system_added;
  gint64 events_added;
  gint64 invites_added;
  gint64 reactions_added;
  gint64 orders_added;         /* generic CSV orders, new or with a changed status */
} CohortImportCounts;

/* One import as the Imports page shows it: a run of a file (or the demo), successful or not. */
typedef struct
{
  gint64             id;
  char              *source;       /* a path, an URI, or "demo" */
  char              *format;       /* NULL when the file was not recognised */
  char              *status;       /* "ok", "failed" or "cancelled" */
  gint64             started_ts;
  gint64             finished_ts;
  gint64             duration_ms;
  CohortImportCounts counts;
  char              *error;        /* why it failed: never message text */
  char              *options;      /* JSON: format, tz, date_order as chosen for the run */
} CohortImportRun;

GQuark          cohort_store_error_quark        (void);

char           *cohort_db_default_path          (void);
CohortDb       *cohort_db_open                  (const char      *path,
                                                 gboolean         read_only,
                                                 GError         **error);
CohortDb       *cohort_db_open_writer           (const char      *path,
                                                 GError         **error);
void            cohort_db_close                 (CohortDb        *db);
int             cohort_db_schema_version        (CohortDb        *db);
const char     *cohort_db_get_path              (CohortDb        *db);

GPtrArray      *cohort_db_list_communities      (CohortDb        *db,
                                                 GError         **error);
gint64          cohort_db_find_community        (CohortDb        *db,
                                                 const char      *id_or_name,
                                                 GError         **error);
/* The community a platform knows by platform_id, when it holds messages; 0 when not (never
 * imported, or its imports were all removed). */
gint64          cohort_db_find_community_with_messages (CohortDb   *db,
                                                        const char *platform,
                                                        const char *platform_id);
CohortSnapshot *cohort_db_load_snapshot         (CohortDb        *db,
                                                 gint64           community,
                                                 GError         **error);
char           *cohort_db_get_message_text      (CohortDb        *db,
                                                 gint64           community,
                                                 const char      *platform_msg_id);
gint64          cohort_db_count                 (CohortDb        *db,
                                                 const char      *table);
gint64          cohort_db_total_changes         (CohortDb        *db);
gboolean        cohort_db_check_integrity       (CohortDb        *db,
                                                 GError         **error);

/* The import transaction.  All add_* functions are idempotent. */
CohortImportTx *cohort_db_begin_import          (CohortDb        *db,
                                                 const char      *source,
                                                 const char      *format,
                                                 GError         **error);
gint64          cohort_import_tx_community      (CohortImportTx  *tx,
                                                 const char      *platform,
                                                 const char      *platform_id,
                                                 const char      *name,
                                                 const char      *kind,
                                                 const char      *tz,
                                                 GError         **error);
gboolean        cohort_import_tx_member         (CohortImportTx  *tx,
                                                 gint64           community,
                                                 const char      *platform_uid,
                                                 const char      *display_name,
                                                 gboolean         is_bot,
                                                 GError         **error);
gboolean        cohort_import_tx_message        (CohortImportTx  *tx,
                                                 const CohortMessageRecord *record,
                                                 GError         **error);
/* The same as cohort_import_tx_message () for each record in turn, in fewer statements:
 * for callers that hold many records at once (the import pipe's batches). */
gboolean        cohort_import_tx_messages       (CohortImportTx  *tx,
                                                 const CohortMessageRecord * const *records,
                                                 guint            n_records,
                                                 GError         **error);
gboolean        cohort_import_tx_reaction       (CohortImportTx  *tx,
                                                 gint64           community,
                                                 const char      *platform_msg_id,
                                                 const char      *emoji,
                                                 gint64           count,
                                                 GError         **error);
/* type: "join", "leave", "kick"; ref: free text such as the join route */
gboolean        cohort_import_tx_event          (CohortImportTx  *tx,
                                                 gint64           community,
                                                 const char      *member_uid,
                                                 gint64           ts,
                                                 const char      *type,
                                                 const char      *ref,
                                                 GError         **error);
gboolean        cohort_import_tx_invite         (CohortImportTx  *tx,
                                                 gint64           community,
                                                 const char      *inviter_uid,
                                                 const char      *invitee_uid,
                                                 gint64           ts,
                                                 const char      *channel,
                                                 GError         **error);
const CohortImportCounts *cohort_import_tx_get_counts (CohortImportTx *tx);
/* The earliest and latest message or event time added so far; FALSE when there is none. */
gboolean        cohort_import_tx_get_time_span  (CohortImportTx  *tx,
                                                 gint64          *first,
                                                 gint64          *last);
/* How the file was read (a small JSON object: format, tz, date_order), kept with the run so
 * that the Imports page can run it again the same way. */
void            cohort_import_tx_set_options    (CohortImportTx  *tx,
                                                 const char      *options);
gint64          cohort_import_tx_get_run        (CohortImportTx  *tx);
/* The file's times are wall-clock times without offsets, read in the zone given to
 * cohort_import_tx_community(): new communities remember that (their times move when their
 * zone changes), and for an existing one that lives in another zone the times are moved to
 * it.  Call before the first cohort_import_tx_community(). */
void            cohort_import_tx_set_wall_clock (CohortImportTx  *tx,
                                                 gboolean         wall_clock);
/* The file holds about n messages (an importer that counted them first says so, before the
 * first message).  A small first import then keeps the message indexes it would otherwise
 * build at commit. */
gboolean        cohort_import_tx_expect_messages (CohortImportTx  *tx,
                                                  guint64          n,
                                                  GError         **error);
/* gint64 ids of the communities this import created with wall-clock times */
GArray         *cohort_import_tx_get_created_wall_clock (CohortImportTx *tx);
gboolean        cohort_import_tx_commit         (CohortImportTx  *tx,
                                                 GError         **error);
void            cohort_import_tx_rollback       (CohortImportTx  *tx);

/* Imports history (cohort-store-imports.c) */
GPtrArray      *cohort_db_list_imports          (CohortDb        *db,
                                                 GError         **error);
CohortImportRun *cohort_db_get_import           (CohortDb        *db,
                                                 gint64           run_id,
                                                 GError         **error);
gint64          cohort_db_record_failed_import  (CohortDb        *db,
                                                 const char      *source,
                                                 const char      *format,
                                                 gboolean         cancelled,
                                                 const char      *message,
                                                 gint64           started_ts,
                                                 gint64           duration_ms,
                                                 const char      *options,
                                                 GError         **error);
/* Community settings (cohort-store-zone.c).  A new zone for a community whose exports carry
 * wall-clock times moves all of its times with it, in one transaction. */
gboolean        cohort_db_set_community_zone    (CohortDb        *db,
                                                 gint64           community,
                                                 const char      *tz,
                                                 GError         **error);

/* Removes what the run added, in one transaction; removed counts what went. */
gboolean        cohort_db_remove_import         (CohortDb            *db,
                                                 gint64               run_id,
                                                 CohortImportCounts  *removed,
                                                 GError             **error);

void            cohort_community_info_free      (CohortCommunityInfo *info);
void            cohort_import_run_free          (CohortImportRun     *run);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CohortCommunityInfo, cohort_community_info_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CohortImportRun, cohort_import_run_free)

G_END_DECLS
