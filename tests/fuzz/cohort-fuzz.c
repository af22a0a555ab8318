/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "cohort-fuzz.h"

#include <glib/gstdio.h>
#include <unistd.h>

#include "cohort-importer.h"

static char *work_dir;
static CohortDb *db;

static void
remove_work_dir (void)
{
  g_autoptr(GDir) dir = g_dir_open (work_dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (work_dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (work_dir);
  g_clear_pointer (&db, cohort_db_close);
}

/* An in-memory database, fresh whenever an input was imported, so that it never grows. */
static CohortDb *
get_db (void)
{
  g_autoptr(GError) error = NULL;

  if (db == NULL && !(db = cohort_db_open (":memory:", FALSE, &error)))
    g_error ("cannot open the fuzzing database: %s", error->message);
  return db;
}

int
cohort_fuzz_import (const char    *format,
                    const char    *file_name,
                    const uint8_t *data,
                    size_t         size)
{
  CohortImportOptions options = { "UTC", format, NULL };

  return cohort_fuzz_import_with (&options, file_name, data, size);
}

int
cohort_fuzz_import_with (const CohortImportOptions *options,
                         const char                *file_name,
                         const uint8_t             *data,
                         size_t                     size)
{
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CohortImportResult) result = NULL;

  if (work_dir == NULL)
    {
      work_dir = g_dir_make_tmp ("cohort-fuzz-XXXXXX", &error);
      g_assert_no_error (error);
      atexit (remove_work_dir);
    }
  path = g_build_filename (work_dir, file_name, NULL);
  if (!g_file_set_contents (path, (const char *)data, size, &error))
    g_error ("cannot write the input: %s", error->message);
  file = g_file_new_for_path (path);

  result = cohort_import_file (get_db (), file, options, NULL, NULL, NULL, &error);
  /* Every refusal is an import error with a message, never a bare failure. */
  g_assert (result != NULL || (error != NULL && error->message != NULL));
  if (result != NULL)
    g_clear_pointer (&db, cohort_db_close);
  return 0;
}
