/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "cohort-secret-store.h"
#include "cohort-store-sources.h"

G_BEGIN_DECLS

/*
 * CohortSyncJob: one sync of one source.  HTTP goes through the caller's SoupSession,
 * asynchronously on the thread that runs the job (the main thread); every page is parsed and
 * written on the job's worker thread, which owns its own write connection and one import
 * transaction for the whole sync.  Success commits the records and the source's new cursor
 * together; an error or a cancel rolls everything back and records only the source's status,
 * so the data is exactly as before.  "pages", "items" and "message" are notified on the main
 * thread as pages arrive.
 */

#define COHORT_TYPE_SYNC_JOB (cohort_sync_job_get_type ())

G_DECLARE_FINAL_TYPE (CohortSyncJob, cohort_sync_job, COHORT, SYNC_JOB, GObject)

typedef struct
{
  guint  pages;
  gint64 items;            /* new rows of every kind */
  gint64 members_added;
  gint64 messages_added;
  gint64 messages_present; /* fetched again, already in the database */
  gint64 reactions_added;
  gint64 events_added;
  gint64 invites_added;
  gint64 stats_added;
} CohortSyncSummary;

CohortSyncJob     *cohort_sync_job_new         (SoupSession       *session,
                                                CohortSecretStore *secrets,
                                                const char        *db_path,
                                                const char        *source);
/* Use this secret instead of the keyring's (the CLI's environment variable). */
void               cohort_sync_job_set_secret  (CohortSyncJob     *self,
                                                const char        *secret);
void               cohort_sync_job_run_async   (CohortSyncJob     *self,
                                                GCancellable      *cancellable,
                                                GAsyncReadyCallback callback,
                                                gpointer           user_data);
CohortSyncSummary *cohort_sync_job_run_finish  (CohortSyncJob     *self,
                                                GAsyncResult      *result,
                                                GError           **error);
guint              cohort_sync_job_get_pages   (CohortSyncJob     *self);
gint64             cohort_sync_job_get_items   (CohortSyncJob     *self);
const char        *cohort_sync_job_get_message (CohortSyncJob     *self);
/* The source as read when the sync started (NULL before). */
const CohortSourceInfo *cohort_sync_job_get_source (CohortSyncJob *self);

/* Whether this version can sync sources of kind ("discourse", "wecom", "chatlog"). */
gboolean           cohort_sync_kind_supported  (const char        *kind);
gboolean           cohort_sync_kind_needs_secret (const char      *kind);

/* The process's one HTTP session for sources: created on first use, on the main thread. */
SoupSession       *cohort_sync_default_session (void);

G_END_DECLS
