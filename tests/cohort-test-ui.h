/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Waits until the widget's frame clock has painted once (or fails after 5 s). */
void cohort_test_wait_for_frame (GtkWidget *widget);

/* A widget rendered to pixels (B, G, R, A bytes, as GdkTexture downloads them). */
typedef struct
{
  int     width;
  int     height;
  guchar *pixels;
  gsize   stride;
} CohortTestImage;

/* Renders the widget once it has painted, saves it as png_name in the build folder (to look
 * at), and returns its pixels; free them with g_free (image.pixels). */
CohortTestImage cohort_test_render               (GtkWidget             *widget,
                                                  const char            *png_name);
/* Opaque pixels within tolerance of an RGB colour. */
int             cohort_test_count_colour         (const CohortTestImage *image,
                                                  int                    r,
                                                  int                    g,
                                                  int                    b,
                                                  int                    tolerance);
/* The same inside the rectangle [x0, x1) × [y0, y1), clipped to the image. */
int             cohort_test_count_colour_in      (const CohortTestImage *image,
                                                  int                    x0,
                                                  int                    y0,
                                                  int                    x1,
                                                  int                    y1,
                                                  int                    r,
                                                  int                    g,
                                                  int                    b,
                                                  int                    tolerance);
/* Rows that differ from the row above: a blank or one-colour picture has few. */
int             cohort_test_count_distinct_rows  (const CohortTestImage *image);

/* Depth-first: the first widget of a type under root (root itself included), or NULL. */
GtkWidget      *cohort_test_find_widget          (GtkWidget             *root,
                                                  GType                  type);

G_END_DECLS
