/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/*
 * What the analysis pages (Activity & Content, Retention) share: the state of their one
 * request in flight, shown through a GtkStack with "loading", "empty" and "content" children;
 * the card a chart sits in; and Export CSV.
 */

typedef struct
{
  /* set by the page from its template */
  GtkStack      *stack;
  GtkSpinner    *spinner;
  AdwStatusPage *status_page;
  const char    *hint;          /* the status page's text while there is no community */

  GCancellable  *cancellable;   /* the request in flight, or NULL */
} CohortPageLoad;

/* The status page with a title and a description (the page's hint when NULL). */
void          cohort_page_load_show_status (CohortPageLoad *load,
                                            const char     *title,
                                            const char     *description);
/* Cancels the request in flight and starts a new one: returns its cancellable (owned by
 * load), or NULL after showing "No Community Yet" when there is none.  The first load of a
 * page shows a spinner; later ones keep the old numbers until the new ones arrive. */
GCancellable *cohort_page_load_begin       (CohortPageLoad *load,
                                            gboolean        have_community,
                                            gboolean        have_data);
/* Ends the request that produced error (NULL on success).  FALSE when the result must not
 * be shown: it was replaced by a newer request, or it failed (the error is then shown). */
gboolean      cohort_page_load_finish      (CohortPageLoad *load,
                                            const GError   *error);
void          cohort_page_load_cancel      (CohortPageLoad *load);

/* A "card" box with the chart's title over the chart, the chart at least height tall. */
GtkWidget    *cohort_page_chart_card       (GtkWidget      *chart,
                                            int             width,
                                            int             height);

/* Asks for a file name (suggested_name first) and writes csv there. */
void          cohort_page_save_csv         (GtkWidget      *widget,
                                            const char     *suggested_name,
                                            const char     *csv);

G_END_DECLS
