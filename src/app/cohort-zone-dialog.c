/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-zone-dialog"

#include "config.h"

#include "cohort-zone-dialog.h"

#include <glib/gi18n.h>

struct _CohortZoneDialog
{
  AdwMessageDialog parent_instance;

  GtkDropDown *zones;
  GtkStringList *model;
};

G_DEFINE_FINAL_TYPE (CohortZoneDialog, cohort_zone_dialog, ADW_TYPE_MESSAGE_DIALOG)

/* The zones operators' communities live in most, first China's; the current zone is added
 * when it is not among them.  IANA names are the same in every language. */
static const char * const common_zones[] = {
  "Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei", "Asia/Macau", "Asia/Singapore",
  "Asia/Kuala_Lumpur", "Asia/Tokyo", "Asia/Seoul", "Asia/Bangkok", "Asia/Jakarta",
  "Asia/Manila", "Asia/Ho_Chi_Minh", "Asia/Kolkata", "Asia/Dubai", "Asia/Karachi",
  "Asia/Dhaka", "Asia/Tehran", "Asia/Jerusalem", "Europe/London", "Europe/Dublin",
  "Europe/Lisbon", "Europe/Madrid", "Europe/Paris", "Europe/Berlin", "Europe/Amsterdam",
  "Europe/Rome", "Europe/Zurich", "Europe/Stockholm", "Europe/Helsinki", "Europe/Warsaw",
  "Europe/Athens", "Europe/Istanbul", "Europe/Kyiv", "Europe/Moscow", "Africa/Cairo",
  "Africa/Lagos", "Africa/Johannesburg", "Africa/Nairobi", "America/New_York",
  "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Phoenix",
  "America/Anchorage", "America/Toronto", "America/Vancouver", "America/Mexico_City",
  "America/Bogota", "America/Lima", "America/Santiago", "America/Sao_Paulo",
  "America/Argentina/Buenos_Aires", "Australia/Perth", "Australia/Adelaide",
  "Australia/Sydney", "Australia/Brisbane", "Pacific/Auckland", "Pacific/Honolulu", "UTC",
};

const char *
cohort_zone_dialog_get_zone (CohortZoneDialog *self)
{
  g_return_val_if_fail (COHORT_IS_ZONE_DIALOG (self), NULL);
  return gtk_string_list_get_string (self->model, gtk_drop_down_get_selected (self->zones));
}

void
cohort_zone_dialog_set_zone (CohortZoneDialog *self,
                             const char       *zone)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->model));

  g_return_if_fail (COHORT_IS_ZONE_DIALOG (self));

  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (gtk_string_list_get_string (self->model, i), zone) == 0)
      {
        gtk_drop_down_set_selected (self->zones, i);
        return;
      }
  gtk_string_list_append (self->model, zone);
  gtk_drop_down_set_selected (self->zones, n);
}

static void
cohort_zone_dialog_class_init (CohortZoneDialogClass *klass)
{
}

static void
cohort_zone_dialog_init (CohortZoneDialog *self)
{
  g_autoptr(GtkExpression) expression = NULL;

  self->model = gtk_string_list_new ((const char * const *)common_zones);
  expression = gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL, "string");
  self->zones = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (self->model), g_steal_pointer (&expression)));
  gtk_drop_down_set_enable_search (self->zones, TRUE);
  gtk_widget_set_halign (GTK_WIDGET (self->zones), GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->zones), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Time zone"), -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (self), GTK_WIDGET (self->zones));
}

CohortZoneDialog *
cohort_zone_dialog_new (GtkWindow  *parent,
                        const char *community_name,
                        const char *zone,
                        gboolean    wall_clock,
                        gboolean    first_import)
{
  CohortZoneDialog *self = g_object_new (COHORT_TYPE_ZONE_DIALOG,
                                         "transient-for", parent,
                                         "modal", TRUE,
                                         NULL);
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;

  if (first_import)
    {
      heading = g_strdup_printf (_("Which Time Zone Is “%s” In?"), community_name);
      body = g_strdup_printf (_("This export has local times without a time zone. Cohort read "
                                "them as %s time. If the group lives elsewhere, choose its zone: "
                                "the times move with it and every number is recomputed."), zone);
    }
  else
    {
      heading = g_strdup_printf (_("Time Zone of “%s”"), community_name);
      body = g_strdup (wall_clock
                       ? _("Days, hours and posting times are counted in this zone. Its exports "
                           "have local times without a zone, so the times move with it to stay "
                           "what the export says.")
                       : _("Days, hours and posting times are counted in this zone. The exact "
                           "moments of messages do not change."));
    }
  adw_message_dialog_set_heading (ADW_MESSAGE_DIALOG (self), heading);
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (self), body);
  cohort_zone_dialog_set_zone (self, zone);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (self),
                                    "cancel", first_import ? _("_Keep") : _("_Cancel"),
                                    "apply", _("_Use This Zone"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (self), "apply",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (self), "apply");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (self), "cancel");
  return self;
}
