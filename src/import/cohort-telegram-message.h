/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * One element of a Telegram `messages` array, read straight from yajl's events: only the
 * members the importer uses are kept, each as json-glib would have held it (the last of a
 * repeated key wins, a string ends at an escaped NUL, a number with '.', 'e' or 'E' is a
 * double, any other a 64-bit integer), so the records are those the JsonNode tree gave.
 */

typedef enum
{
  COHORT_TG_TYPE,
  COHORT_TG_ID,
  COHORT_TG_DATE,
  COHORT_TG_DATE_UNIXTIME,
  COHORT_TG_FROM,
  COHORT_TG_FROM_ID,
  COHORT_TG_ACTOR,
  COHORT_TG_ACTOR_ID,
  COHORT_TG_ACTION,
  COHORT_TG_TEXT,
  COHORT_TG_TEXT_ENTITIES,
  COHORT_TG_MEDIA_TYPE,
  COHORT_TG_PHOTO,
  COHORT_TG_FILE,
  COHORT_TG_POLL,
  COHORT_TG_LOCATION_INFORMATION,
  COHORT_TG_CONTACT_INFORMATION,
  COHORT_TG_FORWARDED_FROM,
  COHORT_TG_REPLY_TO_MESSAGE_ID,
  COHORT_TG_REPLY_TO_PEER_ID,
  COHORT_TG_EDITED,
  COHORT_TG_EDITED_UNIXTIME,
  COHORT_TG_INVITER,
  COHORT_TG_MEMBERS,
  COHORT_TG_REACTIONS,
  COHORT_TG_N_KEYS
} CohortTelegramKey;

typedef enum
{
  COHORT_TG_ABSENT,
  COHORT_TG_NULL,
  COHORT_TG_INT,
  COHORT_TG_STRING,
  COHORT_TG_ARRAY,
  COHORT_TG_OTHER,    /* a boolean, a double or an object */
} CohortTelegramValueType;

typedef struct
{
  char  *emoji;   /* what the reaction is keyed by: the emoji, "custom:<id>" or its type */
  gint64 count;
} CohortTelegramReaction;

typedef struct _CohortTelegramMessage CohortTelegramMessage;

CohortTelegramMessage  *cohort_telegram_message_new       (void);
void                    cohort_telegram_message_free      (CohortTelegramMessage *m);

/* The events of one message, from the start of its object (depth 1) to its end.  start
 * returns FALSE for a container deeper than COHORT_JSON_MAX_DEPTH; end returns TRUE when it
 * closed the message itself. */
void                    cohort_telegram_message_begin     (CohortTelegramMessage *m);
gboolean                cohort_telegram_message_start     (CohortTelegramMessage *m,
                                                           gboolean               is_array);
gboolean                cohort_telegram_message_end       (CohortTelegramMessage *m);
void                    cohort_telegram_message_key       (CohortTelegramMessage *m,
                                                           const char            *key,
                                                           gsize                  len);
void                    cohort_telegram_message_string    (CohortTelegramMessage *m,
                                                           const char            *value,
                                                           gsize                  len);
void                    cohort_telegram_message_number    (CohortTelegramMessage *m,
                                                           const char            *value,
                                                           gsize                  len);
void                    cohort_telegram_message_other     (CohortTelegramMessage *m,
                                                           gboolean               is_null);

/* What was read, for the message just ended. */
CohortTelegramValueType cohort_telegram_message_type      (CohortTelegramMessage *m,
                                                           CohortTelegramKey      key);
const char             *cohort_telegram_message_get_string (CohortTelegramMessage *m,
                                                            CohortTelegramKey      key);
gboolean                cohort_telegram_message_get_int   (CohortTelegramMessage *m,
                                                           CohortTelegramKey      key,
                                                           gint64                *out);
gboolean                cohort_telegram_message_has       (CohortTelegramMessage *m,
                                                           CohortTelegramKey      key);
/* `text` flattened (a string, or the strings and entity texts of an array), falling back to
 * `text_entities`; has_link tells whether an entity read was a link. */
const char             *cohort_telegram_message_text      (CohortTelegramMessage *m,
                                                           gboolean              *has_link);
/* `members`: one string or NULL per element. */
GPtrArray              *cohort_telegram_message_members   (CohortTelegramMessage *m);
/* `reactions`: the elements that name an emoji and a positive count. */
GArray                 *cohort_telegram_message_reactions (CohortTelegramMessage *m);

G_END_DECLS
