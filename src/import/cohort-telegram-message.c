/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-telegram"

#include "config.h"

#include "cohort-telegram-message.h"

#include <string.h>

#include "cohort-format.h"

/*
 * Building a JsonNode tree per message and walking it cost a third of a Telegram import
 * (≈ 30k instructions a message).  Here the events land in fixed slots instead: a slot per
 * message member the importer reads, with buffers that are reused from one message to the
 * next, so a message costs no allocation once the first few have been read.
 *
 * Depth 1 is the message object.  At depth 2 are the elements of the arrays that are read
 * (`text`, `text_entities`, `members`, `reactions`), at depth 3 the members of an entity or
 * a reaction object.  Any other container is passed over, counting its depth only, so that
 * a file nested too deep is refused as it was when the tree was built.
 */

typedef struct
{
  CohortTelegramValueType type;
  gint64 number;
  GString *text;        /* the string, when type is COHORT_TG_STRING; kept between messages */
} Value;

/* Members of an element object of `text`/`text_entities` (entity) or `reactions`. */
typedef enum
{
  SUB_TEXT,
  SUB_TYPE,
  SUB_EMOJI,
  SUB_DOCUMENT_ID,
  SUB_COUNT,
  N_SUBS
} SubKey;

#define KEY_NONE    (-1)   /* a member the importer does not read */
#define KEY_SKIPPED (-2)   /* text_entities after a plain text: not even kept */

/* text_entities repeats `text` piece by piece and is only read when `text` gives nothing.
 * After a non-empty string `text` it is passed over unread, as if absent (a quarter of each
 * message's JSON). */

struct _CohortTelegramMessage
{
  Value values[COHORT_TG_N_KEYS];
  GString *flat[2];          /* `text` and `text_entities` arrays, flattened */
  gboolean link[2];
  GPtrArray *members;
  GArray *reactions;         /* CohortTelegramReaction */

  Value subs[N_SUBS];        /* the element object being read at depth 3 */

  int depth;                 /* containers open, the message object being 1 */
  int ignore_from;           /* > 0: inside a passed-over container opened at this depth */
  int key;                   /* the member being read at depth 1: a CohortTelegramKey or KEY_* */
  int sub;                   /* the member being read at depth 3, or KEY_NONE */
  gboolean have_plain_text;  /* `text` was a non-empty string */
};

#include "cohort-telegram-keys.h"

static void
reaction_clear (gpointer data)
{
  g_free (((CohortTelegramReaction *)data)->emoji);
}

CohortTelegramMessage *
cohort_telegram_message_new (void)
{
  CohortTelegramMessage *m = g_new0 (CohortTelegramMessage, 1);

  m->flat[0] = g_string_new (NULL);
  m->flat[1] = g_string_new (NULL);
  m->members = g_ptr_array_new_with_free_func (g_free);
  m->reactions = g_array_new (FALSE, TRUE, sizeof (CohortTelegramReaction));
  g_array_set_clear_func (m->reactions, reaction_clear);
  return m;
}

static void
value_free (Value *v)
{
  if (v->text != NULL)
    g_string_free (v->text, TRUE);
}

void
cohort_telegram_message_free (CohortTelegramMessage *m)
{
  if (m == NULL)
    return;
  for (guint i = 0; i < COHORT_TG_N_KEYS; i++)
    value_free (&m->values[i]);
  for (guint i = 0; i < N_SUBS; i++)
    value_free (&m->subs[i]);
  g_string_free (m->flat[0], TRUE);
  g_string_free (m->flat[1], TRUE);
  g_ptr_array_unref (m->members);
  g_array_unref (m->reactions);
  g_free (m);
}

/* ------------------------------------------------------------------------------------------ */
/* Values                                                                                      */

/* The name's CohortTelegramKey, or with sub its SubKey; KEY_NONE for a name not read. */
static int
find_name (const char *key,
           gsize       len,
           gboolean    sub)
{
  const struct TelegramKeyName *found = telegram_key_lookup (key, len);

  if (found == NULL)
    return KEY_NONE;
  return sub ? found->sub : found->key;
}

/* json-glib keeps a string up to its first (escaped) NUL. */
static void
value_set_string (Value      *v,
                  const char *value,
                  gsize       len)
{
  len = strnlen (value, len);
  if (v->text == NULL)
    v->text = g_string_sized_new (MAX (len, 64));
  g_string_set_size (v->text, len);
  memcpy (v->text->str, value, len);
  v->type = COHORT_TG_STRING;
}

/* A string of 1 to 18 ASCII digits, optionally after '-': what every id and Unix time of an
 * export is, read without g_ascii_strtoll's locale-free set-up and overflow checks (18
 * digits cannot overflow).  FALSE for anything else, which strtoll then reads. */
static gboolean
short_decimal (const char *s,
               gsize       len,
               gint64     *out)
{
  gboolean negative = len > 0 && s[0] == '-';
  gint64 value = 0;

  if (negative)
    s++, len--;
  if (len == 0 || len > 18)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      if (s[i] < '0' || s[i] > '9')
        return FALSE;
      value = value * 10 + (s[i] - '0');
    }
  *out = negative ? -value : value;
  return TRUE;
}

static void
value_set_number (Value      *v,
                  const char *value,
                  gsize       len)
{
  char digits[64];

  v->type = COHORT_TG_INT;
  if (short_decimal (value, len, &v->number))
    return;
  /* As cohort_json_builder_add_number (): a double with any of ".eE", else strtoll. */
  if (memchr (value, '.', len) != NULL || memchr (value, 'e', len) != NULL ||
      memchr (value, 'E', len) != NULL)
    {
      v->type = COHORT_TG_OTHER;
      return;
    }
  if (len < sizeof digits)
    {
      memcpy (digits, value, len);
      digits[len] = '\0';
      v->number = g_ascii_strtoll (digits, NULL, 10);
    }
  else
    {
      g_autofree char *copy = g_strndup (value, len);
      v->number = g_ascii_strtoll (copy, NULL, 10);
    }
}

static const char *
value_string (const Value *v)
{
  return v->type == COHORT_TG_STRING ? v->text->str : NULL;
}

/* A number, or a string that is one whole integer. */
static gboolean
value_int (const Value *v,
           gint64      *out)
{
  char *end = NULL;

  if (v->type == COHORT_TG_INT)
    {
      *out = v->number;
      return TRUE;
    }
  if (v->type != COHORT_TG_STRING)
    return FALSE;
  if (short_decimal (v->text->str, v->text->len, out))
    return TRUE;
  *out = g_ascii_strtoll (v->text->str, &end, 10);
  return end != v->text->str && *end == '\0';
}

static gboolean
is_text_key (int key)
{
  return key == COHORT_TG_TEXT || key == COHORT_TG_TEXT_ENTITIES;
}

/* A member read again replaces what the earlier one held. */
static void
reset_member (CohortTelegramMessage *m,
              int                    key)
{
  m->values[key].type = COHORT_TG_ABSENT;
  if (is_text_key (key))
    {
      g_string_truncate (m->flat[key - COHORT_TG_TEXT], 0);
      m->link[key - COHORT_TG_TEXT] = FALSE;
    }
  else if (key == COHORT_TG_MEMBERS)
    g_ptr_array_set_size (m->members, 0);
  else if (key == COHORT_TG_REACTIONS)
    g_array_set_size (m->reactions, 0);
}

/* ------------------------------------------------------------------------------------------ */
/* Elements of the arrays that are read                                                        */

static void
begin_element_object (CohortTelegramMessage *m)
{
  for (guint i = 0; i < N_SUBS; i++)
    m->subs[i].type = COHORT_TG_ABSENT;
  m->sub = KEY_NONE;
}

static void
finish_entity (CohortTelegramMessage *m)
{
  int which = m->key - COHORT_TG_TEXT;
  const char *text = value_string (&m->subs[SUB_TEXT]);
  const char *type = value_string (&m->subs[SUB_TYPE]);

  if (text != NULL)
    g_string_append (m->flat[which], text);
  if (g_strcmp0 (type, "link") == 0 || g_strcmp0 (type, "text_link") == 0)
    m->link[which] = TRUE;
}

static void
finish_reaction (CohortTelegramMessage *m)
{
  const char *type = value_string (&m->subs[SUB_TYPE]);
  const char *emoji = value_string (&m->subs[SUB_EMOJI]);
  const char *doc = value_string (&m->subs[SUB_DOCUMENT_ID]);
  CohortTelegramReaction r = { NULL, 0 };
  gint64 doc_number = 0;

  if (emoji != NULL)
    r.emoji = g_strdup (emoji);
  else if (doc != NULL)
    r.emoji = g_strdup_printf ("custom:%s", doc);
  else if (value_int (&m->subs[SUB_DOCUMENT_ID], &doc_number))
    r.emoji = g_strdup_printf ("custom:%" G_GINT64_FORMAT, doc_number);
  else if (type != NULL && strcmp (type, "empty") != 0)
    r.emoji = g_strdup (type);
  if (r.emoji == NULL || !value_int (&m->subs[SUB_COUNT], &r.count) || r.count <= 0)
    {
      g_free (r.emoji);
      return;
    }
  g_array_append_val (m->reactions, r);
}

/* A scalar element of a read array (depth 2); is_string with value, else null/number/bool. */
static void
array_scalar (CohortTelegramMessage *m,
              gboolean               is_string,
              const char            *value,
              gsize                  len)
{
  if (is_text_key (m->key) && is_string)
    g_string_append_len (m->flat[m->key - COHORT_TG_TEXT], value, strnlen (value, len));
  else if (m->key == COHORT_TG_MEMBERS)
    g_ptr_array_add (m->members, is_string ? g_strndup (value, len) : NULL);
}

/* ------------------------------------------------------------------------------------------ */
/* Events                                                                                      */

/* What reset_member () does for every key, once each. */
void
cohort_telegram_message_begin (CohortTelegramMessage *m)
{
  for (guint i = 0; i < COHORT_TG_N_KEYS; i++)
    m->values[i].type = COHORT_TG_ABSENT;
  for (guint which = 0; which < 2; which++)
    {
      g_string_truncate (m->flat[which], 0);
      m->link[which] = FALSE;
    }
  if (m->members->len > 0)
    g_ptr_array_set_size (m->members, 0);
  if (m->reactions->len > 0)
    g_array_set_size (m->reactions, 0);
  m->depth = 1;
  m->ignore_from = 0;
  m->key = KEY_NONE;
  m->sub = KEY_NONE;
  m->have_plain_text = FALSE;
}

gboolean
cohort_telegram_message_start (CohortTelegramMessage *m,
                               gboolean               is_array)
{
  if (m->depth >= COHORT_JSON_MAX_DEPTH)
    return FALSE;
  m->depth++;
  if (m->ignore_from > 0)
    return TRUE;

  if (m->depth == 2 && m->key >= 0)
    {
      m->values[m->key].type = is_array ? COHORT_TG_ARRAY : COHORT_TG_OTHER;
      if (is_array && (is_text_key (m->key) || m->key == COHORT_TG_MEMBERS ||
                       m->key == COHORT_TG_REACTIONS))
        return TRUE;
    }
  else if (m->depth == 3 && !is_array &&
           (is_text_key (m->key) || m->key == COHORT_TG_REACTIONS))
    {
      begin_element_object (m);
      return TRUE;
    }
  else if (m->depth == 3 && m->key == COHORT_TG_MEMBERS)
    g_ptr_array_add (m->members, NULL);
  else if (m->depth == 4 && m->sub >= 0)
    m->subs[m->sub].type = COHORT_TG_OTHER;
  m->ignore_from = m->depth;
  return TRUE;
}

gboolean
cohort_telegram_message_end (CohortTelegramMessage *m)
{
  int closing = m->depth--;

  if (m->ignore_from > 0)
    {
      if (closing == m->ignore_from)
        m->ignore_from = 0;
      return FALSE;
    }
  if (closing == 3 && is_text_key (m->key))
    finish_entity (m);
  else if (closing == 3 && m->key == COHORT_TG_REACTIONS)
    finish_reaction (m);
  return closing == 1;
}

void
cohort_telegram_message_key (CohortTelegramMessage *m,
                             const char            *key,
                             gsize                  len)
{
  if (m->ignore_from > 0)
    return;
  if (m->depth == 3)
    {
      m->sub = find_name (key, len, TRUE);
      if (m->sub >= 0)
        m->subs[m->sub].type = COHORT_TG_ABSENT;
      return;
    }
  if (m->depth != 1)
    return;
  m->key = find_name (key, len, FALSE);
  if (m->key == COHORT_TG_TEXT_ENTITIES && m->have_plain_text)
    m->key = KEY_SKIPPED;
  else if (m->key >= 0)
    reset_member (m, m->key);
}

void
cohort_telegram_message_string (CohortTelegramMessage *m,
                                const char            *value,
                                gsize                  len)
{
  if (m->ignore_from > 0)
    return;
  if (m->depth == 1 && m->key >= 0)
    {
      value_set_string (&m->values[m->key], value, len);
      if (m->key == COHORT_TG_TEXT && m->values[m->key].text->len > 0)
        m->have_plain_text = TRUE;
    }
  else if (m->depth == 2)
    array_scalar (m, TRUE, value, len);
  else if (m->depth == 3 && m->sub >= 0)
    value_set_string (&m->subs[m->sub], value, len);
}

void
cohort_telegram_message_number (CohortTelegramMessage *m,
                                const char            *value,
                                gsize                  len)
{
  if (m->ignore_from > 0)
    return;
  if (m->depth == 1 && m->key >= 0)
    value_set_number (&m->values[m->key], value, len);
  else if (m->depth == 2)
    array_scalar (m, FALSE, NULL, 0);
  else if (m->depth == 3 && m->sub >= 0)
    value_set_number (&m->subs[m->sub], value, len);
}

void
cohort_telegram_message_other (CohortTelegramMessage *m,
                               gboolean               is_null)
{
  CohortTelegramValueType type = is_null ? COHORT_TG_NULL : COHORT_TG_OTHER;

  if (m->ignore_from > 0)
    return;
  if (m->depth == 1 && m->key >= 0)
    m->values[m->key].type = type;
  else if (m->depth == 2)
    array_scalar (m, FALSE, NULL, 0);
  else if (m->depth == 3 && m->sub >= 0)
    m->subs[m->sub].type = type;
}

/* ------------------------------------------------------------------------------------------ */
/* What was read                                                                               */

CohortTelegramValueType
cohort_telegram_message_type (CohortTelegramMessage *m,
                              CohortTelegramKey      key)
{
  return m->values[key].type;
}

const char *
cohort_telegram_message_get_string (CohortTelegramMessage *m,
                                    CohortTelegramKey      key)
{
  return value_string (&m->values[key]);
}

gboolean
cohort_telegram_message_get_int (CohortTelegramMessage *m,
                                 CohortTelegramKey      key,
                                 gint64                *out)
{
  return value_int (&m->values[key], out);
}

gboolean
cohort_telegram_message_has (CohortTelegramMessage *m,
                             CohortTelegramKey      key)
{
  return m->values[key].type != COHORT_TG_ABSENT;
}

const char *
cohort_telegram_message_text (CohortTelegramMessage *m,
                              gboolean              *has_link)
{
  *has_link = FALSE;
  for (int which = 0; which < 2; which++)
    {
      const Value *v = &m->values[COHORT_TG_TEXT + which];

      if (v->type == COHORT_TG_STRING && v->text->len > 0)
        return v->text->str;
      if (v->type != COHORT_TG_ARRAY)
        continue;
      *has_link = *has_link || m->link[which];
      if (m->flat[which]->len > 0)
        return m->flat[which]->str;
    }
  return "";
}

GPtrArray *
cohort_telegram_message_members (CohortTelegramMessage *m)
{
  return m->members;
}

GArray *
cohort_telegram_message_reactions (CohortTelegramMessage *m)
{
  return m->reactions;
}
