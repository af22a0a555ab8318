/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-people-page"

#include "config.h"

#include "cohort-people-page.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <inttypes.h>

#include "cohort-overview-page.h"
#include "cohort-people-loader.h"

/*
 * All Communities: the Overview of the communities the operator ticks, with each person
 * counted once (cohort_people_load on a worker), next to the list of every community.  The
 * communities left out are remembered in GSettings, so a new import is counted at once.
 */

struct _CohortPeoplePage
{
  GtkWidget parent_instance;

  /* template children */
  GtkListBox *community_list;
  CohortOverviewPage *overview_page;
  GtkSpinner *spinner;
  GtkStack *stack;
  GtkLabel *summary_label;

  /* owned */
  char *db_path;
  GSettings *settings;
  GCancellable *cancellable;
  gboolean filling;           /* the list is being rebuilt: its toggles are ours */
};

G_DEFINE_FINAL_TYPE (CohortPeoplePage, cohort_people_page, GTK_TYPE_WIDGET)

static const char * const range_keys[] = { "last-30", "last-90", "last-365", "all" };
static const int range_days[] = { 30, 90, 365, 0 };
static const char * const range_titles[] = {
  N_("Last 30 days"), N_("Last 90 days"), N_("Last 365 days"), N_("All time"),
};

static guint
current_range (CohortPeoplePage *self)
{
  g_autofree char *key = g_settings_get_string (self->settings, "date-range");

  for (guint i = 0; i < G_N_ELEMENTS (range_keys); i++)
    if (g_strcmp0 (key, range_keys[i]) == 0)
      return i;
  return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* The list of communities                                                                     */

static void
on_community_toggled_cb (GtkCheckButton   *check,
                         CohortPeoplePage *self)
{
  g_autoptr(GArray) excluded = g_array_new (FALSE, FALSE, sizeof (gint64));
  GtkWidget *row;

  if (self->filling)
    return;
  for (row = gtk_widget_get_first_child (GTK_WIDGET (self->community_list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      GtkCheckButton *box = g_object_get_data (G_OBJECT (row), "check");
      gint64 *id = g_object_get_data (G_OBJECT (row), "community");

      if (box != NULL && !gtk_check_button_get_active (box))
        g_array_append_val (excluded, *id);
    }
  /* the settings' changed signal reloads */
  g_settings_set_value (self->settings, "all-communities-excluded",
                        g_variant_new_fixed_array (G_VARIANT_TYPE_INT64, excluded->data,
                                                   excluded->len, sizeof (gint64)));
}

static GtkWidget *
community_row (CohortPeoplePage          *self,
               const CohortCommunityInfo *info,
               gboolean                   included)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *check = gtk_check_button_new ();
  g_autofree char *title = g_markup_escape_text (info->name, -1);
  g_autofree char *members = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%" PRId64 " member",
                                                           "%" PRId64 " members", info->members),
                                              info->members);
  g_autofree char *subtitle = g_strdup_printf ("%s · %s", info->platform, members);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), included);
  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, info->name, -1);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
  g_object_set_data (G_OBJECT (row), "check", check);
  g_object_set_data_full (G_OBJECT (row), "community", g_memdup2 (&info->id, sizeof info->id), g_free);
  g_signal_connect (check, "toggled", G_CALLBACK (on_community_toggled_cb), self);
  return row;
}

static gboolean
is_included (const CohortPeopleData *data,
             gint64                  id)
{
  for (guint i = 0; i < data->included->len; i++)
    if (g_array_index (data->included, gint64, i) == id)
      return TRUE;
  return FALSE;
}

static void
fill_communities (CohortPeoplePage       *self,
                  const CohortPeopleData *data)
{
  GPtrArray *communities = data->overview->communities;
  GtkWidget *child;

  self->filling = TRUE;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->community_list))) != NULL)
    gtk_list_box_remove (self->community_list, child);
  for (guint i = 0; i < communities->len; i++)
    {
      const CohortCommunityInfo *info = communities->pdata[i];

      gtk_list_box_append (self->community_list, community_row (self, info, is_included (data, info->id)));
    }
  self->filling = FALSE;
}

/* ------------------------------------------------------------------------------------------ */
/* Loading                                                                                     */

static void
on_loaded_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(CohortPeoplePage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CohortPeopleData) data = cohort_people_load_finish (result, &error);
  g_autofree char *summary = NULL;

  /* a newer request replaced this one */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_task_get_cancellable (G_TASK (result)) != self->cancellable)
    return;
  g_clear_object (&self->cancellable);
  gtk_spinner_stop (self->spinner);

  if (data == NULL)
    {
      gtk_label_set_label (self->summary_label, error->message);
      gtk_stack_set_visible_child_name (self->stack, "none");
      return;
    }
  fill_communities (self, data);
  if (data->overview->snapshot == NULL)
    {
      gtk_label_set_label (self->summary_label, _("No community is counted."));
      gtk_stack_set_visible_child_name (self->stack, "none");
      return;
    }
  summary = cohort_people_describe_counts (&data->counts);
  gtk_label_set_label (self->summary_label, summary);
  cohort_overview_page_set_data (self->overview_page, g_steal_pointer (&data->overview),
                                 _(range_titles[current_range (self)]));
  gtk_stack_set_visible_child_name (self->stack, "overview");
}

static void
reload (CohortPeoplePage *self)
{
  g_autoptr(GVariant) excluded = NULL;
  const gint64 *ids;
  gsize n_ids = 0;

  if (self->db_path == NULL)
    return;
  /* Only a page someone looks at spends the worker's time. */
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  excluded = g_settings_get_value (self->settings, "all-communities-excluded");
  ids = g_variant_get_fixed_array (excluded, &n_ids, sizeof (gint64));
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "overview") != 0)
    {
      gtk_stack_set_visible_child_name (self->stack, "loading");
      gtk_spinner_start (self->spinner);
    }
  cohort_people_load_async (self->db_path, ids, n_ids, range_days[current_range (self)],
                            g_get_real_time () / G_USEC_PER_SEC, self->cancellable,
                            on_loaded_cb, g_object_ref (self));
}

/* Each time it is shown: persons may have been merged or split on the Members page since. */
static void
on_map_cb (CohortPeoplePage *self)
{
  reload (self);
}

/* ------------------------------------------------------------------------------------------ */

static void
cohort_people_page_dispose (GObject *object)
{
  CohortPeoplePage *self = COHORT_PEOPLE_PAGE (object);
  GtkWidget *child;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (object), COHORT_TYPE_PEOPLE_PAGE);
  /* the template's unnamed top box is not a bound child */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (cohort_people_page_parent_class)->dispose (object);
}

static void
cohort_people_page_finalize (GObject *object)
{
  CohortPeoplePage *self = COHORT_PEOPLE_PAGE (object);

  g_clear_object (&self->settings);
  g_free (self->db_path);
  G_OBJECT_CLASS (cohort_people_page_parent_class)->finalize (object);
}

static void
cohort_people_page_class_init (CohortPeoplePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cohort_people_page_dispose;
  object_class->finalize = cohort_people_page_finalize;

  g_type_ensure (COHORT_TYPE_OVERVIEW_PAGE);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/cohortapp/Cohort/ui/cohort-people-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CohortPeoplePage, community_list);
  gtk_widget_class_bind_template_child (widget_class, CohortPeoplePage, overview_page);
  gtk_widget_class_bind_template_child (widget_class, CohortPeoplePage, spinner);
  gtk_widget_class_bind_template_child (widget_class, CohortPeoplePage, stack);
  gtk_widget_class_bind_template_child (widget_class, CohortPeoplePage, summary_label);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
cohort_people_page_init (CohortPeoplePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->settings = g_settings_new (APP_ID);
  g_signal_connect_object (self->settings, "changed::all-communities-excluded",
                           G_CALLBACK (reload), self, G_CONNECT_SWAPPED);
  g_signal_connect (self, "map", G_CALLBACK (on_map_cb), NULL);
}

/* ------------------------------------------------------------------------------------------ */

void
cohort_people_page_set_database (CohortPeoplePage *self,
                                 const char       *db_path,
                                 gint64            community)
{
  g_return_if_fail (COHORT_IS_PEOPLE_PAGE (self));

  g_free (self->db_path);
  self->db_path = g_strdup (db_path);
  reload (self);
}

gboolean
cohort_people_page_is_loading (CohortPeoplePage *self)
{
  return self->cancellable != NULL;
}

const char *
cohort_people_page_get_summary (CohortPeoplePage *self)
{
  return gtk_label_get_label (self->summary_label);
}

GtkWidget *
cohort_people_page_get_overview (CohortPeoplePage *self)
{
  return GTK_WIDGET (self->overview_page);
}
