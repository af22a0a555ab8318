/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib.h>

#include "cohort-fuzz.h"

/*
 * A stand-in for libFuzzer's main, linked into the harnesses of an ordinary build: feeds every
 * file named on the command line (or found in a folder named there) to the harness once.  The
 * test suite runs the seed corpora and tests/fuzz/regressions through it, so a crash that
 * fuzzing once found stays fixed without clang.
 */

static int
replay_file (const char *path)
{
  g_autofree char *data = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &data, &len, NULL))
    {
      g_printerr ("cannot read %s\n", path);
      return 1;
    }
  LLVMFuzzerTestOneInput ((const uint8_t *)data, len);
  return 0;
}

static int
replay (const char *path,
        guint      *count)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;
  int failures = 0;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      (*count)++;
      return replay_file (path);
    }
  dir = g_dir_open (path, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      failures += replay (child, count);
    }
  return failures;
}

int
main (int   argc,
      char *argv[])
{
  guint count = 0;
  int failures = 0;

  for (int i = 1; i < argc; i++)
    failures += replay (argv[i], &count);
  g_print ("%u inputs replayed\n", count);
  return failures > 0 || count == 0 ? 1 : 0;
}
