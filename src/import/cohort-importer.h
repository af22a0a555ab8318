/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "cohort-store.h"

G_BEGIN_DECLS

#define COHORT_IMPORT_ERROR (cohort_import_error_quark ())

typedef enum
{
  COHORT_IMPORT_ERROR_READ,          /* the file cannot be read */
  COHORT_IMPORT_ERROR_UNSUPPORTED,   /* not an export we know (HTML, foreign JSON, binary) */
  COHORT_IMPORT_ERROR_TRUNCATED,     /* the file ends in the middle */
  COHORT_IMPORT_ERROR_MALFORMED,     /* syntax error at a known place */
  COHORT_IMPORT_ERROR_EMPTY,         /* a valid export with no chat in it */
  COHORT_IMPORT_ERROR_NEEDS_MAPPING, /* a generic CSV table whose columns nobody has mapped yet */
} CohortImportError;

typedef struct _CohortCsvMapping CohortCsvMapping;   /* cohort-csv.h */

typedef struct
{
  const char *tz;            /* IANA zone for exports without offsets; NULL = infer */
  const char *format;        /* NULL = detect by content */
  const char *date_order;    /* "dmy", "mdy" or "ymd" for exports with ambiguous dates; NULL = infer */
  gboolean    in_folder;     /* found in a dropped folder: a file that is no export is passed
                              * over without a line in the imports history */
  const CohortCsvMapping *csv_mapping;  /* columns of a generic CSV; NULL = the saved mapping */
} CohortImportOptions;

typedef struct
{
  char              *path;
  char              *format;            /* "telegram" */
  CohortImportCounts counts;
  guint              personal_chats_skipped;
  GPtrArray         *community_ids;     /* gint64* of communities this file touched */
  GPtrArray         *warnings;          /* data-quality notes, translated */
  GPtrArray         *zone_questions;    /* gint64* of new communities with wall-clock times,
                                         * whose zone the user should confirm once */
  gboolean           opened_only;       /* nothing was read: the community was there already
                                         * (the demo, cohort_demo_import ()) */
} CohortImportResult;

/* Called from the importing thread; fraction is 0..1 (or < 0 when unknown). */
typedef void (*CohortImportProgressFunc) (double      fraction,
                                          const char *message,
                                          gpointer    user_data);

GQuark              cohort_import_error_quark  (void);

CohortImportResult *cohort_import_file         (CohortDb                  *db,
                                                GFile                     *file,
                                                const CohortImportOptions *options,
                                                CohortImportProgressFunc   progress,
                                                gpointer                   progress_data,
                                                GCancellable              *cancellable,
                                                GError                   **error);
/* Counting nothing yet; path may be NULL when no file was read. */
CohortImportResult *cohort_import_result_new   (const char                *path);
void                cohort_import_result_free  (CohortImportResult        *result);

/* The options a run was read with, as kept in its history row (see CohortImportRun.options):
 * each out string is NULL when the run left that option to detection. */
void                cohort_import_options_parse (const char               *json,
                                                 char                    **tz,
                                                 char                    **format,
                                                 char                    **date_order);

/* A dropped folder: the files in it (three levels down at most, sorted by path) that may be
 * exports by their names; each is then recognised by content like any other file, and those
 * that are not exports are passed over. */
#define COHORT_IMPORT_MAX_FOLDER_FILES 10000
GPtrArray          *cohort_import_expand_folder (GFile                    *folder,
                                                 GCancellable             *cancellable,
                                                 GError                  **error);
gboolean            cohort_import_is_folder    (GFile                     *file);
char               *cohort_import_result_describe (const CohortImportResult *result);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CohortImportResult, cohort_import_result_free)

G_END_DECLS
