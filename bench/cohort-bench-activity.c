/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cohort-activity.h"
#include "cohort-activity-loader.h"
#include "cohort-retention.h"
#include "cohort-store-activity.h"
#include "cohort-store.h"

/*
 * cohort-bench-activity DB: times what the Activity & Content and Retention pages do after a
 * filter change, the way their workers do it: the snapshot is already loaded and shared, so
 * a range change to days not seen before costs one text query for the range and the period
 * before it plus the computation, one to days the snapshot already holds (every range, once
 * "All time" was shown) the computation alone, and a period or mode switch costs one
 * retention computation.  Medians of 11 runs, the 30-day range sliding back one day per
 * run.  On a shared machine wall time follows the load, so the activity recompute's CPU time
 * is printed too.  One CSV line: load_ms,activity_recompute_ms,retention_recompute_ms,
 * messages,members,activity_cpu_ms,activity_held_ms.
 */

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

static double
cpu_ms (void)
{
  struct timespec t;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec * 1000.0 + t.tv_nsec / 1e6;
}

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return (x > y) - (x < y);
}

static double
median (double *runs,
        guint   n)
{
  qsort (runs, n, sizeof (double), compare_double);
  return runs[n / 2];
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CohortSnapshot) snap = NULL;
  g_autoptr(CohortActivityData) all_time = NULL;
  double t0, t1, activity[11], activity_cpu[11], retention[11], held[11];
  CohortDb *db;

  if (argc != 2)
    {
      g_printerr ("Usage: cohort-bench-activity DB\n");
      return 2;
    }
  t0 = now_ms ();
  if (!(db = cohort_db_open (argv[1], TRUE, &error)) ||
      !(snap = cohort_db_load_snapshot (db, 1, &error)))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  t1 = now_ms ();

  for (guint i = 0; i < G_N_ELEMENTS (activity); i++)
    {
      int day1 = snap->last_day - (int)i, day0 = day1 - 29;
      double start = now_ms (), cpu_start = cpu_ms ();
      g_autoptr(GPtrArray) texts = cohort_db_load_texts (db, 1, snap,
                                                         cohort_snapshot_day_start (snap, day0 - 30),
                                                         cohort_snapshot_day_end (snap, day1), &error);
      g_autoptr(CohortActivity) a = NULL;

      if (texts == NULL)
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      a = cohort_activity_compute (snap, texts, day0, day1);
      activity[i] = now_ms () - start;
      activity_cpu[i] = cpu_ms () - cpu_start;
    }
  /* The Activity page's path: "All time" once (the snapshot then holds every text), then
   * the same sliding ranges from what it holds. */
  all_time = cohort_activity_load (argv[1], 1, NULL, 0, cohort_snapshot_day_end (snap, snap->last_day),
                                   &error);
  if (all_time == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  for (guint i = 0; i < G_N_ELEMENTS (held); i++)
    {
      CohortSnapshotRef *ref = all_time->snapshot;
      CohortSnapshot *s = cohort_snapshot_ref_get (ref);
      int day1 = s->last_day - (int)i, day0 = day1 - 29;
      double start = now_ms ();
      g_autoptr(GPtrArray) texts = cohort_snapshot_ref_load_texts (ref, db,
                                                                   cohort_snapshot_day_start (s, day0 - 30),
                                                                   cohort_snapshot_day_end (s, day1),
                                                                   &error);
      g_autoptr(CohortActivity) a = NULL;

      if (texts == NULL)
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      a = cohort_activity_compute (s, texts, day0, day1);
      held[i] = now_ms () - start;
    }
  for (guint i = 0; i < G_N_ELEMENTS (retention); i++)
    {
      double start = now_ms ();
      g_autoptr(CohortRetention) r = cohort_retention_compute (snap, i % 2 ? COHORT_RETENTION_BY_MONTH
                                                                           : COHORT_RETENTION_BY_WEEK,
                                                               i % 3 ? COHORT_RETENTION_ACTIVITY
                                                                     : COHORT_RETENTION_MEMBERSHIP,
                                                               snap->first_day, snap->last_day);

      retention[i] = now_ms () - start;
    }
  cohort_db_close (db);
  printf ("%.1f,%.1f,%.1f,%u,%u,%.1f,%.1f\n", t1 - t0, median (activity, G_N_ELEMENTS (activity)),
          median (retention, G_N_ELEMENTS (retention)), snap->n_messages, snap->n_members,
          median (activity_cpu, G_N_ELEMENTS (activity_cpu)), median (held, G_N_ELEMENTS (held)));
  return 0;
}
