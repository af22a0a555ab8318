/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cohort-store.h"

G_BEGIN_DECLS

/*
 * People: the same human across communities (DESIGN.md §3 person, identity).  Every member
 * belongs to one person.  Members of different communities of one platform with the same
 * stable account id are one person by themselves (the rule is spelled out at migration v8
 * in cohort-store.c); the operator merges two persons or splits a member off, and undoes the
 * latest of those, which restores the grouping exactly.
 */

typedef struct
{
  gint64  member;
  gint64  community;
  char   *community_name;
  char   *platform;
  char   *uid;
  char   *display_name;   /* NULL when the export gave none */
} CohortMembership;

typedef struct
{
  gint64     id;
  GPtrArray *memberships;  /* CohortMembership*, by community then member */
} CohortPerson;

typedef enum
{
  COHORT_PEOPLE_MERGE,
  COHORT_PEOPLE_UNMERGE,
} CohortPeopleOpKind;

typedef struct
{
  gint64 people;           /* persons with a member in the selection */
  gint64 memberships;      /* member records of the selection */
  gint64 communities;
} CohortPeopleCounts;

/* Every person with their memberships, by person id. */
GPtrArray      *cohort_db_list_people           (CohortDb            *db,
                                                 GError             **error);
/* The person the member belongs to, with all of their memberships. */
CohortPerson   *cohort_db_get_person            (CohortDb            *db,
                                                 gint64               member,
                                                 GError             **error);
/* The member id of uid in community, or 0 (NOT_FOUND). */
gint64          cohort_db_find_member_id        (CohortDb            *db,
                                                 gint64               community,
                                                 const char          *uid,
                                                 GError             **error);
/* Members of every community whose name contains text (or whose uid is text), at most limit. */
GPtrArray      *cohort_db_search_memberships    (CohortDb            *db,
                                                 const char          *text,
                                                 guint                limit,
                                                 GError             **error);
/* other's person joins member's; returns the id of the logged operation, 0 on error. */
gint64          cohort_db_merge_people          (CohortDb            *db,
                                                 gint64               member,
                                                 gint64               other,
                                                 GError             **error);
/* The member leaves its person for a new one of its own; the log id, 0 on error. */
gint64          cohort_db_unmerge_member        (CohortDb            *db,
                                                 gint64               member,
                                                 GError             **error);
/* Undoes operation op, which must be the latest (0: the latest, whatever it is). */
gboolean        cohort_db_undo_people_op        (CohortDb            *db,
                                                 gint64               op,
                                                 CohortPeopleOpKind  *kind,
                                                 GError             **error);
/* One snapshot over several communities whose members are persons: a person's spans are
 * united, their messages all counted, a bot or staff flag on any of their members marks them.
 * Days are counted in the zone of communities[0].  counts may be NULL. */
CohortSnapshot *cohort_db_load_people_snapshot  (CohortDb            *db,
                                                 const gint64        *communities,
                                                 guint                n_communities,
                                                 CohortPeopleCounts  *counts,
                                                 GError             **error);

void            cohort_membership_free          (CohortMembership    *membership);
void            cohort_person_free              (CohortPerson        *person);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CohortMembership, cohort_membership_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CohortPerson, cohort_person_free)

G_END_DECLS
