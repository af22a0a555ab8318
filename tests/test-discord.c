/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "cohort-test-db.h"
#include "cohort-discord-message.h"
#include "cohort-format.h"
#include "cohort-importer.h"
#include "cohort-store.h"

/*
 * DiscordChatExporter importer tests.  Every expected number below is worked out by hand
 * from the fixtures in tests/data/discord/ (README.md there lists each message).
 */

#define GUILD_ID "112233445566778899"
#define ALICE "300000000000000001"
#define BOB   "300000000000000002"
#define CAROL "300000000000000003"
#define DAVE  "300000000000000004"
#define ERIN  "300000000000000005"
#define BOT   "300000000000000009"

/* ------------------------------------------------------------------------------------- */
/* Fixture: a fresh database in a temporary directory                                    */
/* ------------------------------------------------------------------------------------- */

typedef CohortTestDb Fixture;

/* ------------------------------------------------------------------------------------- */
/* Helpers                                                                               */
/* ------------------------------------------------------------------------------------- */

static char *
fixture_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", "discord", name, NULL);
}

static CohortImportResult *
import_path (CohortDb      *db,
             const char    *path,
             const char    *format,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  CohortImportOptions options = { NULL, format, NULL };

  return cohort_import_file (db, file, &options, NULL, NULL, cancellable, error);
}

static CohortImportResult *
import_ok (CohortDb   *db,
           const char *path)
{
  g_autoptr(GError) error = NULL;
  CohortImportResult *result;

  result = import_path (db, path, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_cmpstr (result->format, ==, "discord");
  return result;
}

static CohortImportResult *
import_fixture (CohortDb   *db,
                const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = fixture_path (name);
  CohortImportResult *result;

  result = import_path (db, path, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_cmpstr (result->format, ==, "discord");
  return result;
}

static CohortCommunityInfo *
find_info (GPtrArray  *list,
           const char *platform_id)
{
  for (guint i = 0; i < list->len; i++)
    {
      CohortCommunityInfo *info = g_ptr_array_index (list, i);

      if (g_strcmp0 (info->platform_id, platform_id) == 0)
        return info;
    }
  g_test_message ("community with platform_id %s not found", platform_id);
  g_assert_not_reached ();
  return NULL;
}

typedef struct
{
  const char *name;
  const char *kind;
  const char *tz;
  gint64 members, posting_members, messages, mechanical_messages, system_messages;
  gint64 joins, leaves, invites, reactions, first_message, last_message;
} Expected;

static void
check_info (const CohortCommunityInfo *info,
            const Expected            *e)
{
  g_assert_cmpstr (info->platform, ==, "discord");
  g_assert_cmpstr (info->name, ==, e->name);
  g_assert_cmpstr (info->kind, ==, e->kind);
  g_assert_cmpstr (info->tz, ==, e->tz);
  g_assert_cmpint (info->members, ==, e->members);
  g_assert_cmpint (info->posting_members, ==, e->posting_members);
  g_assert_cmpint (info->messages, ==, e->messages);
  g_assert_cmpint (info->mechanical_messages, ==, e->mechanical_messages);
  g_assert_cmpint (info->system_messages, ==, e->system_messages);
  g_assert_cmpint (info->joins, ==, e->joins);
  g_assert_cmpint (info->leaves, ==, e->leaves);
  g_assert_cmpint (info->invites, ==, e->invites);
  g_assert_cmpint (info->reactions, ==, e->reactions);
  g_assert_cmpint (info->first_message, ==, e->first_message);
  g_assert_cmpint (info->last_message, ==, e->last_message);
}

/* Every table's row count and every field of every community: equal strings mean
 * "nothing changed". */
static int
member_index (CohortSnapshot *snap,
              const char     *uid)
{
  for (guint i = 0; i < snap->n_members; i++)
    if (g_strcmp0 (snap->member_uid[i], uid) == 0)
      return (int)i;
  g_test_message ("member %s not in the snapshot", uid);
  g_assert_not_reached ();
  return -1;
}

static int
message_at (CohortSnapshot *snap,
            gint64          ts)
{
  for (guint i = 0; i < snap->n_messages; i++)
    if (snap->msg_ts[i] == ts)
      return (int)i;
  g_test_message ("no message at %" G_GINT64_FORMAT, ts);
  g_assert_not_reached ();
  return -1;
}

/* A read-only peek at columns the store API does not expose (edited_ts, forwarded,
 * reaction keys, event refs). */
static char *
sql_text (Fixture    *fx,
          const char *query)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *out = NULL;

  g_assert_cmpint (sqlite3_open_v2 (fx->path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, query, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    out = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return out;
}

static void
assert_sql (Fixture    *fx,
            const char *query,
            const char *expected)
{
  g_autofree char *got = sql_text (fx, query);

  if (g_strcmp0 (got, expected) != 0)
    g_test_message ("query: %s", query);
  g_assert_cmpstr (got, ==, expected);
}

static const Expected general_expected = {
  "Cohort Devs", "GuildTextChat", "UTC",
  6, 5, 12, 4, 4,
  2, 0, 0, 3, 1709287200, 1709467800,
};

/* ------------------------------------------------------------------------------------- */
/* Sniffing                                                                              */
/* ------------------------------------------------------------------------------------- */

static int
sniff_file (const CohortFormat *format,
            const char         *path)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  return format->sniff ((const guchar *)contents, MIN (len, COHORT_SNIFF_SIZE), NULL);
}

static void
test_sniff (void)
{
  const CohortFormat *discord = cohort_formats_find ("discord");
  const CohortFormat *telegram = cohort_formats_find ("telegram");
  static const char * const ours[] = {
    "guild-general.json", "guild-announcements.json", "dm.json", "channel.csv",
    "truncated.json",
  };
  g_autofree char *tg = g_test_build_filename (G_TEST_DIST, "data", "telegram",
                                               "single-supergroup.json", NULL);
  g_autofree char *not_discord = fixture_path ("not-discord.json");
  g_autofree char *general = fixture_path ("guild-general.json");
  const char *quoted = "\"AuthorID\",\"Author\",\"Date\",\"Content\",\"Attachments\",\"Reactions\"\n";
  const char *extra = "AuthorID,Author,Date,Content,Attachments,Reactions,Extra\n";
  const char *header_only = "AuthorID,Author,Date,Content,Attachments,Reactions";
  const char *zip_entries[] = { "result.json", NULL };

  g_assert_nonnull (discord);
  g_assert_cmpstr (discord->name, ==, "discord");
  for (guint i = 0; i < G_N_ELEMENTS (ours); i++)
    {
      g_autofree char *path = fixture_path (ours[i]);
      g_assert_cmpint (sniff_file (discord, path), ==, 95);
    }
  g_assert_cmpint (sniff_file (discord, tg), ==, 0);
  g_assert_cmpint (sniff_file (discord, not_discord), ==, 0);
  /* Telegram's generic score for a JSON object must lose against ours. */
  g_assert_cmpint (sniff_file (telegram, general), <, 95);

  g_assert_cmpint (discord->sniff ((const guchar *)quoted, strlen (quoted), NULL), ==, 95);
  g_assert_cmpint (discord->sniff ((const guchar *)extra, strlen (extra), NULL), ==, 0);
  g_assert_cmpint (discord->sniff ((const guchar *)header_only, strlen (header_only), NULL), ==, 0);
  g_assert_cmpint (discord->sniff ((const guchar *)"", 0, NULL), ==, 0);
  g_assert_cmpint (discord->sniff ((const guchar *)"{}", 2, (const char * const *)zip_entries), ==, 0);
}

/* ------------------------------------------------------------------------------------- */
/* guild-general.json                                                                    */
/* ------------------------------------------------------------------------------------- */

static void
test_guild (Fixture       *fx,
            gconstpointer  data)
{
  g_autoptr(CohortImportResult) result = import_fixture (fx->db, "guild-general.json");
  g_autoptr(GPtrArray) list = cohort_test_list_communities (fx->db);
  CohortCommunityInfo *info;
  g_autoptr(CohortSnapshot) snap = NULL;
  g_autofree char *text = NULL;
  int alice, bot;

  g_assert_cmpuint (list->len, ==, 1);
  info = find_info (list, GUILD_ID);
  check_info (info, &general_expected);
  g_assert_cmpuint (result->community_ids->len, ==, 1);
  g_assert_cmpint (*(gint64 *)result->community_ids->pdata[0], ==, info->id);
  g_assert_cmpint (result->counts.messages_added, ==, 12);
  g_assert_cmpint (result->counts.system_added, ==, 4);
  g_assert_cmpint (result->counts.events_added, ==, 2);

  snap = cohort_test_load_snapshot (fx->db, info->id);
  alice = member_index (snap, ALICE);
  bot = member_index (snap, BOT);
  g_assert_cmpstr (snap->member_name[alice], ==, "Alice W");          /* nickname */
  g_assert_cmpstr (snap->member_name[member_index (snap, BOB)], ==, "bob");
  g_assert_true (snap->member_is_bot[bot]);
  g_assert_false (snap->member_is_bot[alice]);
  g_assert_false (snap->member_is_bot[member_index (snap, ERIN)]);

  /* Kinds and mechanical flags, by timestamp (all offsets and fraction lengths). */
  {
    static const struct { gint64 ts; CohortMessageKind kind; gboolean mech; } want[] = {
      { 1709287200, COHORT_MESSAGE_TEXT, FALSE },     /* 0 fractional digits */
      { 1709287500, COHORT_MESSAGE_TEXT, FALSE },     /* .123 */
      { 1709287800, COHORT_MESSAGE_FILE, FALSE },     /* .1234567-04:00, pdf */
      { 1709288400, COHORT_MESSAGE_IMAGE, FALSE },
      { 1709288700, COHORT_MESSAGE_VIDEO, FALSE },
      { 1709289000, COHORT_MESSAGE_VOICE, FALSE },
      { 1709289300, COHORT_MESSAGE_STICKER, TRUE },
      { 1709289600, COHORT_MESSAGE_LINK, FALSE },
      { 1709373600, COHORT_MESSAGE_TEXT, TRUE },      /* "ok" */
      { 1709467200, COHORT_MESSAGE_TEXT, FALSE },     /* .5 */
      { 1709467500, COHORT_MESSAGE_TEXT, TRUE },      /* 👍👍, -04:00 */
      { 1709467800, COHORT_MESSAGE_TEXT, TRUE },      /* <:cohort:id> */
    };

    g_assert_cmpuint (snap->n_messages, ==, G_N_ELEMENTS (want));
    for (guint i = 0; i < G_N_ELEMENTS (want); i++)
      {
        int m = message_at (snap, want[i].ts);

        g_assert_cmpint (snap->msg_kind[m], ==, want[i].kind);
        g_assert_cmpint (snap->msg_is_mech[m], ==, want[i].mech);
      }
  }

  /* Replies: a Reply with reference type Default, and an old-style reference without type. */
  g_assert_cmpint (snap->msg_reply_member[message_at (snap, 1709287500)], ==, alice);
  g_assert_cmpint (snap->msg_reply_member[message_at (snap, 1709373600)], ==, bot);
  g_assert_cmpint (snap->msg_reply_member[message_at (snap, 1709287200)], ==, -1);
  assert_sql (fx, "SELECT reply_to FROM message WHERE platform_msg_id = '1000000000000000002'",
              "1000000000000000001");
  /* The pin references the pinned message but is no reply. */
  assert_sql (fx, "SELECT coalesce(reply_to, 'none') || ' ' || kind FROM message "
                  "WHERE platform_msg_id = '1000000000000000012'", "none 7");

  text = cohort_db_get_message_text (fx->db, info->id, "1000000000000000002");
  g_assert_cmpstr (text, ==, "Thanks Alice, glad to be here");
  g_clear_pointer (&text, g_free);
  text = cohort_db_get_message_text (fx->db, info->id, "1000000000000000009");
  g_assert_cmpstr (text, ==, "Joined the server.");

  /* Edited, reactions (unicode and custom), joins from GuildMemberJoin, unknown type "46". */
  assert_sql (fx, "SELECT edited_ts FROM message WHERE platform_msg_id = '1000000000000000003'",
              "1709288100");
  assert_sql (fx, "SELECT group_concat(emoji || '=' || count, ' ') FROM "
                  "(SELECT r.emoji, r.count FROM reaction r JOIN message m ON m.id = r.message "
                  "ORDER BY m.ts, r.emoji)",
              "custom:880000000000000001=2 👍=3 🎉=1");
  assert_sql (fx, "SELECT group_concat(x, ' ') FROM (SELECT mb.platform_uid || ':' || e.type || ':' "
                  "|| e.ref || ':' || e.ts AS x FROM event e JOIN member mb ON mb.id = e.member "
                  "ORDER BY e.ts)",
              DAVE ":join:server:1709370000 " ERIN ":join:server:1709371800");
  assert_sql (fx, "SELECT kind || ' ' || text FROM message WHERE platform_msg_id = '1000000000000000013'",
              "7 ");
}

/* ------------------------------------------------------------------------------------- */
/* Two channels of one guild                                                             */
/* ------------------------------------------------------------------------------------- */

static void
test_merge (Fixture       *fx,
            gconstpointer  data)
{
  g_autoptr(CohortImportResult) r1 = import_fixture (fx->db, "guild-general.json");
  g_autoptr(CohortImportResult) r2 = import_fixture (fx->db, "guild-announcements.json");
  g_autoptr(GPtrArray) list = cohort_test_list_communities (fx->db);
  g_autoptr(CohortSnapshot) snap = NULL;
  const Expected merged = {
    "Cohort Devs", "GuildNews", "UTC",
    6, 6, 15, 4, 4,
    2, 0, 0, 4, 1709287200, 1709544600,
  };
  CohortCommunityInfo *info;

  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpint (cohort_db_count (fx->db, "community"), ==, 1);
  info = find_info (list, GUILD_ID);
  check_info (info, &merged);
  g_assert_cmpint (*(gint64 *)r2->community_ids->pdata[0], ==, info->id);
  g_assert_cmpint (r2->counts.messages_added, ==, 3);
  g_assert_cmpint (r2->counts.members_added, ==, 0);

  snap = cohort_test_load_snapshot (fx->db, info->id);
  g_assert_cmpint (snap->msg_reply_member[message_at (snap, 1709544600)], ==,
                   member_index (snap, ALICE));
  g_assert_cmpint (snap->msg_member[message_at (snap, 1709544600)], ==, member_index (snap, ERIN));
}

/* ------------------------------------------------------------------------------------- */
/* dm.json: guild "0"                                                                    */
/* ------------------------------------------------------------------------------------- */

static void
test_dm (Fixture       *fx,
         gconstpointer  data)
{
  g_autoptr(CohortImportResult) result = import_fixture (fx->db, "dm.json");
  g_autoptr(GPtrArray) list = cohort_test_list_communities (fx->db);
  const Expected dm = {
    "Weekend plans", "DirectGroupTextChat", "+02:00",
    2, 1, 1, 0, 3,
    1, 1, 1, 0, 1711951500, 1711951500,
  };

  g_assert_cmpuint (list->len, ==, 1);
  check_info (find_info (list, "dm:445566778899001122"), &dm);
  assert_sql (fx, "SELECT group_concat(x, ' ') FROM (SELECT mb.platform_uid || ':' || e.type || ':' "
                  "|| e.ts AS x FROM event e JOIN member mb ON mb.id = e.member ORDER BY e.ts)",
              BOB ":join:1711951200 " BOB ":leave:1711954800");
}

/* ------------------------------------------------------------------------------------- */
/* channel.csv                                                                           */
/* ------------------------------------------------------------------------------------- */

static char *
csv_key (const char *uid,
         gint64      ts,
         const char *text)
{
  g_autoptr(CohortContentKeys) seen = cohort_content_keys_new ();

  return cohort_import_content_key (seen, uid, ts, text);
}

static void
test_csv (Fixture       *fx,
          gconstpointer  data)
{
  g_autoptr(CohortImportResult) result = import_fixture (fx->db, "channel.csv");
  g_autoptr(GPtrArray) list = cohort_test_list_communities (fx->db);
  g_autoptr(CohortSnapshot) snap = NULL;
  const Expected csv = {
    "channel", NULL, "UTC",
    4, 4, 5, 1, 1,
    1, 0, 0, 3, 1709287200, 1709370600,
  };
  const char *bob_text = "He said \"ship it\"\nand then left for lunch";
  const char *alice_text = "Line one\n\"quoted\" line two\nline three, with comma";
  g_autofree char *bob_key = csv_key (BOB, 1709287260, bob_text);
  g_autofree char *alice_key = csv_key (ALICE, 1709370600, alice_text);
  g_autofree char *text = NULL;
  g_autofree char *query = NULL;
  CohortCommunityInfo *info;

  g_assert_cmpuint (list->len, ==, 1);
  info = find_info (list, "csv:channel");
  check_info (info, &csv);
  g_assert_cmpint (result->counts.messages_added, ==, 5);

  text = cohort_db_get_message_text (fx->db, info->id, bob_key);
  g_assert_cmpstr (text, ==, bob_text);
  g_clear_pointer (&text, g_free);
  text = cohort_db_get_message_text (fx->db, info->id, alice_key);
  g_assert_cmpstr (text, ==, alice_text);

  snap = cohort_test_load_snapshot (fx->db, info->id);
  g_assert_cmpstr (snap->member_name[member_index (snap, BOB)], ==, "bob#1234");
  g_assert_false (snap->member_is_bot[member_index (snap, BOB)]);
  g_assert_cmpint (snap->msg_kind[message_at (snap, 1709287320)], ==, COHORT_MESSAGE_IMAGE);
  g_assert_cmpint (snap->msg_is_mech[message_at (snap, 1709370300)], ==, TRUE);  /* "ok" */
  g_assert_cmpint (snap->msg_is_mech[message_at (snap, 1709287260)], ==, FALSE);
  g_assert_cmpint (snap->msg_reply_member[message_at (snap, 1709287260)], ==, -1);

  query = g_strdup_printf ("SELECT group_concat(r.emoji || '=' || r.count, ' ') FROM reaction r "
                           "JOIN message m ON m.id = r.message WHERE m.platform_msg_id = '%s'",
                           bob_key);
  assert_sql (fx, query, "cohort=1 👍=2");
  assert_sql (fx, "SELECT mb.platform_uid || ':' || e.type || ':' || e.ref || ':' || e.ts "
                  "FROM event e JOIN member mb ON mb.id = e.member",
              DAVE ":join:server:1709370000");
}

/* The same CSV imported twice keeps the same content keys and adds nothing. */
static void
test_csv_keys_stable (Fixture       *fx,
                      gconstpointer  data)
{
  g_autoptr(CohortImportResult) r1 = import_fixture (fx->db, "channel.csv");
  g_autofree char *keys1 = sql_text (fx, "SELECT group_concat(platform_msg_id, ',') FROM "
                                         "(SELECT platform_msg_id FROM message ORDER BY id)");
  g_autofree char *before = cohort_test_describe_db (fx->db);
  g_autoptr(CohortImportResult) r2 = import_fixture (fx->db, "channel.csv");
  g_autofree char *keys2 = sql_text (fx, "SELECT group_concat(platform_msg_id, ',') FROM "
                                         "(SELECT platform_msg_id FROM message ORDER BY id)");
  g_autofree char *after = cohort_test_describe_db (fx->db);

  g_assert_nonnull (keys1);
  g_assert_true (g_str_has_prefix (keys1, "c:"));
  g_assert_cmpstr (keys1, ==, keys2);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpint (r2->counts.messages_added, ==, 0);
  g_assert_cmpint (r2->counts.messages_present, ==, 6);  /* the join line too */
}

/* ------------------------------------------------------------------------------------- */
/* Idempotence                                                                           */
/* ------------------------------------------------------------------------------------- */

static const char * const all_fixtures[] = {
  "guild-general.json", "guild-announcements.json", "dm.json", "channel.csv",
};

static void
test_idempotent (Fixture       *fx,
                 gconstpointer  data)
{
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GPtrArray) list = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (all_fixtures); i++)
    {
      g_autoptr(CohortImportResult) r = import_fixture (fx->db, all_fixtures[i]);
    }
  before = cohort_test_describe_db (fx->db);
  list = cohort_test_list_communities (fx->db);
  g_assert_cmpuint (list->len, ==, 3);

  for (guint i = 0; i < G_N_ELEMENTS (all_fixtures); i++)
    {
      g_autoptr(CohortImportResult) r = import_fixture (fx->db, all_fixtures[i]);

      g_assert_cmpint (r->counts.messages_added, ==, 0);
      g_assert_cmpint (r->counts.system_added, ==, 0);
      g_assert_cmpint (r->counts.members_added, ==, 0);
      g_assert_cmpint (r->counts.events_added, ==, 0);
      g_assert_cmpint (r->counts.reactions_added, ==, 0);
    }
  after = cohort_test_describe_db (fx->db);
  g_assert_cmpstr (before, ==, after);
}

/* ------------------------------------------------------------------------------------- */
/* Broken input                                                                          */
/* ------------------------------------------------------------------------------------- */

static void
assert_import_fails (Fixture      *fx,
                     const char   *path,
                     const char   *format,
                     GQuark        domain,
                     int           code,
                     const char   *needle)
{
  g_autofree char *before = cohort_test_describe_db (fx->db);
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CohortImportResult) result = import_path (fx->db, path, format, NULL, &error);

  g_assert_null (result);
  g_assert_error (error, domain, code);
  if (needle != NULL && strstr (error->message, needle) == NULL)
    {
      g_test_message ("“%s” not in “%s”", needle, error->message);
      g_assert_not_reached ();
    }
  after = cohort_test_describe_db (fx->db);
  g_assert_cmpstr (before, ==, after);
}

static void
test_truncated (Fixture       *fx,
                gconstpointer  data)
{
  g_autofree char *path = fixture_path ("truncated.json");
  g_autoptr(CohortImportResult) r = import_fixture (fx->db, "dm.json");

  assert_import_fails (fx, path, NULL, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_TRUNCATED,
                       "truncated.json");
  /* Nothing of the messages before the cut was kept. */
  g_assert_cmpint (cohort_db_count (fx->db, "community"), ==, 1);
}

static void
test_malformed (Fixture       *fx,
                gconstpointer  data)
{
  g_autofree char *path = fixture_path ("syntax-error.json");

  assert_import_fails (fx, path, NULL, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_MALFORMED,
                       "line 100, column");
  g_assert_cmpint (cohort_db_count (fx->db, "message"), ==, 0);
}

static void
test_not_discord (Fixture       *fx,
                  gconstpointer  data)
{
  g_autofree char *path = fixture_path ("not-discord.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(CohortImportResult) result = NULL;

  /* Forced to Discord: refused with an explanation. */
  assert_import_fails (fx, path, "discord", COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_UNSUPPORTED,
                       "DiscordChatExporter");
  /* Detected: not ours, so some other format (or none) answers, never with a success. */
  result = import_path (fx->db, path, NULL, NULL, &error);
  g_assert_null (result);
  g_assert_nonnull (error);
  g_assert_cmpint (cohort_db_count (fx->db, "community"), ==, 0);
}

static char *
write_temp (Fixture    *fx,
            const char *name,
            const char *contents)
{
  char *path = g_build_filename (fx->dir, name, NULL);

  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
  return path;
}

static void
test_csv_errors (Fixture       *fx,
                 gconstpointer  data)
{
  static const char header[] = "AuthorID,Author,Date,Content,Attachments,Reactions\n";
  g_autofree char *open_quote = g_strconcat (header,
    "\"1\",\"a\",\"2024-03-01T10:00:00.0000000+00:00\",\"fine\",\"\",\"\"\n"
    "\"1\",\"a\",\"2024-03-01T10:01:00.0000000+00:00\",\"never closed\n"
    "more text\n", NULL);
  g_autofree char *after_quote = g_strconcat (header,
    "\"1\",\"a\",\"2024-03-01T10:00:00.0000000+00:00\",\"fine\",\"\",\"\"\n"
    "\"1\",\"a\",\"2024-03-01T10:01:00.0000000+00:00\",\"bad\"x,\"\",\"\"\n", NULL);
  g_autofree char *short_row = g_strconcat (header,
    "\"1\",\"a\",\"2024-03-01T10:00:00.0000000+00:00\",\"fine\"\n", NULL);
  g_autofree char *p1 = write_temp (fx, "open-quote.csv", open_quote);
  g_autofree char *p2 = write_temp (fx, "after-quote.csv", after_quote);
  g_autofree char *p3 = write_temp (fx, "short-row.csv", short_row);
  g_autofree char *p4 = write_temp (fx, "bad-header.csv", "AuthorID,Author,Date\n\"1\",\"a\",\"x\"\n");

  assert_import_fails (fx, p1, NULL, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_TRUNCATED,
                       "line 3");
  assert_import_fails (fx, p2, NULL, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_MALFORMED,
                       "line 3, column 50");
  assert_import_fails (fx, p3, NULL, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_MALFORMED,
                       "line 2");
  assert_import_fails (fx, p4, "discord", COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_UNSUPPORTED,
                       NULL);
  g_assert_cmpint (cohort_db_count (fx->db, "message"), ==, 0);
}

/* Odd but valid input: BOM on the JSON, LF/CR endings in CSV, unknown types, no author. */
static void
test_tolerant (Fixture       *fx,
               gconstpointer  data)
{
  g_autofree char *json = write_temp (fx, "odd.json",
    "\xEF\xBB\xBF{\"guild\":{\"id\":\"5\",\"name\":\"G\"},\"channel\":{\"id\":\"6\",\"type\":\"GuildForum\","
    "\"name\":\"c\"},\"extra\":[1,{\"a\":null}],\"messages\":[42,"
    "{\"id\":\"7\",\"type\":\"SomethingNew\",\"timestamp\":\"2024-01-01T00:00:00Z\",\"content\":\"x\"},"
    "{\"id\":\"8\",\"timestamp\":\"not a date\",\"author\":{\"id\":\"1\"}},"
    "{\"id\":9,\"type\":\"Default\",\"timestamp\":\"2024-01-01T00:01:00.12345678+00:00\","
    "\"author\":{\"id\":\"1\",\"name\":\"n\",\"isBot\":\"yes\"},\"content\":\"hello there friends\","
    "\"reactions\":[{\"emoji\":null,\"count\":3},{\"emoji\":{\"id\":null,\"name\":\"x\"},\"count\":-1}],"
    "\"reference\":{\"type\":\"Forward\",\"messageId\":\"7\"}}],\"messageCount\":3}");
  g_autofree char *csv = write_temp (fx, "cr.csv",
    "AuthorID,Author,Date,Content,Attachments,Reactions\r"
    "\"1\",\"a\",\"2024-03-01T10:00:00.0000000+05:30\",\"one\rtwo\",\"\",\"weird,(x) (2),\"\r"
    "\"2\",\"b\",\"2024-03-01T10:05:00+05:30\",\"three four five\",\"\",\"\"\r");
  g_autoptr(CohortImportResult) r1 = import_ok (fx->db, json);
  g_autoptr(CohortImportResult) r2 = import_ok (fx->db, csv);
  g_autoptr(GPtrArray) list = cohort_test_list_communities (fx->db);
  CohortCommunityInfo *g, *c;

  g = find_info (list, "5");
  g_assert_cmpstr (g->kind, ==, "GuildForum");
  g_assert_cmpint (g->messages, ==, 1);
  g_assert_cmpint (g->system_messages, ==, 1);
  g_assert_cmpint (g->members, ==, 1);
  g_assert_cmpint (g->reactions, ==, 0);
  g_assert_cmpuint (r1->warnings->len, ==, 1);
  assert_sql (fx, "SELECT forwarded || coalesce(reply_to, '-') FROM message WHERE platform_msg_id = '9'",
              "1-");

  c = find_info (list, "csv:cr");
  g_assert_cmpstr (c->tz, ==, "+05:30");
  g_assert_cmpint (c->messages, ==, 2);
  g_assert_cmpint (c->reactions, ==, 1);
  g_assert_cmpint (c->first_message, ==, 1709267400);
}

/* Timestamps are read without GLib when they have the exporter's form, and by GLib's
 * ISO-8601 parser otherwise: both must agree on the instant and on what is not a time. */
static void
test_timestamps (Fixture       *fx,
                 gconstpointer  data)
{
  static const char * const stamps[] = {
    "2024-02-29T23:30:00-01:00",          /* leap day, the next day in UTC */
    "2024-03-01T00:00:00+14:00",          /* the previous day in UTC */
    "2024-03-01T05:45:30.5-05:45",
    "2024-03-01T10:00:00.12345678+00:00", /* 8 fractional digits: GLib's path */
    "2024-03-01T10:00:01Z",
    "2024-03-01T10:00:02",                /* no offset: GLib's path, in UTC */
    "2023-02-29T00:00:00Z",               /* not a day */
    "2024-03-01T24:00:00Z",               /* not an hour */
    "2024-03-01T10:00:03+0",              /* offsets cut short: not read past their end */
    "2024-03-01T10:00:04+08:0",
  };
  static const gint64 want[] = { 1709253000, 1709200800, 1709292630, 1709287200, 1709287201,
                                 1709287202 };
  g_autoptr(GString) json = g_string_new ("{\"guild\":{\"id\":\"5\",\"name\":\"G\"},"
                                          "\"channel\":{\"id\":\"6\",\"name\":\"c\"},\"messages\":[");
  g_autofree char *path = NULL;
  g_autoptr(CohortImportResult) result = NULL;
  g_autoptr(CohortSnapshot) snap = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (stamps); i++)
    g_string_append_printf (json, "%s{\"id\":\"%u\",\"type\":\"Default\",\"timestamp\":\"%s\","
                            "\"author\":{\"id\":\"1\",\"name\":\"a\"},\"content\":\"message %u\"}",
                            i > 0 ? "," : "", i + 1, stamps[i], i + 1);
  g_string_append (json, "]}");
  path = write_temp (fx, "stamps.json", json->str);
  result = import_ok (fx->db, path);

  g_assert_cmpint (result->counts.messages_added, ==, G_N_ELEMENTS (want));
  g_assert_cmpuint (result->warnings->len, ==, G_N_ELEMENTS (stamps) - G_N_ELEMENTS (want));
  snap = cohort_test_load_snapshot (fx->db, *(gint64 *)result->community_ids->pdata[0]);
  for (guint i = 0; i < G_N_ELEMENTS (want); i++)
    message_at (snap, want[i]);
}

/* Members nothing reads are not built (avatarUrl, color, roles, inlineEmojis, …), however
 * deep their values go; the members after them must still arrive, in and out of author. */
static void
test_unread_members (Fixture       *fx,
                     gconstpointer  data)
{
  g_autofree char *json = write_temp (fx, "unread.json",
    "{\"guild\":{\"id\":\"5\",\"name\":\"G\",\"color\":{\"id\":[1,[2]]}},"
    "\"channel\":{\"id\":\"6\",\"type\":\"GuildTextChat\",\"name\":\"c\"},\"messages\":["
    "{\"id\":\"7\",\"isPinned\":true,\"type\":\"Default\",\"timestamp\":\"2024-01-01T00:00:00Z\","
    "\"author\":{\"id\":\"1\",\"color\":\"#ff0000\",\"roles\":[{\"id\":\"9\",\"name\":\"Mod\","
    "\"color\":null,\"position\":{\"x\":[1,{\"isBot\":false}]}}],\"name\":\"robo\",\"isBot\":true,"
    "\"avatarUrl\":\"x\"},\"inlineEmojis\":[{\"id\":\"3\",\"name\":\"a\"},[]],"
    "\"content\":\"build 42 passed on main\",\"callEndedTimestamp\":null,"
    "\"reference\":{\"messageId\":\"6\",\"type\":\"Default\"}},"
    "{\"id\":\"8\",\"type\":\"Default\",\"timestamp\":\"2024-01-01T00:01:00Z\","
    "\"author\":{\"id\":\"2\",\"roles\":[],\"name\":\"ann\",\"isBot\":false},"
    "\"content\":\"thanks for the fix everyone\",\"reactions\":[{\"emoji\":{\"id\":null,"
    "\"name\":\"👍\"},\"count\":2}]}]}");
  g_autoptr(CohortImportResult) result = import_ok (fx->db, json);
  g_autoptr(GPtrArray) list = cohort_test_list_communities (fx->db);
  CohortCommunityInfo *g = find_info (list, "5");

  g_assert_cmpstr (g->name, ==, "G");
  g_assert_cmpint (g->messages, ==, 2);
  g_assert_cmpint (g->members, ==, 2);
  g_assert_cmpint (g->reactions, ==, 1);
  assert_sql (fx, "SELECT group_concat(platform_uid || ':' || display_name || ':' || is_bot, ' ') "
              "FROM (SELECT * FROM member ORDER BY platform_uid)", "1:robo:1 2:ann:0");
  assert_sql (fx, "SELECT coalesce(reply_to, '-') || ' ' || text FROM message WHERE platform_msg_id = '7'",
              "6 build 42 passed on main");
}

/* A skipped member is refused as deep as a built one would be. */
static void
test_unread_member_too_deep (Fixture       *fx,
                             gconstpointer  data)
{
  g_autoptr(GString) text = g_string_new ("{\"guild\":{\"id\":\"5\",\"name\":\"G\"},"
                                          "\"channel\":{\"id\":\"6\",\"name\":\"c\"},"
                                          "\"messages\":[{\"id\":\"9\",\"roles\":");
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CohortImportResult) result = NULL;

  for (int i = 0; i < 5000; i++)
    g_string_append_c (text, '[');
  for (int i = 0; i < 5000; i++)
    g_string_append_c (text, ']');
  g_string_append (text, "}]}");
  path = write_temp (fx, "deep-roles.json", text->str);
  result = import_path (fx->db, path, NULL, NULL, &error);
  g_assert_null (result);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "levels deep"));
  g_assert_cmpint (cohort_db_count (fx->db, "message"), ==, 0);
}

/* A key given twice keeps its last value, as it did when each message was a JsonNode tree;
 * see tests/data/discord/README.md for what each message covers. */
static void
test_repeated_keys (Fixture       *fx,
                    gconstpointer  data)
{
  g_autoptr(CohortImportResult) result = import_fixture (fx->db, "repeated-keys.json");
  g_autofree char *image = g_strdup_printf ("%d", COHORT_MESSAGE_IMAGE);

  assert_sql (fx, "SELECT group_concat(platform_uid || ':' || display_name || ':' || is_bot, ' ') "
              "FROM (SELECT * FROM member ORDER BY platform_uid)", "12345:num:0 9:carl:1");
  assert_sql (fx, "SELECT group_concat(m.platform_msg_id || ':' || r.emoji || ':' || r.count, ' ') "
              "FROM (SELECT * FROM reaction ORDER BY id) r JOIN message m ON m.id = r.message",
              "1:y:3 1:custom:55:4 1:w:2 1:d:5 2:f:2");
  assert_sql (fx, "SELECT group_concat(platform_msg_id || '|' || text || '|' || forwarded || '|' || "
              "coalesce(reply_to, '-') || '|' || coalesce(edited_ts, '-'), ' / ') "
              "FROM (SELECT * FROM message ORDER BY ts)",
              "1|second take|0|-|- / 2|forwarded words|1|-|- / 3|cut at the NUL|0|1|- / "
              "4|numeric ids|0|-|-");
  assert_sql (fx, "SELECT kind FROM message WHERE platform_msg_id = '2'", image);
}

/* Every prefix of a valid export either imports or fails cleanly, leaving no trace. */
static void
test_every_cut (Fixture       *fx,
                gconstpointer  data)
{
  static const char * const names[] = { "guild-general.json", "channel.csv" };

  for (guint n = 0; n < G_N_ELEMENTS (names); n++)
    {
      g_autofree char *path = fixture_path (names[n]);
      g_autofree char *contents = NULL;
      gsize len = 0;
      gsize step;

      g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
      step = MAX (1, len / 150);
      for (gsize cut = 1; cut + 2 < len; cut += step)
        {
          g_autofree char *name = g_strdup_printf ("cut%s", strrchr (names[n], '.'));
          g_autofree char *cut_path = g_build_filename (fx->dir, name, NULL);
          g_autoptr(GError) error = NULL;
          g_autoptr(CohortImportResult) result = NULL;

          g_assert_true (g_file_set_contents (cut_path, contents, cut, NULL));
          result = import_path (fx->db, cut_path, "discord", NULL, &error);
          g_assert_true ((result == NULL) != (error == NULL));
          if (error != NULL)
            {
              g_assert_true (error->domain == COHORT_IMPORT_ERROR);
              g_assert_cmpint (cohort_db_count (fx->db, "message"), ==, 0);
            }
          else
            {
              /* Only a CSV cut at a record boundary can succeed: drop what it added. */
              g_assert_true (g_str_has_suffix (names[n], ".csv"));
              g_clear_pointer (&fx->db, cohort_db_close);
              g_unlink (fx->path);
              fx->db = cohort_db_open (fx->path, FALSE, NULL);
              g_assert_nonnull (fx->db);
            }
        }
    }
}

static void
test_cancel (Fixture       *fx,
             gconstpointer  data)
{
  g_autofree char *path = fixture_path ("guild-general.json");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(CohortImportResult) result = NULL;

  g_cancellable_cancel (cancellable);
  result = import_path (fx->db, path, NULL, cancellable, &error);
  g_assert_null (result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (cohort_db_count (fx->db, "community"), ==, 0);
}

/* ------------------------------------------------------------------------------------- */
/* The reader's key dispatch (a perfect hash of every name any object reads)             */
/* ------------------------------------------------------------------------------------- */

/* One string member of the message object, read as the reader sees it from yajl. */
static void
read_string_member (CohortDiscordReader *r,
                    const char          *key,
                    gsize                key_len,
                    const char          *value)
{
  cohort_discord_reader_begin (r);
  cohort_discord_reader_key (r, key, key_len);
  cohort_discord_reader_string (r, value, strlen (value));
  g_assert_true (cohort_discord_reader_end (r));
}

/* Every name of every object is recognised there and only there, whatever its length
 * (2 to 16 bytes); names that differ in one byte, or only in length, are passed over; a
 * name cut by an escaped NUL is the name before it, as json-glib keeps it. */
static void
test_reader_keys (void)
{
  CohortDiscordReader *r = cohort_discord_reader_new ();
  const CohortDiscordMessage *m = cohort_discord_reader_message (r);
  static const struct { const char *key; gsize offset; } message_strings[] = {
    { "id", G_STRUCT_OFFSET (CohortDiscordMessage, id) },
    { "type", G_STRUCT_OFFSET (CohortDiscordMessage, type) },
    { "timestamp", G_STRUCT_OFFSET (CohortDiscordMessage, timestamp) },
    { "timestampEdited", G_STRUCT_OFFSET (CohortDiscordMessage, timestamp_edited) },
    { "content", G_STRUCT_OFFSET (CohortDiscordMessage, body.content) },
    { "poll", G_STRUCT_OFFSET (CohortDiscordMessage, body.poll) },
  };
  static const char * const not_message_keys[] = {
    "ie", "Id", "i", "types", "typ", "timestampedited", "timestampEditedX", "contenT",
    "name", "nickname", "isBot", "messageId", "fileName", "url", "emoji", "count",
    "forwardedMessageX", "callEndedTimestamp", "",
  };

  for (guint i = 0; i < G_N_ELEMENTS (message_strings); i++)
    {
      const CohortDiscordValue *v = G_STRUCT_MEMBER_P (m, message_strings[i].offset);

      read_string_member (r, message_strings[i].key, strlen (message_strings[i].key), "x1");
      g_assert_cmpstr (cohort_discord_value_string (v), ==, "x1");
    }

  /* A string where the message reads a container is kept as that member's string. */
  read_string_member (r, "forwardedMessage", 16, "s");
  g_assert_cmpint (m->forwarded.self.type, ==, COHORT_DISCORD_STRING);
  read_string_member (r, "attachments", 11, "s");
  g_assert_cmpint (m->body.attachments.type, ==, COHORT_DISCORD_STRING);
  read_string_member (r, "reactions", 9, "s");
  g_assert_cmpint (m->body.reactions.type, ==, COHORT_DISCORD_STRING);

  for (guint i = 0; i < G_N_ELEMENTS (not_message_keys); i++)
    {
      read_string_member (r, not_message_keys[i], strlen (not_message_keys[i]), "x2");
      g_assert_cmpint (m->id.type, ==, COHORT_DISCORD_ABSENT);
      g_assert_cmpint (m->type.type, ==, COHORT_DISCORD_ABSENT);
      g_assert_cmpint (m->timestamp_edited.type, ==, COHORT_DISCORD_ABSENT);
      g_assert_cmpint (m->body.content.type, ==, COHORT_DISCORD_ABSENT);
      g_assert_cmpint (m->forwarded.self.type, ==, COHORT_DISCORD_ABSENT);
    }

  read_string_member (r, "id\0zz", 5, "cut");
  g_assert_cmpstr (cohort_discord_value_string (&m->id), ==, "cut");
  read_string_member (r, "timestampEdited\0", 16, "cut");
  g_assert_cmpstr (cohort_discord_value_string (&m->timestamp_edited), ==, "cut");
  read_string_member (r, "\0id", 3, "none");
  g_assert_cmpint (m->id.type, ==, COHORT_DISCORD_ABSENT);

  /* The author's names, and the message's names not read there. */
  cohort_discord_reader_begin (r);
  cohort_discord_reader_key (r, "author", 6);
  g_assert_true (cohort_discord_reader_start (r, FALSE));
  cohort_discord_reader_key (r, "id", 2);
  cohort_discord_reader_string (r, "42", 2);
  cohort_discord_reader_key (r, "name", 4);
  cohort_discord_reader_string (r, "nm", 2);
  cohort_discord_reader_key (r, "nickname", 8);
  cohort_discord_reader_string (r, "nick", 4);
  cohort_discord_reader_key (r, "isBot", 5);
  cohort_discord_reader_boolean (r, TRUE);
  cohort_discord_reader_key (r, "content", 7);
  cohort_discord_reader_string (r, "not the message's", 17);
  cohort_discord_reader_key (r, "type", 4);
  cohort_discord_reader_string (r, "nor this", 8);
  g_assert_false (cohort_discord_reader_end (r));
  g_assert_true (cohort_discord_reader_end (r));
  g_assert_cmpint (m->author.self.type, ==, COHORT_DISCORD_OBJECT);
  g_assert_cmpstr (cohort_discord_value_string (&m->author.id), ==, "42");
  g_assert_cmpstr (cohort_discord_value_string (&m->author.name), ==, "nm");
  g_assert_cmpstr (cohort_discord_value_string (&m->author.nickname), ==, "nick");
  g_assert_true (cohort_discord_value_true (&m->author.is_bot));
  g_assert_cmpint (m->body.content.type, ==, COHORT_DISCORD_ABSENT);
  g_assert_cmpint (m->type.type, ==, COHORT_DISCORD_ABSENT);

  /* reference, attachments[0], and a reaction with its emoji. */
  cohort_discord_reader_begin (r);
  cohort_discord_reader_key (r, "reference", 9);
  g_assert_true (cohort_discord_reader_start (r, FALSE));
  cohort_discord_reader_key (r, "type", 4);
  cohort_discord_reader_string (r, "Forward", 7);
  cohort_discord_reader_key (r, "messageId", 9);
  cohort_discord_reader_string (r, "7", 1);
  cohort_discord_reader_key (r, "id", 2);
  cohort_discord_reader_string (r, "not read", 8);
  g_assert_false (cohort_discord_reader_end (r));
  cohort_discord_reader_key (r, "attachments", 11);
  g_assert_true (cohort_discord_reader_start (r, TRUE));
  g_assert_true (cohort_discord_reader_start (r, FALSE));
  cohort_discord_reader_key (r, "fileName", 8);
  cohort_discord_reader_string (r, "a.png", 5);
  cohort_discord_reader_key (r, "url", 3);
  cohort_discord_reader_string (r, "u", 1);
  g_assert_false (cohort_discord_reader_end (r));
  g_assert_false (cohort_discord_reader_end (r));
  cohort_discord_reader_key (r, "reactions", 9);
  g_assert_true (cohort_discord_reader_start (r, TRUE));
  g_assert_true (cohort_discord_reader_start (r, FALSE));
  cohort_discord_reader_key (r, "emoji", 5);
  g_assert_true (cohort_discord_reader_start (r, FALSE));
  cohort_discord_reader_key (r, "id", 2);
  cohort_discord_reader_string (r, "55", 2);
  cohort_discord_reader_key (r, "name", 4);
  cohort_discord_reader_string (r, "e", 1);
  g_assert_false (cohort_discord_reader_end (r));
  cohort_discord_reader_key (r, "count", 5);
  cohort_discord_reader_number (r, "3", 1);
  g_assert_false (cohort_discord_reader_end (r));
  g_assert_false (cohort_discord_reader_end (r));
  g_assert_true (cohort_discord_reader_end (r));
  g_assert_cmpstr (cohort_discord_value_string (&m->reference_type), ==, "Forward");
  g_assert_cmpstr (cohort_discord_value_string (&m->reference_message_id), ==, "7");
  g_assert_cmpint (m->id.type, ==, COHORT_DISCORD_ABSENT);
  g_assert_cmpuint (m->body.attachments.length, ==, 1);
  g_assert_cmpstr (cohort_discord_value_string (&m->body.file_name), ==, "a.png");
  g_assert_cmpstr (cohort_discord_value_string (&m->body.url), ==, "u");
  g_assert_cmpuint (m->body.n_reactions, ==, 1);
  {
    const CohortDiscordReaction *reaction = g_ptr_array_index (m->body.reaction_slots, 0);

    g_assert_cmpstr (cohort_discord_value_string (&reaction->emoji_id), ==, "55");
    g_assert_cmpstr (cohort_discord_value_string (&reaction->emoji_name), ==, "e");
    g_assert_cmpint (cohort_discord_value_count (&reaction->count), ==, 3);
  }

  cohort_discord_reader_free (r);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cohort/discord/sniff", test_sniff);
  g_test_add_func ("/cohort/discord/reader-keys", test_reader_keys);
#define ADD(name, func) g_test_add ("/cohort/discord/" name, Fixture, NULL, cohort_test_db_setup, func, cohort_test_db_teardown)
  ADD ("guild", test_guild);
  ADD ("merge", test_merge);
  ADD ("dm", test_dm);
  ADD ("csv", test_csv);
  ADD ("csv-keys-stable", test_csv_keys_stable);
  ADD ("idempotent", test_idempotent);
  ADD ("truncated", test_truncated);
  ADD ("malformed", test_malformed);
  ADD ("not-discord", test_not_discord);
  ADD ("csv-errors", test_csv_errors);
  ADD ("tolerant", test_tolerant);
  ADD ("timestamps", test_timestamps);
  ADD ("every-cut", test_every_cut);
  ADD ("unread-members", test_unread_members);
  ADD ("unread-member-too-deep", test_unread_member_too_deep);
  ADD ("repeated-keys", test_repeated_keys);
  ADD ("cancel", test_cancel);
#undef ADD

  return g_test_run ();
}
