/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-retention"

#include "config.h"

#include "cohort-retention.h"
#include "cohort-overview.h"
#include "cohort-settings.h"

#include <string.h>

/*
 * Retention cohorts on local day numbers.  Each span becomes [start day, end day) once, so
 * present_end(m, d) is integer arithmetic (see cohort-overview.c); each member's genuine
 * active days become one sorted array, so "active on d" and "active in [a, b]" are binary
 * searches.  Nothing here is O(days × members).
 */

#define DAY_OPEN    (G_MAXINT / 4)
#define DAY_UNKNOWN G_MAXINT

const int cohort_retention_day_points[COHORT_RETENTION_N_DAYS] = { 1, 7, 14, 30 };

typedef struct
{
  CohortSnapshot *s;          /* borrowed */
  guint8         *is_h;
  int            *fj_day;     /* local day of first join, DAY_UNKNOWN when unknown */
  guint          *span0;      /* member m's spans are span0[m] .. span0[m+1]-1 */
  int            *span_sday;
  int            *span_eday;
  guint          *day0;       /* member m's active days are days[day0[m] .. day0[m+1]-1] */
  int            *days;
} Ctx;

/* ------------------------------------------------------------------------------------------ */
/* Periods                                                                                     */

static int
period_start (const CohortRetention *self,
              int                    day)
{
  int y, m, d;

  if (self->period == COHORT_RETENTION_BY_WEEK)
    return cohort_day_week_start_on (day, self->week_start);
  cohort_day_to_ymd (day, &y, &m, &d);
  return cohort_day_from_ymd (y, m, 1);
}

static int
period_next (CohortRetentionPeriod period,
             int                   start)
{
  int y, m, d;

  if (period == COHORT_RETENTION_BY_WEEK)
    return start + 7;
  cohort_day_to_ymd (start, &y, &m, &d);
  return m == 12 ? cohort_day_from_ymd (y + 1, 1, 1) : cohort_day_from_ymd (y, m + 1, 1);
}

/* ------------------------------------------------------------------------------------------ */
/* Context                                                                                     */

static int
span_day (CohortSnapshot *s,
          gint64          ts)
{
  return ts == COHORT_TS_OPEN ? DAY_OPEN : cohort_snapshot_local_day (s, ts);
}

static void
ctx_init_days (Ctx *ctx,
               int  from)
{
  CohortSnapshot *s = ctx->s;
  guint n = s->n_members;
  g_autofree int *last = g_new (int, n + 1);
  g_autofree guint *fill = NULL;
  guint total = 0;

  /* two passes over the messages: count each member's distinct days, then fill them */
  for (guint m = 0; m < n; m++)
    last[m] = G_MININT;
  ctx->day0 = g_new0 (guint, n + 2);
  for (guint i = 0; i < s->n_messages; i++)
    {
      guint m = s->msg_member[i];

      if (m >= n || !ctx->is_h[m] || s->msg_is_mech[i] || s->msg_day[i] < from ||
          s->msg_kind[i] == COHORT_MESSAGE_SYSTEM || last[m] == s->msg_day[i])
        continue;
      last[m] = s->msg_day[i];
      ctx->day0[m + 1]++;
      total++;
    }
  for (guint m = 0; m < n; m++)
    ctx->day0[m + 1] += ctx->day0[m];

  ctx->days = g_new (int, total + 1);
  fill = g_memdup2 (ctx->day0, sizeof (guint) * (n + 1));
  for (guint m = 0; m < n; m++)
    last[m] = G_MININT;
  for (guint i = 0; i < s->n_messages; i++)
    {
      guint m = s->msg_member[i];

      if (m >= n || !ctx->is_h[m] || s->msg_is_mech[i] || s->msg_day[i] < from ||
          s->msg_kind[i] == COHORT_MESSAGE_SYSTEM || last[m] == s->msg_day[i])
        continue;
      last[m] = s->msg_day[i];
      ctx->days[fill[m]++] = s->msg_day[i];
    }
}

static void
ctx_init (Ctx            *ctx,
          CohortSnapshot *s,
          int             from)
{
  guint n = s->n_members;

  ctx->s = s;
  ctx->is_h = g_new0 (guint8, n + 1);
  ctx->fj_day = g_new (int, n + 1);
  ctx->span0 = g_new0 (guint, n + 2);
  ctx->span_sday = g_new (int, s->n_spans + 1);
  ctx->span_eday = g_new (int, s->n_spans + 1);

  for (guint m = 0; m < n; m++)
    {
      ctx->is_h[m] = !s->member_is_bot[m] && !s->member_is_staff[m];
      ctx->fj_day[m] = s->member_first_join[m] == G_MAXINT64
                       ? DAY_UNKNOWN : cohort_snapshot_local_day (s, s->member_first_join[m]);
    }
  /* spans are sorted by member after cohort_snapshot_finish () */
  for (guint i = 0; i < s->n_spans; i++)
    {
      if (s->span_member[i] < n)
        ctx->span0[s->span_member[i] + 1]++;
      ctx->span_sday[i] = span_day (s, s->span_start[i]);
      ctx->span_eday[i] = span_day (s, s->span_end[i]);
    }
  for (guint m = 0; m < n; m++)
    ctx->span0[m + 1] += ctx->span0[m];
  ctx_init_days (ctx, from);
}

static void
ctx_clear (Ctx *ctx)
{
  g_free (ctx->is_h);
  g_free (ctx->fj_day);
  g_free (ctx->span0);
  g_free (ctx->span_sday);
  g_free (ctx->span_eday);
  g_free (ctx->day0);
  g_free (ctx->days);
}

static gboolean
present_end (Ctx  *ctx,
             guint m,
             int   day)
{
  for (guint i = ctx->span0[m]; i < ctx->span0[m + 1]; i++)
    if (ctx->span_sday[i] <= day && ctx->span_eday[i] > day)
      return TRUE;
  return FALSE;
}

/* Member m has a genuine message on some day of [a, b]. */
static gboolean
active_between (Ctx  *ctx,
                guint m,
                int   a,
                int   b)
{
  guint lo = ctx->day0[m], hi = ctx->day0[m + 1];

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (ctx->days[mid] < a)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo < ctx->day0[m + 1] && ctx->days[lo] <= b;
}

/* ------------------------------------------------------------------------------------------ */
/* Rows                                                                                        */

static void
add_member (Ctx                   *ctx,
            const CohortRetention *self,
            CohortRetentionCohort *row,
            guint                  m)
{
  int d0 = ctx->fj_day[m];
  int start = row->start;

  row->size++;
  for (int k = 0; k < row->n_cells; k++)
    {
      int next = period_next (self->period, start);
      int end = next - 1;

      /* an immature cell stays (0, 0): NULL, not 0 % (§0.6) */
      if (end <= self->asof)
        {
          row->cells[k].den++;
          row->cells[k].num += self->mode == COHORT_RETENTION_ACTIVITY
                               ? active_between (ctx, m, start, end)
                               : present_end (ctx, m, end);
        }
      start = next;
    }

  for (int j = 0; j < COHORT_RETENTION_N_DAYS; j++)
    {
      int n = cohort_retention_day_points[j];

      if (d0 + n > self->asof)
        continue;
      row->day_n[j].den++;
      row->on_or_after[j].den++;
      row->within[j].den++;
      row->day_n[j].num += active_between (ctx, m, d0 + n, d0 + n);
      row->on_or_after[j].num += active_between (ctx, m, d0 + n, self->asof);
      row->within[j].num += active_between (ctx, m, d0 + 1, d0 + n);
    }
}

static void
init_rows (CohortRetention *self,
           int              day0)
{
  int last = period_start (self, self->rows_end);
  int first = period_start (self, day0);
  guint n = 0;

  for (int p = first; p <= last; p = period_next (self->period, p))
    n++;
  /* keep the newest rows */
  while (n > COHORT_RETENTION_ROWS)
    {
      first = period_next (self->period, first);
      n--;
    }
  self->n_rows = n;
  self->rows = g_new0 (CohortRetentionCohort, MAX (n, 1));
  for (guint r = 0; r < n; r++)
    {
      CohortRetentionCohort *row = &self->rows[r];
      int p = r == 0 ? first : self->rows[r - 1].end + 1;
      int k = 0;

      row->start = p;
      row->end = period_next (self->period, p) - 1;
      for (int q = p; q <= self->asof && k < COHORT_RETENTION_COLUMNS; q = period_next (self->period, q))
        k++;
      row->n_cells = k;
    }
}

static int
find_row (const CohortRetention *self,
          int                    day)
{
  if (self->n_rows == 0 || day < self->rows[0].start || day > self->asof)
    return -1;
  for (guint r = 0; r < self->n_rows; r++)
    if (day <= self->rows[r].end)
      return (int)r;
  return -1;
}

/* ------------------------------------------------------------------------------------------ */
/* Public API                                                                                  */

CohortRetention *
cohort_retention_compute (CohortSnapshot        *snapshot,
                          CohortRetentionPeriod  period,
                          CohortRetentionMode    mode,
                          int                    day0,
                          int                    asof)
{
  return cohort_retention_compute_with_settings (snapshot, NULL, period, mode, day0, asof);
}

CohortRetention *
cohort_retention_compute_with_settings (CohortSnapshot                *snapshot,
                                        const CohortCommunitySettings *settings,
                                        CohortRetentionPeriod          period,
                                        CohortRetentionMode            mode,
                                        int                            day0,
                                        int                            asof)
{
  g_autoptr(CohortRetention) self = NULL;
  Ctx ctx = { 0 };

  g_return_val_if_fail (snapshot != NULL, NULL);
  g_return_val_if_fail (day0 <= asof, NULL);

  self = g_new0 (CohortRetention, 1);
  self->period = period;
  self->mode = mode;
  self->asof = asof;
  self->rows_end = cohort_metrics_cohorts_end (snapshot, day0, asof);
  self->week_start = settings != NULL ? settings->week_start : 1;
  init_rows (self, day0);
  if (self->n_rows == 0)
    return g_steal_pointer (&self);

  ctx_init (&ctx, snapshot, self->rows[0].start);
  for (guint m = 0; m < snapshot->n_members; m++)
    {
      int r;

      if (!ctx.is_h[m] || ctx.fj_day[m] == DAY_UNKNOWN)
        continue;
      if ((r = find_row (self, ctx.fj_day[m])) >= 0)
        add_member (&ctx, self, &self->rows[r], m);
    }
  ctx_clear (&ctx);
  return g_steal_pointer (&self);
}

void
cohort_retention_free (CohortRetention *self)
{
  if (self == NULL)
    return;
  g_free (self->rows);
  g_free (self);
}

char *
cohort_retention_row_label (const CohortRetention *self,
                            guint                  row)
{
  int y, m, d;

  g_return_val_if_fail (row < self->n_rows, NULL);
  if (self->period == COHORT_RETENTION_BY_WEEK)
    return cohort_day_format (self->rows[row].start);
  cohort_day_to_ymd (self->rows[row].start, &y, &m, &d);
  return g_strdup_printf ("%04d-%02d", y, m);
}

static void
append_rate (GString          *out,
             const CohortRate *rate)
{
  if (rate->den > 0)
    g_string_append_printf (out, ",%.1f", 100.0 * (double)rate->num / (double)rate->den);
  else
    g_string_append_c (out, ',');
}

char *
cohort_retention_to_csv (const CohortRetention *self)
{
  GString *out = g_string_new ("cohort,size");
  const char *prefix = self->period == COHORT_RETENTION_BY_WEEK ? "week" : "month";
  static const char * const variants[] = { "day", "day_or_after", "within_day" };

  for (int k = 0; k < COHORT_RETENTION_COLUMNS; k++)
    g_string_append_printf (out, ",%s_%d", prefix, k);
  for (guint v = 0; v < G_N_ELEMENTS (variants); v++)
    for (int j = 0; j < COHORT_RETENTION_N_DAYS; j++)
      g_string_append_printf (out, ",%s_%d", variants[v], cohort_retention_day_points[j]);
  g_string_append_c (out, '\n');

  for (guint r = 0; r < self->n_rows; r++)
    {
      const CohortRetentionCohort *row = &self->rows[r];
      g_autofree char *label = cohort_retention_row_label (self, r);

      g_string_append_printf (out, "%s,%" G_GINT64_FORMAT, label, row->size);
      for (int k = 0; k < COHORT_RETENTION_COLUMNS; k++)
        append_rate (out, &row->cells[k]);
      for (int j = 0; j < COHORT_RETENTION_N_DAYS; j++)
        append_rate (out, &row->day_n[j]);
      for (int j = 0; j < COHORT_RETENTION_N_DAYS; j++)
        append_rate (out, &row->on_or_after[j]);
      for (int j = 0; j < COHORT_RETENTION_N_DAYS; j++)
        append_rate (out, &row->within[j]);
      g_string_append_c (out, '\n');
    }
  return g_string_free (out, FALSE);
}

gboolean
cohort_retention_period_from_string (const char            *text,
                                     CohortRetentionPeriod *period)
{
  if (g_strcmp0 (text, "week") == 0)
    *period = COHORT_RETENTION_BY_WEEK;
  else if (g_strcmp0 (text, "month") == 0)
    *period = COHORT_RETENTION_BY_MONTH;
  else
    return FALSE;
  return TRUE;
}

gboolean
cohort_retention_mode_from_string (const char          *text,
                                   CohortRetentionMode *mode)
{
  if (g_strcmp0 (text, "membership") == 0)
    *mode = COHORT_RETENTION_MEMBERSHIP;
  else if (g_strcmp0 (text, "activity") == 0)
    *mode = COHORT_RETENTION_ACTIVITY;
  else
    return FALSE;
  return TRUE;
}
