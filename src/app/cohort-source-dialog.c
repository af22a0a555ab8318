/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-source-dialog"

#include "config.h"

#include "cohort-source-dialog.h"

#include <glib/gi18n.h>

#include "cohort-source-list.h"
#include "cohort-source-probe.h"
#include "cohort-sync-error.h"
#include "cohort-sync-job.h"

struct _CohortSourceDialog
{
  AdwWindow parent_instance;

  GtkButton         *add_button;
  AdwComboRow       *kind_row;
  GtkStringList     *kind_list;
  AdwEntryRow       *name_row;
  GtkLabel          *result_label;
  AdwEntryRow       *secret_row;
  GtkSpinner        *spinner;
  GtkButton         *test_button;
  AdwEntryRow       *url_row;
  AdwEntryRow       *username_row;

  char              *db_path;
  SoupSession       *session;
  CohortSecretStore *secrets;
  GPtrArray         *kinds;        /* kind names, in the order of kind_list */
  GCancellable      *cancellable;  /* the test or the add in flight */
};

enum {
  SOURCE_ADDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (CohortSourceDialog, cohort_source_dialog, ADW_TYPE_WINDOW)

/* What each platform calls the fields, and the address most users have. */
static const struct
{
  const char *kind;
  const char *label;
  const char *url_title;
  const char *username_title;
  const char *secret_title;
  const char *default_url;
} kinds[] = {
  { "discourse", N_("Discourse forum"), N_("Forum Address"), N_("API User Name"), N_("API Key"), NULL },
  { "wecom", N_("WeCom (企业微信) customer groups"), N_("API Address"), N_("Corp ID"),
    N_("App Secret (自建应用, 客户联系)"), "https://qyapi.weixin.qq.com" },
  { "chatlog", N_("chatlog (WeChat, local)"), N_("chatlog Address"),
    N_("Group Chat ID, e.g. 12345678@chatroom"), NULL, "http://127.0.0.1:5030" },
};

static const char *
selected_kind (CohortSourceDialog *self)
{
  guint i = adw_combo_row_get_selected (self->kind_row);

  return i < self->kinds->len ? g_ptr_array_index (self->kinds, i) : NULL;
}

/* The address is replaced only while it is empty or still some platform's default. */
static gboolean
url_is_default (CohortSourceDialog *self)
{
  const char *url = gtk_editable_get_text (GTK_EDITABLE (self->url_row));

  if (*url == '\0')
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (g_strcmp0 (url, kinds[i].default_url) == 0)
      return TRUE;
  return FALSE;
}

static void
on_kind_changed_cb (CohortSourceDialog *self)
{
  const char *kind = selected_kind (self);

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      if (g_strcmp0 (kinds[i].kind, kind) != 0)
        continue;
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->url_row), _(kinds[i].url_title));
      if (kinds[i].username_title != NULL)
        adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->username_row),
                                       _(kinds[i].username_title));
      if (kinds[i].secret_title != NULL)
        adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->secret_row),
                                       _(kinds[i].secret_title));
      gtk_widget_set_visible (GTK_WIDGET (self->secret_row), cohort_sync_kind_needs_secret (kind));
      if (url_is_default (self))
        gtk_editable_set_text (GTK_EDITABLE (self->url_row),
                               kinds[i].default_url ? kinds[i].default_url : "");
    }
}

static const char *
field (AdwEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

static gboolean
form_complete (CohortSourceDialog *self)
{
  const char *kind = selected_kind (self);

  return kind != NULL && *field (self->url_row) != '\0' && *field (self->username_row) != '\0' &&
         (*field (self->secret_row) != '\0' || !cohort_sync_kind_needs_secret (kind));
}

static void
set_busy (CohortSourceDialog *self,
          gboolean            busy)
{
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->test_button), !busy && form_complete (self));
  gtk_widget_set_sensitive (GTK_WIDGET (self->add_button),
                            !busy && form_complete (self) && *field (self->name_row) != '\0');
}

static void
show_result (CohortSourceDialog *self,
             const char         *text,
             gboolean            failed)
{
  gtk_label_set_text (self->result_label, text);
  if (failed)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->result_label), "success");
      gtk_widget_add_css_class (GTK_WIDGET (self->result_label), "error");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->result_label), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->result_label), "success");
    }
}

static void
on_field_changed_cb (CohortSourceDialog *self)
{
  set_busy (self, self->cancellable != NULL);
}

static void
on_cancel_clicked_cb (CohortSourceDialog *self)
{
  gtk_window_close (GTK_WINDOW (self));
}

static void
probe_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(CohortSourceDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = cohort_source_probe_finish (result, &error);

  if (cohort_sync_error_is_cancelled (error))
    return;
  g_clear_object (&self->cancellable);
  set_busy (self, FALSE);
  if (text == NULL)
    {
      g_autofree char *words = cohort_sync_error_describe (error);
      show_result (self, words, TRUE);
      return;
    }
  show_result (self, text, FALSE);
}

static void
on_test_clicked_cb (CohortSourceDialog *self)
{
  CohortSourceInfo source = {
    .kind = (char *)selected_kind (self),
    .name = (char *)field (self->name_row),
    .base_url = (char *)field (self->url_row),
    .username = (char *)field (self->username_row),
  };

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  show_result (self, _("Connecting…"), FALSE);
  set_busy (self, TRUE);
  cohort_source_probe_async (self->session, &source, field (self->secret_row), self->cancellable,
                             probe_done_cb, g_object_ref (self));
}

static void
add_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(CohortSourceDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  gint64 id = cohort_source_add_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->cancellable);
  set_busy (self, FALSE);
  if (error != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Could not add the source: %s"), error->message);
      show_result (self, text, TRUE);
      return;
    }
  g_signal_emit (self, signals[SOURCE_ADDED], 0, id);
  gtk_window_close (GTK_WINDOW (self));
}

static void
on_add_clicked_cb (CohortSourceDialog *self)
{
  g_autofree char *name = g_strstrip (g_strdup (field (self->name_row)));
  g_autofree char *url = g_strstrip (g_strdup (field (self->url_row)));
  g_autofree char *username = g_strstrip (g_strdup (field (self->username_row)));
  const char *kind = selected_kind (self);
  const char *secret = cohort_sync_kind_needs_secret (kind) ? field (self->secret_row) : NULL;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  set_busy (self, TRUE);
  cohort_source_add_async (self->db_path, self->secrets, kind, name, url, username, secret,
                           self->cancellable, add_done_cb, g_object_ref (self));
}

static void
cohort_source_dialog_dispose (GObject *object)
{
  CohortSourceDialog *self = COHORT_SOURCE_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->session);
  g_clear_object (&self->secrets);
  g_clear_pointer (&self->kinds, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), COHORT_TYPE_SOURCE_DIALOG);
  G_OBJECT_CLASS (cohort_source_dialog_parent_class)->dispose (object);
}

static void
cohort_source_dialog_finalize (GObject *object)
{
  CohortSourceDialog *self = COHORT_SOURCE_DIALOG (object);

  g_free (self->db_path);
  G_OBJECT_CLASS (cohort_source_dialog_parent_class)->finalize (object);
}

static void
cohort_source_dialog_class_init (CohortSourceDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cohort_source_dialog_dispose;
  object_class->finalize = cohort_source_dialog_finalize;

  signals[SOURCE_ADDED] =
    g_signal_new ("source-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/cohortapp/Cohort/ui/cohort-source-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CohortSourceDialog, add_button);
  gtk_widget_class_bind_template_child (widget_class, CohortSourceDialog, kind_list);
  gtk_widget_class_bind_template_child (widget_class, CohortSourceDialog, kind_row);
  gtk_widget_class_bind_template_child (widget_class, CohortSourceDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, CohortSourceDialog, result_label);
  gtk_widget_class_bind_template_child (widget_class, CohortSourceDialog, secret_row);
  gtk_widget_class_bind_template_child (widget_class, CohortSourceDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, CohortSourceDialog, test_button);
  gtk_widget_class_bind_template_child (widget_class, CohortSourceDialog, url_row);
  gtk_widget_class_bind_template_child (widget_class, CohortSourceDialog, username_row);
  gtk_widget_class_bind_template_callback (widget_class, on_add_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_field_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_test_clicked_cb);
}

static void
cohort_source_dialog_init (CohortSourceDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  /* Only the platforms this version can sync are offered. */
  self->kinds = g_ptr_array_new ();
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (cohort_sync_kind_supported (kinds[i].kind))
      {
        g_ptr_array_add (self->kinds, (gpointer)kinds[i].kind);
        gtk_string_list_append (self->kind_list, _(kinds[i].label));
      }
  g_signal_connect_object (self->kind_row, "notify::selected", G_CALLBACK (on_kind_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->kind_row, "notify::selected", G_CALLBACK (on_field_changed_cb),
                           self, G_CONNECT_SWAPPED);
  on_kind_changed_cb (self);
}

CohortSourceDialog *
cohort_source_dialog_new (GtkWindow         *parent,
                          const char        *db_path,
                          SoupSession       *session,
                          CohortSecretStore *secrets)
{
  CohortSourceDialog *self;

  g_return_val_if_fail (db_path != NULL, NULL);
  g_return_val_if_fail (SOUP_IS_SESSION (session), NULL);
  g_return_val_if_fail (COHORT_IS_SECRET_STORE (secrets), NULL);

  self = g_object_new (COHORT_TYPE_SOURCE_DIALOG, "transient-for", parent, NULL);
  self->db_path = g_strdup (db_path);
  self->session = g_object_ref (session);
  self->secrets = g_object_ref (secrets);
  return self;
}

void
cohort_source_dialog_set_kind (CohortSourceDialog *self,
                               const char         *kind)
{
  g_return_if_fail (COHORT_IS_SOURCE_DIALOG (self));

  for (guint i = 0; i < self->kinds->len; i++)
    if (g_str_equal (g_ptr_array_index (self->kinds, i), kind))
      adw_combo_row_set_selected (self->kind_row, i);
}

void
cohort_source_dialog_fill (CohortSourceDialog *self,
                           const char         *name,
                           const char         *url,
                           const char         *username,
                           const char         *secret)
{
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), name);
  gtk_editable_set_text (GTK_EDITABLE (self->url_row), url);
  gtk_editable_set_text (GTK_EDITABLE (self->username_row), username);
  gtk_editable_set_text (GTK_EDITABLE (self->secret_row), secret);
}

GtkWidget *
cohort_source_dialog_get_result_label (CohortSourceDialog *self)
{
  return GTK_WIDGET (self->result_label);
}

void
cohort_source_dialog_test (CohortSourceDialog *self)
{
  g_return_if_fail (COHORT_IS_SOURCE_DIALOG (self));

  on_test_clicked_cb (self);
}

void
cohort_source_dialog_save (CohortSourceDialog *self)
{
  g_return_if_fail (COHORT_IS_SOURCE_DIALOG (self));

  on_add_clicked_cb (self);
}

gboolean
cohort_source_dialog_is_busy (CohortSourceDialog *self)
{
  g_return_val_if_fail (COHORT_IS_SOURCE_DIALOG (self), FALSE);

  return self->cancellable != NULL;
}
