/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define COHORT_TYPE_PEOPLE_CARD (cohort_people_card_get_type ())

G_DECLARE_FINAL_TYPE (CohortPeopleCard, cohort_people_card, COHORT, PEOPLE_CARD, GtkWidget)

/* The member uid of community: their person's other memberships, with Merge… and Unmerge.
 * Reads and writes run on workers; a newer call drops what an older one was loading. */
void        cohort_people_card_show           (CohortPeopleCard *self,
                                               const char       *db_path,
                                               gint64            community,
                                               const char       *uid);
gboolean    cohort_people_card_is_busy        (CohortPeopleCard *self);
const char *cohort_people_card_get_text       (CohortPeopleCard *self);
const char *cohort_people_card_get_last_toast (CohortPeopleCard *self);
/* What Merge… and Unmerge do, for tests: other is a member id. */
void        cohort_people_card_merge          (CohortPeopleCard *self,
                                               gint64            other);
void        cohort_people_card_unmerge        (CohortPeopleCard *self);
/* What the last toast's Undo does: undoes the card's latest merge or unmerge. */
void        cohort_people_card_undo           (CohortPeopleCard *self);

G_END_DECLS
