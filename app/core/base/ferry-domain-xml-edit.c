/* ferry-domain-xml-edit.c — the domain edits libvirt-gconfig cannot make
 *
 * libvirt-gconfig 4.0 keeps its xmlNode to itself, so what it cannot
 * write is written here with libxml2 on the XML it produced (parsed as
 * ferry-xml.c parses any XML: no network, no DTD, no entities). Each gap:
 *  - <vcpu>: gvir_config_domain_set_vcpus() replaces the element with a
 *    bare one, dropping current= (which it has no setter for), cpuset=
 *    and placement=; here only the count and current= change;
 *  - <memory>: gvir_config_domain_set_memory() likewise drops dumpCore=;
 *  - <cpu match= check=>: the CPU setters can set match= but not remove
 *    either attribute, which belong to a custom model only;
 *  - a device's <boot order=…/>: there is no setter for it, and libvirt
 *    refuses it together with <os><boot dev=…/>.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "ferry-domain-xml-edit.h"
#include "ferry-xml.h"

static xmlNode *
find_child (xmlNode    *parent,
            const char *name)
{
  for (xmlNode *child = parent->children; child != NULL; child = child->next)
    if (child->type == XML_ELEMENT_NODE && xmlStrEqual (child->name, BAD_CAST name))
      return child;
  return NULL;
}

static xmlNode *
ensure_child (xmlNode    *parent,
              const char *name)
{
  xmlNode *child = find_child (parent, name);

  return child != NULL ? child : xmlNewChild (parent, NULL, BAD_CAST name, NULL);
}

static void
set_text (xmlNode    *node,
          const char *text)
{
  /* xmlNodeSetContent would read entities in @text; xmlNodeAddContent
   * takes it literally. */
  xmlNodeSetContent (node, NULL);
  xmlNodeAddContent (node, BAD_CAST text);
}

static void
remove_children (xmlNode    *parent,
                 const char *name)
{
  xmlNode *child = parent->children;

  while (child != NULL)
    {
      xmlNode *next = child->next;

      if (child->type == XML_ELEMENT_NODE && xmlStrEqual (child->name, BAD_CAST name))
        {
          xmlUnlinkNode (child);
          xmlFreeNode (child);
        }
      child = next;
    }
}

static void
edit_vcpus (xmlNode                  *root,
            const FerryDomainXmlEdit *edit)
{
  xmlNode *vcpu = ensure_child (root, "vcpu");
  g_autofree char *count = g_strdup_printf ("%u", edit->vcpus);

  set_text (vcpu, count);
  if (edit->current_vcpus > 0 && edit->current_vcpus < edit->vcpus)
    {
      g_autofree char *current = g_strdup_printf ("%u", edit->current_vcpus);

      xmlSetProp (vcpu, BAD_CAST "current", BAD_CAST current);
    }
  else
    xmlUnsetProp (vcpu, BAD_CAST "current");
}

static void
edit_memory (xmlNode                  *root,
             const FerryDomainXmlEdit *edit)
{
  xmlNode *memory = ensure_child (root, "memory");
  g_autofree char *kib = g_strdup_printf ("%" G_GUINT64_FORMAT, edit->memory_kib);

  set_text (memory, kib);
  xmlSetProp (memory, BAD_CAST "unit", BAD_CAST "KiB");
}

char *
ferry_domain_xml_edit_apply (const char                *xml,
                             const FerryDomainXmlEdit  *edit,
                             GError                   **error)
{
  g_autoptr(xmlDoc) doc = NULL;
  xmlNode *root;
  xmlNode *node;

  g_return_val_if_fail (xml != NULL, NULL);
  g_return_val_if_fail (edit != NULL, NULL);

  if ((doc = ferry_xml_parse (xml, error)) == NULL)
    return NULL;
  root = xmlDocGetRootElement (doc);
  if (!xmlStrEqual (root->name, BAD_CAST "domain"))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("The XML description is not a virtual machine’s"));
      return NULL;
    }

  if (edit->vcpus > 0)
    edit_vcpus (root, edit);
  if (edit->memory_kib > 0)
    edit_memory (root, edit);
  if (edit->drop_cpu_match && (node = find_child (root, "cpu")) != NULL)
    {
      xmlUnsetProp (node, BAD_CAST "match");
      xmlUnsetProp (node, BAD_CAST "check");
    }
  if (edit->drop_device_boot && (node = find_child (root, "devices")) != NULL)
    for (xmlNode *device = node->children; device != NULL; device = device->next)
      if (device->type == XML_ELEMENT_NODE)
        remove_children (device, "boot");

  return ferry_xml_to_string (doc);
}
