/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * One element of a DiscordChatExporter `messages` array, read straight from yajl's events:
 * only the members the importer uses are kept, each as json-glib would have held it (the
 * last of a repeated key wins, a string ends at an escaped NUL, a number with '.', 'e' or
 * 'E' is a double, any other a 64-bit integer), so the records are those the JsonNode tree
 * gave.
 */

typedef enum
{
  COHORT_DISCORD_ABSENT,
  COHORT_DISCORD_NULL,
  COHORT_DISCORD_BOOLEAN,
  COHORT_DISCORD_INT,
  COHORT_DISCORD_DOUBLE,
  COHORT_DISCORD_STRING,
  COHORT_DISCORD_OBJECT,
  COHORT_DISCORD_ARRAY,
} CohortDiscordValueType;

typedef struct
{
  CohortDiscordValueType type;
  gboolean boolean;
  gint64   integer;
  double   real;
  guint    length;     /* elements, when type is COHORT_DISCORD_ARRAY */
  GString *text;       /* the string, when type is COHORT_DISCORD_STRING; kept for reuse */
} CohortDiscordValue;

/* An `author`, or the first element of `mentions`. */
typedef struct
{
  CohortDiscordValue self;
  CohortDiscordValue id;
  CohortDiscordValue name;
  CohortDiscordValue nickname;
  CohortDiscordValue is_bot;
} CohortDiscordUser;

/* An object element of `reactions`. */
typedef struct
{
  CohortDiscordValue emoji;
  CohortDiscordValue emoji_id;
  CohortDiscordValue emoji_name;
  CohortDiscordValue count;
} CohortDiscordReaction;

/* What a message and its `forwardedMessage` both carry. */
typedef struct
{
  CohortDiscordValue self;
  CohortDiscordValue content;
  CohortDiscordValue attachments;
  CohortDiscordValue first_attachment;   /* element 0 of attachments */
  CohortDiscordValue file_name;          /* its members */
  CohortDiscordValue url;
  CohortDiscordValue stickers;
  CohortDiscordValue embeds;
  CohortDiscordValue poll;
  CohortDiscordValue reactions;
  GPtrArray *reaction_slots;             /* CohortDiscordReaction, kept for reuse */
  guint      n_reactions;                /* how many of them this message filled */
} CohortDiscordBody;

typedef struct
{
  CohortDiscordValue id;
  CohortDiscordValue type;
  CohortDiscordValue timestamp;
  CohortDiscordValue timestamp_edited;
  CohortDiscordUser  author;
  CohortDiscordValue reference;
  CohortDiscordValue reference_type;
  CohortDiscordValue reference_message_id;
  CohortDiscordBody  body;
  CohortDiscordBody  forwarded;         /* forwarded.self is `forwardedMessage` */
  CohortDiscordValue mentions;
  CohortDiscordUser  first_mention;
} CohortDiscordMessage;

typedef struct _CohortDiscordReader CohortDiscordReader;

CohortDiscordReader        *cohort_discord_reader_new     (void);
void                        cohort_discord_reader_free    (CohortDiscordReader *r);

/* The events of one message, from the start of its object (depth 1) to its end.  start
 * returns FALSE for a container deeper than COHORT_JSON_MAX_DEPTH; end returns TRUE when it
 * closed the message itself. */
void                        cohort_discord_reader_begin   (CohortDiscordReader *r);
gboolean                    cohort_discord_reader_start   (CohortDiscordReader *r,
                                                           gboolean             is_array);
gboolean                    cohort_discord_reader_end     (CohortDiscordReader *r);
void                        cohort_discord_reader_key     (CohortDiscordReader *r,
                                                           const char          *key,
                                                           gsize                len);
void                        cohort_discord_reader_string  (CohortDiscordReader *r,
                                                           const char          *value,
                                                           gsize                len);
void                        cohort_discord_reader_number  (CohortDiscordReader *r,
                                                           const char          *value,
                                                           gsize                len);
void                        cohort_discord_reader_boolean (CohortDiscordReader *r,
                                                           gboolean             value);
void                        cohort_discord_reader_null    (CohortDiscordReader *r);

/* The message just ended. */
const CohortDiscordMessage *cohort_discord_reader_message (CohortDiscordReader *r);

/* As the importer read JsonNodes: a string or NULL; an id (a non-empty string or an
 * integer) or NULL; a count (an integer, a double cut to one, a string's leading integer)
 * or 0; TRUE only for the boolean true. */
const char                 *cohort_discord_value_string   (const CohortDiscordValue *v);
char                       *cohort_discord_value_id       (const CohortDiscordValue *v);
/* cohort_discord_value_id () without a copy: the string slot itself (valid until the next
 * message begins) or the integer written into digits. */
#define COHORT_DISCORD_ID_DIGITS 24
const char                 *cohort_discord_value_id_in    (const CohortDiscordValue *v,
                                                           char                      digits[COHORT_DISCORD_ID_DIGITS]);
gint64                      cohort_discord_value_count    (const CohortDiscordValue *v);
gboolean                    cohort_discord_value_true     (const CohortDiscordValue *v);

G_END_DECLS
