/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "cohort-importer.h"

G_BEGIN_DECLS

#define COHORT_TYPE_WINDOW (cohort_window_get_type ())

G_DECLARE_FINAL_TYPE (CohortWindow, cohort_window, COHORT, WINDOW, AdwApplicationWindow)

CohortWindow *cohort_window_new               (GtkApplication *application,
                                               const char     *db_path);
void          cohort_window_import_files      (CohortWindow   *self,
                                               GFile         **files,
                                               guint           n_files);
void          cohort_window_import_files_with_options (CohortWindow              *self,
                                                       GFile                    **files,
                                                       guint                      n_files,
                                                       const CohortImportOptions *options);
void          cohort_window_open_demo         (CohortWindow   *self);
void          cohort_window_reload            (CohortWindow   *self);
gboolean      cohort_window_is_busy           (CohortWindow   *self);
gboolean      cohort_window_is_importing      (CohortWindow   *self);
const char   *cohort_window_get_page_name     (CohortWindow   *self);
void          cohort_window_show_page         (CohortWindow   *self,
                                               const char     *name);
const char   *cohort_window_get_last_error    (CohortWindow   *self);
const char   *cohort_window_get_last_toast    (CohortWindow   *self);
GtkWidget    *cohort_window_get_overview_page (CohortWindow   *self);
GtkWidget    *cohort_window_get_imports_page  (CohortWindow   *self);
GtkDropTarget *cohort_window_get_drop_target  (CohortWindow   *self);

G_END_DECLS
