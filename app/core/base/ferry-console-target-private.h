/* ferry-console-target-private.h — the pure parts of reaching a console
 *
 * No libvirt, no network: unit-tested on their own.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ferry-console-target.h"

G_BEGIN_DECLS

typedef struct
{
  int       index;      /* among the domain's <graphics>, for virDomainOpenGraphicsFD */
  int       port;       /* -1 when it has none */
  char     *listen;     /* listen address, or NULL */
  char     *socket;     /* UNIX socket path, or NULL */
  gboolean  no_listen;  /* <listen type='none'/>: only libvirt can hand out an fd */
  char     *password;   /* secret: never log it */
} FerryConsoleVnc;

typedef struct
{
  FerryConsoleTransport  transport;
  char                  *host;   /* TCP: where to connect; SSH: the -W target on the node */
  int                    port;
} FerryConsoleRoute;

void             _ferry_console_vnc_free    (FerryConsoleVnc    *vnc);
void             _ferry_console_route_clear (FerryConsoleRoute  *route);

/* The first VNC display of a live domain XML (read with
 * VIR_DOMAIN_XML_SECURE to have the password). */
FerryConsoleVnc *_ferry_console_parse_vnc   (const char         *xml,
                                             const char         *vm_name,
                                             GError            **error);

/* Which transport reaches @vnc of a VM on the node at @uri. */
gboolean         _ferry_console_choose_route (const char        *uri,
                                              const FerryConsoleVnc *vnc,
                                              const char        *vm_name,
                                              FerryConsoleRoute *route,
                                              GError           **error);

/* The ssh command line (an argument vector, never a shell string) that
 * forwards its stdin/stdout to @target_host:@target_port on the node of
 * @uri (an ssh-like URI). Connections to one host share one ssh master
 * under @control_dir (NULL: no sharing). */
GStrv            _ferry_console_build_ssh_argv (const char      *uri,
                                                const char      *target_host,
                                                int              target_port,
                                                const char      *control_dir,
                                                GError         **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FerryConsoleVnc, _ferry_console_vnc_free)

G_END_DECLS
