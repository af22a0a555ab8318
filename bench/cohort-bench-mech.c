/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "cohort-mech.h"

/*
 * cohort-bench-mech FILE: times the mechanical-reply classifier alone, the part of every
 * import's parse thread that looks at message text.  FILE holds records in sqlite3's
 * ".mode ascii" form (fields split by 0x1F, records by 0x1E): member uid, ts, kind,
 * has-attachment (0/1), text.  bench/run writes it from an imported database.  Prints one
 * CSV line: messages,total_ms,ns_per_message, then each reason's count, so a faster
 * classifier can be checked to give the same answers.
 */

typedef struct
{
  char *uid;
  gint64 ts;
  int kind;
  gboolean attachment;
  char *text;
} Record;

static GArray *
read_records (const char  *path,
              char       **contents)
{
  GArray *records = g_array_new (FALSE, FALSE, sizeof (Record));
  gsize len = 0;
  char *p, *end;

  if (!g_file_get_contents (path, contents, &len, NULL))
    return records;
  p = *contents;
  end = p + len;
  while (p < end)
    {
      char *rec_end = memchr (p, 0x1E, (gsize) (end - p));
      char *fields[5] = { NULL, };
      guint n = 0;
      Record r;

      if (rec_end == NULL)
        rec_end = end;
      *rec_end = '\0';
      for (char *f = p; n < 5; n++)
        {
          char *sep = n < 4 ? strchr (f, 0x1F) : NULL;

          fields[n] = f;
          if (sep == NULL)
            break;
          *sep = '\0';
          f = sep + 1;
        }
      if (n == 4)
        {
          r.uid = fields[0][0] ? fields[0] : NULL;
          r.ts = g_ascii_strtoll (fields[1], NULL, 10);
          r.kind = atoi (fields[2]);
          r.attachment = fields[3][0] == '1';
          r.text = fields[4];
          g_array_append_val (records, r);
        }
      p = rec_end + 1;
    }
  return records;
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *contents = NULL;
  g_autoptr(GArray) records = NULL;
  g_autoptr(CohortMech) mech = NULL;
  guint counts[COHORT_MECH_CHAIN + 1] = { 0, };
  gint64 t0, t1;

  if (argc != 2)
    {
      g_printerr ("Usage: cohort-bench-mech FILE\n");
      return 2;
    }
  records = read_records (argv[1], &contents);
  if (records->len == 0)
    {
      g_printerr ("%s: no records\n", argv[1]);
      return 1;
    }
  mech = cohort_mech_new ();
  t0 = g_get_monotonic_time ();
  for (guint i = 0; i < records->len; i++)
    {
      const Record *r = &g_array_index (records, Record, i);

      counts[cohort_mech_classify (mech, r->uid, r->ts, r->text, r->kind, r->attachment)]++;
    }
  t1 = g_get_monotonic_time ();

  printf ("%u,%.1f,%.0f", records->len, (t1 - t0) / 1000.0, (t1 - t0) * 1000.0 / records->len);
  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    printf (",%s=%u", i == 0 ? "NONE" : cohort_mech_reason_to_string (i), counts[i]);
  printf ("\n");
  return 0;
}
