/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-overview-page"

#include "config.h"

#include <inttypes.h>

#include "cohort-overview-page.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "cohort-chart-view.h"
#include "cohort-chart.h"
#include "cohort-kpi-card.h"
#include "cohort-page-kit.h"
#include "cohort-range-notice.h"

#define CHURN_ROWS 12

enum {
  KPI_MEMBERS,
  KPI_NEW,
  KPI_NET,
  KPI_ACTIVE,
  KPI_REAL_IR,
  KPI_RETENTION,
  KPI_CHURN,
  N_KPIS
};

struct _CohortOverviewPage
{
  GtkWidget parent_instance;

  GtkBox *chart_row_1;
  GtkBox *chart_row_2;
  GtkListBox *churn_list;
  GtkButton *churn_export_button;
  GtkFlowBox *kpi_box;
  GtkLabel *range_label;
  CohortRangeNotice *range_notice;
  GtkLabel *churn_caption;
  GtkWidget *scroller;
  GtkListBox *top_list;
  GtkButton *top_export_button;

  GtkWidget *kpis[N_KPIS];
  GtkWidget *charts[COHORT_CHART_N_KINDS];
  CohortOverviewData *data;  /* owned */
};

G_DEFINE_FINAL_TYPE (CohortOverviewPage, cohort_overview_page, GTK_TYPE_WIDGET)

static const char *
chart_subtitle (CohortChartKind kind)
{
  switch (kind)
    {
    case COHORT_CHART_GROWTH:
      return _("Members at the end of each day, with joins and leaves");
    case COHORT_CHART_ACTIVITY:
      return _("Members with a genuine message: daily, last 7 days, last 30 days");
    case COHORT_CHART_HEATMAP:
      return _("Genuine messages per day by weekday and hour; marked hours are the best times to post");
    case COHORT_CHART_RETENTION:
    default:
      return _("Share of each week’s newcomers who posted in the weeks after joining");
    }
}

static void
on_export_clicked_cb (GtkButton *button,
                      gpointer   user_data)
{
  CohortChartView *view = user_data;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (button));

  cohort_chart_view_export (view, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL);
}

static GtkWidget *
make_chart_card (CohortOverviewPage *self,
                 CohortChartKind     kind)
{
  GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *titles = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title = gtk_label_new (cohort_chart_kind_title (kind));
  GtkWidget *subtitle = gtk_label_new (chart_subtitle (kind));
  GtkWidget *export = gtk_button_new_from_icon_name ("document-save-symbolic");
  GtkWidget *view = g_object_new (COHORT_TYPE_CHART_VIEW, "kind", kind, NULL);

  gtk_widget_add_css_class (card, "card");
  gtk_widget_add_css_class (card, "chart-card");
  gtk_widget_add_css_class (title, "heading");
  gtk_widget_add_css_class (subtitle, "dim-label");
  gtk_widget_add_css_class (subtitle, "caption");
  gtk_widget_add_css_class (export, "flat");
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_xalign (GTK_LABEL (subtitle), 0);
  /* At most two lines, the rest in the tooltip: an unbounded wrapping label is measured at
   * every width a layout pass tries, its text shaped again each time (the four subtitles
   * were measured 340 times for the Overview's first frame, 120 times with a limit). */
  gtk_label_set_wrap (GTK_LABEL (subtitle), TRUE);
  gtk_label_set_lines (GTK_LABEL (subtitle), 2);
  gtk_label_set_ellipsize (GTK_LABEL (subtitle), PANGO_ELLIPSIZE_END);
  gtk_widget_set_tooltip_text (subtitle, chart_subtitle (kind));
  gtk_widget_set_hexpand (titles, TRUE);
  gtk_widget_set_valign (export, GTK_ALIGN_START);
  gtk_widget_set_tooltip_text (export, _("Export as PNG, SVG or PDF…"));
  g_signal_connect_object (export, "clicked", G_CALLBACK (on_export_clicked_cb), view, 0);

  gtk_box_append (GTK_BOX (titles), title);
  gtk_box_append (GTK_BOX (titles), subtitle);
  gtk_box_append (GTK_BOX (header), titles);
  gtk_box_append (GTK_BOX (header), export);
  gtk_box_append (GTK_BOX (card), header);
  gtk_widget_set_vexpand (view, TRUE);
  gtk_box_append (GTK_BOX (card), view);
  self->charts[kind] = view;
  return card;
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static GtkWidget *
make_churn_row (const CohortChurnEntry *entry)
{
  static const char * const classes[] = { "", "watch", "warn", "high" };
  const char *levels[] = { "", _("Watch"), _("Warning"), _("High risk") };
  g_autofree char *day = cohort_day_format (entry->last_day);
  g_autofree char *subtitle =
    g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Silent for %d day · last message %s",
                                  "Silent for %d days · last message %s", entry->silent_days),
                     entry->silent_days, day);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *pill = gtk_label_new (levels[entry->level]);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), entry->name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 1);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 1);
  gtk_widget_add_css_class (pill, "level-pill");
  gtk_widget_add_css_class (pill, classes[entry->level]);
  gtk_widget_set_valign (pill, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), pill);
  return row;
}

static GtkWidget *
make_top_row (guint                  rank,
              const CohortTopMember *member)
{
  g_autofree char *title = g_strdup_printf ("%u. %s", rank, member->name);
  g_autofree char *count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'" PRId64 " message",
                                                         "%'" PRId64 " messages", member->messages),
                                            member->messages);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *label = gtk_label_new (count);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 1);   /* as make_churn_row () */
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_add_css_class (label, "numeric");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  return row;
}

static void
fill_lists (CohortOverviewPage   *self,
            const CohortOverview *o)
{
  clear_list (self->churn_list);
  clear_list (self->top_list);
  gtk_widget_set_sensitive (GTK_WIDGET (self->churn_export_button), o->churn_list->len > 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->top_export_button), o->top_members->len > 0);

  for (guint i = 0; i < o->churn_list->len && i < CHURN_ROWS; i++)
    gtk_list_box_append (self->churn_list, make_churn_row (o->churn_list->pdata[i]));
  if (o->churn_list->len > CHURN_ROWS)
    {
      g_autofree char *more = g_strdup_printf (_("and %u more"), o->churn_list->len - CHURN_ROWS);
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), more);
      gtk_widget_add_css_class (row, "dim-label");
      gtk_list_box_append (self->churn_list, row);
    }

  for (guint i = 0; i < o->top_members->len; i++)
    gtk_list_box_append (self->top_list, make_top_row (i + 1, o->top_members->pdata[i]));
}

static void
on_churn_export_clicked_cb (CohortOverviewPage *self)
{
  g_autofree char *csv = NULL;

  if (self->data == NULL || self->data->overview == NULL)
    return;
  csv = cohort_overview_churn_to_csv (self->data->overview, self->data->snapshot);
  cohort_page_save_csv (GTK_WIDGET (self), "churn-warnings.csv", csv);
}

static void
on_top_export_clicked_cb (CohortOverviewPage *self)
{
  g_autofree char *csv = NULL;

  if (self->data == NULL || self->data->overview == NULL)
    return;
  csv = cohort_overview_top_to_csv (self->data->overview, self->data->snapshot);
  cohort_page_save_csv (GTK_WIDGET (self), "top-members.csv", csv);
}

static void
fill_kpis (CohortOverviewPage   *self,
           const CohortOverview *o,
           gboolean              has_previous)
{
  const CohortKpis *k = &o->kpis, *p = &o->prev;
  g_autofree char *churn_note = g_strdup_printf (_("%'" PRId64 " watch · %'" PRId64
                                                   " warning · %'" PRId64 " high risk"),
                                                 k->churn_watch, k->churn_warn, k->churn_high);

  cohort_kpi_card_set_count (COHORT_KPI_CARD (self->kpis[KPI_MEMBERS]), k->members_end, p->members_end, FALSE);
  cohort_kpi_card_set_count (COHORT_KPI_CARD (self->kpis[KPI_NEW]), k->new_members, p->new_members, FALSE);
  cohort_kpi_card_set_count (COHORT_KPI_CARD (self->kpis[KPI_NET]), k->net_growth, p->net_growth, TRUE);
  cohort_kpi_card_set_count (COHORT_KPI_CARD (self->kpis[KPI_ACTIVE]), k->active_members, p->active_members, FALSE);
  cohort_kpi_card_set_rate (COHORT_KPI_CARD (self->kpis[KPI_REAL_IR]),
                            k->real_interaction_rate.num, k->real_interaction_rate.den,
                            p->real_interaction_rate.num, p->real_interaction_rate.den, 15);
  cohort_kpi_card_set_rate (COHORT_KPI_CARD (self->kpis[KPI_RETENTION]),
                            k->retention_7d.num, k->retention_7d.den,
                            p->retention_7d.num, p->retention_7d.den, 65);
  cohort_kpi_card_set_count (COHORT_KPI_CARD (self->kpis[KPI_CHURN]),
                             k->churn_watch + k->churn_warn + k->churn_high,
                             p->churn_watch + p->churn_warn + p->churn_high, FALSE);
  cohort_kpi_card_set_note (COHORT_KPI_CARD (self->kpis[KPI_CHURN]), churn_note);

  /* All time has no previous period to compare with. */
  if (!has_previous)
    {
      cohort_kpi_card_set_note (COHORT_KPI_CARD (self->kpis[KPI_MEMBERS]), _("At the end of the period"));
      cohort_kpi_card_set_note (COHORT_KPI_CARD (self->kpis[KPI_NEW]), _("First joins in the period"));
      cohort_kpi_card_set_note (COHORT_KPI_CARD (self->kpis[KPI_NET]), _("Joins minus leaves"));
      cohort_kpi_card_set_note (COHORT_KPI_CARD (self->kpis[KPI_ACTIVE]), _("Sent a genuine message"));
    }
}

void
cohort_overview_page_set_data (CohortOverviewPage *self,
                               CohortOverviewData *data,
                               const char         *range_title)
{
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *caption = NULL;

  g_return_if_fail (COHORT_IS_OVERVIEW_PAGE (self));

  /* Detach the charts before the data they borrow goes away. */
  for (guint i = 0; i < COHORT_CHART_N_KINDS; i++)
    cohort_chart_view_set_overview (COHORT_CHART_VIEW (self->charts[i]), NULL);
  g_clear_pointer (&self->data, cohort_overview_data_free);
  self->data = data;

  cohort_range_notice_update (self->range_notice, NULL, 0, 0);
  if (data == NULL || data->overview == NULL)
    return;

  from = cohort_day_format (data->overview->day0);
  to = cohort_day_format (data->overview->day1);
  /* Translators: "Last 30 days · 2024-03-01 – 2024-03-30 · Asia/Shanghai time" */
  caption = g_strdup_printf (_("%s · %s – %s · %s time"), range_title, from, to, data->snapshot->tz_id);
  gtk_label_set_label (self->range_label, caption);
  g_free (caption);
  /* the community's own threshold (Community Settings) */
  caption = g_strdup_printf (_("Members who spoke before but have been silent for %d days or more."),
                             data->settings.churn_watch_days);
  gtk_label_set_label (self->churn_caption, caption);

  cohort_range_notice_update (self->range_notice, data->snapshot, data->overview->day0,
                              data->overview->day1);
  fill_kpis (self, data->overview, data->overview->prev.members_end > 0 ||
                                    data->overview->prev.raw_messages > 0);
  for (guint i = 0; i < COHORT_CHART_N_KINDS; i++)
    cohort_chart_view_set_overview (COHORT_CHART_VIEW (self->charts[i]), data->overview);
  fill_lists (self, data->overview);
}

const CohortOverviewData *
cohort_overview_page_get_data (CohortOverviewPage *self)
{
  return self->data;
}

GtkWidget *
cohort_overview_page_get_kpi (CohortOverviewPage *self,
                              guint               index)
{
  g_return_val_if_fail (index < N_KPIS, NULL);
  return self->kpis[index];
}

GtkWidget *
cohort_overview_page_get_chart (CohortOverviewPage *self,
                                guint               kind)
{
  g_return_val_if_fail (kind < COHORT_CHART_N_KINDS, NULL);
  return self->charts[kind];
}

static void
cohort_overview_page_dispose (GObject *object)
{
  CohortOverviewPage *self = COHORT_OVERVIEW_PAGE (object);

  for (guint i = 0; i < COHORT_CHART_N_KINDS; i++)
    if (self->charts[i] != NULL)
      cohort_chart_view_set_overview (COHORT_CHART_VIEW (self->charts[i]), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), COHORT_TYPE_OVERVIEW_PAGE);
  g_clear_pointer (&self->data, cohort_overview_data_free);
  G_OBJECT_CLASS (cohort_overview_page_parent_class)->dispose (object);
}

static void
cohort_overview_page_class_init (CohortOverviewPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cohort_overview_page_dispose;

  g_type_ensure (COHORT_TYPE_CHART_VIEW);
  g_type_ensure (COHORT_TYPE_RANGE_NOTICE);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/cohortapp/Cohort/ui/cohort-overview-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CohortOverviewPage, chart_row_1);
  gtk_widget_class_bind_template_child (widget_class, CohortOverviewPage, chart_row_2);
  gtk_widget_class_bind_template_child (widget_class, CohortOverviewPage, churn_list);
  gtk_widget_class_bind_template_child (widget_class, CohortOverviewPage, churn_export_button);
  gtk_widget_class_bind_template_child (widget_class, CohortOverviewPage, kpi_box);
  gtk_widget_class_bind_template_child (widget_class, CohortOverviewPage, range_label);
  gtk_widget_class_bind_template_child (widget_class, CohortOverviewPage, range_notice);
  gtk_widget_class_bind_template_child (widget_class, CohortOverviewPage, churn_caption);
  gtk_widget_class_bind_template_child (widget_class, CohortOverviewPage, scroller);
  gtk_widget_class_bind_template_child (widget_class, CohortOverviewPage, top_list);
  gtk_widget_class_bind_template_child (widget_class, CohortOverviewPage, top_export_button);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
cohort_overview_page_init (CohortOverviewPage *self)
{
  const struct { const char *title; CohortKpiSense sense; } kpis[N_KPIS] = {
    [KPI_MEMBERS] = { _("Members"), COHORT_KPI_HIGHER_IS_BETTER },
    [KPI_NEW] = { _("New Members"), COHORT_KPI_HIGHER_IS_BETTER },
    [KPI_NET] = { _("Net Growth"), COHORT_KPI_HIGHER_IS_BETTER },
    [KPI_ACTIVE] = { _("Active Members"), COHORT_KPI_HIGHER_IS_BETTER },
    [KPI_REAL_IR] = { _("Real Interaction Rate"), COHORT_KPI_HIGHER_IS_BETTER },
    [KPI_RETENTION] = { _("7-Day Retention"), COHORT_KPI_HIGHER_IS_BETTER },
    [KPI_CHURN] = { _("Churn Warnings"), COHORT_KPI_LOWER_IS_BETTER },
  };
  GtkWidget *placeholder;

  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; i < N_KPIS; i++)
    {
      self->kpis[i] = cohort_kpi_card_new (kpis[i].title, kpis[i].sense);
      gtk_flow_box_append (self->kpi_box, self->kpis[i]);
    }
  gtk_box_append (self->chart_row_1, make_chart_card (self, COHORT_CHART_GROWTH));
  gtk_box_append (self->chart_row_1, make_chart_card (self, COHORT_CHART_ACTIVITY));
  gtk_box_append (self->chart_row_2, make_chart_card (self, COHORT_CHART_HEATMAP));
  gtk_box_append (self->chart_row_2, make_chart_card (self, COHORT_CHART_RETENTION));

  placeholder = gtk_label_new (_("Nobody is drifting away"));
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_widget_set_margin_top (placeholder, 18);
  gtk_widget_set_margin_bottom (placeholder, 18);
  gtk_list_box_set_placeholder (self->churn_list, placeholder);
  placeholder = gtk_label_new (_("No genuine messages in this period"));
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_widget_set_margin_top (placeholder, 18);
  gtk_widget_set_margin_bottom (placeholder, 18);
  gtk_list_box_set_placeholder (self->top_list, placeholder);
  gtk_widget_set_sensitive (GTK_WIDGET (self->churn_export_button), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->top_export_button), FALSE);
  g_signal_connect_swapped (self->churn_export_button, "clicked",
                            G_CALLBACK (on_churn_export_clicked_cb), self);
  g_signal_connect_swapped (self->top_export_button, "clicked",
                            G_CALLBACK (on_top_export_clicked_cb), self);
}
