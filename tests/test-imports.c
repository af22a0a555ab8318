/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "cohort-importer.h"
#include "cohort-test-db.h"

/* A day in November 2023: the store refuses times no export can hold (before 1990). */
#define T0 G_GINT64_CONSTANT (1700000000)

/*
 * The imports history: every run is listed, failed and cancelled ones with their reason, and
 * removing a run takes away exactly the rows it added — members and communities only when
 * nothing else still needs them — and rebuilds the spans of what stays.
 */

typedef CohortTestDb Fixture;

static gint64
count (Fixture    *fx,
       const char *table)
{
  return cohort_db_count (fx->db, table);
}

static void
add_message (CohortImportTx *tx,
             gint64          community,
             const char     *id,
             const char     *uid,
             gint64          ts)
{
  g_autoptr(GError) error = NULL;
  CohortMessageRecord m = { 0, };

  m.community = community;
  m.platform_msg_id = id;
  m.member_uid = uid;
  m.ts = ts;
  m.kind = COHORT_MESSAGE_TEXT;
  m.text = "hi";
  m.length = 2;
  g_assert_true (cohort_import_tx_message (tx, &m, &error));
  g_assert_no_error (error);
}

/* Run A: Ann and Ben join (Ben invited by Ann), three messages, a reaction, Ben leaves. */
static gint64
import_a (Fixture *fx)
{
  g_autoptr(GError) error = NULL;
  CohortImportTx *tx = cohort_db_begin_import (fx->db, "/exports/a.json", "test", &error);
  gint64 c, run;

  g_assert_no_error (error);
  run = cohort_import_tx_get_run (tx);
  c = cohort_import_tx_community (tx, "telegram", "77", "Runners", NULL, "UTC", &error);
  g_assert_true (cohort_import_tx_member (tx, c, "ann", "Ann", FALSE, &error));
  g_assert_true (cohort_import_tx_member (tx, c, "ben", "Ben", FALSE, &error));
  g_assert_true (cohort_import_tx_event (tx, c, "ann", T0 + 1000, "join", NULL, &error));
  g_assert_true (cohort_import_tx_event (tx, c, "ben", T0 + 1500, "join", NULL, &error));
  g_assert_true (cohort_import_tx_invite (tx, c, "ann", "ben", T0 + 1500, NULL, &error));
  add_message (tx, c, "1", "ann", T0 + 2000);
  add_message (tx, c, "2", "ben", T0 + 2100);
  add_message (tx, c, "3", "ben", T0 + 2200);
  g_assert_true (cohort_import_tx_reaction (tx, c, "1", "👍", 2, &error));
  g_assert_true (cohort_import_tx_event (tx, c, "ben", T0 + 5000, "leave", NULL, &error));
  g_assert_true (cohort_import_tx_commit (tx, &error));
  g_assert_no_error (error);
  return run;
}

/* Run B, a later export of the same group: message 3 again, Cy joins and posts, Ann posts. */
static gint64
import_b (Fixture *fx)
{
  g_autoptr(GError) error = NULL;
  CohortImportTx *tx = cohort_db_begin_import (fx->db, "/exports/b.json", "test", &error);
  const CohortImportCounts *counts;
  gint64 c, run;

  run = cohort_import_tx_get_run (tx);
  c = cohort_import_tx_community (tx, "telegram", "77", "Runners", NULL, "UTC", &error);
  g_assert_true (cohort_import_tx_member (tx, c, "cy", "Cy", FALSE, &error));
  g_assert_true (cohort_import_tx_event (tx, c, "cy", T0 + 6500, "join", NULL, &error));
  add_message (tx, c, "3", "ben", T0 + 2200);
  add_message (tx, c, "4", "cy", T0 + 7000);
  add_message (tx, c, "5", "ann", T0 + 8000);
  g_assert_true (cohort_import_tx_reaction (tx, c, "4", "🎉", 1, &error));
  counts = cohort_import_tx_get_counts (tx);
  g_assert_cmpint (counts->messages_added, ==, 2);
  g_assert_cmpint (counts->messages_present, ==, 1);
  g_assert_true (cohort_import_tx_commit (tx, &error));
  g_assert_no_error (error);
  return run;
}

static void
test_history_lists_runs (Fixture       *fx,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  CohortImportRun *run;
  gint64 a = import_a (fx);
  gint64 b = import_b (fx);

  g_assert_cmpint (cohort_db_record_failed_import (fx->db, "/exports/c.json", "telegram", FALSE,
                                                   "c.json ends in the middle (line 7).", 1700000000,
                                                   12, "{}", &error), >, b);
  g_assert_no_error (error);

  runs = cohort_db_list_imports (fx->db, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 3);

  /* Newest first. */
  run = runs->pdata[0];
  g_assert_cmpstr (run->source, ==, "/exports/c.json");
  g_assert_cmpstr (run->status, ==, "failed");
  g_assert_cmpstr (run->error, ==, "c.json ends in the middle (line 7).");
  g_assert_cmpint (run->duration_ms, ==, 12);
  g_assert_cmpint (run->started_ts, ==, 1700000000);
  g_assert_cmpint (run->counts.messages_added, ==, 0);

  run = runs->pdata[1];
  g_assert_cmpint (run->id, ==, b);
  g_assert_cmpstr (run->status, ==, "ok");
  g_assert_cmpint (run->counts.communities, ==, 1);
  g_assert_cmpint (run->counts.members_added, ==, 1);
  g_assert_cmpint (run->counts.messages_added, ==, 2);
  g_assert_cmpint (run->counts.messages_present, ==, 1);
  g_assert_cmpint (run->counts.events_added, ==, 1);
  g_assert_cmpint (run->counts.reactions_added, ==, 1);
  g_assert_null (run->error);

  run = runs->pdata[2];
  g_assert_cmpint (run->id, ==, a);
  g_assert_cmpint (run->counts.members_added, ==, 2);
  g_assert_cmpint (run->counts.messages_added, ==, 3);
  g_assert_cmpint (run->counts.events_added, ==, 3);
  g_assert_cmpint (run->counts.invites_added, ==, 1);
  g_assert_cmpint (run->counts.reactions_added, ==, 1);
  g_assert_cmpint (run->finished_ts, >=, run->started_ts);
}

static void
test_remove_first_keeps_second (Fixture       *fx,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CohortSnapshot) snap = NULL;
  CohortImportCounts removed;
  gint64 a = import_a (fx);
  gint64 b = import_b (fx);

  g_assert_cmpint (count (fx, "member"), ==, 3);
  g_assert_cmpint (count (fx, "message"), ==, 5);
  g_assert_cmpint (count (fx, "event"), ==, 4);
  g_assert_cmpint (count (fx, "reaction"), ==, 2);

  g_assert_true (cohort_db_remove_import (fx->db, a, &removed, &error));
  g_assert_no_error (error);
  /* A's three messages (3 was only seen again by B), its events, invite and reaction; Ben,
   * whom only A's rows used.  Ann stays for B's message 5; the community stays for B. */
  g_assert_cmpint (removed.messages_added, ==, 3);
  g_assert_cmpint (removed.events_added, ==, 3);
  g_assert_cmpint (removed.invites_added, ==, 1);
  g_assert_cmpint (removed.reactions_added, ==, 1);
  g_assert_cmpint (removed.members_added, ==, 1);
  g_assert_cmpint (removed.communities, ==, 0);

  g_assert_cmpint (count (fx, "community"), ==, 1);
  g_assert_cmpint (count (fx, "member"), ==, 2);
  g_assert_cmpint (count (fx, "message"), ==, 2);
  g_assert_cmpint (count (fx, "event"), ==, 1);
  g_assert_cmpint (count (fx, "invite"), ==, 0);
  g_assert_cmpint (count (fx, "reaction"), ==, 1);
  g_assert_cmpint (count (fx, "import_run"), ==, 1);
  g_assert_true (cohort_db_check_integrity (fx->db, &error));

  /* Spans come from what is left: Ann's first message now opens an inferred span at 8000,
   * Cy's join at 6500 opens hers. */
  snap = cohort_test_load_snapshot (fx->db, 1);
  g_assert_cmpuint (snap->n_spans, ==, 2);
  for (guint i = 0; i < snap->n_spans; i++)
    {
      const char *uid = snap->member_uid[snap->span_member[i]];

      if (g_str_equal (uid, "ann"))
        {
          g_assert_cmpint (snap->span_start[i], ==, T0 + 8000);
          g_assert_cmpint (snap->span_start_kind[i], ==, COHORT_SPAN_INFERRED);
        }
      else
        {
          g_assert_cmpstr (uid, ==, "cy");
          g_assert_cmpint (snap->span_start[i], ==, T0 + 6500);
          g_assert_cmpint (snap->span_start_kind[i], ==, COHORT_SPAN_JOIN);
        }
    }

  /* Removing B too leaves nothing at all: Ann and the community were only kept for it. */
  g_assert_true (cohort_db_remove_import (fx->db, b, &removed, &error));
  g_assert_no_error (error);
  g_assert_cmpint (removed.members_added, ==, 2);
  g_assert_cmpint (removed.communities, ==, 1);
  for (guint i = 0; i < 8; i++)
    {
      const char *tables[] = { "community", "member", "span", "message", "reaction", "event",
                               "invite", "import_run" };
      g_assert_cmpint (count (fx, tables[i]), ==, 0);
    }
}

/* Removing and importing again gives back the same database: the removal was exact. */
static void
test_remove_then_reimport (Fixture       *fx,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char *tables[] = { "community", "member", "span", "message", "reaction", "event", "invite" };
  gint64 before[G_N_ELEMENTS (tables)];
  gint64 b;

  import_a (fx);
  b = import_b (fx);
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    before[i] = count (fx, tables[i]);

  g_assert_true (cohort_db_remove_import (fx->db, b, NULL, &error));
  g_assert_cmpint (count (fx, "message"), ==, 3);
  g_assert_cmpint (count (fx, "member"), ==, 2);
  import_b (fx);
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    g_assert_cmpint (count (fx, tables[i]), ==, before[i]);
}

static void
test_remove_unknown (Fixture       *fx,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 changes;

  import_a (fx);
  changes = cohort_db_total_changes (fx->db);
  g_assert_false (cohort_db_remove_import (fx->db, 999, NULL, &error));
  g_assert_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_NOT_FOUND);
  g_assert_cmpint (cohort_db_total_changes (fx->db), ==, changes);
  g_assert_cmpint (count (fx, "message"), ==, 3);
}

/* Through the real importer: a truncated export changes no data, but its attempt is in the
 * history with the reason; a good one records how it was read. */
static void
test_importer_records_runs (Fixture       *fx,
                            gconstpointer  data)
{
  g_autofree char *bad_path = g_test_build_filename (G_TEST_DIST, "data", "telegram", "truncated.json", NULL);
  g_autofree char *good_path = g_test_build_filename (G_TEST_DIST, "data", "telegram",
                                                      "single-supergroup.json", NULL);
  g_autoptr(GFile) bad = g_file_new_for_path (bad_path);
  g_autoptr(GFile) good = g_file_new_for_path (good_path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(CohortImportResult) result = NULL;
  CohortImportOptions options = { .tz = "Asia/Shanghai" };
  CohortImportRun *run;

  g_assert_null (cohort_import_file (fx->db, bad, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_TRUNCATED);
  g_assert_cmpint (count (fx, "message"), ==, 0);
  g_assert_cmpint (count (fx, "community"), ==, 0);
  g_clear_error (&error);

  result = cohort_import_file (fx->db, good, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  runs = cohort_db_list_imports (fx->db, &error);
  g_assert_cmpuint (runs->len, ==, 2);
  run = runs->pdata[1];
  g_assert_cmpstr (run->source, ==, bad_path);
  g_assert_cmpstr (run->status, ==, "failed");
  g_assert_cmpstr (run->format, ==, "telegram");
  g_assert_nonnull (strstr (run->error, "truncated.json"));

  run = runs->pdata[0];
  g_assert_cmpstr (run->status, ==, "ok");
  g_assert_cmpint (run->counts.messages_added, ==, result->counts.messages_added);
  g_assert_cmpint (run->counts.system_added, ==, result->counts.system_added);
  g_assert_cmpstr (run->options, ==, "{\"tz\":\"Asia/Shanghai\"}");
  g_assert_cmpint (run->duration_ms, >=, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/cohort/imports/history", Fixture, NULL, cohort_test_db_setup,
              test_history_lists_runs, cohort_test_db_teardown);
  g_test_add ("/cohort/imports/remove-first-keeps-second", Fixture, NULL, cohort_test_db_setup,
              test_remove_first_keeps_second, cohort_test_db_teardown);
  g_test_add ("/cohort/imports/remove-then-reimport", Fixture, NULL, cohort_test_db_setup,
              test_remove_then_reimport, cohort_test_db_teardown);
  g_test_add ("/cohort/imports/remove-unknown", Fixture, NULL, cohort_test_db_setup,
              test_remove_unknown, cohort_test_db_teardown);
  g_test_add ("/cohort/imports/importer-records-runs", Fixture, NULL, cohort_test_db_setup,
              test_importer_records_runs, cohort_test_db_teardown);
  return g_test_run ();
}
