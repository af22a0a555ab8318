/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "cohort-csv-writer.h"

#include <string.h>

#include "cohort-snapshot.h"

static void
separate (GString *line)
{
  if (line->len > 0 && line->str[line->len - 1] != '\n')
    g_string_append_c (line, ',');
}

void
cohort_csv_append_field (GString    *line,
                         const char *value)
{
  gboolean formula, quote;

  separate (line);
  if (value == NULL)
    return;
  formula = value[0] != '\0' && strchr ("=+-@", value[0]) != NULL;
  quote = formula || strpbrk (value, ",\"\r\n") != NULL;
  if (!quote)
    {
      g_string_append (line, value);
      return;
    }
  g_string_append_c (line, '"');
  if (formula)
    g_string_append_c (line, '\'');
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (line, '"');
      g_string_append_c (line, *p);
    }
  g_string_append_c (line, '"');
}

/* A number is written as it is: its minus sign is no formula. */
void
cohort_csv_append_int (GString *line,
                       gint64   value)
{
  separate (line);
  g_string_append_printf (line, "%" G_GINT64_FORMAT, value);
}

void
cohort_csv_append_day (GString *line,
                       int      day)
{
  g_autofree char *text = cohort_day_format (day);

  cohort_csv_append_field (line, text);
}
