/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-settings"

#include "config.h"

#include "cohort-settings.h"

int
cohort_day_week_start_on (int day,
                          int week_start)
{
  /* cohort_day_weekday () counts from Monday = 0, so Sunday is 6: the week of any day
   * starts (weekday + 1) mod 7 days back when weeks start on Sunday. */
  if (week_start == 7)
    return day - (cohort_day_weekday (day) + 1) % 7;
  return cohort_day_week_start (day);
}

int
cohort_settings_week_start (const CohortCommunitySettings *settings,
                            int                            day)
{
  return cohort_day_week_start_on (day, settings != NULL ? settings->week_start : 1);
}

CohortChurnLevel
cohort_settings_churn_level (const CohortCommunitySettings *settings,
                             int                            silent_days)
{
  if (settings == NULL)
    return cohort_metrics_churn_level (silent_days);
  if (silent_days >= settings->churn_high_days)
    return COHORT_CHURN_HIGH;
  if (silent_days >= settings->churn_warn_days)
    return COHORT_CHURN_WARN;
  if (silent_days >= settings->churn_watch_days)
    return COHORT_CHURN_WATCH;
  return COHORT_CHURN_NONE;
}

void
cohort_settings_segment_params (const CohortCommunitySettings *settings,
                                CohortSegmentParams           *params)
{
  g_return_if_fail (params != NULL);

  cohort_segment_params_init_default (params);
  if (settings == NULL)
    return;
  params->new_member_days = settings->new_member_days;
  params->fan_min_active_days = settings->fan_min_active_days;
  params->koc_min_score = settings->koc_min_score;
  params->koc_min_messages = settings->koc_min_messages;
  params->koc_min_reach = settings->koc_min_reach;
  params->koc_top_share = settings->koc_top_share;
  params->kol_min_followers = settings->kol_min_followers;
  params->week_start = settings->week_start;
  params->churn_watch_days = settings->churn_watch_days;
  params->churn_warn_days = settings->churn_warn_days;
  params->churn_high_days = settings->churn_high_days;
}

gboolean
cohort_settings_load (CohortDb                 *db,
                      gint64                    community,
                      CohortCommunitySettings  *settings,
                      GError                  **error)
{
  return cohort_db_get_community_settings (db, community, settings, error);
}
