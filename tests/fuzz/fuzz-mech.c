/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "cohort-fuzz.h"

#include <string.h>

#include "cohort-mech-private.h"

/*
 * The mechanical-reply classifier.  The input is a little chat: lines of
 * "<member byte><kind digit><text>", fed to one classifier in order (its history rules see
 * them all), with times a few seconds apart; the normaliser gets each text too.  A second
 * classifier runs the reference path (ICU and GLib per character, no fast paths) on the
 * same chat, and any answer or normalised text that differs is a crash: the fast paths
 * are only allowed to be faster.
 */
int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(CohortMech) mech = cohort_mech_new ();
  g_autoptr(CohortMech) reference = cohort_mech_new ();
  g_autofree char *copy = g_strndup ((const char *)data, size);
  g_auto(GStrv) lines = g_strsplit (copy, "\n", 256);
  gint64 ts = 1709258400;

  _cohort_mech_set_reference (reference, TRUE);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];
      g_autofree char *member = NULL;
      g_autofree char *normal = NULL;
      g_autofree char *normal_reference = NULL;
      CohortMechReason fast_reason, reference_reason;
      const char *text;
      int kind;

      if (strlen (line) < 2)
        continue;
      member = line[0] == '-' ? NULL : g_strdup_printf ("user%d", (guchar)line[0] % 8);
      kind = ((guchar)line[1] - '0') % 9;   /* '0' is TEXT; every CohortMessageKind */
      text = line + 2;
      /* The importers hand over valid UTF-8 only. */
      if (!g_utf8_validate (text, -1, NULL))
        continue;
      ts += (guchar)line[1] % 40;
      fast_reason = cohort_mech_classify (mech, member, ts, text, kind, (guchar)line[0] & 0x80);
      reference_reason = cohort_mech_classify (reference, member, ts, text, kind, (guchar)line[0] & 0x80);
      normal = cohort_mech_normalize (text);
      normal_reference = _cohort_mech_normalize_reference (text);
      if (fast_reason != reference_reason || strcmp (normal, normal_reference) != 0)
        g_error ("the fast classifier differs from the reference");
    }
  return 0;
}
