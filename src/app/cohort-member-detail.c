/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-member-detail"

#include "config.h"

#include "cohort-member-detail.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <inttypes.h>

#include "cohort-member-edit.h"
#include "cohort-people-card.h"

/*
 * The detail pane of the Members page: who this member is, when they were a member, when they
 * spoke (a calendar and weekly bars drawn with cairo), who they talk with, whom they brought
 * in, why they sit in their segments, and the operator's tags and notes.  The snapshot part
 * (history) and the database part (notes) are read on a worker; the other memberships of the
 * member's person are CohortPeopleCard's.
 */

#define GAP 2
#define CALENDAR_TOP 18
#define N_PARTNERS 5

struct _CohortMemberDetail
{
  GtkWidget parent_instance;

  /* template children */
  GtkDrawingArea *calendar_area;
  GtkLabel *id_label;
  GtkLabel *invites_label;
  GtkLabel *name_label;
  GtkEntry *reach_entry;
  GtkEntry *note_entry;
  GtkBox *notes_box;
  CohortPeopleCard *people_card;
  GtkBox *reasons_box;
  GtkLabel *replies_label;
  GtkScrolledWindow *scroller;
  GtkLabel *segments_label;
  GtkLabel *spans_label;
  GtkStack *stack;
  GtkLabel *stats_label;
  GtkFlowBox *tags_box;
  GtkEntry *tag_entry;
  GtkDrawingArea *weekly_area;

  /* owned */
  char *db_path;
  CohortMembersData *data;
  CohortMemberHistory *history;
  GCancellable *cancellable;
  guint member;
};

enum {
  TAGS_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (CohortMemberDetail, cohort_member_detail, GTK_TYPE_WIDGET)

/* ------------------------------------------------------------------------------------------ */
/* Worker                                                                                      */

typedef struct
{
  char              *db_path;
  CohortMembersData *data;
  guint              member;
} DetailRequest;

typedef struct
{
  CohortMemberHistory *history;
  GPtrArray           *notes;
} DetailResult;

static void
detail_request_free (DetailRequest *req)
{
  g_free (req->db_path);
  cohort_members_data_unref (req->data);
  g_free (req);
}

static void
detail_result_free (DetailResult *res)
{
  g_clear_pointer (&res->history, cohort_member_history_free);
  g_clear_pointer (&res->notes, g_ptr_array_unref);
  g_free (res);
}

static void
detail_in_thread (GTask        *task,
                  gpointer      source,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  DetailRequest *req = task_data;
  DetailResult *res = g_new0 (DetailResult, 1);
  const char *uid = req->data->snapshot->member_uid[req->member];
  GError *error = NULL;
  CohortDb *db;

  res->history = cohort_member_history_compute (req->data->snapshot, req->member, req->data->asof,
                                                req->data->extras->invites);
  if ((db = cohort_db_open (req->db_path, TRUE, &error)) != NULL)
    {
      res->notes = cohort_db_list_member_notes (db, req->data->community, uid, &error);
      cohort_db_close (db);
    }
  if (error != NULL)
    {
      detail_result_free (res);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, res, (GDestroyNotify)detail_result_free);
}

/* ------------------------------------------------------------------------------------------ */
/* Filling                                                                                     */

static const char *
member_name (CohortMembersData *data,
             guint              m)
{
  const char *name = data->snapshot->member_name[m];

  return name != NULL && *name != '\0' ? name : data->snapshot->member_uid[m];
}

static char *
format_day (int day)
{
  return day == COHORT_DAY_NONE ? g_strdup ("—") : cohort_day_format (day);
}

/* Through the container's own API: a flow box wraps each child and must drop its wrapper. */
static void
clear_box (GtkWidget *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (box)) != NULL)
    {
      if (GTK_IS_FLOW_BOX (box))
        gtk_flow_box_remove (GTK_FLOW_BOX (box), child);
      else
        gtk_box_remove (GTK_BOX (box), child);
    }
}

static GtkWidget *
wrapped_label (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 40);
  return label;
}

static void
fill_summary (CohortMemberDetail *self)
{
  CohortMembersData *data = self->data;
  const CohortMemberRow *row = &data->table->rows[self->member];
  CohortSnapshot *s = data->snapshot;
  g_autoptr(GString) segments = g_string_new (NULL);
  g_autofree char *last = format_day (row->last_day);
  g_autofree char *stats = NULL;
  g_autofree char *id = NULL;
  g_autoptr(GPtrArray) reasons = cohort_member_table_reasons (data->table, self->member);

  gtk_label_set_label (self->name_label, member_name (data, self->member));
  id = g_strdup_printf (_("ID %s"), s->member_uid[self->member]);
  gtk_label_set_label (self->id_label, id);

  if (s->member_is_staff[self->member])
    g_string_append_printf (segments, "%s · ", C_("members", "Staff"));
  if (s->member_is_bot[self->member])
    g_string_append_printf (segments, "%s · ", C_("members", "Bot"));
  if (!row->present)
    g_string_append_printf (segments, "%s · ", C_("members", "Left"));
  if (row->lifecycle != COHORT_LIFECYCLE_UNKNOWN)
    g_string_append_printf (segments, "%s · ", cohort_lifecycle_name (row->lifecycle));
  if (row->tier != COHORT_TIER_NONE)
    g_string_append_printf (segments, "%s · ", cohort_tier_name (row->tier));
  if (row->is_kol)
    g_string_append (segments, "KOL · ");
  if (row->rfm_segment != COHORT_RFM_NONE)
    g_string_append_printf (segments, "RFM %s · ", cohort_rfm_segment_name (row->rfm_segment));
  if (segments->len > 3)
    g_string_truncate (segments, segments->len - strlen (" · "));
  gtk_label_set_label (self->segments_label, segments->str);

  stats = g_strdup_printf (_("%" PRId64 " messages (%" PRId64 " genuine) on %d days; last genuine "
                             "message %s; %" PRId64 " points in 90 days."),
                           (int64_t)row->messages, (int64_t)row->genuine, row->active_days, last,
                           (int64_t)row->points);
  gtk_label_set_label (self->stats_label, stats);

  clear_box (GTK_WIDGET (self->reasons_box));
  for (guint i = 0; i < reasons->len; i++)
    gtk_box_append (self->reasons_box, wrapped_label (reasons->pdata[i]));
}

static const char *
span_start_name (CohortSpanStart kind)
{
  switch (kind)
    {
    case COHORT_SPAN_REJOIN:
      return C_("members", "rejoined");
    case COHORT_SPAN_INFERRED:
      return C_("members", "first seen");
    case COHORT_SPAN_JOIN:
    default:
      return C_("members", "joined");
    }
}

static const char *
span_end_name (CohortSpanEnd kind)
{
  return kind == COHORT_SPAN_KICK ? C_("members", "removed") : C_("members", "left");
}

static void
fill_spans (CohortMemberDetail *self)
{
  GArray *spans = self->history->spans;
  GArray *kinds = self->history->span_kinds;
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i + 1 < spans->len; i += 2)
    {
      g_autofree char *start = format_day (g_array_index (spans, int, i));
      int end_day = g_array_index (spans, int, i + 1);

      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append_printf (text, "%s %s", span_start_name (g_array_index (kinds, guint8, i)), start);
      if (end_day != COHORT_DAY_NONE)
        {
          g_autofree char *end = format_day (end_day);

          g_string_append_printf (text, " → %s %s",
                                  span_end_name (g_array_index (kinds, guint8, i + 1)), end);
        }
      else
        g_string_append_printf (text, " → %s", C_("members", "still a member"));
    }
  gtk_label_set_label (self->spans_label, text->len > 0 ? text->str : _("No join or message recorded."));
}

static void
append_partners (CohortMemberDetail *self,
                 GString            *text,
                 const char         *title,
                 GArray             *partners)
{
  g_string_append_printf (text, "%s ", title);
  if (partners->len == 0)
    g_string_append (text, "—");
  for (guint i = 0; i < MIN (partners->len, N_PARTNERS); i++)
    {
      CohortReplyPartner *p = &g_array_index (partners, CohortReplyPartner, i);

      g_string_append_printf (text, "%s%s (%" PRId64 ")", i > 0 ? ", " : "",
                              member_name (self->data, p->partner), (int64_t)p->count);
    }
}

static void
fill_relations (CohortMemberDetail *self)
{
  g_autoptr(GString) replies = g_string_new (NULL);
  g_autoptr(GString) invited = g_string_new (NULL);
  GArray *invitees = self->history->invitees;

  append_partners (self, replies, _("Replies to:"), self->history->replies_to);
  g_string_append_c (replies, '\n');
  append_partners (self, replies, _("Replied to by:"), self->history->replied_by);
  gtk_label_set_label (self->replies_label, replies->str);

  if (invitees->len == 0)
    g_string_append (invited, _("No valid invitee credited."));
  else
    g_string_append_printf (invited, g_dngettext (GETTEXT_PACKAGE, "%u valid invitee: ",
                                                  "%u valid invitees: ", invitees->len),
                            invitees->len);
  for (guint i = 0; i < MIN (invitees->len, 20); i++)
    g_string_append_printf (invited, "%s%s", i > 0 ? ", " : "",
                            member_name (self->data, g_array_index (invitees, guint, i)));
  if (invitees->len > 20)
    g_string_append (invited, "…");
  gtk_label_set_label (self->invites_label, invited->str);
}

static void
on_remove_tag_clicked_cb (GtkButton          *button,
                          CohortMemberDetail *self);

static void
fill_reach (CohortMemberDetail *self)
{
  gint64 reach = self->data->table->rows[self->member].reach;
  g_autofree char *text = reach >= 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, reach) : g_strdup ("");

  gtk_editable_set_text (GTK_EDITABLE (self->reach_entry), text);
}

static void
fill_tags (CohortMemberDetail *self)
{
  char **tags = self->data->extras->tags[self->member];

  clear_box (GTK_WIDGET (self->tags_box));
  for (guint i = 0; tags != NULL && tags[i] != NULL; i++)
    {
      GtkWidget *button = gtk_button_new ();
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
      g_autofree char *tooltip = g_strdup_printf (_("Remove the tag “%s”"), tags[i]);

      gtk_box_append (GTK_BOX (box), gtk_label_new (tags[i]));
      gtk_box_append (GTK_BOX (box), gtk_image_new_from_icon_name ("window-close-symbolic"));
      gtk_button_set_child (GTK_BUTTON (button), box);
      gtk_widget_set_tooltip_text (button, tooltip);
      gtk_widget_add_css_class (button, "pill");
      gtk_widget_add_css_class (button, "small-pill");
      g_object_set_data_full (G_OBJECT (button), "tag", g_strdup (tags[i]), g_free);
      g_signal_connect (button, "clicked", G_CALLBACK (on_remove_tag_clicked_cb), self);
      gtk_flow_box_append (self->tags_box, button);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->tags_box), tags != NULL);
}

static void
fill_notes (CohortMemberDetail *self,
            GPtrArray          *notes)
{
  clear_box (GTK_WIDGET (self->notes_box));
  for (guint i = 0; notes != NULL && i < notes->len; i++)
    {
      CohortMemberNote *note = notes->pdata[i];
      g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (note->ts);
      g_autofree char *when = dt ? g_date_time_format (dt, "%Y-%m-%d %H:%M") : g_strdup ("");
      g_autofree char *text = g_strdup_printf ("%s  %s", when, note->text);

      gtk_box_append (self->notes_box, wrapped_label (text));
    }
  gtk_widget_set_visible (GTK_WIDGET (self->notes_box), notes != NULL && notes->len > 0);
}

static void
on_detail_loaded_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(CohortMemberDetail) self = user_data;
  g_autoptr(GError) error = NULL;
  DetailResult *res = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_task_get_cancellable (G_TASK (result)) != self->cancellable)
    {
      if (res != NULL)
        detail_result_free (res);
      return;
    }
  g_clear_object (&self->cancellable);
  if (res == NULL)
    {
      g_warning ("Could not load the member detail: %s", error->message);
      return;
    }

  g_clear_pointer (&self->history, cohort_member_history_free);
  self->history = g_steal_pointer (&res->history);
  fill_spans (self);
  fill_relations (self);
  fill_notes (self, res->notes);
  gtk_widget_queue_draw (GTK_WIDGET (self->calendar_area));
  gtk_widget_queue_draw (GTK_WIDGET (self->weekly_area));
  detail_result_free (res);
}

static void
start_load (CohortMemberDetail *self)
{
  g_autoptr(GTask) task = NULL;
  DetailRequest *req;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  req = g_new0 (DetailRequest, 1);
  req->db_path = g_strdup (self->db_path);
  req->data = cohort_members_data_ref (self->data);
  req->member = self->member;
  task = g_task_new (NULL, self->cancellable, on_detail_loaded_cb, g_object_ref (self));
  g_task_set_source_tag (task, start_load);
  g_task_set_task_data (task, req, (GDestroyNotify)detail_request_free);
  g_task_run_in_thread (task, detail_in_thread);
}

/* ------------------------------------------------------------------------------------------ */
/* Drawing                                                                                     */

static void
set_accent (cairo_t *cr,
            double   alpha)
{
  /* Adwaita's blue accent: the pane draws the same in light and dark styles */
  cairo_set_source_rgba (cr, 0x35 / 255.0, 0x84 / 255.0, 0xe4 / 255.0, alpha);
}

static double
level_alpha (int count)
{
  if (count <= 0)
    return 0;
  if (count == 1)
    return 0.35;
  if (count <= 3)
    return 0.55;
  if (count <= 9)
    return 0.8;
  return 1.0;
}

/* The calendar fills the pane's width: 53 columns of weeks, 7 rows of days. */
static double
calendar_step (int width,
               int height)
{
  return MAX (4.0, MIN ((double)width / 53, (height - CALENDAR_TOP) / 7.0));
}

static void
draw_calendar (GtkDrawingArea *area,
               cairo_t        *cr,
               int             width,
               int             height,
               gpointer        user_data)
{
  CohortMemberDetail *self = user_data;
  CohortMemberHistory *h = self->history;
  double step = calendar_step (width, height), cell = step - GAP, label_end = -1;
  int last_month = -1;

  if (h == NULL)
    return;
  for (int i = 0; i < COHORT_DETAIL_CALENDAR_DAYS; i++)
    {
      int day = h->calendar_first_day + i;
      int col = i / 7, row = i % 7;
      double x = col * step, y = CALENDAR_TOP + row * step;
      int year, month, mday;

      if (day > self->data->asof)
        break;
      cohort_day_to_ymd (day, &year, &month, &mday);
      /* a month's name where it starts, unless the previous name still covers it */
      if (row == 0 && month != last_month && col < 51 && x > label_end)
        {
          g_autoptr(GDateTime) dt = g_date_time_new_utc (year, month, 1, 0, 0, 0);
          g_autofree char *name = g_date_time_format (dt, "%b");
          PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (area), name);
          int text_width;

          pango_layout_get_pixel_size (layout, &text_width, NULL);
          cairo_set_source_rgba (cr, 0.5, 0.5, 0.5, 1);
          cairo_move_to (cr, x, 0);
          pango_cairo_show_layout (cr, layout);
          g_object_unref (layout);
          label_end = x + text_width + 4;
        }
      if (row == 0)
        last_month = month;
      cairo_rectangle (cr, x, y, cell, cell);
      if (h->calendar[i] > 0)
        set_accent (cr, level_alpha (h->calendar[i]));
      else
        cairo_set_source_rgba (cr, 0.5, 0.5, 0.5, 0.15);
      cairo_fill (cr);
    }
}

static void
draw_weekly (GtkDrawingArea *area,
             cairo_t        *cr,
             int             width,
             int             height,
             gpointer        user_data)
{
  CohortMemberDetail *self = user_data;
  CohortMemberHistory *h = self->history;
  int max = 1, bottom = height - 14;
  double bar;
  g_autofree char *peak = NULL;
  PangoLayout *layout;

  if (h == NULL)
    return;
  for (int w = 0; w < COHORT_DETAIL_WEEKS; w++)
    max = MAX (max, h->weekly[w]);
  bar = (double)width / COHORT_DETAIL_WEEKS;
  set_accent (cr, 0.85);
  for (int w = 0; w < COHORT_DETAIL_WEEKS; w++)
    {
      double hgt = (double)h->weekly[w] / max * (bottom - 16);

      cairo_rectangle (cr, w * bar + 1, bottom - hgt, MAX (bar - 2, 1), hgt);
    }
  cairo_fill (cr);
  cairo_set_source_rgba (cr, 0.5, 0.5, 0.5, 0.5);
  cairo_rectangle (cr, 0, bottom, width, 1);
  cairo_fill (cr);

  peak = g_strdup_printf (_("max %d a week"), max);
  layout = gtk_widget_create_pango_layout (GTK_WIDGET (area), peak);
  cairo_set_source_rgba (cr, 0.5, 0.5, 0.5, 1);
  cairo_move_to (cr, 0, 0);
  pango_cairo_show_layout (cr, layout);
  g_object_unref (layout);
}

static gboolean
on_calendar_query_tooltip_cb (GtkWidget          *widget,
                              int                 x,
                              int                 y,
                              gboolean            keyboard,
                              GtkTooltip         *tooltip,
                              CohortMemberDetail *self)
{
  double step = calendar_step (gtk_widget_get_width (widget), gtk_widget_get_height (widget));
  int col = x / step, row = (y - CALENDAR_TOP) / step, i = col * 7 + row;
  g_autofree char *day = NULL;
  g_autofree char *text = NULL;

  if (self->history == NULL || y < CALENDAR_TOP || row > 6 || i < 0 || i >= COHORT_DETAIL_CALENDAR_DAYS ||
      self->history->calendar_first_day + i > self->data->asof)
    return FALSE;
  day = cohort_day_format (self->history->calendar_first_day + i);
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s: %d genuine message",
                                       "%s: %d genuine messages", self->history->calendar[i]),
                          day, self->history->calendar[i]);
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* Edits                                                                                       */

static void
on_edit_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(CohortMemberDetail) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!cohort_member_edit_finish (result, &error))
    {
      g_warning ("Could not save the change: %s", error->message);
      return;
    }
  g_signal_emit (self, signals[TAGS_CHANGED], 0);
  if (self->data != NULL && self->member != G_MAXUINT)
    start_load (self);
}

static void
run_edit (CohortMemberDetail   *self,
          CohortMemberEditKind  kind,
          const char           *text,
          gint64                number)
{
  const char *uids[] = { self->data->snapshot->member_uid[self->member], NULL };
  CohortMemberEdit edit = { .kind = kind, .uids = uids, .text = text, .number = number };

  cohort_member_edit_async (self->db_path, self->data->community, &edit, NULL, on_edit_done_cb,
                            g_object_ref (self));
}

static void
on_remove_tag_clicked_cb (GtkButton          *button,
                          CohortMemberDetail *self)
{
  run_edit (self, COHORT_MEMBER_EDIT_REMOVE_TAG, g_object_get_data (G_OBJECT (button), "tag"), 0);
}

static void
on_tag_entry_activate_cb (GtkEntry           *entry,
                          CohortMemberDetail *self)
{
  g_autofree char *tag = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry))));

  if (*tag == '\0' || self->data == NULL)
    return;
  run_edit (self, COHORT_MEMBER_EDIT_ADD_TAG, tag, 0);
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
}

static void
on_note_entry_activate_cb (GtkEntry           *entry,
                           CohortMemberDetail *self)
{
  g_autofree char *note = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry))));

  if (*note == '\0' || self->data == NULL)
    return;
  run_edit (self, COHORT_MEMBER_EDIT_ADD_NOTE, note, 0);
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
}

/* An empty entry forgets the number; anything else must be a whole number. */
static void
on_reach_entry_activate_cb (GtkEntry           *entry,
                            CohortMemberDetail *self)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry))));
  guint64 reach = 0;

  if (self->data == NULL)
    return;
  if (*text != '\0' && !g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT64, &reach, NULL))
    {
      gtk_widget_error_bell (GTK_WIDGET (entry));
      return;
    }
  run_edit (self, COHORT_MEMBER_EDIT_SET_REACH, NULL, *text != '\0' ? (gint64)reach : -1);
}

/* ------------------------------------------------------------------------------------------ */
/* GObject                                                                                     */

static void
cohort_member_detail_dispose (GObject *object)
{
  CohortMemberDetail *self = COHORT_MEMBER_DETAIL (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (object), COHORT_TYPE_MEMBER_DETAIL);
  G_OBJECT_CLASS (cohort_member_detail_parent_class)->dispose (object);
}

static void
cohort_member_detail_finalize (GObject *object)
{
  CohortMemberDetail *self = COHORT_MEMBER_DETAIL (object);

  g_free (self->db_path);
  g_clear_pointer (&self->data, cohort_members_data_unref);
  g_clear_pointer (&self->history, cohort_member_history_free);
  G_OBJECT_CLASS (cohort_member_detail_parent_class)->finalize (object);
}

static void
cohort_member_detail_class_init (CohortMemberDetailClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cohort_member_detail_dispose;
  object_class->finalize = cohort_member_detail_finalize;

  /* A tag or note was saved: the page reloads, since tags are searched and filtered. */
  signals[TAGS_CHANGED] = g_signal_new ("tags-changed", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  g_type_ensure (COHORT_TYPE_PEOPLE_CARD);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/cohortapp/Cohort/ui/cohort-member-detail.ui");
  gtk_widget_class_bind_template_child (widget_class, CohortMemberDetail, calendar_area);
  gtk_widget_class_bind_template_child (widget_class, CohortMemberDetail, id_label);
  gtk_widget_class_bind_template_child (widget_class, CohortMemberDetail, invites_label);
  gtk_widget_class_bind_template_child (widget_class, CohortMemberDetail, name_label);
  gtk_widget_class_bind_template_child (widget_class, CohortMemberDetail, reach_entry);
  gtk_widget_class_bind_template_child (widget_class, CohortMemberDetail, note_entry);
  gtk_widget_class_bind_template_child (widget_class, CohortMemberDetail, notes_box);
  gtk_widget_class_bind_template_child (widget_class, CohortMemberDetail, people_card);
  gtk_widget_class_bind_template_child (widget_class, CohortMemberDetail, reasons_box);
  gtk_widget_class_bind_template_child (widget_class, CohortMemberDetail, replies_label);
  gtk_widget_class_bind_template_child (widget_class, CohortMemberDetail, scroller);
  gtk_widget_class_bind_template_child (widget_class, CohortMemberDetail, segments_label);
  gtk_widget_class_bind_template_child (widget_class, CohortMemberDetail, spans_label);
  gtk_widget_class_bind_template_child (widget_class, CohortMemberDetail, stack);
  gtk_widget_class_bind_template_child (widget_class, CohortMemberDetail, stats_label);
  gtk_widget_class_bind_template_child (widget_class, CohortMemberDetail, tags_box);
  gtk_widget_class_bind_template_child (widget_class, CohortMemberDetail, tag_entry);
  gtk_widget_class_bind_template_child (widget_class, CohortMemberDetail, weekly_area);
  gtk_widget_class_bind_template_callback (widget_class, on_tag_entry_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_note_entry_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_reach_entry_activate_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
cohort_member_detail_init (CohortMemberDetail *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->member = G_MAXUINT;
  gtk_drawing_area_set_draw_func (self->calendar_area, draw_calendar, self, NULL);
  gtk_drawing_area_set_draw_func (self->weekly_area, draw_weekly, self, NULL);
  g_signal_connect (self->calendar_area, "query-tooltip",
                    G_CALLBACK (on_calendar_query_tooltip_cb), self);
}

/* ------------------------------------------------------------------------------------------ */
/* Public API                                                                                  */

void
cohort_member_detail_show (CohortMemberDetail *self,
                           const char         *db_path,
                           CohortMembersData  *data,
                           guint               member)
{
  g_return_if_fail (COHORT_IS_MEMBER_DETAIL (self));

  if (data == NULL || member >= data->table->n_rows)
    {
      self->member = G_MAXUINT;
      gtk_stack_set_visible_child_name (self->stack, "none");
      return;
    }
  g_free (self->db_path);
  self->db_path = g_strdup (db_path);
  if (self->data != data)
    {
      g_clear_pointer (&self->data, cohort_members_data_unref);
      self->data = cohort_members_data_ref (data);
    }
  if (self->member != member)
    g_clear_pointer (&self->history, cohort_member_history_free);
  self->member = member;
  fill_summary (self);
  fill_tags (self);
  fill_reach (self);
  gtk_stack_set_visible_child_name (self->stack, "member");
  start_load (self);
  cohort_people_card_show (self->people_card, db_path, data->community,
                           data->snapshot->member_uid[member]);
}

guint
cohort_member_detail_get_member (CohortMemberDetail *self)
{
  g_return_val_if_fail (COHORT_IS_MEMBER_DETAIL (self), G_MAXUINT);
  return self->member;
}

gboolean
cohort_member_detail_is_loading (CohortMemberDetail *self)
{
  g_return_val_if_fail (COHORT_IS_MEMBER_DETAIL (self), FALSE);
  return self->cancellable != NULL || cohort_people_card_is_busy (self->people_card);
}
