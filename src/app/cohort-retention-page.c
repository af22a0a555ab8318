/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-retention-page"

#include "config.h"

#include "cohort-retention-page.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <inttypes.h>
#include <math.h>

#include "cohort-activity-page.h"
#include "cohort-chart-view.h"
#include "cohort-page-kit.h"

struct _CohortRetentionPage
{
  GtkWidget           parent_instance;

  /* template children */
  GtkGrid            *day_table;
  GtkButton          *export_button;
  GtkBox             *lower_row;
  GtkDropDown        *mode_dropdown;
  GtkDropDown        *period_dropdown;
  GtkLabel           *period_one_label;
  GtkLabel           *summary_label;
  GtkGrid            *table;
  GtkLabel           *table_title;

  /* owned */
  GtkWidget          *curves;
  char               *db_path;
  gint64              community;
  CohortPageLoad      load;
  CohortActivityData *data;
};

G_DEFINE_FINAL_TYPE (CohortRetentionPage, cohort_retention_page, GTK_TYPE_WIDGET)

/* ------------------------------------------------------------------------------------------ */
/* Tables                                                                                      */

static void
clear_grid (GtkGrid *grid)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (grid))) != NULL)
    gtk_grid_remove (grid, child);
}

static GtkWidget *
cell_label (const char *text,
            float       xalign,
            gboolean    dim)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), xalign);
  gtk_widget_add_css_class (label, "numeric");
  if (dim)
    gtk_widget_add_css_class (label, "dim-label");
  return label;
}

static char *
format_rate (const CohortRate *rate)
{
  return rate->den > 0 ? g_strdup_printf ("%.1f%%", 100.0 * rate->num / rate->den) : g_strdup ("—");
}

/* The shares of a table's mature cells span [lo, hi]. */
typedef struct
{
  double lo, hi;
} Span;

static Span
table_span (const CohortRetention *r)
{
  Span span = { 1, 0 };

  for (guint i = 0; i < r->n_rows; i++)
    for (int k = 0; k < r->rows[i].n_cells; k++)
      if (r->rows[i].cells[k].den > 0)
        {
          double v = (double)r->rows[i].cells[k].num / r->rows[i].cells[k].den;

          span.lo = MIN (span.lo, v);
          span.hi = MAX (span.hi, v);
        }
  return span;
}

/* A shaded cell; the tooltip has the exact numbers.  Shades run from the table's lowest to
 * its highest share: membership shares all sit near 90 %, and an absolute scale would paint
 * them one colour. */
static GtkWidget *
rate_cell (const CohortRate *rate,
           Span              span)
{
  g_autofree char *text = format_rate (rate);
  GtkWidget *label = cell_label (text, 1, rate->den == 0);

  gtk_widget_add_css_class (label, "retention-cell");
  if (rate->den > 0)
    {
      double v = (double)rate->num / rate->den;
      double t = span.hi > span.lo ? (v - span.lo) / (span.hi - span.lo) : 1;
      g_autofree char *level = g_strdup_printf ("level-%d", 1 + (int)lround (4 * t));
      g_autofree char *tip = g_strdup_printf (_("%" PRId64 " of %" PRId64 " members"), rate->num,
                                              rate->den);

      gtk_widget_add_css_class (label, level);
      gtk_widget_set_tooltip_text (label, tip);
    }
  else
    gtk_widget_set_tooltip_text (label, _("This period has not ended yet"));
  return label;
}

static void
fill_table (CohortRetentionPage   *self,
            const CohortRetention *r)
{
  gboolean weeks = r->period == COHORT_RETENTION_BY_WEEK;
  Span span = table_span (r);
  int cols = 1;

  clear_grid (self->table);
  for (guint i = 0; i < r->n_rows; i++)
    cols = MAX (cols, r->rows[i].n_cells);
  gtk_grid_attach (self->table, cell_label (_("Join Cohort"), 0, TRUE), 0, 0, 1, 1);
  gtk_grid_attach (self->table, cell_label (_("Members"), 1, TRUE), 1, 0, 1, 1);
  for (int k = 0; k < cols; k++)
    {
      g_autofree char *head = g_strdup_printf (weeks ? _("Week %d") : _("Month %d"), k);
      GtkWidget *label = cell_label (head, 1, TRUE);

      /* the cells' padding, so that "Week 10" and "Week 11" never touch */
      gtk_widget_add_css_class (label, "retention-head");
      gtk_grid_attach (self->table, label, k + 2, 0, 1, 1);
    }
  for (guint i = 0; i < r->n_rows; i++)
    {
      const CohortRetentionCohort *row = &r->rows[i];
      g_autofree char *label = cohort_retention_row_label (r, i);
      g_autofree char *size = g_strdup_printf ("%" PRId64, row->size);
      GtkWidget *first = cell_label (label, 0, FALSE);

      gtk_widget_set_hexpand (first, TRUE);
      gtk_grid_attach (self->table, first, 0, (int)i + 1, 1, 1);
      gtk_grid_attach (self->table, cell_label (size, 1, FALSE), 1, (int)i + 1, 1, 1);
      for (int k = 0; k < row->n_cells && row->size > 0; k++)
        gtk_grid_attach (self->table, rate_cell (&row->cells[k], span), k + 2, (int)i + 1, 1, 1);
    }
  gtk_label_set_text (self->table_title,
                      r->mode == COHORT_RETENTION_ACTIVITY
                        ? (weeks ? _("Share of Each Weekly Cohort Active in Week N")
                                 : _("Share of Each Monthly Cohort Active in Month N"))
                        : (weeks ? _("Share of Each Weekly Cohort Still in the Group After Week N")
                                 : _("Share of Each Monthly Cohort Still in the Group After Month N")));
}

static void
fill_day_table (CohortRetentionPage   *self,
                const CohortRetention *r)
{
  int col = 1;

  clear_grid (self->day_table);
  gtk_grid_attach (self->day_table, cell_label (_("Join Cohort"), 0, TRUE), 0, 0, 1, 1);
  for (int j = 0; j < COHORT_RETENTION_N_DAYS; j += 1)
    {
      int n = cohort_retention_day_points[j];
      g_autofree char *a = g_strdup_printf (_("Day %d"), n);
      g_autofree char *b = g_strdup_printf (_("%d+"), n);
      g_autofree char *c = g_strdup_printf (_("Within %d"), n);

      if (n == 14)
        continue;
      gtk_grid_attach (self->day_table, cell_label (a, 1, TRUE), col++, 0, 1, 1);
      gtk_grid_attach (self->day_table, cell_label (b, 1, TRUE), col++, 0, 1, 1);
      /* within 1 day is day 1 itself */
      if (n > 1)
        gtk_grid_attach (self->day_table, cell_label (c, 1, TRUE), col++, 0, 1, 1);
    }
  for (guint i = 0; i < r->n_rows; i++)
    {
      const CohortRetentionCohort *row = &r->rows[i];
      g_autofree char *label = cohort_retention_row_label (r, i);

      if (row->size == 0)
        continue;
      col = 1;
      gtk_grid_attach (self->day_table, cell_label (label, 0, FALSE), 0, (int)i + 1, 1, 1);
      for (int j = 0; j < COHORT_RETENTION_N_DAYS; j++)
        {
          g_autofree char *a = format_rate (&row->day_n[j]);
          g_autofree char *b = format_rate (&row->on_or_after[j]);
          g_autofree char *c = format_rate (&row->within[j]);

          if (cohort_retention_day_points[j] == 14)
            continue;
          gtk_grid_attach (self->day_table, cell_label (a, 1, row->day_n[j].den == 0), col++, (int)i + 1, 1, 1);
          gtk_grid_attach (self->day_table, cell_label (b, 1, row->on_or_after[j].den == 0), col++, (int)i + 1, 1, 1);
          if (cohort_retention_day_points[j] > 1)
            gtk_grid_attach (self->day_table, cell_label (c, 1, row->within[j].den == 0), col++, (int)i + 1, 1, 1);
        }
    }
}

/* Period 1 summed over the cohorts that have completed it: with months this is 次月留存. */
static char *
describe_period_one (const CohortRetention *r)
{
  CohortRate sum = { 0, 0 };

  for (guint i = 0; i < r->n_rows; i++)
    if (r->rows[i].n_cells > 1)
      {
        sum.num += r->rows[i].cells[1].num;
        sum.den += r->rows[i].cells[1].den;
      }
  if (sum.den == 0)
    return g_strdup (r->period == COHORT_RETENTION_BY_WEEK
                     ? _("No cohort has completed its first week yet.")
                     : _("No cohort has completed its first month yet."));
  if (r->period == COHORT_RETENTION_BY_WEEK)
    return g_strdup_printf (r->mode == COHORT_RETENTION_ACTIVITY
                            ? _("Week 1, all cohorts: %.1f%% active (%" PRId64 " of %" PRId64 ")")
                            : _("Week 1, all cohorts: %.1f%% still members (%" PRId64 " of %" PRId64 ")"),
                            100.0 * sum.num / sum.den, sum.num, sum.den);
  return g_strdup_printf (r->mode == COHORT_RETENTION_ACTIVITY
                          ? _("Next-month retention, all cohorts: %.1f%% active (%" PRId64 " of %" PRId64 ")")
                          : _("Next-month retention, all cohorts: %.1f%% still members (%" PRId64 " of %" PRId64 ")"),
                          100.0 * sum.num / sum.den, sum.num, sum.den);
}

static void
show_data (CohortRetentionPage *self)
{
  const CohortRetention *r = self->data != NULL ? self->data->retention : NULL;
  g_autofree char *asof = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *period_one = NULL;

  cohort_chart_view_set_data (COHORT_CHART_VIEW (self->curves), r);
  if (r == NULL)
    return;
  asof = cohort_day_format (r->asof);
  period_one = describe_period_one (r);
  if (r->rows_end < r->asof)
    {
      g_autofree char *data_end = cohort_day_format (r->rows_end);

      /* Translators: the last day with any data (an old export), then the last complete day
       * of the range, which the cohorts are measured up to */
      summary = g_strdup_printf (_("Join cohorts up to %s, the last day with data, measured to "
                                   "%s · members without bots and staff · a period that has "
                                   "not ended shows “—”"), data_end, asof);
    }
  else
    /* Translators: the last complete day the cohorts are measured up to */
    summary = g_strdup_printf (_("Join cohorts up to %s · members without bots and staff · a "
                                 "period that has not ended shows “—”"), asof);
  gtk_label_set_text (self->summary_label, summary);
  gtk_label_set_text (self->period_one_label, period_one);
  fill_table (self, r);
  fill_day_table (self, r);
  gtk_stack_set_visible_child_name (self->load.stack, "content");
}

/* ------------------------------------------------------------------------------------------ */
/* Loading                                                                                     */

static void
on_loaded_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(CohortRetentionPage) self = user_data;
  g_autoptr(GError) error = NULL;
  CohortActivityData *data = cohort_activity_load_finish (result, &error);

  if (!cohort_page_load_finish (&self->load, error))
    return;
  cohort_chart_view_set_data (COHORT_CHART_VIEW (self->curves), NULL);
  g_clear_pointer (&self->data, cohort_activity_data_free);
  self->data = data;
  show_data (self);
}

static void
reload (CohortRetentionPage *self)
{
  CohortSnapshotRef *shared = self->data != NULL ? self->data->snapshot : NULL;
  GCancellable *cancellable;

  cancellable = cohort_page_load_begin (&self->load,
                                        self->db_path != NULL && self->community != 0,
                                        self->data != NULL);
  if (cancellable == NULL)
    return;
  cohort_retention_load_async (self->db_path, self->community, shared,
                               gtk_drop_down_get_selected (self->period_dropdown) == 1
                                 ? COHORT_RETENTION_BY_MONTH : COHORT_RETENTION_BY_WEEK,
                               gtk_drop_down_get_selected (self->mode_dropdown) == 1
                                 ? COHORT_RETENTION_ACTIVITY : COHORT_RETENTION_MEMBERSHIP,
                               g_get_real_time () / G_USEC_PER_SEC, cancellable,
                               on_loaded_cb, g_object_ref (self));
}

static void
on_switch_changed_cb (CohortRetentionPage *self)
{
  reload (self);
}

static void
on_export_clicked_cb (CohortRetentionPage *self)
{
  g_autofree char *csv = NULL;

  if (self->data == NULL || self->data->retention == NULL)
    return;
  csv = cohort_retention_to_csv (self->data->retention);
  cohort_page_save_csv (GTK_WIDGET (self), "retention.csv", csv);
}

/* ------------------------------------------------------------------------------------------ */
/* GObject                                                                                     */

static void
cohort_retention_page_dispose (GObject *object)
{
  CohortRetentionPage *self = COHORT_RETENTION_PAGE (object);

  cohort_page_load_cancel (&self->load);
  if (self->curves != NULL)
    cohort_chart_view_set_data (COHORT_CHART_VIEW (self->curves), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), COHORT_TYPE_RETENTION_PAGE);
  self->curves = NULL;
  g_clear_pointer (&self->data, cohort_activity_data_free);
  g_clear_pointer (&self->db_path, g_free);

  G_OBJECT_CLASS (cohort_retention_page_parent_class)->dispose (object);
}

static void
cohort_retention_page_class_init (CohortRetentionPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cohort_retention_page_dispose;

  g_type_ensure (COHORT_TYPE_CHART_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/cohortapp/Cohort/ui/cohort-retention-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CohortRetentionPage, day_table);
  gtk_widget_class_bind_template_child (widget_class, CohortRetentionPage, export_button);
  gtk_widget_class_bind_template_child (widget_class, CohortRetentionPage, lower_row);
  gtk_widget_class_bind_template_child (widget_class, CohortRetentionPage, mode_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CohortRetentionPage, period_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CohortRetentionPage, period_one_label);
  gtk_widget_class_bind_template_child_full (widget_class, "spinner", FALSE,
                                             G_STRUCT_OFFSET (CohortRetentionPage, load.spinner));
  gtk_widget_class_bind_template_child_full (widget_class, "stack", FALSE,
                                             G_STRUCT_OFFSET (CohortRetentionPage, load.stack));
  gtk_widget_class_bind_template_child_full (widget_class, "status_page", FALSE,
                                             G_STRUCT_OFFSET (CohortRetentionPage, load.status_page));
  gtk_widget_class_bind_template_child (widget_class, CohortRetentionPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, CohortRetentionPage, table);
  gtk_widget_class_bind_template_child (widget_class, CohortRetentionPage, table_title);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
cohort_retention_page_init (CohortRetentionPage *self)
{
  GtkWidget *card;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->curves = cohort_chart_view_new (COHORT_CHART_CURVES);
  card = cohort_page_chart_card (self->curves, 360, 340);
  gtk_widget_set_hexpand (card, TRUE);
  gtk_box_prepend (self->lower_row, card);

  g_signal_connect_swapped (self->period_dropdown, "notify::selected",
                            G_CALLBACK (on_switch_changed_cb), self);
  g_signal_connect_swapped (self->mode_dropdown, "notify::selected",
                            G_CALLBACK (on_switch_changed_cb), self);
  g_signal_connect_swapped (self->export_button, "clicked",
                            G_CALLBACK (on_export_clicked_cb), self);
  self->load.hint = _("Import a chat export to see how its members stay.");
  gtk_stack_set_visible_child_name (self->load.stack, "empty");
}

/* ------------------------------------------------------------------------------------------ */
/* Public API                                                                                  */

void
cohort_retention_page_set_community (CohortRetentionPage *self,
                                     const char          *db_path,
                                     gint64               community)
{
  g_autofree char *old_path = NULL;

  g_return_if_fail (COHORT_IS_RETENTION_PAGE (self));

  /* a different community starts from a spinner; the same one (after an import, a range
   * change) keeps its numbers until the worker has checked whether the snapshot is stale */
  if (self->data != NULL && (community != self->community ||
                             g_strcmp0 (db_path, self->db_path) != 0))
    {
      cohort_chart_view_set_data (COHORT_CHART_VIEW (self->curves), NULL);
      g_clear_pointer (&self->data, cohort_activity_data_free);
    }
  old_path = g_steal_pointer (&self->db_path);
  self->db_path = g_strdup (db_path);
  self->community = community;
  reload (self);
}

const char *
cohort_retention_page_get_summary (CohortRetentionPage *self)
{
  g_return_val_if_fail (COHORT_IS_RETENTION_PAGE (self), NULL);

  return gtk_label_get_text (self->period_one_label);
}

const CohortActivityData *
cohort_retention_page_get_data (CohortRetentionPage *self)
{
  g_return_val_if_fail (COHORT_IS_RETENTION_PAGE (self), NULL);

  return self->data;
}

GtkWidget *
cohort_retention_page_get_chart (CohortRetentionPage *self)
{
  g_return_val_if_fail (COHORT_IS_RETENTION_PAGE (self), NULL);

  return self->curves;
}

void
cohort_retention_page_set_view (CohortRetentionPage *self,
                                int                  period,
                                int                  mode)
{
  g_return_if_fail (COHORT_IS_RETENTION_PAGE (self));

  /* each switch triggers a reload; the second cancels the first */
  gtk_drop_down_set_selected (self->period_dropdown, period == COHORT_RETENTION_BY_MONTH);
  gtk_drop_down_set_selected (self->mode_dropdown, mode == COHORT_RETENTION_ACTIVITY);
}
