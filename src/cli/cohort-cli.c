/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-cli"

#include "config.h"

#include <errno.h>
#include <inttypes.h>

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>
#include <unistd.h>

#include "cohort-cli-activity.h"
#include "cohort-cli.h"
#include "cohort-cli-csv.h"
#include "cohort-cli-people.h"
#include "cohort-cli-report.h"
#ifdef COHORT_CLI_FULL
#include "cohort-chart.h"
#include "cohort-cli-activity-chart.h"
#include "cohort-cli-sync.h"
#endif
#include "cohort-demo.h"
#include "cohort-format.h"
#include "cohort-importer.h"
#include "cohort-overview.h"
#include "cohort-snapshot-cache.h"
#include "cohort-store.h"
#include "cohort-store-settings.h"
#include "cohort-store-snapshot.h"

/*
 * cohort-cli: the same imports, numbers and charts as the window, for scripts.  Exit status
 * 0 on success, 1 when an input was rejected, 2 on usage errors.
 *
 * This file is built twice.  cohort-cli-full (COHORT_CLI_FULL, installed in libexecdir) has
 * every command.  cohort-cli leaves out those that draw charts or go online, and with them
 * cairo, pango, libsoup, libsecret and what they load (41 libraries of 70), and hands those
 * commands to cohort-cli-full before reading any option.  Loading those libraries cost an
 * import of 10 messages a quarter of its time (25.6 → 18.9 ms without them) and one of 10k
 * messages 7–9 ms (medians of interleaved runs, the bench build).
 */

static char *opt_db;
static char *opt_tz;
static char *opt_format;
static char *opt_date_order;
static char *opt_from;
static char *opt_to;
static char *opt_range;
static char *opt_png;
static char *opt_pdf;
static char *opt_svg;
static gboolean opt_json;
static gboolean opt_dark;
static int opt_width = 960;
static int opt_height = 420;

static const GOptionEntry common_entries[] = {
  { "db", 0, 0, G_OPTION_ARG_FILENAME, &opt_db, N_("Database file (default: the app's database)"), N_("PATH") },
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, N_("Print JSON"), NULL },
  { NULL }
};

static const GOptionEntry import_entries[] = {
  { "tz", 0, 0, G_OPTION_ARG_STRING, &opt_tz, N_("Time zone for exports without offsets (IANA name)"), N_("ZONE") },
  { "format", 0, 0, G_OPTION_ARG_STRING, &opt_format, N_("Read the files as this format instead of detecting it"), N_("NAME") },
  { "date-order", 0, 0, G_OPTION_ARG_STRING, &opt_date_order, N_("Order of day, month and year in exports with ambiguous dates: dmy, mdy or ymd"), N_("ORDER") },
  { NULL }
};

static const GOptionEntry range_entries[] = {
  { "from", 0, 0, G_OPTION_ARG_STRING, &opt_from, N_("First day, YYYY-MM-DD (community's local date)"), N_("DAY") },
  { "to", 0, 0, G_OPTION_ARG_STRING, &opt_to, N_("Last day, YYYY-MM-DD"), N_("DAY") },
  { "range", 0, 0, G_OPTION_ARG_STRING, &opt_range, N_("Last 30, 90 or 365 complete days, or all"), N_("N|all") },
  { NULL }
};

#ifdef COHORT_CLI_FULL
static const GOptionEntry chart_entries[] = {
  { "png", 0, 0, G_OPTION_ARG_FILENAME, &opt_png, N_("Write a PNG image"), N_("FILE") },
  { "pdf", 0, 0, G_OPTION_ARG_FILENAME, &opt_pdf, N_("Write a PDF document"), N_("FILE") },
  { "svg", 0, 0, G_OPTION_ARG_FILENAME, &opt_svg, N_("Write an SVG image"), N_("FILE") },
  { "width", 0, 0, G_OPTION_ARG_INT, &opt_width, N_("Width in pixels"), N_("N") },
  { "height", 0, 0, G_OPTION_ARG_INT, &opt_height, N_("Height in pixels"), N_("N") },
  { "dark", 0, 0, G_OPTION_ARG_NONE, &opt_dark, N_("Dark colours"), NULL },
  { NULL }
};
#endif

int
cohort_cli_report_error (const GError *error)
{
  g_printerr ("%s\n", error->message);
  return error->domain == G_OPTION_ERROR ? 2 : 1;
}

void
cohort_cli_print_json (JsonNode *node)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (gen, TRUE);
  json_generator_set_root (gen, node);
  text = json_generator_to_data (gen, NULL);
  g_print ("%s\n", text);
}

gboolean
cohort_cli_want_json (void)
{
  return opt_json;
}

CohortDb *
cohort_cli_open_db (gboolean   read_only,
                    GError   **error)
{
  g_autofree char *path = opt_db ? g_strdup (opt_db) : cohort_db_default_path ();

  if (read_only && !g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_OPEN,
                   _("No database at %s yet: import an export first (cohort-cli import FILE)."), path);
      return NULL;
    }
  /* This process writes alone: a database it creates is written without the WAL until it
   * closes (cohort_db_open_writer ()). */
  if (!read_only)
    return cohort_db_open_writer (path, error);
  return cohort_db_open (path, TRUE, error);
}

static void
print_progress (double      fraction,
                const char *message,
                gpointer    user_data)
{
  if (isatty (fileno (stderr)))
    g_printerr ("\r%3.0f%%  %s\033[K", fraction >= 0 ? fraction * 100 : 0, message);
}

typedef enum
{
  IMPORT_DONE,
  IMPORT_FAILED,
  IMPORT_SKIPPED,     /* a file in a folder that is no export */
} ImportOutcome;

static void
add_result_json (JsonBuilder              *out,
                 const CohortImportResult *result)
{
  json_builder_begin_object (out);
  json_builder_set_member_name (out, "file");
  json_builder_add_string_value (out, result->path);
  json_builder_set_member_name (out, "format");
  json_builder_add_string_value (out, result->format);
#define ADD(k, v) json_builder_set_member_name (out, k); json_builder_add_int_value (out, v)
  ADD ("communities", result->counts.communities);
  ADD ("members_added", result->counts.members_added);
  ADD ("messages_added", result->counts.messages_added);
  ADD ("messages_present", result->counts.messages_present);
  ADD ("system_added", result->counts.system_added);
  ADD ("events_added", result->counts.events_added);
  ADD ("invites_added", result->counts.invites_added);
  ADD ("reactions_added", result->counts.reactions_added);
  ADD ("orders_added", result->counts.orders_added);
  ADD ("personal_chats_skipped", result->personal_chats_skipped);
#undef ADD
  json_builder_end_object (out);
}

static void
print_result (const CohortImportResult *result)
{
  g_autofree char *line = cohort_import_result_describe (result);

  g_print ("%s\n", line);
  if (result->personal_chats_skipped > 0)
    g_print (g_dngettext (GETTEXT_PACKAGE, "  %u personal chat skipped\n",
                          "  %u personal chats skipped\n", result->personal_chats_skipped),
             result->personal_chats_skipped);
  for (guint w = 0; w < result->warnings->len; w++)
    g_print ("  %s\n", (const char *)result->warnings->pdata[w]);
}

static ImportOutcome
import_one (CohortDb                  *db,
            GFile                     *file,
            const CohortImportOptions *options,
            gboolean                   in_folder,
            JsonBuilder               *out)
{
  g_autoptr(CohortImportResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CohortCsvMapping) mapping = NULL;
  CohortImportOptions file_options = *options;

  file_options.in_folder = in_folder;
  if (cohort_cli_csv_mapping_for (file, &mapping, &error))
    {
      file_options.csv_mapping = mapping;
      result = cohort_import_file (db, file, &file_options, print_progress, NULL, NULL, &error);
    }
  if (isatty (fileno (stderr)))
    g_printerr ("\r\033[K");
  if (result == NULL)
    {
      if (in_folder && g_error_matches (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_UNSUPPORTED))
        return IMPORT_SKIPPED;
      g_printerr (_("Error: %s\n"), error->message);
      cohort_cli_csv_explain (error);
      return IMPORT_FAILED;
    }
  if (opt_json)
    add_result_json (out, result);
  else
    print_result (result);
  return IMPORT_DONE;
}

/* Every export in a folder, as the window does with a dropped folder; returns the failures. */
static int
import_folder (CohortDb                  *db,
               GFile                     *folder,
               const CohortImportOptions *options,
               JsonBuilder               *out)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) files = cohort_import_expand_folder (folder, NULL, &error);
  g_autofree char *name = g_file_get_basename (folder);
  guint done = 0, skipped = 0;
  int failures = 0;

  if (files == NULL)
    {
      g_printerr (_("Error: %s\n"), error->message);
      return 1;
    }
  for (guint i = 0; i < files->len; i++)
    switch (import_one (db, files->pdata[i], options, TRUE, out))
      {
      case IMPORT_DONE: done++; break;
      case IMPORT_FAILED: failures++; break;
      case IMPORT_SKIPPED: default: skipped++; break;
      }
  if (done + failures == 0)
    {
      g_printerr (_("Error: the folder %s holds no export Cohort can read.\n"), name);
      return 1;
    }
  if (skipped > 0 && !opt_json)
    g_print (g_dngettext (GETTEXT_PACKAGE, "  %u file in %s is no export and was passed over\n",
                          "  %u files in %s are no exports and were passed over\n", skipped),
             skipped, name);
  return failures;
}

static int
cmd_import (int    argc,
            char **argv)
{
  g_autoptr(GError) error = NULL;
  CohortImportOptions options = { opt_tz, opt_format, opt_date_order };
  g_autoptr(JsonBuilder) out = json_builder_new ();
  CohortDb *db;
  int failures = 0;

  if (argc < 1)
    {
      g_printerr (_("Usage: cohort-cli import FILE… [--db PATH] [--tz ZONE] [--format NAME]\n"));
      return 2;
    }
  if (opt_tz != NULL)
    {
      g_autoptr(GTimeZone) tz = g_time_zone_new_identifier (opt_tz);
      if (tz == NULL)
        {
          g_printerr (_("Unknown time zone “%s”; use an IANA name such as Asia/Shanghai.\n"), opt_tz);
          return 2;
        }
    }
  if (opt_date_order != NULL && !g_strv_contains ((const char * const[]) { "dmy", "mdy", "ymd", NULL },
                                                 opt_date_order))
    {
      g_printerr (_("--date-order takes dmy, mdy or ymd\n"));
      return 2;
    }
  if (opt_format != NULL && cohort_formats_find (opt_format) == NULL)
    {
      const CohortFormat * const *formats = cohort_formats_list ();

      g_printerr (_("Unknown format “%s”. Known formats:"), opt_format);
      for (guint i = 0; formats[i] != NULL; i++)
        g_printerr (" %s", formats[i]->name);
      g_printerr ("\n");
      return 2;
    }
  if (!cohort_cli_csv_check_options (&error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (!(db = cohort_cli_open_db (FALSE, &error)))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  json_builder_begin_array (out);
  for (int i = 0; i < argc; i++)
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (argv[i]);

      if (cohort_import_is_folder (file))
        failures += import_folder (db, file, &options, out);
      else
        failures += import_one (db, file, &options, FALSE, out) == IMPORT_FAILED ? 1 : 0;
    }
  json_builder_end_array (out);
  if (opt_json)
    {
      g_autoptr(JsonNode) root = json_builder_get_root (out);
      cohort_cli_print_json (root);
    }
  cohort_db_close (db);
  return failures > 0 ? 1 : 0;
}

static int
cmd_communities (int    argc,
                 char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  CohortDb *db;

  if (!(db = cohort_cli_open_db (TRUE, &error)) || !(list = cohort_db_list_communities (db, &error)))
    {
      g_printerr ("%s\n", error->message);
      cohort_db_close (db);
      return 1;
    }
  cohort_db_close (db);

  if (opt_json)
    {
      g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);
      g_autoptr(JsonArray) array = json_array_new ();

      for (guint i = 0; i < list->len; i++)
        json_array_add_element (array, cohort_cli_community_to_json (list->pdata[i]));
      json_node_set_array (root, array);
      cohort_cli_print_json (root);
      return 0;
    }

  if (list->len == 0)
    g_print ("%s\n", _("No communities yet. Import an export with: cohort-cli import FILE"));
  for (guint i = 0; i < list->len; i++)
    {
      CohortCommunityInfo *c = list->pdata[i];
      g_autofree char *first = cohort_cli_format_utc (c->first_message);
      g_autofree char *last = cohort_cli_format_utc (c->last_message);

      g_print ("%3" G_GINT64_FORMAT "  %s  [%s, %s]\n", c->id, c->name, c->platform, c->tz);
      g_print (_("     %" PRId64 " members (%" PRId64 " posting), %" PRId64
                 " messages (%" PRId64 " mechanical), %" PRId64 " joins, %"
                 PRId64 " leaves\n"),
               c->members, c->posting_members, c->messages, c->mechanical_messages, c->joins,
               c->leaves);
      if (first != NULL)
        g_print ("     %s … %s\n", first, last);
    }
  return 0;
}

/* Loads the community and resolves --from/--to/--range into local days. */
static CohortSnapshot *
load_range (const char               *community,
            int                      *day0,
            int                      *day1,
            CohortCommunitySettings  *settings,
            GError                  **error)
{
  g_autoptr(CohortSnapshot) snap = NULL;
  CohortDb *db;
  gint64 id;

  if (!(db = cohort_cli_open_db (TRUE, error)))
    return NULL;
  id = cohort_db_find_community (db, community, error);
  if (id != 0)
    snap = cohort_db_load_snapshot (db, id, error);
  if (snap != NULL && !snap->from_cache)
    {
      /* the next stats, chart or report of this community reads it in milliseconds */
      g_autoptr(GBytes) cache = cohort_snapshot_cache_encode (snap, id);

      cohort_snapshot_cache_write (cohort_db_get_path (db), id, snap->generation, cache);
    }
  if (snap != NULL && !cohort_db_get_community_settings (db, id, settings, error))
    g_clear_pointer (&snap, cohort_snapshot_free);
  cohort_db_close (db);
  if (snap == NULL)
    return NULL;

  if (opt_range != NULL && g_strcmp0 (opt_range, "all") != 0 && atoi (opt_range) <= 0)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--range takes 30, 90, 365 or all"));
      return NULL;
    }
  cohort_metrics_default_range (snap, g_get_real_time () / G_USEC_PER_SEC,
                                g_strcmp0 (opt_range, "all") == 0 ? 0
                                : opt_range ? atoi (opt_range) : 30, day0, day1);
  if ((opt_from && !cohort_day_parse (opt_from, day0)) || (opt_to && !cohort_day_parse (opt_to, day1)))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("Days are written YYYY-MM-DD, for example 2024-03-04"));
      return NULL;
    }
  if (opt_from && !opt_to && !opt_range)
    *day1 = MAX (*day0, snap->last_day);
  if (!opt_from && !opt_to)
    cohort_cli_note_data_end (snap, *day0, *day1);
  if (*day1 < *day0)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--to is before --from"));
      return NULL;
    }
  return g_steal_pointer (&snap);
}

static int
cmd_stats (int    argc,
           char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CohortSnapshot) snap = NULL;
  g_autoptr(CohortOverview) overview = NULL;
  CohortCommunitySettings settings;
  int day0, day1;

  if (argc != 1)
    {
      g_printerr (_("Usage: cohort-cli stats COMMUNITY [--from DAY --to DAY] [--json]\n"));
      return 2;
    }
  if (!(snap = load_range (argv[0], &day0, &day1, &settings, &error)))
    return cohort_cli_report_error (error);
  overview = cohort_overview_compute_with_settings (snap, &settings, day0, day1);
  if (opt_json)
    {
      g_autoptr(JsonNode) root = cohort_cli_overview_to_json (overview, snap);
      cohort_cli_print_json (root);
    }
  else
    {
      g_autofree char *text = cohort_cli_overview_to_text (overview, snap);
      g_print ("%s", text);
    }
  return 0;
}

/* The shared options, for the commands that live in their own files. */
static CohortCliOptions
cli_options (void)
{
  return (CohortCliOptions) { opt_db, opt_from, opt_to, opt_range, opt_json, opt_png, opt_pdf,
                              opt_svg, opt_width, opt_height, opt_dark };
}

#ifdef COHORT_CLI_FULL
static int
cmd_chart (int    argc,
           char **argv)
{
  static const struct { const char *name; CohortChartKind kind; } kinds[] = {
    { "overview-growth", COHORT_CHART_GROWTH },
    { "overview-activity", COHORT_CHART_ACTIVITY },
    { "activity", COHORT_CHART_ACTIVITY },
    { "growth", COHORT_CHART_GROWTH },
    { "heatmap", COHORT_CHART_HEATMAP },
    { "overview-heatmap", COHORT_CHART_HEATMAP },
    { "retention", COHORT_CHART_RETENTION },
    { "overview-retention", COHORT_CHART_RETENTION },
    { "stickiness", COHORT_CHART_STICKINESS },
    { "network", COHORT_CHART_NETWORK },
    { "retention-curves", COHORT_CHART_CURVES },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(CohortSnapshot) snap = NULL;
  g_autoptr(CohortOverview) overview = NULL;
  CohortCommunitySettings settings;
  CohortChartStyle style;
  int day0, day1, kind = -1;

  if (argc != 2 || (opt_png == NULL && opt_pdf == NULL && opt_svg == NULL))
    {
      g_printerr (_("Usage: cohort-cli chart overview-growth|activity|heatmap|retention|"
                    "stickiness|network|retention-curves COMMUNITY "
                    "--png OUT.png [--pdf OUT.pdf] [--svg OUT.svg]\n"));
      return 2;
    }
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (g_strcmp0 (argv[0], kinds[i].name) == 0)
      kind = kinds[i].kind;
  if (kind < 0)
    {
      g_printerr (_("Unknown chart “%s”: use overview-growth, activity, heatmap, retention, "
                    "stickiness, network or retention-curves\n"), argv[0]);
      return 2;
    }
  if (cohort_cli_activity_chart_kind (kind))
    {
      CohortCliOptions options = cli_options ();
      return cohort_cli_activity_chart (kind, argv[1], &options);
    }
  if (!(snap = load_range (argv[1], &day0, &day1, &settings, &error)))
    return cohort_cli_report_error (error);
  overview = cohort_overview_compute_with_settings (snap, &settings, day0, day1);
  cohort_chart_style_init_default (&style, opt_dark);
  if ((opt_png && !cohort_chart_write_png (kind, overview, &style, opt_width, opt_height, opt_png, &error)) ||
      (opt_pdf && !cohort_chart_write_pdf (kind, overview, &style, opt_width, opt_height, opt_pdf, &error)) ||
      (opt_svg && !cohort_chart_write_svg (kind, overview, &style, opt_width, opt_height, opt_svg, &error)))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  return 0;
}
#endif

static int
cmd_activity (int    argc,
              char **argv)
{
  CohortCliOptions options = cli_options ();

  return cohort_cli_activity (argc, argv, &options);
}

static int
cmd_retention (int    argc,
               char **argv)
{
  CohortCliOptions options = cli_options ();

  return cohort_cli_retention (argc, argv, &options);
}

static int
cmd_demo (int    argc,
          char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CohortImportResult) result = NULL;
  g_autofree char *line = NULL;
  CohortDb *db;

  if (!(db = cohort_cli_open_db (FALSE, &error)))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  result = cohort_demo_import (db, g_get_real_time () / G_USEC_PER_SEC, NULL, &error);
  cohort_db_close (db);
  if (result == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  if (result->opened_only)
    {
      /* Translators: the number is the community's, as the other commands take it */
      g_print (_("The demo community is already in the database, as community %" PRId64
                 ": nothing was imported\n"), *(gint64 *)result->community_ids->pdata[0]);
      return 0;
    }
  line = cohort_import_result_describe (result);
  g_print ("%s\n", line);
  return 0;
}

static int
cmd_overview (int    argc,
              char **argv)
{
  CohortCliOptions options = cli_options ();

  return cohort_cli_overview (argc, argv, &options);
}

#ifdef COHORT_CLI_FULL
static int
cmd_source (int    argc,
            char **argv)
{
  return cohort_cli_source (opt_db, opt_json, argc, argv);
}

static int
cmd_sync (int    argc,
          char **argv)
{
  return cohort_cli_sync (opt_db, opt_json, argc, argv);
}

#define IN_FULL(x) (x)
#else
/* Beside this program in a build tree, in libexecdir once installed. */
static char *
full_cli_path (void)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);

  if (self != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (self);
      g_autofree char *beside = g_build_filename (dir, "cohort-cli-full", NULL);

      if (g_file_test (beside, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer (&beside);
    }
  return g_build_filename (COHORT_LIBEXECDIR, "cohort-cli-full", NULL);
}

/* The same command line, argv[0] and all, so that its messages name cohort-cli. */
static int
run_full_cli (char **argv)
{
  g_autofree char *path = full_cli_path ();

  fflush (stdout);
  execv (path, argv);
  g_printerr (_("Cannot run %s: %s\n"), path, g_strerror (errno));
  return 1;
}

/* A command that only cohort-cli-full has: no function here, and no options to parse. */
#define IN_FULL(x) NULL
#endif

typedef struct
{
  const char *name;
  int (*run) (int argc, char **argv);
  const GOptionEntry *extra[2];
  const char *parameter;
  const char *summary;
} Command;

static const Command commands[] = {
  { "import", cmd_import, { import_entries, cohort_cli_csv_entries }, N_("FILE…"), N_("Import chat exports into the database") },
  { "communities", cmd_communities, { NULL, NULL }, "", N_("List the communities with their totals") },
  { "stats", cmd_stats, { range_entries, NULL }, N_("COMMUNITY"), N_("Print every Overview number for a date range") },
  { "chart", IN_FULL (cmd_chart), { range_entries, IN_FULL (chart_entries) }, N_("KIND COMMUNITY"), N_("Draw an Overview chart to PNG, PDF or SVG") },
  { "activity", cmd_activity, { range_entries, NULL }, N_("COMMUNITY"), N_("Print the Activity & Content numbers for a date range") },
  { "retention", cmd_retention, { range_entries, cohort_cli_retention_entries }, N_("COMMUNITY"), N_("Print the retention cohort table by week or month") },
  { "overview", cmd_overview, { range_entries, cohort_cli_overview_entries }, N_("--communities A,B | --all"), N_("Print the Overview of several communities, each person counted once") },
  { "people", cohort_cli_people, { cohort_cli_people_entries, NULL }, N_("[merge MEMBER MEMBER | unmerge MEMBER | undo]"), N_("List the people behind the members of every community; merge, unmerge, undo") },
  { "demo", cmd_demo, { NULL, NULL }, "", N_("Import the demo community") },
  { "members", cohort_cli_members, { cohort_cli_members_entries, NULL }, N_("COMMUNITY"), N_("List members with their segments, filtered and sorted") },
  { "imports", cohort_cli_imports, { NULL, NULL }, "", N_("List every import with its counts, duration and status") },
  { "settings", cohort_cli_settings, { cohort_cli_settings_entries, NULL }, N_("COMMUNITY"), N_("Print or change a community's settings: week start, churn and KOC thresholds") },
  { "mech", cohort_cli_mech, { NULL, NULL }, N_("COMMUNITY add|remove|unset|list [TEXT]"), N_("Add to or remove from a community's mechanical-reply lists") },
  { "set-zone", cohort_cli_set_zone, { NULL, NULL }, N_("COMMUNITY ZONE"), N_("Set the time zone a community's days and hours are counted in") },
  { "remove-import", cohort_cli_remove_import, { NULL, NULL }, N_("ID"), N_("Remove exactly what one import added") },
  { "source", IN_FULL (cmd_source), { IN_FULL (cohort_cli_source_entries), NULL }, N_("add|list|remove …"), N_("Configure online sources: Discourse, WeCom, chatlog") },
  { "sync", IN_FULL (cmd_sync), { NULL, NULL }, N_("SOURCE"), N_("Fetch what is new from an online source") },
};

static void
usage (FILE *out)
{
  fprintf (out, "%s\n\n", _("Usage: cohort-cli COMMAND [OPTION…]"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-14s %s\n", commands[i].name, _(commands[i].summary));
  fprintf (out, "\n%s\n", _("Run cohort-cli COMMAND --help for the options of a command."));
}

int
main (int    argc,
      char **argv)
{
  const char *localedir = g_getenv ("COHORT_LOCALEDIR");

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (argc < 2 || g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h"))
    {
      usage (argc < 2 ? stderr : stdout);
      return argc < 2 ? 2 : 0;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      const Command *cmd = &commands[i];
      g_autoptr(GOptionContext) context = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *parameter = NULL;

      if (!g_str_equal (argv[1], cmd->name))
        continue;
#ifndef COHORT_CLI_FULL
      if (cmd->run == NULL)
        return run_full_cli (argv);
#endif
      parameter = g_strdup_printf ("%s %s", cmd->name, _(cmd->parameter));
      context = g_option_context_new (parameter);
      g_option_context_set_summary (context, _(cmd->summary));
      g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
      g_option_context_add_main_entries (context, common_entries, GETTEXT_PACKAGE);
      for (guint e = 0; e < G_N_ELEMENTS (cmd->extra) && cmd->extra[e]; e++)
        g_option_context_add_main_entries (context, cmd->extra[e], GETTEXT_PACKAGE);
      argv[1] = argv[0];
      argc--;
      argv++;
      if (!g_option_context_parse (context, &argc, &argv, &error))
        {
          g_printerr ("%s\n", error->message);
          return 2;
        }
      return cmd->run (argc - 1, argv + 1);
    }

  g_printerr (_("Unknown command “%s”.\n\n"), argv[1]);
  usage (stderr);
  return 2;
}
