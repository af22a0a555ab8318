/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-metrics"

#include "config.h"

#include "cohort-overview.h"
#include "cohort-csv-writer.h"
#include "cohort-settings.h"

#include <stdlib.h>
#include <string.h>

/*
 * The Overview metrics (METRICS.md §1, §2.1, §2.5, §2.7, §3.1, §3.3, §4.1, §4.2).
 *
 * Everything is computed on local day numbers.  A span [start, end) covers the days d with
 * present_end(m, d), which is exactly local_day(start) <= d < local_day(end): start < E(d)
 * holds from the start's own day on, and end >= E(d) holds up to the day before the end's
 * day (an end at local midnight belongs to the new day, §0.2).  So each span is converted to
 * two day numbers once and every later test is integer arithmetic.
 *
 * Messages are sorted by ts, so their local days are non-decreasing: a period is a
 * contiguous slice found by binary search, and no pass is O(days × messages).
 */

/* Sentinel days, far from G_MAXINT so that ±30 never overflows. */
#define DAY_OPEN    (G_MAXINT / 4)
#define DAY_PAST    (G_MININT / 4)
#define DAY_UNKNOWN G_MAXINT
#define DAY_NONE    G_MININT

/* Beyond ±2^45 s (about a million years) a timestamp is a sentinel, not a date. */
#define TS_LIMIT (G_GINT64_CONSTANT (1) << 45)

typedef struct
{
  CohortSnapshot *s;          /* borrowed */
  guint           n;          /* members */
  guint8         *is_h;       /* counted population H, §0.3 */
  guint          *span0;      /* spans of member m are span0[m] .. span0[m+1]-1 */
  int            *span_sday;  /* local day of the span start */
  int            *span_eday;  /* local day of the span end, DAY_OPEN if open */
  int            *fj_day;     /* local day of first_join, DAY_UNKNOWN if join unknown */
  /* UTC offset of each half hour of UTC from off_base, n_off entries */
  gint64          off_base;
  guint           n_off;
  gint32         *off;
  const CohortCommunitySettings *settings;  /* borrowed; NULL = METRICS.md §B defaults */
} Ctx;


/* ------------------------------------------------------------------------------------------ */
/* Context                                                                                     */

static gint64
floor_div (gint64 a,
           gint64 b)
{
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/*
 * Spans and first joins come in member order, not time order, and GTimeZone looks an
 * instant up by a linear walk over the zone's transitions.  So the UTC offset is tabulated
 * per half hour of UTC over the snapshot's data, the granularity the snapshot itself
 * assumes when it derives message days, so that both always agree on a day.
 */
static int
interval_at (Ctx   *ctx,
             gint64 b)
{
  return g_time_zone_find_interval (ctx->s->tz, G_TIME_TYPE_UNIVERSAL, ctx->off_base + b * 1800);
}

static gint32
interval_offset (Ctx *ctx,
                 int  interval)
{
  return interval >= 0 ? g_time_zone_get_offset (ctx->s->tz, interval) : 0;
}

/* Interval indices only grow with time, so equal ends mean a single interval in between:
 * bisection needs O(transitions × log n) look-ups, not n. */
static void
fill_offsets (Ctx   *ctx,
              gint64 lo,
              int    iv_lo,
              gint64 hi,
              int    iv_hi)
{
  gint64 mid;
  int iv_mid;

  if (iv_lo == iv_hi || hi - lo <= 1)
    {
      gint32 off = interval_offset (ctx, iv_lo);

      for (gint64 b = lo; b < hi; b++)
        ctx->off[b] = off;
      ctx->off[hi] = interval_offset (ctx, iv_hi);
      return;
    }
  mid = lo + (hi - lo) / 2;
  iv_mid = interval_at (ctx, mid);
  fill_offsets (ctx, lo, iv_lo, mid, iv_mid);
  fill_offsets (ctx, mid, iv_mid, hi, iv_hi);
}

static void
ctx_init_offsets (Ctx *ctx)
{
  CohortSnapshot *s = ctx->s;
  gint64 lo = floor_div (cohort_snapshot_day_start (s, s->first_day - 2), 1800) * 1800;
  gint64 hi = cohort_snapshot_day_end (s, s->last_day + 2);
  gint64 n = (hi - lo) / 1800 + 1;

  /* 100 years at most; beyond that every look-up goes to GTimeZone */
  if (n < 2 || n > 100 * 366 * 48)
    n = 0;
  ctx->off_base = lo;
  ctx->n_off = (guint)n;
  ctx->off = g_new (gint32, n + 1);
  if (n > 0)
    fill_offsets (ctx, 0, interval_at (ctx, 0), n - 1, interval_at (ctx, n - 1));
}

static int
ts_to_day (Ctx   *ctx,
           gint64 ts)
{
  gint64 b;

  if (ts == COHORT_TS_OPEN || ts > TS_LIMIT)
    return DAY_OPEN;
  if (ts < -TS_LIMIT)
    return DAY_PAST;

  b = floor_div (ts - ctx->off_base, 1800);
  if (b < 0 || b >= ctx->n_off)
    return cohort_snapshot_local_day (ctx->s, ts);
  return (int)floor_div (ts + ctx->off[b], 86400);
}

static void
ctx_clear (Ctx *ctx)
{
  g_free (ctx->is_h);
  g_free (ctx->span0);
  g_free (ctx->span_sday);
  g_free (ctx->span_eday);
  g_free (ctx->fj_day);
  g_free (ctx->off);
  memset (ctx, 0, sizeof *ctx);
}

static void
ctx_init (Ctx            *ctx,
          CohortSnapshot *s)
{
  guint n = s->n_members;

  ctx->s = s;
  ctx->n = n;
  ctx->settings = NULL;
  ctx->is_h = g_new0 (guint8, n + 1);
  ctx->span0 = g_new0 (guint, n + 2);
  ctx->span_sday = g_new (int, s->n_spans + 1);
  ctx->span_eday = g_new (int, s->n_spans + 1);
  ctx->fj_day = g_new (int, n + 1);
  ctx_init_offsets (ctx);

  for (guint m = 0; m < n; m++)
    {
      ctx->is_h[m] = !s->member_is_bot[m] && !s->member_is_staff[m];
      ctx->fj_day[m] = s->member_first_join[m] == G_MAXINT64
                       ? DAY_UNKNOWN
                       : ts_to_day (ctx, s->member_first_join[m]);
    }

  /* Spans are sorted by member, so a counting pass gives each member's slice.  Spans naming
   * an unknown member sort last and fall outside every slice. */
  for (guint i = 0; i < s->n_spans; i++)
    {
      if (s->span_member[i] < n)
        ctx->span0[s->span_member[i] + 1]++;
      ctx->span_sday[i] = ts_to_day (ctx, s->span_start[i]);
      ctx->span_eday[i] = ts_to_day (ctx, s->span_end[i]);
    }
  for (guint m = 0; m < n; m++)
    ctx->span0[m + 1] += ctx->span0[m];
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

/* Some span overlaps [day0, day1].  A span ending at the first instant of day0 counts: its
 * leave is in LEAVES(P), so the member was part of P. */
static gboolean
present_during (Ctx  *ctx,
                guint m,
                int   day0,
                int   day1)
{
  for (guint i = ctx->span0[m]; i < ctx->span0[m + 1]; i++)
    if (ctx->span_sday[i] <= day1 && ctx->span_eday[i] >= day0)
      return TRUE;
  return FALSE;
}

static gboolean
is_raw (Ctx  *ctx,
        guint i)
{
  guint m = ctx->s->msg_member[i];

  return m < ctx->n && ctx->is_h[m] && ctx->s->msg_kind[i] != COHORT_MESSAGE_SYSTEM;
}

static gboolean
is_genuine (Ctx  *ctx,
            guint i)
{
  return is_raw (ctx, i) && !ctx->s->msg_is_mech[i];
}

/* Local day of each member's last genuine message on or before asof, DAY_NONE if none; the
 * same as of an earlier day too when `before` is not NULL (one pass for both periods). */
static int *
last_genuine_days (Ctx  *ctx,
                   int   asof,
                   int   before_asof,
                   int **before)
{
  int *last = g_new (int, ctx->n + 1);
  guint end = cohort_snapshot_first_message_on (ctx->s, asof + 1);
  guint split = before != NULL ? cohort_snapshot_first_message_on (ctx->s, before_asof + 1) : 0;

  for (guint m = 0; m < ctx->n; m++)
    last[m] = DAY_NONE;
  for (guint i = 0; i < end; i++)
    {
      if (before != NULL && i == split)
        *before = g_memdup2 (last, sizeof (int) * (ctx->n + 1));
      if (is_genuine (ctx, i))
        last[ctx->s->msg_member[i]] = ctx->s->msg_day[i];
    }
  if (before != NULL && split >= end)
    *before = g_memdup2 (last, sizeof (int) * (ctx->n + 1));
  return last;
}

/* ------------------------------------------------------------------------------------------ */
/* KPIs                                                                                        */

CohortChurnLevel
cohort_metrics_churn_level (int silent_days)
{
  if (silent_days >= 60)
    return COHORT_CHURN_HIGH;
  if (silent_days >= 30)
    return COHORT_CHURN_WARN;
  if (silent_days >= 14)
    return COHORT_CHURN_WATCH;
  return COHORT_CHURN_NONE;
}

static void
kpis_spans (Ctx        *ctx,
            int         day0,
            int         day1,
            CohortKpis *out)
{
  CohortSnapshot *s = ctx->s;

  for (guint i = 0; i < s->n_spans; i++)
    {
      guint m = s->span_member[i];

      if (m >= ctx->n || !ctx->is_h[m])
        continue;
      if (ctx->span_sday[i] >= day0 && ctx->span_sday[i] <= day1)
        out->joins++;
      if (ctx->span_eday[i] >= day0 && ctx->span_eday[i] <= day1)
        out->leaves++;
    }
  out->net_growth = out->joins - out->leaves;
}

static void
kpis_messages (Ctx        *ctx,
               int         day0,
               int         day1,
               CohortKpis *out)
{
  CohortSnapshot *s = ctx->s;
  g_autofree guint8 *seen = g_new0 (guint8, ctx->n + 1);
  guint lo = cohort_snapshot_first_message_on (s, day0);
  guint hi = cohort_snapshot_first_message_on (s, day1 + 1);

  /* seen: bit 0 = any raw message, bit 1 = a genuine one */
  for (guint i = lo; i < hi; i++)
    {
      guint m = s->msg_member[i];

      if (!is_raw (ctx, i))
        continue;
      out->raw_messages++;
      seen[m] |= 1;
      if (!s->msg_is_mech[i])
        {
          out->messages++;
          seen[m] |= 2;
        }
    }
  for (guint m = 0; m < ctx->n; m++)
    {
      if (seen[m] & 1)
        out->raw_interaction_rate.num++;
      if (seen[m] & 2)
        out->active_members++;
    }
  out->real_interaction_rate.num = out->active_members;
}

/* last: each member's last genuine day as of day1 (last_genuine_days ()). */
static void
kpis_members (Ctx        *ctx,
              int         day0,
              int         day1,
              const int  *last,
              CohortKpis *out)
{
  for (guint m = 0; m < ctx->n; m++)
    {
      int fj = ctx->fj_day[m];
      gboolean at_end;

      if (!ctx->is_h[m])
        continue;

      at_end = present_end (ctx, m, day1);
      out->members_start += present_end (ctx, m, day0 - 1);
      out->members_end += at_end;
      if (present_during (ctx, m, day0, day1))
        {
          out->raw_interaction_rate.den++;
          out->real_interaction_rate.den++;
        }

      if (fj != DAY_UNKNOWN && fj >= day0 && fj <= day1)
        {
          out->new_members++;
          /* §3.1: only day cohorts whose day 7 is complete by asof are mature */
          if (fj + 7 <= day1)
            {
              out->retention_7d.den++;
              out->retention_7d.num += present_end (ctx, m, fj + 7);
            }
        }

      if (!at_end)
        continue;
      if (last[m] != DAY_NONE)
        {
          switch (cohort_settings_churn_level (ctx->settings, day1 - last[m]))
            {
            case COHORT_CHURN_WATCH:
              out->churn_watch++;
              break;
            case COHORT_CHURN_WARN:
              out->churn_warn++;
              break;
            case COHORT_CHURN_HIGH:
              out->churn_high++;
              break;
            case COHORT_CHURN_NONE:
            default:
              break;
            }
        }
      /* §4.2: join-unknown members have no tenure, so they are neither lurkers nor base */
      if (fj != DAY_UNKNOWN && day1 - fj >= 7)
        {
          out->lurk_rate.den++;
          if (last[m] == DAY_NONE)
            out->lurkers++;
        }
    }
  out->lurk_rate.num = out->lurkers;
}

static void
compute_kpis (Ctx        *ctx,
              int         day0,
              int         day1,
              const int  *last,
              CohortKpis *out)
{
  memset (out, 0, sizeof *out);
  kpis_spans (ctx, day0, day1, out);
  kpis_messages (ctx, day0, day1, out);
  kpis_members (ctx, day0, day1, last, out);
}

void
cohort_metrics_kpis (CohortSnapshot *snapshot,
                     int             day0,
                     int             day1,
                     CohortKpis     *out)
{
  g_autofree int *last = NULL;
  Ctx ctx;

  g_return_if_fail (snapshot != NULL);
  g_return_if_fail (out != NULL);

  ctx_init (&ctx, snapshot);
  last = last_genuine_days (&ctx, day1, 0, NULL);
  compute_kpis (&ctx, day0, day1, last, out);
  ctx_clear (&ctx);
}

/* Straight from the definition on timestamps (§0.4), independent of the day arithmetic the
 * series use, so tests can cross-check the two. */
gint64
cohort_metrics_members_at (CohortSnapshot *snapshot,
                           int             day)
{
  gint64 e, count = 0;
  guint i = 0;

  g_return_val_if_fail (snapshot != NULL, 0);

  e = cohort_snapshot_day_end (snapshot, day);
  while (i < snapshot->n_spans)
    {
      guint m = snapshot->span_member[i];
      gboolean present = FALSE;

      for (; i < snapshot->n_spans && snapshot->span_member[i] == m; i++)
        if (snapshot->span_start[i] < e && snapshot->span_end[i] >= e)
          present = TRUE;
      if (present && m < snapshot->n_members &&
          !snapshot->member_is_bot[m] && !snapshot->member_is_staff[m])
        count++;
    }
  return count;
}

/* ------------------------------------------------------------------------------------------ */
/* Posting slots (§2.7)                                                                        */

static gboolean
far_from_all (const int *kept,
              int        n_kept,
              int        hour)
{
  for (int i = 0; i < n_kept; i++)
    {
      int d = ABS (kept[i] - hour);

      if (MIN (d, 24 - d) < 2)
        return FALSE;
    }
  return TRUE;
}

void
cohort_metrics_posting_slots (const double hour_profile[24],
                              int          core[3],
                              int          supplementary[2])
{
  int order[24];
  int kept[5];
  int n_kept = 0;

  /* Insertion sort by value descending; being stable, ties keep the earlier hour first. */
  for (int h = 0; h < 24; h++)
    {
      int j = h;

      while (j > 0 && hour_profile[order[j - 1]] < hour_profile[h])
        {
          order[j] = order[j - 1];
          j--;
        }
      order[j] = h;
    }

  /* Every kept hour blocks at most 3 clock hours, so 24 hours always yield 5 slots. */
  for (int i = 0; i < 24 && n_kept < 5; i++)
    if (far_from_all (kept, n_kept, order[i]))
      kept[n_kept++] = order[i];

  for (int i = 0; i < 3; i++)
    core[i] = kept[i];
  for (int i = 0; i < 2; i++)
    supplementary[i] = kept[3 + i];
}

/* ------------------------------------------------------------------------------------------ */
/* Daily series                                                                                */

/* Adds +1 over the half-open spine indices [from, to), clipped to [0, n). */
static void
diff_add (gint64 *diff,
          int     n,
          int     from,
          int     to)
{
  from = MAX (from, 0);
  to = MIN (to, n);
  if (from >= to)
    return;
  diff[from]++;
  diff[to]--;
}

static void
diff_to_series (const gint64 *diff,
                gint64       *series,
                int           n)
{
  gint64 run = 0;

  for (int i = 0; i < n; i++)
    series[i] = (run += diff[i]);
}

static void
series_membership (Ctx            *ctx,
                   CohortOverview *self)
{
  int n = self->n_days;
  int day0 = self->day0;
  g_autofree gint64 *diff = g_new0 (gint64, n + 1);

  for (guint m = 0; m < ctx->n; m++)
    {
      int a = 0, b = -1;   /* current merged run of present days [a, b] */

      if (!ctx->is_h[m])
        continue;
      /* A member counts once a day even if the data holds overlapping spans. */
      for (guint i = ctx->span0[m]; i < ctx->span0[m + 1]; i++)
        {
          int sa = ctx->span_sday[i], sb = ctx->span_eday[i] - 1;

          if (sa > sb)
            continue;
          if (b >= a && sa <= b + 1)
            {
              b = MAX (b, sb);
              continue;
            }
          if (b >= a)
            diff_add (diff, n, a - day0, b - day0 + 1);
          a = sa;
          b = sb;
        }
      if (b >= a)
        diff_add (diff, n, a - day0, b - day0 + 1);
    }
  diff_to_series (diff, self->members, n);

  for (guint i = 0; i < ctx->s->n_spans; i++)
    {
      guint m = ctx->s->span_member[i];
      int sd = ctx->span_sday[i], ed = ctx->span_eday[i];

      if (m >= ctx->n || !ctx->is_h[m])
        continue;
      if (sd >= day0 && sd <= self->day1)
        self->day_joins[sd - day0]++;
      if (ed >= day0 && ed <= self->day1)
        self->day_leaves[ed - day0]++;
    }
}

/*
 * DAU, WAU7 and MAU30 in one pass.  A member active on the sorted distinct days a1 < a2 < …
 * counts in the window of length w ending d iff some ai lies in [d−w+1, d], i.e. d lies in
 * the union of [ai, ai+w).  Cutting each interval at the next active day makes them
 * disjoint, so each member adds one run per active day to a difference array.
 */
static void
series_activity (Ctx            *ctx,
                 CohortOverview *self)
{
  static const int widths[3] = { 1, 7, 30 };
  CohortSnapshot *s = ctx->s;
  int n = self->n_days;
  int day0 = self->day0;
  g_autofree int *last = g_new (int, ctx->n + 1);
  g_autofree gint64 *diff = g_new0 (gint64, 3 * (n + 1));
  gint64 *out[3] = { self->dau, self->wau7, self->mau30 };
  guint lo = cohort_snapshot_first_message_on (s, day0 - 29);
  guint hi = cohort_snapshot_first_message_on (s, self->day1 + 1);

  for (guint m = 0; m < ctx->n; m++)
    last[m] = DAY_NONE;

  for (guint i = lo; i < hi; i++)
    {
      guint m = s->msg_member[i];
      int d = s->msg_day[i];

      if (!is_genuine (ctx, i) || last[m] == d)
        continue;
      if (last[m] != DAY_NONE)
        for (int k = 0; k < 3; k++)
          diff_add (diff + k * (n + 1), n, last[m] - day0, MIN (last[m] + widths[k], d) - day0);
      last[m] = d;
    }
  for (guint m = 0; m < ctx->n; m++)
    if (last[m] != DAY_NONE)
      for (int k = 0; k < 3; k++)
        diff_add (diff + k * (n + 1), n, last[m] - day0, last[m] + widths[k] - day0);

  for (int k = 0; k < 3; k++)
    diff_to_series (diff + k * (n + 1), out[k], n);
}

/* ------------------------------------------------------------------------------------------ */
/* Heatmap, hour profile, top members                                                          */

typedef struct
{
  guint  member;
  gint64 count;
} MemberCount;

static int
compare_member_counts (const void *a,
                       const void *b)
{
  const MemberCount *x = a, *y = b;

  if (x->count != y->count)
    return x->count > y->count ? -1 : 1;
  return (x->member > y->member) - (x->member < y->member);
}

static void
top_member_free (gpointer data)
{
  CohortTopMember *t = data;

  g_free (t->name);
  g_free (t);
}

static void
fill_top_members (Ctx            *ctx,
                  CohortOverview *self,
                  const gint64   *counts)
{
  g_autoptr(GArray) ranked = g_array_new (FALSE, FALSE, sizeof (MemberCount));

  for (guint m = 0; m < ctx->n; m++)
    if (counts[m] > 0)
      {
        MemberCount mc = { m, counts[m] };
        g_array_append_val (ranked, mc);
      }
  if (ranked->len > 0)
    qsort (ranked->data, ranked->len, sizeof (MemberCount), compare_member_counts);

  for (guint i = 0; i < ranked->len && i < 10; i++)
    {
      MemberCount *mc = &g_array_index (ranked, MemberCount, i);
      CohortTopMember *t = g_new0 (CohortTopMember, 1);

      t->member = mc->member;
      t->name = g_strdup (ctx->s->member_name[mc->member]);
      t->messages = mc->count;
      g_ptr_array_add (self->top_members, t);
    }
}

static void
fill_hours (Ctx            *ctx,
            CohortOverview *self)
{
  CohortSnapshot *s = ctx->s;
  g_autofree gint64 *counts = g_new0 (gint64, ctx->n + 1);
  gint64 wday_days[7] = { 0 };
  guint lo = cohort_snapshot_first_message_on (s, self->day0);
  guint hi = cohort_snapshot_first_message_on (s, self->day1 + 1);
  int data_days = 0;
  int prev_day = DAY_NONE;

  for (guint i = lo; i < hi; i++)
    {
      if (!is_genuine (ctx, i))
        continue;
      self->heatmap_counts[s->msg_wday[i]][s->msg_hour[i]]++;
      counts[s->msg_member[i]]++;
      if (s->msg_day[i] != prev_day)
        data_days++;
      prev_day = s->msg_day[i];
    }

  for (int d = self->day0; d <= self->day1; d++)
    wday_days[cohort_day_weekday (d)]++;
  for (int wd = 0; wd < 7; wd++)
    for (int h = 0; h < 24; h++)
      {
        gint64 c = self->heatmap_counts[wd][h];

        self->heatmap[wd][h] = wday_days[wd] > 0 ? (double)c / wday_days[wd] : 0.0;
        self->hour_profile[h] += (double)c;
      }
  for (int h = 0; h < 24; h++)
    self->hour_profile[h] /= self->n_days;

  /* §2.7: too few days of data make the peak hours noise, so ship the textbook slots. */
  self->slots_fallback = data_days < 14;
  if (self->slots_fallback)
    {
      self->core_slots[0] = 9;
      self->core_slots[1] = 12;
      self->core_slots[2] = 20;
      self->supplementary_slots[0] = 7;
      self->supplementary_slots[1] = 22;
    }
  else
    cohort_metrics_posting_slots (self->hour_profile, self->core_slots,
                                  self->supplementary_slots);

  fill_top_members (ctx, self, counts);
}

/* ------------------------------------------------------------------------------------------ */
/* Churn list (§4.1)                                                                           */

static void
churn_entry_free (gpointer data)
{
  CohortChurnEntry *e = data;

  g_free (e->name);
  g_free (e);
}

static int
compare_churn_entries (gconstpointer a,
                       gconstpointer b)
{
  const CohortChurnEntry *x = *(CohortChurnEntry * const *)a;
  const CohortChurnEntry *y = *(CohortChurnEntry * const *)b;
  int r;

  if (x->silent_days != y->silent_days)
    return x->silent_days > y->silent_days ? -1 : 1;
  if ((r = g_strcmp0 (x->name, y->name)) != 0)
    return r;
  return (x->member > y->member) - (x->member < y->member);
}

static void
fill_churn_list (Ctx            *ctx,
                 CohortOverview *self,
                 const int      *last)
{
  int asof = self->day1;

  for (guint m = 0; m < ctx->n; m++)
    {
      CohortChurnEntry *e;
      CohortChurnLevel level;

      if (!ctx->is_h[m] || last[m] == DAY_NONE || !present_end (ctx, m, asof))
        continue;
      level = cohort_settings_churn_level (ctx->settings, asof - last[m]);
      if (level == COHORT_CHURN_NONE)
        continue;
      e = g_new0 (CohortChurnEntry, 1);
      e->member = m;
      e->name = g_strdup (ctx->s->member_name[m]);
      e->last_day = last[m];
      e->silent_days = asof - last[m];
      e->level = level;
      g_ptr_array_add (self->churn_list, e);
    }
  g_ptr_array_sort (self->churn_list, compare_churn_entries);
}

/* ------------------------------------------------------------------------------------------ */
/* Weekly retention cohorts (§3.3)                                                             */

static void
fill_cohorts (Ctx            *ctx,
              CohortOverview *self)
{
  CohortSnapshot *s = ctx->s;
  /* the newest cohort: the range's last week, or the data's when it ends sooner */
  int last_week = cohort_settings_week_start (ctx->settings,
                                              cohort_metrics_cohorts_end (s, self->day0,
                                                                          self->day1));
  int range_week = cohort_settings_week_start (ctx->settings, self->day1);
  int first_week = MAX (cohort_settings_week_start (ctx->settings, self->day0),
                        last_week - 7 * (COHORT_RETENTION_MAX_WEEKS - 1));
  int n_weeks = (last_week - first_week) / 7 + 1;
  /* bit k: a genuine message in week first_week + 7k; all columns lie in these weeks */
  g_autofree guint32 *active = g_new0 (guint32, ctx->n + 1);
  guint lo = cohort_snapshot_first_message_on (s, first_week);
  guint hi = cohort_snapshot_first_message_on (s, self->day1 + 1);

  /* a row's cells reach r + k ≤ 2 × COHORT_RETENTION_MAX_WEEKS - 2 weeks after first_week */
  G_STATIC_ASSERT (2 * COHORT_RETENTION_MAX_WEEKS - 1 <= 32);

  self->n_cohorts = n_weeks;
  self->cohorts = g_new0 (CohortRetentionRow, n_weeks);
  for (int r = 0; r < n_weeks; r++)
    {
      CohortRetentionRow *row = &self->cohorts[r];

      row->week_start = first_week + 7 * r;
      row->n_cells = MIN ((range_week - row->week_start) / 7 + 1, COHORT_RETENTION_MAX_WEEKS);
    }

  for (guint i = lo; i < hi; i++)
    if (is_genuine (ctx, i))
      {
        int bit = (cohort_settings_week_start (ctx->settings, s->msg_day[i]) - first_week) / 7;

        /* messages end with the data, in the newest cohort's week at the latest */
        if (bit < 32)
          active[s->msg_member[i]] |= 1u << bit;
      }

  for (guint m = 0; m < ctx->n; m++)
    {
      int fj = ctx->fj_day[m];
      CohortRetentionRow *row;
      int r;

      if (!ctx->is_h[m] || fj == DAY_UNKNOWN || fj < first_week || fj > self->day1)
        continue;
      r = (cohort_settings_week_start (ctx->settings, fj) - first_week) / 7;
      row = &self->cohorts[r];
      row->size++;
      for (int k = 0; k < row->n_cells; k++)
        {
          int week_end = row->week_start + 7 * k + 6;

          /* an immature cell stays (0, 0): NULL, not 0 % (§0.6) */
          if (week_end > self->day1)
            break;
          row->active[k].den++;
          row->active[k].num += (active[m] >> (r + k)) & 1;
          row->member[k].den++;
          row->member[k].num += present_end (ctx, m, week_end);
        }
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Public API                                                                                  */

CohortOverview *
cohort_overview_compute (CohortSnapshot *snapshot,
                         int             day0,
                         int             day1)
{
  return cohort_overview_compute_with_settings (snapshot, NULL, day0, day1);
}

CohortOverview *
cohort_overview_compute_with_settings (CohortSnapshot                *snapshot,
                                       const CohortCommunitySettings *settings,
                                       int                            day0,
                                       int                            day1)
{
  g_autoptr(CohortOverview) self = NULL;
  g_autofree int *last = NULL;
  g_autofree int *prev_last = NULL;
  Ctx ctx;
  int n;

  g_return_val_if_fail (snapshot != NULL, NULL);
  g_return_val_if_fail (day0 <= day1, NULL);

  n = day1 - day0 + 1;
  self = g_new0 (CohortOverview, 1);
  self->day0 = day0;
  self->day1 = day1;
  self->week_start = settings != NULL ? settings->week_start : 1;
  self->n_days = n;
  self->members = g_new0 (gint64, n);
  self->day_joins = g_new0 (gint64, n);
  self->day_leaves = g_new0 (gint64, n);
  self->dau = g_new0 (gint64, n);
  self->wau7 = g_new0 (gint64, n);
  self->mau30 = g_new0 (gint64, n);
  self->top_members = g_ptr_array_new_with_free_func (top_member_free);
  self->churn_list = g_ptr_array_new_with_free_func (churn_entry_free);

  ctx_init (&ctx, snapshot);
  ctx.settings = settings;
  last = last_genuine_days (&ctx, day1, day0 - 1, &prev_last);
  compute_kpis (&ctx, day0, day1, last, &self->kpis);
  compute_kpis (&ctx, day0 - n, day0 - 1, prev_last, &self->prev);
  series_membership (&ctx, self);
  series_activity (&ctx, self);
  fill_hours (&ctx, self);
  fill_churn_list (&ctx, self, last);
  fill_cohorts (&ctx, self);
  ctx_clear (&ctx);

  return g_steal_pointer (&self);
}

void
cohort_overview_free (CohortOverview *self)
{
  if (self == NULL)
    return;

  g_free (self->members);
  g_free (self->day_joins);
  g_free (self->day_leaves);
  g_free (self->dau);
  g_free (self->wau7);
  g_free (self->mau30);
  g_clear_pointer (&self->top_members, g_ptr_array_unref);
  g_clear_pointer (&self->churn_list, g_ptr_array_unref);
  g_free (self->cohorts);
  g_free (self);
}

void
cohort_metrics_default_range (CohortSnapshot *snapshot,
                              gint64          now,
                              int             n_days,
                              int            *day0,
                              int            *day1)
{
  int last;

  g_return_if_fail (snapshot != NULL);

  /* The last complete local day, even when the data stops earlier: the range follows the
   * calendar so that a dead community shows its silence. */
  last = cohort_snapshot_local_day (snapshot, now) - 1;
  if (day1 != NULL)
    *day1 = last;
  if (day0 != NULL)
    *day0 = n_days <= 0 ? MIN (snapshot->first_day, last) : last - n_days + 1;
}

/* The snapshot has a join, a leave or a message, so that its last_day means something. */
static gboolean
has_data (const CohortSnapshot *snapshot)
{
  return snapshot->n_messages > 0 || snapshot->n_spans > 0;
}

gboolean
cohort_metrics_range_after_data (const CohortSnapshot *snapshot,
                                 int                   day0)
{
  g_return_val_if_fail (snapshot != NULL, FALSE);

  return has_data (snapshot) && snapshot->last_day < day0;
}

gboolean
cohort_metrics_data_ends_in_range (const CohortSnapshot *snapshot,
                                   int                   day0,
                                   int                   day1)
{
  g_return_val_if_fail (snapshot != NULL, FALSE);

  return has_data (snapshot) && snapshot->last_day >= day0 &&
         day1 - snapshot->last_day >= COHORT_DATA_END_NOTICE_DAYS;
}

int
cohort_metrics_cohorts_end (const CohortSnapshot *snapshot,
                            int                   day0,
                            int                   day1)
{
  g_return_val_if_fail (snapshot != NULL, day1);

  if (!has_data (snapshot) || snapshot->last_day < day0)
    return day1;
  return MIN (day1, snapshot->last_day);
}

/* ------------------------------------------------------------------------------------------ */
/* CSV of the lists                                                                            */

char *
cohort_overview_churn_to_csv (const CohortOverview *self,
                              const CohortSnapshot *snapshot)
{
  static const char * const levels[] = { "none", "slipping", "warning", "high-risk" };
  GString *out = g_string_new ("uid,name,level,silent_days,last_message\n");

  for (guint i = 0; i < self->churn_list->len; i++)
    {
      const CohortChurnEntry *e = self->churn_list->pdata[i];

      cohort_csv_append_field (out, snapshot->member_uid[e->member]);
      cohort_csv_append_field (out, e->name);
      cohort_csv_append_field (out, levels[e->level]);
      cohort_csv_append_int (out, e->silent_days);
      cohort_csv_append_day (out, e->last_day);
      g_string_append_c (out, '\n');
    }
  return g_string_free (out, FALSE);
}

char *
cohort_overview_top_to_csv (const CohortOverview *self,
                            const CohortSnapshot *snapshot)
{
  GString *out = g_string_new ("rank,uid,name,messages\n");

  for (guint i = 0; i < self->top_members->len; i++)
    {
      const CohortTopMember *m = self->top_members->pdata[i];

      cohort_csv_append_int (out, i + 1);
      cohort_csv_append_field (out, snapshot->member_uid[m->member]);
      cohort_csv_append_field (out, m->name);
      cohort_csv_append_int (out, m->messages);
      g_string_append_c (out, '\n');
    }
  return g_string_free (out, FALSE);
}
