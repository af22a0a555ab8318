/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "cohort-overview-loader.h"

G_BEGIN_DECLS

#define COHORT_TYPE_OVERVIEW_PAGE (cohort_overview_page_get_type ())

G_DECLARE_FINAL_TYPE (CohortOverviewPage, cohort_overview_page, COHORT, OVERVIEW_PAGE, GtkWidget)

/* Takes ownership of data; the page's charts and lists read from it until the next call. */
void                      cohort_overview_page_set_data (CohortOverviewPage *self,
                                                         CohortOverviewData *data,
                                                         const char         *range_title);
const CohortOverviewData *cohort_overview_page_get_data (CohortOverviewPage *self);
GtkWidget                *cohort_overview_page_get_kpi  (CohortOverviewPage *self,
                                                         guint               index);
GtkWidget                *cohort_overview_page_get_chart (CohortOverviewPage *self,
                                                          guint               kind);

G_END_DECLS
