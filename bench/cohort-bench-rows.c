/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/*
 * cohort-bench-rows DIR LAYOUT [ROWS]: how fast SQLite alone stores chat messages, apart from
 * any parsing, so that a target for an import can be weighed against the storage floor.
 * Writes ROWS (1M) messages of chat size into a fresh database in DIR the way the importer
 * does (64 rows a statement, one transaction, WAL, a 32 MB page cache) and prints
 * "layout,rows,cpu_s".  LAYOUT is the message table with its four indexes ("full"), with one
 * of them ("member-ts", "community-ts", "unique", "import-run"), with none ("no-index"), a
 * six-column table ("narrow"), or 4,096 messages packed into each row's blob ("packed").
 * Senders go round 6,000 members, as a large community's do.
 */

#define ROWS_PER_STATEMENT 64
#define PACKED_MESSAGES    4096
#define MEMBERS            6000

static const char message_table[] =
  "CREATE TABLE message (id INTEGER PRIMARY KEY, community INTEGER NOT NULL, member INTEGER,"
  " platform_msg_id TEXT NOT NULL, ts INTEGER NOT NULL, kind INTEGER NOT NULL,"
  " length INTEGER NOT NULL DEFAULT 0, reply_to TEXT, mentions TEXT,"
  " forwarded INTEGER NOT NULL DEFAULT 0, edited_ts INTEGER, is_mech INTEGER NOT NULL DEFAULT 0,"
  " mech_reason TEXT, text TEXT, import_run INTEGER)";

static const struct
{
  const char *layout;
  const char *schema;
} layouts[] = {
  { "full", "CREATE INDEX a ON message (community, ts); CREATE INDEX b ON message (member, ts);"
            "CREATE INDEX c ON message (import_run);"
            "CREATE UNIQUE INDEX d ON message (platform_msg_id, community)" },
  { "member-ts", "CREATE INDEX b ON message (member, ts)" },
  { "community-ts", "CREATE INDEX a ON message (community, ts)" },
  { "unique", "CREATE UNIQUE INDEX d ON message (platform_msg_id, community)" },
  { "import-run", "CREATE INDEX c ON message (import_run)" },
  { "no-index", "" },
  { "narrow", NULL },
  { "packed", NULL },
};

static int
message_text (char   *buf,
              gsize   size,
              guint   n)
{
  return g_snprintf (buf, size, "message number %u with some text 你好 🙂 and more words here", n);
}

static gboolean
exec (sqlite3    *db,
      const char *sql)
{
  if (sqlite3_exec (db, sql, NULL, NULL, NULL) == SQLITE_OK)
    return TRUE;
  g_printerr ("%s: %s\n", sql, sqlite3_errmsg (db));
  return FALSE;
}

static sqlite3_stmt *
prepare_rows (sqlite3  *db,
              gboolean  narrow)
{
  g_autoptr(GString) sql = g_string_new (narrow ?
    "INSERT INTO message (community, member, ts, kind, text) VALUES " :
    "INSERT OR IGNORE INTO message (community, member, platform_msg_id, ts, kind, length,"
    " reply_to, forwarded, edited_ts, is_mech, mech_reason, text, import_run) VALUES ");
  const char *values = narrow ? "(?, ?, ?, ?, ?)" : "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  sqlite3_stmt *stmt = NULL;

  /* placeholders only: every value is bound */
  for (guint r = 0; r < ROWS_PER_STATEMENT; r++)
    g_string_append (g_string_append (sql, r ? ", " : ""), values);
  if (sqlite3_prepare_v2 (db, sql->str, -1, &stmt, NULL) != SQLITE_OK)
    g_printerr ("prepare: %s\n", sqlite3_errmsg (db));
  return stmt;
}

static void
bind_row (sqlite3_stmt *stmt,
          guint         row,
          guint         n,
          gboolean      narrow)
{
  char text[128], id[24];
  int len = message_text (text, sizeof text, n);
  gint64 member = (gint64)n * 7919 % MEMBERS + 1;

  if (narrow)
    {
      int b = row * 5;

      sqlite3_bind_int64 (stmt, b + 1, 1);
      sqlite3_bind_int64 (stmt, b + 2, member);
      sqlite3_bind_int64 (stmt, b + 3, 1700000000 + n);
      sqlite3_bind_int (stmt, b + 4, 0);
      sqlite3_bind_text (stmt, b + 5, text, len, SQLITE_TRANSIENT);
      return;
    }
  {
    int b = row * 13;

    g_snprintf (id, sizeof id, "%u", 1000000 + n);
    sqlite3_bind_int64 (stmt, b + 1, 1);
    sqlite3_bind_int64 (stmt, b + 2, member);
    sqlite3_bind_text (stmt, b + 3, id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64 (stmt, b + 4, 1700000000 + n);
    sqlite3_bind_int (stmt, b + 5, 0);
    sqlite3_bind_int (stmt, b + 6, len);
    sqlite3_bind_null (stmt, b + 7);
    sqlite3_bind_int (stmt, b + 8, 0);
    sqlite3_bind_null (stmt, b + 9);
    sqlite3_bind_int (stmt, b + 10, 0);
    sqlite3_bind_null (stmt, b + 11);
    sqlite3_bind_text (stmt, b + 12, text, len, SQLITE_TRANSIENT);
    sqlite3_bind_int64 (stmt, b + 13, 1);
  }
}

static gboolean
write_rows (sqlite3  *db,
            guint     rows,
            gboolean  narrow)
{
  sqlite3_stmt *stmt = prepare_rows (db, narrow);
  gboolean ok = stmt != NULL;

  for (guint n = 0; ok && n + ROWS_PER_STATEMENT <= rows; n += ROWS_PER_STATEMENT)
    {
      for (guint r = 0; r < ROWS_PER_STATEMENT; r++)
        bind_row (stmt, r, n + r, narrow);
      ok = sqlite3_step (stmt) == SQLITE_DONE && sqlite3_reset (stmt) == SQLITE_OK;
    }
  sqlite3_finalize (stmt);
  return ok;
}

/* Columns packed per chunk: each message's text, then its six numbers. */
static gboolean
write_packed (sqlite3 *db,
              guint    rows)
{
  g_autoptr(GByteArray) chunk = g_byte_array_new ();
  sqlite3_stmt *stmt = NULL;
  gboolean ok;

  ok = exec (db, "CREATE TABLE chunk (id INTEGER PRIMARY KEY, community INTEGER, first_ts INTEGER,"
                 " data BLOB)") &&
       sqlite3_prepare_v2 (db, "INSERT INTO chunk (community, first_ts, data) VALUES (1, ?, ?)",
                           -1, &stmt, NULL) == SQLITE_OK;
  for (guint n = 0; ok && n < rows; n += PACKED_MESSAGES)
    {
      g_byte_array_set_size (chunk, 0);
      for (guint i = n; i < n + PACKED_MESSAGES && i < rows; i++)
        {
          char text[128];
          int len = message_text (text, sizeof text, i);
          gint64 numbers[6] = { i, (gint64)i * 7919 % MEMBERS + 1, 1700000000 + i, 0, len, 0 };

          g_byte_array_append (chunk, (const guint8 *)text, len);
          g_byte_array_append (chunk, (const guint8 *)numbers, sizeof numbers);
        }
      sqlite3_bind_int64 (stmt, 1, 1700000000 + n);
      sqlite3_bind_blob (stmt, 2, chunk->data, chunk->len, SQLITE_STATIC);
      ok = sqlite3_step (stmt) == SQLITE_DONE && sqlite3_reset (stmt) == SQLITE_OK;
    }
  sqlite3_finalize (stmt);
  return ok;
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *path = NULL;
  g_autofree char *wal = NULL;
  const char *layout = argc > 2 ? argv[2] : "";
  guint rows = argc > 3 ? (guint)g_ascii_strtoull (argv[3], NULL, 10) : 1000000;
  sqlite3 *db = NULL;
  clock_t start;
  gboolean ok;
  guint which;

  for (which = 0; which < G_N_ELEMENTS (layouts); which++)
    if (g_strcmp0 (layouts[which].layout, layout) == 0)
      break;
  if (argc < 3 || which == G_N_ELEMENTS (layouts) || rows == 0)
    {
      g_printerr ("usage: cohort-bench-rows DIR full|member-ts|community-ts|unique|import-run|"
                  "no-index|narrow|packed [ROWS]\n");
      return 2;
    }
  path = g_build_filename (argv[1], "bench-rows.db", NULL);
  wal = g_strconcat (path, "-wal", NULL);
  g_unlink (path);
  g_unlink (wal);
  if (sqlite3_open (path, &db) != SQLITE_OK)
    return 1;
  ok = exec (db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
                 " PRAGMA cache_size = -32768");
  if (ok && g_str_equal (layout, "narrow"))
    ok = exec (db, "CREATE TABLE message (id INTEGER PRIMARY KEY, community INTEGER NOT NULL,"
                   " member INTEGER, ts INTEGER NOT NULL, kind INTEGER NOT NULL, text TEXT)");
  else if (ok && layouts[which].schema != NULL)
    ok = exec (db, message_table) && exec (db, layouts[which].schema);

  start = clock ();
  ok = ok && exec (db, "BEGIN");
  if (ok)
    ok = g_str_equal (layout, "packed") ? write_packed (db, rows)
                                        : write_rows (db, rows, g_str_equal (layout, "narrow"));
  ok = ok && exec (db, "COMMIT");
  sqlite3_close (db);
  if (!ok)
    return 1;
  printf ("%s,%u,%.2f\n", layout, rows, (double)(clock () - start) / CLOCKS_PER_SEC);
  g_unlink (path);
  g_unlink (wal);
  return 0;
}
