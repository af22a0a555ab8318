/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "cohort-overview.h"
#include "cohort-store.h"

G_BEGIN_DECLS

JsonNode *cohort_cli_community_to_json (const CohortCommunityInfo *info);
JsonNode *cohort_cli_overview_to_json  (const CohortOverview      *overview,
                                        const CohortSnapshot      *snapshot);
char     *cohort_cli_overview_to_text  (const CohortOverview      *overview,
                                        const CohortSnapshot      *snapshot);
char     *cohort_cli_format_utc        (gint64                     ts);
/* On stderr, when the range day0 … day1 is past all of the community's data, or the data
 * ends a week or more before day1: on which day the data ends (the ranges follow the
 * calendar; an old export's last 30 days are all silence).  For ranges given as a number of
 * days or all, not as --from/--to. */
void      cohort_cli_note_data_end     (const CohortSnapshot      *snapshot,
                                        int                        day0,
                                        int                        day1);

G_END_DECLS
