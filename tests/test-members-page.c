/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "cohort-member-detail.h"
#include "cohort-member-item.h"
#include "cohort-members-page.h"
#include "cohort-overview-page.h"
#include "cohort-render.h"
#include "cohort-store.h"
#include "cohort-test-ui.h"
#include "cohort-store-settings.h"
#include "cohort-window.h"

/*
 * The Members page under Xvfb: the demo community inside the real window (list, filters,
 * detail pane), and a generated community of 100,000 members in the page alone (the list,
 * a filter, the far end of the list, and a staff flag written through the page).  Each case
 * renders to PNG under the build directory and checks pixels.
 */

#define N_BIG 100000

static gboolean
page_idle (gpointer page)
{
  return !cohort_members_page_is_busy (page);
}

static gboolean
window_idle (gpointer window)
{
  return !cohort_window_is_busy (window);
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

/* Horizontal lines of the band [x0, x1) holding dark text pixels: each list row shows text. */
static int
count_text_lines (const CohortTestImage *image,
                  int          x0,
                  int          x1)
{
  int lines = 0;

  for (int y = 0; y < image->height; y++)
    {
      gboolean dark = FALSE;

      for (int x = MAX (x0, 0); x < MIN (x1, image->width) && !dark; x++)
        {
          const guchar *p = image->pixels + y * image->stride + x * 4;

          dark = p[3] > 200 && p[0] < 90 && p[1] < 90 && p[2] < 90;
        }
      lines += dark;
    }
  return lines;
}

static void
remove_db (const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_autofree char *dir = g_path_get_dirname (path);

  g_unlink (path);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (dir);
}

static void
select_only (CohortMembersPage *page,
             guint              position)
{
  GtkSelectionModel *selection = GTK_SELECTION_MODEL (cohort_members_page_get_model (page));

  g_assert_true (gtk_selection_model_select_item (selection, position, TRUE));
}

static gboolean
detail_idle (gpointer detail)
{
  return !cohort_member_detail_is_loading (detail);
}

static GObject *
template_child (gpointer    page,
                const char *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (page), COHORT_TYPE_MEMBERS_PAGE, name);

  g_assert_nonnull (child);
  return child;
}

/* The Segments popover's button for one cell (see update_segments_view); every button in
 * that box is one. */
static GtkWidget *
segment_button (GtkWidget *root,
                int        lifecycle,
                int        tier,
                int        rfm)
{
  if (GTK_IS_BUTTON (root) &&
      GPOINTER_TO_INT (g_object_get_data (G_OBJECT (root), "lifecycle")) == lifecycle &&
      GPOINTER_TO_INT (g_object_get_data (G_OBJECT (root), "tier")) == tier &&
      GPOINTER_TO_INT (g_object_get_data (G_OBJECT (root), "rfm")) == rfm)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = segment_button (child, lifecycle, tier, rfm);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static guint
member_at (GListModel *model,
           guint       position)
{
  g_autoptr(CohortMemberItem) item = g_list_model_get_item (model, position);

  g_assert_nonnull (item);
  return cohort_member_item_get_member (item);
}

/* ------------------------------------------------------------------------------------------ */
/* The demo community in the window                                                            */

static void
set_koc_min_messages (const char *db_path,
                      gint64      community,
                      const char *value)
{
  g_autoptr(GError) error = NULL;
  CohortCommunitySettings settings;
  CohortDb *db = cohort_db_open (db_path, FALSE, &error);

  g_assert_no_error (error);
  g_assert_true (cohort_db_get_community_settings (db, community, &settings, &error));
  g_assert_true (cohort_community_settings_set (&settings, "koc-min-messages", value, &error));
  g_assert_true (cohort_db_set_community_settings (db, community, &settings, &error));
  g_assert_no_error (error);
  cohort_db_close (db);
}

static void
test_demo (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *dir = g_dir_make_tmp ("cohort-members-XXXXXX", NULL);
  g_autofree char *db_path = g_build_filename (dir, "cohort.db", NULL);
  CohortWindow *window;
  CohortMembersPage *page;
  CohortMemberDetail *detail;
  CohortMembersData *data;
  GListModel *model;
  CohortTestImage image;
  guint top, fans;

  g_settings_set_int64 (settings, "last-community", 0);
  g_settings_set_int (settings, "window-width", 1400);
  g_settings_set_int (settings, "window-height", 900);
  window = g_object_ref_sink (cohort_window_new (NULL, db_path));
  gtk_window_present (GTK_WINDOW (window));
  wait_until (window_idle, window, 20);
  cohort_window_open_demo (window);
  wait_until (window_idle, window, 120);
  cohort_window_show_page (window, "members");
  g_assert_cmpstr (cohort_window_get_page_name (window), ==, "members");

  page = COHORT_MEMBERS_PAGE (cohort_test_find_widget (GTK_WIDGET (window), COHORT_TYPE_MEMBERS_PAGE));
  g_assert_nonnull (page);
  wait_until (page_idle, page, 60);
  data = cohort_members_page_get_data (page);
  model = cohort_members_page_get_model (page);
  g_assert_nonnull (data);
  /* every member is listed, most messages first */
  g_assert_cmpuint (data->table->n_rows, >, 200);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, data->table->n_rows);
  top = member_at (model, 0);
  g_assert_cmpint (data->table->rows[top].messages, >=, data->table->rows[member_at (model, 1)].messages);
  g_assert_cmpint (data->table->rows[member_at (model, 1)].messages, >=,
                   data->table->rows[member_at (model, 2)].messages);

  /* the most active member in the detail pane: calendar and weekly bars in the accent blue */
  select_only (page, 0);
  detail = COHORT_MEMBER_DETAIL (cohort_members_page_get_detail (page));
  g_assert_cmpuint (cohort_member_detail_get_member (detail), ==, top);
  wait_until (detail_idle, detail, 30);
  image = cohort_test_render (GTK_WIDGET (window), "members-demo.png");
  g_assert_cmpint (count_text_lines (&image, 0, 400), >, 300);
  g_assert_cmpint (cohort_test_count_colour_in (&image, image.width - 520, 0,
                                                image.width, image.height,
                                                0x35, 0x84, 0xe4, 40), >, 300);
  g_free (image.pixels);

  /* the 铁粉 filter (position 3) keeps exactly the table's superfans */
  fans = data->table->tier_counts[COHORT_TIER_FAN];
  g_assert_cmpuint (fans, >, 0);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (template_child (page, "tier_dropdown")), 3);
  g_assert_true (cohort_members_page_is_busy (page));
  wait_until (page_idle, page, 30);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, fans);
  for (guint i = 0; i < fans; i++)
    g_assert_cmpint (data->table->rows[member_at (model, i)].tier, ==, COHORT_TIER_FAN);

  /* the Segments popover: 老粉 × 铁粉 (lifecycle 2, level 3) lists exactly that cell, and the
   * 潜在流失 RFM segment (position 3) exactly its members */
  {
    GtkWidget *box = GTK_WIDGET (template_child (page, "segments_box"));
    GtkWidget *cell = segment_button (box, COHORT_LIFECYCLE_OLD, COHORT_TIER_FAN, 0);
    GtkWidget *at_risk = segment_button (box, 0, 0, COHORT_RFM_AT_RISK);
    guint expected = data->table->lifecycle_tier_counts[COHORT_LIFECYCLE_OLD][COHORT_TIER_FAN];

    g_assert_nonnull (cell);
    g_assert_cmpuint (expected, >, 0);
    gtk_popover_popup (GTK_POPOVER (template_child (page, "segments_popover")));
    image = cohort_test_render (GTK_WIDGET (template_child (page, "segments_popover")),
                                "members-segments.png");
    /* 2 + 4 + 4 rows of labels and counts */
    g_assert_cmpint (count_text_lines (&image, 0, image.width), >, 100);
    g_free (image.pixels);
    g_signal_emit_by_name (cell, "clicked");
    wait_until (page_idle, page, 30);
    g_assert_cmpuint (g_list_model_get_n_items (model), ==, expected);
    g_assert_cmpint (data->table->rows[member_at (model, 0)].lifecycle, ==, COHORT_LIFECYCLE_OLD);
    g_assert_nonnull (at_risk);
    g_signal_emit_by_name (at_risk, "clicked");
    wait_until (page_idle, page, 30);
    g_assert_cmpuint (g_list_model_get_n_items (model), ==, data->table->rfm_counts[COHORT_RFM_AT_RISK]);
    gtk_drop_down_set_selected (GTK_DROP_DOWN (template_child (page, "rfm_dropdown")), 0);
    wait_until (page_idle, page, 30);
  }

  /* 800 followers elsewhere, typed into the detail pane, make a member a KOL (≥ 500) */
  {
    CohortMembersData *before = data;
    guint m = G_MAXUINT, position = 0;

    for (guint i = 0; i < g_list_model_get_n_items (model) && m == G_MAXUINT; i++)
      if (data->table->rows[member_at (model, i)].counted && !data->table->rows[member_at (model, i)].is_kol)
        m = member_at (model, position = i);
    g_assert_cmpuint (m, !=, G_MAXUINT);
    select_only (page, position);
    wait_until (detail_idle, detail, 30);
    gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_template_child (GTK_WIDGET (detail), COHORT_TYPE_MEMBER_DETAIL,
                                                                        "reach_entry")), "800");
    g_signal_emit_by_name (gtk_widget_get_template_child (GTK_WIDGET (detail), COHORT_TYPE_MEMBER_DETAIL, "reach_entry"),
                           "activate");
    while (cohort_members_page_get_data (page) == before || cohort_members_page_is_busy (page))
      g_main_context_iteration (NULL, TRUE);
    data = cohort_members_page_get_data (page);
    g_assert_cmpint (data->table->rows[m].reach, ==, 800);
    g_assert_true (data->table->rows[m].is_kol);

    /* a tag typed into the detail pane is stored, shown, offered as a filter and searchable */
    before = data;
    gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_template_child (GTK_WIDGET (detail), COHORT_TYPE_MEMBER_DETAIL,
                                                                        "tag_entry")), "召回");
    g_signal_emit_by_name (gtk_widget_get_template_child (GTK_WIDGET (detail), COHORT_TYPE_MEMBER_DETAIL, "tag_entry"),
                           "activate");
    while (cohort_members_page_get_data (page) == before || cohort_members_page_is_busy (page))
      g_main_context_iteration (NULL, TRUE);
    data = cohort_members_page_get_data (page);
    g_assert_nonnull (data->extras->tags[m]);
    g_assert_cmpstr (data->extras->tags[m][0], ==, "召回");
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (gtk_drop_down_get_model (
                        GTK_DROP_DOWN (template_child (page, "tag_dropdown"))))), ==, 2);
    gtk_editable_set_text (GTK_EDITABLE (template_child (page, "search_entry")), "召回");
    while (g_list_model_get_n_items (model) != 1)
      g_main_context_iteration (NULL, TRUE);
    wait_until (page_idle, page, 30);
    g_assert_cmpuint (member_at (model, 0), ==, m);
    gtk_editable_set_text (GTK_EDITABLE (template_child (page, "search_entry")), "");
    while (g_list_model_get_n_items (model) != data->table->n_rows)
      g_main_context_iteration (NULL, TRUE);
    wait_until (page_idle, page, 30);
  }

  /* a click on the Tenure header (the 5th column) sorts by tenure, shortest first, and the
   * sort dropdown follows */
  {
    GtkColumnView *view = GTK_COLUMN_VIEW (template_child (page, "column_view"));
    g_autoptr(GtkColumnViewColumn) tenure = g_list_model_get_item (gtk_column_view_get_columns (view), 4);
    guint n;

    gtk_drop_down_set_selected (GTK_DROP_DOWN (template_child (page, "tier_dropdown")), 0);
    wait_until (page_idle, page, 30);
    gtk_column_view_sort_by_column (view, tenure, GTK_SORT_ASCENDING);
    g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (template_child (page, "sort_dropdown"))), ==, 3);
    g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (template_child (page, "ascending_button"))));
    wait_until (page_idle, page, 30);
    n = g_list_model_get_n_items (model);
    g_assert_cmpuint (n, ==, data->table->n_rows);
    for (guint i = 1; i < n; i++)
      g_assert_cmpint (data->table->rows[member_at (model, i - 1)].tenure, <=,
                       data->table->rows[member_at (model, i)].tenure);
    gtk_column_view_sort_by_column (view, tenure, GTK_SORT_DESCENDING);
    g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (template_child (page, "ascending_button"))));
    wait_until (page_idle, page, 30);
    g_assert_cmpint (data->table->rows[member_at (model, 0)].tenure, >=,
                     data->table->rows[member_at (model, n - 1)].tenure);
  }

  /* a threshold from the community's Settings: with F ≥ 100000 nobody is a KOC any more, and
   * the former KOC fall back to 铁粉 or 活跃 */
  g_assert_cmpuint (data->table->tier_counts[COHORT_TIER_KOC], >, 0);
  set_koc_min_messages (db_path, data->community, "100000");
  cohort_members_page_set_community (page, db_path, data->community);
  g_assert_true (cohort_members_page_is_busy (page));
  wait_until (page_idle, page, 60);
  data = cohort_members_page_get_data (page);
  g_assert_cmpuint (data->table->tier_counts[COHORT_TIER_KOC], ==, 0);
  g_assert_cmpuint (data->table->n_koc, ==, 0);
  set_koc_min_messages (db_path, data->community, "20");
  cohort_members_page_set_community (page, db_path, data->community);
  wait_until (page_idle, page, 60);

  /* staff are left out of every metric (§0.3): marking a present member as staff through the
   * page makes the window recompute the Overview, which now counts one member fewer */
  {
    CohortOverviewPage *overview = COHORT_OVERVIEW_PAGE (cohort_window_get_overview_page (window));
    gint64 members = cohort_overview_page_get_data (overview)->overview->kpis.members_end;
    const CohortOverviewData *before = cohort_overview_page_get_data (overview);
    guint m = G_MAXUINT, position = 0;

    data = cohort_members_page_get_data (page);   /* reloaded after the threshold reset */
    for (guint i = 0; i < g_list_model_get_n_items (model) && m == G_MAXUINT; i++)
      if (data->table->rows[member_at (model, i)].counted && data->table->rows[member_at (model, i)].present)
        m = member_at (model, position = i);
    g_assert_cmpuint (m, !=, G_MAXUINT);
    select_only (page, position);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "members.mark-staff", NULL));
    while (cohort_overview_page_get_data (overview) == before || cohort_window_is_busy (window))
      g_main_context_iteration (NULL, TRUE);
    g_assert_cmpint (cohort_overview_page_get_data (overview)->overview->kpis.members_end, ==, members - 1);
    data = cohort_members_page_get_data (page);
    g_assert_true (data->snapshot->member_is_staff[m]);
  }

  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (window);
  remove_db (db_path);
}

/* ------------------------------------------------------------------------------------------ */
/* 100,000 members                                                                             */

/*
 * Relative to today, so that the page's asof (yesterday) sees a live community.  Day k is
 * t0 + k days with t0 the local midnight (Asia/Shanghai) 400 days ago.  Member i joins on day
 * i % 360.  Every 10th member posts on days 365…389, i.e. 20 days of the 30-day window
 * 370…399: 10,000 superfans (no replies, so Q = 0 and no KOC), all 10,000 scored for KOC.
 * Every 10th + 1 posts once on day 70, the rest never: 90,000 lurkers.  Names are
 * "成员 000042", so a search for one is a single row.
 */
static char *
write_big_community (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("cohort-members-big-XXXXXX", NULL);
  char *path = g_build_filename (dir, "big.db", NULL);
  CohortDb *db = cohort_db_open (path, FALSE, &error);
  CohortImportTx *tx;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 c, t0 = ((now + 8 * 3600) / 86400 - 400) * 86400 - 8 * 3600;
  CohortMessageRecord msg = { 0, };

  g_assert_no_error (error);
  tx = cohort_db_begin_import (db, "generated", "test", &error);
  c = cohort_import_tx_community (tx, "telegram", "big", "Big Group", "supergroup",
                                  "Asia/Shanghai", &error);
  g_assert_no_error (error);
  msg.community = c;
  msg.kind = COHORT_MESSAGE_TEXT;
  msg.text = "你好";
  msg.length = 2;
  for (int i = 0; i < N_BIG; i++)
    {
      g_autofree char *uid = g_strdup_printf ("u%06d", i);
      g_autofree char *name = g_strdup_printf ("成员 %06d", i);
      gint64 joined = t0 + (gint64)(i % 360) * 86400 + 3600;

      g_assert_true (cohort_import_tx_member (tx, c, uid, name, FALSE, &error));
      g_assert_true (cohort_import_tx_event (tx, c, uid, joined, "join", NULL, &error));
      msg.member_uid = uid;
      if (i % 10 == 0)
        for (int d = 0; d < 25; d++)
          {
            g_autofree char *id = g_strdup_printf ("%d-%d", i, d);

            msg.platform_msg_id = id;
            msg.ts = t0 + (gint64)(365 + d) * 86400 + 36000;
            g_assert_true (cohort_import_tx_message (tx, &msg, &error));
          }
      else if (i % 10 == 1)
        {
          g_autofree char *id = g_strdup_printf ("%d", i);

          msg.platform_msg_id = id;
          msg.ts = t0 + 70 * 86400 + 36000;
          g_assert_true (cohort_import_tx_message (tx, &msg, &error));
        }
    }
  g_assert_true (cohort_import_tx_commit (tx, &error));
  g_assert_no_error (error);
  cohort_db_close (db);
  return path;
}

static void
on_data_changed_cb (CohortMembersPage *page,
                    int               *count)
{
  (*count)++;
}

static void
test_hundred_thousand (void)
{
  g_autofree char *db_path = write_big_community ();
  GtkWidget *window = gtk_window_new ();
  CohortMembersPage *page = g_object_new (COHORT_TYPE_MEMBERS_PAGE, NULL);
  GtkScrolledWindow *scroller;
  GtkAdjustment *adj;
  CohortMembersData *data;
  GListModel *model;
  CohortTestImage image;
  int changed = 0;
  guint last;

  gtk_window_set_default_size (GTK_WINDOW (window), 1300, 800);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
  gtk_window_present (GTK_WINDOW (window));
  g_signal_connect (page, "data-changed", G_CALLBACK (on_data_changed_cb), &changed);

  cohort_members_page_set_community (page, db_path, 1);
  g_assert_true (cohort_members_page_is_busy (page));
  wait_until (page_idle, page, 120);
  data = cohort_members_page_get_data (page);
  model = cohort_members_page_get_model (page);
  g_assert_cmpuint (data->table->n_rows, ==, N_BIG);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, N_BIG);
  g_assert_cmpuint (data->table->tier_counts[COHORT_TIER_FAN], ==, N_BIG / 10);
  g_assert_cmpuint (data->table->tier_counts[COHORT_TIER_LURKER], ==, N_BIG - N_BIG / 10);
  g_assert_cmpuint (data->table->n_scored, ==, N_BIG / 10);
  g_assert_cmpint (data->table->rows[0].window_active_days, ==, 20);
  g_assert_cmpint (data->table->rows[0].silent_days, ==, 10);
  /* most messages first: a poster (25 messages) on top */
  g_assert_cmpint (data->table->rows[member_at (model, 0)].messages, ==, 25);

  /* the first screen: a row of text every ~30 px over the list */
  image = cohort_test_render (window, "members-100k-top.png");
  g_assert_cmpint (count_text_lines (&image, 0, 300), >, 200);
  g_free (image.pixels);

  /* the far end of the list: scrolled to the bottom, rows are still drawn */
  scroller = GTK_SCROLLED_WINDOW (template_child (page, "list_scroller"));
  adj = gtk_scrolled_window_get_vadjustment (scroller);
  for (int i = 0; i < 20; i++)
    {
      gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj));
      cohort_test_wait_for_frame (window);
    }
  g_assert_cmpfloat (gtk_adjustment_get_value (adj), >, 100000.0);
  image = cohort_test_render (window, "members-100k-bottom.png");
  g_assert_cmpint (count_text_lines (&image, 0, 300), >, 200);
  g_free (image.pixels);

  /* a search for one name is one row */
  gtk_editable_set_text (GTK_EDITABLE (template_child (page, "search_entry")), "成员 042420");
  while (!cohort_members_page_is_busy (page) && g_list_model_get_n_items (model) != 1)
    g_main_context_iteration (NULL, TRUE);
  wait_until (page_idle, page, 30);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  last = member_at (model, 0);
  g_assert_cmpstr (data->snapshot->member_uid[last], ==, "u042420");

  /* marked as staff through the page: written, reloaded, and the window told */
  select_only (page, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "members.mark-staff", NULL));
  while (changed == 0)
    g_main_context_iteration (NULL, TRUE);
  wait_until (page_idle, page, 120);
  data = cohort_members_page_get_data (page);
  g_assert_true (data->snapshot->member_is_staff[last]);
  g_assert_false (data->table->rows[last].counted);
  g_assert_cmpint (data->table->rows[last].tier, ==, COHORT_TIER_NONE);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);

  gtk_window_destroy (GTK_WINDOW (window));
  remove_db (db_path);
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  g_test_add_func ("/cohort/members-page/demo", test_demo);
  g_test_add_func ("/cohort/members-page/hundred-thousand", test_hundred_thousand);
  return g_test_run ();
}
