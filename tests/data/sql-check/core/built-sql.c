/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Not compiled: the sample check-sql.py must reject, six findings in all
 * (3 is found twice: sqlite3_mprintf, and %Q in its SQL); see tests/meson.build. */

static char *
member_query (const char *name)
{
  /* 1: a value formatted into one literal */
  return g_strdup_printf ("SELECT id FROM member WHERE display_name = '%s'", name);
}

static char *
message_query (gint64 community)
{
  /* 2: a value formatted into a statement split over lines, through PRId64 */
  return g_strdup_printf ("SELECT count(*) FROM message "
                          "WHERE community = %" PRId64, community);
}

static char *
sqlite_built (const char *name)
{
  /* 3: SQLite's own string building is string-built SQL too */
  return sqlite3_mprintf ("DELETE FROM tag WHERE name = %Q", name);
}

static void
joined (GString *sql,
        const char *table)
{
  /* 4: SQL joined at run time */
  g_string_append (sql, "DELETE FROM ");
  g_string_append (sql, table);
}

/* 5: the one allowed statement, but in a file the allowance does not cover */
static const char *count_sql = "SELECT count(*) FROM %s";
