/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cohort-store.h"

G_BEGIN_DECLS

/*
 * Snapshots from the database, and their persistent cache.
 *
 * Every community has a generation that every write changing what its snapshot holds bumps
 * (cohort_db_rebuild_spans () for messages, members and spans, which every import, sync,
 * removed import and zone change runs; triggers for renames, flags and any change to the
 * community row).  cohort_db_load_snapshot () answers from the snapshot_cache table when its
 * row carries the current generation and decodes cleanly, and from the tables otherwise.
 * The cache is written by cohort_db_save_snapshot_cache () on a write connection, usually
 * by the Overview's worker right after a load from the tables.
 */

CohortSnapshot *cohort_db_load_snapshot_uncached (CohortDb   *db,
                                                  gint64      community,
                                                  GError    **error);
gint64          cohort_db_get_generation         (CohortDb   *db,
                                                  gint64      community,
                                                  GError    **error);
gboolean        cohort_db_save_snapshot_cache    (CohortDb   *db,
                                                  gint64      community,
                                                  gint64      generation,
                                                  GBytes     *data,
                                                  gboolean   *saved,
                                                  GError    **error);
void            cohort_snapshot_cache_write      (const char *db_path,
                                                  gint64      community,
                                                  gint64      generation,
                                                  GBytes     *data);

G_END_DECLS
