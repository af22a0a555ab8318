/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <archive.h>
#include <archive_entry.h>
#include <glib/gstdio.h>

#include "cohort-test-db.h"
#include "cohort-format.h"
#include "cohort-importer.h"
#include "cohort-store.h"

/*
 * WhatsApp "Export chat" importer tests.  Every expected number is computed by hand from
 * the fixtures in tests/data/whatsapp/ (README.md there lists them line by line).
 */

typedef CohortTestDb Fixture;

/* ------------------------------------------------------------------------------------- */
/* Helpers                                                                               */
/* ------------------------------------------------------------------------------------- */

static char *
fixture_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", "whatsapp", name, NULL);
}

static CohortImportResult *
import_path (CohortDb      *db,
             const char    *path,
             const char    *tz,
             const char    *format,
             const char    *date_order,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  CohortImportOptions options = { tz, format, date_order };

  return cohort_import_file (db, file, &options, NULL, NULL, cancellable, error);
}

static CohortImportResult *
import_ok (CohortDb   *db,
           const char *path,
           const char *tz,
           const char *date_order)
{
  g_autoptr(GError) error = NULL;
  CohortImportResult *result = import_path (db, path, tz, NULL, date_order, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_cmpstr (result->format, ==, "whatsapp");
  return result;
}

static CohortImportResult *
import_fixture (CohortDb   *db,
                const char *name,
                const char *tz)
{
  g_autofree char *path = fixture_path (name);

  return import_ok (db, path, tz, NULL);
}

typedef struct
{
  const char *name;
  const char *tz;
  gint64 members, posting, messages, mech, system, joins, leaves, invites;
  gint64 first_message, last_message;
} Expect;

static CohortCommunityInfo *
only_community (GPtrArray *list)
{
  g_assert_cmpuint (list->len, ==, 1);
  return g_ptr_array_index (list, 0);
}

static void
check_info (const CohortCommunityInfo *info,
            const Expect              *e)
{
  g_autofree char *platform_id = g_strdup_printf ("name:%s", e->name);

  g_assert_cmpstr (info->platform, ==, "whatsapp");
  g_assert_cmpstr (info->platform_id, ==, platform_id);
  g_assert_cmpstr (info->name, ==, e->name);
  g_assert_cmpstr (info->tz, ==, e->tz);
  g_assert_cmpint (info->members, ==, e->members);
  g_assert_cmpint (info->posting_members, ==, e->posting);
  g_assert_cmpint (info->messages, ==, e->messages);
  g_assert_cmpint (info->mechanical_messages, ==, e->mech);
  g_assert_cmpint (info->system_messages, ==, e->system);
  g_assert_cmpint (info->joins, ==, e->joins);
  g_assert_cmpint (info->leaves, ==, e->leaves);
  g_assert_cmpint (info->invites, ==, e->invites);
  g_assert_cmpint (info->first_message, ==, e->first_message);
  g_assert_cmpint (info->last_message, ==, e->last_message);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* The members' names, sorted and joined with "|". */
static char *
member_names (CohortSnapshot *snap)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  for (guint i = 0; i < snap->n_members; i++)
    g_ptr_array_add (names, snap->member_name[i]);
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv ("|", (char **) names->pdata);
}

/* "uid@ts:kind" of every snapshot message, for exact per-message checks. */
static char *
message_list (CohortSnapshot *snap)
{
  g_autoptr(GString) s = g_string_new (NULL);

  for (guint i = 0; i < snap->n_messages; i++)
    g_string_append_printf (s, "%s%s@%" G_GINT64_FORMAT ":%d%s", i ? " " : "",
                            snap->member_uid[snap->msg_member[i]] + strlen ("name:"),
                            snap->msg_ts[i], snap->msg_kind[i], snap->msg_is_mech[i] ? "m" : "");
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* Messages have content keys: recompute the key of the first message with that author, time
 * and text, and read the stored text back. */
static void
check_text (CohortDb   *db,
            gint64      community,
            const char *uid,
            gint64      ts,
            const char *text)
{
  g_autoptr(CohortContentKeys) seen = cohort_content_keys_new ();
  g_autofree char *key = cohort_import_content_key (seen, uid, ts, text);
  g_autofree char *stored = cohort_db_get_message_text (db, community, key);

  g_assert_cmpstr (stored, ==, text);
}

static char *
write_temp (Fixture    *fx,
            const char *name,
            const char *contents,
            gssize      len)
{
  g_autofree char *path = g_build_filename (fx->dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, len, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&path);
}

/* Builds a zip in the fixture directory from (entry name, contents) pairs. */
static char *
write_zip (Fixture            *fx,
           const char         *zip_name,
           const char * const *entries)
{
  g_autofree char *path = g_build_filename (fx->dir, zip_name, NULL);
  struct archive *a = archive_write_new ();

  archive_write_set_format_zip (a);
  g_assert_cmpint (archive_write_open_filename (a, path), ==, ARCHIVE_OK);
  for (guint i = 0; entries[i] != NULL; i += 2)
    {
      struct archive_entry *entry = archive_entry_new ();
      gsize len = strlen (entries[i + 1]);

      archive_entry_set_pathname (entry, entries[i]);
      archive_entry_set_size (entry, len);
      archive_entry_set_filetype (entry, AE_IFREG);
      archive_entry_set_perm (entry, 0644);
      g_assert_cmpint (archive_write_header (a, entry), ==, ARCHIVE_OK);
      g_assert_cmpint (archive_write_data (a, entries[i + 1], len), ==, (la_ssize_t) len);
      archive_entry_free (entry);
    }
  archive_write_close (a);
  archive_write_free (a);
  return g_steal_pointer (&path);
}

static char *
read_fixture (const char *name)
{
  g_autofree char *path = fixture_path (name);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

static void
check_error_unchanged (Fixture    *fx,
                       const char *path,
                       const char *format,
                       int         code,
                       const char *needle)
{
  g_autofree char *before = cohort_test_describe_db (fx->db);
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CohortImportResult) result = import_path (fx->db, path, "UTC", format, NULL, NULL, &error);

  g_assert_null (result);
  g_assert_error (error, COHORT_IMPORT_ERROR, code);
  if (needle != NULL && strstr (error->message, needle) == NULL)
    {
      g_test_message ("error “%s” lacks “%s”", error->message, needle);
      g_test_fail ();
    }
  after = cohort_test_describe_db (fx->db);
  g_assert_cmpstr (before, ==, after);
}

/* ------------------------------------------------------------------------------------- */
/* Fixtures                                                                              */
/* ------------------------------------------------------------------------------------- */

static const Expect android_en = {
  "Book Club", "UTC", 4, 4, 6, 1, 7, 4, 2, 2, 1517228640, 1517613060,
};

static void
test_android_en (Fixture       *fx,
                 gconstpointer  data)
{
  g_autoptr(CohortImportResult) result = import_fixture (fx->db, "android-en-12h.txt", "UTC");
  g_autoptr(GPtrArray) list = cohort_test_list_communities (fx->db);
  CohortCommunityInfo *info = only_community (list);
  g_autoptr(CohortSnapshot) snap = cohort_test_load_snapshot (fx->db, info->id);
  g_autofree char *names = member_names (snap);
  g_autofree char *messages = message_list (snap);

  check_info (info, &android_en);
  g_assert_cmpstr (names, ==, "Alice|Bob|Carol|Dave");
  g_assert_cmpint (result->counts.messages_added, ==, 6);
  g_assert_cmpint (result->counts.system_added, ==, 7);
  g_assert_cmpint (result->counts.events_added, ==, 6);
  g_assert_cmpint (result->counts.invites_added, ==, 2);
  g_assert_cmpuint (result->warnings->len, ==, 0);
  /* Month-first: 1/30/18 8:15 AM is 2018-01-30T08:15Z.  The multi-line welcome (whose
   * last line starts with a date) stays one message; the deleted one is gone. */
  g_assert_cmpstr (messages, ==,
                   "Alice@1517228640:0 Bob@1517229000:0 Carol@1517300100:2 Bob@1517300400:0m "
                   "Dave@1517479200:6 Alice@1517613060:0");
  g_assert_cmpint (cohort_db_count (fx->db, "event"), ==, 6);
  check_text (fx->db, info->id, "name:Alice", 1517228640,
              "Welcome everyone!\nThis is our reading group.\nRules: be kind.\n"
              "2/10/18 is our first meeting.");
  /* The edit marker is no part of the text; the media placeholder leaves an empty text. */
  check_text (fx->db, info->id, "name:Alice", 1517613060, "The first book is Dune");
  check_text (fx->db, info->id, "name:Carol", 1517300100, "");
  check_text (fx->db, info->id, NULL, 1517789100, "Alice changed the subject from \"Book Club\" "
              "to \"Book Club: 2018\"");
}

static const Expect android_de = {
  "Familie", "UTC", 3, 2, 4, 0, 5, 3, 1, 2, 1517248980, 1517607600,
};

static void
test_android_de (Fixture       *fx,
                 gconstpointer  data)
{
  g_autoptr(CohortImportResult) result = import_fixture (fx->db, "android-de-24h.txt", "UTC");
  g_autoptr(GPtrArray) list = cohort_test_list_communities (fx->db);
  CohortCommunityInfo *info = only_community (list);
  g_autoptr(CohortSnapshot) snap = cohort_test_load_snapshot (fx->db, info->id);
  g_autofree char *names = member_names (snap);
  g_autofree char *messages = message_list (snap);

  check_info (info, &android_de);
  g_assert_cmpstr (names, ==, "Oma|Papa|You");
  g_assert_cmpstr (messages, ==,
                   "Oma@1517248980:0 Papa@1517296500:0 Papa@1517296560:2 Oma@1517607600:0");
}

static const Expect ios = {
  "Trip Planning", "UTC", 3, 3, 6, 2, 5, 3, 1, 1, 1634225470, 1634414700,
};

static char *
write_ios_zip (Fixture *fx)
{
  g_autofree char *chat = read_fixture ("ios-chat.txt");
  const char *entries[] = {
    "00000003-PHOTO-2021-10-14-15-34-09.jpg", "\xff\xd8\xff\xe0 not really a jpeg",
    "_chat.txt", chat,
    NULL,
  };

  return write_zip (fx, "WhatsApp Chat - Trip Planning.zip", entries);
}

static void
test_ios_zip (Fixture       *fx,
              gconstpointer  data)
{
  g_autofree char *path = write_ios_zip (fx);
  g_autoptr(CohortImportResult) result = import_ok (fx->db, path, "UTC", NULL);
  g_autoptr(GPtrArray) list = cohort_test_list_communities (fx->db);
  CohortCommunityInfo *info = only_community (list);
  g_autoptr(CohortSnapshot) snap = cohort_test_load_snapshot (fx->db, info->id);
  g_autofree char *names = member_names (snap);
  g_autofree char *messages = message_list (snap);

  check_info (info, &ios);
  /* The group name, to which iOS attributes system lines, is no member. */
  g_assert_cmpstr (names, ==, "Anna|Boris|Chris");
  g_assert_cmpstr (messages, ==,
                   "Boris@1634225470:0 Anna@1634225649:2 Anna@1634225700:0 Boris@1634288401:1m "
                   "Boris@1634288520:2 Chris@1634414700:0m");
}

static void
test_ios_txt_named_by_file (Fixture       *fx,
                            gconstpointer  data)
{
  /* Without the "created group" line the chat is named after the file. */
  g_autofree char *chat = read_fixture ("ios-chat.txt");
  g_auto(GStrv) lines = g_strsplit (chat, "\n", -1);
  g_autofree char *edited = NULL;
  g_autofree char *path = NULL;
  g_autoptr(CohortImportResult) result = NULL;
  g_autoptr(GPtrArray) list = NULL;

  g_free (lines[1]);
  lines[1] = g_strdup ("[14/10/2021, 3:30:01 PM] Boris: Hello");
  edited = g_strjoinv ("\n", lines);
  path = write_temp (fx, "WhatsApp_Chat_with_Weekend Trip.txt", edited, -1);
  result = import_ok (fx->db, path, "UTC", NULL);
  list = cohort_test_list_communities (fx->db);
  g_assert_cmpstr (only_community (list)->name, ==, "Weekend Trip");
  g_assert_cmpstr (only_community (list)->platform_id, ==, "name:Weekend Trip");
}

static const Expect zh_cn = {
  "产品交流群", "Asia/Shanghai", 4, 2, 3, 1, 6, 4, 2, 2, 1578198600, 1578201300,
};

static void
test_zh_cn (Fixture       *fx,
            gconstpointer  data)
{
  g_autoptr(CohortImportResult) result = import_fixture (fx->db, "zh-cn.txt", "Asia/Shanghai");
  g_autoptr(GPtrArray) list = cohort_test_list_communities (fx->db);
  CohortCommunityInfo *info = only_community (list);
  g_autoptr(CohortSnapshot) snap = cohort_test_load_snapshot (fx->db, info->id);
  g_autofree char *names = member_names (snap);
  g_autofree char *messages = message_list (snap);

  check_info (info, &zh_cn);
  /* "你" is the exporting user, stored under the same literal member as English "You". */
  g_assert_cmpstr (names, ==, "You|张三|李四|王五");
  /* 下午12:30 CST = 04:30Z; 下午1:15 CST = 05:15Z */
  g_assert_cmpstr (messages, ==, "张三@1578198600:0 李四@1578198660:0m 张三@1578201300:2");
}

static void
test_es_12h (Fixture       *fx,
             gconstpointer  data)
{
  g_autoptr(CohortImportResult) result = import_fixture (fx->db, "es-12h.txt", "UTC");
  g_autoptr(GPtrArray) list = cohort_test_list_communities (fx->db);
  CohortCommunityInfo *info = only_community (list);
  g_autoptr(CohortSnapshot) snap = cohort_test_load_snapshot (fx->db, info->id);
  g_autofree char *messages = message_list (snap);
  const Expect e = { "es-12h", "UTC", 2, 2, 4, 0, 0, 0, 0, 0, 1546341900, 1547395200 };

  check_info (info, &e);
  /* 11:30 p. m. = 23:30, 12:05 a. m. = 00:05 the next day */
  g_assert_cmpstr (messages, ==,
                   "Ana@1546341900:0 Luis@1546385400:0 Ana@1546387500:0 Luis@1547395200:0");
}

static void
test_fi (Fixture       *fx,
         gconstpointer  data)
{
  g_autoptr(CohortImportResult) result = import_fixture (fx->db, "fi.txt", "UTC");
  g_autoptr(GPtrArray) list = cohort_test_list_communities (fx->db);
  CohortCommunityInfo *info = only_community (list);
  g_autoptr(CohortSnapshot) snap = cohort_test_load_snapshot (fx->db, info->id);
  g_autofree char *messages = message_list (snap);
  const Expect e = { "fi", "UTC", 2, 2, 2, 0, 0, 0, 0, 0, 1528925115, 1528963500 };

  check_info (info, &e);
  g_assert_cmpstr (messages, ==, "Matti@1528925115:0 Liisa@1528963500:0");
}

static void
test_ambiguous_dates (Fixture       *fx,
                      gconstpointer  data)
{
  g_autoptr(CohortImportResult) result = import_fixture (fx->db, "ambiguous-dates.txt", "UTC");
  g_autoptr(GPtrArray) list = cohort_test_list_communities (fx->db);
  const Expect e = { "ambiguous-dates", "UTC", 2, 2, 7, 0, 0, 0, 0, 0, 1515146400, 1525168800 };

  /* Every number is ≤ 12 and the first changes more often, but the second goes back
   * (1/7 → 2/1) within 2018: month-first, 1/5/18 = 5 January. */
  check_info (only_community (list), &e);
}

static void
test_date_order_override (Fixture       *fx,
                          gconstpointer  data)
{
  g_autofree char *path = fixture_path ("ambiguous-dates.txt");
  g_autoptr(CohortImportResult) result = import_ok (fx->db, path, "UTC", "dmy");
  g_autoptr(GPtrArray) list = cohort_test_list_communities (fx->db);
  const Expect e = { "ambiguous-dates", "UTC", 2, 2, 7, 0, 0, 0, 0, 0, 1514887200, 1530439200 };

  /* Day-first: 1/5/18 = 1 May … 5/1/18 = 5 January; 2 January to 1 July. */
  check_info (only_community (list), &e);
}

/* ------------------------------------------------------------------------------------- */
/* Behaviour                                                                             */
/* ------------------------------------------------------------------------------------- */

static void
test_reimport (Fixture       *fx,
               gconstpointer  data)
{
  static const char * const names[] = { "android-en-12h.txt", "android-de-24h.txt", "zh-cn.txt" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(CohortImportResult) first = import_fixture (fx->db, names[i], "Asia/Shanghai");
      g_autofree char *before = cohort_test_describe_db (fx->db);
      g_autoptr(CohortImportResult) again = import_fixture (fx->db, names[i], "Asia/Shanghai");
      g_autofree char *after = cohort_test_describe_db (fx->db);

      g_assert_cmpstr (before, ==, after);
      g_assert_cmpint (again->counts.messages_added, ==, 0);
      g_assert_cmpint (again->counts.system_added, ==, 0);
      g_assert_cmpint (again->counts.members_added, ==, 0);
      g_assert_cmpint (again->counts.events_added, ==, 0);
      g_assert_cmpint (again->counts.invites_added, ==, 0);
      g_assert_cmpint (again->counts.messages_present, ==,
                       first->counts.messages_added + first->counts.system_added);
    }
  g_assert_cmpint (cohort_db_count (fx->db, "community"), ==, 3);
}

/* The same chat with CRLF or CR line ends imports exactly like the LF original. */
static void
test_line_endings (Fixture       *fx,
                   gconstpointer  data)
{
  g_autofree char *lf = read_fixture ("android-en-12h.txt");
  g_autoptr(GString) crlf = g_string_new (lf);
  g_autoptr(GString) cr = g_string_new (lf);
  g_autofree char *p1 = NULL, *p2 = NULL, *first = NULL;

  g_string_replace (crlf, "\n", "\r\n", 0);
  g_string_replace (cr, "\n", "\r", 0);
  /* A BOM at the start, as Windows tools write it. */
  g_string_prepend (crlf, "\xef\xbb\xbf");
  p1 = write_temp (fx, "WhatsApp Chat with Book Club.txt", crlf->str, -1);
  p2 = write_temp (fx, "cr.txt", cr->str, -1);
  {
    g_autoptr(CohortImportResult) r = import_ok (fx->db, p1, "UTC", NULL);
    g_autoptr(GPtrArray) list = cohort_test_list_communities (fx->db);
    check_info (only_community (list), &android_en);
    first = cohort_test_describe_db (fx->db);
  }
  {
    /* Same chat name from the "created group" line: the CR copy is a re-import. */
    g_autoptr(CohortImportResult) r = import_ok (fx->db, p2, "UTC", NULL);
    g_autofree char *after = cohort_test_describe_db (fx->db);
    g_assert_cmpint (r->counts.messages_added, ==, 0);
    g_assert_cmpstr (first, ==, after);
  }
}

/*
 * Lines are read in place from a 256 KB buffer.  The first read fills it, so the CR and the
 * LF of the 2622nd line (45 + 2621 * 100 bytes in) fall on either side of its end; a later
 * line is longer than the whole buffer and keeps its first 256 KB; and the chat is named by
 * a "created group" line near the end whose space is a no-break space.
 */
static void
test_buffer_edges (Fixture       *fx,
                   gconstpointer  data)
{
  static const char long_header[] = "1/3/20, 09:00 - Cy: ";
  g_autoptr(GString) chat = g_string_new ("1/2/20, 10:00 - Ann: aaaaaaaaaaaaaaaaaaaaaa\r\n");
  g_autofree char *edge_text = g_strnfill (77, 'c');
  g_autofree char *long_text = g_strnfill (256 * 1024 - strlen (long_header), 'x');
  g_autofree char *path = NULL;
  g_autoptr(CohortImportResult) result = NULL;
  g_autoptr(GPtrArray) list = NULL;
  CohortCommunityInfo *info;

  g_assert_cmpuint (chat->len, ==, 45);
  for (guint i = 0; i < 2620; i++)
    g_string_append_printf (chat, "1/2/20, 10:01 - Bob: %077d\r\n", 0);
  g_string_append_printf (chat, "1/2/20, 10:02 - Bob: %s\r\n", edge_text);
  g_assert_cmpuint (chat->len, ==, 256 * 1024 + 1);
  g_assert_cmpint (chat->str[256 * 1024 - 1], ==, '\r');
  g_string_append (chat, "1/2/20, 10:03 - Ann: after the edge\r\n");
  g_string_append (chat, long_header);
  for (guint i = 0; i < 300000; i++)
    g_string_append_c (chat, 'x');
  g_string_append (chat, "\r\n1/4/20, 08:00 - Ann created\xc2\xa0group \"Edge\"\r\n");
  g_string_append (chat, "1/4/20, 08:01 - Ann: last\r\n");
  path = write_temp (fx, "edges.txt", chat->str, chat->len);

  result = import_ok (fx->db, path, "UTC", NULL);
  list = cohort_test_list_communities (fx->db);
  info = only_community (list);
  g_assert_cmpstr (info->name, ==, "Edge");
  g_assert_cmpint (result->counts.messages_added, ==, 1 + 2621 + 1 + 1 + 1);
  g_assert_cmpint (result->counts.system_added, ==, 1);
  /* Month first: 1/2/20 10:02 is 2020-01-02T10:02Z, 1/3/20 09:00 is 2020-01-03T09:00Z. */
  check_text (fx->db, info->id, "name:Bob", 1577959320, edge_text);
  check_text (fx->db, info->id, "name:Ann", 1577959380, "after the edge");
  check_text (fx->db, info->id, "name:Cy", 1578042000, long_text);
  check_text (fx->db, info->id, "name:Ann", 1578124860, "last");
}

/*
 * Wall times read in Europe/Berlin around both 2021 transitions.  Times are counted from
 * the day's start on days with one offset; the two transition days keep GDateTime's
 * reading: 01:59 CET is 00:59Z and 03:00 CEST 01:00Z; in the hour 02:00–03:00 that
 * 31 October has twice, 02:15 is read as standard time, 01:15Z.
 */
static void
test_dst_days (Fixture       *fx,
               gconstpointer  data)
{
  const char *text =
    "27/03/2021, 12:00 - Ann: before\n"
    "28/03/2021, 01:59 - Ann: last winter minute\n"
    "28/03/2021, 03:00 - Bob: first summer hour\n"
    "29/03/2021, 12:00 - Ann: summer\n"
    "31/10/2021, 00:30 - Bob: still summer\n"
    "31/10/2021, 02:15 - Bob: twice\n"
    "31/10/2021, 23:30 - Ann: winter\n"
    "01/11/2021, 08:00 - Ann: winter again\n";
  g_autofree char *path = write_temp (fx, "berlin.txt", text, -1);
  g_autoptr(CohortImportResult) result = import_ok (fx->db, path, "Europe/Berlin", NULL);
  g_autoptr(GPtrArray) list = cohort_test_list_communities (fx->db);
  g_autoptr(CohortSnapshot) snap = cohort_test_load_snapshot (fx->db, only_community (list)->id);
  g_autofree char *messages = message_list (snap);

  g_assert_cmpstr (messages, ==,
                   "Ann@1616842800:0 Ann@1616893140:0 Bob@1616893200:0 Ann@1617012000:0 "
                   "Bob@1635633000:0 Bob@1635642900:0 Ann@1635719400:0 Ann@1635750000:0");
}

static void
test_not_whatsapp (Fixture       *fx,
                   gconstpointer  data)
{
  g_autofree char *path = fixture_path ("not-whatsapp.txt");
  g_autoptr(CohortImportResult) seed = import_fixture (fx->db, "fi.txt", "UTC");

  /* Detected as nothing … */
  check_error_unchanged (fx, path, NULL, COHORT_IMPORT_ERROR_UNSUPPORTED, "not-whatsapp.txt");
  /* … and, forced, refused by the WhatsApp importer with the line of the first bad date. */
  check_error_unchanged (fx, path, "whatsapp", COHORT_IMPORT_ERROR_UNSUPPORTED,
                         "not-whatsapp.txt, line 5");
}

static void
test_mostly_bad_headers (Fixture       *fx,
                         gconstpointer  data)
{
  const char *text =
    "1/2/18, 10:00 - Ann: this one is fine\n"
    "1/2/18 10:00 Ann this is not a header\n"
    "1/3/18 10:01 Ann neither\n"
    "1/4/18 10:02 Ann nor this\n";
  g_autofree char *path = write_temp (fx, "odd.txt", text, -1);

  check_error_unchanged (fx, path, "whatsapp", COHORT_IMPORT_ERROR_UNSUPPORTED, "odd.txt, line 2");
}

static void
test_garbage (Fixture       *fx,
              gconstpointer  data)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autofree char *path = NULL;
  g_autofree char *empty = write_temp (fx, "empty.txt", "", 0);
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);

  for (guint i = 0; i < 200000; i++)
    {
      guint8 b = g_rand_int_range (rand, 0, 256);
      g_byte_array_append (bytes, &b, 1);
    }
  path = write_temp (fx, "random.bin", (const char *) bytes->data, bytes->len);
  check_error_unchanged (fx, path, "whatsapp", COHORT_IMPORT_ERROR_UNSUPPORTED, "random.bin");
  check_error_unchanged (fx, empty, "whatsapp", COHORT_IMPORT_ERROR_UNSUPPORTED, "empty.txt");
}

static void
test_zip_without_chat (Fixture       *fx,
                       gconstpointer  data)
{
  const char *entries[] = { "IMG-20210428-WA0001.jpg", "jpeg", "notes.md", "# hi", NULL };
  g_autofree char *path = write_zip (fx, "WhatsApp Chat - Nothing.zip", entries);

  check_error_unchanged (fx, path, "whatsapp", COHORT_IMPORT_ERROR_UNSUPPORTED,
                         "IMG-20210428-WA0001.jpg, notes.md");
}

static void
test_cancelled (Fixture       *fx,
                gconstpointer  data)
{
  g_autofree char *path = fixture_path ("android-en-12h.txt");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(CohortImportResult) seed = import_fixture (fx->db, "fi.txt", "UTC");
  g_autoptr(CohortImportResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = cohort_test_describe_db (fx->db);
  g_autofree char *after = NULL;

  g_cancellable_cancel (cancellable);
  result = import_path (fx->db, path, "UTC", "whatsapp", NULL, cancellable, &error);
  g_assert_null (result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  after = cohort_test_describe_db (fx->db);
  g_assert_cmpstr (before, ==, after);
}

static void
test_sniff (void)
{
  const CohortFormat *wa = cohort_formats_find ("whatsapp");
  const char *telegram = "{\n \"name\": \"Group\",\n \"type\": \"private_supergroup\",\n \"id\": 1,\n"
                         " \"messages\": [ { \"id\": 1, \"date\": \"2024-01-01T10:00:00\" } ]\n}\n";
  const char *csv = "AuthorID,Author,Date,Content,Attachments,Reactions\n"
                    "\"1\",\"a\",\"2020-01-01T10:00:00+00:00\",\"hi\",\"\",\"\"\n";
  const char *prose = "Dear diary,\n1/2/18 was a good day.\n";
  const char *android = "\xef\xbb\xbf" "1/29/18, 12:24\xe2\x80\xafPM - Alice: hi\nsecond line\n"
                        "1/29/18, 12:25\xe2\x80\xafPM - Bob: hey\n";
  const char *ios_head = "\xe2\x80\x8e[29.01.18, 12:24:03] Alice: hi\r\n";
  const char * const chat_zip[] = { "_chat.txt", "00000001-PHOTO-x.jpg", NULL };
  const char * const android_zip[] = { "IMG-1.jpg", "WhatsApp Chat with Bob.txt", NULL };
  const char * const other_zip[] = { "channels.json", "users.json", "notes.txt", NULL };

  g_assert_nonnull (wa);
  g_assert_cmpint (wa->sniff ((const guchar *) telegram, strlen (telegram), NULL), ==, 0);
  g_assert_cmpint (wa->sniff ((const guchar *) csv, strlen (csv), NULL), ==, 0);
  g_assert_cmpint (wa->sniff ((const guchar *) prose, strlen (prose), NULL), ==, 0);
  g_assert_cmpint (wa->sniff ((const guchar *) "", 0, NULL), ==, 0);
  g_assert_cmpint (wa->sniff ((const guchar *) android, strlen (android), NULL), ==, 80);
  g_assert_cmpint (wa->sniff ((const guchar *) ios_head, strlen (ios_head), NULL), ==, 80);
  g_assert_cmpint (wa->sniff ((const guchar *) "PK\x03\x04", 4, chat_zip), ==, 90);
  g_assert_cmpint (wa->sniff ((const guchar *) "PK\x03\x04", 4, android_zip), ==, 90);
  g_assert_cmpint (wa->sniff ((const guchar *) "PK\x03\x04", 4, other_zip), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/cohort/whatsapp/" path, Fixture, NULL, cohort_test_db_setup, func, cohort_test_db_teardown)
  ADD ("android-en-12h", test_android_en);
  ADD ("android-de-24h", test_android_de);
  ADD ("ios-zip", test_ios_zip);
  ADD ("ios-txt-named-by-file", test_ios_txt_named_by_file);
  ADD ("zh-cn", test_zh_cn);
  ADD ("es-12h", test_es_12h);
  ADD ("fi", test_fi);
  ADD ("ambiguous-dates", test_ambiguous_dates);
  ADD ("date-order-override", test_date_order_override);
  ADD ("reimport", test_reimport);
  ADD ("line-endings", test_line_endings);
  ADD ("buffer-edges", test_buffer_edges);
  ADD ("dst-days", test_dst_days);
  ADD ("not-whatsapp", test_not_whatsapp);
  ADD ("mostly-bad-headers", test_mostly_bad_headers);
  ADD ("garbage", test_garbage);
  ADD ("zip-without-chat", test_zip_without_chat);
  ADD ("cancelled", test_cancelled);
#undef ADD
  g_test_add_func ("/cohort/whatsapp/sniff", test_sniff);

  return g_test_run ();
}
