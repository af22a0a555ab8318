/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cohort-chart.h"

G_BEGIN_DECLS

/* The kinds of cohort-chart-activity.c, dispatched to from cohort-chart.c. */
void   _cohort_chart_activity_draw     (CohortChartKind         kind,
                                        cairo_t                *cr,
                                        double                  width,
                                        double                  height,
                                        gconstpointer           data,
                                        const CohortChartStyle *style,
                                        int                     hover_index);
int    _cohort_chart_activity_hit      (CohortChartKind         kind,
                                        double                  width,
                                        double                  height,
                                        gconstpointer           data,
                                        double                  x,
                                        double                  y,
                                        char                  **tooltip);
char  *_cohort_chart_activity_describe (CohortChartKind         kind,
                                        gconstpointer           data);

G_END_DECLS
