/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "cohort-fuzz.h"

/* The slack importer, with its input named export.zip. */
int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  return cohort_fuzz_import ("slack", "export.zip", data, size);
}
