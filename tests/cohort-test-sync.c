/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "cohort-test-sync.h"

static void
store_result_cb (GObject      *object,
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

  cohort_sync_job_run_async (job, cancellable, store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return cohort_sync_job_run_finish (job, result, error);
}

char *
cohort_test_probe (SoupSession             *session,
                   const CohortSourceInfo  *source,
                   const char              *secret,
                   GError                 **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  cohort_source_probe_async (session, source, secret, NULL, store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return cohort_source_probe_finish (result, error);
}
