/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-format"

#include "config.h"

#include <inttypes.h>

#include "cohort-format.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* The order formats are listed to users; detection does not depend on it. */
static const CohortFormat * const formats[] = {
  &cohort_format_telegram,
  &cohort_format_whatsapp,
  &cohort_format_wechat,
  &cohort_format_qq,
  &cohort_format_discord,
  &cohort_format_slack,
  &cohort_format_chatlab,
  &cohort_format_csv,        /* last: it takes any table the others leave */
  NULL
};

const CohortFormat * const *
cohort_formats_list (void)
{
  return formats;
}

const CohortFormat *
cohort_formats_find (const char *name)
{
  for (guint i = 0; formats[i] != NULL; i++)
    if (g_ascii_strcasecmp (formats[i]->name, name) == 0)
      return formats[i];
  return NULL;
}

void
cohort_import_context_progress (CohortImportContext *ctx,
                                goffset              done,
                                gint64               messages)
{
  double fraction;
  g_autofree char *message = NULL;

  if (ctx->progress == NULL)
    return;
  message = cohort_import_context_progress_text (ctx, done, messages, &fraction);
  ctx->progress (fraction, message, ctx->progress_data);
}

char *
cohort_import_context_progress_text (CohortImportContext *ctx,
                                     goffset              done,
                                     gint64               messages,
                                     double              *fraction)
{
  *fraction = ctx->size > 0 ? MIN (1.0, (double)done / ctx->size) : -1;
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Reading %s: %" PRId64 " message",
                                       "Reading %s: %" PRId64 " messages", messages),
                          ctx->display_name, messages);
}

void
cohort_import_context_add_community (CohortImportContext *ctx,
                                     gint64               community)
{
  for (guint i = 0; i < ctx->result->community_ids->len; i++)
    if (*(gint64 *)ctx->result->community_ids->pdata[i] == community)
      return;
  g_ptr_array_add (ctx->result->community_ids, g_memdup2 (&community, sizeof community));
}

void
cohort_import_context_warn (CohortImportContext *ctx,
                            const char          *format,
                            ...)
{
  va_list args;

  /* Keep the summary readable on huge exports. */
  if (ctx->result->warnings->len >= 200)
    return;
  va_start (args, format);
  g_ptr_array_add (ctx->result->warnings, g_strdup_vprintf (format, args));
  va_end (args);
}

const char *
cohort_import_context_zone (CohortImportContext *ctx,
                            const char          *fallback)
{
  if (ctx->options != NULL && ctx->options->tz != NULL)
    return ctx->options->tz;
  return fallback;
}

/* One implementation for every format: see cohort_content_keys_make (). */
char *
cohort_import_content_key (CohortContentKeys *seen,
                           const char        *member_uid,
                           gint64             ts,
                           const char        *text)
{
  return cohort_content_keys_make (seen, member_uid, ts, text);
}

/* JSON numbers with a fraction or exponent are doubles, the rest integers (ids, counts and
 * epoch seconds must stay exact). */
void
cohort_json_builder_add_number (JsonBuilder *builder,
                                const char  *text,
                                gsize        len)
{
  g_autofree char *number = g_strndup (text, len);

  if (strpbrk (number, ".eE") != NULL)
    json_builder_add_double_value (builder, g_ascii_strtod (number, NULL));
  else
    json_builder_add_int_value (builder, g_ascii_strtoll (number, NULL, 10));
}

void
cohort_json_builder_add_string (JsonBuilder *builder,
                                const char  *text,
                                gsize        len)
{
  g_autofree char *copy = g_strndup (text, len);

  json_builder_add_string_value (builder, copy);
}

/* ------------------------------------------------------------------------------------------ */
/* Bounded lines                                                                               */

/* Where the first CR or LF at or after from lies in buf, or NULL. */
static const char *
find_line_end (const char *buf,
               gsize       from,
               gsize       len)
{
  for (gsize i = from; i < len; i++)
    if (buf[i] == '\n' || buf[i] == '\r')
      return buf + i;
  return NULL;
}

/* Grows the buffer of in when it is full, and reads more into it.  Returns the bytes read,
 * 0 at the end, -1 on error. */
static gssize
fill_more (GBufferedInputStream  *in,
           gsize                  available,
           GCancellable          *cancellable,
           GError               **error)
{
  gsize size = g_buffered_input_stream_get_buffer_size (in);

  if (available >= size)
    g_buffered_input_stream_set_buffer_size (in, MIN (size * 2, COHORT_MAX_LINE + 1));
  return g_buffered_input_stream_fill (in, -1, cancellable, error);
}

char *
cohort_import_read_line (GDataInputStream  *data,
                         const char        *display_name,
                         gsize             *length,
                         GCancellable      *cancellable,
                         GError           **error)
{
  GBufferedInputStream *in = G_BUFFERED_INPUT_STREAM (data);
  gsize checked = 0;

  *length = 0;
  for (;;)
    {
      gsize available = 0;
      const char *buf = g_buffered_input_stream_peek_buffer (in, &available);
      const char *end = find_line_end (buf, checked, available);
      gssize n;

      if (end != NULL && !(*end == '\r' && end + 1 == buf + available))
        {
          gsize line_len = end - buf;
          gsize eol = (*end == '\r' && end[1] == '\n') ? 2 : 1;
          char *line = g_malloc (line_len + 1);

          g_input_stream_read_all (G_INPUT_STREAM (in), line, line_len, NULL, NULL, NULL);
          g_input_stream_skip (G_INPUT_STREAM (in), eol, NULL, NULL);
          line[line_len] = '\0';
          *length = line_len;
          return line;
        }
      if (available > COHORT_MAX_LINE)
        {
          g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_MALFORMED,
                       _("%s has a line longer than %d MB. No chat export has lines that "
                         "long: the file is damaged or is not a chat export."),
                       display_name, COHORT_MAX_LINE >> 20);
          return NULL;
        }
      /* A CR as the last byte may be the first half of a CRLF: look at one more byte. */
      checked = end != NULL ? (gsize)(end - buf) : available;
      if ((n = fill_more (in, available, cancellable, error)) < 0)
        return NULL;
      if (n == 0)
        {
          char *line;

          if (available == 0)
            return NULL;
          line = g_malloc (available + 1);
          g_input_stream_read_all (G_INPUT_STREAM (in), line, available, NULL, NULL, NULL);
          line[available] = '\0';
          /* A final lone CR is the end of the last line, not part of it. */
          if (end != NULL)
            line[--available] = '\0';
          *length = available;
          return line;
        }
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Bounded nesting                                                                             */

GError *
cohort_json_depth_error (const char *display_name)
{
  return g_error_new (COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_MALFORMED,
                      _("%s nests JSON more than %d levels deep. No chat export does that: the "
                        "file is damaged or is not a chat export."),
                      display_name, COHORT_JSON_MAX_DEPTH);
}

gboolean
cohort_json_check_depth (const char  *data,
                         gsize        len,
                         const char  *display_name,
                         GError     **error)
{
  gboolean in_string = FALSE;
  int depth = 0;

  for (gsize i = 0; i < len; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        {
          if (++depth > COHORT_JSON_MAX_DEPTH)
            {
              g_propagate_error (error, cohort_json_depth_error (display_name));
              return FALSE;
            }
        }
      else if (c == ']' || c == '}')
        depth--;
    }
  return TRUE;
}
