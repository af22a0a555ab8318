/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The schema a new database gets, as the CREATE statements a migrated one holds in
 * sqlite_master, in its order.  cohort-schema-gen writes it at build time by running every
 * migration on an empty file (cohort-schema-template.c in the build tree); the generator
 * itself links cohort-schema-none.c, which has none, and so migrates.  NULL when there is
 * none; *version is the schema version it is.
 */
const char *cohort_schema_template (int *version);

G_END_DECLS
