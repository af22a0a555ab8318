/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "cohort-store.h"

G_BEGIN_DECLS

/*
 * Community settings (issue 4): the thresholds and lists an operator may change per
 * community, defaults from METRICS.md §B.  A community that never changed one has no rows:
 * it reads the defaults.  Settings are keyed by stable ASCII names, which are also what
 * `cohort-cli settings --set key=value` takes.
 *
 * The mechanical-reply rules of a community (METRICS.md §A, "operators can add or remove
 * entries per community") are normalised texts: one that is always mechanical (an addition)
 * or never (a removal).  message.mech_reason keeps the built-in classifier's verdict, or
 * "CUSTOM" for a message only an addition made mechanical; message.is_mech is that verdict
 * with the rules applied.  So rules can be added and taken back any number of times without
 * classifying anything again.
 */

#define COHORT_MECH_REASON_CUSTOM "CUSTOM"

typedef struct
{
  int    week_start;            /* ISO weekday weeks start on: 1 Monday, 7 Sunday */
  int    churn_watch_days;      /* 关注 from this many silent days: 14 */
  int    churn_warn_days;       /* 预警: 30 */
  int    churn_high_days;       /* 高危: 60 */
  int    new_member_days;       /* 新粉 below this tenure: 30 */
  int    fan_min_active_days;   /* 铁粉: 7 active days of 30 */
  double koc_min_score;         /* 0.75 */
  int    koc_min_messages;      /* F ≥ 20 */
  int    koc_min_reach;         /* Q ≥ 5 */
  double koc_top_share;         /* 0.05 */
  int    kol_min_followers;     /* 500 */
} CohortCommunitySettings;

typedef struct
{
  char    *text;        /* normalised (the classifier's `t`) */
  gboolean mechanical;  /* TRUE: always mechanical; FALSE: never */
  gint64   matches;     /* this community's messages with that text; -1 if not counted */
} CohortMechRule;

/* The classifier's normalisation (cohort_mech_normalize in src/import), handed in by the
 * caller because the store sits below the importers. */
typedef char *(*CohortTextNormalizeFunc) (const char *text);

void         cohort_community_settings_init_default (CohortCommunitySettings       *settings);
gboolean     cohort_community_settings_validate     (const CohortCommunitySettings *settings,
                                                     GError                       **error);
/* The names of every setting, NULL-terminated, in display order. */
const char * const *cohort_community_settings_keys  (void);
/* Parses value into the setting key; fails on an unknown key or a value out of range (the
 * order of the churn levels is checked by validate, once every change is in). */
gboolean     cohort_community_settings_set          (CohortCommunitySettings       *settings,
                                                     const char                    *key,
                                                     const char                    *value,
                                                     GError                       **error);
char        *cohort_community_settings_get          (const CohortCommunitySettings *settings,
                                                     const char                    *key);
gboolean     cohort_community_settings_equal        (const CohortCommunitySettings *a,
                                                     const CohortCommunitySettings *b);

gboolean     cohort_db_get_community_settings       (CohortDb                      *db,
                                                     gint64                         community,
                                                     CohortCommunitySettings       *settings,
                                                     GError                       **error);
/* Validates and stores every setting, in one transaction. */
gboolean     cohort_db_set_community_settings       (CohortDb                      *db,
                                                     gint64                         community,
                                                     const CohortCommunitySettings *settings,
                                                     GError                       **error);

/* The rules of a community, additions first, each sorted by text.  With normalize, each
 * rule's matches are counted (one pass over the community's messages). */
GPtrArray   *cohort_db_list_mech_rules              (CohortDb                      *db,
                                                     gint64                         community,
                                                     CohortTextNormalizeFunc        normalize,
                                                     GError                       **error);
/* Adds a rule for text (normalised here), replacing one for the same text, and re-marks the
 * community's messages, all in one transaction.  An empty normalised text is refused. */
gboolean     cohort_db_set_mech_rule                (CohortDb                      *db,
                                                     gint64                         community,
                                                     const char                    *text,
                                                     gboolean                       mechanical,
                                                     CohortTextNormalizeFunc        normalize,
                                                     GError                       **error);
/* Deletes the rule for text (normalised here) and re-marks; NOT_FOUND if there is none. */
gboolean     cohort_db_delete_mech_rule             (CohortDb                      *db,
                                                     gint64                         community,
                                                     const char                    *text,
                                                     CohortTextNormalizeFunc        normalize,
                                                     GError                       **error);
/* Applies the community's rules to the messages this import added, inside its transaction:
 * imports classify with the built-in lists only. */
gboolean     cohort_import_tx_apply_mech_rules      (CohortImportTx                *tx,
                                                     CohortTextNormalizeFunc        normalize,
                                                     GError                       **error);

/* The staff and bot lists of Settings: members as the lists show them. */
typedef struct
{
  char    *uid;
  char    *name;        /* display name, NULL if none */
  gboolean is_staff;
  gboolean is_bot;
} CohortMemberRef;

/* Every member flagged staff or bot, by name. */
GPtrArray   *cohort_db_list_flagged_members         (CohortDb                      *db,
                                                     gint64                         community,
                                                     GError                       **error);
/* Members whose name or id contains query (case-insensitive for ASCII), at most limit, by
 * name. */
GPtrArray   *cohort_db_search_members               (CohortDb                      *db,
                                                     gint64                         community,
                                                     const char                    *query,
                                                     guint                          limit,
                                                     GError                       **error);

void         cohort_mech_rule_free                  (CohortMechRule                *rule);
void         cohort_member_ref_free                 (CohortMemberRef               *member);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CohortMechRule, cohort_mech_rule_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CohortMemberRef, cohort_member_ref_free)

G_END_DECLS
