/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-people-loader"

#include "config.h"

#include "cohort-people-loader.h"

#include "cohort-settings.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>

typedef struct
{
  char   *db_path;
  GArray *excluded;    /* gint64 */
  int     range_days;
  gint64  now;
} LoadRequest;

static void
load_request_free (LoadRequest *req)
{
  g_free (req->db_path);
  g_array_unref (req->excluded);
  g_free (req);
}

void
cohort_people_data_free (CohortPeopleData *data)
{
  if (data == NULL)
    return;
  g_clear_pointer (&data->overview, cohort_overview_data_free);
  g_clear_pointer (&data->included, g_array_unref);
  g_free (data);
}

static gboolean
is_excluded (gint64        id,
             const gint64 *excluded,
             guint         n_excluded)
{
  for (guint i = 0; i < n_excluded; i++)
    if (excluded[i] == id)
      return TRUE;
  return FALSE;
}

CohortPeopleData *
cohort_people_load (const char    *db_path,
                    const gint64  *excluded,
                    guint          n_excluded,
                    int            range_days,
                    gint64         now,
                    GError       **error)
{
  g_autoptr(CohortPeopleData) data = g_new0 (CohortPeopleData, 1);
  CohortCommunitySettings settings;
  CohortOverviewData *ov;
  CohortDb *db;
  int day0, day1;

  data->overview = ov = g_new0 (CohortOverviewData, 1);
  data->included = g_array_new (FALSE, FALSE, sizeof (gint64));
  if (!g_file_test (db_path, G_FILE_TEST_EXISTS))
    {
      ov->communities = g_ptr_array_new_with_free_func ((GDestroyNotify)cohort_community_info_free);
      return g_steal_pointer (&data);
    }

  if (!(db = cohort_db_open (db_path, TRUE, error)))
    return NULL;
  if (!(ov->communities = cohort_db_list_communities (db, error)))
    {
      cohort_db_close (db);
      return NULL;
    }
  for (guint i = 0; i < ov->communities->len; i++)
    {
      CohortCommunityInfo *info = ov->communities->pdata[i];

      if (!is_excluded (info->id, excluded, n_excluded))
        g_array_append_val (data->included, info->id);
    }
  if (data->included->len > 0)
    {
      ov->community = g_array_index (data->included, gint64, 0);
      ov->snapshot = cohort_db_load_people_snapshot (db, (const gint64 *)data->included->data,
                                                     data->included->len, &data->counts, error);
      /* the thresholds of the first community, as its zone */
      if (ov->snapshot != NULL && !cohort_settings_load (db, ov->community, &settings, error))
        g_clear_pointer (&ov->snapshot, cohort_snapshot_free);
    }
  cohort_db_close (db);
  if (data->included->len > 0 && ov->snapshot == NULL)
    return NULL;

  if (ov->snapshot != NULL)
    {
      cohort_metrics_default_range (ov->snapshot, now, range_days, &day0, &day1);
      ov->overview = cohort_overview_compute_with_settings (ov->snapshot, &settings, day0, day1);
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
  CohortPeopleData *data;

  data = cohort_people_load (req->db_path, (const gint64 *)req->excluded->data, req->excluded->len,
                             req->range_days, req->now, &error);
  if (data == NULL)
    g_task_return_error (task, error);
  else if (g_task_return_error_if_cancelled (task))
    cohort_people_data_free (data);
  else
    g_task_return_pointer (task, data, (GDestroyNotify)cohort_people_data_free);
}

void
cohort_people_load_async (const char          *db_path,
                          const gint64        *excluded,
                          guint                n_excluded,
                          int                  range_days,
                          gint64               now,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  LoadRequest *req = g_new0 (LoadRequest, 1);

  req->db_path = g_strdup (db_path);
  req->excluded = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_array_append_vals (req->excluded, excluded, n_excluded);
  req->range_days = range_days;
  req->now = now;
  g_task_set_source_tag (task, cohort_people_load_async);
  g_task_set_task_data (task, req, (GDestroyNotify)load_request_free);
  g_task_run_in_thread (task, load_in_thread);
}

CohortPeopleData *
cohort_people_load_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

char *
cohort_people_describe_counts (const CohortPeopleCounts *counts)
{
  g_autofree char *p = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%" PRId64 " person",
                                                     "%" PRId64 " people", counts->people),
                                        counts->people);
  g_autofree char *c = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%" PRId64 " community",
                                                     "%" PRId64 " communities", counts->communities),
                                        counts->communities);
  g_autofree char *m = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%" PRId64 " membership",
                                                     "%" PRId64 " memberships", counts->memberships),
                                        counts->memberships);

  /* TRANSLATORS: "6 people" "in 3 communities", "8 memberships" */
  return g_strdup_printf (_("%s in %s, %s"), p, c, m);
}
