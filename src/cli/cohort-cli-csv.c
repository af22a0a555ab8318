/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-cli"

#include "config.h"

#include "cohort-cli-csv.h"

#include <glib/gi18n.h>
#include <stdio.h>

static char *opt_csv_kind;
static char *opt_map;
static char *opt_date_format;
static char *opt_csv_community;

const GOptionEntry cohort_cli_csv_entries[] = {
  { "csv-kind", 0, 0, G_OPTION_ARG_STRING, &opt_csv_kind,
    N_("What the rows of a CSV table are: messages, members, events or orders"), N_("KIND") },
  { "map", 0, 0, G_OPTION_ARG_STRING, &opt_map,
    N_("Which CSV column holds which field, e.g. member_id=UserID,ts=Time,text=Content"),
    N_("FIELD=COLUMN,…") },
  { "date-format", 0, 0, G_OPTION_ARG_STRING, &opt_date_format,
    N_("How a CSV table writes times: auto, epoch, epoch_ms or a pattern such as “DD/MM/YYYY HH:mm”"),
    N_("FORMAT") },
  { "csv-community", 0, 0, G_OPTION_ARG_STRING, &opt_csv_community,
    N_("Community the rows of a CSV table belong to (default: the file name)"), N_("NAME") },
  { NULL }
};

static gboolean
any_option (void)
{
  return opt_csv_kind != NULL || opt_map != NULL || opt_date_format != NULL ||
         opt_csv_community != NULL;
}

gboolean
cohort_cli_csv_check_options (GError **error)
{
  g_autoptr(CohortCsvMapping) probe = cohort_csv_mapping_new (COHORT_CSV_KIND_MESSAGES);
  CohortCsvKind kind;

  if (opt_csv_kind != NULL && !cohort_csv_kind_from_string (opt_csv_kind, &kind))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--csv-kind takes messages, members, events or orders"));
      return FALSE;
    }
  if (any_option () && opt_csv_kind == NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("Say what the rows are with --csv-kind messages|members|events|orders"));
      return FALSE;
    }
  return opt_map == NULL || cohort_csv_mapping_parse_map (probe, opt_map, error);
}

gboolean
cohort_cli_csv_mapping_for (GFile             *file,
                            CohortCsvMapping **mapping,
                            GError           **error)
{
  g_autoptr(CohortCsvPreview) preview = NULL;
  g_autoptr(CohortCsvMapping) result = NULL;
  CohortCsvKind kind;

  *mapping = NULL;
  if (!any_option ())
    return TRUE;
  cohort_csv_kind_from_string (opt_csv_kind, &kind);
  /* Columns the operator did not name are guessed from the header, as the dialog does. */
  if (!(preview = cohort_csv_preview_read (file, 0, NULL, error)))
    return FALSE;
  result = cohort_csv_mapping_guess (kind, (const char * const *)preview->header);
  if (opt_map != NULL && !cohort_csv_mapping_parse_map (result, opt_map, error))
    return FALSE;
  result->date_format = g_strdup (opt_date_format);
  result->community = g_strdup (opt_csv_community);
  *mapping = g_steal_pointer (&result);
  return TRUE;
}

void
cohort_cli_csv_explain (const GError *error)
{
  if (!g_error_matches (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_NEEDS_MAPPING))
    return;
  g_printerr ("%s\n", _("Import it once with --csv-kind KIND and --map FIELD=COLUMN,… (for "
                        "example: --csv-kind messages --map member_id=UserID,member_name=Name,"
                        "ts=Time,text=Content); later files with the same columns need neither."));
}
