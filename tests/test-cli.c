/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

/*
 * cohort-cli end to end: the real binary (path in $COHORT_CLI) in a subprocess, a fresh
 * database in a fresh temporary directory per test, and JSON output parsed with json-glib.
 *
 * Every number about single-supergroup.json is worked out by hand from the fixture itself and
 * METRICS.md §0–§4; tests/data/telegram/README.md lists the same facts.  The community zone is
 * Asia/Shanghai (UTC+8, no DST), inferred from `date` vs `date_unixtime`, so the local times
 * below are simply the `date` fields of the fixture.  The timeline, in local time:
 *
 *   03-01 Fri 10:00  #1  create_group: Alice, Bob, 陈小明 join
 *   03-01 Fri 10:05  #2  Alice      genuine
 *   03-01 Fri 10:07  #3  Bob        "收到" (reply)          mechanical
 *   03-02 Sat 09:00  #4  陈小明     link + text            genuine (URL exempt from rules 2–6)
 *   03-03 Sun 12:00  #5  invite: Dana, Grace join
 *   03-03 Sun 12:30  #6  Dana       genuine
 *   03-04 Mon 08:00  #7  Eve joins by link
 *   03-04 Mon 08:10  #8  Eve        "👍👍"                  mechanical (EMOJI_ONLY)
 *   03-05 Tue 15:00  #9  Frank joins by request
 *   03-05 Tue 15:01  #10 Frank      forwarded text         genuine
 *   03-06 Wed 20:00  #11 HelperBot  bot: never activity
 *   03-07 Thu 11:00  #12 Bob        "+1"                   mechanical (PATTERN)
 *   03-08 Fri 09:30  #13 陈小明     sticker                mechanical (STICKER)
 *   03-09 Sat 14:00  #14 Dana       photo + caption        genuine
 *   03-10 Sun 18:00  #15 Eve        voice                  genuine (attachment exemption)
 *   03-11 Mon 10:00  #16 user1007   "Deleted Account"      genuine; inferred span opens
 *   03-12 Tue 16:00  #17 Alice      "收到，明天下午三点发报表"  genuine
 *   03-13 Wed 09:00  #18 pin_message (system)
 *   03-14 Thu 12:00  #19 Bob        empty rich message     mechanical (SHORT)
 *   03-15 Fri 23:59:59 #21 陈小明   genuine, local day 03-15
 *   03-16 Sat 00:00  #22 陈小明     genuine, local day 03-16
 *   03-17 Sun 10:00  #23 Frank kicked
 *   03-18 Mon 21:00  #24 Dana leaves
 *   03-19 Tue 08:00  #25 Eve        "早上好啊大家，今天讨论什么？" genuine
 *   03-20 Wed 22:00  #26 Frank      genuine, after the kick: inferred span reopens
 *   03-21 Thu 09:00  #27 HelperBot  bot
 *
 * H (§0.3) = Alice, Bob, 陈小明, Dana, Grace, Eve, Frank, user1007: 8 humans; HelperBot is
 * the only bot.  Genuine messages per member: Alice 2 (#2, #17), Bob 0, 陈小明 3 (#4, #21,
 * #22), Dana 2 (#6, #14), Grace 0, Eve 2 (#15, #25), Frank 2 (#10, #26), user1007 1 (#16).
 */

#define COMMUNITY_NAME "Cohort 测试群"

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
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("cohort-cli-XXXXXX", &error);
  g_assert_no_error (error);
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

/* Runs cohort-cli with the NULL-terminated arguments and "--db f->db" appended.  With
 * tz != NULL the child runs with that TZ, to show the output does not depend on the
 * process zone (METRICS §0.2). */
static Run
cli_va (Fixture    *f,
        const char *tz,
        const char *first,
        va_list     args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  const GSubprocessFlags flags = G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE;
  Run run = { 0, };

  g_ptr_array_add (argv, (char *)g_getenv ("COHORT_CLI"));
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *)arg);
  g_ptr_array_add (argv, "--db");
  g_ptr_array_add (argv, f->db);
  g_ptr_array_add (argv, NULL);

  if (tz == NULL)
    proc = g_subprocess_newv ((const char * const *)argv->pdata, flags, &error);
  else
    {
      g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (flags);

      g_subprocess_launcher_setenv (launcher, "TZ", tz, TRUE);
      proc = g_subprocess_launcher_spawnv (launcher, (const char * const *)argv->pdata, &error);
    }
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &run.out, &run.err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  run.status = g_subprocess_get_exit_status (proc);
  if (run.err != NULL && run.err[0] != '\0')
    g_test_message ("cohort-cli stderr: %s", run.err);
  return run;
}

G_GNUC_NULL_TERMINATED static Run
cli (Fixture    *f,
     const char *first,
     ...)
{
  va_list args;
  Run run;

  va_start (args, first);
  run = cli_va (f, NULL, first, args);
  va_end (args);
  return run;
}

G_GNUC_NULL_TERMINATED static Run
cli_in_tz (Fixture    *f,
           const char *tz,
           const char *first,
           ...)
{
  va_list args;
  Run run;

  va_start (args, first);
  run = cli_va (f, tz, first, args);
  va_end (args);
  return run;
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

static JsonArray *
root_array (JsonNode *root)
{
  g_assert_true (JSON_NODE_HOLDS_ARRAY (root));
  return json_node_get_array (root);
}

static gint64
member_int (JsonObject *o,
            const char *key)
{
  JsonNode *node = json_object_get_member (o, key);

  g_assert_nonnull (node);
  g_assert_cmpint (json_node_get_value_type (node), ==, G_TYPE_INT64);
  return json_node_get_int (node);
}

static const char *
member_str (JsonObject *o,
            const char *key)
{
  JsonNode *node = json_object_get_member (o, key);

  g_assert_nonnull (node);
  g_assert_cmpint (json_node_get_value_type (node), ==, G_TYPE_STRING);
  return json_node_get_string (node);
}

static JsonObject *
member_obj (JsonObject *o,
            const char *key)
{
  JsonNode *node = json_object_get_member (o, key);

  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_node_get_object (node);
}

static JsonArray *
member_array (JsonObject *o,
              const char *key)
{
  JsonNode *node = json_object_get_member (o, key);

  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  return json_node_get_array (node);
}

/* A rate is {num, den, value}; value is num/den, or null when den is 0 (METRICS §0.6). */
static void
assert_rate (JsonObject *o,
             const char *key,
             gint64      num,
             gint64      den)
{
  JsonObject *rate = member_obj (o, key);

  g_assert_cmpint (member_int (rate, "num"), ==, num);
  g_assert_cmpint (member_int (rate, "den"), ==, den);
  if (den == 0)
    g_assert_true (json_object_get_null_member (rate, "value"));
  else
    g_assert_cmpfloat_with_epsilon (json_object_get_double_member (rate, "value"),
                                    (double)num / (double)den, 1e-9);
}

/* A series is [{"day": "YYYY-MM-DD", "value": N}] over every day of the range. */
static void
assert_series (JsonObject   *o,
               const char   *key,
               const gint64 *expected,
               guint         n_expected,
               const char   *first_day,
               const char   *last_day)
{
  JsonArray *series = member_array (o, key);

  g_assert_cmpuint (json_array_get_length (series), ==, n_expected);
  g_assert_cmpstr (member_str (json_array_get_object_element (series, 0), "day"), ==, first_day);
  g_assert_cmpstr (member_str (json_array_get_object_element (series, n_expected - 1), "day"), ==,
                   last_day);
  for (guint i = 0; i < n_expected; i++)
    {
      JsonObject *point = json_array_get_object_element (series, i);

      if (member_int (point, "value") != expected[i])
        g_error ("%s[%u] (%s) is %" G_GINT64_FORMAT ", expected %" G_GINT64_FORMAT, key, i,
                 member_str (point, "day"), member_int (point, "value"), expected[i]);
    }
}

static void
import_fixture (Fixture    *f,
                const char *name)
{
  g_autofree char *path = fixture_path (name);
  g_auto(Run) run = cli (f, "import", path, NULL);

  g_assert_cmpint (run.status, ==, 0);
}

static JsonNode *
communities_json (Fixture *f)
{
  g_auto(Run) run = cli (f, "communities", "--json", NULL);

  g_assert_cmpint (run.status, ==, 0);
  return parse (run.out);
}

static JsonNode *
fixture_stats (Fixture    *f,
               const char *tz)
{
  g_auto(Run) run = cli_in_tz (f, tz, "stats", COMMUNITY_NAME, "--from", "2024-03-01",
                               "--to", "2024-03-21", "--json", NULL);

  g_assert_cmpint (run.status, ==, 0);
  return parse (run.out);
}

/* ------------------------------------------------------------------------------------------ */

/* The file header's read and write versions are 2 in WAL mode, 1 with a rollback journal. */
static void
assert_left_in_wal_mode (Fixture *f)
{
  g_autofree char *journal = g_strconcat (f->db, "-journal", NULL);
  g_autofree char *wal = g_strconcat (f->db, "-wal", NULL);
  g_autofree char *bytes = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (f->db, &bytes, &len, NULL));
  g_assert_cmpuint (len, >=, 100);
  g_assert_cmpint (bytes[18], ==, 2);
  g_assert_cmpint (bytes[19], ==, 2);
  g_assert_false (g_file_test (journal, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
}

static void
test_import (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *path = fixture_path ("single-supergroup.json");

  /* Text output names the file and the number of messages. */
  {
    g_auto(Run) run = cli (f, "import", path, NULL);

    g_assert_cmpint (run.status, ==, 0);
    g_assert_nonnull (strstr (run.out, "single-supergroup.json"));
    g_assert_nonnull (strstr (run.out, "19 messages"));
  }
  /* The database it created was written without the WAL and left in WAL mode, as the window
   * opens it, with no journal beside it (cohort_db_open_writer ()). */
  assert_left_in_wal_mode (f);

  /* Second import, text: nothing new; 26 rows (19 messages + 7 system) were already there. */
  {
    g_auto(Run) run = cli (f, "import", path, NULL);

    g_assert_cmpint (run.status, ==, 0);
    g_assert_nonnull (strstr (run.out, "single-supergroup.json"));
    g_assert_nonnull (strstr (run.out, "26 messages"));
  }

  /* Third import, JSON: idempotent on (platform, chat, message id), METRICS §0.5. */
  {
    g_auto(Run) run = cli (f, "import", path, "--json", NULL);
    g_autoptr(JsonNode) root = NULL;
    JsonObject *o;

    g_assert_cmpint (run.status, ==, 0);
    root = parse (run.out);
    g_assert_cmpuint (json_array_get_length (root_array (root)), ==, 1);
    o = json_array_get_object_element (root_array (root), 0);
    g_assert_cmpint (member_int (o, "messages_added"), ==, 0);
    g_assert_cmpint (member_int (o, "members_added"), ==, 0);
    g_assert_cmpint (member_int (o, "system_added"), ==, 0);
    g_assert_cmpint (member_int (o, "events_added"), ==, 0);
    g_assert_cmpint (member_int (o, "invites_added"), ==, 0);
    g_assert_cmpint (member_int (o, "reactions_added"), ==, 0);
    /* 27 entries − 1 unsupported (#20) = 26 rows in `message`. */
    g_assert_cmpint (member_int (o, "messages_present"), ==, 26);
  }
}

static void
test_import_json (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *path = fixture_path ("single-supergroup.json");
  g_auto(Run) run = cli (f, "import", path, "--json", NULL);
  g_autoptr(JsonNode) root = NULL;
  JsonObject *o;

  g_assert_cmpint (run.status, ==, 0);
  root = parse (run.out);
  /* One object per file. */
  g_assert_cmpuint (json_array_get_length (root_array (root)), ==, 1);
  o = json_array_get_object_element (root_array (root), 0);
  g_assert_true (g_str_has_suffix (member_str (o, "file"), "single-supergroup.json"));
  g_assert_cmpstr (member_str (o, "format"), ==, "telegram");
  /* One chat in the file. */
  g_assert_cmpint (member_int (o, "communities"), ==, 1);
  /* user1001..user1007, user777 (HelperBot) and name:Grace. */
  g_assert_cmpint (member_int (o, "members_added"), ==, 9);
  /* Type "message": ids 2–4, 6, 8, 10–17, 19, 21, 22, 25–27 = 19. */
  g_assert_cmpint (member_int (o, "messages_added"), ==, 19);
  /* A fresh database holds nothing yet. */
  g_assert_cmpint (member_int (o, "messages_present"), ==, 0);
  /* Type "service": ids 1, 5, 7, 9, 18, 23, 24 = 7 (#20 "unsupported" is skipped). */
  g_assert_cmpint (member_int (o, "system_added"), ==, 7);
  /* 3 (create_group) + 2 (invite) + 1 (link) + 1 (request) joins, 1 kick, 1 leave = 9. */
  g_assert_cmpint (member_int (o, "events_added"), ==, 9);
  /* Alice→Dana, Alice→Grace, Bob→Eve; create_group adds no invite rows. */
  g_assert_cmpint (member_int (o, "invites_added"), ==, 3);
  /* #8: ❤×2 and custom_emoji×1 (2 rows); #12: 👍×3 (1 row). */
  g_assert_cmpint (member_int (o, "reactions_added"), ==, 3);
  /* A single-chat export has no personal chats to skip. */
  g_assert_cmpint (member_int (o, "personal_chats_skipped"), ==, 0);
}

static void
test_communities (Fixture       *f,
                  gconstpointer  data)
{
  static const char * const keys[] = {
    "id", "name", "platform", "tz", "members", "posting_members", "messages",
    "mechanical_messages", "system_messages", "joins", "leaves", "invites", "reactions",
    "first_message", "last_message",
  };
  g_autoptr(JsonNode) root = NULL;
  JsonObject *o;

  import_fixture (f, "single-supergroup.json");
  root = communities_json (f);
  /* One chat → one community. */
  g_assert_cmpuint (json_array_get_length (root_array (root)), ==, 1);
  o = json_array_get_object_element (root_array (root), 0);

  /* Exactly these fields, no more. */
  g_assert_cmpuint (json_object_get_size (o), ==, G_N_ELEMENTS (keys));
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    g_assert_true (json_object_has_member (o, keys[i]));

  /* First community in a fresh database. */
  g_assert_cmpint (member_int (o, "id"), ==, 1);
  /* The export's "name". */
  g_assert_cmpstr (member_str (o, "name"), ==, COMMUNITY_NAME);
  g_assert_cmpstr (member_str (o, "platform"), ==, "telegram");
  /* "2024-03-01T10:00:00" vs 1709258400 = 02:00Z: +08:00, so Asia/Shanghai. */
  g_assert_cmpstr (member_str (o, "tz"), ==, "Asia/Shanghai");
  /* user1001..user1007, user777, name:Grace (every member, bots included). */
  g_assert_cmpint (member_int (o, "members"), ==, 9);
  /* Everyone but Grace sent at least one message (HelperBot and user1007 included). */
  g_assert_cmpint (member_int (o, "posting_members"), ==, 8);
  /* Non-system messages: 19 (see test_import_json). */
  g_assert_cmpint (member_int (o, "messages"), ==, 19);
  /* #3 收到, #8 👍👍, #12 +1, #13 sticker, #19 empty (SHORT). */
  g_assert_cmpint (member_int (o, "mechanical_messages"), ==, 5);
  /* Service entries 1, 5, 7, 9, 18, 23, 24. */
  g_assert_cmpint (member_int (o, "system_messages"), ==, 7);
  /* Join events: 3 + 2 + 1 + 1 (inferred spans are not events). */
  g_assert_cmpint (member_int (o, "joins"), ==, 7);
  /* Frank's kick and Dana's leave. */
  g_assert_cmpint (member_int (o, "leaves"), ==, 2);
  g_assert_cmpint (member_int (o, "invites"), ==, 3);
  g_assert_cmpint (member_int (o, "reactions"), ==, 3);
  /* #2 at 1709258700 = 1709258400 + 300 = 2024-03-01T02:00:00Z + 5 min. */
  g_assert_cmpstr (member_str (o, "first_message"), ==, "2024-03-01T02:05:00Z");
  /* #27 at 1710982800 = 03-21 09:00 local − 8 h = 2024-03-21T01:00:00Z. */
  g_assert_cmpstr (member_str (o, "last_message"), ==, "2024-03-21T01:00:00Z");
}

/* The 12 genuine messages as (weekday Mon=0, local hour).  2024-03-01 is a Friday. */
static const struct { int wd, hour; } genuine_cells[] = {
  { 4, 10 }, /* #2  Fri 03-01 10:05 Alice */
  { 5, 9 },  /* #4  Sat 03-02 09:00 陈小明 */
  { 6, 12 }, /* #6  Sun 03-03 12:30 Dana */
  { 1, 15 }, /* #10 Tue 03-05 15:01 Frank */
  { 5, 14 }, /* #14 Sat 03-09 14:00 Dana */
  { 6, 18 }, /* #15 Sun 03-10 18:00 Eve */
  { 0, 10 }, /* #16 Mon 03-11 10:00 user1007 */
  { 1, 16 }, /* #17 Tue 03-12 16:00 Alice */
  { 4, 23 }, /* #21 Fri 03-15 23:59:59 陈小明 */
  { 5, 0 },  /* #22 Sat 03-16 00:00 陈小明 (midnight belongs to the new day) */
  { 1, 8 },  /* #25 Tue 03-19 08:00 Eve */
  { 2, 22 }, /* #26 Wed 03-20 22:00 Frank */
};

static gboolean
is_genuine_cell (int wd,
                 int hour)
{
  for (guint i = 0; i < G_N_ELEMENTS (genuine_cells); i++)
    if (genuine_cells[i].wd == wd && genuine_cells[i].hour == hour)
      return TRUE;
  return FALSE;
}

static void
test_stats (Fixture       *f,
            gconstpointer  data)
{
  /* Genuine messages fall on 12 distinct days, one per day (see the timeline). */
  static const gint64 dau[21] = {
    1, 1, 1, 0, 1, 0, 0, 0, 1, 1, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0,
  };
  /* Distinct active members in [d−6, d], from the active days: Alice 01, 12; 陈小明 02, 15,
   * 16; Dana 03, 09; Frank 05, 20; Eve 10, 19; user1007 11. */
  static const gint64 wau7[21] = {
    1, 2, 3, 3, 4, 4, 4, 3, 2, 3, 4, 4, 4, 4, 5, 4, 3, 2, 2, 3, 3,
  };
  /* [d−29, d] reaches back before 03-01, so it is the running count of distinct active
   * members: +Alice 01, +陈 02, +Dana 03, +Frank 05, +Eve 10, +user1007 11. */
  static const gint64 mau30[21] = {
    1, 2, 3, 3, 4, 4, 4, 4, 4, 5, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6,
  };
  /* N(d) over H: 3 on 03-01; +Dana +Grace 03-03; +Eve 03-04; +Frank 03-05; +user1007 03-11;
   * −Frank (kick) 03-17; −Dana (leave) 03-18; +Frank (inferred) 03-20. */
  static const gint64 members[21] = {
    3, 3, 5, 6, 7, 7, 7, 7, 7, 7, 8, 8, 8, 8, 8, 8, 7, 6, 6, 7, 7,
  };
  g_autoptr(JsonNode) root = NULL;
  JsonObject *o, *churn, *slots, *prev;
  JsonArray *heatmap, *counts, *core, *supplementary, *top, *cohorts;

  import_fixture (f, "single-supergroup.json");
  root = fixture_stats (f, NULL);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  o = json_node_get_object (root);

  /* The community was looked up by name. */
  g_assert_cmpstr (member_str (o, "community"), ==, COMMUNITY_NAME);
  /* date − date_unixtime = +8 h: the zone is inferred from the export, not the process zone. */
  g_assert_cmpstr (member_str (o, "tz"), ==, "Asia/Shanghai");
  g_assert_cmpstr (member_str (o, "from"), ==, "2024-03-01");
  g_assert_cmpstr (member_str (o, "to"), ==, "2024-03-21");

  /* §1.2: N(02-29): the first event is 03-01 10:00 local, so nobody is present yet. */
  g_assert_cmpint (member_int (o, "members_start"), ==, 0);
  /* §0.4: present at the end of 03-21: Alice, Bob, 陈小明, Grace, Eve (open spans), Frank
   * (inferred span from #26 on 03-20) and user1007 (inferred from #16); not Dana (left 03-18)
   * and not HelperBot (bot, not in H). */
  g_assert_cmpint (member_int (o, "members_end"), ==, 7);
  /* §1.1 NEW: every one of the 8 members of H has a first join (event or first message)
   * inside 03-01…03-21, and none is join_unknown. */
  g_assert_cmpint (member_int (o, "new_members"), ==, 8);
  /* §1.1 JOINS: spans of H starting in P: Alice, Bob, 陈小明 (03-01), Dana, Grace (03-03),
   * Eve (03-04), Frank (03-05), user1007 inferred (03-11), Frank inferred again (03-20) = 9. */
  g_assert_cmpint (member_int (o, "joins"), ==, 9);
  /* §1.2 LEAVES: Frank's kick (03-17) and Dana's leave (03-18). */
  g_assert_cmpint (member_int (o, "leaves"), ==, 2);
  /* §1.2 NET = JOINS − LEAVES = 9 − 2 = 7, and it must equal N(end) − N(start) = 7 − 0. */
  g_assert_cmpint (member_int (o, "net_growth"), ==, 7);
  g_assert_cmpint (member_int (o, "net_growth"), ==,
                   member_int (o, "members_end") - member_int (o, "members_start"));
  g_assert_cmpint (member_int (o, "net_growth"), ==,
                   member_int (o, "joins") - member_int (o, "leaves"));
  /* §2.1: members with ≥ 1 genuine message: Alice, 陈小明, Dana, Eve, Frank, user1007 = 6
   * (Bob only sent mechanical messages, Grace nothing). */
  g_assert_cmpint (member_int (o, "active_members"), ==, 6);
  /* §2.3 MSG: 2 + 3 + 2 + 2 + 2 + 1 = 12 genuine messages. */
  g_assert_cmpint (member_int (o, "messages"), ==, 12);
  /* §2.3 RAW_MSG: 19 messages − 2 from HelperBot = 17 (the 5 mechanical ones included). */
  g_assert_cmpint (member_int (o, "raw_messages"), ==, 17);
  /* §2.5 REAL_IR: 6 genuine posters / 8 members of H present during P (Grace joined 03-03,
   * Dana and Frank were present before leaving). */
  assert_rate (o, "real_interaction_rate", 6, 8);
  /* §2.5 RAW_IR: the same 6 + Bob (收到, +1, empty) = 7 raw posters / 8. */
  assert_rate (o, "raw_interaction_rate", 7, 8);
  /* §3.1 MR_7 over the 8 first joins in P, all mature by 03-21 (the latest, user1007 on
   * 03-11, matures on 03-18), and every one present at the end of d0 + 7: Alice/Bob/陈 on
   * 03-08, Dana/Grace 03-10, Eve 03-11, Frank 03-12 (kicked only on 03-17), user1007 03-18. */
  assert_rate (o, "retention_7d_membership", 8, 8);

  /* §4.1 at asof 03-21, present members with a genuine message: silent days Alice 9 (03-12),
   * 陈小明 5 (03-16), Eve 2 (03-19), Frank 1 (03-20), user1007 10 (03-11): all below 14. */
  churn = member_obj (o, "churn_warning");
  g_assert_cmpint (member_int (churn, "watch"), ==, 0);
  g_assert_cmpint (member_int (churn, "warn"), ==, 0);
  g_assert_cmpint (member_int (churn, "high"), ==, 0);
  /* ... so nobody is listed either (Dana left, so she is never warned). */
  g_assert_cmpuint (json_array_get_length (member_array (o, "churn_list")), ==, 0);
  /* §4.2: present at 03-21 with tenure ≥ 7: Alice, Bob, 陈小明 (20 days), Grace (18), Eve
   * (17), Frank (16: his kick does not reset tenure), user1007 (10) = 7.  Never a genuine
   * message: Bob and Grace = 2 lurkers. */
  g_assert_cmpint (member_int (o, "lurkers"), ==, 2);
  assert_rate (o, "lurk_rate", 2, 7);

  /* The previous period 02-09…02-29 is empty: counts 0 and rates NULL, never 0 % (§0.6). */
  prev = member_obj (o, "previous");
  g_assert_cmpint (member_int (prev, "members_end"), ==, 0);
  g_assert_cmpint (member_int (prev, "messages"), ==, 0);
  assert_rate (prev, "real_interaction_rate", 0, 0);
  assert_rate (prev, "raw_interaction_rate", 0, 0);

  /* §0.6 complete calendar spine: 03-01…03-21 is 21 days. */
  assert_series (o, "dau", dau, G_N_ELEMENTS (dau), "2024-03-01", "2024-03-21");
  assert_series (o, "wau7", wau7, G_N_ELEMENTS (wau7), "2024-03-01", "2024-03-21");
  assert_series (o, "mau30", mau30, G_N_ELEMENTS (mau30), "2024-03-01", "2024-03-21");
  assert_series (o, "members", members, G_N_ELEMENTS (members), "2024-03-01", "2024-03-21");
  /* The last point of the member series is members_end. */
  g_assert_cmpint (members[20], ==, member_int (o, "members_end"));

  /* §2.7 heatmap, 7 × 24, Monday first.  21 days = exactly 3 of each weekday, and each
   * (weekday, hour) cell holds at most one genuine message, so a cell is 1/3 or 0.  Thursday
   * (row 3) only has Bob's mechanical #12 and HelperBot, so it stays empty. */
  heatmap = member_array (o, "heatmap");
  counts = member_array (o, "heatmap_counts");
  g_assert_cmpuint (json_array_get_length (heatmap), ==, 7);
  g_assert_cmpuint (json_array_get_length (counts), ==, 7);
  for (int wd = 0; wd < 7; wd++)
    {
      JsonArray *row = json_array_get_array_element (heatmap, wd);
      JsonArray *count_row = json_array_get_array_element (counts, wd);

      g_assert_cmpuint (json_array_get_length (row), ==, 24);
      g_assert_cmpuint (json_array_get_length (count_row), ==, 24);
      for (int h = 0; h < 24; h++)
        {
          gboolean hit = is_genuine_cell (wd, h);

          g_assert_cmpfloat_with_epsilon (json_array_get_double_element (row, h),
                                          hit ? 1.0 / 3.0 : 0.0, 1e-9);
          g_assert_cmpint (json_array_get_int_element (count_row, h), ==, hit ? 1 : 0);
        }
    }

  /* §2.7: 12 days with genuine messages < 14, so the fallback 09/12/20 + 07/22. */
  slots = member_obj (o, "slots");
  g_assert_true (json_object_get_boolean_member (slots, "fallback"));
  core = member_array (slots, "core");
  g_assert_cmpuint (json_array_get_length (core), ==, 3);
  g_assert_cmpint (json_array_get_int_element (core, 0), ==, 9);
  g_assert_cmpint (json_array_get_int_element (core, 1), ==, 12);
  g_assert_cmpint (json_array_get_int_element (core, 2), ==, 20);
  supplementary = member_array (slots, "supplementary");
  g_assert_cmpuint (json_array_get_length (supplementary), ==, 2);
  g_assert_cmpint (json_array_get_int_element (supplementary, 0), ==, 7);
  g_assert_cmpint (json_array_get_int_element (supplementary, 1), ==, 22);

  /* Top members by genuine messages; Bob (0), Grace (0) and the bot are absent.  The four
   * with 2 messages come in member order (user1001, 1004, 1005, 1006), which is also
   * alphabetical. */
  top = member_array (o, "top_members");
  g_assert_cmpuint (json_array_get_length (top), ==, 6);
  {
    static const struct { const char *name; gint64 messages; } expected[] = {
      { "陈小明", 3 },          /* #4, #21, #22 */
      { "Alice Wang", 2 },      /* #2, #17 */
      { "Dana", 2 },            /* #6, #14 */
      { "Eve", 2 },             /* #15, #25 (#8 is mechanical) */
      { "Frank", 2 },           /* #10, #26 */
      { "Deleted Account", 1 }, /* user1007: #16, a human member */
    };

    for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
      {
        JsonObject *t = json_array_get_object_element (top, i);

        g_assert_cmpstr (member_str (t, "name"), ==, expected[i].name);
        g_assert_cmpint (member_int (t, "messages"), ==, expected[i].messages);
      }
  }

  /* §3.3 weekly cohorts by first join (ISO weeks, Monday start).  Column k is the share of
   * the cohort active in week W + k; a week that ends after asof (03-21) is immature, so
   * NULL (den 0).  Frank's inferred rejoin keeps him in his first cohort. */
  cohorts = member_array (o, "retention_cohorts");
  g_assert_cmpuint (json_array_get_length (cohorts), ==, 4);
  {
    static const struct
    {
      const char *week;
      gint64 size;
      guint n_cells;
      gint64 cells[4][2];
    } expected[] = {
      /* Alice, Bob, 陈小明 (03-01), Dana, Grace (03-03).  W: Alice 03-01, 陈 03-02, Dana
       * 03-03 = 3/5.  W+1 (03-04…03-10): Dana 03-09 (陈's 03-08 sticker is mechanical) =
       * 1/5.  W+2 (03-11…03-17): Alice 03-12, 陈 03-15/16 = 2/5.  W+3 ends 03-24: NULL. */
      { "2024-02-26", 5, 4, { { 3, 5 }, { 1, 5 }, { 2, 5 }, { 0, 0 } } },
      /* Eve (03-04), Frank (03-05).  W: Frank 03-05, Eve 03-10 = 2/2.  W+1: nobody (Eve
       * next on 03-19, Frank on 03-20) = 0/2.  W+2 ends 03-24: NULL. */
      { "2024-03-04", 2, 3, { { 2, 2 }, { 0, 2 }, { 0, 0 } } },
      /* user1007 (inferred first join 03-11), active that week = 1/1; W+1 NULL. */
      { "2024-03-11", 1, 2, { { 1, 1 }, { 0, 0 } } },
      /* Nobody's first join falls in the week of 03-18. */
      { "2024-03-18", 0, 1, { { 0, 0 } } },
    };

    for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
      {
        JsonObject *row = json_array_get_object_element (cohorts, i);
        JsonArray *cells = member_array (row, "active");

        g_assert_cmpstr (member_str (row, "week"), ==, expected[i].week);
        g_assert_cmpint (member_int (row, "size"), ==, expected[i].size);
        g_assert_cmpuint (json_array_get_length (cells), ==, expected[i].n_cells);
        for (guint k = 0; k < expected[i].n_cells; k++)
          {
            JsonObject *cell = json_array_get_object_element (cells, k);

            g_assert_cmpint (member_int (cell, "num"), ==, expected[i].cells[k][0]);
            g_assert_cmpint (member_int (cell, "den"), ==, expected[i].cells[k][1]);
          }
      }
  }
}

static void
test_stats_other_process_zone (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(JsonNode) utc = NULL;
  g_autoptr(JsonNode) ny = NULL;
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autofree char *utc_text = NULL;
  g_autofree char *ny_text = NULL;

  /* Import and compute under America/New_York (a DST zone), then compute under UTC: §0.2
   * says every bucket uses the community's zone, never the process zone, so the two JSON
   * documents are identical. */
  {
    g_autofree char *path = fixture_path ("single-supergroup.json");
    g_auto(Run) run = cli_in_tz (f, "America/New_York", "import", path, NULL);

    g_assert_cmpint (run.status, ==, 0);
  }
  ny = fixture_stats (f, "America/New_York");
  utc = fixture_stats (f, "UTC");
  json_generator_set_root (gen, ny);
  ny_text = json_generator_to_data (gen, NULL);
  json_generator_set_root (gen, utc);
  utc_text = json_generator_to_data (gen, NULL);
  g_assert_cmpstr (ny_text, ==, utc_text);
  g_assert_cmpstr (member_str (json_node_get_object (ny), "tz"), ==, "Asia/Shanghai");
}

/* The default range is the last 30 days before today, long after this 2024 export: stats and
 * activity say where the data ends, on stderr, and --range all or a range of days is quiet. */
static void
test_stats_range_after_data (Fixture       *f,
                             gconstpointer  data)
{
  import_fixture (f, "single-supergroup.json");

  {
    g_auto(Run) run = cli (f, "stats", "1", NULL);

    g_assert_cmpint (run.status, ==, 0);
    g_assert_nonnull (strstr (run.err, "Nothing happened in Cohort 测试群 in this period: its "
                                       "messages and joins end on 2024-03-21. --range all"));
    g_assert_nonnull (strstr (run.out, "Members"));
  }
  {
    g_auto(Run) run = cli (f, "stats", "1", "--range", "all", NULL);

    g_assert_cmpint (run.status, ==, 0);
    g_assert_null (strstr (run.err, "Nothing happened"));
    /* all time runs to yesterday, years past the data */
    g_assert_nonnull (strstr (run.err, "The messages and joins of Cohort 测试群 end on "
                                       "2024-03-21: this period shows no activity after"));
  }
  /* the Activity page's command resolves its range on its own */
  {
    g_auto(Run) run = cli (f, "activity", "1", "--json", NULL);

    g_assert_cmpint (run.status, ==, 0);
    g_assert_nonnull (strstr (run.err, "its messages and joins end on 2024-03-21"));
    g_assert_true (g_str_has_prefix (run.out, "{"));
  }
  {
    g_auto(Run) run = cli (f, "activity", "1", "--range", "all", NULL);

    g_assert_cmpint (run.status, ==, 0);
    g_assert_null (strstr (run.err, "Nothing happened"));
  }
  {
    g_auto(Run) run = cli (f, "stats", "1", "--from", "2024-03-01", "--to", "2024-03-21", NULL);

    g_assert_cmpint (run.status, ==, 0);
    g_assert_null (strstr (run.err, "Nothing happened"));
    g_assert_null (strstr (run.err, "end on"));
  }
}

static void
test_stats_errors (Fixture       *f,
                   gconstpointer  data)
{
  import_fixture (f, "single-supergroup.json");

  /* Month 13 is not a day: a usage-type error, with the expected format on stderr. */
  {
    g_auto(Run) run = cli (f, "stats", "1", "--from", "2024-13-01", NULL);

    g_assert_true (run.status == 1 || run.status == 2);
    g_assert_nonnull (strstr (run.err, "YYYY-MM-DD"));
    g_assert_cmpstr (run.out, ==, "");
  }
  /* --to before --from. */
  {
    g_auto(Run) run = cli (f, "stats", "1", "--from", "2024-03-21", "--to", "2024-03-01", NULL);

    g_assert_true (run.status == 1 || run.status == 2);
    g_assert_nonnull (strstr (run.err, "--to"));
  }
  /* A community that does not exist, by name and by id. */
  {
    g_auto(Run) run = cli (f, "stats", "nobody", NULL);

    g_assert_cmpint (run.status, !=, 0);
    g_assert_nonnull (strstr (run.err, "No community"));
    g_assert_cmpstr (run.out, ==, "");
  }
  {
    g_auto(Run) run = cli (f, "stats", "42", "--json", NULL);

    g_assert_cmpint (run.status, !=, 0);
    g_assert_nonnull (strstr (run.err, "No community"));
    g_assert_cmpstr (run.out, ==, "");
  }
  /* No COMMUNITY argument: usage error. */
  {
    g_auto(Run) run = cli (f, "stats", NULL);

    g_assert_cmpint (run.status, ==, 2);
    g_assert_nonnull (strstr (run.err, "Usage"));
  }
  /* The platform id also finds the community. */
  {
    g_auto(Run) run = cli (f, "stats", "1987654321", "--json", NULL);
    g_autoptr(JsonNode) root = NULL;

    g_assert_cmpint (run.status, ==, 0);
    root = parse (run.out);
    g_assert_cmpstr (member_str (json_node_get_object (root), "community"), ==, COMMUNITY_NAME);
  }
}

static void
test_no_database (Fixture       *f,
                  gconstpointer  data)
{
  /* Reading commands never create a database: they say to import first. */
  {
    g_auto(Run) run = cli (f, "stats", "1", "--json", NULL);

    g_assert_cmpint (run.status, !=, 0);
    g_assert_nonnull (strstr (run.err, "No database"));
    g_assert_nonnull (strstr (run.err, "import"));
    g_assert_cmpstr (run.out, ==, "");
  }
  {
    g_auto(Run) run = cli (f, "communities", NULL);

    g_assert_cmpint (run.status, !=, 0);
    g_assert_nonnull (strstr (run.err, "No database"));
  }
  g_assert_false (g_file_test (f->db, G_FILE_TEST_EXISTS));
}

/* A generic CSV table: refused with a hint until its mapping is given, then remembered. */
static void
test_import_csv (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *table = g_test_build_filename (G_TEST_DIST, "data", "csv", "messages-ids.csv", NULL);

  {
    g_auto(Run) run = cli (f, "import", table, NULL);

    g_assert_cmpint (run.status, ==, 1);
    g_assert_nonnull (strstr (run.err, "messages-ids.csv is a table Cohort has not seen before"));
    g_assert_nonnull (strstr (run.err, "--csv-kind"));
  }
  {
    g_auto(Run) run = cli (f, "import", table, "--csv-kind", "pets", NULL);

    g_assert_cmpint (run.status, ==, 2);
  }
  {
    g_auto(Run) run = cli (f, "import", table, "--csv-kind", "messages", "--map",
                           "member_id=UserID,member_name=Name,ts=Time,text=Content,"
                           "message_id=MessageID", "--csv-community", "Table group", "--json", NULL);
    g_autoptr(JsonNode) root = parse (run.out);
    JsonObject *o = json_array_get_object_element (root_array (root), 0);

    g_assert_cmpint (run.status, ==, 0);
    g_assert_cmpstr (json_object_get_string_member (o, "format"), ==, "csv");
    g_assert_cmpint (member_int (o, "messages_added"), ==, 3);
    g_assert_cmpint (member_int (o, "members_added"), ==, 2);
  }
  {
    g_auto(Run) run = cli (f, "import", table, "--json", NULL);
    g_autoptr(JsonNode) root = parse (run.out);
    JsonObject *o = json_array_get_object_element (root_array (root), 0);

    g_assert_cmpint (run.status, ==, 0);
    g_assert_cmpint (member_int (o, "messages_added"), ==, 0);
    g_assert_cmpint (member_int (o, "messages_present"), ==, 3);
  }
  {
    g_autoptr(JsonNode) root = communities_json (f);
    JsonObject *c = json_array_get_object_element (root_array (root), 0);

    g_assert_cmpuint (json_array_get_length (root_array (root)), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (c, "name"), ==, "Table group");
  }
}

static void
test_bad_input (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *truncated = fixture_path ("truncated.json");
  g_autofree char *html = fixture_path ("messages.html");
  g_autofree char *good = fixture_path ("single-supergroup.json");

  /* The cut falls inside message 4: refused, naming the file. */
  {
    g_auto(Run) run = cli (f, "import", truncated, NULL);

    g_assert_cmpint (run.status, ==, 1);
    g_assert_nonnull (strstr (run.err, "truncated.json"));
  }
  assert_left_in_wal_mode (f);
  /* Nothing was written: not even the community of the chat header. */
  {
    g_autoptr(JsonNode) root = communities_json (f);

    g_assert_cmpuint (json_array_get_length (root_array (root)), ==, 0);
  }
  /* The failed first import of a new file is in its history all the same: the file got its
   * schema back after the rollback took it away with the import. */
  {
    g_auto(Run) run = cli (f, "imports", "--json", NULL);
    g_autoptr(JsonNode) root = NULL;

    g_assert_cmpint (run.status, ==, 0);
    root = parse (run.out);
    g_assert_cmpuint (json_array_get_length (root_array (root)), ==, 1);
    g_assert_cmpstr (member_str (json_array_get_object_element (root_array (root), 0), "status"), ==,
                     "failed");
  }
  /* An HTML export is refused with a hint to export JSON. */
  {
    g_auto(Run) run = cli (f, "import", html, NULL);

    g_assert_cmpint (run.status, ==, 1);
    g_assert_nonnull (strstr (run.err, "HTML"));
    g_assert_nonnull (strstr (run.err, "messages.html"));
  }
  {
    g_autoptr(JsonNode) root = communities_json (f);

    g_assert_cmpuint (json_array_get_length (root_array (root)), ==, 0);
  }
  /* One bad file after a good one: the good one lands, the exit status reports the bad one. */
  {
    g_auto(Run) run = cli (f, "import", good, truncated, NULL);

    g_assert_cmpint (run.status, ==, 1);
    g_assert_nonnull (strstr (run.out, "single-supergroup.json"));
    g_assert_nonnull (strstr (run.err, "truncated.json"));
    g_assert_null (strstr (run.err, "single-supergroup.json"));
  }
  {
    g_autoptr(JsonNode) root = communities_json (f);
    JsonObject *o;

    g_assert_cmpuint (json_array_get_length (root_array (root)), ==, 1);
    o = json_array_get_object_element (root_array (root), 0);
    /* The whole good file, and nothing from the truncated copy of it. */
    g_assert_cmpstr (member_str (o, "name"), ==, COMMUNITY_NAME);
    g_assert_cmpint (member_int (o, "messages"), ==, 19);
    g_assert_cmpint (member_int (o, "system_messages"), ==, 7);
    g_assert_cmpint (member_int (o, "members"), ==, 9);
  }
}

/* The PNG signature, then the IHDR chunk: length (8), "IHDR" (12), width (16), height (20),
 * both big-endian. */
static void
assert_png (const char *path,
            guint32     width,
            guint32     height)
{
  static const guchar signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  g_autofree char *data = NULL;
  g_autoptr(GError) error = NULL;
  const guchar *p;
  gsize len = 0;

  g_file_get_contents (path, &data, &len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (len, >, 33);
  p = (const guchar *)data;
  g_assert_cmpmem (p, 8, signature, 8);
  g_assert_cmpmem (p + 12, 4, "IHDR", 4);
  g_assert_cmpuint ((guint32)p[16] << 24 | (guint32)p[17] << 16 | (guint32)p[18] << 8 | p[19], ==,
                    width);
  g_assert_cmpuint ((guint32)p[20] << 24 | (guint32)p[21] << 16 | (guint32)p[22] << 8 | p[23], ==,
                    height);
}

static void
test_charts (Fixture       *f,
             gconstpointer  data)
{
  static const char * const kinds[] = { "overview-growth", "heatmap", "activity", "retention" };

  import_fixture (f, "single-supergroup.json");
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autofree char *name = g_strdup_printf ("%s.png", kinds[i]);
      g_autofree char *out = g_build_filename (f->dir, name, NULL);
      g_auto(Run) run = cli (f, "chart", kinds[i], COMMUNITY_NAME, "--png", out,
                             "--from", "2024-03-01", "--to", "2024-03-21", NULL);

      g_assert_cmpint (run.status, ==, 0);
      /* The default size is 960 × 420. */
      assert_png (out, 960, 420);
    }

  /* An unknown kind is a usage error, and nothing is written. */
  {
    g_autofree char *out = g_build_filename (f->dir, "x.png", NULL);
    g_auto(Run) run = cli (f, "chart", "bogus", "1", "--png", out, NULL);

    g_assert_cmpint (run.status, ==, 2);
    g_assert_nonnull (strstr (run.err, "bogus"));
    g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  }
}

static void
test_demo (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(JsonNode) communities = NULL;
  g_autoptr(JsonNode) stats = NULL;
  JsonObject *o;
  JsonArray *dau;

  {
    g_auto(Run) run = cli (f, "demo", NULL);

    g_assert_cmpint (run.status, ==, 0);
  }
  communities = communities_json (f);
  g_assert_cmpuint (json_array_get_length (root_array (communities)), ==, 1);
  o = json_array_get_object_element (root_array (communities), 0);
  g_assert_nonnull (strstr (member_str (o, "name"), "Demo"));
  g_assert_cmpint (member_int (o, "messages"), >, 5000);
  g_assert_cmpint (member_int (o, "members"), >, 300);

  {
    g_auto(Run) run = cli (f, "stats", "1", "--range", "90", "--json", NULL);

    g_assert_cmpint (run.status, ==, 0);
    stats = parse (run.out);
  }
  o = json_node_get_object (stats);
  dau = member_array (o, "dau");
  /* --range 90: the last 90 complete days, one point each, from "from" to "to". */
  g_assert_cmpuint (json_array_get_length (dau), ==, 90);
  g_assert_cmpstr (member_str (json_array_get_object_element (dau, 0), "day"), ==,
                   member_str (o, "from"));
  g_assert_cmpstr (member_str (json_array_get_object_element (dau, 89), "day"), ==,
                   member_str (o, "to"));
  /* The demo is busy: somebody is active in those 90 days. */
  g_assert_cmpint (member_int (o, "active_members"), >, 0);
}

/* ./run launches the app with --demo every time: a demo already in the database is left as it
 * is, without a line in the imports history for each launch; once its import is removed,
 * the demo is made again. */
static void
test_demo_again (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(JsonNode) imports = NULL;
  g_autofree char *id = NULL;

  {
    g_auto(Run) first = cli (f, "demo", NULL);
    g_auto(Run) again = cli (f, "demo", NULL);
    g_auto(Run) list = cli (f, "imports", "--json", NULL);

    g_assert_cmpint (first.status, ==, 0);
    g_assert_cmpint (again.status, ==, 0);
    g_assert_nonnull (strstr (again.out, "already in the database, as community 1"));
    imports = parse (list.out);
  }
  g_assert_cmpuint (json_array_get_length (root_array (imports)), ==, 1);
  g_assert_true (g_str_has_suffix (member_str (json_array_get_object_element (root_array (imports), 0),
                                               "source"), "/cohort-demo.json"));
  id = g_strdup_printf ("%" G_GINT64_FORMAT,
                        member_int (json_array_get_object_element (root_array (imports), 0), "id"));
  {
    g_auto(Run) removed = cli (f, "remove-import", id, NULL);
    g_auto(Run) remade = cli (f, "demo", NULL);
    g_autoptr(JsonNode) communities = communities_json (f);

    g_assert_cmpint (removed.status, ==, 0);
    g_assert_cmpint (remade.status, ==, 0);
    g_assert_null (strstr (remade.out, "already"));
    g_assert_cmpuint (json_array_get_length (root_array (communities)), ==, 1);
    g_assert_cmpint (member_int (json_array_get_object_element (root_array (communities), 0),
                                 "messages"), >, 5000);
  }
}

static void
copy_fixture (const char *format,
              const char *name,
              const char *to)
{
  g_autofree char *from = g_test_build_filename (G_TEST_DIST, "data", format, name, NULL);
  g_autofree char *contents = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (from, &contents, &len, NULL));
  g_assert_true (g_file_set_contents (to, contents, len, NULL));
}

/* A dropped folder: the exports in it are found by content at any of three levels, media and
 * other files are passed over without a line in the history; a folder of no export fails. */
static void
test_import_folder (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *top = g_build_filename (f->dir, "export", NULL);
  g_autofree char *chat = g_build_filename (top, "ChatExport_2024-03-21", NULL);
  g_autofree char *photos = g_build_filename (chat, "photos", NULL);
  g_autofree char *channels = g_build_filename (top, "discord", NULL);
  g_autofree char *result_json = g_build_filename (chat, "result.json", NULL);
  g_autofree char *general = g_build_filename (channels, "general.json", NULL);
  g_autofree char *notes = g_build_filename (chat, "notes.txt", NULL);
  g_autofree char *photo = g_build_filename (photos, "photo_1.jpg", NULL);
  g_autofree char *empty = g_build_filename (f->dir, "nothing", NULL);
  g_autofree char *readme = g_build_filename (empty, "readme.txt", NULL);
  g_autoptr(JsonNode) root = NULL;

  g_assert_cmpint (g_mkdir_with_parents (photos, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (channels, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (empty, 0700), ==, 0);
  copy_fixture ("telegram", "single-supergroup.json", result_json);
  copy_fixture ("discord", "guild-general.json", general);
  g_assert_true (g_file_set_contents (notes, "remember the milk\n", -1, NULL));
  g_assert_true (g_file_set_contents (photo, "\xff\xd8\xff", 3, NULL));
  g_assert_true (g_file_set_contents (readme, "not an export\n", -1, NULL));

  {
    g_auto(Run) run = cli (f, "import", top, "--json", NULL);
    JsonObject *o;

    g_assert_cmpint (run.status, ==, 0);
    root = parse (run.out);
    /* Sorted by path: ChatExport_… comes before discord/ (byte order). */
    g_assert_cmpuint (json_array_get_length (root_array (root)), ==, 2);
    o = json_array_get_object_element (root_array (root), 0);
    g_assert_cmpstr (member_str (o, "format"), ==, "telegram");
    g_assert_cmpint (member_int (o, "messages_added"), ==, 19);
    o = json_array_get_object_element (root_array (root), 1);
    g_assert_cmpstr (member_str (o, "format"), ==, "discord");
    g_assert_cmpint (member_int (o, "messages_added"), ==, 12);
  }
  {
    g_auto(Run) list = cli (f, "imports", "--json", NULL);
    g_autoptr(JsonNode) runs = parse (list.out);

    /* notes.txt was passed over: no failed run for it. */
    g_assert_cmpuint (json_array_get_length (root_array (runs)), ==, 2);
  }
  {
    g_auto(Run) run = cli (f, "import", empty, NULL);

    g_assert_cmpint (run.status, ==, 1);
    g_assert_nonnull (strstr (run.err, "nothing"));
  }
}

/* set-zone moves a WhatsApp community's wall-clock times with its zone (see test-zone.c for
 * the arithmetic: UTC+8 → UTC+1 in winter is 7 hours later in UTC). */
static void
test_set_zone (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "whatsapp", "android-en-12h.txt", NULL);
  g_auto(Run) import = cli (f, "import", path, "--tz", "Asia/Shanghai", NULL);
  g_auto(Run) set = cli (f, "set-zone", "Book Club", "Europe/Berlin", NULL);
  g_auto(Run) list = cli (f, "communities", "--json", NULL);
  g_auto(Run) bad = cli (f, "set-zone", "Book Club", "Mars/Olympus_Mons", NULL);
  g_auto(Run) missing = cli (f, "set-zone", "No Such Group", "Europe/Berlin", NULL);
  g_autoptr(JsonNode) root = NULL;
  JsonObject *o;

  g_assert_cmpint (import.status, ==, 0);
  g_assert_cmpint (set.status, ==, 0);
  g_assert_nonnull (strstr (set.out, "Europe/Berlin"));
  root = parse (list.out);
  o = json_array_get_object_element (root_array (root), 0);
  g_assert_cmpstr (member_str (o, "tz"), ==, "Europe/Berlin");
  g_assert_cmpstr (member_str (o, "first_message"), ==, "2018-01-29T11:24:00Z");
  g_assert_cmpstr (member_str (o, "last_message"), ==, "2018-02-02T22:11:00Z");
  g_assert_cmpint (bad.status, ==, 2);
  g_assert_cmpint (missing.status, ==, 1);
}

/* The imports history and removal: a good and a truncated file are both listed, the failed
 * one with its reason; removing the good one takes away every row the import_json test
 * counts, and the community with them. */
static void
test_imports_history (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *good = fixture_path ("single-supergroup.json");
  g_autofree char *bad = fixture_path ("truncated.json");
  g_auto(Run) import = cli (f, "import", good, bad, NULL);
  g_auto(Run) list = cli (f, "imports", "--json", NULL);
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *id = NULL;
  JsonObject *o;

  g_assert_cmpint (import.status, ==, 1);
  g_assert_cmpint (list.status, ==, 0);
  root = parse (list.out);
  g_assert_cmpuint (json_array_get_length (root_array (root)), ==, 2);

  o = json_array_get_object_element (root_array (root), 0);
  g_assert_cmpstr (member_str (o, "status"), ==, "failed");
  g_assert_true (g_str_has_suffix (member_str (o, "source"), "truncated.json"));
  g_assert_nonnull (strstr (member_str (o, "error"), "line 76"));
  g_assert_cmpint (member_int (o, "messages_added"), ==, 0);

  o = json_array_get_object_element (root_array (root), 1);
  g_assert_cmpstr (member_str (o, "status"), ==, "ok");
  g_assert_cmpstr (member_str (o, "format"), ==, "telegram");
  g_assert_cmpint (member_int (o, "messages_added"), ==, 19);
  g_assert_cmpint (member_int (o, "system_added"), ==, 7);
  id = g_strdup_printf ("%" G_GINT64_FORMAT, member_int (o, "id"));

  {
    g_auto(Run) text = cli (f, "imports", NULL);

    g_assert_cmpint (text.status, ==, 0);
    g_assert_nonnull (strstr (text.out, "single-supergroup.json"));
    g_assert_nonnull (strstr (text.out, "ends in the middle"));
  }
  {
    g_auto(Run) removed = cli (f, "remove-import", id, "--json", NULL);
    g_autoptr(JsonNode) r = NULL;

    g_assert_cmpint (removed.status, ==, 0);
    r = parse (removed.out);
    o = json_node_get_object (r);
    g_assert_cmpint (member_int (o, "messages_removed"), ==, 19);
    g_assert_cmpint (member_int (o, "system_removed"), ==, 7);
    g_assert_cmpint (member_int (o, "members_removed"), ==, 9);
    g_assert_cmpint (member_int (o, "events_removed"), ==, 9);
    g_assert_cmpint (member_int (o, "invites_removed"), ==, 3);
    g_assert_cmpint (member_int (o, "reactions_removed"), ==, 3);
    g_assert_cmpint (member_int (o, "communities_removed"), ==, 1);
  }
  {
    g_auto(Run) communities = cli (f, "communities", "--json", NULL);
    g_autoptr(JsonNode) c = parse (communities.out);

    g_assert_cmpuint (json_array_get_length (root_array (c)), ==, 0);
  }
  {
    g_auto(Run) again = cli (f, "remove-import", id, NULL);
    g_auto(Run) usage = cli (f, "remove-import", "abc", NULL);

    g_assert_cmpint (again.status, ==, 1);
    g_assert_nonnull (strstr (again.err, id));
    g_assert_cmpint (usage.status, ==, 2);
  }
}

static void
test_help (Fixture       *f,
           gconstpointer  data)
{
  static const char * const commands[] = { "import", "communities", "stats", "chart", "demo" };

  /* --help at the top level lists every command and succeeds. */
  {
    g_auto(Run) run = cli (f, "--help", NULL);
    g_autofree char *all = g_strconcat (run.out, run.err, NULL);

    g_assert_cmpint (run.status, ==, 0);
    for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
      g_assert_nonnull (strstr (all, commands[i]));
  }
  /* A command's --help goes through GOption and also succeeds. */
  {
    g_auto(Run) run = cli (f, "stats", "--help", NULL);

    g_assert_cmpint (run.status, ==, 0);
    g_assert_nonnull (strstr (run.out, "--from"));
  }
  /* An unknown command is a usage error. */
  {
    g_auto(Run) run = cli (f, "frobnicate", NULL);

    g_assert_cmpint (run.status, ==, 2);
    g_assert_nonnull (strstr (run.err, "frobnicate"));
  }
  g_assert_false (g_file_test (f->db, G_FILE_TEST_EXISTS));
}

/* The libraries a run of `argv` loads, as the dynamic loader reports them. */
static char *
loaded_libraries (const char * const *argv)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  char *err = NULL;

  g_subprocess_launcher_setenv (launcher, "LD_DEBUG", "libs", TRUE);
  proc = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, NULL, &err, &error);
  g_assert_no_error (error);
  return err;
}

/* cohort-cli leaves the charts and the online sources to cohort-cli-full: it loads none of
 * their libraries, and hands their commands over with the arguments and exit status intact
 * (the charts and the sync suites run those commands through cohort-cli). */
static void
test_full_cli (Fixture       *f,
               gconstpointer  data)
{
  static const char * const heavy[] = { "libcairo", "libpango", "libsoup", "libsecret" };
  const char *light = g_getenv ("COHORT_CLI");
  g_autofree char *dir = g_path_get_dirname (light);
  g_autofree char *full = g_build_filename (dir, "cohort-cli-full", NULL);
  g_autofree char *light_libs = loaded_libraries ((const char * const[]) { light, "--help", NULL });
  g_autofree char *full_libs = loaded_libraries ((const char * const[]) { full, "--help", NULL });

  /* The loader's report names the libraries it loads (GLib in both), so cohort-cli-full's
   * names every one that cohort-cli's must not. */
  g_assert_nonnull (strstr (light_libs, "libglib-2.0"));
  for (guint i = 0; i < G_N_ELEMENTS (heavy); i++)
    {
      g_assert_null (strstr (light_libs, heavy[i]));
      g_assert_nonnull (strstr (full_libs, heavy[i]));
    }

  /* A usage error in a handed-over command keeps its status and message. */
  {
    g_auto(Run) run = cli (f, "chart", "pie", "1", "--png", "/dev/null", NULL);

    g_assert_cmpint (run.status, ==, 2);
    g_assert_nonnull (strstr (run.err, "pie"));
  }
  {
    g_auto(Run) run = cli (f, "sync", "--help", NULL);

    g_assert_cmpint (run.status, ==, 0);
    g_assert_nonnull (strstr (run.out, "cohort-cli"));
    g_assert_nonnull (strstr (run.out, "sync SOURCE"));
  }
  g_assert_false (g_file_test (f->db, G_FILE_TEST_EXISTS));
}

/* Without cohort-cli-full beside it or installed, cohort-cli says which program it could
 * not run; its own commands still work. */
static void
test_full_cli_missing (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *installed = g_build_filename (COHORT_LIBEXECDIR, "cohort-cli-full", NULL);
  g_autofree char *alone = g_build_filename (f->dir, "cohort-cli", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize len = 0;

  if (g_file_test (installed, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("cohort-cli-full is installed on this machine");
      return;
    }
  g_file_get_contents (g_getenv ("COHORT_CLI"), &contents, &len, &error);
  g_assert_no_error (error);
  g_file_set_contents_full (alone, contents, len, G_FILE_SET_CONTENTS_NONE, 0755, &error);
  g_assert_no_error (error);

  {
    const char * const argv[] = { alone, "chart", "growth", "1", "--png", "/dev/null", NULL };
    g_autoptr(GSubprocess) proc = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
    g_autofree char *err = NULL;

    g_assert_no_error (error);
    g_subprocess_communicate_utf8 (proc, NULL, NULL, NULL, &err, &error);
    g_assert_no_error (error);
    g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 1);
    g_assert_nonnull (strstr (err, "Cannot run"));
    g_assert_nonnull (strstr (err, installed));
  }
  {
    const char * const argv[] = { alone, "stats", "--help", NULL };
    g_autoptr(GSubprocess) proc = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error);

    g_assert_no_error (error);
    g_assert_true (g_subprocess_wait (proc, NULL, &error));
    g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  /* The messages asserted below are the untranslated ones. */
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  g_unsetenv ("LANGUAGE");

  if (g_getenv ("COHORT_CLI") == NULL)
    {
      g_printerr ("COHORT_CLI must name the cohort-cli binary (meson test sets it)\n");
      return 1;
    }

#define ADD(path, func) \
  g_test_add ("/cohort/cli/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("import", test_import);
  ADD ("import-json", test_import_json);
  ADD ("import-csv", test_import_csv);
  ADD ("communities", test_communities);
  ADD ("stats", test_stats);
  ADD ("stats-other-process-zone", test_stats_other_process_zone);
  ADD ("stats-errors", test_stats_errors);
  ADD ("stats-range-after-data", test_stats_range_after_data);
  ADD ("no-database", test_no_database);
  ADD ("bad-input", test_bad_input);
  ADD ("charts", test_charts);
  ADD ("demo", test_demo);
  ADD ("demo-again", test_demo_again);
  ADD ("imports-history", test_imports_history);
  ADD ("import-folder", test_import_folder);
  ADD ("set-zone", test_set_zone);
  ADD ("help", test_help);
  ADD ("full-cli", test_full_cli);
  ADD ("full-cli-missing", test_full_cli_missing);
#undef ADD

  return g_test_run ();
}
