/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "cohort-overview-loader.h"
#include "cohort-store-people.h"

G_BEGIN_DECLS

/*
 * The All Communities view, off the main thread: every community, and the Overview of the
 * ones not excluded with each person counted once (cohort_db_load_people_snapshot) on a
 * read-only connection of the worker's own, in the zone and with the settings of the first
 * community counted.  range_days 0 means all time.
 */

typedef struct
{
  CohortOverviewData *overview;   /* communities: all; snapshot and overview: the selection
                                   * (NULL when nothing is selected) */
  GArray             *included;   /* gint64 ids of the communities counted, in list order */
  CohortPeopleCounts  counts;
} CohortPeopleData;

CohortPeopleData *cohort_people_load          (const char          *db_path,
                                               const gint64        *excluded,
                                               guint                n_excluded,
                                               int                  range_days,
                                               gint64               now,
                                               GError             **error);
void              cohort_people_load_async    (const char          *db_path,
                                               const gint64        *excluded,
                                               guint                n_excluded,
                                               int                  range_days,
                                               gint64               now,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
CohortPeopleData *cohort_people_load_finish   (GAsyncResult        *result,
                                               GError             **error);
void              cohort_people_data_free     (CohortPeopleData    *data);
/* "1,240 people in 3 communities, 1,410 memberships", translated */
char             *cohort_people_describe_counts (const CohortPeopleCounts *counts);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CohortPeopleData, cohort_people_data_free)

G_END_DECLS
