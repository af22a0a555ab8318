/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "cohort-snapshot.h"
#include "cohort-store-settings.h"

G_BEGIN_DECLS

/*
 * CohortOverview: every number of the Overview page for one date range, computed in C from a
 * CohortSnapshot (METRICS.md §0–§4).  Plain data: safe to build in a worker and hand to the
 * main thread, the CLI or a chart renderer.
 */

/* A rate is a numerator and a denominator; den == 0 means NULL ("—"), METRICS.md §0.6. */
typedef struct
{
  gint64 num;
  gint64 den;
} CohortRate;

typedef enum
{
  COHORT_CHURN_NONE,
  COHORT_CHURN_WATCH,   /* 关注: 14–29 silent days */
  COHORT_CHURN_WARN,    /* 预警: 30–59 */
  COHORT_CHURN_HIGH,    /* 高危: ≥ 60 */
} CohortChurnLevel;

typedef struct
{
  gint64     members_start;        /* N(p0 − 1) */
  gint64     members_end;          /* N(p1 − 1) */
  gint64     new_members;          /* NEW(P) */
  gint64     joins;                /* JOINS(P) */
  gint64     leaves;               /* LEAVES(P) */
  gint64     net_growth;           /* JOINS − LEAVES */
  gint64     active_members;       /* ACTIVE(P) */
  CohortRate raw_interaction_rate; /* §2.5 RAW_IR over P */
  CohortRate real_interaction_rate;/* §2.5 REAL_IR over P */
  CohortRate retention_7d;         /* §3.1 MR_7 summed over day cohorts in P matured by asof */
  gint64     churn_watch;          /* §4.1 at the range's last day */
  gint64     churn_warn;
  gint64     churn_high;
  gint64     lurkers;              /* §4.2 LURKER(asof) */
  CohortRate lurk_rate;            /* §4.2 LURK_RATE */
  gint64     messages;             /* MSG(P): genuine messages */
  gint64     raw_messages;         /* RAW_MSG(P) */
} CohortKpis;

typedef struct
{
  guint  member;        /* snapshot member index */
  char  *name;
  gint64 messages;      /* genuine messages in P */
} CohortTopMember;

typedef struct
{
  guint  member;
  char  *name;
  int    last_day;      /* local day of the last genuine message */
  int    silent_days;
  CohortChurnLevel level;
} CohortChurnEntry;

#define COHORT_RETENTION_MAX_WEEKS 12

typedef struct
{
  int        week_start;                         /* local day the cohort's week starts */
  gint64     size;                               /* |c| */
  int        n_cells;                            /* columns 0..n_cells-1 exist */
  CohortRate active[COHORT_RETENTION_MAX_WEEKS]; /* §3.3 active in week W+k; den 0 = immature */
  CohortRate member[COHORT_RETENTION_MAX_WEEKS]; /* §3.3 companion: present at end of W+k */
} CohortRetentionRow;

typedef struct
{
  int        day0;            /* first local day of the range, inclusive */
  int        day1;            /* last local day of the range, inclusive (= asof) */
  int        week_start;      /* the community's: 1 Monday (also when 0), 7 Sunday */

  CohortKpis kpis;            /* for [day0, day1] */
  CohortKpis prev;            /* for the same-length period just before */

  /* daily series on the complete spine day0..day1, n_days entries each */
  guint      n_days;
  gint64    *members;         /* N(d) */
  gint64    *day_joins;
  gint64    *day_leaves;
  gint64    *dau;
  gint64    *wau7;
  gint64    *mau30;

  /* §2.7 heatmap: genuine messages per weekday (0 = Monday) and hour, divided by the number
   * of days of that weekday in P; counts hold the undivided numbers. */
  double     heatmap[7][24];
  gint64     heatmap_counts[7][24];
  double     hour_profile[24];
  int        core_slots[3];
  int        supplementary_slots[2];
  gboolean   slots_fallback;  /* fewer than 14 days of data: 09/12/20 + 07/22 */

  GPtrArray *top_members;     /* CohortTopMember*, top 10 by genuine messages in P */
  GPtrArray *churn_list;      /* CohortChurnEntry*, every warned member, most silent first */

  /* weekly join cohorts (weeks start on the community's week start, Monday by default) whose
   * week starts within the range, newest last, at most COHORT_RETENTION_MAX_WEEKS rows */
  guint      n_cohorts;
  CohortRetentionRow *cohorts;
} CohortOverview;

CohortOverview *cohort_overview_compute   (CohortSnapshot *snapshot,
                                           int             day0,
                                           int             day1);
/* With a community's settings (week start, churn levels); NULL means the defaults, which is
 * what cohort_overview_compute () uses. */
CohortOverview *cohort_overview_compute_with_settings (CohortSnapshot                *snapshot,
                                                       const CohortCommunitySettings *settings,
                                                       int                            day0,
                                                       int                            day1);
void            cohort_overview_free      (CohortOverview *self);

/* The Overview's lists as CSV, for Export CSV: every churn-warned member (uid, name, level,
 * days silent, last genuine message) and the top members (rank, uid, name, messages). */
char           *cohort_overview_churn_to_csv (const CohortOverview *self,
                                              const CohortSnapshot *snapshot);
char           *cohort_overview_top_to_csv   (const CohortOverview *self,
                                              const CohortSnapshot *snapshot);

/* Single metrics, exposed for tests and other pages. */
gint64          cohort_metrics_members_at       (CohortSnapshot *snapshot,
                                                 int             day);
void            cohort_metrics_kpis             (CohortSnapshot *snapshot,
                                                 int             day0,
                                                 int             day1,
                                                 CohortKpis     *out);
void            cohort_metrics_posting_slots    (const double    hour_profile[24],
                                                 int             core[3],
                                                 int             supplementary[2]);
CohortChurnLevel cohort_metrics_churn_level     (int             silent_days);

/* Convenience: the default range, the last 30 complete local days before today. */
void            cohort_metrics_default_range    (CohortSnapshot *snapshot,
                                                 gint64          now,
                                                 int             n_days,
                                                 int            *day0,
                                                 int            *day1);
/* TRUE when the community has data and all of it is older than day0: a range that follows
 * the calendar past an old export, where the page would show only silence. */
gboolean        cohort_metrics_range_after_data (const CohortSnapshot *snapshot,
                                                 int                   day0);
/* TRUE when the data ends inside the range, a week or more before its last day: an export
 * taken some time ago, whose last part of the range can only be silent. */
#define COHORT_DATA_END_NOTICE_DAYS 7
gboolean        cohort_metrics_data_ends_in_range (const CohortSnapshot *snapshot,
                                                   int                   day0,
                                                   int                   day1);
/* The last day a range's join cohorts should reach: day1, or the last day with any data when
 * the data ends inside the range, so that an old export's newest cohorts are those it holds
 * rather than empty weeks after it.  Day1 when the data ends before day0 (the range notice's
 * case) or there is none. */
int             cohort_metrics_cohorts_end      (const CohortSnapshot *snapshot,
                                                 int                   day0,
                                                 int                   day1);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CohortOverview, cohort_overview_free)

G_END_DECLS
