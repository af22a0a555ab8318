/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "cohort-store-sources.h"
#include "cohort-sync-error.h"

G_BEGIN_DECLS

/*
 * What one kind of source (Discourse, WeCom, chatlog) plugs into CohortSyncJob.  The job owns
 * the HTTP (one SoupSession, async on the main thread) and the transaction (on its worker);
 * a driver only says which request comes next and how a page becomes records:
 *
 *   main thread:  next_request (state, last page) → a request, or NULL when the sync is done
 *   worker:       parse_page (context, request, JSON) → records written into ctx->tx, and a
 *                 small CohortSyncPage of plain values for next_request to decide with
 *   main thread:  cursor (state) → the JSON stored with the source when the sync commits
 */

typedef struct
{
  char     *step;          /* the driver's name for the request, e.g. "posts" */
  char     *arg;           /* extra value parse_page needs (a floor id, a report type) */
  char     *method;        /* "GET" or "POST" */
  char     *url;
  char     *body;          /* JSON for POST, or NULL */
  char     *api_key;       /* Discourse headers; NULL elsewhere.  Never logged. */
  char     *api_username;
  gboolean  optional;      /* 403/404 mean "not available with this key": skip the step */
} CohortSyncRequest;

typedef struct
{
  char     *step;          /* copied from the request */
  guint     rows;          /* records the page held */
  guint     added;         /* of them, new to the database */
  gint64    min_id;
  gint64    max_id;
  gint64    total;         /* the platform's total, when it says (0 otherwise) */
  gboolean  skipped;       /* an optional step the server refused */
  char     *next;          /* the platform's cursor or token for what follows, if any */
  char     *note;          /* extra plain value (a group id list, a name) */
} CohortSyncPage;

/* Worker-side: lives on the worker thread for the length of one sync. */
typedef struct
{
  CohortDb       *db;
  CohortImportTx *tx;
  gint64          source_id;
  char           *base_url;
  char           *today;       /* UTC day the sync started, YYYY-MM-DD */
  gint64          community;   /* set by the driver once it knows it */
  GHashTable     *communities; /* platform id → community id (gint64 *), for multi-group sources */
  gint64          stats_added;
  gint64          now;         /* when the sync started, epoch seconds */
} CohortSyncContext;

typedef struct
{
  const char *kind;
  gboolean    secret_optional;   /* chatlog runs locally without a key */
  gpointer          (*state_new)    (const CohortSourceInfo *source,
                                     const char             *secret,
                                     JsonObject             *cursor,
                                     gint64                  now);
  void              (*state_free)   (gpointer                state);
  CohortSyncRequest *(*next_request) (gpointer               state,
                                      const CohortSyncPage  *last);
  /* Called when a page said the token expired: the next request must fetch a new one. */
  void              (*token_expired) (gpointer               state);
  gboolean          (*parse_page)   (CohortSyncContext      *ctx,
                                     const CohortSyncRequest *request,
                                     JsonNode               *root,
                                     CohortSyncPage         *page,
                                     GError                **error);
  char             *(*cursor)       (gpointer                state);
  /* Test Connection: one request, and a sentence about what answered (worker side). */
  CohortSyncRequest *(*probe)         (const CohortSourceInfo *source,
                                       const char             *secret);
  char             *(*describe_probe) (JsonNode               *root,
                                       GError                **error);
} CohortSyncDriver;

CohortSyncRequest *cohort_sync_request_new   (const char        *step,
                                              const char        *method,
                                              const char        *url);
void               cohort_sync_request_free  (CohortSyncRequest *request);
void               cohort_sync_page_clear    (CohortSyncPage    *page);

const CohortSyncDriver *cohort_sync_driver_find (const char *kind);

extern const CohortSyncDriver cohort_discourse_driver;
extern const CohortSyncDriver cohort_wecom_driver;
extern const CohortSyncDriver cohort_chatlog_driver;

/* Helpers shared by the drivers (worker side). */
/* The address a user typed, without surrounding blanks and trailing slashes. */
char       *cohort_sync_trim_base   (const char  *url);
const char *cohort_sync_json_string (JsonObject  *object,
                                     const char  *member);
gint64      cohort_sync_json_int    (JsonObject  *object,
                                     const char  *member);
gint64      cohort_sync_parse_time  (const char  *iso8601);
gboolean    cohort_sync_stat        (CohortSyncContext *ctx,
                                     gint64       community,
                                     const char  *metric,
                                     const char  *day,
                                     const char  *scope,
                                     JsonNode    *value,
                                     GError     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CohortSyncRequest, cohort_sync_request_free)

G_END_DECLS
