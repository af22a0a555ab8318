/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/*
 * Why a sync or a connection test failed, in the categories an operator can act on.  Every
 * error a source reports is one of these; cohort_sync_error_describe() turns it into plain
 * words that say what to do next.
 */

#define COHORT_SYNC_ERROR (cohort_sync_error_quark ())

/* libsoup 3.2 names no constant for it. */
#define COHORT_HTTP_TOO_MANY_REQUESTS 429

typedef enum
{
  COHORT_SYNC_ERROR_AUTH,          /* 401/403, WeCom bad secret: wrong key or user */
  COHORT_SYNC_ERROR_RATE_LIMIT,    /* 429 even after waiting as asked */
  COHORT_SYNC_ERROR_SERVER,        /* 5xx, or the platform reported an error */
  COHORT_SYNC_ERROR_NOT_FOUND,     /* 404: wrong address */
  COHORT_SYNC_ERROR_TLS,           /* certificate or handshake failure */
  COHORT_SYNC_ERROR_TIMEOUT,
  COHORT_SYNC_ERROR_OFFLINE,       /* no route, name not resolved, connection refused */
  COHORT_SYNC_ERROR_MALFORMED,     /* the answer was not the JSON we expect */
  COHORT_SYNC_ERROR_TOKEN_EXPIRED, /* WeCom 40014/42001: fetch a new token and retry */
  COHORT_SYNC_ERROR_CONFIG,        /* the source itself is incomplete */
  COHORT_SYNC_ERROR_CANCELLED,
} CohortSyncError;

GQuark    cohort_sync_error_quark        (void);

/* Maps a transport error (GIO, TLS, resolver) to a CohortSyncError; takes ownership. */
GError   *cohort_sync_error_from_transport (GError       *error,
                                            const char   *host);
/* Maps a finished HTTP status that is not a success; NULL for 2xx. */
GError   *cohort_sync_error_from_status  (guint         status,
                                          const char   *host);
/* A sentence for the window or the terminal: what went wrong and what to do about it. */
char     *cohort_sync_error_describe     (const GError *error);
gboolean  cohort_sync_error_is_cancelled (const GError *error);
/* The source row keeps the error as code and technical text, not as a sentence, so that it
 * is described in the language of whoever reads it later. */
char     *cohort_sync_error_to_stored    (const GError *error);
char     *cohort_sync_error_describe_stored (const char *stored);

G_END_DECLS
