/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>

#include "cohort-member-loader.h"

/*
 * cohort-bench-members DB: times the Members page the way the window does it — a cold load
 * (snapshot, tags, invites, then the member table with every segment) — and then what a
 * filter or sort change costs: the page reruns only cohort_members_data_query on a worker.
 * Prints one CSV line: load_ms,table_ms,query_ms (median of the queries below),
 * query_max_ms,messages,members.
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
  g_autoptr(CohortMembersData) data = NULL;
  g_autoptr(CohortMemberTable) again = NULL;
  CohortMemberQuery queries[8];
  double t0, t1, t2, t3, runs[G_N_ELEMENTS (queries) * 3];
  guint n = 0;

  if (argc != 2)
    {
      g_printerr ("Usage: cohort-bench-members DB\n");
      return 2;
    }
  t0 = now_ms ();
  data = cohort_members_data_load (argv[1], 1, COHORT_DAY_NONE, g_get_real_time () / G_USEC_PER_SEC,
                                   NULL, &error);
  if (data == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  t1 = now_ms ();
  /* the table alone, as after a threshold change */
  t2 = now_ms ();
  again = cohort_member_table_compute (data->snapshot, data->snapshot->last_day, NULL,
                                       data->extras->invites, data->extras->reach);
  t3 = now_ms ();

  /* the filter and sort changes an operator makes in a row */
  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    cohort_member_query_init (&queries[i]);
  queries[1].tier = COHORT_TIER_FAN;
  queries[2].churn = COHORT_CHURN_WARN;
  queries[3].rfm = COHORT_RFM_AT_RISK;
  queries[4].sort = COHORT_MEMBER_SORT_NAME;
  queries[5].search = "an";
  queries[6].sort = COHORT_MEMBER_SORT_LAST_SEEN;
  queries[6].descending = FALSE;
  queries[7].kind = COHORT_MEMBER_KIND_PRESENT;
  queries[7].sort = COHORT_MEMBER_SORT_SCORE;
  for (guint r = 0; r < 3; r++)
    for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
      {
        double start = now_ms ();
        g_autoptr(GArray) rows = cohort_members_data_query (data, &queries[i]);

        runs[n++] = now_ms () - start;
      }
  qsort (runs, n, sizeof (double), compare_double);
  printf ("%.1f,%.1f,%.1f,%.1f,%u,%u\n", t1 - t0, t3 - t2, runs[n / 2], runs[n - 1],
          data->snapshot->n_messages, data->snapshot->n_members);
  return 0;
}
