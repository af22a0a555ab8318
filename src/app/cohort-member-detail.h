/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "cohort-member-loader.h"

G_BEGIN_DECLS

#define COHORT_TYPE_MEMBER_DETAIL (cohort_member_detail_get_type ())

G_DECLARE_FINAL_TYPE (CohortMemberDetail, cohort_member_detail, COHORT, MEMBER_DETAIL, GtkWidget)

/* Shows one member of data (G_MAXUINT: none).  Their history, notes and other identities are
 * loaded on a worker; a newer call drops the older result. */
void      cohort_member_detail_show       (CohortMemberDetail *self,
                                           const char         *db_path,
                                           CohortMembersData  *data,
                                           guint               member);
guint     cohort_member_detail_get_member (CohortMemberDetail *self);
gboolean  cohort_member_detail_is_loading (CohortMemberDetail *self);

G_END_DECLS
