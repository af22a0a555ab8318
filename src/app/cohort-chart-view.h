/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "cohort-chart.h"

G_BEGIN_DECLS

#define COHORT_TYPE_CHART_VIEW (cohort_chart_view_get_type ())

G_DECLARE_FINAL_TYPE (CohortChartView, cohort_chart_view, COHORT, CHART_VIEW, GtkWidget)

/*
 * CohortChartView shows one chart of src/charts ("kind", construct-only).
 *
 * Pointer: hovering an item highlights it and shows its exact values as a tooltip.
 * Keyboard (the widget is focusable): Left/Right step through the days or cells, Up/Down
 * move by a row of a grid, Home/End jump to the ends, Escape clears; the hovered item's text
 * becomes the accessible description.  Right-click or Shift+F10/Menu opens a menu with
 * "Export…", which is also the widget action "chart.export".
 */

GtkWidget       *cohort_chart_view_new             (CohortChartKind       kind);
CohortChartKind  cohort_chart_view_get_kind        (CohortChartView      *self);

/* The overview is borrowed, not copied or owned: the caller keeps it alive while it is set,
 * and calls cohort_chart_view_set_overview (self, NULL) before freeing it.  NULL shows the
 * chart's "no data" state.  Setting an overview clears the hover. */
void             cohort_chart_view_set_overview    (CohortChartView      *self,
                                                    const CohortOverview *overview);
const CohortOverview *cohort_chart_view_get_overview (CohortChartView    *self);

/* The same for any kind: the data type named by the kind in cohort-chart.h (a
 * CohortActivity, CohortRetention or CohortOverview), borrowed the same way. */
void             cohort_chart_view_set_data        (CohortChartView      *self,
                                                    gconstpointer         data);

/* Hover index in cohort_chart_hit() numbering; -1 = none.  Setting an index that names no
 * item on the current layout clears the hover. */
void             cohort_chart_view_set_hover_index (CohortChartView      *self,
                                                    int                   index);
int              cohort_chart_view_get_hover_index (CohortChartView      *self);

/* The hovered item's text (the tooltip), or NULL; owned by the widget. */
const char      *cohort_chart_view_get_hover_text  (CohortChartView      *self);

/* Opens a save dialog (PNG, SVG or PDF by the file's extension; PNG by default) and writes
 * the chart in the light palette: 1600×700 px, or 800×350 pt for SVG and PDF. */
void             cohort_chart_view_export          (CohortChartView      *self,
                                                    GtkWindow            *parent);

/* Writes the chart to path as cohort_chart_view_export() would, without any dialog. */
gboolean         cohort_chart_view_export_to_path  (CohortChartView      *self,
                                                    const char           *path,
                                                    GError              **error);

G_END_DECLS
