/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-window"

#include "config.h"

#include <inttypes.h>

#include "cohort-window.h"

#include <glib/gi18n.h>

#include "cohort-activity-page.h"
#include "cohort-csv-mapping-dialog.h"
#include "cohort-import-job.h"
#include "cohort-imports-page.h"
#include "cohort-members-page.h"
#include "cohort-overview-loader.h"
#include "cohort-overview-page.h"
#include "cohort-people-page.h"
#include "cohort-retention-page.h"
#include "cohort-settings-window.h"
#include "cohort-zone-dialog.h"
#include "cohort-sources-page.h"

/*
 * The window switches between the empty state, a loading spinner and the Overview, hosts the
 * import bar (progress + Cancel), toasts and error dialogs.  It never touches the database:
 * imports run in a CohortImportJob and the Overview is computed by cohort_overview_load_async,
 * both on worker threads; results come back here on the main thread.
 */

struct _CohortWindow
{
  AdwApplicationWindow parent_instance;

  /* template children */
  GtkButton *cancel_button;
  GtkDropDown *community_dropdown;
  GtkWidget *drop_highlight;
  GtkStack *main_stack;
  AdwBin *activity_slot;
  AdwBin *imports_slot;
  AdwBin *members_slot;
  CohortOverviewPage *overview_page;
  AdwBin *people_slot;
  AdwBin *retention_slot;
  AdwBin *sources_slot;
  GtkProgressBar *progress_bar;
  GtkLabel *progress_label;
  GtkRevealer *progress_revealer;
  GtkDropDown *range_dropdown;
  GtkSpinner *spinner;
  AdwViewSwitcherBar *switcher_bar;
  AdwToastOverlay *toast_overlay;
  AdwViewStack *view_stack;
  AdwViewSwitcherTitle *window_title;

  /* The pages off screen at start-up, in their slots once build_pages () has run. */
  CohortActivityPage *activity_page;
  CohortImportsPage *imports_page;
  CohortMembersPage *members_page;
  CohortPeoplePage *people_page;
  CohortRetentionPage *retention_page;
  CohortSourcesPage *sources_page;
  guint build_pages_idle;
  gboolean pages_told;          /* update_pages () has run: the pages have a community */

  /* owned */
  char *db_path;
  GSettings *settings;
  GCancellable *load_cancellable;
  CohortImportJob *job;
  GArray *community_ids;        /* gint64, in dropdown order */
  GPtrArray *communities;       /* CohortCommunityInfo of the last load */
  GArray *zone_questions;       /* gint64: new wall-clock communities to ask the zone of */
  gboolean asking_zone;
  gboolean changing_zone;
  GtkDropTarget *drop_target;
  char *last_error;
  char *last_toast;

  gint64 community;             /* the one shown, or the one to show after an import */
  gboolean all_communities;     /* "All Communities" is chosen in the switcher */
  gboolean updating_dropdown;
  guint imported_files;
  gint64 imported_messages;
};

enum {
  OVERVIEW_LOADED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];
static const int range_days[] = { 30, 90, 365, 0 };
static const char * const range_keys[] = { "last-30", "last-90", "last-365", "all" };

G_DEFINE_FINAL_TYPE (CohortWindow, cohort_window, ADW_TYPE_APPLICATION_WINDOW)

/* ------------------------------------------------------------------------------------------ */
/* Feedback                                                                                    */

static void
show_toast (CohortWindow *self,
            const char   *text)
{
  AdwToast *toast = adw_toast_new (text);

  g_free (self->last_toast);
  self->last_toast = g_strdup (text);
  adw_toast_set_timeout (toast, 5);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
show_import_error (CohortWindow *self,
                   GFile        *file,
                   const GError *error)
{
  g_autofree char *name = file ? g_file_get_basename (file) : g_strdup (_("the demo community"));
  g_autofree char *heading = g_strdup_printf (_("Could Not Import %s"), name);
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  g_free (self->last_error);
  self->last_error = g_strdup (error->message);
  g_debug ("Import of %s failed: %s", name, error->message);

  body = g_strdup_printf ("%s\n\n%s", error->message,
                          _("Nothing was changed: the data you imported before is as it was."));
  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ------------------------------------------------------------------------------------------ */
/* Loading the Overview                                                                        */

static void
update_communities (CohortWindow *self,
                    GPtrArray    *communities,
                    gint64        shown)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  guint selected = 0;

  g_array_set_size (self->community_ids, 0);
  g_clear_pointer (&self->communities, g_ptr_array_unref);
  self->communities = g_ptr_array_ref (communities);
  for (guint i = 0; i < communities->len; i++)
    {
      CohortCommunityInfo *info = communities->pdata[i];

      gtk_string_list_append (names, info->name);
      g_array_append_val (self->community_ids, info->id);
      if (info->id == shown)
        {
          selected = i;
          adw_view_switcher_title_set_subtitle (self->window_title, info->name);
        }
    }
  /* the last choice counts several communities together (CohortPeoplePage) */
  if (communities->len > 1)
    {
      gtk_string_list_append (names, _("All Communities"));
      if (self->all_communities)
        selected = communities->len;
    }
  else
    self->all_communities = FALSE;
  self->updating_dropdown = TRUE;
  gtk_drop_down_set_model (self->community_dropdown, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->community_dropdown, selected);
  self->updating_dropdown = FALSE;
  /* Always shown once there is a community: the view switcher takes the title's place. */
  gtk_widget_set_visible (GTK_WIDGET (self->community_dropdown), communities->len > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->range_dropdown), communities->len > 0);
}

/* The community switcher shares the header bar with the page switcher: a long group name is
 * cut short on the button, and shown whole in the list. */
static void
setup_name_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  ellipsize)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  if (GPOINTER_TO_INT (ellipsize))
    {
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_label_set_width_chars (GTK_LABEL (label), 10);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 18);
    }
  gtk_list_item_set_child (item, label);
}

static void
bind_name_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  ellipsize)
{
  GtkStringObject *name = gtk_list_item_get_item (item);

  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (item)), gtk_string_object_get_string (name));
  gtk_widget_set_tooltip_text (gtk_list_item_get_child (item), gtk_string_object_get_string (name));
}

static GtkListItemFactory *
name_factory (gboolean ellipsize)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", G_CALLBACK (setup_name_cb), GINT_TO_POINTER (ellipsize));
  g_signal_connect (factory, "bind", G_CALLBACK (bind_name_cb), GINT_TO_POINTER (ellipsize));
  return factory;
}

/* ------------------------------------------------------------------------------------------ */
/* Time zones                                                                                  */

static const CohortCommunityInfo *
find_community (CohortWindow *self,
                gint64        id)
{
  for (guint i = 0; self->communities != NULL && i < self->communities->len; i++)
    if (((CohortCommunityInfo *)self->communities->pdata[i])->id == id)
      return self->communities->pdata[i];
  return NULL;
}

typedef struct
{
  char *db_path;
  gint64 community;
  char *zone;
  char *name;
} ZoneChange;

static void
zone_change_free (ZoneChange *change)
{
  g_free (change->db_path);
  g_free (change->zone);
  g_free (change->name);
  g_free (change);
}

static void
change_zone_in_thread (GTask        *task,
                       gpointer      source,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  ZoneChange *change = task_data;
  g_autoptr(GError) error = NULL;
  CohortDb *db = cohort_db_open (change->db_path, FALSE, &error);

  if (db == NULL || !cohort_db_set_community_zone (db, change->community, change->zone, &error))
    {
      cohort_db_close (db);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  cohort_db_close (db);
  g_task_return_boolean (task, TRUE);
}

static void
on_zone_changed_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(CohortWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  ZoneChange *change = g_task_get_task_data (G_TASK (result));
  g_autofree char *text = NULL;

  self->changing_zone = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    text = g_strdup_printf (_("Could not change the time zone: %s"), error->message);
  else
    text = g_strdup_printf (_("%s is now counted in %s time"), change->name, change->zone);
  show_toast (self, text);
  cohort_window_reload (self);
}

static void
change_zone (CohortWindow              *self,
             const CohortCommunityInfo *info,
             const char                *zone)
{
  g_autoptr(GTask) task = NULL;
  ZoneChange *change;

  if (g_strcmp0 (info->tz, zone) == 0)
    return;
  change = g_new0 (ZoneChange, 1);
  change->db_path = g_strdup (self->db_path);
  change->community = info->id;
  change->zone = g_strdup (zone);
  change->name = g_strdup (info->name);
  self->changing_zone = TRUE;
  task = g_task_new (self, NULL, on_zone_changed_cb, g_object_ref (self));
  g_task_set_source_tag (task, change_zone);
  g_task_set_task_data (task, change, (GDestroyNotify)zone_change_free);
  g_task_run_in_thread (task, change_zone_in_thread);
}

static void ask_next_zone_question (CohortWindow *self);

static void
on_zone_response_cb (CohortZoneDialog *dialog,
                     const char       *response,
                     CohortWindow     *self)
{
  gint64 id = *(gint64 *)g_object_get_data (G_OBJECT (dialog), "community");
  const CohortCommunityInfo *info = find_community (self, id);

  self->asking_zone = FALSE;
  if (g_strcmp0 (response, "apply") == 0 && info != NULL)
    change_zone (self, info, cohort_zone_dialog_get_zone (dialog));
  else
    ask_next_zone_question (self);
}

static void
present_zone_dialog (CohortWindow              *self,
                     const CohortCommunityInfo *info,
                     gboolean                   first_import)
{
  CohortZoneDialog *dialog = cohort_zone_dialog_new (GTK_WINDOW (self), info->name, info->tz,
                                                     info->wall_clock, first_import);

  self->asking_zone = TRUE;
  g_object_set_data_full (G_OBJECT (dialog), "community", g_memdup2 (&info->id, sizeof info->id), g_free);
  g_signal_connect (dialog, "response", G_CALLBACK (on_zone_response_cb), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Exports without a zone were read in a default one: ask, once per new community, whether
 * that is right.  One question at a time, after the Overview has been refreshed. */
static void
ask_next_zone_question (CohortWindow *self)
{
  while (!self->asking_zone && self->job == NULL && self->zone_questions->len > 0)
    {
      gint64 id = g_array_index (self->zone_questions, gint64, 0);
      const CohortCommunityInfo *info = find_community (self, id);

      g_array_remove_index (self->zone_questions, 0);
      if (info != NULL && info->wall_clock)
        present_zone_dialog (self, info, TRUE);
    }
}

static void
cohort_window_community_settings_action (GtkWidget  *widget,
                                         const char *action_name,
                                         GVariant   *parameter)
{
  CohortWindow *self = COHORT_WINDOW (widget);
  const CohortCommunityInfo *info = find_community (self, self->community);

  if (info != NULL && !self->asking_zone)
    present_zone_dialog (self, info, FALSE);
}

static void
on_settings_changed_cb (CohortWindow *self)
{
  cohort_window_reload (self);
}

static void
cohort_window_community_preferences_action (GtkWidget  *widget,
                                            const char *action_name,
                                            GVariant   *parameter)
{
  CohortWindow *self = COHORT_WINDOW (widget);
  const CohortCommunityInfo *info = find_community (self, self->community);
  CohortSettingsWindow *settings;

  if (info == NULL)
    return;
  settings = cohort_settings_window_new (GTK_WINDOW (self), self->db_path, info->id, info->name,
                                         info->tz, info->wall_clock);
  /* every setting changes what the pages count: recompute them all */
  g_signal_connect_object (settings, "changed", G_CALLBACK (on_settings_changed_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (settings));
}

/* Every page but the Overview loads its own data for the community shown; this tells them which
 * one it is, each time the Overview was refreshed (a community switch, an import, a sync). */
static void
update_pages (CohortWindow *self)
{
  self->pages_told = TRUE;
  if (self->members_page == NULL)
    return;   /* build_pages () tells them when it builds them */
  cohort_activity_page_set_community (self->activity_page, self->db_path, self->community);
  cohort_retention_page_set_community (self->retention_page, self->db_path, self->community);
  cohort_imports_page_set_db (self->imports_page, self->db_path);
  cohort_members_page_set_community (self->members_page, self->db_path, self->community);
  cohort_people_page_set_database (self->people_page, self->db_path, self->community);
  cohort_sources_page_set_database (self->sources_page, self->db_path, self->community);
}

static void on_rerun_cb (CohortWindow *self,
                         GFile        *file,
                         const char   *options_json);
static void on_imports_changed_cb (CohortWindow *self,
                                   const char   *sentence);

static GtkWidget *
build_page (AdwBin *slot,
            GType   type)
{
  GtkWidget *page = g_object_new (type, NULL);

  adw_bin_set_child (slot, page);
  return page;
}

/*
 * Every page but the Overview is off screen when the window opens, so they are built after
 * its first frame instead of with the window: their templates were a tenth of the main
 * thread's work up to that frame on a 1M-message database (callgrind, 90M of 920M
 * instructions).  Anything that needs one before then (a page switch, a test, the "All
 * Communities" view) builds them first.
 */
static void
build_pages (CohortWindow *self)
{
  if (self->members_page != NULL)
    return;
  g_clear_handle_id (&self->build_pages_idle, g_source_remove);
  self->activity_page = COHORT_ACTIVITY_PAGE (build_page (self->activity_slot, COHORT_TYPE_ACTIVITY_PAGE));
  self->imports_page = COHORT_IMPORTS_PAGE (build_page (self->imports_slot, COHORT_TYPE_IMPORTS_PAGE));
  self->members_page = COHORT_MEMBERS_PAGE (build_page (self->members_slot, COHORT_TYPE_MEMBERS_PAGE));
  self->people_page = COHORT_PEOPLE_PAGE (build_page (self->people_slot, COHORT_TYPE_PEOPLE_PAGE));
  self->retention_page = COHORT_RETENTION_PAGE (build_page (self->retention_slot, COHORT_TYPE_RETENTION_PAGE));
  self->sources_page = COHORT_SOURCES_PAGE (build_page (self->sources_slot, COHORT_TYPE_SOURCES_PAGE));

  g_signal_connect_swapped (self->imports_page, "rerun", G_CALLBACK (on_rerun_cb), self);
  g_signal_connect_swapped (self->imports_page, "changed", G_CALLBACK (on_imports_changed_cb), self);
  g_signal_connect_swapped (self->sources_page, "synced", G_CALLBACK (cohort_window_reload), self);
  /* staff and bot flags change who every metric counts */
  g_signal_connect_swapped (self->members_page, "data-changed", G_CALLBACK (cohort_window_reload), self);
  if (self->pages_told)
    update_pages (self);
}

static gboolean
build_pages_idle_cb (gpointer user_data)
{
  CohortWindow *self = user_data;

  self->build_pages_idle = 0;
  build_pages (self);
  return G_SOURCE_REMOVE;
}

static void
on_first_paint_cb (GdkFrameClock *clock,
                   CohortWindow  *self)
{
  g_signal_handlers_disconnect_by_func (clock, on_first_paint_cb, self);
  if (self->members_page == NULL && self->build_pages_idle == 0)
    self->build_pages_idle = g_idle_add (build_pages_idle_cb, self);
}

static void
on_map_cb (CohortWindow *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  if (clock != NULL && self->members_page == NULL)
    g_signal_connect_object (clock, "after-paint", G_CALLBACK (on_first_paint_cb), self, 0);
}

static gboolean
page_needs_community (const char *page)
{
  return g_strcmp0 (page, "imports") != 0 && g_strcmp0 (page, "sources") != 0;
}

/* With no community yet, only Imports and Sources can be shown; the others fall back to the
 * empty state with its choices. */
static void
on_page_changed_cb (CohortWindow *self)
{
  const char *shown = gtk_stack_get_visible_child_name (self->main_stack);

  build_pages (self);

  if (self->community != 0 || g_strcmp0 (shown, "loading") == 0)
    return;
  gtk_stack_set_visible_child_name (self->main_stack,
                                    page_needs_community (adw_view_stack_get_visible_child_name (self->view_stack))
                                    ? "empty" : "content");
}

static void
cohort_window_show_sources_action (GtkWidget  *widget,
                                   const char *action_name,
                                   GVariant   *parameter)
{
  CohortWindow *self = COHORT_WINDOW (widget);

  adw_view_stack_set_visible_child_name (self->view_stack, "sources");
  gtk_stack_set_visible_child_name (self->main_stack, "content");
}

/* The pages of one community, or All Communities in their place (without the page switcher:
 * its pages are about one community). */
static void
show_content (CohortWindow *self)
{
  if (self->all_communities)
    build_pages (self);
  adw_view_switcher_title_set_view_switcher_enabled (self->window_title, !self->all_communities);
  gtk_widget_set_visible (GTK_WIDGET (self->switcher_bar), !self->all_communities);
  if (self->all_communities)
    adw_view_switcher_title_set_subtitle (self->window_title, _("All Communities"));
  gtk_stack_set_visible_child_name (self->main_stack, self->all_communities ? "all" : "content");
}

static void
on_overview_loaded_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(CohortWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  CohortOverviewData *data;

  data = cohort_overview_load_finish (result, &error);
  /* A newer request replaced this one: drop the stale result. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->load_cancellable);
  gtk_spinner_stop (self->spinner);

  if (data == NULL)
    {
      g_free (self->last_error);
      self->last_error = g_strdup (error->message);
      show_toast (self, error->message);
      gtk_stack_set_visible_child_name (self->main_stack, "empty");
      g_signal_emit (self, signals[OVERVIEW_LOADED], 0);
      return;
    }

  update_communities (self, data->communities, data->community);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.community-settings", data->community != 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.community-preferences", data->community != 0);
  if (data->community == 0)
    {
      adw_view_switcher_title_set_subtitle (self->window_title, NULL);
      cohort_overview_data_free (data);
      self->community = 0;
      update_pages (self);
      /* Imports and Sources make sense before any community exists; the rest need one. */
      if (page_needs_community (cohort_window_get_page_name (self)) ||
          g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "content") != 0)
        gtk_stack_set_visible_child_name (self->main_stack, "empty");
      g_signal_emit (self, signals[OVERVIEW_LOADED], 0);
      return;
    }

  self->community = data->community;
  g_settings_set_int64 (self->settings, "last-community", self->community);
  update_pages (self);
  cohort_overview_page_set_data (self->overview_page, data,
                                 gtk_string_object_get_string (GTK_STRING_OBJECT (
                                   gtk_drop_down_get_selected_item (self->range_dropdown))));
  show_content (self);
  ask_next_zone_question (self);
  g_signal_emit (self, signals[OVERVIEW_LOADED], 0);
}

void
cohort_window_reload (CohortWindow *self)
{
  guint range = gtk_drop_down_get_selected (self->range_dropdown);

  g_return_if_fail (COHORT_IS_WINDOW (self));

  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();

  /* a page on screen stays there while it is refreshed (All Communities shows its own) */
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "content") != 0 &&
      g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "all") != 0)
    {
      gtk_spinner_start (self->spinner);
      gtk_stack_set_visible_child_name (self->main_stack, "loading");
    }
  cohort_overview_load_async (self->db_path, self->community,
                              range_days[MIN (range, G_N_ELEMENTS (range_days) - 1)],
                              g_get_real_time () / G_USEC_PER_SEC, self->load_cancellable,
                              on_overview_loaded_cb, g_object_ref (self));
}

static void
on_community_selected_cb (CohortWindow *self)
{
  guint selected = gtk_drop_down_get_selected (self->community_dropdown);

  if (self->updating_dropdown || selected == GTK_INVALID_LIST_POSITION)
    return;
  self->all_communities = selected >= self->community_ids->len;
  if (self->all_communities)
    {
      show_content (self);
      return;
    }
  self->community = g_array_index (self->community_ids, gint64, selected);
  cohort_window_reload (self);
}

static void
on_range_selected_cb (CohortWindow *self)
{
  guint selected = gtk_drop_down_get_selected (self->range_dropdown);

  if (selected < G_N_ELEMENTS (range_keys))
    g_settings_set_string (self->settings, "date-range", range_keys[selected]);
  if (!self->updating_dropdown)
    cohort_window_reload (self);
}

/* ------------------------------------------------------------------------------------------ */
/* Importing                                                                                   */

static void run_job (CohortWindow    *self,
                     CohortImportJob *job);

/* The operator said which column is which: import that table again with the mapping (the
 * import remembers it for later files with the same columns). */
static void
on_csv_mapping_import_cb (CohortCsvMappingDialog *dialog,
                          CohortWindow           *self)
{
  g_autoptr(CohortCsvMapping) mapping = cohort_csv_mapping_dialog_dup_mapping (dialog);
  GFile *file = cohort_csv_mapping_dialog_get_file (dialog);
  CohortImportOptions options = { .csv_mapping = mapping };
  CohortImportJob *job;

  if (self->job != NULL)
    {
      show_toast (self, _("Another import is running; try again when it has finished"));
      return;
    }
  job = cohort_import_job_new (self->db_path, &file, 1);
  cohort_import_job_set_options (job, &options);
  run_job (self, job);
}

static void
ask_csv_mapping (CohortWindow *self,
                 GFile        *file)
{
  CohortCsvMappingDialog *dialog = cohort_csv_mapping_dialog_new (GTK_WINDOW (self), file);

  g_signal_connect_object (dialog, "import", G_CALLBACK (on_csv_mapping_import_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_job_file_done_cb (CohortImportJob    *job,
                     GFile              *file,
                     CohortImportResult *result,
                     GError             *error,
                     CohortWindow       *self)
{
  if (error != NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_toast (self, _("Import cancelled: nothing from that file was added"));
      else if (g_error_matches (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_NEEDS_MAPPING))
        ask_csv_mapping (self, file);
      else
        show_import_error (self, file, error);
      return;
    }

  self->imported_files++;
  self->imported_messages += result->counts.messages_added;
  for (guint i = 0; i < result->zone_questions->len; i++)
    g_array_append_val (self->zone_questions, *(gint64 *)result->zone_questions->pdata[i]);
  if (result->community_ids->len > 0)
    self->community = *(gint64 *)result->community_ids->pdata[0];

  /* The demo was there already and is only opened: nothing to say. */
  if (result->opened_only)
    return;

  if (result->counts.messages_added == 0 && result->counts.members_added == 0 &&
      result->counts.events_added == 0 && result->counts.system_added == 0 &&
      result->counts.orders_added == 0)
    {
      g_autofree char *name = file ? g_file_get_basename (file) : g_strdup (_("Demo community"));
      g_autofree char *text = g_strdup_printf (_("%s was already imported: nothing new was added"), name);
      show_toast (self, text);
    }
  else if (result->counts.messages_added == 0)
    {
      /* A roster, membership events or orders: say what came in, not "0 new messages". */
      g_autofree char *text = cohort_import_result_describe (result);
      show_toast (self, text);
    }
  else
    {
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "Imported %'" PRId64 " new message",
                                                            "Imported %'" PRId64 " new messages",
                                                            result->counts.messages_added),
                                               result->counts.messages_added);
      show_toast (self, text);
    }
}

static void
on_job_finished_cb (CohortImportJob *job,
                    CohortWindow    *self)
{
  guint skipped = cohort_import_job_get_skipped (job);

  if (skipped > 0 && self->imported_files > 0)
    {
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "%u file in the folder was no export and was passed over",
                                                            "%u files in the folder were no exports and were passed over",
                                                            skipped), skipped);
      show_toast (self, text);
    }
  gtk_revealer_set_reveal_child (self->progress_revealer, FALSE);
  g_signal_handlers_disconnect_by_data (job, self);
  g_clear_object (&self->job);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.cancel-import", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.import", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.open-demo", TRUE);
  cohort_window_reload (self);
}

static void
on_job_progress_cb (CohortImportJob *job,
                    GParamSpec      *pspec,
                    CohortWindow    *self)
{
  double fraction = cohort_import_job_get_fraction (job);

  if (fraction < 0)
    gtk_progress_bar_pulse (self->progress_bar);
  else
    gtk_progress_bar_set_fraction (self->progress_bar, fraction);
  if (cohort_import_job_get_message (job) != NULL)
    gtk_label_set_label (self->progress_label, cohort_import_job_get_message (job));
}

static void
run_job (CohortWindow    *self,
         CohortImportJob *job)
{
  g_return_if_fail (self->job == NULL);

  self->job = job;
  self->imported_files = 0;
  self->imported_messages = 0;
  g_signal_connect (job, "file-done", G_CALLBACK (on_job_file_done_cb), self);
  g_signal_connect (job, "finished", G_CALLBACK (on_job_finished_cb), self);
  g_signal_connect (job, "notify::fraction", G_CALLBACK (on_job_progress_cb), self);
  g_signal_connect (job, "notify::message", G_CALLBACK (on_job_progress_cb), self);

  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_label_set_label (self->progress_label, _("Starting import…"));
  gtk_revealer_set_reveal_child (self->progress_revealer, TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.cancel-import", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.import", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.open-demo", FALSE);
  cohort_import_job_start (job);
}

void
cohort_window_import_files_with_options (CohortWindow              *self,
                                         GFile                    **files,
                                         guint                      n_files,
                                         const CohortImportOptions *options)
{
  CohortImportJob *job;

  g_return_if_fail (COHORT_IS_WINDOW (self));

  if (n_files == 0)
    return;
  if (self->job != NULL)
    {
      show_toast (self, _("Another import is running; try again when it has finished"));
      return;
    }
  job = cohort_import_job_new (self->db_path, files, n_files);
  cohort_import_job_set_options (job, options);
  run_job (self, job);
}

void
cohort_window_import_files (CohortWindow  *self,
                            GFile        **files,
                            guint          n_files)
{
  cohort_window_import_files_with_options (self, files, n_files, NULL);
}

/* "Run Again" on the Imports page: the same file, read the way it was read before. */
static void
on_rerun_cb (CohortWindow *self,
             GFile        *file,
             const char   *options_json)
{
  g_autofree char *tz = NULL;
  g_autofree char *format = NULL;
  g_autofree char *date_order = NULL;
  CohortImportOptions options = { 0, };

  cohort_import_options_parse (options_json, &tz, &format, &date_order);
  options.tz = tz;
  options.format = format;
  options.date_order = date_order;
  cohort_window_import_files_with_options (self, &file, 1, &options);
}

static void
on_imports_changed_cb (CohortWindow *self,
                       const char   *sentence)
{
  show_toast (self, sentence);
  cohort_window_reload (self);
}

void
cohort_window_open_demo (CohortWindow *self)
{
  g_return_if_fail (COHORT_IS_WINDOW (self));

  if (self->job != NULL)
    return;
  run_job (self, cohort_import_job_new_demo (self->db_path, g_get_real_time () / G_USEC_PER_SEC));
}

static gboolean
on_drop_cb (GtkDropTarget *target,
            const GValue  *value,
            double         x,
            double         y,
            CohortWindow  *self)
{
  GSList *list;
  g_autoptr(GPtrArray) files = g_ptr_array_new ();

  gtk_widget_set_visible (self->drop_highlight, FALSE);
  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;
  /* gdk_file_list_get_files() transfers the container only. */
  list = gdk_file_list_get_files (g_value_get_boxed (value));
  for (GSList *l = list; l != NULL; l = l->next)
    g_ptr_array_add (files, l->data);
  g_slist_free (list);
  if (files->len == 0)
    return FALSE;
  cohort_window_import_files (self, (GFile **)files->pdata, files->len);
  return TRUE;
}

static GdkDragAction
on_drop_enter_cb (GtkDropTarget *target,
                  double         x,
                  double         y,
                  CohortWindow  *self)
{
  gtk_widget_set_visible (self->drop_highlight, TRUE);
  return GDK_ACTION_COPY;
}

static void
on_drop_leave_cb (GtkDropTarget *target,
                  CohortWindow  *self)
{
  gtk_widget_set_visible (self->drop_highlight, FALSE);
}

/* ------------------------------------------------------------------------------------------ */
/* Actions                                                                                     */

static void
on_chooser_response_cb (GtkNativeDialog *chooser,
                        int              response,
                        CohortWindow    *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) list = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (chooser));
      g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);

      for (guint i = 0; i < g_list_model_get_n_items (list); i++)
        g_ptr_array_add (files, g_list_model_get_item (list, i));
      cohort_window_import_files (self, (GFile **)files->pdata, files->len);
    }
  g_object_unref (chooser);
}

/* What the supported exports are saved as; detection itself goes by content. */
static const char * const export_suffixes[] = { "json", "jsonl", "txt", "csv", "zip" };

static void
cohort_window_import_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  CohortWindow *self = COHORT_WINDOW (widget);
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) json = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

  chooser = gtk_file_chooser_native_new (_("Import Chat Exports"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Import"), _("_Cancel"));
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), TRUE);
  gtk_file_filter_set_name (json, _("Chat exports"));
  for (guint i = 0; i < G_N_ELEMENTS (export_suffixes); i++)
    gtk_file_filter_add_suffix (json, export_suffixes[i]);
  gtk_file_filter_set_name (all, _("All files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), json);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), all);
  g_signal_connect (chooser, "response", G_CALLBACK (on_chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
cohort_window_open_demo_action (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *parameter)
{
  cohort_window_open_demo (COHORT_WINDOW (widget));
}

/* From the Overview's and the Activity page's notice that the range is past the community's
 * data (CohortRangeNotice).  "All time" is the last of the ranges. */
static void
cohort_window_show_all_time_action (GtkWidget  *widget,
                                    const char *action_name,
                                    GVariant   *parameter)
{
  CohortWindow *self = COHORT_WINDOW (widget);

  gtk_drop_down_set_selected (self->range_dropdown, G_N_ELEMENTS (range_keys) - 1);
}

static void
cohort_window_cancel_import_action (GtkWidget  *widget,
                                    const char *action_name,
                                    GVariant   *parameter)
{
  CohortWindow *self = COHORT_WINDOW (widget);

  if (self->job != NULL)
    {
      cohort_import_job_cancel (self->job);
      gtk_label_set_label (self->progress_label, _("Cancelling… nothing from this file will be kept"));
    }
}

/* ------------------------------------------------------------------------------------------ */

/* "empty", "loading", or the name of the page shown once a community is open ("overview", …). */
const char *
cohort_window_get_page_name (CohortWindow *self)
{
  const char *name = gtk_stack_get_visible_child_name (self->main_stack);

  if (g_strcmp0 (name, "content") == 0)
    return adw_view_stack_get_visible_child_name (self->view_stack);
  return name;
}

void
cohort_window_show_page (CohortWindow *self,
                         const char   *name)
{
  g_return_if_fail (COHORT_IS_WINDOW (self));

  build_pages (self);
  if (g_strcmp0 (name, "all") == 0)
    {
      if (self->community_ids->len > 1)
        gtk_drop_down_set_selected (self->community_dropdown, self->community_ids->len);
      return;
    }
  adw_view_stack_set_visible_child_name (self->view_stack, name);
}

gboolean
cohort_window_is_importing (CohortWindow *self)
{
  return self->job != NULL;
}

/* Importing, loading the Overview, building the pages after the first frame, or a page
 * loading or changing its data. */
gboolean
cohort_window_is_busy (CohortWindow *self)
{
  if (self->job != NULL || self->load_cancellable != NULL || self->changing_zone)
    return TRUE;
  if (self->members_page == NULL)
    return gtk_widget_get_mapped (GTK_WIDGET (self));
  return cohort_imports_page_is_busy (self->imports_page) ||
         cohort_members_page_is_busy (self->members_page) ||
         cohort_people_page_is_loading (self->people_page);
}

const char *
cohort_window_get_last_error (CohortWindow *self)
{
  return self->last_error;
}

const char *
cohort_window_get_last_toast (CohortWindow *self)
{
  return self->last_toast;
}

GtkWidget *
cohort_window_get_overview_page (CohortWindow *self)
{
  return GTK_WIDGET (self->overview_page);
}

GtkWidget *
cohort_window_get_imports_page (CohortWindow *self)
{
  build_pages (self);
  return GTK_WIDGET (self->imports_page);
}

GtkDropTarget *
cohort_window_get_drop_target (CohortWindow *self)
{
  return self->drop_target;
}

static gboolean
cohort_window_close_request (GtkWindow *window)
{
  CohortWindow *self = COHORT_WINDOW (window);
  int width, height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  if (self->job != NULL)
    cohort_import_job_cancel (self->job);
  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  return GTK_WINDOW_CLASS (cohort_window_parent_class)->close_request (window);
}

static void
cohort_window_dispose (GObject *object)
{
  CohortWindow *self = COHORT_WINDOW (object);

  if (self->job != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->job, self);
      cohort_import_job_cancel (self->job);
      g_clear_object (&self->job);
    }
  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  g_clear_handle_id (&self->build_pages_idle, g_source_remove);
  /* their slots hold them */
  self->activity_page = NULL;
  self->imports_page = NULL;
  self->members_page = NULL;
  self->people_page = NULL;
  self->retention_page = NULL;
  self->sources_page = NULL;
  gtk_widget_dispose_template (GTK_WIDGET (object), COHORT_TYPE_WINDOW);
  G_OBJECT_CLASS (cohort_window_parent_class)->dispose (object);
}

static void
cohort_window_finalize (GObject *object)
{
  CohortWindow *self = COHORT_WINDOW (object);

  g_clear_object (&self->settings);
  g_clear_pointer (&self->community_ids, g_array_unref);
  g_clear_pointer (&self->communities, g_ptr_array_unref);
  g_clear_pointer (&self->zone_questions, g_array_unref);
  g_free (self->db_path);
  g_free (self->last_error);
  g_free (self->last_toast);
  G_OBJECT_CLASS (cohort_window_parent_class)->finalize (object);
}

static void
cohort_window_class_init (CohortWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = cohort_window_dispose;
  object_class->finalize = cohort_window_finalize;
  window_class->close_request = cohort_window_close_request;

  /* Emitted whenever the Overview (or the empty state) has been refreshed; tests wait on it. */
  signals[OVERVIEW_LOADED] = g_signal_new ("overview-loaded", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  g_type_ensure (COHORT_TYPE_OVERVIEW_PAGE);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/cohortapp/Cohort/ui/cohort-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CohortWindow, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, CohortWindow, community_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CohortWindow, drop_highlight);
  gtk_widget_class_bind_template_child (widget_class, CohortWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, CohortWindow, activity_slot);
  gtk_widget_class_bind_template_child (widget_class, CohortWindow, imports_slot);
  gtk_widget_class_bind_template_child (widget_class, CohortWindow, members_slot);
  gtk_widget_class_bind_template_child (widget_class, CohortWindow, overview_page);
  gtk_widget_class_bind_template_child (widget_class, CohortWindow, people_slot);
  gtk_widget_class_bind_template_child (widget_class, CohortWindow, retention_slot);
  gtk_widget_class_bind_template_child (widget_class, CohortWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, CohortWindow, progress_label);
  gtk_widget_class_bind_template_child (widget_class, CohortWindow, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, CohortWindow, range_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CohortWindow, sources_slot);
  gtk_widget_class_bind_template_child (widget_class, CohortWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, CohortWindow, switcher_bar);
  gtk_widget_class_bind_template_child (widget_class, CohortWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, CohortWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, CohortWindow, window_title);

  gtk_widget_class_install_action (widget_class, "win.import", NULL, cohort_window_import_action);
  gtk_widget_class_install_action (widget_class, "win.open-demo", NULL, cohort_window_open_demo_action);
  gtk_widget_class_install_action (widget_class, "win.show-sources", NULL,
                                   cohort_window_show_sources_action);
  gtk_widget_class_install_action (widget_class, "win.show-all-time", NULL,
                                   cohort_window_show_all_time_action);
  gtk_widget_class_install_action (widget_class, "win.community-settings", NULL,
                                   cohort_window_community_settings_action);
  gtk_widget_class_install_action (widget_class, "win.community-preferences", NULL,
                                   cohort_window_community_preferences_action);
  gtk_widget_class_install_action (widget_class, "win.cancel-import", NULL, cohort_window_cancel_import_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "win.import", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "win.cancel-import", NULL);
}

static void
cohort_window_init (CohortWindow *self)
{
  g_autofree char *range = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->community_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->zone_questions = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->settings = g_settings_new (APP_ID);
  self->community = g_settings_get_int64 (self->settings, "last-community");
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  range = g_settings_get_string (self->settings, "date-range");
  self->updating_dropdown = TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (range_keys); i++)
    if (g_strcmp0 (range, range_keys[i]) == 0)
      gtk_drop_down_set_selected (self->range_dropdown, i);
  self->updating_dropdown = FALSE;
  g_signal_connect_swapped (self->range_dropdown, "notify::selected",
                            G_CALLBACK (on_range_selected_cb), self);
  {
    g_autoptr(GtkListItemFactory) button = name_factory (TRUE);
    g_autoptr(GtkListItemFactory) list = name_factory (FALSE);

    gtk_drop_down_set_factory (self->community_dropdown, button);
    gtk_drop_down_set_list_factory (self->community_dropdown, list);
  }
  g_signal_connect_swapped (self->community_dropdown, "notify::selected",
                            G_CALLBACK (on_community_selected_cb), self);

  self->drop_target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (self->drop_target, "drop", G_CALLBACK (on_drop_cb), self);
  g_signal_connect (self->drop_target, "enter", G_CALLBACK (on_drop_enter_cb), self);
  g_signal_connect (self->drop_target, "leave", G_CALLBACK (on_drop_leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (self->drop_target));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.cancel-import", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.community-settings", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.community-preferences", FALSE);
  g_signal_connect_swapped (self->view_stack, "notify::visible-child-name",
                            G_CALLBACK (on_page_changed_cb), self);
  g_signal_connect (self, "map", G_CALLBACK (on_map_cb), NULL);
}

CohortWindow *
cohort_window_new (GtkApplication *application,
                   const char     *db_path)
{
  CohortWindow *self = g_object_new (COHORT_TYPE_WINDOW, "application", application, NULL);

  self->db_path = g_strdup (db_path);
  cohort_window_reload (self);
  return self;
}
