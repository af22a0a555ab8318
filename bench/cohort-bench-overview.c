/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <time.h>

#include "cohort-overview.h"
#include "cohort-snapshot-cache.h"
#include "cohort-store-snapshot.h"

/*
 * cohort-bench-overview DB: times the Overview the way the window computes it — a cold
 * snapshot load from the tables plus the full-range computation — then a recompute after a
 * date-range change (the median of 21 runs over the last 30 days), then writing the
 * snapshot cache the way the Overview's worker does, and a load that the cache answers
 * (each load includes opening the database).  The two loads are also timed in CPU time,
 * which a busy machine inflates less than wall time.  Prints one CSV line:
 * load_ms,compute_ms,recompute_ms,messages,members,cached_load_ms,cache_write_ms,
 * load_cpu_ms,cached_load_cpu_ms.
 */

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

static double
cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
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
  g_autoptr(CohortSnapshot) cached = NULL;
  g_autoptr(CohortOverview) full = NULL;
  g_autoptr(GBytes) blob = NULL;
  double t0, t1, t2, t3, t4, t5, c0, c1, c4, c5, runs[21];
  CohortDb *db;

  if (argc != 2)
    {
      g_printerr ("Usage: cohort-bench-overview DB\n");
      return 2;
    }
  t0 = now_ms ();
  c0 = cpu_ms ();
  if (!(db = cohort_db_open (argv[1], TRUE, &error)) ||
      !(snap = cohort_db_load_snapshot_uncached (db, 1, &error)))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  cohort_db_close (db);
  t1 = now_ms ();
  c1 = cpu_ms ();
  full = cohort_overview_compute (snap, snap->first_day, snap->last_day);
  t2 = now_ms ();

  for (guint i = 0; i < G_N_ELEMENTS (runs); i++)
    {
      double start = now_ms ();
      g_autoptr(CohortOverview) month = cohort_overview_compute (snap, snap->last_day - 29 - (int)i, snap->last_day - (int)i);

      runs[i] = now_ms () - start;
    }
  qsort (runs, G_N_ELEMENTS (runs), sizeof (double), (int (*) (const void *, const void *))compare_double);

  t3 = now_ms ();
  blob = cohort_snapshot_cache_encode (snap, 1);
  cohort_snapshot_cache_write (argv[1], 1, snap->generation, blob);
  t4 = now_ms ();
  c4 = cpu_ms ();
  if (!(db = cohort_db_open (argv[1], TRUE, &error)) ||
      !(cached = cohort_db_load_snapshot (db, 1, &error)))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  cohort_db_close (db);
  t5 = now_ms ();
  c5 = cpu_ms ();
  if (!cached->from_cache)
    g_printerr ("The snapshot cache was not used\n");

  printf ("%.1f,%.1f,%.2f,%u,%u,%.1f,%.1f,%.1f,%.1f\n", t1 - t0, t2 - t1,
          runs[G_N_ELEMENTS (runs) / 2], snap->n_messages, snap->n_members, t5 - t4, t4 - t3,
          c1 - c0, c5 - c4);
  return 0;
}
