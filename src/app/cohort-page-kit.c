/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-page-kit"

#include "config.h"

#include "cohort-page-kit.h"

#include <glib/gi18n.h>
#include <string.h>

#include "cohort-chart-view.h"

void
cohort_page_load_show_status (CohortPageLoad *load,
                              const char     *title,
                              const char     *description)
{
  adw_status_page_set_title (load->status_page, title);
  adw_status_page_set_description (load->status_page,
                                   description != NULL ? description : load->hint);
  gtk_stack_set_visible_child_name (load->stack, "empty");
}

GCancellable *
cohort_page_load_begin (CohortPageLoad *load,
                        gboolean        have_community,
                        gboolean        have_data)
{
  cohort_page_load_cancel (load);
  if (!have_community)
    {
      gtk_spinner_stop (load->spinner);
      cohort_page_load_show_status (load, _("No Community Yet"), NULL);
      return NULL;
    }
  if (!have_data)
    {
      gtk_stack_set_visible_child_name (load->stack, "loading");
      gtk_spinner_start (load->spinner);
    }
  load->cancellable = g_cancellable_new ();
  return load->cancellable;
}

gboolean
cohort_page_load_finish (CohortPageLoad *load,
                         const GError   *error)
{
  /* a newer request replaced this one: drop the stale result, and leave its state alone */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return FALSE;
  g_clear_object (&load->cancellable);
  gtk_spinner_stop (load->spinner);
  if (error != NULL)
    {
      cohort_page_load_show_status (load, _("Could Not Compute This Page"), error->message);
      return FALSE;
    }
  return TRUE;
}

void
cohort_page_load_cancel (CohortPageLoad *load)
{
  g_cancellable_cancel (load->cancellable);
  g_clear_object (&load->cancellable);
}

GtkWidget *
cohort_page_chart_card (GtkWidget *chart,
                        int        width,
                        int        height)
{
  CohortChartKind kind = cohort_chart_view_get_kind (COHORT_CHART_VIEW (chart));
  GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *title = gtk_label_new (cohort_chart_kind_title (kind));

  gtk_widget_add_css_class (card, "card");
  gtk_widget_add_css_class (card, "chart-card");
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_add_css_class (title, "heading");
  gtk_widget_set_size_request (chart, width, height);
  gtk_box_append (GTK_BOX (card), title);
  gtk_box_append (GTK_BOX (card), chart);
  return card;
}

static void
on_csv_response_cb (GtkNativeDialog *dialog,
                    int              response,
                    gpointer         user_data)
{
  g_autofree char *csv = user_data;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;

  if (response == GTK_RESPONSE_ACCEPT &&
      (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog))) != NULL &&
      !g_file_replace_contents (file, csv, strlen (csv), NULL, FALSE, G_FILE_CREATE_NONE, NULL,
                                NULL, &error))
    g_warning ("CSV export: %s", error->message);
  g_object_unref (dialog);
}

void
cohort_page_save_csv (GtkWidget  *widget,
                      const char *suggested_name,
                      const char *csv)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkFileChooserNative *dialog;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  dialog = gtk_file_chooser_native_new (_("Export CSV"),
                                        GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), suggested_name);
  G_GNUC_END_IGNORE_DEPRECATIONS
  g_signal_connect (dialog, "response", G_CALLBACK (on_csv_response_cb), g_strdup (csv));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}
