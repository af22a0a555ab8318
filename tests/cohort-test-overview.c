/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "cohort-test-overview.h"

CohortOverview *
cohort_test_overview_new (void)
{
  CohortOverview *ov = g_new0 (CohortOverview, 1);
  gint64 members = 1200;

  ov->day0 = cohort_day_from_ymd (2024, 1, 1);
  ov->day1 = ov->day0 + N_DAYS - 1;
  ov->n_days = N_DAYS;
  ov->members = g_new0 (gint64, N_DAYS);
  ov->day_joins = g_new0 (gint64, N_DAYS);
  ov->day_leaves = g_new0 (gint64, N_DAYS);
  ov->dau = g_new0 (gint64, N_DAYS);
  ov->wau7 = g_new0 (gint64, N_DAYS);
  ov->mau30 = g_new0 (gint64, N_DAYS);
  for (int i = 0; i < N_DAYS; i++)
    {
      ov->day_joins[i] = 6 + i % 5;
      ov->day_leaves[i] = 2 + (i * 7) % 5;
      members += ov->day_joins[i] - ov->day_leaves[i];
      ov->members[i] = members;
      ov->dau[i] = 40 + (i * 7) % 23;
      ov->wau7[i] = 120 + i;
      ov->mau30[i] = 300 + 2 * i;
    }

  for (int wd = 0; wd < 7; wd++)
    for (int h = 0; h < 24; h++)
      {
        ov->heatmap[wd][h] = (h >= 8 && h <= 22) ? 1.0 + (h % 4) * 0.5 : 0.2;
        ov->heatmap_counts[wd][h] = (gint64) (ov->heatmap[wd][h] * 8);
      }
  ov->heatmap[HOT_WD][HOT_H] = 9.5;
  ov->heatmap_counts[HOT_WD][HOT_H] = 76;
  ov->core_slots[0] = 9;
  ov->core_slots[1] = 12;
  ov->core_slots[2] = 20;
  ov->supplementary_slots[0] = 7;
  ov->supplementary_slots[1] = 22;

  /* 8 weekly cohorts, newest last; each row's last week is still running (den 0). */
  ov->n_cohorts = 8;
  ov->cohorts = g_new0 (CohortRetentionRow, 8);
  for (int i = 0; i < 8; i++)
    {
      CohortRetentionRow *row = &ov->cohorts[i];

      row->week_start = ov->day0 + 7 * i;
      row->size = 20 + 3 * i;
      row->n_cells = 8 - i;
      for (int k = 0; k < row->n_cells - 1; k++)
        {
          row->active[k].den = row->size;
          row->active[k].num = k == 0 ? row->size : row->size * (6 - k / 2) / 10;
        }
    }
  return ov;
}

void
cohort_test_overview_free (CohortOverview *ov)
{
  g_free (ov->members);
  g_free (ov->day_joins);
  g_free (ov->day_leaves);
  g_free (ov->dau);
  g_free (ov->wau7);
  g_free (ov->mau30);
  g_free (ov->cohorts);
  g_free (ov);
}
