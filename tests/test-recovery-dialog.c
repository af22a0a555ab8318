/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "cohort-backup.h"
#include "cohort-recovery-dialog.h"
#include "cohort-render.h"
#include "cohort-test-ui.h"

/*
 * The recovery dialog under Xvfb: which choices it offers for a damaged database (with and
 * without a backup) and for one from a newer Cohort, what each choice does to the files, and
 * that it draws (rendered to recovery-dialog.png in the build's tests folder).
 */

#define DAMAGE "this is not a database, it is damage"

typedef struct
{
  char      *dir;
  char      *db;
  GtkWindow *parent;
  int        outcome;
} Fixture;

static void
remove_tree (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *child = g_build_filename (dir, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (dir);
}

/* A database with two messages, a backup of it, and then damage in its place. */
static char *
damaged_with_backup (Fixture  *f,
                     gboolean  backup)
{
  g_autoptr(GError) error = NULL;
  CohortDb *db = cohort_db_open (f->db, FALSE, &error);
  CohortImportTx *tx;
  CohortMessageRecord m = { 0, };
  char *backup_path = NULL;

  g_assert_no_error (error);
  tx = cohort_db_begin_import (db, "sample", "test", &error);
  m.community = cohort_import_tx_community (tx, "telegram", "1", "Kept", NULL, "UTC", &error);
  m.platform_msg_id = "1";
  m.ts = 1704067200;
  g_assert_true (cohort_import_tx_message (tx, &m, &error));
  m.platform_msg_id = "2";
  g_assert_true (cohort_import_tx_message (tx, &m, &error));
  g_assert_true (cohort_import_tx_commit (tx, &error));
  cohort_db_close (db);
  if (backup)
    {
      backup_path = cohort_backup_create (f->db, "daily", 7, &error);
      g_assert_no_error (error);
    }
  g_assert_true (g_file_set_contents (f->db, DAMAGE, -1, NULL));
  return backup_path;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("cohort-recovery-XXXXXX", &error);
  g_assert_no_error (error);
  f->db = g_build_filename (f->dir, "cohort.db", NULL);
  f->parent = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (f->parent, 640, 480);
  gtk_window_present (f->parent);
  f->outcome = -1;
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  cohort_backup_block_writes (f->db, FALSE);
  gtk_window_destroy (f->parent);
  remove_tree (f->dir);
  g_free (f->db);
  g_free (f->dir);
}

static void
on_recovered_cb (CohortRecoveryDialog *dialog,
                 int                   outcome,
                 Fixture              *f)
{
  f->outcome = outcome;
}

static CohortRecoveryDialog *
make_dialog (Fixture    *f,
             int         code,
             const char *backup)
{
  g_autoptr(GError) problem = g_error_new_literal (COHORT_STORE_ERROR, code, "test");
  CohortRecoveryDialog *dialog = cohort_recovery_dialog_new (f->parent, f->db, problem, backup,
                                                             1704067200);

  g_signal_connect (dialog, "recovered", G_CALLBACK (on_recovered_cb), f);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

/* Chooses response and waits for the outcome (the file steps run on a worker). */
static void
choose (Fixture              *f,
        CohortRecoveryDialog *dialog,
        const char           *response)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  g_object_ref (dialog);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), response);
  while (f->outcome < 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (f->outcome, >=, 0);
  g_test_message ("%s: %s", response, cohort_recovery_dialog_get_message (dialog));
  g_object_unref (dialog);
}

static char *
find_aside (Fixture *f)
{
  g_autoptr(GDir) d = g_dir_open (f->dir, 0, NULL);
  const char *name;

  while ((name = g_dir_read_name (d)) != NULL)
    if (strstr (name, ".damaged-") != NULL && !g_str_has_suffix (name, "-wal") &&
        !g_str_has_suffix (name, "-shm"))
      return g_build_filename (f->dir, name, NULL);
  return NULL;
}

static void
assert_contents (const char *path,
                 const char *expected)
{
  g_autofree char *contents = NULL;

  g_assert_nonnull (path);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, expected);
}

/* ------------------------------------------------------------------------------------------ */

static void
test_damaged_restore (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *backup = damaged_with_backup (f, TRUE);
  CohortRecoveryDialog *dialog = make_dialog (f, COHORT_STORE_ERROR_CORRUPT, backup);
  AdwMessageDialog *message = ADW_MESSAGE_DIALOG (dialog);
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *png = g_test_build_filename (G_TEST_BUILT, "recovery-dialog.png", NULL);
  g_autofree char *aside = NULL;
  g_autoptr(GError) error = NULL;
  guchar *pixels;
  int width, height, dark = 0, blue = 0, red = 0;
  CohortDb *db;

  /* All three ways out, restoring first; the body names the file and the backup's date. */
  g_assert_true (adw_message_dialog_has_response (message, "restore"));
  g_assert_true (adw_message_dialog_get_response_enabled (message, "restore"));
  g_assert_true (adw_message_dialog_has_response (message, "read-only"));
  g_assert_true (adw_message_dialog_has_response (message, "fresh"));
  g_assert_cmpstr (adw_message_dialog_get_default_response (message), ==, "restore");
  g_assert_cmpstr (adw_message_dialog_get_close_response (message), ==, "read-only");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (message), "is damaged"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (message), f->db));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (message), "2024-01-01"));

  /* It draws: text, a blue suggested Restore and a red destructive Start Fresh. */
  cohort_test_wait_for_frame (GTK_WIDGET (dialog));
  texture = cohort_widget_render (GTK_WIDGET (dialog));
  g_assert_nonnull (texture);
  gdk_texture_save_to_png (texture, png);
  g_test_message ("saved %s", png);
  width = gdk_texture_get_width (texture);
  height = gdk_texture_get_height (texture);
  pixels = g_malloc (width * height * 4);
  gdk_texture_download (texture, pixels, width * 4);
  for (int i = 0; i < width * height; i++)
    {
      const guchar *p = pixels + i * 4;   /* B, G, R, A */

      dark += p[3] > 200 && p[0] < 90 && p[1] < 90 && p[2] < 90;
      blue += p[3] > 200 && p[0] > 180 && p[2] < 90;
      red += p[3] > 200 && p[2] > 150 && p[0] < 90 && p[1] < 90;
    }
  g_free (pixels);
  g_test_message ("dark %d, blue %d, red %d", dark, blue, red);
  g_assert_cmpint (dark, >, 1000);
  g_assert_cmpint (blue, >, 50);
  g_assert_cmpint (red, >, 50);

  choose (f, dialog, "restore");
  g_assert_cmpint (f->outcome, ==, COHORT_RECOVERY_RESTORED);
  /* The damaged file moved aside unchanged; the database is the backup again. */
  aside = find_aside (f);
  assert_contents (aside, DAMAGE);
  db = cohort_db_open (f->db, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cohort_db_count (db, "message"), ==, 2);
  cohort_db_close (db);
}

static void
test_damaged_without_backup (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *none = damaged_with_backup (f, FALSE);
  CohortRecoveryDialog *dialog = make_dialog (f, COHORT_STORE_ERROR_CORRUPT, NULL);
  AdwMessageDialog *message = ADW_MESSAGE_DIALOG (dialog);
  g_autofree char *aside = NULL;
  g_autoptr(GError) error = NULL;
  CohortDb *db;

  g_assert_null (none);
  g_assert_false (adw_message_dialog_get_response_enabled (message, "restore"));
  g_assert_cmpstr (adw_message_dialog_get_default_response (message), ==, "read-only");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (message), "no backup"));

  choose (f, dialog, "fresh");
  g_assert_cmpint (f->outcome, ==, COHORT_RECOVERY_FRESH);
  aside = find_aside (f);
  assert_contents (aside, DAMAGE);
  g_assert_false (g_file_test (f->db, G_FILE_TEST_EXISTS));
  db = cohort_db_open (f->db, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cohort_db_count (db, "message"), ==, 0);
  cohort_db_close (db);
}

static void
test_newer_read_only (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  CohortDb *db = cohort_db_open (f->db, FALSE, &error);
  CohortRecoveryDialog *dialog;
  g_autofree char *aside = NULL;

  g_assert_no_error (error);
  cohort_db_close (db);
  dialog = make_dialog (f, COHORT_STORE_ERROR_NEWER_SCHEMA, NULL);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)),
                            "newer version"));

  choose (f, dialog, "read-only");
  g_assert_cmpint (f->outcome, ==, COHORT_RECOVERY_READ_ONLY);
  /* No file moved; reading works, writing is refused. */
  aside = find_aside (f);
  g_assert_null (aside);
  g_assert_true (cohort_backup_writes_blocked (f->db));
  g_assert_null (cohort_db_open (f->db, FALSE, &error));
  g_assert_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_WRITES_BLOCKED);
  g_clear_error (&error);
  db = cohort_db_open (f->db, TRUE, &error);
  g_assert_no_error (error);
  cohort_db_close (db);
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  g_test_add ("/cohort/recovery-dialog/damaged-restore", Fixture, NULL, fixture_setup,
              test_damaged_restore, fixture_teardown);
  g_test_add ("/cohort/recovery-dialog/damaged-without-backup", Fixture, NULL, fixture_setup,
              test_damaged_without_backup, fixture_teardown);
  g_test_add ("/cohort/recovery-dialog/newer-read-only", Fixture, NULL, fixture_setup,
              test_newer_read_only, fixture_teardown);
  return g_test_run ();
}
