/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cohort-store.h"

G_BEGIN_DECLS

/*
 * The store's part of the generic CSV import: orders (METRICS.md §0.1) and the remembered
 * column mappings.  A mapping is opaque text here; src/import gives it its meaning.
 */

/* Orders go in through a writer that keeps its statement prepared for the whole import (one
 * per CSV file, freed before the transaction commits).  status: "paid", "refunded" or
 * "cancelled"; re-importing an order with the same id updates its status and amount and
 * adds nothing else. */
typedef struct _CohortOrderWriter CohortOrderWriter;

CohortOrderWriter *cohort_order_writer_new  (CohortImportTx    *tx,
                                             GError           **error);
gboolean  cohort_order_writer_add           (CohortOrderWriter *writer,
                                             gint64             community,
                                             const char        *order_id,
                                             const char        *member_uid,
                                             gint64             ts,
                                             double             amount,
                                             const char        *status,
                                             const char        *campaign,
                                             const char        *channel,
                                             GError           **error);
void      cohort_order_writer_free          (CohortOrderWriter *writer);

/* The mapping saved for a header signature, read and written inside the import. */
char     *cohort_import_tx_load_csv_mapping (CohortImportTx  *tx,
                                             const char      *signature);
gboolean  cohort_import_tx_save_csv_mapping (CohortImportTx  *tx,
                                             const char      *signature,
                                             const char      *mapping,
                                             GError         **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CohortOrderWriter, cohort_order_writer_free)

G_END_DECLS
