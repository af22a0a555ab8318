/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cohort-importer.h"

G_BEGIN_DECLS

#define COHORT_DEMO_COMMUNITY_ID "4242424242"

/* Writes the demo community as a Telegram Desktop JSON export: 180 days ending the day before
 * `now` (Asia/Shanghai), fully determined by the date of `now`. */
gboolean            cohort_demo_write  (const char   *path,
                                        gint64        now,
                                        GError      **error);

/* Writes the demo export to a temporary file and imports it through the normal importer.
 * When the database holds the demo already, nothing is imported and no line is added to the
 * imports history (the app opens it at every launch with --demo): the result is
 * opened_only, names the community and counts nothing. */
CohortImportResult *cohort_demo_import (CohortDb     *db,
                                        gint64        now,
                                        GCancellable *cancellable,
                                        GError      **error);

G_END_DECLS
