/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cohort-secret-store.h"

G_BEGIN_DECLS

/* An in-memory CohortSecretStore for tests: CI has no keyring daemon, and tests must never
 * write into a developer's real keyring. */

#define COHORT_TYPE_TEST_SECRETS (cohort_test_secrets_get_type ())

G_DECLARE_FINAL_TYPE (CohortTestSecrets, cohort_test_secrets, COHORT, TEST_SECRETS, GObject)

CohortSecretStore *cohort_test_secrets_new    (void);
/* The stored secret for uid, or NULL; for assertions. */
const char        *cohort_test_secrets_peek   (CohortTestSecrets *self,
                                               const char        *uid);
guint              cohort_test_secrets_count  (CohortTestSecrets *self);

G_END_DECLS
