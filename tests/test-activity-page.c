/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "cohort-activity-page.h"
#include "cohort-chart-view.h"
#include "cohort-demo.h"
#include "cohort-render.h"
#include "cohort-retention-page.h"
#include "cohort-test-ui.h"
#include "cohort-window.h"

/*
 * The Activity & Content and Retention pages on the demo community, under Xvfb, inside the
 * real window (which hands them its database and community): each page loads off the main
 * thread, renders to PNG, and the pixels show its charts; switching the retention period
 * recomputes and replaces the data.
 */

typedef struct
{
  char      *dir;
  char      *db_path;
  gint64     community;
  GtkWidget *window;
  GtkWidget *page;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CohortImportResult) result = NULL;
  g_autoptr(GPtrArray) communities = NULL;
  CohortDb *db;

  f->dir = g_dir_make_tmp ("cohort-activity-ui-XXXXXX", NULL);
  f->db_path = g_build_filename (f->dir, "cohort.db", NULL);
  /* the test thread plays the import worker here: nothing else runs yet */
  db = cohort_db_open (f->db_path, FALSE, &error);
  g_assert_no_error (error);
  result = cohort_demo_import (db, g_get_real_time () / G_USEC_PER_SEC, NULL, &error);
  g_assert_no_error (error);
  communities = cohort_db_list_communities (db, &error);
  g_assert_no_error (error);
  f->community = ((CohortCommunityInfo *)communities->pdata[0])->id;
  cohort_db_close (db);

  {
    g_autoptr(GSettings) settings = g_settings_new (APP_ID);

    g_settings_set_string (settings, "date-range", "last-30");
    g_settings_set_int64 (settings, "last-community", 0);
  }
  f->window = g_object_ref_sink (GTK_WIDGET (cohort_window_new (NULL, f->db_path)));
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1280, 1500);
  gtk_window_present (GTK_WINDOW (f->window));
  /* the pages off screen are built after the window's first frame */
  {
    gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

    while (cohort_window_is_busy (COHORT_WINDOW (f->window)) && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, FALSE);
  }
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *wal = g_strconcat (f->db_path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (f->db_path, "-shm", NULL);

  gtk_window_destroy (GTK_WINDOW (f->window));
  g_object_unref (f->window);
  g_unlink (f->db_path);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (f->dir);
  g_free (f->db_path);
  g_free (f->dir);
}

static void
wait_for (gboolean (*ready) (gpointer),
          gpointer   page)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (!ready (page) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_true (ready (page));
}

/* Pixels of a colour inside a widget's bounds in the window. */
static int
count_in_box (const CohortTestImage *image,
              const graphene_rect_t *box,
              int                    r,
              int                    g,
              int                    b,
              int                    tolerance)
{
  return cohort_test_count_colour_in (image, box->origin.x, box->origin.y,
                                      box->origin.x + box->size.width,
                                      box->origin.y + box->size.height, r, g, b, tolerance);
}

/* The widget's bounds in the window, for looking at its pixels only. */
static void
bounds_in_window (GtkWidget       *widget,
                  GtkWidget       *window,
                  graphene_rect_t *rect)
{
  g_assert_true (gtk_widget_compute_bounds (widget, window, rect));
}

static gboolean
activity_ready (gpointer page)
{
  return cohort_activity_page_get_data (page) != NULL;
}

static gboolean
activity_ninety_days (gpointer page)
{
  const CohortActivityData *d = cohort_activity_page_get_data (page);

  return d != NULL && d->activity->n_days == 90;
}

static void
test_activity_page (Fixture       *f,
                    gconstpointer  data)
{
  GtkWidget *page = cohort_test_find_widget (f->window, COHORT_TYPE_ACTIVITY_PAGE);
  const CohortActivity *a;
  GtkWidget *network, *stickiness;
  graphene_rect_t box;
  g_autofree char *csv = NULL;
  CohortTestImage image;

  /* the window loads the Overview, then hands the community to the page */
  g_assert_nonnull (page);
  wait_for (activity_ready, page);
  cohort_window_show_page (COHORT_WINDOW (f->window), "activity");
  g_assert_cmpstr (cohort_window_get_page_name (COHORT_WINDOW (f->window)), ==, "activity");

  a = cohort_activity_page_get_data (COHORT_ACTIVITY_PAGE (page))->activity;
  g_assert_cmpint (a->n_days, ==, 30);
  g_assert_cmpint (a->active, >, 50);
  g_assert_cmpint (a->interactions, >, 0);
  g_assert_cmpuint (a->nodes->len, ==, COHORT_ACTIVITY_NETWORK_NODES);
  g_assert_cmpuint (a->keywords->len, >, 5);
  g_assert_cmpuint (a->mech_texts->len, >, 5);

  /* the network draws its nodes in the accent blue (#3584e4) */
  image = cohort_test_render (f->window, "activity-page.png");
  network = cohort_activity_page_get_chart (COHORT_ACTIVITY_PAGE (page), COHORT_CHART_NETWORK);
  bounds_in_window (network, f->window, &box);
  g_assert_cmpfloat (box.size.height, >=, 300);
  g_assert_cmpint (count_in_box (&image, &box, 0x35, 0x84, 0xe4, 30), >, 1500);
  /* the stickiness line and its orange (#ff7800) range average */
  stickiness = cohort_activity_page_get_chart (COHORT_ACTIVITY_PAGE (page), COHORT_CHART_STICKINESS);
  bounds_in_window (stickiness, f->window, &box);
  g_assert_cmpint (count_in_box (&image, &box, 0x35, 0x84, 0xe4, 30), >, 200);
  g_assert_cmpint (count_in_box (&image, &box, 0xff, 0x78, 0x00, 40), >, 100);
  g_free (image.pixels);

  /* hovering a node names the member with exact counts */
  cohort_chart_view_set_hover_index (COHORT_CHART_VIEW (network), 0);
  g_assert_nonnull (strstr (cohort_chart_view_get_hover_text (COHORT_CHART_VIEW (network)),
                            ((CohortNetworkNode *)a->nodes->pdata[0])->name));

  csv = cohort_activity_page_keywords_csv (COHORT_ACTIVITY_PAGE (page));
  g_assert_true (g_str_has_prefix (csv, "term,members,occurrences,"));
  g_assert_nonnull (strstr (csv, ((CohortKeyword *)a->keywords->pdata[0])->term));
  {
    g_autofree char *kinds = cohort_activity_page_kinds_csv (COHORT_ACTIVITY_PAGE (page));
    g_autofree char *text_line = g_strdup_printf ("\ntext,%" G_GINT64_FORMAT "\n",
                                                  a->kinds[COHORT_MESSAGE_TEXT]);
    g_autofree char *mech = cohort_activity_page_mech_csv (COHORT_ACTIVITY_PAGE (page));

    g_assert_true (g_str_has_prefix (kinds, "kind,messages\n"));
    g_assert_nonnull (strstr (kinds, text_line));
    g_assert_nonnull (strstr (mech, ((CohortMechText *)a->mech_texts->pdata[1])->text));
  }

  /* the window's range applies to the page: a longer range recomputes it off-thread */
  {
    g_autoptr(GSettings) settings = g_settings_new (APP_ID);
    gint64 messages = a->messages;

    g_settings_set_string (settings, "date-range", "last-90");
    wait_for (activity_ninety_days, page);
    a = cohort_activity_page_get_data (COHORT_ACTIVITY_PAGE (page))->activity;
    g_assert_cmpint (a->messages, >, messages);
    g_settings_set_string (settings, "date-range", "last-30");
  }
}

static gboolean
retention_ready (gpointer page)
{
  return cohort_retention_page_get_data (page) != NULL;
}

static gboolean
retention_monthly (gpointer page)
{
  const CohortActivityData *d = cohort_retention_page_get_data (page);

  return d != NULL && d->retention->period == COHORT_RETENTION_BY_MONTH &&
         d->retention->mode == COHORT_RETENTION_ACTIVITY;
}

/* Each period's head keeps the cells' 8 px on either side of its text, so that neighbours
 * ("Week 10", "Week 11") never run into each other however narrow the window. */
static void
assert_heads_padded (GtkWidget             *page,
                     const CohortRetention *r)
{
  GtkGrid *table = GTK_GRID (gtk_widget_get_template_child (page, COHORT_TYPE_RETENTION_PAGE,
                                                             "table"));
  int cols = 0;

  for (guint i = 0; i < r->n_rows; i++)
    cols = MAX (cols, r->rows[i].n_cells);
  g_assert_cmpint (cols, >, 10);
  for (int k = 0; k < cols; k++)
    {
      GtkWidget *head = gtk_grid_get_child_at (table, k + 2, 0);
      graphene_rect_t box;
      int text_width;

      g_assert_true (GTK_IS_LABEL (head));
      pango_layout_get_pixel_size (gtk_label_get_layout (GTK_LABEL (head)), &text_width, NULL);
      /* the bounds include the padding, the content width does not */
      g_assert_true (gtk_widget_compute_bounds (head, GTK_WIDGET (table), &box));
      g_assert_cmpfloat (box.size.width, >=, text_width + 16);
    }
}

static void
test_retention_page (Fixture       *f,
                     gconstpointer  data)
{
  GtkWidget *page = cohort_test_find_widget (f->window, COHORT_TYPE_RETENTION_PAGE);
  const CohortRetention *r;
  GtkWidget *curves;
  graphene_rect_t box;
  CohortTestImage image;
  int accent_cells, shaded;

  g_assert_nonnull (page);
  wait_for (retention_ready, page);
  cohort_window_show_page (COHORT_WINDOW (f->window), "retention");

  r = cohort_retention_page_get_data (COHORT_RETENTION_PAGE (page))->retention;
  g_assert_cmpint (r->period, ==, COHORT_RETENTION_BY_WEEK);
  g_assert_cmpint (r->mode, ==, COHORT_RETENTION_MEMBERSHIP);
  g_assert_cmpuint (r->n_rows, ==, COHORT_RETENTION_ROWS);

  image = cohort_test_render (f->window, "retention-page.png");
  assert_heads_padded (page, r);
  curves = cohort_retention_page_get_chart (COHORT_RETENTION_PAGE (page));
  bounds_in_window (curves, f->window, &box);
  g_assert_cmpint (count_in_box (&image, &box, 0x35, 0x84, 0xe4, 30), >, 40);
  accent_cells = count_in_box (&image, &box, 0x35, 0x84, 0xe4, 30);
  /* the highest shares of the table fill their cells with the solid accent */
  shaded = cohort_test_count_colour_in (&image, 0, 0, image.width, box.origin.y,
                                        0x35, 0x84, 0xe4, 12);
  g_assert_cmpint (shaded, >, 1000);
  g_free (image.pixels);

  /* keyboard-style hover on the first cohort's week 1 names its exact share */
  cohort_chart_view_set_hover_index (COHORT_CHART_VIEW (curves), 1);
  g_assert_cmpint (cohort_chart_view_get_hover_index (COHORT_CHART_VIEW (curves)), ==, 1);
  {
    g_autofree char *label = cohort_retention_row_label (r, 0);
    g_autofree char *share = g_strdup_printf ("(%" G_GINT64_FORMAT " of %" G_GINT64_FORMAT ")",
                                              r->rows[0].cells[1].num, r->rows[0].cells[1].den);

    g_assert_nonnull (strstr (cohort_chart_view_get_hover_text (COHORT_CHART_VIEW (curves)), label));
    g_assert_nonnull (strstr (cohort_chart_view_get_hover_text (COHORT_CHART_VIEW (curves)), share));
  }

  cohort_retention_page_set_view (COHORT_RETENTION_PAGE (page), COHORT_RETENTION_BY_MONTH,
                                  COHORT_RETENTION_ACTIVITY);
  wait_for (retention_monthly, page);
  r = cohort_retention_page_get_data (COHORT_RETENTION_PAGE (page))->retention;
  g_assert_cmpuint (r->n_rows, >=, 5);
  /* 次月留存 over every cohort that has completed its first month */
  {
    gint64 num = 0, den = 0;
    g_autofree char *expected = NULL;

    for (guint i = 0; i < r->n_rows; i++)
      if (r->rows[i].n_cells > 1)
        {
          num += r->rows[i].cells[1].num;
          den += r->rows[i].cells[1].den;
        }
    g_assert_cmpint (den, >, 0);
    expected = g_strdup_printf ("(%" G_GINT64_FORMAT " of %" G_GINT64_FORMAT ")", num, den);
    g_assert_true (g_str_has_prefix (cohort_retention_page_get_summary (COHORT_RETENTION_PAGE (page)),
                                     "Next-month retention"));
    g_assert_nonnull (strstr (cohort_retention_page_get_summary (COHORT_RETENTION_PAGE (page)),
                              expected));
  }
  image = cohort_test_render (f->window, "retention-page-monthly.png");
  /* monthly activity curves are drawn too, and differ from the weekly membership ones */
  g_assert_cmpint (count_in_box (&image, &box, 0x35, 0x84, 0xe4, 30), !=, accent_cells);
  g_assert_cmpint (r->rows[0].cells[0].den, >, 0);
  /* a different table: its top cells are solid too, but not the same number of pixels */
  g_assert_cmpint (cohort_test_count_colour_in (&image, 0, 0, image.width, box.origin.y,
                                                0x35, 0x84, 0xe4, 12),
                   >, 300);
  g_assert_cmpint (cohort_test_count_colour_in (&image, 0, 0, image.width, box.origin.y,
                                                0x35, 0x84, 0xe4, 12),
                   !=, shaded);
  g_free (image.pixels);
}

static const char *
page_state (GtkWidget *page)
{
  return gtk_stack_get_visible_child_name (GTK_STACK (gtk_widget_get_first_child (page)));
}

static gboolean
page_failed (gpointer page)
{
  return g_strcmp0 (page_state (page), "empty") == 0;
}

/* Without a community the pages say so; a community that is not there is an error shown on
 * the page, not a crash or an endless spinner. */
static void
test_page_states (Fixture       *f,
                  gconstpointer  data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *activity = g_object_new (COHORT_TYPE_ACTIVITY_PAGE, NULL);
  GtkWidget *retention = g_object_new (COHORT_TYPE_RETENTION_PAGE, NULL);
  g_autoptr(GtkWidget) window = g_object_ref_sink (gtk_window_new ());

  gtk_box_append (GTK_BOX (box), activity);
  gtk_box_append (GTK_BOX (box), retention);
  gtk_window_set_child (GTK_WINDOW (window), box);
  gtk_window_present (GTK_WINDOW (window));

  cohort_activity_page_set_community (COHORT_ACTIVITY_PAGE (activity), f->db_path, 0);
  cohort_retention_page_set_community (COHORT_RETENTION_PAGE (retention), f->db_path, 0);
  g_assert_cmpstr (page_state (activity), ==, "empty");
  g_assert_cmpstr (page_state (retention), ==, "empty");

  cohort_activity_page_set_community (COHORT_ACTIVITY_PAGE (activity), f->db_path, 999);
  cohort_retention_page_set_community (COHORT_RETENTION_PAGE (retention), f->db_path, 999);
  g_assert_cmpstr (page_state (activity), ==, "loading");
  wait_for (page_failed, activity);
  wait_for (page_failed, retention);
  g_assert_null (cohort_activity_page_get_data (COHORT_ACTIVITY_PAGE (activity)));
  g_assert_null (cohort_retention_page_get_data (COHORT_RETENTION_PAGE (retention)));
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  {
    /* AdwApplication loads the stylesheet in the app; without one, load it here */
    g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

    gtk_css_provider_load_from_resource (css, "/io/github/cohortapp/Cohort/style.css");
    gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }
  g_test_add ("/cohort/activity-page/demo", Fixture, NULL, fixture_setup, test_activity_page,
              fixture_teardown);
  g_test_add ("/cohort/retention-page/demo", Fixture, NULL, fixture_setup, test_retention_page,
              fixture_teardown);
  g_test_add ("/cohort/activity-page/states", Fixture, NULL, fixture_setup, test_page_states,
              fixture_teardown);
  return g_test_run ();
}
