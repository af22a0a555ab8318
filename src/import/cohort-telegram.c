/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-telegram"

#include "config.h"

#include <inttypes.h>

#include "cohort-telegram.h"

#include <glib/gi18n-lib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "cohort-format.h"
#include "cohort-json-stream.h"
#include "cohort-import-pipe.h"
#include "cohort-mech.h"
#include "cohort-telegram-message.h"

/*
 * Telegram Desktop JSON (FORMATS.md §2a), read as a stream.
 *
 * yajl delivers parse events; a small frame stack knows where we are (root, the chats /
 * left_chats sections, a chat, its messages array).  Each element of a messages array is
 * read into a CohortTelegramMessage (the members the importer uses, straight from the
 * events), handled, and reset, so memory is bounded by one message rather than by the file
 * (json-glib's tree parser would need ~8× the file).
 *
 * Events that name people without ids (invite_members, remove_members, create_group, the
 * inviter of join_group_by_link) are deferred to the end of their chat, when every
 * (id, display name) pair of the chat has been seen and a name can be resolved (METRICS.md
 * §0.4).
 */

/* Larger than the importer's GBufferedInputStream (4 × COHORT_SNIFF_SIZE), so that once
 * the sniffed head is used up each read goes straight to the file instead of through the
 * buffer and one more copy of the whole export. */
#define CHUNK_SIZE (512 * 1024)
#define AMBIGUOUS "\x01"

typedef enum
{
  FRAME_ROOT,
  FRAME_SECTION,
  FRAME_CHAT_LIST,
  FRAME_CHAT,
  FRAME_MESSAGES,
  FRAME_SKIP,
} FrameRole;

typedef struct
{
  FrameRole role;
  char *key;
} Frame;

typedef struct
{
  gint64 ts;
  char *type;          /* "join", "kick", or "invite" (inviter by name, invitee known) */
  char *name;          /* the name to resolve; NULL when the export had null */
  char *inviter_uid;   /* for joins added by someone */
  char *invitee_uid;   /* for "invite" */
  char *ref;
} Deferred;

typedef struct
{
  char *name;
  char *type;
  char *id;
  gboolean full_account;
  gboolean skip;
  gboolean active;     /* its messages array has begun */
  guint community;     /* pipe handle, 0 until its first record */
  GTimeZone *tz;
  char *tz_id;
  GHashTable *name_to_uid;
  CohortContentKeys *content_keys;
  GArray *deferred;
  CohortMech *mech;
} Chat;

typedef struct
{
  /* read by the parse thread only, once cohort_import_pipe_run () has started it */
  CohortImportPipe *pipe;
  GInputStream *stream;
  goffset size;
  GCancellable *cancellable;
  gboolean report_progress;
  const CohortImportOptions *options;
  CohortImportResult *result;
  const char *display_name;
  GError *error;

  GArray *stack;
  Chat *root_chat;       /* the root object, which is the chat in a single-chat export */
  Chat *chat;            /* the chat whose messages are being read */
  gboolean saw_telegram_key;
  gboolean root_not_object;
  guint chats_imported;

  CohortTelegramMessage *message;  /* the element of a messages array being read */
  gboolean in_message;
  gint64 messages_seen;
} Parser;

/* ------------------------------------------------------------------------------------------ */
/* Chats                                                                                       */

static void
deferred_clear (gpointer data)
{
  Deferred *d = data;

  g_free (d->type);
  g_free (d->name);
  g_free (d->inviter_uid);
  g_free (d->invitee_uid);
  g_free (d->ref);
}

static Chat *
chat_new (gboolean full_account)
{
  Chat *chat = g_new0 (Chat, 1);

  chat->full_account = full_account;
  chat->name_to_uid = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  chat->content_keys = cohort_content_keys_new ();
  chat->deferred = g_array_new (FALSE, TRUE, sizeof (Deferred));
  g_array_set_clear_func (chat->deferred, deferred_clear);
  chat->mech = cohort_mech_new ();
  return chat;
}

static void
chat_free (Chat *chat)
{
  if (chat == NULL)
    return;
  g_free (chat->name);
  g_free (chat->type);
  g_free (chat->id);
  g_free (chat->tz_id);
  g_clear_pointer (&chat->tz, g_time_zone_unref);
  g_hash_table_unref (chat->name_to_uid);
  cohort_content_keys_free (chat->content_keys);
  g_array_unref (chat->deferred);
  cohort_mech_free (chat->mech);
  g_free (chat);
}

static gboolean
is_personal_type (const char *type)
{
  static const char * const personal[] = {
    "personal_chat", "bot_chat", "saved_messages", "replies",
  };

  for (guint i = 0; type != NULL && i < G_N_ELEMENTS (personal); i++)
    if (strcmp (type, personal[i]) == 0)
      return TRUE;
  return FALSE;
}

/* Zone of the exporting machine: `date` is its wall clock and `date_unixtime` the instant,
 * so their difference is its UTC offset at that moment. */
static char *
zone_for_offset (gint64 offset,
                 gint64 at)
{
  g_autoptr(GTimeZone) local = g_time_zone_new_local ();
  const char *local_id = g_time_zone_get_identifier (local);
  int interval = g_time_zone_find_interval (local, G_TIME_TYPE_UNIVERSAL, at);

  if (interval >= 0 && g_time_zone_get_offset (local, interval) == offset &&
      local_id != NULL && strcmp (local_id, "Local") != 0 && *local_id != '\0')
    return g_strdup (local_id);
  if (offset == 8 * 3600)
    return g_strdup ("Asia/Shanghai");
  if (offset == 0)
    return g_strdup ("UTC");
  return g_strdup_printf ("%c%02d:%02d", offset < 0 ? '-' : '+',
                          (int)(ABS (offset) / 3600), (int)(ABS (offset) % 3600 / 60));
}

static void
chat_set_zone (Chat       *chat,
               const char *tz_id)
{
  g_free (chat->tz_id);
  g_clear_pointer (&chat->tz, g_time_zone_unref);
  chat->tz = g_time_zone_new_identifier (tz_id);
  if (chat->tz == NULL)
    {
      chat->tz = g_time_zone_new_utc ();
      tz_id = "UTC";
    }
  chat->tz_id = g_strdup (tz_id);
}

static void
chat_ensure_community (Parser *p,
                       Chat   *chat)
{
  g_autofree char *platform_id = NULL;
  const char *name;

  if (chat->community != 0)
    return;
  if (chat->tz == NULL)
    {
      g_autoptr(GTimeZone) local = g_time_zone_new_local ();
      const char *id = p->options && p->options->tz ? p->options->tz
                                                    : g_time_zone_get_identifier (local);
      chat_set_zone (chat, id);
    }

  if (chat->id != NULL)
    platform_id = g_strdup (chat->id);
  else
    platform_id = g_strdup_printf ("name:%s", chat->name ? chat->name : p->display_name);
  name = chat->name != NULL ? chat->name
       : g_strcmp0 (chat->type, "saved_messages") == 0 ? _("Saved Messages")
       : p->display_name;

  chat->community = cohort_import_pipe_community (p->pipe, "telegram", platform_id, name,
                                                  chat->type, chat->tz_id);
  p->chats_imported++;
}

static void
chat_record_name (Chat       *chat,
                  const char *name,
                  const char *uid)
{
  const char *known;

  if (name == NULL || uid == NULL || g_str_has_prefix (uid, "name:"))
    return;
  known = g_hash_table_lookup (chat->name_to_uid, name);
  if (known == NULL)
    g_hash_table_insert (chat->name_to_uid, g_strdup (name), g_strdup (uid));
  else if (strcmp (known, uid) != 0)
    g_hash_table_replace (chat->name_to_uid, g_strdup (name), g_strdup (AMBIGUOUS));
}

static void
warn (Parser     *p,
      const char *format,
      ...) G_GNUC_PRINTF (2, 3);

static void
warn (Parser     *p,
      const char *format,
      ...)
{
  va_list args;

  /* Keep the summary readable on huge exports. */
  if (p->result->warnings->len >= 200)
    return;
  va_start (args, format);
  g_ptr_array_add (p->result->warnings, g_strdup_vprintf (format, args));
  va_end (args);
}

/* Resolves a display name to a member uid, creating a name-keyed member for someone who
 * never appears with an id (they joined and never spoke).  NULL when it cannot be done. */
static char *
chat_resolve_name (Parser     *p,
                   Chat       *chat,
                   const char *name)
{
  const char *uid;
  g_autofree char *by_name = NULL;

  if (name == NULL)
    {
      warn (p, _("A membership event in “%s” names nobody (deleted account); skipped."),
            chat->name ? chat->name : p->display_name);
      return NULL;
    }
  uid = g_hash_table_lookup (chat->name_to_uid, name);
  if (uid != NULL && strcmp (uid, AMBIGUOUS) == 0)
    {
      warn (p, _("“%s” is the name of more than one member of “%s”; a membership event "
                 "for that name was skipped."), name, chat->name ? chat->name : p->display_name);
      return NULL;
    }
  if (uid != NULL)
    return g_strdup (uid);

  by_name = g_strdup_printf ("name:%s", name);
  cohort_import_pipe_member (p->pipe, chat->community, by_name, name, FALSE);
  return g_steal_pointer (&by_name);
}

static void
chat_flush_deferred (Parser *p,
                     Chat   *chat)
{
  for (guint i = 0; i < chat->deferred->len; i++)
    {
      Deferred *d = &g_array_index (chat->deferred, Deferred, i);
      g_autofree char *uid = chat_resolve_name (p, chat, d->name);

      if (uid == NULL)
        continue;
      if (strcmp (d->type, "invite") == 0)
        {
          cohort_import_pipe_invite (p->pipe, chat->community, uid, d->invitee_uid, d->ts, d->ref);
          continue;
        }
      cohort_import_pipe_event (p->pipe, chat->community, uid, d->ts, d->type, d->ref);
      if (d->inviter_uid != NULL && strcmp (d->inviter_uid, uid) != 0)
        cohort_import_pipe_invite (p->pipe, chat->community, d->inviter_uid, uid, d->ts, d->ref);
    }
  g_array_set_size (chat->deferred, 0);
}

static void
chat_end (Parser *p,
          Chat   *chat)
{
  if (chat->full_account && is_personal_type (chat->type))
    chat->skip = TRUE;
  if (chat->skip)
    {
      p->result->personal_chats_skipped++;
      return;
    }
  chat_ensure_community (p, chat);
  chat_flush_deferred (p, chat);
}

/* ------------------------------------------------------------------------------------------ */
/* One message                                                                                 */

/* "user123" stays as it is (the message's own string, valid until the next message);
 * very old exports wrote a bare number.  A uid that had to be made is in *owned. */
static const char *
sender_uid (CohortTelegramMessage  *m,
            CohortTelegramKey       id_key,
            const char             *name,
            char                  **owned)
{
  gint64 number;

  if (cohort_telegram_message_type (m, id_key) == COHORT_TG_INT &&
      cohort_telegram_message_get_int (m, id_key, &number))
    return *owned = g_strdup_printf ("user%" G_GINT64_FORMAT, number);
  if (cohort_telegram_message_type (m, id_key) == COHORT_TG_STRING)
    {
      const char *s = cohort_telegram_message_get_string (m, id_key);
      if (*s != '\0' && strspn (s, "0123456789") == strlen (s))
        return *owned = g_strdup_printf ("user%s", s);
      if (*s != '\0')
        return s;
    }
  if (name != NULL)
    return *owned = g_strdup_printf ("name:%s", name);
  return NULL;
}

static const char *
sender_name (CohortTelegramMessage *m,
             CohortTelegramKey      key)
{
  if (cohort_telegram_message_type (m, key) == COHORT_TG_NULL)
    return _("Deleted Account");
  return cohort_telegram_message_get_string (m, key);
}

static gboolean
looks_like_bot (const char *name)
{
  gsize len = name ? strlen (name) : 0;

  return len >= 3 && g_ascii_strcasecmp (name + len - 3, "bot") == 0;
}

static CohortMessageKind
message_kind (CohortTelegramMessage *m,
              gboolean               has_link,
              gboolean              *attachment)
{
  const char *media = cohort_telegram_message_get_string (m, COHORT_TG_MEDIA_TYPE);

  *attachment = TRUE;
  if (g_strcmp0 (media, "sticker") == 0)
    return COHORT_MESSAGE_STICKER;
  if (g_strcmp0 (media, "voice_message") == 0)
    return COHORT_MESSAGE_VOICE;
  if (g_strcmp0 (media, "video_message") == 0 || g_strcmp0 (media, "video_file") == 0 ||
      g_strcmp0 (media, "animation") == 0)
    return COHORT_MESSAGE_VIDEO;
  if (cohort_telegram_message_has (m, COHORT_TG_PHOTO))
    return COHORT_MESSAGE_IMAGE;
  if (cohort_telegram_message_has (m, COHORT_TG_FILE) || media != NULL)
    return COHORT_MESSAGE_FILE;
  *attachment = FALSE;
  if (cohort_telegram_message_has (m, COHORT_TG_POLL) ||
      cohort_telegram_message_has (m, COHORT_TG_LOCATION_INFORMATION) ||
      cohort_telegram_message_has (m, COHORT_TG_CONTACT_INFORMATION))
    return COHORT_MESSAGE_OTHER;
  if (has_link)
    return COHORT_MESSAGE_LINK;
  return COHORT_MESSAGE_TEXT;
}

static gboolean
message_time (Parser                *p,
              Chat                  *chat,
              CohortTelegramMessage *m,
              gint64                *ts)
{
  const char *date = cohort_telegram_message_get_string (m, COHORT_TG_DATE);
  gint64 unix_ts;

  if (cohort_telegram_message_get_int (m, COHORT_TG_DATE_UNIXTIME, &unix_ts))
    {
      /* Infer the exporter's zone from the first message carrying both forms. */
      if (chat->tz == NULL && date != NULL &&
          (p->options == NULL || p->options->tz == NULL))
        {
          g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
          g_autoptr(GDateTime) wall = g_date_time_new_from_iso8601 (date, utc);

          if (wall != NULL)
            {
              gint64 offset = g_date_time_to_unix (wall) - unix_ts;
              g_autofree char *zone = NULL;

              offset = (offset + (offset >= 0 ? 450 : -450)) / 900 * 900;
              zone = zone_for_offset (offset, unix_ts);
              chat_set_zone (chat, zone);
            }
        }
      *ts = unix_ts;
      return TRUE;
    }

  if (date != NULL)
    {
      g_autoptr(GDateTime) dt = NULL;
      g_autoptr(GTimeZone) zone = NULL;

      if (chat->tz == NULL)
        {
          g_autoptr(GTimeZone) local = g_time_zone_new_local ();
          chat_set_zone (chat, p->options && p->options->tz ? p->options->tz
                                                           : g_time_zone_get_identifier (local));
        }
      zone = g_time_zone_ref (chat->tz);
      dt = g_date_time_new_from_iso8601 (date, zone);
      if (dt != NULL)
        {
          *ts = g_date_time_to_unix (dt);
          return TRUE;
        }
    }
  return FALSE;
}

/* The decimal form of a number, as "%" G_GINT64_FORMAT prints it, without printf's cost
 * (the id and reply of every message), in digits. */
#define DECIMAL_SIZE 24

static const char *
format_decimal (gint64 value,
                char   digits[DECIMAL_SIZE])
{
  char *at = digits + DECIMAL_SIZE;
  guint64 rest = value < 0 ? -(guint64)value : (guint64)value;

  *--at = '\0';
  do
    {
      *--at = '0' + rest % 10;
      rest /= 10;
    }
  while (rest != 0);
  if (value < 0)
    *--at = '-';
  return at;
}

/* The message's id in digits, else a key made from its content into *owned. */
static const char *
message_key (Chat                  *chat,
             CohortTelegramMessage *m,
             const char            *uid,
             gint64                 ts,
             const char            *text,
             char                   digits[DECIMAL_SIZE],
             char                 **owned)
{
  gint64 id;
  g_autofree char *material = NULL;
  g_autofree char *digest = NULL;
  guint n;

  if (cohort_telegram_message_get_int (m, COHORT_TG_ID, &id))
    return format_decimal (id, digits);

  /* No id (old or hand-made exports): a stable key from the content, with an occurrence
   * number so that two identical lines in one second stay two messages. */
  material = g_strdup_printf ("%s\x1f%" G_GINT64_FORMAT "\x1f%s\x1f%s\x1f%s", uid ? uid : "",
                              ts, cohort_telegram_message_get_string (m, COHORT_TG_TYPE) ?: "",
                              cohort_telegram_message_get_string (m, COHORT_TG_ACTION) ?: "",
                              text ? text : "");
  digest = g_compute_checksum_for_string (G_CHECKSUM_SHA1, material, -1);
  digest[20] = '\0';
  n = cohort_content_keys_count (chat->content_keys, digest);
  return *owned = g_strdup_printf ("c:%s:%u", digest, n);
}

static void
add_reactions (Parser                *p,
               Chat                  *chat,
               CohortTelegramMessage *m,
               const char            *msg_id)
{
  GArray *reactions = cohort_telegram_message_reactions (m);

  for (guint i = 0; i < reactions->len; i++)
    {
      const CohortTelegramReaction *r = &g_array_index (reactions, CohortTelegramReaction, i);

      cohort_import_pipe_reaction (p->pipe, chat->community, msg_id, r->emoji, r->count);
    }
}

static void
defer (Chat       *chat,
       gint64      ts,
       const char *type,
       const char *name,
       const char *inviter_uid,
       const char *invitee_uid,
       const char *ref)
{
  Deferred d = { ts, g_strdup (type), g_strdup (name), g_strdup (inviter_uid),
                 g_strdup (invitee_uid), g_strdup (ref) };

  g_array_append_val (chat->deferred, d);
}

static void
handle_service (Parser                *p,
                Chat                  *chat,
                CohortTelegramMessage *m,
                const char            *actor_uid,
                const char            *actor_name,
                gint64                 ts)
{
  const char *action = cohort_telegram_message_get_string (m, COHORT_TG_ACTION);
  const char *inviter = cohort_telegram_message_get_string (m, COHORT_TG_INVITER);
  GPtrArray *members = cohort_telegram_message_members (m);
  guint c = chat->community;

  if (action == NULL)
    return;

  if (strcmp (action, "create_group") == 0)
    {
      if (actor_uid != NULL)
        cohort_import_pipe_event (p->pipe, c, actor_uid, ts, "join", "create_group");
      for (guint i = 0; i < members->len; i++)
        if (g_strcmp0 (members->pdata[i], actor_name) != 0 || actor_uid == NULL)
          defer (chat, ts, "join", members->pdata[i], NULL, NULL, "create_group");
    }
  else if (strcmp (action, "invite_members") == 0)
    {
      /* The actor adding only themself is a self-join to a public group. */
      if (members->len == 1 && actor_uid != NULL && g_strcmp0 (members->pdata[0], actor_name) == 0)
        {
          cohort_import_pipe_event (p->pipe, c, actor_uid, ts, "join", "self");
          return;
        }
      for (guint i = 0; i < members->len; i++)
        defer (chat, ts, "join", members->pdata[i], actor_uid, NULL, "invite");
    }
  else if (strcmp (action, "join_group_by_link") == 0 || strcmp (action, "join_group_by_request") == 0)
    {
      gboolean by_link = action[14] == 'l';

      if (actor_uid == NULL)
        {
          warn (p, _("A join in “%s” has no member id; skipped."), chat->name ? chat->name : "");
          return;
        }
      cohort_import_pipe_event (p->pipe, c, actor_uid, ts, "join", by_link ? "link" : "request");
      if (by_link && inviter != NULL)
        defer (chat, ts, "invite", inviter, NULL, actor_uid, "link");
    }
  else if (strcmp (action, "remove_members") == 0)
    {
      if (members->len == 1 && actor_uid != NULL && g_strcmp0 (members->pdata[0], actor_name) == 0)
        {
          cohort_import_pipe_event (p->pipe, c, actor_uid, ts, "leave", NULL);
          return;
        }
      for (guint i = 0; i < members->len; i++)
        defer (chat, ts, "kick", members->pdata[i], NULL, NULL, NULL);
    }
}

/* The edit time: edited_unixtime, else the wall-clock `edited` in the chat's zone. */
static gint64
message_edited (Chat                  *chat,
                CohortTelegramMessage *m)
{
  const char *edited = cohort_telegram_message_get_string (m, COHORT_TG_EDITED);
  g_autoptr(GDateTime) dt = NULL;
  gint64 edited_ts;

  if (cohort_telegram_message_get_int (m, COHORT_TG_EDITED_UNIXTIME, &edited_ts))
    return edited_ts;
  if (edited == NULL || chat->tz == NULL)
    return 0;
  dt = g_date_time_new_from_iso8601 (edited, chat->tz);
  return dt ? g_date_time_to_unix (dt) : 0;
}

static void
handle_message (Parser                *p,
                Chat                  *chat,
                CohortTelegramMessage *m)
{
  const char *type = cohort_telegram_message_get_string (m, COHORT_TG_TYPE);
  gboolean service = g_strcmp0 (type, "service") == 0;
  CohortTelegramKey name_key = service ? COHORT_TG_ACTOR : COHORT_TG_FROM;
  const char *name = sender_name (m, name_key);
  g_autofree char *uid_owned = NULL;
  const char *uid = sender_uid (m, service ? COHORT_TG_ACTOR_ID : COHORT_TG_FROM_ID,
                                cohort_telegram_message_get_string (m, name_key), &uid_owned);
  const char *text = NULL;
  g_autofree char *key_owned = NULL;
  const char *key;
  char key_digits[DECIMAL_SIZE], reply_digits[DECIMAL_SIZE];
  CohortMessageRecord record = { 0, };
  gboolean has_link = FALSE, attachment = FALSE;
  gint64 ts = 0, reply_id = 0;

  if (g_strcmp0 (type, "unsupported") == 0)
    return;
  if (!message_time (p, chat, m, &ts))
    {
      warn (p, _("A message in “%s” has no readable date; skipped."), chat->name ? chat->name : "");
      return;
    }
  chat_ensure_community (p, chat);

  if (uid != NULL)
    {
      if (name == NULL)
        name = uid;
      cohort_import_pipe_member (p->pipe, chat->community, uid, name, looks_like_bot (name));
      chat_record_name (chat, sender_name (m, name_key) ? name : NULL, uid);
    }

  if (service)
    text = cohort_telegram_message_get_string (m, COHORT_TG_ACTION) ?: "";
  else
    text = cohort_telegram_message_text (m, &has_link);
  key = message_key (chat, m, uid, ts, text, key_digits, &key_owned);

  record.platform_msg_id = key;
  record.member_uid = uid;
  record.ts = ts;
  record.text = text;
  record.length = g_utf8_strlen (text, -1);
  if (service)
    record.kind = COHORT_MESSAGE_SYSTEM;
  else
    {
      CohortMechReason reason;

      record.kind = message_kind (m, has_link, &attachment);
      record.forwarded = cohort_telegram_message_has (m, COHORT_TG_FORWARDED_FROM);
      if (cohort_telegram_message_get_int (m, COHORT_TG_REPLY_TO_MESSAGE_ID, &reply_id) &&
          !cohort_telegram_message_has (m, COHORT_TG_REPLY_TO_PEER_ID))
        record.reply_to = format_decimal (reply_id, reply_digits);
      record.edited_ts = message_edited (chat, m);
      reason = cohort_mech_classify (chat->mech, uid, ts, text, record.kind, attachment || has_link);
      record.is_mech = reason != COHORT_MECH_NONE;
      record.mech_reason = cohort_mech_reason_to_string (reason);
    }

  cohort_import_pipe_message (p->pipe, chat->community, &record);
  if (service)
    handle_service (p, chat, m, uid, cohort_telegram_message_get_string (m, COHORT_TG_ACTOR), ts);
  else
    add_reactions (p, chat, m, key);
}

/* ------------------------------------------------------------------------------------------ */
/* yajl callbacks                                                                              */

static Frame *
top (Parser *p)
{
  return p->stack->len ? &g_array_index (p->stack, Frame, p->stack->len - 1) : NULL;
}

static void
frame_clear (gpointer data)
{
  g_free (((Frame *)data)->key);
}

static void
push (Parser    *p,
      FrameRole  role)
{
  Frame f = { role, NULL };

  g_array_append_val (p->stack, f);
}

static Chat *
frame_chat (Parser *p,
            Frame  *frame)
{
  if (frame->role == FRAME_ROOT)
    return p->root_chat;
  if (frame->role == FRAME_CHAT)
    return p->chat;
  return NULL;
}

static int
fail (Parser *p,
      GError *error)
{
  if (p->error == NULL)
    p->error = error;
  else
    g_error_free (error);
  return 0;
}

static int
finish_message (Parser *p)
{
  p->in_message = FALSE;
  p->messages_seen++;
  handle_message (p, p->chat, p->message);
  return 1;
}

static int
on_null (void *ctx)
{
  Parser *p = ctx;

  if (p->in_message)
    cohort_telegram_message_other (p->message, TRUE);
  return 1;
}

static int
on_boolean (void *ctx,
            int   value G_GNUC_UNUSED)
{
  Parser *p = ctx;

  if (p->in_message)
    cohort_telegram_message_other (p->message, FALSE);
  return 1;
}

static void
set_chat_field (Parser     *p,
                const char *value,
                gsize       len)
{
  Frame *f = top (p);
  Chat *chat = f ? frame_chat (p, f) : NULL;
  char **field = NULL;

  if (chat == NULL || f->key == NULL)
    return;
  if (strcmp (f->key, "name") == 0)
    field = &chat->name;
  else if (strcmp (f->key, "type") == 0)
    field = &chat->type;
  else if (strcmp (f->key, "id") == 0)
    field = &chat->id;
  if (field != NULL)
    {
      g_free (*field);
      *field = g_strndup (value, len);
    }
}

static int
on_number (void       *ctx,
           const char *value,
           size_t      len)
{
  Parser *p = ctx;

  if (p->in_message)
    cohort_telegram_message_number (p->message, value, len);
  else
    set_chat_field (p, value, len);
  return 1;
}

static int
on_string (void                *ctx,
           const unsigned char *value,
           size_t               len)
{
  Parser *p = ctx;

  if (p->in_message)
    cohort_telegram_message_string (p->message, (const char *)value, len);
  else
    set_chat_field (p, (const char *)value, len);
  return 1;
}

static int
on_map_key (void                *ctx,
            const unsigned char *key,
            size_t               len)
{
  Parser *p = ctx;
  Frame *f;

  if (p->in_message)
    {
      cohort_telegram_message_key (p->message, (const char *)key, len);
      return 1;
    }
  f = top (p);
  g_free (f->key);
  f->key = g_strndup ((const char *)key, len);
  return 1;
}

static gboolean
begin_chat_messages (Parser *p,
                     Chat   *chat)
{
  p->chat = chat;
  chat->active = TRUE;
  p->saw_telegram_key = TRUE;
  /* In a full-account export only groups and channels are communities; a chat the user
   * exported on its own is imported whatever its type. */
  chat->skip = chat->full_account && is_personal_type (chat->type);
  return !chat->skip;
}

static int
on_start_map (void *ctx)
{
  Parser *p = ctx;
  Frame *f = top (p);

  if (p->in_message)
    {
      if (!cohort_telegram_message_start (p->message, FALSE))
        return fail (p, cohort_json_depth_error (p->display_name));
      return 1;
    }
  if (f == NULL)
    {
      push (p, FRAME_ROOT);
      p->root_chat = chat_new (FALSE);
      return 1;
    }
  switch (f->role)
    {
    case FRAME_ROOT:
      if (g_strcmp0 (f->key, "chats") == 0 || g_strcmp0 (f->key, "left_chats") == 0)
        {
          push (p, FRAME_SECTION);
          return 1;
        }
      break;
    case FRAME_CHAT_LIST:
      if (p->chat != p->root_chat)
        chat_free (p->chat);
      p->chat = chat_new (TRUE);
      push (p, FRAME_CHAT);
      return 1;
    case FRAME_MESSAGES:
      p->in_message = TRUE;
      cohort_telegram_message_begin (p->message);
      return 1;
    case FRAME_SECTION:
    case FRAME_CHAT:
    case FRAME_SKIP:
    default:
      break;
    }
  push (p, FRAME_SKIP);
  return 1;
}

static int
on_start_array (void *ctx)
{
  Parser *p = ctx;
  Frame *f = top (p);

  if (p->in_message)
    {
      if (!cohort_telegram_message_start (p->message, TRUE))
        return fail (p, cohort_json_depth_error (p->display_name));
      return 1;
    }
  if (f == NULL)
    {
      p->root_not_object = TRUE;
      return 0;
    }
  if ((f->role == FRAME_ROOT || f->role == FRAME_CHAT) && g_strcmp0 (f->key, "messages") == 0)
    {
      push (p, begin_chat_messages (p, frame_chat (p, f)) ? FRAME_MESSAGES : FRAME_SKIP);
      return 1;
    }
  if (f->role == FRAME_SECTION && g_strcmp0 (f->key, "list") == 0)
    {
      p->saw_telegram_key = TRUE;
      push (p, FRAME_CHAT_LIST);
      return 1;
    }
  push (p, FRAME_SKIP);
  return 1;
}

static int
pop (Parser *p)
{
  Frame *f = top (p);
  FrameRole role = f->role;

  g_array_set_size (p->stack, p->stack->len - 1);
  if (role == FRAME_CHAT)
    {
      /* A chat object of the list: it ends here, with or without messages. */
      if (p->chat != NULL && p->chat != p->root_chat)
        chat_end (p, p->chat);
      if (p->chat != p->root_chat)
        chat_free (p->chat);
      p->chat = NULL;
    }
  else if (role == FRAME_ROOT && p->root_chat != NULL && p->root_chat->active)
    chat_end (p, p->root_chat);
  return 1;
}

static int
on_end_map (void *ctx)
{
  Parser *p = ctx;

  if (p->in_message)
    return cohort_telegram_message_end (p->message) ? finish_message (p) : 1;
  return pop (p);
}

static int
on_end_array (void *ctx)
{
  Parser *p = ctx;

  if (p->in_message)
    {
      cohort_telegram_message_end (p->message);
      return 1;
    }
  return pop (p);
}

static const yajl_callbacks callbacks = {
  on_null,
  on_boolean,
  NULL,
  NULL,
  on_number,
  on_string,
  on_start_map,
  on_map_key,
  on_end_map,
  on_start_array,
  on_end_array,
};

/* ------------------------------------------------------------------------------------------ */
/* Driver                                                                                      */

static gboolean
parse_error (Parser       *p,
             yajl_handle   handle,
             yajl_status   status,
             const guchar *chunk,
             gsize         len,
             gint64        line,
             gint64        column,
             gboolean      at_end,
             GError      **error)
{
  if (status == yajl_status_client_canceled && p->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&p->error));
      return FALSE;
    }
  if (p->root_not_object)
    {
      g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_UNSUPPORTED,
                   _("%s is JSON, but not a Telegram export: a Telegram export is one object "
                     "with “messages” or “chats”."), p->display_name);
      return FALSE;
    }
  if (at_end)
    {
      g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_TRUNCATED,
                   _("%s ends in the middle of the export (line %" PRId64 "). The file "
                     "was cut off or the export had not finished: export the chat again from "
                     "Telegram Desktop and import the new result.json."),
                   p->display_name, line);
      return FALSE;
    }

  {
    gsize consumed = yajl_get_bytes_consumed (handle);
    g_autofree guchar *raw = yajl_get_error (handle, 0, chunk, len);
    g_autofree char *reason = g_strstrip (g_strdup ((const char *)raw));

    cohort_json_advance_position (chunk, MIN (consumed, len), &line, &column);
    g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_MALFORMED,
                 _("%s is not valid JSON at line %" PRId64 ", column %" PRId64
                   " (%s). The file may have been edited or damaged: export it again from "
                   "Telegram Desktop."),
                 p->display_name, line, column, reason);
    yajl_free_error (handle, (guchar *)g_steal_pointer (&raw));
  }
  return FALSE;
}

/* The parse thread's side of the pipe: reads the stream and sends what it finds. */
static gboolean
parse_stream (CohortImportPipe  *pipe,
              gpointer           data,
              GError           **error)
{
  Parser *p = data;
  g_autofree guchar *chunk = g_malloc (CHUNK_SIZE);
  yajl_handle handle = yajl_alloc (&callbacks, NULL, p);
  gint64 line = 1, column = 1;
  goffset done = 0;
  gboolean ok = FALSE;

  p->pipe = pipe;
  for (;;)
    {
      gssize n;
      yajl_status status;

      if (g_cancellable_set_error_if_cancelled (p->cancellable, error) ||
          cohort_import_pipe_failed (pipe))
        goto out;
      n = g_input_stream_read (p->stream, chunk, CHUNK_SIZE, p->cancellable, error);
      if (n < 0)
        goto out;
      if (n == 0)
        break;
      /* A UTF-8 byte order mark is not JSON (FORMATS.md §2: strip U+FEFF). */
      if (done == 0 && n >= 3 && chunk[0] == 0xEF && chunk[1] == 0xBB && chunk[2] == 0xBF)
        status = yajl_parse (handle, chunk + 3, n - 3);
      else
        status = yajl_parse (handle, chunk, n);
      if (status != yajl_status_ok)
        {
          parse_error (p, handle, status, chunk, n, line, column, FALSE, error);
          goto out;
        }
      cohort_json_advance_position (chunk, n, &line, &column);
      done += n;
      if (p->report_progress)
        {
          g_autofree char *message =
            g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Reading %s: %" PRId64 " message",
                                          "Reading %s: %" PRId64 " messages",
                                          p->messages_seen),
                             p->display_name, p->messages_seen);
          cohort_import_pipe_progress (pipe, p->size > 0 ? (double)done / p->size : -1, message);
        }
    }

  if (yajl_complete_parse (handle) != yajl_status_ok || p->stack->len > 0 || p->in_message)
    {
      if (p->error != NULL)
        g_propagate_error (error, g_steal_pointer (&p->error));
      else if (p->root_chat == NULL && p->stack->len == 0)
        g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_UNSUPPORTED,
                     _("%s is empty."), p->display_name);
      else
        parse_error (p, handle, yajl_status_error, NULL, 0, line, column, TRUE, error);
      goto out;
    }

  if (!p->saw_telegram_key)
    {
      g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_UNSUPPORTED,
                   _("%s is JSON, but not a Telegram export: it has neither “messages” nor "
                     "“chats”. In Telegram Desktop use Export chat history (or Settings → "
                     "Advanced → Export Telegram data) with the format “Machine-readable JSON”."),
                   p->display_name);
      goto out;
    }
  if (p->chats_imported == 0)
    {
      g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_EMPTY,
                   _("%s holds no group or channel: its %u chats are all personal chats, which "
                     "Cohort does not import from a full-account export. Export a group with "
                     "Export chat history instead."),
                   p->display_name, p->result->personal_chats_skipped);
      goto out;
    }
  ok = TRUE;

out:
  yajl_free (handle);
  return ok;
}

gboolean
cohort_telegram_import (CohortImportTx            *tx,
                        GInputStream              *stream,
                        goffset                    size,
                        const char                *display_name,
                        const CohortImportOptions *options,
                        CohortImportProgressFunc   progress,
                        gpointer                   progress_data,
                        GCancellable              *cancellable,
                        CohortImportResult        *result,
                        GError                   **error)
{
  Parser p = { 0, };
  gboolean ok;

  p.stream = stream;
  p.size = size;
  p.cancellable = cancellable;
  p.report_progress = progress != NULL;
  p.options = options;
  p.result = result;
  p.display_name = display_name;
  p.stack = g_array_new (FALSE, TRUE, sizeof (Frame));
  g_array_set_clear_func (p.stack, frame_clear);
  p.message = cohort_telegram_message_new ();

  ok = cohort_import_pipe_run (tx, parse_stream, &p, result, progress, progress_data,
                               cancellable, error);

  cohort_telegram_message_free (p.message);
  if (p.chat != p.root_chat)
    chat_free (p.chat);
  chat_free (p.root_chat);
  g_array_unref (p.stack);
  g_clear_error (&p.error);
  return ok;
}

/* ------------------------------------------------------------------------------------------ */
/* Format registration                                                                         */

static int
telegram_sniff (const guchar       *head,
                gsize               len,
                const char * const *zip_entries)
{
  g_autofree char *text = NULL;
  gsize i = 0;

  if (zip_entries != NULL)
    return 0;
  if (len >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF)
    i = 3;
  while (i < len && g_ascii_isspace (head[i]))
    i++;
  if (i >= len || head[i] != '{')
    return 0;
  text = g_strndup ((const char *)head + i, len - i);
  /* Keys only Telegram Desktop writes; a bare object still gets Telegram's own explanation
   * of what is missing, unless a more specific format claims it. */
  if (strstr (text, "\"date_unixtime\"") != NULL || strstr (text, "\"personal_information\"") != NULL ||
      strstr (text, "\"from_id\"") != NULL || strstr (text, "_supergroup\"") != NULL ||
      strstr (text, "\"personal_chat\"") != NULL || strstr (text, "\"private_group\"") != NULL)
    return 90;
  return 10;
}

static gboolean
telegram_import (CohortImportTx      *tx,
                 CohortImportContext *ctx,
                 GError             **error)
{
  return cohort_telegram_import (tx, ctx->stream, ctx->size, ctx->display_name, ctx->options,
                                 ctx->progress, ctx->progress_data, ctx->cancellable,
                                 ctx->result, error);
}

const CohortFormat cohort_format_telegram = {
  "telegram",
  N_("Telegram Desktop export (result.json)"),
  N_("In Telegram Desktop open the group, choose ⋮ → Export chat history and set the format to "
     "“Machine-readable JSON”; or Settings → Advanced → Export Telegram data for every group."),
  telegram_sniff,
  telegram_import,
};
