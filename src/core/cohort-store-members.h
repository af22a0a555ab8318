/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cohort-store.h"

G_BEGIN_DECLS

/*
 * The operator's own data about members (tags, notes, staff/bot flags, external reach) and
 * what the Members workspace reads next to the snapshot (invites, orders, reach).  Members are
 * named by (community, platform uid), the key the snapshot carries; SQL lives in
 * cohort-store-members.c.
 */

typedef struct
{
  guint  inviter;   /* snapshot member index */
  guint  invitee;
  gint64 ts;
} CohortInvite;

/* A paid order (METRICS.md §6); refunded and cancelled ones are not loaded. */
typedef struct
{
  guint  member;    /* snapshot member index */
  gint64 ts;
  gint64 cents;     /* amount × 100, rounded */
} CohortOrder;

typedef struct
{
  guint    n_members;
  GArray  *invites;      /* CohortInvite, by ts */
  GArray  *orders;       /* CohortOrder, paid only, by ts */
  gint64  *reach;        /* per snapshot member: external followers, -1 when unknown */
  char  ***tags;         /* per snapshot member: NULL or a sorted NULL-terminated list */
  char   **all_tags;     /* every tag used in the community, sorted */
} CohortMemberExtras;

typedef struct
{
  gint64  ts;
  char   *text;
} CohortMemberNote;

typedef enum
{
  COHORT_MEMBER_FLAG_STAFF,
  COHORT_MEMBER_FLAG_BOT,
} CohortMemberFlag;

CohortMemberExtras *cohort_db_load_member_extras   (CohortDb            *db,
                                                    gint64               community,
                                                    CohortSnapshot      *snapshot,
                                                    GError             **error);
void                cohort_member_extras_free      (CohortMemberExtras  *extras);

gboolean            cohort_db_set_member_flag      (CohortDb            *db,
                                                    gint64               community,
                                                    const char * const  *uids,
                                                    CohortMemberFlag     flag,
                                                    gboolean             value,
                                                    GError             **error);
gboolean            cohort_db_tag_members          (CohortDb            *db,
                                                    gint64               community,
                                                    const char * const  *uids,
                                                    const char          *tag,
                                                    gboolean             add,
                                                    GError             **error);
char              **cohort_db_list_tags            (CohortDb            *db,
                                                    GError             **error);
gboolean            cohort_db_set_member_reach     (CohortDb            *db,
                                                    gint64               community,
                                                    const char          *uid,
                                                    gint64               reach,
                                                    GError             **error);
gboolean            cohort_db_add_member_note      (CohortDb            *db,
                                                    gint64               community,
                                                    const char          *uid,
                                                    gint64               ts,
                                                    const char          *text,
                                                    GError             **error);
GPtrArray          *cohort_db_list_member_notes    (CohortDb            *db,
                                                    gint64               community,
                                                    const char          *uid,
                                                    GError             **error);

void                cohort_member_note_free        (CohortMemberNote     *note);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CohortMemberExtras, cohort_member_extras_free)

G_END_DECLS
