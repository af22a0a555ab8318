/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-store-members"

#include "config.h"

#include "cohort-store-members.h"
#include "cohort-store-private.h"

#include <math.h>
#include <stdlib.h>

/*
 * Members workspace SQL: the operator's tags, notes, staff/bot flags and reach, and the
 * invites, orders and reach the member table and the detail pane read.  Writes to several
 * members are one transaction, so a multi-selection is tagged or flagged entirely or not
 * at all.
 */

static sqlite3_stmt *
prepare (CohortDb    *db,
         const char  *sql,
         GError     **error)
{
  sqlite3_stmt *stmt = NULL;

  cohort_db_assert_owner (db);
  if (sqlite3_prepare_v2 (db->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      cohort_db_set_sql_error (db, error, "prepare");
      sqlite3_finalize (stmt);
      return NULL;
    }
  return stmt;
}

static gboolean
finish_step (CohortDb      *db,
             sqlite3_stmt  *stmt,
             int            rc,
             GError       **error,
             const char    *what)
{
  gboolean ok = rc == SQLITE_DONE;

  if (!ok)
    cohort_db_set_sql_error (db, error, what);
  sqlite3_finalize (stmt);
  return ok;
}

/* ------------------------------------------------------------------------------------------ */
/* Loading next to the snapshot                                                                */

static gboolean
load_invites (CohortDb            *db,
              gint64               community,
              CohortSnapshot      *snapshot,
              CohortMemberExtras  *extras,
              GError             **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = prepare (db,
                  "SELECT i.ts, a.platform_uid, b.platform_uid FROM invite i "
                  "JOIN member a ON a.id = i.inviter JOIN member b ON b.id = i.invitee "
                  "WHERE i.community = ?1 ORDER BY i.ts, i.id", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, community);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      int inviter = cohort_snapshot_find_member (snapshot, (const char *)sqlite3_column_text (stmt, 1));
      int invitee = cohort_snapshot_find_member (snapshot, (const char *)sqlite3_column_text (stmt, 2));
      CohortInvite invite = { inviter, invitee, sqlite3_column_int64 (stmt, 0) };

      if (inviter >= 0 && invitee >= 0)
        g_array_append_val (extras->invites, invite);
    }
  return finish_step (db, stmt, rc, error, "load invites");
}

static gboolean
load_orders (CohortDb            *db,
             gint64               community,
             CohortSnapshot      *snapshot,
             CohortMemberExtras  *extras,
             GError             **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = prepare (db,
                  "SELECT o.ts, m.platform_uid, o.amount FROM orders o "
                  "JOIN member m ON m.id = o.member "
                  "WHERE o.community = ?1 AND o.status = 'paid' ORDER BY o.ts, o.id", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, community);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      int m = cohort_snapshot_find_member (snapshot, (const char *)sqlite3_column_text (stmt, 1));
      CohortOrder order = { m, sqlite3_column_int64 (stmt, 0),
                            (gint64)llround (sqlite3_column_double (stmt, 2) * 100) };

      if (m >= 0)
        g_array_append_val (extras->orders, order);
    }
  return finish_step (db, stmt, rc, error, "load orders");
}

static gboolean
load_reach (CohortDb            *db,
            gint64               community,
            CohortSnapshot      *snapshot,
            CohortMemberExtras  *extras,
            GError             **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = prepare (db, "SELECT platform_uid, reach FROM member "
                      "WHERE community = ?1 AND reach IS NOT NULL", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, community);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      int m = cohort_snapshot_find_member (snapshot, (const char *)sqlite3_column_text (stmt, 0));

      if (m >= 0)
        extras->reach[m] = sqlite3_column_int64 (stmt, 1);
    }
  return finish_step (db, stmt, rc, error, "load reach");
}

static int
compare_names (const void *a,
               const void *b)
{
  return g_strcmp0 (*(char * const *)a, *(char * const *)b);
}

static gboolean
load_tags (CohortDb            *db,
           gint64               community,
           CohortSnapshot      *snapshot,
           CohortMemberExtras  *extras,
           GError             **error)
{
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) current = NULL;
  sqlite3_stmt *stmt;
  int rc, current_member = -1;
  guint n_names = 0;

  stmt = prepare (db,
                  "SELECT m.platform_uid, t.name FROM member_tag mt "
                  "JOIN member m ON m.id = mt.member JOIN tag t ON t.id = mt.tag "
                  "WHERE m.community = ?1 ORDER BY m.id, t.name", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, community);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      int m = cohort_snapshot_find_member (snapshot, (const char *)sqlite3_column_text (stmt, 0));
      const char *name = (const char *)sqlite3_column_text (stmt, 1);

      if (m < 0)
        continue;
      if (m != current_member)
        {
          if (current != NULL)
            {
              g_ptr_array_add (current, NULL);
              extras->tags[current_member] = (char **)g_ptr_array_free (g_steal_pointer (&current), FALSE);
            }
          current = g_ptr_array_new ();
          current_member = m;
        }
      g_ptr_array_add (current, g_strdup (name));
      g_hash_table_add (names, g_strdup (name));
    }
  if (current != NULL)
    {
      g_ptr_array_add (current, NULL);
      extras->tags[current_member] = (char **)g_ptr_array_free (g_steal_pointer (&current), FALSE);
    }

  extras->all_tags = (char **)g_hash_table_get_keys_as_array (names, &n_names);
  g_hash_table_steal_all (names);
  if (n_names > 1)
    qsort (extras->all_tags, n_names, sizeof (char *), compare_names);
  return finish_step (db, stmt, rc, error, "load tags");
}

CohortMemberExtras *
cohort_db_load_member_extras (CohortDb        *db,
                              gint64           community,
                              CohortSnapshot  *snapshot,
                              GError         **error)
{
  g_autoptr(CohortMemberExtras) extras = g_new0 (CohortMemberExtras, 1);

  g_return_val_if_fail (db != NULL, NULL);
  g_return_val_if_fail (snapshot != NULL, NULL);

  extras->n_members = snapshot->n_members;
  extras->invites = g_array_new (FALSE, FALSE, sizeof (CohortInvite));
  extras->orders = g_array_new (FALSE, FALSE, sizeof (CohortOrder));
  extras->reach = g_new (gint64, snapshot->n_members + 1);
  extras->tags = g_new0 (char **, snapshot->n_members + 1);
  for (guint m = 0; m < snapshot->n_members; m++)
    extras->reach[m] = -1;

  if (!load_invites (db, community, snapshot, extras, error) ||
      !load_orders (db, community, snapshot, extras, error) ||
      !load_reach (db, community, snapshot, extras, error) ||
      !load_tags (db, community, snapshot, extras, error))
    return NULL;
  return g_steal_pointer (&extras);
}

void
cohort_member_extras_free (CohortMemberExtras *extras)
{
  if (extras == NULL)
    return;
  g_clear_pointer (&extras->invites, g_array_unref);
  g_clear_pointer (&extras->orders, g_array_unref);
  for (guint m = 0; extras->tags != NULL && m < extras->n_members; m++)
    g_strfreev (extras->tags[m]);
  g_free (extras->tags);
  g_free (extras->reach);
  g_strfreev (extras->all_tags);
  g_free (extras);
}

/* ------------------------------------------------------------------------------------------ */
/* Writes                                                                                      */

/* Runs stmt once per uid, with ?1 = community and ?2 = uid already bound by the caller's
 * other parameters left in place, all inside one transaction. */
static gboolean
run_for_uids (CohortDb            *db,
              sqlite3_stmt        *stmt,
              gint64               community,
              const char * const  *uids,
              GError             **error)
{
  if (!cohort_db_begin_write (db, error))
    return FALSE;
  for (guint i = 0; uids[i] != NULL; i++)
    {
      sqlite3_bind_int64 (stmt, 1, community);
      sqlite3_bind_text (stmt, 2, uids[i], -1, SQLITE_TRANSIENT);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        {
          cohort_db_set_sql_error (db, error, "update members");
          sqlite3_reset (stmt);
          cohort_db_exec (db, "ROLLBACK", NULL);
          return FALSE;
        }
      sqlite3_reset (stmt);
    }
  return cohort_db_exec (db, "COMMIT", error);
}

gboolean
cohort_db_set_member_flag (CohortDb            *db,
                           gint64               community,
                           const char * const  *uids,
                           CohortMemberFlag     flag,
                           gboolean             value,
                           GError             **error)
{
  /* The column is chosen from two fixed statements, never spliced from input. */
  static const char * const sql[] = {
    [COHORT_MEMBER_FLAG_STAFF] = "UPDATE member SET is_staff = ?3 WHERE community = ?1 AND platform_uid = ?2",
    [COHORT_MEMBER_FLAG_BOT] = "UPDATE member SET is_bot = ?3 WHERE community = ?1 AND platform_uid = ?2",
  };
  sqlite3_stmt *stmt;
  gboolean ok;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (uids != NULL, FALSE);
  g_return_val_if_fail (flag <= COHORT_MEMBER_FLAG_BOT, FALSE);

  if (!(stmt = prepare (db, sql[flag], error)))
    return FALSE;
  sqlite3_bind_int (stmt, 3, value ? 1 : 0);
  ok = run_for_uids (db, stmt, community, uids, error);
  sqlite3_finalize (stmt);
  return ok;
}

gboolean
cohort_db_tag_members (CohortDb            *db,
                       gint64               community,
                       const char * const  *uids,
                       const char          *tag,
                       gboolean             add,
                       GError             **error)
{
  g_autofree char *name = g_strstrip (g_strdup (tag != NULL ? tag : ""));
  sqlite3_stmt *stmt;
  gboolean ok;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (uids != NULL, FALSE);

  if (*name == '\0')
    {
      g_set_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_SQL, "A tag needs a name");
      return FALSE;
    }
  if (add)
    {
      if (!(stmt = prepare (db, "INSERT OR IGNORE INTO tag (name) VALUES (?1)", error)))
        return FALSE;
      sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
      if (!finish_step (db, stmt, sqlite3_step (stmt), error, "add tag"))
        return FALSE;
      stmt = prepare (db,
                      "INSERT OR IGNORE INTO member_tag (member, tag) "
                      "SELECT m.id, t.id FROM member m, tag t "
                      "WHERE m.community = ?1 AND m.platform_uid = ?2 AND t.name = ?3", error);
    }
  else
    stmt = prepare (db,
                    "DELETE FROM member_tag WHERE "
                    "member = (SELECT id FROM member WHERE community = ?1 AND platform_uid = ?2) "
                    "AND tag = (SELECT id FROM tag WHERE name = ?3)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 3, name, -1, SQLITE_TRANSIENT);
  ok = run_for_uids (db, stmt, community, uids, error);
  sqlite3_finalize (stmt);
  return ok;
}

char **
cohort_db_list_tags (CohortDb  *db,
                     GError   **error)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = prepare (db, "SELECT name FROM tag ORDER BY name", error)))
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (names, cohort_db_column_strdup (stmt, 0));
  if (!finish_step (db, stmt, rc, error, "list tags"))
    return NULL;
  g_ptr_array_add (names, NULL);
  g_ptr_array_set_free_func (names, NULL);
  return (char **)g_ptr_array_free (g_steal_pointer (&names), FALSE);
}

static gboolean
check_changed (CohortDb    *db,
               const char  *uid,
               GError     **error)
{
  if (sqlite3_changes (db->db) > 0)
    return TRUE;
  g_set_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_NOT_FOUND,
               "No member “%s” in this community", uid);
  return FALSE;
}

gboolean
cohort_db_set_member_reach (CohortDb    *db,
                            gint64       community,
                            const char  *uid,
                            gint64       reach,
                            GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (uid != NULL, FALSE);

  if (!(stmt = prepare (db, "UPDATE member SET reach = ?3 WHERE community = ?1 AND platform_uid = ?2",
                        error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, community);
  sqlite3_bind_text (stmt, 2, uid, -1, SQLITE_TRANSIENT);
  if (reach >= 0)
    sqlite3_bind_int64 (stmt, 3, reach);
  else
    sqlite3_bind_null (stmt, 3);
  return finish_step (db, stmt, sqlite3_step (stmt), error, "set reach") &&
         check_changed (db, uid, error);
}

gboolean
cohort_db_add_member_note (CohortDb    *db,
                           gint64       community,
                           const char  *uid,
                           gint64       ts,
                           const char  *text,
                           GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (uid != NULL, FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  if (!(stmt = prepare (db, "INSERT INTO note (member, ts, text) "
                            "SELECT id, ?3, ?4 FROM member WHERE community = ?1 AND platform_uid = ?2",
                        error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, community);
  sqlite3_bind_text (stmt, 2, uid, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, ts);
  sqlite3_bind_text (stmt, 4, text, -1, SQLITE_TRANSIENT);
  return finish_step (db, stmt, sqlite3_step (stmt), error, "add note") &&
         check_changed (db, uid, error);
}

/* ------------------------------------------------------------------------------------------ */
/* Reads for the detail pane                                                                   */

GPtrArray *
cohort_db_list_member_notes (CohortDb    *db,
                             gint64       community,
                             const char  *uid,
                             GError     **error)
{
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func ((GDestroyNotify)cohort_member_note_free);
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = prepare (db, "SELECT n.ts, n.text FROM note n JOIN member m ON m.id = n.member "
                            "WHERE m.community = ?1 AND m.platform_uid = ?2 "
                            "ORDER BY n.ts DESC, n.id DESC", error)))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, community);
  sqlite3_bind_text (stmt, 2, uid, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CohortMemberNote *note = g_new0 (CohortMemberNote, 1);

      note->ts = sqlite3_column_int64 (stmt, 0);
      note->text = cohort_db_column_strdup (stmt, 1);
      g_ptr_array_add (notes, note);
    }
  if (!finish_step (db, stmt, rc, error, "list notes"))
    return NULL;
  return g_steal_pointer (&notes);
}

void
cohort_member_note_free (CohortMemberNote *note)
{
  if (note == NULL)
    return;
  g_free (note->text);
  g_free (note);
}
