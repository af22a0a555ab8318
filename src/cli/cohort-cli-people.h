/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "cohort-cli-activity.h"

G_BEGIN_DECLS

extern const GOptionEntry cohort_cli_overview_entries[];
extern const GOptionEntry cohort_cli_people_entries[];

/* cohort-cli people [--shared] [merge MEMBER MEMBER | unmerge MEMBER | undo] [--json] */
int       cohort_cli_people          (int                     argc,
                                      char                  **argv);
/* cohort-cli overview --communities A,B | --all [--from --to --range] [--json] */
int       cohort_cli_overview        (int                     argc,
                                      char                  **argv,
                                      const CohortCliOptions *options);

G_END_DECLS
