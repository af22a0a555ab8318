/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "cohort-activity.h"
#include "cohort-keywords.h"
#include "cohort-retention.h"

/*
 * The worked examples of METRICS.md §2.2, §2.3, §2.4, §2.6, §3.2, §3.3 and §10.2, each built
 * as a snapshot (and text rows) by hand; the comments show how each number comes about.
 */

#define D(y, m, d) cohort_day_from_ymd ((y), (m), (d))

typedef struct
{
  CohortSnapshot *s;
  GPtrArray      *texts;
} Fixture;

static void
assert_rate (CohortRate r,
             gint64     num,
             gint64     den)
{
  g_assert_cmpint (r.num, ==, num);
  g_assert_cmpint (r.den, ==, den);
}

static gint64
at (CohortSnapshot *s,
    int             day,
    int             hour)
{
  return cohort_snapshot_day_start (s, day) + hour * 3600;
}

static void
fixture_init (Fixture *f)
{
  f->s = cohort_snapshot_new ("test", "telegram", "Asia/Shanghai");
  f->texts = g_ptr_array_new_with_free_func ((GDestroyNotify)cohort_text_message_free);
}

static void
fixture_clear (Fixture *f)
{
  cohort_snapshot_free (f->s);
  g_ptr_array_unref (f->texts);
}

static guint
member (Fixture    *f,
        const char *name,
        int         join_day,
        gboolean    is_bot)
{
  guint m = cohort_snapshot_add_member (f->s, name, name, is_bot, FALSE);

  cohort_snapshot_add_span (f->s, m, at (f->s, join_day, 10), COHORT_TS_OPEN, COHORT_SPAN_JOIN,
                            COHORT_SPAN_OPEN);
  return m;
}

/* Adds the message to the snapshot and to the text rows (which must stay in time order). */
static void
post (Fixture    *f,
      guint       m,
      gint64      ts,
      int         kind,
      gboolean    mech,
      int         reply,
      const char *text)
{
  cohort_snapshot_add_message (f->s, ts, m, kind, mech, reply);
  g_ptr_array_add (f->texts, cohort_text_message_new (ts, m, reply, kind, mech,
                                                      mech ? "STOPLIST_ZH" : NULL, text));
}

static void
say (Fixture *f,
     guint    m,
     int      day,
     int      hour)
{
  post (f, m, at (f->s, day, hour), COHORT_MESSAGE_TEXT, FALSE, -1, "大家好，今天的进度如何");
}

static int
compare_text_ts (gconstpointer a,
                 gconstpointer b)
{
  const CohortTextMessage *x = *(CohortTextMessage * const *)a;
  const CohortTextMessage *y = *(CohortTextMessage * const *)b;

  return x->ts < y->ts ? -1 : x->ts > y->ts;
}

static CohortActivity *
compute (Fixture *f,
         int      day0,
         int      day1)
{
  cohort_snapshot_finish (f->s);
  g_ptr_array_sort (f->texts, compare_text_ts);
  return cohort_activity_compute (f->s, f->texts, day0, day1);
}

/* ------------------------------------------------------------------------------------------ */

/*
 * §2.2, March 2024: 50 members active in the month (MAU = 50), ΣDAU = 310, so STICK =
 * 310 / (31 × 50) = 0.20.  Members 0–1 post only on 03-01 (DAU 2), members 2–49 on 03-02
 * (48), members 2–11 every day 03-03…03-26 (10 × 24 = 240), members 2–9 on 03-27 (8),
 * members 2–13 on 03-31 (12): 2 + 48 + 240 + 8 + 12 = 310.  MAU30(03-31) covers
 * 03-02…03-31: members 2–49 = 48, so 12 / 48 = 0.25.  In 03-25…03-31, members 2–9 are
 * active on 4 days (03-25, 26, 27, 31), 10–11 on 3 and 12–13 on 1.
 */
static void
test_stickiness (void)
{
  Fixture f;
  g_autoptr(CohortActivity) a = NULL;
  guint m[50];

  fixture_init (&f);
  for (int i = 0; i < 50; i++)
    {
      g_autofree char *name = g_strdup_printf ("m%02d", i);
      m[i] = member (&f, name, D (2024, 2, 1), FALSE);
    }
  for (int i = 0; i < 2; i++)
    say (&f, m[i], D (2024, 3, 1), 9);
  for (int i = 2; i < 50; i++)
    say (&f, m[i], D (2024, 3, 2), 9);
  for (int d = 3; d <= 26; d++)
    for (int i = 2; i < 12; i++)
      say (&f, m[i], D (2024, 3, d), 9 + (i % 5));
  for (int i = 2; i < 10; i++)
    say (&f, m[i], D (2024, 3, 27), 20);
  for (int i = 2; i < 14; i++)
    {
      say (&f, m[i], D (2024, 3, 31), 8);
      say (&f, m[i], D (2024, 3, 31), 21);   /* a second message the same day adds no DAU */
    }

  a = compute (&f, D (2024, 3, 1), D (2024, 3, 31));
  assert_rate (a->stickiness, 310, 31 * 50);
  g_assert_cmpfloat_with_epsilon ((double)a->stickiness.num / a->stickiness.den, 0.20, 1e-9);
  g_assert_cmpuint (a->n_days, ==, 31);
  g_assert_cmpint (a->dau[0], ==, 2);
  g_assert_cmpint (a->dau[1], ==, 48);
  g_assert_cmpint (a->dau[30], ==, 12);
  g_assert_cmpint (a->mau30[30], ==, 48);
  g_assert_cmpint (a->mau30[0], ==, 2);
  g_assert_cmpint (a->mau30[1], ==, 50);
  g_assert_cmpint (a->active_days[4], ==, 8);
  g_assert_cmpint (a->active_days[3], ==, 2);
  g_assert_cmpint (a->active_days[1], ==, 2);
  g_assert_cmpint (a->active_days[2] + a->active_days[5] + a->active_days[6] +
                   a->active_days[7], ==, 0);
  fixture_clear (&f);
}

/*
 * §2.3 and §2.5, week W = 2024-03-04…03-10: 112 members present, 28 genuine posters with
 * 450 genuine messages (members 0–1 send 17, members 2–27 send 16: 34 + 416), 12 members
 * with only mechanical ones: 150 of them (members 28–33 send 13, 34–39 send 12), 50 of
 * which are stickers.  RAW_MSG 600, MECH_SHARE 150/600, per active 450/28 = 16.07, per
 * present 450/112 = 4.02, per day 450/7 = 64.29.
 */
static void
test_volume (void)
{
  Fixture f;
  g_autoptr(CohortActivity) a = NULL;
  int w0 = D (2024, 3, 4);
  int stickers = 0;

  fixture_init (&f);
  for (int i = 0; i < 112; i++)
    {
      g_autofree char *name = g_strdup_printf ("m%03d", i);
      member (&f, name, D (2024, 2, 1), FALSE);
    }
  for (int i = 0; i < 28; i++)
    for (int k = 0; k < (i < 2 ? 17 : 16); k++)
      say (&f, i, w0 + k % 7, 8 + k % 12);
  for (int i = 28; i < 40; i++)
    for (int k = 0; k < (i < 34 ? 13 : 12); k++)
      {
        gboolean sticker = stickers < 50 && k < 5;

        stickers += sticker;
        post (&f, i, at (f.s, w0 + k % 7, 10 + k % 10),
              sticker ? COHORT_MESSAGE_STICKER : COHORT_MESSAGE_TEXT, TRUE, -1,
              sticker ? NULL : "收到");
      }

  a = compute (&f, w0, w0 + 6);
  g_assert_cmpint (a->raw_messages, ==, 600);
  g_assert_cmpint (a->messages, ==, 450);
  g_assert_cmpint (a->active, ==, 28);
  g_assert_cmpint (a->present, ==, 112);
  assert_rate (a->mech_share, 150, 600);
  assert_rate (a->per_active, 450, 28);
  assert_rate (a->per_present, 450, 112);
  assert_rate (a->per_day, 450, 7);
  g_assert_cmpfloat_with_epsilon ((double)a->per_active.num / a->per_active.den, 16.0714285714, 1e-9);
  g_assert_cmpint (a->kinds[COHORT_MESSAGE_TEXT], ==, 550);
  g_assert_cmpint (a->kinds[COHORT_MESSAGE_STICKER], ==, 50);

  /* the audit: 100 copies of 收到 by 12 members, then the 50 stickers (no text) */
  g_assert_cmpuint (a->mech_texts->len, ==, 2);
  g_assert_cmpstr (((CohortMechText *)a->mech_texts->pdata[0])->text, ==, "收到");
  g_assert_cmpint (((CohortMechText *)a->mech_texts->pdata[0])->count, ==, 100);
  g_assert_cmpint (((CohortMechText *)a->mech_texts->pdata[0])->members, ==, 12);
  g_assert_cmpstr (((CohortMechText *)a->mech_texts->pdata[0])->reason, ==, "STOPLIST_ZH");
  g_assert_cmpstr (((CohortMechText *)a->mech_texts->pdata[1])->text, ==, "");
  g_assert_cmpint (((CohortMechText *)a->mech_texts->pdata[1])->count, ==, 50);
  g_assert_cmpint (((CohortMechText *)a->mech_texts->pdata[1])->kind, ==, COHORT_MESSAGE_STICKER);
  fixture_clear (&f);
}

/*
 * §2.4: A replies to B "这个怎么配置?"; B replies to A "收到" (mechanical); C sends
 * "@D 明天几点开始?"; E replies to E; F replies to a bot.  INTER = 2, PAIRS = 2.  With
 * 7 present humans (A–F and G, who says nothing) density = 2 / 21.
 */
static void
test_interactions (void)
{
  Fixture f;
  g_autoptr(CohortActivity) a = NULL;
  int day = D (2024, 3, 5);
  guint A, B, C, Dm, E, F, bot;

  fixture_init (&f);
  A = member (&f, "A", D (2024, 3, 1), FALSE);
  B = member (&f, "B", D (2024, 3, 1), FALSE);
  C = member (&f, "C", D (2024, 3, 1), FALSE);
  Dm = member (&f, "D", D (2024, 3, 1), FALSE);
  E = member (&f, "E", D (2024, 3, 1), FALSE);
  F = member (&f, "F", D (2024, 3, 1), FALSE);
  member (&f, "G", D (2024, 3, 1), FALSE);
  bot = member (&f, "helper_bot", D (2024, 3, 1), TRUE);

  post (&f, B, at (f.s, day, 9), COHORT_MESSAGE_TEXT, FALSE, -1, "配置文档发群里了");
  post (&f, A, at (f.s, day, 10), COHORT_MESSAGE_TEXT, FALSE, (int)B, "这个怎么配置?");
  post (&f, B, at (f.s, day, 11), COHORT_MESSAGE_TEXT, TRUE, (int)A, "收到");
  post (&f, C, at (f.s, day, 12), COHORT_MESSAGE_TEXT, FALSE, -1, "@D 明天几点开始?");
  post (&f, E, at (f.s, day, 13), COHORT_MESSAGE_TEXT, FALSE, (int)E, "补充一下上面的内容");
  post (&f, bot, at (f.s, day, 14), COHORT_MESSAGE_TEXT, FALSE, -1, "每日提醒");
  post (&f, F, at (f.s, day, 15), COHORT_MESSAGE_TEXT, FALSE, (int)bot, "提醒收到了吗机器人");

  a = compute (&f, day, day);
  g_assert_cmpint (a->interactions, ==, 2);
  g_assert_cmpint (a->pairs, ==, 2);
  assert_rate (a->interaction_freq, 2, 1);
  assert_rate (a->density, 2, 21);
  /* the network: A, B, C and D, each in one interaction */
  g_assert_cmpuint (a->nodes->len, ==, 4);
  g_assert_cmpuint (a->edges->len, ==, 2);
  g_assert_cmpint (g_array_index (a->edges, CohortNetworkEdge, 0).weight, ==, 1);
  (void)Dm;
  fixture_clear (&f);
}

/* A message that replies to B and mentions C: one interaction, pairs {A,B} and {A,C}.  A
 * name shared by two members is ambiguous and resolves to nobody. */
static void
test_interaction_reply_and_mention (void)
{
  Fixture f;
  g_autoptr(CohortActivity) a = NULL;
  int day = D (2024, 3, 5);
  guint A, B;

  fixture_init (&f);
  A = member (&f, "Alice", D (2024, 3, 1), FALSE);
  B = member (&f, "Bob", D (2024, 3, 1), FALSE);
  member (&f, "Carol Chen", D (2024, 3, 1), FALSE);
  member (&f, "Dup", D (2024, 3, 1), FALSE);
  cohort_snapshot_add_member (f.s, "dup2", "Dup", FALSE, FALSE);

  post (&f, B, at (f.s, day, 9), COHORT_MESSAGE_TEXT, FALSE, -1, "今晚八点开会");
  post (&f, A, at (f.s, day, 10), COHORT_MESSAGE_TEXT, FALSE, (int)B,
        "好的，@Carol Chen 你也来吧 @Bob");
  post (&f, A, at (f.s, day, 11), COHORT_MESSAGE_TEXT, FALSE, -1, "@Dup 你在吗？");

  a = compute (&f, day, day);
  g_assert_cmpint (a->interactions, ==, 1);
  g_assert_cmpint (a->pairs, ==, 2);
  fixture_clear (&f);
}

/* Orbit's example: 5 members with 6 connections, density 6 / 10 = 0.6. */
static void
test_density (void)
{
  static const int links[6][2] = { { 0, 1 }, { 0, 2 }, { 0, 3 }, { 1, 2 }, { 1, 3 }, { 2, 4 } };
  Fixture f;
  g_autoptr(CohortActivity) a = NULL;
  int day = D (2024, 3, 5);

  fixture_init (&f);
  for (int i = 0; i < 5; i++)
    {
      g_autofree char *name = g_strdup_printf ("m%d", i);
      member (&f, name, D (2024, 3, 1), FALSE);
    }
  for (int i = 0; i < 6; i++)
    {
      post (&f, links[i][1], at (f.s, day, 8 + 2 * i), COHORT_MESSAGE_TEXT, FALSE, -1, "问个问题");
      post (&f, links[i][0], at (f.s, day, 9 + 2 * i), COHORT_MESSAGE_TEXT, FALSE, links[i][1],
            "我来回答一下");
    }

  a = compute (&f, day, day);
  g_assert_cmpint (a->pairs, ==, 6);
  assert_rate (a->density, 6, 10);
  g_assert_cmpfloat_with_epsilon ((double)a->density.num / a->density.den, 0.6, 1e-9);
  /* member 0 answered three times and 1–2 took part in three interactions each */
  g_assert_cmpuint (a->nodes->len, ==, 5);
  g_assert_cmpuint (a->edges->len, ==, 6);
  fixture_clear (&f);
}

/* §2.6: counts 40, 25, 15, 10, 10 (total 100): the top 1 sends 40 %, the top 2 65 %: CAF 2. */
static void
test_caf (void)
{
  static const gint64 counts[] = { 40, 25, 15, 10, 10 };
  Fixture f;
  g_autoptr(CohortActivity) a = NULL;
  int day = D (2024, 3, 5);

  g_assert_cmpint (cohort_activity_caf (counts, 5), ==, 2);
  g_assert_cmpint (cohort_activity_caf (counts, 0), ==, 0);

  fixture_init (&f);
  for (int i = 0; i < 5; i++)
    {
      g_autofree char *name = g_strdup_printf ("m%d", i);
      guint m = member (&f, name, D (2024, 3, 1), FALSE);

      for (int k = 0; k < counts[4 - i]; k++)
        say (&f, m, day, k % 24);
    }
  a = compute (&f, day, day);
  g_assert_cmpint (a->caf, ==, 2);
  g_assert_cmpint (a->speakers, ==, 5);
  g_assert_cmpint (a->messages, ==, 100);
  fixture_clear (&f);
}

/* ------------------------------------------------------------------------------------------ */
/* §10.2                                                                                       */

static gboolean
has_token (GPtrArray  *tokens,
           const char *token)
{
  for (guint i = 0; i < tokens->len; i++)
    if (g_str_equal (g_ptr_array_index (tokens, i), token))
      return TRUE;
  return FALSE;
}

static void
test_tokenize (void)
{
  g_autoptr(GPtrArray) tokens = NULL;
  g_autoptr(GPtrArray) latin = NULL;

  tokens = cohort_keywords_tokenize ("直播 https://x.cn/live?id=3 @张三 [微笑]👍 退款");
  g_assert_true (has_token (tokens, "直播"));
  g_assert_true (has_token (tokens, "退款"));
  g_assert_cmpuint (tokens->len, ==, 2);

  latin = cohort_keywords_tokenize ("The Refund is late, refund please! ok 2024 a");
  g_assert_true (has_token (latin, "refund"));
  g_assert_true (has_token (latin, "late"));
  g_assert_true (has_token (latin, "please"));
  g_assert_false (has_token (latin, "the"));
  g_assert_false (has_token (latin, "ok"));
  g_assert_false (has_token (latin, "2024"));
  g_assert_false (has_token (latin, "a"));
  g_assert_cmpuint (latin->len, ==, 4);

  g_assert_true (cohort_keywords_is_stopword ("收到"));
  g_assert_true (cohort_keywords_is_stopword ("thanks"));
  g_assert_false (cohort_keywords_is_stopword ("直播"));
}

/*
 * Week P = 2024-03-11…03-17: 直播 used by 9 members (members 0–8, member 0 twice: 10 times),
 * 退款 by 7 (members 0–4 once, 5 three times, 6 four times: 12 times), so 直播 ranks first.
 * Week B before it has the same 9 active members, one of whom said 退款: rising
 * (7+1)/(1+1) × (9+1)/(9+1) = 4.0 ≥ 3, flagged; 直播 (9+1)/(0+1) = 10 is flagged too.
 */
/* Distinct members a term is counted for, past the sizes where the counter's set of
 * (term, member) pairs grows several times, with the texts repeated and shared between a
 * current and a previous counter. */
static void
test_keyword_members (void)
{
  g_autoptr(CohortKeywordCounter) current = cohort_keyword_counter_new (NULL);
  g_autoptr(CohortKeywordCounter) previous = cohort_keyword_counter_new (current);

  for (guint round = 0; round < 3; round++)
    for (guint m = 0; m < 3000; m++)
      {
        guint n = m % 700;
        g_autofree char *own = g_strdup_printf ("直播 kw%c%c%c", 'a' + n / 100, 'a' + n / 10 % 10,
                                                'a' + n % 10);

        cohort_keyword_counter_add (current, m, "直播 退款");
        cohort_keyword_counter_add (current, m, own);
        if (m % 3 == 0)
          cohort_keyword_counter_add (previous, m, "直播");
      }
  g_assert_cmpint (cohort_keyword_counter_members (current, "直播"), ==, 3000);
  g_assert_cmpint (cohort_keyword_counter_members (current, "退款"), ==, 3000);
  /* kwNNN, N's digits as letters: the members m with m % 700 = N, 5 of them for N < 200
   * and 4 after */
  g_assert_cmpint (cohort_keyword_counter_members (current, "kwaah"), ==, 5);
  g_assert_cmpint (cohort_keyword_counter_members (current, "kwgjj"), ==, 4);
  g_assert_cmpint (cohort_keyword_counter_members (previous, "直播"), ==, 1000);
  g_assert_cmpint (cohort_keyword_counter_members (previous, "退款"), ==, 0);
  g_assert_cmpint (cohort_keyword_counter_members (current, "没有"), ==, 0);
}

static void
test_keywords (void)
{
  Fixture f;
  g_autoptr(CohortActivity) a = NULL;
  int p0 = D (2024, 3, 11), b0 = D (2024, 3, 4);
  guint m[9];
  CohortKeyword *k;

  fixture_init (&f);
  for (int i = 0; i < 9; i++)
    {
      g_autofree char *name = g_strdup_printf ("m%d", i);
      m[i] = member (&f, name, D (2024, 2, 1), FALSE);
    }
  for (int i = 0; i < 9; i++)
    post (&f, m[i], at (f.s, b0 + 1, 8 + i), COHORT_MESSAGE_TEXT, FALSE, -1,
          i == 0 ? "退款" : "签约");
  for (int i = 0; i < 9; i++)
    post (&f, m[i], at (f.s, p0, 8 + i), COHORT_MESSAGE_TEXT, FALSE, -1, "直播");
  post (&f, m[0], at (f.s, p0 + 1, 8), COHORT_MESSAGE_TEXT, FALSE, -1, "直播！");
  for (int i = 0; i < 7; i++)
    for (int k2 = 0; k2 < (i < 5 ? 1 : i == 5 ? 3 : 4); k2++)
      post (&f, m[i], at (f.s, p0 + 2 + k2, 8 + i), COHORT_MESSAGE_TEXT, FALSE, -1, "退款");

  a = compute (&f, p0, p0 + 6);
  g_assert_cmpint (a->active, ==, 9);
  g_assert_cmpint (a->prev_active, ==, 9);
  g_assert_cmpuint (a->keywords->len, ==, 2);
  k = a->keywords->pdata[0];
  g_assert_cmpstr (k->term, ==, "直播");
  g_assert_cmpint (k->members, ==, 9);
  g_assert_cmpint (k->occurrences, ==, 10);
  k = a->keywords->pdata[1];
  g_assert_cmpstr (k->term, ==, "退款");
  g_assert_cmpint (k->members, ==, 7);
  g_assert_cmpint (k->occurrences, ==, 12);
  g_assert_cmpint (k->prev_members, ==, 1);
  g_assert_cmpfloat_with_epsilon (k->rising, 4.0, 1e-9);
  g_assert_true (k->is_rising);
  g_assert_cmpuint (a->rising->len, ==, 2);
  g_assert_cmpstr (((CohortKeyword *)a->rising->pdata[0])->term, ==, "直播");
  g_assert_cmpstr (((CohortKeyword *)a->rising->pdata[1])->term, ==, "退款");
  /* 签约 (B only) is not in P's list */
  fixture_clear (&f);
}

/* ------------------------------------------------------------------------------------------ */
/* §3.2, §3.3                                                                                  */

/*
 * Cohort 2024-03-01 (|c| = 20), asof 03-31.  Members 0–5 post on 03-02 (AR_1 = 6/20),
 * 0–2 on 03-08 (AR_7 = 3/20), 6–9 on 03-20 (AR_7+ = 0–2 and 6–9 = 7/20), 10–12 on 03-05
 * (within 03-02…03-08: 0–5 and 10–12 = 9/20).  Day 14 (03-15): nobody; on or after 4
 * (6–9); within 9.  Day 30 (03-31): nobody; on or after 0; within 13 (0–12).
 */
static void
test_activity_retention (void)
{
  Fixture f;
  g_autoptr(CohortRetention) r = NULL;
  const CohortRetentionCohort *row;
  guint m[20];

  fixture_init (&f);
  for (int i = 0; i < 20; i++)
    {
      g_autofree char *name = g_strdup_printf ("m%02d", i);
      m[i] = member (&f, name, D (2024, 3, 1), FALSE);
    }
  for (int i = 0; i < 6; i++)
    say (&f, m[i], D (2024, 3, 2), 9);
  for (int i = 10; i < 13; i++)
    say (&f, m[i], D (2024, 3, 5), 9);
  for (int i = 0; i < 3; i++)
    say (&f, m[i], D (2024, 3, 8), 9);
  for (int i = 6; i < 10; i++)
    say (&f, m[i], D (2024, 3, 20), 9);
  /* a mechanical reply is not activity */
  post (&f, m[19], at (f.s, D (2024, 3, 2), 9), COHORT_MESSAGE_TEXT, TRUE, -1, "收到");
  cohort_snapshot_finish (f.s);

  r = cohort_retention_compute (f.s, COHORT_RETENTION_BY_WEEK, COHORT_RETENTION_ACTIVITY,
                                D (2024, 3, 1), D (2024, 3, 31));
  /* weeks of 02-26, 03-04, 03-11, 03-18: the data ends on 03-20, so no cohort of 03-25 */
  g_assert_cmpuint (r->n_rows, ==, 4);
  g_assert_cmpint (r->rows_end, ==, D (2024, 3, 20));
  row = &r->rows[0];
  g_assert_cmpint (row->start, ==, D (2024, 2, 26));
  g_assert_cmpint (row->size, ==, 20);
  assert_rate (row->day_n[0], 6, 20);
  assert_rate (row->day_n[1], 3, 20);
  assert_rate (row->on_or_after[1], 7, 20);
  assert_rate (row->within[1], 9, 20);
  assert_rate (row->day_n[2], 0, 20);
  assert_rate (row->on_or_after[2], 4, 20);
  assert_rate (row->within[2], 9, 20);
  assert_rate (row->day_n[3], 0, 20);
  assert_rate (row->on_or_after[3], 0, 20);
  assert_rate (row->within[3], 13, 20);
  /* weekly cells: W+0 02-26…03-03 (6 posters on 03-02), W+1 (0–2, 10–12), W+3 (6–9) */
  assert_rate (row->cells[0], 6, 20);
  assert_rate (row->cells[1], 6, 20);
  assert_rate (row->cells[2], 0, 20);
  assert_rate (row->cells[3], 4, 20);
  assert_rate (row->cells[4], 20 - 20, 20);   /* week of 03-25 ends 03-31 = asof: mature */
  g_assert_cmpint (row->n_cells, ==, 5);
  g_assert_cmpint (r->rows[1].size, ==, 0);
  fixture_clear (&f);
}

/* With asof 03-05 day 7 has not passed for anyone: NULL, not 0 %. */
static void
test_retention_immature (void)
{
  Fixture f;
  g_autoptr(CohortRetention) r = NULL;

  fixture_init (&f);
  for (int i = 0; i < 4; i++)
    {
      g_autofree char *name = g_strdup_printf ("m%d", i);
      guint m = member (&f, name, D (2024, 3, 1), FALSE);

      if (i < 2)
        say (&f, m, D (2024, 3, 2), 9);
    }
  cohort_snapshot_finish (f.s);
  r = cohort_retention_compute (f.s, COHORT_RETENTION_BY_WEEK, COHORT_RETENTION_ACTIVITY,
                                D (2024, 3, 1), D (2024, 3, 5));
  /* the week of 03-04 has begun, but the data ends on 03-02: no cohort of it */
  g_assert_cmpuint (r->n_rows, ==, 1);
  assert_rate (r->rows[0].day_n[0], 2, 4);
  assert_rate (r->rows[0].day_n[1], 0, 0);
  assert_rate (r->rows[0].cells[0], 2, 4);
  assert_rate (r->rows[0].cells[1], 0, 0);   /* week of 03-04 ends after asof */
  g_assert_cmpint (r->rows[0].n_cells, ==, 2);
  fixture_clear (&f);
}

/*
 * An export taken long ago, looked at over a range to today: 20 members join in the weeks of
 * 2024-03-04 and 03-11 and post until 03-20, the range runs to 2024-09-29.  The newest
 * cohorts are the data's last weeks, not twelve empty weeks of September, and their cells
 * still run to the range's end: membership stays, activity after the data is 0 %.  Over a
 * range that starts after the data the rows are the range's, as before (the page says the
 * data ended instead).
 */
static void
test_retention_old_export (void)
{
  Fixture f;
  g_autoptr(CohortRetention) r = NULL;
  g_autoptr(CohortRetention) after = NULL;
  g_autoptr(CohortOverview) o = NULL;
  const CohortRetentionCohort *last;

  fixture_init (&f);
  for (int i = 0; i < 20; i++)
    {
      g_autofree char *name = g_strdup_printf ("m%02d", i);
      guint m = member (&f, name, i < 12 ? D (2024, 3, 5) : D (2024, 3, 12), FALSE);

      say (&f, m, D (2024, 3, 20), 9);
    }
  cohort_snapshot_finish (f.s);

  r = cohort_retention_compute (f.s, COHORT_RETENTION_BY_WEEK, COHORT_RETENTION_MEMBERSHIP,
                                D (2024, 1, 1), D (2024, 9, 29));
  g_assert_cmpint (r->asof, ==, D (2024, 9, 29));
  g_assert_cmpint (r->rows_end, ==, D (2024, 3, 20));
  g_assert_cmpuint (r->n_rows, ==, 12);
  last = &r->rows[r->n_rows - 1];
  g_assert_cmpint (last->start, ==, D (2024, 3, 18));
  g_assert_cmpint (r->rows[r->n_rows - 2].size, ==, 8);
  g_assert_cmpint (r->rows[r->n_rows - 3].size, ==, 12);
  g_assert_cmpint (r->rows[r->n_rows - 3].n_cells, ==, COHORT_RETENTION_COLUMNS);
  assert_rate (r->rows[r->n_rows - 3].cells[12], 12, 12);

  o = cohort_overview_compute (f.s, D (2024, 1, 1), D (2024, 9, 29));
  g_assert_cmpuint (o->n_cohorts, ==, COHORT_RETENTION_MAX_WEEKS);
  g_assert_cmpint (o->cohorts[o->n_cohorts - 1].week_start, ==, D (2024, 3, 18));
  g_assert_cmpint (o->cohorts[o->n_cohorts - 3].size, ==, 12);
  g_assert_cmpint (o->cohorts[o->n_cohorts - 3].n_cells, ==, COHORT_RETENTION_MAX_WEEKS);
  /* posted in week +2 (03-18 … 03-24), then nothing: the data ended */
  assert_rate (o->cohorts[o->n_cohorts - 3].active[2], 12, 12);
  assert_rate (o->cohorts[o->n_cohorts - 3].active[3], 0, 12);
  assert_rate (o->cohorts[o->n_cohorts - 3].member[11], 12, 12);

  after = cohort_retention_compute (f.s, COHORT_RETENTION_BY_WEEK, COHORT_RETENTION_MEMBERSHIP,
                                    D (2024, 6, 1), D (2024, 9, 29));
  g_assert_cmpint (after->rows_end, ==, D (2024, 9, 29));
  g_assert_cmpint (after->rows[after->n_rows - 1].start, ==, D (2024, 9, 23));
  fixture_clear (&f);
}

/*
 * §3.3: the January 2024 cohort of 40.  14 of them post in February (35.0 %); members 0–9
 * leave on 02-15 and member 10 leaves on 02-03 and rejoins on 02-20, so 30 are members at
 * the end of February (75.0 %).  A member joining Sunday 03-10 falls in ISO week 03-04,
 * one joining Monday 03-11 in week 03-11.
 */
static void
test_cohort_table (void)
{
  Fixture f;
  g_autoptr(CohortRetention) act = NULL;
  g_autoptr(CohortRetention) mem = NULL;
  g_autoptr(CohortRetention) early = NULL;
  g_autoptr(CohortRetention) weeks = NULL;
  g_autofree char *label = NULL;
  g_autofree char *csv = NULL;

  fixture_init (&f);
  for (int i = 0; i < 40; i++)
    {
      g_autofree char *name = g_strdup_printf ("m%02d", i);
      guint m = cohort_snapshot_add_member (f.s, name, name, FALSE, FALSE);
      gint64 join = at (f.s, D (2024, 1, 10), 10);

      if (i < 10)
        cohort_snapshot_add_span (f.s, m, join, at (f.s, D (2024, 2, 15), 12), COHORT_SPAN_JOIN,
                                  COHORT_SPAN_LEAVE);
      else if (i == 10)
        {
          cohort_snapshot_add_span (f.s, m, join, at (f.s, D (2024, 2, 3), 12), COHORT_SPAN_JOIN,
                                    COHORT_SPAN_LEAVE);
          cohort_snapshot_add_span (f.s, m, at (f.s, D (2024, 2, 20), 12), COHORT_TS_OPEN,
                                    COHORT_SPAN_REJOIN, COHORT_SPAN_OPEN);
        }
      else
        cohort_snapshot_add_span (f.s, m, join, COHORT_TS_OPEN, COHORT_SPAN_JOIN,
                                  COHORT_SPAN_OPEN);
      if (i < 14)
        say (&f, m, D (2024, 2, 5), 9);
    }
  member (&f, "sunday", D (2024, 3, 10), FALSE);
  member (&f, "monday", D (2024, 3, 11), FALSE);
  cohort_snapshot_finish (f.s);

  act = cohort_retention_compute (f.s, COHORT_RETENTION_BY_MONTH, COHORT_RETENTION_ACTIVITY,
                                  D (2024, 1, 1), D (2024, 3, 31));
  g_assert_cmpuint (act->n_rows, ==, 3);
  g_assert_cmpint (act->rows[0].size, ==, 40);
  assert_rate (act->rows[0].cells[0], 0, 40);
  assert_rate (act->rows[0].cells[1], 14, 40);
  assert_rate (act->rows[0].cells[2], 0, 40);
  g_assert_cmpint (act->rows[0].n_cells, ==, 3);
  g_assert_cmpint (act->rows[2].size, ==, 2);
  label = cohort_retention_row_label (act, 0);
  g_assert_cmpstr (label, ==, "2024-01");

  mem = cohort_retention_compute (f.s, COHORT_RETENTION_BY_MONTH, COHORT_RETENTION_MEMBERSHIP,
                                  D (2024, 1, 1), D (2024, 3, 31));
  assert_rate (mem->rows[0].cells[0], 40, 40);
  assert_rate (mem->rows[0].cells[1], 30, 40);
  assert_rate (mem->rows[0].cells[2], 30, 40);

  /* asof 02-20: February has not ended, so 次月留存 is NULL */
  early = cohort_retention_compute (f.s, COHORT_RETENTION_BY_MONTH, COHORT_RETENTION_MEMBERSHIP,
                                    D (2024, 1, 1), D (2024, 2, 20));
  assert_rate (early->rows[0].cells[1], 0, 0);
  g_assert_cmpint (early->rows[0].n_cells, ==, 2);

  weeks = cohort_retention_compute (f.s, COHORT_RETENTION_BY_WEEK, COHORT_RETENTION_MEMBERSHIP,
                                    D (2024, 3, 4), D (2024, 3, 31));
  /* the data ends with Monday's join on 03-11: no cohorts of 03-18 and 03-25 */
  g_assert_cmpuint (weeks->n_rows, ==, 2);
  g_assert_cmpint (weeks->rows[0].size, ==, 1);
  g_assert_cmpint (weeks->rows[1].start, ==, D (2024, 3, 11));
  g_assert_cmpint (weeks->rows[1].size, ==, 1);

  csv = cohort_retention_to_csv (mem);
  g_assert_true (g_str_has_prefix (csv, "cohort,size,month_0,month_1,"));
  g_assert_nonnull (strstr (csv, "\n2024-01,40,100.0,75.0,75.0,,"));
  fixture_clear (&f);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cohort/activity/stickiness", test_stickiness);
  g_test_add_func ("/cohort/activity/volume", test_volume);
  g_test_add_func ("/cohort/activity/interactions", test_interactions);
  g_test_add_func ("/cohort/activity/reply-and-mention", test_interaction_reply_and_mention);
  g_test_add_func ("/cohort/activity/density", test_density);
  g_test_add_func ("/cohort/activity/caf", test_caf);
  g_test_add_func ("/cohort/keywords/tokenize", test_tokenize);
  g_test_add_func ("/cohort/keywords/rising", test_keywords);
  g_test_add_func ("/cohort/keywords/members", test_keyword_members);
  g_test_add_func ("/cohort/retention/activity-day-n", test_activity_retention);
  g_test_add_func ("/cohort/retention/immature", test_retention_immature);
  g_test_add_func ("/cohort/retention/old-export", test_retention_old_export);
  g_test_add_func ("/cohort/retention/cohort-table", test_cohort_table);

  return g_test_run ();
}
