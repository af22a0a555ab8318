/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "cohort-member-table.h"
#include "cohort-store.h"
#include "cohort-store-members.h"

G_BEGIN_DECLS

/*
 * What the Members page and `cohort-cli members` show, loaded off the main thread: the
 * community's snapshot, the operator's tags/reach/invites and the member table at asof.
 * Immutable once loaded and reference-counted, so the page, its filter worker and its detail
 * worker can all read it at once.  Then queries (filter + sort → row order) and CSV export,
 * both plain functions that any thread may run.
 */

typedef struct
{
  gint64              community;
  int                 asof;
  CohortSnapshot     *snapshot;
  CohortMemberExtras *extras;
  CohortMemberTable  *table;
  char              **haystack;   /* per member: casefolded name, uid and tags for search */
  char              **collate;    /* per member: collation key of the name */
} CohortMembersData;

typedef enum
{
  COHORT_MEMBER_SORT_NAME,
  COHORT_MEMBER_SORT_MESSAGES,
  COHORT_MEMBER_SORT_ACTIVE_DAYS,
  COHORT_MEMBER_SORT_LAST_SEEN,
  COHORT_MEMBER_SORT_TENURE,
  COHORT_MEMBER_SORT_SCORE,
  COHORT_MEMBER_SORT_POINTS,
  COHORT_MEMBER_SORT_SILENT,
  COHORT_MEMBER_N_SORTS
} CohortMemberSort;

typedef enum
{
  COHORT_MEMBER_KIND_ANY,
  COHORT_MEMBER_KIND_COUNTED,   /* neither staff nor bot */
  COHORT_MEMBER_KIND_STAFF,
  COHORT_MEMBER_KIND_BOT,
  COHORT_MEMBER_KIND_PRESENT,   /* counted and still a member */
} CohortMemberKind;

/* -1 in a filter field means "any". */
typedef struct
{
  const char      *search;      /* substring of name, uid or a tag; case-insensitive */
  int              lifecycle;   /* CohortLifecycle */
  int              tier;        /* CohortTier */
  int              churn;       /* CohortChurnLevel; COHORT_CHURN_NONE = not warned */
  int              rfm;         /* CohortRfmSegment */
  int              rfm8;        /* CohortRfm8Class */
  const char      *tag;         /* exact tag */
  CohortMemberKind kind;
  CohortMemberSort sort;
  gboolean         descending;
} CohortMemberQuery;

void               cohort_member_query_init        (CohortMemberQuery  *query);
const char        *cohort_member_sort_id           (CohortMemberSort    sort);
gboolean           cohort_member_sort_from_id      (const char         *id,
                                                    CohortMemberSort   *sort);

/* asof COHORT_DAY_NONE means the last complete local day before now. */
CohortMembersData *cohort_members_data_load        (const char         *db_path,
                                                    gint64              community,
                                                    int                 asof,
                                                    gint64              now,
                                                    const CohortSegmentParams *params,
                                                    GError            **error);
void               cohort_members_data_load_async  (const char         *db_path,
                                                    gint64              community,
                                                    gint64              now,
                                                    const CohortSegmentParams *params,
                                                    GCancellable       *cancellable,
                                                    GAsyncReadyCallback callback,
                                                    gpointer            user_data);
CohortMembersData *cohort_members_data_load_finish (GAsyncResult       *result,
                                                    GError            **error);
CohortMembersData *cohort_members_data_ref         (CohortMembersData  *data);
void               cohort_members_data_unref       (CohortMembersData  *data);

/* Matching snapshot member indices, in the query's order. */
GArray            *cohort_members_data_query       (CohortMembersData  *data,
                                                    const CohortMemberQuery *query);
gboolean           cohort_members_data_write_csv   (CohortMembersData  *data,
                                                    const GArray       *rows,
                                                    GOutputStream      *out,
                                                    GCancellable       *cancellable,
                                                    GError            **error);
gboolean           cohort_members_data_save_csv    (CohortMembersData  *data,
                                                    const GArray       *rows,
                                                    GFile              *file,
                                                    GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CohortMembersData, cohort_members_data_unref)

G_END_DECLS
