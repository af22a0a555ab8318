/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "cohort-activity-page.h"
#include "cohort-chart.h"
#include "cohort-imports-page.h"
#include "cohort-kpi-card.h"
#include "cohort-members-page.h"
#include "cohort-overview-page.h"
#include "cohort-range-notice.h"
#include "cohort-render.h"
#include "cohort-retention-page.h"
#include "cohort-test-ui.h"
#include "cohort-store.h"
#include "cohort-window.h"
#include "cohort-zone-dialog.h"

/*
 * The window under Xvfb: the empty state, an import through the drop handler, a repeated
 * drop, a bad file, and the demo.  Each step waits for the window's own "overview-loaded"
 * signal, renders to PNG, and checks pixels.
 */

typedef struct
{
  char *dir;
  char *db_path;
  CohortWindow *window;
} Fixture;

static gboolean
window_idle (CohortWindow *window)
{
  return !cohort_window_is_busy (window);
}

static void
wait_until (gboolean (*predicate) (CohortWindow *),
            CohortWindow *window,
            int           seconds)
{
  gint64 deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  while (!predicate (window) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_true (predicate (window));
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);

  /* The fixtures are from 2024: show all time, not the last 30 days. */
  g_settings_set_string (settings, "date-range", "all");
  g_settings_set_int64 (settings, "last-community", 0);
  g_settings_set_int (settings, "window-width", 1280);
  g_settings_set_int (settings, "window-height", 1400);
  f->dir = g_dir_make_tmp ("cohort-ui-XXXXXX", NULL);
  f->db_path = g_build_filename (f->dir, "cohort.db", NULL);
  f->window = g_object_ref_sink (cohort_window_new (NULL, f->db_path));
  gtk_window_present (GTK_WINDOW (f->window));
  wait_until (window_idle, f->window, 20);
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

static GFile *
fixture_file (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "telegram", name, NULL);
  return g_file_new_for_path (path);
}

static void
drop_gfile (Fixture *f,
            GFile   *file,
            gboolean wait)
{
  GSList *list = g_slist_append (NULL, file);
  GValue value = G_VALUE_INIT;
  gboolean handled = FALSE;

  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&value, gdk_file_list_new_from_list (list));
  g_signal_emit_by_name (cohort_window_get_drop_target (f->window), "drop", &value, 40.0, 40.0, &handled);
  g_value_unset (&value);
  g_slist_free (list);
  g_assert_true (handled);
  g_assert_true (cohort_window_is_busy (f->window));
  if (wait)
    wait_until (window_idle, f->window, 60);
}

static void
drop_file (Fixture    *f,
           const char *name)
{
  g_autoptr(GFile) file = fixture_file (name);

  drop_gfile (f, file, TRUE);
}

/* A homogeneous stack measures every page to size itself, so the first frame shaped the text
 * of all seven pages: 19 % of the main thread's instructions up to it on a 1M-message
 * database.  Only the page on screen is measured. */
static void
assert_stacks_measure_visible_page_only (CohortWindow *window)
{
  GObject *main_stack = gtk_widget_get_template_child (GTK_WIDGET (window), COHORT_TYPE_WINDOW,
                                                       "main_stack");
  GObject *view_stack = gtk_widget_get_template_child (GTK_WIDGET (window), COHORT_TYPE_WINDOW,
                                                       "view_stack");

  g_assert_false (gtk_stack_get_hhomogeneous (GTK_STACK (main_stack)));
  g_assert_false (gtk_stack_get_vhomogeneous (GTK_STACK (main_stack)));
  g_assert_false (adw_view_stack_get_hhomogeneous (ADW_VIEW_STACK (view_stack)));
  g_assert_false (adw_view_stack_get_vhomogeneous (ADW_VIEW_STACK (view_stack)));
}

static void
test_empty_state (Fixture       *f,
                  gconstpointer  data)
{
  CohortTestImage image;

  g_assert_cmpstr (cohort_window_get_page_name (f->window), ==, "empty");
  assert_stacks_measure_visible_page_only (f->window);
  image = cohort_test_render (GTK_WIDGET (f->window), "window-empty.png");
  /* A real page: text and buttons draw many distinct rows; the suggested button is blue. */
  g_assert_cmpint (cohort_test_count_distinct_rows (&image), >, 100);
  g_assert_cmpint (cohort_test_count_colour (&image, 0x35, 0x84, 0xe4, 24), >, 300);
  g_free (image.pixels);

  /* Before any community, Imports and Sources can be opened; the Overview is the empty state. */
  cohort_window_show_page (f->window, "sources");
  g_assert_cmpstr (cohort_window_get_page_name (f->window), ==, "sources");
  cohort_window_show_page (f->window, "overview");
  g_assert_cmpstr (cohort_window_get_page_name (f->window), ==, "empty");
}

/* The pages off screen at start-up are built after the first frame, not with the window;
 * a page asked for before then is built on the spot. */
static void
test_pages_after_first_frame (Fixture       *f,
                              gconstpointer  data)
{
  /* on the fixture's database, which its teardown removes */
  CohortWindow *window = g_object_ref_sink (cohort_window_new (NULL, f->db_path));
  CohortWindow *other = g_object_ref_sink (cohort_window_new (NULL, f->db_path));

  g_assert_nonnull (cohort_test_find_widget (GTK_WIDGET (window), COHORT_TYPE_OVERVIEW_PAGE));
  g_assert_null (cohort_test_find_widget (GTK_WIDGET (window), COHORT_TYPE_MEMBERS_PAGE));
  g_assert_null (cohort_test_find_widget (GTK_WIDGET (window), COHORT_TYPE_IMPORTS_PAGE));
  gtk_window_present (GTK_WINDOW (window));
  /* mapped and not yet painted: busy until the pages are there */
  g_assert_true (cohort_window_is_busy (window));
  wait_until (window_idle, window, 20);
  g_assert_nonnull (cohort_test_find_widget (GTK_WIDGET (window), COHORT_TYPE_MEMBERS_PAGE));
  g_assert_nonnull (cohort_test_find_widget (GTK_WIDGET (window), COHORT_TYPE_IMPORTS_PAGE));

  /* never shown: the accessor builds them */
  g_assert_null (cohort_test_find_widget (GTK_WIDGET (other), COHORT_TYPE_IMPORTS_PAGE));
  g_assert_true (cohort_window_get_imports_page (other) ==
                 cohort_test_find_widget (GTK_WIDGET (other), COHORT_TYPE_IMPORTS_PAGE));
  g_assert_nonnull (cohort_test_find_widget (GTK_WIDGET (other), COHORT_TYPE_MEMBERS_PAGE));

  gtk_window_destroy (GTK_WINDOW (other));
  g_object_unref (other);
  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (window);
}

static void
test_drop_import (Fixture       *f,
                  gconstpointer  data)
{
  CohortOverviewPage *page = COHORT_OVERVIEW_PAGE (cohort_window_get_overview_page (f->window));
  const CohortOverviewData *overview;
  GtkWidget *growth;
  CohortTestImage image;

  drop_file (f, "single-supergroup.json");
  g_assert_cmpstr (cohort_window_get_page_name (f->window), ==, "overview");
  g_assert_null (cohort_window_get_last_error (f->window));
  g_assert_nonnull (strstr (cohort_window_get_last_toast (f->window), "19"));

  overview = cohort_overview_page_get_data (page);
  g_assert_nonnull (overview);
  g_assert_cmpstr (overview->snapshot->name, ==, "Cohort 测试群");
  /* All time ends yesterday; by then Dana left and Frank is back (inferred): humans present
   * are Alice, Bob, 陈小明, Grace, Eve, Frank and the deleted account = 7. */
  g_assert_cmpint (overview->overview->kpis.members_end, ==, 7);
  g_assert_cmpstr (cohort_kpi_card_get_value_text (COHORT_KPI_CARD (cohort_overview_page_get_kpi (page, 0))), ==, "7");

  image = cohort_test_render (GTK_WIDGET (f->window), "window-overview.png");
  g_assert_cmpint (cohort_test_count_distinct_rows (&image), >, 300);
  g_free (image.pixels);

  growth = cohort_overview_page_get_chart (page, COHORT_CHART_GROWTH);
  image = cohort_test_render (growth, "chart-growth-in-window.png");
  /* The members line is Adwaita blue 3 (#3584e4). */
  g_assert_cmpint (cohort_test_count_colour (&image, 0x35, 0x84, 0xe4, 40), >, 100);
  g_free (image.pixels);

  /* Dropping the same export again adds nothing, and says so. */
  drop_file (f, "single-supergroup.json");
  g_assert_nonnull (strstr (cohort_window_get_last_toast (f->window), "already imported"));
  g_assert_cmpint (cohort_overview_page_get_data (page)->overview->kpis.members_end, ==, 7);
}

static gboolean
showing_all_time (CohortWindow *window)
{
  CohortOverviewPage *page = COHORT_OVERVIEW_PAGE (cohort_window_get_overview_page (window));
  const CohortOverviewData *d = cohort_overview_page_get_data (page);

  return d != NULL && d->overview != NULL && d->overview->day0 <= d->snapshot->first_day;
}

static const CohortActivityData *
activity_data (CohortWindow *window)
{
  GtkWidget *page = cohort_test_find_widget (GTK_WIDGET (window), COHORT_TYPE_ACTIVITY_PAGE);

  return cohort_activity_page_get_data (COHORT_ACTIVITY_PAGE (page));
}

static gboolean
activity_last_30_days (CohortWindow *window)
{
  const CohortActivityData *d = activity_data (window);

  return d != NULL && d->snapshot != NULL && d->activity->n_days == 30;
}

static gboolean
activity_all_time (CohortWindow *window)
{
  const CohortActivityData *d = activity_data (window);

  return d != NULL && d->snapshot != NULL &&
         d->activity->day0 <= cohort_snapshot_ref_get (d->snapshot)->first_day;
}

static const CohortRetention *
retention_data (CohortWindow *window)
{
  GtkWidget *page = cohort_test_find_widget (GTK_WIDGET (window), COHORT_TYPE_RETENTION_PAGE);
  const CohortActivityData *d = cohort_retention_page_get_data (COHORT_RETENTION_PAGE (page));

  return d != NULL ? d->retention : NULL;
}

/* The 2024 export over all time: its cohorts end with its data, on 2024-03-21 */
static gboolean
retention_to_data_end (CohortWindow *window)
{
  const CohortRetention *r = retention_data (window);

  return r != NULL && r->rows_end == cohort_day_from_ymd (2024, 3, 21);
}

static CohortRangeNotice *
range_notice (GtkWidget *page,
              GType      type)
{
  return COHORT_RANGE_NOTICE (gtk_widget_get_template_child (page, type, "range_notice"));
}

#define QUIET_TEXT "Nothing happened in Cohort 测试群 in this period: its messages and joins " \
                   "end on 2024-03-21."
#define ENDS_TEXT "The messages and joins of Cohort 测试群 end on 2024-03-21: this period shows " \
                  "no activity after that day, and its members count as silent since."

/* An export from 2024 under "Last 30 days", which follow the calendar: the Overview and the
 * Activity page say where the community's data ends, and the button switches the window to
 * all time.  There the Retention page's newest cohorts are the export's last weeks, not the
 * empty weeks up to today, and its summary says where the data ends. */
static void
test_range_after_data (Fixture       *f,
                       gconstpointer  data)
{
  CohortOverviewPage *page = COHORT_OVERVIEW_PAGE (cohort_window_get_overview_page (f->window));
  GtkWidget *activity = cohort_test_find_widget (GTK_WIDGET (f->window), COHORT_TYPE_ACTIVITY_PAGE);
  GObject *range = gtk_widget_get_template_child (GTK_WIDGET (f->window), COHORT_TYPE_WINDOW,
                                                  "range_dropdown");
  CohortRangeNotice *notice = range_notice (GTK_WIDGET (page), COHORT_TYPE_OVERVIEW_PAGE);
  CohortRangeNotice *activity_notice = range_notice (activity, COHORT_TYPE_ACTIVITY_PAGE);
  const CohortRetention *retention;
  GtkWidget *button, *retention_page;
  GtkLabel *summary;
  CohortTestImage image;

  gtk_drop_down_set_selected (GTK_DROP_DOWN (range), 0);
  wait_until (window_idle, f->window, 20);
  drop_file (f, "single-supergroup.json");
  g_assert_false (showing_all_time (f->window));
  g_assert_cmpint (cohort_overview_page_get_data (page)->overview->kpis.raw_messages, ==, 0);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (notice)));
  g_assert_cmpstr (cohort_range_notice_get_text (notice), ==, QUIET_TEXT);
  image = cohort_test_render (GTK_WIDGET (notice), "overview-range-after-data.png");
  /* the button is a suggested action, Adwaita blue 3 (#3584e4) */
  g_assert_cmpint (cohort_test_count_colour (&image, 0x35, 0x84, 0xe4, 30), >, 1000);
  g_assert_cmpint (image.width, >, 600);
  g_free (image.pixels);

  cohort_window_show_page (f->window, "activity");
  wait_until (activity_last_30_days, f->window, 20);
  g_assert_cmpint (activity_data (f->window)->activity->active, ==, 0);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (activity_notice)));
  g_assert_cmpstr (cohort_range_notice_get_text (activity_notice), ==, QUIET_TEXT);
  image = cohort_test_render (GTK_WIDGET (activity_notice), "activity-range-after-data.png");
  g_assert_cmpint (cohort_test_count_colour (&image, 0x35, 0x84, 0xe4, 30), >, 1000);
  g_free (image.pixels);

  button = cohort_test_find_widget (GTK_WIDGET (activity_notice), GTK_TYPE_BUTTON);
  g_assert_nonnull (button);
  gtk_widget_activate (button);
  wait_until (activity_all_time, f->window, 20);
  wait_until (showing_all_time, f->window, 20);
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (range)), ==, 3);
  /* all time runs to yesterday, past the data: both notices say where it ends, without the
   * button, which would show what is shown */
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (activity_notice)));
  g_assert_cmpstr (cohort_range_notice_get_text (activity_notice), ==, ENDS_TEXT);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (notice)));
  g_assert_cmpstr (cohort_range_notice_get_text (notice), ==, ENDS_TEXT);
  g_assert_false (gtk_widget_get_visible (button));
  image = cohort_test_render (GTK_WIDGET (activity_notice), "activity-data-ends.png");
  g_assert_cmpint (cohort_test_count_colour (&image, 0x35, 0x84, 0xe4, 30), <, 50);
  g_free (image.pixels);
  g_assert_cmpint (activity_data (f->window)->activity->active, >, 0);
  g_assert_cmpint (cohort_overview_page_get_data (page)->overview->kpis.raw_messages, >, 0);

  cohort_window_show_page (f->window, "retention");
  wait_until (retention_to_data_end, f->window, 20);
  retention = retention_data (f->window);
  g_assert_cmpint (retention->rows[retention->n_rows - 1].start, ==,
                   cohort_day_from_ymd (2024, 3, 18));
  g_assert_cmpint (retention->rows[0].size, >, 0);
  retention_page = cohort_test_find_widget (GTK_WIDGET (f->window), COHORT_TYPE_RETENTION_PAGE);
  summary = GTK_LABEL (gtk_widget_get_template_child (retention_page, COHORT_TYPE_RETENTION_PAGE,
                                                      "summary_label"));
  g_assert_true (g_str_has_prefix (gtk_label_get_text (summary),
                                   "Join cohorts up to 2024-03-21, the last day with data, "
                                   "measured to "));
  g_assert_false (g_str_has_prefix (cohort_retention_page_get_summary (
                                      COHORT_RETENTION_PAGE (retention_page)),
                                    "No cohort has completed"));
  image = cohort_test_render (retention_page, "retention-old-export.png");
  /* the table's cells are shades of blue */
  g_assert_cmpint (cohort_test_count_colour (&image, 0x35, 0x84, 0xe4, 90), >, 500);
  g_free (image.pixels);
}

static void
count_rows (const char *db_path,
            gint64     *communities,
            gint64     *messages)
{
  g_autoptr(GError) error = NULL;
  CohortDb *db = cohort_db_open (db_path, TRUE, &error);

  g_assert_no_error (error);
  *communities = cohort_db_count (db, "community");
  *messages = cohort_db_count (db, "message");
  cohort_db_close (db);
}

/* The Imports page lists both runs, the failed one with its reason; removing the good run
 * from the page empties the database and the window; running the file again from the page
 * brings the community back. */
static gint64
first_ok_run (const char *db_path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  CohortDb *db = cohort_db_open (db_path, TRUE, &error);
  gint64 id = 0;

  g_assert_no_error (error);
  runs = cohort_db_list_imports (db, &error);
  for (guint i = 0; i < runs->len && id == 0; i++)
    if (g_str_equal (((CohortImportRun *)runs->pdata[i])->status, "ok"))
      id = ((CohortImportRun *)runs->pdata[i])->id;
  cohort_db_close (db);
  return id;
}

static void
test_imports_page (Fixture       *f,
                   gconstpointer  data)
{
  CohortImportsPage *page;
  g_autoptr(GFile) file = fixture_file ("single-supergroup.json");
  gint64 communities, messages;
  CohortTestImage image;

  drop_file (f, "single-supergroup.json");
  drop_file (f, "truncated.json");
  g_assert_cmpstr (cohort_window_get_page_name (f->window), ==, "overview");

  cohort_window_show_page (f->window, "imports");
  g_assert_cmpstr (cohort_window_get_page_name (f->window), ==, "imports");
  page = COHORT_IMPORTS_PAGE (cohort_window_get_imports_page (f->window));
  wait_until (window_idle, f->window, 20);
  g_assert_cmpuint (cohort_imports_page_get_n_runs (page), ==, 2);

  image = cohort_test_render (GTK_WIDGET (page), "imports-page.png");
  g_assert_cmpint (cohort_test_count_distinct_rows (&image), >, 60);
  /* The failed run's icon is Adwaita's error red, the good run's tick its success green. */
  g_assert_cmpint (cohort_test_count_colour (&image, 0xc0, 0x1c, 0x28, 40), >, 20);
  g_assert_cmpint (cohort_test_count_colour (&image, 0x26, 0xa2, 0x69, 50), >, 10);
  g_free (image.pixels);

  cohort_imports_page_remove_run (page, first_ok_run (f->db_path));
  wait_until (window_idle, f->window, 20);
  g_assert_nonnull (strstr (cohort_window_get_last_toast (f->window), "26"));
  count_rows (f->db_path, &communities, &messages);
  g_assert_cmpint (communities, ==, 0);
  g_assert_cmpint (messages, ==, 0);
  /* The history stays in view with no community left; the Overview would fall back to the
   * empty state. */
  g_assert_cmpstr (cohort_window_get_page_name (f->window), ==, "imports");
  cohort_window_show_page (f->window, "overview");
  g_assert_cmpstr (cohort_window_get_page_name (f->window), ==, "empty");
  cohort_window_show_page (f->window, "imports");
  g_assert_cmpuint (cohort_imports_page_get_n_runs (page), ==, 1);

  /* Run Again, as the page's button asks the window to. */
  g_signal_emit_by_name (page, "rerun", file, "{\"tz\":\"Asia/Shanghai\"}");
  wait_until (window_idle, f->window, 20);
  count_rows (f->db_path, &communities, &messages);
  g_assert_cmpint (communities, ==, 1);
  g_assert_cmpint (messages, ==, 26);
  g_assert_cmpuint (cohort_imports_page_get_n_runs (page), ==, 2);
}

/* A WhatsApp export has no zone: after it created its community the window asks once, and
 * choosing another zone moves the times (7 hours later in UTC from Shanghai to Berlin in
 * winter, see test-zone.c); importing it again asks nothing. */
static CohortZoneDialog *
find_zone_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (COHORT_IS_ZONE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return COHORT_ZONE_DIALOG (window);
    }
  return NULL;
}

static gint64
first_message (const char *db_path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  CohortDb *db = cohort_db_open (db_path, TRUE, &error);
  gint64 ts;

  g_assert_no_error (error);
  list = cohort_db_list_communities (db, &error);
  g_assert_cmpuint (list->len, ==, 1);
  ts = ((CohortCommunityInfo *)list->pdata[0])->first_message;
  cohort_db_close (db);
  return ts;
}

static void
test_zone_question (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "whatsapp", "android-en-12h.txt", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  CohortImportOptions options = { .tz = "Asia/Shanghai" };
  CohortZoneDialog *dialog;
  CohortTestImage image;

  cohort_window_import_files_with_options (f->window, &file, 1, &options);
  wait_until (window_idle, f->window, 20);
  g_assert_cmpint (first_message (f->db_path), ==, 1517199840);

  dialog = find_zone_dialog ();
  g_assert_nonnull (dialog);
  g_assert_cmpstr (cohort_zone_dialog_get_zone (dialog), ==, "Asia/Shanghai");
  cohort_test_wait_for_frame (GTK_WIDGET (dialog));
  image = cohort_test_render (GTK_WIDGET (dialog), "zone-dialog.png");
  g_assert_cmpint (cohort_test_count_distinct_rows (&image), >, 40);
  /* The suggested "Use This Zone" response is accent blue. */
  g_assert_cmpint (cohort_test_count_colour (&image, 0x35, 0x84, 0xe4, 40), >, 50);
  g_free (image.pixels);

  cohort_zone_dialog_set_zone (dialog, "Europe/Berlin");
  /* What the button does: respond, then close. */
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "apply");
  gtk_window_close (GTK_WINDOW (dialog));
  wait_until (window_idle, f->window, 20);
  g_assert_cmpint (first_message (f->db_path), ==, 1517225040);
  g_assert_nonnull (strstr (cohort_window_get_last_toast (f->window), "Europe/Berlin"));
  g_assert_null (find_zone_dialog ());

  /* Once per community: the same export again asks nothing and moves nothing. */
  cohort_window_import_files_with_options (f->window, &file, 1, &options);
  wait_until (window_idle, f->window, 20);
  g_assert_null (find_zone_dialog ());
  g_assert_cmpint (first_message (f->db_path), ==, 1517225040);
}

static void
test_bad_file (Fixture       *f,
               gconstpointer  data)
{
  gint64 communities, messages, c2, m2;

  drop_file (f, "single-supergroup.json");
  count_rows (f->db_path, &communities, &messages);

  drop_file (f, "truncated.json");
  g_assert_nonnull (cohort_window_get_last_error (f->window));
  g_assert_nonnull (strstr (cohort_window_get_last_error (f->window), "truncated.json"));
  count_rows (f->db_path, &c2, &m2);
  g_assert_cmpint (c2, ==, communities);
  g_assert_cmpint (m2, ==, messages);

  drop_file (f, "messages.html");
  g_assert_nonnull (strstr (cohort_window_get_last_error (f->window), "HTML"));
  count_rows (f->db_path, &c2, &m2);
  g_assert_cmpint (m2, ==, messages);
  /* The Overview of what was there before stays on screen. */
  g_assert_cmpstr (cohort_window_get_page_name (f->window), ==, "overview");
}

/* A large export is cancelled from the import bar: the window stays responsive and the
 * database gets nothing. */
static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "big.json", NULL);
  g_autoptr(GString) json = g_string_new ("{\"name\": \"Big\", \"type\": \"private_group\", \"id\": 5, \"messages\": [");
  g_autoptr(GFile) file = NULL;
  gint64 communities = -1, messages = -1;

  for (int i = 1; i <= 300000; i++)
    g_string_append_printf (json, "%s{\"id\": %d, \"type\": \"message\", \"date_unixtime\": \"%d\", "
                            "\"from\": \"U%d\", \"from_id\": \"user%d\", \"text\": \"hello %d\"}",
                            i > 1 ? "," : "", i, 1700000000 + i * 10, i % 50, i % 50, i);
  g_string_append (json, "]}");
  g_assert_true (g_file_set_contents (path, json->str, json->len, NULL));
  file = g_file_new_for_path (path);

  drop_gfile (f, file, FALSE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.cancel-import", NULL));
  wait_until (window_idle, f->window, 60);
  g_assert_nonnull (strstr (cohort_window_get_last_toast (f->window), "cancelled"));
  g_assert_null (cohort_window_get_last_error (f->window));
  g_assert_cmpstr (cohort_window_get_page_name (f->window), ==, "empty");
  if (g_file_test (f->db_path, G_FILE_TEST_EXISTS))
    {
      count_rows (f->db_path, &communities, &messages);
      g_assert_cmpint (communities, ==, 0);
      g_assert_cmpint (messages, ==, 0);
    }
  g_unlink (path);
}

/* A churn row's title and subtitle wrapped, and every layout pass measured each of them at
 * many widths, shaping the text again each time: 12 rows made two thirds of the 1.9G
 * instructions the Overview's first frame cost on the 10k bench database.  One line each,
 * ellipsized, took that to 1.06G.  The top members' titles likewise. */
static void
assert_churn_rows_one_line (CohortOverviewPage *page)
{
  GtkWidget *list = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (page),
                                                                COHORT_TYPE_OVERVIEW_PAGE,
                                                                "churn_list"));
  guint rows = 0;

  for (GtkWidget *row = gtk_widget_get_first_child (list); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (ADW_IS_ACTION_ROW (row) && adw_action_row_get_subtitle (ADW_ACTION_ROW (row)) != NULL &&
        *adw_action_row_get_subtitle (ADW_ACTION_ROW (row)) != '\0')
      {
        g_assert_cmpint (adw_action_row_get_title_lines (ADW_ACTION_ROW (row)), ==, 1);
        g_assert_cmpint (adw_action_row_get_subtitle_lines (ADW_ACTION_ROW (row)), ==, 1);
        rows++;
      }
  g_assert_cmpuint (rows, >, 0);

  list = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (page), COHORT_TYPE_OVERVIEW_PAGE,
                                                    "top_list"));
  rows = 0;
  for (GtkWidget *row = gtk_widget_get_first_child (list); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (ADW_IS_ACTION_ROW (row))
      {
        g_assert_cmpint (adw_action_row_get_title_lines (ADW_ACTION_ROW (row)), ==, 1);
        rows++;
      }
  g_assert_cmpuint (rows, ==, 10);
}

static void
test_demo (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  CohortOverviewPage *page = COHORT_OVERVIEW_PAGE (cohort_window_get_overview_page (f->window));
  const CohortOverviewData *d;
  CohortTestImage image;

  g_settings_set_string (settings, "date-range", "last-90");
  cohort_window_open_demo (f->window);
  wait_until (window_idle, f->window, 60);
  g_assert_cmpstr (cohort_window_get_page_name (f->window), ==, "overview");
  d = cohort_overview_page_get_data (page);
  g_assert_nonnull (d);
  g_assert_nonnull (strstr (d->snapshot->name, "Demo"));
  g_assert_cmpint (d->overview->kpis.members_end, >, 200);
  g_assert_cmpint (d->overview->kpis.active_members, >, 50);
  g_assert_cmpint (d->overview->top_members->len, ==, 10);
  g_assert_cmpint (d->overview->churn_list->len, >, 0);
  assert_churn_rows_one_line (page);

  image = cohort_test_render (GTK_WIDGET (f->window), "window-demo.png");
  g_assert_cmpint (cohort_test_count_distinct_rows (&image), >, 400);
  g_assert_cmpint (cohort_test_count_colour (&image, 0x35, 0x84, 0xe4, 40), >, 500);
  g_free (image.pixels);

  /* Opened again (every launch of ./run): the demo is shown as it is, with no second line in
   * the imports history and no "already imported" toast. */
  {
    g_autofree char *toast = g_strdup (cohort_window_get_last_toast (f->window));
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) runs = NULL;
    CohortDb *db;

    cohort_window_open_demo (f->window);
    wait_until (window_idle, f->window, 60);
    g_assert_cmpstr (cohort_window_get_page_name (f->window), ==, "overview");
    g_assert_cmpstr (cohort_window_get_last_toast (f->window), ==, toast);
    g_assert_nonnull (strstr (cohort_overview_page_get_data (page)->snapshot->name, "Demo"));
    db = cohort_db_open (f->db_path, TRUE, &error);
    g_assert_no_error (error);
    runs = cohort_db_list_imports (db, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (runs->len, ==, 1);
    cohort_db_close (db);
  }
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  /* Crossfades would leave the stack half-drawn in the frame a test captures. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  g_test_add ("/cohort/window/empty-state", Fixture, NULL, fixture_setup, test_empty_state, fixture_teardown);
  g_test_add ("/cohort/window/pages-after-first-frame", Fixture, NULL, fixture_setup,
              test_pages_after_first_frame, fixture_teardown);
  g_test_add ("/cohort/window/drop-import", Fixture, NULL, fixture_setup, test_drop_import, fixture_teardown);
  g_test_add ("/cohort/window/range-after-data", Fixture, NULL, fixture_setup,
              test_range_after_data, fixture_teardown);
  g_test_add ("/cohort/window/bad-file", Fixture, NULL, fixture_setup, test_bad_file, fixture_teardown);
  g_test_add ("/cohort/window/cancel", Fixture, NULL, fixture_setup, test_cancel, fixture_teardown);
  g_test_add ("/cohort/window/imports-page", Fixture, NULL, fixture_setup, test_imports_page, fixture_teardown);
  g_test_add ("/cohort/window/zone-question", Fixture, NULL, fixture_setup, test_zone_question, fixture_teardown);
  g_test_add ("/cohort/window/demo", Fixture, NULL, fixture_setup, test_demo, fixture_teardown);
  return g_test_run ();
}
