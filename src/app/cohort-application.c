/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-application"

#include "config.h"

#include "cohort-application.h"

#include <glib/gi18n.h>

#include "cohort-recovery-dialog.h"
#include "cohort-render.h"
#include "cohort-store.h"
#include "cohort-window.h"

struct _CohortApplication
{
  AdwApplication parent_instance;

  char *db_path;
  char *screenshot;
  char *page;                 /* --page: the page to show once loaded */
  gboolean demo;
};

G_DEFINE_FINAL_TYPE (CohortApplication, cohort_application, ADW_TYPE_APPLICATION)

typedef struct
{
  char *db_path;
  int   keep;
} LaunchCheck;

static void
launch_check_free (gpointer data,
                   GClosure *closure)
{
  LaunchCheck *check = data;

  g_free (check->db_path);
  g_free (check);
}

/* The launch check makes the daily backup, a copy of the whole database read through once
 * more to find damage: on a large database that is seconds of disk and CPU, which the
 * first frame and the Overview's load would otherwise share with it on a two-core laptop.
 * So it starts once the Overview has loaded, or failed to — the window reports every
 * outcome with this signal, and a damaged database still gets its recovery dialog. */
static void
on_first_overview_cb (CohortWindow *window,
                      LaunchCheck  *check)
{
  cohort_recovery_check_database (GTK_WINDOW (window), check->db_path, check->keep);
  g_signal_handlers_disconnect_by_func (window, on_first_overview_cb, check);
}

static CohortWindow *
ensure_window (CohortApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    {
      g_autoptr(GSettings) settings = g_settings_new (APP_ID);
      g_autofree char *configured = g_settings_get_string (settings, "database-path");
      g_autofree char *path = self->db_path ? g_strdup (self->db_path)
                            : *configured ? g_strdup (configured)
                            : cohort_db_default_path ();
      LaunchCheck *check;

      window = GTK_WINDOW (cohort_window_new (GTK_APPLICATION (self), path));
      /* Off the main thread: the daily backup, and the recovery dialog if the database is
       * damaged or from a newer Cohort. */
      check = g_new0 (LaunchCheck, 1);
      check->db_path = g_steal_pointer (&path);
      check->keep = g_settings_get_int (settings, "backup-keep");
      g_signal_connect_data (window, "overview-loaded", G_CALLBACK (on_first_overview_cb),
                             check, launch_check_free, 0);
    }
  return COHORT_WINDOW (window);
}

/* --screenshot: once the Overview (or empty state) has been drawn, save the window and quit.
 * README screenshots and manual checks under Xvfb use it. */
static void
on_after_paint_cb (GdkFrameClock *clock,
                   CohortWindow  *window)
{
  CohortApplication *self = COHORT_APPLICATION (gtk_window_get_application (GTK_WINDOW (window)));
  g_autoptr(GError) error = NULL;

  if (cohort_window_is_busy (window))
    {
      /* A page still loading in the background changes nothing on screen when it is hidden:
       * ask for another frame, so this runs again once everything has settled. */
      gtk_widget_queue_draw (GTK_WIDGET (window));
      return;
    }
  g_signal_handlers_disconnect_by_func (clock, on_after_paint_cb, window);
  if (!cohort_widget_save_png (GTK_WIDGET (window), self->screenshot, &error))
    g_printerr ("%s\n", error->message);
  g_application_quit (G_APPLICATION (self));
}

static void
on_overview_loaded_cb (CohortWindow      *window,
                       CohortApplication *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));

  /* The first load shows the empty state while the demo is still being imported. */
  if (clock == NULL || cohort_window_is_importing (window))
    return;
  g_signal_handlers_disconnect_by_func (window, on_overview_loaded_cb, self);
  if (self->page != NULL && g_strcmp0 (cohort_window_get_page_name (window), "empty") != 0)
    cohort_window_show_page (window, self->page);
  g_signal_connect_object (clock, "after-paint", G_CALLBACK (on_after_paint_cb), window, 0);
  gtk_widget_queue_draw (GTK_WIDGET (window));
}

/* COHORT_BENCH_FIRST_FRAME set: quit as soon as the first frame has been painted, so that
 * bench/run can time start-up to first frame (the Overview keeps loading on its worker). */
static void
on_first_frame_cb (GdkFrameClock     *clock,
                   CohortApplication *self)
{
  g_signal_handlers_disconnect_by_func (clock, on_first_frame_cb, self);
  g_application_quit (G_APPLICATION (self));
}

static void
cohort_application_activate (GApplication *app)
{
  CohortApplication *self = COHORT_APPLICATION (app);
  CohortWindow *window = ensure_window (self);

  if (self->screenshot != NULL)
    {
      /* Capture the settled page, not a crossfade halfway through. */
      g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
      g_signal_connect (window, "overview-loaded", G_CALLBACK (on_overview_loaded_cb), self);
    }
  gtk_window_present (GTK_WINDOW (window));
  if (g_getenv ("COHORT_BENCH_FIRST_FRAME") != NULL)
    g_signal_connect_object (gtk_widget_get_frame_clock (GTK_WIDGET (window)), "after-paint",
                             G_CALLBACK (on_first_frame_cb), self, 0);
  if (self->demo)
    {
      self->demo = FALSE;
      cohort_window_open_demo (window);
    }
}

static void
cohort_application_open (GApplication  *app,
                         GFile        **files,
                         int            n_files,
                         const char    *hint)
{
  CohortApplication *self = COHORT_APPLICATION (app);

  cohort_application_activate (app);
  cohort_window_import_files (ensure_window (self), files, n_files);
}

static int
cohort_application_handle_local_options (GApplication *app,
                                         GVariantDict *options)
{
  CohortApplication *self = COHORT_APPLICATION (app);

  g_variant_dict_lookup (options, "db", "^ay", &self->db_path);
  g_variant_dict_lookup (options, "screenshot", "^ay", &self->screenshot);
  g_variant_dict_lookup (options, "page", "s", &self->page);
  self->demo = g_variant_dict_contains (options, "demo");
  /* A private database or a screenshot run must not hand over to a running instance. */
  if (self->db_path != NULL || self->screenshot != NULL)
    g_application_set_flags (app, g_application_get_flags (app) | G_APPLICATION_NON_UNIQUE);
  return -1;
}

static void
cohort_application_about_action (GSimpleAction *action,
                                 GVariant      *parameter,
                                 gpointer       user_data)
{
  GtkApplication *app = user_data;
  static const char *developers[] = { "The Cohort developers", NULL };

  adw_show_about_window (gtk_application_get_active_window (app),
                         "application-name", _("Cohort"),
                         "application-icon", APP_ID,
                         "developer-name", _("The Cohort developers"),
                         "version", PACKAGE_VERSION,
                         "comments", _("Community analytics for operators: growth, activity, "
                                       "retention and churn warnings from chat exports, computed "
                                       "on your own computer."),
                         "website", "https://github.com/cohortapp/cohort",
                         "issue-url", "https://github.com/cohortapp/cohort/issues",
                         "developers", developers,
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
cohort_application_quit_action (GSimpleAction *action,
                                GVariant      *parameter,
                                gpointer       user_data)
{
  GtkApplication *app = user_data;
  GtkWindow *window;

  while ((window = gtk_application_get_active_window (app)) != NULL)
    gtk_window_destroy (window);
  g_application_quit (G_APPLICATION (app));
}

static const GActionEntry app_actions[] = {
  { "about", cohort_application_about_action },
  { "quit", cohort_application_quit_action },
};

static void
cohort_application_startup (GApplication *app)
{
  static const char *quit_accels[] = { "<primary>q", NULL };

  G_APPLICATION_CLASS (cohort_application_parent_class)->startup (app);
  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_window_set_default_icon_name (APP_ID);
}

static void
cohort_application_finalize (GObject *object)
{
  CohortApplication *self = COHORT_APPLICATION (object);

  g_free (self->db_path);
  g_free (self->screenshot);
  g_free (self->page);
  G_OBJECT_CLASS (cohort_application_parent_class)->finalize (object);
}

static void
cohort_application_class_init (CohortApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = cohort_application_finalize;
  app_class->activate = cohort_application_activate;
  app_class->open = cohort_application_open;
  app_class->startup = cohort_application_startup;
  app_class->handle_local_options = cohort_application_handle_local_options;
}

static void
cohort_application_init (CohortApplication *self)
{
  static const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, NULL, N_("Use this database file"), N_("PATH") },
    { "demo", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Open the demo community"), NULL },
    { "screenshot", 0, 0, G_OPTION_ARG_FILENAME, NULL, N_("Save the window to a PNG once loaded, then quit"), N_("FILE") },
    { "page", 0, 0, G_OPTION_ARG_STRING, NULL, N_("With --screenshot: the page to show (overview, imports, …)"), N_("NAME") },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
}

CohortApplication *
cohort_application_new (void)
{
  return g_object_new (COHORT_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/io/github/cohortapp/Cohort",
                       NULL);
}
