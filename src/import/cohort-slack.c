/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-slack"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>

#include "cohort-format.h"
#include "cohort-mech.h"

/*
 * Slack workspace export (FORMATS.md §2f): a zip with users.json, channels.json (and on
 * some plans groups.json, dms.json, mpims.json) at the root and one directory per
 * conversation holding YYYY-MM-DD.json arrays of messages.
 *
 * The zip is read in one streaming pass with libarchive.  Entries come in any order, so the
 * root files are parsed into trees and each day file is kept as raw bytes (its compressed
 * form is gone once read).  After the pass the day files are handled by date (the name), and
 * within a date the messages of every channel are merged by their own `ts`, so the
 * mechanical-reply classifier sees the workspace in time order.  Every timestamp comes from
 * `ts`, never from the file name.
 *
 * The whole workspace is one community.  Public channels (channels.json) and private
 * channels (groups.json) are imported; direct messages (dms.json, mpims.json) are personal
 * conversations and are skipped.
 */

#define READ_BLOCK (64 * 1024)
#define MAX_ENTRY  (512u * 1024 * 1024)   /* bytes of one unpacked entry; day files are small */

typedef struct
{
  char   *path;        /* entry path, for messages */
  char   *dir;         /* the conversation directory */
  char   *date;        /* "YYYY-MM-DD" */
  GBytes *data;
} DayFile;

typedef struct
{
  const char *channel_id;
  const char *channel_name;
  JsonObject *msg;
  gint64      ts;
  gint64      usec;
  guint       order;
} Item;

typedef struct
{
  CohortImportTx      *tx;
  CohortImportContext *ctx;

  JsonNode   *users;       /* users.json */
  JsonNode   *channels;    /* channels.json */
  JsonNode   *groups;      /* groups.json */
  JsonNode   *dms;
  JsonNode   *mpims;
  GPtrArray  *days;        /* DayFile* */

  GHashTable *dir_to_id;   /* conversation directory → channel id */
  GHashTable *personal;    /* directories of DMs and MPIMs */
  GHashTable *known_users; /* uids from users.json → "1" */
  gint64      community;
  CohortMech *mech;
  gint64      messages;
} Slack;

static void
day_file_free (gpointer data)
{
  DayFile *day = data;

  g_free (day->path);
  g_free (day->dir);
  g_free (day->date);
  g_bytes_unref (day->data);
  g_free (day);
}

static void
slack_clear (Slack *s)
{
  g_clear_pointer (&s->users, json_node_unref);
  g_clear_pointer (&s->channels, json_node_unref);
  g_clear_pointer (&s->groups, json_node_unref);
  g_clear_pointer (&s->dms, json_node_unref);
  g_clear_pointer (&s->mpims, json_node_unref);
  g_clear_pointer (&s->days, g_ptr_array_unref);
  g_clear_pointer (&s->dir_to_id, g_hash_table_unref);
  g_clear_pointer (&s->personal, g_hash_table_unref);
  g_clear_pointer (&s->known_users, g_hash_table_unref);
  g_clear_pointer (&s->mech, cohort_mech_free);
}

/* ------------------------------------------------------------------------------------------ */
/* JSON helpers                                                                                */

static const char *
get_string (JsonObject *o,
            const char *key)
{
  JsonNode *node;

  if (o == NULL || !(node = json_object_get_member (o, key)) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static const char *
get_nonempty (JsonObject *o,
              const char *key)
{
  const char *value = get_string (o, key);

  return value != NULL && *value != '\0' ? value : NULL;
}

static gboolean
get_bool (JsonObject *o,
          const char *key)
{
  JsonNode *node;

  if (o == NULL || !(node = json_object_get_member (o, key)) ||
      json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return FALSE;
  return json_node_get_boolean (node);
}

static JsonObject *
get_object (JsonObject *o,
            const char *key)
{
  JsonNode *node;

  if (o == NULL || !(node = json_object_get_member (o, key)) || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return json_node_get_object (node);
}

static JsonArray *
get_array (JsonObject *o,
           const char *key)
{
  JsonNode *node;

  if (o == NULL || !(node = json_object_get_member (o, key)) || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  return json_node_get_array (node);
}

static JsonArray *
root_array (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

/* "1700000000.123456" → seconds and microseconds. */
static gboolean
parse_ts (const char *text,
          gint64     *seconds,
          gint64     *usec)
{
  char *end = NULL;
  gint64 s;

  if (text == NULL || !g_ascii_isdigit (*text))
    return FALSE;
  s = g_ascii_strtoll (text, &end, 10);
  if (end == text)
    return FALSE;
  *seconds = s;
  *usec = 0;
  if (*end == '.')
    {
      gint64 frac = 0;
      int digits = 0;

      for (end++; g_ascii_isdigit (*end) && digits < 6; end++, digits++)
        frac = frac * 10 + (*end - '0');
      for (; digits < 6; digits++)
        frac *= 10;
      *usec = frac;
    }
  return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* Reading the zip                                                                             */

static JsonNode *
parse_json (const char  *entry_path,
            const char  *data,
            gsize        len,
            GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;

  /* An empty entry comes as NULL data (found by fuzz-slack); json-glib wants a string. */
  if (data == NULL)
    data = "";
  if (!cohort_json_check_depth (data, len, entry_path, error))
    return NULL;
  if (!json_parser_load_from_data (parser, data, len, &local_error))
    {
      g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_MALFORMED,
                   _("%s in the Slack export is not valid JSON: %s"), entry_path,
                   local_error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_MALFORMED,
                   _("%s in the Slack export is empty."), entry_path);
      return NULL;
    }
  return json_node_ref (root);
}

static gboolean
is_day_name (const char *base)
{
  /* YYYY-MM-DD.json */
  static const char pattern[] = "dddd-dd-dd.json";

  if (strlen (base) != sizeof pattern - 1)
    return FALSE;
  for (gsize i = 0; pattern[i] != '\0'; i++)
    if (pattern[i] == 'd' ? !g_ascii_isdigit (base[i]) : base[i] != pattern[i])
      return FALSE;
  return TRUE;
}

static GBytes *
read_entry (struct archive  *a,
            const char      *path,
            GCancellable    *cancellable,
            GError         **error)
{
  g_autoptr(GByteArray) buffer = g_byte_array_new ();
  guint8 block[READ_BLOCK];

  for (;;)
    {
      la_ssize_t n = archive_read_data (a, block, sizeof block);

      if (n == 0)
        break;
      if (n < 0)
        {
          g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_READ,
                       _("Cannot read %s from the Slack export: %s"), path,
                       archive_error_string (a) ? archive_error_string (a) : "");
          return NULL;
        }
      g_byte_array_append (buffer, block, n);
      if (buffer->len > MAX_ENTRY)
        {
          g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_UNSUPPORTED,
                       _("%s in the Slack export unpacks to more than %u MB. No Slack export "
                         "has files that large (it looks like a zip bomb)."), path,
                       MAX_ENTRY >> 20);
          return NULL;
        }
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&buffer));
}

static gboolean
read_zip (Slack   *s,
          GError **error)
{
  CohortImportContext *ctx = s->ctx;
  g_autofree char *path = g_file_get_path (ctx->file);
  struct archive *a;
  struct archive_entry *entry;
  gboolean ok = FALSE;
  int r;

  if (path == NULL)
    {
      g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_READ,
                   _("Cannot read %s: it is not a local file."), ctx->display_name);
      return FALSE;
    }

  a = archive_read_new ();
  archive_read_support_format_zip (a);
  if (archive_read_open_filename (a, path, READ_BLOCK) != ARCHIVE_OK)
    {
      g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_READ,
                   _("Cannot open %s as a zip file: %s"), ctx->display_name,
                   archive_error_string (a) ? archive_error_string (a) : "");
      goto out;
    }

  while ((r = archive_read_next_header (a, &entry)) == ARCHIVE_OK)
    {
      const char *name = archive_entry_pathname_utf8 (entry);
      g_autofree char *base = NULL;
      g_autofree char *dir = NULL;
      JsonNode **root_slot = NULL;
      g_autoptr(GBytes) data = NULL;
      gboolean consumed = FALSE;

      if (name == NULL)
        name = archive_entry_pathname (entry);
      if (g_cancellable_set_error_if_cancelled (ctx->cancellable, error))
        goto out;
      if (name == NULL || archive_entry_filetype (entry) != AE_IFREG)
        {
          archive_read_data_skip (a);
          continue;
        }

      base = g_path_get_basename (name);
      dir = g_path_get_dirname (name);
      if (strcmp (dir, ".") == 0)
        {
          if (strcmp (base, "users.json") == 0)
            root_slot = &s->users;
          else if (strcmp (base, "channels.json") == 0)
            root_slot = &s->channels;
          else if (strcmp (base, "groups.json") == 0)
            root_slot = &s->groups;
          else if (strcmp (base, "dms.json") == 0)
            root_slot = &s->dms;
          else if (strcmp (base, "mpims.json") == 0)
            root_slot = &s->mpims;
        }
      else if (is_day_name (base) && strchr (dir, '/') == NULL)
        {
          DayFile *day;

          if (!(data = read_entry (a, name, ctx->cancellable, error)))
            goto out;
          day = g_new0 (DayFile, 1);
          day->path = g_strdup (name);
          day->dir = g_steal_pointer (&dir);
          day->date = g_strndup (base, 10);
          day->data = g_steal_pointer (&data);
          g_ptr_array_add (s->days, day);
          consumed = TRUE;
        }

      if (root_slot != NULL)
        {
          gsize len;
          const char *bytes;

          if (!(data = read_entry (a, name, ctx->cancellable, error)))
            goto out;
          bytes = g_bytes_get_data (data, &len);
          g_clear_pointer (root_slot, json_node_unref);
          if (!(*root_slot = parse_json (name, bytes, len, error)))
            goto out;
        }
      else if (!consumed)
        archive_read_data_skip (a);

      /* The first half of the bar is reading the zip, the second importing. */
      cohort_import_context_progress (ctx, archive_filter_bytes (a, -1) / 2, 0);
    }

  if (r != ARCHIVE_EOF)
    {
      g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_TRUNCATED,
                   _("%s is a damaged zip file: %s"), ctx->display_name,
                   archive_error_string (a) ? archive_error_string (a) : "");
      goto out;
    }
  ok = TRUE;

out:
  archive_read_free (a);
  return ok;
}

/* ------------------------------------------------------------------------------------------ */
/* Workspace, members, channels                                                                */

/* "Acme Slack export Mar 1 2024 - Mar 2 2024.zip" → "Acme" */
static char *
workspace_name (const char *display_name)
{
  g_autofree char *name = g_strdup (display_name);
  char *cut;

  if (g_str_has_suffix (name, ".zip") || g_str_has_suffix (name, ".ZIP"))
    name[strlen (name) - 4] = '\0';
  if ((cut = strstr (name, " Slack export")) != NULL && cut != name)
    *cut = '\0';
  g_strstrip (name);
  if (*name == '\0')
    return g_strdup (display_name);
  return g_steal_pointer (&name);
}

/* `"team": "T…"` in a raw day file, without parsing it. */
static char *
scan_team (GBytes *data)
{
  gsize len;
  const char *bytes = g_bytes_get_data (data, &len);
  const char *end = bytes + len;
  const char *p = bytes;

  for (; p + 6 <= end; p++)
    {
      const char *q = p + 6, *start;

      if (memcmp (p, "\"team\"", 6) != 0)
        continue;
      while (q < end && (*q == ' ' || *q == '\t' || *q == '\r' || *q == '\n' || *q == ':'))
        q++;
      if (q < end && *q == '"')
        {
          start = ++q;
          while (q < end && (g_ascii_isalnum (*q) || *q == '_'))
            q++;
          if (q < end && *q == '"' && q > start)
            return g_strndup (start, q - start);
        }
    }
  return NULL;
}

static int
compare_days (gconstpointer a,
              gconstpointer b)
{
  const DayFile *x = *(const DayFile * const *)a;
  const DayFile *y = *(const DayFile * const *)b;
  int c = strcmp (x->date, y->date);

  return c != 0 ? c : strcmp (x->dir, y->dir);
}

static char *
team_id (Slack *s)
{
  JsonArray *users = root_array (s->users);

  for (guint i = 0; users != NULL && i < json_array_get_length (users); i++)
    {
      JsonNode *node = json_array_get_element (users, i);
      const char *team;

      if (JSON_NODE_HOLDS_OBJECT (node) &&
          (team = get_nonempty (json_node_get_object (node), "team_id")) != NULL)
        return g_strdup (team);
    }
  for (guint i = 0; i < s->days->len; i++)
    {
      DayFile *day = g_ptr_array_index (s->days, i);
      char *team = scan_team (day->data);

      if (team != NULL)
        return team;
    }
  return NULL;
}

static const char *
user_name (JsonObject *user)
{
  JsonObject *profile = get_object (user, "profile");

  return get_nonempty (profile, "display_name") ?: get_nonempty (user, "real_name")
         ?: get_nonempty (profile, "real_name") ?: get_nonempty (user, "name")
         ?: get_nonempty (user, "id");
}

static gboolean
add_users (Slack   *s,
           GError **error)
{
  JsonArray *users = root_array (s->users);

  for (guint i = 0; users != NULL && i < json_array_get_length (users); i++)
    {
      JsonNode *node = json_array_get_element (users, i);
      JsonObject *user;
      const char *id;
      gboolean bot;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      user = json_node_get_object (node);
      if ((id = get_nonempty (user, "id")) == NULL)
        continue;
      bot = get_bool (user, "is_bot") || get_bool (user, "is_app_user") ||
            strcmp (id, "USLACKBOT") == 0;
      if (!cohort_import_tx_member (s->tx, s->community, id, user_name (user), bot, error))
        return FALSE;
      g_hash_table_add (s->known_users, g_strdup (id));
    }
  return TRUE;
}

static void
map_conversations (Slack    *s,
                   JsonNode *list,
                   gboolean  personal)
{
  JsonArray *array = root_array (list);

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *o;
      const char *id, *name;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      o = json_node_get_object (node);
      id = get_nonempty (o, "id");
      name = get_nonempty (o, "name");
      if (id == NULL)
        continue;
      if (personal)
        {
          g_hash_table_add (s->personal, g_strdup (id));
          if (name != NULL)
            g_hash_table_add (s->personal, g_strdup (name));
        }
      else
        {
          if (name != NULL)
            g_hash_table_insert (s->dir_to_id, g_strdup (name), g_strdup (id));
          g_hash_table_insert (s->dir_to_id, g_strdup (id), g_strdup (id));
        }
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Messages                                                                                    */

/* Slack escapes only &, < and > in text. */
static char *
plain_text (const char *text,
            gboolean   *has_link)
{
  GString *out = g_string_sized_new (text ? strlen (text) : 0);

  *has_link = text != NULL && (strstr (text, "<http://") != NULL || strstr (text, "<https://") != NULL);
  for (const char *p = text; p != NULL && *p != '\0'; p++)
    {
      if (*p == '&')
        {
          if (g_str_has_prefix (p, "&amp;"))
            {
              g_string_append_c (out, '&');
              p += 4;
              continue;
            }
          if (g_str_has_prefix (p, "&lt;"))
            {
              g_string_append_c (out, '<');
              p += 3;
              continue;
            }
          if (g_str_has_prefix (p, "&gt;"))
            {
              g_string_append_c (out, '>');
              p += 3;
              continue;
            }
        }
      g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

static CohortMessageKind
files_kind (JsonObject *msg)
{
  JsonArray *files = get_array (msg, "files");
  JsonNode *first;
  const char *mime;

  if (files == NULL || json_array_get_length (files) == 0)
    return COHORT_MESSAGE_TEXT;
  first = json_array_get_element (files, 0);
  mime = JSON_NODE_HOLDS_OBJECT (first) ? get_string (json_node_get_object (first), "mimetype") : NULL;
  if (mime == NULL)
    return COHORT_MESSAGE_FILE;
  if (g_str_has_prefix (mime, "image/"))
    return COHORT_MESSAGE_IMAGE;
  if (g_str_has_prefix (mime, "video/"))
    return COHORT_MESSAGE_VIDEO;
  if (g_str_has_prefix (mime, "audio/"))
    return COHORT_MESSAGE_VOICE;
  return COHORT_MESSAGE_FILE;
}

static gboolean
ensure_sender (Slack       *s,
               JsonObject  *msg,
               const char  *uid,
               gboolean     bot,
               GError     **error)
{
  JsonObject *profile;
  const char *name;

  if (g_hash_table_contains (s->known_users, uid))
    return !bot || cohort_import_tx_member (s->tx, s->community, uid, NULL, TRUE, error);

  /* Not in users.json (an export of a partial workspace): name from the message. */
  profile = get_object (msg, "user_profile");
  name = get_nonempty (profile, "display_name") ?: get_nonempty (profile, "real_name")
         ?: get_nonempty (profile, "name") ?: uid;
  if (!cohort_import_tx_member (s->tx, s->community, uid, name, bot, error))
    return FALSE;
  g_hash_table_add (s->known_users, g_strdup (uid));
  return TRUE;
}

static gboolean
add_reactions (Slack       *s,
               JsonObject  *msg,
               const char  *key,
               GError     **error)
{
  JsonArray *reactions = get_array (msg, "reactions");

  for (guint i = 0; reactions != NULL && i < json_array_get_length (reactions); i++)
    {
      JsonNode *node = json_array_get_element (reactions, i);
      g_autofree char *emoji = NULL;
      JsonObject *r;
      JsonNode *count_node;
      JsonArray *users;
      const char *name;
      gint64 count = 0;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      r = json_node_get_object (node);
      if ((name = get_nonempty (r, "name")) == NULL)
        continue;
      count_node = json_object_get_member (r, "count");
      if (count_node != NULL && json_node_get_value_type (count_node) == G_TYPE_INT64)
        count = json_node_get_int (count_node);
      else if ((users = get_array (r, "users")) != NULL)
        count = json_array_get_length (users);
      emoji = g_strdup_printf (":%s:", name);
      if (!cohort_import_tx_reaction (s->tx, s->community, key, emoji, count, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
handle_message (Slack       *s,
                const Item  *item,
                GError     **error)
{
  JsonObject *msg = item->msg;
  const char *subtype = get_string (msg, "subtype");
  const char *uid = get_nonempty (msg, "user");
  const char *ts_text = get_string (msg, "ts");
  const char *thread_ts = get_nonempty (msg, "thread_ts");
  gboolean bot_id = get_nonempty (msg, "bot_id") != NULL;
  gboolean has_link = FALSE, system;
  g_autofree char *key = g_strdup_printf ("%s:%s", item->channel_id, ts_text);
  g_autofree char *reply = NULL;
  g_autofree char *text = plain_text (get_string (msg, "text"), &has_link);
  g_autofree char *ref = NULL;
  CohortMessageRecord record = { 0, };
  JsonObject *edited;
  gint64 edited_ts = 0, usec;

  system = !(subtype == NULL || strcmp (subtype, "thread_broadcast") == 0 ||
             strcmp (subtype, "file_share") == 0 || strcmp (subtype, "me_message") == 0) ||
           (bot_id && uid == NULL);

  if (uid != NULL && !ensure_sender (s, msg, uid, bot_id || g_strcmp0 (subtype, "bot_message") == 0,
                                     error))
    return FALSE;

  record.community = s->community;
  record.platform_msg_id = key;
  record.member_uid = uid;
  record.ts = item->ts;
  record.text = text;
  record.length = g_utf8_strlen (text, -1);
  if (system)
    record.kind = COHORT_MESSAGE_SYSTEM;
  else
    {
      CohortMechReason reason;
      CohortMessageKind kind = files_kind (msg);
      gboolean attachment = kind != COHORT_MESSAGE_TEXT;

      if (kind == COHORT_MESSAGE_TEXT && has_link)
        kind = COHORT_MESSAGE_LINK;
      record.kind = kind;
      if (thread_ts != NULL && g_strcmp0 (thread_ts, ts_text) != 0)
        record.reply_to = reply = g_strdup_printf ("%s:%s", item->channel_id, thread_ts);
      if ((edited = get_object (msg, "edited")) != NULL)
        parse_ts (get_string (edited, "ts"), &edited_ts, &usec);
      record.edited_ts = edited_ts;
      reason = cohort_mech_classify (s->mech, uid, item->ts, text, kind, attachment || has_link);
      record.is_mech = reason != COHORT_MECH_NONE;
      record.mech_reason = cohort_mech_reason_to_string (reason);
    }
  if (!cohort_import_tx_message (s->tx, &record, error))
    return FALSE;
  s->messages++;

  if (g_strcmp0 (subtype, "channel_join") == 0 && uid != NULL)
    {
      const char *inviter = get_nonempty (msg, "inviter");

      ref = g_strdup_printf ("channel:%s", item->channel_name);
      if (!cohort_import_tx_event (s->tx, s->community, uid, item->ts, "join", ref, error))
        return FALSE;
      if (inviter != NULL &&
          (!ensure_sender (s, NULL, inviter, FALSE, error) ||
           !cohort_import_tx_invite (s->tx, s->community, inviter, uid, item->ts,
                                     item->channel_name, error)))
        return FALSE;
    }
  else if (g_strcmp0 (subtype, "channel_leave") == 0 && uid != NULL)
    {
      ref = g_strdup_printf ("channel:%s", item->channel_name);
      if (!cohort_import_tx_event (s->tx, s->community, uid, item->ts, "leave", ref, error))
        return FALSE;
    }
  return add_reactions (s, msg, key, error);
}

static int
compare_items (gconstpointer a,
               gconstpointer b)
{
  const Item *x = a, *y = b;

  if (x->ts != y->ts)
    return x->ts < y->ts ? -1 : 1;
  if (x->usec != y->usec)
    return x->usec < y->usec ? -1 : 1;
  return x->order < y->order ? -1 : x->order > y->order;
}

/* Every conversation's file of one date, merged by `ts`. */
static gboolean
import_date (Slack   *s,
             guint    first,
             guint    last,
             GError **error)
{
  g_autoptr(GPtrArray) roots = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  g_autoptr(GArray) items = g_array_new (FALSE, FALSE, sizeof (Item));

  for (guint i = first; i < last; i++)
    {
      DayFile *day = g_ptr_array_index (s->days, i);
      const char *channel_id = g_hash_table_lookup (s->dir_to_id, day->dir);
      JsonNode *root;
      JsonArray *array;
      const char *data;
      gsize len;

      if (channel_id == NULL)
        channel_id = day->dir;
      data = g_bytes_get_data (day->data, &len);
      if (!(root = parse_json (day->path, data, len, error)))
        return FALSE;
      g_ptr_array_add (roots, root);
      g_clear_pointer (&day->data, g_bytes_unref);
      if (!JSON_NODE_HOLDS_ARRAY (root))
        {
          g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_MALFORMED,
                       _("%s in the Slack export is not a list of messages."), day->path);
          return FALSE;
        }
      array = json_node_get_array (root);
      for (guint j = 0; j < json_array_get_length (array); j++)
        {
          JsonNode *node = json_array_get_element (array, j);
          Item item = { channel_id, day->dir, NULL, 0, 0, items->len };

          if (!JSON_NODE_HOLDS_OBJECT (node))
            continue;
          item.msg = json_node_get_object (node);
          if (!parse_ts (get_string (item.msg, "ts"), &item.ts, &item.usec))
            {
              cohort_import_context_warn (s->ctx, _("A message in %s has no readable “ts”; skipped."),
                                          day->path);
              continue;
            }
          g_array_append_val (items, item);
        }
    }

  g_array_sort (items, compare_items);
  for (guint i = 0; i < items->len; i++)
    if (!handle_message (s, &g_array_index (items, Item, i), error))
      return FALSE;
  return TRUE;
}

static gboolean
slack_import (CohortImportTx      *tx,
              CohortImportContext *ctx,
              GError             **error)
{
  Slack s = { tx, ctx, };
  g_autofree char *name = NULL;
  g_autofree char *team = NULL;
  g_autofree char *platform_id = NULL;
  g_autoptr(GHashTable) skipped = NULL;
  gsize total = 0, done = 0;
  gboolean ok = FALSE;
  guint i;

  s.days = g_ptr_array_new_with_free_func (day_file_free);
  s.dir_to_id = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  s.personal = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  s.known_users = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  s.mech = cohort_mech_new ();

  if (!read_zip (&s, error))
    goto out;
  if (s.users == NULL)
    {
      g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_UNSUPPORTED,
                   _("%s has no users.json, so it is not a complete Slack workspace export. "
                     "Import the .zip exactly as Slack downloaded it."), ctx->display_name);
      goto out;
    }
  if (!JSON_NODE_HOLDS_ARRAY (s.users))
    {
      g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_MALFORMED,
                   _("%s in the Slack export is not a list of users."), "users.json");
      goto out;
    }

  map_conversations (&s, s.channels, FALSE);
  map_conversations (&s, s.groups, FALSE);
  map_conversations (&s, s.dms, TRUE);
  map_conversations (&s, s.mpims, TRUE);

  /* Direct messages are personal conversations, not the community. */
  skipped = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (i = 0; i < s.days->len;)
    {
      DayFile *day = g_ptr_array_index (s.days, i);

      if (g_hash_table_contains (s.personal, day->dir) && !g_hash_table_contains (s.dir_to_id, day->dir))
        {
          if (g_hash_table_add (skipped, g_strdup (day->dir)))
            ctx->result->personal_chats_skipped++;
          g_ptr_array_remove_index (s.days, i);
        }
      else
        i++;
    }
  g_ptr_array_sort (s.days, compare_days);

  name = workspace_name (ctx->display_name);
  team = team_id (&s);
  platform_id = team != NULL ? g_strdup (team) : g_strdup_printf ("name:%s", name);
  s.community = cohort_import_tx_community (tx, "slack", platform_id, name, "workspace",
                                            cohort_import_context_zone (ctx, "UTC"), error);
  if (s.community == 0)
    goto out;
  cohort_import_context_add_community (ctx, s.community);
  if (!add_users (&s, error))
    goto out;

  for (i = 0; i < s.days->len; i++)
    total += g_bytes_get_size (((DayFile *)g_ptr_array_index (s.days, i))->data);

  for (i = 0; i < s.days->len;)
    {
      const char *date = ((DayFile *)g_ptr_array_index (s.days, i))->date;
      guint j = i;

      if (g_cancellable_set_error_if_cancelled (ctx->cancellable, error))
        goto out;
      while (j < s.days->len && strcmp (((DayFile *)g_ptr_array_index (s.days, j))->date, date) == 0)
        {
          done += g_bytes_get_size (((DayFile *)g_ptr_array_index (s.days, j))->data);
          j++;
        }
      if (!import_date (&s, i, j, error))
        goto out;
      if (ctx->size > 0 && total > 0)
        cohort_import_context_progress (ctx, ctx->size / 2 + (goffset)((double)ctx->size / 2 * done / total),
                                        s.messages);
      i = j;
    }
  ok = TRUE;

out:
  slack_clear (&s);
  return ok;
}

/* ------------------------------------------------------------------------------------------ */
/* Format registration                                                                         */

static int
slack_sniff (const guchar       *head,
             gsize               len,
             const char * const *zip_entries)
{
  gboolean users = FALSE, channels = FALSE;

  for (guint i = 0; zip_entries != NULL && zip_entries[i] != NULL; i++)
    {
      if (strcmp (zip_entries[i], "users.json") == 0)
        users = TRUE;
      else if (strcmp (zip_entries[i], "channels.json") == 0)
        channels = TRUE;
    }
  return users && channels ? 95 : 0;
}

const CohortFormat cohort_format_slack = {
  "slack",
  N_("Slack workspace export (.zip)"),
  N_("A workspace admin exports from Settings & administration → Workspace settings → "
     "Import/Export Data → Export; import the downloaded .zip."),
  slack_sniff,
  slack_import,
};
