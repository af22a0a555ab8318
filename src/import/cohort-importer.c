/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-import"

#include "config.h"

#include <inttypes.h>

#include "cohort-importer.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "cohort-telegram.h"

G_DEFINE_QUARK (cohort-import-error, cohort_import_error)

#define SNIFF_SIZE 4096

void
cohort_import_result_free (CohortImportResult *result)
{
  if (result == NULL)
    return;
  g_free (result->path);
  g_free (result->format);
  g_clear_pointer (&result->community_ids, g_ptr_array_unref);
  g_clear_pointer (&result->warnings, g_ptr_array_unref);
  g_free (result);
}

char *
cohort_import_result_describe (const CohortImportResult *result)
{
  g_autofree char *base = g_path_get_basename (result->path);
  const CohortImportCounts *c = &result->counts;

  if (c->messages_added == 0 && c->system_added == 0 && c->members_added == 0 &&
      c->events_added == 0 && c->invites_added == 0 && c->reactions_added == 0)
    return g_strdup_printf (_("%s: already imported, nothing new (%" PRId64
                              " messages were already there)"), base, c->messages_present);

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
  SNIFF_JSON_OBJECT,
  SNIFF_JSON_OTHER,
  SNIFF_HTML,
  SNIFF_BINARY,
} Sniff;

/* Detect the format from the content, never from the file name. */
static Sniff
sniff (const guchar *data,
       gsize         len)
{
  gsize i = 0;

  if (len >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF)
    i = 3;
  while (i < len && g_ascii_isspace (data[i]))
    i++;
  if (i == len)
    return SNIFF_EMPTY;
  if (memchr (data, '\0', len) != NULL)
    return SNIFF_BINARY;
  if (data[i] == '{')
    return SNIFF_JSON_OBJECT;
  if (data[i] == '[')
    return SNIFF_JSON_OTHER;
  if (data[i] == '<')
    {
      g_autofree char *head = g_ascii_strdown ((const char *)data + i, len - i);
      if (strstr (head, "<html") != NULL || strstr (head, "<!doctype html") != NULL)
        return SNIFF_HTML;
    }
  return SNIFF_UNKNOWN;
}

static gboolean
explain_sniff (Sniff        kind,
               const char  *name,
               GError     **error)
{
  switch (kind)
    {
    case SNIFF_JSON_OBJECT:
      return TRUE;
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
    case SNIFF_JSON_OTHER:
    case SNIFF_BINARY:
    case SNIFF_UNKNOWN:
    default:
      g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_UNSUPPORTED,
                   _("%s is not an export Cohort can read. Supported: Telegram Desktop "
                     "“Machine-readable JSON” exports (result.json), from Export chat history or "
                     "Settings → Advanced → Export Telegram data."), name);
      break;
    }
  return FALSE;
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
  g_autoptr(CohortImportResult) result = g_new0 (CohortImportResult, 1);
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GFileInputStream) raw = NULL;
  g_autoptr(GBufferedInputStream) stream = NULL;
  g_autofree char *name = NULL;
  g_autoptr(GError) local_error = NULL;
  CohortImportTx *tx;
  const guchar *head;
  gsize head_len = 0;
  goffset size = -1;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  result->path = g_file_get_path (file);
  if (result->path == NULL)
    result->path = g_file_get_uri (file);
  result->community_ids = g_ptr_array_new_with_free_func (g_free);
  result->warnings = g_ptr_array_new_with_free_func (g_free);
  name = g_file_get_basename (file);

  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
                            G_FILE_QUERY_INFO_NONE, cancellable, NULL);
  if (info != NULL && g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
    {
      g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_UNSUPPORTED,
                   _("%s is a folder. Import the result.json inside it."), name);
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
  stream = G_BUFFERED_INPUT_STREAM (g_buffered_input_stream_new_sized (G_INPUT_STREAM (raw), 1 << 18));
  if (g_buffered_input_stream_fill (stream, SNIFF_SIZE, cancellable, error) < 0)
    return NULL;
  head = g_buffered_input_stream_peek_buffer (stream, &head_len);
  if (!explain_sniff (sniff (head, MIN (head_len, SNIFF_SIZE)), name, error))
    return NULL;

  result->format = g_strdup ("telegram");
  tx = cohort_db_begin_import (db, result->path, result->format, error);
  if (tx == NULL)
    return NULL;

  if (!cohort_telegram_import (tx, G_INPUT_STREAM (stream), size, name, options, progress,
                               progress_data, cancellable, result, error))
    {
      cohort_import_tx_rollback (tx);
      return NULL;
    }
  result->counts = *cohort_import_tx_get_counts (tx);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      cohort_import_tx_rollback (tx);
      return NULL;
    }
  if (!cohort_import_tx_commit (tx, error))
    return NULL;
  return g_steal_pointer (&result);
}
