/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-activity-loader"

#include "config.h"

#include "cohort-activity-loader.h"
#include "cohort-settings.h"

/* Text rows of [ts0, ts1), as cohort_db_load_texts () returned them (it owns the rows). */
typedef struct
{
  gint64     ts0;
  gint64     ts1;
  GPtrArray *rows;
} TextSegment;

struct _CohortSnapshotRef
{
  CohortSnapshot *snapshot;   /* owned; read-only once shared */
  gint64          community;
  char           *fingerprint;/* cohort_db_community_fingerprint () when it was loaded */

  /* The texts loaded so far for this snapshot: disjoint, in time order, only ever added to
   * while the snapshot is current (they change only with what the fingerprint watches). */
  GMutex          texts_lock;
  GArray         *texts;      /* TextSegment */
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
  for (guint i = 0; i < ref->texts->len; i++)
    g_ptr_array_unref (g_array_index (ref->texts, TextSegment, i).rows);
  g_array_unref (ref->texts);
  g_mutex_clear (&ref->texts_lock);
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
  g_mutex_init (&ref->texts_lock);
  ref->texts = g_array_new (FALSE, FALSE, sizeof (TextSegment));
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

/* The first row of rows (in time order) at or after ts. */
static guint
first_at_or_after (GPtrArray *rows,
                   gint64     ts)
{
  guint lo = 0, hi = rows->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (((CohortTextMessage *)rows->pdata[mid])->ts < ts)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

static int
compare_segments (gconstpointer a,
                  gconstpointer b)
{
  const TextSegment *x = a, *y = b;

  return (x->ts0 > y->ts0) - (x->ts0 < y->ts0);
}

/* Loads the parts of [ts0, ts1) no segment holds yet.  Called with texts_lock held. */
static gboolean
fill_text_gaps (CohortSnapshotRef  *ref,
                CohortDb           *db,
                gint64              ts0,
                gint64              ts1,
                GError            **error)
{
  g_autoptr(GArray) gaps = g_array_new (FALSE, FALSE, sizeof (TextSegment));
  gint64 cursor = ts0;
  gboolean ok = TRUE;

  for (guint i = 0; i < ref->texts->len && cursor < ts1; i++)
    {
      const TextSegment *seg = &g_array_index (ref->texts, TextSegment, i);

      if (seg->ts1 <= cursor)
        continue;
      if (seg->ts0 >= ts1)
        break;
      if (seg->ts0 > cursor)
        g_array_append_val (gaps, ((TextSegment) { cursor, seg->ts0, NULL }));
      cursor = MAX (cursor, seg->ts1);
    }
  if (cursor < ts1)
    g_array_append_val (gaps, ((TextSegment) { cursor, ts1, NULL }));

  /* The gaps loaded before one that fails are kept: they are whole and correct. */
  for (guint i = 0; ok && i < gaps->len; i++)
    {
      TextSegment *gap = &g_array_index (gaps, TextSegment, i);

      gap->rows = cohort_db_load_texts (db, ref->community, ref->snapshot, gap->ts0, gap->ts1,
                                        error);
      if ((ok = gap->rows != NULL))
        g_array_append_val (ref->texts, *gap);
    }
  g_array_sort (ref->texts, compare_segments);
  return ok;
}

GPtrArray *
cohort_snapshot_ref_load_texts (CohortSnapshotRef  *ref,
                                CohortDb           *db,
                                gint64              ts0,
                                gint64              ts1,
                                GError            **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&ref->texts_lock);
  g_autoptr(GPtrArray) view = g_ptr_array_new ();

  g_return_val_if_fail (db != NULL, NULL);

  if (ts0 >= ts1)
    return g_steal_pointer (&view);
  if (!fill_text_gaps (ref, db, ts0, ts1, error))
    return NULL;
  for (guint i = 0; i < ref->texts->len; i++)
    {
      const TextSegment *seg = &g_array_index (ref->texts, TextSegment, i);
      guint first, end;

      if (seg->ts1 <= ts0 || seg->ts0 >= ts1)
        continue;
      first = first_at_or_after (seg->rows, ts0);
      end = first_at_or_after (seg->rows, ts1);
      for (guint j = first; j < end; j++)
        g_ptr_array_add (view, seg->rows->pdata[j]);
    }
  return g_steal_pointer (&view);
}

guint
cohort_snapshot_ref_n_texts_held (CohortSnapshotRef *ref)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&ref->texts_lock);
  guint n = 0;

  for (guint i = 0; i < ref->texts->len; i++)
    n += g_array_index (ref->texts, TextSegment, i).rows->len;
  return n;
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
  int day0, day1, before;

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
  before = day0 - (day1 - day0 + 1);
  texts = cohort_snapshot_ref_load_texts (data->snapshot, db,
                                          cohort_snapshot_day_start (snap, before),
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
