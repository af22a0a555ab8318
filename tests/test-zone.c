/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "cohort-importer.h"
#include "cohort-test-db.h"

/*
 * A community's time zone.  android-en-12h.txt (WhatsApp, January–February 2018, wall-clock
 * times) read as Asia/Shanghai (UTC+8) has its first genuine message, "Welcome everyone!" at
 * 1/29/18 12:24 PM, at 2018-01-29T04:24:00Z = 1517199840, and its last, "The first book is
 * Dune" at 2/2/18 11:11 PM, at 2018-02-02T15:11:00Z = 1517584260.  Moved to Europe/Berlin
 * (UTC+1 in winter) the same wall-clock times are 7 hours later in UTC: 1517225040 and
 * 1517609460.  A Telegram community's times carry offsets and never move.
 */

typedef CohortTestDb Fixture;

static CohortImportResult *
import_fixture (Fixture    *fx,
                const char *format,
                const char *name,
                const char *tz)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", format, name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  CohortImportOptions options = { .tz = tz };
  CohortImportResult *result = cohort_import_file (fx->db, file, &options, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  return result;
}

static CohortCommunityInfo *
community (Fixture *fx,
           guint    index)
{
  g_autoptr(GPtrArray) list = cohort_test_list_communities (fx->db);

  g_assert_cmpuint (index, <, list->len);
  return g_ptr_array_steal_index (list, index);
}

static void
test_wall_clock_times_move (Fixture       *fx,
                            gconstpointer  data)
{
  g_autoptr(CohortImportResult) first = import_fixture (fx, "whatsapp", "android-en-12h.txt", "Asia/Shanghai");
  g_autoptr(CohortImportResult) again = NULL;
  g_autoptr(CohortCommunityInfo) before = community (fx, 0);
  g_autoptr(CohortCommunityInfo) after = NULL;
  g_autoptr(CohortSnapshot) snap = NULL;
  g_autoptr(GError) error = NULL;
  gint64 spans;

  g_assert_true (before->wall_clock);
  g_assert_cmpstr (before->tz, ==, "Asia/Shanghai");
  g_assert_cmpint (before->first_message, ==, 1517199840);
  g_assert_cmpint (before->last_message, ==, 1517584260);
  spans = cohort_db_count (fx->db, "span");

  g_assert_true (cohort_db_set_community_zone (fx->db, before->id, "Europe/Berlin", &error));
  g_assert_no_error (error);
  after = community (fx, 0);
  g_assert_cmpstr (after->tz, ==, "Europe/Berlin");
  g_assert_cmpint (after->first_message, ==, 1517225040);
  g_assert_cmpint (after->last_message, ==, 1517609460);
  g_assert_cmpint (after->messages, ==, before->messages);
  g_assert_cmpint (after->joins, ==, before->joins);
  g_assert_cmpint (cohort_db_count (fx->db, "span"), ==, spans);
  g_assert_true (cohort_db_check_integrity (fx->db, &error));

  /* Spans moved with the events: Alice created the group at 9:05 AM Berlin time. */
  snap = cohort_test_load_snapshot (fx->db, after->id);
  for (guint i = 0; i < snap->n_spans; i++)
    if (g_str_equal (snap->member_name[snap->span_member[i]], "Alice"))
      g_assert_cmpint (snap->span_start[i], ==, 1517213100);

  /* The same export again, read in Shanghai as before: it lands on the moved times and adds
   * nothing. */
  again = import_fixture (fx, "whatsapp", "android-en-12h.txt", "Asia/Shanghai");
  g_assert_cmpint (again->counts.messages_added, ==, 0);
  g_assert_cmpint (again->counts.events_added, ==, 0);
  g_assert_cmpint (again->counts.invites_added, ==, 0);
  g_assert_cmpint (again->counts.messages_present, ==, first->counts.messages_added + first->counts.system_added);

  /* And back: the original times return exactly. */
  g_assert_true (cohort_db_set_community_zone (fx->db, before->id, "Asia/Shanghai", &error));
  g_clear_pointer (&after, cohort_community_info_free);
  after = community (fx, 0);
  g_assert_cmpint (after->first_message, ==, 1517199840);
  g_assert_cmpint (after->last_message, ==, 1517584260);
}

static void
test_offset_times_stay (Fixture       *fx,
                        gconstpointer  data)
{
  g_autoptr(CohortImportResult) result = import_fixture (fx, "telegram", "single-supergroup.json", NULL);
  g_autoptr(CohortCommunityInfo) before = community (fx, 0);
  g_autoptr(CohortCommunityInfo) after = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_false (before->wall_clock);
  g_assert_true (cohort_db_set_community_zone (fx->db, before->id, "America/New_York", &error));
  after = community (fx, 0);
  g_assert_cmpstr (after->tz, ==, "America/New_York");
  g_assert_cmpint (after->first_message, ==, before->first_message);
  g_assert_cmpint (after->last_message, ==, before->last_message);
}

static void
test_bad_zone (Fixture       *fx,
               gconstpointer  data)
{
  g_autoptr(CohortImportResult) result = import_fixture (fx, "whatsapp", "android-en-12h.txt", "Asia/Shanghai");
  g_autoptr(CohortCommunityInfo) info = community (fx, 0);
  g_autoptr(CohortCommunityInfo) after = NULL;
  g_autoptr(GError) error = NULL;
  gint64 changes = cohort_db_total_changes (fx->db);

  g_assert_false (cohort_db_set_community_zone (fx->db, info->id, "Mars/Olympus_Mons", &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_false (cohort_db_set_community_zone (fx->db, 999, "Europe/Berlin", &error));
  g_assert_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_NOT_FOUND);
  g_assert_cmpint (cohort_db_total_changes (fx->db), ==, changes);
  after = community (fx, 0);
  g_assert_cmpstr (after->tz, ==, "Asia/Shanghai");
}

/* The importer reports the communities it created with wall-clock times, so the window can
 * ask for their zone once. */
static void
test_new_wall_clock_reported (Fixture       *fx,
                              gconstpointer  data)
{
  g_autoptr(CohortImportResult) whatsapp = import_fixture (fx, "whatsapp", "android-en-12h.txt", "Asia/Shanghai");
  g_autoptr(CohortImportResult) telegram = import_fixture (fx, "telegram", "single-supergroup.json", NULL);
  g_autoptr(CohortImportResult) again = import_fixture (fx, "whatsapp", "android-en-12h.txt", "Asia/Shanghai");

  g_assert_cmpuint (whatsapp->zone_questions->len, ==, 1);
  g_assert_cmpint (*(gint64 *)whatsapp->zone_questions->pdata[0], ==,
                   *(gint64 *)whatsapp->community_ids->pdata[0]);
  g_assert_cmpuint (telegram->zone_questions->len, ==, 0);
  g_assert_cmpuint (again->zone_questions->len, ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/cohort/zone/wall-clock-times-move", Fixture, NULL, cohort_test_db_setup,
              test_wall_clock_times_move, cohort_test_db_teardown);
  g_test_add ("/cohort/zone/offset-times-stay", Fixture, NULL, cohort_test_db_setup,
              test_offset_times_stay, cohort_test_db_teardown);
  g_test_add ("/cohort/zone/bad-zone", Fixture, NULL, cohort_test_db_setup,
              test_bad_zone, cohort_test_db_teardown);
  g_test_add ("/cohort/zone/new-wall-clock-reported", Fixture, NULL, cohort_test_db_setup,
              test_new_wall_clock_reported, cohort_test_db_teardown);
  return g_test_run ();
}
