/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-cli"

#include "config.h"

#include "cohort-cli-people.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <stdlib.h>

#include "cohort-cli.h"
#include "cohort-cli-report.h"
#include "cohort-overview.h"
#include "cohort-people-loader.h"
#include "cohort-settings.h"

/*
 * cohort-cli people: the persons behind the members of every community, and the operator's
 * corrections to them (merge, unmerge, undo).  cohort-cli overview: the Overview of several
 * communities at once, each person counted once, as the window's All Communities view.
 */

static char *opt_communities;
static gboolean opt_all;
static gboolean opt_shared;

const GOptionEntry cohort_cli_people_entries[] = {
  { "shared", 0, 0, G_OPTION_ARG_NONE, &opt_shared, N_("Only the people with more than one membership"), NULL },
  { NULL }
};

const GOptionEntry cohort_cli_overview_entries[] = {
  { "communities", 0, 0, G_OPTION_ARG_STRING, &opt_communities, N_("The communities to count together, by id or name, separated by commas"), N_("A,B,…") },
  { "all", 0, 0, G_OPTION_ARG_NONE, &opt_all, N_("Count every community together"), NULL },
  { NULL }
};

/* ------------------------------------------------------------------------------------------ */
/* Printing                                                                                    */

static const char *
membership_name (const CohortMembership *m)
{
  return m->display_name != NULL ? m->display_name : m->uid;
}

static JsonNode *
person_to_json (const CohortPerson *person)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, person->id);
  json_builder_set_member_name (b, "memberships");
  json_builder_begin_array (b);
  for (guint i = 0; i < person->memberships->len; i++)
    {
      const CohortMembership *m = person->memberships->pdata[i];

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "member");
      json_builder_add_int_value (b, m->member);
      json_builder_set_member_name (b, "community");
      json_builder_add_int_value (b, m->community);
      json_builder_set_member_name (b, "community_name");
      json_builder_add_string_value (b, m->community_name);
      json_builder_set_member_name (b, "platform");
      json_builder_add_string_value (b, m->platform);
      json_builder_set_member_name (b, "uid");
      json_builder_add_string_value (b, m->uid);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, membership_name (m));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static guint
count_communities (GPtrArray *people)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);

  for (guint i = 0; i < people->len; i++)
    {
      CohortPerson *p = people->pdata[i];

      for (guint j = 0; j < p->memberships->len; j++)
        g_hash_table_add (seen, &((CohortMembership *)p->memberships->pdata[j])->community);
    }
  return g_hash_table_size (seen);
}

static gboolean
listed (const CohortPerson *person)
{
  return !opt_shared || person->memberships->len > 1;
}

static int
list_people (CohortDb *db)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) people = cohort_db_list_people (db, &error);
  g_autofree char *sentence = NULL;
  gint64 memberships = 0;

  if (people == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  /* the counts stay those of everyone: --shared only shortens the list */
  for (guint i = 0; i < people->len; i++)
    memberships += ((CohortPerson *)people->pdata[i])->memberships->len;

  if (cohort_cli_want_json ())
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "people");
      json_builder_add_int_value (b, people->len);
      json_builder_set_member_name (b, "communities");
      json_builder_add_int_value (b, count_communities (people));
      json_builder_set_member_name (b, "memberships");
      json_builder_add_int_value (b, memberships);
      json_builder_set_member_name (b, "persons");
      json_builder_begin_array (b);
      for (guint i = 0; i < people->len; i++)
        if (listed (people->pdata[i]))
          json_builder_add_value (b, person_to_json (people->pdata[i]));
      json_builder_end_array (b);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      cohort_cli_print_json (root);
      return 0;
    }

  {
    CohortPeopleCounts counts = { people->len, memberships, count_communities (people) };

    sentence = cohort_people_describe_counts (&counts);
  }
  g_print ("%s\n", sentence);
  for (guint i = 0; i < people->len; i++)
    {
      CohortPerson *p = people->pdata[i];

      if (!listed (p))
        continue;
      g_print (_("Person %" PRId64 "  %s\n"), p->id,
               membership_name (p->memberships->pdata[0]));
      for (guint j = 0; j < p->memberships->len; j++)
        {
          CohortMembership *m = p->memberships->pdata[j];

          g_print ("  #%-6" PRId64 " %s  [%s %s]  %s\n", m->member, m->community_name, m->platform,
                   m->uid, membership_name (m));
        }
    }
  return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Merge, unmerge, undo                                                                        */

static gboolean
parse_member (const char  *text,
              gint64      *member)
{
  char *end = NULL;

  *member = g_ascii_strtoll (text[0] == '#' ? text + 1 : text, &end, 10);
  if (*member > 0 && end != NULL && *end == '\0')
    return TRUE;
  g_printerr (_("“%s” is no member id: use the #numbers that cohort-cli people prints.\n"), text);
  return FALSE;
}

static int
print_change (CohortDb   *db,
              gint64      op,
              gint64      member,
              const char *what)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CohortPerson) person = cohort_db_get_person (db, member, &error);

  if (person == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  if (cohort_cli_want_json ())
    {
      g_autoptr(JsonNode) root = person_to_json (person);

      json_object_set_int_member (json_node_get_object (root), "operation", op);
      cohort_cli_print_json (root);
      return 0;
    }
  g_print ("%s\n", what);
  for (guint j = 0; j < person->memberships->len; j++)
    {
      CohortMembership *m = person->memberships->pdata[j];
      g_print ("  #%-6" PRId64 " %s  %s\n", m->member, m->community_name, membership_name (m));
    }
  g_print ("%s\n", _("Undo with: cohort-cli people undo"));
  return 0;
}

static int
run_change (CohortDb  *db,
            int        argc,
            char     **argv)
{
  g_autoptr(GError) error = NULL;
  gint64 a = 0, b = 0, op;

  if (g_str_equal (argv[0], "merge") && argc == 3)
    {
      if (!parse_member (argv[1], &a) || !parse_member (argv[2], &b))
        return 2;
      if ((op = cohort_db_merge_people (db, a, b, &error)) != 0)
        return print_change (db, op, a, _("Merged: these memberships are now one person:"));
    }
  else if (g_str_equal (argv[0], "unmerge") && argc == 2)
    {
      if (!parse_member (argv[1], &a))
        return 2;
      if ((op = cohort_db_unmerge_member (db, a, &error)) != 0)
        return print_change (db, op, a, _("Unmerged: this membership is now a person of its own:"));
    }
  else if (g_str_equal (argv[0], "undo") && argc == 1)
    {
      CohortPeopleOpKind kind;

      if (cohort_db_undo_people_op (db, 0, &kind, &error))
        {
          g_print ("%s\n", kind == COHORT_PEOPLE_MERGE ? _("Undid the latest merge.")
                                                       : _("Undid the latest unmerge."));
          return 0;
        }
    }
  else
    {
      g_printerr (_("Usage: cohort-cli people [merge MEMBER MEMBER | unmerge MEMBER | undo]\n"));
      return 2;
    }
  g_printerr ("%s\n", error->message);
  return 1;
}

int
cohort_cli_people (int    argc,
                   char **argv)
{
  g_autoptr(GError) error = NULL;
  CohortDb *db = cohort_cli_open_db (argc == 0, &error);
  int status;

  if (db == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  status = argc == 0 ? list_people (db) : run_change (db, argc, argv);
  cohort_db_close (db);
  return status;
}

/* ------------------------------------------------------------------------------------------ */
/* overview --communities / --all                                                              */

static GArray *
resolve_communities (CohortDb  *db,
                     GError   **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  if (opt_all)
    {
      g_autoptr(GPtrArray) list = cohort_db_list_communities (db, error);

      if (list == NULL)
        return NULL;
      for (guint i = 0; i < list->len; i++)
        g_array_append_val (ids, ((CohortCommunityInfo *)list->pdata[i])->id);
    }
  else
    {
      g_auto(GStrv) names = g_strsplit (opt_communities, ",", -1);

      for (guint i = 0; names[i] != NULL; i++)
        {
          gint64 id = cohort_db_find_community (db, g_strstrip (names[i]), error);

          if (id == 0)
            return NULL;
          g_array_append_val (ids, id);
        }
    }
  if (ids->len == 0)
    {
      g_set_error_literal (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_NOT_FOUND,
                           _("No communities yet. Import an export with: cohort-cli import FILE"));
      return NULL;
    }
  return g_steal_pointer (&ids);
}

static gboolean
resolve_range (const CohortCliOptions  *options,
               CohortSnapshot          *snap,
               int                     *day0,
               int                     *day1,
               GError                 **error)
{
  const char *range = options->range;

  if (range != NULL && g_strcmp0 (range, "all") != 0 && atoi (range) <= 0)
    return g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                                _("--range takes 30, 90, 365 or all")), FALSE;
  cohort_metrics_default_range (snap, g_get_real_time () / G_USEC_PER_SEC,
                                g_strcmp0 (range, "all") == 0 ? 0 : range ? atoi (range) : 30,
                                day0, day1);
  if ((options->from && !cohort_day_parse (options->from, day0)) ||
      (options->to && !cohort_day_parse (options->to, day1)))
    return g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                                _("Days are written YYYY-MM-DD, for example 2024-03-04")), FALSE;
  if (options->from && !options->to && !range)
    *day1 = MAX (*day0, snap->last_day);
  if (*day1 < *day0)
    return g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                                _("--to is before --from")), FALSE;
  return TRUE;
}

static void
print_overview (const CohortOverview     *overview,
                const CohortSnapshot     *snap,
                const CohortPeopleCounts *counts)
{
  if (cohort_cli_want_json ())
    {
      g_autoptr(JsonNode) root = cohort_cli_overview_to_json (overview, snap);
      JsonObject *object = json_node_get_object (root);

      json_object_set_int_member (object, "people", counts->people);
      json_object_set_int_member (object, "communities", counts->communities);
      json_object_set_int_member (object, "memberships", counts->memberships);
      cohort_cli_print_json (root);
    }
  else
    {
      g_autofree char *sentence = cohort_people_describe_counts (counts);
      g_autofree char *text = cohort_cli_overview_to_text (overview, snap);

      g_print ("%s\n%s", sentence, text);
    }
}

int
cohort_cli_overview (int                     argc,
                     char                  **argv,
                     const CohortCliOptions *options)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(CohortSnapshot) snap = NULL;
  g_autoptr(CohortOverview) overview = NULL;
  CohortPeopleCounts counts = { 0, };
  CohortCommunitySettings settings;
  CohortDb *db;
  int day0, day1;

  if (argc != 0 || (opt_communities == NULL) == !opt_all)
    {
      g_printerr (_("Usage: cohort-cli overview --communities A,B | --all [--from DAY --to DAY] [--json]\n"));
      return 2;
    }
  if (!(db = cohort_cli_open_db (TRUE, &error)))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  if ((ids = resolve_communities (db, &error)) != NULL)
    snap = cohort_db_load_people_snapshot (db, (const gint64 *)ids->data, ids->len, &counts, &error);
  /* the thresholds of the first community, as its zone */
  if (snap != NULL && !cohort_settings_load (db, g_array_index (ids, gint64, 0), &settings, &error))
    g_clear_pointer (&snap, cohort_snapshot_free);
  cohort_db_close (db);
  if (snap == NULL || !resolve_range (options, snap, &day0, &day1, &error))
    return cohort_cli_report_error (error);
  overview = cohort_overview_compute_with_settings (snap, &settings, day0, day1);
  print_overview (overview, snap, &counts);
  return 0;
}
