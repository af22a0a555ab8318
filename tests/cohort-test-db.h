/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cohort-store.h"

G_BEGIN_DECLS

/* A fresh database in a temporary folder for each importer test, removed afterwards. */
typedef struct
{
  char     *dir;
  char     *path;
  CohortDb *db;
} CohortTestDb;

void            cohort_test_db_setup          (CohortTestDb  *fx,
                                               gconstpointer  data);
void            cohort_test_db_teardown       (CohortTestDb  *fx,
                                               gconstpointer  data);
void            cohort_test_remove_tree       (const char    *dir);
/* A copy of the fixture at `src` in fx->dir, named `name`, with its one occurrence of `find`
 * replaced by `replace`; the new file's path. */
char           *cohort_test_fixture_with      (CohortTestDb  *fx,
                                               const char    *src,
                                               const char    *name,
                                               const char    *find,
                                               const char    *replace);
GPtrArray      *cohort_test_list_communities  (CohortDb      *db);
CohortSnapshot *cohort_test_load_snapshot     (CohortDb      *db,
                                               gint64         community);
/* Every table's row count and every community's counts, one per line: two databases (or one
 * before and after a re-import) hold the same data when their descriptions are equal. */
char           *cohort_test_describe_db       (CohortDb      *db);
/* A Telegram supergroup export for reads split in two (cohort-store-split.c), written to
 * dir: COHORT_TEST_SPLIT_MEMBERS members who join first, then COHORT_TEST_SPLIT_MESSAGES
 * messages, four to each minute from 2024-03-01 03:00 UTC, every third from the 37th on
 * replying to the one 37 before, every eleventh other one to the one 5 later. */
#define COHORT_TEST_SPLIT_MEMBERS 7
#define COHORT_TEST_SPLIT_MESSAGES 600
char           *cohort_test_write_split_export (const char    *dir);
/* Closes and opens fx->db again: a new file is in WAL from then on, as every database is
 * after its first connection closes, so a second connection may write while one reads. */
void            cohort_test_db_reopen          (CohortTestDb  *fx);
/* A split read's hook (_cohort_db_set_split_hook ()): renames every community of the file at
 * path from a connection of its own, committed before the second reader begins. */
void            cohort_test_rename_community   (gpointer       split,
                                                gpointer       path);

G_END_DECLS
