/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-members-page"

#include "config.h"

#include "cohort-members-page.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <inttypes.h>

#include "cohort-member-detail.h"
#include "cohort-member-edit.h"
#include "cohort-member-item.h"
#include "cohort-member-list.h"

/*
 * The Members workspace: a GtkColumnView over CohortMemberList (items made only for the rows
 * on screen, so 100k members scroll like 100), filters and sort that a worker turns into a
 * row order, multi-selection with tag / staff / bot / export, and the detail pane.
 *
 * Three kinds of work leave the main thread: loading (snapshot + member table), querying
 * (filter + sort over the loaded table) and edits (a write connection).  Each has its own
 * GCancellable; a result whose cancellable is no longer current is dropped.
 */

typedef enum
{
  COLUMN_NAME,
  COLUMN_MESSAGES,
  COLUMN_ACTIVE_DAYS,
  COLUMN_LAST_SEEN,
  COLUMN_TENURE,
  COLUMN_SILENT,
  COLUMN_LIFECYCLE,
  COLUMN_TIER,
  COLUMN_CHURN,
  COLUMN_SCORE,
  COLUMN_POINTS,
  COLUMN_RFM,
  COLUMN_TAGS,
  N_COLUMNS
} Column;

struct _CohortMembersPage
{
  GtkWidget parent_instance;

  /* template children */
  GtkActionBar *action_bar;
  GtkToggleButton *ascending_button;
  GtkDropDown *churn_dropdown;
  GtkColumnView *column_view;
  CohortMemberDetail *detail;
  GtkDropDown *kind_dropdown;
  GtkDropDown *lifecycle_dropdown;
  GtkScrolledWindow *list_scroller;
  GtkPaned *paned;
  GtkDropDown *rfm_dropdown;
  GtkSearchEntry *search_entry;
  GtkBox *segments_box;
  GtkPopover *segments_popover;
  GtkLabel *selection_label;
  GtkDropDown *sort_dropdown;
  GtkLabel *summary_label;
  GtkDropDown *tag_dropdown;
  GtkDropDown *tier_dropdown;

  /* owned */
  char *db_path;
  gint64 community;
  CohortMembersData *data;
  CohortMemberList *list;
  GtkMultiSelection *selection;
  GtkStringList *tag_names;      /* "Any tag", then data->extras->all_tags */
  GCancellable *load_cancellable;
  GCancellable *query_cancellable;
  char *detail_uid;              /* shown in the detail pane, kept across reloads */
  GObject *probe_items[2];       /* compared to read the header sort, see below */
  GtkColumnViewColumn *columns[N_COLUMNS];   /* borrowed from the column view */
  int probed_column;
  gboolean updating_tags;        /* filters move together: one query at the end */
  gboolean syncing_sort;
};

enum {
  DATA_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (CohortMembersPage, cohort_members_page, GTK_TYPE_WIDGET)

static void run_query (CohortMembersPage *self);
static void start_load (CohortMembersPage *self);

/* Filter dropdown positions → query values; position 0 is always "any". */
static const int tier_values[] = {
  -1, COHORT_TIER_LURKER, COHORT_TIER_ACTIVE, COHORT_TIER_FAN, COHORT_TIER_KOC,
};
static const int kind_values[] = {
  COHORT_MEMBER_KIND_ANY, COHORT_MEMBER_KIND_PRESENT, COHORT_MEMBER_KIND_COUNTED,
  COHORT_MEMBER_KIND_STAFF, COHORT_MEMBER_KIND_BOT,
};
static const int rfm8_values[] = {
  COHORT_RFM8_IMPORTANT_VALUE, COHORT_RFM8_IMPORTANT_DEVELOP, COHORT_RFM8_IMPORTANT_KEEP,
  COHORT_RFM8_IMPORTANT_RETAIN, COHORT_RFM8_GENERAL_VALUE, COHORT_RFM8_GENERAL_DEVELOP,
  COHORT_RFM8_GENERAL_KEEP, COHORT_RFM8_GENERAL_RETAIN,
};
static const CohortMemberSort sort_values[] = {
  COHORT_MEMBER_SORT_MESSAGES, COHORT_MEMBER_SORT_ACTIVE_DAYS, COHORT_MEMBER_SORT_LAST_SEEN,
  COHORT_MEMBER_SORT_TENURE, COHORT_MEMBER_SORT_SCORE, COHORT_MEMBER_SORT_POINTS,
  COHORT_MEMBER_SORT_SILENT, COHORT_MEMBER_SORT_NAME,
};

/* ------------------------------------------------------------------------------------------ */
/* Cells                                                                                       */

static const char *
churn_label (CohortChurnLevel level)
{
  switch (level)
    {
    case COHORT_CHURN_WATCH:
      return C_("churn level", "Slipping");
    case COHORT_CHURN_WARN:
      return C_("churn level", "Warning");
    case COHORT_CHURN_HIGH:
      return C_("churn level", "High risk");
    case COHORT_CHURN_NONE:
    default:
      return "";
    }
}

static char *
cell_text (CohortMemberItem *item,
           Column            column)
{
  const CohortMemberRow *row = cohort_member_item_get_row (item);
  CohortMembersData *data = cohort_member_item_get_data (item);
  guint m = cohort_member_item_get_member (item);

  switch (column)
    {
    case COLUMN_NAME:
      if (data->snapshot->member_is_bot[m])
        return g_strdup_printf ("%s · %s", cohort_member_item_get_name (item), C_("members", "Bot"));
      if (data->snapshot->member_is_staff[m])
        return g_strdup_printf ("%s · %s", cohort_member_item_get_name (item), C_("members", "Staff"));
      return g_strdup (cohort_member_item_get_name (item));
    case COLUMN_MESSAGES:
      return g_strdup_printf ("%'" PRId64, (int64_t)row->messages);
    case COLUMN_ACTIVE_DAYS:
      return g_strdup_printf ("%'d", row->active_days);
    case COLUMN_LAST_SEEN:
      return row->last_day != COHORT_DAY_NONE ? cohort_day_format (row->last_day) : g_strdup ("—");
    case COLUMN_TENURE:
      return row->tenure >= 0 ? g_strdup_printf ("%'d", row->tenure) : g_strdup ("—");
    case COLUMN_SILENT:
      return row->silent_days >= 0 ? g_strdup_printf ("%'d", row->silent_days) : g_strdup ("—");
    case COLUMN_LIFECYCLE:
      return g_strdup (cohort_lifecycle_name (row->lifecycle));
    case COLUMN_TIER:
      if (!row->present && row->counted)
        return g_strdup (C_("members", "Left"));
      return g_strdup (row->is_kol && row->tier != COHORT_TIER_KOC
                       ? C_("members", "KOL") : cohort_tier_name (row->tier));
    case COLUMN_CHURN:
      return g_strdup (churn_label (row->churn));
    case COLUMN_SCORE:
      return row->koc_scored ? g_strdup_printf ("%.3f", row->koc_score) : g_strdup ("—");
    case COLUMN_POINTS:
      return g_strdup_printf ("%'" PRId64, (int64_t)row->points);
    case COLUMN_RFM:
      return g_strdup (cohort_rfm_segment_name (row->rfm_segment));
    case COLUMN_TAGS:
      return data->extras->tags[m] ? g_strjoinv (", ", data->extras->tags[m]) : g_strdup ("");
    case N_COLUMNS:
    default:
      g_assert_not_reached ();
    }
}

static gboolean
column_is_numeric (Column column)
{
  return column == COLUMN_MESSAGES || column == COLUMN_ACTIVE_DAYS || column == COLUMN_TENURE ||
         column == COLUMN_SILENT || column == COLUMN_SCORE || column == COLUMN_POINTS;
}

static void
on_cell_setup_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item,
                  gpointer                  user_data)
{
  Column column = GPOINTER_TO_INT (user_data);
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), column_is_numeric (column) ? 1 : 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  if (column_is_numeric (column))
    gtk_widget_add_css_class (label, "numeric");
  gtk_list_item_set_child (list_item, label);
}

static void
on_cell_bind_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item,
                 gpointer                  user_data)
{
  Column column = GPOINTER_TO_INT (user_data);
  CohortMemberItem *item = gtk_list_item_get_item (list_item);
  GtkWidget *label = gtk_list_item_get_child (list_item);
  g_autofree char *text = cell_text (item, column);

  gtk_label_set_label (GTK_LABEL (label), text);
}

/* The sort dropdown position each column header sorts by, -1 if it does not sort. */
static const int column_sort[N_COLUMNS] = {
  [COLUMN_NAME] = 7, [COLUMN_MESSAGES] = 0, [COLUMN_ACTIVE_DAYS] = 1, [COLUMN_LAST_SEEN] = 2,
  [COLUMN_TENURE] = 3, [COLUMN_SILENT] = 6, [COLUMN_SCORE] = 4, [COLUMN_POINTS] = 5,
  [COLUMN_LIFECYCLE] = -1, [COLUMN_TIER] = -1, [COLUMN_CHURN] = -1, [COLUMN_RFM] = -1,
  [COLUMN_TAGS] = -1,
};

/*
 * Header clicks.  The worker sorts, not a GtkSortListModel, and GTK 4.8 cannot tell which
 * column the column view sorts by (that API is 4.10).  So each sortable column gets a sorter
 * that only notes that it was asked: comparing two probe items through the view's sorter
 * asks the primary column first, and the sign of the answer gives the direction.  (Two:
 * gtk_sorter_compare answers "equal" for an item and itself without asking.)
 */
typedef struct
{
  CohortMembersPage *self;   /* borrowed: the sorters live no longer than the page */
  int                column;
} ProbeData;

static int
probe_compare_cb (gconstpointer a,
                  gconstpointer b,
                  gpointer      user_data)
{
  ProbeData *probe = user_data;

  if (probe->self->probed_column < 0)
    probe->self->probed_column = probe->column;
  return GTK_ORDERING_SMALLER;
}

static void
on_header_sort_changed_cb (GtkSorter         *sorter,
                           GtkSorterChange    change,
                           CohortMembersPage *self)
{
  GtkOrdering order;

  if (self->syncing_sort)
    return;
  self->probed_column = -1;
  order = gtk_sorter_compare (sorter, self->probe_items[0], self->probe_items[1]);
  if (self->probed_column < 0 || column_sort[self->probed_column] < 0)
    return;
  self->syncing_sort = TRUE;
  gtk_toggle_button_set_active (self->ascending_button, order == GTK_ORDERING_SMALLER);
  gtk_drop_down_set_selected (self->sort_dropdown, column_sort[self->probed_column]);
  self->syncing_sort = FALSE;
  run_query (self);
}

/* The other way: the dropdown and the order button move the header's sort arrow. */
static void
sync_header_sort (CohortMembersPage *self)
{
  guint selected = gtk_drop_down_get_selected (self->sort_dropdown);
  gboolean ascending = gtk_toggle_button_get_active (self->ascending_button);

  self->syncing_sort = TRUE;
  for (int c = 0; c < N_COLUMNS; c++)
    if (column_sort[c] == (int)selected && self->columns[c] != NULL)
      gtk_column_view_sort_by_column (self->column_view, self->columns[c],
                                      ascending ? GTK_SORT_ASCENDING : GTK_SORT_DESCENDING);
  self->syncing_sort = FALSE;
}

static void
add_columns (CohortMembersPage *self)
{
  const struct { const char *title; int width; } columns[N_COLUMNS] = {
    [COLUMN_NAME] = { NC_("members", "Name"), 180 },
    [COLUMN_MESSAGES] = { NC_("members", "Messages"), 80 },
    [COLUMN_ACTIVE_DAYS] = { NC_("members", "Active Days"), 96 },
    [COLUMN_LAST_SEEN] = { NC_("members", "Last Seen"), 96 },
    [COLUMN_TENURE] = { NC_("members", "Tenure"), 64 },
    [COLUMN_SILENT] = { NC_("members", "Silent"), 60 },
    [COLUMN_LIFECYCLE] = { NC_("members", "Lifecycle"), 80 },
    [COLUMN_TIER] = { NC_("members", "Level"), 76 },
    [COLUMN_CHURN] = { NC_("members", "Churn"), 76 },
    [COLUMN_SCORE] = { NC_("members", "KOC Score"), 76 },
    [COLUMN_POINTS] = { NC_("members", "Points"), 64 },
    [COLUMN_RFM] = { NC_("members", "RFM"), 100 },
    [COLUMN_TAGS] = { NC_("members", "Tags"), 120 },
  };

  for (int c = 0; c < N_COLUMNS; c++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      g_autoptr(GtkColumnViewColumn) column = NULL;

      g_signal_connect (factory, "setup", G_CALLBACK (on_cell_setup_cb), GINT_TO_POINTER (c));
      g_signal_connect (factory, "bind", G_CALLBACK (on_cell_bind_cb), GINT_TO_POINTER (c));
      column = gtk_column_view_column_new (g_dpgettext2 (NULL, "members", columns[c].title), factory);
      gtk_column_view_column_set_resizable (column, TRUE);
      gtk_column_view_column_set_fixed_width (column, columns[c].width);
      gtk_column_view_column_set_expand (column, c == COLUMN_NAME || c == COLUMN_TAGS);
      if (column_sort[c] >= 0)
        {
          ProbeData *probe = g_new0 (ProbeData, 1);
          g_autoptr(GtkCustomSorter) sorter = NULL;

          probe->self = self;
          probe->column = c;
          sorter = gtk_custom_sorter_new (probe_compare_cb, probe, g_free);
          gtk_column_view_column_set_sorter (column, GTK_SORTER (sorter));
        }
      gtk_column_view_append_column (self->column_view, column);
      self->columns[c] = column;
    }
  self->probe_items[0] = g_object_new (G_TYPE_OBJECT, NULL);
  self->probe_items[1] = g_object_new (G_TYPE_OBJECT, NULL);
  g_signal_connect (gtk_column_view_get_sorter (self->column_view), "changed",
                    G_CALLBACK (on_header_sort_changed_cb), self);
}

/* ------------------------------------------------------------------------------------------ */
/* Querying                                                                                    */

typedef struct
{
  CohortMembersData *data;
  CohortMemberQuery  query;
  char              *search;
  char              *tag;
} QueryRequest;

static void
query_request_free (QueryRequest *req)
{
  cohort_members_data_unref (req->data);
  g_free (req->search);
  g_free (req->tag);
  g_free (req);
}

static void
query_in_thread (GTask        *task,
                 gpointer      source,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  QueryRequest *req = task_data;

  req->query.search = req->search;
  req->query.tag = req->tag;
  g_task_return_pointer (task, cohort_members_data_query (req->data, &req->query),
                         (GDestroyNotify)g_array_unref);
}

static void
read_filters (CohortMembersPage *self,
              QueryRequest      *req)
{
  guint lifecycle = gtk_drop_down_get_selected (self->lifecycle_dropdown);
  guint tier = gtk_drop_down_get_selected (self->tier_dropdown);
  guint churn = gtk_drop_down_get_selected (self->churn_dropdown);
  guint rfm = gtk_drop_down_get_selected (self->rfm_dropdown);
  guint tag = gtk_drop_down_get_selected (self->tag_dropdown);
  guint kind = gtk_drop_down_get_selected (self->kind_dropdown);
  guint sort = gtk_drop_down_get_selected (self->sort_dropdown);

  cohort_member_query_init (&req->query);
  req->query.lifecycle = lifecycle >= 1 && lifecycle <= 2 ? (int)lifecycle : -1;
  req->query.tier = tier < G_N_ELEMENTS (tier_values) ? tier_values[tier] : -1;
  req->query.churn = churn >= 1 && churn <= 3 ? (int)churn : -1;
  if (rfm >= 1 && rfm < COHORT_RFM_N_SEGMENTS)
    req->query.rfm = rfm;
  else if (rfm >= COHORT_RFM_N_SEGMENTS && rfm - COHORT_RFM_N_SEGMENTS < G_N_ELEMENTS (rfm8_values))
    req->query.rfm8 = rfm8_values[rfm - COHORT_RFM_N_SEGMENTS];
  req->query.kind = kind < G_N_ELEMENTS (kind_values) ? kind_values[kind] : COHORT_MEMBER_KIND_ANY;
  req->query.sort = sort < G_N_ELEMENTS (sort_values) ? sort_values[sort] : COHORT_MEMBER_SORT_MESSAGES;
  req->query.descending = !gtk_toggle_button_get_active (self->ascending_button);
  req->search = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
  if (tag >= 1 && tag < g_list_model_get_n_items (G_LIST_MODEL (self->tag_names)))
    req->tag = g_strdup (gtk_string_list_get_string (self->tag_names, tag));
}

static void
update_summary (CohortMembersPage *self)
{
  const CohortMemberTable *t = self->data->table;
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (self->list));
  g_autofree char *asof = cohort_day_format (self->data->asof);
  g_autofree char *text = NULL;

  text = g_strdup_printf (_("%'u of %'u members · %s %'u · %s %'u · %s %'u · %s %'u · "
                            "%'u scored for KOC · as of %s"),
                          shown, t->n_rows,
                          cohort_tier_name (COHORT_TIER_LURKER), t->tier_counts[COHORT_TIER_LURKER],
                          cohort_tier_name (COHORT_TIER_ACTIVE), t->tier_counts[COHORT_TIER_ACTIVE],
                          cohort_tier_name (COHORT_TIER_FAN), t->tier_counts[COHORT_TIER_FAN],
                          cohort_tier_name (COHORT_TIER_KOC), t->tier_counts[COHORT_TIER_KOC],
                          t->n_scored, asof);
  if (t->rfm_commerce)
    {
      g_autofree char *with_mode = g_strdup_printf ("%s · %s", text, _("RFM from paid orders"));

      gtk_label_set_label (self->summary_label, with_mode);
      return;
    }
  gtk_label_set_label (self->summary_label, text);
}

static void
on_query_done_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(CohortMembersPage) self = user_data;
  g_autoptr(GArray) rows = g_task_propagate_pointer (G_TASK (result), NULL);
  QueryRequest *req = g_task_get_task_data (G_TASK (result));

  /* a newer query or load replaced this one */
  if (g_task_get_cancellable (G_TASK (result)) != self->query_cancellable ||
      req->data != self->data || rows == NULL)
    return;
  g_clear_object (&self->query_cancellable);

  cohort_member_list_set_rows (self->list, self->data, rows);
  update_summary (self);
  gtk_action_bar_set_revealed (self->action_bar, FALSE);

  /* Keep the member the operator was looking at, even after a reload. */
  if (self->detail_uid != NULL)
    {
      int m = cohort_snapshot_find_member (self->data->snapshot, self->detail_uid);

      cohort_member_detail_show (self->detail, self->db_path, self->data, m >= 0 ? (guint)m : G_MAXUINT);
    }
}

static void
run_query (CohortMembersPage *self)
{
  g_autoptr(GTask) task = NULL;
  QueryRequest *req;

  if (self->data == NULL)
    return;
  if (self->query_cancellable != NULL)
    g_cancellable_cancel (self->query_cancellable);
  g_clear_object (&self->query_cancellable);
  self->query_cancellable = g_cancellable_new ();

  req = g_new0 (QueryRequest, 1);
  req->data = cohort_members_data_ref (self->data);
  read_filters (self, req);
  task = g_task_new (NULL, self->query_cancellable, on_query_done_cb, g_object_ref (self));
  g_task_set_source_tag (task, run_query);
  g_task_set_task_data (task, req, (GDestroyNotify)query_request_free);
  g_task_run_in_thread (task, query_in_thread);
}

static void
on_filter_changed_cb (CohortMembersPage *self)
{
  if (self->updating_tags || self->syncing_sort)
    return;
  sync_header_sort (self);
  run_query (self);
}

/* ------------------------------------------------------------------------------------------ */
/* Segments view                                                                               */

/*
 * The Segments popover: the 新粉/老粉 × level matrix of §5.1 and the counts of both RFM views
 * of §5.3, each count a button that filters the list to exactly those members.
 */

static void
on_segment_clicked_cb (GtkButton         *button,
                       CohortMembersPage *self)
{
  int lifecycle = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "lifecycle"));
  int tier = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "tier"));
  int rfm = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "rfm"));

  self->updating_tags = TRUE;
  gtk_drop_down_set_selected (self->lifecycle_dropdown, lifecycle);
  gtk_drop_down_set_selected (self->tier_dropdown, tier);
  gtk_drop_down_set_selected (self->rfm_dropdown, rfm);
  gtk_drop_down_set_selected (self->churn_dropdown, 0);
  self->updating_tags = FALSE;
  gtk_popover_popdown (self->segments_popover);
  run_query (self);
}

static GtkWidget *
segment_button (CohortMembersPage *self,
                guint              count,
                int                lifecycle,
                int                tier,
                int                rfm)
{
  g_autofree char *text = g_strdup_printf ("%'u", count);
  GtkWidget *button = gtk_button_new_with_label (text);

  gtk_widget_add_css_class (button, "flat");
  gtk_widget_add_css_class (button, "numeric");
  gtk_widget_set_sensitive (button, count > 0);
  g_object_set_data (G_OBJECT (button), "lifecycle", GINT_TO_POINTER (lifecycle));
  g_object_set_data (G_OBJECT (button), "tier", GINT_TO_POINTER (tier));
  g_object_set_data (G_OBJECT (button), "rfm", GINT_TO_POINTER (rfm));
  g_signal_connect (button, "clicked", G_CALLBACK (on_segment_clicked_cb), self);
  return button;
}

static GtkWidget *
segment_heading (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_add_css_class (label, "heading");
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  return label;
}

static GtkWidget *
grid_label (const char *text,
            gboolean    dim)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  if (dim)
    gtk_widget_add_css_class (label, "dim-label");
  return label;
}

static GtkWidget *
lifecycle_matrix (CohortMembersPage *self)
{
  const CohortMemberTable *t = self->data->table;
  GtkWidget *grid = gtk_grid_new ();

  gtk_grid_set_column_spacing (GTK_GRID (grid), 6);
  for (int tier = COHORT_TIER_LURKER; tier <= COHORT_TIER_KOC; tier++)
    gtk_grid_attach (GTK_GRID (grid), grid_label (cohort_tier_name (tier), TRUE), tier, 0, 1, 1);
  for (int l = COHORT_LIFECYCLE_NEW; l <= COHORT_LIFECYCLE_OLD; l++)
    {
      gtk_grid_attach (GTK_GRID (grid), grid_label (cohort_lifecycle_name (l), FALSE), 0, l, 1, 1);
      for (int tier = COHORT_TIER_LURKER; tier <= COHORT_TIER_KOC; tier++)
        gtk_grid_attach (GTK_GRID (grid),
                         segment_button (self, t->lifecycle_tier_counts[l][tier], l, tier, 0),
                         tier, l, 1, 1);
    }
  return grid;
}

static GtkWidget *
rfm_list (CohortMembersPage *self,
          gboolean           median_view)
{
  const CohortMemberTable *t = self->data->table;
  GtkWidget *grid = gtk_grid_new ();
  guint n = median_view ? G_N_ELEMENTS (rfm8_values) : COHORT_RFM_N_SEGMENTS - 1;

  gtk_grid_set_column_spacing (GTK_GRID (grid), 6);
  for (guint i = 0; i < n; i++)
    {
      const char *name = median_view ? cohort_rfm8_name (rfm8_values[i]) : cohort_rfm_segment_name (i + 1);
      guint count = median_view ? t->rfm8_counts[rfm8_values[i]] : t->rfm_counts[i + 1];
      int position = median_view ? COHORT_RFM_N_SEGMENTS + (int)i : (int)i + 1;

      gtk_grid_attach (GTK_GRID (grid), grid_label (name, FALSE), (i % 2) * 2, i / 2, 1, 1);
      gtk_grid_attach (GTK_GRID (grid), segment_button (self, count, 0, 0, position),
                       (i % 2) * 2 + 1, i / 2, 1, 1);
    }
  return grid;
}

static void
update_segments_view (CohortMembersPage *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->segments_box))) != NULL)
    gtk_box_remove (self->segments_box, child);
  gtk_box_append (self->segments_box,
                  segment_heading (C_("members", "Lifecycle × level (members in the group)")));
  gtk_box_append (self->segments_box, lifecycle_matrix (self));
  gtk_box_append (self->segments_box, segment_heading (C_("members", "RFM segments")));
  gtk_box_append (self->segments_box, rfm_list (self, FALSE));
  gtk_box_append (self->segments_box, segment_heading (C_("members", "RFM, 8-class median view")));
  gtk_box_append (self->segments_box, rfm_list (self, TRUE));
}

/* ------------------------------------------------------------------------------------------ */
/* Loading                                                                                     */

static void
update_tag_dropdown (CohortMembersPage *self)
{
  guint selected = gtk_drop_down_get_selected (self->tag_dropdown);
  g_autofree char *current = NULL;
  char **tags = self->data->extras->all_tags;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->tag_names));

  if (selected >= 1 && selected < n)
    current = g_strdup (gtk_string_list_get_string (self->tag_names, selected));
  self->updating_tags = TRUE;
  gtk_string_list_splice (self->tag_names, 1, n - 1, (const char * const *)tags);
  selected = 0;
  for (guint i = 0; current != NULL && tags != NULL && tags[i] != NULL; i++)
    if (g_str_equal (tags[i], current))
      selected = i + 1;
  gtk_drop_down_set_selected (self->tag_dropdown, selected);
  self->updating_tags = FALSE;
}

static void
on_data_loaded_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(CohortMembersPage) self = user_data;
  g_autoptr(GError) error = NULL;
  CohortMembersData *data = cohort_members_data_load_finish (result, &error);

  if (g_task_get_cancellable (G_TASK (result)) != self->load_cancellable)
    {
      g_clear_pointer (&data, cohort_members_data_unref);
      return;
    }
  g_clear_object (&self->load_cancellable);
  if (data == NULL)
    {
      gtk_label_set_label (self->summary_label, error->message);
      return;
    }
  g_clear_pointer (&self->data, cohort_members_data_unref);
  self->data = data;
  update_tag_dropdown (self);
  update_segments_view (self);
  run_query (self);
}

static void
start_load (CohortMembersPage *self)
{
  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();
  if (self->data == NULL)
    gtk_label_set_label (self->summary_label, _("Loading members…"));
  /* the thresholds are the community's Settings, read by the worker */
  cohort_members_data_load_async (self->db_path, self->community, g_get_real_time () / G_USEC_PER_SEC,
                                  NULL, self->load_cancellable, on_data_loaded_cb,
                                  g_object_ref (self));
}

/* ------------------------------------------------------------------------------------------ */
/* Selection and actions                                                                       */

static GArray *
selected_members (CohortMembersPage *self)
{
  g_autoptr(GtkBitset) set = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  GArray *members = g_array_new (FALSE, FALSE, sizeof (guint));
  GtkBitsetIter iter;
  guint position;

  for (gboolean ok = gtk_bitset_iter_init_first (&iter, set, &position); ok;
       ok = gtk_bitset_iter_next (&iter, &position))
    {
      guint m = cohort_member_list_get_member (self->list, position);

      g_array_append_val (members, m);
    }
  return members;
}

static char **
selected_uids (CohortMembersPage *self)
{
  g_autoptr(GArray) members = selected_members (self);
  char **uids = g_new0 (char *, members->len + 1);

  for (guint i = 0; i < members->len; i++)
    uids[i] = g_strdup (self->data->snapshot->member_uid[g_array_index (members, guint, i)]);
  return uids;
}

static void
on_selection_changed_cb (GtkSelectionModel *model,
                         guint              position,
                         guint              n_items,
                         CohortMembersPage *self)
{
  g_autoptr(GtkBitset) set = gtk_selection_model_get_selection (model);
  guint64 n = gtk_bitset_get_size (set);
  g_autofree char *text = NULL;

  gtk_action_bar_set_revealed (self->action_bar, n > 0);
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'" PRIu64 " member selected",
                                       "%'" PRIu64 " members selected", n), (uint64_t)n);
  gtk_label_set_label (self->selection_label, text);

  /* The detail pane follows a single selection. */
  if (n == 1)
    {
      guint m = cohort_member_list_get_member (self->list, gtk_bitset_get_nth (set, 0));

      g_free (self->detail_uid);
      self->detail_uid = g_strdup (self->data->snapshot->member_uid[m]);
      cohort_member_detail_show (self->detail, self->db_path, self->data, m);
    }
}

typedef struct
{
  CohortMembersPage *self;   /* owned reference */
  gboolean           flags;
} EditContext;

static void
on_edit_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  EditContext *ctx = user_data;
  g_autoptr(CohortMembersPage) self = ctx->self;
  g_autoptr(GError) error = NULL;
  gboolean flags = ctx->flags;

  g_free (ctx);
  if (!cohort_member_edit_finish (result, &error))
    {
      gtk_label_set_label (self->summary_label, error->message);
      return;
    }
  /* Flags change who is counted, so every metric is recomputed: the window reloads the
   * Overview and, through update_pages, this page.  Tags only change this page. */
  if (flags)
    g_signal_emit (self, signals[DATA_CHANGED], 0);
  start_load (self);
}

static void
run_edit (CohortMembersPage      *self,
          const CohortMemberEdit *edit,
          gboolean                flags)
{
  EditContext *ctx = g_new0 (EditContext, 1);

  ctx->self = g_object_ref (self);
  ctx->flags = flags;
  cohort_member_edit_async (self->db_path, self->community, edit, NULL, on_edit_done_cb, ctx);
}

static void
set_flag (CohortMembersPage *self,
          CohortMemberFlag   flag,
          gboolean           value)
{
  g_auto(GStrv) uids = selected_uids (self);
  CohortMemberEdit edit = {
    .kind = COHORT_MEMBER_EDIT_SET_FLAG, .uids = (const char * const *)uids, .flag = flag,
    .value = value,
  };

  if (uids[0] != NULL)
    run_edit (self, &edit, TRUE);
}

static void
mark_staff_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  set_flag (COHORT_MEMBERS_PAGE (widget), COHORT_MEMBER_FLAG_STAFF, TRUE);
}

static void
mark_bot_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  set_flag (COHORT_MEMBERS_PAGE (widget), COHORT_MEMBER_FLAG_BOT, TRUE);
}

static void
clear_flags_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  CohortMembersPage *self = COHORT_MEMBERS_PAGE (widget);
  g_auto(GStrv) uids = selected_uids (self);
  CohortMemberEdit edit = {
    .kind = COHORT_MEMBER_EDIT_CLEAR_FLAGS, .uids = (const char * const *)uids,
  };

  if (uids[0] != NULL)
    run_edit (self, &edit, TRUE);
}

static void
on_tag_response_cb (AdwMessageDialog  *dialog,
                    const char        *response,
                    CohortMembersPage *self)
{
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
  g_autofree char *tag = g_strstrip (g_strdup (gtk_editable_get_text (entry)));
  char **uids = g_object_get_data (G_OBJECT (dialog), "uids");
  CohortMemberEdit edit = { .uids = (const char * const *)uids, .text = tag };

  if (*tag == '\0' || uids == NULL || uids[0] == NULL)
    return;
  if (g_str_equal (response, "add"))
    edit.kind = COHORT_MEMBER_EDIT_ADD_TAG;
  else if (g_str_equal (response, "remove"))
    edit.kind = COHORT_MEMBER_EDIT_REMOVE_TAG;
  else
    return;
  run_edit (self, &edit, FALSE);
}

static void
on_tag_entry_activate_cb (GtkEntry         *entry,
                          AdwMessageDialog *dialog)
{
  adw_message_dialog_response (dialog, "add");
  gtk_window_close (GTK_WINDOW (dialog));
}

static void
tag_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  CohortMembersPage *self = COHORT_MEMBERS_PAGE (widget);
  char **uids = selected_uids (self);
  g_autofree char *body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                        "The tag is added to %u member.",
                                                        "The tag is added to the %u selected members.",
                                                        g_strv_length (uids)),
                                           g_strv_length (uids));
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *dialog, *entry = gtk_entry_new ();

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Tag Members"), body);
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Tag, for example 召回 or VIP"));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "remove", _("_Remove Tag"),
                                    "add", _("_Add Tag"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "add",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "add");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "uids", uids, (GDestroyNotify)g_strfreev);
  g_signal_connect (entry, "activate", G_CALLBACK (on_tag_entry_activate_cb), dialog);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_tag_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Export: the rows are fixed when the dialog opens; the file is written on a worker. */

typedef struct
{
  CohortMembersData *data;
  GArray            *rows;
  GFile             *file;
} ExportRequest;

static void
export_request_free (ExportRequest *req)
{
  cohort_members_data_unref (req->data);
  g_array_unref (req->rows);
  g_clear_object (&req->file);
  g_free (req);
}

static void
export_in_thread (GTask        *task,
                  gpointer      source,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  ExportRequest *req = task_data;
  GError *error = NULL;

  if (cohort_members_data_save_csv (req->data, req->rows, req->file, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
on_export_done_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(CohortMembersPage) self = user_data;
  g_autoptr(GError) error = NULL;
  ExportRequest *req = g_task_get_task_data (G_TASK (result));
  g_autofree char *name = g_file_get_basename (req->file);
  g_autofree char *text = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    text = g_strdup_printf (_("Could not export: %s"), error->message);
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Exported %'u member to %s",
                                         "Exported %'u members to %s", req->rows->len),
                            req->rows->len, name);
  gtk_label_set_label (self->selection_label, text);
  gtk_label_set_label (self->summary_label, text);
}

static void
export_rows (CohortMembersPage *self,
                             GArray            *rows,
                             GFile             *file)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, on_export_done_cb, g_object_ref (self));
  ExportRequest *req = g_new0 (ExportRequest, 1);

  req->data = cohort_members_data_ref (self->data);
  req->rows = g_array_ref (rows);
  req->file = g_object_ref (file);
  g_task_set_task_data (task, req, (GDestroyNotify)export_request_free);
  g_task_run_in_thread (task, export_in_thread);
}

static void
on_export_chosen_cb (GtkNativeDialog *chooser,
                     int              response,
                     gpointer         user_data)
{
  CohortMembersPage *self = g_object_get_data (G_OBJECT (chooser), "page");
  GArray *rows = g_object_get_data (G_OBJECT (chooser), "rows");
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT &&
      (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))) != NULL)
    export_rows (self, rows, file);
  g_object_unref (chooser);
}

static void
choose_export_file (CohortMembersPage *self,
                    GArray            *rows)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *chooser;
  g_autofree char *name = g_strdup_printf ("%s-members.csv", self->data->snapshot->name);

  chooser = gtk_file_chooser_native_new (_("Export Members"),
                                         GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_object_set_data_full (G_OBJECT (chooser), "page", g_object_ref (self), g_object_unref);
  g_object_set_data_full (G_OBJECT (chooser), "rows", rows, (GDestroyNotify)g_array_unref);
  g_signal_connect (chooser, "response", G_CALLBACK (on_export_chosen_cb), NULL);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CohortMembersPage *self = COHORT_MEMBERS_PAGE (widget);
  const GArray *rows = cohort_member_list_get_rows (self->list);

  if (self->data != NULL && rows != NULL)
    choose_export_file (self, g_array_ref ((GArray *)rows));
}

static void
export_selection_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  CohortMembersPage *self = COHORT_MEMBERS_PAGE (widget);

  if (self->data != NULL)
    choose_export_file (self, selected_members (self));
}

static gboolean
focus_search (GtkWidget *widget,
              GVariant  *args,
              gpointer   user_data)
{
  return gtk_widget_grab_focus (GTK_WIDGET (COHORT_MEMBERS_PAGE (widget)->search_entry));
}

static void
on_detail_tags_changed_cb (CohortMembersPage *self)
{
  start_load (self);
}

/* ------------------------------------------------------------------------------------------ */
/* GObject                                                                                     */

static void
cohort_members_page_dispose (GObject *object)
{
  CohortMembersPage *self = COHORT_MEMBERS_PAGE (object);
  GtkWidget *child;

  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  if (self->query_cancellable != NULL)
    g_cancellable_cancel (self->query_cancellable);
  g_clear_object (&self->load_cancellable);
  g_clear_object (&self->query_cancellable);
  /* removing the columns changes the view's sorter: nothing to follow any more */
  self->syncing_sort = TRUE;
  gtk_widget_dispose_template (GTK_WIDGET (object), COHORT_TYPE_MEMBERS_PAGE);
  /* the template's outer box has no id, so dispose_template leaves it */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->selection);
  g_clear_object (&self->list);
  g_clear_object (&self->tag_names);
  g_clear_object (&self->probe_items[0]);
  g_clear_object (&self->probe_items[1]);
  G_OBJECT_CLASS (cohort_members_page_parent_class)->dispose (object);
}

static void
cohort_members_page_finalize (GObject *object)
{
  CohortMembersPage *self = COHORT_MEMBERS_PAGE (object);

  g_free (self->db_path);
  g_free (self->detail_uid);
  g_clear_pointer (&self->data, cohort_members_data_unref);
  G_OBJECT_CLASS (cohort_members_page_parent_class)->finalize (object);
}

static void
cohort_members_page_class_init (CohortMembersPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cohort_members_page_dispose;
  object_class->finalize = cohort_members_page_finalize;

  /* Staff or bot flags changed in the database: every metric must be recomputed. */
  signals[DATA_CHANGED] = g_signal_new ("data-changed", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_install_action (widget_class, "members.tag", NULL, tag_action);
  gtk_widget_class_install_action (widget_class, "members.mark-staff", NULL, mark_staff_action);
  gtk_widget_class_install_action (widget_class, "members.mark-bot", NULL, mark_bot_action);
  gtk_widget_class_install_action (widget_class, "members.clear-flags", NULL, clear_flags_action);
  gtk_widget_class_install_action (widget_class, "members.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "members.export-selection", NULL,
                                   export_selection_action);

  gtk_widget_class_add_binding (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, focus_search, NULL);

  g_type_ensure (COHORT_TYPE_MEMBER_DETAIL);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/cohortapp/Cohort/ui/cohort-members-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CohortMembersPage, action_bar);
  gtk_widget_class_bind_template_child (widget_class, CohortMembersPage, ascending_button);
  gtk_widget_class_bind_template_child (widget_class, CohortMembersPage, churn_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CohortMembersPage, column_view);
  gtk_widget_class_bind_template_child (widget_class, CohortMembersPage, detail);
  gtk_widget_class_bind_template_child (widget_class, CohortMembersPage, kind_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CohortMembersPage, lifecycle_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CohortMembersPage, list_scroller);
  gtk_widget_class_bind_template_child (widget_class, CohortMembersPage, paned);
  gtk_widget_class_bind_template_child (widget_class, CohortMembersPage, rfm_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CohortMembersPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, CohortMembersPage, segments_box);
  gtk_widget_class_bind_template_child (widget_class, CohortMembersPage, segments_popover);
  gtk_widget_class_bind_template_child (widget_class, CohortMembersPage, selection_label);
  gtk_widget_class_bind_template_child (widget_class, CohortMembersPage, sort_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CohortMembersPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, CohortMembersPage, tag_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CohortMembersPage, tier_dropdown);
  gtk_widget_class_bind_template_callback (widget_class, on_filter_changed_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
cohort_members_page_init (CohortMembersPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->list = cohort_member_list_new ();
  self->selection = gtk_multi_selection_new (G_LIST_MODEL (g_object_ref (self->list)));
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  add_columns (self);
  sync_header_sort (self);
  g_signal_connect (self->selection, "selection-changed", G_CALLBACK (on_selection_changed_cb), self);

  self->tag_names = gtk_string_list_new ((const char * const[]) { C_("members", "Any tag"), NULL });
  gtk_drop_down_set_model (self->tag_dropdown, G_LIST_MODEL (self->tag_names));
  g_signal_connect_swapped (self->detail, "tags-changed", G_CALLBACK (on_detail_tags_changed_cb), self);
}

/* ------------------------------------------------------------------------------------------ */
/* Public API                                                                                  */

void
cohort_members_page_set_community (CohortMembersPage *self,
                                   const char        *db_path,
                                   gint64             community)
{
  g_return_if_fail (COHORT_IS_MEMBERS_PAGE (self));
  g_return_if_fail (db_path != NULL);

  if (community != self->community)
    {
      g_clear_pointer (&self->detail_uid, g_free);
      cohort_member_detail_show (self->detail, NULL, NULL, G_MAXUINT);
    }
  g_free (self->db_path);
  self->db_path = g_strdup (db_path);
  self->community = community;
  if (community != 0)
    start_load (self);
}

gboolean
cohort_members_page_is_busy (CohortMembersPage *self)
{
  g_return_val_if_fail (COHORT_IS_MEMBERS_PAGE (self), FALSE);
  return self->load_cancellable != NULL || self->query_cancellable != NULL ||
         cohort_member_detail_is_loading (self->detail);
}

CohortMembersData *
cohort_members_page_get_data (CohortMembersPage *self)
{
  g_return_val_if_fail (COHORT_IS_MEMBERS_PAGE (self), NULL);
  return self->data;
}

GListModel *
cohort_members_page_get_model (CohortMembersPage *self)
{
  g_return_val_if_fail (COHORT_IS_MEMBERS_PAGE (self), NULL);
  return G_LIST_MODEL (self->selection);
}

GtkWidget *
cohort_members_page_get_detail (CohortMembersPage *self)
{
  g_return_val_if_fail (COHORT_IS_MEMBERS_PAGE (self), NULL);
  return GTK_WIDGET (self->detail);
}
