/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cohort-format.h"

G_BEGIN_DECLS

/*
 * Parsing on one core and SQLite on the other.  cohort_import_pipe_run () starts the
 * format's parse function on a thread of its own; what it reads goes through the pipe in
 * batches (a bounded queue: the parser waits when the writer is four batches behind) and the
 * calling thread, which owns the database connection, writes it into the import
 * transaction in the order it was sent.
 *
 * The parse side never sees an id or an error from the database: a community is named by
 * the handle cohort_import_pipe_community () returns, and when a write fails the writer
 * stops, cohort_import_pipe_failed () turns TRUE, and the run returns the writer's error
 * (the earliest one in the file's order).  The caller rolls the transaction back as before.
 */

typedef struct _CohortImportPipe CohortImportPipe;

/* Runs on the parse thread.  May return FALSE without setting error once
 * cohort_import_pipe_failed () is TRUE. */
typedef gboolean (*CohortImportPipeParse) (CohortImportPipe *pipe,
                                           gpointer          data,
                                           GError          **error);

gboolean cohort_import_pipe_run        (CohortImportTx            *tx,
                                        CohortImportPipeParse      parse,
                                        gpointer                   parse_data,
                                        CohortImportResult        *result,
                                        CohortImportProgressFunc   progress,
                                        gpointer                   progress_data,
                                        GCancellable              *cancellable,
                                        GError                   **error);

/* The parse side.  Strings are copied; record->community is ignored in favour of the
 * handle.  Handles start at 1, so 0 can mean "not yet". */
guint    cohort_import_pipe_community  (CohortImportPipe          *pipe,
                                        const char                *platform,
                                        const char                *platform_id,
                                        const char                *name,
                                        const char                *kind,
                                        const char                *tz);
void     cohort_import_pipe_member     (CohortImportPipe          *pipe,
                                        guint                      community,
                                        const char                *platform_uid,
                                        const char                *display_name,
                                        gboolean                   is_bot);
void     cohort_import_pipe_message    (CohortImportPipe          *pipe,
                                        guint                      community,
                                        const CohortMessageRecord *record);
void     cohort_import_pipe_reaction   (CohortImportPipe          *pipe,
                                        guint                      community,
                                        const char                *platform_msg_id,
                                        const char                *emoji,
                                        gint64                     count);
void     cohort_import_pipe_event      (CohortImportPipe          *pipe,
                                        guint                      community,
                                        const char                *member_uid,
                                        gint64                     ts,
                                        const char                *type,
                                        const char                *ref);
void     cohort_import_pipe_invite     (CohortImportPipe          *pipe,
                                        guint                      community,
                                        const char                *inviter_uid,
                                        const char                *invitee_uid,
                                        gint64                     ts,
                                        const char                *channel);
/* Reported from the writing thread once everything sent before it is written. */
void     cohort_import_pipe_progress   (CohortImportPipe          *pipe,
                                        double                     fraction,
                                        const char                *message);
/* cohort_import_context_progress (), reported the same way. */
void     cohort_import_pipe_context_progress (CohortImportPipe    *pipe,
                                              CohortImportContext *ctx,
                                              goffset              done,
                                              gint64               messages);
gboolean cohort_import_pipe_failed     (CohortImportPipe          *pipe);
/* FALSE, with a stand-in error, once the writer has failed: for parsers whose error paths
 * need one.  The run returns the writer's error instead, so this one is never shown. */
gboolean cohort_import_pipe_check      (CohortImportPipe          *pipe,
                                        GError                   **error);

G_END_DECLS
