/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-charts"

#include "config.h"

#include <inttypes.h>
#include <math.h>

#include <glib/gi18n-lib.h>
#include <pango/pangocairo.h>

#include "cohort-chart-private.h"

/*
 * The chart kinds of the Activity & Content and Retention pages: stickiness (DAU/MAU30 per
 * day), the interaction network of the top members, and one retention curve per cohort.
 * As in cohort-chart.c, the layout depends only on the size and the data, never on the
 * font, so hit testing agrees with drawing without a style.
 */

#define PAD       12.0
#define LEGEND_H  26.0
#define AXIS_W    58.0
#define XAXIS_H   26.0
#define HIT_R     12.0    /* pointer distance that still selects a curve point */
#define LABEL_GAP 70.0    /* room for member names around the network circle */

typedef struct
{
  double x, y, w, h;      /* plot area */
} Plot;

typedef struct
{
  cairo_t                *cr;
  const CohortChartStyle *style;
  PangoLayout            *layout;
  PangoFontDescription   *font;
  PangoFontDescription   *small;
} Ctx;

/* ------------------------------------------------------------------------------------------ */
/* Helpers                                                                                     */

static void
set_color (cairo_t          *cr,
           const CohortRgba *c,
           double            alpha)
{
  cairo_set_source_rgba (cr, c->r, c->g, c->b, c->a * alpha);
}

static double
rate_value (const CohortRate *r)
{
  return r->den > 0 ? (double)r->num / (double)r->den : 0;
}

static void
ctx_init (Ctx                    *c,
          cairo_t                *cr,
          const CohortChartStyle *style)
{
  double size = style->font_size > 0 ? style->font_size : 10;

  c->cr = cr;
  c->style = style;
  c->layout = pango_cairo_create_layout (cr);
  c->font = pango_font_description_new ();
  pango_font_description_set_family (c->font, style->font_family ? style->font_family : "Sans");
  pango_font_description_set_size (c->font, (int)(size * PANGO_SCALE));
  c->small = pango_font_description_copy (c->font);
  pango_font_description_set_size (c->small, (int)(size * 0.9 * PANGO_SCALE));
}

static void
ctx_clear (Ctx *c)
{
  g_clear_object (&c->layout);
  g_clear_pointer (&c->font, pango_font_description_free);
  g_clear_pointer (&c->small, pango_font_description_free);
}

static double
text_at (Ctx                        *c,
         const PangoFontDescription *font,
         const char                 *text,
         double                      x,
         double                      y,
         double                      xalign,
         double                      yalign,
         double                      alpha)
{
  int w, h;

  pango_layout_set_font_description (c->layout, font);
  pango_layout_set_text (c->layout, text, -1);
  pango_layout_get_pixel_size (c->layout, &w, &h);
  set_color (c->cr, &c->style->foreground, alpha);
  cairo_move_to (c->cr, round (x - w * xalign), round (y - h * yalign));
  pango_cairo_show_layout (c->cr, c->layout);
  return w;
}

static double
legend_line (Ctx              *c,
             double            x,
             const CohortRgba *color,
             double            alpha,
             gboolean          dashed,
             const char       *label)
{
  double cy = round (PAD + LEGEND_H / 2);
  static const double dash[] = { 4, 3 };

  set_color (c->cr, color, alpha);
  cairo_set_line_width (c->cr, 2);
  cairo_set_dash (c->cr, dash, dashed ? 2 : 0, 0);
  cairo_move_to (c->cr, x, cy);
  cairo_line_to (c->cr, x + 14, cy);
  cairo_stroke (c->cr);
  cairo_set_dash (c->cr, NULL, 0, 0);
  x += 20;
  x += text_at (c, c->small, label, x, cy, 0, 0.5, 0.8);
  return x + 18;
}

static Plot
plot_area (double width,
           double height)
{
  Plot p;

  p.x = PAD + AXIS_W;
  p.y = PAD + LEGEND_H;
  p.w = MAX (width - p.x - PAD, 1);
  p.h = MAX (height - p.y - XAXIS_H - PAD, 1);
  return p;
}

/* Percent gridlines bottom … top in steps of step. */
static void
draw_percent_axis (Ctx        *c,
                   const Plot *p,
                   double      bottom,
                   double      top,
                   double      step)
{
  cairo_set_line_width (c->cr, 1);
  for (double v = bottom; v <= top + step / 2; v += step)
    {
      double y = round (p->y + p->h - (v - bottom) / (top - bottom) * p->h) + 0.5;
      g_autofree char *label = g_strdup_printf ("%.0f%%", v * 100);

      set_color (c->cr, &c->style->grid, 1);
      cairo_move_to (c->cr, p->x, y);
      cairo_line_to (c->cr, p->x + p->w, y);
      cairo_stroke (c->cr);
      text_at (c, c->small, label, p->x - 8, y, 1, 0.5, 0.6);
    }
}

static void
draw_message (Ctx        *c,
              double      width,
              double      height,
              const char *text)
{
  text_at (c, c->font, text, width / 2, height / 2, 0.5, 0.5, 0.55);
}

static void
draw_dot (Ctx              *c,
          double            x,
          double            y,
          double            r,
          const CohortRgba *color)
{
  cairo_arc (c->cr, x, y, r + 2, 0, 2 * G_PI);
  set_color (c->cr, &c->style->background, c->style->background.a > 0 ? 1 : 0);
  cairo_fill (c->cr);
  cairo_arc (c->cr, x, y, r, 0, 2 * G_PI);
  set_color (c->cr, color, 1);
  cairo_fill (c->cr);
}

/* ------------------------------------------------------------------------------------------ */
/* Stickiness                                                                                  */

static double
stickiness_top (const CohortActivity *a)
{
  double top = 0.1;

  for (guint i = 0; i < a->n_days; i++)
    if (a->mau30[i] > 0)
      top = MAX (top, (double)a->dau[i] / (double)a->mau30[i]);
  return MIN (ceil (top * 10 - 1e-9) / 10, 1.0);
}

static double
slot_x (const Plot *p,
        guint       n,
        guint       i)
{
  return p->x + (i + 0.5) * p->w / n;
}

static double
ratio_y (const Plot *p,
         double      top,
         double      v)
{
  return p->y + p->h - v / top * p->h;
}

static void
draw_date_labels (Ctx        *c,
                  const Plot *p,
                  int         day0,
                  guint       n)
{
  guint step = MAX (1, n / MAX (1, (guint)(p->w / 90)));

  for (guint i = 0; i < n; i += step)
    {
      g_autofree char *date = cohort_day_format (day0 + (int)i);

      /* "MM-DD": the year is in the range the page shows */
      text_at (c, c->small, date + 5, slot_x (p, n, i), p->y + p->h + 6, 0.5, 0, 0.6);
    }
}

/* DAU/MAU30 per day; a day with no 30-day actives has no ratio (§0.6): a gap, not 0 %. */
static void
draw_ratio_line (Ctx                  *c,
                 const Plot           *p,
                 const CohortActivity *a,
                 double                top)
{
  gboolean pen = FALSE;

  cairo_set_line_width (c->cr, 2);
  cairo_set_line_join (c->cr, CAIRO_LINE_JOIN_ROUND);
  set_color (c->cr, &c->style->series[0], 1);
  for (guint i = 0; i < a->n_days; i++)
    {
      double x = slot_x (p, a->n_days, i);

      if (a->mau30[i] == 0)
        {
          pen = FALSE;
          continue;
        }
      if (pen)
        cairo_line_to (c->cr, x, ratio_y (p, top, (double)a->dau[i] / a->mau30[i]));
      else
        cairo_move_to (c->cr, x, ratio_y (p, top, (double)a->dau[i] / a->mau30[i]));
      pen = TRUE;
    }
  cairo_stroke (c->cr);
}

/* The range's stickiness as a dashed level. */
static void
draw_average_line (Ctx                  *c,
                   const Plot           *p,
                   const CohortActivity *a,
                   double                top)
{
  static const double dash[] = { 4, 3 };
  double y = round (ratio_y (p, top, rate_value (&a->stickiness))) + 0.5;

  set_color (c->cr, &c->style->series[2], 1);
  cairo_set_line_width (c->cr, 2);
  cairo_set_dash (c->cr, dash, 2, 0);
  cairo_move_to (c->cr, p->x, y);
  cairo_line_to (c->cr, p->x + p->w, y);
  cairo_stroke (c->cr);
  cairo_set_dash (c->cr, NULL, 0, 0);
}

static void
draw_stickiness (Ctx                  *c,
                 double                width,
                 double                height,
                 const CohortActivity *a,
                 int                   hover)
{
  Plot p = plot_area (width, height);
  double top = stickiness_top (a);
  double x0 = legend_line (c, p.x, &c->style->series[0], 1, FALSE,
                           _("Daily active ÷ 30-day active"));

  if (a->stickiness.den > 0)
    legend_line (c, x0, &c->style->series[2], 1, TRUE, _("Average for the range"));
  draw_percent_axis (c, &p, 0, top, top / 4);
  draw_ratio_line (c, &p, a, top);
  if (a->stickiness.den > 0)
    draw_average_line (c, &p, a, top);
  draw_date_labels (c, &p, a->day0, a->n_days);

  if (hover >= 0 && (guint)hover < a->n_days)
    {
      double x = round (slot_x (&p, a->n_days, hover)) + 0.5;

      set_color (c->cr, &c->style->foreground, 0.35);
      cairo_set_line_width (c->cr, 1);
      cairo_move_to (c->cr, x, p.y);
      cairo_line_to (c->cr, x, p.y + p.h);
      cairo_stroke (c->cr);
      if (a->mau30[hover] > 0)
        draw_dot (c, x, ratio_y (&p, top, (double)a->dau[hover] / a->mau30[hover]), 4,
                  &c->style->series[0]);
    }
}

static int
hit_stickiness (double                width,
                double                height,
                const CohortActivity *a,
                double                x,
                double                y,
                char                **tooltip)
{
  Plot p = plot_area (width, height);
  guint i;
  g_autofree char *date = NULL;

  if (a->n_days == 0 || x < p.x || x >= p.x + p.w || y < p.y || y >= p.y + p.h)
    return -1;
  i = MIN ((guint)((x - p.x) / (p.w / a->n_days)), a->n_days - 1);
  if (tooltip == NULL)
    return (int)i;
  date = cohort_day_format (a->day0 + (int)i);
  if (a->mau30[i] == 0)
    /* Translators: date · nobody active in the 30 days up to it */
    *tooltip = g_strdup_printf (_("%s · nobody active in the last 30 days"), date);
  else
    /* Translators: date · daily active · 30-day active · their ratio */
    *tooltip = g_strdup_printf (_("%s · %" PRId64 " active that day of %" PRId64
                                  " in 30 days · %.1f%%"),
                                date, a->dau[i], a->mau30[i],
                                100.0 * (double)a->dau[i] / (double)a->mau30[i]);
  return (int)i;
}

/* ------------------------------------------------------------------------------------------ */
/* Network                                                                                     */

typedef struct
{
  double cx, cy, radius;
} Ring;

static Ring
network_ring (double width,
              double height)
{
  Ring ring;

  ring.cx = width / 2;
  ring.cy = PAD + (height - 2 * PAD) / 2;
  ring.radius = MAX (MIN (width / 2 - LABEL_GAP - PAD, (height - 2 * PAD) / 2 - 28), 10);
  return ring;
}

static void
node_center (const Ring *ring,
             guint       n,
             guint       i,
             double     *x,
             double     *y)
{
  double angle = -G_PI / 2 + 2 * G_PI * i / MAX (n, 1);

  *x = ring->cx + ring->radius * cos (angle);
  *y = ring->cy + ring->radius * sin (angle);
}

static gint64
max_messages (const CohortActivity *a)
{
  gint64 max = 1;

  for (guint i = 0; i < a->nodes->len; i++)
    max = MAX (max, ((CohortNetworkNode *)a->nodes->pdata[i])->messages);
  return max;
}

static double
node_radius (const CohortActivity *a,
             guint                 i,
             gint64                max)
{
  const CohortNetworkNode *node = a->nodes->pdata[i];

  return 5 + 11 * sqrt ((double)node->messages / (double)max);
}

static void
draw_network (Ctx                  *c,
              double                width,
              double                height,
              const CohortActivity *a,
              int                   hover)
{
  Ring ring = network_ring (width, height);
  guint n = a->nodes->len;
  gint64 max_w = 1, max_m = max_messages (a);

  for (guint e = 0; e < a->edges->len; e++)
    max_w = MAX (max_w, g_array_index (a->edges, CohortNetworkEdge, e).weight);

  for (guint e = 0; e < a->edges->len; e++)
    {
      const CohortNetworkEdge *edge = &g_array_index (a->edges, CohortNetworkEdge, e);
      double t = (double)edge->weight / (double)max_w;
      gboolean lit = hover >= 0 && (edge->a == (guint)hover || edge->b == (guint)hover);
      double x0, y0, x1, y1;

      node_center (&ring, n, edge->a, &x0, &y0);
      node_center (&ring, n, edge->b, &x1, &y1);
      set_color (c->cr, lit ? &c->style->series[2] : &c->style->series[0],
                 hover >= 0 && !lit ? 0.12 : 0.25 + 0.55 * t);
      cairo_set_line_width (c->cr, 1 + 5 * t);
      cairo_move_to (c->cr, x0, y0);
      /* bend each edge towards the centre so that chords do not hide one another */
      cairo_curve_to (c->cr, (x0 + ring.cx) / 2, (y0 + ring.cy) / 2,
                      (x1 + ring.cx) / 2, (y1 + ring.cy) / 2, x1, y1);
      cairo_stroke (c->cr);
    }

  for (guint i = 0; i < n; i++)
    {
      const CohortNetworkNode *node = a->nodes->pdata[i];
      double x, y, r = node_radius (a, i, max_m);
      double angle = -G_PI / 2 + 2 * G_PI * i / MAX (n, 1);
      double lx = ring.cx + (ring.radius + r + 8) * cos (angle);
      double ly = ring.cy + (ring.radius + r + 8) * sin (angle);

      node_center (&ring, n, i, &x, &y);
      draw_dot (c, x, y, r, (int)i == hover ? &c->style->series[2] : &c->style->series[0]);
      text_at (c, c->small, node->name, lx, ly, cos (angle) < -0.2 ? 1 : cos (angle) > 0.2 ? 0 : 0.5,
               sin (angle) < -0.2 ? 1 : sin (angle) > 0.2 ? 0 : 0.5,
               hover < 0 || (int)i == hover ? 0.9 : 0.5);
    }
}

static int
hit_network (double                width,
             double                height,
             const CohortActivity *a,
             double                x,
             double                y,
             char                **tooltip)
{
  Ring ring = network_ring (width, height);
  gint64 max_m = max_messages (a);

  for (guint i = 0; i < a->nodes->len; i++)
    {
      const CohortNetworkNode *node = a->nodes->pdata[i];
      double nx, ny, r = MAX (node_radius (a, i, max_m), 8) + 3;

      node_center (&ring, a->nodes->len, i, &nx, &ny);
      if ((x - nx) * (x - nx) + (y - ny) * (y - ny) > r * r)
        continue;
      if (tooltip != NULL)
        /* Translators: member name · interactions sent or received · genuine messages */
        *tooltip = g_strdup_printf (_("%s · %" PRId64 " interactions · %" PRId64
                                      " messages"),
                                    node->name, node->interactions, node->messages);
      return (int)i;
    }
  return -1;
}

/* ------------------------------------------------------------------------------------------ */
/* Retention curves                                                                            */

static int
curve_columns (const CohortRetention *r)
{
  int cols = 1;

  for (guint i = 0; i < r->n_rows; i++)
    for (int k = 0; k < r->rows[i].n_cells; k++)
      if (r->rows[i].cells[k].den > 0)
        cols = MAX (cols, k + 1);
  return cols;
}

static gboolean
curves_empty (const CohortRetention *r)
{
  for (guint i = 0; i < r->n_rows; i++)
    if (r->rows[i].size > 0 && r->rows[i].cells[0].den > 0)
      return FALSE;
  return TRUE;
}

/* The y axis starts at the quarter below the lowest share, so that curves near 90 % are
 * not squeezed against the top. */
static double
curves_bottom (const CohortRetention *r)
{
  double lo = 1;

  for (guint i = 0; i < r->n_rows; i++)
    for (int k = 0; k < r->rows[i].n_cells; k++)
      if (r->rows[i].cells[k].den > 0 && r->rows[i].size > 0)
        lo = MIN (lo, rate_value (&r->rows[i].cells[k]));
  return MIN (floor (lo * 4) / 4, 0.75);
}

static void
curve_point (const Plot *p,
             double      bottom,
             int         cols,
             int         k,
             double      v,
             double     *x,
             double     *y)
{
  *x = cols > 1 ? p->x + p->w * k / (cols - 1) : p->x + p->w / 2;
  *y = p->y + p->h - (v - bottom) / (1 - bottom) * p->h;
}

/* Older cohorts are drawn lighter, the newest in the full accent. */
static double
row_alpha (const CohortRetention *r,
           guint                  row)
{
  return r->n_rows > 1 ? 0.25 + 0.75 * row / (r->n_rows - 1) : 1;
}

static void
draw_curve (Ctx                   *c,
            const Plot            *p,
            const CohortRetention *r,
            guint                  row,
            int                    cols,
            double                 bottom,
            gboolean               lit)
{
  const CohortRetentionCohort *cohort = &r->rows[row];
  gboolean pen = FALSE;

  if (cohort->size == 0)
    return;
  set_color (c->cr, lit ? &c->style->series[2] : &c->style->accent, lit ? 1 : row_alpha (r, row));
  cairo_set_line_width (c->cr, lit ? 3 : 1.5);
  for (int k = 0; k < cohort->n_cells && k < cols; k++)
    {
      double x, y;

      if (cohort->cells[k].den == 0)
        break;
      curve_point (p, bottom, cols, k, rate_value (&cohort->cells[k]), &x, &y);
      if (pen)
        cairo_line_to (c->cr, x, y);
      else
        cairo_move_to (c->cr, x, y);
      pen = TRUE;
    }
  cairo_stroke (c->cr);

  /* a dot per point, so that a young cohort with a single period still shows */
  for (int k = 0; k < cohort->n_cells && k < cols && cohort->cells[k].den > 0; k++)
    {
      double x, y;

      curve_point (p, bottom, cols, k, rate_value (&cohort->cells[k]), &x, &y);
      cairo_arc (c->cr, x, y, lit ? 3.5 : 2.5, 0, 2 * G_PI);
      cairo_fill (c->cr);
    }
}

static void
draw_curves (Ctx                   *c,
             double                 width,
             double                 height,
             const CohortRetention *r,
             int                    hover)
{
  Plot p = plot_area (width, height);
  int cols = curve_columns (r);
  double bottom = curves_bottom (r);
  int hover_row = hover >= 0 ? hover / COHORT_RETENTION_COLUMNS : -1;
  int hover_k = hover >= 0 ? hover % COHORT_RETENTION_COLUMNS : -1;
  double x;

  x = legend_line (c, p.x, &c->style->accent, 1, FALSE, _("Newest cohort"));
  legend_line (c, x, &c->style->accent, 0.3, FALSE, _("Oldest cohort"));
  draw_percent_axis (c, &p, bottom, 1.0, bottom >= 0.5 ? 0.05 : 0.25);

  for (int k = 0; k < cols; k++)
    {
      g_autofree char *label = g_strdup_printf ("%d", k);
      double px, py;

      curve_point (&p, 0, cols, k, 0, &px, &py);
      text_at (c, c->small, label, px, p.y + p.h + 6, 0.5, 0, 0.6);
    }
  for (guint row = 0; row < r->n_rows; row++)
    if ((int)row != hover_row)
      draw_curve (c, &p, r, row, cols, bottom, FALSE);
  if (hover_row >= 0 && (guint)hover_row < r->n_rows)
    {
      const CohortRate *cell = &r->rows[hover_row].cells[hover_k];
      double px, py;

      draw_curve (c, &p, r, hover_row, cols, bottom, TRUE);
      curve_point (&p, bottom, cols, hover_k, rate_value (cell), &px, &py);
      draw_dot (c, px, py, 4, &c->style->series[2]);
    }
}

/* Whether the curves draw the point of item index (row * COLUMNS + period). */
static gboolean
curve_point_drawn (const CohortRetention *r,
                   int                    index)
{
  int row = index / COHORT_RETENTION_COLUMNS, k = index % COHORT_RETENTION_COLUMNS;

  if (index < 0 || row >= (int)r->n_rows || r->rows[row].size == 0 ||
      k >= r->rows[row].n_cells || k >= curve_columns (r))
    return FALSE;
  /* a curve stops at its first period without a share (hit_curves (), draw_curves ()) */
  for (int i = 0; i <= k; i++)
    if (r->rows[row].cells[i].den == 0)
      return FALSE;
  return TRUE;
}

static char *
curve_point_text (const CohortRetention *r,
                  int                    index)
{
  int row = index / COHORT_RETENTION_COLUMNS, k = index % COHORT_RETENTION_COLUMNS;
  const CohortRate *cell = &r->rows[row].cells[k];
  g_autofree char *label = cohort_retention_row_label (r, row);

  return r->period == COHORT_RETENTION_BY_WEEK
    /* Translators: cohort week · week index · share (numerator of denominator) */
    ? g_strdup_printf (_("Cohort %s · week %d · %.1f%% (%" PRId64 " of %" PRId64 ")"),
                       label, k, 100 * rate_value (cell), cell->num, cell->den)
    /* Translators: cohort month · month index · share (numerator of denominator) */
    : g_strdup_printf (_("Cohort %s · month %d · %.1f%% (%" PRId64 " of %" PRId64 ")"),
                       label, k, 100 * rate_value (cell), cell->num, cell->den);
}

static int
hit_curves (double                 width,
            double                 height,
            const CohortRetention *r,
            double                 x,
            double                 y,
            char                 **tooltip)
{
  Plot p = plot_area (width, height);
  int cols = curve_columns (r);
  double bottom = curves_bottom (r);
  double best = HIT_R * HIT_R;
  int found = -1;

  /* newest first, so the point drawn on top wins a tie */
  for (int row = (int)r->n_rows - 1; row >= 0; row--)
    for (int k = 0; k < r->rows[row].n_cells && k < cols; k++)
      {
        const CohortRate *cell = &r->rows[row].cells[k];
        double px, py, d;

        if (cell->den == 0 || r->rows[row].size == 0)
          break;
        curve_point (&p, bottom, cols, k, rate_value (cell), &px, &py);
        d = (x - px) * (x - px) + (y - py) * (y - py);
        if (d < best)
          {
            best = d;
            found = row * COHORT_RETENTION_COLUMNS + k;
          }
      }

  if (found >= 0 && tooltip != NULL)
    *tooltip = curve_point_text (r, found);
  return found;
}

/* ------------------------------------------------------------------------------------------ */
/* Dispatch                                                                                    */

static gboolean
is_empty (CohortChartKind kind,
          gconstpointer   data)
{
  const CohortActivity *a = data;

  if (data == NULL)
    return TRUE;
  switch (kind)
    {
    case COHORT_CHART_STICKINESS:
      return a->n_days == 0 || a->stickiness.num == 0;
    case COHORT_CHART_NETWORK:
      return a->nodes->len == 0;
    case COHORT_CHART_CURVES:
      return curves_empty (data);
    default:
      return TRUE;
    }
}

static const char *
empty_text (CohortChartKind kind)
{
  switch (kind)
    {
    case COHORT_CHART_NETWORK:
      return _("No interactions in this range");
    case COHORT_CHART_CURVES:
      return _("No cohorts with a completed period yet");
    default:
      return _("No data for this range");
    }
}

void
_cohort_chart_activity_draw (CohortChartKind         kind,
                             cairo_t                *cr,
                             double                  width,
                             double                  height,
                             gconstpointer           data,
                             const CohortChartStyle *style,
                             int                     hover_index)
{
  Ctx c = { 0 };

  cairo_save (cr);
  if (style->background.a > 0)
    {
      set_color (cr, &style->background, 1);
      cairo_rectangle (cr, 0, 0, width, height);
      cairo_fill (cr);
    }
  ctx_init (&c, cr, style);
  if (is_empty (kind, data))
    draw_message (&c, width, height, empty_text (kind));
  else if (kind == COHORT_CHART_STICKINESS)
    draw_stickiness (&c, width, height, data, hover_index);
  else if (kind == COHORT_CHART_NETWORK)
    draw_network (&c, width, height, data, hover_index);
  else
    draw_curves (&c, width, height, data, hover_index);
  ctx_clear (&c);
  cairo_restore (cr);
}

int
_cohort_chart_activity_hit (CohortChartKind   kind,
                            double            width,
                            double            height,
                            gconstpointer     data,
                            double            x,
                            double            y,
                            char            **tooltip)
{
  int index = -1;

  if (tooltip != NULL)
    *tooltip = NULL;
  if (is_empty (kind, data))
    return -1;
  if (kind == COHORT_CHART_STICKINESS)
    index = hit_stickiness (width, height, data, x, y, tooltip);
  else if (kind == COHORT_CHART_NETWORK)
    index = hit_network (width, height, data, x, y, tooltip);
  else
    index = hit_curves (width, height, data, x, y, tooltip);
  return index;
}

char *
_cohort_chart_activity_describe (CohortChartKind kind,
                                 gconstpointer   data)
{
  const CohortActivity *a = data;
  const CohortRetention *r = data;

  if (is_empty (kind, data))
    return g_strdup_printf ("%s: %s", cohort_chart_kind_title (kind), empty_text (kind));
  switch (kind)
    {
    case COHORT_CHART_STICKINESS:
      return g_strdup_printf (_("On an average day %.1f%% of the range's active members posted."),
                              100 * rate_value (&a->stickiness));
    case COHORT_CHART_NETWORK:
      return g_strdup_printf (_("%u members with the most interactions; %u links between them."),
                              a->nodes->len, a->edges->len);
    case COHORT_CHART_CURVES:
    default:
      return g_strdup_printf (_("Retention curves of %u cohorts."), r->n_rows);
    }
}

int
cohort_chart_item_count (CohortChartKind kind,
                         gconstpointer   data)
{
  const CohortOverview *ov = data;
  const CohortActivity *a = data;
  const CohortRetention *r = data;

  if (data == NULL)
    return 0;
  switch (kind)
    {
    case COHORT_CHART_HEATMAP:
      return 7 * 24;
    case COHORT_CHART_RETENTION:
      return (int)ov->n_cohorts * COHORT_RETENTION_MAX_WEEKS;
    case COHORT_CHART_STICKINESS:
      return (int)a->n_days;
    case COHORT_CHART_NETWORK:
      return (int)a->nodes->len;
    case COHORT_CHART_CURVES:
      return (int)r->n_rows * COHORT_RETENTION_COLUMNS;
    case COHORT_CHART_GROWTH:
    case COHORT_CHART_ACTIVITY:
    default:
      return (int)ov->n_days;
    }
}

char *
cohort_chart_covered_item_tooltip (CohortChartKind kind,
                                   gconstpointer   data,
                                   int             index)
{
  if (kind != COHORT_CHART_CURVES || is_empty (kind, data) || !curve_point_drawn (data, index))
    return NULL;
  return curve_point_text (data, index);
}

int
cohort_chart_row_stride (CohortChartKind kind)
{
  switch (kind)
    {
    case COHORT_CHART_HEATMAP:
      return 24;
    case COHORT_CHART_RETENTION:
      return COHORT_RETENTION_MAX_WEEKS;
    case COHORT_CHART_CURVES:
      return COHORT_RETENTION_COLUMNS;
    default:
      return 0;
    }
}
