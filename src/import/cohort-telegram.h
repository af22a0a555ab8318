/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cohort-importer.h"

G_BEGIN_DECLS

/* Streams a Telegram Desktop JSON export (single chat or full account) into an open import
 * transaction.  Memory stays bounded by the largest single message, not the file. */
gboolean cohort_telegram_import (CohortImportTx            *tx,
                                 GInputStream              *stream,
                                 goffset                    size,
                                 const char                *display_name,
                                 const CohortImportOptions *options,
                                 CohortImportProgressFunc   progress,
                                 gpointer                   progress_data,
                                 GCancellable              *cancellable,
                                 CohortImportResult        *result,
                                 GError                   **error);

G_END_DECLS
