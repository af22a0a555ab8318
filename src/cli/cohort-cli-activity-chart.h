/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "cohort-chart.h"
#include "cohort-cli-activity.h"

G_BEGIN_DECLS

/* cohort-cli chart stickiness|network|retention-curves COMMUNITY --png …: the charts of the
 * Activity & Content and Retention pages, apart from their numbers so that what prints the
 * numbers need not link cairo and pango. */
gboolean  cohort_cli_activity_chart_kind (CohortChartKind         kind);
int       cohort_cli_activity_chart      (CohortChartKind         kind,
                                          const char             *community,
                                          const CohortCliOptions *options);

G_END_DECLS
