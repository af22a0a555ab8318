/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "cohort-demo.h"
#include "cohort-overview.h"

/* The demo community is a function of the date alone, and it goes through the real importer
 * into a dashboard that has something in every section. */

static char *
write_demo (const char *dir,
            const char *name,
            gint64      now)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);
  char *contents = NULL;

  g_assert_true (cohort_demo_write (path, now, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_unlink (path);
  g_free (path);
  return contents;
}

static void
test_deterministic (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cohort-demo-XXXXXX", NULL);
  /* 2026-11-23 08:00 and 20:00 in Shanghai: the same local day. */
  g_autofree char *a = write_demo (dir, "a.json", 1763856000);
  g_autofree char *b = write_demo (dir, "b.json", 1763856000 + 12 * 3600);
  g_autofree char *c = write_demo (dir, "c.json", 1763856000 + 86400);

  g_assert_cmpstr (a, ==, b);
  g_assert_cmpstr (a, !=, c);
  g_rmdir (dir);
}

static void
test_dashboard (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cohort-demo-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "demo.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CohortImportResult) result = NULL;
  g_autoptr(CohortImportResult) again = NULL;
  g_autoptr(CohortSnapshot) snap = NULL;
  g_autoptr(CohortOverview) overview = NULL;
  g_autoptr(GPtrArray) list = NULL;
  CohortDb *db = cohort_db_open (path, FALSE, &error);
  gint64 now = 1763856000;
  int day0, day1;

  g_assert_no_error (error);
  result = cohort_demo_import (db, now, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (result->counts.messages_added, >, 5000);
  g_assert_cmpint (result->counts.members_added, >, 300);
  g_assert_cmpint (result->counts.invites_added, >, 100);
  g_assert_cmpint (result->warnings->len, ==, 0);

  /* Opening the demo twice adds nothing. */
  again = cohort_demo_import (db, now, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (again->counts.messages_added, ==, 0);

  list = cohort_db_list_communities (db, &error);
  g_assert_cmpint (list->len, ==, 1);
  g_assert_cmpstr (((CohortCommunityInfo *)list->pdata[0])->tz, ==, "Asia/Shanghai");
  snap = cohort_db_load_snapshot (db, ((CohortCommunityInfo *)list->pdata[0])->id, &error);
  cohort_db_close (db);

  cohort_metrics_default_range (snap, now, 90, &day0, &day1);
  overview = cohort_overview_compute (snap, day0, day1);
  /* Every Overview section has content. */
  g_assert_cmpint (overview->kpis.members_end, >, overview->kpis.members_start);
  g_assert_cmpint (overview->kpis.leaves, >, 0);
  g_assert_cmpint (overview->kpis.active_members, >, 50);
  g_assert_cmpint (overview->kpis.retention_7d.den, >, 0);
  g_assert_cmpint (overview->kpis.retention_7d.num, <, overview->kpis.retention_7d.den);
  g_assert_cmpint (overview->kpis.churn_watch + overview->kpis.churn_warn + overview->kpis.churn_high, >, 0);
  g_assert_cmpint (overview->kpis.lurkers, >, 0);
  g_assert_cmpint (overview->kpis.raw_messages, >, overview->kpis.messages);
  g_assert_false (overview->slots_fallback);
  /* The generator's rhythm peaks at 20:00 local. */
  g_assert_cmpint (overview->core_slots[0], ==, 20);
  g_assert_cmpint (overview->top_members->len, ==, 10);
  g_assert_cmpint (overview->n_cohorts, >, 4);

  g_unlink (path);
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);
    g_unlink (wal);
    g_unlink (shm);
  }
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cohort/demo/deterministic", test_deterministic);
  g_test_add_func ("/cohort/demo/dashboard", test_dashboard);
  return g_test_run ();
}
