/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cohort-format.h"
#include "cohort-importer.h"
#include "cohort-test-db.h"

/*
 * The bad-input catalogue (tests/data/bad/README.md): every file an operator could drop by
 * mistake, or an attacker could craft, is refused with an error that names the file and says
 * what is wrong, and the database keeps exactly what it held before.  Each test starts from a
 * database that already holds a good Telegram import, so "unchanged" is not "empty".
 *
 * The 2 GB line is streamed through a FIFO by a writer thread and never touches the disk; the
 * zip bomb is a small zip whose headers declare 4 GB (tests/data/bad/make-fixtures.py).
 */

static const char * const tables[] = {
  "community", "member", "span", "message", "reaction", "event", "invite", "import_run",
};
G_STATIC_ASSERT (G_N_ELEMENTS (tables) == 8);   /* import_run is the last */

typedef struct
{
  CohortTestDb db;
  gint64       before[G_N_ELEMENTS (tables)];
} Fixture;

static void
fixture_setup (Fixture       *fx,
               gconstpointer  data)
{
  g_autofree char *good = g_test_build_filename (G_TEST_DIST, "data", "telegram",
                                                 "single-supergroup.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (good);
  g_autoptr(CohortImportResult) result = NULL;
  g_autoptr(GError) error = NULL;

  cohort_test_db_setup (&fx->db, data);
  result = cohort_import_file (fx->db.db, file, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    fx->before[i] = cohort_db_count (fx->db.db, tables[i]);
  g_assert_cmpint (fx->before[3], >, 0);
}

static void
fixture_teardown (Fixture       *fx,
                  gconstpointer  data)
{
  cohort_test_db_teardown (&fx->db, data);
}

static void
assert_unchanged (Fixture *fx)
{
  g_autoptr(GError) error = NULL;

  g_autoptr(GPtrArray) runs = NULL;

  /* Every data table as it was; the history gains one line that says the file failed. */
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    if (!g_str_equal (tables[i], "import_run"))
      g_assert_cmpint (cohort_db_count (fx->db.db, tables[i]), ==, fx->before[i]);
  runs = cohort_db_list_imports (fx->db.db, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, fx->before[7] + 1);
  g_assert_cmpstr (((CohortImportRun *)runs->pdata[0])->status, ==, "failed");
  fx->before[7] = runs->len;
  g_assert_true (cohort_db_check_integrity (fx->db.db, &error));
  g_assert_no_error (error);
}

/* Imports path (as format, or detected) and checks the refusal: an import error, never a
 * bare SQL one, naming the file and containing the phrase that tells this case apart. */
static void
assert_refused (Fixture    *fx,
                const char *path,
                const char *format,
                const char *phrase)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *base = g_path_get_basename (path);
  CohortImportOptions options = { "UTC", format, NULL };
  g_autoptr(CohortImportResult) result = NULL;
  g_autoptr(GError) error = NULL;

  result = cohort_import_file (fx->db.db, file, &options, NULL, NULL, NULL, &error);
  if (result != NULL)
    g_error ("%s (as %s) was imported but must be refused", base, format ? format : "detected");
  g_assert_error (error, COHORT_IMPORT_ERROR, error->code);
  g_assert_nonnull (strstr (error->message, base));
  if (phrase != NULL && strstr (error->message, phrase) == NULL)
    g_error ("%s: expected “%s” in the error, got: %s", base, phrase, error->message);
  assert_unchanged (fx);
}

static char *
bad_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", "bad", name, NULL);
}

/* ------------------------------------------------------------------------------------------ */
/* The committed catalogue                                                                     */

typedef struct
{
  const char *file;
  const char *phrase;
} Case;

static const Case cases[] = {
  { "empty.json", "is empty" },
  { "garbage.bin", "is a binary file" },
  { "invalid-utf8.json", "invalid bytes in UTF8" },
  { "utf16-no-bom.json", "UTF-16 text without a byte-order mark" },
  { "deep-nesting.json", "levels deep" },
  { "duplicate-ids.json", "the message id 2 appears twice" },
  { "ts-1970.json", "dated 1970-01-01" },
  { "ts-2100.json", "dated 2100-01-01" },
  { "negative-count.zip", "counted -3 times" },
  { "zip-bomb.zip", "zip bomb" },
  { "zip-traversal.zip", "points outside the zip" },
};

static void
test_catalogue_case (Fixture       *fx,
                     gconstpointer  data)
{
  const Case *c = data;
  g_autofree char *path = bad_path (c->file);

  assert_refused (fx, path, NULL, c->phrase);
}

/* ------------------------------------------------------------------------------------------ */
/* Truncated JSON: every prefix that ends at a structural character                            */

static gboolean
is_structural (char c)
{
  return strchr ("{}[],:\"", c) != NULL;
}

static void
test_truncated_everywhere (Fixture       *fx,
                           gconstpointer  data)
{
  const char * const *spec = data;   /* format, folder, file */
  g_autofree char *good = g_test_build_filename (G_TEST_DIST, "data", spec[1], spec[2], NULL);
  g_autofree char *contents = NULL;
  g_autofree char *cut = g_build_filename (fx->db.dir, "cut.json", NULL);
  gsize len = 0;
  guint tried = 0;

  g_assert_true (g_file_get_contents (good, &contents, &len, NULL));
  /* Only proper prefixes: the whole export followed by nothing but a newline is complete. */
  while (len > 0 && g_ascii_isspace (contents[len - 1]))
    len--;
  for (gsize i = 1; i < len; i++)
    {
      if (!is_structural (contents[i - 1]))
        continue;
      g_assert_true (g_file_set_contents (cut, contents, i, NULL));
      assert_refused (fx, cut, spec[0], NULL);
      tried++;
    }
  g_test_message ("%s: %u cuts refused", spec[2], tried);
  g_assert_cmpuint (tried, >, 50);
}

static const char * const truncated_specs[][3] = {
  { "telegram", "telegram", "single-supergroup.json" },
  { "discord", "discord", "guild-general.json" },
  { "chatlab", "chatlab", "group.json" },
  { "wechat", "wechat", "weflow.json" },
  { "qq", "qq", "qq-nt.json" },
};

/* ------------------------------------------------------------------------------------------ */
/* Deep nesting in every JSON importer                                                         */

static const char * const deep_specs[][2] = {
  { "telegram", "{\"name\":\"x\",\"type\":\"public_supergroup\",\"id\":1,\"messages\":[{\"id\":1,"
                "\"type\":\"message\",\"date_unixtime\":\"1709258400\",\"from_id\":\"user1\",\"text\":" },
  { "discord", "{\"guild\":{\"id\":\"5\",\"name\":\"G\"},\"channel\":{\"id\":\"6\",\"name\":\"c\"},"
               "\"messages\":[{\"id\":\"9\",\"timestamp\":\"2024-01-01T00:01:00+00:00\",\"x\":" },
  { "chatlab", "{\"chatlab\":{\"version\":\"0.0.1\"},\"meta\":{\"name\":\"g\",\"platform\":\"qq\","
               "\"type\":\"group\"},\"members\":[],\"messages\":[{\"sender\":\"1\",\"extra\":" },
  { "wechat", "{\"weflow\":{\"version\":\"1.2.0\"},\"session\":{\"wxid\":\"1@chatroom\"},"
              "\"messages\":[{\"localId\":1,\"extra\":" },
  { "qq", "{\"chatInfo\":{\"name\":\"g\"},\"messages\":[{\"id\":\"1\",\"x\":" },
};

static void
test_deep_nesting (Fixture       *fx,
                   gconstpointer  data)
{
  const char * const *spec = data;   /* format, text before the nesting */
  g_autofree char *path = g_build_filename (fx->db.dir, "deep.json", NULL);
  g_autoptr(GString) text = g_string_new (spec[1]);
  const int depth = 100000;

  for (int i = 0; i < depth; i++)
    g_string_append_c (text, '[');
  for (int i = 0; i < depth; i++)
    g_string_append_c (text, ']');
  g_string_append (text, "}]}");
  g_assert_true (g_file_set_contents (path, text->str, text->len, NULL));
  assert_refused (fx, path, spec[0], "levels deep");
}

/* ------------------------------------------------------------------------------------------ */
/* A 2 GB line, streamed                                                                       */

#define LONG_LINE_BYTES (G_GINT64_CONSTANT (2) << 30)

typedef struct
{
  char       *fifo;
  const char *head;
  gint64      written;
} Writer;

/* Writes head and then up to 2 GB of 'a' without a newline, until the reader hangs up. */
static gpointer
write_long_line (gpointer data)
{
  Writer *w = data;
  static char block[1 << 20];
  int fd = open (w->fifo, O_WRONLY);

  g_assert_cmpint (fd, >=, 0);
  memset (block, 'a', sizeof block);
  if (write (fd, w->head, strlen (w->head)) < 0)
    {
      close (fd);
      return NULL;
    }
  while (w->written < LONG_LINE_BYTES)
    {
      ssize_t n = write (fd, block, sizeof block);

      if (n < 0)
        break;   /* EPIPE: the importer stopped reading, as it should */
      w->written += n;
    }
  close (fd);
  return NULL;
}

static const char * const long_line_specs[][2] = {
  { "chatlab", "{\"_type\":\"header\",\"chatlab\":{\"version\":\"0.0.2\"},\"meta\":{\"name\":\"g\","
               "\"platform\":\"qq\",\"type\":\"group\"}}\n{\"_type\":\"message\",\"content\":\"" },
  { "discord", "AuthorID,Author,Date,Content,Attachments,Reactions\n\"1\",\"a\",\"2024-03-01T10:00:00"
               "+00:00\",\"" },
  { "qq", "消息记录（此消息记录为文本格式，不支持重新导入）\n\n"
          "================================================================\n"
          "消息分组:我的群聊\n"
          "================================================================\n"
          "消息对象:Cohort 测试群\n"
          "================================================================\n\n"
          "2024-03-01 10:00:00 Alice(10001)\n" },
  { "whatsapp", "1/29/24, 9:05 AM - Alice: " },
  { NULL, "" },   /* detected: nothing claims a file of one endless line */
};

static void
test_long_line (Fixture       *fx,
                gconstpointer  data)
{
  const char * const *spec = data;   /* format, head */
  Writer w = { g_build_filename (fx->db.dir, "endless.txt", NULL), spec[1], 0 };
  g_autoptr(GThread) thread = NULL;

  g_assert_cmpint (mkfifo (w.fifo, 0600), ==, 0);
  thread = g_thread_new ("long-line", write_long_line, &w);
  assert_refused (fx, w.fifo, spec[0], spec[0] != NULL ? "longer than 64 MB" : NULL);
  g_thread_join (g_steal_pointer (&thread));
  /* The importer gave up near the limit instead of reading all 2 GB into memory. */
  g_assert_cmpint (w.written, <, LONG_LINE_BYTES);
  g_unlink (w.fifo);
  g_free (w.fifo);
}

/* ------------------------------------------------------------------------------------------ */

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  /* The long-line writer learns that the importer hung up from EPIPE, not from a signal. */
  signal (SIGPIPE, SIG_IGN);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/cohort/bad/catalogue/%s", cases[i].file);
      g_test_add (name, Fixture, &cases[i], fixture_setup, test_catalogue_case, fixture_teardown);
    }
  for (guint i = 0; i < G_N_ELEMENTS (truncated_specs); i++)
    {
      g_autofree char *name = g_strdup_printf ("/cohort/bad/truncated/%s", truncated_specs[i][0]);
      g_test_add (name, Fixture, truncated_specs[i], fixture_setup, test_truncated_everywhere,
                  fixture_teardown);
    }
  for (guint i = 0; i < G_N_ELEMENTS (deep_specs); i++)
    {
      g_autofree char *name = g_strdup_printf ("/cohort/bad/deep-nesting/%s", deep_specs[i][0]);
      g_test_add (name, Fixture, deep_specs[i], fixture_setup, test_deep_nesting, fixture_teardown);
    }
  for (guint i = 0; i < G_N_ELEMENTS (long_line_specs); i++)
    {
      const char *format = long_line_specs[i][0];
      g_autofree char *name = g_strdup_printf ("/cohort/bad/long-line/%s",
                                               format != NULL ? format : "detected");
      g_test_add (name, Fixture, long_line_specs[i], fixture_setup, test_long_line,
                  fixture_teardown);
    }
  return g_test_run ();
}
