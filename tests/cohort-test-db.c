/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "cohort-test-db.h"

#include <glib/gstdio.h>

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
