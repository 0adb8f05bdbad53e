/* ferry-window-private.h — shared by ferry-window.c and its actions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ferry-drop-state.h"
#include "ferry-graph-page.h"
#include "ferry-node-header.h"
#include "ferry-vm-page.h"
#include "ferry-window.h"

G_BEGIN_DECLS

struct _FerryWindow
{
  AdwApplicationWindow  parent_instance;

  GtkApplication       *application;
  FerrySession         *session;       /* the application's */
  GSettings            *settings;      /* NULL: no schema installed */
  FerryInventory       *inventory;
  GCancellable         *cancellable;

  GtkSingleSelection   *sidebar_selection;
  GtkFilterListModel   *filter_model;
  GtkEveryFilter       *filter;
  GtkStringFilter      *name_filter;
  GtkCustomFilter      *state_filter;
  guint                 state_filter_mode;
  GtkSortListModel     *sort_model;
  GtkMultiSelection    *vm_selection;
  FerryNode            *watched_node;
  GPtrArray            *watched_vms;     /* VMs whose state decides the actions */
  FerryDropState       *drop_state;      /* while VMs are dragged */

  /* template */
  AdwToastOverlay      *toast_overlay;
  AdwLeaflet           *leaflet;
  GtkWidget            *content;
  GtkListView          *sidebar_view;
  AdwWindowTitle       *content_title;
  GtkWidget            *back_button;
  GtkStack             *main_stack;
  GtkSearchBar         *search_bar;
  GtkSearchEntry       *search_entry;
  GtkDropDown          *state_dropdown;
  GtkRevealer          *node_revealer;
  GtkExpander          *graphs_expander;
  FerryGraphPage       *graph_page;
  guint                 resort_source;
  FerryNodeHeader      *node_header;
  GtkStack             *content_stack;
  GtkColumnView        *vm_view;
  AdwStatusPage        *no_vms_page;
  FerryVmPage          *vm_page;
  AdwTabView           *console_tabs;
  AdwTabBar            *console_bar;
  gboolean              detaching;
  GtkListView          *task_view;
  GtkMenuButton        *tasks_button;
  GtkSpinner           *tasks_spinner;
  GtkPopoverMenu       *vm_menu;
  GtkRevealer          *drop_status_revealer;
  GtkLabel             *drop_status_label;
};

/* ferry-window-actions.c */
void       _ferry_window_class_init_actions (GtkWidgetClass *widget_class);
void       _ferry_window_update_actions     (FerryWindow    *self);
GPtrArray *_ferry_window_get_target_vms     (FerryWindow    *self);
FerryNode *_ferry_window_get_selected_node  (FerryWindow    *self);
void       _ferry_window_open_vm            (FerryWindow    *self,
                                             FerryVm        *vm);
void       _ferry_window_update_content     (FerryWindow    *self);

/* ferry-window-clusters.c */
void       _ferry_window_clusters_class_init (GtkWidgetClass *widget_class);
void       _ferry_window_clusters_init      (FerryWindow    *self);
void       _ferry_window_show_cluster       (FerryWindow    *self,
                                             FerryCluster   *cluster);
/* ferry-window-dnd.c */
void       _ferry_window_dnd_add_source     (FerryWindow    *self,
                                             GtkWidget      *widget);
void       _ferry_window_dnd_add_target     (FerryWindow    *self,
                                             GtkWidget      *widget);
/* Opens the migration dialog for @vms (@destination may be NULL), or with
 * @confirmed migrates them at once with the default options. */
void       _ferry_window_migrate            (FerryWindow    *self,
                                             GPtrArray      *vms,
                                             FerryNode      *destination,
                                             gboolean        confirmed);

G_END_DECLS
