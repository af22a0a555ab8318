/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "cohort-store.h"

G_BEGIN_DECLS

/*
 * What every subcommand of cohort-cli shares, for the subcommands that live in files of their
 * own (cohort-cli-<area>.c): the database chosen with --db, --json, and JSON printing.
 * Exit status: 0 on success, 1 when an input was rejected, 2 on usage errors.
 */

CohortDb *cohort_cli_open_db    (gboolean   read_only,
                                 GError   **error);
gboolean  cohort_cli_want_json  (void);
void      cohort_cli_print_json (JsonNode  *node);
/* Prints the error's message; returns the exit status it means: 2 for a usage error
 * (G_OPTION_ERROR), 1 for any other. */
int       cohort_cli_report_error (const GError *error);

/* Subcommands in their own files */
int       cohort_cli_imports        (int    argc,
                                     char **argv);
int       cohort_cli_remove_import  (int    argc,
                                     char **argv);
int       cohort_cli_set_zone       (int    argc,
                                     char **argv);
int       cohort_cli_members        (int    argc,
                                     char **argv);
int       cohort_cli_settings       (int    argc,
                                     char **argv);
int       cohort_cli_mech           (int    argc,
                                     char **argv);

extern const GOptionEntry cohort_cli_members_entries[];
extern const GOptionEntry cohort_cli_settings_entries[];

G_END_DECLS
