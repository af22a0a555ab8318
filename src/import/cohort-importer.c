/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-import"

#include "config.h"

#include <inttypes.h>

#include "cohort-importer.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>

#include "cohort-format.h"
#include "cohort-mech.h"
#include "cohort-store-settings.h"

G_DEFINE_QUARK (cohort-import-error, cohort_import_error)


CohortImportResult *
cohort_import_result_new (const char *path)
{
  CohortImportResult *result = g_new0 (CohortImportResult, 1);

  result->path = g_strdup (path);
  result->community_ids = g_ptr_array_new_with_free_func (g_free);
  result->warnings = g_ptr_array_new_with_free_func (g_free);
  result->zone_questions = g_ptr_array_new_with_free_func (g_free);
  return result;
}

void
cohort_import_result_free (CohortImportResult *result)
{
  if (result == NULL)
    return;
  g_free (result->path);
  g_free (result->format);
  g_clear_pointer (&result->community_ids, g_ptr_array_unref);
  g_clear_pointer (&result->warnings, g_ptr_array_unref);
  g_clear_pointer (&result->zone_questions, g_ptr_array_unref);
  g_free (result);
}

char *
cohort_import_result_describe (const CohortImportResult *result)
{
  g_autofree char *base = g_path_get_basename (result->path);
  const CohortImportCounts *c = &result->counts;

  if (c->messages_added == 0 && c->system_added == 0 && c->members_added == 0 &&
      c->events_added == 0 && c->invites_added == 0 && c->reactions_added == 0 &&
      c->orders_added == 0)
    return g_strdup_printf (_("%s: already imported, nothing new (%" PRId64
                              " messages were already there)"), base, c->messages_present);
  /* A generic CSV table of orders adds orders (and their buyers), nothing else. */
  if (c->orders_added > 0)
    return g_strdup_printf (_("%s: %" PRId64 " orders added or updated, %" PRId64 " new members"),
                            base, c->orders_added, c->members_added);

  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%s: %" PRId64 " messages, %" PRId64
                                       " members, %" PRId64 " membership events and %"
                                       PRId64 " invites added to %" PRId64
                                       " community",
                                       "%s: %" PRId64 " messages, %" PRId64
                                       " members, %" PRId64 " membership events and %"
                                       PRId64 " invites added to %" PRId64
                                       " communities", c->communities),
                          base, c->messages_added, c->members_added, c->events_added,
                          c->invites_added, c->communities);
}

typedef enum
{
  SNIFF_UNKNOWN,
  SNIFF_EMPTY,
  SNIFF_HTML,
  SNIFF_BINARY,
} Sniff;

/* What the content is when no format claims it, for a useful message. */
static Sniff
sniff_unknown (const guchar *data,
               gsize         len)
{
  gsize i = 0;

  if (len >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF)
    i = 3;
  while (i < len && g_ascii_isspace (data[i]))
    i++;
  if (i == len)
    return SNIFF_EMPTY;
  if (data[i] == '<')
    {
      g_autofree char *head = g_ascii_strdown ((const char *)data + i, MIN (len - i, 4096));
      if (strstr (head, "<html") != NULL || strstr (head, "<!doctype html") != NULL)
        return SNIFF_HTML;
    }
  if (memchr (data, '\0', MIN (len, 4096)) != NULL)
    return SNIFF_BINARY;
  return SNIFF_UNKNOWN;
}

static char *
supported_formats_text (void)
{
  const CohortFormat * const *formats = cohort_formats_list ();
  GString *text = g_string_new (_("Cohort reads these exports:"));

  for (guint i = 0; formats[i] != NULL; i++)
    g_string_append_printf (text, "\n• %s — %s", _(formats[i]->label), _(formats[i]->how_to));
  return g_string_free (text, FALSE);
}

static void
explain_unsupported (Sniff        kind,
                     const char  *name,
                     GError     **error)
{
  g_autofree char *supported = supported_formats_text ();

  switch (kind)
    {
    case SNIFF_EMPTY:
      g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_UNSUPPORTED,
                   _("%s is empty."), name);
      break;
    case SNIFF_HTML:
      g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_UNSUPPORTED,
                   _("%s is an HTML export, which is made for reading, not for analysis. In "
                     "Telegram Desktop choose Export chat history and set the format to "
                     "“Machine-readable JSON”, then import result.json."), name);
      break;
    case SNIFF_BINARY:
      g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_UNSUPPORTED,
                   _("%s is a binary file, not a chat export. Chat exports are text, JSON or "
                     "zip files.\n\n%s"), name, supported);
      break;
    case SNIFF_UNKNOWN:
    default:
      g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_UNSUPPORTED,
                   _("%s is not an export Cohort can read.\n\n%s"), name, supported);
      break;
    }
}

/* UTF-16 without a byte-order mark: mostly ASCII text with a zero byte in every pair.  The
 * QQ importer reads UTF-16 with a mark; without one nothing can tell which text it is. */
static gboolean
is_bomless_utf16 (const guchar *data,
                  gsize         len)
{
  gsize pairs = MIN (len, 1024) / 2;
  gsize zero_odd = 0, zero_even = 0;

  if (pairs < 8 || (data[0] == 0xFF && data[1] == 0xFE) || (data[0] == 0xFE && data[1] == 0xFF))
    return FALSE;
  for (gsize i = 0; i < pairs; i++)
    {
      const guchar *pair = data + 2 * i;

      if (pair[1] == 0 && pair[0] != 0 && pair[0] < 0x80)
        zero_odd++;
      else if (pair[0] == 0 && pair[1] != 0 && pair[1] < 0x80)
        zero_even++;
    }
  return MAX (zero_odd, zero_even) * 10 >= pairs * 9;
}

/* A name that would land outside the folder if the zip were unpacked ("../x", "/etc/x",
 * "C:\\x").  Cohort never unpacks, but such a zip was made to attack something. */
static gboolean
is_escaping_name (const char *name)
{
  g_auto(GStrv) parts = NULL;

  if (name[0] == '/' || name[0] == '\\' || (g_ascii_isalpha (name[0]) && name[1] == ':'))
    return TRUE;
  parts = g_strsplit_set (name, "/\\", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (strcmp (parts[i], "..") == 0)
      return TRUE;
  return FALSE;
}

/* A zip bomb declares far more bytes than any chat export compresses to: text shrinks about
 * tenfold, media not at all. */
#define ZIP_BOMB_BYTES  (G_GINT64_CONSTANT (1) << 30)
#define ZIP_BOMB_RATIO  100

/* Lists a zip's member names with libarchive (no extraction) into *out, NULL if it is no zip.
 * Fails on a zip no export can be: names that escape the folder, or a zip bomb. */
static gboolean
zip_entries (GFile         *file,
             const guchar  *head,
             gsize          len,
             goffset        size,
             const char    *display_name,
             char        ***out,
             GError       **error)
{
  g_autofree char *path = NULL;
  g_autoptr(GPtrArray) names = NULL;
  struct archive *a;
  struct archive_entry *entry;
  gint64 unpacked = 0;
  gboolean ok = TRUE;

  *out = NULL;
  if (len < 4 || memcmp (head, "PK\x03\x04", 4) != 0 || !(path = g_file_get_path (file)))
    return TRUE;
  names = g_ptr_array_new_with_free_func (g_free);
  a = archive_read_new ();
  archive_read_support_format_zip (a);
  if (archive_read_open_filename (a, path, 64 * 1024) == ARCHIVE_OK)
    while (ok && names->len < 100000 && archive_read_next_header (a, &entry) == ARCHIVE_OK)
      {
        const char *name = archive_entry_pathname_utf8 (entry);
        if (name == NULL)
          name = archive_entry_pathname (entry);
        if (archive_entry_size_is_set (entry) && archive_entry_size (entry) > 0)
          unpacked += archive_entry_size (entry);
        if (name != NULL && is_escaping_name (name))
          {
            g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_UNSUPPORTED,
                         _("%s contains a file named “%s”, which points outside the zip. No "
                           "chat export does that, so Cohort does not open it."),
                         display_name, name);
            ok = FALSE;
          }
        else if (unpacked > ZIP_BOMB_BYTES && size > 0 && unpacked / size > ZIP_BOMB_RATIO)
          {
            g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_UNSUPPORTED,
                         _("%s unpacks to more than %" PRId64 " times its size. No "
                           "chat export compresses that well (it looks like a zip bomb), so "
                           "Cohort does not open it."), display_name, unpacked / size);
            ok = FALSE;
          }
        else if (name != NULL)
          g_ptr_array_add (names, g_strdup (name));
        archive_read_data_skip (a);
      }
  archive_read_free (a);
  if (!ok)
    return FALSE;
  g_ptr_array_add (names, NULL);
  *out = (char **)g_ptr_array_free (g_steal_pointer (&names), FALSE);
  return TRUE;
}

/* Dates no chat platform can produce: before 1990 (a zero or garbled epoch lands in 1970) or
 * more than a year from now (a garbled year such as 2100).  One such record means the export
 * is damaged, and the whole file is refused rather than skewing every chart. */
#define EARLIEST_TS G_GINT64_CONSTANT (631152000)   /* 1990-01-01 UTC */

static gboolean
check_time_span (CohortImportTx  *tx,
                 const char      *name,
                 GError         **error)
{
  gint64 latest = g_get_real_time () / G_USEC_PER_SEC + 366 * 24 * 3600;
  gint64 first, last, bad;
  g_autoptr(GDateTime) when = NULL;
  g_autofree char *day = NULL;
  g_autofree char *why = NULL;

  if (!cohort_import_tx_get_time_span (tx, &first, &last) ||
      (first >= EARLIEST_TS && last <= latest))
    return TRUE;
  bad = first < EARLIEST_TS ? first : last;
  when = g_date_time_new_from_unix_utc (bad);
  day = when ? g_date_time_format (when, "%Y-%m-%d") : g_strdup_printf ("%" G_GINT64_FORMAT, bad);
  why = g_strdup_printf (_("a message is dated %s, which no chat platform can produce"), day);
  g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_MALFORMED,
               _("%s cannot be imported because it is damaged: %s. Export the chat again; "
                 "nothing was imported."), name, why);
  return FALSE;
}

/* The store checks every record; its complaint gets the file's name in front, so that the
 * operator knows which of the dropped files is damaged. */
static void
explain_store_error (GError      *store_error,
                     const char  *name,
                     GError     **error)
{
  if (g_error_matches (store_error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_INVALID_DATA))
    {
      g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_MALFORMED,
                   _("%s cannot be imported because it is damaged: %s. Export the chat again; "
                     "nothing was imported."), name, store_error->message);
      g_error_free (store_error);
    }
  else
    g_propagate_error (error, store_error);
}

static const CohortFormat *
choose_format (const CohortImportOptions *options,
               const guchar              *head,
               gsize                      len,
               const char * const        *entries,
               const char                *name,
               GError                   **error)
{
  const CohortFormat * const *formats = cohort_formats_list ();
  const CohortFormat *best = NULL;
  int best_score = 0;

  if (options != NULL && options->format != NULL)
    {
      const CohortFormat *format = cohort_formats_find (options->format);

      if (format == NULL)
        g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_UNSUPPORTED,
                     _("Unknown format “%s”."), options->format);
      return format;
    }

  for (guint i = 0; formats[i] != NULL; i++)
    {
      int score = formats[i]->sniff (head, len, entries);

      if (score > best_score)
        {
          best = formats[i];
          best_score = score;
        }
    }
  if (best == NULL)
    explain_unsupported (sniff_unknown (head, len), name, error);
  return best;
}

/* The options as a small JSON object kept with the run, so that it can be run again the same
 * way; only what the user chose is written. */
static char *
options_to_json (const CohortImportOptions *options)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  if (options != NULL && options->format != NULL)
    {
      json_builder_set_member_name (builder, "format");
      json_builder_add_string_value (builder, options->format);
    }
  if (options != NULL && options->tz != NULL)
    {
      json_builder_set_member_name (builder, "tz");
      json_builder_add_string_value (builder, options->tz);
    }
  if (options != NULL && options->date_order != NULL)
    {
      json_builder_set_member_name (builder, "date_order");
      json_builder_add_string_value (builder, options->date_order);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

static char *
dup_member (JsonObject *object,
            const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return g_strdup (json_node_get_string (node));
}

void
cohort_import_options_parse (const char  *json,
                             char       **tz,
                             char       **format,
                             char       **date_order)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object = NULL;

  if (json != NULL && json_parser_load_from_data (parser, json, -1, NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    object = json_node_get_object (json_parser_get_root (parser));
  *tz = dup_member (object, "tz");
  *format = dup_member (object, "format");
  *date_order = dup_member (object, "date_order");
}

static CohortImportResult *
import_file (CohortDb                  *db,
             GFile                     *file,
             const CohortImportOptions *options,
             CohortImportProgressFunc   progress,
             gpointer                   progress_data,
             GCancellable              *cancellable,
             char                     **format_name,
             GError                   **error)
{
  g_autoptr(CohortImportResult) result = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GFileInputStream) raw = NULL;
  g_autoptr(GBufferedInputStream) stream = NULL;
  g_autofree char *name = NULL;
  g_auto(GStrv) entries = NULL;
  g_autoptr(GError) local_error = NULL;
  const CohortFormat *format;
  CohortImportContext ctx = { 0, };
  CohortImportTx *tx;
  const guchar *head;
  gsize head_len = 0;
  goffset size = -1;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  if ((path = g_file_get_path (file)) == NULL)
    path = g_file_get_uri (file);
  result = cohort_import_result_new (path);
  name = g_file_get_basename (file);

  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
                            G_FILE_QUERY_INFO_NONE, cancellable, NULL);
  if (info != NULL && g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
    {
      g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_UNSUPPORTED,
                   _("%s is a folder. Import the export file inside it (for Telegram, result.json)."), name);
      return NULL;
    }
  if (info != NULL)
    size = g_file_info_get_size (info);

  raw = g_file_read (file, cancellable, &local_error);
  if (raw == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_READ,
                     _("Cannot read %s: %s"), name, local_error->message);
      return NULL;
    }
  stream = G_BUFFERED_INPUT_STREAM (g_buffered_input_stream_new_sized (G_INPUT_STREAM (raw),
                                                                       COHORT_SNIFF_SIZE * 4));
  if (g_buffered_input_stream_fill (stream, COHORT_SNIFF_SIZE, cancellable, error) < 0)
    return NULL;
  head = g_buffered_input_stream_peek_buffer (stream, &head_len);
  head_len = MIN (head_len, COHORT_SNIFF_SIZE);
  if (is_bomless_utf16 (head, head_len))
    {
      g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_UNSUPPORTED,
                   _("%s is saved as UTF-16 text without a byte-order mark, which Cohort cannot "
                     "read reliably. Open it in a text editor, save it as UTF-8 and import it "
                     "again."), name);
      return NULL;
    }
  if (!zip_entries (file, head, head_len, size, name, &entries, error))
    return NULL;
  if (!(format = choose_format (options, head, head_len, (const char * const *)entries, name, error)))
    return NULL;

  result->format = g_strdup (format->name);
  *format_name = g_strdup (format->name);
  tx = cohort_db_begin_import (db, result->path, result->format, error);
  if (tx == NULL)
    return NULL;
  {
    g_autofree char *json = options_to_json (options);
    cohort_import_tx_set_options (tx, json);
  }

  ctx.file = file;
  ctx.stream = G_INPUT_STREAM (stream);
  ctx.size = size;
  ctx.display_name = name;
  ctx.options = options;
  ctx.progress = progress;
  ctx.progress_data = progress_data;
  ctx.cancellable = cancellable;
  ctx.result = result;
  if (!format->import (tx, &ctx, &local_error))
    {
      cohort_import_tx_rollback (tx);
      explain_store_error (g_steal_pointer (&local_error), name, error);
      return NULL;
    }
  if (!check_time_span (tx, name, error))
    {
      cohort_import_tx_rollback (tx);
      return NULL;
    }
  result->counts = *cohort_import_tx_get_counts (tx);
  {
    GArray *created = cohort_import_tx_get_created_wall_clock (tx);

    for (guint i = 0; i < created->len; i++)
      g_ptr_array_add (result->zone_questions,
                       g_memdup2 (&g_array_index (created, gint64, i), sizeof (gint64)));
  }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      cohort_import_tx_rollback (tx);
      return NULL;
    }
  /* The community's own additions to and removals from the mechanical-reply lists. */
  if (!cohort_import_tx_apply_mech_rules (tx, cohort_mech_normalize, error))
    {
      cohort_import_tx_rollback (tx);
      return NULL;
    }
  /* The commit builds the message indexes a first import deferred: an id repeated in the
   * file is found there. */
  if (!cohort_import_tx_commit (tx, &local_error))
    {
      explain_store_error (g_steal_pointer (&local_error), name, error);
      return NULL;
    }
  return g_steal_pointer (&result);
}

CohortImportResult *
cohort_import_file (CohortDb                  *db,
                    GFile                     *file,
                    const CohortImportOptions *options,
                    CohortImportProgressFunc   progress,
                    gpointer                   progress_data,
                    GCancellable              *cancellable,
                    GError                   **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *format = NULL;
  g_autofree char *source = NULL;
  g_autofree char *json = NULL;
  CohortImportResult *result;
  gint64 started = g_get_real_time ();

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  result = import_file (db, file, options, progress, progress_data, cancellable, &format,
                        &local_error);
  if (result != NULL)
    return result;

  /* The file's transaction is gone; the attempt itself goes into the history on its own.  A
   * CSV table waiting for its column mapping is a question, not a failure. */
  if ((options != NULL && options->in_folder &&
       g_error_matches (local_error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_UNSUPPORTED)) ||
      g_error_matches (local_error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_NEEDS_MAPPING))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  source = g_file_get_path (file);
  if (source == NULL)
    source = g_file_get_uri (file);
  json = options_to_json (options);
  cohort_db_record_failed_import (db, source, format,
                                  g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED),
                                  local_error->message, started / G_USEC_PER_SEC,
                                  (g_get_real_time () - started) / 1000, json, NULL);
  g_propagate_error (error, g_steal_pointer (&local_error));
  return NULL;
}

/* Files in a dropped folder that may be exports: an export folder (Telegram's ChatExport_…,
 * a folder of DiscordChatExporter channel files, an unpacked WhatsApp export) keeps them a few
 * levels down at most, next to media that is never worth opening. */
static gboolean
may_be_export (const char *name)
{
  static const char * const suffixes[] = { ".json", ".jsonl", ".txt", ".csv", ".zip" };
  g_autofree char *lower = g_ascii_strdown (name, -1);

  if (name[0] == '.')
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    if (g_str_has_suffix (lower, suffixes[i]))
      return TRUE;
  return FALSE;
}

static gboolean
collect_folder (GFile         *dir,
                int            depth,
                GPtrArray     *files,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autoptr(GFileEnumerator) children = NULL;
  GFileInfo *info;
  GFile *child;

  children = g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_NAME ","
                                        G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, cancellable, error);
  if (children == NULL)
    return FALSE;
  while (g_file_enumerator_iterate (children, &info, &child, cancellable, error) && info != NULL)
    {
      const char *name = g_file_info_get_name (info);
      GFileType type = g_file_info_get_file_type (info);

      if (type == G_FILE_TYPE_DIRECTORY && name[0] != '.' && depth < 3)
        {
          if (!collect_folder (child, depth + 1, files, cancellable, error))
            return FALSE;
        }
      else if (type == G_FILE_TYPE_REGULAR && may_be_export (name) &&
               files->len < COHORT_IMPORT_MAX_FOLDER_FILES)
        g_ptr_array_add (files, g_object_ref (child));
    }
  return error == NULL || *error == NULL;
}

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  g_autofree char *x = g_file_get_path (*(GFile **)a);
  g_autofree char *y = g_file_get_path (*(GFile **)b);

  return g_strcmp0 (x, y);
}

GPtrArray *
cohort_import_expand_folder (GFile         *folder,
                             GCancellable  *cancellable,
                             GError       **error)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) local_error = NULL;

  if (!collect_folder (folder, 0, files, cancellable, &local_error))
    {
      g_autofree char *name = g_file_get_basename (folder);

      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_READ,
                     _("Cannot read the folder %s: %s"), name, local_error->message);
      return NULL;
    }
  g_ptr_array_sort (files, compare_paths);
  return g_steal_pointer (&files);
}

gboolean
cohort_import_is_folder (GFile *file)
{
  return g_file_query_file_type (file, G_FILE_QUERY_INFO_NONE, NULL) == G_FILE_TYPE_DIRECTORY;
}
