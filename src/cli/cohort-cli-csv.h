/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "cohort-csv.h"

G_BEGIN_DECLS

/* The generic-CSV options of `cohort-cli import`: --csv-kind, --map, --date-format and
 * --csv-community. */
extern const GOptionEntry cohort_cli_csv_entries[];

/* FALSE with a usage error when the options contradict each other. */
gboolean  cohort_cli_csv_check_options (GError          **error);
/* The mapping the options describe for this file (columns not given with --map are guessed
 * from its header), or *mapping = NULL when no CSV option was given. */
gboolean  cohort_cli_csv_mapping_for   (GFile            *file,
                                        CohortCsvMapping **mapping,
                                        GError           **error);
/* After a failed import: how to pass a mapping, when that is what was missing. */
void      cohort_cli_csv_explain       (const GError     *error);

G_END_DECLS
