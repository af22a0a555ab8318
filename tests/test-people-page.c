/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "cohort-importer.h"
#include "cohort-kpi-card.h"
#include "cohort-overview-page.h"
#include "cohort-people-card.h"
#include "cohort-people-page.h"
#include "cohort-test-ui.h"
#include "cohort-window.h"

/*
 * All Communities under Xvfb: the window's community switcher offers it once there are two
 * communities; the page counts the ticked ones with each person once (tests/data/people:
 * 6 people for 8 memberships, 4 for 6 in the two Telegram groups) and remembers what is
 * left out.  Each step waits for the window to settle, renders to PNG and checks pixels.
 */

#define KPI_ACTIVE 3     /* the Overview's fourth card */
#define SIDEBAR_WIDTH 280

typedef struct
{
  char *dir;
  char *db_path;
  gint64 family;
  CohortWindow *window;
} Fixture;

static gboolean
window_idle (CohortWindow *window)
{
  return !cohort_window_is_busy (window);
}

static void
wait_idle (CohortWindow *window)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  /* one iteration first: a reload may only be queued */
  g_main_context_iteration (NULL, FALSE);
  while (!window_idle (window) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_true (window_idle (window));
}

static gint64
import_fixture (CohortDb   *db,
                const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "people", name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  CohortImportOptions options = { "UTC", NULL, "mdy" };
  g_autoptr(CohortImportResult) result = cohort_import_file (db, file, &options, NULL, NULL,
                                                             NULL, &error);

  g_assert_no_error (error);
  return *(gint64 *)result->community_ids->pdata[0];
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GError) error = NULL;
  CohortDb *db;

  /* The fixtures are from 2024: show all time, not the last 30 days. */
  g_settings_set_string (settings, "date-range", "all");
  g_settings_set_int64 (settings, "last-community", 0);
  g_settings_reset (settings, "all-communities-excluded");
  g_settings_set_int (settings, "window-width", 1280);
  g_settings_set_int (settings, "window-height", 1000);
  f->dir = g_dir_make_tmp ("cohort-people-ui-XXXXXX", NULL);
  f->db_path = g_build_filename (f->dir, "cohort.db", NULL);
  db = cohort_db_open (f->db_path, FALSE, &error);
  g_assert_no_error (error);
  import_fixture (db, "runners.json");
  import_fixture (db, "readers.json");
  f->family = import_fixture (db, "family.txt");
  cohort_db_close (db);

  f->window = g_object_ref_sink (cohort_window_new (NULL, f->db_path));
  gtk_window_present (GTK_WINDOW (f->window));
  wait_idle (f->window);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  gtk_window_destroy (GTK_WINDOW (f->window));
  g_object_unref (f->window);
  dir = g_dir_open (f->dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (f->dir);
  g_free (f->db_path);
  g_free (f->dir);
}

static CohortPeoplePage *
find_page (GtkWidget *window)
{
  return (CohortPeoplePage *)cohort_test_find_widget (window, COHORT_TYPE_PEOPLE_PAGE);
}

/* The checked boxes of the community list are the accent blue, left of the separator. */
static int
count_sidebar_blue (const CohortTestImage *image)
{
  int n = 0;

  for (int y = 0; y < image->height; y++)
    for (int x = 0; x < MIN (SIDEBAR_WIDTH, image->width); x++)
      {
        const guchar *p = image->pixels + y * image->stride + x * 4;

        if (p[3] > 200 && ABS (p[2] - 0x35) <= 24 && ABS (p[1] - 0x84) <= 24 && ABS (p[0] - 0xe4) <= 24)
          n++;
      }
  return n;
}

static const char *
active_members (CohortPeoplePage *page)
{
  GtkWidget *overview = cohort_people_page_get_overview (page);

  return cohort_kpi_card_get_value_text (COHORT_KPI_CARD (cohort_overview_page_get_kpi (COHORT_OVERVIEW_PAGE (overview),
                                                                                          KPI_ACTIVE)));
}

static void
test_all_communities (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  CohortPeoplePage *page = find_page (GTK_WIDGET (f->window));
  CohortTestImage all, two;
  int blue_all, blue_two;

  g_assert_nonnull (page);
  g_assert_cmpstr (cohort_window_get_page_name (f->window), ==, "overview");

  cohort_window_show_page (f->window, "all");
  wait_idle (f->window);
  g_assert_cmpstr (cohort_window_get_page_name (f->window), ==, "all");
  g_assert_cmpstr (cohort_people_page_get_summary (page), ==, "6 people in 3 communities, 8 memberships");
  g_assert_cmpstr (active_members (page), ==, "6");
  all = cohort_test_render (GTK_WIDGET (page), "people-page-all.png");
  /* a real page: the list, the cards and the charts draw many distinct rows */
  g_assert_cmpint (cohort_test_count_distinct_rows (&all), >, 200);
  blue_all = count_sidebar_blue (&all);
  g_assert_cmpint (blue_all, >, 3 * 100);

  /* leaving WhatsApp out: Alice and Bob once each in the two Telegram groups */
  g_settings_set_value (settings, "all-communities-excluded",
                        g_variant_new_fixed_array (G_VARIANT_TYPE_INT64, &f->family, 1, sizeof (gint64)));
  wait_idle (f->window);
  g_assert_cmpstr (cohort_people_page_get_summary (page), ==, "4 people in 2 communities, 6 memberships");
  g_assert_cmpstr (active_members (page), ==, "4");
  two = cohort_test_render (GTK_WIDGET (page), "people-page-two.png");
  blue_two = count_sidebar_blue (&two);
  /* one box fewer is ticked: about a third less blue */
  g_assert_cmpint (blue_two, <, blue_all * 5 / 6);
  g_assert_cmpint (blue_two, >, blue_all / 2);
  g_free (all.pixels);
  g_free (two.pixels);

  /* picking one community in the switcher brings its pages back */
  {
    GtkDropDown *dropdown = GTK_DROP_DOWN (gtk_widget_get_template_child (GTK_WIDGET (f->window),
                                                                          COHORT_TYPE_WINDOW,
                                                                          "community_dropdown"));

    g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (dropdown)), ==, 4);
    gtk_drop_down_set_selected (dropdown, 1);
    wait_idle (f->window);
    g_assert_cmpstr (cohort_window_get_page_name (f->window), ==, "overview");
  }
}

static void
test_nothing_ticked (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  CohortPeoplePage *page = find_page (GTK_WIDGET (f->window));
  gint64 every[] = { 1, 2, 3 };
  CohortTestImage image;

  g_settings_set_value (settings, "all-communities-excluded",
                        g_variant_new_fixed_array (G_VARIANT_TYPE_INT64, every, 3, sizeof (gint64)));
  cohort_window_show_page (f->window, "all");
  wait_idle (f->window);
  g_assert_cmpstr (cohort_people_page_get_summary (page), ==, "No community is counted.");
  image = cohort_test_render (GTK_WIDGET (page), "people-page-none.png");
  /* no box is ticked */
  g_assert_cmpint (count_sidebar_blue (&image), <, 20);
  g_free (image.pixels);
}

static GtkWidget *
template_child (CohortPeopleCard *card,
                const char       *name)
{
  return GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (card), COHORT_TYPE_PEOPLE_CARD, name));
}

static void
wait_card (CohortPeopleCard *card)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (cohort_people_card_is_busy (card) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_false (cohort_people_card_is_busy (card));
}

/* "Also in" of the Members detail pane, on Runners Club's Alice (user1): Readers Club's
 * Alice is the same account; WhatsApp's Alice Wang (#7) is merged by hand, split off again
 * with Unmerge on Readers Club's, and each step undone in turn. */
static void
test_also_in (Fixture       *f,
              gconstpointer  data)
{
  GtkWidget *window = gtk_window_new ();
  CohortPeopleCard *card = g_object_new (COHORT_TYPE_PEOPLE_CARD, NULL);
  CohortTestImage image;

  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (card));
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 200);
  gtk_window_present (GTK_WINDOW (window));

  cohort_people_card_show (card, f->db_path, 1, "user1");
  wait_card (card);
  g_assert_cmpstr (cohort_people_card_get_text (card), ==, "Readers Club — Alice Wang");
  image = cohort_test_render (GTK_WIDGET (card), "people-card.png");
  /* a heading, a line and two buttons */
  g_assert_cmpint (cohort_test_count_distinct_rows (&image), >, 30);
  g_free (image.pixels);

  /* Merge… searches every community off the main thread; this person's own are left out */
  {
    GtkWidget *button = template_child (card, "merge_button");
    GtkWidget *entry = template_child (card, "search_entry");
    GtkWidget *list = template_child (card, "results_list");
    GtkWidget *popover = template_child (card, "merge_popover");
    guint rows = 0;

    gtk_menu_button_popup (GTK_MENU_BUTTON (button));
    gtk_editable_set_text (GTK_EDITABLE (entry), "alice");
    /* the search entry waits a moment before it says the text changed */
    g_signal_emit_by_name (entry, "search-changed");
    wait_card (card);
    for (GtkWidget *row = gtk_widget_get_first_child (list); row != NULL; row = gtk_widget_get_next_sibling (row))
      rows++;
    g_assert_cmpuint (rows, ==, 1);
    image = cohort_test_render (popover, "people-card-merge.png");
    g_assert_cmpint (cohort_test_count_distinct_rows (&image), >, 20);
    g_free (image.pixels);
    g_signal_emit_by_name (list, "row-activated", gtk_widget_get_first_child (list));
  }
  wait_card (card);
  g_assert_cmpstr (cohort_people_card_get_text (card), ==,
                   "Readers Club — Alice Wang\nfamily — Alice Wang");
  g_assert_cmpstr (cohort_people_card_get_last_toast (card), ==, "Merged: now counted as one person");

  cohort_people_card_undo (card);
  wait_card (card);
  g_assert_cmpstr (cohort_people_card_get_text (card), ==, "Readers Club — Alice Wang");
  g_assert_cmpstr (cohort_people_card_get_last_toast (card), ==, "The merge was undone");

  /* Readers Club's Alice split off: Runners Club's is alone now */
  cohort_people_card_show (card, f->db_path, 2, "user1");
  wait_card (card);
  cohort_people_card_unmerge (card);
  wait_card (card);
  g_assert_cmpstr (cohort_people_card_get_text (card), ==, "Not in any other community.");
  cohort_people_card_undo (card);
  wait_card (card);
  g_assert_cmpstr (cohort_people_card_get_text (card), ==, "Runners Club — Alice Wang");

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  /* Crossfades would leave the stack half-drawn in the frame a test captures. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  /* A blinking cursor in the Merge… search outlives the popover's focus under Xvfb. */
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);

  g_test_add ("/cohort/people-page/all-communities", Fixture, NULL, fixture_setup,
              test_all_communities, fixture_teardown);
  g_test_add ("/cohort/people-page/nothing-ticked", Fixture, NULL, fixture_setup,
              test_nothing_ticked, fixture_teardown);
  g_test_add ("/cohort/people-page/also-in", Fixture, NULL, fixture_setup,
              test_also_in, fixture_teardown);
  return g_test_run ();
}
