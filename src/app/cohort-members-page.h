/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "cohort-member-loader.h"

G_BEGIN_DECLS

#define COHORT_TYPE_MEMBERS_PAGE (cohort_members_page_get_type ())

G_DECLARE_FINAL_TYPE (CohortMembersPage, cohort_members_page, COHORT, MEMBERS_PAGE, GtkWidget)

/* Loads (again) the members of community from the database at db_path, on a worker.  The
 * page emits "data-changed" after it changed staff/bot flags, which every metric depends on. */
void               cohort_members_page_set_community (CohortMembersPage *self,
                                                      const char        *db_path,
                                                      gint64             community);
gboolean           cohort_members_page_is_busy       (CohortMembersPage *self);
CohortMembersData *cohort_members_page_get_data      (CohortMembersPage *self);
GListModel        *cohort_members_page_get_model     (CohortMembersPage *self);
GtkWidget         *cohort_members_page_get_detail    (CohortMembersPage *self);

G_END_DECLS
