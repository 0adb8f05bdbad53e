/* ferry-uri.h — validation and naming of libvirt connection URIs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define FERRY_URI_ERROR (ferry_uri_error_quark ())

typedef enum
{
  FERRY_URI_ERROR_EMPTY,
  FERRY_URI_ERROR_SYNTAX,
  FERRY_URI_ERROR_SCHEME,
  FERRY_URI_ERROR_HOST,
  FERRY_URI_ERROR_PATH,
  FERRY_URI_ERROR_PARAMETER,
} FerryUriError;

GQuark    ferry_uri_error_quark            (void);

gboolean  ferry_uri_validate               (const char  *uri,
                                            GError     **error);
char     *ferry_uri_display_name           (const char  *uri);
gboolean  ferry_uri_is_remote              (const char  *uri);
char     *ferry_uri_get_host               (const char  *uri);

gboolean  ferry_migration_address_validate (const char  *address,
                                             GError     **error);

G_END_DECLS
