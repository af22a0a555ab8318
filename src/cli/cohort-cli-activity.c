/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-cli"

#include "config.h"

#include "cohort-cli-activity.h"
#include "cohort-cli-report.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <json-glib/json-glib.h>
#include <stdlib.h>

#include "cohort-activity.h"
#include "cohort-retention.h"
#include "cohort-store-activity.h"
#include "cohort-store.h"

/*
 * cohort-cli activity and retention: the numbers of the Activity & Content and Retention
 * pages (their charts are drawn in cohort-cli-activity-chart.c).  JSON keeps English keys
 * and exact numerators and denominators; the text output is for people.
 */

static char *opt_by;
static char *opt_mode;
static char *opt_csv;

const GOptionEntry cohort_cli_retention_entries[] = {
  { "by", 0, 0, G_OPTION_ARG_STRING, &opt_by, N_("Cohorts by join week or month (default: week)"), N_("week|month") },
  { "mode", 0, 0, G_OPTION_ARG_STRING, &opt_mode, N_("Count members still in the group or active members (default: membership)"), N_("membership|activity") },
  { "csv", 0, 0, G_OPTION_ARG_FILENAME, &opt_csv, N_("Write the table as CSV"), N_("FILE") },
  { NULL }
};

typedef struct
{
  gint64          community;
  CohortSnapshot *snapshot;
  GPtrArray      *texts;
  int             day0, day1;
  CohortCommunitySettings settings;
} Loaded;

static void
loaded_clear (Loaded *l)
{
  g_clear_pointer (&l->snapshot, cohort_snapshot_free);
  g_clear_pointer (&l->texts, g_ptr_array_unref);
}

/* ------------------------------------------------------------------------------------------ */
/* Loading                                                                                     */

static gboolean
resolve_range (const CohortCliOptions  *options,
               CohortSnapshot          *snap,
               int                      default_days,
               int                     *day0,
               int                     *day1,
               GError                 **error)
{
  const char *range = options->range;

  if (range != NULL && g_strcmp0 (range, "all") != 0 && atoi (range) <= 0)
    return g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                        _("--range takes 30, 90, 365 or all")), FALSE;
  cohort_metrics_default_range (snap, g_get_real_time () / G_USEC_PER_SEC,
                                g_strcmp0 (range, "all") == 0 ? 0
                                : range != NULL ? atoi (range) : default_days, day0, day1);
  if ((options->from && !cohort_day_parse (options->from, day0)) ||
      (options->to && !cohort_day_parse (options->to, day1)))
    return g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                        _("Days are written YYYY-MM-DD, for example 2024-03-04")), FALSE;
  if (options->from && !options->to && !range)
    *day1 = MAX (*day0, snap->last_day);
  if (!options->from && !options->to)
    cohort_cli_note_data_end (snap, *day0, *day1);
  if (*day1 < *day0)
    return g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                        _("--to is before --from")), FALSE;
  return TRUE;
}

/* Opens the database, loads the community and, with texts, the texts of the range and of
 * the period before it. */
static gboolean
load (const CohortCliOptions  *options,
      const char              *community,
      int                      default_days,
      gboolean                 texts,
      Loaded                  *out,
      GError                 **error)
{
  g_autofree char *path = options->db_path ? g_strdup (options->db_path) : cohort_db_default_path ();
  CohortDb *db;
  gboolean ok = FALSE;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return g_set_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_OPEN,
                        _("No database at %s yet: import an export first (cohort-cli import FILE)."),
                        path), FALSE;
  if (!(db = cohort_db_open (path, TRUE, error)))
    return FALSE;
  if ((out->community = cohort_db_find_community (db, community, error)) != 0 &&
      (out->snapshot = cohort_db_load_snapshot (db, out->community, error)) != NULL &&
      cohort_db_get_community_settings (db, out->community, &out->settings, error) &&
      resolve_range (options, out->snapshot, default_days, &out->day0, &out->day1, error))
    {
      CohortSnapshot *s = out->snapshot;
      int n = out->day1 - out->day0 + 1;

      ok = !texts ||
           (out->texts = cohort_db_load_texts (db, out->community, s,
                                               cohort_snapshot_day_start (s, out->day0 - n),
                                               cohort_snapshot_day_end (s, out->day1),
                                               error)) != NULL;
    }
  cohort_db_close (db);
  return ok;
}

static int
report_error (GError *error)
{
  g_printerr ("%s\n", error->message);
  return error->domain == G_OPTION_ERROR ? 2 : 1;
}

/* ------------------------------------------------------------------------------------------ */
/* JSON                                                                                        */

static void
add_int (JsonBuilder *b,
         const char  *key,
         gint64       value)
{
  json_builder_set_member_name (b, key);
  json_builder_add_int_value (b, value);
}

static void
add_string (JsonBuilder *b,
            const char  *key,
            const char  *value)
{
  json_builder_set_member_name (b, key);
  json_builder_add_string_value (b, value);
}

static void
add_rate (JsonBuilder      *b,
          const char       *key,
          const CohortRate *rate)
{
  json_builder_set_member_name (b, key);
  json_builder_begin_object (b);
  add_int (b, "num", rate->num);
  add_int (b, "den", rate->den);
  json_builder_set_member_name (b, "value");
  if (rate->den > 0)
    json_builder_add_double_value (b, (double)rate->num / rate->den);
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
}

static void
add_day (JsonBuilder *b,
         const char  *key,
         int          day)
{
  g_autofree char *text = cohort_day_format (day);

  add_string (b, key, text);
}

static const char * const kind_keys[COHORT_ACTIVITY_N_KINDS] = {
  "text", "sticker", "image", "voice", "video", "file", "link", "system", "other",
};

static void
add_keywords (JsonBuilder *b,
              const char  *key,
              GPtrArray   *keywords)
{
  json_builder_set_member_name (b, key);
  json_builder_begin_array (b);
  for (guint i = 0; i < keywords->len; i++)
    {
      const CohortKeyword *k = keywords->pdata[i];

      json_builder_begin_object (b);
      add_string (b, "term", k->term);
      add_int (b, "members", k->members);
      add_int (b, "occurrences", k->occurrences);
      add_int (b, "previous_members", k->prev_members);
      json_builder_set_member_name (b, "rising");
      json_builder_add_double_value (b, k->rising);
      json_builder_set_member_name (b, "is_rising");
      json_builder_add_boolean_value (b, k->is_rising);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static void
add_network (JsonBuilder          *b,
             const CohortActivity *a)
{
  json_builder_set_member_name (b, "network");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "nodes");
  json_builder_begin_array (b);
  for (guint i = 0; i < a->nodes->len; i++)
    {
      const CohortNetworkNode *node = a->nodes->pdata[i];

      json_builder_begin_object (b);
      add_string (b, "name", node->name);
      add_int (b, "interactions", node->interactions);
      add_int (b, "messages", node->messages);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "edges");
  json_builder_begin_array (b);
  for (guint e = 0; e < a->edges->len; e++)
    {
      const CohortNetworkEdge *edge = &g_array_index (a->edges, CohortNetworkEdge, e);

      json_builder_begin_object (b);
      add_int (b, "a", edge->a);
      add_int (b, "b", edge->b);
      add_int (b, "weight", edge->weight);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
}

static JsonNode *
activity_to_json (const CohortActivity *a)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  add_day (b, "from", a->day0);
  add_day (b, "to", a->day1);
  add_rate (b, "stickiness", &a->stickiness);
  json_builder_set_member_name (b, "active_days_last_7");
  json_builder_begin_array (b);
  for (int d = 1; d <= 7; d++)
    json_builder_add_int_value (b, a->active_days[d]);
  json_builder_end_array (b);
  add_int (b, "messages", a->messages);
  add_int (b, "raw_messages", a->raw_messages);
  add_int (b, "active_members", a->active);
  add_int (b, "present_members", a->present);
  add_rate (b, "mechanical_share", &a->mech_share);
  add_rate (b, "messages_per_active", &a->per_active);
  add_rate (b, "messages_per_present", &a->per_present);
  add_rate (b, "messages_per_day", &a->per_day);
  json_builder_set_member_name (b, "kinds");
  json_builder_begin_object (b);
  for (int k = 0; k < COHORT_ACTIVITY_N_KINDS; k++)
    if (k != COHORT_MESSAGE_SYSTEM)
      add_int (b, kind_keys[k], a->kinds[k]);
  json_builder_end_object (b);
  add_int (b, "interactions", a->interactions);
  add_int (b, "pairs", a->pairs);
  add_rate (b, "interactions_per_day", &a->interaction_freq);
  add_rate (b, "network_density", &a->density);
  add_int (b, "caf", a->caf);
  add_int (b, "speakers", a->speakers);
  json_builder_set_member_name (b, "mechanical_texts");
  json_builder_begin_array (b);
  for (guint i = 0; i < a->mech_texts->len; i++)
    {
      const CohortMechText *m = a->mech_texts->pdata[i];

      json_builder_begin_object (b);
      add_string (b, "text", m->text);
      add_string (b, "kind", kind_keys[MIN (m->kind, COHORT_MESSAGE_OTHER)]);
      json_builder_set_member_name (b, "reason");
      if (m->reason != NULL)
        json_builder_add_string_value (b, m->reason);
      else
        json_builder_add_null_value (b);
      add_int (b, "count", m->count);
      add_int (b, "members", m->members);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  add_keywords (b, "keywords", a->keywords);
  add_keywords (b, "rising_keywords", a->rising);
  add_network (b, a);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static void
print_json (JsonNode *node)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (gen, TRUE);
  json_generator_set_root (gen, node);
  text = json_generator_to_data (gen, NULL);
  g_print ("%s\n", text);
}

/* ------------------------------------------------------------------------------------------ */
/* Text                                                                                        */

static char *
format_rate (const CohortRate *rate)
{
  if (rate->den <= 0)
    return g_strdup ("—");
  return g_strdup_printf ("%.1f%% (%" PRId64 "/%" PRId64 ")",
                          100.0 * rate->num / rate->den, rate->num, rate->den);
}

static char *
format_ratio (const CohortRate *rate)
{
  if (rate->den <= 0)
    return g_strdup ("—");
  return g_strdup_printf ("%.2f", (double)rate->num / rate->den);
}

static void
print_activity (const CohortActivity *a)
{
  g_autofree char *d0 = cohort_day_format (a->day0);
  g_autofree char *d1 = cohort_day_format (a->day1);
  g_autofree char *stick = format_rate (&a->stickiness);
  g_autofree char *mech = format_rate (&a->mech_share);
  g_autofree char *per_active = format_ratio (&a->per_active);
  g_autofree char *per_day = format_ratio (&a->per_day);
  g_autofree char *density = format_rate (&a->density);

  g_print (_("Activity %s … %s\n"), d0, d1);
  g_print (_("  Stickiness (average daily ÷ range active): %s\n"), stick);
  g_print (_("  Genuine messages: %" PRId64 " of %" PRId64 " (mechanical %s)\n"),
           a->messages, a->raw_messages, mech);
  g_print (_("  Per active member: %s · per day: %s\n"), per_active, per_day);
  g_print (_("  Interactions: %" PRId64 " · pairs: %" PRId64 " · density: %s\n"),
           a->interactions, a->pairs, density);
  g_print (_("  Speaker concentration (CAF): %d of %" PRId64 " speakers send half\n"),
           a->caf, a->speakers);
  g_print ("%s\n", _("  Message kinds:"));
  for (int k = 0; k < COHORT_ACTIVITY_N_KINDS; k++)
    if (a->kinds[k] > 0)
      g_print ("    %-10s %" PRId64 "\n", cohort_message_kind_label (k), a->kinds[k]);
  g_print ("%s\n", _("  Top mechanical texts:"));
  for (guint i = 0; i < a->mech_texts->len; i++)
    {
      const CohortMechText *m = a->mech_texts->pdata[i];

      g_print ("    %6" G_GINT64_FORMAT "  %s  [%s]\n", m->count,
               *m->text != '\0' ? m->text : cohort_message_kind_label (m->kind),
               m->reason != NULL ? m->reason : "");
    }
  g_print ("%s\n", _("  Hot keywords (members · times):"));
  for (guint i = 0; i < a->keywords->len; i++)
    {
      const CohortKeyword *k = a->keywords->pdata[i];

      g_print ("    %-12s %4" G_GINT64_FORMAT " · %" PRId64 "%s\n", k->term, k->members,
               k->occurrences, k->is_rising ? _("  ↑ rising") : "");
    }
}

static void
print_retention (const CohortRetention *r)
{
  g_print (r->period == COHORT_RETENTION_BY_WEEK
           ? (r->mode == COHORT_RETENTION_ACTIVITY ? _("Weekly cohorts, active in each week\n")
                                                   : _("Weekly cohorts, still members at each week's end\n"))
           : (r->mode == COHORT_RETENTION_ACTIVITY ? _("Monthly cohorts, active in each month\n")
                                                   : _("Monthly cohorts, still members at each month's end\n")));
  for (guint i = 0; i < r->n_rows; i++)
    {
      const CohortRetentionCohort *row = &r->rows[i];
      g_autofree char *label = cohort_retention_row_label (r, i);

      g_print ("  %-10s %5" G_GINT64_FORMAT, label, row->size);
      for (int k = 0; k < row->n_cells; k++)
        if (row->cells[k].den > 0)
          g_print (" %5.1f%%", 100.0 * row->cells[k].num / row->cells[k].den);
        else
          g_print ("      —");
      g_print ("\n");
    }
}

static JsonNode *
retention_to_json (const CohortRetention *r)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  add_string (b, "by", r->period == COHORT_RETENTION_BY_WEEK ? "week" : "month");
  add_string (b, "mode", r->mode == COHORT_RETENTION_ACTIVITY ? "activity" : "membership");
  add_day (b, "asof", r->asof);
  /* the newest cohort's day: asof, or the last day with data when that is earlier */
  add_day (b, "cohorts_end", r->rows_end);
  json_builder_set_member_name (b, "cohorts");
  json_builder_begin_array (b);
  for (guint i = 0; i < r->n_rows; i++)
    {
      const CohortRetentionCohort *row = &r->rows[i];
      g_autofree char *label = cohort_retention_row_label (r, i);

      json_builder_begin_object (b);
      add_string (b, "cohort", label);
      add_int (b, "size", row->size);
      json_builder_set_member_name (b, "cells");
      json_builder_begin_array (b);
      for (int k = 0; k < row->n_cells; k++)
        {
          json_builder_begin_object (b);
          add_int (b, "num", row->cells[k].num);
          add_int (b, "den", row->cells[k].den);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      for (int j = 0; j < COHORT_RETENTION_N_DAYS; j++)
        {
          int n = cohort_retention_day_points[j];
          g_autofree char *k1 = g_strdup_printf ("day_%d", n);
          g_autofree char *k2 = g_strdup_printf ("day_%d_or_after", n);
          g_autofree char *k3 = g_strdup_printf ("within_%d_days", n);

          add_rate (b, k1, &row->day_n[j]);
          add_rate (b, k2, &row->on_or_after[j]);
          add_rate (b, k3, &row->within[j]);
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* ------------------------------------------------------------------------------------------ */
/* Commands                                                                                    */

CohortActivity *
cohort_cli_activity_compute (const CohortCliOptions  *options,
                             const char              *community,
                             GError                 **error)
{
  CohortActivity *activity;
  Loaded l = { 0 };

  if (!load (options, community, 30, TRUE, &l, error))
    {
      loaded_clear (&l);
      return NULL;
    }
  activity = cohort_activity_compute (l.snapshot, l.texts, l.day0, l.day1);
  loaded_clear (&l);
  return activity;
}

int
cohort_cli_activity (int                     argc,
                     char                  **argv,
                     const CohortCliOptions *options)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CohortActivity) activity = NULL;

  if (argc != 1)
    {
      g_printerr (_("Usage: cohort-cli activity COMMUNITY [--from DAY --to DAY] [--json]\n"));
      return 2;
    }
  if (!(activity = cohort_cli_activity_compute (options, argv[0], &error)))
    return report_error (error);
  if (options->json)
    {
      g_autoptr(JsonNode) root = activity_to_json (activity);
      print_json (root);
    }
  else
    print_activity (activity);
  return 0;
}

static gboolean
parse_retention_options (CohortRetentionPeriod  *period,
                         CohortRetentionMode    *mode)
{
  *period = COHORT_RETENTION_BY_WEEK;
  *mode = COHORT_RETENTION_MEMBERSHIP;
  if (opt_by != NULL && !cohort_retention_period_from_string (opt_by, period))
    {
      g_printerr (_("--by takes week or month\n"));
      return FALSE;
    }
  if (opt_mode != NULL && !cohort_retention_mode_from_string (opt_mode, mode))
    {
      g_printerr (_("--mode takes membership or activity\n"));
      return FALSE;
    }
  return TRUE;
}

CohortRetention *
cohort_cli_retention_compute (const CohortCliOptions  *options,
                              const char              *community,
                              GError                 **error)
{
  CohortRetentionPeriod period;
  CohortRetentionMode mode;
  CohortRetention *retention;
  Loaded l = { 0 };

  if (!parse_retention_options (&period, &mode))
    return g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, ""), NULL;
  if (!load (options, community, 0, FALSE, &l, error))
    {
      loaded_clear (&l);
      return NULL;
    }
  retention = cohort_retention_compute_with_settings (l.snapshot, &l.settings, period, mode,
                                                      l.day0, l.day1);
  loaded_clear (&l);
  return retention;
}

int
cohort_cli_retention (int                     argc,
                      char                  **argv,
                      const CohortCliOptions *options)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CohortRetention) retention = NULL;

  if (argc != 1)
    {
      g_printerr (_("Usage: cohort-cli retention COMMUNITY [--by week|month] "
                    "[--mode membership|activity] [--json] [--csv FILE]\n"));
      return 2;
    }
  if (!(retention = cohort_cli_retention_compute (options, argv[0], &error)))
    {
      if (*error->message == '\0')
        return 2;
      return report_error (error);
    }
  if (opt_csv != NULL)
    {
      g_autofree char *csv = cohort_retention_to_csv (retention);

      if (!g_file_set_contents (opt_csv, csv, -1, &error))
        return report_error (error);
    }
  if (options->json)
    {
      g_autoptr(JsonNode) root = retention_to_json (retention);
      print_json (root);
    }
  else if (opt_csv == NULL)
    print_retention (retention);
  return 0;
}
