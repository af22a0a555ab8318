/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "cohort-overview.h"
#include "cohort-segments.h"
#include "cohort-store-settings.h"

G_BEGIN_DECLS

/*
 * What a community's settings (cohort-store-settings.h) mean to the metrics: where its weeks
 * start, which churn level a silence is, which segment thresholds apply.  NULL settings
 * mean the METRICS.md §B defaults everywhere.
 */

/* The first day of the week containing day: the Monday (ISO) or the Sunday on or before. */
int              cohort_settings_week_start     (const CohortCommunitySettings *settings,
                                                 int                            day);
/* The same for a week start given as an ISO weekday (1 Monday, 7 Sunday). */
int              cohort_day_week_start_on       (int                            day,
                                                 int                            week_start);
/* §4.1 with the community's thresholds. */
CohortChurnLevel cohort_settings_churn_level    (const CohortCommunitySettings *settings,
                                                 int                            silent_days);
/* The §5 thresholds, the rest of params at their defaults. */
void             cohort_settings_segment_params (const CohortCommunitySettings *settings,
                                                 CohortSegmentParams           *params);
/* The settings of community, read on the calling (worker) thread's connection. */
gboolean         cohort_settings_load           (CohortDb                      *db,
                                                 gint64                         community,
                                                 CohortCommunitySettings       *settings,
                                                 GError                       **error);

G_END_DECLS
