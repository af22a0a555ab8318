/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "cohort-activity-loader.h"

G_BEGIN_DECLS

#define COHORT_TYPE_RETENTION_PAGE (cohort_retention_page_get_type ())

G_DECLARE_FINAL_TYPE (CohortRetentionPage, cohort_retention_page, COHORT, RETENTION_PAGE, GtkWidget)

/*
 * The Retention page: the cohort table by join week or month, counting members still in
 * the group or active members, the retention curve of each cohort and the day-N activity
 * retention (N-day, on-or-after, within-window).  Switching the period or the mode
 * recomputes off the main thread from the shared snapshot; superseded results are dropped.
 */

void                      cohort_retention_page_set_community (CohortRetentionPage *self,
                                                               const char          *db_path,
                                                               gint64               community);
const CohortActivityData *cohort_retention_page_get_data      (CohortRetentionPage *self);
GtkWidget                *cohort_retention_page_get_chart     (CohortRetentionPage *self);
/* The line above the table: period 1 over all cohorts (next-month retention by month). */
const char               *cohort_retention_page_get_summary   (CohortRetentionPage *self);
/* period: CohortRetentionPeriod, mode: CohortRetentionMode (as the two switches). */
void                      cohort_retention_page_set_view      (CohortRetentionPage *self,
                                                               int                  period,
                                                               int                  mode);

G_END_DECLS
