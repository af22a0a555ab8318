/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "cohort-content-keys.h"
#include "cohort-importer.h"
#include "cohort-mech.h"

G_BEGIN_DECLS

/*
 * One CohortFormat per kind of export.  The importer reads the first bytes of a file (and,
 * for a zip, the names of its entries), asks every format how sure it is that the file is
 * theirs, and hands the file to the most confident one inside a single transaction.  A
 * format never commits or rolls back: returning FALSE with an error rolls the whole file back.
 */

#define COHORT_SNIFF_SIZE (64 * 1024)

typedef struct
{
  GFile                     *file;          /* zip formats reopen it with libarchive */
  GInputStream              *stream;        /* buffered, at the start of the file */
  goffset                    size;          /* bytes, or -1 */
  const char                *display_name;  /* basename, for messages */
  const CohortImportOptions *options;
  CohortImportProgressFunc   progress;
  gpointer                   progress_data;
  GCancellable              *cancellable;
  CohortImportResult        *result;        /* warnings, community ids, skipped chats */
} CohortImportContext;

typedef struct
{
  const char *name;      /* "telegram", "whatsapp", …: also the --format value */
  const char *label;     /* N_() marked: "Telegram Desktop (result.json)" */
  const char *how_to;    /* N_() marked: how an operator produces this export */
  /* 0 = not this format … 100 = certain.  head holds up to COHORT_SNIFF_SIZE bytes of the
   * file; zip_entries lists a zip's member names (NULL when the file is no zip). */
  int       (*sniff)  (const guchar        *head,
                       gsize                len,
                       const char * const  *zip_entries);
  gboolean  (*import) (CohortImportTx      *tx,
                       CohortImportContext *ctx,
                       GError             **error);
} CohortFormat;

/* Every format, in the order they are listed to users. */
const CohortFormat * const *cohort_formats_list      (void);
const CohortFormat         *cohort_formats_find      (const char           *name);

/* Helpers shared by the importers. */
void        cohort_import_context_progress    (CohortImportContext *ctx,
                                               goffset              done,
                                               gint64               messages);
/* The fraction and text cohort_import_context_progress () reports. */
char       *cohort_import_context_progress_text (CohortImportContext *ctx,
                                                 goffset              done,
                                                 gint64               messages,
                                                 double              *fraction);
void        cohort_import_context_add_community (CohortImportContext *ctx,
                                                 gint64               community);
void        cohort_import_context_warn        (CohortImportContext *ctx,
                                               const char          *format,
                                               ...) G_GNUC_PRINTF (2, 3);
/* The zone for an export without offsets: the user's choice, else the format's default. */
const char *cohort_import_context_zone        (CohortImportContext *ctx,
                                               const char          *fallback);
/* A stable key for a message without a platform id: the same export gives the same keys.
 * seen counts repeats of identical content so that they stay separate messages. */
char       *cohort_import_content_key         (CohortContentKeys   *seen,
                                               const char          *member_uid,
                                               gint64               ts,
                                               const char          *text);

/* yajl hands scalars over as unterminated byte ranges; the streaming JSON importers add them
 * to the JsonBuilder assembling the current message with these. */
void        cohort_json_builder_add_number    (JsonBuilder         *builder,
                                               const char          *text,
                                               gsize                len);
void        cohort_json_builder_add_string    (JsonBuilder         *builder,
                                               const char          *text,
                                               gsize                len);

/* GDataInputStream reads a line of any length into memory; exports with lines read them with
 * this instead, which stops with a clear error at COHORT_MAX_LINE bytes.  Ends lines at LF,
 * CRLF or a lone CR; NULL without an error at the end of the input. */
#define COHORT_MAX_LINE (64 * 1024 * 1024)

char       *cohort_import_read_line           (GDataInputStream    *data,
                                               const char          *display_name,
                                               gsize               *length,
                                               GCancellable        *cancellable,
                                               GError             **error);

/* json-glib builds, walks and frees trees recursively, so a deeply nested file would run the
 * stack out: the yajl importers stop capturing past this depth, and text handed to
 * JsonParser is checked first.  Real exports nest fewer than ten levels. */
#define COHORT_JSON_MAX_DEPTH 256

GError     *cohort_json_depth_error           (const char          *display_name);
gboolean    cohort_json_check_depth           (const char          *data,
                                               gsize                len,
                                               const char          *display_name,
                                               GError             **error);

extern const CohortFormat cohort_format_telegram;
extern const CohortFormat cohort_format_whatsapp;
extern const CohortFormat cohort_format_discord;
extern const CohortFormat cohort_format_qq;
extern const CohortFormat cohort_format_wechat;
extern const CohortFormat cohort_format_slack;
extern const CohortFormat cohort_format_chatlab;
extern const CohortFormat cohort_format_csv;

G_END_DECLS
