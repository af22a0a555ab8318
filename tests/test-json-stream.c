/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "cohort-json-stream.h"

/*
 * The JSON stream behind the QQ-NT and WeFlow importers: what it hands over, in which order,
 * and how it tells a broken file from a foreign one.  Inputs are small literals, so every
 * expectation here is read off the text.
 */

typedef struct
{
  GString *seen;        /* "H:<name>" for the header, "E:<id>" per element */
  int      fail_at;     /* element number that returns an error, or 0 */
  int      elements;
} Seen;

static gboolean
collect_cb (JsonObject  *object,
            gboolean     element,
            gpointer     user_data,
            GError     **error)
{
  Seen *seen = user_data;

  if (!element)
    {
      g_string_append_printf (seen->seen, "H:%s ",
                              json_object_get_string_member_with_default (object, "name", "?"));
      return TRUE;
    }
  if (++seen->elements == seen->fail_at)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "stop here");
      return FALSE;
    }
  g_string_append_printf (seen->seen, "E:%" G_GINT64_FORMAT " ",
                          json_object_get_int_member_with_default (object, "id", -1));
  return TRUE;
}

static CohortJsonStreamStatus
run (const char        *text,
     gsize              len,
     Seen              *seen,
     CohortJsonStream  *stream,
     GError           **error)
{
  g_autoptr(GInputStream) input = g_memory_input_stream_new_from_data (text, len, NULL);
  CohortImportContext ctx = { 0, };

  ctx.stream = input;
  ctx.size = len;
  ctx.display_name = "chat.json";
  *stream = (CohortJsonStream) {
    .header_key = "info",
    .array_key = "messages",
    .func = collect_cb,
    .user_data = seen,
  };
  return cohort_json_stream_run (stream, &ctx, error);
}

static void
test_hands_over_in_order (void)
{
  /* the header comes after the messages; a number and a nested array in "messages" are
   * not messages; "other" is an array of objects that is not the one streamed */
  static const char text[] =
    "\xEF\xBB\xBF{\"meta\": {\"v\": 4},\n"
    " \"messages\": [{\"id\": 1, \"nested\": {\"id\": 99}}, 7, [ {\"id\": 98} ],\n"
    "   {\"id\": 2}],\n"
    " \"info\": {\"name\": \"Book Club\"},\n"
    " \"other\": [{\"id\": 97}],\n"
    " \"messages2\": [{\"id\": 96}]}\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) out = g_string_new ("");
  Seen seen = { out, 0, 0 };
  CohortJsonStream stream;

  g_assert_cmpint (run (text, strlen (text), &seen, &stream, &error), ==, COHORT_JSON_STREAM_OK);
  g_assert_no_error (error);
  g_assert_cmpstr (out->str, ==, "E:1 E:2 H:Book Club ");
  g_assert_true (stream.saw_array);
  g_assert_cmpint (stream.line, ==, 7);
}

static void
test_statuses (void)
{
  static const struct
  {
    const char             *text;
    CohortJsonStreamStatus  status;
    gint64                  line;
    gboolean                saw_array;
    const char             *seen;
  } cases[] = {
    { "", COHORT_JSON_STREAM_EMPTY, 1, FALSE, "" },
    { "[{\"id\": 1}]", COHORT_JSON_STREAM_NOT_OBJECT, 1, FALSE, "" },
    { "{\"messages\": [{\"id\": 1},\n{\"id\": 2},\n{\"id\" 3}]}",
      COHORT_JSON_STREAM_MALFORMED, 3, TRUE, "E:1 E:2 " },
    { "{\"messages\": [{\"id\": 1},\n{\"id\": 2", COHORT_JSON_STREAM_TRUNCATED, 2, TRUE, "E:1 " },
    { "{\"info\": {\"name\": \"x\"}}", COHORT_JSON_STREAM_OK, 1, FALSE, "H:x " },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GString) out = g_string_new ("");
      Seen seen = { out, 0, 0 };
      CohortJsonStream stream;

      g_test_message ("case %u: %s", i, cases[i].text);
      g_assert_cmpint (run (cases[i].text, strlen (cases[i].text), &seen, &stream, &error), ==,
                       cases[i].status);
      g_assert_no_error (error);
      g_assert_cmpint (stream.line, ==, cases[i].line);
      g_assert_cmpint (stream.saw_array, ==, cases[i].saw_array);
      g_assert_cmpstr (out->str, ==, cases[i].seen);
    }
}

static void
test_callback_error_stops (void)
{
  static const char text[] = "{\"messages\": [{\"id\": 1}, {\"id\": 2}, {\"id\": 3}]}";
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) out = g_string_new ("");
  Seen seen = { out, 2, 0 };
  CohortJsonStream stream;

  g_assert_cmpint (run (text, strlen (text), &seen, &stream, &error), ==,
                   COHORT_JSON_STREAM_FAILED);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_cmpstr (out->str, ==, "E:1 ");
}

static void
test_too_deep (void)
{
  g_autoptr(GString) text = g_string_new ("{\"messages\": [{\"id\": 1}, {\"a\": ");
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) out = g_string_new ("");
  Seen seen = { out, 0, 0 };
  CohortJsonStream stream;

  /* deeper than json-glib may safely build: refused with the importers' depth error */
  for (int i = 0; i < COHORT_JSON_MAX_DEPTH + 10; i++)
    g_string_append_c (text, '[');
  g_assert_cmpint (run (text->str, text->len, &seen, &stream, &error), ==,
                   COHORT_JSON_STREAM_FAILED);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "chat.json"));
  g_assert_cmpstr (out->str, ==, "E:1 ");
}

/* Line and column after some text, as the importers report an error's place: hand-counted
 * cases, then every length and starting column of a text with newlines on both sides of the
 * 64-byte blocks against a count byte by byte. */
static void
test_advance_position (void)
{
  static const struct { const char *text; gint64 line, column; } cases[] = {
    { "", 1, 1 },
    { "abc", 1, 4 },
    { "\n", 2, 1 },
    { "ab\ncd", 2, 3 },
    { "ab\ncd\n", 3, 1 },
    { "\n\n\nx", 4, 2 },
  };
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gint64 line = 1, column = 1;

      cohort_json_advance_position ((const guchar *)cases[i].text, strlen (cases[i].text),
                                    &line, &column);
      g_assert_cmpint (line, ==, cases[i].line);
      g_assert_cmpint (column, ==, cases[i].column);
    }

  /* 300 bytes: a newline after every 7th byte up to 140, none until 250, then four. */
  for (guint i = 0; i < 300; i++)
    g_string_append_c (text, (i < 140 && i % 7 == 6) || i == 250 || i == 251 || i == 290 ||
                             i == 299 ? '\n' : 'x');
  for (gsize len = 0; len <= text->len; len++)
    {
      gint64 line = 3, column = 5, want_line = 3, want_column = 5;

      for (gsize i = 0; i < len; i++)
        {
          want_column++;
          if (text->str[i] == '\n')
            {
              want_line++;
              want_column = 1;
            }
        }
      cohort_json_advance_position ((const guchar *)text->str, len, &line, &column);
      g_assert_cmpint (line, ==, want_line);
      g_assert_cmpint (column, ==, want_column);
    }
  {
    gint64 line = 3, column = 5;

    cohort_json_advance_position ((const guchar *)text->str, text->len, &line, &column);
    g_assert_cmpint (line, ==, 27);
    g_assert_cmpint (column, ==, 1);
  }
  g_string_free (text, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cohort/json-stream/order", test_hands_over_in_order);
  g_test_add_func ("/cohort/json-stream/statuses", test_statuses);
  g_test_add_func ("/cohort/json-stream/callback-error", test_callback_error_stops);
  g_test_add_func ("/cohort/json-stream/too-deep", test_too_deep);
  g_test_add_func ("/cohort/json-stream/advance-position", test_advance_position);
  return g_test_run ();
}
