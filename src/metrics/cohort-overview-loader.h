/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "cohort-overview.h"
#include "cohort-store.h"

G_BEGIN_DECLS

/*
 * Loads what the Overview shows, off the main thread: the community list, the chosen
 * community's snapshot (read-only connection) and its CohortOverview for the range.
 * range_days 0 means all time.  community 0 picks the first community.
 */

typedef struct
{
  GPtrArray       *communities;   /* CohortCommunityInfo* */
  gint64           community;     /* the one loaded, 0 if there is none */
  CohortSnapshot  *snapshot;
  CohortOverview  *overview;
  CohortCommunitySettings settings;   /* the community's, which the overview was computed with */
} CohortOverviewData;

void                cohort_overview_load_async  (const char          *db_path,
                                                 gint64               community,
                                                 int                  range_days,
                                                 gint64               now,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
CohortOverviewData *cohort_overview_load_finish (GAsyncResult        *result,
                                                 GError             **error);
CohortOverviewData *cohort_overview_load        (const char          *db_path,
                                                 gint64               community,
                                                 int                  range_days,
                                                 gint64               now,
                                                 GError             **error);
void                cohort_overview_data_free   (CohortOverviewData  *data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CohortOverviewData, cohort_overview_data_free)

G_END_DECLS
