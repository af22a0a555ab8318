/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>

#include "cohort-cli.h"
#include "cohort-mech.h"
#include "cohort-store-settings.h"

/*
 * cohort-cli settings and cohort-cli mech: a community's settings and its additions to and
 * removals from the mechanical-reply lists, as in the window's Community Settings.
 */

static char **opt_set;

const GOptionEntry cohort_cli_settings_entries[] = {
  { "set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_set,
    N_("Change a setting (repeat for several); see the keys printed without it"), N_("KEY=VALUE") },
  { NULL }
};

static JsonNode *
settings_to_json (const CohortCommunitySettings *settings)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  const char * const *keys = cohort_community_settings_keys ();

  json_builder_begin_object (b);
  for (guint i = 0; keys[i] != NULL; i++)
    {
      g_autofree char *value = cohort_community_settings_get (settings, keys[i]);
      char *end = NULL;
      double number = g_ascii_strtod (value, &end);

      json_builder_set_member_name (b, keys[i]);
      if (end != value && *end == '\0')
        {
          if (number == (gint64)number)
            json_builder_add_int_value (b, (gint64)number);
          else
            json_builder_add_double_value (b, number);
        }
      else
        json_builder_add_string_value (b, value);
    }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static void
print_settings (const CohortCommunitySettings *settings)
{
  const char * const *keys = cohort_community_settings_keys ();

  if (cohort_cli_want_json ())
    {
      g_autoptr(JsonNode) root = settings_to_json (settings);

      cohort_cli_print_json (root);
      return;
    }
  for (guint i = 0; keys[i] != NULL; i++)
    {
      g_autofree char *value = cohort_community_settings_get (settings, keys[i]);

      g_print ("%-22s %s\n", keys[i], value);
    }
}

/* Applies every --set, then validates the whole (the churn levels' order). */
static gboolean
apply_changes (CohortCommunitySettings  *settings,
               GError                  **error)
{
  for (guint i = 0; opt_set != NULL && opt_set[i] != NULL; i++)
    {
      g_auto(GStrv) pair = g_strsplit (opt_set[i], "=", 2);

      if (pair[0] == NULL || pair[1] == NULL)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("--set takes KEY=VALUE, not “%s”"), opt_set[i]);
          return FALSE;
        }
      if (!cohort_community_settings_set (settings, g_strstrip (pair[0]), g_strstrip (pair[1]), error))
        return FALSE;
    }
  return cohort_community_settings_validate (settings, error);
}

int
cohort_cli_settings (int    argc,
                     char **argv)
{
  g_autoptr(GError) error = NULL;
  CohortCommunitySettings settings;
  gboolean writing = opt_set != NULL && opt_set[0] != NULL;
  CohortDb *db = NULL;
  gint64 id;

  if (argc != 1)
    {
      g_printerr ("%s\n", _("Usage: cohort-cli settings COMMUNITY [--set KEY=VALUE …] [--json]"));
      return 2;
    }
  if (!(db = cohort_cli_open_db (!writing, &error)) ||
      (id = cohort_db_find_community (db, argv[0], &error)) == 0 ||
      !cohort_db_get_community_settings (db, id, &settings, &error))
    goto fail;
  if (writing &&
      (!apply_changes (&settings, &error) ||
       !cohort_db_set_community_settings (db, id, &settings, &error)))
    goto fail;
  cohort_db_close (db);
  print_settings (&settings);
  return 0;

fail:
  g_printerr ("%s\n", error->message);
  cohort_db_close (db);
  return error->domain == G_OPTION_ERROR ||
         g_error_matches (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_INVALID_DATA) ? 2 : 1;
}

/* ------------------------------------------------------------------------------------------ */
/* mech                                                                                        */

static void
print_rules (GPtrArray *rules)
{
  if (cohort_cli_want_json ())
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_array (b);
      for (guint i = 0; i < rules->len; i++)
        {
          const CohortMechRule *rule = rules->pdata[i];

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "text");
          json_builder_add_string_value (b, rule->text);
          json_builder_set_member_name (b, "mechanical");
          json_builder_add_boolean_value (b, rule->mechanical);
          json_builder_set_member_name (b, "matches");
          json_builder_add_int_value (b, rule->matches);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      root = json_builder_get_root (b);
      cohort_cli_print_json (root);
      return;
    }
  if (rules->len == 0)
    g_print ("%s\n", _("No rules: only the built-in lists apply."));
  for (guint i = 0; i < rules->len; i++)
    {
      const CohortMechRule *rule = rules->pdata[i];

      /* Translators: a mechanical-reply rule, its text and how many messages it matches */
      g_print (rule->mechanical ? _("add     %s (%" PRId64 " messages)\n")
                                : _("remove  %s (%" PRId64 " messages)\n"),
               rule->text, (int64_t)rule->matches);
    }
}

int
cohort_cli_mech (int    argc,
                 char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rules = NULL;
  const char *verb = argc >= 2 ? argv[1] : NULL;
  gboolean list = g_strcmp0 (verb, "list") == 0;
  gboolean ok = TRUE;
  CohortDb *db = NULL;
  gint64 id;

  if (!((list && argc == 2) ||
        (argc == 3 && (g_strcmp0 (verb, "add") == 0 || g_strcmp0 (verb, "remove") == 0 ||
                       g_strcmp0 (verb, "unset") == 0))))
    {
      g_printerr ("%s\n%s\n", _("Usage: cohort-cli mech COMMUNITY add|remove|unset TEXT, or mech COMMUNITY list"),
                  _("add: always mechanical; remove: never mechanical (even on a built-in list); "
                    "unset: back to the built-in lists"));
      return 2;
    }
  if (!(db = cohort_cli_open_db (list, &error)) ||
      (id = cohort_db_find_community (db, argv[0], &error)) == 0)
    goto fail;
  if (g_strcmp0 (verb, "add") == 0 || g_strcmp0 (verb, "remove") == 0)
    ok = cohort_db_set_mech_rule (db, id, argv[2], g_strcmp0 (verb, "add") == 0,
                                  cohort_mech_normalize, &error);
  else if (g_strcmp0 (verb, "unset") == 0)
    ok = cohort_db_delete_mech_rule (db, id, argv[2], cohort_mech_normalize, &error);
  if (!ok || !(rules = cohort_db_list_mech_rules (db, id, cohort_mech_normalize, &error)))
    goto fail;
  cohort_db_close (db);
  print_rules (rules);
  return 0;

fail:
  g_printerr ("%s\n", error->message);
  cohort_db_close (db);
  return g_error_matches (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_INVALID_DATA) ? 2 : 1;
}
