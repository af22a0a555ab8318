/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-activity-loader"

#include "config.h"

#include "cohort-activity-loader.h"
#include "cohort-settings.h"

struct _CohortSnapshotRef
{
  CohortSnapshot *snapshot;   /* owned; read-only once shared */
  gint64          community;
  char           *fingerprint;/* cohort_db_community_fingerprint () when it was loaded */
};

typedef struct
{
  char                 *db_path;
  gint64                community;
  CohortSnapshotRef    *snapshot;
  gboolean              retention;
  int                   range_days;
  CohortRetentionPeriod period;
  CohortRetentionMode   mode;
  gint64                now;
} LoadRequest;

/* ------------------------------------------------------------------------------------------ */
/* Shared snapshots                                                                            */

static void
snapshot_ref_clear (gpointer data)
{
  CohortSnapshotRef *ref = data;

  cohort_snapshot_free (ref->snapshot);
  g_free (ref->fingerprint);
}

static CohortSnapshotRef *
snapshot_ref_new (CohortSnapshot *snapshot,
                  gint64          community,
                  char           *fingerprint)
{
  CohortSnapshotRef *ref = g_atomic_rc_box_new0 (CohortSnapshotRef);

  ref->snapshot = snapshot;
  ref->community = community;
  ref->fingerprint = fingerprint;
  return ref;
}

CohortSnapshotRef *
cohort_snapshot_ref_ref (CohortSnapshotRef *ref)
{
  return g_atomic_rc_box_acquire (ref);
}

void
cohort_snapshot_ref_unref (CohortSnapshotRef *ref)
{
  g_atomic_rc_box_release_full (ref, snapshot_ref_clear);
}

CohortSnapshot *
cohort_snapshot_ref_get (CohortSnapshotRef *ref)
{
  return ref->snapshot;
}

gint64
cohort_snapshot_ref_community (CohortSnapshotRef *ref)
{
  return ref->community;
}

void
cohort_activity_data_free (CohortActivityData *data)
{
  if (data == NULL)
    return;
  g_clear_pointer (&data->snapshot, cohort_snapshot_ref_unref);
  g_clear_pointer (&data->activity, cohort_activity_free);
  g_clear_pointer (&data->retention, cohort_retention_free);
  g_free (data);
}

/* ------------------------------------------------------------------------------------------ */
/* Loading (worker thread)                                                                     */

/* The shared snapshot when it is of this community and nothing it was built from has
 * changed since (one indexed query), else a fresh one from the database.  *db is opened
 * here and left open for the caller. */
static CohortSnapshotRef *
obtain_snapshot (const char         *db_path,
                 gint64              community,
                 CohortSnapshotRef  *shared,
                 CohortDb          **db,
                 GError            **error)
{
  g_autofree char *fingerprint = NULL;
  CohortSnapshot *snapshot;

  if (*db == NULL && !(*db = cohort_db_open (db_path, TRUE, error)))
    return NULL;
  if (!(fingerprint = cohort_db_community_fingerprint (*db, community, error)))
    return NULL;
  if (shared != NULL && shared->community == community &&
      g_strcmp0 (shared->fingerprint, fingerprint) == 0)
    return cohort_snapshot_ref_ref (shared);
  if (!(snapshot = cohort_db_load_snapshot (*db, community, error)))
    return NULL;
  return snapshot_ref_new (snapshot, community, g_steal_pointer (&fingerprint));
}

CohortActivityData *
cohort_activity_load (const char         *db_path,
                      gint64              community,
                      CohortSnapshotRef  *snapshot,
                      int                 range_days,
                      gint64              now,
                      GError            **error)
{
  g_autoptr(CohortActivityData) data = g_new0 (CohortActivityData, 1);
  g_autoptr(GPtrArray) texts = NULL;
  CohortSnapshot *snap;
  CohortDb *db = NULL;
  int day0, day1;

  if (!(data->snapshot = obtain_snapshot (db_path, community, snapshot, &db, error)))
    {
      g_clear_pointer (&db, cohort_db_close);
      return NULL;
    }
  snap = data->snapshot->snapshot;
  cohort_metrics_default_range (snap, now, range_days, &day0, &day1);

  /* texts of P and of the same-length period before it (rising keywords) */
  if (db == NULL && !(db = cohort_db_open (db_path, TRUE, error)))
    return NULL;
  texts = cohort_db_load_texts (db, community, snap,
                                cohort_snapshot_day_start (snap, day0 - (day1 - day0 + 1)),
                                cohort_snapshot_day_end (snap, day1), error);
  cohort_db_close (db);
  if (texts == NULL)
    return NULL;
  data->activity = cohort_activity_compute (snap, texts, day0, day1);
  return g_steal_pointer (&data);
}

CohortActivityData *
cohort_retention_load (const char             *db_path,
                       gint64                  community,
                       CohortSnapshotRef      *snapshot,
                       CohortRetentionPeriod   period,
                       CohortRetentionMode     mode,
                       gint64                  now,
                       GError                **error)
{
  g_autoptr(CohortActivityData) data = g_new0 (CohortActivityData, 1);
  CohortCommunitySettings settings;
  CohortSnapshot *snap;
  CohortDb *db = NULL;
  int day0, asof;

  data->snapshot = obtain_snapshot (db_path, community, snapshot, &db, error);
  if (data->snapshot == NULL || !cohort_settings_load (db, community, &settings, error))
    {
      g_clear_pointer (&db, cohort_db_close);
      return NULL;
    }
  g_clear_pointer (&db, cohort_db_close);
  snap = data->snapshot->snapshot;
  cohort_metrics_default_range (snap, now, 0, &day0, &asof);
  data->retention = cohort_retention_compute_with_settings (snap, &settings, period, mode,
                                                            day0, asof);
  return g_steal_pointer (&data);
}

static void
load_request_free (LoadRequest *req)
{
  g_free (req->db_path);
  g_clear_pointer (&req->snapshot, cohort_snapshot_ref_unref);
  g_free (req);
}

static void
load_in_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  LoadRequest *req = task_data;
  GError *error = NULL;
  CohortActivityData *data;

  if (req->retention)
    data = cohort_retention_load (req->db_path, req->community, req->snapshot, req->period,
                                  req->mode, req->now, &error);
  else
    data = cohort_activity_load (req->db_path, req->community, req->snapshot, req->range_days,
                                 req->now, &error);
  if (data == NULL)
    g_task_return_error (task, error);
  else if (g_task_return_error_if_cancelled (task))
    cohort_activity_data_free (data);
  else
    g_task_return_pointer (task, data, (GDestroyNotify)cohort_activity_data_free);
}

static void
run_request (LoadRequest         *req,
             gpointer             source_tag,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, req, (GDestroyNotify)load_request_free);
  g_task_run_in_thread (task, load_in_thread);
}

static LoadRequest *
request_new (const char        *db_path,
             gint64             community,
             CohortSnapshotRef *snapshot,
             gint64             now)
{
  LoadRequest *req = g_new0 (LoadRequest, 1);

  req->db_path = g_strdup (db_path);
  req->community = community;
  req->snapshot = snapshot != NULL ? cohort_snapshot_ref_ref (snapshot) : NULL;
  req->now = now;
  return req;
}

void
cohort_activity_load_async (const char          *db_path,
                            gint64               community,
                            CohortSnapshotRef   *snapshot,
                            int                  range_days,
                            gint64               now,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  LoadRequest *req = request_new (db_path, community, snapshot, now);

  req->range_days = range_days;
  run_request (req, cohort_activity_load_async, cancellable, callback, user_data);
}

void
cohort_retention_load_async (const char            *db_path,
                             gint64                 community,
                             CohortSnapshotRef     *snapshot,
                             CohortRetentionPeriod  period,
                             CohortRetentionMode    mode,
                             gint64                 now,
                             GCancellable          *cancellable,
                             GAsyncReadyCallback    callback,
                             gpointer               user_data)
{
  LoadRequest *req = request_new (db_path, community, snapshot, now);

  req->retention = TRUE;
  req->period = period;
  req->mode = mode;
  run_request (req, cohort_retention_load_async, cancellable, callback, user_data);
}

CohortActivityData *
cohort_activity_load_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
