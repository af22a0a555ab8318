/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "cohort-source-probe.h"
#include "cohort-store-sources.h"
#include "cohort-sync-error.h"
#include "cohort-sync-job.h"
#include "cohort-test-db.h"
#include "cohort-test-discourse.h"
#include "cohort-test-secrets.h"
#include "cohort-test-sync.h"

/*
 * Discourse sync against a forum on 127.0.0.1 that replays tests/data/sources/discourse.
 * Expected numbers, by hand from the fixtures:
 *   posts.json: 7 posts (ids 1–7) in 3 topics by alice, bob, carol, dave and "system" (post 5
 *   is a small action, i.e. a system line); likes on posts 1 (2), 3 (1) and 6 (3).
 *   directory: alice, bob, carol on page 0, erin on page 1 (total 4) → erin is a sixth member.
 *   platform stats: 6 about totals + 4 users × 7 directory fields + 3 signups days + 2 posts
 *   days = 39.
 *   requests: about 1 + posts 3 (3 a page: 7-5, 4-2, 1) + directory 2 + reports 7 = 13 pages.
 */

#define SECRET "k3y-5ecret-0f-the-f0rum"

typedef struct
{
  CohortTestDb         db;
  CohortTestDiscourse *forum;
  CohortSecretStore   *secrets;
  SoupSession         *session;
  CohortSourceInfo    *source;
  GCancellable        *cancellable;
  guint                notifies;
} Fixture;

static void
add_source (Fixture    *fx,
            const char *base_url)
{
  g_autoptr(GError) error = NULL;
  gint64 id = cohort_db_add_source (fx->db.db, "discourse", "Test forum", base_url, "system", &error);

  g_assert_no_error (error);
  g_clear_pointer (&fx->source, cohort_source_info_free);
  fx->source = cohort_db_find_source (fx->db.db, "Test forum", &error);
  g_assert_no_error (error);
  g_assert_cmpint (fx->source->id, ==, id);
}

static void
store_secret_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  gboolean *done = user_data;

  g_assert_true (cohort_secret_store_store_finish (COHORT_SECRET_STORE (object), result, NULL));
  *done = TRUE;
}

static void
fixture_setup (Fixture       *fx,
               gconstpointer  data)
{
  gboolean done = FALSE;

  cohort_test_db_setup (&fx->db, NULL);
  fx->forum = cohort_test_discourse_new (SECRET, FALSE);
  fx->secrets = cohort_test_secrets_new ();
  fx->session = soup_session_new ();
  add_source (fx, fx->forum->base_url);
  cohort_secret_store_store_async (fx->secrets, fx->source->uid, "Test forum", SECRET, NULL,
                                   store_secret_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static void
fixture_teardown (Fixture       *fx,
                  gconstpointer  data)
{
  g_clear_object (&fx->session);
  g_clear_object (&fx->secrets);
  g_clear_object (&fx->cancellable);
  g_clear_pointer (&fx->forum, cohort_test_discourse_free);
  g_clear_pointer (&fx->source, cohort_source_info_free);
  cohort_test_db_teardown (&fx->db, NULL);
}

static void
pages_cb (CohortSyncJob *job,
          GParamSpec    *pspec,
          Fixture       *fx)
{
  fx->notifies++;
}

static CohortSyncSummary *
run_sync (Fixture  *fx,
          GError  **error)
{
  g_autoptr(CohortSyncJob) job = cohort_sync_job_new (fx->session, fx->secrets, fx->db.path,
                                                      "Test forum");

  g_clear_object (&fx->cancellable);
  fx->cancellable = g_cancellable_new ();
  g_signal_connect (job, "notify::pages", G_CALLBACK (pages_cb), fx);
  return cohort_test_run_sync (job, fx->cancellable, error);
}

static CohortSourceInfo *
reload_source (Fixture *fx)
{
  g_autoptr(GError) error = NULL;
  CohortSourceInfo *info = cohort_db_find_source (fx->db.db, "Test forum", &error);

  g_assert_no_error (error);
  return info;
}

static gint64
count_sql (Fixture    *fx,
           const char *table)
{
  return cohort_db_count (fx->db.db, table);
}

static gint64
platform_stats_rows (Fixture *fx)
{
  g_autoptr(GPtrArray) communities = cohort_test_list_communities (fx->db.db);
  g_autoptr(GPtrArray) stats = NULL;
  CohortCommunityInfo *info;

  if (communities->len == 0)
    return 0;
  info = g_ptr_array_index (communities, 0);
  stats = cohort_db_list_platform_stats (fx->db.db, info->id, "", NULL);
  return stats->len;
}

/* The secret may travel only in the request header: not in the database file or its WAL. */
static void
assert_secret_not_on_disk (Fixture *fx)
{
  const char *suffixes[] = { "", "-wal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strconcat (fx->db.path, suffixes[i], NULL);
      g_autofree char *data = NULL;
      gsize len = 0;

      if (!g_file_get_contents (path, &data, &len, NULL))
        continue;
      g_assert_null (memmem (data, len, SECRET, strlen (SECRET)));
    }
}

static void
test_first_sync (Fixture       *fx,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree CohortSyncSummary *summary = run_sync (fx, &error);
  g_autoptr(CohortSourceInfo) after = NULL;
  g_autoptr(GPtrArray) communities = NULL;
  g_autofree char *reply = NULL;
  g_autofree char *text = NULL;
  CohortCommunityInfo *info;

  g_assert_no_error (error);
  g_assert_nonnull (summary);
  g_assert_cmpuint (summary->pages, ==, 13);
  g_assert_cmpint (summary->members_added, ==, 6);
  g_assert_cmpint (summary->messages_added, ==, 7);
  g_assert_cmpint (summary->reactions_added, ==, 3);
  g_assert_cmpint (summary->stats_added, ==, 39);
  g_assert_cmpint (summary->items, ==, 6 + 7 + 3 + 39);
  g_assert_cmpuint (fx->notifies, >=, 13);

  g_assert_cmpuint (cohort_test_discourse_hits (fx->forum, "/posts.json"), ==, 3);
  g_assert_cmpuint (cohort_test_discourse_hits (fx->forum, "/posts.json?before=5"), ==, 1);
  g_assert_cmpuint (cohort_test_discourse_hits (fx->forum, "/posts.json?before=2"), ==, 1);
  g_assert_cmpuint (cohort_test_discourse_hits (fx->forum, "/directory_items.json"), ==, 2);

  communities = cohort_test_list_communities (fx->db.db);
  g_assert_cmpuint (communities->len, ==, 1);
  info = g_ptr_array_index (communities, 0);
  g_assert_cmpstr (info->name, ==, "Cohort Test Forum");
  g_assert_cmpstr (info->platform, ==, "discourse");
  g_assert_cmpint (info->members, ==, 6);
  g_assert_cmpint (info->messages, ==, 6);
  g_assert_cmpint (info->system_messages, ==, 1);
  g_assert_cmpint (info->posting_members, ==, 4);
  g_assert_cmpint (info->reactions, ==, 3);
  g_assert_cmpint (platform_stats_rows (fx), ==, 39);

  /* post 4 answers post 2 of topic 10; post 2 answers the topic; cooked HTML is stripped. */
  text = cohort_db_get_message_text (fx->db.db, info->id, "12/1");
  g_assert_cmpstr (text, ==, "Hello & welcome");
  g_clear_pointer (&text, g_free);
  text = cohort_db_get_message_text (fx->db.db, info->id, "11/1");
  g_assert_cmpstr (text, ==, "每周打卡：今天读了两章");

  /* Alice's posts say she is an admin: staff, not audience; Bob is neither. */
  {
    g_autoptr(CohortSnapshot) snap = cohort_test_load_snapshot (fx->db.db, info->id);

    for (guint i = 0; i < snap->n_members; i++)
      if (g_str_equal (snap->member_uid[i], "alice") || g_str_equal (snap->member_uid[i], "bob"))
        g_assert_cmpint (snap->member_is_staff[i], ==, g_str_equal (snap->member_uid[i], "alice"));
  }

  after = reload_source (fx);
  g_assert_cmpstr (after->status, ==, "ok");
  g_assert_null (after->error);
  g_assert_true (g_str_has_prefix (after->cursor, "{\"last_post_id\":7,"));
  g_assert_cmpint (after->last_sync, >, 0);
  assert_secret_not_on_disk (fx);
}

static void
test_incremental (Fixture       *fx,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree CohortSyncSummary *first = run_sync (fx, &error);
  g_autofree CohortSyncSummary *second = NULL;
  g_autofree CohortSyncSummary *third = NULL;
  g_autoptr(CohortSourceInfo) after = NULL;

  g_assert_no_error (error);
  cohort_test_discourse_add_post (fx->forum, "post-8.json");
  second = run_sync (fx, &error);
  g_assert_no_error (error);
  /* One page of posts (8, 7, 6) reaches the cursor: nothing older is asked for again. */
  g_assert_cmpuint (cohort_test_discourse_hits (fx->forum, "/posts.json"), ==, 3 + 1);
  g_assert_cmpint (second->messages_added, ==, 1);
  g_assert_cmpint (second->members_added, ==, 0);
  g_assert_cmpint (second->reactions_added, ==, 0);
  g_assert_cmpint (second->stats_added, ==, 0);
  g_assert_cmpint (count_sql (fx, "message"), ==, 8);
  g_assert_cmpint (count_sql (fx, "member"), ==, 6);
  after = reload_source (fx);
  g_assert_true (g_str_has_prefix (after->cursor, "{\"last_post_id\":8,"));

  third = run_sync (fx, &error);
  g_assert_no_error (error);
  g_assert_cmpint (third->items, ==, 0);
  g_assert_cmpint (count_sql (fx, "message"), ==, 8);
  g_assert_cmpint (count_sql (fx, "reaction"), ==, 3);
}

static void
test_rate_limit (Fixture       *fx,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree CohortSyncSummary *summary = NULL;

  cohort_test_discourse_set_fault (fx->forum, TEST_FAULT_STATUS, "/posts.json", "before=5", 429, 1);
  summary = run_sync (fx, &error);
  g_assert_no_error (error);
  /* The refused page was asked for again after Retry-After, and only it. */
  g_assert_cmpuint (cohort_test_discourse_hits (fx->forum, "/posts.json?before=5"), ==, 2);
  g_assert_cmpuint (cohort_test_discourse_hits (fx->forum, "/posts.json"), ==, 4);
  g_assert_cmpint (summary->messages_added, ==, 7);
  g_assert_cmpuint (summary->pages, ==, 13);
}

static void
assert_failed_cleanly (Fixture    *fx,
                       const char *status)
{
  g_autoptr(CohortSourceInfo) after = reload_source (fx);

  g_assert_cmpint (count_sql (fx, "community"), ==, 0);
  g_assert_cmpint (count_sql (fx, "member"), ==, 0);
  g_assert_cmpint (count_sql (fx, "message"), ==, 0);
  /* The history keeps the failed run, and nothing it would have added. */
  g_assert_cmpint (count_sql (fx, "import_run"), ==, 1);
  g_assert_cmpstr (after->status, ==, status);
  g_assert_nonnull (after->error);
  g_assert_cmpstr (after->cursor, ==, "{}");
}

static void
test_wrong_key (Fixture       *fx,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree CohortSyncSummary *summary = NULL;
  g_autofree char *words = NULL;

  g_free (fx->forum->api_key);
  fx->forum->api_key = g_strdup ("another key");
  summary = run_sync (fx, &error);
  g_assert_null (summary);
  g_assert_error (error, COHORT_SYNC_ERROR, COHORT_SYNC_ERROR_AUTH);
  words = cohort_sync_error_describe (error);
  g_assert_nonnull (strstr (words, "API key"));
  assert_failed_cleanly (fx, "error");
  {
    /* The row keeps the category, so it can be described in the reader's language later. */
    g_autoptr(CohortSourceInfo) after = reload_source (fx);
    g_autofree char *again = cohort_sync_error_describe_stored (after->error);

    g_assert_true (g_str_has_prefix (after->error, "sync-error:0\t"));
    g_assert_cmpstr (again, ==, words);
  }
}

static void
test_server_error_keeps_database (Fixture       *fx,
                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree CohortSyncSummary *first = run_sync (fx, &error);
  g_autofree CohortSyncSummary *second = NULL;
  g_autoptr(CohortSourceInfo) after = NULL;

  g_assert_no_error (error);
  cohort_test_discourse_add_post (fx->forum, "post-8.json");
  /* Post 8 is fetched and written, then the directory fails: post 8 must not stay. */
  cohort_test_discourse_set_fault (fx->forum, TEST_FAULT_STATUS, "/directory_items.json", NULL,
                                   500, G_MAXUINT);
  second = run_sync (fx, &error);
  g_assert_null (second);
  g_assert_error (error, COHORT_SYNC_ERROR, COHORT_SYNC_ERROR_SERVER);
  g_assert_cmpint (count_sql (fx, "message"), ==, 7);
  g_assert_cmpint (count_sql (fx, "import_run"), ==, 2);
  after = reload_source (fx);
  g_assert_cmpstr (after->status, ==, "error");
  g_assert_true (g_str_has_prefix (after->cursor, "{\"last_post_id\":7,"));
}

static void
test_malformed (Fixture       *fx,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree CohortSyncSummary *summary = NULL;

  cohort_test_discourse_set_fault (fx->forum, TEST_FAULT_MALFORMED, "/posts.json", "before=5", 0, 1);
  summary = run_sync (fx, &error);
  g_assert_null (summary);
  g_assert_error (error, COHORT_SYNC_ERROR, COHORT_SYNC_ERROR_MALFORMED);
  assert_failed_cleanly (fx, "error");
}

static gboolean
cancel_cb (gpointer data)
{
  Fixture *fx = data;

  g_cancellable_cancel (fx->cancellable);
  return G_SOURCE_REMOVE;
}

static void
test_cancel_slow (Fixture       *fx,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree CohortSyncSummary *summary = NULL;

  /* about and the first posts page arrive; the second never does, and Cancel is pressed. */
  cohort_test_discourse_set_fault (fx->forum, TEST_FAULT_HANG, "/posts.json", "before=5", 0, 1);
  fx->forum->hang_cb = cancel_cb;
  fx->forum->hang_data = fx;
  summary = run_sync (fx, &error);
  g_assert_null (summary);
  g_assert_error (error, COHORT_SYNC_ERROR, COHORT_SYNC_ERROR_CANCELLED);
  g_assert_cmpuint (cohort_test_discourse_hits (fx->forum, "/posts.json?before=5"), ==, 1);
  assert_failed_cleanly (fx, "cancelled");
}

static void
test_timeout (Fixture       *fx,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree CohortSyncSummary *summary = NULL;

  g_clear_object (&fx->session);
  fx->session = soup_session_new_with_options ("timeout", 1, NULL);
  cohort_test_discourse_set_fault (fx->forum, TEST_FAULT_HANG, "/about.json", NULL, 0, 1);
  summary = run_sync (fx, &error);
  g_assert_null (summary);
  g_assert_error (error, COHORT_SYNC_ERROR, COHORT_SYNC_ERROR_TIMEOUT);
  assert_failed_cleanly (fx, "error");
}

static void
test_offline (Fixture       *fx,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree CohortSyncSummary *summary = NULL;

  /* Nothing listens on the forum's port once it is gone. */
  g_clear_pointer (&fx->forum, cohort_test_discourse_free);
  summary = run_sync (fx, &error);
  g_assert_null (summary);
  g_assert_error (error, COHORT_SYNC_ERROR, COHORT_SYNC_ERROR_OFFLINE);
  assert_failed_cleanly (fx, "error");
}

static void
test_tls_failure (Fixture       *fx,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CohortTestDiscourse) tls_forum = cohort_test_discourse_new (SECRET, TRUE);
  g_autoptr(CohortSyncJob) job = NULL;
  g_autofree CohortSyncSummary *summary = NULL;

  /* The forum's certificate is self-signed, so not trusted: the sync must say so. */
  g_assert_true (g_str_has_prefix (tls_forum->base_url, "https://"));
  cohort_db_add_source (fx->db.db, "discourse", "TLS forum", tls_forum->base_url, "system", &error);
  g_assert_no_error (error);
  job = cohort_sync_job_new (fx->session, NULL, fx->db.path, "TLS forum");
  cohort_sync_job_set_secret (job, SECRET);
  summary = cohort_test_run_sync (job, NULL, &error);
  g_assert_null (summary);
  g_assert_error (error, COHORT_SYNC_ERROR, COHORT_SYNC_ERROR_TLS);
  g_assert_cmpuint (cohort_test_discourse_hits (tls_forum, "/about.json"), ==, 0);
  g_assert_cmpint (count_sql (fx, "community"), ==, 0);
}

static void
test_reports_refused (Fixture       *fx,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree CohortSyncSummary *summary = NULL;

  /* A moderator's key: the forum refuses admin reports, the rest syncs. */
  fx->forum->refuse_reports = TRUE;
  summary = run_sync (fx, &error);
  g_assert_no_error (error);
  g_assert_cmpint (summary->stats_added, ==, 39 - 5);
  g_assert_cmpuint (cohort_test_discourse_hits (fx->forum, "/admin/reports/signups.json"), ==, 1);
  g_assert_cmpuint (cohort_test_discourse_hits (fx->forum, "/admin/reports/posts.json"), ==, 0);
  g_assert_cmpint (count_sql (fx, "message"), ==, 7);
}

static void
test_missing_secret (Fixture       *fx,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree CohortSyncSummary *summary = NULL;

  g_clear_object (&fx->secrets);
  fx->secrets = cohort_test_secrets_new ();
  summary = run_sync (fx, &error);
  g_assert_null (summary);
  g_assert_error (error, COHORT_SYNC_ERROR, COHORT_SYNC_ERROR_CONFIG);
  g_assert_cmpuint (cohort_test_discourse_hits (fx->forum, "/about.json"), ==, 0);
  assert_failed_cleanly (fx, "error");
}

static void
test_probe (Fixture       *fx,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *ok = cohort_test_probe (fx->session, fx->source, SECRET, &error);
  g_autofree char *bad = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (ok, ==, "Connected to “Cohort Test Forum”: 6 users, 7 posts.");
  bad = cohort_test_probe (fx->session, fx->source, "wrong", &error);
  g_assert_null (bad);
  g_assert_error (error, COHORT_SYNC_ERROR, COHORT_SYNC_ERROR_AUTH);
  g_assert_cmpint (count_sql (fx, "community"), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) \
  g_test_add ("/sync-discourse/" path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("first-sync", test_first_sync);
  ADD ("incremental", test_incremental);
  ADD ("rate-limit-retry-after", test_rate_limit);
  ADD ("wrong-key", test_wrong_key);
  ADD ("server-error-keeps-database", test_server_error_keeps_database);
  ADD ("malformed-json", test_malformed);
  ADD ("cancel-slow-response", test_cancel_slow);
  ADD ("timeout", test_timeout);
  ADD ("offline", test_offline);
  ADD ("tls-failure", test_tls_failure);
  ADD ("reports-refused", test_reports_refused);
  ADD ("missing-secret", test_missing_secret);
  ADD ("probe", test_probe);
#undef ADD

  return g_test_run ();
}
