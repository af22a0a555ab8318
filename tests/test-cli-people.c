/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "cohort-test-cli.h"

/*
 * `cohort-cli people` and `cohort-cli overview --communities/--all` end to end on
 * tests/data/people (README.md there has the hand counts): two Telegram groups that share
 * Alice (user1) and Bob (user2), and a WhatsApp group with another "Alice Wang".  Member ids
 * follow the import order: Runners #1 Alice, #2 Bob, #3 Carol; Readers #4 Alice, #5 Dan,
 * #6 Bob; family #7 Alice Wang, #8 Eve.
 */

typedef CohortTestCli Fixture;

/* cohort-cli with these arguments and --db f->db: cohort_test_cli_run (). */
#define cli cohort_test_cli_run
#define fixture_setup cohort_test_cli_setup
#define fixture_teardown cohort_test_cli_teardown

static void
import_fixtures (Fixture *f)
{
  const char * const files[] = { "runners.json", "readers.json", "family.txt" };

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "people", files[i], NULL);
      g_autofree char *out = NULL;

      g_assert_cmpint (cli (f, &out, "import", path, "--tz", "UTC", "--date-order", "mdy", NULL), ==, 0);
    }
}

static JsonObject *
parse (JsonParser *parser,
       const char *text)
{
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

/* The persons as "member member …" lines, by person id: the grouping, in one string. */
static char *
grouping (Fixture *f)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *out = NULL;
  GString *groups = g_string_new (NULL);
  JsonArray *persons;

  g_assert_cmpint (cli (f, &out, "people", "--json", NULL), ==, 0);
  persons = json_object_get_array_member (parse (parser, out), "persons");
  for (guint i = 0; i < json_array_get_length (persons); i++)
    {
      JsonArray *ms = json_object_get_array_member (json_array_get_object_element (persons, i),
                                                    "memberships");

      g_string_append_printf (groups, "%" G_GINT64_FORMAT ":",
                              json_object_get_int_member (json_array_get_object_element (persons, i), "id"));
      for (guint j = 0; j < json_array_get_length (ms); j++)
        g_string_append_printf (groups, " %" G_GINT64_FORMAT,
                                json_object_get_int_member (json_array_get_object_element (ms, j), "member"));
      g_string_append_c (groups, '\n');
    }
  return g_string_free (groups, FALSE);
}

static void
test_people_list (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *out = NULL;
  g_autofree char *text = NULL;
  g_autofree char *groups = NULL;
  JsonObject *root;

  import_fixtures (f);
  g_assert_cmpint (cli (f, &out, "people", "--json", NULL), ==, 0);
  root = parse (parser, out);
  g_assert_cmpint (json_object_get_int_member (root, "people"), ==, 6);
  g_assert_cmpint (json_object_get_int_member (root, "communities"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (root, "memberships"), ==, 8);

  groups = grouping (f);
  g_assert_cmpstr (groups, ==, "1: 1 4\n2: 2 6\n3: 3\n4: 5\n5: 7\n6: 8\n");

  g_assert_cmpint (cli (f, &text, "people", NULL), ==, 0);
  g_assert_nonnull (strstr (text, "6 people in 3 communities, 8 memberships"));
  g_assert_nonnull (strstr (text, "#7"));
  g_clear_pointer (&text, g_free);

  /* --shared lists Alice and Bob (Telegram) only; the counts stay everyone's */
  g_assert_cmpint (cli (f, &text, "people", "--shared", NULL), ==, 0);
  g_assert_nonnull (strstr (text, "6 people in 3 communities, 8 memberships"));
  g_assert_nonnull (strstr (text, "#4"));
  g_assert_nonnull (strstr (text, "#6"));
  g_assert_null (strstr (text, "#7"));
  g_assert_null (strstr (text, "#3"));
}

static void
test_merge_unmerge_undo (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *g0 = NULL;
  g_autofree char *g1 = NULL;
  g_autofree char *g2 = NULL;
  g_autofree char *g3 = NULL;
  g_autofree char *g4 = NULL;
  g_autofree char *out = NULL;

  import_fixtures (f);
  g0 = grouping (f);

  g_assert_cmpint (cli (f, &out, "people", "merge", "1", "7", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "cohort-cli people undo"));
  g_clear_pointer (&out, g_free);
  g1 = grouping (f);
  g_assert_cmpstr (g1, ==, "1: 1 4 7\n2: 2 6\n3: 3\n4: 5\n6: 8\n");

  g_assert_cmpint (cli (f, &out, "people", "unmerge", "#4", NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g2 = grouping (f);
  g_assert_cmpstr (g2, ==, "1: 1 7\n2: 2 6\n3: 3\n4: 5\n6: 8\n7: 4\n");

  /* refused: no such member, one person already, bad ids, bad usage */
  g_assert_cmpint (cli (f, &out, "people", "merge", "1", "99", NULL), ==, 1);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (cli (f, &out, "people", "merge", "1", "7", NULL), ==, 1);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (cli (f, &out, "people", "unmerge", "Alice", NULL), ==, 2);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (cli (f, &out, "people", "split", NULL), ==, 2);
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (cli (f, &out, "people", "undo", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "unmerge"));
  g_clear_pointer (&out, g_free);
  g3 = grouping (f);
  g_assert_cmpstr (g3, ==, g1);

  g_assert_cmpint (cli (f, &out, "people", "undo", NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g4 = grouping (f);
  g_assert_cmpstr (g4, ==, g0);

  g_assert_cmpint (cli (f, &out, "people", "undo", NULL), ==, 1);
}

static JsonObject *
overview_json (Fixture    *f,
               JsonParser *parser,
               const char *option,
               const char *value)
{
  g_autofree char *out = NULL;

  /* value NULL ends the argument list early: --all goes last */
  if (value != NULL)
    g_assert_cmpint (cli (f, &out, "overview", "--from", "2024-03-01", "--to", "2024-03-10",
                          "--json", option, value, NULL), ==, 0);
  else
    g_assert_cmpint (cli (f, &out, "overview", "--from", "2024-03-01", "--to", "2024-03-10",
                          "--json", option, NULL), ==, 0);
  return parse (parser, out);
}

static void
test_overview (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonParser) parser_all = json_parser_new ();
  g_autofree char *out = NULL;
  JsonObject *two, *all;

  import_fixtures (f);
  /* Alice and Bob are in both Telegram groups: 4 people, 4 active, 7 messages */
  two = overview_json (f, parser, "--communities", "Runners Club, Readers Club");
  g_assert_cmpint (json_object_get_int_member (two, "people"), ==, 4);
  g_assert_cmpint (json_object_get_int_member (two, "memberships"), ==, 6);
  g_assert_cmpint (json_object_get_int_member (two, "communities"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (two, "active_members"), ==, 4);
  g_assert_cmpint (json_object_get_int_member (two, "messages"), ==, 7);
  g_assert_cmpstr (json_object_get_string_member (two, "community"), ==, "Runners Club, Readers Club");

  all = overview_json (f, parser_all, "--all", NULL);
  g_assert_cmpint (json_object_get_int_member (all, "people"), ==, 6);
  g_assert_cmpint (json_object_get_int_member (all, "active_members"), ==, 6);
  g_assert_cmpint (json_object_get_int_member (all, "messages"), ==, 10);

  g_assert_cmpint (cli (f, &out, "overview", "--communities", "Runners Club,Readers Club",
                        "--from", "2024-03-01", "--to", "2024-03-10", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "4 people in 2 communities, 6 memberships"));
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (cli (f, &out, "overview", "--communities", "Nowhere", NULL), ==, 1);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (cli (f, &out, "overview", NULL), ==, 2);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/cohort/cli-people/list", test_people_list);
  ADD ("/cohort/cli-people/merge-unmerge-undo", test_merge_unmerge_undo);
  ADD ("/cohort/cli-people/overview", test_overview);
#undef ADD

  return g_test_run ();
}
