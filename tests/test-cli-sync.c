/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "cohort-test-db.h"
#include "cohort-test-discourse.h"

/*
 * cohort-cli source and sync end to end: the real binary in a subprocess against the fake
 * forum of test-sync-discourse (same fixtures, same hand-computed numbers: 7 posts, 6
 * members, 3 liked posts, 39 platform statistics, 13 pages).  The secret travels in
 * $COHORT_SOURCE_SECRET, since CI has no keyring, and must never appear in the output.
 */

#define SECRET "cli-s3cret-value"

typedef struct
{
  char                *dir;
  char                *db;
  CohortTestDiscourse *forum;
} Fixture;

typedef struct
{
  int   status;
  char *out;
  char *err;
} Run;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->dir = g_dir_make_tmp ("cohort-cli-sync-XXXXXX", NULL);
  f->db = g_build_filename (f->dir, "cohort.db", NULL);
  f->forum = cohort_test_discourse_new (SECRET, FALSE);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  cohort_test_discourse_free (f->forum);
  cohort_test_remove_tree (f->dir);
  g_free (f->db);
  g_free (f->dir);
}

static void
communicate_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Run *run = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (object), result, &run->out, &run->err, &error);
  g_assert_no_error (error);
  run->status = g_subprocess_get_exit_status (G_SUBPROCESS (object));
}

/* The forum lives in this process, so the main loop must turn while the CLI runs. */
static Run
cli (Fixture     *f,
     const char  *secret,
     const char  *first,
     ...)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  Run run = { -1, NULL, NULL };
  va_list ap;

  g_ptr_array_add (args, (char *)g_getenv ("COHORT_CLI"));
  va_start (ap, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *)arg);
  va_end (ap);
  g_ptr_array_add (args, "--db");
  g_ptr_array_add (args, f->db);
  g_ptr_array_add (args, NULL);

  if (secret != NULL)
    g_subprocess_launcher_setenv (launcher, "COHORT_SOURCE_SECRET", secret, TRUE);
  else
    g_subprocess_launcher_unsetenv (launcher, "COHORT_SOURCE_SECRET");
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *)args->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (proc, NULL, NULL, communicate_cb, &run);
  while (run.out == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (strstr (run.out, SECRET));
  g_assert_null (strstr (run.err, SECRET));
  return run;
}

static void
run_free (Run *run)
{
  g_free (run->out);
  g_free (run->err);
}

static JsonObject *
parse_object (JsonParser *parser,
              const char *text)
{
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

static void
test_add_sync_list_remove (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *summary;
  JsonArray *list;
  JsonObject *source;
  Run run;

  run = cli (f, NULL, "source", "add", "discourse", "Forum", f->forum->base_url,
             "--username", "system", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "COHORT_SOURCE_SECRET"));
  run_free (&run);

  run = cli (f, SECRET, "sync", "Forum", "--json", NULL);
  g_assert_cmpstr (run.err, ==, "");
  g_assert_cmpint (run.status, ==, 0);
  summary = parse_object (parser, run.out);
  g_assert_cmpint (json_object_get_int_member (summary, "pages"), ==, 13);
  g_assert_cmpint (json_object_get_int_member (summary, "messages_added"), ==, 7);
  g_assert_cmpint (json_object_get_int_member (summary, "members_added"), ==, 6);
  g_assert_cmpint (json_object_get_int_member (summary, "reactions_added"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (summary, "stats_added"), ==, 39);
  run_free (&run);

  run = cli (f, SECRET, "sync", "Forum", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, "“Forum” is up to date: nothing new.\n");
  run_free (&run);

  run = cli (f, NULL, "source", "list", "--json", NULL);
  g_assert_cmpint (run.status, ==, 0);
  json_parser_load_from_data (parser, run.out, -1, NULL);
  list = json_node_get_array (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (list), ==, 1);
  source = json_array_get_object_element (list, 0);
  g_assert_cmpstr (json_object_get_string_member (source, "kind"), ==, "discourse");
  g_assert_cmpstr (json_object_get_string_member (source, "status"), ==, "ok");
  g_assert_cmpstr (json_object_get_string_member (source, "username"), ==, "system");
  g_assert_true (g_str_has_prefix (json_object_get_string_member (source, "cursor"),
                                   "{\"last_post_id\":7,"));
  run_free (&run);

  run = cli (f, NULL, "source", "remove", "Forum", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, "Removed “Forum”.\n");
  run_free (&run);

  run = cli (f, NULL, "source", "list", "--json", NULL);
  json_parser_load_from_data (parser, run.out, -1, NULL);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (json_parser_get_root (parser))), ==, 0);
  run_free (&run);
}

static void
test_errors_in_plain_words (Fixture       *f,
                            gconstpointer  data)
{
  Run run;

  run = cli (f, NULL, "source", "add", "discourse", "Forum", f->forum->base_url, NULL);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "--username"));
  run_free (&run);

  run = cli (f, NULL, "source", "add", "discourse", "Forum", f->forum->base_url,
             "--username", "system", NULL);
  g_assert_cmpint (run.status, ==, 0);
  run_free (&run);

  run = cli (f, "not-the-key", "sync", "Forum", NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_cmpstr (run.out, ==, "");
  g_assert_nonnull (strstr (run.err, "Sync of “Forum” failed: The server refused the key."));
  run_free (&run);

  cohort_test_discourse_set_fault (f->forum, TEST_FAULT_STATUS, "/posts.json", NULL, 503, G_MAXUINT);
  run = cli (f, SECRET, "sync", "Forum", NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "The server had a problem"));
  run_free (&run);

  run = cli (f, SECRET, "sync", "Nowhere", NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "No source matches “Nowhere”"));
  run_free (&run);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/cli-sync/add-sync-list-remove", Fixture, NULL, fixture_setup,
              test_add_sync_list_remove, fixture_teardown);
  g_test_add ("/cli-sync/errors-in-plain-words", Fixture, NULL, fixture_setup,
              test_errors_in_plain_words, fixture_teardown);
  return g_test_run ();
}
