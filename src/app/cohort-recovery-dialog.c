/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-recovery"

#include "config.h"

#include "cohort-recovery-dialog.h"

#include <glib/gi18n.h>

#include "cohort-backup.h"
#include "cohort-window.h"

/*
 * When the database is damaged or comes from a newer Cohort, this dialog offers the three
 * ways out: restore the newest good backup, open the database read-only, or start fresh.
 * Restoring and starting fresh first move the damaged file aside (it is never overwritten)
 * and run on a worker, since they copy files; the outcome arrives in the "recovered" signal
 * and, when the parent is the main window, reloads it.  Closing the dialog is "read-only":
 * the one choice that changes no file.
 *
 * cohort_recovery_check_database () is the launch check: on a worker it opens the database
 * (which migrates, backing up first) and takes the daily backup, and presents this dialog
 * when the database cannot be used.
 */

struct _CohortRecoveryDialog
{
  AdwMessageDialog parent_instance;

  /* owned */
  char      *db_path;
  char      *backup_path;     /* the newest good backup, or NULL */
  char      *message;         /* what the chosen step did, for the operator */
  /* weak: the dialog is closed (and unparented) before a step finishes */
  GtkWindow *parent;
};

enum {
  RECOVERED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (CohortRecoveryDialog, cohort_recovery_dialog, ADW_TYPE_MESSAGE_DIALOG)

/* ------------------------------------------------------------------------------------------ */
/* The steps, on a worker                                                                      */

typedef struct
{
  char                  *db_path;
  char                  *backup_path;
  CohortRecoveryOutcome  outcome;
} Step;

static void
step_free (Step *step)
{
  g_free (step->db_path);
  g_free (step->backup_path);
  g_free (step);
}

/* Returns the path the damaged file was moved to ("" when there was none). */
static void
run_step (GTask        *task,
          gpointer      source,
          gpointer      data,
          GCancellable *cancellable)
{
  Step *step = data;
  GError *error = NULL;
  char *aside;

  if (step->outcome == COHORT_RECOVERY_RESTORED)
    aside = cohort_backup_restore (step->db_path, step->backup_path, &error);
  else
    aside = cohort_backup_move_aside (step->db_path, &error);
  if (aside == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, aside, g_free);
}

static void
finish (CohortRecoveryDialog  *self,
        CohortRecoveryOutcome  outcome,
        char                  *message)
{
  GtkWindow *parent = self->parent;

  g_free (self->message);
  self->message = message;
  g_debug ("Recovery of %s: outcome %d", self->db_path, outcome);
  g_signal_emit (self, signals[RECOVERED], 0, outcome);
  if (COHORT_IS_WINDOW (parent) && outcome != COHORT_RECOVERY_FAILED)
    cohort_window_reload (COHORT_WINDOW (parent));
}

/* A short note of what happened, over the window, once the files have moved. */
static void
tell (GtkWindow  *parent,
      const char *heading,
      const char *body)
{
  GtkWidget *note;

  if (parent == NULL || !gtk_widget_get_mapped (GTK_WIDGET (parent)))
    return;
  note = adw_message_dialog_new (parent, heading, body);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (note), "close", _("_OK"));
  gtk_window_present (GTK_WINDOW (note));
}

static void
on_step_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(CohortRecoveryDialog) self = user_data;
  GTask *task = G_TASK (result);
  Step *step = g_task_get_task_data (task);
  GtkWindow *parent = self->parent;
  g_autoptr(GError) error = NULL;
  g_autofree char *aside = g_task_propagate_pointer (task, &error);

  if (aside == NULL)
    {
      tell (parent, _("Recovery Failed"), error->message);
      finish (self, COHORT_RECOVERY_FAILED, g_strdup (error->message));
      return;
    }
  if (step->outcome == COHORT_RECOVERY_RESTORED)
    finish (self, step->outcome,
            *aside != '\0'
            ? g_strdup_printf (_("The backup is restored. The damaged database was kept as %s."), aside)
            : g_strdup (_("The backup is restored.")));
  else
    finish (self, step->outcome,
            g_strdup_printf (_("A new, empty database is ready. The old one was kept as %s."), aside));
  tell (parent, step->outcome == COHORT_RECOVERY_RESTORED ? _("Backup Restored")
                                                          : _("New Database Started"),
        self->message);
}

static void
on_response_cb (CohortRecoveryDialog *self,
                const char           *response)
{
  g_autoptr(GTask) task = NULL;
  Step *step;

  if (g_strcmp0 (response, "read-only") == 0)
    {
      /* Reads go on (a newer schema included); every write is refused from here on. */
      cohort_backup_block_writes (self->db_path, TRUE);
      finish (self, COHORT_RECOVERY_READ_ONLY,
              g_strdup (_("The database is open read-only: nothing can be imported until a "
                          "backup is restored or a new database is started.")));
      return;
    }

  step = g_new0 (Step, 1);
  step->db_path = g_strdup (self->db_path);
  step->backup_path = g_strdup (self->backup_path);
  step->outcome = g_strcmp0 (response, "restore") == 0 ? COHORT_RECOVERY_RESTORED
                                                       : COHORT_RECOVERY_FRESH;
  /* No cancellable: once files move, the outcome must be reported, window or not. */
  task = g_task_new (NULL, NULL, on_step_done_cb, g_object_ref (self));
  g_task_set_source_tag (task, on_response_cb);
  g_task_set_task_data (task, step, (GDestroyNotify)step_free);
  g_task_run_in_thread (task, run_step);
}

/* ------------------------------------------------------------------------------------------ */

static char *
describe_backup (gint64 created)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (created);
  g_autoptr(GDateTime) local = g_date_time_to_local (utc);

  return g_date_time_format (local, "%Y-%m-%d %H:%M");
}

static void
set_body (CohortRecoveryDialog *self,
          const GError         *problem,
          gint64                backup_created)
{
  g_autoptr(GString) body = g_string_new (NULL);
  gboolean newer = g_error_matches (problem, COHORT_STORE_ERROR, COHORT_STORE_ERROR_NEWER_SCHEMA);

  if (newer)
    g_string_append_printf (body, _("The database %s was written by a newer version of Cohort. "
                                    "This version can read it, but must not change it."),
                            self->db_path);
  else
    g_string_append_printf (body, _("The database %s is damaged, so Cohort cannot use it as it "
                                    "is."), self->db_path);
  g_string_append (body, "\n\n");
  if (self->backup_path != NULL)
    {
      g_autofree char *when = describe_backup (backup_created);

      g_string_append_printf (body, _("Restore Backup puts back the copy from %s; what was "
                                      "imported after it has to be imported again."), when);
    }
  else
    g_string_append (body, _("There is no backup to restore."));
  g_string_append (body, " ");
  g_string_append (body, _("Open Read-Only shows the data without changing the file. Start "
                           "Fresh begins with an empty database. The damaged file is never "
                           "deleted: restoring or starting fresh first moves it aside."));
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (self), body->str);
}

/* ------------------------------------------------------------------------------------------ */

static void
cohort_recovery_dialog_dispose (GObject *object)
{
  CohortRecoveryDialog *self = COHORT_RECOVERY_DIALOG (object);

  g_clear_weak_pointer (&self->parent);
  G_OBJECT_CLASS (cohort_recovery_dialog_parent_class)->dispose (object);
}

static void
cohort_recovery_dialog_finalize (GObject *object)
{
  CohortRecoveryDialog *self = COHORT_RECOVERY_DIALOG (object);

  g_free (self->db_path);
  g_free (self->backup_path);
  g_free (self->message);
  G_OBJECT_CLASS (cohort_recovery_dialog_parent_class)->finalize (object);
}

static void
cohort_recovery_dialog_class_init (CohortRecoveryDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cohort_recovery_dialog_dispose;
  object_class->finalize = cohort_recovery_dialog_finalize;

  /* Emitted on the main thread once the chosen step is done; the outcome is a
   * CohortRecoveryOutcome and cohort_recovery_dialog_get_message () says what happened. */
  signals[RECOVERED] = g_signal_new ("recovered", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/cohortapp/Cohort/ui/cohort-recovery-dialog.ui");
}

static void
cohort_recovery_dialog_init (CohortRecoveryDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self, "response", G_CALLBACK (on_response_cb), NULL);
}

/* ------------------------------------------------------------------------------------------ */

CohortRecoveryDialog *
cohort_recovery_dialog_new (GtkWindow    *parent,
                            const char   *db_path,
                            const GError *problem,
                            const char   *backup_path,
                            gint64        backup_created)
{
  CohortRecoveryDialog *self;

  g_return_val_if_fail (db_path != NULL, NULL);
  g_return_val_if_fail (problem != NULL, NULL);

  self = g_object_new (COHORT_TYPE_RECOVERY_DIALOG, "transient-for", parent, NULL);
  self->db_path = g_strdup (db_path);
  self->backup_path = g_strdup (backup_path);
  g_set_weak_pointer (&self->parent, parent);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "restore",
                                           backup_path != NULL);
  if (backup_path == NULL)
    adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (self), "read-only");
  set_body (self, problem, backup_created);
  return self;
}

const char *
cohort_recovery_dialog_get_message (CohortRecoveryDialog *self)
{
  g_return_val_if_fail (COHORT_IS_RECOVERY_DIALOG (self), NULL);
  return self->message;
}

/* ------------------------------------------------------------------------------------------ */
/* The launch check                                                                            */

typedef struct
{
  char             *db_path;
  int               keep;
  CohortBackupInfo *backup;    /* out: the newest good backup, when the check failed */
} Check;

static void
check_free (Check *check)
{
  g_free (check->db_path);
  cohort_backup_info_free (check->backup);
  g_free (check);
}

static void
run_check (GTask        *task,
           gpointer      source,
           gpointer      data,
           GCancellable *cancellable)
{
  Check *check = data;
  GError *error = NULL;

  cohort_backup_set_keep (check->keep);
  if (cohort_backup_startup_check (check->db_path, check->keep,
                                   g_get_real_time () / G_USEC_PER_SEC, &error))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  check->backup = cohort_backup_find_usable (check->db_path);
  g_task_return_error (task, error);
}

static void
on_check_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GtkWindow) parent = user_data;
  Check *check = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  CohortRecoveryDialog *dialog;

  if (g_task_propagate_boolean (G_TASK (result), &error))
    return;
  if (!g_error_matches (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_CORRUPT) &&
      !g_error_matches (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_NEWER_SCHEMA))
    {
      /* Anything else (a folder that cannot be created, a locked file) the window reports
       * when it opens the database itself. */
      g_warning ("The launch check of %s failed: %s", check->db_path, error->message);
      return;
    }
  g_debug ("%s cannot be used (%s); offering recovery, newest good backup: %s",
           check->db_path, error->message, check->backup ? check->backup->path : "none");
  dialog = cohort_recovery_dialog_new (parent, check->db_path, error,
                                       check->backup ? check->backup->path : NULL,
                                       check->backup ? check->backup->created : 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

void
cohort_recovery_check_database (GtkWindow  *parent,
                                const char *db_path,
                                int         keep)
{
  g_autoptr(GTask) task = NULL;
  Check *check;

  g_return_if_fail (db_path != NULL);

  check = g_new0 (Check, 1);
  check->db_path = g_strdup (db_path);
  check->keep = keep;
  task = g_task_new (NULL, NULL, on_check_done_cb, parent ? g_object_ref (parent) : NULL);
  g_task_set_source_tag (task, cohort_recovery_check_database);
  g_task_set_task_data (task, check, (GDestroyNotify)check_free);
  g_task_run_in_thread (task, run_check);
}
