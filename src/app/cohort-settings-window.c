/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-settings-window"

#include "config.h"

#include "cohort-settings-window.h"

#include <glib/gi18n.h>

#include "cohort-mech.h"
#include "cohort-store-members.h"
#include "cohort-store-settings.h"
#include "cohort-zone-dialog.h"

#define SAVE_DELAY_MS   400   /* spin buttons change by steps: write once they settle */
#define SEARCH_DELAY_MS 250
#define SEARCH_LIMIT    8

/* The numeric settings, one spin row each, in the group named by churn. */
typedef struct
{
  const char *key;
  const char *title;
  const char *subtitle;
  double      min, max, step;
  guint       digits;
  gboolean    churn;
} SpinSpec;

static const SpinSpec spin_specs[] = {
  { "churn-watch-days", N_("Slipping away after"), N_("days of silence"), 1, 3650, 1, 0, TRUE },
  { "churn-warn-days", N_("Warning after"), N_("days of silence"), 1, 3650, 1, 0, TRUE },
  { "churn-high-days", N_("High risk after"), N_("days of silence"), 1, 3650, 1, 0, TRUE },
  { "koc-min-messages", N_("KOC: fewest genuine messages"), N_("in the last 90 days"),
    0, 100000, 1, 0, FALSE },
  { "koc-min-reach", N_("KOC: fewest people responding"),
    N_("different members who reply to, mention or react to them"), 0, 100000, 1, 0, FALSE },
  { "koc-min-score", N_("KOC: lowest score"),
    N_("0.4 × messages + 0.3 × responders + 0.3 × invitees, as percentiles"), 0, 1, 0.05, 2, FALSE },
  { "koc-top-share", N_("KOC: largest share"), N_("of the scored members, highest scores first"),
    0, 1, 0.01, 2, FALSE },
  { "kol-min-followers", N_("KOL: fewest followers elsewhere"), N_("external reach entered per member"),
    0, 100000000, 100, 0, FALSE },
  { "fan-min-active-days", N_("Superfan: fewest active days"), N_("of the last 30 days"),
    1, 30, 1, 0, FALSE },
  { "new-member-days", N_("Newcomer for"), N_("days after joining"), 1, 365, 1, 0, FALSE },
};

#define N_SPINS G_N_ELEMENTS (spin_specs)

struct _CohortSettingsWindow
{
  AdwPreferencesWindow parent_instance;

  AdwActionRow        *zone_row;
  AdwComboRow         *week_row;
  AdwPreferencesGroup *people_group;
  AdwPreferencesGroup *staff_group;
  AdwPreferencesGroup *bots_group;
  AdwPreferencesGroup *mech_group;
  AdwPreferencesGroup *churn_group;
  AdwPreferencesGroup *koc_group;
  AdwEntryRow         *search_entry;
  AdwEntryRow         *mech_entry;
  AdwExpanderRow      *builtin_zh_row;
  AdwExpanderRow      *builtin_en_row;

  char                *db_path;
  gint64               community;
  char                *name;
  char                *tz;
  gboolean             wall_clock;

  CohortCommunitySettings settings;   /* as stored */
  gboolean             loaded;
  gboolean             filling;       /* widgets are being set from settings: no writes */
  guint                pending;       /* operations on workers */
  guint                save_source;
  guint                search_source;
  GCancellable        *cancellable;   /* every operation; cancelled when the window goes */
  GCancellable        *search_cancellable;

  GtkSpinButton       *spins[N_SPINS];
  AdwActionRow        *churn_error_row;
  GPtrArray           *staff_rows;    /* rows added to the groups, to remove on refresh */
  GPtrArray           *bot_rows;
  GPtrArray           *rule_rows;
  GPtrArray           *result_rows;
  char                *last_error;
};

G_DEFINE_FINAL_TYPE (CohortSettingsWindow, cohort_settings_window, ADW_TYPE_PREFERENCES_WINDOW)

enum
{
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ------------------------------------------------------------------------------------------ */
/* Operations (worker threads)                                                                 */

typedef enum
{
  OP_LOAD,
  OP_SAVE,
  OP_FLAG,
  OP_RULE_SET,
  OP_RULE_DELETE,
  OP_SEARCH,
  OP_ZONE,
} OpKind;

typedef struct
{
  OpKind                  kind;
  char                   *db_path;
  gint64                  community;
  CohortCommunitySettings settings;   /* OP_SAVE in, OP_LOAD out */
  char                   *text;       /* member uid, rule text, search query or zone */
  CohortMemberFlag        flag;       /* OP_FLAG */
  gboolean                value;      /* OP_FLAG: set or clear; OP_RULE_SET: mechanical */
  GPtrArray              *flagged;    /* CohortMemberRef*: OP_LOAD, OP_FLAG */
  GPtrArray              *rules;      /* CohortMechRule*: OP_LOAD, OP_RULE_* */
  GPtrArray              *found;      /* CohortMemberRef*: OP_SEARCH */
} Op;

static void
op_free (Op *op)
{
  g_free (op->db_path);
  g_free (op->text);
  g_clear_pointer (&op->flagged, g_ptr_array_unref);
  g_clear_pointer (&op->rules, g_ptr_array_unref);
  g_clear_pointer (&op->found, g_ptr_array_unref);
  g_free (op);
}

static gboolean
op_writes (const Op *op)
{
  return op->kind != OP_LOAD && op->kind != OP_SEARCH;
}

static gboolean
run_op (Op        *op,
        CohortDb  *db,
        GError   **error)
{
  const char *uids[] = { op->text, NULL };

  switch (op->kind)
    {
    case OP_LOAD:
      if (!cohort_db_get_community_settings (db, op->community, &op->settings, error))
        return FALSE;
      break;
    case OP_SAVE:
      return cohort_db_set_community_settings (db, op->community, &op->settings, error);
    case OP_FLAG:
      if (!cohort_db_set_member_flag (db, op->community, uids, op->flag, op->value, error))
        return FALSE;
      break;
    case OP_RULE_SET:
      if (!cohort_db_set_mech_rule (db, op->community, op->text, op->value, cohort_mech_normalize,
                                    error))
        return FALSE;
      break;
    case OP_RULE_DELETE:
      if (!cohort_db_delete_mech_rule (db, op->community, op->text, cohort_mech_normalize, error))
        return FALSE;
      break;
    case OP_SEARCH:
      return (op->found = cohort_db_search_members (db, op->community, op->text, SEARCH_LIMIT,
                                                    error)) != NULL;
    case OP_ZONE:
      return cohort_db_set_community_zone (db, op->community, op->text, error);
    default:
      g_assert_not_reached ();
    }

  if ((op->kind == OP_LOAD || op->kind == OP_FLAG) &&
      !(op->flagged = cohort_db_list_flagged_members (db, op->community, error)))
    return FALSE;
  if ((op->kind == OP_LOAD || op->kind == OP_RULE_SET || op->kind == OP_RULE_DELETE) &&
      !(op->rules = cohort_db_list_mech_rules (db, op->community, cohort_mech_normalize, error)))
    return FALSE;
  return TRUE;
}

static void
op_in_thread (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Op *op = task_data;
  g_autoptr(GError) error = NULL;
  CohortDb *db = cohort_db_open (op->db_path, !op_writes (op), &error);
  gboolean ok = db != NULL && run_op (op, db, &error);

  cohort_db_close (db);
  if (!ok)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void op_done_cb (GObject *source, GAsyncResult *result, gpointer user_data);

static void
start_op (CohortSettingsWindow *self,
          Op                   *op,
          GCancellable         *cancellable)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, op_done_cb, NULL);

  op->db_path = g_strdup (self->db_path);
  op->community = self->community;
  self->pending++;
  g_task_set_source_tag (task, start_op);
  g_task_set_task_data (task, op, (GDestroyNotify)op_free);
  g_task_run_in_thread (task, op_in_thread);
}

static Op *
op_new (OpKind      kind,
        const char *text)
{
  Op *op = g_new0 (Op, 1);

  op->kind = kind;
  op->text = g_strdup (text);
  return op;
}

/* ------------------------------------------------------------------------------------------ */
/* Showing what was loaded                                                                     */

static void
show_error (CohortSettingsWindow *self,
            const char           *message)
{
  g_free (self->last_error);
  self->last_error = g_strdup (message);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (message));
}

static void
clear_rows (AdwPreferencesGroup *group,
            GPtrArray           *rows)
{
  for (guint i = 0; i < rows->len; i++)
    adw_preferences_group_remove (group, rows->pdata[i]);
  g_ptr_array_set_size (rows, 0);
}

static void
add_row (AdwPreferencesGroup *group,
         GPtrArray           *rows,
         GtkWidget           *row)
{
  adw_preferences_group_add (group, row);
  g_ptr_array_add (rows, row);
}

static GtkWidget *
flat_button (const char *label,
             const char *icon_name,
             const char *tooltip)
{
  GtkWidget *button = label != NULL ? gtk_button_new_with_label (label)
                                    : gtk_button_new_from_icon_name (icon_name);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, tooltip);
  if (label == NULL)
    gtk_widget_add_css_class (button, "flat");
  return button;
}

static GtkWidget *
placeholder_row (const char *text)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), text);
  gtk_widget_add_css_class (row, "dim-label");
  return row;
}

static GtkWidget *
member_row (const CohortMemberRef *member)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 member->name != NULL ? member->name : member->uid);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), member->uid);
  g_object_set_data_full (G_OBJECT (row), "uid", g_strdup (member->uid), g_free);
  return row;
}

static void on_unflag_clicked_cb (GtkButton *button, CohortSettingsWindow *self);
static void on_flag_clicked_cb (GtkButton *button, CohortSettingsWindow *self);

static void
show_flagged (CohortSettingsWindow *self,
              GPtrArray            *flagged)
{
  gboolean any_staff = FALSE, any_bot = FALSE;

  clear_rows (self->staff_group, self->staff_rows);
  clear_rows (self->bots_group, self->bot_rows);
  for (guint i = 0; i < flagged->len; i++)
    for (int flag = COHORT_MEMBER_FLAG_STAFF; flag <= COHORT_MEMBER_FLAG_BOT; flag++)
      {
        const CohortMemberRef *member = flagged->pdata[i];
        gboolean staff = flag == COHORT_MEMBER_FLAG_STAFF;
        GtkWidget *row, *button;

        if (!(staff ? member->is_staff : member->is_bot))
          continue;
        row = member_row (member);
        button = flat_button (NULL, "list-remove-symbolic",
                              staff ? _("Not staff") : _("Not a bot"));
        g_object_set_data (G_OBJECT (button), "row", row);
        g_object_set_data (G_OBJECT (button), "flag", GINT_TO_POINTER (flag));
        g_signal_connect (button, "clicked", G_CALLBACK (on_unflag_clicked_cb), self);
        adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
        add_row (staff ? self->staff_group : self->bots_group,
                 staff ? self->staff_rows : self->bot_rows, row);
        any_staff |= staff;
        any_bot |= !staff;
      }
  if (!any_staff)
    add_row (self->staff_group, self->staff_rows,
             placeholder_row (_("No staff: find members above to add them")));
  if (!any_bot)
    add_row (self->bots_group, self->bot_rows,
             placeholder_row (_("No bots")));
}

static void
show_found (CohortSettingsWindow *self,
            GPtrArray            *found)
{
  clear_rows (self->people_group, self->result_rows);
  if (found == NULL)
    return;
  if (found->len == 0)
    add_row (self->people_group, self->result_rows, placeholder_row (_("No member has that name or ID")));
  for (guint i = 0; i < found->len; i++)
    {
      const CohortMemberRef *member = found->pdata[i];
      GtkWidget *row = member_row (member);

      for (int flag = COHORT_MEMBER_FLAG_STAFF; flag <= COHORT_MEMBER_FLAG_BOT; flag++)
        {
          gboolean staff = flag == COHORT_MEMBER_FLAG_STAFF;
          GtkWidget *button = flat_button (staff ? C_("flag a member", "Staff") : C_("flag a member", "Bot"), NULL,
                                           staff ? _("Count as staff") : _("Count as a bot"));

          gtk_widget_set_sensitive (button, !(staff ? member->is_staff : member->is_bot));
          g_object_set_data (G_OBJECT (button), "row", row);
          g_object_set_data (G_OBJECT (button), "flag", GINT_TO_POINTER (flag));
          g_signal_connect (button, "clicked", G_CALLBACK (on_flag_clicked_cb), self);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
        }
      add_row (self->people_group, self->result_rows, row);
    }
}

static void on_rule_delete_clicked_cb (GtkButton *button, CohortSettingsWindow *self);

static void
show_rules (CohortSettingsWindow *self,
            GPtrArray            *rules)
{
  clear_rows (self->mech_group, self->rule_rows);
  for (guint i = 0; i < rules->len; i++)
    {
      const CohortMechRule *rule = rules->pdata[i];
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *button = flat_button (NULL, "user-trash-symbolic", _("Remove this rule"));
      g_autofree char *subtitle = NULL;
      /* Translators: how many of the community's messages have a rule's text */
      g_autofree char *matches = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d message",
                                                               "%d messages", (gulong)rule->matches),
                                                  (int)rule->matches);

      subtitle = g_strdup_printf (rule->mechanical ? _("Always mechanical · %s")
                                                   : _("Never mechanical · %s"), matches);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), rule->text);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      g_object_set_data_full (G_OBJECT (button), "text", g_strdup (rule->text), g_free);
      g_signal_connect (button, "clicked", G_CALLBACK (on_rule_delete_clicked_cb), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      add_row (self->mech_group, self->rule_rows, row);
    }
}

static void
fill_widgets (CohortSettingsWindow *self)
{
  self->filling = TRUE;
  adw_combo_row_set_selected (self->week_row, self->settings.week_start == 7 ? 1 : 0);
  for (guint i = 0; i < N_SPINS; i++)
    {
      g_autofree char *value = cohort_community_settings_get (&self->settings, spin_specs[i].key);

      gtk_spin_button_set_value (self->spins[i], g_ascii_strtod (value, NULL));
    }
  self->filling = FALSE;
}

static void
show_zone (CohortSettingsWindow *self)
{
  adw_action_row_set_subtitle (self->zone_row, self->tz);
}

/* ------------------------------------------------------------------------------------------ */
/* Results                                                                                     */

static void
op_done_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  CohortSettingsWindow *self = COHORT_SETTINGS_WINDOW (source);
  Op *op = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);

  self->pending--;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (!ok)
    {
      show_error (self, error->message);
      /* what the widgets show is no longer what is stored */
      if (op->kind == OP_SAVE)
        fill_widgets (self);
      return;
    }

  switch (op->kind)
    {
    case OP_LOAD:
      self->settings = op->settings;
      self->loaded = TRUE;
      fill_widgets (self);
      break;
    case OP_SAVE:
      self->settings = op->settings;
      break;
    case OP_ZONE:
      g_free (self->tz);
      self->tz = g_strdup (op->text);
      show_zone (self);
      break;
    case OP_SEARCH:
      show_found (self, op->found);
      break;
    case OP_FLAG:
    case OP_RULE_SET:
    case OP_RULE_DELETE:
    default:
      break;
    }
  if (op->flagged != NULL)
    show_flagged (self, op->flagged);
  if (op->rules != NULL)
    show_rules (self, op->rules);
  if (op_writes (op))
    g_signal_emit (self, signals[CHANGED], 0);
}

/* ------------------------------------------------------------------------------------------ */
/* Edits                                                                                       */

static void
read_widgets (CohortSettingsWindow    *self,
              CohortCommunitySettings *settings)
{
  *settings = self->settings;
  settings->week_start = adw_combo_row_get_selected (self->week_row) == 1 ? 7 : 1;
  for (guint i = 0; i < N_SPINS; i++)
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];

      g_ascii_formatd (buf, sizeof buf, spin_specs[i].digits > 0 ? "%.2f" : "%.0f",
                       gtk_spin_button_get_value (self->spins[i]));
      cohort_community_settings_set (settings, spin_specs[i].key, buf, NULL);
    }
}

static gboolean
save_cb (gpointer data)
{
  CohortSettingsWindow *self = data;
  Op *op = op_new (OP_SAVE, NULL);

  self->save_source = 0;
  read_widgets (self, &op->settings);
  start_op (self, op, self->cancellable);
  return G_SOURCE_REMOVE;
}

/* The churn levels must rise; anything else the spin buttons' ranges already ensure. */
static gboolean
check_churn (CohortSettingsWindow          *self,
             const CohortCommunitySettings *settings)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = cohort_community_settings_validate (settings, &error);

  gtk_widget_set_visible (GTK_WIDGET (self->churn_error_row), !ok);
  if (!ok)
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->churn_error_row), error->message);
  for (guint i = 0; i < N_SPINS; i++)
    if (spin_specs[i].churn)
      {
        if (ok)
          gtk_widget_remove_css_class (GTK_WIDGET (self->spins[i]), "error");
        else
          gtk_widget_add_css_class (GTK_WIDGET (self->spins[i]), "error");
      }
  return ok;
}

static void
on_value_changed_cb (CohortSettingsWindow *self)
{
  CohortCommunitySettings settings;

  if (self->filling || !self->loaded)
    return;
  g_clear_handle_id (&self->save_source, g_source_remove);
  read_widgets (self, &settings);
  if (!check_churn (self, &settings) || cohort_community_settings_equal (&settings, &self->settings))
    return;
  self->save_source = g_timeout_add (SAVE_DELAY_MS, save_cb, self);
}

static gboolean
search_cb (gpointer data)
{
  CohortSettingsWindow *self = data;
  const char *query = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  self->search_source = 0;
  if (self->search_cancellable != NULL)
    g_cancellable_cancel (self->search_cancellable);
  g_clear_object (&self->search_cancellable);
  if (query[0] == '\0')
    {
      show_found (self, NULL);
      return G_SOURCE_REMOVE;
    }
  self->search_cancellable = g_cancellable_new ();
  start_op (self, op_new (OP_SEARCH, query), self->search_cancellable);
  return G_SOURCE_REMOVE;
}

static void
on_search_changed_cb (CohortSettingsWindow *self)
{
  g_clear_handle_id (&self->search_source, g_source_remove);
  self->search_source = g_timeout_add (SEARCH_DELAY_MS, search_cb, self);
}

static void
flag_member (CohortSettingsWindow *self,
             GtkButton            *button,
             gboolean              value)
{
  GObject *row = g_object_get_data (G_OBJECT (button), "row");
  Op *op = op_new (OP_FLAG, g_object_get_data (row, "uid"));

  op->flag = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "flag"));
  op->value = value;
  gtk_widget_set_sensitive (GTK_WIDGET (button), FALSE);
  start_op (self, op, self->cancellable);
}

static void
on_flag_clicked_cb (GtkButton            *button,
                    CohortSettingsWindow *self)
{
  flag_member (self, button, TRUE);
}

static void
on_unflag_clicked_cb (GtkButton            *button,
                      CohortSettingsWindow *self)
{
  flag_member (self, button, FALSE);
}

static void
on_rule_delete_clicked_cb (GtkButton            *button,
                           CohortSettingsWindow *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (button), FALSE);
  start_op (self, op_new (OP_RULE_DELETE, g_object_get_data (G_OBJECT (button), "text")),
            self->cancellable);
}

void
cohort_settings_window_add_rule (CohortSettingsWindow *self,
                                 const char           *text,
                                 gboolean              mechanical)
{
  g_autofree char *t = NULL;
  Op *op;

  g_return_if_fail (COHORT_IS_SETTINGS_WINDOW (self));
  g_return_if_fail (text != NULL);

  t = g_strstrip (g_strdup (text));
  if (t[0] == '\0')
    return;
  op = op_new (OP_RULE_SET, t);
  op->value = mechanical;
  start_op (self, op, self->cancellable);
  gtk_editable_set_text (GTK_EDITABLE (self->mech_entry), "");
}

static void
on_mech_add_clicked_cb (CohortSettingsWindow *self)
{
  cohort_settings_window_add_rule (self, gtk_editable_get_text (GTK_EDITABLE (self->mech_entry)), TRUE);
}

static void
on_mech_remove_clicked_cb (CohortSettingsWindow *self)
{
  cohort_settings_window_add_rule (self, gtk_editable_get_text (GTK_EDITABLE (self->mech_entry)), FALSE);
}

static void
on_zone_response_cb (CohortZoneDialog     *dialog,
                     const char           *response,
                     CohortSettingsWindow *self)
{
  const char *zone = cohort_zone_dialog_get_zone (dialog);

  if (g_strcmp0 (response, "apply") == 0 && g_strcmp0 (zone, self->tz) != 0)
    start_op (self, op_new (OP_ZONE, zone), self->cancellable);
}

static void
on_zone_clicked_cb (CohortSettingsWindow *self)
{
  CohortZoneDialog *dialog = cohort_zone_dialog_new (GTK_WINDOW (self), self->name, self->tz,
                                                     self->wall_clock, FALSE);

  g_signal_connect_object (dialog, "response", G_CALLBACK (on_zone_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ------------------------------------------------------------------------------------------ */
/* Building                                                                                    */

static void
build_spin_rows (CohortSettingsWindow *self)
{
  for (guint i = 0; i < N_SPINS; i++)
    {
      const SpinSpec *spec = &spin_specs[i];
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *spin = gtk_spin_button_new_with_range (spec->min, spec->max, spec->step);

      gtk_spin_button_set_digits (GTK_SPIN_BUTTON (spin), spec->digits);
      gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), TRUE);
      gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _(spec->title), -1);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(spec->title));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _(spec->subtitle));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), spin);
      g_signal_connect_swapped (spin, "value-changed", G_CALLBACK (on_value_changed_cb), self);
      adw_preferences_group_add (spec->churn ? self->churn_group : self->koc_group, row);
      self->spins[i] = GTK_SPIN_BUTTON (spin);
    }

  self->churn_error_row = ADW_ACTION_ROW (adw_action_row_new ());
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (self->churn_error_row), FALSE);
  gtk_widget_add_css_class (GTK_WIDGET (self->churn_error_row), "error");
  gtk_widget_set_visible (GTK_WIDGET (self->churn_error_row), FALSE);
  adw_preferences_group_add (self->churn_group, GTK_WIDGET (self->churn_error_row));
}

static void
build_builtin_list (AdwExpanderRow *expander,
                    gboolean        english)
{
  guint n = 0;
  const char * const *words = cohort_mech_stop_list (english, &n);
  g_autoptr(GString) text = g_string_new (NULL);
  GtkWidget *label;

  for (guint i = 0; i < n; i++)
    g_string_append_printf (text, "%s%s", i > 0 ? "   " : "", words[i]);
  label = gtk_label_new (text->str);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_set_margin_top (label, 12);
  gtk_widget_set_margin_bottom (label, 12);
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_end (label, 12);
  adw_expander_row_add_row (expander, label);
}

/* ------------------------------------------------------------------------------------------ */
/* GObject                                                                                     */

static void
cohort_settings_window_dispose (GObject *object)
{
  CohortSettingsWindow *self = COHORT_SETTINGS_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  if (self->search_cancellable != NULL)
    g_cancellable_cancel (self->search_cancellable);
  g_clear_handle_id (&self->save_source, g_source_remove);
  g_clear_handle_id (&self->search_source, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (object), COHORT_TYPE_SETTINGS_WINDOW);
  G_OBJECT_CLASS (cohort_settings_window_parent_class)->dispose (object);
}

static void
cohort_settings_window_finalize (GObject *object)
{
  CohortSettingsWindow *self = COHORT_SETTINGS_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->search_cancellable);
  g_clear_pointer (&self->staff_rows, g_ptr_array_unref);
  g_clear_pointer (&self->bot_rows, g_ptr_array_unref);
  g_clear_pointer (&self->rule_rows, g_ptr_array_unref);
  g_clear_pointer (&self->result_rows, g_ptr_array_unref);
  g_free (self->db_path);
  g_free (self->name);
  g_free (self->tz);
  g_free (self->last_error);
  G_OBJECT_CLASS (cohort_settings_window_parent_class)->finalize (object);
}

static void
cohort_settings_window_class_init (CohortSettingsWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cohort_settings_window_dispose;
  object_class->finalize = cohort_settings_window_finalize;

  /* A setting, a list or a rule reached the database: every page must be recomputed. */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/cohortapp/Cohort/ui/cohort-settings-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CohortSettingsWindow, zone_row);
  gtk_widget_class_bind_template_child (widget_class, CohortSettingsWindow, week_row);
  gtk_widget_class_bind_template_child (widget_class, CohortSettingsWindow, people_group);
  gtk_widget_class_bind_template_child (widget_class, CohortSettingsWindow, staff_group);
  gtk_widget_class_bind_template_child (widget_class, CohortSettingsWindow, bots_group);
  gtk_widget_class_bind_template_child (widget_class, CohortSettingsWindow, mech_group);
  gtk_widget_class_bind_template_child (widget_class, CohortSettingsWindow, churn_group);
  gtk_widget_class_bind_template_child (widget_class, CohortSettingsWindow, koc_group);
  gtk_widget_class_bind_template_child (widget_class, CohortSettingsWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, CohortSettingsWindow, mech_entry);
  gtk_widget_class_bind_template_child (widget_class, CohortSettingsWindow, builtin_zh_row);
  gtk_widget_class_bind_template_child (widget_class, CohortSettingsWindow, builtin_en_row);
  gtk_widget_class_bind_template_callback (widget_class, on_value_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_mech_add_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_mech_remove_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_zone_clicked_cb);
}

static void
cohort_settings_window_init (CohortSettingsWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->staff_rows = g_ptr_array_new ();
  self->bot_rows = g_ptr_array_new ();
  self->rule_rows = g_ptr_array_new ();
  self->result_rows = g_ptr_array_new ();
  cohort_community_settings_init_default (&self->settings);
  build_spin_rows (self);
  build_builtin_list (self->builtin_zh_row, FALSE);
  build_builtin_list (self->builtin_en_row, TRUE);
}

CohortSettingsWindow *
cohort_settings_window_new (GtkWindow  *parent,
                            const char *db_path,
                            gint64      community,
                            const char *name,
                            const char *tz,
                            gboolean    wall_clock)
{
  CohortSettingsWindow *self = g_object_new (COHORT_TYPE_SETTINGS_WINDOW,
                                             "transient-for", parent,
                                             NULL);

  g_return_val_if_fail (db_path != NULL, NULL);

  self->db_path = g_strdup (db_path);
  self->community = community;
  self->name = g_strdup (name);
  self->tz = g_strdup (tz);
  self->wall_clock = wall_clock;
  {
    /* Translators: the title of Community Settings for one community */
    g_autofree char *title = g_strdup_printf (_("Settings of “%s”"), name);

    gtk_window_set_title (GTK_WINDOW (self), title);
  }
  show_zone (self);
  start_op (self, op_new (OP_LOAD, NULL), self->cancellable);
  return self;
}

gboolean
cohort_settings_window_is_busy (CohortSettingsWindow *self)
{
  g_return_val_if_fail (COHORT_IS_SETTINGS_WINDOW (self), FALSE);
  return self->pending > 0 || self->save_source != 0 || self->search_source != 0;
}

GtkWidget *
cohort_settings_window_get_control (CohortSettingsWindow *self,
                                    const char           *key)
{
  g_return_val_if_fail (COHORT_IS_SETTINGS_WINDOW (self), NULL);

  if (g_strcmp0 (key, "week-start") == 0)
    return GTK_WIDGET (self->week_row);
  for (guint i = 0; i < N_SPINS; i++)
    if (g_strcmp0 (spin_specs[i].key, key) == 0)
      return GTK_WIDGET (self->spins[i]);
  return NULL;
}

const char *
cohort_settings_window_get_last_error (CohortSettingsWindow *self)
{
  g_return_val_if_fail (COHORT_IS_SETTINGS_WINDOW (self), NULL);
  return self->last_error;
}
