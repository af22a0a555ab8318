/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "cohort-snapshot.h"

G_BEGIN_DECLS

#define COHORT_TYPE_RANGE_NOTICE (cohort_range_notice_get_type ())

G_DECLARE_FINAL_TYPE (CohortRangeNotice, cohort_range_notice, COHORT, RANGE_NOTICE, GtkWidget)

/*
 * The notice above a page's numbers when its range follows the calendar past all of the
 * community's data (an old export under "Last 30 days"): where the data ends, and a button
 * that shows all time (win.show-all-time).  When the data ends inside the range, a week or
 * more before its end (an old export under "All time"), it says so without the button.
 */

/* Shows the notice when every join, leave and message of snapshot is older than day0, or when
 * they end a week or more before day1, and hides it otherwise (snapshot NULL: no data on the
 * page). */
void        cohort_range_notice_update   (CohortRangeNotice    *self,
                                          const CohortSnapshot *snapshot,
                                          int                   day0,
                                          int                   day1);
const char *cohort_range_notice_get_text (CohortRangeNotice    *self);

G_END_DECLS
