/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-discord"

#include "config.h"

#include "cohort-discord-message.h"

#include <stddef.h>
#include <string.h>

#include "cohort-format.h"

/*
 * Building a JsonNode tree per message and walking it cost two thirds of a Discord import's
 * parse thread (≈ 80k of 120k instructions a message).  Here the events land in fixed slots
 * instead, like cohort-telegram-message.c: a slot per member the importer reads, with string
 * buffers reused from one message to the next.
 *
 * Each open container that is read has a frame saying what it is (the message, its author,
 * its attachments array, one reaction, …) and which struct its members land in.  A member is
 * found in its frame's table of names; the table gives where its value goes and, for an
 * object or array that is read too, the frame its container opens.  Every other container
 * is passed over, counting its depth only, so that a file nested too deep is refused as it
 * was when the tree was built.
 */

typedef enum
{
  CTX_NONE,            /* not read: passed over */
  CTX_MESSAGE,         /* object: the message */
  CTX_BODY,            /* object: forwardedMessage */
  CTX_USER,            /* object: author, or mentions[0] */
  CTX_REFERENCE,       /* object: reference */
  CTX_ATTACHMENTS,     /* array: only element 0 is read */
  CTX_ATTACHMENT,      /* object: attachments[0] */
  CTX_COUNTED,         /* array: stickers, embeds; only counted */
  CTX_REACTIONS,       /* array: every object element is read */
  CTX_REACTION,        /* object: one of them */
  CTX_EMOJI,           /* object: its emoji */
  CTX_MENTIONS,        /* array: only element 0 is read */
} Context;

/* Every member name that any context reads; cohort-discord-keys.gperf maps a name to one. */
typedef enum
{
  KEY_ID,
  KEY_TYPE,
  KEY_TIMESTAMP,
  KEY_TIMESTAMP_EDITED,
  KEY_CONTENT,
  KEY_AUTHOR,
  KEY_REFERENCE,
  KEY_FORWARDED_MESSAGE,
  KEY_ATTACHMENTS,
  KEY_STICKERS,
  KEY_EMBEDS,
  KEY_POLL,
  KEY_REACTIONS,
  KEY_MENTIONS,
  KEY_NAME,
  KEY_NICKNAME,
  KEY_IS_BOT,
  KEY_MESSAGE_ID,
  KEY_FILE_NAME,
  KEY_URL,
  KEY_EMOJI,
  KEY_COUNT,
  N_KEYS
} Key;

#include "cohort-discord-keys.h"

typedef struct
{
  gboolean    read;    /* the context reads this member */
  gsize       value;   /* offset of the member's CohortDiscordValue in the frame's struct */
  Context     child;   /* what a container value of the member is read as */
  gsize       target;  /* offset of the struct the child frame fills */
} Member;

#define NO_CHILD CTX_NONE, 0

#define MSG(field) offsetof (CohortDiscordMessage, field)
#define BODY(field) offsetof (CohortDiscordBody, field)
#define USER(field) offsetof (CohortDiscordUser, field)
#define REACTION(field) offsetof (CohortDiscordReaction, field)

/* Each object context's members, indexed by Key. */
static const Member message_members[N_KEYS] = {
  [KEY_ID] = { TRUE, MSG (id), NO_CHILD },
  [KEY_TYPE] = { TRUE, MSG (type), NO_CHILD },
  [KEY_TIMESTAMP] = { TRUE, MSG (timestamp), NO_CHILD },
  [KEY_TIMESTAMP_EDITED] = { TRUE, MSG (timestamp_edited), NO_CHILD },
  [KEY_CONTENT] = { TRUE, MSG (body.content), NO_CHILD },
  [KEY_AUTHOR] = { TRUE, MSG (author.self), CTX_USER, MSG (author) },
  [KEY_REFERENCE] = { TRUE, MSG (reference), CTX_REFERENCE, 0 },
  [KEY_FORWARDED_MESSAGE] = { TRUE, MSG (forwarded.self), CTX_BODY, MSG (forwarded) },
  [KEY_ATTACHMENTS] = { TRUE, MSG (body.attachments), CTX_ATTACHMENTS, MSG (body) },
  [KEY_STICKERS] = { TRUE, MSG (body.stickers), CTX_COUNTED, 0 },
  [KEY_EMBEDS] = { TRUE, MSG (body.embeds), CTX_COUNTED, 0 },
  [KEY_POLL] = { TRUE, MSG (body.poll), NO_CHILD },
  [KEY_REACTIONS] = { TRUE, MSG (body.reactions), CTX_REACTIONS, MSG (body) },
  [KEY_MENTIONS] = { TRUE, MSG (mentions), CTX_MENTIONS, MSG (first_mention) },
};

static const Member body_members[N_KEYS] = {
  [KEY_CONTENT] = { TRUE, BODY (content), NO_CHILD },
  [KEY_ATTACHMENTS] = { TRUE, BODY (attachments), CTX_ATTACHMENTS, 0 },
  [KEY_STICKERS] = { TRUE, BODY (stickers), CTX_COUNTED, 0 },
  [KEY_EMBEDS] = { TRUE, BODY (embeds), CTX_COUNTED, 0 },
  [KEY_POLL] = { TRUE, BODY (poll), NO_CHILD },
  [KEY_REACTIONS] = { TRUE, BODY (reactions), CTX_REACTIONS, 0 },
};

static const Member user_members[N_KEYS] = {
  [KEY_ID] = { TRUE, USER (id), NO_CHILD },
  [KEY_NAME] = { TRUE, USER (name), NO_CHILD },
  [KEY_NICKNAME] = { TRUE, USER (nickname), NO_CHILD },
  [KEY_IS_BOT] = { TRUE, USER (is_bot), NO_CHILD },
};

static const Member reference_members[N_KEYS] = {
  [KEY_TYPE] = { TRUE, MSG (reference_type), NO_CHILD },
  [KEY_MESSAGE_ID] = { TRUE, MSG (reference_message_id), NO_CHILD },
};

static const Member attachment_members[N_KEYS] = {
  [KEY_FILE_NAME] = { TRUE, BODY (file_name), NO_CHILD },
  [KEY_URL] = { TRUE, BODY (url), NO_CHILD },
};

static const Member reaction_members[N_KEYS] = {
  [KEY_EMOJI] = { TRUE, REACTION (emoji), CTX_EMOJI, 0 },
  [KEY_COUNT] = { TRUE, REACTION (count), NO_CHILD },
};

static const Member emoji_members[N_KEYS] = {
  [KEY_ID] = { TRUE, REACTION (emoji_id), NO_CHILD },
  [KEY_NAME] = { TRUE, REACTION (emoji_name), NO_CHILD },
};

/* The object contexts' member tables. */
static const Member *
members_of (Context ctx)
{
  switch (ctx)
    {
    case CTX_MESSAGE:
      return message_members;
    case CTX_BODY:
      return body_members;
    case CTX_USER:
      return user_members;
    case CTX_REFERENCE:
      return reference_members;
    case CTX_ATTACHMENT:
      return attachment_members;
    case CTX_REACTION:
      return reaction_members;
    case CTX_EMOJI:
      return emoji_members;
    case CTX_NONE:
    case CTX_ATTACHMENTS:
    case CTX_COUNTED:
    case CTX_REACTIONS:
    case CTX_MENTIONS:
    default:
      return NULL;
    }
}

static gboolean
is_array_context (Context ctx)
{
  return ctx == CTX_ATTACHMENTS || ctx == CTX_COUNTED || ctx == CTX_REACTIONS ||
         ctx == CTX_MENTIONS;
}

/* The deepest read container: a forwarded message's reaction's emoji (depth 5). */
#define MAX_FRAMES 8

typedef struct
{
  Context             ctx;
  gpointer            target;  /* the struct the members land in */
  CohortDiscordValue *array;   /* for an array: its own value, to count the elements */
  const Member       *member;  /* for an object: the member being read, or NULL */
} Frame;

struct _CohortDiscordReader
{
  CohortDiscordMessage message;
  Frame frames[MAX_FRAMES];
  int depth;                   /* containers open, the message object being 1 */
  int ignore_from;             /* > 0: inside a passed-over container opened at this depth */
};

/* ------------------------------------------------------------------------------------------ */
/* Slots                                                                                       */

static void
value_clear (CohortDiscordValue *v)
{
  if (v->text != NULL)
    g_string_free (v->text, TRUE);
}

static void
value_reset (CohortDiscordValue *v)
{
  v->type = COHORT_DISCORD_ABSENT;
  v->length = 0;
}

static void
user_reset (CohortDiscordUser *u)
{
  value_reset (&u->self);
  value_reset (&u->id);
  value_reset (&u->name);
  value_reset (&u->nickname);
  value_reset (&u->is_bot);
}

static void
user_clear (CohortDiscordUser *u)
{
  value_clear (&u->self);
  value_clear (&u->id);
  value_clear (&u->name);
  value_clear (&u->nickname);
  value_clear (&u->is_bot);
}

static void
reaction_free (gpointer data)
{
  CohortDiscordReaction *reaction = data;

  value_clear (&reaction->emoji);
  value_clear (&reaction->emoji_id);
  value_clear (&reaction->emoji_name);
  value_clear (&reaction->count);
  g_free (reaction);
}

static void
attachment_reset (CohortDiscordBody *b)
{
  value_reset (&b->first_attachment);
  value_reset (&b->file_name);
  value_reset (&b->url);
}

static void
body_reset (CohortDiscordBody *b)
{
  value_reset (&b->self);
  value_reset (&b->content);
  value_reset (&b->attachments);
  attachment_reset (b);
  value_reset (&b->stickers);
  value_reset (&b->embeds);
  value_reset (&b->poll);
  value_reset (&b->reactions);
  b->n_reactions = 0;
}

static void
body_clear (CohortDiscordBody *b)
{
  value_clear (&b->self);
  value_clear (&b->content);
  value_clear (&b->attachments);
  value_clear (&b->first_attachment);
  value_clear (&b->file_name);
  value_clear (&b->url);
  value_clear (&b->stickers);
  value_clear (&b->embeds);
  value_clear (&b->poll);
  value_clear (&b->reactions);
  g_ptr_array_unref (b->reaction_slots);
}

static void
message_reset (CohortDiscordMessage *m)
{
  value_reset (&m->id);
  value_reset (&m->type);
  value_reset (&m->timestamp);
  value_reset (&m->timestamp_edited);
  user_reset (&m->author);
  value_reset (&m->reference);
  value_reset (&m->reference_type);
  value_reset (&m->reference_message_id);
  body_reset (&m->body);
  body_reset (&m->forwarded);
  value_reset (&m->mentions);
  user_reset (&m->first_mention);
}

/* A member read again replaces all that the earlier one held, down to its children. */
static void
child_reset (Context  ctx,
             gpointer target)
{
  CohortDiscordMessage *m = target;
  CohortDiscordReaction *reaction = target;

  switch (ctx)
    {
    case CTX_BODY:
      body_reset (target);
      break;
    case CTX_USER:
    case CTX_MENTIONS:
      user_reset (target);
      break;
    case CTX_REFERENCE:
      value_reset (&m->reference_type);
      value_reset (&m->reference_message_id);
      break;
    case CTX_ATTACHMENTS:
      attachment_reset (target);
      break;
    case CTX_REACTIONS:
      ((CohortDiscordBody *)target)->n_reactions = 0;
      break;
    case CTX_EMOJI:
      value_reset (&reaction->emoji_id);
      value_reset (&reaction->emoji_name);
      break;
    case CTX_NONE:
    case CTX_MESSAGE:
    case CTX_ATTACHMENT:
    case CTX_COUNTED:
    case CTX_REACTION:
    default:
      break;
    }
}

/* json-glib keeps a string up to its first (escaped) NUL. */
static void
value_set_string (CohortDiscordValue *v,
                  const char         *value,
                  gsize               len)
{
  len = strnlen (value, len);
  if (v->text == NULL)
    v->text = g_string_sized_new (MAX (len, 32));
  g_string_set_size (v->text, len);
  memcpy (v->text->str, value, len);
  v->type = COHORT_DISCORD_STRING;
}

/* As cohort_json_builder_add_number (): a double with any of ".eE", else strtoll. */
static void
value_set_number (CohortDiscordValue *v,
                  const char         *value,
                  gsize               len)
{
  char digits[64];
  g_autofree char *copy = NULL;
  const char *text = digits;

  if (len < sizeof digits)
    {
      memcpy (digits, value, len);
      digits[len] = '\0';
    }
  else
    text = copy = g_strndup (value, len);
  if (strpbrk (text, ".eE") != NULL)
    {
      v->real = g_ascii_strtod (text, NULL);
      v->type = COHORT_DISCORD_DOUBLE;
      return;
    }
  v->integer = g_ascii_strtoll (text, NULL, 10);
  v->type = COHORT_DISCORD_INT;
}

/* ------------------------------------------------------------------------------------------ */
/* Frames                                                                                      */

static CohortDiscordValue *
member_value (const Frame *f)
{
  return (CohortDiscordValue *)((char *)f->target + f->member->value);
}

/* The slot a scalar at the current depth goes to: a read member, or NULL.  An element of a
 * read array only counts. */
static CohortDiscordValue *
scalar_slot (CohortDiscordReader *r)
{
  Frame *f;

  if (r->ignore_from > 0)
    return NULL;
  f = &r->frames[r->depth];
  if (is_array_context (f->ctx))
    {
      f->array->length++;
      return NULL;
    }
  return f->member != NULL ? member_value (f) : NULL;
}

static void
push (CohortDiscordReader *r,
      Context              ctx,
      gpointer             target,
      CohortDiscordValue  *array)
{
  Frame *f = &r->frames[r->depth];

  f->ctx = ctx;
  f->target = target;
  f->array = array;
  f->member = NULL;
}

static CohortDiscordReaction *
next_reaction (CohortDiscordBody *b)
{
  CohortDiscordReaction *reaction;

  if (b->n_reactions == b->reaction_slots->len)
    g_ptr_array_add (b->reaction_slots, g_new0 (CohortDiscordReaction, 1));
  reaction = g_ptr_array_index (b->reaction_slots, b->n_reactions++);
  value_reset (&reaction->emoji);
  value_reset (&reaction->emoji_id);
  value_reset (&reaction->emoji_name);
  value_reset (&reaction->count);
  return reaction;
}

/* An object element of a read array: TRUE when a frame was pushed for it. */
static gboolean
open_element_object (CohortDiscordReader *r,
                     Frame               *parent,
                     guint                index)
{
  CohortDiscordBody *b = parent->target;
  CohortDiscordUser *u = parent->target;

  switch (parent->ctx)
    {
    case CTX_ATTACHMENTS:
      if (index != 0)
        return FALSE;
      b->first_attachment.type = COHORT_DISCORD_OBJECT;
      push (r, CTX_ATTACHMENT, b, NULL);
      return TRUE;
    case CTX_REACTIONS:
      push (r, CTX_REACTION, next_reaction (b), NULL);
      return TRUE;
    case CTX_MENTIONS:
      if (index != 0)
        return FALSE;
      u->self.type = COHORT_DISCORD_OBJECT;
      push (r, CTX_USER, u, NULL);
      return TRUE;
    case CTX_NONE:
    case CTX_MESSAGE:
    case CTX_BODY:
    case CTX_USER:
    case CTX_REFERENCE:
    case CTX_ATTACHMENT:
    case CTX_COUNTED:
    case CTX_REACTION:
    case CTX_EMOJI:
    default:
      return FALSE;
    }
}

/* The container just opened at r->depth, inside parent: TRUE when it is read. */
static gboolean
open_container (CohortDiscordReader *r,
                Frame               *parent,
                gboolean             is_array)
{
  const Member *member = parent->member;
  CohortDiscordValue *value;

  if (r->depth >= MAX_FRAMES)
    return FALSE;
  if (is_array_context (parent->ctx))
    {
      guint index = parent->array->length++;

      return !is_array && open_element_object (r, parent, index);
    }
  if (member == NULL)
    return FALSE;
  value = member_value (parent);
  value->type = is_array ? COHORT_DISCORD_ARRAY : COHORT_DISCORD_OBJECT;
  if (member->child == CTX_NONE || is_array != is_array_context (member->child))
    return FALSE;
  push (r, member->child, (char *)parent->target + member->target, value);
  return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* Events                                                                                      */

CohortDiscordReader *
cohort_discord_reader_new (void)
{
  CohortDiscordReader *r = g_new0 (CohortDiscordReader, 1);

  r->message.body.reaction_slots = g_ptr_array_new_with_free_func (reaction_free);
  r->message.forwarded.reaction_slots = g_ptr_array_new_with_free_func (reaction_free);
  return r;
}

void
cohort_discord_reader_free (CohortDiscordReader *r)
{
  CohortDiscordMessage *m;

  if (r == NULL)
    return;
  m = &r->message;
  value_clear (&m->id);
  value_clear (&m->type);
  value_clear (&m->timestamp);
  value_clear (&m->timestamp_edited);
  user_clear (&m->author);
  value_clear (&m->reference);
  value_clear (&m->reference_type);
  value_clear (&m->reference_message_id);
  body_clear (&m->body);
  body_clear (&m->forwarded);
  value_clear (&m->mentions);
  user_clear (&m->first_mention);
  g_free (r);
}

void
cohort_discord_reader_begin (CohortDiscordReader *r)
{
  message_reset (&r->message);
  r->depth = 1;
  r->ignore_from = 0;
  push (r, CTX_MESSAGE, &r->message, NULL);
}

gboolean
cohort_discord_reader_start (CohortDiscordReader *r,
                             gboolean             is_array)
{
  if (r->depth >= COHORT_JSON_MAX_DEPTH)
    return FALSE;
  r->depth++;
  if (r->ignore_from == 0 && !open_container (r, &r->frames[r->depth - 1], is_array))
    r->ignore_from = r->depth;
  return TRUE;
}

gboolean
cohort_discord_reader_end (CohortDiscordReader *r)
{
  int closing = r->depth--;

  if (r->ignore_from > 0)
    {
      if (closing == r->ignore_from)
        r->ignore_from = 0;
      return FALSE;
    }
  return closing == 1;
}

/* The Key a member name is, or -1.  json-glib's member name ends at an escaped NUL like
 * its strings; no name has a NUL, so only a key that is not found is looked at again. */
static int
key_of (const char *key,
        gsize       len)
{
  const struct DiscordKeyName *found = discord_key_lookup (key, len);
  gsize cut;

  if (found == NULL && (cut = strnlen (key, len)) < len)
    found = discord_key_lookup (key, cut);
  return found != NULL ? found->key : -1;
}

void
cohort_discord_reader_key (CohortDiscordReader *r,
                           const char          *key,
                           gsize                len)
{
  Frame *f;
  const Member *members, *m;
  int k;

  if (r->ignore_from > 0)
    return;
  f = &r->frames[r->depth];
  f->member = NULL;
  members = members_of (f->ctx);
  if (members == NULL || (k = key_of (key, len)) < 0 || !members[k].read)
    return;
  m = &members[k];
  f->member = m;
  value_reset (member_value (f));
  if (m->child != CTX_NONE)
    child_reset (m->child, (char *)f->target + m->target);
}

void
cohort_discord_reader_string (CohortDiscordReader *r,
                              const char          *value,
                              gsize                len)
{
  CohortDiscordValue *v = scalar_slot (r);

  if (v != NULL)
    value_set_string (v, value, len);
}

void
cohort_discord_reader_number (CohortDiscordReader *r,
                              const char          *value,
                              gsize                len)
{
  CohortDiscordValue *v = scalar_slot (r);

  if (v != NULL)
    value_set_number (v, value, len);
}

void
cohort_discord_reader_boolean (CohortDiscordReader *r,
                               gboolean             value)
{
  CohortDiscordValue *v = scalar_slot (r);

  if (v == NULL)
    return;
  v->boolean = value;
  v->type = COHORT_DISCORD_BOOLEAN;
}

void
cohort_discord_reader_null (CohortDiscordReader *r)
{
  CohortDiscordValue *v = scalar_slot (r);

  if (v != NULL)
    v->type = COHORT_DISCORD_NULL;
}

const CohortDiscordMessage *
cohort_discord_reader_message (CohortDiscordReader *r)
{
  return &r->message;
}

/* ------------------------------------------------------------------------------------------ */
/* Values                                                                                      */

const char *
cohort_discord_value_string (const CohortDiscordValue *v)
{
  return v->type == COHORT_DISCORD_STRING ? v->text->str : NULL;
}

/* Snowflakes are strings in DCE; numbers are tolerated. */
const char *
cohort_discord_value_id_in (const CohortDiscordValue *v,
                            char                      digits[COHORT_DISCORD_ID_DIGITS])
{
  if (v->type == COHORT_DISCORD_STRING)
    return v->text->len > 0 ? v->text->str : NULL;
  if (v->type == COHORT_DISCORD_INT)
    {
      g_snprintf (digits, COHORT_DISCORD_ID_DIGITS, "%" G_GINT64_FORMAT, v->integer);
      return digits;
    }
  return NULL;
}

char *
cohort_discord_value_id (const CohortDiscordValue *v)
{
  char digits[COHORT_DISCORD_ID_DIGITS];

  return g_strdup (cohort_discord_value_id_in (v, digits));
}

gint64
cohort_discord_value_count (const CohortDiscordValue *v)
{
  switch (v->type)
    {
    case COHORT_DISCORD_INT:
      return v->integer;
    case COHORT_DISCORD_DOUBLE:
      return (gint64)v->real;
    case COHORT_DISCORD_STRING:
      return g_ascii_strtoll (v->text->str, NULL, 10);
    case COHORT_DISCORD_ABSENT:
    case COHORT_DISCORD_NULL:
    case COHORT_DISCORD_BOOLEAN:
    case COHORT_DISCORD_OBJECT:
    case COHORT_DISCORD_ARRAY:
    default:
      return 0;
    }
}

gboolean
cohort_discord_value_true (const CohortDiscordValue *v)
{
  return v->type == COHORT_DISCORD_BOOLEAN && v->boolean;
}
