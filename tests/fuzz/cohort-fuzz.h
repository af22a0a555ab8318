/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "cohort-importer.h"

/*
 * Shared by the libFuzzer harnesses in this folder: each feeds its bytes to one importer,
 * through a temporary file named like a real export, into a throwaway in-memory database.
 * A refused input is fine; a crash, a sanitizer report, a leak or a hang is a bug.
 */

int cohort_fuzz_import (const char    *format,
                        const char    *file_name,
                        const uint8_t *data,
                        size_t         size);

/* The same with options of its own (a CSV mapping, say). */
int cohort_fuzz_import_with (const CohortImportOptions *options,
                             const char                *file_name,
                             const uint8_t             *data,
                             size_t                     size);

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);
