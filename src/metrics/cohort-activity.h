/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "cohort-keywords.h"
#include "cohort-overview.h"
#include "cohort-snapshot.h"
#include "cohort-store-activity.h"

G_BEGIN_DECLS

/*
 * CohortActivity: every number of the Activity & Content page for one date range P
 * (METRICS.md §2.2–§2.6, §10.2, Appendix A audit), computed from a snapshot plus the
 * message texts of P and of the same-length period B just before it.  Plain data: safe to
 * build in a worker and hand to the main thread, the CLI or a chart renderer.
 *
 * Interactions (§2.4) are genuine messages that reply to another human's message or
 * @-mention another human by display name; a display name shared by two members is
 * ambiguous and never resolves.
 */

#define COHORT_ACTIVITY_TOP_MECH      20
#define COHORT_ACTIVITY_TOP_KEYWORDS  30
#define COHORT_ACTIVITY_NETWORK_NODES 12
#define COHORT_ACTIVITY_N_KINDS       (COHORT_MESSAGE_OTHER + 1)

typedef struct
{
  char   *text;         /* normalised; "" for a message without text (a sticker) */
  char   *reason;       /* mech_reason of its first occurrence */
  int     kind;         /* CohortMessageKind of its first occurrence */
  gint64  count;        /* occurrences in P */
  gint64  members;      /* distinct senders */
} CohortMechText;

typedef struct
{
  guint   member;       /* snapshot member index */
  char   *name;
  gint64  interactions; /* interactions the member sent or received in P */
  gint64  messages;     /* genuine messages in P */
} CohortNetworkNode;

typedef struct
{
  guint   a, b;         /* indexes into nodes, a < b */
  gint64  weight;       /* interactions between the two, both directions */
} CohortNetworkEdge;

typedef struct
{
  int         day0, day1;         /* P, inclusive local days */

  /* §2.2 stickiness */
  CohortRate  stickiness;         /* ΣDAU(d ∈ P) / (days(P) × ACTIVE(P)) */
  guint       n_days;
  gint64     *dau;                /* DAU(d), d = day0 + i */
  gint64     *mau30;              /* MAU30(d) */
  gint64      active_days[8];     /* members by active days in [day1−6, day1]; [0] unused */

  /* §2.3 volume */
  gint64      messages;           /* MSG(P) */
  gint64      raw_messages;       /* RAW_MSG(P) */
  gint64      active;             /* ACTIVE(P) */
  gint64      prev_active;        /* ACTIVE(B) */
  gint64      present;            /* |present_during(P)| */
  CohortRate  mech_share;         /* (RAW_MSG − MSG) / RAW_MSG */
  CohortRate  per_active;         /* MSG / ACTIVE */
  CohortRate  per_present;        /* MSG / present */
  CohortRate  per_day;            /* MSG / days */
  gint64      kinds[COHORT_ACTIVITY_N_KINDS]; /* raw messages by CohortMessageKind */

  /* §2.4 interactions */
  gint64      interactions;       /* INTER(P) */
  gint64      pairs;              /* PAIRS(P) */
  CohortRate  interaction_freq;   /* INTER / days */
  CohortRate  density;            /* PAIRS / (n(n−1)/2), n = present */

  /* §2.6 */
  int         caf;                /* smallest k whose top k send ≥ 50 % of MSG; 0 if MSG = 0 */
  gint64      speakers;           /* members with ≥ 1 genuine message */

  GPtrArray  *mech_texts;         /* CohortMechText*, most frequent first */
  GPtrArray  *keywords;           /* CohortKeyword*, hot list */
  GPtrArray  *rising;             /* CohortKeyword*, flagged rising terms */
  GPtrArray  *nodes;              /* CohortNetworkNode*, most interactions first */
  GArray     *edges;              /* CohortNetworkEdge */
} CohortActivity;

/* texts: CohortTextMessage* in time order covering at least B and P (others are ignored). */
CohortActivity *cohort_activity_compute   (CohortSnapshot *snapshot,
                                           GPtrArray      *texts,
                                           int             day0,
                                           int             day1);
void            cohort_activity_free      (CohortActivity *self);

/* §2.6 on counts sorted largest first. */
int             cohort_activity_caf       (const gint64   *sorted_counts,
                                           guint           n);

/* Translated name of a CohortMessageKind ("Text", "Sticker" …). */
const char     *cohort_message_kind_label (int             kind);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CohortActivity, cohort_activity_free)

G_END_DECLS
