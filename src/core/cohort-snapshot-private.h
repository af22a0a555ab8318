/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cohort-snapshot.h"

G_BEGIN_DECLS

/*
 * For the code in src/core that fills a snapshot's columns directly instead of through the
 * builder (the persistent cache, cohort-snapshot-cache.c): allocate the columns, fill the
 * stored ones, then derive the rest exactly as cohort_snapshot_finish () does.
 */

CohortSnapshot *_cohort_snapshot_new_columns    (const char     *name,
                                                 const char     *platform,
                                                 const char     *tz_id,
                                                 guint           n_members,
                                                 guint           n_spans,
                                                 guint           n_messages);
void            _cohort_snapshot_alloc_columns  (CohortSnapshot *self,
                                                 guint           n_members,
                                                 guint           n_spans,
                                                 guint           n_messages);
void            _cohort_snapshot_index_members  (CohortSnapshot *self);
/* The member that builder message (in the order of add_message) replies to, for loaders
 * that learn it after adding the message. */
void            _cohort_snapshot_set_reply      (CohortSnapshot *self,
                                                 guint           message,
                                                 int             reply_member);
void            _cohort_snapshot_derive         (CohortSnapshot *self);
/* Moves the builder messages of part, all of them later than self's, after self's: a load
 * that reads a community's messages in time ranges at once puts them back in order. */
void            _cohort_snapshot_append_messages (CohortSnapshot *self,
                                                  CohortSnapshot *part);

G_END_DECLS
