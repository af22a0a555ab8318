/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "cohort-snapshot.h"

static void
test_calendar (void)
{
  int y, m, d;

  g_assert_cmpint (cohort_day_from_ymd (1970, 1, 1), ==, 0);
  g_assert_cmpint (cohort_day_from_ymd (2024, 3, 4), ==, 19786);
  cohort_day_to_ymd (19786, &y, &m, &d);
  g_assert_cmpint (y, ==, 2024);
  g_assert_cmpint (m, ==, 3);
  g_assert_cmpint (d, ==, 4);
  /* 2024-03-04 is a Monday; the Thursday-aligned pitfall of METRICS.md §0.2 must not occur. */
  g_assert_cmpint (cohort_day_weekday (19786), ==, 0);
  g_assert_cmpint (cohort_day_week_start (cohort_day_from_ymd (2024, 3, 10)), ==, 19786);
  g_assert_cmpint (cohort_day_weekday (cohort_day_from_ymd (2024, 2, 29)), ==, 3);
}

static void
test_midnight_boundary (void)
{
  g_autoptr(CohortSnapshot) s = cohort_snapshot_new ("x", "telegram", "Asia/Shanghai");
  int d0304 = cohort_day_from_ymd (2024, 3, 4);

  /* METRICS.md §0.2: 2024-03-03T16:30:00Z is 03-04 00:30 local; 15:59:59Z is still 03-03. */
  g_assert_cmpint (cohort_snapshot_local_day (s, 1709483400), ==, d0304);
  g_assert_cmpint (cohort_snapshot_local_day (s, 1709481599), ==, d0304 - 1);
  g_assert_cmpint (cohort_snapshot_day_start (s, d0304), ==, 1709481600);
}

static void
test_dst_day_length (void)
{
  g_autoptr(CohortSnapshot) s = cohort_snapshot_new ("x", "telegram", "America/New_York");
  int d = cohort_day_from_ymd (2024, 3, 10);
  guint m;

  /* America/New_York 2024-03-10 is 23 h long; 2024-11-03 is 25 h. */
  g_assert_cmpint (cohort_snapshot_day_end (s, d) - cohort_snapshot_day_start (s, d), ==, 23 * 3600);
  d = cohort_day_from_ymd (2024, 11, 3);
  g_assert_cmpint (cohort_snapshot_day_end (s, d) - cohort_snapshot_day_start (s, d), ==, 25 * 3600);

  /* 2024-03-10T23:30 EDT = 2024-03-11T03:30Z stays on 03-10 local at hour 23. */
  m = cohort_snapshot_add_member (s, "u1", "A", FALSE, FALSE);
  cohort_snapshot_add_message (s, 1710127800, m, COHORT_MESSAGE_TEXT, FALSE, -1);
  /* 2024-03-10T01:30 EST = 06:30Z, before the jump. */
  cohort_snapshot_add_message (s, 1710052200, m, COHORT_MESSAGE_TEXT, FALSE, -1);
  cohort_snapshot_finish (s);
  g_assert_cmpint (s->msg_day[0], ==, cohort_day_from_ymd (2024, 3, 10));
  g_assert_cmpint (s->msg_hour[0], ==, 1);
  g_assert_cmpint (s->msg_day[1], ==, cohort_day_from_ymd (2024, 3, 10));
  g_assert_cmpint (s->msg_hour[1], ==, 23);
  g_assert_cmpint (s->msg_wday[1], ==, 6);
}

static void
test_parse_format (void)
{
  int day = 0;
  g_autofree char *text = NULL;

  g_assert_true (cohort_day_parse ("2024-02-29", &day));
  text = cohort_day_format (day);
  g_assert_cmpstr (text, ==, "2024-02-29");
  g_assert_false (cohort_day_parse ("2023-02-29", &day));
  g_assert_false (cohort_day_parse ("yesterday", &day));
  g_assert_false (cohort_day_parse ("2024-01-01x", &day));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cohort/snapshot/calendar", test_calendar);
  g_test_add_func ("/cohort/snapshot/midnight-boundary", test_midnight_boundary);
  g_test_add_func ("/cohort/snapshot/dst-day-length", test_dst_day_length);
  g_test_add_func ("/cohort/snapshot/parse-format", test_parse_format);
  return g_test_run ();
}
