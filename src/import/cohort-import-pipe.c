/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-import"

#include "config.h"

#include "cohort-import-pipe.h"

/*
 * A batch is an array of operations whose strings live in one GStringChunk, so that sending a
 * message costs a few copies into a block and no malloc; a written batch is cleared and goes
 * back to the parser through the `empty` queue.  Only N_BATCHES exist, which bounds the
 * memory and makes the parser wait when the writer is behind.
 */

#define N_BATCHES  4
#define BATCH_OPS  2048

typedef enum
{
  OP_COMMUNITY,
  OP_MEMBER,
  OP_MESSAGE,
  OP_REACTION,
  OP_EVENT,
  OP_INVITE,
} OpKind;

typedef struct
{
  OpKind kind;
  guint community;
  union
  {
    struct { const char *platform, *platform_id, *name, *kind, *tz; } community;
    struct { const char *uid, *name; gboolean bot; } member;
    CohortMessageRecord message;
    struct { const char *msg_id, *emoji; gint64 count; } reaction;
    struct { const char *uid, *type, *ref; gint64 ts; } event;
    struct { const char *inviter, *invitee, *channel; gint64 ts; } invite;
  } u;
} Op;

typedef struct
{
  GArray *ops;
  GStringChunk *strings;
  char *progress_message;   /* owned; NULL when the batch carries no progress */
  double fraction;
  gboolean last;            /* the parser is done: nothing follows */
} Batch;

/* The writer's: messages of the batch being written that wait to go to the store in one
 * call, so that it can put many rows in one statement, and the reactions to the last of them
 * that came after it.  They point into the batch. */
typedef struct
{
  const CohortMessageRecord *messages[BATCH_OPS];
  const Op *reactions[BATCH_OPS];
  guint n_messages;
  guint n_reactions;
} Pending;

struct _CohortImportPipe
{
  /* the parse thread's */
  Batch *current;
  guint n_communities;

  /* the writing thread's */
  CohortImportTx *tx;
  Pending *pending;          /* owned */
  GArray *community_ids;     /* gint64 by handle - 1 */
  CohortImportResult *result;
  CohortImportProgressFunc progress;
  gpointer progress_data;
  GError *write_error;

  /* shared */
  GAsyncQueue *full;
  GAsyncQueue *empty;
  int failed;                /* atomic: the writer stopped */

  CohortImportPipeParse parse;
  gpointer parse_data;
  GError *parse_error;       /* set by the parse thread, read after it is joined */
  gboolean parse_ok;
};

static Batch *
batch_new (void)
{
  Batch *batch = g_new0 (Batch, 1);

  batch->ops = g_array_sized_new (FALSE, FALSE, sizeof (Op), BATCH_OPS);
  batch->strings = g_string_chunk_new (64 * 1024);
  return batch;
}

static void
batch_reset (Batch *batch)
{
  g_array_set_size (batch->ops, 0);
  g_string_chunk_clear (batch->strings);
  g_clear_pointer (&batch->progress_message, g_free);
  batch->last = FALSE;
}

static void
batch_free (Batch *batch)
{
  g_array_unref (batch->ops);
  g_string_chunk_free (batch->strings);
  g_free (batch->progress_message);
  g_free (batch);
}

/* ------------------------------------------------------------------------------------------ */
/* The parse side                                                                              */

static void
send_current (CohortImportPipe *pipe,
              gboolean          last)
{
  pipe->current->last = last;
  g_async_queue_push (pipe->full, pipe->current);
  pipe->current = last ? NULL : g_async_queue_pop (pipe->empty);
}

static Op *
add_op (CohortImportPipe *pipe,
        OpKind            kind,
        guint             community)
{
  Op *op;

  if (pipe->current->ops->len >= BATCH_OPS)
    send_current (pipe, FALSE);
  g_array_set_size (pipe->current->ops, pipe->current->ops->len + 1);
  op = &g_array_index (pipe->current->ops, Op, pipe->current->ops->len - 1);
  op->kind = kind;
  op->community = community;
  return op;
}

static const char *
copy (CohortImportPipe *pipe,
      const char       *text)
{
  return text != NULL ? g_string_chunk_insert (pipe->current->strings, text) : NULL;
}

guint
cohort_import_pipe_community (CohortImportPipe *pipe,
                              const char       *platform,
                              const char       *platform_id,
                              const char       *name,
                              const char       *kind,
                              const char       *tz)
{
  guint handle = ++pipe->n_communities;
  Op *op = add_op (pipe, OP_COMMUNITY, handle);

  op->u.community.platform = copy (pipe, platform);
  op->u.community.platform_id = copy (pipe, platform_id);
  op->u.community.name = copy (pipe, name);
  op->u.community.kind = copy (pipe, kind);
  op->u.community.tz = copy (pipe, tz);
  return handle;
}

void
cohort_import_pipe_member (CohortImportPipe *pipe,
                           guint             community,
                           const char       *platform_uid,
                           const char       *display_name,
                           gboolean          is_bot)
{
  Op *op = add_op (pipe, OP_MEMBER, community);

  op->u.member.uid = copy (pipe, platform_uid);
  op->u.member.name = copy (pipe, display_name);
  op->u.member.bot = is_bot;
}

void
cohort_import_pipe_message (CohortImportPipe          *pipe,
                            guint                      community,
                            const CohortMessageRecord *record)
{
  Op *op = add_op (pipe, OP_MESSAGE, community);
  CohortMessageRecord *r = &op->u.message;

  *r = *record;
  r->platform_msg_id = copy (pipe, record->platform_msg_id);
  r->member_uid = copy (pipe, record->member_uid);
  r->reply_to = copy (pipe, record->reply_to);
  r->text = copy (pipe, record->text);
  /* mech_reason is one of the classifier's static strings. */
}

void
cohort_import_pipe_reaction (CohortImportPipe *pipe,
                             guint             community,
                             const char       *platform_msg_id,
                             const char       *emoji,
                             gint64            count)
{
  Op *op = add_op (pipe, OP_REACTION, community);

  op->u.reaction.msg_id = copy (pipe, platform_msg_id);
  op->u.reaction.emoji = copy (pipe, emoji);
  op->u.reaction.count = count;
}

void
cohort_import_pipe_event (CohortImportPipe *pipe,
                          guint             community,
                          const char       *member_uid,
                          gint64            ts,
                          const char       *type,
                          const char       *ref)
{
  Op *op = add_op (pipe, OP_EVENT, community);

  op->u.event.uid = copy (pipe, member_uid);
  op->u.event.type = copy (pipe, type);
  op->u.event.ref = copy (pipe, ref);
  op->u.event.ts = ts;
}

void
cohort_import_pipe_invite (CohortImportPipe *pipe,
                           guint             community,
                           const char       *inviter_uid,
                           const char       *invitee_uid,
                           gint64            ts,
                           const char       *channel)
{
  Op *op = add_op (pipe, OP_INVITE, community);

  op->u.invite.inviter = copy (pipe, inviter_uid);
  op->u.invite.invitee = copy (pipe, invitee_uid);
  op->u.invite.channel = copy (pipe, channel);
  op->u.invite.ts = ts;
}

void
cohort_import_pipe_progress (CohortImportPipe *pipe,
                             double            fraction,
                             const char       *message)
{
  g_free (pipe->current->progress_message);
  pipe->current->progress_message = g_strdup (message);
  pipe->current->fraction = fraction;
  /* A batch is sent when full; progress is also worth a batch of its own when the messages
   * are few and the file is long (big media entries), so the bar moves. */
  if (pipe->current->ops->len > 0)
    send_current (pipe, FALSE);
}

void
cohort_import_pipe_context_progress (CohortImportPipe    *pipe,
                                     CohortImportContext *ctx,
                                     goffset              done,
                                     gint64               messages)
{
  g_autofree char *message = NULL;
  double fraction;

  if (ctx->progress == NULL)
    return;
  message = cohort_import_context_progress_text (ctx, done, messages, &fraction);
  cohort_import_pipe_progress (pipe, fraction, message);
}

gboolean
cohort_import_pipe_failed (CohortImportPipe *pipe)
{
  return g_atomic_int_get (&pipe->failed) != 0;
}

gboolean
cohort_import_pipe_check (CohortImportPipe  *pipe,
                          GError           **error)
{
  if (!cohort_import_pipe_failed (pipe))
    return TRUE;
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the writer stopped");
  return FALSE;
}

static gpointer
parse_thread (gpointer data)
{
  CohortImportPipe *pipe = data;

  pipe->parse_ok = pipe->parse (pipe, pipe->parse_data, &pipe->parse_error);
  send_current (pipe, TRUE);
  return NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* The writing side                                                                            */

static gint64
community_id (CohortImportPipe *pipe,
              guint             handle)
{
  g_assert (handle >= 1 && handle <= pipe->community_ids->len);
  return g_array_index (pipe->community_ids, gint64, handle - 1);
}

static gboolean
write_community (CohortImportPipe  *pipe,
                 const Op          *op,
                 GError           **error)
{
  gint64 id = cohort_import_tx_community (pipe->tx, op->u.community.platform,
                                          op->u.community.platform_id, op->u.community.name,
                                          op->u.community.kind, op->u.community.tz, error);

  if (id == 0)
    return FALSE;
  g_assert (op->community == pipe->community_ids->len + 1);
  g_array_append_val (pipe->community_ids, id);
  g_ptr_array_add (pipe->result->community_ids, g_memdup2 (&id, sizeof id));
  return TRUE;
}

static gboolean
write_op (CohortImportPipe  *pipe,
          const Op          *op,
          GError           **error)
{
  gint64 community;

  if (op->kind == OP_COMMUNITY)
    return write_community (pipe, op, error);
  community = community_id (pipe, op->community);
  switch (op->kind)
    {
    case OP_MEMBER:
      return cohort_import_tx_member (pipe->tx, community, op->u.member.uid, op->u.member.name,
                                      op->u.member.bot, error);
    case OP_REACTION:
      return cohort_import_tx_reaction (pipe->tx, community, op->u.reaction.msg_id,
                                        op->u.reaction.emoji, op->u.reaction.count, error);
    case OP_EVENT:
      return cohort_import_tx_event (pipe->tx, community, op->u.event.uid, op->u.event.ts,
                                     op->u.event.type, op->u.event.ref, error);
    case OP_INVITE:
      return cohort_import_tx_invite (pipe->tx, community, op->u.invite.inviter,
                                      op->u.invite.invitee, op->u.invite.ts,
                                      op->u.invite.channel, error);
    case OP_COMMUNITY:
    case OP_MESSAGE:
    default:
      g_assert_not_reached ();
    }
}

static gboolean
write_pending (CohortImportPipe  *pipe,
               GError           **error)
{
  Pending *pending = pipe->pending;
  gboolean ok = cohort_import_tx_messages (pipe->tx, pending->messages, pending->n_messages,
                                           error);

  for (guint i = 0; ok && i < pending->n_reactions; i++)
    ok = write_op (pipe, pending->reactions[i], error);
  pending->n_messages = 0;
  pending->n_reactions = 0;
  return ok;
}

static gboolean
reacts_to_last_pending (CohortImportPipe *pipe,
                        const Op         *op)
{
  Pending *pending = pipe->pending;
  const CohortMessageRecord *last;

  if (pending->n_messages == 0)
    return FALSE;
  last = pending->messages[pending->n_messages - 1];
  return last->community == community_id (pipe, op->community) &&
         g_strcmp0 (last->platform_msg_id, op->u.reaction.msg_id) == 0;
}

/*
 * Writes op, or keeps it for write_pending ().  What waits and what does not keeps the rows
 * exactly those of writing each operation in turn:
 * - a message's sender is added at once, as cohort_import_tx_message () would before the
 *   row, so that members keep the order (and ids) they had; the message waits;
 * - members, events and invites never read messages: written at once;
 * - a reaction reads its message's row: it waits, after the messages, when it is to the last
 *   waiting message (the exporters write a message's reactions right after it); anything
 *   else is written after the waiting messages.
 */
static gboolean
write_or_keep (CohortImportPipe  *pipe,
               Op                *op,
               GError           **error)
{
  Pending *pending = pipe->pending;
  CohortMessageRecord *message;

  switch (op->kind)
    {
    case OP_MESSAGE:
      message = &op->u.message;
      message->community = community_id (pipe, op->community);
      if (message->member_uid != NULL &&
          !cohort_import_tx_member (pipe->tx, message->community, message->member_uid, NULL,
                                    FALSE, error))
        return FALSE;
      pending->messages[pending->n_messages++] = message;
      return TRUE;
    case OP_MEMBER:
    case OP_EVENT:
    case OP_INVITE:
      return write_op (pipe, op, error);
    case OP_REACTION:
      if (reacts_to_last_pending (pipe, op))
        {
          pending->reactions[pending->n_reactions++] = op;
          return TRUE;
        }
      break;
    case OP_COMMUNITY:
    default:
      break;
    }
  return write_pending (pipe, error) && write_op (pipe, op, error);
}

static void
write_batch (CohortImportPipe *pipe,
             Batch            *batch,
             GCancellable     *cancellable)
{
  gboolean ok = TRUE;

  /* The strings of the waiting operations live in the batch: all of it is written before
   * the batch goes back to the parser. */
  for (guint i = 0; ok && i < batch->ops->len; i++)
    ok = write_or_keep (pipe, &g_array_index (batch->ops, Op, i), &pipe->write_error);
  if (ok)
    ok = write_pending (pipe, &pipe->write_error);
  if (!ok || g_cancellable_set_error_if_cancelled (cancellable, &pipe->write_error))
    {
      /* Nothing is written after a failure: what waited points into this batch. */
      pipe->pending->n_messages = 0;
      pipe->pending->n_reactions = 0;
      g_atomic_int_set (&pipe->failed, 1);
      return;
    }
  if (batch->progress_message != NULL && pipe->progress != NULL)
    pipe->progress (batch->fraction, batch->progress_message, pipe->progress_data);
}

gboolean
cohort_import_pipe_run (CohortImportTx            *tx,
                        CohortImportPipeParse      parse,
                        gpointer                   parse_data,
                        CohortImportResult        *result,
                        CohortImportProgressFunc   progress,
                        gpointer                   progress_data,
                        GCancellable              *cancellable,
                        GError                   **error)
{
  CohortImportPipe pipe = { 0, };
  GThread *thread;
  gboolean last = FALSE;

  pipe.tx = tx;
  pipe.result = result;
  pipe.progress = progress;
  pipe.progress_data = progress_data;
  pipe.parse = parse;
  pipe.parse_data = parse_data;
  pipe.community_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  pipe.pending = g_new0 (Pending, 1);
  pipe.full = g_async_queue_new ();
  pipe.empty = g_async_queue_new ();
  pipe.current = batch_new ();
  for (guint i = 1; i < N_BATCHES; i++)
    g_async_queue_push (pipe.empty, batch_new ());

  thread = g_thread_new ("cohort-parse", parse_thread, &pipe);
  /* Every batch is taken and handed back, written or not, so that the parser never waits
   * for a writer that has stopped. */
  while (!last)
    {
      Batch *batch = g_async_queue_pop (pipe.full);

      if (!cohort_import_pipe_failed (&pipe))
        write_batch (&pipe, batch, cancellable);
      last = batch->last;
      batch_reset (batch);
      g_async_queue_push (pipe.empty, batch);
    }
  g_thread_join (thread);

  for (Batch *batch; (batch = g_async_queue_try_pop (pipe.empty)) != NULL; )
    batch_free (batch);
  g_async_queue_unref (pipe.full);
  g_async_queue_unref (pipe.empty);
  g_array_unref (pipe.community_ids);
  g_free (pipe.pending);

  if (pipe.write_error != NULL)
    {
      g_clear_error (&pipe.parse_error);
      g_propagate_error (error, pipe.write_error);
      return FALSE;
    }
  if (!pipe.parse_ok)
    {
      g_assert (pipe.parse_error != NULL);
      g_propagate_error (error, pipe.parse_error);
      return FALSE;
    }
  g_clear_error (&pipe.parse_error);
  return TRUE;
}
