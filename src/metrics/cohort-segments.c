/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-segments"

#include "config.h"

#include "cohort-segments.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Scores are sums of exact binary fractions of 1/(2n); this absorbs their rounding when a
 * score sits exactly on a threshold such as 0.75. */
#define SCORE_EPSILON 1e-9

void
cohort_segment_params_init_default (CohortSegmentParams *params)
{
  g_return_if_fail (params != NULL);

  params->new_member_days = 30;
  params->tier_window_days = 30;
  params->fan_min_active_days = 7;
  params->koc_window_days = 90;
  params->koc_min_tenure = 14;
  params->koc_min_score = 0.75;
  params->koc_min_messages = 20;
  params->koc_min_reach = 5;
  params->koc_top_share = 0.05;
  params->kol_min_followers = 500;
  params->rfm_window_days = 90;
  params->commerce_window_days = 365;
  params->rfm_mode = COHORT_RFM_MODE_AUTO;
  params->week_start = 1;
  params->churn_watch_days = 14;
  params->churn_warn_days = 30;
  params->churn_high_days = 60;
}

/* ------------------------------------------------------------------------------------------ */
/* §5.1 lifecycle and tiers                                                                    */

CohortLifecycle
cohort_segments_lifecycle (const CohortSegmentParams *params,
                           int                        tenure)
{
  if (tenure < 0)
    return COHORT_LIFECYCLE_UNKNOWN;
  return tenure < params->new_member_days ? COHORT_LIFECYCLE_NEW : COHORT_LIFECYCLE_OLD;
}

/* The level of one day, before hysteresis; first match wins. */
CohortTier
cohort_segments_raw_tier (const CohortSegmentParams *params,
                          gboolean                   is_koc,
                          int                        active_days_in_window,
                          int                        tenure)
{
  if (is_koc)
    return COHORT_TIER_KOC;
  if (active_days_in_window >= params->fan_min_active_days && tenure >= params->new_member_days)
    return COHORT_TIER_FAN;
  if (active_days_in_window >= 1)
    return COHORT_TIER_ACTIVE;
  return COHORT_TIER_LURKER;
}

/* ------------------------------------------------------------------------------------------ */
/* Ranks                                                                                       */

static int
compare_gint64 (const void *a,
                const void *b)
{
  gint64 x = *(const gint64 *)a, y = *(const gint64 *)b;

  return x < y ? -1 : x > y;
}

static gint64 *
sorted_copy (const gint64 *values,
             guint         n)
{
  gint64 *sorted = g_new (gint64, n + 1);

  if (n > 0)
    memcpy (sorted, values, sizeof (gint64) * n);
  if (n > 1)
    qsort (sorted, n, sizeof (gint64), compare_gint64);
  return sorted;
}

/* #{v < x} in a sorted array */
static guint
count_below (const gint64 *sorted,
             guint         n,
             gint64        x)
{
  guint lo = 0, hi = n;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (sorted[mid] < x)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

/* #{v <= x} in a sorted array */
static guint
count_at_or_below (const gint64 *sorted,
                   guint         n,
                   gint64        x)
{
  return x == G_MAXINT64 ? n : count_below (sorted, n, x + 1);
}

void
cohort_segments_mid_rank_pct (const gint64 *values,
                              guint         n,
                              double       *pct)
{
  g_autofree gint64 *sorted = sorted_copy (values, n);

  for (guint i = 0; i < n; i++)
    {
      guint below = count_below (sorted, n, values[i]);
      guint equal = count_at_or_below (sorted, n, values[i]) - below;

      pct[i] = (below + 0.5 * equal) / n;
    }
}

/* ------------------------------------------------------------------------------------------ */
/* §5.2 KOC                                                                                    */

typedef struct
{
  guint  index;
  double score;
  gint64 f;
  guint  id;
} KocCandidate;

static int
compare_candidates (const void *a,
                    const void *b)
{
  const KocCandidate *x = a, *y = b;

  if (fabs (x->score - y->score) > SCORE_EPSILON)
    return x->score > y->score ? -1 : 1;
  if (x->f != y->f)
    return x->f > y->f ? -1 : 1;
  return x->id < y->id ? -1 : x->id > y->id;
}

void
cohort_segments_koc (const CohortSegmentParams *params,
                     guint                      n,
                     const gint64              *f,
                     const gint64              *q,
                     const gint64              *c,
                     const guint               *ids,
                     double                    *score,
                     gboolean                  *is_koc)
{
  g_autofree double *pf = g_new (double, n + 1);
  g_autofree double *pq = g_new (double, n + 1);
  g_autofree double *pc = g_new (double, n + 1);
  g_autofree KocCandidate *candidates = g_new (KocCandidate, n + 1);
  guint n_candidates = 0, keep;

  cohort_segments_mid_rank_pct (f, n, pf);
  cohort_segments_mid_rank_pct (q, n, pq);
  cohort_segments_mid_rank_pct (c, n, pc);

  for (guint i = 0; i < n; i++)
    {
      score[i] = 0.4 * pf[i] + 0.3 * pq[i] + 0.3 * pc[i];
      if (is_koc != NULL)
        is_koc[i] = FALSE;
      if (score[i] + SCORE_EPSILON >= params->koc_min_score &&
          f[i] >= params->koc_min_messages &&
          q[i] >= params->koc_min_reach)
        candidates[n_candidates++] = (KocCandidate) { i, score[i], f[i], ids ? ids[i] : i };
    }
  if (is_koc == NULL || n == 0)
    return;

  /* Only the top share of S by score, so a small group cannot be "all KOC". */
  keep = MAX (1, (guint)ceil (params->koc_top_share * n - SCORE_EPSILON));
  if (n_candidates > 1)
    qsort (candidates, n_candidates, sizeof (KocCandidate), compare_candidates);
  for (guint k = 0; k < MIN (keep, n_candidates); k++)
    is_koc[candidates[k].index] = TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* §5.3 RFM                                                                                    */

static gint64 *
r_values (guint           n,
          const gint64   *r,
          const gboolean *r_null)
{
  gint64 *values = g_new (gint64, n + 1);

  /* NULL is the worst R, i.e. larger than any number of days */
  for (guint i = 0; i < n; i++)
    values[i] = r_null != NULL && r_null[i] ? G_MAXINT64 : r[i];
  return values;
}

static guint8
quintile (guint above_or_below,
          guint n)
{
  /* ceil(5·(1 + k)/n) with integers: 1..5 */
  return (guint8)MIN (5, (5 * (1 + above_or_below) + n - 1) / n);
}

void
cohort_segments_rfm_scores (guint           n,
                            const gint64   *r,
                            const gboolean *r_null,
                            const gint64   *f,
                            const gint64   *m,
                            guint8         *score_r,
                            guint8         *score_f,
                            guint8         *score_m)
{
  g_autofree gint64 *rv = r_values (n, r, r_null);
  g_autofree gint64 *sr = sorted_copy (rv, n);
  g_autofree gint64 *sf = sorted_copy (f, n);
  g_autofree gint64 *sm = sorted_copy (m, n);

  for (guint i = 0; i < n; i++)
    {
      score_r[i] = quintile (n - count_at_or_below (sr, n, rv[i]), n);
      score_f[i] = quintile (count_below (sf, n, f[i]), n);
      score_m[i] = quintile (count_below (sm, n, m[i]), n);
    }
}

CohortRfmSegment
cohort_segments_rfm_segment (int score_r,
                             int score_f,
                             int score_m)
{
  if (score_r >= 4 && score_f >= 4 && score_m >= 4)
    return COHORT_RFM_CHAMPIONS;
  if (score_r >= 3 && score_f >= 4)
    return COHORT_RFM_LOYAL;
  if (score_r <= 2 && score_f >= 3)
    return COHORT_RFM_AT_RISK;
  if (score_r >= 4 && score_f <= 1)
    return COHORT_RFM_NEW;
  if (score_r >= 3 && (score_f == 2 || score_f == 3))
    return COHORT_RFM_POTENTIAL;
  if (score_r <= 2 && score_f <= 2)
    return COHORT_RFM_HIBERNATING;
  return COHORT_RFM_NEED_ATTENTION;
}

/* Twice the median, so that an even population's midpoint stays an integer. */
static gint64
twice_median (const gint64 *values,
              guint         n)
{
  g_autofree gint64 *sorted = sorted_copy (values, n);

  if (n == 0)
    return 0;
  if (n % 2 == 1)
    return sorted[n / 2] == G_MAXINT64 ? G_MAXINT64 : 2 * sorted[n / 2];
  if (sorted[n / 2] == G_MAXINT64)
    return G_MAXINT64;
  return sorted[n / 2 - 1] + sorted[n / 2];
}

void
cohort_segments_rfm8 (guint           n,
                      const gint64   *r,
                      const gboolean *r_null,
                      const gint64   *f,
                      const gint64   *m,
                      guint8         *klass)
{
  g_autofree gint64 *rv = r_values (n, r, r_null);
  gint64 mr = twice_median (rv, n), mf = twice_median (f, n), mm = twice_median (m, n);

  for (guint i = 0; i < n; i++)
    {
      gboolean r_high = rv[i] != G_MAXINT64 && (mr == G_MAXINT64 || 2 * rv[i] < mr);
      gboolean f_high = 2 * f[i] > mf;
      gboolean m_high = 2 * m[i] > mm;

      klass[i] = 1 + (r_high << 2 | f_high << 1 | m_high);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Names                                                                                       */

const char *
cohort_lifecycle_name (CohortLifecycle lifecycle)
{
  switch (lifecycle)
    {
    case COHORT_LIFECYCLE_NEW:
      return C_("member segment", "Newcomer");
    case COHORT_LIFECYCLE_OLD:
      return C_("member segment", "Veteran");
    case COHORT_LIFECYCLE_UNKNOWN:
    default:
      return "—";
    }
}

static const char * const tier_ids[] = { "none", "lurker", "active", "fan", "koc" };

const char *
cohort_tier_id (CohortTier tier)
{
  return tier < G_N_ELEMENTS (tier_ids) ? tier_ids[tier] : "none";
}

const char *
cohort_tier_name (CohortTier tier)
{
  switch (tier)
    {
    case COHORT_TIER_LURKER:
      return C_("member segment", "Lurker");
    case COHORT_TIER_ACTIVE:
      return C_("member segment", "Active");
    case COHORT_TIER_FAN:
      return C_("member segment", "Superfan");
    case COHORT_TIER_KOC:
      return C_("member segment", "KOC");
    case COHORT_TIER_NONE:
    default:
      return "—";
    }
}

static const char * const rfm_ids[] = {
  "none", "champions", "loyal", "at-risk", "new", "potential", "hibernating", "need-attention",
};

const char *
cohort_rfm_segment_id (CohortRfmSegment segment)
{
  return segment < G_N_ELEMENTS (rfm_ids) ? rfm_ids[segment] : "none";
}

const char *
cohort_rfm_segment_name (CohortRfmSegment segment)
{
  switch (segment)
    {
    case COHORT_RFM_CHAMPIONS:
      return C_("member segment", "Champions");
    case COHORT_RFM_LOYAL:
      return C_("member segment", "Loyal");
    case COHORT_RFM_AT_RISK:
      return C_("member segment", "At risk");
    case COHORT_RFM_NEW:
      return C_("member segment", "New");
    case COHORT_RFM_POTENTIAL:
      return C_("member segment", "Potential");
    case COHORT_RFM_HIBERNATING:
      return C_("member segment", "Hibernating");
    case COHORT_RFM_NEED_ATTENTION:
      return C_("member segment", "Need attention");
    case COHORT_RFM_NONE:
    case COHORT_RFM_N_SEGMENTS:
    default:
      return "—";
    }
}

const char *
cohort_rfm8_name (CohortRfm8Class klass)
{
  switch (klass)
    {
    case COHORT_RFM8_IMPORTANT_VALUE:
      return C_("member segment", "Important value");
    case COHORT_RFM8_IMPORTANT_DEVELOP:
      return C_("member segment", "Important to develop");
    case COHORT_RFM8_IMPORTANT_KEEP:
      return C_("member segment", "Important to keep");
    case COHORT_RFM8_IMPORTANT_RETAIN:
      return C_("member segment", "Important to win back");
    case COHORT_RFM8_GENERAL_VALUE:
      return C_("member segment", "General value");
    case COHORT_RFM8_GENERAL_DEVELOP:
      return C_("member segment", "General to develop");
    case COHORT_RFM8_GENERAL_KEEP:
      return C_("member segment", "General to keep");
    case COHORT_RFM8_GENERAL_RETAIN:
      return C_("member segment", "General to win back");
    case COHORT_RFM8_NONE:
    case COHORT_RFM8_N_CLASSES:
    default:
      return "—";
    }
}
