/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "cohort-store.h"

G_BEGIN_DECLS

/*
 * Backups of the database, taken with SQLite's online backup API (so they are consistent
 * even while an import writes): before every schema migration, and once a day when the app
 * starts.  They live in a "backups" folder next to the database, named
 * "<database>-<YYYYMMDD-HHMMSS>-<reason>.db" in UTC, and only the newest N are kept.
 *
 * Recovery when the database cannot be used: restore a backup, open it read-only (writes
 * are then refused for the rest of the session), or move it aside and start fresh.  A
 * damaged database is never overwritten: it is renamed to "<database>.damaged-<time>" first.
 * Every function here does file I/O; call them on a worker thread.
 */

#define COHORT_BACKUP_KEEP_DEFAULT 7
/* An unfinished copy ("….db.part") older than this is left from a copy cut short. */
#define COHORT_BACKUP_STALE_PART_S (60 * 60)

typedef struct
{
  char   *path;
  char   *reason;     /* "daily", "before-v3", … */
  gint64  created;    /* epoch seconds, from the name */
  goffset size;
  gint64  modified;   /* microseconds, orders backups taken within one second */
} CohortBackupInfo;

char       *cohort_backup_dir              (const char  *db_path);
char       *cohort_backup_create           (const char  *db_path,
                                            const char  *reason,
                                            int          keep,
                                            GError     **error);
/* The same through an open connection: migrations back up the database they migrate. */
char       *cohort_db_backup               (CohortDb    *db,
                                            const char  *reason,
                                            int          keep,
                                            GError     **error);
GPtrArray  *cohort_backup_list             (const char  *db_path);
void        cohort_backup_prune            (const char  *db_path,
                                            int          keep);
gboolean    cohort_backup_daily_due        (const char  *db_path,
                                            gint64       now);
gboolean    cohort_backup_verify           (const char  *path,
                                            GError     **error);
char       *cohort_backup_move_aside       (const char  *db_path,
                                            GError     **error);
char       *cohort_backup_restore          (const char  *db_path,
                                            const char  *backup_path,
                                            GError     **error);

/* At launch, on a worker: opens (and so migrates) the database, and takes the day's backup if
 * none is younger than a day.  Fails with COHORT_STORE_ERROR_CORRUPT or _NEWER_SCHEMA when
 * the database cannot be used; a missing database is fine (a first start). */
gboolean    cohort_backup_startup_check    (const char  *db_path,
                                            int          keep,
                                            gint64       now,
                                            GError     **error);
/* The newest backup that passes cohort_backup_verify, or NULL. */
CohortBackupInfo *cohort_backup_find_usable (const char *db_path);

/* How many backups a migration keeps (the app sets it from its settings). */
void        cohort_backup_set_keep         (int          keep);
int         cohort_backup_get_keep         (void);

/* "Open read-only": every later cohort_db_open of path for writing fails. */
void        cohort_backup_block_writes     (const char  *db_path,
                                            gboolean     blocked);
gboolean    cohort_backup_writes_blocked   (const char  *db_path);

void        cohort_backup_info_free        (CohortBackupInfo *info);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CohortBackupInfo, cohort_backup_info_free)

G_END_DECLS
