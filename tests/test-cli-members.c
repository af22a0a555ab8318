/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "cohort-test-cli.h"

/*
 * `cohort-cli members` end to end on tests/data/telegram/single-supergroup.json (its timeline
 * is in test-cli.c and tests/data/telegram/README.md), evaluated --asof 2024-03-31.  By hand:
 *
 *   member      joined  raw gen days last   silent tenure  window F  points  present
 *   Alice       03-01    2   2   2   03-12    19     30        2     2+20      yes  (invited Dana, Grace)
 *   Bob         03-01    3   0   0   —        —      30        0     0+10      yes  (invited Eve)
 *   陈小明      03-01    4   3   3   03-16    15     30        3     3         yes
 *   Dana        03-03    2   2   2   03-09    —      28        2     2         no (left 03-18)
 *   Grace       03-03    0   0   0   —        —      28        0     0         yes
 *   Eve         03-04    3   2   2   03-19    12     27        2     2         yes
 *   Frank       03-05    2   2   2   03-20    11     26        2     2         yes (kicked, spoke again)
 *   user1007    03-11    1   1   1   03-11    20     20        1     1         yes
 *   HelperBot   bot: no tier, no RFM
 *
 * Tiers (present humans, 30-day window 03-02…03-31, nobody has 7 days): active = Alice, 陈小明,
 * Eve, Frank, user1007 (5); lurker = Bob, Grace (2).  关注 (14–29 silent days): user1007 20,
 * Alice 19, 陈小明 15.  Lifecycle: tenure ≥ 30 → veteran: Alice, Bob, 陈小明.
 *
 * RFM, n = 7 (NULL R = Bob, Grace, worst):
 *   score_R = ceil(5(1+#{v>x})/7): Frank 11 → 5, Eve 12 → 5, 陈 15 → 4, Alice 19 → 3, user1007 20 → 3,
 *             Bob, Grace → 1.
 *   score_F on (2,0,3,0,2,2,1): 0 → 1; 1 → ceil(15/7) = 3; 2 → ceil(20/7) = 3; 3 → ceil(35/7) = 5.
 *   score_M on (22,10,3,0,2,2,1): 0 → 1; 1 → 2; 2 → 3; 3 → 4; 10 → 5; 22 → 5.
 *   陈 (4,5,4) → champions; Alice (3,3,5), Eve (5,3,3), Frank (5,3,3), user1007 (3,3,2) → potential;
 *   Bob (1,1,5), Grace (1,1,1) → hibernating.
 * KOC: S = humans with tenure ≥ 14 and a genuine message in 90 days = Alice, 陈, Dana, Eve, Frank,
 * user1007 (6).  陈: pct F 5.5/6, pct Q (all 0) 3/6, pct C (only Alice has C) 2.5/6 →
 * 0.4·0.91667 + 0.3·0.5 + 0.3·0.41667 = 0.641667.
 */

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

static JsonObject *
members_json (Fixture    *f,
              JsonParser *parser,
              const char *option,
              const char *value)
{
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (cli (f, &out, "members", "Cohort 测试群", "--asof", "2024-03-31", "--json",
                        option, value, NULL), ==, 0);
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

static JsonObject *
row_named (JsonArray  *rows,
           const char *name)
{
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *row = json_array_get_object_element (rows, i);

      if (g_strcmp0 (json_object_get_string_member (row, "name"), name) == 0)
        return row;
    }
  g_assert_not_reached ();
}

static void
test_summary (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *o, *tiers, *rfm, *chen, *alice, *bot;
  JsonArray *rows;

  import_fixture (f);
  o = members_json (f, parser, NULL, NULL);
  g_assert_cmpstr (json_object_get_string_member (o, "asof"), ==, "2024-03-31");
  g_assert_cmpint (json_object_get_int_member (o, "members"), ==, 9);
  g_assert_cmpint (json_object_get_int_member (o, "koc_scored"), ==, 6);
  /* no orders in a chat export: engagement RFM (§5.3) */
  g_assert_cmpstr (json_object_get_string_member (o, "rfm_mode"), ==, "engagement");
  tiers = json_object_get_object_member (o, "tiers");
  g_assert_cmpint (json_object_get_int_member (tiers, "active"), ==, 5);
  g_assert_cmpint (json_object_get_int_member (tiers, "lurker"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (tiers, "fan"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (tiers, "koc"), ==, 0);
  rfm = json_object_get_object_member (o, "rfm");
  g_assert_cmpint (json_object_get_int_member (rfm, "champions"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (rfm, "potential"), ==, 4);
  g_assert_cmpint (json_object_get_int_member (rfm, "hibernating"), ==, 2);

  rows = json_object_get_array_member (o, "rows");
  chen = row_named (rows, "陈小明");
  g_assert_cmpint (json_object_get_int_member (chen, "messages"), ==, 4);
  g_assert_cmpint (json_object_get_int_member (chen, "genuine_messages"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (chen, "silent_days"), ==, 15);
  g_assert_cmpstr (json_object_get_string_member (chen, "churn"), ==, "slipping");
  g_assert_cmpstr (json_object_get_string_member (chen, "rfm"), ==, "champions");
  g_assert_cmpint (json_object_get_int_member (chen, "rfm_r"), ==, 4);
  g_assert_cmpint (json_object_get_int_member (chen, "rfm_f"), ==, 5);
  g_assert_cmpint (json_object_get_int_member (chen, "rfm_m"), ==, 4);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (chen, "koc_score"),
                                  0.4 * 5.5 / 6 + 0.3 * 0.5 + 0.3 * 2.5 / 6, 1e-9);
  alice = row_named (rows, "Alice Wang");
  g_assert_cmpint (json_object_get_int_member (alice, "points"), ==, 22);
  g_assert_cmpint (json_object_get_int_member (alice, "invites"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (alice, "koc_c"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (alice, "lifecycle"), ==, "veteran");
  bot = row_named (rows, "HelperBot");
  g_assert_true (json_object_get_boolean_member (bot, "bot"));
  g_assert_cmpstr (json_object_get_string_member (bot, "tier"), ==, "none");
  g_assert_cmpstr (json_object_get_string_member (bot, "rfm"), ==, "none");
}

/* --segment slipping --sort silent-days: user1007 (20), Alice (19), 陈小明 (15). */
static void
test_segment_and_sort (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *out = NULL;
  const char *order[] = { "user1007", "user1001", "user1003" };
  JsonArray *rows;
  JsonObject *o;

  import_fixture (f);
  g_assert_cmpint (cli (f, &out, "members", "Cohort 测试群", "--asof", "2024-03-31", "--json",
                        "--segment", "slipping", "--sort", "silent-days", NULL), ==, 0);
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  o = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (o, "matched"), ==, 3);
  rows = json_object_get_array_member (o, "rows");
  for (guint i = 0; i < 3; i++)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (rows, i), "id"),
                     ==, order[i]);

  /* newcomers, fewest messages first: Grace 0, user1007 1, then Dana, Frank 2 (snapshot
   * order), HelperBot 2, Eve 3 */
  o = members_json (f, parser, "--segment", "newcomer");
  g_assert_cmpint (json_object_get_int_member (o, "matched"), ==, 6);
  o = members_json (f, parser, "--segment", "lurker");
  g_assert_cmpint (json_object_get_int_member (o, "matched"), ==, 2);
  o = members_json (f, parser, "--search", "ALICE");
  g_assert_cmpint (json_object_get_int_member (o, "matched"), ==, 1);
  o = members_json (f, parser, "--segment", "bot");
  g_assert_cmpint (json_object_get_int_member (o, "matched"), ==, 1);
}

static void
test_csv (Fixture       *f,
          gconstpointer  data)
{
  g_autofree char *csv = g_build_filename (f->dir, "lurkers.csv", NULL);
  g_autofree char *out = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  import_fixture (f);
  g_assert_cmpint (cli (f, &out, "members", "Cohort 测试群", "--asof", "2024-03-31",
                        "--segment", "lurker", "--sort", "name", "--asc", "--csv", csv, NULL), ==, 0);
  g_assert_true (g_file_get_contents (csv, &text, NULL, NULL));
  g_unlink (csv);
  /* a BOM, a header and Bob, Grace in name order */
  g_assert_true (g_str_has_prefix (text, "\xEF\xBB\xBFID,Name,Staff,Bot,Member,Messages,"));
  lines = g_strsplit (text, "\r\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 4);
  g_assert_true (g_str_has_prefix (lines[1], "user1002,Bob Li,0,0,1,3,0,0,2024-03-01,,30,,,"));
  g_assert_true (g_str_has_prefix (lines[2], "name:Grace,Grace,0,0,1,0,0,0,2024-03-03,,28,,,"));
  g_assert_nonnull (strstr (lines[1], ",Veteran,Lurker,,0,0,Hibernating,"));
  g_assert_cmpstr (lines[3], ==, "");
}

static void
test_usage (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *a = NULL, *b = NULL, *c = NULL, *d = NULL;

  import_fixture (f);
  g_assert_cmpint (cli (f, &a, "members", NULL), ==, 2);
  g_assert_cmpint (cli (f, &b, "members", "Cohort 测试群", "--segment", "vip", NULL), ==, 2);
  g_assert_cmpint (cli (f, &c, "members", "Cohort 测试群", "--sort", "height", NULL), ==, 2);
  g_assert_cmpint (cli (f, &d, "members", "No such group", NULL), ==, 1);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/cohort/cli-members/summary", test_summary);
  ADD ("/cohort/cli-members/segment-and-sort", test_segment_and_sort);
  ADD ("/cohort/cli-members/csv", test_csv);
  ADD ("/cohort/cli-members/usage", test_usage);
#undef ADD
  return g_test_run ();
}
