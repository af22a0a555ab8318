/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "cohort-chart.h"

G_BEGIN_DECLS

#define COHORT_TYPE_CHART_VIEW (cohort_chart_view_get_type ())

G_DECLARE_FINAL_TYPE (CohortChartView, cohort_chart_view, COHORT, CHART_VIEW, GtkWidget)

/* The overview is borrowed: the caller keeps it alive and sets NULL before freeing it. */
void     cohort_chart_view_set_overview    (CohortChartView      *self,
                                            const CohortOverview *overview);
void     cohort_chart_view_set_hover_index (CohortChartView      *self,
                                            int                   index);
int      cohort_chart_view_get_hover_index (CohortChartView      *self);
void     cohort_chart_view_export          (CohortChartView      *self,
                                            GtkWindow            *parent);

G_END_DECLS
