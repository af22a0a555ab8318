/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "cohort-importer.h"

G_BEGIN_DECLS

/*
 * Generic CSV (issue 3): any delimited table with a header row, once the operator has said
 * what the rows are (CohortCsvKind) and which column holds which canonical field
 * (CohortCsvMapping).  Mappings are remembered in the database under the signature of the
 * header row, so the next file with the same columns imports without asking.
 */

typedef enum
{
  COHORT_CSV_KIND_MESSAGES,
  COHORT_CSV_KIND_MEMBERS,
  COHORT_CSV_KIND_EVENTS,
  COHORT_CSV_KIND_ORDERS,
  COHORT_CSV_N_KINDS
} CohortCsvKind;

typedef enum
{
  COHORT_CSV_FIELD_COMMUNITY,
  COHORT_CSV_FIELD_MEMBER_ID,
  COHORT_CSV_FIELD_MEMBER_NAME,
  COHORT_CSV_FIELD_TS,
  COHORT_CSV_FIELD_TEXT,
  COHORT_CSV_FIELD_MESSAGE_ID,
  COHORT_CSV_FIELD_REPLY_TO,
  COHORT_CSV_FIELD_EVENT_TYPE,
  COHORT_CSV_FIELD_INVITER,
  COHORT_CSV_FIELD_JOIN_TS,
  COHORT_CSV_FIELD_LEAVE_TS,
  COHORT_CSV_FIELD_ORDER_ID,
  COHORT_CSV_FIELD_AMOUNT,
  COHORT_CSV_FIELD_STATUS,
  COHORT_CSV_FIELD_CAMPAIGN,
  COHORT_CSV_FIELD_CHANNEL,
  COHORT_CSV_N_FIELDS
} CohortCsvField;

struct _CohortCsvMapping
{
  CohortCsvKind kind;
  char *columns[COHORT_CSV_N_FIELDS];  /* header names; NULL = not in the file */
  char *community;                     /* community name when no column holds it; NULL = file name */
  char *date_format;                   /* NULL/"auto", "epoch", "epoch_ms" or e.g. "DD/MM/YYYY HH:mm" */
  char *tz;                            /* IANA zone for naive times; NULL = the import's zone, else
                                        * this computer's */
};

/* The rows a dialog shows before the import, read off the main thread. */
typedef struct
{
  char       **header;
  GPtrArray   *rows;        /* GStrv, at most the number asked for */
  char        *signature;
  char         delimiter;
} CohortCsvPreview;

/* Names, for --csv-kind, --map and the saved mappings. */
const char       *cohort_csv_kind_to_string   (CohortCsvKind            kind);
gboolean          cohort_csv_kind_from_string (const char              *name,
                                               CohortCsvKind           *kind);
const char       *cohort_csv_kind_label       (CohortCsvKind            kind);
const char       *cohort_csv_field_to_string  (CohortCsvField           field);
const char       *cohort_csv_field_label      (CohortCsvField           field);
gboolean          cohort_csv_field_from_string (const char             *name,
                                                CohortCsvField         *field);
/* Whether the field means something for rows of this kind, and whether it must be mapped. */
gboolean          cohort_csv_field_applies    (CohortCsvKind            kind,
                                               CohortCsvField           field);
gboolean          cohort_csv_field_required   (CohortCsvKind            kind,
                                               CohortCsvField           field);

CohortCsvMapping *cohort_csv_mapping_new      (CohortCsvKind            kind);
CohortCsvMapping *cohort_csv_mapping_copy     (const CohortCsvMapping  *mapping);
void              cohort_csv_mapping_free     (CohortCsvMapping        *mapping);
void              cohort_csv_mapping_set_column (CohortCsvMapping      *mapping,
                                                 CohortCsvField         field,
                                                 const char            *column);
/* "member_id=UserID,ts=Time": the --map syntax. */
gboolean          cohort_csv_mapping_parse_map (CohortCsvMapping       *mapping,
                                                const char             *map,
                                                GError                **error);
char             *cohort_csv_mapping_serialize (const CohortCsvMapping *mapping);
CohortCsvMapping *cohort_csv_mapping_deserialize (const char           *text);
/* Guesses the kind and every column from header names, English or Chinese. */
CohortCsvKind     cohort_csv_guess_kind       (const char * const      *header);
CohortCsvMapping *cohort_csv_mapping_guess    (CohortCsvKind            kind,
                                               const char * const      *header);
/* NULL when the mapping can import the rows; else the first problem, translated
 * ("Row 3: “2024-13-01” is not a date in the format YYYY-MM-DD."). */
char             *cohort_csv_mapping_check    (const CohortCsvMapping  *mapping,
                                               const CohortCsvPreview  *preview);

/* The key a mapping is saved under: the header's column names, in order. */
char             *cohort_csv_header_signature (const char * const      *header);
/* The zone naive times are read in when neither the mapping nor the import names one: this
 * computer's, as for other exports with wall-clock times. */
const char       *cohort_csv_default_zone     (void);
/* Whether a time as the table writes it is a wall-clock time (no offset, no epoch). */
gboolean          cohort_csv_time_is_wall_clock (const char            *text,
                                                 const char            *date_format);
/* Parses a time with the mapping's date format; FALSE when it does not fit. */
gboolean          cohort_csv_parse_time       (const char              *text,
                                               const char              *date_format,
                                               GTimeZone               *tz,
                                               gint64                  *ts);

CohortCsvPreview *cohort_csv_preview_read     (GFile                   *file,
                                               guint                    n_rows,
                                               GCancellable            *cancellable,
                                               GError                 **error);
void              cohort_csv_preview_free     (CohortCsvPreview        *preview);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CohortCsvMapping, cohort_csv_mapping_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CohortCsvPreview, cohort_csv_preview_free)

G_END_DECLS
