/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define COHORT_TYPE_SETTINGS_WINDOW (cohort_settings_window_get_type ())

G_DECLARE_FINAL_TYPE (CohortSettingsWindow, cohort_settings_window, COHORT, SETTINGS_WINDOW, AdwPreferencesWindow)

/*
 * Community Settings: one community's time zone and week start, staff and bot lists,
 * mechanical-reply additions and removals, churn levels and key-member thresholds.  Every
 * read and write runs on a worker with its own connection; each change that reached the
 * database emits "changed", after which every page must be recomputed.
 */

CohortSettingsWindow *cohort_settings_window_new            (GtkWindow            *parent,
                                                             const char           *db_path,
                                                             gint64                community,
                                                             const char           *name,
                                                             const char           *tz,
                                                             gboolean              wall_clock);
/* Loading, searching or writing. */
gboolean              cohort_settings_window_is_busy        (CohortSettingsWindow *self);
/* The widget that edits a setting of cohort_community_settings_keys (): a GtkSpinButton,
 * or the AdwComboRow of "week-start". */
GtkWidget            *cohort_settings_window_get_control    (CohortSettingsWindow *self,
                                                             const char           *key);
/* Adds a mechanical-reply rule as the entry row and its buttons do. */
void                  cohort_settings_window_add_rule       (CohortSettingsWindow *self,
                                                             const char           *text,
                                                             gboolean              mechanical);
/* The last error shown, NULL if none. */
const char           *cohort_settings_window_get_last_error (CohortSettingsWindow *self);

G_END_DECLS
