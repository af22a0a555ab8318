/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "cohort-overview-page.h"
#include "cohort-settings-window.h"
#include "cohort-store-settings.h"
#include "cohort-store.h"
#include "cohort-test-ui.h"
#include "cohort-window.h"

/*
 * Community Settings under Xvfb, opened from the window's menu action on a small community
 * written here, relative to today (the Overview's asof is yesterday, local day A):
 *
 *   m1 joined A−100, last genuine message on A−20  → silent 20: 关注 (14–29)
 *   m2 joined A−100, last genuine message on A−35  → silent 35: 预警 (30–59)
 *   m3 joined A−100, last genuine message on A−70  → silent 70: 高危 (≥ 60)
 *   m4 joined A−100, messages on A−1 and A−2 ("收到" on A−1 is mechanical by the built-in list)
 *
 * With slipping raised from 14 to 25 days through the window, m1 is no longer warned: the
 * Overview's churn_watch goes from 1 to 0 while warn and high stay 1.
 */

#define DAY (24 * 3600)

typedef struct
{
  char *dir;
  char *db_path;
  CohortWindow *window;
} Fixture;

static gboolean
window_idle (gpointer window)
{
  return !cohort_window_is_busy (window);
}

static gboolean
settings_idle (gpointer settings)
{
  return !cohort_settings_window_is_busy (settings);
}

static gboolean
has_size (gpointer widget)
{
  return gtk_widget_get_width (widget) > 0 && gtk_widget_get_height (widget) > 0;
}

static void
wait_until (gboolean (*predicate) (gpointer),
            gpointer  object,
            int       seconds)
{
  gint64 deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  while (!predicate (object) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_true (predicate (object));
}

static void
add_message (CohortImportTx *tx,
             gint64          community,
             const char     *uid,
             const char     *id,
             gint64          ts,
             const char     *text,
             gboolean        mech)
{
  g_autoptr(GError) error = NULL;
  CohortMessageRecord msg = { 0, };

  msg.community = community;
  msg.platform_msg_id = id;
  msg.member_uid = uid;
  msg.ts = ts;
  msg.kind = COHORT_MESSAGE_TEXT;
  msg.text = text;
  msg.length = (int)g_utf8_strlen (text, -1);
  msg.is_mech = mech;
  msg.mech_reason = mech ? "STOPLIST_ZH" : NULL;
  g_assert_true (cohort_import_tx_message (tx, &msg, &error));
  g_assert_no_error (error);
}

static void
write_community (const char *path)
{
  g_autoptr(GError) error = NULL;
  CohortDb *db = cohort_db_open (path, FALSE, &error);
  /* noon UTC of local day A (UTC community): yesterday */
  gint64 a = (g_get_real_time () / G_USEC_PER_SEC / DAY - 1) * DAY + 12 * 3600;
  static const int silent[] = { 20, 35, 70 };
  CohortImportTx *tx;
  gint64 c;

  g_assert_no_error (error);
  tx = cohort_db_begin_import (db, "generated", "test", &error);
  c = cohort_import_tx_community (tx, "telegram", "settings", "Settings Group", "supergroup",
                                  "UTC", &error);
  g_assert_no_error (error);
  for (int i = 0; i < 4; i++)
    {
      g_autofree char *uid = g_strdup_printf ("m%d", i + 1);
      g_autofree char *name = g_strdup_printf ("Member %d", i + 1);

      g_assert_true (cohort_import_tx_member (tx, c, uid, name, FALSE, &error));
      g_assert_true (cohort_import_tx_event (tx, c, uid, a - 100 * DAY, "join", NULL, &error));
      if (i < 3)
        add_message (tx, c, uid, uid, a - silent[i] * DAY, "今天跑了十公里", FALSE);
    }
  add_message (tx, c, "m4", "m4-a", a - 2 * DAY, "明天一起去", FALSE);
  add_message (tx, c, "m4", "m4-b", a - DAY, "收到", TRUE);
  g_assert_true (cohort_import_tx_commit (tx, &error));
  g_assert_no_error (error);
  cohort_db_close (db);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);

  g_settings_set_string (settings, "date-range", "last-30");
  g_settings_set_int64 (settings, "last-community", 0);
  g_settings_set_int (settings, "window-width", 1280);
  g_settings_set_int (settings, "window-height", 900);
  f->dir = g_dir_make_tmp ("cohort-settings-XXXXXX", NULL);
  f->db_path = g_build_filename (f->dir, "cohort.db", NULL);
  write_community (f->db_path);
  f->window = g_object_ref_sink (cohort_window_new (NULL, f->db_path));
  gtk_window_present (GTK_WINDOW (f->window));
  wait_until (window_idle, f->window, 30);
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

/* The Community Settings window the action opened: the toplevel transient for ours. */
static CohortSettingsWindow *
open_settings (Fixture *f)
{
  GListModel *toplevels = gtk_window_get_toplevels ();   /* transfer none */
  CohortSettingsWindow *found = NULL;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.community-preferences", NULL));
  for (guint i = 0; i < g_list_model_get_n_items (toplevels) && found == NULL; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (toplevels, i);

      if (COHORT_IS_SETTINGS_WINDOW (item))
        found = COHORT_SETTINGS_WINDOW (item);
    }
  g_assert_nonnull (found);
  wait_until (settings_idle, found, 30);
  wait_until (has_size, found, 10);
  return found;
}

/* The first descendant of widget of type type whose label (a button's) or title (a row's)
 * is text. */
static GtkWidget *
find_widget (GtkWidget  *widget,
             GType       type,
             const char *text)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type) && gtk_widget_get_mapped (child))
        {
          const char *label = GTK_IS_BUTTON (child) ? gtk_button_get_label (GTK_BUTTON (child))
                              : adw_preferences_row_get_title (ADW_PREFERENCES_ROW (child));

          if (g_strcmp0 (label, text) == 0)
            return child;
        }
      if ((found = find_widget (child, type, text)) != NULL)
        return found;
    }
  return NULL;
}

static const CohortKpis *
overview_kpis (Fixture *f)
{
  CohortOverviewPage *page = COHORT_OVERVIEW_PAGE (cohort_window_get_overview_page (f->window));

  return &cohort_overview_page_get_data (page)->overview->kpis;
}

static void
test_render (Fixture       *f,
             gconstpointer  data)
{
  CohortSettingsWindow *settings = open_settings (f);
  GtkSpinButton *watch = GTK_SPIN_BUTTON (cohort_settings_window_get_control (settings, "churn-watch-days"));
  CohortTestImage image;

  /* the stored defaults reached the widgets */
  g_assert_cmpfloat (gtk_spin_button_get_value (watch), ==, 14);
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (
                       cohort_settings_window_get_control (settings, "koc-min-messages"))), ==, 20);
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (
                      cohort_settings_window_get_control (settings, "week-start"))), ==, 0);

  image = cohort_test_render (GTK_WIDGET (settings), "settings-window.png");
  /* a window full of rows and text, not a blank one */
  g_assert_cmpint (cohort_test_count_distinct_rows (&image), >, 300);
  /* no error-red: the stored levels are in order */
  g_assert_cmpint (cohort_test_count_colour (&image, 0xe0, 0x1b, 0x24, 40), <, 20);
  g_free (image.pixels);

  /* levels out of order are refused and shown in red, and nothing is written */
  gtk_spin_button_set_value (watch, 40);
  g_assert_false (cohort_settings_window_is_busy (settings));
  image = cohort_test_render (gtk_widget_get_ancestor (GTK_WIDGET (watch), ADW_TYPE_PREFERENCES_GROUP),
                              "settings-window-error.png");
  g_assert_cmpint (cohort_test_count_colour (&image, 0xe0, 0x1b, 0x24, 40), >, 50);
  g_free (image.pixels);
  gtk_spin_button_set_value (watch, 14);
  g_assert_false (cohort_settings_window_is_busy (settings));
  gtk_window_destroy (GTK_WINDOW (settings));
}

static void
test_recompute (Fixture       *f,
                gconstpointer  data)
{
  CohortSettingsWindow *settings;
  const CohortOverviewData *before;
  CohortOverviewPage *page = COHORT_OVERVIEW_PAGE (cohort_window_get_overview_page (f->window));

  g_assert_cmpint (overview_kpis (f)->churn_watch, ==, 1);
  g_assert_cmpint (overview_kpis (f)->churn_warn, ==, 1);
  g_assert_cmpint (overview_kpis (f)->churn_high, ==, 1);
  g_assert_cmpint (overview_kpis (f)->messages, ==, 2);   /* m1's A−20, m4's A−2; not 收到 */
  g_assert_cmpint (overview_kpis (f)->raw_messages, ==, 3);

  settings = open_settings (f);
  before = cohort_overview_page_get_data (page);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (cohort_settings_window_get_control (settings, "churn-watch-days")), 25);
  wait_until (settings_idle, settings, 30);
  g_assert_null (cohort_settings_window_get_last_error (settings));
  while (cohort_overview_page_get_data (page) == before || cohort_window_is_busy (f->window))
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (overview_kpis (f)->churn_watch, ==, 0);
  g_assert_cmpint (overview_kpis (f)->churn_warn, ==, 1);
  g_assert_cmpint (overview_kpis (f)->churn_high, ==, 1);

  /* a removal from the built-in list: m4's 收到 becomes genuine, 3 genuine messages */
  before = cohort_overview_page_get_data (page);
  cohort_settings_window_add_rule (settings, "收到！", FALSE);
  wait_until (settings_idle, settings, 30);
  g_assert_null (cohort_settings_window_get_last_error (settings));
  while (cohort_overview_page_get_data (page) == before || cohort_window_is_busy (f->window))
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (overview_kpis (f)->messages, ==, 3);
  g_assert_cmpint (overview_kpis (f)->raw_messages, ==, 3);

  /* flagging a member as staff through the search: m4 leaves the counted population */
  {
    GtkWidget *entry = find_widget (GTK_WIDGET (settings), ADW_TYPE_ENTRY_ROW, "Find a member by name or ID");
    GtkWidget *staff;

    g_assert_cmpint (overview_kpis (f)->members_end, ==, 4);
    g_assert_nonnull (find_widget (GTK_WIDGET (settings), ADW_TYPE_ACTION_ROW,
                                   "No staff: find members above to add them"));
    g_assert_nonnull (entry);
    gtk_editable_set_text (GTK_EDITABLE (entry), "member 4");
    wait_until (settings_idle, settings, 30);
    g_assert_nonnull (find_widget (GTK_WIDGET (settings), ADW_TYPE_ACTION_ROW, "Member 4"));
    g_assert_null (find_widget (GTK_WIDGET (settings), ADW_TYPE_ACTION_ROW, "Member 3"));
    staff = find_widget (GTK_WIDGET (settings), GTK_TYPE_BUTTON, "Staff");
    g_assert_nonnull (staff);
    before = cohort_overview_page_get_data (page);
    g_signal_emit_by_name (staff, "clicked");
    wait_until (settings_idle, settings, 30);
    while (cohort_overview_page_get_data (page) == before || cohort_window_is_busy (f->window))
      g_main_context_iteration (NULL, TRUE);
    g_assert_cmpint (overview_kpis (f)->members_end, ==, 3);
    /* m4 is now on the staff list instead of its placeholder */
    g_assert_null (find_widget (GTK_WIDGET (settings), ADW_TYPE_ACTION_ROW,
                                "No staff: find members above to add them"));
  }

  /* and the store has the new threshold and the normalised rule */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) rules = NULL;
    CohortCommunitySettings stored;
    CohortDb *db = cohort_db_open (f->db_path, TRUE, &error);

    g_assert_true (cohort_db_get_community_settings (db, 1, &stored, &error));
    g_assert_cmpint (stored.churn_watch_days, ==, 25);
    rules = cohort_db_list_mech_rules (db, 1, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (rules->len, ==, 1);
    g_assert_cmpstr (((CohortMechRule *)rules->pdata[0])->text, ==, "收到");
    g_assert_false (((CohortMechRule *)rules->pdata[0])->mechanical);
    cohort_db_close (db);
  }
  gtk_window_destroy (GTK_WINDOW (settings));
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  g_test_add ("/cohort/settings-window/render", Fixture, NULL, fixture_setup, test_render, fixture_teardown);
  g_test_add ("/cohort/settings-window/recompute", Fixture, NULL, fixture_setup, test_recompute, fixture_teardown);
  return g_test_run ();
}
