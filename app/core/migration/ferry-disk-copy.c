/* ferry-disk-copy.c — copying a shut-off VM's disks to another host
 *
 * For an offline migration between hosts that do not share the disks:
 * each writable file disk is created as a volume in the destination's pool
 * of the same directory and streamed across (virStorageVolDownload on the
 * source, virStorageVolUpload on the destination). A disk the destination
 * already has (shared storage after all) is not copied; a copy that fails
 * leaves nothing half-copied behind. Runs on the migration's own thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <libvirt/virterror.h>

#include "ferry-disk-copy.h"
#include "ferry-domain-xml.h"
#include "ferry-libvirt.h"

static gboolean
copy_volume (virConnectPtr   sconn,
             virConnectPtr   dconn,
             const char     *path,
             const char     *vm_name,
             GError        **error)
{
  virStorageVolPtr svol = NULL, dvol = NULL;
  virStoragePoolPtr dpool = NULL;
  virStreamPtr in = NULL, out = NULL;
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *xml = NULL;
  g_autofree char *buffer = NULL;
  gboolean ok = FALSE;

  if ((dvol = ferry_libvirt_lookup_volume (dconn, path)) != NULL)
    {
      /* Already there: shared storage after all, nothing to copy. */
      virStorageVolFree (dvol);
      return TRUE;
    }
  virResetLastError ();

  if ((svol = ferry_libvirt_lookup_volume (sconn, path)) == NULL)
    {
      ferry_libvirt_set_error (error, _("The disk %s of “%s” is not a volume of a storage pool"), path, vm_name);
      goto out;
    }
  if ((dpool = ferry_libvirt_find_pool_by_dir (dconn, dir)) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("The destination has no storage pool in %s to copy the disk %s into"), dir, path);
      goto out;
    }
  if ((xml = virStorageVolGetXMLDesc (svol, 0)) == NULL ||
      (dvol = virStorageVolCreateXML (dpool, xml, 0)) == NULL)
    {
      ferry_libvirt_set_error (error, _("Could not create %s on the destination"), path);
      goto out;
    }

  in = virStreamNew (sconn, 0);
  out = virStreamNew (dconn, 0);
  if (in == NULL || out == NULL ||
      virStorageVolDownload (svol, in, 0, 0, 0) < 0 ||
      virStorageVolUpload (dvol, out, 0, 0, 0) < 0)
    {
      ferry_libvirt_set_error (error, _("Could not copy %s"), path);
      goto out;
    }

  buffer = g_malloc (256 * 1024);
  for (;;)
    {
      int got = virStreamRecv (in, buffer, 256 * 1024);

      if (got < 0)
        {
          ferry_libvirt_set_error (error, _("Could not read %s"), path);
          goto out;
        }
      if (got == 0)
        break;
      for (int off = 0; off < got;)
        {
          int sent = virStreamSend (out, buffer + off, got - off);

          if (sent < 0)
            {
              ferry_libvirt_set_error (error, _("Could not write %s on the destination"), path);
              goto out;
            }
          off += sent;
        }
    }
  if (virStreamFinish (in) < 0 || virStreamFinish (out) < 0)
    {
      ferry_libvirt_set_error (error, _("Could not copy %s"), path);
      goto out;
    }
  ok = TRUE;

out:
  if (!ok)
    {
      if (in != NULL)
        virStreamAbort (in);
      if (out != NULL)
        virStreamAbort (out);
      /* Leave nothing half-copied behind. */
      if (dvol != NULL)
        virStorageVolDelete (dvol, 0);
    }
  if (in != NULL)
    virStreamFree (in);
  if (out != NULL)
    virStreamFree (out);
  if (dvol != NULL)
    virStorageVolFree (dvol);
  if (dpool != NULL)
    virStoragePoolFree (dpool);
  if (svol != NULL)
    virStorageVolFree (svol);
  return ok;
}

gboolean
_ferry_disk_copy_offline (virConnectPtr   sconn,
                          virConnectPtr   dconn,
                          virDomainPtr    domain,
                          const char     *vm_name,
                          GError        **error)
{
  g_autofree char *xml = virDomainGetXMLDesc (domain, VIR_DOMAIN_XML_INACTIVE);
  g_autoptr(FerryDomainXml) dom = NULL;
  g_auto(GStrv) paths = NULL;

  if (xml == NULL)
    {
      ferry_libvirt_set_error (error, _("Could not read the definition of “%s”"), vm_name);
      return FALSE;
    }
  if ((dom = ferry_domain_xml_new (xml, error)) == NULL)
    return FALSE;
  paths = ferry_domain_xml_dup_disk_paths (dom, FERRY_DISK_HARD_DISKS | FERRY_DISK_WRITABLE |
                                                FERRY_DISK_FILES);
  for (guint i = 0; paths[i] != NULL; i++)
    if (!copy_volume (sconn, dconn, paths[i], vm_name, error))
      return FALSE;
  return TRUE;
}
