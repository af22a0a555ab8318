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

G_END_DECLS
