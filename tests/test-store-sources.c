/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "cohort-store-sources.h"
#include "cohort-test-db.h"

/*
 * The source table and platform_stats: names are unique, a source is found by id or name,
 * a result without a cursor keeps the stored cursor, and a statistic is upserted by its
 * (community, metric, day, scope) key instead of piling up.
 */

static void
test_source_rows (CohortTestDb  *fx,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(CohortSourceInfo) found = NULL;
  g_autoptr(CohortSourceInfo) again = NULL;
  gint64 forum, corp;

  forum = cohort_db_add_source (fx->db, "discourse", "Forum", "https://forum.example", "admin", &error);
  g_assert_no_error (error);
  corp = cohort_db_add_source (fx->db, "wecom", "Corp", "https://qyapi.weixin.qq.com", "ww1", &error);
  g_assert_no_error (error);
  g_assert_cmpint (corp, ==, forum + 1);

  g_assert_cmpint (cohort_db_add_source (fx->db, "chatlog", "Forum", "http://127.0.0.1:5030", NULL,
                                         &error), ==, 0);
  g_assert_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_SQL);
  g_clear_error (&error);

  list = cohort_db_list_sources (fx->db, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);

  found = cohort_db_find_source (fx->db, "Forum", &error);
  g_assert_no_error (error);
  g_assert_cmpint (found->id, ==, forum);
  g_assert_cmpstr (found->cursor, ==, "{}");
  g_assert_cmpstr (found->status, ==, "never");
  g_assert_cmpstr (found->username, ==, "admin");
  g_assert_cmpuint (strlen (found->uid), ==, 36);

  g_assert_true (cohort_db_set_source_result (fx->db, forum, "ok", NULL, "{\"last_post_id\":9}", 100, &error));
  g_assert_true (cohort_db_set_source_result (fx->db, forum, "error", "Server error", NULL, 200, &error));
  g_assert_no_error (error);
  again = cohort_db_find_source (fx->db, "1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again->cursor, ==, "{\"last_post_id\":9}");
  g_assert_cmpstr (again->status, ==, "error");
  g_assert_cmpstr (again->error, ==, "Server error");
  g_assert_cmpint (again->last_sync, ==, 200);

  g_assert_true (cohort_db_remove_source (fx->db, forum, &error));
  g_assert_null (cohort_db_find_source (fx->db, "Forum", &error));
  g_assert_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_NOT_FOUND);
}

static void
test_platform_stats_upsert (CohortTestDb  *fx,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) stats = NULL;
  CohortImportTx *tx;
  gint64 community, source;
  gboolean changed = FALSE;
  CohortPlatformStat *stat;

  tx = cohort_db_begin_import (fx->db, "test", "test", &error);
  g_assert_no_error (error);
  community = cohort_import_tx_community (tx, "wecom", "wrOgQh", "Group", "group", "Asia/Shanghai", &error);
  g_assert_true (cohort_import_tx_commit (tx, &error));
  g_assert_no_error (error);

  g_assert_true (cohort_db_put_platform_stat (fx->db, community, 0, "wecom.member_total", "2026-11-01",
                                              NULL, 10, "{\"member_total\":10}", NULL, &error));
  g_assert_true (cohort_db_put_platform_stat (fx->db, community, 0, "wecom.member_total", "2026-11-01",
                                              NULL, 12, "{\"member_total\":12}", &changed, &error));
  g_assert_true (changed);
  g_assert_true (cohort_db_put_platform_stat (fx->db, community, 0, "wecom.member_total", "2026-11-01",
                                              NULL, 12, "{\"member_total\":12}", &changed, &error));
  g_assert_false (changed);
  g_assert_true (cohort_db_put_platform_stat (fx->db, community, 0, "wecom.member_total", "2026-11-02",
                                              NULL, 13, NULL, NULL, &error));
  g_assert_true (cohort_db_put_platform_stat (fx->db, community, 0, "discourse.likes", "2026-11-02",
                                              "alice", 4, NULL, NULL, &error));
  g_assert_no_error (error);

  stats = cohort_db_list_platform_stats (fx->db, community, "wecom.", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stats->len, ==, 2);
  stat = g_ptr_array_index (stats, 0);
  g_assert_cmpstr (stat->day, ==, "2026-11-01");
  g_assert_cmpfloat (stat->value, ==, 12);
  g_assert_cmpstr (stat->scope, ==, "");
  g_assert_cmpint (cohort_db_count (fx->db, "community"), ==, 1);

  /* Numbers about no one group (WeCom reports per owner) are keyed by their source. */
  source = cohort_db_add_source (fx->db, "wecom", "Corp", "https://qyapi.weixin.qq.com", "ww1", &error);
  g_assert_no_error (error);
  g_assert_true (cohort_db_put_platform_stat (fx->db, 0, source, "wecom.member_total", "2026-11-01",
                                              "zhangsan", 40, NULL, &changed, &error));
  g_assert_true (changed);
  g_assert_true (cohort_db_put_platform_stat (fx->db, 0, source, "wecom.member_total", "2026-11-01",
                                              "zhangsan", 40, NULL, &changed, &error));
  g_assert_false (changed);
  g_assert_no_error (error);
  g_clear_pointer (&stats, g_ptr_array_unref);
  stats = cohort_db_list_source_stats (fx->db, source, "wecom.", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stats->len, ==, 1);
  stat = g_ptr_array_index (stats, 0);
  g_assert_cmpint (stat->community, ==, 0);
  g_assert_cmpfloat (stat->value, ==, 40);
  g_clear_pointer (&stats, g_ptr_array_unref);
  stats = cohort_db_list_platform_stats (fx->db, community, "wecom.", &error);
  g_assert_cmpuint (stats->len, ==, 2);

  /* Removing the source takes its own rows with it. */
  g_assert_true (cohort_db_remove_source (fx->db, source, &error));
  g_clear_pointer (&stats, g_ptr_array_unref);
  stats = cohort_db_list_source_stats (fx->db, source, "", &error);
  g_assert_cmpuint (stats->len, ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/store-sources/rows", CohortTestDb, NULL,
              cohort_test_db_setup, test_source_rows, cohort_test_db_teardown);
  g_test_add ("/store-sources/platform-stats", CohortTestDb, NULL,
              cohort_test_db_setup, test_platform_stats_upsert, cohort_test_db_teardown);
  return g_test_run ();
}
