/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <archive.h>
#include <archive_entry.h>
#include <glib/gstdio.h>

#include "cohort-test-db.h"
#include "cohort-format.h"
#include "cohort-importer.h"
#include "cohort-store.h"

/*
 * Slack workspace export importer tests.  The zips are built here with libarchive from the
 * files in tests/data/slack/; every expected number is derived in the README.md there.
 */

typedef CohortTestDb Fixture;

/* ------------------------------------------------------------------------------------- */
/* Building zips                                                                         */
/* ------------------------------------------------------------------------------------- */

/* Entries are "name" (read from tests/data/slack/name) or "name=literal content". */
static char *
make_zip (Fixture            *fx,
          const char         *zip_name,
          const char * const *entries)
{
  char *path = g_build_filename (fx->dir, zip_name, NULL);
  struct archive *a = archive_write_new ();

  g_assert_cmpint (archive_write_set_format_zip (a), ==, ARCHIVE_OK);
  g_assert_cmpint (archive_write_open_filename (a, path), ==, ARCHIVE_OK);
  for (guint i = 0; entries[i] != NULL; i++)
    {
      g_autofree char *name = NULL;
      g_autofree char *contents = NULL;
      const char *eq = strchr (entries[i], '=');
      struct archive_entry *entry;
      gsize len;

      if (eq != NULL)
        {
          name = g_strndup (entries[i], eq - entries[i]);
          contents = g_strdup (eq + 1);
          len = strlen (contents);
        }
      else
        {
          g_autofree char *file = g_test_build_filename (G_TEST_DIST, "data", "slack", entries[i], NULL);
          g_autoptr(GError) error = NULL;

          name = g_strdup (entries[i]);
          g_file_get_contents (file, &contents, &len, &error);
          g_assert_no_error (error);
        }
      entry = archive_entry_new ();
      archive_entry_set_pathname (entry, name);
      archive_entry_set_size (entry, len);
      archive_entry_set_filetype (entry, AE_IFREG);
      archive_entry_set_perm (entry, 0644);
      g_assert_cmpint (archive_write_header (a, entry), ==, ARCHIVE_OK);
      g_assert_cmpint (archive_write_data (a, contents, len), ==, (la_ssize_t)len);
      archive_entry_free (entry);
    }
  g_assert_cmpint (archive_write_close (a), ==, ARCHIVE_OK);
  archive_write_free (a);
  return path;
}

#define ZIP_NAME "Acme Slack export Mar 1 2024 - Mar 2 2024.zip"

/* Day files first, users.json last: the importer must not depend on entry order. */
static const char * const workspace_entries[] = {
  "random/2024-03-01.json",
  "general/2024-03-02.json",
  "D01/2024-03-01.json",
  "general/2024-03-01.json",
  "channels.json",
  "dms.json",
  "integration_logs.json=[]",
  "users.json",
  NULL
};

static const char * const workspace_entries_sorted[] = {
  "users.json",
  "channels.json",
  "dms.json",
  "D01/2024-03-01.json",
  "general/2024-03-01.json",
  "general/2024-03-02.json",
  "random/2024-03-01.json",
  NULL
};

static CohortImportResult *
import_zip (CohortDb      *db,
            const char    *path,
            const char    *format,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  CohortImportOptions options = { NULL, format, NULL };

  return cohort_import_file (db, file, &options, NULL, NULL, cancellable, error);
}

static void
check_workspace (CohortDb *db)
{
  g_autoptr(GPtrArray) list = cohort_test_list_communities (db);
  CohortCommunityInfo *info;

  g_assert_cmpuint (list->len, ==, 1);
  info = g_ptr_array_index (list, 0);
  g_assert_cmpstr (info->platform, ==, "slack");
  g_assert_cmpstr (info->platform_id, ==, "T0TEAM");
  g_assert_cmpstr (info->name, ==, "Acme");
  g_assert_cmpstr (info->kind, ==, "workspace");
  g_assert_cmpstr (info->tz, ==, "UTC");
  g_assert_cmpint (info->members, ==, 7);
  g_assert_cmpint (info->posting_members, ==, 6);
  g_assert_cmpint (info->messages, ==, 12);
  g_assert_cmpint (info->mechanical_messages, ==, 1);
  g_assert_cmpint (info->system_messages, ==, 6);
  g_assert_cmpint (info->joins, ==, 3);
  g_assert_cmpint (info->leaves, ==, 1);
  g_assert_cmpint (info->invites, ==, 2);
  g_assert_cmpint (info->reactions, ==, 3);
  g_assert_cmpint (info->first_message, ==, 1709280120);
  g_assert_cmpint (info->last_message, ==, 1709366580);
}

/* ------------------------------------------------------------------------------------- */
/* Tests                                                                                 */
/* ------------------------------------------------------------------------------------- */

static void
test_import (Fixture       *fx,
             gconstpointer  data)
{
  g_autofree char *zip = make_zip (fx, ZIP_NAME, workspace_entries);
  g_autoptr(GError) error = NULL;
  g_autoptr(CohortImportResult) result = import_zip (fx->db, zip, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_cmpstr (result->format, ==, "slack");
  g_assert_cmpuint (result->personal_chats_skipped, ==, 1);
  g_assert_cmpuint (result->community_ids->len, ==, 1);
  g_assert_cmpint (result->counts.messages_added, ==, 12);
  g_assert_cmpint (result->counts.system_added, ==, 6);
  g_assert_cmpint (result->counts.members_added, ==, 7);
  g_assert_cmpint (result->counts.events_added, ==, 4);
  g_assert_cmpint (result->counts.invites_added, ==, 2);
  g_assert_cmpint (result->counts.reactions_added, ==, 3);
  check_workspace (fx->db);

  /* Edits are kept; the text is unescaped. */
  {
    g_autofree char *text = cohort_db_get_message_text (fx->db, *(gint64 *)result->community_ids->pdata[0],
                                                        "C01:1709280120.000300");
    g_assert_cmpstr (text, ==, "Welcome everyone to the workspace & enjoy");
  }
}

static int
member_index (CohortSnapshot *snap,
              const char     *uid)
{
  for (guint i = 0; i < snap->n_members; i++)
    if (g_strcmp0 (snap->member_uid[i], uid) == 0)
      return i;
  g_assert_not_reached ();
  return -1;
}

static void
test_snapshot (Fixture       *fx,
               gconstpointer  data)
{
  g_autofree char *zip = make_zip (fx, ZIP_NAME, workspace_entries);
  g_autoptr(GError) error = NULL;
  g_autoptr(CohortImportResult) result = import_zip (fx->db, zip, NULL, NULL, &error);
  CohortSnapshot *snap;
  int alice, bob, dave, replies_to_alice = 0;
  guint kinds[COHORT_MESSAGE_OTHER + 1] = { 0, };

  g_assert_no_error (error);
  snap = cohort_db_load_snapshot (fx->db, *(gint64 *)result->community_ids->pdata[0], &error);
  g_assert_no_error (error);
  g_assert_nonnull (snap);
  g_assert_cmpuint (snap->n_members, ==, 7);

  alice = member_index (snap, "U01");
  bob = member_index (snap, "U02");
  dave = member_index (snap, "U04");
  g_assert_cmpstr (snap->member_name[alice], ==, "Alice");
  g_assert_cmpstr (snap->member_name[bob], ==, "Bob Builder");
  g_assert_cmpstr (snap->member_name[member_index (snap, "U03")], ==, "Carol");
  g_assert_cmpstr (snap->member_name[dave], ==, "dave");
  g_assert_cmpstr (snap->member_name[member_index (snap, "U99")], ==, "Eve");
  g_assert_false (snap->member_is_bot[alice]);
  g_assert_false (snap->member_is_bot[member_index (snap, "U03")]);
  g_assert_true (snap->member_is_bot[member_index (snap, "U05")]);
  g_assert_true (snap->member_is_bot[member_index (snap, "USLACKBOT")]);

  g_assert_cmpuint (snap->n_messages, ==, 12);
  for (guint i = 0; i < snap->n_messages; i++)
    {
      kinds[snap->msg_kind[i]]++;
      if (snap->msg_reply_member[i] == alice)
        {
          replies_to_alice++;
          g_assert_true ((int)snap->msg_member[i] == bob || (int)snap->msg_member[i] == dave ||
                         (int)snap->msg_member[i] == alice);
        }
      else
        g_assert_cmpint (snap->msg_reply_member[i], ==, -1);
    }
  /* bob's and dave's replies and alice's broadcast of the thread */
  g_assert_cmpint (replies_to_alice, ==, 3);
  g_assert_cmpuint (kinds[COHORT_MESSAGE_TEXT], ==, 7);
  g_assert_cmpuint (kinds[COHORT_MESSAGE_LINK], ==, 1);
  g_assert_cmpuint (kinds[COHORT_MESSAGE_IMAGE], ==, 1);
  g_assert_cmpuint (kinds[COHORT_MESSAGE_VIDEO], ==, 1);
  g_assert_cmpuint (kinds[COHORT_MESSAGE_VOICE], ==, 1);
  g_assert_cmpuint (kinds[COHORT_MESSAGE_FILE], ==, 1);

  /* alice, bob (invited by alice) and dave (invited by bob) have join spans */
  g_assert_cmpint (snap->member_first_join[bob], ==, 1709280060);
  g_assert_cmpint (snap->member_first_join[dave], ==, 1709280090);
  cohort_snapshot_free (snap);
}

static void
test_idempotent (Fixture       *fx,
                 gconstpointer  data)
{
  g_autofree char *zip = make_zip (fx, ZIP_NAME, workspace_entries);
  g_autofree char *zip2 = make_zip (fx, "Acme Slack export sorted.zip", workspace_entries_sorted);
  g_autoptr(GError) error = NULL;
  g_autoptr(CohortImportResult) first = import_zip (fx->db, zip, NULL, NULL, &error);
  g_autoptr(CohortImportResult) second = NULL;
  g_autoptr(CohortImportResult) third = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *after_sorted = NULL;

  g_assert_no_error (error);
  before = cohort_test_describe_db (fx->db);
  second = import_zip (fx->db, zip, NULL, NULL, &error);
  g_assert_no_error (error);
  after = cohort_test_describe_db (fx->db);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpint (second->counts.messages_added, ==, 0);
  g_assert_cmpint (second->counts.system_added, ==, 0);
  g_assert_cmpint (second->counts.members_added, ==, 0);
  g_assert_cmpint (second->counts.events_added, ==, 0);
  g_assert_cmpint (second->counts.invites_added, ==, 0);
  g_assert_cmpint (second->counts.reactions_added, ==, 0);
  g_assert_cmpint (second->counts.messages_present, ==, 18);

  /* The same workspace with its entries in another order is the same data. */
  third = import_zip (fx->db, zip2, NULL, NULL, &error);
  g_assert_no_error (error);
  after_sorted = cohort_test_describe_db (fx->db);
  g_assert_cmpstr (before, ==, after_sorted);
  check_workspace (fx->db);
}

static void
test_entry_order (Fixture       *fx,
                  gconstpointer  data)
{
  g_autofree char *zip = make_zip (fx, ZIP_NAME, workspace_entries_sorted);
  g_autoptr(GError) error = NULL;
  g_autoptr(CohortImportResult) result = import_zip (fx->db, zip, NULL, NULL, &error);

  g_assert_no_error (error);
  check_workspace (fx->db);
}

static void
test_no_users (Fixture       *fx,
               gconstpointer  data)
{
  static const char * const entries[] = {
    "channels.json",
    "general/2024-03-01.json",
    NULL
  };
  g_autofree char *zip = make_zip (fx, "Broken Slack export.zip", entries);
  g_autofree char *good = make_zip (fx, ZIP_NAME, workspace_entries);
  g_autoptr(GError) error = NULL;
  g_autoptr(CohortImportResult) ok = import_zip (fx->db, good, NULL, NULL, &error);
  g_autoptr(CohortImportResult) result = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  g_assert_no_error (error);
  before = cohort_test_describe_db (fx->db);

  /* Detected by content: nobody claims it. */
  result = import_zip (fx->db, zip, NULL, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_UNSUPPORTED);
  g_clear_error (&error);

  /* Forced to Slack: the missing file is named. */
  result = import_zip (fx->db, zip, "slack", NULL, &error);
  g_assert_null (result);
  g_assert_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "users.json"));

  after = cohort_test_describe_db (fx->db);
  g_assert_cmpstr (before, ==, after);
}

static void
test_malformed_day (Fixture       *fx,
                    gconstpointer  data)
{
  static const char * const entries[] = {
    "users.json",
    "channels.json",
    "general/2024-03-01.json",
    "general/2024-03-02.json=[{\"type\": \"message\", \"user\": \"U01\", \"ts\": \"1709366400.1\",",
    NULL
  };
  g_autofree char *zip = make_zip (fx, ZIP_NAME, entries);
  g_autoptr(GError) error = NULL;
  g_autoptr(CohortImportResult) result = import_zip (fx->db, zip, NULL, NULL, &error);

  g_assert_null (result);
  g_assert_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_MALFORMED);
  g_assert_nonnull (strstr (error->message, "general/2024-03-02.json"));
  g_assert_cmpint (cohort_db_count (fx->db, "community"), ==, 0);
  g_assert_cmpint (cohort_db_count (fx->db, "member"), ==, 0);
  g_assert_cmpint (cohort_db_count (fx->db, "message"), ==, 0);
}

static void
test_name_fallback (Fixture       *fx,
                    gconstpointer  data)
{
  static const char * const entries[] = {
    "users.json=[{\"id\": \"U1\", \"name\": \"solo\"}]",
    "channels.json=[{\"id\": \"C9\", \"name\": \"lobby\"}]",
    "lobby/2024-01-02.json=[{\"type\": \"message\", \"user\": \"U1\", \"text\": \"First post in the lobby\", "
      "\"ts\": \"1704196800.000001\"}]",
    NULL
  };
  g_autofree char *zip = make_zip (fx, "Beta Corp Slack export Jan 2 2024.zip", entries);
  g_autoptr(GError) error = NULL;
  g_autoptr(CohortImportResult) result = import_zip (fx->db, zip, NULL, NULL, &error);
  g_autoptr(GPtrArray) list = NULL;
  CohortCommunityInfo *info;

  g_assert_no_error (error);
  list = cohort_test_list_communities (fx->db);
  g_assert_cmpuint (list->len, ==, 1);
  info = g_ptr_array_index (list, 0);
  g_assert_cmpstr (info->platform_id, ==, "name:Beta Corp");
  g_assert_cmpstr (info->name, ==, "Beta Corp");
  g_assert_cmpint (info->members, ==, 1);
  g_assert_cmpint (info->messages, ==, 1);
  g_assert_cmpint (info->first_message, ==, 1704196800);
  {
    g_autofree char *text = cohort_db_get_message_text (fx->db, info->id, "C9:1704196800.000001");
    g_assert_cmpstr (text, ==, "First post in the lobby");
  }
}

static void
test_cancel (Fixture       *fx,
             gconstpointer  data)
{
  g_autofree char *zip = make_zip (fx, ZIP_NAME, workspace_entries);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(CohortImportResult) result = NULL;

  g_cancellable_cancel (cancellable);
  result = import_zip (fx->db, zip, NULL, cancellable, &error);
  g_assert_null (result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (cohort_db_count (fx->db, "community"), ==, 0);
  g_assert_cmpint (cohort_db_count (fx->db, "message"), ==, 0);
}

static void
test_sniff (Fixture       *fx,
            gconstpointer  data)
{
  static const char * const random_files[] = { "notes.txt", "data/2024-03-01.json", "photo.jpg", NULL };
  static const char * const partial[] = { "users.json", "general/2024-03-01.json", NULL };
  static const char * const workspace[] = { "users.json", "channels.json", "general/2024-03-01.json", NULL };
  static const char * const full[] = { "channels.json", "groups.json", "mpims.json", "dms.json",
                                       "users.json", NULL };
  static const char * const zip_random[] = { "notes.txt=hello", "photo.jpg=not really", NULL };
  const CohortFormat *slack = cohort_formats_find ("slack");
  g_autofree char *zip = make_zip (fx, "random.zip", zip_random);
  g_autoptr(GError) error = NULL;
  g_autoptr(CohortImportResult) result = NULL;

  g_assert_nonnull (slack);
  g_assert_cmpint (slack->sniff ((const guchar *)"PK\x03\x04", 4, random_files), ==, 0);
  g_assert_cmpint (slack->sniff ((const guchar *)"PK\x03\x04", 4, partial), ==, 0);
  g_assert_cmpint (slack->sniff ((const guchar *)"[]", 2, NULL), ==, 0);
  g_assert_cmpint (slack->sniff ((const guchar *)"PK\x03\x04", 4, workspace), ==, 95);
  g_assert_cmpint (slack->sniff ((const guchar *)"PK\x03\x04", 4, full), ==, 95);

  /* A real zip of random files is not claimed. */
  result = import_zip (fx->db, zip, NULL, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_UNSUPPORTED);
  g_assert_cmpint (cohort_db_count (fx->db, "community"), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add ("/cohort/slack/" name, Fixture, NULL, cohort_test_db_setup, func, cohort_test_db_teardown)
  ADD ("import", test_import);
  ADD ("snapshot", test_snapshot);
  ADD ("idempotent", test_idempotent);
  ADD ("entry-order", test_entry_order);
  ADD ("no-users", test_no_users);
  ADD ("malformed-day", test_malformed_day);
  ADD ("name-fallback", test_name_fallback);
  ADD ("cancel", test_cancel);
  ADD ("sniff", test_sniff);
#undef ADD

  return g_test_run ();
}
