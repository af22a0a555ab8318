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
