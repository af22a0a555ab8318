/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-imports-page"

#include "config.h"

#include <inttypes.h>

#include "cohort-imports-page.h"

#include <glib/gi18n.h>

/*
 * The history is read, and a run removed, on worker threads with their own connections; the
 * page only builds rows from the plain structs that come back.
 */

struct _CohortImportsPage
{
  GtkWidget parent_instance;

  /* template children */
  GtkListBox *run_list;
  GtkStack *stack;
  GtkLabel *summary_label;

  /* owned */
  char *db_path;
  GCancellable *cancellable;
  guint n_runs;
  gboolean removing;
};

enum {
  LOADED,
  RERUN,
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (CohortImportsPage, cohort_imports_page, GTK_TYPE_WIDGET)

typedef struct
{
  GPtrArray *runs;     /* CohortImportRun */
  GArray *exists;      /* gboolean per run: can it be run again? */
} History;

static void
history_free (History *history)
{
  g_ptr_array_unref (history->runs);
  g_array_unref (history->exists);
  g_free (history);
}

/* ------------------------------------------------------------------------------------------ */
/* Workers                                                                                     */

static void
load_in_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  const char *db_path = task_data;
  g_autoptr(GError) error = NULL;
  History *history = g_new0 (History, 1);
  CohortDb *db;

  history->exists = g_array_new (FALSE, FALSE, sizeof (gboolean));
  if (!g_file_test (db_path, G_FILE_TEST_EXISTS))
    {
      history->runs = g_ptr_array_new_with_free_func ((GDestroyNotify)cohort_import_run_free);
      g_task_return_pointer (task, history, (GDestroyNotify)history_free);
      return;
    }
  if (!(db = cohort_db_open (db_path, TRUE, &error)) ||
      !(history->runs = cohort_db_list_imports (db, &error)))
    {
      cohort_db_close (db);
      g_array_unref (history->exists);
      g_free (history);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  cohort_db_close (db);

  for (guint i = 0; i < history->runs->len; i++)
    {
      const CohortImportRun *run = history->runs->pdata[i];
      gboolean exists = g_path_is_absolute (run->source) &&
                        g_file_test (run->source, G_FILE_TEST_IS_REGULAR);

      g_array_append_val (history->exists, exists);
    }
  g_task_return_pointer (task, history, (GDestroyNotify)history_free);
}

typedef struct
{
  char *db_path;
  gint64 run_id;
  CohortImportRun *run;         /* as it was, for the sentence afterwards */
  CohortImportCounts removed;
} Removal;

static void
removal_free (Removal *removal)
{
  g_free (removal->db_path);
  cohort_import_run_free (removal->run);
  g_free (removal);
}

static void
remove_in_thread (GTask        *task,
                  gpointer      source,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  Removal *removal = task_data;
  g_autoptr(GError) error = NULL;
  CohortDb *db = cohort_db_open (removal->db_path, FALSE, &error);

  if (db == NULL ||
      !(removal->run = cohort_db_get_import (db, removal->run_id, &error)) ||
      !cohort_db_remove_import (db, removal->run_id, &removal->removed, &error))
    {
      cohort_db_close (db);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  cohort_db_close (db);
  g_task_return_boolean (task, TRUE);
}

/* ------------------------------------------------------------------------------------------ */
/* Rows                                                                                        */

/* Platform names are names, not words: they stay as they are in every language. */
static const char *
format_label (const char *format)
{
  static const struct { const char *name; const char *label; } labels[] = {
    { "telegram", "Telegram" }, { "whatsapp", "WhatsApp" }, { "wechat", "WeChat" },
    { "qq", "QQ" }, { "discord", "Discord" }, { "slack", "Slack" }, { "chatlab", "ChatLab" },
    { "csv", "CSV" },
  };

  if (format == NULL)
    return _("Unknown format");
  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (g_str_equal (format, labels[i].name))
      return labels[i].label;
  return format;
}

static char *
format_duration (gint64 ms)
{
  if (ms < 1000)
    return g_strdup_printf (_("%" PRId64 " ms"), ms);
  return g_strdup_printf (_("%.1f s"), ms / 1000.0);
}

static char *
format_when (gint64 ts)
{
  g_autoptr(GDateTime) dt = ts > 0 ? g_date_time_new_from_unix_local (ts) : NULL;

  /* Translators: date and time of an import, see g_date_time_format(). */
  return dt ? g_date_time_format (dt, _("%Y-%m-%d %H:%M")) : g_strdup ("—");
}

/* format is the g_dngettext() of the part for n, so that xgettext sees both forms. */
static void
append_count (GString    *text,
              gint64      n,
              const char *format)
{
  if (n == 0)
    return;
  if (text->len > 0)
    /* Translators: between the parts of "12 new messages, 3 new members" */
    g_string_append (text, _(", "));
  g_string_append_printf (text, format, n);
}

static char *
describe_added (const CohortImportRun *run)
{
  const CohortImportCounts *c = &run->counts;
  GString *text = g_string_new (NULL);

  append_count (text, c->messages_added,
                g_dngettext (GETTEXT_PACKAGE, "%'" PRId64 " new message", "%'" PRId64 " new messages",
                             c->messages_added));
  append_count (text, c->members_added,
                g_dngettext (GETTEXT_PACKAGE, "%'" PRId64 " new member", "%'" PRId64 " new members",
                             c->members_added));
  append_count (text, c->events_added,
                g_dngettext (GETTEXT_PACKAGE, "%'" PRId64 " membership event",
                             "%'" PRId64 " membership events", c->events_added));
  append_count (text, c->invites_added,
                g_dngettext (GETTEXT_PACKAGE, "%'" PRId64 " invite", "%'" PRId64 " invites",
                             c->invites_added));
  append_count (text, c->reactions_added,
                g_dngettext (GETTEXT_PACKAGE, "%'" PRId64 " reaction", "%'" PRId64 " reactions",
                             c->reactions_added));
  if (text->len == 0)
    g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE,
                                               "Nothing new: its %'" PRId64 " message was already there",
                                               "Nothing new: its %'" PRId64 " messages were already there",
                                               c->messages_present), c->messages_present);
  return g_string_free (text, FALSE);
}

static char *
describe_run (const CohortImportRun *run)
{
  g_autofree char *when = format_when (run->started_ts);
  g_autofree char *took = format_duration (run->duration_ms);
  g_autofree char *what = NULL;

  if (g_strcmp0 (run->status, "ok") == 0)
    what = describe_added (run);
  else
    {
      g_auto(GStrv) lines = g_strsplit (run->error ? run->error : "", "\n", 2);

      what = g_strdup (g_strcmp0 (run->status, "cancelled") == 0 ? _("Cancelled: nothing was added")
                                                                 : lines[0]);
    }
  /* Translators: format · date · duration, then what the import did. */
  return g_strdup_printf (_("%s · %s · %s\n%s"), format_label (run->format), when, took, what);
}

static GtkWidget *
status_icon (const CohortImportRun *run)
{
  GtkWidget *icon;

  if (g_strcmp0 (run->status, "ok") == 0)
    {
      icon = gtk_image_new_from_icon_name ("emblem-ok-symbolic");
      gtk_widget_add_css_class (icon, "success");
      gtk_widget_set_tooltip_text (icon, _("Imported"));
    }
  else if (g_strcmp0 (run->status, "cancelled") == 0)
    {
      icon = gtk_image_new_from_icon_name ("process-stop-symbolic");
      gtk_widget_add_css_class (icon, "dim-label");
      gtk_widget_set_tooltip_text (icon, _("Cancelled"));
    }
  else
    {
      icon = gtk_image_new_from_icon_name ("dialog-error-symbolic");
      gtk_widget_add_css_class (icon, "error");
      gtk_widget_set_tooltip_text (icon, _("Failed"));
    }
  return icon;
}

static void on_rerun_clicked_cb  (GtkButton *button, CohortImportsPage *self);
static void on_remove_clicked_cb (GtkButton *button, CohortImportsPage *self);

static GtkWidget *
row_button (CohortImportsPage     *self,
            const char            *icon,
            const char            *tooltip,
            const CohortImportRun *run,
            GCallback              callback)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
  gtk_widget_add_css_class (button, "flat");
  g_object_set_data_full (G_OBJECT (button), "run-id", g_memdup2 (&run->id, sizeof run->id), g_free);
  g_object_set_data_full (G_OBJECT (button), "source", g_strdup (run->source), g_free);
  g_object_set_data_full (G_OBJECT (button), "options", g_strdup (run->options), g_free);
  g_signal_connect (button, "clicked", callback, self);
  return button;
}

static GtkWidget *
make_row (CohortImportsPage     *self,
          const CohortImportRun *run,
          gboolean               exists)
{
  g_autofree char *name = g_path_get_basename (run->source);
  g_autofree char *subtitle = describe_run (run);
  gboolean ok = g_strcmp0 (run->status, "ok") == 0;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *rerun;

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 4);
  gtk_widget_set_tooltip_text (row, run->error ? run->error : run->source);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), status_icon (run));

  rerun = row_button (self, "view-refresh-symbolic",
                      exists ? _("Import this file again") : _("The file is no longer there"),
                      run, G_CALLBACK (on_rerun_clicked_cb));
  gtk_widget_set_sensitive (rerun, exists);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), rerun);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             row_button (self, "user-trash-symbolic",
                                         ok ? _("Remove what this import added")
                                            : _("Remove from the history"),
                                         run, G_CALLBACK (on_remove_clicked_cb)));
  return row;
}

static void
show_history (CohortImportsPage *self,
              History           *history)
{
  guint failed = 0;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->run_list))) != NULL)
    gtk_list_box_remove (self->run_list, child);

  for (guint i = 0; i < history->runs->len; i++)
    {
      const CohortImportRun *run = history->runs->pdata[i];

      if (g_strcmp0 (run->status, "ok") != 0)
        failed++;
      gtk_list_box_append (self->run_list,
                           make_row (self, run, g_array_index (history->exists, gboolean, i)));
    }
  self->n_runs = history->runs->len;

  if (history->runs->len > 0)
    {
      g_autofree char *runs = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u import",
                                                            "%u imports", history->runs->len),
                                               history->runs->len);
      g_autofree char *text = NULL;

      if (failed > 0)
        {
          g_autofree char *not_ok = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                                  "%u did not complete",
                                                                  "%u did not complete", failed),
                                                     failed);
          text = g_strdup_printf (_("%s, newest first; %s. Removing an import removes exactly "
                                    "what it added."), runs, not_ok);
        }
      else
        text = g_strdup_printf (_("%s, newest first. Removing an import removes exactly what "
                                  "it added."), runs);
      gtk_label_set_label (self->summary_label, text);
    }
  gtk_stack_set_visible_child_name (self->stack, history->runs->len > 0 ? "list" : "empty");
}

/* ------------------------------------------------------------------------------------------ */

static void
on_loaded_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(CohortImportsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  History *history = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->cancellable);
  if (history == NULL)
    {
      g_warning ("Cannot read the imports history: %s", error->message);
      gtk_label_set_label (self->summary_label, error->message);
    }
  else
    {
      show_history (self, history);
      history_free (history);
    }
  g_signal_emit (self, signals[LOADED], 0);
}

void
cohort_imports_page_reload (CohortImportsPage *self)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (COHORT_IS_IMPORTS_PAGE (self));

  if (self->db_path == NULL)
    return;
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  task = g_task_new (self, self->cancellable, on_loaded_cb, g_object_ref (self));
  g_task_set_source_tag (task, cohort_imports_page_reload);
  g_task_set_task_data (task, g_strdup (self->db_path), g_free);
  g_task_run_in_thread (task, load_in_thread);
}

void
cohort_imports_page_set_db (CohortImportsPage *self,
                            const char        *db_path)
{
  g_return_if_fail (COHORT_IS_IMPORTS_PAGE (self));

  g_free (self->db_path);
  self->db_path = g_strdup (db_path);
  cohort_imports_page_reload (self);
}

static void
on_removed_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(CohortImportsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  Removal *removal = g_task_get_task_data (G_TASK (result));
  g_autofree char *text = NULL;

  self->removing = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    text = g_strdup_printf (_("Could not remove the import: %s"), error->message);
  else
    {
      g_autofree char *name = g_path_get_basename (removal->run->source);
      gint64 messages = removal->removed.messages_added + removal->removed.system_added;

      if (g_strcmp0 (removal->run->status, "ok") != 0)
        text = g_strdup_printf (_("%s was removed from the history"), name);
      else
        text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "Removed what %s added: %'" PRId64 " message, %'" PRId64 " members",
                                             "Removed what %s added: %'" PRId64 " messages, %'" PRId64 " members",
                                             messages),
                                name, messages, removal->removed.members_added);
    }
  g_signal_emit (self, signals[CHANGED], 0, text);
  cohort_imports_page_reload (self);
}

void
cohort_imports_page_remove_run (CohortImportsPage *self,
                                gint64             run_id)
{
  g_autoptr(GTask) task = NULL;
  Removal *removal;

  g_return_if_fail (COHORT_IS_IMPORTS_PAGE (self));
  g_return_if_fail (self->db_path != NULL);

  removal = g_new0 (Removal, 1);
  removal->db_path = g_strdup (self->db_path);
  removal->run_id = run_id;
  self->removing = TRUE;
  task = g_task_new (self, NULL, on_removed_cb, g_object_ref (self));
  g_task_set_source_tag (task, cohort_imports_page_remove_run);
  g_task_set_task_data (task, removal, (GDestroyNotify)removal_free);
  g_task_run_in_thread (task, remove_in_thread);
}

static void
on_remove_response_cb (AdwMessageDialog  *dialog,
                       const char        *response,
                       CohortImportsPage *self)
{
  if (g_strcmp0 (response, "remove") == 0)
    cohort_imports_page_remove_run (self, *(gint64 *)g_object_get_data (G_OBJECT (dialog), "run-id"));
}

static void
on_remove_clicked_cb (GtkButton         *button,
                      CohortImportsPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  const char *source = g_object_get_data (G_OBJECT (button), "source");
  g_autofree char *name = g_path_get_basename (source);
  g_autofree char *body = g_strdup_printf (_("Everything that %s added goes: its messages, the "
                                             "members only it brought in, their joins, leaves "
                                             "and invites. What other imports also brought "
                                             "stays. You can import the file again later."), name);
  GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                              _("Remove This Import?"), body);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "remove", _("_Remove"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "run-id",
                          g_memdup2 (g_object_get_data (G_OBJECT (button), "run-id"), sizeof (gint64)),
                          g_free);
  g_signal_connect (dialog, "response", G_CALLBACK (on_remove_response_cb), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_rerun_clicked_cb (GtkButton         *button,
                     CohortImportsPage *self)
{
  const char *source = g_object_get_data (G_OBJECT (button), "source");
  const char *options = g_object_get_data (G_OBJECT (button), "options");
  g_autoptr(GFile) file = g_file_new_for_path (source);

  g_signal_emit (self, signals[RERUN], 0, file, options);
}

guint
cohort_imports_page_get_n_runs (CohortImportsPage *self)
{
  g_return_val_if_fail (COHORT_IS_IMPORTS_PAGE (self), 0);
  return self->n_runs;
}

gboolean
cohort_imports_page_is_busy (CohortImportsPage *self)
{
  g_return_val_if_fail (COHORT_IS_IMPORTS_PAGE (self), FALSE);
  return self->removing || self->cancellable != NULL;
}

/* ------------------------------------------------------------------------------------------ */

static void
cohort_imports_page_dispose (GObject *object)
{
  CohortImportsPage *self = COHORT_IMPORTS_PAGE (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (object), COHORT_TYPE_IMPORTS_PAGE);
  G_OBJECT_CLASS (cohort_imports_page_parent_class)->dispose (object);
}

static void
cohort_imports_page_finalize (GObject *object)
{
  CohortImportsPage *self = COHORT_IMPORTS_PAGE (object);

  g_free (self->db_path);
  G_OBJECT_CLASS (cohort_imports_page_parent_class)->finalize (object);
}

static void
cohort_imports_page_class_init (CohortImportsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cohort_imports_page_dispose;
  object_class->finalize = cohort_imports_page_finalize;

  signals[LOADED] = g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* rerun (GFile *file, const char *options_json) */
  signals[RERUN] = g_signal_new ("rerun", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_FILE, G_TYPE_STRING);
  /* changed (const char *sentence): the database changed; the sentence says how */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/cohortapp/Cohort/ui/cohort-imports-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CohortImportsPage, run_list);
  gtk_widget_class_bind_template_child (widget_class, CohortImportsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, CohortImportsPage, summary_label);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
cohort_imports_page_init (CohortImportsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
