/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cohort-mech.h"

G_BEGIN_DECLS

/*
 * The reference classifier, for the tests that pin the fast paths to it: with reference
 * set, every message goes through ICU and GLib per message and per character exactly as
 * the rules were first written (no character table, no byte-pair phrase filter).
 */
void   _cohort_mech_set_reference        (CohortMech *self,
                                          gboolean    reference);
char  *_cohort_mech_normalize_reference  (const char *text);

G_END_DECLS
