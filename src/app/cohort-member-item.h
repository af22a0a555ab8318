/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "cohort-member-loader.h"

G_BEGIN_DECLS

#define COHORT_TYPE_MEMBER_ITEM (cohort_member_item_get_type ())

G_DECLARE_FINAL_TYPE (CohortMemberItem, cohort_member_item, COHORT, MEMBER_ITEM, GObject)

/* One row of the Members list: a member index into shared, immutable CohortMembersData.  Made
 * on demand by CohortMemberList for the rows on screen, so 100k members cost no objects. */
CohortMemberItem      *cohort_member_item_new      (CohortMembersData *data,
                                                    guint              member);
guint                  cohort_member_item_get_member (CohortMemberItem *self);
CohortMembersData     *cohort_member_item_get_data (CohortMemberItem  *self);
const CohortMemberRow *cohort_member_item_get_row  (CohortMemberItem  *self);
const char            *cohort_member_item_get_name (CohortMemberItem  *self);
const char            *cohort_member_item_get_uid  (CohortMemberItem  *self);

G_END_DECLS
