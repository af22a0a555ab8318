/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-sources-page"

#include "config.h"

#include "cohort-sources-page.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "cohort-secret-libsecret.h"
#include "cohort-source-dialog.h"
#include "cohort-source-list.h"
#include "cohort-sync-error.h"
#include "cohort-sync-job.h"

/* Minutes for each entry of interval_row, in order. */
static const guint intervals[] = { 0, 15, 60, 360, 1440 };

struct _CohortSourcesPage
{
  GtkWidget parent_instance;

  GtkButton         *cancel_button;
  AdwComboRow       *interval_row;
  GtkListBox        *list_box;
  GtkProgressBar    *progress_bar;
  GtkLabel          *progress_label;
  GtkRevealer       *progress_revealer;
  GtkLabel          *progress_title;
  GtkStack          *stack;

  char              *db_path;
  gint64             community;
  SoupSession       *session;
  CohortSecretStore *secrets;     /* libsecret unless a test gave another */
  GSettings         *settings;
  GPtrArray         *rows;        /* CohortSourceRow, as last loaded */
  GCancellable      *load_cancellable;
  gboolean           loading;

  CohortSyncJob     *job;         /* the sync running, if any */
  GCancellable      *sync_cancellable;
  GArray            *queue;       /* source ids (gint64) waiting for an automatic sync */
  guint              timer;
};

enum {
  SYNCED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (CohortSourcesPage, cohort_sources_page, GTK_TYPE_WIDGET)

static void sync_next_queued (CohortSourcesPage *self);

static const char *
kind_label (const char *kind)
{
  if (g_strcmp0 (kind, "discourse") == 0)
    return _("Discourse");
  if (g_strcmp0 (kind, "wecom") == 0)
    return _("WeCom");
  if (g_strcmp0 (kind, "chatlog") == 0)
    return _("chatlog");
  return kind;
}

static char *
format_local (gint64 ts)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (ts);

  return g_date_time_format (dt, "%Y-%m-%d %H:%M");
}

static char *
status_text (const CohortSourceInfo *info)
{
  g_autofree char *when = info->last_sync > 0 ? format_local (info->last_sync) : NULL;
  g_autofree char *error = cohort_sync_error_describe_stored (info->error);

  if (g_strcmp0 (info->status, "ok") == 0)
    return g_strdup_printf (_("Last synced %s"), when);
  if (g_strcmp0 (info->status, "cancelled") == 0)
    return g_strdup_printf (_("Sync cancelled %s; nothing was changed"), when);
  if (g_strcmp0 (info->status, "error") == 0)
    return g_strdup_printf (_("Sync failed %s: %s"), when, error ? error : "");
  return g_strdup (_("Never synced"));
}

static void
update_actions (CohortSourcesPage *self)
{
  gboolean syncing = self->job != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sources.cancel", syncing);
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), syncing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sources.sync", !syncing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sources.remove", !syncing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sources.add", self->db_path != NULL);
}

static GtkWidget *
row_button (const char *icon,
            const char *tooltip,
            const char *action,
            gint64      id)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "x", id);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
  return button;
}

static GtkWidget *
build_row (const CohortSourceRow *row)
{
  const CohortSourceInfo *info = row->info;
  GtkWidget *action_row = adw_action_row_new ();
  g_autofree char *status = status_text (info);
  g_autoptr(GString) subtitle = g_string_new (NULL);

  g_string_append_printf (subtitle, "%s · %s\n%s", kind_label (info->kind), info->base_url, status);
  if (row->platform_line != NULL)
    g_string_append_printf (subtitle, "\n%s\n%s", row->platform_line, row->cohort_line);

  /* Names, addresses and server errors are plain text, not markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (action_row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (action_row), info->name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (action_row), subtitle->str);
  adw_action_row_set_icon_name (ADW_ACTION_ROW (action_row),
                                g_strcmp0 (info->status, "error") == 0 ? "dialog-warning-symbolic"
                                                                        : "network-server-symbolic");
  adw_action_row_add_suffix (ADW_ACTION_ROW (action_row),
                             row_button ("view-refresh-symbolic", _("Sync Now"), "sources.sync",
                                         info->id));
  adw_action_row_add_suffix (ADW_ACTION_ROW (action_row),
                             row_button ("user-trash-symbolic", _("Remove"), "sources.remove",
                                         info->id));
  return action_row;
}

static void
show_rows (CohortSourcesPage *self,
           GPtrArray         *rows)
{
  GtkWidget *child;

  g_clear_pointer (&self->rows, g_ptr_array_unref);
  self->rows = rows;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box))) != NULL)
    gtk_list_box_remove (self->list_box, child);
  for (guint i = 0; i < rows->len; i++)
    gtk_list_box_append (self->list_box, build_row (g_ptr_array_index (rows, i)));
  gtk_stack_set_visible_child_name (self->stack,
                                    rows->len > 0 || self->job != NULL ? "list" : "empty");
}

static void
list_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(CohortSourcesPage) self = user_data;
  g_autoptr(GError) error = NULL;
  GPtrArray *rows = cohort_source_list_finish (result, &error);

  /* A newer reload replaced this one. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->loading = FALSE;
  g_clear_object (&self->load_cancellable);
  if (rows == NULL)
    {
      g_warning ("Cannot list sources: %s", error->message);
      rows = g_ptr_array_new_with_free_func ((GDestroyNotify)cohort_source_row_free);
    }
  show_rows (self, rows);
  sync_next_queued (self);
}

void
cohort_sources_page_reload (CohortSourcesPage *self)
{
  g_return_if_fail (COHORT_IS_SOURCES_PAGE (self));

  if (self->db_path == NULL)
    return;
  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();
  self->loading = TRUE;
  cohort_source_list_async (self->db_path, self->load_cancellable, list_done_cb, g_object_ref (self));
}

static const CohortSourceInfo *
find_source (CohortSourcesPage *self,
             gint64             id)
{
  for (guint i = 0; self->rows != NULL && i < self->rows->len; i++)
    {
      const CohortSourceRow *row = g_ptr_array_index (self->rows, i);

      if (row->info->id == id)
        return row->info;
    }
  return NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* Sync                                                                                        */

static void
job_progress_cb (CohortSyncJob     *job,
                 GParamSpec        *pspec,
                 CohortSourcesPage *self)
{
  /* Pages have no known total: the bar moves once per page. */
  gtk_progress_bar_pulse (self->progress_bar);
  gtk_label_set_text (self->progress_label, cohort_sync_job_get_message (job));
}

static void
append_count (GString    *out,
              const char *format,
              gint64      count)
{
  g_autofree char *number = NULL;

  if (count == 0)
    return;
  number = g_strdup_printf ("%" G_GINT64_FORMAT, count);
  if (out->len > 0)
    g_string_append (out, _(", "));
  g_string_append_printf (out, format, number);
}

/* Only what a sync brought: a forum has no invites, WeCom has no messages. */
static char *
describe_summary (const CohortSyncSummary *s)
{
  g_autoptr(GString) parts = g_string_new (NULL);

  if (s->items == 0)
    return g_strdup (_("Up to date: nothing new since the last sync."));
  append_count (parts, _("%s new members"), s->members_added);
  append_count (parts, _("%s new messages"), s->messages_added);
  append_count (parts, _("%s reactions"), s->reactions_added);
  append_count (parts, _("%s joins and leaves"), s->events_added);
  append_count (parts, _("%s invites"), s->invites_added);
  append_count (parts, _("%s platform statistics"), s->stats_added);
  return g_strdup_printf (_("Done: %s."), parts->str);
}

static void
sync_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(CohortSourcesPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree CohortSyncSummary *summary = NULL;
  g_autofree char *text = NULL;
  g_autofree char *title = NULL;
  const CohortSourceInfo *source = cohort_sync_job_get_source (COHORT_SYNC_JOB (object));
  const char *name;

  summary = cohort_sync_job_run_finish (COHORT_SYNC_JOB (object), result, &error);
  /* The page went away while the sync rolled back: nothing left to show it on. */
  if (self->stack == NULL)
    return;
  name = source != NULL ? source->name : "";
  title = summary != NULL ? g_strdup_printf (_("Synced “%s”"), name)
                          : g_strdup_printf (_("Sync of “%s” did not finish"), name);
  gtk_label_set_text (self->progress_title, title);
  g_signal_handlers_disconnect_by_data (object, self);
  g_clear_object (&self->job);
  g_clear_object (&self->sync_cancellable);

  if (summary == NULL)
    {
      text = cohort_sync_error_describe (error);
      gtk_widget_add_css_class (GTK_WIDGET (self->progress_label), "error");
      gtk_progress_bar_set_fraction (self->progress_bar, 0);
    }
  else
    {
      text = describe_summary (summary);
      gtk_progress_bar_set_fraction (self->progress_bar, 1);
    }
  gtk_label_set_text (self->progress_label, text);
  update_actions (self);
  cohort_sources_page_reload (self);
  g_signal_emit (self, signals[SYNCED], 0, summary != NULL && summary->items > 0);
}

gboolean
cohort_sources_page_sync (CohortSourcesPage *self,
                          gint64             source_id)
{
  const CohortSourceInfo *info;
  g_autofree char *key = NULL;
  g_autofree char *title = NULL;

  g_return_val_if_fail (COHORT_IS_SOURCES_PAGE (self), FALSE);

  if (self->job != NULL || (info = find_source (self, source_id)) == NULL)
    return FALSE;

  key = g_strdup_printf ("%" G_GINT64_FORMAT, source_id);
  title = g_strdup_printf (_("Syncing “%s”"), info->name);
  self->sync_cancellable = g_cancellable_new ();
  self->job = cohort_sync_job_new (self->session, self->secrets, self->db_path, key);
  g_signal_connect (self->job, "notify::pages", G_CALLBACK (job_progress_cb), self);

  gtk_label_set_text (self->progress_title, title);
  gtk_label_set_text (self->progress_label, _("Connecting…"));
  gtk_widget_remove_css_class (GTK_WIDGET (self->progress_label), "error");
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_revealer_set_reveal_child (self->progress_revealer, TRUE);
  update_actions (self);
  cohort_sync_job_run_async (self->job, self->sync_cancellable, sync_done_cb, g_object_ref (self));
  return TRUE;
}

void
cohort_sources_page_cancel (CohortSourcesPage *self)
{
  g_return_if_fail (COHORT_IS_SOURCES_PAGE (self));

  g_array_set_size (self->queue, 0);
  g_cancellable_cancel (self->sync_cancellable);
}

/* Automatic sync: every source in turn, after a reload so each starts from fresh state. */
static void
sync_next_queued (CohortSourcesPage *self)
{
  while (self->job == NULL && self->queue->len > 0)
    {
      gint64 id = g_array_index (self->queue, gint64, 0);

      g_array_remove_index (self->queue, 0);
      if (cohort_sources_page_sync (self, id))
        return;
    }
}

/* Returns FALSE when a sync is already running or queued: the next tick tries again. */
gboolean
cohort_sources_page_sync_all (CohortSourcesPage *self)
{
  g_return_val_if_fail (COHORT_IS_SOURCES_PAGE (self), FALSE);

  if (self->queue->len > 0 || self->job != NULL || self->rows == NULL || self->rows->len == 0)
    return FALSE;
  for (guint i = 0; i < self->rows->len; i++)
    {
      const CohortSourceRow *row = g_ptr_array_index (self->rows, i);
      g_array_append_val (self->queue, row->info->id);
    }
  sync_next_queued (self);
  return TRUE;
}

static gboolean
timer_cb (gpointer user_data)
{
  cohort_sources_page_sync_all (COHORT_SOURCES_PAGE (user_data));
  return G_SOURCE_CONTINUE;
}

static void
interval_changed_cb (CohortSourcesPage *self)
{
  guint minutes = g_settings_get_uint (self->settings, "source-sync-interval");
  guint index = 0;

  for (guint i = 0; i < G_N_ELEMENTS (intervals); i++)
    if (intervals[i] == minutes)
      index = i;
  if (adw_combo_row_get_selected (self->interval_row) != index)
    adw_combo_row_set_selected (self->interval_row, index);

  g_clear_handle_id (&self->timer, g_source_remove);
  if (minutes > 0)
    self->timer = g_timeout_add_seconds (minutes * 60, timer_cb, self);
}

static void
interval_selected_cb (CohortSourcesPage *self)
{
  guint index = adw_combo_row_get_selected (self->interval_row);

  if (index < G_N_ELEMENTS (intervals))
    g_settings_set_uint (self->settings, "source-sync-interval", intervals[index]);
}

/* ------------------------------------------------------------------------------------------ */
/* Actions                                                                                     */

static void
source_added_cb (CohortSourceDialog *dialog,
                 gint64              id,
                 CohortSourcesPage  *self)
{
  cohort_sources_page_reload (self);
}

static void
add_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  CohortSourcesPage *self = COHORT_SOURCES_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  CohortSourceDialog *dialog;

  dialog = cohort_source_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                     self->db_path, self->session, self->secrets);
  g_signal_connect_object (dialog, "source-added", G_CALLBACK (source_added_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
sync_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  cohort_sources_page_sync (COHORT_SOURCES_PAGE (widget), g_variant_get_int64 (parameter));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  cohort_sources_page_cancel (COHORT_SOURCES_PAGE (widget));
}

static void
remove_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(CohortSourcesPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!cohort_source_remove_finish (result, &error) && self->stack != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Could not remove the source: %s"), error->message);

      gtk_label_set_text (self->progress_title, _("Remove Source"));
      gtk_label_set_text (self->progress_label, text);
      gtk_revealer_set_reveal_child (self->progress_revealer, TRUE);
    }
  if (self->stack != NULL)
    cohort_sources_page_reload (self);
}

void
cohort_sources_page_remove (CohortSourcesPage *self,
                            gint64             source_id)
{
  const CohortSourceInfo *info = find_source (self, source_id);

  g_return_if_fail (COHORT_IS_SOURCES_PAGE (self));

  if (info == NULL || self->job != NULL)
    return;
  cohort_source_remove_async (self->db_path, self->secrets, info, NULL, remove_done_cb,
                              g_object_ref (self));
}

static void
confirm_remove_cb (AdwMessageDialog  *dialog,
                   const char        *response,
                   CohortSourcesPage *self)
{
  if (g_str_equal (response, "remove"))
    cohort_sources_page_remove (self, GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (dialog), "id")));
}

static void
remove_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CohortSourcesPage *self = COHORT_SOURCES_PAGE (widget);
  gint64 id = g_variant_get_int64 (parameter);
  const CohortSourceInfo *info = find_source (self, id);
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autofree char *heading = NULL;
  GtkWidget *dialog;

  if (info == NULL)
    return;
  heading = g_strdup_printf (_("Remove “%s”?"), info->name);
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading,
                                   _("Its key is deleted from the keyring, and the platform "
                                     "statistics it brought go with it. Members and messages "
                                     "already synced stay in Cohort."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "remove", _("_Remove"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove",
                                              ADW_RESPONSE_DESTRUCTIVE);
  g_object_set_data (G_OBJECT (dialog), "id", GSIZE_TO_POINTER ((gsize)id));
  g_signal_connect_object (dialog, "response", G_CALLBACK (confirm_remove_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ------------------------------------------------------------------------------------------ */

/* A page taken out of its window (the window closed) stops its sync: the rollback runs in the
 * background and nothing waits for a server that may never answer. */
static void
cohort_sources_page_unroot (GtkWidget *widget)
{
  CohortSourcesPage *self = COHORT_SOURCES_PAGE (widget);

  cohort_sources_page_cancel (self);
  g_clear_handle_id (&self->timer, g_source_remove);
  GTK_WIDGET_CLASS (cohort_sources_page_parent_class)->unroot (widget);
}

static void
cohort_sources_page_root (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (cohort_sources_page_parent_class)->root (widget);
  /* Re-arms the automatic sync that unroot stopped. */
  interval_changed_cb (COHORT_SOURCES_PAGE (widget));
}

static void
cohort_sources_page_dispose (GObject *object)
{
  CohortSourcesPage *self = COHORT_SOURCES_PAGE (object);

  g_clear_handle_id (&self->timer, g_source_remove);
  g_cancellable_cancel (self->load_cancellable);
  g_cancellable_cancel (self->sync_cancellable);
  g_clear_object (&self->load_cancellable);
  g_clear_object (&self->sync_cancellable);
  if (self->job != NULL)
    g_signal_handlers_disconnect_by_data (self->job, self);
  g_clear_object (&self->job);
  g_clear_object (&self->session);
  g_clear_object (&self->secrets);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->queue, g_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), COHORT_TYPE_SOURCES_PAGE);
  G_OBJECT_CLASS (cohort_sources_page_parent_class)->dispose (object);
}

static void
cohort_sources_page_finalize (GObject *object)
{
  CohortSourcesPage *self = COHORT_SOURCES_PAGE (object);

  g_free (self->db_path);
  G_OBJECT_CLASS (cohort_sources_page_parent_class)->finalize (object);
}

static void
cohort_sources_page_class_init (CohortSourcesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cohort_sources_page_dispose;
  object_class->finalize = cohort_sources_page_finalize;
  widget_class->root = cohort_sources_page_root;
  widget_class->unroot = cohort_sources_page_unroot;

  /* "synced" (gboolean changed): a sync finished; changed when it added anything. */
  signals[SYNCED] =
    g_signal_new ("synced", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_BOOLEAN);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/cohortapp/Cohort/ui/cohort-sources-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CohortSourcesPage, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, CohortSourcesPage, interval_row);
  gtk_widget_class_bind_template_child (widget_class, CohortSourcesPage, list_box);
  gtk_widget_class_bind_template_child (widget_class, CohortSourcesPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, CohortSourcesPage, progress_label);
  gtk_widget_class_bind_template_child (widget_class, CohortSourcesPage, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, CohortSourcesPage, progress_title);
  gtk_widget_class_bind_template_child (widget_class, CohortSourcesPage, stack);
  gtk_widget_class_install_action (widget_class, "sources.add", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "sources.sync", "x", sync_action);
  gtk_widget_class_install_action (widget_class, "sources.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "sources.remove", "x", remove_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
cohort_sources_page_init (CohortSourcesPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->queue = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->session = g_object_ref (cohort_sync_default_session ());
  self->secrets = cohort_secret_libsecret_new ();
  self->settings = g_settings_new (APP_ID);
  g_signal_connect_object (self->settings, "changed::source-sync-interval",
                           G_CALLBACK (interval_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->interval_row, "notify::selected",
                           G_CALLBACK (interval_selected_cb), self, G_CONNECT_SWAPPED);
  interval_changed_cb (self);
  update_actions (self);
}

void
cohort_sources_page_set_database (CohortSourcesPage *self,
                                  const char        *db_path,
                                  gint64             community)
{
  g_return_if_fail (COHORT_IS_SOURCES_PAGE (self));

  self->community = community;
  if (g_strcmp0 (self->db_path, db_path) == 0 && self->rows != NULL)
    return;
  g_free (self->db_path);
  self->db_path = g_strdup (db_path);
  update_actions (self);
  cohort_sources_page_reload (self);
}

void
cohort_sources_page_set_services (CohortSourcesPage *self,
                                  SoupSession       *session,
                                  CohortSecretStore *secrets)
{
  g_return_if_fail (COHORT_IS_SOURCES_PAGE (self));
  g_return_if_fail (SOUP_IS_SESSION (session));
  g_return_if_fail (COHORT_IS_SECRET_STORE (secrets));

  g_set_object (&self->session, session);
  g_set_object (&self->secrets, secrets);
}

gboolean
cohort_sources_page_is_busy (CohortSourcesPage *self)
{
  g_return_val_if_fail (COHORT_IS_SOURCES_PAGE (self), FALSE);

  return self->loading || self->job != NULL || self->queue->len > 0;
}

guint
cohort_sources_page_get_interval (CohortSourcesPage *self)
{
  g_return_val_if_fail (COHORT_IS_SOURCES_PAGE (self), 0);

  return self->timer != 0 ? intervals[adw_combo_row_get_selected (self->interval_row)] : 0;
}

guint
cohort_sources_page_get_n_sources (CohortSourcesPage *self)
{
  g_return_val_if_fail (COHORT_IS_SOURCES_PAGE (self), 0);

  return self->rows ? self->rows->len : 0;
}

const char *
cohort_sources_page_get_status (CohortSourcesPage *self)
{
  g_return_val_if_fail (COHORT_IS_SOURCES_PAGE (self), NULL);

  return gtk_label_get_text (self->progress_label);
}

GtkWidget *
cohort_sources_page_get_row (CohortSourcesPage *self,
                             guint              index)
{
  g_return_val_if_fail (COHORT_IS_SOURCES_PAGE (self), NULL);

  return GTK_WIDGET (gtk_list_box_get_row_at_index (self->list_box, (int)index));
}
