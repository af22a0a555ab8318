/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define COHORT_TYPE_ZONE_DIALOG (cohort_zone_dialog_get_type ())

G_DECLARE_FINAL_TYPE (CohortZoneDialog, cohort_zone_dialog, COHORT, ZONE_DIALOG, AdwMessageDialog)

/*
 * Asks which time zone a community's times are in: once after a WhatsApp, QQ or WeChat text
 * export created it (those exports carry no zone), and from Community Settings later.  The
 * response "apply" means cohort_zone_dialog_get_zone() is the zone to use.
 */

CohortZoneDialog *cohort_zone_dialog_new      (GtkWindow        *parent,
                                               const char       *community_name,
                                               const char       *zone,
                                               gboolean          wall_clock,
                                               gboolean          first_import);
const char       *cohort_zone_dialog_get_zone (CohortZoneDialog *self);
void              cohort_zone_dialog_set_zone (CohortZoneDialog *self,
                                               const char       *zone);

G_END_DECLS
