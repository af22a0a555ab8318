/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Waits until the widget's frame clock has painted once (or fails after 5 s). */
void cohort_test_wait_for_frame (GtkWidget *widget);

G_END_DECLS
