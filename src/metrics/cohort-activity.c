/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-activity"

#include "config.h"

#include "cohort-activity.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/*
 * The Activity & Content metrics.  The snapshot answers the member-level numbers (DAU,
 * MAU30, the active-days distribution, CAF); the text rows answer what needs the words:
 * @-mentions, keywords and the mechanical-reply audit.  Both are in time order, so a period
 * is one contiguous slice and no pass is O(days × messages).
 */

#define NAME_AMBIGUOUS (-2)
#define MAX_NAME_CHARS 32

typedef struct
{
  CohortSnapshot *s;            /* borrowed */
  guint8         *is_h;         /* counted population, §0.3 */
  GHashTable     *names;        /* display name → member + 1, or NAME_AMBIGUOUS */
  gint64          ts0, ts1;     /* P as UTC instants [ts0, ts1) */
  gint64          prev_ts0;     /* B starts here and ends at ts0 */
} Ctx;

/* ------------------------------------------------------------------------------------------ */
/* Helpers                                                                                     */

static gboolean
is_genuine (Ctx  *ctx,
            guint i)
{
  guint m = ctx->s->msg_member[i];

  return m < ctx->s->n_members && ctx->is_h[m] && !ctx->s->msg_is_mech[i] &&
         ctx->s->msg_kind[i] != COHORT_MESSAGE_SYSTEM;
}

static void
ctx_init (Ctx            *ctx,
          CohortSnapshot *s,
          int             day0,
          int             day1)
{
  ctx->s = s;
  ctx->is_h = g_new0 (guint8, s->n_members + 1);
  ctx->names = g_hash_table_new (g_str_hash, g_str_equal);
  ctx->ts0 = cohort_snapshot_day_start (s, day0);
  ctx->ts1 = cohort_snapshot_day_end (s, day1);
  ctx->prev_ts0 = cohort_snapshot_day_start (s, day0 - (day1 - day0 + 1));

  for (guint m = 0; m < s->n_members; m++)
    {
      const char *name = s->member_name[m];

      ctx->is_h[m] = !s->member_is_bot[m] && !s->member_is_staff[m];
      if (name == NULL || *name == '\0')
        continue;
      if (g_hash_table_contains (ctx->names, name))
        g_hash_table_insert (ctx->names, (gpointer)name, GINT_TO_POINTER (NAME_AMBIGUOUS));
      else
        g_hash_table_insert (ctx->names, (gpointer)name, GINT_TO_POINTER ((int)m + 1));
    }
}

static void
ctx_clear (Ctx *ctx)
{
  g_free (ctx->is_h);
  g_hash_table_unref (ctx->names);
}

/* ------------------------------------------------------------------------------------------ */
/* §2.2 stickiness                                                                            */

static void
fill_stickiness (Ctx            *ctx,
                 CohortActivity *self)
{
  CohortSnapshot *s = ctx->s;
  int first = self->day0 - 29;
  int span = self->day1 - first + 1;
  g_autofree int *last_day = g_new (int, s->n_members + 1);
  g_autofree int *covered = g_new (int, s->n_members + 1);
  g_autofree guint8 *week_days = g_new0 (guint8, s->n_members + 1);
  g_autofree gint64 *diff = g_new0 (gint64, span + 31);
  guint lo = cohort_snapshot_first_message_on (s, first);
  guint hi = cohort_snapshot_first_message_on (s, self->day1 + 1);
  gint64 running = 0, sum_dau = 0;

  for (guint m = 0; m < s->n_members; m++)
    last_day[m] = covered[m] = G_MININT;

  /* Days come in order, so each member's active days arrive sorted: a new day adds one DAU
   * and extends the member's 30-day coverage without counting an overlap twice. */
  for (guint i = lo; i < hi; i++)
    {
      guint m = s->msg_member[i];
      int d = s->msg_day[i];
      int from;

      if (!is_genuine (ctx, i) || last_day[m] == d)
        continue;
      last_day[m] = d;
      if (d >= self->day0)
        self->dau[d - self->day0]++;
      if (d >= self->day1 - 6)
        week_days[m]++;
      from = MAX (d, covered[m] + 1);
      diff[from - first]++;
      diff[d + 30 - first]--;
      covered[m] = d + 29;
    }

  for (int i = 0; i < span; i++)
    {
      running += diff[i];
      if (first + i >= self->day0)
        self->mau30[first + i - self->day0] = running;
    }
  for (guint d = 0; d < self->n_days; d++)
    sum_dau += self->dau[d];
  for (guint m = 0; m < s->n_members; m++)
    if (week_days[m] > 0)
      self->active_days[MIN (week_days[m], 7)]++;

  self->stickiness.num = sum_dau;
  self->stickiness.den = (gint64)self->n_days * self->active;
}

/* ------------------------------------------------------------------------------------------ */
/* §2.3 kinds and §2.6 CAF                                                                     */

int
cohort_activity_caf (const gint64 *sorted_counts,
                     guint         n)
{
  gint64 total = 0, sum = 0;

  for (guint i = 0; i < n; i++)
    total += sorted_counts[i];
  if (total <= 0)
    return 0;
  for (guint i = 0; i < n; i++)
    {
      sum += sorted_counts[i];
      /* ≥ 50 %, compared in integers */
      if (2 * sum >= total)
        return (int)i + 1;
    }
  return (int)n;
}

static int
compare_counts_desc (const void *a,
                     const void *b)
{
  gint64 x = *(const gint64 *)a, y = *(const gint64 *)b;

  return x == y ? 0 : x > y ? -1 : 1;
}

static void
fill_kinds_and_caf (Ctx            *ctx,
                    CohortActivity *self,
                    gint64         *genuine_by_member)
{
  CohortSnapshot *s = ctx->s;
  g_autofree gint64 *sorted = NULL;
  guint lo = cohort_snapshot_first_message_on (s, self->day0);
  guint hi = cohort_snapshot_first_message_on (s, self->day1 + 1);
  guint n = 0;

  for (guint i = lo; i < hi; i++)
    {
      guint m = s->msg_member[i];

      if (m >= s->n_members || !ctx->is_h[m] || s->msg_kind[i] == COHORT_MESSAGE_SYSTEM)
        continue;
      self->kinds[MIN (s->msg_kind[i], COHORT_MESSAGE_OTHER)]++;
      if (!s->msg_is_mech[i])
        genuine_by_member[m]++;
    }

  sorted = g_new (gint64, s->n_members + 1);
  for (guint m = 0; m < s->n_members; m++)
    if (genuine_by_member[m] > 0)
      sorted[n++] = genuine_by_member[m];
  if (n > 1)
    qsort (sorted, n, sizeof (gint64), compare_counts_desc);
  self->speakers = n;
  self->caf = cohort_activity_caf (sorted, n);
}

/* ------------------------------------------------------------------------------------------ */
/* §2.4 interactions and the network                                                          */

/* The member an "@name" at p names, by the longest display name that follows; -1 if none. */
static int
mention_at (Ctx        *ctx,
            const char *p)
{
  g_autoptr(GString) candidate = g_string_new (NULL);
  int found = -1;

  p++;
  for (int n = 0; *p != '\0' && n < MAX_NAME_CHARS; n++)
    {
      const char *next = g_utf8_next_char (p);
      gpointer value;

      g_string_append_len (candidate, p, next - p);
      p = next;
      value = g_hash_table_lookup (ctx->names, candidate->str);
      if (value != NULL)
        found = GPOINTER_TO_INT (value) == NAME_AMBIGUOUS ? -1 : GPOINTER_TO_INT (value) - 1;
    }
  return found;
}

static gboolean
is_other_human (Ctx *ctx,
                int  sender,
                int  target)
{
  return target >= 0 && target != sender && (guint)target < ctx->s->n_members &&
         !ctx->s->member_is_bot[target];
}

/* Distinct targets of one interaction message (at most a handful), -1 terminated. */
static guint
message_targets (Ctx                     *ctx,
                 const CohortTextMessage *msg,
                 int                     *targets,
                 guint                    max)
{
  guint n = 0;

  if (is_other_human (ctx, (int)msg->member, msg->reply_member))
    targets[n++] = msg->reply_member;
  for (const char *p = msg->text != NULL ? strchr (msg->text, '@') : NULL; p != NULL && n < max;
       p = strchr (p + 1, '@'))
    {
      int target = mention_at (ctx, p);
      gboolean seen = FALSE;

      if (!is_other_human (ctx, (int)msg->member, target))
        continue;
      for (guint i = 0; i < n; i++)
        seen |= targets[i] == target;
      if (!seen)
        targets[n++] = target;
    }
  return n;
}

static guint64
pair_key (guint a,
          guint b)
{
  return ((guint64)MIN (a, b) << 32) | MAX (a, b);
}

static gboolean
in_period (Ctx                     *ctx,
           const CohortTextMessage *msg)
{
  return msg->ts >= ctx->ts0 && msg->ts < ctx->ts1;
}

static gboolean
text_is_genuine (Ctx                     *ctx,
                 const CohortTextMessage *msg)
{
  return msg->member < ctx->s->n_members && ctx->is_h[msg->member] && !msg->is_mech &&
         msg->kind != COHORT_MESSAGE_SYSTEM;
}

static void
network_node_free (gpointer data)
{
  CohortNetworkNode *node = data;

  g_free (node->name);
  g_free (node);
}

static int
compare_nodes (gconstpointer a,
               gconstpointer b)
{
  const CohortNetworkNode *x = *(CohortNetworkNode * const *)a;
  const CohortNetworkNode *y = *(CohortNetworkNode * const *)b;

  if (x->interactions != y->interactions)
    return x->interactions > y->interactions ? -1 : 1;
  if (x->messages != y->messages)
    return x->messages > y->messages ? -1 : 1;
  return x->member < y->member ? -1 : x->member > y->member;
}

/* The top members by interactions and the weighted edges among them. */
static void
fill_network (Ctx            *ctx,
              CohortActivity *self,
              GHashTable     *pair_weights,
              const gint64   *degree,
              const gint64   *genuine_by_member)
{
  CohortSnapshot *s = ctx->s;
  g_autofree int *node_of = g_new (int, s->n_members + 1);
  GHashTableIter iter;
  gpointer key, value;

  for (guint m = 0; m < s->n_members; m++)
    {
      CohortNetworkNode *node;

      node_of[m] = -1;
      if (degree[m] == 0)
        continue;
      node = g_new0 (CohortNetworkNode, 1);
      node->member = m;
      node->name = g_strdup (s->member_name[m] != NULL ? s->member_name[m] : s->member_uid[m]);
      node->interactions = degree[m];
      node->messages = genuine_by_member[m];
      g_ptr_array_add (self->nodes, node);
    }
  g_ptr_array_sort (self->nodes, compare_nodes);
  if (self->nodes->len > COHORT_ACTIVITY_NETWORK_NODES)
    g_ptr_array_set_size (self->nodes, COHORT_ACTIVITY_NETWORK_NODES);
  for (guint i = 0; i < self->nodes->len; i++)
    node_of[((CohortNetworkNode *)g_ptr_array_index (self->nodes, i))->member] = (int)i;

  g_hash_table_iter_init (&iter, pair_weights);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      guint64 k = *(guint64 *)key;
      int a = node_of[k >> 32], b = node_of[k & 0xffffffffu];
      CohortNetworkEdge edge;

      if (a < 0 || b < 0)
        continue;
      edge.a = (guint)MIN (a, b);
      edge.b = (guint)MAX (a, b);
      edge.weight = *(gint64 *)value;
      g_array_append_val (self->edges, edge);
    }
}

static void
fill_interactions (Ctx            *ctx,
                   CohortActivity *self,
                   GPtrArray      *texts,
                   const gint64   *genuine_by_member)
{
  CohortSnapshot *s = ctx->s;
  g_autoptr(GHashTable) pairs = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  g_autofree gint64 *degree = g_new0 (gint64, s->n_members + 1);
  gint64 n = self->present;

  for (guint i = 0; i < texts->len; i++)
    {
      const CohortTextMessage *msg = g_ptr_array_index (texts, i);
      int targets[8];
      guint n_targets;

      if (!in_period (ctx, msg) || !text_is_genuine (ctx, msg))
        continue;
      n_targets = message_targets (ctx, msg, targets, G_N_ELEMENTS (targets));
      if (n_targets == 0)
        continue;
      self->interactions++;
      for (guint t = 0; t < n_targets; t++)
        {
          guint64 key = pair_key (msg->member, (guint)targets[t]);
          gint64 *weight = g_hash_table_lookup (pairs, &key);

          if (weight == NULL)
            {
              weight = g_new0 (gint64, 1);
              g_hash_table_insert (pairs, g_memdup2 (&key, sizeof key), weight);
            }
          (*weight)++;
          degree[msg->member]++;
          degree[targets[t]]++;
        }
    }

  self->pairs = g_hash_table_size (pairs);
  self->interaction_freq.num = self->interactions;
  self->interaction_freq.den = self->n_days;
  self->density.num = self->pairs;
  self->density.den = n * (n - 1) / 2;
  fill_network (ctx, self, pairs, degree, genuine_by_member);
}

/* ------------------------------------------------------------------------------------------ */
/* Appendix A audit and §10.2 keywords                                                         */

typedef struct
{
  CohortMechText *entry;
  GHashTable     *senders;
} MechGroup;

static void
mech_text_free (gpointer data)
{
  CohortMechText *entry = data;

  if (entry == NULL)
    return;
  g_free (entry->text);
  g_free (entry->reason);
  g_free (entry);
}

static void
mech_group_free (gpointer data)
{
  MechGroup *group = data;

  mech_text_free (group->entry);
  g_hash_table_unref (group->senders);
  g_free (group);
}

/* The audit groups copies that differ only in width, case and spacing (§A normalisation). */
static char *
audit_key (const char *text)
{
  g_autofree char *nfkc = NULL;
  g_autofree char *folded = NULL;
  g_auto(GStrv) words = NULL;

  if (text == NULL)
    return g_strdup ("");
  nfkc = g_utf8_normalize (text, -1, G_NORMALIZE_NFKC);
  if (nfkc == NULL)
    return g_strdup ("");
  folded = g_utf8_strdown (nfkc, -1);
  words = g_strsplit_set (g_strstrip (folded), " \t\n\r", -1);
  return g_strjoinv (" ", words);
}

static int
compare_mech (gconstpointer a,
              gconstpointer b)
{
  const CohortMechText *x = *(CohortMechText * const *)a;
  const CohortMechText *y = *(CohortMechText * const *)b;

  if (x->count != y->count)
    return x->count > y->count ? -1 : 1;
  if (x->members != y->members)
    return x->members > y->members ? -1 : 1;
  return strcmp (x->text, y->text);
}

static void
fill_mech_texts (Ctx            *ctx,
                 CohortActivity *self,
                 GPtrArray      *texts)
{
  g_autoptr(GHashTable) groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                        mech_group_free);
  /* raw text → its group (borrowed): normalising every copy of "收到" again is most of the
   * audit's cost */
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer value;

  for (guint i = 0; i < texts->len; i++)
    {
      const CohortTextMessage *msg = g_ptr_array_index (texts, i);
      const char *raw = msg->text != NULL ? msg->text : "";
      g_autofree char *key = NULL;
      MechGroup *group;

      if (!in_period (ctx, msg) || !msg->is_mech || msg->member >= ctx->s->n_members ||
          !ctx->is_h[msg->member])
        continue;
      if ((group = g_hash_table_lookup (seen, raw)) != NULL)
        {
          group->entry->count++;
          g_hash_table_add (group->senders, GUINT_TO_POINTER (msg->member + 1));
          continue;
        }
      key = audit_key (msg->text);
      if ((group = g_hash_table_lookup (groups, key)) == NULL)
        {
          group = g_new0 (MechGroup, 1);
          group->entry = g_new0 (CohortMechText, 1);
          group->entry->text = g_strdup (key);
          group->entry->reason = g_strdup (msg->mech_reason);
          group->entry->kind = msg->kind;
          group->senders = g_hash_table_new (g_direct_hash, g_direct_equal);
          g_hash_table_insert (groups, g_steal_pointer (&key), group);
        }
      group->entry->count++;
      g_hash_table_add (group->senders, GUINT_TO_POINTER (msg->member + 1));
      g_hash_table_insert (seen, (gpointer)raw, group);
    }

  g_hash_table_iter_init (&iter, groups);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      MechGroup *group = value;

      group->entry->members = g_hash_table_size (group->senders);
      g_ptr_array_add (self->mech_texts, g_steal_pointer (&group->entry));
    }
  g_ptr_array_sort (self->mech_texts, compare_mech);
  if (self->mech_texts->len > COHORT_ACTIVITY_TOP_MECH)
    g_ptr_array_set_size (self->mech_texts, COHORT_ACTIVITY_TOP_MECH);
}

static void
fill_keywords (Ctx            *ctx,
               CohortActivity *self,
               GPtrArray      *texts)
{
  g_autoptr(CohortKeywordCounter) current = cohort_keyword_counter_new (NULL);
  g_autoptr(CohortKeywordCounter) previous = cohort_keyword_counter_new (current);

  for (guint i = 0; i < texts->len; i++)
    {
      const CohortTextMessage *msg = g_ptr_array_index (texts, i);

      if (msg->text == NULL || !text_is_genuine (ctx, msg) || msg->ts < ctx->prev_ts0 ||
          msg->ts >= ctx->ts1)
        continue;
      cohort_keyword_counter_add (msg->ts >= ctx->ts0 ? current : previous, msg->member,
                                  msg->text);
    }
  g_clear_pointer (&self->keywords, g_ptr_array_unref);
  g_clear_pointer (&self->rising, g_ptr_array_unref);
  self->keywords = cohort_keywords_rank (current, previous, self->active, self->prev_active,
                                         COHORT_ACTIVITY_TOP_KEYWORDS, &self->rising);
}

/* ------------------------------------------------------------------------------------------ */
/* Public API                                                                                  */

static void
fill_volume (CohortActivity *self,
             CohortSnapshot *snapshot)
{
  CohortKpis kpis, prev;
  int n = self->day1 - self->day0 + 1;

  cohort_metrics_kpis (snapshot, self->day0, self->day1, &kpis);
  cohort_metrics_kpis (snapshot, self->day0 - n, self->day0 - 1, &prev);
  self->messages = kpis.messages;
  self->raw_messages = kpis.raw_messages;
  self->active = kpis.active_members;
  self->prev_active = prev.active_members;
  self->present = kpis.real_interaction_rate.den;
  self->mech_share = (CohortRate) { kpis.raw_messages - kpis.messages, kpis.raw_messages };
  self->per_active = (CohortRate) { kpis.messages, kpis.active_members };
  self->per_present = (CohortRate) { kpis.messages, self->present };
  self->per_day = (CohortRate) { kpis.messages, n };
}

CohortActivity *
cohort_activity_compute (CohortSnapshot *snapshot,
                         GPtrArray      *texts,
                         int             day0,
                         int             day1)
{
  g_autoptr(CohortActivity) self = NULL;
  g_autofree gint64 *genuine_by_member = NULL;
  Ctx ctx = { 0 };

  g_return_val_if_fail (snapshot != NULL, NULL);
  g_return_val_if_fail (texts != NULL, NULL);
  g_return_val_if_fail (day0 <= day1, NULL);

  self = g_new0 (CohortActivity, 1);
  self->day0 = day0;
  self->day1 = day1;
  self->n_days = day1 - day0 + 1;
  self->dau = g_new0 (gint64, self->n_days);
  self->mau30 = g_new0 (gint64, self->n_days);
  self->mech_texts = g_ptr_array_new_with_free_func (mech_text_free);
  self->nodes = g_ptr_array_new_with_free_func (network_node_free);
  self->edges = g_array_new (FALSE, FALSE, sizeof (CohortNetworkEdge));
  genuine_by_member = g_new0 (gint64, snapshot->n_members + 1);

  ctx_init (&ctx, snapshot, day0, day1);
  fill_volume (self, snapshot);
  fill_stickiness (&ctx, self);
  fill_kinds_and_caf (&ctx, self, genuine_by_member);
  fill_interactions (&ctx, self, texts, genuine_by_member);
  fill_mech_texts (&ctx, self, texts);
  fill_keywords (&ctx, self, texts);
  ctx_clear (&ctx);

  return g_steal_pointer (&self);
}

void
cohort_activity_free (CohortActivity *self)
{
  if (self == NULL)
    return;
  g_free (self->dau);
  g_free (self->mau30);
  g_clear_pointer (&self->mech_texts, g_ptr_array_unref);
  g_clear_pointer (&self->keywords, g_ptr_array_unref);
  g_clear_pointer (&self->rising, g_ptr_array_unref);
  g_clear_pointer (&self->nodes, g_ptr_array_unref);
  g_clear_pointer (&self->edges, g_array_unref);
  g_free (self);
}

const char *
cohort_message_kind_label (int kind)
{
  switch (kind)
    {
    case COHORT_MESSAGE_TEXT:
      return _("Text");
    case COHORT_MESSAGE_STICKER:
      return _("Sticker");
    case COHORT_MESSAGE_IMAGE:
      return _("Image");
    case COHORT_MESSAGE_VOICE:
      return _("Voice");
    case COHORT_MESSAGE_VIDEO:
      return _("Video");
    case COHORT_MESSAGE_FILE:
      return _("File");
    case COHORT_MESSAGE_LINK:
      return _("Link");
    case COHORT_MESSAGE_SYSTEM:
      return _("System");
    case COHORT_MESSAGE_OTHER:
    default:
      return _("Other");
    }
}
