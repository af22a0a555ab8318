/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "cohort-csv-reader.h"
#include "cohort-csv.h"
#include "cohort-fuzz.h"

/*
 * The generic CSV importer, with its input named table.csv: once without a mapping (it must
 * ask for one, or refuse the file) and once per kind of row with the columns guessed from
 * the input's own header, so that the rows are read too.
 */
int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_data (data, size, NULL);
  g_autoptr(CohortCsvReader) reader = cohort_csv_reader_new (stream, "table.csv", 0, NULL);
  g_autoptr(GPtrArray) header = g_ptr_array_new_with_free_func (g_free);

  cohort_fuzz_import ("csv", "table.csv", data, size);
  if (!cohort_csv_reader_next (reader, header, NULL))
    return 0;
  g_ptr_array_add (header, NULL);
  for (CohortCsvKind kind = 0; kind < COHORT_CSV_N_KINDS; kind++)
    {
      g_autoptr(CohortCsvMapping) mapping =
        cohort_csv_mapping_guess (kind, (const char * const *)header->pdata);
      CohortImportOptions options = { .tz = "UTC", .format = "csv", .csv_mapping = mapping };

      cohort_fuzz_import_with (&options, "table.csv", data, size);
    }
  return 0;
}
