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
 */

struct _CohortChartView
{
  GtkWidget parent_instance;

  CohortChartKind kind;
  const CohortOverview *overview;   /* borrowed */
  int hover;
  char *hover_text;
};

enum {
  PROP_0,
  PROP_KIND,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (CohortChartView, cohort_chart_view, GTK_TYPE_WIDGET)

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
    }
  else
    {
      *minimum = 220;
      *natural = self->kind == COHORT_CHART_RETENTION || self->kind == COHORT_CHART_HEATMAP ? 340 : 280;
    }
}

static void
update_hover (CohortChartView *self,
              int              index,
              const char      *text)
{
  if (index == self->hover && g_strcmp0 (text, self->hover_text) == 0)
    return;
  self->hover = index;
  g_free (self->hover_text);
  self->hover_text = g_strdup (text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), text);
  if (text != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text, -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_motion_cb (GtkEventControllerMotion *motion,
              double                    x,
              double                    y,
              CohortChartView          *self)
{
  g_autofree char *text = NULL;
  int index = cohort_chart_hit (self->kind, gtk_widget_get_width (GTK_WIDGET (self)),
                                gtk_widget_get_height (GTK_WIDGET (self)), self->overview, x, y, &text);

  update_hover (self, index, index >= 0 ? text : NULL);
}

static void
on_leave_cb (GtkEventControllerMotion *motion,
             CohortChartView          *self)
{
  update_hover (self, -1, NULL);
}

/* Keyboard: Left/Right step through the days (or cells) and announce each value. */
static gboolean
on_key_pressed_cb (GtkEventControllerKey *key,
                   guint                  keyval,
                   guint                  keycode,
                   GdkModifierType        state,
                   CohortChartView       *self)
{
  int count, step;

  if (self->overview == NULL)
    return FALSE;
  if (keyval == GDK_KEY_Left || keyval == GDK_KEY_KP_Left)
    step = -1;
  else if (keyval == GDK_KEY_Right || keyval == GDK_KEY_KP_Right)
    step = 1;
  else
    return FALSE;

  if (self->kind == COHORT_CHART_HEATMAP)
    count = 7 * 24;
  else if (self->kind == COHORT_CHART_RETENTION)
    count = (int)self->overview->n_cohorts * COHORT_RETENTION_MAX_WEEKS;
  else
    count = (int)self->overview->n_days;
  if (count == 0)
    return FALSE;
  cohort_chart_view_set_hover_index (self, CLAMP (self->hover + step, 0, count - 1));
  return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* Export                                                                                      */

static void
on_export_response_cb (GtkNativeDialog *chooser,
                       int              response,
                       CohortChartView *self)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  CohortChartStyle style;
  gboolean ok;

  if (response != GTK_RESPONSE_ACCEPT || self->overview == NULL)
    goto out;
  file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  path = g_file_get_path (file);
  if (path == NULL)
    goto out;

  /* Exports use the light palette: they end up in reports and on paper. */
  cohort_chart_style_init_default (&style, FALSE);
  if (g_str_has_suffix (path, ".svg"))
    ok = cohort_chart_write_svg (self->kind, self->overview, &style, 800, 350, path, &error);
  else if (g_str_has_suffix (path, ".pdf"))
    ok = cohort_chart_write_pdf (self->kind, self->overview, &style, 800, 350, path, &error);
  else
    {
      if (!g_str_has_suffix (path, ".png"))
        {
          char *with_suffix = g_strconcat (path, ".png", NULL);
          g_free (path);
          path = with_suffix;
        }
      ok = cohort_chart_write_png (self->kind, self->overview, &style, 1600, 700, path, &error);
    }

  if (!ok)
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
      GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                  _("Could Not Export the Chart"), error->message);

      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
    }

out:
  g_object_unref (chooser);
}

void
cohort_chart_view_export (CohortChartView *self,
                          GtkWindow       *parent)
{
  static const char * const names[] = { "growth", "activity", "heatmap", "retention" };
  GtkFileChooserNative *chooser;
  g_autofree char *suggested = NULL;
  const char *filters[][2] = {
    { N_("PNG image"), "png" },
    { N_("SVG image"), "svg" },
    { N_("PDF document"), "pdf" },
  };

  g_return_if_fail (COHORT_IS_CHART_VIEW (self));

  chooser = gtk_file_chooser_native_new (_("Export Chart"), parent, GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Export"), _("_Cancel"));
  suggested = g_strdup_printf ("%s.png", names[MIN ((guint)self->kind, G_N_ELEMENTS (names) - 1)]);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), suggested);
  for (guint i = 0; i < G_N_ELEMENTS (filters); i++)
    {
      g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

      gtk_file_filter_set_name (filter, _(filters[i][0]));
      gtk_file_filter_add_suffix (filter, filters[i][1]);
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
    }
  g_signal_connect_object (chooser, "response", G_CALLBACK (on_export_response_cb), self, 0);
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

void
cohort_chart_view_set_overview (CohortChartView      *self,
                                const CohortOverview *overview)
{
  g_autofree char *description = NULL;

  g_return_if_fail (COHORT_IS_CHART_VIEW (self));

  self->overview = overview;
  self->hover = -1;
  g_clear_pointer (&self->hover_text, g_free);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), NULL);
  description = cohort_chart_describe (self->kind, overview);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description, -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
cohort_chart_view_set_hover_index (CohortChartView *self,
                                   int              index)
{
  g_return_if_fail (COHORT_IS_CHART_VIEW (self));
  /* The tooltip text for an index comes from the renderer's own hit test at the item. */
  update_hover (self, index, NULL);
}

int
cohort_chart_view_get_hover_index (CohortChartView *self)
{
  return self->hover;
}

static void
on_dark_changed_cb (CohortChartView *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

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
cohort_chart_view_finalize (GObject *object)
{
  CohortChartView *self = COHORT_CHART_VIEW (object);

  g_free (self->hover_text);
  G_OBJECT_CLASS (cohort_chart_view_parent_class)->finalize (object);
}

static void
cohort_chart_view_class_init (CohortChartViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = cohort_chart_view_finalize;
  object_class->get_property = cohort_chart_view_get_property;
  object_class->set_property = cohort_chart_view_set_property;
  widget_class->snapshot = cohort_chart_view_snapshot;
  widget_class->measure = cohort_chart_view_measure;

  properties[PROP_KIND] =
    g_param_spec_int ("kind", NULL, NULL, 0, COHORT_CHART_N_KINDS - 1, 0,
                      G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "chart.export", NULL, cohort_chart_view_export_action);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
  gtk_widget_class_set_css_name (widget_class, "chart");
}

static void
cohort_chart_view_init (CohortChartView *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkEventController *key = gtk_event_controller_key_new ();

  self->hover = -1;
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion_cb), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  g_signal_connect (key, "key-pressed", G_CALLBACK (on_key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), key);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (on_dark_changed_cb), self, G_CONNECT_SWAPPED);
}
