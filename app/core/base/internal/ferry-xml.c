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
  if (doc == NULL || doc->intSubset != NULL || doc->extSubset != NULL)
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

GStrv
ferry_xml_eval_strings_in (xmlXPathContext *ctx,
                           const char      *xpath)
{
  g_autoptr(xmlXPathObject) obj = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  ctx->node = xmlDocGetRootElement (ctx->doc);
  obj = xmlXPathEvalExpression ((const xmlChar *) xpath, ctx);
  if (obj != NULL && obj->type == XPATH_NODESET && obj->nodesetval != NULL)
    for (int i = 0; i < obj->nodesetval->nodeNr; i++)
      {
        xmlChar *value = xmlNodeGetContent (obj->nodesetval->nodeTab[i]);

        g_strv_builder_add (builder, value ? (const char *) value : "");
        xmlFree (value);
      }
  return g_strv_builder_end (builder);
}

xmlDoc *
ferry_xml_parse (const char  *xml,
                 GError     **error)
{
  xmlDoc *doc;

  g_return_val_if_fail (xml != NULL, NULL);

  doc = xmlReadMemory (xml, (int) strlen (xml), "libvirt.xml", NULL,
                       XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  /* libvirt never writes a DTD; one can only be a trick (entities that
   * XPath's string() would expand, or a root libvirt-gconfig misreads). */
  if (doc == NULL || xmlDocGetRootElement (doc) == NULL || doc->intSubset != NULL || doc->extSubset != NULL)
    {
      g_clear_pointer (&doc, xmlFreeDoc);
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("The XML description could not be parsed"));
    }
  return doc;
}

char *
ferry_xml_root_to_string (xmlDoc *doc)
{
  g_autoptr(xmlBuffer) buffer = xmlBufferCreate ();

  /* Unformatted: indentation would become the content of elements. */
  xmlNodeDump (buffer, doc, xmlDocGetRootElement (doc), 0, 0);
  return g_strdup ((const char *) xmlBufferContent (buffer));
}

char *
ferry_xml_to_string (xmlDoc *doc)
{
  xmlBuffer *buf = xmlBufferCreate ();
  char *str;

  /* The root element alone: libvirt wants no <?xml?> declaration. */
  xmlNodeDump (buf, doc, xmlDocGetRootElement (doc), 0, 1);
  str = g_strdup ((const char *) xmlBufferContent (buf));
  xmlBufferFree (buf);
  return str;
}

static xmlXPathObject *
eval_at (xmlXPathContext *ctx,
         xmlNode         *node,
         const char      *xpath)
{
  ctx->node = node != NULL ? node : xmlDocGetRootElement (ctx->doc);
  return xmlXPathEvalExpression ((const xmlChar *) xpath, ctx);
}

char *
ferry_xml_get_string (xmlXPathContext *ctx,
                      xmlNode         *node,
                      const char      *xpath)
{
  g_autoptr(xmlXPathObject) obj = NULL;
  g_autofree char *expr = g_strdup_printf ("string(%s)", xpath);

  obj = eval_at (ctx, node, expr);
  if (obj == NULL || obj->type != XPATH_STRING || obj->stringval == NULL ||
      obj->stringval[0] == '\0')
    return NULL;
  return g_strdup ((const char *) obj->stringval);
}

gboolean
ferry_xml_get_uint64 (xmlXPathContext *ctx,
                      xmlNode         *node,
                      const char      *xpath,
                      guint64         *value)
{
  g_autofree char *str = ferry_xml_get_string (ctx, node, xpath);

  return str != NULL && g_ascii_string_to_unsigned (g_strstrip (str), 10, 0, G_MAXUINT64,
                                                    value, NULL);
}

gboolean
ferry_xml_has_node (xmlXPathContext *ctx,
                    xmlNode         *node,
                    const char      *xpath)
{
  g_autoptr(xmlXPathObject) obj = eval_at (ctx, node, xpath);

  return obj != NULL && obj->type == XPATH_NODESET && obj->nodesetval != NULL &&
         obj->nodesetval->nodeNr > 0;
}

GPtrArray *
ferry_xml_get_nodes (xmlXPathContext *ctx,
                     xmlNode         *node,
                     const char      *xpath)
{
  g_autoptr(xmlXPathObject) obj = eval_at (ctx, node, xpath);
  GPtrArray *nodes = g_ptr_array_new ();

  if (obj != NULL && obj->type == XPATH_NODESET && obj->nodesetval != NULL)
    for (int i = 0; i < obj->nodesetval->nodeNr; i++)
      if (obj->nodesetval->nodeTab[i]->type == XML_ELEMENT_NODE)
        g_ptr_array_add (nodes, obj->nodesetval->nodeTab[i]);
  return nodes;
}

gboolean
ferry_xml_scaled_to_bytes (const char *value,
                           const char *unit,
                           guint64     default_scale,
                           guint64    *bytes)
{
  static const char prefixes[] = "kmgtpe";
  guint64 scale = default_scale;
  guint64 n;

  if (value == NULL)
    return FALSE;

  /* As libvirt reads them: b, byte(s), or K/M/G/T/P/E with nothing or
   * "iB" after it (powers of 1024) or "B" (powers of 1000), any case. */
  if (unit != NULL && unit[0] != '\0')
    {
      const char *p;
      const char *rest = unit + 1;
      guint64 base;

      if (g_ascii_strcasecmp (unit, "b") == 0 || g_ascii_strcasecmp (unit, "byte") == 0 ||
          g_ascii_strcasecmp (unit, "bytes") == 0)
        scale = 1;
      else if ((p = strchr (prefixes, g_ascii_tolower (unit[0]))) != NULL && *p != '\0')
        {
          if (*rest == '\0' || g_ascii_strcasecmp (rest, "ib") == 0)
            base = 1024;
          else if (g_ascii_strcasecmp (rest, "b") == 0)
            base = 1000;
          else
            return FALSE;
          scale = 1;
          for (long i = 0; i <= p - prefixes; i++)
            scale *= base;
        }
      else
        return FALSE;
    }

  if (!g_ascii_string_to_unsigned (value, 10, 0, G_MAXUINT64, &n, NULL) ||
      (scale != 0 && n > G_MAXUINT64 / scale))
    return FALSE;
  *bytes = n * scale;
  return TRUE;
}

gboolean
ferry_xml_get_bytes (xmlXPathContext *ctx,
                     xmlNode         *node,
                     const char      *xpath,
                     guint64          default_scale,
                     guint64         *bytes)
{
  g_autoptr(GPtrArray) nodes = ferry_xml_get_nodes (ctx, node, xpath);
  g_autofree char *value = NULL;
  g_autofree char *unit = NULL;
  xmlNode *element;

  if (nodes->len == 0)
    return FALSE;
  element = g_ptr_array_index (nodes, 0);
  value = ferry_xml_get_string (ctx, element, ".");
  unit = ferry_xml_get_string (ctx, element, "@unit");
  return value != NULL && ferry_xml_scaled_to_bytes (g_strstrip (value), unit, default_scale, bytes);
}
