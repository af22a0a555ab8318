/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * CohortCsvReader: a streaming RFC 4180 reader.  It holds one record at a time (at most
 * COHORT_CSV_MAX_RECORD bytes), so memory stays bounded whatever the size of the file.
 * Quoted fields may hold delimiters, doubled quotes and line ends (CRLF, LF or CR); a
 * leading U+FEFF is dropped.  The delimiter (',', ';' or tab) is detected from the header,
 * the first record, unless it is given.  Text in GB18030 (what Chinese Excel and WPS write)
 * is converted to UTF-8 as it streams.
 */

#define COHORT_CSV_MAX_RECORD (4 * 1024 * 1024)

typedef struct _CohortCsvReader CohortCsvReader;

CohortCsvReader *cohort_csv_reader_new          (GInputStream     *stream,
                                                 const char       *display_name,
                                                 char              delimiter,
                                                 GCancellable     *cancellable);
void             cohort_csv_reader_free         (CohortCsvReader  *self);
/* Reads the next record into fields (char *, valid UTF-8).  FALSE with no error at the end. */
gboolean         cohort_csv_reader_next         (CohortCsvReader  *self,
                                                 GPtrArray        *fields,
                                                 GError          **error);
char             cohort_csv_reader_get_delimiter (CohortCsvReader *self);
/* The physical line where the last record started (1-based). */
gint64           cohort_csv_reader_get_line     (CohortCsvReader  *self);
/* Bytes consumed so far, for progress. */
goffset          cohort_csv_reader_get_offset   (CohortCsvReader  *self);

/* "GB18030" when the head of a file is no UTF-8 but reads as GB18030, else NULL (UTF-8). */
const char      *cohort_csv_detect_encoding     (const guchar     *head,
                                                 gsize             len);
/* The delimiter that splits the first line of text into the most fields. */
char             cohort_csv_detect_delimiter    (const char       *line,
                                                 gssize            len);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CohortCsvReader, cohort_csv_reader_free)

G_END_DECLS
