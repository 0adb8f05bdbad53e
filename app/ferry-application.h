/* ferry-application.h — windows, actions and settings around one FerrySession
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ferry-core-all.h"

G_BEGIN_DECLS

#define FERRY_TYPE_APPLICATION (ferry_application_get_type ())

G_DECLARE_FINAL_TYPE (FerryApplication, ferry_application, FERRY, APPLICATION, AdwApplication)

FerryApplication *ferry_application_new          (void);
/* What this Ferry manages (from startup on). */
FerrySession     *ferry_application_get_session  (FerryApplication *self);
/* NULL when the schema is not installed (running from a build tree). */
GSettings        *ferry_application_get_settings (FerryApplication *self);

G_END_DECLS
