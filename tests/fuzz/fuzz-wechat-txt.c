/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "cohort-fuzz.h"

/* The wechat importer, with its input named chat.txt. */
int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  return cohort_fuzz_import ("wechat", "chat.txt", data, size);
}
