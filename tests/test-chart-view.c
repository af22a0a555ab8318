/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "cohort-chart-view.h"
#include "cohort-chart.h"
#include "cohort-render.h"
#include "cohort-test-overview.h"
#include "cohort-test-ui.h"

/*
 * CohortChartView under Xvfb: each kind drawn in a 1000×400 window (pixels checked, PNGs
 * saved to the build directory), hover from the API, the pointer and the keyboard, the
 * tooltip query, the empty state, the dark style and file export.
 */

#define WIN_W 1000
#define WIN_H 400

/* ------------------------------------------------------------------------------------------ */
/* Fixture: one chart in a window                                                            */

typedef struct
{
  CohortOverview *overview;
  GtkWidget *window;
  CohortChartView *view;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  CohortChartKind kind = GPOINTER_TO_INT (data);

  f->overview = cohort_test_overview_new ();
  f->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (f->window), WIN_W, WIN_H);
  f->view = COHORT_CHART_VIEW (cohort_chart_view_new (kind));
  g_assert_cmpint (cohort_chart_view_get_kind (f->view), ==, kind);
  cohort_chart_view_set_overview (f->view, f->overview);
  gtk_window_set_child (GTK_WINDOW (f->window), GTK_WIDGET (f->view));
  gtk_window_present (GTK_WINDOW (f->window));
  cohort_test_wait_for_frame (f->window);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (f->view)), ==, WIN_W);
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (f->view)), ==, WIN_H);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  /* The documented contract: detach the borrowed overview before freeing it. */
  cohort_chart_view_set_overview (f->view, NULL);
  cohort_test_overview_free (f->overview);
  gtk_window_destroy (GTK_WINDOW (f->window));
}

static void
image_clear (CohortTestImage *image)
{
  g_clear_pointer (&image->pixels, g_free);
}

static int
count_different (const CohortTestImage *a,
                 const CohortTestImage *b)
{
  int n = 0;

  g_assert_cmpint (a->width, ==, b->width);
  g_assert_cmpint (a->height, ==, b->height);
  for (int y = 0; y < a->height; y++)
    for (int x = 0; x < a->width; x++)
      if (memcmp (a->pixels + y * a->stride + x * 4, b->pixels + y * b->stride + x * 4, 4) != 0)
        n++;
  return n;
}

static const char *
kind_name (CohortChartKind kind)
{
  static const char * const names[] = { "growth", "activity", "heatmap", "retention" };
  return names[kind];
}

/* The index the tests hover: a day, the hot heatmap cell, the second retention row's week 1. */
static int
sample_index (CohortChartKind kind)
{
  switch (kind)
    {
    case COHORT_CHART_HEATMAP:
      return HOT_WD * 24 + HOT_H;
    case COHORT_CHART_RETENTION:
      return 1 * COHORT_RETENTION_MAX_WEEKS + 1;
    case COHORT_CHART_GROWTH:
    case COHORT_CHART_ACTIVITY:
    default:
      return 17;
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Tests                                                                                      */

/* Every kind draws its series in the Adwaita blue, inside the plot, not over the labels. */
static void
test_render (Fixture       *f,
             gconstpointer  data)
{
  CohortChartKind kind = GPOINTER_TO_INT (data);
  g_autofree char *name = g_strdup_printf ("chart-view-%s.png", kind_name (kind));
  g_autofree char *window_name = g_strdup_printf ("chart-view-%s-window.png", kind_name (kind));
  CohortTestImage image = cohort_test_render (GTK_WIDGET (f->view), name);
  CohortTestImage window = cohort_test_render (f->window, window_name);
  int in_plot, outside;

  g_assert_cmpint (image.width, ==, WIN_W);
  g_assert_cmpint (image.height, ==, WIN_H);
  /* Left of x = 60 are the axis or row labels: the series lies right of them. */
  in_plot = cohort_test_count_colour_in (&image, 60, 30, WIN_W, WIN_H, 0x35, 0x84, 0xe4, 30);
  outside = cohort_test_count_colour_in (&image, 0, 0, 50, WIN_H, 0x35, 0x84, 0xe4, 30);
  g_test_message ("%s: %d accent pixels in the plot, %d left of it", kind_name (kind), in_plot, outside);
  g_assert_cmpint (in_plot, >, kind == COHORT_CHART_HEATMAP ? 300 : 1000);
  g_assert_cmpint (outside, <, 20);

  /* The widget leaves its background to the card: its corner is transparent, and the
   * window behind it paints there. */
  g_assert_cmpint (image.pixels[3], ==, 0);
  g_assert_cmpint (window.pixels[3], ==, 255);
  image_clear (&image);
  image_clear (&window);
}

static void
test_hover (Fixture       *f,
            gconstpointer  data)
{
  CohortChartKind kind = GPOINTER_TO_INT (data);
  int index = sample_index (kind);
  g_autofree char *name = g_strdup_printf ("chart-view-%s-hover.png", kind_name (kind));
  CohortTestImage before = cohort_test_render (GTK_WIDGET (f->view),
                                               "chart-view-before-hover.png");
  CohortTestImage after, window = { 0, };
  const char *text;
  int changed;

  g_assert_cmpint (cohort_chart_view_get_hover_index (f->view), ==, -1);
  g_assert_null (cohort_chart_view_get_hover_text (f->view));

  g_test_timer_start ();
  cohort_chart_view_set_hover_index (f->view, index);
  g_test_message ("%s: first index lookup took %.1f ms", kind_name (kind), g_test_timer_elapsed () * 1000);
  g_assert_cmpint (cohort_chart_view_get_hover_index (f->view), ==, index);
  text = cohort_chart_view_get_hover_text (f->view);
  g_assert_nonnull (text);
  g_test_message ("%s: hover %d: %s", kind_name (kind), index, text);
  switch (kind)
    {
    case COHORT_CHART_GROWTH:
    case COHORT_CHART_ACTIVITY:
      g_assert_nonnull (strstr (text, "2024-01-18"));
      break;
    case COHORT_CHART_HEATMAP:
      g_assert_nonnull (strstr (text, "20:00"));
      g_assert_nonnull (strstr (text, "76"));
      break;
    case COHORT_CHART_RETENTION:
    default:
      g_assert_nonnull (strstr (text, "2024-01-08"));
      g_assert_nonnull (strstr (text, "Week 1"));
      break;
    }

  after = cohort_test_render (GTK_WIDGET (f->view), "chart-view-hover.png");
  image_clear (&window);
  /* on the window background, for people to look at */
  window = cohort_test_render (f->window, name);
  changed = count_different (&before, &after);
  g_test_message ("%s: %d pixels changed by the hover", kind_name (kind), changed);
  g_assert_cmpint (changed, >, 50);

  /* Clearing the hover restores the picture exactly. */
  cohort_chart_view_set_hover_index (f->view, -1);
  g_assert_null (cohort_chart_view_get_hover_text (f->view));
  image_clear (&after);
  after = cohort_test_render (GTK_WIDGET (f->view), "chart-view-after-hover.png");
  g_assert_cmpint (count_different (&before, &after), ==, 0);

  /* An index that names no item clears the hover. */
  cohort_chart_view_set_hover_index (f->view, index);
  cohort_chart_view_set_hover_index (f->view, 100000);
  g_assert_cmpint (cohort_chart_view_get_hover_index (f->view), ==, -1);
  if (kind == COHORT_CHART_RETENTION)
    {
      /* The newest cohort has one (running) week: its week 5 does not exist. */
      cohort_chart_view_set_hover_index (f->view, 7 * COHORT_RETENTION_MAX_WEEKS + 5);
      g_assert_cmpint (cohort_chart_view_get_hover_index (f->view), ==, -1);
    }

  image_clear (&before);
  image_clear (&after);
  image_clear (&window);
}

static GtkEventController *
find_controller (GtkWidget *widget,
                 GType      type)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (controller, type))
        return controller;   /* still owned by the widget */
    }
  g_assert_not_reached ();
  return NULL;
}

/* The pointer path: the motion controller's handler hit-tests like the renderer, and the
 * query-tooltip handler returns the same text; leaving clears the hover. */
static void
test_pointer (Fixture       *f,
              gconstpointer  data)
{
  CohortChartKind kind = GPOINTER_TO_INT (data);
  GtkEventController *motion = find_controller (GTK_WIDGET (f->view), GTK_TYPE_EVENT_CONTROLLER_MOTION);
  g_autofree char *expected = NULL;
  g_autoptr(GtkTooltip) tooltip = NULL;
  gboolean shown = FALSE;
  double x = WIN_W * 0.3, y = WIN_H * 0.3;   /* inside the plot of every kind */
  int index;

  index = cohort_chart_hit (kind, WIN_W, WIN_H, f->overview, x, y, &expected);
  g_assert_cmpint (index, >=, 0);
  g_assert_nonnull (expected);

  g_signal_emit_by_name (motion, "motion", x, y);
  g_assert_cmpint (cohort_chart_view_get_hover_index (f->view), ==, index);
  g_assert_cmpstr (cohort_chart_view_get_hover_text (f->view), ==, expected);

  /* query-tooltip is emitted by GTK with its own GtkTooltip; a bare one is enough here. */
  tooltip = g_object_new (GTK_TYPE_TOOLTIP, NULL);
  g_signal_emit_by_name (f->view, "query-tooltip", (int) x, (int) y, FALSE, tooltip, &shown);
  g_assert_true (shown);
  /* Outside the plot (the top-left corner) there is no hover and no tooltip. */
  g_signal_emit_by_name (motion, "motion", 2.0, 2.0);
  g_assert_cmpint (cohort_chart_view_get_hover_index (f->view), ==, -1);
  g_signal_emit_by_name (f->view, "query-tooltip", 2, 2, FALSE, tooltip, &shown);
  g_assert_false (shown);
  g_signal_emit_by_name (motion, "motion", x, y);
  g_assert_cmpint (cohort_chart_view_get_hover_index (f->view), ==, index);
  g_signal_emit_by_name (motion, "leave");
  g_assert_cmpint (cohort_chart_view_get_hover_index (f->view), ==, -1);
  g_assert_null (cohort_chart_view_get_hover_text (f->view));
}

static gboolean
press_key (Fixture *f,
           guint    keyval)
{
  GtkEventController *key = find_controller (GTK_WIDGET (f->view), GTK_TYPE_EVENT_CONTROLLER_KEY);
  gboolean handled = FALSE;

  g_signal_emit_by_name (key, "key-pressed", keyval, 0, (GdkModifierType) 0, &handled);
  return handled;
}

/* Left/Right walk the items and give each its text; Up/Down move by grid rows. */
static void
test_keyboard (Fixture       *f,
               gconstpointer  data)
{
  CohortChartKind kind = GPOINTER_TO_INT (data);
  g_autofree char *first = NULL;

  g_assert_true (gtk_widget_get_focusable (GTK_WIDGET (f->view)));
  g_assert_true (gtk_widget_grab_focus (GTK_WIDGET (f->view)));

  g_assert_true (press_key (f, GDK_KEY_Right));
  g_assert_cmpint (cohort_chart_view_get_hover_index (f->view), ==, 0);
  first = g_strdup (cohort_chart_view_get_hover_text (f->view));
  g_assert_nonnull (first);
  g_assert_true (press_key (f, GDK_KEY_Right));
  g_assert_cmpint (cohort_chart_view_get_hover_index (f->view), ==, 1);
  g_assert_cmpstr (cohort_chart_view_get_hover_text (f->view), !=, first);
  g_assert_true (press_key (f, GDK_KEY_Left));
  g_assert_cmpint (cohort_chart_view_get_hover_index (f->view), ==, 0);
  g_assert_cmpstr (cohort_chart_view_get_hover_text (f->view), ==, first);
  /* At the start, Left stays put. */
  g_assert_true (press_key (f, GDK_KEY_Left));
  g_assert_cmpint (cohort_chart_view_get_hover_index (f->view), ==, 0);

  g_assert_true (press_key (f, GDK_KEY_End));
  switch (kind)
    {
    case COHORT_CHART_GROWTH:
    case COHORT_CHART_ACTIVITY:
      g_assert_cmpint (cohort_chart_view_get_hover_index (f->view), ==, N_DAYS - 1);
      g_assert_nonnull (strstr (cohort_chart_view_get_hover_text (f->view), "2024-02-29"));
      g_assert_false (press_key (f, GDK_KEY_Up));
      break;
    case COHORT_CHART_HEATMAP:
      g_assert_cmpint (cohort_chart_view_get_hover_index (f->view), ==, 7 * 24 - 1);
      g_assert_true (press_key (f, GDK_KEY_Up));
      g_assert_cmpint (cohort_chart_view_get_hover_index (f->view), ==, 6 * 24 - 1);
      break;
    case COHORT_CHART_RETENTION:
    default:
      /* The last cohort has a single week, so End lands on its week 0, and Right from the
       * first row's last week (7) skips the missing cells to the next row. */
      g_assert_cmpint (cohort_chart_view_get_hover_index (f->view), ==, 7 * COHORT_RETENTION_MAX_WEEKS);
      cohort_chart_view_set_hover_index (f->view, 7);
      g_assert_true (press_key (f, GDK_KEY_Right));
      g_assert_cmpint (cohort_chart_view_get_hover_index (f->view), ==, COHORT_RETENTION_MAX_WEEKS);
      g_assert_true (press_key (f, GDK_KEY_Down));
      g_assert_cmpint (cohort_chart_view_get_hover_index (f->view), ==, 2 * COHORT_RETENTION_MAX_WEEKS);
      break;
    }

  /* With keyboard focus the chart draws a focus ring in the accent colour. */
  {
    g_autofree char *name = g_strdup_printf ("chart-view-%s-keyboard.png", kind_name (kind));
    CohortTestImage image;

    gtk_window_set_focus_visible (GTK_WINDOW (f->window), TRUE);
    g_assert_true (gtk_widget_has_visible_focus (GTK_WIDGET (f->view)));
    image = cohort_test_render (f->window, name);
    /* The ring runs along the left edge, where nothing else is drawn. */
    g_assert_cmpint (cohort_test_count_colour_in (&image, 0, 20, 4, WIN_H - 20,
                                                  0x35, 0x84, 0xe4, 140),
                     >, WIN_H / 2);
    image_clear (&image);
  }

  g_assert_true (press_key (f, GDK_KEY_Escape));
  g_assert_cmpint (cohort_chart_view_get_hover_index (f->view), ==, -1);
  g_assert_false (press_key (f, GDK_KEY_a));
}

/* Without an overview: the "no data" drawing, no items, no hover, no export. */
static void
test_empty (Fixture       *f,
            gconstpointer  data)
{
  CohortChartKind kind = GPOINTER_TO_INT (data);
  g_autofree char *name = g_strdup_printf ("chart-view-%s-empty.png", kind_name (kind));
  g_autofree char *path = g_test_build_filename (G_TEST_BUILT, "chart-view-empty-export.png", NULL);
  g_autoptr(GError) error = NULL;
  CohortTestImage image;

  cohort_chart_view_set_hover_index (f->view, 3);
  cohort_chart_view_set_overview (f->view, NULL);
  g_assert_cmpint (cohort_chart_view_get_hover_index (f->view), ==, -1);
  g_assert_null (cohort_chart_view_get_overview (f->view));
  image = cohort_test_render (GTK_WIDGET (f->view), name);
  g_assert_cmpint (cohort_test_count_colour (&image, 0x35, 0x84, 0xe4, 30), <, 20);
  cohort_chart_view_set_hover_index (f->view, 3);
  g_assert_cmpint (cohort_chart_view_get_hover_index (f->view), ==, -1);
  g_assert_false (press_key (f, GDK_KEY_Right));
  g_assert_false (cohort_chart_view_export_to_path (f->view, path, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  image_clear (&image);
}

/* The dark style switches to the lighter blue and repaints by itself. */
static void
test_dark (Fixture       *f,
           gconstpointer  data)
{
  AdwStyleManager *manager = adw_style_manager_get_default ();
  CohortTestImage light, dark;

  light = cohort_test_render (GTK_WIDGET (f->view), "chart-view-light.png");
  adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_FORCE_DARK);
  g_assert_true (adw_style_manager_get_dark (manager));
  dark = cohort_test_render (f->window, "chart-view-growth-dark.png");
  adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_DEFAULT);

  g_assert_cmpint (cohort_test_count_colour (&light, 0x35, 0x84, 0xe4, 30), >, 1000);
  g_assert_cmpint (cohort_test_count_colour (&dark, 0x62, 0xa0, 0xea, 30), >, 1000);
  g_assert_cmpint (cohort_test_count_colour (&dark, 0x35, 0x84, 0xe4, 10), <, 50);
  image_clear (&light);
  image_clear (&dark);
}

static void
test_export (Fixture       *f,
             gconstpointer  data)
{
  static const char * const suffixes[] = { "png", "svg", "pdf" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *name = g_strdup_printf ("chart-view-export.%s", suffixes[i]);
      g_autofree char *path = g_test_build_filename (G_TEST_BUILT, name, NULL);
      g_autoptr(GError) error = NULL;
      g_autofree char *contents = NULL;
      gsize length = 0;

      g_unlink (path);
      g_assert_true (cohort_chart_view_export_to_path (f->view, path, &error));
      g_assert_no_error (error);
      g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
      g_assert_cmpuint (length, >, 1000);
      if (i == 0)
        {
          g_autoptr(GdkTexture) texture = gdk_texture_new_from_filename (path, &error);

          g_assert_no_error (error);
          g_assert_cmpint (gdk_texture_get_width (texture), ==, 1600);
          g_assert_cmpint (gdk_texture_get_height (texture), ==, 700);
        }
      else if (i == 1)
        g_assert_nonnull (strstr (contents, "<svg"));
      else
        g_assert_true (g_str_has_prefix (contents, "%PDF"));
    }

  /* An unwritable path is an error, not a crash. */
  {
    g_autoptr(GError) error = NULL;

    g_assert_false (cohort_chart_view_export_to_path (f->view, "/nonexistent/dir/chart.png", &error));
    g_assert_nonnull (error);
  }

  /* The context menu (Shift+F10, right-click) pops up over the chart and goes away with it. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "menu.popup", NULL));
  cohort_test_wait_for_frame (f->window);
  {
    GtkWidget *menu = gtk_widget_get_first_child (GTK_WIDGET (f->view));

    g_assert_true (GTK_IS_POPOVER_MENU (menu));
    g_assert_true (gtk_widget_get_visible (menu));
    gtk_popover_popdown (GTK_POPOVER (menu));
    g_assert_false (gtk_widget_get_visible (menu));
    cohort_test_wait_for_frame (f->window);
  }
}

/* Two cohorts with the same shares at weeks 0 and 1: the newer one's points cover the older
 * one's, and the keyboard still steps onto those and names them. */
static void
test_curves_covered (void)
{
  CohortRetention *r = g_new0 (CohortRetention, 1);
  GtkWidget *window = gtk_window_new ();
  CohortChartView *view = COHORT_CHART_VIEW (cohort_chart_view_new (COHORT_CHART_CURVES));
  GtkEventController *key;
  gboolean handled = FALSE;

  r->period = COHORT_RETENTION_BY_WEEK;
  r->mode = COHORT_RETENTION_MEMBERSHIP;
  r->asof = cohort_day_from_ymd (2024, 3, 31);
  r->n_rows = 2;
  r->rows = g_new0 (CohortRetentionCohort, 2);
  r->rows[0].start = cohort_day_from_ymd (2024, 3, 4);
  r->rows[0].size = 20;
  r->rows[0].n_cells = 3;
  r->rows[0].cells[0] = (CohortRate) { 20, 20 };
  r->rows[0].cells[1] = (CohortRate) { 18, 20 };
  r->rows[0].cells[2] = (CohortRate) { 16, 20 };
  r->rows[1].start = cohort_day_from_ymd (2024, 3, 11);
  r->rows[1].size = 10;
  r->rows[1].n_cells = 2;
  r->rows[1].cells[0] = (CohortRate) { 10, 10 };
  r->rows[1].cells[1] = (CohortRate) { 9, 10 };

  gtk_window_set_default_size (GTK_WINDOW (window), WIN_W, WIN_H);
  cohort_chart_view_set_data (view, r);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (view));
  gtk_window_present (GTK_WINDOW (window));
  cohort_test_wait_for_frame (window);

  cohort_chart_view_set_hover_index (view, 1);
  g_assert_cmpint (cohort_chart_view_get_hover_index (view), ==, 1);
  g_assert_nonnull (strstr (cohort_chart_view_get_hover_text (view), "2024-03-04"));
  g_assert_nonnull (strstr (cohort_chart_view_get_hover_text (view), "(18 of 20)"));

  /* Right from week 0 lands on the covered week 1, not on week 2 */
  key = find_controller (GTK_WIDGET (view), GTK_TYPE_EVENT_CONTROLLER_KEY);
  cohort_chart_view_set_hover_index (view, 0);
  g_assert_cmpint (cohort_chart_view_get_hover_index (view), ==, 0);
  g_signal_emit_by_name (key, "key-pressed", GDK_KEY_Right, 0, (GdkModifierType) 0, &handled);
  g_assert_true (handled);
  g_assert_cmpint (cohort_chart_view_get_hover_index (view), ==, 1);

  cohort_chart_view_set_data (view, NULL);
  gtk_window_destroy (GTK_WINDOW (window));
  cohort_retention_free (r);
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  for (int kind = 0; kind < COHORT_CHART_N_KINDS; kind++)
    {
      static const char * const cases[] = { "render", "hover", "pointer", "keyboard", "empty" };
      static const GTestFixtureFunc funcs[] = {
        (GTestFixtureFunc) test_render, (GTestFixtureFunc) test_hover,
        (GTestFixtureFunc) test_pointer, (GTestFixtureFunc) test_keyboard,
        (GTestFixtureFunc) test_empty,
      };

      for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
        {
          g_autofree char *path = g_strdup_printf ("/cohort/chart-view/%s/%s", cases[i],
                                                   kind_name (kind));

          g_test_add_vtable (path, sizeof (Fixture), GINT_TO_POINTER (kind),
                             (GTestFixtureFunc) fixture_setup, funcs[i],
                             (GTestFixtureFunc) fixture_teardown);
        }
    }
  g_test_add ("/cohort/chart-view/dark", Fixture, GINT_TO_POINTER (COHORT_CHART_GROWTH),
              fixture_setup, test_dark, fixture_teardown);
  g_test_add_func ("/cohort/chart-view/curves-covered", test_curves_covered);
  g_test_add ("/cohort/chart-view/export", Fixture, GINT_TO_POINTER (COHORT_CHART_GROWTH),
              fixture_setup, test_export, fixture_teardown);
  return g_test_run ();
}
