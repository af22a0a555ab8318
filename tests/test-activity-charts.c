/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "cohort-chart.h"

/*
 * The chart kinds of the Activity & Content and Retention pages, drawn with cairo on
 * hand-made data: hovering a day, a member node or a curve point names its exact values, the
 * drawing puts the accent where the hit test says the item is, and no data shows a message.
 */

static CohortActivity *
make_activity (void)
{
  CohortActivity *a = g_new0 (CohortActivity, 1);
  static const char * const names[] = { "林敏", "Bob", "陈晨", "Dana" };

  a->day0 = cohort_day_from_ymd (2024, 3, 1);
  a->day1 = a->day0 + 9;
  a->n_days = 10;
  a->dau = g_new0 (gint64, 10);
  a->mau30 = g_new0 (gint64, 10);
  for (guint i = 0; i < 10; i++)
    {
      a->dau[i] = 2 + i % 3;
      a->mau30[i] = 10;
    }
  a->mau30[9] = 0;             /* a day without 30-day actives has no ratio */
  a->stickiness = (CohortRate) { 30, 100 };
  a->active = 10;
  a->mech_texts = g_ptr_array_new ();
  a->keywords = g_ptr_array_new ();
  a->rising = g_ptr_array_new ();
  a->nodes = g_ptr_array_new ();
  a->edges = g_array_new (FALSE, FALSE, sizeof (CohortNetworkEdge));
  for (guint i = 0; i < 4; i++)
    {
      CohortNetworkNode *node = g_new0 (CohortNetworkNode, 1);

      node->member = i;
      node->name = g_strdup (names[i]);
      node->interactions = 8 - i;
      node->messages = 20 - 3 * i;
      g_ptr_array_add (a->nodes, node);
    }
  for (guint i = 1; i < 4; i++)
    {
      CohortNetworkEdge edge = { 0, i, i };

      g_array_append_val (a->edges, edge);
    }
  return a;
}

static void
free_activity (CohortActivity *a)
{
  for (guint i = 0; i < a->nodes->len; i++)
    g_free (((CohortNetworkNode *)a->nodes->pdata[i])->name);
  g_ptr_array_set_free_func (a->nodes, g_free);
  cohort_activity_free (a);
}

static CohortRetention *
make_retention (void)
{
  CohortRetention *r = g_new0 (CohortRetention, 1);

  r->period = COHORT_RETENTION_BY_WEEK;
  r->mode = COHORT_RETENTION_MEMBERSHIP;
  r->asof = cohort_day_from_ymd (2024, 3, 31);
  r->n_rows = 2;
  r->rows = g_new0 (CohortRetentionCohort, 2);
  r->rows[0].start = cohort_day_from_ymd (2024, 3, 4);
  r->rows[0].size = 20;
  r->rows[0].n_cells = 4;
  for (int k = 0; k < 4; k++)
    r->rows[0].cells[k] = (CohortRate) { 20 - 2 * k, 20 };
  r->rows[1].start = cohort_day_from_ymd (2024, 3, 11);
  r->rows[1].size = 10;
  r->rows[1].n_cells = 3;
  r->rows[1].cells[0] = (CohortRate) { 10, 10 };
  r->rows[1].cells[1] = (CohortRate) { 9, 10 };
  /* cells[2] immature: (0, 0) */
  return r;
}

static cairo_surface_t *
draw (CohortChartKind kind,
      gconstpointer   data,
      int             hover)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 800, 400);
  cairo_t *cr = cairo_create (surface);
  CohortChartStyle style;

  cohort_chart_style_init_default (&style, FALSE);
  cohort_chart_draw (kind, cr, 800, 400, data, &style, hover);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

/* The pixel at (x, y) is close to the colour (ARGB32 is B, G, R, A in memory). */
static gboolean
pixel_is (cairo_surface_t *s,
          int              x,
          int              y,
          guint32          rgb)
{
  const guchar *p = cairo_image_surface_get_data (s) + y * cairo_image_surface_get_stride (s) + x * 4;

  return ABS (p[2] - (int)(rgb >> 16)) < 40 && ABS (p[1] - (int)((rgb >> 8) & 0xff)) < 40 &&
         ABS (p[0] - (int)(rgb & 0xff)) < 40;
}

/* Finds a point the hit test maps to index; FALSE if there is none. */
static gboolean
find_item (CohortChartKind kind,
           gconstpointer   data,
           int             index,
           int            *x,
           int            *y)
{
  for (*y = 0; *y < 400; (*y)++)
    for (*x = 0; *x < 800; (*x)++)
      if (cohort_chart_hit (kind, 800, 400, data, *x + 0.5, *y + 0.5, NULL) == index)
        return TRUE;
  return FALSE;
}

static void
test_stickiness (void)
{
  CohortActivity *a = make_activity ();
  char *tip = NULL;
  int x, y;

  g_assert_true (find_item (COHORT_CHART_STICKINESS, a, 4, &x, &y));
  g_assert_cmpint (cohort_chart_hit (COHORT_CHART_STICKINESS, 800, 400, a, x + 0.5, y + 0.5, &tip), ==, 4);
  /* 03-05: DAU 2 + 4 % 3 = 3 of MAU30 10 */
  g_assert_nonnull (strstr (tip, "2024-03-05"));
  g_assert_nonnull (strstr (tip, "30.0%"));
  g_free (tip);
  g_assert_true (find_item (COHORT_CHART_STICKINESS, a, 9, &x, &y));
  cohort_chart_hit (COHORT_CHART_STICKINESS, 800, 400, a, x + 0.5, y + 0.5, &tip);
  g_assert_null (strstr (tip, "%"));
  g_free (tip);
  g_assert_cmpint (cohort_chart_item_count (COHORT_CHART_STICKINESS, a), ==, 10);
  free_activity (a);
}

static void
test_network (void)
{
  CohortActivity *a = make_activity ();
  cairo_surface_t *plain, *lit;
  char *tip = NULL;
  int x, y, cx = -1, cy = -1;

  /* node 0 is at the top of the ring; find its centre row by row */
  g_assert_true (find_item (COHORT_CHART_NETWORK, a, 0, &x, &y));
  g_assert_cmpint (cohort_chart_hit (COHORT_CHART_NETWORK, 800, 400, a, x + 0.5, y + 0.5, &tip), ==, 0);
  g_assert_nonnull (strstr (tip, "林敏"));
  g_assert_nonnull (strstr (tip, "8"));
  g_assert_nonnull (strstr (tip, "20"));
  g_free (tip);
  for (int yy = y; yy < 400 && cx < 0; yy++)
    if (cohort_chart_hit (COHORT_CHART_NETWORK, 800, 400, a, x + 0.5, yy + 0.5, NULL) != 0)
      {
        cx = x;
        cy = (y + yy) / 2;
      }
  g_assert_cmpint (cx, >=, 0);

  /* drawn in the accent blue, and in orange while hovered */
  plain = draw (COHORT_CHART_NETWORK, a, -1);
  lit = draw (COHORT_CHART_NETWORK, a, 0);
  g_assert_true (pixel_is (plain, cx, cy, 0x3584e4));
  g_assert_true (pixel_is (lit, cx, cy, 0xff7800));
  cairo_surface_destroy (plain);
  cairo_surface_destroy (lit);
  g_assert_cmpint (cohort_chart_hit (COHORT_CHART_NETWORK, 800, 400, a, 2, 2, NULL), ==, -1);
  free_activity (a);
}

static void
test_curves (void)
{
  CohortRetention *r = make_retention ();
  char *tip = NULL;
  int x, y;

  /* row 0, week 2: 16 of 20 */
  g_assert_true (find_item (COHORT_CHART_CURVES, r, 0 * COHORT_RETENTION_COLUMNS + 2, &x, &y));
  g_assert_cmpint (cohort_chart_hit (COHORT_CHART_CURVES, 800, 400, r, x + 0.5, y + 0.5, &tip),
                   ==, 2);
  g_assert_nonnull (strstr (tip, "2024-03-04"));
  g_assert_nonnull (strstr (tip, "80.0%"));
  g_assert_nonnull (strstr (tip, "16"));
  g_free (tip);
  /* row 1's week 2 has not ended: no point to hover */
  g_assert_false (find_item (COHORT_CHART_CURVES, r, COHORT_RETENTION_COLUMNS + 2, &x, &y));
  g_assert_true (find_item (COHORT_CHART_CURVES, r, COHORT_RETENTION_COLUMNS + 1, &x, &y));
  g_assert_cmpint (cohort_chart_row_stride (COHORT_CHART_CURVES), ==, COHORT_RETENTION_COLUMNS);
  cohort_retention_free (r);
}

/* Row 1 (the newer cohort) has row 0's shares at weeks 0 and 1, so its points are drawn
 * over row 0's: no point hits row 0's week 1, yet its text is there for the keyboard. */
static void
test_curves_covered (void)
{
  CohortRetention *r = make_retention ();
  char *tip = NULL;
  int x, y;

  g_assert_false (find_item (COHORT_CHART_CURVES, r, 1, &x, &y));
  g_assert_true (find_item (COHORT_CHART_CURVES, r, COHORT_RETENTION_COLUMNS + 1, &x, &y));
  tip = cohort_chart_covered_item_tooltip (COHORT_CHART_CURVES, r, 1);
  g_assert_nonnull (tip);
  g_assert_nonnull (strstr (tip, "2024-03-04"));
  g_assert_nonnull (strstr (tip, "90.0%"));
  g_assert_nonnull (strstr (tip, "(18 of 20)"));
  g_free (tip);
  /* row 0's week 3 and row 1's unended week 2 are not drawn at all */
  g_assert_true (find_item (COHORT_CHART_CURVES, r, 3, &x, &y));
  g_assert_null (cohort_chart_covered_item_tooltip (COHORT_CHART_CURVES, r, COHORT_RETENTION_COLUMNS + 2));
  g_assert_null (cohort_chart_covered_item_tooltip (COHORT_CHART_CURVES, r, 4));
  g_assert_null (cohort_chart_covered_item_tooltip (COHORT_CHART_CURVES, r, 2 * COHORT_RETENTION_COLUMNS));
  g_assert_null (cohort_chart_covered_item_tooltip (COHORT_CHART_CURVES, NULL, 1));
  cohort_retention_free (r);
}

static void
test_empty (void)
{
  static const CohortChartKind kinds[] = { COHORT_CHART_STICKINESS, COHORT_CHART_NETWORK,
                                           COHORT_CHART_CURVES };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      cairo_surface_t *s = draw (kinds[i], NULL, -1);
      g_autofree char *text = cohort_chart_describe (kinds[i], NULL);
      CohortChartKind parsed;

      g_assert_cmpint (cohort_chart_hit (kinds[i], 800, 400, NULL, 400, 200, NULL), ==, -1);
      g_assert_nonnull (strstr (text, cohort_chart_kind_title (kinds[i])));
      g_assert_cmpint (cohort_chart_item_count (kinds[i], NULL), ==, 0);
      g_assert_true (cohort_chart_kind_from_string (i == 0 ? "stickiness" : i == 1 ? "network"
                                                    : "retention-curves", &parsed));
      g_assert_cmpint (parsed, ==, kinds[i]);
      cairo_surface_destroy (s);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cohort/activity-charts/stickiness", test_stickiness);
  g_test_add_func ("/cohort/activity-charts/network", test_network);
  g_test_add_func ("/cohort/activity-charts/curves", test_curves);
  g_test_add_func ("/cohort/activity-charts/curves-covered", test_curves_covered);
  g_test_add_func ("/cohort/activity-charts/empty", test_empty);
  return g_test_run ();
}
