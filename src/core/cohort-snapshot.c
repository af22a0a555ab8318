/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-snapshot"

#include "config.h"

#include "cohort-snapshot-private.h"

#include <stdio.h>
#include <string.h>

typedef struct
{
  char *uid;
  char *name;
  gboolean is_bot;
  gboolean is_staff;
} BMember;

typedef struct
{
  guint member;
  gint64 start;
  gint64 end;
  guint8 start_kind;
  guint8 end_kind;
} BSpan;

typedef struct
{
  gint64 ts;
  guint member;
  int reply_member;
  guint8 kind;
  guint8 is_mech;
} BMessage;

/* ------------------------------------------------------------------------------------------ */
/* Calendar arithmetic on local day numbers (proleptic Gregorian, days since 1970-01-01).     */

int
cohort_day_from_ymd (int year, int month, int day)
{
  /* Howard Hinnant's days_from_civil. */
  int y = year - (month <= 2);
  int era = (y >= 0 ? y : y - 399) / 400;
  int yoe = y - era * 400;
  int doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

  return era * 146097 + doe - 719468;
}

void
cohort_day_to_ymd (int day, int *year, int *month, int *mday)
{
  int z = day + 719468;
  int era = (z >= 0 ? z : z - 146096) / 146097;
  int doe = z - era * 146097;
  int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int y = yoe + era * 400;
  int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int mp = (5 * doy + 2) / 153;
  int d = doy - (153 * mp + 2) / 5 + 1;
  int m = mp + (mp < 10 ? 3 : -9);

  if (year != NULL)
    *year = y + (m <= 2);
  if (month != NULL)
    *month = m;
  if (mday != NULL)
    *mday = d;
}

int
cohort_day_weekday (int day)
{
  /* 1970-01-01 was a Thursday (3 when Monday is 0). */
  int w = (day + 3) % 7;

  return w < 0 ? w + 7 : w;
}

int
cohort_day_week_start (int day)
{
  return day - cohort_day_weekday (day);
}

char *
cohort_day_format (int day)
{
  int y, m, d;

  cohort_day_to_ymd (day, &y, &m, &d);
  return g_strdup_printf ("%04d-%02d-%02d", y, m, d);
}

gboolean
cohort_day_parse (const char *text,
                  int        *day)
{
  int y, m, d;
  char tail;

  if (text == NULL || sscanf (text, "%d-%d-%d%c", &y, &m, &d, &tail) != 3)
    return FALSE;
  if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 || d > 31)
    return FALSE;
  if (!g_date_valid_dmy (d, m, y))
    return FALSE;
  *day = cohort_day_from_ymd (y, m, d);
  return TRUE;
}

/* ------------------------------------------------------------------------------------------ */

CohortSnapshot *
cohort_snapshot_new (const char *name,
                     const char *platform,
                     const char *tz_id)
{
  CohortSnapshot *self = g_new0 (CohortSnapshot, 1);

  self->name = g_strdup (name ? name : "");
  self->platform = g_strdup (platform ? platform : "");
  self->tz_id = g_strdup (tz_id ? tz_id : "UTC");
  self->tz = g_time_zone_new_identifier (self->tz_id);
  if (self->tz == NULL)
    self->tz = g_time_zone_new_utc ();
  self->b_members = g_array_new (FALSE, FALSE, sizeof (BMember));
  self->b_spans = g_array_new (FALSE, FALSE, sizeof (BSpan));
  self->b_messages = g_array_new (FALSE, FALSE, sizeof (BMessage));
  self->uid_index = g_hash_table_new (g_str_hash, g_str_equal);
  return self;
}

guint
cohort_snapshot_add_member (CohortSnapshot *self,
                            const char     *uid,
                            const char     *name,
                            gboolean        is_bot,
                            gboolean        is_staff)
{
  BMember m = { g_strdup (uid), g_strdup (name ? name : uid), is_bot, is_staff };
  guint idx;

  g_return_val_if_fail (self->b_members != NULL, 0);

  idx = self->b_members->len;
  g_array_append_val (self->b_members, m);
  g_hash_table_insert (self->uid_index, m.uid, GUINT_TO_POINTER (idx + 1));
  return idx;
}

int
cohort_snapshot_find_member (CohortSnapshot *self,
                             const char     *uid)
{
  gpointer p = g_hash_table_lookup (self->uid_index, uid);

  return p == NULL ? -1 : (int)GPOINTER_TO_UINT (p) - 1;
}

void
cohort_snapshot_add_span (CohortSnapshot *self,
                          guint           member,
                          gint64          start_ts,
                          gint64          end_ts,
                          CohortSpanStart start_kind,
                          CohortSpanEnd   end_kind)
{
  BSpan s = { member, start_ts, end_ts, start_kind, end_kind };

  g_return_if_fail (self->b_spans != NULL);
  g_array_append_val (self->b_spans, s);
}

void
cohort_snapshot_add_message (CohortSnapshot   *self,
                             gint64            ts,
                             guint             member,
                             CohortMessageKind kind,
                             gboolean          is_mech,
                             int               reply_member)
{
  BMessage m = { ts, member, reply_member, kind, is_mech ? 1 : 0 };

  g_return_if_fail (self->b_messages != NULL);
  g_array_append_val (self->b_messages, m);
}

static int
compare_spans (gconstpointer a,
               gconstpointer b)
{
  const BSpan *x = a, *y = b;

  if (x->member != y->member)
    return x->member < y->member ? -1 : 1;
  return (x->start > y->start) - (x->start < y->start);
}

static int
compare_messages (gconstpointer a,
                  gconstpointer b)
{
  const BMessage *x = a, *y = b;

  if (x->ts != y->ts)
    return x->ts < y->ts ? -1 : 1;
  return (x->member > y->member) - (x->member < y->member);
}

/* Local-time conversion caches the zone's offset over a stretch of time, because messages
 * arrive sorted and almost always fall in the same stretch as the previous one: a whole UTC
 * day when the offset is the same at both of its ends (zones change their offset at most a
 * few times a year, never twice in a day), else the half hour around ts (every real-world
 * transition happens on an hour or half-hour boundary of UTC).  GTimeZone does not expose
 * the bounds of its intervals, hence the probing. */
typedef struct
{
  GTimeZone *tz;
  gint64 lo;
  gint64 hi;
  gint64 offset;
  gboolean valid;
} OffsetCache;

static gint64
zone_offset_at (GTimeZone *tz,
                gint64     ts)
{
  int interval = g_time_zone_find_interval (tz, G_TIME_TYPE_UNIVERSAL, ts);

  return interval >= 0 ? g_time_zone_get_offset (tz, interval) : 0;
}

static gint64
floor_to (gint64 ts,
          gint64 step)
{
  return ts - ((ts % step) + step) % step;
}

static gint64
local_offset (OffsetCache *cache,
              gint64       ts)
{
  if (!cache->valid || ts < cache->lo || ts >= cache->hi)
    {
      gint64 day = floor_to (ts, 86400);

      cache->offset = zone_offset_at (cache->tz, ts);
      if (zone_offset_at (cache->tz, day) == cache->offset &&
          zone_offset_at (cache->tz, day + 86399) == cache->offset)
        {
          cache->lo = day;
          cache->hi = day + 86400;
        }
      else
        {
          cache->lo = floor_to (ts, 1800);
          cache->hi = cache->lo + 1800;
        }
      cache->valid = TRUE;
    }
  return cache->offset;
}

static void
split_local (OffsetCache *cache,
             gint64       ts,
             int         *day,
             guint8      *hour)
{
  gint64 local = ts + local_offset (cache, ts);
  gint64 d = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
  gint64 sec = local - d * 86400;

  *day = (int)d;
  *hour = (guint8)(sec / 3600);
}

int
cohort_snapshot_local_day (CohortSnapshot *self,
                           gint64          ts)
{
  OffsetCache cache = { self->tz, 0, 0, 0, FALSE };
  int day;
  guint8 hour;

  split_local (&cache, ts, &day, &hour);
  return day;
}

gint64
cohort_snapshot_day_start (CohortSnapshot *self,
                           int             day)
{
  int y, m, d;
  g_autoptr(GDateTime) dt = NULL;

  cohort_day_to_ymd (day, &y, &m, &d);
  dt = g_date_time_new (self->tz, y, m, d, 0, 0, 0);
  if (dt == NULL)
    return (gint64)day * 86400;
  return g_date_time_to_unix (dt);
}

gint64
cohort_snapshot_day_end (CohortSnapshot *self,
                         int             day)
{
  return cohort_snapshot_day_start (self, day + 1);
}

guint
cohort_snapshot_first_message_on (CohortSnapshot *self,
                                  int             day)
{
  guint lo = 0, hi = self->n_messages;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (self->msg_day[mid] < day)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

/* ------------------------------------------------------------------------------------------ */
/* Columns and what finish () derives from them                                                */

CohortSnapshot *
_cohort_snapshot_new_columns (const char *name,
                              const char *platform,
                              const char *tz_id,
                              guint       n_members,
                              guint       n_spans,
                              guint       n_messages)
{
  CohortSnapshot *self = cohort_snapshot_new (name, platform, tz_id);

  g_clear_pointer (&self->b_members, g_array_unref);
  g_clear_pointer (&self->b_spans, g_array_unref);
  g_clear_pointer (&self->b_messages, g_array_unref);
  _cohort_snapshot_alloc_columns (self, n_members, n_spans, n_messages);
  return self;
}

/* One spare element per column, so that an empty snapshot still has arrays. */
void
_cohort_snapshot_alloc_columns (CohortSnapshot *self,
                                guint           n_members,
                                guint           n_spans,
                                guint           n_messages)
{
  self->n_members = n_members;
  self->member_uid = g_new0 (char *, n_members + 1);
  self->member_name = g_new0 (char *, n_members + 1);
  self->member_is_bot = g_new0 (guint8, n_members + 1);
  self->member_is_staff = g_new0 (guint8, n_members + 1);
  self->member_first_join = g_new (gint64, n_members + 1);

  self->n_spans = n_spans;
  self->span_member = g_new (guint, n_spans + 1);
  self->span_start = g_new (gint64, n_spans + 1);
  self->span_end = g_new (gint64, n_spans + 1);
  self->span_start_kind = g_new (guint8, n_spans + 1);
  self->span_end_kind = g_new (guint8, n_spans + 1);

  self->n_messages = n_messages;
  self->msg_ts = g_new (gint64, n_messages + 1);
  self->msg_member = g_new (guint, n_messages + 1);
  self->msg_kind = g_new (guint8, n_messages + 1);
  self->msg_is_mech = g_new (guint8, n_messages + 1);
  self->msg_reply_member = g_new (int, n_messages + 1);
  self->msg_day = g_new (int, n_messages + 1);
  self->msg_hour = g_new (guint8, n_messages + 1);
  self->msg_wday = g_new (guint8, n_messages + 1);
}

void
_cohort_snapshot_index_members (CohortSnapshot *self)
{
  for (guint i = 0; i < self->n_members; i++)
    g_hash_table_insert (self->uid_index, self->member_uid[i], GUINT_TO_POINTER (i + 1));
}

/* First joins, local days and hours, the day range: everything that is not stored. */
void
_cohort_snapshot_derive (CohortSnapshot *self)
{
  OffsetCache cache = { self->tz, 0, 0, 0, FALSE };
  int wday_day = G_MININT, day = 0;
  guint8 wday = 0;
  gint64 window_lo = 1, window_hi = 0, day_start = 0;

  for (guint i = 0; i < self->n_members; i++)
    self->member_first_join[i] = G_MAXINT64;

  self->first_day = G_MAXINT;
  self->last_day = G_MININT;
  for (guint i = 0; i < self->n_spans; i++)
    {
      guint member = self->span_member[i];
      int day;
      guint8 hour;

      if (member < self->n_members && self->span_start[i] < self->member_first_join[member])
        self->member_first_join[member] = self->span_start[i];
      split_local (&cache, self->span_start[i], &day, &hour);
      self->first_day = MIN (self->first_day, day);
      self->last_day = MAX (self->last_day, day);
      if (self->span_end[i] != COHORT_TS_OPEN)
        {
          split_local (&cache, self->span_end[i], &day, &hour);
          self->last_day = MAX (self->last_day, day);
        }
    }

  /* Sorted messages change local day a few hundred times, not a million: within the UTC
   * stretch where the day and the offset stay the same, a message's hour is a subtraction
   * and a division by a constant. */
  for (guint i = 0; i < self->n_messages; i++)
    {
      gint64 ts = self->msg_ts[i];

      if (ts < window_lo || ts >= window_hi)
        {
          gint64 offset = local_offset (&cache, ts);
          gint64 local = ts + offset;

          day = (int)(local >= 0 ? local / 86400 : -((-local + 86399) / 86400));
          day_start = (gint64)day * 86400 - offset;
          window_lo = MAX (day_start, cache.lo);
          window_hi = MIN (day_start + 86400, cache.hi);
          if (day != wday_day)
            {
              wday_day = day;
              wday = (guint8)cohort_day_weekday (day);
              self->first_day = MIN (self->first_day, day);
              self->last_day = MAX (self->last_day, day);
            }
        }
      self->msg_day[i] = day;
      self->msg_hour[i] = (guint8)((ts - day_start) / 3600);
      self->msg_wday[i] = wday;
    }

  if (self->first_day == G_MAXINT)
    self->first_day = self->last_day = 0;
}

/* The store reads messages in (ts, row) order, so the full sort (a third of a cold load at
 * a million messages) is almost never needed: only the short runs of equal times are put in
 * member order, by insertion. */
#define SHORT_RUN 64

static void
sort_messages (GArray *messages)
{
  BMessage *m = (BMessage *)messages->data;
  guint n = messages->len;
  guint run = 1;

  for (guint i = 1; i < n; i++)
    {
      run = m[i].ts == m[i - 1].ts ? run + 1 : 1;
      if (m[i].ts < m[i - 1].ts || run > SHORT_RUN)
        {
          g_array_sort (messages, compare_messages);
          return;
        }
    }

  for (guint i = 1; i < n; i++)
    for (guint j = i; j > 0 && m[j].ts == m[j - 1].ts && m[j].member < m[j - 1].member; j--)
      {
        BMessage swap = m[j];

        m[j] = m[j - 1];
        m[j - 1] = swap;
      }
}

void
_cohort_snapshot_set_reply (CohortSnapshot *self,
                            guint           message,
                            int             reply_member)
{
  g_return_if_fail (self->b_messages != NULL && message < self->b_messages->len);

  g_array_index (self->b_messages, BMessage, message).reply_member = reply_member;
}

void
_cohort_snapshot_append_messages (CohortSnapshot *self,
                                  CohortSnapshot *part)
{
  g_return_if_fail (self->b_messages != NULL && part->b_messages != NULL);

  g_array_append_vals (self->b_messages, part->b_messages->data, part->b_messages->len);
  g_array_set_size (part->b_messages, 0);
}

void
cohort_snapshot_finish (CohortSnapshot *self)
{
  g_return_if_fail (self->b_members != NULL);

  _cohort_snapshot_alloc_columns (self, self->b_members->len, self->b_spans->len,
                                  self->b_messages->len);
  for (guint i = 0; i < self->n_members; i++)
    {
      BMember *m = &g_array_index (self->b_members, BMember, i);

      self->member_uid[i] = m->uid;
      self->member_name[i] = m->name;
      self->member_is_bot[i] = m->is_bot ? 1 : 0;
      self->member_is_staff[i] = m->is_staff ? 1 : 0;
    }

  g_array_sort (self->b_spans, compare_spans);
  for (guint i = 0; i < self->n_spans; i++)
    {
      BSpan *s = &g_array_index (self->b_spans, BSpan, i);

      self->span_member[i] = s->member;
      self->span_start[i] = s->start;
      self->span_end[i] = s->end;
      self->span_start_kind[i] = s->start_kind;
      self->span_end_kind[i] = s->end_kind;
    }

  sort_messages (self->b_messages);
  for (guint i = 0; i < self->n_messages; i++)
    {
      BMessage *m = &g_array_index (self->b_messages, BMessage, i);

      self->msg_ts[i] = m->ts;
      self->msg_member[i] = m->member;
      self->msg_kind[i] = m->kind;
      self->msg_is_mech[i] = m->is_mech;
      self->msg_reply_member[i] = m->reply_member;
    }

  /* The builder's members own their strings; they now belong to the columns. */
  g_clear_pointer (&self->b_members, g_array_unref);
  g_clear_pointer (&self->b_spans, g_array_unref);
  g_clear_pointer (&self->b_messages, g_array_unref);

  _cohort_snapshot_derive (self);
}

void
cohort_snapshot_free (CohortSnapshot *self)
{
  if (self == NULL)
    return;

  if (self->b_members != NULL)
    {
      for (guint i = 0; i < self->b_members->len; i++)
        {
          BMember *m = &g_array_index (self->b_members, BMember, i);
          g_free (m->uid);
          g_free (m->name);
        }
      g_array_unref (self->b_members);
    }
  else if (self->strings == NULL)
    {
      for (guint i = 0; i < self->n_members; i++)
        {
          g_free (self->member_uid[i]);
          g_free (self->member_name[i]);
        }
    }
  g_free (self->strings);
  g_clear_pointer (&self->b_spans, g_array_unref);
  g_clear_pointer (&self->b_messages, g_array_unref);
  g_clear_pointer (&self->uid_index, g_hash_table_unref);
  g_free (self->member_uid);
  g_free (self->member_name);
  g_free (self->member_is_bot);
  g_free (self->member_is_staff);
  g_free (self->member_first_join);
  g_free (self->span_member);
  g_free (self->span_start);
  g_free (self->span_end);
  g_free (self->span_start_kind);
  g_free (self->span_end_kind);
  g_free (self->msg_ts);
  g_free (self->msg_member);
  g_free (self->msg_kind);
  g_free (self->msg_is_mech);
  g_free (self->msg_reply_member);
  g_free (self->msg_day);
  g_free (self->msg_hour);
  g_free (self->msg_wday);
  g_clear_pointer (&self->tz, g_time_zone_unref);
  g_free (self->name);
  g_free (self->platform);
  g_free (self->tz_id);
  g_free (self);
}
