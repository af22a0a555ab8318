/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define COHORT_TYPE_KPI_CARD (cohort_kpi_card_get_type ())

G_DECLARE_FINAL_TYPE (CohortKpiCard, cohort_kpi_card, COHORT, KPI_CARD, GtkWidget)

/* How a change compares with the previous period: for churn warnings fewer is better. */
typedef enum
{
  COHORT_KPI_HIGHER_IS_BETTER,
  COHORT_KPI_LOWER_IS_BETTER,
} CohortKpiSense;

GtkWidget  *cohort_kpi_card_new        (const char     *title,
                                        CohortKpiSense  sense);
void        cohort_kpi_card_set_count  (CohortKpiCard  *self,
                                        gint64          value,
                                        gint64          previous,
                                        gboolean        signed_value);
void        cohort_kpi_card_set_rate   (CohortKpiCard  *self,
                                        gint64          num,
                                        gint64          den,
                                        gint64          prev_num,
                                        gint64          prev_den,
                                        double          target);
void        cohort_kpi_card_set_note   (CohortKpiCard  *self,
                                        const char     *note);
const char *cohort_kpi_card_get_value_text (CohortKpiCard *self);
const char *cohort_kpi_card_get_delta_text (CohortKpiCard *self);

char       *cohort_format_count        (gint64          value);

G_END_DECLS
