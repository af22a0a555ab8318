/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "cohort-store-sources.h"

G_BEGIN_DECLS

/*
 * Test Connection: one request to a source that is not saved yet, with the secret the user
 * just typed.  The request goes out on session from the calling (main) thread; the answer is
 * parsed on a worker.  Finishes with a sentence naming what answered, or a COHORT_SYNC_ERROR.
 */

void  cohort_source_probe_async  (SoupSession            *session,
                                  const CohortSourceInfo *source,
                                  const char             *secret,
                                  GCancellable           *cancellable,
                                  GAsyncReadyCallback     callback,
                                  gpointer                user_data);
char *cohort_source_probe_finish (GAsyncResult           *result,
                                  GError                **error);

G_END_DECLS
