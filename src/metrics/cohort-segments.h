/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The segmentation rules of METRICS.md §5, as pure functions over plain arrays so that every
 * worked example is a unit test: lifecycle and engagement tiers (§5.1), the KOC score (§5.2),
 * engagement/commerce RFM with its 7 segments and the 8-class median view (§5.3).
 * CohortMemberTable feeds them from a snapshot.
 */

typedef enum
{
  COHORT_LIFECYCLE_UNKNOWN,   /* join unknown (§0.4): no tenure */
  COHORT_LIFECYCLE_NEW,       /* 新粉: tenure < 30 days */
  COHORT_LIFECYCLE_OLD,       /* 老粉 */
} CohortLifecycle;

/* Ordered: a larger value is a higher level, so hysteresis is a max(). */
typedef enum
{
  COHORT_TIER_NONE,           /* not rated: staff, bot, or no longer a member */
  COHORT_TIER_LURKER,         /* 潜水 [Orbit 4] */
  COHORT_TIER_ACTIVE,         /* 活跃 [Orbit 3] */
  COHORT_TIER_FAN,            /* 铁粉 [Orbit 2] */
  COHORT_TIER_KOC,            /* KOC [Orbit 1] */
} CohortTier;

typedef enum
{
  COHORT_RFM_NONE,            /* not in the RFM population */
  COHORT_RFM_CHAMPIONS,       /* 高活跃/重要价值 */
  COHORT_RFM_LOYAL,           /* 忠诚 */
  COHORT_RFM_AT_RISK,         /* 潜在流失 */
  COHORT_RFM_NEW,             /* 新成员 */
  COHORT_RFM_POTENTIAL,       /* 有潜力 */
  COHORT_RFM_HIBERNATING,     /* 沉睡 */
  COHORT_RFM_NEED_ATTENTION,  /* 一般 */
  COHORT_RFM_N_SEGMENTS
} CohortRfmSegment;

/* The 8-class median scheme: bit 2 = R high (recent), bit 1 = F high, bit 0 = M high;
 * stored +1 so that 0 means "not scored". */
typedef enum
{
  COHORT_RFM8_NONE = 0,
  COHORT_RFM8_GENERAL_RETAIN = 1,      /* 一般挽留: R low F low M low */
  COHORT_RFM8_IMPORTANT_RETAIN,        /* 重要挽留: R low F low M high */
  COHORT_RFM8_GENERAL_KEEP,            /* 一般保持: R low F high M low */
  COHORT_RFM8_IMPORTANT_KEEP,          /* 重要保持: R low F high M high */
  COHORT_RFM8_GENERAL_DEVELOP,         /* 一般发展: R high F low M low */
  COHORT_RFM8_IMPORTANT_DEVELOP,       /* 重要发展: R high F low M high */
  COHORT_RFM8_GENERAL_VALUE,           /* 一般价值: R high F high M low */
  COHORT_RFM8_IMPORTANT_VALUE,         /* 重要价值: R high F high M high */
  COHORT_RFM8_N_CLASSES
} CohortRfm8Class;

/* §5.3: engagement RFM by default, commerce RFM once the community has paid orders. */
typedef enum
{
  COHORT_RFM_MODE_AUTO,
  COHORT_RFM_MODE_ENGAGEMENT,
  COHORT_RFM_MODE_COMMERCE,
} CohortRfmMode;

/* The thresholds an operator may change (Settings); defaults are METRICS.md §B. */
typedef struct
{
  int    new_member_days;      /* 新粉 below this tenure: 30 */
  int    tier_window_days;     /* 30 */
  int    fan_min_active_days;  /* 铁粉: 7 */
  int    koc_window_days;      /* 90 */
  int    koc_min_tenure;       /* 14 */
  double koc_min_score;        /* 0.75 */
  int    koc_min_messages;     /* F ≥ 20 */
  int    koc_min_reach;        /* Q ≥ 5 */
  double koc_top_share;        /* 0.05 */
  int    kol_min_followers;    /* external reach ≥ 500 */
  int    rfm_window_days;      /* engagement F and M: 90 */
  int    commerce_window_days; /* commerce F and M: 365 */
  CohortRfmMode rfm_mode;      /* auto */
  /* the community's calendar and §4.1 levels (cohort-settings.h) */
  int    week_start;           /* ISO weekday weeks start on: 1 Monday, 7 Sunday */
  int    churn_watch_days;     /* 14 */
  int    churn_warn_days;      /* 30 */
  int    churn_high_days;      /* 60 */
} CohortSegmentParams;

void              cohort_segment_params_init_default (CohortSegmentParams *params);

/* §5.1 */
CohortLifecycle   cohort_segments_lifecycle   (const CohortSegmentParams *params,
                                               int                        tenure);
CohortTier        cohort_segments_raw_tier    (const CohortSegmentParams *params,
                                               gboolean                   is_koc,
                                               int                        active_days_in_window,
                                               int                        tenure);

/* §5.2: pct(x) = (#{v < x} + 0.5·#{v = x}) / n for each value of values[0..n-1]. */
void              cohort_segments_mid_rank_pct (const gint64 *values,
                                                guint         n,
                                                double       *pct);
/* KOC score of the scored population S (n members), and which of them are KOC.  ids break
 * ties after F (smaller first); is_koc may be NULL. */
void              cohort_segments_koc         (const CohortSegmentParams *params,
                                               guint                      n,
                                               const gint64              *f,
                                               const gint64              *q,
                                               const gint64              *c,
                                               const guint               *ids,
                                               double                    *score,
                                               gboolean                  *is_koc);

/* §5.3: min-rank quintiles.  For R smaller is better; r_null[i] marks an R of NULL (no
 * order, never spoke), scored as the worst R.  r_null may be NULL. */
void              cohort_segments_rfm_scores  (guint           n,
                                               const gint64   *r,
                                               const gboolean *r_null,
                                               const gint64   *f,
                                               const gint64   *m,
                                               guint8         *score_r,
                                               guint8         *score_f,
                                               guint8         *score_m);
CohortRfmSegment  cohort_segments_rfm_segment (int             score_r,
                                               int             score_f,
                                               int             score_m);
/* The 8-class view: each of R, F, M is high when better than the population median
 * (R below it; F and M above it). */
void              cohort_segments_rfm8        (guint           n,
                                               const gint64   *r,
                                               const gboolean *r_null,
                                               const gint64   *f,
                                               const gint64   *m,
                                               guint8         *klass);

/* Names for display and for the CLI; the id is stable ASCII (CSV, --segment). */
const char       *cohort_lifecycle_name       (CohortLifecycle  lifecycle);
const char       *cohort_tier_name            (CohortTier       tier);
const char       *cohort_tier_id              (CohortTier       tier);
const char       *cohort_rfm_segment_name     (CohortRfmSegment segment);
const char       *cohort_rfm_segment_id       (CohortRfmSegment segment);
const char       *cohort_rfm8_name            (CohortRfm8Class  klass);

G_END_DECLS
