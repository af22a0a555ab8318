/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-import-job"

#include "config.h"

#include "cohort-import-job.h"

#include <glib/gi18n-lib.h>

#include "cohort-csv.h"
#include "cohort-demo.h"

struct _CohortImportJob
{
  GObject parent_instance;

  char *db_path;
  GPtrArray *files;            /* GFile; empty for the demo */
  gint64 demo_now;
  gboolean demo;
  GCancellable *cancellable;
  gboolean running;
  char *tz;                    /* CohortImportOptions, owned copies */
  char *format;
  char *date_order;
  CohortCsvMapping *csv_mapping;
  guint skipped;               /* files in dropped folders that were no export */

  /* written by the worker under the lock, read by the notify idle */
  GMutex lock;
  double pending_fraction;
  char *pending_message;
  guint notify_source;

  /* main thread only */
  double fraction;
  char *message;
};

enum {
  PROP_0,
  PROP_FRACTION,
  PROP_MESSAGE,
  PROP_RUNNING,
  N_PROPS
};

enum {
  FILE_DONE,
  FINISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (CohortImportJob, cohort_import_job, G_TYPE_OBJECT)

typedef struct
{
  CohortImportJob *job;        /* owned */
  GFile *file;                 /* owned, NULL for the demo */
  CohortImportResult *result;  /* owned */
  GError *error;               /* owned */
} FileDone;

static void
file_done_free (FileDone *done)
{
  g_object_unref (done->job);
  g_clear_object (&done->file);
  cohort_import_result_free (done->result);
  g_clear_error (&done->error);
  g_free (done);
}

/* Runs on the main context: one emission per file, in order. */
static gboolean
emit_file_done (gpointer data)
{
  FileDone *done = data;

  g_signal_emit (done->job, signals[FILE_DONE], 0, done->file, done->result, done->error);
  return G_SOURCE_REMOVE;
}

static gboolean
flush_progress (gpointer data)
{
  CohortImportJob *self = data;

  g_mutex_lock (&self->lock);
  self->notify_source = 0;
  self->fraction = self->pending_fraction;
  g_free (self->message);
  self->message = g_strdup (self->pending_message);
  g_mutex_unlock (&self->lock);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE]);
  return G_SOURCE_REMOVE;
}

/* Worker thread: coalesce progress into at most one pending idle. */
static void
report_progress (double      fraction,
                 const char *message,
                 gpointer    user_data)
{
  CohortImportJob *self = user_data;

  g_mutex_lock (&self->lock);
  self->pending_fraction = fraction;
  g_free (self->pending_message);
  self->pending_message = g_strdup (message);
  if (self->notify_source == 0)
    self->notify_source = g_idle_add_full (G_PRIORITY_LOW, flush_progress, g_object_ref (self),
                                           g_object_unref);
  g_mutex_unlock (&self->lock);
}

static void
post_done (CohortImportJob    *self,
           GFile              *file,
           CohortImportResult *result,
           GError             *error)
{
  FileDone *done = g_new0 (FileDone, 1);

  done->job = g_object_ref (self);
  done->file = file ? g_object_ref (file) : NULL;
  done->result = result;
  done->error = error;
  g_main_context_invoke_full (NULL, G_PRIORITY_DEFAULT, emit_file_done, done,
                              (GDestroyNotify)file_done_free);
}

static CohortImportOptions
job_options (CohortImportJob *self)
{
  CohortImportOptions options = { self->tz, self->format, self->date_order };

  options.csv_mapping = self->csv_mapping;
  return options;
}

/* Worker: one file, one transaction.  Returns whether the file was an export at all; a file
 * found in a folder that is none is passed over quietly. */
static gboolean
import_one (CohortImportJob *self,
            CohortDb        *db,
            GFile           *file,
            gboolean         in_folder,
            GCancellable    *cancellable)
{
  CohortImportOptions options = job_options (self);
  CohortImportResult *result;
  GError *error = NULL;

  options.in_folder = in_folder;
  if (g_cancellable_set_error_if_cancelled (cancellable, &error))
    {
      post_done (self, file, NULL, error);
      return TRUE;
    }
  result = cohort_import_file (db, file, &options, report_progress, self, cancellable, &error);
  if (in_folder && g_error_matches (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_UNSUPPORTED))
    {
      self->skipped++;
      g_error_free (error);
      return FALSE;
    }
  post_done (self, file, result, error);
  return TRUE;
}

static void
import_folder (CohortImportJob *self,
               CohortDb        *db,
               GFile           *folder,
               GCancellable    *cancellable)
{
  g_autoptr(GPtrArray) files = NULL;
  GError *error = NULL;
  guint exports = 0;

  files = cohort_import_expand_folder (folder, cancellable, &error);
  if (files == NULL)
    {
      post_done (self, folder, NULL, error);
      return;
    }
  for (guint i = 0; i < files->len; i++)
    exports += import_one (self, db, files->pdata[i], TRUE, cancellable) ? 1 : 0;
  if (exports == 0)
    {
      g_autofree char *name = g_file_get_basename (folder);

      g_set_error (&error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_UNSUPPORTED,
                   _("The folder %s holds no export Cohort can read. Drop the export file itself, "
                     "or the folder the platform's export tool wrote."), name);
      post_done (self, folder, NULL, error);
    }
}

static void
run_in_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  CohortImportJob *self = source;
  GError *error = NULL;
  CohortDb *db = cohort_db_open (self->db_path, FALSE, &error);

  if (db == NULL)
    {
      post_done (self, self->files->len ? self->files->pdata[0] : NULL, NULL, error);
      g_task_return_boolean (task, FALSE);
      return;
    }

  if (self->demo)
    {
      CohortImportResult *result;

      report_progress (-1, _("Creating the demo community…"), self);
      result = cohort_demo_import (db, self->demo_now, cancellable, &error);
      post_done (self, NULL, result, error);
    }

  for (guint i = 0; i < self->files->len; i++)
    {
      GFile *file = self->files->pdata[i];

      if (cohort_import_is_folder (file))
        import_folder (self, db, file, cancellable);
      else
        import_one (self, db, file, FALSE, cancellable);
    }

  cohort_db_close (db);
  g_task_return_boolean (task, TRUE);
}

static void
on_task_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  CohortImportJob *self = COHORT_IMPORT_JOB (object);

  self->running = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  g_signal_emit (self, signals[FINISHED], 0);
}

static void
cohort_import_job_finalize (GObject *object)
{
  CohortImportJob *self = COHORT_IMPORT_JOB (object);

  g_free (self->db_path);
  g_free (self->tz);
  g_free (self->format);
  g_free (self->date_order);
  cohort_csv_mapping_free (self->csv_mapping);
  g_ptr_array_unref (self->files);
  g_clear_object (&self->cancellable);
  g_free (self->pending_message);
  g_free (self->message);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (cohort_import_job_parent_class)->finalize (object);
}

static void
cohort_import_job_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  CohortImportJob *self = COHORT_IMPORT_JOB (object);

  switch (prop_id)
    {
    case PROP_FRACTION:
      g_value_set_double (value, self->fraction);
      break;
    case PROP_MESSAGE:
      g_value_set_string (value, self->message);
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cohort_import_job_class_init (CohortImportJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = cohort_import_job_finalize;
  object_class->get_property = cohort_import_job_get_property;

  properties[PROP_FRACTION] =
    g_param_spec_double ("fraction", NULL, NULL, -1, 1, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MESSAGE] =
    g_param_spec_string ("message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* file-done (GFile *file or NULL for the demo, CohortImportResult *result or NULL,
   *            GError *error or NULL) */
  signals[FILE_DONE] = g_signal_new ("file-done", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                                     G_TYPE_OBJECT, G_TYPE_POINTER, G_TYPE_POINTER);
  signals[FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
cohort_import_job_init (CohortImportJob *self)
{
  g_mutex_init (&self->lock);
  self->files = g_ptr_array_new_with_free_func (g_object_unref);
  self->cancellable = g_cancellable_new ();
}

CohortImportJob *
cohort_import_job_new (const char  *db_path,
                       GFile      **files,
                       guint        n_files)
{
  CohortImportJob *self = g_object_new (COHORT_TYPE_IMPORT_JOB, NULL);

  self->db_path = g_strdup (db_path);
  for (guint i = 0; i < n_files; i++)
    g_ptr_array_add (self->files, g_object_ref (files[i]));
  return self;
}

CohortImportJob *
cohort_import_job_new_demo (const char *db_path,
                            gint64      now)
{
  CohortImportJob *self = cohort_import_job_new (db_path, NULL, 0);

  self->demo = TRUE;
  self->demo_now = now;
  return self;
}

void
cohort_import_job_start (CohortImportJob *self)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (COHORT_IS_IMPORT_JOB (self));
  g_return_if_fail (!self->running);

  self->running = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  task = g_task_new (self, self->cancellable, on_task_done, NULL);
  g_task_set_source_tag (task, cohort_import_job_start);
  g_task_run_in_thread (task, run_in_thread);
}

void
cohort_import_job_cancel (CohortImportJob *self)
{
  g_return_if_fail (COHORT_IS_IMPORT_JOB (self));
  g_cancellable_cancel (self->cancellable);
}

double
cohort_import_job_get_fraction (CohortImportJob *self)
{
  return self->fraction;
}

const char *
cohort_import_job_get_message (CohortImportJob *self)
{
  return self->message;
}

gboolean
cohort_import_job_get_running (CohortImportJob *self)
{
  return self->running;
}

guint
cohort_import_job_get_n_files (CohortImportJob *self)
{
  return self->files->len + (self->demo ? 1 : 0);
}

/* Before start: how the files are read (time zone, format, date order, CSV mapping); copied. */
void
cohort_import_job_set_options (CohortImportJob           *self,
                               const CohortImportOptions *options)
{
  g_return_if_fail (COHORT_IS_IMPORT_JOB (self));
  g_return_if_fail (!self->running);

  g_free (self->tz);
  g_free (self->format);
  g_free (self->date_order);
  cohort_csv_mapping_free (self->csv_mapping);
  self->tz = g_strdup (options ? options->tz : NULL);
  self->format = g_strdup (options ? options->format : NULL);
  self->date_order = g_strdup (options ? options->date_order : NULL);
  self->csv_mapping = options && options->csv_mapping ? cohort_csv_mapping_copy (options->csv_mapping)
                                                      : NULL;
}

/* After "finished": files found in dropped folders that were no export and were passed over. */
guint
cohort_import_job_get_skipped (CohortImportJob *self)
{
  g_return_val_if_fail (COHORT_IS_IMPORT_JOB (self), 0);
  return self->running ? 0 : self->skipped;
}
