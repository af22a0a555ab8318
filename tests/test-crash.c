/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "cohort-store.h"

/*
 * Crash safety of `cohort-cli import`, end to end with the real binary ($COHORT_CLI):
 *
 * - SIGKILL at many points of an import (during start-up and migration, while messages go
 *   in, during commit and checkpoint): afterwards PRAGMA integrity_check passes, the database
 *   holds either nothing or everything of that import next to what it held before, and the
 *   same import run again completes.
 * - A disk that fills up (a file-size limit set in the child, which makes SQLite's writes
 *   fail as on a full disk): the import stops with the store's "disk is full" error, the
 *   database is as before, and the import completes once there is room.
 *
 * Kill points come from the test's seeded random numbers (--seed reproduces a run).  Half of
 * them are a delay within 1.2 times what a full import took (so some land after the commit); the other half wait until the
 * write-ahead log has grown past a random size, which places the kill inside the writing
 * whatever the machine's speed.  Nothing here asserts how long anything takes.
 */

#define BIG_MESSAGES 12000
#define BIG_MEMBERS  300
#define KILLS        30

typedef struct
{
  char  *dir;
  char  *big;          /* a generated Telegram export of BIG_MESSAGES messages */
  char  *base_db;      /* holds the small Telegram fixture: what must survive */
  gint64 base_messages;
  gint64 base_runs;
  gint64 full_usec;    /* how long one full import of big took here */
  gint64 max_wal;      /* the largest the write-ahead log grew during it */
} Env;

static Env env;

/* ------------------------------------------------------------------------------------------ */

static void
write_big_export (const char *path)
{
  g_autoptr(GString) json = g_string_new ("{\"name\":\"Crash Test\",\"type\":\"public_supergroup\","
                                          "\"id\":777,\"messages\":[");
  const gint64 t0 = 1704067200;   /* 2024-01-01 UTC */

  for (int i = 1; i <= BIG_MESSAGES; i++)
    {
      int who = i % BIG_MEMBERS;

      g_string_append_printf (json,
                              "%s{\"id\":%d,\"type\":\"message\",\"date\":\"x\","
                              "\"date_unixtime\":\"%" G_GINT64_FORMAT "\",\"from\":\"Member %d\","
                              "\"from_id\":\"user%d\",\"text\":\"message number %d from %d, "
                              "with enough words to look like a real line of chat\"}",
                              i > 1 ? "," : "", i, t0 + i * 97, who, who, i, who);
    }
  g_string_append (json, "]}");
  g_assert_true (g_file_set_contents (path, json->str, json->len, NULL));
}

static void
copy_file (const char *from,
           const char *to)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (from, &contents, &len, NULL));
  g_assert_true (g_file_set_contents (to, contents, len, NULL));
}

static void
remove_db (const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  g_unlink (path);
  g_unlink (wal);
  g_unlink (shm);
}

/* A fresh copy of the base database (the CLI closed it cleanly, so it has no WAL). */
static char *
fresh_db (const char *name)
{
  g_autofree char *path = g_build_filename (env.dir, name, NULL);

  remove_db (path);
  copy_file (env.base_db, path);
  return g_steal_pointer (&path);
}

static gint64
file_size (const char *path)
{
  struct stat st;

  return g_stat (path, &st) == 0 ? (gint64)st.st_size : 0;
}

/* ------------------------------------------------------------------------------------------ */

static GSubprocess *
spawn_import (const char              *db,
              const char              *file,
              GSubprocessLauncher     *launcher)
{
  const char *argv[] = { g_getenv ("COHORT_CLI"), "import", "--db", db, file, NULL };
  g_autoptr(GSubprocessLauncher) own = NULL;
  g_autoptr(GError) error = NULL;
  GSubprocess *proc;

  if (launcher == NULL)
    launcher = own = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                                G_SUBPROCESS_FLAGS_STDERR_PIPE);
  proc = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  return proc;
}

/* Runs an import to its end; returns the exit status and stderr. */
static int
run_import (const char           *db,
            const char           *file,
            GSubprocessLauncher  *launcher,
            char                **err_out)
{
  g_autoptr(GSubprocess) proc = spawn_import (db, file, launcher);
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;

  g_subprocess_communicate_utf8 (proc, NULL, NULL, NULL, &err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  if (err_out != NULL)
    *err_out = g_steal_pointer (&err);
  return g_subprocess_get_exit_status (proc);
}

typedef struct
{
  gint64 messages;
  gint64 runs;
} Counts;

/* Opens the database as the app would next time (which also recovers the WAL), checks its
 * integrity and counts what is in it. */
static Counts
check_db (const char *path)
{
  g_autoptr(GError) error = NULL;
  CohortDb *db = cohort_db_open (path, FALSE, &error);
  Counts c;

  g_assert_no_error (error);
  g_assert_true (cohort_db_check_integrity (db, &error));
  g_assert_no_error (error);
  c.messages = cohort_db_count (db, "message");
  /* Completed runs only: a refused import also leaves a failed run in the history when the
   * disk has room for that one row. */
  c.runs = 0;
  {
    g_autoptr(GPtrArray) runs = cohort_db_list_imports (db, &error);

    g_assert_no_error (error);
    for (guint i = 0; i < runs->len; i++)
      c.runs += g_str_equal (((CohortImportRun *)runs->pdata[i])->status, "ok") ? 1 : 0;
  }
  cohort_db_close (db);
  return c;
}

/* Nothing of the big import, or all of it; what was there before is there either way. */
static gboolean
assert_nothing_or_everything (const char *path)
{
  Counts c = check_db (path);

  if (c.messages == env.base_messages)
    {
      g_assert_cmpint (c.runs, ==, env.base_runs);
      return FALSE;
    }
  g_assert_cmpint (c.messages, ==, env.base_messages + BIG_MESSAGES);
  g_assert_cmpint (c.runs, ==, env.base_runs + 1);
  return TRUE;
}

/* runs: the import runs recorded after the base, 2 when the big file went in twice (the
 * second time adding nothing). */
static void
assert_complete (const char *path,
                 gint64      runs)
{
  Counts c = check_db (path);

  g_assert_cmpint (c.messages, ==, env.base_messages + BIG_MESSAGES);
  g_assert_cmpint (c.runs, ==, env.base_runs + runs);
}

/* ------------------------------------------------------------------------------------------ */

/* Waits until the process exits, the WAL reaches wal_bytes (if > 0) or delay_usec passes
 * (if > 0); then kills it unless it is already gone.  TRUE when the kill landed. */
static gboolean
kill_at (GSubprocess *proc,
         const char  *db,
         gint64       wal_bytes,
         gint64       delay_usec)
{
  g_autofree char *wal = g_strconcat (db, "-wal", NULL);
  gint64 start = g_get_monotonic_time ();
  gboolean killed;

  /* GSubprocess reaps the child in GLib's worker thread; the identifier is NULL once the
   * child has exited. */
  while (g_subprocess_get_identifier (proc) != NULL)
    {
      if (wal_bytes > 0 && file_size (wal) >= wal_bytes)
        break;
      if (delay_usec > 0 && g_get_monotonic_time () - start >= delay_usec)
        break;
      g_usleep (200);
    }
  g_subprocess_force_exit (proc);
  g_subprocess_wait (proc, NULL, NULL);
  killed = g_subprocess_get_if_signaled (proc) &&
           g_subprocess_get_term_sig (proc) == SIGKILL;
  return killed;
}

static void
test_sigkill (void)
{
  g_autofree char *db = NULL;
  guint killed = 0, landed_nothing = 0, landed_everything = 0;

  for (guint i = 0; i < KILLS; i++)
    {
      g_autoptr(GSubprocess) proc = NULL;
      gint64 wal_bytes = 0, delay = 0;
      gboolean was_killed, everything;

      g_clear_pointer (&db, g_free);
      db = fresh_db ("killed.db");
      if (i % 2 == 0)
        delay = 1 + g_test_rand_int_range (0, (gint32)MAX (env.full_usec * 6 / 5, 2));
      else
        wal_bytes = 1 + g_test_rand_int_range (0, (gint32)MAX (env.max_wal, 2));

      proc = spawn_import (db, env.big, NULL);
      was_killed = kill_at (proc, db, wal_bytes, delay);
      killed += was_killed;
      everything = assert_nothing_or_everything (db);
      landed_everything += everything;
      landed_nothing += !everything;

      /* The same import again, to its end. */
      g_assert_cmpint (run_import (db, env.big, NULL, NULL), ==, 0);
      assert_complete (db, everything ? 2 : 1);
    }
  g_test_message ("%u of %u kills landed while cohort-cli ran: %u left nothing of the import, "
                  "%u everything", killed, KILLS, landed_nothing, landed_everything);
  /* Some kill always lands while it runs: the WAL kills wait for the writing to start. */
  g_assert_cmpuint (killed, >, 0);
  g_assert_cmpuint (landed_nothing, >, 0);
}

/* ------------------------------------------------------------------------------------------ */

static rlim_t file_limit;

/* In the child, before exec: files may not grow past file_limit, and going past it fails the
 * write (EFBIG) instead of killing the process, as a full disk fails it with ENOSPC. */
static void
limit_file_size (gpointer data)
{
  struct rlimit limit = { file_limit, file_limit };

  signal (SIGXFSZ, SIG_IGN);
  setrlimit (RLIMIT_FSIZE, &limit);
}

static void
test_disk_full (void)
{
  g_autofree char *db = fresh_db ("full.db");
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autofree char *err = NULL;
  Counts c;

  /* Room for the database as it is, not for the big import's log. */
  file_limit = MAX (file_size (db), 64 * 1024) + 128 * 1024;
  g_assert_cmpint (env.max_wal, >, (gint64)file_limit);
  g_subprocess_launcher_set_child_setup (launcher, limit_file_size, NULL, NULL);

  g_assert_cmpint (run_import (db, env.big, launcher, &err), ==, 1);
  g_test_message ("with a full disk: %s", err);
  g_assert_nonnull (strstr (err, "the disk is full"));
  g_assert_nonnull (strstr (err, "Nothing was changed"));
  /* Nothing of it; at most the history's record of the failed attempt. */
  c = check_db (db);
  g_assert_cmpint (c.messages, ==, env.base_messages);
  g_assert_cmpint (c.runs, <=, env.base_runs + 1);

  /* With room again the same import goes through. */
  g_assert_cmpint (run_import (db, env.big, NULL, NULL), ==, 0);
  assert_complete (db, c.runs - env.base_runs + 1);
}

/* ------------------------------------------------------------------------------------------ */

static void
setup_env (void)
{
  g_autofree char *small = g_test_build_filename (G_TEST_DIST, "data", "telegram",
                                                  "single-supergroup.json", NULL);
  g_autofree char *calib = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autofree char *wal = NULL;
  g_autoptr(GError) error = NULL;
  CohortDb *watcher;
  gint64 start;
  Counts c;

  env.dir = g_dir_make_tmp ("cohort-crash-XXXXXX", &error);
  g_assert_no_error (error);
  env.big = g_build_filename (env.dir, "big.json", NULL);
  write_big_export (env.big);
  env.base_db = g_build_filename (env.dir, "base.db", NULL);
  g_assert_cmpint (run_import (env.base_db, small, NULL, NULL), ==, 0);
  c = check_db (env.base_db);
  env.base_messages = c.messages;
  env.base_runs = c.runs;
  g_assert_cmpint (env.base_messages, >, 0);

  /* One full import, watched: how long it takes and how large the log grows.  An import that
   * fits in the page cache writes its log only at commit, and the last connection to close
   * checkpoints and deletes it, often between two looks: a connection held open here keeps
   * the file, at its largest, for a look once the import is done. */
  calib = fresh_db ("calibrate.db");
  wal = g_strconcat (calib, "-wal", NULL);
  watcher = cohort_db_open (calib, TRUE, &error);
  g_assert_no_error (error);
  start = g_get_monotonic_time ();
  proc = spawn_import (calib, env.big, NULL);
  while (g_subprocess_get_identifier (proc) != NULL)
    {
      env.max_wal = MAX (env.max_wal, file_size (wal));
      g_usleep (200);
    }
  g_subprocess_wait (proc, NULL, NULL);
  env.full_usec = g_get_monotonic_time () - start;
  g_assert_true (g_subprocess_get_successful (proc));
  env.max_wal = MAX (env.max_wal, file_size (wal));
  cohort_db_close (watcher);
  g_test_message ("a full import took %" G_GINT64_FORMAT " ms; its log grew to %" G_GINT64_FORMAT
                  " bytes", env.full_usec / 1000, env.max_wal);
  assert_complete (calib, 1);
}

static void
teardown_env (void)
{
  g_autoptr(GDir) dir = g_dir_open (env.dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (env.dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (env.dir);
  g_free (env.dir);
  g_free (env.big);
  g_free (env.base_db);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  if (g_getenv ("COHORT_CLI") == NULL)
    {
      g_printerr ("COHORT_CLI must name the cohort-cli binary\n");
      return 1;
    }
  setup_env ();
  g_test_add_func ("/cohort/crash/sigkill", test_sigkill);
  g_test_add_func ("/cohort/crash/disk-full", test_disk_full);
  status = g_test_run ();
  teardown_env ();
  return status;
}
