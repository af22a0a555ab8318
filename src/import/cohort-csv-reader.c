/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-csv"

#include "config.h"

#include <inttypes.h>

#include "cohort-csv-reader.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "cohort-importer.h"

#define CHUNK (64 * 1024)

/*
 * The reader pulls CHUNK bytes at a time and runs a small state machine over them, so no
 * line, however long, is read whole: a record is bounded by COHORT_CSV_MAX_RECORD.
 */
struct _CohortCsvReader
{
  GInputStream *in;            /* owned: the text (buffered, maybe converted); leaves the
                                * caller's stream open */
  GCancellable *cancellable;   /* owned, may be NULL */
  char         *display_name;
  char          delimiter;     /* 0 until the header is read */
  gint64        line;          /* line ends read so far */
  gint64        record_line;   /* where the current record starts (1-based) */
  gint64        records;
  goffset       offset;
  gboolean      after_cr;      /* the last byte was a CR: an LF now belongs to it */
  gsize         pos;
  gsize         len;
  guchar        buf[CHUNK];
};

/* ------------------------------------------------------------------------------------------ */

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
      g_buffered_input_stream_fill (G_BUFFERED_INPUT_STREAM (buffered), 64 * 1024, cancellable,
                                    NULL);
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

  self->in = open_text (stream, cancellable);
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

/* ------------------------------------------------------------------------------------------ */
/* Records                                                                                     */

typedef enum
{
  FIELD_START,
  FIELD_PLAIN,
  FIELD_QUOTED,
  FIELD_QUOTE,      /* a quote inside a quoted field: doubled, or the closing one */
} FieldState;

/* 1 with *c set, 0 at the end of the text, -1 with an error. */
static int
next_byte (CohortCsvReader  *self,
           guchar           *c,
           GError          **error)
{
  if (self->pos == self->len)
    {
      gssize n = g_input_stream_read (self->in, self->buf, CHUNK, self->cancellable, error);

      if (n <= 0)
        return (int)MIN (n, 0);
      self->pos = 0;
      self->len = n;
    }
  *c = self->buf[self->pos++];
  self->offset++;
  return 1;
}

/* The delimiter of the header: from the first non-blank line in the first chunk. */
static void
detect_header_delimiter (CohortCsvReader *self,
                         GError         **error)
{
  const char *start, *end;
  guchar c;

  if (self->delimiter != 0 || next_byte (self, &c, error) <= 0)
    return;
  self->pos--;
  self->offset--;
  start = (const char *)self->buf + self->pos;
  end = (const char *)self->buf + self->len;
  while (start < end && (*start == '\n' || *start == '\r'))
    start++;
  self->delimiter = cohort_csv_detect_delimiter (start, end - start);
}

static gboolean
not_text (CohortCsvReader  *self,
          GError          **error)
{
  g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_UNSUPPORTED,
               _("%s is not a UTF-8 text table (line %" PRId64 " holds other bytes). "
                 "If it is a spreadsheet, save it again as “CSV UTF-8”."),
               self->display_name, self->line + 1);
  return FALSE;
}

/* FORMATS.md §2: spreadsheet tools write U+FEFF at the start, some at the start of every
 * line.  The header must be UTF-8 (GB18030 was converted already); later fields are made
 * valid. */
static gboolean
end_field (CohortCsvReader  *self,
           GString          *field,
           gboolean          quoted,
           GPtrArray        *fields,
           GError          **error)
{
  const char *text = field->str;
  gsize len = field->len;

  if (fields->len == 0 && !quoted)
    while (len >= 3 && memcmp (text, "\xEF\xBB\xBF", 3) == 0)
      text += 3, len -= 3;
  if (self->records == 0 && !g_utf8_validate (text, len, NULL))
    return not_text (self, error);
  g_ptr_array_add (fields, g_utf8_make_valid (text, len));
  g_string_truncate (field, 0);
  return TRUE;
}

/* Only a byte-order mark (or nothing) so far: a blank line when it ends here. */
static gboolean
only_bom (GString *field)
{
  gsize i = 0;

  while (i + 3 <= field->len && memcmp (field->str + i, "\xEF\xBB\xBF", 3) == 0)
    i += 3;
  return i == field->len;
}

gboolean
cohort_csv_reader_next (CohortCsvReader  *self,
                        GPtrArray        *fields,
                        GError          **error)
{
  g_autoptr(GString) field = g_string_new (NULL);
  FieldState state = FIELD_START;
  gboolean started = FALSE, quoted = FALSE;
  gsize size = 0;
  GError *local_error = NULL;
  guchar c = 0;
  int r;

  g_ptr_array_set_size (fields, 0);
  detect_header_delimiter (self, error);
  for (;;)
    {
      gboolean line_end;

      if ((r = next_byte (self, &c, &local_error)) < 0)
        {
          if (local_error->domain == G_IO_ERROR && local_error->code == G_IO_ERROR_INVALID_DATA)
            {
              g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_MALFORMED,
                           _("%s cannot be read after line %" PRId64 ": %s"),
                           self->display_name, self->line, local_error->message);
              g_error_free (local_error);
            }
          else
            g_propagate_error (error, local_error);
          return FALSE;
        }
      if (r == 0)
        {
          if (!started)
            return FALSE;
          if (state == FIELD_QUOTED)
            {
              g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_TRUNCATED,
                           _("%s ends inside a quoted field that starts at line %" PRId64 ". "
                             "The file was cut off: export it again."),
                           self->display_name, self->record_line);
              return FALSE;
            }
          break;
        }

      /* CRLF, LF and CR each end one line; the LF of a CRLF was counted with its CR. */
      if (c == '\n' && self->after_cr)
        {
          self->after_cr = FALSE;
          continue;
        }
      self->after_cr = c == '\r';
      line_end = c == '\n' || c == '\r';
      if (line_end)
        self->line++;
      if (c == '\0')
        return not_text (self, error);

      if (!started)
        {
          if (line_end)
            continue;    /* blank line between records */
          started = TRUE;
          self->record_line = self->line + 1;
        }
      if (++size > COHORT_CSV_MAX_RECORD)
        {
          g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_MALFORMED,
                       state == FIELD_QUOTED
                         ? _("%s is not valid CSV at line %" PRId64 ": a quoted field is never closed.")
                         : _("%s is not valid CSV at line %" PRId64 ": the line is too long."),
                       self->display_name, self->record_line);
          return FALSE;
        }

      switch (state)
        {
        case FIELD_START:
        case FIELD_PLAIN:
          if (c == '"' && (state == FIELD_START || (fields->len == 0 && only_bom (field))))
            {
              g_string_truncate (field, 0);
              state = FIELD_QUOTED;
              quoted = TRUE;
            }
          else if (c == (guchar)self->delimiter || line_end)
            {
              if (line_end && fields->len == 0 && only_bom (field))
                {
                  /* a line of nothing but a byte-order mark */
                  g_string_truncate (field, 0);
                  started = FALSE;
                  size = 0;
                  state = FIELD_START;
                  continue;
                }
              if (!end_field (self, field, FALSE, fields, error))
                return FALSE;
              if (line_end)
                goto done;
              state = FIELD_START;
            }
          else
            {
              g_string_append_c (field, c);
              state = FIELD_PLAIN;
            }
          break;
        case FIELD_QUOTED:
          if (c == '"')
            state = FIELD_QUOTE;
          else
            g_string_append_c (field, line_end ? '\n' : c);
          break;
        case FIELD_QUOTE:
        default:
          if (c == '"')
            {
              g_string_append_c (field, '"');
              state = FIELD_QUOTED;
            }
          else if (c == (guchar)self->delimiter || line_end)
            {
              if (!end_field (self, field, TRUE, fields, error))
                return FALSE;
              if (line_end)
                goto done;
              state = FIELD_START;
              quoted = FALSE;
            }
          else
            {
              g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_MALFORMED,
                           _("%s is not valid CSV at line %" PRId64 ", column %u: text follows a "
                             "closing quote."),
                           self->display_name, self->line + 1, fields->len + 1);
              return FALSE;
            }
          break;
        }
    }

  /* The end of the text ends the last record. */
  if (!end_field (self, field, quoted && state == FIELD_QUOTE, fields, error))
    return FALSE;
done:
  self->records++;
  return TRUE;
}
