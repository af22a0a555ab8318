/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "cohort-overview.h"
#include "cohort-snapshot.h"

G_BEGIN_DECLS

/*
 * CohortRetention: the Retention page (METRICS.md §3.2, §3.3).  Rows are join cohorts by
 * ISO week or calendar month; cell k is the share of the cohort active in period W+k
 * (activity mode) or still a member at its end (membership mode).  A cell whose period has
 * not ended by asof is immature: (0, 0), shown as "—".  Beside the table, each cohort gets
 * its day-N activity retention in the three §3.2 variants, each member measured from their
 * own join day and counted only once day N has passed for them.
 */

typedef enum
{
  COHORT_RETENTION_BY_WEEK,
  COHORT_RETENTION_BY_MONTH,
} CohortRetentionPeriod;

typedef enum
{
  COHORT_RETENTION_MEMBERSHIP,
  COHORT_RETENTION_ACTIVITY,
} CohortRetentionMode;

#define COHORT_RETENTION_ROWS       12
#define COHORT_RETENTION_COLUMNS    13  /* period 0 (the join period) .. 12 */
#define COHORT_RETENTION_N_DAYS     4   /* day points: 1, 7, 14, 30 */

typedef struct
{
  int        start;                               /* first local day of the cohort period */
  int        end;                                 /* last local day */
  gint64     size;                                /* |c| */
  int        n_cells;                             /* periods that have started by asof */
  CohortRate cells[COHORT_RETENTION_COLUMNS];
  CohortRate day_n[COHORT_RETENTION_N_DAYS];      /* AR_N: active on d0+N */
  CohortRate on_or_after[COHORT_RETENTION_N_DAYS];/* AR_N+: active in [d0+N, asof] */
  CohortRate within[COHORT_RETENTION_N_DAYS];     /* active in [d0+1, d0+N] */
} CohortRetentionCohort;

typedef struct
{
  CohortRetentionPeriod period;
  CohortRetentionMode   mode;
  int                   asof;
  /* The newest cohort holds this day: asof, or the last day with any data when the data
   * ends before it (an export taken months ago), so that the rows are cohorts that had a
   * chance to have members.  Cells still run to asof. */
  int                   rows_end;
  int                   week_start;               /* ISO weekday: 1 Monday, 7 Sunday */
  guint                 n_rows;                   /* oldest first */
  CohortRetentionCohort  *rows;
} CohortRetention;

extern const int cohort_retention_day_points[COHORT_RETENTION_N_DAYS];

/* Cohorts whose period starts in [day0, rows_end], the last COHORT_RETENTION_ROWS of them. */
CohortRetention *cohort_retention_compute      (CohortSnapshot        *snapshot,
                                                CohortRetentionPeriod  period,
                                                CohortRetentionMode    mode,
                                                int                    day0,
                                                int                    asof);
/* The same with a community's settings (its week start); NULL means the defaults. */
CohortRetention *cohort_retention_compute_with_settings (CohortSnapshot                *snapshot,
                                                         const CohortCommunitySettings *settings,
                                                         CohortRetentionPeriod          period,
                                                         CohortRetentionMode            mode,
                                                         int                            day0,
                                                         int                            asof);
void             cohort_retention_free         (CohortRetention       *self);

/* "2024-03-04" for a week, "2024-03" for a month (not translated: it is a date). */
char            *cohort_retention_row_label    (const CohortRetention *self,
                                                guint                  row);
/* The table as CSV: cohort, size, then one column per period; then the day-N columns. */
char            *cohort_retention_to_csv       (const CohortRetention *self);

gboolean         cohort_retention_period_from_string (const char            *text,
                                                      CohortRetentionPeriod *period);
gboolean         cohort_retention_mode_from_string   (const char            *text,
                                                      CohortRetentionMode   *mode);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CohortRetention, cohort_retention_free)

G_END_DECLS
