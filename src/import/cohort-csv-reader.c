/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-csv"

#include "config.h"

#include <inttypes.h>

#include "cohort-csv-reader.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "cohort-importer.h"

struct _CohortCsvReader
{
  GDataInputStream *in;            /* owned; does not close the caller's stream */
  GCancellable     *cancellable;   /* owned, may be NULL */
  char             *display_name;
  char              delimiter;     /* 0 until the header is read */
  gint64            line;          /* physical lines read so far */
  gint64            record_line;   /* where the current record starts */
  goffset           offset;
};

/* ------------------------------------------------------------------------------------------ */

/* FORMATS.md §2: spreadsheet tools write U+FEFF at the start, some at the start of every line. */
static const char *
skip_bom (const char *line)
{
  while (g_str_has_prefix (line, "\xEF\xBB\xBF"))
    line += 3;
  return line;
}

char
cohort_csv_detect_delimiter (const char *line,
                             gssize      len)
{
  static const char candidates[] = { ',', ';', '\t' };
  int counts[G_N_ELEMENTS (candidates)] = { 0, };
  gboolean in_quotes = FALSE;
  char best = ',';
  int best_count = 0;

  if (len < 0)
    len = strlen (line);
  for (gssize i = 0; i < len && line[i] != '\n' && line[i] != '\r'; i++)
    {
      if (line[i] == '"')
        in_quotes = !in_quotes;
      else if (!in_quotes)
        for (guint c = 0; c < G_N_ELEMENTS (candidates); c++)
          if (line[i] == candidates[c])
            counts[c]++;
    }
  for (guint c = 0; c < G_N_ELEMENTS (candidates); c++)
    if (counts[c] > best_count)
      {
        best = candidates[c];
        best_count = counts[c];
      }
  return best;
}

const char *
cohort_csv_detect_encoding (const guchar *head,
                            gsize         len)
{
  const char *end = NULL;
  gsize upto = len;
  g_autofree char *converted = NULL;

  /* NUL bytes: no text in any encoding (the reader then says so). */
  if (g_utf8_validate ((const char *)head, len, &end) || memchr (head, '\0', len) != NULL)
    return NULL;
  /* Valid up to a character the head cut in two. */
  if (len - ((const guchar *)end - head) < 4 &&
      g_utf8_get_char_validated (end, len - ((const guchar *)end - head)) == (gunichar)-2)
    return NULL;
  /* Up to the last line end, so that no character is cut in two. */
  while (upto > 0 && head[upto - 1] != '\n')
    upto--;
  converted = g_convert ((const char *)head, upto > 0 ? upto : len, "UTF-8", "GB18030",
                         NULL, NULL, NULL);
  return converted != NULL ? "GB18030" : NULL;
}

/* Chinese Excel and WPS save “CSV (逗号分隔)” in GB18030 (GBK), not UTF-8: such a file is
 * converted as it streams.  The encoding is decided from the first 64 KiB. */
static GInputStream *
open_text (GInputStream *stream,
           GCancellable *cancellable)
{
  g_autoptr(GInputStream) buffered = NULL;
  g_autoptr(GCharsetConverter) converter = NULL;
  const guchar *head;
  const char *encoding;
  gsize len = 0;

  if (G_IS_BUFFERED_INPUT_STREAM (stream))
    buffered = g_object_ref (stream);
  else
    {
      buffered = g_buffered_input_stream_new_sized (stream, 64 * 1024);
      g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (buffered), FALSE);
    }
  head = g_buffered_input_stream_peek_buffer (G_BUFFERED_INPUT_STREAM (buffered), &len);
  if (len < 64 * 1024)
    {
      /* Errors show again when the rows are read. */
      g_buffered_input_stream_fill (G_BUFFERED_INPUT_STREAM (buffered), 64 * 1024, cancellable, NULL);
      head = g_buffered_input_stream_peek_buffer (G_BUFFERED_INPUT_STREAM (buffered), &len);
    }
  if ((encoding = cohort_csv_detect_encoding (head, MIN (len, 64 * 1024))) == NULL ||
      !(converter = g_charset_converter_new ("UTF-8", encoding, NULL)))
    return g_steal_pointer (&buffered);
  stream = g_converter_input_stream_new (buffered, G_CONVERTER (converter));
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (stream), FALSE);
  return stream;
}

CohortCsvReader *
cohort_csv_reader_new (GInputStream *stream,
                       const char   *display_name,
                       char          delimiter,
                       GCancellable *cancellable)
{
  CohortCsvReader *self = g_new0 (CohortCsvReader, 1);
  g_autoptr(GInputStream) text = open_text (stream, cancellable);

  self->in = g_data_input_stream_new (text);
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (self->in), FALSE);
  g_data_input_stream_set_newline_type (self->in, G_DATA_STREAM_NEWLINE_TYPE_ANY);
  self->cancellable = cancellable ? g_object_ref (cancellable) : NULL;
  self->display_name = g_strdup (display_name);
  self->delimiter = delimiter;
  return self;
}

void
cohort_csv_reader_free (CohortCsvReader *self)
{
  if (self == NULL)
    return;
  g_clear_object (&self->in);
  g_clear_object (&self->cancellable);
  g_free (self->display_name);
  g_free (self);
}

char
cohort_csv_reader_get_delimiter (CohortCsvReader *self)
{
  return self->delimiter ? self->delimiter : ',';
}

gint64
cohort_csv_reader_get_line (CohortCsvReader *self)
{
  return self->record_line;
}

goffset
cohort_csv_reader_get_offset (CohortCsvReader *self)
{
  return self->offset;
}

typedef struct
{
  GString *field;
  gboolean in_quotes;
  gboolean quoted;     /* the field opened with a quote */
  gboolean closed;     /* … and that quote has been closed */
} FieldState;

static void
end_field (FieldState *s,
           GPtrArray  *fields)
{
  g_ptr_array_add (fields, g_utf8_make_valid (s->field->str, s->field->len));
  g_string_truncate (s->field, 0);
  s->quoted = s->closed = FALSE;
}

/* Splits one physical line; FALSE with an error on text after a closing quote. */
static gboolean
scan_line (CohortCsvReader  *self,
           FieldState       *s,
           const char       *line,
           GPtrArray        *fields,
           GError          **error)
{
  for (const char *c = line; *c != '\0'; c++)
    {
      if (s->in_quotes)
        {
          if (*c != '"')
            g_string_append_c (s->field, *c);
          else if (c[1] == '"')
            {
              g_string_append_c (s->field, '"');
              c++;
            }
          else
            {
              s->in_quotes = FALSE;
              s->closed = TRUE;
            }
        }
      else if (*c == self->delimiter)
        end_field (s, fields);
      else if (*c == '"' && s->field->len == 0 && !s->quoted)
        s->in_quotes = s->quoted = TRUE;
      else if (s->closed)
        {
          g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_MALFORMED,
                       _("%s is not valid CSV at line %" PRId64 ", column %u: text follows a "
                         "closing quote."),
                       self->display_name, self->line, fields->len + 1);
          return FALSE;
        }
      else
        g_string_append_c (s->field, *c);
    }
  return TRUE;
}

gboolean
cohort_csv_reader_next (CohortCsvReader  *self,
                        GPtrArray        *fields,
                        GError          **error)
{
  g_autoptr(GString) buffer = g_string_new (NULL);
  FieldState s = { buffer, FALSE, FALSE, FALSE };
  gsize record_size = 0;

  g_ptr_array_set_size (fields, 0);
  for (;;)
    {
      g_autofree char *raw = NULL;
      GError *local_error = NULL;
      const char *line;
      gsize len = 0;

      raw = g_data_input_stream_read_line (self->in, &len, self->cancellable, &local_error);
      if (raw == NULL)
        {
          if (local_error != NULL && local_error->domain == G_IO_ERROR &&
              local_error->code == G_IO_ERROR_INVALID_DATA)
            {
              g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_MALFORMED,
                           _("%s cannot be read after line %" PRId64 ": %s"),
                           self->display_name, self->line, local_error->message);
              g_error_free (local_error);
            }
          else if (local_error != NULL)
            g_propagate_error (error, local_error);
          else if (s.in_quotes)
            g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_TRUNCATED,
                         _("%s ends inside a quoted field that starts at line %" PRId64 ". "
                           "The file was cut off: export it again."),
                         self->display_name, self->record_line);
          return FALSE;
        }
      /* A spreadsheet saved in a legacy code page (GBK, Latin-1) would import as garbage;
       * the header tells, before anything is written. */
      if (strlen (raw) != len || (self->line == 0 && !g_utf8_validate (raw, len, NULL)))
        {
          g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_UNSUPPORTED,
                       _("%s is not a UTF-8 text table (line %" PRId64 " holds other bytes). "
                         "If it is a spreadsheet, save it again as “CSV UTF-8”."),
                       self->display_name, self->line + 1);
          return FALSE;
        }
      self->line++;
      self->offset += len + 1;
      /* GDataInputStream keeps a lone CR that ends the file. */
      if (len > 0 && raw[len - 1] == '\r')
        raw[--len] = '\0';
      line = raw;
      if (!s.in_quotes)
        {
          line = skip_bom (line);
          if (*line == '\0')
            continue;    /* blank line between records */
          self->record_line = self->line;
          if (self->delimiter == 0)
            self->delimiter = cohort_csv_detect_delimiter (line, -1);
        }
      record_size += len;
      if (record_size > COHORT_CSV_MAX_RECORD)
        {
          g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_MALFORMED,
                       _("%s is not valid CSV at line %" PRId64 ": a quoted field is never "
                         "closed."), self->display_name, self->record_line);
          return FALSE;
        }
      if (!scan_line (self, &s, line, fields, error))
        return FALSE;
      if (s.in_quotes)
        {
          g_string_append_c (s.field, '\n');
          continue;
        }
      end_field (&s, fields);
      return TRUE;
    }
}
