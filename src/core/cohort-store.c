/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-store"

#include "config.h"

#include "cohort-store-private.h"

#include "cohort-backup.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <string.h>

/*
 * The store.  SQL lives here and nowhere else.  Every statement is prepared with bound
 * parameters; the few statements that are built with a table name use a fixed whitelist.
 */

enum {
  STMT_COMMUNITY_GET,
  STMT_COMMUNITY_INSERT,
  STMT_COMMUNITY_UPDATE,
  STMT_MEMBER_GET,
  STMT_MEMBER_INSERT,
  STMT_MEMBER_RENAME,
  STMT_MESSAGE_INSERT,
  STMT_MESSAGE_INSERT_4,
  STMT_MESSAGE_INSERT_16,
  STMT_MESSAGE_INSERT_64,
  STMT_MESSAGE_RUN,
  STMT_MESSAGE_ID,
  STMT_REACTION_UPSERT,
  STMT_EVENT_INSERT,
  STMT_INVITE_INSERT,
  N_STMTS
};

/* One slot of the table of recent senders: a message's (community, platform id) hashed, and
 * its member id (0 for a message without one). */
typedef struct
{
  guint64 key;
  gint64  member;
} RecentSender;

struct _CohortImportTx
{
  CohortDb          *db;
  sqlite3_stmt      *stmts[N_STMTS];
  GHashTable        *member_ids;   /* community → (uid → MemberEntry) seen in this import */
  GHashTable        *last_members; /* borrowed from member_ids: last_community's */
  gint64             last_community;
  GHashTable        *touched;      /* community ids (gint64*) whose spans need rebuilding */
  gboolean           wall_clock;   /* this file's times carry no offset */
  GHashTable        *shifts;       /* community → ZoneShift, for wall-clock times read in
                                    * another zone than the community's */
  GArray            *created_wall_clock;  /* gint64: new communities with wall-clock times */
  gint64             run_id;
  gint64             started_us;   /* monotonic, for the run's duration */
  char              *options;      /* how the file was read, to re-run it the same way */
  CohortImportCounts counts;
  gint64             n_times;      /* message and event times seen, and their span */
  gint64             first_ts;
  gint64             last_ts;
  gboolean           open;
  gboolean           indexes_deferred;  /* the message indexes are built at commit */
  RecentSender      *recent;       /* the senders of the latest messages, by id (reply_member) */
  guint              recent_bits;  /* 2^recent_bits slots */
  gboolean           reply_members;  /* the schema has message.reply_member */
  gboolean           order_judged;      /* keep_indexes_if_ordered () has looked */
  gboolean           carries_schema;    /* a new file's schema is in this transaction too */
};

/* Rows of one multi-row message INSERT: cohort_import_tx_messages () writes the import pipe's
 * batches MESSAGE_ROWS at a time.  One statement per message cost ≈ 12k instructions in
 * sqlite3_step, much of it opening, seeking and closing a cursor on every B-tree for one row;
 * 64 rows a statement keep the cursors open and seek from where the last row went.  What is
 * left of a batch goes 16 and 4 rows at a time: one at a time, the last 0–63 messages of each
 * batch of the pipe (5 % of 100k Telegram messages) cost the writer 6 % of its instructions. */
#define MESSAGE_ROWS     64
/* The columns of a message row, reply_member last: a database opened at a schema before v12
 * (the migration tests write such files) has no reply_member, and its rows one column less. */
#define MESSAGE_COLUMNS  14
#define MESSAGE_COLUMN_LIST \
  "INSERT OR IGNORE INTO message (community, member, platform_msg_id, ts, kind, length, reply_to, " \
  "forwarded, edited_ts, is_mech, mech_reason, text, import_run"
#define REPLY_MEMBER_SCHEMA 12

/* A file of an older schema, which the migration tests write, has no message.reply_member. */
static gboolean
stores_reply_members (CohortDb *db)
{
  return cohort_db_schema_version (db) >= REPLY_MEMBER_SCHEMA;
}

static const char *stmt_sql[N_STMTS] = {
  [STMT_COMMUNITY_GET] = "SELECT id, tz FROM community WHERE platform = ?1 AND platform_id = ?2",
  [STMT_COMMUNITY_INSERT] =
    "INSERT INTO community (platform, platform_id, name, kind, tz, created_ts, import_run, wall_clock) "
    "VALUES (?1, ?2, ?3, ?4, ?5, strftime('%s','now'), ?6, ?7)",
  [STMT_COMMUNITY_UPDATE] = "UPDATE community SET name = ?2, kind = coalesce(?3, kind) WHERE id = ?1",
  [STMT_MEMBER_GET] = "SELECT id, display_name FROM member WHERE community = ?1 AND platform_uid = ?2",
  [STMT_MEMBER_INSERT] =
    "INSERT INTO member (community, platform_uid, display_name, is_bot, import_run) "
    "VALUES (?1, ?2, ?3, ?4, ?5)",
  [STMT_MEMBER_RENAME] = "UPDATE member SET display_name = ?2, is_bot = max(is_bot, ?3) WHERE id = ?1",
  /* STMT_MESSAGE_INSERT*: message_insert_sql () */
  [STMT_MESSAGE_RUN] =
    "SELECT import_run, id FROM message WHERE community = ?1 AND platform_msg_id = ?2",
  [STMT_MESSAGE_ID] = "SELECT id FROM message WHERE community = ?1 AND platform_msg_id = ?2",
  /* One row of VALUES, not INSERT … SELECT: a statement that may write several rows keeps a
   * statement journal of the pages it touches (the reaction's message is looked up first:
   * 22k → 19k instructions a reaction). */
  [STMT_REACTION_UPSERT] =
    "INSERT INTO reaction (message, emoji, count, import_run) VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT (message, emoji) DO UPDATE SET count = excluded.count WHERE count != excluded.count",
  [STMT_EVENT_INSERT] =
    "INSERT OR IGNORE INTO event (community, member, ts, type, ref, import_run) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
  [STMT_INVITE_INSERT] =
    "INSERT OR IGNORE INTO invite (community, inviter, invitee, ts, channel, import_run) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
};

/* ------------------------------------------------------------------------------------------ */
/* Schema.  Released steps are never edited; a new version appends a step.                   */

static const char migration_v1[] =
  "CREATE TABLE community ("
  "  id INTEGER PRIMARY KEY,"
  "  platform TEXT NOT NULL,"
  "  platform_id TEXT NOT NULL,"
  "  name TEXT NOT NULL,"
  "  kind TEXT,"
  "  tz TEXT NOT NULL DEFAULT 'UTC',"
  "  week_start INTEGER NOT NULL DEFAULT 1,"
  "  positioning TEXT,"
  "  rules TEXT,"
  "  welcome TEXT,"
  "  created_ts INTEGER,"
  "  UNIQUE (platform, platform_id));"
  "CREATE TABLE member ("
  "  id INTEGER PRIMARY KEY,"
  "  community INTEGER NOT NULL REFERENCES community (id) ON DELETE CASCADE,"
  "  platform_uid TEXT NOT NULL,"
  "  display_name TEXT,"
  "  is_bot INTEGER NOT NULL DEFAULT 0,"
  "  is_staff INTEGER NOT NULL DEFAULT 0,"
  "  role TEXT,"
  "  first_seen INTEGER,"
  "  last_seen INTEGER,"
  "  inviter INTEGER REFERENCES member (id) ON DELETE SET NULL,"
  "  join_channel TEXT,"
  "  UNIQUE (community, platform_uid));"
  "CREATE TABLE span ("
  "  id INTEGER PRIMARY KEY,"
  "  member INTEGER NOT NULL REFERENCES member (id) ON DELETE CASCADE,"
  "  start_ts INTEGER NOT NULL,"
  "  end_ts INTEGER,"
  "  start_kind TEXT NOT NULL CHECK (start_kind IN ('join', 'rejoin', 'inferred')),"
  "  end_kind TEXT CHECK (end_kind IN ('leave', 'kick')));"
  "CREATE INDEX span_member ON span (member);"
  "CREATE TABLE import_run ("
  "  id INTEGER PRIMARY KEY,"
  "  source TEXT NOT NULL,"
  "  sha256 TEXT,"
  "  format TEXT,"
  "  status TEXT NOT NULL,"
  "  started_ts INTEGER,"
  "  finished_ts INTEGER,"
  "  communities INTEGER,"
  "  members_added INTEGER,"
  "  messages_added INTEGER,"
  "  events_added INTEGER,"
  "  error TEXT);"
  "CREATE TABLE message ("
  "  id INTEGER PRIMARY KEY,"
  "  community INTEGER NOT NULL REFERENCES community (id) ON DELETE CASCADE,"
  "  member INTEGER REFERENCES member (id) ON DELETE SET NULL,"
  "  platform_msg_id TEXT NOT NULL,"
  "  ts INTEGER NOT NULL,"
  "  kind INTEGER NOT NULL,"
  "  length INTEGER NOT NULL DEFAULT 0,"
  "  reply_to TEXT,"
  "  mentions TEXT,"
  "  forwarded INTEGER NOT NULL DEFAULT 0,"
  "  edited_ts INTEGER,"
  "  is_mech INTEGER NOT NULL DEFAULT 0,"
  "  mech_reason TEXT,"
  "  text TEXT,"
  "  import_run INTEGER REFERENCES import_run (id) ON DELETE SET NULL,"
  "  UNIQUE (community, platform_msg_id));"
  "CREATE INDEX message_community_ts ON message (community, ts);"
  "CREATE INDEX message_member ON message (member);"
  "CREATE TABLE reaction ("
  "  id INTEGER PRIMARY KEY,"
  "  message INTEGER NOT NULL REFERENCES message (id) ON DELETE CASCADE,"
  "  emoji TEXT NOT NULL,"
  "  count INTEGER NOT NULL CHECK (count >= 0),"
  "  reactor INTEGER REFERENCES member (id) ON DELETE SET NULL,"
  "  UNIQUE (message, emoji));"
  "CREATE TABLE event ("
  "  id INTEGER PRIMARY KEY,"
  "  community INTEGER NOT NULL REFERENCES community (id) ON DELETE CASCADE,"
  "  member INTEGER NOT NULL REFERENCES member (id) ON DELETE CASCADE,"
  "  ts INTEGER NOT NULL,"
  "  type TEXT NOT NULL,"
  "  campaign TEXT,"
  "  ref TEXT,"
  "  payload TEXT,"
  "  import_run INTEGER REFERENCES import_run (id) ON DELETE SET NULL,"
  "  UNIQUE (community, member, ts, type));"
  "CREATE INDEX event_member ON event (member, ts);"
  "CREATE TABLE invite ("
  "  id INTEGER PRIMARY KEY,"
  "  community INTEGER NOT NULL REFERENCES community (id) ON DELETE CASCADE,"
  "  inviter INTEGER NOT NULL REFERENCES member (id) ON DELETE CASCADE,"
  "  invitee INTEGER NOT NULL REFERENCES member (id) ON DELETE CASCADE,"
  "  ts INTEGER NOT NULL,"
  "  campaign TEXT,"
  "  channel TEXT,"
  "  UNIQUE (inviter, invitee, ts));";

/* v2: spans and first/last-seen look up a member's earliest and latest message; an index on
 * (member, ts) answers that directly instead of scanning all of the member's messages. */
static const char migration_v2[] =
  "DROP INDEX message_member;"
  "CREATE INDEX message_member_ts ON message (member, ts);";

/* v3: the Imports page lists every run, failed ones too, and removing a run removes exactly
 * what it added, so every row an import can add records its run.  A community whose exports
 * carry wall-clock times without offsets (WhatsApp, QQ and WeChat text) says so: changing its
 * zone later moves those times with it. */
static const char migration_v3[] =
  "ALTER TABLE community ADD COLUMN import_run INTEGER REFERENCES import_run (id) ON DELETE SET NULL;"
  "ALTER TABLE community ADD COLUMN wall_clock INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE member ADD COLUMN import_run INTEGER REFERENCES import_run (id) ON DELETE SET NULL;"
  "ALTER TABLE invite ADD COLUMN import_run INTEGER REFERENCES import_run (id) ON DELETE SET NULL;"
  "ALTER TABLE reaction ADD COLUMN import_run INTEGER REFERENCES import_run (id) ON DELETE SET NULL;"
  "ALTER TABLE import_run ADD COLUMN system_added INTEGER;"
  "ALTER TABLE import_run ADD COLUMN invites_added INTEGER;"
  "ALTER TABLE import_run ADD COLUMN reactions_added INTEGER;"
  "ALTER TABLE import_run ADD COLUMN messages_present INTEGER;"
  "ALTER TABLE import_run ADD COLUMN duration_ms INTEGER;"
  "ALTER TABLE import_run ADD COLUMN options TEXT;"
  "CREATE INDEX member_import_run ON member (import_run);"
  "CREATE INDEX message_import_run ON message (import_run);"
  "CREATE INDEX event_import_run ON event (import_run);"
  "CREATE INDEX invite_import_run ON invite (import_run);"
  "CREATE INDEX reaction_import_run ON reaction (import_run);";

/* v4: generic CSV imports (issue 3).  orders holds the purchases of METRICS.md §0.1, keyed by
 * the shop's order id or a content key so that re-importing adds nothing; csv_mapping
 * remembers which column is which, keyed by the signature of the header row. */
static const char migration_v4[] =
  "CREATE TABLE orders ("
  "  id INTEGER PRIMARY KEY,"
  "  community INTEGER NOT NULL REFERENCES community (id) ON DELETE CASCADE,"
  "  platform_order_id TEXT NOT NULL,"
  "  member INTEGER REFERENCES member (id) ON DELETE SET NULL,"
  "  ts INTEGER NOT NULL,"
  "  amount REAL NOT NULL,"
  "  status TEXT NOT NULL CHECK (status IN ('paid', 'refunded', 'cancelled')),"
  "  campaign TEXT,"
  "  channel TEXT,"
  "  import_run INTEGER REFERENCES import_run (id) ON DELETE SET NULL,"
  "  UNIQUE (community, platform_order_id));"
  "CREATE INDEX orders_member_ts ON orders (member, ts);"
  "CREATE TABLE csv_mapping ("
  "  signature TEXT PRIMARY KEY,"
  "  mapping TEXT NOT NULL,"
  "  updated_ts INTEGER);";

/* v5: the operator's own labels (METRICS.md §0.1, DESIGN.md §3): tags shared by every
 * community, a member's tags and dated notes, and the external reach that makes a KOL. */
static const char migration_v5[] =
  "CREATE TABLE tag ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL UNIQUE);"
  "CREATE TABLE member_tag ("
  "  member INTEGER NOT NULL REFERENCES member (id) ON DELETE CASCADE,"
  "  tag INTEGER NOT NULL REFERENCES tag (id) ON DELETE CASCADE, PRIMARY KEY (member, tag));"
  "CREATE INDEX member_tag_tag ON member_tag (tag);"
  "CREATE TABLE note ("
  "  id INTEGER PRIMARY KEY,"
  "  member INTEGER NOT NULL REFERENCES member (id) ON DELETE CASCADE,"
  "  ts INTEGER NOT NULL,"
  "  text TEXT NOT NULL);"
  "CREATE INDEX note_member ON note (member, ts);"
  "ALTER TABLE member ADD COLUMN reach INTEGER;";

/* v6: online sources (Discourse, WeCom, chatlog) and the statistics their platforms report
 * about themselves.  A source's secret is never here: `uid` is the key of its keyring entry.
 * platform_stats keeps the platform's own numbers raw, next to ours (METRICS.md §11); `scope`
 * names what a value is about when it is not the whole community (a user, a group owner).
 * Some numbers belong to no one group (WeCom reports per group owner): those rows have no
 * community and are keyed by their source instead. */
static const char migration_v6[] =
  "CREATE TABLE source ("
  "  id INTEGER PRIMARY KEY,"
  "  uid TEXT NOT NULL UNIQUE,"
  "  kind TEXT NOT NULL CHECK (kind IN ('discourse', 'wecom', 'chatlog')),"
  "  name TEXT NOT NULL UNIQUE,"
  "  base_url TEXT NOT NULL,"
  "  username TEXT,"
  "  cursor TEXT NOT NULL DEFAULT '{}',"
  "  last_sync INTEGER,"
  "  status TEXT NOT NULL DEFAULT 'never',"
  "  error TEXT,"
  "  created_ts INTEGER);"
  "CREATE TABLE platform_stats ("
  "  id INTEGER PRIMARY KEY,"
  "  community INTEGER REFERENCES community (id) ON DELETE CASCADE,"
  "  source INTEGER REFERENCES source (id) ON DELETE CASCADE,"
  "  metric TEXT NOT NULL,"
  "  day TEXT NOT NULL,"
  "  scope TEXT NOT NULL DEFAULT '',"
  "  value REAL,"
  "  raw TEXT,"
  "  CHECK (community IS NOT NULL OR source IS NOT NULL));"
  "CREATE UNIQUE INDEX platform_stats_community ON platform_stats (community, metric, day, scope) "
  "  WHERE community IS NOT NULL;"
  "CREATE UNIQUE INDEX platform_stats_source ON platform_stats (source, metric, day, scope) "
  "  WHERE community IS NULL;";

/* v7: community settings (issue 4).  community_setting holds the thresholds an operator
 * changed, one row per setting that differs from its METRICS.md §B default (the week start
 * keeps its v1 column).  mech_rule holds the community's additions to and removals from the
 * mechanical-reply lists (METRICS.md §A), as normalised texts; AUTOINCREMENT so that a rule's
 * id is never reused and a changed rule set always looks changed. */
static const char migration_v7[] =
  "CREATE TABLE community_setting ("
  "  community INTEGER NOT NULL REFERENCES community (id) ON DELETE CASCADE,"
  "  key TEXT NOT NULL,"
  "  value TEXT NOT NULL,"
  "  PRIMARY KEY (community, key));"
  "CREATE TABLE mech_rule ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  community INTEGER NOT NULL REFERENCES community (id) ON DELETE CASCADE,"
  "  text TEXT NOT NULL,"
  "  mechanical INTEGER NOT NULL CHECK (mechanical IN (0, 1)),"
  "  created_ts INTEGER,"
  "  UNIQUE (community, text));";

/* v8: the same human across communities (DESIGN.md §3 person, identity; issue 4).  Every
 * member belongs to exactly one person through identity.  auto_key is the member's stable
 * platform account, platform + U+001F + uid, where the uid is one the platform never reuses:
 * Telegram from_id, Discord and Slack ids, QQ numbers, WeChat wxids, WeCom userids and ChatLab
 * platform ids.  Display-name uids ("name:…", WhatsApp and WeChat/QQ text exports), the
 * WeChat exporter's own "me", and the platforms whose ids are names or content keys
 * (WhatsApp, Discourse usernames, generic CSV, the demo) have none and never merge by
 * themselves.  Members of different communities with the same auto_key are one person
 * unless the operator split one off (manual = 1).  person_op logs each manual merge and
 * unmerge, person_move what it moved from where, so undo restores the grouping exactly;
 * AUTOINCREMENT keeps a removed person's id from coming back as someone else.  Existing
 * members get their persons here, numbered in member order. */
static const char migration_v8[] =
  "CREATE TABLE person ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT);"
  "CREATE TABLE identity ("
  "  member INTEGER PRIMARY KEY REFERENCES member (id) ON DELETE CASCADE,"
  "  person INTEGER NOT NULL REFERENCES person (id),"
  "  auto_key TEXT,"
  "  manual INTEGER NOT NULL DEFAULT 0);"
  "CREATE INDEX identity_person ON identity (person);"
  "CREATE INDEX identity_auto_key ON identity (auto_key);"
  "CREATE TABLE person_op ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  ts INTEGER NOT NULL,"
  "  kind TEXT NOT NULL CHECK (kind IN ('merge', 'unmerge')),"
  "  member INTEGER REFERENCES member (id) ON DELETE SET NULL,"
  "  other INTEGER REFERENCES member (id) ON DELETE SET NULL);"
  "CREATE TABLE person_move ("
  "  op INTEGER NOT NULL REFERENCES person_op (id) ON DELETE CASCADE,"
  "  member INTEGER NOT NULL REFERENCES member (id) ON DELETE CASCADE,"
  "  old_person INTEGER NOT NULL,"
  "  old_manual INTEGER NOT NULL,"
  "  PRIMARY KEY (op, member));"
  "CREATE TEMP TABLE v8_identity (member INTEGER PRIMARY KEY, auto_key TEXT, person INTEGER);"
  "INSERT INTO temp.v8_identity (member, auto_key)"
  " SELECT m.id, CASE WHEN c.platform IN ('telegram', 'discord', 'slack', 'qq', 'wechat', 'wecom', 'chatlab')"
  "   AND substr (m.platform_uid, 1, 5) != 'name:' AND m.platform_uid != 'me'"
  "   THEN c.platform || char (31) || m.platform_uid END"
  " FROM member m JOIN community c ON c.id = m.community;"
  "UPDATE temp.v8_identity SET person = r.pid FROM"
  " (SELECT member, dense_rank () OVER (ORDER BY first) AS pid FROM"
  "   (SELECT member, min (member) OVER (PARTITION BY coalesce (auto_key, char (30) || member)) AS first"
  "    FROM temp.v8_identity)) AS r"
  " WHERE r.member = v8_identity.member;"
  "INSERT INTO person (id) SELECT DISTINCT person FROM temp.v8_identity ORDER BY person;"
  "INSERT INTO identity (member, person, auto_key) SELECT member, person, auto_key FROM temp.v8_identity;"
  "DROP TABLE temp.v8_identity;";

/* v9: the persistent snapshot cache (issue 6; cohort-store-snapshot.c).  A community's
 * generation changes with everything its snapshot holds, and a cached snapshot is used only
 * at the generation it was written at.  Messages, members and spans change only in bulk
 * writes that end in cohort_db_rebuild_spans (), which bumps it once: a per-row trigger on
 * message would cost every imported message a second B-tree update.  The triggers cover the
 * small writes from anywhere: any change to the community row (name, zone, settings) and a
 * member's uid, name or flags actually changing.  A removed community takes its cache along
 * even with foreign keys off, so that a new community reusing its id never finds it. */
static const char migration_v9[] =
  "ALTER TABLE community ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;"
  "CREATE TABLE snapshot_cache ("
  "  community INTEGER PRIMARY KEY REFERENCES community (id) ON DELETE CASCADE,"
  "  generation INTEGER NOT NULL,"
  "  data BLOB NOT NULL);"
  "CREATE TRIGGER community_generation AFTER UPDATE ON community"
  "  WHEN NEW.generation IS OLD.generation BEGIN"
  "  UPDATE community SET generation = OLD.generation + 1 WHERE id = NEW.id; END;"
  "CREATE TRIGGER member_generation AFTER UPDATE OF community, platform_uid, display_name,"
  "  is_bot, is_staff ON member"
  "  WHEN NEW.community IS NOT OLD.community OR NEW.platform_uid IS NOT OLD.platform_uid"
  "    OR NEW.display_name IS NOT OLD.display_name OR NEW.is_bot IS NOT OLD.is_bot"
  "    OR NEW.is_staff IS NOT OLD.is_staff BEGIN"
  "  UPDATE community SET generation = generation + 1 WHERE id IN (OLD.community, NEW.community);"
  "  END;"
  "CREATE TRIGGER community_cache_gone AFTER DELETE ON community BEGIN"
  "  DELETE FROM snapshot_cache WHERE community = OLD.id; END;";

/* v10: the message table's unique (community, platform_msg_id) key becomes a named index
 * that a first import can drop and build at commit like the others (see message_indexes[]):
 * the automatic index of a UNIQUE constraint cannot be dropped, and WhatsApp's content keys
 * are hashes that land on random pages of it, 1M of them thrashing the page cache.  The table
 * is rebuilt by SQLite's procedure for other schema changes (lang_altertable.html#otheralter),
 * rows and rowids as they were, the column definitions of v1 unchanged.  The runner switches
 * foreign keys off around this step (reaction's ON DELETE CASCADE would empty it at the DROP)
 * and checks them before it commits.  The other indexes come back in the order of the
 * migrations that made them, since the planner breaks ties by that order; the unique one comes
 * last, so that a first import can drop it with the deferred ones and keep (community, ts).
 * It never ties with another index: the planner weighs indexes by their estimated width, and
 * no other message index has a TEXT column (tests/test-unique-defer.c compares the plans).
 * Its id comes first: every key of an export shares its community, and SQLite's sorter
 * compares a first column of text quickly but falls back to its slow comparison on every tie,
 * so (community, id) made every comparison of the build the slow one (1M WhatsApp content
 * keys: 1.6 s of CPU, 1.0 s with the id first).  Lookups give both columns either way. */
static const char migration_v10[] =
  "CREATE TABLE message_v10 ("
  "  id INTEGER PRIMARY KEY,"
  "  community INTEGER NOT NULL REFERENCES community (id) ON DELETE CASCADE,"
  "  member INTEGER REFERENCES member (id) ON DELETE SET NULL,"
  "  platform_msg_id TEXT NOT NULL,"
  "  ts INTEGER NOT NULL,"
  "  kind INTEGER NOT NULL,"
  "  length INTEGER NOT NULL DEFAULT 0,"
  "  reply_to TEXT,"
  "  mentions TEXT,"
  "  forwarded INTEGER NOT NULL DEFAULT 0,"
  "  edited_ts INTEGER,"
  "  is_mech INTEGER NOT NULL DEFAULT 0,"
  "  mech_reason TEXT,"
  "  text TEXT,"
  "  import_run INTEGER REFERENCES import_run (id) ON DELETE SET NULL);"
  "INSERT INTO message_v10 (id, community, member, platform_msg_id, ts, kind, length, reply_to,"
  "  mentions, forwarded, edited_ts, is_mech, mech_reason, text, import_run)"
  " SELECT id, community, member, platform_msg_id, ts, kind, length, reply_to,"
  "  mentions, forwarded, edited_ts, is_mech, mech_reason, text, import_run"
  " FROM message ORDER BY id;"
  "DROP TABLE message;"
  "ALTER TABLE message_v10 RENAME TO message;"
  "CREATE INDEX message_community_ts ON message (community, ts);"
  "CREATE INDEX message_member_ts ON message (member, ts);"
  "CREATE INDEX message_import_run ON message (import_run);"
  "CREATE UNIQUE INDEX message_platform_id ON message (platform_msg_id, community);";

/* v11: the (community, ts) index also holds what a snapshot reads of each message (member,
 * kind, is_mech, reply_to), so that a cold load walks the index alone instead of seeking the
 * table for every row (cohort-store-snapshot.c): at a million messages that is a tenth to
 * a quarter of the load, for 7 MB more index.  Its keys arrive in time order, so an import
 * appends them at the index's end and hardly pays for the width; the dearest index stays
 * (member, ts).  The planner breaks ties by the order of sqlite_master, so the indexes after
 * it are made again too, in the order v10 left them.  Every plan is as before except that
 * the queries by community now read no row (tests/test-unique-defer.c). */
static const char migration_v11[] =
  "DROP INDEX message_community_ts;"
  "DROP INDEX message_member_ts;"
  "DROP INDEX message_import_run;"
  "DROP INDEX message_platform_id;"
  "CREATE INDEX message_community_ts ON message (community, ts, member, kind, is_mech, reply_to);"
  "CREATE INDEX message_member_ts ON message (member, ts);"
  "CREATE INDEX message_import_run ON message (import_run);"
  "CREATE UNIQUE INDEX message_platform_id ON message (platform_msg_id, community);";

/* v12: a reply keeps the member it answers (reply_member), put there as the import writes it
 * (remember_sender ()) or, for a target that was not among its recent messages, when the
 * import commits (cohort_db_resolve_replies ()); remove-import clears it where the target
 * went.  A cold snapshot load then reads the member from the (community, ts) index, where
 * reply_to was, instead of looking every reply's target up by platform id on the unique
 * index and reading its row: that was a third of the load (cohort-store-snapshot.c).  The partial index
 * holds only the replies whose target is not known yet, so that each commit finds them
 * without reading the community's messages.  It comes before the unique index, which a first
 * import drops and builds at commit (message_indexes). */
static const char migration_v12[] =
  "ALTER TABLE message ADD COLUMN reply_member INTEGER;"
  "UPDATE message SET reply_member = (SELECT r.member FROM message r"
  "  WHERE r.platform_msg_id = message.reply_to AND r.community = message.community)"
  " WHERE reply_to IS NOT NULL;"
  "DROP INDEX message_community_ts;"
  "DROP INDEX message_member_ts;"
  "DROP INDEX message_import_run;"
  "DROP INDEX message_platform_id;"
  "CREATE INDEX message_community_ts ON message (community, ts, member, kind, is_mech, reply_member);"
  "CREATE INDEX message_member_ts ON message (member, ts);"
  "CREATE INDEX message_import_run ON message (import_run);"
  "CREATE INDEX message_reply_unresolved ON message (community)"
  " WHERE reply_to IS NOT NULL AND reply_member IS NULL;"
  "CREATE UNIQUE INDEX message_platform_id ON message (platform_msg_id, community);";

static const char * const migrations[] = {
  migration_v1,
  migration_v2,
  migration_v3,
  migration_v4,
  migration_v5,
  migration_v6,
  migration_v7,
  migration_v8,
  migration_v9,
  migration_v10,
  migration_v11,
  migration_v12,
};

/* The steps that rebuild a table others refer to: they run with foreign keys off. */
static const char * const table_rebuilds[] = {
  migration_v10,
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == COHORT_SCHEMA_VERSION);

G_DEFINE_QUARK (cohort-store-error, cohort_store_error)

/* ------------------------------------------------------------------------------------------ */

void
cohort_db_assert_owner (CohortDb *db)
{
  g_assert (db != NULL);
  g_assert (db->owner == g_thread_self ());
}

/* A full disk (or a file-size limit) is the one SQL failure an operator can fix, so it gets
 * its own code and words; the rest stay technical. */
static gboolean
is_disk_full (int code)
{
  /* SQLite says FULL on ENOSPC and on a short write; a write refused outright at a size
   * limit (EFBIG) comes back as IOERR_WRITE. */
  return code == SQLITE_FULL || code == SQLITE_IOERR_WRITE;
}

gboolean
cohort_db_set_sql_error (CohortDb    *db,
                         GError     **error,
                         const char  *what)
{
  int code = sqlite3_extended_errcode (db->db);

  if (is_disk_full (code))
    g_set_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_DISK_FULL,
                 _("Cohort could not write to %s: the disk is full. Nothing was changed; free "
                   "some space and try again."), db->path);
  else if ((code & 0xff) == SQLITE_CORRUPT || (code & 0xff) == SQLITE_NOTADB)
    g_set_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_CORRUPT,
                 _("The database %s is damaged (%s)."), db->path, sqlite3_errmsg (db->db));
  else
    g_set_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_SQL,
                 "%s: %s", what, sqlite3_errmsg (db->db));
  return FALSE;
}

gboolean
cohort_db_exec (CohortDb    *db,
                const char  *sql,
                GError     **error)
{
  char *msg = NULL;

  if (sqlite3_exec (db->db, sql, NULL, NULL, &msg) != SQLITE_OK)
    {
      int code = sqlite3_extended_errcode (db->db);

      if (is_disk_full (code) || (code & 0xff) == SQLITE_CORRUPT || (code & 0xff) == SQLITE_NOTADB)
        {
          sqlite3_free (msg);
          return cohort_db_set_sql_error (db, error, NULL);
        }
      g_set_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_SQL, "%s", msg ? msg : "SQL error");
      sqlite3_free (msg);
      return FALSE;
    }
  return TRUE;
}

gint64
cohort_db_query_int (CohortDb   *db,
                     const char *sql,
                     gint64      fallback)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value = fallback;

  if (sqlite3_prepare_v2 (db->db, sql, -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

sqlite3_stmt *
cohort_db_prepare_bound (CohortDb   *db,
                         const char *sql,
                         gint64      a,
                         gint64      b)
{
  sqlite3_stmt *stmt = NULL;
  int n;

  if (sqlite3_prepare_v2 (db->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    return NULL;
  n = sqlite3_bind_parameter_count (stmt);
  if (n >= 1)
    sqlite3_bind_int64 (stmt, 1, a);
  if (n >= 2)
    sqlite3_bind_int64 (stmt, 2, b);
  return stmt;
}

gint64
cohort_db_query_bound (CohortDb   *db,
                       const char *sql,
                       gint64      a,
                       gint64      b,
                       gint64      fallback)
{
  sqlite3_stmt *stmt = cohort_db_prepare_bound (db, sql, a, b);
  gint64 value = fallback;

  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW &&
      sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

int
cohort_db_schema_version (CohortDb *db)
{
  cohort_db_assert_owner (db);
  return (int)cohort_db_query_int (db, "PRAGMA user_version", -1);
}

/* The step from version to version + 1 rebuilds a table that others refer to. */
static gboolean
rebuilds_table (int version)
{
  for (guint i = 0; i < G_N_ELEMENTS (table_rebuilds); i++)
    if (migrations[version] == table_rebuilds[i])
      return TRUE;
  return FALSE;
}

/* References to rows that are not there; -1 when the check itself failed. */
static gint64
broken_references (CohortDb *db)
{
  return cohort_db_query_int (db, "SELECT count(*) FROM pragma_foreign_key_check", -1);
}

/* A rebuild must leave every reference as it found it.  Compared with the count before, not
 * with none: a file damaged earlier (an orphan from a crash with foreign keys off) would
 * otherwise never open again, and the step did not make it worse. */
static gboolean
check_references_kept (CohortDb  *db,
                       gint64     problems_before,
                       GError   **error)
{
  gint64 problems = broken_references (db);

  if (problems >= 0 && problems <= problems_before)
    return TRUE;
  g_set_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_SQL,
               "upgrade %s: the foreign key check found %" G_GINT64_FORMAT " broken references "
               "(%" G_GINT64_FORMAT " before)", db->path, problems, problems_before);
  return FALSE;
}

/* Inside one write transaction: the step from expected to the next version, unless the file
 * is there already (*done) or another connection took a step since expected was read. */
static gboolean
run_step (CohortDb  *db,
          int        target,
          int        expected,
          gboolean   rebuild,
          gboolean  *done,
          GError   **error)
{
  g_autofree char *bump = NULL;
  gint64 problems = 0;
  int v;

  if (!cohort_db_exec (db, "BEGIN IMMEDIATE", error))
    return FALSE;
  v = cohort_db_schema_version (db);
  *done = v >= target;
  if (*done || v != expected)
    return cohort_db_exec (db, "COMMIT", error);
  if (rebuild)
    problems = MAX (broken_references (db), 0);
  bump = g_strdup_printf ("PRAGMA user_version = %d", v + 1);
  if (!cohort_db_exec (db, migrations[v], error) || !cohort_db_exec (db, bump, error) ||
      (rebuild && !check_references_kept (db, problems, error)))
    {
      cohort_db_exec (db, "ROLLBACK", NULL);
      return FALSE;
    }
  if (!cohort_db_exec (db, "COMMIT", error))
    return FALSE;
  g_debug ("Migrated %s to schema %d", db->path, v + 1);
  return TRUE;
}

/* A table rebuild needs foreign keys off (DROP TABLE would cascade), and the pragma does
 * nothing inside a transaction: so the next version is read before the step's transaction
 * and again inside it.  cohort_db_open_at_version () switched them on for the connection. */
static gboolean
migrate_step (CohortDb  *db,
              int        target,
              gboolean  *done,
              GError   **error)
{
  int expected = cohort_db_schema_version (db);
  gboolean rebuild = expected >= 0 && expected < target && rebuilds_table (expected);
  gboolean ok;

  if (rebuild && !cohort_db_exec (db, "PRAGMA foreign_keys = OFF", error))
    return FALSE;
  ok = run_step (db, target, expected, rebuild, done, error);
  if (rebuild)
    ok = cohort_db_exec (db, "PRAGMA foreign_keys = ON", ok ? error : NULL) && ok;
  return ok;
}

static gboolean
migrate (CohortDb  *db,
         int        target,
         GError   **error)
{
  int version = cohort_db_schema_version (db);

  if (version > COHORT_SCHEMA_VERSION)
    {
      g_set_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_NEWER_SCHEMA,
                   "The database %s was written by a newer version of Cohort (schema %d; this "
                   "version understands %d).", db->path, version, COHORT_SCHEMA_VERSION);
      return FALSE;
    }

  /* A database with data in it is backed up before its schema changes (a new one is not:
   * there is nothing to lose). */
  if (version > 0 && version < target)
    {
      g_autofree char *reason = g_strdup_printf ("before-v%d", target);
      g_autofree char *backup = cohort_db_backup (db, reason, cohort_backup_get_keep (), error);

      if (backup == NULL)
        {
          g_prefix_error (error, _("The database was not upgraded, because it could not be "
                                   "backed up first: "));
          return FALSE;
        }
    }

  if (version >= target)
    return TRUE;   /* no write transaction: an import or a sync may be holding the lock */
  for (;;)
    {
      gboolean done = FALSE;

      if (!migrate_step (db, target, &done, error))
        return FALSE;
      if (done)
        return TRUE;
    }
}

/* The window's pages open their connections at the same time, so a new or older database is
 * reached by several at once.  One switches it to WAL and migrates it (with its backup) while
 * the others wait here, then find it done; another process is kept out by migrate () reading
 * the version inside each step's write transaction. */
static GMutex prepare_lock;

/*
 * A file cohort_db_open_writer () creates gets its schema in a write transaction left open,
 * which its first import carries on and commits with the messages.  Committed on its own,
 * the schema cost a 10k import three syncs, and the import's rollback journal then saved
 * every page of it (a root page for each table and index, 900 KB) and synced that too:
 * 6 ms of 52.  In one transaction the journal holds only the file's size before it, none,
 * so a failed first import leaves a blank file, which gets its schema again at once
 * (import_abandoned ()).  Any other write commits the pending schema first
 * (cohort_db_begin_write ()), and so does closing the file.  Foreign-key checks are off
 * for the length of the transaction, as the import's bulk mode wants them and cannot turn
 * them off inside one; the schema creates no rows for them to check.
 */
static gboolean
create_schema (CohortDb  *db,
               int        target,
               GError   **error)
{
  if (!db->wal_at_close)
    return cohort_db_create_from_template (db, target, FALSE, error);
  if (!cohort_db_exec (db, "PRAGMA foreign_keys = OFF", error) ||
      !cohort_db_create_from_template (db, target, TRUE, error))
    return FALSE;
  return db->schema_pending || cohort_db_exec (db, "PRAGMA foreign_keys = ON", error);
}

static gboolean
commit_pending_schema (CohortDb  *db,
                       GError   **error)
{
  if (!db->schema_pending)
    return TRUE;
  db->schema_pending = FALSE;
  if (!cohort_db_exec (db, "COMMIT", error))
    {
      cohort_db_exec (db, "ROLLBACK", NULL);
      return FALSE;
    }
  return cohort_db_exec (db, "PRAGMA foreign_keys = ON", error);
}

gboolean
cohort_db_begin_write (CohortDb  *db,
                       GError   **error)
{
  return commit_pending_schema (db, error) && cohort_db_exec (db, "BEGIN IMMEDIATE", error);
}

/* A new file gets 16 KB pages instead of SQLite's 4 KB.  An import writes each page to the
 * WAL and again to the file at the checkpoint, and the indexes built at commit read the table
 * back from the WAL, all a page a system call: 1M WhatsApp messages made 217k pwrite and 205k
 * pread calls with 4 KB pages.  With 16 KB ones the 1M imports (the bench build, five runs
 * each) took 10-15 % less wall time and CPU (Telegram 2.6-2.7 s -> 2.2-2.4 s, 4 MB less peak
 * RSS), and the Overview's
 * snapshot load and the Activity text query were no slower.  The page size can only be set
 * before the first table exists and never once the file is in WAL mode, so on an existing
 * database this is a no-op and its pages stay as they are. */
static gboolean
prepare_for_writing (CohortDb  *db,
                     int        target,
                     GError   **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&prepare_lock);
  const char *journal = db->wal_at_close ? "PRAGMA journal_mode = DELETE"
                                         : "PRAGMA journal_mode = WAL";

  return cohort_db_exec (db, "PRAGMA page_size = 16384", error) &&
         cohort_db_exec (db, journal, error) &&
         cohort_db_exec (db, "PRAGMA synchronous = NORMAL", error) &&
         create_schema (db, target, error) &&
         migrate (db, target, error);
}

char *
cohort_db_default_path (void)
{
  const char *env = g_getenv ("COHORT_DB");

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  return g_build_filename (g_get_user_data_dir (), "cohort", "cohort.db", NULL);
}

CohortDb *
cohort_db_open (const char  *path,
                gboolean     read_only,
                GError     **error)
{
  return cohort_db_open_at_version (path, read_only, COHORT_SCHEMA_VERSION, error);
}

static CohortDb *
open_database (const char  *path,
               gboolean     read_only,
               int          target,
               gboolean     new_file,
               GError     **error)
{
  g_autofree char *dir = NULL;
  CohortDb *db;
  int flags;

  g_return_val_if_fail (path != NULL, NULL);

  if (!read_only && cohort_backup_writes_blocked (path))
    {
      g_set_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_WRITES_BLOCKED,
                   _("The database %s is open read-only, so nothing can be imported into it. "
                     "Restore a backup or start a new database to import again."), path);
      return NULL;
    }
  if (!read_only)
    {
      dir = g_path_get_dirname (path);
      if (g_mkdir_with_parents (dir, 0700) != 0)
        {
          g_set_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_OPEN,
                       "Cannot create the folder %s", dir);
          return NULL;
        }
    }

  db = g_new0 (CohortDb, 1);
  db->path = g_strdup (path);
  db->owner = g_thread_self ();
  db->read_only = read_only;
  db->wal_at_close = new_file;
  flags = read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  flags |= SQLITE_OPEN_NOMUTEX;

  if (sqlite3_open_v2 (path, &db->db, flags, NULL) != SQLITE_OK)
    {
      g_set_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_OPEN,
                   "Cannot open the database %s: %s", path,
                   db->db ? sqlite3_errmsg (db->db) : "out of memory");
      cohort_db_close (db);
      return NULL;
    }

  sqlite3_busy_timeout (db->db, 10000);
  if (!cohort_db_exec (db, "PRAGMA foreign_keys = ON", error))
    goto fail;
  if (!read_only)
    {
      if (!prepare_for_writing (db, target, error))
        goto fail;
    }
  /* Reading the schema is the first read of the file: a damaged one fails here, as CORRUPT. */
  else if (!cohort_db_exec (db, "SELECT count(*) FROM sqlite_master", error))
    goto fail;
  else if (cohort_db_schema_version (db) != target &&
           !(cohort_db_schema_version (db) > target && cohort_backup_writes_blocked (path)))
    {
      /* Newer schemas only add to older ones, so reading one works once the operator chose
       * "Open Read-Only" for it (which blocks every write to it). */
      int version = cohort_db_schema_version (db);

      /* A file from an older Cohort: the first reader (the Overview, on launch) must not be
       * refused.  A write connection brings it up to date, then the reader opens it. */
      if (version >= 0 && version < target)
        {
          CohortDb *writer;

          cohort_db_close (db);
          if (!(writer = cohort_db_open_at_version (path, FALSE, target, error)))
            return NULL;
          cohort_db_close (writer);
          return cohort_db_open_at_version (path, TRUE, target, error);
        }
      g_set_error (error, COHORT_STORE_ERROR,
                   version > COHORT_SCHEMA_VERSION ? COHORT_STORE_ERROR_NEWER_SCHEMA
                                                   : COHORT_STORE_ERROR_OPEN,
                   "The database %s has schema %d; this version of Cohort needs %d.",
                   path, version, COHORT_SCHEMA_VERSION);
      goto fail;
    }
  return db;

fail:
  cohort_db_close (db);
  return NULL;
}

/*
 * In WAL mode every page an import writes goes to the WAL and then once more into the file
 * at the checkpoint: for a first import, all of the file twice (1M WhatsApp messages: 0.5 s
 * of the writer thread's kernel time, the thread that sets the pace).  A rollback journal
 * saves only the pages that were there before the transaction, and a file just created has
 * none (its schema waits for the first import, create_schema ()), so into a new file each
 * page is written once, as atomically: a failed import still leaves the empty schema.  What
 * it costs is that other connections wait while it writes, which is why only a process that
 * has the file to itself asks for it (cohort-cli); the window's connections always use WAL.
 * The file is switched to WAL when this connection closes, and by whichever connection opens
 * it next if this process never got there.
 */
CohortDb *
cohort_db_open_writer (const char  *path,
                       GError     **error)
{
  g_return_val_if_fail (path != NULL, NULL);

  return open_database (path, FALSE, COHORT_SCHEMA_VERSION,
                        !g_file_test (path, G_FILE_TEST_EXISTS), error);
}

CohortDb *
cohort_db_open_at_version (const char  *path,
                           gboolean     read_only,
                           int          target,
                           GError     **error)
{
  return open_database (path, read_only, target, FALSE, error);
}

void
cohort_db_close (CohortDb *db)
{
  if (db == NULL)
    return;
  if (db->db != NULL && !commit_pending_schema (db, NULL))
    g_warning ("Could not write the schema of the new database %s", db->path);
  /* Where it fails (another connection is reading), the next connection to open it sets WAL. */
  if (db->db != NULL && db->wal_at_close)
    sqlite3_exec (db->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
  if (db->db != NULL)
    sqlite3_close_v2 (db->db);
  g_free (db->path);
  g_free (db);
}

const char *
cohort_db_get_path (CohortDb *db)
{
  return db->path;
}

gint64
cohort_db_count (CohortDb   *db,
                 const char *table)
{
  static const char * const tables[] = {
    "community", "member", "span", "message", "reaction", "event", "invite", "import_run",
    "orders", "csv_mapping",
  };

  cohort_db_assert_owner (db);
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    if (g_strcmp0 (table, tables[i]) == 0)
      {
        /* The table name comes from the whitelist above, never from the caller. */
        g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", tables[i]);
        return cohort_db_query_int (db, sql, -1);
      }
  g_return_val_if_reached (-1);
}

gint64
cohort_db_total_changes (CohortDb *db)
{
  cohort_db_assert_owner (db);
  return sqlite3_total_changes (db->db);
}

/* integrity_check and foreign_key_check both answer with rows only when something is wrong
 * (integrity_check says "ok" when all is well). */
gboolean
cohort_db_check_integrity (CohortDb  *db,
                           GError   **error)
{
  sqlite3_stmt *stmt = NULL;
  g_autofree char *problem = NULL;

  cohort_db_assert_owner (db);
  if (sqlite3_prepare_v2 (db->db, "PRAGMA integrity_check", -1, &stmt, NULL) != SQLITE_OK)
    return cohort_db_set_sql_error (db, error, "integrity check");
  if (sqlite3_step (stmt) == SQLITE_ROW &&
      g_strcmp0 ((const char *)sqlite3_column_text (stmt, 0), "ok") != 0)
    problem = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);

  if (problem == NULL)
    {
      if (sqlite3_prepare_v2 (db->db, "PRAGMA foreign_key_check", -1, &stmt, NULL) != SQLITE_OK)
        return cohort_db_set_sql_error (db, error, "foreign key check");
      if (sqlite3_step (stmt) == SQLITE_ROW)
        problem = g_strdup_printf ("a row of %s points at a missing %s",
                                   sqlite3_column_text (stmt, 0), sqlite3_column_text (stmt, 2));
      sqlite3_finalize (stmt);
    }

  if (problem != NULL)
    {
      g_set_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_SQL,
                   "The database %s is damaged: %s", db->path, problem);
      return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* Queries                                                                                     */

char *
cohort_db_column_strdup (sqlite3_stmt *stmt,
                         int           col)
{
  const unsigned char *text = sqlite3_column_text (stmt, col);

  return text ? g_strdup ((const char *)text) : NULL;
}

void
cohort_community_info_free (CohortCommunityInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->name);
  g_free (info->platform);
  g_free (info->platform_id);
  g_free (info->kind);
  g_free (info->tz);
  g_free (info);
}

GPtrArray *
cohort_db_list_communities (CohortDb  *db,
                            GError   **error)
{
  static const char *sql =
    "SELECT c.id, c.name, c.platform, c.platform_id, c.kind, c.tz,"
    " (SELECT count(*) FROM member WHERE community = c.id),"
    " (SELECT count(DISTINCT member) FROM message WHERE community = c.id AND kind != ?1"
    "    AND member IS NOT NULL),"
    " (SELECT count(*) FROM message WHERE community = c.id AND kind != ?1),"
    " (SELECT count(*) FROM message WHERE community = c.id AND kind != ?1 AND is_mech),"
    " (SELECT count(*) FROM message WHERE community = c.id AND kind = ?1),"
    " (SELECT count(*) FROM event WHERE community = c.id AND type = 'join'),"
    " (SELECT count(*) FROM event WHERE community = c.id AND type IN ('leave', 'kick')),"
    " (SELECT count(*) FROM invite WHERE community = c.id),"
    " (SELECT count(*) FROM reaction r JOIN message m ON m.id = r.message WHERE m.community = c.id),"
    " (SELECT min(ts) FROM message WHERE community = c.id AND kind != ?1),"
    " (SELECT max(ts) FROM message WHERE community = c.id AND kind != ?1),"
    " c.wall_clock"
    " FROM community c ORDER BY c.id";
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify)cohort_community_info_free);
  sqlite3_stmt *stmt = NULL;
  int rc;

  cohort_db_assert_owner (db);
  if (sqlite3_prepare_v2 (db->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    return cohort_db_set_sql_error (db, error, "list communities"), NULL;
  sqlite3_bind_int (stmt, 1, COHORT_MESSAGE_SYSTEM);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CohortCommunityInfo *info = g_new0 (CohortCommunityInfo, 1);

      info->id = sqlite3_column_int64 (stmt, 0);
      info->name = cohort_db_column_strdup (stmt, 1);
      info->platform = cohort_db_column_strdup (stmt, 2);
      info->platform_id = cohort_db_column_strdup (stmt, 3);
      info->kind = cohort_db_column_strdup (stmt, 4);
      info->tz = cohort_db_column_strdup (stmt, 5);
      info->members = sqlite3_column_int64 (stmt, 6);
      info->posting_members = sqlite3_column_int64 (stmt, 7);
      info->messages = sqlite3_column_int64 (stmt, 8);
      info->mechanical_messages = sqlite3_column_int64 (stmt, 9);
      info->system_messages = sqlite3_column_int64 (stmt, 10);
      info->joins = sqlite3_column_int64 (stmt, 11);
      info->leaves = sqlite3_column_int64 (stmt, 12);
      info->invites = sqlite3_column_int64 (stmt, 13);
      info->reactions = sqlite3_column_int64 (stmt, 14);
      info->first_message = sqlite3_column_int64 (stmt, 15);
      info->last_message = sqlite3_column_int64 (stmt, 16);
      info->wall_clock = sqlite3_column_int (stmt, 17) != 0;
      g_ptr_array_add (list, info);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return cohort_db_set_sql_error (db, error, "list communities"), NULL;
  return g_steal_pointer (&list);
}

gint64
cohort_db_find_community (CohortDb    *db,
                          const char  *id_or_name,
                          GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  gint64 id = 0;
  int matches = 0;

  cohort_db_assert_owner (db);
  if (sqlite3_prepare_v2 (db->db,
                          "SELECT id FROM community WHERE CAST(id AS TEXT) = ?1 OR name = ?1 "
                          "OR platform_id = ?1 ORDER BY (CAST(id AS TEXT) = ?1) DESC, id",
                          -1, &stmt, NULL) != SQLITE_OK)
    return cohort_db_set_sql_error (db, error, "find community"), 0;
  sqlite3_bind_text (stmt, 1, id_or_name, -1, SQLITE_TRANSIENT);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      if (matches++ == 0)
        id = sqlite3_column_int64 (stmt, 0);
    }
  sqlite3_finalize (stmt);
  if (id == 0)
    g_set_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_NOT_FOUND,
                 "No community matches “%s”. List them with: cohort-cli communities", id_or_name);
  return id;
}

gint64
cohort_db_find_community_with_messages (CohortDb   *db,
                                        const char *platform,
                                        const char *platform_id)
{
  sqlite3_stmt *stmt = NULL;
  gint64 id = 0;

  cohort_db_assert_owner (db);
  if (sqlite3_prepare_v2 (db->db,
                          "SELECT c.id FROM community c WHERE c.platform = ?1 AND c.platform_id = ?2 "
                          "AND EXISTS (SELECT 1 FROM message m WHERE m.community = c.id)",
                          -1, &stmt, NULL) != SQLITE_OK)
    return 0;
  sqlite3_bind_text (stmt, 1, platform, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, platform_id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return id;
}

char *
cohort_db_get_message_text (CohortDb   *db,
                            gint64      community,
                            const char *platform_msg_id)
{
  sqlite3_stmt *stmt = NULL;
  char *text = NULL;

  cohort_db_assert_owner (db);
  if (sqlite3_prepare_v2 (db->db,
                          "SELECT text FROM message WHERE community = ?1 AND platform_msg_id = ?2",
                          -1, &stmt, NULL) != SQLITE_OK)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, community);
  sqlite3_bind_text (stmt, 2, platform_msg_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    text = cohort_db_column_strdup (stmt, 0);
  sqlite3_finalize (stmt);
  return text;
}

/* ------------------------------------------------------------------------------------------ */
/* The import transaction                                                                      */

/*
 * The connection's settings for the length of an import transaction, restored after commit
 * or rollback by end_bulk_mode ():
 * - No foreign-key checks: the import writes only ids it has just read or inserted in the
 *   same transaction, and deletes only spans, which nothing references, so the checks (three
 *   index probes per message) can only ever pass.  The pragma is a no-op inside a
 *   transaction, hence before BEGIN.
 * - A 32 MB page cache instead of 2 MB: a million messages are four B-trees of tens of MB,
 *   and keys without order (WhatsApp's content keys) touch pages all over the unique index;
 *   with the small cache every such page went out to the WAL and back in again (100k
 *   WhatsApp messages: 97k pread/pwrite calls, 16k with the large cache).
 * - Sorting threads, one a core: the indexes built at commit (and the spans' ORDER BY) sort
 *   their keys in runs, and SQLite's sorter can sort and merge those runs on helper threads.
 *   By then the parse thread is done and its core idle (1M WhatsApp messages: the writer's
 *   serial work after the parser fell from 3.35 s of CPU to 2.4 s, with 1.5 s on helpers).
 */
static gboolean
begin_bulk_mode (CohortDb  *db,
                 GError   **error)
{
  static const char * const threads[] = {
    "PRAGMA threads = 1", "PRAGMA threads = 2", "PRAGMA threads = 3", "PRAGMA threads = 4",
  };
  guint cores = CLAMP (g_get_num_processors (), 1, G_N_ELEMENTS (threads));

  return cohort_db_exec (db, "PRAGMA foreign_keys = OFF", error) &&
         cohort_db_exec (db, "PRAGMA cache_size = -32768", error) &&
         cohort_db_exec (db, threads[cores - 1], error);
}

static void
end_bulk_mode (CohortDb *db)
{
  cohort_db_exec (db, "PRAGMA foreign_keys = ON", NULL);
  cohort_db_exec (db, "PRAGMA cache_size = -2000", NULL);
  cohort_db_exec (db, "PRAGMA threads = 0", NULL);
}

/*
 * The message table's indexes (migrations v1–v3, v10 and v11), in the order sqlite_master holds
 * them.  Each message inserted puts a key into each of them.  When the table is empty as the
 * import begins (the first import into a database, the big one), the deferred ones are
 * dropped inside the transaction and built once at commit, which sorts their keys once: a
 * rollback brings them back with everything else.  Into a table that already holds messages
 * they stay, since building them again would cost a pass over all of those.
 * - (community, ts) stays: an export's messages come in time order, so with many rows to a
 *   statement its keys are appended where the last one went, for less than a build costs
 *   (1M Telegram messages: 0.8 s of the serial build at commit).
 * - (member, ts) keys land at thousands of places, one a sender, and (import_run) keys append.
 *   Both stay: the writer puts them in place while the parse thread, which sets the pace of
 *   a WhatsApp import, reads on, where building them at commit was a serial scan and sort of
 *   the whole table after the parser (1M WhatsApp messages, the bench build, runs
 *   interleaved: 2.8–3.2 s with them kept against 3.4–4.1 s built at commit, and less CPU).
 *   Dropping only the last index also keeps sqlite_master in the migrations' order, by
 *   which the planner breaks ties between equally good indexes (WHERE community = ? AND
 *   import_run = ? AND member = ? takes message_import_run).
 * - The unique (community, platform_msg_id) key is what INSERT OR IGNORE skips a message
 *   already there by, and what the import looks messages up by.  Content keys (WhatsApp) are
 *   hashes whose inserts land all over it, and at a million they outgrow the page cache:
 *   deferred, unless the first statement's ids show an ordered export
 *   (keep_indexes_if_ordered ()) or the importer expects few messages
 *   (cohort_import_tx_expect_messages ()).  On an empty table no message is there already,
 *   and an id repeated in the file is an error either way: the build at commit refuses it
 *   and report_repeated_id () names the id.  A lookup while it is away builds it first
 *   (index_message_keys ()).
 * The deferred one is therefore the last of the list.
 */
static const struct
{
  const char *name;
  gboolean    deferred;
  const char *drop;
  const char *create;
} message_indexes[] = {
  { "message_community_ts", FALSE, NULL, NULL },
  { "message_member_ts", FALSE, NULL, NULL },
  { "message_import_run", FALSE, NULL, NULL },
  { "message_reply_unresolved", FALSE, NULL, NULL },
  { "message_platform_id", TRUE, "DROP INDEX message_platform_id",
    "CREATE UNIQUE INDEX message_platform_id ON message (platform_msg_id, community)" },
};

static gboolean
index_exists (CohortDb   *db,
              const char *name)
{
  sqlite3_stmt *stmt = NULL;
  gboolean exists = FALSE;

  if (sqlite3_prepare_v2 (db->db, "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?1",
                          -1, &stmt, NULL) != SQLITE_OK)
    return FALSE;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  exists = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_finalize (stmt);
  return exists;
}

/* Inside the transaction: TRUE when the unique key was dropped and must be built at commit. */
static gboolean
defer_message_indexes (CohortDb  *db,
                       gboolean  *deferred,
                       GError   **error)
{
  *deferred = FALSE;
  if (cohort_db_query_int (db, "SELECT EXISTS (SELECT 1 FROM message)", 1) != 0)
    return TRUE;
  /* A message index this list does not know (a later migration's), or an older schema's
   * automatic one, would stay and change the order the planner meets these in: then nothing
   * is deferred until it is added here. */
  if (cohort_db_query_int (db, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND "
                               "tbl_name = 'message'", 0) != G_N_ELEMENTS (message_indexes))
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (message_indexes); i++)
    if (!index_exists (db, message_indexes[i].name))
      return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (message_indexes); i++)
    if (message_indexes[i].deferred && !cohort_db_exec (db, message_indexes[i].drop, error))
      return FALSE;
  *deferred = TRUE;
  return TRUE;
}

/*
 * The unique index refused to be built: some (community, id) came twice in this import, and
 * the error names the one the import would have stopped at with the index in place, the
 * earliest row whose id an earlier row of the file already had.  One sort of this import's
 * rows; only when an import fails.
 */
static gboolean
report_repeated_id (CohortImportTx  *tx,
                    GError         **error)
{
  sqlite3_stmt *stmt = NULL;
  g_autofree char *id = NULL;
  int rc;

  if (sqlite3_prepare_v2 (tx->db->db,
                          "SELECT platform_msg_id FROM (SELECT id, platform_msg_id, row_number () "
                          "OVER (PARTITION BY community, platform_msg_id ORDER BY id) AS nth "
                          "FROM message WHERE import_run = ?1) WHERE nth = 2 ORDER BY id LIMIT 1",
                          -1, &stmt, NULL) != SQLITE_OK)
    return cohort_db_set_sql_error (tx->db, error, "find repeated message");
  sqlite3_bind_int64 (stmt, 1, tx->run_id);
  if ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    id = cohort_db_column_strdup (stmt, 0);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return cohort_db_set_sql_error (tx->db, error, "find repeated message");
  if (id != NULL)
    g_set_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_INVALID_DATA,
                 _("the message id %s appears twice"), id);
  else
    g_set_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_SQL,
                 "build message indexes: a repeated message id that is not there");
  return FALSE;
}

/* SQLite sorts an index's keys in memory up to the page cache's size before it spills to a
 * temporary file, on top of the cache itself: with the 32 MB of the bulk mode a 1M-message
 * Telegram import peaked at 90 MB, with 8 MB at 67 MB, with 2 MB at 61 MB (and 10 % less CPU:
 * the dirty pages it sheds go to the WAL, where the commit would write them anyway). */
static gboolean
build_message_indexes (CohortImportTx  *tx,
                       GError         **error)
{
  gboolean ok = cohort_db_exec (tx->db, "PRAGMA cache_size = -2048", error);
  int failure = SQLITE_OK;

  for (guint i = 0; ok && i < G_N_ELEMENTS (message_indexes); i++)
    if (message_indexes[i].deferred &&
        !(ok = cohort_db_exec (tx->db, message_indexes[i].create, error)))
      failure = sqlite3_extended_errcode (tx->db->db);
  ok = cohort_db_exec (tx->db, "PRAGMA cache_size = -32768", ok ? error : NULL) && ok;
  if (failure == SQLITE_CONSTRAINT_UNIQUE)
    {
      g_clear_error (error);
      return report_repeated_id (tx, error);
    }
  return ok;
}

/* Before a lookup by (community, platform_msg_id): without the unique index it would read the
 * whole table.  The deferred index is built, once, and kept for the rest of the import. */
static gboolean
index_message_keys (CohortImportTx  *tx,
                    GError         **error)
{
  if (!tx->indexes_deferred)
    return TRUE;
  tx->indexes_deferred = FALSE;
  return build_message_indexes (tx, error);
}

CohortImportTx *
cohort_db_begin_import (CohortDb    *db,
                        const char  *source,
                        const char  *format,
                        GError     **error)
{
  g_autofree CohortImportTx *tx = NULL;
  sqlite3_stmt *stmt = NULL;

  cohort_db_assert_owner (db);
  g_return_val_if_fail (!db->read_only, NULL);

  /* A new file's first import carries on the transaction that made its schema. */
  if (!begin_bulk_mode (db, error) ||
      (!db->schema_pending && !cohort_db_exec (db, "BEGIN IMMEDIATE", error)))
    {
      end_bulk_mode (db);
      return NULL;
    }

  tx = g_new0 (CohortImportTx, 1);
  tx->db = db;
  tx->open = TRUE;
  tx->carries_schema = db->schema_pending;
  db->schema_pending = FALSE;
  if (!defer_message_indexes (db, &tx->indexes_deferred, error))
    {
      cohort_import_tx_rollback (g_steal_pointer (&tx));
      return NULL;
    }
  tx->reply_members = stores_reply_members (db);
  for (guint i = 0; i < N_STMTS; i++)
    if (stmt_sql[i] != NULL &&
        sqlite3_prepare_v2 (db->db, stmt_sql[i], -1, &tx->stmts[i], NULL) != SQLITE_OK)
      {
        cohort_db_set_sql_error (db, error, "prepare import");
        cohort_import_tx_rollback (g_steal_pointer (&tx));
        return NULL;
      }

  if (sqlite3_prepare_v2 (db->db,
                          "INSERT INTO import_run (source, format, status, started_ts) "
                          "VALUES (?1, ?2, 'running', strftime('%s','now'))",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      cohort_db_set_sql_error (db, error, "record import");
      cohort_import_tx_rollback (g_steal_pointer (&tx));
      return NULL;
    }
  sqlite3_bind_text (stmt, 1, source, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, format, -1, SQLITE_TRANSIENT);
  sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  tx->run_id = sqlite3_last_insert_rowid (db->db);
  tx->started_us = g_get_monotonic_time ();

  tx->member_ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                          (GDestroyNotify)g_hash_table_unref);
  tx->touched = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  tx->created_wall_clock = g_array_new (FALSE, FALSE, sizeof (gint64));
  return g_steal_pointer (&tx);
}

const CohortImportCounts *
cohort_import_tx_get_counts (CohortImportTx *tx)
{
  return &tx->counts;
}

static sqlite3_stmt *
tx_stmt (CohortImportTx *tx,
         int             which)
{
  sqlite3_stmt *stmt = tx->stmts[which];

  cohort_db_assert_owner (tx->db);
  g_assert (tx->open);
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  return stmt;
}

/* The import statements are stepped before the add_* call returns and rebound before their
 * next step, so the caller's strings outlive every use: SQLITE_STATIC spares SQLite a copy
 * of each message text. */
static void
bind_text_or_null (sqlite3_stmt *stmt,
                   int           col,
                   const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, col, text, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, col);
}

typedef struct
{
  GTimeZone *from;
  GTimeZone *to;
} ZoneShift;

static void
zone_shift_free (ZoneShift *shift)
{
  g_time_zone_unref (shift->from);
  g_time_zone_unref (shift->to);
  g_free (shift);
}

/* A wall-clock export read in one zone for a community that lives in another (the operator
 * chose its zone after the first import): its times are moved to the community's zone as
 * they are written.  Content keys stay those of the export as read, so re-imports match. */
static void
note_zone_shift (CohortImportTx *tx,
                 gint64          community,
                 const char     *read_in,
                 const char     *lives_in)
{
  ZoneShift *shift;

  if (read_in == NULL || lives_in == NULL || g_str_equal (read_in, lives_in))
    return;
  shift = g_new0 (ZoneShift, 1);
  shift->from = g_time_zone_new_identifier (read_in);
  shift->to = g_time_zone_new_identifier (lives_in);
  if (shift->from == NULL || shift->to == NULL)
    {
      g_clear_pointer (&shift->from, g_time_zone_unref);
      g_clear_pointer (&shift->to, g_time_zone_unref);
      g_free (shift);
      return;
    }
  if (tx->shifts == NULL)
    tx->shifts = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                        (GDestroyNotify)zone_shift_free);
  g_hash_table_insert (tx->shifts, g_memdup2 (&community, sizeof community), shift);
}

static gint64
tx_time (CohortImportTx *tx,
         gint64          community,
         gint64          ts)
{
  ZoneShift *shift;

  if (tx->shifts == NULL || ts == 0 || !(shift = g_hash_table_lookup (tx->shifts, &community)))
    return ts;
  return cohort_zone_shift (shift->from, shift->to, ts);
}

void
cohort_import_tx_set_wall_clock (CohortImportTx *tx,
                                 gboolean        wall_clock)
{
  tx->wall_clock = wall_clock;
}

/*
 * Deferring the unique key pays when there are many: up to about a hundred thousand they fit
 * the page cache of the bulk mode beside the other indexes, and putting each in place costs
 * no more than the table scan and sort at commit.  WhatsApp chats (the bench build, kept
 * against deferred, runs interleaved, one 2-core host): 10k messages 49–73 ms either way,
 * 30k 101–105 against 99–131 ms, 100k 0.36–0.48 against 0.34–0.41 s; 300k 1.29–1.56 against
 * 1.01–1.23 s and 500k 2.8–3.1 against 1.9–2.1 s, as the random content keys outgrow the
 * cache.
 */
#define KEEP_INDEXES_UP_TO 100000

gboolean
cohort_import_tx_expect_messages (CohortImportTx  *tx,
                                  guint64          n,
                                  GError         **error)
{
  cohort_db_assert_owner (tx->db);
  if (n > KEEP_INDEXES_UP_TO)
    return TRUE;
  return index_message_keys (tx, error);
}

GArray *
cohort_import_tx_get_created_wall_clock (CohortImportTx *tx)
{
  return tx->created_wall_clock;
}

gint64
cohort_import_tx_community (CohortImportTx  *tx,
                            const char      *platform,
                            const char      *platform_id,
                            const char      *name,
                            const char      *kind,
                            const char      *tz,
                            GError         **error)
{
  sqlite3_stmt *stmt = tx_stmt (tx, STMT_COMMUNITY_GET);
  gint64 id = 0;

  sqlite3_bind_text (stmt, 1, platform, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, platform_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      id = sqlite3_column_int64 (stmt, 0);
      if (tx->wall_clock)
        note_zone_shift (tx, id, tz, (const char *)sqlite3_column_text (stmt, 1));
    }

  if (id != 0)
    {
      /* A newer export may carry a renamed chat; the zone chosen earlier stays. */
      stmt = tx_stmt (tx, STMT_COMMUNITY_UPDATE);
      sqlite3_bind_int64 (stmt, 1, id);
      sqlite3_bind_text (stmt, 2, name, -1, SQLITE_TRANSIENT);
      bind_text_or_null (stmt, 3, kind);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        return cohort_db_set_sql_error (tx->db, error, "update community"), 0;
    }
  else
    {
      stmt = tx_stmt (tx, STMT_COMMUNITY_INSERT);
      sqlite3_bind_text (stmt, 1, platform, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, platform_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 3, name, -1, SQLITE_TRANSIENT);
      bind_text_or_null (stmt, 4, kind);
      sqlite3_bind_text (stmt, 5, tz ? tz : "UTC", -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 6, tx->run_id);
      sqlite3_bind_int (stmt, 7, tx->wall_clock ? 1 : 0);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        return cohort_db_set_sql_error (tx->db, error, "add community"), 0;
      id = sqlite3_last_insert_rowid (tx->db->db);
      if (tx->wall_clock)
        g_array_append_val (tx->created_wall_clock, id);
    }

  if (!g_hash_table_contains (tx->touched, &id))
    {
      g_hash_table_add (tx->touched, g_memdup2 (&id, sizeof id));
      tx->counts.communities++;
    }
  return id;
}

/* Members seen in this import, so that the millions of messages of one export do not each
 * cost a SELECT: one table per community, keyed by platform uid. */
typedef struct
{
  gint64 id;
  gboolean bot;
} MemberEntry;

/* Each message asks once or twice, nearly always for the community the one before asked for. */
static GHashTable *
community_members (CohortImportTx *tx,
                   gint64          community)
{
  GHashTable *members;

  if (tx->last_members != NULL && tx->last_community == community)
    return tx->last_members;
  members = g_hash_table_lookup (tx->member_ids, &community);
  if (members == NULL)
    {
      members = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      g_hash_table_insert (tx->member_ids, g_memdup2 (&community, sizeof community), members);
    }
  tx->last_members = members;
  tx->last_community = community;
  return members;
}

static MemberEntry *
find_member (CohortImportTx *tx,
             gint64          community,
             const char     *uid)
{
  return g_hash_table_lookup (community_members (tx, community), uid);
}

static gint64
lookup_member (CohortImportTx *tx,
               gint64          community,
               const char     *uid)
{
  MemberEntry *entry = find_member (tx, community, uid);

  return entry ? entry->id : 0;
}

gboolean
cohort_import_tx_member (CohortImportTx  *tx,
                         gint64           community,
                         const char      *platform_uid,
                         const char      *display_name,
                         gboolean         is_bot,
                         GError         **error)
{
  MemberEntry *entry;
  sqlite3_stmt *stmt;
  gint64 id = 0;
  gboolean rename = FALSE;

  g_return_val_if_fail (platform_uid != NULL, FALSE);

  if ((entry = find_member (tx, community, platform_uid)) != NULL)
    {
      /* Seen earlier in this import: only a bot flag learnt later needs writing. */
      if (!is_bot || entry->bot)
        return TRUE;
      stmt = tx_stmt (tx, STMT_MEMBER_RENAME);
      sqlite3_bind_int64 (stmt, 1, entry->id);
      bind_text_or_null (stmt, 2, display_name);
      sqlite3_bind_int (stmt, 3, 1);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        return cohort_db_set_sql_error (tx->db, error, "flag bot");
      entry->bot = TRUE;
      return TRUE;
    }

  stmt = tx_stmt (tx, STMT_MEMBER_GET);
  sqlite3_bind_int64 (stmt, 1, community);
  sqlite3_bind_text (stmt, 2, platform_uid, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      id = sqlite3_column_int64 (stmt, 0);
      rename = display_name != NULL &&
               g_strcmp0 ((const char *)sqlite3_column_text (stmt, 1), display_name) != 0;
    }

  if (id == 0)
    {
      stmt = tx_stmt (tx, STMT_MEMBER_INSERT);
      sqlite3_bind_int64 (stmt, 1, community);
      sqlite3_bind_text (stmt, 2, platform_uid, -1, SQLITE_TRANSIENT);
      bind_text_or_null (stmt, 3, display_name);
      sqlite3_bind_int (stmt, 4, is_bot ? 1 : 0);
      sqlite3_bind_int64 (stmt, 5, tx->run_id);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        return cohort_db_set_sql_error (tx->db, error, "add member");
      id = sqlite3_last_insert_rowid (tx->db->db);
      tx->counts.members_added++;
    }
  else if (rename || is_bot)
    {
      stmt = tx_stmt (tx, STMT_MEMBER_RENAME);
      sqlite3_bind_int64 (stmt, 1, id);
      bind_text_or_null (stmt, 2, display_name);
      sqlite3_bind_int (stmt, 3, is_bot ? 1 : 0);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        return cohort_db_set_sql_error (tx->db, error, "rename member");
    }

  entry = g_new (MemberEntry, 1);
  entry->id = id;
  entry->bot = is_bot;
  g_hash_table_insert (community_members (tx, community), g_strdup (platform_uid), entry);
  return TRUE;
}

/* The span of the times this import carries, for the importer's plausibility check. */
static void
note_time (CohortImportTx *tx,
           gint64          ts)
{
  if (tx->n_times++ == 0 || ts < tx->first_ts)
    tx->first_ts = ts;
  if (tx->n_times == 1 || ts > tx->last_ts)
    tx->last_ts = ts;
}

gboolean
cohort_import_tx_get_time_span (CohortImportTx *tx,
                                gint64         *first,
                                gint64         *last)
{
  *first = tx->first_ts;
  *last = tx->last_ts;
  return tx->n_times > 0;
}

/* INSERT OR IGNORE skipped the message: fine when an earlier import brought it, a damaged
 * (or hand-merged) export when this same import already added that id. */
static gboolean
check_not_repeated (CohortImportTx             *tx,
                    const CohortMessageRecord  *r,
                    GError                    **error)
{
  sqlite3_stmt *stmt;

  if (!index_message_keys (tx, error))
    return FALSE;
  stmt = tx_stmt (tx, STMT_MESSAGE_RUN);
  sqlite3_bind_int64 (stmt, 1, r->community);
  bind_text_or_null (stmt, 2, r->platform_msg_id);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_int64 (stmt, 0) == tx->run_id)
    {
      g_set_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_INVALID_DATA,
                   _("the message id %s appears twice"), r->platform_msg_id);
      return FALSE;
    }
  return TRUE;
}

/* The member id of a message's sender, added to the import when first seen. */
static gboolean
message_member (CohortImportTx             *tx,
                const CohortMessageRecord  *r,
                gint64                     *member,
                GError                    **error)
{
  *member = 0;
  if (r->member_uid == NULL || (*member = lookup_member (tx, r->community, r->member_uid)) != 0)
    return TRUE;
  if (!cohort_import_tx_member (tx, r->community, r->member_uid, NULL, FALSE, error))
    return FALSE;
  *member = lookup_member (tx, r->community, r->member_uid);
  return TRUE;
}

static guint
message_columns (CohortImportTx *tx)
{
  return tx->reply_members ? MESSAGE_COLUMNS : MESSAGE_COLUMNS - 1;
}

/* The INSERT of n_rows messages, numbered one after another as bind_message () binds them. */
static char *
message_insert_sql (CohortImportTx *tx,
                    guint           n_rows)
{
  GString *sql = g_string_new (MESSAGE_COLUMN_LIST);
  guint columns = message_columns (tx);

  g_string_append (sql, tx->reply_members ? ", reply_member) VALUES " : ") VALUES ");
  for (guint i = 0; i < n_rows; i++)
    {
      g_string_append (sql, i == 0 ? "(?" : ", (?");
      for (guint c = 1; c < columns; c++)
        g_string_append (sql, ", ?");
      g_string_append_c (sql, ')');
    }
  return g_string_free (sql, FALSE);
}

/* A message INSERT, prepared on first use: most imports of a few rows never need the
 * multi-row ones.  Like tx_stmt () for the others. */
static sqlite3_stmt *
message_stmt (CohortImportTx  *tx,
              int              which,
              guint            n_rows,
              GError         **error)
{
  cohort_db_assert_owner (tx->db);
  g_assert (tx->open);
  if (tx->stmts[which] == NULL)
    {
      g_autofree char *sql = message_insert_sql (tx, n_rows);

      if (sqlite3_prepare_v2 (tx->db->db, sql, -1, &tx->stmts[which], NULL) != SQLITE_OK)
        {
          cohort_db_set_sql_error (tx->db, error, "prepare import");
          return NULL;
        }
    }
  sqlite3_reset (tx->stmts[which]);
  return tx->stmts[which];
}

/*
 * Whom a reply answers is stored with it (reply_member, schema v12), so that a snapshot load
 * need not look every target up.  Almost every reply answers a message a little before it,
 * so the import keeps the senders of its latest messages in a direct-mapped table keyed by a
 * 64-bit hash of (community, platform id): a slot holds the last message that hashed to it.
 * A reply whose target is not there (older, evicted, in another import, not yet read) is
 * written unresolved, and cohort_db_resolve_replies () finds its target at commit.  Two
 * ids of a community with the same 64-bit hash would give a reply the wrong member; with
 * a reply compared with one slot's key that is a chance of 2^-64.  Tests shrink the table,
 * to nothing too, so that replies take the commit's way.
 */
static guint recent_sender_bits = 16;

void
_cohort_db_set_recent_sender_bits (guint bits)
{
  recent_sender_bits = MIN (bits, 24);
}

/* FNV-1a over the community's eight bytes, then the id's, so that no (community, id) pair
 * runs into another by construction; MurmurHash3's finaliser spreads it over the slots. */
static guint64
recent_sender_key (gint64      community,
                   const char *platform_msg_id)
{
  guint64 h = 0xcbf29ce484222325ull;

  for (guint i = 0; i < 8; i++)
    h = (h ^ (((guint64)community >> (8 * i)) & 0xff)) * 0x100000001b3ull;
  for (const guchar *p = (const guchar *)platform_msg_id; *p != '\0'; p++)
    h = (h ^ *p) * 0x100000001b3ull;
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  /* 0 marks an empty slot */
  return h != 0 ? h : 1;
}

/* The slot of a key: its high bits, the low ones being the last to mix. */
static RecentSender *
recent_slot (CohortImportTx *tx,
             guint64         key)
{
  return &tx->recent[key >> (64 - tx->recent_bits)];
}

static void
remember_sender (CohortImportTx            *tx,
                 const CohortMessageRecord *r,
                 gint64                     member)
{
  guint64 key;

  if (r->platform_msg_id == NULL)
    return;
  if (tx->recent == NULL)
    {
      if (recent_sender_bits == 0)
        return;
      tx->recent_bits = recent_sender_bits;
      tx->recent = g_new0 (RecentSender, (gsize)1 << tx->recent_bits);
    }
  key = recent_sender_key (r->community, r->platform_msg_id);
  *recent_slot (tx, key) = (RecentSender) { key, member };
}

/* The member the reply r answers, 0 for none known here: no reply, a target not among the
 * recent messages, or one without a member. */
static gint64
recent_reply_member (CohortImportTx            *tx,
                     const CohortMessageRecord *r)
{
  const RecentSender *slot;
  guint64 key;

  if (r->reply_to == NULL || tx->recent == NULL)
    return 0;
  key = recent_sender_key (r->community, r->reply_to);
  slot = recent_slot (tx, key);
  return slot->key == key ? slot->member : 0;
}

/* Binds one message to the 14 parameters from first on.  Every parameter is bound, NULLs
 * included, so that the multi-row statement needs no sqlite3_clear_bindings (). */
static void
bind_message (CohortImportTx            *tx,
              sqlite3_stmt              *stmt,
              int                        first,
              const CohortMessageRecord *r,
              gint64                     member)
{
  gint64 reply_member = recent_reply_member (tx, r);

  sqlite3_bind_int64 (stmt, first, r->community);
  if (member != 0)
    sqlite3_bind_int64 (stmt, first + 1, member);
  else
    sqlite3_bind_null (stmt, first + 1);
  bind_text_or_null (stmt, first + 2, r->platform_msg_id);
  sqlite3_bind_int64 (stmt, first + 3, tx_time (tx, r->community, r->ts));
  sqlite3_bind_int (stmt, first + 4, r->kind);
  sqlite3_bind_int (stmt, first + 5, r->length);
  bind_text_or_null (stmt, first + 6, r->reply_to);
  sqlite3_bind_int (stmt, first + 7, r->forwarded ? 1 : 0);
  if (r->edited_ts != 0)
    sqlite3_bind_int64 (stmt, first + 8, tx_time (tx, r->community, r->edited_ts));
  else
    sqlite3_bind_null (stmt, first + 8);
  sqlite3_bind_int (stmt, first + 9, r->is_mech ? 1 : 0);
  bind_text_or_null (stmt, first + 10, r->mech_reason);
  bind_text_or_null (stmt, first + 11, r->text);
  sqlite3_bind_int64 (stmt, first + 12, tx->run_id);
  if (!tx->reply_members)
    return;
  if (reply_member != 0)
    sqlite3_bind_int64 (stmt, first + 13, reply_member);
  else
    sqlite3_bind_null (stmt, first + 13);
}

static void
count_added (CohortImportTx            *tx,
             const CohortMessageRecord *r)
{
  if (r->kind == COHORT_MESSAGE_SYSTEM)
    tx->counts.system_added++;
  else
    tx->counts.messages_added++;
}

gboolean
cohort_import_tx_message (CohortImportTx             *tx,
                          const CohortMessageRecord  *r,
                          GError                    **error)
{
  sqlite3_stmt *stmt;
  gint64 member;

  note_time (tx, r->ts);
  if (!message_member (tx, r, &member, error))
    return FALSE;
  remember_sender (tx, r, member);

  if ((stmt = message_stmt (tx, STMT_MESSAGE_INSERT, 1, error)) == NULL)
    return FALSE;
  bind_message (tx, stmt, 1, r, member);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return cohort_db_set_sql_error (tx->db, error, "add message");

  if (sqlite3_changes (tx->db->db) == 0)
    {
      if (!check_not_repeated (tx, r, error))
        return FALSE;
      tx->counts.messages_present++;
    }
  else
    count_added (tx, r);
  return TRUE;
}

/*
 * Some rows of a multi-row INSERT OR IGNORE were skipped: which ones, in file order.  The
 * rows it added took consecutive rowids, first to last, in the order of the VALUES (a
 * skipped row takes none), so a message whose (community, id) now finds the next of those
 * rowids was added by it; any other was there before, from an earlier import (present) or
 * from this one (an id repeated in the file, an error as in cohort_import_tx_message ()).
 */
static gboolean
sort_out_skipped (CohortImportTx                    *tx,
                  const CohortMessageRecord * const *records,
                  guint                              n_records,
                  GError                           **error)
{
  int added = sqlite3_changes (tx->db->db);
  gint64 next_added = sqlite3_last_insert_rowid (tx->db->db) - added + 1;

  if (!index_message_keys (tx, error))
    return FALSE;
  for (guint i = 0; i < n_records; i++)
    {
      const CohortMessageRecord *r = records[i];
      sqlite3_stmt *stmt = tx_stmt (tx, STMT_MESSAGE_RUN);
      gboolean found;

      sqlite3_bind_int64 (stmt, 1, r->community);
      bind_text_or_null (stmt, 2, r->platform_msg_id);
      found = sqlite3_step (stmt) == SQLITE_ROW;
      if (found && added > 0 && sqlite3_column_int64 (stmt, 1) == next_added)
        {
          next_added++;
          added--;
          count_added (tx, r);
        }
      else if (found && sqlite3_column_int64 (stmt, 0) == tx->run_id)
        {
          g_set_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_INVALID_DATA,
                       _("the message id %s appears twice"), r->platform_msg_id);
          return FALSE;
        }
      else
        tx->counts.messages_present++;
    }
  return TRUE;
}

/*
 * When the unique (community, platform_msg_id) keys come in order they are appended, and
 * keeping the index costs less than building it at commit (Telegram's and Discord's
 * counted-up ids); content keys are hashes (WhatsApp), whose inserts land all over it.  So
 * the first statement of MESSAGE_ROWS rows judges: when most of its ids ascend, the deferred
 * index is built at once, over the few rows written so far, and kept.  Either way the rows,
 * the indexes and their order end the same; only the time differs.
 */
static gboolean
ids_ascend (const CohortMessageRecord * const *records,
            guint                              n_records)
{
  guint ascending = 0;

  for (guint i = 1; i < n_records; i++)
    if (records[i - 1]->platform_msg_id != NULL && records[i]->platform_msg_id != NULL &&
        strcmp (records[i - 1]->platform_msg_id, records[i]->platform_msg_id) < 0)
      ascending++;
  return ascending * 4 >= (n_records - 1) * 3;
}

static gboolean
keep_indexes_if_ordered (CohortImportTx                    *tx,
                         const CohortMessageRecord * const *records,
                         GError                           **error)
{
  if (!tx->indexes_deferred || tx->order_judged)
    return TRUE;
  tx->order_judged = TRUE;
  if (!ids_ascend (records, MESSAGE_ROWS))
    return TRUE;
  return index_message_keys (tx, error);
}

/* The multi-row statements, largest first. */
static const struct
{
  guint rows;
  int   stmt;
} message_statements[] = {
  { MESSAGE_ROWS, STMT_MESSAGE_INSERT_64 },
  { 16, STMT_MESSAGE_INSERT_16 },
  { 4, STMT_MESSAGE_INSERT_4 },
};

/* n_rows messages in one statement, that of message_statements[which]. */
static gboolean
write_message_rows (CohortImportTx                    *tx,
                    const CohortMessageRecord * const *records,
                    guint                              which,
                    GError                           **error)
{
  guint n_rows = message_statements[which].rows;
  int stmt_index = message_statements[which].stmt;
  guint columns = message_columns (tx);
  gint64 members[MESSAGE_ROWS];
  sqlite3_stmt *stmt;

  /* Senders first, in file order, so that new members get the ids they got one message at
   * a time. */
  for (guint i = 0; i < n_rows; i++)
    {
      note_time (tx, records[i]->ts);
      if (!message_member (tx, records[i], &members[i], error))
        return FALSE;
      remember_sender (tx, records[i], members[i]);
    }

  cohort_db_assert_owner (tx->db);
  g_assert (tx->open);
  if (n_rows == MESSAGE_ROWS && !keep_indexes_if_ordered (tx, records, error))
    return FALSE;
  if ((stmt = message_stmt (tx, stmt_index, n_rows, error)) == NULL)
    return FALSE;
  for (guint i = 0; i < n_rows; i++)
    bind_message (tx, stmt, 1 + i * columns, records[i], members[i]);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return cohort_db_set_sql_error (tx->db, error, "add message");

  if (sqlite3_changes (tx->db->db) < (int) n_rows)
    return sort_out_skipped (tx, records, n_rows, error);
  for (guint i = 0; i < n_rows; i++)
    count_added (tx, records[i]);
  return TRUE;
}

gboolean
cohort_import_tx_messages (CohortImportTx                    *tx,
                           const CohortMessageRecord * const *records,
                           guint                              n_records,
                           GError                           **error)
{
  guint i = 0;

  for (guint which = 0; which < G_N_ELEMENTS (message_statements); which++)
    for (; i + message_statements[which].rows <= n_records; i += message_statements[which].rows)
      if (!write_message_rows (tx, records + i, which, error))
        return FALSE;
  for (; i < n_records; i++)
    if (!cohort_import_tx_message (tx, records[i], error))
      return FALSE;
  return TRUE;
}

gboolean
cohort_import_tx_reaction (CohortImportTx  *tx,
                           gint64           community,
                           const char      *platform_msg_id,
                           const char      *emoji,
                           gint64           count,
                           GError         **error)
{
  sqlite3_stmt *stmt;
  gint64 message;
  int rc;

  if (count < 0)
    {
      g_set_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_INVALID_DATA,
                   _("a reaction is counted %" PRId64 " times; a count is never "
                     "negative in a real export"), count);
      return FALSE;
    }
  /* A reaction to a message that is not there adds nothing. */
  if (!index_message_keys (tx, error))
    return FALSE;
  stmt = tx_stmt (tx, STMT_MESSAGE_ID);
  sqlite3_bind_int64 (stmt, 1, community);
  bind_text_or_null (stmt, 2, platform_msg_id);
  if ((rc = sqlite3_step (stmt)) == SQLITE_DONE)
    return TRUE;
  if (rc != SQLITE_ROW)
    return cohort_db_set_sql_error (tx->db, error, "add reaction");
  message = sqlite3_column_int64 (stmt, 0);

  /* An update leaves the last insert rowid alone, an insert sets it: to tell them apart it
   * starts at 0, which no row has (comparing with the rowid before missed the reaction whose
   * rowid happened to be that of the row inserted last, a message or a member). */
  stmt = tx_stmt (tx, STMT_REACTION_UPSERT);
  sqlite3_set_last_insert_rowid (tx->db->db, 0);
  sqlite3_bind_int64 (stmt, 1, message);
  bind_text_or_null (stmt, 2, emoji);
  sqlite3_bind_int64 (stmt, 3, count);
  sqlite3_bind_int64 (stmt, 4, tx->run_id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return cohort_db_set_sql_error (tx->db, error, "add reaction");
  if (sqlite3_changes (tx->db->db) > 0 && sqlite3_last_insert_rowid (tx->db->db) != 0)
    tx->counts.reactions_added++;
  return TRUE;
}

static gint64
ensure_member (CohortImportTx  *tx,
               gint64           community,
               const char      *uid,
               GError         **error)
{
  gint64 id = lookup_member (tx, community, uid);

  if (id == 0 && cohort_import_tx_member (tx, community, uid, NULL, FALSE, error))
    id = lookup_member (tx, community, uid);
  return id;
}

/* For the other files of the store that add rows inside the import transaction. */
CohortDb *
_cohort_import_tx_get_db (CohortImportTx *tx)
{
  cohort_db_assert_owner (tx->db);
  g_assert (tx->open);
  return tx->db;
}

CohortImportCounts *
_cohort_import_tx_counts (CohortImportTx *tx)
{
  return &tx->counts;
}

gint64
_cohort_import_tx_ensure_member (CohortImportTx  *tx,
                                 gint64           community,
                                 const char      *uid,
                                 GError         **error)
{
  return ensure_member (tx, community, uid, error);
}

gboolean
cohort_import_tx_event (CohortImportTx  *tx,
                        gint64           community,
                        const char      *member_uid,
                        gint64           ts,
                        const char      *type,
                        const char      *ref,
                        GError         **error)
{
  sqlite3_stmt *stmt;
  gint64 member;

  note_time (tx, ts);
  if ((member = ensure_member (tx, community, member_uid, error)) == 0)
    return FALSE;
  stmt = tx_stmt (tx, STMT_EVENT_INSERT);
  sqlite3_bind_int64 (stmt, 1, community);
  sqlite3_bind_int64 (stmt, 2, member);
  sqlite3_bind_int64 (stmt, 3, tx_time (tx, community, ts));
  sqlite3_bind_text (stmt, 4, type, -1, SQLITE_STATIC);
  bind_text_or_null (stmt, 5, ref);
  sqlite3_bind_int64 (stmt, 6, tx->run_id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return cohort_db_set_sql_error (tx->db, error, "add event");
  tx->counts.events_added += sqlite3_changes (tx->db->db);
  return TRUE;
}

gboolean
cohort_import_tx_invite (CohortImportTx  *tx,
                         gint64           community,
                         const char      *inviter_uid,
                         const char      *invitee_uid,
                         gint64           ts,
                         const char      *channel,
                         GError         **error)
{
  sqlite3_stmt *stmt;
  gint64 inviter = ensure_member (tx, community, inviter_uid, error);
  gint64 invitee = inviter ? ensure_member (tx, community, invitee_uid, error) : 0;

  if (inviter == 0 || invitee == 0)
    return FALSE;
  if (inviter == invitee)
    return TRUE;
  stmt = tx_stmt (tx, STMT_INVITE_INSERT);
  sqlite3_bind_int64 (stmt, 1, community);
  sqlite3_bind_int64 (stmt, 2, inviter);
  sqlite3_bind_int64 (stmt, 3, invitee);
  sqlite3_bind_int64 (stmt, 4, tx_time (tx, community, ts));
  bind_text_or_null (stmt, 5, channel);
  sqlite3_bind_int64 (stmt, 6, tx->run_id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return cohort_db_set_sql_error (tx->db, error, "add invite");
  tx->counts.invites_added += sqlite3_changes (tx->db->db);
  return TRUE;
}

/* Spans (METRICS.md §0.4) are derived data: rebuilt for every community an import touched,
 * from all of its join/leave/kick events and messages, inside the same transaction. */
typedef struct
{
  sqlite3_stmt *insert;
  gint64 member;
  gint64 start;
  const char *start_kind;
  gboolean open;
  int n_spans;
} SpanBuilder;

static gboolean
span_emit (SpanBuilder *b,
           gint64       end,
           const char  *end_kind)
{
  sqlite3_reset (b->insert);
  sqlite3_bind_int64 (b->insert, 1, b->member);
  sqlite3_bind_int64 (b->insert, 2, b->start);
  if (end_kind != NULL)
    sqlite3_bind_int64 (b->insert, 3, end);
  else
    sqlite3_bind_null (b->insert, 3);
  sqlite3_bind_text (b->insert, 4, b->start_kind, -1, SQLITE_STATIC);
  bind_text_or_null (b->insert, 5, end_kind);
  b->open = FALSE;
  b->n_spans++;
  return sqlite3_step (b->insert) == SQLITE_DONE;
}

static gboolean
span_feed (SpanBuilder *b,
           gint64       member,
           gint64       ts,
           const char  *type)
{
  gboolean is_join = strcmp (type, "join") == 0;
  gboolean is_end = strcmp (type, "leave") == 0 || strcmp (type, "kick") == 0;

  if (member != b->member)
    {
      if (b->open && !span_emit (b, 0, NULL))
        return FALSE;
      b->member = member;
      b->n_spans = 0;
      b->open = FALSE;
    }

  if (!b->open && !is_end)
    {
      /* A join opens a span; so does a message outside every span (an inferred start). */
      b->open = TRUE;
      b->start = ts;
      b->start_kind = is_join ? (b->n_spans == 0 ? "join" : "rejoin") : "inferred";
    }
  else if (b->open && is_end)
    {
      return span_emit (b, ts, type);
    }
  /* A join while open is a duplicate; a leave with no open span is a data-quality note. */
  return TRUE;
}

typedef struct
{
  gint64 member;
  gint64 ts;
  int order;          /* join 1, message 2, leave/kick 3: the order at equal times */
  const char *type;
} SpanItem;

static int
compare_span_items (gconstpointer a,
                    gconstpointer b)
{
  const SpanItem *x = a, *y = b;

  if (x->member != y->member)
    return x->member < y->member ? -1 : 1;
  if (x->ts != y->ts)
    return x->ts < y->ts ? -1 : 1;
  return x->order - y->order;
}

static gboolean
collect_span_events (CohortDb   *db,
                     gint64      community,
                     GArray     *items,
                     GHashTable *ended)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db->db,
                          "SELECT member, ts, type FROM event WHERE community = ?1 "
                          "AND type IN ('join', 'leave', 'kick')", -1, &stmt, NULL) != SQLITE_OK)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, community);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *type = (const char *)sqlite3_column_text (stmt, 2);
      SpanItem item = { sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1), 1, "join" };

      if (strcmp (type, "join") != 0)
        {
          item.order = 3;
          item.type = strcmp (type, "kick") == 0 ? "kick" : "leave";
          g_hash_table_add (ended, g_memdup2 (&item.member, sizeof item.member));
        }
      g_array_append_val (items, item);
    }
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE;
}

/* A member whose membership never ended needs only their first message (it may open the
 * span); one who left needs every message, since a message after a leave opens an inferred
 * span.  Both come from the (member, ts) index. */
static gboolean
collect_span_messages (CohortDb   *db,
                       gint64      community,
                       GArray     *items,
                       GHashTable *ended)
{
  sqlite3_stmt *members = NULL, *first = NULL, *all = NULL;
  gboolean ok = FALSE;
  int rc;

  if (sqlite3_prepare_v2 (db->db, "SELECT id FROM member WHERE community = ?1", -1, &members, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (db->db, "SELECT ts FROM message WHERE member = ?1 AND kind != ?2 ORDER BY ts LIMIT 1",
                          -1, &first, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (db->db, "SELECT ts FROM message WHERE member = ?1 AND kind != ?2 ORDER BY ts",
                          -1, &all, NULL) != SQLITE_OK)
    goto out;

  sqlite3_bind_int64 (members, 1, community);
  while ((rc = sqlite3_step (members)) == SQLITE_ROW)
    {
      gint64 member = sqlite3_column_int64 (members, 0);
      sqlite3_stmt *stmt = g_hash_table_contains (ended, &member) ? all : first;

      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, member);
      sqlite3_bind_int (stmt, 2, COHORT_MESSAGE_SYSTEM);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          SpanItem item = { member, sqlite3_column_int64 (stmt, 0), 2, "message" };
          g_array_append_val (items, item);
        }
    }
  ok = rc == SQLITE_DONE;

out:
  sqlite3_finalize (members);
  sqlite3_finalize (first);
  sqlite3_finalize (all);
  return ok;
}

/* Partial-index scans: message_reply_unresolved holds the replies of the first statement,
 * and the target is found on the unique index.  A target without a member leaves the reply
 * as it is, so that the statement writes only the rows it changes. */
static const char resolve_replies_sql[] =
  "UPDATE message SET reply_member = (SELECT r.member FROM message r"
  "  WHERE r.platform_msg_id = message.reply_to AND r.community = message.community)"
  " WHERE community = ?1 AND reply_to IS NOT NULL AND reply_member IS NULL"
  " AND EXISTS (SELECT 1 FROM message r WHERE r.platform_msg_id = message.reply_to"
  "   AND r.community = message.community AND r.member IS NOT NULL)";
static const char forget_gone_targets_sql[] =
  "UPDATE message SET reply_member = NULL"
  " WHERE community = ?1 AND reply_member IS NOT NULL"
  " AND NOT EXISTS (SELECT 1 FROM message r WHERE r.platform_msg_id = message.reply_to"
  "   AND r.community = message.community AND r.member = message.reply_member)";

static gboolean
run_community_update (CohortDb    *db,
                      const char  *sql,
                      gint64       community,
                      const char  *what,
                      GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  if (!stores_reply_members (db))
    return TRUE;
  if ((stmt = cohort_db_prepare_bound (db, sql, community, 0)) == NULL)
    return cohort_db_set_sql_error (db, error, what);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return cohort_db_set_sql_error (db, error, what);
  return TRUE;
}

gboolean
cohort_db_resolve_replies (CohortDb  *db,
                           gint64     community,
                           GError   **error)
{
  return run_community_update (db, resolve_replies_sql, community, "resolve replies", error);
}

gboolean
cohort_db_forget_gone_reply_targets (CohortDb  *db,
                                     gint64     community,
                                     GError   **error)
{
  return run_community_update (db, forget_gone_targets_sql, community, "forget reply targets",
                               error);
}

gboolean
cohort_db_rebuild_spans (CohortDb  *db,
                         gint64     community,
                         GError   **error)
{
  g_autoptr(GArray) items = g_array_new (FALSE, FALSE, sizeof (SpanItem));
  g_autoptr(GHashTable) ended = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  sqlite3_stmt *del = NULL, *ins = NULL, *seen = NULL;
  SpanBuilder b = { 0, };
  gboolean ok = FALSE;

  if (sqlite3_prepare_v2 (db->db,
                          "DELETE FROM span WHERE member IN (SELECT id FROM member WHERE community = ?1)",
                          -1, &del, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (db->db,
                          "INSERT INTO span (member, start_ts, end_ts, start_kind, end_kind) "
                          "VALUES (?1, ?2, ?3, ?4, ?5)", -1, &ins, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (db->db,
                          "UPDATE member SET "
                          " first_seen = (SELECT min(ts) FROM message WHERE member = member.id),"
                          " last_seen = (SELECT max(ts) FROM message WHERE member = member.id) "
                          "WHERE community = ?1", -1, &seen, NULL) != SQLITE_OK ||
      !collect_span_events (db, community, items, ended) ||
      !collect_span_messages (db, community, items, ended))
    {
      cohort_db_set_sql_error (db, error, "rebuild spans");
      goto out;
    }

  sqlite3_bind_int64 (del, 1, community);
  if (sqlite3_step (del) != SQLITE_DONE)
    {
      cohort_db_set_sql_error (db, error, "clear spans");
      goto out;
    }

  g_array_sort (items, compare_span_items);
  b.insert = ins;
  for (guint i = 0; i < items->len; i++)
    {
      const SpanItem *item = &g_array_index (items, SpanItem, i);

      if (!span_feed (&b, item->member, item->ts, item->type))
        {
          cohort_db_set_sql_error (db, error, "write spans");
          goto out;
        }
    }
  if (b.open && !span_emit (&b, 0, NULL))
    {
      cohort_db_set_sql_error (db, error, "write spans");
      goto out;
    }

  sqlite3_bind_int64 (seen, 1, community);
  if (sqlite3_step (seen) != SQLITE_DONE)
    {
      cohort_db_set_sql_error (db, error, "update members");
      goto out;
    }
  /* Spans are rebuilt after every write to a community's messages and members, so this is
   * the one place that marks its cached snapshot stale for all of them. */
  ok = _cohort_db_bump_generation (db, community, error);

out:
  sqlite3_finalize (del);
  sqlite3_finalize (ins);
  sqlite3_finalize (seen);
  return ok;
}

static void
tx_free (CohortImportTx *tx)
{
  for (guint i = 0; i < N_STMTS; i++)
    sqlite3_finalize (tx->stmts[i]);
  g_clear_pointer (&tx->member_ids, g_hash_table_unref);
  g_clear_pointer (&tx->touched, g_hash_table_unref);
  g_clear_pointer (&tx->shifts, g_hash_table_unref);
  g_clear_pointer (&tx->created_wall_clock, g_array_unref);
  g_free (tx->recent);
  g_free (tx->options);
  g_free (tx);
}

/* Rolls the import back.  One that carried a new file's schema (create_schema ()) leaves the
 * file blank, so the schema is made again, pending as before, for the record of the failure
 * and for whatever this connection writes next. */
static void
import_abandoned (CohortImportTx *tx)
{
  CohortDb *db = tx->db;
  gboolean carried = tx->carries_schema;
  g_autoptr(GError) error = NULL;

  cohort_db_exec (db, "ROLLBACK", NULL);
  end_bulk_mode (db);
  tx_free (tx);
  if (carried && !create_schema (db, COHORT_SCHEMA_VERSION, &error))
    g_warning ("Could not make the schema of %s again: %s", db->path, error->message);
}

void
cohort_import_tx_set_options (CohortImportTx *tx,
                              const char     *options)
{
  g_free (tx->options);
  tx->options = g_strdup (options);
}

gint64
cohort_import_tx_get_run (CohortImportTx *tx)
{
  return tx->run_id;
}

gboolean
cohort_import_tx_commit (CohortImportTx  *tx,
                         GError         **error)
{
  GHashTableIter iter;
  gpointer key;
  sqlite3_stmt *stmt = NULL;

  cohort_db_assert_owner (tx->db);

  /* Before the spans, which read messages by (member, ts). */
  if (!index_message_keys (tx, error))
    {
      cohort_import_tx_rollback (tx);
      return FALSE;
    }
  g_hash_table_iter_init (&iter, tx->touched);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!cohort_db_resolve_replies (tx->db, *(gint64 *)key, error) ||
        !cohort_db_rebuild_spans (tx->db, *(gint64 *)key, error) ||
        !cohort_db_assign_identities (tx->db, *(gint64 *)key, error))
      {
        cohort_import_tx_rollback (tx);
        return FALSE;
      }

  if (sqlite3_prepare_v2 (tx->db->db,
                          "UPDATE import_run SET status = 'ok', finished_ts = strftime('%s','now'), "
                          "communities = ?2, members_added = ?3, messages_added = ?4, "
                          "events_added = ?5, system_added = ?6, invites_added = ?7, "
                          "reactions_added = ?8, messages_present = ?9, duration_ms = ?10, "
                          "options = ?11 WHERE id = ?1", -1, &stmt, NULL) != SQLITE_OK)
    {
      cohort_db_set_sql_error (tx->db, error, "record import");
      cohort_import_tx_rollback (tx);
      return FALSE;
    }
  sqlite3_bind_int64 (stmt, 1, tx->run_id);
  sqlite3_bind_int64 (stmt, 2, tx->counts.communities);
  sqlite3_bind_int64 (stmt, 3, tx->counts.members_added);
  sqlite3_bind_int64 (stmt, 4, tx->counts.messages_added);
  sqlite3_bind_int64 (stmt, 5, tx->counts.events_added);
  sqlite3_bind_int64 (stmt, 6, tx->counts.system_added);
  sqlite3_bind_int64 (stmt, 7, tx->counts.invites_added);
  sqlite3_bind_int64 (stmt, 8, tx->counts.reactions_added);
  sqlite3_bind_int64 (stmt, 9, tx->counts.messages_present);
  sqlite3_bind_int64 (stmt, 10, (g_get_monotonic_time () - tx->started_us) / 1000);
  bind_text_or_null (stmt, 11, tx->options);
  sqlite3_step (stmt);
  sqlite3_finalize (stmt);

  for (guint i = 0; i < N_STMTS; i++)
    g_clear_pointer (&tx->stmts[i], sqlite3_finalize);

  if (!cohort_db_exec (tx->db, "COMMIT", error))
    {
      import_abandoned (tx);
      return FALSE;
    }
  end_bulk_mode (tx->db);
  tx_free (tx);
  return TRUE;
}

void
cohort_import_tx_rollback (CohortImportTx *tx)
{
  if (tx == NULL)
    return;
  cohort_db_assert_owner (tx->db);
  for (guint i = 0; i < N_STMTS; i++)
    g_clear_pointer (&tx->stmts[i], sqlite3_finalize);
  import_abandoned (tx);
}
