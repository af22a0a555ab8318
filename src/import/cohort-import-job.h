/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "cohort-importer.h"

G_BEGIN_DECLS

/*
 * CohortImportJob: imports a list of files (a folder stands for the exports in it), one after
 * the other, on a worker thread with its own write connection; each file is its own transaction.  Progress is exposed as properties
 * ("fraction", "message") that are updated at most once per main-loop idle, so a window can
 * bind a progress bar to it.  Results arrive on the main context through "file-done";
 * "finished" fires once at the end.  cohort_import_job_cancel() rolls back the current file.
 */

#define COHORT_TYPE_IMPORT_JOB (cohort_import_job_get_type ())

G_DECLARE_FINAL_TYPE (CohortImportJob, cohort_import_job, COHORT, IMPORT_JOB, GObject)

typedef enum
{
  COHORT_IMPORT_JOB_FILE,
  COHORT_IMPORT_JOB_DEMO,
} CohortImportJobKind;

CohortImportJob *cohort_import_job_new          (const char      *db_path,
                                                 GFile          **files,
                                                 guint            n_files);
CohortImportJob *cohort_import_job_new_demo     (const char      *db_path,
                                                 gint64           now);
void             cohort_import_job_start        (CohortImportJob *self);
void             cohort_import_job_cancel       (CohortImportJob *self);
double           cohort_import_job_get_fraction (CohortImportJob *self);
const char      *cohort_import_job_get_message  (CohortImportJob *self);
gboolean         cohort_import_job_get_running  (CohortImportJob *self);
guint            cohort_import_job_get_n_files  (CohortImportJob *self);
void             cohort_import_job_set_options  (CohortImportJob           *self,
                                                 const CohortImportOptions *options);
guint            cohort_import_job_get_skipped  (CohortImportJob *self);

G_END_DECLS
