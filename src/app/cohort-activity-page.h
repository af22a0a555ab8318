/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "cohort-activity-loader.h"
#include "cohort-chart.h"

G_BEGIN_DECLS

#define COHORT_TYPE_ACTIVITY_PAGE (cohort_activity_page_get_type ())

G_DECLARE_FINAL_TYPE (CohortActivityPage, cohort_activity_page, COHORT, ACTIVITY_PAGE, GtkWidget)

/*
 * The Activity & Content page: stickiness, volume, interactions, CAF, message kinds, the
 * top mechanical texts, hot and rising keywords and the interaction network.  It loads its
 * own data off the main thread for the community the window shows; a range change
 * recomputes from the shared snapshot and drops results of superseded requests.
 */

void                      cohort_activity_page_set_community (CohortActivityPage *self,
                                                              const char         *db_path,
                                                              gint64              community);
/* The data shown, or NULL while loading or without a community. */
const CohortActivityData *cohort_activity_page_get_data      (CohortActivityPage *self);
GtkWidget                *cohort_activity_page_get_chart     (CohortActivityPage *self,
                                                              CohortChartKind     kind);
/* The CSV of the hot keywords and of the top mechanical texts (for Export CSV and tests). */
char                     *cohort_activity_page_keywords_csv  (CohortActivityPage *self);
char                     *cohort_activity_page_mech_csv      (CohortActivityPage *self);
/* Message kinds, then members by active days in the last 7 days. */
char                     *cohort_activity_page_kinds_csv     (CohortActivityPage *self);

G_END_DECLS
