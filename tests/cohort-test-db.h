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

G_END_DECLS
