/* ferry-fake-schema.h — a stand-in for virt-manager's GSettings schema
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Writes a copy of virt-manager's "connections" schema, whose "uris" key has
 * the GVariant type @uris_type ("as" as in virt-manager), into @dir and
 * compiles it there with glib-compile-schemas, for GSETTINGS_SCHEMA_DIR or
 * g_settings_schema_source_new_from_directory (). Asserts it worked. */
void ferry_test_compile_virt_manager_schema (const char *dir,
                                             const char *uris_type);

G_END_DECLS
