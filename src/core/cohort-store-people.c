/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-store"

#include "config.h"

#include "cohort-store-people.h"

#include "cohort-store-private.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>

/*
 * Persons and identities (schema v8).  New members get their person after every import or
 * sync, inside its transaction, with a few set-based statements: a member with a stable
 * account (auto_key) joins the person of the earliest member with that key that the operator
 * did not split off; the others get new persons, numbered in member order above every id
 * ever used.  Merge, unmerge and undo each run in one transaction and log what they moved.
 */

/* The rule of migration v8: keep the two in step. */
#define AUTO_KEY_SQL \
  "CASE WHEN c.platform IN ('telegram', 'discord', 'slack', 'qq', 'wechat', 'wecom', 'chatlab')" \
  " AND substr (m.platform_uid, 1, 5) != 'name:' AND m.platform_uid != 'me'" \
  " THEN c.platform || char (31) || m.platform_uid END"

static const char * const assign_steps[] = {
  "CREATE TEMP TABLE IF NOT EXISTS new_identity ("
  " member INTEGER PRIMARY KEY, auto_key TEXT, person INTEGER)",
  "DELETE FROM temp.new_identity",
  "INSERT INTO temp.new_identity (member, auto_key)"
  " SELECT m.id, " AUTO_KEY_SQL " FROM member m JOIN community c ON c.id = m.community"
  " WHERE m.community = ?1 AND NOT EXISTS (SELECT 1 FROM identity i WHERE i.member = m.id)",
  "UPDATE temp.new_identity SET person ="
  " (SELECT i.person FROM identity i WHERE i.auto_key = new_identity.auto_key AND i.manual = 0"
  "  ORDER BY i.member LIMIT 1)"
  " WHERE auto_key IS NOT NULL",
  "UPDATE temp.new_identity SET person = r.pid FROM"
  " (SELECT member, (SELECT max (coalesce ((SELECT seq FROM sqlite_sequence WHERE name = 'person'), 0),"
  "                          coalesce ((SELECT max (id) FROM person), 0)))"
  "                 + dense_rank () OVER (ORDER BY first) AS pid FROM"
  "   (SELECT member, min (member) OVER (PARTITION BY coalesce (auto_key, char (30) || member)) AS first"
  "    FROM temp.new_identity WHERE person IS NULL)) AS r"
  " WHERE r.member = new_identity.member",
  "INSERT OR IGNORE INTO person (id) SELECT DISTINCT person FROM temp.new_identity ORDER BY person",
  "INSERT INTO identity (member, person, auto_key)"
  " SELECT member, person, auto_key FROM temp.new_identity",
  "DELETE FROM temp.new_identity",
};

/* ------------------------------------------------------------------------------------------ */
/* Helpers                                                                                     */

static gboolean
run_bound (CohortDb    *db,
           const char  *sql,
           gint64       a,
           gint64       b,
           GError     **error)
{
  sqlite3_stmt *stmt = cohort_db_prepare_bound (db, sql, a, b);
  int rc;

  if (stmt == NULL)
    return cohort_db_set_sql_error (db, error, "people");
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return cohort_db_set_sql_error (db, error, "people");
  return TRUE;
}

static gint64
person_of (CohortDb  *db,
           gint64     member,
           GError   **error)
{
  gint64 person = cohort_db_query_bound (db, "SELECT person FROM identity WHERE member = ?1", member, 0, 0);

  if (person == 0)
    g_set_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_NOT_FOUND,
                 _("There is no member %" PRId64 ". List them with: cohort-cli people"),
                 member);
  return person;
}

static gboolean
begin (CohortDb  *db,
       GError   **error)
{
  cohort_db_assert_owner (db);
  g_return_val_if_fail (!db->read_only, FALSE);
  return cohort_db_begin_write (db, error);
}

static gboolean
commit (CohortDb  *db,
        GError   **error)
{
  if (cohort_db_forget_orphan_people (db, error) && cohort_db_exec (db, "COMMIT", error))
    return TRUE;
  cohort_db_exec (db, "ROLLBACK", NULL);
  return FALSE;
}

static gboolean
rollback (CohortDb *db)
{
  cohort_db_exec (db, "ROLLBACK", NULL);
  return FALSE;
}

/* ------------------------------------------------------------------------------------------ */
/* Assignment, inside an import or a removal                                                   */

/* The migration tests write into databases held at an older schema: those have no persons
 * yet, and the migration that adds them gives every member theirs.  Asked of the schema, not
 * of a version number, so that the step may move when branches are merged. */
static gboolean
has_people (CohortDb *db)
{
  return cohort_db_query_bound (db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                          "AND name = 'identity'", 0, 0, 0) > 0;
}

gboolean
cohort_db_assign_identities (CohortDb  *db,
                             gint64     community,
                             GError   **error)
{
  if (!has_people (db))
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (assign_steps); i++)
    if (!run_bound (db, assign_steps[i], community, 0, error))
      return FALSE;
  return TRUE;
}

gboolean
cohort_db_forget_orphan_people (CohortDb  *db,
                                GError   **error)
{
  return !has_people (db) ||
         run_bound (db, "DELETE FROM person WHERE NOT EXISTS "
                        "(SELECT 1 FROM identity WHERE person = person.id)", 0, 0, error);
}

/* ------------------------------------------------------------------------------------------ */
/* Reading                                                                                     */

#define MEMBERSHIP_COLUMNS \
  "m.id, m.community, c.name, c.platform, m.platform_uid, m.display_name"

void
cohort_membership_free (CohortMembership *membership)
{
  if (membership == NULL)
    return;
  g_free (membership->community_name);
  g_free (membership->platform);
  g_free (membership->uid);
  g_free (membership->display_name);
  g_free (membership);
}

void
cohort_person_free (CohortPerson *person)
{
  if (person == NULL)
    return;
  g_clear_pointer (&person->memberships, g_ptr_array_unref);
  g_free (person);
}

static CohortMembership *
membership_from_row (sqlite3_stmt *stmt,
                     int           col)
{
  CohortMembership *m = g_new0 (CohortMembership, 1);

  m->member = sqlite3_column_int64 (stmt, col);
  m->community = sqlite3_column_int64 (stmt, col + 1);
  m->community_name = cohort_db_column_strdup (stmt, col + 2);
  m->platform = cohort_db_column_strdup (stmt, col + 3);
  m->uid = cohort_db_column_strdup (stmt, col + 4);
  m->display_name = cohort_db_column_strdup (stmt, col + 5);
  return m;
}

static CohortPerson *
person_new (gint64 id)
{
  CohortPerson *person = g_new0 (CohortPerson, 1);

  person->id = id;
  person->memberships = g_ptr_array_new_with_free_func ((GDestroyNotify)cohort_membership_free);
  return person;
}

/* Rows of (person, membership columns…) sorted by person, grouped into persons. */
static GPtrArray *
collect_people (CohortDb      *db,
                sqlite3_stmt  *stmt,
                GError       **error)
{
  g_autoptr(GPtrArray) people = g_ptr_array_new_with_free_func ((GDestroyNotify)cohort_person_free);
  CohortPerson *current = NULL;
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      if (current == NULL || current->id != id)
        {
          current = person_new (id);
          g_ptr_array_add (people, current);
        }
      g_ptr_array_add (current->memberships, membership_from_row (stmt, 1));
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return cohort_db_set_sql_error (db, error, "list people"), NULL;
  return g_steal_pointer (&people);
}

GPtrArray *
cohort_db_list_people (CohortDb  *db,
                       GError   **error)
{
  sqlite3_stmt *stmt;

  cohort_db_assert_owner (db);
  if (!(stmt = cohort_db_prepare_bound (db, "SELECT i.person, " MEMBERSHIP_COLUMNS " FROM identity i "
                                  "JOIN member m ON m.id = i.member "
                                  "JOIN community c ON c.id = m.community "
                                  "ORDER BY i.person, c.id, m.id", 0, 0)))
    return cohort_db_set_sql_error (db, error, "list people"), NULL;
  return collect_people (db, stmt, error);
}

CohortPerson *
cohort_db_get_person (CohortDb  *db,
                      gint64     member,
                      GError   **error)
{
  g_autoptr(GPtrArray) people = NULL;
  sqlite3_stmt *stmt;
  gint64 person;

  cohort_db_assert_owner (db);
  if ((person = person_of (db, member, error)) == 0)
    return NULL;
  if (!(stmt = cohort_db_prepare_bound (db, "SELECT i.person, " MEMBERSHIP_COLUMNS " FROM identity i "
                                  "JOIN member m ON m.id = i.member "
                                  "JOIN community c ON c.id = m.community "
                                  "WHERE i.person = ?1 ORDER BY c.id, m.id", person, 0)))
    return cohort_db_set_sql_error (db, error, "find person"), NULL;
  if (!(people = collect_people (db, stmt, error)))
    return NULL;
  g_assert (people->len == 1);
  return g_ptr_array_steal_index (people, 0);
}

gint64
cohort_db_find_member_id (CohortDb    *db,
                          gint64       community,
                          const char  *uid,
                          GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  gint64 id = 0;

  cohort_db_assert_owner (db);
  if (sqlite3_prepare_v2 (db->db, "SELECT id FROM member WHERE community = ?1 AND platform_uid = ?2",
                          -1, &stmt, NULL) != SQLITE_OK)
    return cohort_db_set_sql_error (db, error, "find member"), 0;
  sqlite3_bind_int64 (stmt, 1, community);
  sqlite3_bind_text (stmt, 2, uid, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  if (id == 0)
    g_set_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_NOT_FOUND,
                 "No member %s in community %" G_GINT64_FORMAT, uid, community);
  return id;
}

GPtrArray *
cohort_db_search_memberships (CohortDb    *db,
                              const char  *text,
                              guint        limit,
                              GError     **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify)cohort_membership_free);
  sqlite3_stmt *stmt = NULL;
  int rc;

  cohort_db_assert_owner (db);
  /* instr on lower-cased text: no LIKE wildcards to escape in what the operator typed */
  if (sqlite3_prepare_v2 (db->db,
                          "SELECT " MEMBERSHIP_COLUMNS " FROM member m "
                          "JOIN community c ON c.id = m.community "
                          "WHERE instr (lower (coalesce (m.display_name, m.platform_uid)), lower (?1)) > 0 "
                          "OR m.platform_uid = ?1 "
                          "ORDER BY coalesce (m.display_name, m.platform_uid), c.id, m.id LIMIT ?2",
                          -1, &stmt, NULL) != SQLITE_OK)
    return cohort_db_set_sql_error (db, error, "search members"), NULL;
  sqlite3_bind_text (stmt, 1, text, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (out, membership_from_row (stmt, 0));
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return cohort_db_set_sql_error (db, error, "search members"), NULL;
  return g_steal_pointer (&out);
}

/* ------------------------------------------------------------------------------------------ */
/* Merge, unmerge, undo                                                                        */

static gint64
log_op (CohortDb    *db,
        const char  *sql,
        gint64       member,
        gint64       other,
        GError     **error)
{
  if (!run_bound (db, sql, member, other, error))
    return 0;
  return sqlite3_last_insert_rowid (db->db);
}

gint64
cohort_db_merge_people (CohortDb    *db,
                        gint64       member,
                        gint64       other,
                        GError     **error)
{
  gint64 keep, gone, op;

  if (!begin (db, error))
    return 0;
  if ((keep = person_of (db, member, error)) == 0 || (gone = person_of (db, other, error)) == 0)
    return rollback (db);
  if (keep == gone)
    {
      g_set_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_INVALID_DATA,
                   _("Members %" PRId64 " and %" PRId64 " are one person already."),
                   member, other);
      return rollback (db);
    }
  if (!(op = log_op (db, "INSERT INTO person_op (ts, kind, member, other) "
                         "VALUES (strftime('%s','now'), 'merge', ?1, ?2)", member, other, error)) ||
      !run_bound (db, "INSERT INTO person_move (op, member, old_person, old_manual) "
                      "SELECT ?1, member, person, manual FROM identity WHERE person = ?2",
                  op, gone, error) ||
      !run_bound (db, "UPDATE identity SET person = ?1 WHERE person = ?2", keep, gone, error) ||
      !commit (db, error))
    return rollback (db);
  return op;
}

gint64
cohort_db_unmerge_member (CohortDb    *db,
                          gint64       member,
                          GError     **error)
{
  gint64 person, op, alone;

  if (!begin (db, error))
    return 0;
  if ((person = person_of (db, member, error)) == 0)
    return rollback (db);
  if (cohort_db_query_bound (db, "SELECT count(*) FROM identity WHERE person = ?1", person, 0, 0) < 2)
    {
      g_set_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_INVALID_DATA,
                   _("Member %" PRId64 " is a person of their own already."), member);
      return rollback (db);
    }
  if (!(op = log_op (db, "INSERT INTO person_op (ts, kind, member) "
                         "VALUES (strftime('%s','now'), 'unmerge', ?1)", member, 0, error)) ||
      !run_bound (db, "INSERT INTO person_move (op, member, old_person, old_manual) "
                      "SELECT ?1, member, person, manual FROM identity WHERE member = ?2",
                  op, member, error) ||
      !run_bound (db, "INSERT INTO person DEFAULT VALUES", 0, 0, error))
    return rollback (db);
  /* manual: the rule never puts a newcomer with the same account into this split-off person */
  alone = sqlite3_last_insert_rowid (db->db);
  if (!run_bound (db, "UPDATE identity SET person = ?1, manual = 1 WHERE member = ?2",
                  alone, member, error) ||
      !commit (db, error))
    return rollback (db);
  return op;
}

gboolean
cohort_db_undo_people_op (CohortDb            *db,
                          gint64               op,
                          CohortPeopleOpKind  *kind,
                          GError             **error)
{
  gint64 latest;
  gboolean merge;

  if (!begin (db, error))
    return FALSE;
  latest = cohort_db_query_bound (db, "SELECT max (id) FROM person_op", 0, 0, 0);
  if (latest == 0 || (op != 0 && op != latest))
    {
      g_set_error_literal (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_NOT_FOUND,
                           latest == 0 ? _("There is no merge or unmerge to undo.")
                                       : _("Only the latest merge or unmerge can be undone."));
      return rollback (db);
    }
  merge = cohort_db_query_bound (db, "SELECT kind = 'merge' FROM person_op WHERE id = ?1", latest, 0, 0);
  /* The persons come back with their own ids: AUTOINCREMENT never gave them to anyone else. */
  if (!run_bound (db, "INSERT OR IGNORE INTO person (id) "
                      "SELECT DISTINCT old_person FROM person_move WHERE op = ?1", latest, 0, error) ||
      !run_bound (db, "UPDATE identity SET person = mv.old_person, manual = mv.old_manual "
                      "FROM person_move mv WHERE mv.op = ?1 AND mv.member = identity.member",
                  latest, 0, error) ||
      !run_bound (db, "DELETE FROM person_move WHERE op = ?1", latest, 0, error) ||
      !run_bound (db, "DELETE FROM person_op WHERE id = ?1", latest, 0, error) ||
      !commit (db, error))
    return rollback (db);
  if (kind != NULL)
    *kind = merge ? COHORT_PEOPLE_MERGE : COHORT_PEOPLE_UNMERGE;
  return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* The snapshot of several communities                                                         */

typedef struct
{
  gint64  member;
  gint64  person;
  char   *name;
  gboolean bot;
  gboolean staff;
} MemberRow;

typedef struct
{
  guint  person;      /* snapshot index */
  gint64 start;
  gint64 end;
  guint8 start_kind;
  guint8 end_kind;
} SpanRow;

typedef struct
{
  CohortDb   *db;
  GArray     *members;     /* MemberRow */
  GHashTable *index;       /* member id (into members) → snapshot index + 1 */
  GArray     *spans;       /* SpanRow */
} PeopleLoad;

static void
member_row_clear (MemberRow *row)
{
  g_free (row->name);
}

static CohortSpanStart
span_start_kind (const char *s)
{
  if (g_strcmp0 (s, "rejoin") == 0)
    return COHORT_SPAN_REJOIN;
  if (g_strcmp0 (s, "inferred") == 0)
    return COHORT_SPAN_INFERRED;
  return COHORT_SPAN_JOIN;
}

static CohortSpanEnd
span_end_kind (const char *s)
{
  if (g_strcmp0 (s, "leave") == 0)
    return COHORT_SPAN_LEAVE;
  if (g_strcmp0 (s, "kick") == 0)
    return COHORT_SPAN_KICK;
  return COHORT_SPAN_OPEN;
}

static guint
lookup_index (const PeopleLoad *load,
              gint64            member)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (load->index, &member));
}

static gboolean
load_member_rows (PeopleLoad  *load,
                  gint64       community,
                  GError     **error)
{
  sqlite3_stmt *stmt = cohort_db_prepare_bound (load->db,
                                      "SELECT m.id, i.person, coalesce (m.display_name, m.platform_uid), "
                                      "m.is_bot, m.is_staff FROM member m "
                                      "JOIN identity i ON i.member = m.id "
                                      "WHERE m.community = ?1 ORDER BY m.id", community, 0);
  int rc;

  if (stmt == NULL)
    return cohort_db_set_sql_error (load->db, error, "load people");
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      MemberRow row = { sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1),
                        cohort_db_column_strdup (stmt, 2), sqlite3_column_int (stmt, 3) != 0,
                        sqlite3_column_int (stmt, 4) != 0 };
      g_array_append_val (load->members, row);
    }
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE || cohort_db_set_sql_error (load->db, error, "load people");
}

/* One snapshot member per person, in the order persons first appear; a flag on any of
 * their members is theirs. */
static void
add_persons (PeopleLoad     *load,
             CohortSnapshot *snap)
{
  g_autoptr(GHashTable) persons = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GArray) bot = g_array_new (FALSE, TRUE, sizeof (gboolean));
  g_autoptr(GArray) staff = g_array_new (FALSE, TRUE, sizeof (gboolean));
  g_autoptr(GArray) first = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; i < load->members->len; i++)
    {
      MemberRow *row = &g_array_index (load->members, MemberRow, i);
      guint idx = GPOINTER_TO_UINT (g_hash_table_lookup (persons, &row->person));

      if (idx == 0)
        {
          g_array_append_val (first, i);
          g_array_set_size (bot, first->len);
          g_array_set_size (staff, first->len);
          idx = first->len;
          g_hash_table_insert (persons, &row->person, GUINT_TO_POINTER (idx));
        }
      g_array_index (bot, gboolean, idx - 1) |= row->bot;
      g_array_index (staff, gboolean, idx - 1) |= row->staff;
      g_hash_table_insert (load->index, &row->member, GUINT_TO_POINTER (idx));
    }

  for (guint p = 0; p < first->len; p++)
    {
      MemberRow *row = &g_array_index (load->members, MemberRow, g_array_index (first, guint, p));
      g_autofree char *uid = g_strdup_printf ("person:%" G_GINT64_FORMAT, row->person);

      cohort_snapshot_add_member (snap, uid, row->name, g_array_index (bot, gboolean, p),
                                  g_array_index (staff, gboolean, p));
    }
}

static gboolean
load_span_rows (PeopleLoad  *load,
                gint64       community,
                GError     **error)
{
  sqlite3_stmt *stmt = cohort_db_prepare_bound (load->db,
                                      "SELECT s.member, s.start_ts, s.end_ts, s.start_kind, s.end_kind "
                                      "FROM span s JOIN member m ON m.id = s.member "
                                      "WHERE m.community = ?1", community, 0);
  int rc;

  if (stmt == NULL)
    return cohort_db_set_sql_error (load->db, error, "load spans");
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      guint idx = lookup_index (load, sqlite3_column_int64 (stmt, 0));
      SpanRow row;

      if (idx == 0)
        continue;
      row.person = idx - 1;
      row.start = sqlite3_column_int64 (stmt, 1);
      row.end = sqlite3_column_type (stmt, 2) == SQLITE_NULL ? COHORT_TS_OPEN
                                                             : sqlite3_column_int64 (stmt, 2);
      row.start_kind = span_start_kind ((const char *)sqlite3_column_text (stmt, 3));
      row.end_kind = span_end_kind ((const char *)sqlite3_column_text (stmt, 4));
      g_array_append_val (load->spans, row);
    }
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE || cohort_db_set_sql_error (load->db, error, "load spans");
}

static int
compare_span_rows (gconstpointer a,
                   gconstpointer b)
{
  const SpanRow *x = a, *y = b;

  if (x->person != y->person)
    return x->person < y->person ? -1 : 1;
  if (x->start != y->start)
    return x->start < y->start ? -1 : 1;
  return 0;
}

/* A person is a member while they are in any of the communities: overlapping spans become
 * one, which ends when the last of them does; a later join after a gap is a rejoin. */
static void
add_united_spans (PeopleLoad     *load,
                  CohortSnapshot *snap)
{
  SpanRow cur = { G_MAXUINT, };

  g_array_sort (load->spans, compare_span_rows);
  for (guint i = 0; i <= load->spans->len; i++)
    {
      SpanRow *next = i < load->spans->len ? &g_array_index (load->spans, SpanRow, i) : NULL;

      if (next != NULL && next->person == cur.person && next->start <= cur.end)
        {
          if (next->end > cur.end)
            {
              cur.end = next->end;
              cur.end_kind = next->end_kind;
            }
          continue;
        }
      if (cur.person != G_MAXUINT)
        cohort_snapshot_add_span (snap, cur.person, cur.start, cur.end, cur.start_kind, cur.end_kind);
      if (next == NULL)
        break;
      if (next->person == cur.person && next->start_kind == COHORT_SPAN_JOIN)
        next->start_kind = COHORT_SPAN_REJOIN;
      cur = *next;
    }
}

static guint
person_position (gconstpointer load,
                 gint64        member)
{
  return lookup_index (load, member);
}

/* The snapshot's name lists the communities; its platform is theirs when they share one. */
static CohortSnapshot *
new_people_snapshot (CohortDb      *db,
                     const gint64  *communities,
                     guint          n,
                     GError       **error)
{
  g_autoptr(GString) names = g_string_new (NULL);
  g_autofree char *platform = NULL;
  g_autofree char *tz = NULL;

  for (guint i = 0; i < n; i++)
    {
      sqlite3_stmt *stmt = cohort_db_prepare_bound (db, "SELECT name, platform, tz FROM community WHERE id = ?1",
                                          communities[i], 0);
      gboolean found = stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW;

      if (found)
        {
          const char *p = (const char *)sqlite3_column_text (stmt, 1);

          g_string_append_printf (names, "%s%s", i > 0 ? ", " : "", sqlite3_column_text (stmt, 0));
          if (i == 0)
            {
              platform = g_strdup (p);
              tz = g_strdup ((const char *)sqlite3_column_text (stmt, 2));
            }
          else if (g_strcmp0 (platform, p) != 0)
            {
              g_free (platform);
              platform = g_strdup ("mixed");
            }
        }
      sqlite3_finalize (stmt);
      if (!found)
        {
          g_set_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_NOT_FOUND,
                       "Community %" G_GINT64_FORMAT " does not exist", communities[i]);
          return NULL;
        }
    }
  return cohort_snapshot_new (names->str, platform ? platform : "mixed", tz ? tz : "UTC");
}

CohortSnapshot *
cohort_db_load_people_snapshot (CohortDb            *db,
                                const gint64        *communities,
                                guint                n_communities,
                                CohortPeopleCounts  *counts,
                                GError             **error)
{
  g_autoptr(CohortSnapshot) snap = NULL;
  g_autoptr(GArray) members = g_array_new (FALSE, FALSE, sizeof (MemberRow));
  g_autoptr(GArray) spans = g_array_new (FALSE, FALSE, sizeof (SpanRow));
  g_autoptr(GHashTable) index = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GArray) unique = g_array_new (FALSE, FALSE, sizeof (gint64));
  PeopleLoad load = { db, members, index, spans };

  cohort_db_assert_owner (db);
  g_array_set_clear_func (members, (GDestroyNotify)member_row_clear);
  /* a community named twice is counted once */
  for (guint i = 0; i < n_communities; i++)
    {
      gboolean seen = FALSE;

      for (guint j = 0; j < unique->len && !seen; j++)
        seen = g_array_index (unique, gint64, j) == communities[i];
      if (!seen)
        g_array_append_val (unique, communities[i]);
    }
  communities = (const gint64 *)unique->data;
  n_communities = unique->len;
  if (!(snap = new_people_snapshot (db, communities, n_communities, error)))
    return NULL;

  for (guint i = 0; i < n_communities; i++)
    if (!load_member_rows (&load, communities[i], error))
      return NULL;
  /* The rows stay put from here on: the index points into them. */
  add_persons (&load, snap);
  for (guint i = 0; i < n_communities; i++)
    if (!load_span_rows (&load, communities[i], error))
      return NULL;
  add_united_spans (&load, snap);
  for (guint i = 0; i < n_communities; i++)
    if (!_cohort_db_load_messages (load.db, communities[i], snap, person_position, &load, error))
      return NULL;
  cohort_snapshot_finish (snap);

  if (counts != NULL)
    {
      counts->people = snap->n_members;
      counts->memberships = members->len;
      counts->communities = n_communities;
    }
  return g_steal_pointer (&snap);
}
