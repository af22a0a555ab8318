/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-kpi-card"

#include "config.h"

#include "cohort-kpi-card.h"

#include <glib/gi18n.h>

struct _CohortKpiCard
{
  GtkWidget parent_instance;

  GtkWidget *box;
  GtkLabel *delta_label;
  GtkLabel *title_label;
  GtkLabel *value_label;

  CohortKpiSense sense;
};

G_DEFINE_FINAL_TYPE (CohortKpiCard, cohort_kpi_card, GTK_TYPE_WIDGET)

/* Thousands grouped the way the locale does it ("12,345", "12 345"). */
char *
cohort_format_count (gint64 value)
{
  return g_strdup_printf ("%'" G_GINT64_FORMAT, value);
}

static void
set_trend (CohortKpiCard *self,
           double         change)
{
  gboolean good = self->sense == COHORT_KPI_HIGHER_IS_BETTER ? change > 0 : change < 0;

  gtk_widget_remove_css_class (GTK_WIDGET (self->delta_label), "up");
  gtk_widget_remove_css_class (GTK_WIDGET (self->delta_label), "down");
  gtk_widget_remove_css_class (GTK_WIDGET (self->delta_label), "dim-label");
  if (change == 0)
    gtk_widget_add_css_class (GTK_WIDGET (self->delta_label), "dim-label");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->delta_label), good ? "up" : "down");
}

void
cohort_kpi_card_set_count (CohortKpiCard *self,
                           gint64         value,
                           gint64         previous,
                           gboolean       signed_value)
{
  g_autofree char *text = NULL;
  g_autofree char *delta = NULL;
  g_autofree char *magnitude = cohort_format_count (ABS (value - previous));

  g_return_if_fail (COHORT_IS_KPI_CARD (self));

  text = signed_value && value > 0 ? g_strdup_printf ("+%'" G_GINT64_FORMAT, value)
                                   : cohort_format_count (value);
  gtk_label_set_label (self->value_label, text);

  if (value == previous)
    delta = g_strdup (_("Same as the previous period"));
  else
    /* Translators: "▲ 12 vs previous period" */
    delta = g_strdup_printf (_("%s %s vs previous period"), value > previous ? "▲" : "▼", magnitude);
  gtk_label_set_label (self->delta_label, delta);
  set_trend (self, (double)(value - previous));
}

void
cohort_kpi_card_set_rate (CohortKpiCard *self,
                          gint64         num,
                          gint64         den,
                          gint64         prev_num,
                          gint64         prev_den,
                          double         target)
{
  g_autofree char *text = NULL;
  g_autofree char *delta = NULL;
  g_autofree char *tooltip = NULL;
  double now, before;

  g_return_if_fail (COHORT_IS_KPI_CARD (self));

  if (den <= 0)
    {
      /* METRICS.md §0.6: an empty denominator is shown as "—", never 0 %. */
      gtk_label_set_label (self->value_label, "—");
      gtk_label_set_label (self->delta_label, _("No members in this period"));
      set_trend (self, 0);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self), NULL);
      return;
    }

  now = 100.0 * num / den;
  text = g_strdup_printf ("%.1f %%", now);
  gtk_label_set_label (self->value_label, text);
  tooltip = g_strdup_printf ("%" G_GINT64_FORMAT " / %" G_GINT64_FORMAT, num, den);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), tooltip);

  if (prev_den <= 0)
    {
      delta = target > 0 ? g_strdup_printf (_("Target %.0f %%"), target) : g_strdup (_("No previous period"));
      set_trend (self, 0);
    }
  else
    {
      before = 100.0 * prev_num / prev_den;
      if (target > 0)
        /* Translators: "▲ 2.5 points · target 15 %" */
        delta = g_strdup_printf (_("%s %.1f points · target %.0f %%"), now >= before ? "▲" : "▼",
                                 ABS (now - before), target);
      else
        delta = g_strdup_printf (_("%s %.1f points vs previous period"), now >= before ? "▲" : "▼",
                                 ABS (now - before));
      set_trend (self, now - before);
    }
  gtk_label_set_label (self->delta_label, delta);
}

void
cohort_kpi_card_set_note (CohortKpiCard *self,
                          const char    *note)
{
  g_return_if_fail (COHORT_IS_KPI_CARD (self));
  gtk_label_set_label (self->delta_label, note);
  set_trend (self, 0);
}

const char *
cohort_kpi_card_get_value_text (CohortKpiCard *self)
{
  return gtk_label_get_label (self->value_label);
}

const char *
cohort_kpi_card_get_delta_text (CohortKpiCard *self)
{
  return gtk_label_get_label (self->delta_label);
}

static void
cohort_kpi_card_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), COHORT_TYPE_KPI_CARD);
  G_OBJECT_CLASS (cohort_kpi_card_parent_class)->dispose (object);
}

static void
cohort_kpi_card_class_init (CohortKpiCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cohort_kpi_card_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/cohortapp/Cohort/ui/cohort-kpi-card.ui");
  gtk_widget_class_bind_template_child (widget_class, CohortKpiCard, box);
  gtk_widget_class_bind_template_child (widget_class, CohortKpiCard, delta_label);
  gtk_widget_class_bind_template_child (widget_class, CohortKpiCard, title_label);
  gtk_widget_class_bind_template_child (widget_class, CohortKpiCard, value_label);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
cohort_kpi_card_init (CohortKpiCard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
cohort_kpi_card_new (const char     *title,
                     CohortKpiSense  sense)
{
  CohortKpiCard *self = g_object_new (COHORT_TYPE_KPI_CARD, NULL);

  self->sense = sense;
  gtk_label_set_label (self->title_label, title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  return GTK_WIDGET (self);
}
