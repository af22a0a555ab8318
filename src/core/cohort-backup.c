/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-backup"

#include "config.h"

#include "cohort-backup.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "cohort-store-private.h"

#define STAMP_LEN 15   /* YYYYMMDD-HHMMSS */

static int backup_keep = COHORT_BACKUP_KEEP_DEFAULT;
static GMutex blocked_lock;
static GHashTable *blocked_paths;   /* owned: canonical path → itself; under blocked_lock */

void
cohort_backup_info_free (CohortBackupInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->path);
  g_free (info->reason);
  g_free (info);
}

void
cohort_backup_set_keep (int keep)
{
  g_atomic_int_set (&backup_keep, MAX (keep, 1));
}

int
cohort_backup_get_keep (void)
{
  return g_atomic_int_get (&backup_keep);
}

/* ------------------------------------------------------------------------------------------ */
/* Names                                                                                       */

char *
cohort_backup_dir (const char *db_path)
{
  g_autofree char *dir = g_path_get_dirname (db_path);

  return g_build_filename (dir, "backups", NULL);
}

/* "cohort" for ".../cohort.db": backups of two databases in one folder stay apart. */
static char *
db_stem (const char *db_path)
{
  g_autofree char *base = g_path_get_basename (db_path);
  char *dot = strrchr (base, '.');

  if (dot != NULL && dot != base)
    *dot = '\0';
  return g_strdup (base);
}

static char *
utc_stamp (gint64 when)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (when);

  return g_date_time_format (dt, "%Y%m%d-%H%M%S");
}

/* Parses "<stem>-YYYYMMDD-HHMMSS-<reason>.db"; NULL if name is no backup of stem. */
static CohortBackupInfo *
parse_name (const char *dir,
            const char *stem,
            const char *name)
{
  gsize stem_len = strlen (stem);
  g_autoptr(GDateTime) dt = NULL;
  const char *stamp, *reason;
  CohortBackupInfo *info;
  g_autofree char *iso = NULL;
  struct stat st;

  if (strncmp (name, stem, stem_len) != 0 || name[stem_len] != '-' ||
      !g_str_has_suffix (name, ".db"))
    return NULL;
  stamp = name + stem_len + 1;
  if (strlen (stamp) < STAMP_LEN + 2 + 3 || stamp[8] != '-' || stamp[STAMP_LEN] != '-')
    return NULL;
  iso = g_strdup_printf ("%.4s-%.2s-%.2sT%.2s:%.2s:%.2sZ", stamp, stamp + 4, stamp + 6,
                         stamp + 9, stamp + 11, stamp + 13);
  if (!(dt = g_date_time_new_from_iso8601 (iso, NULL)))
    return NULL;
  reason = stamp + STAMP_LEN + 1;

  info = g_new0 (CohortBackupInfo, 1);
  info->path = g_build_filename (dir, name, NULL);
  info->reason = g_strndup (reason, strlen (reason) - 3);
  info->created = g_date_time_to_unix (dt);
  if (g_stat (info->path, &st) == 0)
    {
      info->size = st.st_size;
      info->modified = (gint64)st.st_mtim.tv_sec * G_USEC_PER_SEC + st.st_mtim.tv_nsec / 1000;
    }
  return info;
}

static int
compare_newest_first (gconstpointer a,
                      gconstpointer b)
{
  const CohortBackupInfo *x = *(CohortBackupInfo * const *)a;
  const CohortBackupInfo *y = *(CohortBackupInfo * const *)b;

  /* The name's time first; within one second, the file's. */
  if (x->created != y->created)
    return x->created > y->created ? -1 : 1;
  if (x->modified != y->modified)
    return x->modified > y->modified ? -1 : 1;
  return -g_strcmp0 (x->path, y->path);
}

GPtrArray *
cohort_backup_list (const char *db_path)
{
  g_autofree char *dir = cohort_backup_dir (db_path);
  g_autofree char *stem = db_stem (db_path);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify)cohort_backup_info_free);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      CohortBackupInfo *info = parse_name (dir, stem, name);

      if (info != NULL)
        g_ptr_array_add (list, info);
    }
  g_ptr_array_sort (list, compare_newest_first);
  return list;
}

/* A copy cut short — the app closed during its daily backup, a crash, a power cut — stays
 * behind as "<name>.db.part" (and its journal), as big as the database.  One an hour old is
 * no copy in progress: no backup of a database that fits on a laptop takes that long. */
static void
remove_stale_parts (const char *db_path,
                    gint64      now)
{
  g_autofree char *dir = cohort_backup_dir (db_path);
  g_autofree char *stem = db_stem (db_path);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = NULL;
      struct stat st;

      if (strncmp (name, stem, strlen (stem)) != 0 || name[strlen (stem)] != '-' ||
          (!g_str_has_suffix (name, ".db.part") && !g_str_has_suffix (name, ".db.part-journal")))
        continue;
      path = g_build_filename (dir, name, NULL);
      if (g_stat (path, &st) == 0 && now - st.st_mtime > COHORT_BACKUP_STALE_PART_S &&
          g_unlink (path) != 0)
        g_warning ("Cannot remove the unfinished backup %s: %s", path, g_strerror (errno));
    }
}

void
cohort_backup_prune (const char *db_path,
                     int         keep)
{
  g_autoptr(GPtrArray) list = cohort_backup_list (db_path);

  remove_stale_parts (db_path, g_get_real_time () / G_USEC_PER_SEC);

  for (guint i = MAX (keep, 1); i < list->len; i++)
    {
      CohortBackupInfo *info = list->pdata[i];

      if (g_unlink (info->path) != 0)
        g_warning ("Cannot remove the old backup %s: %s", info->path, g_strerror (errno));
    }
}

gboolean
cohort_backup_daily_due (const char *db_path,
                         gint64      now)
{
  g_autoptr(GPtrArray) list = cohort_backup_list (db_path);

  for (guint i = 0; i < list->len; i++)
    {
      CohortBackupInfo *info = list->pdata[i];

      /* Any backup from the last day will do, a migration's included. */
      if (now - info->created < 24 * 3600)
        return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* Copying with the backup API                                                                 */

/* SQLite's words for a failure, from the connection when there is one. */
static const char *
sqlite_reason (sqlite3 *handle,
               int      rc)
{
  return handle != NULL ? sqlite3_errmsg (handle) : sqlite3_errstr (rc);
}

static int
error_code (int rc)
{
  return rc == SQLITE_FULL ? COHORT_STORE_ERROR_DISK_FULL : COHORT_STORE_ERROR_OPEN;
}

/* Copies the open database src into a new file at dest (written beside it, then renamed, so
 * a half-written copy never carries a backup's name). */
static gboolean
copy_database (sqlite3     *src,
               const char  *dest,
               GError     **error)
{
  g_autofree char *part = g_strconcat (dest, ".part", NULL);
  sqlite3 *out = NULL;
  sqlite3_backup *backup;
  int rc;

  g_unlink (part);
  rc = sqlite3_open_v2 (part, &out, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, COHORT_STORE_ERROR, error_code (rc), _("Cannot create the backup %s: %s"),
                   part, sqlite_reason (out, rc));
      sqlite3_close (out);
      return FALSE;
    }
  if (!(backup = sqlite3_backup_init (out, "main", src, "main")))
    {
      g_set_error (error, COHORT_STORE_ERROR, error_code (sqlite3_errcode (out)),
                   _("Cannot write the backup %s: %s"), part, sqlite_reason (out, 0));
      sqlite3_close (out);
      g_unlink (part);
      return FALSE;
    }
  /* All pages in one step: a consistent copy even while another connection writes. */
  while ((rc = sqlite3_backup_step (backup, -1)) == SQLITE_OK ||
         rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
    sqlite3_sleep (20);
  sqlite3_backup_finish (backup);
  if (rc != SQLITE_DONE)
    {
      g_set_error (error, COHORT_STORE_ERROR, error_code (rc), _("Cannot write the backup %s: %s"),
                   part, sqlite_reason (NULL, rc));
      sqlite3_close (out);
      g_unlink (part);
      return FALSE;
    }
  /* The copy carries the source's WAL mode; a backup is one self-contained file, and
   * readers of a WAL file leave -wal and -shm files beside it. */
  sqlite3_exec (out, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL);
  sqlite3_close (out);
  if (g_rename (part, dest) != 0)
    {
      int saved = errno;

      g_unlink (part);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Cannot save the backup %s: %s"), dest, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

static char *
new_backup_path (const char  *db_path,
                 const char  *reason,
                 GError     **error)
{
  g_autofree char *dir = cohort_backup_dir (db_path);
  g_autofree char *stem = db_stem (db_path);
  g_autofree char *stamp = utc_stamp (g_get_real_time () / G_USEC_PER_SEC);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Cannot create the backup folder %s: %s"), dir, g_strerror (saved));
      return NULL;
    }
  for (int n = 0;; n++)
    {
      g_autofree char *name = n == 0 ? g_strdup_printf ("%s-%s-%s.db", stem, stamp, reason)
                                     : g_strdup_printf ("%s-%s-%s-%d.db", stem, stamp, reason, n);
      char *path = g_build_filename (dir, name, NULL);

      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        return path;
      g_free (path);
    }
}

char *
cohort_db_backup (CohortDb    *db,
                  const char  *reason,
                  int          keep,
                  GError     **error)
{
  g_autofree char *dest = NULL;

  cohort_db_assert_owner (db);
  if (!(dest = new_backup_path (db->path, reason, error)) ||
      !copy_database (db->db, dest, error))
    return NULL;
  g_debug ("Backed up %s (%s)", db->path, reason);
  cohort_backup_prune (db->path, keep);
  return g_steal_pointer (&dest);
}

char *
cohort_backup_create (const char  *db_path,
                      const char  *reason,
                      int          keep,
                      GError     **error)
{
  g_autofree char *dest = NULL;
  sqlite3 *src = NULL;
  int rc;

  rc = sqlite3_open_v2 (db_path, &src, SQLITE_OPEN_READONLY, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, COHORT_STORE_ERROR, error_code (rc), _("Cannot open %s: %s"), db_path,
                   sqlite_reason (src, rc));
      sqlite3_close (src);
      return NULL;
    }
  sqlite3_busy_timeout (src, 10000);
  if (!(dest = new_backup_path (db_path, reason, error)) || !copy_database (src, dest, error))
    {
      sqlite3_close (src);
      return NULL;
    }
  sqlite3_close (src);
  g_debug ("Backed up %s (%s)", db_path, reason);
  cohort_backup_prune (db_path, keep);
  return g_steal_pointer (&dest);
}

/* A backup is usable when SQLite finds no damage in it and this version understands it. */
gboolean
cohort_backup_verify (const char  *path,
                      GError     **error)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  g_autofree char *verdict = NULL;
  int version = -1;
  int rc;

  rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL);
  if (rc == SQLITE_OK &&
      (rc = sqlite3_prepare_v2 (db, "PRAGMA quick_check", -1, &stmt, NULL)) == SQLITE_OK &&
      (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    verdict = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  stmt = NULL;
  if (verdict != NULL && sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  if (g_strcmp0 (verdict, "ok") != 0)
    {
      g_set_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_CORRUPT,
                   _("The database %s is damaged."), path);
      return FALSE;
    }
  if (version > COHORT_SCHEMA_VERSION)
    {
      g_set_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_NEWER_SCHEMA,
                   _("The database %s was written by a newer version of Cohort."), path);
      return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* Recovery                                                                                    */

static gboolean
rename_if_present (const char  *from,
                   const char  *to,
                   GError     **error)
{
  if (!g_file_test (from, G_FILE_TEST_EXISTS))
    return TRUE;
  if (g_rename (from, to) == 0)
    return TRUE;
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
               _("Cannot move %s aside: %s"), from, g_strerror (errno));
  return FALSE;
}

char *
cohort_backup_move_aside (const char  *db_path,
                          GError     **error)
{
  g_autofree char *stamp = utc_stamp (g_get_real_time () / G_USEC_PER_SEC);
  g_autofree char *aside = g_strdup_printf ("%s.damaged-%s", db_path, stamp);

  for (int n = 1; g_file_test (aside, G_FILE_TEST_EXISTS); n++)
    {
      g_free (aside);
      aside = g_strdup_printf ("%s.damaged-%s-%d", db_path, stamp, n);
    }
  /* The log and shared memory go with the file: they belong to it, not to a fresh one. */
  for (guint i = 0; i < 3; i++)
    {
      static const char * const suffixes[] = { "", "-wal", "-shm" };
      g_autofree char *from = g_strconcat (db_path, suffixes[i], NULL);
      g_autofree char *to = g_strconcat (aside, suffixes[i], NULL);

      if (!rename_if_present (from, to, error))
        return NULL;
    }
  g_debug ("Moved %s aside to %s", db_path, aside);
  return g_steal_pointer (&aside);
}

char *
cohort_backup_restore (const char  *db_path,
                       const char  *backup_path,
                       GError     **error)
{
  g_autofree char *aside = NULL;
  sqlite3 *src = NULL;
  int rc;

  if (!cohort_backup_verify (backup_path, error))
    return NULL;
  if (g_file_test (db_path, G_FILE_TEST_EXISTS) && !(aside = cohort_backup_move_aside (db_path, error)))
    return NULL;
  rc = sqlite3_open_v2 (backup_path, &src, SQLITE_OPEN_READONLY, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, COHORT_STORE_ERROR, error_code (rc), _("Cannot open %s: %s"), backup_path,
                   sqlite_reason (src, rc));
      sqlite3_close (src);
      return NULL;
    }
  if (!copy_database (src, db_path, error))
    {
      sqlite3_close (src);
      return NULL;
    }
  sqlite3_close (src);
  cohort_backup_block_writes (db_path, FALSE);
  g_debug ("Restored %s from %s", db_path, backup_path);
  /* Nothing was moved when there was no database: the caller gets "" then, not NULL. */
  return aside != NULL ? g_steal_pointer (&aside) : g_strdup ("");
}

/* ------------------------------------------------------------------------------------------ */
/* Read-only sessions                                                                          */

static char *
canonical (const char *path)
{
  return g_canonicalize_filename (path, NULL);
}

void
cohort_backup_block_writes (const char *db_path,
                            gboolean    blocked)
{
  char *key = canonical (db_path);

  g_mutex_lock (&blocked_lock);
  if (blocked_paths == NULL)
    blocked_paths = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (blocked)
    g_hash_table_add (blocked_paths, key);
  else
    {
      g_hash_table_remove (blocked_paths, key);
      g_free (key);
    }
  g_mutex_unlock (&blocked_lock);
}

gboolean
cohort_backup_writes_blocked (const char *db_path)
{
  g_autofree char *key = canonical (db_path);
  gboolean blocked;

  g_mutex_lock (&blocked_lock);
  blocked = blocked_paths != NULL && g_hash_table_contains (blocked_paths, key);
  g_mutex_unlock (&blocked_lock);
  return blocked;
}

/* ------------------------------------------------------------------------------------------ */
/* At start-up                                                                                 */

gboolean
cohort_backup_startup_check (const char  *db_path,
                             int          keep,
                             gint64       now,
                             GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *daily = NULL;
  CohortDb *db;

  if (!g_file_test (db_path, G_FILE_TEST_EXISTS))
    return TRUE;
  /* Opening migrates, and a migration backs up first. */
  if (!(db = cohort_db_open (db_path, FALSE, error)))
    return FALSE;
  cohort_db_close (db);
  if (!cohort_backup_daily_due (db_path, now))
    return TRUE;
  if (!(daily = cohort_backup_create (db_path, "daily", keep, &local_error)))
    {
      /* No backup today is no reason to stop the operator from working. */
      g_warning ("The daily backup failed: %s", local_error->message);
      return TRUE;
    }
  /* A copy of a damaged file is damaged too: checking the copy finds damage in the
   * database without reading it while the app works with it. */
  if (!cohort_backup_verify (daily, &local_error))
    {
      g_unlink (daily);
      if (g_error_matches (local_error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_CORRUPT))
        {
          g_set_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_CORRUPT,
                       _("The database %s is damaged."), db_path);
          return FALSE;
        }
    }
  return TRUE;
}

CohortBackupInfo *
cohort_backup_find_usable (const char *db_path)
{
  g_autoptr(GPtrArray) list = cohort_backup_list (db_path);

  for (guint i = 0; i < list->len; i++)
    if (cohort_backup_verify (((CohortBackupInfo *)list->pdata[i])->path, NULL))
      return g_ptr_array_steal_index (list, i);
  return NULL;
}
