/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * CohortSnapshot: a read-only, columnar copy of one community, built off the main thread
 * and handed to the metrics engine.  Every metric of METRICS.md is computed from these
 * arrays, never from SQL.  Local days are days since 1970-01-01 in the community's zone.
 *
 * Build one with cohort_snapshot_new(), the add_* functions and cohort_snapshot_finish();
 * the store's loader and the unit tests use the same builder.
 */

typedef enum
{
  COHORT_MESSAGE_TEXT,
  COHORT_MESSAGE_STICKER,
  COHORT_MESSAGE_IMAGE,
  COHORT_MESSAGE_VOICE,
  COHORT_MESSAGE_VIDEO,
  COHORT_MESSAGE_FILE,
  COHORT_MESSAGE_LINK,
  COHORT_MESSAGE_SYSTEM,
  COHORT_MESSAGE_OTHER,
} CohortMessageKind;

typedef enum
{
  COHORT_SPAN_JOIN,
  COHORT_SPAN_REJOIN,
  COHORT_SPAN_INFERRED,
} CohortSpanStart;

typedef enum
{
  COHORT_SPAN_OPEN,
  COHORT_SPAN_LEAVE,
  COHORT_SPAN_KICK,
} CohortSpanEnd;

#define COHORT_TS_OPEN G_MAXINT64

typedef struct
{
  char   *name;
  char   *platform;
  char   *tz_id;
  GTimeZone *tz;

  /* members, indexed 0..n_members-1 */
  guint   n_members;
  char  **member_uid;
  char  **member_name;
  guint8 *member_is_bot;
  guint8 *member_is_staff;

  /* membership spans, sorted by (member, start) after finish() */
  guint   n_spans;
  guint  *span_member;
  gint64 *span_start;
  gint64 *span_end;           /* COHORT_TS_OPEN while still a member */
  guint8 *span_start_kind;    /* CohortSpanStart */
  guint8 *span_end_kind;      /* CohortSpanEnd */

  /* non-system, non-deleted messages, sorted by ts after finish() */
  guint   n_messages;
  gint64 *msg_ts;
  guint  *msg_member;
  guint8 *msg_kind;           /* CohortMessageKind */
  guint8 *msg_is_mech;
  int    *msg_reply_member;   /* member replied to, or -1 */
  /* derived by finish(), in the community's zone */
  int    *msg_day;            /* local day */
  guint8 *msg_hour;           /* 0..23 */
  guint8 *msg_wday;           /* 0 = Monday .. 6 = Sunday */

  /* per-member first span start (join_unknown members have G_MAXINT64) */
  gint64 *member_first_join;

  int     first_day;          /* earliest local day with any data, or 0 if empty */
  int     last_day;           /* latest local day with any data */

  /* where it came from: the community's generation when it was read (0 for a snapshot
   * built by hand) and whether the persistent cache answered (cohort-snapshot-cache.h) */
  gint64   generation;
  gboolean from_cache;
  /* when set, every member_uid and member_name points into this one block */
  char    *strings;

  /* builder state */
  GArray *b_members;
  GArray *b_spans;
  GArray *b_messages;
  GHashTable *uid_index;
} CohortSnapshot;

CohortSnapshot *cohort_snapshot_new             (const char     *name,
                                                 const char     *platform,
                                                 const char     *tz_id);
guint           cohort_snapshot_add_member      (CohortSnapshot *self,
                                                 const char     *uid,
                                                 const char     *name,
                                                 gboolean        is_bot,
                                                 gboolean        is_staff);
int             cohort_snapshot_find_member     (CohortSnapshot *self,
                                                 const char     *uid);
void            cohort_snapshot_add_span        (CohortSnapshot *self,
                                                 guint           member,
                                                 gint64          start_ts,
                                                 gint64          end_ts,
                                                 CohortSpanStart start_kind,
                                                 CohortSpanEnd   end_kind);
void            cohort_snapshot_add_message     (CohortSnapshot *self,
                                                 gint64          ts,
                                                 guint           member,
                                                 CohortMessageKind kind,
                                                 gboolean        is_mech,
                                                 int             reply_member);
void            cohort_snapshot_finish          (CohortSnapshot *self);
void            cohort_snapshot_free            (CohortSnapshot *self);

/* Time helpers in the snapshot's zone. */
int             cohort_snapshot_local_day       (CohortSnapshot *self,
                                                 gint64          ts);
gint64          cohort_snapshot_day_end         (CohortSnapshot *self,
                                                 int             day);
gint64          cohort_snapshot_day_start       (CohortSnapshot *self,
                                                 int             day);
/* The index of the first message (in time order) whose local day is >= day. */
guint           cohort_snapshot_first_message_on (CohortSnapshot *self,
                                                  int             day);

/* Calendar helpers on local day numbers (days since 1970-01-01). */
int             cohort_day_from_ymd             (int year, int month, int day);
void            cohort_day_to_ymd               (int day, int *year, int *month, int *mday);
int             cohort_day_weekday              (int day);   /* 0 = Monday */
int             cohort_day_week_start           (int day);   /* ISO Monday on or before */
char           *cohort_day_format               (int day);   /* "YYYY-MM-DD" */
gboolean        cohort_day_parse                (const char *text, int *day);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CohortSnapshot, cohort_snapshot_free)

G_END_DECLS
