/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "cohort-test-cli.h"

/*
 * cohort-cli settings and cohort-cli mech end to end on tests/data/telegram/single-supergroup.json
 * (its timeline is in tests/test-cli.c; zone Asia/Shanghai).
 *
 * Weekly cohorts, from the joins: Alice, Bob, 陈小明 on Fri 03-01; Dana, Grace on Sun 03-03;
 * Eve Mon 03-04; Frank Tue 03-05; user1007 (inferred) Mon 03-11.
 *   Monday weeks: 02-26 → 5 (the first five), 03-04 → 2 (Eve, Frank), 03-11 → 1.
 *   Sunday weeks: 02-25 → 3 (the 03-01 three), 03-03 → 4 (Dana, Grace, Eve, Frank),
 *                 03-10 → 1.
 * Messages in March: 17 raw, 12 genuine; 5 of the 19 are mechanical, Bob's "收到" (#3) one of
 * them.  Taking 收到 off the list makes it genuine (13, and Bob active: 7 active members);
 * adding Alice's "收到，明天下午三点发报表" (#17) as mechanical takes one away again (12).
 */

#define COMMUNITY "Cohort 测试群"

typedef CohortTestCli Fixture;

/* cohort-cli with these arguments and --db f->db: cohort_test_cli_run (). */
#define cli cohort_test_cli_run
#define fixture_setup cohort_test_cli_setup
#define fixture_teardown cohort_test_cli_teardown

static void
import_fixture (Fixture *f)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "telegram",
                                                 "single-supergroup.json", NULL);
  g_autofree char *out = NULL;

  g_assert_cmpint (cli (f, &out, "import", path, NULL), ==, 0);
}

static JsonNode *
run_json (Fixture    *f,
          const char *first,
          ...)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  va_list args;

  g_ptr_array_add (argv, (char *)g_getenv ("COHORT_CLI"));
  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *)arg);
  va_end (args);
  g_ptr_array_add (argv, "--json");
  g_ptr_array_add (argv, "--db");
  g_ptr_array_add (argv, f->db);
  g_ptr_array_add (argv, NULL);
  proc = g_subprocess_newv ((const char * const *)argv->pdata, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static gint64
stat_int (Fixture    *f,
          const char *key)
{
  g_autoptr(JsonNode) root = run_json (f, "stats", COMMUNITY, "--from", "2024-03-01",
                                       "--to", "2024-03-31", NULL);

  return json_object_get_int_member (json_node_get_object (root), key);
}

/* cohort start day and size of each weekly cohort row, "02-26:5 03-04:2 …" */
static char *
weekly_cohorts (Fixture *f)
{
  g_autoptr(JsonNode) root = run_json (f, "retention", COMMUNITY, "--from", "2024-02-26",
                                       "--to", "2024-03-31", NULL);
  JsonArray *rows = json_object_get_array_member (json_node_get_object (root), "cohorts");
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *row = json_array_get_object_element (rows, i);

      g_string_append_printf (s, "%s%s:%" G_GINT64_FORMAT, i > 0 ? " " : "",
                              json_object_get_string_member (row, "cohort") + 5,
                              json_object_get_int_member (row, "size"));
    }
  return g_string_free (s, FALSE);
}

static void
test_settings (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(JsonNode) defaults = NULL;
  g_autoptr(JsonNode) changed = NULL;
  g_autofree char *out = NULL;
  g_autofree char *monday = NULL;
  g_autofree char *sunday = NULL;
  JsonObject *o;

  import_fixture (f);
  defaults = run_json (f, "settings", COMMUNITY, NULL);
  o = json_node_get_object (defaults);
  g_assert_cmpstr (json_object_get_string_member (o, "week-start"), ==, "monday");
  g_assert_cmpint (json_object_get_int_member (o, "churn-watch-days"), ==, 14);
  g_assert_cmpint (json_object_get_int_member (o, "churn-warn-days"), ==, 30);
  g_assert_cmpint (json_object_get_int_member (o, "churn-high-days"), ==, 60);
  g_assert_cmpint (json_object_get_int_member (o, "koc-min-messages"), ==, 20);
  g_assert_cmpint (json_object_get_int_member (o, "kol-min-followers"), ==, 500);

  monday = weekly_cohorts (f);
  /* up to the week of 03-21, the fixture's last message */
  g_assert_cmpstr (monday, ==, "02-26:5 03-04:2 03-11:1 03-18:0");

  /* churn levels out of order: a usage error, and nothing changes */
  g_assert_cmpint (cli (f, &out, "settings", COMMUNITY, "--set", "churn-warn-days=10", NULL), ==, 2);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (cli (f, &out, "settings", COMMUNITY, "--set", "colour=red", NULL), ==, 1);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (cli (f, &out, "settings", COMMUNITY, "--set", "week-start", NULL), ==, 2);
  g_clear_pointer (&out, g_free);

  changed = run_json (f, "settings", COMMUNITY, "--set", "week-start=sunday",
                      "--set", "churn-watch-days=7", NULL);
  o = json_node_get_object (changed);
  g_assert_cmpstr (json_object_get_string_member (o, "week-start"), ==, "sunday");
  g_assert_cmpint (json_object_get_int_member (o, "churn-watch-days"), ==, 7);
  g_assert_cmpint (json_object_get_int_member (o, "churn-warn-days"), ==, 30);

  sunday = weekly_cohorts (f);
  g_assert_cmpstr (sunday, ==, "02-25:3 03-03:4 03-10:1 03-17:0");

  /* the plain listing names every key */
  g_assert_cmpint (cli (f, &out, "settings", COMMUNITY, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "week-start             sunday"));
  g_assert_nonnull (strstr (out, "churn-watch-days       7"));
}

static void
test_mech (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(JsonNode) list = NULL;
  g_autofree char *out = NULL;
  JsonObject *rule;

  import_fixture (f);
  g_assert_cmpint (stat_int (f, "messages"), ==, 12);
  g_assert_cmpint (stat_int (f, "raw_messages"), ==, 17);
  g_assert_cmpint (stat_int (f, "active_members"), ==, 6);

  /* typed with its exclamation mark, stored as the lists match it */
  g_assert_cmpint (cli (f, &out, "mech", COMMUNITY, "remove", "收到！", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "收到 (1 messages)"));
  g_assert_cmpint (stat_int (f, "messages"), ==, 13);
  g_assert_cmpint (stat_int (f, "raw_messages"), ==, 17);
  g_assert_cmpint (stat_int (f, "active_members"), ==, 7);

  g_clear_pointer (&out, g_free);
  g_assert_cmpint (cli (f, &out, "mech", COMMUNITY, "add", "收到，明天下午三点发报表", NULL), ==, 0);
  g_assert_cmpint (stat_int (f, "messages"), ==, 12);

  list = run_json (f, "mech", COMMUNITY, "list", NULL);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (list)), ==, 2);
  rule = json_array_get_object_element (json_node_get_array (list), 0);
  g_assert_cmpstr (json_object_get_string_member (rule, "text"), ==, "收到,明天下午三点发报表");
  g_assert_true (json_object_get_boolean_member (rule, "mechanical"));
  g_assert_cmpint (json_object_get_int_member (rule, "matches"), ==, 1);
  rule = json_array_get_object_element (json_node_get_array (list), 1);
  g_assert_cmpstr (json_object_get_string_member (rule, "text"), ==, "收到");
  g_assert_false (json_object_get_boolean_member (rule, "mechanical"));

  /* back to the built-in lists */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (cli (f, &out, "mech", COMMUNITY, "unset", "收到", NULL), ==, 0);
  g_assert_cmpint (stat_int (f, "messages"), ==, 11);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (cli (f, &out, "mech", COMMUNITY, "unset", "收到，明天下午三点发报表", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "No rules"));
  g_assert_cmpint (stat_int (f, "messages"), ==, 12);

  /* refusals: nothing left to match, a rule that is not there, a bad verb */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (cli (f, &out, "mech", COMMUNITY, "add", "！！", NULL), ==, 2);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (cli (f, &out, "mech", COMMUNITY, "unset", "收到", NULL), ==, 1);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (cli (f, &out, "mech", COMMUNITY, "drop", "收到", NULL), ==, 2);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/cli/settings/settings", Fixture, NULL, fixture_setup, test_settings, fixture_teardown);
  g_test_add ("/cli/settings/mech", Fixture, NULL, fixture_setup, test_mech, fixture_teardown);
  return g_test_run ();
}
