/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-overview-loader"

#include "config.h"

#include "cohort-overview-loader.h"
#include "cohort-settings.h"

#include "cohort-snapshot-cache.h"
#include "cohort-store-snapshot.h"

typedef struct
{
  char *db_path;
  gint64 community;
  int range_days;
  gint64 now;
} LoadRequest;

static void
load_request_free (LoadRequest *req)
{
  g_free (req->db_path);
  g_free (req);
}

void
cohort_overview_data_free (CohortOverviewData *data)
{
  if (data == NULL)
    return;
  g_clear_pointer (&data->communities, g_ptr_array_unref);
  g_clear_pointer (&data->snapshot, cohort_snapshot_free);
  g_clear_pointer (&data->overview, cohort_overview_free);
  g_free (data);
}

CohortOverviewData *
cohort_overview_load (const char  *db_path,
                      gint64       community,
                      int          range_days,
                      gint64       now,
                      GError     **error)
{
  g_autoptr(CohortOverviewData) data = g_new0 (CohortOverviewData, 1);
  CohortCommunitySettings settings;
  CohortDb *db;
  int day0, day1;

  /* The database may not exist yet on first launch: that is the empty state. */
  if (!g_file_test (db_path, G_FILE_TEST_EXISTS))
    {
      data->communities = g_ptr_array_new_with_free_func ((GDestroyNotify)cohort_community_info_free);
      return g_steal_pointer (&data);
    }

  if (!(db = cohort_db_open (db_path, TRUE, error)))
    return NULL;
  data->communities = cohort_db_list_communities (db, error);
  if (data->communities == NULL)
    {
      cohort_db_close (db);
      return NULL;
    }
  if (data->communities->len > 0)
    {
      gboolean found = FALSE;

      for (guint i = 0; i < data->communities->len; i++)
        if (((CohortCommunityInfo *)data->communities->pdata[i])->id == community)
          found = TRUE;
      data->community = found ? community
                              : ((CohortCommunityInfo *)data->communities->pdata[0])->id;
      data->snapshot = cohort_db_load_snapshot (db, data->community, error);
      if (data->snapshot != NULL &&
          !cohort_settings_load (db, data->community, &settings, error))
        g_clear_pointer (&data->snapshot, cohort_snapshot_free);
    }
  cohort_db_close (db);
  if (data->communities->len > 0 && data->snapshot == NULL)
    return NULL;

  if (data->snapshot != NULL)
    {
      cohort_metrics_default_range (data->snapshot, now, range_days, &day0, &day1);
      data->overview = cohort_overview_compute_with_settings (data->snapshot, &settings, day0, day1);
    }
  return g_steal_pointer (&data);
}

static void
load_in_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  LoadRequest *req = task_data;
  GError *error = NULL;
  CohortOverviewData *data;
  g_autoptr(GBytes) cache = NULL;
  gint64 community = 0, generation = 0;

  data = cohort_overview_load (req->db_path, req->community, req->range_days, req->now, &error);

  /* A snapshot from the tables is encoded here, while this thread still owns it, and
   * written to the cache only after the page has its numbers: the write waits for nobody
   * but costs tens of milliseconds at a million messages. */
  if (data != NULL && data->snapshot != NULL && !data->snapshot->from_cache &&
      !g_cancellable_is_cancelled (cancellable))
    {
      community = data->community;
      generation = data->snapshot->generation;
      cache = cohort_snapshot_cache_encode (data->snapshot, community);
    }

  if (data == NULL)
    g_task_return_error (task, error);
  else if (g_task_return_error_if_cancelled (task))
    cohort_overview_data_free (data);
  else
    g_task_return_pointer (task, data, (GDestroyNotify)cohort_overview_data_free);

  if (cache != NULL)
    cohort_snapshot_cache_write (req->db_path, community, generation, cache);
}

void
cohort_overview_load_async (const char          *db_path,
                            gint64               community,
                            int                  range_days,
                            gint64               now,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  LoadRequest *req = g_new0 (LoadRequest, 1);

  req->db_path = g_strdup (db_path);
  req->community = community;
  req->range_days = range_days;
  req->now = now;
  g_task_set_source_tag (task, cohort_overview_load_async);
  g_task_set_task_data (task, req, (GDestroyNotify)load_request_free);
  g_task_run_in_thread (task, load_in_thread);
}

CohortOverviewData *
cohort_overview_load_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
