/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "cohort-activity.h"
#include "cohort-overview.h"
#include "cohort-retention.h"

G_BEGIN_DECLS

/*
 * Chart renderers for the Overview page: pure cairo + pango, no GTK, so that the same code
 * draws on screen (from gtk_snapshot_append_cairo()) and into PNG/PDF/SVG files for the CLI.
 *
 * Coordinates are in user units: pixels on screen and in PNG, points in PDF and SVG.
 * Layout does not depend on the font, so cohort_chart_hit() needs no style and always agrees
 * with cohort_chart_draw() for the same width and height.
 */

typedef enum
{
  COHORT_CHART_GROWTH,     /* members line over joins/leaves bars */
  COHORT_CHART_ACTIVITY,   /* DAU bars, WAU7 and MAU30 lines */
  COHORT_CHART_HEATMAP,    /* weekday × hour posting heatmap with core/supplementary hours */
  COHORT_CHART_RETENTION,  /* weekly join-cohort triangle */
  /* cohort-chart-activity.c: data is a CohortActivity or a CohortRetention */
  COHORT_CHART_STICKINESS, /* DAU/MAU30 line with DAU bars (CohortActivity) */
  COHORT_CHART_NETWORK,    /* interaction graph of the top members (CohortActivity) */
  COHORT_CHART_CURVES,     /* one retention curve per cohort (CohortRetention) */
} CohortChartKind;

/* The Overview's kinds come first: COHORT_CHART_N_KINDS counts them (the Overview page and
 * its tests iterate over them); COHORT_CHART_N_ALL_KINDS counts every kind. */
#define COHORT_CHART_N_KINDS 4
#define COHORT_CHART_N_ALL_KINDS 7

typedef struct
{
  double r, g, b, a;
} CohortRgba;

typedef struct
{
  CohortRgba  foreground;  /* text; axis labels use it dimmed */
  CohortRgba  background;  /* painted first unless a == 0 (e.g. when a card already has it) */
  CohortRgba  grid;        /* gridlines, usually foreground at low alpha */
  CohortRgba  accent;      /* main series, high end of the heatmap/retention ramps, core hours */
  CohortRgba  series[4];   /* blue, green, orange, purple */
  CohortRgba  negative;    /* leaves */
  gboolean    dark;
  const char *font_family; /* NULL = "Sans" */
  double      font_size;   /* points; <= 0 = 10 */
} CohortChartStyle;

/* Adwaita palette: blue #3584e4, green #2ec27e, orange #ff7800, purple #9141ac, red #e01b24
 * in light mode, their lighter shades in dark mode; view background white / #1e1e1e. */
void         cohort_chart_style_init_default (CohortChartStyle       *style,
                                              gboolean                dark);

/* hover_index: -1 for none; a day index for GROWTH, ACTIVITY and STICKINESS, wd * 24 + hour
 * for HEATMAP, row * COHORT_RETENTION_MAX_WEEKS + week for RETENTION, a node for NETWORK,
 * row * COHORT_RETENTION_COLUMNS + period for CURVES.
 * overview is the kind's data: a CohortOverview for the Overview kinds, a CohortActivity or
 * CohortRetention for the others (see the enum); NULL means no data. */
void         cohort_chart_draw               (CohortChartKind         kind,
                                              cairo_t                *cr,
                                              double                  width,
                                              double                  height,
                                              gconstpointer           overview,
                                              const CohortChartStyle *style,
                                              int                     hover_index);

/* Returns the item index under (x, y) in the same numbering as hover_index, or -1.  When
 * tooltip is not NULL it receives a translated text with exact values (or NULL on -1). */
int          cohort_chart_hit                (CohortChartKind         kind,
                                              double                  width,
                                              double                  height,
                                              gconstpointer           overview,
                                              double                  x,
                                              double                  y,
                                              char                  **tooltip);

/* File export: background and a title band are always drawn.  PDF/SVG sizes are points. */
gboolean     cohort_chart_write_png          (CohortChartKind         kind,
                                              gconstpointer           overview,
                                              const CohortChartStyle *style,
                                              int                     width,
                                              int                     height,
                                              const char             *path,
                                              GError                **error);
gboolean     cohort_chart_write_pdf          (CohortChartKind         kind,
                                              gconstpointer           overview,
                                              const CohortChartStyle *style,
                                              int                     width,
                                              int                     height,
                                              const char             *path,
                                              GError                **error);
gboolean     cohort_chart_write_svg          (CohortChartKind         kind,
                                              gconstpointer           overview,
                                              const CohortChartStyle *style,
                                              int                     width,
                                              int                     height,
                                              const char             *path,
                                              GError                **error);

/* Items of the kind's data in hover_index numbering (some may be off the layout), and the
 * items per row of a grid (0 for a line chart or a graph). */
int          cohort_chart_item_count         (CohortChartKind         kind,
                                              gconstpointer           overview);
int          cohort_chart_row_stride         (CohortChartKind         kind);
/* The tooltip of an item that another is drawn over, so that no point finds it with
 * cohort_chart_hit (): two retention curves through the same share.  NULL for an item that
 * is not drawn, and for the kinds whose items never cover each other. */
char        *cohort_chart_covered_item_tooltip (CohortChartKind       kind,
                                                gconstpointer         overview,
                                                int                   index);

/* Translated title, e.g. "Member Growth". */
const char  *cohort_chart_kind_title         (CohortChartKind         kind);

/* Translated one-sentence summary for accessibility (the chart's accessible description). */
char        *cohort_chart_describe           (CohortChartKind         kind,
                                              gconstpointer           overview);

/* Parses "growth" / "overview-growth", "activity", "heatmap", "retention" (CLI names). */
gboolean     cohort_chart_kind_from_string   (const char             *name,
                                              CohortChartKind        *kind);

G_END_DECLS
