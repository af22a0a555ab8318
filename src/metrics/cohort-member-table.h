/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "cohort-overview.h"
#include "cohort-segments.h"
#include "cohort-snapshot.h"
#include "cohort-store-members.h"

G_BEGIN_DECLS

/*
 * CohortMemberTable: one row per member of a snapshot with everything the Members page, the
 * CLI and the segment views show, evaluated at asof (METRICS.md §0.3–§0.5, §4.1, §5).  Plain
 * data, built in a worker.  Staff and bots get their counts but no churn level, tier, KOC or
 * RFM: they are outside H (§0.3).
 */

#define COHORT_DAY_NONE G_MININT

typedef struct
{
  guint    member;            /* snapshot member index (= row index) */
  gboolean counted;           /* in H: neither staff nor bot */
  gboolean present;           /* present_end(m, asof) */
  gint64   messages;          /* raw messages up to asof (§0.5; bots' own messages too) */
  gint64   genuine;           /* genuine messages up to asof */
  int      active_days;       /* distinct local days with a genuine message */
  int      first_day;         /* first genuine message, COHORT_DAY_NONE if none */
  int      last_day;          /* last genuine message, COHORT_DAY_NONE if none */
  int      join_day;          /* local day of first_join, COHORT_DAY_NONE if unknown */
  int      tenure;            /* days, -1 when the join is unknown */
  int      silent_days;       /* asof − last_day, -1 if never spoke */
  CohortChurnLevel churn;     /* §4.1 */
  CohortLifecycle  lifecycle; /* §5.1 */
  CohortTier       tier;      /* §5.1 with hysteresis */
  CohortTier       raw_tier;  /* §5.1 at asof alone */
  int      window_active_days;/* active days in the tier window */

  /* §5.2 */
  gboolean koc_scored;        /* in S */
  gboolean is_koc;
  gboolean is_kol;
  gint64   koc_f, koc_q, koc_c;
  double   pct_f, pct_q, pct_c;
  double   koc_score;
  gint64   reach;             /* external followers, -1 unknown */

  /* §5.3, engagement mode */
  gboolean rfm_scored;        /* present member of H */
  int      rfm_days;          /* F: active days in the RFM window */
  gint64   points;            /* M: §9.3 points earned in the RFM window */
  guint8   rfm_r, rfm_f, rfm_m;
  CohortRfmSegment rfm_segment;
  CohortRfm8Class  rfm8;

  gint64   invites;           /* valid invitees credited up to asof (§7.1) */

  /* §5.3, commerce mode: paid orders */
  int      last_order_day;    /* COHORT_DAY_NONE if none up to asof */
  gint64   orders;            /* paid orders in the commerce window */
  gint64   revenue_cents;     /* their amount × 100 */
} CohortMemberRow;

typedef struct
{
  CohortSegmentParams params;
  int              asof;
  guint            n_rows;
  CohortMemberRow *rows;
  guint            n_scored;        /* |S| */
  guint            n_koc;
  guint            n_rfm;
  gboolean         rfm_commerce;    /* RFM from orders (commerce mode), else engagement */
  guint            tier_counts[COHORT_TIER_KOC + 1];
  guint            lifecycle_tier_counts[COHORT_LIFECYCLE_OLD + 1][COHORT_TIER_KOC + 1];
  guint            rfm_counts[COHORT_RFM_N_SEGMENTS];
  guint            rfm8_counts[COHORT_RFM8_N_CLASSES];
} CohortMemberTable;

/* invites, orders and reach may be NULL; params NULL means the defaults. */
CohortMemberTable *cohort_member_table_compute     (CohortSnapshot            *snapshot,
                                                    int                        asof,
                                                    const CohortSegmentParams *params,
                                                    const GArray              *invites,
                                                    const GArray              *orders,
                                                    const gint64              *reach);
void               cohort_member_table_free        (CohortMemberTable         *self);

/* Why a member sits where it does: tier, KOC/KOL and RFM, one translated line each. */
GPtrArray         *cohort_member_table_reasons     (const CohortMemberTable   *self,
                                                    guint                      member);

/* The per-member history for a detail pane. */
typedef struct
{
  guint   partner;            /* snapshot member index */
  gint64  count;
} CohortReplyPartner;

#define COHORT_DETAIL_CALENDAR_DAYS 371  /* 53 weeks */
#define COHORT_DETAIL_WEEKS 26

typedef struct
{
  int        calendar_first_day;               /* the first day of a week */
  int        calendar[COHORT_DETAIL_CALENDAR_DAYS];  /* genuine messages per day */
  int        weeks_first_day;                  /* first day of the first week */
  int        weekly[COHORT_DETAIL_WEEKS];      /* genuine messages per week */
  GArray    *replies_to;      /* CohortReplyPartner: whom they reply to, most first */
  GArray    *replied_by;      /* CohortReplyPartner: who replies to them, most first */
  GArray    *spans;           /* int pairs: local start day, end day (COHORT_DAY_NONE open) */
  GArray    *span_kinds;      /* guint8 pairs: CohortSpanStart, CohortSpanEnd */
  GArray    *invitees;        /* guint: members whose invite is credited to this one */
} CohortMemberHistory;

CohortMemberHistory *cohort_member_history_compute (CohortSnapshot            *snapshot,
                                                    guint                      member,
                                                    int                        asof,
                                                    const GArray              *invites);
/* The same in the community's weeks (params->week_start; NULL means Monday weeks). */
CohortMemberHistory *cohort_member_history_compute_with_params (CohortSnapshot            *snapshot,
                                                                const CohortSegmentParams *params,
                                                                guint                      member,
                                                                int                        asof,
                                                                const GArray              *invites);
void                 cohort_member_history_free    (CohortMemberHistory       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CohortMemberTable, cohort_member_table_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CohortMemberHistory, cohort_member_history_free)

G_END_DECLS
