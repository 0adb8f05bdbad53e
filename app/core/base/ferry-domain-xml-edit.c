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

/* ---------------------------------------------------------------------- */
/* Throwaway guests                                                        */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GVirConfigDomainMemballoon, g_object_unref)

/* TCG ('qemu') works on every host; nothing to boot, so the firmware just
 * waits, holding what the guest was given; it lives for seconds. */
static GVirConfigDomain *
throwaway_domain (const char *name)
{
  GVirConfigDomain *domain = gvir_config_domain_new ();
  g_autoptr(GVirConfigDomainOs) os = gvir_config_domain_os_new ();
  g_autoptr(GVirConfigDomainMemballoon) balloon = gvir_config_domain_memballoon_new ();

  gvir_config_domain_set_virt_type (domain, GVIR_CONFIG_DOMAIN_VIRT_QEMU);
  gvir_config_domain_set_name (domain, name);
  gvir_config_domain_set_memory (domain, 32 * 1024);
  gvir_config_domain_set_vcpus (domain, 1);
  gvir_config_domain_os_set_os_type (os, GVIR_CONFIG_DOMAIN_OS_TYPE_HVM);
  gvir_config_domain_set_os (domain, os);
  gvir_config_domain_memballoon_set_model (balloon, GVIR_CONFIG_DOMAIN_MEMBALLOON_MODEL_NONE);
  gvir_config_domain_add_device (domain, GVIR_CONFIG_DOMAIN_DEVICE (balloon));
  return domain;
}

char *
ferry_domain_xml_new_disk_holder (const char *name,
                                  const char *disk_path)
{
  g_autoptr(GVirConfigDomain) domain = NULL;
  g_autoptr(GVirConfigDomainDisk) disk = gvir_config_domain_disk_new ();
  g_autoptr(GVirConfigDomainDiskDriver) driver = gvir_config_domain_disk_driver_new ();

  g_return_val_if_fail (name != NULL && disk_path != NULL, NULL);

  domain = throwaway_domain (name);
  gvir_config_domain_disk_set_type (disk, GVIR_CONFIG_DOMAIN_DISK_FILE);
  gvir_config_domain_disk_set_guest_device_type (disk, GVIR_CONFIG_DOMAIN_DISK_GUEST_DEVICE_DISK);
  gvir_config_domain_disk_set_source (disk, disk_path);
  gvir_config_domain_disk_set_target_dev (disk, "vda");
  gvir_config_domain_disk_set_target_bus (disk, GVIR_CONFIG_DOMAIN_DISK_BUS_VIRTIO);
  gvir_config_domain_disk_driver_set_name (driver, "qemu");
  gvir_config_domain_disk_driver_set_format (driver, GVIR_CONFIG_DOMAIN_DISK_FORMAT_RAW);
  gvir_config_domain_disk_set_driver (disk, driver);
  gvir_config_domain_add_device (domain, GVIR_CONFIG_DOMAIN_DEVICE (disk));
  return gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (domain));
}

char *
ferry_domain_xml_new_lease_holder (const char *name,
                                   const char *lockspace,
                                   const char *key,
                                   const char *target_path)
{
  g_autoptr(GVirConfigDomain) domain = NULL;
  g_autofree char *xml = NULL;
  g_autoptr(xmlDoc) doc = NULL;
  xmlNode *devices = NULL;
  xmlNode *lease;

  g_return_val_if_fail (name != NULL && lockspace != NULL && key != NULL && target_path != NULL, NULL);

  domain = throwaway_domain (name);
  xml = gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (domain));
  if ((doc = ferry_xml_parse (xml, NULL)) == NULL)
    return NULL;
  for (xmlNode *child = xmlDocGetRootElement (doc)->children; child != NULL; child = child->next)
    if (child->type == XML_ELEMENT_NODE && xmlStrEqual (child->name, (const xmlChar *) "devices"))
      devices = child;
  g_return_val_if_fail (devices != NULL, NULL);

  /* libvirt-gconfig has no <lease> device. */
  lease = xmlNewChild (devices, NULL, (const xmlChar *) "lease", NULL);
  xmlNewTextChild (lease, NULL, (const xmlChar *) "lockspace", (const xmlChar *) lockspace);
  xmlNewTextChild (lease, NULL, (const xmlChar *) "key", (const xmlChar *) key);
  xmlSetProp (xmlNewChild (lease, NULL, (const xmlChar *) "target", NULL),
              (const xmlChar *) "path", (const xmlChar *) target_path);
  return ferry_xml_root_to_string (doc);
}
