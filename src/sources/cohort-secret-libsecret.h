/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cohort-secret-store.h"

G_BEGIN_DECLS

/* The system keyring (Secret Service through libsecret), one item per source uid. */

#define COHORT_TYPE_SECRET_LIBSECRET (cohort_secret_libsecret_get_type ())

G_DECLARE_FINAL_TYPE (CohortSecretLibsecret, cohort_secret_libsecret, COHORT, SECRET_LIBSECRET, GObject)

CohortSecretStore *cohort_secret_libsecret_new (void);

G_END_DECLS
