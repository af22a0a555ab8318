/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "cohort-csv.h"

G_BEGIN_DECLS

#define COHORT_TYPE_CSV_MAPPING_DIALOG (cohort_csv_mapping_dialog_get_type ())

G_DECLARE_FINAL_TYPE (CohortCsvMappingDialog, cohort_csv_mapping_dialog, COHORT, CSV_MAPPING_DIALOG, AdwWindow)

/*
 * Asks which column of a CSV table is which: the first rows in a preview (read on a worker),
 * the kind of rows, one dropdown per field (guessed from the header) and a live check of the
 * preview rows.  "import" fires when the operator accepts; the dialog then closes itself.
 * "loaded" fires once the preview is there (or could not be read).
 */

CohortCsvMappingDialog *cohort_csv_mapping_dialog_new             (GtkWindow              *parent,
                                                                   GFile                  *file);
GFile                  *cohort_csv_mapping_dialog_get_file        (CohortCsvMappingDialog *self);
gboolean                cohort_csv_mapping_dialog_is_loaded       (CohortCsvMappingDialog *self);
/* The mapping as the dialog shows it, or NULL before the preview is loaded. */
CohortCsvMapping       *cohort_csv_mapping_dialog_dup_mapping     (CohortCsvMappingDialog *self);
/* What stops the import, in words, or NULL when it can go ahead. */
const char             *cohort_csv_mapping_dialog_get_problem     (CohortCsvMappingDialog *self);
void                    cohort_csv_mapping_dialog_set_kind        (CohortCsvMappingDialog *self,
                                                                   CohortCsvKind           kind);
void                    cohort_csv_mapping_dialog_set_column      (CohortCsvMappingDialog *self,
                                                                   CohortCsvField          field,
                                                                   const char             *column);
/* What the Import button does (only when nothing stops the import). */
void                    cohort_csv_mapping_dialog_accept          (CohortCsvMappingDialog *self);
/* One of the dialog's presets: NULL (automatic), "epoch", "DD/MM/YYYY HH:mm", … */
gboolean                cohort_csv_mapping_dialog_set_date_format (CohortCsvMappingDialog *self,
                                                                   const char             *format);

G_END_DECLS
