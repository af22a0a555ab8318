/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* cohort-cli source add|list|remove and cohort-cli sync: online sources for scripts.  The
 * secret comes from $COHORT_SOURCE_SECRET or, with --secret-stdin, the first line of stdin;
 * it goes to the system keyring and is never printed. */

extern const GOptionEntry cohort_cli_source_entries[];

int cohort_cli_source (const char  *db_path,
                       gboolean     json,
                       int          argc,
                       char       **argv);
int cohort_cli_sync   (const char  *db_path,
                       gboolean     json,
                       int          argc,
                       char       **argv);

G_END_DECLS
