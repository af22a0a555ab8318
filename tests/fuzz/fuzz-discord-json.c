/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "cohort-fuzz.h"

/* The discord importer, with its input named channel.json. */
int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  return cohort_fuzz_import ("discord", "channel.json", data, size);
}
