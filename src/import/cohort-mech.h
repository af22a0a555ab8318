/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * CohortMech: the mechanical-reply classifier of METRICS.md §A ("机械回复识别").
 *
 * One classifier per community.  Rules 1–6 look at a single message; rules 7–9
 * (DUP_SELF, ECHO, CHAIN) need history, so the classifier keeps a small, bounded
 * state: the last normalised text of every member, the short texts posted in the
 * last 5 minutes, and the most recent numbered-list chain.  Messages must be fed in
 * timestamp order.  Not thread-safe; use one instance per import thread.
 *
 * ECHO is decided in a single pass: a copy is ECHO when, counting it, at least three
 * distinct members have posted the same `t` within the last 5 minutes.  So the third
 * and later copies are flagged; the second copy (and the first) were already returned
 * as genuine and are not revisited.  The spec's "every copy after the first" therefore
 * under-counts by one copy per flood, which is accepted to keep import single-pass.
 *
 * CHAIN fires for `t` starting with "#接龙", or when ≥ 80 % of the lines of `t` are
 * numbered ("3. 王五", "3、王五") and the numbered lines are the previous chain's
 * numbered lines plus exactly one more.  The first message of a chain is genuine.
 */

/* Bump when the rules or their lists change, so stored is_mech values can be redone. */
#define COHORT_MECH_RULES_VERSION 1

typedef enum
{
  COHORT_MECH_NONE,
  COHORT_MECH_STICKER,
  COHORT_MECH_EMOJI_ONLY,
  COHORT_MECH_STOPLIST_ZH,
  COHORT_MECH_STOPLIST_EN,
  COHORT_MECH_PATTERN,
  COHORT_MECH_SHORT,
  COHORT_MECH_DUP_SELF,
  COHORT_MECH_ECHO,
  COHORT_MECH_CHAIN,
} CohortMechReason;

typedef struct _CohortMech CohortMech;

CohortMech      *cohort_mech_new              (void);
void             cohort_mech_free             (CohortMech       *self);

/*
 * Classifies one message and records it in the history.  member_uid may be NULL
 * (rules 7–8 are then skipped).  kind is a CohortMessageKind; SYSTEM messages return
 * NONE and are not recorded.  has_attachment_or_url exempts from rules 2–6; URLs
 * (http://, https://, www.) in the text are detected here as well.
 * Returns the first matching reason, or COHORT_MECH_NONE for a genuine message.
 */
CohortMechReason cohort_mech_classify         (CohortMech       *self,
                                               const char       *member_uid,
                                               gint64            ts,
                                               const char       *text,
                                               int               kind,
                                               gboolean          has_attachment_or_url);

/* "STOPLIST_ZH" etc., NULL for COHORT_MECH_NONE. */
const char      *cohort_mech_reason_to_string (CohortMechReason  reason);

/* The built-in stop lists of rules 3 (Chinese) and 4 (English), for Settings to show. */
const char * const *cohort_mech_stop_list     (gboolean          english,
                                               guint            *n);

/* The normalised text `t` of §A (for tests, the audit view and ECHO keys). */
char            *cohort_mech_normalize        (const char       *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CohortMech, cohort_mech_free)

G_END_DECLS
