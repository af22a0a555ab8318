/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-chart-view"

#include "config.h"

#include "cohort-chart-view.h"

#include <adwaita.h>
#include <glib/gi18n.h>

/*
 * CohortChartView draws one chart of src/charts on screen.  The renderer and the hit test
 * share one layout, so the hovered item and its tooltip always match what is drawn.  All
 * numbers come precomputed in the CohortOverview: snapshot only draws.
 *
 * Keyboard navigation needs the reverse of the hit test (an item's position, to get its
 * text from cohort_chart_hit()).  The renderer keeps its layout private, so the widget scans
 * its own area once per size and overview and remembers one point per item.
 */

struct _CohortChartView
{
  GtkWidget parent_instance;

  CohortChartKind kind;
  gconstpointer overview;           /* borrowed, see cohort_chart_view_set_data() */
  int hover;
  char *hover_text;
  gboolean hover_from_keys;         /* set by the keyboard or the API, not the pointer */
  char *description;                /* cohort_chart_describe(), the resting a11y description */

  /* item index → a point inside it, or x < 0 when the item is not on the layout */
  graphene_point_t *item_points;
  int n_items;
  int points_width;
  int points_height;

  GtkWidget *menu;                  /* context menu popover, a child of the widget */
};

enum {
  PROP_0,
  PROP_KIND,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (CohortChartView, cohort_chart_view, GTK_TYPE_WIDGET)

static const char * const kind_names[] = { "growth", "activity", "heatmap", "retention" };

/* ------------------------------------------------------------------------------------------ */
/* Drawing                                                                                    */

static void
style_for_widget (GtkWidget        *widget,
                  CohortChartStyle *style)
{
  GdkRGBA fg;

  cohort_chart_style_init_default (style, adw_style_manager_get_dark (adw_style_manager_get_default ()));
#if GTK_CHECK_VERSION (4, 10, 0)
  gtk_widget_get_color (widget, &fg);
#else
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
#endif
  style->foreground = (CohortRgba) { fg.red, fg.green, fg.blue, fg.alpha };
  /* The card behind the chart is the background. */
  style->background.a = 0;
}

static void
cohort_chart_view_snapshot (GtkWidget   *widget,
                            GtkSnapshot *snapshot)
{
  CohortChartView *self = COHORT_CHART_VIEW (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  CohortChartStyle style;
  cairo_t *cr;

  if (width <= 0 || height <= 0)
    return;
  style_for_widget (widget, &style);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  cohort_chart_draw (self->kind, cr, width, height, self->overview, &style, self->hover);

  /* The theme has no focus ring for a custom node: draw one, as Adwaita does for buttons. */
  if (gtk_widget_has_visible_focus (widget) && width > 4 && height > 4)
    {
      const CohortRgba *a = &style.accent;
      double r = 6, x = 1.5, y = 1.5, w = width - 3, h = height - 3;

      cairo_new_sub_path (cr);
      cairo_arc (cr, x + w - r, y + r, r, -G_PI / 2, 0);
      cairo_arc (cr, x + w - r, y + h - r, r, 0, G_PI / 2);
      cairo_arc (cr, x + r, y + h - r, r, G_PI / 2, G_PI);
      cairo_arc (cr, x + r, y + r, r, G_PI, 3 * G_PI / 2);
      cairo_close_path (cr);
      cairo_set_source_rgba (cr, a->r, a->g, a->b, 0.5);
      cairo_set_line_width (cr, 2);
      cairo_stroke (cr);
    }
  cairo_destroy (cr);
}

static void
cohort_chart_view_measure (GtkWidget      *widget,
                           GtkOrientation  orientation,
                           int             for_size,
                           int            *minimum,
                           int            *natural,
                           int            *minimum_baseline,
                           int            *natural_baseline)
{
  CohortChartView *self = COHORT_CHART_VIEW (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 320;
      *natural = 560;
      return;
    }

  *minimum = 200;
  switch (self->kind)
    {
    case COHORT_CHART_HEATMAP:
      *natural = 240;
      break;
    case COHORT_CHART_RETENTION:
      *natural = 300;
      break;
    case COHORT_CHART_GROWTH:
    case COHORT_CHART_ACTIVITY:
    default:
      *natural = 260;
      break;
    }
}

static void
cohort_chart_view_size_allocate (GtkWidget *widget,
                                 int        width,
                                 int        height,
                                 int        baseline)
{
  CohortChartView *self = COHORT_CHART_VIEW (widget);

  if (self->menu != NULL)
    gtk_popover_present (GTK_POPOVER (self->menu));
}

static void
cohort_chart_view_css_changed (GtkWidget         *widget,
                               GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (cohort_chart_view_parent_class)->css_changed (widget, change);
  /* The foreground colour is read in snapshot; make sure a theme change repaints. */
  gtk_widget_queue_draw (widget);
}

static void
on_dark_changed_cb (CohortChartView *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* ------------------------------------------------------------------------------------------ */
/* Items: hit test, keyboard positions, hover                                                 */

static int
count_items (CohortChartView *self)
{
  return cohort_chart_item_count (self->kind, self->overview);
}

/* Items per row of a grid, for Up/Down; 0 for the line charts. */
static int
row_stride (CohortChartView *self)
{
  return cohort_chart_row_stride (self->kind);
}

static void
invalidate_item_points (CohortChartView *self)
{
  g_clear_pointer (&self->item_points, g_free);
  self->n_items = 0;
  self->points_width = self->points_height = 0;
}

/* Finds a point inside every item by scanning the widget's area row by row.  It stops as
 * soon as every item has one: for the line charts that is the first row inside the plot.
 * Items that are not on the layout (immature retention weeks) cost one full scan, done
 * once per size and overview. */
static void
ensure_item_points (CohortChartView *self)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));
  int n = count_items (self);
  int found = 0;

  if (self->item_points != NULL && self->n_items == n &&
      self->points_width == width && self->points_height == height)
    return;

  invalidate_item_points (self);
  self->n_items = n;
  self->points_width = width;
  self->points_height = height;
  if (n == 0 || width <= 0 || height <= 0)
    return;

  self->item_points = g_new (graphene_point_t, n);
  for (int i = 0; i < n; i++)
    graphene_point_init (&self->item_points[i], -1, -1);

  for (int y = 0; y < height && found < n; y++)
    for (int x = 0; x < width; x++)
      {
        int index = cohort_chart_hit (self->kind, width, height, self->overview,
                                      x + 0.5, y + 0.5, NULL);

        if (index >= 0 && index < n && self->item_points[index].x < 0)
          {
            graphene_point_init (&self->item_points[index], x + 0.5, y + 0.5);
            found++;
          }
      }
}

static gboolean
item_exists (CohortChartView *self,
             int              index)
{
  return index >= 0 && index < self->n_items && self->item_points != NULL &&
         self->item_points[index].x >= 0;
}

/* Drawn under another item, so the scan found no point of its own. */
static gboolean
item_is_covered (CohortChartView *self,
                 int              index)
{
  g_autofree char *text = cohort_chart_covered_item_tooltip (self->kind, self->overview, index);

  return text != NULL;
}

static char *
item_text (CohortChartView *self,
           int              index)
{
  char *text = NULL;
  const graphene_point_t *p;

  ensure_item_points (self);
  if (!item_exists (self, index))
    return cohort_chart_covered_item_tooltip (self->kind, self->overview, index);
  p = &self->item_points[index];
  if (cohort_chart_hit (self->kind, self->points_width, self->points_height, self->overview,
                        p->x, p->y, &text) != index)
    g_clear_pointer (&text, g_free);
  return text;
}

/* Takes text. */
static void
update_hover (CohortChartView *self,
              int              index,
              char            *text)
{
  if (index < 0)
    g_clear_pointer (&text, g_free);
  if (index == self->hover && g_strcmp0 (text, self->hover_text) == 0)
    {
      g_free (text);
      return;
    }
  self->hover = index < 0 ? -1 : index;
  g_free (self->hover_text);
  self->hover_text = text;
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  text != NULL ? text : self->description, -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}


static void
on_motion_cb (GtkEventControllerMotion *motion,
              double                    x,
              double                    y,
              CohortChartView          *self)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));
  char *text = NULL;
  int index;

  /* Most motion stays on the same item: only format its text when it changes. */
  index = cohort_chart_hit (self->kind, width, height, self->overview, x, y, NULL);
  if (index == self->hover)
    return;
  if (index >= 0)
    cohort_chart_hit (self->kind, width, height, self->overview, x, y, &text);
  self->hover_from_keys = FALSE;
  update_hover (self, index, text);
}

static void
on_leave_cb (GtkEventControllerMotion *motion,
             CohortChartView          *self)
{
  update_hover (self, -1, NULL);
}

static gboolean
on_query_tooltip_cb (GtkWidget       *widget,
                     int              x,
                     int              y,
                     gboolean         keyboard_mode,
                     GtkTooltip      *tooltip,
                     CohortChartView *self)
{
  g_autofree char *text = NULL;

  if (!keyboard_mode)
    cohort_chart_hit (self->kind, gtk_widget_get_width (widget), gtk_widget_get_height (widget),
                      self->overview, x, y, &text);
  if (text == NULL && self->hover_from_keys && self->hover_text != NULL)
    text = g_strdup (self->hover_text);
  if (text == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

/* Moves the hover to the next item that exists, from index in steps of step. */
static void
move_hover (CohortChartView *self,
            int              from,
            int              step)
{
  ensure_item_points (self);
  for (int i = from; i >= 0 && i < self->n_items; i += step)
    if (item_exists (self, i) || item_is_covered (self, i))
      {
        cohort_chart_view_set_hover_index (self, i);
        gtk_widget_trigger_tooltip_query (GTK_WIDGET (self));
        return;
      }
  gtk_widget_error_bell (GTK_WIDGET (self));
}

/* Keyboard: Left/Right step through the days (or cells), Up/Down through the rows of a grid,
 * Home/End go to the ends, Escape clears.  Each step announces the item's values. */
static gboolean
on_key_pressed_cb (GtkEventControllerKey *key,
                   guint                  keyval,
                   guint                  keycode,
                   GdkModifierType        state,
                   CohortChartView       *self)
{
  int stride = row_stride (self);
  int n;

  if (state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SHIFT_MASK))
    return FALSE;
  ensure_item_points (self);
  n = self->n_items;
  if (n == 0)
    return FALSE;

  switch (keyval)
    {
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      move_hover (self, self->hover < 0 ? n - 1 : self->hover - 1, -1);
      return TRUE;
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      move_hover (self, self->hover < 0 ? 0 : self->hover + 1, 1);
      return TRUE;
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      if (stride == 0 || self->hover < stride)
        return FALSE;
      move_hover (self, self->hover - stride, -stride);
      return TRUE;
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      if (stride == 0)
        return FALSE;
      move_hover (self, self->hover < 0 ? 0 : self->hover + stride, stride);
      return TRUE;
    case GDK_KEY_Home:
    case GDK_KEY_KP_Home:
      move_hover (self, 0, 1);
      return TRUE;
    case GDK_KEY_End:
    case GDK_KEY_KP_End:
      move_hover (self, n - 1, -1);
      return TRUE;
    case GDK_KEY_Escape:
      if (self->hover < 0)
        return FALSE;
      cohort_chart_view_set_hover_index (self, -1);
      return TRUE;
    default:
      return FALSE;
    }
}

static void
on_focus_leave_cb (GtkEventControllerFocus *focus,
                   CohortChartView         *self)
{
  update_hover (self, -1, NULL);
}

/* ------------------------------------------------------------------------------------------ */
/* Context menu                                                                               */

static void
popup_menu_at (CohortChartView *self,
               double           x,
               double           y)
{
  if (self->menu == NULL)
    {
      g_autoptr(GMenu) model = g_menu_new ();

      g_menu_append (model, _("_Export…"), "chart.export");
      self->menu = gtk_popover_menu_new_from_model (G_MENU_MODEL (model));
      gtk_popover_set_has_arrow (GTK_POPOVER (self->menu), FALSE);
      gtk_widget_set_halign (self->menu, GTK_ALIGN_START);
      gtk_widget_set_parent (self->menu, GTK_WIDGET (self));
    }
  gtk_popover_set_pointing_to (GTK_POPOVER (self->menu), &(GdkRectangle) { (int) x, (int) y, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self->menu));
}

static void
on_click_pressed_cb (GtkGestureClick *gesture,
                     int              n_press,
                     double           x,
                     double           y,
                     CohortChartView *self)
{
  guint button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture));

  /* A click focuses the chart, so the arrow keys work from there. */
  gtk_widget_grab_focus (GTK_WIDGET (self));
  if (button == GDK_BUTTON_SECONDARY)
    {
      popup_menu_at (self, x, y);
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
    }
}

static void
cohort_chart_view_popup_action (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *parameter)
{
  popup_menu_at (COHORT_CHART_VIEW (widget), gtk_widget_get_width (widget) / 2.0,
                 gtk_widget_get_height (widget) / 2.0);
}

/* ------------------------------------------------------------------------------------------ */
/* Export                                                                                      */

static gboolean
write_chart (CohortChartView  *self,
             const char       *path,
             GError          **error)
{
  CohortChartStyle style;
  g_autofree char *lower = g_utf8_strdown (path, -1);

  if (self->overview == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("There is no data to export yet."));
      return FALSE;
    }

  /* Exports use the light palette: they end up in reports and on paper. */
  cohort_chart_style_init_default (&style, FALSE);
  if (g_str_has_suffix (lower, ".svg"))
    return cohort_chart_write_svg (self->kind, self->overview, &style, 800, 350, path, error);
  if (g_str_has_suffix (lower, ".pdf"))
    return cohort_chart_write_pdf (self->kind, self->overview, &style, 800, 350, path, error);
  return cohort_chart_write_png (self->kind, self->overview, &style, 1600, 700, path, error);
}

gboolean
cohort_chart_view_export_to_path (CohortChartView  *self,
                                  const char       *path,
                                  GError          **error)
{
  g_return_val_if_fail (COHORT_IS_CHART_VIEW (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return write_chart (self, path, error);
}

static gboolean
has_known_suffix (const char *path)
{
  g_autofree char *lower = g_utf8_strdown (path, -1);

  return g_str_has_suffix (lower, ".png") || g_str_has_suffix (lower, ".svg") ||
         g_str_has_suffix (lower, ".pdf");
}

static void
on_export_response_cb (GtkNativeDialog *chooser,
                       int              response,
                       CohortChartView *self)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  if (response != GTK_RESPONSE_ACCEPT)
    goto out;
  file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  path = file != NULL ? g_file_get_path (file) : NULL;
  if (path == NULL)
    {
      g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           _("The chosen location is not a local file."));
    }
  else
    {
      if (!has_known_suffix (path))
        {
          /* No extension typed: take the one of the selected filter, PNG by default. */
          GtkFileFilter *filter = gtk_file_chooser_get_filter (GTK_FILE_CHOOSER (chooser));
          const char *suffix = filter != NULL ? g_object_get_data (G_OBJECT (filter), "cohort-suffix") : NULL;
          char *with_suffix = g_strconcat (path, ".", suffix != NULL ? suffix : "png", NULL);

          g_free (path);
          path = with_suffix;
        }
      write_chart (self, path, &error);
    }

  if (error != NULL)
    {
      GtkWindow *parent = gtk_native_dialog_get_transient_for (chooser);
      GtkWidget *dialog;

      g_warning ("Could not export the chart: %s", error->message);
      dialog = adw_message_dialog_new (parent, _("Could Not Export the Chart"), error->message);
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
    }

out:
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
  g_object_unref (self);
}

void
cohort_chart_view_export (CohortChartView *self,
                          GtkWindow       *parent)
{
  GtkFileChooserNative *chooser;
  g_autofree char *suggested = NULL;
  const char *filters[][2] = {
    { N_("PNG Image"), "png" },
    { N_("SVG Image"), "svg" },
    { N_("PDF Document"), "pdf" },
  };

  g_return_if_fail (COHORT_IS_CHART_VIEW (self));
  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));

  chooser = gtk_file_chooser_native_new (_("Export Chart"), parent, GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  suggested = g_strdup_printf ("%s.png", kind_names[self->kind]);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), suggested);
  for (guint i = 0; i < G_N_ELEMENTS (filters); i++)
    {
      g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

      gtk_file_filter_set_name (filter, _(filters[i][0]));
      gtk_file_filter_add_suffix (filter, filters[i][1]);
      g_object_set_data (G_OBJECT (filter), "cohort-suffix", (gpointer) filters[i][1]);
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
    }
  /* The widget stays alive until the dialog answers; the overview may be gone by then
   * (the page sets NULL first), which write_chart() reports. */
  g_signal_connect (chooser, "response", G_CALLBACK (on_export_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
cohort_chart_view_export_action (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  GtkRoot *root = gtk_widget_get_root (widget);

  cohort_chart_view_export (COHORT_CHART_VIEW (widget), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL);
}

/* ------------------------------------------------------------------------------------------ */
/* Public API                                                                                 */

GtkWidget *
cohort_chart_view_new (CohortChartKind kind)
{
  return g_object_new (COHORT_TYPE_CHART_VIEW, "kind", kind, NULL);
}

CohortChartKind
cohort_chart_view_get_kind (CohortChartView *self)
{
  g_return_val_if_fail (COHORT_IS_CHART_VIEW (self), COHORT_CHART_GROWTH);

  return self->kind;
}

void
cohort_chart_view_set_overview (CohortChartView      *self,
                                const CohortOverview *overview)
{
  cohort_chart_view_set_data (self, overview);
}

void
cohort_chart_view_set_data (CohortChartView *self,
                            gconstpointer    overview)
{
  g_return_if_fail (COHORT_IS_CHART_VIEW (self));

  self->overview = overview;
  invalidate_item_points (self);
  g_clear_pointer (&self->description, g_free);
  self->description = cohort_chart_describe (self->kind, overview);
  self->hover = -1;
  g_clear_pointer (&self->hover_text, g_free);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, self->description, -1);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chart.export", overview != NULL);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const CohortOverview *
cohort_chart_view_get_overview (CohortChartView *self)
{
  g_return_val_if_fail (COHORT_IS_CHART_VIEW (self), NULL);

  return self->overview;
}

void
cohort_chart_view_set_hover_index (CohortChartView *self,
                                   int              index)
{
  g_return_if_fail (COHORT_IS_CHART_VIEW (self));

  /* The text comes from the renderer's own hit test at a point inside the item. */
  self->hover_from_keys = TRUE;
  update_hover (self, index, index >= 0 ? item_text (self, index) : NULL);
  if (self->hover_text == NULL)
    update_hover (self, -1, NULL);
}

int
cohort_chart_view_get_hover_index (CohortChartView *self)
{
  g_return_val_if_fail (COHORT_IS_CHART_VIEW (self), -1);

  return self->hover;
}

const char *
cohort_chart_view_get_hover_text (CohortChartView *self)
{
  g_return_val_if_fail (COHORT_IS_CHART_VIEW (self), NULL);

  return self->hover_text;
}

/* ------------------------------------------------------------------------------------------ */
/* GObject                                                                                    */

static void
cohort_chart_view_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  CohortChartView *self = COHORT_CHART_VIEW (object);

  switch (prop_id)
    {
    case PROP_KIND:
      g_value_set_int (value, self->kind);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cohort_chart_view_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  CohortChartView *self = COHORT_CHART_VIEW (object);

  switch (prop_id)
    {
    case PROP_KIND:
      self->kind = g_value_get_int (value);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      cohort_chart_kind_title (self->kind), -1);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cohort_chart_view_constructed (GObject *object)
{
  CohortChartView *self = COHORT_CHART_VIEW (object);

  G_OBJECT_CLASS (cohort_chart_view_parent_class)->constructed (object);
  /* No data yet: the description says so, and there is nothing to export. */
  cohort_chart_view_set_overview (self, NULL);
}

static void
cohort_chart_view_dispose (GObject *object)
{
  CohortChartView *self = COHORT_CHART_VIEW (object);

  if (self->menu != NULL)
    gtk_popover_popdown (GTK_POPOVER (self->menu));
  g_clear_pointer (&self->menu, gtk_widget_unparent);
  self->overview = NULL;
  G_OBJECT_CLASS (cohort_chart_view_parent_class)->dispose (object);
}

static void
cohort_chart_view_finalize (GObject *object)
{
  CohortChartView *self = COHORT_CHART_VIEW (object);

  g_free (self->hover_text);
  g_free (self->description);
  g_free (self->item_points);
  G_OBJECT_CLASS (cohort_chart_view_parent_class)->finalize (object);
}

static void
cohort_chart_view_class_init (CohortChartViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = cohort_chart_view_constructed;
  object_class->dispose = cohort_chart_view_dispose;
  object_class->finalize = cohort_chart_view_finalize;
  object_class->get_property = cohort_chart_view_get_property;
  object_class->set_property = cohort_chart_view_set_property;
  widget_class->snapshot = cohort_chart_view_snapshot;
  widget_class->measure = cohort_chart_view_measure;
  widget_class->size_allocate = cohort_chart_view_size_allocate;
  widget_class->css_changed = cohort_chart_view_css_changed;

  /**
   * CohortChartView:kind:
   *
   * The CohortChartKind drawn, fixed at construction.
   */
  properties[PROP_KIND] =
    g_param_spec_int ("kind", NULL, NULL, 0, COHORT_CHART_N_ALL_KINDS - 1, 0,
                      G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "chart.export", NULL, cohort_chart_view_export_action);
  gtk_widget_class_install_action (widget_class, "menu.popup", NULL, cohort_chart_view_popup_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F10, GDK_SHIFT_MASK, "menu.popup", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Menu, 0, "menu.popup", NULL);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
  gtk_widget_class_set_css_name (widget_class, "chart");
}

static void
cohort_chart_view_init (CohortChartView *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkEventController *key = gtk_event_controller_key_new ();
  GtkEventController *focus = gtk_event_controller_focus_new ();
  GtkGesture *click = gtk_gesture_click_new ();

  self->hover = -1;
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (on_query_tooltip_cb), self);

  g_signal_connect (motion, "motion", G_CALLBACK (on_motion_cb), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  g_signal_connect (key, "key-pressed", G_CALLBACK (on_key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), key);
  g_signal_connect (focus, "leave", G_CALLBACK (on_focus_leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), focus);
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), 0);
  g_signal_connect (click, "pressed", G_CALLBACK (on_click_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (on_dark_changed_cb), self, G_CONNECT_SWAPPED);
}
