/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "cohort-store-members.h"

G_BEGIN_DECLS

/*
 * The operator's edits to members (tags, staff/bot flags, notes, reach), written on a worker
 * with a write connection of its own: the main thread never runs SQL.  One edit applies to
 * every uid given, in one transaction.
 */

typedef enum
{
  COHORT_MEMBER_EDIT_ADD_TAG,
  COHORT_MEMBER_EDIT_REMOVE_TAG,
  COHORT_MEMBER_EDIT_SET_FLAG,
  COHORT_MEMBER_EDIT_CLEAR_FLAGS,   /* neither staff nor bot */
  COHORT_MEMBER_EDIT_ADD_NOTE,
  COHORT_MEMBER_EDIT_SET_REACH,
} CohortMemberEditKind;

typedef struct
{
  CohortMemberEditKind kind;
  const char * const  *uids;
  const char          *text;     /* tag or note */
  CohortMemberFlag     flag;
  gboolean             value;
  gint64               number;   /* reach */
} CohortMemberEdit;

void     cohort_member_edit_async  (const char             *db_path,
                                    gint64                  community,
                                    const CohortMemberEdit *edit,
                                    GCancellable           *cancellable,
                                    GAsyncReadyCallback     callback,
                                    gpointer                user_data);
gboolean cohort_member_edit_finish (GAsyncResult           *result,
                                    GError                **error);

G_END_DECLS
