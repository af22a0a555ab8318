/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "cohort-store-private.h"
#include "cohort-store-snapshot.h"
#include "cohort-test-db.h"

/*
 * The member a reply answers, stored with it since schema v12 (message.reply_member): put in
 * place by the writer from its recent senders, found at commit for the rest, taken away with
 * a removed import, found again when its target comes back.  Every case compares the stored
 * members with what the join of v11 finds in the same file, and with the snapshot.
 */

#define T0 1709251200   /* 2024-03-01 00:00 UTC */

typedef struct
{
  const char *id;
  const char *uid;        /* NULL: a message without a member */
  const char *reply_to;
} Msg;

/* One import of the messages of one or more Telegram groups, platform ids "main", "side",
 * …, interleaved a message of each at a time, all in one call (so that 64 and more go
 * through the multi-row statements); its run id. */
static gint64
import_groups (CohortDb           *db,
               const char * const *platform_ids,
               const Msg * const  *groups,
               guint               n_groups,
               guint               n,
               gint64              first_ts)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) pointers = g_ptr_array_new ();
  g_autofree CohortMessageRecord *records = g_new0 (CohortMessageRecord, n * n_groups);
  CohortImportTx *tx = cohort_db_begin_import (db, "replies", "test", &error);
  gint64 run;

  g_assert_no_error (error);
  for (guint g = 0; g < n_groups; g++)
    {
      gint64 community = cohort_import_tx_community (tx, "telegram", platform_ids[g], "Group",
                                                     NULL, "UTC", &error);

      g_assert_no_error (error);
      for (guint i = 0; i < n; i++)
        records[i * n_groups + g] = (CohortMessageRecord) {
          .community = community,
          .platform_msg_id = groups[g][i].id,
          .member_uid = groups[g][i].uid,
          .ts = first_ts + 60 * (gint64)i,
          .kind = COHORT_MESSAGE_TEXT,
          .length = 5,
          .reply_to = groups[g][i].reply_to,
          .text = "hello",
        };
    }
  for (guint i = 0; i < n * n_groups; i++)
    g_ptr_array_add (pointers, &records[i]);
  g_assert_true (cohort_import_tx_messages (tx, (const CohortMessageRecord * const *)pointers->pdata,
                                            pointers->len, &error));
  g_assert_no_error (error);
  run = cohort_import_tx_get_run (tx);
  g_assert_true (cohort_import_tx_commit (tx, &error));
  g_assert_no_error (error);
  return run;
}

static gint64
import_messages (CohortDb   *db,
                 const char *platform_id,
                 const Msg  *msgs,
                 guint       n,
                 gint64      first_ts)
{
  return import_groups (db, &platform_id, &msgs, 1, n, first_ts);
}

/* Column `column` of every row of sql, joined by spaces. */
static char *
query_column (const char *path,
              const char *sql,
              int         column)
{
  g_autoptr(GString) out = g_string_new (NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (out, "%s%s", out->len > 0 ? " " : "",
                            (const char *)sqlite3_column_text (stmt, column));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static char *
query_text (const char *path,
            const char *sql)
{
  return query_column (path, sql, 0);
}

/* "reply>member" for every reply of the file, in (community, id) order: what is stored... */
static char *
stored_replies (const char *path)
{
  return query_text (path,
                     "SELECT c.platform_id || ':' || m.platform_msg_id || '>' || "
                     "coalesce (u.platform_uid, '-') FROM message m "
                     "JOIN community c ON c.id = m.community "
                     "LEFT JOIN member u ON u.id = m.reply_member "
                     "WHERE m.reply_to IS NOT NULL ORDER BY m.community, m.id");
}

/* ... and what looking each target up finds, as schema v11 did. */
static char *
joined_replies (const char *path)
{
  return query_text (path,
                     "SELECT c.platform_id || ':' || m.platform_msg_id || '>' || "
                     "coalesce (u.platform_uid, '-') FROM message m "
                     "JOIN community c ON c.id = m.community "
                     "LEFT JOIN message r ON r.platform_msg_id = m.reply_to "
                     "  AND r.community = m.community "
                     "LEFT JOIN member u ON u.id = r.member "
                     "WHERE m.reply_to IS NOT NULL ORDER BY m.community, m.id");
}

/* The replies a commit will look at again: those whose target has no member here (yet). */
static char *
unresolved_replies (const char *path)
{
  return query_text (path,
                     "SELECT platform_msg_id FROM message INDEXED BY message_reply_unresolved "
                     "WHERE community > 0 AND reply_to IS NOT NULL AND reply_member IS NULL "
                     "ORDER BY id");
}

/* "sender>member" for each reply of the community's snapshot, in time order. */
static char *
snapshot_replies (CohortDb *db,
                  gint64    community)
{
  g_autoptr(CohortSnapshot) snap = cohort_test_load_snapshot (db, community);
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < snap->n_messages; i++)
    if (snap->msg_reply_member[i] >= 0)
      g_string_append_printf (out, "%s%s>%s", out->len > 0 ? " " : "",
                              snap->member_uid[snap->msg_member[i]],
                              snap->member_uid[snap->msg_reply_member[i]]);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
assert_stored_as_joined (const char *path,
                         const char *expected)
{
  g_autofree char *stored = stored_replies (path);
  g_autofree char *joined = joined_replies (path);

  g_assert_cmpstr (stored, ==, expected);
  g_assert_cmpstr (joined, ==, expected);
}

/* 200 messages of four senders, each sixth one answering the one before it, each 50th the
 * first message, which the writer has forgotten by then only when its table is small; two
 * groups in one import with the same ids, their senders swapped, so that a reply must find
 * its own group's target. */
static Msg *
make_chat (gboolean swapped,
           GPtrArray *strings)
{
  static const char * const senders[] = { "ann", "ben", "cy", "dee" };
  Msg *msgs = g_new0 (Msg, 200);

  for (guint i = 0; i < 200; i++)
    {
      char *id = g_strdup_printf ("%u", i + 1);
      char *reply = NULL;

      if (i > 0 && i % 50 == 0)
        reply = g_strdup ("1");
      else if (i > 0 && i % 6 == 0)
        reply = g_strdup_printf ("%u", i);
      g_ptr_array_add (strings, id);
      if (reply != NULL)
        g_ptr_array_add (strings, reply);
      msgs[i] = (Msg) { id, senders[(i + (swapped ? 2 : 0)) % 4], reply };
    }
  return msgs;
}

/* The writer's way and the commit's way give the same members, the join's; the snapshot
 * shows them. */
static void
test_one_import (CohortTestDb  *fx,
                 gconstpointer  data)
{
  static const char * const groups[] = { "main", "side" };
  guint bits = GPOINTER_TO_UINT (data);
  g_autoptr(GPtrArray) strings = g_ptr_array_new_with_free_func (g_free);
  g_autofree Msg *main_chat = make_chat (FALSE, strings);
  g_autofree Msg *side_chat = make_chat (TRUE, strings);
  const Msg *chats[] = { main_chat, side_chat };
  g_autofree char *stored = NULL, *joined = NULL, *unresolved = NULL, *replies = NULL;
  g_autoptr(GPtrArray) communities = NULL;

  _cohort_db_set_recent_sender_bits (bits);
  import_groups (fx->db, groups, chats, 2, 200, T0);
  _cohort_db_set_recent_sender_bits (16);

  stored = stored_replies (fx->path);
  joined = joined_replies (fx->path);
  g_assert_cmpstr (stored, ==, joined);
  /* the 7th message answers the 6th (ben's in main, dee's in side), the 51st the first */
  g_assert_nonnull (strstr (stored, "main:7>ben main:13>dee"));
  g_assert_nonnull (strstr (stored, "main:51>ann"));
  g_assert_nonnull (strstr (stored, "side:7>dee side:13>ben"));
  g_assert_nonnull (strstr (stored, "side:51>cy"));
  unresolved = unresolved_replies (fx->path);
  g_assert_cmpstr (unresolved, ==, "");

  communities = cohort_test_list_communities (fx->db);
  g_assert_cmpuint (communities->len, ==, 2);
  replies = snapshot_replies (fx->db, 1);
  /* message 7 is cy's, 13 ann's, 51 cy's */
  g_assert_true (g_str_has_prefix (replies, "cy>ben ann>dee"));
  g_assert_nonnull (strstr (replies, "cy>ann"));
}

/* A reply imported before its target answers nobody until the target comes; removing the
 * target's import takes the member away again, and importing it again brings it back. */
static void
test_target_in_another_import (CohortTestDb  *fx,
                               gconstpointer  data)
{
  static const Msg replies[] = {
    { "20", "ben", "10" },
    { "21", "cy", "11" },
    { "22", "ann", "99" },        /* a target no export holds */
  };
  static const Msg targets[] = {
    { "10", "ann", NULL },
    { "11", NULL, NULL },         /* a message without a member */
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *unresolved = NULL, *after_removal = NULL, *snapshot = NULL;
  gint64 run;

  import_messages (fx->db, "g", replies, G_N_ELEMENTS (replies), T0 + 3600);
  assert_stored_as_joined (fx->path, "g:20>- g:21>- g:22>-");
  unresolved = unresolved_replies (fx->path);
  g_assert_cmpstr (unresolved, ==, "20 21 22");

  run = import_messages (fx->db, "g", targets, G_N_ELEMENTS (targets), T0);
  assert_stored_as_joined (fx->path, "g:20>ann g:21>- g:22>-");
  g_clear_pointer (&unresolved, g_free);
  unresolved = unresolved_replies (fx->path);
  g_assert_cmpstr (unresolved, ==, "21 22");
  snapshot = snapshot_replies (fx->db, 1);
  g_assert_cmpstr (snapshot, ==, "ben>ann");

  g_assert_true (cohort_db_remove_import (fx->db, run, NULL, &error));
  g_assert_no_error (error);
  assert_stored_as_joined (fx->path, "g:20>- g:21>- g:22>-");
  after_removal = unresolved_replies (fx->path);
  g_assert_cmpstr (after_removal, ==, "20 21 22");
  g_clear_pointer (&snapshot, g_free);
  snapshot = snapshot_replies (fx->db, 1);
  g_assert_cmpstr (snapshot, ==, "");

  import_messages (fx->db, "g", targets, G_N_ELEMENTS (targets), T0);
  assert_stored_as_joined (fx->path, "g:20>ann g:21>- g:22>-");
}

/* Removing an import whose replies went with it, or whose targets stayed, leaves every other
 * reply as it was. */
static void
test_remove_replies_import (CohortTestDb  *fx,
                            gconstpointer  data)
{
  static const Msg first[] = {
    { "1", "ann", NULL },
    { "2", "ben", "1" },
  };
  static const Msg second[] = {
    { "3", "cy", "1" },
    { "4", "ann", "2" },
  };
  g_autoptr(GError) error = NULL;
  gint64 run;

  import_messages (fx->db, "g", first, G_N_ELEMENTS (first), T0);
  run = import_messages (fx->db, "g", second, G_N_ELEMENTS (second), T0 + 600);
  assert_stored_as_joined (fx->path, "g:2>ann g:3>ann g:4>ben");
  g_assert_true (cohort_db_remove_import (fx->db, run, NULL, &error));
  g_assert_no_error (error);
  assert_stored_as_joined (fx->path, "g:2>ann");
}

/* Each commit looks for unresolved replies (cohort_db_resolve_replies ()): on the partial
 * index that holds only them, never by reading the community's messages. */
static void
test_resolution_plan (CohortTestDb  *fx,
                      gconstpointer  data)
{
  static const Msg one[] = { { "1", "ann", NULL } };
  g_autofree char *plan = NULL;

  import_messages (fx->db, "g", one, 1, T0);
  plan = query_column (fx->path,
                       "EXPLAIN QUERY PLAN UPDATE message SET reply_member = (SELECT r.member "
                       "FROM message r WHERE r.platform_msg_id = message.reply_to AND "
                       "r.community = message.community) WHERE community = 1 AND reply_to IS "
                       "NOT NULL AND reply_member IS NULL AND EXISTS (SELECT 1 FROM message r "
                       "WHERE r.platform_msg_id = message.reply_to AND r.community = "
                       "message.community AND r.member IS NOT NULL)", 3);
  g_assert_true (g_str_has_prefix (plan, "SEARCH message USING INDEX message_reply_unresolved "
                                         "(community=?)"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn, data) \
  g_test_add ("/cohort/reply-members/" path, CohortTestDb, data, cohort_test_db_setup, fn, \
              cohort_test_db_teardown)
  ADD ("one-import", test_one_import, GUINT_TO_POINTER (16));
  ADD ("one-import-small-table", test_one_import, GUINT_TO_POINTER (3));
  ADD ("one-import-at-commit", test_one_import, GUINT_TO_POINTER (0));
  ADD ("target-in-another-import", test_target_in_another_import, NULL);
  ADD ("remove-replies-import", test_remove_replies_import, NULL);
  ADD ("resolution-plan", test_resolution_plan, NULL);
#undef ADD
  return g_test_run ();
}
