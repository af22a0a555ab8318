/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

/*
 * cohort-cli end to end: the real binary in a subprocess, a fresh database per test, and the
 * fixture single-supergroup.json whose numbers are worked out by hand in
 * tests/data/telegram/README.md.
 */

typedef struct
{
  char *dir;
  char *db;
} Fixture;

typedef struct
{
  int status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *run)
{
  g_free (run->out);
  g_free (run->err);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->dir = g_dir_make_tmp ("cohort-cli-XXXXXX", NULL);
  f->db = g_build_filename (f->dir, "cli.db", NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (f->dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (f->dir);
  g_free (f->db);
  g_free (f->dir);
}

static char *
fixture_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", "telegram", name, NULL);
}

/* Runs cohort-cli with the arguments, NULL-terminated, and --db appended. */
static Run
cli (Fixture    *f,
     const char *first,
     ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  Run run = { 0, };
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (char *)g_getenv ("COHORT_CLI"));
  va_start (args, first);
  for (arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *)arg);
  va_end (args);
  g_ptr_array_add (argv, "--db");
  g_ptr_array_add (argv, f->db);
  g_ptr_array_add (argv, NULL);

  proc = g_subprocess_newv ((const char * const *)argv->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &run.out, &run.err, &error);
  g_assert_no_error (error);
  run.status = g_subprocess_get_exit_status (proc);
  return run;
}

static JsonNode *
parse (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static gint64
member_int (JsonObject *o,
            const char *key)
{
  g_assert_true (json_object_has_member (o, key));
  return json_object_get_int_member (o, key);
}

static void
assert_rate (JsonObject *o,
             const char *key,
             gint64      num,
             gint64      den)
{
  JsonObject *rate = json_object_get_object_member (o, key);

  g_assert_nonnull (rate);
  g_assert_cmpint (member_int (rate, "num"), ==, num);
  g_assert_cmpint (member_int (rate, "den"), ==, den);
}

static void
import_fixture (Fixture    *f,
                const char *name)
{
  g_autofree char *path = fixture_path (name);
  g_auto(Run) run = cli (f, "import", path, NULL);

  g_assert_cmpint (run.status, ==, 0);
}

static void
test_import (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *path = fixture_path ("single-supergroup.json");
  g_autoptr(JsonNode) root = NULL;
  JsonObject *o;

  {
    g_auto(Run) run = cli (f, "import", path, NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_nonnull (strstr (run.out, "single-supergroup.json"));
    g_assert_nonnull (strstr (run.out, "19 messages"));
  }
  {
    g_auto(Run) run = cli (f, "import", path, "--json", NULL);
    g_assert_cmpint (run.status, ==, 0);
    root = parse (run.out);
    o = json_array_get_object_element (json_node_get_array (root), 0);
    /* Everything is there already: nothing is added twice. */
    g_assert_cmpint (member_int (o, "messages_added"), ==, 0);
    g_assert_cmpint (member_int (o, "members_added"), ==, 0);
    g_assert_cmpint (member_int (o, "events_added"), ==, 0);
    g_assert_cmpint (member_int (o, "messages_present"), ==, 26);
  }
}

static void
test_communities (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *o;

  import_fixture (f, "single-supergroup.json");
  {
    g_auto(Run) run = cli (f, "communities", "--json", NULL);
    g_assert_cmpint (run.status, ==, 0);
    root = parse (run.out);
  }
  g_assert_cmpint (json_array_get_length (json_node_get_array (root)), ==, 1);
  o = json_array_get_object_element (json_node_get_array (root), 0);
  g_assert_cmpstr (json_object_get_string_member (o, "name"), ==, "Cohort 测试群");
  g_assert_cmpstr (json_object_get_string_member (o, "platform"), ==, "telegram");
  g_assert_cmpint (member_int (o, "id"), ==, 1);
  g_assert_cmpint (member_int (o, "members"), ==, 9);
  g_assert_cmpint (member_int (o, "posting_members"), ==, 8);
  g_assert_cmpint (member_int (o, "messages"), ==, 19);
  g_assert_cmpint (member_int (o, "mechanical_messages"), ==, 5);
  g_assert_cmpint (member_int (o, "system_messages"), ==, 7);
  g_assert_cmpint (member_int (o, "joins"), ==, 7);
  g_assert_cmpint (member_int (o, "leaves"), ==, 2);
  /* 1709258700 and 1710982800 as ISO-8601 UTC. */
  g_assert_cmpstr (json_object_get_string_member (o, "first_message"), ==, "2024-03-01T02:05:00Z");
  g_assert_cmpstr (json_object_get_string_member (o, "last_message"), ==, "2024-03-21T01:00:00Z");
}

static void
test_stats (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *o, *slots, *churn;
  JsonArray *dau, *heatmap, *top;

  import_fixture (f, "single-supergroup.json");
  {
    g_auto(Run) run = cli (f, "stats", "Cohort 测试群", "--from", "2024-03-01", "--to", "2024-03-21", "--json", NULL);
    g_assert_cmpint (run.status, ==, 0);
    root = parse (run.out);
  }
  o = json_node_get_object (root);
  /* date vs date_unixtime differ by 8 h: the zone is inferred. */
  g_assert_cmpstr (json_object_get_string_member (o, "tz"), ==, "Asia/Shanghai");

  /* H = 8 humans (HelperBot is a bot). Spans starting in P: Alice, Bob, 陈小明 (03-01), Dana,
   * Grace (03-03), Eve (03-04), Frank (03-05), user1007 inferred (03-11), Frank inferred again
   * after his kick (03-20) = 9; first joins = 8. Leaves: Dana (leave), Frank (kick). */
  g_assert_cmpint (member_int (o, "members_start"), ==, 0);
  g_assert_cmpint (member_int (o, "new_members"), ==, 8);
  g_assert_cmpint (member_int (o, "joins"), ==, 9);
  g_assert_cmpint (member_int (o, "leaves"), ==, 2);
  /* At the end of 03-21: everyone but Dana = 7, and NET = 9 − 2 = N(end) − N(start). */
  g_assert_cmpint (member_int (o, "members_end"), ==, 7);
  g_assert_cmpint (member_int (o, "net_growth"), ==, 7);
  /* Genuine: Alice 2, 陈小明 3, Dana 2, Eve 2, Frank 2, the deleted account 1 = 12 messages
   * from 6 members; Bob only sent 收到, +1 and an empty rich message (mechanical). */
  g_assert_cmpint (member_int (o, "active_members"), ==, 6);
  g_assert_cmpint (member_int (o, "messages"), ==, 12);
  g_assert_cmpint (member_int (o, "raw_messages"), ==, 17);
  assert_rate (o, "real_interaction_rate", 6, 8);
  assert_rate (o, "raw_interaction_rate", 7, 8);
  /* Every first join happened by 03-14 and all 8 were still members 7 days later (Frank's
   * kick came on day 12, Dana's leave on day 15). */
  assert_rate (o, "retention_7d_membership", 8, 8);
  churn = json_object_get_object_member (o, "churn_warning");
  g_assert_cmpint (member_int (churn, "watch"), ==, 0);
  g_assert_cmpint (member_int (churn, "warn"), ==, 0);
  g_assert_cmpint (member_int (churn, "high"), ==, 0);
  /* Present with tenure ≥ 7 at 03-21: 7; never a genuine message: Bob and Grace. */
  g_assert_cmpint (member_int (o, "lurkers"), ==, 2);
  assert_rate (o, "lurk_rate", 2, 7);

  dau = json_object_get_array_member (o, "dau");
  g_assert_cmpint (json_array_get_length (dau), ==, 21);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (dau, 0), "day"), ==, "2024-03-01");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (dau, 20), "day"), ==, "2024-03-21");
  /* 03-01: Alice's first message is the only genuine one that day. */
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (dau, 0), "value"), ==, 1);
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (o, "wau7")), ==, 21);
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (o, "mau30")), ==, 21);

  heatmap = json_object_get_array_member (o, "heatmap");
  g_assert_cmpint (json_array_get_length (heatmap), ==, 7);
  g_assert_cmpint (json_array_get_length (json_array_get_array_element (heatmap, 0)), ==, 24);

  /* Fewer than 14 days with a genuine message: the default 3 + 2 hours. */
  slots = json_object_get_object_member (o, "slots");
  g_assert_true (json_object_get_boolean_member (slots, "fallback"));
  g_assert_cmpint (json_array_get_int_element (json_object_get_array_member (slots, "core"), 0), ==, 9);
  g_assert_cmpint (json_array_get_int_element (json_object_get_array_member (slots, "core"), 2), ==, 20);
  g_assert_cmpint (json_array_get_int_element (json_object_get_array_member (slots, "supplementary"), 1), ==, 22);

  top = json_object_get_array_member (o, "top_members");
  g_assert_cmpint (json_array_get_length (top), ==, 6);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (top, 0), "name"), ==, "陈小明");
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (top, 0), "messages"), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (top, 5), "name"), ==, "Deleted Account");
}

static void
test_usage_errors (Fixture       *f,
                   gconstpointer  data)
{
  import_fixture (f, "single-supergroup.json");
  {
    g_auto(Run) run = cli (f, "stats", "1", "--from", "2024-13-01", NULL);
    g_assert_cmpint (run.status, !=, 0);
    g_assert_nonnull (strstr (run.err, "YYYY-MM-DD"));
  }
  {
    g_auto(Run) run = cli (f, "stats", "nobody", NULL);
    g_assert_cmpint (run.status, ==, 1);
    g_assert_nonnull (strstr (run.err, "No community"));
  }
  {
    g_auto(Run) run = cli (f, "chart", "bogus", "1", "--png", "x.png", NULL);
    g_assert_cmpint (run.status, ==, 2);
  }
  {
    g_auto(Run) run = cli (f, "frobnicate", NULL);
    g_assert_cmpint (run.status, ==, 2);
  }
}

static void
test_no_database (Fixture       *f,
                  gconstpointer  data)
{
  g_auto(Run) run = cli (f, "communities", NULL);

  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "import"));
  g_assert_false (g_file_test (f->db, G_FILE_TEST_EXISTS));
}

static void
test_bad_input (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *truncated = fixture_path ("truncated.json");
  g_autofree char *html = fixture_path ("messages.html");
  g_autofree char *good = fixture_path ("single-supergroup.json");
  g_autoptr(JsonNode) root = NULL;

  {
    g_auto(Run) run = cli (f, "import", truncated, NULL);
    g_assert_cmpint (run.status, ==, 1);
    g_assert_nonnull (strstr (run.err, "truncated.json"));
  }
  {
    g_auto(Run) run = cli (f, "communities", "--json", NULL);
    g_assert_cmpint (run.status, ==, 0);
    root = parse (run.out);
    g_assert_cmpint (json_array_get_length (json_node_get_array (root)), ==, 0);
  }
  {
    g_auto(Run) run = cli (f, "import", html, NULL);
    g_assert_cmpint (run.status, ==, 1);
    g_assert_nonnull (strstr (run.err, "HTML"));
  }
  /* One bad file among good ones: the good one lands, the exit status reports the bad one. */
  {
    g_auto(Run) run = cli (f, "import", good, truncated, NULL);
    g_assert_cmpint (run.status, ==, 1);
  }
  g_clear_pointer (&root, json_node_unref);
  {
    g_auto(Run) run = cli (f, "communities", "--json", NULL);
    root = parse (run.out);
    g_assert_cmpint (json_array_get_length (json_node_get_array (root)), ==, 1);
  }
}

static void
png_size (const char *path,
          guint32    *width,
          guint32    *height)
{
  g_autofree guchar *data = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, (char **)&data, &len, NULL));
  g_assert_cmpint (len, >, 24);
  g_assert_cmpint (memcmp (data, "\x89PNG\r\n\x1a\n", 8), ==, 0);
  *width = GUINT32_FROM_BE (*(guint32 *)(data + 16));
  *height = GUINT32_FROM_BE (*(guint32 *)(data + 20));
}

static void
test_charts (Fixture       *f,
             gconstpointer  data)
{
  const char *kinds[] = { "overview-growth", "activity", "heatmap", "retention" };

  import_fixture (f, "single-supergroup.json");
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autofree char *name = g_strdup_printf ("%s.png", kinds[i]);
      g_autofree char *out = g_build_filename (f->dir, name, NULL);
      g_auto(Run) run = cli (f, "chart", kinds[i], "1", "--png", out,
                             "--from", "2024-03-01", "--to", "2024-03-21", NULL);
      guint32 w, h;

      g_assert_cmpint (run.status, ==, 0);
      png_size (out, &w, &h);
      g_assert_cmpint (w, ==, 960);
      g_assert_cmpint (h, ==, 420);
    }
}

static void
test_demo (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *o;

  {
    g_auto(Run) run = cli (f, "demo", NULL);
    g_assert_cmpint (run.status, ==, 0);
  }
  {
    g_auto(Run) run = cli (f, "communities", "--json", NULL);
    root = parse (run.out);
  }
  o = json_array_get_object_element (json_node_get_array (root), 0);
  g_assert_nonnull (strstr (json_object_get_string_member (o, "name"), "Demo"));
  g_assert_cmpint (member_int (o, "messages"), >, 5000);
  g_assert_cmpint (member_int (o, "members"), >, 300);
  g_clear_pointer (&root, json_node_unref);
  {
    g_auto(Run) run = cli (f, "stats", "1", "--range", "90", "--json", NULL);
    g_assert_cmpint (run.status, ==, 0);
    root = parse (run.out);
  }
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (json_node_get_object (root), "dau")), ==, 90);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_assert_nonnull (g_getenv ("COHORT_CLI"));
  g_test_add ("/cohort/cli/import", Fixture, NULL, fixture_setup, test_import, fixture_teardown);
  g_test_add ("/cohort/cli/communities", Fixture, NULL, fixture_setup, test_communities, fixture_teardown);
  g_test_add ("/cohort/cli/stats", Fixture, NULL, fixture_setup, test_stats, fixture_teardown);
  g_test_add ("/cohort/cli/usage-errors", Fixture, NULL, fixture_setup, test_usage_errors, fixture_teardown);
  g_test_add ("/cohort/cli/no-database", Fixture, NULL, fixture_setup, test_no_database, fixture_teardown);
  g_test_add ("/cohort/cli/bad-input", Fixture, NULL, fixture_setup, test_bad_input, fixture_teardown);
  g_test_add ("/cohort/cli/charts", Fixture, NULL, fixture_setup, test_charts, fixture_teardown);
  g_test_add ("/cohort/cli/demo", Fixture, NULL, fixture_setup, test_demo, fixture_teardown);
  return g_test_run ();
}
