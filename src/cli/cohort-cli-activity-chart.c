/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-cli"

#include "config.h"

#include "cohort-cli-activity-chart.h"

#include "cohort-cli.h"

gboolean
cohort_cli_activity_chart_kind (CohortChartKind kind)
{
  return kind == COHORT_CHART_STICKINESS || kind == COHORT_CHART_NETWORK ||
         kind == COHORT_CHART_CURVES;
}

static gboolean
write_chart (CohortChartKind          kind,
             gconstpointer            data,
             const CohortCliOptions  *options,
             GError                 **error)
{
  CohortChartStyle style;

  cohort_chart_style_init_default (&style, options->dark);
  return (!options->png || cohort_chart_write_png (kind, data, &style, options->width,
                                                   options->height, options->png, error)) &&
         (!options->pdf || cohort_chart_write_pdf (kind, data, &style, options->width,
                                                   options->height, options->pdf, error)) &&
         (!options->svg || cohort_chart_write_svg (kind, data, &style, options->width,
                                                   options->height, options->svg, error));
}

int
cohort_cli_activity_chart (CohortChartKind         kind,
                           const char             *community,
                           const CohortCliOptions *options)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CohortActivity) activity = NULL;
  g_autoptr(CohortRetention) retention = NULL;
  gboolean written;

  if (kind == COHORT_CHART_CURVES)
    {
      if ((retention = cohort_cli_retention_compute (options, community, &error)) == NULL &&
          *error->message == '\0')
        return 2;
      written = retention != NULL && write_chart (kind, retention, options, &error);
    }
  else
    {
      activity = cohort_cli_activity_compute (options, community, &error);
      written = activity != NULL && write_chart (kind, activity, options, &error);
    }
  return written ? 0 : cohort_cli_report_error (error);
}
