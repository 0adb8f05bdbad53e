/* ferry-domain-xml.c — a libvirt domain description, read and edited
 *
 * libvirt-gconfig holds the document: the typed top-level values (name,
 * UUID, title, description, maximum vCPUs, OS arch and machine, CPU
 * model), and every edit (Ferry's <metadata>, the CPU), which it writes
 * back as XML.
 *
 * The rest is read with XPath over our own parse of the same text
 * (ferry-xml.c, libxml2), because libvirt-gconfig 4.0 has no total API for
 * it (test-domain-xml shows each case):
 *  - devices: gvir_config_domain_get_devices() silently drops the kinds it
 *    has no class for, such as <interface type='direct'>, <graphics
 *    type='egl-headless'> or a <disk> without a type attribute;
 *  - attributes it only offers as enums (domain type, disk type, device
 *    and bus, CPU mode, OS firmware): an enum getter logs a critical
 *    warning for any value newer than the library, and the XML comes from
 *    whatever libvirt version the host runs;
 *  - memory: its getters know only some of libvirt's units;
 *  - values without a getter: <vcpu current>, <emulator>, boot order;
 *  - reading <metadata>: its custom-XML getter loses a namespace declared
 *    on <domain> or <metadata> rather than on the element.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "ferry-core.h"
#include "ferry-domain-xml.h"
#include "ferry-xml.h"

struct _FerryDomainXml
{
  GObject           parent_instance;

  GVirConfigDomain *config;

  char             *virt_type;
  gboolean          active;
  char             *emulator;
  char             *os_type;
  char             *firmware;
  char             *loader;
  char             *loader_type;
  GStrv             boot_order;
  char             *cpu_mode;
  char             *cpu_model;
  guint             vcpus;
  guint             max_vcpus;
  guint64           memory;
  guint64           max_memory;
  GPtrArray        *disks;
  GPtrArray        *interfaces;
  GPtrArray        *graphics;
  GHashTable       *metadata;    /* namespace URI → its element, as XML */
};

G_DEFINE_FINAL_TYPE (FerryDomainXml, ferry_domain_xml, G_TYPE_OBJECT)

void
ferry_domain_disk_free (FerryDomainDisk *disk)
{
  if (disk == NULL)
    return;
  g_free (disk->type);
  g_free (disk->device);
  g_free (disk->source);
  g_free (disk->pool);
  g_free (disk->volume);
  g_free (disk->format);
  g_free (disk->target);
  g_free (disk->bus);
  g_free (disk);
}

void
ferry_domain_interface_free (FerryDomainInterface *iface)
{
  if (iface == NULL)
    return;
  g_free (iface->type);
  g_free (iface->source);
  g_free (iface->mac);
  g_free (iface->model);
  g_free (iface);
}

void
ferry_domain_graphics_free (FerryDomainGraphics *graphics)
{
  if (graphics == NULL)
    return;
  g_free (graphics->type);
  g_free (graphics->listen);
  g_free (graphics->socket);
  ferry_secret_free (graphics->password);
  g_free (graphics);
}

static void
ferry_domain_xml_finalize (GObject *object)
{
  FerryDomainXml *self = FERRY_DOMAIN_XML (object);

  g_clear_object (&self->config);
  g_free (self->virt_type);
  g_free (self->emulator);
  g_free (self->os_type);
  g_free (self->firmware);
  g_free (self->loader);
  g_free (self->loader_type);
  g_strfreev (self->boot_order);
  g_free (self->cpu_mode);
  g_free (self->cpu_model);
  g_clear_pointer (&self->disks, g_ptr_array_unref);
  g_clear_pointer (&self->interfaces, g_ptr_array_unref);
  g_clear_pointer (&self->graphics, g_ptr_array_unref);
  g_clear_pointer (&self->metadata, g_hash_table_unref);

  G_OBJECT_CLASS (ferry_domain_xml_parent_class)->finalize (object);
}

static void
ferry_domain_xml_class_init (FerryDomainXmlClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ferry_domain_xml_finalize;
}

static void
ferry_domain_xml_init (FerryDomainXml *self)
{
  self->disks = g_ptr_array_new_with_free_func ((GDestroyNotify) ferry_domain_disk_free);
  self->interfaces = g_ptr_array_new_with_free_func ((GDestroyNotify) ferry_domain_interface_free);
  self->graphics = g_ptr_array_new_with_free_func ((GDestroyNotify) ferry_domain_graphics_free);
  self->metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

/* ---------------------------------------------------------------------- */
/* What libvirt-gconfig cannot read totally (see the top of the file)      */

static guint
get_boot_order (xmlXPathContext *ctx,
                xmlNode         *device)
{
  guint64 order;

  if (!ferry_xml_get_uint64 (ctx, device, "boot/@order", &order) || order > G_MAXUINT)
    return 0;
  return (guint) order;
}

static void
read_disks (FerryDomainXml  *self,
            xmlXPathContext *ctx)
{
  g_autoptr(GPtrArray) nodes = ferry_xml_get_nodes (ctx, NULL, "/domain/devices/disk");

  for (guint i = 0; i < nodes->len; i++)
    {
      xmlNode *node = g_ptr_array_index (nodes, i);
      FerryDomainDisk *disk = g_new0 (FerryDomainDisk, 1);

      disk->type = ferry_xml_get_string (ctx, node, "@type");
      if (disk->type == NULL)
        disk->type = g_strdup ("file");
      disk->device = ferry_xml_get_string (ctx, node, "@device");
      if (disk->device == NULL)
        disk->device = g_strdup ("disk");
      if (strcmp (disk->type, "volume") == 0)
        {
          disk->pool = ferry_xml_get_string (ctx, node, "source/@pool");
          disk->volume = ferry_xml_get_string (ctx, node, "source/@volume");
        }
      else if (strcmp (disk->type, "block") == 0)
        disk->source = ferry_xml_get_string (ctx, node, "source/@dev");
      else if (strcmp (disk->type, "dir") == 0)
        disk->source = ferry_xml_get_string (ctx, node, "source/@dir");
      else if (strcmp (disk->type, "network") == 0)
        disk->source = ferry_xml_get_string (ctx, node, "source/@name");
      else
        disk->source = ferry_xml_get_string (ctx, node, "source/@file");
      disk->format = ferry_xml_get_string (ctx, node, "driver/@type");
      disk->target = ferry_xml_get_string (ctx, node, "target/@dev");
      disk->bus = ferry_xml_get_string (ctx, node, "target/@bus");
      disk->readonly = ferry_xml_has_node (ctx, node, "readonly");
      disk->shareable = ferry_xml_has_node (ctx, node, "shareable");
      disk->boot_order = get_boot_order (ctx, node);
      g_ptr_array_add (self->disks, disk);
    }
}

static void
read_interfaces (FerryDomainXml  *self,
                 xmlXPathContext *ctx)
{
  g_autoptr(GPtrArray) nodes = ferry_xml_get_nodes (ctx, NULL, "/domain/devices/interface");

  for (guint i = 0; i < nodes->len; i++)
    {
      xmlNode *node = g_ptr_array_index (nodes, i);
      FerryDomainInterface *iface = g_new0 (FerryDomainInterface, 1);

      iface->type = ferry_xml_get_string (ctx, node, "@type");
      if (g_strcmp0 (iface->type, "network") == 0)
        iface->source = ferry_xml_get_string (ctx, node, "source/@network");
      else if (g_strcmp0 (iface->type, "bridge") == 0)
        iface->source = ferry_xml_get_string (ctx, node, "source/@bridge");
      else if (g_strcmp0 (iface->type, "user") != 0)
        iface->source = ferry_xml_get_string (ctx, node, "source/@dev");
      iface->mac = ferry_xml_get_string (ctx, node, "mac/@address");
      iface->model = ferry_xml_get_string (ctx, node, "model/@type");
      iface->boot_order = get_boot_order (ctx, node);
      g_ptr_array_add (self->interfaces, iface);
    }
}

static void
read_graphics (FerryDomainXml  *self,
               xmlXPathContext *ctx)
{
  g_autoptr(GPtrArray) nodes = ferry_xml_get_nodes (ctx, NULL, "/domain/devices/graphics");

  for (guint i = 0; i < nodes->len; i++)
    {
      xmlNode *node = g_ptr_array_index (nodes, i);
      FerryDomainGraphics *graphics = g_new0 (FerryDomainGraphics, 1);
      g_autofree char *port = ferry_xml_get_string (ctx, node, "@port");
      g_autofree char *autoport = ferry_xml_get_string (ctx, node, "@autoport");
      gint64 number;

      graphics->type = ferry_xml_get_string (ctx, node, "@type");
      graphics->port = -1;
      if (port != NULL && g_ascii_string_to_signed (port, 10, 1, 65535, &number, NULL))
        graphics->port = (int) number;
      graphics->autoport = g_strcmp0 (autoport, "yes") == 0;
      graphics->listen = ferry_xml_get_string (ctx, node, "@listen");
      if (graphics->listen == NULL)
        /* type='address', and type='network' once resolved in the live XML */
        graphics->listen = ferry_xml_get_string (ctx, node, "listen[@address][1]/@address");
      graphics->socket = ferry_xml_get_string (ctx, node, "@socket");
      if (graphics->socket == NULL)
        graphics->socket = ferry_xml_get_string (ctx, node, "listen[@type='socket'][1]/@socket");
      graphics->no_listen = ferry_xml_has_node (ctx, node, "listen[@type='none']");
      graphics->password = ferry_xml_get_string (ctx, node, "@passwd");
      g_ptr_array_add (self->graphics, graphics);
    }
}

typedef struct
{
  guint       order;
  const char *dev;
} BootEntry;

static int
compare_boot_entries (gconstpointer a,
                      gconstpointer b)
{
  const BootEntry *x = a, *y = b;

  return x->order < y->order ? -1 : x->order > y->order;
}

/* <os><boot dev=…/>, or in its place <boot order='N'/> on devices. */
static GStrv
read_boot_order (FerryDomainXml  *self,
                 xmlXPathContext *ctx)
{
  g_auto(GStrv) devs = NULL;
  g_autoptr(GArray) entries = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  devs = ferry_xml_eval_strings_in (ctx, "/domain/os/boot/@dev");
  for (guint i = 0; devs[i] != NULL; i++)
    if (devs[i][0] != '\0')
      g_strv_builder_add (builder, devs[i]);
  if (g_strv_length (devs) > 0)
    return g_strv_builder_end (builder);

  entries = g_array_new (FALSE, FALSE, sizeof (BootEntry));
  for (guint i = 0; i < self->disks->len; i++)
    {
      FerryDomainDisk *disk = g_ptr_array_index (self->disks, i);
      BootEntry entry = { disk->boot_order, "hd" };

      if (disk->boot_order == 0)
        continue;
      if (strcmp (disk->device, "cdrom") == 0)
        entry.dev = "cdrom";
      else if (strcmp (disk->device, "floppy") == 0)
        entry.dev = "fd";
      g_array_append_val (entries, entry);
    }
  for (guint i = 0; i < self->interfaces->len; i++)
    {
      FerryDomainInterface *iface = g_ptr_array_index (self->interfaces, i);
      BootEntry entry = { iface->boot_order, "network" };

      if (iface->boot_order != 0)
        g_array_append_val (entries, entry);
    }
  g_array_sort (entries, compare_boot_entries);
  for (guint i = 0; i < entries->len; i++)
    {
      const char *dev = g_array_index (entries, BootEntry, i).dev;
      gboolean seen = FALSE;

      for (guint j = 0; j < i && !seen; j++)
        seen = strcmp (g_array_index (entries, BootEntry, j).dev, dev) == 0;
      if (!seen)
        g_strv_builder_add (builder, dev);
    }
  return g_strv_builder_end (builder);
}

static void
read_metadata (FerryDomainXml  *self,
               xmlXPathContext *ctx)
{
  g_autoptr(GPtrArray) nodes = ferry_xml_get_nodes (ctx, NULL, "/domain/metadata/*");

  for (guint i = 0; i < nodes->len; i++)
    {
      xmlNode *node = g_ptr_array_index (nodes, i);
      g_autoptr(xmlDoc) doc = NULL;

      /* The first element of each namespace, as libvirt keeps it. */
      if (node->ns == NULL || node->ns->href == NULL ||
          g_hash_table_contains (self->metadata, node->ns->href))
        continue;
      /* A copy into a document of its own declares the namespaces the
       * element uses on the element itself. */
      doc = xmlNewDoc ((const xmlChar *) "1.0");
      xmlDocSetRootElement (doc, xmlDocCopyNode (node, doc, 1));
      g_hash_table_insert (self->metadata, g_strdup ((const char *) node->ns->href),
                           ferry_xml_to_string (doc));
    }
}

static void
read_document (FerryDomainXml  *self,
               xmlDoc          *doc)
{
  g_autoptr(xmlXPathContext) ctx = NULL;
  guint64 value;

  ctx = xmlXPathNewContext (doc);

  self->virt_type = ferry_xml_get_string (ctx, NULL, "/domain/@type");
  self->active = ferry_xml_has_node (ctx, NULL, "/domain[@id]");
  /* No getter for <emulator>. */
  self->emulator = ferry_xml_get_string (ctx, NULL, "/domain/devices/emulator");
  self->os_type = ferry_xml_get_string (ctx, NULL, "/domain/os/type");
  self->firmware = ferry_xml_get_string (ctx, NULL, "/domain/os/@firmware");
  self->loader = ferry_xml_get_string (ctx, NULL, "/domain/os/loader");
  self->loader_type = ferry_xml_get_string (ctx, NULL, "/domain/os/loader/@type");
  self->cpu_mode = ferry_xml_get_string (ctx, NULL, "/domain/cpu/@mode");

  /* <vcpu current=…> has no getter. */
  self->max_vcpus = (guint) MIN (gvir_config_domain_get_vcpus (self->config), G_MAXUINT);
  self->vcpus = self->max_vcpus;
  if (ferry_xml_get_uint64 (ctx, NULL, "/domain/vcpu/@current", &value) && value > 0 &&
      value <= self->max_vcpus)
    self->vcpus = (guint) value;

  /* libvirt-gconfig's memory getters know only some of the units libvirt
   * accepts (a critical warning for "K", "mib", "PiB"…, 0 for "bytes"). */
  ferry_xml_get_bytes (ctx, NULL, "/domain/memory", 1024, &self->max_memory);
  if (!ferry_xml_get_bytes (ctx, NULL, "/domain/currentMemory", 1024, &self->memory) || self->memory == 0)
    self->memory = self->max_memory;

  /* Ferry's metadata, kept with its namespace declaration wherever the
   * document made it: libvirt-gconfig's custom-XML getter drops a
   * declaration made on <domain> or <metadata>. */
  read_metadata (self, ctx);

  read_disks (self, ctx);
  read_interfaces (self, ctx);
  read_graphics (self, ctx);
  self->boot_order = read_boot_order (self, ctx);
}

/* ---------------------------------------------------------------------- */

static const char *
nonempty (const char *s)
{
  return s != NULL && s[0] != '\0' ? s : NULL;
}

FerryDomainXml *
ferry_domain_xml_new (const char  *xml,
                      GError     **error)
{
  g_autoptr(FerryDomainXml) self = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *root_xml = NULL;
  g_autoptr(xmlDoc) doc = NULL;
  GVirConfigCapabilitiesCpuModel *model;
  g_autoptr(GVirConfigDomainCpu) cpu = NULL;

  g_return_val_if_fail (xml != NULL, NULL);

  self = g_object_new (FERRY_TYPE_DOMAIN_XML, NULL);
  /* Our parse first: it refuses what libvirt-gconfig's default libxml2
   * options would read (network, DTDs), and says so in plain words; and
   * libvirt-gconfig is given our parse's root element alone (it takes the
   * document's first child, a comment or processing instruction included,
   * for the root). The same parse then serves the XPath reads. */
  if ((doc = ferry_xml_parse (xml, error)) == NULL)
    return NULL;
  if (!xmlStrEqual (xmlDocGetRootElement (doc)->name, (const xmlChar *) "domain"))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("The XML description is not a virtual machine’s"));
      return NULL;
    }
  root_xml = ferry_xml_root_to_string (doc);
  self->config = gvir_config_domain_new_from_xml (root_xml, &local_error);
  if (self->config == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The XML description is not a virtual machine’s (%s)"),
                   local_error != NULL ? local_error->message : _("unknown error"));
      return NULL;
    }
  read_document (self, doc);

  cpu = gvir_config_domain_get_cpu (self->config);
  if (cpu != NULL &&
      (model = gvir_config_capabilities_cpu_get_model (GVIR_CONFIG_CAPABILITIES_CPU (cpu))) != NULL)
    {
      self->cpu_model = g_strdup (nonempty (gvir_config_capabilities_cpu_model_get_name (model)));
      g_object_unref (model);
    }
  return g_steal_pointer (&self);
}

GVirConfigDomain *
ferry_domain_xml_get_config (FerryDomainXml *self)
{
  g_return_val_if_fail (FERRY_IS_DOMAIN_XML (self), NULL);
  return self->config;
}

const char *
ferry_domain_xml_get_name (FerryDomainXml *self)
{
  g_return_val_if_fail (FERRY_IS_DOMAIN_XML (self), NULL);
  return nonempty (gvir_config_domain_get_name (self->config));
}

const char *
ferry_domain_xml_get_uuid (FerryDomainXml *self)
{
  g_return_val_if_fail (FERRY_IS_DOMAIN_XML (self), NULL);
  return nonempty (gvir_config_domain_get_uuid (self->config));
}

const char *
ferry_domain_xml_get_title (FerryDomainXml *self)
{
  g_return_val_if_fail (FERRY_IS_DOMAIN_XML (self), NULL);
  return nonempty (gvir_config_domain_get_title (self->config));
}

const char *
ferry_domain_xml_get_description (FerryDomainXml *self)
{
  g_return_val_if_fail (FERRY_IS_DOMAIN_XML (self), NULL);
  return nonempty (gvir_config_domain_get_description (self->config));
}

const char *
ferry_domain_xml_get_virt_type (FerryDomainXml *self)
{
  g_return_val_if_fail (FERRY_IS_DOMAIN_XML (self), NULL);
  return self->virt_type;
}

gboolean
ferry_domain_xml_is_active (FerryDomainXml *self)
{
  g_return_val_if_fail (FERRY_IS_DOMAIN_XML (self), FALSE);
  return self->active;
}

const char *
ferry_domain_xml_get_emulator (FerryDomainXml *self)
{
  g_return_val_if_fail (FERRY_IS_DOMAIN_XML (self), NULL);
  return self->emulator;
}

const char *
ferry_domain_xml_get_os_type (FerryDomainXml *self)
{
  g_return_val_if_fail (FERRY_IS_DOMAIN_XML (self), NULL);
  return self->os_type;
}

const char *
ferry_domain_xml_get_arch (FerryDomainXml *self)
{
  g_autoptr(GVirConfigDomainOs) os = NULL;

  g_return_val_if_fail (FERRY_IS_DOMAIN_XML (self), NULL);
  if ((os = gvir_config_domain_get_os (self->config)) == NULL)
    return NULL;
  /* The string belongs to the document, which self->config keeps. */
  return nonempty (gvir_config_domain_os_get_arch (os));
}

const char *
ferry_domain_xml_get_machine (FerryDomainXml *self)
{
  g_autoptr(GVirConfigDomainOs) os = NULL;

  g_return_val_if_fail (FERRY_IS_DOMAIN_XML (self), NULL);
  if ((os = gvir_config_domain_get_os (self->config)) == NULL)
    return NULL;
  return nonempty (gvir_config_domain_os_get_machine (os));
}

const char *
ferry_domain_xml_get_firmware (FerryDomainXml *self)
{
  g_return_val_if_fail (FERRY_IS_DOMAIN_XML (self), NULL);
  return self->firmware;
}

const char *
ferry_domain_xml_get_loader (FerryDomainXml *self)
{
  g_return_val_if_fail (FERRY_IS_DOMAIN_XML (self), NULL);
  return self->loader;
}

const char *
ferry_domain_xml_get_loader_type (FerryDomainXml *self)
{
  g_return_val_if_fail (FERRY_IS_DOMAIN_XML (self), NULL);
  return self->loader_type;
}

const char * const *
ferry_domain_xml_get_boot_order (FerryDomainXml *self)
{
  g_return_val_if_fail (FERRY_IS_DOMAIN_XML (self), NULL);
  return (const char * const *) self->boot_order;
}

const char *
ferry_domain_xml_get_cpu_mode (FerryDomainXml *self)
{
  g_return_val_if_fail (FERRY_IS_DOMAIN_XML (self), NULL);
  return self->cpu_mode;
}

const char *
ferry_domain_xml_get_cpu_model (FerryDomainXml *self)
{
  g_return_val_if_fail (FERRY_IS_DOMAIN_XML (self), NULL);
  return self->cpu_model;
}

char *
ferry_domain_xml_dup_cpu_xml (FerryDomainXml *self)
{
  g_autoptr(GVirConfigDomainCpu) cpu = NULL;

  g_return_val_if_fail (FERRY_IS_DOMAIN_XML (self), NULL);
  if ((cpu = gvir_config_domain_get_cpu (self->config)) == NULL)
    return NULL;
  return gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (cpu));
}

guint
ferry_domain_xml_get_vcpus (FerryDomainXml *self)
{
  g_return_val_if_fail (FERRY_IS_DOMAIN_XML (self), 0);
  return self->vcpus;
}

guint
ferry_domain_xml_get_max_vcpus (FerryDomainXml *self)
{
  g_return_val_if_fail (FERRY_IS_DOMAIN_XML (self), 0);
  return self->max_vcpus;
}

guint64
ferry_domain_xml_get_memory (FerryDomainXml *self)
{
  g_return_val_if_fail (FERRY_IS_DOMAIN_XML (self), 0);
  return self->memory;
}

guint64
ferry_domain_xml_get_max_memory (FerryDomainXml *self)
{
  g_return_val_if_fail (FERRY_IS_DOMAIN_XML (self), 0);
  return self->max_memory;
}

GPtrArray *
ferry_domain_xml_get_disks (FerryDomainXml *self)
{
  g_return_val_if_fail (FERRY_IS_DOMAIN_XML (self), NULL);
  return self->disks;
}

GPtrArray *
ferry_domain_xml_get_interfaces (FerryDomainXml *self)
{
  g_return_val_if_fail (FERRY_IS_DOMAIN_XML (self), NULL);
  return self->interfaces;
}

GPtrArray *
ferry_domain_xml_get_graphics (FerryDomainXml *self)
{
  g_return_val_if_fail (FERRY_IS_DOMAIN_XML (self), NULL);
  return self->graphics;
}

GStrv
ferry_domain_xml_dup_disk_paths (FerryDomainXml  *self,
                                 FerryDiskFilter  filter)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (FERRY_IS_DOMAIN_XML (self), NULL);

  for (guint i = 0; i < self->disks->len; i++)
    {
      FerryDomainDisk *disk = g_ptr_array_index (self->disks, i);

      if (((filter & FERRY_DISK_HARD_DISKS) && strcmp (disk->device, "disk") != 0) ||
          ((filter & FERRY_DISK_WRITABLE) && disk->readonly) ||
          ((filter & FERRY_DISK_FILES) && strcmp (disk->type, "file") != 0))
        continue;
      if (strcmp (disk->type, "volume") == 0)
        {
          if (disk->pool != NULL && disk->volume != NULL)
            {
              g_autofree char *path = g_strdup_printf ("%s/%s", disk->pool, disk->volume);

              g_strv_builder_add (builder, path);
            }
        }
      else if ((strcmp (disk->type, "file") == 0 || strcmp (disk->type, "block") == 0) &&
               disk->source != NULL)
        g_strv_builder_add (builder, disk->source);
    }
  return g_strv_builder_end (builder);
}

static GStrv
interface_sources (FerryDomainXml *self,
                   const char     *type)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  for (guint i = 0; i < self->interfaces->len; i++)
    {
      FerryDomainInterface *iface = g_ptr_array_index (self->interfaces, i);

      if (g_strcmp0 (iface->type, type) == 0 && iface->source != NULL &&
          !g_ptr_array_find_with_equal_func (names, iface->source, g_str_equal, NULL))
        g_ptr_array_add (names, iface->source);
    }
  g_ptr_array_add (names, NULL);
  return g_strdupv ((char **) names->pdata);
}

GStrv
ferry_domain_xml_dup_networks (FerryDomainXml *self)
{
  g_return_val_if_fail (FERRY_IS_DOMAIN_XML (self), NULL);
  return interface_sources (self, "network");
}

GStrv
ferry_domain_xml_dup_bridges (FerryDomainXml *self)
{
  g_return_val_if_fail (FERRY_IS_DOMAIN_XML (self), NULL);
  return interface_sources (self, "bridge");
}

char *
ferry_domain_xml_metadata_attribute (const char *element_xml,
                                     const char *ns,
                                     const char *attribute)
{
  g_autoptr(xmlDoc) doc = NULL;
  xmlNode *root;
  xmlChar *value;
  char *result = NULL;

  g_return_val_if_fail (ns != NULL, NULL);
  g_return_val_if_fail (attribute != NULL, NULL);

  /* A lone element is no GVirConfigDomain, and GVirConfigObject has no
   * public attribute getter: read it from our own parse. */
  if (element_xml == NULL || (doc = ferry_xml_parse (element_xml, NULL)) == NULL)
    return NULL;
  root = xmlDocGetRootElement (doc);
  if (root->ns == NULL || root->ns->href == NULL ||
      !xmlStrEqual (root->ns->href, (const xmlChar *) ns))
    return NULL;
  if ((value = xmlGetNoNsProp (root, (const xmlChar *) attribute)) != NULL)
    {
      result = g_strdup (nonempty ((const char *) value));
      xmlFree (value);
    }
  return result;
}

gboolean
ferry_domain_xml_check_cpu_xml (const char  *cpu_xml,
                                GError     **error)
{
  g_autoptr(xmlDoc) check = NULL;
  g_autoptr(GVirConfigDomainCpu) cpu = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (cpu_xml != NULL, FALSE);

  /* Ours first, for the same reason as in ferry_domain_xml_new(). */
  if ((check = ferry_xml_parse (cpu_xml, error)) == NULL)
    return FALSE;
  /* libvirt-gconfig checks that the root element is a <cpu>. */
  if ((cpu = gvir_config_domain_cpu_new_from_xml (cpu_xml, &local_error)) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The CPU description could not be read (%s)"),
                   local_error != NULL ? local_error->message : _("unknown error"));
      return FALSE;
    }
  return TRUE;
}

char *
ferry_domain_xml_dup_metadata (FerryDomainXml *self,
                               const char     *ns)
{
  g_return_val_if_fail (FERRY_IS_DOMAIN_XML (self), NULL);
  g_return_val_if_fail (ns != NULL, NULL);
  return g_strdup (g_hash_table_lookup (self->metadata, ns));
}

gboolean
ferry_domain_xml_set_metadata (FerryDomainXml  *self,
                               const char      *ns,
                               const char      *prefix,
                               const char      *element_xml,
                               GError         **error)
{
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (FERRY_IS_DOMAIN_XML (self), FALSE);
  g_return_val_if_fail (ns != NULL && prefix != NULL, FALSE);

  if (!gvir_config_domain_set_custom_xml (self->config, element_xml, prefix, ns, &local_error))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "invalid metadata: %s", local_error != NULL ? local_error->message : "?");
      return FALSE;
    }
  return TRUE;
}

gboolean
ferry_domain_xml_set_cpu_xml (FerryDomainXml  *self,
                              const char      *cpu_xml,
                              GError         **error)
{
  g_autoptr(GVirConfigDomainCpu) cpu = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (FERRY_IS_DOMAIN_XML (self), FALSE);

  if (cpu_xml != NULL)
    {
      g_autoptr(xmlDoc) check = ferry_xml_parse (cpu_xml, error);

      if (check == NULL)
        return FALSE;
      if ((cpu = gvir_config_domain_cpu_new_from_xml (cpu_xml, &local_error)) == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("The CPU description could not be read (%s)"),
                       local_error != NULL ? local_error->message : _("unknown error"));
          return FALSE;
        }
    }
  gvir_config_domain_set_cpu (self->config, cpu);
  return TRUE;
}

char *
ferry_domain_xml_to_string (FerryDomainXml *self)
{
  g_return_val_if_fail (FERRY_IS_DOMAIN_XML (self), NULL);
  return gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (self->config));
}
