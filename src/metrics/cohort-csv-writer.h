/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Cells of the CSV files Cohort writes (Members, Activity, Overview lists).  A cell is added
 * to the line being built, after a comma unless it starts the line.  Quoting is RFC 4180's;
 * a text cell that starts with = + - @ is quoted with a leading apostrophe, so that a
 * spreadsheet never runs a chat name as a formula (numbers are written as they are).
 */

void cohort_csv_append_field (GString    *line,
                              const char *value);   /* NULL: an empty cell */
void cohort_csv_append_int   (GString    *line,
                              gint64      value);
void cohort_csv_append_day   (GString    *line,
                              int         day);     /* local day, as YYYY-MM-DD */

G_END_DECLS
