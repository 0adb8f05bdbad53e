/* ferry-a11y.c — accessible names GTK 4.8 does not give by itself
 *
 * Screen readers read out, and AT-SPI tests look controls up by, the
 * accessible name. GTK 4.8 computes some wrong:
 *   - a button with a mnemonic is named after its raw label and then its
 *     label child: "_Start Start";
 *   - a check button after its raw label: "_Don’t ask again";
 *   - an expander, a drop-down's button and a column view's list of rows
 *     after their type;
 *   - list rows (GtkListItem has no accessible properties before 4.12)
 *     get no name at all.
 * The first three are fixed by walking every window once it is shown; rows
 * are named by their factory with ferry_a11y_name_row_by().
 *
 * Keyboard: a GTK 4.8 list takes Tab row by row (a sidebar whose selection
 * follows the focus even changes host at every step); lists where Tab
 * should leave at once get ferry_a11y_tab_leaves_list() (GTK 4.12's
 * GTK_LIST_TAB_ITEM).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ferry-a11y.h"

#define WATCHED_KEY "ferry-a11y-watched"
#define FIXED_KEY   "ferry-a11y-fixed"

char *
ferry_a11y_strip_mnemonic (const char *text)
{
  GString *out;

  if (text == NULL)
    return NULL;
  out = g_string_sized_new (strlen (text));
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '_' && p[1] != '\0')
        p++;   /* "_x" → "x", "__" → "_" */
      g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

static gboolean
has_mnemonic (const char *label,
              gboolean    use_underline)
{
  return use_underline && label != NULL && strchr (label, '_') != NULL;
}

static void fix_one (GtkWidget *widget);

static void
on_label_changed (GtkWidget *widget)
{
  fix_one (widget);
}

static void
fix_one (GtkWidget *widget)
{
  const char *label;
  gboolean use_underline;
  g_autofree char *name = NULL;

  /* A drop-down's own button takes the focus: it is named after the
   * drop-down rather than after its type. */
  if (GTK_IS_TOGGLE_BUTTON (widget) && GTK_IS_DROP_DOWN (gtk_widget_get_parent (widget)))
    {
      gtk_accessible_update_relation (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_RELATION_LABELLED_BY,
                                      gtk_widget_get_parent (widget), NULL, -1);
      return;
    }
  /* A column view's rows sit in a list of its own, named after its type. */
  if (GTK_IS_LIST_VIEW (widget) && GTK_IS_COLUMN_VIEW (gtk_widget_get_parent (widget)))
    {
      gtk_accessible_update_relation (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_RELATION_LABELLED_BY,
                                      gtk_widget_get_parent (widget), NULL, -1);
      return;
    }
  if (GTK_IS_BUTTON (widget))
    {
      /* Buttons whose label changes later (Add/Save, Cancel/Close) are
       * fixed again after each change. */
      if (g_object_get_data (G_OBJECT (widget), WATCHED_KEY) == NULL)
        {
          g_object_set_data (G_OBJECT (widget), WATCHED_KEY, GINT_TO_POINTER (TRUE));
          g_signal_connect_after (widget, "notify::label", G_CALLBACK (on_label_changed), NULL);
          g_signal_connect_after (widget, "notify::use-underline", G_CALLBACK (on_label_changed), NULL);
        }
      label = gtk_button_get_label (GTK_BUTTON (widget));
      use_underline = gtk_button_get_use_underline (GTK_BUTTON (widget));
    }
  else if (GTK_IS_CHECK_BUTTON (widget))
    {
      label = gtk_check_button_get_label (GTK_CHECK_BUTTON (widget));
      use_underline = gtk_check_button_get_use_underline (GTK_CHECK_BUTTON (widget));
    }
  else if (GTK_IS_EXPANDER (widget))
    {
      label = gtk_expander_get_label (GTK_EXPANDER (widget));
      use_underline = gtk_expander_get_use_underline (GTK_EXPANDER (widget));
    }
  else
    {
      return;
    }

  if (label == NULL)
    return;
  if (has_mnemonic (label, use_underline))
    name = ferry_a11y_strip_mnemonic (label);
  else if (g_object_get_data (G_OBJECT (widget), FIXED_KEY) != NULL || GTK_IS_EXPANDER (widget))
    name = g_strdup (label);   /* a fixed name follows a label without mnemonic */
  else
    return;

  g_object_set_data (G_OBJECT (widget), FIXED_KEY, GINT_TO_POINTER (TRUE));
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  /* The mnemonic label names its widget too: it would be read twice. */
  gtk_accessible_reset_relation (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
}

void
ferry_a11y_fix_names (GtkWidget *widget)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));

  fix_one (widget);
  /* Popovers are children of the widget they pop from: menus are walked
   * with their window. */
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    ferry_a11y_fix_names (child);
}

static void
on_window_map (GtkWidget *window)
{
  ferry_a11y_fix_names (window);
}

static void
on_toplevels_changed (GListModel *toplevels,
                      guint       position,
                      guint       removed,
                      guint       added)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (g_object_get_data (G_OBJECT (window), WATCHED_KEY) != NULL)
        continue;
      g_object_set_data (G_OBJECT (window), WATCHED_KEY, GINT_TO_POINTER (TRUE));
      /* A window joins the list as it is created, before its template
       * built its children: walk it when it shows. */
      g_signal_connect (window, "map", G_CALLBACK (on_window_map), NULL);
      if (gtk_widget_get_mapped (window))
        ferry_a11y_fix_names (window);
    }
}

void
ferry_a11y_watch_windows (void)
{
  static gboolean watching;
  GListModel *toplevels;

  if (watching)
    return;
  watching = TRUE;
  toplevels = gtk_window_get_toplevels ();
  g_signal_connect (toplevels, "items-changed", G_CALLBACK (on_toplevels_changed), NULL);
  on_toplevels_changed (toplevels, 0, 0, g_list_model_get_n_items (toplevels));
}

void
ferry_a11y_name_row_by (GtkWidget *child,
                        GtkWidget *label)
{
  g_return_if_fail (GTK_IS_WIDGET (child));
  g_return_if_fail (GTK_IS_WIDGET (label));

  /* The row is the nearest ancestor with a row's role: a GtkListView's
   * item holds the child itself, a GtkColumnView's row holds cells. */
  for (GtkWidget *w = gtk_widget_get_parent (child); w != NULL; w = gtk_widget_get_parent (w))
    {
      GtkAccessibleRole role = gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (w));

      if (role == GTK_ACCESSIBLE_ROLE_ROW || role == GTK_ACCESSIBLE_ROLE_LIST_ITEM)
        {
          gtk_accessible_update_relation (GTK_ACCESSIBLE (w),
                                          GTK_ACCESSIBLE_RELATION_LABELLED_BY, label, NULL,
                                          -1);
          return;
        }
      if (GTK_IS_LIST_VIEW (w) || GTK_IS_COLUMN_VIEW (w))
        return;
    }
}

static gboolean
tab_pressed (GtkEventControllerKey *controller,
             guint                  keyval,
             guint                  keycode,
             GdkModifierType        state,
             GtkWidget             *list)
{
  GtkDirectionType direction;
  GtkRoot *root = gtk_widget_get_root (list);
  GtkWidget *focus;
  gboolean moved;

  if (keyval == GDK_KEY_Tab || keyval == GDK_KEY_KP_Tab)
    direction = GTK_DIR_TAB_FORWARD;
  else if (keyval == GDK_KEY_ISO_Left_Tab)
    direction = GTK_DIR_TAB_BACKWARD;
  else
    return GDK_EVENT_PROPAGATE;
  if ((state & (GDK_CONTROL_MASK | GDK_ALT_MASK)) != 0 || root == NULL)
    return GDK_EVENT_PROPAGATE;
  /* Only from the rows: not from a popover the list holds (its menu). */
  focus = gtk_root_get_focus (root);
  if (focus == NULL || !gtk_widget_is_ancestor (focus, list) ||
      gtk_widget_get_native (focus) != gtk_widget_get_native (list))
    return GDK_EVENT_PROPAGATE;
  if ((state & GDK_SHIFT_MASK) != 0)
    direction = GTK_DIR_TAB_BACKWARD;

  /* A list that cannot take the focus is skipped by the focus chain: the
   * window moves on from it to the widget after (or before) it, and wraps
   * around at the end as Tab does. */
  gtk_widget_set_can_focus (list, FALSE);
  moved = gtk_widget_child_focus (GTK_WIDGET (root), direction);
  if (!moved)
    {
      gtk_root_set_focus (root, NULL);
      gtk_widget_child_focus (GTK_WIDGET (root), direction);
    }
  gtk_widget_set_can_focus (list, TRUE);
  return GDK_EVENT_STOP;
}

void
ferry_a11y_tab_leaves_list (GtkWidget *list)
{
  GtkEventController *keys;

  g_return_if_fail (GTK_IS_WIDGET (list));

  keys = gtk_event_controller_key_new ();
  /* Before the rows see it: they would move to the next row. */
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect_object (keys, "key-pressed", G_CALLBACK (tab_pressed), list, 0);
  gtk_widget_add_controller (list, keys);
}
