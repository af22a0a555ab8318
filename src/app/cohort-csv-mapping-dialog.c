/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-csv-dialog"

#include "config.h"

#include "cohort-csv-mapping-dialog.h"

#include <glib/gi18n.h>
#include <stdlib.h>
#include <string.h>

#define PREVIEW_ROWS 10

struct _CohortCsvMappingDialog
{
  AdwWindow parent_instance;

  /* template children */
  GtkLabel *check_label;
  AdwPreferencesGroup *columns_group;
  AdwEntryRow *community_row;
  AdwComboRow *date_format_row;
  AdwStatusPage *error_page;
  GtkButton *import_button;
  AdwComboRow *kind_row;
  GtkLabel *preview_label;
  GtkColumnView *preview_view;
  GtkStack *stack;
  AdwWindowTitle *window_title;

  /* owned */
  GFile *file;
  GCancellable *cancellable;
  CohortCsvPreview *preview;       /* NULL until loaded */
  char *problem;

  /* borrowed: children of columns_group */
  AdwComboRow *field_rows[COHORT_CSV_N_FIELDS];

  gboolean updating;               /* filling the rows in: no checks until done */
};

enum {
  IMPORT,
  LOADED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (CohortCsvMappingDialog, cohort_csv_mapping_dialog, ADW_TYPE_WINDOW)

/* The fields in the order an operator reads them. */
static const CohortCsvField field_order[] = {
  COHORT_CSV_FIELD_MEMBER_ID, COHORT_CSV_FIELD_MEMBER_NAME, COHORT_CSV_FIELD_TS,
  COHORT_CSV_FIELD_TEXT, COHORT_CSV_FIELD_MESSAGE_ID, COHORT_CSV_FIELD_REPLY_TO,
  COHORT_CSV_FIELD_EVENT_TYPE, COHORT_CSV_FIELD_JOIN_TS, COHORT_CSV_FIELD_LEAVE_TS,
  COHORT_CSV_FIELD_INVITER, COHORT_CSV_FIELD_ORDER_ID, COHORT_CSV_FIELD_AMOUNT,
  COHORT_CSV_FIELD_STATUS, COHORT_CSV_FIELD_CAMPAIGN, COHORT_CSV_FIELD_CHANNEL,
  COHORT_CSV_FIELD_COMMUNITY,
};

/* Date format presets: the value stored in the mapping, and the label when it is no pattern. */
static const struct { const char *value; const char *label; } date_formats[] = {
  { NULL, N_("Automatic (ISO 8601, YYYY-MM-DD, YYYY/MM/DD, 年月日, Unix time)") },
  { "epoch", N_("Unix time in seconds") },
  { "epoch_ms", N_("Unix time in milliseconds") },
  { "DD/MM/YYYY HH:mm", NULL },
  { "DD/MM/YYYY HH:mm:ss", NULL },
  { "DD/MM/YYYY", NULL },
  { "MM/DD/YYYY HH:mm", NULL },
  { "MM/DD/YYYY HH:mm:ss", NULL },
  { "MM/DD/YYYY", NULL },
  { "DD.MM.YYYY HH:mm", NULL },
  { "DD.MM.YYYY", NULL },
};

/* ------------------------------------------------------------------------------------------ */
/* Reading the mapping off the widgets                                                         */

static const char *
selected_column (CohortCsvMappingDialog *self,
                 CohortCsvField          field)
{
  guint selected = adw_combo_row_get_selected (self->field_rows[field]);

  /* Position 0 is "Not in this file"; the header follows. */
  if (self->preview == NULL || selected == 0 || selected == GTK_INVALID_LIST_POSITION ||
      selected > g_strv_length (self->preview->header))
    return NULL;
  return self->preview->header[selected - 1];
}

static CohortCsvKind
selected_kind (CohortCsvMappingDialog *self)
{
  guint selected = adw_combo_row_get_selected (self->kind_row);

  return selected < COHORT_CSV_N_KINDS ? selected : COHORT_CSV_KIND_MESSAGES;
}

CohortCsvMapping *
cohort_csv_mapping_dialog_dup_mapping (CohortCsvMappingDialog *self)
{
  CohortCsvMapping *mapping;
  guint format = adw_combo_row_get_selected (self->date_format_row);
  g_autofree char *community = NULL;

  g_return_val_if_fail (COHORT_IS_CSV_MAPPING_DIALOG (self), NULL);
  if (self->preview == NULL)
    return NULL;

  mapping = cohort_csv_mapping_new (selected_kind (self));
  for (guint f = 0; f < COHORT_CSV_N_FIELDS; f++)
    if (cohort_csv_field_applies (mapping->kind, f))
      cohort_csv_mapping_set_column (mapping, f, selected_column (self, f));
  community = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->community_row))));
  mapping->community = *community != '\0' ? g_steal_pointer (&community) : NULL;
  if (format < G_N_ELEMENTS (date_formats))
    mapping->date_format = g_strdup (date_formats[format].value);
  return mapping;
}

/* ------------------------------------------------------------------------------------------ */
/* The live check                                                                              */

/* Columns are sized from their title and widest cell before any cell is bound (about 8 px
 * a character, CJK twice that), so neither dates nor titles are cut short. */
static int
text_width (const char *text)
{
  int width = 0;

  for (const char *c = text; *c != '\0'; c = g_utf8_next_char (c))
    width += g_unichar_iswide (g_utf8_get_char (c)) ? 16 : 8;
  return width;
}

static int
column_width (CohortCsvMappingDialog *self,
              guint                   column,
              const char             *title)
{
  int widest = text_width (title);

  for (guint r = 0; column != G_MAXUINT && r < self->preview->rows->len; r++)
    {
      char **cells = self->preview->rows->pdata[r];

      if (column < g_strv_length (cells))
        widest = MAX (widest, text_width (cells[column]));
    }
  return CLAMP (widest + 24, 48, 280);
}

/* Column titles say which field each column feeds, so the preview explains the mapping. */
static void
update_column_titles (CohortCsvMappingDialog *self,
                      const CohortCsvMapping *mapping)
{
  GListModel *columns = gtk_column_view_get_columns (self->preview_view);

  /* Position 0 is the row number. */
  for (guint c = 0; c + 1 < g_list_model_get_n_items (columns) && self->preview->header[c]; c++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, c + 1);
      const char *name = self->preview->header[c];
      g_autoptr(GString) title = g_string_new (name);

      for (guint f = 0; f < COHORT_CSV_N_FIELDS; f++)
        if (g_strcmp0 (mapping->columns[f], name) == 0 &&
            g_utf8_collate (name, cohort_csv_field_label (f)) != 0)
          g_string_append_printf (title, " → %s", cohort_csv_field_label (f));
      gtk_column_view_column_set_title (column, title->str);
      gtk_column_view_column_set_fixed_width (column, column_width (self, c, title->str));
    }
}

static void
revalidate (CohortCsvMappingDialog *self)
{
  g_autoptr(CohortCsvMapping) mapping = NULL;
  g_autofree char *ok = NULL;

  if (self->updating || self->preview == NULL)
    return;
  mapping = cohort_csv_mapping_dialog_dup_mapping (self);
  g_free (self->problem);
  self->problem = cohort_csv_mapping_check (mapping, self->preview);
  update_column_titles (self, mapping);

  if (self->problem != NULL)
    {
      gtk_label_set_label (self->check_label, self->problem);
      gtk_widget_remove_css_class (GTK_WIDGET (self->check_label), "success");
      gtk_widget_add_css_class (GTK_WIDGET (self->check_label), "error");
    }
  else
    {
      ok = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "The %u row above can be imported as %s.",
                                         "All %u rows above can be imported as %s.",
                                         self->preview->rows->len),
                            self->preview->rows->len, cohort_csv_kind_label (mapping->kind));
      gtk_label_set_label (self->check_label, ok);
      gtk_widget_remove_css_class (GTK_WIDGET (self->check_label), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->check_label), "success");
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->import_button), self->problem == NULL);
}

/* ------------------------------------------------------------------------------------------ */
/* Filling the widgets in                                                                      */

static void
show_fields_of_kind (CohortCsvMappingDialog *self,
                     CohortCsvKind           kind)
{
  for (guint f = 0; f < COHORT_CSV_N_FIELDS; f++)
    {
      AdwActionRow *row = ADW_ACTION_ROW (self->field_rows[f]);
      gboolean member = f == COHORT_CSV_FIELD_MEMBER_ID || f == COHORT_CSV_FIELD_MEMBER_NAME;

      gtk_widget_set_visible (GTK_WIDGET (row), cohort_csv_field_applies (kind, f));
      if (member)
        adw_action_row_set_subtitle (row, _("The member ID, the name, or both"));
      else if (cohort_csv_field_required (kind, f))
        adw_action_row_set_subtitle (row, _("Required"));
      else if (f == COHORT_CSV_FIELD_COMMUNITY)
        adw_action_row_set_subtitle (row, _("When one file holds several communities"));
      else
        adw_action_row_set_subtitle (row, NULL);
    }
}

static void
apply_mapping (CohortCsvMappingDialog *self,
               const CohortCsvMapping *mapping)
{
  self->updating = TRUE;
  adw_combo_row_set_selected (self->kind_row, mapping->kind);
  for (guint f = 0; f < COHORT_CSV_N_FIELDS; f++)
    {
      guint position = 0;

      for (guint c = 0; mapping->columns[f] != NULL && self->preview->header[c] != NULL; c++)
        if (g_strcmp0 (self->preview->header[c], mapping->columns[f]) == 0)
          position = c + 1;
      adw_combo_row_set_selected (self->field_rows[f], position);
    }
  show_fields_of_kind (self, mapping->kind);
  self->updating = FALSE;
}

/* The first preset under which every preview row reads, else automatic. */
static void
guess_date_format (CohortCsvMappingDialog *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (date_formats); i++)
    {
      g_autoptr(CohortCsvMapping) mapping = NULL;
      g_autofree char *problem = NULL;

      adw_combo_row_set_selected (self->date_format_row, i);
      mapping = cohort_csv_mapping_dialog_dup_mapping (self);
      if ((problem = cohort_csv_mapping_check (mapping, self->preview)) == NULL)
        return;
    }
  adw_combo_row_set_selected (self->date_format_row, 0);
}

static void
on_cell_setup_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *item,
                  gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 28);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  gtk_list_item_set_child (item, label);
}

static void
on_cell_bind_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 CohortCsvMappingDialog   *self)
{
  GtkStringObject *row_index = gtk_list_item_get_item (item);
  guint row = atoi (gtk_string_object_get_string (row_index));
  guint column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (factory), "column"));
  char **cells = self->preview->rows->pdata[row];
  g_autofree char *text = NULL;

  if (column == G_MAXUINT)
    text = g_strdup_printf ("%u", row + 1);
  else if (column < g_strv_length (cells))
    {
      /* One line per row: a quoted line break shows as ⏎. */
      g_auto(GStrv) lines = g_strsplit (cells[column], "\n", -1);
      text = g_strjoinv (" ⏎ ", lines);
    }
  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (item)), text ? text : "");
}

static void
add_preview_column (CohortCsvMappingDialog *self,
                    const char             *title,
                    guint                   column)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkColumnViewColumn) view_column = NULL;

  g_object_set_data (G_OBJECT (factory), "column", GUINT_TO_POINTER (column));
  g_signal_connect (factory, "setup", G_CALLBACK (on_cell_setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (on_cell_bind_cb), self);
  view_column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_resizable (view_column, TRUE);
  gtk_column_view_column_set_fixed_width (view_column, column_width (self, column, title));
  gtk_column_view_append_column (self->preview_view, view_column);
}

static void
fill_preview (CohortCsvMappingDialog *self)
{
  g_autoptr(GtkStringList) rows = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) columns = gtk_string_list_new (NULL);
  g_autoptr(GtkNoSelection) selection = NULL;
  guint n_columns = g_strv_length (self->preview->header);

  for (guint r = 0; r < self->preview->rows->len; r++)
    {
      g_autofree char *index = g_strdup_printf ("%u", r);
      gtk_string_list_append (rows, index);
    }
  for (guint c = 0; c < n_columns; c++)
    add_preview_column (self, self->preview->header[c], c);
  add_preview_column (self, _("Row"), G_MAXUINT);
  /* The row number goes first, yet is added last so header columns keep their positions. */
  {
    GListModel *list = gtk_column_view_get_columns (self->preview_view);
    g_autoptr(GtkColumnViewColumn) number = g_list_model_get_item (list, n_columns);
    gtk_column_view_insert_column (self->preview_view, 0, number);
  }
  selection = gtk_no_selection_new (G_LIST_MODEL (g_steal_pointer (&rows)));
  gtk_column_view_set_model (self->preview_view, GTK_SELECTION_MODEL (selection));

  gtk_string_list_append (columns, _("Not in this file"));
  for (guint c = 0; c < n_columns; c++)
    gtk_string_list_append (columns, self->preview->header[c]);
  for (guint f = 0; f < COHORT_CSV_N_FIELDS; f++)
    adw_combo_row_set_model (self->field_rows[f], G_LIST_MODEL (columns));
}

static void
show_preview (CohortCsvMappingDialog *self)
{
  g_autoptr(CohortCsvMapping) guess = NULL;
  g_autofree char *name = g_file_get_basename (self->file);
  g_autofree char *stem = g_strdup (name);
  g_autofree char *heading = NULL;
  const char * const *header = (const char * const *)self->preview->header;

  if (strrchr (stem, '.') != NULL && strrchr (stem, '.') != stem)
    *strrchr (stem, '.') = '\0';
  heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "The first %u row of %s",
                                          "The first %u rows of %s", self->preview->rows->len),
                             self->preview->rows->len, name);
  gtk_label_set_label (self->preview_label, heading);
  adw_window_title_set_subtitle (self->window_title, name);

  self->updating = TRUE;
  fill_preview (self);
  gtk_editable_set_text (GTK_EDITABLE (self->community_row), stem);
  self->updating = FALSE;

  guess = cohort_csv_mapping_guess (cohort_csv_guess_kind (header), header);
  apply_mapping (self, guess);
  self->updating = TRUE;
  guess_date_format (self);
  self->updating = FALSE;
  gtk_stack_set_visible_child_name (self->stack, "content");
  revalidate (self);
}

/* ------------------------------------------------------------------------------------------ */
/* Callbacks                                                                                   */

static void
on_kind_selected_cb (CohortCsvMappingDialog *self)
{
  g_autoptr(CohortCsvMapping) guess = NULL;

  if (self->updating || self->preview == NULL)
    return;
  /* A new kind has other fields: guess them afresh from the header. */
  guess = cohort_csv_mapping_guess (selected_kind (self),
                                    (const char * const *)self->preview->header);
  apply_mapping (self, guess);
  revalidate (self);
}

static void
on_cancel_clicked_cb (CohortCsvMappingDialog *self)
{
  gtk_window_close (GTK_WINDOW (self));
}

static void
on_import_clicked_cb (CohortCsvMappingDialog *self)
{
  if (self->preview == NULL || self->problem != NULL)
    return;
  g_signal_emit (self, signals[IMPORT], 0);
  gtk_window_close (GTK_WINDOW (self));
}

/* Runs on a worker: reading even the first rows is file I/O, never on the main thread. */
static void
read_preview_in_thread (GTask        *task,
                        gpointer      source,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  GError *error = NULL;
  CohortCsvPreview *preview;

  preview = cohort_csv_preview_read (task_data, PREVIEW_ROWS, cancellable, &error);

  if (preview == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, preview, (GDestroyNotify)cohort_csv_preview_free);
}

static void
on_preview_read_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  CohortCsvMappingDialog *self = COHORT_CSV_MAPPING_DIALOG (object);
  g_autoptr(GError) error = NULL;
  CohortCsvPreview *preview = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (preview == NULL)
    {
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
    }
  else
    {
      self->preview = preview;
      show_preview (self);
    }
  g_signal_emit (self, signals[LOADED], 0);
}

/* ------------------------------------------------------------------------------------------ */
/* GObject                                                                                     */

static void
cohort_csv_mapping_dialog_dispose (GObject *object)
{
  CohortCsvMappingDialog *self = COHORT_CSV_MAPPING_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), COHORT_TYPE_CSV_MAPPING_DIALOG);
  G_OBJECT_CLASS (cohort_csv_mapping_dialog_parent_class)->dispose (object);
}

static void
cohort_csv_mapping_dialog_finalize (GObject *object)
{
  CohortCsvMappingDialog *self = COHORT_CSV_MAPPING_DIALOG (object);

  g_clear_object (&self->file);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->preview, cohort_csv_preview_free);
  g_free (self->problem);
  G_OBJECT_CLASS (cohort_csv_mapping_dialog_parent_class)->finalize (object);
}

static void
cohort_csv_mapping_dialog_class_init (CohortCsvMappingDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cohort_csv_mapping_dialog_dispose;
  object_class->finalize = cohort_csv_mapping_dialog_finalize;

  signals[IMPORT] = g_signal_new ("import", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[LOADED] = g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/cohortapp/Cohort/ui/cohort-csv-mapping-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CohortCsvMappingDialog, check_label);
  gtk_widget_class_bind_template_child (widget_class, CohortCsvMappingDialog, columns_group);
  gtk_widget_class_bind_template_child (widget_class, CohortCsvMappingDialog, community_row);
  gtk_widget_class_bind_template_child (widget_class, CohortCsvMappingDialog, date_format_row);
  gtk_widget_class_bind_template_child (widget_class, CohortCsvMappingDialog, error_page);
  gtk_widget_class_bind_template_child (widget_class, CohortCsvMappingDialog, import_button);
  gtk_widget_class_bind_template_child (widget_class, CohortCsvMappingDialog, kind_row);
  gtk_widget_class_bind_template_child (widget_class, CohortCsvMappingDialog, preview_label);
  gtk_widget_class_bind_template_child (widget_class, CohortCsvMappingDialog, preview_view);
  gtk_widget_class_bind_template_child (widget_class, CohortCsvMappingDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, CohortCsvMappingDialog, window_title);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_import_clicked_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
cohort_csv_mapping_dialog_init (CohortCsvMappingDialog *self)
{
  g_autoptr(GtkStringList) kinds = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) formats = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();

  for (guint k = 0; k < COHORT_CSV_N_KINDS; k++)
    gtk_string_list_append (kinds, cohort_csv_kind_label (k));
  adw_combo_row_set_model (self->kind_row, G_LIST_MODEL (kinds));
  for (guint i = 0; i < G_N_ELEMENTS (date_formats); i++)
    gtk_string_list_append (formats, date_formats[i].label ? _(date_formats[i].label)
                                                           : date_formats[i].value);
  adw_combo_row_set_model (self->date_format_row, G_LIST_MODEL (formats));

  for (guint i = 0; i < G_N_ELEMENTS (field_order); i++)
    {
      CohortCsvField f = field_order[i];
      GtkWidget *row = adw_combo_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), cohort_csv_field_label (f));
      adw_preferences_group_add (self->columns_group, row);
      self->field_rows[f] = ADW_COMBO_ROW (row);
      g_signal_connect_swapped (row, "notify::selected", G_CALLBACK (revalidate), self);
    }
  g_signal_connect_swapped (self->kind_row, "notify::selected",
                            G_CALLBACK (on_kind_selected_cb), self);
  g_signal_connect_swapped (self->date_format_row, "notify::selected",
                            G_CALLBACK (revalidate), self);
  g_signal_connect_swapped (self->community_row, "changed", G_CALLBACK (revalidate), self);
}

/* ------------------------------------------------------------------------------------------ */
/* Public API                                                                                  */

CohortCsvMappingDialog *
cohort_csv_mapping_dialog_new (GtkWindow *parent,
                               GFile     *file)
{
  CohortCsvMappingDialog *self;
  g_autoptr(GTask) task = NULL;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  self = g_object_new (COHORT_TYPE_CSV_MAPPING_DIALOG, "transient-for", parent, NULL);
  self->file = g_object_ref (file);
  task = g_task_new (self, self->cancellable, on_preview_read_cb, NULL);
  g_task_set_source_tag (task, cohort_csv_mapping_dialog_new);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, read_preview_in_thread);
  return self;
}

GFile *
cohort_csv_mapping_dialog_get_file (CohortCsvMappingDialog *self)
{
  g_return_val_if_fail (COHORT_IS_CSV_MAPPING_DIALOG (self), NULL);
  return self->file;
}

gboolean
cohort_csv_mapping_dialog_is_loaded (CohortCsvMappingDialog *self)
{
  g_return_val_if_fail (COHORT_IS_CSV_MAPPING_DIALOG (self), FALSE);
  return g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "loading") != 0;
}

const char *
cohort_csv_mapping_dialog_get_problem (CohortCsvMappingDialog *self)
{
  g_return_val_if_fail (COHORT_IS_CSV_MAPPING_DIALOG (self), NULL);
  return self->problem;
}

void
cohort_csv_mapping_dialog_set_kind (CohortCsvMappingDialog *self,
                                    CohortCsvKind           kind)
{
  g_return_if_fail (COHORT_IS_CSV_MAPPING_DIALOG (self));
  g_return_if_fail (kind < COHORT_CSV_N_KINDS);
  adw_combo_row_set_selected (self->kind_row, kind);
}

void
cohort_csv_mapping_dialog_set_column (CohortCsvMappingDialog *self,
                                      CohortCsvField          field,
                                      const char             *column)
{
  guint position = 0;

  g_return_if_fail (COHORT_IS_CSV_MAPPING_DIALOG (self));
  g_return_if_fail (field < COHORT_CSV_N_FIELDS && self->preview != NULL);
  for (guint c = 0; column != NULL && self->preview->header[c] != NULL; c++)
    if (g_strcmp0 (self->preview->header[c], column) == 0)
      position = c + 1;
  adw_combo_row_set_selected (self->field_rows[field], position);
}

gboolean
cohort_csv_mapping_dialog_set_date_format (CohortCsvMappingDialog *self,
                                           const char             *format)
{
  g_return_val_if_fail (COHORT_IS_CSV_MAPPING_DIALOG (self), FALSE);
  for (guint i = 0; i < G_N_ELEMENTS (date_formats); i++)
    if (g_strcmp0 (date_formats[i].value, format) == 0)
      {
        adw_combo_row_set_selected (self->date_format_row, i);
        return TRUE;
      }
  return FALSE;
}

void
cohort_csv_mapping_dialog_accept (CohortCsvMappingDialog *self)
{
  g_return_if_fail (COHORT_IS_CSV_MAPPING_DIALOG (self));
  on_import_clicked_cb (self);
}
