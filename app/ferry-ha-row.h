/* ferry-ha-row.h — the "Highly available" switch of a VM
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ferry-core-all.h"

G_BEGIN_DECLS

#define FERRY_TYPE_HA_ROW (ferry_ha_row_get_type ())

G_DECLARE_FINAL_TYPE (FerryHaRow, ferry_ha_row, FERRY, HA_ROW, AdwActionRow)

/* The one view of the flags every page shares (the session's). */
void ferry_ha_row_set_manager (FerryHaRow     *self,
                               FerryHaManager *manager);
void ferry_ha_row_set_vm      (FerryHaRow     *self,
                               FerryVm        *vm);

G_END_DECLS
