/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "cohort-csv-mapping-dialog.h"
#include "cohort-render.h"
#include "cohort-store.h"
#include "cohort-test-ui.h"
#include "cohort-window.h"

/*
 * The CSV mapping dialog under Xvfb: the preview and the guesses for an orders table, the
 * live check on a bad date and its change with the kind, and the whole round trip from the
 * window (drop → dialog → import → remembered for the next drop).  Renders go to PNG and
 * their pixels are checked.
 */

static GFile *
fixture_file (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "csv", name, NULL);
  return g_file_new_for_path (path);
}

static void
iterate_until (gboolean (*predicate) (gpointer),
               gpointer   data,
               int        seconds)
{
  gint64 deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  while (!predicate (data) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_true (predicate (data));
}

static gboolean
dialog_loaded (gpointer dialog)
{
  return cohort_csv_mapping_dialog_is_loaded (dialog);
}

static gboolean
window_idle (gpointer window)
{
  return !cohort_window_is_busy (window);
}

static CohortCsvMappingDialog *
open_dialog (const char *name)
{
  g_autoptr(GFile) file = fixture_file (name);
  CohortCsvMappingDialog *dialog = cohort_csv_mapping_dialog_new (NULL, file);

  gtk_window_set_default_size (GTK_WINDOW (dialog), 980, 760);
  gtk_window_present (GTK_WINDOW (dialog));
  iterate_until (dialog_loaded, dialog, 20);
  return dialog;
}

/* Adwaita's suggested-action blue, and the success and error text colours. */
#define BLUE 0x35, 0x84, 0xe4
#define GREEN 0x26, 0xa2, 0x69
#define RED 0xc0, 0x1c, 0x28

static void
test_orders_preview (void)
{
  CohortCsvMappingDialog *dialog = open_dialog ("orders.csv");
  g_autoptr(CohortCsvMapping) mapping = cohort_csv_mapping_dialog_dup_mapping (dialog);
  CohortTestImage image;

  g_assert_cmpint (mapping->kind, ==, COHORT_CSV_KIND_ORDERS);
  g_assert_cmpstr (mapping->columns[COHORT_CSV_FIELD_ORDER_ID], ==, "订单号");
  g_assert_cmpstr (mapping->columns[COHORT_CSV_FIELD_AMOUNT], ==, "金额");
  g_assert_cmpstr (mapping->columns[COHORT_CSV_FIELD_STATUS], ==, "状态");
  g_assert_cmpstr (mapping->columns[COHORT_CSV_FIELD_TS], ==, "下单时间");
  g_assert_cmpstr (mapping->community, ==, "orders");
  g_assert_null (mapping->date_format);
  g_assert_null (cohort_csv_mapping_dialog_get_problem (dialog));

  image = cohort_test_render (GTK_WIDGET (dialog), "csv-dialog-orders.png");
  /* A preview table and a form: many distinct rows; Import is enabled (solid blue) and the
   * check line is green. */
  g_assert_cmpint (cohort_test_count_distinct_rows (&image), >, 250);
  g_assert_cmpint (cohort_test_count_colour (&image, BLUE, 16), >, 300);
  g_assert_cmpint (cohort_test_count_colour (&image, GREEN, 40), >, 20);
  g_assert_cmpint (cohort_test_count_colour (&image, RED, 40), <, 5);
  g_free (image.pixels);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
test_bad_date_check (void)
{
  CohortCsvMappingDialog *dialog = open_dialog ("bad-date.csv");
  g_autoptr(CohortCsvMapping) mapping = cohort_csv_mapping_dialog_dup_mapping (dialog);
  const char *problem = cohort_csv_mapping_dialog_get_problem (dialog);
  CohortTestImage image;

  g_assert_cmpint (mapping->kind, ==, COHORT_CSV_KIND_MESSAGES);
  g_assert_nonnull (problem);
  g_assert_true (g_str_has_prefix (problem, "Row 3: “2024-13-01” is not a date"));
  image = cohort_test_render (GTK_WIDGET (dialog), "csv-dialog-bad-date.png");
  /* The check line is red, and Import is disabled (no solid blue). */
  g_assert_cmpint (cohort_test_count_colour (&image, RED, 40), >, 20);
  g_assert_cmpint (cohort_test_count_colour (&image, BLUE, 16), <, 50);
  g_free (image.pixels);

  /* A preset that the rows do not fit says so in its own words. */
  g_assert_true (cohort_csv_mapping_dialog_set_date_format (dialog, "DD/MM/YYYY"));
  g_assert_cmpstr (cohort_csv_mapping_dialog_get_problem (dialog), ==,
                   "Row 1: “2024-01-01” is not a date in the format DD/MM/YYYY.");

  /* As a roster (members have no time column) the same rows are fine. */
  cohort_csv_mapping_dialog_set_kind (dialog, COHORT_CSV_KIND_MEMBERS);
  g_assert_null (cohort_csv_mapping_dialog_get_problem (dialog));
  /* Without a member column nothing can be imported. */
  cohort_csv_mapping_dialog_set_column (dialog, COHORT_CSV_FIELD_MEMBER_ID, NULL);
  g_assert_cmpstr (cohort_csv_mapping_dialog_get_problem (dialog), ==,
                   "Choose the column that holds the member ID or the member name.");
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static CohortCsvMappingDialog *
find_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);
      if (COHORT_IS_CSV_MAPPING_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return COHORT_CSV_MAPPING_DIALOG (window);
    }
  return NULL;
}

static void
drop (CohortWindow *window,
      GFile        *file)
{
  GSList *list = g_slist_append (NULL, file);
  GValue value = G_VALUE_INIT;
  gboolean handled = FALSE;

  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&value, gdk_file_list_new_from_list (list));
  g_signal_emit_by_name (cohort_window_get_drop_target (window), "drop", &value, 40.0, 40.0, &handled);
  g_value_unset (&value);
  g_slist_free (list);
  g_assert_true (handled);
  iterate_until (window_idle, window, 60);
}

static gint64
count_messages (const char *db_path)
{
  g_autoptr(GError) error = NULL;
  CohortDb *db = cohort_db_open (db_path, TRUE, &error);
  gint64 n;

  g_assert_no_error (error);
  n = cohort_db_count (db, "message");
  cohort_db_close (db);
  return n;
}

/* Drop an unknown table: the dialog opens instead of an error; Import brings the rows in; the
 * next drop of a table with the same columns needs no dialog. */
static void
test_window_round_trip (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *dir = g_dir_make_tmp ("cohort-csv-ui-XXXXXX", NULL);
  g_autofree char *db_path = g_build_filename (dir, "cohort.db", NULL);
  g_autofree char *wal = g_strconcat (db_path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (db_path, "-shm", NULL);
  g_autoptr(GFile) table = fixture_file ("messages-ids.csv");
  g_autoptr(GFile) orders = fixture_file ("orders.csv");
  CohortCsvMappingDialog *dialog;
  CohortWindow *window;

  g_settings_set_string (settings, "date-range", "all");
  g_settings_set_int64 (settings, "last-community", 0);
  window = g_object_ref_sink (cohort_window_new (NULL, db_path));
  gtk_window_present (GTK_WINDOW (window));
  iterate_until (window_idle, window, 20);

  drop (window, table);
  g_assert_null (cohort_window_get_last_error (window));
  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  iterate_until (dialog_loaded, dialog, 20);
  g_assert_true (g_file_equal (cohort_csv_mapping_dialog_get_file (dialog), table));
  g_assert_null (cohort_csv_mapping_dialog_get_problem (dialog));
  cohort_csv_mapping_dialog_accept (dialog);
  iterate_until (window_idle, window, 60);
  g_assert_null (find_dialog ());
  g_assert_null (cohort_window_get_last_error (window));
  g_assert_nonnull (strstr (cohort_window_get_last_toast (window), "Imported 3 new messages"));
  g_assert_cmpstr (cohort_window_get_page_name (window), ==, "overview");
  g_assert_cmpint (count_messages (db_path), ==, 3);

  drop (window, table);
  g_assert_null (find_dialog ());
  g_assert_nonnull (strstr (cohort_window_get_last_toast (window), "already imported"));
  g_assert_cmpint (count_messages (db_path), ==, 3);

  /* An orders table: the toast counts orders, not "0 new messages". */
  drop (window, orders);
  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  iterate_until (dialog_loaded, dialog, 20);
  cohort_csv_mapping_dialog_accept (dialog);
  iterate_until (window_idle, window, 60);
  g_assert_null (cohort_window_get_last_error (window));
  g_assert_nonnull (strstr (cohort_window_get_last_toast (window), "3 orders added or updated"));

  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (window);
  g_unlink (db_path);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  /* Crossfades would leave the stack half-drawn in the frame a test captures. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  g_test_add_func ("/cohort/csv-dialog/orders-preview", test_orders_preview);
  g_test_add_func ("/cohort/csv-dialog/bad-date-check", test_bad_date_check);
  g_test_add_func ("/cohort/csv-dialog/window-round-trip", test_window_round_trip);
  return g_test_run ();
}
