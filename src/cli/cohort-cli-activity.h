/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "cohort-chart.h"

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
/* cohort-cli chart stickiness|network|retention-curves COMMUNITY --png … */
gboolean  cohort_cli_activity_chart_kind (CohortChartKind     kind);
int       cohort_cli_activity_chart  (CohortChartKind         kind,
                                      const char             *community,
                                      const CohortCliOptions *options);

G_END_DECLS
