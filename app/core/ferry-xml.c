/* ferry-xml.c — read values out of libvirt's XML documents
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "ferry-xml.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (xmlDoc, xmlFreeDoc)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (xmlXPathContext, xmlXPathFreeContext)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (xmlXPathObject, xmlXPathFreeObject)

GStrv
ferry_xml_eval_strings (const char  *xml,
                        const char  *xpath,
                        GError     **error)
{
  g_autoptr(xmlDoc) doc = NULL;
  g_autoptr(xmlXPathContext) ctx = NULL;
  g_autoptr(xmlXPathObject) obj = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (xml != NULL, NULL);
  g_return_val_if_fail (xpath != NULL, NULL);

  /* No network, no entity expansion, no DTD loading: the XML may come from
   * a host we do not fully trust. */
  doc = xmlReadMemory (xml, (int) strlen (xml), "domain.xml", NULL,
                       XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (doc == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("The XML description could not be parsed"));
      return NULL;
    }

  ctx = xmlXPathNewContext (doc);
  obj = xmlXPathEvalExpression ((const xmlChar *) xpath, ctx);
  if (obj == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "invalid XPath expression “%s”", xpath);
      return NULL;
    }

  if (obj->type == XPATH_NODESET && obj->nodesetval != NULL)
    {
      for (int i = 0; i < obj->nodesetval->nodeNr; i++)
        {
          xmlChar *value = xmlNodeGetContent (obj->nodesetval->nodeTab[i]);

          g_strv_builder_add (builder, value ? (const char *) value : "");
          xmlFree (value);
        }
    }
  else if (obj->type == XPATH_STRING && obj->stringval != NULL)
    {
      g_strv_builder_add (builder, (const char *) obj->stringval);
    }

  return g_strv_builder_end (builder);
}
