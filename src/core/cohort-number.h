/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * A number that JSON gave as a double (1.7e9, 1e300, or an overflow json-glib read as inf),
 * as an integer.  FALSE for NaN, the infinities and anything beyond gint64: casting those is
 * undefined behaviour, and no time or id of an export is one of them.
 */
static inline gboolean
cohort_double_to_int64 (double  value,
                        gint64 *out)
{
  /* -2^63 is a double exactly and 2^63 is the first one past G_MAXINT64; NaN fails both. */
  if (!(value >= -9223372036854775808.0 && value < 9223372036854775808.0))
    return FALSE;
  *out = (gint64)value;
  return TRUE;
}

G_END_DECLS
