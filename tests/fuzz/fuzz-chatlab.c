/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "cohort-fuzz.h"

/* The chatlab importer, with its input named group.json. */
int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  return cohort_fuzz_import ("chatlab", "group.json", data, size);
}
