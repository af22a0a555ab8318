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

CohortCsvReader *
cohort_csv_reader_new (GInputStream *stream,
                       const char   *display_name,
                       char          delimiter,
                       GCancellable *cancellable)
{
  CohortCsvReader *self = g_new0 (CohortCsvReader, 1);

  self->in = g_data_input_stream_new (stream);
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
          if (local_error != NULL)
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
