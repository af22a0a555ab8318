/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "cohort-cli.h"

/*
 * cohort-cli set-zone: the community's time zone, as in the window's Community Settings.
 */

int
cohort_cli_set_zone (int    argc,
                     char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTimeZone) zone = NULL;
  g_autoptr(GPtrArray) list = NULL;
  CohortDb *db;
  gint64 id;

  if (argc != 2)
    {
      g_printerr ("%s\n", _("Usage: cohort-cli set-zone COMMUNITY ZONE (an IANA name such as Asia/Shanghai)"));
      return 2;
    }
  if (!(zone = g_time_zone_new_identifier (argv[1])))
    {
      g_printerr (_("Unknown time zone “%s”; use an IANA name such as Asia/Shanghai.\n"), argv[1]);
      return 2;
    }
  if (!(db = cohort_cli_open_db (FALSE, &error)) ||
      (id = cohort_db_find_community (db, argv[0], &error)) == 0 ||
      !cohort_db_set_community_zone (db, id, argv[1], &error) ||
      !(list = cohort_db_list_communities (db, &error)))
    {
      g_printerr ("%s\n", error->message);
      cohort_db_close (db);
      return 1;
    }
  cohort_db_close (db);

  for (guint i = 0; i < list->len; i++)
    {
      const CohortCommunityInfo *info = list->pdata[i];

      if (info->id != id)
        continue;
      if (info->wall_clock)
        g_print (_("%s is now in %s; its times were moved so that the export's local times stay as they were.\n"),
                 info->name, info->tz);
      else
        g_print (_("%s is now in %s; days and hours are counted there.\n"), info->name, info->tz);
    }
  return 0;
}
