/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>
#include <libsoup/soup.h>

#include "cohort-secret-store.h"

G_BEGIN_DECLS

/*
 * Sources: the configured online sources with their last sync, status and the platform's own
 * numbers next to Cohort's; Add Source, Sync Now with progress and Cancel, Remove; and the
 * automatic-sync interval.  All database work runs on workers; HTTP on the page's session.
 */

#define COHORT_TYPE_SOURCES_PAGE (cohort_sources_page_get_type ())

G_DECLARE_FINAL_TYPE (CohortSourcesPage, cohort_sources_page, COHORT, SOURCES_PAGE, GtkWidget)

void        cohort_sources_page_set_database  (CohortSourcesPage *self,
                                               const char        *db_path,
                                               gint64             community);
/* Tests: a local session and the in-memory keyring instead of the system one. */
void        cohort_sources_page_set_services  (CohortSourcesPage *self,
                                               SoupSession       *session,
                                               CohortSecretStore *secrets);
void        cohort_sources_page_reload        (CohortSourcesPage *self);
gboolean    cohort_sources_page_sync          (CohortSourcesPage *self,
                                               gint64             source_id);
/* Every source in turn, as the automatic sync does. */
gboolean    cohort_sources_page_sync_all      (CohortSourcesPage *self);
void        cohort_sources_page_cancel        (CohortSourcesPage *self);
/* Minutes between automatic syncs while a timer runs, 0 when off. */
guint       cohort_sources_page_get_interval  (CohortSourcesPage *self);
void        cohort_sources_page_remove        (CohortSourcesPage *self,
                                               gint64             source_id);
gboolean    cohort_sources_page_is_busy       (CohortSourcesPage *self);
guint       cohort_sources_page_get_n_sources (CohortSourcesPage *self);
const char *cohort_sources_page_get_status    (CohortSourcesPage *self);
GtkWidget  *cohort_sources_page_get_row       (CohortSourcesPage *self,
                                               guint              index);

G_END_DECLS
