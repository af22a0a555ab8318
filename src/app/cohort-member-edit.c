/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-member-edit"

#include "config.h"

#include "cohort-member-edit.h"

typedef struct
{
  char                *db_path;
  gint64               community;
  CohortMemberEditKind kind;
  char               **uids;
  char                *text;
  CohortMemberFlag     flag;
  gboolean             value;
  gint64               number;
  gint64               now;
} EditRequest;

static void
edit_request_free (EditRequest *req)
{
  g_free (req->db_path);
  g_strfreev (req->uids);
  g_free (req->text);
  g_free (req);
}

static gboolean
apply_edit (CohortDb     *db,
            EditRequest  *req,
            GError      **error)
{
  const char * const *uids = (const char * const *)req->uids;

  switch (req->kind)
    {
    case COHORT_MEMBER_EDIT_ADD_TAG:
    case COHORT_MEMBER_EDIT_REMOVE_TAG:
      return cohort_db_tag_members (db, req->community, uids, req->text,
                                    req->kind == COHORT_MEMBER_EDIT_ADD_TAG, error);
    case COHORT_MEMBER_EDIT_SET_FLAG:
      return cohort_db_set_member_flag (db, req->community, uids, req->flag, req->value, error);
    case COHORT_MEMBER_EDIT_CLEAR_FLAGS:
      return cohort_db_set_member_flag (db, req->community, uids, COHORT_MEMBER_FLAG_STAFF, FALSE, error) &&
             cohort_db_set_member_flag (db, req->community, uids, COHORT_MEMBER_FLAG_BOT, FALSE, error);
    case COHORT_MEMBER_EDIT_ADD_NOTE:
      for (guint i = 0; uids[i] != NULL; i++)
        if (!cohort_db_add_member_note (db, req->community, uids[i], req->now, req->text, error))
          return FALSE;
      return TRUE;
    case COHORT_MEMBER_EDIT_SET_REACH:
      for (guint i = 0; uids[i] != NULL; i++)
        if (!cohort_db_set_member_reach (db, req->community, uids[i], req->number, error))
          return FALSE;
      return TRUE;
    default:
      g_assert_not_reached ();
    }
}

static void
edit_in_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  EditRequest *req = task_data;
  GError *error = NULL;
  CohortDb *db;

  if (!(db = cohort_db_open (req->db_path, FALSE, &error)))
    {
      g_task_return_error (task, error);
      return;
    }
  if (!apply_edit (db, req, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
  cohort_db_close (db);
}

void
cohort_member_edit_async (const char             *db_path,
                          gint64                  community,
                          const CohortMemberEdit *edit,
                          GCancellable           *cancellable,
                          GAsyncReadyCallback     callback,
                          gpointer                user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  EditRequest *req = g_new0 (EditRequest, 1);

  g_return_if_fail (db_path != NULL && edit != NULL && edit->uids != NULL);

  req->db_path = g_strdup (db_path);
  req->community = community;
  req->kind = edit->kind;
  req->uids = g_strdupv ((char **)edit->uids);
  req->text = g_strdup (edit->text);
  req->flag = edit->flag;
  req->value = edit->value;
  req->number = edit->number;
  req->now = g_get_real_time () / G_USEC_PER_SEC;
  g_task_set_source_tag (task, cohort_member_edit_async);
  g_task_set_task_data (task, req, (GDestroyNotify)edit_request_free);
  g_task_run_in_thread (task, edit_in_thread);
}

gboolean
cohort_member_edit_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
