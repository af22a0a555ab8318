/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Hot keywords (METRICS.md §10.2, 消息热词).  Text is cleaned of URLs, @mentions, emoji and
 * WeChat/QQ [表情] codes, then cut with ICU's word break iterator, which segments Chinese
 * with its dictionary.  Dictionary words of two or more characters are kept; where the
 * dictionary falls back to single characters, the run of single Han characters becomes
 * character bigrams, so an unknown name or slang word still surfaces.  Latin words are
 * lowercased and kept from two letters on.  Function words and the mechanical-reply lists
 * (§A rules 3 and 4) are stop words.
 *
 * A term's weight is the number of distinct members who used it (DF_m), then its number of
 * occurrences (TF): one member repeating a word cannot make it hot.
 */

typedef struct
{
  char   *term;
  gint64  members;        /* DF_m(t, P) */
  gint64  occurrences;    /* TF(t, P) */
  gint64  prev_members;   /* DF_m(t, B), the previous period */
  double  rising;         /* (DF_m(P)+1)/(DF_m(B)+1) × (ACTIVE(B)+1)/(ACTIVE(P)+1) */
  gboolean is_rising;     /* rising ≥ 3 and DF_m ≥ 3 */
} CohortKeyword;

#define COHORT_KEYWORD_MIN_MEMBERS 3
#define COHORT_KEYWORD_RISING_RATIO 3.0

typedef struct _CohortKeywordCounter CohortKeywordCounter;

/* Tokens of one message, in text order, duplicates kept (element-type utf8). */
GPtrArray            *cohort_keywords_tokenize     (const char           *text);
gboolean              cohort_keywords_is_stopword  (const char           *token);

/* share_cache_with: another counter (e.g. of the previous period) whose cache of cut texts
 * this one may use too, or NULL. */
CohortKeywordCounter *cohort_keyword_counter_new   (CohortKeywordCounter *share_cache_with);
void                  cohort_keyword_counter_free  (CohortKeywordCounter *self);
void                  cohort_keyword_counter_add   (CohortKeywordCounter *self,
                                                    guint                 member,
                                                    const char           *text);
/* DF_m of one term, 0 if never seen. */
gint64                cohort_keyword_counter_members (CohortKeywordCounter *self,
                                                      const char           *term);

/*
 * The hot list of current: terms with DF_m ≥ 3 by DF_m, then TF, then the term, at most
 * limit of them (element-type CohortKeyword).  previous may be NULL (nothing to compare
 * with: every rising ratio is computed against zero).  When rising is not NULL it receives
 * the flagged rising terms, highest ratio first, at most limit of them.
 */
GPtrArray            *cohort_keywords_rank         (CohortKeywordCounter *current,
                                                    CohortKeywordCounter *previous,
                                                    gint64                active,
                                                    gint64                prev_active,
                                                    guint                 limit,
                                                    GPtrArray           **rising);
void                  cohort_keyword_free          (CohortKeyword        *keyword);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CohortKeywordCounter, cohort_keyword_counter_free)

G_END_DECLS
