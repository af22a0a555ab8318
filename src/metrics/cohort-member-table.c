/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-member-table"

#include "config.h"

#include "cohort-member-table.h"
#include "cohort-settings.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/*
 * One pass over the messages up to asof fills the per-member counters; the message array is
 * sorted by ts, so each member's genuine days arrive in order and "a new active day" is a
 * comparison with the last one.  The KOC score needs the population's percentiles, so it is
 * a second step over the scored members; RFM a third over the present ones.
 *
 * Tier hysteresis (§5.1): upgrades apply at once and downgrades only on the 1st, so the level
 * held at asof is the highest daily level since the 1st of asof's month.  The daily 铁粉 and
 * 活跃 levels are exact (each member's active days since the 1st minus the window are kept);
 * KOC is scored on the 1st and at asof, the two days its population ranking is taken.
 */

/* Beyond ±2^45 s a timestamp is a sentinel (an open span), not a date. */
#define TS_LIMIT (G_GINT64_CONSTANT (1) << 45)

typedef struct
{
  CohortSnapshot            *s;        /* borrowed */
  const CohortSegmentParams *params;   /* borrowed */
  int                        asof;
  guint                      n;
  guint                      end;      /* messages [0, end) are on or before asof */
  guint8                    *is_h;
  int                       *fj_day;
  guint8                    *credited; /* per invite row: a valid invitee (§7.1) */
} Ctx;

static int
ts_day (CohortSnapshot *s,
        gint64          ts)
{
  if (ts == COHORT_TS_OPEN || ts > TS_LIMIT || ts < -TS_LIMIT)
    return COHORT_DAY_NONE;
  return cohort_snapshot_local_day (s, ts);
}

static gboolean
is_genuine (Ctx  *ctx,
            guint i)
{
  guint m = ctx->s->msg_member[i];

  return m < ctx->n && ctx->is_h[m] && ctx->s->msg_kind[i] != COHORT_MESSAGE_SYSTEM &&
         !ctx->s->msg_is_mech[i];
}

static int
month_start (int day)
{
  int y, m, d;

  cohort_day_to_ymd (day, &y, &m, &d);
  return cohort_day_from_ymd (y, m, 1);
}

/*
 * §7.1 outside a campaign: an invite row credits its inviter when the invitee is a human
 * other than the inviter, was never a member before (first join on the invite's day or the
 * next), and no earlier row already credited them.  Rows come sorted by ts.
 */
static guint8 *
credit_invites (CohortSnapshot *s,
                const GArray   *invites,
                const guint8   *is_h,
                const int      *fj_day)
{
  guint n = invites != NULL ? invites->len : 0;
  guint8 *credited = g_new0 (guint8, n + 1);
  g_autofree guint8 *done = g_new0 (guint8, s->n_members + 1);

  for (guint i = 0; i < n; i++)
    {
      const CohortInvite *inv = &g_array_index (invites, CohortInvite, i);
      int day;

      if (inv->invitee >= s->n_members || inv->inviter >= s->n_members ||
          inv->invitee == inv->inviter || !is_h[inv->invitee] || done[inv->invitee])
        continue;
      day = ts_day (s, inv->ts);
      if (fj_day[inv->invitee] == COHORT_DAY_NONE || fj_day[inv->invitee] < day ||
          fj_day[inv->invitee] > day + 1)
        continue;
      credited[i] = TRUE;
      done[inv->invitee] = TRUE;
    }
  return credited;
}

/* ------------------------------------------------------------------------------------------ */
/* Counters                                                                                    */

static void
fill_membership (Ctx             *ctx,
                 CohortMemberRow *rows)
{
  CohortSnapshot *s = ctx->s;

  for (guint m = 0; m < ctx->n; m++)
    {
      CohortMemberRow *row = &rows[m];

      row->member = m;
      row->counted = ctx->is_h[m];
      row->first_day = row->last_day = COHORT_DAY_NONE;
      row->join_day = ctx->fj_day[m];
      row->tenure = row->join_day == COHORT_DAY_NONE || row->join_day > ctx->asof
                    ? -1 : ctx->asof - row->join_day;
      row->silent_days = -1;
      row->reach = -1;
      row->last_order_day = COHORT_DAY_NONE;
    }

  /* present_end(m, asof): start < E(asof) and end ≥ E(asof), in local days */
  for (guint i = 0; i < s->n_spans; i++)
    {
      guint m = s->span_member[i];
      int sday = ts_day (s, s->span_start[i]);
      int eday = ts_day (s, s->span_end[i]);

      if (m < ctx->n && sday != COHORT_DAY_NONE && sday <= ctx->asof &&
          (eday == COHORT_DAY_NONE || eday > ctx->asof))
        rows[m].present = TRUE;
    }
}

static void
fill_messages (Ctx             *ctx,
               CohortMemberRow *rows)
{
  CohortSnapshot *s = ctx->s;
  int tier0 = ctx->asof - ctx->params->tier_window_days + 1;
  int rfm0 = ctx->asof - ctx->params->rfm_window_days + 1;
  g_autofree int *day_count = g_new0 (int, ctx->n + 1);

  for (guint i = 0; i < ctx->end; i++)
    {
      guint m = s->msg_member[i];
      CohortMemberRow *row;
      int day = s->msg_day[i];

      if (m >= ctx->n || s->msg_kind[i] == COHORT_MESSAGE_SYSTEM)
        continue;
      row = &rows[m];
      row->messages++;
      if (!is_genuine (ctx, i))
        continue;
      row->genuine++;
      if (row->last_day != day)
        {
          row->active_days++;
          row->window_active_days += day >= tier0;
          row->rfm_days += day >= rfm0;
          day_count[m] = 0;
          if (row->first_day == COHORT_DAY_NONE)
            row->first_day = day;
          row->last_day = day;
        }
      /* §9.3: a genuine message earns 1 point, at most 10 a local day */
      if (day >= rfm0 && day_count[m]++ < 10)
        row->points++;
    }

  for (guint m = 0; m < ctx->n; m++)
    if (rows[m].last_day != COHORT_DAY_NONE)
      rows[m].silent_days = ctx->asof - rows[m].last_day;
}

static void
fill_invites (Ctx             *ctx,
              CohortMemberRow *rows,
              const GArray    *invites)
{
  int rfm0 = ctx->asof - ctx->params->rfm_window_days + 1;

  for (guint i = 0; invites != NULL && i < invites->len; i++)
    {
      const CohortInvite *inv = &g_array_index (invites, CohortInvite, i);
      int day;

      if (!ctx->credited[i])
        continue;
      day = ts_day (ctx->s, inv->ts);
      if (day > ctx->asof)
        continue;
      rows[inv->inviter].invites++;
      /* §9.3: a valid invitee earns 10 points */
      if (day >= rfm0)
        rows[inv->inviter].points += 10;
    }
}

/* ------------------------------------------------------------------------------------------ */
/* §5.2 KOC at one day                                                                         */

typedef struct
{
  guint   *members;   /* S */
  guint    n;
  gint64  *f, *q, *c;
  double  *score;
  gboolean *is_koc;
} KocResult;

static void
koc_result_clear (KocResult *r)
{
  g_free (r->members);
  g_free (r->f);
  g_free (r->q);
  g_free (r->c);
  g_free (r->score);
  g_free (r->is_koc);
}

static int
compare_guint64 (const void *a,
                 const void *b)
{
  guint64 x = *(const guint64 *)a, y = *(const guint64 *)b;

  return x < y ? -1 : x > y;
}

/* Q: distinct other humans who replied to m's messages in [day0, day1].  Replies from and to
 * bots do not count (§0.3).  The pairs are sorted and deduplicated rather than hashed. */
static void
count_repliers (Ctx    *ctx,
                int     day0,
                int     day1,
                gint64 *q)
{
  CohortSnapshot *s = ctx->s;
  guint lo = cohort_snapshot_first_message_on (s, day0);
  guint hi = cohort_snapshot_first_message_on (s, day1 + 1);
  g_autoptr(GArray) pairs = g_array_new (FALSE, FALSE, sizeof (guint64));

  for (guint i = lo; i < hi; i++)
    {
      int target = s->msg_reply_member[i];
      guint64 pair;

      if (target < 0 || (guint)target >= ctx->n || (guint)target == s->msg_member[i] ||
          !ctx->is_h[target] || !is_genuine (ctx, i))
        continue;
      pair = (guint64)target << 32 | s->msg_member[i];
      g_array_append_val (pairs, pair);
    }
  /* An empty GArray has NULL data, which qsort must not get (UBSan). */
  if (pairs->len > 1)
    qsort (pairs->data, pairs->len, sizeof (guint64), compare_guint64);
  for (guint i = 0; i < pairs->len; i++)
    if (i == 0 || g_array_index (pairs, guint64, i) != g_array_index (pairs, guint64, i - 1))
      q[g_array_index (pairs, guint64, i) >> 32]++;
}

static void
score_koc (Ctx          *ctx,
           int           day,
           const GArray *invites,
           KocResult    *out)
{
  CohortSnapshot *s = ctx->s;
  int day0 = day - ctx->params->koc_window_days + 1;
  guint lo = cohort_snapshot_first_message_on (s, day0);
  guint hi = cohort_snapshot_first_message_on (s, day + 1);
  g_autofree gint64 *f = g_new0 (gint64, ctx->n + 1);
  g_autofree gint64 *q = g_new0 (gint64, ctx->n + 1);
  g_autofree gint64 *c = g_new0 (gint64, ctx->n + 1);

  for (guint i = lo; i < hi; i++)
    if (is_genuine (ctx, i))
      f[s->msg_member[i]]++;
  count_repliers (ctx, day0, day, q);
  for (guint i = 0; invites != NULL && i < invites->len; i++)
    {
      const CohortInvite *inv = &g_array_index (invites, CohortInvite, i);
      int iday;

      if (!ctx->credited[i])
        continue;
      iday = ts_day (s, inv->ts);
      if (iday >= day0 && iday <= day)
        c[inv->inviter]++;
    }

  /* S: humans with tenure ≥ 14 and ≥ 1 genuine message in the window */
  memset (out, 0, sizeof *out);
  out->members = g_new (guint, ctx->n + 1);
  for (guint m = 0; m < ctx->n; m++)
    if (ctx->is_h[m] && f[m] > 0 && ctx->fj_day[m] != COHORT_DAY_NONE &&
        day - ctx->fj_day[m] >= ctx->params->koc_min_tenure)
      out->members[out->n++] = m;

  out->f = g_new (gint64, out->n + 1);
  out->q = g_new (gint64, out->n + 1);
  out->c = g_new (gint64, out->n + 1);
  out->score = g_new (double, out->n + 1);
  out->is_koc = g_new (gboolean, out->n + 1);
  for (guint k = 0; k < out->n; k++)
    {
      out->f[k] = f[out->members[k]];
      out->q[k] = q[out->members[k]];
      out->c[k] = c[out->members[k]];
    }
  cohort_segments_koc (ctx->params, out->n, out->f, out->q, out->c, out->members,
                       out->score, out->is_koc);
}

static void
fill_koc (Ctx             *ctx,
          CohortMemberTable *table,
          const GArray    *invites,
          const gint64    *reach,
          guint8          *koc_at_month_start)
{
  KocResult now, first;
  int m0 = month_start (ctx->asof);

  score_koc (ctx, ctx->asof, invites, &now);
  table->n_scored = now.n;
  for (guint k = 0; k < now.n; k++)
    {
      CohortMemberRow *row = &table->rows[now.members[k]];

      row->koc_scored = TRUE;
      row->koc_f = now.f[k];
      row->koc_q = now.q[k];
      row->koc_c = now.c[k];
      row->koc_score = now.score[k];
      row->is_koc = now.is_koc[k];
      table->n_koc += row->is_koc;
    }
  /* The percentiles themselves, for the reasons shown to the operator. */
  if (now.n > 0)
    {
      g_autofree double *pf = g_new (double, now.n);
      g_autofree double *pq = g_new (double, now.n);
      g_autofree double *pc = g_new (double, now.n);

      cohort_segments_mid_rank_pct (now.f, now.n, pf);
      cohort_segments_mid_rank_pct (now.q, now.n, pq);
      cohort_segments_mid_rank_pct (now.c, now.n, pc);
      for (guint k = 0; k < now.n; k++)
        {
          CohortMemberRow *row = &table->rows[now.members[k]];

          row->pct_f = pf[k];
          row->pct_q = pq[k];
          row->pct_c = pc[k];
        }
    }
  koc_result_clear (&now);

  if (m0 != ctx->asof)
    {
      score_koc (ctx, m0, invites, &first);
      for (guint k = 0; k < first.n; k++)
        koc_at_month_start[first.members[k]] = first.is_koc[k];
      koc_result_clear (&first);
    }

  for (guint m = 0; m < ctx->n; m++)
    {
      CohortMemberRow *row = &table->rows[m];

      if (reach != NULL)
        row->reach = reach[m];
      row->is_kol = row->counted && (row->is_koc ||
                                     (row->reach >= 0 && row->reach >= ctx->params->kol_min_followers));
    }
}

/* ------------------------------------------------------------------------------------------ */
/* §5.1 tiers with hysteresis                                                                  */

/* Each member's distinct active days in [m0 − window + 1, asof], member by member. */
static void
collect_recent_days (Ctx    *ctx,
                     int     from,
                     guint **offsets_out,
                     int   **days_out)
{
  CohortSnapshot *s = ctx->s;
  guint lo = cohort_snapshot_first_message_on (s, from);
  guint *offsets = g_new0 (guint, ctx->n + 2);
  g_autofree int *last = g_new (int, ctx->n + 1);
  g_autofree guint *fill = NULL;
  int *days;

  for (guint pass = 0; pass < 2; pass++)
    {
      for (guint m = 0; m < ctx->n; m++)
        last[m] = COHORT_DAY_NONE;
      for (guint i = lo; i < ctx->end; i++)
        {
          guint m = s->msg_member[i];

          if (!is_genuine (ctx, i) || last[m] == s->msg_day[i])
            continue;
          last[m] = s->msg_day[i];
          if (pass == 0)
            offsets[m + 1]++;
          else
            days_out[0][fill[m]++] = s->msg_day[i];
        }
      if (pass == 0)
        {
          for (guint m = 0; m < ctx->n; m++)
            offsets[m + 1] += offsets[m];
          days = g_new (int, offsets[ctx->n] + 1);
          *days_out = days;
          fill = g_memdup2 (offsets, sizeof (guint) * (ctx->n + 1));
        }
    }
  *offsets_out = offsets;
}

/* Active days of a sorted list that fall in [day0, day1]. */
static int
count_days_in (const int *days,
               guint      n,
               int        day0,
               int        day1)
{
  int count = 0;

  for (guint i = 0; i < n; i++)
    count += days[i] >= day0 && days[i] <= day1;
  return count;
}

static CohortTier
tier_on (Ctx      *ctx,
         guint     m,
         int       day,
         gboolean  is_koc,
         const int *days,
         guint     n_days)
{
  int window0 = day - ctx->params->tier_window_days + 1;
  int tenure = ctx->fj_day[m] == COHORT_DAY_NONE ? -1 : day - ctx->fj_day[m];

  return cohort_segments_raw_tier (ctx->params, is_koc,
                                   count_days_in (days, n_days, window0, day), tenure);
}

static void
fill_tiers (Ctx               *ctx,
            CohortMemberTable *table,
            const guint8      *koc_at_month_start)
{
  int m0 = month_start (ctx->asof);
  g_autofree guint *offsets = NULL;
  g_autofree int *days = NULL;

  collect_recent_days (ctx, m0 - ctx->params->tier_window_days + 1, &offsets, &days);

  for (guint m = 0; m < ctx->n; m++)
    {
      CohortMemberRow *row = &table->rows[m];
      const int *mine = days + offsets[m];
      guint n_mine = offsets[m + 1] - offsets[m];
      CohortTier held;

      row->lifecycle = cohort_segments_lifecycle (ctx->params, row->tenure);
      if (!row->counted || !row->present)
        continue;

      row->raw_tier = tier_on (ctx, m, ctx->asof, row->is_koc, mine, n_mine);
      held = MAX (row->raw_tier, tier_on (ctx, m, m0, koc_at_month_start[m], mine, n_mine));
      /* The daily level only rises on an active day or the day tenure reaches 30. */
      for (guint i = 0; i < n_mine; i++)
        if (mine[i] >= m0)
          held = MAX (held, tier_on (ctx, m, mine[i], FALSE, mine, n_mine));
      if (ctx->fj_day[m] != COHORT_DAY_NONE)
        {
          int ripe = ctx->fj_day[m] + ctx->params->new_member_days;

          if (ripe > m0 && ripe <= ctx->asof)
            held = MAX (held, tier_on (ctx, m, ripe, FALSE, mine, n_mine));
        }
      row->tier = held;
      table->tier_counts[held]++;
      table->lifecycle_tier_counts[row->lifecycle][held]++;
    }
}

/* ------------------------------------------------------------------------------------------ */
/* §4.1 churn and §5.3 RFM                                                                     */

/* Paid orders up to asof: the last one for R, those in the commerce window for F and M. */
static gboolean
fill_orders (Ctx             *ctx,
             CohortMemberRow *rows,
             const GArray    *orders)
{
  int window0 = ctx->asof - ctx->params->commerce_window_days + 1;
  gboolean any = FALSE;

  for (guint i = 0; orders != NULL && i < orders->len; i++)
    {
      const CohortOrder *o = &g_array_index (orders, CohortOrder, i);
      int day = ts_day (ctx->s, o->ts);

      if (o->member >= ctx->n || day == COHORT_DAY_NONE || day > ctx->asof)
        continue;
      any = TRUE;
      rows[o->member].last_order_day = MAX (rows[o->member].last_order_day, day);
      if (day >= window0)
        {
          rows[o->member].orders++;
          rows[o->member].revenue_cents += o->cents;
        }
    }
  return any;
}

/* §4.1 with the community's thresholds (Settings). */
static CohortChurnLevel
churn_level (const CohortSegmentParams *params,
             int                        silent_days)
{
  if (silent_days >= params->churn_high_days)
    return COHORT_CHURN_HIGH;
  if (silent_days >= params->churn_warn_days)
    return COHORT_CHURN_WARN;
  if (silent_days >= params->churn_watch_days)
    return COHORT_CHURN_WATCH;
  return COHORT_CHURN_NONE;
}

static void
fill_churn_and_rfm (Ctx               *ctx,
                    CohortMemberTable *table)
{
  g_autofree guint *pop = g_new (guint, ctx->n + 1);
  g_autofree gint64 *r = g_new (gint64, ctx->n + 1);
  g_autofree gboolean *r_null = g_new (gboolean, ctx->n + 1);
  g_autofree gint64 *f = g_new (gint64, ctx->n + 1);
  g_autofree gint64 *mv = g_new (gint64, ctx->n + 1);
  g_autofree guint8 *sr = g_new (guint8, ctx->n + 1);
  g_autofree guint8 *sf = g_new (guint8, ctx->n + 1);
  g_autofree guint8 *sm = g_new (guint8, ctx->n + 1);
  g_autofree guint8 *k8 = g_new (guint8, ctx->n + 1);
  guint n = 0;

  for (guint m = 0; m < ctx->n; m++)
    {
      CohortMemberRow *row = &table->rows[m];

      if (!row->counted || !row->present)
        continue;
      if (row->silent_days >= 0)
        row->churn = churn_level (ctx->params, row->silent_days);
      pop[n] = m;
      if (table->rfm_commerce)
        {
          /* no order: R is NULL (the worst), F = M = 0 */
          r_null[n] = row->last_order_day == COHORT_DAY_NONE;
          r[n] = r_null[n] ? 0 : ctx->asof - row->last_order_day;
          f[n] = row->orders;
          mv[n] = row->revenue_cents;
        }
      else
        {
          r[n] = MAX (row->silent_days, 0);
          r_null[n] = row->silent_days < 0;
          f[n] = row->rfm_days;
          mv[n] = row->points;
        }
      n++;
    }

  cohort_segments_rfm_scores (n, r, r_null, f, mv, sr, sf, sm);
  cohort_segments_rfm8 (n, r, r_null, f, mv, k8);
  table->n_rfm = n;
  for (guint k = 0; k < n; k++)
    {
      CohortMemberRow *row = &table->rows[pop[k]];

      row->rfm_scored = TRUE;
      row->rfm_r = sr[k];
      row->rfm_f = sf[k];
      row->rfm_m = sm[k];
      row->rfm_segment = cohort_segments_rfm_segment (sr[k], sf[k], sm[k]);
      row->rfm8 = k8[k];
      table->rfm_counts[row->rfm_segment]++;
      table->rfm8_counts[row->rfm8]++;
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Public API                                                                                  */

static void
ctx_init (Ctx                       *ctx,
          CohortSnapshot            *s,
          int                        asof,
          const CohortSegmentParams *params,
          const GArray              *invites)
{
  ctx->s = s;
  ctx->params = params;
  ctx->asof = asof;
  ctx->n = s->n_members;
  ctx->end = cohort_snapshot_first_message_on (s, asof + 1);
  ctx->is_h = g_new0 (guint8, ctx->n + 1);
  ctx->fj_day = g_new (int, ctx->n + 1);
  for (guint m = 0; m < ctx->n; m++)
    {
      ctx->is_h[m] = !s->member_is_bot[m] && !s->member_is_staff[m];
      ctx->fj_day[m] = s->member_first_join[m] == G_MAXINT64
                       ? COHORT_DAY_NONE : ts_day (s, s->member_first_join[m]);
    }
  ctx->credited = credit_invites (s, invites, ctx->is_h, ctx->fj_day);
}

static void
ctx_clear (Ctx *ctx)
{
  g_free (ctx->is_h);
  g_free (ctx->fj_day);
  g_free (ctx->credited);
}

CohortMemberTable *
cohort_member_table_compute (CohortSnapshot            *snapshot,
                             int                        asof,
                             const CohortSegmentParams *params,
                             const GArray              *invites,
                             const GArray              *orders,
                             const gint64              *reach)
{
  CohortMemberTable *table;
  gboolean has_orders;
  g_autofree guint8 *koc_m0 = NULL;
  Ctx ctx = { 0 };

  g_return_val_if_fail (snapshot != NULL, NULL);

  table = g_new0 (CohortMemberTable, 1);
  if (params != NULL)
    table->params = *params;
  else
    cohort_segment_params_init_default (&table->params);
  table->asof = asof;
  table->n_rows = snapshot->n_members;
  table->rows = g_new0 (CohortMemberRow, table->n_rows + 1);

  ctx_init (&ctx, snapshot, asof, &table->params, invites);
  koc_m0 = g_new0 (guint8, ctx.n + 1);
  fill_membership (&ctx, table->rows);
  fill_messages (&ctx, table->rows);
  fill_invites (&ctx, table->rows, invites);
  has_orders = fill_orders (&ctx, table->rows, orders);
  table->rfm_commerce = table->params.rfm_mode == COHORT_RFM_MODE_COMMERCE ||
                        (table->params.rfm_mode == COHORT_RFM_MODE_AUTO && has_orders);
  fill_koc (&ctx, table, invites, reach, koc_m0);
  fill_tiers (&ctx, table, koc_m0);
  fill_churn_and_rfm (&ctx, table);
  ctx_clear (&ctx);
  return table;
}

void
cohort_member_table_free (CohortMemberTable *self)
{
  if (self == NULL)
    return;
  g_free (self->rows);
  g_free (self);
}

/* ------------------------------------------------------------------------------------------ */
/* Reasons                                                                                     */

static void
add_tier_reason (const CohortMemberTable *self,
                 const CohortMemberRow   *row,
                 GPtrArray               *out)
{
  const CohortSegmentParams *p = &self->params;

  if (!row->counted)
    {
      g_ptr_array_add (out, g_strdup (_("Staff and bots are left out of tiers, KOC and RFM.")));
      return;
    }
  if (!row->present)
    {
      g_ptr_array_add (out, g_strdup (_("No longer a member, so not rated.")));
      return;
    }
  switch (row->raw_tier)
    {
    case COHORT_TIER_KOC:
      g_ptr_array_add (out, g_strdup (_("KOC: meets the KOC rule below.")));
      break;
    case COHORT_TIER_FAN:
      g_ptr_array_add (out, g_strdup_printf (_("Superfan: %d active days in the last %d days "
                                               "(needs %d) and %d days in the community."),
                                             row->window_active_days, p->tier_window_days,
                                             p->fan_min_active_days, row->tenure));
      break;
    case COHORT_TIER_ACTIVE:
      g_ptr_array_add (out, g_strdup_printf (_("Active: %d active days in the last %d days."),
                                             row->window_active_days, p->tier_window_days));
      break;
    case COHORT_TIER_LURKER:
    case COHORT_TIER_NONE:
    default:
      g_ptr_array_add (out, g_strdup_printf (_("Lurker: no genuine message in the last %d days."),
                                             p->tier_window_days));
      break;
    }
  if (row->tier != row->raw_tier)
    g_ptr_array_add (out, g_strdup_printf (_("Held at %s until the 1st of next month: levels "
                                             "only go down once a month."),
                                           cohort_tier_name (row->tier)));
}

static void
add_koc_reason (const CohortMemberTable *self,
                const CohortMemberRow   *row,
                GPtrArray               *out)
{
  const CohortSegmentParams *p = &self->params;
  GString *verdict;

  if (!row->counted)
    return;
  if (!row->koc_scored)
    {
      g_ptr_array_add (out, g_strdup_printf (_("Not scored for KOC: needs %d days in the "
                                               "community and a genuine message in the last "
                                               "%d days."),
                                             p->koc_min_tenure, p->koc_window_days));
    }
  else
    {
      g_ptr_array_add (out, g_strdup_printf (_("KOC score %.3f = 0.4 × %.3f (F: %" PRId64
                                               " genuine messages in %d days) + 0.3 × %.3f (Q: %"
                                               PRId64 " people replied) + 0.3 × %.3f (C: %"
                                               PRId64 " valid invitees)."),
                                             row->koc_score, row->pct_f, (int64_t)row->koc_f,
                                             p->koc_window_days, row->pct_q, (int64_t)row->koc_q,
                                             row->pct_c, (int64_t)row->koc_c));
      verdict = g_string_new (NULL);
      if (row->is_koc)
        g_string_append_printf (verdict, _("KOC: score ≥ %.2f, F ≥ %d, Q ≥ %d and among the "
                                           "top %.0f%% of the %u scored members."),
                                p->koc_min_score, p->koc_min_messages, p->koc_min_reach,
                                p->koc_top_share * 100, self->n_scored);
      else if (row->koc_score + 1e-9 < p->koc_min_score)
        g_string_append_printf (verdict, _("Not a KOC: the score is below %.2f."),
                                p->koc_min_score);
      else if (row->koc_f < p->koc_min_messages)
        g_string_append_printf (verdict, _("Not a KOC: fewer than %d genuine messages."),
                                p->koc_min_messages);
      else if (row->koc_q < p->koc_min_reach)
        g_string_append_printf (verdict, _("Not a KOC: fewer than %d people replied."),
                                p->koc_min_reach);
      else
        g_string_append_printf (verdict, _("Not a KOC: meets the thresholds but is outside the "
                                           "top %.0f%%."), p->koc_top_share * 100);
      g_ptr_array_add (out, g_string_free (verdict, FALSE));
    }
  if (row->is_kol && !row->is_koc)
    g_ptr_array_add (out, g_strdup_printf (_("KOL: %" PRId64 " external followers (at least %d)."),
                                           (int64_t)row->reach, p->kol_min_followers));
  else if (row->is_kol)
    g_ptr_array_add (out, g_strdup (_("KOL: every KOC is a KOL.")));
}

static void
add_rfm_reason (const CohortMemberTable *self,
                const CohortMemberRow   *row,
                GPtrArray               *out)
{
  g_autofree char *recency = NULL;

  if (!row->rfm_scored)
    return;
  if (self->rfm_commerce)
    {
      g_autofree char *last = row->last_order_day == COHORT_DAY_NONE
                              ? g_strdup (_("no paid order"))
                              : g_strdup_printf (_("last paid order %d days ago"),
                                                 self->asof - row->last_order_day);

      g_ptr_array_add (out, g_strdup_printf (_("Commerce RFM %d-%d-%d (R: %s; F: %" PRId64 " paid "
                                               "orders in %d days; M: %.2f) → %s; median view: %s."),
                                             row->rfm_r, row->rfm_f, row->rfm_m, last,
                                             (int64_t)row->orders, self->params.commerce_window_days,
                                             row->revenue_cents / 100.0,
                                             cohort_rfm_segment_name (row->rfm_segment),
                                             cohort_rfm8_name (row->rfm8)));
      return;
    }
  recency = row->silent_days < 0 ? g_strdup (_("never spoke"))
                                 : g_strdup_printf (_("silent %d days"), row->silent_days);
  g_ptr_array_add (out, g_strdup_printf (_("RFM %d-%d-%d (R: %s; F: %d active days in %d days; "
                                           "M: %" PRId64 " points) → %s; median view: %s."),
                                         row->rfm_r, row->rfm_f, row->rfm_m, recency,
                                         row->rfm_days, self->params.rfm_window_days,
                                         (int64_t)row->points,
                                         cohort_rfm_segment_name (row->rfm_segment),
                                         cohort_rfm8_name (row->rfm8)));
}

GPtrArray *
cohort_member_table_reasons (const CohortMemberTable *self,
                             guint                    member)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  const CohortMemberRow *row;

  g_return_val_if_fail (self != NULL, out);
  g_return_val_if_fail (member < self->n_rows, out);

  row = &self->rows[member];
  add_tier_reason (self, row, out);
  add_koc_reason (self, row, out);
  add_rfm_reason (self, row, out);
  return out;
}

/* ------------------------------------------------------------------------------------------ */
/* History                                                                                     */

static int
compare_partners (const void *a,
                  const void *b)
{
  const CohortReplyPartner *x = a, *y = b;

  if (x->count != y->count)
    return x->count > y->count ? -1 : 1;
  return x->partner < y->partner ? -1 : x->partner > y->partner;
}

static GArray *
partners_from_counts (const gint64 *counts,
                      guint         n)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (CohortReplyPartner));

  for (guint m = 0; m < n; m++)
    if (counts[m] > 0)
      g_array_append_val (out, ((CohortReplyPartner) { m, counts[m] }));
  g_array_sort (out, compare_partners);
  return out;
}

static void
fill_history_messages (Ctx                 *ctx,
                       guint                member,
                       CohortMemberHistory *h)
{
  CohortSnapshot *s = ctx->s;
  g_autofree gint64 *to = g_new0 (gint64, ctx->n + 1);
  g_autofree gint64 *by = g_new0 (gint64, ctx->n + 1);

  for (guint i = 0; i < ctx->end; i++)
    {
      guint sender = s->msg_member[i];
      int target = s->msg_reply_member[i];
      int day = s->msg_day[i];

      if (!is_genuine (ctx, i) && !(sender == member && s->msg_kind[i] != COHORT_MESSAGE_SYSTEM &&
                                    !s->msg_is_mech[i]))
        continue;
      if (sender == member)
        {
          if (day >= h->calendar_first_day && day < h->calendar_first_day + COHORT_DETAIL_CALENDAR_DAYS)
            h->calendar[day - h->calendar_first_day]++;
          if (day >= h->weeks_first_day && day < h->weeks_first_day + 7 * COHORT_DETAIL_WEEKS)
            h->weekly[(day - h->weeks_first_day) / 7]++;
          if (target >= 0 && (guint)target < ctx->n && (guint)target != member)
            to[target]++;
        }
      else if (target >= 0 && (guint)target == member)
        by[sender]++;
    }
  h->replies_to = partners_from_counts (to, ctx->n);
  h->replied_by = partners_from_counts (by, ctx->n);
}

CohortMemberHistory *
cohort_member_history_compute (CohortSnapshot *snapshot,
                               guint           member,
                               int             asof,
                               const GArray   *invites)
{
  return cohort_member_history_compute_with_params (snapshot, NULL, member, asof, invites);
}

CohortMemberHistory *
cohort_member_history_compute_with_params (CohortSnapshot            *snapshot,
                                           const CohortSegmentParams *community_params,
                                           guint                      member,
                                           int                        asof,
                                           const GArray              *invites)
{
  CohortSegmentParams params;
  CohortMemberHistory *h;
  Ctx ctx = { 0 };
  int week;

  g_return_val_if_fail (snapshot != NULL, NULL);
  g_return_val_if_fail (member < snapshot->n_members, NULL);

  if (community_params != NULL)
    params = *community_params;
  else
    cohort_segment_params_init_default (&params);
  ctx_init (&ctx, snapshot, asof, &params, invites);

  /* the calendar's columns and the weekly bars are the community's weeks */
  week = cohort_day_week_start_on (asof, params.week_start);
  h = g_new0 (CohortMemberHistory, 1);
  h->calendar_first_day = week - 52 * 7;
  h->weeks_first_day = week - (COHORT_DETAIL_WEEKS - 1) * 7;
  fill_history_messages (&ctx, member, h);

  h->spans = g_array_new (FALSE, FALSE, sizeof (int));
  h->span_kinds = g_array_new (FALSE, FALSE, sizeof (guint8));
  for (guint i = 0; i < snapshot->n_spans; i++)
    if (snapshot->span_member[i] == member)
      {
        int days[2] = { ts_day (snapshot, snapshot->span_start[i]),
                        ts_day (snapshot, snapshot->span_end[i]) };
        guint8 kinds[2] = { snapshot->span_start_kind[i], snapshot->span_end_kind[i] };

        g_array_append_vals (h->spans, days, 2);
        g_array_append_vals (h->span_kinds, kinds, 2);
      }

  h->invitees = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint i = 0; invites != NULL && i < invites->len; i++)
    {
      const CohortInvite *inv = &g_array_index (invites, CohortInvite, i);

      if (ctx.credited[i] && inv->inviter == member)
        g_array_append_val (h->invitees, inv->invitee);
    }
  ctx_clear (&ctx);
  return h;
}

void
cohort_member_history_free (CohortMemberHistory *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->replies_to, g_array_unref);
  g_clear_pointer (&self->replied_by, g_array_unref);
  g_clear_pointer (&self->spans, g_array_unref);
  g_clear_pointer (&self->span_kinds, g_array_unref);
  g_clear_pointer (&self->invitees, g_array_unref);
  g_free (self);
}
