/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cohort-content-keys.h"

G_BEGIN_DECLS

/* The SHA-1 behind the keys, for the tests to check both ways of computing it.  data must
 * have room for 72 bytes after len: the padding is written in place.  accelerated: with
 * the SHA instructions, only when _cohort_sha1_accelerated () says the CPU has them. */
gboolean _cohort_sha1_accelerated (void);
void     _cohort_sha1_padded      (guint8   *data,
                                   gsize     len,
                                   gboolean  accelerated,
                                   guint8    digest[20]);

G_END_DECLS
