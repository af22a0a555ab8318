/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cohort-store.h"

G_BEGIN_DECLS

/*
 * Online sources (a Discourse forum, a WeCom corp, a chatlog server) and the statistics their
 * platforms report (platform_stats).  A source row never holds a secret: its `uid` keys the
 * keyring entry that does.  The cursor is the source's own JSON (post id, day, time range) so
 * that a second sync fetches only what is new; it is written in the sync's transaction.
 */

typedef struct
{
  gint64  id;
  char   *uid;
  char   *kind;          /* "discourse", "wecom", "chatlog" */
  char   *name;
  char   *base_url;
  char   *username;      /* Discourse API user, WeCom corp id; NULL for chatlog */
  char   *cursor;        /* JSON object */
  gint64  last_sync;     /* epoch seconds, 0 if never */
  char   *status;        /* "never", "ok", "error", "cancelled" */
  char   *error;         /* plain words for the last failure, or NULL */
} CohortSourceInfo;

typedef struct
{
  gint64  community;
  char   *metric;
  char   *day;           /* YYYY-MM-DD in the platform's day */
  char   *scope;         /* "" for the whole community */
  double  value;
} CohortPlatformStat;

CohortSourceInfo *cohort_source_info_copy        (const CohortSourceInfo *info);
void              cohort_source_info_free        (CohortSourceInfo *info);
void              cohort_platform_stat_free      (CohortPlatformStat *stat);

gint64            cohort_db_add_source           (CohortDb     *db,
                                                  const char   *kind,
                                                  const char   *name,
                                                  const char   *base_url,
                                                  const char   *username,
                                                  GError      **error);
GPtrArray        *cohort_db_list_sources         (CohortDb     *db,
                                                  GError      **error);
CohortSourceInfo *cohort_db_find_source          (CohortDb     *db,
                                                  const char   *id_or_name,
                                                  GError      **error);
gboolean          cohort_db_remove_source        (CohortDb     *db,
                                                  gint64        id,
                                                  GError      **error);
/* cursor NULL keeps the stored one (a failed or cancelled sync moves nothing forward). */
gboolean          cohort_db_set_source_result    (CohortDb     *db,
                                                  gint64        id,
                                                  const char   *status,
                                                  const char   *error_text,
                                                  const char   *cursor,
                                                  gint64        when,
                                                  GError      **error);
/* Upserts by (community, metric, day, scope), or for community 0 by (source, metric, day,
 * scope): numbers that belong to no one group.  raw is the platform's JSON for the value.
 * changed (optional) tells whether a row was added or its value differed. */
gboolean          cohort_db_put_platform_stat    (CohortDb     *db,
                                                  gint64        community,
                                                  gint64        source,
                                                  const char   *metric,
                                                  const char   *day,
                                                  const char   *scope,
                                                  double        value,
                                                  const char   *raw,
                                                  gboolean     *changed,
                                                  GError      **error);
/* The communities a source has written statistics for (gint64 ids). */
GArray           *cohort_db_source_communities   (CohortDb     *db,
                                                  gint64        source,
                                                  GError      **error);
GPtrArray        *cohort_db_list_platform_stats  (CohortDb     *db,
                                                  gint64        community,
                                                  const char   *metric_prefix,
                                                  GError      **error);

/* What a platform says about a member beyond the import API: staff (WeCom internal members,
 * Discourse moderators and admins) and the join channel (WeCom's 入群方式 state).  Only ever
 * raises is_staff; join_channel NULL keeps the stored one. */
gboolean          cohort_db_set_member_facts     (CohortDb     *db,
                                                  gint64        community,
                                                  const char   *platform_uid,
                                                  gboolean      is_staff,
                                                  const char   *join_channel,
                                                  GError      **error);

/* Members whose latest join/leave/kick event is a join: who the store thinks is in the group
 * now, to diff against a platform's member list (platform_uid strings). */
GPtrArray        *cohort_db_list_present_members (CohortDb     *db,
                                                  gint64        community,
                                                  GError      **error);

/* A source's rows that belong to no community. */
GPtrArray        *cohort_db_list_source_stats    (CohortDb     *db,
                                                  gint64        source,
                                                  const char   *metric_prefix,
                                                  GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CohortSourceInfo, cohort_source_info_free)

G_END_DECLS
