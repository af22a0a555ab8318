/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

extern const GOptionEntry cohort_cli_members_entries[];

int cohort_cli_members (int          argc,
                        char       **argv,
                        const char  *db_path,
                        gboolean     json);

G_END_DECLS
