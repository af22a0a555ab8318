/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "cohort-test-db.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

void
cohort_test_db_setup (CohortTestDb  *fx,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fx->dir = g_dir_make_tmp ("cohort-test-XXXXXX", &error);
  g_assert_no_error (error);
  fx->path = g_build_filename (fx->dir, "cohort.db", NULL);
  fx->db = cohort_db_open (fx->path, FALSE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fx->db);
}

void
cohort_test_remove_tree (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *child = g_build_filename (dir, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        cohort_test_remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (dir);
}

void
cohort_test_db_teardown (CohortTestDb  *fx,
                         gconstpointer  data)
{
  g_clear_pointer (&fx->db, cohort_db_close);
  cohort_test_remove_tree (fx->dir);
  g_free (fx->path);
  g_free (fx->dir);
}

GPtrArray *
cohort_test_list_communities (CohortDb *db)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *list = cohort_db_list_communities (db, &error);

  g_assert_no_error (error);
  g_assert_nonnull (list);
  return list;
}

CohortSnapshot *
cohort_test_load_snapshot (CohortDb *db,
                           gint64    community)
{
  g_autoptr(GError) error = NULL;
  CohortSnapshot *snap = cohort_db_load_snapshot (db, community, &error);

  g_assert_no_error (error);
  g_assert_nonnull (snap);
  return snap;
}

static const char * const described_tables[] = {
  "community", "member", "message", "event", "invite", "reaction", "span",
};

char *
cohort_test_describe_db (CohortDb *db)
{
  g_autoptr(GString) s = g_string_new (NULL);
  g_autoptr(GPtrArray) list = cohort_test_list_communities (db);

  for (guint i = 0; i < G_N_ELEMENTS (described_tables); i++)
    g_string_append_printf (s, "%s=%" G_GINT64_FORMAT "\n", described_tables[i],
                            cohort_db_count (db, described_tables[i]));
  for (guint i = 0; i < list->len; i++)
    {
      CohortCommunityInfo *c = g_ptr_array_index (list, i);

      g_string_append_printf (s, "%s %s %s %s %s m=%" G_GINT64_FORMAT " pm=%" G_GINT64_FORMAT
                              " msg=%" G_GINT64_FORMAT " mech=%" G_GINT64_FORMAT
                              " sys=%" G_GINT64_FORMAT " j=%" G_GINT64_FORMAT
                              " l=%" G_GINT64_FORMAT " i=%" G_GINT64_FORMAT " r=%" G_GINT64_FORMAT
                              " %" G_GINT64_FORMAT "..%" G_GINT64_FORMAT "\n",
                              c->platform, c->platform_id, c->name, c->kind, c->tz, c->members,
                              c->posting_members, c->messages, c->mechanical_messages,
                              c->system_messages, c->joins, c->leaves, c->invites, c->reactions,
                              c->first_message, c->last_message);
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

char *
cohort_test_fixture_with (CohortTestDb *fx,
                          const char   *src,
                          const char   *name,
                          const char   *find,
                          const char   *replace)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GString) copy = NULL;
  char *dst = g_build_filename (fx->dir, name, NULL);

  g_file_get_contents (src, &contents, NULL, &error);
  g_assert_no_error (error);
  copy = g_string_new (contents);
  g_assert_cmpuint (g_string_replace (copy, find, replace, 0), ==, 1);
  g_file_set_contents (dst, copy->str, copy->len, &error);
  g_assert_no_error (error);
  return dst;
}

/* Four messages share each time, a minute apart, so that wherever the two ranges meet
 * they meet inside or at the edge of a run of equal times; replies cross the meeting point
 * both ways, and every seventh message is its member's second in a row. */
char *
cohort_test_write_split_export (const char *dir)
{
  g_autoptr(GString) json = g_string_new ("{\"name\": \"Split\", \"type\": \"private_supergroup\", "
                                          "\"id\": 5550077, \"messages\": [");
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, "split.json", NULL);
  const gint64 start = 1709258400;
  guint id = 1;

  for (guint m = 0; m < COHORT_TEST_SPLIT_MEMBERS; m++, id++)
    g_string_append_printf (json, "%s{\"id\": %u, \"type\": \"service\", "
                            "\"date_unixtime\": \"%" G_GINT64_FORMAT "\", \"actor\": \"M%u\", "
                            "\"actor_id\": \"user%u\", \"action\": \"join_group_by_link\", "
                            "\"text\": \"\"}", m ? ", " : "", id, start + m, m, m);
  for (guint i = 0; i < COHORT_TEST_SPLIT_MESSAGES; i++, id++)
    {
      guint from = i % 7 == 0 && i > 0 ? (i - 1) * 3 % COHORT_TEST_SPLIT_MEMBERS : i * 3 % COHORT_TEST_SPLIT_MEMBERS;

      g_string_append_printf (json, ", {\"id\": %u, \"type\": \"message\", "
                              "\"date_unixtime\": \"%" G_GINT64_FORMAT "\", \"from\": \"M%u\", "
                              "\"from_id\": \"user%u\", ", id, start + 3600 + 60 * (i / 4),
                              from, from);
      if (i % 3 == 0 && i >= 37)
        g_string_append_printf (json, "\"reply_to_message_id\": %u, ", id - 37);
      else if (i % 11 == 0 && i + 5 < COHORT_TEST_SPLIT_MESSAGES)
        g_string_append_printf (json, "\"reply_to_message_id\": %u, ", id + 5);
      g_string_append_printf (json, "\"text\": \"line %u\"}", i);
    }
  g_string_append (json, "]}");
  g_file_set_contents (path, json->str, -1, &error);
  g_assert_no_error (error);
  return path;
}

void
cohort_test_db_reopen (CohortTestDb *fx)
{
  g_autoptr(GError) error = NULL;

  cohort_db_close (fx->db);
  fx->db = cohort_db_open (fx->path, FALSE, &error);
  g_assert_no_error (error);
}

void
cohort_test_rename_community (gpointer split,
                              gpointer path)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 10000);
  g_assert_cmpint (sqlite3_exec (db, "UPDATE community SET name = 'Renamed'", NULL, NULL, NULL),
                   ==, SQLITE_OK);
  sqlite3_close (db);
}
