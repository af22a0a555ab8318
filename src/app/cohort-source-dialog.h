/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include <libsoup/soup.h>

#include "cohort-secret-store.h"

G_BEGIN_DECLS

/*
 * Add Source: platform, name, address, user and key; Test Connection tries them before they
 * are saved.  Add writes the row on a worker and the key into the secret store, then emits
 * "source-added" with the new id and closes.
 */

#define COHORT_TYPE_SOURCE_DIALOG (cohort_source_dialog_get_type ())

G_DECLARE_FINAL_TYPE (CohortSourceDialog, cohort_source_dialog, COHORT, SOURCE_DIALOG, AdwWindow)

CohortSourceDialog *cohort_source_dialog_new (GtkWindow         *parent,
                                              const char        *db_path,
                                              SoupSession       *session,
                                              CohortSecretStore *secrets);
void                cohort_source_dialog_set_kind (CohortSourceDialog *self,
                                                   const char         *kind);
/* For tests: fill the form as a user would. */
void                cohort_source_dialog_fill (CohortSourceDialog *self,
                                               const char         *name,
                                               const char         *url,
                                               const char         *username,
                                               const char         *secret);
/* What the Test Connection and Add buttons do. */
void                cohort_source_dialog_test (CohortSourceDialog *self);
void                cohort_source_dialog_save (CohortSourceDialog *self);
gboolean            cohort_source_dialog_is_busy (CohortSourceDialog *self);
GtkWidget          *cohort_source_dialog_get_result_label (CohortSourceDialog *self);

G_END_DECLS
