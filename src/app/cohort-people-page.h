/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define COHORT_TYPE_PEOPLE_PAGE (cohort_people_page_get_type ())

G_DECLARE_FINAL_TYPE (CohortPeoplePage, cohort_people_page, COHORT, PEOPLE_PAGE, GtkWidget)

/* The database to show (every community of it); loads on a worker when the page is shown. */
void        cohort_people_page_set_database (CohortPeoplePage *self,
                                             const char       *db_path,
                                             gint64            community);
gboolean    cohort_people_page_is_loading   (CohortPeoplePage *self);
/* "4 people in 2 communities, 6 memberships", or why there is nothing to count */
const char *cohort_people_page_get_summary  (CohortPeoplePage *self);
GtkWidget  *cohort_people_page_get_overview (CohortPeoplePage *self);

G_END_DECLS
