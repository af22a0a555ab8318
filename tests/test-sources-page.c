/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "cohort-render.h"
#include "cohort-source-dialog.h"
#include "cohort-sources-page.h"
#include "cohort-store-sources.h"
#include "cohort-test-db.h"
#include "cohort-test-discourse.h"
#include "cohort-test-secrets.h"
#include "cohort-test-ui.h"
#include "cohort-test-wecom.h"

/*
 * The Sources page and the Add Source dialog under Xvfb, against the fake forum of
 * test-sync-discourse (same fixtures: 7 posts, 6 members, 3 liked posts, 39 statistics; the
 * forum's about.json says 6 users, 7 posts, 6 likes).  Each step waits for the page to be
 * idle, renders to PNG (in the build directory, to look at) and checks pixels and texts.
 */

#define SECRET "ui-s3cret"

typedef struct
{
  char                *dir;
  char                *db_path;
  CohortTestDiscourse *forum;
  CohortSecretStore   *secrets;
  SoupSession         *session;
  GtkWindow           *window;
  CohortSourcesPage   *page;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->dir = g_dir_make_tmp ("cohort-sources-page-XXXXXX", NULL);
  f->db_path = g_build_filename (f->dir, "cohort.db", NULL);
  f->forum = cohort_test_discourse_new (SECRET, FALSE);
  f->secrets = cohort_test_secrets_new ();
  f->session = soup_session_new ();

  f->window = GTK_WINDOW (adw_window_new ());
  gtk_window_set_default_size (f->window, 900, 700);
  f->page = g_object_new (COHORT_TYPE_SOURCES_PAGE, NULL);
  cohort_sources_page_set_services (f->page, f->session, f->secrets);
  adw_window_set_content (ADW_WINDOW (f->window), GTK_WIDGET (f->page));
  gtk_window_present (f->window);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->window != NULL)
    gtk_window_destroy (f->window);
  g_clear_object (&f->session);
  g_clear_object (&f->secrets);
  cohort_test_discourse_free (f->forum);
  cohort_test_remove_tree (f->dir);
  g_free (f->db_path);
  g_free (f->dir);
}

static void
wait_idle (Fixture *f)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (cohort_sources_page_is_busy (f->page) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (cohort_sources_page_is_busy (f->page));
}

static const char *
visible_page (Fixture *f)
{
  GtkWidget *stack = gtk_widget_get_first_child (GTK_WIDGET (f->page));

  return gtk_stack_get_visible_child_name (GTK_STACK (stack));
}

static CohortSourceDialog *
open_dialog (Fixture *f)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  CohortSourceDialog *dialog = NULL;

  /* The page's own action opens the dialog, wired to reload the page. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "sources.add", NULL));
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (COHORT_IS_SOURCE_DIALOG (window))
        dialog = COHORT_SOURCE_DIALOG (window);
    }
  g_assert_nonnull (dialog);
  return dialog;
}

static void
source_stored_cb (GObject      *object,
                  GAsyncResult *result,
                  gboolean     *done)
{
  g_assert_true (cohort_secret_store_store_finish (COHORT_SECRET_STORE (object), result, NULL));
  *done = TRUE;
}

static GtkWidget *
find_interval_row (Fixture *f)
{
  GtkWidget *widget = GTK_WIDGET (f->page);

  /* Depth-first through the page for its only combo row. */
  while (widget != NULL)
    {
      if (ADW_IS_COMBO_ROW (widget))
        return widget;
      if (gtk_widget_get_first_child (widget) != NULL)
        widget = gtk_widget_get_first_child (widget);
      else
        {
          while (widget != NULL && gtk_widget_get_next_sibling (widget) == NULL)
            widget = widget == GTK_WIDGET (f->page) ? NULL : gtk_widget_get_parent (widget);
          if (widget != NULL)
            widget = gtk_widget_get_next_sibling (widget);
        }
    }
  g_assert_not_reached ();
}

static void
source_added_cb (CohortSourceDialog *dialog,
                 gint64              id,
                 gint64             *out)
{
  *out = id;
}

/* Adds the forum the way a user does: fill the dialog, Test Connection, Add. */
static gint64
add_through_dialog (Fixture    *f,
                    const char *secret,
                    const char *png_name)
{
  CohortSourceDialog *dialog = open_dialog (f);
  GtkLabel *result;
  gint64 id = 0;
  CohortTestImage image;

  result = GTK_LABEL (cohort_source_dialog_get_result_label (dialog));
  g_signal_connect (dialog, "source-added", G_CALLBACK (source_added_cb), &id);
  cohort_source_dialog_fill (dialog, "Test forum", f->forum->base_url, "system", secret);
  cohort_source_dialog_test (dialog);
  while (cohort_source_dialog_is_busy (dialog))
    g_main_context_iteration (NULL, TRUE);
  if (g_strcmp0 (secret, SECRET) == 0)
    g_assert_cmpstr (gtk_label_get_text (result), ==, "Connected to “Cohort Test Forum”: 6 users, 7 posts.");
  else
    g_assert_true (g_str_has_prefix (gtk_label_get_text (result), "The server refused the key."));

  image = cohort_test_render (GTK_WIDGET (dialog), png_name);
  /* Filled rows and the result line; the Add button is the blue suggested action. */
  g_assert_cmpint (cohort_test_count_distinct_rows (&image), >, 60);
  g_assert_cmpint (cohort_test_count_colour (&image, 0x35, 0x84, 0xe4, 24), >, 200);
  g_free (image.pixels);

  cohort_source_dialog_save (dialog);
  while (id == 0)
    g_main_context_iteration (NULL, TRUE);
  return id;
}

static void
test_empty (Fixture       *f,
            gconstpointer  data)
{
  CohortTestImage image;

  cohort_sources_page_set_database (f->page, f->db_path, 0);
  wait_idle (f);
  g_assert_cmpuint (cohort_sources_page_get_n_sources (f->page), ==, 0);
  g_assert_cmpstr (visible_page (f), ==, "empty");
  image = cohort_test_render (GTK_WIDGET (f->window), "sources-empty.png");
  g_assert_cmpint (cohort_test_count_distinct_rows (&image), >, 80);
  /* The pill "Add Source…" button. */
  g_assert_cmpint (cohort_test_count_colour (&image, 0x35, 0x84, 0xe4, 24), >, 300);
  g_free (image.pixels);
}

static void
test_add_sync_remove (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CohortSourceInfo) info = NULL;
  GtkWidget *row;
  const char *subtitle;
  CohortDb *db;
  gint64 id;
  CohortTestImage image;

  cohort_sources_page_set_database (f->page, f->db_path, 0);
  wait_idle (f);
  id = add_through_dialog (f, SECRET, "sources-dialog.png");
  wait_idle (f);
  g_assert_cmpuint (cohort_sources_page_get_n_sources (f->page), ==, 1);
  g_assert_cmpstr (visible_page (f), ==, "list");
  g_assert_cmpuint (cohort_test_secrets_count (COHORT_TEST_SECRETS (f->secrets)), ==, 1);

  g_assert_true (cohort_sources_page_sync (f->page, id));
  g_assert_true (cohort_sources_page_is_busy (f->page));
  /* A second sync while one runs is refused, not queued behind it. */
  g_assert_false (cohort_sources_page_sync (f->page, id));
  wait_idle (f);
  g_assert_cmpstr (cohort_sources_page_get_status (f->page), ==,
                   "Done: 6 new members, 7 new messages, 3 reactions, 39 platform statistics.");
  wait_idle (f);

  row = cohort_sources_page_get_row (f->page, 0);
  subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
  g_assert_nonnull (strstr (subtitle, "Last synced "));
  g_assert_nonnull (strstr (subtitle, "The forum reports 6 users, 7 posts, 6 likes"));
  g_assert_nonnull (strstr (subtitle, "Cohort counts 6 members, 7 posts, 3 liked posts"));
  image = cohort_test_render (GTK_WIDGET (f->window), "sources-synced.png");
  /* The finished progress bar is a long accent-blue strip. */
  g_assert_cmpint (cohort_test_count_colour (&image, 0x35, 0x84, 0xe4, 24), >, 1000);
  g_assert_cmpint (cohort_test_count_distinct_rows (&image), >, 150);
  g_free (image.pixels);

  /* Nothing new: the second sync says so. */
  g_assert_true (cohort_sources_page_sync (f->page, id));
  wait_idle (f);
  g_assert_cmpstr (cohort_sources_page_get_status (f->page), ==,
                   "Up to date: nothing new since the last sync.");

  cohort_sources_page_remove (f->page, id);
  while (cohort_sources_page_get_n_sources (f->page) != 0)
    g_main_context_iteration (NULL, TRUE);
  wait_idle (f);
  g_assert_cmpstr (visible_page (f), ==, "empty");
  g_assert_cmpuint (cohort_test_secrets_count (COHORT_TEST_SECRETS (f->secrets)), ==, 0);

  db = cohort_db_open (f->db_path, FALSE, &error);
  g_assert_no_error (error);
  info = cohort_db_find_source (db, "Test forum", NULL);
  g_assert_null (info);
  /* What was synced stays. */
  g_assert_cmpint (cohort_db_count (db, "message"), ==, 7);
  cohort_db_close (db);
}

static gboolean
cancel_cb (gpointer data)
{
  Fixture *f = data;

  cohort_sources_page_cancel (f->page);
  return G_SOURCE_REMOVE;
}

static void
test_cancel_and_error (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char *subtitle;
  CohortDb *db;
  gint64 id;
  CohortTestImage image;

  cohort_sources_page_set_database (f->page, f->db_path, 0);
  wait_idle (f);
  id = add_through_dialog (f, SECRET, "sources-dialog-ok.png");
  wait_idle (f);

  /* A page that never comes, and Cancel pressed meanwhile. */
  cohort_test_discourse_set_fault (f->forum, TEST_FAULT_HANG, "/posts.json", "before=5", 0, 1);
  f->forum->hang_cb = cancel_cb;
  f->forum->hang_data = f;
  g_assert_true (cohort_sources_page_sync (f->page, id));
  wait_idle (f);
  g_assert_cmpstr (cohort_sources_page_get_status (f->page), ==, "Cancelled. Nothing was changed.");
  subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (cohort_sources_page_get_row (f->page, 0)));
  g_assert_nonnull (strstr (subtitle, "Sync cancelled"));

  /* The forum now rejects the key: the page says what to do. */
  g_free (f->forum->api_key);
  f->forum->api_key = g_strdup ("rotated");
  g_assert_true (cohort_sources_page_sync (f->page, id));
  wait_idle (f);
  g_assert_true (g_str_has_prefix (cohort_sources_page_get_status (f->page),
                                   "The server refused the key. Check the API key"));
  subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (cohort_sources_page_get_row (f->page, 0)));
  g_assert_nonnull (strstr (subtitle, "Sync failed"));
  image = cohort_test_render (GTK_WIDGET (f->window), "sources-error.png");
  /* The error text is drawn in the Adwaita error red. */
  g_assert_cmpint (cohort_test_count_colour (&image, 0xc0, 0x1c, 0x28, 40), >, 50);
  g_free (image.pixels);

  db = cohort_db_open (f->db_path, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cohort_db_count (db, "message"), ==, 0);
  g_assert_cmpint (cohort_db_count (db, "community"), ==, 0);
  cohort_db_close (db);
}

/* WeCom through the same page: the dialog relabels its rows, the row compares numbers. */
static void
test_wecom (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(CohortTestWecom) corp = cohort_test_wecom_new ("ww-ui", "wecom-s3cret");
  CohortSourceDialog *dialog;
  GtkLabel *result;
  const char *subtitle;
  gint64 id = 0;
  CohortTestImage image;

  cohort_sources_page_set_database (f->page, f->db_path, 0);
  wait_idle (f);
  dialog = open_dialog (f);
  result = GTK_LABEL (cohort_source_dialog_get_result_label (dialog));
  g_signal_connect (dialog, "source-added", G_CALLBACK (source_added_cb), &id);
  gtk_window_present (GTK_WINDOW (dialog));
  cohort_source_dialog_set_kind (dialog, "wecom");
  cohort_source_dialog_fill (dialog, "Corp", corp->base_url, "ww-ui", "wecom-s3cret");
  cohort_source_dialog_test (dialog);
  while (cohort_source_dialog_is_busy (dialog))
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (gtk_label_get_text (result), ==, "Connected: WeCom accepted the corp ID and app secret.");
  image = cohort_test_render (GTK_WIDGET (dialog), "sources-dialog-wecom.png");
  g_assert_cmpint (cohort_test_count_distinct_rows (&image), >, 60);
  g_free (image.pixels);
  cohort_source_dialog_save (dialog);
  while (id == 0)
    g_main_context_iteration (NULL, TRUE);
  wait_idle (f);

  g_assert_true (cohort_sources_page_sync (f->page, id));
  wait_idle (f);
  g_assert_cmpstr (cohort_sources_page_get_status (f->page), ==,
                   "Done: 7 new members, 7 joins and leaves, 2 invites, 98 platform statistics.");
  wait_idle (f);
  subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (cohort_sources_page_get_row (f->page, 0)));
  g_assert_nonnull (strstr (subtitle, "WeCom · "));
  g_assert_nonnull (strstr (subtitle, "WeCom reports 7 members in 2 groups on "));
  g_assert_nonnull (strstr (subtitle, "Cohort has 7 members in 2 groups from it"));
  image = cohort_test_render (GTK_WIDGET (f->window), "sources-wecom.png");
  g_assert_cmpint (cohort_test_count_colour (&image, 0x35, 0x84, 0xe4, 24), >, 1000);
  g_free (image.pixels);
}

static char *
source_status (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  CohortDb *db = cohort_db_open (f->db_path, FALSE, &error);
  g_autoptr(CohortSourceInfo) info = NULL;

  g_assert_no_error (error);
  info = cohort_db_find_source (db, "Test forum", NULL);
  cohort_db_close (db);
  return g_strdup (info ? info->status : NULL);
}

/* Closing the window in the middle of a sync cancels it; the rollback finishes on its own and
 * the page, gone by then, is not touched. */
static void
test_close_while_syncing (Fixture       *f,
                          gconstpointer  data)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  g_autofree char *status = NULL;
  gint64 id;

  cohort_sources_page_set_database (f->page, f->db_path, 0);
  wait_idle (f);
  id = add_through_dialog (f, SECRET, "sources-dialog-close.png");
  wait_idle (f);
  cohort_test_discourse_set_fault (f->forum, TEST_FAULT_HANG, "/posts.json", "before=5", 0, 1);
  g_assert_true (cohort_sources_page_sync (f->page, id));
  while (cohort_test_discourse_hits (f->forum, "/posts.json?before=5") == 0)
    g_main_context_iteration (NULL, TRUE);

  gtk_window_destroy (f->window);
  f->window = NULL;
  f->page = NULL;
  while ((status = source_status (f)) != NULL && g_str_equal (status, "never") &&
         g_get_monotonic_time () < deadline)
    {
      g_clear_pointer (&status, g_free);
      g_main_context_iteration (NULL, FALSE);
    }
  g_assert_cmpstr (status, ==, "cancelled");
}

/* Automatic sync: off by default; the setting and the row follow each other; a tick syncs
 * every source in turn. */
static void
test_periodic (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(CohortTestWecom) corp = cohort_test_wecom_new ("ww-auto", "auto-s3cret");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) sources = NULL;
  AdwComboRow *row;
  CohortDb *db;

  g_assert_cmpuint (g_settings_get_uint (settings, "source-sync-interval"), ==, 0);
  g_assert_cmpuint (cohort_sources_page_get_interval (f->page), ==, 0);
  g_settings_set_uint (settings, "source-sync-interval", 60);
  g_assert_cmpuint (cohort_sources_page_get_interval (f->page), ==, 60);

  db = cohort_db_open (f->db_path, FALSE, &error);
  g_assert_no_error (error);
  cohort_db_add_source (db, "discourse", "Forum", f->forum->base_url, "system", &error);
  cohort_db_add_source (db, "wecom", "Corp", corp->base_url, "ww-auto", &error);
  g_assert_no_error (error);
  sources = cohort_db_list_sources (db, &error);
  g_assert_cmpuint (sources->len, ==, 2);
  cohort_db_close (db);
  /* The keyring has both secrets, as Add Source would have left it. */
  {
    gboolean done = FALSE;

    for (guint i = 0; i < sources->len; i++)
      {
        const CohortSourceInfo *info = g_ptr_array_index (sources, i);

        done = FALSE;
        cohort_secret_store_store_async (f->secrets, info->uid, info->name,
                                         i == 0 ? SECRET : "auto-s3cret", NULL,
                                         (GAsyncReadyCallback)source_stored_cb, &done);
        while (!done)
          g_main_context_iteration (NULL, TRUE);
      }
  }

  cohort_sources_page_set_database (f->page, f->db_path, 0);
  wait_idle (f);
  row = ADW_COMBO_ROW (find_interval_row (f));
  g_assert_cmpuint (adw_combo_row_get_selected (row), ==, 2);
  adw_combo_row_set_selected (row, 1);
  g_assert_cmpuint (g_settings_get_uint (settings, "source-sync-interval"), ==, 15);

  g_assert_true (cohort_sources_page_sync_all (f->page));
  wait_idle (f);
  db = cohort_db_open (f->db_path, FALSE, &error);
  g_clear_pointer (&sources, g_ptr_array_unref);
  sources = cohort_db_list_sources (db, &error);
  for (guint i = 0; i < sources->len; i++)
    g_assert_cmpstr (((CohortSourceInfo *)g_ptr_array_index (sources, i))->status, ==, "ok");
  g_assert_cmpint (cohort_db_count (db, "community"), ==, 3);
  cohort_db_close (db);

  g_settings_set_uint (settings, "source-sync-interval", 0);
  g_assert_cmpuint (cohort_sources_page_get_interval (f->page), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  /* Capture settled widgets, not a revealer halfway through its slide. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  g_test_add ("/sources-page/empty", Fixture, NULL, fixture_setup, test_empty, fixture_teardown);
  g_test_add ("/sources-page/add-sync-remove", Fixture, NULL, fixture_setup,
              test_add_sync_remove, fixture_teardown);
  g_test_add ("/sources-page/cancel-and-error", Fixture, NULL, fixture_setup,
              test_cancel_and_error, fixture_teardown);
  g_test_add ("/sources-page/wecom", Fixture, NULL, fixture_setup, test_wecom, fixture_teardown);
  g_test_add ("/sources-page/close-while-syncing", Fixture, NULL, fixture_setup,
              test_close_while_syncing, fixture_teardown);
  g_test_add ("/sources-page/periodic", Fixture, NULL, fixture_setup, test_periodic, fixture_teardown);
  return g_test_run ();
}
