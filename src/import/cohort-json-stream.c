/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-json-stream"

#include "config.h"

#include "cohort-json-stream.h"

#include <yajl/yajl_parse.h>

/* Larger than the importer's GBufferedInputStream (4 × COHORT_SNIFF_SIZE), so that once
 * the sniffed head is used up each read goes straight to the file instead of through the
 * buffer and one more copy of the whole export. */
#define CHUNK_SIZE (512 * 1024)

typedef struct
{
  CohortJsonStream    *stream;
  CohortImportContext *ctx;
  GError              *error;
  int                  depth;         /* containers open outside a capture */
  char                *root_key;      /* the last key of the root object */
  gboolean             in_array;
  gboolean             root_not_object;
  JsonBuilder         *builder;       /* the object being captured, or NULL */
  int                  capture_level;
  gboolean             capture_element;
} Parser;

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
finish_capture (Parser *p)
{
  g_autoptr(JsonNode) node = json_builder_get_root (p->builder);
  GError *error = NULL;

  g_clear_object (&p->builder);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return 1;
  if (!p->stream->func (json_node_get_object (node), p->capture_element, p->stream->user_data,
                        &error))
    return fail (p, error);
  return 1;
}

static int
on_null (void *data)
{
  Parser *p = data;

  if (p->builder != NULL)
    json_builder_add_null_value (p->builder);
  return 1;
}

static int
on_boolean (void *data,
            int   value)
{
  Parser *p = data;

  if (p->builder != NULL)
    json_builder_add_boolean_value (p->builder, value);
  return 1;
}

static int
on_number (void       *data,
           const char *value,
           size_t      len)
{
  Parser *p = data;

  if (p->builder != NULL)
    cohort_json_builder_add_number (p->builder, value, len);
  return 1;
}

static int
on_string (void                *data,
           const unsigned char *value,
           size_t               len)
{
  Parser *p = data;

  if (p->builder != NULL)
    cohort_json_builder_add_string (p->builder, (const char *)value, len);
  return 1;
}

static int
on_map_key (void                *data,
            const unsigned char *key,
            size_t               len)
{
  Parser *p = data;
  g_autofree char *text = g_strndup ((const char *)key, len);

  if (p->builder != NULL)
    json_builder_set_member_name (p->builder, text);
  else if (p->depth == 1)
    {
      g_free (p->root_key);
      p->root_key = g_steal_pointer (&text);
    }
  return 1;
}

/* Opens a container inside a capture, refusing nesting that json-glib could not free. */
static gboolean
capture_open (Parser *p)
{
  if (p->capture_level >= COHORT_JSON_MAX_DEPTH)
    return fail (p, cohort_json_depth_error (p->ctx->display_name));
  p->capture_level++;
  return TRUE;
}

static int
on_start_map (void *data)
{
  Parser *p = data;
  gboolean header = p->depth == 1 && g_strcmp0 (p->root_key, p->stream->header_key) == 0;

  if (p->builder != NULL)
    {
      if (!capture_open (p))
        return 0;
      json_builder_begin_object (p->builder);
      return 1;
    }
  if (header || (p->depth == 2 && p->in_array))
    {
      p->capture_element = !header;
      p->builder = json_builder_new ();
      p->capture_level = 1;
      json_builder_begin_object (p->builder);
      return 1;
    }
  p->depth++;
  return 1;
}

static int
on_start_array (void *data)
{
  Parser *p = data;

  if (p->builder != NULL)
    {
      if (!capture_open (p))
        return 0;
      json_builder_begin_array (p->builder);
      return 1;
    }
  if (p->depth == 0)
    {
      p->root_not_object = TRUE;
      return 0;
    }
  if (p->depth == 1 && g_strcmp0 (p->root_key, p->stream->array_key) == 0)
    {
      p->in_array = TRUE;
      p->stream->saw_array = TRUE;
    }
  p->depth++;
  return 1;
}

static int
end_container (Parser   *p,
               gboolean  object)
{
  if (p->builder != NULL)
    {
      if (object)
        json_builder_end_object (p->builder);
      else
        json_builder_end_array (p->builder);
      if (--p->capture_level == 0)
        return finish_capture (p);
      return 1;
    }
  p->depth--;
  if (p->depth == 1)
    p->in_array = FALSE;
  return 1;
}

static int
on_end_map (void *data)
{
  return end_container (data, TRUE);
}

static int
on_end_array (void *data)
{
  return end_container (data, FALSE);
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
/* Positions                                                                                   */

/* Newlines in text.  Every byte of a JSON export is counted, and finding each newline with
 * memchr cost a call per line (28 a Discord message): blocks of 64 bytes are summed in a
 * loop the compiler turns into vector compares, the tail byte by byte. */
static gsize
count_newlines (const guchar *text,
                gsize         len)
{
  gsize n = 0, i = 0;

  for (; i + 64 <= len; i += 64)
    {
      guint8 in_block = 0;

      for (gsize j = 0; j < 64; j++)
        in_block += text[i + j] == '\n';
      n += in_block;
    }
  for (; i < len; i++)
    n += text[i] == '\n';
  return n;
}

void
cohort_json_advance_position (const guchar *text,
                              gsize         len,
                              gint64       *line,
                              gint64       *column)
{
  gsize after = len;   /* the offset after the last newline, or len while none is seen */

  while (after > 0 && text[after - 1] != '\n')
    after--;
  if (after == 0)
    {
      *column += len;
      return;
    }
  *line += count_newlines (text, after);
  *column = 1 + (len - after);
}

/* Why yajl stopped: a callback's error first, then what the text itself got wrong. */
static CohortJsonStreamStatus
stopped (Parser  *p,
         GError **error)
{
  if (p->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&p->error));
      return COHORT_JSON_STREAM_FAILED;
    }
  return p->root_not_object ? COHORT_JSON_STREAM_NOT_OBJECT : COHORT_JSON_STREAM_MALFORMED;
}

static CohortJsonStreamStatus
parse (Parser       *p,
       yajl_handle   handle,
       GError      **error)
{
  CohortImportContext *ctx = p->ctx;
  g_autofree guchar *chunk = g_malloc (CHUNK_SIZE);
  goffset done = 0;
  gint64 column = 1;   /* kept by the position's arithmetic; the stream reports lines only */

  for (;;)
    {
      gssize n;
      gsize skip = 0;

      if (g_cancellable_set_error_if_cancelled (ctx->cancellable, error))
        return COHORT_JSON_STREAM_FAILED;
      n = g_input_stream_read (ctx->stream, chunk, CHUNK_SIZE, ctx->cancellable, error);
      if (n < 0)
        return COHORT_JSON_STREAM_FAILED;
      if (n == 0)
        break;
      if (done == 0 && n >= 3 && chunk[0] == 0xEF && chunk[1] == 0xBB && chunk[2] == 0xBF)
        skip = 3;
      if (yajl_parse (handle, chunk + skip, n - skip) != yajl_status_ok)
        {
          gsize consumed = yajl_get_bytes_consumed (handle);

          cohort_json_advance_position (chunk + skip, MIN (consumed, (gsize)n - skip), &p->stream->line,
                                        &column);
          return stopped (p, error);
        }
      cohort_json_advance_position (chunk + skip, n - skip, &p->stream->line, &column);
      done += n;
      cohort_import_context_progress (ctx, done, p->stream->rows != NULL ? *p->stream->rows : 0);
    }
  if (yajl_complete_parse (handle) != yajl_status_ok || p->depth > 0 || p->builder != NULL)
    {
      if (p->error != NULL)
        return stopped (p, error);
      return done == 0 ? COHORT_JSON_STREAM_EMPTY : COHORT_JSON_STREAM_TRUNCATED;
    }
  return COHORT_JSON_STREAM_OK;
}

CohortJsonStreamStatus
cohort_json_stream_run (CohortJsonStream     *stream,
                        CohortImportContext  *ctx,
                        GError              **error)
{
  Parser p = { .stream = stream, .ctx = ctx };
  yajl_handle handle = yajl_alloc (&callbacks, NULL, &p);
  CohortJsonStreamStatus status;

  stream->saw_array = FALSE;
  stream->line = 1;
  status = parse (&p, handle, error);
  yajl_free (handle);
  g_clear_object (&p.builder);
  g_clear_error (&p.error);
  g_free (p.root_key);
  return status;
}
