/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "cohort-secret-store.h"
#include "cohort-store-sources.h"

G_BEGIN_DECLS

/*
 * The Sources page's database work, each on a worker with its own connection: list the
 * sources with the platform's own numbers next to Cohort's (METRICS.md §11), add one (row
 * first, then the secret into the keyring; the row is taken back if the keyring refuses),
 * and remove one (secret first, then the row).
 */

typedef struct
{
  CohortSourceInfo *info;
  char             *platform_line;  /* "The forum reports: …", or NULL before a sync */
  char             *cohort_line;    /* "Cohort counts: …" */
} CohortSourceRow;

void       cohort_source_row_free        (CohortSourceRow   *row);

void       cohort_source_list_async      (const char        *db_path,
                                          GCancellable      *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer           user_data);
GPtrArray *cohort_source_list_finish     (GAsyncResult      *result,
                                          GError           **error);

void       cohort_source_add_async       (const char        *db_path,
                                          CohortSecretStore *secrets,
                                          const char        *kind,
                                          const char        *name,
                                          const char        *base_url,
                                          const char        *username,
                                          const char        *secret,
                                          GCancellable      *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer           user_data);
gint64     cohort_source_add_finish      (GAsyncResult      *result,
                                          GError           **error);

void       cohort_source_remove_async    (const char        *db_path,
                                          CohortSecretStore *secrets,
                                          const CohortSourceInfo *source,
                                          GCancellable      *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer           user_data);
gboolean   cohort_source_remove_finish   (GAsyncResult      *result,
                                          GError           **error);

G_END_DECLS
