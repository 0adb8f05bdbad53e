/* ferry-xml.h — read values out of libvirt's XML documents
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>

G_BEGIN_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC (xmlDoc, xmlFreeDoc)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (xmlXPathContext, xmlXPathFreeContext)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (xmlBuffer, xmlBufferFree)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (xmlXPathObject, xmlXPathFreeObject)

/* Evaluates @xpath over @xml and returns the string value of each node it
 * selects, in document order (an empty array when nothing matches). */
GStrv ferry_xml_eval_strings (const char  *xml,
                              const char  *xpath,
                              GError     **error);

/* Parses @xml without network access, DTD loading or entity expansion
 * (the XML may come from a host we do not fully trust). */
xmlDoc  *ferry_xml_parse           (const char       *xml,
                                    GError          **error);
/* The document as a string (no XML declaration), for libvirt. */
char    *ferry_xml_to_string       (xmlDoc           *doc);
/* The root element alone, unformatted: what libvirt-gconfig is given (it
 * takes a document's first child, comment or DTD included, for its root). */
char    *ferry_xml_root_to_string  (xmlDoc           *doc);

/* The string value of each node @xpath selects in @ctx's document. */
GStrv    ferry_xml_eval_strings_in (xmlXPathContext  *ctx,
                                    const char       *xpath);

/* XPath over a parsed document, relative to @node (the root when NULL). */
char    *ferry_xml_get_string      (xmlXPathContext  *ctx,
                                    xmlNode          *node,
                                    const char       *xpath);
gboolean ferry_xml_get_uint64      (xmlXPathContext  *ctx,
                                    xmlNode          *node,
                                    const char       *xpath,
                                    guint64          *value);
gboolean ferry_xml_has_node        (xmlXPathContext  *ctx,
                                    xmlNode          *node,
                                    const char       *xpath);
/* The element nodes @xpath selects, borrowed from the document. */
GPtrArray *ferry_xml_get_nodes     (xmlXPathContext  *ctx,
                                    xmlNode          *node,
                                    const char       *xpath);

/* libvirt's scaled integers: @value in @unit ("KiB", "M", "bytes"…; NULL
 * means @default_scale bytes per unit) to bytes. FALSE when malformed or
 * out of range. */
gboolean ferry_xml_scaled_to_bytes (const char       *value,
                                    const char       *unit,
                                    guint64           default_scale,
                                    guint64          *bytes);
/* The same for an element with a unit attribute, e.g. <memory unit='KiB'>. */
gboolean ferry_xml_get_bytes       (xmlXPathContext  *ctx,
                                    xmlNode          *node,
                                    const char       *xpath,
                                    guint64           default_scale,
                                    guint64          *bytes);

G_END_DECLS
