/* ferry-xml.h — read values out of libvirt's XML documents
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Evaluates @xpath over @xml and returns the string value of each node it
 * selects, in document order (an empty array when nothing matches). */
GStrv ferry_xml_eval_strings (const char  *xml,
                              const char  *xpath,
                              GError     **error);

G_END_DECLS
