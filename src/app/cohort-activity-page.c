/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-activity-page"

#include "config.h"

#include "cohort-activity-page.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cohort-chart-view.h"
#include "cohort-csv-writer.h"
#include "cohort-page-kit.h"
#include "cohort-range-notice.h"

struct _CohortActivityPage
{
  GtkWidget           parent_instance;

  /* template children */
  GtkFlowBox         *card_box;
  GtkBox             *chart_row;
  GtkBox             *keywords_box;
  GtkBox             *mech_box;
  GtkBox             *mix_box;
  GtkLabel           *range_label;
  CohortRangeNotice  *range_notice;

  /* owned */
  GSettings          *settings;     /* the window's "date-range" applies to this page too */
  GtkWidget          *network;
  GtkWidget          *stickiness;
  char               *db_path;
  gint64              community;
  CohortPageLoad      load;
  CohortActivityData *data;
};

G_DEFINE_FINAL_TYPE (CohortActivityPage, cohort_activity_page, GTK_TYPE_WIDGET)

/* Days of the "date-range" setting's choices (the window's range menu); 0 = all time. */
static int
setting_range_days (GSettings *settings)
{
  g_autofree char *range = g_settings_get_string (settings, "date-range");

  if (g_str_equal (range, "all"))
    return 0;
  if (g_str_has_prefix (range, "last-"))
    return MAX (atoi (range + strlen ("last-")), 1);
  return 30;
}

/* The tables with an Export CSV button. */
enum
{
  TABLE_NONE = -1,
  TABLE_MECH,
  TABLE_KEYWORDS,
  TABLE_KINDS,
};

/* ------------------------------------------------------------------------------------------ */
/* Building blocks                                                                             */

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

static char *
format_percent (const CohortRate *rate)
{
  if (rate->den <= 0)
    return g_strdup ("—");
  return g_strdup_printf ("%.1f%%", 100.0 * rate->num / rate->den);
}

static char *
format_ratio (const CohortRate *rate)
{
  if (rate->den <= 0)
    return g_strdup ("—");
  return g_strdup_printf ("%.1f", (double)rate->num / rate->den);
}

/* A card: a title, a big value and one line of detail. */
static void
add_card (CohortActivityPage *self,
          const char         *title,
          const char         *value,
          const char         *detail)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *label;

  gtk_widget_add_css_class (box, "card");
  gtk_widget_add_css_class (box, "kpi-card");
  label = gtk_label_new (title);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_box_append (GTK_BOX (box), label);
  label = gtk_label_new (value);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "kpi-value");
  gtk_box_append (GTK_BOX (box), label);
  label = gtk_label_new (detail);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "caption");
  gtk_widget_add_css_class (label, "dim-label");
  gtk_box_append (GTK_BOX (box), label);
  gtk_flow_box_append (self->card_box, box);
}

static void
on_export_csv_clicked_cb (GtkButton *button,
                          gpointer   user_data)
{
  CohortActivityPage *self = user_data;
  int table = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "table"));
  g_autofree char *csv = table == TABLE_KEYWORDS ? cohort_activity_page_keywords_csv (self)
                         : table == TABLE_MECH ? cohort_activity_page_mech_csv (self)
                         : cohort_activity_page_kinds_csv (self);

  cohort_page_save_csv (GTK_WIDGET (self),
                       table == TABLE_KEYWORDS ? "keywords.csv"
                           : table == TABLE_MECH ? "mechanical-texts.csv" : "message-kinds.csv",
                           csv);
}

/* A section title with an optional Export CSV button, then a grid for the rows. */
static GtkGrid *
add_section (CohortActivityPage *self,
             GtkBox             *box,
             const char         *title,
             int                 table)
{
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new (title);
  GtkWidget *grid = gtk_grid_new ();

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_add_css_class (label, "heading");
  gtk_box_append (GTK_BOX (header), label);
  if (table != TABLE_NONE)
    {
      GtkWidget *button = gtk_button_new_with_mnemonic (_("Export _CSV…"));

      gtk_widget_add_css_class (button, "flat");
      g_object_set_data (G_OBJECT (button), "table", GINT_TO_POINTER (table));
      g_signal_connect (button, "clicked", G_CALLBACK (on_export_csv_clicked_cb), self);
      gtk_box_append (GTK_BOX (header), button);
    }
  gtk_box_append (box, header);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 4);
  gtk_box_append (box, grid);
  return GTK_GRID (grid);
}

static void
grid_row (GtkGrid    *grid,
          int         row,
          const char *first,
          const char *second,
          const char *third,
          gboolean    dim)
{
  const char *texts[] = { first, second, third };

  for (int c = 0; c < 3; c++)
    {
      GtkWidget *label;

      if (texts[c] == NULL)
        continue;
      label = gtk_label_new (texts[c]);
      gtk_label_set_xalign (GTK_LABEL (label), c == 0 ? 0 : 1);
      gtk_label_set_ellipsize (GTK_LABEL (label), c == 0 ? PANGO_ELLIPSIZE_END : PANGO_ELLIPSIZE_NONE);
      gtk_widget_set_hexpand (label, c == 0);
      if (dim || c > 0)
        gtk_widget_add_css_class (label, "numeric");
      if (dim)
        gtk_widget_add_css_class (label, "dim-label");
      gtk_grid_attach (grid, label, c, row, 1, 1);
    }
}

static void
grid_empty (GtkGrid    *grid,
            const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_grid_attach (grid, label, 0, 0, 3, 1);
}

/* ------------------------------------------------------------------------------------------ */
/* Filling                                                                                     */

static void
fill_cards (CohortActivityPage   *self,
            const CohortActivity *a)
{
  g_autofree char *stick = format_percent (&a->stickiness);
  g_autofree char *per_active = format_ratio (&a->per_active);
  g_autofree char *mech = format_percent (&a->mech_share);
  g_autofree char *inter = g_strdup_printf ("%" PRId64, a->interactions);
  g_autofree char *density = format_percent (&a->density);
  g_autofree char *caf = g_strdup_printf ("%d", a->caf);
  g_autofree char *d_stick = g_strdup_printf (_("Average daily active ÷ %" PRId64 " active in the range"),
                                              a->active);
  g_autofree char *d_msgs = g_strdup_printf (_("%" PRId64 " genuine messages, %.1f a day"),
                                             a->messages, a->per_day.den > 0
                                               ? (double)a->per_day.num / a->per_day.den : 0);
  g_autofree char *d_mech = g_strdup_printf (_("%" PRId64 " of %" PRId64 " messages"),
                                             a->raw_messages - a->messages, a->raw_messages);
  g_autofree char *d_inter = g_strdup_printf (_("%" PRId64 " distinct pairs"), a->pairs);
  g_autofree char *d_density = g_strdup_printf (_("%" PRId64 " of all possible pairs among %" PRId64 " members"),
                                                a->pairs, a->present);
  g_autofree char *d_caf = g_strdup_printf (_("of %" PRId64 " speakers send half the messages"),
                                            a->speakers);

  clear_box (GTK_WIDGET (self->card_box));
  add_card (self, _("Stickiness"), stick, d_stick);
  add_card (self, _("Messages per Active Member"), per_active, d_msgs);
  add_card (self, _("Mechanical Share"), mech, d_mech);
  add_card (self, _("Interactions"), inter, d_inter);
  add_card (self, _("Network Density"), density, d_density);
  add_card (self, _("Speaker Concentration"), caf, d_caf);
}

static void
fill_keywords (CohortActivityPage   *self,
               const CohortActivity *a)
{
  GtkGrid *grid;

  clear_box (GTK_WIDGET (self->keywords_box));
  grid = add_section (self, self->keywords_box, _("Hot Keywords"), TABLE_KEYWORDS);
  if (a->keywords->len == 0)
    grid_empty (grid, _("No word was used by three or more members in this range."));
  grid_row (grid, 0, _("Word"), _("Members"), _("Times"), TRUE);
  for (guint i = 0; i < MIN (a->keywords->len, 15); i++)
    {
      const CohortKeyword *k = a->keywords->pdata[i];
      g_autofree char *term = k->is_rising ? g_strdup_printf ("%s  ↑", k->term) : g_strdup (k->term);
      g_autofree char *members = g_strdup_printf ("%" PRId64, k->members);
      g_autofree char *times = g_strdup_printf ("%" PRId64, k->occurrences);

      grid_row (grid, (int)i + 1, term, members, times, FALSE);
    }

  grid = add_section (self, self->keywords_box, _("Rising vs the Previous Period"), TABLE_NONE);
  if (a->rising->len == 0)
    grid_empty (grid, _("No word is rising three times faster than activity."));
  for (guint i = 0; i < MIN (a->rising->len, 8); i++)
    {
      const CohortKeyword *k = a->rising->pdata[i];
      g_autofree char *ratio = g_strdup_printf ("×%.1f", k->rising);
      g_autofree char *change = g_strdup_printf (_("%" PRId64 " → %" PRId64 " members"),
                                                 k->prev_members, k->members);

      grid_row (grid, (int)i, k->term, change, ratio, FALSE);
    }
}

/* What each §A rule means to an operator; the code itself stays in the tooltip and CSV. */
static const char *
reason_label (const char *code)
{
  static const struct { const char *code; const char *label; } reasons[] = {
    { "STICKER", N_("Sticker") },
    { "EMOJI_ONLY", N_("Emoji only") },
    { "STOPLIST_ZH", N_("Chinese stop list") },
    { "STOPLIST_EN", N_("English stop list") },
    { "PATTERN", N_("Pattern") },
    { "SHORT", N_("Too short") },
    { "DUP_SELF", N_("Repeated by the sender") },
    { "ECHO", N_("Echo of others") },
    { "CHAIN", N_("Sign-up chain") },
    { "CUSTOM", N_("Community’s own list") },   /* Community Settings */
  };

  for (guint i = 0; code != NULL && i < G_N_ELEMENTS (reasons); i++)
    if (g_str_equal (code, reasons[i].code))
      return _(reasons[i].label);
  return code != NULL ? code : "";
}

static void
fill_mech (CohortActivityPage   *self,
           const CohortActivity *a)
{
  GtkGrid *grid;

  clear_box (GTK_WIDGET (self->mech_box));
  grid = add_section (self, self->mech_box, _("Top Mechanical Replies"), TABLE_MECH);
  if (a->mech_texts->len == 0)
    grid_empty (grid, _("No mechanical replies in this range."));
  for (guint i = 0; i < a->mech_texts->len; i++)
    {
      const CohortMechText *m = a->mech_texts->pdata[i];
      g_autofree char *count = g_strdup_printf ("%" PRId64, m->count);

      grid_row (grid, (int)i, *m->text != '\0' ? m->text : cohort_message_kind_label (m->kind),
                reason_label (m->reason), count, FALSE);
    }
}

static void
fill_mix (CohortActivityPage   *self,
          const CohortActivity *a)
{
  GtkGrid *grid;
  int row = 0;

  clear_box (GTK_WIDGET (self->mix_box));
  grid = add_section (self, self->mix_box, _("Message Kinds"), TABLE_KINDS);
  for (int k = 0; k < COHORT_ACTIVITY_N_KINDS; k++)
    {
      CohortRate share = { a->kinds[k], a->raw_messages };
      g_autofree char *count = g_strdup_printf ("%" PRId64, a->kinds[k]);
      g_autofree char *pct = format_percent (&share);

      if (a->kinds[k] > 0)
        grid_row (grid, row++, cohort_message_kind_label (k), count, pct, FALSE);
    }
  if (row == 0)
    grid_empty (grid, _("No messages in this range."));

  grid = add_section (self, self->mix_box, _("Active Days in the Last 7 Days"), TABLE_NONE);
  for (int d = 1; d <= 7; d++)
    {
      g_autofree char *days = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d day", "%d days", d), d);
      g_autofree char *members = g_strdup_printf ("%" PRId64, a->active_days[d]);

      grid_row (grid, d - 1, days, members, NULL, FALSE);
    }
}

static void
show_data (CohortActivityPage *self)
{
  const CohortActivity *a = self->data != NULL ? self->data->activity : NULL;
  g_autofree char *d0 = NULL;
  g_autofree char *d1 = NULL;
  g_autofree char *range = NULL;

  cohort_chart_view_set_data (COHORT_CHART_VIEW (self->stickiness), a);
  cohort_chart_view_set_data (COHORT_CHART_VIEW (self->network), a);
  cohort_range_notice_update (self->range_notice,
                              a != NULL && self->data->snapshot != NULL
                                ? cohort_snapshot_ref_get (self->data->snapshot) : NULL,
                              a != NULL ? a->day0 : 0, a != NULL ? a->day1 : 0);
  if (a == NULL)
    return;
  d0 = cohort_day_format (a->day0);
  d1 = cohort_day_format (a->day1);
  /* Translators: the date range, then how activity is counted */
  range = g_strdup_printf (_("%s – %s · counting genuine (non-mechanical) messages of members, "
                             "without bots and staff"), d0, d1);
  gtk_label_set_text (self->range_label, range);
  fill_cards (self, a);
  fill_keywords (self, a);
  fill_mech (self, a);
  fill_mix (self, a);
  gtk_stack_set_visible_child_name (self->load.stack, "content");
}

/* ------------------------------------------------------------------------------------------ */
/* Loading                                                                                     */

static void
on_loaded_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(CohortActivityPage) self = user_data;
  g_autoptr(GError) error = NULL;
  CohortActivityData *data = cohort_activity_load_finish (result, &error);

  if (!cohort_page_load_finish (&self->load, error))
    return;
  /* the charts borrow the old data: hand them the new one before freeing it */
  cohort_chart_view_set_data (COHORT_CHART_VIEW (self->stickiness), NULL);
  cohort_chart_view_set_data (COHORT_CHART_VIEW (self->network), NULL);
  g_clear_pointer (&self->data, cohort_activity_data_free);
  self->data = data;
  show_data (self);
}

static void
reload (CohortActivityPage *self)
{
  CohortSnapshotRef *shared = self->data != NULL ? self->data->snapshot : NULL;
  GCancellable *cancellable;

  cancellable = cohort_page_load_begin (&self->load,
                                        self->db_path != NULL && self->community != 0,
                                        self->data != NULL);
  if (cancellable == NULL)
    return;
  cohort_activity_load_async (self->db_path, self->community, shared,
                              setting_range_days (self->settings),
                              g_get_real_time () / G_USEC_PER_SEC, cancellable,
                              on_loaded_cb, g_object_ref (self));
}

static void
on_range_changed_cb (CohortActivityPage *self)
{
  reload (self);
}

/* ------------------------------------------------------------------------------------------ */
/* CSV                                                                                         */

char *
cohort_activity_page_keywords_csv (CohortActivityPage *self)
{
  GString *out = g_string_new ("term,members,occurrences,previous_members,rising,is_rising\n");
  const CohortActivity *a = self->data != NULL ? self->data->activity : NULL;

  g_autoptr(GHashTable) written = g_hash_table_new (g_str_hash, g_str_equal);

  /* the hot list, then the rising terms that did not make it */
  for (guint list = 0; a != NULL && list < 2; list++)
    {
      GPtrArray *keywords = list == 0 ? a->keywords : a->rising;

      for (guint i = 0; i < keywords->len; i++)
        {
          const CohortKeyword *k = keywords->pdata[i];

          if (!g_hash_table_add (written, k->term))
            continue;
          cohort_csv_append_field (out, k->term);
          g_string_append_printf (out, ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%.3f,%d\n",
                                  k->members, k->occurrences, k->prev_members, k->rising,
                                  k->is_rising ? 1 : 0);
        }
    }
  return g_string_free (out, FALSE);
}

char *
cohort_activity_page_mech_csv (CohortActivityPage *self)
{
  GString *out = g_string_new ("text,kind,reason,count,members\n");
  const CohortActivity *a = self->data != NULL ? self->data->activity : NULL;

  for (guint i = 0; a != NULL && i < a->mech_texts->len; i++)
    {
      const CohortMechText *m = a->mech_texts->pdata[i];

      cohort_csv_append_field (out, m->text);
      g_string_append_printf (out, ",%d,%s,%" PRId64 ",%" PRId64 "\n", m->kind,
                              m->reason != NULL ? m->reason : "", m->count, m->members);
    }
  return g_string_free (out, FALSE);
}

char *
cohort_activity_page_kinds_csv (CohortActivityPage *self)
{
  static const char * const keys[COHORT_ACTIVITY_N_KINDS] = {
    "text", "sticker", "image", "voice", "video", "file", "link", "system", "other",
  };
  GString *out = g_string_new ("kind,messages\n");
  const CohortActivity *a = self->data != NULL ? self->data->activity : NULL;

  for (int k = 0; a != NULL && k < COHORT_ACTIVITY_N_KINDS; k++)
    if (k != COHORT_MESSAGE_SYSTEM)
      g_string_append_printf (out, "%s,%" PRId64 "\n", keys[k], a->kinds[k]);
  g_string_append (out, "\nactive_days_last_7,members\n");
  for (int d = 1; a != NULL && d <= 7; d++)
    g_string_append_printf (out, "%d,%" PRId64 "\n", d, a->active_days[d]);
  return g_string_free (out, FALSE);
}

/* ------------------------------------------------------------------------------------------ */
/* GObject                                                                                     */

static void
cohort_activity_page_dispose (GObject *object)
{
  CohortActivityPage *self = COHORT_ACTIVITY_PAGE (object);

  cohort_page_load_cancel (&self->load);
  if (self->stickiness != NULL)
    cohort_chart_view_set_data (COHORT_CHART_VIEW (self->stickiness), NULL);
  if (self->network != NULL)
    cohort_chart_view_set_data (COHORT_CHART_VIEW (self->network), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), COHORT_TYPE_ACTIVITY_PAGE);
  self->stickiness = self->network = NULL;
  g_clear_pointer (&self->data, cohort_activity_data_free);
  g_clear_pointer (&self->db_path, g_free);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (cohort_activity_page_parent_class)->dispose (object);
}

static void
cohort_activity_page_class_init (CohortActivityPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cohort_activity_page_dispose;

  g_type_ensure (COHORT_TYPE_CHART_VIEW);
  g_type_ensure (COHORT_TYPE_RANGE_NOTICE);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/cohortapp/Cohort/ui/cohort-activity-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CohortActivityPage, card_box);
  gtk_widget_class_bind_template_child (widget_class, CohortActivityPage, chart_row);
  gtk_widget_class_bind_template_child (widget_class, CohortActivityPage, keywords_box);
  gtk_widget_class_bind_template_child (widget_class, CohortActivityPage, mech_box);
  gtk_widget_class_bind_template_child (widget_class, CohortActivityPage, mix_box);
  gtk_widget_class_bind_template_child (widget_class, CohortActivityPage, range_label);
  gtk_widget_class_bind_template_child (widget_class, CohortActivityPage, range_notice);
  gtk_widget_class_bind_template_child_full (widget_class, "spinner", FALSE,
                                             G_STRUCT_OFFSET (CohortActivityPage, load.spinner));
  gtk_widget_class_bind_template_child_full (widget_class, "stack", FALSE,
                                             G_STRUCT_OFFSET (CohortActivityPage, load.stack));
  gtk_widget_class_bind_template_child_full (widget_class, "status_page", FALSE,
                                             G_STRUCT_OFFSET (CohortActivityPage, load.status_page));
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
cohort_activity_page_init (CohortActivityPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->stickiness = cohort_chart_view_new (COHORT_CHART_STICKINESS);
  self->network = cohort_chart_view_new (COHORT_CHART_NETWORK);
  gtk_box_append (self->chart_row, cohort_page_chart_card (self->stickiness, -1, 320));
  gtk_box_append (self->chart_row, cohort_page_chart_card (self->network, -1, 320));
  self->settings = g_settings_new (APP_ID);
  g_signal_connect_object (self->settings, "changed::date-range",
                           G_CALLBACK (on_range_changed_cb), self, G_CONNECT_SWAPPED);
  self->load.hint = _("Import a chat export to see its activity and content.");
  gtk_stack_set_visible_child_name (self->load.stack, "empty");
}

/* ------------------------------------------------------------------------------------------ */
/* Public API                                                                                  */

void
cohort_activity_page_set_community (CohortActivityPage *self,
                                    const char         *db_path,
                                    gint64              community)
{
  g_autofree char *old_path = NULL;

  g_return_if_fail (COHORT_IS_ACTIVITY_PAGE (self));

  /* a different community starts from a spinner; the same one (after an import, a range
   * change) keeps its numbers until the worker has checked whether the snapshot is stale */
  if (self->data != NULL && (community != self->community ||
                             g_strcmp0 (db_path, self->db_path) != 0))
    {
      cohort_chart_view_set_data (COHORT_CHART_VIEW (self->stickiness), NULL);
      cohort_chart_view_set_data (COHORT_CHART_VIEW (self->network), NULL);
      g_clear_pointer (&self->data, cohort_activity_data_free);
    }
  old_path = g_steal_pointer (&self->db_path);
  self->db_path = g_strdup (db_path);
  self->community = community;
  reload (self);
}

const CohortActivityData *
cohort_activity_page_get_data (CohortActivityPage *self)
{
  g_return_val_if_fail (COHORT_IS_ACTIVITY_PAGE (self), NULL);

  return self->data;
}

GtkWidget *
cohort_activity_page_get_chart (CohortActivityPage *self,
                                CohortChartKind     kind)
{
  g_return_val_if_fail (COHORT_IS_ACTIVITY_PAGE (self), NULL);

  return kind == COHORT_CHART_NETWORK ? self->network : self->stickiness;
}
