/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Renders a realized, mapped widget to a texture through its native's renderer (GTK 4.8 has
 * no public widget snapshot API); used by --screenshot and the UI tests. */
GdkTexture *cohort_widget_render (GtkWidget   *widget);
gboolean    cohort_widget_save_png (GtkWidget   *widget,
                                    const char  *path,
                                    GError     **error);

G_END_DECLS
