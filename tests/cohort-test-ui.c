/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "cohort-test-ui.h"

#include <string.h>

#include "cohort-render.h"

static void
on_after_paint (GdkFrameClock *clock,
                gboolean      *painted)
{
  *painted = TRUE;
}

void
cohort_test_wait_for_frame (GtkWidget *widget)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  gboolean painted = FALSE;
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  gulong id;

  g_assert_nonnull (clock);
  id = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &painted);
  gtk_widget_queue_draw (widget);
  while (!painted && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_signal_handler_disconnect (clock, id);
  g_assert_true (painted);
}

CohortTestImage
cohort_test_render (GtkWidget  *widget,
                    const char *png_name)
{
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = g_test_build_filename (G_TEST_BUILT, png_name, NULL);
  CohortTestImage image = { 0, };

  cohort_test_wait_for_frame (widget);
  texture = cohort_widget_render (widget);
  g_assert_nonnull (texture);
  gdk_texture_save_to_png (texture, path);
  g_test_message ("saved %s", path);
  image.width = gdk_texture_get_width (texture);
  image.height = gdk_texture_get_height (texture);
  image.stride = image.width * 4;
  image.pixels = g_malloc (image.stride * image.height);
  gdk_texture_download (texture, image.pixels, image.stride);
  return image;
}

int
cohort_test_count_colour_in (const CohortTestImage *image,
                             int                    x0,
                             int                    y0,
                             int                    x1,
                             int                    y1,
                             int                    r,
                             int                    g,
                             int                    b,
                             int                    tolerance)
{
  int n = 0;

  for (int y = MAX (y0, 0); y < MIN (y1, image->height); y++)
    for (int x = MAX (x0, 0); x < MIN (x1, image->width); x++)
      {
        const guchar *p = image->pixels + y * image->stride + x * 4;

        if (ABS (p[2] - r) <= tolerance && ABS (p[1] - g) <= tolerance &&
            ABS (p[0] - b) <= tolerance && p[3] > 200)
          n++;
      }
  return n;
}

int
cohort_test_count_colour (const CohortTestImage *image,
                          int                    r,
                          int                    g,
                          int                    b,
                          int                    tolerance)
{
  return cohort_test_count_colour_in (image, 0, 0, image->width, image->height, r, g, b, tolerance);
}

int
cohort_test_count_distinct_rows (const CohortTestImage *image)
{
  int changes = 0;

  for (int y = 1; y < image->height; y++)
    if (memcmp (image->pixels + y * image->stride, image->pixels + (y - 1) * image->stride,
                image->stride) != 0)
      changes++;
  return changes;
}

GtkWidget *
cohort_test_find_widget (GtkWidget *root,
                         GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = cohort_test_find_widget (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}
