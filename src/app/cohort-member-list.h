/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "cohort-member-loader.h"

G_BEGIN_DECLS

#define COHORT_TYPE_MEMBER_LIST (cohort_member_list_get_type ())

G_DECLARE_FINAL_TYPE (CohortMemberList, cohort_member_list, COHORT, MEMBER_LIST, GObject)

/*
 * A GListModel of CohortMemberItem over an order of member indices computed by a worker
 * (filter + sort).  Items are created when asked for and not kept: the list view holds the
 * few on screen.
 */
CohortMemberList  *cohort_member_list_new        (void);
void               cohort_member_list_set_rows   (CohortMemberList  *self,
                                                  CohortMembersData *data,
                                                  GArray            *rows);
CohortMembersData *cohort_member_list_get_data   (CohortMemberList  *self);
guint              cohort_member_list_get_member (CohortMemberList  *self,
                                                  guint              position);
const GArray      *cohort_member_list_get_rows   (CohortMemberList  *self);

G_END_DECLS
