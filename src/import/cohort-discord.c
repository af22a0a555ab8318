/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-discord"

#include "config.h"

#include <inttypes.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <yajl/yajl_parse.h>

#include "cohort-discord-message.h"
#include "cohort-format.h"
#include "cohort-json-stream.h"
#include "cohort-import-pipe.h"
#include "cohort-mech.h"
#include "cohort-snapshot.h"

/*
 * DiscordChatExporter exports (FORMATS.md §2b), JSON and CSV.
 *
 * JSON is read as a stream like the Telegram importer: yajl delivers parse events, the
 * top-level "guild" and "channel" objects are assembled with JsonBuilder, and every element
 * of "messages" is read straight from the events into fixed slots
 * (cohort-discord-message.c), handled and dropped, so memory is bounded by a message.
 * DCE writes guild → channel → dateRange → exportedAt → messages, so the community is known
 * when the messages begin.
 *
 * CSV has no ids, types or replies: rows are read with a small RFC 4180 reader that streams
 * line by line (quoted fields may span lines), and messages are keyed by content.
 *
 * Every file of a guild lands in one community (platform id = guild id); DMs, whose guild
 * id is "0", become one community per channel.
 */

/* Larger than the importer's GBufferedInputStream (4 × COHORT_SNIFF_SIZE), so that once
 * the sniffed head is used up each read goes straight to the file instead of through the
 * buffer and one more copy of the whole export. */
#define CHUNK_SIZE (512 * 1024)
#define CANCEL_EVERY 2048
#define CSV_MAX_RECORD (4 * 1024 * 1024)

static const char * const csv_header[] = {
  "AuthorID", "Author", "Date", "Content", "Attachments", "Reactions",
};

/* ------------------------------------------------------------------------------------------ */
/* Shared by JSON and CSV                                                                      */

typedef struct
{
  CohortImportPipe    *pipe;         /* the file is read on the pipe's parse thread */
  CohortImportContext *ctx;
  guint                community;    /* the pipe's handle */
  CohortMech          *mech;
  char                *zone;
  gint64               messages_seen;
  goffset              done;
} Sink;

static void
sink_clear (Sink *sink)
{
  g_clear_pointer (&sink->mech, cohort_mech_free);
  g_clear_pointer (&sink->zone, g_free);
}

static gboolean
sink_tick (Sink    *sink,
           GError **error)
{
  sink->messages_seen++;
  if (sink->messages_seen % CANCEL_EVERY == 0)
    {
      if (g_cancellable_set_error_if_cancelled (sink->ctx->cancellable, error) ||
          !cohort_import_pipe_check (sink->pipe, error))
        return FALSE;
      cohort_import_pipe_context_progress (sink->pipe, sink->ctx, sink->done, sink->messages_seen);
    }
  return TRUE;
}

/* Seconds east of UTC of an ISO-8601 suffix ("Z", "+02:00"); FALSE without one. */
static gboolean
offset_of_suffix (const char *s,
                  gsize       len,
                  int        *offset)
{
  if (len >= 1 && s[len - 1] == 'Z')
    {
      *offset = 0;
      return TRUE;
    }
  if (len >= 6 && (s[len - 6] == '+' || s[len - 6] == '-') && s[len - 3] == ':' &&
      g_ascii_isdigit (s[len - 5]) && g_ascii_isdigit (s[len - 4]) &&
      g_ascii_isdigit (s[len - 2]) && g_ascii_isdigit (s[len - 1]))
    {
      int h = (s[len - 5] - '0') * 10 + (s[len - 4] - '0');
      int m = (s[len - 2] - '0') * 10 + (s[len - 1] - '0');

      *offset = (s[len - 6] == '-' ? -1 : 1) * (h * 3600 + m * 60);
      return TRUE;
    }
  return FALSE;
}

/*
 * The community's zone.  Discord timestamps carry the exporting machine's offset; when
 * every timestamp at the head of the file has the same non-zero offset the export was
 * made in that fixed offset, otherwise (UTC-normalised exports, or offsets that change
 * with daylight saving) UTC.  The user's choice wins.
 */
static char *
guess_zone (CohortImportContext *ctx)
{
  g_autoptr(GRegex) regex = NULL;
  g_autoptr(GMatchInfo) match = NULL;
  const guchar *head = NULL;
  gsize len = 0;
  gboolean seen = FALSE, mixed = FALSE;
  int first = 0;

  if (ctx->options != NULL && ctx->options->tz != NULL)
    return g_strdup (ctx->options->tz);
  if (G_IS_BUFFERED_INPUT_STREAM (ctx->stream))
    head = g_buffered_input_stream_peek_buffer (G_BUFFERED_INPUT_STREAM (ctx->stream), &len);
  if (head == NULL || len == 0)
    return g_strdup (cohort_import_context_zone (ctx, "UTC"));

  /* JIT-compiled (G_REGEX_OPTIMIZE): interpreted, this one search of the 256 KB head cost
   * 22 M instructions, as much as parsing a thousand messages. */
  regex = g_regex_new ("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d(?::\\d\\d(?:\\.\\d+)?)?"
                       "(?:Z|[+-]\\d\\d:\\d\\d)", G_REGEX_RAW | G_REGEX_OPTIMIZE, 0, NULL);

  g_regex_match_full (regex, (const char *)head, len, 0, 0, &match, NULL);
  while (g_match_info_matches (match) && !mixed)
    {
      int start, end, offset;

      if (g_match_info_fetch_pos (match, 0, &start, &end) &&
          offset_of_suffix ((const char *)head + start, end - start, &offset))
        {
          if (!seen)
            first = offset;
          else if (offset != first)
            mixed = TRUE;
          seen = TRUE;
        }
      g_match_info_next (match, NULL);
    }

  if (seen && !mixed && first != 0)
    return g_strdup_printf ("%c%02d:%02d", first < 0 ? '-' : '+',
                            ABS (first) / 3600, ABS (first) % 3600 / 60);
  return g_strdup (cohort_import_context_zone (ctx, "UTC"));
}

/* Inlined into every call, where n is a constant and the loop unrolls: two timestamps a
 * message take eight calls. */
G_ALWAYS_INLINE static inline gboolean
digits_at (const char *s,
           guint       n,
           int        *value)
{
  *value = 0;
  for (guint i = 0; i < n; i++)
    {
      if (!g_ascii_isdigit (s[i]))
        return FALSE;
      *value = *value * 10 + (s[i] - '0');
    }
  return TRUE;
}

/*
 * The form every DiscordChatExporter timestamp has, "2024-03-01T10:00:00.1234567+08:00"
 * (0–7 fractional digits, an offset or Z), read with cohort_day_from_ymd () instead of a
 * GDateTime and a GTimeZone per message.  FALSE for anything else, which GLib's ISO-8601 parser then reads: the fields
 * are range-checked here so that the two never disagree on what a valid time is.
 */
static gboolean
parse_timestamp_fast (const char *s,
                      gint64     *ts)
{
  static const int month_days[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
  int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0;
  const char *p = s + 19;
  gboolean leap;

  if (strlen (s) < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
      s[16] != ':' || !digits_at (s, 4, &y) || !digits_at (s + 5, 2, &mo) ||
      !digits_at (s + 8, 2, &d) || !digits_at (s + 11, 2, &h) || !digits_at (s + 14, 2, &mi) ||
      !digits_at (s + 17, 2, &sec))
    return FALSE;
  if (*p == '.')
    {
      guint n = 0;

      while (g_ascii_isdigit (p[1 + n]))
        n++;
      if (n == 0 || n > 7)
        return FALSE;
      p += 1 + n;
    }
  if (p[0] == 'Z' && p[1] == '\0')
    sign = 1;
  /* Left to right, each test only once the bytes before it are known not to end the text. */
  else if ((p[0] == '+' || p[0] == '-') && digits_at (p + 1, 2, &oh) && p[3] == ':' &&
           digits_at (p + 4, 2, &om) && p[6] == '\0')
    sign = p[0] == '+' ? 1 : -1;
  else
    return FALSE;

  leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > month_days[mo - 1] ||
      (mo == 2 && d == 29 && !leap) || h > 23 || mi > 59 || sec > 59 || oh > 23 || om > 59)
    return FALSE;
  *ts = (gint64) cohort_day_from_ymd (y, mo, d) * 86400 + h * 3600 + mi * 60 + sec -
        sign * (oh * 3600 + om * 60);
  return TRUE;
}

/* ISO-8601 with an offset and 0–7 fractional digits ("o" format of .NET). */
static gboolean
parse_timestamp (const char *text,
                 gint64     *ts)
{
  g_autoptr(GTimeZone) utc = NULL;
  g_autoptr(GDateTime) dt = NULL;
  const char *dot;

  if (text == NULL || *text == '\0')
    return FALSE;
  if (parse_timestamp_fast (text, ts))
    return TRUE;
  utc = g_time_zone_new_utc ();
  dt = g_date_time_new_from_iso8601 (text, utc);
  if (dt == NULL && (dot = strchr (text, '.')) != NULL)
    {
      gsize digits = strspn (dot + 1, "0123456789");

      if (digits > 6)
        {
          g_autofree char *trimmed = g_strdup_printf ("%.*s%s", (int)(dot + 7 - text), text,
                                                      dot + 1 + digits);
          dt = g_date_time_new_from_iso8601 (trimmed, utc);
        }
    }
  if (dt == NULL)
    return FALSE;
  *ts = g_date_time_to_unix (dt);
  return TRUE;
}

/* The kind of an attachment, from the extension of its file name or URL. */
static CohortMessageKind
kind_for_file (const char *name)
{
  static const char * const images[] = { "png", "jpg", "jpeg", "gif", "webp", "bmp", "heic",
                                         "heif", "avif", "tif", "tiff", "svg" };
  static const char * const videos[] = { "mp4", "mov", "webm", "mkv", "avi", "m4v", "wmv",
                                         "mpg", "mpeg" };
  static const char * const voices[] = { "ogg", "oga", "opus" };
  g_autofree char *base = NULL;
  const char *slash, *dot;
  gsize len;

  if (name == NULL)
    return COHORT_MESSAGE_FILE;
  len = strcspn (name, "?#");
  base = g_strndup (name, len);
  slash = strrchr (base, '/');
  dot = strrchr (slash ? slash : base, '.');
  if (dot == NULL)
    return COHORT_MESSAGE_FILE;
  dot++;
  for (guint i = 0; i < G_N_ELEMENTS (images); i++)
    if (g_ascii_strcasecmp (dot, images[i]) == 0)
      return COHORT_MESSAGE_IMAGE;
  for (guint i = 0; i < G_N_ELEMENTS (videos); i++)
    if (g_ascii_strcasecmp (dot, videos[i]) == 0)
      return COHORT_MESSAGE_VIDEO;
  for (guint i = 0; i < G_N_ELEMENTS (voices); i++)
    if (g_ascii_strcasecmp (dot, voices[i]) == 0)
      return COHORT_MESSAGE_VOICE;
  return COHORT_MESSAGE_FILE;
}

static gboolean
has_url (const char *text)
{
  return text != NULL && (strstr (text, "http://") != NULL || strstr (text, "https://") != NULL);
}

static void
sink_community (Sink       *sink,
                const char *platform_id,
                const char *name,
                const char *kind)
{
  sink->community = cohort_import_pipe_community (sink->pipe, "discord", platform_id, name, kind,
                                                  sink->zone);
  sink->mech = cohort_mech_new ();
}

/* A regular (non-system) message: classify and store it. */
static void
sink_message (Sink                *sink,
              CohortMessageRecord *record,
              gboolean             exempt)
{
  CohortMechReason reason;

  record->length = record->text ? g_utf8_strlen (record->text, -1) : 0;
  if (record->kind != COHORT_MESSAGE_SYSTEM)
    {
      reason = cohort_mech_classify (sink->mech, record->member_uid, record->ts, record->text,
                                     record->kind, exempt);
      record->is_mech = reason != COHORT_MECH_NONE;
      record->mech_reason = cohort_mech_reason_to_string (reason);
    }
  cohort_import_pipe_message (sink->pipe, sink->community, record);
}

/* ------------------------------------------------------------------------------------------ */
/* JSON: one message                                                                           */

typedef enum
{
  CAPTURE_GUILD,
  CAPTURE_CHANNEL,
} Capture;

typedef struct
{
  Sink         sink;
  GError      *error;

  int          depth;          /* open containers outside a capture */
  char        *root_key;       /* the current key of the root object */
  gboolean     root_not_object;
  gboolean     in_messages;
  gboolean     saw_messages;

  JsonBuilder *builder;        /* non-NULL while a value is being assembled */
  int          capture_level;
  Capture      capture;
  JsonNode    *guild;
  JsonNode    *channel;

  gboolean     skipping;       /* inside the value of an unread member (see unread_keys) */
  int          skip_level;     /* containers open inside that value */

  CohortDiscordReader *reader; /* reads the elements of "messages" */
  gboolean     in_message;     /* between the start and the end of one */
} Parser;

/* Members that nothing here reads (no code looks them up by name, and no object is walked
 * member by member) are not built into the captured guild and channel trees at all.  The
 * messages' own are passed over by cohort-discord-message.c, which reads only its slots. */
static gboolean
is_unread_key (const char *key,
               gsize       len)
{
  static const char * const unread_keys[] = {
    "avatarUrl", "callEndedTimestamp", "color", "discriminator", "fileSizeBytes",
    "inlineEmojis", "isPinned", "roles",
  };

  for (guint i = 0; i < G_N_ELEMENTS (unread_keys); i++)
    if (strlen (unread_keys[i]) == len && memcmp (unread_keys[i], key, len) == 0)
      return TRUE;
  return FALSE;
}

/* Called by every yajl callback first: TRUE when the event belongs to a skipped value.
 * opens is +1 for the start of a container, -1 for its end, 0 for a scalar or a key. */
/* A skipped value is refused as deep as a built one would be. */
static gboolean
skipped_too_deep (Parser *p)
{
  return p->capture_level + p->skip_level > COHORT_JSON_MAX_DEPTH;
}

static gboolean
skip_event (Parser *p,
            int     opens)
{
  if (!p->skipping)
    return FALSE;
  p->skip_level += opens;
  if (p->skip_level == 0 && opens <= 0)
    p->skipping = FALSE;       /* the skipped scalar, or the end of the skipped container */
  return TRUE;
}

static const char *
member_string (JsonObject *o,
               const char *key)
{
  JsonNode *node = o ? json_object_get_member (o, key) : NULL;

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
      json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);
  return NULL;
}

/* Snowflakes are strings in DCE; tolerate numbers too. */
static char *
member_id (JsonObject *o,
           const char *key)
{
  JsonNode *node = o ? json_object_get_member (o, key) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    {
      const char *s = json_node_get_string (node);
      return *s != '\0' ? g_strdup (s) : NULL;
    }
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  return NULL;
}

static gboolean
is_object (const CohortDiscordValue *v)
{
  return v->type == COHORT_DISCORD_OBJECT;
}

static guint
array_length (const CohortDiscordValue *v)
{
  return v->type == COHORT_DISCORD_ARRAY ? v->length : 0;
}

/* Registers a user object (author or mention) as a member; returns its uid (in the
 * message's slots, or digits) or NULL. */
static const char *
add_user (Parser                  *p,
          const CohortDiscordUser *user,
          char                     digits[COHORT_DISCORD_ID_DIGITS])
{
  const char *uid = is_object (&user->self) ? cohort_discord_value_id_in (&user->id, digits) : NULL;
  const char *name;

  if (uid == NULL)
    return NULL;
  name = cohort_discord_value_string (&user->nickname);
  if (name == NULL || *name == '\0')
    name = cohort_discord_value_string (&user->name);
  if (name == NULL || *name == '\0')
    name = uid;
  cohort_import_pipe_member (p->sink.pipe, p->sink.community, uid, name,
                             cohort_discord_value_true (&user->is_bot));
  return uid;
}

/* Default and Reply are conversation; so are the slash-command and context-menu replies
 * DCE writes as "20" and "23".  Every other type is a system notice. */
static gboolean
is_regular_type (const char *type)
{
  static const char * const regular[] = { "Default", "Reply", "0", "19", "20", "23" };

  if (type == NULL)
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (regular); i++)
    if (strcmp (type, regular[i]) == 0)
      return TRUE;
  return FALSE;
}

static CohortMessageKind
json_message_kind (const CohortDiscordBody *b,
                   const char              *text,
                   gboolean                *exempt)
{
  *exempt = TRUE;
  if (array_length (&b->attachments) > 0)
    {
      const char *name = NULL, *url = NULL;

      if (is_object (&b->first_attachment))
        {
          name = cohort_discord_value_string (&b->file_name);
          url = cohort_discord_value_string (&b->url);
        }
      return kind_for_file (name ? name : url);
    }
  if (text == NULL || *text == '\0')
    {
      if (array_length (&b->stickers) > 0)
        return COHORT_MESSAGE_STICKER;
      if (array_length (&b->embeds) > 0 || is_object (&b->poll))
        return COHORT_MESSAGE_OTHER;
    }
  if (has_url (text))
    return COHORT_MESSAGE_LINK;
  *exempt = FALSE;
  return COHORT_MESSAGE_TEXT;
}

static void
add_reactions (Parser                  *p,
               const CohortDiscordBody *b,
               const char              *msg_id)
{
  if (b->reactions.type != COHORT_DISCORD_ARRAY)
    return;
  for (guint i = 0; i < b->n_reactions; i++)
    {
      const CohortDiscordReaction *r = g_ptr_array_index (b->reaction_slots, i);
      g_autofree char *custom = NULL;
      g_autofree char *key = NULL;
      gint64 count = cohort_discord_value_count (&r->count);
      const char *name;

      if (!is_object (&r->emoji) || count <= 0)
        continue;
      custom = cohort_discord_value_id (&r->emoji_id);
      name = cohort_discord_value_string (&r->emoji_name);
      if (custom != NULL)
        key = g_strdup_printf ("custom:%s", custom);
      else if (name != NULL && *name != '\0')
        key = g_strdup (name);
      else
        continue;
      cohort_import_pipe_reaction (p->sink.pipe, p->sink.community, msg_id, key, count);
    }
}

/* RecipientAdd / RecipientRemove: membership of the first mentioned user. */
static void
recipient_event (Parser                     *p,
                 const CohortDiscordMessage *m,
                 const char                 *type,
                 const char                 *author_uid,
                 gint64                      ts)
{
  char digits[COHORT_DISCORD_ID_DIGITS];
  const char *uid = array_length (&m->mentions) > 0 ? add_user (p, &m->first_mention, digits)
                                                    : NULL;
  gboolean add = strcmp (type, "RecipientAdd") == 0;

  if (uid == NULL)
    {
      /* "Left the group." may come without a mention: the author left. */
      if (add || author_uid == NULL)
        return;
      uid = author_uid;
    }

  if (add)
    {
      cohort_import_pipe_event (p->sink.pipe, p->sink.community, uid, ts, "join", "added");
      if (author_uid != NULL && strcmp (author_uid, uid) != 0)
        cohort_import_pipe_invite (p->sink.pipe, p->sink.community, author_uid, uid, ts, "added");
      return;
    }
  cohort_import_pipe_event (p->sink.pipe, p->sink.community, uid, ts,
                            g_strcmp0 (author_uid, uid) == 0 ? "leave" : "kick", NULL);
}

static void
handle_message (Parser                     *p,
                const CohortDiscordMessage *m)
{
  /* The ids are the message's own strings, kept until handle_message () returns. */
  char id_digits[COHORT_DISCORD_ID_DIGITS], uid_digits[COHORT_DISCORD_ID_DIGITS];
  const char *id = cohort_discord_value_id_in (&m->id, id_digits);
  const char *type = cohort_discord_value_string (&m->type);
  const char *stamp = cohort_discord_value_string (&m->timestamp);
  const char *text = cohort_discord_value_string (&m->body.content);
  const CohortDiscordBody *body = &m->body;
  const char *uid = NULL;
  CohortMessageRecord record = { 0, };
  gboolean regular = is_regular_type (type);
  gboolean exempt = FALSE;
  gint64 ts = 0, edited = 0;

  if (id == NULL || !parse_timestamp (stamp, &ts))
    {
      cohort_import_context_warn (p->sink.ctx, _("A message in %s has no id or no readable "
                                                 "timestamp; skipped."),
                                  p->sink.ctx->display_name);
      return;
    }

  uid = add_user (p, &m->author, uid_digits);

  record.platform_msg_id = id;
  record.member_uid = uid;
  record.ts = ts;
  if (parse_timestamp (cohort_discord_value_string (&m->timestamp_edited), &edited))
    record.edited_ts = edited;

  if (!regular)
    {
      record.kind = COHORT_MESSAGE_SYSTEM;
      record.text = text ? text : "";
      sink_message (&p->sink, &record, FALSE);
      if (g_strcmp0 (type, "GuildMemberJoin") == 0 && uid != NULL)
        cohort_import_pipe_event (p->sink.pipe, p->sink.community, uid, ts, "join", "server");
      else if (g_strcmp0 (type, "RecipientAdd") == 0 || g_strcmp0 (type, "RecipientRemove") == 0)
        recipient_event (p, m, type, uid, ts);
      return;
    }

  /* A forward carries its content in forwardedMessage. */
  if (is_object (&m->reference) &&
      g_strcmp0 (cohort_discord_value_string (&m->reference_type), "Forward") == 0)
    record.forwarded = TRUE;
  else if (is_object (&m->reference))
    record.reply_to = cohort_discord_value_string (&m->reference_message_id);
  if ((text == NULL || *text == '\0') && is_object (&m->forwarded.self))
    {
      record.forwarded = TRUE;
      text = cohort_discord_value_string (&m->forwarded.content);
      if (array_length (&m->body.attachments) == 0 &&
          array_length (&m->forwarded.attachments) > 0)
        body = &m->forwarded;
    }
  record.text = text ? text : "";
  record.kind = json_message_kind (body, record.text, &exempt);
  sink_message (&p->sink, &record, exempt);
  add_reactions (p, body, id);
}

/* ------------------------------------------------------------------------------------------ */
/* JSON: yajl callbacks                                                                        */

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

static gboolean
begin_community (Parser *p)
{
  JsonObject *guild = p->guild ? json_node_get_object (p->guild) : NULL;
  JsonObject *channel = p->channel ? json_node_get_object (p->channel) : NULL;
  g_autofree char *guild_id = member_id (guild, "id");
  g_autofree char *channel_id = member_id (channel, "id");
  g_autofree char *platform_id = NULL;
  const char *name;

  if (guild_id == NULL || channel_id == NULL)
    return fail (p, g_error_new (COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_UNSUPPORTED,
                                 _("%s is JSON, but not a DiscordChatExporter export: its "
                                   "messages come without a “guild” and a “channel” with ids."),
                                 p->sink.ctx->display_name));
  if (strcmp (guild_id, "0") == 0)
    {
      platform_id = g_strdup_printf ("dm:%s", channel_id);
      name = member_string (channel, "name");
    }
  else
    {
      platform_id = g_strdup (guild_id);
      name = member_string (guild, "name");
    }
  if (name == NULL || *name == '\0')
    name = p->sink.ctx->display_name;
  sink_community (&p->sink, platform_id, name, member_string (channel, "type"));
  return TRUE;
}

static int
capture_done (Parser *p)
{
  g_autoptr(JsonNode) node = json_builder_get_root (p->builder);

  g_clear_object (&p->builder);
  switch (p->capture)
    {
    case CAPTURE_GUILD:
      g_clear_pointer (&p->guild, json_node_unref);
      p->guild = g_steal_pointer (&node);
      break;
    case CAPTURE_CHANNEL:
    default:
      g_clear_pointer (&p->channel, json_node_unref);
      p->channel = g_steal_pointer (&node);
      break;
    }
  return 1;
}

static int
message_done (Parser *p)
{
  GError *error = NULL;

  p->in_message = FALSE;
  handle_message (p, cohort_discord_reader_message (p->reader));
  if (!sink_tick (&p->sink, &error))
    return fail (p, error);
  return 1;
}

static int
on_null (void *ctx)
{
  Parser *p = ctx;

  if (p->in_message)
    cohort_discord_reader_null (p->reader);
  else if (skip_event (p, 0))
    return 1;
  else if (p->builder != NULL)
    json_builder_add_null_value (p->builder);
  return 1;
}

static int
on_boolean (void *ctx,
            int   value)
{
  Parser *p = ctx;

  if (p->in_message)
    cohort_discord_reader_boolean (p->reader, value);
  else if (skip_event (p, 0))
    return 1;
  else if (p->builder != NULL)
    json_builder_add_boolean_value (p->builder, value);
  return 1;
}

static int
on_number (void       *ctx,
           const char *value,
           size_t      len)
{
  Parser *p = ctx;

  if (p->in_message)
    cohort_discord_reader_number (p->reader, value, len);
  else if (skip_event (p, 0))
    return 1;
  else if (p->builder != NULL)
    cohort_json_builder_add_number (p->builder, value, len);
  return 1;
}

static int
on_string (void                *ctx,
           const unsigned char *value,
           size_t               len)
{
  Parser *p = ctx;

  if (p->in_message)
    cohort_discord_reader_string (p->reader, (const char *)value, len);
  else if (skip_event (p, 0))
    return 1;
  else if (p->builder != NULL)
    cohort_json_builder_add_string (p->builder, (const char *)value, len);
  return 1;
}

static int
on_map_key (void                *ctx,
            const unsigned char *key,
            size_t               len)
{
  Parser *p = ctx;

  if (p->in_message)
    {
      cohort_discord_reader_key (p->reader, (const char *)key, len);
      return 1;
    }
  if (skip_event (p, 0))
    return 1;
  if (p->builder != NULL && is_unread_key ((const char *)key, len))
    {
      p->skipping = TRUE;
      p->skip_level = 0;
    }
  else if (p->builder != NULL)
    {
      g_autofree char *text = g_strndup ((const char *)key, len);
      json_builder_set_member_name (p->builder, text);
    }
  else if (p->depth == 1)
    {
      g_free (p->root_key);
      p->root_key = g_strndup ((const char *)key, len);
    }
  return 1;
}

static void
capture_begin (Parser  *p,
               Capture  capture)
{
  p->builder = json_builder_new ();
  p->capture = capture;
  p->capture_level = 1;
  json_builder_begin_object (p->builder);
}

static int
on_start_map (void *ctx)
{
  Parser *p = ctx;

  if (p->in_message && !cohort_discord_reader_start (p->reader, FALSE))
    return fail (p, cohort_json_depth_error (p->sink.ctx->display_name));
  if (p->in_message)
    return 1;
  if (skip_event (p, 1))
    return skipped_too_deep (p) ? fail (p, cohort_json_depth_error (p->sink.ctx->display_name)) : 1;

  if (p->builder != NULL)
    {
      if (p->capture_level >= COHORT_JSON_MAX_DEPTH)
        return fail (p, cohort_json_depth_error (p->sink.ctx->display_name));
      p->capture_level++;
      json_builder_begin_object (p->builder);
      return 1;
    }
  if (p->depth == 1 && g_strcmp0 (p->root_key, "guild") == 0)
    capture_begin (p, CAPTURE_GUILD);
  else if (p->depth == 1 && g_strcmp0 (p->root_key, "channel") == 0)
    capture_begin (p, CAPTURE_CHANNEL);
  else if (p->depth == 2 && p->in_messages)
    {
      cohort_discord_reader_begin (p->reader);
      p->in_message = TRUE;
    }
  else
    p->depth++;
  return 1;
}

static int
on_start_array (void *ctx)
{
  Parser *p = ctx;

  if (p->in_message && !cohort_discord_reader_start (p->reader, TRUE))
    return fail (p, cohort_json_depth_error (p->sink.ctx->display_name));
  if (p->in_message)
    return 1;
  if (skip_event (p, 1))
    return skipped_too_deep (p) ? fail (p, cohort_json_depth_error (p->sink.ctx->display_name)) : 1;

  if (p->builder != NULL)
    {
      if (p->capture_level >= COHORT_JSON_MAX_DEPTH)
        return fail (p, cohort_json_depth_error (p->sink.ctx->display_name));
      p->capture_level++;
      json_builder_begin_array (p->builder);
      return 1;
    }
  if (p->depth == 0)
    {
      p->root_not_object = TRUE;
      return 0;
    }
  if (p->depth == 1 && g_strcmp0 (p->root_key, "messages") == 0 && !p->saw_messages)
    {
      p->in_messages = TRUE;
      if (!begin_community (p))
        return 0;
    }
  p->depth++;
  return 1;
}

static int
on_end_container (Parser  *p,
                  gboolean is_map)
{
  if (p->in_message)
    return cohort_discord_reader_end (p->reader) ? message_done (p) : 1;
  if (skip_event (p, -1))
    return 1;
  if (p->builder != NULL)
    {
      p->capture_level--;
      if (is_map)
        json_builder_end_object (p->builder);
      else
        json_builder_end_array (p->builder);
      return p->capture_level == 0 ? capture_done (p) : 1;
    }
  p->depth--;
  if (p->in_messages && p->depth == 1)
    {
      p->in_messages = FALSE;
      p->saw_messages = TRUE;
    }
  return 1;
}

static int
on_end_map (void *ctx)
{
  return on_end_container (ctx, TRUE);
}

static int
on_end_array (void *ctx)
{
  return on_end_container (ctx, FALSE);
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
/* JSON: driver                                                                                */

static void
set_not_discord (GError     **error,
                 const char  *display_name)
{
  g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_UNSUPPORTED,
               _("%s is JSON, but not a DiscordChatExporter export: it has no “guild”, "
                 "“channel” and “messages”. Export the channel again with DiscordChatExporter "
                 "in the JSON format."), display_name);
}

static gboolean
json_parse_error (Parser       *p,
                  yajl_handle   handle,
                  yajl_status   status,
                  const guchar *chunk,
                  gsize         len,
                  gint64        line,
                  gint64        column,
                  GError      **error)
{
  gsize consumed;
  g_autofree char *reason = NULL;
  guchar *raw;

  if (status == yajl_status_client_canceled && p->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&p->error));
      return FALSE;
    }
  if (p->root_not_object)
    {
      set_not_discord (error, p->sink.ctx->display_name);
      return FALSE;
    }
  consumed = yajl_get_bytes_consumed (handle);
  raw = yajl_get_error (handle, 0, chunk, len);
  reason = g_strstrip (g_strdup ((const char *)raw));
  yajl_free_error (handle, raw);
  cohort_json_advance_position (chunk, MIN (consumed, len), &line, &column);
  g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_MALFORMED,
               _("%s is not valid JSON at line %" PRId64 ", column %" PRId64 " (%s). The file "
                 "may have been edited or damaged: export the channel again with "
                 "DiscordChatExporter."),
               p->sink.ctx->display_name, line, column, reason);
  return FALSE;
}

/* On the pipe's parse thread, like import_csv (). */
static gboolean
import_json (CohortImportPipe  *pipe,
             gpointer           data,
             GError           **error)
{
  CohortImportContext *ctx = data;
  g_autofree guchar *chunk = g_malloc (CHUNK_SIZE);
  Parser p = { { 0, }, };
  yajl_handle handle;
  gint64 line = 1, column = 1;
  gboolean ok = FALSE;

  p.sink.pipe = pipe;
  p.sink.ctx = ctx;
  p.sink.zone = guess_zone (ctx);   /* before reading: it peeks at the buffered head */
  p.reader = cohort_discord_reader_new ();
  handle = yajl_alloc (&callbacks, NULL, &p);

  for (;;)
    {
      gssize n;
      gsize skip = 0;
      yajl_status status;

      if (g_cancellable_set_error_if_cancelled (ctx->cancellable, error) ||
          !cohort_import_pipe_check (pipe, error))
        goto out;
      n = g_input_stream_read (ctx->stream, chunk, CHUNK_SIZE, ctx->cancellable, error);
      if (n < 0)
        goto out;
      if (n == 0)
        break;
      /* FORMATS.md §2: a UTF-8 byte order mark is not JSON. */
      if (p.sink.done == 0 && n >= 3 && chunk[0] == 0xEF && chunk[1] == 0xBB && chunk[2] == 0xBF)
        skip = 3;
      status = yajl_parse (handle, chunk + skip, n - skip);
      if (status != yajl_status_ok)
        {
          json_parse_error (&p, handle, status, chunk + skip, n - skip, line, column, error);
          goto out;
        }
      cohort_json_advance_position (chunk + skip, n - skip, &line, &column);
      p.sink.done += n;
      cohort_import_pipe_context_progress (pipe, ctx, p.sink.done, p.sink.messages_seen);
    }

  if (yajl_complete_parse (handle) != yajl_status_ok || p.depth > 0 || p.builder != NULL ||
      p.in_message)
    {
      if (p.error != NULL)
        g_propagate_error (error, g_steal_pointer (&p.error));
      else if (p.root_not_object)
        set_not_discord (error, ctx->display_name);
      else if (p.sink.done == 0 || (p.depth == 0 && p.builder == NULL))
        g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_UNSUPPORTED,
                     _("%s is empty."), ctx->display_name);
      else
        g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_TRUNCATED,
                     _("%s ends in the middle of the export (line %" PRId64 "). The file was "
                       "cut off or the export had not finished: export the channel again with "
                       "DiscordChatExporter."),
                     ctx->display_name, line);
      goto out;
    }
  if (!p.saw_messages)
    {
      set_not_discord (error, ctx->display_name);
      goto out;
    }
  cohort_import_pipe_context_progress (pipe, ctx, p.sink.done, p.sink.messages_seen);
  ok = TRUE;

out:
  yajl_free (handle);
  g_clear_object (&p.builder);
  g_clear_pointer (&p.guild, json_node_unref);
  g_clear_pointer (&p.channel, json_node_unref);
  g_clear_pointer (&p.reader, cohort_discord_reader_free);
  g_free (p.root_key);
  g_clear_error (&p.error);
  sink_clear (&p.sink);
  return ok;
}

/* ------------------------------------------------------------------------------------------ */
/* CSV                                                                                         */

typedef struct
{
  GDataInputStream *in;
  CohortImportContext *ctx;
  gint64 line;            /* physical lines read so far */
  gint64 record_line;     /* where the current record starts */
  goffset done;
} CsvReader;

/* Drops a leading U+FEFF (DCE on some systems writes one; FORMATS.md §2 says strip it). */
static const char *
skip_bom (const char *line)
{
  while (g_str_has_prefix (line, "\xEF\xBB\xBF"))
    line += 3;
  return line;
}

/*
 * Reads one RFC 4180 record into fields.  Returns FALSE with *eof set at the end of the
 * file, FALSE with an error on a syntax error.  CRLF, LF and CR all end lines; a line end
 * inside quotes becomes "\n".
 */
static gboolean
csv_read_record (CsvReader  *r,
                 GPtrArray  *fields,
                 gboolean   *eof,
                 GError    **error)
{
  g_autoptr(GString) field = g_string_new (NULL);
  gboolean in_quotes = FALSE, quoted = FALSE, closed = FALSE;
  gsize record_size = 0;

  *eof = FALSE;
  g_ptr_array_set_size (fields, 0);
  for (;;)
    {
      g_autofree char *raw = NULL;
      GError *local_error = NULL;
      const char *line;
      gsize len = 0;

      raw = cohort_import_read_line (r->in, r->ctx->display_name, &len, r->ctx->cancellable,
                                     &local_error);
      if (raw == NULL)
        {
          if (local_error != NULL)
            {
              g_propagate_error (error, local_error);
              return FALSE;
            }
          if (in_quotes)
            {
              g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_TRUNCATED,
                           _("%s ends inside a quoted field that starts at line %" PRId64
                             ". The file was cut off: export the channel again."),
                           r->ctx->display_name, r->record_line);
              return FALSE;
            }
          *eof = TRUE;
          return FALSE;
        }
      r->line++;
      r->done += len + 1;
      /* GDataInputStream keeps a lone CR that ends the file. */
      if (len > 0 && raw[len - 1] == '\r')
        raw[--len] = '\0';
      line = raw;
      if (!in_quotes)
        {
          line = skip_bom (line);
          if (*line == '\0')
            continue;    /* blank line between records */
          r->record_line = r->line;
        }
      record_size += len;
      if (record_size > CSV_MAX_RECORD)
        {
          g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_MALFORMED,
                       _("%s is not valid CSV at line %" PRId64 ": a quoted field is never "
                         "closed."), r->ctx->display_name, r->record_line);
          return FALSE;
        }

      for (const char *c = line; *c != '\0'; c++)
        {
          if (in_quotes)
            {
              if (*c != '"')
                g_string_append_c (field, *c);
              else if (c[1] == '"')
                {
                  g_string_append_c (field, '"');
                  c++;
                }
              else
                {
                  in_quotes = FALSE;
                  closed = TRUE;
                }
            }
          else if (*c == ',')
            {
              g_ptr_array_add (fields, g_utf8_make_valid (field->str, field->len));
              g_string_truncate (field, 0);
              quoted = closed = FALSE;
            }
          else if (*c == '"' && field->len == 0 && !quoted)
            in_quotes = quoted = TRUE;
          else if (closed)
            {
              g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_MALFORMED,
                           _("%s is not valid CSV at line %" PRId64 ", column %ld: text "
                             "follows a closing quote."),
                           r->ctx->display_name, r->line,
                           (long)g_utf8_strlen (line, c - line) + 1);
              return FALSE;
            }
          else
            g_string_append_c (field, *c);
        }
      if (in_quotes)
        {
          g_string_append_c (field, '\n');
          continue;
        }
      g_ptr_array_add (fields, g_utf8_make_valid (field->str, field->len));
      return TRUE;
    }
}

/* The fallback sentences DCE writes for system messages (CSV has no type column). */
static gboolean
csv_is_system (const char *text)
{
  static const char * const exact[] = {
    "Joined the server.", "Pinned a message.", "Started a thread.", "Left the group.",
    "Changed the channel icon.", "Added a recipient.", "Removed a recipient.",
  };

  for (guint i = 0; i < G_N_ELEMENTS (exact); i++)
    if (strcmp (text, exact[i]) == 0)
      return TRUE;
  return (g_str_has_prefix (text, "Started a call that lasted ") && g_str_has_suffix (text, " minutes.")) ||
         (g_str_has_prefix (text, "Added ") && g_str_has_suffix (text, " to the group.")) ||
         (g_str_has_prefix (text, "Removed ") && g_str_has_suffix (text, " from the group.")) ||
         g_str_has_prefix (text, "Changed the channel name: ");
}

/* "👍 (2),pepe (1)," → reactions. */
static void
csv_reactions (Sink       *sink,
               const char *msg_id,
               const char *text)
{
  const char *s = text;

  while (*s != '\0')
    {
      const char *close = strstr (s, "),");
      const char *end = close ? close + 1 : s + strlen (s);
      g_autofree char *item = g_strstrip (g_strndup (s, end - s));
      char *open = g_strrstr (item, " (");
      gsize n = strlen (item);

      s = close ? close + 2 : end;
      if (open == NULL || n < 2 || item[n - 1] != ')')
        continue;
      item[n - 1] = '\0';
      *open = '\0';
      if (*item != '\0' && strspn (open + 2, "0123456789") == strlen (open + 2) && open[2] != '\0')
        {
          gint64 count = g_ascii_strtoll (open + 2, NULL, 10);

          if (count > 0)
            cohort_import_pipe_reaction (sink->pipe, sink->community, msg_id, item, count);
        }
    }
}

static void
csv_handle (Sink              *sink,
            CsvReader         *r,
            CohortContentKeys *seen,
            GPtrArray         *f)
{
  const char *uid = *(char *)f->pdata[0] != '\0' ? f->pdata[0] : NULL;
  const char *name = f->pdata[1];
  const char *attachments = f->pdata[4];
  const char *text = f->pdata[3];
  g_autofree char *key = NULL;
  CohortMessageRecord record = { 0, };
  gboolean join = FALSE, exempt = FALSE;
  gint64 ts;

  if (!parse_timestamp (f->pdata[2], &ts))
    {
      cohort_import_context_warn (sink->ctx, _("Line %" PRId64 " of %s has no readable date; "
                                               "skipped."), r->record_line, sink->ctx->display_name);
      return;
    }
  if (uid != NULL)
    cohort_import_pipe_member (sink->pipe, sink->community, uid, *name ? name : uid, FALSE);

  key = cohort_import_content_key (seen, uid, ts, text);
  record.platform_msg_id = key;
  record.member_uid = uid;
  record.ts = ts;
  record.text = text;
  if (*attachments == '\0' && csv_is_system (text))
    {
      record.kind = COHORT_MESSAGE_SYSTEM;
      join = strcmp (text, "Joined the server.") == 0;
    }
  else if (*attachments != '\0')
    {
      g_autofree char *first = g_strndup (attachments, strcspn (attachments, ","));

      record.kind = kind_for_file (g_strstrip (first));
      exempt = TRUE;
    }
  else if (has_url (text))
    {
      record.kind = COHORT_MESSAGE_LINK;
      exempt = TRUE;
    }
  else
    record.kind = COHORT_MESSAGE_TEXT;

  sink_message (sink, &record, exempt);
  if (join && uid != NULL)
    cohort_import_pipe_event (sink->pipe, sink->community, uid, ts, "join", "server");
  if (record.kind != COHORT_MESSAGE_SYSTEM)
    csv_reactions (sink, key, f->pdata[5]);
}

static gboolean
import_csv (CohortImportPipe  *pipe,
            gpointer           data,
            GError           **error)
{
  CohortImportContext *ctx = data;
  g_autoptr(GDataInputStream) in = g_data_input_stream_new (ctx->stream);
  g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(CohortContentKeys) seen = cohort_content_keys_new ();
  g_autofree char *stem = NULL;
  g_autofree char *platform_id = NULL;
  CsvReader r = { 0, };
  Sink sink = { 0, };
  gboolean eof = FALSE, ok = FALSE;
  char *dot;

  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (in), FALSE);
  g_data_input_stream_set_newline_type (in, G_DATA_STREAM_NEWLINE_TYPE_ANY);
  r.in = in;
  r.ctx = ctx;
  sink.pipe = pipe;
  sink.ctx = ctx;
  sink.zone = guess_zone (ctx);     /* before reading: it peeks at the buffered head */

  if (!csv_read_record (&r, fields, &eof, error))
    {
      if (eof)
        g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_UNSUPPORTED,
                     _("%s is empty."), ctx->display_name);
      goto out;
    }
  if (fields->len != G_N_ELEMENTS (csv_header))
    goto not_dce;
  for (guint i = 0; i < fields->len; i++)
    if (strcmp (fields->pdata[i], csv_header[i]) != 0)
      goto not_dce;

  stem = g_strdup (ctx->display_name);
  if ((dot = strrchr (stem, '.')) != NULL && dot != stem)
    *dot = '\0';
  platform_id = g_strdup_printf ("csv:%s", stem);
  sink_community (&sink, platform_id, stem, NULL);

  for (;;)
    {
      if (!csv_read_record (&r, fields, &eof, error))
        {
          if (!eof)
            goto out;
          break;
        }
      if (fields->len != G_N_ELEMENTS (csv_header))
        {
          g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_MALFORMED,
                       _("%s is not valid CSV at line %" PRId64 ": %u fields instead of 6."),
                       ctx->display_name, r.record_line, fields->len);
          goto out;
        }
      sink.done = r.done;
      csv_handle (&sink, &r, seen, fields);
      if (!sink_tick (&sink, error))
        goto out;
    }
  cohort_import_pipe_context_progress (pipe, ctx, r.done, sink.messages_seen);
  ok = TRUE;
  goto out;

not_dce:
  g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_UNSUPPORTED,
               _("%s is not a DiscordChatExporter CSV export: the first line must be "
                 "“AuthorID,Author,Date,Content,Attachments,Reactions”."), ctx->display_name);
out:
  sink_clear (&sink);
  return ok;
}

/* ------------------------------------------------------------------------------------------ */
/* Format registration                                                                         */

static gboolean
is_csv_head (const guchar *head,
             gsize         len)
{
  g_autoptr(GString) line = g_string_new (NULL);
  gsize i = 0;

  while (i + 3 <= len && head[i] == 0xEF && head[i + 1] == 0xBB && head[i + 2] == 0xBF)
    i += 3;
  for (; i < len && head[i] != '\n' && head[i] != '\r'; i++)
    if (head[i] != '"')
      g_string_append_c (line, head[i]);
  if (i >= len)
    return FALSE;   /* no complete first line */
  return strcmp (line->str, "AuthorID,Author,Date,Content,Attachments,Reactions") == 0;
}

static int
discord_sniff (const guchar       *head,
               gsize               len,
               const char * const *zip_entries)
{
  g_autofree char *text = NULL;
  gsize i = 0;

  if (zip_entries != NULL || head == NULL)
    return 0;
  if (is_csv_head (head, len))
    return 95;
  if (len >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF)
    i = 3;
  while (i < len && g_ascii_isspace (head[i]))
    i++;
  if (i >= len || head[i] != '{')
    return 0;
  text = g_strndup ((const char *)head + i, len - i);
  if (strstr (text, "\"guild\"") != NULL && strstr (text, "\"channel\"") != NULL &&
      strstr (text, "\"messages\"") != NULL)
    return 95;
  return 0;
}

static gboolean
discord_import (CohortImportTx      *tx,
                CohortImportContext *ctx,
                GError             **error)
{
  const guchar *head = NULL;
  gsize len = 0, i = 0;

  if (G_IS_BUFFERED_INPUT_STREAM (ctx->stream))
    head = g_buffered_input_stream_peek_buffer (G_BUFFERED_INPUT_STREAM (ctx->stream), &len);
  /* JSON starts with an object; anything else is read as CSV, whose header check then
   * explains what is wrong. */
  len = MIN (len, COHORT_SNIFF_SIZE);
  if (len >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF)
    i = 3;
  while (i < len && g_ascii_isspace (head[i]))
    i++;
  return cohort_import_pipe_run (tx, head == NULL || i >= len || head[i] == '{' || head[i] == '['
                                     ? import_json : import_csv,
                                 ctx, ctx->result, ctx->progress, ctx->progress_data,
                                 ctx->cancellable, error);
}

const CohortFormat cohort_format_discord = {
  "discord",
  N_("DiscordChatExporter export (.json or .csv)"),
  N_("Export each channel with DiscordChatExporter (GUI or CLI) in the JSON format (CSV also "
     "works, with fewer details); drop all channel files of a server at once."),
  discord_sniff,
  discord_import,
};
