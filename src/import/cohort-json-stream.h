/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "cohort-format.h"

G_BEGIN_DECLS

/*
 * Streams the exports that are one JSON object holding a header object and an array of
 * messages (QQ-NT's "chatInfo" and "messages", WeFlow's "session" and "messages"): yajl reads
 * the file in chunks, and only one message at a time is built into a json-glib tree, so a
 * large export never sits in memory whole.  The importer says what went wrong in its own
 * words: the stream only reports which kind of failure it met, and on which line.
 */

typedef enum
{
  COHORT_JSON_STREAM_OK,
  COHORT_JSON_STREAM_FAILED,      /* error is set: reading, cancelling, too deep, or a callback */
  COHORT_JSON_STREAM_NOT_OBJECT,  /* the text is JSON, but its root is not an object */
  COHORT_JSON_STREAM_MALFORMED,   /* not JSON at line */
  COHORT_JSON_STREAM_TRUNCATED,   /* the text ends inside the root object, at line */
  COHORT_JSON_STREAM_EMPTY,       /* no bytes at all */
} CohortJsonStreamStatus;

/* An object captured whole: the header (element FALSE) or one element of the array
 * (element TRUE).  Returns FALSE with error set to stop the stream. */
typedef gboolean (*CohortJsonStreamFunc) (JsonObject  *object,
                                          gboolean     element,
                                          gpointer     user_data,
                                          GError     **error);

typedef struct
{
  const char           *header_key;  /* root member captured whole when it is an object */
  const char           *array_key;   /* root member whose object elements arrive one by one */
  CohortJsonStreamFunc  func;
  gpointer              user_data;
  const gint64         *rows;        /* rows imported so far, for progress; may be NULL */

  /* set by cohort_json_stream_run () */
  gboolean              saw_array;   /* the root had array_key */
  gint64                line;        /* where it stopped, from 1 */
} CohortJsonStream;

/* Moves line and column (in bytes), both counted from 1, over len bytes of text: what the
 * JSON importers report an error's place with. */
void                   cohort_json_advance_position (const guchar *text,
                                                     gsize         len,
                                                     gint64       *line,
                                                     gint64       *column);

CohortJsonStreamStatus cohort_json_stream_run (CohortJsonStream     *stream,
                                               CohortImportContext  *ctx,
                                               GError              **error);

G_END_DECLS
