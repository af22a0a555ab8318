/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "cohort-chart.h"
#include "cohort-test-overview.h"

#define W 800
#define H 400

/* Not cohort_overview_free(): these arrays are ours, not the metrics engine's. */
typedef CohortOverview CohortOverviewFixture;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CohortOverviewFixture, cohort_test_overview_free)

/* ------------------------------------------------------------------------------------------ */
/* Pixel helpers                                                                             */

typedef struct
{
  guint8 r, g, b;
} Pixel;

static cairo_surface_t *
render (CohortChartKind kind, const CohortOverview *ov, gboolean dark, int hover)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, W, H);
  cairo_t *cr = cairo_create (surface);
  CohortChartStyle style;

  cohort_chart_style_init_default (&style, dark);
  cohort_chart_draw (kind, cr, W, H, ov, &style, hover);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

static Pixel
pixel_at (cairo_surface_t *s, int x, int y)
{
  const guint8 *data = cairo_image_surface_get_data (s);
  guint32 v = *(const guint32 *) (data + y * cairo_image_surface_get_stride (s) + x * 4);
  Pixel p = { (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff };

  return p;   /* opaque background, so premultiplication does not matter */
}

static Pixel
to_pixel (const CohortRgba *c)
{
  Pixel p = { (guint8) (c->r * 255 + 0.5), (guint8) (c->g * 255 + 0.5),
              (guint8) (c->b * 255 + 0.5) };
  return p;
}

static gboolean
near (Pixel a, Pixel b, int tolerance)
{
  return ABS (a.r - b.r) + ABS (a.g - b.g) + ABS (a.b - b.b) <= tolerance;
}

static int
count_near (cairo_surface_t *s, Pixel want, int x0, int y0, int x1, int y1)
{
  int n = 0;

  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++)
      n += near (pixel_at (s, x, y), want, 30);
  return n;
}

static int
count_not_background (cairo_surface_t *s, Pixel bg, int x0, int y0, int x1, int y1)
{
  int n = 0;

  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++)
      n += !near (pixel_at (s, x, y), bg, 6);
  return n;
}

static int
saturation (Pixel p)
{
  return MAX (p.r, MAX (p.g, p.b)) - MIN (p.r, MIN (p.g, p.b));
}

static CohortChartStyle
default_style (gboolean dark)
{
  CohortChartStyle style;

  cohort_chart_style_init_default (&style, dark);
  return style;
}

/* ------------------------------------------------------------------------------------------ */
/* Tests                                                                                     */

static void
test_style (void)
{
  CohortChartStyle light = default_style (FALSE);
  CohortChartStyle dark = default_style (TRUE);
  Pixel blue = { 0x35, 0x84, 0xe4 };

  g_assert_true (near (to_pixel (&light.accent), blue, 0));
  g_assert_true (near (to_pixel (&light.series[1]), (Pixel) { 0x2e, 0xc2, 0x7e }, 0));
  g_assert_true (near (to_pixel (&light.negative), (Pixel) { 0xe0, 0x1b, 0x24 }, 0));
  g_assert_false (light.dark);
  g_assert_true (dark.dark);
  g_assert_cmpfloat (dark.background.r, <, 0.2);
  g_assert_cmpfloat (light.background.r, >, 0.9);
}

static void
check_series_chart (CohortChartKind kind, gboolean dark, const CohortRgba *a, int min_a,
                    const CohortRgba *b, int min_b)
{
  g_autoptr(CohortOverviewFixture) ov = cohort_test_overview_new ();
  CohortChartStyle style = default_style (dark);
  cairo_surface_t *s = render (kind, ov, dark, -1);
  Pixel bg = to_pixel (&style.background);

  /* Not blank, and both series visible inside the plot (not just in the legend row). */
  g_assert_cmpint (count_not_background (s, bg, 0, 0, W, H), >, W * H / 50);
  g_assert_cmpint (count_near (s, to_pixel (a), 60, 50, W, H - 30), >=, min_a);
  g_assert_cmpint (count_near (s, to_pixel (b), 60, 50, W, H - 30), >=, min_b);
  cairo_surface_destroy (s);
}

static void
test_growth (void)
{
  for (int dark = 0; dark <= 1; dark++)
    {
      CohortChartStyle style = default_style (dark);

      check_series_chart (COHORT_CHART_GROWTH, dark, &style.accent, 300, &style.series[1], 300);
      check_series_chart (COHORT_CHART_GROWTH, dark, &style.negative, 150, &style.accent, 0);
    }
}

static void
test_activity (void)
{
  for (int dark = 0; dark <= 1; dark++)
    {
      CohortChartStyle style = default_style (dark);

      check_series_chart (COHORT_CHART_ACTIVITY, dark, &style.series[0], 300,
                          &style.series[3], 300);
    }
}

/* A narrow card (All Communities, a small window) wraps the legend onto a second line of
 * its band instead of running off the chart: the last entry's swatch moves down, and the
 * right edge of the band stays empty. */
static void
test_narrow_legend (void)
{
  g_autoptr(CohortOverviewFixture) ov = cohort_test_overview_new ();
  CohortChartStyle style = default_style (FALSE);
  Pixel monthly = to_pixel (&style.series[3]);
  Pixel bg = to_pixel (&style.background);
  const int widths[] = { W, 380 };

  for (guint i = 0; i < G_N_ELEMENTS (widths); i++)
    {
      int w = widths[i];
      cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, H);
      cairo_t *cr = cairo_create (s);
      int upper, lower;

      cohort_chart_draw (COHORT_CHART_ACTIVITY, cr, w, H, ov, &style, -1);
      cairo_destroy (cr);
      cairo_surface_flush (s);
      /* the band is y 12..38; one line is centred at 25, two at 18 and 31 */
      upper = count_near (s, monthly, 0, 12, w, 27);
      lower = count_near (s, monthly, 0, 28, w, 38);
      if (w == W)
        {
          g_assert_cmpint (upper, >, 10);
          g_assert_cmpint (lower, ==, 0);
        }
      else
        {
          g_assert_cmpint (lower, >, 10);
          g_assert_cmpint (count_not_background (s, bg, w - 6, 12, w, 38), ==, 0);
        }
      cairo_surface_destroy (s);
    }
}

/* The hot cell (Wed 20:00) must be the most saturated cell; cells are found via hit testing,
 * which also proves drawing and hit testing agree. */
static void
test_heatmap (void)
{
  g_autoptr(CohortOverviewFixture) ov = cohort_test_overview_new ();

  for (int dark = 0; dark <= 1; dark++)
    {
      cairo_surface_t *s = render (COHORT_CHART_HEATMAP, ov, dark, -1);
      double sum[7 * 24] = { 0 };
      int count[7 * 24] = { 0 };
      int best = -1;

      for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
          {
            int i = cohort_chart_hit (COHORT_CHART_HEATMAP, W, H, ov, x, y, NULL);

            if (i < 0)
              continue;
            g_assert_cmpint (i, <, 7 * 24);
            sum[i] += saturation (pixel_at (s, x, y));
            count[i]++;
          }
      for (int i = 0; i < 7 * 24; i++)
        {
          g_assert_cmpint (count[i], >, 0);
          if (best < 0 || sum[i] / count[i] > sum[best] / count[best])
            best = i;
        }
      g_assert_cmpint (best, ==, HOT_WD * 24 + HOT_H);
      cairo_surface_destroy (s);
    }
}

static void
test_heatmap_tooltip (void)
{
  g_autoptr(CohortOverviewFixture) ov = cohort_test_overview_new ();
  g_autofree char *tip = NULL;
  int hit = -1;

  for (int y = 0; y < H && hit != HOT_WD * 24 + HOT_H; y += 2)
    for (int x = 0; x < W && hit != HOT_WD * 24 + HOT_H; x += 2)
      {
        g_clear_pointer (&tip, g_free);
        hit = cohort_chart_hit (COHORT_CHART_HEATMAP, W, H, ov, x, y, &tip);
      }
  g_assert_cmpint (hit, ==, HOT_WD * 24 + HOT_H);
  g_assert_nonnull (strstr (tip, "Wed 20:00"));
  g_assert_nonnull (strstr (tip, "9.5"));
  g_assert_nonnull (strstr (tip, "76"));
}

/* Finds the centre of the pixels hit-tested as index; -1, -1 when none is. */
static gboolean
find_item (CohortChartKind kind, const CohortOverview *ov, int index, int *cx, int *cy)
{
  gint64 sx = 0, sy = 0, n = 0;

  *cx = *cy = -1;

  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      if (cohort_chart_hit (kind, W, H, ov, x, y, NULL) == index)
        {
          sx += x;
          sy += y;
          n++;
        }
  if (n == 0)
    return FALSE;
  *cx = (int) (sx / n);
  *cy = (int) (sy / n);
  return TRUE;
}

static void
test_retention (void)
{
  g_autoptr(CohortOverviewFixture) ov = cohort_test_overview_new ();

  for (int dark = 0; dark <= 1; dark++)
    {
      CohortChartStyle style = default_style (dark);
      cairo_surface_t *s = render (COHORT_CHART_RETENTION, ov, dark, -1);
      Pixel bg = to_pixel (&style.background);
      int immature = 2 * COHORT_RETENTION_MAX_WEEKS + 5;   /* row 2 has cells 0..5, 5 immature */
      int week0 = 2 * COHORT_RETENTION_MAX_WEEKS;
      int x, y;

      g_assert_true (find_item (COHORT_CHART_RETENTION, ov, immature, &x, &y));
      g_assert_true (near (pixel_at (s, x, y), bg, 3));
      /* Week 0 is 100 %: the strongest colour, at the cell's corner area (text is centred). */
      g_assert_true (find_item (COHORT_CHART_RETENTION, ov, week0, &x, &y));
      g_assert_true (near (pixel_at (s, x - 28, y - 10), to_pixel (&style.accent), 12));
      /* Beyond n_cells there is no item at all. */
      g_assert_false (find_item (COHORT_CHART_RETENTION, ov, 7 * COHORT_RETENTION_MAX_WEEKS + 3,
                                 &x, &y));
      cairo_surface_destroy (s);
    }
}

static void
test_retention_tooltip (void)
{
  g_autoptr(CohortOverviewFixture) ov = cohort_test_overview_new ();
  g_autofree char *tip = NULL;
  int x, y;

  /* Row 1: size 23, week 2: 23 * 5 / 10 = 11 active. */
  g_assert_true (find_item (COHORT_CHART_RETENTION, ov, COHORT_RETENTION_MAX_WEEKS + 2, &x, &y));
  g_assert_cmpint (cohort_chart_hit (COHORT_CHART_RETENTION, W, H, ov, x, y, &tip), ==,
                   COHORT_RETENTION_MAX_WEEKS + 2);
  g_assert_nonnull (strstr (tip, "2024-01-08"));
  g_assert_nonnull (strstr (tip, "Week 2"));
  g_assert_nonnull (strstr (tip, "47.8%"));
  g_assert_nonnull (strstr (tip, "11 of 23"));
}

static void
check_empty (CohortChartKind kind, const CohortOverview *ov)
{
  CohortChartStyle style = default_style (FALSE);
  cairo_surface_t *s = render (kind, ov, FALSE, 3);
  Pixel bg = to_pixel (&style.background);
  int text = 0;

  /* Some dark text pixels in the middle band, nothing at all elsewhere. */
  for (int y = H / 2 - 15; y < H / 2 + 15; y++)
    for (int x = W / 4; x < 3 * W / 4; x++)
      {
        Pixel p = pixel_at (s, x, y);
        text += p.r < 180 && p.g < 180 && p.b < 180;
      }
  g_assert_cmpint (text, >, 40);
  g_assert_cmpint (count_not_background (s, bg, 0, 0, W, H / 2 - 20), ==, 0);
  g_assert_cmpint (cohort_chart_hit (kind, W, H, ov, W / 2, H / 2, NULL), ==, -1);
  cairo_surface_destroy (s);
}

static void
test_empty (void)
{
  CohortOverview *empty = g_new0 (CohortOverview, 1);

  for (int k = 0; k < COHORT_CHART_N_KINDS; k++)
    {
      g_autofree char *desc = cohort_chart_describe (k, empty);

      check_empty (k, empty);
      check_empty (k, NULL);
      g_assert_nonnull (strstr (desc, k == COHORT_CHART_RETENTION ? "No cohorts" : "No data"));
    }
  g_free (empty);
}

/* Sweeping x across the plot visits every day in order; the tooltip has exact values. */
static void
test_hit_series (void)
{
  g_autoptr(CohortOverviewFixture) ov = cohort_test_overview_new ();

  for (int kind = COHORT_CHART_GROWTH; kind <= COHORT_CHART_ACTIVITY; kind++)
    {
      int last = -1;
      gboolean seen[N_DAYS] = { FALSE };

      for (int x = 0; x < W; x++)
        {
          g_autofree char *tip = NULL;
          int i = cohort_chart_hit (kind, W, H, ov, x + 0.5, H / 2.0, &tip);

          if (i < 0)
            {
              g_assert_null (tip);
              continue;
            }
          g_assert_cmpint (i, <, N_DAYS);
          g_assert_cmpint (i, >=, last);
          last = i;
          if (i < N_DAYS)   /* the assertion above may be non-fatal */
            seen[i] = TRUE;
          if (i == 17 && kind == COHORT_CHART_GROWTH)
            {
              g_autofree char *date = cohort_day_format (ov->day0 + 17);
              g_autofree char *want = g_strdup_printf ("Members %d,%03d",
                                                       (int) (ov->members[17] / 1000),
                                                       (int) (ov->members[17] % 1000));
              g_autofree char *joins = g_strdup_printf ("Joins %d",
                                                        (int) ov->day_joins[17]);

              g_assert_cmpstr (date, ==, "2024-01-18");
              g_assert_true (g_str_has_prefix (tip, date));
              g_assert_nonnull (strstr (tip, want));
              g_assert_nonnull (strstr (tip, joins));
            }
          else if (i == 17)
            {
              g_assert_nonnull (strstr (tip, "Daily 44"));     /* 40 + 119 % 23 */
              g_assert_nonnull (strstr (tip, "Weekly 137"));
              g_assert_nonnull (strstr (tip, "Monthly 334"));
            }
        }
      for (int i = 0; i < N_DAYS; i++)
        g_assert_true (seen[i]);
      /* Outside the plot: nothing. */
      g_assert_cmpint (cohort_chart_hit (kind, W, H, ov, 2, 2, NULL), ==, -1);
      g_assert_cmpint (cohort_chart_hit (kind, W, H, ov, W / 2.0, H - 2, NULL), ==, -1);
    }
}

/* Hover draws something (guide line, dots) exactly around the hovered item. */
static void
test_hover (void)
{
  g_autoptr(CohortOverviewFixture) ov = cohort_test_overview_new ();

  for (int kind = 0; kind < COHORT_CHART_N_KINDS; kind++)
    {
      int index = kind <= COHORT_CHART_ACTIVITY ? 30
                  : kind == COHORT_CHART_HEATMAP ? 4 * 24 + 10
                  : 3 * COHORT_RETENTION_MAX_WEEKS + 1;
      cairo_surface_t *a = render (kind, ov, FALSE, -1);
      cairo_surface_t *b = render (kind, ov, FALSE, index);
      int cx, cy, diff_near = 0, diff_far = 0;

      g_assert_true (find_item (kind, ov, index, &cx, &cy));
      for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
          if (!near (pixel_at (a, x, y), pixel_at (b, x, y), 0))
            {
              if (ABS (x - cx) <= 60)
                diff_near++;
              else
                diff_far++;
            }
      g_assert_cmpint (diff_near, >, 20);
      g_assert_cmpint (diff_far, ==, 0);
      cairo_surface_destroy (a);
      cairo_surface_destroy (b);
    }
}

static void
test_write_files (void)
{
  g_autoptr(CohortOverviewFixture) ov = cohort_test_overview_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("cohort-charts-XXXXXX", &error);
  g_autofree char *png = g_build_filename (dir, "chart.png", NULL);
  g_autofree char *pdf = g_build_filename (dir, "chart.pdf", NULL);
  g_autofree char *svg = g_build_filename (dir, "chart.svg", NULL);
  g_autofree char *bad = g_build_filename (dir, "missing", "chart.png", NULL);
  CohortChartStyle style = default_style (FALSE);
  cairo_surface_t *s;
  g_autofree char *contents = NULL;
  gsize len = 0;

  g_assert_no_error (error);
  g_assert_true (cohort_chart_write_png (COHORT_CHART_GROWTH, ov, &style, 640, 360, png, &error));
  g_assert_no_error (error);
  s = cairo_image_surface_create_from_png (png);
  g_assert_cmpint (cairo_surface_status (s), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (s), ==, 640);
  g_assert_cmpint (cairo_image_surface_get_height (s), ==, 360);
  cairo_surface_destroy (s);

  g_assert_true (cohort_chart_write_pdf (COHORT_CHART_HEATMAP, ov, &style, 640, 360, pdf, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (pdf, &contents, &len, NULL));
  g_assert_true (len > 1000 && g_str_has_prefix (contents, "%PDF"));
  g_clear_pointer (&contents, g_free);

  g_assert_true (cohort_chart_write_svg (COHORT_CHART_RETENTION, ov, &style, 640, 360, svg,
                                         &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (svg, &contents, &len, NULL));
  g_assert_nonnull (strstr (contents, "<svg"));

  g_assert_false (cohort_chart_write_png (COHORT_CHART_GROWTH, ov, &style, 640, 360, bad, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_false (cohort_chart_write_png (COHORT_CHART_GROWTH, ov, &style, 0, 360, png, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);

  g_unlink (png);
  g_unlink (pdf);
  g_unlink (svg);
  g_rmdir (dir);
}

static void
test_describe (void)
{
  g_autoptr(CohortOverviewFixture) ov = cohort_test_overview_new ();
  g_autofree char *growth = cohort_chart_describe (COHORT_CHART_GROWTH, ov);
  g_autofree char *activity = cohort_chart_describe (COHORT_CHART_ACTIVITY, ov);
  g_autofree char *heatmap = cohort_chart_describe (COHORT_CHART_HEATMAP, ov);
  g_autofree char *retention = cohort_chart_describe (COHORT_CHART_RETENTION, ov);
  g_autofree char *last = g_strdup_printf ("%d,%03d", (int) (ov->members[N_DAYS - 1] / 1000),
                                           (int) (ov->members[N_DAYS - 1] % 1000));
  CohortChartKind kind;

  g_assert_nonnull (strstr (growth, last));
  g_assert_nonnull (strstr (growth, "2024-01-01"));
  g_assert_nonnull (strstr (activity, "418"));   /* MAU30 on the last day */
  g_assert_nonnull (strstr (heatmap, "Wed 20:00"));
  g_assert_nonnull (strstr (retention, "8 weekly cohorts"));
  for (int k = 0; k < COHORT_CHART_N_KINDS; k++)
    g_assert_nonnull (cohort_chart_kind_title (k));

  g_assert_true (cohort_chart_kind_from_string ("overview-growth", &kind));
  g_assert_cmpint (kind, ==, COHORT_CHART_GROWTH);
  g_assert_true (cohort_chart_kind_from_string ("retention", &kind));
  g_assert_cmpint (kind, ==, COHORT_CHART_RETENTION);
  g_assert_false (cohort_chart_kind_from_string ("pie", &kind));
}

/* A long range switches the date axis to YYYY-MM and must still render and hit-test. */
static void
test_long_range (void)
{
  g_autoptr(CohortOverviewFixture) ov = g_new0 (CohortOverview, 1);
  guint n = 400;
  cairo_surface_t *s;

  ov->day0 = cohort_day_from_ymd (2023, 1, 1);
  ov->n_days = n;
  ov->members = g_new0 (gint64, n);
  ov->day_joins = g_new0 (gint64, n);
  ov->day_leaves = g_new0 (gint64, n);
  ov->dau = g_new0 (gint64, n);
  ov->wau7 = g_new0 (gint64, n);
  ov->mau30 = g_new0 (gint64, n);
  for (guint i = 0; i < n; i++)
    {
      ov->members[i] = 50000 + i * 13;
      ov->day_joins[i] = 20 + i % 9;
      ov->day_leaves[i] = 7 + i % 4;
      ov->dau[i] = 900 + (i * 37) % 300;
      ov->wau7[i] = 3000 + i;
      ov->mau30[i] = 8000 + 2 * i;
    }
  for (int kind = COHORT_CHART_GROWTH; kind <= COHORT_CHART_ACTIVITY; kind++)
    {
      s = render (kind, ov, FALSE, 399);
      if (g_getenv ("COHORT_CHART_GALLERY") != NULL)
        {
          g_autofree char *name = g_strdup_printf ("charts-long-%d.png", kind);
          g_autofree char *path = g_build_filename (g_getenv ("COHORT_CHART_GALLERY"), name,
                                                    NULL);
          cairo_surface_write_to_png (s, path);
        }
      cairo_surface_destroy (s);
    }
  g_assert_cmpint (cohort_chart_hit (COHORT_CHART_GROWTH, W, H, ov, W - 21.5, H / 2.0, NULL), ==,
                   399);
}

/* Degenerate sizes must neither crash nor emit criticals (G_DEBUG=fatal-criticals). */
static void
test_tiny_sizes (void)
{
  g_autoptr(CohortOverviewFixture) ov = cohort_test_overview_new ();
  static const int sizes[][2] = { { 1, 1 }, { 40, 30 }, { 160, 90 }, { 320, 120 } };
  CohortChartStyle style = default_style (FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    for (int kind = 0; kind < COHORT_CHART_N_KINDS; kind++)
      {
        cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, sizes[i][0],
                                                         sizes[i][1]);
        cairo_t *cr = cairo_create (s);

        cohort_chart_draw (kind, cr, sizes[i][0], sizes[i][1], ov, &style, 0);
        g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
        cohort_chart_hit (kind, sizes[i][0], sizes[i][1], ov, sizes[i][0] / 2.0,
                          sizes[i][1] / 2.0, NULL);
        cairo_destroy (cr);
        cairo_surface_destroy (s);
      }
}

/* COHORT_CHART_GALLERY=dir writes every chart in both styles for a visual check. */
static void
write_gallery (const char *dir)
{
  static const char *names[] = { "growth", "activity", "heatmap", "retention" };
  g_autoptr(CohortOverviewFixture) ov = cohort_test_overview_new ();

  for (int k = 0; k < COHORT_CHART_N_KINDS; k++)
    for (int dark = 0; dark <= 1; dark++)
      {
        CohortChartStyle style = default_style (dark);
        g_autofree char *name = g_strdup_printf ("charts-%s-%s.png", names[k],
                                                 dark ? "dark" : "light");
        g_autofree char *path = g_build_filename (dir, name, NULL);
        g_autofree char *hover_name = g_strdup_printf ("charts-%s-hover.png", names[k]);
        g_autofree char *hover_path = g_build_filename (dir, hover_name, NULL);
        g_autoptr(GError) error = NULL;
        cairo_surface_t *s;
        int hover = k <= COHORT_CHART_ACTIVITY ? 30 : k == COHORT_CHART_HEATMAP ? 2 * 24 + 20
                                                                                 : 14;

        g_assert_true (cohort_chart_write_png (k, ov, &style, W, H, path, &error));
        s = render (k, ov, dark, hover);
        cairo_surface_write_to_png (s, hover_path);
        cairo_surface_destroy (s);
      }
}

int
main (int argc, char *argv[])
{
  const char *gallery = g_getenv ("COHORT_CHART_GALLERY");

  g_test_init (&argc, &argv, NULL);
  if (gallery != NULL)
    write_gallery (gallery);

  g_test_add_func ("/cohort/charts/style", test_style);
  g_test_add_func ("/cohort/charts/growth", test_growth);
  g_test_add_func ("/cohort/charts/activity", test_activity);
  g_test_add_func ("/cohort/charts/narrow-legend", test_narrow_legend);
  g_test_add_func ("/cohort/charts/heatmap", test_heatmap);
  g_test_add_func ("/cohort/charts/heatmap-tooltip", test_heatmap_tooltip);
  g_test_add_func ("/cohort/charts/retention", test_retention);
  g_test_add_func ("/cohort/charts/retention-tooltip", test_retention_tooltip);
  g_test_add_func ("/cohort/charts/empty", test_empty);
  g_test_add_func ("/cohort/charts/hit-series", test_hit_series);
  g_test_add_func ("/cohort/charts/hover", test_hover);
  g_test_add_func ("/cohort/charts/write-files", test_write_files);
  g_test_add_func ("/cohort/charts/describe", test_describe);
  g_test_add_func ("/cohort/charts/long-range", test_long_range);
  g_test_add_func ("/cohort/charts/tiny-sizes", test_tiny_sizes);
  return g_test_run ();
}
