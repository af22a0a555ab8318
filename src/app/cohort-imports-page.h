/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "cohort-importer.h"

G_BEGIN_DECLS

#define COHORT_TYPE_IMPORTS_PAGE (cohort_imports_page_get_type ())

G_DECLARE_FINAL_TYPE (CohortImportsPage, cohort_imports_page, COHORT, IMPORTS_PAGE, GtkWidget)

/*
 * The Imports page: every import run, newest first, with what it added, how long it took,
 * and why it failed.  "Run Again" asks the window to import the file once more the way it
 * was read ("rerun"); "Remove" removes exactly what the run added on a worker and then says
 * so ("changed", with a sentence for a toast).  "loaded" fires after each refresh.
 */

void     cohort_imports_page_set_db     (CohortImportsPage *self,
                                         const char        *db_path);
void     cohort_imports_page_reload     (CohortImportsPage *self);
/* Removes the run without asking (the Remove button asks first). */
void     cohort_imports_page_remove_run (CohortImportsPage *self,
                                         gint64             run_id);
guint    cohort_imports_page_get_n_runs (CohortImportsPage *self);
gboolean cohort_imports_page_is_busy    (CohortImportsPage *self);

G_END_DECLS
