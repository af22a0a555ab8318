/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-cli"

#include "config.h"

#include "cohort-cli.h"

#include <glib/gi18n.h>
#include <inttypes.h>

#include "cohort-member-loader.h"

/*
 * cohort-cli members COMMUNITY: the Members page for scripts, with the same filters, sort
 * and CSV as the window.  --asof makes the numbers reproducible.
 */

static char *opt_asof;
static char *opt_segment;
static char *opt_sort;
static char *opt_search;
static char *opt_tag;
static char *opt_csv;
static gboolean opt_ascending;
static int opt_limit = -1;

const GOptionEntry cohort_cli_members_entries[] = {
  { "asof", 0, 0, G_OPTION_ARG_STRING, &opt_asof, N_("Evaluate as of this day, YYYY-MM-DD (default: yesterday)"), N_("DAY") },
  { "segment", 0, 0, G_OPTION_ARG_STRING, &opt_segment, N_("Only one segment: newcomer, veteran, lurker, active, fan, koc, slipping, warning, high-risk, an RFM segment (champions, loyal, at-risk, new, potential, hibernating, need-attention), staff or bot"), N_("NAME") },
  { "sort", 0, 0, G_OPTION_ARG_STRING, &opt_sort, N_("Sort by name, messages, active-days, last-seen, tenure, score, points or silent-days (default: messages, largest first)"), N_("SORT-KEY") },
  { "asc", 0, 0, G_OPTION_ARG_NONE, &opt_ascending, N_("Sort smallest first"), NULL },
  { "search", 0, 0, G_OPTION_ARG_STRING, &opt_search, N_("Only members whose name, id or tag contains this text"), N_("SEARCH-TEXT") },
  { "tag", 0, 0, G_OPTION_ARG_STRING, &opt_tag, N_("Only members with this tag"), N_("TAG-NAME") },
  { "limit", 0, 0, G_OPTION_ARG_INT, &opt_limit, N_("Print at most N members (default: 50 as text, all otherwise)"), N_("N") },
  { "csv", 0, 0, G_OPTION_ARG_FILENAME, &opt_csv, N_("Write the members to a CSV file"), N_("FILE") },
  { NULL }
};

static const char * const churn_ids[] = { "none", "slipping", "warning", "high-risk" };
static const char * const lifecycle_ids[] = { "unknown", "newcomer", "veteran" };

static gboolean
apply_segment (CohortMemberQuery *q,
               const char        *name)
{
  for (int t = COHORT_TIER_LURKER; t <= COHORT_TIER_KOC; t++)
    if (g_str_equal (name, cohort_tier_id (t)))
      return (q->tier = t), TRUE;
  for (int r = COHORT_RFM_CHAMPIONS; r < COHORT_RFM_N_SEGMENTS; r++)
    if (g_str_equal (name, cohort_rfm_segment_id (r)))
      return (q->rfm = r), TRUE;
  for (int c = COHORT_CHURN_WATCH; c <= COHORT_CHURN_HIGH; c++)
    if (g_str_equal (name, churn_ids[c]))
      return (q->churn = c), TRUE;
  for (int l = COHORT_LIFECYCLE_NEW; l <= COHORT_LIFECYCLE_OLD; l++)
    if (g_str_equal (name, lifecycle_ids[l]))
      return (q->lifecycle = l), TRUE;
  if (g_str_equal (name, "staff"))
    return (q->kind = COHORT_MEMBER_KIND_STAFF), TRUE;
  if (g_str_equal (name, "bot"))
    return (q->kind = COHORT_MEMBER_KIND_BOT), TRUE;
  return FALSE;
}

static JsonNode *
row_to_json (CohortMembersData *data,
             guint              m)
{
  const CohortMemberRow *row = &data->table->rows[m];
  CohortSnapshot *s = data->snapshot;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *joined = row->join_day != COHORT_DAY_NONE ? cohort_day_format (row->join_day) : NULL;
  g_autofree char *last = row->last_day != COHORT_DAY_NONE ? cohort_day_format (row->last_day) : NULL;
  char **tags = data->extras->tags[m];

#define STR(k, v) json_builder_set_member_name (b, k); \
  if ((v) != NULL) json_builder_add_string_value (b, v); else json_builder_add_null_value (b)
#define INT(k, v) json_builder_set_member_name (b, k); json_builder_add_int_value (b, v)
#define BOOL(k, v) json_builder_set_member_name (b, k); json_builder_add_boolean_value (b, v)
  json_builder_begin_object (b);
  STR ("id", s->member_uid[m]);
  STR ("name", s->member_name[m]);
  BOOL ("staff", s->member_is_staff[m]);
  BOOL ("bot", s->member_is_bot[m]);
  BOOL ("present", row->present);
  INT ("messages", row->messages);
  INT ("genuine_messages", row->genuine);
  INT ("active_days", row->active_days);
  STR ("joined", joined);
  STR ("last_seen", last);
  INT ("tenure", row->tenure);
  INT ("silent_days", row->silent_days);
  STR ("churn", churn_ids[row->churn]);
  STR ("lifecycle", lifecycle_ids[row->lifecycle]);
  STR ("tier", cohort_tier_id (row->tier));
  json_builder_set_member_name (b, "koc_score");
  if (row->koc_scored)
    json_builder_add_double_value (b, row->koc_score);
  else
    json_builder_add_null_value (b);
  INT ("koc_f", row->koc_f);
  INT ("koc_q", row->koc_q);
  INT ("koc_c", row->koc_c);
  BOOL ("koc", row->is_koc);
  BOOL ("kol", row->is_kol);
  STR ("rfm", cohort_rfm_segment_id (row->rfm_segment));
  INT ("rfm_r", row->rfm_r);
  INT ("rfm_f", row->rfm_f);
  INT ("rfm_m", row->rfm_m);
  INT ("rfm8", row->rfm8);
  INT ("points", row->points);
  INT ("invites", row->invites);
  INT ("paid_orders", row->orders);
  INT ("revenue_cents", row->revenue_cents);
  json_builder_set_member_name (b, "tags");
  json_builder_begin_array (b);
  for (guint t = 0; tags != NULL && tags[t] != NULL; t++)
    json_builder_add_string_value (b, tags[t]);
  json_builder_end_array (b);
  json_builder_end_object (b);
#undef STR
#undef INT
#undef BOOL
  return json_builder_get_root (b);
}

static void
print_json (CohortMembersData *data,
            const GArray      *rows,
            guint              limit)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *asof = cohort_day_format (data->asof);
  const CohortMemberTable *t = data->table;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "asof");
  json_builder_add_string_value (b, asof);
  json_builder_set_member_name (b, "members");
  json_builder_add_int_value (b, t->n_rows);
  json_builder_set_member_name (b, "matched");
  json_builder_add_int_value (b, rows->len);
  json_builder_set_member_name (b, "koc_scored");
  json_builder_add_int_value (b, t->n_scored);
  json_builder_set_member_name (b, "rfm_mode");
  json_builder_add_string_value (b, t->rfm_commerce ? "commerce" : "engagement");
  json_builder_set_member_name (b, "tiers");
  json_builder_begin_object (b);
  for (int i = COHORT_TIER_LURKER; i <= COHORT_TIER_KOC; i++)
    {
      json_builder_set_member_name (b, cohort_tier_id (i));
      json_builder_add_int_value (b, t->tier_counts[i]);
    }
  json_builder_end_object (b);
  json_builder_set_member_name (b, "rfm");
  json_builder_begin_object (b);
  for (int i = COHORT_RFM_CHAMPIONS; i < COHORT_RFM_N_SEGMENTS; i++)
    {
      json_builder_set_member_name (b, cohort_rfm_segment_id (i));
      json_builder_add_int_value (b, t->rfm_counts[i]);
    }
  json_builder_end_object (b);
  json_builder_set_member_name (b, "rows");
  json_builder_begin_array (b);
  for (guint i = 0; i < MIN (rows->len, limit); i++)
    json_builder_add_value (b, row_to_json (data, g_array_index (rows, guint, i)));
  json_builder_end_array (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  cohort_cli_print_json (root);
}

/* Pads to a terminal width: CJK characters take two columns, which printf's %-24s cannot
 * know. */
static char *
pad (const char *text,
     int         width)
{
  GString *out = g_string_new (text != NULL ? text : "");
  int used = 0;

  for (const char *p = out->str; *p != '\0'; p = g_utf8_next_char (p))
    used += g_unichar_iswide (g_utf8_get_char (p)) ? 2 : 1;
  for (; used < width; used++)
    g_string_append_c (out, ' ');
  return g_string_free (out, FALSE);
}

static void
print_text (CohortMembersData *data,
            const GArray      *rows,
            guint              limit)
{
  const CohortMemberTable *t = data->table;
  g_autofree char *asof = cohort_day_format (data->asof);

  g_print (_("%u of %u members as of %s\n"), rows->len, t->n_rows, asof);
  g_print (_("Tiers: %s %u, %s %u, %s %u, %s %u\n"),
           cohort_tier_name (COHORT_TIER_LURKER), t->tier_counts[COHORT_TIER_LURKER],
           cohort_tier_name (COHORT_TIER_ACTIVE), t->tier_counts[COHORT_TIER_ACTIVE],
           cohort_tier_name (COHORT_TIER_FAN), t->tier_counts[COHORT_TIER_FAN],
           cohort_tier_name (COHORT_TIER_KOC), t->tier_counts[COHORT_TIER_KOC]);
  {
    g_autofree char *name = pad (C_("member column", "Name"), 24);
    g_autofree char *lifecycle = pad (C_("member column", "Lifecycle"), 10);
    g_autofree char *tier = pad (C_("member column", "Engagement"), 10);

    g_print ("%s %8s %6s %10s %6s %s %s %6s %s\n", name, C_("member column", "Messages"),
             C_("member column", "Days"), C_("member column", "Last seen"),
             C_("member column", "Tenure"), lifecycle, tier, C_("member column", "Score"),
             C_("member column", "RFM segment"));
  }
  for (guint i = 0; i < MIN (rows->len, limit); i++)
    {
      guint m = g_array_index (rows, guint, i);
      const CohortMemberRow *row = &t->rows[m];
      g_autofree char *last = row->last_day != COHORT_DAY_NONE ? cohort_day_format (row->last_day)
                                                               : g_strdup ("         —");
      g_autofree char *score = row->koc_scored ? g_strdup_printf ("%.3f", row->koc_score)
                                               : g_strdup ("     —");

      g_autofree char *name = pad (data->snapshot->member_name[m], 24);
      g_autofree char *lifecycle = pad (cohort_lifecycle_name (row->lifecycle), 10);
      g_autofree char *tier = pad (cohort_tier_name (row->tier), 10);

      g_print ("%s %8" PRId64 " %6d %10s %6d %s %s %6s %s\n", name, (int64_t)row->messages,
               row->active_days, last, row->tenure, lifecycle, tier, score,
               cohort_rfm_segment_name (row->rfm_segment));
    }
}

static CohortMembersData *
load (const char  *community,
      GError     **error)
{
  g_autofree char *path = NULL;
  CohortDb *db;
  gint64 id;
  int asof = COHORT_DAY_NONE;

  if (opt_asof != NULL && !cohort_day_parse (opt_asof, &asof))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("Days are written YYYY-MM-DD, for example 2024-03-04"));
      return NULL;
    }
  if (!(db = cohort_cli_open_db (TRUE, error)))
    return NULL;
  id = cohort_db_find_community (db, community, error);
  path = g_strdup (cohort_db_get_path (db));
  cohort_db_close (db);
  if (id == 0)
    return NULL;
  /* the loader reads on a connection of its own, as the window's worker does */
  return cohort_members_data_load (path, id, asof, g_get_real_time () / G_USEC_PER_SEC, NULL, error);
}

int
cohort_cli_members (int    argc,
                    char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CohortMembersData) data = NULL;
  g_autoptr(GArray) rows = NULL;
  gboolean json = cohort_cli_want_json ();
  CohortMemberQuery query;

  if (argc != 1 || (json && opt_csv != NULL))
    {
      g_printerr (_("Usage: cohort-cli members COMMUNITY [--segment NAME] [--sort KEY] [--csv FILE|--json]\n"));
      return 2;
    }
  cohort_member_query_init (&query);
  if (opt_segment != NULL && !apply_segment (&query, opt_segment))
    {
      g_printerr (_("Unknown segment “%s”; see cohort-cli members --help\n"), opt_segment);
      return 2;
    }
  if (opt_sort != NULL && !cohort_member_sort_from_id (opt_sort, &query.sort))
    {
      g_printerr (_("Unknown sort key “%s”; see cohort-cli members --help\n"), opt_sort);
      return 2;
    }
  query.descending = !opt_ascending;
  query.search = opt_search;
  query.tag = opt_tag;

  if (!(data = load (argv[0], &error)))
    return cohort_cli_report_error (error);

  rows = cohort_members_data_query (data, &query);
  if (opt_limit >= 0 && (guint)opt_limit < rows->len)
    g_array_set_size (rows, opt_limit);
  if (opt_csv != NULL)
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (opt_csv);

      if (!cohort_members_data_save_csv (data, rows, file, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      g_print (_("Wrote %u members to %s\n"), rows->len, opt_csv);
    }
  else if (json)
    print_json (data, rows, G_MAXUINT);
  else
    print_text (data, rows, opt_limit >= 0 ? (guint)opt_limit : 50);
  return 0;
}
