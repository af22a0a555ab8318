/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "cohort-csv-writer.h"
#include "cohort-overview.h"

/* Every number asserted below is computed by hand from METRICS.md; the comments show how. */

#define D(y, m, d) cohort_day_from_ymd ((y), (m), (d))

static void
assert_rate (CohortRate r,
             gint64     num,
             gint64     den)
{
  g_assert_cmpint (r.num, ==, num);
  g_assert_cmpint (r.den, ==, den);
}

/* Local wall time on a day without a DST transition. */
static gint64
at (CohortSnapshot *s,
    int             day,
    int             hour,
    int             min)
{
  return cohort_snapshot_day_start (s, day) + hour * 3600 + min * 60;
}

static guint
add_member (CohortSnapshot *s,
            const char     *name,
            gint64          start,
            gint64          end)
{
  guint m = cohort_snapshot_add_member (s, name, name, FALSE, FALSE);

  cohort_snapshot_add_span (s, m, start, end, COHORT_SPAN_JOIN,
                            end == COHORT_TS_OPEN ? COHORT_SPAN_OPEN : COHORT_SPAN_LEAVE);
  return m;
}

static void
say (CohortSnapshot *s,
     guint           m,
     gint64          ts,
     gboolean        mech)
{
  cohort_snapshot_add_message (s, ts, m, COHORT_MESSAGE_TEXT, mech, -1);
}

static void
assert_series (const gint64 *series,
               const gint64 *expected,
               guint         n)
{
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (series[i], ==, expected[i]);
}

/* ------------------------------------------------------------------------------------------ */

/*
 * Week W = 2024-03-04…03-10 (Asia/Shanghai), the running example of §1.1, §1.2, §2.1, §2.3
 * and §2.5: N(03-03) = 100; 10 new members and 2 rejoiners (JOINS 12, NEW 10); 4 leaves and
 * 1 kick (3 + 1 of the base, 1 new member); present during W = 112; 28 genuine posters with
 * 450 genuine messages, 40 posters with 600 raw messages.
 */
static CohortSnapshot *
build_week (void)
{
  CohortSnapshot *s = cohort_snapshot_new ("week", "telegram", "Asia/Shanghai");
  int w0 = D (2024, 3, 4);
  guint base[100], fresh[10], r, bot, staff;
  char name[32];

  for (int i = 0; i < 100; i++)
    {
      g_snprintf (name, sizeof name, "b%02d", i);
      base[i] = cohort_snapshot_add_member (s, name, name, FALSE, FALSE);
      if (i < 3)        /* leave on 03-05 */
        cohort_snapshot_add_span (s, base[i], at (s, D (2024, 2, 1), 10, 0),
                                  at (s, w0 + 1, 18, 0), COHORT_SPAN_JOIN, COHORT_SPAN_LEAVE);
      else if (i == 3)  /* kicked on 03-06 */
        cohort_snapshot_add_span (s, base[i], at (s, D (2024, 2, 1), 10, 0),
                                  at (s, w0 + 2, 10, 0), COHORT_SPAN_JOIN, COHORT_SPAN_KICK);
      else
        cohort_snapshot_add_span (s, base[i], at (s, D (2024, 2, 1), 10, 0),
                                  COHORT_TS_OPEN, COHORT_SPAN_JOIN, COHORT_SPAN_OPEN);
    }
  for (int i = 0; i < 10; i++)
    {
      g_snprintf (name, sizeof name, "n%d", i);
      /* n9 joins on 03-05 and leaves on 03-08: the fifth leaver */
      fresh[i] = add_member (s, name, at (s, w0 + 1, 12, 0),
                             i == 9 ? at (s, w0 + 4, 9, 0) : COHORT_TS_OPEN);
    }
  for (int i = 0; i < 2; i++)
    {
      g_snprintf (name, sizeof name, "r%d", i);
      r = add_member (s, name, at (s, D (2024, 1, 10), 9, 0), at (s, D (2024, 2, 10), 9, 0));
      cohort_snapshot_add_span (s, r, at (s, w0 + 2, 8, 0), COHORT_TS_OPEN,
                                COHORT_SPAN_REJOIN, COHORT_SPAN_OPEN);
    }

  /* 28 genuine posters: b04, b05 send 17 messages, b06…b31 send 16 → 450. */
  for (int i = 4; i < 32; i++)
    for (int j = 0; j < (i < 6 ? 17 : 16); j++)
      say (s, base[i], at (s, w0 + j % 7, 8 + j % 12, i), FALSE);
  /* 12 mechanical-only posters: 12 each, b32 six more → 150. */
  for (int i = 32; i < 44; i++)
    for (int j = 0; j < (i == 32 ? 18 : 12); j++)
      say (s, base[i], at (s, w0 + j % 7, 10, j), TRUE);
  /* b44 speaks one second before and exactly at the week's edges: both outside W. */
  say (s, base[44], at (s, w0, 0, 0) - 1, FALSE);
  say (s, base[44], at (s, w0 + 7, 0, 0), FALSE);

  /* A bot joining during W and a staff member: both talk, neither counts anywhere. */
  bot = cohort_snapshot_add_member (s, "bot", "Helper bot", TRUE, FALSE);
  cohort_snapshot_add_span (s, bot, at (s, w0 + 1, 9, 0), COHORT_TS_OPEN,
                            COHORT_SPAN_JOIN, COHORT_SPAN_OPEN);
  staff = cohort_snapshot_add_member (s, "staff", "Admin", FALSE, TRUE);
  cohort_snapshot_add_span (s, staff, at (s, w0 + 1, 9, 0), COHORT_TS_OPEN,
                            COHORT_SPAN_JOIN, COHORT_SPAN_OPEN);
  for (int j = 0; j < 30; j++)
    {
      say (s, bot, at (s, w0 + j % 7, 20, j), j % 2);
      say (s, staff, at (s, w0 + j % 7, 21, j), FALSE);
    }
  (void)fresh;

  cohort_snapshot_finish (s);
  return s;
}

static void
test_growth_week (void)
{
  g_autoptr(CohortSnapshot) s = build_week ();
  int w0 = D (2024, 3, 4);
  CohortKpis k;

  cohort_metrics_kpis (s, w0, w0 + 6, &k);

  /* §1.1 Ex: NEW 10, JOINS 12 (REJOINS 2). */
  g_assert_cmpint (k.new_members, ==, 10);
  g_assert_cmpint (k.joins, ==, 12);
  /* §1.2 Ex: N(03-03) 100, LEAVES 5, NET 7 = N(03-10) − N(03-03) = 107 − 100. */
  g_assert_cmpint (k.members_start, ==, 100);
  g_assert_cmpint (k.leaves, ==, 5);
  g_assert_cmpint (k.net_growth, ==, 7);
  g_assert_cmpint (k.members_end, ==, 107);
  g_assert_cmpint (k.net_growth, ==, k.members_end - k.members_start);
  g_assert_cmpint (cohort_metrics_members_at (s, w0 - 1), ==, 100);
  g_assert_cmpint (cohort_metrics_members_at (s, w0 + 6), ==, 107);
}

static void
test_activity_week (void)
{
  g_autoptr(CohortSnapshot) s = build_week ();
  int w0 = D (2024, 3, 4);
  CohortKpis k;

  cohort_metrics_kpis (s, w0, w0 + 6, &k);

  /* §2.1 Ex: ACTIVE 28 of 112 present during W. */
  g_assert_cmpint (k.active_members, ==, 28);
  /* §2.5 Ex: RAW_IR 40/112 = 35.7 %, REAL_IR 28/112 = 25.0 %. */
  assert_rate (k.raw_interaction_rate, 40, 112);
  assert_rate (k.real_interaction_rate, 28, 112);
  g_assert_cmpfloat_with_epsilon ((double)k.real_interaction_rate.num /
                                  k.real_interaction_rate.den, 0.25, 1e-9);
  /* §2.3 Ex: RAW_MSG 600, MSG 450. */
  g_assert_cmpint (k.messages, ==, 450);
  g_assert_cmpint (k.raw_messages, ==, 600);
  /* Nobody joined within 7 days of asof 03-10 before 03-04: MR_7 is NULL. */
  assert_rate (k.retention_7d, 0, 0);
  /* Tenure ≥ 7 at 03-10: b04…b99 and r0, r1 = 98; 28 posters and b44 spoke → 69 lurkers. */
  assert_rate (k.lurk_rate, 69, 98);
  g_assert_cmpint (k.lurkers, ==, 69);
  g_assert_cmpint (k.churn_watch + k.churn_warn + k.churn_high, ==, 0);
}

static void
test_overview_week (void)
{
  g_autoptr(CohortSnapshot) s = build_week ();
  g_autoptr(CohortOverview) o = NULL;
  int w0 = D (2024, 3, 4);
  static const gint64 members[7] = { 100, 107, 108, 108, 107, 107, 107 };
  static const gint64 joins[7] = { 0, 10, 2, 0, 0, 0, 0 };
  static const gint64 leaves[7] = { 0, 3, 1, 0, 1, 0, 0 };
  CohortTopMember *top;

  o = cohort_overview_compute (s, w0, w0 + 6);
  g_assert_nonnull (o);
  g_assert_cmpuint (o->n_days, ==, 7);
  assert_series (o->members, members, 7);
  assert_series (o->day_joins, joins, 7);
  assert_series (o->day_leaves, leaves, 7);
  for (int i = 0; i < 7; i++)
    g_assert_cmpint (o->members[i], ==, cohort_metrics_members_at (s, w0 + i));

  g_assert_cmpint (o->kpis.messages, ==, 450);
  /* prev = 02-26…03-03: quiet except b44's message at 03-03 23:59:59. */
  g_assert_cmpint (o->prev.members_start, ==, 100);
  g_assert_cmpint (o->prev.members_end, ==, 100);
  g_assert_cmpint (o->prev.joins, ==, 0);
  g_assert_cmpint (o->prev.messages, ==, 1);
  g_assert_cmpint (o->prev.active_members, ==, 1);
  assert_rate (o->prev.real_interaction_rate, 1, 100);

  /* Top 10: b04 and b05 (17), then b06…b13 (16), ties broken by member index. */
  g_assert_cmpuint (o->top_members->len, ==, 10);
  top = g_ptr_array_index (o->top_members, 0);
  g_assert_cmpstr (top->name, ==, "b04");
  g_assert_cmpint (top->messages, ==, 17);
  top = g_ptr_array_index (o->top_members, 2);
  g_assert_cmpstr (top->name, ==, "b06");
  g_assert_cmpint (top->messages, ==, 16);
  top = g_ptr_array_index (o->top_members, 9);
  g_assert_cmpstr (top->name, ==, "b13");

  /* 7 days with genuine messages < 14: textbook slots. */
  g_assert_true (o->slots_fallback);
  g_assert_cmpint (o->core_slots[0], ==, 9);
  g_assert_cmpint (o->core_slots[1], ==, 12);
  g_assert_cmpint (o->core_slots[2], ==, 20);
  g_assert_cmpint (o->supplementary_slots[0], ==, 7);
  g_assert_cmpint (o->supplementary_slots[1], ==, 22);
}

/* ------------------------------------------------------------------------------------------ */

/*
 * DAU/WAU7/MAU30 by hand (UTC, 2024 is a leap year).  A posts on 03-01 (twice) and 03-05,
 * B on 03-05 and only mechanically on 03-06, C on 02-10.  02-10 + 29 days = 03-10, so C
 * leaves MAU30 on 03-11.
 */
static void
test_rolling_windows (void)
{
  g_autoptr(CohortSnapshot) s = cohort_snapshot_new ("roll", "discord", "UTC");
  g_autoptr(CohortOverview) o = NULL;
  int d0 = D (2024, 3, 1);
  gint64 open = at (s, D (2024, 1, 1), 0, 0);
  guint a = add_member (s, "A", open, COHORT_TS_OPEN);
  guint b = add_member (s, "B", open, COHORT_TS_OPEN);
  guint c = add_member (s, "C", open, COHORT_TS_OPEN);
  static const gint64 dau[11] = { 1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0 };
  static const gint64 wau[11] = { 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2 };
  static const gint64 mau[11] = { 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 2 };

  say (s, a, at (s, d0, 9, 0), FALSE);
  say (s, a, at (s, d0, 10, 0), FALSE);
  say (s, a, at (s, d0 + 4, 10, 0), FALSE);
  say (s, b, at (s, d0 + 4, 11, 0), FALSE);
  say (s, b, at (s, d0 + 5, 11, 0), TRUE);
  say (s, c, at (s, D (2024, 2, 10), 11, 0), FALSE);
  cohort_snapshot_finish (s);

  o = cohort_overview_compute (s, d0, d0 + 10);
  g_assert_cmpuint (o->n_days, ==, 11);
  assert_series (o->dau, dau, 11);
  assert_series (o->wau7, wau, 11);
  assert_series (o->mau30, mau, 11);
  /* B's mechanical 03-06 message is raw activity only. */
  g_assert_cmpint (o->kpis.raw_messages, ==, 5);
  g_assert_cmpint (o->kpis.messages, ==, 4);
  assert_rate (o->kpis.raw_interaction_rate, 2, 3);
  assert_rate (o->kpis.real_interaction_rate, 2, 3);
}

/* ------------------------------------------------------------------------------------------ */

/*
 * America/New_York, 2024-03-10 is 23 h long: E(03-10) = 2024-03-11T04:00Z (EDT), whereas a
 * fixed EST offset would put it at 05:00Z.
 */
static void
test_dst_boundary (void)
{
  g_autoptr(CohortSnapshot) s = cohort_snapshot_new ("ny", "discord", "America/New_York");
  g_autoptr(CohortOverview) o = NULL;
  int d = D (2024, 3, 10);
  gint64 jan = 1704085200;        /* 2024-01-01T00:00 EST */
  gint64 e = 1710129600;          /* 2024-03-11T04:00Z = 03-11 00:00 EDT */
  guint a, b, c;
  static const gint64 members[3] = { 2, 3, 2 };
  static const gint64 joins[3] = { 0, 1, 0 };
  static const gint64 leaves[3] = { 0, 0, 1 };
  static const gint64 dau[3] = { 0, 1, 1 };
  CohortKpis k;

  g_assert_cmpint (cohort_snapshot_day_end (s, d), ==, e);
  g_assert_cmpint (cohort_snapshot_day_end (s, d) - cohort_snapshot_day_start (s, d), ==,
                   23 * 3600);

  /* A joins at 03-10 23:30 EDT; B leaves exactly at E(03-10), so is present at its end. */
  a = add_member (s, "A", e - 1800, COHORT_TS_OPEN);
  b = add_member (s, "B", jan, e);
  c = add_member (s, "C", jan, COHORT_TS_OPEN);
  say (s, a, e - 1800, FALSE);        /* 03-10 23:30 EDT, Sunday */
  say (s, c, e + 1800, FALSE);        /* 03-11 00:30 EDT, Monday; 03-10 23:30 under EST */
  cohort_snapshot_finish (s);
  (void)b;

  g_assert_cmpint (cohort_metrics_members_at (s, d), ==, 3);
  g_assert_cmpint (cohort_metrics_members_at (s, d + 1), ==, 2);

  o = cohort_overview_compute (s, d - 1, d + 1);
  assert_series (o->members, members, 3);
  assert_series (o->day_joins, joins, 3);
  assert_series (o->day_leaves, leaves, 3);
  assert_series (o->dau, dau, 3);
  g_assert_cmpint (o->heatmap_counts[6][23], ==, 1);
  g_assert_cmpint (o->heatmap_counts[0][0], ==, 1);

  cohort_metrics_kpis (s, d, d + 1, &k);
  g_assert_cmpint (k.members_start, ==, 2);
  g_assert_cmpint (k.members_end, ==, 2);
  g_assert_cmpint (k.joins, ==, 1);
  g_assert_cmpint (k.leaves, ==, 1);
  g_assert_cmpint (k.net_growth, ==, k.members_end - k.members_start);
}

/*
 * Asia/Shanghai, §0.2: 2024-03-03T16:30:00Z is day 03-04 and 15:59:59Z is still 03-03.
 */
static void
test_midnight_boundary (void)
{
  g_autoptr(CohortSnapshot) s = cohort_snapshot_new ("sh", "wechat", "Asia/Shanghai");
  g_autoptr(CohortOverview) o = NULL;
  int d = D (2024, 3, 4);
  gint64 mid = 1709481600;        /* 2024-03-03T16:00:00Z = 03-04 00:00 CST */
  guint a, b;
  static const gint64 members[2] = { 2, 2 };
  static const gint64 joins[2] = { 1, 1 };
  static const gint64 leaves[2] = { 0, 1 };
  static const gint64 dau[2] = { 1, 1 };
  CohortKpis k;

  a = add_member (s, "A", mid + 1800, COHORT_TS_OPEN);
  b = add_member (s, "B", mid - 1, COHORT_TS_OPEN);
  add_member (s, "C", at (s, D (2024, 1, 1), 9, 0), mid);   /* leaves at the midnight */
  say (s, a, mid + 1800, FALSE);
  say (s, b, mid - 1, FALSE);
  cohort_snapshot_finish (s);

  g_assert_cmpint (cohort_metrics_members_at (s, d - 1), ==, 2);   /* B, C */
  g_assert_cmpint (cohort_metrics_members_at (s, d), ==, 2);       /* A, B */

  cohort_metrics_kpis (s, d, d, &k);
  g_assert_cmpint (k.new_members, ==, 1);
  g_assert_cmpint (k.joins, ==, 1);
  g_assert_cmpint (k.leaves, ==, 1);
  g_assert_cmpint (k.active_members, ==, 1);
  /* C left at the first instant of 03-04: a leave in P, so C was present during P. */
  assert_rate (k.real_interaction_rate, 1, 3);
  cohort_metrics_kpis (s, d - 1, d - 1, &k);
  g_assert_cmpint (k.new_members, ==, 1);
  g_assert_cmpint (k.leaves, ==, 0);

  o = cohort_overview_compute (s, d - 1, d);
  assert_series (o->members, members, 2);
  assert_series (o->day_joins, joins, 2);
  assert_series (o->day_leaves, leaves, 2);
  assert_series (o->dau, dau, 2);
  g_assert_cmpint (o->heatmap_counts[6][23], ==, 1);      /* Sunday 03-03 23:59:59 */
  g_assert_cmpint (o->heatmap_counts[0][0], ==, 1);       /* Monday 03-04 00:30 */
  g_assert_cmpfloat_with_epsilon (o->heatmap[0][0], 1.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (o->hour_profile[0], 0.5, 1e-9);
  g_assert_cmpfloat_with_epsilon (o->hour_profile[23], 0.5, 1e-9);
}

/* Inconsistent input with a span nested in another: the member still counts once a day. */
static void
test_overlapping_spans (void)
{
  g_autoptr(CohortSnapshot) s = cohort_snapshot_new ("o", "discord", "UTC");
  g_autoptr(CohortOverview) o = NULL;
  int d = D (2024, 2, 10);
  static const gint64 members[3] = { 1, 1, 1 };
  guint m;

  m = add_member (s, "A", at (s, D (2024, 1, 1), 9, 0), COHORT_TS_OPEN);
  cohort_snapshot_add_span (s, m, at (s, D (2024, 2, 1), 9, 0), at (s, d, 9, 0), 0, 1);
  cohort_snapshot_finish (s);

  o = cohort_overview_compute (s, d - 1, d + 1);
  assert_series (o->members, members, 3);
  for (int i = 0; i < 3; i++)
    g_assert_cmpint (cohort_metrics_members_at (s, d - 1 + i), ==, 1);
}

/* ------------------------------------------------------------------------------------------ */

static void
assert_slots (const double hp[24],
              int          c0,
              int          c1,
              int          c2,
              int          s0,
              int          s1)
{
  int core[3], supp[2];

  cohort_metrics_posting_slots (hp, core, supp);
  g_assert_cmpint (core[0], ==, c0);
  g_assert_cmpint (core[1], ==, c1);
  g_assert_cmpint (core[2], ==, c2);
  g_assert_cmpint (supp[0], ==, s0);
  g_assert_cmpint (supp[1], ==, s1);
}

static void
test_posting_slots (void)
{
  double hp[24] = { 0 };

  /* §2.7 Ex: core 20, 12, 09 (21 is 1 h from 20); supplementary 22, 16 (10 and 13 rejected). */
  for (int h = 0; h < 24; h++)
    hp[h] = h % 5;      /* "other hours < 18" */
  hp[20] = 50, hp[21] = 45, hp[12] = 35, hp[9] = 30, hp[10] = 28;
  hp[22] = 26, hp[13] = 20, hp[16] = 19, hp[7] = 18;
  assert_slots (hp, 20, 12, 9, 22, 16);

  /* All zero: zeros go by hour, every other hour is kept. */
  for (int h = 0; h < 24; h++)
    hp[h] = 0;
  assert_slots (hp, 0, 2, 4, 6, 8);

  /* The clock is circular: 0 and 22 are 1 h from 23 and rejected; 1 is 2 h away. */
  hp[23] = 5, hp[0] = 4, hp[22] = 3, hp[1] = 2;
  assert_slots (hp, 23, 1, 3, 5, 7);

  /* Ties go to the earlier hour; fewer than 5 non-zero hours still give 5 slots. */
  for (int h = 0; h < 24; h++)
    hp[h] = 0;
  hp[5] = 10, hp[3] = 10;
  assert_slots (hp, 3, 5, 0, 7, 9);
}

/* Builds the §2.7 example as data: on each of `days` days the hour counts equal HP. */
static CohortSnapshot *
build_hours (int first,
             int n_days,
             int skip_day)
{
  static const int hp[24] = { 0, 0, 0, 5, 0, 0, 0, 18, 0, 30, 28, 0,
                              35, 20, 0, 0, 19, 0, 0, 0, 50, 45, 26, 0 };
  CohortSnapshot *s = cohort_snapshot_new ("hours", "discord", "UTC");
  guint m = add_member (s, "A", at (s, first - 30, 0, 0), COHORT_TS_OPEN);

  for (int d = first; d < first + n_days; d++)
    if (d != skip_day)
      for (int h = 0; h < 24; h++)
        for (int i = 0; i < hp[h]; i++)
          say (s, m, at (s, d, h, i % 60), FALSE);
  cohort_snapshot_finish (s);
  return s;
}

static void
test_overview_slots (void)
{
  int d0 = D (2024, 3, 4);   /* Monday: 14 days = two of each weekday */
  g_autoptr(CohortSnapshot) s = build_hours (d0, 14, -1);
  g_autoptr(CohortSnapshot) thin = build_hours (d0, 14, d0 + 5);
  g_autoptr(CohortOverview) o = cohort_overview_compute (s, d0, d0 + 13);
  g_autoptr(CohortOverview) t = cohort_overview_compute (thin, d0, d0 + 13);

  g_assert_cmpfloat_with_epsilon (o->hour_profile[20], 50.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (o->hour_profile[7], 18.0, 1e-9);
  g_assert_cmpint (o->heatmap_counts[2][20], ==, 100);
  g_assert_cmpfloat_with_epsilon (o->heatmap[2][20], 50.0, 1e-9);
  g_assert_false (o->slots_fallback);
  g_assert_cmpint (o->core_slots[0], ==, 20);
  g_assert_cmpint (o->core_slots[1], ==, 12);
  g_assert_cmpint (o->core_slots[2], ==, 9);
  g_assert_cmpint (o->supplementary_slots[0], ==, 22);
  g_assert_cmpint (o->supplementary_slots[1], ==, 16);

  /* 13 days of data in a 14-day range: fallback 09/12/20 + 07/22. */
  g_assert_true (t->slots_fallback);
  g_assert_cmpint (t->core_slots[0], ==, 9);
  g_assert_cmpint (t->core_slots[1], ==, 12);
  g_assert_cmpint (t->core_slots[2], ==, 20);
  g_assert_cmpint (t->supplementary_slots[0], ==, 7);
  g_assert_cmpint (t->supplementary_slots[1], ==, 22);
  /* Saturday 03-09 is empty, so Saturday's 20h cell averages 50 over 2 Saturdays. */
  g_assert_cmpfloat_with_epsilon (t->heatmap[5][20], 25.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (t->hour_profile[20], 50.0 * 13 / 14, 1e-9);
}

/* ------------------------------------------------------------------------------------------ */

/*
 * §3.1 Ex (UTC): cohort 2024-03-01 of 20.  m0, m1 leave 03-02 (18 left at the end of 03-02);
 * m2 leaves 03-04 and rejoins 03-07; m3, m4 leave 03-05, m5 is kicked 03-06, m6 leaves 03-08;
 * m7 leaves exactly at E(03-08) and so is still present at its end.  MR_7 = 14/20.
 */
static void
test_retention_7d (void)
{
  g_autoptr(CohortSnapshot) s = cohort_snapshot_new ("ret", "telegram", "UTC");
  int d0 = D (2024, 3, 1);
  CohortKpis k;
  char name[16];

  for (int i = 0; i < 20; i++)
    {
      gint64 join = at (s, d0, 10, i);
      guint m;

      g_snprintf (name, sizeof name, "m%d", i);
      m = cohort_snapshot_add_member (s, name, name, FALSE, FALSE);
      switch (i)
        {
        case 0:
        case 1:
          cohort_snapshot_add_span (s, m, join, at (s, d0 + 1, 12, 0), 0, COHORT_SPAN_LEAVE);
          break;
        case 2:
          cohort_snapshot_add_span (s, m, join, at (s, d0 + 3, 12, 0), 0, COHORT_SPAN_LEAVE);
          cohort_snapshot_add_span (s, m, at (s, d0 + 6, 12, 0), COHORT_TS_OPEN,
                                    COHORT_SPAN_REJOIN, COHORT_SPAN_OPEN);
          break;
        case 3:
        case 4:
          cohort_snapshot_add_span (s, m, join, at (s, d0 + 4, 12, 0), 0, COHORT_SPAN_LEAVE);
          break;
        case 5:
          cohort_snapshot_add_span (s, m, join, at (s, d0 + 5, 12, 0), 0, COHORT_SPAN_KICK);
          break;
        case 6:
          cohort_snapshot_add_span (s, m, join, at (s, d0 + 7, 10, 0), 0, COHORT_SPAN_LEAVE);
          break;
        case 7:
          cohort_snapshot_add_span (s, m, join, at (s, d0 + 8, 0, 0), 0, COHORT_SPAN_LEAVE);
          break;
        default:
          cohort_snapshot_add_span (s, m, join, COHORT_TS_OPEN, 0, COHORT_SPAN_OPEN);
          break;
        }
    }
  cohort_snapshot_finish (s);

  g_assert_cmpint (cohort_metrics_members_at (s, d0 + 1), ==, 18);   /* MR_1 numerator */
  g_assert_cmpint (cohort_metrics_members_at (s, d0 + 7), ==, 14);

  cohort_metrics_kpis (s, d0, d0 + 7, &k);
  assert_rate (k.retention_7d, 14, 20);
  g_assert_cmpint (k.new_members, ==, 20);
  g_assert_cmpint (k.joins, ==, 21);
  g_assert_cmpint (k.leaves, ==, 7);
  g_assert_cmpint (k.net_growth, ==, k.members_end - k.members_start);

  /* A wider range changes nothing; with asof 03-05 the cell is immature (NULL). */
  cohort_metrics_kpis (s, D (2024, 2, 20), d0 + 7, &k);
  assert_rate (k.retention_7d, 14, 20);
  cohort_metrics_kpis (s, d0, d0 + 4, &k);
  assert_rate (k.retention_7d, 0, 0);
  /* The cohort day must lie in P. */
  cohort_metrics_kpis (s, d0 + 1, d0 + 8, &k);
  assert_rate (k.retention_7d, 0, 0);
}

/*
 * §3.3 Ex, in weeks (UTC): the cohort of ISO week 2024-03-04 has 40 members; 25 post in
 * their join week, 14 in the next week (3 more only mechanically), 10 leave on 03-12 so 30
 * are members at the end of 03-17.  asof = Wed 03-20, so week 03-18 is immature.
 */
static CohortSnapshot *
build_weeks (void)
{
  CohortSnapshot *s = cohort_snapshot_new ("weeks", "telegram", "UTC");
  int w = D (2024, 3, 4);
  guint m;
  char name[16];

  for (int i = 0; i < 40; i++)
    {
      g_snprintf (name, sizeof name, "c%02d", i);
      m = add_member (s, name, at (s, w + i % 7, 8, 0),
                      i >= 30 ? at (s, w + 8, 12, 0) : COHORT_TS_OPEN);
      if (i < 25)
        say (s, m, at (s, w + 6, 12, 0), FALSE);
      if (i < 14)
        say (s, m, at (s, w + 9, 12, 0), FALSE);
      else if (i < 17)
        say (s, m, at (s, w + 10, 12, 0), TRUE);
    }
  /* Two joiners in week 03-18, a staff joiner in week 03-04 and an older member. */
  add_member (s, "late1", at (s, w + 15, 9, 0), COHORT_TS_OPEN);
  add_member (s, "late2", at (s, w + 15, 9, 0), COHORT_TS_OPEN);
  m = cohort_snapshot_add_member (s, "staff", "staff", FALSE, TRUE);
  cohort_snapshot_add_span (s, m, at (s, w, 9, 0), COHORT_TS_OPEN, 0, 0);
  m = add_member (s, "old", at (s, D (2023, 6, 1), 9, 0), COHORT_TS_OPEN);
  say (s, m, at (s, w + 9, 9, 0), FALSE);
  cohort_snapshot_finish (s);
  return s;
}

static void
test_weekly_cohorts (void)
{
  g_autoptr(CohortSnapshot) s = build_weeks ();
  int w = D (2024, 3, 4);
  g_autoptr(CohortOverview) o = cohort_overview_compute (s, w, w + 16);
  g_autoptr(CohortOverview) wide = cohort_overview_compute (s, D (2023, 12, 1), w + 16);
  CohortRetentionRow *row;

  g_assert_cmpuint (o->n_cohorts, ==, 3);
  row = &o->cohorts[0];
  g_assert_cmpint (row->week_start, ==, w);
  g_assert_cmpint (row->size, ==, 40);
  g_assert_cmpint (row->n_cells, ==, 3);
  assert_rate (row->active[0], 25, 40);
  assert_rate (row->member[0], 40, 40);
  assert_rate (row->active[1], 14, 40);      /* 35.0 % */
  assert_rate (row->member[1], 30, 40);      /* 75.0 % */
  assert_rate (row->active[2], 0, 0);        /* immature */
  assert_rate (row->member[2], 0, 0);

  row = &o->cohorts[1];
  g_assert_cmpint (row->week_start, ==, w + 7);
  g_assert_cmpint (row->size, ==, 0);
  g_assert_cmpint (row->n_cells, ==, 2);
  assert_rate (row->active[0], 0, 0);

  row = &o->cohorts[2];
  g_assert_cmpint (row->week_start, ==, w + 14);
  g_assert_cmpint (row->size, ==, 2);
  g_assert_cmpint (row->n_cells, ==, 1);
  assert_rate (row->active[0], 0, 0);

  /* From 2023-12-01 there are 17 weeks; the 12 newest start on 2024-01-01. */
  g_assert_cmpuint (wide->n_cohorts, ==, COHORT_RETENTION_MAX_WEEKS);
  g_assert_cmpint (wide->cohorts[0].week_start, ==, D (2024, 1, 1));
  g_assert_cmpint (wide->cohorts[0].n_cells, ==, 12);
  row = &wide->cohorts[9];
  g_assert_cmpint (row->week_start, ==, w);
  assert_rate (row->active[1], 14, 40);
  assert_rate (row->member[1], 30, 40);
  g_assert_cmpint (wide->cohorts[11].n_cells, ==, 1);
}

/* ------------------------------------------------------------------------------------------ */

/*
 * §4.1 Ex, asof 2024-04-30 (UTC): last genuine message 03-31 → 30 days → 预警, 04-01 → 29
 * → 关注.  More cases around the thresholds, mechanical messages, leavers and rejoins.
 */
static void
test_churn_warning (void)
{
  g_autoptr(CohortSnapshot) s = cohort_snapshot_new ("churn", "telegram", "UTC");
  g_autoptr(CohortOverview) o = NULL;
  int asof = D (2024, 4, 30);
  gint64 jan = at (s, D (2024, 1, 1), 9, 0);
  struct { const char *name; int level; int silent; } expected[] = {
    { "f", COHORT_CHURN_HIGH, 60 }, { "g", COHORT_CHURN_HIGH, 60 },
    { "j", COHORT_CHURN_HIGH, 60 }, { "e", COHORT_CHURN_WARN, 59 },
    { "k", COHORT_CHURN_WARN, 51 }, { "a", COHORT_CHURN_WARN, 30 },
    { "b", COHORT_CHURN_WATCH, 29 }, { "d", COHORT_CHURN_WATCH, 14 },
  };
  guint m;

  /* Added in non-alphabetical order so the name tie-break is really exercised. */
  m = add_member (s, "j", jan, COHORT_TS_OPEN);
  say (s, m, at (s, D (2024, 3, 1), 9, 0), FALSE);
  say (s, m, at (s, D (2024, 5, 5), 9, 0), FALSE);         /* after asof */
  m = add_member (s, "a", jan, COHORT_TS_OPEN);
  say (s, m, at (s, D (2024, 3, 31), 23, 59), FALSE);
  m = add_member (s, "b", jan, COHORT_TS_OPEN);
  say (s, m, at (s, D (2024, 4, 1), 0, 0), FALSE);
  m = add_member (s, "c", jan, COHORT_TS_OPEN);
  say (s, m, at (s, D (2024, 4, 17), 9, 0), FALSE);        /* 13 days: fine */
  m = add_member (s, "d", jan, COHORT_TS_OPEN);
  say (s, m, at (s, D (2024, 4, 16), 9, 0), FALSE);
  m = add_member (s, "e", jan, COHORT_TS_OPEN);
  say (s, m, at (s, D (2024, 3, 2), 9, 0), FALSE);
  m = add_member (s, "g", jan, COHORT_TS_OPEN);
  say (s, m, at (s, D (2024, 3, 1), 9, 0), FALSE);
  say (s, m, at (s, D (2024, 4, 29), 9, 0), TRUE);         /* "收到" does not count */
  m = add_member (s, "f", jan, COHORT_TS_OPEN);
  say (s, m, at (s, D (2024, 3, 1), 9, 0), FALSE);
  m = add_member (s, "h", jan, at (s, D (2024, 4, 10), 9, 0));   /* gone: not warned */
  say (s, m, at (s, D (2024, 3, 1), 9, 0), FALSE);
  add_member (s, "i", jan, COHORT_TS_OPEN);                /* never spoke: a lurker */
  m = add_member (s, "k", jan, at (s, D (2024, 3, 15), 9, 0));
  cohort_snapshot_add_span (s, m, at (s, D (2024, 4, 20), 9, 0), COHORT_TS_OPEN,
                            COHORT_SPAN_REJOIN, COHORT_SPAN_OPEN);
  say (s, m, at (s, D (2024, 3, 10), 9, 0), FALSE);        /* the rejoin does not reset */
  m = cohort_snapshot_add_member (s, "staff", "staff", FALSE, TRUE);
  cohort_snapshot_add_span (s, m, jan, COHORT_TS_OPEN, 0, 0);
  say (s, m, at (s, D (2024, 3, 1), 9, 0), FALSE);
  cohort_snapshot_finish (s);

  g_assert_cmpint (cohort_metrics_churn_level (13), ==, COHORT_CHURN_NONE);
  g_assert_cmpint (cohort_metrics_churn_level (14), ==, COHORT_CHURN_WATCH);
  g_assert_cmpint (cohort_metrics_churn_level (29), ==, COHORT_CHURN_WATCH);
  g_assert_cmpint (cohort_metrics_churn_level (30), ==, COHORT_CHURN_WARN);
  g_assert_cmpint (cohort_metrics_churn_level (59), ==, COHORT_CHURN_WARN);
  g_assert_cmpint (cohort_metrics_churn_level (60), ==, COHORT_CHURN_HIGH);

  o = cohort_overview_compute (s, D (2024, 4, 1), asof);
  g_assert_cmpint (o->kpis.churn_watch, ==, 2);
  g_assert_cmpint (o->kpis.churn_warn, ==, 3);
  g_assert_cmpint (o->kpis.churn_high, ==, 3);
  g_assert_cmpuint (o->churn_list->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      CohortChurnEntry *e = g_ptr_array_index (o->churn_list, i);

      g_assert_cmpstr (e->name, ==, expected[i].name);
      g_assert_cmpint (e->level, ==, expected[i].level);
      g_assert_cmpint (e->silent_days, ==, expected[i].silent);
      g_assert_cmpint (e->last_day, ==, asof - expected[i].silent);
    }
  /* Present with tenure ≥ 7: everyone but h and staff = 10; only i never spoke. */
  assert_rate (o->kpis.lurk_rate, 1, 10);

  /* Export CSV holds the whole list, most silent first (the page shows only its first rows) */
  {
    g_autofree char *csv = cohort_overview_churn_to_csv (o, s);
    g_auto(GStrv) lines = g_strsplit (csv, "\n", -1);

    g_assert_cmpuint (g_strv_length (lines), ==, 1 + G_N_ELEMENTS (expected) + 1);
    g_assert_cmpstr (lines[0], ==, "uid,name,level,silent_days,last_message");
    g_assert_cmpstr (lines[1], ==, "f,f,high-risk,60,2024-03-01");
    g_assert_cmpstr (lines[5], ==, "k,k,warning,51,2024-03-10");
    g_assert_cmpstr (lines[8], ==, "d,d,slipping,14,2024-04-16");
    g_assert_cmpstr (lines[9], ==, "");
  }
}

/* A chat name is never a spreadsheet formula, and quotes survive a round trip. */
static void
test_csv_cells (void)
{
  g_autoptr(GString) line = g_string_new (NULL);

  cohort_csv_append_field (line, "=HYPERLINK(\"x\")");
  cohort_csv_append_field (line, "plain");
  cohort_csv_append_field (line, NULL);
  cohort_csv_append_field (line, "a,b");
  cohort_csv_append_int (line, -3);
  g_string_append_c (line, '\n');
  cohort_csv_append_day (line, D (2024, 2, 29));
  g_assert_cmpstr (line->str, ==, "\"'=HYPERLINK(\"\"x\"\")\",plain,,\"a,b\",-3\n2024-02-29");
}

/*
 * §4.2 Ex, asof 2024-03-31 (UTC): 90 members present with tenure ≥ 7 (one of them joined
 * exactly 7 days before asof), 54 never sent a genuine message.  Excluded: tenure 6, a
 * leaver, a bot.
 */
static void
test_lurkers (void)
{
  g_autoptr(CohortSnapshot) s = cohort_snapshot_new ("lurk", "telegram", "UTC");
  int asof = D (2024, 3, 31);
  gint64 jan = at (s, D (2024, 1, 1), 9, 0);
  CohortKpis k;
  guint m;

  for (int i = 0; i < 89; i++)
    {
      m = add_member (s, "x", jan, COHORT_TS_OPEN);
      if (i < 36)
        say (s, m, at (s, D (2024, 2, 1), 9, i), FALSE);
      else if (i < 46)
        say (s, m, at (s, D (2024, 2, 1), 10, i), TRUE);   /* mechanical only: still lurking */
    }
  add_member (s, "t7", at (s, asof - 7, 23, 0), COHORT_TS_OPEN);
  add_member (s, "t6", at (s, asof - 6, 0, 0), COHORT_TS_OPEN);
  add_member (s, "gone", jan, at (s, asof - 1, 0, 0));
  m = cohort_snapshot_add_member (s, "bot", "bot", TRUE, FALSE);
  cohort_snapshot_add_span (s, m, jan, COHORT_TS_OPEN, 0, 0);
  cohort_snapshot_finish (s);

  cohort_metrics_kpis (s, asof - 29, asof, &k);
  g_assert_cmpint (k.lurkers, ==, 54);
  assert_rate (k.lurk_rate, 54, 90);                     /* 60.0 % */
  g_assert_cmpint (k.members_end, ==, 91);
  /* the 36 speakers last posted on 02-01: 59 days before 03-31 (2024 is a leap year) */
  g_assert_cmpint (k.churn_warn, ==, 36);
  g_assert_cmpint (k.churn_high, ==, 0);
}

/* ------------------------------------------------------------------------------------------ */

static void
test_default_range (void)
{
  g_autoptr(CohortSnapshot) s = cohort_snapshot_new ("r", "discord", "UTC");
  g_autoptr(CohortSnapshot) sh = cohort_snapshot_new ("r", "wechat", "Asia/Shanghai");
  gint64 now = at (s, D (2024, 3, 15), 10, 0);
  int day0, day1;
  guint m;

  /* The data stops on 2024-01-10; the range still follows the calendar. */
  m = add_member (s, "A", at (s, D (2023, 11, 5), 9, 0), COHORT_TS_OPEN);
  say (s, m, at (s, D (2024, 1, 10), 9, 0), FALSE);
  cohort_snapshot_finish (s);
  cohort_snapshot_finish (sh);

  cohort_metrics_default_range (s, now, 30, &day0, &day1);
  g_assert_cmpint (day1, ==, D (2024, 3, 14));
  g_assert_cmpint (day0, ==, D (2024, 2, 14));
  cohort_metrics_default_range (s, now, 0, &day0, &day1);
  g_assert_cmpint (day0, ==, D (2023, 11, 5));
  g_assert_cmpint (day1, ==, D (2024, 3, 14));

  /* 16:30Z on 03-03 is already 03-04 in Shanghai, so 03-03 is the last complete day. */
  cohort_metrics_default_range (sh, 1709483400, 7, &day0, &day1);
  g_assert_cmpint (day1, ==, D (2024, 3, 3));
  g_assert_cmpint (day0, ==, D (2024, 2, 26));
}

static void
test_empty (void)
{
  g_autoptr(CohortSnapshot) s = cohort_snapshot_new ("e", "discord", "UTC");
  g_autoptr(CohortOverview) o = NULL;
  int d = D (2024, 3, 1);
  CohortKpis k;

  cohort_snapshot_finish (s);
  cohort_metrics_kpis (s, d, d + 6, &k);
  assert_rate (k.real_interaction_rate, 0, 0);
  assert_rate (k.raw_interaction_rate, 0, 0);
  assert_rate (k.retention_7d, 0, 0);
  assert_rate (k.lurk_rate, 0, 0);
  g_assert_cmpint (k.members_end, ==, 0);

  o = cohort_overview_compute (s, d, d);
  g_assert_cmpuint (o->n_days, ==, 1);
  g_assert_cmpint (o->dau[0], ==, 0);
  g_assert_cmpuint (o->top_members->len, ==, 0);
  g_assert_cmpuint (o->churn_list->len, ==, 0);
  g_assert_cmpuint (o->n_cohorts, ==, 1);
  g_assert_true (o->slots_fallback);
  cohort_overview_free (NULL);
}

/* ------------------------------------------------------------------------------------------ */

/*
 * A random community over 18 months in America/New_York (two DST switches a year): the
 * day-based series must agree with the timestamp-based N(d), single-period KPIs and the
 * growth identity.
 */
static CohortSnapshot *
build_random (guint n_members,
              guint n_messages,
              int   first,
              int   last)
{
  CohortSnapshot *s = cohort_snapshot_new ("random", "discord", "America/New_York");
  g_autoptr(GRand) rand = g_rand_new_with_seed (20240310);
  gint64 t0 = cohort_snapshot_day_start (s, first);
  gint64 t1 = cohort_snapshot_day_end (s, last);
  char name[16];

  for (guint i = 0; i < n_members; i++)
    {
      gint64 t = g_rand_int_range (rand, 0, (gint32)((t1 - t0) / 60)) * (gint64)60 + t0;
      int n_spans = g_rand_int_range (rand, 0, 4);    /* 0 = join unknown */
      guint m;

      g_snprintf (name, sizeof name, "u%05u", i);
      m = cohort_snapshot_add_member (s, name, name, g_rand_int_range (rand, 0, 40) == 0,
                                      g_rand_int_range (rand, 0, 40) == 0);
      for (int k = 0; k < n_spans && t < t1; k++)
        {
          gint64 end = t + g_rand_int_range (rand, 1, 200 * 86400);

          /* some spans end exactly at a local midnight */
          if (g_rand_int_range (rand, 0, 10) == 0)
            end = cohort_snapshot_day_start (s, cohort_snapshot_local_day (s, end));
          if (end <= t)
            end = t + 1;
          if (k == n_spans - 1 || end >= t1)
            end = g_rand_boolean (rand) ? COHORT_TS_OPEN : end;
          cohort_snapshot_add_span (s, m, t, end, 0, end == COHORT_TS_OPEN ? 0 : 1);
          if (end == COHORT_TS_OPEN)
            break;
          t = end + g_rand_int_range (rand, 0, 30 * 86400);
        }
    }
  for (guint i = 0; i < n_messages; i++)
    {
      /* skewed towards a few talkative members */
      guint m = (guint)(n_members * g_rand_double (rand) * g_rand_double (rand));
      gint64 ts = t0 + (gint64)(g_rand_double (rand) * (double)(t1 - t0));

      cohort_snapshot_add_message (s, ts, m, COHORT_MESSAGE_TEXT,
                                   g_rand_int_range (rand, 0, 5) == 0, -1);
    }
  cohort_snapshot_finish (s);
  return s;
}

static void
test_random_consistency (void)
{
  int first = D (2023, 1, 1), last = D (2024, 6, 30);
  g_autoptr(CohortSnapshot) s = build_random (3000, 200000, first, last);
  g_autoptr(CohortOverview) o = NULL;
  int day0 = D (2023, 2, 1);
  gint64 total = 0, start;
  gint64 t = g_get_monotonic_time ();

  o = cohort_overview_compute (s, day0, last);
  g_test_message ("overview of %u messages: %.1f ms", s->n_messages,
                  (g_get_monotonic_time () - t) / 1000.0);

  start = cohort_metrics_members_at (s, day0 - 1);
  g_assert_cmpint (o->kpis.members_start, ==, start);
  for (guint i = 0; i < o->n_days; i++)
    {
      g_assert_cmpint (o->members[i], ==, cohort_metrics_members_at (s, day0 + (int)i));
      total += o->day_joins[i] - o->day_leaves[i];
      g_assert_cmpint (start + total, ==, o->members[i]);
      g_assert_cmpint (o->wau7[i], >=, o->dau[i]);
      g_assert_cmpint (o->mau30[i], >=, o->wau7[i]);
    }
  g_assert_cmpint (o->kpis.net_growth, ==, o->kpis.members_end - o->kpis.members_start);
  g_assert_cmpint (o->kpis.net_growth, ==, total);
  g_assert_cmpint (o->prev.net_growth, ==, o->prev.members_end - o->prev.members_start);
  g_assert_cmpint (o->kpis.members_end, ==, o->members[o->n_days - 1]);
  g_assert_cmpint (o->kpis.active_members, <=, o->kpis.raw_interaction_rate.num);

  /* The sliding-window series agree with the direct KPI computation. */
  for (guint i = 0; i < o->n_days; i += 37)
    {
      int d = day0 + (int)i;
      CohortKpis k;

      cohort_metrics_kpis (s, d, d, &k);
      g_assert_cmpint (o->dau[i], ==, k.active_members);
      cohort_metrics_kpis (s, d - 6, d, &k);
      g_assert_cmpint (o->wau7[i], ==, k.active_members);
      g_assert_cmpint (k.net_growth, ==, k.members_end - k.members_start);
      cohort_metrics_kpis (s, d - 29, d, &k);
      g_assert_cmpint (o->mau30[i], ==, k.active_members);
    }

  total = 0;
  for (int wd = 0; wd < 7; wd++)
    for (int h = 0; h < 24; h++)
      total += o->heatmap_counts[wd][h];
  g_assert_cmpint (total, ==, o->kpis.messages);
  for (guint i = 1; i < o->top_members->len; i++)
    g_assert_cmpint (((CohortTopMember *)o->top_members->pdata[i - 1])->messages, >=,
                     ((CohortTopMember *)o->top_members->pdata[i])->messages);
  g_assert_false (o->slots_fallback);
}

/* Run with -m perf: the brief's budget is tens of milliseconds for a million messages. */
static void
test_perf (void)
{
  g_autoptr(CohortSnapshot) s = NULL;
  g_autoptr(CohortOverview) o = NULL;
  gint64 t;

  if (!g_test_perf ())
    {
      g_test_skip ("run with -m perf");
      return;
    }
  s = build_random (50000, 1000000, D (2023, 1, 1), D (2024, 6, 30));
  t = g_get_monotonic_time ();
  o = cohort_overview_compute (s, D (2024, 6, 1), D (2024, 6, 30));
  g_test_minimized_result ((g_get_monotonic_time () - t) / 1e6,
                           "30-day overview of 1M messages: %.1f ms",
                           (g_get_monotonic_time () - t) / 1000.0);
  t = g_get_monotonic_time ();
  g_clear_pointer (&o, cohort_overview_free);
  o = cohort_overview_compute (s, D (2023, 1, 1), D (2024, 6, 30));
  g_test_minimized_result ((g_get_monotonic_time () - t) / 1e6,
                           "full-range overview of 1M messages: %.1f ms",
                           (g_get_monotonic_time () - t) / 1000.0);
}

/* The default ranges follow the calendar; a range is past the data when every join, leave
 * and message is older than its first day, in the community's zone. */
static void
test_range_after_data (void)
{
  g_autoptr(CohortSnapshot) empty = cohort_snapshot_new ("empty", "telegram", "Asia/Shanghai");
  g_autoptr(CohortSnapshot) s = cohort_snapshot_new ("old", "telegram", "Asia/Shanghai");
  g_autoptr(CohortSnapshot) joins = cohort_snapshot_new ("joins", "telegram", "Asia/Shanghai");
  int day = D (2024, 3, 21);
  guint m;

  cohort_snapshot_finish (empty);
  g_assert_false (cohort_metrics_range_after_data (empty, day));

  /* joined on 03-01, last message 03-21 at 23:30 Shanghai time (15:30 UTC) */
  m = add_member (s, "alice", at (s, D (2024, 3, 1), 9, 0), COHORT_TS_OPEN);
  say (s, m, at (s, day, 23, 30), FALSE);
  cohort_snapshot_finish (s);
  g_assert_cmpint (s->last_day, ==, day);
  g_assert_false (cohort_metrics_range_after_data (s, day - 29));
  g_assert_false (cohort_metrics_range_after_data (s, day));
  g_assert_true (cohort_metrics_range_after_data (s, day + 1));

  /* a leave counts as data too, without any message */
  add_member (joins, "bob", at (joins, D (2024, 3, 1), 9, 0), at (joins, day, 8, 0));
  cohort_snapshot_finish (joins);
  g_assert_false (cohort_metrics_range_after_data (joins, day));
  g_assert_true (cohort_metrics_range_after_data (joins, day + 1));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cohort/metrics/growth-week", test_growth_week);
  g_test_add_func ("/cohort/metrics/range-after-data", test_range_after_data);
  g_test_add_func ("/cohort/metrics/activity-week", test_activity_week);
  g_test_add_func ("/cohort/metrics/overview-week", test_overview_week);
  g_test_add_func ("/cohort/metrics/rolling-windows", test_rolling_windows);
  g_test_add_func ("/cohort/metrics/dst-boundary", test_dst_boundary);
  g_test_add_func ("/cohort/metrics/midnight-boundary", test_midnight_boundary);
  g_test_add_func ("/cohort/metrics/overlapping-spans", test_overlapping_spans);
  g_test_add_func ("/cohort/metrics/posting-slots", test_posting_slots);
  g_test_add_func ("/cohort/metrics/overview-slots", test_overview_slots);
  g_test_add_func ("/cohort/metrics/retention-7d", test_retention_7d);
  g_test_add_func ("/cohort/metrics/weekly-cohorts", test_weekly_cohorts);
  g_test_add_func ("/cohort/metrics/churn-warning", test_churn_warning);
  g_test_add_func ("/cohort/metrics/csv-cells", test_csv_cells);
  g_test_add_func ("/cohort/metrics/lurkers", test_lurkers);
  g_test_add_func ("/cohort/metrics/default-range", test_default_range);
  g_test_add_func ("/cohort/metrics/empty", test_empty);
  g_test_add_func ("/cohort/metrics/random-consistency", test_random_consistency);
  g_test_add_func ("/cohort/metrics/perf", test_perf);

  return g_test_run ();
}
