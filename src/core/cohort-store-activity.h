/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cohort-store.h"

G_BEGIN_DECLS

/*
 * Message texts for the Activity & Content page: hot keywords, @-mentions and the audit of
 * mechanical replies need the text, which the columnar snapshot does not carry.  Rows come
 * in timestamp order and name members by their snapshot index, so they line up with the
 * snapshot they were loaded for.
 */

typedef struct
{
  gint64  ts;
  guint   member;         /* snapshot member index */
  int     reply_member;   /* snapshot index of the replied-to message's sender, or -1 */
  guint8  kind;           /* CohortMessageKind, never SYSTEM */
  guint8  is_mech;
  char   *mech_reason;    /* "STOPLIST_ZH" …, NULL for a genuine message */
  char   *text;           /* NULL when the message has none */
} CohortTextMessage;

CohortTextMessage *cohort_text_message_new  (gint64             ts,
                                             guint              member,
                                             int                reply_member,
                                             int                kind,
                                             gboolean           is_mech,
                                             const char        *mech_reason,
                                             const char        *text);
void               cohort_text_message_free (CohortTextMessage *message);

/**
 * cohort_db_load_texts:
 * @db: a connection owned by the calling thread
 * @community: the community id
 * @snapshot: the community's snapshot, used to map members to their indexes
 * @ts0: first instant, inclusive (UTC seconds)
 * @ts1: last instant, exclusive
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type CohortTextMessage): the non-system messages of
 * members known to @snapshot in [@ts0, @ts1), oldest first, or %NULL on error.
 */
GPtrArray         *cohort_db_load_texts     (CohortDb          *db,
                                             gint64             community,
                                             CohortSnapshot    *snapshot,
                                             gint64             ts0,
                                             gint64             ts1,
                                             GError           **error);

/**
 * cohort_db_community_fingerprint:
 * @db: a connection owned by the calling thread
 * @community: the community id
 * @error: return location for an error
 *
 * A text that changes whenever anything a snapshot is built from may have changed: any
 * import or removed import (of any community), a member flagged as staff or bot, a new
 * time zone, a changed setting or mechanical-reply rule, and any bump of the community's
 * snapshot generation (a rename, a sync).  A page can keep its
 * snapshot across recomputes while the fingerprint stays the same.
 *
 * Returns: (transfer full): the fingerprint, or %NULL on error.
 */
char              *cohort_db_community_fingerprint (CohortDb *db,
                                                    gint64    community,
                                                    GError  **error);

G_END_DECLS
