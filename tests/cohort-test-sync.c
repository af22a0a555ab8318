/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "cohort-test-sync.h"

static void
run_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

CohortSyncSummary *
cohort_test_run_sync (CohortSyncJob  *job,
                      GCancellable   *cancellable,
                      GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  cohort_sync_job_run_async (job, cancellable, run_done_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return cohort_sync_job_run_finish (job, result, error);
}
