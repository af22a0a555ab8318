/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-charts"

#include "config.h"

#include <locale.h>
#include <math.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <pango/pangocairo.h>

#include "cohort-chart.h"
#include "cohort-chart-private.h"

/*
 * Layout constants in user units.  They are deliberately independent of the font so that
 * hit testing (which has no style) and drawing share one layout computation.
 */
#define PAD          12.0   /* outer padding */
#define LEGEND_H     26.0   /* legend row above the plot */
#define AXIS_W       58.0   /* room for y-axis labels */
#define XAXIS_H      26.0   /* room for x-axis labels */
#define PANEL_GAP    26.0   /* between the members and the joins/leaves panels */
#define WEEKDAY_W    44.0   /* heatmap row labels */
#define HOURS_H      42.0   /* heatmap hour labels + slot markers */
#define COHORT_W     190.0  /* retention row labels */
#define WEEKS_H      24.0   /* retention column headers */
#define CELL_GAP     2.0
#define TITLE_H      40.0   /* title band of exported files */

typedef struct
{
  gboolean empty;
  double   x, y, w, h;      /* plot area */

  /* GROWTH and ACTIVITY: one slot per day */
  guint    n;
  double   slot;
  double   top_y, top_h;    /* GROWTH: members panel */
  double   bot_y, bot_h;    /* GROWTH: joins/leaves panel */

  /* HEATMAP and RETENTION: a grid of cells */
  int      rows, cols;
  double   cell_w, cell_h;
} ChartLayout;

typedef struct
{
  cairo_t                *cr;
  const CohortChartStyle *style;
  PangoLayout            *layout;
  PangoFontDescription   *font;
  PangoFontDescription   *small;
  PangoFontDescription   *bold;
} Ctx;

typedef struct
{
  double min, max, step;
} Scale;

/* ------------------------------------------------------------------------------------------ */
/* Small helpers                                                                              */

static double
crisp (double v)
{
  /* A 1-px line centred on a half pixel covers exactly one row of pixels. */
  return floor (v) + 0.5;
}

static void
set_color (cairo_t *cr, const CohortRgba *c, double alpha)
{
  cairo_set_source_rgba (cr, c->r, c->g, c->b, c->a * alpha);
}

static CohortRgba
rgba_hex (guint32 hex, double a)
{
  CohortRgba c = { ((hex >> 16) & 0xff) / 255.0, ((hex >> 8) & 0xff) / 255.0,
                   (hex & 0xff) / 255.0, a };
  return c;
}

/* Thousands grouping: the locale's separator, or "," where the locale has none (C). */
static char *
format_count (gint64 value)
{
  const char *sep = localeconv ()->thousands_sep;
  g_autofree char *digits = g_strdup_printf ("%" G_GUINT64_FORMAT,
                                             (guint64) (value < 0 ? -value : value));
  GString *out = g_string_new (value < 0 ? "−" : "");
  size_t len = strlen (digits);

  if (sep == NULL || *sep == '\0')
    sep = ",";
  for (size_t i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append (out, sep);
      g_string_append_c (out, digits[i]);
    }
  return g_string_free (out, FALSE);
}

static const char *
weekday_short (int wd)
{
  switch (wd)
    {
    case 0: return C_("weekday", "Mon");
    case 1: return C_("weekday", "Tue");
    case 2: return C_("weekday", "Wed");
    case 3: return C_("weekday", "Thu");
    case 4: return C_("weekday", "Fri");
    case 5: return C_("weekday", "Sat");
    default: return C_("weekday", "Sun");
    }
}

static char *
format_month_day (int day)
{
  int y, m, d;

  cohort_day_to_ymd (day, &y, &m, &d);
  return g_strdup_printf ("%02d-%02d", m, d);
}

static char *
format_year_month (int day)
{
  int y, m, d;

  cohort_day_to_ymd (day, &y, &m, &d);
  return g_strdup_printf ("%04d-%02d", y, m);
}

static Scale
nice_scale (double lo, double hi, int ticks)
{
  Scale s;
  double raw, mag, f;

  if (hi <= lo)
    hi = lo + 1;
  raw = (hi - lo) / MAX (ticks, 1);
  mag = pow (10, floor (log10 (raw)));
  f = raw / mag;
  s.step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * mag;
  /* Counts are integers: a step of 0.5 members would print duplicate labels. */
  if (s.step < 1)
    s.step = 1;
  s.min = floor (lo / s.step) * s.step;
  s.max = ceil (hi / s.step) * s.step;
  if (s.max <= s.min)
    s.max = s.min + s.step;
  return s;
}

static double
scale_y (const Scale *s, double v, double top, double h)
{
  return top + h - (v - s->min) / (s->max - s->min) * h;
}

static gint64
series_max (const gint64 *v, guint n)
{
  gint64 m = 0;

  for (guint i = 0; v != NULL && i < n; i++)
    m = MAX (m, v[i]);
  return m;
}

static gint64
series_min (const gint64 *v, guint n)
{
  gint64 m = n > 0 && v != NULL ? v[0] : 0;

  for (guint i = 0; v != NULL && i < n; i++)
    m = MIN (m, v[i]);
  return m;
}

static gboolean
heatmap_is_empty (const CohortOverview *ov)
{
  for (int wd = 0; wd < 7; wd++)
    for (int h = 0; h < 24; h++)
      if (ov->heatmap[wd][h] > 0)
        return FALSE;
  return TRUE;
}

static double
heatmap_max (const CohortOverview *ov, int *max_wd, int *max_h)
{
  double m = 0;

  for (int wd = 0; wd < 7; wd++)
    for (int h = 0; h < 24; h++)
      if (ov->heatmap[wd][h] > m)
        {
          m = ov->heatmap[wd][h];
          if (max_wd != NULL)
            *max_wd = wd;
          if (max_h != NULL)
            *max_h = h;
        }
  return m;
}

/* ------------------------------------------------------------------------------------------ */
/* Layout: the one computation shared by drawing and hit testing                              */

static void
layout_series (ChartLayout *l, double width, double height, const CohortOverview *ov,
               gboolean two_panels)
{
  l->empty = ov == NULL || ov->n_days == 0 || ov->members == NULL;
  l->x = PAD + AXIS_W;
  l->y = PAD + LEGEND_H + 8;
  l->w = MAX (width - l->x - PAD - 8, 1);
  l->h = MAX (height - l->y - PAD - XAXIS_H, 1);
  l->n = l->empty ? 0 : ov->n_days;
  l->slot = l->n > 0 ? l->w / l->n : l->w;

  /* Members get most of the height; the flow panel is a calm strip below it. */
  l->top_y = l->y;
  l->top_h = two_panels ? floor ((l->h - PANEL_GAP) * 0.62) : l->h;
  l->bot_y = l->top_y + l->top_h + PANEL_GAP;
  l->bot_h = two_panels ? l->y + l->h - l->bot_y : 0;
}

static void
layout_heatmap (ChartLayout *l, double width, double height, const CohortOverview *ov)
{
  double avail_h;

  l->empty = ov == NULL || heatmap_is_empty (ov);
  l->rows = 7;
  l->cols = 24;
  l->x = PAD + WEEKDAY_W;
  l->y = PAD + LEGEND_H + 8;
  l->w = MAX (width - l->x - PAD, 24);
  avail_h = MAX (height - l->y - PAD - HOURS_H, 7);
  l->cell_w = l->w / 24;
  /* Cells no taller than 1.2× their width: tall slabs read as bars, not as a calendar. */
  l->cell_h = MIN (avail_h / 7, l->cell_w * 1.2);
  l->h = l->cell_h * 7;
}

static void
layout_retention (ChartLayout *l, double width, double height, const CohortOverview *ov)
{
  l->empty = ov == NULL || ov->n_cohorts == 0 || ov->cohorts == NULL;
  l->rows = l->empty ? 0 : (int) ov->n_cohorts;
  l->cols = 1;
  for (int i = 0; i < l->rows; i++)
    l->cols = MAX (l->cols, MIN (ov->cohorts[i].n_cells, COHORT_RETENTION_MAX_WEEKS));
  l->x = PAD + COHORT_W;
  l->y = PAD + LEGEND_H + WEEKS_H;
  l->w = MAX (width - l->x - PAD, 1);
  l->cell_w = MIN (l->w / l->cols, 96);
  l->w = l->cell_w * l->cols;
  l->cell_h = l->rows > 0 ? MIN ((height - l->y - PAD) / l->rows, 30) : 30;
  l->cell_h = MAX (l->cell_h, 1);
  l->h = l->cell_h * l->rows;
}

static void
chart_layout (CohortChartKind kind, double width, double height, const CohortOverview *ov,
              ChartLayout *l)
{
  memset (l, 0, sizeof *l);
  switch (kind)
    {
    case COHORT_CHART_GROWTH:
      layout_series (l, width, height, ov, TRUE);
      break;
    case COHORT_CHART_ACTIVITY:
      layout_series (l, width, height, ov, FALSE);
      if (!l->empty && (ov->dau == NULL || ov->wau7 == NULL || ov->mau30 == NULL))
        l->empty = TRUE;
      break;
    case COHORT_CHART_HEATMAP:
      layout_heatmap (l, width, height, ov);
      break;
    case COHORT_CHART_RETENTION:
    default:
      layout_retention (l, width, height, ov);
      break;
    }
}

static double
slot_center (const ChartLayout *l, guint i)
{
  return l->x + (i + 0.5) * l->slot;
}

/* ------------------------------------------------------------------------------------------ */
/* Text                                                                                       */

static void
ctx_init (Ctx *c, cairo_t *cr, const CohortChartStyle *style)
{
  double size = style->font_size > 0 ? style->font_size : 10;
  cairo_font_options_t *options = cairo_font_options_create ();

  c->cr = cr;
  c->style = style;
  c->layout = pango_cairo_create_layout (cr);
  /* Metric-exact glyph positions keep labels identical on screen and in PDF. */
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  pango_cairo_context_set_font_options (pango_layout_get_context (c->layout), options);
  cairo_font_options_destroy (options);
  pango_layout_context_changed (c->layout);

  c->font = pango_font_description_new ();
  pango_font_description_set_family (c->font, style->font_family ? style->font_family : "Sans");
  pango_font_description_set_size (c->font, (int) (size * PANGO_SCALE));
  c->small = pango_font_description_copy (c->font);
  pango_font_description_set_size (c->small, (int) (size * 0.9 * PANGO_SCALE));
  c->bold = pango_font_description_copy (c->font);
  pango_font_description_set_weight (c->bold, PANGO_WEIGHT_BOLD);

  {
    /* Tabular figures so that axis numbers line up. */
    PangoAttrList *attrs = pango_attr_list_new ();
    pango_attr_list_insert (attrs, pango_attr_font_features_new ("tnum=1"));
    pango_layout_set_attributes (c->layout, attrs);
    pango_attr_list_unref (attrs);
  }
}

static void
ctx_clear (Ctx *c)
{
  g_clear_object (&c->layout);
  g_clear_pointer (&c->font, pango_font_description_free);
  g_clear_pointer (&c->small, pango_font_description_free);
  g_clear_pointer (&c->bold, pango_font_description_free);
}

static void
text_size (Ctx *c, const PangoFontDescription *font, const char *text, int *w, int *h)
{
  pango_layout_set_font_description (c->layout, font);
  pango_layout_set_text (c->layout, text, -1);
  pango_layout_get_pixel_size (c->layout, w, h);
}

/* Draws text with its (xalign, yalign) point at (x, y); returns the text width. */
static double
text_at (Ctx *c, const PangoFontDescription *font, const char *text, double x, double y,
         double xalign, double yalign, const CohortRgba *color, double alpha)
{
  int w, h;

  text_size (c, font, text, &w, &h);
  set_color (c->cr, color, alpha);
  cairo_move_to (c->cr, round (x - w * xalign), round (y - h * yalign));
  pango_cairo_show_layout (c->cr, c->layout);
  return w;
}

static void
draw_message (Ctx *c, double width, double height, const char *text)
{
  text_at (c, c->font, text, width / 2, height / 2, 0.5, 0.5, &c->style->foreground, 0.55);
}

/* ------------------------------------------------------------------------------------------ */
/* Legend                                                                                     */

typedef enum
{
  LEGEND_LINE,
  LEGEND_BAR,
  LEGEND_MARKER,
} LegendShape;

typedef struct
{
  LegendShape       shape;
  const CohortRgba *color;
  double            alpha;
  const char       *label;
} LegendItem;

#define LEGEND_SWATCH 20.0   /* the shape and the gap after it */
#define LEGEND_GAP    18.0   /* between entries */

static double
legend_item_width (Ctx *c, const LegendItem *item)
{
  int w, h;

  text_size (c, c->small, item->label, &w, &h);
  return LEGEND_SWATCH + w;
}

/* Draws one legend entry with its left edge at x and its middle at cy. */
static void
legend_item (Ctx *c, double x, double cy, const LegendItem *item)
{
  cairo_t *cr = c->cr;

  set_color (cr, item->color, item->alpha);
  switch (item->shape)
    {
    case LEGEND_LINE:
      cairo_set_line_width (cr, 2);
      cairo_move_to (cr, x, round (cy));
      cairo_line_to (cr, x + 14, round (cy));
      cairo_stroke (cr);
      break;
    case LEGEND_BAR:
      cairo_rectangle (cr, x + 2, round (cy) - 5, 10, 10);
      cairo_fill (cr);
      break;
    case LEGEND_MARKER:
      cairo_rectangle (cr, x, round (cy) - 2, 14, 4);
      cairo_fill (cr);
      break;
    }
  text_at (c, c->small, item->label, x + LEGEND_SWATCH, cy, 0, 0.5, &c->style->foreground, 0.8);
}

/* The legend band above the plot, from x0 to right.  When the entries do not fit there they
 * start further left, over the axis labels; when they still do not fit (a narrow card, a
 * longer translation) they wrap onto a second line within the same band instead of running
 * off the chart. */
static void
draw_legend (Ctx *c, double x0, double right, const LegendItem *items, guint n)
{
  double total = 0, x = x0, cy;
  gboolean wrap;

  for (guint i = 0; i < n; i++)
    total += legend_item_width (c, &items[i]) + (i > 0 ? LEGEND_GAP : 0);
  /* over the plot first; then from the card's edge, over the axis labels; then two lines */
  if (total > right - x0 && total <= right - PAD)
    x0 = x = PAD;
  wrap = total > right - x0;
  cy = wrap ? PAD + LEGEND_H / 4 : PAD + LEGEND_H / 2;
  for (guint i = 0; i < n; i++)
    {
      double w = legend_item_width (c, &items[i]);

      if (wrap && x > x0 && x + w > right)
        {
          x = x0;
          cy = PAD + LEGEND_H * 3 / 4;
        }
      legend_item (c, x, cy, &items[i]);
      x += w + LEGEND_GAP;
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Axes                                                                                       */

static void
draw_hline (cairo_t *cr, double x0, double x1, double y)
{
  cairo_move_to (cr, x0, crisp (y));
  cairo_line_to (cr, x1, crisp (y));
  cairo_stroke (cr);
}

/* Horizontal gridlines with right-aligned labels left of the plot. */
static void
draw_y_axis (Ctx *c, const ChartLayout *l, const Scale *s, double top, double h)
{
  cairo_set_line_width (c->cr, 1);
  for (double v = s->min; v <= s->max + s->step / 2; v += s->step)
    {
      double y = scale_y (s, v, top, h);
      g_autofree char *label = format_count ((gint64) llround (v));

      set_color (c->cr, &c->style->grid, 1);
      draw_hline (c->cr, l->x, l->x + l->w, y);
      text_at (c, c->small, label, l->x - 8, y, 1, 0.5, &c->style->foreground, 0.6);
    }
}

static gboolean
is_date_tick (int day, guint i, guint n, int step_days, int step_months, int week_start)
{
  /* the community's weeks: Monday (ISO) or Sunday; 1970-01-01 was a Thursday */
  gboolean sunday = week_start == 7;
  int y, m, d;

  if (step_months > 0)
    {
      cohort_day_to_ymd (day, &y, &m, &d);
      return d == 1 && (y * 12 + m - 1) % step_months == 0;
    }
  if (step_days >= 7)
    /* Weekly ticks fall on the first day of the community's weeks. */
    return cohort_day_weekday (day) == (sunday ? 6 : 0) &&
           ((day + (sunday ? 4 : 3)) / 7) % (step_days / 7) == 0;
  return (n - 1 - i) % (guint) step_days == 0;   /* always label the last day */
}

static void
choose_date_step (guint n, double plot_w, int *step_days, int *step_months)
{
  static const int day_steps[] = { 1, 2, 3, 7, 14, 28 };
  static const int month_steps[] = { 1, 2, 3, 6, 12, 24, 60 };
  guint max_labels = (guint) MAX (2, plot_w / 64);

  *step_days = 0;
  *step_months = 0;
  if (n <= 120)
    for (guint i = 0; i < G_N_ELEMENTS (day_steps); i++)
      if ((n + day_steps[i] - 1) / day_steps[i] <= max_labels || day_steps[i] == 28)
        {
          *step_days = day_steps[i];
          return;
        }
  for (guint i = 0; i < G_N_ELEMENTS (month_steps); i++)
    if (n / (30.4 * month_steps[i]) <= max_labels - 1 || month_steps[i] == 60)
      {
        *step_months = month_steps[i];
        return;
      }
}

static void
draw_date_axis (Ctx *c, const ChartLayout *l, int day0, int week_start)
{
  int step_days, step_months;
  double last_right = -G_MAXDOUBLE;
  double base = l->y + l->h;

  choose_date_step (l->n, l->w, &step_days, &step_months);
  for (guint i = 0; i < l->n; i++)
    {
      int day = day0 + (int) i;
      double x = slot_center (l, i);
      g_autofree char *label = NULL;
      int w, h;

      if (!is_date_tick (day, i, l->n, step_days, step_months, week_start))
        continue;
      label = step_months > 0 ? format_year_month (day) : format_month_day (day);
      text_size (c, c->small, label, &w, &h);
      /* Keep labels inside the plot's horizontal extent and never overlapping. */
      x = CLAMP (x, l->x - AXIS_W + 4 + w / 2.0, l->x + l->w + 8 - w / 2.0);
      if (x - w / 2.0 < last_right + 8)
        continue;
      last_right = x + w / 2.0;

      set_color (c->cr, &c->style->grid, 2.5);
      cairo_rectangle (c->cr, floor (slot_center (l, i)), base, 1, 4);
      cairo_fill (c->cr);
      text_at (c, c->small, label, x, base + 7, 0.5, 0, &c->style->foreground, 0.6);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Series primitives                                                                          */

static void
draw_line_series (cairo_t *cr, const ChartLayout *l, const gint64 *v, const Scale *s,
                  double top, double h, const CohortRgba *color)
{
  cairo_new_path (cr);
  for (guint i = 0; i < l->n; i++)
    cairo_line_to (cr, slot_center (l, i), scale_y (s, v[i], top, h));
  if (l->n == 1)
    cairo_rel_line_to (cr, 0.01, 0);
  set_color (cr, color, 1);
  cairo_set_line_width (cr, 2);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_stroke (cr);
}

/* A soft fill under the members line gives the panel weight without extra ink. */
static void
draw_area_under (cairo_t *cr, const ChartLayout *l, const gint64 *v, const Scale *s,
                 double top, double h, const CohortRgba *color)
{
  cairo_pattern_t *grad;

  if (l->n < 2)
    return;
  cairo_new_path (cr);
  cairo_move_to (cr, slot_center (l, 0), top + h);
  for (guint i = 0; i < l->n; i++)
    cairo_line_to (cr, slot_center (l, i), scale_y (s, v[i], top, h));
  cairo_line_to (cr, slot_center (l, l->n - 1), top + h);
  cairo_close_path (cr);
  grad = cairo_pattern_create_linear (0, top, 0, top + h);
  cairo_pattern_add_color_stop_rgba (grad, 0, color->r, color->g, color->b, 0.22);
  cairo_pattern_add_color_stop_rgba (grad, 1, color->r, color->g, color->b, 0.02);
  cairo_set_source (cr, grad);
  cairo_fill (cr);
  cairo_pattern_destroy (grad);
}

/* Bar from value 0 to v; pixel-snapped so that thin bars stay sharp. */
static void
bar_rect (cairo_t *cr, const ChartLayout *l, guint i, double y0, double y1)
{
  double bw = l->slot >= 4 ? MAX (1, floor (l->slot * 0.6)) : MAX (1, l->slot);
  double x = round (slot_center (l, i) - bw / 2);
  double top = round (MIN (y0, y1));
  double bottom = round (MAX (y0, y1));

  if (bottom - top < 1 && y0 != y1)
    bottom = top + 1;   /* a value of 1 stays visible */
  cairo_rectangle (cr, x, top, MAX (1, round (bw)), bottom - top);
}

static void
draw_dot (Ctx *c, double x, double y, const CohortRgba *color)
{
  cairo_t *cr = c->cr;

  cairo_new_path (cr);
  cairo_arc (cr, x, y, 4.5, 0, 2 * G_PI);
  if (c->style->background.a > 0)
    set_color (cr, &c->style->background, 1);
  else
    cairo_set_source_rgb (cr, c->style->dark ? 0.12 : 1, c->style->dark ? 0.12 : 1,
                          c->style->dark ? 0.12 : 1);
  cairo_fill_preserve (cr);
  set_color (cr, color, 1);
  cairo_set_line_width (cr, 2);
  cairo_stroke (cr);
}

static void
draw_hover_guide (Ctx *c, const ChartLayout *l, int index)
{
  double x = crisp (slot_center (l, (guint) index));

  set_color (c->cr, &c->style->foreground, 0.35);
  cairo_set_line_width (c->cr, 1);
  cairo_move_to (c->cr, x, l->y);
  cairo_line_to (c->cr, x, l->y + l->h);
  cairo_stroke (c->cr);
}

/* ------------------------------------------------------------------------------------------ */
/* GROWTH                                                                                     */

static void
draw_growth (Ctx *c, const ChartLayout *l, const CohortOverview *ov, int hover)
{
  const CohortChartStyle *st = c->style;
  cairo_t *cr = c->cr;
  int ticks = (int) CLAMP (l->top_h / 44, 2, 6);
  Scale ms = nice_scale (series_min (ov->members, l->n), series_max (ov->members, l->n), ticks);
  gint64 flow_max = MAX (series_max (ov->day_joins, l->n), series_max (ov->day_leaves, l->n));
  Scale fs = nice_scale (0, MAX (flow_max, 1), 2);
  double zero = l->bot_y + l->bot_h / 2;
  const LegendItem legend[] = {
    { LEGEND_LINE, &st->accent, 1, _("Members") },
    { LEGEND_BAR, &st->series[1], 1, _("Joins") },
    { LEGEND_BAR, &st->negative, 1, _("Leaves") },
  };

  draw_legend (c, l->x, l->x + l->w + 8, legend, G_N_ELEMENTS (legend));

  draw_y_axis (c, l, &ms, l->top_y, l->top_h);

  /* Flow panel: joins rise above a zero line, leaves hang below it, on one symmetric scale
   * so that a day's net change reads directly. */
  {
    g_autofree char *top_label = format_count ((gint64) fs.max);

    set_color (cr, &st->grid, 1);
    cairo_set_line_width (cr, 1);
    draw_hline (cr, l->x, l->x + l->w, l->bot_y);
    draw_hline (cr, l->x, l->x + l->w, l->bot_y + l->bot_h);
    text_at (c, c->small, top_label, l->x - 8, l->bot_y, 1, 0.5, &st->foreground, 0.6);
    text_at (c, c->small, top_label, l->x - 8, l->bot_y + l->bot_h, 1, 0.5, &st->foreground, 0.6);
    text_at (c, c->small, "0", l->x - 8, zero, 1, 0.5, &st->foreground, 0.6);
  }
  cairo_new_path (cr);
  for (guint i = 0; ov->day_joins != NULL && i < l->n; i++)
    if (ov->day_joins[i] > 0)
      bar_rect (cr, l, i, zero, zero - ov->day_joins[i] / fs.max * (l->bot_h / 2));
  set_color (cr, &st->series[1], 1);
  cairo_fill (cr);
  for (guint i = 0; ov->day_leaves != NULL && i < l->n; i++)
    if (ov->day_leaves[i] > 0)
      bar_rect (cr, l, i, zero, zero + ov->day_leaves[i] / fs.max * (l->bot_h / 2));
  set_color (cr, &st->negative, 1);
  cairo_fill (cr);
  set_color (cr, &st->foreground, 0.3);
  draw_hline (cr, l->x, l->x + l->w, zero);

  draw_area_under (cr, l, ov->members, &ms, l->top_y, l->top_h, &st->accent);
  draw_line_series (cr, l, ov->members, &ms, l->top_y, l->top_h, &st->accent);
  draw_date_axis (c, l, ov->day0, ov->week_start);

  if (hover >= 0 && (guint) hover < l->n)
    {
      draw_hover_guide (c, l, hover);
      draw_dot (c, slot_center (l, hover), scale_y (&ms, ov->members[hover], l->top_y, l->top_h),
                &st->accent);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* ACTIVITY                                                                                   */

static void
draw_activity (Ctx *c, const ChartLayout *l, const CohortOverview *ov, int hover)
{
  const CohortChartStyle *st = c->style;
  cairo_t *cr = c->cr;
  gint64 top = MAX (series_max (ov->dau, l->n),
                    MAX (series_max (ov->wau7, l->n), series_max (ov->mau30, l->n)));
  Scale s = nice_scale (0, MAX (top, 1), (int) CLAMP (l->h / 50, 2, 6));
  const LegendItem legend[] = {
    { LEGEND_BAR, &st->series[0], 0.4, _("Daily active") },
    { LEGEND_LINE, &st->series[0], 1, _("Weekly active (7 days)") },
    { LEGEND_LINE, &st->series[3], 1, _("Monthly active (30 days)") },
  };

  draw_legend (c, l->x, l->x + l->w + 8, legend, G_N_ELEMENTS (legend));

  draw_y_axis (c, l, &s, l->y, l->h);
  cairo_new_path (cr);
  for (guint i = 0; i < l->n; i++)
    if (ov->dau[i] > 0)
      bar_rect (cr, l, i, l->y + l->h, scale_y (&s, ov->dau[i], l->y, l->h));
  set_color (cr, &st->series[0], 0.4);
  cairo_fill (cr);
  if (hover >= 0 && (guint) hover < l->n && ov->dau[hover] > 0)
    {
      bar_rect (cr, l, hover, l->y + l->h, scale_y (&s, ov->dau[hover], l->y, l->h));
      set_color (cr, &st->series[0], 0.4);
      cairo_fill (cr);
    }

  draw_line_series (cr, l, ov->mau30, &s, l->y, l->h, &st->series[3]);
  draw_line_series (cr, l, ov->wau7, &s, l->y, l->h, &st->series[0]);
  draw_date_axis (c, l, ov->day0, ov->week_start);

  if (hover >= 0 && (guint) hover < l->n)
    {
      draw_hover_guide (c, l, hover);
      draw_dot (c, slot_center (l, hover), scale_y (&s, ov->mau30[hover], l->y, l->h),
                &st->series[3]);
      draw_dot (c, slot_center (l, hover), scale_y (&s, ov->wau7[hover], l->y, l->h),
                &st->series[0]);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* HEATMAP                                                                                    */

static void
rounded_rect (cairo_t *cr, double x, double y, double w, double h, double r)
{
  r = MIN (r, MIN (w, h) / 2);
  cairo_new_sub_path (cr);
  cairo_arc (cr, x + w - r, y + r, r, -G_PI / 2, 0);
  cairo_arc (cr, x + w - r, y + h - r, r, 0, G_PI / 2);
  cairo_arc (cr, x + r, y + h - r, r, G_PI / 2, G_PI);
  cairo_arc (cr, x + r, y + r, r, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

/* Cell rectangle inside the grid gap, snapped to whole pixels. */
static void
cell_rect (const ChartLayout *l, int row, int col, double *x, double *y, double *w, double *h)
{
  double x0 = round (l->x + col * l->cell_w);
  double x1 = round (l->x + (col + 1) * l->cell_w);
  double y0 = round (l->y + row * l->cell_h);
  double y1 = round (l->y + (row + 1) * l->cell_h);

  *x = x0 + CELL_GAP / 2;
  *y = y0 + CELL_GAP / 2;
  *w = MAX (x1 - x0 - CELL_GAP, 1);
  *h = MAX (y1 - y0 - CELL_GAP, 1);
}

/* Ramp from background to accent: alpha over whatever lies beneath, so that it also works
 * when the caller's card paints the background.  t = 0 gets a faint, still visible tile. */
static void
fill_ramp_cell (Ctx *c, const ChartLayout *l, int row, int col, double t)
{
  double x, y, w, h;

  cell_rect (l, row, col, &x, &y, &w, &h);
  rounded_rect (c->cr, x, y, w, h, 3);
  if (t <= 0)
    set_color (c->cr, &c->style->foreground, 0.05);
  else
    /* The gamma lifts mid values, which on dark backgrounds otherwise all look alike. */
    set_color (c->cr, &c->style->accent, 0.12 + 0.88 * pow (CLAMP (t, 0, 1), 0.8));
  cairo_fill (c->cr);
}

static void
outline_cell (Ctx *c, const ChartLayout *l, int row, int col)
{
  double x, y, w, h;

  cell_rect (l, row, col, &x, &y, &w, &h);
  rounded_rect (c->cr, x - 0.5, y - 0.5, w + 1, h + 1, 3.5);
  set_color (c->cr, &c->style->foreground, 0.9);
  cairo_set_line_width (c->cr, 2);
  cairo_stroke (c->cr);
}

static gboolean
hour_in (const int *slots, int n, int hour)
{
  for (int i = 0; i < n; i++)
    if (slots[i] == hour)
      return TRUE;
  return FALSE;
}

static void
draw_heatmap_legend (Ctx *c, const ChartLayout *l, const CohortOverview *ov)
{
  const CohortChartStyle *st = c->style;
  const LegendItem legend[] = {
    { LEGEND_MARKER, &st->accent, 1,
      ov->slots_fallback ? _("Core posting hours (default)") : _("Core posting hours") },
    { LEGEND_MARKER, &st->accent, 0.45, _("Supplementary hours") },
  };
  double right = l->x + l->w;
  double cy = PAD + LEGEND_H / 2;
  double ramp_x;
  int more_w, fewer_w, h;

  /* "Fewer ▢▢▢▢▢ More", right-aligned, explains the ramp; the entries take what is left */
  text_size (c, c->small, _("More"), &more_w, &h);
  text_size (c, c->small, _("Fewer"), &fewer_w, &h);
  ramp_x = right - more_w - 6 - 5 * 14;
  draw_legend (c, l->x, ramp_x - 6 - fewer_w - LEGEND_GAP, legend, G_N_ELEMENTS (legend));
  text_at (c, c->small, _("More"), right, cy, 1, 0.5, &st->foreground, 0.6);
  for (int i = 0; i < 5; i++)
    {
      rounded_rect (c->cr, ramp_x + i * 14, round (cy) - 5, 11, 11, 2);
      set_color (c->cr, &st->accent, 0.12 + 0.88 * i / 4.0);
      cairo_fill (c->cr);
    }
  text_at (c, c->small, _("Fewer"), ramp_x - 6, cy, 1, 0.5, &st->foreground, 0.6);
}

static void
draw_heatmap (Ctx *c, const ChartLayout *l, const CohortOverview *ov, int hover)
{
  const CohortChartStyle *st = c->style;
  double max = heatmap_max (ov, NULL, NULL);
  double base = l->y + l->h;
  int label_every = l->cell_w >= 24 ? 1 : l->cell_w >= 12 ? 3 : 6;

  draw_heatmap_legend (c, l, ov);
  for (int wd = 0; wd < 7; wd++)
    {
      text_at (c, c->small, weekday_short (wd), l->x - 8, l->y + (wd + 0.5) * l->cell_h, 1, 0.5,
               &st->foreground, 0.6);
      for (int h = 0; h < 24; h++)
        fill_ramp_cell (c, l, wd, h, max > 0 ? ov->heatmap[wd][h] / max : 0);
    }

  for (int h = 0; h < 24; h++)
    {
      gboolean core = hour_in (ov->core_slots, 3, h);
      gboolean supp = hour_in (ov->supplementary_slots, 2, h);
      double cx = l->x + (h + 0.5) * l->cell_w;

      if (core || supp || h % label_every == 0)
        {
          g_autofree char *label = g_strdup_printf ("%02d", h);
          text_at (c, core ? c->bold : c->small, label, cx, base + 4, 0.5, 0,
                   core ? &st->accent : &st->foreground, core ? 1 : 0.6);
        }
      if (core || supp)
        {
          /* A pill under the hour label: solid for core hours, faint for supplementary. */
          rounded_rect (c->cr, round (cx - l->cell_w / 2 + 3), round (base + 23),
                        MAX (round (l->cell_w - 6), 2), 4, 2);
          set_color (c->cr, &st->accent, core ? 1 : 0.45);
          cairo_fill (c->cr);
        }
    }

  if (hover >= 0 && hover < 7 * 24)
    outline_cell (c, l, hover / 24, hover % 24);
}

/* ------------------------------------------------------------------------------------------ */
/* RETENTION                                                                                  */

static char *
cohort_row_label (const CohortRetentionRow *row)
{
  g_autofree char *date = cohort_day_format (row->week_start);
  g_autofree char *size = format_count (row->size);

  /* Translators: a weekly join cohort: its Monday and its number of members. */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · %s member", "%s · %s members",
                                       (gulong) MIN (row->size, G_MAXINT32)),
                          date, size);
}

static double
rate_value (const CohortRate *r)
{
  return r->den > 0 ? (double) r->num / (double) r->den : 0;
}

static void
draw_retention_headers (Ctx *c, const ChartLayout *l)
{
  const CohortChartStyle *st = c->style;
  int w, h;
  gboolean long_labels;

  /* "Week 11" where it fits, otherwise bare numbers under a "Week" caption. */
  text_size (c, c->small, _("Week 11"), &w, &h);
  long_labels = w + 6 <= l->cell_w;
  if (!long_labels)
    text_at (c, c->small, _("Week"), l->x - 8, l->y - 6, 1, 1, &st->foreground, 0.6);
  for (int k = 0; k < l->cols; k++)
    {
      g_autofree char *label = long_labels ? g_strdup_printf (_("Week %d"), k)
                                           : g_strdup_printf ("%d", k);
      text_at (c, c->small, label, l->x + (k + 0.5) * l->cell_w, l->y - 6, 0.5, 1,
               &st->foreground, 0.6);
    }
}

static void
draw_retention (Ctx *c, const ChartLayout *l, const CohortOverview *ov, int hover)
{
  const CohortChartStyle *st = c->style;
  /* Text on strong cells: white on the light theme's deep blue, near-black on the dark
   * theme's pale blue; both keep a contrast ratio well above 3. */
  static const CohortRgba on_light_accent = { 1, 1, 1, 1 };
  static const CohortRgba on_dark_accent = { 0, 0, 0, 0.85 };
  const CohortRgba *on_accent = st->dark ? &on_dark_accent : &on_light_accent;

  text_at (c, c->small, _("Active in each week after joining"),
           PAD, PAD + LEGEND_H / 2, 0, 0.5, &st->foreground, 0.8);
  draw_retention_headers (c, l);

  for (int r = 0; r < l->rows; r++)
    {
      const CohortRetentionRow *row = &ov->cohorts[r];
      g_autofree char *label = cohort_row_label (row);
      double cy = l->y + (r + 0.5) * l->cell_h;

      text_at (c, c->small, label, l->x - 10, cy, 1, 0.5, &st->foreground, 0.8);
      for (int k = 0; k < MIN (row->n_cells, COHORT_RETENTION_MAX_WEEKS); k++)
        {
          double t, x, y, w, h;
          g_autofree char *pct = NULL;
          int tw, th;

          /* Immature weeks stay empty: a 0 % there would read as total churn. */
          if (row->active[k].den <= 0)
            continue;
          t = rate_value (&row->active[k]);
          fill_ramp_cell (c, l, r, k, MAX (t, 0.001));
          cell_rect (l, r, k, &x, &y, &w, &h);
          pct = g_strdup_printf ("%.0f%%", t * 100);
          text_size (c, c->small, pct, &tw, &th);
          if (tw + 4 <= w && th <= h)
            text_at (c, c->small, pct, x + w / 2, y + h / 2, 0.5, 0.5,
                     t > 0.5 ? on_accent : &st->foreground, t > 0.5 ? 1 : 0.85);
        }
    }

  if (hover >= 0)
    {
      int r = hover / COHORT_RETENTION_MAX_WEEKS, k = hover % COHORT_RETENTION_MAX_WEEKS;
      if (r < l->rows && k < ov->cohorts[r].n_cells)
        outline_cell (c, l, r, k);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Public API                                                                                 */

void
cohort_chart_style_init_default (CohortChartStyle *style,
                                 gboolean          dark)
{
  g_return_if_fail (style != NULL);

  memset (style, 0, sizeof *style);
  style->dark = dark;
  style->font_family = "Cantarell, Sans";
  style->font_size = 10;
  if (dark)
    {
      style->foreground = rgba_hex (0xffffff, 1);
      style->background = rgba_hex (0x1e1e1e, 1);
      style->grid = rgba_hex (0xffffff, 0.1);
      style->series[0] = rgba_hex (0x62a0ea, 1);
      style->series[1] = rgba_hex (0x33d17a, 1);
      style->series[2] = rgba_hex (0xffa348, 1);
      style->series[3] = rgba_hex (0xc061cb, 1);
      style->negative = rgba_hex (0xf66151, 1);
    }
  else
    {
      style->foreground = rgba_hex (0x000000, 0.8);
      style->background = rgba_hex (0xffffff, 1);
      style->grid = rgba_hex (0x000000, 0.08);
      style->series[0] = rgba_hex (0x3584e4, 1);
      style->series[1] = rgba_hex (0x2ec27e, 1);
      style->series[2] = rgba_hex (0xff7800, 1);
      style->series[3] = rgba_hex (0x9141ac, 1);
      style->negative = rgba_hex (0xe01b24, 1);
    }
  style->accent = style->series[0];
}

void
cohort_chart_draw (CohortChartKind         kind,
                   cairo_t                *cr,
                   double                  width,
                   double                  height,
                   gconstpointer           overview,
                   const CohortChartStyle *style,
                   int                     hover_index)
{
  ChartLayout l;
  Ctx c = { 0 };

  g_return_if_fail (cr != NULL);
  g_return_if_fail (style != NULL);

  if (kind >= COHORT_CHART_STICKINESS)
    {
      _cohort_chart_activity_draw (kind, cr, width, height, overview, style, hover_index);
      return;
    }

  cairo_save (cr);
  if (style->background.a > 0)
    {
      set_color (cr, &style->background, 1);
      cairo_rectangle (cr, 0, 0, width, height);
      cairo_fill (cr);
    }
  chart_layout (kind, width, height, overview, &l);
  ctx_init (&c, cr, style);

  if (l.empty)
    draw_message (&c, width, height, kind == COHORT_CHART_RETENTION
                                       ? _("No cohorts in this range")
                                       : _("No data for this range"));
  else if (kind == COHORT_CHART_GROWTH)
    draw_growth (&c, &l, overview, hover_index);
  else if (kind == COHORT_CHART_ACTIVITY)
    draw_activity (&c, &l, overview, hover_index);
  else if (kind == COHORT_CHART_HEATMAP)
    draw_heatmap (&c, &l, overview, hover_index);
  else
    draw_retention (&c, &l, overview, hover_index);

  ctx_clear (&c);
  cairo_restore (cr);
}

static char *
tooltip_growth (const CohortOverview *ov, guint i)
{
  g_autofree char *date = cohort_day_format (ov->day0 + (int) i);
  g_autofree char *members = format_count (ov->members[i]);
  g_autofree char *joins = format_count (ov->day_joins ? ov->day_joins[i] : 0);
  g_autofree char *leaves = format_count (ov->day_leaves ? ov->day_leaves[i] : 0);

  /* Translators: date · member count · joins · leaves on that day */
  return g_strdup_printf (_("%s · Members %s · Joins %s · Leaves %s"), date, members, joins,
                          leaves);
}

static char *
tooltip_activity (const CohortOverview *ov, guint i)
{
  g_autofree char *date = cohort_day_format (ov->day0 + (int) i);
  g_autofree char *dau = format_count (ov->dau[i]);
  g_autofree char *wau = format_count (ov->wau7[i]);
  g_autofree char *mau = format_count (ov->mau30[i]);

  /* Translators: date · daily, weekly (7-day) and monthly (30-day) active members */
  return g_strdup_printf (_("%s · Daily %s · Weekly %s · Monthly %s"), date, dau, wau, mau);
}

static char *
tooltip_heatmap (const CohortOverview *ov, int wd, int h)
{
  g_autofree char *total = format_count (ov->heatmap_counts[wd][h]);

  /* Translators: weekday, hour range, average genuine messages per such day, total */
  return g_strdup_printf (_("%s %02d:00–%02d:00 · %.1f messages per day · %s in total"),
                          weekday_short (wd), h, (h + 1) % 24 == 0 ? 24 : h + 1,
                          ov->heatmap[wd][h], total);
}

static char *
tooltip_retention (const CohortOverview *ov, int r, int k)
{
  const CohortRetentionRow *row = &ov->cohorts[r];
  g_autofree char *label = cohort_row_label (row);
  g_autofree char *num = NULL;
  g_autofree char *den = NULL;

  if (row->active[k].den <= 0)
    /* Translators: cohort label · week index, for a week that has not ended yet */
    return g_strdup_printf (_("%s · Week %d · not complete yet"), label, k);
  num = format_count (row->active[k].num);
  den = format_count (row->active[k].den);
  /* Translators: cohort label · week index · percentage (active of cohort size) */
  return g_strdup_printf (_("%s · Week %d · %.1f%% active (%s of %s)"), label, k,
                          100.0 * rate_value (&row->active[k]), num, den);
}

int
cohort_chart_hit (CohortChartKind       kind,
                  double                width,
                  double                height,
                  gconstpointer         data,
                  double                x,
                  double                y,
                  char                **tooltip)
{
  const CohortOverview *overview = data;
  ChartLayout l;
  int index = -1;
  char *text = NULL;

  if (kind >= COHORT_CHART_STICKINESS)
    return _cohort_chart_activity_hit (kind, width, height, overview, x, y, tooltip);

  chart_layout (kind, width, height, overview, &l);
  if (!l.empty && x >= l.x && x < l.x + l.w && y >= l.y && y < l.y + l.h)
    {
      if (kind == COHORT_CHART_GROWTH || kind == COHORT_CHART_ACTIVITY)
        {
          guint i = MIN ((guint) ((x - l.x) / l.slot), l.n - 1);
          index = (int) i;
          if (tooltip != NULL)
            text = kind == COHORT_CHART_GROWTH ? tooltip_growth (overview, i)
                                               : tooltip_activity (overview, i);
        }
      else
        {
          int col = MIN ((int) ((x - l.x) / l.cell_w), l.cols - 1);
          int row = MIN ((int) ((y - l.y) / l.cell_h), l.rows - 1);

          if (kind == COHORT_CHART_HEATMAP)
            {
              index = row * 24 + col;
              if (tooltip != NULL)
                text = tooltip_heatmap (overview, row, col);
            }
          else if (col < overview->cohorts[row].n_cells)
            {
              index = row * COHORT_RETENTION_MAX_WEEKS + col;
              if (tooltip != NULL)
                text = tooltip_retention (overview, row, col);
            }
        }
    }
  if (tooltip != NULL)
    *tooltip = text;
  return index;
}

const char *
cohort_chart_kind_title (CohortChartKind kind)
{
  switch (kind)
    {
    case COHORT_CHART_GROWTH:
      return _("Member Growth");
    case COHORT_CHART_ACTIVITY:
      return _("Active Members");
    case COHORT_CHART_HEATMAP:
      return _("Posting Times");
    case COHORT_CHART_RETENTION:
      return _("Weekly Cohort Retention");
    case COHORT_CHART_STICKINESS:
      return _("Stickiness");
    case COHORT_CHART_NETWORK:
      return _("Interaction Network");
    case COHORT_CHART_CURVES:
      return _("Retention Curves");
    default:
      g_return_val_if_reached (NULL);
    }
}

gboolean
cohort_chart_kind_from_string (const char      *name,
                               CohortChartKind *kind)
{
  static const struct { const char *name; CohortChartKind kind; } names[] = {
    { "growth", COHORT_CHART_GROWTH },
    { "activity", COHORT_CHART_ACTIVITY },
    { "heatmap", COHORT_CHART_HEATMAP },
    { "retention", COHORT_CHART_RETENTION },
    { "stickiness", COHORT_CHART_STICKINESS },
    { "network", COHORT_CHART_NETWORK },
    { "retention-curves", COHORT_CHART_CURVES },
  };

  g_return_val_if_fail (name != NULL, FALSE);
  if (g_str_has_prefix (name, "overview-"))
    name += strlen ("overview-");
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_str_equal (name, names[i].name))
      {
        if (kind != NULL)
          *kind = names[i].kind;
        return TRUE;
      }
  return FALSE;
}

static char *
describe_growth (const CohortOverview *ov)
{
  g_autofree char *d0 = cohort_day_format (ov->day0);
  g_autofree char *d1 = cohort_day_format (ov->day0 + (int) ov->n_days - 1);
  g_autofree char *m0 = format_count (ov->members[0]);
  g_autofree char *m1 = format_count (ov->members[ov->n_days - 1]);
  gint64 joins = 0, leaves = 0;
  g_autofree char *j = NULL;
  g_autofree char *lv = NULL;

  for (guint i = 0; i < ov->n_days; i++)
    {
      joins += ov->day_joins ? ov->day_joins[i] : 0;
      leaves += ov->day_leaves ? ov->day_leaves[i] : 0;
    }
  j = format_count (joins);
  lv = format_count (leaves);
  return g_strdup_printf (_("Members went from %s to %s between %s and %s, with %s joins and "
                            "%s leaves."), m0, m1, d0, d1, j, lv);
}

static char *
describe_activity (const CohortOverview *ov)
{
  guint last = ov->n_days - 1;
  gint64 sum = 0;
  g_autofree char *d1 = cohort_day_format (ov->day0 + (int) last);
  g_autofree char *avg = NULL;
  g_autofree char *wau = format_count (ov->wau7[last]);
  g_autofree char *mau = format_count (ov->mau30[last]);

  for (guint i = 0; i < ov->n_days; i++)
    sum += ov->dau[i];
  avg = format_count ((sum + ov->n_days / 2) / ov->n_days);
  return g_strdup_printf (_("On average %s members were active per day; on %s, %s were active "
                            "in the last 7 days and %s in the last 30 days."),
                          avg, d1, wau, mau);
}

static char *
describe_heatmap (const CohortOverview *ov)
{
  int wd = 0, h = 0;
  double max = heatmap_max (ov, &wd, &h);

  return g_strdup_printf (_("The busiest time is %s %02d:00 with %.1f messages per day; core "
                            "posting hours are %02d:00, %02d:00 and %02d:00."),
                          weekday_short (wd), h, max,
                          ov->core_slots[0], ov->core_slots[1], ov->core_slots[2]);
}

static char *
describe_retention (const CohortOverview *ov)
{
  gint64 num = 0, den = 0;

  /* Week 1 is the first week after joining: the share that came back. */
  for (guint i = 0; i < ov->n_cohorts; i++)
    if (ov->cohorts[i].n_cells > 1 && ov->cohorts[i].active[1].den > 0)
      {
        num += ov->cohorts[i].active[1].num;
        den += ov->cohorts[i].active[1].den;
      }
  if (den == 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%u weekly cohort; none has completed its first week.",
                                         "%u weekly cohorts; none has completed its first week.",
                                         ov->n_cohorts), ov->n_cohorts);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%u weekly cohort; %.0f%% of its members were active in "
                                       "the week after joining.",
                                       "%u weekly cohorts; %.0f%% of their members were active "
                                       "in the week after joining.",
                                       ov->n_cohorts), ov->n_cohorts, 100.0 * num / den);
}

char *
cohort_chart_describe (CohortChartKind       kind,
                       gconstpointer           overview)
{
  ChartLayout l;

  if (kind >= COHORT_CHART_STICKINESS)
    return _cohort_chart_activity_describe (kind, overview);
  chart_layout (kind, 100, 100, overview, &l);
  if (l.empty)
    return g_strdup_printf ("%s: %s", cohort_chart_kind_title (kind),
                            kind == COHORT_CHART_RETENTION ? _("No cohorts in this range")
                                                           : _("No data for this range"));
  switch (kind)
    {
    case COHORT_CHART_GROWTH:
      return describe_growth (overview);
    case COHORT_CHART_ACTIVITY:
      return describe_activity (overview);
    case COHORT_CHART_HEATMAP:
      return describe_heatmap (overview);
    case COHORT_CHART_RETENTION:
    default:
      return describe_retention (overview);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* File export                                                                                */

/* Background, title band, then the chart below it: a file has no surrounding card. */
static void
draw_export (CohortChartKind kind, cairo_t *cr, double width, double height,
             const CohortOverview *ov, const CohortChartStyle *style)
{
  CohortChartStyle inner = *style;
  Ctx c = { 0 };

  if (inner.background.a <= 0)
    cohort_chart_style_init_default (&inner, style->dark);   /* a file needs a background */
  set_color (cr, &inner.background, 1);
  cairo_paint (cr);

  ctx_init (&c, cr, &inner);
  pango_font_description_set_size (c.bold, (int) (pango_font_description_get_size (c.font) * 1.2));
  text_at (&c, c.bold, cohort_chart_kind_title (kind), PAD + 4, PAD + 6, 0, 0,
           &inner.foreground, 1);
  ctx_clear (&c);

  cairo_save (cr);
  cairo_translate (cr, 0, TITLE_H);
  inner.background.a = 0;
  cohort_chart_draw (kind, cr, width, MAX (height - TITLE_H, 1), ov, &inner, -1);
  cairo_restore (cr);
}

static gboolean
check_status (cairo_status_t status, const char *path, GError **error)
{
  if (status == CAIRO_STATUS_SUCCESS)
    return TRUE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Could not write chart to “%s”: %s"),
               path, cairo_status_to_string (status));
  return FALSE;
}

static gboolean
check_args (int width, int height, const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, FALSE);
  if (width > 0 && height > 0 && width <= 16384 && height <= 16384)
    return TRUE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
               _("Invalid chart size %d × %d"), width, height);
  return FALSE;
}

/* Vector surfaces report errors only when finished, so every path ends in finish(). */
static gboolean
render_vector (cairo_surface_t *surface, CohortChartKind kind, const CohortOverview *ov,
               const CohortChartStyle *style, int width, int height, const char *path,
               GError **error)
{
  cairo_t *cr = cairo_create (surface);
  cairo_status_t status;

  draw_export (kind, cr, width, height, ov, style);
  status = cairo_status (cr);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  return check_status (status, path, error);
}

gboolean
cohort_chart_write_png (CohortChartKind         kind,
                        gconstpointer           overview,
                        const CohortChartStyle *style,
                        int                     width,
                        int                     height,
                        const char             *path,
                        GError                **error)
{
  cairo_surface_t *surface;
  cairo_t *cr;
  cairo_status_t status;

  g_return_val_if_fail (style != NULL, FALSE);
  if (!check_args (width, height, path, error))
    return FALSE;
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cr = cairo_create (surface);
  draw_export (kind, cr, width, height, overview, style);
  status = cairo_status (cr);
  cairo_destroy (cr);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_write_to_png (surface, path);
  cairo_surface_destroy (surface);
  return check_status (status, path, error);
}

gboolean
cohort_chart_write_pdf (CohortChartKind         kind,
                        gconstpointer           overview,
                        const CohortChartStyle *style,
                        int                     width,
                        int                     height,
                        const char             *path,
                        GError                **error)
{
  g_return_val_if_fail (style != NULL, FALSE);
  if (!check_args (width, height, path, error))
    return FALSE;
  return render_vector (cairo_pdf_surface_create (path, width, height), kind, overview, style,
                        width, height, path, error);
}

gboolean
cohort_chart_write_svg (CohortChartKind         kind,
                        gconstpointer           overview,
                        const CohortChartStyle *style,
                        int                     width,
                        int                     height,
                        const char             *path,
                        GError                **error)
{
  g_return_val_if_fail (style != NULL, FALSE);
  if (!check_args (width, height, path, error))
    return FALSE;
  return render_vector (cairo_svg_surface_create (path, width, height), kind, overview, style,
                        width, height, path, error);
}
