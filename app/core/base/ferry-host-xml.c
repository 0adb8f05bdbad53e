/* ferry-host-xml.c — what a host says about itself, read and edited
 *
 * libvirt-gconfig reads what it has total, string-valued getters for:
 * the capabilities' host UUID, host CPU arch and guest list (with each
 * guest's arch), a pool's name, target path and source host, a CPU's
 * model and feature names. The rest is XPath over our own parse of the
 * same text (ferry-xml.c, libxml2), each place saying which gap it fills.
 * The gaps of libvirt-gconfig 4.0 come in three kinds:
 *  - enum getters (guest OS type, guest domain type, pool type, CPU mode,
 *    CPU feature policy) log a critical warning for any value newer than
 *    the library, and a host may run a newer libvirt;
 *  - some documents have no getters at all: domain capabilities (only
 *    the firmware list, as enums), storage volumes (setters only),
 *    networks and host interfaces (nothing);
 *  - a few getters read another element than libvirt writes: the pool
 *    source directory is <dir path=…>, libvirt-gconfig reads <directory>.
 * An enum-valued attribute of an element that libvirt-gconfig hands out
 * as an object (a guest, a guest domain, a CPU feature) is read from that
 * element's own XML, so that nothing pairs two lists by position.
 *
 * libvirt-gconfig parses with libxml2's defaults and takes the document's
 * first child for its root, which is a DTD when there is one: documents
 * with a DTD are refused, and it is handed our parse's root element
 * written out again, never the host's text itself.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <libvirt-gconfig/libvirt-gconfig.h>

#include "ferry-domain-xml.h"   /* libvirt-gconfig cleanups for GVirConfigDomainCpu… */
#include "ferry-host-xml.h"
#include "ferry-xml.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GVirConfigCapabilities, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GVirConfigCapabilitiesHost, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GVirConfigCapabilitiesCpu, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GVirConfigCapabilitiesCpuModel, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GVirConfigCapabilitiesGuestArch, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GVirConfigStoragePool, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GVirConfigStoragePoolTarget, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GVirConfigStoragePoolSource, g_object_unref)

/* ---------------------------------------------------------------------- */
/* Parsing                                                                 */

/* @xml as a document whose root element is @root, or NULL and @not_it
 * (or another reason) in @error. */
static xmlDoc *
parse_document (const char  *xml,
                const char  *root,
                const char  *not_it,
                GError     **error)
{
  g_autoptr(xmlDoc) doc = NULL;
  xmlNode *element;

  if (xml == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, not_it);
      return NULL;
    }
  if ((doc = ferry_xml_parse (xml, error)) == NULL)
    return NULL;
  element = xmlDocGetRootElement (doc);
  if (!xmlStrEqual (element->name, (const xmlChar *) root) || element->ns != NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, not_it);
      return NULL;
    }
  return g_steal_pointer (&doc);
}

/* What libvirt-gconfig's _new_from_xml () is given: our parse's root
 * element alone (see the top of the file). */
static GVirConfigObject *
gconfig_object (GType        type,
                xmlDoc      *doc,
                const char  *root,
                const char  *not_it,
                GError     **error)
{
  g_autofree char *text = ferry_xml_root_to_string (doc);
  g_autoptr(GError) local_error = NULL;
  GVirConfigObject *object;

  object = gvir_config_object_new_from_xml (type, root, NULL, text, &local_error);
  if (object == NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s (%s)", not_it,
                 local_error != NULL ? local_error->message : _("unknown error"));
  return object;
}

static char *
dup_nonempty (const char *s)
{
  return s != NULL && s[0] != '\0' ? g_strdup (s) : NULL;
}

/* One value of an element libvirt-gconfig hands out as @object but reads
 * only as an enum: XPath over that element's own XML. */
static char *
object_string (GVirConfigObject *object,
               const char       *xpath)
{
  g_autofree char *xml = gvir_config_object_to_xml (object);
  g_autoptr(xmlDoc) doc = xml != NULL ? ferry_xml_parse (xml, NULL) : NULL;
  g_autoptr(xmlXPathContext) ctx = NULL;

  if (doc == NULL)
    return NULL;
  ctx = xmlXPathNewContext (doc);
  return ferry_xml_get_string (ctx, NULL, xpath);
}

/* The non-empty string values @xpath selects. */
static GStrv
nonempty_strings (xmlXPathContext *ctx,
                  const char      *xpath)
{
  g_auto(GStrv) all = ferry_xml_eval_strings_in (ctx, xpath);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; all[i] != NULL; i++)
    if (all[i][0] != '\0')
      g_strv_builder_add (builder, all[i]);
  return g_strv_builder_end (builder);
}

/* ---------------------------------------------------------------------- */
/* Capabilities                                                            */

static void
caps_guest_free (FerryCapsGuest *guest)
{
  g_free (guest->os_type);
  g_free (guest->arch);
  g_strfreev (guest->domain_types);
  g_free (guest);
}

void
ferry_caps_xml_free (FerryCapsXml *caps)
{
  if (caps == NULL)
    return;
  g_free (caps->host_uuid);
  g_free (caps->host_arch);
  g_clear_pointer (&caps->guests, g_ptr_array_unref);
  g_free (caps);
}

static FerryCapsGuest *
read_guest (GVirConfigCapabilitiesGuest *config)
{
  FerryCapsGuest *guest = g_new0 (FerryCapsGuest, 1);
  g_autoptr(GVirConfigCapabilitiesGuestArch) arch = gvir_config_capabilities_guest_get_arch (config);
  g_autoptr(GStrvBuilder) types = g_strv_builder_new ();

  /* gvir_config_capabilities_guest_get_os_type () is an enum. */
  guest->os_type = object_string (GVIR_CONFIG_OBJECT (config), "/guest/os_type");
  if (arch != NULL)
    {
      GList *domains = gvir_config_capabilities_guest_arch_get_domains (arch);

      guest->arch = dup_nonempty (gvir_config_capabilities_guest_arch_get_name (arch));
      for (GList *l = domains; l != NULL; l = l->next)
        {
          /* gvir_config_capabilities_guest_domain_get_virt_type () is an
           * enum, and "hvf" or the like is newer than it. */
          g_autofree char *type = object_string (l->data, "/domain/@type");

          if (type != NULL)
            g_strv_builder_add (types, type);
        }
      g_list_free_full (domains, g_object_unref);
    }
  guest->domain_types = g_strv_builder_end (types);
  return guest;
}

FerryCapsXml *
ferry_caps_xml_parse (const char  *xml,
                      GError     **error)
{
  const char *not_it = _("The XML description is not a host’s capabilities");
  g_autoptr(xmlDoc) doc = parse_document (xml, "capabilities", not_it, error);
  g_autoptr(GVirConfigCapabilities) config = NULL;
  g_autoptr(GVirConfigCapabilitiesHost) host = NULL;
  g_autoptr(FerryCapsXml) caps = NULL;
  GList *guests;

  if (doc == NULL ||
      (config = (GVirConfigCapabilities *) gconfig_object (GVIR_CONFIG_TYPE_CAPABILITIES, doc,
                                                           "capabilities", not_it, error)) == NULL)
    return NULL;

  caps = g_new0 (FerryCapsXml, 1);
  caps->guests = g_ptr_array_new_with_free_func ((GDestroyNotify) caps_guest_free);
  if ((host = gvir_config_capabilities_get_host (config)) != NULL)
    {
      g_autoptr(GVirConfigCapabilitiesCpu) cpu = gvir_config_capabilities_host_get_cpu (host);

      caps->host_uuid = dup_nonempty (gvir_config_capabilities_host_get_uuid (host));
      if (cpu != NULL)
        caps->host_arch = dup_nonempty (gvir_config_capabilities_cpu_get_arch (cpu));
    }
  guests = gvir_config_capabilities_get_guests (config);
  for (GList *l = guests; l != NULL; l = l->next)
    g_ptr_array_add (caps->guests, read_guest (l->data));
  g_list_free_full (guests, g_object_unref);
  return g_steal_pointer (&caps);
}

gboolean
ferry_caps_xml_has_domain_type (const FerryCapsXml *caps,
                                const char         *arch,
                                const char         *type)
{
  g_return_val_if_fail (caps != NULL, FALSE);
  g_return_val_if_fail (type != NULL, FALSE);

  for (guint i = 0; i < caps->guests->len; i++)
    {
      const FerryCapsGuest *guest = g_ptr_array_index (caps->guests, i);

      if (g_strcmp0 (guest->arch, arch) == 0 &&
          g_strv_contains ((const char * const *) guest->domain_types, type))
        return TRUE;
    }
  return FALSE;
}

/* ---------------------------------------------------------------------- */
/* Domain capabilities: all XPath (libvirt-gconfig reads only the firmware */
/* list, as enums)                                                         */

void
ferry_domcaps_xml_free (FerryDomcapsXml *domcaps)
{
  if (domcaps == NULL)
    return;
  g_free (domcaps->domain);
  g_free (domcaps->arch);
  g_free (domcaps->machine);
  g_strfreev (domcaps->firmwares);
  g_strfreev (domcaps->loaders);
  g_strfreev (domcaps->usable_models);
  g_free (domcaps->host_cpu_xml);
  g_free (domcaps);
}

/* The children of <mode name='host-model'> (model, vendor, features…) in
 * a <cpu mode='custom' match='exact'> of their own. */
static char *
host_model_cpu (xmlXPathContext *ctx)
{
  g_autoptr(GPtrArray) modes =
    ferry_xml_get_nodes (ctx, NULL, "/domainCapabilities/cpu/mode[@name='host-model'][@supported='yes']");
  g_autoptr(xmlDoc) out = NULL;
  xmlNode *mode;
  xmlNode *cpu;

  if (modes->len == 0)
    return NULL;
  mode = g_ptr_array_index (modes, 0);
  if (!ferry_xml_has_node (ctx, mode, "model"))
    return NULL;
  out = xmlNewDoc ((const xmlChar *) "1.0");
  cpu = xmlNewNode (NULL, (const xmlChar *) "cpu");
  xmlDocSetRootElement (out, cpu);
  xmlNewProp (cpu, (const xmlChar *) "mode", (const xmlChar *) "custom");
  xmlNewProp (cpu, (const xmlChar *) "match", (const xmlChar *) "exact");
  for (xmlNode *child = mode->children; child != NULL; child = child->next)
    if (child->type == XML_ELEMENT_NODE)
      xmlAddChild (cpu, xmlDocCopyNode (child, out, 1));
  return ferry_xml_to_string (out);
}

FerryDomcapsXml *
ferry_domcaps_xml_parse (const char  *xml,
                         GError     **error)
{
  g_autoptr(xmlDoc) doc = parse_document (xml, "domainCapabilities",
                                          _("The XML description is not a host’s domain capabilities"),
                                          error);
  g_autoptr(xmlXPathContext) ctx = NULL;
  FerryDomcapsXml *domcaps;
  guint64 max;

  if (doc == NULL)
    return NULL;
  ctx = xmlXPathNewContext (doc);
  domcaps = g_new0 (FerryDomcapsXml, 1);
  domcaps->domain = ferry_xml_get_string (ctx, NULL, "/domainCapabilities/domain");
  domcaps->arch = ferry_xml_get_string (ctx, NULL, "/domainCapabilities/arch");
  domcaps->machine = ferry_xml_get_string (ctx, NULL, "/domainCapabilities/machine");
  if (ferry_xml_get_uint64 (ctx, NULL, "/domainCapabilities/vcpu/@max", &max))
    domcaps->max_vcpus = (guint) MIN (max, G_MAXUINT);
  domcaps->firmwares = nonempty_strings (ctx, "/domainCapabilities/os/enum[@name='firmware']/value");
  domcaps->loaders = nonempty_strings (ctx, "/domainCapabilities/os/loader/value");
  domcaps->usable_models = nonempty_strings (ctx, "/domainCapabilities/cpu/mode[@name='custom']"
                                                  "/model[@usable='yes']");
  domcaps->host_cpu_xml = host_model_cpu (ctx);
  return domcaps;
}

/* ---------------------------------------------------------------------- */
/* Storage pools                                                           */

void
ferry_pool_xml_free (FerryPoolXml *pool)
{
  if (pool == NULL)
    return;
  g_free (pool->name);
  g_free (pool->type);
  g_free (pool->target_path);
  g_free (pool->source_host);
  g_free (pool->source_dir);
  g_free (pool);
}

FerryPoolXml *
ferry_pool_xml_parse (const char  *xml,
                      GError     **error)
{
  const char *not_it = _("The XML description is not a storage pool’s");
  g_autoptr(xmlDoc) doc = parse_document (xml, "pool", not_it, error);
  g_autoptr(xmlXPathContext) ctx = NULL;
  g_autoptr(GVirConfigStoragePool) config = NULL;
  g_autoptr(GVirConfigStoragePoolTarget) target = NULL;
  g_autoptr(GVirConfigStoragePoolSource) source = NULL;
  FerryPoolXml *pool;

  if (doc == NULL ||
      (config = (GVirConfigStoragePool *) gconfig_object (GVIR_CONFIG_TYPE_STORAGE_POOL, doc,
                                                          "pool", not_it, error)) == NULL)
    return NULL;
  ctx = xmlXPathNewContext (doc);
  pool = g_new0 (FerryPoolXml, 1);
  pool->name = dup_nonempty (gvir_config_storage_pool_get_name (config));
  /* gvir_config_storage_pool_get_pool_type () is an enum. */
  pool->type = ferry_xml_get_string (ctx, NULL, "/pool/@type");
  if ((target = gvir_config_storage_pool_get_target (config)) != NULL)
    pool->target_path = dup_nonempty (gvir_config_storage_pool_target_get_path (target));
  if ((source = gvir_config_storage_pool_get_source (config)) != NULL)
    pool->source_host = dup_nonempty (gvir_config_storage_pool_source_get_host (source));
  /* gvir_config_storage_pool_source_get_directory () reads <directory>. */
  pool->source_dir = ferry_xml_get_string (ctx, NULL, "/pool/source/dir/@path");
  return pool;
}

/* ---------------------------------------------------------------------- */
/* Storage volumes: all XPath (libvirt-gconfig has setters only)           */

void
ferry_volume_xml_free (FerryVolumeXml *volume)
{
  if (volume == NULL)
    return;
  g_free (volume->name);
  g_free (volume->format);
  g_free (volume->ctime);
  g_free (volume->mtime);
  g_free (volume);
}

FerryVolumeXml *
ferry_volume_xml_parse (const char  *xml,
                        GError     **error)
{
  g_autoptr(xmlDoc) doc = parse_document (xml, "volume", _("The XML description is not a storage volume’s"),
                                          error);
  g_autoptr(xmlXPathContext) ctx = NULL;
  FerryVolumeXml *volume;

  if (doc == NULL)
    return NULL;
  ctx = xmlXPathNewContext (doc);
  volume = g_new0 (FerryVolumeXml, 1);
  volume->name = ferry_xml_get_string (ctx, NULL, "/volume/name");
  volume->format = ferry_xml_get_string (ctx, NULL, "/volume/target/format/@type");
  if (!ferry_xml_get_bytes (ctx, NULL, "/volume/capacity", 1, &volume->capacity))
    volume->capacity = 0;
  if (!ferry_xml_get_bytes (ctx, NULL, "/volume/allocation", 1, &volume->allocation))
    volume->allocation = 0;
  volume->ctime = ferry_xml_get_string (ctx, NULL, "/volume/target/timestamps/ctime");
  volume->mtime = ferry_xml_get_string (ctx, NULL, "/volume/target/timestamps/mtime");
  return volume;
}

/* ---------------------------------------------------------------------- */
/* Networks: all XPath (GVirConfigNetwork has no getters)                  */

void
ferry_network_xml_free (FerryNetworkXml *network)
{
  if (network == NULL)
    return;
  g_free (network->name);
  g_free (network->bridge);
  g_free (network->forward_mode);
  g_free (network);
}

FerryNetworkXml *
ferry_network_xml_parse (const char  *xml,
                         GError     **error)
{
  g_autoptr(xmlDoc) doc = parse_document (xml, "network", _("The XML description is not a network’s"), error);
  g_autoptr(xmlXPathContext) ctx = NULL;
  FerryNetworkXml *network;

  if (doc == NULL)
    return NULL;
  ctx = xmlXPathNewContext (doc);
  network = g_new0 (FerryNetworkXml, 1);
  network->name = ferry_xml_get_string (ctx, NULL, "/network/name");
  network->bridge = ferry_xml_get_string (ctx, NULL, "/network/bridge/@name");
  network->forward_mode = ferry_xml_get_string (ctx, NULL, "/network/forward/@mode");
  if (network->forward_mode == NULL && ferry_xml_has_node (ctx, NULL, "/network/forward"))
    network->forward_mode = g_strdup ("nat");
  return network;
}

char *
ferry_network_xml_for_copy (const char  *xml,
                            GError     **error)
{
  g_autoptr(xmlDoc) doc = parse_document (xml, "network", _("The XML description is not a network’s"), error);
  g_autoptr(xmlXPathContext) ctx = NULL;
  g_autoptr(GPtrArray) drop = NULL;

  if (doc == NULL)
    return NULL;
  ctx = xmlXPathNewContext (doc);
  drop = ferry_xml_get_nodes (ctx, NULL, "/network/uuid | /network/mac");
  for (guint i = 0; i < drop->len; i++)
    {
      xmlUnlinkNode (g_ptr_array_index (drop, i));
      xmlFreeNode (g_ptr_array_index (drop, i));
    }
  if (!ferry_xml_has_node (ctx, NULL, "/network/forward[@mode='bridge']"))
    {
      g_autoptr(GPtrArray) bridges = ferry_xml_get_nodes (ctx, NULL, "/network/bridge");

      for (guint i = 0; i < bridges->len; i++)
        xmlUnsetProp (g_ptr_array_index (bridges, i), (const xmlChar *) "name");
    }
  return ferry_xml_to_string (doc);
}

/* ---------------------------------------------------------------------- */
/* Host interfaces: XPath (GVirConfigInterface has no getters)             */

void
ferry_interface_xml_free (FerryInterfaceXml *iface)
{
  if (iface == NULL)
    return;
  g_free (iface->name);
  g_free (iface->type);
  g_free (iface);
}

FerryInterfaceXml *
ferry_interface_xml_parse (const char  *xml,
                           GError     **error)
{
  g_autoptr(xmlDoc) doc = parse_document (xml, "interface", _("The XML description is not a host interface’s"),
                                          error);
  g_autoptr(xmlXPathContext) ctx = NULL;
  FerryInterfaceXml *iface;

  if (doc == NULL)
    return NULL;
  ctx = xmlXPathNewContext (doc);
  iface = g_new0 (FerryInterfaceXml, 1);
  iface->name = ferry_xml_get_string (ctx, NULL, "/interface/@name");
  iface->type = ferry_xml_get_string (ctx, NULL, "/interface/@type");
  return iface;
}

/* ---------------------------------------------------------------------- */
/* CPU definitions                                                         */

static void
cpu_feature_free (FerryCpuFeature *feature)
{
  g_free (feature->policy);
  g_free (feature->name);
  g_free (feature);
}

void
ferry_cpu_xml_free (FerryCpuXml *cpu)
{
  if (cpu == NULL)
    return;
  g_free (cpu->mode);
  g_free (cpu->model);
  g_free (cpu->vendor);
  g_clear_pointer (&cpu->features, g_ptr_array_unref);
  g_free (cpu);
}

FerryCpuXml *
ferry_cpu_xml_parse (const char  *xml,
                     GError     **error)
{
  const char *not_it = _("The XML description is not a CPU’s");
  g_autoptr(xmlDoc) doc = parse_document (xml, "cpu", not_it, error);
  g_autoptr(xmlXPathContext) ctx = NULL;
  g_autoptr(GVirConfigDomainCpu) config = NULL;
  g_autoptr(GVirConfigCapabilitiesCpuModel) model = NULL;
  FerryCpuXml *cpu;
  GList *features;

  if (doc == NULL ||
      (config = (GVirConfigDomainCpu *) gconfig_object (GVIR_CONFIG_TYPE_DOMAIN_CPU, doc,
                                                        "cpu", not_it, error)) == NULL)
    return NULL;
  ctx = xmlXPathNewContext (doc);
  cpu = g_new0 (FerryCpuXml, 1);
  /* gvir_config_domain_cpu_get_mode () is an enum ("maximum" is newer). */
  cpu->mode = ferry_xml_get_string (ctx, NULL, "/cpu/@mode");
  if (cpu->mode == NULL)
    cpu->mode = g_strdup ("custom");
  if ((model = gvir_config_capabilities_cpu_get_model (GVIR_CONFIG_CAPABILITIES_CPU (config))) != NULL)
    {
      cpu->has_model = TRUE;
      cpu->model = dup_nonempty (gvir_config_capabilities_cpu_model_get_name (model));
    }
  /* No getter for <vendor>. */
  cpu->vendor = ferry_xml_get_string (ctx, NULL, "/cpu/vendor");

  cpu->features = g_ptr_array_new_with_free_func ((GDestroyNotify) cpu_feature_free);
  features = gvir_config_capabilities_cpu_get_features (GVIR_CONFIG_CAPABILITIES_CPU (config));
  for (GList *l = features; l != NULL; l = l->next)
    {
      FerryCpuFeature *feature = g_new0 (FerryCpuFeature, 1);

      feature->name = dup_nonempty (gvir_config_capabilities_cpu_feature_get_name (l->data));
      /* gvir_config_domain_cpu_feature_get_policy () is an enum. */
      feature->policy = object_string (l->data, "/feature/@policy");
      if (feature->policy == NULL)
        feature->policy = g_strdup ("require");
      g_ptr_array_add (cpu->features, feature);
    }
  g_list_free_full (features, g_object_unref);
  return cpu;
}

static gboolean
is_shape (xmlNode *node)
{
  return node->type == XML_ELEMENT_NODE &&
         (xmlStrEqual (node->name, (const xmlChar *) "topology") ||
          xmlStrEqual (node->name, (const xmlChar *) "numa") ||
          xmlStrEqual (node->name, (const xmlChar *) "cache"));
}

/* An edit libvirt-gconfig has no API for: it sets a topology, but not
 * NUMA cells or caches, and copies no elements between documents. */
char *
ferry_cpu_xml_keep_shape (const char  *cpu_xml,
                          const char  *old_cpu_xml,
                          GError     **error)
{
  const char *not_it = _("The XML description is not a CPU’s");
  g_autoptr(xmlDoc) doc = parse_document (cpu_xml, "cpu", not_it, error);
  g_autoptr(xmlDoc) old = NULL;
  xmlNode *cpu;
  xmlNode *next;

  if (doc == NULL)
    return NULL;
  if (old_cpu_xml == NULL)
    return ferry_xml_to_string (doc);
  if ((old = parse_document (old_cpu_xml, "cpu", not_it, error)) == NULL)
    return NULL;

  cpu = xmlDocGetRootElement (doc);
  for (xmlNode *child = cpu->children; child != NULL; child = next)
    {
      next = child->next;
      if (is_shape (child))
        {
          xmlUnlinkNode (child);
          xmlFreeNode (child);
        }
    }
  for (xmlNode *child = xmlDocGetRootElement (old)->children; child != NULL; child = child->next)
    if (is_shape (child))
      xmlAddChild (cpu, xmlDocCopyNode (child, doc, 1));
  return ferry_xml_to_string (doc);
}

/* ---------------------------------------------------------------------- */
/* Definitions Ferry writes                                                */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GVirConfigStorageVol, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GVirConfigStorageVolTarget, g_object_unref)

char *
ferry_pool_xml_new (const char *name,
                    const char *target_path,
                    const char *nfs_host,
                    const char *nfs_export)
{
  g_autoptr(GVirConfigStoragePool) pool = gvir_config_storage_pool_new ();
  g_autoptr(GVirConfigStoragePoolTarget) target = gvir_config_storage_pool_target_new ();
  g_autoptr(GVirConfigStoragePoolSource) source = NULL;
  g_autofree char *xml = NULL;
  g_autoptr(xmlDoc) doc = NULL;
  xmlNode *source_node = NULL;

  g_return_val_if_fail (name != NULL && target_path != NULL, NULL);
  g_return_val_if_fail ((nfs_host == NULL) == (nfs_export == NULL), NULL);

  gvir_config_storage_pool_set_name (pool, name);
  gvir_config_storage_pool_target_set_path (target, target_path);
  gvir_config_storage_pool_set_target (pool, target);
  if (nfs_host == NULL)
    {
      gvir_config_storage_pool_set_pool_type (pool, GVIR_CONFIG_STORAGE_POOL_TYPE_DIR);
      return gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (pool));
    }

  gvir_config_storage_pool_set_pool_type (pool, GVIR_CONFIG_STORAGE_POOL_TYPE_NETFS);
  source = gvir_config_storage_pool_source_new ();
  gvir_config_storage_pool_source_set_host (source, nfs_host);
  gvir_config_storage_pool_source_set_format (source, "nfs");
  gvir_config_storage_pool_set_source (pool, source);

  /* libvirt-gconfig has only set_directory (), which writes
   * <directory path=…>; libvirt reads the export from <dir path=…>. */
  xml = gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (pool));
  if ((doc = ferry_xml_parse (xml, NULL)) == NULL)
    return NULL;
  for (xmlNode *child = xmlDocGetRootElement (doc)->children; child != NULL; child = child->next)
    if (child->type == XML_ELEMENT_NODE && xmlStrEqual (child->name, (const xmlChar *) "source"))
      source_node = child;
  g_return_val_if_fail (source_node != NULL, NULL);
  xmlSetProp (xmlNewChild (source_node, NULL, (const xmlChar *) "dir", NULL),
              (const xmlChar *) "path", (const xmlChar *) nfs_export);
  return ferry_xml_root_to_string (doc);
}

char *
ferry_volume_xml_new (const char *name,
                      guint64     capacity,
                      guint64     allocation,
                      const char *format)
{
  g_autoptr(GVirConfigStorageVol) vol = gvir_config_storage_vol_new ();
  g_autoptr(GVirConfigStorageVolTarget) target = gvir_config_storage_vol_target_new ();

  g_return_val_if_fail (name != NULL && format != NULL, NULL);

  gvir_config_storage_vol_set_name (vol, name);
  gvir_config_storage_vol_set_capacity (vol, capacity);
  gvir_config_storage_vol_set_allocation (vol, allocation);
  gvir_config_storage_vol_target_set_format (target, format);
  gvir_config_storage_vol_set_target (vol, target);
  return gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (vol));
}

char *
ferry_cpu_xml_new_model (const char *model)
{
  g_autoptr(GVirConfigDomainCpu) cpu = gvir_config_domain_cpu_new ();
  g_autoptr(GVirConfigDomainCpuModel) cpu_model = gvir_config_domain_cpu_model_new ();
  g_autofree char *xml = NULL;
  g_autoptr(xmlDoc) doc = NULL;

  g_return_val_if_fail (model != NULL, NULL);

  gvir_config_domain_cpu_set_mode (cpu, GVIR_CONFIG_DOMAIN_CPU_MODE_CUSTOM);
  gvir_config_domain_cpu_set_match_policy (cpu, GVIR_CONFIG_DOMAIN_CPU_MATCH_POLICY_EXACT);
  gvir_config_capabilities_cpu_model_set_name (GVIR_CONFIG_CAPABILITIES_CPU_MODEL (cpu_model), model);
  gvir_config_domain_cpu_set_model (cpu, cpu_model);

  /* <model fallback='forbid'>: libvirt must not swap in a close model on a
   * host without this one (the cluster's CPUs would differ again).
   * libvirt-gconfig's model has only a name. */
  xml = gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (cpu));
  if ((doc = ferry_xml_parse (xml, NULL)) == NULL)
    return NULL;
  for (xmlNode *child = xmlDocGetRootElement (doc)->children; child != NULL; child = child->next)
    if (child->type == XML_ELEMENT_NODE && xmlStrEqual (child->name, (const xmlChar *) "model"))
      xmlSetProp (child, (const xmlChar *) "fallback", (const xmlChar *) "forbid");
  return ferry_xml_root_to_string (doc);
}
