/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "cohort-activity.h"
#include "cohort-retention.h"

G_BEGIN_DECLS

/* The options of cohort-cli.c that the activity and retention commands read. */
typedef struct
{
  const char *db_path;      /* NULL: the app's database */
  const char *from;
  const char *to;
  const char *range;
  gboolean    json;
  const char *png;
  const char *pdf;
  const char *svg;
  int         width;
  int         height;
  gboolean    dark;
} CohortCliOptions;

extern const GOptionEntry cohort_cli_retention_entries[];

/* cohort-cli activity COMMUNITY [--from --to --range] [--json] */
int       cohort_cli_activity        (int                     argc,
                                      char                  **argv,
                                      const CohortCliOptions *options);
/* cohort-cli retention COMMUNITY --by week|month --mode membership|activity [--json|--csv] */
int       cohort_cli_retention       (int                     argc,
                                      char                  **argv,
                                      const CohortCliOptions *options);
/* The numbers behind the commands above, for their charts (cohort-cli-activity-chart.c).
 * A bad --by or --mode of the retention is printed at once and comes back as G_OPTION_ERROR
 * with an empty message. */
CohortActivity  *cohort_cli_activity_compute  (const CohortCliOptions  *options,
                                               const char              *community,
                                               GError                 **error);
CohortRetention *cohort_cli_retention_compute (const CohortCliOptions  *options,
                                               const char              *community,
                                               GError                 **error);

G_END_DECLS
