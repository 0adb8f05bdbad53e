/* ferry-config-private.h — checks the configuration code shares with clusters
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Ids end up in key-file group names: letters, digits and "-", 1..64. */
gboolean _ferry_config_id_is_valid     (const char *id);
/* Line breaks, tabs or other control characters in UTF-8 @text. */
gboolean _ferry_text_has_control_chars (const char *text);

G_END_DECLS
