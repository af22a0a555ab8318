/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>

#include "cohort-overview.h"
#include "cohort-store.h"

/*
 * cohort-bench-overview DB: times the Overview the way the window computes it — a cold
 * snapshot load from SQLite plus the full-range computation — and then a recompute after a
 * date-range change (the median of 21 runs over the last 30 days).  Prints one CSV line:
 * load_ms,compute_ms,recompute_ms,messages,members.
 */

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return (x > y) - (x < y);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CohortSnapshot) snap = NULL;
  g_autoptr(CohortOverview) full = NULL;
  double t0, t1, t2, runs[21];
  CohortDb *db;

  if (argc != 2)
    {
      g_printerr ("Usage: cohort-bench-overview DB\n");
      return 2;
    }
  t0 = now_ms ();
  if (!(db = cohort_db_open (argv[1], TRUE, &error)) ||
      !(snap = cohort_db_load_snapshot (db, 1, &error)))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  cohort_db_close (db);
  t1 = now_ms ();
  full = cohort_overview_compute (snap, snap->first_day, snap->last_day);
  t2 = now_ms ();

  for (guint i = 0; i < G_N_ELEMENTS (runs); i++)
    {
      double start = now_ms ();
      g_autoptr(CohortOverview) month = cohort_overview_compute (snap, snap->last_day - 29 - (int)i, snap->last_day - (int)i);

      runs[i] = now_ms () - start;
    }
  qsort (runs, G_N_ELEMENTS (runs), sizeof (double), (int (*) (const void *, const void *))compare_double);
  printf ("%.1f,%.1f,%.2f,%u,%u\n", t1 - t0, t2 - t1, runs[G_N_ELEMENTS (runs) / 2],
          snap->n_messages, snap->n_members);
  return 0;
}
