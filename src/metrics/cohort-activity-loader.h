/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "cohort-activity.h"
#include "cohort-retention.h"
#include "cohort-store.h"

G_BEGIN_DECLS

/*
 * Loads the Activity & Content and Retention pages off the main thread, each worker on its
 * own read-only connection.  The snapshot is loaded once per community and then shared
 * (reference-counted, read-only) by every later recompute while the community's
 * fingerprint (cohort_db_community_fingerprint ()) is unchanged, so switching the range,
 * the period or the mode costs one computation, not a reload; an import is noticed.  The
 * message texts a range needs are kept with the snapshot the same way, so a range change
 * queries only the days no earlier range covered.
 */

typedef struct _CohortSnapshotRef CohortSnapshotRef;

CohortSnapshotRef  *cohort_snapshot_ref_ref        (CohortSnapshotRef *ref);
void                cohort_snapshot_ref_unref      (CohortSnapshotRef *ref);
CohortSnapshot     *cohort_snapshot_ref_get        (CohortSnapshotRef *ref);
gint64              cohort_snapshot_ref_community  (CohortSnapshotRef *ref);

/* The text rows of [ts0, ts1) (cohort_db_load_texts ()), in time order, loaded from db only
 * where no earlier call on this snapshot loaded them: going back to a shorter range, or to
 * one seen before, costs no query.  The array is the caller's, its rows the snapshot's
 * (valid while ref is).  Any thread; calls on one ref take turns. */
GPtrArray          *cohort_snapshot_ref_load_texts (CohortSnapshotRef  *ref,
                                                    CohortDb           *db,
                                                    gint64              ts0,
                                                    gint64              ts1,
                                                    GError            **error);
/* How many text rows the snapshot holds (each loaded once). */
guint               cohort_snapshot_ref_n_texts_held (CohortSnapshotRef *ref);

typedef struct
{
  CohortSnapshotRef *snapshot;    /* NULL when the database has no such community */
  CohortActivity    *activity;
  CohortRetention   *retention;
} CohortActivityData;

void                cohort_activity_data_free      (CohortActivityData *data);

/* range_days 0 = all time; snapshot may be NULL (loaded from db_path) or one from an earlier
 * load of the same community. */
CohortActivityData *cohort_activity_load           (const char          *db_path,
                                                    gint64               community,
                                                    CohortSnapshotRef   *snapshot,
                                                    int                  range_days,
                                                    gint64               now,
                                                    GError             **error);
void                cohort_activity_load_async     (const char          *db_path,
                                                    gint64               community,
                                                    CohortSnapshotRef   *snapshot,
                                                    int                  range_days,
                                                    gint64               now,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);

/* The last COHORT_RETENTION_ROWS cohorts up to the last complete day. */
CohortActivityData *cohort_retention_load          (const char            *db_path,
                                                    gint64                 community,
                                                    CohortSnapshotRef     *snapshot,
                                                    CohortRetentionPeriod  period,
                                                    CohortRetentionMode    mode,
                                                    gint64                 now,
                                                    GError               **error);
void                cohort_retention_load_async    (const char            *db_path,
                                                    gint64                 community,
                                                    CohortSnapshotRef     *snapshot,
                                                    CohortRetentionPeriod  period,
                                                    CohortRetentionMode    mode,
                                                    gint64                 now,
                                                    GCancellable          *cancellable,
                                                    GAsyncReadyCallback    callback,
                                                    gpointer               user_data);

CohortActivityData *cohort_activity_load_finish    (GAsyncResult        *result,
                                                    GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CohortActivityData, cohort_activity_data_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CohortSnapshotRef, cohort_snapshot_ref_unref)

G_END_DECLS
