/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-people-card"

#include "config.h"

#include "cohort-people-card.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "cohort-store-people.h"

/*
 * "Also in" in the Members detail pane: the other memberships of the member's person, and the
 * operator's corrections.  Merge… finds a member of any community by name (searched on a
 * worker) and makes them one person; Unmerge splits this membership off.  Each correction
 * runs on a worker with a write connection of its own and ends in a toast whose Undo button
 * restores the grouping as it was.
 */

#define SEARCH_LIMIT 30

struct _CohortPeopleCard
{
  GtkWidget parent_instance;

  /* template children */
  GtkBox *box;
  GtkMenuButton *merge_button;
  GtkPopover *merge_popover;
  GtkLabel *memberships_label;
  GtkListBox *results_list;
  GtkLabel *results_label;
  GtkSearchEntry *search_entry;
  GtkButton *unmerge_button;

  /* owned */
  char *db_path;
  gint64 community;
  char *uid;
  gint64 member;                /* 0 until the load found it */
  CohortPerson *person;
  GCancellable *load_cancellable;
  GCancellable *search_cancellable;
  char *last_toast;
  gint64 last_op;               /* the latest merge or unmerge made here, for Undo */
  guint writing;                /* corrections on their way */
};

G_DEFINE_FINAL_TYPE (CohortPeopleCard, cohort_people_card, GTK_TYPE_WIDGET)

/* ------------------------------------------------------------------------------------------ */
/* Worker                                                                                      */

typedef enum
{
  JOB_LOAD,
  JOB_SEARCH,
  JOB_MERGE,
  JOB_UNMERGE,
  JOB_UNDO,
} JobKind;

typedef struct
{
  JobKind       kind;
  char         *db_path;
  gint64        community;
  char         *text;         /* the uid to load, or what to search for */
  gint64        member;
  gint64        other;
  gint64        op;
  /* results */
  CohortPerson *person;
  GPtrArray    *found;        /* CohortMembership* */
  CohortPeopleOpKind undone;
} Job;

static void
job_free (Job *job)
{
  g_free (job->db_path);
  g_free (job->text);
  g_clear_pointer (&job->person, cohort_person_free);
  g_clear_pointer (&job->found, g_ptr_array_unref);
  g_free (job);
}

static gboolean
run_write (Job       *job,
           CohortDb  *db,
           GError   **error)
{
  switch (job->kind)
    {
    case JOB_MERGE:
      job->op = cohort_db_merge_people (db, job->member, job->other, error);
      return job->op != 0;
    case JOB_UNMERGE:
      job->op = cohort_db_unmerge_member (db, job->member, error);
      return job->op != 0;
    case JOB_UNDO:
      return cohort_db_undo_people_op (db, job->op, &job->undone, error);
    case JOB_LOAD:
    case JOB_SEARCH:
    default:
      g_assert_not_reached ();
    }
}

static gboolean
run_job (Job       *job,
         GError   **error)
{
  gboolean read_only = job->kind == JOB_LOAD || job->kind == JOB_SEARCH;
  CohortDb *db = cohort_db_open (job->db_path, read_only, error);
  gboolean ok = db != NULL;

  if (ok && job->kind == JOB_SEARCH)
    ok = (job->found = cohort_db_search_memberships (db, job->text, SEARCH_LIMIT, error)) != NULL;
  else if (ok && job->kind == JOB_LOAD)
    ok = (job->member = cohort_db_find_member_id (db, job->community, job->text, error)) != 0;
  else if (ok)
    ok = run_write (job, db, error);
  /* every job but a search ends with the member's person as it is now */
  if (ok && job->kind != JOB_SEARCH)
    ok = (job->person = cohort_db_get_person (db, job->member, error)) != NULL;
  cohort_db_close (db);
  return ok;
}

static void
job_in_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  GError *error = NULL;

  if (run_job (task_data, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
start_job (CohortPeopleCard    *self,
           Job                 *job,
           GCancellable        *cancellable,
           GAsyncReadyCallback  callback)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, g_object_ref (self));

  job->db_path = g_strdup (self->db_path);
  g_task_set_source_tag (task, start_job);
  g_task_set_task_data (task, job, (GDestroyNotify)job_free);
  g_task_run_in_thread (task, job_in_thread);
}

static Job *
job_new (JobKind kind)
{
  Job *job = g_new0 (Job, 1);

  job->kind = kind;
  return job;
}

/* ------------------------------------------------------------------------------------------ */
/* Filling                                                                                     */

static const char *
membership_name (const CohortMembership *m)
{
  return m->display_name != NULL && *m->display_name != '\0' ? m->display_name : m->uid;
}

static gboolean
is_own (CohortPeopleCard *self,
        gint64            member)
{
  for (guint i = 0; self->person != NULL && i < self->person->memberships->len; i++)
    if (((CohortMembership *)self->person->memberships->pdata[i])->member == member)
      return TRUE;
  return FALSE;
}

static void
fill (CohortPeopleCard *self)
{
  g_autoptr(GString) text = g_string_new (NULL);
  guint n = self->person != NULL ? self->person->memberships->len : 0;

  for (guint i = 0; i < n; i++)
    {
      CohortMembership *m = self->person->memberships->pdata[i];

      if (m->member == self->member)
        continue;
      g_string_append_printf (text, "%s%s — %s", text->len > 0 ? "\n" : "", m->community_name,
                              membership_name (m));
    }
  gtk_label_set_label (self->memberships_label,
                       text->len > 0 ? text->str : _("Not in any other community."));
  gtk_widget_set_sensitive (GTK_WIDGET (self->unmerge_button), n > 1 && self->writing == 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->merge_button), self->member != 0 && self->writing == 0);
}

static void
on_undo_clicked_cb (AdwToast         *toast,
                    CohortPeopleCard *self);

/* In the window's toast overlay; kept as text for tests, which may have none. */
static void
show_toast (CohortPeopleCard *self,
            const char       *text,
            gint64            undo_op)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);
  AdwToast *toast = adw_toast_new (text);

  g_free (self->last_toast);
  self->last_toast = g_strdup (text);
  adw_toast_set_timeout (toast, 8);
  if (undo_op != 0)
    {
      adw_toast_set_button_label (toast, _("_Undo"));
      g_object_set_data_full (G_OBJECT (toast), "op", g_memdup2 (&undo_op, sizeof undo_op), g_free);
      g_signal_connect_object (toast, "button-clicked", G_CALLBACK (on_undo_clicked_cb), self, 0);
    }
  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
  else
    g_object_unref (toast);
}

static char *
describe_change (Job *job)
{
  switch (job->kind)
    {
    case JOB_MERGE:
      return g_strdup (_("Merged: now counted as one person"));
    case JOB_UNMERGE:
      return g_strdup (_("Unmerged: now a person of their own"));
    case JOB_UNDO:
    case JOB_LOAD:
    case JOB_SEARCH:
    default:
      return g_strdup (job->undone == COHORT_PEOPLE_MERGE ? _("The merge was undone")
                                                          : _("The unmerge was undone"));
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Results of the workers, on the main thread                                                  */

static void
on_loaded_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(CohortPeopleCard) self = user_data;
  g_autoptr(GError) error = NULL;
  Job *job = g_task_get_task_data (G_TASK (result));

  if (!g_task_propagate_boolean (G_TASK (result), &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (g_task_get_cancellable (G_TASK (result)) != self->load_cancellable)
    return;
  g_clear_object (&self->load_cancellable);
  g_clear_pointer (&self->person, cohort_person_free);
  if (error != NULL)
    {
      self->member = 0;
      g_debug ("No person for the member: %s", error->message);
    }
  else
    {
      self->member = job->member;
      self->person = g_steal_pointer (&job->person);
    }
  fill (self);
}

static void
on_written_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(CohortPeopleCard) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  Job *job = g_task_get_task_data (G_TASK (result));

  self->writing--;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      show_toast (self, error->message, 0);
      fill (self);
      return;
    }
  /* the pane may show someone else by now */
  if (job->member == self->member)
    {
      g_clear_pointer (&self->person, cohort_person_free);
      self->person = g_steal_pointer (&job->person);
    }
  fill (self);
  self->last_op = job->kind == JOB_UNDO ? 0 : job->op;
  text = describe_change (job);
  show_toast (self, text, self->last_op);
}

static void
start_write (CohortPeopleCard *self,
             Job              *job)
{
  job->member = self->member;
  self->writing++;
  fill (self);
  start_job (self, job, NULL, on_written_cb);
}

static void
undo_op (CohortPeopleCard *self,
         gint64            op)
{
  Job *job = job_new (JOB_UNDO);

  /* the store refuses it when a later change came first */
  job->op = op;
  start_write (self, job);
}

static void
on_undo_clicked_cb (AdwToast         *toast,
                    CohortPeopleCard *self)
{
  undo_op (self, *(gint64 *)g_object_get_data (G_OBJECT (toast), "op"));
}

static void
clear_results (CohortPeopleCard *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->results_list))) != NULL)
    gtk_list_box_remove (self->results_list, child);
}

static GtkWidget *
result_row (const CohortMembership *m)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *name = gtk_label_new (membership_name (m));
  g_autofree char *where = g_strdup_printf ("%s · %s %s", m->community_name, m->platform, m->uid);
  GtkWidget *detail = gtk_label_new (where);

  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_xalign (GTK_LABEL (detail), 0);
  gtk_label_set_ellipsize (GTK_LABEL (detail), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (detail, "dim-label");
  gtk_widget_add_css_class (detail, "caption");
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), detail);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  g_object_set_data_full (G_OBJECT (row), "member", g_memdup2 (&m->member, sizeof m->member), g_free);
  return row;
}

static void
on_searched_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(CohortPeopleCard) self = user_data;
  g_autoptr(GError) error = NULL;
  Job *job = g_task_get_task_data (G_TASK (result));
  guint shown = 0;

  if (!g_task_propagate_boolean (G_TASK (result), &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (g_task_get_cancellable (G_TASK (result)) != self->search_cancellable)
    return;
  g_clear_object (&self->search_cancellable);
  clear_results (self);
  for (guint i = 0; error == NULL && i < job->found->len; i++)
    {
      CohortMembership *m = job->found->pdata[i];

      /* this person's own memberships are merged already */
      if (is_own (self, m->member))
        continue;
      gtk_list_box_append (self->results_list, result_row (m));
      shown++;
    }
  gtk_label_set_label (self->results_label,
                       error != NULL ? error->message
                       : shown == 0 ? _("No other member has that name.") : "");
  gtk_widget_set_visible (GTK_WIDGET (self->results_label), error != NULL || shown == 0);
}

/* ------------------------------------------------------------------------------------------ */
/* Signals                                                                                     */

static void
on_search_changed_cb (CohortPeopleCard *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  Job *job;

  if (self->search_cancellable != NULL)
    g_cancellable_cancel (self->search_cancellable);
  g_clear_object (&self->search_cancellable);
  if (*text == '\0' || self->db_path == NULL)
    {
      clear_results (self);
      gtk_label_set_label (self->results_label, _("Type a name to find the same person elsewhere."));
      gtk_widget_set_visible (GTK_WIDGET (self->results_label), TRUE);
      return;
    }
  self->search_cancellable = g_cancellable_new ();
  job = job_new (JOB_SEARCH);
  job->text = g_strdup (text);
  start_job (self, job, self->search_cancellable, on_searched_cb);
}

static void
on_result_activated_cb (CohortPeopleCard *self,
                        GtkListBoxRow    *row)
{
  gint64 *member = g_object_get_data (G_OBJECT (row), "member");

  gtk_popover_popdown (self->merge_popover);
  cohort_people_card_merge (self, *member);
}

static void
on_popover_shown_cb (CohortPeopleCard *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  on_search_changed_cb (self);
}

/* ------------------------------------------------------------------------------------------ */

static void
cohort_people_card_dispose (GObject *object)
{
  CohortPeopleCard *self = COHORT_PEOPLE_CARD (object);

  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  if (self->search_cancellable != NULL)
    g_cancellable_cancel (self->search_cancellable);
  g_clear_object (&self->load_cancellable);
  g_clear_object (&self->search_cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (object), COHORT_TYPE_PEOPLE_CARD);
  G_OBJECT_CLASS (cohort_people_card_parent_class)->dispose (object);
}

static void
cohort_people_card_finalize (GObject *object)
{
  CohortPeopleCard *self = COHORT_PEOPLE_CARD (object);

  g_clear_pointer (&self->person, cohort_person_free);
  g_free (self->db_path);
  g_free (self->uid);
  g_free (self->last_toast);
  G_OBJECT_CLASS (cohort_people_card_parent_class)->finalize (object);
}

static void
cohort_people_card_class_init (CohortPeopleCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cohort_people_card_dispose;
  object_class->finalize = cohort_people_card_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/cohortapp/Cohort/ui/cohort-people-card.ui");
  gtk_widget_class_bind_template_child (widget_class, CohortPeopleCard, box);
  gtk_widget_class_bind_template_child (widget_class, CohortPeopleCard, merge_button);
  gtk_widget_class_bind_template_child (widget_class, CohortPeopleCard, merge_popover);
  gtk_widget_class_bind_template_child (widget_class, CohortPeopleCard, memberships_label);
  gtk_widget_class_bind_template_child (widget_class, CohortPeopleCard, results_list);
  gtk_widget_class_bind_template_child (widget_class, CohortPeopleCard, results_label);
  gtk_widget_class_bind_template_child (widget_class, CohortPeopleCard, search_entry);
  gtk_widget_class_bind_template_child (widget_class, CohortPeopleCard, unmerge_button);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
cohort_people_card_init (CohortPeopleCard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_swapped (self->search_entry, "search-changed", G_CALLBACK (on_search_changed_cb), self);
  g_signal_connect_swapped (self->results_list, "row-activated", G_CALLBACK (on_result_activated_cb), self);
  g_signal_connect_swapped (self->merge_popover, "show", G_CALLBACK (on_popover_shown_cb), self);
  g_signal_connect_swapped (self->unmerge_button, "clicked", G_CALLBACK (cohort_people_card_unmerge), self);
  fill (self);
}

/* ------------------------------------------------------------------------------------------ */

void
cohort_people_card_show (CohortPeopleCard *self,
                         const char       *db_path,
                         gint64            community,
                         const char       *uid)
{
  Job *job;

  g_return_if_fail (COHORT_IS_PEOPLE_CARD (self));

  g_free (self->db_path);
  self->db_path = g_strdup (db_path);
  g_free (self->uid);
  self->uid = g_strdup (uid);
  self->community = community;
  self->member = 0;
  g_clear_pointer (&self->person, cohort_person_free);
  gtk_label_set_label (self->memberships_label, "");
  fill (self);

  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();
  job = job_new (JOB_LOAD);
  job->community = community;
  job->text = g_strdup (uid);
  start_job (self, job, self->load_cancellable, on_loaded_cb);
}

gboolean
cohort_people_card_is_busy (CohortPeopleCard *self)
{
  return self->load_cancellable != NULL || self->search_cancellable != NULL || self->writing > 0;
}

const char *
cohort_people_card_get_text (CohortPeopleCard *self)
{
  return gtk_label_get_label (self->memberships_label);
}

const char *
cohort_people_card_get_last_toast (CohortPeopleCard *self)
{
  return self->last_toast;
}

void
cohort_people_card_merge (CohortPeopleCard *self,
                          gint64            other)
{
  Job *job;

  g_return_if_fail (COHORT_IS_PEOPLE_CARD (self));
  if (self->member == 0)
    return;
  job = job_new (JOB_MERGE);
  job->other = other;
  start_write (self, job);
}

void
cohort_people_card_unmerge (CohortPeopleCard *self)
{
  g_return_if_fail (COHORT_IS_PEOPLE_CARD (self));
  if (self->member == 0)
    return;
  start_write (self, job_new (JOB_UNMERGE));
}

void
cohort_people_card_undo (CohortPeopleCard *self)
{
  g_return_if_fail (COHORT_IS_PEOPLE_CARD (self));
  if (self->last_op != 0)
    undo_op (self, self->last_op);
}
