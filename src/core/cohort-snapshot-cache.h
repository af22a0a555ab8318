/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cohort-snapshot.h"

G_BEGIN_DECLS

/*
 * The persistent form of a CohortSnapshot: its stored columns as raw arrays and its strings
 * packed in one block, behind a versioned, checksummed header.  The store keeps one per
 * community in the snapshot_cache table, keyed by the community's generation
 * (cohort-store-snapshot.h); this file only knows the bytes.
 *
 * Adding a column to the snapshot: add it to the columns[] table of cohort-snapshot-cache.c
 * (or derive it in _cohort_snapshot_derive ()) and bump COHORT_SNAPSHOT_CACHE_FORMAT, so
 * that caches of the old format are ignored and rewritten.
 */

#define COHORT_SNAPSHOT_CACHE_FORMAT 1

/* Reads size bytes at offset of the stored form into buffer; FALSE on any failure. */
typedef gboolean (*CohortSnapshotCacheRead) (gpointer  source,
                                             void     *buffer,
                                             gsize     size,
                                             gsize     offset);

GBytes         *cohort_snapshot_cache_encode       (const CohortSnapshot    *snapshot,
                                                    gint64                   community);
CohortSnapshot *cohort_snapshot_cache_decode       (CohortSnapshotCacheRead  read,
                                                    gpointer                 source,
                                                    gsize                    size,
                                                    gint64                   community,
                                                    gint64                   generation);
CohortSnapshot *cohort_snapshot_cache_decode_bytes (GBytes                  *bytes,
                                                    gint64                   community,
                                                    gint64                   generation);

G_END_DECLS
