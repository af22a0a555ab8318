/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cohort-overview.h"

G_BEGIN_DECLS

/* A hand-made CohortOverview with known values, shared by the chart renderer and chart widget
 * tests: 60 days from 2024-01-01, a hot heatmap cell on Wednesday 20:00, 8 weekly cohorts
 * whose newest week is still running. */

#define N_DAYS 60
#define HOT_WD 2    /* Wednesday */
#define HOT_H 20

CohortOverview *cohort_test_overview_new  (void);
void            cohort_test_overview_free (CohortOverview *overview);

G_END_DECLS
