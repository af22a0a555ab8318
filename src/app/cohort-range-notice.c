/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-range-notice"

#include "config.h"

#include "cohort-range-notice.h"

#include <glib/gi18n.h>

#include "cohort-overview.h"

struct _CohortRangeNotice
{
  GtkWidget parent_instance;

  GtkWidget *box;     /* the one child: bound, so that dispose_template () unparents it */
  GtkLabel *label;
  GtkWidget *button;  /* Show All Time */
};

G_DEFINE_FINAL_TYPE (CohortRangeNotice, cohort_range_notice, GTK_TYPE_WIDGET)

void
cohort_range_notice_update (CohortRangeNotice    *self,
                            const CohortSnapshot *snapshot,
                            int                   day0,
                            int                   day1)
{
  g_autofree char *last = NULL;
  g_autofree char *text = NULL;
  gboolean quiet, ends;

  g_return_if_fail (COHORT_IS_RANGE_NOTICE (self));

  quiet = snapshot != NULL && cohort_metrics_range_after_data (snapshot, day0);
  ends = snapshot != NULL && !quiet && cohort_metrics_data_ends_in_range (snapshot, day0, day1);
  gtk_widget_set_visible (GTK_WIDGET (self), quiet || ends);
  if (!quiet && !ends)
    return;
  last = cohort_day_format (snapshot->last_day);
  if (quiet)
    /* Translators: the first %s is a community's name, the second a day (2024-03-21) */
    text = g_strdup_printf (_("Nothing happened in %s in this period: its messages and joins "
                              "end on %s."), snapshot->name, last);
  else
    /* Translators: the first %s is a community's name, the second a day (2024-03-21) */
    text = g_strdup_printf (_("The messages and joins of %s end on %s: this period shows no "
                              "activity after that day, and its members count as silent since."),
                            snapshot->name, last);
  gtk_label_set_label (self->label, text);
  /* the period already holds the data */
  gtk_widget_set_visible (self->button, quiet);
}

const char *
cohort_range_notice_get_text (CohortRangeNotice *self)
{
  g_return_val_if_fail (COHORT_IS_RANGE_NOTICE (self), NULL);

  return gtk_label_get_label (self->label);
}

static void
cohort_range_notice_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), COHORT_TYPE_RANGE_NOTICE);
  G_OBJECT_CLASS (cohort_range_notice_parent_class)->dispose (object);
}

static void
cohort_range_notice_class_init (CohortRangeNoticeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cohort_range_notice_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/cohortapp/Cohort/ui/cohort-range-notice.ui");
  gtk_widget_class_bind_template_child (widget_class, CohortRangeNotice, box);
  gtk_widget_class_bind_template_child (widget_class, CohortRangeNotice, label);
  gtk_widget_class_bind_template_child (widget_class, CohortRangeNotice, button);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
cohort_range_notice_init (CohortRangeNotice *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}
