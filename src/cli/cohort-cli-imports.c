/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-cli"

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>
#include <stdlib.h>

#include "cohort-cli.h"
#include "cohort-cli-report.h"

/*
 * cohort-cli imports / remove-import: the Imports page of the window, for scripts.
 */

static const char *
status_label (const char *status)
{
  if (g_strcmp0 (status, "ok") == 0)
    return _("imported");
  if (g_strcmp0 (status, "cancelled") == 0)
    return _("cancelled");
  return _("failed");
}

static JsonNode *
run_to_json (const CohortImportRun *run)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
#define ADD_INT(k, v) json_builder_set_member_name (b, k); json_builder_add_int_value (b, v)
#define ADD_STR(k, v) json_builder_set_member_name (b, k); \
  if ((v) != NULL) json_builder_add_string_value (b, v); else json_builder_add_null_value (b)
  ADD_INT ("id", run->id);
  ADD_STR ("source", run->source);
  ADD_STR ("format", run->format);
  ADD_STR ("status", run->status);
  ADD_INT ("started", run->started_ts);
  ADD_INT ("duration_ms", run->duration_ms);
  ADD_INT ("communities", run->counts.communities);
  ADD_INT ("members_added", run->counts.members_added);
  ADD_INT ("messages_added", run->counts.messages_added);
  ADD_INT ("messages_present", run->counts.messages_present);
  ADD_INT ("system_added", run->counts.system_added);
  ADD_INT ("events_added", run->counts.events_added);
  ADD_INT ("invites_added", run->counts.invites_added);
  ADD_INT ("reactions_added", run->counts.reactions_added);
  ADD_STR ("error", run->error);
#undef ADD_INT
#undef ADD_STR
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static void
print_run (const CohortImportRun *run)
{
  g_autofree char *when = run->started_ts ? cohort_cli_format_utc (run->started_ts)
                                            : g_strdup ("—");
  g_autofree char *name = g_path_get_basename (run->source);

  g_print ("%4" PRId64 "  %-20s  %-9s  %-9s  %7" PRId64 "  %7" PRId64 "  %6" PRId64 "  %6.1f s  %s\n",
           run->id, when, status_label (run->status), run->format ? run->format : "—",
           run->counts.messages_added, run->counts.messages_present, run->counts.members_added,
           run->duration_ms / 1000.0, name);
  if (run->error != NULL)
    {
      g_auto(GStrv) lines = g_strsplit (run->error, "\n", 2);
      g_print ("      %s\n", lines[0]);
    }
}

int
cohort_cli_imports (int    argc,
                    char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  CohortDb *db;

  if (!(db = cohort_cli_open_db (TRUE, &error)) || !(runs = cohort_db_list_imports (db, &error)))
    {
      g_printerr ("%s\n", error->message);
      cohort_db_close (db);
      return 1;
    }
  cohort_db_close (db);

  if (cohort_cli_want_json ())
    {
      g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);
      g_autoptr(JsonArray) array = json_array_new ();

      for (guint i = 0; i < runs->len; i++)
        json_array_add_element (array, run_to_json (runs->pdata[i]));
      json_node_set_array (root, array);
      cohort_cli_print_json (root);
      return 0;
    }

  if (runs->len == 0)
    {
      g_print ("%s\n", _("No imports yet. Import an export with: cohort-cli import FILE"));
      return 0;
    }
  /* Translators: column headings of cohort-cli imports; keep them short. */
  g_print ("%4s  %-20s  %-9s  %-9s  %7s  %7s  %6s  %8s  %s\n", _("ID"), _("Started (UTC)"),
           _("Status"), _("Format"), _("New"), _("Known"), _("People"), _("Time"), _("File"));
  for (guint i = 0; i < runs->len; i++)
    print_run (runs->pdata[i]);
  return 0;
}

int
cohort_cli_remove_import (int    argc,
                          char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CohortImportRun) run = NULL;
  g_autofree char *name = NULL;
  CohortImportCounts removed;
  CohortDb *db;
  char *end = NULL;
  gint64 id;

  if (argc != 1 || (id = g_ascii_strtoll (argv[0], &end, 10)) <= 0 || *end != '\0')
    {
      g_printerr ("%s\n", _("Usage: cohort-cli remove-import ID (the ID from cohort-cli imports)"));
      return 2;
    }
  if (!(db = cohort_cli_open_db (FALSE, &error)) ||
      !(run = cohort_db_get_import (db, id, &error)) ||
      !cohort_db_remove_import (db, id, &removed, &error))
    {
      g_printerr ("%s\n", error->message);
      cohort_db_close (db);
      return 1;
    }
  cohort_db_close (db);

  name = g_path_get_basename (run->source);
  if (cohort_cli_want_json ())
    {
      g_autoptr(JsonNode) root = run_to_json (run);
      JsonObject *object = json_node_get_object (root);

      json_object_set_int_member (object, "messages_removed", removed.messages_added);
      json_object_set_int_member (object, "system_removed", removed.system_added);
      json_object_set_int_member (object, "members_removed", removed.members_added);
      json_object_set_int_member (object, "events_removed", removed.events_added);
      json_object_set_int_member (object, "invites_removed", removed.invites_added);
      json_object_set_int_member (object, "reactions_removed", removed.reactions_added);
      json_object_set_int_member (object, "communities_removed", removed.communities);
      cohort_cli_print_json (root);
      return 0;
    }
  g_print (_("Removed import %" PRId64 " (%s): %" PRId64 " messages, %" PRId64 " members, %"
             PRId64 " membership events, %" PRId64 " invites and %" PRId64 " reactions.\n"),
           id, name, removed.messages_added + removed.system_added, removed.members_added,
           removed.events_added, removed.invites_added, removed.reactions_added);
  return 0;
}
