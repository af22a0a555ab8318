/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

typedef enum
{
  COHORT_RECOVERY_RESTORED,     /* the newest good backup replaced the database */
  COHORT_RECOVERY_READ_ONLY,    /* the database is read, never written, this session */
  COHORT_RECOVERY_FRESH,        /* the database was moved aside; a new one starts */
  COHORT_RECOVERY_FAILED,       /* the chosen step failed; nothing was overwritten */
} CohortRecoveryOutcome;

#define COHORT_TYPE_RECOVERY_DIALOG (cohort_recovery_dialog_get_type ())

G_DECLARE_FINAL_TYPE (CohortRecoveryDialog, cohort_recovery_dialog, COHORT, RECOVERY_DIALOG,
                      AdwMessageDialog)

CohortRecoveryDialog *cohort_recovery_dialog_new         (GtkWindow            *parent,
                                                          const char           *db_path,
                                                          const GError         *problem,
                                                          const char           *backup_path,
                                                          gint64                backup_created);
const char           *cohort_recovery_dialog_get_message (CohortRecoveryDialog *self);

void                  cohort_recovery_check_database     (GtkWindow            *parent,
                                                          const char           *db_path,
                                                          int                   keep);

G_END_DECLS
