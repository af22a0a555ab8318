/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

/*
 * cohort-cli activity, retention and the new chart kinds end to end: the real binary (path
 * in $COHORT_CLI) in a subprocess on a fresh database holding tests/data/activity/
 * two-weeks.json.  Every expected number is worked out in tests/data/activity/README.md.
 */

#define P_FROM "2024-03-11"
#define P_TO   "2024-03-17"

typedef struct
{
  char *dir;
  char *db;
} Fixture;

typedef struct
{
  int   status;
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

/* Runs cohort-cli with the NULL-terminated arguments and "--db f->db" appended. */
G_GNUC_NULL_TERMINATED static Run
cli (Fixture    *f,
     const char *first,
     ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  Run run = { 0, };
  va_list args;

  g_ptr_array_add (argv, (char *)g_getenv ("COHORT_CLI"));
  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
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
  g_assert_true (g_subprocess_get_if_exited (proc));
  run.status = g_subprocess_get_exit_status (proc);
  if (run.err != NULL && run.err[0] != '\0')
    g_test_message ("cohort-cli stderr: %s", run.err);
  return run;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "activity", "two-weeks.json",
                                                 NULL);
  g_auto(Run) run = { 0, };

  f->dir = g_dir_make_tmp ("cohort-cli-activity-XXXXXX", &error);
  g_assert_no_error (error);
  f->db = g_build_filename (f->dir, "cli.db", NULL);
  run = cli (f, "import", path, NULL);
  g_assert_cmpint (run.status, ==, 0);
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

static JsonNode *
parse (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (text);
  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static void
assert_rate (JsonObject *o,
             const char *key,
             gint64      num,
             gint64      den)
{
  JsonObject *rate = json_object_get_object_member (o, key);

  g_assert_nonnull (rate);
  g_assert_cmpint (json_object_get_int_member (rate, "num"), ==, num);
  g_assert_cmpint (json_object_get_int_member (rate, "den"), ==, den);
  if (den == 0)
    g_assert_true (json_object_get_null_member (rate, "value"));
}

static void
assert_keyword (JsonArray  *keywords,
                guint       index,
                const char *term,
                gint64      members,
                gint64      times,
                double      rising,
                gboolean    is_rising)
{
  JsonObject *k = json_array_get_object_element (keywords, index);

  g_assert_cmpstr (json_object_get_string_member (k, "term"), ==, term);
  g_assert_cmpint (json_object_get_int_member (k, "members"), ==, members);
  g_assert_cmpint (json_object_get_int_member (k, "occurrences"), ==, times);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (k, "rising"), rising, 1e-9);
  g_assert_true (json_object_get_boolean_member (k, "is_rising") == is_rising);
}

static void
assert_mech (JsonArray  *texts,
             guint       index,
             const char *text,
             const char *reason,
             gint64      count,
             gint64      members)
{
  JsonObject *m = json_array_get_object_element (texts, index);

  g_assert_cmpstr (json_object_get_string_member (m, "text"), ==, text);
  g_assert_cmpstr (json_object_get_string_member (m, "reason"), ==, reason);
  g_assert_cmpint (json_object_get_int_member (m, "count"), ==, count);
  g_assert_cmpint (json_object_get_int_member (m, "members"), ==, members);
}

/* ------------------------------------------------------------------------------------------ */

static void
test_activity_json (Fixture       *f,
                    gconstpointer  data)
{
  g_auto(Run) run = cli (f, "activity", "活跃度测试群", "--from", P_FROM, "--to", P_TO, "--json", NULL);
  g_autoptr(JsonNode) root = NULL;
  JsonObject *o;
  JsonArray *days, *keywords, *mech;

  g_assert_cmpint (run.status, ==, 0);
  root = parse (run.out);
  o = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (o, "from"), ==, P_FROM);
  g_assert_cmpint (json_object_get_int_member (o, "raw_messages"), ==, 14);
  g_assert_cmpint (json_object_get_int_member (o, "messages"), ==, 10);
  g_assert_cmpint (json_object_get_int_member (o, "active_members"), ==, 5);
  g_assert_cmpint (json_object_get_int_member (o, "present_members"), ==, 5);
  assert_rate (o, "stickiness", 10, 35);
  assert_rate (o, "mechanical_share", 4, 14);
  assert_rate (o, "messages_per_active", 10, 5);
  assert_rate (o, "messages_per_day", 10, 7);
  g_assert_cmpint (json_object_get_int_member (o, "interactions"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (o, "pairs"), ==, 2);
  assert_rate (o, "network_density", 2, 10);
  g_assert_cmpint (json_object_get_int_member (o, "caf"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (o, "speakers"), ==, 5);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (o, "kinds"), "text"),
                   ==, 14);

  /* members by active days in 03-11…03-17: Alice 03-11, 03-12; Bob 03-11, 03-13; 陈晨 03-11,
   * 03-13; Dana 03-12, 03-14; Eve 03-12, 03-14 */
  days = json_object_get_array_member (o, "active_days_last_7");
  g_assert_cmpint (json_array_get_int_element (days, 1), ==, 5);
  g_assert_cmpint (json_array_get_int_element (days, 0), ==, 0);

  mech = json_object_get_array_member (o, "mechanical_texts");
  g_assert_cmpuint (json_array_get_length (mech), ==, 3);
  assert_mech (mech, 0, "好的", "STOPLIST_ZH", 2, 2);
  assert_mech (mech, 1, "666", "PATTERN", 1, 1);
  assert_mech (mech, 2, "收到", "STOPLIST_ZH", 1, 1);

  keywords = json_object_get_array_member (o, "keywords");
  g_assert_cmpuint (json_array_get_length (keywords), ==, 2);
  assert_keyword (keywords, 0, "直播", 3, 3, 4.0, TRUE);
  assert_keyword (keywords, 1, "退款", 3, 3, 2.0, FALSE);
  keywords = json_object_get_array_member (o, "rising_keywords");
  g_assert_cmpuint (json_array_get_length (keywords), ==, 1);
  assert_keyword (keywords, 0, "直播", 3, 3, 4.0, TRUE);

  /* the network: Bob–Alice and 陈晨–Dana */
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                      json_object_get_object_member (o, "network"), "nodes")), ==, 4);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                      json_object_get_object_member (o, "network"), "edges")), ==, 2);
}

static void
test_activity_text (Fixture       *f,
                    gconstpointer  data)
{
  g_auto(Run) run = cli (f, "activity", "1", "--from", P_FROM, "--to", P_TO, NULL);
  g_auto(Run) missing = cli (f, "activity", "no such group", NULL);
  g_auto(Run) usage = cli (f, "activity", NULL);

  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "28.6% (10/35)"));
  g_assert_nonnull (strstr (run.out, "直播"));
  g_assert_nonnull (strstr (run.out, "rising"));
  g_assert_null (strstr (run.out, "签约"));     /* only in the previous week */
  g_assert_cmpint (missing.status, ==, 1);
  g_assert_cmpint (usage.status, ==, 2);
}

static JsonObject *
first_cohort (JsonNode *root)
{
  JsonArray *cohorts = json_object_get_array_member (json_node_get_object (root), "cohorts");

  g_assert_cmpuint (json_array_get_length (cohorts), ==, 3);
  return json_array_get_object_element (cohorts, 0);
}

static void
assert_cell (JsonObject *cohort,
             guint       k,
             gint64      num,
             gint64      den)
{
  JsonObject *cell = json_array_get_object_element (json_object_get_array_member (cohort, "cells"), k);

  g_assert_cmpint (json_object_get_int_member (cell, "num"), ==, num);
  g_assert_cmpint (json_object_get_int_member (cell, "den"), ==, den);
}

static void
test_retention (Fixture       *f,
                gconstpointer  data)
{
  g_auto(Run) act = cli (f, "retention", "1", "--from", "2024-02-26", "--to", P_TO,
                         "--by", "week", "--mode", "activity", "--json", NULL);
  g_auto(Run) mem = cli (f, "retention", "1", "--from", "2024-02-26", "--to", P_TO, "--json", NULL);
  g_autoptr(JsonNode) a = NULL;
  g_autoptr(JsonNode) m = NULL;
  JsonObject *c;

  g_assert_cmpint (act.status, ==, 0);
  a = parse (act.out);
  c = first_cohort (a);
  g_assert_cmpstr (json_object_get_string_member (c, "cohort"), ==, "2024-02-26");
  g_assert_cmpint (json_object_get_int_member (c, "size"), ==, 5);
  assert_cell (c, 0, 0, 5);
  assert_cell (c, 1, 5, 5);
  assert_cell (c, 2, 5, 5);
  assert_rate (c, "day_1", 0, 5);
  assert_rate (c, "day_1_or_after", 5, 5);
  assert_rate (c, "day_7", 0, 5);
  assert_rate (c, "day_7_or_after", 5, 5);
  assert_rate (c, "within_7_days", 5, 5);
  assert_rate (c, "day_14", 0, 5);
  assert_rate (c, "day_14_or_after", 0, 5);
  assert_rate (c, "within_14_days", 5, 5);
  assert_rate (c, "day_30", 0, 0);

  g_assert_cmpint (mem.status, ==, 0);
  m = parse (mem.out);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (m), "mode"), ==, "membership");
  c = first_cohort (m);
  assert_cell (c, 0, 5, 5);
  assert_cell (c, 1, 5, 5);
  assert_cell (c, 2, 5, 5);
}

/* Over a range that runs on past the fixture's last message (2024-03-15), the newest cohort
 * is the week of that message, not the range's last week, and the cells still run to the
 * range's end. */
static void
test_retention_past_data (Fixture       *f,
                          gconstpointer  data)
{
  g_auto(Run) run = cli (f, "retention", "1", "--from", "2024-02-26", "--to", "2024-06-30",
                         "--json", NULL);
  g_autoptr(JsonNode) node = NULL;
  JsonObject *o, *newest;
  JsonArray *cohorts;

  g_assert_cmpint (run.status, ==, 0);
  node = parse (run.out);
  o = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (o, "asof"), ==, "2024-06-30");
  g_assert_cmpstr (json_object_get_string_member (o, "cohorts_end"), ==, "2024-03-15");
  cohorts = json_object_get_array_member (o, "cohorts");
  newest = json_array_get_object_element (cohorts, json_array_get_length (cohorts) - 1);
  g_assert_cmpstr (json_object_get_string_member (newest, "cohort"), ==, "2024-03-11");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (first_cohort (node),
                                                                        "cells")), ==, 13);
}

static void
test_retention_csv_and_errors (Fixture       *f,
                               gconstpointer  data)
{
  g_autofree char *csv_path = g_build_filename (f->dir, "retention.csv", NULL);
  g_auto(Run) run = cli (f, "retention", "1", "--from", "2024-02-26", "--to", P_TO,
                         "--mode", "activity", "--csv", csv_path, NULL);
  g_auto(Run) month = cli (f, "retention", "1", "--from", "2024-02-26", "--to", P_TO,
                           "--by", "month", "--json", NULL);
  g_auto(Run) bad_by = cli (f, "retention", "1", "--by", "year", NULL);
  g_auto(Run) bad_mode = cli (f, "retention", "1", "--mode", "fun", NULL);
  g_autofree char *csv = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonArray *cohorts;

  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, NULL));
  g_assert_true (g_str_has_prefix (csv, "cohort,size,week_0,week_1,"));
  g_assert_nonnull (strstr (csv, "\n2024-02-26,5,0.0,100.0,100.0,,"));

  /* by month: the February cohort starts 02-01; the members joined 03-01, in March's row */
  g_assert_cmpint (month.status, ==, 0);
  root = parse (month.out);
  cohorts = json_object_get_array_member (json_node_get_object (root), "cohorts");
  g_assert_cmpuint (json_array_get_length (cohorts), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (cohorts, 1), "cohort"),
                   ==, "2024-03");
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (cohorts, 1), "size"),
                   ==, 5);

  g_assert_cmpint (bad_by.status, ==, 2);
  g_assert_cmpint (bad_mode.status, ==, 2);
}

static void
assert_png (const char *path)
{
  g_autofree char *bytes = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &bytes, &len, NULL));
  g_assert_cmpuint (len, >, 2000);
  g_assert_true (memcmp (bytes, "\x89PNG", 4) == 0);
}

static void
test_charts (Fixture       *f,
             gconstpointer  data)
{
  static const char * const kinds[] = { "stickiness", "network", "retention-curves" };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autofree char *png = g_strdup_printf ("%s/%s.png", f->dir, kinds[i]);
      g_autofree char *svg = g_strdup_printf ("%s/%s.svg", f->dir, kinds[i]);
      g_autofree char *text = NULL;
      g_auto(Run) run = cli (f, "chart", kinds[i], "1", "--from", i == 2 ? "2024-02-26" : P_FROM,
                             "--to", P_TO, "--png", png, "--svg", svg, NULL);

      g_assert_cmpint (run.status, ==, 0);
      assert_png (png);
      g_assert_true (g_file_get_contents (svg, &text, NULL, NULL));
      g_assert_nonnull (strstr (text, "<svg"));
    }
  {
    g_auto(Run) bad = cli (f, "chart", "pie", "1", "--png", "/dev/null", NULL);
    g_assert_cmpint (bad.status, ==, 2);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/cohort/cli-activity/json", Fixture, NULL, fixture_setup, test_activity_json,
              fixture_teardown);
  g_test_add ("/cohort/cli-activity/text", Fixture, NULL, fixture_setup, test_activity_text,
              fixture_teardown);
  g_test_add ("/cohort/cli-activity/retention", Fixture, NULL, fixture_setup, test_retention,
              fixture_teardown);
  g_test_add ("/cohort/cli-activity/retention-past-data", Fixture, NULL, fixture_setup,
              test_retention_past_data, fixture_teardown);
  g_test_add ("/cohort/cli-activity/retention-csv", Fixture, NULL, fixture_setup,
              test_retention_csv_and_errors, fixture_teardown);
  g_test_add ("/cohort/cli-activity/charts", Fixture, NULL, fixture_setup, test_charts,
              fixture_teardown);
  return g_test_run ();
}
