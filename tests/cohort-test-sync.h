/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cohort-source-probe.h"
#include "cohort-sync-job.h"

G_BEGIN_DECLS

/* Runs a sync job to its end on the test's main context, as the window would, and returns
 * its summary (free with g_free) or NULL with error set. */
CohortSyncSummary *cohort_test_run_sync (CohortSyncJob  *job,
                                         GCancellable   *cancellable,
                                         GError        **error);
/* Runs Test Connection (cohort_source_probe_async ()) to its end the same way: the sentence
 * naming what answered, or NULL with error set. */
char              *cohort_test_probe    (SoupSession             *session,
                                         const CohortSourceInfo  *source,
                                         const char              *secret,
                                         GError                 **error);

G_END_DECLS
