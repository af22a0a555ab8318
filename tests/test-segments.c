/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "cohort-member-table.h"
#include "cohort-segments.h"

/* The worked examples of METRICS.md §4.1 and §5.1–§5.3, computed by hand; the comments show
 * how. */

#define D(y, m, d) cohort_day_from_ymd ((y), (m), (d))

static gint64
at (CohortSnapshot *s,
    int             day,
    int             hour)
{
  return cohort_snapshot_day_start (s, day) + hour * 3600;
}

static guint
join (CohortSnapshot *s,
      const char     *name,
      int             day)
{
  guint m = cohort_snapshot_add_member (s, name, name, FALSE, FALSE);

  cohort_snapshot_add_span (s, m, at (s, day, 8), COHORT_TS_OPEN, COHORT_SPAN_JOIN, COHORT_SPAN_OPEN);
  return m;
}

static void
say (CohortSnapshot *s,
     guint           m,
     int             day,
     int             hour)
{
  cohort_snapshot_add_message (s, at (s, day, hour), m, COHORT_MESSAGE_TEXT, FALSE, -1);
}

static void
reply (CohortSnapshot *s,
       guint           m,
       int             day,
       guint           to)
{
  cohort_snapshot_add_message (s, at (s, day, 12), m, COHORT_MESSAGE_TEXT, FALSE, (int)to);
}

/* ------------------------------------------------------------------------------------------ */
/* §5.2                                                                                        */

static void
test_koc_example (void)
{
  /* S = {a, b, c, d}; F = (120, 60, 60, 10), Q = (30, 5, 12, 2), C = (9, 0, 1, 0) */
  const gint64 f[] = { 120, 60, 60, 10 }, q[] = { 30, 5, 12, 2 }, c[] = { 9, 0, 1, 0 };
  const double pf[] = { .875, .5, .5, .125 }, pq[] = { .875, .375, .625, .125 };
  const double pc[] = { .875, .25, .625, .25 }, scores[] = { .875, .3875, .575, .1625 };
  double pct[4], score[4];
  gboolean is_koc[4];
  CohortSegmentParams params;

  cohort_segment_params_init_default (&params);
  cohort_segments_mid_rank_pct (f, 4, pct);
  for (int i = 0; i < 4; i++)
    g_assert_cmpfloat_with_epsilon (pct[i], pf[i], 1e-9);
  cohort_segments_mid_rank_pct (q, 4, pct);
  for (int i = 0; i < 4; i++)
    g_assert_cmpfloat_with_epsilon (pct[i], pq[i], 1e-9);
  cohort_segments_mid_rank_pct (c, 4, pct);
  for (int i = 0; i < 4; i++)
    g_assert_cmpfloat_with_epsilon (pct[i], pc[i], 1e-9);

  cohort_segments_koc (&params, 4, f, q, c, NULL, score, is_koc);
  for (int i = 0; i < 4; i++)
    g_assert_cmpfloat_with_epsilon (score[i], scores[i], 1e-9);
  /* only a: the top max(1, ceil(0.05·4)) = 1 */
  g_assert_true (is_koc[0]);
  g_assert_false (is_koc[1] || is_koc[2] || is_koc[3]);
}

/* Two members over every threshold, but the top 5 % of 4 keeps one: the higher score, and on
 * a tie the larger F, then the smaller id. */
static void
test_koc_top_share (void)
{
  const gint64 f[] = { 50, 50, 1, 1 }, q[] = { 9, 9, 0, 0 }, c[] = { 3, 3, 0, 0 };
  const guint ids[] = { 7, 3, 1, 2 };
  double score[4];
  gboolean is_koc[4];
  CohortSegmentParams params;

  cohort_segment_params_init_default (&params);
  cohort_segments_koc (&params, 4, f, q, c, ids, score, is_koc);
  /* pct = .75 for both of the first two on every axis → score .75, on the threshold */
  g_assert_cmpfloat_with_epsilon (score[0], .75, 1e-9);
  g_assert_false (is_koc[0]);
  g_assert_true (is_koc[1]);

  /* with a 50 % share both qualify */
  params.koc_top_share = 0.5;
  cohort_segments_koc (&params, 4, f, q, c, ids, score, is_koc);
  g_assert_true (is_koc[0] && is_koc[1]);
  /* F ≥ 20 is required even at a high score */
  params.koc_min_messages = 51;
  cohort_segments_koc (&params, 4, f, q, c, ids, score, is_koc);
  g_assert_false (is_koc[0] || is_koc[1]);
}

/* ------------------------------------------------------------------------------------------ */
/* §5.3                                                                                        */

static void
test_rfm_example (void)
{
  /* n = 5; R = (2, 5, 40, 1, 80), F = (20, 12, 15, 1, 2), M = (500, 0, 300, 0, 50) */
  const gint64 r[] = { 2, 5, 40, 1, 80 }, f[] = { 20, 12, 15, 1, 2 }, m[] = { 500, 0, 300, 0, 50 };
  const guint8 er[] = { 4, 3, 2, 5, 1 }, ef[] = { 5, 3, 4, 1, 2 }, em[] = { 5, 1, 4, 1, 3 };
  const CohortRfmSegment segments[] = {
    COHORT_RFM_CHAMPIONS, COHORT_RFM_POTENTIAL, COHORT_RFM_AT_RISK, COHORT_RFM_NEW,
    COHORT_RFM_HIBERNATING,
  };
  guint8 sr[5], sf[5], sm[5];

  cohort_segments_rfm_scores (5, r, NULL, f, m, sr, sf, sm);
  for (int i = 0; i < 5; i++)
    {
      g_assert_cmpint (sr[i], ==, er[i]);
      g_assert_cmpint (sf[i], ==, ef[i]);
      g_assert_cmpint (sm[i], ==, em[i]);
      g_assert_cmpint (cohort_segments_rfm_segment (sr[i], sf[i], sm[i]), ==, segments[i]);
    }
}

/* The remaining rules, one score triple each: Loyal (3,4,1) and Need attention (3,1,1). */
static void
test_rfm_rules (void)
{
  g_assert_cmpint (cohort_segments_rfm_segment (3, 4, 1), ==, COHORT_RFM_LOYAL);
  g_assert_cmpint (cohort_segments_rfm_segment (4, 4, 3), ==, COHORT_RFM_LOYAL);
  g_assert_cmpint (cohort_segments_rfm_segment (3, 1, 1), ==, COHORT_RFM_NEED_ATTENTION);
  g_assert_cmpint (cohort_segments_rfm_segment (2, 3, 5), ==, COHORT_RFM_AT_RISK);
  g_assert_cmpint (cohort_segments_rfm_segment (5, 1, 5), ==, COHORT_RFM_NEW);
}

/* NULL R (never spoke) is the worst: with R = (3, NULL, NULL, 1), #{v > x} is 2, 0, 0, 3,
 * so score_R = ceil(5·3/4) = 4, ceil(5/4) = 2, 2, ceil(5·4/4) = 5.  Ties share the score. */
static void
test_rfm_null_recency (void)
{
  const gint64 r[] = { 3, 0, 0, 1 }, f[] = { 0, 0, 0, 0 }, m[] = { 0, 0, 0, 0 };
  const gboolean null[] = { FALSE, TRUE, TRUE, FALSE };
  guint8 sr[4], sf[4], sm[4];

  cohort_segments_rfm_scores (4, r, null, f, m, sr, sf, sm);
  g_assert_cmpint (sr[0], ==, 4);
  g_assert_cmpint (sr[1], ==, 2);
  g_assert_cmpint (sr[2], ==, 2);
  g_assert_cmpint (sr[3], ==, 5);
  /* all F tie at 0: #{v < 0} = 0 → ceil(5/4) = 2 */
  g_assert_cmpint (sf[0], ==, 2);
  g_assert_cmpint (sm[3], ==, 2);
}

/* The 8-class view of the same five members.  Medians: R 5, F 12, M 50.
 * m1 (2 < 5, 20 > 12, 500 > 50) → 重要价值; m2 (5, 12, 0: none strictly better) → 一般挽留;
 * m3 (40, 15, 300) → R low, F and M high → 重要保持; m4 (1, 1, 0) → 一般发展;
 * m5 (80, 2, 50) → 一般挽留. */
static void
test_rfm8_example (void)
{
  const gint64 r[] = { 2, 5, 40, 1, 80 }, f[] = { 20, 12, 15, 1, 2 }, m[] = { 500, 0, 300, 0, 50 };
  const CohortRfm8Class expected[] = {
    COHORT_RFM8_IMPORTANT_VALUE, COHORT_RFM8_GENERAL_RETAIN, COHORT_RFM8_IMPORTANT_KEEP,
    COHORT_RFM8_GENERAL_DEVELOP, COHORT_RFM8_GENERAL_RETAIN,
  };
  guint8 klass[5];

  cohort_segments_rfm8 (5, r, NULL, f, m, klass);
  for (int i = 0; i < 5; i++)
    g_assert_cmpint (klass[i], ==, expected[i]);

  /* an even population splits at the midpoint: F = (1, 2, 3, 4) → median 2.5 */
  {
    const gint64 r4[] = { 1, 2, 3, 4 }, f4[] = { 1, 2, 3, 4 }, m4[] = { 0, 0, 0, 0 };
    guint8 k4[4];

    cohort_segments_rfm8 (4, r4, NULL, f4, m4, k4);
    g_assert_cmpint (k4[0], ==, COHORT_RFM8_GENERAL_DEVELOP);  /* R 1 < 2.5, F 1 low */
    g_assert_cmpint (k4[1], ==, COHORT_RFM8_GENERAL_DEVELOP);
    g_assert_cmpint (k4[2], ==, COHORT_RFM8_GENERAL_KEEP);     /* R 3 high days, F 3 > 2.5 */
    g_assert_cmpint (k4[3], ==, COHORT_RFM8_GENERAL_KEEP);
  }
}

/* ------------------------------------------------------------------------------------------ */
/* §5.1 and §4.1 through the member table                                                      */

static void
test_tiers_example (void)
{
  g_autoptr(CohortSnapshot) s = cohort_snapshot_new ("tiers", "test", "Asia/Shanghai");
  g_autoptr(CohortMemberTable) t = NULL;
  guint x, y, z;

  /* asof 2024-04-30.  X: first join 04-10, 3 active days; Y: first join 2023-12-01, 9
   * active days; Z: first join 2024-01-01, no active day. */
  x = join (s, "x", D (2024, 4, 10));
  y = join (s, "y", D (2023, 12, 1));
  z = join (s, "z", D (2024, 1, 1));
  say (s, x, D (2024, 4, 12), 9);
  say (s, x, D (2024, 4, 20), 9);
  say (s, x, D (2024, 4, 20), 21);   /* the same day twice: still 3 days */
  say (s, x, D (2024, 4, 28), 9);
  for (int d = 0; d < 9; d++)
    say (s, y, D (2024, 4, 3) + 3 * d, 10);
  cohort_snapshot_finish (s);

  t = cohort_member_table_compute (s, D (2024, 4, 30), NULL, NULL, NULL);
  g_assert_cmpint (t->rows[x].tenure, ==, 20);
  g_assert_cmpint (t->rows[x].lifecycle, ==, COHORT_LIFECYCLE_NEW);
  g_assert_cmpint (t->rows[x].active_days, ==, 3);
  g_assert_cmpint (t->rows[x].window_active_days, ==, 3);
  g_assert_cmpint (t->rows[x].tier, ==, COHORT_TIER_ACTIVE);
  g_assert_cmpint (t->rows[x].messages, ==, 4);

  g_assert_cmpint (t->rows[y].lifecycle, ==, COHORT_LIFECYCLE_OLD);
  g_assert_cmpint (t->rows[y].window_active_days, ==, 9);
  g_assert_cmpint (t->rows[y].tier, ==, COHORT_TIER_FAN);

  g_assert_cmpint (t->rows[z].lifecycle, ==, COHORT_LIFECYCLE_OLD);
  g_assert_cmpint (t->rows[z].tier, ==, COHORT_TIER_LURKER);
  g_assert_cmpint (t->rows[z].silent_days, ==, -1);
  g_assert_cmpint (t->rows[z].churn, ==, COHORT_CHURN_NONE);

  g_assert_cmpint (t->tier_counts[COHORT_TIER_ACTIVE], ==, 1);
  g_assert_cmpint (t->tier_counts[COHORT_TIER_FAN], ==, 1);
  g_assert_cmpint (t->tier_counts[COHORT_TIER_LURKER], ==, 1);
  /* the 新粉/老粉 × level matrix: X new × active, Y old × fan, Z old × lurker */
  g_assert_cmpint (t->lifecycle_tier_counts[COHORT_LIFECYCLE_NEW][COHORT_TIER_ACTIVE], ==, 1);
  g_assert_cmpint (t->lifecycle_tier_counts[COHORT_LIFECYCLE_OLD][COHORT_TIER_FAN], ==, 1);
  g_assert_cmpint (t->lifecycle_tier_counts[COHORT_LIFECYCLE_OLD][COHORT_TIER_LURKER], ==, 1);
  g_assert_cmpint (t->lifecycle_tier_counts[COHORT_LIFECYCLE_NEW][COHORT_TIER_LURKER], ==, 0);
}

/* Downgrades wait for the 1st.  W (joined 2024-01-01) is active 03-03…03-09, 7 days.
 * On 04-01 the window 03-03…04-01 holds 7 days: 铁粉.  On 04-15 the window 03-17…04-15 is
 * empty, but the level held since 04-01 stays 铁粉.  On 05-01 the month turns: 潜水. */
static void
test_tier_hysteresis (void)
{
  g_autoptr(CohortSnapshot) s = cohort_snapshot_new ("hysteresis", "test", "Asia/Shanghai");
  guint w;

  w = join (s, "w", D (2024, 1, 1));
  for (int d = 0; d < 7; d++)
    say (s, w, D (2024, 3, 3) + d, 10);
  cohort_snapshot_finish (s);

  {
    g_autoptr(CohortMemberTable) t = cohort_member_table_compute (s, D (2024, 4, 1), NULL, NULL, NULL);

    g_assert_cmpint (t->rows[w].raw_tier, ==, COHORT_TIER_FAN);
    g_assert_cmpint (t->rows[w].tier, ==, COHORT_TIER_FAN);
  }
  {
    g_autoptr(CohortMemberTable) t = cohort_member_table_compute (s, D (2024, 4, 15), NULL, NULL, NULL);

    g_assert_cmpint (t->rows[w].raw_tier, ==, COHORT_TIER_LURKER);
    g_assert_cmpint (t->rows[w].tier, ==, COHORT_TIER_FAN);
  }
  {
    g_autoptr(CohortMemberTable) t = cohort_member_table_compute (s, D (2024, 5, 1), NULL, NULL, NULL);

    g_assert_cmpint (t->rows[w].tier, ==, COHORT_TIER_LURKER);
  }
  /* An upgrade mid-month is immediate: on 03-09 (7th day, tenure 68) already 铁粉. */
  {
    g_autoptr(CohortMemberTable) t = cohort_member_table_compute (s, D (2024, 3, 9), NULL, NULL, NULL);

    g_assert_cmpint (t->rows[w].tier, ==, COHORT_TIER_FAN);
  }
}

/* asof 2024-04-30: last message 03-31 → 30 days → 预警; 04-01 → 29 days → 关注; 02-29 → 61
 * days → 高危.  A member who left is not warned. */
static void
test_churn_example (void)
{
  g_autoptr(CohortSnapshot) s = cohort_snapshot_new ("churn", "test", "Asia/Shanghai");
  g_autoptr(CohortMemberTable) t = NULL;
  guint a, b, c, gone;

  a = join (s, "a", D (2024, 1, 1));
  b = join (s, "b", D (2024, 1, 1));
  c = join (s, "c", D (2024, 1, 1));
  gone = cohort_snapshot_add_member (s, "gone", "gone", FALSE, FALSE);
  cohort_snapshot_add_span (s, gone, at (s, D (2024, 1, 1), 8), at (s, D (2024, 4, 2), 8),
                            COHORT_SPAN_JOIN, COHORT_SPAN_LEAVE);
  say (s, a, D (2024, 3, 31), 23);
  say (s, b, D (2024, 4, 1), 0);
  say (s, c, D (2024, 2, 29), 12);
  say (s, gone, D (2024, 2, 1), 12);
  cohort_snapshot_finish (s);

  t = cohort_member_table_compute (s, D (2024, 4, 30), NULL, NULL, NULL);
  g_assert_cmpint (t->rows[a].silent_days, ==, 30);
  g_assert_cmpint (t->rows[a].churn, ==, COHORT_CHURN_WARN);
  g_assert_cmpint (t->rows[b].silent_days, ==, 29);
  g_assert_cmpint (t->rows[b].churn, ==, COHORT_CHURN_WATCH);
  g_assert_cmpint (t->rows[c].silent_days, ==, 61);
  g_assert_cmpint (t->rows[c].churn, ==, COHORT_CHURN_HIGH);
  g_assert_false (t->rows[gone].present);
  g_assert_cmpint (t->rows[gone].churn, ==, COHORT_CHURN_NONE);
  g_assert_cmpint (t->rows[gone].tier, ==, COHORT_TIER_NONE);
  g_assert_false (t->rows[gone].rfm_scored);
  g_assert_cmpint (t->n_rfm, ==, 3);
}

/*
 * The §5.2 example built from messages, replies and invites: a, b, c, d joined 2024-01-01;
 * asof 2024-04-30, so the window is 02-01…04-30.  Thirty repliers joined 04-25 (tenure 5 <
 * 14, so outside S); reply k goes to a for k < 30, to c for k < 12, to b for k < 5, to d for
 * k < 2.  a invited repliers 0…8 and c invited replier 9 on their join day; a's second
 * invite of replier 0 is not credited again.  One staff member replies to everyone and
 * sends 200 messages: neither counted in Q nor scored.
 */
static void
test_koc_from_messages (void)
{
  g_autoptr(CohortSnapshot) s = cohort_snapshot_new ("koc", "test", "Asia/Shanghai");
  g_autoptr(CohortMemberTable) t = NULL;
  g_autoptr(GArray) invites = g_array_new (FALSE, FALSE, sizeof (CohortInvite));
  g_autoptr(GPtrArray) reasons = NULL;
  const int f[] = { 120, 60, 60, 10 };
  guint who[4], repliers[30], staff;
  int asof = D (2024, 4, 30);

  for (int i = 0; i < 4; i++)
    {
      char name[2] = { 'a' + i, 0 };

      who[i] = join (s, name, D (2024, 1, 1));
    }
  for (int k = 0; k < 30; k++)
    {
      g_autofree char *name = g_strdup_printf ("r%02d", k);

      repliers[k] = join (s, name, D (2024, 4, 25));
    }
  staff = cohort_snapshot_add_member (s, "staff", "staff", FALSE, TRUE);
  cohort_snapshot_add_span (s, staff, at (s, D (2024, 1, 1), 8), COHORT_TS_OPEN,
                            COHORT_SPAN_JOIN, COHORT_SPAN_OPEN);

  /* F: two messages a day from 03-01 for a, b, c; d only on ten days; one message of a
   * before the window does not count */
  for (int i = 0; i < 4; i++)
    for (int n = 0; n < f[i]; n++)
      say (s, who[i], D (2024, 3, 1) + n / 2, n % 2 ? 20 : 9);
  say (s, who[0], D (2024, 1, 31), 9);
  for (int k = 0; k < 30; k++)
    {
      reply (s, repliers[k], D (2024, 4, 26), who[0]);
      reply (s, repliers[k], D (2024, 4, 27), who[0]);   /* the same replier twice: Q once */
      if (k < 12)
        reply (s, repliers[k], D (2024, 4, 26), who[2]);
      if (k < 5)
        reply (s, repliers[k], D (2024, 4, 26), who[1]);
      if (k < 2)
        reply (s, repliers[k], D (2024, 4, 26), who[3]);
    }
  for (int i = 0; i < 4; i++)
    reply (s, staff, D (2024, 4, 28), who[i]);
  for (int n = 0; n < 200; n++)
    say (s, staff, D (2024, 4, 1) + n % 20, 15);
  cohort_snapshot_finish (s);

  for (int k = 0; k < 10; k++)
    {
      CohortInvite inv = { k < 9 ? who[0] : who[2], repliers[k], at (s, D (2024, 4, 25), 8) };

      g_array_append_val (invites, inv);
    }
  g_array_append_val (invites, ((CohortInvite) { who[1], repliers[0], at (s, D (2024, 4, 25), 9) }));

  t = cohort_member_table_compute (s, asof, NULL, invites, NULL);
  g_assert_cmpint (t->n_scored, ==, 4);
  g_assert_cmpint (t->rows[who[0]].koc_f, ==, 120);
  g_assert_cmpint (t->rows[who[0]].koc_q, ==, 30);
  g_assert_cmpint (t->rows[who[0]].koc_c, ==, 9);
  g_assert_cmpint (t->rows[who[1]].koc_q, ==, 5);
  g_assert_cmpint (t->rows[who[1]].koc_c, ==, 0);
  g_assert_cmpint (t->rows[who[2]].koc_q, ==, 12);
  g_assert_cmpint (t->rows[who[2]].koc_c, ==, 1);
  g_assert_cmpint (t->rows[who[3]].koc_f, ==, 10);
  g_assert_cmpint (t->rows[who[3]].koc_q, ==, 2);
  g_assert_cmpfloat_with_epsilon (t->rows[who[0]].koc_score, .875, 1e-9);
  g_assert_cmpfloat_with_epsilon (t->rows[who[1]].koc_score, .3875, 1e-9);
  g_assert_cmpfloat_with_epsilon (t->rows[who[2]].koc_score, .575, 1e-9);
  g_assert_cmpfloat_with_epsilon (t->rows[who[3]].koc_score, .1625, 1e-9);
  g_assert_true (t->rows[who[0]].is_koc);
  g_assert_true (t->rows[who[0]].is_kol);
  g_assert_cmpint (t->rows[who[0]].tier, ==, COHORT_TIER_KOC);
  g_assert_false (t->rows[who[1]].is_koc || t->rows[who[2]].is_koc || t->rows[who[3]].is_koc);
  g_assert_cmpint (t->n_koc, ==, 1);
  g_assert_false (t->rows[repliers[0]].koc_scored);
  g_assert_cmpint (t->rows[who[0]].invites, ==, 9);

  g_assert_false (t->rows[staff].counted);
  g_assert_false (t->rows[staff].koc_scored);
  g_assert_cmpint (t->rows[staff].tier, ==, COHORT_TIER_NONE);
  g_assert_cmpint (t->rows[staff].messages, ==, 204);
  g_assert_cmpint (t->rows[staff].genuine, ==, 0);

  /* the reasons name the three parts of the score */
  reasons = cohort_member_table_reasons (t, who[0]);
  g_assert_cmpuint (reasons->len, ==, 5);
  g_assert_nonnull (strstr (reasons->pdata[1], "F: 120"));
  g_assert_nonnull (strstr (reasons->pdata[1], "Q: 30"));
  g_assert_nonnull (strstr (reasons->pdata[1], "C: 9"));
  g_assert_nonnull (strstr (reasons->pdata[2], "KOC:"));
  g_assert_nonnull (strstr (reasons->pdata[3], "KOL"));
  g_assert_nonnull (strstr (reasons->pdata[4], "RFM"));
}

/* §9.3 points as engagement M: 14 genuine messages on one day → 10, 3 mechanical → 0, one
 * valid invitee → 10; 20 in all.  KOL by external reach ≥ 500 without being a KOC. */
static void
test_points_and_reach (void)
{
  g_autoptr(CohortSnapshot) s = cohort_snapshot_new ("points", "test", "UTC");
  g_autoptr(CohortMemberTable) t = NULL;
  g_autoptr(GArray) invites = g_array_new (FALSE, FALSE, sizeof (CohortInvite));
  gint64 reach[2] = { 500, 499 };
  guint p, q;

  p = join (s, "p", D (2024, 1, 1));
  q = join (s, "q", D (2024, 4, 2));
  for (int n = 0; n < 14; n++)
    say (s, p, D (2024, 4, 1), 1 + n);
  for (int n = 0; n < 3; n++)
    cohort_snapshot_add_message (s, at (s, D (2024, 4, 1), 20), p, COHORT_MESSAGE_TEXT, TRUE, -1);
  cohort_snapshot_finish (s);
  g_array_append_val (invites, ((CohortInvite) { p, q, at (s, D (2024, 4, 2), 8) }));

  t = cohort_member_table_compute (s, D (2024, 4, 30), NULL, invites, reach);
  g_assert_cmpint (t->rows[p].points, ==, 20);
  g_assert_cmpint (t->rows[p].messages, ==, 17);
  g_assert_cmpint (t->rows[p].genuine, ==, 14);
  g_assert_cmpint (t->rows[p].rfm_days, ==, 1);
  g_assert_true (t->rows[p].is_kol);
  g_assert_false (t->rows[p].is_koc);
  g_assert_false (t->rows[q].is_kol);
  /* R: p silent 29 days, q never spoke (worst) → p 5, q ceil(5/2) = 3 */
  g_assert_cmpint (t->rows[p].rfm_r, ==, 5);
  g_assert_cmpint (t->rows[q].rfm_r, ==, 3);
}

/* The detail history: calendar, weekly counts, reply partners both ways, credited invitees. */
static void
test_history (void)
{
  g_autoptr(CohortSnapshot) s = cohort_snapshot_new ("history", "test", "UTC");
  g_autoptr(CohortMemberHistory) h = NULL;
  g_autoptr(GArray) invites = g_array_new (FALSE, FALSE, sizeof (CohortInvite));
  int asof = D (2024, 4, 30);   /* a Tuesday; its week starts 04-29 */
  guint a, b, c;

  a = join (s, "a", D (2024, 1, 1));
  b = join (s, "b", D (2024, 1, 1));
  c = join (s, "c", D (2024, 4, 29));
  say (s, a, D (2024, 4, 29), 9);
  say (s, a, D (2024, 4, 29), 10);
  reply (s, a, D (2024, 4, 22), b);
  reply (s, b, D (2024, 4, 23), a);
  reply (s, b, D (2024, 4, 24), a);
  reply (s, c, D (2024, 4, 29), a);
  cohort_snapshot_finish (s);
  g_array_append_val (invites, ((CohortInvite) { a, c, at (s, D (2024, 4, 29), 8) }));

  h = cohort_member_history_compute (s, a, asof, invites);
  g_assert_cmpint (h->calendar_first_day, ==, D (2024, 4, 29) - 52 * 7);
  g_assert_cmpint (h->calendar[D (2024, 4, 29) - h->calendar_first_day], ==, 2);
  g_assert_cmpint (h->calendar[D (2024, 4, 22) - h->calendar_first_day], ==, 1);
  g_assert_cmpint (h->weekly[COHORT_DETAIL_WEEKS - 1], ==, 2);
  g_assert_cmpint (h->weekly[COHORT_DETAIL_WEEKS - 2], ==, 1);
  g_assert_cmpuint (h->replies_to->len, ==, 1);
  g_assert_cmpuint (g_array_index (h->replies_to, CohortReplyPartner, 0).partner, ==, b);
  g_assert_cmpuint (h->replied_by->len, ==, 2);
  g_assert_cmpuint (g_array_index (h->replied_by, CohortReplyPartner, 0).partner, ==, b);
  g_assert_cmpint (g_array_index (h->replied_by, CohortReplyPartner, 0).count, ==, 2);
  g_assert_cmpuint (g_array_index (h->replied_by, CohortReplyPartner, 1).partner, ==, c);
  g_assert_cmpuint (h->spans->len, ==, 2);
  g_assert_cmpint (g_array_index (h->spans, int, 0), ==, D (2024, 1, 1));
  g_assert_cmpint (g_array_index (h->spans, int, 1), ==, COHORT_DAY_NONE);
  g_assert_cmpuint (h->invitees->len, ==, 1);
  g_assert_cmpuint (g_array_index (h->invitees, guint, 0), ==, c);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cohort/segments/koc-example", test_koc_example);
  g_test_add_func ("/cohort/segments/koc-top-share", test_koc_top_share);
  g_test_add_func ("/cohort/segments/rfm-example", test_rfm_example);
  g_test_add_func ("/cohort/segments/rfm-rules", test_rfm_rules);
  g_test_add_func ("/cohort/segments/rfm-null-recency", test_rfm_null_recency);
  g_test_add_func ("/cohort/segments/rfm8-example", test_rfm8_example);
  g_test_add_func ("/cohort/member-table/tiers-example", test_tiers_example);
  g_test_add_func ("/cohort/member-table/tier-hysteresis", test_tier_hysteresis);
  g_test_add_func ("/cohort/member-table/churn-example", test_churn_example);
  g_test_add_func ("/cohort/member-table/koc-from-messages", test_koc_from_messages);
  g_test_add_func ("/cohort/member-table/points-and-reach", test_points_and_reach);
  g_test_add_func ("/cohort/member-table/history", test_history);
  return g_test_run ();
}
