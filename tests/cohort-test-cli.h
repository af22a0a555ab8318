/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* cohort-cli run as a subprocess ($COHORT_CLI) on a database in its own temporary folder. */
typedef struct
{
  char *dir;
  char *db;
} CohortTestCli;

void cohort_test_cli_setup    (CohortTestCli  *f,
                               gconstpointer   data);
void cohort_test_cli_teardown (CohortTestCli  *f,
                               gconstpointer   data);
/* Runs cohort-cli with the arguments and "--db f->db"; returns the exit status, and what it
 * printed in out (may be NULL).  Its standard error goes to the test log. */
int  cohort_test_cli_run      (CohortTestCli  *f,
                               char          **out,
                               const char     *first,
                               ...) G_GNUC_NULL_TERMINATED;
int  cohort_test_cli_runv     (CohortTestCli  *f,
                               char          **out,
                               const char     *first,
                               va_list         args);

G_END_DECLS
