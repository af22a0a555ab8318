/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-cli"

#include "config.h"

#include "cohort-cli-report.h"

#include <glib/gi18n.h>

/* Machine-readable output keeps English keys and ISO-8601 UTC times; the text output is for
 * people and goes through gettext. */

char *
cohort_cli_format_utc (gint64 ts)
{
  g_autoptr(GDateTime) dt = NULL;

  if (ts == 0)
    return NULL;
  dt = g_date_time_new_from_unix_utc (ts);
  return dt ? g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ") : NULL;
}

static void
add_time (JsonBuilder *b,
          const char  *key,
          gint64       ts)
{
  g_autofree char *text = cohort_cli_format_utc (ts);

  json_builder_set_member_name (b, key);
  if (text != NULL)
    json_builder_add_string_value (b, text);
  else
    json_builder_add_null_value (b);
}

static void
add_int (JsonBuilder *b,
         const char  *key,
         gint64       value)
{
  json_builder_set_member_name (b, key);
  json_builder_add_int_value (b, value);
}

JsonNode *
cohort_cli_community_to_json (const CohortCommunityInfo *info)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  add_int (b, "id", info->id);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, info->name);
  json_builder_set_member_name (b, "platform");
  json_builder_add_string_value (b, info->platform);
  json_builder_set_member_name (b, "tz");
  json_builder_add_string_value (b, info->tz);
  add_int (b, "members", info->members);
  add_int (b, "posting_members", info->posting_members);
  add_int (b, "messages", info->messages);
  add_int (b, "mechanical_messages", info->mechanical_messages);
  add_int (b, "system_messages", info->system_messages);
  add_int (b, "joins", info->joins);
  add_int (b, "leaves", info->leaves);
  add_int (b, "invites", info->invites);
  add_int (b, "reactions", info->reactions);
  add_time (b, "first_message", info->first_message);
  add_time (b, "last_message", info->last_message);
  json_builder_end_object (b);
  return json_builder_get_root (b);
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
add_kpis (JsonBuilder      *b,
          const CohortKpis *k)
{
  add_int (b, "members_start", k->members_start);
  add_int (b, "members_end", k->members_end);
  add_int (b, "new_members", k->new_members);
  add_int (b, "joins", k->joins);
  add_int (b, "leaves", k->leaves);
  add_int (b, "net_growth", k->net_growth);
  add_int (b, "active_members", k->active_members);
  add_int (b, "messages", k->messages);
  add_int (b, "raw_messages", k->raw_messages);
  add_rate (b, "raw_interaction_rate", &k->raw_interaction_rate);
  add_rate (b, "real_interaction_rate", &k->real_interaction_rate);
  add_rate (b, "retention_7d_membership", &k->retention_7d);
  json_builder_set_member_name (b, "churn_warning");
  json_builder_begin_object (b);
  add_int (b, "watch", k->churn_watch);
  add_int (b, "warn", k->churn_warn);
  add_int (b, "high", k->churn_high);
  json_builder_end_object (b);
  add_int (b, "lurkers", k->lurkers);
  add_rate (b, "lurk_rate", &k->lurk_rate);
}

static void
add_series (JsonBuilder          *b,
            const char           *key,
            const CohortOverview *o,
            const gint64         *values)
{
  json_builder_set_member_name (b, key);
  json_builder_begin_array (b);
  for (guint i = 0; i < o->n_days; i++)
    {
      g_autofree char *day = cohort_day_format (o->day0 + (int)i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "day");
      json_builder_add_string_value (b, day);
      add_int (b, "value", values[i]);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static void
add_heatmap (JsonBuilder          *b,
             const CohortOverview *o)
{
  json_builder_set_member_name (b, "heatmap");
  json_builder_begin_array (b);
  for (int wd = 0; wd < 7; wd++)
    {
      json_builder_begin_array (b);
      for (int h = 0; h < 24; h++)
        json_builder_add_double_value (b, o->heatmap[wd][h]);
      json_builder_end_array (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "heatmap_counts");
  json_builder_begin_array (b);
  for (int wd = 0; wd < 7; wd++)
    {
      json_builder_begin_array (b);
      for (int h = 0; h < 24; h++)
        json_builder_add_int_value (b, o->heatmap_counts[wd][h]);
      json_builder_end_array (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "slots");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "core");
  json_builder_begin_array (b);
  for (int i = 0; i < 3; i++)
    json_builder_add_int_value (b, o->core_slots[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "supplementary");
  json_builder_begin_array (b);
  for (int i = 0; i < 2; i++)
    json_builder_add_int_value (b, o->supplementary_slots[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "fallback");
  json_builder_add_boolean_value (b, o->slots_fallback);
  json_builder_end_object (b);
}

static void
add_lists (JsonBuilder          *b,
           const CohortOverview *o)
{
  json_builder_set_member_name (b, "top_members");
  json_builder_begin_array (b);
  for (guint i = 0; i < o->top_members->len; i++)
    {
      const CohortTopMember *t = o->top_members->pdata[i];

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, t->name);
      add_int (b, "messages", t->messages);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "churn_list");
  json_builder_begin_array (b);
  for (guint i = 0; i < o->churn_list->len; i++)
    {
      const CohortChurnEntry *c = o->churn_list->pdata[i];
      static const char * const levels[] = { "none", "watch", "warn", "high" };
      g_autofree char *last = cohort_day_format (c->last_day);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, c->name);
      json_builder_set_member_name (b, "level");
      json_builder_add_string_value (b, levels[c->level]);
      add_int (b, "silent_days", c->silent_days);
      json_builder_set_member_name (b, "last_message_day");
      json_builder_add_string_value (b, last);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static void
add_cohorts (JsonBuilder          *b,
             const CohortOverview *o)
{
  json_builder_set_member_name (b, "retention_cohorts");
  json_builder_begin_array (b);
  for (guint i = 0; i < o->n_cohorts; i++)
    {
      const CohortRetentionRow *row = &o->cohorts[i];
      g_autofree char *week = cohort_day_format (row->week_start);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "week");
      json_builder_add_string_value (b, week);
      add_int (b, "size", row->size);
      json_builder_set_member_name (b, "active");
      json_builder_begin_array (b);
      for (int k = 0; k < row->n_cells; k++)
        {
          json_builder_begin_object (b);
          add_int (b, "num", row->active[k].num);
          add_int (b, "den", row->active[k].den);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

JsonNode *
cohort_cli_overview_to_json (const CohortOverview *o,
                             const CohortSnapshot *snapshot)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *from = cohort_day_format (o->day0);
  g_autofree char *to = cohort_day_format (o->day1);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "community");
  json_builder_add_string_value (b, snapshot->name);
  json_builder_set_member_name (b, "tz");
  json_builder_add_string_value (b, snapshot->tz_id);
  json_builder_set_member_name (b, "from");
  json_builder_add_string_value (b, from);
  json_builder_set_member_name (b, "to");
  json_builder_add_string_value (b, to);
  add_kpis (b, &o->kpis);
  json_builder_set_member_name (b, "previous");
  json_builder_begin_object (b);
  add_kpis (b, &o->prev);
  json_builder_end_object (b);
  add_series (b, "members", o, o->members);
  add_series (b, "dau", o, o->dau);
  add_series (b, "wau7", o, o->wau7);
  add_series (b, "mau30", o, o->mau30);
  add_heatmap (b, o);
  add_lists (b, o);
  add_cohorts (b, o);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static char *
format_rate (const CohortRate *rate)
{
  if (rate->den <= 0)
    return g_strdup ("—");
  return g_strdup_printf ("%.1f %% (%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT ")",
                          100.0 * rate->num / rate->den, rate->num, rate->den);
}

char *
cohort_cli_overview_to_text (const CohortOverview *o,
                             const CohortSnapshot *snapshot)
{
  GString *s = g_string_new (NULL);
  g_autofree char *from = cohort_day_format (o->day0);
  g_autofree char *to = cohort_day_format (o->day1);
  g_autofree char *real = format_rate (&o->kpis.real_interaction_rate);
  g_autofree char *raw = format_rate (&o->kpis.raw_interaction_rate);
  g_autofree char *ret = format_rate (&o->kpis.retention_7d);
  const CohortKpis *k = &o->kpis;

  g_string_append_printf (s, "%s (%s, %s … %s)\n", snapshot->name, snapshot->tz_id, from, to);
  g_string_append_printf (s, "  %-28s %" G_GINT64_FORMAT " → %" G_GINT64_FORMAT "\n", _("Members"),
                          k->members_start, k->members_end);
  g_string_append_printf (s, "  %-28s %" G_GINT64_FORMAT "\n", _("New members"), k->new_members);
  g_string_append_printf (s, "  %-28s %" G_GINT64_FORMAT " / %" G_GINT64_FORMAT "\n",
                          _("Joins / leaves"), k->joins, k->leaves);
  g_string_append_printf (s, "  %-28s %+" G_GINT64_FORMAT "\n", _("Net growth"), k->net_growth);
  g_string_append_printf (s, "  %-28s %" G_GINT64_FORMAT "\n", _("Active members"), k->active_members);
  g_string_append_printf (s, "  %-28s %s\n", _("Real interaction rate"), real);
  g_string_append_printf (s, "  %-28s %s\n", _("Raw interaction rate"), raw);
  g_string_append_printf (s, "  %-28s %s\n", _("7-day retention"), ret);
  g_string_append_printf (s, "  %-28s %" G_GINT64_FORMAT " / %" G_GINT64_FORMAT " / %"
                          G_GINT64_FORMAT "\n", _("Churn warnings (watch/warn/high)"),
                          k->churn_watch, k->churn_warn, k->churn_high);
  g_string_append_printf (s, "  %-28s %" G_GINT64_FORMAT "\n", _("Lurkers"), k->lurkers);
  g_string_append_printf (s, "  %-28s %02d:00 %02d:00 %02d:00 + %02d:00 %02d:00%s\n",
                          _("Best posting hours"), o->core_slots[0], o->core_slots[1],
                          o->core_slots[2], o->supplementary_slots[0], o->supplementary_slots[1],
                          o->slots_fallback ? _(" (default: too little data)") : "");
  if (o->top_members->len > 0)
    g_string_append_printf (s, "  %s\n", _("Top members"));
  for (guint i = 0; i < o->top_members->len; i++)
    {
      const CohortTopMember *t = o->top_members->pdata[i];
      g_string_append_printf (s, "    %2u. %-24s %" G_GINT64_FORMAT "\n", i + 1, t->name, t->messages);
    }
  return g_string_free (s, FALSE);
}

void
cohort_cli_note_data_end (const CohortSnapshot *snapshot,
                          int                   day0,
                          int                   day1)
{
  g_autofree char *last = NULL;

  if (cohort_metrics_range_after_data (snapshot, day0))
    {
      last = cohort_day_format (snapshot->last_day);
      /* Translators: the first %s is a community's name, the second a day (2024-03-21) */
      g_printerr (_("Nothing happened in %s in this period: its messages and joins end on %s. "
                    "--range all shows all of it.\n"), snapshot->name, last);
    }
  else if (cohort_metrics_data_ends_in_range (snapshot, day0, day1))
    {
      last = cohort_day_format (snapshot->last_day);
      /* Translators: the first %s is a community's name, the second a day (2024-03-21) */
      g_printerr (_("The messages and joins of %s end on %s: this period shows no activity "
                    "after that day, and its members count as silent since.\n"),
                  snapshot->name, last);
    }
}
